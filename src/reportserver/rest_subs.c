/*
 * rest_subs.c: /Subscriptions and a report's Subscriptions in the REST
 * API v2.0, with the original's names and shapes: a Subscription has
 * Report (the path), DeliveryExtension ("Report Server Email", "Report
 * Server FileShare", "NULL"), ExtensionSettings {Extension,
 * ParameterValues: [{Name, Value, IsValueFieldReference}]}, ParameterValues,
 * EventType, Schedule {ScheduleID | Definition}, IsActive, LastStatus,
 * LastRunTime; a data-driven one also DataQuery {CommandText,
 * DataSourcePath} (ours; the SOAP API's DataRetrievalPlan).  Model.Execute
 * queues a run now, Model.Enable and Model.Disable switch it.  A body is
 * checked whole before anything is stored: addresses, formats, paths
 * (the file share folder must be one an administrator allowed), schedule.
 *
 * Who may, and the checks, are subs_api.c's (the SOAP endpoint's too).
 * Also the routing of the other resources of issue 15.
 */
#include "reportserver/rest_subs.h"
#include "reportserver/subs_api.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
rest_subs_reply(struct rest_ctx *c, int status)
{
	c->resp->status = status;
	rsresp_header(c->resp, "Content-Type", "application/json; "
	    "odata.metadata=minimal; odata.streaming=true; charset=utf-8");
	rsresp_header(c->resp, "OData-Version", "4.0");
}

static void
kvs_json(struct buf *b, const struct deliver_kvs *l)
{
	(void)buf_puts(b, "[", NULL);
	for (size_t i = 0; i < l->n; i++) {
		bool	secret = str_ieq(l->v[i].name, "PASSWORD");

		(void)buf_puts(b, i ? ",{\"Name\":" : "{\"Name\":", NULL);
		(void)buf_json_str(b, l->v[i].name, NULL);
		(void)buf_puts(b, ",\"Value\":", NULL);
		(void)buf_json_str(b, secret ? "" : l->v[i].value, NULL);
		(void)buf_printf(b, NULL, ",\"IsValueFieldReference\":%s}",
		    l->v[i].field ? "true" : "false");
	}
	(void)buf_puts(b, "]", NULL);
}

static const char *
localized(const char *ext)
{
	if (str_ieq(ext, RS_EXT_EMAIL))
		return "E-Mail";
	if (str_ieq(ext, RS_EXT_SHARE))
		return "Windows File Share";
	return "Null Delivery Provider";
}

static void
put_str(struct buf *b, const char *k, const char *v)
{
	(void)buf_printf(b, NULL, ",\"%s\":", k);
	if (v == NULL)
		(void)buf_puts(b, "null", NULL);
	else
		(void)buf_json_str(b, v, NULL);
}

