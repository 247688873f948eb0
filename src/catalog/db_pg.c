/*
 * db_pg.c: the PostgreSQL backend of db.h, over libpq.  Queries written
 * with '?' placeholders are rewritten to $1, $2, ... and sent with
 * PQexecParams (never by formatting values into SQL).  Results come back
 * in text form; bytea columns are unescaped on demand.  The schema version
 * lives in a one-row table, rs_schema, since PostgreSQL has no
 * user_version.
 */
#include "catalog/db.h"
#include "common/buf.h"
#include "common/xmalloc.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_PARAMS	32

struct pdb {
	struct db	 db;
	PGconn		*conn;
	int		 changes;
};

static void	quiet(void *, const char *);

struct pstmt {
	struct db_stmt	 hdr;
	char		*sql;
	char		*vals[PG_MAX_PARAMS];
	int		 lens[PG_MAX_PARAMS];
	int		 fmts[PG_MAX_PARAMS];
	int		 nparams;
	PGresult	*res;
	int		 row;
	unsigned char	*blob;	/* last unescaped bytea */
};

/* Copies a libpq message without its trailing newline. */
static int
fail_msg(struct rs_err *e, const char *what, const char *msg)
{
	size_t	n = strlen(msg);

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	return rs_err_set(e, RS_E_DB, "%s: %.*s", what, (int)n, msg);
}

static char *
rewrite(const char *sql)
{
	struct buf	b;
	bool		quoted = false;
	int		n = 0;

	buf_init(&b, 0);
	for (; *sql != '\0'; sql++) {
		if (*sql == '\'')
			quoted = !quoted;
		if (*sql == '?' && !quoted)
			(void)buf_printf(&b, NULL, "$%d", ++n);
		else
			(void)buf_append(&b, sql, 1, NULL);
	}
	return buf_take(&b, NULL);
}

static struct db_stmt *
p_prepare(struct db *db, const char *sql, struct rs_err *e)
{
	struct pstmt	*st;

	(void)e;
	st = xcalloc(1, sizeof(*st));
	st->hdr.db = db;
	st->sql = rewrite(sql);
	st->row = -1;
	return &st->hdr;
}

static int
set_param(struct pstmt *st, int i, char *v, int len, int fmt)
{
	if (i < 1 || i > PG_MAX_PARAMS) {
		free(v);
		return -1;
	}
	free(st->vals[i - 1]);
	st->vals[i - 1] = v;
	st->lens[i - 1] = len;
	st->fmts[i - 1] = fmt;
	if (i > st->nparams)
		st->nparams = i;
	return 0;
}

static int
p_bind_text(struct db_stmt *x, int i, const char *v)
{
	return set_param((struct pstmt *)x, i, v ? xstrdup(v) : NULL, 0, 0);
}

static int
p_bind_int(struct db_stmt *x, int i, int64_t v)
{
	return set_param((struct pstmt *)x, i,
	    xasprintf("%lld", (long long)v), 0, 0);
}

static int
p_bind_blob(struct db_stmt *x, int i, const void *p, size_t n)
{
	char	*v;

	if (p == NULL)
		return set_param((struct pstmt *)x, i, NULL, 0, 1);
	if (n > 0x7fffffff)
		return -1;
	v = xmalloc(n + 1);
	memcpy(v, p, n);
	return set_param((struct pstmt *)x, i, v, (int)n, 1);
}

/*
 * A connection the server dropped (restart, failover) is made again
 * before the next statement; the statement that saw it fail has already
 * reported the error, so nothing is retried behind the caller's back.
 */
static void
reconnect(struct pdb *p)
{
	if (PQstatus(p->conn) == CONNECTION_OK)
		return;
	PQreset(p->conn);
	if (PQstatus(p->conn) == CONNECTION_OK) {
		PQsetNoticeProcessor(p->conn, quiet, NULL);
		PQclear(PQexec(p->conn, "SET client_min_messages = warning"));
	}
}

static int
run(struct pstmt *st, struct rs_err *e)
{
	struct pdb	*p = (struct pdb *)st->hdr.db;
	ExecStatusType	 s;
	const char	*t;

	reconnect(p);
	st->res = PQexecParams(p->conn, st->sql, st->nparams, NULL,
	    (const char *const *)st->vals, st->lens, st->fmts, 0);
	s = PQresultStatus(st->res);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		return fail_msg(e, "cannot run query", st->res != NULL ?
		    PQresultErrorMessage(st->res) : PQerrorMessage(p->conn));
	t = PQcmdTuples(st->res);
	p->changes = t[0] != '\0' ? (int)strtol(t, NULL, 10) : 0;
	return 0;
}

