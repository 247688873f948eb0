/*
 * sqlite.c: the SQLite backend.  The database is opened read-only; the
 * T-SQL helpers YEAR, MONTH, DAY, DATEFROMPARTS, GETDATE, ISNULL and LEN
 * are registered
 * as functions; a schema-qualified table (Sales.Customer) that SQLite
 * reports missing is found by attaching the same file, read-only, under
 * that schema name and preparing again.  Values are bound with
 * sqlite3_bind_*: a String parameter that is a canonical integer ("2013")
 * is bound as an integer, as SQL Server's implicit conversion would compare
 * it with an int column.
 *
 * A report query is read-only by construction, not by trust: the
 * connection is opened read-only and defensive (no writable schema, no
 * extension loading); an authorizer allows only reading (SELECT, reading
 * columns, CTEs, functions that touch no file, and the pragmas that only
 * describe the schema), so ATTACH, DETACH, VACUUM INTO (an attach), any
 * writing pragma and load_extension are refused while the statement is
 * prepared; sqlite3_stmt_readonly() is checked before the first step; and
 * the text must be exactly one statement (anything after the first
 * statement but blanks, ';' and comments is refused).  The one ATTACH the
 * backend runs itself (the same file, read-only, for a schema name) is
 * allowed by a flag only it sets.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sqlite3.h>

#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "data/data_int.h"

#define ATTACH_MAX	8	/* schema names attached per query */
#define REFUSED_MAX	160	/* what the authorizer refused, for the message */

/* The authorizer's state: our own ATTACH, and the first thing refused. */
struct guard {
	bool	internal;
	char	refused[REFUSED_MAX];
};

/* Pragmas that only describe the schema (a pragma with no entry is refused). */
static const char *const read_pragmas[] = {
	"table_info", "table_xinfo", "table_list", "index_list", "index_info",
	"index_xinfo", "foreign_key_list", "collation_list", "function_list",
	"pragma_list", "database_list",
};

/* Functions that reach files or the process; SQLite refuses most already. */
static const char *const file_functions[] = {
	"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer",
	"zipfile", "sqlar_compress", "sqlar_uncompress", "lsmode",
};

static bool
in_list(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcasecmp(s, v[i]) == 0)
			return true;
	return false;
}

static int
refuse(struct guard *g, const char *what, const char *name)
{
	if (g->refused[0] == '\0')
		snprintf(g->refused, sizeof(g->refused), "%s%s%.100s", what,
		    name != NULL ? " " : "", name != NULL ? name : "");
	return SQLITE_DENY;
}

/* sqlite3_set_authorizer's callback: reading only. */
static int
authorize(void *arg, int action, const char *a1, const char *a2,
    const char *db, const char *trigger)
{
	struct guard	*g = arg;

	(void)db;
	(void)trigger;
	if (g->internal)
		return SQLITE_OK;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		if (in_list(a2, file_functions, nitems(file_functions)))
			return refuse(g, "the function", a2);
		return SQLITE_OK;
	case SQLITE_PRAGMA:
		if (in_list(a1, read_pragmas, nitems(read_pragmas)))
			return SQLITE_OK;
		return refuse(g, "PRAGMA", a1);
	case SQLITE_ATTACH:
		return refuse(g, "ATTACH (also VACUUM INTO)", NULL);
	case SQLITE_DETACH:
		return refuse(g, "DETACH", NULL);
	case SQLITE_INSERT:
		return refuse(g, "INSERT into", a1);
	case SQLITE_UPDATE:
		return refuse(g, "UPDATE of", a1);
	case SQLITE_DELETE:
		return refuse(g, "DELETE from", a1);
	case SQLITE_TRANSACTION:
		return refuse(g, "the transaction statement", a1);
	case SQLITE_SAVEPOINT:
		return refuse(g, "SAVEPOINT", a2);
	default:
		return refuse(g, "a statement that changes the database or "
		    "the connection", NULL);
	}
}

