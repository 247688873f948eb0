/*
 * page.c: the Web Service URL and Web Portal URL pages and the Advanced
 * dialog's identities, each Apply one transaction composed of the WMI
 * steps: certificate checked, URLs reserved, bindings created or reused,
 * URLs no longer wanted removed, bindings nobody needs released, the
 * representation written, the services told.  Additions come before
 * removals, so a failure half way has the fewest things to undo.
 *
 * The page's own URLs are the application's first http URL (IP address,
 * TCP port) and first https URL on "+", "*" or an address (HTTPS port and
 * certificate); host-name URLs are the Advanced dialog's identities.
 */
#include "rsmgmt/wmi_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int	page_err(struct rsmgmt_result *, uint32_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Sets *r like rsmgmt_err and returns -1. */
static int
page_err(struct rsmgmt_result *r, uint32_t code, const char *fmt, ...)
{
	va_list	ap;

	r->hresult = code;
	r->exit_status = 1;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	return -1;
}

struct plan {
	char	old_http[MGMT_URL_MAX], old_https[MGMT_URL_MAX];
	char	new_http[MGMT_URL_MAX], new_https[MGMT_URL_MAX];
	char	old_vdir[RSMGMT_VDIR_MAX], vdir[RSMGMT_VDIR_MAX];
	char	hash[41];
	char	follow[CERTSTORE_NAME_MAX * 4];
};

/* The page's http and https URLs of an application, "" when none. */
static void
page_urls(const struct mapp *a, char *http, char *https)
{
	struct urlres_prefix	p;
	struct rs_err		e;

	http[0] = https[0] = '\0';
	for (size_t i = 0; a != NULL && i < a->n; i++) {
		if (urlres_parse(a->urls[i], &p, &e) == -1 ||
		    p.kind == URLRES_HOST)
			continue;
		if (strcmp(p.scheme, "http") == 0 && http[0] == '\0')
			str_copy(http, MGMT_URL_MAX, a->urls[i]);
		if (strcmp(p.scheme, "https") == 0 && https[0] == '\0')
			str_copy(https, MGMT_URL_MAX, a->urls[i]);
	}
}

/* "+" for all, "[v6]" or the IPv4 address. */
static void
ip_host(const char *ip, char *out, size_t sz)
{
	if (ip == NULL || strcasecmp(ip, "all") == 0 || strcmp(ip, "+") == 0)
		str_copy(out, sz, "+");
	else if (strchr(ip, ':') != NULL && ip[0] != '[')
		snprintf(out, sz, "[%s]", ip);
	else
		str_copy(out, sz, ip);
}

/* The host part of a UrlString, or "+" for an empty one. */
static void
url_host(const char *url, char *out, size_t sz)
{
	struct urlres_prefix	p;
	struct rs_err		e;

	if (url[0] == '\0' || urlres_parse(url, &p, &e) == -1)
		str_copy(out, sz, "+");
	else if (p.kind == URLRES_IP && strchr(p.host, ':') != NULL)
		mgmt_fmt(out, sz, "[%s]", p.host);
	else
		str_copy(out, sz, p.host);
}

static unsigned
url_port(const char *url)
{
	struct urlres_prefix	p;
	struct rs_err		e;

	if (url[0] == '\0' || urlres_parse(url, &p, &e) == -1)
		return 0;
	return p.port;
}

/* The certificate bound to the first endpoint of an https URL. */
static int
bound_cert(struct rsmgmt *m, const char *url, char hash[41])
{
	struct urlres_prefix	p;
	struct binding_ssl	b;
	struct rs_err		e;
	char			eps[2][BINDING_ENDPOINT_MAX];
	enum binding_kind	kinds[2];

	hash[0] = '\0';
	if (url[0] == '\0' || urlres_parse(url, &p, &e) == -1 ||
	    mgmt_url_endpoints(&p, eps, kinds) == 0 ||
	    binding_ssl_get(m->bs, eps[0], &b, &e) == -1)
		return -1;
	str_copy(hash, 41, b.certhash);
	binding_ssl_fini(&b);
	return 0;
}

uint32_t
rsmgmt_page_view(struct rsmgmt *m, const char *app,
    struct rsmgmt_page_view *v, struct rsmgmt_result *r)
{
	const struct mapp	*a = model_app_c(&m->model, app);
	struct rsmgmt_url	*all = NULL;
	char			 http[MGMT_URL_MAX], https[MGMT_URL_MAX];
	size_t			 n = 0;

