/*
 * gate.c: httpsvc's look at each HTTP/1 request head before h2o acts on
 * it.  h2o 2.2 reads a request body whole before any handler runs, and
 * answers "Expect: 100-continue" with 100 Continue as soon as it has the
 * head; so whatever httpsvc wants to decide before a body is uploaded it
 * decides here, in a reader of its own that sits in front of h2o's on the
 * client socket (svc_gate_wrap) and sees the bytes first:
 *
 *   - framing (head.c): ambiguous heads get 400 and the connection closes
 *     before any body is read;
 *   - a body for a URL nobody reserved (404) or whose application is not
 *     running (503) is refused before it is read;
 *   - the body limit: the smallest of body_max, spool_conn_max and the
 *     body_max the application declared in REGISTER (413, closed);
 *   - admission: every body is reserved against spool_max (all bodies
 *     httpsvc holds) before it is read; past it, 503 with Retry-After and
 *     close: the request is fine, the server is busy (a 413 would tell
 *     the client its body is too large, which it is not);
 *   - precheck: for a body over the size the application declared
 *     (REGISTER ... precheck=N) announced with Expect: 100-continue, the
 *     head goes to the application first, without the body, with
 *     X-Body-Precheck: <length> and Content-Length: 0.  An answer
 *     "204 + X-Body-Precheck: continue" lets h2o go on (100 Continue, the
 *     body, the request forwarded as usual); any other answer (401, 403,
 *     413) goes to the client at once and the connection closes, so the
 *     body is never sent.
 *
 * A refusal is written through h2o's socket (encrypted on TLS) with h2o's
 * reader stopped; the connection lingers while the client may still be
 * sending (see linger_on_read), and h2o's reader is then called with an
 * error, which
 * makes h2o close and free its connection as it always does (as the 408
 * in worker.c).  h2o sets its reader again after each response, so ours is
 * put back in front right after (svc_gate_next_request, from the
 * engine's zero timeout, before the loop polls again); a request whose
 * head was already buffered when h2o started on it (pipelined, or sent
 * with the TLS handshake's last flight) is looked at when its next bytes
 * arrive, or, if it was complete, by route.c's framing check and limits.
 */
#include "httpsvc/httpsvc.h"

#include <h2o/http1.h>
#include <h2o/http2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "httpsvc/picohttp.h"

enum gate_state { GATE_HEAD, GATE_PASSED, GATE_HELD };

#define PROBE_ANSWER_MAX	(64 * 1024)
#define PROBE_HEADERS_MAX	64

struct probe {
	struct conn_tag		*tag;
	struct app		*app;		/* our reference */
	struct app_pool		*pool;
	h2o_socket_t		*up;		/* to the application */
	h2o_timeout_entry_t	 timer;
	h2o_iovec_t		 head;		/* the probe request */
	char			*answer;	/* for the client */
};

static void	gate_on_read(h2o_socket_t *, const char *);
static void	hold_on_read(h2o_socket_t *, const char *);

/*
 * Whatever reader h2o has set goes behind ours, but only h2o's HTTP/1
 * request reader (learnt once per worker, svc_gate_learn) has its input
 * judged: while it is the socket's reader, the socket's data is h2o's
 * live HTTP/1 connection.  Any other (the TLS handshake, HTTP/2, a TLS
 * shutdown after h2o closed) is called as it is, and the socket's data
 * is never looked at.
 */
void
svc_gate_wrap(struct conn_tag *tag)
{
	h2o_socket_t	*sock = tag->sock;

	if (sock->_cb.read == NULL || sock->_cb.read == gate_on_read ||
	    sock->_cb.read == hold_on_read)
		return;
	tag->gate_next = sock->_cb.read;
	tag->h1 |= tag->gate_next == tag->h1_reader;
	sock->_cb.read = gate_on_read;
}

void
svc_gate_learn(h2o_accept_ctx_t *plain, h2o_socket_cb *reader)
{
	int		 sv[2];
	h2o_socket_t	*sock;

	*reader = NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    sv) == -1) {
		log_warn("cannot learn h2o's HTTP/1 reader (socketpair: %m); "
		    "request heads are checked after h2o read them only");
		return;
	}
	sock = h2o_evloop_socket_create(plain->ctx->loop, sv[0], 0);
	h2o_http1_accept(plain, sock, *h2o_get_timestamp(plain->ctx, NULL,
	    NULL));
	*reader = sock->_cb.read;
	/* h2o reads the end of the stream and closes its connection. */
	close(sv[1]);
}


