/*
 * worker.c: one h2o event loop per thread (one per core by default).
 * Each loop polls its own dup of every listening socket (the kernel hands
 * each new connection to one of them), accepts in small batches itself
 * (so it knows each descriptor and both addresses), counts connections
 * against max_connections and gives the socket to h2o with the plain or
 * the TLS accept context.  Each connection carries a struct conn_tag with
 * the timer that enforces the header-read (408) and keep-alive idle
 * timeouts, and is on its worker's list of connections (retire.c walks
 * it when a binding is removed).  The control thread talks to a loop only
 * through its h2o message queue: "the listener list changed", "drain",
 * "dispose an application's pool", "close the connections on removed
 * bindings", "exit".
 */
#include "httpsvc/httpsvc.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xmalloc.h"

#define ACCEPT_BATCH	16
#define ACCEPT_PAUSE_MS	100
#define RETIRE_AGAIN_MS	100	/* retire.c asked for another look */

enum wmsg_kind { WMSG_SYNC, WMSG_DRAIN, WMSG_DISPOSE, WMSG_RETIRE,
	WMSG_EXIT };

struct wmsg {
	h2o_multithread_message_t	super;
	enum wmsg_kind			kind;
	struct app			*app;	/* WMSG_DISPOSE */
};

struct wlistener {
	uint64_t		 id;
	int			 fd;	/* this loop's dup of the socket */
	bool			 tls;
	h2o_socket_t		*sock;
	struct worker		*w;
	h2o_timeout_entry_t	 pause;	/* accept paused: out of fds */
};

struct worker {
	struct svc			*svc;
	pthread_t			 tid;
	h2o_evloop_t			*loop;
	h2o_context_t			 ctx;
	h2o_accept_ctx_t		 plain, tls;
	h2o_multithread_queue_t		*queue;
	h2o_multithread_receiver_t	 rx;
	h2o_timeout_t			 pause_timeout;
	h2o_timeout_t			 conn_tick;	/* see conn_timer */
	uint64_t			 tick_ms;
	h2o_linklist_t			 conns;		/* conn_tag.link */
	h2o_socket_cb			 h1_reader;	/* gate.c */
	h2o_timeout_t			 h2_watch;	/* h2peek.c */
	h2o_timeout_entry_t		 h2_watch_entry;
	uint64_t			 h2_counted;	/* in spool_used */
	h2o_timeout_t			 retire_timeout;
	h2o_timeout_entry_t		 retire_again;
	struct wlistener		*lis[HTTPSVC_LISTENERS_MAX];
	size_t				 n_lis;
	bool				 stop;
	h2o_barrier_t			*ready;
};

static void
on_conn_close(void *data)
{
	struct conn_tag	*tag = data;

	if (h2o_timeout_is_linked(&tag->timer))
		h2o_timeout_unlink(&tag->timer);
	h2o_linklist_unlink(&tag->link);
	atomic_fetch_sub(&tag->svc->conns, 1);
	svc_gate_close(tag);
	if (svc_gate_may_free(tag))
		svc_tag_free(tag);
}

char *
svc_tag_out(struct conn_tag *tag)
{
	if (tag->out == NULL)
		tag->out = xmalloc(SVC_TAG_OUT);
	return tag->out;
}

void
svc_tag_free(struct conn_tag *tag)
{
	free(tag->out);
	free(tag);
}

struct conn_tag *
svc_sock_tag(h2o_socket_t *sock)
{
	if (sock == NULL || sock->on_close.cb != on_conn_close)
		return NULL;
	return sock->on_close.data;
}

#define WHY_408	"the request headers did not arrive in time"

/*
 * The 408 is out.  h2o's HTTP/1 reader, told that reading failed, closes
 * its connection the way it always does (TLS close_notify, its request
 * and socket freed, on_conn_close frees tag), so nothing of the engine's
 * is left behind.  Not called if h2o closed the socket first.
 */
