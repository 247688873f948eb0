/*
 * forward.c: a request to its application and the answer back.  httpsvc's
 * own generator over one keep-alive HTTP/1.1 connection of the
 * application's pool (upstream.c) on the request's worker loop:
 *
 * - The request is written as it arrived (method, raw path, headers minus
 *   the hop-by-hop ones, cookies merged for HTTP/2 clients), with Host,
 *   Content-Length, X-Forwarded-For/-Proto/-Host and X-Url-Reservation
 *   set by httpsvc; client copies of those are dropped.  A header or path
 *   with a byte that would split the request (CR, LF, NUL) is refused.
 * - The answer is read while the request is still being written, so an
 *   application that answers early (413 before reading a large body) and
 *   closes is heard rather than turned into a 502.
 * - The head is parsed with picohttpparser (inside libh2o-evloop); the
 *   body is framed by Content-Length, chunked (decoded in place) or the
 *   connection's end, and passed on with h2o_send.  Only one piece is in
 *   flight to the client at a time (h2o's generator contract); what the
 *   application sends meanwhile waits in `pending`, and when that is over
 *   lim.upstream_buffer_max the upstream socket stops being read until
 *   the client takes what is in flight.  So a client that reads slowly or
 *   not at all costs at most about twice the limit, never the whole answer.
 * - One timer per request (the pool's io_timeout, lim.upstream_timeout_ms)
 *   restarts whenever either side makes progress (a 256 KiB piece of the
 *   request body taken by the application, bytes from the application, a
 *   piece of the answer taken by the client): before the head it ends in
 *   504, after it (application silent, or client not reading) the
 *   response is cut (H2O_SEND_STATE_ERROR: the client sees it incomplete).
 * - A connection taken from the pool that turns out closed before any
 *   byte of the answer is retried once on a new connection (the
 *   application closed it idle at that instant and never saw the request).
 * - When the answer ends cleanly on a reusable connection whose request
 *   was fully written, the connection goes back to the pool.
 *
 * Everything lives in the request's memory pool; its disposal closes the
 * upstream connection if still held and drops the request's reference on
 * the application.
 */
#include "httpsvc/httpsvc.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "common/str.h"
#include "httpsvc/picohttp.h"

#define RES_HEADERS_MAX		100
#define RES_HEAD_MAX		(64 * 1024)
#define BODY_PIECE		(256 * 1024)	/* request body per write */

enum framing { BODY_NONE, BODY_LENGTH, BODY_CHUNKED, BODY_CLOSE };

struct fwd {
	h2o_generator_t		 gen;		/* first: h2o passes it */
	h2o_req_t		*req;
	struct app		*app;		/* our reference */
	struct app_pool		*pool;
	h2o_socket_t		*sock;		/* NULL: none held */
	h2o_iovec_t		 head_out;	/* the request head */
	h2o_iovec_t		 body;		/* req->entity, or empty */
	size_t			 body_off;	/* body bytes handed to write */
	h2o_iovec_t		 wbufs[2];	/* this write (the engine
						   advances them) */
	h2o_timeout_entry_t	 timer;
	h2o_buffer_t		*pending;	/* answer bytes not yet sent */
	h2o_buffer_t		*inflight;	/* given to h2o_send */
	uint64_t		 limit;
	enum framing		 framing;
	size_t			 left;		/* BODY_LENGTH */
	struct phr_chunked_decoder dec;
	bool			 is_head;	/* HEAD request */
	bool			 reused;	/* sock came from the pool */
	bool			 retried;
	bool			 written;	/* the request is all written */
	bool			 head;		/* response started */
	bool			 eos;		/* the answer is complete */
	bool			 failed;	/* ... but cut short */
	bool			 keep;		/* sock reusable after it */
	bool			 sending;	/* a piece is with h2o */
	bool			 paused;	/* upstream reading stopped */
};

static const char *const forwarded_names[] = {
	"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
	"x-url-reservation", "x-body-precheck",
};

static void	on_read(h2o_socket_t *, const char *);
static void	connect_new(struct fwd *);

