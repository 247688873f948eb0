/*
 * session.c: session resumption per binding, and ALPN.
 *
 * OpenSSL looks up sessions and ticket keys on the context a connection
 * started with (the front), not the binding context the ClientHello
 * callback switched to.  So the front's callbacks here find the binding
 * through the connection's current SSL_CTX and use that binding's own
 * ticket keys and session cache.  A session made on one binding can never
 * resume on another, and nothing of a binding outlives its SSL_CTX.
 *
 * Ticket keys rotate every TLS_TICKET_ROTATE_S seconds; the previous key
 * still decrypts (and asks for a renewed ticket).  The cache is a
 * direct-mapped table indexed by the (random) session id: bounded memory,
 * O(1), and a new session simply replaces whatever shared its slot.  It
 * holds TLS 1.2 sessions: a TLS 1.3 session resumes from its ticket,
 * which carries the whole session, and is never looked up by id.
 */
#include "tls/tls_int.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

static const unsigned char alpn_h2[] = "\x02h2";
static const unsigned char alpn_h1[] = "\x08http/1.1";

int
tls_alpn_cb(SSL *s, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	unsigned char	*o;

	(void)s, (void)arg;
	/* Server preference: h2 first, then HTTP/1.1. */
	if (SSL_select_next_proto(&o, outlen, alpn_h2, sizeof(alpn_h2) - 1,
	    in, inlen) == OPENSSL_NPN_NEGOTIATED) {
		*out = o;
		return SSL_TLSEXT_ERR_OK;
	}
	if (SSL_select_next_proto(&o, outlen, alpn_h1, sizeof(alpn_h1) - 1,
	    in, inlen) == OPENSSL_NPN_NEGOTIATED) {
		*out = o;
		return SSL_TLSEXT_ERR_OK;
	}
	return SSL_TLSEXT_ERR_NOACK;
}

/* Rotates tb's keys when the current one is too old; tb->lock held. */
static void
maybe_rotate(struct tls_binding *tb, time_t now)
{
	if (now - tb->keys[0].born < TLS_TICKET_ROTATE_S)
		return;
	tb->keys[1] = tb->keys[0];
	if (RAND_bytes(tb->keys[0].name, sizeof(tb->keys[0].name)) != 1 ||
	    RAND_bytes(tb->keys[0].aes, sizeof(tb->keys[0].aes)) != 1 ||
	    RAND_bytes(tb->keys[0].hmac, sizeof(tb->keys[0].hmac)) != 1)
		abort();
	tb->keys[0].born = now;
}

static EVP_CIPHER	*ticket_cipher;
static pthread_once_t	 ticket_cipher_once = PTHREAD_ONCE_INIT;

/*
 * Fetched once: EVP_aes_256_cbc() makes OpenSSL 3 look the provider's
 * implementation up by name on every ticket.
 */
static void
ticket_cipher_init(void)
{
	ticket_cipher = EVP_CIPHER_fetch(NULL, "AES-256-CBC", NULL);
}

static int
init_ctxs(const struct ticket_key *k, unsigned char *iv,
    EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc)
{
	OSSL_PARAM	params[2];

	pthread_once(&ticket_cipher_once, ticket_cipher_init);
	if (ticket_cipher == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(hctx, k->hmac, sizeof(k->hmac), params) != 1)
		return -1;
	if (enc)
		return EVP_EncryptInit_ex(cctx, ticket_cipher, NULL, k->aes,
		    iv) == 1 ? 0 : -1;
	return EVP_DecryptInit_ex(cctx, ticket_cipher, NULL, k->aes, iv) ==
	    1 ? 0 : -1;
}

int
tls_ticket_cb(SSL *s, unsigned char *name, unsigned char *iv,
    EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc)
{
	struct tls_binding	*tb = tls_binding_of(s);
	struct ticket_key	 k;
	int			 rv = 0;

	if (tb == NULL || atomic_load(&tb->retired))
		return 0;	/* no ticket: a full handshake */
	pthread_mutex_lock(&tb->lock);
	maybe_rotate(tb, time(NULL));
	if (enc) {
		k = tb->keys[0];
		rv = 1;
	} else if (memcmp(name, tb->keys[0].name, 16) == 0) {
		k = tb->keys[0];
		rv = 1;
	} else if (memcmp(name, tb->keys[1].name, 16) == 0) {
		k = tb->keys[1];
		rv = 2;	/* valid, but issue a ticket under the new key */
	}
	pthread_mutex_unlock(&tb->lock);
	if (rv == 0)
		return 0;
	if (enc) {
		memcpy(name, k.name, 16);
		if (RAND_bytes(iv, EVP_MAX_IV_LENGTH) != 1)
			rv = -1;
	}
	if (rv > 0 && init_ctxs(&k, iv, cctx, hctx, enc) == -1)
		rv = -1;
	OPENSSL_cleanse(&k, sizeof(k));
	return rv;
}

