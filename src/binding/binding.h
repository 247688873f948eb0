/*
 * binding.h: the machine-wide store of SSL certificate bindings and URL
 * ACLs, the HTTP.sys configuration repository of this system.
 *
 * The store is one SQLite file, ROOT/http/bindings.db, opened in WAL mode
 * with a busy timeout and foreign keys on; its schema is versioned with
 * PRAGMA user_version and each migration runs in its own transaction.
 * Every write is one IMMEDIATE transaction that also bumps a generation
 * counter, so several writers (httpcfg, the config tool, the daemon) are
 * safe at once and a reader can poll binding_store_generation() cheaply.
 * A kill -9 at any instant leaves the last committed state.
 *
 * Endpoints are canonical text: "0.0.0.0:8443", "[::]:443", "[::1]:8443",
 * "192.0.2.1:443" (ipport) or "www.example.com:443" (hostnameport, host
 * lowercased).  binding_endpoint_parse() makes that form from user input.
 *
 * Errors: RS_E_USAGE / RS_E_BADINPUT bad input (Windows 87), RS_E_EXISTS
 * (183), RS_E_NOTFOUND (2), RS_E_PERM (5), RS_E_BUSY locked by another
 * writer for longer than the busy timeout (170), RS_E_DB a store failure,
 * RS_E_CONFIG a store whose schema is newer than this program.
 */
#ifndef RS_BINDING_BINDING_H
#define RS_BINDING_BINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "common/err.h"

#define BINDING_ENDPOINT_MAX	300	/* bytes with the NUL */
#define BINDING_CERTHASH_LEN	40	/* SHA-1 thumbprint, upper-case hex */
#define BINDING_STORE_NAME_MAX	16
#define BINDING_APPID_MAX	40	/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" */
#define BINDING_URL_MAX		512
#define BINDING_USER_MAX	64
#define BINDING_OWNERS_MAX	64	/* owners of one binding */
#define BINDING_FOLLOW_MAX	4096	/* bytes of follow_names */

enum binding_kind {
	BINDING_IPPORT,		/* ip:port, chosen by the local address */
	BINDING_HOSTNAMEPORT	/* host:port, chosen by the SNI name */
};

/*
 * One SSL certificate binding.  owners and follow_names are owned by the
 * struct (heap) when it comes from the store: free with binding_ssl_fini().
 * For binding_ssl_add() the caller's pointers are only read.
 */
struct binding_ssl {
	enum binding_kind	 kind;
	char			 endpoint[BINDING_ENDPOINT_MAX];
	char			 certhash[BINDING_CERTHASH_LEN + 1];
	char			 store[BINDING_STORE_NAME_MAX];	/* "My" */
	char			 appid[BINDING_APPID_MAX];	/* "{GUID}" */
	char			**owners;	/* appids that use it */
	size_t			 n_owners;
	char			*follow_names;	/* NULL, or DNS names (issue 5) */
	time_t			 created;
};

/* One URL ACL: a canonical URL prefix and the Unix user allowed it. */
struct binding_urlacl {
	char	url[BINDING_URL_MAX];	/* "https://+:8443/ReportServer/" */
	char	user[BINDING_USER_MAX];
	time_t	created;
};

struct binding_store;

/*
 * Opens (creating ROOT/http/ and the file, and migrating the schema as
 * needed) the store under the state root.  Returns a handle the caller
 * closes with binding_store_close(), or NULL.  RS_E_PERM when the file or
 * folder is not accessible, RS_E_CONFIG when the schema is newer than this
 * program, RS_E_DB otherwise.
 */
struct binding_store	*binding_store_open(const char *root, struct rs_err *);
void			 binding_store_close(struct binding_store *);
/* The path of the database file (borrowed, valid while open). */
const char		*binding_store_path(const struct binding_store *);

/*
 * Lets group gid (the HTTP daemon's service group) write the store
 * without privileges: ROOT/http becomes root:gid 02775 (setgid, so a
 * -wal or -shm file made later takes the group) and the database with its
 * -wal and -shm files root:gid with group read and write added.  Root
 * only (RS_E_PERM).  Idempotent; *changed counts what changed.
 */