	memset(v, 0, sizeof(*v));
	str_copy(v->vdir, sizeof(v->vdir), rsmgmt_vdir(m, app));
	page_urls(a, http, https);
	url_host(http[0] ? http : https, v->ip, sizeof(v->ip));
	if (strcmp(v->ip, "+") == 0)
		str_copy(v->ip, sizeof(v->ip), "all");
	v->port = url_port(http);
	v->https_port = url_port(https);
	(void)bound_cert(m, https, v->https_cert);
	if (rsmgmt_list_reserved_urls(m, &all, &n, r) != 0)
		return r->hresult;
	v->urls = xcalloc(n ? n : 1, sizeof(*v->urls));
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(all[i].application, app) == 0)
			v->urls[v->n_urls++] = all[i];
	free(all);
	rsmgmt_ok(r, "%s", app);
	return 0;
}

void
rsmgmt_page_view_fini(struct rsmgmt_page_view *v)
{
	free(v->urls);
	v->urls = NULL;
}

/* Works out the new URLs from the page's fields; -1 with *r set. */
static int
plan_page(struct rsmgmt *m, const struct rsmgmt_url_page *pg,
    struct plan *pl, struct rsmgmt_result *r)
{
	const struct mapp	*a = model_app_c(&m->model, pg->app);
	char			 host[80];
	unsigned		 port, hport;

	memset(pl, 0, sizeof(*pl));
	page_urls(a, pl->old_http, pl->old_https);
	str_copy(pl->old_vdir, sizeof(pl->old_vdir), rsmgmt_vdir(m, pg->app));
	str_copy(pl->vdir, sizeof(pl->vdir), pg->vdir != NULL ? pg->vdir :
	    pl->old_vdir);
	if (!wmi_vdir_ok(pl->vdir))
		return page_err(r, RSMGMT_VirtualDirectoryInvalid,
		    "'%s' is not a valid virtual directory (letters, digits, "
		    "'_', '.', '-')", pl->vdir);
	if (pg->ip != NULL)
		ip_host(pg->ip, host, sizeof(host));
	else
		url_host(pl->old_http[0] ? pl->old_http : pl->old_https, host,
		    sizeof(host));
	if (host[0] != '+' && !mgmt_ip_is_local(host)) {
		rsmgmt_err(r, RSMGMT_RsIpAddressNotFound, "%s is not an address "
		    "of this machine", pg->ip);
		return -1;
	}
	port = pg->port ? pg->port : url_port(pl->old_http);
	if (port == 0)
		port = 80;
	hport = pg->https_port ? pg->https_port : url_port(pl->old_https);
	if (hport == 0 && pg->https_cert != NULL)
		hport = 443;
	if (port > 65535 || hport > 65535) {
		rsmgmt_err(r, RSMGMT_InvalidPortNumber, "a port is 1..65535");
		return -1;
	}
	if (port == hport && !pg->no_https) {
		rsmgmt_err(r, RSMGMT_InvalidUrlParameterSet, "the TCP port and "
		    "the HTTPS port are both %u; http and https cannot share "
		    "a port", port);
		return -1;
	}
	snprintf(pl->new_http, sizeof(pl->new_http), "http://%s:%u", host,
	    port);
	if (pg->no_https)
		return 0;
	if (pg->https_cert == NULL && pl->old_https[0] == '\0') {
		if (pg->https_port == 0)
			return 0;
		rsmgmt_err(r, RSMGMT_InvalidUrlParameterSet, "--https-port "
		    "needs a certificate (--https-cert THUMBPRINT); see "
		    "'rsconfig certificates'");
		return -1;
	}
	if (pg->https_cert == NULL && bound_cert(m, pl->old_https,
	    pl->hash) == -1) {
		rsmgmt_err(r, RSMGMT_SslCertificateNotFound, "%s has no SSL "
		    "binding; choose its certificate with --https-cert",
		    pl->old_https);
		return -1;
	}
	snprintf(pl->new_https, sizeof(pl->new_https), "https://%s:%u", host,
	    hport);
	return 0;
}

static bool
in_list(char (*v)[MGMT_URL_MAX], size_t n, const char *url)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(v[i], url) == 0)
			return true;
	return false;
}

/* The certificate's DNS names, space separated, for follow_names. */
static void
names_of(const struct certstore_info *ci, char *out, size_t sz)
{
	out[0] = '\0';
	for (size_t i = 0; i < ci->n_dns; i++) {
		if (i > 0)
			str_append(out, sz, " ");
		str_append(out, sz, ci->dns_names[i]);
	}
}

/*
 * Moves the application from its old URLs to want (under pl->vdir):
 * reserves the new ones, binds https ones, removes the old ones and
 * releases bindings nobody needs.
 */
