/*
 * ctl.c: a small client of httpsvc's control socket.  The tools that
 * change the binding store use it to ask the daemon to reload, and
 * httpcfg to read its state.  One request line, one answer line, with a
 * deadline on the whole exchange so a wedged daemon cannot hang a tool.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "binding/binding.h"
#include "common/buf.h"
#include "common/root.h"
#include "common/str.h"

static long
ms_left(const struct timespec *start)
{
	struct timespec	now;
	long		el;

	clock_gettime(CLOCK_MONOTONIC, &now);
	el = (now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
	return BINDING_CTL_TIMEOUT_MS - el;
}

static int
ctl_connect(const char *root, struct rs_err *e)
{
	struct sockaddr_un	sa;
	char			path[RS_PATH_MAX];
	int			fd;

	if (rs_root_path(root, BINDING_CTL_SOCKET, path, sizeof(path), e) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (str_copy(sa.sun_path, sizeof(sa.sun_path), path) == -1)
		return rs_err_set(e, RS_E_IO, "control socket path %s is longer "
		    "than a Unix socket allows", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return rs_err_sys(e, RS_E_IO, "cannot create a socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	close(fd);
	if (errno == ENOENT || errno == ECONNREFUSED)
		return rs_err_set(e, RS_E_NOTFOUND, "httpsvc is not running "
		    "(nothing listens on %s)", path);
	return rs_err_sys(e, errno == EACCES ? RS_E_PERM : RS_E_IO,
	    "cannot connect to httpsvc at %s", path);
}

static int
wait_fd(int fd, short ev, const struct timespec *start, struct rs_err *e)
{
	struct pollfd	pfd = { .fd = fd, .events = ev };
	long		left = ms_left(start);
	int		rc;

	if (left <= 0)
		return rs_err_set(e, RS_E_IO, "httpsvc did not answer within %d "
		    "ms", BINDING_CTL_TIMEOUT_MS);
	do
		rc = poll(&pfd, 1, (int)left);
	while (rc == -1 && errno == EINTR);
	if (rc == 0)
		return rs_err_set(e, RS_E_IO, "httpsvc did not answer within %d "
		    "ms", BINDING_CTL_TIMEOUT_MS);
	if (rc == -1)
		return rs_err_sys(e, RS_E_IO, "cannot wait for httpsvc");
	return 0;
}

static int
send_line(int fd, const char *req, const struct timespec *start,
    struct rs_err *e)
{
	char	line[1024];
	size_t	len, off = 0;
	ssize_t	n;

	if (strchr(req, '\n') != NULL || str_copy(line, sizeof(line) - 1,
	    req) == -1)
		return rs_err_set(e, RS_E_USAGE, "a control request is one short "
		    "line");
	str_append(line, sizeof(line), "\n");
	len = strlen(line);
	while (off < len) {
		if (wait_fd(fd, POLLOUT, start, e) == -1)
			return -1;
		n = send(fd, line + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n == -1)
			return rs_err_sys(e, RS_E_IO, "cannot send to httpsvc");
		off += (size_t)n;
	}
	return 0;
}

static int
read_line(int fd, struct buf *b, const struct timespec *start,
    struct rs_err *e)
{
	char	chunk[4096];
	ssize_t	n;

	while (b->len == 0 || b->data[b->len - 1] != '\n') {
		if (wait_fd(fd, POLLIN, start, e) == -1)
			return -1;
		n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n == -1)
			return rs_err_sys(e, RS_E_IO, "cannot read from httpsvc");
		if (n == 0)
			return rs_err_set(e, RS_E_IO, "httpsvc closed the control "
			    "connection without an answer");
		if (memchr(chunk, '\n', (size_t)n) != NULL)
			n = (char *)memchr(chunk, '\n', (size_t)n) - chunk + 1;
		if (buf_append(b, chunk, (size_t)n, e) == -1)
			return -1;
	}
	b->data[--b->len] = '\0';
	if (b->len > 0 && b->data[b->len - 1] == '\r')
		b->data[--b->len] = '\0';
	return 0;
}

int
binding_ctl_call(const char *root, const char *request, char **answer,
    struct rs_err *e)
{
	struct timespec	start;
	struct buf	b;
	int		fd, rv = -1;

	*answer = NULL;
	clock_gettime(CLOCK_MONOTONIC, &start);
	buf_init(&b, BINDING_CTL_ANSWER_MAX);
	fd = ctl_connect(root, e);
	if (fd == -1)
		return -1;
	if (send_line(fd, request, &start, e) == -1 ||
	    read_line(fd, &b, &start, e) == -1)
		goto out;
	*answer = buf_take(&b, NULL);
	rv = 0;
out:
	close(fd);
	buf_fini(&b);
	return rv;
}

int
binding_notify_reload(const char *root, struct rs_err *e)
{
	struct rs_err	 le;
	char		*ans = NULL;
	int		 rv;

	rs_err_clear(&le);
	if (binding_ctl_call(root, "RELOAD", &ans, &le) == -1) {
		if (le.code == RS_E_NOTFOUND)
			return 0;
		if (e != NULL)
			*e = le;
		return -1;
	}
	if (strncmp(ans, "OK", 2) == 0 && (ans[2] == '\0' || ans[2] == ' '))
		rv = 1;
	else
		rv = rs_err_set(e, RS_E_IO, "httpsvc refused to reload: %.400s",
		    ans);
	free(ans);
	return rv;
}
