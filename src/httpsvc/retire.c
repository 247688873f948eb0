/*
 * retire.c: closing the client connections of a removed binding.  HTTP.sys
 * closes them after their in-flight request, and so does httpsvc: after a
 * reload that retired bindings each worker walks its connections
 * (worker.c's list of conn_tags, and h2o's own list of HTTP/2
 * connections) and, for each made on a retired binding:
 *
 *   HTTP/1, busy      the response in flight says "Connection: close"
 *                     and h2o closes after it; if its headers already went
 *                     out saying keep-alive, it is looked at again once
 *                     the response is done (then idle, below), so a
 *                     client never sees a keep-alive connection vanish
 *                     under the request it sends next
 *   HTTP/1, idle      closed now (read side shut: h2o sees EOF and
 *                     closes with close_notify), once it has been idle for
 *                     RETIRE_IDLE_MS; a connection used more recently than
 *                     that is looked at again, so a client that is just
 *                     sending its next request gets its answer with
 *                     "Connection: close" (route.c) instead of a reset
 *   HTTP/1, partial   left alone: its request gets "Connection: close"
 *                     when it is complete, or a 408 when it stalls
 *   HTTP/2            GOAWAY (NO_ERROR, last-stream-id = the highest stream
 *                     it has taken), RST_STREAM(REFUSED_STREAM) for each
 *                     stream whose request has not fully arrived, then
 *                     closed by h2o once its open streams are done
 *
 * h2o 2.2 has no per-connection GOAWAY (only a graceful shutdown of the
 * whole context), so the HTTP/2 part uses the engine's
 * h2o/http2_internal.h the way its own graceful shutdown and idle timeout
 * do: encode the frame into the connection's write buffer, request a write
 * and move the connection to HALF_CLOSED, in which it accepts no new
 * stream and closes itself once no stream is half-closed.  Its streams
 * are reached through the engine's foreach_request (h2ocompat/khash.h
 * says why).  A connection in the middle of a HEADERS/CONTINUATION
 * sequence is left for the next look (2.2 would spin on a CONTINUATION
 * frame that arrives in HALF_CLOSED).  The build refuses another h2o
 * version, and tests/integration/httpsvc/retire.py checks the behaviour
 * end to end.
 */
#include "httpsvc/httpsvc.h"

#include <h2o/http2.h>
#include <h2o/http2_internal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "common/xmalloc.h"

#if H2O_VERSION_MAJOR != 2 || H2O_VERSION_MINOR != 2
/* The HTTP/2 part below follows h2o 2.2's internals; review it first. */
#error "retire.c is written against h2o 2.2's http2_internal.h"
#endif

#define RETIRE_IDLE_MS		1000
#define RETIRE_H2_BATCH		32	/* HTTP/2 connections per look */
#define RETIRE_H2_STREAMS	128	/* > h2o's 100 open streams + 1 */

struct sweep {
	size_t	closed, after, goaway, later;
};

/* The streams not yet processed on the connections of one batch. */
struct h2_batch {
	h2o_http2_conn_t	*conn[RETIRE_H2_BATCH];
	size_t			 nconn;
	struct {
		h2o_http2_conn_t	*conn;
		h2o_http2_stream_t	*stream;
		uint32_t		 id;
		bool			 arriving;	/* RECV_HEADERS/BODY */
	}			*pick;
	size_t			 npick;
	bool			 full;
};

static bool
in_batch(const struct h2_batch *b, const h2o_http2_conn_t *c)
{
	for (size_t i = 0; i < b->nconn; i++)
		if (b->conn[i] == c)
			return true;
	return false;
}

/*
 * foreach_request callback: notes each client stream of a batch
 * connection whose request has not been processed yet (headers or body
 * still arriving, or complete and waiting for a slot).
 */
static int
pick_stream(h2o_req_t *req, void *arg)
{
	struct h2_batch		*b = arg;
	h2o_http2_conn_t	*c = (h2o_http2_conn_t *)req->conn;
	h2o_http2_stream_t	*s = H2O_STRUCT_FROM_MEMBER(h2o_http2_stream_t,
	    req, req);

	if (!in_batch(b, c) || h2o_http2_stream_is_push(s->stream_id) ||
	    s->state < H2O_HTTP2_STREAM_STATE_RECV_HEADERS ||
	    s->state > H2O_HTTP2_STREAM_STATE_REQ_PENDING)
		return 0;
	if (b->npick == RETIRE_H2_BATCH * RETIRE_H2_STREAMS) {
		b->full = true;
		return 1;
	}
	b->pick[b->npick].conn = c;
	b->pick[b->npick].stream = s;
	b->pick[b->npick].id = s->stream_id;
	b->pick[b->npick].arriving = s->state !=
	    H2O_HTTP2_STREAM_STATE_REQ_PENDING;
	b->npick++;
	return 0;
}

/*
 * The highest client stream c has taken or will still serve: those it
 * started processing, and those complete and waiting for a slot (h2o
 * runs them in HALF_CLOSED too).
 */
static uint32_t
last_stream(h2o_http2_conn_t *c, const struct h2_batch *b)
{
	uint32_t	last = c->pull_stream_ids.max_processed;

	for (size_t i = 0; i < b->npick; i++)
		if (b->pick[i].conn == c && !b->pick[i].arriving &&
		    b->pick[i].id > last)
			last = b->pick[i].id;
	return last;
}

