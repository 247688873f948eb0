/*
 * test_tls.c: unit tests of tls/ without sockets: key file checks (owner,
 * mode, kind, the store's service group), building a set of binding contexts from a real certificate
 * store (again on top of a previous set, as a reload does), and
 * all-or-nothing failure naming the binding.
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
#include <sys/stat.h>
#include <unistd.h>

#include "certstore/certstore.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "tls/tlsterm.h"

struct fixture {
	char			 root[64];
	struct certstore	*cs;
	char			 a[CERTSTORE_THUMB_LEN + 1];
	char			 b[CERTSTORE_THUMB_LEN + 1];
};

static int
setup(void **state)
{
	static struct fixture	f;
	const char		*na[] = { "a.test" }, *nb[] = { "b.test" };
	struct certstore_new	 n = { .n_dns = 1 };
	struct rs_err		 e;

	str_copy(f.root, sizeof(f.root), "/tmp/test_tls.XXXXXX");
	if (mkdtemp(f.root) == NULL)
		return -1;
	f.cs = certstore_open(f.root, &e);
	if (f.cs == NULL)
		return -1;
	n.dns = na;
	if (certstore_new_self_signed(f.cs, &n, f.a, &e) == -1)
		return -1;
	n.dns = nb;
	if (certstore_new_self_signed(f.cs, &n, f.b, &e) == -1)
		return -1;
	*state = &f;
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	certstore_close(f->cs);
	return nftw(f->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
binding(struct binding_ssl *b, const char *ep, enum binding_kind kind,
    const char *thumb)
{
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	str_copy(b->endpoint, sizeof(b->endpoint), ep);
	str_copy(b->certhash, sizeof(b->certhash), thumb);
	str_copy(b->store, sizeof(b->store), "My");
}

static void
key_path(struct fixture *f, const char *thumb, char *out, size_t outsz)
{
	struct rs_err	e;

	assert_int_equal(certstore_paths(f->cs, "My", thumb, NULL, 0, out,
	    outsz, &e), 0);
}

static void
test_key_file_check(void **state)
{
	struct fixture	*f = *state;
	char		 key[4096];
	struct rs_err	 e;

	key_path(f, f->a, key, sizeof(key));
	assert_int_equal(tls_key_file_check(key, &e), 0);
	assert_int_equal(chmod(key, 0640), 0);
	assert_int_equal(tls_key_file_check(key, &e), -1);
	assert_int_equal(e.code, RS_E_PERM);
	assert_non_null(strstr(e.msg, "has mode 0640; it must be 0600"));
	assert_non_null(strstr(e.msg, "run chmod 600 "));
	assert_int_equal(chmod(key, 0400), 0);
	assert_int_equal(tls_key_file_check(key, &e), 0);
	assert_int_equal(chmod(key, 0600), 0);
	assert_int_equal(tls_key_file_check("/nonexistent/x.key", &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	assert_int_equal(tls_key_file_check("/tmp", &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
}

/*
 * The service group: a key 0640 of the setgid folder's group is the
 * store's (what certstore_grant_service makes); the same mode with any
 * other group, or group write, or others' read, is refused.
 */
static void
test_key_file_group(void **state)
{
	struct fixture	*f = *state;
	char		 key[4096], dir[4096], *slash;
	struct rs_err	 e;
	size_t		 n = 0;
	gid_t		 g = 65534;	/* nogroup */

	key_path(f, f->a, key, sizeof(key));
	str_copy(dir, sizeof(dir), key);
	slash = strrchr(dir, '/');
	*slash = '\0';
	assert_int_equal(certstore_grant_service(f->cs, g, &n, &e), 0);
	assert_true(n >= 3);
	assert_int_equal(tls_key_file_check(key, &e), 0);
	assert_int_equal(tls_key_file_check(key, &e), 0);
	assert_int_equal(chown(key, 0, 0), 0);
	assert_int_equal(chmod(key, 0640), 0);
	assert_int_equal(tls_key_file_check(key, &e), -1);
	assert_non_null(strstr(e.msg, "which is not the store's service "
	    "group"));
	assert_int_equal(chown(key, 0, g), 0);
	assert_int_equal(chmod(key, 0660), 0);
	assert_int_equal(tls_key_file_check(key, &e), -1);
	assert_int_equal(chmod(key, 0644), 0);
	assert_int_equal(tls_key_file_check(key, &e), -1);
	assert_int_equal(chmod(key, 0640), 0);
	assert_int_equal(tls_key_file_check(key, &e), 0);
	/* Not setgid: no service group, only 0600. */
	assert_int_equal(chmod(dir, 0750), 0);
	assert_int_equal(tls_key_file_check(key, &e), -1);
	assert_int_equal(chmod(dir, 02750), 0);
	/* Back to the store as the other tests expect it. */
	assert_int_equal(chown(key, 0, 0), 0);
	assert_int_equal(chmod(key, 0600), 0);
	key_path(f, f->b, key, sizeof(key));
	assert_int_equal(chown(key, 0, 0), 0);
	assert_int_equal(chmod(key, 0600), 0);
	assert_int_equal(chown(dir, 0, 0), 0);
	assert_int_equal(chmod(dir, 0700), 0);
}

