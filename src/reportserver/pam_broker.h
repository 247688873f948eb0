/*
 * pam_broker.h: PAM sign-in across a privilege boundary.  pam_unix checks
 * another user's password only as root (its helper unix_chkpwd checks
 * nothing but the caller's own), so when the report server runs as its
 * service account rsconfig starts a broker that stays root next to it,
 * joined by a socketpair: the report server sends a user name and a
 * password, the broker answers yes or no.  The broker does nothing else:
 * it takes the PAM service from its own config, not from the request, and
 * exits when the report server closes its end.
 */
#ifndef RS_REPORTSERVER_PAM_BROKER_H
#define RS_REPORTSERVER_PAM_BROKER_H

#include <stdbool.h>
#include <stdint.h>

/* Checks user and pw with PAM service (authenticate, then account). */
bool	rs_pam_local(const char *service, const char *user, const char *pw);

/*
 * Asks the broker on fd (a SOCK_SEQPACKET socket); *seq numbers the
 * requests, so an answer that comes too late is never taken for the next
 * one.  False on "no", on a timeout and on any error (logged).
 */
bool	rs_pam_ask(int fd, uint32_t *seq, const char *user, const char *pw);

/* The broker's loop: answers requests on fd until the other end closes. */
int	rs_pam_broker_run(int fd, const char *service);

#endif