struct app_pool *
svc_app_pool(struct app *a, h2o_context_t *ctx)
{
	struct app_pool	*ap = &a->pools[svc_worker_index(a->svc, ctx)];

	if (!ap->inited)
		svc_upstream_init(ap, ctx->loop, a->sock_path,
		    a->svc->lim.upstream_timeout_ms);
	return ap;
}

static void
timer_restart(struct fwd *f)
{
	if (h2o_timeout_is_linked(&f->timer))
		h2o_timeout_unlink(&f->timer);
	h2o_timeout_link(f->pool->loop, &f->pool->io_timeout, &f->timer);
}

/* Lets go of the upstream connection: back to the pool, or closed. */
static void
release(struct fwd *f)
{
	h2o_socket_t	*sock = f->sock;

	if (h2o_timeout_is_linked(&f->timer))
		h2o_timeout_unlink(&f->timer);
	if (sock == NULL)
		return;
	f->sock = NULL;
	sock->data = NULL;
	if (f->keep && f->eos && !f->failed && f->written &&
	    !h2o_socket_is_writing(sock)) {
		h2o_socket_read_stop(sock);
		svc_upstream_put(f->pool, sock);
	} else
		h2o_socket_close(sock);
}

static void
fwd_dispose(void *p)
{
	struct fwd	*f = p;

	f->keep = false;
	release(f);
	h2o_buffer_dispose(&f->pending);
	h2o_buffer_dispose(&f->inflight);
	svc_app_unref(f->app);
}

/* Before the response started: an error answer from httpsvc. */
static void
fail(struct fwd *f, int status, const char *why)
{
	h2o_req_t	*req = f->req;
	const char	*reason = status == 504 ? "Gateway Timeout" :
			    "Bad Gateway";
	char		 body[URLRES_TEXT_MAX + 256];

	f->keep = false;
	release(f);
	h2o_req_log_error(req, "httpsvc", "%s: %s", f->app->prefix_text, why);
	snprintf(body, sizeof(body), "%d %s: the application for %s %s\n",
	    status, reason, f->app->prefix_text, status == 504 ?
	    "did not answer in time" : "did not answer properly");
	h2o_send_error_generic(req, status, reason,
	    h2o_strdup(&req->pool, body, SIZE_MAX).base, 0);
}

/* Passes what is pending on, if nothing is in flight. */
static void
try_send(struct fwd *f)
{
	h2o_buffer_t		*t;
	h2o_iovec_t		 v;
	h2o_send_state_t	 state;

	if (!f->head || f->sending || (f->pending->size == 0 && !f->eos))
		return;
	t = f->inflight;
	f->inflight = f->pending;
	f->pending = t;
	v = h2o_iovec_init(f->inflight->bytes, f->inflight->size);
	state = !f->eos ? H2O_SEND_STATE_IN_PROGRESS : f->failed ?
	    H2O_SEND_STATE_ERROR : H2O_SEND_STATE_FINAL;
	f->sending = true;
	/* After the last piece the request may go away: f with it. */
	h2o_send(f->req, &v, v.len != 0 ? 1 : 0, state);
}

/* The answer ended (cleanly or not): release upstream, send the rest. */
static void
finish(struct fwd *f, bool failed)
{
	f->eos = true;
	f->failed = failed;
	if (failed)
		f->keep = false;
	release(f);
	try_send(f);
}

static void
on_timeout(h2o_timeout_entry_t *entry)
{
	struct fwd	*f = H2O_STRUCT_FROM_MEMBER(struct fwd, timer, entry);
	struct conn_tag	*tag;

	if (!f->head) {
		fail(f, 504, "no answer within upstream_timeout_ms");
		return;
	}
	h2o_req_log_error(f->req, "httpsvc", "%s: no progress for "
	    "upstream_timeout_ms; response cut", f->app->prefix_text);
	/*
	 * An HTTP/1 client that has not taken a byte for that long never
	 * gets the final piece either: end its connection.
	 */
	if (f->sending && f->req->version < 0x200 &&
	    (tag = svc_conn_tag(f->req)) != NULL)
		shutdown(tag->fd, SHUT_RDWR);
	finish(f, true);
}

