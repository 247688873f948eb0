/*
 * rest_store.c: a report's stored data in the REST API: CacheOptions
 * (ExecutionType Live, Cache or Snapshot; Expiration in Minutes or by a
 * Schedule: for Snapshot the schedule that refreshes the snapshot),
 * CacheRefreshPlans, HistorySnapshots (list, add now, one, delete),
 * HistorySnapshotOptions, and Model.UpdateCacheSnapshot (refresh the
 * execution snapshot now).  Writes need "Manage reports" on the report,
 * history writes "Manage report history".
 */
#include "reportserver/rest_subs.h"
#include "reportserver/subs_api.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const exec_names[] = { "Live", "Cache", "Snapshot" };

static bool
allowed(struct rest_ctx *c, const char *item_id, unsigned task)
{
	if ((rs_tasks(c->cat, item_id, c->user) & task) != 0)
		return true;
	rest_denied(c);
	return false;
}

static void
cache_options_get(struct rest_ctx *c, const struct catalog_item *it)
{
	struct catalog_exec_opts	 o;
	struct buf			*b = &c->resp->body;
	struct rs_err			 e;
	const char			*sid;

	if (catalog_exec_opts_get(c->cat, it->id, &o, &e) == -1) {
		rest_fail(c, &e, NULL);
		return;
	}
	buf_reset(b);
	(void)buf_printf(b, NULL, "{\"ExecutionType\":\"%s\",\"Expiration\":",
	    exec_names[o.exec_type % 3]);
	sid = o.exec_type == CATALOG_EXEC_SNAPSHOT ? o.snapshot_schedule_id :
	    o.cache_schedule_id;
	if (o.exec_type == CATALOG_EXEC_CACHE && o.cache_minutes > 0)
		(void)buf_printf(b, NULL, "{\"Minutes\":%d,\"Schedule\":null}",
		    o.cache_minutes);
	else if (o.exec_type != CATALOG_EXEC_LIVE && sid[0] != '\0') {
		(void)buf_puts(b, "{\"Minutes\":null,\"Schedule\":", NULL);
		rest_sched_reference_json(b, c->cat, sid);
		(void)buf_puts(b, "}", NULL);
	} else
		(void)buf_puts(b, "null", NULL);
	(void)buf_puts(b, "}", NULL);
	rest_subs_reply(c, 200);
}

static void
cache_options_put(struct rest_ctx *c, const struct catalog_item *it,
    const struct json *j)
{
	struct catalog_exec_opts	 o;
	const char			*t = json_get_str(j, "ExecutionType");
	const struct json		*x = json_get(j, "Expiration"), *m;
	struct rs_err			 e;
	char				*dst;
	int				 type;

	if (!allowed(c, it->id, CATALOG_T_MANAGE_REPORTS))
		return;
	for (type = 0; type < 3 && (t == NULL || !str_ieq(t,
	    exec_names[type])); type++)
		;
	if (catalog_exec_opts_get(c->cat, it->id, &o, &e) == -1) {
		rest_fail(c, &e, NULL);
		return;
	}
	if (type == 3) {
		rs_error_json(c->resp, 400, "rsInvalidParameter", "ExecutionType "
		    "must be Live, Cache or Snapshot");
		return;
	}
	o.exec_type = type;
	o.cache_minutes = 0;
	m = x != NULL ? json_get(x, "Minutes") : NULL;
	if (type == CATALOG_EXEC_CACHE && m != NULL && m->type == JSON_NUM) {
		if (m->num < 1 || m->num > 525600) {
			rs_error_json(c->resp, 400, "rsInvalidParameter",
			    "Expiration.Minutes must be 1 to 525600");
			return;
		}
		o.cache_minutes = (int)m->num;
	}
	dst = type == CATALOG_EXEC_SNAPSHOT ? o.snapshot_schedule_id :
	    o.cache_schedule_id;
	if (type != CATALOG_EXEC_LIVE && o.cache_minutes == 0) {
		const struct json	*s = x != NULL ? json_get(x, "Schedule") :
		    NULL;

		if (s == NULL || s->type != JSON_OBJ) {
			rs_error_json(c->resp, 400, "rsInvalidParameter", "a "
			    "cache or snapshot needs Expiration.Minutes or "
			    "Expiration.Schedule");
			return;
		}
		if (rest_sched_from_reference(c, s, dst, dst, &e) == -1) {
			rest_fail(c, &e, "rsInvalidParameter");
			return;
		}
	}
	if (rs_exec_opts_save(c->cat, it->id, &o, &e) == -1) {
		rest_fail(c, &e, NULL);
		return;
	}
	c->resp->status = 204;
}

