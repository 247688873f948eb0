/*
 * route.c: what happens to each request on a worker loop.  Check the
 * limits (414, 431); pick the reservation by HTTP.sys precedence
 * (urlres_match over the current routing table); no reservation -> 404,
 * reserved but no live application -> 503, else hand it to forward.c,
 * which sends it to the application and streams the answer back.  Also
 * the access log.  The routing table is immutable and swapped whole by
 * the control thread; a forwarded request holds a reference on its
 * application until the request's pool is freed.
 */
#include "httpsvc/httpsvc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

struct svc_handler {
	h2o_handler_t	 super;
	struct svc	*svc;
};

struct svc_logger {
	h2o_logger_t	 super;
	struct svc	*svc;
};

struct svc_hsts {
	h2o_filter_t	 super;
	struct svc	*svc;
};

struct app *
svc_app_new(struct svc *svc, const struct urlres_prefix *p, const char *text,
    const char *sock_path, pid_t pid, uid_t uid)
{
	struct app	*a = xcalloc(1, sizeof(*a));

	atomic_init(&a->refs, 1);
	a->svc = svc;
	a->prefix = *p;
	str_copy(a->prefix_text, sizeof(a->prefix_text), text);
	str_copy(a->sock_path, sizeof(a->sock_path), sock_path);
	a->pid = pid;
	a->uid = uid;
	a->pools = xcalloc(svc->n_workers ? svc->n_workers : 1,
	    sizeof(*a->pools));
	return a;
}

void
svc_app_pool_gone(struct app *a)
{
	if (atomic_fetch_sub(&a->pools_left, 1) == 1) {
		free(a->pools);
		free(a);
	}
}

/*
 * The last reference: each worker that made a pool for this app disposes
 * it on its own thread (h2o's pool timer is on that loop) and the last
 * one frees the app.
 */
void
svc_app_unref(struct app *a)
{
	size_t		idx[HTTPSVC_THREADS_MAX], n = 0;
	struct svc	*svc;

	if (a == NULL || atomic_fetch_sub(&a->refs, 1) != 1)
		return;
	svc = a->svc;
	for (size_t i = 0; i < svc->n_workers; i++)
		if (a->pools[i].inited)
			idx[n++] = i;
	if (n == 0) {
		free(a->pools);
		free(a);
		return;
	}
	/* From the first message on, a may be freed by a worker. */
	atomic_store(&a->pools_left, (unsigned)n);
	for (size_t k = 0; k < n; k++)
		svc_worker_dispose_pool(svc, a, idx[k]);
}

void
svc_routes_free(struct routes *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		svc_app_unref(r->apps[i]);
	free(r->prefixes);
	free(r->apps);
	free(r->texts);
	free(r);
}

void
svc_routes_init(struct svc *svc)
{
	pthread_rwlock_init(&svc->route_lock, NULL);
	svc->routes = xcalloc(1, sizeof(*svc->routes));
}

static void
route_put(struct routes *r, const struct urlres_prefix *p, struct app *a)
{
	r->prefixes[r->n] = *p;
	urlres_format(p, r->texts[r->n], sizeof(r->texts[0]));
	r->apps[r->n] = a;
	if (a != NULL)
		atomic_fetch_add(&a->refs, 1);
	r->n++;
}

void
svc_routes_rebuild(struct svc *svc)
{
	struct routes	 *r, *old;
	struct app	**apps;
	size_t		  napps, max;
	bool		  placed;

	napps = svc_control_apps(svc, &apps);
	max = svc->snap.n_acls + napps + 1;
	r = xcalloc(1, sizeof(*r));
	r->prefixes = xcalloc(max, sizeof(*r->prefixes));
	r->apps = xcalloc(max, sizeof(*r->apps));
	r->texts = xcalloc(max, sizeof(*r->texts));
	for (size_t i = 0; i < svc->snap.n_acls; i++)
		route_put(r, &svc->snap.acls[i], NULL);
	for (size_t i = 0; i < napps; i++) {
		placed = false;
		for (size_t j = 0; j < svc->snap.n_acls && !placed; j++)
			if (r->apps[j] == NULL &&
			    urlres_same(&r->prefixes[j], &apps[i]->prefix)) {
				r->apps[j] = apps[i];
				atomic_fetch_add(&apps[i]->refs, 1);
				placed = true;
			}
		if (!placed)
			route_put(r, &apps[i]->prefix, apps[i]);
	}
	free(apps);
	pthread_rwlock_wrlock(&svc->route_lock);
	old = svc->routes;
	svc->routes = r;
	pthread_rwlock_unlock(&svc->route_lock);
	svc_routes_free(old);
}

