/*
 * tlsterm.h: TLS termination for httpsvc, the HTTP.sys SSL layer of this
 * system.  Only this module (and certstore/) talks to OpenSSL.
 *
 * Three objects:
 *   struct tls_front    the one SSL_CTX every HTTPS listener hands to the
 *                       HTTP engine.  It fixes the protocol policy (TLS 1.2
 *                       and 1.3 only, forward-secret AEAD suites, server
 *                       preference, no compression, no renegotiation, never
 *                       a client certificate request) and, for each
 *                       ClientHello, picks the certificate binding with
 *                       binding_choose() (SNI name, local address, port)
 *                       and switches the connection to that binding's
 *                       SSL_CTX.  No match: the handshake fails with an
 *                       unrecognized_name alert and one log line.
 *   struct tls_binding  one binding's SSL_CTX: certificate chain and key
 *                       from the certificate store, ALPN (h2, http/1.1),
 *                       its own session-ticket keys (rotated hourly, the
 *                       previous key still accepted), its own session
 *                       cache and its own session id context.  Dropping a
 *                       binding drops all three, so no session resumes
 *                       into a removed or replaced binding.
 *   struct tls_set      the bindings of one configuration snapshot.  A new
 *                       set reuses the tls_binding of an unchanged binding
 *                       (same endpoint, store and thumbprint), so a reload
 *                       that does not touch a binding keeps its sessions.
 *
 * Threads: tls_front_swap() may run on any thread while handshakes run on
 * the loop threads; a set is immutable once built.
 */
#ifndef RS_TLS_TLSTERM_H
#define RS_TLS_TLSTERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "binding/binding.h"
#include "certstore/certstore.h"
#include "common/err.h"

#define TLS_TICKET_ROTATE_S	3600	/* a new ticket key every hour */
#define TLS_SESSION_TIMEOUT_S	7200	/* = two ticket key lifetimes */
#define TLS_SESSION_CACHE_SLOTS	4096	/* per binding, direct-mapped */
#define TLS_KEY_FILE_MAX	(64 * 1024)

struct ssl_ctx_st;	/* OpenSSL's SSL_CTX, opaque to callers */
struct tls_front;
struct tls_set;

/*
 * Gives the local address of the connection that a handshake runs on:
 * the callback receives the data pointer of the connection's BIO (the
 * HTTP engine's socket) and writes the numeric address ("127.0.0.1",
 * "::1") into ip (46 bytes) and the port into *port.  Returns 0 or -1.
 */
typedef int tls_local_addr_fn(void *bio_data, char *ip, size_t ipsz,
    uint16_t *port);

/*
 * Sends a fatal TLS alert record (alert is the AlertDescription) straight
 * to the connection whose BIO data pointer is bio_data, before the
 * handshake is failed.  Needed because the HTTP engine drops the alert
 * OpenSSL queues when a handshake fails.  Best effort.
 */
typedef void tls_alert_fn(void *bio_data, unsigned char alert);

/*
 * Makes the front context.  addr_fn tells the ClientHello callback where a
 * connection arrived, alert_fn sends its refusal.  Returns NULL with
 * RS_E_TLS on an OpenSSL failure.  Free with tls_front_free() after every
 * connection has ended.
 */
struct tls_front	*tls_front_new(tls_local_addr_fn *addr_fn,
			    tls_alert_fn *alert_fn, struct rs_err *);
void			 tls_front_free(struct tls_front *);
/* The SSL_CTX for the HTTP engine's accept context (borrowed). */
struct ssl_ctx_st	*tls_front_ctx(struct tls_front *);

/*
 * Installs set (the front takes it) and returns the previous one for the
 * caller to free with tls_set_free().  Bindings in the previous set that
 * are not in the new one are marked retired at once: no new handshake
 * chooses them and tls_conn_retired() reports their connections.
 */
struct tls_set	*tls_front_swap(struct tls_front *, struct tls_set *);

/*
 * Builds a set from the bindings b[0..n) (borrowed; copied): for each,
 * reuses prev's context when the binding is unchanged, else loads the
 * certificate chain and key with certstore_paths().  A key file must be
 * kept as the store keeps keys (certstore_key_file_check: owned by root
 * or by this process's user, mode 0600, or 0640 with the store's service
 * group); anything looser is refused with the command that fixes it.  A binding whose certificate is no longer in
 * its store (an orphan: "certstore remove --force") does not fail the
 * set: it stays in it without a context (tls_set_orphan), so
 * binding_choose still picks it for its endpoint and the handshake is
 * refused with unrecognized_name; a previous context with the removed
 * certificate is never reused.  Otherwise all or nothing: on any failure
 * returns NULL (RS_E_TLS, RS_E_PERM, RS_E_NOTFOUND, RS_E_CONFIG) naming
 * the binding.
 */
struct tls_set	*tls_set_new(const struct binding_ssl *b, size_t n,
		    struct certstore *cs, const struct tls_set *prev,
		    struct rs_err *);
void		 tls_set_free(struct tls_set *);
size_t		 tls_set_count(const struct tls_set *);
/* True when the i-th binding of the set is an orphan (no certificate). */
bool		 tls_set_orphan(const struct tls_set *, size_t i);
/* The i-th binding of the set (borrowed). */
const struct binding_ssl *tls_set_binding(const struct tls_set *, size_t i);

/*
 * True when the TLS connection whose HTTP-engine SSL state is h2o_ssl
 * (the engine's socket->ssl field) was made on a binding that has since
 * been removed or replaced, so the caller should close it after the
 * request in flight.  False for plain connections (NULL) and when the
 * state cannot be read.
 */
bool	tls_conn_retired(const void *h2o_ssl);

/*
 * The SNI name the client sent on that connection, or NULL (borrowed,
 * valid while the connection lives).  Same argument as tls_conn_retired.
 */
const char	*tls_conn_sni(const void *h2o_ssl);

/*
 * Checks that the key file at path is one the daemon may load: the rule
 * of certstore_key_file_check (a regular file owned by root or the
 * effective user, mode 0600, or 0640 with the store's service group).
 * Returns 0 or -1 (RS_E_PERM, RS_E_NOTFOUND) with a message that names
 * the file, its mode and the command that fixes it.
 */
int	tls_key_file_check(const char *path, struct rs_err *);

/*
 * Loads certificate and key the way a binding would and checks that they
 * match (for "httpsvc -t").  Returns 0 or -1 with the reason.
 */
int	tls_pair_check(const char *cert_path, const char *key_path,
	    struct rs_err *);

#endif