/* ---- history ---- */

static void
history_json(struct buf *b, const struct catalog_item *it,
    const struct catalog_rdata *d)
{
	char	t[32];

	rs_time_iso(d->created, t, sizeof(t));
	(void)buf_printf(b, NULL, "{\"Id\":\"%s\",\"HistoryId\":\"%s\","
	    "\"CreationDate\":\"%s\",\"Size\":%lld}", it->id, t, t,
	    (long long)d->size);
}

static void
history(struct rest_ctx *c, const struct rest_route *r,
    const struct catalog_item *it)
{
	struct catalog_rdata	*v, d;
	struct buf		*b = &c->resp->body;
	struct rs_err		 e;
	const char		*open = strchr(r->rest, '(');
	char			 hid[48] = "";
	size_t			 n;
	int64_t			 t;

	if (open != NULL) {
		str_copy(hid, sizeof(hid), open + 1);
		hid[strcspn(hid, ")")] = '\0';
		if (hid[0] == '\'')
			memmove(hid, hid + 1, strlen(hid));
		hid[strcspn(hid, "'")] = '\0';
	}
	if (hid[0] == '\0' && strcmp(c->req->method, "POST") == 0) {
		if (allowed(c, it->id, CATALOG_T_MANAGE_HISTORY) &&
		    rs_subs_run_now(c->srv, c->cat, CATALOG_JOB_HISTORY, it->id,
		    &e) == 0) {
			buf_reset(b);
			(void)buf_puts(b, "true", NULL);
			rest_subs_reply(c, 200);
		} else if (c->resp->status != 403)
			rest_fail(c, &e, NULL);
		return;
	}
	if (hid[0] == '\0') {
		if (catalog_rdata_list(c->cat, it->id, CATALOG_DATA_HISTORY, &v,
		    &n, &e) == -1) {
			rest_fail(c, &e, NULL);
			return;
		}
		buf_reset(b);
		(void)buf_puts(b, "[", NULL);
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				(void)buf_puts(b, ",", NULL);
			history_json(b, it, &v[i]);
		}
		(void)buf_puts(b, "]", NULL);
		rest_subs_reply(c, 200);
		catalog_rdatas_free(v, n);
		return;
	}
	t = rs_history_time(hid);
	if (t < 0 || catalog_rdata_find(c->cat, it->id, CATALOG_DATA_HISTORY,
	    NULL, t, 0, &d, NULL, &n, &e) == -1) {
		rs_error_json(c->resp, 404, "rsReportSnapshotNotFound", "the "
		    "report has no history snapshot of that time");
		return;
	}
	if (strcmp(c->req->method, "DELETE") == 0) {
		if (allowed(c, it->id, CATALOG_T_MANAGE_HISTORY) &&
		    catalog_rdata_del(c->cat, it->id, CATALOG_DATA_HISTORY,
		    d.id, &e) == 0) {
			buf_reset(b);
			(void)buf_puts(b, "true", NULL);
			rest_subs_reply(c, 200);
		}
	} else {
		buf_reset(b);
		history_json(b, it, &d);
		rest_subs_reply(c, 200);
	}
	catalog_rdata_fini(&d);
}

