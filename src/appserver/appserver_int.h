/*
 * appserver_int.h: the structures shared by the appserver's files
 * (server.c: socket, loop, dispatch, stop; job.c: worker pool, requests and
 * the response pump; register.c: the control connection to httpsvc;
 * prefix.c: the prefixes, added and removed while it runs).
 * Not for use outside src/appserver/.
 *
 * Threads: everything that touches h2o runs on the loop thread.  A job (one
 * request) is shared between the loop thread and one worker; the fields
 * marked "locked" are read and written under job->mu only.  A worker never
 * touches h2o_req_t: it only posts the job's message back to the loop.
 */
#ifndef RS_APPSERVER_INT_H
#define RS_APPSERVER_INT_H

#define APPSERVER_DRAIN_MS_DEFAULT	30000	/* stop: wait for requests */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <h2o.h>

#include "appserver/appserver.h"
#include "common/buf.h"
#include "common/root.h"

/*
 * One prefix, on the heap: a job keeps the prefix it was dispatched to
 * (refs, loop thread only), so a prefix removed while requests under it
 * still run is freed by the last of them.  Everything but the state is
 * immutable once added.
 */
struct prefix {
	char			*url;	/* as registered, "https://+:8443/site/" */
	char			*path;	/* its path part without a trailing '/' */
	appserver_handler_fn	*fn;
	void			*arg;
	bool			 inline_run;	/* run on the loop thread */
	bool			 removed;	/* out of appserver.prefixes */
	size_t			 refs;	/* jobs that use it (loop thread) */
	enum appserver_reg_state state;	/* under appserver.reg_mu */
	int			 code;
	char			 msg[256];
};

/* A request line sent to httpsvc whose answer is still to come. */
struct reg_pend {
	char			*url;
	bool			 unreg;	/* UNREGISTER (else REGISTER) */
};

/* The control connection to httpsvc (loop thread only). */
struct regconn {
	h2o_socket_t		*sock;
	char			 ctl_path[RS_PATH_MAX];
	struct buf		 out;	/* request lines being written */
	struct buf		 queued;	/* lines to write after those */
	bool			 writing;	/* out is in h2o_socket_write */
	struct reg_pend		*pend;	/* answers expected, in order */
	size_t			 pend_head, npend, pend_cap;
	uint64_t		 backoff_ms;	/* next retry delay */
	uint64_t		 retry_at;	/* h2o_now() of the next try */
	unsigned		 failures;	/* consecutive connect failures */
	h2o_timeout_t		 tick;	/* periodic 250 ms tick */
	h2o_timeout_entry_t	 tick_entry;
	bool			 started;
};

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 used, cap;
	char			 data[];
};

struct hdr {
	const char	*name;	/* lower case */
	const char	*value;
};

struct param {
	const char	*name, *value;
};

/* One request: owned by the loop thread, lent to one worker. */
struct job {
	h2o_generator_t		 gen;	/* first: h2o passes &gen back */
	h2o_multithread_message_t msg;
	h2o_linklist_t		 live;	/* appserver.jobs (loop thread) */
	struct appserver	*as;
	struct job		*next_work;	/* work queue link */
	struct prefix		*pfx;	/* a reference (prefix_unref) */
	h2o_req_t		*req;	/* loop thread; NULL once disposed */
	struct arena_chunk	*arena;

	/* request copy: immutable once queued */
	const char		*method, *path, *raw_path, *subpath, *query;
	struct hdr		*hdrs;
	size_t			 nhdrs;
	const char		*body;
	size_t			 body_len;
	bool			 is_head;
	bool			 precheck;	/* httpsvc asks before a body */
	bool			 on_loop;	/* inline handler running */
	bool			 deferred;	/* inline handler deferred */

	/* worker-only until the response starts */
	struct param		*params;
	size_t			 nparams;
	bool			 params_parsed;
	int			 status;
	size_t			 declared_len;	/* SIZE_MAX: not declared */
	struct hdr		*rhdrs;
	size_t			 nrhdrs, rhdrs_cap;

	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;	/* worker waits for room */
	struct buf		 pending;	/* locked: bytes not yet sent */
	bool			 streaming;	/* locked: write() was called */
	bool			 handler_done;	/* locked */
	bool			 queued;	/* locked: msg is in the queue */
	bool			 gone;	/* locked: client or request gone */
	bool			 aborted;	/* locked: end the answer cut */

