/*
 * ops.c: the store primitives a transaction is made of.  Each is one
 * step: it checks, changes one thing through the binding store, the
 * certificate store or rsconf, logs its Results line and records how to
 * undo it.  A dry run does the same on copies of the stores (txn.c), so
 * its lines are the apply's; only httpsvc and the report server are not
 * told.
 *
 * Shared bindings: the report server's use of a binding is its appid in
 * the binding's owners.  A binding with the same certificate is reused
 * (one more owner); a binding of another certificate is changed only
 * when the report server is its only owner, and refused with
 * RsSSLBindingConflict otherwise; releasing drops only the report
 * server's ownership, so another application's binding is never removed.
 */
#include "rsmgmt/mgmt_int.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "reportserver/regstate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* "a, b" of a binding's owners other than the report server. */
static void
other_owners(const struct binding_ssl *b, char *out, size_t sz)
{
	out[0] = '\0';
	for (size_t i = 0; i < b->n_owners; i++) {
		if (strcasecmp(b->owners[i], RSMGMT_APPID) == 0)
			continue;
		if (out[0] != '\0')
			str_append(out, sz, ", ");
		str_append(out, sz, b->owners[i]);
	}
}

static bool
rs_owns(const struct binding_ssl *b)
{
	for (size_t i = 0; i < b->n_owners; i++)
		if (strcasecmp(b->owners[i], RSMGMT_APPID) == 0)
			return true;
	return false;
}

/* Moves *b into a new undo record (or frees it when the log is full). */
static void
push_saved(struct txn *t, enum undo_kind k, struct binding_ssl *b,
    bool deleted)
{
	struct undo	*u = txn_undo_push(t, k);

	if (u == NULL) {
		binding_ssl_fini(b);
		return;
	}
	u->saved = *b;
	u->deleted = deleted;
	str_copy(u->a, sizeof(u->a), b->endpoint);
	memset(b, 0, sizeof(*b));
}

int
op_cert_check(struct txn *t, const char *input, char hash[41],
    struct certstore_info *ci)
{
	struct certstore_verify	v;
	struct rs_err		e;
	char			when[32];
	struct tm		tm;

