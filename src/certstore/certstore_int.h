/*
 * certstore_int.h: what the files of certstore/ share and nobody else
 * sees: the handle, the on-disk entry (leaf, chain, key, metadata), the
 * OpenSSL error helper and the trust material used to judge chains.
 * Only this module includes OpenSSL headers (STYLE.md B1.3).
 */
#ifndef RS_CERTSTORE_INT_H
#define RS_CERTSTORE_INT_H

#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "certstore/certstore.h"
#include "common/root.h"

#define CS_STORES_N	3	/* My, Root, CA */
#define CS_REQUEST	"REQUEST"

struct certstore {
	char	dir[RS_PATH_MAX];	/* ROOT/certstore */
	uid_t	svc_uid;		/* who must be able to read keys */
	gid_t	svc_gid;
};

/* One stored certificate, as read from its files. */
struct cs_entry {
	X509		*leaf;
	STACK_OF(X509)	*chain;		/* after the leaf; never NULL */
	EVP_PKEY	*key;		/* NULL when none or unreadable */
	bool		 has_key_file;
	unsigned	 key_problems;	/* CERTSTORE_P_KEY_* found loading */
	char		*friendly;	/* never NULL */
};

/* The trust material of a whole store set: Root anchors, CA certs. */
struct cs_trust {
	X509_STORE	*roots;
	STACK_OF(X509)	*cas;
};

/*
 * Like rs_err_set, then appends ": <OpenSSL reason>" of the newest entry
 * in OpenSSL's error queue and empties the queue, so a stale entry never
 * sticks to a later failure.
 */
