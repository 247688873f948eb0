/*
 * form.c: HTML form bodies (see form.h).  The multipart reader follows
 * RFC 7578: parts separated by "--boundary" lines, each with headers
 * (Content-Disposition gives the name and filename) and a body ending at
 * CRLF before the next boundary.
 */
#include "reportserver/form.h"
#include "reportserver/rs_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
form_fini(struct form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->f[i].name);
		free(f->f[i].value);
		free(f->f[i].filename);
		free(f->f[i].ctype);
	}
	f->n = 0;
}

const struct form_field *
form_get(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0)
			return &f->f[i];
	return NULL;
}

const char *
form_str(const struct form *f, const char *name)
{
	const struct form_field	*x = form_get(f, name);

	return x != NULL ? x->value : NULL;
}

static struct form_field *
add(struct form *f, struct rs_err *e)
{
	if (f->n == FORM_FIELDS_MAX) {
		rs_err_set(e, RS_E_LIMIT, "the form has more than %d fields",
		    FORM_FIELDS_MAX);
		return NULL;
	}
	memset(&f->f[f->n], 0, sizeof(f->f[0]));
	return &f->f[f->n++];
}

static int
urlencoded(struct form *f, const char *s, size_t len, struct rs_err *e)
{
	const char	*end = s + len, *amp, *eq;

	for (; s < end; s = amp + 1) {
		struct form_field	*x;

		amp = memchr(s, '&', (size_t)(end - s));
		if (amp == NULL)
			amp = end;
		if (amp == s)
			continue;
		eq = memchr(s, '=', (size_t)(amp - s));
		if (eq == NULL)
			eq = amp;
		x = add(f, e);
		if (x == NULL)
			return -1;
		x->name = rs_url_decode(s, (size_t)(eq - s), true);
		x->value = eq < amp ? rs_url_decode(eq + 1,
		    (size_t)(amp - eq - 1), true) : xstrdup("");
		if (x->name == NULL || x->value == NULL)
			return rs_err_set(e, RS_E_BADINPUT, "the form has a bad "
			    "%%-escape");
		x->len = strlen(x->value);
	}
	return 0;
}

static const char *
memfind(const char *h, size_t hl, const char *n, size_t nl)
{
	return memmem(h, hl, n, nl);
}

/* A quoted parameter (name="...") of a Content-Disposition header. */
static char *
disp_param(const char *hdr, size_t hl, const char *param)
{
	char		 key[32];
	const char	*p, *q, *end = hdr + hl;

	snprintf(key, sizeof(key), "; %s=\"", param);
	p = memfind(hdr, hl, key, strlen(key));
	if (p == NULL)
		return NULL;
	p += strlen(key);
	q = memchr(p, '"', (size_t)(end - p));
	return q != NULL ? xstrndup(p, (size_t)(q - p)) : NULL;
}

static int
part(struct form *f, const char *p, size_t len, struct rs_err *e)
{
	const char		*hend = memfind(p, len, "\r\n\r\n", 4), *ct;
	struct form_field	*x;

	if (hend == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "a form part has no header "
		    "end");
	x = add(f, e);
	if (x == NULL)
		return -1;
	x->name = disp_param(p, (size_t)(hend - p), "name");
	if (x->name == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "a form part has no name");
	x->filename = disp_param(p, (size_t)(hend - p), "filename");
	ct = memfind(p, (size_t)(hend - p), "Content-Type: ", 14);
	if (ct != NULL)
		x->ctype = xstrndup(ct + 14, strcspn(ct + 14, "\r"));
	hend += 4;
	x->len = len - (size_t)(hend - p);
	x->value = xmalloc(x->len + 1);
	memcpy(x->value, hend, x->len);
	x->value[x->len] = '\0';
	return 0;
}

static int
multipart(struct form *f, const char *ct, const char *s, size_t len,
    struct rs_err *e)
{
	const char	*b = strcasestr(ct, "boundary="), *p, *next;
	char		 delim[200];
	size_t		 dl;

	if (b == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "multipart form without a "
		    "boundary");
	b += 9;
	dl = (size_t)snprintf(delim, sizeof(delim), "\r\n--%.*s",
	    (int)strcspn(b, "; \""), b + (*b == '"'));
	if (dl >= sizeof(delim) || dl < 5)
		return rs_err_set(e, RS_E_BADINPUT, "bad multipart boundary");
	/* The first delimiter has no CRLF in front of it. */
	if (len < dl - 2 || memcmp(s, delim + 2, dl - 2) != 0)
		return rs_err_set(e, RS_E_BADINPUT, "the form does not start "
		    "with its boundary");
	p = s + dl - 2;
	for (;;) {
		if ((size_t)(s + len - p) >= 2 && memcmp(p, "--", 2) == 0)
			return 0;	/* the closing delimiter */
		if ((size_t)(s + len - p) < 2 || memcmp(p, "\r\n", 2) != 0)
			return rs_err_set(e, RS_E_BADINPUT, "bad multipart "
			    "delimiter");
		p += 2;
		next = memfind(p, (size_t)(s + len - p), delim, dl);
		if (next == NULL)
			return rs_err_set(e, RS_E_BADINPUT, "the form ends "
			    "before its last boundary");
		if (part(f, p, (size_t)(next - p), e) == -1)
			return -1;
		p = next + dl;
	}
}

int
form_parse(struct form *f, const char *ct, const void *body, size_t len,
    struct rs_err *e)
{
	int	rc;

	memset(f, 0, sizeof(*f));
	if (ct != NULL && str_has_iprefix(ct, "multipart/form-data"))
		rc = multipart(f, ct, body, len, e);
	else if (ct != NULL && str_has_iprefix(ct,
	    "application/x-www-form-urlencoded"))
		rc = urlencoded(f, body, len, e);
	else
		rc = rs_err_set(e, RS_E_BADINPUT, "a form must be sent as "
		    "application/x-www-form-urlencoded or multipart/form-data");
	if (rc == -1)
		form_fini(f);
	return rc;
}