/* Calls h2o's reader; false when the connection was closed meanwhile. */
static bool
run_engine(struct conn_tag *tag, const char *err)
{
	tag->in_engine++;
	tag->gate_next(tag->sock, err);
	tag->in_engine--;
	if (tag->closed) {
		if (tag->in_engine == 0)
			svc_tag_free(tag);
		return false;
	}
	svc_gate_wrap(tag);
	return true;
}

uint64_t
svc_spool_set(struct svc *svc, uint64_t counted, uint64_t now)
{
	if (now > counted)
		atomic_fetch_add(&svc->spool_used, now - counted);
	else
		atomic_fetch_sub(&svc->spool_used, counted - now);
	return now;
}

static void
release(struct conn_tag *tag)
{
	if (tag->reserved != 0) {
		atomic_fetch_sub(&tag->svc->spool_used, tag->reserved);
		tag->reserved = 0;
	}
}

/*
 * The zero timeout runs after this loop iteration's I/O callbacks (h2o's
 * response completion among them, which sets its reader again) and before
 * the loop polls again, so no read reaches h2o's reader first.
 */
static void
on_again(h2o_timeout_entry_t *entry)
{
	svc_gate_wrap(H2O_STRUCT_FROM_MEMBER(struct conn_tag, gate_again,
	    entry));
}

static void
wrap_soon(struct conn_tag *tag)
{
	tag->gate_again.cb = on_again;
	if (!h2o_timeout_is_linked(&tag->gate_again))
		h2o_timeout_link(tag->ctx->loop, &tag->ctx->zero_timeout,
		    &tag->gate_again);
}

/*
 * Bytes (or the end of the stream) while h2o serves a request: they wait
 * in the input buffer for h2o, which parses them when its answer is done
 * (a pipelined request); reading stops until then.
 */
static void
hold_on_read(h2o_socket_t *sock, const char *err)
{
	(void)err;
	h2o_socket_read_stop(sock);
}

/*
 * h2o's HTTP/1 server stops reading the client while it serves a request
 * and starts again after the answer; the event loop applies a change of
 * interest before it polls, so each proxied request cost two epoll_ctl
 * calls.  Reading on with hold_on_read leaves the interest as it was; h2o
 * puts its own reader back after the answer.
 */
void
svc_gate_hold(struct conn_tag *tag)
{
	if (tag->h1 && !tag->h2 && !tag->closed && !tag->pre_accept &&
	    tag->sock->_cb.read == NULL)
		h2o_socket_read_start(tag->sock, hold_on_read);
}

void
svc_gate_next_request(struct conn_tag *tag)
{
	release(tag);
	tag->gate = GATE_HEAD;
	tag->head_judged = false;
	/* h2o sets its reader for the next request after this returns. */
	wrap_soon(tag);
}

static void
probe_free(struct probe *p)
{
	if (p->up != NULL) {
		h2o_socket_read_stop(p->up);
		h2o_socket_close(p->up);
	}
	if (h2o_timeout_is_linked(&p->timer))
		h2o_timeout_unlink(&p->timer);
	free(p->head.base);
	free(p->answer);
	svc_app_unref(p->app);
	p->tag->probe = NULL;
	free(p);
}

void
svc_gate_close(struct conn_tag *tag)
{
	tag->closed = true;
	release(tag);
	if (h2o_timeout_is_linked(&tag->hs_timer))
		h2o_timeout_unlink(&tag->hs_timer);
	if (h2o_timeout_is_linked(&tag->gate_again))
		h2o_timeout_unlink(&tag->gate_again);
	if (tag->probe != NULL)
		probe_free(tag->probe);
}

bool
svc_gate_take_judged(struct conn_tag *tag)
{
	bool	judged = tag->head_judged;

	tag->head_judged = false;
	return judged;
}

bool
svc_gate_may_free(struct conn_tag *tag)
{
	return tag->in_engine == 0;
}

/*
 * After httpsvc's own answer: h2o closes its connection (told by a read
 * error), or, before h2o had one (TLS, the first head judged at the
 * handshake's end), the socket is closed here.
 */
static void
end_connection(struct conn_tag *tag, const char *why)
{
	if (tag->pre_accept)
		h2o_socket_close(tag->sock);
	else
		(void)run_engine(tag, why);
}

