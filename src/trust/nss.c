/*
 * nss.c: the NSS half of "certstore trust": Chromium and Firefox read the
 * trust anchors of an NSS database (Chromium's is $HOME/.pki/nssdb).
 * certutil adds each anchor as nickname "certstore <THUMBPRINT>" with the
 * flags of a CA trusted to issue TLS server certificates (C,,; a peer
 * flag such as P,, would only trust that one certificate), sets those
 * flags on one already there, and deletes it on removal.  A database that
 * does not exist is created with an empty password, as Chromium creates
 * it.  certutil runs as the owner of the database (root filling a user's
 * keeps it the user's), and folders made for it are given to that owner.
 */
#include "trust/trust_int.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define THUMB_LEN	40

/* Who runs certutil, and where. */
struct nss {
	const struct trust_opts	*o;
	char			 prog[1024];
	char			 db[4200];	/* "sql:" + folder */
	bool			 as_user;
	uid_t			 uid;
	gid_t			 gid;
	char			*list;		/* certutil -L output */
};

static int
certutil(struct nss *n, const char *const *args, const char *input,
    size_t input_len, struct trust_run *r, struct rs_err *e)
{
	const char	*argv[16];
	size_t		 i = 0;

	argv[i++] = n->prog;
	for (; *args != NULL && i < 12; args++)
		argv[i++] = *args;
	argv[i++] = "-d";
	argv[i++] = n->db;
	argv[i] = NULL;
	memset(r, 0, sizeof(*r));
	r->argv = argv;
	r->input = input;
	r->input_len = input_len;
	r->as_user = n->as_user;
	r->uid = n->uid;
	r->gid = n->gid;
	return trust_run(r, e);
}

static int
certutil_ok(struct nss *n, const char *const *args, const char *input,
    size_t input_len, const char *what, struct rs_err *e)
{
	struct trust_run	r;
	char			last[256];

	if (certutil(n, args, input, input_len, &r, e) == -1)
		return -1;
	if (r.status != 0) {
		trust_last_line(&r, last, sizeof(last));
		rs_err_set(e, RS_E_IO, "cannot %s in the NSS database %s: "
		    "certutil: %s", what, n->o->nssdb, last);
	}
	trust_run_fini(&r);
	return r.status == 0 ? 0 : -1;
}

/* The nearest folder at or above path that exists (its owner owns db). */
static int
existing_above(const char *path, struct stat *st, struct rs_err *e)
{
	char	p[4096], *slash;

	if (str_copy(p, sizeof(p), path) == -1)
		return rs_err_set(e, RS_E_IO, "path too long: %s", path);
	while (stat(p, st) == -1) {
		slash = strrchr(p, '/');
		if (slash == NULL || slash == p)
			return stat("/", st) == 0 ? 0 : rs_err_sys(e, RS_E_IO,
			    "cannot read /");
		*slash = '\0';
	}
	return 0;
}

/* Makes the database folder (and the folders above it) for its owner. */
static int
make_folders(const struct nss *n, struct rs_err *e)
{
	char	p[4096];

	if (str_copy(p, sizeof(p), n->o->nssdb) == -1)
		return rs_err_set(e, RS_E_IO, "path too long: %s", n->o->nssdb);
	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s != NULL)
			*s = '\0';
		if (!fs_exists(p) && (mkdir(p, 0700) == -1 ||
		    (n->as_user && chown(p, n->uid, n->gid) == -1)))
			return rs_err_sys(e, errno == EACCES ? RS_E_PERM :
			    RS_E_IO, "cannot create the folder %s for the NSS "
			    "database", p);
		if (s == NULL)
			return 0;
		*s = '/';
	}
}

static int
nss_open(struct nss *n, const struct trust_opts *o, bool create,
    trust_say_fn *say, void *arg, struct rs_err *e)
{
	static const char *const init[] = { "-N", "--empty-password", NULL };
	static const char *const list[] = { "-L", NULL };
	struct stat		 st;
	struct trust_run	 r;
	char			 cert9[4200];

	memset(n, 0, sizeof(*n));
	n->o = o;
	if (trust_find("certutil", "libnss3-tools", n->prog, sizeof(n->prog),
	    e) == -1 || existing_above(o->nssdb, &st, e) == -1)
		return -1;
	snprintf(n->db, sizeof(n->db), "sql:%s", o->nssdb);
	n->as_user = geteuid() == 0 && st.st_uid != 0;
	n->uid = st.st_uid;
	n->gid = st.st_gid;
	snprintf(cert9, sizeof(cert9), "%s/cert9.db", o->nssdb);
	if (!fs_exists(cert9)) {
		if (!create)
			return 1;	/* nothing there to remove */
		if (o->dry_run) {
			trust_say(say, arg, "NSS database %s: would create it "
			    "(empty password)", o->nssdb);
			return 1;
		}
		if (make_folders(n, e) == -1 ||
		    certutil_ok(n, init, NULL, 0, "create the database",
		    e) == -1)
			return -1;
		trust_say(say, arg, "NSS database %s: created it (empty "
		    "password, as Chromium does)", o->nssdb);
	}
	if (certutil(n, list, NULL, 0, &r, e) == -1)
		return -1;
	if (r.status != 0) {
		trust_last_line(&r, cert9, sizeof(cert9));
		trust_run_fini(&r);
		return rs_err_set(e, RS_E_IO, "cannot read the NSS database "
		    "%s: certutil: %s", o->nssdb, cert9);
	}
	n->list = r.output != NULL ? r.output : xstrdup("");
	return 0;
}

