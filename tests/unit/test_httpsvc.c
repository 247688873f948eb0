/*
 * test_httpsvc.c: unit tests of the daemon's pure parts: the limits file
 * (defaults, every directive, all errors reported as file:line, nothing
 * applied when any line is bad, a missing file meaning defaults), the
 * connection tick derived from the timeouts, and the framing checks on a
 * request head (head.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "httpsvc/httpsvc.h"

static char	conf[64];

static void
write_conf(const char *text)
{
	FILE	*f = fopen(conf, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	int	fd;

	(void)state;
	snprintf(conf, sizeof(conf), "/tmp/test_httpsvc.XXXXXX");
	fd = mkstemp(conf);
	if (fd == -1)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(conf);
	return 0;
}

static void
test_defaults(void **state)
{
	struct svc_limits	l;

	(void)state;
	svc_limits_default(&l);
	assert_int_equal(l.idle_timeout_ms, 120000);	/* HTTP.sys */
	assert_int_equal(l.header_timeout_ms, 120000);
	assert_int_equal(l.request_line_max, HTTPSVC_REQUEST_LINE_MAX);
	assert_int_equal(l.access_log, 1);
	assert_int_equal(l.threads, 0);
}

static void
test_good_file(void **state)
{
	struct svc_limits	l;
	struct rs_err		e;

	(void)state;
	svc_limits_default(&l);
	write_conf("# limits\n\nbody_max 1000\n  threads\t3  \n"
	    "access_log 0\nmax_connections 10 \n");
	assert_int_equal(svc_config_load(conf, &l, &e), 0);
	assert_int_equal(l.body_max, 1000);
	assert_int_equal(l.threads, 3);
	assert_int_equal(l.access_log, 0);
	assert_int_equal(l.max_connections, 10);
	assert_int_equal(l.idle_timeout_ms, 120000);	/* untouched */
}

static void
test_bad_file(void **state)
{
	struct svc_limits	l, before;
	struct rs_err		e;
	char			want[128];

	(void)state;
	svc_limits_default(&l);
	before = l;
	write_conf("body_max 5\nidle_timeout_ms 5\nnope 1\nthreads x\n");
	assert_int_equal(svc_config_load(conf, &l, &e), -1);
	assert_int_equal(e.code, RS_E_CONFIG);
	snprintf(want, sizeof(want), "%s:2: idle_timeout_ms", conf);
	assert_non_null(strstr(e.msg, want));
	snprintf(want, sizeof(want), "%s:3: unknown directive 'nope'", conf);
	assert_non_null(strstr(e.msg, want));
	snprintf(want, sizeof(want), "%s:4: threads", conf);
	assert_non_null(strstr(e.msg, want));
	/* Nothing applied, not even the good first line. */
	assert_memory_equal(&l, &before, sizeof(l));
}

static void
test_missing_file(void **state)
{
	struct svc_limits	l;
	struct rs_err		e;

	(void)state;
	svc_limits_default(&l);
	assert_int_equal(svc_config_load("/nonexistent/httpsvc.conf", &l, &e),
	    0);
	assert_int_equal(l.body_max, HTTPSVC_BODY_MAX);
}

/* svc_head_read: what is refused, what passes and what it reports. */
static void
test_head(void **state)
{
	static const struct {
		const char	*head;
		int		 r;
		uint64_t	 cl;
		bool		 chunked, expect;
	} cases[] = {
		{ "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1, SVC_HEAD_NO_LENGTH,
		    false, false },
		{ "GET / HTTP/1.1\r\nHost: a\r\n", 0, 0, false, false },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n",
		    1, 12, false, false },
		{ "POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n"
		    "Expect: 100-Continue\r\n\r\n", 1, SVC_HEAD_NO_LENGTH,
		    true, true },
		{ "POST / HTTP/1.1\r\nContent-Length: 1\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n", -1, 0, false, false },
		{ "POST / HTTP/1.1\r\nContent-Length: 1\r\n"
		    "Content-Length: 1\r\n\r\n", -1, 0, false, false },
		{ "POST / HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\n", -1, 0,
		    false, false },
		{ "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", -1, 0,
		    false, false },
		{ "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n"
		    "\r\n", -1, 0, false, false },
		{ "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		    -1, 0, false, false },
		{ "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", -1,
		    0, false, false },
		{ "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", -1, 0, false,
		    false },
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", -1, 0,
		    false, false },
		{ "GET / HTTP/1.1\r\nHost : a\r\n\r\n", -1, 0, false, false },
		{ "GET / HTTP/1.1\r\nno colon\r\n\r\n", -1, 0, false, false },
	};
	struct svc_head	 h;
	const char	*why;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = svc_head_read(cases[i].head, strlen(cases[i].head), &h,
		    &why);
		assert_int_equal(r, cases[i].r);
		if (r == -1)
			assert_non_null(why);
		if (r != 1)
			continue;
		assert_true(h.content_length == cases[i].cl);
		assert_int_equal(h.chunked, cases[i].chunked);
		assert_int_equal(h.expect_continue, cases[i].expect);
	}
}

static void
test_tick(void **state)
{
	struct svc_limits	l;

	(void)state;
	svc_limits_default(&l);
	assert_int_equal(svc_conn_tick_ms(&l), 30000);
	l.header_timeout_ms = 1500;
	assert_int_equal(svc_conn_tick_ms(&l), 375);
	l.idle_timeout_ms = 100;
	assert_int_equal(svc_conn_tick_ms(&l), 50);	/* floor */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_bad_file),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_tick),
		cmocka_unit_test(test_head),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
