/*
 * mgmt.c: the management handle for the URL and TLS operations: the
 * provider's code names, opening the stores and rsreportserver.config,
 * the report server's account, and the in-memory model of the
 * URLReservations section that transactions edit (a URL string per
 * application, one virtual directory each) with the rules that map an
 * https URL to the SSL binding endpoints that serve it.
 */
#include "rsmgmt/mgmt_int.h"
#include "catalog/catalog.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <pwd.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

uint32_t
rsmgmt_err(struct rsmgmt_result *r, uint32_t code, const char *fmt, ...)
{
	va_list	ap;

	r->hresult = code;
	r->exit_status = code == RSMGMT_Success ? 0 : 1;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	return code;
}

bool
mgmt_valid_app(const char *app)
{
	return app != NULL && (strcmp(app, RSCONF_APP_WEBSERVICE) == 0 ||
	    strcmp(app, RSCONF_APP_WEBAPP) == 0);
}

/* The model from the parsed config. */
static void
model_load(struct mmodel *mm, const struct rsconf *c)
{
	memset(mm, 0, sizeof(*mm));
	mm->level = c->secure_level;
	for (size_t i = 0; i < c->napps && i < RSCONF_APPS_MAX; i++) {
		struct mapp *a = &mm->apps[mm->napps++];
		str_copy(a->name, sizeof(a->name), c->apps[i].name);
		str_copy(a->vdir, sizeof(a->vdir), c->apps[i].vdir);
		for (size_t j = 0; j < c->apps[i].nurls; j++)
			str_copy(a->urls[a->n++], MGMT_URL_MAX,
			    c->apps[i].urls[j].url);
	}
}

/* The account recorded in the config, else the invoking user. */
static void
pick_account(struct rsmgmt *m)
{
	struct passwd	*pw = NULL;

	for (size_t i = 0; i < m->conf->napps && pw == NULL; i++)
		for (size_t j = 0; j < m->conf->apps[i].nurls; j++) {
			const char *n = m->conf->apps[i].urls[j].account_name;
			if (n != NULL && (pw = getpwnam(n)) != NULL)
				break;
		}
	if (pw == NULL)
		pw = getpwuid(geteuid());
	if (pw == NULL) {
		str_copy(m->account, sizeof(m->account), "root");
		m->account_uid = 0;
		return;
	}
	str_copy(m->account, sizeof(m->account), pw->pw_name);
	m->account_uid = pw->pw_uid;
}

static int	default_config(struct rsmgmt *, struct rs_err *);

int
mgmt_reload(struct rsmgmt *m, struct rs_err *e)
{
	struct rsconf	*c;

	c = rsconf_load(m->cfg_path, e);
	if (c == NULL && e->code == RS_E_NOTFOUND) {
		rsconf_free(m->conf);
		m->conf = NULL;
		return default_config(m, e);
	}
	if (c == NULL)
		return -1;
	rsconf_free(m->conf);
	m->conf = c;
	model_load(&m->model, c);
	return 0;
}

/*
 * Serialises rsconfig processes: each holds the lock from open to close,
 * so two applies never interleave their steps or their config writes.
 * run/ is 0755 whoever makes it first: other users' applications must
 * reach httpsvc's control socket there.
 */
int
mgmt_lock(const char *root, struct rs_err *e)
{
	char	path[RS_PATH_MAX], dir[RS_PATH_MAX];

	if (rs_root_path(root, "run", dir, sizeof(dir), e) == -1 ||
	    fs_mkdir_p(dir, 0755, e) == -1 ||
	    rs_root_path(root, MGMT_LOCK, path, sizeof(path), e) == -1)
		return -1;
	return fs_lock(path, true, e);
}

static int
take_lock(struct rsmgmt *m, struct rs_err *e)
{
	m->lockfd = mgmt_lock(m->root, e);
	return m->lockfd == -1 ? -1 : 0;
}

/*
 * No rsreportserver.config yet (the URLs are set before the database):
 * the default one, in memory, pointing at the default SQLite database; the
 * first change writes it (and its undo removes it again).
 */
static int
default_config(struct rsmgmt *m, struct rs_err *e)
{
	char	db[RS_PATH_MAX], *text;

	if (rs_root_path(m->root, RSCONF_DB_FILE, db, sizeof(db), e) == -1)
		return -1;
	text = rsconf_default_text(false, db);
	m->conf = rsconf_parse(text, strlen(text), m->cfg_path, e);
	free(text);
	if (m->conf == NULL)
		return -1;
	model_load(&m->model, m->conf);
	return 0;
}

