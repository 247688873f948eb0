/*
 * parse.c: reading what admins bring: PEM bundles (certificates and one
 * key, plain or encrypted, in any order, with any text around the blocks
 * as "openssl pkcs12 -nodes" writes it), DER certificates (.cer), PKCS#7
 * bundles (.p7b, how Windows CAs answer) and PFX/PKCS#12 files, modern
 * (PBES2/AES) or legacy (RC2-40, 3DES: Windows and older tools).  OpenSSL 3
 * keeps RC2 in its "legacy" provider, loaded the first time a PFX is read.
 * Everything is parsed from memory; nothing here touches the store.
 */
#include "certstore/certstore_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>

#define PEM_BLOCKS_MAX	64	/* blocks in one PEM input */

struct pw_state {
	const char	*pw;
	size_t		 len;
	bool		 asked;
};

/* What the parsers of one input share: its name, password and limit. */
struct input {
	const char	*name;
	const char	*pw;		/* NULL: none given */
	size_t		 pwlen;
	uint64_t	 max_iter;	/* key-derivation iterations allowed */
};

void
cs_parsed_fini(struct cs_parsed *p)
{
	sk_X509_pop_free(p->certs, X509_free);
	EVP_PKEY_free(p->key);
	free(p->friendly);
	memset(p, 0, sizeof(*p));
}

/*
 * OpenSSL's providers are process-wide, so their handles are too: loaded
 * once (pthread_once), the first time a PFX is read, and unloaded at exit.
 * Loading "legacy" stops OpenSSL from loading "default" by itself, so both
 * are loaded.
 */
static pthread_once_t	 legacy_once = PTHREAD_ONCE_INIT;
static OSSL_PROVIDER	*prov_default, *prov_legacy;

static void
unload_legacy(void)
{
	OSSL_PROVIDER_unload(prov_legacy);
	OSSL_PROVIDER_unload(prov_default);
	prov_legacy = prov_default = NULL;
}

static void
load_legacy(void)
{
	prov_default = OSSL_PROVIDER_load(NULL, "default");
	prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	ERR_clear_error();
	atexit(unload_legacy);
}

static int
pw_cb(char *buf, int size, int rwflag, void *u)
{
	struct pw_state	*st = u;
	size_t		 n;

	(void)rwflag;
	st->asked = true;
	if (st->pw == NULL || size <= 0)
		return -1;
	n = st->len < (size_t)size ? st->len : (size_t)size;
	memcpy(buf, st->pw, n);
	return (int)n;
}

/*
 * The iteration count of an INTEGER; one that is negative or does not fit
 * counts as the most (it is refused).
 */
static uint64_t
iter_value(const ASN1_INTEGER *n)
{
	uint64_t	v = 0;

	if (n == NULL)
		return 1;	/* DEFAULT 1 in the PKCS#12 MacData */
	if (ASN1_INTEGER_get_uint64(&v, n) != 1) {
		ERR_clear_error();
		return UINT64_MAX;
	}
	return v;
}

/*
 * The iteration count of a password-based encryption algorithm (PKCS#12
 * and PKCS#5 v1 PBE, PBES2 with PBKDF2), read without deriving anything;
 * 0 when alg is not one of those (nothing to limit).
 */
static uint64_t
pbe_iter(const X509_ALGOR *alg)
{
	const ASN1_OBJECT	*obj;
	const void		*val;
	PBE2PARAM		*p2;
	PBKDF2PARAM		*kdf;
	PBEPARAM		*p1;
	uint64_t		 n = 0;
	int			 type;

	X509_ALGOR_get0(&obj, &type, &val, alg);
	if (type != V_ASN1_SEQUENCE || val == NULL)
		return 0;
	if (OBJ_obj2nid(obj) == NID_pbes2) {
		p2 = ASN1_item_unpack(val, ASN1_ITEM_rptr(PBE2PARAM));
		if (p2 != NULL && OBJ_obj2nid(p2->keyfunc->algorithm) ==
		    NID_id_pbkdf2 && (kdf = ASN1_TYPE_unpack_sequence(
		    ASN1_ITEM_rptr(PBKDF2PARAM), p2->keyfunc->parameter)) !=
		    NULL) {
			n = iter_value(kdf->iter);
			PBKDF2PARAM_free(kdf);
		}
		PBE2PARAM_free(p2);
	} else if ((p1 = ASN1_item_unpack(val, ASN1_ITEM_rptr(PBEPARAM))) !=
	    NULL) {
		n = iter_value(p1->iter);
		PBEPARAM_free(p1);
	}
	ERR_clear_error();
	return n;
}

