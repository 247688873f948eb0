/*
 * account.c: the report server's service account at start.  When rsconfig
 * runs as root and the account its URLs are reserved for is not root, the
 * report server runs as that account.  Before it starts, acct_prepare
 * gives the account what it needs under the state root, idempotently:
 *
 *   ROOT, ROOT/run            o+x added (pass through only)
 *   ROOT/run/reportserver     ACCOUNT:GROUP 0755 (its socket)
 *   ROOT/reportserver         root:GROUP 1770 with a SQLite catalog in it
 *                             (WAL needs the folder writable; the sticky bit
 *                             keeps the account from replacing the config),
 *                             else root:GROUP 0750
 *   rsreportserver.config     root:GROUP 0640 (readable, not writable)
 *   ReportServer.db[-wal,-shm,-journal]  ACCOUNT:GROUP 0600
 *   ROOT/data                 root:GROUP, g+rx, no g+w, no o+w
 *   ROOT/reportserver/keys    root:GROUP 0750, made first with its key
 *   .../keys/symmetric.key    ACCOUNT:GROUP 0600 (the server decrypts
 *                             stored secrets with it: SMTP, data sources)
 *
 * Files are opened with O_NOFOLLOW and a file with another hard link is
 * refused, so a link the account planted is never given to it.  Then the
 * child becomes the account (acct_become: initgroups, setgid, setuid; no
 * capability is left) and checks, as the account, that it can reach all
 * it needs (acct_check: a SQLite catalog elsewhere, a DataSourceRoot
 * elsewhere, the folders above ROOT), before it runs bin/reportserver.
 * When a check fails, acct_undo puts back every owner and mode changed.
 * The log is opened by rsconfig and inherited, so it stays root's.
 */
#include "rsmgmt/wmi_int.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "rskey/rskey.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ACCT_FIXES_MAX	16
#define ACCT_SOCKDIR	RS_REPORTSERVER_SOCK_DIR

struct acct_fix {
	char	path[RS_PATH_MAX];
	bool	created;	/* a folder we made: removed on undo */
	uid_t	uid;
	gid_t	gid;
	mode_t	mode;
};

struct acct {
	bool		drop;		/* the child becomes the account */
	bool		as_root;	/* root starts it as root: warn */
	bool		pam;		/* AccountSources has PAM */
	char		name[BINDING_USER_MAX];
	char		group[64];
	char		home[RS_PATH_MAX];
	uid_t		uid;
	gid_t		gid;
	char		root[RS_PATH_MAX];
	char		cfg[RS_PATH_MAX];
	char		db[RS_PATH_MAX];	/* SQLite catalog, "" if none */
	char		data[RS_PATH_MAX];	/* DataSourceRoot */
	struct acct_fix	fixes[ACCT_FIXES_MAX];
	size_t		nfixes;
};

/* The account named in URLReservations, "" when none is recorded. */
static const char *
recorded_account(const struct rsmgmt *m)
{
	for (size_t i = 0; i < m->conf->napps; i++)
		for (size_t j = 0; j < m->conf->apps[i].nurls; j++) {
			const char *n = m->conf->apps[i].urls[j].account_name;
			if (n != NULL && n[0] != '\0')
				return n;
		}
	return "";
}

static void
paths(struct rsmgmt *m, struct acct *a)
{
	str_copy(a->root, sizeof(a->root), m->root);
	str_copy(a->cfg, sizeof(a->cfg), m->cfg_path);
	if (!m->conf->postgres && m->conf->dsn != NULL)
		str_copy(a->db, sizeof(a->db), m->conf->dsn);
	if (m->conf->data_root != NULL)
		str_copy(a->data, sizeof(a->data), m->conf->data_root);
	else
		(void)rs_root_path(m->root, RS_DATA_DIR, a->data,
		    sizeof(a->data), NULL);
}

