/*
 * db_sqlite.c: the SQLite backend of db.h.  The database is one file in
 * WAL mode with foreign keys on and a busy timeout, because the rsconfig
 * tool writes while the daemon reads.  A missing file is reported as such
 * (the report server turns it into rsReportServerDatabaseUnavailable), and
 * a file that is not a database is reported with SQLite's own words.
 */
#include "catalog/catalog.h"
#include "catalog/db.h"
#include "common/fsutil.h"
#include "common/xmalloc.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQLITE_BUSY_MS	5000

struct sdb {
	struct db	 db;
	sqlite3		*h;
	char		*path;
	dev_t		 dev;	/* of the file opened */
	ino_t		 ino;
};

struct sstmt {
	struct db_stmt	 hdr;
	sqlite3_stmt	*st;
};

static int
fail(struct sdb *s, struct rs_err *e, const char *what)
{
	int	code = sqlite3_extended_errcode(s->h) & 0xff;

	return rs_err_set(e, code == SQLITE_BUSY || code == SQLITE_LOCKED ?
	    RS_E_BUSY : RS_E_DB, "%s: %s", what, sqlite3_errmsg(s->h));
}

static struct db_stmt *
s_prepare(struct db *db, const char *sql, struct rs_err *e)
{
	struct sdb	*s = (struct sdb *)db;
	struct sstmt	*st;
	sqlite3_stmt	*h;

	if (sqlite3_prepare_v2(s->h, sql, -1, &h, NULL) != SQLITE_OK) {
		fail(s, e, "cannot prepare query");
		return NULL;
	}
	st = xcalloc(1, sizeof(*st));
	st->hdr.db = db;
	st->st = h;
	return &st->hdr;
}

static int
s_bind_text(struct db_stmt *x, int i, const char *v)
{
	struct sstmt	*st = (struct sstmt *)x;

	if (v == NULL)
		return sqlite3_bind_null(st->st, i) == SQLITE_OK ? 0 : -1;
	return sqlite3_bind_text(st->st, i, v, -1, SQLITE_TRANSIENT) ==
	    SQLITE_OK ? 0 : -1;
}

static int
s_bind_int(struct db_stmt *x, int i, int64_t v)
{
	struct sstmt	*st = (struct sstmt *)x;

	return sqlite3_bind_int64(st->st, i, v) == SQLITE_OK ? 0 : -1;
}

static int
s_bind_blob(struct db_stmt *x, int i, const void *p, size_t n)
{
	struct sstmt	*st = (struct sstmt *)x;

	if (p == NULL)
		return sqlite3_bind_null(st->st, i) == SQLITE_OK ? 0 : -1;
	return sqlite3_bind_blob64(st->st, i, p, n, SQLITE_TRANSIENT) ==
	    SQLITE_OK ? 0 : -1;
}

static int
s_step(struct db_stmt *x, struct rs_err *e)
{
	struct sstmt	*st = (struct sstmt *)x;
	int		 rc;

	rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return fail((struct sdb *)x->db, e, "cannot run query");
}

static const char *
s_col_text(struct db_stmt *x, int i)
{
	struct sstmt	*st = (struct sstmt *)x;

	return (const char *)sqlite3_column_text(st->st, i);
}

static int64_t
s_col_int(struct db_stmt *x, int i)
{
	return sqlite3_column_int64(((struct sstmt *)x)->st, i);
}

static const void *
s_col_blob(struct db_stmt *x, int i, size_t *n)
{
	struct sstmt	*st = (struct sstmt *)x;
	const void	*p;

	p = sqlite3_column_blob(st->st, i);
	*n = (size_t)sqlite3_column_bytes(st->st, i);
	return p;
}

static void
s_finalize(struct db_stmt *x)
{
	struct sstmt	*st = (struct sstmt *)x;

	sqlite3_finalize(st->st);
	free(st);
}

