/*
 * test_pam_broker.c: the PAM broker's two ends over a real socketpair: a
 * user PAM does not know is refused, malformed requests are dropped and
 * the broker goes on, an answer to an earlier request is never taken for
 * the current one, and the broker ends when its peer closes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "reportserver/pam_broker.h"

struct broker {
	int	fd;
	int	rc;
};

static void *
broker_main(void *arg)
{
	struct broker	*b = arg;

	b->rc = rs_pam_broker_run(b->fd, "rs-unit-no-such-service");
	return NULL;
}

static void
test_broker(void **state)
{
	struct broker	b;
	pthread_t	th;
	uint32_t	seq = 0;
	int		sv[2];
	char		bad[8] = { 1, 2, 3, 4, 'x', 0, 0, 'y' };

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	b.fd = sv[1];
	b.rc = -2;
	assert_int_equal(pthread_create(&th, NULL, broker_main, &b), 0);
	assert_false(rs_pam_ask(sv[0], &seq, "rs-unit-no-such-user", "pw"));
	assert_int_equal(seq, 1);
	/* Two NULs, then a name only: both dropped, no answer. */
	assert_int_equal(send(sv[0], bad, sizeof(bad), 0), (ssize_t)sizeof(bad));
	assert_int_equal(send(sv[0], bad, 5, 0), 5);
	assert_false(rs_pam_ask(sv[0], &seq, "rs-unit-no-such-user", "pw"));
	assert_int_equal(seq, 2);
	/* An empty or too long name never leaves the report server. */
	assert_false(rs_pam_ask(sv[0], &seq, "", "pw"));
	assert_int_equal(seq, 2);
	close(sv[0]);
	pthread_join(th, NULL);
	assert_int_equal(b.rc, 0);
	close(sv[1]);
}

/* A late "yes" to request 1 is not the answer to request 2. */
static void
test_late_answer(void **state)
{
	uint32_t	seq = 1, one = 1, two = 2;
	char		yes1[5], no2[5], req[2048];
	int		sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	memcpy(yes1, &one, 4);
	yes1[4] = 1;
	memcpy(no2, &two, 4);
	no2[4] = 0;
	assert_int_equal(send(sv[1], yes1, 5, 0), 5);
	assert_int_equal(send(sv[1], no2, 5, 0), 5);
	assert_false(rs_pam_ask(sv[0], &seq, "someone", "pw"));
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
		cmocka_unit_test(test_late_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
