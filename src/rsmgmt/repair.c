/*
 * repair.c: what drifted and what is orphaned, and the repair of it; and
 * renewal by name.
 *
 * Drift: rsreportserver.config's URLReservations is a representation of
 * the binding store.  A URL it lists that the store does not reserve (or
 * reserves for another user), an https URL without an SSL binding, or a
 * binding the report server owns that no URL needs is drift; a binding
 * whose certificate left My is an orphan (the seeds' "remove the
 * certificate first" trap).  Repair clears orphans, releases bindings no
 * URL needs, and makes the representation follow the store (the store is
 * the truth: a hand edit of URLReservations does nothing).
 *
 * Renewal by name: a binding whose follow_names is set moves to the
 * newest certificate in My that serves every one of those names and can
 * serve TLS, once that certificate is newer (a later notAfter) than the
 * bound one.  The old certificate stays in the store until someone
 * removes it.  The choice is renew_pick() (renew/); httpsvc runs
 * renew_apply() at the start of every reload, and rsconfig runs it on
 * every status and on 'rsconfig renew' for when httpsvc is not running.
 */
#include "rsmgmt/wmi_int.h"
#include "renew/renew.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PROBLEMS_MAX	256

static struct rsmgmt_problem *
add_problem(struct rsmgmt_problem *v, size_t *n)
{
	if (*n == PROBLEMS_MAX)
		return NULL;
	memset(&v[*n], 0, sizeof(v[*n]));
	return &v[(*n)++];
}

static void
url_problems(struct rsmgmt *m, struct rsmgmt_problem *v, size_t *n)
{
	struct rsmgmt_url	*u = NULL;
	struct rsmgmt_result	 r;
	struct rsmgmt_problem	*p;
	size_t			 nu = 0;

	if (rsmgmt_list_reserved_urls(m, &u, &nu, &r) != 0)
		return;
	for (size_t i = 0; i < nu; i++) {
		if (u[i].in_store && strcmp(u[i].store_user, m->account) == 0)
			continue;
		if ((p = add_problem(v, n)) == NULL)
			break;
		p->report_server = true;
		if (!u[i].in_store)
			mgmt_fmt(p->what, sizeof(p->what), "%s is in "
			    "rsreportserver.config but not reserved in the "
			    "binding store", u[i].prefix);
		else
			mgmt_fmt(p->what, sizeof(p->what), "%s is reserved "
			    "for %s, not for the report server's account %s",
			    u[i].prefix, u[i].store_user, m->account);
		if (!u[i].in_store)
			mgmt_fmt(p->fix, sizeof(p->fix), "'rsconfig repair' "
			    "drops it from the representation (the binding "
			    "store is the truth); to keep it, reserve it again "
			    "after that: 'rsconfig wmi ReserveURL "
			    "Application=%s UrlString=%s'", u[i].application,
			    u[i].url_string);
		else
			mgmt_fmt(p->fix, sizeof(p->fix), "'rsconfig "
			    "service-account %s' reserves every URL for the "
			    "account again", m->account);
	}
	free(u);
}

static void
binding_problems(struct rsmgmt *m, struct rsmgmt_problem *v, size_t *n)
{
	struct rsmgmt_binding	*b = NULL;
	struct rsmgmt_result	 r;
	struct rsmgmt_problem	*p;
	size_t			 nb = 0;

	if (rsmgmt_list_ssl_bindings(m, &b, &nb, &r) != 0)
		return;
	for (size_t i = 0; i < nb; i++) {
		if (b[i].error[0] == '\0' || (p = add_problem(v, n)) == NULL)
			continue;
		p->report_server = true;
		mgmt_fmt(p->what, sizeof(p->what), "binding %s: %s",
		    b[i].endpoint, b[i].error);
		if (b[i].cert_missing) {
			str_copy(p->endpoint, sizeof(p->endpoint),
			    b[i].endpoint);
			mgmt_fmt(p->fix, sizeof(p->fix), "'rsconfig repair' "
			    "deletes it (or: 'httpcfg delete sslcert %s=%s')",
			    strchr(b[i].ip, '.') || strchr(b[i].ip, ':') ?
			    "ipport" : "hostnameport", b[i].endpoint);
		} else if (!b[i].in_store)
			mgmt_fmt(p->fix, sizeof(p->fix), "bind a certificate: "
			    "'rsconfig web-service-url --https-cert THUMBPRINT "
			    "--apply'");
		else
			mgmt_fmt(p->fix, sizeof(p->fix), "'rsconfig repair' "
			    "releases it");
	}
	free(b);
}

