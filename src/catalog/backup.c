/*
 * backup.c: a consistent copy of a SQLite catalog while the report server
 * runs, with SQLite's online backup API (rsconfig database backup), and
 * the check a copy must pass before it replaces a catalog (restore).
 *
 * The copy is one sqlite3_backup_step(-1): one read transaction over the
 * whole file, so it is the catalog as of one moment; in WAL mode the
 * report server goes on writing meanwhile.  The copy is then switched to
 * a rollback journal so it is one self-contained file (the report server
 * sets WAL again when it opens it).
 */
#include "catalog/catalog.h"
#include "common/str.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BACKUP_BUSY_MS		10000
#define BACKUP_RETRY_MS		50

static void
nap(void)
{
	struct timespec	ts = { 0, BACKUP_RETRY_MS * 1000000L };

	nanosleep(&ts, NULL);
}

static int
db_fail(sqlite3 *h, struct rs_err *e, const char *what, const char *path)
{
	return rs_err_set(e, RS_E_DB, "%s %s: %s", what, path, h != NULL ?
	    sqlite3_errmsg(h) : "out of memory");
}

int
catalog_sqlite_backup(const char *src, const char *dst, struct rs_err *e)
{
	sqlite3		*from = NULL, *to = NULL;
	sqlite3_backup	*b;
	int		 rc = -1, st, waited = 0;

	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		db_fail(from, e, "cannot open the catalog", src);
		goto out;
	}
	sqlite3_busy_timeout(from, BACKUP_BUSY_MS);
	if (sqlite3_open_v2(dst, &to, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		db_fail(to, e, "cannot create the copy", dst);
		goto out;
	}
	b = sqlite3_backup_init(to, "main", from, "main");
	if (b == NULL) {
		db_fail(to, e, "cannot start the backup of", src);
		goto out;
	}
	while ((st = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    st == SQLITE_LOCKED) {
		if ((waited += BACKUP_RETRY_MS) > BACKUP_BUSY_MS)
			break;
		nap();
	}
	sqlite3_backup_finish(b);
	if (st != SQLITE_DONE) {
		rs_err_set(e, st == SQLITE_BUSY || st == SQLITE_LOCKED ?
		    RS_E_BUSY : RS_E_DB, "cannot copy the catalog %s: %s", src,
		    sqlite3_errstr(st));
		goto out;
	}
	if (sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		db_fail(to, e, "cannot finish the copy", dst);
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(to);
	sqlite3_close(from);
	return rc;
}

int
catalog_sqlite_verify(const char *path, int *version, struct rs_err *e)
{
	sqlite3		*h = NULL;
	sqlite3_stmt	*st = NULL;
	const char	*ans;
	int		 rc = -1;

	*version = 0;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		rs_err_set(e, RS_E_BADINPUT, "the catalog in the backup is not "
		    "a usable SQLite database: %s", h != NULL ?
		    sqlite3_errmsg(h) : "out of memory");
		goto out;
	}
	ans = (const char *)sqlite3_column_text(st, 0);
	if (ans == NULL || strcmp(ans, "ok") != 0) {
		rs_err_set(e, RS_E_BADINPUT, "the catalog in the backup fails "
		    "SQLite's check: %s", ans != NULL ? ans : "no answer");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		rs_err_set(e, RS_E_BADINPUT, "cannot read the schema version of "
		    "the catalog in the backup: %s", sqlite3_errmsg(h));
		goto out;
	}
	*version = sqlite3_column_int(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(h);
	return rc;
}
