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
 * misread.  Not here yet (issue 16): backing up, restoring and changing
 * the key, and handing it to other nodes of a scale-out (each node has its
 * own rsreportserver.config, so its own key, today).
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
bool	 rskey_is_encrypted(const char *stored);

#endif