static void
history_options(struct rest_ctx *c, const struct catalog_item *it,
    const struct json *j)
{
	struct catalog_exec_opts	 o;
	struct buf			*b = &c->resp->body;
	const struct json		*h, *x;
	struct rs_err			 e;

	if (catalog_exec_opts_get(c->cat, it->id, &o, &e) == -1) {
		rest_fail(c, &e, NULL);
		return;
	}
	if (strcmp(c->req->method, "GET") == 0) {
		buf_reset(b);
		(void)buf_printf(b, NULL, "{\"CatalogItemId\":\"%s\","
		    "\"HistorySnapshotsOptions\":{\"ManualCreationEnabled\":%s,"
		    "\"KeepExecutionSnapshots\":%s,\"UseDefaultSystemLimit\":%s,"
		    "\"ScopedLimit\":%d,\"SystemLimit\":-1,\"Schedule\":", it->id,
		    o.history_manual ? "true" : "false", o.history_keep_exec ?
		    "true" : "false", o.history_limit < 0 ? "true" : "false",
		    o.history_limit < 0 ? 0 : o.history_limit);
		rest_sched_reference_json(b, c->cat, o.history_schedule_id);
		(void)buf_puts(b, "}}", NULL);
		rest_subs_reply(c, 200);
		return;
	}
	if (!allowed(c, it->id, CATALOG_T_MANAGE_HISTORY))
		return;
	h = json_get(j, "HistorySnapshotsOptions");
	if (h == NULL)
		h = j;
	if ((x = json_get(h, "ManualCreationEnabled")) != NULL &&
	    x->type == JSON_BOOL)
		o.history_manual = x->b;
	if ((x = json_get(h, "KeepExecutionSnapshots")) != NULL &&
	    x->type == JSON_BOOL)
		o.history_keep_exec = x->b;
	x = json_get(h, "UseDefaultSystemLimit");
	if (x != NULL && x->type == JSON_BOOL && x->b)
		o.history_limit = -1;
	else if ((x = json_get(h, "ScopedLimit")) != NULL &&
	    x->type == JSON_NUM && x->num >= 1 && x->num <= 10000)
		o.history_limit = (int)x->num;
	x = json_get(h, "Schedule");
	if (x != NULL && x->type == JSON_NULL)
		o.history_schedule_id[0] = '\0';
	else if (x != NULL && rest_sched_from_reference(c, x,
	    o.history_schedule_id, o.history_schedule_id, &e) == -1) {
		rest_fail(c, &e, "rsInvalidParameter");
		return;
	}
	if (catalog_exec_opts_set(c->cat, it->id, &o, &e) == -1)
		rest_fail(c, &e, NULL);
	else
		c->resp->status = 200;
}

/* ---- cache refresh plans ---- */

static void
plan_json(struct rest_ctx *c, struct buf *b, const struct catalog_plan *p)
{
	struct deliver_kvs	par = { 0 };
	struct rs_err		e;
	char			t[32];

	(void)deliver_kvs_decode(p->parameters, &par, &e);
	(void)buf_puts(b, "{\"Id\":", NULL);
	(void)buf_json_str(b, p->id, NULL);
	(void)buf_puts(b, ",\"Owner\":", NULL);
	(void)buf_json_str(b, p->owner, NULL);
	(void)buf_puts(b, ",\"Description\":", NULL);
	(void)buf_json_str(b, p->description, NULL);
	(void)buf_puts(b, ",\"CatalogItemPath\":", NULL);
	(void)buf_json_str(b, p->item_path, NULL);
	(void)buf_puts(b, ",\"EventType\":\"RefreshCache\",\"Schedule\":", NULL);
	rest_sched_reference_json(b, c->cat, p->schedule_id);
	rs_time_iso(p->last_run, t, sizeof(t));
	(void)buf_printf(b, NULL, ",\"LastRunTime\":%s%s%s,\"LastStatus\":",
	    p->last_run ? "\"" : "", p->last_run ? t : "null", p->last_run ?
	    "\"" : "");
	(void)buf_json_str(b, p->last_status, NULL);
	(void)buf_puts(b, ",\"ModifiedBy\":", NULL);
	(void)buf_json_str(b, p->modified_by, NULL);
	rs_time_iso(p->modified, t, sizeof(t));
	(void)buf_printf(b, NULL, ",\"ModifiedDate\":\"%s\",\"ParameterValues\""
	    ":[", t);
	for (size_t i = 0; i < par.n; i++) {
		(void)buf_puts(b, i ? ",{\"Name\":" : "{\"Name\":", NULL);
		(void)buf_json_str(b, par.v[i].name, NULL);
		(void)buf_puts(b, ",\"Value\":", NULL);
		(void)buf_json_str(b, par.v[i].value, NULL);
		(void)buf_puts(b, "}", NULL);
	}
	(void)buf_puts(b, "]}", NULL);
	deliver_kvs_fini(&par);
}

