/*
 * front.c: the SSL_CTX that every HTTPS listener hands to the HTTP engine,
 * and the certificate choice made for each ClientHello.
 *
 * OpenSSL copies the protocol policy (versions, suites, options) from the
 * context a connection starts on, so the front carries the whole policy;
 * the ClientHello callback (which runs before session resumption and
 * before the SNI callback) reads the SNI name and the local address,
 * asks binding_choose() and switches the connection to that binding's
 * context.  No binding: the handshake fails with unrecognized_name and
 * one log line; a default certificate is never picked silently.
 */
#include "tls/tls_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xmalloc.h"

#define SNI_MAX		255

struct tls_front {
	SSL_CTX			*ctx;
	tls_local_addr_fn	*addr_fn;
	tls_alert_fn		*alert_fn;
	pthread_rwlock_t	 lock;	/* guards set */
	struct tls_set		*set;
};

/* The layout prefix of the engine's per-socket SSL state (see below). */
struct engine_ssl_prefix {
	SSL_CTX	*ctx;
	SSL	*ossl;
};

/*
 * 1 once a handshake has shown that the engine's socket->ssl starts with
 * {SSL_CTX *, SSL *} (libh2o 2.2), -1 if it did not; 0 before.  Only then
 * does tls_conn_retired() read through it.
 */
static atomic_int	engine_layout;

/*
 * Reads the host_name entry of a server_name extension (RFC 6066 3) into
 * out.  Returns 0, or -1 when the extension is malformed or too long.
 */
static int
parse_sni(const unsigned char *p, size_t len, char *out, size_t outsz)
{
	size_t	list, n;

	if (len < 2)
		return -1;
	list = (size_t)p[0] << 8 | p[1];
	p += 2;
	if (list != len - 2)
		return -1;
	while (list >= 3) {
		n = (size_t)p[1] << 8 | p[2];
		if (n > list - 3)
			return -1;
		if (p[0] == TLSEXT_NAMETYPE_host_name) {
			if (n == 0 || n >= outsz || memchr(p + 3, 0, n))
				return -1;
			memcpy(out, p + 3, n);
			out[n] = '\0';
			return 0;
		}
		p += 3 + n;
		list -= 3 + n;
	}
	return -1;
}

static void
check_engine_layout(SSL *s, void *bio_data)
{
	const struct { void *data; struct engine_ssl_prefix *ssl; } *sock;
	int	want;

	if (atomic_load(&engine_layout) != 0 || bio_data == NULL)
		return;
	sock = bio_data;
	want = sock->ssl != NULL && sock->ssl->ossl == s ? 1 : -1;
	atomic_store(&engine_layout, want);
	if (want == -1)
		log_warn("tls: cannot see the HTTP engine's TLS state; "
		    "connections on a removed binding will close at their idle "
		    "timeout instead of after their request");
}

/*
 * Switches s to the context of the binding chosen for it.  Returns the
 * index, -1 when no binding applies, -2 when the chosen binding is an
 * orphan (its certificate left the store; endpoint and thumbprint are
 * copied into orphan, 400 bytes, for the log line).
 */
static int
choose(struct tls_front *f, SSL *s, const char *sni, const char *ip,
    uint16_t port, char *orphan, size_t orphansz)
{
	int	i;

	pthread_rwlock_rdlock(&f->lock);
	i = binding_choose(f->set->b, f->set->n, sni[0] ? sni : NULL, ip,
	    port);
	if (i >= 0 && f->set->ctx[i] == NULL) {
		snprintf(orphan, orphansz, "binding %s: certificate %s is "
		    "not in the store", f->set->b[i].endpoint,
		    f->set->b[i].certhash);
		i = -2;
	} else if (i >= 0)
		SSL_set_SSL_CTX(s, f->set->ctx[i]);	/* takes a reference */
	pthread_rwlock_unlock(&f->lock);
	return i;
}

static int
refuse(struct tls_front *f, void *bio_data, int *al)
{
	*al = SSL_AD_UNRECOGNIZED_NAME;
	f->alert_fn(bio_data, SSL_AD_UNRECOGNIZED_NAME);
	return SSL_CLIENT_HELLO_ERROR;
}

