/*
 * pam_broker.h: PAM sign-in across a privilege boundary.  pam_unix checks
 * another user's password only as root (its helper unix_chkpwd checks
 * nothing but the caller's own), so when the report server runs as its
 * service account rsconfig starts a broker that stays root next to it,
 * joined by a socketpair: the report server sends a user name and a
 * password, the broker answers yes, no, or "limited" (below).  The broker
 * does nothing else: it takes the PAM service from its own config, not
 * from the request, and exits when the report server closes its end.
 *
 * It also keeps its own limits, so that a compromised report server cannot
 * test passwords as fast as PAM answers: after LockoutThreshold failures
 * for one name (forgotten after LockoutMinutes without one) it refuses to
 * check that name for 1 s, then 2, 4, ... at most 60 s (the report
 * server's own account limit, signin.h); and it checks at most
 * RS_PAM_RATE passwords a second overall (bursts of RS_PAM_BURST).  A
 * refused request never reaches PAM.
 *
 * Wire format: a request is one datagram, a 4-byte sequence number (host
 * order), the user name, a NUL and the password (no NUL, at most
 * RS_PASSWD_MAX bytes).  The answer is the sequence number, one byte
 * (enum rs_pam_answer) and, for RS_PAM_LIMITED, the seconds to wait as a
 * 2-byte host-order number.
 */
#ifndef RS_REPORTSERVER_PAM_BROKER_H
#define RS_REPORTSERVER_PAM_BROKER_H

#include <stdbool.h>
#include <stdint.h>

#include "rsconf/rsconf.h"

#define RS_PAM_RATE		5	/* checks a second, overall */
#define RS_PAM_BURST		20
#define RS_PAM_NAMES_MAX	1024	/* names with failures */

enum rs_pam_answer {
	RS_PAM_NO,
	RS_PAM_YES,
	RS_PAM_LIMITED,		/* not checked: a limit; wait and retry */
};

/* Checks user and pw with PAM service (authenticate, then account). */
bool	rs_pam_local(const char *service, const char *user, const char *pw);

/*
 * Asks the broker on fd (a SOCK_SEQPACKET socket); *seq numbers the
 * requests, so an answer that comes too late is never taken for the next
 * one.  RS_PAM_NO also on a timeout and on any error (logged);
 * RS_PAM_LIMITED with *wait_s.
 */
enum rs_pam_answer rs_pam_ask(int fd, uint32_t *seq, const char *user,
	    const char *pw, unsigned *wait_s);

/*
 * The broker's loop: answers requests on fd until the other end closes,
 * with conf's PAM service and limits.  Returns 0, or -1 on a socket error.
 */
int	rs_pam_broker_run(int fd, const struct rsconf *conf);

#endif
