/*
 * catalog.c: opening, creating and upgrading the report server database.
 * A database is "not created" when it has no schema yet (or, for SQLite,
 * no file); it is usable only at exactly CATALOG_SCHEMA_VERSION, so a
 * daemon never runs against a schema it does not know.
 */
#include "catalog/catalog_int.h"
#include "catalog/schema.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

char *
cat_lower(const char *s)
{
	char	*l = xstrdup(s);
	char	*p;

	for (p = l; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return l;
}

int64_t
cat_now(void)
{
	return (int64_t)time(NULL);
}

void
cat_lock(struct catalog *c)
{
	pthread_mutex_lock(&c->mu);
}

void
cat_unlock(struct catalog *c)
{
	pthread_mutex_unlock(&c->mu);
}

void
catalog_guid(char out[CATALOG_ID_LEN + 1])
{
	uint8_t	r[16];
	char	hex[33];
	size_t	got = 0;

	while (got < sizeof(r)) {
		ssize_t	n = getrandom(r + got, sizeof(r) - got, 0);

		if (n > 0)
			got += (size_t)n;
	}
	r[6] = (uint8_t)((r[6] & 0x0f) | 0x40);
	r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	snprintf(out, CATALOG_ID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex,
	    hex + 8, hex + 12, hex + 16, hex + 20);
}

static struct db *
open_db(const struct catalog_dsn *d, bool create, struct rs_err *e)
{
	if (d->dsn == NULL || d->dsn[0] == '\0') {
		rs_err_set(e, RS_E_CONFIG, "no report server database is "
		    "configured; run '" CATALOG_CREATE_HINT "'");
		return NULL;
	}
	if (d->postgres)
		return db_pg_open(d->dsn, e);
	return db_sqlite_open(d->dsn, create, e);
}

int
catalog_probe(const struct catalog_dsn *d, int *version, struct rs_err *e)
{
	struct db	*db;
	int		 rc;

	*version = 0;
	db = open_db(d, false, e);
	if (db == NULL)
		return e->code == RS_E_NOTFOUND ? 0 : -1;
	rc = db->ops->get_version(db, version, e);
	db->ops->close(db);
	return rc;
}

static int
check_version(int v, struct rs_err *e)
{
	if (v == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "the report server "
		    "database has not been created; run '" CATALOG_CREATE_HINT
		    "'");
	if (v < CATALOG_SCHEMA_VERSION)
		return rs_err_set(e, RS_E_DB, "the report server database has "
		    "schema version %d, older than version %d; run 'rsconfig "
		    "database upgrade'", v, CATALOG_SCHEMA_VERSION);
	if (v > CATALOG_SCHEMA_VERSION)
		return rs_err_set(e, RS_E_DB, "the report server database has "
		    "schema version %d, newer than this report server (%d); "
		    "upgrade the report server", v, CATALOG_SCHEMA_VERSION);
	return 0;
}

struct catalog *
catalog_open(const struct catalog_dsn *d, struct rs_err *e)
{
	struct catalog	*c;
	struct db	*db;
	int		 v = 0;

	db = open_db(d, false, e);
	if (db == NULL)
		return NULL;	/* a missing file: its message says so */
	if (db->ops->get_version(db, &v, e) == -1 ||
	    check_version(v, e) == -1 ||
	    db_exec(db, "SELECT count(*) FROM items", e) == -1) {
		db->ops->close(db);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->db = db;
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

int
catalog_check(struct catalog *c, struct rs_err *e)
{
	if (c->db->ops->check == NULL)
		return 0;
	return c->db->ops->check(c->db, e);
}

void
catalog_close(struct catalog *c)
{
	if (c == NULL)
		return;
	c->db->ops->close(c->db);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* Replaces %BLOB% and %SERIAL% with the dialect's words. */
static char *
dialect(const char *sql, bool pg)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b, 0);
	while ((p = strchr(sql, '%')) != NULL) {
		const char	*q = strchr(p + 1, '%');

		(void)buf_append(&b, sql, (size_t)(p - sql), NULL);
		(void)buf_puts(&b, schema_word(p + 1, pg), NULL);
		sql = q + 1;
	}
	(void)buf_puts(&b, sql, NULL);
	return buf_take(&b, NULL);
}

/* Whether name is a Unix group here and not a user (version 3). */
static bool
only_a_group(const char *name)
{
	struct passwd	 pw, *pp = NULL;
	struct group	 gr, *gp = NULL;
	char		 buf[8192];

	if (getpwnam_r(name, &pw, buf, sizeof(buf), &pp) == 0 && pp != NULL)
		return false;
	return getgrnam_r(name, &gr, buf, sizeof(buf), &gp) == 0 && gp != NULL;
}

/* Version 3's step SQL cannot take: which old names meant a group. */
static int
groups_from_system(struct db *db, const char *select, const char *update,
    struct rs_err *e)
{
	struct db_stmt	*st = db_query(db, e, select, "");
	char		**names = NULL;
	size_t		 n = 0;
	int		 rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == 1) {
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(db->ops->col_text(st, 0));
	}
	db_finalize(st);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0 && only_a_group(names[i]) &&
		    db_run(db, e, update, "s", names[i]) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Runs migrations from+1..to; the caller holds a transaction. */
static int
migrate(struct db *db, int from, int to, struct rs_err *e)
{
	for (int v = from + 1; v <= to; v++) {
		const char *const	*m = schema_migration(v);

		for (; *m != NULL; m++) {
			char	*sql = dialect(*m, db->pg);
			int	 rc = db_exec(db, sql, e);

			free(sql);
			if (rc == -1) {
				rs_err_prefix(e, "schema version %d", v);
				return -1;
			}
		}
		if (v == 3 && (groups_from_system(db, "SELECT DISTINCT "
		    "principal FROM policies WHERE kind = 2", "UPDATE policies "
		    "SET kind = 3 WHERE kind = 2 AND principal = ?", e) == -1 ||
		    groups_from_system(db, "SELECT DISTINCT principal FROM "
		    "system_policies WHERE kind = 2", "UPDATE system_policies "
		    "SET kind = 3 WHERE kind = 2 AND principal = ?", e) == -1)) {
			rs_err_prefix(e, "schema version 3");
			return -1;
		}
	}
	return db->ops->set_version(db, to, e);
}

/* The first administrator's assignments (a built-in user from v3 on). */
static int
seed_policies(struct db *db, int version, const char *root,
    const char *lname, const char *admin, struct rs_err *e)
{
	int64_t	sys = CATALOG_ROLE_SYSTEM_ADMIN | CATALOG_ROLE_SYSTEM_USER;
	int64_t	cm = CATALOG_ROLE_CONTENT_MANAGER;

	if (version < 3)
		return db_run(db, e, "INSERT INTO system_policies VALUES (?, ?, "
		    "?)", "ssi", lname, admin, sys) == -1 || db_run(db, e,
		    "INSERT INTO policies VALUES (?, ?, ?, ?)", "sssi", root,
		    lname, admin, cm) == -1 ? -1 : 0;
	if (db_run(db, e, "INSERT INTO system_policies (kind, lprincipal, "
	    "principal, roles) VALUES (?, ?, ?, ?)", "issi",
	    (int64_t)CATALOG_PK_BUILTIN_USER, lname, admin, sys) == -1 ||
	    db_run(db, e, "INSERT INTO policies (item_id, kind, lprincipal, "
	    "principal, roles) VALUES (?, ?, ?, ?, ?)", "sissi", root,
	    (int64_t)CATALOG_PK_BUILTIN_USER, lname, admin, cm) == -1)
		return -1;
	return 0;
}

static int
seed(struct db *db, int version, const char *admin, const char *hash,
    struct rs_err *e)
{
	char	 root[CATALOG_ID_LEN + 1], inst[CATALOG_ID_LEN + 1];
	char	*lname = cat_lower(admin);
	int64_t	 now = cat_now();
	int	 rc = -1;

	catalog_guid(root);
	catalog_guid(inst);
	if (db_run(db, e, "INSERT INTO items (id, parent_id, path, lpath, "
	    "name, type, inherit, created_by, created, modified_by, modified) "
	    "VALUES (?, NULL, '/', '/', '', 1, 0, ?, ?, ?, ?)", "ssisi", root,
	    admin, now, admin, now) == -1 ||
	    db_run(db, e, "INSERT INTO users VALUES (?, ?, ?, ?)", "sssi",
	    lname, admin, hash, now) == -1 ||
	    seed_policies(db, version, root, lname, admin, e) == -1 ||
	    db_run(db, e, "INSERT INTO meta VALUES ('InstallationID', ?)", "s",
	    inst) == -1)
		goto out;
	rc = 0;
out:
	free(lname);
	return rc;
}

/* Creates the SQLite file 0600 (and its folder 0700) before SQLite does. */
static int
make_file(const char *path, struct rs_err *e)
{
	char	*dir = xstrdup(path);
	int	 fd, rc = 0;

	if (fs_mkdir_p(dirname(dir), 0700, e) == -1)
		rc = -1;
	free(dir);
	if (rc == -1)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return rs_err_sys(e, RS_E_IO, "cannot create database %s", path);
	close(fd);
	return 0;
}

int
catalog_create(const struct catalog_dsn *d, int version, const char *admin,
    const char *hash, struct rs_err *e)
{
	struct db	*db;
	int		 v = 0, rc = -1;

	if (version == 0)
		version = CATALOG_SCHEMA_VERSION;
	if (version < 1 || version > CATALOG_SCHEMA_VERSION)
		return rs_err_set(e, RS_E_USAGE, "no schema version %d", version);
	if (catalog_name_check(admin, e) == -1) {
		rs_err_prefix(e, "bad administrator name");
		return -1;
	}
	if (!d->postgres && d->dsn != NULL && make_file(d->dsn, e) == -1)
		return -1;
	db = open_db(d, true, e);
	if (db == NULL)
		return -1;
	if (db->ops->get_version(db, &v, e) == -1)
		goto out;
	if (v != 0) {
		rs_err_set(e, RS_E_EXISTS, "a report server database (schema "
		    "version %d) already exists there", v);
		goto out;
	}
	if (db_begin(db, e) == -1)
		goto out;
	if (migrate(db, 0, version, e) == -1 || seed(db, version, admin, hash, e) == -1
	    || db_commit(db, e) == -1) {
		db_rollback(db);
		goto out;
	}
	rc = 0;
out:
	db->ops->close(db);
	return rc;
}

int
catalog_upgrade(const struct catalog_dsn *d, int *from, int *to,
    struct rs_err *e)
{
	struct db	*db;
	int		 v = 0, rc = -1;

	*from = *to = 0;
	db = open_db(d, false, e);
	if (db == NULL)
		return e->code == RS_E_NOTFOUND ? check_version(0, e) : -1;
	if (db->ops->get_version(db, &v, e) == -1)
		goto out;
	*from = *to = v;
	if (v == 0 || v > CATALOG_SCHEMA_VERSION) {
		check_version(v, e);
		goto out;
	}
	if (v < CATALOG_SCHEMA_VERSION) {
		if (db_begin(db, e) == -1)
			goto out;
		if (migrate(db, v, CATALOG_SCHEMA_VERSION, e) == -1 ||
		    db_commit(db, e) == -1) {
			db_rollback(db);
			goto out;
		}
		*to = CATALOG_SCHEMA_VERSION;
	}
	rc = 0;
out:
	db->ops->close(db);
	return rc;
}

static int64_t
count(struct db *db, const char *sql, struct rs_err *e)
{
	struct db_stmt	*st = db_prepare(db, sql, e);
	int64_t		 n = -1;

	if (st == NULL)
		return -1;
	if (db_step(st, e) == 1)
		n = db->ops->col_int(st, 0);
	db_finalize(st);
	return n;
}

int
catalog_info(struct catalog *c, struct catalog_info *out, struct rs_err *e)
{
	int	rc = -1;

	cat_lock(c);
	out->backend = c->db->ops->name;
	if (c->db->ops->get_version(c->db, &out->version, e) == -1)
		goto out;
	out->items = count(c->db, "SELECT count(*) FROM items", e);
	out->users = count(c->db, "SELECT count(*) FROM users", e);
	if (out->items >= 0 && out->users >= 0)
		rc = 0;
out:
	cat_unlock(c);
	return rc;
}

void
catalog_busy_timeout(struct catalog *c, int ms)
{
	cat_lock(c);
	c->db->ops->busy(c->db, ms);
	cat_unlock(c);
}
