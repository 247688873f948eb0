/*
 * snapshot.c: (re)loading the configuration.  A reload reads the binding
 * store (bindings and URL ACLs), builds one SSL_CTX per binding (tls/),
 * works out the listeners they need and opens the new ones.  Only when all
 * of that succeeded does it swap the TLS set, the reservations, the
 * routing table and the listener list in; on any failure it closes what
 * it opened, keeps the old state and says why.  Requests in flight keep
 * the references they hold, so a reload never fails one; connections on
 * a binding that the reload removed are closed after their requests
 * (retire.c).  Each reload first moves the bindings that follow their
 * names to a renewed certificate (renew/), so a renewal serves without
 * anyone rebinding.
 */
#include "httpsvc/httpsvc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "renew/renew.h"

struct need {
	char		addr[64];
	uint16_t	port;
	bool		tls;
};

struct needs {
	struct need	v[HTTPSVC_LISTENERS_MAX];
	size_t		n;
	bool		overflow;
};

void
svc_snapshot_fini(struct snapshot *s)
{
	binding_ssl_list_free(s->bindings, s->n_bindings);
	free(s->acls);
	free(s->acl_users);
	free(s->expiring);
	memset(s, 0, sizeof(*s));
}

/* Splits "ip:port", "[v6]:port" or "host:port" into host and port. */
static int
split_endpoint(const char *ep, char *host, size_t hostsz, uint16_t *port)
{
	const char	*colon = strrchr(ep, ':');
	uint64_t	 v;
	size_t		 len;

	if (colon == NULL || str_parse_uint(colon + 1, 1, 65535, &v, "port",
	    NULL) == -1)
		return -1;
	*port = (uint16_t)v;
	len = (size_t)(colon - ep);
	if (len >= 2 && ep[0] == '[' && ep[len - 1] == ']') {
		ep++;
		len -= 2;
	}
	if (len >= hostsz)
		return -1;
	memcpy(host, ep, len);
	host[len] = '\0';
	return 0;
}

static void
need_add(struct needs *nd, const char *addr, uint16_t port, bool tls)
{
	for (size_t i = 0; i < nd->n; i++)
		if (nd->v[i].port == port && strcmp(nd->v[i].addr, addr) == 0) {
			nd->v[i].tls |= tls;
			return;
		}
	if (nd->n == HTTPSVC_LISTENERS_MAX) {
		nd->overflow = true;
		return;
	}
	str_copy(nd->v[nd->n].addr, sizeof(nd->v[nd->n].addr), addr);
	nd->v[nd->n].port = port;
	nd->v[nd->n].tls = tls;
	nd->n++;
}

static bool
is_wild(const char *addr)
{
	return strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0;
}

/*
 * A port with any wildcard need (a "+", "*" or host-name reservation, a
 * 0.0.0.0 / [::] or host-name binding) listens on 0.0.0.0 and :: only;
 * otherwise on each IP named.  A port is HTTPS when any binding or https
 * reservation names it.
 */
static void
needs_finish(struct needs *nd)
{
	struct needs	out = { .n = 0 };

	for (size_t i = 0; i < nd->n; i++) {
		bool	wild = false, tls = false;

		for (size_t j = 0; j < nd->n; j++)
			if (nd->v[j].port == nd->v[i].port) {
				wild |= is_wild(nd->v[j].addr);
				tls |= nd->v[j].tls;
			}
		if (wild) {
			need_add(&out, "0.0.0.0", nd->v[i].port, tls);
			need_add(&out, "::", nd->v[i].port, tls);
		} else
			need_add(&out, nd->v[i].addr, nd->v[i].port, tls);
	}
	out.overflow = nd->overflow || out.overflow;
	*nd = out;
}