static void
do_proceed(h2o_generator_t *gen, h2o_req_t *req)
{
	struct fwd	*f = (struct fwd *)gen;

	(void)req;
	f->sending = false;
	h2o_buffer_consume(&f->inflight, f->inflight->size);
	if (f->paused && f->sock != NULL && f->pending->size <= f->limit) {
		f->paused = false;
		h2o_socket_read_start(f->sock, on_read);
	}
	/* The client took a piece: progress, as a read from upstream is. */
	if (f->sock != NULL)
		timer_restart(f);
	try_send(f);
}

/* The client went away: nothing more is sent. */
static void
do_stop(h2o_generator_t *gen, h2o_req_t *req)
{
	struct fwd	*f = (struct fwd *)gen;

	(void)req;
	f->keep = false;
	release(f);
}

/* Moves n answer bytes from the socket's input to pending. */
static void
take(struct fwd *f, size_t n)
{
	h2o_buffer_t	**in = &f->sock->input, *t;
	h2o_iovec_t	  dst;

	if (n == 0)
		return;
	if (f->pending->size == 0 && n == (*in)->size) {
		t = f->pending;		/* no copy: swap the buffers */
		f->pending = *in;
		*in = t;
		return;
	}
	dst = h2o_buffer_reserve(&f->pending, n);
	memcpy(dst.base, (*in)->bytes, n);
	f->pending->size += n;
	h2o_buffer_consume(in, n);
}

/* Moves the body bytes read so far to pending; 1 at the body's end. */
static int
take_body(struct fwd *f)
{
	h2o_buffer_t	*in = f->sock->input;
	size_t		 n;
	ssize_t		 r;

	switch (f->framing) {
	case BODY_NONE:
		f->keep &= in->size == 0;
		return 1;
	case BODY_LENGTH:
		n = in->size < f->left ? in->size : f->left;
		take(f, n);
		f->left -= n;
		f->keep &= f->sock->input->size == 0;
		return f->left == 0;
	case BODY_CHUNKED:
		n = in->size;
		r = phr_decode_chunked(&f->dec, in->bytes, &n);
		if (r == -1)
			return -1;
		/* Decoded in place: [0, n) is body, the rest was framing. */
		in->size = n;
		take(f, n);
		if (r >= 0)
			f->keep &= r == 0;	/* bytes after the answer */
		return r >= 0;
	case BODY_CLOSE:
		take(f, in->size);
		return 0;
	}
	return -1;
}

/* Copies the application's headers to the response; -1 if malformed. */
static int
copy_headers(struct fwd *f, struct phr_header *h, size_t n, bool *chunked,
    size_t *clen)
{
	h2o_req_t		*req = f->req;
	const h2o_token_t	*tok;

	for (size_t i = 0; i < n; i++) {
		h2o_strtolower((char *)h[i].name, h[i].name_len);
		tok = h2o_lookup_token(h[i].name, h[i].name_len);
		if (tok == H2O_TOKEN_CONTENT_LENGTH) {
			size_t v = h2o_strtosize(h[i].value, h[i].value_len);
			if (v == SIZE_MAX || (*clen != SIZE_MAX && *clen != v))
				return -1;
			*clen = v;
			continue;
		}
		if (tok == H2O_TOKEN_TRANSFER_ENCODING) {
			*chunked = h2o_contains_token(h[i].value,
			    h[i].value_len, H2O_STRLIT("chunked"), ',');
			continue;
		}
		if (tok == H2O_TOKEN_CONNECTION) {
			if (h2o_contains_token(h[i].value, h[i].value_len,
			    H2O_STRLIT("close"), ','))
				f->keep = false;
			continue;
		}
		if (tok != NULL && tok->proxy_should_drop_for_res)
			continue;
		/* Names and values point into the pool's copy of the head. */
		if (tok != NULL)
			h2o_add_header(&req->pool, &req->res.headers, tok, NULL,
			    h[i].value, h[i].value_len);
		else
			h2o_add_header_by_str(&req->pool, &req->res.headers,
			    h[i].name, h[i].name_len, 0, NULL, h[i].value,
			    h[i].value_len);
	}
	return 0;
}

