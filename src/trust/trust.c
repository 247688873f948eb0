/*
 * trust.c: the system store half of "certstore trust" and the two entry
 * points.  An anchor is one file, certstore-<THUMBPRINT>.crt, in the
 * folder of local anchors; update-ca-certificates then adds it to (or,
 * once the file is gone, drops it from) /etc/ssl/certs, where OpenSSL,
 * curl and Python look.  It is run only for Debian's own folder: with any
 * other folder (a test's) the files are written and nothing else.
 */
#include "trust/trust_int.h"
#include "common/fsutil.h"
#include "common/str.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THUMB_LEN	40

static int
anchor_path(const char *dir, const char *thumb, char *out, size_t outsz,
    struct rs_err *e)
{
	int	n = snprintf(out, outsz, "%s/%s%s.crt", dir, TRUST_FILE_PREFIX,
		    thumb);

	if (n < 0 || (size_t)n >= outsz)
		return rs_err_set(e, RS_E_IO, "path too long: %s", dir);
	return 0;
}

/* A failed file operation (sub says why) as an error naming the fix. */
static int
perm_hint(struct rs_err *e, const struct rs_err *sub, const char *what,
    const char *path)
{
	int	err = sub != NULL ? sub->sys_errno : errno;
	bool	perm = err == EACCES || err == EPERM || err == EROFS;

	rs_err_set(e, perm ? RS_E_PERM : RS_E_IO, "cannot %s %s: %s%s", what,
	    path, strerror(err), perm ? "; the system store needs root (or "
	    "give --nss to trust it in your browsers only)" : "");
	return -1;
}

/*
 * Runs update-ca-certificates when dir is Debian's folder; after a
 * removal with --fresh, which rebuilds /etc/ssl/certs so that no link to
 * the removed file is left behind (Debian's documented way).
 */
static int
update(const struct trust_opts *o, bool fresh, trust_say_fn *say, void *arg,
    struct rs_err *e)
{
	char			 prog[1024], last[256];
	const char		*argv[] = { prog, fresh ? "--fresh" : NULL, NULL };
	struct trust_run	 r = { .argv = argv };

