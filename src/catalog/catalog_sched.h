/*
 * catalog_sched.h: the part of the catalog's public face that the
 * scheduler and delivery use (issue 15), included by catalog.h and kept in
 * its own file only so its declarations stay together: shared and
 * item-specific schedules, subscriptions, cache refresh plans, a report's
 * execution options, the job queue, and stored report data (execution
 * snapshots, history snapshots and cache entries).
 *
 * The queue is what makes a job survive restarts and run once across a
 * scale-out: a schedule fires by a compare-and-set of its next run time
 * (only one server wins), the jobs it makes carry a unique event key (a
 * second insert of the same event is nothing), and a job is claimed by one
 * row update with a lease (PostgreSQL: FOR UPDATE SKIP LOCKED), so a server
 * that dies leaves its job to whoever comes after the lease.
 *
 * Times are seconds since the epoch, UTC.  Strings in the structs are
 * owned; the _fini/_free functions release them.  Settings and parameter
 * lists are stored as given (the callers' encoding, see reportserver's
 * subs code).  Errors as in catalog.h.
 */
#ifndef RS_CATALOG_SCHED_H
#define RS_CATALOG_SCHED_H

/* What a job does (jobs.kind; stored: never renumber). */
enum catalog_job_kind {
	CATALOG_JOB_SUB = 1,		/* run a subscription (or one row) */
	CATALOG_JOB_PLAN = 2,		/* a cache refresh plan */
	CATALOG_JOB_SNAPSHOT = 3,	/* refresh a report's execution snapshot */
	CATALOG_JOB_HISTORY = 4,	/* add a history snapshot */
	CATALOG_JOB_CACHE_EXPIRE = 5,	/* drop a report's cache entries */
};

/* jobs.state (stored). */
enum catalog_job_state {
	CATALOG_JOB_QUEUED = 0,		/* waiting for due (also a retry) */
	CATALOG_JOB_RUNNING = 1,	/* claimed, under a lease */
	CATALOG_JOB_DONE = 2,
	CATALOG_JOB_FAILED = 3,		/* permanent failure, or out of tries */
};

/* report_data.kind (stored). */
enum catalog_data_kind {
	CATALOG_DATA_SNAPSHOT = 1,	/* the execution snapshot */
	CATALOG_DATA_HISTORY = 2,	/* a history snapshot */
	CATALOG_DATA_CACHE = 3,		/* a cache entry (one per parameters) */
};

/* ItemExecutionType. */
enum catalog_exec_type {
	CATALOG_EXEC_LIVE = 0,
	CATALOG_EXEC_CACHE = 1,
	CATALOG_EXEC_SNAPSHOT = 2,
};

struct catalog_schedule {
	char	 id[CATALOG_ID_LEN + 1];
	char	*name;
	bool	 shared;
	char	*recurrence;	/* sched's text form (sched_recur_format) */
	bool	 paused;
	int64_t	 next_run;	/* 0: no more runs */
	int64_t	 last_run;	/* 0: never */
	char	*created_by;
	char	*modified_by;
	int64_t	 created;
	int64_t	 modified;
};

void	catalog_schedule_fini(struct catalog_schedule *);
void	catalog_schedules_free(struct catalog_schedule *, size_t n);
/*
 * Adds a schedule; s->id is filled (a new GUID when empty).  A shared
 * schedule's name is unique (case-insensitive): RS_E_EXISTS.
 */
int	catalog_schedule_add(struct catalog *, struct catalog_schedule *s,
	    const char *user, struct rs_err *);
int	catalog_schedule_get(struct catalog *, const char *id,
	    struct catalog_schedule *out, struct rs_err *);
/* The shared schedules, by name. */
int	catalog_schedule_list(struct catalog *, struct catalog_schedule **out,
	    size_t *n, struct rs_err *);
/* Replaces name, recurrence, paused and next_run. */
int	catalog_schedule_update(struct catalog *,
	    const struct catalog_schedule *, const char *user, struct rs_err *);
int	catalog_schedule_del(struct catalog *, const char *id, struct rs_err *);
/* How many subscriptions, plans and reports use a schedule. */
int	catalog_schedule_refs(struct catalog *, const char *id, int64_t *n,
	    struct rs_err *);
/* The schedules whose next run is due at now (not paused), at most max. */
int	catalog_schedule_due(struct catalog *, int64_t now, size_t max,
	    struct catalog_schedule **out, size_t *n, struct rs_err *);
/*
 * Fires a schedule: in one transaction, moves next_run from expect to
 * next (0: no more) and last_run to fire only if it still is expect, and
 * then queues one job per user of the schedule (active subscriptions,
 * cache refresh plans, reports whose snapshot, history or cache follows
 * it), each with the event "<kind letter>:<target>:<fire>", due at now.
 * *won says whether this call moved it (another server may have).
 */
int	catalog_schedule_fire(struct catalog *, const char *id, int64_t expect,
	    int64_t next, int64_t fire, int64_t now, bool *won,
	    struct rs_err *);

