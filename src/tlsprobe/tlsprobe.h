/*
 * tlsprobe.h: "select the URL to verify it works", as a client does it.
 * Connects to an http or https URL, and for https shows the certificate
 * the server sent (subject, DNS names, SHA-1 thumbprint, expiry) and how
 * a client that trusts the certificate store's Root folder (plus an
 * optional CA file) judges it: trusted or not, and why; whether the name
 * in the URL is one of its names.  Then it sends one GET (with HTTP Basic
 * credentials when given) and reports the status and the authentication
 * challenge.
 *
 * It never sends a client certificate and never skips a check silently:
 * an untrusted certificate is still shown, with the reason, and the HTTP
 * request still made, so the caller can say everything that is wrong.
 *
 * Errors: RS_E_USAGE a malformed URL, RS_E_NOTFOUND a host that does not
 * resolve, RS_E_IO connection refused or timed out, RS_E_TLS the
 * handshake failed (message with the TLS alert), RS_E_BADINPUT a
 * malformed HTTP answer, RS_E_LIMIT an answer whose head is too large.
 */
#ifndef RS_TLSPROBE_TLSPROBE_H
#define RS_TLSPROBE_TLSPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "common/err.h"

#define TLSPROBE_HEAD_MAX	(64 * 1024)	/* response head bytes */
#define TLSPROBE_TIMEOUT_MS	10000
#define TLSPROBE_ROOT_MAX	1000		/* Root certificates loaded */

struct tlsprobe_opts {
	const char	*url;		/* http(s)://host[:port][/path] */
	const char	*connect_to;	/* address to dial instead of host */
	const char	*root_dir;	/* folder of trusted PEM roots, or NULL */
	const char	*cafile;	/* another trusted PEM file, or NULL */
	const char	*user;		/* Basic credentials, or NULL */
	const char	*password;
	unsigned	 timeout_ms;	/* 0: TLSPROBE_TIMEOUT_MS */
};

struct tlsprobe_result {
	bool	 https;
	char	 host[256];
	unsigned port;
	char	 path[1024];
	char	 address[64];		/* the address connected to */
	/* TLS (https only). */
	char	 tls_version[16];	/* "TLSv1.3" */
	char	 cipher[64];
	char	 subject[512];
	char	 issuer[512];
	char	 names[1024];		/* DNS names, ", " joined */
	char	 thumbprint[41];	/* SHA-1, upper-case hex */
	time_t	 not_before, not_after;
	long	 days_left;
	bool	 trusted;		/* chain verified to a trusted root */
	char	 trust_reason[256];	/* why not, "" when trusted */
	bool	 name_ok;		/* the URL's host is one of its names */
	bool	 client_cert_requested;
	/* HTTP. */
	int	 status;		/* 0 when no answer */
	char	 reason[128];
	char	 www_authenticate[256];
	char	 location[512];
};

/*
 * Runs the probe.  Returns 0 when an HTTP answer came back (whatever its
 * status and whatever the certificate), -1 with e when the connection or
 * handshake failed; *res holds what was learnt up to that point.
 */
int	tlsprobe_run(const struct tlsprobe_opts *, struct tlsprobe_result *,
	    struct rs_err *);

#endif