struct rsmgmt *
rsmgmt_open(const char *root, struct rsmgmt_result *r)
{
	struct rsmgmt	*m;
	struct rs_err	 e;
	bool		 have;

	m = xcalloc(1, sizeof(*m));
	m->lockfd = -1;
	str_copy(m->root, sizeof(m->root), root);
	if (rsmgmt_config_path(root, m->cfg_path, sizeof(m->cfg_path),
	    &e) == -1)
		goto fail;
	/* Without a config a read-only page needs no lock (none may be
	 * possible: another user's root); a change then fails writing. */
	have = fs_exists(m->cfg_path);
	if (take_lock(m, &e) == -1 && have)
		goto fail;
	if (mgmt_reload(m, &e) == -1)
		goto fail;
	m->bs = binding_store_open(root, &e);
	if (m->bs == NULL)
		goto fail;
	m->cs = certstore_open(root, &e);
	if (m->cs == NULL)
		goto fail;
	pick_account(m);
	rsmgmt_ok(r, "opened");
	return m;
fail:
	rsmgmt_fail(r, &e);
	rsmgmt_close(m);
	return NULL;
}

bool
rsmgmt_configured(const struct rsmgmt *m)
{
	return fs_exists(m->cfg_path);
}

void
rsmgmt_close(struct rsmgmt *m)
{
	if (m == NULL)
		return;
	binding_store_close(m->bs);
	certstore_close(m->cs);
	rsconf_free(m->conf);
	if (m->lockfd != -1)
		fs_unlock(m->lockfd);
	free(m);
}

const char *
rsmgmt_root(const struct rsmgmt *m)
{
	return m->root;
}

const char *
rsmgmt_account(const struct rsmgmt *m)
{
	return m->account;
}

uint32_t
rsmgmt_set_account(struct rsmgmt *m, const char *user,
    struct rsmgmt_result *r)
{
	struct passwd	*pw = getpwnam(user);

	if (pw == NULL)
		return rsmgmt_err(r, RSMGMT_InvalidUser, "cannot use account "
		    "%s: there is no such Unix user", user);
	str_copy(m->account, sizeof(m->account), pw->pw_name);
	m->account_uid = pw->pw_uid;
	rsmgmt_ok(r, "account %s", m->account);
	return 0;
}

int
rsmgmt_secure_connection_level(const struct rsmgmt *m)
{
	return m->model.level;
}

const char *
rsmgmt_vdir(const struct rsmgmt *m, const char *app)
{
	const struct mapp *a = model_app_c(&m->model, app);

	if (a != NULL)
		return a->vdir;
	return strcmp(app, RSCONF_APP_WEBAPP) == 0 ? "Reports" :
	    "ReportServer";
}

const struct mapp *
model_app_c(const struct mmodel *mm, const char *name)
{
	for (size_t i = 0; i < mm->napps; i++)
		if (strcasecmp(mm->apps[i].name, name) == 0)
			return &mm->apps[i];
	return NULL;
}

struct mapp *
model_app(struct mmodel *mm, const char *name, bool create)
{
	struct mapp	*a = (struct mapp *)model_app_c(mm, name);

	if (a != NULL || !create || mm->napps == RSCONF_APPS_MAX)
		return a;
	a = &mm->apps[mm->napps++];
	memset(a, 0, sizeof(*a));
	str_copy(a->name, sizeof(a->name), name);
	return a;
}

bool
model_has_url(const struct mapp *a, const char *url)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcasecmp(a->urls[i], url) == 0)
			return true;
	return false;
}

void
model_url_add(struct mapp *a, const char *url)
{
	if (a->n < RSCONF_URLS_MAX && !model_has_url(a, url))
		str_copy(a->urls[a->n++], MGMT_URL_MAX, url);
}

void
model_url_del(struct mapp *a, const char *url)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcasecmp(a->urls[i], url) == 0) {
			memmove(a->urls[i], a->urls[i + 1],
			    (a->n - i - 1) * MGMT_URL_MAX);
			a->n--;
			return;
		}
}

int
mgmt_url_canon(const char *in, char *out, size_t sz, struct urlres_prefix *p,
    struct rs_err *e)
{
	char	text[URLRES_TEXT_MAX];
	int	n;