static int
iter_check(const struct input *in, uint64_t n, const char *what,
    struct rs_err *e)
{
	if (n <= in->max_iter)
		return 0;
	return rs_err_set(e, RS_E_LIMIT, "cannot import %s: %s asks for %"
	    PRIu64 " key-derivation iterations, more than the limit of %"
	    PRIu64 " (real files use 2048 to about 1000000, and a huge count "
	    "costs minutes of CPU before any password is checked); if you "
	    "trust the file, add "
	    "--max-iterations %" PRIu64, in->name, what, n, in->max_iter, n);
}

/* An encrypted PKCS#8 key: its iteration count, before any is run. */
static int
pkcs8_iter_check(const char *blk, size_t n, const struct input *in,
    struct rs_err *e)
{
	const X509_ALGOR	*alg;
	X509_SIG		*sig;
	BIO			*bio = BIO_new_mem_buf(blk, (int)n);
	uint64_t		 it = 0;

	sig = bio != NULL ? PEM_read_bio_PKCS8(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (sig != NULL) {
		X509_SIG_get0(sig, &alg, NULL);
		it = pbe_iter(alg);
		X509_SIG_free(sig);
	}
	ERR_clear_error();
	return iter_check(in, it, "its encrypted private key", e);
}

static int
add_key(struct cs_parsed *out, const char *label, const char *blk, size_t n,
    const struct input *in, struct rs_err *e)
{
	struct pw_state	 st = { in->pw, in->pwlen, false };
	BIO		*bio;

	if (out->key != NULL)
		return rs_err_set(e, RS_E_BADINPUT, "%s holds more than one "
		    "private key; give one key with its certificate", in->name);
	if (strcmp(label, "ENCRYPTED PRIVATE KEY") == 0 &&
	    pkcs8_iter_check(blk, n, in, e) == -1)
		return -1;
	bio = BIO_new_mem_buf(blk, (int)n);
	out->key = bio == NULL ? NULL :
	    PEM_read_bio_PrivateKey(bio, NULL, pw_cb, &st);
	BIO_free(bio);
	if (out->key != NULL)
		return 0;
	if (st.asked && in->pw == NULL)
		return ERR_clear_error(), rs_err_set(e, RS_E_USAGE, "the "
		    "private key in %s is encrypted; give its password with "
		    "--password-file FILE or --password-stdin", in->name);
	if (st.asked)
		return ERR_clear_error(), rs_err_set(e, RS_E_PERM, "wrong "
		    "password for the private key in %s", in->name);
	return cs_err_ssl(e, RS_E_BADINPUT, "the private key in %s is corrupt",
	    in->name);
}

static int
add_p7(struct cs_parsed *out, PKCS7 *p7, const char *name, struct rs_err *e)
{
	STACK_OF(X509)	*certs = NULL;
	int		 i;

	if (p7 != NULL && PKCS7_type_is_signed(p7) && p7->d.sign != NULL)
		certs = p7->d.sign->cert;
	if (certs == NULL || sk_X509_num(certs) == 0) {
		PKCS7_free(p7);
		return cs_err_ssl(e, RS_E_BADINPUT, "%s holds no certificate "
		    "(a PKCS#7 bundle without certificates, or corrupt)", name);
	}
	for (i = 0; i < sk_X509_num(certs); i++)
		if (X509_up_ref(sk_X509_value(certs, i)))
			sk_X509_push(out->certs, sk_X509_value(certs, i));
	PKCS7_free(p7);
	return 0;
}

static int
add_block(struct cs_parsed *out, const char *label, const char *blk,
    size_t n, const struct input *in, struct rs_err *e)
{
	const char	*name = in->name;
	BIO		*bio;
	X509		*x = NULL;
	PKCS7		*p7 = NULL;

	if (str_has_suffix(label, "PRIVATE KEY"))
		return add_key(out, label, blk, n, in, e);
	if (strcmp(label, "EC PARAMETERS") == 0)
		return 0;	/* "openssl ecparam -genkey" puts it first */
	bio = BIO_new_mem_buf(blk, (int)n);
	if (bio == NULL)
		return cs_err_ssl(e, RS_E_INTERNAL, "out of memory");
	if (strcmp(label, "CERTIFICATE") == 0 ||
	    strcmp(label, "X509 CERTIFICATE") == 0)
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	else if (strcmp(label, "TRUSTED CERTIFICATE") == 0)
		x = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL);
	else if (strcmp(label, "PKCS7") == 0)
		p7 = PEM_read_bio_PKCS7(bio, NULL, NULL, NULL);
	else {
		BIO_free(bio);
		return rs_err_set(e, RS_E_BADINPUT, "%s holds a PEM block "
		    "'%s' that cannot be imported; give certificates and a "
		    "private key", name, label);
	}
	BIO_free(bio);
	if (strcmp(label, "PKCS7") == 0)
		return add_p7(out, p7, name, e);
	if (x == NULL)
		return cs_err_ssl(e, RS_E_BADINPUT, "%s holds a corrupt %s "
		    "block", name, label);
	sk_X509_push(out->certs, x);
	return 0;
}