void
svc_routes_clear(struct svc *svc)
{
	struct routes	*old;

	pthread_rwlock_wrlock(&svc->route_lock);
	old = svc->routes;
	svc->routes = xcalloc(1, sizeof(*svc->routes));
	pthread_rwlock_unlock(&svc->route_lock);
	svc_routes_free(old);
}

static void
send_status(h2o_req_t *req, int status, const char *reason,
    const char *body, int flags)
{
	req->http1_is_persistent &= (flags == 0);
	h2o_send_error_generic(req, status, reason, body, flags);
}

uint64_t
svc_app_body_limit(const struct svc *svc, const struct app *a)
{
	uint64_t	l = svc->lim.body_max;

	if (svc->lim.spool_conn_max < l)
		l = svc->lim.spool_conn_max;
	if (svc->lim.spool_max < l)
		l = svc->lim.spool_max;
	if (a->opts.body_max != 0 && a->opts.body_max < l)
		l = a->opts.body_max;
	return l;
}

/*
 * A body h2o read before the gate could look (HTTP/2, or a head that was
 * already buffered) is still held to the application's limit.
 */
static int
check_body(struct svc *svc, h2o_req_t *req, struct app *a)
{
	char	why[URLRES_TEXT_MAX + 160];

	if (req->entity.base == NULL ||
	    req->entity.len <= svc_app_body_limit(svc, a))
		return 0;
	snprintf(why, sizeof(why), "the request body (%zu bytes) is larger "
	    "than %s accepts (%llu bytes)", req->entity.len, a->prefix_text,
	    (unsigned long long)svc_app_body_limit(svc, a));
	svc_send_refusal(req, 413, why);
	svc_app_unref(a);
	return 1;
}

void
svc_send_refusal(h2o_req_t *req, int status, const char *why)
{
	const char	*reason = status == 413 ? "Payload Too Large" :
			    status == 503 ? "Service Unavailable" : "Bad Request";
	char		 body[512];

	snprintf(body, sizeof(body), "%d %s: %s\n", status, reason, why);
	send_status(req, status, reason, h2o_strdup(&req->pool, body,
	    SIZE_MAX).base, H2O_SEND_ERROR_HTTP1_CLOSE_CONNECTION);
}

/* 414 / 431 when the request is over a limit; returns 1 if it sent one. */
static int
check_limits(const struct svc *svc, h2o_req_t *req)
{
	size_t	bytes = 0;

	if (req->input.method.len + req->input.path.len + 11 >
	    svc->lim.request_line_max) {
		send_status(req, 414, "URI Too Long", "414 URI Too Long: the "
		    "request line is longer than this server accepts\n",
		    H2O_SEND_ERROR_HTTP1_CLOSE_CONNECTION);
		return 1;
	}
	for (size_t i = 0; i < req->headers.size; i++)
		bytes += req->headers.entries[i].name->len +
		    req->headers.entries[i].value.len + 4;
	if (req->headers.size > svc->lim.headers_max ||
	    bytes > svc->lim.header_bytes_max) {
		send_status(req, 431, "Request Header Fields Too Large",
		    "431 Request Header Fields Too Large: the request headers "
		    "are larger than this server accepts\n",
		    H2O_SEND_ERROR_HTTP1_CLOSE_CONNECTION);
		return 1;
	}
	return 0;
}

/* The host name of an authority ("a.test:8443", "[::1]:80"), or -1. */
static int
authority_host(h2o_iovec_t a, char *out, size_t outsz)
{
	size_t	len = a.len;

	if (len > 0 && a.base[0] == '[') {
		const char *end = memchr(a.base, ']', a.len);
		if (end == NULL)
			return -1;
		len = (size_t)(end - a.base) - 1;
		if (len >= outsz)
			return -1;
		memcpy(out, a.base + 1, len);
		out[len] = '\0';
		return 0;
	}
	const char *colon = memchr(a.base, ':', a.len);
	if (colon != NULL)
		len = (size_t)(colon - a.base);
	if (len >= outsz)
		return -1;
	memcpy(out, a.base, len);
	out[len] = '\0';
	return 0;
}

