/*
 * form.h (internal to reportserver/): HTML form bodies, both
 * application/x-www-form-urlencoded and multipart/form-data (file
 * uploads).  Values point into memory the form owns; a file's bytes may
 * contain NULs, so each value has a length.
 */
#ifndef RS_REPORTSERVER_FORM_H
#define RS_REPORTSERVER_FORM_H

#include <stddef.h>

#include "common/err.h"

#define FORM_FIELDS_MAX	64

struct form_field {
	char	*name;
	char	*value;		/* NUL-terminated copy */
	size_t	 len;
	char	*filename;	/* multipart file parts, else NULL */
	char	*ctype;		/* multipart part Content-Type, or NULL */
};

struct form {
	struct form_field	f[FORM_FIELDS_MAX];
	size_t			n;
};

/* Parses a body by its Content-Type header.  RS_E_BADINPUT. */
int	form_parse(struct form *, const char *content_type, const void *body,
	    size_t len, struct rs_err *);
void	form_fini(struct form *);
/* The first field named name, or NULL. */
const struct form_field	*form_get(const struct form *, const char *name);
/* Its value, or NULL. */
const char	*form_str(const struct form *, const char *name);

#endif
