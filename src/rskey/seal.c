/*
 * seal.c: password-sealed streams and SHA-256 (rskey.h), for backups.
 * The key comes from scrypt (EVP_PBE_scrypt, RSKEY_KDF); it lives in the
 * cipher context only and is wiped at once.
 */
#include "rskey/rskey.h"
#include "common/log.h"
#include "common/xmalloc.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>

#define SCRYPT_N	32768
#define SCRYPT_R	8
#define SCRYPT_P	1
#define SCRYPT_MAXMEM	(64u * 1024 * 1024)
#define SEAL_KEY_LEN	32

struct rskey_seal {
	EVP_CIPHER_CTX	*x;
	bool		 seal;
};

struct rskey_seal *
rskey_seal_new(bool seal, const char *pw, size_t pwlen,
    unsigned char salt[RSKEY_SALT_LEN], unsigned char nonce[RSKEY_NONCE_LEN],
    struct rs_err *e)
{
	unsigned char		 key[SEAL_KEY_LEN];
	struct rskey_seal	*s;
	int			 ok;

	if (seal && (RAND_bytes(salt, RSKEY_SALT_LEN) != 1 ||
	    RAND_bytes(nonce, RSKEY_NONCE_LEN) != 1)) {
		rs_err_set(e, RS_E_INTERNAL, "cannot make random numbers");
		return NULL;
	}
	if (EVP_PBE_scrypt(pw, pwlen, salt, RSKEY_SALT_LEN, SCRYPT_N, SCRYPT_R,
	    SCRYPT_P, SCRYPT_MAXMEM, key, sizeof(key)) != 1) {
		rs_err_set(e, RS_E_INTERNAL, "cannot derive a key from the "
		    "password (scrypt)");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->seal = seal;
	s->x = EVP_CIPHER_CTX_new();
	ok = s->x != NULL && EVP_CipherInit_ex(s->x, EVP_aes_256_gcm(), NULL,
	    key, nonce, seal ? 1 : 0) == 1;
	OPENSSL_cleanse(key, sizeof(key));
	if (!ok) {
		rskey_seal_free(s);
		rs_err_set(e, RS_E_INTERNAL, "cannot set up AES-256-GCM");
		return NULL;
	}
	return s;
}

int
rskey_seal_aad(struct rskey_seal *s, const void *aad, size_t n)
{
	int	m;

	return n <= (size_t)INT32_MAX && EVP_CipherUpdate(s->x, NULL, &m, aad,
	    (int)n) == 1 ? 0 : -1;
}

int
rskey_seal_update(struct rskey_seal *s, const void *in, size_t n, void *out)
{
	int	m;

	/* GCM is a stream cipher: m == n. */
	return n <= (size_t)INT32_MAX && EVP_CipherUpdate(s->x, out, &m, in,
	    (int)n) == 1 && (size_t)m == n ? 0 : -1;
}

int
rskey_seal_final(struct rskey_seal *s, unsigned char tag[RSKEY_TAG_LEN],
    struct rs_err *e)
{
	unsigned char	rest[32];
	int		m;

	if (!s->seal && EVP_CIPHER_CTX_ctrl(s->x, EVP_CTRL_GCM_SET_TAG,
	    RSKEY_TAG_LEN, tag) != 1)
		return rs_err_set(e, RS_E_INTERNAL, "cannot set the tag");
	if (EVP_CipherFinal_ex(s->x, rest, &m) != 1)
		return rs_err_set(e, s->seal ? RS_E_INTERNAL : RS_E_BADINPUT,
		    s->seal ? "cannot finish the encryption" : "the password "
		    "does not open it");
	if (s->seal && EVP_CIPHER_CTX_ctrl(s->x, EVP_CTRL_GCM_GET_TAG,
	    RSKEY_TAG_LEN, tag) != 1)
		return rs_err_set(e, RS_E_INTERNAL, "cannot read the tag");
	return 0;
}

void
rskey_seal_free(struct rskey_seal *s)
{
	if (s == NULL)
		return;
	EVP_CIPHER_CTX_free(s->x);
	free(s);
}

struct rskey_sha256 {
	EVP_MD_CTX	*x;
};

/* SHA-256 fails only without memory: the OOM policy of xmalloc.h. */
static void
sha_die(void)
{
	log_error("out of memory (SHA-256)");
	exit(70);
}

struct rskey_sha256 *
rskey_sha256_new(void)
{
	struct rskey_sha256	*h = xcalloc(1, sizeof(*h));

	h->x = EVP_MD_CTX_new();
	if (h->x == NULL || EVP_DigestInit_ex(h->x, EVP_sha256(), NULL) != 1)
		sha_die();
	return h;
}

void
rskey_sha256_update(struct rskey_sha256 *h, const void *p, size_t n)
{
	if (EVP_DigestUpdate(h->x, p, n) != 1)
		sha_die();
}

void
rskey_sha256_final(struct rskey_sha256 *h, char hex[65])
{
	unsigned char	md[32];
	unsigned	n = 0;

	if (EVP_DigestFinal_ex(h->x, md, &n) != 1 || n != sizeof(md))
		sha_die();
	for (unsigned i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	EVP_MD_CTX_free(h->x);
	free(h);
}