struct catalog_sub {
	char	 id[CATALOG_ID_LEN + 1];
	char	 item_id[CATALOG_ID_LEN + 1];
	char	*item_path;	/* read only */
	char	*owner;
	int	 owner_kind;	/* enum catalog_pkind */
	char	*description;
	char	*event_type;	/* TimedSubscription, SnapshotUpdated */
	char	 schedule_id[CATALOG_ID_LEN + 1];	/* "" none */
	char	*extension;	/* "Report Server Email", ... */
	char	*settings;
	char	*parameters;
	char	*data_query;	/* data-driven: the query, else NULL */
	char	*data_source;	/* data-driven: where it runs */
	bool	 active;
	char	*last_status;
	int64_t	 last_run;
	int64_t	 created;
	char	*modified_by;
	int64_t	 modified;
};

void	catalog_sub_fini(struct catalog_sub *);
void	catalog_subs_free(struct catalog_sub *, size_t n);
/* Adds a subscription (s->id filled when empty). */
int	catalog_sub_add(struct catalog *, struct catalog_sub *s,
	    const char *user, struct rs_err *);
int	catalog_sub_get(struct catalog *, const char *id,
	    struct catalog_sub *out, struct rs_err *);
/*
 * Subscriptions, by report path then description: of one report
 * (item_id), of one owner (owner, case-insensitive), or all (both NULL).
 */
int	catalog_sub_list(struct catalog *, const char *item_id,
	    const char *owner, struct catalog_sub **out, size_t *n,
	    struct rs_err *);
/* Replaces everything but id, item, owner, created and the status. */
int	catalog_sub_update(struct catalog *, const struct catalog_sub *,
	    const char *user, struct rs_err *);
int	catalog_sub_del(struct catalog *, const char *id, struct rs_err *);
int	catalog_sub_set_active(struct catalog *, const char *id, bool active,
	    struct rs_err *);
/* Gives the subscription to another user (owner_kind: enum catalog_pkind). */
int	catalog_sub_set_owner(struct catalog *, const char *id,
	    const char *owner, int owner_kind, const char *user,
	    struct rs_err *);
/* LastStatus and LastRunTime (run 0: unchanged). */
int	catalog_sub_set_status(struct catalog *, const char *id,
	    const char *status, int64_t run, struct rs_err *);

struct catalog_plan {
	char	 id[CATALOG_ID_LEN + 1];
	char	 item_id[CATALOG_ID_LEN + 1];
	char	*item_path;	/* read only */
	char	*owner;
	char	*description;
	char	 schedule_id[CATALOG_ID_LEN + 1];
	char	*parameters;
	char	*last_status;
	int64_t	 last_run;
	char	*modified_by;
	int64_t	 modified;
};

void	catalog_plan_fini(struct catalog_plan *);
void	catalog_plans_free(struct catalog_plan *, size_t n);
int	catalog_plan_add(struct catalog *, struct catalog_plan *,
	    const char *user, struct rs_err *);
int	catalog_plan_get(struct catalog *, const char *id,
	    struct catalog_plan *out, struct rs_err *);
/* Of one report, or all (item_id NULL). */
int	catalog_plan_list(struct catalog *, const char *item_id,
	    struct catalog_plan **out, size_t *n, struct rs_err *);
int	catalog_plan_update(struct catalog *, const struct catalog_plan *,
	    const char *user, struct rs_err *);
int	catalog_plan_del(struct catalog *, const char *id, struct rs_err *);
int	catalog_plan_set_status(struct catalog *, const char *id,
	    const char *status, int64_t run, struct rs_err *);

/* A report's execution options (defaults when none were set). */
struct catalog_exec_opts {
	int	 exec_type;		/* enum catalog_exec_type */
	int	 cache_minutes;		/* 0: expire on cache_schedule_id */
	char	 cache_schedule_id[CATALOG_ID_LEN + 1];
	char	 snapshot_schedule_id[CATALOG_ID_LEN + 1];
	char	 history_schedule_id[CATALOG_ID_LEN + 1];
	bool	 history_manual;	/* ManualCreationEnabled */
	bool	 history_keep_exec;	/* KeepExecutionSnapshots */
	int	 history_limit;		/* -1: the system's */
};

int	catalog_exec_opts_get(struct catalog *, const char *item_id,
	    struct catalog_exec_opts *out, struct rs_err *);
int	catalog_exec_opts_set(struct catalog *, const char *item_id,
	    const struct catalog_exec_opts *, struct rs_err *);

struct catalog_job {
	int64_t	 id;
	char	*event;
	int	 kind;		/* enum catalog_job_kind */
	char	*target;	/* subscription, plan or item id */
	int64_t	 parent;	/* data-driven row: the parent job, else 0 */
	int	 row_no;
	char	*row_data;
	int64_t	 fire;		/* the schedule time it stands for */
	int64_t	 due;
	int	 state;		/* enum catalog_job_state */
	int	 attempts;	/* claims so far (this one included) */
	char	*owner;		/* the server running it, or "" */
	int64_t	 lease_until;
	char	*status;
	int64_t	 created;
	int64_t	 finished;
};

