/*
 * info.c: what a stored certificate is and whether it can serve TLS here.
 * Windows hides unusable certificates from its pickers and admins lose
 * hours to it; here every reason is named: no key, a key that belongs to
 * another certificate, a key file the service user cannot read or that
 * others can, a certificate not meant for TLS servers, dates, and a chain
 * that is incomplete or does not verify.  Also list, get and verify.
 */
#include "certstore/certstore_int.h"
#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static const char *const problem_texts[] = {
	"no private key",
	"private key does not match the certificate",
	"not valid for server authentication (extended or basic key usage)",
	"expired",
	"not yet valid",
	"chain incomplete: an issuer certificate is missing (import it into "
	    "CA or Root)",
	"private key unreadable by the service user",
	"private key file is readable by others or by a group other than the "
	    "store's service group (must be 0600, or 0640 with that group)",
	"private key file is corrupt",
	"key type or size not supported for TLS (use RSA of 2048 bits or more, "
	    "or ECDSA P-256, P-384 or P-521)",
	"certificate file is corrupt",
	"chain does not verify",
};

static const char *const warning_texts[] = {
	"not trusted: its chain does not end at a certificate in Root",
	"expires within 30 days",
	"expired",
	"the private key was not stored (Root and CA hold certificates only)",
	"no DNS name or IP address in subjectAltName",
};

static const char *const problem_names[] = {
	"no_key", "key_mismatch", "not_server_auth", "expired",
	"not_yet_valid", "chain_incomplete", "key_unreadable", "key_insecure",
	"key_corrupt", "unsupported_key", "cert_corrupt", "chain_invalid",
};

static const char *const warning_names[] = {
	"untrusted", "expires_soon", "expired", "key_dropped", "no_dns",
};

static const char *
bit_text(const char *const *texts, size_t n, unsigned bit)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (bit == 1u << i)
			return texts[i];
	return "unknown problem";
}

const char *
certstore_problem_text(unsigned bit)
{
	return bit_text(problem_texts, nitems(problem_texts), bit);
}

const char *
certstore_warning_text(unsigned bit)
{
	return bit_text(warning_texts, nitems(warning_texts), bit);
}

const char *
certstore_problem_name(unsigned bit)
{
	const char	*s;

	s = bit_text(problem_names, nitems(problem_names), bit);

	return strcmp(s, "unknown problem") == 0 ? "unknown" : s;
}

const char *
certstore_warning_name(unsigned bit)
{
	const char	*s;

	s = bit_text(warning_names, nitems(warning_names), bit);

	return strcmp(s, "unknown problem") == 0 ? "unknown" : s;
}

void
certstore_info_fini(struct certstore_info *in)
{
	size_t	i;

	free(in->friendly_name);
	free(in->subject);
	free(in->issuer);
	free(in->serial);
	for (i = 0; i < in->n_dns; i++)
		free(in->dns_names[i]);
	free(in->dns_names);
	memset(in, 0, sizeof(*in));
}

void
certstore_list_free(struct certstore_info *v, size_t n)
{
	size_t	i;

	for (i = 0; v != NULL && i < n; i++)
		certstore_info_fini(&v[i]);
	free(v);
}

static char *
name_text(const X509_NAME *name)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*data, *out;
	long	 n;

	if (bio == NULL)
		return xstrdup("");
	X509_NAME_print_ex(bio, name, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_get_mem_data(bio, &data);
	out = xstrndup(data, (size_t)n);
	BIO_free(bio);
	return out;
}

static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

static char *
ip_text(const ASN1_OCTET_STRING *ip)
{
	char	out[64] = "?";
	int	len = ASN1_STRING_length(ip);

	if (len == 4 || len == 16)
		inet_ntop(len == 4 ? AF_INET : AF_INET6,
		    ASN1_STRING_get0_data(ip), out, sizeof(out));
	return xstrdup(out);
}

