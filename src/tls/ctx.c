/*
 * ctx.c: one SSL_CTX per certificate binding, and the sets of them that a
 * configuration snapshot holds.  A binding's context carries the
 * certificate chain and key from the certificate store, the ALPN choice,
 * a session id context unique to this context's life, and a struct
 * tls_binding with its session-ticket keys and session cache.  Because
 * all of that dies with the SSL_CTX, removing or replacing a binding ends
 * resumption into it, which is the Windows trap (sessions cached for ten
 * hours after a binding is gone) that this module exists to remove.
 */
#include "tls/tls_int.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/root.h"
#include "common/str.h"
#include "common/xmalloc.h"

#define TLS12_CIPHERS							\
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"	\
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"	\
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define TLS13_SUITES							\
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"		\
	"TLS_CHACHA20_POLY1305_SHA256"
#define TLS_GROUPS	"X25519:P-256:P-384"

static int		binding_idx = -1;
static pthread_once_t	binding_idx_once = PTHREAD_ONCE_INIT;

int
tls_err_ssl(struct rs_err *e, enum rs_errcode code, const char *fmt, ...)
{
	char		msg[sizeof(e->msg)];
	char		buf[256];
	unsigned long	err;
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err = ERR_get_error();
	if (err != 0) {
		ERR_error_string_n(err, buf, sizeof(buf));
		str_append(msg, sizeof(msg), ": ");
		str_append(msg, sizeof(msg), buf);
	}
	ERR_clear_error();
	return rs_err_set(e, code, "%s", msg);
}

/*
 * The protocol policy.  OpenSSL takes versions, options and groups from
 * the context a connection starts on but the suites from its current
 * context, so the front and every binding context get all of it.
 */
int
tls_policy_apply(SSL_CTX *ctx, struct rs_err *e)
{
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS) != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, TLS13_SUITES) != 1 ||
	    SSL_CTX_set1_groups_list(ctx, TLS_GROUPS) != 1)
		return tls_err_ssl(e, RS_E_TLS, "cannot set the TLS policy");
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_alpn_select_cb(ctx, tls_alpn_cb, NULL);
	return 0;
}

static void
binding_free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	struct tls_binding	*tb = ptr;

	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	if (tb == NULL)
		return;
	for (size_t i = 0; i < TLS_SESSION_CACHE_SLOTS; i++)
		SSL_SESSION_free(tb->cache[i].sess);
	free(tb->cache);
	OPENSSL_cleanse(tb->keys, sizeof(tb->keys));
	pthread_mutex_destroy(&tb->lock);
	free(tb);
}

static void
binding_idx_init(void)
{
	binding_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL,
	    binding_free_cb);
}

int
tls_binding_index(void)
{
	pthread_once(&binding_idx_once, binding_idx_init);
	return binding_idx;
}

struct tls_binding *
tls_binding_of(SSL *s)
{
	SSL_CTX	*ctx = SSL_get_SSL_CTX(s);

	if (ctx == NULL)
		return NULL;
	return SSL_CTX_get_ex_data(ctx, tls_binding_index());
}

int
tls_key_file_check(const char *path, struct rs_err *e)
{
	return certstore_key_file_check(path, e);
}

/* Loads the PEM key at path into ctx, wiping the file's bytes after. */
static int
load_key(SSL_CTX *ctx, const char *path, struct rs_err *e)
{
	char		*pem = NULL;
	size_t		 len = 0;
	BIO		*bio = NULL;
	EVP_PKEY	*key = NULL;
	int		 rv = -1;

	if (tls_key_file_check(path, e) == -1)
		return -1;
	pem = fs_read_file(path, TLS_KEY_FILE_MAX, &len, e);
	if (pem == NULL)
		return -1;
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio == NULL) {
		tls_err_ssl(e, RS_E_TLS, "cannot read key file %s", path);
		goto out;
	}
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	if (key == NULL) {
		tls_err_ssl(e, RS_E_TLS, "cannot parse key file %s", path);
		goto out;
	}
	if (SSL_CTX_use_PrivateKey(ctx, key) != 1) {
		tls_err_ssl(e, RS_E_TLS, "cannot use key file %s", path);
		goto out;
	}
	rv = 0;
out:
	EVP_PKEY_free(key);
	BIO_free(bio);
	fs_free_secret(pem, len);
	return rv;
}

static int
load_pair(SSL_CTX *ctx, const char *cert_path, const char *key_path,
    struct rs_err *e)
{
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1)
		return tls_err_ssl(e, RS_E_TLS,
		    "cannot load certificate file %s", cert_path);
	if (key_path[0] == '\0')
		return rs_err_set(e, RS_E_CONFIG,
		    "certificate %s has no private key in the store",
		    cert_path);
	if (load_key(ctx, key_path, e) == -1)
		return -1;
	if (SSL_CTX_check_private_key(ctx) != 1)
		return tls_err_ssl(e, RS_E_TLS,
		    "key file %s does not belong to certificate %s",
		    key_path, cert_path);
	return 0;
}

int
tls_pair_check(const char *cert_path, const char *key_path,
    struct rs_err *e)
{
	SSL_CTX	*ctx;
	int	 rv;

	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL)
		return tls_err_ssl(e, RS_E_TLS, "cannot make a TLS context");
	rv = load_pair(ctx, cert_path, key_path, e);
	SSL_CTX_free(ctx);
	return rv;
}