static int
move_urls(struct txn *t, const char *app, const struct plan *pl,
    char (*want)[MGMT_URL_MAX], size_t nwant, const char *follow)
{
	struct mapp	*a = model_app(&t->m->model, app, true);
	char		 old[RSCONF_URLS_MAX][MGMT_URL_MAX], canon[MGMT_URL_MAX];
	size_t		 nold = a->n;
	bool		 moved = strcasecmp(pl->old_vdir, pl->vdir) != 0;

	memcpy(old, a->urls, sizeof(old));
	if (moved) {
		a->n = 0;	/* re-reserved below under the new vdir */
		str_copy(a->vdir, sizeof(a->vdir), pl->vdir);
	} else if (a->vdir[0] == '\0')
		str_copy(a->vdir, sizeof(a->vdir), pl->vdir);
	for (size_t i = 0; i < nwant; i++)
		if ((moved || !in_list(old, nold, want[i])) &&
		    do_reserve(t, app, want[i], canon, sizeof(canon)) == -1)
			return -1;
	if (pl->hash[0] != '\0' && pl->new_https[0] != '\0' &&
	    do_bind_url(t, pl->new_https, pl->hash, follow) == -1)
		return -1;
	for (size_t i = 0; i < nold; i++) {
		char prefix[MGMT_PREFIX_MAX];
		struct rs_err e;
		if (!moved && in_list(want, nwant, old[i]))
			continue;
		if (mgmt_prefix(old[i], pl->old_vdir, prefix, sizeof(prefix),
		    &e) == -1 || op_acl_del(t, prefix) == -1)
			return -1;
		if (!moved)	/* moved: the model holds only the new URLs */
			model_url_del(a, old[i]);
	}
	return do_gc_bindings(t);
}

uint32_t
rsmgmt_url_page_apply(struct rsmgmt *m, const struct rsmgmt_url_page *pg,
    struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	struct certstore_info	 ci = { 0 };
	struct plan		 pl;
	struct txn		 t;
	const struct mapp	*a;
	char			 want[RSCONF_URLS_MAX][MGMT_URL_MAX];
	size_t			 nwant = 0;

	if (!mgmt_valid_app(pg->app))
		return rsmgmt_err(r, RSMGMT_RsInvalidApplication, "unknown "
		    "application %s", pg->app);
	if (plan_page(m, pg, &pl, r) == -1)
		return r->hresult;
	txn_begin(&t, m, res, r);
	if (pg->https_cert != NULL) {
		if (op_cert_check(&t, pg->https_cert, pl.hash, &ci) == -1)
			goto out;
		if (pg->follow)
			names_of(&ci, pl.follow, sizeof(pl.follow));
	}
	a = model_app_c(&m->model, pg->app);
	for (size_t i = 0; a != NULL && i < a->n; i++)
		if (strcasecmp(a->urls[i], pl.old_http) != 0 &&
		    strcasecmp(a->urls[i], pl.old_https) != 0)
			str_copy(want[nwant++], MGMT_URL_MAX, a->urls[i]);
	str_copy(want[nwant++], MGMT_URL_MAX, pl.new_http);
	if (pl.new_https[0] != '\0' && nwant < RSCONF_URLS_MAX)
		str_copy(want[nwant++], MGMT_URL_MAX, pl.new_https);
	if (move_urls(&t, pg->app, &pl, want, nwant, pl.follow) == 0)
		(void)do_commit(&t);
out:
	certstore_info_fini(&ci);
	return txn_end(&t, "%s: %s%s%s", pg->app, pl.new_http,
	    pl.new_https[0] ? " and " : "", pl.new_https);
}

/* True when a certificate name (maybe "*.x") covers host. */
static bool
name_covers(const char *name, const char *host)
{
	const char	*dot;

	if (strcasecmp(name, host) == 0)
		return true;
	if (strncmp(name, "*.", 2) != 0 || (dot = strchr(host, '.')) == NULL)
		return false;
	return strcasecmp(name + 1, dot) == 0;
}

/* The UrlStrings of an identity (one per DNS name for host "*"). */
static int
identity_urls(const struct rsmgmt_identity *id, const struct certstore_info
    *ci, char (*out)[MGMT_URL_MAX], size_t *n, struct rsmgmt_result *r)
{
	const char	*scheme = id->https ? "https" : "http";
	char		 host[CERTSTORE_NAME_MAX + 3];

	*n = 0;
	if (id->port == 0 || id->port > 65535)
		return page_err(r, RSMGMT_InvalidPortNumber, "--port "
		    "%u is not 1..65535", id->port);
	if (id->host != NULL && strcmp(id->host, "*") == 0) {
		if (!id->https || ci == NULL)
			return page_err(r, RSMGMT_InvalidUrlParameterSet,
			    "--all-names needs --https and a certificate");
		for (size_t i = 0; i < ci->n_dns && *n < RSCONF_URLS_MAX; i++)
			if (strchr(ci->dns_names[i], '*') == NULL)
				snprintf(out[(*n)++], MGMT_URL_MAX,
				    "https://%s:%u", ci->dns_names[i],
				    id->port);
		return 0;
	}
	if (id->host != NULL)
		str_copy(host, sizeof(host), id->host);
	else
		ip_host(id->ip, host, sizeof(host));
	snprintf(out[(*n)++], MGMT_URL_MAX, "%s://%s:%u", scheme, host,
	    id->port);
	if (id->host == NULL || ci == NULL)
		return 0;
	for (size_t i = 0; i < ci->n_dns; i++)
		if (name_covers(ci->dns_names[i], id->host))
			return 0;
	return page_err(r, RSMGMT_RsInvalidSSLCertificate, "certificate "
	    "%s is not issued to %s (its names: %s); a browser would refuse "
	    "it", ci->thumbprint, id->host, ci->n_dns ? ci->dns_names[0] :
	    "none");
}

