/*
 * db.c: the backend-neutral helpers over struct db_ops: transactions and
 * the db_run/db_query shortcuts that bind a list of arguments described by
 * a small format string.
 */
#include "catalog/db.h"

#include <stdarg.h>
#include <stddef.h>

struct db_stmt *
db_prepare(struct db *db, const char *sql, struct rs_err *e)
{
	return db->ops->prepare(db, sql, e);
}

int
db_step(struct db_stmt *st, struct rs_err *e)
{
	return st->db->ops->step(st, e);
}

void
db_finalize(struct db_stmt *st)
{
	if (st != NULL)
		st->db->ops->finalize(st);
}

int
db_exec(struct db *db, const char *sql, struct rs_err *e)
{
	return db->ops->exec(db, sql, e);
}

int
db_begin(struct db *db, struct rs_err *e)
{
	/* IMMEDIATE takes the write lock at once, so two writers queue on
	 * the busy timeout instead of failing half-way. */
	return db_exec(db, db->pg ? "BEGIN" : "BEGIN IMMEDIATE", e);
}

int
db_commit(struct db *db, struct rs_err *e)
{
	return db_exec(db, "COMMIT", e);
}

void
db_rollback(struct db *db)
{
	struct rs_err	ignored;

	(void)db_exec(db, "ROLLBACK", &ignored);
}

static int
bind_list(struct db_stmt *st, const char *fmt, va_list ap)
{
	const struct db_ops	*ops = st->db->ops;
	int			 i, rc = 0;

	for (i = 0; fmt[i] != '\0' && rc == 0; i++) {
		const void	*p;
		size_t		 n;

		switch (fmt[i]) {
		case 's':
			rc = ops->bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		case 'i':
			rc = ops->bind_int(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'b':
			p = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			rc = ops->bind_blob(st, i + 1, p, n);
			break;
		default:
			rc = -1;
		}
	}
	return rc;
}

static struct db_stmt *
vquery(struct db *db, struct rs_err *e, const char *sql, const char *fmt,
    va_list ap)
{
	struct db_stmt	*st;

	st = db_prepare(db, sql, e);
	if (st == NULL)
		return NULL;
	if (bind_list(st, fmt, ap) == -1) {
		db_finalize(st);
		rs_err_set(e, RS_E_INTERNAL, "cannot bind query arguments");
		return NULL;
	}
	return st;
}

struct db_stmt *
db_query(struct db *db, struct rs_err *e, const char *sql, const char *fmt,
    ...)
{
	struct db_stmt	*st;
	va_list		 ap;

	va_start(ap, fmt);
	st = vquery(db, e, sql, fmt, ap);
	va_end(ap);
	return st;
}

int
db_run(struct db *db, struct rs_err *e, const char *sql, const char *fmt,
    ...)
{
	struct db_stmt	*st;
	va_list		 ap;
	int		 rc;

	va_start(ap, fmt);
	st = vquery(db, e, sql, fmt, ap);
	va_end(ap);
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc >= 0)
		rc = db->ops->changes(db);
	db_finalize(st);
	return rc;
}