static void
fill_dns(X509 *x, struct certstore_info *in)
{
	GENERAL_NAMES	*gens;
	GENERAL_NAME	*g;
	const char	*s;
	int		 i, n;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (gens == NULL)
		return;
	n = sk_GENERAL_NAME_num(gens);
	if (n > CERTSTORE_DNS_MAX)
		n = CERTSTORE_DNS_MAX;
	in->dns_names = xcalloc((size_t)n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type == GEN_IPADD) {
			in->dns_names[in->n_dns++] = ip_text(g->d.iPAddress);
			continue;
		}
		if (g->type != GEN_DNS)
			continue;
		s = (const char *)ASN1_STRING_get0_data(g->d.dNSName);
		in->dns_names[in->n_dns++] = xstrndup(s,
		    (size_t)ASN1_STRING_length(g->d.dNSName));
	}
	GENERAL_NAMES_free(gens);
}

static char *
serial_text(X509 *x)
{
	BIGNUM	*bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char	*hex = bn != NULL ? BN_bn2hex(bn) : NULL;
	char	*out = xstrdup(hex != NULL ? hex : "");

	OPENSSL_free(hex);
	BN_free(bn);
	return out;
}

static void
fill_names(X509 *x, struct certstore_info *in)
{
	EVP_PKEY	*pub = X509_get0_pubkey(x);

	in->subject = name_text(X509_get_subject_name(x));
	in->issuer = name_text(X509_get_issuer_name(x));
	in->serial = serial_text(x);
	fill_dns(x, in);
	if (pub != NULL)
		cs_key_type_name(pub, in->key_type);
	else
		str_copy(in->key_type, sizeof(in->key_type), "unknown");
	in->self_signed = cs_self_signed(x);
	in->server_auth =
	    X509_check_purpose(x, X509_PURPOSE_SSL_SERVER, 0) == 1;
	in->is_ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
	if (in->n_dns == 0 && !in->is_ca)
		in->warnings |= CERTSTORE_W_NO_DNS;
}

static void
fill_dates(X509 *x, struct certstore_info *in)
{
	time_t	now = time(NULL);

	in->not_before = asn1_time(X509_get0_notBefore(x));
	in->not_after = asn1_time(X509_get0_notAfter(x));
	/* Whole days, rounded up while valid: "1 day left" until the end. */
	in->days_left = in->not_after >= now ?
	    (long)((in->not_after - now + 86399) / 86400) :
	    -(long)((now - in->not_after + 86399) / 86400);
	if (in->not_after < now)
		in->problems |= CERTSTORE_P_EXPIRED;
	else if (in->not_after - now < CERTSTORE_SOON_DAYS * 86400L)
		in->warnings |= CERTSTORE_W_EXPIRES_SOON;
	if (in->not_before > now)
		in->problems |= CERTSTORE_P_NOT_YET_VALID;
}

void
cs_info_fill(const struct certstore *cs, const char *store,
    struct cs_entry *en, struct cs_trust *trust, struct certstore_info *in)
{
	EVP_PKEY	*pub = X509_get0_pubkey(en->leaf);

	(void)cs;
	memset(in, 0, sizeof(*in));
	cs_thumb_of(en->leaf, in->thumbprint);
	cs_sha256_of(en->leaf, in->sha256);
	str_copy(in->store, sizeof(in->store), store);
	in->friendly_name = xstrdup(en->friendly != NULL ? en->friendly : "");
	in->chain_len = (size_t)sk_X509_num(en->chain);
	fill_names(en->leaf, in);
	fill_dates(en->leaf, in);
	in->has_key = en->has_key_file;
	if (!in->server_auth)
		in->problems |= CERTSTORE_P_NOT_SERVER_AUTH;
	if (pub == NULL || cs_key_supported(pub, NULL) == -1)
		in->problems |= CERTSTORE_P_UNSUPPORTED_KEY;
	if (!en->has_key_file)
		in->problems |= CERTSTORE_P_NO_KEY;
	in->problems |= en->key_problems;
	if (en->key != NULL && X509_check_private_key(en->leaf, en->key) != 1)
		in->problems |= CERTSTORE_P_KEY_MISMATCH;
	ERR_clear_error();
	if (trust != NULL)
		cs_chain_check(en, trust, &in->problems, &in->warnings, NULL,
		    NULL, NULL);
}

void
cs_trust_fini(struct cs_trust *t)
{
	X509_STORE_free(t->roots);
	sk_X509_pop_free(t->cas, X509_free);
	memset(t, 0, sizeof(*t));
}

