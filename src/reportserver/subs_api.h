/*
 * subs_api.h (internal to reportserver/ and soap/): subscriptions and
 * shared schedules as the REST API (rest_subs.c, rest_sched.c) and the
 * SOAP endpoint (soap/subs.c, soap/sched.c) change them: one set of
 * checks, permissions and stores behind both faces (subs_api.c).  Each
 * face reads its request's shape into these structs and turns the rs_err
 * codes into its own error codes: RS_E_NOTFOUND (no such subscription,
 * schedule or report, or one the user may not see), RS_E_PERM, RS_E_EXISTS
 * (a shared schedule's name), RS_E_USAGE (a required name missing),
 * RS_E_BADINPUT (anything else wrong in the request).
 */
#ifndef RS_REPORTSERVER_SUBS_API_H
#define RS_REPORTSERVER_SUBS_API_H

#include "reportserver/subs.h"

/* The original's names, by the bit of sched_recur's dow, months, week. */
extern const char *const rs_sched_day_names[7];
extern const char *const rs_sched_month_names[12];
extern const char *const rs_sched_week_names[6];	/* [0] "" */

/*
 * "2026-03-01T08:00:00[.fff][Z|+hh:mm]" as the start of r in the zone tz
 * (NULL: the server's): a time with an offset is that instant shown as
 * wall-clock time in the zone.  Sets r->tz and r->start.
 */
int	rs_sched_start(const char *iso, const char *tz, struct sched_recur *r,
	    struct rs_err *);
/* The end date (its date part). */
int	rs_sched_end(const char *iso, struct sched_recur *r, struct rs_err *);
/* MonthlyRecurrence's Days, "1,15,20-22", into bits 1..31, and back. */
int	rs_sched_days_parse(const char *s, uint32_t *out, struct rs_err *);
void	rs_sched_days_format(uint32_t days, char *out, size_t outsz);
/* The start as "2026-03-01T08:00:00+01:00" (its zone's offset then). */
void	rs_sched_start_iso(const struct sched_recur *, char *out, size_t n);

/*
 * A subscription's own (item-specific) schedule from a recurrence: the
 * current one (when it is not shared) is updated in place, else a new one
 * is stored.  Its id into out_id.
 */
int	rs_sched_own(struct rs_server *, struct catalog *, const char *user,
	    const struct sched_recur *, const char *current, char *out_id,
	    struct rs_err *);
/*
 * Creates (id NULL) or changes a shared schedule: name (NULL: keep; a new
 * one needs one of 1..260 characters, else RS_E_USAGE) and recurrence
 * (NULL: keep; a new one needs one).  The id into out_id (may be NULL).
 */
int	rs_sched_save(struct rs_server *, struct catalog *, const char *user,
	    const char *id, const char *name, const struct sched_recur *,
	    char *out_id, struct rs_err *);
/* Pauses or resumes a schedule (resumed: next run from now on). */
int	rs_sched_pause(struct rs_server *, struct catalog *, const char *user,
	    const char *id, bool pause, struct rs_err *);
/* The state the original names: Ready, Paused or Expired. */
const char *rs_sched_state(const struct catalog_schedule *);

/*
 * Stores a cache refresh plan (added when p->id is empty, p->id filled):
 * it needs a schedule (RS_E_BADINPUT) that exists.  The caller checked
 * Manage reports on its report.
 */
int	rs_plan_save(struct catalog *, const char *user, struct catalog_plan *p,
	    struct rs_err *);
/* Stores a report's execution options; a report no longer cached loses
 * its cache entries. */
int	rs_exec_opts_save(struct catalog *, const char *item_id,
	    const struct catalog_exec_opts *, struct rs_err *);
/* A history snapshot's id ("2026-03-01T08:00:00Z") to seconds; -1 when
 * it is not one. */
int64_t	rs_history_time(const char *id);

/* A change to a subscription; NULL and false fields keep what is there. */
struct rs_sub_change {
	const char		*ext;		/* delivery extension */
	struct deliver_kvs	 set;		/* its settings */
	struct deliver_kvs	 par;		/* report parameters */
	bool			 has_set, has_par;
	const char		*event;		/* TimedSubscription ... */
	const char		*desc;
	const char		*query, *source;	/* data-driven */
	bool			 has_active, active;
	/* The schedule: a shared one's id, or a definition of its own. */
	const char		*sched_id;
	bool			 has_recur;
	struct sched_recur	 recur;
};

void	rs_sub_change_fini(struct rs_sub_change *);
/* Adds a setting or parameter (no line breaks in a header value). */
int	rs_sub_kv_add(struct deliver_kvs *, const char *name,
	    const char *value, bool field, const char *what, struct rs_err *);
/* TimedSubscription or SnapshotUpdated (NULL passes). */
int	rs_sub_event_check(const char *event, struct rs_err *);
/* A delivery extension's settings (AllowedPaths for a file share). */
int	rs_sub_check_settings(struct rs_server *, const char *ext,
	    const struct deliver_kvs *, struct rs_err *);
/*
 * The report at path a new subscription is for: RS_E_NOTFOUND,
 * RS_E_BADINPUT (not a report) or RS_E_PERM (the user may not subscribe;
 * *tasks still says what the user holds there).
 */
int	rs_sub_report(struct catalog *, const struct rsuser *,
	    const char *path, struct catalog_item *, unsigned *tasks,
	    struct rs_err *);
/* Whether the user may see and change s (tasks: the user's on its report). */
bool	rs_sub_may(const struct rsuser *, const struct catalog_sub *,
	    unsigned tasks);
/* A subscription the user may see, else RS_E_NOTFOUND. */
int	rs_sub_find(struct catalog *, const struct rsuser *, const char *id,
	    struct catalog_sub *, struct rs_err *);
/* A new subscription of the user on the report item_id (not stored). */
void	rs_sub_init(struct catalog_sub *, const char *item_id,
	    const struct rsuser *);
/*
 * Applies a change to s, checks the whole (settings, data source,
 * schedule) and stores it: added when s->id is empty (s->id is filled),
 * else updated.  tasks: the user's on the report.  Nothing is stored on
 * an error, but an own schedule.
 */
int	rs_sub_save(struct rs_server *, struct catalog *, const struct rsuser *,
	    struct catalog_sub *s, unsigned tasks, const struct rs_sub_change *,
	    struct rs_err *);
/* Deletes s and its own schedule (a shared one stays). */
int	rs_sub_delete(struct catalog *, const struct catalog_sub *,
	    struct rs_err *);
/* Queues a run now (LastStatus Pending first). */
int	rs_sub_run(struct rs_server *, struct catalog *,
	    const struct catalog_sub *, struct rs_err *);

#endif