/* Orphans of other applications: the same trap, someone else's binding. */
static void
foreign_orphans(struct rsmgmt *m, struct rsmgmt_problem *v, size_t *n)
{
	struct binding_ssl	*b = NULL;
	struct certstore_info	 ci;
	struct rsmgmt_problem	*p;
	struct rs_err		 e;
	size_t			 nb = 0;

	if (binding_ssl_list(m->bs, &b, &nb, &e) == -1)
		return;
	for (size_t i = 0; i < nb; i++) {
		bool mine = false;
		for (size_t k = 0; k < b[i].n_owners; k++)
			mine |= strcasecmp(b[i].owners[k], RSMGMT_APPID) == 0;
		if (mine || model_needs_endpoint(&m->model, b[i].endpoint,
		    NULL, 0))
			continue;
		if (certstore_get(m->cs, b[i].store[0] ? b[i].store :
		    CERTSTORE_MY, b[i].certhash, &ci, &e) == 0) {
			certstore_info_fini(&ci);
			continue;
		}
		if ((p = add_problem(v, n)) == NULL)
			break;
		str_copy(p->endpoint, sizeof(p->endpoint), b[i].endpoint);
		mgmt_fmt(p->what, sizeof(p->what), "binding %s of application "
		    "%s: certificate %s is no longer in the store (orphan)",
		    b[i].endpoint, b[i].appid, b[i].certhash);
		mgmt_fmt(p->fix, sizeof(p->fix), "'rsconfig repair --all' "
		    "deletes it (or: 'httpcfg delete sslcert %s=%s')", b[i].kind ==
		    BINDING_IPPORT ? "ipport" : "hostnameport", b[i].endpoint);
	}
	binding_ssl_list_free(b, nb);
}

uint32_t
rsmgmt_find_problems(struct rsmgmt *m, struct rsmgmt_problem **out,
    size_t *n, struct rsmgmt_result *r)
{
	*n = 0;
	*out = xcalloc(PROBLEMS_MAX, sizeof(**out));
	url_problems(m, *out, n);
	binding_problems(m, *out, n);
	foreign_orphans(m, *out, n);
	rsmgmt_ok(r, "%zu problems", *n);
	return 0;
}

/* Deletes an orphan binding outright (its certificate is gone). */
static int
drop_orphan(struct txn *t, const char *endpoint)
{
	struct binding_ssl	 b;
	struct rs_err		 e;
	struct undo		*u;

	if (txn_step(t) == -1)
		return -1;
	if (binding_ssl_get(t->m->bs, endpoint, &b, &e) == -1)
		return txn_fail_err(t, RSMGMT_UnknownError, &e);
	if (binding_ssl_del(t->m->bs, endpoint, &e) == -1) {
		binding_ssl_fini(&b);
		return txn_fail_err(t, RSMGMT_UnknownError, &e);
	}
	txn_log(t, "orphan SSL binding %s deleted (certificate %s was no "
	    "longer in the store)", endpoint, b.certhash);
	u = txn_undo_push(t, UNDO_OWNER_DELETED);
	if (u == NULL) {
		binding_ssl_fini(&b);
		return 0;
	}
	u->saved = b;
	u->deleted = true;
	return 0;
}

/*
 * The binding store is the truth: a URL the representation lists that the
 * store does not reserve (a hand edit, or a reservation deleted with
 * httpcfg) leaves the representation.  Hand edits do nothing.
 */