static void
plan_list(struct rest_ctx *c, const char *item_id)
{
	struct catalog_plan	*v;
	struct buf		*b = &c->resp->body;
	struct rs_err		 e;
	size_t			 n;

	if (catalog_plan_list(c->cat, item_id, &v, &n, &e) == -1) {
		rest_fail(c, &e, NULL);
		return;
	}
	buf_reset(b);
	(void)buf_printf(b, NULL, "{\"@odata.context\":\"%s/api/v2.0/"
	    "$metadata#CacheRefreshPlans\",\"value\":[", c->req->vdir);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			(void)buf_puts(b, ",", NULL);
		plan_json(c, b, &v[i]);
	}
	(void)buf_puts(b, "]}", NULL);
	rest_subs_reply(c, 200);
	catalog_plans_free(v, n);
}

static int
plan_params(const struct json *j, char **out, struct rs_err *e)
{
	const struct json	*a = json_get(j, "ParameterValues");
	struct deliver_kvs	 l = { 0 };

	*out = NULL;
	if (a == NULL)
		return 0;
	for (size_t i = 0; a->type == JSON_ARR && i < a->n; i++) {
		const char	*n = json_get_str(&a->kids[i], "Name");

		if (n == NULL || deliver_kvs_add(&l, n, json_get_str(
		    &a->kids[i], "Value"), false, e) == -1) {
			deliver_kvs_fini(&l);
			return rs_err_set(e, RS_E_BADINPUT, "ParameterValues "
			    "must be [{Name, Value}]");
		}
	}
	*out = deliver_kvs_encode(&l);
	deliver_kvs_fini(&l);
	return 0;
}

static void
plan_write(struct rest_ctx *c, const char *id, const struct json *j)
{
	struct catalog_plan	 p;
	struct catalog_item	 it;
	const char		*path = json_get_str(j, "CatalogItemPath");
	const struct json	*s = json_get(j, "Schedule");
	struct rs_err		 e;
	char			*params = NULL;
	int			 rc;

	memset(&p, 0, sizeof(p));
	if (id != NULL && catalog_plan_get(c->cat, id, &p, &e) == -1) {
		rest_fail(c, &e, "rsItemNotFound");
		return;
	}
	if (id == NULL && path == NULL) {
		rs_error_json(c->resp, 400, "rsMissingElement", "a cache refresh "
		    "plan needs CatalogItemPath");
		return;
	}
	rc = rs_item_get(c->cat, c->user, id != NULL ? p.item_path : path, &it,
	    &e);
	if (rc == -1) {
		rest_fail(c, &e, NULL);
		catalog_plan_fini(&p);
		return;
	}
	str_copy(p.item_id, sizeof(p.item_id), it.id);
	if (!allowed(c, it.id, CATALOG_T_MANAGE_REPORTS)) {
		catalog_item_fini(&it);
		catalog_plan_fini(&p);
		return;
	}
	catalog_item_fini(&it);
	rc = plan_params(j, &params, &e);
	if (rc == 0 && params != NULL) {
		free(p.parameters);
		p.parameters = params;
	}
	if (json_get_str(j, "Description") != NULL) {
		free(p.description);
		p.description = xstrdup(json_get_str(j, "Description"));
	}
	if (rc == 0 && s != NULL)
		rc = rest_sched_from_reference(c, s, p.schedule_id,
		    p.schedule_id, &e);
	if (rc == 0)
		rc = rs_plan_save(c->cat, c->user->name, &p, &e);
	if (rc == -1)
		rest_fail(c, &e, "rsInvalidParameter");
	else if (id != NULL)
		c->resp->status = 204;
	else {
		struct catalog_plan	q;

		if (catalog_plan_get(c->cat, p.id, &q, &e) == 0) {
			buf_reset(&c->resp->body);
			plan_json(c, &c->resp->body, &q);
			rest_subs_reply(c, 201);
			catalog_plan_fini(&q);
		}
	}
	catalog_plan_fini(&p);
}

