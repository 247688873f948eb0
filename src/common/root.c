/*
 * root.c: see root.h.
 */
#include "common/root.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
rs_root_resolve(const char *opt, char *out, size_t outsz, struct rs_err *e)
{
	const char	*r = opt;
	char		 cwd[RS_PATH_MAX];
	int		 n;
	size_t		 len;

	if (r == NULL || *r == '\0')
		r = getenv(RS_ROOT_ENV);
	if (r == NULL || *r == '\0')
		r = RS_ROOT_DEFAULT;
	if (r[0] == '/')
		n = snprintf(out, outsz, "%s", r);
	else {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return rs_err_sys(e, RS_E_IO,
			    "cannot resolve state root %s", r);
		n = snprintf(out, outsz, "%s/%s", cwd, r);
	}
	if (n < 0 || (size_t)n >= outsz)
		return rs_err_set(e, RS_E_USAGE, "state root path too long");
	len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';
	return 0;
}

int
rs_root_path(const char *root, const char *rel, char *out, size_t outsz,
    struct rs_err *e)
{
	int	n = snprintf(out, outsz, "%s/%s", root, rel);

	if (n < 0 || (size_t)n >= outsz)
		return rs_err_set(e, RS_E_IO, "path too long: %s/%s", root,
		    rel);
	return 0;
}