/*
 * The trust flags of nickname "certstore <thumb>" in the listing, into
 * flags; false when it is not there.  A listing line is the nickname,
 * spaces, and the flags ("certstore 5E1A...   C,,").
 */
static bool
nss_flags(const struct nss *n, const char *thumb, char *flags, size_t sz)
{
	char		 nick[64];
	const char	*l, *p;
	size_t		 nl;

	nl = (size_t)snprintf(nick, sizeof(nick), "%s%s", TRUST_NICK_PREFIX,
	    thumb);
	for (l = n->list; l != NULL && *l != '\0'; l = strchr(l, '\n'),
	    l = l != NULL ? l + 1 : NULL) {
		if (strncmp(l, nick, nl) != 0 || (l[nl] != ' ' && l[nl] != '\t'))
			continue;
		for (p = l + nl; *p == ' ' || *p == '\t'; p++)
			;
		snprintf(flags, sz, "%.*s", (int)strcspn(p, " \t\r\n"), p);
		return true;
	}
	return false;
}

int
trust_nss_add(const struct trust_opts *o, const struct trust_anchor *a,
    size_t na, trust_say_fn *say, void *arg, struct rs_err *e)
{
	struct nss	 n;
	char		 nick[64], flags[32];
	const char	*add[] = { "-A", "-n", nick, "-t", TRUST_NSS_FLAGS, "-a",
			    NULL };
	const char	*mod[] = { "-M", "-n", nick, "-t", TRUST_NSS_FLAGS, NULL };
	int		 rv;

	if ((rv = nss_open(&n, o, true, say, arg, e)) != 0)
		goto out;
	for (size_t i = 0; i < na && rv == 0; i++) {
		snprintf(nick, sizeof(nick), "%s%s", TRUST_NICK_PREFIX,
		    a[i].thumbprint);
		if (nss_flags(&n, a[i].thumbprint, flags, sizeof(flags)) &&
		    strcmp(flags, TRUST_NSS_FLAGS) == 0) {
			trust_say(say, arg, "NSS database %s: \"%s\" (%s) is "
			    "already trusted (%s)", o->nssdb, nick,
			    a[i].subject, TRUST_NSS_FLAGS);
			continue;
		}
		if (!o->dry_run && (nss_flags(&n, a[i].thumbprint, flags,
		    sizeof(flags)) ? certutil_ok(&n, mod, NULL, 0,
		    "set the trust flags", e) : certutil_ok(&n, add, a[i].pem,
		    a[i].pem_len, "add the certificate", e)) == -1) {
			rv = -1;
			break;
		}
		trust_say(say, arg, "NSS database %s: %s \"%s\" (%s), trusted "
		    "as a CA for TLS servers (%s)", o->nssdb, o->dry_run ?
		    "would add" : "added", nick, a[i].subject,
		    TRUST_NSS_FLAGS);
	}
out:
	if (rv == 1 && o->dry_run)
		for (size_t i = 0; i < na; i++)
			trust_say(say, arg, "NSS database %s: would add "
			    "\"%s%s\" (%s), trusted as a CA for TLS servers "
			    "(%s)", o->nssdb, TRUST_NICK_PREFIX,
			    a[i].thumbprint, a[i].subject, TRUST_NSS_FLAGS);
	free(n.list);
	return rv == -1 ? -1 : 0;
}

/* The thumbprints of every "certstore ..." nickname of the listing. */
static size_t
ours(const struct nss *n, char (*out)[THUMB_LEN + 1], size_t max)
{
	size_t		 k = 0, pl = strlen(TRUST_NICK_PREFIX);
	const char	*l;

	for (l = n->list; l != NULL && *l != '\0' && k < max;
	    l = strchr(l, '\n'), l = l != NULL ? l + 1 : NULL)
		if (strncmp(l, TRUST_NICK_PREFIX, pl) == 0 &&
		    strspn(l + pl, "0123456789ABCDEF") == THUMB_LEN) {
			memcpy(out[k], l + pl, THUMB_LEN);
			out[k++][THUMB_LEN] = '\0';
		}
	return k;
}

int
trust_nss_remove(const struct trust_opts *o, const char *const *thumbs,
    size_t nt, trust_say_fn *say, void *arg, struct rs_err *e)
{
	struct nss	 n;
	char		 nick[64], flags[32], all[64][THUMB_LEN + 1];
	const char	*del[] = { "-D", "-n", nick, NULL };
	size_t		 i, k, gone = 0;
	int		 rv;

	if ((rv = nss_open(&n, o, false, say, arg, e)) != 0) {
		if (rv == 1)
			trust_say(say, arg, "NSS database %s: there is none, "
			    "nothing to remove", o->nssdb);
		return rv == -1 ? -1 : 0;
	}
	k = nt > 0 ? nt : ours(&n, all, 64);
	for (i = 0; i < k && rv == 0; i++) {
		const char *t = nt > 0 ? thumbs[i] : all[i];
		if (!nss_flags(&n, t, flags, sizeof(flags)))
			continue;
		snprintf(nick, sizeof(nick), "%s%s", TRUST_NICK_PREFIX, t);
		if (!o->dry_run && certutil_ok(&n, del, NULL, 0,
		    "delete the certificate", e) == -1)
			rv = -1;
		else {
			trust_say(say, arg, "NSS database %s: %s \"%s\"",
			    o->nssdb, o->dry_run ? "would delete" : "deleted",
			    nick);
			gone++;
		}
	}
	if (rv == 0 && gone == 0)
		trust_say(say, arg, "NSS database %s: no anchor of certstore to "
		    "remove", o->nssdb);
	free(n.list);
	return rv;
}