static void
on_408_sent(h2o_socket_t *sock, const char *err)
{
	struct conn_tag	*tag = sock->on_close.data;

	(void)err;
	tag->engine_read(sock, "request timeout");
}

/*
 * Writes the 408 through h2o's socket, so a TLS connection gets it
 * encrypted.  Only while h2o's HTTP/1 connection waits for the rest of
 * a request: its reader is set (stopped here, so bytes that arrive
 * meanwhile are never parsed into a request that would write too) and
 * nothing is being written (h2o allows one write at a time).  An HTTP/2
 * connection (ALPN h2) is never sent an HTTP/1 answer.  Returns false
 * when the 408 cannot be written that way.
 */
static bool
write_408(struct conn_tag *tag)
{
	h2o_socket_t	*sock = tag->sock;
	h2o_iovec_t	 v;

	if (sock->_cb.read == NULL || h2o_socket_is_writing(sock) ||
	    sock->input == NULL || sock->input->size == 0)
		return false;
	if (sock->ssl != NULL) {
		h2o_iovec_t alpn = h2o_socket_ssl_get_selected_protocol(sock);
		if (h2o_memis(alpn.base, alpn.len, H2O_STRLIT("h2")))
			return false;
	}
	v.base = svc_tag_out(tag);
	v.len = svc_raw_answer(tag->svc, tag->tls, 408, "Request Timeout",
	    WHY_408, NULL, v.base, SVC_TAG_OUT);
	tag->engine_read = sock->_cb.read;
	h2o_socket_read_stop(sock);
	h2o_socket_write(sock, &v, 1, on_408_sent);
	return true;
}

/*
 * Ends a timed-out connection: a stalled request gets a 408 (written by
 * h2o, then closed by h2o); otherwise h2o sees EOF and cleans up.
 */