/* HTTP.sys does not mix http and https on a port; neither do we. */
static void
warn_mixed(const struct snapshot *s, const struct needs *nd)
{
	char	text[URLRES_TEXT_MAX];

	for (size_t i = 0; i < s->n_acls; i++) {
		if (strcmp(s->acls[i].scheme, "http") != 0)
			continue;
		for (size_t j = 0; j < nd->n; j++)
			if (nd->v[j].port == s->acls[i].port && nd->v[j].tls) {
				urlres_format(&s->acls[i], text, sizeof(text));
				log_warn("URL reservation %s can never match: "
				    "port %u is HTTPS (a binding or an https "
				    "reservation names it)", text,
				    s->acls[i].port);
				break;
			}
	}
}

static int
compute_needs(const struct snapshot *s, struct needs *nd, struct rs_err *e)
{
	char		host[BINDING_ENDPOINT_MAX];
	uint16_t	port;

	nd->n = 0;
	nd->overflow = false;
	for (size_t i = 0; i < s->n_bindings; i++) {
		if (split_endpoint(s->bindings[i].endpoint, host, sizeof(host),
		    &port) == -1)
			return rs_err_set(e, RS_E_CONFIG,
			    "binding %s: malformed endpoint",
			    s->bindings[i].endpoint);
		need_add(nd, s->bindings[i].kind == BINDING_IPPORT ? host :
		    "0.0.0.0", port, true);
	}
	for (size_t i = 0; i < s->n_acls; i++) {
		const struct urlres_prefix *p = &s->acls[i];
		need_add(nd, p->kind == URLRES_IP ? p->host : "0.0.0.0",
		    p->port, strcmp(p->scheme, "https") == 0);
	}
	needs_finish(nd);
	warn_mixed(s, nd);
	if (nd->overflow)
		return rs_err_set(e, RS_E_LIMIT, "more than %d listening "
		    "addresses are needed", HTTPSVC_LISTENERS_MAX);
	return 0;
}

static int
load_acls(struct svc *svc, struct snapshot *s, struct rs_err *e)
{
	struct binding_urlacl	*acl = NULL;
	size_t			 n = 0;

	if (binding_urlacl_list(svc->bs, &acl, &n, e) == -1)
		return -1;
	s->acls = xcalloc(n ? n : 1, sizeof(*s->acls));
	s->acl_users = xcalloc(n ? n : 1, sizeof(*s->acl_users));
	for (size_t i = 0; i < n; i++) {
		if (urlres_parse(acl[i].url, &s->acls[i], e) == -1) {
			rs_err_prefix(e, "URL reservation %s", acl[i].url);
			free(acl);
			return -1;
		}
		str_copy(s->acl_users[i], sizeof(s->acl_users[i]),
		    acl[i].user);
		s->n_acls = i + 1;
	}
	free(acl);
	return 0;
}

/*
 * Notes every orphan binding (its certificate left the store: it is kept
 * so its endpoint refuses handshakes, and the rest of the configuration
 * loads) and every bound certificate that expires within 30 days.
 */
static void
note_warnings(struct svc *svc, struct snapshot *s, const struct tls_set *set)
{
	struct certstore_info	 ci;
	struct rs_err		 e;

	s->expiring = xcalloc(s->n_bindings ? s->n_bindings : 1,
	    sizeof(*s->expiring));
	for (size_t i = 0; i < s->n_bindings; i++) {
		const struct binding_ssl *b = &s->bindings[i];
		if (tls_set_orphan(set, i)) {
			snprintf(s->expiring[s->n_expiring++],
			    sizeof(s->expiring[0]), "binding %s: certificate "
			    "%s is not in the %s store; its handshakes are "
			    "refused until it is bound to a certificate in "
			    "the store ('httpcfg update sslcert %s=%s "
			    "certhash=THUMBPRINT appid=%s')",
			    b->endpoint, b->certhash,
			    b->store[0] ? b->store : "My",
			    b->kind == BINDING_IPPORT ? "ipport" : "hostnameport",
			    b->endpoint, b->appid);
			continue;
		}
		if (certstore_get(svc->cs, b->store[0] ? b->store : "My",
		    b->certhash, &ci, &e) == -1)
			continue;
		if (ci.days_left < HTTPSVC_EXPIRY_WARN_DAYS)
			snprintf(s->expiring[s->n_expiring++],
			    sizeof(s->expiring[0]), "binding %s: certificate "
			    "%s expires in %ld days", b->endpoint, b->certhash,
			    ci.days_left);
		certstore_info_fini(&ci);
	}
}

