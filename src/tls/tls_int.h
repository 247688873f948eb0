/*
 * tls_int.h: what ctx.c and front.c share inside the tls module.  Never
 * included from outside src/tls/.
 */
#ifndef RS_TLS_TLS_INT_H
#define RS_TLS_TLS_INT_H

#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "tls/tlsterm.h"

struct ticket_key {
	unsigned char	name[16];
	unsigned char	aes[32];
	unsigned char	hmac[32];
	time_t		born;
};

struct sess_slot {
	unsigned char	 id[SSL_MAX_SSL_SESSION_ID_LENGTH];
	unsigned int	 idlen;
	SSL_SESSION	*sess;	/* owned reference, or NULL */
};

/*
 * One binding's TLS state.  It lives exactly as long as its SSL_CTX (it is
 * the SSL_CTX's ex_data and freed by the ex_data free callback), so a
 * handshake still running on a context that a reload dropped never sees
 * freed memory.
 */
struct tls_binding {
	SSL_CTX			*ctx;	/* not a reference: the owner */
	struct binding_ssl	 b;	/* copy; owners/follow_names NULL */
	atomic_bool		 retired;
	pthread_mutex_t		 lock;	/* keys[] and cache[] */
	struct ticket_key	 keys[2];	/* [0] current, [1] previous */
	struct sess_slot	*cache;	/* TLS_SESSION_CACHE_SLOTS */
};

struct tls_set {
	struct binding_ssl	 *b;	/* copies for binding_choose */
	SSL_CTX			**ctx;	/* one reference each; NULL: orphan */
	size_t			  n;
};

/* The ex_data index of struct tls_binding on an SSL_CTX. */
int			 tls_binding_index(void);
struct tls_binding	*tls_binding_of(SSL *);

/* Versions, suites, groups, options, ALPN on ctx.  0 or -1 (RS_E_TLS). */
int	tls_policy_apply(SSL_CTX *, struct rs_err *);

/* Ticket key and session cache callbacks installed on the front. */
int	tls_ticket_cb(SSL *, unsigned char *, unsigned char *,
	    EVP_CIPHER_CTX *, EVP_MAC_CTX *, int);
int	tls_sess_new_cb(SSL *, SSL_SESSION *);
SSL_SESSION *tls_sess_get_cb(SSL *, const unsigned char *, int, int *);
void	tls_sess_remove_cb(SSL_CTX *, SSL_SESSION *);
int	tls_alpn_cb(SSL *, const unsigned char **, unsigned char *,
	    const unsigned char *, unsigned int, void *);

/* Appends the OpenSSL error queue to e's message and clears the queue. */
int	tls_err_ssl(struct rs_err *, enum rs_errcode, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
