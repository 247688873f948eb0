/*
 * create.c: new keys, self-signed certificates and certificate requests.
 * A new certificate is fit for a TLS server as clients check it today:
 * subject CN = the first name, every name in subjectAltName (DNS, or IP
 * for an address literal), extendedKeyUsage serverAuth, keyUsage
 * digitalSignature (+ keyEncipherment for RSA), a random positive 128-bit
 * serial, SHA-256.  A request's key waits in REQUEST/ named by the SHA-1
 * of its public key, so the CA's answer finds it without a search.
 * A local root CA (the small organisation's CA) is a CA:TRUE, pathlen 0
 * certificate that may only sign certificates; its key stays in My,
 * root's alone, and its certificate also goes to Root.  What it issues is
 * the same server certificate as above, signed by it.
 */
#include "certstore/certstore_int.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

static const struct {
	const char		*name;
	enum certstore_key_type	 type;
} key_types[] = {
	{ "ecdsa-p256", CERTSTORE_KEY_ECDSA_P256 },
	{ "rsa-2048", CERTSTORE_KEY_RSA_2048 },
	{ "rsa-3072", CERTSTORE_KEY_RSA_3072 },
};

int
certstore_key_type_parse(const char *s, enum certstore_key_type *out,
    struct rs_err *e)
{
	size_t	i;

	for (i = 0; i < nitems(key_types); i++)
		if (str_ieq(s, key_types[i].name)) {
			*out = key_types[i].type;
			return 0;
		}
	return rs_err_set(e, RS_E_USAGE, "unknown key type '%s'; use "
	    "ecdsa-p256, rsa-2048 or rsa-3072", s);
}

static EVP_PKEY *
gen_key(enum certstore_key_type t, struct rs_err *e)
{
	EVP_PKEY	*k = NULL;

	switch (t) {
	case CERTSTORE_KEY_ECDSA_P256:
		k = EVP_EC_gen("P-256");
		break;
	case CERTSTORE_KEY_RSA_2048:
		k = EVP_RSA_gen(2048);
		break;
	case CERTSTORE_KEY_RSA_3072:
		k = EVP_RSA_gen(3072);
		break;
	}
	if (k == NULL)
		cs_err_ssl(e, RS_E_INTERNAL, "cannot generate a key");
	return k;
}

static bool
is_ip(const char *s)
{
	unsigned char	a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* A DNS name as it may appear in a certificate: letters, digits,
 * hyphens, dots, an optional leading "*." wildcard. */
static int
check_name(const char *s, struct rs_err *e)
{
	size_t		 n = strlen(s), label = 0;
	const char	*p = str_has_prefix(s, "*.") ? s + 2 : s;

	if (is_ip(s))
		return 0;
	if (n == 0 || n > CERTSTORE_NAME_MAX)
		return rs_err_set(e, RS_E_USAGE, "invalid DNS name '%s': it "
		    "must have 1 to %d characters", s, CERTSTORE_NAME_MAX);
	for (; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0)
				goto bad;
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-') || ++label > 63)
			goto bad;
	}
	if (label == 0)
		goto bad;
	return 0;
bad:
	return rs_err_set(e, RS_E_USAGE, "invalid DNS name '%s': use letters, "
	    "digits, hyphens and dots (a leading '*.' for a wildcard)", s);
}

static int
check_new(const struct certstore_new *nw, struct rs_err *e)
{
	size_t	i;

	if (nw->n_dns == 0)
		return rs_err_set(e, RS_E_USAGE,
		    "no name given; add --dns NAME");
	if (nw->n_dns > CERTSTORE_DNS_MAX)
		return rs_err_set(e, RS_E_USAGE, "too many names (%zu); the "
		    "limit is %d", nw->n_dns, CERTSTORE_DNS_MAX);
	for (i = 0; i < nw->n_dns; i++)
		if (check_name(nw->dns[i], e) == -1)
			return -1;
	if (nw->days > CERTSTORE_DAYS_MAX)
		return rs_err_set(e, RS_E_USAGE, "--days %u is more than %d",
		    nw->days, CERTSTORE_DAYS_MAX);
	return cs_friendly_check(nw->friendly_name, e);
}

static char *
san_text(const struct certstore_new *nw)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, 0);
	for (i = 0; i < nw->n_dns; i++)
		buf_printf(&b, NULL, "%s%s:%s", i > 0 ? "," : "",
		    is_ip(nw->dns[i]) ? "IP" : "DNS", nw->dns[i]);
	return buf_take(&b, NULL);
}

