/*
 * pam_broker.c: the two ends of the PAM broker (see pam_broker.h for the
 * wire format and the limits).  Requests are checked for length and shape
 * before PAM sees them, then against the broker's own limits: a failure
 * table of names (limit.h) and a token bucket for all checks.  Buffers
 * holding a password are wiped.
 */
#include "reportserver/pam_broker.h"
#include "reportserver/limit.h"
#include "reportserver/passwd.h"
#include "reportserver/signin.h"
#include "catalog/catalog.h"
#include "common/log.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BROKER_REQ_MAX	(4 + CATALOG_NAME_MAX + 1 + RS_PASSWD_MAX)
#define BROKER_ANS_LEN	7
#define BROKER_WAIT_MS	30000	/* PAM over the network may be slow */

/* The broker's limits and their state. */
struct broker {
	const char		*service;
	struct limit_table	 names;
	int64_t			 tokens;	/* thousandths of a check */
	int64_t			 filled_ms;	/* when tokens was last topped up */
	int64_t			 warned_ms;	/* last "too many" line */
	int64_t			 bad_ms;	/* last "malformed" line */
	unsigned		 bad;		/* malformed since then */
};

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

/* Logs malformed requests, at most one line a second (a peer may flood). */
static void
malformed(struct broker *b, ssize_t n)
{
	int64_t	now = limit_now();

	b->bad++;
	if (now - b->bad_ms < 1000)
		return;
	log_warn("pam broker: %u malformed request(s) refused (the last of "
	    "%zd bytes)", b->bad, n);
	b->bad_ms = now;
	b->bad = 0;
}

/* Takes one check from the bucket; else *wait_s until there is one. */
static bool
take_token(struct broker *b, int64_t now, unsigned *wait_s)
{
	b->tokens += (now - b->filled_ms) * RS_PAM_RATE;
	b->filled_ms = now;
	if (b->tokens > RS_PAM_BURST * 1000)
		b->tokens = RS_PAM_BURST * 1000;
	if (b->tokens >= 1000) {
		b->tokens -= 1000;
		return true;
	}
	*wait_s = (unsigned)((1000 - b->tokens) / (RS_PAM_RATE * 1000) + 1);
	if (now - b->warned_ms >= 1000) {
		b->warned_ms = now;
		log_warn("pam broker: more than %d password checks a second; "
		    "refusing some (is the report server compromised?)",
		    RS_PAM_RATE);
	}
	return false;
}

/* The answer to a well-formed request. */
static enum rs_pam_answer
answer(struct broker *b, const char *user, const char *pw, unsigned *wait_s)
{
	char			 key[CATALOG_NAME_MAX + 1];
	const struct limit_entry *e;
	int64_t			 now = limit_now(), w;
	bool			 locked;
	size_t			 i;

	for (i = 0; user[i] != '\0' && i + 1 < sizeof(key); i++)
		key[i] = (char)tolower((unsigned char)user[i]);
	key[i] = '\0';
	w = limit_wait(&b->names, key, now, &locked);
	if (w > 0) {
		*wait_s = (unsigned)((w + 999) / 1000);
		return RS_PAM_LIMITED;
	}
	if (!take_token(b, now, wait_s))
		return RS_PAM_LIMITED;
	if (rs_pam_local(b->service, user, pw)) {
		limit_forgive(&b->names, key, 0, now);
		return RS_PAM_YES;
	}
	now = limit_now();
	e = limit_fail(&b->names, key, 0, now);
	if (e->open_ms > now)
		log_warn("pam broker: user '%.64s': %u failed checks; the next "
		    "is refused for %lld s", user, e->count,
		    (long long)(e->open_ms - now + 999) / 1000);
	return RS_PAM_NO;
}

int
rs_pam_broker_run(int fd, const struct rsconf *conf)
{
	struct limit_policy	pol;
	struct broker		b = { .service = conf->pam_service };
	char			buf[BROKER_REQ_MAX + 1];
	ssize_t			n;

	rs_signin_account_policy(conf, &pol);
	limit_init(&b.names, &pol, RS_PAM_NAMES_MAX);
	b.tokens = RS_PAM_BURST * 1000;
	b.filled_ms = limit_now();
	for (;;) {
		const char	*user, *pw;
		uint32_t	 seq;
		unsigned	 wait = 0;
		char		 ans[BROKER_ANS_LEN];
		uint16_t	 w16;

		n = recv(fd, buf, sizeof(buf) - 1, MSG_TRUNC);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* the report server closed its end */
		if ((size_t)n > sizeof(buf) - 1 ||
		    !parse_req(buf, (size_t)n, &seq, &user, &pw)) {
			malformed(&b, n);
			explicit_bzero(buf, sizeof(buf));
			continue;
		}
		memcpy(ans, &seq, 4);
		ans[4] = (char)answer(&b, user, pw, &wait);
		explicit_bzero(buf, sizeof(buf));
		w16 = wait > UINT16_MAX ? UINT16_MAX : (uint16_t)wait;
		memcpy(ans + 5, &w16, 2);
		if (send(fd, ans, sizeof(ans), MSG_NOSIGNAL) == -1)
			break;
	}
	explicit_bzero(buf, sizeof(buf));
	limit_fini(&b.names);
	return n == 0 ? 0 : -1;
}

/* Waits for the answer to seq, dropping late answers to earlier ones. */
static enum rs_pam_answer
await(int fd, uint32_t seq, unsigned *wait_s)
{
	struct timespec	t0, t;
	char		ans[BROKER_ANS_LEN];
	uint32_t	got;
	uint16_t	w16;

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
			return RS_PAM_NO;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if (recv(fd, ans, sizeof(ans), 0) != (ssize_t)sizeof(ans)) {
			log_error("pam broker: gone (%s); PAM sign-in is not "
			    "possible until the report server restarts",
			    strerror(errno));
			return RS_PAM_NO;
		}
		memcpy(&got, ans, 4);
		if (got != seq)
			continue;
		memcpy(&w16, ans + 5, 2);
		*wait_s = w16;
		return ans[4] == RS_PAM_YES ? RS_PAM_YES :
		    ans[4] == RS_PAM_LIMITED ? RS_PAM_LIMITED : RS_PAM_NO;
	}
}

enum rs_pam_answer
rs_pam_ask(int fd, uint32_t *seq, const char *user, const char *pw,
    unsigned *wait_s)
{
	char	buf[BROKER_REQ_MAX];
	size_t	ul = strlen(user), pl = strlen(pw);
	bool	ok;

	*wait_s = 0;
	if (ul == 0 || ul > CATALOG_NAME_MAX || pl > RS_PASSWD_MAX)
		return RS_PAM_NO;
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
		return RS_PAM_NO;
	}
	return await(fd, *seq, wait_s);
}
