/*
 * buf.c: see buf.h.
 */
#include "common/buf.h"
#include "common/xmalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void
buf_fini(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int
reserve(struct buf *b, size_t more, struct rs_err *e)
{
	size_t	need, ncap;

	if (more > SIZE_MAX - b->len - 1)
		return rs_err_set(e, RS_E_LIMIT, "buffer size overflow");
	need = b->len + more;
	if (b->max != 0 && need > b->max)
		return rs_err_set(e, RS_E_LIMIT,
		    "data exceeds the limit of %zu bytes", b->max);
	if (need + 1 <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need + 1)
		ncap = ncap > SIZE_MAX / 2 ? need + 1 : ncap * 2;
	b->data = xreallocarray(b->data, ncap, 1);
	b->cap = ncap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n, struct rs_err *e)
{
	if (reserve(b, n, e) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s, struct rs_err *e)
{
	return buf_append(b, s, strlen(s), e);
}

int
buf_printf(struct buf *b, struct rs_err *e, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return rs_err_set(e, RS_E_INTERNAL, "bad format");
	if (reserve(b, (size_t)n, e) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_json_str(struct buf *b, const char *s, struct rs_err *e)
{
	char	tmp[8];

	if (buf_append(b, "\"", 1, e) == -1)
		return -1;
	for (; *s != '\0'; s++) {
		unsigned char	 c = (unsigned char)*s;
		const char	*rep = NULL;

		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		default:
			if (c < 0x20) {
				snprintf(tmp, sizeof(tmp), "\\u%04x", c);
				rep = tmp;
			}
		}
		if (rep != NULL ? buf_puts(b, rep, e) :
		    buf_append(b, s, 1, e))
			return -1;
	}
	return buf_append(b, "\"", 1, e);
}

int
buf_html(struct buf *b, const char *s, struct rs_err *e)
{
	for (; *s != '\0'; s++) {
		const char	*rep;

		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: rep = NULL;
		}
		if (rep != NULL ? buf_puts(b, rep, e) :
		    buf_append(b, s, 1, e))
			return -1;
	}
	return 0;
}

char *
buf_take(struct buf *b, size_t *lenp)
{
	char	*p;

	if (b->data == NULL) {
		reserve(b, 0, NULL);
		b->data[0] = '\0';
	}
	p = b->data;
	if (lenp != NULL)
		*lenp = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