static void
sub_json(struct rest_ctx *c, struct buf *b, const struct catalog_sub *s)
{
	struct deliver_kvs	set = { 0 }, par = { 0 };
	struct rs_err		e;
	char			t[32], desc[400];

	(void)deliver_kvs_decode(s->settings, &set, &e);
	(void)deliver_kvs_decode(s->parameters, &par, &e);
	(void)buf_puts(b, "{\"Id\":", NULL);
	(void)buf_json_str(b, s->id, NULL);
	put_str(b, "Owner", s->owner);
	(void)buf_printf(b, NULL, ",\"IsDataDriven\":%s", s->data_query ?
	    "true" : "false");
	put_str(b, "Description", s->description);
	put_str(b, "Report", s->item_path);
	(void)buf_printf(b, NULL, ",\"IsActive\":%s", s->active ? "true" :
	    "false");
	put_str(b, "EventType", s->event_type);
	rest_sched_describe(c->cat, s->schedule_id, desc, sizeof(desc));
	put_str(b, "ScheduleDescription", desc);
	rs_time_iso(s->last_run, t, sizeof(t));
	put_str(b, "LastRunTime", s->last_run ? t : NULL);
	put_str(b, "LastStatus", s->last_status);
	(void)buf_puts(b, ",\"ExtensionSettings\":{\"Extension\":", NULL);
	(void)buf_json_str(b, s->extension, NULL);
	(void)buf_puts(b, ",\"ParameterValues\":", NULL);
	kvs_json(b, &set);
	(void)buf_puts(b, "}", NULL);
	put_str(b, "DeliveryExtension", s->extension);
	put_str(b, "LocalizedDeliveryExtensionName", localized(s->extension));
	put_str(b, "ModifiedBy", s->modified_by);
	rs_time_iso(s->modified, t, sizeof(t));
	put_str(b, "ModifiedDate", t);
	(void)buf_puts(b, ",\"ParameterValues\":", NULL);
	kvs_json(b, &par);
	(void)buf_puts(b, ",\"Schedule\":", NULL);
	rest_sched_reference_json(b, c->cat, s->schedule_id);
	(void)buf_puts(b, ",\"DataQuery\":", NULL);
	if (s->data_query != NULL) {
		(void)buf_puts(b, "{\"CommandText\":", NULL);
		(void)buf_json_str(b, s->data_query, NULL);
		put_str(b, "DataSourcePath", s->data_source);
		(void)buf_puts(b, "}", NULL);
	} else
		(void)buf_puts(b, "null", NULL);
	(void)buf_puts(b, "}", NULL);
	deliver_kvs_fini(&set);
	deliver_kvs_fini(&par);
}

static bool
may(struct rest_ctx *c, const struct catalog_sub *s, unsigned tasks)
{
	return rs_sub_may(c->user, s, tasks);
}

static void
sub_list(struct rest_ctx *c, const char *item_id)
{
	struct catalog_sub	*v;
	struct buf		*b = &c->resp->body;
	struct rs_err		 e;
	size_t			 n, out = 0;

	if (catalog_sub_list(c->cat, item_id, NULL, &v, &n, &e) == -1) {
		rest_fail(c, &e, NULL);
		return;
	}
	buf_reset(b);
	(void)buf_puts(b, "[", NULL);
	for (size_t i = 0; i < n; i++) {
		if (!may(c, &v[i], rs_tasks(c->cat, v[i].item_id, c->user)))
			continue;
		if (out++ > 0)
			(void)buf_puts(b, ",", NULL);
		sub_json(c, b, &v[i]);
	}
	(void)buf_puts(b, "]", NULL);
	rest_subs_reply(c, 200);
	catalog_subs_free(v, n);
}

/* Reads a subscription the user may manage; -1 with the answer set. */
static int
sub_find(struct rest_ctx *c, const char *id, struct catalog_sub *s)
{
	struct rs_err	e;

	if (rs_sub_find(c->cat, c->user, id, s, &e) == -1) {
		rest_fail(c, &e, "rsSubscriptionNotFound");
		return -1;
	}
	return 0;
}

static void
sub_get(struct rest_ctx *c, const char *id, int status)
{
	struct catalog_sub	 s;
	struct buf		*b = &c->resp->body;

	if (sub_find(c, id, &s) == -1)
		return;
	buf_reset(b);
	(void)buf_printf(b, NULL, "{\"@odata.context\":\"%s/api/v2.0/"
	    "$metadata#Subscriptions/$entity\",", c->req->vdir);
	{
		struct buf	one;

		buf_init(&one, 0);
		sub_json(c, &one, &s);
		(void)buf_puts(b, one.data + 1, NULL);
		buf_fini(&one);
	}
	rest_subs_reply(c, status);
	catalog_sub_fini(&s);
}

