/*
 * entry.c: one stored certificate: load its files (certificate chain,
 * private key, friendly name) into a struct cs_entry, write them back,
 * remove them, and give their paths to other programs.  Also the small
 * judgements about a key and a certificate that import and list share:
 * key type names, supported key types, self-signed.
 */
#include "certstore/certstore_int.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

void
cs_entry_fini(struct cs_entry *en)
{
	X509_free(en->leaf);
	sk_X509_pop_free(en->chain, X509_free);
	EVP_PKEY_free(en->key);
	free(en->friendly);
	memset(en, 0, sizeof(*en));
}

static void
load_key(const struct certstore *cs, const char *path, struct cs_entry *en)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		en->has_key_file = false;
		return;
	}
	en->has_key_file = true;
	if (!cs_key_mode_ok(path, &st) || (st.st_uid != 0 &&
	    st.st_uid != cs->svc_uid && st.st_uid != geteuid()))
		en->key_problems |= CERTSTORE_P_KEY_INSECURE;
	if (!cs_readable_by(path, cs->svc_uid, cs->svc_gid))
		en->key_problems |= CERTSTORE_P_KEY_UNREADABLE;
	en->key = cs_key_read(path, NULL);
	if (en->key == NULL) {
		if (access(path, R_OK) == -1)
			en->key_problems |= CERTSTORE_P_KEY_UNREADABLE;
		else
			en->key_problems |= CERTSTORE_P_KEY_CORRUPT;
		ERR_clear_error();
	}
}

int
cs_entry_load(const struct certstore *cs, const char *store,
    const char *thumb, bool want_key, struct cs_entry *en, struct rs_err *e)
{
	char		 p[RS_PATH_MAX], *pem, real[CERTSTORE_THUMB_LEN + 1];
	STACK_OF(X509)	*sk;
	size_t		 len = 0;

	memset(en, 0, sizeof(*en));
	if (cs_file(cs, store, thumb, ".crt", p, sizeof(p), e) == -1)
		return -1;
	pem = fs_read_file(p, CERTSTORE_FILE_MAX, &len, e);
	if (pem == NULL) {
		if (e != NULL && e->code == RS_E_NOTFOUND)
			rs_err_set(e, RS_E_NOTFOUND, "certificate %s is not in "
			    "the %s store", thumb, store);
		return -1;
	}
	sk = cs_pem_certs_parse(pem, len, p, e);
	free(pem);
	if (sk == NULL)
		return -1;
	en->leaf = sk_X509_shift(sk);
	en->chain = sk;
	cs_thumb_of(en->leaf, real);
	if (strcmp(real, thumb) != 0) {
		rs_err_set(e, RS_E_BADINPUT, "%s holds certificate %s, not %s; "
		    "the store was edited by hand", p, real, thumb);
		goto fail;
	}
	if (cs_file(cs, store, thumb, ".meta", p, sizeof(p), e) == -1)
		goto fail;
	en->friendly = cs_meta_friendly(p);
	if (cs_file(cs, store, thumb, ".key", p, sizeof(p), e) == -1)
		goto fail;
	if (want_key)
		load_key(cs, p, en);
	else
		en->has_key_file = fs_exists(p);
	return 0;
fail:
	cs_entry_fini(en);
	return -1;
}

/*
 * A key is root's alone (0600), or also its service group's (0640) in a
 * My granted to one (access.c), unless it is a CA's.  The group comes
 * from the setgid folder the file is created in.
 */
static int
write_key(const struct certstore *cs, const char *store, X509 *leaf,
    const char *thumb, EVP_PKEY *key, struct rs_err *e)
{
	mode_t	 mode = strcmp(store, CERTSTORE_MY) == 0 &&
		    (X509_get_extension_flags(leaf) & EXFLAG_CA) == 0 &&
		    cs_service_gid(cs) != (gid_t)-1 ? 0640 : 0600;
	char	 p[RS_PATH_MAX], *pem;
	size_t	 len = 0;
	int	 rv;

	pem = cs_pem_of_key(key, &len, e);
	if (pem == NULL)
		return -1;
	rv = cs_file(cs, store, thumb, ".key", p, sizeof(p), e) == -1 ? -1 :
	    fs_write_atomic(p, pem, len, mode, e);
	fs_free_secret(pem, len);
	return rv;
}

int
cs_entry_write(const struct certstore *cs, const char *store, X509 *leaf,
    STACK_OF(X509) *chain, EVP_PKEY *key, const char *friendly,
    struct rs_err *e)
{
	char	 thumb[CERTSTORE_THUMB_LEN + 1], p[RS_PATH_MAX];
	char	*data;
	size_t	 len = 0;
	bool	 existed;
	int	 rv;

