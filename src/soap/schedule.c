/*
 * schedule.c: a report's execution and cache options over the store the
 * REST API's CacheOptions use (catalog_exec_opts; subs_api.h saves them):
 * Get/SetExecutionOptions (Live, or Snapshot refreshed on a schedule),
 * Get/SetCacheOptions (cached for Minutes, or until a schedule), FlushCache
 * and UpdateItemExecutionSnapshot (a snapshot job now).  Reading needs the
 * report to be visible, writing "Manage reports", as for REST.  A shared
 * dataset has no stored data here: it executes Live and is not cached
 * (setting exactly that succeeds), anything else is rsOperationNotSupported.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "reportserver/subs_api.h"

#include <stdlib.h>

#define CACHE_MINUTES_MAX	525600	/* a year, as REST */

static void
empty(struct soap_call *c, const char *elem)
{
	soap_w_start(c, elem);
	soap_w_end(c);
}

/* A report or shared dataset the user may see (or manage); -1 with a fault. */
static int
item_arg(struct soap_call *c, bool managed, struct catalog_item *it)
{
	if (soap_item_arg(c, "ItemPath", managed, it) == -1)
		return -1;
	if (it->type == CATALOG_REPORT || it->type == CATALOG_DATASET)
		return 0;
	soap_fail(c, "rsWrongItemType", 400, "The item '%s' is a %s; only "
	    "reports and shared datasets have execution and cache options.",
	    it->path, catalog_type_name(it->type));
	catalog_item_fini(it);
	return -1;
}

static int
opts_get(struct soap_call *c, const struct catalog_item *it,
    struct catalog_exec_opts *o)
{
	struct rs_err	e;

	if (catalog_exec_opts_get(c->cat, it->id, o, &e) == -1)
		return soap_fail_err(c, &e, NULL);
	return 0;
}

static void
opts_save(struct soap_call *c, const struct catalog_item *it,
    const struct catalog_exec_opts *o)
{
	struct rs_err	e;

	if (rs_exec_opts_save(c->cat, it->id, o, &e) == -1)
		soap_fail_err(c, &e, NULL);
	else
		rs_subs_wake(c->srv);
}

static void
dataset_only_live(struct soap_call *c)
{
	soap_unsupported(c, "a shared dataset has no stored data on this "
	    "server: it executes Live and is not cached.");
}

void
soap_get_cache_options(struct soap_call *c)
{
	struct catalog_item		it;
	struct catalog_exec_opts	o;

	if (item_arg(c, false, &it) == -1)
		return;
	if (it.type != CATALOG_REPORT)
		soap_w_bool(c, "CacheItem", false);
	else if (opts_get(c, &it, &o) == 0) {
		soap_w_bool(c, "CacheItem", o.exec_type == CATALOG_EXEC_CACHE);
		if (o.exec_type == CATALOG_EXEC_CACHE && o.cache_minutes > 0) {
			soap_w_start(c, "TimeExpiration");
			soap_w_int(c, "Minutes", o.cache_minutes);
			soap_w_end(c);
		} else if (o.exec_type == CATALOG_EXEC_CACHE) {
			soap_w_start(c, "ScheduleExpiration");
			soap_w_sched_choice(c, o.cache_schedule_id);
			soap_w_end(c);
		}
	}
	catalog_item_fini(&it);
}

/* TimeExpiration or ScheduleExpiration into o; -1 with a fault. */
static int
expiration(struct soap_call *c, struct catalog_exec_opts *o)
{
	const xmlNode	*t = soap_child(c, c->op, "TimeExpiration");
	const xmlNode	*s = soap_child(c, c->op, "ScheduleExpiration");
	int64_t		 m = 0;

	if (t != NULL) {
		if (soap_arg_int(c, t, "Minutes", 1, CACHE_MINUTES_MAX, &m) ==
		    -1)
			return -1;
		if (m == 0)
			return soap_fail(c, "rsMissingParameter", 400, "A "
			    "TimeExpiration needs its Minutes (1 to 525600).");
		o->cache_minutes = (int)m;
		return 0;
	}
	if (s == NULL || (soap_child(c, s, "ScheduleReference") == NULL &&
	    soap_child(c, s, "ScheduleDefinition") == NULL))
		return soap_fail(c, "rsMissingParameter", 400, "A cached report "
		    "needs a TimeExpiration (Minutes) or a ScheduleExpiration "
		    "(a ScheduleReference or a ScheduleDefinition).");
	o->cache_minutes = 0;
	return soap_sched_choice_read(c, s, o->cache_schedule_id);
}