static int
hello_cb(SSL *s, int *al, void *arg)
{
	struct tls_front	*f = arg;
	const unsigned char	*ext;
	size_t			 extlen;
	char			 sni[SNI_MAX + 1] = "", ip[INET6_ADDRSTRLEN] = "";
	char			 orphan[400];
	uint16_t		 port = 0;
	void			*bio_data;
	bool			 v6;

	if (SSL_client_hello_get0_ext(s, TLSEXT_TYPE_server_name, &ext,
	    &extlen) == 1 && parse_sni(ext, extlen, sni, sizeof(sni)) == -1) {
		log_warn("tls: malformed server_name in a ClientHello; "
		    "handshake refused");
		*al = SSL_AD_DECODE_ERROR;
		f->alert_fn(BIO_get_data(SSL_get_rbio(s)), SSL_AD_DECODE_ERROR);
		return SSL_CLIENT_HELLO_ERROR;
	}
	bio_data = BIO_get_data(SSL_get_rbio(s));
	check_engine_layout(s, bio_data);
	if (f->addr_fn(bio_data, ip, sizeof(ip), &port) == -1) {
		log_warn("tls: cannot read the local address of a connection");
		*al = SSL_AD_INTERNAL_ERROR;
		return SSL_CLIENT_HELLO_ERROR;
	}
	v6 = strchr(ip, ':') != NULL;
	switch (choose(f, s, sni, ip, port, orphan, sizeof(orphan))) {
	case -1:
		log_warn("tls %s%s%s:%u: no certificate binding for SNI name "
		    "\"%s\", this address or the port's wildcard; handshake "
		    "refused", v6 ? "[" : "", ip, v6 ? "]" : "", port, sni);
		return refuse(f, bio_data, al);
	case -2:
		log_warn("tls %s%s%s:%u: %s; handshake refused", v6 ? "[" : "",
		    ip, v6 ? "]" : "", port, orphan);
		return refuse(f, bio_data, al);
	default:
		return SSL_CLIENT_HELLO_SUCCESS;
	}
}

static int
front_policy(SSL_CTX *ctx, struct rs_err *e)
{
	static const unsigned char	sid[] = "httpsvc-front";

	if (tls_policy_apply(ctx, e) == -1)
		return -1;
	SSL_CTX_set_session_id_context(ctx, sid, sizeof(sid) - 1);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER |
	    SSL_SESS_CACHE_NO_INTERNAL | SSL_SESS_CACHE_NO_AUTO_CLEAR);
	SSL_CTX_sess_set_new_cb(ctx, tls_sess_new_cb);
	SSL_CTX_sess_set_get_cb(ctx, tls_sess_get_cb);
	SSL_CTX_sess_set_remove_cb(ctx, tls_sess_remove_cb);
	SSL_CTX_set_timeout(ctx, TLS_SESSION_TIMEOUT_S);
	SSL_CTX_set_num_tickets(ctx, 1);
	if (SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, tls_ticket_cb) != 1)
		return tls_err_ssl(e, RS_E_TLS, "cannot set the ticket keys");
	return 0;
}

struct tls_front *
tls_front_new(tls_local_addr_fn *addr_fn, tls_alert_fn *alert_fn,
    struct rs_err *e)
{
	struct tls_front	*f;

	f = xcalloc(1, sizeof(*f));
	f->addr_fn = addr_fn;
	f->alert_fn = alert_fn;
	pthread_rwlock_init(&f->lock, NULL);
	f->set = xcalloc(1, sizeof(*f->set));	/* empty: refuses all */
	f->ctx = SSL_CTX_new(TLS_server_method());
	if (f->ctx == NULL) {
		tls_err_ssl(e, RS_E_TLS, "cannot make a TLS context");
		tls_front_free(f);
		return NULL;
	}
	if (front_policy(f->ctx, e) == -1) {
		tls_front_free(f);
		return NULL;
	}
	SSL_CTX_set_client_hello_cb(f->ctx, hello_cb, f);
	return f;
}

void
tls_front_free(struct tls_front *f)
{
	if (f == NULL)
		return;
	SSL_CTX_free(f->ctx);
	tls_set_free(f->set);
	pthread_rwlock_destroy(&f->lock);
	free(f);
}

struct ssl_ctx_st *
tls_front_ctx(struct tls_front *f)
{
	return f->ctx;
}

static bool
set_has_ctx(const struct tls_set *set, const SSL_CTX *ctx)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->ctx[i] == ctx)
			return true;
	return false;
}

struct tls_set *
tls_front_swap(struct tls_front *f, struct tls_set *set)
{
	struct tls_set		*old;
	struct tls_binding	*tb;

	pthread_rwlock_wrlock(&f->lock);
	old = f->set;
	f->set = set;
	pthread_rwlock_unlock(&f->lock);
	for (size_t i = 0; i < old->n; i++) {
		if (old->ctx[i] == NULL || set_has_ctx(set, old->ctx[i]))
			continue;
		tb = SSL_CTX_get_ex_data(old->ctx[i], tls_binding_index());
		if (tb != NULL)
			atomic_store(&tb->retired, true);
	}
	return old;
}

bool
tls_conn_retired(const void *h2o_ssl)
{
	const struct engine_ssl_prefix	*p = h2o_ssl;
	struct tls_binding		*tb;

	if (p == NULL || atomic_load(&engine_layout) != 1 || p->ossl == NULL)
		return false;
	tb = tls_binding_of(p->ossl);
	return tb != NULL && atomic_load(&tb->retired);
}

const char *
tls_conn_sni(const void *h2o_ssl)
{
	const struct engine_ssl_prefix	*p = h2o_ssl;

	if (p == NULL || atomic_load(&engine_layout) != 1 || p->ossl == NULL)
		return NULL;
	return SSL_get_servername(p->ossl, TLSEXT_NAMETYPE_host_name);
}
