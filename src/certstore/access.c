/*
 * access.c: who may read the private keys of My.  A key is root's alone
 * (0600) until the store is granted to the TLS daemon's service group
 * (certstore_grant_service, which httpsvc runs as root before it drops
 * its privileges): then My is setgid to that group, so every file written
 * there later takes the group, and the key of every certificate that is
 * not a CA is root:GROUP 0640, the Linux form of what SSRS's documentation
 * asks Windows admins to do ("grant the service account read on the
 * private key").  A CA's key stays 0600: the daemon never serves it.
 * The one rule a key file must meet is certstore_key_file_check, used by
 * the store's own "can serve TLS" checks and by the daemon before it
 * loads a key.
 */
#include "certstore/certstore_int.h"
#include "common/fsutil.h"
#include "common/str.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/x509v3.h>

static void
group_name(gid_t gid, char *out, size_t sz)
{
	struct group	 gr, *res = NULL;
	char		 buf[4096];

	if (getgrgid_r(gid, &gr, buf, sizeof(buf), &res) == 0 && res != NULL)
		snprintf(out, sz, "%s", gr.gr_name);
	else
		snprintf(out, sz, "%u", (unsigned)gid);
}

/* The group of the folder holding path when it is setgid, else -1. */
static gid_t
folder_group(const char *path)
{
	char		 dir[RS_PATH_MAX], *slash;
	struct stat	 st;

	if (str_copy(dir, sizeof(dir), path) == -1 ||
	    (slash = strrchr(dir, '/')) == NULL)
		return (gid_t)-1;
	*slash = '\0';
	if (stat(dir[0] != '\0' ? dir : "/", &st) == -1 ||
	    (st.st_mode & S_ISGID) == 0 || st.st_gid == 0)
		return (gid_t)-1;
	return st.st_gid;
}

gid_t
cs_service_gid(const struct certstore *cs)
{
	char	p[RS_PATH_MAX];

	if (cs_file(cs, CERTSTORE_MY, "x", "", p, sizeof(p), NULL) == -1)
		return (gid_t)-1;
	return folder_group(p);
}

bool
cs_key_mode_ok(const char *path, const struct stat *st)
{
	mode_t	perm = st->st_mode & 077;
	gid_t	svc;

	if (perm == 0)
		return true;
	svc = perm == 040 ? folder_group(path) : (gid_t)-1;
	return svc != (gid_t)-1 && st->st_gid == svc;
}

int
certstore_key_file_check(const char *path, struct rs_err *e)
{
	struct stat	st;
	mode_t		perm;
	gid_t		svc;
	char		g[64], sg[64];

	if (stat(path, &st) == -1) {
		if (errno == ENOENT)
			return rs_err_set(e, RS_E_NOTFOUND,
			    "key file %s does not exist", path);
		return rs_err_sys(e, RS_E_PERM, "cannot read key file %s",
		    path);
	}
	if (!S_ISREG(st.st_mode))
		return rs_err_set(e, RS_E_PERM,
		    "key file %s is not a regular file", path);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return rs_err_set(e, RS_E_PERM, "key file %s is owned by uid "
		    "%u; it must be owned by root; run chown root %s", path,
		    (unsigned)st.st_uid, path);
	perm = st.st_mode & 0777;
	svc = folder_group(path);
	if (cs_key_mode_ok(path, &st))
		return 0;
	if (svc == (gid_t)-1)
		return rs_err_set(e, RS_E_PERM, "key file %s has mode %04o; it "
		    "must be 0600 (no group or other access); run chmod 600 %s",
		    path, (unsigned)perm, path);
	group_name(svc, sg, sizeof(sg));
	if (st.st_gid == svc)
		return rs_err_set(e, RS_E_PERM, "key file %s has mode %04o; it "
		    "must be 0640 (read by the store's service group %s) or "
		    "0600; run chmod 640 %s", path, (unsigned)perm, sg, path);
	group_name(st.st_gid, g, sizeof(g));
	return rs_err_set(e, RS_E_PERM, "key file %s has mode %04o and group "
	    "%s, which is not the store's service group %s; run chown "
	    "root:%s %s && chmod 640 %s", path, (unsigned)perm, g, sg, sg,
	    path, path);
}

