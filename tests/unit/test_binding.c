/*
 * test_binding.c: unit tests of binding/: endpoint and appid syntax, the
 * store (add/get/list/update/delete, owners, URL ACLs, generation, schema
 * version, errors leave the store unchanged), certificate choice for a
 * handshake, and the Windows error codes.  Each test uses its own
 * temporary state root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binding/binding.h"
#include "common/str.h"

#define HASH1	"0123456789ABCDEF0123456789ABCDEF01234567"
#define HASH2	"89abcdef0123456789abcdef0123456789abcdef"
#define APP1	"{4dc3e181-e14b-4a21-b022-59fc669b0914}"
#define APP2	"{11111111-2222-3333-4444-555555555555}"

static char	root[64];

static int
setup(void **state)
{
	(void)state;
	str_copy(root, sizeof(root), "/tmp/test_binding.XXXXXX");
	return mkdtemp(root) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_endpoint(void **state)
{
	static const struct {
		const char *in; enum binding_kind kind; const char *canon;
	} cases[] = {
		{ "0.0.0.0:8443", BINDING_IPPORT, "0.0.0.0:8443" },
		{ "192.0.2.1:443", BINDING_IPPORT, "192.0.2.1:443" },
		{ "[::]:443", BINDING_IPPORT, "[::]:443" },
		{ "[0:0::1]:8443", BINDING_IPPORT, "[::1]:8443" },
		{ "[2001:DB8::A]:1", BINDING_IPPORT, "[2001:db8::a]:1" },
		{ "WWW.Example.com:443", BINDING_HOSTNAMEPORT, "www.example.com:443" },
		{ "www.example.com.:443", BINDING_HOSTNAMEPORT, "www.example.com:443" },
		{ "localhost:65535", BINDING_HOSTNAMEPORT, "localhost:65535" },
		{ "0.0.0.0", BINDING_IPPORT, NULL },
		{ "0.0.0.0:0", BINDING_IPPORT, NULL },
		{ "0.0.0.0:65536", BINDING_IPPORT, NULL },
		{ "0.0.0.0:0443", BINDING_IPPORT, NULL },
		{ "0.0.0.0:44a", BINDING_IPPORT, NULL },
		{ "1.2.3:443", BINDING_IPPORT, NULL },
		{ "::1:443", BINDING_IPPORT, NULL },
		{ "[::1]443", BINDING_IPPORT, NULL },
		{ "www.example.com:443", BINDING_IPPORT, NULL },
		{ "", BINDING_IPPORT, NULL },
		{ "10.0.0.1:443", BINDING_HOSTNAMEPORT, NULL },
		{ "[::1]:443", BINDING_HOSTNAMEPORT, NULL },
		{ "*.example.com:443", BINDING_HOSTNAMEPORT, NULL },
		{ "a..b:443", BINDING_HOSTNAMEPORT, NULL },
		{ "a..:443", BINDING_HOSTNAMEPORT, NULL },	/* fuzz: kept "a." */
		{ "a b:443", BINDING_HOSTNAMEPORT, NULL },
		{ "www.example.com", BINDING_HOSTNAMEPORT, NULL },
	};
	char		out[BINDING_ENDPOINT_MAX];
	struct rs_err	e;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		int rc = binding_endpoint_parse(cases[i].in, cases[i].kind, out,
		    &e);
		if (cases[i].canon == NULL) {
			if (rc != -1)
				fail_msg("%s accepted as %s", cases[i].in, out);
			assert_int_equal(e.code, RS_E_USAGE);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: %s", cases[i].in, e.msg);
		assert_string_equal(out, cases[i].canon);
	}
}

static void
test_appid(void **state)
{
	char	out[BINDING_APPID_MAX];

	(void)state;
	assert_int_equal(binding_appid_parse("{4DC3E181-E14B-4A21-B022-"
	    "59FC669B0914}", out, NULL), 0);
	assert_string_equal(out, APP1);
	assert_int_equal(binding_appid_parse("4dc3e181-e14b-4a21-b022-"
	    "59fc669b0914", out, NULL), 0);
	assert_string_equal(out, APP1);
	assert_int_equal(binding_appid_parse("{4dc3e181e14b4a21b02259fc669b0914}",
	    out, NULL), -1);
	assert_int_equal(binding_appid_parse("{4dc3e181-e14b-4a21-b022-"
	    "59fc669b091g}", out, NULL), -1);
	assert_int_equal(binding_appid_parse("", out, NULL), -1);
}

static struct binding_ssl
mk(const char *ep, enum binding_kind kind, const char *hash, const char *app)
{
	struct binding_ssl	b;

	memset(&b, 0, sizeof(b));
	b.kind = kind;
	str_copy(b.endpoint, sizeof(b.endpoint), ep);
	str_copy(b.certhash, sizeof(b.certhash), hash);
	str_copy(b.appid, sizeof(b.appid), app);
	return b;
}