	if (strcmp(o->system_dir, TRUST_SYSTEM_DIR) != 0) {
		trust_say(say, arg, "system store: %s is not Debian's folder of "
		    "local anchors (%s), so update-ca-certificates was not run",
		    o->system_dir, TRUST_SYSTEM_DIR);
		return 0;
	}
	if (trust_find("update-ca-certificates", "ca-certificates", prog,
	    sizeof(prog), e) == -1)
		return -1;
	if (o->dry_run) {
		trust_say(say, arg, "system store: would run %s%s", prog,
		    fresh ? " --fresh" : "");
		return 0;
	}
	if (trust_run(&r, e) == -1)
		return -1;
	trust_last_line(&r, last, sizeof(last));
	if (r.status != 0) {
		rs_err_set(e, r.status == 1 && geteuid() != 0 ? RS_E_PERM :
		    RS_E_IO, "%s failed (exit status %d): %s", prog, r.status,
		    last);
		trust_run_fini(&r);
		return -1;
	}
	/* Its summary is the line before the hooks run ("1 added, ..."). */
	for (char *l = r.output; l != NULL && *l != '\0';) {
		char *nl = strchr(l, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (strstr(l, " added, ") != NULL)
			str_copy(last, sizeof(last), l);
		l = nl != NULL ? nl + 1 : NULL;
	}
	if (fresh)
		trust_say(say, arg, "system store: update-ca-certificates --fresh "
		    "rebuilt /etc/ssl/certs without it: %s", last);
	else
		trust_say(say, arg, "system store: update-ca-certificates: %s",
		    last);
	trust_run_fini(&r);
	return 0;
}

static int
system_add(const struct trust_opts *o, const struct trust_anchor *a,
    size_t n, trust_say_fn *say, void *arg, struct rs_err *e)
{
	struct rs_err	 sub;
	char		 p[4096], *old;
	size_t		 i, len = 0;
	bool		 changed = false, same;

	if (!o->dry_run && !fs_exists(o->system_dir) &&
	    fs_mkdir_p(o->system_dir, 0755, &sub) == -1)
		return perm_hint(e, &sub, "create the folder", o->system_dir);
	for (i = 0; i < n; i++) {
		if (anchor_path(o->system_dir, a[i].thumbprint, p, sizeof(p),
		    e) == -1)
			return -1;
		old = fs_read_file(p, 1024 * 1024, &len, NULL);
		same = old != NULL && len == a[i].pem_len &&
		    memcmp(old, a[i].pem, len) == 0;
		free(old);
		if (same) {
			trust_say(say, arg, "system store: %s (%s) is already "
			    "in %s", a[i].thumbprint, a[i].subject, p);
			continue;
		}
		changed = true;
		if (o->dry_run) {
			trust_say(say, arg, "system store: would write %s (%s)",
			    p, a[i].subject);
			continue;
		}
		if (fs_write_atomic(p, a[i].pem, a[i].pem_len, 0644,
		    &sub) == -1)
			return perm_hint(e, &sub, "write", p);
		trust_say(say, arg, "system store: wrote %s (%s)", p,
		    a[i].subject);
	}
	return changed ? update(o, false, say, arg, e) : 0;
}

static bool
is_anchor_file(const char *name)
{
	size_t	pl = strlen(TRUST_FILE_PREFIX);

	return strlen(name) == pl + THUMB_LEN + 4 &&
	    strncmp(name, TRUST_FILE_PREFIX, pl) == 0 &&
	    strspn(name + pl, "0123456789ABCDEF") == THUMB_LEN &&
	    strcmp(name + pl + THUMB_LEN, ".crt") == 0;
}

static int
remove_one(const struct trust_opts *o, const char *p, bool *changed,
    trust_say_fn *say, void *arg, struct rs_err *e)
{
	if (!fs_exists(p))
		return 0;
	*changed = true;
	if (o->dry_run) {
		trust_say(say, arg, "system store: would remove %s", p);
		return 0;
	}
	if (unlink(p) == -1)
		return perm_hint(e, NULL, "remove", p);
	trust_say(say, arg, "system store: removed %s", p);
	return 0;
}

static int
system_remove(const struct trust_opts *o, const char *const *thumbs,
    size_t n, trust_say_fn *say, void *arg, struct rs_err *e)
{
	char		 p[4096];
	struct dirent	*d;
	DIR		*dir;
	bool		 changed = false;
	size_t		 i;
	int		 rv = 0;

	for (i = 0; i < n && rv == 0; i++)
		if ((rv = anchor_path(o->system_dir, thumbs[i], p, sizeof(p),
		    e)) == 0)
			rv = remove_one(o, p, &changed, say, arg, e);
	if (n == 0 && (dir = opendir(o->system_dir)) != NULL) {
		while (rv == 0 && (d = readdir(dir)) != NULL) {
			if (!is_anchor_file(d->d_name) || snprintf(p, sizeof(p),
			    "%s/%s", o->system_dir, d->d_name) >= (int)sizeof(p))
				continue;
			rv = remove_one(o, p, &changed, say, arg, e);
		}
		closedir(dir);
	}
	if (rv == -1)
		return -1;
	if (!changed) {
		trust_say(say, arg, "system store: no anchor of certstore to "
		    "remove in %s", o->system_dir);
		return 0;
	}
	return update(o, true, say, arg, e);
}

int
trust_add(const struct trust_opts *o, const struct trust_anchor *a, size_t n,
    trust_say_fn *say, void *arg, struct rs_err *e)
{
	for (size_t i = 0; i < n; i++)
		if (!a[i].is_ca)
			trust_say(say, arg, "warning: %s (%s) is not a CA "
			    "certificate: Chromium does not accept such a "
			    "certificate as a trust anchor; make a CA with "
			    "'certstore new-ca --name \"Local CA\"' and issue "
			    "server certificates from it", a[i].thumbprint,
			    a[i].subject);
	if (o->system_dir != NULL &&
	    system_add(o, a, n, say, arg, e) == -1)
		return -1;
	if (o->nssdb != NULL && trust_nss_add(o, a, n, say, arg, e) == -1)
		return -1;
	return 0;
}

int
trust_remove(const struct trust_opts *o, const char *const *thumbs, size_t n,
    trust_say_fn *say, void *arg, struct rs_err *e)
{
	if (o->system_dir != NULL &&
	    system_remove(o, thumbs, n, say, arg, e) == -1)
		return -1;
	if (o->nssdb != NULL &&
	    trust_nss_remove(o, thumbs, n, say, arg, e) == -1)
		return -1;
	return 0;
}