/* h2o fills a missing Host with the host configuration's own name. */
static bool
no_host(const h2o_req_t *req)
{
	return req->hostconf != NULL &&
	    req->input.authority.base == req->hostconf->authority.hostport.base;
}

struct req_where {
	char		host[URLRES_HOST_MAX];
	char		local_ip[INET6_ADDRSTRLEN];
	char		client[INET6_ADDRSTRLEN];
	uint16_t	port;
	char		*path;
};

static int
where(h2o_req_t *req, struct req_where *w)
{
	struct conn_tag		*tag = svc_conn_tag(req);
	h2o_iovec_t		 p = req->path_normalized;

	if (tag == NULL || tag->local_ip[0] == '\0')
		return -1;
	memcpy(w->local_ip, tag->local_ip, sizeof(w->local_ip));
	w->port = tag->local_port;
	memcpy(w->client, tag->peer_ip, sizeof(w->client));
	if (no_host(req)) {
		/* HTTP/1.0 without Host: route with no host name and tell
		 * the application the address it came in on. */
		w->host[0] = '\0';
		req->authority = h2o_strdup(&req->pool, w->local_ip, SIZE_MAX);
	} else if (authority_host(req->input.authority, w->host,
	    sizeof(w->host)) == -1)
		return -1;
	if (p.len == 0 || p.base[0] != '/' || memchr(p.base, '\0', p.len))
		return -1;
	w->path = h2o_mem_alloc_pool(&req->pool, p.len + 1);
	memcpy(w->path, p.base, p.len);
	w->path[p.len] = '\0';
	return 0;
}

static void
close_if_retired(h2o_req_t *req)
{
	h2o_socket_t	*sock;

	if (req->conn->callbacks->get_socket == NULL)
		return;
	sock = req->conn->callbacks->get_socket(req->conn);
	if (sock != NULL && sock->ssl != NULL && tls_conn_retired(sock->ssl))
		req->http1_is_persistent = 0;
}

static void
send_unavailable(h2o_req_t *req, const char *prefix)
{
	char	body[URLRES_TEXT_MAX + 128];

	snprintf(body, sizeof(body), "503 Service Unavailable: the "
	    "application for %s is not running\n", prefix);
	send_status(req, 503, "Service Unavailable", h2o_strdup(&req->pool,
	    body, SIZE_MAX).base, 0);
}

/*
 * The framing checks of head.c, on what h2o has taken for a request.  For
 * HTTP/1 the raw head is still at the start of the socket's input (h2o
 * consumes it when the response is done), so it is read again there: h2o
 * 2.2 keeps only the first Content-Length and does not say whether there
 * was a Transfer-Encoding.  gate.c makes the same check before h2o reads
 * a body, and says so (svc_gate_take_judged): then the head is not parsed
 * a second time.  This one catches the heads the gate could not see first
 * (pipelined).  Returns 1 if refused.
 */
static int
check_framing(h2o_req_t *req)
{
	struct svc_head	 h;
	h2o_socket_t	*sock = NULL;
	const char	*why;
	int		 r;

	if (req->version >= 0x200)
		r = svc_h2_check(req, svc_h2_declared_length(req), &why) ==
		    -1 ? -1 : 1;
	else {
		struct conn_tag *tag = svc_conn_tag(req);
		/* The gate read this very head before h2o did. */
		if (tag != NULL && svc_gate_take_judged(tag))
			return 0;
		if (req->conn->callbacks->get_socket != NULL)
			sock = req->conn->callbacks->get_socket(req->conn);
		if (sock == NULL || sock->input == NULL)
			return 0;
		r = svc_head_read(sock->input->bytes, sock->input->size, &h,
		    &why);
		if (r == 0)
			why = "the request head cannot be read again";
	}
	if (r == 1)
		return 0;
	h2o_req_log_error(req, "httpsvc", "framing: %s; refused with 400",
	    why);
	svc_send_refusal(req, 400, why);
	return 1;
}