static int
trust_add_store(const struct certstore *cs, const char *store,
    struct cs_trust *t, struct rs_err *e)
{
	char		(*v)[CERTSTORE_THUMB_LEN + 1];
	struct cs_entry	  en;
	size_t		  i, n;

	if (cs_thumbs(cs, store, &v, &n, e) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (cs_entry_load(cs, store, v[i], false, &en, NULL) == -1)
			continue;
		if (strcmp(store, CERTSTORE_ROOT) == 0)
			X509_STORE_add_cert(t->roots, en.leaf);
		else if (X509_up_ref(en.leaf))
			sk_X509_push(t->cas, en.leaf);
		cs_entry_fini(&en);
	}
	free(v);
	ERR_clear_error();
	return 0;
}

int
cs_trust_load(const struct certstore *cs, struct cs_trust *t,
    struct rs_err *e)
{
	t->roots = X509_STORE_new();
	t->cas = sk_X509_new_null();
	if (t->roots == NULL || t->cas == NULL) {
		cs_trust_fini(t);
		return cs_err_ssl(e, RS_E_INTERNAL, "out of memory");
	}
	/* Windows trusts whatever is in Root, self-signed or not. */
	X509_STORE_set_flags(t->roots, X509_V_FLAG_PARTIAL_CHAIN);
	if (trust_add_store(cs, CERTSTORE_ROOT, t, e) == -1 ||
	    trust_add_store(cs, CERTSTORE_CA, t, e) == -1) {
		cs_trust_fini(t);
		return -1;
	}
	return 0;
}

int
certstore_get(struct certstore *cs, const char *store, const char *thumb,
    struct certstore_info *in, struct rs_err *e)
{
	struct cs_entry	en;
	struct cs_trust	trust;

	memset(in, 0, sizeof(*in));
	if ((store = certstore_store_name(store, e)) == NULL)
		return -1;
	if (cs_entry_load(cs, store, thumb, true, &en, e) == -1)
		return -1;
	if (cs_trust_load(cs, &trust, e) == -1) {
		cs_entry_fini(&en);
		return -1;
	}
	cs_info_fill(cs, store, &en, &trust, in);
	cs_trust_fini(&trust);
	cs_entry_fini(&en);
	return 0;
}

/* An entry whose certificate file does not parse still gets listed. */
static void
corrupt_info(const char *store, const char *thumb, struct certstore_info *in)
{
	memset(in, 0, sizeof(*in));
	str_copy(in->thumbprint, sizeof(in->thumbprint), thumb);
	str_copy(in->store, sizeof(in->store), store);
	str_copy(in->key_type, sizeof(in->key_type), "unknown");
	in->friendly_name = xstrdup("");
	in->subject = xstrdup("");
	in->issuer = xstrdup("");
	in->serial = xstrdup("");
	in->problems = CERTSTORE_P_CERT_CORRUPT;
}

static int
info_cmp(const void *a, const void *b)
{
	const struct certstore_info	*x = a, *y = b;
	int				 c = strcmp(x->subject, y->subject);

	return c != 0 ? c : strcmp(x->thumbprint, y->thumbprint);
}

int
certstore_list(struct certstore *cs, const char *store,
    struct certstore_info **out, size_t *n, struct rs_err *e)
{
	char			(*v)[CERTSTORE_THUMB_LEN + 1];
	struct certstore_info	 *list = NULL;
	struct cs_entry		  en;
	struct cs_trust		  trust;
	size_t			  i, nv;

	*out = NULL;
	*n = 0;
	if ((store = certstore_store_name(store, e)) == NULL)
		return -1;
	if (cs_thumbs(cs, store, &v, &nv, e) == -1)
		return -1;
	if (cs_trust_load(cs, &trust, e) == -1) {
		free(v);
		return -1;
	}
	if (nv > 0)
		list = xcalloc(nv, sizeof(*list));
	for (i = 0; i < nv; i++) {
		if (cs_entry_load(cs, store, v[i], true, &en, NULL) == -1) {
			corrupt_info(store, v[i], &list[i]);
			continue;
		}
		cs_info_fill(cs, store, &en, &trust, &list[i]);
		cs_entry_fini(&en);
	}
	cs_trust_fini(&trust);
	free(v);
	if (nv > 0)
		qsort(list, nv, sizeof(*list), info_cmp);
	*out = list;
	*n = nv;
	return 0;
}
