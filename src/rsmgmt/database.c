/*
 * database.c: the Database page of the management API: create, show and
 * upgrade the report server database, keeping rsreportserver.config in
 * step.  The database is made first and the config written after it, so
 * a failure leaves no config pointing at a database that does not exist.
 */
#include "rsmgmt/rsmgmt.h"
#include "rsmgmt/wmi_int.h"
#include "common/log.h"
#include "catalog/catalog.h"
#include "common/fsutil.h"
#include "common/root.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "reportserver/passwd.h"
#include "rsconf/rsconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	uint32_t	 code;
	const char	*name;
} names[] = {
#define X(name, value) { value, #name },
	RSMGMT_HRESULT_TABLE(X)
#undef X
};

const char *
rsmgmt_hresult_name(uint32_t code)
{
	for (size_t i = 0; i < nitems(names); i++)
		if (names[i].code == code)
			return names[i].name;
	return "UnknownError";
}

uint32_t
rsmgmt_fail(struct rsmgmt_result *r, const struct rs_err *e)
{
	switch (e->code) {
	case RS_E_DB:
	case RS_E_BUSY:
		r->hresult = RSMGMT_CantConnectCatalog;
		break;
	case RS_E_EXISTS:
		r->hresult = RSMGMT_UnexpectedDatabaseResult;
		break;
	case RS_E_CONFIG:
		r->hresult = RSMGMT_BadConfigurationFile;
		break;
	case RS_E_USAGE:
	case RS_E_BADINPUT:
	case RS_E_LIMIT:
	case RS_E_NOTFOUND:
		r->hresult = RSMGMT_InvalidParameter;
		break;
	case RS_E_PERM:
		r->hresult = RSMGMT_NotAdmin;
		break;
	default:
		r->hresult = RSMGMT_UnknownError;
	}
	r->exit_status = rs_err_exit_status(e->code);
	str_copy(r->message, sizeof(r->message), e->msg);
	return r->hresult;
}

void
rsmgmt_ok(struct rsmgmt_result *r, const char *fmt, ...)
{
	va_list	ap;

	r->hresult = RSMGMT_Success;
	r->exit_status = 0;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}

int
rsmgmt_config_path(const char *root, char *out, size_t outsz,
    struct rs_err *e)
{
	return rs_root_path(root, RSCONF_FILE, out, outsz, e);
}

void
rsmgmt_mask_dsn(const char *dsn, char *out, size_t outsz)
{
	const char	*p = strstr(dsn, "password=");
	size_t		 n;

	if (p == NULL) {
		str_copy(out, outsz, dsn);
		return;
	}
	n = (size_t)(p - dsn) + 9;
	snprintf(out, outsz, "%.*s*****%s", (int)n, dsn,
	    strpbrk(p, " \t") != NULL ? strpbrk(p, " \t") : "");
}

/*
 * rsconfig works on the catalog as root, and the report server's account
 * may write the catalog's folder (account.c): a SQLite catalog that is a
 * symbolic link is refused, so root never writes where a link planted by
 * that account points.  (SQLite itself opens -wal and -journal files with
 * O_NOFOLLOW.)
 */
static int
not_a_link(const struct catalog_dsn *d, struct rs_err *e)
{
	struct stat	st;

	if (d->postgres || d->dsn == NULL || lstat(d->dsn, &st) == -1 ||
	    !S_ISLNK(st.st_mode))
		return 0;
	return rs_err_set(e, RS_E_PERM, "cannot use the report server database "
	    "%s: it is a symbolic link; replace it with the file it points "
	    "to, or name that file with --sqlite", d->dsn);
}

/*
 * A database named with --sqlite goes into a folder that exists: a typo
 * in the path must not make folders nobody asked for.  (The default one,
 * ROOT/reportserver, is the state root's own and is made.)
 */