static void
new_ticket_key(struct ticket_key *k)
{
	if (RAND_bytes(k->name, sizeof(k->name)) != 1 ||
	    RAND_bytes(k->aes, sizeof(k->aes)) != 1 ||
	    RAND_bytes(k->hmac, sizeof(k->hmac)) != 1)
		abort();	/* no randomness: nothing safe to do */
	k->born = time(NULL);
}

/* Makes the context of binding b from the store's PEM files. */
static SSL_CTX *
binding_ctx_new(const struct binding_ssl *b, struct certstore *cs,
    struct rs_err *e)
{
	char			 crt[RS_PATH_MAX], key[RS_PATH_MAX];
	unsigned char		 sid[SSL_MAX_SID_CTX_LENGTH];
	SSL_CTX			*ctx;
	struct tls_binding	*tb;

	if (certstore_paths(cs, b->store[0] ? b->store : CERTSTORE_MY,
	    b->certhash, crt, sizeof(crt), key, sizeof(key), e) == -1)
		return NULL;
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		tls_err_ssl(e, RS_E_TLS, "cannot make a TLS context");
		return NULL;
	}
	tb = xcalloc(1, sizeof(*tb));
	tb->ctx = ctx;
	tb->b = *b;
	tb->b.owners = NULL;
	tb->b.n_owners = 0;
	tb->b.follow_names = NULL;
	pthread_mutex_init(&tb->lock, NULL);
	tb->cache = xcalloc(TLS_SESSION_CACHE_SLOTS, sizeof(*tb->cache));
	new_ticket_key(&tb->keys[0]);
	new_ticket_key(&tb->keys[1]);
	/* Owned by ctx from here: freed by binding_free_cb. */
	SSL_CTX_set_ex_data(ctx, tls_binding_index(), tb);
	if (RAND_bytes(sid, sizeof(sid)) != 1)
		abort();
	SSL_CTX_set_session_id_context(ctx, sid, sizeof(sid));
	if (tls_policy_apply(ctx, e) == -1 || load_pair(ctx, crt, key, e)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static bool
same_binding(const struct binding_ssl *a, const struct binding_ssl *b)
{
	return strcmp(a->endpoint, b->endpoint) == 0 &&
	    strcasecmp(a->certhash, b->certhash) == 0 &&
	    strcasecmp(a->store, b->store) == 0;
}

/*
 * True when b's certificate is no longer in its store (removed with
 * "certstore remove --force"): the binding is an orphan.  Checked before
 * reuse, so a context holding a removed certificate is never carried
 * into a new set.
 */
static bool
is_orphan(const struct binding_ssl *b, struct certstore *cs)
{
	struct rs_err	e;

	return certstore_paths(cs, b->store[0] ? b->store : CERTSTORE_MY,
	    b->certhash, NULL, 0, NULL, 0, &e) == -1 &&
	    e.code == RS_E_NOTFOUND;
}

/* The context of prev that serves b unchanged, with a new reference. */
static SSL_CTX *
reuse_ctx(const struct tls_set *prev, const struct binding_ssl *b)
{
	if (prev == NULL)
		return NULL;
	for (size_t i = 0; i < prev->n; i++)
		if (prev->ctx[i] != NULL && same_binding(&prev->b[i], b)) {
			SSL_CTX_up_ref(prev->ctx[i]);
			return prev->ctx[i];
		}
	return NULL;
}

struct tls_set *
tls_set_new(const struct binding_ssl *b, size_t n, struct certstore *cs,
    const struct tls_set *prev, struct rs_err *e)
{
	struct tls_set	*set;

	set = xcalloc(1, sizeof(*set));
	set->b = xcalloc(n ? n : 1, sizeof(*set->b));
	set->ctx = xcalloc(n ? n : 1, sizeof(*set->ctx));
	for (size_t i = 0; i < n; i++) {
		set->b[i] = b[i];
		set->b[i].owners = NULL;
		set->b[i].n_owners = 0;
		set->b[i].follow_names = NULL;
		set->n = i + 1;
		if (is_orphan(&b[i], cs))
			continue;	/* ctx NULL: its handshakes are refused */
		set->ctx[i] = reuse_ctx(prev, &b[i]);
		if (set->ctx[i] == NULL)
			set->ctx[i] = binding_ctx_new(&b[i], cs, e);
		if (set->ctx[i] == NULL) {
			rs_err_prefix(e, "binding %s (certificate %s)",
			    b[i].endpoint, b[i].certhash);
			tls_set_free(set);
			return NULL;
		}
	}
	return set;
}

bool
tls_set_orphan(const struct tls_set *set, size_t i)
{
	return i < set->n && set->ctx[i] == NULL;
}

void
tls_set_free(struct tls_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		SSL_CTX_free(set->ctx[i]);
	free(set->ctx);
	free(set->b);
	free(set);
}

size_t
tls_set_count(const struct tls_set *set)
{
	return set == NULL ? 0 : set->n;
}

const struct binding_ssl *
tls_set_binding(const struct tls_set *set, size_t i)
{
	return i < set->n ? &set->b[i] : NULL;
}
