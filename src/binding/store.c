/*
 * store.c: opening the binding store, its schema migrations, transactions
 * and the generation counter.  The file is ROOT/http/bindings.db in WAL
 * mode with synchronous=FULL (a committed change survives a crash), a busy
 * timeout (several processes write), and foreign keys on.  Each migration
 * runs in its own IMMEDIATE transaction that re-reads user_version first,
 * so two processes opening a new store at once migrate it once.
 * binding_store_grant lets the daemon's service group write it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binding/binding_int.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#define BUSY_TIMEOUT_MS	15000

/* Migration N takes user_version from N to N + 1. */
static const char *const migrations[] = {
	"CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  generation INTEGER NOT NULL);"
	"INSERT INTO meta (id, generation) VALUES (1, 1);"
	"CREATE TABLE sslcert ("
	"  endpoint TEXT PRIMARY KEY,"
	"  kind INTEGER NOT NULL CHECK (kind IN (0, 1)),"
	"  certhash TEXT NOT NULL CHECK (length(certhash) = 40),"
	"  store TEXT NOT NULL,"
	"  appid TEXT NOT NULL,"
	"  follow_names TEXT,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX sslcert_certhash ON sslcert (certhash);"
	"CREATE TABLE sslcert_owner ("
	"  endpoint TEXT NOT NULL REFERENCES sslcert (endpoint)"
	"    ON DELETE CASCADE ON UPDATE CASCADE,"
	"  appid TEXT NOT NULL,"
	"  PRIMARY KEY (endpoint, appid));"
	"CREATE TABLE urlacl ("
	"  key TEXT PRIMARY KEY,"
	"  url TEXT NOT NULL,"
	"  user TEXT NOT NULL,"
	"  created INTEGER NOT NULL);"
	"PRAGMA user_version = 1;",
};

int
bs_db_err(struct binding_store *bs, struct rs_err *e, const char *what)
{
	int	rc = sqlite3_errcode(bs->db) & 0xff, err = sqlite3_system_errno(bs->db);

	if (rc == SQLITE_READONLY || rc == SQLITE_PERM || rc == SQLITE_AUTH ||
	    (rc == SQLITE_CANTOPEN && (err == EACCES || err == EPERM)))
		return rs_err_set(e, RS_E_PERM, "%s: cannot write %s: permission "
		    "denied; run as root or as the owner of the state root",
		    what, bs->path);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return rs_err_set(e, RS_E_BUSY, "%s: the binding store %s stayed "
		    "locked by another writer; try again", what, bs->path);
	return rs_err_set(e, RS_E_DB, "%s: binding store %s: %s", what,
	    bs->path, sqlite3_errmsg(bs->db));
}