/*
 * Lingering close.  A client that sends its body without waiting for an
 * answer (no Expect: 100-continue; most do) reads the refusal only after
 * it has sent everything.  Closing with its body unread makes the kernel
 * answer the rest with a reset, and a reset throws away the refusal the
 * client had not read yet: it sees "connection reset" instead of the 413.
 * So after the answer the connection reads on and drops what comes
 * (decrypted on TLS) until the client closes, is quiet for LINGER_IDLE
 * ticks of the one-second timeout, has sent LINGER_BYTES_MAX or lingered
 * LINGER_MS_MAX: nginx's lingering_close, with tighter bounds.  The
 * connection timer (worker.c) is not needed meanwhile, so its entry
 * carries the linger tick.
 */
#define LINGER_IDLE		2		/* ticks of about 1 s */
#define LINGER_MS_MAX		10000
#define LINGER_BYTES_MAX	(64u * 1024 * 1024)

static void
linger_end(struct conn_tag *tag)
{
	if (h2o_timeout_is_linked(&tag->timer))
		h2o_timeout_unlink(&tag->timer);
	h2o_socket_read_stop(tag->sock);
	end_connection(tag, "answered by httpsvc before the body");
}

static void
linger_on_read(h2o_socket_t *sock, const char *err)
{
	struct conn_tag	*tag = svc_sock_tag(sock);

	tag->linger_bytes += sock->input->size;
	h2o_buffer_consume(&sock->input, sock->input->size);
	tag->linger_quiet = 0;
	if (err != NULL || tag->linger_bytes >= LINGER_BYTES_MAX)
		linger_end(tag);
}

static void
linger_tick(h2o_timeout_entry_t *entry)
{
	struct conn_tag	*tag = H2O_STRUCT_FROM_MEMBER(struct conn_tag, timer,
	    entry);

	if (++tag->linger_quiet >= LINGER_IDLE ||
	    h2o_now(tag->ctx->loop) - tag->linger_from >= LINGER_MS_MAX) {
		linger_end(tag);
		return;
	}
	h2o_timeout_link(tag->ctx->loop, &tag->ctx->one_sec_timeout,
	    &tag->timer);
}

static void
on_answer_sent(h2o_socket_t *sock, const char *err)
{
	struct conn_tag	*tag = svc_sock_tag(sock);

	if (tag->probe != NULL)
		probe_free(tag->probe);
	if (err != NULL || !tag->linger) {
		end_connection(tag, "answered by httpsvc before the body");
		return;
	}
	if (h2o_timeout_is_linked(&tag->timer))
		h2o_timeout_unlink(&tag->timer);
	tag->linger_from = h2o_now(tag->ctx->loop);
	tag->linger_bytes = 0;
	tag->linger_quiet = 0;
	tag->timer.cb = linger_tick;
	h2o_timeout_link(tag->ctx->loop, &tag->ctx->one_sec_timeout,
	    &tag->timer);
	/* Whatever came with the head is dropped at once. */
	h2o_buffer_consume(&sock->input, sock->input->size);
	h2o_socket_read_start(sock, linger_on_read);
}

/*
 * Writes buf (owned by the tag or its probe) and closes after it,
 * lingering when the client may be sending a body meanwhile.
 */
static void
answer_and_close(struct conn_tag *tag, char *buf, size_t len, bool linger)
{
	h2o_iovec_t	v = h2o_iovec_init(buf, len);

	tag->gate = GATE_HELD;
	tag->linger = linger;
	h2o_socket_read_stop(tag->sock);
	if (len == 0 || h2o_socket_is_writing(tag->sock)) {
		shutdown(tag->fd, SHUT_RDWR);
		end_connection(tag, "refused by httpsvc");
		return;
	}
	h2o_socket_write(tag->sock, &v, 1, on_answer_sent);
}

/*
 * A client that announced Expect: 100-continue sends no body before it
 * is told to, so its connection closes at once; any other may be sending
 * one (or, with a head whose framing is unclear, anything), and lingers.
 */
