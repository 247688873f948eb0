/*
 * state.c: the STATE answer of the control socket, one line of JSON that
 * "httpcfg show servicestate" prints: listeners, bindings in use (with
 * expiry warnings), reservations and whether a live application holds
 * each, registrations with their process, and connection counters.
 * Runs on the control thread, which owns the snapshot and registrations.
 */
#include "httpsvc/httpsvc.h"

#include <unistd.h>

#include "common/buf.h"

static int
listeners_json(struct svc *svc, struct buf *b, struct rs_err *e)
{
	int	rv = 0;

	rv |= buf_puts(b, "\"listeners\":[", e);
	pthread_mutex_lock(&svc->lis_lock);
	for (size_t i = 0; i < svc->n_lis; i++) {
		rv |= buf_printf(b, e, "%s{\"address\":", i ? "," : "");
		rv |= buf_json_str(b, svc->lis[i].addr, e);
		rv |= buf_printf(b, e, ",\"port\":%u,\"tls\":%s,\"systemd\":%s}",
		    svc->lis[i].port, svc->lis[i].tls ? "true" : "false",
		    svc->lis[i].inherited ? "true" : "false");
	}
	pthread_mutex_unlock(&svc->lis_lock);
	rv |= buf_puts(b, "]", e);
	return rv;
}

static int
bindings_json(struct svc *svc, struct buf *b, struct rs_err *e)
{
	int	rv = 0;

	rv |= buf_puts(b, ",\"bindings\":[", e);
	for (size_t i = 0; i < svc->snap.n_bindings; i++) {
		const struct binding_ssl *s = &svc->snap.bindings[i];
		rv |= buf_printf(b, e, "%s{\"endpoint\":", i ? "," : "");
		rv |= buf_json_str(b, s->endpoint, e);
		rv |= buf_printf(b, e, ",\"kind\":\"%s\",\"certhash\":",
		    s->kind == BINDING_IPPORT ? "ipport" : "hostnameport");
		rv |= buf_json_str(b, s->certhash, e);
		rv |= buf_puts(b, ",\"store\":", e);
		rv |= buf_json_str(b, s->store, e);
		rv |= buf_puts(b, ",\"appid\":", e);
		rv |= buf_json_str(b, s->appid, e);
		rv |= buf_puts(b, "}", e);
	}
	rv |= buf_puts(b, "],\"warnings\":[", e);
	for (size_t i = 0; i < svc->snap.n_expiring; i++) {
		rv |= buf_puts(b, i ? "," : "", e);
		rv |= buf_json_str(b, svc->snap.expiring[i], e);
	}
	rv |= buf_puts(b, "]", e);
	return rv;
}

static int
routes_json(struct svc *svc, struct buf *b, struct rs_err *e)
{
	struct routes	*r = svc->routes;	/* only this thread swaps it */
	int		 rv = 0;

	rv |= buf_puts(b, ",\"reservations\":[", e);
	for (size_t i = 0; i < r->n; i++) {
		rv |= buf_printf(b, e, "%s{\"url\":", i ? "," : "");
		rv |= buf_json_str(b, r->texts[i], e);
		rv |= buf_puts(b, ",\"user\":", e);
		rv |= buf_json_str(b, i < svc->snap.n_acls ?
		    svc->snap.acl_users[i] : "", e);
		rv |= buf_printf(b, e, ",\"reserved\":%s",
		    i < svc->snap.n_acls ? "true" : "false");
		if (r->apps[i] == NULL) {
			rv |= buf_puts(b, ",\"registered\":false}", e);
			continue;
		}
		rv |= buf_printf(b, e, ",\"registered\":true,\"pid\":%d,"
		    "\"uid\":%u,\"socket\":", (int)r->apps[i]->pid,
		    (unsigned)r->apps[i]->uid);
		rv |= buf_json_str(b, r->apps[i]->sock_path, e);
		rv |= buf_puts(b, "}", e);
	}
	rv |= buf_puts(b, "]", e);
	return rv;
}

int
svc_state_json(struct svc *svc, struct buf *b, struct rs_err *e)
{
	int	rv = 0;

	rv |= buf_printf(b, e, "{\"pid\":%d,\"threads\":%zu,", (int)getpid(),
	    svc->n_workers);
	rv |= listeners_json(svc, b, e);
	rv |= bindings_json(svc, b, e);
	rv |= routes_json(svc, b, e);
	rv |= buf_printf(b, e, ",\"connections\":%lu,\"requests\":%lu,"
	    "\"refused\":%lu,\"spool_used\":%llu,\"spool_refused\":%lu}",
	    (unsigned long)atomic_load(&svc->conns),
	    (unsigned long)atomic_load(&svc->requests),
	    (unsigned long)atomic_load(&svc->refused),
	    (unsigned long long)atomic_load(&svc->spool_used),
	    (unsigned long)atomic_load(&svc->spool_refused));
	return rv ? -1 : 0;
}