/*
 * Copies the answer's head (len bytes at the start of the socket's input,
 * which is consumed next) into the request's pool once, and points the
 * parsed headers there: one allocation instead of one per name and value.
 */
static void
keep_head(struct fwd *f, struct phr_header *h, size_t n, size_t len)
{
	const char	*from = f->sock->input->bytes;
	char		*to = h2o_mem_alloc_pool(&f->req->pool, len);

	memcpy(to, from, len);
	for (size_t i = 0; i < n; i++) {
		if (h[i].name != NULL)	/* NULL: an obs-fold line */
			h[i].name = to + (h[i].name - from);
		h[i].value = to + (h[i].value - from);
	}
}

/* Parses the answer's head; 1 done, 0 need more, -1 failed (answered). */
static int
parse_head(struct fwd *f)
{
	struct phr_header	 h[RES_HEADERS_MAX];
	h2o_buffer_t		*in;
	const char		*msg;
	size_t			 msg_len, n_h, clen;
	int			 minor, status, r;
	bool			 chunked;

	for (;;) {
		in = f->sock->input;
		n_h = RES_HEADERS_MAX;
		r = phr_parse_response(in->bytes, in->size, &minor, &status,
		    &msg, &msg_len, h, &n_h, 0);
		if (r == -2 && in->size <= RES_HEAD_MAX)
			return 0;
		if (r < 0 || r > RES_HEAD_MAX || status < 100 ||
		    status > 599 || status == 101) {
			fail(f, 502, r == -1 || (r > 0 && r <= RES_HEAD_MAX) ?
			    "answer is not valid HTTP/1.x" :
			    "answer head over 64 KiB");
			return -1;
		}
		if (status >= 200)
			break;
		h2o_buffer_consume(&f->sock->input, (size_t)r);  /* 1xx */
	}
	f->keep = minor >= 1;
	chunked = false;
	clen = SIZE_MAX;
	f->req->res.status = status;
	f->req->res.reason = h2o_strdup(&f->req->pool, msg, msg_len).base;
	keep_head(f, h, n_h, (size_t)r);
	if (copy_headers(f, h, n_h, &chunked, &clen) == -1) {
		fail(f, 502, "answer has a bad Content-Length");
		return -1;
	}
	h2o_buffer_consume(&f->sock->input, (size_t)r);
	if (f->is_head || status == 204 || status == 304) {
		f->framing = BODY_NONE;
		if (f->is_head)
			f->req->res.content_length = clen;
	} else if (chunked) {
		f->framing = BODY_CHUNKED;
		f->dec.consume_trailer = 1;
	} else if (clen != SIZE_MAX) {
		f->framing = BODY_LENGTH;
		f->left = clen;
		f->req->res.content_length = clen;
	} else {
		f->framing = BODY_CLOSE;
		f->keep = false;
	}
	f->head = true;
	f->gen.proceed = do_proceed;
	f->gen.stop = do_stop;
	h2o_start_response(f->req, &f->gen);
	return 1;
}

/* The upstream connection ended or failed while reading. */
static void
on_read_end(struct fwd *f, const char *err)
{
	if (!f->head) {
		if (f->reused && !f->retried && f->sock->input->size == 0) {
			f->retried = true;
			f->keep = false;
			release(f);
			connect_new(f);
			return;
		}
		fail(f, 502, f->sock->input->size == 0 ? "closed the "
		    "connection without answering" : "answer cut short");
		return;
	}
	if (f->framing == BODY_CLOSE) {
		finish(f, false);
		return;
	}
	h2o_req_log_error(f->req, "httpsvc", "%s: answer cut short (%s)",
	    f->app->prefix_text, err);
	finish(f, true);
}

static void
on_read(h2o_socket_t *sock, const char *err)
{
	struct fwd	*f = sock->data;
	int		 r;

	if (err != NULL) {
		on_read_end(f, err);
		return;
	}
	timer_restart(f);
	if (!f->head && parse_head(f) != 1)
		return;
	if ((r = take_body(f)) == -1) {
		h2o_req_log_error(f->req, "httpsvc", "%s: bad chunked "
		    "encoding in the answer", f->app->prefix_text);
		finish(f, true);
		return;
	}
	if (r == 1) {
		finish(f, false);
		return;
	}
	if (f->pending->size > f->limit) {
		h2o_socket_read_stop(sock);
		f->paused = true;
	}
	try_send(f);
}

