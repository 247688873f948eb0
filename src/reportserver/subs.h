/*
 * subs.h (internal to reportserver/): subscriptions, schedules and stored
 * report data as the report server runs them (issue 15).  The scheduler
 * (sched/) claims jobs; this code does them: renders the report (live,
 * from the execution snapshot, or from the cache), delivers it with
 * deliver/ by the subscription's extension, writes the execution log
 * (RequestType Subscription, Source Live/Cache/Snapshot/History) and the
 * subscription's LastStatus.  The REST API (rest_subs.c) and the portal
 * (portal_subs.c) make and change the rows and queue "run now" jobs.
 */
#ifndef RS_REPORTSERVER_SUBS_H
#define RS_REPORTSERVER_SUBS_H

#include <pthread.h>

#include "deliver/deliver.h"
#include "render/render.h"
#include "reportserver/rs_int.h"
#include "sched/sched.h"

#define RS_EXT_EMAIL	"Report Server Email"
#define RS_EXT_SHARE	"Report Server FileShare"
#define RS_EXT_NULL	"NULL"
#define RS_RENDER_MAX	((size_t)256 * 1024 * 1024)	/* one rendered report */
#define RS_DD_ROWS_MAX	100000		/* rows of a data-driven query */

struct data_policy;

/* The scheduler of one report server (main.c owns it). */
struct rs_subs {
	struct rs_server		*srv;
	char				 root[4096];
	char				 conf_path[4096];
	const struct data_policy	*policy;
	struct sched			*sched;
	pthread_mutex_t			 mu;
	struct rsconf			*conf;	/* the delivery settings as the
						 * file says now (reloaded) */
	struct rsconf			*old[64];	/* earlier ones */
	size_t				 nold;
	int64_t				 conf_mtime;
	char				 clock[4096];
};

/*
 * Starts the scheduler inside the report server: owner is this server's
 * name in the queue (host name and InstallationID), the clock is the real
 * one unless RS_SCHED_CLOCK names a file (tests).
 */
int	rs_subs_start(struct rs_subs *, struct rs_server *, const char *root,
	    const char *conf_path, const struct data_policy *,
	    struct rs_err *);
void	rs_subs_stop(struct rs_subs *);
/* The scheduler's time (its clock), or the real time without one. */
int64_t	rs_subs_now(const struct rs_server *);
/* The same without a server at hand (the scheduler's clock). */
int64_t	rs_clock_now(void);
/* Queues a job that runs now (Model.Execute) and wakes the scheduler. */
int	rs_subs_run_now(struct rs_server *, struct catalog *, int kind,
	    const char *target, struct rs_err *);
void	rs_subs_wake(struct rs_server *);
/* Whether file share delivery may write into path (AllowedPaths now). */
bool	rs_subs_share_allowed(struct rs_server *, const char *path);

/* ---- rendering into memory, with stored data (subs_render.c) ---- */

enum rs_source { RS_SRC_LIVE, RS_SRC_CACHE, RS_SRC_SNAPSHOT, RS_SRC_HISTORY };

const char	*rs_source_name(enum rs_source);

struct rs_job_render {
	/* In. */
	const struct catalog_item	*it;
	const void			*rdl;
	size_t				 len;
	const struct deliver_kvs	*params;	/* report parameters */
	const char			*format;	/* NULL: no output kept */
	const char			*user;		/* User!UserID */
	const struct data_policy	*policy;
	const char			*url_base;
	enum rs_source			 want;	/* LIVE: by the report's
						 * execution options */
	bool				 store;	/* record the data into
						 * store_kind (snapshot, history,
						 * cache) */
	int				 store_kind;
	int64_t				 now;
	/* Out. */
	struct buf			 out;
	struct render_log		 lg;
	enum rs_source			 source;	/* where the data came from */
};

/*
 * Renders a report for a job: checks its bindings for the user who last
 * changed it, then renders from the execution snapshot (Snapshot
 * execution), an unexpired cache entry for the same parameters (Cache
 * execution: a miss renders live and stores the entry), or live.  The
 * execution log gets a row (RequestType Subscription).  0 or -1 with e.
 */
int	rs_job_render(struct catalog *, struct rs_job_render *, struct rs_err *);
void	rs_job_render_fini(struct rs_job_render *);
/* The canonical parameter key of a parameter list (cache entries). */
char	*rs_param_key(const struct deliver_kvs *);

/*
 * URL access over stored data (render_hook.c): by rs:Snapshot (a history
 * snapshot's time) or by the report's execution options (its snapshot,
 * or its cache entry for these parameter values; a cache miss is recorded
 * and kept by rs_stored_end).  Sets q's replay or record.  -1 with e for
 * a history snapshot that does not exist.  *out is freed by rs_stored_end
 * in every case.
 */
struct rs_stored;
int	rs_stored_begin(struct catalog *, const struct catalog_item *,
	    const char *snapshot, int64_t now, struct render_request *q,
	    struct rs_stored **out, struct rs_err *);
enum rs_source rs_stored_source(const struct rs_stored *);
void	rs_stored_end(struct catalog *, struct rs_stored *, int render_rc);
/* The cache key of URL parameter values (as rs_param_key's). */
char	*rs_param_key_in(const struct render_param_in *, size_t n);

/* ---- the REST API's part (rest_subs.c) ---- */

struct rest_ctx;
struct rest_route;

/* Handles the route when it is one of ours: true then (resp is set). */
bool	rest_subs_route(struct rest_ctx *, const struct rest_route *);

/* ---- the portal's part (portal_subs.c) ---- */

struct page;
struct form;

/* GET /Reports/subscriptions/PATH: a report's Subscriptions tab. */
void	rs_portal_subs_page(struct page *, const char *path);
/* GET /Reports/mysubscriptions and /Reports/schedules. */
void	rs_portal_mysubs_page(struct page *);
void	rs_portal_schedules_page(struct page *);
/* POST /Reports/action with op sub_*: create, run, enable, disable,
 * delete.  False when op is not one of these. */
bool	rs_portal_subs_action(struct page *, const struct form *,
	    const char *op);

#endif