/* [{Name, Value, IsValueFieldReference}] into a list. */
static int
kvs_read(const struct json *a, struct deliver_kvs *l, const char *what,
    struct rs_err *e)
{
	if (a == NULL || a->type == JSON_NULL)
		return 0;
	if (a->type != JSON_ARR)
		return rs_err_set(e, RS_E_BADINPUT, "%s must be an array of "
		    "{Name, Value}", what);
	for (size_t i = 0; i < a->n; i++) {
		const struct json	*x = &a->kids[i];
		const struct json	*f = json_get(x, "IsValueFieldReference");

		if (rs_sub_kv_add(l, json_get_str(x, "Name"), json_get_str(x,
		    "Value"), f != NULL && f->type == JSON_BOOL && f->b, what,
		    e) == -1)
			return -1;
	}
	return 0;
}

/* A body's Schedule ({ScheduleID} or {Definition}) into the change. */
static int
sched_read(const struct json *ref, struct rs_sub_change *b, struct rs_err *e)
{
	if (ref == NULL)
		return 0;
	b->sched_id = json_get_str(ref, "ScheduleID");
	if (b->sched_id == NULL)
		b->sched_id = json_get_str(ref, "ScheduleId");
	if (b->sched_id != NULL)
		return 0;
	b->has_recur = true;
	return rest_sched_definition(json_get(ref, "Definition"), &b->recur, e);
}

static int
body_read(const struct json *j, struct rs_sub_change *b, struct rs_err *e)
{
	const struct json	*es = json_get(j, "ExtensionSettings"), *x;
	const struct json	*dq = json_get(j, "DataQuery");

	memset(b, 0, sizeof(*b));
	b->ext = json_get_str(j, "DeliveryExtension");
	if (b->ext == NULL && es != NULL) {
		const char	*x2 = json_get_str(es, "Extension");

		if (x2 != NULL && !str_ieq(x2, "DeliveryExtension"))
			b->ext = x2;
	}
	if (es != NULL && (x = json_get(es, "ParameterValues")) != NULL) {
		b->has_set = true;
		if (kvs_read(x, &b->set, "ExtensionSettings.ParameterValues",
		    e) == -1)
			return -1;
	}
	if ((x = json_get(j, "ParameterValues")) != NULL) {
		b->has_par = true;
		if (kvs_read(x, &b->par, "ParameterValues", e) == -1)
			return -1;
	}
	b->event = json_get_str(j, "EventType");
	b->desc = json_get_str(j, "Description");
	if (dq != NULL && dq->type == JSON_OBJ) {
		b->query = json_get_str(dq, "CommandText");
		b->source = json_get_str(dq, "DataSourcePath");
		if (b->query == NULL || b->source == NULL)
			return rs_err_set(e, RS_E_BADINPUT, "DataQuery needs "
			    "CommandText and DataSourcePath (a shared data "
			    "source)");
	}
	if ((x = json_get(j, "IsActive")) != NULL && x->type == JSON_BOOL) {
		b->has_active = true;
		b->active = x->b;
	}
	if (rs_sub_event_check(b->event, e) == -1)
		return -1;
	return sched_read(json_get(j, "Schedule"), b, e);
}

/* The report a new subscription is for; -1 with the answer set. */
static int
report_of(struct rest_ctx *c, const struct json *j, struct catalog_item *it,
    unsigned *tasks)
{
	const char	*path = json_get_str(j, "Report");
	struct rs_err	 e;

	if (path == NULL) {
		rs_error_json(c->resp, 400, "rsMissingElement", "a subscription "
		    "needs Report (the report's path)");
		return -1;
	}
	if (rs_sub_report(c->cat, c->user, path, it, tasks, &e) == 0)
		return 0;
	if (e.code == RS_E_NOTFOUND)
		rest_fail(c, &e, "rsItemNotFound");
	else if (e.code == RS_E_BADINPUT)
		rest_fail(c, &e, "rsWrongItemType");
	else if (e.code == RS_E_PERM && (*tasks & CATALOG_T_VIEW_REPORTS))
		rest_fail(c, &e, "rsAccessDenied");
	else if (e.code == RS_E_PERM)
		rest_denied(c);
	else
		rest_fail(c, &e, NULL);
	return -1;
}