static void
refuse_as(struct conn_tag *tag, const struct svc_head *h, int status,
    const char *reason, const char *why, const char *extra, bool linger)
{
	char	m[32] = "-", t[256] = "-", *out = svc_tag_out(tag);

	if (h != NULL) {
		svc_log_safe(m, sizeof(m), h->method.base, h->method.len);
		svc_log_safe(t, sizeof(t), h->target.base, h->target.len);
	}
	log_info("refused before the body: %s %s %s from %s: %d %s", m, t,
	    tag->tls ? "https" : "http", tag->peer_ip, status, why);
	answer_and_close(tag, out, svc_raw_answer(tag->svc, tag->tls, status,
	    reason, why, extra, out, SVC_TAG_OUT), linger);
}

static void
refuse(struct conn_tag *tag, const struct svc_head *h, int status,
    const char *reason, const char *why, const char *extra)
{
	refuse_as(tag, h, status, reason, why, extra, h == NULL ||
	    !h->expect_continue);
}

static bool
hop_by_hop(const struct phr_header *p)
{
	static const char *const names[] = { "connection", "keep-alive",
	    "proxy-connection", "te", "transfer-encoding", "upgrade",
	    "expect", "content-length", "host", "x-forwarded-for",
	    "x-forwarded-proto", "x-forwarded-host", "x-url-reservation",
	    "x-body-precheck", "trailer" };

	for (size_t i = 0; i < nitems(names); i++)
		if (h2o_lcstris(p->name, p->name_len, names[i],
		    strlen(names[i])))
			return true;
	return false;
}

static void
put(char **p, const char *a, size_t alen, const char *b, size_t blen)
{
	memcpy(*p, a, alen);
	*p += alen;
	memcpy(*p, b, blen);
	*p += blen;
	memcpy(*p, "\r\n", 2);
	*p += 2;
}

/*
 * The precheck request: the client's request line and end-to-end
 * headers, no body, and httpsvc's own framing and forwarded headers.
 * {NULL, 0} when a header could split it.
 */
static h2o_iovec_t
probe_head(const struct conn_tag *tag, const struct svc_head *h,
    const struct app *a)
{
	struct phr_header	 hd[H2O_MAX_HEADERS];
	const char		*m, *t;
	size_t			 ml, tl, n = H2O_MAX_HEADERS, room;
	int			 minor;
	char			*buf, *p, len[32];
	h2o_iovec_t		 host = h->host;

	if (phr_parse_request(tag->sock->input->bytes, h->len, &m, &ml, &t,
	    &tl, &minor, hd, &n, 0) != (int)h->len ||
	    svc_has_ctl(t, tl) || memchr(t, ' ', tl) != NULL)
		return h2o_iovec_init(NULL, 0);
	if (host.base == NULL)
		host = h2o_iovec_init(tag->local_ip, strlen(tag->local_ip));
	room = h->len + 2 * host.len + strlen(a->prefix_text) + 512;
	buf = p = xmalloc(room);
	put(&p, m, ml, " ", 1);
	p -= 2;
	put(&p, t, tl, " HTTP/1.1", 9);
	put(&p, "Host: ", 6, host.base, host.len);
	for (size_t i = 0; i < n; i++) {
		if (svc_bad_name(hd[i].name, hd[i].name_len) ||
		    svc_has_ctl(hd[i].value, hd[i].value_len)) {
			free(buf);
			return h2o_iovec_init(NULL, 0);
		}
		if (hop_by_hop(&hd[i]))
			continue;
		memcpy(p, hd[i].name, hd[i].name_len);
		p += hd[i].name_len;
		put(&p, ": ", 2, hd[i].value, hd[i].value_len);
	}
	if (h->chunked)
		snprintf(len, sizeof(len), "chunked");
	else
		snprintf(len, sizeof(len), "%llu",
		    (unsigned long long)h->content_length);
	put(&p, "Content-Length: ", 16, "0", 1);
	put(&p, "X-Body-Precheck: ", 17, len, strlen(len));
	put(&p, "X-Forwarded-For: ", 17, tag->peer_ip, strlen(tag->peer_ip));
	put(&p, "X-Forwarded-Proto: ", 19, tag->tls ? "https" : "http",
	    tag->tls ? 5 : 4);
	if (h->host.base != NULL)
		put(&p, "X-Forwarded-Host: ", 18, h->host.base, h->host.len);
	put(&p, "X-Url-Reservation: ", 19, a->prefix_text,
	    strlen(a->prefix_text));
	memcpy(p, "\r\n", 2);
	p += 2;
	return h2o_iovec_init(buf, (size_t)(p - buf));
}