static int
folder_there(const char *dsn, struct rs_err *e)
{
	char		 dir[RS_PATH_MAX], *slash;
	struct stat	 st;
	bool		 there;

	if (dsn[0] != '/')
		return rs_err_set(e, RS_E_USAGE, "cannot create the report "
		    "server database %s: give an absolute path (the report "
		    "server does not run in this folder)", dsn);
	str_copy(dir, sizeof(dir), dsn);
	slash = strrchr(dir, '/');
	if (slash == dir)
		return 0;
	*slash = '\0';
	there = stat(dir, &st) == 0;
	if (there && S_ISDIR(st.st_mode))
		return 0;
	return rs_err_set(e, RS_E_NOTFOUND, "cannot create the report server "
	    "database %s: the folder %s %s; create it first ('mkdir -p %s') or "
	    "give --sqlite a path in an existing folder; nothing was changed",
	    dsn, dir, there ? "is not a folder" : "does not exist", dir);
}

/* Loads the config, or makes a default one in memory when missing. */
static struct rsconf *
load_or_default(const char *path, const char *defdb, bool *created,
    struct rs_err *e)
{
	struct rsconf	*c;
	char		*text;

	*created = false;
	c = rsconf_load(path, e);
	if (c != NULL || e->code != RS_E_NOTFOUND)
		return c;
	text = rsconf_default_text(false, defdb);
	c = rsconf_parse(text, strlen(text), path, e);
	free(text);
	*created = c != NULL;
	return c;
}

static int
pick_dsn(const char *root, struct rsconf *c, const struct rsmgmt_db_create *a,
    bool created, struct catalog_dsn *d, struct rs_err *e)
{
	char	def[RS_PATH_MAX];

	if (rs_root_path(root, RSCONF_DB_FILE, def, sizeof(def), e) == -1)
		return -1;
	if (a->dsn != NULL) {
		if (rsconf_set_database(c, a->postgres, a->dsn, e) == -1)
			return -1;
	} else if (created || c->dsn == NULL || c->dsn[0] == '\0') {
		if (rsconf_set_database(c, false, def, e) == -1)
			return -1;
	}
	d->postgres = c->postgres;
	d->dsn = c->dsn;
	return 0;
}

static void
fill_info(const struct catalog_dsn *d, const char *cfg,
    struct rsmgmt_db_info *info)
{
	info->postgres = d->postgres;
	rsmgmt_mask_dsn(d->dsn != NULL ? d->dsn : "", info->dsn,
	    sizeof(info->dsn));
	str_copy(info->config, sizeof(info->config), cfg);
	info->expected = CATALOG_SCHEMA_VERSION;
}

static int
create(const char *root, const struct rsmgmt_db_create *a,
    struct rsmgmt_db_info *info, struct rs_err *e)
{
	char			 path[RS_PATH_MAX], hash[RS_PASSWD_HASH_MAX];
	struct rsconf		*c = NULL;
	struct catalog_dsn	 d;
	bool			 created;
	int			 rc = -1;

	if (a->admin_user == NULL || a->admin_password == NULL)
		return rs_err_set(e, RS_E_USAGE, "an administrator name and "
		    "password are needed");
	if (rsmgmt_config_path(root, path, sizeof(path), e) == -1)
		return -1;
	c = load_or_default(path, "", &created, e);
	if (c == NULL)
		return -1;
	if (pick_dsn(root, c, a, created, &d, e) == -1 ||
	    rs_passwd_hash(a->admin_password, hash, sizeof(hash), e) == -1)
		goto out;
	fill_info(&d, path, info);
	if ((a->dsn != NULL && !a->postgres && folder_there(a->dsn, e) == -1) ||
	    not_a_link(&d, e) == -1 ||
	    catalog_create(&d, 0, a->admin_user, hash, e) == -1)
		goto out;
	info->exists = true;
	info->version = CATALOG_SCHEMA_VERSION;
	info->items = info->users = 1;
	if (created || a->dsn != NULL) {
		char	dir[RS_PATH_MAX];

		if (rs_root_path(root, "reportserver", dir, sizeof(dir), e) ==
		    -1 || fs_mkdir_p(dir, 0700, e) == -1 ||
		    rsconf_save(c, path, e) == -1) {
			rs_err_prefix(e, "the database was created but the "
			    "configuration was not written");
			goto out;
		}
		info->config_written = true;
	}
	rc = 0;
out:
	explicit_bzero(hash, sizeof(hash));
	rsconf_free(c);
	return rc;
}

