/*
 * test_sched.c: unit tests of sched/ and of the catalog's queue under it:
 * recurrences (every kind, end dates, the text form, zones that do not
 * exist) with daylight saving in Europe/Berlin and America/New_York
 * neither skipping nor doubling a run; firing a schedule once however
 * often it is fired; claims, leases, release after a restart, retries.
 * The queue tests run on SQLite, and on PostgreSQL too when RS_TEST_PG
 * names a scratch database (emptied first).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "common/str.h"
#include "sched/sched.h"

static const char	*pg_conninfo;

static int64_t
at(const char *tz, int y, int mo, int d, int h, int mi)
{
	struct sched_civil	c = { y, mo, d, h, mi, 0 };
	struct rs_err		e;
	int64_t			t;

	if (sched_civil_to_utc(tz, &c, &t, &e) == -1)
		fail_msg("%s", e.msg);
	return t;
}

static struct sched_recur
recur(enum sched_kind k, const char *tz, int y, int mo, int d, int h, int mi)
{
	struct sched_recur	r;

	memset(&r, 0, sizeof(r));
	r.kind = k;
	str_copy(r.tz, sizeof(r.tz), tz);
	r.start = (struct sched_civil){ y, mo, d, h, mi, 0 };
	r.interval = 1;
	return r;
}

/* The runs of r after `from`, n of them. */
static void
runs(const struct sched_recur *r, int64_t from, int64_t *out, size_t n)
{
	struct rs_err	e;

	for (size_t i = 0; i < n; i++) {
		out[i] = sched_recur_next(r, from, &e);
		if (out[i] < 0)
			fail_msg("%s", e.msg);
		from = out[i];
	}
}

static void
test_daily_dst(void **state)
{
	struct sched_recur	r = recur(SCHED_DAILY, "Europe/Berlin", 2026, 3,
	    27, 2, 30);
	int64_t			t[4];

	(void)state;
	runs(&r, at("UTC", 2026, 3, 26, 0, 0), t, 4);
	/* 27th and 28th at 02:30 CET; the 29th has no 02:30: 03:00 CEST. */
	assert_int_equal(t[0], at("UTC", 2026, 3, 27, 1, 30));
	assert_int_equal(t[1], at("UTC", 2026, 3, 28, 1, 30));
	assert_int_equal(t[2], at("UTC", 2026, 3, 29, 1, 0));
	assert_int_equal(t[3], at("UTC", 2026, 3, 30, 0, 30));
	/* Autumn: 02:30 happens twice on the 25th; one run, the first. */
	runs(&r, at("UTC", 2026, 10, 24, 12, 0), t, 3);
	assert_int_equal(t[0], at("UTC", 2026, 10, 25, 0, 30));
	assert_int_equal(t[1], at("UTC", 2026, 10, 26, 1, 30));
	assert_int_equal(t[1] - t[0], 25 * 3600);
}

