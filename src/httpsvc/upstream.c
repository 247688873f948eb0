/*
 * upstream.c: one worker's keep-alive connections to one application
 * (struct app_pool).  Every pool belongs to one application on one worker
 * loop and is used by that loop only, so an idle connection simply stays
 * registered on the loop: it is parked on a small LIFO stack with a read
 * callback that closes it if the application closes it (or sends anything
 * unasked), and the next request takes the most recent one.  A timer
 * closes connections idle for HTTPSVC_UPSTREAM_IDLE_MS, less than the
 * applications' own idle timeout, so httpsvc is normally the side that
 * closes.  A connection can still die between the check and the request's
 * write (the application closed it at that instant); forward.c retries
 * such a request once on a new connection when nothing was answered.
 */
#include "httpsvc/httpsvc.h"

#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "common/xmalloc.h"

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
svc_upstream_init(struct app_pool *ap, h2o_loop_t *loop, const char *path,
    uint64_t io_timeout_ms)
{
	memset(&ap->addr, 0, sizeof(ap->addr));
	ap->addr.sun_family = AF_UNIX;
	str_copy(ap->addr.sun_path, sizeof(ap->addr.sun_path), path);
	ap->loop = loop;
	ap->idle = xcalloc(HTTPSVC_UPSTREAM_POOL, sizeof(*ap->idle));
	ap->n_idle = 0;
	h2o_timeout_init(loop, &ap->idle_timeout, HTTPSVC_UPSTREAM_IDLE_MS);
	ap->idle_entry.cb = on_idle_timer;
	h2o_timeout_init(loop, &ap->io_timeout, io_timeout_ms);
	ap->inited = true;
}

/*
 * Requests still in flight hold a reference on the application, so by
 * now only parked sockets are left.
 */
void
svc_upstream_dispose(struct app_pool *ap)
{
	if (!ap->inited)
		return;
	while (ap->n_idle > 0)
		h2o_socket_close(take(ap, ap->n_idle - 1));
	if (h2o_timeout_is_linked(&ap->idle_entry))
		h2o_timeout_unlink(&ap->idle_entry);
	h2o_timeout_dispose(ap->loop, &ap->idle_timeout);
	h2o_timeout_dispose(ap->loop, &ap->io_timeout);
	free(ap->idle);
	ap->idle = NULL;
	ap->inited = false;
}

h2o_socket_t *
svc_upstream_take(struct app_pool *ap)
{
	h2o_socket_t	*sock;

	expire(ap, h2o_now(ap->loop));
	while (ap->n_idle > 0) {
		sock = take(ap, ap->n_idle - 1);
		if (sock->input->size != 0) {
			h2o_socket_close(sock);
			continue;
		}
		h2o_socket_read_stop(sock);
		sock->data = NULL;
		return sock;
	}
	return NULL;
}

void
svc_upstream_put(struct app_pool *ap, h2o_socket_t *sock)
{
	expire(ap, h2o_now(ap->loop));
	if (ap->n_idle == HTTPSVC_UPSTREAM_POOL || sock->input->size != 0) {
		h2o_socket_close(sock);
		return;
	}
	sock->data = ap;
	h2o_socket_read_start(sock, on_idle_read);
	ap->idle[ap->n_idle].sock = sock;
	ap->idle[ap->n_idle].since = h2o_now(ap->loop);
	ap->n_idle++;
	if (!h2o_timeout_is_linked(&ap->idle_entry))
		h2o_timeout_link(ap->loop, &ap->idle_timeout, &ap->idle_entry);
}

h2o_socket_t *
svc_upstream_connect(struct app_pool *ap, h2o_socket_cb cb)
{
	return h2o_socket_connect(ap->loop, (struct sockaddr *)&ap->addr,
	    sizeof(ap->addr), cb);
}