	if (txn_step(t) == -1)
		return -1;
	if (certstore_resolve(t->m->cs, CERTSTORE_MY, input, hash, &e) == -1)
		return txn_fail(t, RSMGMT_SslCertificateNotFound, "certificate "
		    "%s: %s; see 'rsconfig certificates'", input, e.msg);
	if (certstore_verify(t->m->cs, CERTSTORE_MY, hash, &v, &e) == -1)
		return txn_fail_err(t, RSMGMT_SslCertificateNotFound, &e);
	if (v.info.problems != 0) {
		char why[300] = "";
		for (unsigned bit = 1; bit <= CERTSTORE_P_ALL; bit <<= 1)
			if (v.info.problems & bit) {
				if (why[0] != '\0')
					str_append(why, sizeof(why), ", ");
				str_append(why, sizeof(why),
				    certstore_problem_text(bit));
			}
		certstore_verify_fini(&v);
		return txn_fail(t, RSMGMT_RsInvalidSSLCertificate, "certificate "
		    "%s cannot serve HTTPS: %s", hash, why);
	}
	gmtime_r(&v.info.not_after, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d", &tm);
	txn_log(t, "certificate %s checked: %s, private key present, valid "
	    "for server authentication, expires %s (%ld days), %s", hash,
	    v.info.subject, when, v.info.days_left, v.trusted ? "trusted" :
	    "not trusted by the Root store");
	*ci = v.info;
	memset(&v.info, 0, sizeof(v.info));
	certstore_verify_fini(&v);
	return 0;
}

int
op_acl_add(struct txn *t, const char *prefix, const char *user)
{
	struct binding_urlacl	acl;
	struct rs_err		e;
	struct undo		*u;

	if (txn_step(t) == -1)
		return -1;
	if (binding_urlacl_get(t->m->bs, prefix, &acl, &e) == 0) {
		if (strcmp(acl.user, user) != 0)
			return txn_fail(t, RSMGMT_RsUrlAlreadyReservedDifferentName,
			    "cannot reserve %s: it is reserved for user %s; "
			    "remove that reservation with 'httpcfg delete "
			    "urlacl url=%s' or choose another URL", prefix,
			    acl.user, acl.url);
		txn_log(t, "URL %s already reserved for %s (kept)", prefix,
		    user);
		return 0;
	}
	if (e.code != RS_E_NOTFOUND)
		return txn_fail_err(t, RSMGMT_UnknownError, &e);
	if (binding_urlacl_add(t->m->bs, prefix, user, &e) == -1)
		return txn_fail_err(t, e.code == RS_E_EXISTS ?
		    RSMGMT_RsURLAlreadyReserved : RSMGMT_InvalidParameter, &e);
	txn_log(t, "URL %s reserved for %s", prefix, user);
	u = txn_undo_push(t, UNDO_ACL_ADDED);
	if (u != NULL)
		str_copy(u->a, sizeof(u->a), prefix);
	return 0;
}

int
op_acl_del(struct txn *t, const char *prefix)
{
	struct binding_urlacl	acl;
	struct rs_err		e;
	struct undo		*u;

	if (txn_step(t) == -1)
		return -1;
	if (binding_urlacl_get(t->m->bs, prefix, &acl, &e) == -1) {
		if (e.code != RS_E_NOTFOUND)
			return txn_fail_err(t, RSMGMT_UnknownError, &e);
		txn_log(t, "URL %s was not in the binding store (nothing to "
		    "remove)", prefix);
		return 0;
	}
	if (binding_urlacl_del(t->m->bs, prefix, &e) == -1)
		return txn_fail_err(t, RSMGMT_UnknownError, &e);
	txn_log(t, "URL reservation %s removed", acl.url);
	u = txn_undo_push(t, UNDO_ACL_DELETED);
	if (u != NULL) {
		str_copy(u->a, sizeof(u->a), acl.url);
		str_copy(u->b, sizeof(u->b), acl.user);
	}
	return 0;
}

static int
bind_new(struct txn *t, const char *endpoint, enum binding_kind kind,
    const char *hash)
{
	struct binding_ssl	b = { .kind = kind };
	struct rs_err		e;
	struct undo		*u;

	str_copy(b.endpoint, sizeof(b.endpoint), endpoint);
	str_copy(b.certhash, sizeof(b.certhash), hash);
	str_copy(b.store, sizeof(b.store), CERTSTORE_MY);
	str_copy(b.appid, sizeof(b.appid), RSMGMT_APPID);
	if (binding_ssl_add(t->m->bs, &b, &e) == -1)
		return txn_fail_err(t, RSMGMT_RsSSLBindingConflict, &e);
	txn_log(t, "SSL binding %s created: certificate %s, application "
	    "%s", endpoint, hash, RSMGMT_APPID);
	u = txn_undo_push(t, UNDO_BIND_ADDED);
	if (u != NULL)
		str_copy(u->a, sizeof(u->a), endpoint);
	return 0;
}

/* A binding exists at the endpoint: reuse, change or refuse it. */
static int
bind_existing(struct txn *t, struct binding_ssl *b, const char *hash)
{
	struct binding_ssl	nb;
	struct rs_err		e;
	char			others[BINDING_OWNERS_MAX * 8] = "";
	struct undo		*u;

	other_owners(b, others, sizeof(others));
	if (strcasecmp(b->certhash, hash) == 0) {
		if (rs_owns(b)) {
			txn_log(t, "SSL binding %s already in place: "
			    "certificate %s (kept)", b->endpoint, hash);
			return 0;
		}
		if (binding_ssl_owner_add(t->m->bs, b->endpoint,
		    RSMGMT_APPID, &e) == -1)
			return txn_fail_err(t, RSMGMT_RsSSLBindingConflict, &e);
		txn_log(t, "SSL binding %s reused: certificate %s is already "
		    "bound there by %s; the report server is now a second "
		    "owner", b->endpoint, hash, others);
		u = txn_undo_push(t, UNDO_OWNER_ADDED);
		if (u != NULL)
			str_copy(u->a, sizeof(u->a), b->endpoint);
		return 0;
	}
	if (others[0] != '\0')
		return txn_fail(t, RSMGMT_RsSSLBindingConflict, "cannot bind "
		    "certificate %s to %s: application %s already binds "
		    "certificate %s there; choose that certificate to share "
		    "the binding, or another port", hash, b->endpoint, others,
		    b->certhash);
	nb = *b;
	str_copy(nb.certhash, sizeof(nb.certhash), hash);
	str_copy(nb.store, sizeof(nb.store), CERTSTORE_MY);
	if (binding_ssl_update(t->m->bs, &nb, &e) == -1)
		return txn_fail_err(t, RSMGMT_UnknownError, &e);
	txn_log(t, "SSL binding %s changed from certificate %s to %s",
	    b->endpoint, b->certhash, hash);
	push_saved(t, UNDO_BIND_UPDATED, b, false);
	return 0;
}

static int
set_follow(struct txn *t, const char *endpoint, const char *follow)
{
	struct binding_ssl	b;
	struct rs_err		e;

	if (binding_ssl_get(t->m->bs, endpoint, &b, &e) == -1)
		return txn_fail_err(t, RSMGMT_UnknownError, &e);
	if (b.follow_names != NULL && strcmp(b.follow_names, follow) == 0) {
		binding_ssl_fini(&b);
		return 0;
	}
	if (binding_ssl_set_follow(t->m->bs, endpoint, follow,
	    &e) == -1) {
		binding_ssl_fini(&b);
		return txn_fail_err(t, RSMGMT_UnknownError, &e);
	}
	txn_log(t, "SSL binding %s follows the names %s (renewal by name)",
	    endpoint, follow);
	push_saved(t, UNDO_FOLLOW_SET, &b, false);
	return 0;
}

int
op_bind(struct txn *t, const char *endpoint, enum binding_kind kind,
    const char *hash, const char *follow)
{
	struct binding_ssl	b;
	struct rs_err		e;
	int			rc;

	if (txn_step(t) == -1)
		return -1;
	if (binding_ssl_get(t->m->bs, endpoint, &b, &e) == -1) {
		if (e.code != RS_E_NOTFOUND)
			return txn_fail_err(t, RSMGMT_UnknownError, &e);
		rc = bind_new(t, endpoint, kind, hash);
	} else {
		rc = bind_existing(t, &b, hash);
		binding_ssl_fini(&b);
	}
	if (rc == 0 && follow != NULL && follow[0] != '\0')
		rc = set_follow(t, endpoint, follow);
	return rc;
}

/* Is prefix one of the report server's own reservations (the model)? */
static bool
rs_prefix(const struct mmodel *mm, const struct urlres_prefix *p)
{
	struct urlres_prefix	q;
	struct rs_err		e;
	char			pfx[MGMT_PREFIX_MAX];

	for (size_t i = 0; i < mm->napps; i++)
		for (size_t j = 0; j < mm->apps[i].n; j++)
			if (mgmt_prefix(mm->apps[i].urls[j], mm->apps[i].vdir,
			    pfx, sizeof(pfx), &e) == 0 &&
			    urlres_parse(pfx, &q, &e) == 0 && urlres_same(p, &q))
				return true;
	return false;
}

/* Does another application own a binding on the same port as b? */
static bool
others_bound_port(struct binding_store *bs, const struct binding_ssl *b)
{
	struct binding_ssl	*v = NULL;
	struct rs_err		 e;
	const char		*colon = strrchr(b->endpoint, ':');
	size_t			 n = 0;
	bool			 found = false;

	if (binding_ssl_list(bs, &v, &n, &e) == -1)
		return true;	/* cannot tell: do not keep on a guess */
	for (size_t i = 0; i < n && !found; i++) {
		const char *c = strrchr(v[i].endpoint, ':');
		if (strcmp(v[i].endpoint, b->endpoint) == 0 || c == NULL ||
		    strcmp(c, colon) != 0)
			continue;
		for (size_t k = 0; k < v[i].n_owners; k++)
			found |= strcasecmp(v[i].owners[k], RSMGMT_APPID) != 0;
	}
	binding_ssl_list_free(v, n);
	return found;
}

/*
 * Another application's https reservation that only this binding serves
 * (the other application shares it without having recorded itself as an
 * owner, e.g. its 'httpcfg add sslcert' met 183, and has no binding of
 * its own on that port): the binding must stay.  Writes that reservation
 * into who.
 */
bool
mgmt_needed_by_others(struct rsmgmt *m, const struct binding_ssl *b,
    char *who, size_t whosz)
{
	struct binding_urlacl	*v = NULL;
	struct urlres_prefix	 p;
	struct rs_err		 e;
	const char		*colon = strrchr(b->endpoint, ':');
	size_t			 n = 0;
	bool			 found = false;

	if (colon == NULL || others_bound_port(m->bs, b) ||
	    binding_urlacl_list(m->bs, &v, &n, &e) == -1)
		return false;
	for (size_t i = 0; i < n && !found; i++) {
		char port[8];
		if (urlres_parse(v[i].url, &p, &e) == -1 ||
		    strcmp(p.scheme, "https") != 0 || rs_prefix(&m->model, &p))
			continue;
		snprintf(port, sizeof(port), "%u", p.port);
		if (strcmp(colon + 1, port) != 0)
			continue;
		if (b->kind == BINDING_HOSTNAMEPORT && !(p.kind == URLRES_HOST &&
		    strncasecmp(b->endpoint, p.host, strlen(p.host)) == 0 &&
		    b->endpoint + strlen(p.host) == colon))
			continue;
		mgmt_fmt(who, whosz, "%s (user %s)", v[i].url, v[i].user);
		found = true;
	}
	free(v);
	return found;
}

int
op_unbind(struct txn *t, const char *endpoint)
{
	struct binding_ssl	b;
	struct rs_err		e;
	char			others[BINDING_OWNERS_MAX * 8];
	bool			gone = false;

	if (txn_step(t) == -1)
		return -1;
	if (binding_ssl_get(t->m->bs, endpoint, &b, &e) == -1) {
		if (e.code != RS_E_NOTFOUND)
			return txn_fail_err(t, RSMGMT_UnknownError, &e);
		txn_log(t, "SSL binding %s not found (nothing to release)",
		    endpoint);
		return 0;
	}
	other_owners(&b, others, sizeof(others));
	if (!rs_owns(&b)) {
		txn_log(t, "SSL binding %s belongs to %s, not to the report "
		    "server (left alone)", endpoint, others);
		binding_ssl_fini(&b);
		return 0;
	}
	if (others[0] == '\0' && mgmt_needed_by_others(t->m, &b, others,
	    sizeof(others))) {
		txn_log(t, "SSL binding %s kept: %s still serves HTTPS over it; "
		    "its application should record itself as an owner",
		    endpoint, others);
		binding_ssl_fini(&b);
		return 0;
	}
	if (binding_ssl_owner_del(t->m->bs, endpoint, RSMGMT_APPID,
	    &gone, &e) == -1) {
		binding_ssl_fini(&b);
		return txn_fail_err(t, RSMGMT_UnknownError, &e);
	}
	if (others[0] == '\0')
		txn_log(t, "SSL binding %s removed (certificate %s; the report "
		    "server was its only owner)", endpoint, b.certhash);
	else
		txn_log(t, "SSL binding %s released; it stays for %s", endpoint,
		    others);
	push_saved(t, UNDO_OWNER_DELETED, &b, others[0] == '\0');
	return 0;
}

int
op_config_write(struct txn *t)
{
	struct rs_err	 e;
	struct undo	*u;
	char		*old;
	size_t		 len = 0, nurls = 0;

	if (txn_step(t) == -1)
		return -1;
	for (size_t i = 0; i < t->m->model.napps; i++)
		nurls += t->m->model.apps[i].n;
	old = fs_read_file(t->m->cfg_path, RSCONF_MAX_BYTES, &len, &e);
	if (old == NULL && e.code != RS_E_NOTFOUND)
		return txn_fail_err(t, RSMGMT_BadConfigurationFile, &e);
	if (mgmt_save(t->m, &e) == -1) {
		free(old);
		(void)mgmt_reload(t->m, &e);
		return txn_fail_err(t, RSMGMT_BadConfigurationFile, &e);
	}
	txn_log(t, "configuration representation written to %s "
	    "(URLReservations: %zu URLs)", t->dry ? t->scratch.real_cfg :
	    t->m->cfg_path, nurls);
	u = txn_undo_push(t, UNDO_CONFIG);
	if (u == NULL) {
		free(old);
		return 0;
	}
	u->text = old;
	u->len = len;
	return 0;
}

static int
restart_rs(struct txn *t, int pid)
{
	struct rsmgmt_result	r;

	if (t->dry) {
		txn_log(t, "report server (pid %d) restarted to take the "
		    "change", pid);
		return 0;
	}
	txn_undo_push(t, UNDO_RESTARTED);
	if (mgmt_rs_restart(t->m, &r) != 0)
		return txn_fail(t, r.hresult, "cannot restart the report "
		    "server: %s", r.message);
	txn_log(t, "report server (pid %d) restarted to take the change: %s",
	    pid, r.message);
	t->undo[t->nundo - 1].step = t->res->n - 1;
	return 0;
}

static bool
listed(char (*v)[MGMT_PREFIX_MAX], size_t n, const char *url)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(v[i], url) == 0)
			return true;
	return false;
}

