/*
 * import.c: putting what was parsed into a store.  My holds one leaf
 * certificate with its private key and its chain: the key comes with the
 * file (PFX, PEM bundle) or waits in REQUEST/ for the CA's answer.  Root
 * and CA hold certificates only: a bundle without a key puts each of its
 * certificates there; a file with a key puts its leaf there and drops the
 * key (with a warning).  Chain certificates go to CA (or Root when
 * self-signed) only when asked.  Every check happens before the lock is
 * taken and the first file written, so bad input changes nothing;
 * re-importing what is there changes nothing either.
 */
#include "certstore/certstore_int.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

/* What import_leaf decided before writing. */
struct plan {
	X509		*leaf;		/* borrowed from parsed */
	STACK_OF(X509)	*chain;		/* owned list, borrowed certs */
	EVP_PKEY	*key;		/* borrowed or the request's */
	EVP_PKEY	*req_key;	/* owned: the pending request's key */
	char		 req_id[CERTSTORE_THUMB_LEN + 1];
	char		*friendly;	/* owned */
};

void
certstore_import_result_fini(struct certstore_import_result *r)
{
	free(r->all);
	r->all = NULL;
	r->n_all = 0;
}

static void
plan_fini(struct plan *pl)
{
	sk_X509_free(pl->chain);
	EVP_PKEY_free(pl->req_key);
	free(pl->friendly);
}

static bool
issued(X509 *issuer, X509 *subject)
{
	bool	ok = X509_check_issued(issuer, subject) == X509_V_OK;

	ERR_clear_error();
	return ok;
}

/* The certificate that issued no other in the set (the end entity). */
static X509 *
end_entity(STACK_OF(X509) *certs)
{
	X509	*c, *d, *fallback = NULL;
	int	 i, j;
	bool	 issuer;

	for (i = 0; i < sk_X509_num(certs); i++) {
		c = sk_X509_value(certs, i);
		issuer = false;
		for (j = 0; j < sk_X509_num(certs) && !issuer; j++) {
			d = sk_X509_value(certs, j);
			issuer = d != c && !cs_self_signed(d) && issued(c, d);
		}
		if (issuer)
			continue;
		if ((X509_get_extension_flags(c) & EXFLAG_CA) == 0)
			return c;
		if (fallback == NULL)
			fallback = c;
	}
	return fallback != NULL ? fallback : sk_X509_value(certs, 0);
}

static X509 *
find_issuer(STACK_OF(X509) *pool, X509 *x, STACK_OF(X509) *seen)
{
	X509	*c;
	int	 i;

	for (i = 0; pool != NULL && i < sk_X509_num(pool); i++) {
		c = sk_X509_value(pool, i);
		if (c != x && sk_X509_find(seen, c) < 0 &&
		    X509_cmp(c, x) != 0 && issued(c, x))
			return c;
	}
	return NULL;
}

/* Leaf first, then each issuer found in the file, then in the CA store. */
static STACK_OF(X509) *
order_chain(X509 *leaf, STACK_OF(X509) *certs, STACK_OF(X509) *cas)
{
	STACK_OF(X509)	*chain = sk_X509_new_null();
	X509		*x = leaf, *up;

	if (chain == NULL)
		return NULL;
	sk_X509_set_cmp_func(chain, NULL);
	while (!cs_self_signed(x) && sk_X509_num(chain) < 16) {
		up = find_issuer(certs, x, chain);
		if (up == NULL)
			up = find_issuer(cas, x, chain);
		if (up == NULL)
			break;
		sk_X509_push(chain, up);
		x = up;
	}
	return chain;
}

static int
key_leaf(struct cs_parsed *in, const char *name, struct plan *pl,
    struct rs_err *e)
{
	X509	*c;
	int	 i;