/*
 * The request is written.  A write error (the application closed its
 * end, perhaps after answering early) only means the connection cannot
 * be reused: the answer is still read.
 */
static void	on_written(h2o_socket_t *, const char *);

/*
 * Writes the next piece of the request: the head with the first
 * BODY_PIECE bytes of the body, then the body piece by piece, so each
 * piece the application takes counts as progress for the timer.
 */
static void
write_next(struct fwd *f)
{
	size_t	n = 0, len = f->body.len - f->body_off;

	if (f->body_off == 0)
		f->wbufs[n++] = f->head_out;
	if (len > BODY_PIECE)
		len = BODY_PIECE;
	if (len > 0)
		f->wbufs[n++] = h2o_iovec_init(f->body.base + f->body_off, len);
	f->body_off += len;
	h2o_socket_write(f->sock, f->wbufs, n, on_written);
}

static void
on_written(h2o_socket_t *sock, const char *err)
{
	struct fwd	*f = sock->data;

	if (err != NULL) {
		f->keep = false;	/* the answer may still come */
		return;
	}
	if (f->body_off < f->body.len) {
		if (!f->eos)
			timer_restart(f);
		write_next(f);
		return;
	}
	f->written = true;
	if (f->eos)
		release(f);
}

static void
send_request(struct fwd *f, h2o_socket_t *sock)
{
	f->sock = sock;
	sock->data = f;
	f->written = false;
	f->body_off = 0;
	write_next(f);
	h2o_socket_read_start(sock, on_read);
	timer_restart(f);
}

static void
on_connect(h2o_socket_t *sock, const char *err)
{
	struct fwd	*f = sock->data;

	if (err != NULL) {
		char why[128];
		snprintf(why, sizeof(why), "cannot connect to the "
		    "application's socket (%s)", err);
		fail(f, 502, why);
		return;
	}
	send_request(f, sock);
}

static void
connect_new(struct fwd *f)
{
	h2o_socket_t	*sock;

	f->reused = false;
	sock = svc_upstream_connect(f->pool, on_connect);
	if (sock == NULL) {
		fail(f, 502, "cannot connect to the application's socket");
		return;
	}
	f->sock = sock;
	sock->data = f;
	timer_restart(f);
}

static bool
forwarded_name(const h2o_iovec_t *name)
{
	for (size_t k = 0; k < nitems(forwarded_names); k++)
		if (h2o_lcstris(name->base, name->len, forwarded_names[k],
		    strlen(forwarded_names[k])))
			return true;
	return false;
}

/* Appends "name: value\r\n" to b (room was reserved by the caller). */
static char *
put_header(char *p, const char *name, size_t nlen, const char *v, size_t vlen)
{
	memcpy(p, name, nlen);
	p += nlen;
	*p++ = ':';
	*p++ = ' ';
	memcpy(p, v, vlen);
	p += vlen;
	*p++ = '\r';
	*p++ = '\n';
	return p;
}