static void
test_weekly_monthly(void **state)
{
	struct sched_recur	r = recur(SCHED_WEEKLY, "America/New_York", 2026,
	    3, 1, 8, 0);
	int64_t			t[4];
	struct rs_err		e;

	(void)state;
	r.dow = (1u << 1) | (1u << 3);	/* Monday, Wednesday */
	r.interval = 2;			/* every other week */
	runs(&r, at("UTC", 2026, 2, 1, 0, 0), t, 4);
	assert_int_equal(t[0], at("America/New_York", 2026, 3, 2, 8, 0));
	assert_int_equal(t[1], at("America/New_York", 2026, 3, 4, 8, 0));
	/* The week of 3/8 is skipped; 3/16 is after the DST change (3/8). */
	assert_int_equal(t[2], at("America/New_York", 2026, 3, 16, 8, 0));
	assert_int_equal(t[2] - t[1], 12 * 86400 - 3600);
	r = recur(SCHED_MONTHLY, "UTC", 2026, 1, 1, 6, 0);
	r.days = (1u << 31) | (1u << 15);
	r.months = SCHED_MONTHS_ALL;
	runs(&r, at("UTC", 2026, 1, 20, 0, 0), t, 3);
	assert_int_equal(t[0], at("UTC", 2026, 1, 31, 6, 0));
	assert_int_equal(t[1], at("UTC", 2026, 2, 15, 6, 0));	/* no 2/31 */
	assert_int_equal(t[2], at("UTC", 2026, 3, 15, 6, 0));
	r = recur(SCHED_MONTHLY_DOW, "UTC", 2026, 1, 1, 9, 0);
	r.dow = 1u << 5;		/* Friday */
	r.week = SCHED_WEEK_LAST;
	r.months = SCHED_MONTHS_ALL;
	runs(&r, at("UTC", 2026, 1, 1, 0, 0), t, 2);
	assert_int_equal(t[0], at("UTC", 2026, 1, 30, 9, 0));
	assert_int_equal(t[1], at("UTC", 2026, 2, 27, 9, 0));
	r.week = 2;
	runs(&r, at("UTC", 2026, 1, 1, 0, 0), t, 1);
	assert_int_equal(t[0], at("UTC", 2026, 1, 9, 9, 0));
	/* Once, and an end date. */
	r = recur(SCHED_ONCE, "UTC", 2026, 5, 1, 12, 0);
	assert_int_equal(sched_recur_next(&r, at("UTC", 2026, 1, 1, 0, 0),
	    &e), at("UTC", 2026, 5, 1, 12, 0));
	assert_int_equal(sched_recur_next(&r, at("UTC", 2026, 5, 1, 12, 0),
	    &e), 0);
	r = recur(SCHED_DAILY, "UTC", 2026, 5, 1, 12, 0);
	r.has_end = true;
	r.end = (struct sched_civil){ 2026, 5, 2, 0, 0, 0 };
	runs(&r, at("UTC", 2026, 1, 1, 0, 0), t, 3);
	assert_int_equal(t[1], at("UTC", 2026, 5, 2, 12, 0));
	assert_int_equal(t[2], 0);
}

static void
test_minutes_text(void **state)
{
	struct sched_recur	r = recur(SCHED_MINUTE, "Europe/Berlin", 2026,
	    10, 25, 1, 0), back;
	char			text[SCHED_TEXT_MAX];
	int64_t			t[8];
	struct rs_err		e;

	(void)state;
	r.interval = 30;
	runs(&r, at("UTC", 2026, 10, 24, 23, 0), t, 8);
	for (size_t i = 1; i < 8; i++)
		assert_int_equal(t[i] - t[i - 1], 1800);	/* elapsed */
	assert_int_equal(sched_recur_format(&r, text, sizeof(text), &e), 0);
	assert_int_equal(sched_recur_parse(text, &back, &e), 0);
	assert_memory_equal(&r, &back, sizeof(r));
	/* Bad input: a zone that does not exist, a bad interval or date. */
	str_copy(r.tz, sizeof(r.tz), "Mars/Olympus_Mons");
	assert_int_equal(sched_recur_check(&r, &e), -1);
	assert_non_null(strstr(e.msg, "does not exist"));
	assert_int_equal(sched_recur_parse("kind=daily;tz=Mars/X;start="
	    "2026-01-01T00:00:00;interval=1", &back, &e), -1);
	assert_int_equal(sched_recur_parse("kind=daily;tz=UTC;start="
	    "2026-02-30T00:00:00;interval=1", &back, &e), -1);
	assert_int_equal(sched_recur_parse("kind=daily;tz=UTC;start="
	    "2026-02-01T00:00:00;interval=0", &back, &e), -1);
	assert_int_equal(sched_recur_parse("kind=hourly;tz=UTC", &back, &e),
	    -1);
	assert_int_equal(sched_backoff(60, 1), 60);
	assert_int_equal(sched_backoff(60, 3), 240);
	assert_int_equal(sched_backoff(60, 40), 86400);
}

struct fx {
	char			 dir[64];
	char			 path[128];
	struct catalog_dsn	 dsn;
	struct catalog		*c;
	char			 report[CATALOG_ID_LEN + 1];
};

