/*
 * wmi.c: the WMI provider's URL and TLS methods, each one transaction:
 * SetVirtualDirectory, ReserveURL, RemoveURL, CreateSSLCertificateBinding,
 * RemoveSSLCertificateBindings, SetSecureConnectionLevel, and the lists
 * ListReservedUrls and ListSSLCertificates.  The do_* helpers run inside
 * a transaction so the pages (page.c) can compose them.
 */
#include "rsmgmt/wmi_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

bool
wmi_vdir_ok(const char *v)
{
	size_t	n = strlen(v);

	if (n == 0 || n >= RSMGMT_VDIR_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(v[i] >= 'a' && v[i] <= 'z') && !(v[i] >= 'A' &&
		    v[i] <= 'Z') && !(v[i] >= '0' && v[i] <= '9') &&
		    strchr("_.-", v[i]) == NULL)
			return false;
	return strcmp(v, ".") != 0 && strcmp(v, "..") != 0;
}

static uint32_t
bad_app(struct rsmgmt_result *r, const char *app)
{
	return rsmgmt_err(r, RSMGMT_RsInvalidApplication, "unknown "
	    "application '%s'; the applications are %s and %s",
	    app != NULL ? app : "", RSCONF_APP_WEBSERVICE, RSCONF_APP_WEBAPP);
}

int
do_reserve(struct txn *t, const char *app, const char *url_in, char *canon,
    size_t canonsz)
{
	struct urlres_prefix	p;
	struct rs_err		e;
	struct mapp		*a = model_app(&t->m->model, app, false);
	char			prefix[MGMT_PREFIX_MAX];

	if (a == NULL || a->vdir[0] == '\0')
		return txn_fail(t, RSMGMT_RsMustDefineApplicationFirst, "cannot "
		    "reserve %s for %s: set its virtual directory first", url_in,
		    app);
	if (mgmt_url_canon(url_in, canon, canonsz, &p, &e) == -1)
		return txn_fail(t, RSMGMT_InvalidUrlParameterSet, "%s", e.msg);
	if (model_has_url(a, canon))
		return txn_fail(t, RSMGMT_RsURLAlreadyReserved, "%s is already "
		    "reserved for %s", canon, app);
	if (a->n == RSCONF_URLS_MAX)
		return txn_fail(t, RSMGMT_InvalidParameter, "%s has %d URLs "
		    "already", app, RSCONF_URLS_MAX);
	if (p.kind == URLRES_IP && !mgmt_ip_is_local(p.host))
		return txn_fail(t, RSMGMT_RsIpAddressNotFound, "%s is not an "
		    "address of this machine; 'rsconfig wmi ListIPAddresses' "
		    "lists them", p.host);
	if (mgmt_prefix(canon, a->vdir, prefix, sizeof(prefix), &e) == -1)
		return txn_fail(t, RSMGMT_InvalidUrlParameterSet, "%s", e.msg);
	if (op_acl_add(t, prefix, t->m->account) == -1)
		return -1;
	model_url_add(a, canon);
	return 0;
}

int
do_remove(struct txn *t, const char *app, const char *url_in)
{
	struct urlres_prefix	p;
	struct rs_err		e;
	struct mapp		*a = model_app(&t->m->model, app, false);
	char			canon[MGMT_URL_MAX], prefix[MGMT_PREFIX_MAX];

	if (mgmt_url_canon(url_in, canon, sizeof(canon), &p, &e) == -1)
		return txn_fail(t, RSMGMT_InvalidUrlParameterSet, "%s", e.msg);
	if (a == NULL || !model_has_url(a, canon))
		return txn_fail(t, RSMGMT_RsURLNotReserved, "%s is not reserved "
		    "for %s; see 'rsconfig urls'", canon, app);
	if (mgmt_prefix(canon, a->vdir, prefix, sizeof(prefix), &e) == -1)
		return txn_fail(t, RSMGMT_InvalidUrlParameterSet, "%s", e.msg);
	if (op_acl_del(t, prefix) == -1)
		return -1;
	model_url_del(a, canon);
	return 0;
}

/* Releases every binding the report server owns that no URL needs. */
int
do_gc_bindings(struct txn *t)
{
	struct binding_ssl	*v = NULL;
	struct rs_err		 e;
	size_t			 n = 0;
	int			 rc = 0;

	if (binding_ssl_list(t->m->bs, &v, &n, &e) == -1)
		return txn_fail_err(t, RSMGMT_UnknownError, &e);
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool mine = false;
		for (size_t k = 0; k < v[i].n_owners; k++)
			mine |= strcasecmp(v[i].owners[k], RSMGMT_APPID) == 0;
		if (mine && !model_needs_endpoint(&t->m->model, v[i].endpoint,
		    NULL, 0))
			rc = op_unbind(t, v[i].endpoint);
	}
	binding_ssl_list_free(v, n);
	return rc;
}

