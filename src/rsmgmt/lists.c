/*
 * lists.c: ListSSLCertificates (the HTTPS Certificate list, read live
 * from My every time: no restart needed to see a new certificate) and
 * ListSSLCertificateBindings (the union of the bindings the report server
 * owns in the store and those its https URLs need, each with what is
 * wrong with it).
 */
#include "rsmgmt/wmi_int.h"
#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void
problems_text(unsigned problems, char *out, size_t sz)
{
	out[0] = '\0';
	for (unsigned bit = 1; bit <= CERTSTORE_P_ALL; bit <<= 1)
		if (problems & bit) {
			if (out[0] != '\0')
				str_append(out, sz, ", ");
			str_append(out, sz, certstore_problem_text(bit));
		}
}

static void
fill_cert(struct rsmgmt *m, const struct certstore_info *ci,
    struct rsmgmt_cert *c)
{
	struct certstore_verify	v;
	struct rs_err		e;
	struct buf		b;
	const char		*cn = strstr(ci->subject, "CN=");

	str_copy(c->hash, sizeof(c->hash), ci->thumbprint);
	str_copy(c->subject, sizeof(c->subject), ci->subject);
	if (ci->friendly_name != NULL && ci->friendly_name[0] != '\0')
		str_copy(c->name, sizeof(c->name), ci->friendly_name);
	else
		mgmt_fmt(c->name, sizeof(c->name), "%.*s", cn != NULL ?
		    (int)strcspn(cn + 3, ",") : 0, cn != NULL ? cn + 3 : "");
	buf_init(&b, 0);
	for (size_t i = 0; i < ci->n_dns; i++)
		(void)buf_printf(&b, NULL, "%s%s", i ? ", " : "",
		    ci->dns_names[i]);
	c->host_names = b.data != NULL ? buf_take(&b, NULL) : xstrdup("");
	c->not_after = ci->not_after;
	c->days_left = ci->days_left;
	c->usable = ci->problems == 0;
	problems_text(ci->problems, c->problems, sizeof(c->problems));
	if (certstore_verify(m->cs, CERTSTORE_MY, ci->thumbprint, &v,
	    &e) == 0) {
		c->trusted = v.trusted;
		certstore_verify_fini(&v);
	}
}

uint32_t
rsmgmt_list_ssl_certificates(struct rsmgmt *m, bool usable_only,
    struct rsmgmt_cert **out, size_t *n, struct rsmgmt_result *r)
{
	struct certstore_info	*v = NULL;
	struct rs_err		 e;
	size_t			 nv = 0;

	*out = NULL;
	*n = 0;
	if (certstore_list(m->cs, CERTSTORE_MY, &v, &nv, &e) == -1)
		return rsmgmt_fail(r, &e);
	*out = xcalloc(nv ? nv : 1, sizeof(**out));
	for (size_t i = 0; i < nv; i++) {
		if (usable_only && (v[i].problems != 0 || !v[i].server_auth))
			continue;
		fill_cert(m, &v[i], &(*out)[(*n)++]);
	}
	certstore_list_free(v, nv);
	rsmgmt_ok(r, "%zu certificates", *n);
	return 0;
}

void
rsmgmt_certs_free(struct rsmgmt_cert *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i].host_names);
	free(v);
}

/* Splits an endpoint into its host (no brackets) and port. */
static void
split_ep(const char *ep, char *ip, size_t ipsz, unsigned *port)
{
	const char	*colon = strrchr(ep, ':');
	size_t		 len = (size_t)(colon - ep);
	uint64_t	 v = 0;

	if (ep[0] == '[')
		mgmt_fmt(ip, ipsz, "%.*s", (int)(len - 2), ep + 1);
	else
		mgmt_fmt(ip, ipsz, "%.*s", (int)len, ep);
	(void)str_parse_uint(colon + 1, 1, 65535, &v, "port", NULL);
	*port = (unsigned)v;
}

static void
fill_store_binding(struct rsmgmt *m, const struct binding_ssl *b,
    struct rsmgmt_binding *o)
{
	struct certstore_info	ci;
	struct rs_err		e;
	char			who[300];

