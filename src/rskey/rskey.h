/*
 * rskey.h: the installation's symmetric key and the secrets it protects
 * (a minimal start of issue 16's key management, made for issue 15's SMTP
 * credentials; other modules reuse it for any secret they store).
 *
 * The key is 32 random bytes in ROOT/reportserver/keys/symmetric.key
 * (folder 0700, file 0600, owned like rsreportserver.config so the
 * service account reads it), made on first use by whoever encrypts.  A
 * secret is stored as "rsenc:v1:" + base64(nonce || ciphertext || tag),
 * AES-256-GCM, so a changed or truncated value is refused, never
 * misread.  seal.c seals backups (the catalog, the config and this key)
 * with a password.  Not here yet (issue 16): backing up the key alone,
 * changing the key, and handing it to other nodes of a scale-out (each
 * node has its own rsreportserver.config, so its own key, today).
 *
 * Only this module, certstore, tls and tlsprobe include OpenSSL.
 */
#ifndef RS_RSKEY_RSKEY_H
#define RS_RSKEY_RSKEY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define RSKEY_FILE	"reportserver/keys/symmetric.key"
#define RSKEY_PREFIX	"rsenc:v1:"
#define RSKEY_SECRET_MAX	4096

/*
 * Encrypts a secret with the root's key (made when missing).  Returns a
 * new string the caller frees, or NULL with e (RS_E_IO: no key can be
 * read or made).
 */
char	*rskey_encrypt(const char *root, const char *secret, struct rs_err *);
/*
 * Decrypts a stored secret.  The caller frees the result with
 * rskey_free (it is wiped).  RS_E_BADINPUT for a value that is not an
 * encrypted secret or does not match the key; RS_E_NOTFOUND without key.
 */
char	*rskey_decrypt(const char *root, const char *stored, struct rs_err *);
void	 rskey_free(char *);
/* Makes the installation key when there is none yet (0, or -1 with e). */
int	 rskey_ensure(const char *root, struct rs_err *);
bool	 rskey_is_encrypted(const char *stored);

/*
 * Password-sealed streams (rsconfig database backup; the file format is in
 * docs/operations.md): AES-256-GCM under a key made from the password with
 * scrypt (RSKEY_KDF: N=2^15, r=8, p=1) and a random 16-byte salt, with a
 * random 12-byte nonce.  rskey_seal_new(true, ...) makes salt and nonce;
 * (false, ...) takes them from the file to open it.  aad is authenticated,
 * not encrypted (the file's header); update turns n bytes into n bytes;
 * final writes the tag (seal) or checks it: RS_E_BADINPUT when it does not
 * match (a wrong password, or a changed file).
 */
#define RSKEY_SALT_LEN	16
#define RSKEY_NONCE_LEN	12
#define RSKEY_TAG_LEN	16
#define RSKEY_KDF	"scrypt N=32768 r=8 p=1"

struct rskey_seal;

struct rskey_seal *rskey_seal_new(bool seal, const char *password,
	    size_t pwlen, unsigned char salt[RSKEY_SALT_LEN],
	    unsigned char nonce[RSKEY_NONCE_LEN], struct rs_err *);
int	rskey_seal_aad(struct rskey_seal *, const void *aad, size_t n);
int	rskey_seal_update(struct rskey_seal *, const void *in, size_t n,
	    void *out);
int	rskey_seal_final(struct rskey_seal *, unsigned char tag[RSKEY_TAG_LEN],
	    struct rs_err *);
void	rskey_seal_free(struct rskey_seal *);

/* SHA-256 in pieces; final writes 64 hex digits and a NUL, and frees. */
struct rskey_sha256;

struct rskey_sha256 *rskey_sha256_new(void);
void	rskey_sha256_update(struct rskey_sha256 *, const void *, size_t);
void	rskey_sha256_final(struct rskey_sha256 *, char hex[65]);

#endif