int
do_bind_url(struct txn *t, const char *url, const char *hash,
    const char *follow)
{
	struct urlres_prefix	p;
	struct rs_err		e;
	char			eps[2][BINDING_ENDPOINT_MAX];
	enum binding_kind	kinds[2];
	size_t			n;

	if (urlres_parse(url, &p, &e) == -1)
		return txn_fail(t, RSMGMT_InvalidUrlParameterSet, "%s", e.msg);
	n = mgmt_url_endpoints(&p, eps, kinds);
	for (size_t i = 0; i < n; i++)
		if (op_bind(t, eps[i], kinds[i], hash, follow) == -1)
			return -1;
	return 0;
}

/* The config write and the services told: the end of every change. */
int
do_commit(struct txn *t)
{
	if (op_config_write(t) == -1)
		return -1;
	return op_notify(t);
}

uint32_t
rsmgmt_set_virtual_directory(struct rsmgmt *m, const char *app,
    const char *vdir, struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	struct txn	 t;
	struct mapp	*a;

	if (!mgmt_valid_app(app))
		return bad_app(r, app);
	txn_begin(&t, m, res, r);
	a = model_app(&m->model, app, true);
	if (vdir == NULL || !wmi_vdir_ok(vdir))
		txn_fail(&t, RSMGMT_VirtualDirectoryInvalid, "'%s' is not a "
		    "valid virtual directory (letters, digits, '_', '.', '-')",
		    vdir != NULL ? vdir : "");
	else if (a->n > 0 && strcasecmp(a->vdir, vdir) != 0)
		txn_fail(&t, RSMGMT_RsURLMustNotExist, "cannot change the "
		    "virtual directory of %s while it has URLs; remove them "
		    "first (RemoveURL), or use 'rsconfig web-service-url "
		    "--vdir NAME --apply', which does both", app);
	else if (txn_step(&t) == 0) {
		str_copy(a->vdir, sizeof(a->vdir), vdir);
		txn_log(&t, "virtual directory of %s set to %s", app, vdir);
		(void)op_config_write(&t);
	}
	return txn_end(&t, "virtual directory of %s is %s", app, vdir);
}

uint32_t
rsmgmt_reserve_url(struct rsmgmt *m, const char *app, const char *url,
    struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	struct txn	t;
	char		canon[MGMT_URL_MAX] = "";

	if (!mgmt_valid_app(app))
		return bad_app(r, app);
	txn_begin(&t, m, res, r);
	if (do_reserve(&t, app, url, canon, sizeof(canon)) == 0)
		(void)do_commit(&t);
	return txn_end(&t, "%s reserved for %s", canon, app);
}

uint32_t
rsmgmt_remove_url(struct rsmgmt *m, const char *app, const char *url,
    struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	struct txn	t;

	if (!mgmt_valid_app(app))
		return bad_app(r, app);
	txn_begin(&t, m, res, r);
	if (do_remove(&t, app, url) == 0 && do_gc_bindings(&t) == 0)
		(void)do_commit(&t);
	return txn_end(&t, "%s removed from %s", url, app);
}

/* The endpoint for (ip, port): ipport for an address, SNI for a name. */
int
wmi_endpoint(const char *ip, unsigned port, char ep[BINDING_ENDPOINT_MAX],
    enum binding_kind *kind, struct rs_err *e)
{
	char	text[BINDING_ENDPOINT_MAX + 8];
	bool	v6 = strchr(ip, ':') != NULL;

	if (port == 0 || port > 65535)
		return rs_err_set(e, RS_E_USAGE, "port %u is not 1..65535",
		    port);
	snprintf(text, sizeof(text), v6 && ip[0] != '[' ? "[%s]:%u" : "%s:%u",
	    ip, port);
	*kind = BINDING_IPPORT;
	if (binding_endpoint_parse(text, BINDING_IPPORT, ep, e) == 0)
		return 0;
	*kind = BINDING_HOSTNAMEPORT;
	return binding_endpoint_parse(text, BINDING_HOSTNAMEPORT, ep, e);
}