static void
conn_expire(struct conn_tag *tag, bool partial)
{
	log_debug("connection %d: %s timeout", tag->fd, partial ? "request" :
	    "idle");
	if (partial && write_408(tag))
		return;
	if (partial && !tag->tls) {
		char *out = svc_tag_out(tag);
		size_t n = svc_raw_answer(tag->svc, false, 408,
		    "Request Timeout", WHY_408, NULL, out, SVC_TAG_OUT);
		(void)!send(tag->fd, out, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	shutdown(tag->fd, SHUT_RDWR);
}

/*
 * Ticks every tick_ms while a connection waits for a request.  Bytes
 * read but not yet a request (the socket's input buffer) start the
 * header-read clock (HTTP.sys
 * HeaderWait): 408 when the headers are not complete in time.  Once more
 * bytes arrived than headers may have, it is a body upload (h2o 2.2 reads
 * bodies before the handler sees the request), and only a stall longer
 * than the same timeout ends it.  No bytes at all run the idle clock (a
 * quiet close, HTTP.sys IdleConnectionTimeout).  Precision: one tick.
 */
static void
conn_timer(h2o_timeout_entry_t *entry)
{
	struct conn_tag	*tag = H2O_STRUCT_FROM_MEMBER(struct conn_tag, timer,
	    entry);
	struct svc	*svc = tag->svc;
	uint64_t	 now = h2o_now(tag->w->loop), tick = tag->w->tick_ms;
	/* What h2o has read but not yet turned into a request. */
	size_t		 got = tag->sock->input != NULL ?
	    tag->sock->input->size : 0;

	if (got != tag->seen) {
		tag->seen = got;
		tag->progress_at = now;
		if (tag->partial_since == 0)
			tag->partial_since = now;
	}
	if (tag->partial_since != 0) {
		uint64_t from = got <= svc->lim.request_line_max +
		    svc->lim.header_bytes_max ? tag->partial_since :
		    tag->progress_at;
		if (now - from + tick >= svc->lim.header_timeout_ms) {
			conn_expire(tag, true);
			return;
		}
	} else if (now - tag->idle_since >= svc->lim.idle_timeout_ms) {
		conn_expire(tag, false);
		return;
	}
	h2o_timeout_link(tag->w->loop, &tag->w->conn_tick, &tag->timer);
}

static void
conn_arm(struct conn_tag *tag)
{
	tag->seen = 0;
	tag->idle_since = h2o_now(tag->w->loop);
	tag->partial_since = 0;
	if (!h2o_timeout_is_linked(&tag->timer))
		h2o_timeout_link(tag->w->loop, &tag->w->conn_tick, &tag->timer);
}

struct conn_tag *
svc_conn_tag(h2o_req_t *req)
{
	h2o_socket_t	*sock;

	if (req->conn->callbacks->get_socket == NULL)
		return NULL;
	sock = req->conn->callbacks->get_socket(req->conn);
	return svc_sock_tag(sock);
}

void
svc_conn_busy(h2o_req_t *req)
{
	struct conn_tag	*tag = svc_conn_tag(req);

	if (tag == NULL)
		return;
	tag->busy = true;
	tag->h2 |= req->version >= 0x200;
	tag->req = tag->h2 ? NULL : req;
	if (h2o_timeout_is_linked(&tag->timer))
		h2o_timeout_unlink(&tag->timer);
	svc_gate_hold(tag);
}

void
svc_conn_idle(h2o_req_t *req)
{
	struct conn_tag	*tag = svc_conn_tag(req);

	if (tag == NULL || tag->h2)
		return;
	tag->busy = false;
	tag->req = NULL;
	conn_arm(tag);
	svc_gate_next_request(tag);
}

/*
 * Over max_connections: a plain connection gets a canned 503 (one
 * non-blocking send, nothing to parse), a TLS one is closed (a 503 would
 * need a handshake).
 */
static void
refuse(int fd, bool tls)
{
	static const char	msg[] = "HTTP/1.1 503 Service Unavailable\r\n"
	    "Connection: close\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 55\r\n\r\n"
	    "503 Service Unavailable: too many connections to httpsvc\n";

	if (!tls)
		(void)!send(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT |
		    MSG_NOSIGNAL);
	close(fd);
}

static void	on_accept(h2o_socket_t *, const char *);

/* Both ends of the connection, once, so requests need no syscall. */
static void
tag_addrs(struct conn_tag *tag, const struct sockaddr_storage *peer)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	uint16_t		port;

	svc_addr_text((const struct sockaddr *)peer, tag->peer_ip,
	    sizeof(tag->peer_ip), &port);
	if (getsockname(tag->fd, (struct sockaddr *)&ss, &len) == 0)
		svc_addr_text((struct sockaddr *)&ss, tag->local_ip,
		    sizeof(tag->local_ip), &tag->local_port);
}

static void
on_pause_end(h2o_timeout_entry_t *entry)
{
	struct wlistener *wl = H2O_STRUCT_FROM_MEMBER(struct wlistener, pause,
	    entry);

	h2o_socket_read_start(wl->sock, on_accept);
}

/*
 * Out of descriptors: stop polling this listener for ACCEPT_PAUSE_MS
 * instead of spinning on a socket that stays readable.
 */
static void
pause_accept(struct wlistener *wl)
{
	log_warn("out of file descriptors; not accepting for %d ms",
	    ACCEPT_PAUSE_MS);
	h2o_socket_read_stop(wl->sock);
	if (!h2o_timeout_is_linked(&wl->pause))
		h2o_timeout_link(wl->w->loop, &wl->w->pause_timeout,
		    &wl->pause);
}

/*
 * Accepts up to ACCEPT_BATCH connections.  httpsvc accepts itself (not
 * h2o_evloop_socket_accept) so each connection's descriptor is known:
 * the TLS layer writes its refusal alert there (h2o 2.2 drops the alert
 * OpenSSL queues when a handshake fails).
 */
static void
on_accept(h2o_socket_t *listener, const char *err)
{
	struct wlistener	*wl = listener->data;
	struct svc		*svc = wl->w->svc;
	struct conn_tag		*tag;
	h2o_socket_t		*sock;
	struct sockaddr_storage	 peer;
	socklen_t		 plen;
	int			 fd, on = 1;

	if (err != NULL)
		return;
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		plen = sizeof(peer);
		fd = accept4(wl->fd, (struct sockaddr *)&peer, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE)
				pause_accept(wl);
			break;
		}
		if (atomic_fetch_add(&svc->conns, 1) >=
		    svc->lim.max_connections) {
			atomic_fetch_sub(&svc->conns, 1);
			atomic_fetch_add(&svc->refused, 1);
			refuse(fd, wl->tls);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		sock = h2o_evloop_socket_create(wl->w->loop, fd, 0);
		tag = xcalloc(1, sizeof(*tag));
		tag->svc = svc;
		tag->w = wl->w;
		tag->sock = sock;
		tag->fd = fd;
		tag->tls = wl->tls;
		tag_addrs(tag, &peer);
		tag->timer.cb = conn_timer;
		tag->ctx = &wl->w->ctx;
		tag->h1_reader = wl->w->h1_reader;
		sock->on_close.cb = on_conn_close;
		sock->on_close.data = tag;
		h2o_linklist_insert(&wl->w->conns, &tag->link);
		conn_arm(tag);
		if (wl->tls) {
			svc_gate_tls_accept(tag, &wl->w->tls);
			continue;
		}
		tag->in_engine++;	/* h2o may close it at once */
		h2o_accept(&wl->w->plain, sock);
		tag->in_engine--;
		if (tag->closed)
			svc_tag_free(tag);
		else
			svc_gate_wrap(tag);
	}
}

