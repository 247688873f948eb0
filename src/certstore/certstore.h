/*
 * certstore.h: the machine certificate store, the Linux counterpart of the
 * Windows LocalMachine store (My, Root, CA) and its PowerShell cmdlets.
 *
 * A certificate is named by its thumbprint: the SHA-1 of its DER encoding,
 * 40 upper-case hex digits, as Windows shows it.  Each store is a folder
 * of plain PEM files under ROOT/certstore/ that other tools can use as
 * they are (nginx ssl_certificate / ssl_certificate_key, curl --cacert):
 *
 *   ROOT/certstore/<Store>/<THUMBPRINT>.crt   leaf first, then its chain
 *   ROOT/certstore/<Store>/<THUMBPRINT>.key   PKCS#8 private key, 0600
 *                                             (0640 with the service group)
 *   ROOT/certstore/<Store>/<THUMBPRINT>.meta  friendly name (key=value)
 *   ROOT/certstore/REQUEST/<KEYID>.key        key of a pending request
 *   ROOT/certstore/generation                 bumped on every change
 *   ROOT/certstore/.lock                      writers' exclusive lock
 *
 * Folders are 0700, keys 0600, until root grants the store to the TLS
 * daemon's group (certstore_grant_service); every file is written with
 * fs_write_atomic
 * and every change happens under an exclusive fs_lock, so concurrent
 * writers (CLI, config tool) are safe and readers never see a torn file.
 *
 * What it does not do: it never logs (errors go to struct rs_err), never
 * talks to the network, and knows nothing about bindings (the binding
 * store depends on this module, not the other way round).
 *
 * Errors: RS_E_USAGE bad arguments (a malformed thumbprint, an unknown
 * store or key type), RS_E_NOTFOUND, RS_E_AMBIGUOUS (a prefix matching
 * several certificates), RS_E_BADINPUT malformed or unusable input,
 * RS_E_PERM a wrong password or an unreadable file, RS_E_IO, RS_E_LIMIT
 * an input larger than CERTSTORE_FILE_MAX.
 */
#ifndef RS_CERTSTORE_CERTSTORE_H
#define RS_CERTSTORE_CERTSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "common/err.h"

#define CERTSTORE_THUMB_LEN	40		/* SHA-1, hex digits */
#define CERTSTORE_SHA256_LEN	64		/* SHA-256, hex digits */
#define CERTSTORE_PREFIX_MIN	8		/* shortest accepted prefix */
#define CERTSTORE_FILE_MAX	(1024 * 1024)	/* largest input file */
#define CERTSTORE_PASSWORD_MAX	1024		/* bytes of a password */
#define CERTSTORE_DNS_MAX	100		/* names in one certificate */
#define CERTSTORE_NAME_MAX	253		/* bytes of one DNS name */
#define CERTSTORE_FRIENDLY_MAX	256		/* bytes of a friendly name */
#define CERTSTORE_DAYS_MAX	36500		/* --days */
#define CERTSTORE_DAYS_DEFAULT	365
#define CERTSTORE_CA_DAYS_DEFAULT 3650		/* a local root CA */
#define CERTSTORE_CA_NAME_MAX	64		/* its name, the CN */
/*
 * Key-derivation iterations a PFX may ask for (its MAC, each encrypted
 * part): Windows writes 2000 to 10000, OpenSSL 2048, other tools up to
 * about 1,000,000.  Each costs about 0.2 s per million here; a file asking
 * for 100,000,000 would take a minute of CPU, so it is refused unless the
 * caller raises the limit.
 */
#define CERTSTORE_PFX_ITER_MAX	2000000
#define CERTSTORE_SOON_DAYS	30		/* "expires soon" warning */

/* The stores, by their Windows names (compared case-insensitively). */
#define CERTSTORE_MY	"My"
#define CERTSTORE_ROOT	"Root"
#define CERTSTORE_CA	"CA"

/*
 * Why a certificate cannot serve TLS here.  problems == 0 means it can.
 * Each bit has a sentence from certstore_problem_text().
 */
