/*
 * backup.c: rsconfig database backup and restore.  One file holds the
 * catalog (a consistent online copy, catalog_sqlite_backup), the
 * configuration and the installation key, sealed with a password the
 * administrator gives (rskey_seal: scrypt, AES-256-GCM).  The format
 * (docs/operations.md, "Backup file"):
 *
 *   RSBACKUP 1\n
 *   Key: value\n ...            Created, Program, Database, SchemaVersion,
 *   \n                          Contents, KDF, Salt, Nonce (hex)
 *   sealed payload              the header is its additional data
 *   16-byte GCM tag
 *   SHA256 <64 hex>\n           of every byte before this line
 *
 * The payload is entries "NAME SIZE\n" + SIZE bytes + "\n".  The checksum
 * tells a damaged file (changed, cut short) from a wrong password (the
 * tag).  A backup is written to a temporary file beside FILE and renamed
 * over it at the end, so an interrupted backup (even kill -9) leaves the
 * catalog and any earlier FILE as they were.  A restore checks the whole
 * file, opens and checks everything in a staging folder under
 * ROOT/reportserver, and only then moves the pieces into place: the
 * catalog to ROOT/reportserver/ReportServer.db (the config is made to
 * name it), the key, the config last.  It refuses while the report
 * server runs.  A PostgreSQL catalog travels as pg_dump's custom format
 * (catalog/pgdump.c) and goes back with pg_restore, in one transaction,
 * into the database the backup's config names.
 */
#include "rsmgmt/rsmgmt.h"
#include "rsmgmt/wmi_int.h"
#include "catalog/catalog.h"
#include "common/fsutil.h"
#include "common/root.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "rsconf/rsconf.h"
#include "rskey/rskey.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC		"RSBACKUP 1\n"
#define HDR_MAX		4096
#define TRAILER_LEN	(7 + 64 + 1)	/* "SHA256 " hex "\n" */
#define CHUNK		65536
#define SMALL_MAX	(16u * 1024 * 1024)	/* config, key */
#define E_DB		"ReportServer.db"
#define E_PGDUMP	"catalog.pgdump"	/* pg_dump's custom format */
#define E_CONFIG	"rsreportserver.config"
#define E_KEY		"symmetric.key"
#define NAME_MAX_LEN	64

/* ---- writing ---------------------------------------------------------- */

struct out {
	int			 fd;
	struct rskey_seal	*seal;
	struct rskey_sha256	*sha;
	unsigned char		 buf[CHUNK];
};