static void
test_set_build(void **state)
{
	struct fixture		*f = *state;
	struct binding_ssl	 b[2];
	struct tls_set		*s1, *s2;
	struct rs_err		 e;

	binding(&b[0], "0.0.0.0:8443", BINDING_IPPORT, f->a);
	binding(&b[1], "b.test:8443", BINDING_HOSTNAMEPORT, f->b);
	s1 = tls_set_new(b, 2, f->cs, NULL, &e);
	assert_non_null(s1);
	assert_int_equal(tls_set_count(s1), 2);
	assert_string_equal(tls_set_binding(s1, 1)->endpoint, "b.test:8443");
	assert_null(tls_set_binding(s1, 2));
	/* Same bindings, one certificate changed: the other is reused. */
	binding(&b[1], "b.test:8443", BINDING_HOSTNAMEPORT, f->a);
	s2 = tls_set_new(b, 2, f->cs, s1, &e);
	assert_non_null(s2);
	assert_int_equal(tls_set_count(s2), 2);
	tls_set_free(s1);
	tls_set_free(s2);
	s1 = tls_set_new(b, 0, f->cs, NULL, &e);	/* no bindings at all */
	assert_non_null(s1);
	assert_int_equal(tls_set_count(s1), 0);
	tls_set_free(s1);
}

/*
 * A binding whose certificate is not in the store is an orphan: the set
 * is built, the orphan is kept without a context, and a context of a
 * previous set is not reused for it.
 */
static void
test_set_orphan(void **state)
{
	struct fixture		*f = *state;
	struct binding_ssl	 b[2];
	struct tls_set		*s1;
	struct rs_err		 e;

	binding(&b[0], "0.0.0.0:8443", BINDING_IPPORT, f->a);
	binding(&b[1], "c.test:8443", BINDING_HOSTNAMEPORT,
	    "0123456789012345678901234567890123456789");
	s1 = tls_set_new(b, 2, f->cs, NULL, &e);
	assert_non_null(s1);
	assert_int_equal(tls_set_count(s1), 2);
	assert_false(tls_set_orphan(s1, 0));
	assert_true(tls_set_orphan(s1, 1));
	assert_string_equal(tls_set_binding(s1, 1)->endpoint, "c.test:8443");
	assert_false(tls_set_orphan(s1, 2));
	tls_set_free(s1);
}

static void
test_set_all_or_nothing(void **state)
{
	struct fixture		*f = *state;
	struct binding_ssl	 b[2];
	struct rs_err		 e;
	char			 key[4096];

	binding(&b[0], "0.0.0.0:8443", BINDING_IPPORT, f->a);
	key_path(f, f->b, key, sizeof(key));
	assert_int_equal(chmod(key, 0644), 0);
	binding(&b[1], "b.test:8443", BINDING_HOSTNAMEPORT, f->b);
	assert_null(tls_set_new(b, 2, f->cs, NULL, &e));
	assert_int_equal(e.code, RS_E_PERM);
	assert_non_null(strstr(e.msg, "must be 0600"));
	assert_int_equal(chmod(key, 0600), 0);
}

static void
test_pair_check(void **state)
{
	struct fixture	*f = *state;
	char		 crt[4096], key[4096];
	struct rs_err	 e;

	assert_int_equal(certstore_paths(f->cs, "My", f->a, crt, sizeof(crt),
	    key, sizeof(key), &e), 0);
	assert_int_equal(tls_pair_check(crt, key, &e), 0);
	key_path(f, f->b, key, sizeof(key));
	assert_int_equal(tls_pair_check(crt, key, &e), -1);
	assert_int_equal(e.code, RS_E_TLS);
	assert_non_null(strstr(e.msg, key));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_file_check),
		cmocka_unit_test(test_key_file_group),
		cmocka_unit_test(test_set_build),
		cmocka_unit_test(test_set_orphan),
		cmocka_unit_test(test_set_all_or_nothing),
		cmocka_unit_test(test_pair_check),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