static bool
is_ca_cert(const struct certstore *cs, const char *thumb)
{
	struct cs_entry	en;
	bool		ca;

	if (cs_entry_load(cs, CERTSTORE_MY, thumb, false, &en, NULL) == -1)
		return true;	/* unreadable: keep its key root's */
	ca = (X509_get_extension_flags(en.leaf) & EXFLAG_CA) != 0;
	cs_entry_fini(&en);
	return ca;
}

/* Each key of My: root:gid 0640, a CA's 0600; an insecure one is left. */
static int
grant_keys(const struct certstore *cs, gid_t gid, size_t *changed,
    struct rs_err *e)
{
	char		(*v)[CERTSTORE_THUMB_LEN + 1];
	char		  p[RS_PATH_MAX];
	struct stat	  st;
	size_t		  i, n;
	int		  rv = 0;

	if (cs_thumbs(cs, CERTSTORE_MY, &v, &n, e) == -1)
		return -1;
	for (i = 0; i < n && rv == 0; i++) {
		if (cs_file(cs, CERTSTORE_MY, v[i], ".key", p, sizeof(p),
		    e) == -1) {
			rv = -1;
			break;
		}
		if (lstat(p, &st) == -1 || !S_ISREG(st.st_mode) ||
		    st.st_uid != 0 || (st.st_mode & 037) != 0)
			continue;	/* no key, or not the store's form */
		rv = fs_set_owner(p, 0, gid, is_ca_cert(cs, v[i]) ?
		    0600 : 0640, changed, e);
	}
	free(v);
	return rv;
}

int
certstore_grant_service(struct certstore *cs, gid_t gid, size_t *changed,
    struct rs_err *e)
{
	char	p[RS_PATH_MAX];
	size_t	i;
	int	fd, rv = -1;

	*changed = 0;
	if (geteuid() != 0)
		return rs_err_set(e, RS_E_PERM, "only root may grant the "
		    "certificate store to a service group");
	if (gid == 0)
		return 0;
	if ((fd = cs_lock(cs, e)) == -1)
		return -1;
	if (fs_set_owner(cs->dir, 0, gid, 0750, changed, e) == -1)
		goto out;
	for (i = 0; i < CS_STORES_N; i++)
		if (cs_dir(cs, cs_store_names[i], p, sizeof(p), e) == -1 ||
		    fs_set_owner(p, 0, gid, i == 0 ? 02750 : 0750, changed,
		    e) == -1)
			goto out;
	rv = grant_keys(cs, gid, changed, e);
out:
	cs_unlock(fd);
	if (rv == -1)
		rs_err_prefix(e, "cannot let group %u read the certificate "
		    "store", (unsigned)gid);
	return rv;
}

/*
 * Whether uid/gid may read path: every folder on the way needs x, the file
 * needs r, by owner, group or other bits.  root reads everything.
 */
bool
cs_readable_by(const char *path, uid_t uid, gid_t gid)
{
	char		 p[RS_PATH_MAX], *slash;
	struct stat	 st;
	mode_t		 need;

	if (uid == 0)
		return true;
	if (str_copy(p, sizeof(p), path) == -1)
		return false;
	for (slash = strchr(p + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash != NULL)
			*slash = '\0';
		if (stat(p, &st) == -1)
			return false;
		need = slash != NULL ? 1 : 4;	/* x on folders, r on file */
		if (!(st.st_uid == uid ? st.st_mode & (need << 6) :
		    st.st_gid == gid ? st.st_mode & (need << 3) :
		    st.st_mode & need))
			return false;
		if (slash == NULL)
			return true;
		*slash = '/';
	}
}
