/*
 * test_certstore.c: unit tests of certstore/: thumbprint normalisation
 * and resolution (tables), store and key-type names, problem detection on
 * real certificates made by the library in a temporary state root, the
 * generation counter, paths, bad input leaving the store unchanged, the
 * local CA and the service group's key modes, and a few hundred mutated
 * PFX/DER/PEM inputs (no crash, a clean error code).
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
#include "common/err.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#define LRM	"\xe2\x80\x8e"	/* U+200E, what Windows dialogs add */
#define ZWSP	"\xe2\x80\x8b"	/* U+200B */
#define BOM	"\xef\xbb\xbf"	/* U+FEFF */
#define NBSP	"\xc2\xa0"

static const char *const T40 = "3F2A1B2C3D4E5F60718293A4B5C6D7E8F9012345";

static void
test_normalize(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: an error */
		const char	*msg;	/* part of the error */
	} cases[] = {
		{ "3f2a1b2c3d4e5f60718293a4b5c6d7e8f9012345", T40, NULL },
		{ "3f 2a 1b 2c 3d 4e 5f 60 71 82 93 a4 b5 c6 d7 e8 f9 01 23 45",
		    T40, NULL },
		{ "3F:2A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:01:23:45",
		    T40, NULL },
		{ LRM "3f2a1b2c3d4e5f60718293a4b5c6d7e8f9012345" LRM, T40,
		    NULL },
		{ BOM "3f2a" ZWSP "1b2c3d4e5f60718293a4b5c6d7e8f9012345", T40,
		    NULL },
		{ "3f2a" NBSP "1b2c3d4e5f60718293a4b5c6d7e8f9012345", T40,
		    NULL },
		{ "SHA1 Fingerprint=3F:2A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:"
		    "D7:E8:F9:01:23:45", T40, NULL },
		{ "\t3f2a1b2c\n", "3F2A1B2C", NULL },
		{ "", NULL, "no thumbprint given" },
		{ "   ", NULL, "no thumbprint given" },
		{ "3f2a1b2", NULL, "too short: give at least 8 hex digits" },
		{ "3f2a1b2g", NULL, "'g' is not a hex digit" },
		{ "3f2a1b2c\xc3\xa9", NULL, "byte 0xc3 is not a hex digit" },
		{ "01234567890123456789012345678901234567890123456789"
		    "012345678901234", NULL, "more than 64 hex digits" },
	};
	char		out[65];
	struct rs_err	e;
	size_t		i;
	int		n;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		rs_err_clear(&e);
		n = certstore_thumb_normalize(cases[i].in, out, &e);
		if (cases[i].out != NULL) {
			assert_int_equal(n, (int)strlen(cases[i].out));
			assert_string_equal(out, cases[i].out);
		} else {
			assert_int_equal(n, -1);
			assert_int_equal(e.code, RS_E_USAGE);
			if (strstr(e.msg, cases[i].msg) == NULL)
				fail_msg("case %zu: '%s' lacks '%s'", i, e.msg,
				    cases[i].msg);
		}
	}
}

static void
test_names(void **state)
{
	enum certstore_key_type	 kt;
	struct rs_err		 e;
	unsigned		 bit, bit2;

	(void)state;
	assert_string_equal(certstore_store_name("my", &e), "My");
	assert_string_equal(certstore_store_name("ROOT", &e), "Root");
	assert_string_equal(certstore_store_name("ca", &e), "CA");
	assert_string_equal(certstore_store_name(NULL, &e), "My");
	assert_null(certstore_store_name("Personal", &e));
	assert_int_equal(e.code, RS_E_USAGE);
	assert_int_equal(certstore_key_type_parse("RSA-3072", &kt, &e), 0);
	assert_int_equal(kt, CERTSTORE_KEY_RSA_3072);
	assert_int_equal(certstore_key_type_parse("ed25519", &kt, &e), -1);
	/* Every problem and warning has its own text and code name. */
	for (bit = 1; bit & CERTSTORE_P_ALL; bit <<= 1) {
		assert_string_not_equal(certstore_problem_text(bit),
		    "unknown problem");
		for (bit2 = bit << 1; bit2 & CERTSTORE_P_ALL; bit2 <<= 1)
			assert_string_not_equal(certstore_problem_name(bit),
			    certstore_problem_name(bit2));
	}
	for (bit = 1; bit & CERTSTORE_W_ALL; bit <<= 1)
		assert_string_not_equal(certstore_warning_name(bit), "unknown");
	assert_string_equal(certstore_problem_name(1u << 30), "unknown");
}