enum certstore_problem {
	CERTSTORE_P_NO_KEY		= 1u << 0, /* no private key */
	CERTSTORE_P_KEY_MISMATCH	= 1u << 1, /* key is another cert's */
	CERTSTORE_P_NOT_SERVER_AUTH	= 1u << 2, /* EKU/KU: not a server */
	CERTSTORE_P_EXPIRED		= 1u << 3,
	CERTSTORE_P_NOT_YET_VALID	= 1u << 4,
	CERTSTORE_P_CHAIN_INCOMPLETE	= 1u << 5, /* an issuer is missing */
	CERTSTORE_P_KEY_UNREADABLE	= 1u << 6, /* by the service user */
	CERTSTORE_P_KEY_INSECURE	= 1u << 7, /* key mode not 0600 */
	CERTSTORE_P_KEY_CORRUPT		= 1u << 8, /* key file does not parse */
	CERTSTORE_P_UNSUPPORTED_KEY	= 1u << 9, /* key type TLS cannot use */
	CERTSTORE_P_CERT_CORRUPT	= 1u << 10, /* .crt does not parse */
	CERTSTORE_P_CHAIN_INVALID	= 1u << 11, /* bad sig, CA expired */
};
#define CERTSTORE_P_ALL		0xfffu

/* Things worth saying that do not stop a certificate serving TLS. */
enum certstore_warning {
	CERTSTORE_W_UNTRUSTED		= 1u << 0, /* chain ends outside Root */
	CERTSTORE_W_EXPIRES_SOON	= 1u << 1, /* < CERTSTORE_SOON_DAYS */
	CERTSTORE_W_EXPIRED		= 1u << 2, /* import: it has expired */
	CERTSTORE_W_KEY_DROPPED		= 1u << 3, /* import: key not kept */
	CERTSTORE_W_NO_DNS		= 1u << 4, /* no DNS name in SAN */
};
#define CERTSTORE_W_ALL		0x1fu

/*
 * The sentence for one problem or warning bit ("no private key",
 * "expired"), or "unknown problem".  Static strings.
 */
const char	*certstore_problem_text(unsigned bit);
const char	*certstore_warning_text(unsigned bit);
/* A stable identifier for scripts ("no_key", "expired"), or "unknown". */
const char	*certstore_problem_name(unsigned bit);
const char	*certstore_warning_name(unsigned bit);

/* Opaque handle on ROOT/certstore. */
struct certstore;

/*
 * Opens the store under the state root, creating ROOT/certstore and the
 * My, Root, CA and REQUEST folders (0700) when missing.  Returns a handle
 * to close with certstore_close(), or NULL (RS_E_IO, RS_E_PERM).
 */
struct certstore	*certstore_open(const char *root, struct rs_err *);
void			 certstore_close(struct certstore *);	/* NULL ok */

/*
 * The user whose ability to read the key files is checked (problem
 * CERTSTORE_P_KEY_UNREADABLE): the user the TLS daemon loads keys as.
 * Default: root (uid 0), who can read every key.
 */
void	certstore_set_service_user(struct certstore *, uid_t, gid_t);

/*
 * Canonical store name ("My", "Root", "CA") for what a user typed, any
 * case; NULL means "My".  Returns the static name, or NULL with
 * RS_E_USAGE naming the valid stores.
 */
const char	*certstore_store_name(const char *input, struct rs_err *);

/*
 * Normalises a typed thumbprint: drops spaces, colons, tabs and invisible
 * Unicode characters (U+200B..U+200F, U+202A..U+202E, U+2060..U+2064,
 * U+FEFF, U+00A0), an optional "sha1 fingerprint=" / "sha256
 * fingerprint=" prefix, and upper-cases the hex digits into out.  Returns
 * the number of digits (8..64), or -1 with RS_E_USAGE (empty, too short,
 * too long, or a character that is not a hex digit, named in the message).
 */
int	certstore_thumb_normalize(const char *input, char out[65],
	    struct rs_err *);

/*
 * Resolves what a user typed (see certstore_thumb_normalize) to the
 * canonical 40-digit thumbprint of a certificate in store: a full SHA-1
 * thumbprint, a unique prefix of at least 8 digits of one, or a full
 * SHA-256 fingerprint (or a unique prefix longer than 40 digits of one).
 * RS_E_NOTFOUND (the message names the store), RS_E_AMBIGUOUS (the
 * message lists the candidates), RS_E_USAGE.
 */
