/*
 * test_rskey.c: password-sealed streams (rskey/seal.c): a round trip in
 * pieces, a wrong password, a changed byte of the ciphertext or of the
 * additional data, a changed tag; SHA-256 against a known answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "rskey/rskey.h"

#define PW	"correct horse"
#define AAD	"RSBACKUP 1\nheader\n\n"

/* Seals msg in two pieces into ct, tag; returns salt and nonce. */
static void
seal(const char *msg, unsigned char *ct, unsigned char *tag,
    unsigned char *salt, unsigned char *nonce)
{
	struct rs_err		 e;
	struct rskey_seal	*s = rskey_seal_new(true, PW, strlen(PW), salt,
				    nonce, &e);
	size_t			 n = strlen(msg), half = n / 2;

	assert_non_null(s);
	assert_int_equal(rskey_seal_aad(s, AAD, strlen(AAD)), 0);
	assert_int_equal(rskey_seal_update(s, msg, half, ct), 0);
	assert_int_equal(rskey_seal_update(s, msg + half, n - half, ct + half),
	    0);
	assert_int_equal(rskey_seal_final(s, tag, &e), 0);
	rskey_seal_free(s);
}

/* Opens ct with pw and aad; returns 0 or -1 (the error code in *code). */
static int
open_it(const char *pw, const char *aad, const unsigned char *ct, size_t n,
    unsigned char *tag, unsigned char *salt, unsigned char *nonce,
    char *out, int *code)
{
	struct rs_err		 e;
	struct rskey_seal	*s = rskey_seal_new(false, pw, strlen(pw), salt,
				    nonce, &e);
	int			 rc;

	assert_non_null(s);
	assert_int_equal(rskey_seal_aad(s, aad, strlen(aad)), 0);
	assert_int_equal(rskey_seal_update(s, ct, n, out), 0);
	rc = rskey_seal_final(s, tag, &e);
	*code = e.code;
	rskey_seal_free(s);
	return rc;
}

static void
test_seal(void **state)
{
	const char	*msg = "rsreportserver.config 5\nhello\n";
	unsigned char	 ct[64], tag[RSKEY_TAG_LEN], salt[RSKEY_SALT_LEN];
	unsigned char	 nonce[RSKEY_NONCE_LEN], salt2[RSKEY_SALT_LEN];
	unsigned char	 nonce2[RSKEY_NONCE_LEN], ct2[64], tag2[RSKEY_TAG_LEN];
	char		 out[64] = "";
	size_t		 n = strlen(msg);
	int		 code;

	(void)state;
	seal(msg, ct, tag, salt, nonce);
	assert_memory_not_equal(ct, msg, n);
	assert_int_equal(open_it(PW, AAD, ct, n, tag, salt, nonce, out, &code),
	    0);
	assert_memory_equal(out, msg, n);
	/* Each seal has its own salt and nonce. */
	seal(msg, ct2, tag2, salt2, nonce2);
	assert_memory_not_equal(salt, salt2, sizeof(salt));
	assert_memory_not_equal(ct, ct2, n);
	assert_int_equal(open_it("wrong horse", AAD, ct, n, tag, salt, nonce,
	    out, &code), -1);
	assert_int_equal(code, RS_E_BADINPUT);
	assert_int_equal(open_it(PW, "RSBACKUP 1\nheaded\n\n", ct, n, tag,
	    salt, nonce, out, &code), -1);
	ct[3] ^= 1;
	assert_int_equal(open_it(PW, AAD, ct, n, tag, salt, nonce, out, &code),
	    -1);
	ct[3] ^= 1;
	tag[0] ^= 0x80;
	assert_int_equal(open_it(PW, AAD, ct, n, tag, salt, nonce, out, &code),
	    -1);
}

static void
test_sha256(void **state)
{
	struct rskey_sha256	*h = rskey_sha256_new();
	char			 hex[65];

	(void)state;
	rskey_sha256_update(h, "a", 1);
	rskey_sha256_update(h, "bc", 2);
	rskey_sha256_final(h, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal),
		cmocka_unit_test(test_sha256),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
