/*
 * err.c: filling and describing struct rs_err.
 */
#include "common/err.h"
#include "common/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char	*name;
	int		 exit_status;
	int		 http_status;
	const char	*text;
} table[] = {
#define X(name, ex, http, text) { #name, ex, http, text },
	RS_ERR_TABLE(X)
#undef X
};

void
rs_err_clear(struct rs_err *e)
{
	if (e == NULL)
		return;
	e->code = RS_E_OK;
	e->sys_errno = 0;
	e->msg[0] = '\0';
}

static void
vset(struct rs_err *e, enum rs_errcode code, int sys, const char *fmt,
    va_list ap)
{
	e->code = code;
	e->sys_errno = sys;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int
rs_err_set(struct rs_err *e, enum rs_errcode code, const char *fmt, ...)
{
	va_list	ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vset(e, code, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int
rs_err_sys(struct rs_err *e, enum rs_errcode code, const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;
	size_t	len;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vset(e, code, saved, fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	if (len < sizeof(e->msg))
		snprintf(e->msg + len, sizeof(e->msg) - len, ": %s",
		    strerror(saved));
	errno = saved;
	return -1;
}

void
rs_err_prefix(struct rs_err *e, const char *fmt, ...)
{
	char	ctx[256];
	size_t	clen, mlen;
	va_list	ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx) - 2, fmt, ap);
	va_end(ap);
	str_append(ctx, sizeof(ctx), ": ");
	clen = strlen(ctx);
	mlen = strlen(e->msg);
	if (clen + mlen >= sizeof(e->msg))
		mlen = sizeof(e->msg) - 1 - clen;
	memmove(e->msg + clen, e->msg, mlen);
	memcpy(e->msg, ctx, clen);
	e->msg[clen + mlen] = '\0';
}

static int
valid(enum rs_errcode c)
{
	return (int)c >= 0 && c < RS_E__COUNT;
}

int
rs_err_exit_status(enum rs_errcode c)
{
	return valid(c) ? table[c].exit_status : 70;
}

int
rs_err_http_status(enum rs_errcode c)
{
	return valid(c) ? table[c].http_status : 500;
}

const char *
rs_err_name(enum rs_errcode c)
{
	return valid(c) ? table[c].name : "INTERNAL";
}

const char *
rs_err_text(enum rs_errcode c)
{
	return valid(c) ? table[c].text : "internal error";
}