/*
 * The reservation for a request: -1 none; else its index, with *a the
 * live application (a reference) or NULL and prefix its text.
 */
static int
route_lookup(struct svc *svc, const char *scheme, const char *host,
    const char *local_ip, uint16_t port, const char *path, struct app **a,
    char prefix[URLRES_TEXT_MAX])
{
	struct routes	*r;
	int		 i;

	*a = NULL;
	prefix[0] = '\0';
	pthread_rwlock_rdlock(&svc->route_lock);
	r = svc->routes;
	i = urlres_match(r->prefixes, r->n, scheme, host[0] ? host : NULL,
	    local_ip, port, path);
	if (i >= 0) {
		*a = r->apps[i];
		if (*a != NULL)
			atomic_fetch_add(&(*a)->refs, 1);
		str_copy(prefix, URLRES_TEXT_MAX, r->texts[i]);
	}
	pthread_rwlock_unlock(&svc->route_lock);
	return i;
}

int
svc_route_find(struct svc *svc, bool tls, h2o_iovec_t authority,
    const char *local_ip, uint16_t port, h2o_iovec_t target, struct app **a,
    char prefix[URLRES_TEXT_MAX])
{
	h2o_mem_pool_t	 pool;
	h2o_iovec_t	 p;
	size_t		 query_at, *norm = NULL;
	char		 host[URLRES_HOST_MAX] = "", *path;
	int		 i = -1;

	*a = NULL;
	if (authority.base != NULL &&
	    authority_host(authority, host, sizeof(host)) == -1)
		return -2;
	if (target.len == 0 || target.base[0] != '/')
		return -2;
	h2o_mem_init_pool(&pool);
	p = h2o_url_normalize_path(&pool, target.base, target.len, &query_at,
	    &norm);
	if (p.len > 0 && p.base[0] == '/' && memchr(p.base, '\0', p.len) ==
	    NULL) {
		path = h2o_mem_alloc_pool(&pool, p.len + 1);
		memcpy(path, p.base, p.len);
		path[p.len] = '\0';
		i = route_lookup(svc, tls ? "https" : "http", host, local_ip,
		    port, path, a, prefix);
	} else
		i = -2;
	h2o_mem_clear_pool(&pool);
	return i < 0 ? i : 0;
}

static int
on_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct svc		*svc = ((struct svc_handler *)self)->svc;
	struct req_where	 w;
	struct app		*a = NULL;
	char			 prefix[URLRES_TEXT_MAX] = "";
	int			 i;

	atomic_fetch_add(&svc->requests, 1);
	svc_conn_busy(req);
	if (check_limits(svc, req) || check_framing(req))
		return 0;
	if (where(req, &w) == -1) {
		send_status(req, 400, "Bad Request", "400 Bad Request: "
		    "malformed Host or path\n",
		    H2O_SEND_ERROR_HTTP1_CLOSE_CONNECTION);
		return 0;
	}
	i = route_lookup(svc, req->input.scheme->name.base, w.host, w.local_ip,
	    w.port, w.path, &a, prefix);
	close_if_retired(req);
	if (i < 0)
		send_status(req, 404, "Not Found", "404 Not Found: no "
		    "application has reserved this URL\n", 0);
	else if (a == NULL)
		send_unavailable(req, prefix);
	else if (!check_body(svc, req, a))
		svc_forward(req, a, w.client, !no_host(req));
	return 0;
}

void
svc_log_safe(char *out, size_t outsz, const char *s, size_t len)
{
	size_t	o = 0;

	for (size_t i = 0; i < len && o + 1 < outsz; i++)
		out[o++] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[o] = '\0';
}

/* The request's number on its connection (HTTP/1) or its stream id (h2). */
static const char *
request_id(h2o_req_t *req, char *out, size_t outsz)
{
	const h2o_conn_callbacks_t	*cb = req->conn->callbacks;
	h2o_iovec_t			 v = { NULL, 0 };

	if (req->version < 0x200 && cb->log_.http1.request_index != NULL)
		v = cb->log_.http1.request_index(req);
	else if (req->version >= 0x200 && cb->log_.http2.stream_id != NULL)
		v = cb->log_.http2.stream_id(req);
	if (v.base == NULL || v.len >= outsz)
		return "-";
	memcpy(out, v.base, v.len);
	out[v.len] = '\0';
	return out;
}