static int
add_identity_url(struct txn *t, const struct rsmgmt_identity *id,
    const char *url, const char *hash, const struct certstore_info *ci)
{
	struct urlres_prefix	p;
	struct rs_err		e;
	char			canon[MGMT_URL_MAX], follow[CERTSTORE_NAME_MAX * 4];

	if (do_reserve(t, id->app, url, canon, sizeof(canon)) == -1)
		return -1;
	if (!id->https)
		return 0;
	follow[0] = '\0';
	if (id->follow && urlres_parse(canon, &p, &e) == 0)
		if (p.kind == URLRES_HOST)
			str_copy(follow, sizeof(follow), p.host);
		else
			names_of(ci, follow, sizeof(follow));
	else
		follow[0] = '\0';
	return do_bind_url(t, canon, hash, follow);
}

uint32_t
rsmgmt_identity_add(struct rsmgmt *m, const struct rsmgmt_identity *id,
    struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	struct certstore_info	 ci = { 0 };
	struct txn		 t;
	struct mapp		*a;
	char			 urls[RSCONF_URLS_MAX][MGMT_URL_MAX], h[41] = "";
	char			 vdir[RSMGMT_VDIR_MAX];
	size_t			 n = 0;

	if (!mgmt_valid_app(id->app))
		return rsmgmt_err(r, RSMGMT_RsInvalidApplication, "unknown "
		    "application %s", id->app);
	if (id->https && id->cert == NULL)
		return rsmgmt_err(r, RSMGMT_InvalidUrlParameterSet, "an HTTPS "
		    "identity needs --cert THUMBPRINT");
	txn_begin(&t, m, res, r);
	if (id->https && op_cert_check(&t, id->cert, h, &ci) == -1)
		goto out;
	if (identity_urls(id, id->https ? &ci : NULL, urls, &n, r) == -1) {
		txn_fail(&t, r->hresult, "%s", r->message);
		goto out;
	}
	str_copy(vdir, sizeof(vdir), rsmgmt_vdir(m, id->app));
	a = model_app(&m->model, id->app, true);
	if (a->vdir[0] == '\0')
		str_copy(a->vdir, sizeof(a->vdir), vdir);
	for (size_t i = 0; i < n; i++)
		if (add_identity_url(&t, id, urls[i], h, &ci) == -1)
			goto out;
	(void)do_commit(&t);
out:
	certstore_info_fini(&ci);
	return txn_end(&t, "%zu identit%s added to %s", n, n == 1 ? "y" :
	    "ies", id->app);
}

uint32_t
rsmgmt_identity_remove(struct rsmgmt *m, const struct rsmgmt_identity *id,
    struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	struct certstore_info	 ci = { 0 };
	struct txn		 t;
	struct rs_err		 e;
	char			 urls[RSCONF_URLS_MAX][MGMT_URL_MAX], h[41];
	bool			 have = false;
	size_t			 n = 0;

	if (!mgmt_valid_app(id->app))
		return rsmgmt_err(r, RSMGMT_RsInvalidApplication, "unknown "
		    "application %s", id->app);
	if (id->cert != NULL && certstore_resolve(m->cs, CERTSTORE_MY,
	    id->cert, h, &e) == 0 && certstore_get(m->cs, CERTSTORE_MY, h, &ci,
	    &e) == 0)
		have = true;
	if (identity_urls(id, have ? &ci : NULL, urls, &n, r) == -1) {
		certstore_info_fini(&ci);
		return r->hresult;
	}
	txn_begin(&t, m, res, r);
	for (size_t i = 0; i < n; i++)
		if (do_remove(&t, id->app, urls[i]) == -1)
			goto out;
	if (do_gc_bindings(&t) == 0)
		(void)do_commit(&t);
out:
	certstore_info_fini(&ci);
	return txn_end(&t, "%zu identit%s removed from %s", n, n == 1 ? "y" :
	    "ies", id->app);
}
