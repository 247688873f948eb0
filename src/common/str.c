/*
 * str.c: see str.h.
 */
#include "common/str.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
str_copy(char *dst, size_t dstsz, const char *src)
{
	size_t	len = strlen(src);

	if (dstsz == 0)
		return -1;
	if (len >= dstsz) {
		memcpy(dst, src, dstsz - 1);
		dst[dstsz - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, len + 1);
	return 0;
}

int
str_append(char *dst, size_t dstsz, const char *src)
{
	size_t	have = strnlen(dst, dstsz);

	if (have == dstsz)
		return -1;
	return str_copy(dst + have, dstsz - have, src);
}

int
str_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out,
    const char *what, struct rs_err *e)
{
	unsigned long long	 v;
	char			*end;

	if (s == NULL || *s == '\0' || !isdigit((unsigned char)*s))
		return rs_err_set(e, RS_E_USAGE,
		    "%s: expected a whole number, got '%s'", what,
		    s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		return rs_err_set(e, RS_E_USAGE,
		    "%s: expected a whole number, got '%s'", what, s);
	if (errno == ERANGE || v < min || v > max)
		return rs_err_set(e, RS_E_USAGE,
		    "%s: %s is out of range; use %llu to %llu", what, s,
		    (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

void
str_hex_encode(const uint8_t *p, size_t len, char *out, bool upper)
{
	const char	*digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t		 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * len] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
str_hex_decode(const char *s, uint8_t *out, size_t outsz)
{
	size_t	len = strlen(s), i;
	int	hi, lo;

	if (len % 2 != 0 || len / 2 > outsz)
		return -1;
	for (i = 0; i < len / 2; i++) {
		hi = hexval((unsigned char)s[2 * i]);
		lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

int
str_url_decode(const char *s, size_t len, bool plus, char *out)
{
	int	hi, lo;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			if (len - i < 3)
				return -1;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return -1;
			*out++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '\0')
			return -1;
		else
			*out++ = s[i] == '+' && plus ? ' ' : s[i];
	}
	*out = '\0';
	return 0;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
str_base64_len(size_t len)
{
	return (len + 2) / 3 * 4 + 1;
}

void
str_base64_encode(const uint8_t *p, size_t len, char *out)
{
	size_t		i, o = 0;
	uint32_t	v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = b64[v & 63];
	}
	if (i < len) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int
b64val(int c)
{
	const char	*p;

	if (c == '\0')
		return -1;
	p = strchr(b64, c);
	return p == NULL ? -1 : (int)(p - b64);
}

long
str_base64_decode(const char *s, size_t len, uint8_t *out, size_t outsz)
{
	uint32_t	v = 0;
	size_t		i, o = 0;
	int		n = 0, pad = 0, d;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isspace(c))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (d = b64val(c)) < 0)
			return -1;
		v = v << 6 | (uint32_t)d;
		if (++n == 4) {
			if (o + 3 > outsz)
				return -1;
			out[o++] = (uint8_t)(v >> 16);
			out[o++] = (uint8_t)(v >> 8);
			out[o++] = (uint8_t)v;
			n = 0;
			v = 0;
		}
	}
	if (n == 1 || pad > 2)
		return -1;
	if (n >= 2) {
		if (o + (size_t)(n - 1) > outsz)
			return -1;
		v <<= 6 * (4 - n);
		out[o++] = (uint8_t)(v >> 16);
		if (n == 3)
			out[o++] = (uint8_t)(v >> 8);
	}
	return (long)o;
}

char *
str_trim(char *s)
{
	char	*p = s, *end;

	while (isspace((unsigned char)*p))
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	if (p != s)
		memmove(s, p, (size_t)(end - p) + 1);
	return s;
}

bool
str_ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

bool
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
str_has_iprefix(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

bool
str_has_suffix(const char *s, const char *suffix)
{
	size_t	ls = strlen(s), lf = strlen(suffix);

	return ls >= lf && strcmp(s + ls - lf, suffix) == 0;
}