/* One line per URL: what the report server serves now, and no longer. */
static int
say_served(struct txn *t, int pid, const struct rs_regstate *st,
    char (*want)[MGMT_PREFIX_MAX], size_t n, bool svc_up)
{
	char	old[RSCONF_APPS_MAX * RSCONF_URLS_MAX][MGMT_PREFIX_MAX];
	size_t	nold = model_prefixes(&t->before, old, nitems(old));

	for (size_t i = 0; i < n; i++) {
		const struct rs_regstate_url *u = st != NULL ?
		    rs_regstate_find(st, want[i]) : NULL;
		if (u != NULL && u->state == RS_REG_FAILED)
			return txn_fail(t, RSMGMT_RsURLAlreadyReserved, "httpsvc "
			    "refused the report server's registration of %s: "
			    "%s (error %d)", want[i], u->msg, u->code);
		if (u != NULL && u->state == RS_REG_SKIPPED)
			txn_log(t, "report server (pid %d) does not register "
			    "%s: %s", pid, want[i], u->msg);
		else if (svc_up)
			txn_log(t, "report server (pid %d) serves %s", pid,
			    want[i]);
		else
			txn_log(t, "report server (pid %d) serves %s once "
			    "httpsvc runs (httpsvc is not running)", pid,
			    want[i]);
	}
	for (size_t i = 0; i < nold; i++)
		if (!listed(want, n, old[i]))
			txn_log(t, "report server (pid %d) no longer serves %s",
			    pid, old[i]);
	return 0;
}