/* A fresh state root per test, removed afterwards. */
struct fx {
	char			 root[64];
	struct certstore	*cs;
};

static int
setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct rs_err	 e;

	snprintf(f->root, sizeof(f->root), "/tmp/rs-unit-cs.XXXXXX");
	if (mkdtemp(f->root) == NULL)
		return -1;
	f->cs = certstore_open(f->root, &e);
	if (f->cs == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
teardown(void **state)
{
	struct fx	*f = *state;

	certstore_close(f->cs);
	nftw(f->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void
make(struct fx *f, const char *name, time_t not_before, unsigned days,
    char thumb[41])
{
	const char		*dns[] = { name };
	struct certstore_new	 nw;
	struct rs_err		 e;

	memset(&nw, 0, sizeof(nw));
	nw.dns = dns;
	nw.n_dns = 1;
	nw.not_before = not_before;
	nw.days = days;
	if (certstore_new_self_signed(f->cs, &nw, thumb, &e) == -1)
		fail_msg("new_self_signed: %s", e.msg);
}

static unsigned
problems_of(struct fx *f, const char *thumb)
{
	struct certstore_info	in;
	struct rs_err		e;
	unsigned		p;

	if (certstore_get(f->cs, "My", thumb, &in, &e) == -1)
		fail_msg("get: %s", e.msg);
	p = in.problems;
	certstore_info_fini(&in);
	return p;
}

static void
key_path(struct fx *f, const char *thumb, char *out, size_t sz)
{
	struct rs_err	e;

	assert_int_equal(certstore_paths(f->cs, "My", thumb, NULL, 0, out, sz,
	    &e), 0);
}

static void
copy_file(const char *from, const char *to)
{
	struct rs_err	 e;
	size_t		 len = 0;
	char		*d = fs_read_file(from, 1 << 20, &len, &e);

	assert_non_null(d);
	assert_int_equal(fs_write_atomic(to, d, len, 0600, &e), 0);
	free(d);
}

static void
test_problems(void **state)
{
	struct fx	*f = *state;
	char		 a[41], b[41], old[41], ka[4096], kb[4096], save[4200];

	make(f, "a.test", 0, 0, a);
	make(f, "b.test", 0, 0, b);
	assert_int_equal(problems_of(f, a), 0);
	make(f, "old.test", time(NULL) - 10 * 86400, 1, old);
	assert_int_equal(problems_of(f, old), CERTSTORE_P_EXPIRED);
	make(f, "later.test", time(NULL) + 86400, 5, old);
	assert_int_equal(problems_of(f, old), CERTSTORE_P_NOT_YET_VALID);

	key_path(f, a, ka, sizeof(ka));
	key_path(f, b, kb, sizeof(kb));
	snprintf(save, sizeof(save), "%s.save", ka);
	copy_file(ka, save);
	copy_file(kb, ka);			/* b's key under a's name */
	assert_int_equal(problems_of(f, a), CERTSTORE_P_KEY_MISMATCH);
	copy_file(save, ka);
	assert_int_equal(chmod(ka, 0640), 0);
	assert_int_equal(problems_of(f, a), CERTSTORE_P_KEY_INSECURE);
	certstore_set_service_user(f->cs, 65534, 65534);
	assert_int_equal(problems_of(f, a), CERTSTORE_P_KEY_INSECURE |
	    CERTSTORE_P_KEY_UNREADABLE);
	certstore_set_service_user(f->cs, 0, 0);
	assert_int_equal(unlink(ka), 0);
	assert_int_equal(problems_of(f, a), CERTSTORE_P_NO_KEY);
	ka[0] = '\0';
	key_path(f, a, ka, sizeof(ka));
	assert_string_equal(ka, "");		/* no key: empty path */
}

static void
plant(struct fx *f, const char *store, const char *name)
{
	char		p[512];
	struct rs_err	e;

	snprintf(p, sizeof(p), "%s/certstore/%s/%s.crt", f->root, store, name);
	assert_int_equal(fs_write_atomic(p, "x", 1, 0644, &e), 0);
}

static void
test_resolve(void **state)
{
	static const struct {
		const char	*store, *in;
		int		 code;		/* RS_E_OK: resolves to want */
		const char	*want;		/* or part of the message */
	} cases[] = {
		{ "My", "AAAAAAAA11", RS_E_OK,
		    "AAAAAAAA11111111111111111111111111111111" },
		{ "My", "aaaa aaaa 22", RS_E_OK,
		    "AAAAAAAA22222222222222222222222222222222" },
		{ "My", "aaaaaaaa", RS_E_AMBIGUOUS, "matches 2 certificates in "
		    "the My store (AAAAAAAA11111111111111111111111111111111, "
		    "AAAAAAAA22222222222222222222222222222222)" },
		{ "My", "BBBBBBBB", RS_E_NOTFOUND,
		    "it is in the Root store (use --store Root)" },
		{ "Root", "bbbbbbbb", RS_E_OK,
		    "BBBBBBBB33333333333333333333333333333333" },
		{ "CA", "CCCCCCCC", RS_E_NOTFOUND, "no certificate CCCCCCCC in "
		    "the CA store" },
		{ "My", "AAAA", RS_E_USAGE, "too short" },
		{ "Nope", "AAAAAAAA11", RS_E_USAGE, "unknown store 'Nope'" },
	};
	struct fx	*f = *state;
	char		 out[41];
	struct rs_err	 e;
	size_t		 i;
	int		 rv;

	plant(f, "My", "AAAAAAAA11111111111111111111111111111111");
	plant(f, "My", "AAAAAAAA22222222222222222222222222222222");
	plant(f, "Root", "BBBBBBBB33333333333333333333333333333333");
	plant(f, "My", "not-a-thumbprint");
	for (i = 0; i < nitems(cases); i++) {
		rs_err_clear(&e);
		rv = certstore_resolve(f->cs, cases[i].store, cases[i].in, out,
		    &e);
		if (cases[i].code == RS_E_OK) {
			if (rv != 0)
				fail_msg("case %zu: %s", i, e.msg);
			assert_string_equal(out, cases[i].want);
			continue;
		}
		assert_int_equal(rv, -1);
		assert_int_equal(e.code, cases[i].code);
		if (strstr(e.msg, cases[i].want) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, e.msg,
			    cases[i].want);
	}
}

static void
test_sha256_and_generation(void **state)
{
	struct fx		*f = *state;
	struct certstore_info	 in;
	struct rs_err		 e;
	char			 t[41], out[41];
	uint64_t		 g;

	assert_int_equal(certstore_generation(f->cs), 0);
	make(f, "sha.test", 0, 0, t);
	g = certstore_generation(f->cs);
	assert_int_equal(g, 1);
	assert_int_equal(certstore_get(f->cs, "My", t, &in, &e), 0);
	assert_int_equal(certstore_resolve(f->cs, "My", in.sha256, out, &e),
	    0);
	assert_string_equal(out, t);
	in.sha256[50] = '\0';	/* a prefix longer than 40 is SHA-256 */
	assert_int_equal(certstore_resolve(f->cs, "My", in.sha256, out, &e),
	    0);
	assert_string_equal(out, t);
	certstore_info_fini(&in);
	assert_int_equal(certstore_remove(f->cs, "My", t, &e), 0);
	assert_int_equal(certstore_generation(f->cs), g + 1);
	assert_int_equal(certstore_remove(f->cs, "My", t, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	assert_int_equal(certstore_generation(f->cs), g + 1);
}

static void
test_bad_import(void **state)
{
	static const struct {
		const char	*data;
		int		 code;
		const char	*msg;
	} cases[] = {
		{ "", RS_E_BADINPUT, "the file is empty" },
		{ "hello", RS_E_BADINPUT, "corrupt or truncated" },
		{ "-----BEGIN CERTIFICATE-----\nMII", RS_E_BADINPUT,
		    "has no END line" },
		{ "-----BEGIN CERTIFICATE-----\n!!!!\n"
		    "-----END CERTIFICATE-----\n",
		    RS_E_BADINPUT, "corrupt CERTIFICATE block" },
		{ "-----BEGIN FOO\n", RS_E_BADINPUT,
		    "BEGIN line is malformed" },
		{ "text without blocks -----BEGIN X509 CRL-----\nAA\n"
		    "-----END X509 CRL-----\n", RS_E_BADINPUT,
		    "'X509 CRL' that cannot be imported" },
	};
	struct certstore_import_opts	o;
	struct certstore_import_result	r;
	struct fx			*f = *state;
	struct rs_err			 e;
	size_t				 i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < nitems(cases); i++) {
		rs_err_clear(&e);
		assert_int_equal(certstore_import(f->cs, cases[i].data,
		    strlen(cases[i].data), "in", &o, &r, &e), -1);
		assert_int_equal(e.code, cases[i].code);
		if (strstr(e.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, e.msg,
			    cases[i].msg);
	}
	assert_int_equal(certstore_generation(f->cs), 0);
	o.password = "a\0b";
	o.password_len = 3;
	assert_int_equal(certstore_import(f->cs, "x", 1, "in", &o, &r, &e), -1);
	assert_int_equal(e.code, RS_E_USAGE);
}

/* A small deterministic generator, so a failure can be replayed. */
static uint32_t
next_rand(uint32_t *st)
{
	*st = *st * 1103515245u + 12345u;
	return *st >> 8;
}

static void
mutate(char *m, size_t *len, uint32_t *st, int how)
{
	size_t	p = next_rand(st) % *len, k;

	switch (how % 4) {
	case 0:
		*len = p;			/* truncate */
		break;
	case 1:
		for (k = 0; k < 1 + next_rand(st) % 6; k++) {
			p = next_rand(st) % *len;
			m[p] ^= (char)(1 << (next_rand(st) % 8));
		}
		break;
	case 2:
		memset(m + p, 0xff, *len - p < 16 ? *len - p : 16);
		break;
	default:
		if (p + 2 <= *len) {	/* a huge DER length */
			m[p] = 0x30;
			m[p + 1] = (char)0x84;
		}
	}
}

/* What an accepted mutation became must list, verify and go away. */
static void
exercise(struct certstore *cs, struct certstore_import_result *r)
{
	struct certstore_info	*v;
	struct certstore_verify	 vv;
	struct rs_err		 e;
	size_t			 n, k;

	if (certstore_list(cs, r->store, &v, &n, &e) == 0)
		certstore_list_free(v, n);
	for (k = 0; k < r->n_all; k++) {
		if (certstore_verify(cs, r->store, r->all[k], &vv, &e) == 0)
			certstore_verify_fini(&vv);
		certstore_remove(cs, r->store, r->all[k], &e);
	}
}

static void
test_mutations(void **state)
{
	struct certstore_import_opts	 o = { .password = "pw",
	    .password_len = 2 };
	struct certstore_pfx_opts	 po = { "pw", 2, false };
	struct certstore_import_result	 r;
	struct fx			*f = *state;
	struct rs_err			 e;
	char				 t[41], *src[3], *m;
	size_t				 len[3], ml;
	uint32_t			 st = 1;
	int				 i, j;

	make(f, "fuzz.test", 0, 0, t);
	assert_int_equal(certstore_export_pfx(f->cs, "My", t, &po, &src[0],
	    &len[0], &e), 0);
	assert_int_equal(certstore_export_cert(f->cs, "My", t, true, &src[1],
	    &len[1], &e), 0);
	assert_int_equal(certstore_export_cert(f->cs, "My", t, false, &src[2],
	    &len[2], &e), 0);
	assert_int_equal(certstore_remove(f->cs, "My", t, &e), 0);
	for (j = 0; j < 3; j++) {
		for (i = 0; i < (j == 0 ? 60 : 150); i++) {
			m = xmalloc(len[j]);
			memcpy(m, src[j], len[j]);
			ml = len[j];
			mutate(m, &ml, &st, i);
			o.store = i & 1 ? "Root" : "My";
			if (certstore_import(f->cs, m, ml, "m", &o, &r,
			    &e) == 0) {
				exercise(f->cs, &r);
				certstore_import_result_fini(&r);
			} else if (e.code != RS_E_BADINPUT &&
			    e.code != RS_E_PERM && e.code != RS_E_USAGE)
				fail_msg("mutation %d/%d: code %d: %s", j, i,
				    e.code, e.msg);
			free(m);
		}
		free(src[j]);
	}
}

/*
 * The local CA: new-ca puts the certificate in Root and My (key 0600),
 * issue makes a leaf that verifies to it and serves TLS; a leaf issued in
 * a store granted to a service group gets a 0640 key of that group, the
 * CA's key never; issuing from a leaf or past the CA is refused or cut.
 */
static void
test_ca(void **state)
{
	struct fx		*f = *state;
	const char		*names[] = { "leaf.test" };
	struct certstore_new	 ca = { .ca_name = "Unit CA", .days = 30 };
	struct certstore_new	 nw = { .dns = names, .n_dns = 1, .days = 800 };
	struct certstore_verify	 v;
	struct certstore_info	 in, cin;
	struct rs_err		 e;
	struct stat		 st;
	char			 c[41], l[41], l2[41], key[4096], my[4096];
	size_t			 n = 0;

	assert_int_equal(certstore_new_ca(f->cs, &ca, c, &e), 0);
	assert_int_equal(certstore_get(f->cs, "Root", c, &cin, &e), 0);
	assert_true(cin.is_ca);
	assert_false(cin.has_key);
	assert_int_equal(certstore_issue(f->cs, c, &nw, l, &e), 0);
	assert_int_equal(certstore_verify(f->cs, "My", l, &v, &e), 0);
	assert_true(v.trusted);
	assert_string_equal(v.root, c);
	assert_int_equal(v.info.problems, 0);
	assert_true(v.info.not_after <= cin.not_after);	/* cut to the CA */
	certstore_verify_fini(&v);
	/* A leaf is no issuer; a CA needs a name. */
	assert_int_equal(certstore_issue(f->cs, l, &nw, l2, &e), -1);
	assert_int_equal(e.code, RS_E_BADINPUT);
	assert_non_null(strstr(e.msg, "it is not a CA certificate"));
	ca.ca_name = "";
	assert_int_equal(certstore_new_ca(f->cs, &ca, l2, &e), -1);
	assert_int_equal(e.code, RS_E_USAGE);
	/* Granted to group 65534: new keys 0640 of it, the CA's stays. */
	assert_int_equal(certstore_grant_service(f->cs, 65534, &n, &e), 0);
	assert_int_equal(certstore_issue(f->cs, c, &nw, l2, &e), 0);
	assert_int_equal(certstore_paths(f->cs, "My", l2, NULL, 0, key,
	    sizeof(key), &e), 0);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(st.st_gid, 65534);
	assert_int_equal(certstore_key_file_check(key, &e), 0);
	assert_int_equal(certstore_paths(f->cs, "My", c, NULL, 0, my,
	    sizeof(my), &e), 0);
	assert_int_equal(stat(my, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(certstore_get(f->cs, "My", l2, &in, &e), 0);
	assert_int_equal(in.problems, 0);
	certstore_info_fini(&in);
	certstore_info_fini(&cin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sha256_and_generation,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_import, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ca, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mutations, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