	cs_thumb_of(leaf, thumb);
	existed = cs_entry_exists(cs, store, thumb);
	if (key != NULL && write_key(cs, store, leaf, thumb, key, e) == -1)
		goto fail;
	data = cs_meta_text(friendly);
	rv = cs_file(cs, store, thumb, ".meta", p, sizeof(p), e) == -1 ? -1 :
	    fs_write_atomic(p, data, strlen(data), 0644, e);
	free(data);
	if (rv == -1)
		goto fail;
	/* The certificate last: it is what makes the entry exist. */
	data = cs_pem_of_certs(leaf, chain, &len, e);
	if (data == NULL)
		goto fail;
	rv = cs_file(cs, store, thumb, ".crt", p, sizeof(p), e) == -1 ? -1 :
	    fs_write_atomic(p, data, len, 0644, e);
	free(data);
	if (rv == 0)
		return 0;
fail:
	/* A new entry that failed half-way leaves no files behind. */
	if (!existed) {
		if (cs_file(cs, store, thumb, ".key", p, sizeof(p), NULL) == 0)
			fs_unlink_durable(p, NULL);
		if (cs_file(cs, store, thumb, ".meta", p, sizeof(p), NULL) == 0)
			fs_unlink_durable(p, NULL);
	}
	return -1;
}

int
cs_crt_write(const struct certstore *cs, const char *store, X509 *leaf,
    STACK_OF(X509) *chain, struct rs_err *e)
{
	char	 thumb[CERTSTORE_THUMB_LEN + 1], p[RS_PATH_MAX], *data;
	size_t	 len = 0;
	int	 rv;

	cs_thumb_of(leaf, thumb);
	data = cs_pem_of_certs(leaf, chain, &len, e);
	if (data == NULL)
		return -1;
	rv = cs_file(cs, store, thumb, ".crt", p, sizeof(p), e) == -1 ? -1 :
	    fs_write_atomic(p, data, len, 0644, e);
	free(data);
	return rv;
}

int
certstore_remove(struct certstore *cs, const char *store,
    const char *thumbprint, struct rs_err *e)
{
	static const char *const exts[] = { ".crt", ".key", ".meta" };
	char			 p[RS_PATH_MAX];
	size_t			 i;
	int			 fd, rv = -1;

	if ((store = certstore_store_name(store, e)) == NULL)
		return -1;
	fd = cs_lock(cs, e);
	if (fd == -1)
		return -1;
	if (!cs_entry_exists(cs, store, thumbprint)) {
		rs_err_set(e, RS_E_NOTFOUND, "cannot remove %s: it is not in "
		    "the %s store", thumbprint, store);
		goto out;
	}
	/* The certificate first: without it the entry no longer exists,
	 * so a crash half-way leaves no visible half-entry. */
	for (i = 0; i < nitems(exts); i++)
		if (cs_file(cs, store, thumbprint, exts[i], p, sizeof(p),
		    e) == -1 || fs_unlink_durable(p, e) == -1)
			goto out;
	rv = cs_bump_generation(cs, e);
out:
	cs_unlock(fd);
	return rv;
}

int
certstore_paths(struct certstore *cs, const char *store,
    const char *thumbprint, char *cert_path, size_t cert_sz, char *key_path,
    size_t key_sz, struct rs_err *e)
{
	char	p[RS_PATH_MAX];

	if ((store = certstore_store_name(store, e)) == NULL)
		return -1;
	if (!cs_entry_exists(cs, store, thumbprint))
		return rs_err_set(e, RS_E_NOTFOUND, "certificate %s is not in "
		    "the %s store", thumbprint, store);
	if (cert_path != NULL &&
	    cs_file(cs, store, thumbprint, ".crt", cert_path, cert_sz, e) == -1)
		return -1;
	if (key_path == NULL)
		return 0;
	if (cs_file(cs, store, thumbprint, ".key", p, sizeof(p), e) == -1)
		return -1;
	if (!fs_exists(p))
		p[0] = '\0';
	if (str_copy(key_path, key_sz, p) == -1)
		return rs_err_set(e, RS_E_IO, "path too long: %s", p);
	return 0;
}

void
cs_key_type_name(EVP_PKEY *key, char out[32])
{
	char	curve[64] = "";
	size_t	n = 0;

	if (key == NULL) {	/* a certificate whose key does not decode */
		snprintf(out, 32, "unknown");
		return;
	}
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA:
		snprintf(out, 32, "rsa-%d", EVP_PKEY_get_bits(key));
		return;
	case EVP_PKEY_EC:
		EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
		    curve, sizeof(curve), &n);
		if (strcmp(curve, "prime256v1") == 0)
			snprintf(out, 32, "ecdsa-p256");
		else if (strcmp(curve, "secp384r1") == 0)
			snprintf(out, 32, "ecdsa-p384");
		else if (strcmp(curve, "secp521r1") == 0)
			snprintf(out, 32, "ecdsa-p521");
		else
			snprintf(out, 32, "ec-%.28s", curve[0] ? curve : "?");
		return;
	default:
		snprintf(out, 32, "%.31s",
		    OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
		for (char *c = out; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
	}
}

int
cs_key_supported(EVP_PKEY *key, struct rs_err *e)
{
	char	name[32];
	int	bits;

	if (key == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "the certificate's public "
		    "key cannot be read (corrupt or of an unknown type)");
	cs_key_type_name(key, name);
	bits = EVP_PKEY_get_bits(key);
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && bits >= 2048 &&
	    bits <= 16384)
		return 0;
	if (str_has_prefix(name, "ecdsa-"))
		return 0;
	return rs_err_set(e, RS_E_BADINPUT, "unsupported key type %s; use "
	    "RSA (2048 to 16384 bits) or ECDSA P-256, P-384 or P-521", name);
}

bool
cs_self_signed(X509 *x)
{
	return X509_self_signed(x, 0) == 1;
}