void	catalog_job_fini(struct catalog_job *);
void	catalog_jobs_free(struct catalog_job *, size_t n);

/* A new job; not an error when its event is already queued (*added). */
struct catalog_job_new {
	const char	*event;
	int		 kind;
	const char	*target;
	int64_t		 parent;
	int		 row_no;
	const char	*row_data;
	int64_t		 fire;
	int64_t		 due;
};

int	catalog_job_add(struct catalog *, const struct catalog_job_new *,
	    int64_t now, bool *added, struct rs_err *);
/*
 * Claims the job due first: a queued job due at now, or a running one
 * whose lease ended before now.  Returns 1 with *out (the claim: state
 * RUNNING, owner, lease_until = now + lease_s), 0 when none is due.
 */
int	catalog_job_claim(struct catalog *, const char *owner, int64_t now,
	    int64_t lease_s, struct catalog_job *out, struct rs_err *);
/* Extends a claim; RS_E_NOTFOUND when the job is no longer ours. */
int	catalog_job_renew(struct catalog *, int64_t id, const char *owner,
	    int64_t lease_until, struct rs_err *);
/*
 * Ends a claim: state DONE or FAILED (finished at now), or QUEUED again
 * due at due (a retry).  RS_E_NOTFOUND when the job is no longer ours.
 */
int	catalog_job_finish(struct catalog *, int64_t id, const char *owner,
	    int state, const char *status, int64_t due, int64_t now,
	    struct rs_err *);
/* Cancels a job still queued (FAILED with status); *cancelled says whether
 * it was (a running job is not stopped). */
int	catalog_job_cancel(struct catalog *, int64_t id, const char *status,
	    int64_t now, bool *cancelled, struct rs_err *);
/* Sets the status text of a claimed job (progress). */
int	catalog_job_note(struct catalog *, int64_t id, const char *owner,
	    const char *status, struct rs_err *);
/*
 * A restarted server's jobs: whatever owner still holds is running no
 * more, so its leases end now.  *n gets how many.
 */
int	catalog_job_release(struct catalog *, const char *owner, int64_t *n,
	    struct rs_err *);
/* The jobs of a target (or of a parent job when parent != 0), newest
 * first, at most max; target NULL: the queued and running jobs (not the
 * rows of a data-driven one), oldest first. */
int	catalog_job_list(struct catalog *, const char *target, int64_t parent,
	    size_t max, struct catalog_job **out, size_t *n, struct rs_err *);
/* Counts of a parent's row jobs: all, done, failed. */
int	catalog_job_children(struct catalog *, int64_t parent, int64_t *all,
	    int64_t *done, int64_t *failed, struct rs_err *);
/* Whether a parent still has row jobs not finished (one index probe). */
int	catalog_job_children_pending(struct catalog *, int64_t parent,
	    bool *pending, struct rs_err *);
/* Counts by state over the whole queue (index: enum catalog_job_state). */
int	catalog_job_counts(struct catalog *, int64_t counts[4],
	    struct rs_err *);
/* Deletes finished jobs older than before. */
int	catalog_job_purge(struct catalog *, int64_t before, struct rs_err *);

/* Stored report data (no content). */
struct catalog_rdata {
	char	 id[CATALOG_ID_LEN + 1];
	char	 item_id[CATALOG_ID_LEN + 1];
	int	 kind;		/* enum catalog_data_kind */
	char	*param_key;
	int64_t	 created;
	int64_t	 expires;	/* 0: never */
	int64_t	 size;
};

void	catalog_rdata_fini(struct catalog_rdata *);
void	catalog_rdatas_free(struct catalog_rdata *, size_t n);
/*
 * Stores report data.  A SNAPSHOT replaces the item's snapshot and a CACHE
 * entry the one of the same param_key; HISTORY adds, then keeps the newest
 * `keep` history rows (keep < 0: all).  d->id is filled.
 */
int	catalog_rdata_put(struct catalog *, struct catalog_rdata *d,
	    const void *data, size_t len, int keep, struct rs_err *);
/*
 * Finds data: the snapshot, the unexpired cache entry for param_key (at
 * now), or the history row created at `created`.  RS_E_NOTFOUND when none.
 * *data (may be NULL) is the caller's to free.
 */
int	catalog_rdata_find(struct catalog *, const char *item_id, int kind,
	    const char *param_key, int64_t created, int64_t now,
	    struct catalog_rdata *out, void **data, size_t *len,
	    struct rs_err *);
/* The rows of a kind for an item, newest first. */
int	catalog_rdata_list(struct catalog *, const char *item_id, int kind,
	    struct catalog_rdata **out, size_t *n, struct rs_err *);
/* Deletes one row (by id), or all of a kind for an item (id NULL). */
int	catalog_rdata_del(struct catalog *, const char *item_id, int kind,
	    const char *id, struct rs_err *);

#endif