	o->in_store = true;
	str_copy(o->endpoint, sizeof(o->endpoint), b->endpoint);
	str_copy(o->hash, sizeof(o->hash), b->certhash);
	split_ep(b->endpoint, o->ip, sizeof(o->ip), &o->port);
	for (size_t k = 0; k < b->n_owners; k++) {
		if (k > 0)
			str_append(o->owners, sizeof(o->owners), ", ");
		str_append(o->owners, sizeof(o->owners), b->owners[k]);
		if (strcasecmp(b->owners[k], RSMGMT_APPID) != 0)
			o->shared = true;
	}
	(void)model_needs_endpoint(&m->model, b->endpoint, o->application,
	    sizeof(o->application));
	if (certstore_get(m->cs, b->store[0] ? b->store : CERTSTORE_MY,
	    b->certhash, &ci, &e) == -1) {
		o->cert_missing = true;
		mgmt_fmt(o->error, sizeof(o->error), "certificate %s is no "
		    "longer in the store (orphan binding; 'rsconfig repair' "
		    "clears it)", b->certhash);
		return;
	}
	if (ci.problems != 0) {
		char why[200];
		problems_text(ci.problems, why, sizeof(why));
		mgmt_fmt(o->error, sizeof(o->error), "certificate: %s", why);
	} else if (o->application[0] == '\0' &&
	    !mgmt_needed_by_others(m, b, who, sizeof(who)))
		mgmt_fmt(o->error, sizeof(o->error), "no URL of the report "
		    "server needs it");
	certstore_info_fini(&ci);
}

static bool
listed(const struct rsmgmt_binding *v, size_t n, const char *ep)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].endpoint, ep) == 0)
			return true;
	return false;
}

/* Adds the endpoints the model needs that have no binding. */
static void
add_missing(struct rsmgmt *m, struct rsmgmt_binding *v, size_t *n,
    size_t cap)
{
	struct urlres_prefix	p;
	struct rs_err		e;
	char			eps[2][BINDING_ENDPOINT_MAX];
	enum binding_kind	kinds[2];

	for (size_t i = 0; i < m->model.napps; i++)
		for (size_t j = 0; j < m->model.apps[i].n; j++) {
			size_t k;
			if (urlres_parse(m->model.apps[i].urls[j], &p,
			    &e) == -1)
				continue;
			k = mgmt_url_endpoints(&p, eps, kinds);
			for (size_t x = 0; x < k && *n < cap; x++) {
				struct rsmgmt_binding *o;
				if (listed(v, *n, eps[x]))
					continue;
				/* 0.0.0.0 alone serves "+" (IPv4 clients), as
				 * the WMI's CreateSSLCertificateBinding makes */
				if (x == 1 && listed(v, *n, eps[0]))
					continue;
				o = &v[(*n)++];
				str_copy(o->endpoint, sizeof(o->endpoint),
				    eps[x]);
				split_ep(eps[x], o->ip, sizeof(o->ip),
				    &o->port);
				str_copy(o->application,
				    sizeof(o->application),
				    m->model.apps[i].name);
				mgmt_fmt(o->error, sizeof(o->error), "%s needs "
				    "an SSL binding here and there is none",
				    m->model.apps[i].urls[j]);
			}
		}
}

uint32_t
rsmgmt_list_ssl_bindings(struct rsmgmt *m, struct rsmgmt_binding **out,
    size_t *n, struct rsmgmt_result *r)
{
	struct binding_ssl	*v = NULL;
	struct rs_err		 e;
	size_t			 nv = 0, cap;

	*out = NULL;
	*n = 0;
	if (binding_ssl_list(m->bs, &v, &nv, &e) == -1)
		return rsmgmt_fail(r, &e);
	cap = nv + 2 * RSCONF_APPS_MAX * RSCONF_URLS_MAX;
	*out = xcalloc(cap, sizeof(**out));
	for (size_t i = 0; i < nv; i++) {
		bool mine = false;
		for (size_t k = 0; k < v[i].n_owners; k++)
			mine |= strcasecmp(v[i].owners[k], RSMGMT_APPID) == 0;
		if (mine || model_needs_endpoint(&m->model, v[i].endpoint,
		    NULL, 0))
			fill_store_binding(m, &v[i], &(*out)[(*n)++]);
	}
	binding_ssl_list_free(v, nv);
	add_missing(m, *out, n, cap);
	rsmgmt_ok(r, "%zu bindings", *n);
	return 0;
}
