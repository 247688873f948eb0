/*
 * uppool.c: keep-alive connections to the applications that stay on their
 * worker's event loop.  h2o 2.2's upstream pool exports an idle socket
 * from the loop when a request ends (epoll_ctl DEL, a malloc, its
 * descriptor handed to a shared list) and imports it again for the next
 * request (malloc, epoll_ctl ADD): two system calls and two allocations
 * per proxied request, which perf showed as the keep-alive gap to nginx.
 *
 * Every pool in httpsvc is one application's pool on one worker (struct
 * app_pool), used by that worker only, so the sharing the export allows
 * is never needed.  httpsvc interposes h2o_socketpool_return and
 * h2o_socketpool_connect (the engine's upstream client calls them through
 * the dynamic linker): a returned socket stays registered on the loop,
 * parked on a small LIFO stack of the app_pool with a read callback that
 * closes it if the application closes it or sends anything; the next
 * request takes the most recent one (checked alive with a MSG_PEEK recv,
 * as h2o does), else h2o connects a new one.  A timer closes sockets idle
 * for HTTPSVC_UPSTREAM_IDLE_MS, as h2o's pool did.  Pools that are not an
 * app_pool (none today) go to h2o's own functions.
 */
#include "httpsvc/httpsvc.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/xmalloc.h"

typedef int	return_fn(h2o_socketpool_t *, h2o_socket_t *);
typedef void	connect_fn(h2o_socketpool_connect_request_t **,
		    h2o_socketpool_t *, h2o_loop_t *,
		    h2o_multithread_receiver_t *, h2o_socketpool_connect_cb,
		    void *);

static struct app_pool *
ours(h2o_socketpool_t *pool)
{
	struct app_pool	*ap = (struct app_pool *)pool;

	return ap->magic == APP_POOL_MAGIC ? ap : NULL;
}

/* Removes entry i of the stack (keeping the order) and returns its socket. */
static h2o_socket_t *
take(struct app_pool *ap, size_t i)
{
	h2o_socket_t	*sock = ap->idle[i].sock;

	memmove(&ap->idle[i], &ap->idle[i + 1],
	    (ap->n_idle - i - 1) * sizeof(ap->idle[0]));
	ap->n_idle--;
	return sock;
}

/* A parked socket became readable: EOF, an error or stray bytes. */
static void
on_idle_read(h2o_socket_t *sock, const char *err)
{
	struct app_pool	*ap = sock->data;

	(void)err;
	for (size_t i = 0; i < ap->n_idle; i++)
		if (ap->idle[i].sock == sock) {
			take(ap, i);
			break;
		}
	h2o_socket_close(sock);
}

/* Closes the sockets parked longer than the idle limit (oldest first). */
static void
expire(struct app_pool *ap, uint64_t now)
{
	while (ap->n_idle > 0 &&
	    now - ap->idle[0].since >= HTTPSVC_UPSTREAM_IDLE_MS)
		h2o_socket_close(take(ap, 0));
}

static void
on_idle_timer(h2o_timeout_entry_t *entry)
{
	struct app_pool	*ap = H2O_STRUCT_FROM_MEMBER(struct app_pool,
			    idle_entry, entry);

	expire(ap, h2o_now(ap->loop));
	if (ap->n_idle > 0)
		h2o_timeout_link(ap->loop, &ap->idle_timeout, &ap->idle_entry);
}

void
svc_uppool_init(struct app_pool *ap, h2o_loop_t *loop)
{
	ap->loop = loop;
	ap->idle = xcalloc(HTTPSVC_UPSTREAM_POOL, sizeof(*ap->idle));
	ap->n_idle = 0;
	h2o_timeout_init(loop, &ap->idle_timeout, HTTPSVC_UPSTREAM_IDLE_MS);
	ap->idle_entry.cb = on_idle_timer;
	ap->magic = APP_POOL_MAGIC;
}

void
svc_uppool_dispose(struct app_pool *ap)
{
	if (ap->magic != APP_POOL_MAGIC)
		return;
	while (ap->n_idle > 0)
		h2o_socket_close(take(ap, ap->n_idle - 1));
	if (h2o_timeout_is_linked(&ap->idle_entry))
		h2o_timeout_unlink(&ap->idle_entry);
	h2o_timeout_dispose(ap->loop, &ap->idle_timeout);
	free(ap->idle);
	ap->idle = NULL;
	ap->magic = 0;
}

int
h2o_socketpool_return(h2o_socketpool_t *pool, h2o_socket_t *sock)
{
	static return_fn	*real;
	struct app_pool		*ap = ours(pool);

	if (ap == NULL) {
		if (real == NULL)
			real = (return_fn *)dlsym(RTLD_NEXT,
			    "h2o_socketpool_return");
		return real(pool, sock);
	}
	expire(ap, h2o_now(ap->loop));
	if (ap->n_idle == HTTPSVC_UPSTREAM_POOL) {
		h2o_socket_close(sock);
		return -1;
	}
	svc_flow_detach(sock);
	/* on_close stays h2o's: closing it later counts it out of pool. */
	sock->data = ap;
	h2o_socket_read_start(sock, on_idle_read);
	ap->idle[ap->n_idle].sock = sock;
	ap->idle[ap->n_idle].since = h2o_now(ap->loop);
	ap->n_idle++;
	if (!h2o_timeout_is_linked(&ap->idle_entry))
		h2o_timeout_link(ap->loop, &ap->idle_timeout, &ap->idle_entry);
	return 0;
}

/* True when the peer of a parked socket has not closed it. */
static bool
alive(h2o_socket_t *sock)
{
	char	c;
	ssize_t	n;

	if (sock->input != NULL && sock->input->size != 0)
		return false;
	n = recv(h2o_socket_get_fd(sock), &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

/* A new upstream connection of a forwarded request (flow.c). */
static void
on_connected(h2o_socket_t *sock, const char *err, void *data)
{
	struct svc_fwd	*f = data;

	if (sock != NULL)
		svc_flow_attach(f, sock);
	f->real_cb(sock, err, f->real_data);
}

void
h2o_socketpool_connect(h2o_socketpool_connect_request_t **req,
    h2o_socketpool_t *pool, h2o_loop_t *loop,
    h2o_multithread_receiver_t *getaddr_receiver,
    h2o_socketpool_connect_cb cb, void *data)
{
	static connect_fn	*real;
	struct app_pool		*ap = ours(pool);
	struct svc_fwd		*f = svc_fwd_connecting;
	h2o_socket_t		*sock;

	svc_fwd_connecting = NULL;
	if (ap == NULL || f == NULL || f->ov.socketpool != pool)
		f = NULL;
	while (ap != NULL && ap->n_idle > 0) {
		sock = take(ap, ap->n_idle - 1);
		if (!alive(sock)) {
			h2o_socket_close(sock);
			continue;
		}
		/* The client starts reading once its request is written. */
		h2o_socket_read_stop(sock);
		sock->data = NULL;
		if (req != NULL)
			*req = NULL;
		svc_flow_attach(f, sock);
		cb(sock, NULL, data);
		return;
	}
	if (real == NULL)
		real = (connect_fn *)dlsym(RTLD_NEXT, "h2o_socketpool_connect");
	if (f == NULL) {
		real(req, pool, loop, getaddr_receiver, cb, data);
		return;
	}
	f->real_cb = cb;
	f->real_data = data;
	real(req, pool, loop, getaddr_receiver, on_connected, f);
}
