/*
 * sqltext.c: rewrites a query written for SQL Server into one a backend
 * accepts, without ever putting a value into the text.  A small tokenizer
 * skips string literals, quoted identifiers and comments, so a '@' or a
 * bracket inside them is left alone.  "@Name" placeholders become numbered
 * placeholders (one per value of a multi-value parameter); [ident] becomes
 * "ident"; SELECT [DISTINCT] TOP n moves to a LIMIT at the end; '+' next
 * to a string literal becomes '||'; for PostgreSQL YEAR(), MONTH(), DAY(),
 * GETDATE(), ISNULL(), LEN() and DATEFROMPARTS() map to its own
 * functions (SQLite gets them as registered functions instead, but
 * ISNULL(), a keyword there, becomes IFNULL()).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "data/data.h"

/* A '+' found to join strings; finish() writes it as "||". */
#define CONCAT_MARK	'\x01'

struct rw {
	const struct data_query	*q;
	enum data_kind		 kind;
	struct buf		 out;
	struct data_bind	*order;
	size_t			 norder;
	char			*limit;		/* TOP n, moved to the end */
	bool			 prev_str;	/* last token was a string */
	size_t			 plus_at;	/* out offset of a pending '+' */
	bool			 plus_pending;
	struct rs_err		*e;
};

static size_t
skip_quoted(const char *s, size_t i, char close)
{
	for (i++; s[i] != '\0'; i++) {
		if (s[i] == close) {
			if (s[i + 1] == close && close != ']') {
				i++;
				continue;
			}
			return i + 1;
		}
	}
	return i;
}

static int
emit_placeholder(struct rw *w, const char *name, size_t len)
{
	const struct data_query *q = w->q;
	size_t		 p, v;

	for (p = 0; p < q->nparams; p++) {
		const char *pn = q->params[p].name;
		if (pn[0] == '@')
			pn++;
		if (strlen(pn) == len && strncasecmp(pn, name, len) == 0)
			break;
	}
	if (p == q->nparams)
		return rs_err_set(w->e, RS_E_BADINPUT, "the query uses @%.*s, "
		    "which is not one of the dataset's QueryParameters",
		    (int)len, name);
	if (q->params[p].nvalues == 0) {
		/* An empty multi-value list matches nothing, as NULL. */
		return buf_puts(&w->out, "NULL", w->e);
	}
	for (v = 0; v < q->params[p].nvalues; v++) {
		if (w->norder >= DATA_PARAMS_MAX)
			return rs_err_set(w->e, RS_E_LIMIT, "more than %d bound "
			    "values in one query", DATA_PARAMS_MAX);
		w->order = xreallocarray(w->order, w->norder + 1,
		    sizeof(*w->order));
		w->order[w->norder].param = p;
		w->order[w->norder].value = v;
		w->norder++;
		if (v > 0)
			buf_puts(&w->out, ", ", NULL);
		if (buf_printf(&w->out, w->e, w->kind == DATA_POSTGRES ? "$%zu" :
		    "?%zu", w->norder) == -1)
			return -1;
	}
	return 0;
}

static const struct {
	const char	*tsql, *pg;
} pg_funcs[] = {
	{ "YEAR", "date_part('year', " }, { "MONTH", "date_part('month', " },
	{ "DAY", "date_part('day', " }, { "GETDATE", "now(" },
	{ "ISNULL", "COALESCE(" }, { "LEN", "length(" },
	{ "DATEFROMPARTS", "make_date(" },
};

/* Words: TOP after SELECT [DISTINCT], and PostgreSQL function names. */
static int
word(struct rw *w, const char *s, size_t *ip)
{
	size_t		 i = *ip, j = i, k;
	char		*end;
	long		 n;

	while (isalnum((unsigned char)s[j]) || s[j] == '_')
		j++;
	if (j - i == 3 && strncasecmp(s + i, "TOP", 3) == 0 &&
	    w->limit == NULL) {
		k = j;
		while (isspace((unsigned char)s[k]) || s[k] == '(')
			k++;
		n = strtol(s + k, &end, 10);
		if (end != s + k && n >= 0) {
			w->limit = xstrndup(s + k, (size_t)(end - (s + k)));
			while (*end == ')' || isspace((unsigned char)*end))
				end++;
			*ip = (size_t)(end - s);
			return buf_puts(&w->out, " ", w->e);
		}
	}
	if (w->kind == DATA_POSTGRES) {
		k = j;
		while (isspace((unsigned char)s[k]))
			k++;
		for (size_t f = 0; s[k] == '(' && f < nitems(pg_funcs); f++)
			if (strlen(pg_funcs[f].tsql) == j - i &&
			    strncasecmp(s + i, pg_funcs[f].tsql, j - i) == 0) {
				*ip = k + 1;
				return buf_puts(&w->out, pg_funcs[f].pg, w->e);
			}
	} else if (j - i == 6 && strncasecmp(s + i, "ISNULL", 6) == 0) {
		/* ISNULL is an operator keyword in SQLite: IFNULL does it. */
		k = j;
		while (isspace((unsigned char)s[k]))
			k++;
		if (s[k] == '(') {
			*ip = j;
			return buf_puts(&w->out, "IFNULL", w->e);
		}
	}
	*ip = j;
	return buf_append(&w->out, s + i, j - i, w->e);
}

