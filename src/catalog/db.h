/*
 * db.h (internal to catalog/): one small interface over the two database
 * backends, SQLite and PostgreSQL, so every query of the catalog is written
 * once.  SQL uses '?' placeholders; the PostgreSQL backend rewrites them to
 * $1, $2, ...  Values travel as text, 64-bit integers or blobs; booleans
 * and times are integers.  Only db_sqlite.c includes <sqlite3.h> and only
 * db_pg.c includes <libpq-fe.h>.
 *
 * A db handle is used by one thread at a time (catalog.c holds a mutex).
 * Every failure sets RS_E_DB (RS_E_BUSY for a locked database) with the
 * backend's own message.
 */
#ifndef RS_CATALOG_DB_H
#define RS_CATALOG_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

struct db;

/* The first member of each backend's statement. */
struct db_stmt {
	struct db	*db;
};

struct db_ops {
	const char	*name;	/* "SQLite", "PostgreSQL" */
	struct db_stmt	*(*prepare)(struct db *, const char *, struct rs_err *);
	int	(*bind_text)(struct db_stmt *, int, const char *);
	int	(*bind_int)(struct db_stmt *, int, int64_t);
	int	(*bind_blob)(struct db_stmt *, int, const void *, size_t);
	int	(*step)(struct db_stmt *, struct rs_err *);
	const char	*(*col_text)(struct db_stmt *, int);
	int64_t	(*col_int)(struct db_stmt *, int);
	const void	*(*col_blob)(struct db_stmt *, int, size_t *);
	void	(*finalize)(struct db_stmt *);
	int	(*exec)(struct db *, const char *, struct rs_err *);
	int	(*get_version)(struct db *, int *, struct rs_err *);
	int	(*set_version)(struct db *, int, struct rs_err *);
	int	(*changes)(struct db *);
	void	(*busy)(struct db *, int ms);	/* wait for a locked db */
	void	(*close)(struct db *);
	/* The file is still there (catalog_check); NULL: nothing to check. */
	int	(*check)(struct db *, struct rs_err *);
};

struct db {
	const struct db_ops	*ops;
	bool			 pg;	/* dialect switch for schema text */
};

/*
 * Opens a SQLite database file.  create: make the file when missing
 * (otherwise a missing file is RS_E_NOTFOUND).  Sets WAL, foreign keys
 * and a busy timeout.
 */
struct db	*db_sqlite_open(const char *path, bool create, struct rs_err *);
/* Connects to PostgreSQL with a libpq connection string. */
struct db	*db_pg_open(const char *conninfo, struct rs_err *);

/* Convenience wrappers over the ops table. */
struct db_stmt	*db_prepare(struct db *, const char *sql, struct rs_err *);
/* Returns 1 with a row, 0 when done, -1 on error. */
int	db_step(struct db_stmt *, struct rs_err *);
void	db_finalize(struct db_stmt *);	/* accepts NULL */
int	db_exec(struct db *, const char *sql, struct rs_err *);
int	db_begin(struct db *, struct rs_err *);
int	db_commit(struct db *, struct rs_err *);
void	db_rollback(struct db *);

/*
 * Runs sql with the given arguments and no result rows.  fmt has one
 * letter per argument: 's' text (NULL allowed), 'i' int64_t, 'b' blob
 * (pointer then size_t).  Returns the number of rows changed, or -1.
 */
int	db_run(struct db *, struct rs_err *, const char *sql,
	    const char *fmt, ...);
/* Binds arguments described as for db_run to a prepared statement. */
struct db_stmt	*db_query(struct db *, struct rs_err *, const char *sql,
	    const char *fmt, ...);

#endif