/*
 * A report server already running (the URLs came first) gets the new
 * database: when the config now names another database it is restarted
 * (what it may open, and the rule that reports never open its own
 * PostgreSQL database, are read at start); else it opens it at its next
 * request, once its account may (the files are prepared as rsconfig start
 * prepares them).  What happened goes to info->server.
 */
static void
tell_running(const char *root, struct rsmgmt_db_info *info)
{
	struct rsmgmt_result	 r;
	struct rsmgmt		*m;
	struct acct		*acct;
	int			 pid;

	if ((m = rsmgmt_open(root, &r)) == NULL)
		return;
	if (mgmt_rs_running(m, &pid) != 1) {
		rsmgmt_close(m);
		return;
	}
	if (info->config_written) {
		if (mgmt_rs_restart(m, &r) == 0)
			mgmt_fmt(info->server, sizeof(info->server), "restarted "
			    "to use it: %s", r.message);
		else
			mgmt_fmt(info->server, sizeof(info->server), "NOT "
			    "restarted: %s; run 'rsconfig stop' and 'rsconfig "
			    "start'", r.message);
	} else if (geteuid() == 0 && (acct = acct_new(m, &r)) != NULL) {
		if (acct_prepare(acct, &r) == -1) {
			mgmt_fmt(info->server, sizeof(info->server), "(pid %d) "
			    "may not open it: %s", pid, r.message);
			acct_undo(acct, &r);
		} else
			mgmt_fmt(info->server, sizeof(info->server), "(pid %d) "
			    "opens it at its next request", pid);
		acct_free(acct);
	}
	rsmgmt_close(m);
}

uint32_t
rsmgmt_database_create(const char *root, const struct rsmgmt_db_create *a,
    struct rsmgmt_db_info *info, struct rsmgmt_result *r)
{
	struct rs_err	e;
	int		lock, rc;

	memset(info, 0, sizeof(*info));
	rs_err_clear(&e);
	lock = mgmt_lock(root, &e);	/* no apply writes the config meanwhile */
	if (lock == -1)
		return rsmgmt_fail(r, &e);
	rc = create(root, a, info, &e);
	fs_unlock(lock);
	if (rc == -1)
		return rsmgmt_fail(r, &e);
	tell_running(root, info);
	rsmgmt_ok(r, "the report server database was created; '%s' is a "
	    "System Administrator", a->admin_user);
	return 0;
}

/* Loads the config that must exist for show and upgrade. */
static struct rsconf *
need_config(const char *root, char *path, size_t pathsz, struct rs_err *e)
{
	struct rsconf	*c;

	if (rsmgmt_config_path(root, path, pathsz, e) == -1)
		return NULL;
	c = rsconf_load(path, e);
	if (c == NULL && e->code == RS_E_NOTFOUND)
		rs_err_set(e, RS_E_NOTFOUND, "%s does not exist; the report "
		    "server database has not been created; run '"
		    CATALOG_CREATE_HINT "'", path);
	return c;
}

uint32_t
rsmgmt_database_show(const char *root, struct rsmgmt_db_info *info,
    struct rsmgmt_result *r)
{
	char			 path[RS_PATH_MAX];
	struct rsconf		*c;
	struct catalog		*cat;
	struct catalog_dsn	 d;
	struct catalog_info	 ci;
	struct rs_err		 e;

