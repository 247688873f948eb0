/*
 * h2peek.c: what httpsvc reads of h2o 2.2's HTTP/2 streams, through the
 * engine's h2o/http2_internal.h (as retire.c does; h2ocompat/khash.h says
 * why that header needs a stand-in): the content-length a request
 * declared, which h2o keeps in the stream rather than in req->headers,
 * and the request bodies its streams hold.  h2o 2.2 reads an HTTP/2
 * body whole before httpsvc sees the request, with no hook on the way, so
 * each worker looks at its streams every SVC_H2_WATCH_MS (svc_h2_watch):
 * a body still arriving that is larger than its reservation accepts
 * (declared or received), or that takes its connection over
 * spool_conn_max, is refused with RST_STREAM ENHANCE_YOUR_CALM; while all
 * bodies together are over spool_max, the largest still arriving are
 * refused with RST_STREAM REFUSED_STREAM (not processed: the client may
 * try again).  What the streams hold counts in svc.spool_used, so HTTP/1
 * admissions see it too.  Only requests whose connection is h2o's HTTP/2
 * connection are looked at, and the build refuses another h2o version.
 */
#include "httpsvc/httpsvc.h"

#include <h2o/http2.h>
#include <h2o/http2_internal.h>
#include <stdlib.h>

#include "common/log.h"
#include "common/xmalloc.h"

#if H2O_VERSION_MAJOR != 2 || H2O_VERSION_MINOR != 2
#error "h2peek.c is written against h2o 2.2's http2_internal.h"
#endif

uint64_t
svc_h2_declared_length(h2o_req_t *req)
{
	h2o_http2_stream_t	*s;

	if (req->version < 0x200 || req->conn->callbacks->log_.http2.stream_id
	    == NULL)
		return SVC_HEAD_NO_LENGTH;
	s = H2O_STRUCT_FROM_MEMBER(h2o_http2_stream_t, req, req);
	return s->_expected_content_length == SIZE_MAX ? SVC_HEAD_NO_LENGTH :
	    (uint64_t)s->_expected_content_length;
}

#define WATCH_STREAMS_MAX	1024	/* streams looked at per tick */

struct h2_body {
	h2o_http2_conn_t	*conn;
	h2o_http2_stream_t	*stream;
	uint32_t		 id;
	uint64_t		 held;		/* bytes of body received */
	bool			 arriving;	/* RECV_BODY: may be refused */
};

struct h2_watch {
	h2o_context_t	*ctx;
	struct h2_body	*b;
	size_t		 n;
	uint64_t	 total;		/* all bodies held */
	uint64_t	 dropped;	/* ... of streams refused now */
};

/* foreach_request callback: every client stream holding a body. */
static int
note_body(h2o_req_t *req, void *arg)
{
	struct h2_watch		*w = arg;
	h2o_http2_stream_t	*s = H2O_STRUCT_FROM_MEMBER(h2o_http2_stream_t,
	    req, req);
	h2o_http2_conn_t	*c = (h2o_http2_conn_t *)req->conn;

	if (c->super.ctx != w->ctx || h2o_http2_stream_is_push(s->stream_id) ||
	    s->_req_body == NULL || svc_sock_tag(c->sock) == NULL)
		return 0;
	/* A half-closed connection may close when its last stream goes. */
	if (c->state != H2O_HTTP2_CONN_STATE_OPEN)
		return 0;
	w->total += s->_req_body->size;
	if (w->n == WATCH_STREAMS_MAX)
		return 0;
	/* Most ticks find no body at all: the table only when one is. */
	if (w->b == NULL)
		w->b = xmalloc(WATCH_STREAMS_MAX * sizeof(*w->b));
	w->b[w->n].conn = c;
	w->b[w->n].stream = s;
	w->b[w->n].id = s->stream_id;
	w->b[w->n].held = s->_req_body->size;
	w->b[w->n].arriving = s->state == H2O_HTTP2_STREAM_STATE_RECV_BODY;
	w->n++;
	return 0;
}

