/*
 * pg.c: the PostgreSQL backend over libpq.  Parameters go as text with
 * type "unknown" so the server infers each from its context, exactly as
 * it would for a literal; rows arrive in single-row mode so a large result
 * streams through the callback instead of being held by libpq.  A
 * statement_timeout bounds the query.
 *
 * The query is read-only unless the administrator marked its data source
 * read-write (src->read_write, from <Allow ReadWrite="true"> in
 * PostgreSQLDataSources): the session's default_transaction_read_only is
 * on before the query is sent, so the query's own transaction cannot
 * write (PostgreSQL refuses to make it read-write once it has run
 * anything), and the extended protocol takes exactly one statement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "data/data_int.h"

/* Type OIDs from pg_type.h (stable across releases). */
#define OID_BOOL	16
#define OID_INT8	20
#define OID_INT2	21
#define OID_INT4	23
#define OID_FLOAT4	700
#define OID_FLOAT8	701
#define OID_NUMERIC	1700
#define OID_DATE	1082
#define OID_TIMESTAMP	1114
#define OID_TIMESTAMPTZ	1184

static char *
param_text(const struct expr_value *v)
{
	struct buf	 b;

	if (v->type == EXPR_T_NULL)
		return NULL;
	buf_init(&b, 0);
	if (v->type == EXPR_T_DATETIME)
		expr_format(v, "yyyy-MM-dd HH:mm:ss.fff", &b, NULL);
	else if (v->type == EXPR_T_BOOL)
		buf_puts(&b, v->u.b ? "true" : "false", NULL);
	else
		expr_value_xsd(v, &b, NULL);
	if (b.data == NULL)
		buf_puts(&b, "", NULL);
	return buf_take(&b, NULL);
}

static void
pg_value(PGresult *res, int col, Oid type, struct expr_value *v)
{
	char		*t, *end;

	v->borrowed = true;
	if (PQgetisnull(res, 0, col)) {
		v->type = EXPR_T_NULL;
		return;
	}
	t = PQgetvalue(res, 0, col);
	switch (type) {
	case OID_BOOL:
		v->type = EXPR_T_BOOL;
		v->u.b = t[0] == 't';
		return;
	case OID_INT2: case OID_INT4: case OID_INT8:
		v->type = EXPR_T_INT;
		v->u.i = strtoll(t, &end, 10);
		return;
	case OID_FLOAT4: case OID_FLOAT8: case OID_NUMERIC:
		v->type = EXPR_T_FLOAT;
		v->u.f = strtod(t, &end);
		return;
	case OID_DATE: case OID_TIMESTAMP: case OID_TIMESTAMPTZ:
		if (expr_dt_parse(t, &v->u.dt)) {
			v->type = EXPR_T_DATETIME;
			return;
		}
		/* timestamptz carries an offset: keep the local part. */
		if (strlen(t) > 19) {
			char tmp[32];
			snprintf(tmp, sizeof(tmp), "%.19s", t);
			if (expr_dt_parse(tmp, &v->u.dt)) {
				v->type = EXPR_T_DATETIME;
				return;
			}
		}
		break;
	default:
		break;
	}
	v->type = EXPR_T_STRING;
	v->u.s = t;
}

static const char *
field_name(void *res, int i)
{
	return PQfname(res, i);
}

static int
map_columns(PGresult *res, const struct data_query *q, int *map,
    struct rs_err *e)
{
	return data_map_columns(q, field_name, res, PQnfields(res), map, e);
}

/* The query's error; a refused write or second statement says why. */
static int
query_error(PGresult *res, struct rs_err *e)
{
	const char	*state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char	*msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	if (msg == NULL)
		msg = PQresultErrorMessage(res);
	if (state != NULL && strcmp(state, "25006") == 0)
		return rs_err_set(e, RS_E_BADINPUT, "cannot run the query: a "
		    "statement that writes is not allowed in a report query; "
		    "report queries are read-only (PostgreSQL: %s); an "
		    "administrator can mark the data source ReadWrite=\"true\" "
		    "in PostgreSQLDataSources", msg);
	if (strstr(msg, "multiple commands") != NULL)
		return rs_err_set(e, RS_E_BADINPUT, "cannot run the query: a "
		    "second statement after the first ';' is not allowed in a "
		    "report query; report queries are read-only (one SELECT)");
	return rs_err_set(e, RS_E_BADINPUT, "the query failed: %s",
	    PQresultErrorMessage(res));
}

/* statement_timeout, and a read-only session unless src allows writes. */
static int
session(PGconn *conn, const struct data_source *src, int ms,
    struct rs_err *e)
{
	char		 sql[160];
	PGresult	*res;
	int		 rv = 0;

	snprintf(sql, sizeof(sql), "SET statement_timeout = %d; SET "
	    "default_transaction_read_only = %s", ms, src->read_write ? "off" :
	    "on");
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rv = rs_err_set(e, RS_E_IO, "cannot set up the PostgreSQL "
		    "session: %s", PQresultErrorMessage(res));
	PQclear(res);
	return rv;
}