static void
fix_plus(struct rw *w, bool str_now)
{
	/* "a + 'x'" or "'x' + a": string concatenation, '||' in SQL. */
	if (w->plus_pending && (str_now || w->prev_str))
		w->out.data[w->plus_at] = CONCAT_MARK;
	w->plus_pending = false;
}

static int
token(struct rw *w, const char *s, size_t *ip)
{
	size_t		 i = *ip, j;
	char		 c = s[i];

	if (c == '\'' ) {
		j = skip_quoted(s, i, '\'');
		fix_plus(w, true);
		w->prev_str = true;
		*ip = j;
		return buf_append(&w->out, s + i, j - i, w->e);
	}
	if (isspace((unsigned char)c)) {
		*ip = i + 1;
		return buf_append(&w->out, &c, 1, w->e);
	}
	if (c == '-' && s[i + 1] == '-') {
		for (j = i; s[j] != '\0' && s[j] != '\n'; j++)
			;
		*ip = j;
		return buf_append(&w->out, s + i, j - i, w->e);
	}
	if (c == '/' && s[i + 1] == '*') {
		const char *z = strstr(s + i + 2, "*/");
		j = z != NULL ? (size_t)(z - s) + 2 : strlen(s);
		*ip = j;
		return buf_append(&w->out, s + i, j - i, w->e);
	}
	if (c == '+') {
		fix_plus(w, false);
		w->plus_pending = true;
		w->plus_at = w->out.len;
		*ip = i + 1;
		return buf_append(&w->out, "+", 1, w->e);
	}
	fix_plus(w, false);
	w->prev_str = false;
	if (c == '"') {
		j = skip_quoted(s, i, '"');
		*ip = j;
		return buf_append(&w->out, s + i, j - i, w->e);
	}
	if (c == '[') {
		j = skip_quoted(s, i, ']');
		*ip = j;
		if (buf_puts(&w->out, "\"", w->e) == -1 || buf_append(&w->out,
		    s + i + 1, j - i - 2 > 0 ? j - i - 2 : 0, w->e) == -1)
			return -1;
		return buf_puts(&w->out, "\"", w->e);
	}
	if (c == '@' && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '_')) {
		for (j = i + 1; isalnum((unsigned char)s[j]) || s[j] == '_'; j++)
			;
		*ip = j;
		return emit_placeholder(w, s + i + 1, j - i - 1);
	}
	if (isalpha((unsigned char)c) || c == '_')
		return word(w, s, ip);
	*ip = i + 1;
	return buf_append(&w->out, &c, 1, w->e);
}

/* Writes the marked '+' as "||" and appends the LIMIT of a TOP n. */
static char *
finish(struct rw *w)
{
	struct buf	 o;
	size_t		 i, end = w->out.len;

	/* A trailing ';' and blanks would come after the LIMIT. */
	while (end > 0 && (w->out.data[end - 1] == ';' ||
	    isspace((unsigned char)w->out.data[end - 1])))
		end--;
	buf_init(&o, 0);
	for (i = 0; i < end; i++) {
		if (w->out.data[i] == CONCAT_MARK)
			buf_puts(&o, "||", NULL);
		else
			buf_append(&o, &w->out.data[i], 1, NULL);
	}
	if (w->limit != NULL)
		buf_printf(&o, NULL, " LIMIT %s", w->limit);
	if (o.data == NULL)
		buf_puts(&o, "", NULL);
	return buf_take(&o, NULL);
}

char *
data_sql_rewrite(const struct data_query *q, enum data_kind kind,
    struct data_bind **order, size_t *norder, struct rs_err *e)
{
	struct rw	 w = { .q = q, .kind = kind, .e = e };
	size_t		 i = 0;
	char		*sql = NULL;

	if (strlen(q->text) > DATA_SQL_MAX) {
		rs_err_set(e, RS_E_LIMIT, "the query is longer than %u bytes",
		    DATA_SQL_MAX);
		return NULL;
	}
	buf_init(&w.out, 0);
	while (q->text[i] != '\0')
		if (token(&w, q->text, &i) == -1)
			goto out;
	fix_plus(&w, false);
	sql = finish(&w);
	*order = w.order;
	*norder = w.norder;
	w.order = NULL;
out:
	free(w.order);
	free(w.limit);
	buf_fini(&w.out);
	return sql;
}
