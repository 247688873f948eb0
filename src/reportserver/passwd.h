/*
 * passwd.h: password hashes of the built-in accounts: yescrypt through
 * crypt(3) from libcrypt ("$y$..."), checked in constant time.  Nothing
 * here logs or keeps a password.
 */
#ifndef RS_REPORTSERVER_PASSWD_H
#define RS_REPORTSERVER_PASSWD_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define RS_PASSWD_MAX		1024	/* longest password accepted */
#define RS_PASSWD_HASH_MAX	256

/*
 * Checks a new password (1..RS_PASSWD_MAX bytes, no control characters)
 * and hashes it with a fresh yescrypt salt into out.  RS_E_BADINPUT or
 * RS_E_INTERNAL.
 */
int	rs_passwd_hash(const char *pw, char *out, size_t outsz,
	    struct rs_err *);
/*
 * A yescrypt setting with the parameters rs_passwd_hash uses and a fresh
 * salt, but no hash: checking any password against it costs what checking
 * a real hash costs, and never matches.  For sign-ins of names that have
 * no hash (so that they take as long as those that do).  RS_E_INTERNAL.
 */
int	rs_passwd_dummy(char *out, size_t outsz, struct rs_err *);
/* True when pw matches the crypt(3) hash. */
bool	rs_passwd_verify(const char *pw, const char *hash);

#endif