	if (urlres_parse(in, p, e) == -1)
		return -1;
	if (strcmp(p->path, "/") != 0)
		return rs_err_set(e, RS_E_USAGE, "URL %s has a path; give the "
		    "URL without the virtual directory (http://+:80)", in);
	n = urlres_format(p, text, sizeof(text));
	if (n < 1 || text[n - 1] != '/')
		return rs_err_set(e, RS_E_USAGE, "URL %s: too long", in);
	text[n - 1] = '\0';
	if (str_copy(out, sz, text) == -1)
		return rs_err_set(e, RS_E_USAGE, "URL %s: too long", in);
	return 0;
}

int
mgmt_prefix(const char *url, const char *vdir, char *out, size_t sz,
    struct rs_err *e)
{
	if ((size_t)snprintf(out, sz, "%s/%s/", url, vdir) >= sz)
		return rs_err_set(e, RS_E_USAGE, "URL %s/%s: too long", url,
		    vdir);
	return 0;
}

size_t
model_prefixes(const struct mmodel *mm, char (*want)[MGMT_PREFIX_MAX],
    size_t max)
{
	struct rs_err	e;
	size_t		n = 0;

	for (size_t i = 0; i < mm->napps; i++)
		for (size_t j = 0; j < mm->apps[i].n && n < max; j++)
			if (mgmt_prefix(mm->apps[i].urls[j], mm->apps[i].vdir,
			    want[n], MGMT_PREFIX_MAX, &e) == 0)
				n++;
	return n;
}

size_t
mgmt_url_endpoints(const struct urlres_prefix *p,
    char out[2][BINDING_ENDPOINT_MAX], enum binding_kind kinds[2])
{
	if (strcmp(p->scheme, "https") != 0)
		return 0;
	switch (p->kind) {
	case URLRES_STRONG:
	case URLRES_WEAK:
		snprintf(out[0], BINDING_ENDPOINT_MAX, "0.0.0.0:%u", p->port);
		snprintf(out[1], BINDING_ENDPOINT_MAX, "[::]:%u", p->port);
		kinds[0] = kinds[1] = BINDING_IPPORT;
		return 2;
	case URLRES_IP:
		snprintf(out[0], BINDING_ENDPOINT_MAX,
		    strchr(p->host, ':') != NULL ? "[%s]:%u" : "%s:%u",
		    p->host, p->port);
		kinds[0] = BINDING_IPPORT;
		return 1;
	case URLRES_HOST:
		snprintf(out[0], BINDING_ENDPOINT_MAX, "%s:%u", p->host,
		    p->port);
		kinds[0] = BINDING_HOSTNAMEPORT;
		return 1;
	}
	return 0;
}

bool
model_needs_endpoint(const struct mmodel *mm, const char *endpoint,
    char *app, size_t appsz)
{
	char			eps[2][BINDING_ENDPOINT_MAX];
	enum binding_kind	kinds[2];
	struct urlres_prefix	p;
	struct rs_err		e;

	for (size_t i = 0; i < mm->napps; i++)
		for (size_t j = 0; j < mm->apps[i].n; j++) {
			size_t k;

			if (urlres_parse(mm->apps[i].urls[j], &p, &e) == -1)
				continue;
			k = mgmt_url_endpoints(&p, eps, kinds);
			while (k-- > 0)
				if (strcmp(eps[k], endpoint) == 0) {
					if (app != NULL)
						str_copy(app, appsz,
						    mm->apps[i].name);
					return true;
				}
		}
	return false;
}

bool
mgmt_ip_is_local(const char *ip)
{
	struct rsmgmt_ip	 ips[RSMGMT_IPS_MAX];
	struct rsmgmt_result	 r;
	size_t			 n = 0;
	char			 bare[64];

	if (ip[0] == '[') {	/* "[::1]": the address inside */
		mgmt_fmt(bare, sizeof(bare), "%s", ip + 1);
		bare[strcspn(bare, "]")] = '\0';
		ip = bare;
	}
	if (strcmp(ip, "0.0.0.0") == 0 || strcmp(ip, "::") == 0)
		return true;
	if (rsmgmt_list_ip_addresses(ips, nitems(ips), &n, &r) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(ips[i].address, ip) == 0)
			return true;
	return false;
}

uint32_t
rsmgmt_list_ip_addresses(struct rsmgmt_ip *out, size_t max, size_t *n,
    struct rsmgmt_result *r)
{
	struct ifaddrs	*ifa = NULL;
	char		 text[INET6_ADDRSTRLEN];

