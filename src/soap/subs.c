/*
 * subs.c: ReportService2010's subscriptions over the code the REST API
 * uses (reportserver/subs_api.h: the same checks, permissions and
 * stores): Create/Get/SetSubscriptionProperties and their data-driven
 * forms, ListSubscriptions, ListMySubscriptions,
 * ListSubscriptionsUsingDataSource, DeleteSubscription, FireEvent, and the
 * delivery extensions' GetExtensionSettings and ValidateExtensionSettings.
 *
 * Shapes as the contract says: ExtensionSettings {Extension,
 * ParameterValues: ParameterValue {Name, Value} | ParameterFieldReference
 * {ParameterName, FieldAlias}}, a TimedSubscription's MatchData is a
 * shared schedule's ID or a ScheduleDefinition in XML (sched.c), a
 * data-driven one's DataRetrievalPlan names a shared data source
 * (DataSourceReference) and its DataSet's Query.CommandText.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "reportserver/subs_api.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define X(s)	((const xmlChar *)(s))

/* A request's subscription fields; the change points into the copies. */
struct req {
	struct rs_sub_change	 ch;
	char			*ext, *desc, *event, *match, *query, *source;
};

static void
req_fini(struct req *q)
{
	rs_sub_change_fini(&q->ch);
	free(q->ext);
	free(q->desc);
	free(q->event);
	free(q->match);
	free(q->query);
	free(q->source);
}

static bool
ext_known(const char *ext)
{
	return str_ieq(ext, RS_EXT_EMAIL) || str_ieq(ext, RS_EXT_SHARE) ||
	    str_ieq(ext, RS_EXT_NULL);
}

static int
ext_unknown(struct soap_call *c, const char *ext)
{
	return soap_fail(c, "rsDeliveryExtensionNotFound", 400, "The delivery "
	    "extension '%.60s' is not available; this server has \""
	    RS_EXT_EMAIL "\", \"" RS_EXT_SHARE "\" and \"NULL\".", ext);
}

/* Whether n is a value or a field reference (by name, else xsi:type). */
static bool
is_field_ref(const xmlNode *n)
{
	xmlChar	*t;
	bool	 ref;

	if (strcmp((const char *)n->name, "ParameterFieldReference") == 0)
		return true;
	if (strcmp((const char *)n->name, "ParameterValue") == 0)
		return false;
	t = xmlGetNsProp(n, X("type"), X(SOAP_NS_XSI));
	ref = t != NULL && strstr((const char *)t, "ParameterFieldReference")
	    != NULL;
	xmlFree(t);
	return ref;
}

/* ParameterValue / ParameterFieldReference elements of list into l. */
static int
kvs_read(struct soap_call *c, const xmlNode *list, struct deliver_kvs *l,
    const char *what)
{
	struct rs_err	e;
	size_t		n = 0;

	for (const xmlNode *k = list->children; k != NULL; k = k->next) {
		bool	 ref;
		char	*name, *value;
		int	 rc;

		if (k->type != XML_ELEMENT_NODE || soap_is_nil(k))
			continue;
		if (++n > SOAP_ARRAY_MAX)
			return soap_fail(c, "rsInvalidParameter", 400, "%s has "
			    "too many entries.", what);
		ref = is_field_ref(k);
		name = soap_arg(c, k, ref ? "ParameterName" : "Name");
		value = soap_arg(c, k, ref ? "FieldAlias" : "Value");
		rc = rs_sub_kv_add(l, name, value, ref, what, &e);
		free(name);
		free(value);
		if (rc == -1)
			return soap_fail(c, "rsInvalidParameter", 400, "%s.",
			    e.msg);
	}
	return 0;
}