	for (i = 0; i < sk_X509_num(in->certs); i++) {
		c = sk_X509_value(in->certs, i);
		if (X509_check_private_key(c, in->key) == 1) {
			pl->leaf = c;
			pl->key = in->key;
			ERR_clear_error();
			return 0;
		}
	}
	ERR_clear_error();
	if (sk_X509_num(in->certs) == 0)
		return rs_err_set(e, RS_E_BADINPUT,
		    "%s holds a private key but no certificate", name);
	return rs_err_set(e, RS_E_BADINPUT, "the private key in %s does not "
	    "match its certificate%s", name, sk_X509_num(in->certs) > 1 ?
	    "s" : "");
}

/* A certificate without its key, into My: the CA's answer to a request. */
static int
pending_key(const struct certstore *cs, const char *name, struct plan *pl,
    bool *existed, struct rs_err *e)
{
	char	p[RS_PATH_MAX], thumb[CERTSTORE_THUMB_LEN + 1];

	if (cs_keyid_of(X509_get0_pubkey(pl->leaf), pl->req_id, e) == -1 ||
	    cs_file(cs, CS_REQUEST, pl->req_id, ".key", p, sizeof(p), e) == -1)
		return -1;
	if (fs_exists(p)) {
		pl->req_key = cs_key_read(p, e);
		if (pl->req_key == NULL)
			return -1;
		pl->key = pl->req_key;
		if (cs_file(cs, CS_REQUEST, pl->req_id, ".meta", p, sizeof(p),
		    e) == -1)
			return -1;
		free(pl->friendly);
		pl->friendly = cs_meta_friendly(p);
		return 0;
	}
	pl->req_id[0] = '\0';
	cs_thumb_of(pl->leaf, thumb);
	if (cs_file(cs, CERTSTORE_MY, thumb, ".key", p, sizeof(p), e) == 0 &&
	    fs_exists(p)) {
		*existed = true;	/* the answer was installed before */
		return 0;
	}
	return rs_err_set(e, RS_E_BADINPUT, "cannot import %s into My: no "
	    "pending certificate request has its key, and My holds only "
	    "certificates with their private key; import the PFX that has "
	    "the key, or use --store Root or --store CA for a certificate "
	    "alone", name);
}

static int
plan_leaf(const struct certstore *cs, const char *store,
    struct cs_parsed *in, const char *name, const char *friendly,
    struct plan *pl, bool *existed, struct rs_err *e)
{
	struct cs_trust	trust = { NULL, NULL };
	bool		my = strcmp(store, CERTSTORE_MY) == 0;
	int		rv = -1;

	pl->friendly = xstrdup(friendly != NULL ? friendly :
	    in->friendly != NULL ? in->friendly : "");
	if (in->key != NULL) {
		if (key_leaf(in, name, pl, e) == -1)
			return -1;
	} else
		pl->leaf = end_entity(in->certs);
	/* A key TLS cannot use here (RSA-1024) is still stored: the store
	 * holds what the machine has, and its problems say why it cannot
	 * serve; only a key that cannot be read at all is refused. */
	if (my && X509_get0_pubkey(pl->leaf) == NULL)
		return cs_err_ssl(e, RS_E_BADINPUT, "cannot import %s: the "
		    "certificate's public key cannot be read (corrupt or of an "
		    "unknown type)", name);
	if (my && in->key == NULL &&
	    pending_key(cs, name, pl, existed, e) == -1)
		return -1;
	if (friendly != NULL) {
		free(pl->friendly);
		pl->friendly = xstrdup(friendly);
	}
	if (cs_trust_load(cs, &trust, e) == -1)
		return -1;
	pl->chain = order_chain(pl->leaf, in->certs, my ? trust.cas : NULL);
	if (pl->chain == NULL)
		cs_err_ssl(e, RS_E_INTERNAL, "out of memory");
	else
		rv = 0;
	cs_trust_fini(&trust);
	return rv;
}

static void
result_add(struct certstore_import_result *r, X509 *x)
{
	r->all = xreallocarray(r->all, r->n_all + 1, sizeof(*r->all));
	cs_thumb_of(x, r->all[r->n_all++]);
}

/*
 * After new CA certificates: the .crt of each My certificate whose chain
 * they extend is rewritten, so what the server sends (the .crt) is
 * complete without a re-import.  The lock is held.
 */