static void
fn_datepart(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*which = sqlite3_user_data(ctx);
	const unsigned char *t;
	int64_t		 dt;
	int		 p[7];

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	t = sqlite3_value_text(argv[0]);
	if (t == NULL || !expr_dt_parse((const char *)t, &dt)) {
		sqlite3_result_null(ctx);
		return;
	}
	expr_dt_split(dt, &p[0], &p[1], &p[2], &p[3], &p[4], &p[5], &p[6]);
	sqlite3_result_int(ctx, p[which[0] == 'Y' ? 0 : which[0] == 'M' ? 1 :
	    2]);
}

/* DATEFROMPARTS(year, month, day): that date at midnight; NULL if bad. */
static void
fn_datefromparts(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int64_t		 p[3];
	char		 s[32];

	(void)argc;
	for (int i = 0; i < 3; i++) {
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
			sqlite3_result_null(ctx);
			return;
		}
		p[i] = sqlite3_value_int64(argv[i]);
	}
	if (p[0] < 1 || p[0] > 9999 || p[1] < 1 || p[1] > 12 || p[2] < 1 ||
	    p[2] > 31) {
		sqlite3_result_null(ctx);
		return;
	}
	snprintf(s, sizeof(s), "%04d-%02d-%02d 00:00:00", (int)p[0], (int)p[1],
	    (int)p[2]);
	sqlite3_result_text(ctx, s, -1, SQLITE_TRANSIENT);
}

static void
fn_getdate(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct expr_value v = { .type = EXPR_T_DATETIME };
	struct buf	 b;

	(void)argc;
	(void)argv;
	v.u.dt = expr_dt_now();
	buf_init(&b, 0);
	expr_format(&v, "yyyy-MM-dd HH:mm:ss", &b, NULL);
	sqlite3_result_text(ctx, b.data, -1, SQLITE_TRANSIENT);
	buf_fini(&b);
}

static void
fn_isnull(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_value(ctx, sqlite3_value_type(argv[0]) == SQLITE_NULL ?
	    argv[1] : argv[0]);
}