static void
probe_fail(struct probe *p, const char *why)
{
	struct conn_tag	*tag = p->tag;
	char		 msg[URLRES_TEXT_MAX + 128];

	snprintf(msg, sizeof(msg), "the application for %s did not answer "
	    "its precheck properly", p->app->prefix_text);
	log_warn("precheck %s: %s", p->app->prefix_text, why);
	probe_free(p);
	/* A precheck is asked only for Expect: 100-continue. */
	refuse_as(tag, NULL, 502, "Bad Gateway", msg, NULL, false);
}

static void	accept_http1(struct conn_tag *);

/* The application said go on: h2o takes the request as it came. */
static void
probe_continue(struct probe *p)
{
	struct conn_tag	*tag = p->tag;

	probe_free(p);
	tag->gate = GATE_PASSED;
	if (tag->pre_accept) {
		accept_http1(tag);
		return;
	}
	h2o_socket_read_start(tag->sock, gate_on_read);
	(void)run_engine(tag, NULL);
}

/*
 * The application's final answer, for the client: its status and
 * end-to-end headers, its body (Content-Length framed), our framing.
 */
static void
probe_relay(struct probe *p, int status, const char *msg, size_t msg_len,
    const struct phr_header *hd, size_t n, const char *body, size_t blen)
{
	struct conn_tag	*tag = p->tag;
	size_t		 room = PROBE_ANSWER_MAX + 512;
	char		*o = xmalloc(room), *q = o;
	bool		 sts = false;
	int		 k;

	k = snprintf(q, 64, "HTTP/1.1 %d ", status);
	q += k;
	put(&q, msg, msg_len, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (hop_by_hop(&hd[i]))
			continue;
		sts |= h2o_lcstris(hd[i].name, hd[i].name_len,
		    H2O_STRLIT("strict-transport-security"));
		memcpy(q, hd[i].name, hd[i].name_len);
		q += hd[i].name_len;
		put(&q, ": ", 2, hd[i].value, hd[i].value_len);
	}
	if (tag->tls && !sts && tag->svc->hsts[0] != '\0')
		put(&q, "Strict-Transport-Security: ", 27, tag->svc->hsts,
		    strlen(tag->svc->hsts));
	q += snprintf(q, 96, "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	    blen);
	memcpy(q, body, blen);
	q += blen;
	log_info("precheck %s: the application answered %d before the body "
	    "(from %s)", p->app->prefix_text, status, tag->peer_ip);
	p->answer = o;
	if (p->up != NULL) {
		h2o_socket_read_stop(p->up);
		h2o_socket_close(p->up);
		p->up = NULL;
	}
	answer_and_close(tag, o, (size_t)(q - o), false);
}

/* Content-Length of an answer head, 0 if none; -1 if unusable. */
static long
answer_length(const struct phr_header *hd, size_t n, bool *go_on)
{
	long	len = 0;

	*go_on = false;
	for (size_t i = 0; i < n; i++) {
		if (h2o_lcstris(hd[i].name, hd[i].name_len,
		    H2O_STRLIT("x-body-precheck")))
			*go_on = h2o_lcstris(hd[i].value, hd[i].value_len,
			    H2O_STRLIT("continue"));
		if (h2o_lcstris(hd[i].name, hd[i].name_len,
		    H2O_STRLIT("content-length"))) {
			size_t v = h2o_strtosize(hd[i].value, hd[i].value_len);
			if (v == SIZE_MAX || v > PROBE_ANSWER_MAX)
				return -1;
			len = (long)v;
		}
	}
	return len;
}

static void
on_probe_read(h2o_socket_t *sock, const char *err)
{
	struct probe		*p = sock->data;
	struct phr_header	 hd[PROBE_HEADERS_MAX];
	const char		*msg;
	size_t			 msg_len, n;
	int			 minor, status, r;
	long			 blen;
	bool			 go_on;

	if (err != NULL) {
		probe_fail(p, "the connection ended before an answer");
		return;
	}
	for (;;) {
		n = PROBE_HEADERS_MAX;
		r = phr_parse_response(sock->input->bytes, sock->input->size,
		    &minor, &status, &msg, &msg_len, hd, &n, 0);
		if (r == -2 && sock->input->size < PROBE_ANSWER_MAX)
			return;
		if (r < 0 || status < 100 || status > 599) {
			probe_fail(p, "the answer is not HTTP/1.x");
			return;
		}
		if (status >= 200)
			break;
		h2o_buffer_consume(&sock->input, (size_t)r);
	}
	if ((blen = answer_length(hd, n, &go_on)) == -1 ||
	    (size_t)r + (size_t)blen > PROBE_ANSWER_MAX) {
		probe_fail(p, "the answer is over 64 KiB");
		return;
	}
	if (go_on && status == 204) {
		probe_continue(p);
		return;
	}
	if (sock->input->size < (size_t)r + (size_t)blen)
		return;
	probe_relay(p, status, msg, msg_len, hd, n, sock->input->bytes + r,
	    (size_t)blen);
}

static void
on_probe_timeout(h2o_timeout_entry_t *entry)
{
	probe_fail(H2O_STRUCT_FROM_MEMBER(struct probe, timer, entry),
	    "no answer within upstream_timeout_ms");
}

static void
on_probe_written(h2o_socket_t *sock, const char *err)
{
	(void)sock;
	(void)err;	/* an early answer may still come */
}

static void
on_probe_connect(h2o_socket_t *sock, const char *err)
{
	struct probe	*p = sock->data;

	if (err != NULL) {
		probe_fail(p, "cannot connect to the application's socket");
		return;
	}
	h2o_socket_write(sock, &p->head, 1, on_probe_written);
	h2o_socket_read_start(sock, on_probe_read);
}

/* Holds the request and asks the application (takes over a's reference). */
static void
probe_start(struct conn_tag *tag, const struct svc_head *h, struct app *a)
{
	struct probe	*p;

	p = xcalloc(1, sizeof(*p));
	p->tag = tag;
	p->app = a;
	p->head = probe_head(tag, h, a);
	if (p->head.base == NULL) {
		tag->probe = p;
		probe_free(p);
		refuse(tag, h, 400, "Bad Request", "a header or the path "
		    "contains CR, LF or NUL, or a header name is not a token",
		    NULL);
		return;
	}
	tag->probe = p;
	tag->gate = GATE_HELD;
	h2o_socket_read_stop(tag->sock);
	p->pool = svc_app_pool(a, tag->ctx);
	p->timer.cb = on_probe_timeout;
	h2o_timeout_link(p->pool->loop, &p->pool->io_timeout, &p->timer);
	p->up = svc_upstream_connect(p->pool, on_probe_connect);
	if (p->up == NULL) {
		probe_fail(p, "cannot connect to the application's socket");
		return;
	}
	p->up->data = p;
}

/* Reserves want bytes of spool_max for this connection's body. */
static bool
admit(struct conn_tag *tag, uint64_t want)
{
	struct svc	*svc = tag->svc;
	uint64_t	 used;

	used = atomic_fetch_add(&svc->spool_used, want) + want;
	if (used > svc->lim.spool_max) {
		atomic_fetch_sub(&svc->spool_used, want);
		atomic_fetch_add(&svc->spool_refused, 1);
		return false;
	}
	tag->reserved = want;
	return true;
}

/* A complete head with a body: 1 if held or refused, 0 for h2o to go on. */
static int
judge_body(struct conn_tag *tag, const struct svc_head *h)
{
	struct svc	*svc = tag->svc;
	struct app	*a;
	char		 prefix[URLRES_TEXT_MAX], why[URLRES_TEXT_MAX + 160];
	uint64_t	 limit;
	int		 r;

	r = svc_route_find(svc, tag->tls, h->host, tag->local_ip,
	    tag->local_port, h->target, &a, prefix);
	if (r == -2)
		return 0;	/* h2o answers it */
	if (r == -1) {
		refuse(tag, h, 404, "Not Found", "no application has reserved "
		    "this URL", NULL);
		return 1;
	}
	if (a == NULL) {
		snprintf(why, sizeof(why), "the application for %s is not "
		    "running", prefix);
		refuse(tag, h, 503, "Service Unavailable", why, NULL);
		return 1;
	}
	limit = svc_app_body_limit(svc, a);
	if (!h->chunked && h->content_length > limit) {
		snprintf(why, sizeof(why), "the request body (%llu bytes) is "
		    "larger than %s accepts (%llu bytes)",
		    (unsigned long long)h->content_length, prefix,
		    (unsigned long long)limit);
		svc_app_unref(a);
		refuse(tag, h, 413, "Payload Too Large", why, NULL);
		return 1;
	}
	if (!admit(tag, h->chunked ? limit : h->content_length)) {
		svc_app_unref(a);
		snprintf(why, sizeof(why), "Retry-After: %d\r\n",
		    HTTPSVC_RETRY_AFTER_S);
		refuse(tag, h, 503, "Service Unavailable", "httpsvc holds as "
		    "many request bodies as spool_max allows; try again later",
		    why);
		return 1;
	}
	if (h->expect_continue && a->opts.precheck != SVC_PRECHECK_OFF &&
	    (h->chunked || h->content_length > a->opts.precheck)) {
		probe_start(tag, h, a);
		return 1;
	}
	svc_app_unref(a);
	return 0;
}

/* Judges the head at the start of the input: 1 if held or refused. */
static int
judge(struct conn_tag *tag)
{
	h2o_buffer_t	*in = tag->sock->input;
	struct svc_head	 h;
	const char	*why;
	int		 r;

	r = svc_head_read(in->bytes, in->size, &h, &why);
	if (r == 0)
		return 0;
	if (r == -1) {
		refuse(tag, NULL, 400, "Bad Request", why, NULL);
		return 1;
	}
	tag->gate = GATE_PASSED;
	tag->head_judged = true;
	if (!h.chunked && (h.content_length == SVC_HEAD_NO_LENGTH ||
	    h.content_length == 0))
		return 0;
	return judge_body(tag, &h);
}

static void
gate_on_read(h2o_socket_t *sock, const char *err)
{
	struct conn_tag	*tag = svc_sock_tag(sock);

	if (err == NULL && tag->gate == GATE_HEAD && tag->h1_reader != NULL &&
	    tag->gate_next == tag->h1_reader && judge(tag) != 0)
		return;
	(void)run_engine(tag, err);
}

/* h2o's HTTP/1 connection, which parses what has arrived at once. */
static void
accept_http1(struct conn_tag *tag)
{
	tag->pre_accept = false;
	tag->h1 = true;
	tag->in_engine++;
	h2o_http1_accept(tag->actx, tag->sock, tag->connected_at);
	tag->in_engine--;
	if (tag->closed) {
		if (tag->in_engine == 0)
			svc_tag_free(tag);
		return;
	}
	svc_gate_wrap(tag);
}

/*
 * The handshake is done (what h2o_accept does, with the first request's
 * head judged in between): h2o decrypts whatever application data came
 * with the client's last handshake flight before it calls back, and its
 * HTTP/1 connection would parse that at once, answering an Expect:
 * 100-continue before any reader of ours could look.  So the head is
 * judged here, before h2o has an HTTP/1 connection for it.
 */
static void
on_handshake(h2o_socket_t *sock, const char *err)
{
	struct conn_tag	*tag = svc_sock_tag(sock);
	h2o_iovec_t	 alpn;

	if (h2o_timeout_is_linked(&tag->hs_timer))
		h2o_timeout_unlink(&tag->hs_timer);
	if (err != NULL) {
		h2o_socket_close(sock);
		return;
	}
	alpn = h2o_socket_ssl_get_selected_protocol(sock);
	if (alpn.len >= 2 && memcmp(alpn.base, "h2", 2) == 0) {
		tag->h2 = true;
		h2o_http2_accept(tag->actx, sock, tag->connected_at);
		return;
	}
	tag->pre_accept = true;
	if (tag->h1_reader != NULL && sock->input->size > 0 && judge(tag) != 0)
		return;
	accept_http1(tag);
}

static void
on_handshake_timeout(h2o_timeout_entry_t *entry)
{
	struct conn_tag	*tag = H2O_STRUCT_FROM_MEMBER(struct conn_tag,
	    hs_timer, entry);

	h2o_socket_close(tag->sock);
}

void
svc_gate_tls_accept(struct conn_tag *tag, h2o_accept_ctx_t *actx)
{
	tag->actx = actx;
	tag->connected_at = *h2o_get_timestamp(actx->ctx, NULL, NULL);
	tag->sock->data = tag;
	tag->hs_timer.cb = on_handshake_timeout;
	h2o_timeout_link(actx->ctx->loop, &actx->ctx->handshake_timeout,
	    &tag->hs_timer);
	h2o_socket_ssl_handshake(tag->sock, actx->ssl_ctx, NULL, on_handshake);
}
