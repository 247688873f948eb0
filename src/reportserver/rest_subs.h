/*
 * rest_subs.h (internal to reportserver/): the REST API's subscription,
 * schedule, cache and history resources (rest_subs.c, rest_sched.c,
 * rest_store.c), shared between those files.
 */
#ifndef RS_REPORTSERVER_REST_SUBS_H
#define RS_REPORTSERVER_REST_SUBS_H

#include "reportserver/rest.h"
#include "reportserver/subs.h"

/* The JSON content type and status on c's answer. */
void	rest_subs_reply(struct rest_ctx *, int status);
/* A ScheduleDefinition to a recurrence, and back. */
int	rest_sched_definition(const struct json *, struct sched_recur *,
	    struct rs_err *);
void	rest_sched_definition_json(struct buf *, const struct sched_recur *);
/* {"ScheduleID":..,"Definition":..} of a schedule (null when none). */
void	rest_sched_reference_json(struct buf *, struct catalog *,
	    const char *sched_id);
void	rest_sched_describe(struct catalog *, const char *sched_id,
	    char *out, size_t outsz);
/*
 * A ScheduleReference from a body: a shared schedule's id, or a
 * Definition stored as an item-specific schedule (current's, when it is
 * one, is updated in place).  The schedule's id into out_id.
 */
int	rest_sched_from_reference(struct rest_ctx *, const struct json *ref,
	    const char *current, char *out_id, struct rs_err *);
/* /Schedules and /Schedules(id)[/Model.Pause|Model.Resume]. */
void	rest_schedules(struct rest_ctx *, const struct rest_route *,
	    const struct json *);
/* rest_store.c: CacheRefreshPlans, a report's CacheOptions,
 * HistorySnapshots, HistorySnapshotOptions, Model.UpdateCacheSnapshot. */
void	rest_plans(struct rest_ctx *, const struct rest_route *,
	    const struct json *);
bool	rest_store_item_route(struct rest_ctx *, const struct rest_route *,
	    const struct catalog_item *, const struct json *);

#endif
