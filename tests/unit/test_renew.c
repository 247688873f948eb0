/*
 * test_renew.c: unit tests of renew_pick(): which certificate a binding
 * that follows its names moves to (newest usable certificate covering
 * every name, later than the bound one), as a table over certificates in
 * memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "common/str.h"
#include "renew/renew.h"

static char	*names_a[] = { "a.test" };
static char	*names_ab[] = { "a.test", "B.test" };
static char	*names_b[] = { "b.test" };

static struct certstore_info
cert(const char *thumb, char **dns, size_t n, time_t not_after,
    unsigned problems, bool server_auth)
{
	struct certstore_info	c;

	memset(&c, 0, sizeof(c));
	str_copy(c.thumbprint, sizeof(c.thumbprint), thumb);
	c.dns_names = dns;
	c.n_dns = n;
	c.not_after = not_after;
	c.problems = problems;
	c.server_auth = server_auth;
	return c;
}

static const char *
pick(const char *bound, const char *follow, const struct certstore_info *v,
    size_t n)
{
	struct binding_ssl		 b;
	const struct certstore_info	*c;

	memset(&b, 0, sizeof(b));
	str_copy(b.certhash, sizeof(b.certhash), bound);
	b.follow_names = (char *)follow;
	c = renew_pick(&b, v, n);
	return c == NULL ? "-" : c->thumbprint;
}

static void
test_pick(void **state)
{
	struct certstore_info	v[6];

	(void)state;
	v[0] = cert("OLD", names_a, 1, 1000, 0, true);
	v[1] = cert("NEWER", names_ab, 2, 2000, 0, true);
	v[2] = cert("NEWEST", names_a, 1, 3000, 0, true);
	v[3] = cert("BROKEN", names_ab, 2, 9000, 1, true);	/* no key */
	v[4] = cert("CLIENTONLY", names_ab, 2, 9000, 0, false);
	v[5] = cert("OTHER", names_b, 1, 9999, 0, true);

	assert_string_equal(pick("OLD", "a.test", v, 6), "NEWEST");
	assert_string_equal(pick("OLD", "a.test b.test", v, 6), "NEWER");
	assert_string_equal(pick("OLD", "A.TEST,b.test", v, 6), "NEWER");
	assert_string_equal(pick("NEWEST", "a.test", v, 6), "-");
	assert_string_equal(pick("NEWER", "a.test b.test", v, 6), "-");
	assert_string_equal(pick("OLD", "c.test", v, 6), "-");
	assert_string_equal(pick("OLD", "", v, 6), "-");
	assert_string_equal(pick("OLD", NULL, v, 6), "-");
	/* The bound certificate is gone: any usable one with the names. */
	assert_string_equal(pick("GONE", "b.test", v, 6), "OTHER");
	assert_string_equal(pick("GONE", "a.test", v, 3), "NEWEST");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
