/*
 * chain.c: does a stored certificate chain up to the Root store, the way a
 * client that trusts Root would check it?  OpenSSL builds the chain from
 * what the server sends (the entry's .crt: leaf, then chain) and the Root
 * store, as a client would; the CA store is where import finds the
 * intermediates it adds to a .crt.  A verify callback sorts every
 * complaint into "the leaf's issuer is missing" (the server cannot send a
 * complete chain), "ends at a root not in Root" (it works for clients
 * that trust that root), or "does not verify" (a bad signature, an
 * expired intermediate).  The leaf's own dates and key usage are judged
 * elsewhere (info.c), so they are ignored here.
 */
#include "certstore/certstore_int.h"
#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

struct chain_result {
	unsigned	 problems;
	unsigned	 warnings;
	char		*reason;	/* the first complaint, for verify */
};

static char *
short_name(X509 *x)
{
	X509_NAME	*name = X509_get_subject_name(x);
	char		 cn[256], *line, *out;

	if (X509_NAME_get_text_by_NID(name, NID_commonName, cn,
	    sizeof(cn)) > 0)
		return xasprintf("CN=%s", cn);
	line = X509_NAME_oneline(name, NULL, 0);
	out = xstrdup(line != NULL ? line : "?");
	OPENSSL_free(line);
	return out;
}

/* One sentence for the first complaint, naming the certificate. */
static char *
reason_text(int err, bool problem, const char *who)
{
	switch (err) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		if (problem)
			return xasprintf("the issuer of %s is neither in its "
			    "chain nor in Root; import it into CA or Root",
			    who);
		return xasprintf("the root CA that issued %s is not in the "
		    "Root store", who);
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
		return xasprintf("%s is not in the Root store", who);
	default:
		return xasprintf("%s: %s", who,
		    X509_verify_cert_error_string(err));
	}
}

static void
note(struct chain_result *r, unsigned problem, unsigned warning,
    X509_STORE_CTX *ctx, int err)
{
	X509	*x = X509_STORE_CTX_get_current_cert(ctx);
	char	*who;

	r->problems |= problem;
	r->warnings |= warning;
	if (r->reason != NULL)
		return;
	who = x != NULL ? short_name(x) : xstrdup("?");
	r->reason = reason_text(err, problem != 0, who);
	free(who);
}

static int
verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct chain_result	*r = X509_STORE_CTX_get_app_data(ctx);
	int			 err = X509_STORE_CTX_get_error(ctx);
	int			 depth = X509_STORE_CTX_get_error_depth(ctx);

	if (ok)
		return 1;
	switch (err) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		/* Above the leaf the missing issuer is the root, which
		 * clients bring themselves; at the leaf it may be an
		 * intermediate the server must send. */
		if (depth > 0)
			note(r, 0, CERTSTORE_W_UNTRUSTED, ctx, err);
		else
			note(r, CERTSTORE_P_CHAIN_INCOMPLETE, 0, ctx, err);
		break;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
		note(r, 0, CERTSTORE_W_UNTRUSTED, ctx, err);
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_INVALID_PURPOSE:
		if (depth > 0)
			note(r, CERTSTORE_P_CHAIN_INVALID, 0, ctx, err);
		break;
	default:
		note(r, CERTSTORE_P_CHAIN_INVALID, 0, ctx, err);
	}
	return 1;	/* go on: collect every complaint */
}

static char *
chain_text(STACK_OF(X509) *chain, bool trusted)
{
	struct buf	 b;
	char		*name;
	int		 i;

	buf_init(&b, 0);
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		name = short_name(sk_X509_value(chain, i));
		buf_printf(&b, NULL, "%s%s", i > 0 ? " <- " : "", name);
		free(name);
	}
	if (trusted)
		buf_puts(&b, " (in Root)", NULL);
	return buf_take(&b, NULL);
}

void
cs_chain_check(struct cs_entry *en, struct cs_trust *trust,
    unsigned *problems, unsigned *warnings, char *root, char **chain,
    char **reason)
{
	struct chain_result	 r = { 0, 0, NULL };
	X509_STORE_CTX		*ctx = X509_STORE_CTX_new();
	STACK_OF(X509)		*untrusted = sk_X509_dup(en->chain), *built;
	int			 ok = 0;
	bool			 trusted;

	if (ctx != NULL && untrusted != NULL &&
	    X509_STORE_CTX_init(ctx, trust->roots, en->leaf, untrusted) == 1) {
		X509_STORE_CTX_set_app_data(ctx, &r);
		X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
		ok = X509_verify_cert(ctx);
	}
	if (ok != 1 && r.problems == 0 && r.warnings == 0)
		r.problems |= CERTSTORE_P_CHAIN_INVALID;
	trusted = ok == 1 && r.problems == 0 &&
	    (r.warnings & CERTSTORE_W_UNTRUSTED) == 0;
	built = ctx != NULL ? X509_STORE_CTX_get0_chain(ctx) : NULL;
	if (root != NULL && trusted && built != NULL)
		cs_thumb_of(sk_X509_value(built, sk_X509_num(built) - 1), root);
	if (chain != NULL)
		*chain = chain_text(built, trusted);
	if (reason != NULL)
		*reason = r.reason;
	else
		free(r.reason);
	*problems |= r.problems;
	*warnings |= r.warnings;
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	ERR_clear_error();
}

void
certstore_verify_fini(struct certstore_verify *v)
{
	certstore_info_fini(&v->info);
	free(v->chain);
	free(v->reason);
	memset(v, 0, sizeof(*v));
}

int
certstore_verify(struct certstore *cs, const char *store,
    const char *thumbprint, struct certstore_verify *v, struct rs_err *e)
{
	struct cs_entry	en;
	struct cs_trust	trust;

	memset(v, 0, sizeof(*v));
	if ((store = certstore_store_name(store, e)) == NULL)
		return -1;
	if (cs_entry_load(cs, store, thumbprint, true, &en, e) == -1)
		return -1;
	if (cs_trust_load(cs, &trust, e) == -1) {
		cs_entry_fini(&en);
		return -1;
	}
	cs_info_fill(cs, store, &en, NULL, &v->info);
	cs_chain_check(&en, &trust, &v->info.problems, &v->info.warnings,
	    v->root, &v->chain, &v->reason);
	v->trusted = v->root[0] != '\0';
	cs_trust_fini(&trust);
	cs_entry_fini(&en);
	return 0;
}
