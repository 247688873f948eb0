/*
 * test_signin.c: the sign-in limits with a clock the test drives: waits
 * that grow by a second or double up to their cap, lockouts, a count
 * forgotten after its time, a success that forgives only its own
 * failures, a small table full of locked entries that lets nobody go
 * (new keys share the overflow entry, which is slowed and locked like any
 * key), an administrator's clear; and the address keys (an IPv6 /64).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "reportserver/limit.h"
#include "reportserver/signin.h"

/* SlowdownAfter 3, LockoutThreshold 10, LockoutMinutes 15. */
static const struct limit_policy sources = {
	.free = 3, .lock_after = 10, .lock_ms = 900000, .forget_ms = 900000,
	.step_ms = 1000, .wait_max_ms = 5000,
};
static const struct limit_policy accounts = {
	.free = 10, .forget_ms = 900000, .step_ms = 1000,
	.wait_max_ms = 60000, .doubling = true,
};

static void
test_source_waits(void **state)
{
	static const int64_t	 want[] = { 0, 0, 0, 1000, 2000, 3000, 4000,
	    5000, 5000 };
	struct limit_table	 t;
	const struct limit_entry *e;
	int64_t			 now = 1000000;
	bool			 locked;

	(void)state;
	limit_init(&t, &sources, 8);
	assert_int_equal(limit_wait(&t, "192.0.2.1", now, &locked), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		e = limit_fail(&t, "192.0.2.1", 7, now);
		assert_int_equal(e->count, i + 1);
		assert_int_equal(limit_wait(&t, "192.0.2.1", now, &locked),
		    want[i]);
		assert_false(locked);
		assert_int_equal(limit_wait(&t, "192.0.2.2", now, &locked), 0);
		now += want[i];
	}
	e = limit_fail(&t, "192.0.2.1", 7, now);	/* the 10th */
	assert_int_equal(limit_wait(&t, "192.0.2.1", now, &locked), 900000);
	assert_true(locked);
	assert_int_equal(limit_wait(&t, "192.0.2.1", now + 900000, &locked),
	    0);
	limit_fini(&t);
}

static void
test_account_doubles(void **state)
{
	struct limit_table	t;
	int64_t			now = 5000, w, prev = 0;
	bool			locked;

	(void)state;
	limit_init(&t, &accounts, 8);
	for (int i = 1; i <= 9; i++)
		limit_fail(&t, "admin", 0, now++);
	assert_int_equal(limit_wait(&t, "admin", now, &locked), 0);
	for (int i = 10; i <= 20; i++) {
		limit_fail(&t, "admin", 0, now);
		w = limit_wait(&t, "admin", now, &locked);
		assert_false(locked);	/* never a lockout */
		if (prev > 0 && prev < 60000)
			assert_int_equal(w, prev * 2 > 60000 ? 60000 :
			    prev * 2);
		if (i == 10)
			assert_int_equal(w, 1000);
		assert_true(w <= 60000);
		prev = w;
		now += w;
	}
	assert_int_equal(prev, 60000);
	/* A success starts the count again; so does a quiet quarter hour. */
	limit_forgive(&t, "admin", 0, now);
	limit_fail(&t, "admin", 0, now);
	assert_int_equal(limit_wait(&t, "admin", now, &locked), 0);
	for (int i = 0; i < 9; i++)
		limit_fail(&t, "admin", 0, now);
	now += 900000;
	limit_fail(&t, "admin", 0, now);
	assert_int_equal(limit_wait(&t, "admin", now, &locked), 0);
	limit_fini(&t);
}

/*
 * A success forgives the failures of its own account only: a user who
 * mistyped starts again, an address that failed for others does not.
 */