/* The extensions of a new certificate or request, in order. */
static int
add_exts(X509V3_CTX *ctx, const struct certstore_new *nw, EVP_PKEY *key,
    X509 *x, STACK_OF(X509_EXTENSION) **req_exts, struct rs_err *e)
{
	char		*san = nw->ca_name == NULL ? san_text(nw) : NULL;
	const char	*ku = nw->ca_name != NULL ?
			    "critical,keyCertSign,cRLSign" :
			    EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ?
			    "critical,digitalSignature,keyEncipherment" :
			    "critical,digitalSignature";
	struct { int nid; const char *v; } leaf[] = {
		{ NID_basic_constraints, "critical,CA:FALSE" },
		{ NID_key_usage, ku },
		{ NID_ext_key_usage, "serverAuth" },
		{ NID_subject_alt_name, san },
		{ NID_subject_key_identifier, "hash" },
		{ NID_authority_key_identifier, "keyid:always" },
	}, ca[] = {
		{ NID_basic_constraints, "critical,CA:TRUE,pathlen:0" },
		{ NID_key_usage, ku },
		{ NID_subject_key_identifier, "hash" },
		{ NID_authority_key_identifier, "keyid:always" },
	}, *ext = nw->ca_name != NULL ? ca : leaf;
	X509_EXTENSION	*ex;
	size_t		 i, n = nw->ca_name != NULL ? nitems(ca) :
			    x != NULL ? nitems(leaf) : nitems(leaf) - 2;
	int		 rv = 0;

	for (i = 0; i < n && rv == 0; i++) {
		ex = X509V3_EXT_conf_nid(NULL, ctx, ext[i].nid, ext[i].v);
		if (ex == NULL)
			rv = cs_err_ssl(e, RS_E_INTERNAL, "cannot make "
			    "extension %s", OBJ_nid2sn(ext[i].nid));
		else if (x != NULL)
			X509_add_ext(x, ex, -1);
		else
			X509v3_add_ext(req_exts, ex, -1);
		X509_EXTENSION_free(ex);
	}
	free(san);
	return rv;
}

static X509_NAME *
subject_of(const struct certstore_new *nw)
{
	X509_NAME	*name = X509_NAME_new();
	const char	*cn = nw->ca_name != NULL ? nw->ca_name : nw->dns[0];

	if (name != NULL && X509_NAME_add_entry_by_NID(name, NID_commonName,
	    MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) != 1) {
		X509_NAME_free(name);
		return NULL;
	}
	return name;
}

static int
set_serial_dates(X509 *x, const struct certstore_new *nw, X509 *issuer,
    struct rs_err *e)
{
	unsigned char	 r[16];
	BIGNUM		*bn;
	time_t		 from = nw->not_before != 0 ? nw->not_before :
			    time(NULL) - 600;	/* clients' clocks lag */
	unsigned	 days = nw->days != 0 ? nw->days :
			    nw->ca_name != NULL ? CERTSTORE_CA_DAYS_DEFAULT :
			    CERTSTORE_DAYS_DEFAULT;
	int		 ok;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return cs_err_ssl(e, RS_E_INTERNAL, "cannot make a serial");
	r[0] &= 0x7f;
	r[0] |= 0x40;	/* positive, and always 16 bytes long */
	bn = BN_bin2bn(r, sizeof(r), NULL);
	ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
	    ASN1_TIME_set(X509_getm_notBefore(x), from) != NULL &&
	    ASN1_TIME_set(X509_getm_notAfter(x), from + 600 +
	    (time_t)days * 86400) != NULL;
	BN_free(bn);
	/* A certificate never outlives its issuer. */
	if (ok && issuer != NULL && ASN1_TIME_compare(X509_get0_notAfter(x),
	    X509_get0_notAfter(issuer)) > 0)
		ok = X509_set1_notAfter(x, X509_get0_notAfter(issuer));
	if (!ok)
		return cs_err_ssl(e, RS_E_INTERNAL,
		    "cannot set serial or dates");
	return 0;
}

/*
 * A new certificate for key: self-signed when issuer is NULL, else
 * issued by issuer and signed with issuer_key.
 */
static X509 *
make_cert(const struct certstore_new *nw, EVP_PKEY *key, X509 *issuer,
    EVP_PKEY *issuer_key, struct rs_err *e)
{
	X509		*x = X509_new();
	X509_NAME	*name = subject_of(nw);
	X509V3_CTX	 ctx;

	if (x == NULL || name == NULL || X509_set_version(x, 2) != 1 ||
	    X509_set_subject_name(x, name) != 1 ||
	    X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name) != 1 ||
	    X509_set_pubkey(x, key) != 1) {
		cs_err_ssl(e, RS_E_INTERNAL, "cannot build certificate");
		goto fail;
	}
	if (set_serial_dates(x, nw, issuer, e) == -1)
		goto fail;
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if (add_exts(&ctx, nw, key, x, NULL, e) == -1)
		goto fail;
	if (X509_sign(x, issuer_key != NULL ? issuer_key : key,
	    EVP_sha256()) <= 0) {
		cs_err_ssl(e, RS_E_INTERNAL, "cannot sign certificate");
		goto fail;
	}
	X509_NAME_free(name);
	return x;