static void
test_ssl_crud(void **state)
{
	struct binding_store	*bs;
	struct binding_ssl	 b, got, *v;
	struct rs_err		 e;
	size_t			 n;
	uint64_t		 g0, g1;

	(void)state;
	bs = binding_store_open(root, &e);
	assert_non_null(bs);
	g0 = binding_store_generation(bs, &e);
	assert_true(g0 > 0);
	b = mk("0.0.0.0:8443", BINDING_IPPORT, HASH2, APP1);
	assert_int_equal(binding_ssl_add(bs, &b, &e), 0);
	g1 = binding_store_generation(bs, &e);
	assert_true(g1 > g0);
	assert_int_equal(binding_ssl_add(bs, &b, &e), -1);
	assert_int_equal(e.code, RS_E_EXISTS);
	assert_int_equal(binding_win32_code(&e), 183);
	assert_int_equal(binding_store_generation(bs, &e), g1);

	assert_int_equal(binding_ssl_get(bs, "0.0.0.0:8443", &got, &e), 0);
	assert_string_equal(got.certhash, "89ABCDEF0123456789ABCDEF0123456789ABCDEF");
	assert_string_equal(got.store, "My");
	assert_string_equal(got.appid, APP1);
	assert_int_equal(got.n_owners, 1);
	assert_string_equal(got.owners[0], APP1);
	assert_null(got.follow_names);
	assert_true(got.created > 0);
	binding_ssl_fini(&got);

	b = mk("www.example.com:8443", BINDING_HOSTNAMEPORT, HASH1, APP2);
	str_copy(b.store, sizeof(b.store), "My");
	assert_int_equal(binding_ssl_add(bs, &b, &e), 0);
	assert_int_equal(binding_ssl_list(bs, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].kind, BINDING_IPPORT);
	assert_string_equal(v[1].endpoint, "www.example.com:8443");
	binding_ssl_list_free(v, n);

	assert_int_equal(binding_ssl_list_by_cert(bs, HASH1, &v, &n, &e), 0);
	assert_int_equal(n, 1);
	binding_ssl_list_free(v, n);
	assert_int_equal(binding_ssl_list_by_cert(bs,
	    "89ABCDEF0123456789ABCDEF0123456789ABCDEF", &v, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].endpoint, "0.0.0.0:8443");
	binding_ssl_list_free(v, n);

	b = mk("0.0.0.0:8443", BINDING_IPPORT, HASH1, APP1);
	assert_int_equal(binding_ssl_update(bs, &b, &e), 0);
	assert_int_equal(binding_ssl_get(bs, "0.0.0.0:8443", &got, &e), 0);
	assert_string_equal(got.certhash, HASH1);
	binding_ssl_fini(&got);

	assert_int_equal(binding_ssl_del(bs, "0.0.0.0:8443", &e), 0);
	assert_int_equal(binding_ssl_del(bs, "0.0.0.0:8443", &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	assert_int_equal(binding_win32_code(&e), 2);
	assert_int_equal(binding_ssl_get(bs, "0.0.0.0:8443", &got, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	b = mk("0.0.0.0:1", BINDING_IPPORT, HASH1, APP1);
	assert_int_equal(binding_ssl_update(bs, &b, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	binding_store_close(bs);
}

static void
test_ssl_bad_input(void **state)
{
	static const struct { const char *ep, *hash, *app, *store; } bad[] = {
		{ "0.0.0.0:443", "0123", APP1, "" },
		{ "0.0.0.0:443", "0123456789ABCDEF0123456789ABCDEF0123456Z", APP1, "" },
		{ "0.0.0.0:443", HASH1, "{nope}", "" },
		{ "0.0.0.0:443", HASH1, APP1, "My Store" },
		{ "0.0.0.0:0443", HASH1, APP1, "" },
		{ "[0::0]:443", HASH1, APP1, "" },	/* not canonical */
	};
	struct binding_store	*bs;
	struct binding_ssl	 b, *v;
	struct rs_err		 e;
	size_t			 n;
	uint64_t		 g;

	(void)state;
	bs = binding_store_open(root, &e);
	assert_non_null(bs);
	g = binding_store_generation(bs, &e);
	for (size_t i = 0; i < nitems(bad); i++) {
		b = mk(bad[i].ep, BINDING_IPPORT, bad[i].hash, bad[i].app);
		str_copy(b.store, sizeof(b.store), bad[i].store);
		assert_int_equal(binding_ssl_add(bs, &b, &e), -1);
		assert_int_equal(binding_win32_code(&e), 87);
	}
	assert_int_equal(binding_store_generation(bs, &e), g);
	assert_int_equal(binding_ssl_list(bs, &v, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	binding_store_close(bs);
}

static void
test_owners(void **state)
{
	struct binding_store	*bs;
	struct binding_ssl	 b, got;
	struct rs_err		 e;
	bool			 deleted;

	(void)state;
	bs = binding_store_open(root, &e);
	b = mk("0.0.0.0:443", BINDING_IPPORT, HASH1, APP1);
	assert_int_equal(binding_ssl_add(bs, &b, &e), 0);
	assert_int_equal(binding_ssl_owner_add(bs, "0.0.0.0:443", APP2, &e), 0);
	assert_int_equal(binding_ssl_owner_add(bs, "0.0.0.0:443", APP2, &e), 0);
	assert_int_equal(binding_ssl_owner_add(bs, "0.0.0.0:1", APP2, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	assert_int_equal(binding_ssl_get(bs, "0.0.0.0:443", &got, &e), 0);
	assert_int_equal(got.n_owners, 2);
	binding_ssl_fini(&got);

	/* The report server lets go: IIS keeps its binding. */
	assert_int_equal(binding_ssl_owner_del(bs, "0.0.0.0:443", APP1,
	    &deleted, &e), 0);
	assert_false(deleted);
	assert_int_equal(binding_ssl_get(bs, "0.0.0.0:443", &got, &e), 0);
	assert_int_equal(got.n_owners, 1);
	assert_string_equal(got.appid, APP2);
	binding_ssl_fini(&got);
	assert_int_equal(binding_ssl_owner_del(bs, "0.0.0.0:443", APP1,
	    &deleted, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	assert_int_equal(binding_ssl_owner_del(bs, "0.0.0.0:443", APP2,
	    &deleted, &e), 0);
	assert_true(deleted);
	assert_int_equal(binding_ssl_get(bs, "0.0.0.0:443", &got, &e), -1);

	/* acquire: create, share, refuse another certificate */
	{
		struct binding_ssl	c = mk("0.0.0.0:8444", BINDING_IPPORT,
					    HASH1, APP1);
		bool			created;
		uint64_t		g;

		assert_int_equal(binding_ssl_acquire(bs, &c, &created, &e), 0);
		assert_true(created);
		str_copy(c.appid, sizeof(c.appid), APP2);
		assert_int_equal(binding_ssl_acquire(bs, &c, &created, &e), 0);
		assert_false(created);
		assert_int_equal(binding_ssl_get(bs, "0.0.0.0:8444", &got, &e), 0);
		assert_int_equal(got.n_owners, 2);
		assert_string_equal(got.appid, APP1);
		binding_ssl_fini(&got);
		g = binding_store_generation(bs, &e);
		str_copy(c.certhash, sizeof(c.certhash), HASH2);
		assert_int_equal(binding_ssl_acquire(bs, &c, &created, &e), -1);
		assert_int_equal(e.code, RS_E_EXISTS);
		assert_non_null(strstr(e.msg, HASH1));
		assert_int_equal(binding_store_generation(bs, &e), g);
	}

	/* follow names */
	assert_int_equal(binding_ssl_add(bs, &b, &e), 0);
	assert_int_equal(binding_ssl_set_follow(bs, "0.0.0.0:443",
	    "a.test,b.test", &e), 0);
	assert_int_equal(binding_ssl_get(bs, "0.0.0.0:443", &got, &e), 0);
	assert_string_equal(got.follow_names, "a.test,b.test");
	binding_ssl_fini(&got);
	assert_int_equal(binding_ssl_set_follow(bs, "0.0.0.0:9", NULL, &e), -1);
	binding_store_close(bs);
}

static void
test_urlacl(void **state)
{
	struct binding_store	*bs;
	struct binding_urlacl	 a, *v;
	struct rs_err		 e;
	size_t			 n;

	(void)state;
	bs = binding_store_open(root, &e);
	assert_int_equal(binding_urlacl_add(bs, "HTTPS://+:8443/ReportServer",
	    "rsuser", &e), 0);
	assert_int_equal(binding_urlacl_add(bs, "https://+:8443/reportserver/",
	    "other", &e), -1);
	assert_int_equal(e.code, RS_E_EXISTS);
	/* another category, same path: a separate reservation */
	assert_int_equal(binding_urlacl_add(bs, "https://*:8443/ReportServer/",
	    "other", &e), 0);
	assert_int_equal(binding_urlacl_get(bs, "https://+:8443/REPORTSERVER",
	    &a, &e), 0);
	assert_string_equal(a.url, "https://+:8443/ReportServer/");
	assert_string_equal(a.user, "rsuser");
	assert_int_equal(binding_urlacl_add(bs, "https://+:8443/x/", "bad user",
	    &e), -1);
	assert_int_equal(binding_win32_code(&e), 87);
	assert_int_equal(binding_urlacl_add(bs, "https://+/x/", "u", &e), -1);
	assert_int_equal(binding_win32_code(&e), 87);
	/* http and https cannot share a port */
	assert_int_equal(binding_urlacl_add(bs, "http://+:8443/plain/", "u",
	    &e), -1);
	assert_int_equal(e.code, RS_E_EXISTS);
	assert_non_null(strstr(e.msg, "cannot share a port"));
	assert_int_equal(binding_urlacl_add(bs, "http://+:8080/plain/", "u",
	    &e), 0);
	assert_int_equal(binding_urlacl_add(bs, "https://a.test:8080/", "u",
	    &e), -1);
	assert_int_equal(binding_urlacl_del(bs, "http://+:8080/plain/", &e), 0);
	assert_int_equal(binding_urlacl_list(bs, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(binding_urlacl_del(bs, "https://+:8443/reportserver/",
	    &e), 0);
	assert_int_equal(binding_urlacl_del(bs, "https://+:8443/reportserver/",
	    &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	binding_store_close(bs);
}

static void
test_schema_version(void **state)
{
	struct binding_store	*bs;
	struct rs_err		 e;
	sqlite3			*db;
	char			 path[128];

	(void)state;
	bs = binding_store_open(root, &e);
	assert_non_null(bs);
	str_copy(path, sizeof(path), binding_store_path(bs));
	binding_store_close(bs);
	/* reopening an up-to-date store changes nothing */
	bs = binding_store_open(root, &e);
	assert_non_null(bs);
	binding_store_close(bs);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(binding_store_open(root, &e));
	assert_int_equal(e.code, RS_E_CONFIG);
	assert_non_null(strstr(e.msg, "newer"));
}

static void
test_choose(void **state)
{
	struct binding_ssl	v[6];

	(void)state;
	v[0] = mk("0.0.0.0:443", BINDING_IPPORT, HASH1, APP1);
	v[1] = mk("127.0.0.1:443", BINDING_IPPORT, HASH1, APP1);
	v[2] = mk("www.example.com:443", BINDING_HOSTNAMEPORT, HASH1, APP1);
	v[3] = mk("[::]:443", BINDING_IPPORT, HASH1, APP1);
	v[4] = mk("[::1]:8443", BINDING_IPPORT, HASH1, APP1);
	v[5] = mk("www.example.com:8443", BINDING_HOSTNAMEPORT, HASH1, APP1);
	assert_int_equal(binding_choose(v, 6, "www.example.com", "127.0.0.1", 443), 2);
	assert_int_equal(binding_choose(v, 6, "WWW.Example.COM.", "10.0.0.1", 443), 2);
	assert_int_equal(binding_choose(v, 6, "other.test", "127.0.0.1", 443), 1);
	assert_int_equal(binding_choose(v, 6, NULL, "127.0.0.1", 443), 1);
	assert_int_equal(binding_choose(v, 6, NULL, "::ffff:127.0.0.1", 443), 1);
	assert_int_equal(binding_choose(v, 6, NULL, "10.0.0.1", 443), 0);
	assert_int_equal(binding_choose(v, 6, NULL, "::1", 443), 3);
	assert_int_equal(binding_choose(v, 6, NULL, "::1", 8443), 4);
	assert_int_equal(binding_choose(v, 6, "www.example.com", "::1", 8443), 5);
	assert_int_equal(binding_choose(v, 6, NULL, "127.0.0.1", 8443), -1);
	assert_int_equal(binding_choose(v, 6, NULL, "127.0.0.1", 9), -1);
	assert_int_equal(binding_choose(v, 5, NULL, NULL, 443), -1);
	assert_int_equal(binding_choose(v, 3, NULL, "::1", 443), -1);
}

static void
test_win32(void **state)
{
	struct rs_err	e;

	(void)state;
	rs_err_set(&e, RS_E_PERM, "x");
	assert_int_equal(binding_win32_code(&e), 5);
	rs_err_set(&e, RS_E_DB, "x");
	assert_int_equal(binding_win32_code(&e), 1359);
	rs_err_set(&e, RS_E_BUSY, "x");
	assert_int_equal(binding_win32_code(&e), 170);
	assert_string_equal(binding_win32_text(87), "The parameter is incorrect.");
	assert_string_equal(binding_win32_text(183),
	    "Cannot create a file when that file already exists.");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_appid),
		cmocka_unit_test_setup_teardown(test_ssl_crud, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ssl_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owners, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urlacl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_version, setup,
		    teardown),
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_win32),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