struct acct *
acct_new(struct rsmgmt *m, struct rsmgmt_result *r)
{
	const char	*rec = recorded_account(m);
	struct passwd	*pw;
	struct group	*gr;
	struct acct	*a;

	if (rec[0] != '\0' && getpwnam(rec) == NULL) {
		rsmgmt_err(r, RSMGMT_InvalidUser, "cannot start the report "
		    "server as %s: there is no such Unix user; create it "
		    "('useradd --system --no-create-home --shell "
		    "/usr/sbin/nologin %s') or choose another account with "
		    "'rsconfig service-account USER'", rec, rec);
		return NULL;
	}
	a = xcalloc(1, sizeof(*a));
	paths(m, a);
	if (geteuid() != 0)
		return a;	/* it runs as whoever runs rsconfig */
	pw = getpwnam(m->account);
	if (pw == NULL || pw->pw_uid == 0) {
		a->as_root = true;
		return a;
	}
	a->drop = true;
	a->pam = m->conf->src_pam;
	str_copy(a->name, sizeof(a->name), pw->pw_name);
	a->uid = pw->pw_uid;
	a->gid = pw->pw_gid;
	str_copy(a->home, sizeof(a->home), pw->pw_dir);
	gr = getgrgid(a->gid);
	if (gr != NULL)
		str_copy(a->group, sizeof(a->group), gr->gr_name);
	else
		snprintf(a->group, sizeof(a->group), "%u", (unsigned)a->gid);
	return a;
}

void
acct_free(struct acct *a)
{
	free(a);
}

bool
acct_as_root(const struct acct *a)
{
	return a->as_root;
}

bool
acct_needs_broker(const struct acct *a)
{
	return a->drop && a->pam;
}

const char *
acct_name(const struct acct *a)
{
	return a->drop ? a->name : NULL;
}

/* Opens path without following a final link; -1 with errno. */
static int
open_nofollow(const char *path)
{
	return open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
}

/* Only a folder, or a plain file with one link, is given to the account. */
static int
plain(const struct acct *a, const char *path, const struct stat *st,
    struct rsmgmt_result *r)
{
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return rsmgmt_err(r, RSMGMT_RsServerConfigurationError,
		    "cannot give %s to the report server account %s: it is "
		    "neither a file nor a folder; remove it", path, a->name),
		    -1;
	if (S_ISREG(st->st_mode) && st->st_nlink > 1)
		return rsmgmt_err(r, RSMGMT_RsServerConfigurationError,
		    "cannot give %s to the report server account %s: it has "
		    "%ju hard links; remove the other links ('find / -xdev "
		    "-samefile %s' lists them)", path, a->name,
		    (uintmax_t)st->st_nlink, path), -1;
	return 0;
}

/*
 * Gives path owner uid:gid ((uid_t)-1 / (gid_t)-1: keep) and mode
 * (old & keep) | set, recording the old state (or that it made the
 * folder).  A missing folder is made when mkdir_it is set; a missing file
 * is skipped.
 */