static void
wl_close(struct wlistener *wl)
{
	if (h2o_timeout_is_linked(&wl->pause))
		h2o_timeout_unlink(&wl->pause);
	h2o_socket_read_stop(wl->sock);
	h2o_socket_close(wl->sock);
	free(wl);
}

static struct wlistener *
wl_open(struct worker *w, const struct listener *l)
{
	struct wlistener	*wl;
	int			 fd;

	fd = fcntl(l->fd, F_DUPFD_CLOEXEC, 0);
	if (fd == -1) {
		log_error("cannot share listener %s:%u with a worker: %m",
		    l->addr, l->port);
		return NULL;
	}
	wl = xcalloc(1, sizeof(*wl));
	wl->id = l->id;
	wl->fd = fd;
	wl->tls = l->tls;
	wl->w = w;
	wl->sock = h2o_evloop_socket_create(w->loop, fd,
	    H2O_SOCKET_FLAG_DONT_READ);
	wl->sock->data = wl;
	wl->pause.cb = on_pause_end;
	h2o_socket_read_start(wl->sock, on_accept);
	return wl;
}

static struct wlistener *
wl_take(struct worker *w, uint64_t id)
{
	for (size_t i = 0; i < w->n_lis; i++)
		if (w->lis[i] != NULL && w->lis[i]->id == id) {
			struct wlistener *wl = w->lis[i];
			w->lis[i] = NULL;
			return wl;
		}
	return NULL;
}

/* Makes this loop's listeners match svc->lis. */
static void
sync_listeners(struct worker *w)
{
	struct svc		*svc = w->svc;
	struct wlistener	*nl[HTTPSVC_LISTENERS_MAX];
	size_t			 nn = 0;

	pthread_mutex_lock(&svc->lis_lock);
	for (size_t i = 0; i < svc->n_lis; i++) {
		struct wlistener *wl = wl_take(w, svc->lis[i].id);
		if (wl == NULL)
			wl = wl_open(w, &svc->lis[i]);
		if (wl == NULL)
			continue;
		wl->tls = svc->lis[i].tls;
		nl[nn++] = wl;
	}
	pthread_mutex_unlock(&svc->lis_lock);
	for (size_t i = 0; i < w->n_lis; i++)
		if (w->lis[i] != NULL)
			wl_close(w->lis[i]);
	memcpy(w->lis, nl, nn * sizeof(nl[0]));
	w->n_lis = nn;
}