int	certstore_resolve(struct certstore *, const char *store,
	    const char *input, char out[CERTSTORE_THUMB_LEN + 1],
	    struct rs_err *);

/*
 * What the store knows about one certificate.  All pointers are owned by
 * the struct: free with certstore_info_fini().
 */
struct certstore_info {
	char	 thumbprint[CERTSTORE_THUMB_LEN + 1];	/* SHA-1, upper */
	char	 sha256[CERTSTORE_SHA256_LEN + 1];	/* upper */
	char	 store[8];				/* "My" */
	char	*friendly_name;		/* "" when none */
	char	*subject;		/* RFC 2253 ("CN=a.test,O=x") */
	char	*issuer;
	char	*serial;		/* upper-case hex */
	char   **dns_names;		/* subjectAltName DNS entries */
	size_t	 n_dns;
	time_t	 not_before, not_after;
	long	 days_left;		/* whole days until not_after */
	char	 key_type[32];		/* "ecdsa-p256", "rsa-2048", ... */
	size_t	 chain_len;		/* certificates after the leaf */
	bool	 has_key;		/* a private key file is stored */
	bool	 self_signed;
	bool	 server_auth;		/* EKU and KU allow a TLS server */
	bool	 is_ca;			/* basicConstraints CA:TRUE */
	unsigned problems;		/* CERTSTORE_P_*; 0 = can serve TLS */
	unsigned warnings;		/* CERTSTORE_W_* */
};

/*
 * Reads one certificate by its canonical thumbprint (use
 * certstore_resolve first for user input).  RS_E_NOTFOUND.
 */
int	certstore_get(struct certstore *, const char *store,
	    const char *thumbprint, struct certstore_info *, struct rs_err *);
void	certstore_info_fini(struct certstore_info *);

/*
 * Lists a store, sorted by subject then thumbprint, into a new array
 * (*out, *n; free with certstore_list_free).  An empty store gives NULL
 * and 0.  A file that does not parse is reported through its entry's
 * problems, never by failing the whole list.
 */
int	certstore_list(struct certstore *, const char *store,
	    struct certstore_info **out, size_t *n, struct rs_err *);
void	certstore_list_free(struct certstore_info *, size_t n);

/*
 * The paths of the PEM files of a stored certificate: cert_path (leaf
 * then chain, for SSL_CTX_use_certificate_chain_file, nginx, curl) and
 * key_path (PKCS#8, 0600; "" when the certificate has no key).  Either
 * buffer may be NULL.  RS_E_NOTFOUND, RS_E_IO when a path does not fit.
 */
int	certstore_paths(struct certstore *, const char *store,
	    const char *thumbprint, char *cert_path, size_t cert_sz,
	    char *key_path, size_t key_sz, struct rs_err *);

/*
 * A number that changes whenever any store changes (ROOT/certstore/
 * generation, rewritten atomically under the lock on every change), so a
 * daemon can cheaply notice new and renewed certificates.  0 before the
 * first change or when the file cannot be read.
 */
uint64_t	certstore_generation(struct certstore *);

/*
 * Checks that the key file at path is kept as the store keeps keys: a
 * regular file owned by root or by the effective user, readable by its
 * owner only (0600, 0400), or also by the store's service group (0640,
 * 0440; the group of its folder when that folder is setgid, see
 * certstore_grant_service).  Returns 0 or -1 (RS_E_PERM, RS_E_NOTFOUND)
 * with a message naming the file, its mode and the command that fixes it.
 * The TLS daemon calls it before it loads a key.
 */
int	certstore_key_file_check(const char *path, struct rs_err *);

/*
 * Lets group gid (the TLS daemon's service group) read what it serves:
 * ROOT/certstore and its My, Root and CA folders become root:gid 0750, My
 * also setgid (so the files written there later take the group), and the
 * key of each certificate of My that is not a CA becomes root:gid 0640; a
 * CA's key stays 0600, and REQUEST/ stays root's.  A key that is not in
 * the store's form (not root's, or readable by others) is left for the
 * checks to refuse.  Root only (RS_E_PERM); idempotent; *changed counts
 * what changed.
 */
int	certstore_grant_service(struct certstore *, gid_t gid,
	    size_t *changed, struct rs_err *);