void
soap_set_cache_options(struct soap_call *c)
{
	struct catalog_item		it;
	struct catalog_exec_opts	o;
	bool				cache = false;

	if (soap_arg_bool(c, c->op, "CacheItem", &cache) == -1 ||
	    item_arg(c, true, &it) == -1)
		return;
	if (it.type != CATALOG_REPORT) {
		if (cache)
			dataset_only_live(c);
	} else if (opts_get(c, &it, &o) == 0) {
		if (!cache) {
			if (o.exec_type == CATALOG_EXEC_CACHE)
				o.exec_type = CATALOG_EXEC_LIVE;
			opts_save(c, &it, &o);
		} else if (o.exec_type == CATALOG_EXEC_SNAPSHOT)
			soap_fail(c, "rsInvalidParameter", 400, "The report '%s' "
			    "executes from its snapshot; SetExecutionOptions Live "
			    "first, then cache it.", it.path);
		else if (expiration(c, &o) == 0) {
			o.exec_type = CATALOG_EXEC_CACHE;
			opts_save(c, &it, &o);
		}
	}
	catalog_item_fini(&it);
}

void
soap_flush_cache(struct soap_call *c)
{
	struct catalog_item	it;
	struct rs_err		e;

	if (item_arg(c, true, &it) == -1)
		return;
	if (it.type == CATALOG_REPORT && catalog_rdata_del(c->cat, it.id,
	    CATALOG_DATA_CACHE, NULL, &e) == -1)
		soap_fail_err(c, &e, NULL);
	catalog_item_fini(&it);
}

void
soap_update_execution_snapshot(struct soap_call *c)
{
	struct catalog_item	it;
	struct rs_err		e;

	if (item_arg(c, true, &it) == -1)
		return;
	if (it.type != CATALOG_REPORT)
		dataset_only_live(c);
	else if (rs_subs_run_now(c->srv, c->cat, CATALOG_JOB_SNAPSHOT, it.id,
	    &e) == -1)
		soap_fail_err(c, &e, NULL);
	catalog_item_fini(&it);
}

void
soap_get_execution_options(struct soap_call *c)
{
	struct catalog_item		it;
	struct catalog_exec_opts	o;

	if (item_arg(c, false, &it) == -1)
		return;
	if (it.type != CATALOG_REPORT) {
		soap_w_str(c, "ExecutionSetting", "Live");
		empty(c, "NoSchedule");
	} else if (opts_get(c, &it, &o) == 0) {
		bool	snap = o.exec_type == CATALOG_EXEC_SNAPSHOT;

		soap_w_str(c, "ExecutionSetting", snap ? "Snapshot" : "Live");
		soap_w_sched_choice(c, snap ? o.snapshot_schedule_id : "");
	}
	catalog_item_fini(&it);
}

void
soap_set_execution_options(struct soap_call *c)
{
	struct catalog_item		 it;
	struct catalog_exec_opts	 o;
	bool				 sched;
	char				*how = soap_need(c, c->op,
					    "ExecutionSetting");

	if (how == NULL || item_arg(c, true, &it) == -1) {
		free(how);
		return;
	}
	sched = soap_child(c, c->op, "ScheduleReference") != NULL ||
	    soap_child(c, c->op, "ScheduleDefinition") != NULL;
	if (!str_ieq(how, "Live") && !str_ieq(how, "Snapshot"))
		soap_fail(c, "rsInvalidParameter", 400, "ExecutionSetting must "
		    "be Live or Snapshot.");
	else if (str_ieq(how, "Live") && sched)
		soap_fail(c, "rsInvalidParameter", 400, "A schedule refreshes an "
		    "execution snapshot; ExecutionSetting Live takes NoSchedule.");
	else if (it.type != CATALOG_REPORT) {
		if (!str_ieq(how, "Live"))
			dataset_only_live(c);
	} else if (str_ieq(how, "Snapshot") && !sched)
		soap_fail(c, "rsInvalidParameter", 400, "ExecutionSetting "
		    "Snapshot needs the schedule that refreshes the snapshot (a "
		    "ScheduleReference or a ScheduleDefinition); "
		    "UpdateItemExecutionSnapshot refreshes it in between.");
	else if (opts_get(c, &it, &o) == 0) {
		if (str_ieq(how, "Live")) {
			if (o.exec_type == CATALOG_EXEC_SNAPSHOT)
				o.exec_type = CATALOG_EXEC_LIVE;
			opts_save(c, &it, &o);
		} else if (soap_sched_choice_read(c, c->op,
		    o.snapshot_schedule_id) == 0) {
			o.exec_type = CATALOG_EXEC_SNAPSHOT;
			opts_save(c, &it, &o);
		}
	}
	free(how);
	catalog_item_fini(&it);
}