static void
fn_len(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *t = sqlite3_value_text(argv[0]);
	size_t		 n;

	(void)argc;
	if (t == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	/* T-SQL's LEN ignores trailing blanks. */
	n = strlen((const char *)t);
	while (n > 0 && t[n - 1] == ' ')
		n--;
	sqlite3_result_int64(ctx, (sqlite3_int64)n);
}

static int
register_functions(sqlite3 *db)
{
	int		 f = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

	if (sqlite3_create_function(db, "YEAR", 1, f, (void *)"Y", fn_datepart,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "MONTH", 1, f, (void *)"M", fn_datepart,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "DAY", 1, f, (void *)"D", fn_datepart,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "DATEFROMPARTS", 3, f, NULL,
	    fn_datefromparts, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "ISNULL", 2, f, NULL, fn_isnull, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "LEN", 1, f, NULL, fn_len, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "GETDATE", 0, SQLITE_UTF8 |
	    SQLITE_INNOCUOUS, NULL,
	    fn_getdate, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

/* "no such table: Sales.Customer" -> attach the file as "Sales". */
static bool
attach_schema(sqlite3 *db, struct guard *g, const char *path,
    const char *msg)
{
	const char	*p = strstr(msg, "no such table: ");
	char		 schema[128], uri[1200];
	sqlite3_stmt	*st = NULL;
	size_t		 n;
	bool		 ok;

	if (p == NULL)
		return false;
	p += strlen("no such table: ");
	n = strcspn(p, ".");
	if (p[n] != '.' || n == 0 || n >= sizeof(schema))
		return false;
	memcpy(schema, p, n);
	schema[n] = '\0';
	snprintf(uri, sizeof(uri), "file:%s?mode=ro", path);
	g->internal = true;
	if (sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS ?2", -1, &st,
	    NULL) != SQLITE_OK) {
		g->internal = false;
		return false;
	}
	sqlite3_bind_text(st, 1, uri, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, schema, -1, SQLITE_TRANSIENT);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	g->internal = false;
	return ok;
}

static bool
canonical_int(const char *s, sqlite3_int64 *out)
{
	char		*end;
	long long	 v;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0') || *s == '+' ||
	    (s[0] == '-' && (s[1] == '0' || s[1] == '\0')))
		return false;
	for (const char *p = s[0] == '-' ? s + 1 : s; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || strlen(s) > 18)
		return false;
	*out = v;
	return true;
}

static int
bind_value(sqlite3_stmt *st, int i, const struct expr_value *v)
{
	struct buf	 b;
	sqlite3_int64	 n;
	int		 rc;

	switch (v->type) {
	case EXPR_T_NULL:
		return sqlite3_bind_null(st, i);
	case EXPR_T_BOOL:
		return sqlite3_bind_int(st, i, v->u.b);
	case EXPR_T_INT:
		return sqlite3_bind_int64(st, i, v->u.i);
	case EXPR_T_FLOAT:
		return sqlite3_bind_double(st, i, v->u.f);
	case EXPR_T_STRING:
		if (canonical_int(v->u.s, &n))
			return sqlite3_bind_int64(st, i, n);
		return sqlite3_bind_text(st, i, v->u.s, -1, SQLITE_TRANSIENT);
	case EXPR_T_DATETIME:
		buf_init(&b, 0);
		expr_format(v, "yyyy-MM-dd HH:mm:ss", &b, NULL);
		rc = sqlite3_bind_text(st, i, b.data, -1, SQLITE_TRANSIENT);
		buf_fini(&b);
		return rc;
	case EXPR_T_TIMESPAN:
	case EXPR_T_ARRAY:
		buf_init(&b, 0);
		expr_value_text(v, &b, NULL);
		rc = sqlite3_bind_text(st, i, b.data ? b.data : "", -1,
		    SQLITE_TRANSIENT);
		buf_fini(&b);
		return rc;
	}
	return SQLITE_MISUSE;
}

static const char *
column_name(void *st, int i)
{
	return sqlite3_column_name(st, i);
}

static int
find_columns(sqlite3_stmt *st, const struct data_query *q, int *map,
    struct rs_err *e)
{
	return data_map_columns(q, column_name, st,
	    sqlite3_column_count(st), map, e);
}

static void
column_value(sqlite3_stmt *st, int i, enum expr_type hint,
    struct expr_value *v)
{
	const char	*decl;

	v->borrowed = true;
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		v->type = EXPR_T_NULL;
		return;
	case SQLITE_INTEGER:
		v->type = EXPR_T_INT;
		v->u.i = sqlite3_column_int64(st, i);
		if (hint == EXPR_T_FLOAT) {
			v->type = EXPR_T_FLOAT;
			v->u.f = (double)v->u.i;
		} else if (hint == EXPR_T_BOOL) {
			v->type = EXPR_T_BOOL;
			v->u.b = v->u.i != 0;
		}
		return;
	case SQLITE_FLOAT:
		v->type = EXPR_T_FLOAT;
		v->u.f = sqlite3_column_double(st, i);
		return;
	default:
		v->type = EXPR_T_STRING;
		v->u.s = (char *)sqlite3_column_text(st, i);
		decl = sqlite3_column_decltype(st, i);
		if ((hint == EXPR_T_DATETIME || (decl != NULL &&
		    (strcasestr(decl, "DATE") != NULL ||
		    strcasestr(decl, "TIME") != NULL))) &&
		    expr_dt_parse(v->u.s, &v->u.dt))
			v->type = EXPR_T_DATETIME;
		return;
	}
}

static int
progress(void *arg)
{
	struct timespec	 now;
	const struct timespec *deadline = arg;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline->tv_sec ||
	    (now.tv_sec == deadline->tv_sec && now.tv_nsec > deadline->tv_nsec);
}

static void
refused(struct rs_err *e, const char *what)
{
	rs_err_set(e, RS_E_BADINPUT, "cannot run the query: %s is not allowed in "
	    "a report query; report queries are read-only (one SELECT)", what);
}

/* True when the rest of the text is blanks, ';' and comments only. */
static bool
only_trailer(sqlite3 *db, const char *tail)
{
	sqlite3_stmt	*st = NULL;
	const char	*next = NULL;
	bool		 empty;

	while (*tail != '\0') {
		if (sqlite3_prepare_v2(db, tail, -1, &st, &next) != SQLITE_OK)
			return false;
		empty = st == NULL;
		sqlite3_finalize(st);
		if (!empty || next == NULL || next == tail)
			return false;
		tail = next;
	}
	return true;
}

/* "VACUUM (a statement that writes)" from the statement's first word. */
static const char *
first_word(const char *sql, char *out, size_t n)
{
	size_t	k = 0;

	while (isspace((unsigned char)*sql))
		sql++;
	while (k < 16 && isalpha((unsigned char)sql[k]))
		k++;
	snprintf(out, n, "%.*s%sa statement that writes%s", (int)k, sql,
	    k > 0 ? " (" : "", k > 0 ? ")" : "");
	for (size_t i = 0; i < k; i++)
		out[i] = (char)toupper((unsigned char)out[i]);
	return out;
}

/* Prepares the one statement of sql and checks it only reads. */
static sqlite3_stmt *
prepare(sqlite3 *db, struct guard *g, const char *path, const char *sql,
    struct rs_err *e)
{
	sqlite3_stmt	*st = NULL;
	const char	*tail = NULL;
	char		 word[48];
	int		 tries;

	for (tries = 0; tries <= ATTACH_MAX; tries++) {
		g->refused[0] = '\0';
		if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) == SQLITE_OK)
			break;
		if (g->refused[0] != '\0') {
			refused(e, g->refused);
			return NULL;
		}
		if (!attach_schema(db, g, path, sqlite3_errmsg(db))) {
			rs_err_set(e, RS_E_BADINPUT, "cannot prepare the "
			    "query: %s", sqlite3_errmsg(db));
			return NULL;
		}
	}
	if (st == NULL) {
		rs_err_set(e, RS_E_BADINPUT, "cannot prepare the query: %s",
		    tries > ATTACH_MAX ? sqlite3_errmsg(db) : "it is empty");
		return NULL;
	}
	if (!sqlite3_stmt_readonly(st))
		refused(e, first_word(sql, word, sizeof(word)));
	else if (!only_trailer(db, tail))
		refused(e, "a second statement after the first ';'");
	else
		return st;
	sqlite3_finalize(st);
	return NULL;
}

