/*
 * data.c: the front of data/: parses data-source specifications and sends
 * a query to its backend.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/str.h"
#include "data/data_int.h"

int
data_source_parse(const char *spec, struct data_source *src,
    struct rs_err *e)
{
	static const struct {
		const char	*prefix;
		enum data_kind	 kind;
	} kinds[] = {
		{ "sqlite:", DATA_SQLITE }, { "postgres:", DATA_POSTGRES },
		{ "postgresql:", DATA_POSTGRES }, { "enterdata:", DATA_ENTERDATA },
	};
	size_t		 i;

	memset(src, 0, sizeof(*src));
	for (i = 0; i < nitems(kinds); i++) {
		if (!str_has_iprefix(spec, kinds[i].prefix))
			continue;
		src->kind = kinds[i].kind;
		if (str_copy(src->conn, sizeof(src->conn),
		    spec + strlen(kinds[i].prefix)) == -1)
			return rs_err_set(e, RS_E_USAGE, "data source "
			    "specification is longer than %zu bytes",
			    sizeof(src->conn) - 1);
		if (src->kind == DATA_SQLITE && src->conn[0] == '\0')
			return rs_err_set(e, RS_E_USAGE, "sqlite: needs a path, "
			    "e.g. sqlite:/var/lib/sales.db");
		return 0;
	}
	return rs_err_set(e, RS_E_USAGE, "unknown data source \"%.40s\"; use "
	    "sqlite:PATH, postgres:CONNINFO or enterdata:", spec);
}

int
data_map_columns(const struct data_query *q,
    const char *(*name)(void *, int), void *ctx, int n, int *map,
    struct rs_err *e)
{
	struct buf	names;
	int		i;

	for (size_t c = 0; c < q->ncolumns; c++) {
		map[c] = -1;
		for (i = 0; i < n && map[c] < 0; i++)
			if (strcasecmp(name(ctx, i), q->columns[c]) == 0)
				map[c] = i;
		if (map[c] >= 0)
			continue;
		buf_init(&names, 4096);
		for (i = 0; i < n; i++)
			buf_printf(&names, NULL, "%s%s", i ? ", " : "",
			    name(ctx, i));
		rs_err_set(e, RS_E_BADINPUT, "field %s is not a column of the "
		    "query result (columns: %s)", q->columns[c],
		    names.data ? names.data : "none");
		buf_fini(&names);
		return -1;
	}
	return 0;
}

int
data_exec(const struct data_source *src, const struct data_query *q,
    data_row_fn fn, void *arg, size_t *rows, struct rs_err *e)
{
	*rows = 0;
	switch (src->kind) {
	case DATA_SQLITE:
		return data_sqlite_exec(src, q, fn, arg, rows, e);
	case DATA_POSTGRES:
		return data_pg_exec(src, q, fn, arg, rows, e);
	case DATA_ENTERDATA:
		if (q->command != DATA_CMD_TEXT)
			return rs_err_set(e, RS_E_BADINPUT, "an ENTERDATA data "
			    "source has no stored procedures or tables");
		return data_enterdata_exec(q, fn, arg, rows, e);
	}
	return rs_err_set(e, RS_E_INTERNAL, "bad data source kind");
}