fail:
	X509_NAME_free(name);
	X509_free(x);
	return NULL;
}

/*
 * Makes a key and a certificate for nw (self-signed, or issued by issuer
 * and signed with issuer_key) and stores both in store, the certificate
 * also in Root when root is set, under the writers' lock.
 */
static int
create(struct certstore *cs, const struct certstore_new *nw,
    const char *store, X509 *issuer, EVP_PKEY *issuer_key, bool root,
    char thumb[CERTSTORE_THUMB_LEN + 1], struct rs_err *e)
{
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	int		 fd = -1, rv = -1;

	if ((key = gen_key(nw->key_type, e)) == NULL ||
	    (x = make_cert(nw, key, issuer, issuer_key, e)) == NULL)
		goto out;
	if ((fd = cs_lock(cs, e)) == -1)
		goto out;
	if (cs_entry_write(cs, store, x, NULL, key, nw->friendly_name,
	    e) == -1 || (root && cs_entry_write(cs, CERTSTORE_ROOT, x, NULL,
	    NULL, nw->friendly_name, e) == -1) ||
	    cs_bump_generation(cs, e) == -1)
		goto out;
	cs_thumb_of(x, thumb);
	rv = 0;
out:
	cs_unlock(fd);
	X509_free(x);
	EVP_PKEY_free(key);
	return rv;
}

int
certstore_new_self_signed(struct certstore *cs, const struct certstore_new *nw,
    char thumb[CERTSTORE_THUMB_LEN + 1], struct rs_err *e)
{
	const char	*store;

	if ((store = certstore_store_name(nw->store, e)) == NULL ||
	    check_new(nw, e) == -1)
		return -1;
	return create(cs, nw, store, NULL, NULL, false, thumb, e);
}

static X509_REQ *
make_req(const struct certstore_new *nw, EVP_PKEY *key, struct rs_err *e)
{
	X509_REQ			*req = X509_REQ_new();
	X509_NAME			*name = subject_of(nw);
	STACK_OF(X509_EXTENSION)	*exts = NULL;
	X509V3_CTX			 ctx;

	if (req == NULL || name == NULL || X509_REQ_set_version(req, 0) != 1 ||
	    X509_REQ_set_subject_name(req, name) != 1 ||
	    X509_REQ_set_pubkey(req, key) != 1) {
		cs_err_ssl(e, RS_E_INTERNAL, "cannot build request");
		goto fail;
	}
	X509V3_set_ctx(&ctx, NULL, NULL, req, NULL, 0);
	if (add_exts(&ctx, nw, key, NULL, &exts, e) == -1)
		goto fail;
	if (X509_REQ_add_extensions(req, exts) != 1 ||
	    X509_REQ_sign(req, key, EVP_sha256()) <= 0) {
		cs_err_ssl(e, RS_E_INTERNAL, "cannot sign request");
		goto fail;
	}
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_NAME_free(name);
	return req;
fail:
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_NAME_free(name);
	X509_REQ_free(req);
	return NULL;
}

static char *
req_pem(X509_REQ *req, size_t *len, struct rs_err *e)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*data, *out = NULL;
	long	 n;

	if (bio != NULL && PEM_write_bio_X509_REQ(bio, req) == 1) {
		n = BIO_get_mem_data(bio, &data);
		out = xstrndup(data, (size_t)n);
		*len = (size_t)n;
	} else
		cs_err_ssl(e, RS_E_INTERNAL, "cannot encode request");
	BIO_free(bio);
	return out;
}

/* Writes REQUEST/<keyid>.key and .meta; the caller holds the lock. */
static int
save_pending(struct certstore *cs, EVP_PKEY *key, const char *friendly,
    struct rs_err *e)
{
	char	 id[CERTSTORE_THUMB_LEN + 1], p[RS_PATH_MAX], *pem, *meta;
	size_t	 len = 0;
	int	 rv;

	if (cs_keyid_of(key, id, e) == -1 ||
	    (pem = cs_pem_of_key(key, &len, e)) == NULL)
		return -1;
	rv = cs_file(cs, CS_REQUEST, id, ".key", p, sizeof(p), e) == -1 ? -1 :
	    fs_write_atomic(p, pem, len, 0600, e);
	fs_free_secret(pem, len);
	if (rv == -1)
		return -1;
	meta = cs_meta_text(friendly);
	rv = cs_file(cs, CS_REQUEST, id, ".meta", p, sizeof(p), e) == -1 ? -1 :
	    fs_write_atomic(p, meta, strlen(meta), 0644, e);
	free(meta);
	return rv;
}

