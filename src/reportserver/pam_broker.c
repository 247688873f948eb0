/*
 * pam_broker.c: the two ends of the PAM broker (see pam_broker.h).  A
 * request is one datagram: a 4-byte sequence number, the user name, a NUL
 * and the password (no NUL, at most RS_PASSWD_MAX bytes); the answer is
 * the sequence number and one byte, 1 for yes.  Requests are checked for
 * length and shape before PAM sees them; buffers holding a password are
 * wiped.
 */
#include "reportserver/pam_broker.h"
#include "reportserver/passwd.h"
#include "catalog/catalog.h"
#include "common/log.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BROKER_REQ_MAX	(4 + CATALOG_NAME_MAX + 1 + RS_PASSWD_MAX)
#define BROKER_WAIT_MS	30000	/* PAM over the network may be slow */

/* Splits a request; false when it is not one. */
static bool
parse_req(char *buf, size_t len, uint32_t *seq, const char **user,
    const char **pw)
{
	char	*nul;

	if (len < 4 + 2)
		return false;
	memcpy(seq, buf, 4);
	nul = memchr(buf + 4, '\0', len - 4);
	if (nul == NULL || nul == buf + 4 ||
	    (size_t)(nul - (buf + 4)) > CATALOG_NAME_MAX ||
	    memchr(nul + 1, '\0', len - (size_t)(nul + 1 - buf)) != NULL)
		return false;
	buf[len] = '\0';
	*user = buf + 4;
	*pw = nul + 1;
	return true;
}

int
rs_pam_broker_run(int fd, const char *service)
{
	char		buf[BROKER_REQ_MAX + 1];
	ssize_t		n;

	for (;;) {
		const char	*user, *pw;
		uint32_t	 seq;
		char		 ans[5];

		n = recv(fd, buf, sizeof(buf) - 1, MSG_TRUNC);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* the report server closed its end */
		if ((size_t)n > sizeof(buf) - 1 ||
		    !parse_req(buf, (size_t)n, &seq, &user, &pw)) {
			log_warn("pam broker: a malformed request (%zd bytes) "
			    "was refused", n);
			explicit_bzero(buf, sizeof(buf));
			continue;
		}
		memcpy(ans, &seq, 4);
		ans[4] = rs_pam_local(service, user, pw) ? 1 : 0;
		explicit_bzero(buf, sizeof(buf));
		if (send(fd, ans, sizeof(ans), MSG_NOSIGNAL) == -1)
			break;
	}
	explicit_bzero(buf, sizeof(buf));
	return n == 0 ? 0 : -1;
}

/* Waits for the answer to seq, dropping late answers to earlier ones. */
static bool
await(int fd, uint32_t seq)
{
	struct timespec	t0, t;
	char		ans[5];
	uint32_t	got;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd	pfd = { fd, POLLIN, 0 };
		long		left;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = BROKER_WAIT_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0) {
			log_warn("pam broker: no answer within %d s; sign-in "
			    "refused", BROKER_WAIT_MS / 1000);
			return false;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if (recv(fd, ans, sizeof(ans), 0) != (ssize_t)sizeof(ans)) {
			log_error("pam broker: gone (%s); PAM sign-in is not "
			    "possible until the report server restarts",
			    strerror(errno));
			return false;
		}
		memcpy(&got, ans, 4);
		if (got == seq)
			return ans[4] == 1;
	}
}

bool
rs_pam_ask(int fd, uint32_t *seq, const char *user, const char *pw)
{
	char	buf[BROKER_REQ_MAX];
	size_t	ul = strlen(user), pl = strlen(pw);
	bool	ok;

	if (ul == 0 || ul > CATALOG_NAME_MAX || pl > RS_PASSWD_MAX)
		return false;
	(*seq)++;
	memcpy(buf, seq, 4);
	memcpy(buf + 4, user, ul + 1);
	memcpy(buf + 4 + ul + 1, pw, pl);
	ok = send(fd, buf, 4 + ul + 1 + pl, MSG_NOSIGNAL) != -1;
	explicit_bzero(buf, sizeof(buf));
	if (!ok) {
		log_error("pam broker: cannot send (%s); PAM sign-in is not "
		    "possible until the report server restarts",
		    strerror(errno));
		return false;
	}
	return await(fd, *seq);
}
