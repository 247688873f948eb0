/*
 * command.c: the query text of the CommandTypes other than Text.  A
 * TableDirect dataset reads SELECT * FROM its table; a stored procedure
 * becomes, on PostgreSQL, a call with the query parameters by name (the
 * backend has looked up whether the name is a function or a procedure).
 * Names are checked to be plain identifiers before they go into a
 * statement and are written quoted; values are never written into the
 * text: each parameter stays an @Name placeholder that data_sql_rewrite
 * binds.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "data/data_int.h"

/* One part of a name at *pp: an identifier, or [anything but ] or "]. */
static int
name_part(const char **pp, char *out, size_t size)
{
	const char	*p = *pp;
	size_t		 n = 0;

	if (*p == '[' || *p == '"') {
		char close = *p == '[' ? ']' : '"';
		for (p++; *p != '\0' && *p != close; p++) {
			if ((unsigned char)*p < 0x20 || *p == '"' || *p == '[' ||
			    n + 1 >= size)
				return -1;
			out[n++] = *p;
		}
		if (*p != close || n == 0)
			return -1;
		p++;
	} else {
		if (!isalpha((unsigned char)*p) && *p != '_' && *p != '#')
			return -1;
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
		    *p == '#') {
			if (n + 1 >= size)
				return -1;
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	*pp = p;
	return 0;
}

int
data_object_name(const char *text, char *schema, size_t ssize, char *name,
    size_t nsize, struct rs_err *e)
{
	const char	*p = text;
	char		 a[128], b[128];

	while (isspace((unsigned char)*p))
		p++;
	if (name_part(&p, a, sizeof(a)) == -1)
		goto bad;
	b[0] = '\0';
	if (*p == '.') {
		p++;
		if (name_part(&p, b, sizeof(b)) == -1)
			goto bad;
	}
	while (isspace((unsigned char)*p) || *p == ';')
		p++;
	if (*p != '\0')
		goto bad;
	if (b[0] != '\0') {
		if (str_copy(schema, ssize, a) == -1 ||
		    str_copy(name, nsize, b) == -1)
			goto bad;
	} else if (str_copy(schema, ssize, "") == -1 ||
	    str_copy(name, nsize, a) == -1)
		goto bad;
	return 0;
bad:
	return rs_err_set(e, RS_E_BADINPUT, "\"%.60s\" is not a procedure or "
	    "table name (name, schema.name or [schema].[name])", text);
}

/* "name" quoted for SQL (the name holds no quote: checked above). */
static void
put_quoted(struct buf *b, const char *schema, const char *name)
{
	if (schema[0] != '\0')
		buf_printf(b, NULL, "\"%s\".", schema);
	buf_printf(b, NULL, "\"%s\"", name);
}

char *
data_table_sql(const struct data_query *q, struct rs_err *e)
{
	char		 schema[128], name[128];
	struct buf	 b;

	if (data_object_name(q->text, schema, sizeof(schema), name,
	    sizeof(name), e) == -1)
		return NULL;
	if (q->nparams > 0) {
		rs_err_set(e, RS_E_BADINPUT, "a TableDirect dataset takes no "
		    "query parameters");
		return NULL;
	}
	buf_init(&b, 512);
	buf_puts(&b, "SELECT * FROM ", NULL);
	put_quoted(&b, schema, name);
	return buf_take(&b, NULL);
}

/*
 * PostgreSQL: SELECT * FROM "s"."f"(a => @A, ...) or CALL "s"."p"(...).
 * The parameter names lose their '@' and are lowercased, as PostgreSQL
 * folds the unquoted names a function is declared with.
 */
char *
data_proc_pg_sql(const struct data_query *q, const char *schema,
    const char *name, bool procedure, struct rs_err *e)
{
	struct buf	 b;

	buf_init(&b, DATA_SQL_MAX);
	buf_puts(&b, procedure ? "CALL " : "SELECT * FROM ", NULL);
	put_quoted(&b, schema, name);
	buf_puts(&b, "(", NULL);
	for (size_t i = 0; i < q->nparams; i++) {
		const char *pn = q->params[i].name;
		if (*pn == '@')
			pn++;
		if (*pn == '\0' || strspn(pn, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(pn) ||
		    isdigit((unsigned char)*pn)) {
			buf_fini(&b);
			rs_err_set(e, RS_E_BADINPUT, "query parameter %s of "
			    "procedure %s is not a plain name",
			    q->params[i].name, name);
			return NULL;
		}
		buf_printf(&b, NULL, "%s", i > 0 ? ", " : "");
		for (const char *c = pn; *c != '\0'; c++)
			buf_printf(&b, NULL, "%c", tolower((unsigned char)*c));
		buf_printf(&b, NULL, " => @%s", pn);
	}
	buf_puts(&b, ")", NULL);
	return buf_take(&b, NULL);
}

struct data_param *
data_proc_params(const struct data_query *q, struct expr_value **store)
{
	struct data_param *p = xcalloc(q->nparams + 1, sizeof(*p));
	struct buf	 b;

	*store = xcalloc(q->nparams + 1, sizeof(**store));
	for (size_t i = 0; i < q->nparams; i++) {
		p[i] = q->params[i];
		if (q->params[i].nvalues <= 1)
			continue;
		buf_init(&b, DATA_SQL_MAX);
		for (size_t v = 0; v < q->params[i].nvalues; v++) {
			if (v > 0)
				buf_puts(&b, ",", NULL);
			expr_value_text(&q->params[i].values[v], &b, NULL);
		}
		expr_value_take_str(&(*store)[i], b.data != NULL ?
		    buf_take(&b, NULL) : xstrdup(""));
		p[i].values = &(*store)[i];
		p[i].nvalues = 1;
	}
	return p;
}

void
data_proc_params_free(struct data_param *p, struct expr_value *store,
    size_t n)
{
	for (size_t i = 0; store != NULL && i < n; i++)
		expr_value_fini(&store[i]);
	free(store);
	free(p);
}
