/*
 * sched.h: time and the job queue for the report server's scheduled work
 * (issue 15).  Three parts:
 *
 *  - recurrences: the original's schedule definitions (once, every N
 *    minutes, daily every N days, weekly on days of the week every N
 *    weeks, monthly on days of the month or on the Nth weekday, in chosen
 *    months), with a start, an optional end date and an IANA time zone.
 *    Times of day are wall-clock times in that zone (ICU computes the
 *    offsets): a time that a spring-forward change skips runs at the first
 *    valid time after it, a time that a fall-back change repeats runs once
 *    (its first occurrence), so daylight saving neither skips nor doubles
 *    a run.  Minute recurrences count elapsed minutes and ignore the wall.
 *  - a clock: the real one, or (for tests) one read from a file, so a test
 *    sets the time instead of waiting for it.
 *  - the scheduler: threads inside the report server that fire due
 *    schedules into the catalog's job queue and run queued jobs through a
 *    callback, with leases, retries and backoff (catalog_sched.h says how
 *    a job runs once across servers and restarts).
 *
 * No HTTP, no rendering, no delivery in here: the callback does the work.
 * Only this module includes ICU.
 */
#ifndef RS_SCHED_SCHED_H
#define RS_SCHED_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "common/err.h"

#define SCHED_TZ_MAX		64
#define SCHED_TEXT_MAX		512	/* sched_recur_format's output */
#define SCHED_INTERVAL_MAX	100000	/* minutes, days or weeks */

enum sched_kind {
	SCHED_ONCE,
	SCHED_MINUTE,		/* MinuteRecurrence: every interval minutes */
	SCHED_DAILY,		/* DailyRecurrence: every interval days */
	SCHED_WEEKLY,		/* WeeklyRecurrence: dow, every interval weeks */
	SCHED_MONTHLY,		/* MonthlyRecurrence: days of month, months */
	SCHED_MONTHLY_DOW,	/* MonthlyDOWRecurrence: week, dow, months */
};

/* A wall-clock date and time, in the recurrence's zone. */
struct sched_civil {
	int	year, month, day;	/* month 1..12 */
	int	hour, minute, second;
};

/* Bits of sched_recur.dow: 1 << 0 Sunday ... 1 << 6 Saturday. */
#define SCHED_DOW_ALL		0x7fu
/* Bits of sched_recur.months: 1 << 0 January ... 1 << 11 December. */
#define SCHED_MONTHS_ALL	0xfffu
/* sched_recur.week: 1..4 (FirstWeek..FourthWeek) or SCHED_WEEK_LAST. */
#define SCHED_WEEK_LAST		5

struct sched_recur {
	enum sched_kind		 kind;
	char			 tz[SCHED_TZ_MAX];	/* IANA name */
	struct sched_civil	 start;		/* first run (local) */
	bool			 has_end;
	struct sched_civil	 end;		/* last day (date only) */
	unsigned		 interval;	/* minutes, days or weeks */
	unsigned		 dow;		/* weekly, monthly DOW */
	uint32_t		 days;		/* monthly: bit d (1..31) */
	unsigned		 months;	/* monthly kinds */
	int			 week;		/* monthly DOW */
};

/*
 * Checks a recurrence: a known IANA zone, a valid start (and end after
 * it), an interval of 1..SCHED_INTERVAL_MAX, at least one day and month
 * where needed.  RS_E_BADINPUT naming what is wrong.
 */
int	sched_recur_check(const struct sched_recur *, struct rs_err *);
/*
 * The stored text form and back ("kind=weekly;tz=Europe/Berlin;
 * start=2026-03-29T02:30:00;interval=1;dow=0x3e").  parse checks too.
 */
int	sched_recur_format(const struct sched_recur *, char *out, size_t outsz,
	    struct rs_err *);
int	sched_recur_parse(const char *text, struct sched_recur *,
	    struct rs_err *);
/*
 * The first run strictly after `after` (seconds since the epoch, UTC), or
 * 0 when there is none (a past ONCE, past the end date).  -1 on an error
 * (zone not known here any more).
 */
int64_t	sched_recur_next(const struct sched_recur *, int64_t after,
	    struct rs_err *);
