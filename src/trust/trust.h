/*
 * trust.h: puts trust anchors where the clients of this machine look, and
 * takes them out again (certstore trust).  Debian has two such places:
 *
 *   the system store    one PEM file per anchor in the folder of local
 *                       anchors (/usr/local/share/ca-certificates), named
 *                       certstore-<THUMBPRINT>.crt, then
 *                       update-ca-certificates, which rebuilds
 *                       /etc/ssl/certs (OpenSSL, curl, Python, wget...);
 *   an NSS database     what Chromium and Firefox read ($HOME/.pki/nssdb):
 *                       certutil adds the anchor with the trust flags of a
 *                       CA for TLS servers (C,,) under the nickname
 *                       "certstore <THUMBPRINT>".
 *
 * Only files and nicknames named so are ever removed, so anchors put
 * there by others are never touched.  The two Debian tools are run as
 * programs (packages ca-certificates and libnss3-tools); update-ca-
 * certificates only when the folder is Debian's own (another folder, as
 * tests use, gets the file alone).  certutil runs as the owner of the
 * database, so root can fill a user's database and it stays the user's.
 *
 * What it does not do: it never parses certificates (the caller gives
 * each anchor's PEM, thumbprint and name) and never reads the certificate
 * store.  It runs programs, so only the certstore tool links it.
 */
#ifndef RS_TRUST_TRUST_H
#define RS_TRUST_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define TRUST_SYSTEM_DIR	"/usr/local/share/ca-certificates"
#define TRUST_NSSDB_HOME	".pki/nssdb"	/* under $HOME */
#define TRUST_FILE_PREFIX	"certstore-"
#define TRUST_NICK_PREFIX	"certstore "
#define TRUST_NSS_FLAGS		"C,,"		/* a CA trusted for TLS */
#define TRUST_OUTPUT_MAX	(256 * 1024)	/* a program's output kept */

/* Where to put anchors.  A NULL folder leaves that place alone. */
struct trust_opts {
	const char	*system_dir;	/* TRUST_SYSTEM_DIR, or a test's */
	const char	*nssdb;		/* an NSS database folder */
	bool		 dry_run;	/* say what would be done, do nothing */
};

/* One anchor.  Pointers are borrowed. */
struct trust_anchor {
	const char	*thumbprint;	/* 40 upper-case hex digits */
	const char	*subject;	/* for messages: "CN=Local CA" */
	const char	*pem;		/* the certificate, PEM */
	size_t		 pem_len;
	bool		 is_ca;		/* basicConstraints CA:TRUE */
};

/* Receives each line of what was done (or would be, on a dry run). */
typedef void trust_say_fn(void *arg, const char *line);

/*
 * Puts each anchor into the places of o: the file (replaced when its
 * content differs), then update-ca-certificates once if anything changed
 * in Debian's folder; the NSS nickname with flags C,, (added, or its
 * flags set), creating the database (empty password, as Chromium does)
 * when it does not exist.  Returns 0 or -1 at the first failure, with a
 * message naming what failed and how to fix it (RS_E_PERM: the system
 * store needs root; RS_E_NOTFOUND: a program is not installed; RS_E_IO).
 */
int	trust_add(const struct trust_opts *, const struct trust_anchor *,
	    size_t n, trust_say_fn *, void *arg, struct rs_err *);

/*
 * Takes the anchors with the given thumbprints (n == 0: every anchor
 * named by this module) out of the places of o.  What is not there is
 * said and is not an error.  Errors as trust_add.
 */
int	trust_remove(const struct trust_opts *, const char *const *thumbs,
	    size_t n, trust_say_fn *, void *arg, struct rs_err *);

#endif