/* RST_STREAM: REFUSED_STREAM when overloaded (retry), else ENHANCE_YOUR_CALM. */
static void
refuse_stream(struct h2_watch *w, struct h2_body *b, bool overload,
    const char *why)
{
	struct conn_tag	*tag = svc_sock_tag(b->conn->sock);

	log_info("HTTP/2 stream %u from %s refused while its body arrived "
	    "(%llu bytes held): %s", (unsigned)b->id, tag != NULL ?
	    tag->peer_ip : "-", (unsigned long long)b->held, why);
	if (overload)
		h2o_http2_encode_rst_stream_frame(&b->conn->_write.buf, b->id,
		    -H2O_HTTP2_ERROR_REFUSED_STREAM);
	else
		h2o_http2_encode_rst_stream_frame(&b->conn->_write.buf, b->id,
		    -H2O_HTTP2_ERROR_ENHANCE_YOUR_CALM);
	h2o_http2_stream_reset(b->conn, b->stream);
	h2o_http2_conn_request_write(b->conn);
	w->dropped += b->held;
	b->arriving = false;
	b->stream = NULL;
}

/* The application's body limit for a stream (its reservation's). */
static uint64_t
stream_limit(struct svc *svc, struct h2_body *b)
{
	struct conn_tag	*tag = svc_sock_tag(b->conn->sock);
	h2o_req_t	*req = &b->stream->req;
	struct app	*a = NULL;
	char		 prefix[URLRES_TEXT_MAX];
	uint64_t	 l = svc->lim.body_max;

	if (svc_route_find(svc, true, req->input.authority, tag->local_ip,
	    tag->local_port, req->input.path, &a, prefix) == 0 && a != NULL) {
		l = svc_app_body_limit(svc, a);
		svc_app_unref(a);
	}
	return l;
}

static uint64_t
conn_held(const struct h2_watch *w, const h2o_http2_conn_t *c)
{
	uint64_t	sum = 0;

	for (size_t i = 0; i < w->n; i++)
		if (w->b[i].conn == c && w->b[i].stream != NULL)
			sum += w->b[i].held;
	return sum;
}

/* The largest body still arriving (on c, or anywhere if c is NULL). */
static struct h2_body *
largest(struct h2_watch *w, const h2o_http2_conn_t *c)
{
	struct h2_body	*best = NULL;

	for (size_t i = 0; i < w->n; i++)
		if (w->b[i].arriving && (c == NULL || w->b[i].conn == c) &&
		    (best == NULL || w->b[i].held > best->held))
			best = &w->b[i];
	return best;
}

uint64_t
svc_h2_watch(struct svc *svc, h2o_context_t *ctx, uint64_t counted)
{
	struct h2_watch	 w = { ctx, NULL, 0, 0, 0 };
	struct h2_body	*b;
	uint64_t	 conn_max = svc->lim.spool_conn_max;

	if (h2o_linklist_is_empty(&ctx->http2._conns))
		return svc_spool_set(svc, counted, 0);
	H2O_HTTP2_CALLBACKS.foreach_request(ctx, note_body, &w);
	/*
	 * Only streams still arriving are dereferenced once one was reset:
	 * a reset may start a waiting stream, never end an arriving one.
	 */
	for (size_t i = 0; i < w.n; i++) {
		uint64_t declared, limit;

		b = &w.b[i];
		if (!b->arriving)
			continue;
		declared = b->stream->_expected_content_length;
		limit = stream_limit(svc, b);
		if ((declared != SIZE_MAX && declared > limit) ||
		    b->held > limit)
			refuse_stream(&w, b, false,
			    "larger than its URL accepts");
	}
	for (size_t i = 0; i < w.n; i++)
		while (w.b[i].stream != NULL && conn_held(&w, w.b[i].conn) >
		    conn_max && (b = largest(&w, w.b[i].conn)) != NULL)
			refuse_stream(&w, b, false, "spool_conn_max");
	counted = svc_spool_set(svc, counted, w.total - w.dropped);
	while (atomic_load(&svc->spool_used) > svc->lim.spool_max &&
	    (b = largest(&w, NULL)) != NULL) {
		refuse_stream(&w, b, true, "spool_max");
		atomic_fetch_add(&svc->spool_refused, 1);
		counted = svc_spool_set(svc, counted, w.total - w.dropped);
	}
	free(w.b);
	return counted;
}