/* Does an https URL of app on port cover endpoint ep? */
static bool
app_covers(const struct mapp *a, const char *ep, unsigned port)
{
	struct urlres_prefix	p;
	struct rs_err		e;
	char			host[BINDING_ENDPOINT_MAX];
	const char		*colon = strrchr(ep, ':');

	snprintf(host, sizeof(host), "%.*s", (int)(colon - ep), ep);
	for (size_t i = 0; a != NULL && i < a->n; i++) {
		if (urlres_parse(a->urls[i], &p, &e) == -1 ||
		    strcmp(p.scheme, "https") != 0 || p.port != port)
			continue;
		if (p.kind == URLRES_STRONG || p.kind == URLRES_WEAK)
			return true;
		if (p.kind == URLRES_HOST && strcasecmp(host, p.host) == 0)
			return true;
		if (p.kind == URLRES_IP && (strcasecmp(host, p.host) == 0 ||
		    (host[0] == '[' && strncasecmp(host + 1, p.host,
		    strlen(p.host)) == 0)))
			return true;
	}
	return false;
}

uint32_t
rsmgmt_create_ssl_binding(struct rsmgmt *m, const char *app,
    const char *hash, const char *ip, unsigned port,
    struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	struct certstore_info	ci = { 0 };
	struct txn		t;
	struct rs_err		e;
	char			h[41] = "", ep[BINDING_ENDPOINT_MAX] = "";
	enum binding_kind	kind;

	if (!mgmt_valid_app(app))
		return bad_app(r, app);
	if (wmi_endpoint(ip, port, ep, &kind, &e) == -1)
		return rsmgmt_err(r, port == 0 || port > 65535 ?
		    RSMGMT_InvalidPortNumber : RSMGMT_InvalidParameter, "%s",
		    e.msg);
	if (kind == BINDING_IPPORT && !mgmt_ip_is_local(ip))
		return rsmgmt_err(r, RSMGMT_RsIpAddressNotFound, "%s is not "
		    "an address of this machine", ip);
	txn_begin(&t, m, res, r);
	if (op_cert_check(&t, hash, h, &ci) == -1)
		goto out;
	if (!app_covers(model_app_c(&m->model, app), ep, port)) {
		txn_fail(&t, RSMGMT_RsSSLCertificateNotRegistered, "%s has no "
		    "https URL on port %u that %s serves; reserve one first "
		    "(ReserveURL https://+:%u)", app, port, ep, port);
		goto out;
	}
	if (op_bind(&t, ep, kind, h, NULL) == 0)
		(void)op_reload(&t);
out:
	certstore_info_fini(&ci);
	return txn_end(&t, "certificate %s bound to %s for %s", h, ep, app);
}

static int
remove_checks(struct txn *t, const char *hash, const char *ep)
{
	struct binding_ssl	b;
	struct certstore_info	ci;
	struct rs_err		e;
	char			h[65];
	int			rc = 0;

	if (binding_ssl_get(t->m->bs, ep, &b, &e) == -1)
		return txn_fail(t, RSMGMT_InvalidParameter, "Invalid parameter: "
		    "%s", e.msg);
	if (certstore_thumb_normalize(hash, h, &e) == -1 ||
	    !str_has_iprefix(b.certhash, h))
		rc = txn_fail(t, RSMGMT_InvalidParameter, "Invalid parameter: "
		    "the binding of %s uses certificate %s, not %s", ep,
		    b.certhash, hash);
	else if (certstore_get(t->m->cs, b.store[0] ? b.store : CERTSTORE_MY,
	    b.certhash, &ci, &e) == -1)
		rc = txn_fail(t, RSMGMT_InvalidParameter, "Invalid parameter: "
		    "certificate %s of the binding %s is no longer in the "
		    "certificate store, so its binding cannot be removed here "
		    "(remove bindings before certificates); clear the orphan "
		    "with 'httpcfg delete sslcert %s=%s' or 'rsconfig repair'",
		    b.certhash, ep, b.kind == BINDING_IPPORT ? "ipport" :
		    "hostnameport", ep);
	else
		certstore_info_fini(&ci);
	binding_ssl_fini(&b);
	return rc;
}