static int
plan_read(struct soap_call *c, const xmlNode *plan, struct req *q)
{
	const xmlNode	*ds, *query;

	if (plan == NULL || soap_is_nil(plan))
		return soap_fail(c, "rsMissingParameter", 400, "The value for "
		    "parameter 'DataRetrievalPlan' is not specified.");
	if (soap_child(c, plan, "DataSourceDefinition") != NULL) {
		soap_unsupported(c, "a data-driven query runs on a shared data "
		    "source here; publish the data source and name it with "
		    "DataSourceReference.");
		return -1;
	}
	q->source = soap_arg(c, soap_child(c, plan, "DataSourceReference"),
	    "Reference");
	ds = soap_child(c, plan, "DataSet");
	query = soap_child(c, ds, "Query");
	q->query = soap_arg(c, query, "CommandText");
	if (q->source == NULL || q->query == NULL)
		return soap_fail(c, "rsInvalidParameter", 400, "A "
		    "DataRetrievalPlan needs a DataSourceReference (a shared data "
		    "source) and a DataSet whose Query has a CommandText.");
	q->ch.source = q->source;
	q->ch.query = q->query;
	return 0;
}

/*
 * The fields of Create/Set(DataDriven)Subscription.  event_now: the
 * subscription's event type when the request gives none; creating: a new
 * one (a data-driven one needs its plan then).
 */
static int
req_read(struct soap_call *c, bool dd, bool creating, const char *event_now,
    struct req *q)
{
	const xmlNode	*es = soap_child(c, c->op, "ExtensionSettings");
	const xmlNode	*par = soap_child(c, c->op, "Parameters");
	const xmlNode	*pv;
	const char	*event;

	memset(q, 0, sizeof(*q));
	if (es != NULL && !soap_is_nil(es)) {
		q->ext = soap_arg(c, es, "Extension");
		if (q->ext != NULL && !ext_known(q->ext))
			return ext_unknown(c, q->ext);
		q->ch.ext = q->ext;
		if ((pv = soap_child(c, es, "ParameterValues")) != NULL) {
			q->ch.has_set = true;
			if (kvs_read(c, pv, &q->ch.set, "ExtensionSettings") ==
			    -1)
				return -1;
		}
	}
	if (par != NULL && !soap_is_nil(par)) {
		q->ch.has_par = true;
		if (kvs_read(c, par, &q->ch.par, "Parameters") == -1)
			return -1;
	}
	q->desc = soap_arg(c, c->op, "Description");
	q->ch.desc = q->desc;
	q->event = soap_arg(c, c->op, "EventType");
	q->ch.event = q->event;
	q->match = soap_arg(c, c->op, "MatchData");
	event = q->event != NULL ? q->event : event_now;
	if (q->match != NULL && str_ieq(event, "TimedSubscription")) {
		str_trim(q->match);
		if (strchr(q->match, '<') == NULL)
			q->ch.sched_id = q->match;
		else if (soap_sched_match_read(c, q->match, &q->ch.recur) == -1)
			return -1;
		else
			q->ch.has_recur = true;
	}
	if (dd && (soap_child(c, c->op, "DataRetrievalPlan") != NULL ||
	    creating))
		return plan_read(c, soap_child(c, c->op, "DataRetrievalPlan"), q);
	return 0;
}

static int
sub_fail(struct soap_call *c, const struct rs_err *e)
{
	if (e->code == RS_E_PERM)
		return soap_fail(c, "rsAccessDenied", 403, "%s.", e->msg);
	if (e->code == RS_E_DB || e->code == RS_E_BUSY || e->code ==
	    RS_E_INTERNAL || e->code == RS_E_IO)
		return soap_fail_err(c, e, NULL);
	return soap_fail(c, "rsInvalidParameter", 400, "%s.", e->msg);
}

static int
sub_arg(struct soap_call *c, const char *name, struct catalog_sub *s)
{
	struct rs_err	 e;
	char		*id = soap_need(c, c->op, name);
	int		 rc = -1;

	if (id == NULL)
		return -1;
	if (rs_sub_find(c->cat, c->user, id, s, &e) == 0)
		rc = 0;
	else if (e.code == RS_E_NOTFOUND)
		soap_fail(c, "rsSubscriptionNotFound", 404, "The subscription "
		    "'%.40s' cannot be found.", id);
	else
		soap_fail_err(c, &e, NULL);
	free(id);
	return rc;
}