static void
log_access(h2o_logger_t *self, h2o_req_t *req)
{
	struct svc	*svc = ((struct svc_logger *)self)->svc;
	char		 path[512], method[32], client[INET6_ADDRSTRLEN] = "-";
	char		 sni[128] = "-", ts[32], rid[24];
	struct timeval	 now;
	const char	*ver = "-", *s;
	h2o_socket_t	*sock = NULL;
	struct conn_tag	*tag;
	struct tm	 tm;
	double		 ms = 0;
	size_t		 plen;

	svc_conn_idle(req);
	for (size_t i = 0; i < req->error_logs.size; i++)
		log_warn("request %s: %.*s", req->error_logs.entries[i].module,
		    (int)req->error_logs.entries[i].msg.len,
		    req->error_logs.entries[i].msg.base);
	if (!svc->lim.access_log)
		return;
	if (req->conn->callbacks->get_socket != NULL)
		sock = req->conn->callbacks->get_socket(req->conn);
	if (sock != NULL && sock->ssl != NULL) {
		ver = h2o_socket_get_ssl_protocol_version(sock);
		if ((s = tls_conn_sni(sock->ssl)) != NULL)
			svc_log_safe(sni, sizeof(sni), s, strlen(s));
	}
	if ((tag = svc_conn_tag(req)) != NULL)
		str_copy(client, sizeof(client), tag->peer_ip);
	plen = req->input.query_at != SIZE_MAX ? req->input.query_at :
	    req->input.path.len;
	svc_log_safe(path, sizeof(path), req->input.path.base, plen);
	svc_log_safe(method, sizeof(method), req->input.method.base,
	    req->input.method.len);
	gmtime_r(&req->timestamps.request_begin_at.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	gettimeofday(&now, NULL);
	if (!h2o_timeval_is_null(&req->timestamps.request_begin_at))
		ms = h2o_timeval_subtract(&req->timestamps.request_begin_at,
		    &now) / 1000.0;
	log_info("access: %s c=%llu r=%s %s sni=%s %s %s %s %d %zu %.1fms", ts,
	    (unsigned long long)req->conn->id, request_id(req, rid,
	    sizeof(rid)), client, sni, ver ? ver : "-", method, path,
	    req->res.status, req->bytes_sent, ms);
}

/*
 * Every response on a TLS connection carries Strict-Transport-Security
 * (hsts_max_age), unless the application sent its own: forwarded answers,
 * httpsvc's 404/503/4xx, and h2o's own errors (the fallback path).  Never
 * on plain HTTP, where a client must ignore it anyway (RFC 6797 8.1).
 */
static void
hsts_on_setup(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
	struct svc	*svc = ((struct svc_hsts *)self)->svc;
	struct conn_tag	*tag = svc_conn_tag(req);

	if (svc->hsts[0] != '\0' && tag != NULL && tag->tls &&
	    h2o_find_header(&req->res.headers,
	    H2O_TOKEN_STRICT_TRANSPORT_SECURITY, -1) == -1)
		h2o_add_header(&req->pool, &req->res.headers,
		    H2O_TOKEN_STRICT_TRANSPORT_SECURITY, NULL, svc->hsts,
		    strlen(svc->hsts));
	h2o_setup_next_ostream(req, slot);
}

void
svc_hsts_register(struct svc *svc, h2o_pathconf_t *pc)
{
	struct svc_hsts	*f = (void *)h2o_create_filter(pc, sizeof(*f));

	f->super.on_setup_ostream = hsts_on_setup;
	f->svc = svc;
}

void
svc_handlers_register(struct svc *svc, h2o_pathconf_t *pc)
{
	struct svc_handler	*h;
	struct svc_logger	*l;

	h = (void *)h2o_create_handler(pc, sizeof(*h));
	h->super.on_req = on_req;
	h->svc = svc;
	l = (void *)h2o_create_logger(pc, sizeof(*l));
	l->super.log_access = log_access;
	l->svc = svc;
	pc->error_log.emit_request_errors = 0;
	svc_hsts_register(svc, pc);
}