int	cs_err_ssl(struct rs_err *, enum rs_errcode, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* The names of the three stores, in order. */
extern const char *const cs_store_names[CS_STORES_N];

/* ROOT/certstore/<sub> into out; RS_E_IO when it does not fit. */
int	cs_dir(const struct certstore *, const char *sub, char *out,
	    size_t outsz, struct rs_err *);
/* ROOT/certstore/<sub>/<name><ext> into out; RS_E_IO when too long. */
int	cs_file(const struct certstore *, const char *sub, const char *name,
	    const char *ext, char *out, size_t outsz, struct rs_err *);
/* Whether store holds thumb (its .crt exists). */
bool	cs_entry_exists(const struct certstore *, const char *store,
	    const char *thumb);
/* Takes the writers' lock; returns the fd for cs_unlock, or -1. */
int	cs_lock(const struct certstore *, struct rs_err *);
void	cs_unlock(int);
/* Bumps the generation counter; the caller holds the lock. */
int	cs_bump_generation(const struct certstore *, struct rs_err *);
/*
 * The thumbprints of a store (sorted), as a new array of 41-byte strings.
 */
int	cs_thumbs(const struct certstore *, const char *store,
	    char (**out)[CERTSTORE_THUMB_LEN + 1], size_t *n, struct rs_err *);

/* Upper-case hex SHA-1 / SHA-256 of the certificate's DER. */
void	cs_thumb_of(X509 *, char out[CERTSTORE_THUMB_LEN + 1]);
void	cs_sha256_of(X509 *, char out[CERTSTORE_SHA256_LEN + 1]);
/* SHA-1 of the DER SubjectPublicKeyInfo: names a pending request. */
int	cs_keyid_of(EVP_PKEY *, char out[CERTSTORE_THUMB_LEN + 1],
	    struct rs_err *);

/* Parses every CERTIFICATE block of a PEM buffer.  NULL on error. */
STACK_OF(X509)	*cs_pem_certs_parse(const char *, size_t, const char *what,
		    struct rs_err *);
/* PEM of certs (leaf then chain) into a new buffer. */
char	*cs_pem_of_certs(X509 *leaf, STACK_OF(X509) *chain, size_t *len,
	    struct rs_err *);
/* Unencrypted PKCS#8 PEM of a key; free with fs_free_secret. */
char	*cs_pem_of_key(EVP_PKEY *, size_t *len, struct rs_err *);
/* Reads an unencrypted PEM key file; never prompts.  NULL on error. */
EVP_PKEY	*cs_key_read(const char *path, struct rs_err *);

/*
 * Loads a stored certificate.  want_key: also read the key (its problems
 * go to key_problems, not to an error).  RS_E_NOTFOUND, RS_E_BADINPUT.
 */
int	cs_entry_load(const struct certstore *, const char *store,
	    const char *thumb, bool want_key, struct cs_entry *,
	    struct rs_err *);
void	cs_entry_fini(struct cs_entry *);	/* frees every field */

/*
 * Writes .crt (leaf + chain), .key (when key), .meta; the caller holds
 * the lock.  A file already there is replaced atomically.
 */
int	cs_entry_write(const struct certstore *, const char *store,
	    X509 *leaf, STACK_OF(X509) *chain, EVP_PKEY *key,
	    const char *friendly, struct rs_err *);
/* Rewrites only the .crt of an entry (a longer chain); lock held. */
int	cs_crt_write(const struct certstore *, const char *store, X509 *leaf,
	    STACK_OF(X509) *chain, struct rs_err *);
/* Reads the friendly name from a .meta file; "" when none. */
char	*cs_meta_friendly(const char *path);
/* The text of a .meta file for a friendly name (new string). */
char	*cs_meta_text(const char *friendly);

/* "ecdsa-p256", "rsa-2048", "ed25519", ... */
void	cs_key_type_name(EVP_PKEY *, char out[32]);
/* Whether TLS here can use the key type; RS_E_BADINPUT naming it. */
int	cs_key_supported(EVP_PKEY *, struct rs_err *);
/* Issuer == subject and the signature verifies with its own key. */
bool	cs_self_signed(X509 *);
/* Validates a friendly name (printable, bounded).  RS_E_USAGE. */
int	cs_friendly_check(const char *, struct rs_err *);

/*
 * Who may read keys (access.c): the store's service group (the group of
 * My when My is setgid), or -1; whether a key file's mode and group are
 * the store's (0600/0400, or 0640/0440 with the service group); whether
 * uid/gid can reach and read path.
 */
gid_t	cs_service_gid(const struct certstore *);
bool	cs_key_mode_ok(const char *path, const struct stat *);
bool	cs_readable_by(const char *path, uid_t, gid_t);

/* Loads every Root certificate as an anchor and every CA certificate. */
int	cs_trust_load(const struct certstore *, struct cs_trust *,
	    struct rs_err *);
void	cs_trust_fini(struct cs_trust *);
/*
 * Fills info from a loaded entry: names, dates, problems, warnings.  The
 * trust decides CHAIN_INCOMPLETE / CHAIN_INVALID / W_UNTRUSTED.
 */
void	cs_info_fill(const struct certstore *, const char *store,
	    struct cs_entry *, struct cs_trust *, struct certstore_info *);
/*
 * Builds and checks the chain of an entry against the trust.  Sets
 * problem and warning bits; *root gets the anchor's thumbprint when
 * trusted; *chain and *reason (new strings, may be NULL) describe it.
 */
void	cs_chain_check(struct cs_entry *, struct cs_trust *,
	    unsigned *problems, unsigned *warnings, char *root,
	    char **chain, char **reason);

/* What an input file held, before any decision about the store. */
struct cs_parsed {
	STACK_OF(X509)	*certs;		/* in file order; never NULL */
	EVP_PKEY	*key;		/* NULL when none */
	char		*friendly;	/* a PFX's friendlyName, or NULL */
	bool		 pfx;
};

/*
 * Parses PEM, DER, PKCS#7 or PFX input (see parse.c).  pw may be NULL.
 * max_iter bounds the key-derivation iterations a PFX or an encrypted
 * key may ask for.  Errors as certstore_import.
 */
int	cs_parse_input(const char *data, size_t len, const char *name,
	    const char *pw, size_t pwlen, uint64_t max_iter,
	    struct cs_parsed *, struct rs_err *);
void	cs_parsed_fini(struct cs_parsed *);

#endif