/*
 * Defensive settings, then the authorizer; the T-SQL helpers are
 * registered first (the authorizer checks calls, not definitions).
 */
static int
harden(sqlite3 *db, struct guard *g)
{
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) !=
	    SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) !=
	    SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0,
	    NULL) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL) !=
	    SQLITE_OK)
		return -1;
	return sqlite3_set_authorizer(db, authorize, g) == SQLITE_OK ? 0 : -1;
}

static int
no_procedure(const char *name, struct rs_err *e)
{
	return rs_err_set(e, RS_E_BADINPUT, "cannot run stored procedure %s: "
	    "SQLite has no stored procedures; an administrator can store the "
	    "procedure's query under that name in the database's table "
	    DATA_PROC_TABLE " (name TEXT PRIMARY KEY, body TEXT), with @Name "
	    "for each parameter; see docs/reports.md", name);
}

/*
 * A stored procedure's query: the body stored under its name (schema.name
 * first, then the bare name) in DATA_PROC_TABLE, read through the same
 * read-only connection and authorizer as any query.
 */
static char *
proc_body(sqlite3 *db, const struct data_query *q, struct rs_err *e)
{
	char		 schema[128], name[128], full[260];
	const char	*tries[2] = { full, name };
	sqlite3_stmt	*st = NULL;
	char		*body = NULL;

	if (data_object_name(q->text, schema, sizeof(schema), name,
	    sizeof(name), e) == -1)
		return NULL;
	snprintf(full, sizeof(full), "%s%s%s", schema, schema[0] ? "." : "",
	    name);
	if (sqlite3_prepare_v2(db, "SELECT body FROM " DATA_PROC_TABLE
	    " WHERE name = ?1 COLLATE NOCASE", -1, &st, NULL) != SQLITE_OK) {
		no_procedure(full, e);
		return NULL;
	}
	for (size_t i = 0; i < 2 && body == NULL; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, tries[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0) != NULL)
			body = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (body == NULL)
		no_procedure(full, e);
	return body;
}

