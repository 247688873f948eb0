/*
 * test_renew.c: unit tests of renew_pick(): which certificate a binding
 * that follows its names moves to (newest usable certificate covering
 * every name, later than the bound one), as a table over certificates in
 * memory; and renew_apply() over real stores in a temporary root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
log_move(void *arg, const char *ep, const char *from, const char *to)
{
	(void)from;
	(void)to;
	str_copy(arg, 64, ep);
}

/* renew_apply over real stores in a temporary root. */
static void
test_apply(void **state)
{
	const char		*names[] = { "a.test" };
	struct certstore_new	 n = { .dns = names, .n_dns = 1, .days = 100 };
	struct binding_ssl	 b = { .kind = BINDING_IPPORT }, got;
	struct binding_store	*bs;
	struct certstore	*cs;
	struct rs_err		 e;
	char			 root[] = "/tmp/test_renew.XXXXXX", a[41], c[41];
	char			 moved_ep[64] = "";
	size_t			 moved = 9;

	(void)state;
	assert_non_null(mkdtemp(root));
	cs = certstore_open(root, &e);
	bs = binding_store_open(root, &e);
	assert_non_null(cs);
	assert_non_null(bs);
	assert_int_equal(certstore_new_self_signed(cs, &n, a, &e), 0);
	str_copy(b.endpoint, sizeof(b.endpoint), "0.0.0.0:8443");
	str_copy(b.certhash, sizeof(b.certhash), a);
	str_copy(b.appid, sizeof(b.appid),
	    "{1f5b6a52-8f3c-4a0e-9d5b-2c7e0a4d9e31}");
	assert_int_equal(binding_ssl_add(bs, &b, &e), 0);
	assert_int_equal(renew_apply(bs, cs, log_move, moved_ep, &moved, &e),
	    0);
	assert_int_equal(moved, 0);	/* not following yet */
	assert_int_equal(binding_ssl_set_follow(bs, b.endpoint, "a.test", &e),
	    0);
	n.days = 200;
	assert_int_equal(certstore_new_self_signed(cs, &n, c, &e), 0);
	assert_int_equal(renew_apply(bs, cs, log_move, moved_ep, &moved, &e),
	    0);
	assert_int_equal(moved, 1);
	assert_string_equal(moved_ep, "0.0.0.0:8443");
	assert_int_equal(binding_ssl_get(bs, "0.0.0.0:8443", &got, &e), 0);
	assert_string_equal(got.certhash, c);
	assert_string_equal(got.follow_names, "a.test");
	binding_ssl_fini(&got);
	assert_int_equal(renew_apply(bs, cs, NULL, NULL, &moved, &e), 0);
	assert_int_equal(moved, 0);	/* already on the newest */
	binding_store_close(bs);
	certstore_close(cs);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
