/*
 * flow.c: a client that does not read never makes httpsvc buffer an
 * application's whole response.  h2o 2.2's proxy reads the upstream socket
 * as fast as the application writes and keeps what the client has not
 * taken yet in that socket's input buffer; the engine offers no limit.
 * httpsvc adds one without changing the proxy:
 *
 * - forward() gives each request a struct svc_fwd (its req->overrides);
 *   while the proxy connects, the upstream pool (uppool.c) hands the
 *   connected socket to svc_flow_attach, which chains the socket's on_close
 *   so that the socket's end is seen.
 * - Each time the proxy passes a piece of the body on (h2o_send, which the
 *   engine calls through the dynamic linker and httpsvc interposes), the
 *   upstream socket's read callback is wrapped: after every read, when the
 *   bytes waiting in the socket's input are over lim.upstream_buffer_max,
 *   reading stops (h2o_socket_read_stop).
 * - When the client has taken what was in flight the proxy moves the
 *   waiting bytes out and calls h2o_send again; then reading resumes.
 *
 * So a connection holds at most about twice the limit plus one socket
 * buffer.  A socket that goes back to the pool or closes is detached first
 * (svc_flow_detach, the on_close chain); the request's end detaches the
 * rest.  An upstream read that stays stopped longer than
 * upstream_timeout_ms ends the response as the proxy's timeout does.
 */
#include "httpsvc/httpsvc.h"

#include <dlfcn.h>

typedef void	send_fn(h2o_req_t *, h2o_iovec_t *, size_t, h2o_send_state_t);

/* The request whose upstream read callback is running, or NULL once its
 * socket or request went away during the callback. */
static _Thread_local struct svc_fwd	*reading;

static void	on_close_chained(void *);

static struct svc_fwd *
of_sock(h2o_socket_t *sock)
{
	return sock->on_close.cb == on_close_chained ? sock->on_close.data :
	    NULL;
}

static void
unhook(struct svc_fwd *f)
{
	h2o_socket_t	*sock = f->sock;

	if (reading == f)
		reading = NULL;
	if (sock == NULL)
		return;
	sock->on_close.cb = f->close_cb;
	sock->on_close.data = f->close_data;
	f->sock = NULL;
}

static void
on_close_chained(void *data)
{
	struct svc_fwd	*f = data;
	void		(*cb)(void *) = f->close_cb;
	void		*cbdata = f->close_data;

	f->sock = NULL;
	if (reading == f)
		reading = NULL;
	if (cb != NULL)
		cb(cbdata);
}

void
svc_flow_attach(struct svc_fwd *f, h2o_socket_t *sock)
{
	if (f == NULL || sock == NULL || f->sock != NULL || of_sock(sock))
		return;
	f->sock = sock;
	f->close_cb = sock->on_close.cb;
	f->close_data = sock->on_close.data;
	f->orig_read = NULL;
	f->paused = false;
	sock->on_close.cb = on_close_chained;
	sock->on_close.data = f;
}

void
svc_flow_detach(h2o_socket_t *sock)
{
	struct svc_fwd	*f = of_sock(sock);

	if (f == NULL)
		return;
	if (sock->_cb.read == svc_flow_on_read)
		sock->_cb.read = f->orig_read;
	else if (f->paused && sock->_cb.read == NULL)
		h2o_socket_read_start(sock, f->orig_read);
	unhook(f);
}

void
svc_flow_dispose(void *p)
{
	struct svc_fwd	*f = p;

	if (f->sock != NULL)
		svc_flow_detach(f->sock);
	if (reading == f)
		reading = NULL;
}

void
svc_flow_on_read(h2o_socket_t *sock, const char *err)
{
	struct svc_fwd	*f = of_sock(sock);

	if (f == NULL || f->orig_read == NULL) {
		h2o_socket_read_stop(sock);	/* never: do not spin */
		return;
	}
	reading = f;
	f->orig_read(sock, err);
	if (reading != f)
		return;		/* the socket or the request is gone */
	reading = NULL;
	if (f->sock == sock && sock->_cb.read == svc_flow_on_read &&
	    sock->input->size > f->limit) {
		h2o_socket_read_stop(sock);
		f->paused = true;
	}
}

/* The proxy passes body bytes on: wrap the reader, or resume it. */
static void
flow_send(struct svc_fwd *f)
{
	h2o_socket_t	*sock = f->sock;

	if (sock == NULL)
		return;
	if (f->paused) {
		/* read_stop cleared the callback: start it again. */
		if (sock->input->size <= f->limit) {
			f->paused = false;
			h2o_socket_read_start(sock, svc_flow_on_read);
		}
		return;
	}
	if (sock->_cb.read != svc_flow_on_read && sock->_cb.read != NULL) {
		f->orig_read = sock->_cb.read;
		sock->_cb.read = svc_flow_on_read;
	}
}

void
h2o_send(h2o_req_t *req, h2o_iovec_t *bufs, size_t bufcnt,
    h2o_send_state_t state)
{
	static send_fn	*real;
	struct svc_fwd	*f = (struct svc_fwd *)req->overrides;

	if (real == NULL)
		real = (send_fn *)dlsym(RTLD_NEXT, "h2o_send");
	if (f != NULL && f->magic == SVC_FWD_MAGIC &&
	    state == H2O_SEND_STATE_IN_PROGRESS)
		flow_send(f);
	real(req, bufs, bufcnt, state);
}

_Thread_local struct svc_fwd	*svc_fwd_connecting;