/*
 * GOAWAY for c; each stream whose request is still arriving is refused
 * (RST_STREAM REFUSED_STREAM: the client may retry it), since h2o drops
 * DATA frames once the connection is HALF_CLOSED.  Only those streams
 * are touched: resetting one may start a waiting (REQ_PENDING) stream,
 * never end an arriving one, so their pointers stay valid.
 */
static void
h2_goaway(h2o_http2_conn_t *c, const struct h2_batch *b)
{
	uint32_t	last = last_stream(c, b);

	for (size_t i = 0; i < b->npick; i++) {
		if (b->pick[i].conn != c || !b->pick[i].arriving)
			continue;
		h2o_http2_encode_rst_stream_frame(&c->_write.buf, b->pick[i].id,
		    -H2O_HTTP2_ERROR_REFUSED_STREAM);
		h2o_http2_stream_reset(c, b->pick[i].stream);
	}
	h2o_http2_encode_goaway_frame(&c->_write.buf, last,
	    H2O_HTTP2_ERROR_NONE, h2o_iovec_init(H2O_STRLIT("binding removed")));
	c->state = H2O_HTTP2_CONN_STATE_HALF_CLOSED;
	h2o_http2_conn_request_write(c);
}

/*
 * Collects up to RETIRE_H2_BATCH open HTTP/2 connections on retired
 * bindings from h2o's list of the context's HTTP/2 connections; marks
 * every HTTP/2 connection's tag so the HTTP/1 walk skips it.
 */
static void
batch_h2(h2o_context_t *ctx, struct h2_batch *b, struct sweep *n)
{
	h2o_linklist_t	*node;

	for (node = ctx->http2._conns.next; node != &ctx->http2._conns;
	    node = node->next) {
		h2o_http2_conn_t *c = H2O_STRUCT_FROM_MEMBER(h2o_http2_conn_t,
		    _conns, node);
		struct conn_tag *tag = svc_sock_tag(c->sock);

		if (tag == NULL || c->super.ctx != ctx || c->sock->data != c)
			continue;
		tag->h2 = true;
		if (c->state != H2O_HTTP2_CONN_STATE_OPEN ||
		    !tls_conn_retired(c->sock->ssl))
			continue;
		if (c->_headers_unparsed != NULL ||
		    b->nconn == RETIRE_H2_BATCH)
			n->later++;
		else
			b->conn[b->nconn++] = c;
	}
}

static void
sweep_h2(h2o_context_t *ctx, struct sweep *n)
{
	struct h2_batch	b;

	memset(&b, 0, sizeof(b));
	batch_h2(ctx, &b, n);
	if (b.nconn == 0)
		return;
	b.pick = xcalloc(RETIRE_H2_BATCH * RETIRE_H2_STREAMS,
	    sizeof(*b.pick));
	H2O_HTTP2_CALLBACKS.foreach_request(ctx, pick_stream, &b);
	if (b.full)
		n->later += b.nconn;	/* cannot happen: h2o caps streams */
	else
		for (size_t i = 0; i < b.nconn; i++) {
			h2_goaway(b.conn[i], &b);
			n->goaway++;
		}
	free(b.pick);
}

/*
 * One HTTP/1 connection (or one still in its handshake) on a retired
 * binding.  Shutting the read side makes h2o read EOF and close the
 * connection itself, with close_notify, on its next loop turn.
 */
static void
retire_http1(struct conn_tag *tag, uint64_t now, struct sweep *n)
{
	h2o_socket_t	*sock = tag->sock;

	if (tag->busy) {
		if (tag->req == NULL || !tag->req->http1_is_persistent)
			return;
		if (h2o_timeval_is_null(&tag->req->timestamps.response_start_at)) {
			tag->req->http1_is_persistent = 0;
			n->after++;
		} else
			n->later++;
		return;
	}
	if (sock->input != NULL && sock->input->size != 0)
		return;		/* partial request: route.c or the 408 */
	if (now - tag->idle_since < RETIRE_IDLE_MS) {
		n->later++;
		return;
	}
	if (shutdown(tag->fd, SHUT_RD) == 0)
		n->closed++;
}

size_t
svc_retire_sweep(h2o_context_t *ctx, h2o_linklist_t *tags, uint64_t now)
{
	struct sweep	 n = { 0, 0, 0, 0 };
	h2o_linklist_t	*node;

	sweep_h2(ctx, &n);
	for (node = tags->next; node != tags; node = node->next) {
		struct conn_tag *tag = H2O_STRUCT_FROM_MEMBER(struct conn_tag,
		    link, node);

		if (tag->h2 || !tag->tls || tag->sock->ssl == NULL ||
		    !tls_conn_retired(tag->sock->ssl))
			continue;
		retire_http1(tag, now, &n);
	}
	if (n.closed + n.after + n.goaway > 0)
		log_info("removed binding: closing %zu idle connections, %zu "
		    "after their request, %zu HTTP/2 with GOAWAY", n.closed,
		    n.after, n.goaway);
	return n.later;
}
