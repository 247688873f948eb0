/*
 * upwrite.c: an application's early answer reaches the client.  An
 * application may answer a request before it has read the body (413 Payload
 * Too Large, 401, 403) and close its socket.  h2o 2.2's upstream client
 * then fails the write of the rest of the body with EPIPE or ECONNRESET
 * and its proxy answers 502 without ever reading the answer waiting in the
 * socket.  httpsvc interposes writev(2), which the engine's event loop uses
 * for every socket write: on a worker thread (marked with
 * svc_upwrite_thread), when a write to a Unix stream socket fails because
 * the peer is gone, the bytes are reported as written.  The engine then
 * reads the application's answer and passes it on (status, headers, body);
 * when there is none (the application crashed), that read fails and the
 * client gets 502 as before.  Client connections are TCP and never take
 * this path, nor does any other thread.
 */
#include "httpsvc/httpsvc.h"

#include <errno.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static _Thread_local bool	upstream_thread;

void
svc_upwrite_thread(void)
{
	upstream_thread = true;
}

static bool
unix_stream(int fd)
{
	int		v;
	socklen_t	len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) == -1 ||
	    v != AF_UNIX)
		return false;
	len = sizeof(v);
	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
	    v == SOCK_STREAM;
}

ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
	ssize_t	n;
	size_t	total = 0;
	int	saved;

	n = syscall(SYS_writev, fd, iov, iovcnt);
	if (n != -1 || !upstream_thread || (errno != EPIPE &&
	    errno != ECONNRESET))
		return n;
	saved = errno;
	if (!unix_stream(fd)) {
		errno = saved;
		return -1;
	}
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	return total > SSIZE_MAX ? SSIZE_MAX : (ssize_t)total;
}
