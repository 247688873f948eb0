/*
 * listen.c: listening sockets.  Every needed address gets one non-blocking
 * TCP socket that all worker loops share (each polls a dup of it), so a
 * reload can add or drop a port without touching the others.  IPv6
 * wildcard sockets are IPV6_V6ONLY so "0.0.0.0" and "::" coexist.  When
 * systemd passes sockets (LISTEN_FDS), those are adopted instead of
 * binding again.
 */
#include "httpsvc/httpsvc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "common/log.h"
#include "common/str.h"

void
svc_addr_text(const struct sockaddr *sa, char *ip, size_t ipsz,
    uint16_t *port)
{
	const struct sockaddr_in	*s4 = (const void *)sa;
	const struct sockaddr_in6	*s6 = (const void *)sa;

	ip[0] = '\0';
	*port = 0;
	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, ip, (socklen_t)ipsz);
		*port = ntohs(s4->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, (socklen_t)ipsz);
		*port = ntohs(s6->sin6_port);
	}
}

static int
fill_addr(const char *addr, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*s4 = (void *)ss;
	struct sockaddr_in6	*s6 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return 0;
	}
	return -1;
}

int
svc_listen_open(const char *addr, uint16_t port, struct rs_err *e)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	int			fd, on = 1;

	if (fill_addr(addr, port, &ss, &len) == -1)
		return rs_err_set(e, RS_E_CONFIG,
		    "cannot listen on %s:%u: not an IP address", addr, port);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		return rs_err_sys(e, RS_E_IO, "cannot listen on %s:%u", addr,
		    port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, H2O_SOMAXCONN) == -1) {
		rs_err_sys(e, errno == EACCES ? RS_E_PERM : RS_E_IO,
		    "cannot listen on %s%s%s:%u",
		    ss.ss_family == AF_INET6 ? "[" : "", addr,
		    ss.ss_family == AF_INET6 ? "]" : "", port);
		close(fd);
		return -1;
	}
	return fd;
}

size_t
svc_listen_inherit(struct svc *svc)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct listener		*l;
	int			 n;

	n = sd_listen_fds(1);
	if (n <= 0)
		return 0;
	for (int i = 0; i < n && svc->n_lis < HTTPSVC_LISTENERS_MAX; i++) {
		int fd = SD_LISTEN_FDS_START + i;
		len = sizeof(ss);
		if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0 ||
		    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
			log_warn("systemd socket %d is not a listening TCP "
			    "socket; ignored", fd);
			continue;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		l = &svc->lis[svc->n_lis++];
		memset(l, 0, sizeof(*l));
		l->id = ++svc->next_lis_id;
		l->fd = fd;
		l->inherited = true;
		svc_addr_text((struct sockaddr *)&ss, l->addr, sizeof(l->addr),
		    &l->port);
		log_info("adopted systemd socket %s:%u", l->addr, l->port);
	}
	return (size_t)n;
}
