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
 * Who may: anyone with "Manage individual subscriptions" on the report
 * (Browser and up) makes and sees their own; "Manage all subscriptions"
 * (Content Manager) sees and changes everyone's and makes data-driven
 * ones.  Also the routing of the other resources of issue 15.
 */
#include "reportserver/rest_subs.h"
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

/* Whether the user may see (and change) the subscription. */
static bool
may(struct rest_ctx *c, const struct catalog_sub *s, unsigned tasks)
{
	if (tasks & CATALOG_T_MANAGE_ALL_SUBS)
		return true;
	return (tasks & CATALOG_T_MANAGE_SUBSCRIPTIONS) != 0 &&
	    str_ieq(s->owner, c->user->name);
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

	if (catalog_sub_get(c->cat, id, s, &e) == -1) {
		rest_fail(c, &e, "rsSubscriptionNotFound");
		return -1;
	}
	if (!may(c, s, rs_tasks(c->cat, s->item_id, c->user))) {
		catalog_sub_fini(s);
		rs_error_json(c->resp, 404, "rsSubscriptionNotFound", "there is "
		    "no subscription with that id");
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
		const struct json	*x = &a->kids[i], *f;
		const char		*n = json_get_str(x, "Name");
		const char		*v = json_get_str(x, "Value");

		if (n == NULL || n[0] == '\0')
			return rs_err_set(e, RS_E_BADINPUT, "an entry of %s has "
			    "no Name", what);
		f = json_get(x, "IsValueFieldReference");
		if (deliver_header_check(n, v, e) == -1 && !str_ieq(n,
		    "Comment"))
			return -1;
		if (deliver_kvs_add(l, n, v != NULL ? v : "", f != NULL &&
		    f->type == JSON_BOOL && f->b, e) == -1)
			return -1;
	}
	return 0;
}