/*
 * The running report server takes the change live: SIGHUP, and its
 * acknowledgement (the registrations file) before the lines are logged.
 */
static int
resync_rs(struct txn *t, int pid)
{
	char			 want[RSCONF_APPS_MAX * RSCONF_URLS_MAX][
				    MGMT_PREFIX_MAX], why[500], w[80];
	struct rs_regstate	*st;
	size_t			 n = model_prefixes(&t->m->model, want,
				    nitems(want));
	bool			 up = mgmt_httpsvc_up(t->m);
	int			 rc;

	if (t->dry)
		return say_served(t, pid, NULL, want, n, up);
	st = xcalloc(1, sizeof(*st));
	txn_undo_push(t, UNDO_RESYNCED);
	if (mgmt_rs_resync(t->m, pid, want, n, st, why, sizeof(why)) == -1)
		rc = txn_fail(t, RSMGMT_RsServerConfigurationError, "the "
		    "report server did not take the change: %s; see %s", why,
		    mgmt_log_where(w, sizeof(w)));
	else
		rc = say_served(t, pid, st, want, n, up);
	if (t->nundo > 0 && t->res->n > 0)
		t->undo[t->nundo - 1].step = t->res->n - 1;
	free(st);
	return rc;
}

/* The running report server takes the change; or its absence is said. */
static int
notify_rs(struct txn *t)
{
	int	pid;

	if (txn_step(t) == -1)
		return -1;
	if (mgmt_rs_running(t->m, &pid) != 1) {
		txn_log(t, "report server is not running; it serves these URLs "
		    "when it starts: 'rsconfig start'");
		return 0;
	}
	return t->restart ? restart_rs(t, pid) : resync_rs(t, pid);
}

int
op_reload(struct txn *t)
{
	struct rs_err	e;
	int		rc;

	if (txn_step(t) == -1)
		return -1;
	if (t->dry)
		rc = mgmt_httpsvc_up(t->m) ? 1 : 0;
	else
		rc = binding_notify_reload(t->m->root, &e);
	if (rc == -1)
		return txn_fail(t, RSMGMT_RsServerConfigurationError,
		    "httpsvc refused the change: %s", e.msg);
	if (rc == 0)
		txn_log(t, "httpsvc is not running; it reads the change when "
		    "it starts");
	else
		txn_log(t, "httpsvc reloaded: the change serves the next "
		    "connection");
	return 0;
}

int
op_notify(struct txn *t)
{
	if (op_reload(t) == -1)
		return -1;
	return notify_rs(t);
}
