/*
 * schedule.c: caching, execution snapshots and history (subscriptions,
 * schedules and jobs are subs.c's and sched.c's).  Not wired to the
 * scheduler's store yet: a report executes Live and is not cached
 * (setting exactly that succeeds, FlushCache has nothing to flush), its
 * history lists empty, and every operation that would make a cache
 * entry or a snapshot is the fault rsOperationNotSupported saying so.
 * Nothing is accepted and then ignored.
 */
#include "soap/soap_int.h"
#include "common/str.h"

#include <stdlib.h>

void
soap_need_scheduler(struct soap_call *c)
{
	soap_unsupported(c, "subscriptions, schedules, events and history "
	    "snapshots need the report server's scheduler and delivery "
	    "extensions, which are not in this build yet.");
}

static void
empty(struct soap_call *c, const char *elem)
{
	soap_w_start(c, elem);
	soap_w_end(c);
}

/* A report the user may see; -1 with a fault. */
static int
report_arg(struct soap_call *c, bool managed, struct catalog_item *it)
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

void
soap_get_cache_options(struct soap_call *c)
{
	struct catalog_item	it;

	if (report_arg(c, false, &it) == -1)
		return;
	soap_w_bool(c, "CacheItem", false);
	catalog_item_fini(&it);
}

void
soap_set_cache_options(struct soap_call *c)
{
	struct catalog_item	it;
	bool			cache = false;

	if (soap_arg_bool(c, c->op, "CacheItem", &cache) == -1 ||
	    report_arg(c, true, &it) == -1)
		return;
	if (cache)
		soap_unsupported(c, "execution caching needs the cache of "
		    "processed data that comes with the scheduler; it is not in "
		    "this build, so reports run live.");
	catalog_item_fini(&it);
}

void
soap_flush_cache(struct soap_call *c)
{
	struct catalog_item	it;

	if (report_arg(c, true, &it) == 0)
		catalog_item_fini(&it);	/* nothing is cached: nothing to do */
}

void
soap_get_execution_options(struct soap_call *c)
{
	struct catalog_item	it;

	if (report_arg(c, false, &it) == -1)
		return;
	soap_w_str(c, "ExecutionSetting", "Live");
	empty(c, "NoSchedule");
	catalog_item_fini(&it);
}

void
soap_set_execution_options(struct soap_call *c)
{
	struct catalog_item	 it;
	char			*how = soap_need(c, c->op, "ExecutionSetting");

	if (how == NULL || report_arg(c, true, &it) == -1) {
		free(how);
		return;
	}
	if (!str_ieq(how, "Live"))
		soap_unsupported(c, "execution snapshots need the scheduler, "
		    "which is not in this build; ExecutionSetting Live is the "
		    "only one.");
	else if (soap_child(c, c->op, "ScheduleReference") != NULL ||
	    soap_child(c, c->op, "ScheduleDefinition") != NULL)
		soap_unsupported(c, "schedules need the scheduler, which is not "
		    "in this build.");
	free(how);
	catalog_item_fini(&it);
}