int
certstore_request(struct certstore *cs, const struct certstore_new *nw,
    char **csr_pem, size_t *csr_len, struct rs_err *e)
{
	EVP_PKEY	*key = NULL;
	X509_REQ	*req = NULL;
	char		*pem = NULL;
	int		 fd = -1, rv = -1;

	*csr_pem = NULL;
	if (check_new(nw, e) == -1)
		return -1;
	if ((key = gen_key(nw->key_type, e)) == NULL ||
	    (req = make_req(nw, key, e)) == NULL ||
	    (pem = req_pem(req, csr_len, e)) == NULL)
		goto out;
	if ((fd = cs_lock(cs, e)) == -1 ||
	    save_pending(cs, key, nw->friendly_name, e) == -1 ||
	    cs_bump_generation(cs, e) == -1)
		goto out;
	*csr_pem = pem;
	pem = NULL;
	rv = 0;
out:
	cs_unlock(fd);
	free(pem);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	return rv;
}

/* A CA's name: printable text, 1 to 64 bytes (the X.520 bound of a CN). */
static int
check_ca(const struct certstore_new *nw, struct rs_err *e)
{
	size_t	n = nw->ca_name != NULL ? strlen(nw->ca_name) : 0;

	if (n == 0 || n > CERTSTORE_CA_NAME_MAX)
		return rs_err_set(e, RS_E_USAGE, "a CA needs a name of 1 to %d "
		    "characters; give --name TEXT", CERTSTORE_CA_NAME_MAX);
	if (cs_friendly_check(nw->ca_name, e) == -1)
		return rs_err_prefix(e, "--name"), -1;
	if (nw->days > CERTSTORE_DAYS_MAX)
		return rs_err_set(e, RS_E_USAGE, "--days %u is more than %d",
		    nw->days, CERTSTORE_DAYS_MAX);
	return cs_friendly_check(nw->friendly_name, e);
}

int
certstore_new_ca(struct certstore *cs, const struct certstore_new *nw,
    char thumb[CERTSTORE_THUMB_LEN + 1], struct rs_err *e)
{
	/* The key stays in My (0600: a CA's key is never the service's);
	 * Root gets the certificate, so the store trusts what it issues. */
	if (check_ca(nw, e) == -1)
		return -1;
	return create(cs, nw, CERTSTORE_MY, NULL, NULL, true, thumb, e);
}

/* The CA of My that issues: a CA certificate with its key, valid now. */
static int
load_issuer(struct certstore *cs, const char *ca, struct cs_entry *en,
    struct rs_err *e)
{
	if (cs_entry_load(cs, CERTSTORE_MY, ca, true, en, e) == -1)
		return -1;
	if (X509_check_ca(en->leaf) == 0 ||
	    ((X509_get_extension_flags(en->leaf) & EXFLAG_KUSAGE) != 0 &&
	    (X509_get_key_usage(en->leaf) & KU_KEY_CERT_SIGN) == 0))
		rs_err_set(e, RS_E_BADINPUT, "cannot issue from %s: it is not "
		    "a CA certificate (make one with 'certstore new-ca --name "
		    "\"Local CA\"')", ca);
	else if (en->key == NULL)
		rs_err_set(e, RS_E_BADINPUT, "cannot issue from %s: its "
		    "private key is not in My or cannot be read", ca);
	else if (X509_check_private_key(en->leaf, en->key) != 1)
		rs_err_set(e, RS_E_BADINPUT, "cannot issue from %s: its "
		    "private key does not match it", ca);
	else if (X509_cmp_current_time(X509_get0_notAfter(en->leaf)) < 0 ||
	    X509_cmp_current_time(X509_get0_notBefore(en->leaf)) > 0)
		rs_err_set(e, RS_E_BADINPUT, "cannot issue from %s: the CA "
		    "certificate is expired or not yet valid", ca);
	else
		return 0;
	ERR_clear_error();
	cs_entry_fini(en);
	return -1;
}

int
certstore_issue(struct certstore *cs, const char *ca,
    const struct certstore_new *nw, char thumb[CERTSTORE_THUMB_LEN + 1],
    struct rs_err *e)
{
	struct cs_entry	en;
	int		rv;

	if (check_new(nw, e) == -1 || load_issuer(cs, ca, &en, e) == -1)
		return -1;
	/* The chain is empty: clients hold the root, as with any root CA. */
	rv = create(cs, nw, CERTSTORE_MY, en.leaf, en.key, false, thumb, e);
	cs_entry_fini(&en);
	return rv;
}