static int
fix(struct acct *a, const char *path, bool mkdir_it, uid_t uid, gid_t gid,
    mode_t keep, mode_t set, struct rsmgmt_result *r)
{
	struct acct_fix	*f = &a->fixes[a->nfixes];
	struct stat	 st;
	int		 fd;

	if (a->nfixes == ACCT_FIXES_MAX)
		return rsmgmt_err(r, RSMGMT_UnknownError, "too many files to "
		    "prepare for the report server account"), -1;
	memset(f, 0, sizeof(*f));
	str_copy(f->path, sizeof(f->path), path);
	if (mkdir_it && mkdir(path, 0700) == 0) {
		f->created = true;	/* undo removes it */
		a->nfixes++;
	}
	fd = open_nofollow(path);
	if (fd == -1 && errno == ENOENT && !mkdir_it)
		return 0;
	if (fd == -1 || fstat(fd, &st) == -1)
		goto fail;
	if (plain(a, path, &st, r) == -1) {
		close(fd);
		return -1;
	}
	if (!f->created) {
		f->uid = st.st_uid;
		f->gid = st.st_gid;
		f->mode = st.st_mode & 07777;
		a->nfixes++;
	}
	if (((uid != (uid_t)-1 && uid != st.st_uid) || (gid != (gid_t)-1 &&
	    gid != st.st_gid)) && fchown(fd, uid, gid) == -1)
		goto fail;
	if (((st.st_mode & keep) | set) != (st.st_mode & 07777) &&
	    fchmod(fd, (st.st_mode & keep) | set) == -1)
		goto fail;
	close(fd);
	return 0;
fail:
	rsmgmt_err(r, RSMGMT_RsServerConfigurationError, "cannot prepare %s "
	    "for the report server account %s: %s; fix it by hand (owner "
	    "and mode: see 'Service account' in docs/rsconfig.md) or run the "
	    "report server as another account", path, a->name,
	    strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

void
acct_undo(struct acct *a, struct rsmgmt_result *r)
{
	char	note[RS_PATH_MAX + 96];

	while (a->nfixes > 0) {
		struct acct_fix	*f = &a->fixes[--a->nfixes];
		int		 fd;

		if (f->created) {	/* a folder, or the key we made */
			if (rmdir(f->path) == -1 && errno == ENOTDIR)
				(void)unlink(f->path);
			continue;
		}
		fd = open_nofollow(f->path);
		if (fd != -1 && fchown(fd, f->uid, f->gid) == 0 &&
		    fchmod(fd, f->mode) == 0) {
			close(fd);
			continue;
		}
		mgmt_fmt(note, sizeof(note), "; could not put back the owner "
		    "and mode of %s: %s", f->path, strerror(errno));
		str_append(r->message, sizeof(r->message), note);
		if (fd != -1)
			close(fd);
	}
}

static bool
is_default_db(const struct acct *a, const char *dir)
{
	char	def[RS_PATH_MAX];

	return a->db[0] != '\0' && rs_root_path(a->root, "reportserver", def,
	    sizeof(def), NULL) == 0 && strcmp(def, dir) == 0;
}

/* The catalog in ROOT/reportserver and its WAL files become the account's. */
static int
fix_db(struct acct *a, struct rsmgmt_result *r)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char	p[RS_PATH_MAX];

	for (size_t i = 0; i < nitems(sfx); i++) {
		mgmt_fmt(p, sizeof(p), "%s%s", a->db, sfx[i]);
		if (fix(a, p, false, a->uid, a->gid, 0, 0600, r) == -1)
			return -1;
	}
	a->db[0] = '\0';	/* nothing left to check */
	return 0;
}

/* fix() on ROOT/rel ("" for ROOT itself). */
static int
root_fix(struct acct *a, const char *rel, bool mkdir_it, uid_t uid,
    gid_t gid, mode_t keep, mode_t set, struct rsmgmt_result *r)
{
	char		p[RS_PATH_MAX];
	struct rs_err	e;

	if (rel[0] == '\0')
		str_copy(p, sizeof(p), a->root);
	else if (rs_root_path(a->root, rel, p, sizeof(p), &e) == -1)
		return (int)rsmgmt_fail(r, &e), -1;
	return fix(a, p, mkdir_it, uid, gid, keep, set, r);
}

/* Records a path start made (undo removes it). */
static void
made(struct acct *a, const char *path)
{
	struct acct_fix	*f = &a->fixes[a->nfixes++];

	memset(f, 0, sizeof(*f));
	str_copy(f->path, sizeof(f->path), path);
	f->created = true;
}

static int
made_key(struct acct *a, struct rsmgmt_result *r)
{
	char		 dir[RS_PATH_MAX], key[RS_PATH_MAX];
	bool		 had_dir, had_key;
	struct rs_err	 e;

	if (rs_root_path(a->root, "reportserver/keys", dir, sizeof(dir),
	    &e) == -1 || rs_root_path(a->root, RSKEY_FILE, key, sizeof(key),
	    &e) == -1)
		return (int)rsmgmt_fail(r, &e), -1;
	if (a->nfixes + 2 > ACCT_FIXES_MAX)
		return rsmgmt_err(r, RSMGMT_UnknownError, "too many files to "
		    "prepare for the report server account"), -1;
	had_dir = access(dir, F_OK) == 0;
	had_key = access(key, F_OK) == 0;
	if (rskey_ensure(a->root, &e) == -1)
		return rsmgmt_err(r, RSMGMT_RsServerConfigurationError,
		    "cannot prepare the installation key for the report "
		    "server account %s: %s", a->name, e.msg), -1;
	if (!had_dir)
		made(a, dir);
	if (!had_key)
		made(a, key);
	return 0;
}

int
acct_prepare(struct acct *a, struct rsmgmt_result *r)
{
	char	def[RS_PATH_MAX], dir[RS_PATH_MAX], *slash;
	bool	db_here;

	if (!a->drop)
		return 0;
	str_copy(dir, sizeof(dir), a->db);
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	db_here = is_default_db(a, dir);
	if (root_fix(a, "", false, -1, -1, 07777, 0001, r) == -1 ||
	    root_fix(a, "run", true, -1, -1, 07777, 0001, r) == -1 ||
	    root_fix(a, ACCT_SOCKDIR, true, a->uid, a->gid, 0, 0755, r) == -1 ||
	    root_fix(a, "reportserver", false, 0, a->gid, 0,
	    db_here ? 01770 : 0750, r) == -1 ||
	    fix(a, a->cfg, false, 0, a->gid, 0, 0640, r) == -1 ||
	    (db_here && fix_db(a, r) == -1))
		return -1;
	/* The installation key, made now (as root) so the account never
	 * has to, and given to it alone; undo removes what was made. */
	if (made_key(a, r) == -1)
		return -1;
	if (root_fix(a, "reportserver/keys", false, 0, a->gid, 0, 0750, r) ==
	    -1 || root_fix(a, RSKEY_FILE, false, a->uid, a->gid, 0, 0600, r) ==
	    -1)
		return -1;
	/* The default DataSourceRoot: read-only for the group. */
	if (rs_root_path(a->root, RS_DATA_DIR, def, sizeof(def), NULL) == 0 &&
	    strcmp(def, a->data) == 0) {
		if (fix(a, def, true, 0, a->gid, 0705, 0050, r) == -1)
			return -1;
		a->data[0] = '\0';	/* nothing left to check */
	}
	return 0;
}

int
acct_become(const struct acct *a)
{
	if (!a->drop)
		return 0;
	if (initgroups(a->name, a->gid) == -1 || setgid(a->gid) == -1 ||
	    setuid(a->uid) == -1)
		return -1;
	if (setuid(0) != -1) {	/* must not be able to come back */
		errno = EPERM;
		return -1;
	}
	/* Libraries that look in $HOME (libpq's .pgpass) look in its own. */
	if (setenv("HOME", a->home, 1) == -1 ||
	    setenv("USER", a->name, 1) == -1 ||
	    setenv("LOGNAME", a->name, 1) == -1)
		return -1;
	return 0;
}

/* Every folder above path (not path itself) must let the account pass. */
static int
check_above(const struct acct *a, const char *path, char *msg, size_t sz)
{
	char	p[RS_PATH_MAX];

	str_copy(p, sizeof(p), path);
	for (char *s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (access(p, X_OK) == -1) {
			mgmt_fmt(msg, sz, "the report server account %s cannot "
			    "pass through the folder %s (%s); let it through "
			    "('chmod o+x %s') or move the state root", a->name,
			    p, strerror(errno), p);
			return -1;
		}
		*s = '/';
	}
	return 0;
}

static int
check_db(const struct acct *a, char *msg, size_t sz)
{
	char	dir[RS_PATH_MAX], *slash;

	str_copy(dir, sizeof(dir), a->db);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir)
		*slash = '\0';
	if (check_above(a, dir, msg, sz) == -1)
		return -1;
	if ((access(a->db, R_OK | W_OK) == -1 && errno != ENOENT) ||
	    access(dir, W_OK | X_OK) == -1) {
		mgmt_fmt(msg, sz, "the report server account %s cannot read "
		    "and write the report server database %s (%s); make the "
		    "database and its folder its own ('chown %s: %s %s' and "
		    "'chmod 0600 %s'), or keep the database in "
		    "ROOT/reportserver, which 'rsconfig start' prepares",
		    a->name, a->db,
		    strerror(errno), a->name, dir, a->db, a->db);
		return -1;
	}
	return 0;
}

