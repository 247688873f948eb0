/*
 * sched.c: the scheduler inside the report server.  One thread fires due
 * schedules into the job queue (sched_fire_due) and wakes the job threads;
 * each job thread claims the job due first, runs it through the owner's
 * callback and records the outcome: done, failed, or queued again after a
 * backoff while tries remain.  Everything durable is in the catalog, so a
 * restart loses nothing: a job this server held when it died is released
 * at start and runs again; one held by a server that died stays claimed
 * until its lease ends, and then another server takes it.
 */
#include "sched/sched.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCHED_THREADS_MAX	16
#define FIRE_BATCH		64
#define PURGE_EVERY_S		3600
#define KEEP_JOBS_S		(30 * 86400)
#define BACKOFF_MAX_S		86400

struct sched {
	struct sched_config	 cfg;
	char			 owner[256];
	char			 clock[4096];
	const struct sched_ops	*ops;
	void			*arg;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	bool			 stopping;
	unsigned		 wakeups;	/* bumped by sched_wake */
	pthread_t		 firer;
	pthread_t		 workers[SCHED_THREADS_MAX];
	unsigned		 nworkers;
	bool			 has_firer;
	bool			 released;	/* own jobs released once */
};

int64_t
sched_clock_now(const char *file)
{
	char		 buf[32];
	FILE		*f;
	uint64_t	 v;

	if (file == NULL || file[0] == '\0')
		return (int64_t)time(NULL);
	f = fopen(file, "re");
	if (f == NULL)
		return (int64_t)time(NULL);
	if (fgets(buf, sizeof(buf), f) == NULL) {
		fclose(f);
		return (int64_t)time(NULL);
	}
	fclose(f);
	if (str_parse_uint(str_trim(buf), 0, INT64_MAX, &v, "clock", NULL) ==
	    -1)
		return (int64_t)time(NULL);
	return (int64_t)v;
}

int64_t
sched_now(const struct sched *s)
{
	return sched_clock_now(s->clock);
}

const char *
sched_owner(const struct sched *s)
{
	return s->owner;
}

int64_t
sched_backoff(unsigned retry_s, int tries)
{
	int64_t	d = retry_s > 0 ? retry_s : 1;

	for (int i = 1; i < tries && d < BACKOFF_MAX_S; i++)
		d *= 2;
	return d > BACKOFF_MAX_S ? BACKOFF_MAX_S : d;
}

/* The run after a firing: the first after max(now, due). */
static int
next_run(const struct catalog_schedule *cs, int64_t now, int64_t *next,
    struct rs_err *e)
{
	struct sched_recur	r;
	int64_t			t;

	if (sched_recur_parse(cs->recurrence, &r, e) == -1)
		return -1;
	t = sched_recur_next(&r, now > cs->next_run ? now : cs->next_run, e);
	if (t < 0)
		return -1;
	*next = t;
	return 0;
}

int
sched_fire_due(struct catalog *cat, int64_t now, size_t *fired,
    struct rs_err *e)
{
	struct catalog_schedule	*v;
	size_t			 n;
	int			 rc = 0;

	*fired = 0;
	if (catalog_schedule_due(cat, now, FIRE_BATCH, &v, &n, e) == -1)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct rs_err	 ne;
		int64_t		 next = 0;
		bool		 won;

		/* A schedule the clock can no longer compute fires this
		 * last time and stops, with one log line. */
		if (next_run(&v[i], now, &next, &ne) == -1) {
			log_warn("schedule %s: %s; it will not run again",
			    v[i].id, ne.msg);
			next = 0;
		}
		rc = catalog_schedule_fire(cat, v[i].id, v[i].next_run, next,
		    v[i].next_run, now, &won, e);
		if (rc == 0 && won)
			(*fired)++;
	}
	catalog_schedules_free(v, n);
	return rc;
}

/* Waits up to the polling interval or a wake-up; false when stopping. */
static bool
nap(struct sched *s, unsigned seen)
{
	struct timespec	ts;
	bool		go;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += s->cfg.poll_ms / 1000;
	ts.tv_nsec += (long)(s->cfg.poll_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	while (!s->stopping && s->wakeups == seen)
		if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) == ETIMEDOUT)
			break;
	go = !s->stopping;
	pthread_mutex_unlock(&s->mu);
	return go;
}

