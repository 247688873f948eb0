/*
 * passwd.c: yescrypt hashes for built-in accounts (see passwd.h).  The
 * crypt_data scratch area is large and holds derived secrets, so it lives
 * on the heap and is wiped before it is freed.
 */
#include "reportserver/passwd.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <crypt.h>
#include <string.h>

int
rs_passwd_hash(const char *pw, char *out, size_t outsz, struct rs_err *e)
{
	struct crypt_data	*cd;
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char		*h;
	size_t			 n = strlen(pw);
	int			 rc = -1;

	if (n == 0 || n > RS_PASSWD_MAX)
		return rs_err_set(e, RS_E_BADINPUT, "the password must be 1 to "
		    "%d bytes long", RS_PASSWD_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f)
			return rs_err_set(e, RS_E_BADINPUT, "the password "
			    "contains a control character");
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL)
		return rs_err_sys(e, RS_E_INTERNAL, "cannot make a yescrypt "
		    "salt");
	cd = xcalloc(1, sizeof(*cd));
	h = crypt_r(pw, salt, cd);
	if (h == NULL || h[0] == '*')
		rs_err_set(e, RS_E_INTERNAL, "cannot hash the password");
	else if (str_copy(out, outsz, h) == -1)
		rs_err_set(e, RS_E_INTERNAL, "password hash too long");
	else
		rc = 0;
	fs_free_secret(cd, sizeof(*cd));
	return rc;
}

int
rs_passwd_dummy(char *out, size_t outsz, struct rs_err *e)
{
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, out, (int)outsz) == NULL ||
	    out[0] != '$')
		return rs_err_sys(e, RS_E_INTERNAL, "cannot make a yescrypt "
		    "salt");
	return 0;
}

bool
rs_passwd_verify(const char *pw, const char *hash)
{
	struct crypt_data	*cd;
	const char		*h;
	size_t			 n;
	unsigned char		 diff = 0;
	bool			 ok = false;

	if (hash == NULL || hash[0] != '$' || strlen(pw) > RS_PASSWD_MAX)
		return false;
	cd = xcalloc(1, sizeof(*cd));
	h = crypt_r(pw, hash, cd);
	if (h != NULL && h[0] != '*') {
		n = strlen(hash);
		if (strlen(h) == n) {
			for (size_t i = 0; i < n; i++)
				diff |= (unsigned char)(h[i] ^ hash[i]);
			ok = diff == 0;
		}
	}
	fs_free_secret(cd, sizeof(*cd));
	return ok;
}
