/*
 * export.c: a stored certificate out again, as a PFX (with its chain and
 * key) or as the certificate alone in PEM or DER.  The PFX is modern by
 * default (PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, SHA-256 MAC:
 * what OpenSSL 3 and Windows Server 2019+ read) and legacy on request
 * (3DES with a SHA-1 MAC, for Windows Server 2016 and older clients).
 */
#include "certstore/certstore_int.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#define PFX_ITER_MODERN	10000	/* PBKDF2 and MAC iterations */
#define PFX_ITER_LEGACY	2000	/* what Windows itself writes */

static PKCS12 *
make_pfx(struct cs_entry *en, const struct certstore_pfx_opts *o,
    struct rs_err *e)
{
	int	 nid = o->legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC :
		    NID_aes_256_cbc;
	int	 iter = o->legacy ? PFX_ITER_LEGACY : PFX_ITER_MODERN;
	PKCS12	*p12;

	p12 = PKCS12_create(o->password, en->friendly[0] != '\0' ?
	    en->friendly : NULL, en->key, en->leaf, en->chain, nid, nid, iter,
	    -1, 0);
	if (p12 == NULL)
		return cs_err_ssl(e, RS_E_INTERNAL, "cannot build the PFX"),
		    NULL;
	if (PKCS12_set_mac(p12, o->password, (int)o->password_len, NULL, 0,
	    iter, o->legacy ? EVP_sha1() : EVP_sha256()) != 1) {
		PKCS12_free(p12);
		return cs_err_ssl(e, RS_E_INTERNAL, "cannot add the PFX MAC"),
		    NULL;
	}
	return p12;
}

int
certstore_export_pfx(struct certstore *cs, const char *store,
    const char *thumbprint, const struct certstore_pfx_opts *o, char **out,
    size_t *len, struct rs_err *e)
{
	struct cs_entry	 en;
	PKCS12		*p12 = NULL;
	unsigned char	*der = NULL;
	int		 n, rv = -1;

	*out = NULL;
	if ((store = certstore_store_name(store, e)) == NULL)
		return -1;
	if (o->password == NULL || o->password_len == 0)
		return rs_err_set(e, RS_E_USAGE, "a PFX needs a password; give "
		    "it with --password-file FILE or --password-stdin");
	if (o->password_len > CERTSTORE_PASSWORD_MAX ||
	    memchr(o->password, '\0', o->password_len) != NULL)
		return rs_err_set(e, RS_E_USAGE, "the password is longer than "
		    "%d bytes or holds a NUL byte", CERTSTORE_PASSWORD_MAX);
	if (cs_entry_load(cs, store, thumbprint, true, &en, e) == -1)
		return -1;
	if (en.has_key_file && en.key == NULL) {
		rs_err_set(e, RS_E_PERM, "cannot export %s: its private key "
		    "cannot be read", thumbprint);
		goto out;
	}
	if ((p12 = make_pfx(&en, o, e)) == NULL)
		goto out;
	n = i2d_PKCS12(p12, &der);
	if (n <= 0) {
		cs_err_ssl(e, RS_E_INTERNAL, "cannot encode the PFX");
		goto out;
	}
	*out = xmalloc((size_t)n);
	memcpy(*out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_clear_free(der, (size_t)n);
	rv = 0;
out:
	PKCS12_free(p12);
	cs_entry_fini(&en);
	return rv;
}

int
certstore_export_cert(struct certstore *cs, const char *store,
    const char *thumbprint, bool der, char **out, size_t *len,
    struct rs_err *e)
{
	struct cs_entry	 en;
	unsigned char	*buf = NULL;
	int		 n;

	*out = NULL;
	if ((store = certstore_store_name(store, e)) == NULL)
		return -1;
	if (cs_entry_load(cs, store, thumbprint, false, &en, e) == -1)
		return -1;
	if (!der) {
		*out = cs_pem_of_certs(en.leaf, NULL, len, e);
		cs_entry_fini(&en);
		return *out != NULL ? 0 : -1;
	}
	n = i2d_X509(en.leaf, &buf);
	cs_entry_fini(&en);
	if (n <= 0)
		return cs_err_ssl(e, RS_E_INTERNAL, "cannot encode %s",
		    thumbprint);
	*out = xmalloc((size_t)n);
	memcpy(*out, buf, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(buf);
	return 0;
}