/* Finds the next "-----BEGIN L-----" ... "-----END L-----"; returns its
 * start or NULL, the label in label, and the end past the END line. */
static const char *
next_block(const char *p, const char *end, char *label, size_t labelsz,
    const char **blk_end, const char *name, struct rs_err *e)
{
	const char	*b, *l, *le, *m;
	char		 endline[96];
	size_t		 n;

	b = memmem(p, (size_t)(end - p), "-----BEGIN ", 11);
	if (b == NULL)
		return NULL;
	l = b + 11;
	le = memmem(l, (size_t)(end - l), "-----", 5);
	n = le != NULL ? (size_t)(le - l) : 0;
	if (le == NULL || n == 0 || n >= labelsz || memchr(l, '\n', n)) {
		rs_err_set(e, RS_E_BADINPUT, "%s is corrupt: a PEM BEGIN line "
		    "is malformed", name);
		*blk_end = NULL;
		return NULL;
	}
	memcpy(label, l, n);
	label[n] = '\0';
	snprintf(endline, sizeof(endline), "-----END %s-----", label);
	m = memmem(le, (size_t)(end - le), endline, strlen(endline));
	if (m == NULL) {
		rs_err_set(e, RS_E_BADINPUT, "%s is truncated: the PEM block "
		    "'%s' has no END line", name, label);
		*blk_end = NULL;
		return NULL;
	}
	*blk_end = m + strlen(endline);
	return b;
}

static int
parse_pem(const char *data, size_t len, const struct input *in,
    struct cs_parsed *out, struct rs_err *e)
{
	const char	*p = data, *end = data + len, *b, *bend = data;
	const char	*name = in->name;
	char		 label[64];
	int		 nblk = 0;

	while ((b = next_block(p, end, label, sizeof(label), &bend, name,
	    e)) != NULL) {
		if (++nblk > PEM_BLOCKS_MAX)
			return rs_err_set(e, RS_E_LIMIT, "%s has more than %d "
			    "PEM blocks", name, PEM_BLOCKS_MAX);
		if (add_block(out, label, b, (size_t)(bend - b), in, e) == -1)
			return -1;
		p = bend;
	}
	if (bend == NULL)
		return -1;
	if (sk_X509_num(out->certs) == 0 && out->key == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "%s holds no certificate",
		    name);
	return 0;
}

/*
 * Which password opens the PFX, checked on its MAC.  An empty password
 * has two encodings: the BMPString terminator alone (OpenSSL, most tools)
 * or nothing at all (the "null" password some Windows tools write);
 * Windows tries both, and so does this, whether the password was not
 * given or given empty.
 */
