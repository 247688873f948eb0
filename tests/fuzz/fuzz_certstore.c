/*
 * fuzz_certstore.c: fuzz target of what certstore/ reads from users: a
 * typed thumbprint, a store name, a key type, and a certificate file to
 * import (PEM bundle, DER, PKCS#7 or PFX, parsed by cs_parse_input, the
 * memory-only first step of certstore_import; this is a white-box target,
 * so it includes certstore_int.h).
 *
 * Input: byte 0 is the password length n (0 means no password; n is
 * taken modulo 32), then n bytes of password, then the file.  The first
 * line of the whole input is also tried as a thumbprint, a store name and
 * a key type.  A refused file must say why; what is accepted must give a
 * thumbprint and a key type name.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "certstore/certstore_int.h"
#include "common/err.h"

#define FUZZ_PFX_ITER_MAX	10000

static void
names(const uint8_t *data, size_t size)
{
	const uint8_t		*rest;
	size_t			 restlen;
	char			*line;
	char			 out[65];
	enum certstore_key_type	 kt;
	struct rs_err		 e;
	int			 n;

	line = fuzz_head(data, size, &rest, &restlen);
	n = certstore_thumb_normalize(line, out, &e);
	if (n != -1 && (n < CERTSTORE_PREFIX_MIN || n > 64 ||
	    strlen(out) != (size_t)n ||
	    strspn(out, "0123456789ABCDEF") != (size_t)n))
		fuzz_fail("normalised thumbprint is not upper-case hex", out);
	(void)certstore_store_name(line, &e);
	(void)certstore_key_type_parse(line, &kt, &e);
	free(line);
}

static void
check_parsed(struct cs_parsed *p)
{
	char	thumb[CERTSTORE_THUMB_LEN + 1];
	char	sha[CERTSTORE_SHA256_LEN + 1];
	char	kt[32];

	for (int i = 0; i < sk_X509_num(p->certs); i++) {
		X509 *x = sk_X509_value(p->certs, i);

		cs_thumb_of(x, thumb);
		cs_sha256_of(x, sha);
		if (strlen(thumb) != CERTSTORE_THUMB_LEN)
			fuzz_fail("thumbprint has the wrong length", thumb);
		(void)cs_self_signed(x);
	}
	if (p->key != NULL) {
		struct rs_err e;

		cs_key_type_name(p->key, kt);
		(void)cs_key_supported(p->key, &e);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_parsed	 p;
	struct rs_err		 e;
	size_t			 pwlen;
	const char		*pw;

	names(data, size);
	if (size == 0)
		return 0;
	pwlen = data[0] % 32;
	if (pwlen > size - 1)
		pwlen = size - 1;
	pw = pwlen > 0 ? (const char *)data + 1 : NULL;
	memset(&p, 0, sizeof(p));
	rs_err_clear(&e);
	/* A low iteration limit keeps a mutated count from stalling a run;
	 * the seeds use 2048. */
	if (cs_parse_input((const char *)data + 1 + pwlen, size - 1 - pwlen,
	    "fuzz.pfx", pw, pwlen, FUZZ_PFX_ITER_MAX, &p, &e) == -1) {
		if (e.msg[0] == '\0')
			fuzz_fail("refused without a reason", "");
	} else
		check_parsed(&p);
	cs_parsed_fini(&p);
	return 0;
}