static int
p_step(struct db_stmt *x, struct rs_err *e)
{
	struct pstmt	*st = (struct pstmt *)x;

	if (st->res == NULL && run(st, e) == -1)
		return -1;
	st->row++;
	return st->row < PQntuples(st->res) ? 1 : 0;
}

static const char *
p_col_text(struct db_stmt *x, int i)
{
	struct pstmt	*st = (struct pstmt *)x;

	if (PQgetisnull(st->res, st->row, i))
		return NULL;
	return PQgetvalue(st->res, st->row, i);
}

static int64_t
p_col_int(struct db_stmt *x, int i)
{
	const char	*v = p_col_text(x, i);

	return v != NULL ? strtoll(v, NULL, 10) : 0;
}

static const void *
p_col_blob(struct db_stmt *x, int i, size_t *n)
{
	struct pstmt	*st = (struct pstmt *)x;
	const char	*v = p_col_text(x, i);

	*n = 0;
	PQfreemem(st->blob);
	st->blob = NULL;
	if (v == NULL)
		return NULL;
	st->blob = PQunescapeBytea((const unsigned char *)v, n);
	return st->blob;
}

static void
p_finalize(struct db_stmt *x)
{
	struct pstmt	*st = (struct pstmt *)x;
	int		 i;

	for (i = 0; i < st->nparams; i++)
		free(st->vals[i]);
	PQfreemem(st->blob);
	PQclear(st->res);
	free(st->sql);
	free(st);
}

static int
p_exec(struct db *db, const char *sql, struct rs_err *e)
{
	struct pdb	*p = (struct pdb *)db;
	PGresult	*r;
	int		 rc = 0;

	reconnect(p);
	r = PQexec(p->conn, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = fail_msg(e, "cannot run statement", r != NULL ?
		    PQresultErrorMessage(r) : PQerrorMessage(p->conn));
	PQclear(r);
	return rc;
}

static int
p_get_version(struct db *db, int *v, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc;

	*v = 0;
	st = p_prepare(db, "SELECT to_regclass('rs_schema') IS NOT NULL", e);
	rc = p_step(st, e);
	if (rc == 1 && strcmp(p_col_text(st, 0), "t") == 0) {
		p_finalize(st);
		st = p_prepare(db, "SELECT max(version) FROM rs_schema", e);
		rc = p_step(st, e);
		if (rc == 1)
			*v = (int)p_col_int(st, 0);
	}
	p_finalize(st);
	return rc == -1 ? -1 : 0;
}

static int
p_set_version(struct db *db, int v, struct rs_err *e)
{
	char	sql[128];

	if (p_exec(db, "CREATE TABLE IF NOT EXISTS rs_schema "
	    "(version integer NOT NULL)", e) == -1 ||
	    p_exec(db, "DELETE FROM rs_schema", e) == -1)
		return -1;
	snprintf(sql, sizeof(sql), "INSERT INTO rs_schema VALUES (%d)", v);
	return p_exec(db, sql, e);
}

static int
p_changes(struct db *db)
{
	return ((struct pdb *)db)->changes;
}

/* PostgreSQL waits for row locks by itself; nothing to set. */
static void
p_busy(struct db *db, int ms)
{
	(void)db;
	(void)ms;
}

static void
p_close(struct db *db)
{
	struct pdb	*p = (struct pdb *)db;

	PQfinish(p->conn);
	free(p);
}

static const struct db_ops pg_ops = {
	"PostgreSQL", p_prepare, p_bind_text, p_bind_int, p_bind_blob, p_step,
	p_col_text, p_col_int, p_col_blob, p_finalize, p_exec,
	p_get_version, p_set_version, p_changes, p_busy, p_close, NULL,
};

static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

struct db *
db_pg_open(const char *conninfo, struct rs_err *e)
{
	struct pdb	*p;

	p = xcalloc(1, sizeof(*p));
	p->db.ops = &pg_ops;
	p->db.pg = true;
	p->conn = PQconnectdb(conninfo);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		fail_msg(e, "cannot connect to the PostgreSQL server",
		    PQerrorMessage(p->conn));
		p_close(&p->db);
		return NULL;
	}
	PQsetNoticeProcessor(p->conn, quiet, NULL);
	if (p_exec(&p->db, "SET client_min_messages = warning", e) == -1) {
		p_close(&p->db);
		return NULL;
	}
	return &p->db;
}
