/*
 * json.c: a recursive-descent JSON reader (see json.h).  Depth and node
 * count are bounded, so a hostile body cannot exhaust the stack or memory
 * beyond the body size limit already applied.
 */
#include "reportserver/json.h"
#include "common/buf.h"
#include "common/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct jp {
	const char	*s;
	size_t		 len, pos;
	size_t		 nodes;
	struct rs_err	*e;
};

static int	value(struct jp *, struct json *, int depth);

static int
fail(struct jp *p, const char *what)
{
	return rs_err_set(p->e, RS_E_BADINPUT, "malformed JSON at byte %zu: "
	    "%s", p->pos, what);
}

static void
ws(struct jp *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) != NULL &&
	    p->s[p->pos] != '\0')
		p->pos++;
}

static int
hex4(struct jp *p, unsigned *out)
{
	unsigned	v = 0;

	if (p->len - p->pos < 4)
		return fail(p, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		char	c = p->s[p->pos++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(p, "bad \\u escape");
	}
	*out = v;
	return 0;
}

static void
utf8(struct buf *b, unsigned cp)
{
	char	o[4];
	size_t	n;

	if (cp < 0x80) {
		o[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		o[0] = (char)(0xf0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	(void)buf_append(b, o, n, NULL);
}

static int
escape(struct jp *p, struct buf *b)
{
	static const char	from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char		*k;
	unsigned		 cp, lo;

	if (p->pos >= p->len)
		return fail(p, "unterminated string");
	k = strchr(from, p->s[p->pos]);
	if (k != NULL && *k != '\0') {
		(void)buf_append(b, &to[k - from], 1, NULL);
		p->pos++;
		return 0;
	}
	if (p->s[p->pos++] != 'u')
		return fail(p, "bad escape");
	if (hex4(p, &cp) == -1)
		return -1;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (p->len - p->pos < 6 || p->s[p->pos] != '\\' ||
		    p->s[p->pos + 1] != 'u')
			return fail(p, "lone surrogate");
		p->pos += 2;
		if (hex4(p, &lo) == -1 || lo < 0xdc00 || lo > 0xdfff)
			return fail(p, "bad surrogate pair");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xdc00 && cp < 0xe000)
		return fail(p, "lone surrogate");
	utf8(b, cp);
	return 0;
}

static int
string(struct jp *p, char **out, size_t *lenp)
{
	struct buf	b;

	buf_init(&b, 0);
	p->pos++;	/* the opening quote */
	for (;;) {
		unsigned char	c;

		if (p->pos >= p->len) {
			buf_fini(&b);
			return fail(p, "unterminated string");
		}
		c = (unsigned char)p->s[p->pos++];
		if (c == '"')
			break;
		if (c < 0x20) {
			buf_fini(&b);
			return fail(p, "control character in a string");
		}
		if (c == '\\') {
			if (escape(p, &b) == -1) {
				buf_fini(&b);
				return -1;
			}
		} else
			(void)buf_append(&b, &c, 1, NULL);
	}
	if (b.data == NULL)
		(void)buf_puts(&b, "", NULL);
	*lenp = b.len;
	*out = buf_take(&b, NULL);
	return 0;
}

static int
number(struct jp *p, struct json *v)
{
	char	tmp[64], *end;
	size_t	n = 0;

	while (p->pos + n < p->len && n < sizeof(tmp) - 1 &&
	    strchr("+-0123456789.eE", p->s[p->pos + n]) != NULL &&
	    p->s[p->pos + n] != '\0')
		n++;
	memcpy(tmp, p->s + p->pos, n);
	tmp[n] = '\0';
	v->num = strtod(tmp, &end);
	if (n == 0 || *end != '\0' || !isfinite(v->num))
		return fail(p, "bad number");
	p->pos += n;
	v->type = JSON_NUM;
	return 0;
}

static int
word(struct jp *p, const char *w)
{
	size_t	n = strlen(w);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n) != 0)
		return fail(p, "unexpected token");
	p->pos += n;
	return 0;
}

static struct json *
add_kid(struct json *v)
{
	v->kids = xreallocarray(v->kids, v->n + 1, sizeof(*v->kids));
	memset(&v->kids[v->n], 0, sizeof(*v->kids));
	return &v->kids[v->n++];
}

static int
container(struct jp *p, struct json *v, int depth, bool obj)
{
	char	close = obj ? '}' : ']';

	v->type = obj ? JSON_OBJ : JSON_ARR;
	if (depth >= JSON_DEPTH_MAX)
		return fail(p, "nested too deeply");
	p->pos++;
	ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		struct json	*k = add_kid(v);
		size_t		 kl;

		ws(p);
		if (obj) {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return fail(p, "expected a member name");
			if (string(p, &k->key, &kl) == -1)
				return -1;
			ws(p);
			if (p->pos >= p->len || p->s[p->pos++] != ':')
				return fail(p, "expected ':'");
		}
		if (value(p, k, depth + 1) == -1)
			return -1;
		ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			return 0;
		}
		return fail(p, obj ? "expected ',' or '}'" :
		    "expected ',' or ']'");
	}
}

static int
value(struct jp *p, struct json *v, int depth)
{
	if (++p->nodes > JSON_NODES_MAX)
		return fail(p, "too many values");
	ws(p);
	if (p->pos >= p->len)
		return fail(p, "unexpected end");
	switch (p->s[p->pos]) {
	case '{':
		return container(p, v, depth, true);
	case '[':
		return container(p, v, depth, false);
	case '"':
		v->type = JSON_STR;
		return string(p, &v->str, &v->len);
	case 't':
		v->type = JSON_BOOL;
		v->b = true;
		return word(p, "true");
	case 'f':
		v->type = JSON_BOOL;
		return word(p, "false");
	case 'n':
		v->type = JSON_NULL;
		return word(p, "null");
	default:
		return number(p, v);
	}
}

static void
fini(struct json *v)
{
	for (size_t i = 0; i < v->n; i++)
		fini(&v->kids[i]);
	free(v->kids);
	free(v->key);
	free(v->str);
}

void
json_free(struct json *v)
{
	if (v == NULL)
		return;
	fini(v);
	free(v);
}

struct json *
json_parse(const char *text, size_t len, struct rs_err *e)
{
	struct jp	 p = { text, len, 0, 0, e };
	struct json	*v = xcalloc(1, sizeof(*v));

	if (value(&p, v, 0) == -1) {
		json_free(v);
		return NULL;
	}
	ws(&p);
	if (p.pos != len) {
		fail(&p, "trailing data");
		json_free(v);
		return NULL;
	}
	return v;
}

const struct json *
json_get(const struct json *v, const char *key)
{
	if (v == NULL || v->type != JSON_OBJ)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcasecmp(v->kids[i].key, key) == 0)
			return &v->kids[i];
	return NULL;
}

const char *
json_get_str(const struct json *v, const char *key)
{
	const struct json	*m = json_get(v, key);

	return m != NULL && m->type == JSON_STR ? m->str : NULL;
}