uint32_t
rsmgmt_remove_ssl_bindings(struct rsmgmt *m, const char *app,
    const char *hash, const char *ip, unsigned port,
    struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	struct txn		t;
	struct rs_err		e;
	char			ep[BINDING_ENDPOINT_MAX], other[32];
	enum binding_kind	kind;

	if (!mgmt_valid_app(app))
		return bad_app(r, app);
	if (wmi_endpoint(ip, port, ep, &kind, &e) == -1)
		return rsmgmt_err(r, RSMGMT_InvalidParameter, "Invalid "
		    "parameter: %s", e.msg);
	txn_begin(&t, m, res, r);
	if (remove_checks(&t, hash, ep) == -1)
		return txn_end(&t, "-");
	if (model_needs_endpoint(&m->model, ep, other, sizeof(other)) &&
	    strcmp(other, app) != 0) {
		if (txn_step(&t) == 0)
			txn_log(&t, "SSL binding %s kept: %s still serves HTTPS "
			    "there", ep, other);
	} else if (op_unbind(&t, ep) == 0)
		(void)op_reload(&t);
	return txn_end(&t, "the report server's use of the binding %s is "
	    "removed", ep);
}

uint32_t
rsmgmt_set_secure_connection_level(struct rsmgmt *m, int level,
    struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	struct txn	t;

	if (level < 0 || level > 3)
		return rsmgmt_err(r, RSMGMT_InvalidSecureConnectionLevel,
		    "SecureConnectionLevel %d is not 0..3 (0 off, 1 or more: "
		    "HTTPS required)", level);
	txn_begin(&t, m, res, r);
	if (txn_step(&t) == 0) {
		m->model.level = level;
		txn_log(&t, "SecureConnectionLevel set to %d%s", level,
		    level == 0 ? " (plain HTTP now takes sign-ins: passwords "
		    "would cross the network in clear)" : "");
		t.restart = true;	/* read at start */
		if (op_config_write(&t) == 0)
			(void)op_notify(&t);
	}
	return txn_end(&t, "SecureConnectionLevel is %d", level);
}

uint32_t
rsmgmt_list_reserved_urls(struct rsmgmt *m, struct rsmgmt_url **out,
    size_t *n, struct rsmgmt_result *r)
{
	struct binding_urlacl	acl;
	struct rs_err		e;
	size_t			cap = 0;

	*n = 0;
	for (size_t i = 0; i < m->model.napps; i++)
		cap += m->model.apps[i].n;
	*out = xcalloc(cap ? cap : 1, sizeof(**out));
	for (size_t i = 0; i < m->model.napps; i++) {
		const struct mapp *a = &m->model.apps[i];
		for (size_t j = 0; j < a->n; j++) {
			struct rsmgmt_url *u = &(*out)[(*n)++];
			str_copy(u->application, sizeof(u->application),
			    a->name);
			str_copy(u->url_string, sizeof(u->url_string),
			    a->urls[j]);
			str_copy(u->vdir, sizeof(u->vdir), a->vdir);
			(void)mgmt_prefix(a->urls[j], a->vdir, u->prefix,
			    sizeof(u->prefix), &e);
			str_copy(u->account, sizeof(u->account), m->account);
			snprintf(u->account_sid, sizeof(u->account_sid),
			    "S-1-22-1-%u", (unsigned)m->account_uid);
			if (binding_urlacl_get(m->bs, u->prefix, &acl,
			    &e) == 0) {
				u->in_store = true;
				str_copy(u->store_user, sizeof(u->store_user),
				    acl.user);
			}
		}
	}
	rsmgmt_ok(r, "%zu URLs", *n);
	return 0;
}

uint32_t
rsmgmt_set_service_identity(struct rsmgmt *m, const char *user,
    struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	struct rsmgmt_result	 rr;
	struct txn		 t;
	struct rs_err		 e;
	char			 old[BINDING_USER_MAX];
	uid_t			 old_uid = m->account_uid;

	str_copy(old, sizeof(old), m->account);
	if (rsmgmt_set_account(m, user, &rr) != 0)
		return rsmgmt_err(r, rr.hresult, "%s", rr.message);
	txn_begin(&t, m, res, r);
	for (size_t i = 0; i < m->model.napps && !t.failed; i++)
		for (size_t j = 0; j < m->model.apps[i].n && !t.failed; j++) {
			char pfx[MGMT_PREFIX_MAX];
			if (mgmt_prefix(m->model.apps[i].urls[j],
			    m->model.apps[i].vdir, pfx, sizeof(pfx), &e) == -1)
				continue;
			if (op_acl_del(&t, pfx) == 0)
				(void)op_acl_add(&t, pfx, m->account);
		}
	t.restart = true;	/* it must run as the new account */
	if (!t.failed)
		(void)do_commit(&t);
	if (t.failed || t.dry) {
		str_copy(m->account, sizeof(m->account), old);
		m->account_uid = old_uid;
	}
	return txn_end(&t, "the report server's URLs are reserved for %s",
	    user);
}