static int
pfx_password(PKCS12 *p12, const struct input *in, const char **pass,
    struct rs_err *e)
{
	*pass = in->pw;
	if (!PKCS12_mac_present(p12))
		return 0;
	if (in->pw != NULL && in->pwlen > 0) {
		if (PKCS12_verify_mac(p12, in->pw, (int)in->pwlen) == 1)
			return 0;
		ERR_clear_error();
		return rs_err_set(e, RS_E_PERM, "cannot import %s: wrong "
		    "password (the file's integrity check failed)", in->name);
	}
	if (PKCS12_verify_mac(p12, NULL, 0) == 1)
		*pass = NULL;
	else if (PKCS12_verify_mac(p12, "", 0) == 1)
		*pass = "";
	else {
		ERR_clear_error();
		if (in->pw != NULL)
			return rs_err_set(e, RS_E_PERM, "cannot import %s: "
			    "wrong password (the file's integrity check failed "
			    "with an empty password in both encodings)",
			    in->name);
		return rs_err_set(e, RS_E_USAGE, "%s is protected by a "
		    "password; give it with --password-file FILE or "
		    "--password-stdin", in->name);
	}
	return 0;
}

/* The shrouded keys among bags (and bags nested in them). */
static int
scan_bags(const STACK_OF(PKCS12_SAFEBAG) *bags, const struct input *in,
    int depth, struct rs_err *e)
{
	const PKCS12_SAFEBAG	*bag;
	const X509_ALGOR	*alg;
	int			 i;

	for (i = 0; bags != NULL && i < sk_PKCS12_SAFEBAG_num(bags); i++) {
		bag = sk_PKCS12_SAFEBAG_value(bags, i);
		switch (PKCS12_SAFEBAG_get_nid(bag)) {
		case NID_pkcs8ShroudedKeyBag:
			X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &alg,
			    NULL);
			if (iter_check(in, pbe_iter(alg), "its private key",
			    e) == -1)
				return -1;
			break;
		case NID_safeContentsBag:
			if (depth < 3 && scan_bags(
			    PKCS12_SAFEBAG_get0_safes(bag), in, depth + 1,
			    e) == -1)
				return -1;
			break;
		}
	}
	return 0;
}

/*
 * The iteration counts a PFX asks for, each read before it is run: the
 * MAC (before the password is checked on it), each encrypted part, and
 * each shrouded key (inside an encrypted part, after that part's count
 * was found within the limit).  What cannot be read is left to
 * PKCS12_parse to refuse.
 */
static int
pfx_mac_iter(PKCS12 *p12, const struct input *in, struct rs_err *e)
{
	const ASN1_INTEGER	*it = NULL;

	if (!PKCS12_mac_present(p12))
		return 0;
	PKCS12_get0_mac(NULL, NULL, NULL, &it, p12);
	return iter_check(in, iter_value(it), "its integrity check (MAC)", e);
}

static int
pfx_scan(PKCS12 *p12, const struct input *in, const char *pass,
    struct rs_err *e)
{
	STACK_OF(PKCS7)		*safes = PKCS12_unpack_authsafes(p12);
	STACK_OF(PKCS12_SAFEBAG) *bags;
	PKCS7			*p7;
	int			 i, rv = 0;

	for (i = 0; safes != NULL && i < sk_PKCS7_num(safes) && rv == 0; i++) {
		p7 = sk_PKCS7_value(safes, i);
		bags = NULL;
		if (OBJ_obj2nid(p7->type) == NID_pkcs7_data)
			bags = PKCS12_unpack_p7data(p7);
		else if (OBJ_obj2nid(p7->type) == NID_pkcs7_encrypted &&
		    p7->d.encrypted != NULL) {
			rv = iter_check(in, pbe_iter(p7->d.encrypted->
			    enc_data->algorithm), "its encrypted part", e);
			if (rv == 0)
				bags = PKCS12_unpack_p7encdata(p7, pass, -1);
		}
		if (rv == 0)
			rv = scan_bags(bags, in, 0, e);
		sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
	}
	sk_PKCS7_pop_free(safes, PKCS7_free);
	ERR_clear_error();
	return rv;
}