/* Key types of new keys. */
enum certstore_key_type {
	CERTSTORE_KEY_ECDSA_P256,	/* default */
	CERTSTORE_KEY_RSA_2048,
	CERTSTORE_KEY_RSA_3072,
};

/*
 * Parses "ecdsa-p256", "rsa-2048", "rsa-3072" (any case).  Returns 0 or
 * -1 (RS_E_USAGE listing the valid names).
 */
int	certstore_key_type_parse(const char *, enum certstore_key_type *,
	    struct rs_err *);

/* What to put in a new certificate or request.  Pointers are borrowed. */
struct certstore_new {
	const char *const	*dns;		/* names; dns[0] is the CN */
	size_t			 n_dns;		/* 1..CERTSTORE_DNS_MAX */
	const char		*friendly_name;	/* NULL: none */
	enum certstore_key_type	 key_type;
	unsigned		 days;		/* 0: CERTSTORE_DAYS_DEFAULT */
	time_t			 not_before;	/* 0: now (tests back-date) */
	const char		*store;		/* NULL: My */
	const char		*ca_name;	/* new_ca only: its name (CN) */
};

/*
 * Makes a key and a self-signed certificate fit for a TLS server (CN =
 * first name, every name in subjectAltName, extendedKeyUsage serverAuth,
 * keyUsage digitalSignature (+ keyEncipherment for RSA), random 128-bit
 * serial, SHA-256 signature) and stores both.  thumb gets the thumbprint.
 * RS_E_USAGE for a bad DNS name or count.
 */
int	certstore_new_self_signed(struct certstore *,
	    const struct certstore_new *, char thumb[CERTSTORE_THUMB_LEN + 1],
	    struct rs_err *);

/*
 * Makes a local root CA, the way a small organisation's CA starts: a key
 * and a self-signed certificate named nw->ca_name (CN), basicConstraints
 * critical CA:TRUE with pathlen 0, keyUsage keyCertSign and cRLSign only,
 * valid for nw->days (default CERTSTORE_CA_DAYS_DEFAULT).  Stores the
 * certificate with its key in My (the key 0600, root's alone, even in a
 * store granted to a service group) and the certificate in Root.  thumb
 * gets the thumbprint.  nw->dns is not used.  RS_E_USAGE.
 */
int	certstore_new_ca(struct certstore *, const struct certstore_new *,
	    char thumb[CERTSTORE_THUMB_LEN + 1], struct rs_err *);

/*
 * Issues a TLS server certificate from the CA ca (a canonical thumbprint
 * in My whose key is there): the names and extensions of
 * certstore_new_self_signed (CA:FALSE, serverAuth, subjectAltName), issuer
 * the CA's subject, authorityKeyIdentifier the CA's key id, never valid
 * past the CA.  Stores it with its new key in My.  RS_E_NOTFOUND,
 * RS_E_BADINPUT (not a CA, no key, expired), RS_E_USAGE.
 */
int	certstore_issue(struct certstore *, const char *ca,
	    const struct certstore_new *, char thumb[CERTSTORE_THUMB_LEN + 1],
	    struct rs_err *);

/*
 * Makes a key and a PKCS#10 certificate request for a CA (same names and
 * extensions as above).  The key waits in REQUEST/ until
 * certstore_import() receives the CA's answer.  *csr_pem gets the request
 * in PEM (caller frees) and *csr_len its length.
 */
int	certstore_request(struct certstore *, const struct certstore_new *,
	    char **csr_pem, size_t *csr_len, struct rs_err *);

/* How to import.  Pointers are borrowed. */
struct certstore_import_opts {
	const char	*store;		/* NULL: My */
	const char	*password;	/* NULL: none given */
	size_t		 password_len;
	const char	*friendly_name;	/* NULL: the file's, if any */
	bool		 install_chain;	/* PFX/PEM chain -> CA and Root */
	unsigned long	 max_iterations; /* 0: CERTSTORE_PFX_ITER_MAX */
};