int
acct_check(const struct acct *a, char *msg, size_t sz)
{
	char	p[RS_PATH_MAX];

	if (!a->drop)
		return 0;
	if (check_above(a, a->cfg, msg, sz) == -1)
		return -1;
	if (access(a->cfg, R_OK) == -1) {
		mgmt_fmt(msg, sz, "the report server account %s cannot read "
		    "%s (%s); 'chgrp %s %s' and 'chmod 0640 %s'", a->name, a->cfg,
		    strerror(errno), a->group, a->cfg, a->cfg);
		return -1;
	}
	if (a->db[0] != '\0' && check_db(a, msg, sz) == -1)
		return -1;
	if (a->data[0] != '\0' && check_above(a, a->data, msg, sz) == -1)
		return -1;
	if (a->data[0] != '\0' && access(a->data, R_OK | X_OK) == -1 &&
	    errno != ENOENT) {
		mgmt_fmt(msg, sz, "the report server account %s cannot read "
		    "the data source folder %s (%s); 'chgrp %s %s' and 'chmod "
		    "g+rx %s'", a->name, a->data, strerror(errno), a->group,
		    a->data, a->data);
		return -1;
	}
	if (rs_root_path(a->root, ACCT_SOCKDIR, p, sizeof(p), NULL) == -1 ||
	    access(p, W_OK | X_OK) == -1) {
		mgmt_fmt(msg, sz, "the report server account %s cannot make "
		    "its socket in %s (%s); 'chown %s: %s'", a->name, p,
		    strerror(errno), a->name, p);
		return -1;
	}
	return 0;
}