static int
parse_pfx(PKCS12 *p12, const struct input *in, struct cs_parsed *out,
    struct rs_err *e)
{
	const char	*name = in->name;
	STACK_OF(X509)	*ca = NULL;
	X509		*cert = NULL;
	const char	*pass;
	unsigned char	*alias;
	int		 alen = 0;

	pthread_once(&legacy_once, load_legacy);
	if (pfx_mac_iter(p12, in, e) == -1 ||
	    pfx_password(p12, in, &pass, e) == -1 ||
	    pfx_scan(p12, in, pass, e) == -1)
		return -1;
	if (PKCS12_parse(p12, pass, &out->key, &cert, &ca) != 1) {
		if (prov_legacy == NULL)
			return cs_err_ssl(e, RS_E_BADINPUT,
			    "cannot read %s (it may use legacy encryption and "
			    "OpenSSL's legacy provider is not installed)",
			    name);
		return cs_err_ssl(e, RS_E_BADINPUT, "cannot read %s", name);
	}
	out->pfx = true;
	if (cert != NULL) {
		alias = X509_alias_get0(cert, &alen);
		if (alias != NULL && alen > 0)
			out->friendly = xstrndup((const char *)alias,
			    (size_t)alen);
		sk_X509_push(out->certs, cert);
	}
	while (ca != NULL && sk_X509_num(ca) > 0)
		sk_X509_push(out->certs, sk_X509_shift(ca));
	sk_X509_free(ca);
	if (sk_X509_num(out->certs) == 0)
		return rs_err_set(e, RS_E_BADINPUT, "%s holds no certificate",
		    name);
	return 0;
}

/* DER: one certificate, a PKCS#7 bundle or a PFX; all of data used. */
static int
parse_der(const char *data, size_t len, const struct input *in,
    struct cs_parsed *out, struct rs_err *e)
{
	const char		*name = in->name;
	const unsigned char	*p = (const unsigned char *)data;
	X509			*x;
	PKCS7			*p7;
	PKCS12			*p12;
	int			 rv;

	if ((x = d2i_X509(NULL, &p, (long)len)) != NULL &&
	    p == (const unsigned char *)data + len)
		return sk_X509_push(out->certs, x) > 0 ? 0 : -1;
	X509_free(x);
	p = (const unsigned char *)data;
	if ((p7 = d2i_PKCS7(NULL, &p, (long)len)) != NULL &&
	    p == (const unsigned char *)data + len)
		return add_p7(out, p7, name, e);
	PKCS7_free(p7);
	p = (const unsigned char *)data;
	if ((p12 = d2i_PKCS12(NULL, &p, (long)len)) != NULL &&
	    p == (const unsigned char *)data + len) {
		ERR_clear_error();
		rv = parse_pfx(p12, in, out, e);
		PKCS12_free(p12);
		return rv;
	}
	PKCS12_free(p12);
	ERR_clear_error();
	return rs_err_set(e, RS_E_BADINPUT, "cannot import %s: it is not a "
	    "certificate (PEM or DER), a PKCS#7 bundle or a PFX file, or it is "
	    "corrupt or truncated", name);
}

int
cs_parse_input(const char *data, size_t len, const char *name,
    const char *pw, size_t pwlen, uint64_t max_iter, struct cs_parsed *out,
    struct rs_err *e)
{
	struct input	in = { name, pw, pwlen, max_iter };
	int		rv;

	memset(out, 0, sizeof(*out));
	out->certs = sk_X509_new_null();
	if (out->certs == NULL)
		return cs_err_ssl(e, RS_E_INTERNAL, "out of memory");
	if (len == 0)
		rv = rs_err_set(e, RS_E_BADINPUT, "cannot import %s: the file "
		    "is empty", name);
	else if (memmem(data, len, "-----BEGIN ", 11) != NULL)
		rv = parse_pem(data, len, &in, out, e);
	else
		rv = parse_der(data, len, &in, out, e);
	if (rv == -1)
		cs_parsed_fini(out);
	ERR_clear_error();
	return rv;
}