static size_t
slot_of(const unsigned char *id, unsigned int len)
{
	uint32_t	h = 2166136261u;

	for (unsigned int i = 0; i < len; i++)
		h = (h ^ id[i]) * 16777619u;
	return h % TLS_SESSION_CACHE_SLOTS;
}

static int		sess_idx = -1;
static pthread_once_t	sess_idx_once = PTHREAD_ONCE_INIT;

static void
sess_idx_init(void)
{
	sess_idx = SSL_SESSION_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/*
 * OpenSSL drops a session it no longer trusts (a connection that ended
 * without a clean shutdown, a failed resumption): drop it from the cache
 * of the binding it was stored in.  That binding is alive, because only a
 * connection on it can present the session.
 */
void
tls_sess_remove_cb(SSL_CTX *ctx, SSL_SESSION *sess)
{
	struct tls_binding	*tb;
	struct sess_slot	*slot;
	const unsigned char	*id;
	unsigned int		 len;
	bool			 found = false;

	(void)ctx;
	pthread_once(&sess_idx_once, sess_idx_init);
	tb = SSL_SESSION_get_ex_data(sess, sess_idx);
	if (tb == NULL)
		return;
	id = SSL_SESSION_get_id(sess, &len);
	slot = &tb->cache[slot_of(id, len)];
	pthread_mutex_lock(&tb->lock);
	if (slot->sess == sess) {
		slot->sess = NULL;
		found = true;
	}
	pthread_mutex_unlock(&tb->lock);
	if (found)
		SSL_SESSION_free(sess);
}

int
tls_sess_new_cb(SSL *s, SSL_SESSION *sess)
{
	struct tls_binding	*tb = tls_binding_of(s);
	const unsigned char	*id;
	unsigned int		 len;
	struct sess_slot	*slot;
	SSL_SESSION		*old;

	if (tb == NULL || atomic_load(&tb->retired))
		return 0;	/* OpenSSL keeps and frees its reference */
	/*
	 * A TLS 1.3 session resumes from its ticket, which carries it whole;
	 * OpenSSL never looks it up by id, so caching it would only hold
	 * memory (and evict TLS 1.2 sessions that do need the cache).
	 */
	if (SSL_SESSION_get_protocol_version(sess) == TLS1_3_VERSION &&
	    (SSL_get_options(s) & SSL_OP_NO_TICKET) == 0)
		return 0;
	id = SSL_SESSION_get_id(sess, &len);
	if (len == 0 || len > SSL_MAX_SSL_SESSION_ID_LENGTH)
		return 0;
	pthread_once(&sess_idx_once, sess_idx_init);
	SSL_SESSION_set_ex_data(sess, sess_idx, tb);
	slot = &tb->cache[slot_of(id, len)];
	pthread_mutex_lock(&tb->lock);
	old = slot->sess;
	memcpy(slot->id, id, len);
	slot->idlen = len;
	slot->sess = sess;	/* we keep OpenSSL's reference (return 1) */
	pthread_mutex_unlock(&tb->lock);
	SSL_SESSION_free(old);
	return 1;
}

SSL_SESSION *
tls_sess_get_cb(SSL *s, const unsigned char *id, int len, int *copy)
{
	struct tls_binding	*tb = tls_binding_of(s);
	struct sess_slot	*slot;
	SSL_SESSION		*sess = NULL;

	*copy = 0;
	if (tb == NULL || len <= 0 || len > SSL_MAX_SSL_SESSION_ID_LENGTH ||
	    atomic_load(&tb->retired))
		return NULL;
	slot = &tb->cache[slot_of(id, (unsigned int)len)];
	pthread_mutex_lock(&tb->lock);
	if (slot->sess != NULL && slot->idlen == (unsigned int)len &&
	    memcmp(slot->id, id, (size_t)len) == 0) {
		sess = slot->sess;
		SSL_SESSION_up_ref(sess);	/* for OpenSSL (*copy = 0) */
	}
	pthread_mutex_unlock(&tb->lock);
	return sess;
}