/* The instant of a wall-clock time in a zone (the gap/overlap rules above). */
int	sched_civil_to_utc(const char *tz, const struct sched_civil *,
	    int64_t *out, struct rs_err *);
int	sched_utc_to_civil(const char *tz, int64_t t, struct sched_civil *,
	    struct rs_err *);
/* Whether tz names a zone (IANA, as ICU knows them). */
bool	sched_tz_known(const char *tz);
/* The machine's zone (TZ or /etc/localtime), e.g. "Europe/Berlin". */
void	sched_tz_default(char out[SCHED_TZ_MAX]);
/* A sentence for people: "At 8:00 AM every Mon, Wed of every week,
 * starting 3/1/2026 (Europe/Berlin)" (the original's ScheduleDescription). */
void	sched_recur_describe(const struct sched_recur *, char *out,
	    size_t outsz);

/*
 * The clock.  file "" or NULL: the real time.  Otherwise the time is the
 * number (seconds since the epoch) in that file, read at each call, so a
 * test moves time by writing the file; an unreadable file is the real
 * time.  Never used in production unless the service is started with
 * RS_SCHED_CLOCK set (see docs/subscriptions.md).
 */
int64_t	sched_clock_now(const char *file);

struct sched;

/* What a job's callback reports. */
enum sched_outcome {
	SCHED_DONE,		/* done (status says what happened) */
	SCHED_RETRY,		/* a temporary failure: try again later */
	SCHED_FAILED,		/* a permanent failure: do not retry */
};

struct sched_result {
	enum sched_outcome	 outcome;
	char			 status[512];	/* LastStatus text */
	int			 max_tries;	/* 0: the scheduler's */
	int			 retry_s;	/* 0: the scheduler's */
};

/*
 * The callbacks.  catalog returns the catalog (NULL with e while there is
 * none: nothing runs then).  run does one claimed job; it may call
 * sched_job_renew for a long one.  on_result, when not NULL, hears every
 * outcome once it is recorded: retry_at is the time of the next try, or
 * 0 when the outcome is final, so the owner's LastStatus can say so.  All
 * run on scheduler threads.
 */
struct sched_ops {
	struct catalog	*(*catalog)(void *arg, struct rs_err *);
	void	(*run)(void *arg, struct sched *, const struct catalog_job *,
		    struct sched_result *);
	void	(*on_result)(void *arg, struct sched *,
		    const struct catalog_job *, const struct sched_result *,
		    int64_t retry_at);
};

struct sched_config {
	const char	*owner;		/* this server, unique in a scale-out */
	const char	*clock_file;	/* NULL: real time */
	unsigned	 threads;	/* job threads, 1..16 */
	unsigned	 poll_ms;	/* how often to look for work */
	unsigned	 lease_s;	/* how long a claim lasts */
	unsigned	 max_tries;	/* attempts before a failure is final */
	unsigned	 retry_s;	/* first retry delay (doubles each try) */
	bool		 fire;		/* fire schedules (IsSchedulingService) */
	bool		 run;		/* run jobs (IsNotificationService) */
	unsigned	 execlog_days;	/* trim the execution log to this many
					 * days, hourly (0: keep it all) */
};

/*
 * Starts the scheduler threads.  At start the jobs this owner held (a
 * crash) are released so they run again at once.  Returns NULL with e.
 */
struct sched	*sched_start(const struct sched_config *,
		    const struct sched_ops *, void *arg, struct rs_err *);
/* Looks for work now (a job was queued). */
void		 sched_wake(struct sched *);
/* Stops the threads, letting running jobs finish; accepts NULL. */
void		 sched_stop(struct sched *);
/* The scheduler's time (its clock). */
int64_t		 sched_now(const struct sched *);
const char	*sched_owner(const struct sched *);
/* Extends the claim of a job being run; -1 when it is no longer ours. */
int		 sched_job_renew(struct sched *, const struct catalog_job *,
		    struct rs_err *);

/*
 * One scheduling pass, for tests and the threads: fires the schedules due
 * at now into jobs.  *fired gets how many this call fired.
 */
int	sched_fire_due(struct catalog *, int64_t now, size_t *fired,
	    struct rs_err *);
/* The delay before try n+1 after n failed tries: retry_s * 2^(n-1),
 * at most a day. */
int64_t	sched_backoff(unsigned retry_s, int tries);

#endif