static int
run(sqlite3 *db, struct guard *g, const struct data_source *src,
    const struct data_query *q0, data_row_fn fn, void *arg, size_t *rows,
    struct rs_err *e)
{
	struct data_query cq = *q0, *q = &cq;
	char		*ctext = NULL;
	struct data_bind *order = NULL;
	size_t		 norder = 0, i;
	sqlite3_stmt	*st = NULL;
	char		*sql;
	int		 map[DATA_COLUMNS_MAX], rc, rv = -1;
	struct expr_value vals[DATA_COLUMNS_MAX];

	if (q->ncolumns > DATA_COLUMNS_MAX)
		return rs_err_set(e, RS_E_LIMIT, "more than %d fields",
		    DATA_COLUMNS_MAX);
	if (q->command != DATA_CMD_TEXT) {
		ctext = q->command == DATA_CMD_PROC ? proc_body(db, q, e) :
		    data_table_sql(q, e);
		if (ctext == NULL)
			return -1;
		cq.text = ctext;
		cq.command = DATA_CMD_TEXT;
	}
	sql = data_sql_rewrite(q, DATA_SQLITE, &order, &norder, e);
	if (sql == NULL) {
		free(ctext);
		return -1;
	}
	st = prepare(db, g, src->conn, sql, e);
	if (st == NULL || find_columns(st, q, map, e) == -1)
		goto out;
	for (i = 0; i < norder; i++)
		if (bind_value(st, (int)i + 1, &q->params[order[i].param].values[
		    order[i].value]) != SQLITE_OK) {
			rs_err_set(e, RS_E_BADINPUT, "cannot bind %s: %s",
			    q->params[order[i].param].name, sqlite3_errmsg(db));
			goto out;
		}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < q->ncolumns; i++)
			column_value(st, map[i], q->hints ? q->hints[i] :
			    EXPR_T_NULL, &vals[i]);
		(*rows)++;
		if (fn(arg, vals, q->ncolumns, e) == -1)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		rs_err_set(e, rc == SQLITE_INTERRUPT ? RS_E_LIMIT : RS_E_BADINPUT,
		    "the query failed: %s", rc == SQLITE_INTERRUPT ?
		    "timed out" : sqlite3_errmsg(db));
		goto out;
	}
	rv = 0;
out:
	sqlite3_finalize(st);
	free(sql);
	free(ctext);
	free(order);
	return rv;
}

int
data_sqlite_exec(const struct data_source *src, const struct data_query *q,
    data_row_fn fn, void *arg, size_t *rows, struct rs_err *e)
{
	sqlite3		*db = NULL;
	struct guard	 g = { 0 };
	struct timespec	 deadline;
	int		 rv = -1, ms = q->timeout_ms > 0 ? q->timeout_ms :
	    DATA_TIMEOUT_MS;

	if (sqlite3_open_v2(src->conn, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rs_err_set(e, RS_E_IO, "cannot open SQLite database %s: %s",
		    src->conn, db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += ms / 1000;
	sqlite3_progress_handler(db, 10000, progress, &deadline);
	if (register_functions(db) == -1 || harden(db, &g) == -1) {
		rs_err_set(e, RS_E_INTERNAL, "cannot set up the SQLite "
		    "connection: %s", sqlite3_errmsg(db));
		goto out;
	}
	rv = run(db, &g, src, q, fn, arg, rows, e);
out:
	sqlite3_close(db);
	return rv;
}