static void
create(struct soap_call *c, bool dd)
{
	struct catalog_item	 it;
	struct catalog_sub	 s;
	struct req		 q;
	struct rs_err		 e;
	unsigned		 tasks;
	char			*path = soap_need(c, c->op, "ItemPath");

	if (path == NULL)
		return;
	if (rs_sub_report(c->cat, c->user, path, &it, &tasks, &e) == -1) {
		if (e.code == RS_E_NOTFOUND)
			soap_fail(c, "rsItemNotFound", 404, "The item '%.300s' "
			    "cannot be found.", path);
		else if (e.code == RS_E_BADINPUT)
			soap_fail(c, "rsWrongItemType", 400, "The item '%.300s' "
			    "is not a report; only reports take subscriptions.",
			    path);
		else if (e.code == RS_E_PERM)
			soap_denied(c);
		else
			soap_fail_err(c, &e, NULL);
		free(path);
		return;
	}
	free(path);
	rs_sub_init(&s, it.id, c->user);
	catalog_item_fini(&it);
	if (req_read(c, dd, true, "TimedSubscription", &q) == 0) {
		if (rs_sub_save(c->srv, c->cat, c->user, &s, tasks, &q.ch,
		    &e) == -1)
			sub_fail(c, &e);
		else
			soap_w_str(c, "SubscriptionID", s.id);
	}
	req_fini(&q);
	catalog_sub_fini(&s);
}

void
soap_create_subscription(struct soap_call *c)
{
	create(c, false);
}

void
soap_create_dd_subscription(struct soap_call *c)
{
	create(c, true);
}

static void
w_kvs(struct soap_call *c, const char *elem, const struct deliver_kvs *l,
    bool typed)
{
	soap_w_start(c, elem);
	for (size_t i = 0; i < l->n; i++) {
		const struct deliver_kv	*v = &l->v[i];
		const char		*type = v->field ?
		    "ParameterFieldReference" : "ParameterValue";

		if (typed) {
			soap_w_start(c, "ParameterValueOrFieldReference");
			(void)xmlTextWriterWriteAttribute(c->w, X("xsi:type"),
			    X(type));
		} else
			soap_w_start(c, type);
		soap_w_str(c, v->field ? "ParameterName" : "Name", v->name);
		/* A stored password is never read back. */
		soap_w_str(c, v->field ? "FieldAlias" : "Value", !v->field &&
		    str_ieq(v->name, "PASSWORD") ? "" : v->value);
		soap_w_end(c);
	}
	soap_w_end(c);
}

static void
w_settings(struct soap_call *c, const char *elem, const struct catalog_sub *s)
{
	struct deliver_kvs	set = { 0 };
	struct rs_err		e;

	(void)deliver_kvs_decode(s->settings != NULL ? s->settings : "", &set,
	    &e);
	soap_w_start(c, elem);
	soap_w_str(c, "Extension", s->extension);
	w_kvs(c, "ParameterValues", &set, false);
	soap_w_end(c);
	deliver_kvs_fini(&set);
}

static void
w_active(struct soap_call *c)
{
	static const char *const names[] = { "DeliveryExtensionRemoved",
	    "SharedDataSourceRemoved", "MissingParameterValue",
	    "InvalidParameterValue", "UnknownReportParameter" };

	soap_w_start(c, "Active");
	for (size_t i = 0; i < nitems(names); i++)
		soap_w_bool(c, names[i], false);
	soap_w_end(c);
}

static void
w_params(struct soap_call *c, const struct catalog_sub *s, bool typed)
{
	struct deliver_kvs	par = { 0 };
	struct rs_err		e;

	(void)deliver_kvs_decode(s->parameters != NULL ? s->parameters : "",
	    &par, &e);
	w_kvs(c, "Parameters", &par, typed);
	deliver_kvs_fini(&par);
}

static void
w_plan(struct soap_call *c, const struct catalog_sub *s)
{
	soap_w_start(c, "DataRetrievalPlan");
	soap_w_start(c, "DataSourceReference");
	soap_w_str(c, "Reference", s->data_source);
	soap_w_end(c);
	soap_w_start(c, "DataSet");
	soap_w_start(c, "Query");
	soap_w_str(c, "CommandType", "Text");
	soap_w_str(c, "CommandText", s->data_query);
	soap_w_end(c);
	soap_w_end(c);
	soap_w_end(c);
}