	memset(info, 0, sizeof(*info));
	c = need_config(root, path, sizeof(path), &e);
	if (c == NULL)
		return rsmgmt_fail(r, &e);
	d.postgres = c->postgres;
	d.dsn = c->dsn;
	fill_info(&d, path, info);
	if (not_a_link(&d, &e) == -1 ||
	    catalog_probe(&d, &info->version, &e) == -1) {
		rsconf_free(c);
		return rsmgmt_fail(r, &e);
	}
	info->exists = info->version > 0;
	cat = info->version == CATALOG_SCHEMA_VERSION ?
	    catalog_open(&d, &e) : NULL;
	if (cat != NULL && catalog_info(cat, &ci, &e) == 0) {
		info->items = ci.items;
		info->users = ci.users;
	}
	catalog_close(cat);
	rsconf_free(c);
	if (!info->exists && info->postgres)
		rsmgmt_ok(r, "the PostgreSQL database %s has no report server "
		    "database in it; make it: '" CATALOG_CREATE_HINT "'",
		    info->dsn);
	else if (!info->exists)
		rsmgmt_ok(r, "the SQLite database %s does not exist (not "
		    "created yet, or deleted or moved); restore it from a "
		    "backup, or make it: '" CATALOG_CREATE_HINT "'", info->dsn);
	else if (info->version < CATALOG_SCHEMA_VERSION)
		rsmgmt_ok(r, "the database needs an upgrade; run 'rsconfig "
		    "database upgrade'");
	else
		rsmgmt_ok(r, "the report server database is ready");
	return 0;
}

void
rsmgmt_database_state(const char *root, char *state, size_t statesz,
    char *message, size_t msgsz)
{
	struct rsmgmt_db_info	info;
	struct rsmgmt_result	r;
	const char		*kind;
	char			 cfg[RS_PATH_MAX];

	rsmgmt_database_show(root, &info, &r);
	kind = info.postgres ? "PostgreSQL" : "SQLite";
	if (r.hresult != 0 && rsmgmt_config_path(root, cfg, sizeof(cfg),
	    NULL) == 0 && !fs_exists(cfg)) {
		str_copy(state, statesz, "Missing");
		snprintf(message, msgsz, "not created yet (there is no %s); "
		    "make it: '" CATALOG_CREATE_HINT "'", cfg);
	} else if (r.hresult != 0) {
		str_copy(state, statesz, "Unusable");
		snprintf(message, msgsz, "%s; see 'rsconfig database show'",
		    r.message);
	} else if (!info.exists) {
		str_copy(state, statesz, "Missing");
		snprintf(message, msgsz, info.postgres ? "the %s database %s "
		    "has no report server database in it" : "the %s database "
		    "%s does not exist (not created yet, or deleted or moved)",
		    kind, info.dsn);
		str_append(message, msgsz, "; restore it from a backup, or "
		    "make it: '" CATALOG_CREATE_HINT "'");
	} else if (info.version != info.expected) {
		str_copy(state, statesz, "NeedsUpgrade");
		snprintf(message, msgsz, "%s %s has schema version %d, this "
		    "server uses %d: %s", kind, info.dsn, info.version,
		    info.expected, info.version < info.expected ? "'rsconfig "
		    "database upgrade'" : "upgrade the report server");
	} else {
		str_copy(state, statesz, "Ready");
		snprintf(message, msgsz, "%s %s", kind, info.dsn);
	}
}

uint32_t
rsmgmt_database_upgrade(const char *root, int *from, int *to,
    struct rsmgmt_result *r)
{
	char			 path[RS_PATH_MAX];
	struct rsconf		*c;
	struct catalog_dsn	 d;
	struct rs_err		 e;
	int			 rc;

	*from = *to = 0;
	c = need_config(root, path, sizeof(path), &e);
	if (c == NULL)
		return rsmgmt_fail(r, &e);
	d.postgres = c->postgres;
	d.dsn = c->dsn;
	rc = not_a_link(&d, &e) == -1 ? -1 :
	    catalog_upgrade(&d, from, to, &e);
	rsconf_free(c);
	if (rc == -1)
		return rsmgmt_fail(r, &e);
	if (*from == *to)
		rsmgmt_ok(r, "the database is already at schema version %d",
		    *to);
	else
		rsmgmt_ok(r, "the database was upgraded from schema version %d "
		    "to %d", *from, *to);
	return 0;
}
