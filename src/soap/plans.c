/*
 * plans.c: ReportService2010's cache refresh plans over the rows REST's
 * CacheRefreshPlans use (rs_plan_save in reportserver/subs_api.c):
 * ListCacheRefreshPlans, CreateCacheRefreshPlan,
 * Get/SetCacheRefreshPlanProperties and DeleteCacheRefreshPlan.  A plan's
 * EventType is RefreshCache and its MatchData a shared schedule's ID or a
 * ScheduleDefinition in XML, as a subscription's; its State says whether
 * the report is cached at all (CachingNotEnabledOnItem).  Reading needs the
 * report to be visible, writing "Manage reports", as for REST; a plan on a
 * report the user cannot see is rsItemNotFound, as REST's 404.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "reportserver/subs_api.h"

#include <stdlib.h>
#include <string.h>

static int
may_manage(struct soap_call *c, const char *item_id)
{
	if ((rs_tasks(c->cat, item_id, c->user) & CATALOG_T_MANAGE_REPORTS) ==
	    0)
		return soap_denied(c);
	return 0;
}

/* The plan named by CacheRefreshPlanID that the user may see. */
static int
plan_arg(struct soap_call *c, struct catalog_plan *p)
{
	struct rs_err	 e;
	char		*id = soap_need(c, c->op, "CacheRefreshPlanID");
	int		 rc = -1;

	if (id == NULL)
		return -1;
	if (catalog_plan_get(c->cat, id, p, &e) == -1) {
		if (e.code == RS_E_NOTFOUND)
			soap_fail(c, "rsItemNotFound", 404, "The cache refresh "
			    "plan '%.40s' cannot be found.", id);
		else
			soap_fail_err(c, &e, NULL);
	} else if (!rs_can_view(CATALOG_REPORT, rs_tasks(c->cat, p->item_id,
	    c->user))) {
		catalog_plan_fini(p);
		soap_fail(c, "rsItemNotFound", 404, "The cache refresh plan "
		    "'%.40s' cannot be found.", id);
	} else
		rc = 0;
	free(id);
	return rc;
}

/* Description, EventType, MatchData and Parameters of a request into p. */
static int
plan_read(struct soap_call *c, struct catalog_plan *p, bool creating)
{
	struct deliver_kvs	 par = { 0 };
	struct sched_recur	 r;
	struct rs_err		 e;
	const xmlNode		*pl = soap_child(c, c->op, "Parameters");
	char			*event = soap_arg(c, c->op, "EventType");
	char			*match = soap_arg(c, c->op, "MatchData");
	char			*desc = soap_arg(c, c->op, "Description");
	int			 rc = 0;

	if (event != NULL && !str_ieq(event, "RefreshCache"))
		rc = soap_fail(c, "rsInvalidParameter", 400, "A cache refresh "
		    "plan's EventType is RefreshCache.");
	else if (match == NULL && creating)
		rc = soap_fail(c, "rsMissingParameter", 400, "A cache refresh "
		    "plan needs MatchData: a shared schedule's ID or a "
		    "ScheduleDefinition.");
	if (rc == 0 && pl != NULL && !soap_is_nil(pl)) {
		for (const xmlNode *k = pl->children; rc == 0 && k != NULL;
		    k = k->next) {
			char	*n, *v;

			if (k->type != XML_ELEMENT_NODE || soap_is_nil(k))
				continue;
			n = soap_arg(c, k, "Name");
			v = soap_arg(c, k, "Value");
			if (rs_sub_kv_add(&par, n, v, false, "Parameters", &e) ==
			    -1)
				rc = soap_fail(c, "rsInvalidParameter", 400,
				    "%s.", e.msg);
			free(n);
			free(v);
		}
		if (rc == 0) {
			free(p->parameters);
			p->parameters = deliver_kvs_encode(&par);
		}
	}
	if (rc == 0 && desc != NULL) {
		free(p->description);
		p->description = xstrdup(desc);
	}
	if (rc == 0 && match != NULL) {
		str_trim(match);
		if (strchr(match, '<') == NULL)
			str_copy(p->schedule_id, sizeof(p->schedule_id), match);
		else if (soap_sched_match_read(c, match, &r) == -1)
			rc = -1;
		else if (rs_sched_own(c->srv, c->cat, c->user->name, &r,
		    p->schedule_id, p->schedule_id, &e) == -1)
			rc = soap_fail(c, "rsInvalidParameter", 400, "%s.",
			    e.msg);
	}
	deliver_kvs_fini(&par);
	free(event);
	free(match);
	free(desc);
	return rc;
}

static void
save(struct soap_call *c, struct catalog_plan *p)
{
	struct rs_err	e;

	if (rs_plan_save(c->cat, c->user->name, p, &e) == -1) {
		if (e.code == RS_E_NOTFOUND)
			soap_fail(c, "rsInvalidParameter", 400, "The schedule "
			    "'%.40s' of MatchData does not exist.",
			    p->schedule_id);
		else
			soap_fail_err(c, &e, e.code == RS_E_BADINPUT ?
			    "rsInvalidParameter" : NULL);
	}
}