static struct listener *
find_listener(struct listener *v, size_t n, const char *addr, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].port == port && strcmp(v[i].addr, addr) == 0)
			return &v[i];
	return NULL;
}

static bool
port_tls(const struct needs *nd, uint16_t port)
{
	for (size_t i = 0; i < nd->n; i++)
		if (nd->v[i].port == port && nd->v[i].tls)
			return true;
	return false;
}

static bool
inherited_port(const struct svc *svc, uint16_t port)
{
	for (size_t i = 0; i < svc->n_lis; i++)
		if (svc->lis[i].inherited && svc->lis[i].port == port)
			return true;
	return false;
}

/*
 * Builds the new listener list in nl.  Sockets from systemd are always
 * kept and serve every need on their port (systemd decides the
 * addresses then); other existing sockets are kept when still needed;
 * new ones are opened.  An IPv6 wildcard that cannot open (no IPv6 here)
 * is skipped with a warning.  On failure closes what it opened.
 */
static int
open_listeners(struct svc *svc, const struct needs *nd, struct listener *nl,
    size_t *nn, struct rs_err *e)
{
	struct listener	*old;
	int		 fd;

	*nn = 0;
	for (size_t i = 0; i < svc->n_lis; i++)
		if (svc->lis[i].inherited) {
			nl[*nn] = svc->lis[i];
			nl[(*nn)++].tls = port_tls(nd, svc->lis[i].port);
		}
	for (size_t i = 0; i < nd->n; i++) {
		const struct need *w = &nd->v[i];
		struct listener *l = &nl[*nn];
		if (inherited_port(svc, w->port))
			continue;
		old = find_listener(svc->lis, svc->n_lis, w->addr, w->port);
		if (old != NULL) {
			*l = *old;
			l->tls = w->tls;
			(*nn)++;
			continue;
		}
		fd = svc_listen_open(w->addr, w->port, e);
		if (fd == -1 && strcmp(w->addr, "::") == 0) {
			log_warn("%s; serving IPv4 only on port %u", e->msg,
			    w->port);
			continue;
		}
		if (fd == -1)
			goto fail;
		memset(l, 0, sizeof(*l));
		l->id = ++svc->next_lis_id;
		l->fd = fd;
		str_copy(l->addr, sizeof(l->addr), w->addr);
		l->port = w->port;
		l->tls = w->tls;
		(*nn)++;
	}
	return 0;
fail:
	for (size_t i = 0; i < *nn; i++)
		if (find_listener(svc->lis, svc->n_lis, nl[i].addr,
		    nl[i].port) == NULL)
			close(nl[i].fd);
	return -1;
}

/* Swaps the listener list in and closes the sockets no longer needed. */
static void
commit_listeners(struct svc *svc, struct listener *nl, size_t nn)
{
	struct listener	old[HTTPSVC_LISTENERS_MAX];
	size_t		nold;

	pthread_mutex_lock(&svc->lis_lock);
	nold = svc->n_lis;
	memcpy(old, svc->lis, nold * sizeof(*old));
	memcpy(svc->lis, nl, nn * sizeof(*nl));
	svc->n_lis = nn;
	svc->lis_gen++;
	pthread_mutex_unlock(&svc->lis_lock);
	for (size_t i = 0; i < nold; i++)
		if (find_listener(nl, nn, old[i].addr, old[i].port) == NULL) {
			log_info("stopped listening on %s:%u", old[i].addr,
			    old[i].port);
			close(old[i].fd);
		}
	svc_workers_notify(svc);
}

