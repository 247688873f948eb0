/*
 * urlres.h: HTTP.sys URL prefixes ("UrlPrefix strings"): parsing,
 * canonical form and request routing.  Pure functions over memory.
 *
 * A prefix is scheme://host:port/path/ where
 *   scheme  http or https (any case in, lower case out);
 *   host    "+"  strong wildcard: every host name;
 *           a DNS or NetBIOS name: matched against the Host header;
 *           an IPv4 literal or [IPv6] literal: the local address the
 *           request arrived on ("IP-bound");
 *           "*"  weak wildcard: whatever nothing else took;
 *   port    decimal 1..65535, no leading zero, required (HTTP.sys never
 *           implies 80/443 in a prefix);
 *   path    optional; compared case-insensitively; always stored with a
 *           trailing '/' (one is appended when missing, as netsh does);
 *           no '%', '?', '#', '\', "//", "." or ".." segments.
 *
 * Routing (urlres_match): the categories are searched in the order strong
 * wildcard, explicit host, IP-bound, weak wildcard; the first category with
 * any matching prefix wins, and within it the longest path.  Scheme and
 * port must be equal.  A request path matches a prefix path P (which ends
 * in '/') when it starts with P, or equals P without its trailing '/'
 * ("/ReportServer" reaches "/ReportServer/", HTTP.sys does the same);
 * "/ReportsX" never matches "/Reports/".
 */
#ifndef RS_URLRES_URLRES_H
#define RS_URLRES_URLRES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define URLRES_HOST_MAX		256	/* bytes with the NUL */
#define URLRES_PATH_MAX		1024
#define URLRES_TEXT_MAX		1300	/* a formatted prefix, with the NUL */

/* In precedence order: a lower value wins. */
enum urlres_hostkind {
	URLRES_STRONG,	/* + */
	URLRES_HOST,	/* explicit host name */
	URLRES_IP,	/* IP-bound */
	URLRES_WEAK	/* * */
};

struct urlres_prefix {
	char			scheme[6];	/* "http" or "https" */
	enum urlres_hostkind	kind;
	/*
	 * "+" or "*"; the host name in lower case; or the canonical IP
	 * address text without brackets ("127.0.0.1", "::1").
	 */
	char			host[URLRES_HOST_MAX];
	uint16_t		port;
	char			path[URLRES_PATH_MAX];	/* starts and ends with '/' */
};

/*
 * Parses and normalises a prefix.  Returns 0, or -1 (RS_E_USAGE) with a
 * message that says which part is wrong and why.
 */
int	urlres_parse(const char *text, struct urlres_prefix *,
	    struct rs_err *);

/*
 * Writes the canonical text ("https://+:8443/ReportServer/", IPv6 hosts in
 * brackets) into out.  Returns the length, or -1 when out is too small
 * (URLRES_TEXT_MAX always suffices).
 */
int	urlres_format(const struct urlres_prefix *, char *out, size_t outsz);

/*
 * Writes a key under which two prefixes are the same reservation (the
 * canonical text with the path folded to lower case).  Same contract as
 * urlres_format.
 */
int	urlres_key(const struct urlres_prefix *, char *out, size_t outsz);

/* True when a and b are the same reservation (path case ignored). */
bool	urlres_same(const struct urlres_prefix *a,
	    const struct urlres_prefix *b);

/*
 * Picks the prefix that HTTP.sys would route a request to.
 *   scheme    "http" or "https" (of the listener);
 *   host      the Host header's name, or NULL when absent; case-insensitive,
 *             a trailing dot and a ":port" ignored;
 *   local_ip  the local address the connection arrived on ("127.0.0.1",
 *             "::1", "::ffff:127.0.0.1"), for IP-bound prefixes; may be NULL;
 *   port      the local port;
 *   path      the request path, starting with '/'; anything from '?' or
 *             '#' on is ignored.  The caller normalises it first (dot
 *             segments, percent-decoding of unreserved characters).
 * Returns the index into prefixes of the best match, or -1.
 */
int	urlres_match(const struct urlres_prefix *prefixes, size_t n,
	    const char *scheme, const char *host, const char *local_ip,
	    uint16_t port, const char *path);

/*
 * True when the request path is under the prefix path (the boundary rule
 * above), case-insensitively.  Exposed for the daemon's bookkeeping.
 */
bool	urlres_path_under(const char *prefix_path, const char *path);

/*
 * HTTP.sys serves http and https on different ports only.  Returns the
 * index of a prefix on p's port with the other scheme, or -1.
 */
int	urlres_scheme_clash(const struct urlres_prefix *prefixes, size_t n,
	    const struct urlres_prefix *p);

/* The category's name: "strong wildcard", "host", "IP-bound", "weak wildcard". */
const char	*urlres_kind_name(enum urlres_hostkind);

#endif