static void
test_forgive_own(void **state)
{
	struct limit_table	 t;
	const struct limit_entry *e;

	(void)state;
	limit_init(&t, &sources, 8);
	limit_fail(&t, "a", 11, 1);
	limit_fail(&t, "a", 11, 2);
	limit_forgive(&t, "a", 11, 3);
	e = limit_fail(&t, "a", 11, 4);
	assert_int_equal(e->count, 1);
	limit_fail(&t, "a", 22, 5);	/* another account */
	limit_forgive(&t, "a", 11, 6);
	e = limit_fail(&t, "a", 11, 7);
	assert_int_equal(e->count, 2);
	/* Guess for 22, sign in as 11, again and again: no way out. */
	for (int i = 0; i < 6; i++) {
		limit_fail(&t, "a", 22, 8 + i);
		limit_forgive(&t, "a", 11, 8 + i);
	}
	e = limit_fail(&t, "a", 22, 20);	/* 11's one is forgiven */
	assert_int_equal(e->count, 8);
	/* Tags beyond LIMIT_TAGS are never forgiven. */
	for (uint32_t k = 100; k < 108; k++)
		e = limit_fail(&t, "b", k, 20);
	for (uint32_t k = 100; k < 108; k++)
		limit_forgive(&t, "b", k, 21);
	e = limit_fail(&t, "b", 1, 22);
	assert_int_equal(e->count, 8 - LIMIT_TAGS + 1);
	limit_fini(&t);
}

/*
 * The flush of issue 18: a table full of locked entries evicts none of
 * them; the flood shares the overflow entry, which gets locked itself.
 */
static void
test_full_table(void **state)
{
	struct limit_table	 t;
	const struct limit_entry *e;
	char			 key[32];
	int64_t			 now = 1000;
	bool			 locked;

	(void)state;
	limit_init(&t, &sources, 4);
	for (int k = 0; k < 4; k++) {
		snprintf(key, sizeof(key), "10.0.0.%d", k);
		for (int i = 0; i < 10; i++)
			limit_fail(&t, key, 1, now);
		assert_true(limit_wait(&t, key, now, &locked) > 0 && locked);
	}
	for (int k = 0; k < 300; k++) {
		snprintf(key, sizeof(key), "10.1.%d.%d", k / 250, k % 250);
		e = limit_fail(&t, key, 1, now);
		assert_string_equal(e->key, LIMIT_OVERFLOW_KEY);
	}
	for (int k = 0; k < 4; k++) {
		snprintf(key, sizeof(key), "10.0.0.%d", k);
		assert_int_equal(limit_wait(&t, key, now, &locked), 900000);
		assert_true(locked);
	}
	/* New keys now wait with the overflow entry (locked: 300 > 10). */
	assert_true(limit_wait(&t, "10.9.9.9", now, &locked) > 0 && locked);
	/* When the lockouts end, entries are reused again. */
	now += 900000;
	e = limit_fail(&t, "10.9.9.9", 1, now);
	assert_string_equal(e->key, "10.9.9.9");
	assert_int_equal(limit_wait(&t, "10.0.0.1", now, &locked), 0);
	limit_fini(&t);
}

static void
test_clear_and_list(void **state)
{
	struct limit_table	t;
	struct limit_entry	v[8];
	bool			locked;

	(void)state;
	limit_init(&t, &sources, 8);
	for (int i = 0; i < 10; i++)
		limit_fail(&t, "192.0.2.9", 1, 100);
	limit_fail(&t, "192.0.2.10", 1, 100);
	assert_int_equal(limit_list(&t, 100, v, 8), 2);
	assert_false(limit_clear(&t, "192.0.2.99", 100));
	assert_true(limit_clear(&t, "192.0.2.9", 100));
	assert_int_equal(limit_wait(&t, "192.0.2.9", 100, &locked), 0);
	assert_false(limit_clear(&t, "192.0.2.9", 100));
	assert_int_equal(limit_list(&t, 100, v, 8), 1);
	assert_string_equal(v[0].key, "192.0.2.10");
	assert_int_equal(limit_list(&t, 100 + 900000, v, 8), 0);
	limit_fini(&t);
}

static void
test_source_key(void **state)
{
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "192.0.2.7", "192.0.2.7" },
		{ "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64" },
		{ "2001:db8:1:2::ffff", "2001:db8:1:2::/64" },
		{ "::ffff:192.0.2.7", "192.0.2.7" },
		{ "::1", "::/64" },
		{ "local", "local" },
	};
	char	out[RS_SIGNIN_SOURCE_KEY];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rs_signin_source_key(cases[i].in, out, sizeof(out));
		assert_string_equal(out, cases[i].out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_waits),
		cmocka_unit_test(test_account_doubles),
		cmocka_unit_test(test_forgive_own),
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_clear_and_list),
		cmocka_unit_test(test_source_key),
	};

	return cmocka_run_group_tests_name("signin", tests, NULL, NULL);
}