static void
log_move(void *arg, const char *endpoint, const char *from, const char *to)
{
	(void)arg;
	log_info("binding %s renewed by name: %s -> %s", endpoint, from, to);
}

/*
 * Renewal by name (issue 5): bindings that follow their certificate's
 * names move to a newer valid certificate for those names as soon as it
 * is in My, without anyone running rsconfig.  Each move is one update in
 * the binding store, made before the generations are read, so this
 * reload serves it.  A failure is logged and the bindings stay.
 */
static void
renew(struct svc *svc)
{
	struct rs_err	e;
	size_t		moved = 0;

	if (renew_apply(svc->bs, svc->cs, log_move, NULL, &moved, &e) == -1)
		log_warn("renewal by name: %s; the bindings stay on their "
		    "certificates", e.msg);
}

static int
build(struct svc *svc, struct snapshot *ns, struct tls_set **set,
    struct listener *nl, size_t *nn, struct rs_err *e)
{
	struct needs	*nd;
	int		 rv = -1;

	renew(svc);
	ns->bgen = binding_store_generation(svc->bs, e);
	if (ns->bgen == 0)
		return -1;
	ns->cgen = certstore_generation(svc->cs);
	svc->tried_bgen = ns->bgen;
	svc->tried_cgen = ns->cgen;
	if (binding_ssl_list(svc->bs, &ns->bindings, &ns->n_bindings, e) == -1)
		return -1;
	if (load_acls(svc, ns, e) == -1)
		return -1;
	*set = tls_set_new(ns->bindings, ns->n_bindings, svc->cs, svc->tset,
	    e);
	if (*set == NULL)
		return -1;
	nd = xmalloc(sizeof(*nd));
	if (compute_needs(ns, nd, e) == 0 &&
	    open_listeners(svc, nd, nl, nn, e) == 0)
		rv = 0;
	free(nd);
	return rv;
}

static void
notify_reloading(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ull +
	    (unsigned long long)ts.tv_nsec / 1000);
}

int
svc_reload(struct svc *svc, const char *why, struct rs_err *e)
{
	struct snapshot	 ns = { 0 };
	struct tls_set	*set = NULL;
	struct listener	*nl;
	size_t		 nn = 0;
	bool		 first = svc->tset == NULL;

	if (!first)
		notify_reloading();
	nl = xcalloc(HTTPSVC_LISTENERS_MAX, sizeof(*nl));
	if (build(svc, &ns, &set, nl, &nn, e) == -1) {
		tls_set_free(set);
		svc_snapshot_fini(&ns);
		free(nl);
		if (!first)
			sd_notify(0, "READY=1\nSTATUS=reload failed; "
			    "serving the previous configuration");
		return -1;
	}
	note_warnings(svc, &ns, set);
	for (size_t i = 0; i < ns.n_expiring; i++)
		log_warn("%s", ns.expiring[i]);
	svc->tset = set;
	tls_set_free(tls_front_swap(svc->front, set));
	svc_snapshot_fini(&svc->snap);
	svc->snap = ns;
	svc_routes_rebuild(svc);
	commit_listeners(svc, nl, nn);
	if (!first)
		svc_workers_retire(svc);
	free(nl);
	log_info("%s: %zu bindings, %zu URL reservations, %zu listeners",
	    why, svc->snap.n_bindings, svc->snap.n_acls, nn);
	if (!first)
		sd_notify(0, "READY=1\nSTATUS=reloaded");
	return 0;
}

bool
svc_store_changed(struct svc *svc)
{
	struct rs_err	e;
	uint64_t	bgen;

	bgen = binding_store_generation(svc->bs, &e);
	if (bgen != 0 && bgen != svc->tried_bgen)
		return true;
	return certstore_generation(svc->cs) != svc->tried_cgen;
}