static void
get_props(struct soap_call *c, bool dd)
{
	struct catalog_sub	s;

	if (sub_arg(c, dd ? "DataDrivenSubscriptionID" : "SubscriptionID",
	    &s) == -1)
		return;
	if (dd && s.data_query == NULL)
		soap_fail(c, "rsInvalidParameter", 400, "The subscription "
		    "'%s' is not data-driven; GetSubscriptionProperties reads "
		    "it.", s.id);
	else {
		soap_w_str(c, "Owner", s.owner);
		w_settings(c, "ExtensionSettings", &s);
		if (dd)
			w_plan(c, &s);
		soap_w_str(c, "Description", s.description);
		w_active(c);
		soap_w_str(c, "Status", s.last_status);
		soap_w_str(c, "EventType", s.event_type);
		if (str_ieq(s.event_type, "TimedSubscription"))
			soap_w_match(c, s.schedule_id);
		w_params(c, &s, dd);
	}
	catalog_sub_fini(&s);
}

void
soap_get_subscription_properties(struct soap_call *c)
{
	get_props(c, false);
}

void
soap_get_dd_subscription_properties(struct soap_call *c)
{
	get_props(c, true);
}

static void
set_props(struct soap_call *c, bool dd)
{
	struct catalog_sub	s;
	struct req		q;
	struct rs_err		e;

	if (sub_arg(c, dd ? "DataDrivenSubscriptionID" : "SubscriptionID",
	    &s) == -1)
		return;
	if (dd != (s.data_query != NULL)) {
		soap_fail(c, "rsInvalidParameter", 400, "The subscription '%s' "
		    "is %sdata-driven; use %s.", s.id, dd ? "not " : "", dd ?
		    "SetSubscriptionProperties" :
		    "SetDataDrivenSubscriptionProperties");
		catalog_sub_fini(&s);
		return;
	}
	if (req_read(c, dd, false, s.event_type, &q) == 0 && rs_sub_save(c->srv,
	    c->cat, c->user, &s, rs_tasks(c->cat, s.item_id, c->user), &q.ch,
	    &e) == -1)
		sub_fail(c, &e);
	req_fini(&q);
	catalog_sub_fini(&s);
}

void
soap_set_subscription_properties(struct soap_call *c)
{
	set_props(c, false);
}

void
soap_set_dd_subscription_properties(struct soap_call *c)
{
	set_props(c, true);
}

static void
w_sub(struct soap_call *c, const struct catalog_sub *s)
{
	const char	*slash = s->item_path != NULL ? strrchr(s->item_path,
	    '/') : NULL;

	soap_w_start(c, "Subscription");
	soap_w_str(c, "SubscriptionID", s->id);
	soap_w_str(c, "Owner", s->owner);
	soap_w_str(c, "Path", s->item_path);
	soap_w_str(c, "Report", slash != NULL ? slash + 1 : s->item_path);
	w_settings(c, "DeliverySettings", s);
	soap_w_str(c, "Description", s->description);
	soap_w_str(c, "Status", s->last_status);
	w_active(c);
	if (s->last_run != 0)
		soap_w_time(c, "LastExecuted", s->last_run);
	soap_w_str(c, "ModifiedBy", s->modified_by);
	soap_w_time(c, "ModifiedDate", s->modified);
	soap_w_str(c, "EventType", s->event_type);
	soap_w_bool(c, "IsDataDriven", s->data_query != NULL);
	soap_w_end(c);
}

/*
 * The subscriptions the user may see: of a report, of the reports in a
 * folder (and below), or all ("" or "/"); mine: the user's own only;
 * source: those whose data-driven query uses that data source.
 */