static int
setup_any(void **state, bool pg)
{
	struct fx		*f = calloc(1, sizeof(*f));
	struct catalog_new	 n = { "/", "R", CATALOG_REPORT, "<Report/>", 9,
	    "", "", false, false };
	struct catalog_item	 it;
	struct rs_err		 e;

	str_copy(f->dir, sizeof(f->dir), "/tmp/rs-sched.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ReportServer.db", f->dir);
	f->dsn.postgres = pg;
	f->dsn.dsn = pg ? pg_conninfo : f->path;
	if (pg) {
		PGconn		*conn = PQconnectdb(pg_conninfo);
		PGresult	*r = PQexec(conn, "SET client_min_messages = "
		    "warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public");

		PQclear(r);
		PQfinish(conn);
	}
	if (catalog_create(&f->dsn, 0, "Admin", "$y$hash", &e) == -1)
		fail_msg("create: %s", e.msg);
	f->c = catalog_open(&f->dsn, &e);
	assert_non_null(f->c);
	if (catalog_item_add(f->c, &n, "Admin", &it, &e) == -1)
		fail_msg("add: %s", e.msg);
	str_copy(f->report, sizeof(f->report), it.id);
	catalog_item_fini(&it);
	*state = f;
	return 0;
}

static int
setup_sqlite(void **state)
{
	return setup_any(state, false);
}

static int
setup_pg(void **state)
{
	return setup_any(state, true);
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 p[200];

	catalog_close(f->c);
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, i == 0 ? "" : i == 1 ?
		    "-wal" : "-shm");
		(void)unlink(p);
	}
	(void)rmdir(f->dir);
	free(f);
	return 0;
}

/* A shared schedule every 15 minutes from t0 and one subscription on it. */
static void
one_sub(struct fx *f, int64_t t0, char *sched_id)
{
	struct sched_recur	 r = recur(SCHED_MINUTE, "UTC", 2026, 6, 1, 0, 0);
	struct catalog_schedule	 s = { 0 };
	struct catalog_sub	 sub = { 0 };
	char			 text[SCHED_TEXT_MAX];
	struct rs_err		 e;

	r.interval = 15;
	assert_int_equal(sched_recur_format(&r, text, sizeof(text), &e), 0);
	s.name = "Every 15";
	s.shared = true;
	s.recurrence = text;
	s.next_run = t0;
	if (catalog_schedule_add(f->c, &s, "Admin", &e) == -1)
		fail_msg("%s", e.msg);
	strcpy(sched_id, s.id);
	str_copy(sub.item_id, sizeof(sub.item_id), f->report);
	sub.owner = "Admin";
	sub.owner_kind = CATALOG_PK_BUILTIN_USER;
	sub.event_type = "TimedSubscription";
	str_copy(sub.schedule_id, sizeof(sub.schedule_id), s.id);
	sub.extension = "NULL";
	sub.active = true;
	if (catalog_sub_add(f->c, &sub, "Admin", &e) == -1)
		fail_msg("%s", e.msg);
	/* A second shared schedule of the same name is refused. */
	memset(s.id, 0, sizeof(s.id));
	s.name = "EVERY 15";
	assert_int_equal(catalog_schedule_add(f->c, &s, "Admin", &e), -1);
	assert_int_equal(e.code, RS_E_EXISTS);
}