	*n = 0;
	if (getifaddrs(&ifa) == -1)
		return rsmgmt_err(r, RSMGMT_UnknownError, "cannot list the "
		    "addresses of this machine: getifaddrs failed");
	for (struct ifaddrs *i = ifa; i != NULL && *n < max; i = i->ifa_next) {
		int	fam = i->ifa_addr != NULL ? i->ifa_addr->sa_family : 0;
		void	*a;

		if (fam != AF_INET && fam != AF_INET6)
			continue;
		a = fam == AF_INET ?
		    (void *)&((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr :
		    (void *)&((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr;
		if (inet_ntop(fam, a, text, sizeof(text)) == NULL)
			continue;
		if (fam == AF_INET6 && str_has_iprefix(text, "fe80"))
			continue;	/* link-local needs a scope */
		str_copy(out[*n].address, sizeof(out[*n].address), text);
		str_copy(out[*n].version, sizeof(out[*n].version),
		    fam == AF_INET ? "V4" : "V6");
		out[*n].dhcp = false;
		(*n)++;
	}
	freeifaddrs(ifa);
	rsmgmt_ok(r, "%zu addresses", *n);
	return 0;
}

/* The rsconf_app array for the model (account on every URL). */
static struct rsconf_app *
model_to_conf(const struct rsmgmt *m, char *sid, size_t sidsz)
{
	struct rsconf_app	*apps;

	snprintf(sid, sidsz, "S-1-22-1-%u", (unsigned)m->account_uid);
	apps = xcalloc(m->model.napps ? m->model.napps : 1, sizeof(*apps));
	for (size_t i = 0; i < m->model.napps; i++) {
		const struct mapp *a = &m->model.apps[i];
		apps[i].name = (char *)a->name;
		apps[i].vdir = (char *)a->vdir;
		apps[i].nurls = a->n;
		for (size_t j = 0; j < a->n; j++) {
			apps[i].urls[j].url = (char *)a->urls[j];
			apps[i].urls[j].account_sid = sid;
			apps[i].urls[j].account_name = (char *)m->account;
		}
	}
	return apps;
}

/*
 * rsconf_save and fs_write_atomic write a new file 0600 for its owner;
 * rsconfig start made the old one root:GROUP 0640 for the report server's
 * account, which must still read it when it re-registers live: the new
 * file gets the old group and mode back (never more than 0640).
 */
int
mgmt_keep_mode(const char *path, const struct stat *old, struct rs_err *e)
{
	int	fd;

	if (!S_ISREG(old->st_mode) || ((old->st_mode & 0640) == 0600 &&
	    old->st_gid == getegid()))
		return 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || fchown(fd, (uid_t)-1, old->st_gid) == -1 ||
	    fchmod(fd, (old->st_mode & 0640) | 0600) == -1) {
		rs_err_sys(e, RS_E_IO, "cannot keep the group and mode of %s",
		    path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
save_keeping_mode(struct rsmgmt *m, struct rs_err *e)
{
	struct stat	st;
	bool		had = lstat(m->cfg_path, &st) == 0;
	char		dir[RS_PATH_MAX], *slash;

	str_copy(dir, sizeof(dir), m->cfg_path);
	slash = strrchr(dir, '/');
	if (!had && slash != NULL) {
		*slash = '\0';
		if (fs_mkdir_p(dir, 0700, e) == -1)
			return -1;
	}
	if (rsconf_save(m->conf, m->cfg_path, e) == -1)
		return -1;
	return had ? mgmt_keep_mode(m->cfg_path, &st, e) : 0;
}

int
mgmt_save(struct rsmgmt *m, struct rs_err *e)
{
	struct rsconf_app	*apps;
	char			 sid[40], lvl[16];
	int			 rc;

	apps = model_to_conf(m, sid, sizeof(sid));
	rc = rsconf_set_urls(m->conf, apps, m->model.napps, e);
	free(apps);
	if (rc == -1)
		return -1;
	if (m->model.level != m->conf->secure_level) {
		snprintf(lvl, sizeof(lvl), "%d", m->model.level);
		if (rsconf_set_add(m->conf, "SecureConnectionLevel", lvl,
		    e) == -1)
			return -1;
	}
	return save_keeping_mode(m, e);
}

void
mgmt_fmt(char *out, size_t sz, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(out, sz, fmt, ap);	/* truncation is fine: display text */
	va_end(ap);
}