static void
list(struct soap_call *c, const char *path, bool mine, const char *source)
{
	struct catalog_item	 it = { 0 };
	struct catalog_sub	*v;
	struct rs_err		 e;
	size_t			 n, plen = 0;
	const char		*item_id = NULL;
	bool			 have = false;

	if (path != NULL && path[0] != '\0' && strcmp(path, "/") != 0) {
		if (soap_item(c, path, false, &it) == -1)
			return;
		have = true;
		if (it.type == CATALOG_REPORT)
			item_id = it.id;
		else
			plen = strlen(it.path);
	}
	if (have && it.type != CATALOG_REPORT && it.type != CATALOG_FOLDER &&
	    source == NULL) {
		soap_w_start(c, "SubscriptionItems");
		soap_w_end(c);
		catalog_item_fini(&it);
		return;
	}
	if (catalog_sub_list(c->cat, item_id, mine ? c->user->name : NULL, &v,
	    &n, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		catalog_item_fini(&it);
		return;
	}
	soap_w_start(c, "SubscriptionItems");
	for (size_t i = 0; i < n; i++) {
		const char	*p = v[i].item_path != NULL ? v[i].item_path : "";

		if (source != NULL && (v[i].data_source == NULL ||
		    !str_ieq(v[i].data_source, source)))
			continue;
		if (source == NULL && plen > 0 && (strncmp(p, it.path, plen) !=
		    0 || p[plen] != '/'))
			continue;
		if (rs_sub_may(c->user, &v[i], rs_tasks(c->cat, v[i].item_id,
		    c->user)))
			w_sub(c, &v[i]);
	}
	soap_w_end(c);
	catalog_subs_free(v, n);
	catalog_item_fini(&it);
}

void
soap_list_subscriptions(struct soap_call *c)
{
	char	*path = soap_arg(c, c->op, "ItemPathOrSiteURL");

	list(c, path, strcmp(c->opname, "ListMySubscriptions") == 0, NULL);
	free(path);
}

void
soap_list_subs_using_source(struct soap_call *c)
{
	struct catalog_item	it;

	if (soap_item_arg(c, "DataSource", false, &it) == -1)
		return;
	if (it.type != CATALOG_DATASOURCE)
		soap_fail(c, "rsWrongItemType", 400, "The item '%s' is a %s, "
		    "not a shared data source.", it.path,
		    catalog_type_name(it.type));
	else
		list(c, NULL, false, it.path);
	catalog_item_fini(&it);
}

void
soap_delete_subscription(struct soap_call *c)
{
	struct catalog_sub	s;
	struct rs_err		e;

	if (sub_arg(c, "SubscriptionID", &s) == -1)
		return;
	if (rs_sub_delete(c->cat, &s, &e) == -1)
		soap_fail_err(c, &e, NULL);
	catalog_sub_fini(&s);
}

static bool
user_exists(const char *name)
{
	struct passwd	 pw, *pp = NULL;
	char		 buf[4096];

	return getpwnam_r(name, &pw, buf, sizeof(buf), &pp) == 0 && pp != NULL;
}

/* Needs Manage all subscriptions on the report; the new owner a user. */
void
soap_change_subscription_owner(struct soap_call *c)
{
	struct catalog_sub	 s;
	struct rs_err		 e;
	enum catalog_pkind	 kind;
	const char		*name;
	char			*owner;

	if (sub_arg(c, "SubscriptionID", &s) == -1)
		return;
	if ((owner = soap_need(c, c->op, "NewOwner")) == NULL)
		;
	else if ((rs_tasks(c->cat, s.item_id, c->user) &
	    CATALOG_T_MANAGE_ALL_SUBS) == 0)
		soap_denied(c);
	else {
		catalog_principal_parse(owner, &kind, &name);
		if (catalog_principal_resolve(c->cat, name, &kind, &e) == -1)
			soap_fail_err(c, &e, NULL);
		else if (kind == CATALOG_PK_LINUX_GROUP || name[0] == '\0')
			soap_fail(c, "rsInvalidParameter", 400, "A subscription "
			    "belongs to a user, not to the group '%.100s'.", name);
		else if (kind == CATALOG_PK_LINUX_USER && !user_exists(name))
			soap_fail(c, "rsUnknownUserName", 400, "There is no user "
			    "'%.100s' on this server.", name);
		else if (catalog_sub_set_owner(c->cat, s.id, name, kind,
		    c->user->name, &e) == -1)
			soap_fail_err(c, &e, NULL);
	}
	free(owner);
	catalog_sub_fini(&s);
}

/* SharedSchedule: runs now what follows the schedule. */
static void
fire_schedule(struct soap_call *c, const char *id)
{
	struct catalog_schedule	 sc;
	struct catalog_sub	*v;
	struct catalog_plan	*p;
	struct rs_err		 e;
	size_t			 n, np;

	if ((rs_sys_tasks(c->cat, c->user) & CATALOG_S_MANAGE_SCHEDULES) == 0) {
		soap_denied(c);
		return;
	}
	if (catalog_schedule_get(c->cat, id, &sc, &e) == -1 || !sc.shared) {
		if (e.code != RS_E_NOTFOUND || sc.id[0] != '\0')
			catalog_schedule_fini(&sc);
		soap_fail(c, "rsScheduleNotFound", 404, "The schedule '%.40s' "
		    "cannot be found.", id);
		return;
	}
	catalog_schedule_fini(&sc);
	if (catalog_sub_list(c->cat, NULL, NULL, &v, &n, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		return;
	}
	for (size_t i = 0; i < n && c->fault.code[0] == '\0'; i++)
		if (v[i].active && strcmp(v[i].schedule_id, id) == 0 &&
		    str_ieq(v[i].event_type, "TimedSubscription") &&
		    rs_sub_run(c->srv, c->cat, &v[i], &e) == -1)
			soap_fail_err(c, &e, NULL);
	catalog_subs_free(v, n);
	if (catalog_plan_list(c->cat, NULL, &p, &np, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		return;
	}
	for (size_t i = 0; i < np && c->fault.code[0] == '\0'; i++)
		if (strcmp(p[i].schedule_id, id) == 0 && rs_subs_run_now(c->srv,
		    c->cat, CATALOG_JOB_PLAN, p[i].id, &e) == -1)
			soap_fail_err(c, &e, NULL);
	catalog_plans_free(p, np);
}

void
soap_fire_event(struct soap_call *c)
{
	struct catalog_sub	 s;
	struct rs_err		 e;
	char			*type = soap_need(c, c->op, "EventType");
	char			*data = type != NULL ? soap_need(c, c->op,
				    "EventData") : NULL;

	if (type == NULL || data == NULL)
		;
	else if (str_ieq(type, "TimedSubscription")) {
		if (rs_sub_find(c->cat, c->user, data, &s, &e) == -1)
			soap_fail(c, "rsSubscriptionNotFound", 404, "The "
			    "subscription '%.40s' cannot be found.", data);
		else {
			if (rs_sub_run(c->srv, c->cat, &s, &e) == -1)
				soap_fail_err(c, &e, NULL);
			catalog_sub_fini(&s);
		}
	} else if (str_ieq(type, "SharedSchedule"))
		fire_schedule(c, data);
	else
		soap_fail(c, "rsInvalidParameter", 400, "The event type '%.40s' "
		    "cannot be fired here; use TimedSubscription (EventData: a "
		    "subscription's ID) or SharedSchedule (EventData: a shared "
		    "schedule's ID).", type);
	free(type);
	free(data);
}

/* ---- the delivery extensions' settings ---- */

struct ext_param {
	const char	*name, *label;
	bool		 required;
	const char	*valid;		/* "A|B|C" or NULL */
};

static const struct ext_param email_params[] = {
	{ "TO", "To", true, NULL },
	{ "CC", "Cc", false, NULL },
	{ "BCC", "Bcc", false, NULL },
	{ "ReplyTo", "Reply-To", false, NULL },
	{ "IncludeReport", "Include Report", false, "True|False" },
	{ "RenderFormat", "Render Format", false, RENDER_FORMATS },
	{ "Priority", "Priority", false, "NORMAL|HIGH|LOW" },
	{ "Subject", "Subject", false, NULL },
	{ "Comment", "Comment", false, NULL },
	{ "IncludeLink", "Include Link", false, "True|False" },
};

static const struct ext_param share_params[] = {
	{ "FILENAME", "File Name", true, NULL },
	{ "FILEEXTN", "Add File Extension", false, "True|False" },
	{ "PATH", "Path", true, NULL },
	{ "RENDER_FORMAT", "Render Format", false, RENDER_FORMATS },
	{ "WRITEMODE", "Write Mode", false, "None|AutoIncrement|Overwrite" },
	{ "DEFAULTCREDENTIALS", "Use the report server's account", false,
	    "True" },
};

static const struct ext_param *
params_of(const char *ext, size_t *n)
{
	if (str_ieq(ext, RS_EXT_EMAIL)) {
		*n = nitems(email_params);
		return email_params;
	}
	*n = str_ieq(ext, RS_EXT_SHARE) ? nitems(share_params) : 0;
	return share_params;
}

static void
w_ext_param(struct soap_call *c, const struct ext_param *p,
    const char *value, const char *error)
{
	soap_w_start(c, "ExtensionParameter");
	soap_w_str(c, "Name", p->name);
	soap_w_str(c, "DisplayName", p->label);
	soap_w_bool(c, "Required", p->required);
	soap_w_bool(c, "ReadOnly", false);
	soap_w_str(c, "Value", value);
	soap_w_str(c, "Error", error);
	soap_w_bool(c, "Encrypted", false);
	soap_w_bool(c, "IsPassword", false);
	if (p->valid != NULL) {
		char	list[sizeof(RENDER_FORMATS) + 64], *s, *next;

		str_copy(list, sizeof(list), p->valid);
		soap_w_start(c, "ValidValues");
		for (s = list; s != NULL && *s != '\0'; s = next) {
			next = s + strcspn(s, "|,");
			if (*next != '\0')
				*next++ = '\0';
			str_trim(s);
			soap_w_start(c, "Value");
			soap_w_str(c, "Label", s);
			soap_w_str(c, "Value", s);
			soap_w_end(c);
		}
		soap_w_end(c);
	}
	soap_w_end(c);
}

void
soap_get_extension_settings(struct soap_call *c)
{
	const struct ext_param	*p;
	size_t			 n;
	char			*ext = soap_need(c, c->op, "Extension");

	if (ext == NULL)
		return;
	if (!ext_known(ext))
		ext_unknown(c, ext);
	else {
		p = params_of(ext, &n);
		soap_w_start(c, "ExtensionParameters");
		for (size_t i = 0; i < n; i++)
			w_ext_param(c, &p[i], NULL, NULL);
		soap_w_end(c);
	}
	free(ext);
}

/* The settings checked as a subscription's are; the error on the setting
 * its message names (else the first). */
void
soap_validate_extension_settings(struct soap_call *c)
{
	const struct ext_param	*p;
	struct deliver_kvs	 set = { 0 };
	const xmlNode		*pv;
	struct rs_err		 e;
	size_t			 n, bad = 0;
	char			*ext = soap_need(c, c->op, "Extension");

	if (ext == NULL)
		return;
	if (!ext_known(ext)) {
		ext_unknown(c, ext);
		free(ext);
		return;
	}
	pv = soap_child(c, c->op, "ParameterValues");
	if (pv != NULL && kvs_read(c, pv, &set, "ParameterValues") == -1)
		goto out;
	p = params_of(ext, &n);
	soap_w_start(c, "ParameterErrors");
	if (rs_sub_check_settings(c->srv, ext, &set, &e) == -1 && n > 0) {
		const char	*named = strstr(e.msg, "rendering extension") ?
		    (p == share_params ? "RENDER_FORMAT" : "RenderFormat") :
		    strstr(e.msg, "folder") ? "PATH" : NULL;

		for (size_t i = 0; i < n; i++)
			if (named != NULL ? strcmp(p[i].name, named) == 0 :
			    strstr(e.msg, p[i].name) != NULL) {
				bad = i;
				break;
			}
		w_ext_param(c, &p[bad], deliver_kvs_get(&set, p[bad].name),
		    e.msg);
	}
	soap_w_end(c);
out:
	deliver_kvs_fini(&set);
	free(ext);
}