static void
sub_create(struct rest_ctx *c, const struct json *j)
{
	struct catalog_item	it;
	struct catalog_sub	s;
	struct rs_sub_change	b;
	struct rs_err		e;
	unsigned		tasks;
	int			rc;

	if (report_of(c, j, &it, &tasks) == -1)
		return;
	rs_sub_init(&s, it.id, c->user);
	catalog_item_fini(&it);
	rc = body_read(j, &b, &e);
	if (rc == 0)
		rc = rs_sub_save(c->srv, c->cat, c->user, &s, tasks, &b, &e);
	if (rc == -1)
		rest_fail(c, &e, e.code == RS_E_PERM ? "rsAccessDenied" :
		    "rsInvalidParameter");
	else
		sub_get(c, s.id, 201);
	rs_sub_change_fini(&b);
	catalog_sub_fini(&s);
}

static void
sub_update(struct rest_ctx *c, const char *id, const struct json *j)
{
	struct catalog_sub	s;
	struct rs_sub_change	b;
	struct rs_err		e;
	int			rc;

	if (sub_find(c, id, &s) == -1)
		return;
	rc = body_read(j, &b, &e);
	if (rc == 0)
		rc = rs_sub_save(c->srv, c->cat, c->user, &s, rs_tasks(c->cat,
		    s.item_id, c->user), &b, &e);
	if (rc == -1)
		rest_fail(c, &e, e.code == RS_E_PERM ? "rsAccessDenied" :
		    "rsInvalidParameter");
	else
		c->resp->status = 204;
	rs_sub_change_fini(&b);
	catalog_sub_fini(&s);
}

static void
sub_action(struct rest_ctx *c, const char *id, const char *action)
{
	struct catalog_sub	s;
	struct rs_err		e;
	int			rc;

	if (sub_find(c, id, &s) == -1)
		return;
	if (str_ieq(action, "Model.Execute"))
		rc = rs_sub_run(c->srv, c->cat, &s, &e);
	else if (str_ieq(action, "Model.Enable") || str_ieq(action,
	    "Model.Disable"))
		rc = catalog_sub_set_active(c->cat, s.id, str_ieq(action,
		    "Model.Enable"), &e);
	else
		rc = rs_err_set(&e, RS_E_NOTFOUND, "no action %.40s on a "
		    "subscription", action);
	catalog_sub_fini(&s);
	if (rc == -1)
		rest_fail(c, &e, NULL);
	else
		c->resp->status = 204;
}

static void
sub_delete(struct rest_ctx *c, const char *id)
{
	struct catalog_sub	s;
	struct rs_err		e;
	int			rc;

	if (sub_find(c, id, &s) == -1)
		return;
	rc = rs_sub_delete(c->cat, &s, &e);
	catalog_sub_fini(&s);
	if (rc == -1)
		rest_fail(c, &e, NULL);
	else
		c->resp->status = 204;
}

static void
subscriptions(struct rest_ctx *c, const struct rest_route *r,
    const struct json *j)
{
	const char	*m = c->req->method;

	if (!r->has_key && strcmp(m, "GET") == 0)
		sub_list(c, NULL);
	else if (!r->has_key && strcmp(m, "POST") == 0)
		sub_create(c, j);
	else if (r->has_key && r->rest[0] == '\0' && strcmp(m, "GET") == 0)
		sub_get(c, r->key, 200);
	else if (r->has_key && r->rest[0] == '\0' && (strcmp(m, "PUT") == 0 ||
	    strcmp(m, "PATCH") == 0))
		sub_update(c, r->key, j);
	else if (r->has_key && r->rest[0] == '\0' && strcmp(m, "DELETE") == 0)
		sub_delete(c, r->key);
	else if (r->has_key && strcmp(m, "POST") == 0)
		sub_action(c, r->key, r->rest);
	else
		rs_error_json(c->resp, 405, "rsInvalidRequest", "this method is "
		    "not allowed on this resource");
}