int	binding_store_grant(const char *root, gid_t gid, size_t *changed,
	    struct rs_err *);

/*
 * A number that changes on every committed change to the store, by any
 * process.  Cheap (one indexed row).  Returns 0 on error (RS_E_DB); a
 * valid store never reports 0.
 */
uint64_t	binding_store_generation(struct binding_store *, struct rs_err *);

/*
 * Validates an endpoint of the given kind and writes its canonical form
 * into out (BINDING_ENDPOINT_MAX bytes).  ipport takes an IPv4 address or
 * a bracketed IPv6 address ("[::]:443"); hostnameport a DNS name (no IP
 * literal, no wildcard).  The port is 1..65535, no leading zero.
 * Returns 0 or -1 (RS_E_USAGE, with the reason).
 */
int	binding_endpoint_parse(const char *text, enum binding_kind,
	    char out[BINDING_ENDPOINT_MAX], struct rs_err *);

/*
 * Validates and canonicalises an application id: a GUID with or without
 * braces, any case; out gets "{xxxxxxxx-...}" in lower case.  Returns 0
 * or -1 (RS_E_USAGE).
 */
int	binding_appid_parse(const char *text, char out[BINDING_APPID_MAX],
	    struct rs_err *);

/*
 * Adds a binding.  endpoint must be canonical (binding_endpoint_parse),
 * certhash 40 hex digits (stored upper case), store a store name (empty
 * means "My"), appid canonical.  When n_owners is 0 the owner list is
 * {appid}.  RS_E_EXISTS when the endpoint is already bound.
 */
int	binding_ssl_add(struct binding_store *, const struct binding_ssl *,
	    struct rs_err *);
/*
 * Replaces the certificate (certhash, store, and appid) of an existing
 * binding in one transaction, keeping its owners: "netsh http update
 * sslcert", so there is no moment without a binding.  RS_E_NOTFOUND.
 */
int	binding_ssl_update(struct binding_store *, const struct binding_ssl *,
	    struct rs_err *);
/* Deletes a binding whatever its owners.  RS_E_NOTFOUND. */
int	binding_ssl_del(struct binding_store *, const char *endpoint,
	    struct rs_err *);
/* Fills *out (binding_ssl_fini it).  RS_E_NOTFOUND. */
int	binding_ssl_get(struct binding_store *, const char *endpoint,
	    struct binding_ssl *out, struct rs_err *);
/*
 * Lists all bindings sorted by kind then endpoint into a new array
 * (*out, *n; free with binding_ssl_list_free).  An empty store gives
 * *out NULL and *n 0.
 */
int	binding_ssl_list(struct binding_store *, struct binding_ssl **out,
	    size_t *n, struct rs_err *);
/* The bindings whose certhash is thumbprint (any case). */
int	binding_ssl_list_by_cert(struct binding_store *,
	    const char *thumbprint, struct binding_ssl **out, size_t *n,
	    struct rs_err *);
/*
 * Shared bindings.  owner_add records that appid also uses the binding
 * (no error if it already does; RS_E_NOTFOUND without a binding;
 * RS_E_LIMIT past BINDING_OWNERS_MAX).  owner_del removes appid's use
 * (RS_E_NOTFOUND if it had none); the binding itself is deleted only when
 * its last owner lets go, and *deleted_binding says whether it was.
 */
int	binding_ssl_owner_add(struct binding_store *, const char *endpoint,
	    const char *appid, struct rs_err *);
int	binding_ssl_owner_del(struct binding_store *, const char *endpoint,
	    const char *appid, bool *deleted_binding, struct rs_err *);
/*
 * Create-or-share in one transaction, for a management API that wants
 * "this endpoint serves this certificate, and I use it": when the
 * endpoint is free the binding is added with owners {b->appid} and
 * *created is true; when it is bound to the same certificate (and store)
 * b->appid is added to its owners and *created is false; when it is bound
 * to another certificate nothing changes and the error is RS_E_EXISTS,
 * naming that certificate.  b->owners is ignored.
 */