static int
write_all(int fd, const void *p, size_t n, struct rs_err *e)
{
	const char	*c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return rs_err_sys(e, RS_E_IO, "cannot write the backup");
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
out_raw(struct out *o, const void *p, size_t n, struct rs_err *e)
{
	rskey_sha256_update(o->sha, p, n);
	return write_all(o->fd, p, n, e);
}

static int
out_sealed(struct out *o, const void *p, size_t n, struct rs_err *e)
{
	const unsigned char	*c = p;

	while (n > 0) {
		size_t k = n < CHUNK ? n : CHUNK;
		if (rskey_seal_update(o->seal, c, k, o->buf) == -1)
			return rs_err_set(e, RS_E_INTERNAL, "cannot encrypt");
		if (out_raw(o, o->buf, k, e) == -1)
			return -1;
		c += k;
		n -= k;
	}
	return 0;
}

static int
out_entry_head(struct out *o, const char *name, long long size,
    struct rs_err *e)
{
	char	line[NAME_MAX_LEN + 32];
	int	n = snprintf(line, sizeof(line), "%s %lld\n", name, size);

	return out_sealed(o, line, (size_t)n, e);
}

static int
out_entry_mem(struct out *o, const char *name, const void *p, size_t n,
    struct rs_err *e)
{
	if (out_entry_head(o, name, (long long)n, e) == -1 ||
	    out_sealed(o, p, n, e) == -1)
		return -1;
	return out_sealed(o, "\n", 1, e);
}

static int
out_entry_file(struct out *o, const char *name, const char *path,
    long long *size, struct rs_err *e)
{
	unsigned char	*buf;
	struct stat	 st;
	int		 fd, rc = -1;
	ssize_t		 r;
	long long	 left;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1) {
		rs_err_sys(e, RS_E_IO, "cannot read the catalog copy %s", path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	*size = left = (long long)st.st_size;
	if (out_entry_head(o, name, left, e) == -1) {
		close(fd);
		return -1;
	}
	buf = xmalloc(CHUNK);
	while (left > 0) {
		r = read(fd, buf, CHUNK);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0 || r > left) {
			rs_err_sys(e, RS_E_IO, "cannot read the catalog copy %s",
			    path);
			goto out;
		}
		if (out_sealed(o, buf, (size_t)r, e) == -1)
			goto out;
		left -= r;
	}
	rc = out_sealed(o, "\n", 1, e);
out:
	free(buf);
	close(fd);
	return rc;
}

static void
utc_now(char *out, size_t sz)
{
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	strftime(out, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The folder of path (for the temporary files beside it). */
static void
folder_of(const char *path, char *out, size_t sz)
{
	char	tmp[RS_PATH_MAX];

	str_copy(tmp, sizeof(tmp), path);
	str_copy(out, sz, dirname(tmp));
}

struct bk {
	const char	*root;
	const char	*to;
	const char	*pw;
	size_t		 pwlen;
	struct rsmgmt_backup_info *info;
	char		 tmpdir[RS_PATH_MAX];	/* the catalog copy */
	char		 partial[RS_PATH_MAX];	/* the file being written */
	char		*config, *key;
	size_t		 config_len, key_len;
	bool		 postgres;
};

static int
write_backup(struct bk *b, const char *dbcopy, struct rs_err *e)
{
	struct out	*o = xcalloc(1, sizeof(*o));
	unsigned char	 salt[RSKEY_SALT_LEN], nonce[RSKEY_NONCE_LEN];
	unsigned char	 tag[RSKEY_TAG_LEN];
	char		 hdr[HDR_MAX], sh[2 * RSKEY_SALT_LEN + 1];
	char		 nh[2 * RSKEY_NONCE_LEN + 1], hex[65], line[80];
	int		 n, rc = -1;

	o->fd = -1;
	o->seal = rskey_seal_new(true, b->pw, b->pwlen, salt, nonce, e);
	if (o->seal == NULL)
		goto out;
	str_hex_encode(salt, sizeof(salt), sh, false);
	str_hex_encode(nonce, sizeof(nonce), nh, false);
	n = snprintf(hdr, sizeof(hdr), MAGIC "Created: %s\nProgram: rsconfig "
	    "%s\nDatabase: %s\nSchemaVersion: %d\nContents: %s%s %s\n"
	    "KDF: %s\nSalt: %s\nNonce: %s\n\n", b->info->created, RS_VERSION,
	    b->postgres ? "PostgreSQL" : "SQLite", b->info->version, E_CONFIG,
	    b->key != NULL ? " " E_KEY : "", b->postgres ? E_PGDUMP : E_DB,
	    RSKEY_KDF, sh, nh);
	mgmt_fmt(b->partial, sizeof(b->partial), "%s.partial-XXXXXX", b->to);
	o->fd = mkstemp(b->partial);
	if (o->fd == -1) {
		b->partial[0] = '\0';
		rs_err_sys(e, RS_E_IO, "cannot create the backup next to %s "
		    "(does its folder exist, may you write it?)", b->to);
		goto out;
	}
	o->sha = rskey_sha256_new();
	if (rskey_seal_aad(o->seal, hdr, (size_t)n) == -1 ||
	    out_raw(o, hdr, (size_t)n, e) == -1 ||
	    out_entry_mem(o, E_CONFIG, b->config, b->config_len, e) == -1 ||
	    (b->key != NULL && out_entry_mem(o, E_KEY, b->key, b->key_len,
	    e) == -1) ||
	    out_entry_file(o, b->postgres ? E_PGDUMP : E_DB, dbcopy,
	    &b->info->db_bytes, e) == -1 ||
	    rskey_seal_final(o->seal, tag, e) == -1 ||
	    out_raw(o, tag, sizeof(tag), e) == -1)
		goto out;
	rskey_sha256_final(o->sha, hex);
	o->sha = NULL;
	n = snprintf(line, sizeof(line), "SHA256 %s\n", hex);
	if (write_all(o->fd, line, (size_t)n, e) == -1)
		goto out;
	if (fsync(o->fd) == -1) {
		rs_err_sys(e, RS_E_IO, "cannot write the backup %s", b->to);
		goto out;
	}
	rc = 0;
out:
	if (o->sha != NULL)
		rskey_sha256_final(o->sha, hex);
	if (o->fd != -1)
		close(o->fd);
	rskey_seal_free(o->seal);
	free(o);
	return rc;
}

static int
backup(struct bk *b, struct rs_err *e)
{
	char		 cfg[RS_PATH_MAX], kp[RS_PATH_MAX], dir[RS_PATH_MAX];
	char		 copy[RS_PATH_MAX];
	struct rsconf	*c;
	int		 rc = -1;

	if (rsmgmt_config_path(b->root, cfg, sizeof(cfg), e) == -1)
		return -1;
	c = rsconf_load(cfg, e);
	if (c == NULL) {
		if (e->code == RS_E_NOTFOUND)
			rs_err_set(e, RS_E_NOTFOUND, "nothing to back up: %s "
			    "does not exist; create the database first ('"
			    CATALOG_CREATE_HINT "')", cfg);
		return -1;
	}
	b->postgres = c->postgres;
	b->config = fs_read_file(cfg, SMALL_MAX, &b->config_len, e);
	if (b->config == NULL ||
	    rs_root_path(b->root, RSKEY_FILE, kp, sizeof(kp), e) == -1)
		goto out;
	b->key = fs_read_file(kp, SMALL_MAX, &b->key_len, e);
	if (b->key == NULL && e->code != RS_E_NOTFOUND)
		goto out;
	folder_of(b->to, dir, sizeof(dir));
	mgmt_fmt(b->tmpdir, sizeof(b->tmpdir), "%s/.rsbackup-XXXXXX", dir);
	if (mkdtemp(b->tmpdir) == NULL) {
		rs_err_sys(e, RS_E_IO, "cannot create a temporary folder in %s "
		    "for the backup (does it exist, may you write it?)", dir);
		b->tmpdir[0] = '\0';
		goto out;
	}
	mgmt_fmt(copy, sizeof(copy), "%s/%s", b->tmpdir, b->postgres ? E_PGDUMP :
	    E_DB);
	if (b->postgres) {
		/* pg_dump's snapshot is consistent; the version is read first
		 * (no upgrade meanwhile: we hold rsconfig's lock). */
		struct catalog_dsn d = { true, c->dsn };
		if (catalog_probe(&d, &b->info->version, e) == -1 ||
		    catalog_pg_dump(c->dsn, copy, e) == -1)
			goto out;
	} else if (catalog_sqlite_backup(c->dsn, copy, e) == -1 ||
	    catalog_sqlite_verify(copy, &b->info->version, e) == -1)
		goto out;
	if (write_backup(b, copy, e) == -1)
		goto out;
	if (rename(b->partial, b->to) == -1) {
		rs_err_sys(e, RS_E_IO, "cannot put the backup at %s", b->to);
		goto out;
	}
	b->partial[0] = '\0';
	(void)fs_sync_dir(dir, NULL);
	b->info->key = b->key != NULL;
	rc = 0;
out:
	if (b->tmpdir[0] != '\0') {
		(void)unlink(copy);
		(void)rmdir(b->tmpdir);
	}
	if (b->partial[0] != '\0')
		(void)unlink(b->partial);
	rsconf_free(c);
	return rc;
}

uint32_t
rsmgmt_database_backup(const char *root, const char *to, const char *pw,
    size_t pwlen, struct rsmgmt_backup_info *info, struct rsmgmt_result *r)
{
	struct bk	b = { .root = root, .to = to, .pw = pw, .pwlen = pwlen,
			    .info = info };
	struct rs_err	e;
	int		rc, lock;

	memset(info, 0, sizeof(*info));
	rs_err_clear(&e);
	str_copy(info->file, sizeof(info->file), to);
	utc_now(info->created, sizeof(info->created));
	lock = mgmt_lock(root, &e);	/* no upgrade or Apply meanwhile */
	if (lock == -1)
		return rsmgmt_fail(r, &e);
	rc = backup(&b, &e);
	fs_unlock(lock);
	if (b.key != NULL)
		fs_free_secret(b.key, b.key_len);
	free(b.config);
	if (rc == -1)
		return rsmgmt_fail(r, &e);
	rsmgmt_ok(r, "backed up the catalog (schema version %d)%s to %s%s",
	    info->version, info->key ? ", the configuration and the "
	    "encryption key" : " and the configuration", to, info->key ? "" :
	    " (no encryption key yet: no secret is stored)");
	return 0;
}

/* ---- reading ---------------------------------------------------------- */

struct hdr {
	size_t		 len;		/* header bytes, the blank line too */
	char		 created[40];
	char		 database[32];
	int		 version;
	unsigned char	 salt[RSKEY_SALT_LEN];
	unsigned char	 nonce[RSKEY_NONCE_LEN];
	bool		 kdf_ok, have_salt, have_nonce;
};

static int
damaged(struct rs_err *e, const char *file, const char *why)
{
	return rs_err_set(e, RS_E_BADINPUT, "%s is not a usable backup: %s; "
	    "nothing was changed", file, why);
}

static int
hdr_field(struct hdr *h, const char *k, const char *v)
{
	uint64_t	n;

	if (strcmp(k, "Created") == 0)
		str_copy(h->created, sizeof(h->created), v);
	else if (strcmp(k, "Database") == 0)
		str_copy(h->database, sizeof(h->database), v);
	else if (strcmp(k, "SchemaVersion") == 0) {
		if (str_parse_uint(v, 0, 100000, &n, "SchemaVersion", NULL) ==
		    -1)
			return -1;
		h->version = (int)n;
	} else if (strcmp(k, "KDF") == 0)
		h->kdf_ok = strcmp(v, RSKEY_KDF) == 0;
	else if (strcmp(k, "Salt") == 0)
		h->have_salt = str_hex_decode(v, h->salt, sizeof(h->salt)) ==
		    RSKEY_SALT_LEN;
	else if (strcmp(k, "Nonce") == 0)
		h->have_nonce = str_hex_decode(v, h->nonce, sizeof(h->nonce)) ==
		    RSKEY_NONCE_LEN;
	return 0;
}

static int
read_hdr(int fd, const char *file, struct hdr *h, char *raw,
    struct rs_err *e)
{
	ssize_t	 n = pread(fd, raw, HDR_MAX - 1, 0);
	char	*end, *line, *next;

	if (n < 0)
		return rs_err_sys(e, RS_E_IO, "cannot read %s", file);
	raw[n] = '\0';
	if ((size_t)n < strlen(MAGIC) || memcmp(raw, MAGIC, strlen(MAGIC)) !=
	    0)
		return damaged(e, file, "it does not start with '" "RSBACKUP 1"
		    "' (not a file made by a database backup)");
	end = strstr(raw, "\n\n");
	if (end == NULL)
		return damaged(e, file, "its header is cut short");
	h->len = (size_t)(end - raw) + 2;
	for (line = raw + strlen(MAGIC); line < end + 1; line = next) {
		char *nl = strchr(line, '\n'), *colon;
		*nl = '\0';
		next = nl + 1;
		colon = strstr(line, ": ");
		if (colon == NULL)
			return damaged(e, file, "a header line has no ': '");
		*colon = '\0';
		if (hdr_field(h, line, colon + 2) == -1)
			return damaged(e, file, "a header field is not valid");
		*colon = ':';
		*nl = '\n';
	}
	if (!h->kdf_ok || !h->have_salt || !h->have_nonce)
		return damaged(e, file, "its header lacks the KDF, Salt or "
		    "Nonce this version reads");
	if (strcmp(h->database, "SQLite") != 0 &&
	    strcmp(h->database, "PostgreSQL") != 0)
		return damaged(e, file, "it names no catalog this version reads "
		    "(SQLite, PostgreSQL)");
	return 0;
}

/* Checks the SHA-256 line against every byte before it. */
static int
check_sum(int fd, const char *file, off_t size, struct rs_err *e)
{
	struct rskey_sha256	*sha = rskey_sha256_new();
	unsigned char		*buf = xmalloc(CHUNK);
	char			 want[65], line[TRAILER_LEN + 1];
	off_t			 at = 0, end = size - TRAILER_LEN;
	ssize_t			 n;

	while (at < end) {
		size_t k = end - at < CHUNK ? (size_t)(end - at) : CHUNK;
		n = pread(fd, buf, k, at);
		if (n <= 0) {
			free(buf);
			rskey_sha256_final(sha, want);
			return rs_err_sys(e, RS_E_IO, "cannot read %s", file);
		}
		rskey_sha256_update(sha, buf, (size_t)n);
		at += n;
	}
	free(buf);
	rskey_sha256_final(sha, want);
	n = pread(fd, line, TRAILER_LEN, end);
	line[n > 0 ? n : 0] = '\0';
	if (n != TRAILER_LEN || strncmp(line, "SHA256 ", 7) != 0 ||
	    line[TRAILER_LEN - 1] != '\n')
		return damaged(e, file, "it is cut short or its last line is "
		    "not its checksum");
	if (memcmp(line + 7, want, 64) != 0)
		return damaged(e, file, "its checksum does not match: the file "
		    "was changed or damaged after it was written");
	return 0;
}

/*
 * Decrypts the payload into path (NULL: only checks); the tag says whether
 * the password fits.
 */
static int
open_payload(int fd, const char *file, const struct hdr *h, const char *raw,
    off_t size, const char *pw, size_t pwlen, const char *path,
    struct rs_err *e)
{
	struct rskey_seal	*s;
	unsigned char		*in = NULL, *out = NULL, tag[RSKEY_TAG_LEN];
	unsigned char		 salt[RSKEY_SALT_LEN], nonce[RSKEY_NONCE_LEN];
	off_t			 at = (off_t)h->len;
	off_t			 end = size - TRAILER_LEN - RSKEY_TAG_LEN;
	int			 ofd, rc = -1;

	if (end < at)
		return damaged(e, file, "it is too short");
	memcpy(salt, h->salt, sizeof(salt));
	memcpy(nonce, h->nonce, sizeof(nonce));
	s = rskey_seal_new(false, pw, pwlen, salt, nonce, e);
	if (s == NULL)
		return -1;
	ofd = path == NULL ? -2 : open(path, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0600);
	if (ofd == -1) {
		rskey_seal_free(s);
		return rs_err_sys(e, RS_E_IO, "cannot create %s", path);
	}
	in = xmalloc(CHUNK);
	out = xmalloc(CHUNK);
	if (rskey_seal_aad(s, raw, h->len) == -1)
		goto out;
	while (at < end) {
		size_t k = end - at < CHUNK ? (size_t)(end - at) : CHUNK;
		ssize_t n = pread(fd, in, k, at);
		if (n <= 0) {
			rs_err_sys(e, RS_E_IO, "cannot read %s", file);
			goto out;
		}
		if (rskey_seal_update(s, in, (size_t)n, out) == -1) {
			rs_err_set(e, RS_E_INTERNAL, "cannot decrypt");
			goto out;
		}
		if (ofd >= 0 && write_all(ofd, out, (size_t)n, e) == -1)
			goto out;
		at += n;
	}
	if (pread(fd, tag, sizeof(tag), end) != (ssize_t)sizeof(tag)) {
		damaged(e, file, "it is too short");
		goto out;
	}
	if (rskey_seal_final(s, tag, e) == -1) {
		rs_err_set(e, RS_E_BADINPUT, "the password does not open %s "
		    "(a wrong password: give the one the backup was made "
		    "with); nothing was changed", file);
		goto out;
	}
	rc = 0;
out:
	free(in);
	free(out);
	if (ofd >= 0)
		close(ofd);
	rskey_seal_free(s);
	return rc;
}

struct rs_staged {
	char	dir[RS_PATH_MAX];
	char	payload[RS_PATH_MAX];
	bool	have[4];	/* config, key, db, pgdump */
	bool	postgres;	/* the header says PostgreSQL */
	int	version;	/* schema version, checked */
};

static const char *const entries[4] = { E_CONFIG, E_KEY, E_DB, E_PGDUMP };

/* Splits the payload into its entries, files in the staging folder. */
static int
split_payload(struct rs_staged *st, const char *file, struct rs_err *e)
{
	FILE		*f = fopen(st->payload, "rb");
	char		 line[NAME_MAX_LEN + 32], name[NAME_MAX_LEN + 1];
	char		 path[RS_PATH_MAX], *buf = xmalloc(CHUNK);
	long long	 size;
	int		 rc = -1, k;

	if (f == NULL) {
		free(buf);
		return rs_err_sys(e, RS_E_IO, "cannot read %s", st->payload);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		FILE *o;
		if (sscanf(line, "%64s %lld", name, &size) != 2 || size < 0) {
			damaged(e, file, "an entry of its contents is not valid");
			goto out;
		}
		for (k = 0; k < 4 && strcmp(name, entries[k]) != 0; k++)
			;
		if (k == 4 || st->have[k] || k == (st->postgres ? 2 : 3)) {
			damaged(e, file, "it holds an unknown or repeated entry");
			goto out;
		}
		st->have[k] = true;
		mgmt_fmt(path, sizeof(path), "%s/%s", st->dir, name);
		o = fopen(path, "wbx");
		if (o == NULL) {
			rs_err_sys(e, RS_E_IO, "cannot create %s", path);
			goto out;
		}
		while (size > 0) {
			size_t want = size < CHUNK ? (size_t)size : CHUNK;
			size_t got = fread(buf, 1, want, f);
			if (got != want || fwrite(buf, 1, got, o) != got)
				break;
			size -= (long long)got;
		}
		if (fclose(o) != 0 || size != 0 || fgetc(f) != '\n') {
			damaged(e, file, "an entry of its contents is cut short");
			goto out;
		}
	}
	if (!st->have[0] || !st->have[st->postgres ? 3 : 2]) {
		damaged(e, file, "it lacks the configuration or the catalog");
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	free(buf);
	return rc;
}

static void
unstage(struct rs_staged *st)
{
	char	path[RS_PATH_MAX];

	if (st->dir[0] == '\0')
		return;
	(void)unlink(st->payload);
	for (int k = 0; k < 4; k++) {
		mgmt_fmt(path, sizeof(path), "%s/%s", st->dir, entries[k]);
		(void)unlink(path);
	}
	(void)rmdir(st->dir);
}

/* The staged files check out: a sound catalog, a config, a key. */
static struct rsconf *
check_staged(struct rs_staged *st, const char *file, struct hdr *h,
    struct rs_err *e)
{
	char		 path[RS_PATH_MAX], *text;
	struct rsconf	*c;
	struct stat	 sb;
	size_t		 len;
	int		 v;

	mgmt_fmt(path, sizeof(path), "%s/%s", st->dir, st->postgres ?
	    E_PGDUMP : E_DB);
	if (st->postgres) {
		if (catalog_pg_dump_check(path, e) == -1) {
			rs_err_prefix(e, "%s: the catalog in it", file);
			return NULL;
		}
		v = h->version;
	} else if (catalog_sqlite_verify(path, &v, e) == -1) {
		rs_err_prefix(e, "%s", file);
		return NULL;
	}
	if (v != h->version || v == 0 || v > CATALOG_SCHEMA_VERSION) {
		rs_err_set(e, RS_E_BADINPUT, "the catalog in %s has schema "
		    "version %d, %s; nothing was changed", file, v,
		    v > CATALOG_SCHEMA_VERSION ? "newer than this report "
		    "server: restore it with the version that made it" :
		    "not the version its header names");
		return NULL;
	}
	h->version = st->version = v;
	if (st->have[1]) {
		mgmt_fmt(path, sizeof(path), "%s/%s", st->dir, E_KEY);
		if (stat(path, &sb) == -1 || sb.st_size != 32) {
			damaged(e, file, "its encryption key is not 32 bytes");
			return NULL;
		}
	}
	mgmt_fmt(path, sizeof(path), "%s/%s", st->dir, E_CONFIG);
	text = fs_read_file(path, SMALL_MAX, &len, e);
	if (text == NULL)
		return NULL;
	c = rsconf_parse(text, len, "the configuration in the backup", e);
	free(text);
	if (c != NULL && c->postgres != st->postgres) {
		damaged(e, file, "its configuration names another kind of "
		    "catalog than the one in it");
		rsconf_free(c);
		return NULL;
	}
	return c;
}

/* Moves the staged pieces into place: catalog, key, then the config. */
static int
commit(const char *root, struct rs_staged *st, struct rsconf *c,
    char *dsn, size_t dsnsz, struct rs_err *e)
{
	static const char *const side[] = { "-wal", "-shm", "-journal" };
	char	from[RS_PATH_MAX], to[RS_PATH_MAX], cfg[RS_PATH_MAX];
	char	dir[RS_PATH_MAX];

	if (rsmgmt_config_path(root, cfg, sizeof(cfg), e) == -1)
		return -1;
	if (st->postgres) {
		/* Into the database the backup's config names, in one
		 * transaction; then the schema version must be the header's. */
		struct catalog_dsn d = { true, c->dsn };
		int v = 0;
		rsmgmt_mask_dsn(c->dsn, dsn, dsnsz);
		mgmt_fmt(from, sizeof(from), "%s/%s", st->dir, E_PGDUMP);
		if (catalog_pg_restore(c->dsn, from, e) == -1)
			return rs_err_prefix(e, "nothing was changed (the restore "
			    "runs in one transaction)"), -1;
		if (catalog_probe(&d, &v, e) == -1 || v != st->version)
			return rs_err_set(e, RS_E_DB, "the catalog was restored "
			    "into %s but reads as schema version %d, not %d",
			    dsn, v, st->version);
	} else {
		if (rs_root_path(root, RSCONF_DB_FILE, dsn, dsnsz, e) == -1 ||
		    rsconf_set_database(c, false, dsn, e) == -1)
			return -1;
		/* An old catalog's journal must not be replayed into it. */
		for (size_t i = 0; i < nitems(side); i++) {
			mgmt_fmt(to, sizeof(to), "%s%s", dsn, side[i]);
			if (unlink(to) == -1 && errno != ENOENT)
				return rs_err_sys(e, RS_E_IO, "cannot remove %s",
				    to);
		}
		mgmt_fmt(from, sizeof(from), "%s/%s", st->dir, E_DB);
		if (chmod(from, 0600) == -1 || rename(from, dsn) == -1)
			return rs_err_sys(e, RS_E_IO, "cannot put the catalog at "
			    "%s", dsn);
	}
	if (st->have[1]) {
		if (rs_root_path(root, RSKEY_FILE, to, sizeof(to), e) == -1)
			return -1;
		folder_of(to, dir, sizeof(dir));
		mgmt_fmt(from, sizeof(from), "%s/%s", st->dir, E_KEY);
		if (fs_mkdir_p(dir, 0700, e) == -1 || chmod(from, 0600) == -1 ||
		    rename(from, to) == -1)
			return rs_err_sys(e, RS_E_IO, "the catalog was restored "
			    "but the encryption key could not be put at %s", to);
		(void)fs_sync_dir(dir, NULL);
	}
	if (rsconf_save(c, cfg, e) == -1) {
		rs_err_prefix(e, "the catalog was restored but the "
		    "configuration was not written");
		return -1;
	}
	if (!st->postgres) {
		folder_of(dsn, dir, sizeof(dir));
		(void)fs_sync_dir(dir, NULL);
	}
	return 0;
}

/* An open backup file that passed the checks that need no state root. */
struct in {
	int		 fd;
	struct stat	 sb;
	struct hdr	 h;
	char		 raw[HDR_MAX];
};

/*
 * The checks before anything under the root is touched: the header, the
 * checksum (damaged?) and the tag (wrong password?), decrypting to
 * nowhere.
 */
static int
precheck(struct in *in, const char *file, const char *pw, size_t pwlen,
    struct rs_err *e)
{
	in->fd = open(file, O_RDONLY | O_CLOEXEC);
	if (in->fd == -1 || fstat(in->fd, &in->sb) == -1 ||
	    !S_ISREG(in->sb.st_mode))
		return rs_err_sys(e, in->fd == -1 && errno == ENOENT ?
		    RS_E_NOTFOUND : RS_E_IO, "cannot read the backup %s", file);
	if (read_hdr(in->fd, file, &in->h, in->raw, e) == -1)
		return -1;
	if (in->sb.st_size < (off_t)(in->h.len + RSKEY_TAG_LEN + TRAILER_LEN))
		return damaged(e, file, "it is cut short");
	if (check_sum(in->fd, file, in->sb.st_size, e) == -1)
		return -1;
	return open_payload(in->fd, file, &in->h, in->raw, in->sb.st_size, pw,
	    pwlen, NULL, e);
}

static int
restore(const char *root, struct in *in, const char *file, const char *pw,
    size_t pwlen, struct rsmgmt_backup_info *info, struct rs_err *e)
{
	struct rs_staged	 st = { 0 };
	struct hdr		 h = in->h;
	struct rsconf		*c = NULL;
	char			 dir[RS_PATH_MAX];
	int			 rc = -1;

	if (rs_root_path(root, "reportserver", dir, sizeof(dir), e) == -1 ||
	    fs_mkdir_p(dir, 0700, e) == -1)
		goto out;
	mgmt_fmt(st.dir, sizeof(st.dir), "%s/.restore-XXXXXX", dir);
	if (mkdtemp(st.dir) == NULL) {
		st.dir[0] = '\0';
		rs_err_sys(e, RS_E_IO, "cannot create a staging folder in %s",
		    dir);
		goto out;
	}
	mgmt_fmt(st.payload, sizeof(st.payload), "%s/payload", st.dir);
	st.postgres = strcmp(h.database, "PostgreSQL") == 0;
	if (open_payload(in->fd, file, &h, in->raw, in->sb.st_size, pw, pwlen,
	    st.payload, e) == -1 || split_payload(&st, file, e) == -1 ||
	    (c = check_staged(&st, file, &h, e)) == NULL ||
	    commit(root, &st, c, info->dsn, sizeof(info->dsn), e) == -1)
		goto out;
	info->version = h.version;
	info->key = st.have[1];
	str_copy(info->created, sizeof(info->created), h.created);
	rc = 0;
out:
	unstage(&st);
	rsconf_free(c);
	return rc;
}

uint32_t
rsmgmt_database_restore(const char *root, const char *from, const char *pw,
    size_t pwlen, struct rsmgmt_backup_info *info, struct rsmgmt_result *r)
{
	struct in	*in = xcalloc(1, sizeof(*in));
	struct rsmgmt	*m;
	struct rs_err	 e;
	int		 pid, rc;

	memset(info, 0, sizeof(*info));
	rs_err_clear(&e);
	str_copy(info->file, sizeof(info->file), from);
	if (precheck(in, from, pw, pwlen, &e) == -1) {
		if (in->fd >= 0)
			close(in->fd);
		free(in);
		return rsmgmt_fail(r, &e);
	}
	m = rsmgmt_open(root, r);	/* holds the lock: no Apply meanwhile */
	if (m == NULL) {
		close(in->fd);
		free(in);
		return r->hresult;
	}
	if (mgmt_rs_running(m, &pid) == 1) {
		rsmgmt_close(m);
		close(in->fd);
		free(in);
		return rsmgmt_err(r, RSMGMT_InvalidParameter, "the report server "
		    "is running (pid %d): stop it first ('rsconfig stop'), then "
		    "restore; nothing was changed", pid);
	}
	rc = restore(root, in, from, pw, pwlen, info, &e);
	rsmgmt_close(m);
	close(in->fd);
	free(in);
	if (rc == -1)
		return rsmgmt_fail(r, &e);
	rsmgmt_ok(r, "restored the catalog (schema version %d, backed up %s)%s "
	    "from %s; the catalog is %s; start the report server: 'rsconfig "
	    "start'", info->version, info->created, info->key ? ", the "
	    "configuration and the encryption key" : " and the configuration",
	    from, info->dsn);
	return 0;
}