static int
relink_my(const struct certstore *cs, struct rs_err *e)
{
	char		(*v)[CERTSTORE_THUMB_LEN + 1];
	struct cs_trust	  trust;
	struct cs_entry	  en;
	STACK_OF(X509)	 *chain;
	size_t		  i, n;
	int		  rv = 0;

	if (cs_thumbs(cs, CERTSTORE_MY, &v, &n, e) == -1)
		return -1;
	if (cs_trust_load(cs, &trust, e) == -1) {
		free(v);
		return -1;
	}
	for (i = 0; i < n && rv == 0; i++) {
		if (cs_entry_load(cs, CERTSTORE_MY, v[i], false, &en,
		    NULL) == -1)
			continue;
		chain = order_chain(en.leaf, en.chain, trust.cas);
		if (chain != NULL && sk_X509_num(chain) > sk_X509_num(en.chain))
			rv = cs_crt_write(cs, CERTSTORE_MY, en.leaf, chain, e);
		sk_X509_free(chain);
		cs_entry_fini(&en);
	}
	cs_trust_fini(&trust);
	free(v);
	return rv;
}

/* Writes the chain certificates into CA / Root; the lock is held. */
static int
install_chain(const struct certstore *cs, STACK_OF(X509) *chain,
    struct certstore_import_result *r, struct rs_err *e)
{
	char	 thumb[CERTSTORE_THUMB_LEN + 1];
	X509	*x;
	int	 i;

	for (i = 0; i < sk_X509_num(chain); i++) {
		x = sk_X509_value(chain, i);
		const char *to = cs_self_signed(x) ? CERTSTORE_ROOT :
		    CERTSTORE_CA;
		cs_thumb_of(x, thumb);
		if (cs_entry_exists(cs, to, thumb))
			continue;
		if (cs_entry_write(cs, to, x, NULL, NULL, "", e) == -1)
			return -1;
		r->n_stored++;
	}
	return 0;
}

static void
drop_request(const struct certstore *cs, const char *id)
{
	char	p[RS_PATH_MAX];

	if (cs_file(cs, CS_REQUEST, id, ".key", p, sizeof(p), NULL) == 0)
		fs_unlink_durable(p, NULL);
	if (cs_file(cs, CS_REQUEST, id, ".meta", p, sizeof(p), NULL) == 0)
		fs_unlink_durable(p, NULL);
}

static int
write_leaf(const struct certstore *cs, const char *store, struct plan *pl,
    const struct certstore_import_opts *o, struct certstore_import_result *r,
    struct rs_err *e)
{
	bool	my = strcmp(store, CERTSTORE_MY) == 0;
	char	p[RS_PATH_MAX];
	int	fd, rv = -1;

	if ((fd = cs_lock(cs, e)) == -1)
		return -1;
	r->existed = cs_entry_exists(cs, store, r->thumbprint);
	if (r->existed && my && pl->key != NULL &&
	    cs_file(cs, store, r->thumbprint, ".key", p, sizeof(p), e) == 0 &&
	    !fs_exists(p))
		r->existed = false;	/* the key arrives now */
	if (!r->existed) {
		if (cs_entry_write(cs, store, pl->leaf, my ? pl->chain : NULL,
		    my ? pl->key : NULL, pl->friendly, e) == -1)
			goto out;
		r->n_stored++;
	}
	if (pl->req_id[0] != '\0') {
		drop_request(cs, pl->req_id);
		r->completed_request = true;
	}
	if (o->install_chain && (install_chain(cs, pl->chain, r, e) == -1 ||
	    relink_my(cs, e) == -1))
		goto out;
	rv = r->n_stored > 0 || r->completed_request ?
	    cs_bump_generation(cs, e) : 0;
out:
	cs_unlock(fd);
	return rv;
}

static int
import_leaf(const struct certstore *cs, const char *store,
    struct cs_parsed *in, const char *name,
    const struct certstore_import_opts *o, struct certstore_import_result *r,
    struct rs_err *e)
{
	struct plan	pl;
	bool		existed = false;
	int		rv = -1;