int	binding_ssl_acquire(struct binding_store *,
	    const struct binding_ssl *b, bool *created, struct rs_err *);
/* Sets or clears (NULL) follow_names of a binding.  RS_E_NOTFOUND. */
int	binding_ssl_set_follow(struct binding_store *, const char *endpoint,
	    const char *follow_names, struct rs_err *);

void	binding_ssl_fini(struct binding_ssl *);
void	binding_ssl_list_free(struct binding_ssl *, size_t n);

/*
 * URL ACLs.  url is parsed and stored in canonical form (urlres_parse,
 * urlres_format); two prefixes that differ only in path case are the same
 * reservation (RS_E_EXISTS on add).  del and get accept any spelling of
 * the prefix.  user is a Unix user name; the store does not check that it
 * exists (the tools do).
 */
int	binding_urlacl_add(struct binding_store *, const char *url,
	    const char *user, struct rs_err *);
int	binding_urlacl_del(struct binding_store *, const char *url,
	    struct rs_err *);
int	binding_urlacl_get(struct binding_store *, const char *url,
	    struct binding_urlacl *out, struct rs_err *);
/* New array sorted by URL (free()); empty gives NULL and 0. */
int	binding_urlacl_list(struct binding_store *,
	    struct binding_urlacl **out, size_t *n, struct rs_err *);

/*
 * Chooses the binding for a TLS handshake from a list in memory: the
 * hostnameport binding whose host is the SNI name (case-insensitive; a
 * trailing dot ignored) and port is port, else the ipport binding of
 * local_ip:port exactly, else 0.0.0.0:port when local_ip is IPv4 (an
 * IPv4-mapped IPv6 address counts as IPv4) or [::]:port when it is IPv6.
 * sni may be NULL.  Returns the index, or -1 when none applies.
 */
int	binding_choose(const struct binding_ssl *, size_t n, const char *sni,
	    const char *local_ip, uint16_t port);

/*
 * The Windows error code httpcfg prints for an error: RS_E_EXISTS 183,
 * RS_E_NOTFOUND 2, RS_E_USAGE / RS_E_BADINPUT / RS_E_LIMIT 87, RS_E_PERM
 * 5, RS_E_BUSY 170 (the store stayed locked past the busy timeout),
 * anything else 1359 (ERROR_INTERNAL_ERROR).
 */
int		 binding_win32_code(const struct rs_err *);
/* The Windows sentence for a code ("The parameter is incorrect."). */
const char	*binding_win32_text(int code);

/*
 * A client of httpsvc's control socket (ROOT/run/httpsvc.sock, see
 * docs/DESIGN.md), for the tools that change the store.
 *
 * binding_ctl_call sends one request line ("STATE", "RELOAD"; no newline)
 * and reads one answer line of at most BINDING_CTL_ANSWER_MAX bytes within
 * BINDING_CTL_TIMEOUT_MS.  *answer (caller frees) gets the line without
 * its newline ("OK {...}", "ERR 5 ...").  Returns 0; or -1 with
 * RS_E_NOTFOUND when nothing listens (no socket, connection refused),
 * RS_E_IO on a timeout or a broken answer, RS_E_PERM when the socket
 * cannot be opened.
 */
#define BINDING_CTL_SOCKET	"run/httpsvc.sock"
#define BINDING_CTL_ANSWER_MAX	(4 * 1024 * 1024)
#define BINDING_CTL_TIMEOUT_MS	5000
int	binding_ctl_call(const char *root, const char *request, char **answer,
	    struct rs_err *);

/*
 * Tells httpsvc to re-read the store ("RELOAD").  Returns 1 when httpsvc
 * answered OK, 0 when it is not running (nothing to tell), -1 when it
 * answered an error or did not answer (the message says which).
 */
int	binding_notify_reload(const char *root, struct rs_err *);

#endif