/* Closes what retire.c can close now, and looks again at the rest soon. */
static void
retire(struct worker *w)
{
	if (h2o_timeout_is_linked(&w->retire_again))
		h2o_timeout_unlink(&w->retire_again);
	if (svc_retire_sweep(&w->ctx, &w->conns, h2o_now(w->loop)) > 0)
		h2o_timeout_link(w->loop, &w->retire_timeout, &w->retire_again);
}

static void
on_retire_again(h2o_timeout_entry_t *entry)
{
	retire(H2O_STRUCT_FROM_MEMBER(struct worker, retire_again, entry));
}

/* The HTTP/2 request bodies of this loop, against the spool limits. */
static void
on_h2_watch(h2o_timeout_entry_t *entry)
{
	struct worker	*w = H2O_STRUCT_FROM_MEMBER(struct worker,
	    h2_watch_entry, entry);

	w->h2_counted = svc_h2_watch(w->svc, &w->ctx, w->h2_counted);
	h2o_timeout_link(w->loop, &w->h2_watch, &w->h2_watch_entry);
}

static void
on_message(h2o_multithread_receiver_t *rx, h2o_linklist_t *messages)
{
	struct worker	*w = H2O_STRUCT_FROM_MEMBER(struct worker, rx, rx);

	while (!h2o_linklist_is_empty(messages)) {
		struct wmsg *m = H2O_STRUCT_FROM_MEMBER(struct wmsg,
		    super.link, messages->next);
		h2o_linklist_unlink(&m->super.link);
		switch (m->kind) {
		case WMSG_SYNC:
			if (!atomic_load(&w->svc->draining))
				sync_listeners(w);
			break;
		case WMSG_DRAIN:
			for (size_t i = 0; i < w->n_lis; i++)
				wl_close(w->lis[i]);
			w->n_lis = 0;
			h2o_context_request_shutdown(&w->ctx);
			break;
		case WMSG_DISPOSE:
			svc_upstream_dispose(&m->app->pools[w - w->svc->
			    workers]);
			svc_app_pool_gone(m->app);
			break;
		case WMSG_RETIRE:
			retire(w);
			break;
		case WMSG_EXIT:
			w->stop = true;
			break;
		}
		free(m);
	}
}

uint64_t
svc_conn_tick_ms(const struct svc_limits *lim)
{
	uint64_t	t = lim->header_timeout_ms < lim->idle_timeout_ms ?
	    lim->header_timeout_ms : lim->idle_timeout_ms;

	t /= 4;
	return t < 50 ? 50 : t;
}

static void
send_msg(struct worker *w, enum wmsg_kind kind, struct app *app)
{
	struct wmsg	*m = xcalloc(1, sizeof(*m));

	m->kind = kind;
	m->app = app;
	h2o_multithread_send_message(&w->rx, &m->super);
}

void
svc_worker_dispose_pool(struct svc *svc, struct app *app, size_t i)
{
	send_msg(&svc->workers[i], WMSG_DISPOSE, app);
}

size_t
svc_worker_index(struct svc *svc, h2o_context_t *ctx)
{
	struct worker	*w = H2O_STRUCT_FROM_MEMBER(struct worker, ctx, ctx);

	return (size_t)(w - svc->workers);
}