static unsigned
wakeups(struct sched *s)
{
	unsigned	w;

	pthread_mutex_lock(&s->mu);
	w = s->wakeups;
	pthread_mutex_unlock(&s->mu);
	return w;
}

void
sched_wake(struct sched *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->wakeups++;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* At the first catalog contact: what this owner held before a crash. */
static void
release_own(struct sched *s, struct catalog *cat)
{
	struct rs_err	e;
	int64_t		n = 0;
	bool		first;

	pthread_mutex_lock(&s->mu);
	first = !s->released;
	s->released = true;
	pthread_mutex_unlock(&s->mu);
	if (!first)
		return;
	if (catalog_job_release(cat, s->owner, &n, &e) == -1)
		log_warn("scheduler: cannot release the jobs of %s: %s",
		    s->owner, e.msg);
	else if (n > 0)
		log_info("scheduler: %lld job(s) interrupted by a restart run "
		    "again", (long long)n);
}

/* ExecutionLogDaysKept: the rows older than that many days go. */
static void
trim_execlog(struct sched *s, struct catalog *cat, int64_t now)
{
	struct rs_err	e;
	int64_t		n = 0;

	if (s->cfg.execlog_days == 0)
		return;
	if (catalog_exec_log_trim(cat, (now - (int64_t)s->cfg.execlog_days *
	    86400) * 1000, &n, &e) == -1)
		log_warn("scheduler: trimming the execution log: %s", e.msg);
	else if (n > 0)
		log_info("scheduler: %lld execution log row(s) older than %u "
		    "days removed (ExecutionLogDaysKept)", (long long)n,
		    s->cfg.execlog_days);
}

static void *
firer_main(void *arg)
{
	struct sched	*s = arg;
	int64_t		 last_purge = 0;

	do {
		unsigned	 seen = wakeups(s);
		struct rs_err	 e;
		struct catalog	*cat = s->ops->catalog(s->arg, &e);
		int64_t		 now = sched_now(s);
		size_t		 fired = 0;

		if (cat == NULL) {
			if (!nap(s, seen))
				break;
			continue;
		}
		release_own(s, cat);
		if (sched_fire_due(cat, now, &fired, &e) == -1)
			log_warn("scheduler: %s", e.msg);
		else if (fired > 0)
			sched_wake(s);
		if (now - last_purge > PURGE_EVERY_S) {
			last_purge = now;
			if (catalog_job_purge(cat, now - KEEP_JOBS_S, &e) == -1)
				log_warn("scheduler: purge: %s", e.msg);
			trim_execlog(s, cat, now);
		}
		if (fired == 0 && !nap(s, seen))
			break;
	} while (!s->stopping);
	return NULL;
}

/* Records what the callback said, with the retry policy applied. */
static void
finish(struct sched *s, struct catalog *cat, const struct catalog_job *j,
    struct sched_result *r)
{
	unsigned	 tries = r->max_tries > 0 ? (unsigned)r->max_tries :
	    s->cfg.max_tries;
	unsigned	 retry = r->retry_s > 0 ? (unsigned)r->retry_s :
	    s->cfg.retry_s;
	int64_t		 now = sched_now(s);
	int		 state = CATALOG_JOB_DONE;
	struct rs_err	 e;
	int64_t		 due = 0;

	if (r->outcome == SCHED_RETRY && (unsigned)j->attempts < tries) {
		state = CATALOG_JOB_QUEUED;
		due = now + sched_backoff(retry, j->attempts);
	} else if (r->outcome != SCHED_DONE) {
		state = CATALOG_JOB_FAILED;
		r->outcome = SCHED_FAILED;
		if (j->attempts > 1)
			snprintf(r->status + strlen(r->status),
			    sizeof(r->status) - strlen(r->status),
			    " (gave up after %d tries)", j->attempts);
	}
	if (catalog_job_finish(cat, j->id, s->owner, state, r->status, due, now,
	    &e) == -1) {
		log_warn("scheduler: job %lld: %s", (long long)j->id, e.msg);
		return;
	}
	if (s->ops->on_result != NULL)
		s->ops->on_result(s->arg, s, j, r, due);
}

static bool
run_one(struct sched *s, struct catalog *cat)
{
	struct catalog_job	j;
	struct sched_result	r;
	struct rs_err		e;
	int			rc;

	rc = catalog_job_claim(cat, s->owner, sched_now(s), s->cfg.lease_s,
	    &j, &e);
	if (rc == -1)
		log_warn("scheduler: cannot claim a job: %s", e.msg);
	if (rc != 1)
		return false;
	memset(&r, 0, sizeof(r));
	r.outcome = SCHED_FAILED;
	s->ops->run(s->arg, s, &j, &r);
	finish(s, cat, &j, &r);
	catalog_job_fini(&j);
	return true;
}

static void *
worker_main(void *arg)
{
	struct sched	*s = arg;

	do {
		unsigned	 seen = wakeups(s);
		struct rs_err	 e;
		struct catalog	*cat = s->ops->catalog(s->arg, &e);

		if (cat != NULL) {
			release_own(s, cat);
			while (!s->stopping && run_one(s, cat))
				;
		}
		if (!nap(s, seen))
			break;
	} while (!s->stopping);
	return NULL;
}

int
sched_job_renew(struct sched *s, const struct catalog_job *j,
    struct rs_err *e)
{
	struct catalog	*cat = s->ops->catalog(s->arg, e);

	if (cat == NULL)
		return -1;
	return catalog_job_renew(cat, j->id, s->owner, sched_now(s) +
	    s->cfg.lease_s, e);
}

/*
 * The threads start with every signal blocked, so a SIGTERM meant for the
 * daemon's loop is never delivered to (and the default action taken on)
 * one of them.
 */
static int	spawn(struct sched *, struct rs_err *);

static int
start_threads(struct sched *s, struct rs_err *e)
{
	sigset_t	all, old;
	int		rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = spawn(s, e);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static int
spawn(struct sched *s, struct rs_err *e)
{
	if (s->cfg.fire) {
		if (pthread_create(&s->firer, NULL, firer_main, s) != 0)
			return rs_err_sys(e, RS_E_INTERNAL, "cannot start the "
			    "scheduler");
		s->has_firer = true;
	}
	for (unsigned i = 0; s->cfg.run && i < s->cfg.threads; i++) {
		if (pthread_create(&s->workers[i], NULL, worker_main, s) != 0)
			return rs_err_sys(e, RS_E_INTERNAL, "cannot start a "
			    "scheduler thread");
		s->nworkers++;
	}
	return 0;
}

struct sched *
sched_start(const struct sched_config *cfg, const struct sched_ops *ops,
    void *arg, struct rs_err *e)
{
	struct sched	*s = xcalloc(1, sizeof(*s));

	s->cfg = *cfg;
	if (s->cfg.threads == 0)
		s->cfg.threads = 2;
	if (s->cfg.threads > SCHED_THREADS_MAX)
		s->cfg.threads = SCHED_THREADS_MAX;
	if (s->cfg.poll_ms == 0)
		s->cfg.poll_ms = 10000;
	if (s->cfg.lease_s == 0)
		s->cfg.lease_s = 600;
	if (s->cfg.max_tries == 0)
		s->cfg.max_tries = 3;
	if (s->cfg.retry_s == 0)
		s->cfg.retry_s = 900;
	str_copy(s->owner, sizeof(s->owner), cfg->owner);
	str_copy(s->clock, sizeof(s->clock), cfg->clock_file ? cfg->clock_file :
	    "");
	s->cfg.owner = s->owner;
	s->ops = ops;
	s->arg = arg;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (start_threads(s, e) == -1) {
		sched_stop(s);
		return NULL;
	}
	return s;
}

void
sched_stop(struct sched *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->has_firer)
		pthread_join(s->firer, NULL);
	for (unsigned i = 0; i < s->nworkers; i++)
		pthread_join(s->workers[i], NULL);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