static int
s_exec(struct db *db, const char *sql, struct rs_err *e)
{
	struct sdb	*s = (struct sdb *)db;

	if (sqlite3_exec(s->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, e, "cannot run statement");
	return 0;
}

static int
s_get_version(struct db *db, int *v, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc;

	st = s_prepare(db, "PRAGMA user_version", e);
	if (st == NULL)
		return -1;
	rc = s_step(st, e);
	if (rc == 1)
		*v = (int)s_col_int(st, 0);
	s_finalize(st);
	return rc == 1 ? 0 : -1;
}

static int
s_set_version(struct db *db, int v, struct rs_err *e)
{
	char	sql[64];

	/* PRAGMA takes no bound parameters; v is our own integer. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	return s_exec(db, sql, e);
}

static int
s_changes(struct db *db)
{
	return sqlite3_changes(((struct sdb *)db)->h);
}

static void
s_busy(struct db *db, int ms)
{
	sqlite3_busy_timeout(((struct sdb *)db)->h, ms);
}

static void
s_close(struct db *db)
{
	struct sdb	*s = (struct sdb *)db;

	sqlite3_close(s->h);
	free(s->path);
	free(s);
}

static int
s_check(struct db *db, struct rs_err *e)
{
	struct sdb	*s = (struct sdb *)db;
	struct stat	 st;
	bool		 gone = stat(s->path, &st) == -1;

	if (!gone && st.st_dev == s->dev && st.st_ino == s->ino)
		return 0;
	return rs_err_set(e, RS_E_NOTFOUND, "the report server database %s "
	    "is %s while the report server had it open; restore it from a "
	    "backup, or make a new one with '" CATALOG_CREATE_HINT "'",
	    s->path, gone ?
	    "missing: it was deleted or moved" : "another file: it was "
	    "replaced");
}

static const struct db_ops sqlite_ops = {
	"SQLite", s_prepare, s_bind_text, s_bind_int, s_bind_blob, s_step,
	s_col_text, s_col_int, s_col_blob, s_finalize, s_exec,
	s_get_version, s_set_version, s_changes, s_busy, s_close, s_check,
};

/*
 * Reads the journal mode back: a file that is not a database fails here
 * ("file is not a database"), not at the first query of a request.
 */
static int
setup(struct sdb *s, struct rs_err *e)
{
	sqlite3_busy_timeout(s->h, SQLITE_BUSY_MS);
	if (s_exec(&s->db, "PRAGMA foreign_keys = ON", e) == -1 ||
	    s_exec(&s->db, "PRAGMA journal_mode = WAL", e) == -1 ||
	    s_exec(&s->db, "PRAGMA synchronous = NORMAL", e) == -1)
		return -1;
	return 0;
}

/*
 * The identity (device, inode) of the file just opened, which s_check
 * compares with what the path names later.
 */
static int
file_id(struct sdb *s, struct rs_err *e)
{
	struct stat	 st;

	if (stat(s->path, &st) == -1)
		return rs_err_sys(e, RS_E_NOTFOUND, "database %s", s->path);
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	return 0;
}

struct db *
db_sqlite_open(const char *path, bool create, struct rs_err *e)
{
	struct sdb	*s;
	int		 flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;

	if (!create && !fs_exists(path)) {
		rs_err_set(e, RS_E_NOTFOUND, "the report server database %s "
		    "does not exist (not created yet, or deleted or moved); "
		    "restore it from a backup, or make it with '"
		    CATALOG_CREATE_HINT "'", path);
		return NULL;
	}
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	s = xcalloc(1, sizeof(*s));
	s->db.ops = &sqlite_ops;
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->h, flags, NULL) != SQLITE_OK) {
		rs_err_set(e, RS_E_DB, "cannot open database %s: %s", path,
		    s->h != NULL ? sqlite3_errmsg(s->h) : "out of memory");
		s_close(&s->db);
		return NULL;
	}
	sqlite3_extended_result_codes(s->h, 1);
	if (setup(s, e) == -1 || file_id(s, e) == -1) {
		rs_err_prefix(e, "cannot open database %s", path);
		s_close(&s->db);
		return NULL;
	}
	return &s->db;
}