static void
test_queue(void **state)
{
	struct fx		*f = *state;
	int64_t			 t0 = at("UTC", 2026, 6, 1, 0, 0), counts[4];
	struct catalog_job	 j, k;
	struct catalog_schedule	 s;
	char			 sid[CATALOG_ID_LEN + 1];
	size_t			 fired;
	struct rs_err		 e;
	bool			 added;

	one_sub(f, t0, sid);
	assert_int_equal(sched_fire_due(f->c, t0 - 1, &fired, &e), 0);
	assert_int_equal(fired, 0);
	/* Due, and "down" for an hour: it fires once, then moves on. */
	assert_int_equal(sched_fire_due(f->c, t0 + 3600, &fired, &e), 0);
	assert_int_equal(fired, 1);
	assert_int_equal(sched_fire_due(f->c, t0 + 3600, &fired, &e), 0);
	assert_int_equal(fired, 0);
	assert_int_equal(catalog_schedule_get(f->c, sid, &s, &e), 0);
	assert_int_equal(s.next_run, t0 + 3600 + 900);
	assert_int_equal(s.last_run, t0);
	catalog_schedule_fini(&s);
	/* A second firing with a stale next_run is refused (the CAS). */
	assert_int_equal(catalog_schedule_fire(f->c, sid, t0, t0 + 900, t0,
	    t0, &added, &e), 0);
	assert_false(added);
	/* One job; two claimers; the lease. */
	assert_int_equal(catalog_job_claim(f->c, "A", t0 + 3600, 60, &j, &e),
	    1);
	assert_int_equal(j.kind, CATALOG_JOB_SUB);
	assert_int_equal(j.attempts, 1);
	assert_int_equal(catalog_job_claim(f->c, "B", t0 + 3601, 60, &k, &e),
	    0);
	/* A dies; after the lease B takes it; A cannot finish it then. */
	assert_int_equal(catalog_job_claim(f->c, "B", t0 + 3661, 60, &k, &e),
	    1);
	assert_int_equal(k.id, j.id);
	assert_int_equal(k.attempts, 2);
	assert_int_equal(catalog_job_finish(f->c, j.id, "A", CATALOG_JOB_DONE,
	    "late", 0, t0, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	/* B restarts: its job is released at once and claimed again. */
	assert_int_equal(catalog_job_release(f->c, "B", &counts[0], &e), 0);
	assert_int_equal(counts[0], 1);
	catalog_job_fini(&k);
	assert_int_equal(catalog_job_claim(f->c, "B", t0 + 3662, 60, &k, &e),
	    1);
	/* A retry later, then done. */
	assert_int_equal(catalog_job_finish(f->c, k.id, "B", CATALOG_JOB_QUEUED,
	    "retry", t0 + 4000, t0 + 3662, &e), 0);
	catalog_job_fini(&k);
	assert_int_equal(catalog_job_claim(f->c, "B", t0 + 3999, 60, &k, &e),
	    0);
	assert_int_equal(catalog_job_claim(f->c, "B", t0 + 4000, 60, &k, &e),
	    1);
	assert_int_equal(catalog_job_finish(f->c, k.id, "B", CATALOG_JOB_DONE,
	    "Done", 0, t0 + 4001, &e), 0);
	assert_int_equal(catalog_job_counts(f->c, counts, &e), 0);
	assert_int_equal(counts[CATALOG_JOB_DONE], 1);
	/* The same event queued again is the same job. */
	struct catalog_job_new	 nj = { k.event, CATALOG_JOB_SUB, k.target, 0,
	    0, "", t0, t0 };
	assert_int_equal(catalog_job_add(f->c, &nj, t0, &added, &e), 0);
	assert_false(added);
	/* A job queued by hand (no parent) survives the purge of old ones. */
	nj.event = "S:x:run:1";
	assert_int_equal(catalog_job_add(f->c, &nj, t0, &added, &e), 0);
	assert_true(added);
	assert_int_equal(catalog_job_purge(f->c, t0 + 86400 * 60, &e), 0);
	assert_int_equal(catalog_job_counts(f->c, counts, &e), 0);
	assert_int_equal(counts[CATALOG_JOB_QUEUED], 1);
	assert_int_equal(counts[CATALOG_JOB_DONE], 0);
	/* The queue as ListJobs sees it; CancelJob of the queued one. */
	struct catalog_job	*v;
	size_t			 n;

	assert_int_equal(catalog_job_list(f->c, NULL, 0, 10, &v, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].event, "S:x:run:1");
	assert_int_equal(catalog_job_cancel(f->c, v[0].id, "Cancelled",
	    t0 + 5, &added, &e), 0);
	assert_true(added);
	assert_int_equal(catalog_job_cancel(f->c, v[0].id, "Cancelled",
	    t0 + 6, &added, &e), 0);
	assert_false(added);	/* not queued any more */
	catalog_jobs_free(v, n);
	assert_int_equal(catalog_job_list(f->c, NULL, 0, 10, &v, &n, &e), 0);
	assert_int_equal(n, 0);
	catalog_jobs_free(v, n);
	assert_int_equal(catalog_job_counts(f->c, counts, &e), 0);
	assert_int_equal(counts[CATALOG_JOB_FAILED], 1);
	catalog_job_fini(&k);
	catalog_job_fini(&j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_daily_dst),
		cmocka_unit_test(test_weekly_monthly),
		cmocka_unit_test(test_minutes_text),
		cmocka_unit_test_setup_teardown(test_queue, setup_sqlite,
		    teardown),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test_setup_teardown(test_queue, setup_pg, teardown),
	};
	int	rc;

	rc = cmocka_run_group_tests_name("sched", tests, NULL, NULL);
	pg_conninfo = getenv("RS_TEST_PG");
	if (pg_conninfo != NULL && pg_conninfo[0] != '\0')
		rc |= cmocka_run_group_tests_name("sched_postgresql", pg_tests,
		    NULL, NULL);
	return rc;
}