/* The body of a write, or NULL for reads (the answer set on bad JSON). */
static bool
body_of(struct rest_ctx *c, struct json **out)
{
	struct rs_err	e;

	*out = NULL;
	if (strcmp(c->req->method, "POST") != 0 && strcmp(c->req->method,
	    "PUT") != 0 && strcmp(c->req->method, "PATCH") != 0)
		return true;
	if (c->req->body_len == 0)
		return true;
	*out = json_parse(c->req->body, c->req->body_len, &e);
	if (*out == NULL) {
		rs_error_json(c->resp, 400, "rsInvalidParameter", e.msg);
		return false;
	}
	if ((*out)->type != JSON_OBJ) {
		json_free(*out);
		*out = NULL;
		rs_error_json(c->resp, 400, "rsInvalidParameter", "the request "
		    "body must be a JSON object");
		return false;
	}
	return true;
}

static bool
needs_body(const struct rest_route *r, const char *m)
{
	return (strcmp(m, "POST") == 0 && !r->has_key) || strcmp(m, "PUT") ==
	    0 || strcmp(m, "PATCH") == 0;
}

/* Reports(key)/Subscriptions and the store routes of a report. */
static bool
item_route(struct rest_ctx *c, const struct rest_route *r, struct json *j)
{
	struct catalog_item	it;
	bool			done = true;

	if (!r->has_key || (!str_ieq(r->set, "Reports") && !str_ieq(r->set,
	    "CatalogItems")))
		return false;
	if (!str_ieq(r->rest, "Subscriptions") && !str_has_iprefix(r->rest,
	    "CacheOptions") && !str_has_iprefix(r->rest, "CacheRefreshPlans") &&
	    !str_has_iprefix(r->rest, "HistorySnapshot") && !str_ieq(r->rest,
	    "Model.UpdateCacheSnapshot"))
		return false;
	c->type = CATALOG_REPORT;
	if (rest_find(c, r, &it) == -1)
		return true;
	if (str_ieq(r->rest, "Subscriptions") && strcmp(c->req->method, "GET")
	    == 0)
		sub_list(c, it.id);
	else
		done = rest_store_item_route(c, r, &it, j);
	catalog_item_fini(&it);
	return done;
}

bool
rest_subs_route(struct rest_ctx *c, const struct rest_route *r)
{
	struct json	*j = NULL;
	bool		 ours = str_ieq(r->set, "Subscriptions") ||
	    str_ieq(r->set, "Schedules") || str_ieq(r->set,
	    "CacheRefreshPlans");

	if (!ours && !(r->has_key && (str_ieq(r->set, "Reports") ||
	    str_ieq(r->set, "CatalogItems")) && (str_ieq(r->rest,
	    "Subscriptions") || str_has_iprefix(r->rest, "Cache") ||
	    str_has_iprefix(r->rest, "HistorySnapshot") || str_ieq(r->rest,
	    "Model.UpdateCacheSnapshot"))))
		return false;
	if (!body_of(c, &j))
		return true;
	if (j == NULL && needs_body(r, c->req->method) && !str_has_prefix(
	    r->rest, "Model.")) {
		rs_error_json(c->resp, 400, "rsInvalidParameter", "the request "
		    "needs a JSON body (Content-Type: application/json)");
		return true;
	}
	if (str_ieq(r->set, "Subscriptions"))
		subscriptions(c, r, j);
	else if (str_ieq(r->set, "Schedules"))
		rest_schedules(c, r, j);
	else if (str_ieq(r->set, "CacheRefreshPlans"))
		rest_plans(c, r, j);
	else if (!item_route(c, r, j))
		rs_error_json(c->resp, 404, "rsItemNotFound", "no such resource "
		    "in the REST API");
	json_free(j);
	return true;
}