	memset(&pl, 0, sizeof(pl));
	if (plan_leaf(cs, store, in, name, o->friendly_name, &pl, &existed,
	    e) == -1)
		goto out;
	cs_thumb_of(pl.leaf, r->thumbprint);
	result_add(r, pl.leaf);
	if (in->key != NULL && strcmp(store, CERTSTORE_MY) != 0)
		r->warnings |= CERTSTORE_W_KEY_DROPPED;
	if (X509_cmp_current_time(X509_get0_notAfter(pl.leaf)) < 0)
		r->warnings |= CERTSTORE_W_EXPIRED;
	if (existed) {
		r->existed = true;
		rv = 0;
		goto out;
	}
	rv = write_leaf(cs, store, &pl, o, r, e);
out:
	plan_fini(&pl);
	return rv;
}

/* Root or CA, no key: every certificate of the file is stored. */
static int
import_all(const struct certstore *cs, const char *store,
    struct cs_parsed *in, const struct certstore_import_opts *o,
    struct certstore_import_result *r, struct rs_err *e)
{
	char	 thumb[CERTSTORE_THUMB_LEN + 1];
	X509	*x;
	int	 i, fd, rv = 0;

	for (i = 0; i < sk_X509_num(in->certs); i++) {
		x = sk_X509_value(in->certs, i);
		result_add(r, x);
		if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
			r->warnings |= CERTSTORE_W_EXPIRED;
	}
	memcpy(r->thumbprint, r->all[0], sizeof(r->thumbprint));
	if ((fd = cs_lock(cs, e)) == -1)
		return -1;
	for (i = 0; i < sk_X509_num(in->certs) && rv == 0; i++) {
		x = sk_X509_value(in->certs, i);
		cs_thumb_of(x, thumb);
		if (cs_entry_exists(cs, store, thumb))
			continue;
		rv = cs_entry_write(cs, store, x, NULL, NULL,
		    o->friendly_name != NULL ? o->friendly_name : "", e);
		if (rv == 0)
			r->n_stored++;
	}
	if (rv == 0 && r->n_stored > 0 && strcmp(store, CERTSTORE_CA) == 0)
		rv = relink_my(cs, e);
	if (rv == 0 && r->n_stored > 0)
		rv = cs_bump_generation(cs, e);
	r->existed = r->n_stored == 0;
	cs_unlock(fd);
	return rv;
}

int
certstore_import(struct certstore *cs, const void *data, size_t len,
    const char *name, const struct certstore_import_opts *o,
    struct certstore_import_result *r, struct rs_err *e)
{
	struct cs_parsed	 in;
	const char		*store;
	int			 rv;

	memset(r, 0, sizeof(*r));
	if ((store = certstore_store_name(o->store, e)) == NULL ||
	    cs_friendly_check(o->friendly_name, e) == -1)
		return -1;
	if (o->password != NULL && (o->password_len > CERTSTORE_PASSWORD_MAX ||
	    memchr(o->password, '\0', o->password_len) != NULL))
		return rs_err_set(e, RS_E_USAGE, "the password is longer than "
		    "%d bytes or holds a NUL byte", CERTSTORE_PASSWORD_MAX);
	if (len > CERTSTORE_FILE_MAX)
		return rs_err_set(e, RS_E_LIMIT, "cannot import %s: larger "
		    "than %d bytes", name, CERTSTORE_FILE_MAX);
	if (cs_parse_input(data, len, name, o->password, o->password_len,
	    o->max_iterations != 0 ? o->max_iterations :
	    CERTSTORE_PFX_ITER_MAX, &in, e) == -1)
		return -1;
	str_copy(r->store, sizeof(r->store), store);
	if (in.key != NULL || strcmp(store, CERTSTORE_MY) == 0)
		rv = import_leaf(cs, store, &in, name, o, r, e);
	else
		rv = import_all(cs, store, &in, o, r, e);
	cs_parsed_fini(&in);
	if (rv == -1)
		certstore_import_result_fini(r);
	return rv;
}
