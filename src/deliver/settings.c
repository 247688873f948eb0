/*
 * settings.c: the name/value lists of a subscription (the delivery
 * extension's settings and the report's parameter values) and their
 * stored form, one line per pair: name TAB value TAB F (a field reference
 * of a data-driven subscription) or V, with backslash escapes for
 * backslash, TAB and line breaks.  Also the original's variables in
 * subjects and file names.
 */
#include "deliver/deliver.h"
#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

int
deliver_kvs_add(struct deliver_kvs *l, const char *name, const char *value,
    bool field, struct rs_err *e)
{
	if (l->n == DELIVER_KV_MAX)
		return rs_err_set(e, RS_E_LIMIT, "more than %d settings",
		    DELIVER_KV_MAX);
	l->v[l->n].name = xstrdup(name);
	l->v[l->n].value = xstrdup(value != NULL ? value : "");
	l->v[l->n++].field = field;
	return 0;
}

const char *
deliver_kvs_get(const struct deliver_kvs *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (str_ieq(l->v[i].name, name))
			return l->v[i].value;
	return NULL;
}

void
deliver_kvs_fini(struct deliver_kvs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
	}
	l->n = 0;
}

static void
escaped(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		const char	*x = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" :
		    *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : NULL;

		if (x != NULL)
			(void)buf_puts(b, x, NULL);
		else
			(void)buf_append(b, s, 1, NULL);
	}
}

char *
deliver_kvs_encode(const struct deliver_kvs *l)
{
	struct buf	b;

	buf_init(&b, 0);
	for (size_t i = 0; i < l->n; i++) {
		escaped(&b, l->v[i].name);
		(void)buf_puts(&b, "\t", NULL);
		escaped(&b, l->v[i].value);
		(void)buf_puts(&b, l->v[i].field ? "\tF\n" : "\tV\n", NULL);
	}
	if (b.len == 0)
		(void)buf_puts(&b, "", NULL);
	return b.data != NULL ? buf_take(&b, NULL) : xstrdup("");
}

/* Unescapes s[0..n) in place into out (NUL-terminated). */
static void
unescape(const char *s, size_t n, char *out)
{
	size_t	k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			out[k++] = s[i] == 't' ? '\t' : s[i] == 'n' ? '\n' :
			    s[i] == 'r' ? '\r' : s[i];
		} else
			out[k++] = s[i];
	}
	out[k] = '\0';
}

int
deliver_kvs_decode(const char *text, struct deliver_kvs *l, struct rs_err *e)
{
	const char	*p = text;

	l->n = 0;
	while (p != NULL && *p != '\0') {
		const char	*eol = strchr(p, '\n'), *t1, *t2;
		size_t		 len = eol != NULL ? (size_t)(eol - p) :
		    strlen(p);
		char		*name, *value;
		int		 rc;

		t1 = memchr(p, '\t', len);
		t2 = t1 != NULL ? memchr(t1 + 1, '\t', (size_t)(p + len - t1 -
		    1)) : NULL;
		if (t2 == NULL) {
			deliver_kvs_fini(l);
			return rs_err_set(e, RS_E_BADINPUT, "stored settings are "
			    "damaged");
		}
		name = xmalloc((size_t)(t1 - p) + 1);
		value = xmalloc((size_t)(t2 - t1));
		unescape(p, (size_t)(t1 - p), name);
		unescape(t1 + 1, (size_t)(t2 - t1 - 1), value);
		rc = deliver_kvs_add(l, name, value, t2[1] == 'F', e);
		free(name);
		free(value);
		if (rc == -1) {
			deliver_kvs_fini(l);
			return -1;
		}
		p = eol != NULL ? eol + 1 : NULL;
	}
	return 0;
}

static bool
var_at(const char *p, const char *name, size_t *n)
{
	size_t	k = strlen(name);

	if (strncasecmp(p, name, k) != 0)
		return false;
	*n = k;
	return true;
}

char *
deliver_expand(const char *text, const char *report_name,
    const char *execution_time, const char *timestamp)
{
	struct buf	b;
	size_t		n;

	buf_init(&b, 0);
	for (const char *p = text != NULL ? text : ""; *p != '\0';) {
		if (*p == '@' && var_at(p, "@ReportName", &n)) {
			(void)buf_puts(&b, report_name, NULL);
			p += n;
		} else if (*p == '@' && var_at(p, "@ExecutionTime", &n)) {
			(void)buf_puts(&b, execution_time, NULL);
			p += n;
		} else if (*p == '@' && var_at(p, "@timestamp", &n)) {
			(void)buf_puts(&b, timestamp, NULL);
			p += n;
		} else
			(void)buf_append(&b, p++, 1, NULL);
	}
	return b.data != NULL ? buf_take(&b, NULL) : xstrdup("");
}