/* The request head for the application; {NULL, 0} if it cannot be sent. */
static h2o_iovec_t
build_head(h2o_req_t *req, const struct app *a, const char *client,
    bool has_host)
{
	const h2o_iovec_t	 sch = req->input.scheme->name;
	size_t			 room = 256 + req->method.len +
	    req->input.path.len + 2 * req->authority.len + strlen(client) +
	    strlen(a->prefix_text);
	size_t			 n_cookie = 0;
	char			*buf, *p;
	char			 clen[32];

	if (svc_has_ctl(req->input.path.base, req->input.path.len) ||
	    memchr(req->input.path.base, ' ', req->input.path.len) != NULL)
		return h2o_iovec_init(NULL, 0);
	for (size_t i = 0; i < req->headers.size; i++) {
		const h2o_header_t *h = &req->headers.entries[i];
		if (svc_bad_name(h->name->base, h->name->len) ||
		    svc_has_ctl(h->value.base, h->value.len))
			return h2o_iovec_init(NULL, 0);
		room += h->name->len + h->value.len + 4;
	}
	buf = p = h2o_mem_alloc_pool(&req->pool, room);
	memcpy(p, req->method.base, req->method.len);
	p += req->method.len;
	*p++ = ' ';
	memcpy(p, req->input.path.base, req->input.path.len);
	p += req->input.path.len;
	memcpy(p, " HTTP/1.1\r\n", 11);
	p += 11;
	p = put_header(p, "host", 4, req->authority.base, req->authority.len);
	if (req->entity.base != NULL) {
		int l = snprintf(clen, sizeof(clen), "%zu", req->entity.len);
		p = put_header(p, "content-length", 14, clen, (size_t)l);
	}
	for (size_t i = 0; i < req->headers.size; i++) {
		const h2o_header_t	*h = &req->headers.entries[i];
		const h2o_token_t	*tok = h2o_iovec_is_token(h->name) ?
		    (const h2o_token_t *)h->name : NULL;

		if (tok != NULL && (tok->proxy_should_drop_for_req ||
		    tok == H2O_TOKEN_HOST || tok == H2O_TOKEN_CONTENT_LENGTH ||
		    tok == H2O_TOKEN_EXPECT))
			continue;
		if (tok == H2O_TOKEN_X_FORWARDED_FOR || forwarded_name(h->name))
			continue;
		if (tok == H2O_TOKEN_COOKIE) {
			/* HTTP/2 may split cookies; HTTP/1.1 wants one line. */
			if (n_cookie++ == 0)
				p = put_header(p, "cookie", 6, h->value.base,
				    h->value.len);
			else {
				p -= 2;
				*p++ = ';';
				*p++ = ' ';
				memcpy(p, h->value.base, h->value.len);
				p += h->value.len;
				*p++ = '\r';
				*p++ = '\n';
			}
			continue;
		}
		p = put_header(p, h->name->base, h->name->len, h->value.base,
		    h->value.len);
	}
	p = put_header(p, "x-forwarded-for", 15, client, strlen(client));
	p = put_header(p, "x-forwarded-proto", 17, sch.base, sch.len);
	if (has_host)
		p = put_header(p, "x-forwarded-host", 16,
		    req->input.authority.base, req->input.authority.len);
	p = put_header(p, "x-url-reservation", 17, a->prefix_text,
	    strlen(a->prefix_text));
	*p++ = '\r';
	*p++ = '\n';
	return h2o_iovec_init(buf, (size_t)(p - buf));
}

void
svc_forward(h2o_req_t *req, struct app *a, const char *client, bool has_host)
{
	struct fwd	*f;

	f = h2o_mem_alloc_shared(&req->pool, sizeof(*f), fwd_dispose);
	memset(f, 0, sizeof(*f));
	f->req = req;
	f->app = a;
	f->pool = svc_app_pool(a, req->conn->ctx);
	f->limit = a->svc->lim.upstream_buffer_max;
	f->timer.cb = on_timeout;
	h2o_buffer_init(&f->pending, &h2o_socket_buffer_prototype);
	h2o_buffer_init(&f->inflight, &h2o_socket_buffer_prototype);
	f->is_head = h2o_memis(req->method.base, req->method.len,
	    H2O_STRLIT("HEAD"));
	f->head_out = build_head(req, a, client, has_host);
	if (f->head_out.base == NULL) {
		h2o_req_log_error(req, "httpsvc", "control character in a "
		    "request header or path, or a header name that is not a "
		    "token");
		h2o_send_error_generic(req, 400, "Bad Request", "400 Bad "
		    "Request: a header or the path contains CR, LF or NUL, or "
		    "a header name is not a token\n",
		    H2O_SEND_ERROR_HTTP1_CLOSE_CONNECTION);
		return;
	}
	if (req->entity.base != NULL)
		f->body = req->entity;
	h2o_socket_t *sock = svc_upstream_take(f->pool);
	if (sock == NULL) {
		connect_new(f);
		return;
	}
	f->reused = true;
	send_request(f, sock);
}