/* What an import did. */
struct certstore_import_result {
	char		 thumbprint[CERTSTORE_THUMB_LEN + 1];  /* the leaf */
	char		 store[8];
	bool		 existed;	/* already there: nothing changed */
	bool		 completed_request; /* a CA answer met its key */
	unsigned	 warnings;	/* CERTSTORE_W_* */
	size_t		 n_stored;	/* certificates written (all stores) */
	/* Into Root/CA several certificates may arrive at once (a bundle):
	 * their thumbprints in input order, owned (free with
	 * certstore_import_result_fini). */
	char	       (*all)[CERTSTORE_THUMB_LEN + 1];
	size_t		 n_all;
};
void	certstore_import_result_fini(struct certstore_import_result *);

/*
 * Imports data (len bytes; "name" names it in messages): a PFX/PKCS#12
 * (modern AES or legacy RC2/3DES), a PEM bundle (certificates and a key
 * in any order, key plain or encrypted), a DER certificate, or a PKCS#7
 * bundle.  Into My: one leaf certificate with its private key, or a CA's
 * answer whose key waits in REQUEST/.  Into Root or CA: certificates
 * only (a key is not stored; warning CERTSTORE_W_KEY_DROPPED).
 * Re-importing what is there changes nothing (existed).  An expired
 * certificate is imported with CERTSTORE_W_EXPIRED.  On any error the
 * store is unchanged.  RS_E_BADINPUT corrupt/truncated data, a key that
 * does not match, an answer with no pending request; RS_E_LIMIT a PFX
 * or encrypted key asking for more key-derivation iterations than
 * max_iterations (checked before any is computed); RS_E_PERM a wrong
 * password; RS_E_USAGE a missing password.  A PFX's empty password is
 * tried in both encodings (with and without the BMPString terminator),
 * as Windows does.  A certificate whose key TLS cannot use here (RSA
 * below 2048 bits) is imported: the store holds what the machine has, and
 * its problems (CERTSTORE_P_UNSUPPORTED_KEY) say why it cannot serve.
 */
int	certstore_import(struct certstore *, const void *data, size_t len,
	    const char *name, const struct certstore_import_opts *,
	    struct certstore_import_result *, struct rs_err *);

/* How to export a PFX. */
struct certstore_pfx_opts {
	const char	*password;
	size_t		 password_len;
	bool		 legacy;	/* 3DES + SHA-1 MAC for old clients */
};

/*
 * Exports a certificate (with its chain and key, when stored) as a PFX:
 * modern by default (PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC, SHA-256
 * MAC), legacy when asked (pbeWithSHA1And3-KeyTripleDES-CBC, SHA-1 MAC).
 * *out (caller frees with fs_free_secret(out, len)) and *len.
 */
int	certstore_export_pfx(struct certstore *, const char *store,
	    const char *thumbprint, const struct certstore_pfx_opts *,
	    char **out, size_t *len, struct rs_err *);

/*
 * Exports the certificate alone, as PEM (der false) or DER (der true).
 * *out (caller frees) and *len.
 */
int	certstore_export_cert(struct certstore *, const char *store,
	    const char *thumbprint, bool der, char **out, size_t *len,
	    struct rs_err *);

/*
 * Removes a certificate (its .crt, .key and .meta) from store.
 * RS_E_NOTFOUND.  The caller checks bindings first (certstore does not
 * know them).
 */
int	certstore_remove(struct certstore *, const char *store,
	    const char *thumbprint, struct rs_err *);

/* The outcome of certstore_verify. */
struct certstore_verify {
	struct certstore_info	 info;		/* problems/warnings filled */
	bool			 trusted;	/* chains to a Root cert */
	char			 root[CERTSTORE_THUMB_LEN + 1]; /* if trusted */
	char			*chain;		/* "CN=a <- CN=CA <- CN=Root" */
	char			*reason;	/* why not trusted, or NULL */
};

/*
 * Verifies a certificate as a TLS server would be checked by a client
 * that trusts the Root store: chain (own chain, CA, Root), dates, server
 * EKU, key match.  Fills *v (free with certstore_verify_fini) and returns
 * 0 even when the certificate fails: the caller reads v->info.problems
 * and v->trusted.  -1 only when it cannot be checked (RS_E_NOTFOUND...).
 */
int	certstore_verify(struct certstore *, const char *store,
	    const char *thumbprint, struct certstore_verify *,
	    struct rs_err *);
void	certstore_verify_fini(struct certstore_verify *);

#endif