h2o_loop_t *
svc_worker_loop(struct svc *svc, size_t i)
{
	return svc->workers[i].loop;
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;

	w->loop = h2o_evloop_create();
	h2o_context_init(&w->ctx, w->loop, &w->svc->gconf);
	w->plain.ctx = &w->ctx;
	w->plain.hosts = w->svc->gconf.hosts;
	w->tls = w->plain;
	w->tls.ssl_ctx = tls_front_ctx(w->svc->front);
	svc_gate_learn(&w->plain, &w->h1_reader);
	h2o_timeout_init(w->loop, &w->h2_watch, SVC_H2_WATCH_MS);
	w->h2_watch_entry.cb = on_h2_watch;
	h2o_timeout_link(w->loop, &w->h2_watch, &w->h2_watch_entry);
	h2o_timeout_init(w->loop, &w->pause_timeout, ACCEPT_PAUSE_MS);
	w->tick_ms = svc_conn_tick_ms(&w->svc->lim);
	h2o_timeout_init(w->loop, &w->conn_tick, w->tick_ms);
	h2o_linklist_init_anchor(&w->conns);
	h2o_timeout_init(w->loop, &w->retire_timeout, RETIRE_AGAIN_MS);
	w->retire_again.cb = on_retire_again;
	w->queue = h2o_multithread_create_queue(w->loop);
	h2o_multithread_register_receiver(w->queue, &w->rx, on_message);
	sync_listeners(w);
	h2o_barrier_wait(w->ready);
	while (!w->stop)
		h2o_evloop_run(w->loop, INT32_MAX);
	/*
	 * Stay alive until the process exits: h2o keeps per-thread buffer
	 * caches that would be lost (and reported as leaks by LeakSanitizer)
	 * if the thread ended before the process.
	 */
	h2o_barrier_wait(&w->svc->stopped);
	for (;;)
		pause();
	return NULL;
}

int
svc_workers_start(struct svc *svc, struct rs_err *e)
{
	size_t		n = svc->lim.threads;
	long		cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (n == 0)
		n = cpus > 0 ? (size_t)cpus : 1;
	if (n > HTTPSVC_THREADS_MAX)
		n = HTTPSVC_THREADS_MAX;
	h2o_barrier_init(&svc->ready, n + 1);
	svc->workers = xcalloc(n, sizeof(*svc->workers));
	svc->n_workers = n;
	for (size_t i = 0; i < n; i++) {
		svc->workers[i].svc = svc;
		svc->workers[i].ready = &svc->ready;
		if (pthread_create(&svc->workers[i].tid, NULL, worker_main,
		    &svc->workers[i]) != 0)
			return rs_err_sys(e, RS_E_INTERNAL,
			    "cannot start worker thread %zu", i);
	}
	h2o_barrier_wait(&svc->ready);
	return 0;
}

void
svc_workers_notify(struct svc *svc)
{
	for (size_t i = 0; i < svc->n_workers; i++)
		send_msg(&svc->workers[i], WMSG_SYNC, NULL);
}

void
svc_workers_retire(struct svc *svc)
{
	for (size_t i = 0; i < svc->n_workers; i++)
		send_msg(&svc->workers[i], WMSG_RETIRE, NULL);
}

void
svc_workers_drain(struct svc *svc)
{
	struct timespec	ts = { 0, 50 * 1000 * 1000 };
	uint64_t	waited = 0;

	atomic_store(&svc->draining, true);
	for (size_t i = 0; i < svc->n_workers; i++)
		send_msg(&svc->workers[i], WMSG_DRAIN, NULL);
	while (atomic_load(&svc->conns) > 0 &&
	    waited < svc->lim.drain_timeout_ms) {
		nanosleep(&ts, NULL);
		waited += 50;
	}
	if (atomic_load(&svc->conns) > 0)
		log_warn("drain: %lu connections still open after %llu ms; "
		    "closing them", (unsigned long)atomic_load(&svc->conns),
		    (unsigned long long)svc->lim.drain_timeout_ms);
}

void
svc_workers_join(struct svc *svc)
{
	h2o_barrier_init(&svc->stopped, svc->n_workers + 1);
	for (size_t i = 0; i < svc->n_workers; i++)
		send_msg(&svc->workers[i], WMSG_EXIT, NULL);
	h2o_barrier_wait(&svc->stopped);
}