static void
w_state(struct soap_call *c, const char *item_id)
{
	struct catalog_exec_opts	o;
	struct rs_err			e;
	bool				cached = catalog_exec_opts_get(c->cat,
					    item_id, &o, &e) == 0 &&
					    o.exec_type == CATALOG_EXEC_CACHE;

	soap_w_start(c, "State");
	soap_w_bool(c, "MissingParameterValue", false);
	soap_w_bool(c, "InvalidParameterValue", false);
	soap_w_bool(c, "UnknownItemParameter", false);
	soap_w_bool(c, "CachingNotEnabledOnItem", !cached);
	soap_w_end(c);
}

void
soap_list_plans(struct soap_call *c)
{
	struct catalog_item	 it;
	struct catalog_plan	*v;
	struct rs_err		 e;
	size_t			 n;

	if (soap_item_arg(c, "ItemPath", false, &it) == -1)
		return;
	if (it.type != CATALOG_REPORT) {
		soap_fail(c, "rsWrongItemType", 400, "The item '%s' is a %s; "
		    "only reports have cache refresh plans.", it.path,
		    catalog_type_name(it.type));
		catalog_item_fini(&it);
		return;
	}
	if (catalog_plan_list(c->cat, it.id, &v, &n, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		catalog_item_fini(&it);
		return;
	}
	soap_w_start(c, "CacheRefreshPlans");
	for (size_t i = 0; i < n; i++) {
		soap_w_start(c, "CacheRefreshPlan");
		soap_w_str(c, "CacheRefreshPlanID", v[i].id);
		soap_w_str(c, "ItemPath", v[i].item_path);
		soap_w_str(c, "Description", v[i].description);
		w_state(c, v[i].item_id);
		soap_w_time(c, "LastExecuted", v[i].last_run);
		soap_w_time(c, "ModifiedDate", v[i].modified);
		soap_w_str(c, "ModifiedBy", v[i].modified_by);
		soap_w_str(c, "LastRunStatus", v[i].last_status);
		soap_w_end(c);
	}
	soap_w_end(c);
	catalog_plans_free(v, n);
	catalog_item_fini(&it);
}

void
soap_create_plan(struct soap_call *c)
{
	struct catalog_item	it;
	struct catalog_plan	p;

	if (soap_item_arg(c, "ItemPath", false, &it) == -1)
		return;
	memset(&p, 0, sizeof(p));
	if (it.type != CATALOG_REPORT)
		soap_fail(c, "rsWrongItemType", 400, "The item '%s' is a %s; "
		    "only reports have cache refresh plans.", it.path,
		    catalog_type_name(it.type));
	else if (may_manage(c, it.id) == 0) {
		str_copy(p.item_id, sizeof(p.item_id), it.id);
		p.owner = xstrdup(c->user->name);
		if (plan_read(c, &p, true) == 0)
			save(c, &p);
		if (c->fault.code[0] == '\0')
			soap_w_str(c, "CacheRefreshPlanID", p.id);
	}
	catalog_plan_fini(&p);
	catalog_item_fini(&it);
}

void
soap_get_plan_properties(struct soap_call *c)
{
	struct catalog_plan	p;
	struct deliver_kvs	par = { 0 };
	struct rs_err		e;

	if (plan_arg(c, &p) == -1)
		return;
	soap_w_str(c, "Description", p.description);
	soap_w_str(c, "LastRunStatus", p.last_status);
	w_state(c, p.item_id);
	soap_w_str(c, "EventType", "RefreshCache");
	soap_w_match(c, p.schedule_id);
	(void)deliver_kvs_decode(p.parameters != NULL ? p.parameters : "", &par,
	    &e);
	soap_w_start(c, "Parameters");
	for (size_t i = 0; i < par.n; i++) {
		soap_w_start(c, "ParameterValue");
		soap_w_str(c, "Name", par.v[i].name);
		soap_w_str(c, "Value", par.v[i].value);
		soap_w_end(c);
	}
	soap_w_end(c);
	deliver_kvs_fini(&par);
	catalog_plan_fini(&p);
}

void
soap_set_plan_properties(struct soap_call *c)
{
	struct catalog_plan	p;

	if (plan_arg(c, &p) == -1)
		return;
	if (may_manage(c, p.item_id) == 0 && plan_read(c, &p, false) == 0)
		save(c, &p);
	catalog_plan_fini(&p);
}

void
soap_delete_plan(struct soap_call *c)
{
	struct catalog_plan	p;
	struct rs_err		e;

	if (plan_arg(c, &p) == -1)
		return;
	if (may_manage(c, p.item_id) == 0 && catalog_plan_del(c->cat, p.id,
	    &e) == -1)
		soap_fail_err(c, &e, NULL);
	catalog_plan_fini(&p);
}