static bool
format_ok(const char *f)
{
	static const char	 list[] = RENDER_FORMATS;
	const char		*p = list;
	size_t			 n = strlen(f);

	if (n == 0 || str_ieq(f, "MHTML"))
		return n > 0;
	while ((p = strcasestr(p, f)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' ||
		    p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

static bool
bool_ok(const char *v)
{
	return v == NULL || str_ieq(v, "True") || str_ieq(v, "False");
}

static int
addr_setting(const struct deliver_kvs *l, const char *name, struct rs_err *e)
{
	size_t	n;

	for (size_t i = 0; i < l->n; i++)
		if (str_ieq(l->v[i].name, name) && !l->v[i].field &&
		    deliver_addr_check(l->v[i].value, &n, e) == -1) {
			rs_err_prefix(e, "%s", name);
			return -1;
		}
	return 0;
}

/* A setting's value, or NULL when absent or a field reference (the
 * data-driven row gives it; the row is checked when it is delivered). */
static const char *
lit(const struct deliver_kvs *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (str_ieq(l->v[i].name, name))
			return l->v[i].field ? NULL : l->v[i].value;
	return NULL;
}

static int
check_email(const struct deliver_kvs *l, struct rs_err *e)
{
	const char	*f = lit(l, "RenderFormat");
	const char	*pr = lit(l, "Priority");

	if (deliver_kvs_get(l, "TO") == NULL && deliver_kvs_get(l, "CC") ==
	    NULL && deliver_kvs_get(l, "BCC") == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "an e-mail subscription "
		    "needs TO (or CC or BCC)");
	if (addr_setting(l, "TO", e) == -1 || addr_setting(l, "CC", e) == -1 ||
	    addr_setting(l, "BCC", e) == -1 || addr_setting(l, "ReplyTo", e) ==
	    -1)
		return -1;
	if (pr != NULL && !str_ieq(pr, "NORMAL") && !str_ieq(pr, "HIGH") &&
	    !str_ieq(pr, "LOW"))
		return rs_err_set(e, RS_E_BADINPUT, "Priority must be NORMAL, "
		    "HIGH or LOW");
	if (!bool_ok(lit(l, "IncludeReport")) || !bool_ok(lit(l,
	    "IncludeLink")))
		return rs_err_set(e, RS_E_BADINPUT, "IncludeReport and "
		    "IncludeLink must be True or False");
	if (f != NULL && !format_ok(f))
		return rs_err_set(e, RS_E_BADINPUT, "the rendering extension "
		    "'%.32s' is not available; use one of " RENDER_FORMATS
		    ", MHTML", f);
	return 0;
}

static int
check_share(struct rest_ctx *c, const struct deliver_kvs *l,
    struct rs_err *e)
{
	const char		*path = lit(l, "PATH");
	const char		*name = lit(l, "FILENAME");
	const char		*f = lit(l, "RenderFormat");

	if (deliver_kvs_get(l, "PATH") == NULL ||
	    deliver_kvs_get(l, "FILENAME") == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "a file share subscription "
		    "needs PATH and FILENAME");
	if (name == NULL)
		name = "x";
	if (deliver_overwrite_parse(lit(l, "WRITEMODE")) < 0)
		return rs_err_set(e, RS_E_BADINPUT, "WRITEMODE must be "
		    "Overwrite, AutoIncrement or None");
	if (strchr(name, '/') != NULL || strcmp(name, "..") == 0)
		return rs_err_set(e, RS_E_BADINPUT, "FILENAME is a file name, "
		    "without '/'");
	if (f != NULL && !format_ok(f))
		return rs_err_set(e, RS_E_BADINPUT, "the rendering extension "
		    "'%.32s' is not available; use one of " RENDER_FORMATS, f);
	if (path == NULL)
		return 0;
	if (path[0] == '\\' || str_has_iprefix(path, "smb://"))
		return rs_err_set(e, RS_E_BADINPUT, "SMB shares (%.80s) are not "
		    "written directly yet; mount the share and name the mounted "
		    "folder", path);
	if (!rs_subs_share_allowed(c->srv, path))
		return rs_err_set(e, RS_E_PERM, "the folder '%.200s' is not one "
		    "file share delivery may write into; an administrator adds "
		    "it to FileShareConfiguration/AllowedPaths in "
		    "rsreportserver.config", path);
	return 0;
}

static int
check_settings(struct rest_ctx *c, const char *ext,
    const struct deliver_kvs *l, struct rs_err *e)
{
	if (str_ieq(ext, RS_EXT_EMAIL))
		return check_email(l, e);
	if (str_ieq(ext, RS_EXT_SHARE))
		return check_share(c, l, e);
	if (str_ieq(ext, RS_EXT_NULL))
		return 0;
	return rs_err_set(e, RS_E_BADINPUT, "the delivery extension '%.60s' "
	    "is not available; use \"" RS_EXT_EMAIL "\", \"" RS_EXT_SHARE
	    "\" or \"NULL\"", ext);
}

/* The parts of a body that make a subscription; NULL fields: keep. */
struct body {
	const char		*ext;
	struct deliver_kvs	 set, par;
	bool			 has_set, has_par;
	const struct json	*sched;
	const char		*event;
	const char		*desc;
	const char		*query, *source;
	bool			 has_active, active;
};

static int
body_read(const struct json *j, struct body *b, struct rs_err *e)
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
	b->sched = json_get(j, "Schedule");
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
	if (b->event != NULL && !str_ieq(b->event, "TimedSubscription") &&
	    !str_ieq(b->event, "SnapshotUpdated"))
		return rs_err_set(e, RS_E_BADINPUT, "EventType must be "
		    "TimedSubscription or SnapshotUpdated");
	return 0;
}

static void
body_fini(struct body *b)
{
	deliver_kvs_fini(&b->set);
	deliver_kvs_fini(&b->par);
}

/* Applies a body to s (new or old); the strings it sets are owned. */
static int
apply(const struct body *b, struct catalog_sub *s, unsigned tasks,
    struct rs_err *e)
{
	bool	dd = b->query != NULL || s->data_query != NULL;

	if (b->ext != NULL) {
		free(s->extension);
		s->extension = xstrdup(b->ext);
	}
	if (s->extension == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "a subscription needs a "
		    "DeliveryExtension");
	if (dd && (tasks & CATALOG_T_MANAGE_ALL_SUBS) == 0)
		return rs_err_set(e, RS_E_PERM, "a data-driven subscription "
		    "needs the Manage all subscriptions task");
	if (b->has_set) {
		free(s->settings);
		s->settings = deliver_kvs_encode(&b->set);
	}
	if (b->has_par) {
		free(s->parameters);
		s->parameters = deliver_kvs_encode(&b->par);
	}
	if (b->event != NULL) {
		free(s->event_type);
		s->event_type = xstrdup(b->event);
	}
	if (b->desc != NULL) {
		free(s->description);
		s->description = xstrdup(b->desc);
	}
	if (b->query != NULL) {
		free(s->data_query);
		free(s->data_source);
		s->data_query = xstrdup(b->query);
		s->data_source = xstrdup(b->source);
	}
	if (b->has_active)
		s->active = b->active;
	return 0;
}

/* The data-driven query's shared data source: one the user may read. */
static int
source_ok(struct rest_ctx *c, const char *path, struct rs_err *e)
{
	struct catalog_item	it;
	unsigned		tasks;
	int			type;

	if (rs_item_get(c->cat, c->user, path, &it, e) == -1)
		return -1;
	tasks = rs_tasks(c->cat, it.id, c->user);
	type = it.type;
	catalog_item_fini(&it);
	if (type != CATALOG_DATASOURCE)
		return rs_err_set(e, RS_E_BADINPUT, "DataSourcePath '%.200s' is "
		    "not a shared data source", path);
	if ((tasks & (CATALOG_T_VIEW_DATASOURCES |
	    CATALOG_T_MANAGE_DATASOURCES)) == 0)
		return rs_err_set(e, RS_E_PERM, "you may not read the shared "
		    "data source '%.200s'", path);
	return 0;
}

static int
validate(struct rest_ctx *c, struct catalog_sub *s, const struct body *b,
    struct rs_err *e)
{
	struct deliver_kvs	set = { 0 };
	int			rc;

	if (deliver_kvs_decode(s->settings ? s->settings : "", &set, e) == -1)
		return -1;
	rc = check_settings(c, s->extension, &set, e);
	deliver_kvs_fini(&set);
	if (rc == -1)
		return -1;
	if (b->source != NULL && source_ok(c, b->source, e) == -1)
		return -1;
	if (str_ieq(s->event_type, "TimedSubscription") && b->sched == NULL &&
	    s->schedule_id[0] == '\0')
		return rs_err_set(e, RS_E_BADINPUT, "a TimedSubscription needs "
		    "a Schedule (a ScheduleID or a Definition)");
	if (b->sched != NULL && rest_sched_from_reference(c, b->sched,
	    s->schedule_id, s->schedule_id, e) == -1)
		return -1;
	return 0;
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
	if (rs_item_get(c->cat, c->user, path, it, &e) == -1) {
		rest_fail(c, &e, "rsItemNotFound");
		return -1;
	}
	*tasks = rs_tasks(c->cat, it->id, c->user);
	if (it->type != CATALOG_REPORT || (*tasks & (CATALOG_T_MANAGE_SUBSCRIPTIONS
	    | CATALOG_T_MANAGE_ALL_SUBS)) == 0) {
		catalog_item_fini(it);
		if (*tasks & CATALOG_T_VIEW_REPORTS || it->type !=
		    CATALOG_REPORT)
			rs_error_json(c->resp, it->type != CATALOG_REPORT ? 400 :
			    403, it->type != CATALOG_REPORT ?
			    "rsWrongItemType" : "rsAccessDenied", "only a "
			    "report you may subscribe to takes subscriptions");
		else
			rest_denied(c);
		return -1;
	}
	return 0;
}

static void
sub_create(struct rest_ctx *c, const struct json *j)
{
	struct catalog_item	it;
	struct catalog_sub	s = { 0 };
	struct body		b;
	struct rs_err		e;
	unsigned		tasks;
	int			rc;

	if (report_of(c, j, &it, &tasks) == -1)
		return;
	str_copy(s.item_id, sizeof(s.item_id), it.id);
	catalog_item_fini(&it);
	s.owner = xstrdup(c->user->name);
	s.owner_kind = c->user->builtin ? CATALOG_PK_BUILTIN_USER :
	    CATALOG_PK_LINUX_USER;
	s.event_type = xstrdup("TimedSubscription");
	s.active = true;
	rc = body_read(j, &b, &e);
	if (rc == 0)
		rc = apply(&b, &s, tasks, &e);
	if (rc == 0)
		rc = validate(c, &s, &b, &e);
	if (rc == 0)
		rc = catalog_sub_add(c->cat, &s, c->user->name, &e);
	if (rc == -1)
		rest_fail(c, &e, e.code == RS_E_PERM ? "rsAccessDenied" :
		    "rsInvalidParameter");
	else
		sub_get(c, s.id, 201);
	body_fini(&b);
	catalog_sub_fini(&s);
}

static void
sub_update(struct rest_ctx *c, const char *id, const struct json *j)
{
	struct catalog_sub	s;
	struct body		b;
	struct rs_err		e;
	int			rc;

	if (sub_find(c, id, &s) == -1)
		return;
	rc = body_read(j, &b, &e);
	if (rc == 0)
		rc = apply(&b, &s, rs_tasks(c->cat, s.item_id, c->user), &e);
	if (rc == 0)
		rc = validate(c, &s, &b, &e);
	if (rc == 0)
		rc = catalog_sub_update(c->cat, &s, c->user->name, &e);
	if (rc == -1)
		rest_fail(c, &e, e.code == RS_E_PERM ? "rsAccessDenied" :
		    "rsInvalidParameter");
	else
		c->resp->status = 204;
	body_fini(&b);
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
	/*
	 * "Pending" goes in before the job is queued: a run that ends at
	 * once (a failing query) must not have its status overwritten.
	 */
	if (str_ieq(action, "Model.Execute")) {
		rc = catalog_sub_set_status(c->cat, s.id, "Pending", 0, &e);
		if (rc == 0 && (rc = rs_subs_run_now(c->srv, c->cat,
		    CATALOG_JOB_SUB, s.id, &e)) == -1) {
			struct rs_err e2;
			(void)catalog_sub_set_status(c->cat, s.id,
			    s.last_status != NULL ? s.last_status :
			    "New Subscription", 0, &e2);
		}
	} else if (str_ieq(action, "Model.Enable") || str_ieq(action,
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
	char			own[CATALOG_ID_LEN + 1];
	struct catalog_schedule	sc;

	if (sub_find(c, id, &s) == -1)
		return;
	str_copy(own, sizeof(own), s.schedule_id);
	catalog_sub_fini(&s);
	if (catalog_sub_del(c->cat, id, &e) == -1) {
		rest_fail(c, &e, NULL);
		return;
	}
	/* Its own schedule goes with it; a shared one stays. */
	if (own[0] != '\0' && catalog_schedule_get(c->cat, own, &sc, &e) ==
	    0) {
		if (!sc.shared)
			(void)catalog_schedule_del(c->cat, own, &e);
		catalog_schedule_fini(&sc);
	}
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