void
rest_plans(struct rest_ctx *c, const struct rest_route *r,
    const struct json *j)
{
	const char		*m = c->req->method;
	struct catalog_plan	 p;
	struct rs_err		 e;

	if (!r->has_key) {
		if (strcmp(m, "GET") == 0)
			plan_list(c, NULL);
		else if (strcmp(m, "POST") == 0)
			plan_write(c, NULL, j);
		else
			rs_error_json(c->resp, 405, "rsInvalidRequest", "this "
			    "method is not allowed on this resource");
		return;
	}
	if (catalog_plan_get(c->cat, r->key, &p, &e) == -1 ||
	    !rs_can_view(CATALOG_REPORT, rs_tasks(c->cat, p.item_id, c->user))) {
		if (e.code != RS_E_NOTFOUND)
			catalog_plan_fini(&p);
		rs_error_json(c->resp, 404, "rsItemNotFound", "there is no cache "
		    "refresh plan with that id");
		return;
	}
	if (strcmp(m, "GET") == 0 && r->rest[0] == '\0') {
		buf_reset(&c->resp->body);
		plan_json(c, &c->resp->body, &p);
		rest_subs_reply(c, 200);
	} else if (strcmp(m, "PUT") == 0 && r->rest[0] == '\0')
		plan_write(c, r->key, j);
	else if (strcmp(m, "DELETE") == 0 && r->rest[0] == '\0') {
		if (allowed(c, p.item_id, CATALOG_T_MANAGE_REPORTS)) {
			if (catalog_plan_del(c->cat, p.id, &e) == -1)
				rest_fail(c, &e, NULL);
			else
				c->resp->status = 200;
		}
	} else if (strcmp(m, "POST") == 0 && str_ieq(r->rest, "Model.Execute")) {
		if (allowed(c, p.item_id, CATALOG_T_MANAGE_REPORTS)) {
			if (rs_subs_run_now(c->srv, c->cat, CATALOG_JOB_PLAN,
			    p.id, &e) == -1)
				rest_fail(c, &e, NULL);
			else
				c->resp->status = 204;
		}
	} else
		rs_error_json(c->resp, 405, "rsInvalidRequest", "this method is "
		    "not allowed on this resource");
	catalog_plan_fini(&p);
}

bool
rest_store_item_route(struct rest_ctx *c, const struct rest_route *r,
    const struct catalog_item *it, const struct json *j)
{
	const char	*m = c->req->method;
	struct rs_err	 e;

	if (str_ieq(r->rest, "CacheOptions") && strcmp(m, "GET") == 0)
		cache_options_get(c, it);
	else if (str_ieq(r->rest, "CacheOptions") && strcmp(m, "PUT") == 0)
		cache_options_put(c, it, j);
	else if (str_ieq(r->rest, "CacheRefreshPlans") && strcmp(m, "GET") == 0)
		plan_list(c, it->id);
	else if (str_ieq(r->rest, "HistorySnapshotOptions"))
		history_options(c, it, j);
	else if (str_has_iprefix(r->rest, "HistorySnapshots"))
		history(c, r, it);
	else if (str_ieq(r->rest, "Model.UpdateCacheSnapshot") &&
	    strcmp(m, "POST") == 0) {
		if (!allowed(c, it->id, CATALOG_T_MANAGE_REPORTS))
			return true;
		if (rs_subs_run_now(c->srv, c->cat, CATALOG_JOB_SNAPSHOT, it->id,
		    &e) == -1)
			rest_fail(c, &e, NULL);
		else {
			buf_reset(&c->resp->body);
			(void)buf_puts(&c->resp->body, "{\"value\":true}", NULL);
			rest_subs_reply(c, 200);
		}
	} else
		return false;
	return true;
}
