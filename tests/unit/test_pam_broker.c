/*
 * test_pam_broker.c: the PAM broker's two ends over a real socketpair: a
 * user PAM does not know is refused, malformed requests are dropped and
 * the broker goes on, an answer to an earlier request is never taken for
 * the current one, the broker's own limits (per name and overall) refuse
 * without asking PAM, and the broker ends when its peer closes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "reportserver/pam_broker.h"

struct broker {
	int		fd;
	int		rc;
	pthread_t	th;
	struct rsconf	conf;
	char		service[32];
};

static void *
broker_main(void *arg)
{
	struct broker	*b = arg;

	b->rc = rs_pam_broker_run(b->fd, &b->conf);
	return NULL;
}

/* A broker thread on sv[1] with LockoutThreshold 3. */
static void
broker_start(struct broker *b, int sv[2])
{
	memset(b, 0, sizeof(*b));
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	snprintf(b->service, sizeof(b->service), "rs-unit-no-such-service");
	b->conf.pam_service = b->service;
	b->conf.lockout_threshold = 3;
	b->conf.lockout_minutes = 15;
	b->fd = sv[1];
	b->rc = -2;
	assert_int_equal(pthread_create(&b->th, NULL, broker_main, b), 0);
}

static void
broker_stop(struct broker *b, int sv[2])
{
	close(sv[0]);
	pthread_join(b->th, NULL);
	assert_int_equal(b->rc, 0);
	close(sv[1]);
}

static void
test_broker(void **state)
{
	struct broker	b;
	uint32_t	seq = 0;
	unsigned	wait;
	int		sv[2];
	char		bad[8] = { 1, 2, 3, 4, 'x', 0, 0, 'y' };

	(void)state;
	broker_start(&b, sv);
	assert_int_equal(rs_pam_ask(sv[0], &seq, "rs-unit-no-such-user", "pw",
	    &wait), RS_PAM_NO);
	assert_int_equal(seq, 1);
	/* Two NULs, then a name only: both dropped, no answer. */
	assert_int_equal(send(sv[0], bad, sizeof(bad), 0), (ssize_t)sizeof(bad));
	assert_int_equal(send(sv[0], bad, 5, 0), 5);
	assert_int_equal(rs_pam_ask(sv[0], &seq, "rs-unit-other-user", "pw",
	    &wait), RS_PAM_NO);
	assert_int_equal(seq, 2);
	/* An empty or too long name never leaves the report server. */
	assert_int_equal(rs_pam_ask(sv[0], &seq, "", "pw", &wait), RS_PAM_NO);
	assert_int_equal(seq, 2);
	broker_stop(&b, sv);
}

/*
 * After LockoutThreshold failures a name is not checked for a while (any
 * case of it); other names are; a burst of names meets the overall limit.
 */
static void
test_broker_limits(void **state)
{
	struct broker	b;
	uint32_t	seq = 0;
	unsigned	wait = 0, limited = 0, checked = 0;
	int		sv[2];
	char		name[32];
	struct timespec	t0, t1;
	double		took;

	(void)state;
	broker_start(&b, sv);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rs_pam_ask(sv[0], &seq, "rs-unit-victim",
		    "guess", &wait), RS_PAM_NO);
	assert_int_equal(rs_pam_ask(sv[0], &seq, "rs-unit-victim", "guess",
	    &wait), RS_PAM_LIMITED);
	assert_int_equal(wait, 1);
	assert_int_equal(rs_pam_ask(sv[0], &seq, "RS-Unit-Victim", "guess",
	    &wait), RS_PAM_LIMITED);
	assert_int_equal(rs_pam_ask(sv[0], &seq, "rs-unit-bystander", "pw",
	    &wait), RS_PAM_NO);
	/*
	 * 4 checks so far, of a burst of RS_PAM_BURST; the bucket refills
	 * RS_PAM_RATE a second while this runs (slower on a loaded machine).
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < RS_PAM_BURST + 10; i++) {
		snprintf(name, sizeof(name), "rs-unit-burst-%d", i);
		if (rs_pam_ask(sv[0], &seq, name, "pw", &wait) ==
		    RS_PAM_LIMITED) {
			limited++;
			assert_true(wait >= 1);
		} else
			checked++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	took = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) /
	    1e9;
	assert_true(checked <= RS_PAM_BURST - 4 + RS_PAM_RATE * took + 2);
	assert_true(limited > 0 || took > 2);
	broker_stop(&b, sv);
}

/* A late "yes" to request 1 is not the answer to request 2. */
static void
test_late_answer(void **state)
{
	uint32_t	seq = 1, one = 1, two = 2;
	char		yes1[7] = { 0 }, no2[7] = { 0 }, req[2048];
	unsigned	wait;
	int		sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	memcpy(yes1, &one, 4);
	yes1[4] = RS_PAM_YES;
	memcpy(no2, &two, 4);
	no2[4] = RS_PAM_NO;
	assert_int_equal(send(sv[1], yes1, 7, 0), 7);
	assert_int_equal(send(sv[1], no2, 7, 0), 7);
	assert_int_equal(rs_pam_ask(sv[0], &seq, "someone", "pw", &wait),
	    RS_PAM_NO);
	assert_true(recv(sv[1], req, sizeof(req), 0) > 4);
	assert_int_equal(memcmp(req, &two, 4), 0);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broker),
		cmocka_unit_test(test_broker_limits),
		cmocka_unit_test(test_late_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