sqlite3_stmt *
bs_prepare(struct binding_store *bs, const char *sql, struct rs_err *e)
{
	sqlite3_stmt	*st = NULL;

	if (sqlite3_prepare_v2(bs->db, sql, -1, &st, NULL) != SQLITE_OK) {
		bs_db_err(bs, e, "cannot prepare a query");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

int
bs_exec2(struct binding_store *bs, const char *sql, const char *a,
    const char *b, struct rs_err *e)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = bs_prepare(bs, sql, e);
	if (st == NULL)
		return -1;
	if (a != NULL)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return bs_db_err(bs, e, "cannot update the store");
	return 0;
}

int
bs_begin(struct binding_store *bs, bool write, struct rs_err *e)
{
	if (sqlite3_exec(bs->db, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL,
	    NULL, NULL) != SQLITE_OK)
		return bs_db_err(bs, e, "cannot start a transaction");
	return 0;
}

int
bs_commit(struct binding_store *bs, struct rs_err *e)
{
	if (sqlite3_exec(bs->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		bs_db_err(bs, e, "cannot commit");
		bs_rollback(bs);
		return -1;
	}
	return 0;
}

int
bs_commit_write(struct binding_store *bs, struct rs_err *e)
{
	if (bs_exec2(bs, "UPDATE meta SET generation = generation + 1 "
	    "WHERE id = 1", NULL, NULL, e) == -1) {
		bs_rollback(bs);
		return -1;
	}
	return bs_commit(bs, e);
}

void
bs_rollback(struct binding_store *bs)
{
	if (!sqlite3_get_autocommit(bs->db))
		sqlite3_exec(bs->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
user_version(struct binding_store *bs, int *v, struct rs_err *e)
{
	sqlite3_stmt	*st;

	st = bs_prepare(bs, "PRAGMA user_version", e);
	if (st == NULL)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return bs_db_err(bs, e, "cannot read the schema version");
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Applies the next migration if one is due; *done when none is. */
static int
migrate_step(struct binding_store *bs, bool *done, struct rs_err *e)
{
	int	v;

	if (bs_begin(bs, true, e) == -1)
		return -1;
	if (user_version(bs, &v, e) == -1)
		goto fail;
	if (v > (int)nitems(migrations)) {
		rs_err_set(e, RS_E_CONFIG, "binding store %s has schema version "
		    "%d, newer than this program knows (%zu); use a newer "
		    "release", bs->path, v, nitems(migrations));
		goto fail;
	}
	*done = v == (int)nitems(migrations);
	if (!*done && sqlite3_exec(bs->db, migrations[v], NULL, NULL, NULL) !=
	    SQLITE_OK) {
		bs_db_err(bs, e, "cannot upgrade the schema");
		goto fail;
	}
	return bs_commit(bs, e);
fail:
	bs_rollback(bs);
	return -1;
}

static int
configure(struct binding_store *bs, struct rs_err *e)
{
	sqlite3_stmt	*st;
	bool		 wal;
	int		 one = 1;

	/*
	 * Keep the -wal and -shm files when the last connection closes: a
	 * process that may only read the store (httpsvc after it dropped
	 * root, "httpcfg show" as a plain user) can open a WAL database only
	 * when they exist.
	 */
	sqlite3_file_control(bs->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	sqlite3_busy_timeout(bs->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(bs->db, 1);
	if (sqlite3_exec(bs->db, "PRAGMA foreign_keys = ON;"
	    "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK)
		return bs_db_err(bs, e, "cannot configure the store");
	st = bs_prepare(bs, "PRAGMA journal_mode = WAL", e);
	if (st == NULL)
		return -1;
	wal = sqlite3_step(st) == SQLITE_ROW &&
	    str_ieq((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	if (!wal)
		return bs_db_err(bs, e, "cannot switch the store to WAL mode");
	return 0;
}

static int
make_dir(const char *root, char *path, size_t pathsz, struct rs_err *e)
{
	char	dir[RS_PATH_MAX];

	if (rs_root_path(root, "http", dir, sizeof(dir), e) == -1 ||
	    rs_root_path(root, "http/bindings.db", path, pathsz, e) == -1)
		return -1;
	if (fs_mkdir_p(dir, 0755, e) == -1) {
		if (e != NULL && (e->sys_errno == EACCES ||
		    e->sys_errno == EPERM || e->sys_errno == EROFS))
			e->code = RS_E_PERM;
		return -1;
	}
	return 0;
}

struct binding_store *
binding_store_open(const char *root, struct rs_err *e)
{
	struct binding_store	*bs;
	bool			 done = false;
	int			 i;

	bs = xcalloc(1, sizeof(*bs));
	if (make_dir(root, bs->path, sizeof(bs->path), e) == -1)
		goto fail;
	if (sqlite3_open_v2(bs->path, &bs->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (bs->db == NULL)
			rs_err_set(e, RS_E_DB, "cannot open binding store %s",
			    bs->path);
		else
			bs_db_err(bs, e, "cannot open the binding store");
		goto fail;
	}
	if (configure(bs, e) == -1)
		goto fail;
	/* An up-to-date store needs no write lock (a reader may not take one). */
	if (user_version(bs, &i, e) == -1)
		goto fail;
	done = i == (int)nitems(migrations);
	for (i = 0; !done && i <= (int)nitems(migrations); i++)
		if (migrate_step(bs, &done, e) == -1)
			goto fail;
	return bs;
fail:
	binding_store_close(bs);
	return NULL;
}

void
binding_store_close(struct binding_store *bs)
{
	if (bs == NULL)
		return;
	sqlite3_close(bs->db);
	free(bs);
}

const char *
binding_store_path(const struct binding_store *bs)
{
	return bs->path;
}

uint64_t
binding_store_generation(struct binding_store *bs, struct rs_err *e)
{
	sqlite3_stmt	*st;
	uint64_t	 g = 0;

	st = bs_prepare(bs, "SELECT generation FROM meta WHERE id = 1", e);
	if (st == NULL)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		g = (uint64_t)sqlite3_column_int64(st, 0);
	else
		bs_db_err(bs, e, "cannot read the generation");
	sqlite3_finalize(st);
	return g;
}

/* root:gid, with group read and write added (set: exactly that mode). */
static int
grant_one(const char *path, gid_t gid, mode_t set, bool must,
    size_t *changed, struct rs_err *e)
{
	struct stat	st;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT && !must)
			return 0;
		return rs_err_sys(e, RS_E_IO, "cannot read %s", path);
	}
	return fs_set_owner(path, 0, gid, set != 0 ? set :
	    (st.st_mode & 07777) | 0660, changed, e);
}

int
binding_store_grant(const char *root, gid_t gid, size_t *changed,
    struct rs_err *e)
{
	static const char *const files[] = { "", "-wal", "-shm" };
	char	dir[RS_PATH_MAX], db[RS_PATH_MAX], p[RS_PATH_MAX + 8];
	size_t	i;

	*changed = 0;
	if (geteuid() != 0)
		return rs_err_set(e, RS_E_PERM, "only root may grant the binding "
		    "store to a service group");
	if (make_dir(root, db, sizeof(db), e) == -1 ||
	    rs_root_path(root, "http", dir, sizeof(dir), e) == -1 ||
	    grant_one(dir, gid, 02775, true, changed, e) == -1)
		return -1;
	for (i = 0; i < nitems(files); i++) {
		snprintf(p, sizeof(p), "%s%s", db, files[i]);
		if (grant_one(p, gid, 0, i == 0, changed, e) == -1)
			return -1;
	}
	return 0;
}