	/* loop thread only */
	struct buf		 inflight;	/* handed to h2o_send */
	bool			 started;	/* h2o_start_response done */
	bool			 sending;	/* waiting for proceed */
	bool			 final_sent;
};

struct appserver {
	char			*root;
	char			*sock_path;
	mode_t			 sock_mode;
	unsigned		 nworkers;
	size_t			 body_max, queue_max;
	uint64_t		 drain_ms;
	bool			 no_register, no_signals, any_peer;
	appserver_reg_fn	*on_reg;
	void			*on_reg_arg;
	appserver_handler_fn	*precheck;	/* may be NULL */
	size_t			 precheck_over;
	appserver_reload_fn	*on_reload;
	void			*on_reload_arg;

	/* changed on the loop thread only, under reg_mu (read elsewhere) */
	struct prefix		*prefixes[APPSERVER_PREFIXES_MAX];
	size_t			 nprefixes;
	pthread_mutex_t		 reg_mu;	/* prefix list and states */

	int			 listen_fd;
	int			 stop_pipe[2];
	int			 sig_fd;
	volatile int		 exit_status;

	/* loop thread */
	h2o_globalconf_t	 gconf;
	h2o_context_t		 ctx;
	h2o_accept_ctx_t	 actx;
	h2o_evloop_t		*loop;
	h2o_socket_t		*listener, *stop_sock, *sig_sock;
	h2o_multithread_receiver_t receiver;
	size_t			 nconns;	/* open HTTP connections */
	uid_t			 svc_uid;	/* httpsvc's uid, or (uid_t)-1 */
	uid_t			 svc_user_uid;	/* user rshttp, or (uid_t)-1 */
	uid_t			 refused_uid;	/* last refused peer (log once) */
	size_t			 njobs;	/* jobs not yet freed */
	h2o_linklist_t		 jobs;	/* of struct job, by live */
	bool			 stopping;
	struct regconn		 reg;

	/* worker pool */
	pthread_t		*threads;
	pthread_mutex_t		 work_mu;
	pthread_cond_t		 work_cv;
	struct job		*work_head, *work_tail;
	size_t			 work_len;	/* under work_mu */
	bool			 work_quit;
};

/* job.c */
struct job	*job_new(struct appserver *, h2o_req_t *, struct prefix *);
void		 job_queue(struct job *);
/* Tells every running handler its client is gone (stop deadline). */
void		 job_abandon_all(struct appserver *);
/* Runs an inline handler on the loop thread, or queues it if deferred. */
void		 job_run_inline(struct job *);
void		 job_on_message(h2o_multithread_receiver_t *, h2o_linklist_t *);
int		 pool_start(struct appserver *, struct rs_err *);
void		 pool_stop(struct appserver *);
void		*job_alloc(struct job *, size_t);
char		*job_strndup(struct job *, const char *, size_t);
/* Decodes %XX (and '+' when plus) into a new string; NULL on bad input. */
char		*job_decode(struct job *, const char *, size_t, bool plus);

/* The user httpsvc drops to when started as root. */
#define APPSERVER_SVC_USER	"rshttp"

/* register.c */
void	reg_start(struct appserver *);
void	reg_stop(struct appserver *);
void	reg_set(struct appserver *, struct prefix *, enum appserver_reg_state,
	    int code, const char *msg);
/* While connected: REGISTER one prefix added live / UNREGISTER one. */
void	reg_send(struct appserver *, const struct prefix *);
void	reg_unsend(struct appserver *, const char *url);
void	reg_fini(struct appserver *);

/* prefix.c */
int	prefix_add(struct appserver *, const char *url, appserver_handler_fn *,
	    void *arg, bool inline_run, struct rs_err *);
/* The prefix of that URL (any case), or NULL. */
struct prefix *prefix_find(struct appserver *, const char *url);
void	prefix_ref(struct prefix *);
/* Drops a job's reference; frees a removed prefix with none left. */
void	prefix_unref(struct prefix *);
/* Frees every prefix (appserver_free). */
void	prefixes_free(struct appserver *);

#endif