static int
fetch(PGconn *conn, const struct data_query *q, data_row_fn fn, void *arg,
    size_t *rows, struct rs_err *e)
{
	PGresult	*res;
	int		 map[DATA_COLUMNS_MAX], rv = 0;
	bool		 mapped = false;
	struct expr_value vals[DATA_COLUMNS_MAX];

	while ((res = PQgetResult(conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (rv == 0 && st == PGRES_SINGLE_TUPLE) {
			if (!mapped && map_columns(res, q, map, e) == -1)
				rv = -1;
			mapped = true;
			for (size_t c = 0; rv == 0 && c < q->ncolumns; c++)
				pg_value(res, map[c], PQftype(res, map[c]),
				    &vals[c]);
			if (rv == 0) {
				(*rows)++;
				rv = fn(arg, vals, q->ncolumns, e);
			}
		} else if (rv == 0 && st == PGRES_TUPLES_OK && !mapped) {
			rv = map_columns(res, q, map, e);
		} else if (rv == 0 && st != PGRES_TUPLES_OK &&
		    st != PGRES_COMMAND_OK && st != PGRES_SINGLE_TUPLE) {
			rv = query_error(res, e);
		}
		PQclear(res);
		if (rv == -1)
			PQrequestCancel(conn);
	}
	return rv;
}

/*
 * Is schema.name a function ('f') or a procedure ('p')?  Its schema and
 * name as the catalog spells them go into nsp and pro.  SQL Server's
 * default schema dbo (or none) means PostgreSQL's search path.
 */
static int
proc_kind(PGconn *conn, const char *schema, const char *name, char *kind,
    char *nsp, char *pro, size_t size, struct rs_err *e)
{
	const char	*vals[2] = { name, schema };
	PGresult	*res;
	int		 rv = -1;

	res = PQexecParams(conn, "SELECT p.prokind, n.nspname, p.proname FROM "
	    "pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = "
	    "p.pronamespace WHERE lower(p.proname) = lower($1) AND "
	    "(lower(n.nspname) = lower($2) OR (lower($2) IN ('', 'dbo') AND "
	    "pg_catalog.pg_function_is_visible(p.oid))) AND p.prokind IN "
	    "('f', 'p') ORDER BY n.nspname = $2 DESC LIMIT 1", 2, NULL, vals,
	    NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rs_err_set(e, RS_E_BADINPUT, "cannot look up procedure %s: %s",
		    name, PQresultErrorMessage(res));
	else if (PQntuples(res) == 0)
		rs_err_set(e, RS_E_BADINPUT, "cannot run stored procedure %s%s%s: "
		    "PostgreSQL has no function or procedure of that name; "
		    "create it (CREATE FUNCTION %s(...) RETURNS TABLE ...)",
		    schema, schema[0] ? "." : "", name, name);
	else if (strchr(PQgetvalue(res, 0, 1), '"') != NULL ||
	    strchr(PQgetvalue(res, 0, 2), '"') != NULL)
		rs_err_set(e, RS_E_BADINPUT, "procedure %s: its name holds a "
		    "double quote", name);
	else {
		*kind = PQgetvalue(res, 0, 0)[0];
		snprintf(nsp, size, "%s", PQgetvalue(res, 0, 1));
		snprintf(pro, size, "%s", PQgetvalue(res, 0, 2));
		rv = 0;
	}
	PQclear(res);
	return rv;
}

/* StoredProcedure and TableDirect: the Text query they mean. */
static char *
command_sql(PGconn *conn, const struct data_query *q, struct rs_err *e)
{
	char		 schema[128], name[128], nsp[128], pro[128], kind = 0;

	if (q->command == DATA_CMD_TABLE)
		return data_table_sql(q, e);
	if (data_object_name(q->text, schema, sizeof(schema), name,
	    sizeof(name), e) == -1 || proc_kind(conn, schema, name, &kind, nsp,
	    pro, sizeof(nsp), e) == -1)
		return NULL;
	return data_proc_pg_sql(q, nsp, pro, kind == 'p', e);
}

int
data_pg_exec(const struct data_source *src, const struct data_query *q,
    data_row_fn fn, void *arg, size_t *rows, struct rs_err *e)
{
	struct data_query cq = *q;
	struct data_param *pp = NULL;
	struct expr_value *store = NULL;
	char		*ctext = NULL;

	PGconn		*conn;
	struct data_bind *order = NULL;
	size_t		 norder = 0, i;
	char		*sql = NULL, **vals = NULL;
	int		 rv = -1;

	if (q->ncolumns > DATA_COLUMNS_MAX)
		return rs_err_set(e, RS_E_LIMIT, "more than %d fields",
		    DATA_COLUMNS_MAX);
	conn = PQconnectdb(src->conn);
	if (PQstatus(conn) != CONNECTION_OK) {
		rs_err_set(e, RS_E_IO, "cannot connect to PostgreSQL: %s",
		    PQerrorMessage(conn));
		goto out;
	}
	if (session(conn, src, q->timeout_ms > 0 ? q->timeout_ms :
	    DATA_TIMEOUT_MS, e) == -1)
		goto out;
	if (q->command != DATA_CMD_TEXT) {
		if ((ctext = command_sql(conn, q, e)) == NULL)
			goto out;
		pp = data_proc_params(q, &store);
		cq.text = ctext;
		cq.command = DATA_CMD_TEXT;
		cq.params = pp;
		q = &cq;
	}
	sql = data_sql_rewrite(q, DATA_POSTGRES, &order, &norder, e);
	if (sql == NULL)
		goto out;
	vals = xcalloc(norder + 1, sizeof(char *));
	for (i = 0; i < norder; i++)
		vals[i] = param_text(&q->params[order[i].param].values[
		    order[i].value]);
	if (!PQsendQueryParams(conn, sql, (int)norder, NULL,
	    (const char *const *)vals, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(conn)) {
		rs_err_set(e, RS_E_BADINPUT, "cannot send the query: %s",
		    PQerrorMessage(conn));
		goto out;
	}
	rv = fetch(conn, q, fn, arg, rows, e);
out:
	for (i = 0; vals != NULL && i < norder; i++)
		free(vals[i]);
	free(vals);
	free(order);
	free(sql);
	free(ctext);
	data_proc_params_free(pp, store, q->nparams);
	PQfinish(conn);
	return rv;
}