static int
follow_store(struct txn *t)
{
	struct rs_err	e;

	for (size_t i = 0; i < t->m->model.napps; i++) {
		struct mapp *a = &t->m->model.apps[i];
		for (size_t j = 0; j < a->n;) {
			struct binding_urlacl acl;
			char pfx[MGMT_PREFIX_MAX];
			if (mgmt_prefix(a->urls[j], a->vdir, pfx, sizeof(pfx),
			    &e) == -1 || binding_urlacl_get(t->m->bs, pfx,
			    &acl, &e) == 0) {
				j++;
				continue;
			}
			if (txn_step(t) == -1)
				return -1;
			txn_log(t, "%s removed from the representation: it is "
			    "not reserved in the binding store", pfx);
			model_url_del(a, a->urls[j]);
		}
	}
	return 0;
}

uint32_t
rsmgmt_repair(struct rsmgmt *m, bool all, struct rsmgmt_results *res,
    struct rsmgmt_result *r)
{
	struct rsmgmt_problem	*p = NULL;
	struct txn		 t;
	size_t			 n = 0, fixed = 0;

	(void)rsmgmt_find_problems(m, &p, &n, r);
	txn_begin(&t, m, res, r);
	for (size_t i = 0; i < n; i++)
		if (p[i].endpoint[0] != '\0' && (all || p[i].report_server)) {
			if (drop_orphan(&t, p[i].endpoint) == -1)
				goto out;
			fixed++;
		}
	if (follow_store(&t) == -1 || do_gc_bindings(&t) == -1)
		goto out;
	if (t.nundo > 0 || memcmp(&m->model, &t.before, sizeof(m->model)) != 0)
		(void)do_commit(&t);
out:
	free(p);
	return txn_end(&t, "%zu problems found, %zu orphan bindings cleared",
	    n, fixed);
}

static int
follow_one(struct txn *t, const struct binding_ssl *b,
    const struct certstore_info *v, size_t nv, size_t *moved)
{
	const struct certstore_info	*best = renew_pick(b, v, nv);
	struct binding_ssl		 nb;
	struct undo			*u;
	struct rs_err			 e;

	if (best == NULL)
		return 0;
	if (txn_step(t) == -1)
		return -1;
	nb = *b;
	str_copy(nb.certhash, sizeof(nb.certhash), best->thumbprint);
	if (binding_ssl_update(t->m->bs, &nb, &e) == -1)
		return txn_fail_err(t, RSMGMT_UnknownError, &e);
	txn_log(t, "SSL binding %s renewed by name (%s): certificate %s -> "
	    "%s; the old certificate stays in My", b->endpoint,
	    b->follow_names, b->certhash, best->thumbprint);
	if (!t->dry)
		log_info("binding %s renewed by name: %s -> %s", b->endpoint,
		    b->certhash, best->thumbprint);
	u = txn_undo_push(t, UNDO_BIND_UPDATED);
	if (u != NULL) {
		u->saved = *b;
		u->saved.owners = NULL;
		u->saved.n_owners = 0;
		u->saved.follow_names = NULL;
	}
	(*moved)++;
	return 0;
}

uint32_t
rsmgmt_follow_renewals(struct rsmgmt *m, size_t *moved,
    struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	struct binding_ssl	*b = NULL;
	struct certstore_info	*v = NULL;
	struct rs_err		 e;
	struct txn		 t;
	size_t			 nb = 0, nv = 0;

	*moved = 0;
	if (binding_ssl_list(m->bs, &b, &nb, &e) == -1)
		return rsmgmt_fail(r, &e);
	if (certstore_list(m->cs, CERTSTORE_MY, &v, &nv, &e) == -1) {
		binding_ssl_list_free(b, nb);
		return rsmgmt_fail(r, &e);
	}
	txn_begin(&t, m, res, r);
	for (size_t i = 0; i < nb; i++)
		if (b[i].follow_names != NULL && b[i].follow_names[0] != '\0' &&
		    follow_one(&t, &b[i], v, nv, moved) == -1)
			break;
	if (!t.failed && *moved > 0)
		(void)op_reload(&t);
	certstore_list_free(v, nv);
	binding_ssl_list_free(b, nb);
	return txn_end(&t, "%zu bindings renewed by name", *moved);
}
