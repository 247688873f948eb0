/*
 * urlres.c: HTTP.sys URL prefixes.  Parsing checks each part against the
 * UrlPrefix rules (scheme, host category, required port, path) and builds
 * the canonical form every store and daemon compares; matching applies
 * HTTP.sys routing precedence: the host categories in order (strong
 * wildcard, explicit host, IP-bound, weak wildcard), the first category
 * with a match wins, and within it the longest path prefix.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "urlres/urlres.h"

/* An address in a form that compares with memcmp. */
struct ipaddr {
	int	af;
	uint8_t	a[16];
};

static int
parse_scheme(const char *text, size_t len, struct urlres_prefix *p,
    struct rs_err *e)
{
	if (len == 4 && strncasecmp(text, "http", 4) == 0)
		str_copy(p->scheme, sizeof(p->scheme), "http");
	else if (len == 5 && strncasecmp(text, "https", 5) == 0)
		str_copy(p->scheme, sizeof(p->scheme), "https");
	else
		return rs_err_set(e, RS_E_USAGE, "the scheme must be http or "
		    "https");
	return 0;
}

/* Text to address; IPv4-mapped IPv6 becomes IPv4. */
static bool
ip_parse(const char *s, struct ipaddr *ip)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, ip->a) == 1) {
		ip->af = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, ip->a) != 1)
		return false;
	ip->af = AF_INET6;
	if (memcmp(ip->a, mapped, sizeof(mapped)) == 0) {
		memmove(ip->a, ip->a + 12, 4);
		memset(ip->a + 4, 0, 12);
		ip->af = AF_INET;
	}
	return true;
}

static bool
is_name_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

/* A DNS or NetBIOS name: labels of 1..63 name characters. */
static int
check_name(const char *h, struct rs_err *e)
{
	size_t	label = 0;

	for (const char *s = h; *s != '\0'; s++) {
		if (!is_name_char((unsigned char)*s))
			return rs_err_set(e, RS_E_USAGE, "the host name %s has "
			    "a character that is not allowed ('%c'); use "
			    "letters, digits, '-', '.', or + or *", h, *s);
		if (*s == '.') {
			if (label == 0)
				return rs_err_set(e, RS_E_USAGE, "the host name "
				    "%s has an empty label", h);
			label = 0;
		} else if (++label > 63)
			return rs_err_set(e, RS_E_USAGE, "the host name %s has "
			    "a label longer than 63 characters", h);
	}
	/* One trailing dot is gone already; "a.." leaves "a.". */
	if (label == 0)
		return rs_err_set(e, RS_E_USAGE, "the host name %s has an "
		    "empty label", h);
	return 0;
}

static int
parse_host_ip6(const char *h, size_t len, struct urlres_prefix *p,
    struct rs_err *e)
{
	char		tmp[64];
	struct in6_addr	a;

	if (len < 3 || len - 2 >= sizeof(tmp) || h[len - 1] != ']')
		return rs_err_set(e, RS_E_USAGE, "the IPv6 host must be written "
		    "in brackets, like [::1]");
	memcpy(tmp, h + 1, len - 2);
	tmp[len - 2] = '\0';
	if (inet_pton(AF_INET6, tmp, &a) != 1)
		return rs_err_set(e, RS_E_USAGE, "the host [%s] is not a valid "
		    "IPv6 address", tmp);
	inet_ntop(AF_INET6, &a, p->host, sizeof(p->host));
	p->kind = URLRES_IP;
	return 0;
}

static int
parse_host(const char *h, size_t len, struct urlres_prefix *p,
    struct rs_err *e)
{
	struct in_addr	a;
	size_t		i;

	if (len == 0)
		return rs_err_set(e, RS_E_USAGE, "the host is missing; use + "
		    "for every host name");
	if (h[0] == '[')
		return parse_host_ip6(h, len, p, e);
	if (len >= sizeof(p->host))
		return rs_err_set(e, RS_E_USAGE, "the host is longer than %zu "
		    "characters", sizeof(p->host) - 1);
	for (i = 0; i < len; i++)
		p->host[i] = (char)tolower((unsigned char)h[i]);
	p->host[len] = '\0';
	if (len > 1 && p->host[len - 1] == '.')
		p->host[len - 1] = '\0';
	if (strcmp(p->host, "+") == 0 || strcmp(p->host, "*") == 0) {
		p->kind = p->host[0] == '+' ? URLRES_STRONG : URLRES_WEAK;
		return 0;
	}
	if (strspn(p->host, "0123456789.") == strlen(p->host)) {
		if (inet_pton(AF_INET, p->host, &a) != 1)
			return rs_err_set(e, RS_E_USAGE, "the host %s is not a "
			    "valid IPv4 address", p->host);
		p->kind = URLRES_IP;
		return 0;
	}
	p->kind = URLRES_HOST;
	return check_name(p->host, e);
}

static int
parse_port(const char *s, size_t len, uint16_t *port, struct rs_err *e)
{
	unsigned long	v = 0;

	if (len == 0)
		return rs_err_set(e, RS_E_USAGE, "the port is missing; HTTP.sys "
		    "needs it in every prefix, like https://+:443/");
	if (s[0] == '0')
		return rs_err_set(e, RS_E_USAGE, "the port must be 1..65535 "
		    "without a leading zero");
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return rs_err_set(e, RS_E_USAGE, "the port must be a "
			    "decimal number 1..65535 (wildcards are not allowed "
			    "in the port)");
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > 65535)
			return rs_err_set(e, RS_E_USAGE, "the port must be "
			    "1..65535");
	}
	*port = (uint16_t)v;
	return 0;
}

static int
check_segment(const char *seg, size_t len, struct rs_err *e)
{
	if (len == 0)
		return rs_err_set(e, RS_E_USAGE, "the path has an empty segment "
		    "(\"//\")");
	if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' &&
	    seg[1] == '.'))
		return rs_err_set(e, RS_E_USAGE, "the path has a \".\" or "
		    "\"..\" segment");
	return 0;
}

static int
parse_path(const char *s, struct urlres_prefix *p, struct rs_err *e)
{
	size_t	len = strlen(s), i, start = 1;

	if (len == 0)
		s = "/", len = 1;
	if (len + 2 > sizeof(p->path))
		return rs_err_set(e, RS_E_USAGE, "the path is longer than %zu "
		    "characters", sizeof(p->path) - 2);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || strchr("%?#\\\"<>", c) != NULL)
			return rs_err_set(e, RS_E_USAGE, "the path has a "
			    "character that is not allowed (%s); write the "
			    "path without %%-encoding, query or fragment",
			    c <= 0x20 ? "a space or control character" :
			    c >= 0x7f ? "a non-ASCII byte" : "one of %?#\\\"<>");
		if (c == '/' && i > 0) {
			if (check_segment(s + start, i - start, e) == -1)
				return -1;
			start = i + 1;
		}
	}
	if (start < len && check_segment(s + start, len - start, e) == -1)
		return -1;
	memcpy(p->path, s, len);
	p->path[len] = '\0';
	if (p->path[len - 1] != '/')
		str_append(p->path, sizeof(p->path), "/");
	return 0;
}

/* Splits "host:port" at the port's colon (after a bracketed IPv6 host). */
static const char *
port_colon(const char *auth, size_t len)
{
	const char	*end = auth + len, *c;

	if (len > 0 && auth[0] == '[') {
		c = memchr(auth, ']', len);
		if (c == NULL || c + 1 >= end || c[1] != ':')
			return NULL;
		return c + 1;
	}
	c = memchr(auth, ':', len);
	return c;
}

int
urlres_parse(const char *text, struct urlres_prefix *p, struct rs_err *e)
{
	const char	*sep, *auth, *slash, *colon;
	size_t		 alen;

	memset(p, 0, sizeof(*p));
	if (text == NULL || strlen(text) >= URLRES_TEXT_MAX)
		return rs_err_set(e, RS_E_USAGE, "the URL prefix is empty or "
		    "longer than %d characters", URLRES_TEXT_MAX - 1);
	sep = strstr(text, "://");
	if (sep == NULL)
		return rs_err_set(e, RS_E_USAGE, "a URL prefix looks like "
		    "https://+:443/path/");
	if (parse_scheme(text, (size_t)(sep - text), p, e) == -1)
		return -1;
	auth = sep + 3;
	slash = strchr(auth, '/');
	alen = slash != NULL ? (size_t)(slash - auth) : strlen(auth);
	colon = port_colon(auth, alen);
	if (colon == NULL) {
		if (alen > 0 && auth[0] == '[' && memchr(auth, ']', alen) == NULL)
			return rs_err_set(e, RS_E_USAGE, "the IPv6 host has no "
			    "closing ']'");
		return rs_err_set(e, RS_E_USAGE, "the port is missing; HTTP.sys "
		    "needs it in every prefix, like https://+:443/");
	}
	if (parse_host(auth, (size_t)(colon - auth), p, e) == -1)
		return -1;
	if (parse_port(colon + 1, (size_t)(auth + alen - colon - 1), &p->port,
	    e) == -1)
		return -1;
	return parse_path(slash != NULL ? slash : "", p, e);
}

static int
format_with(const struct urlres_prefix *p, const char *path, char *out,
    size_t outsz)
{
	bool	v6 = p->kind == URLRES_IP && strchr(p->host, ':') != NULL;
	int	n;

	n = snprintf(out, outsz, "%s://%s%s%s:%u%s", p->scheme, v6 ? "[" : "",
	    p->host, v6 ? "]" : "", (unsigned)p->port, path);
	if (n < 0 || (size_t)n >= outsz)
		return -1;
	return n;
}

int
urlres_format(const struct urlres_prefix *p, char *out, size_t outsz)
{
	return format_with(p, p->path, out, outsz);
}

int
urlres_key(const struct urlres_prefix *p, char *out, size_t outsz)
{
	char	lower[URLRES_PATH_MAX];
	size_t	i;

	for (i = 0; p->path[i] != '\0' && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)p->path[i]);
	lower[i] = '\0';
	return format_with(p, lower, out, outsz);
}

bool
urlres_same(const struct urlres_prefix *a, const struct urlres_prefix *b)
{
	return strcmp(a->scheme, b->scheme) == 0 && a->kind == b->kind &&
	    strcmp(a->host, b->host) == 0 && a->port == b->port &&
	    strcasecmp(a->path, b->path) == 0;
}

bool
urlres_path_under(const char *pp, const char *path)
{
	size_t	plen = strlen(pp), rlen = strcspn(path, "?#");

	if (plen == 0)
		return false;
	if (rlen >= plen && strncasecmp(path, pp, plen) == 0)
		return true;
	/* "/ReportServer" reaches "/ReportServer/". */
	return pp[plen - 1] == '/' && rlen == plen - 1 &&
	    strncasecmp(path, pp, rlen) == 0;
}

/*
 * Host header name equality: case-insensitive, a trailing dot ignored,
 * and a ":port" the caller left on the header ignored.
 */
static bool
host_eq(const char *want, const char *host)
{
	size_t	wl = strlen(want), hl = strcspn(host, ":");

	if (hl > 0 && host[hl - 1] == '.')
		hl--;
	return wl == hl && strncasecmp(want, host, hl) == 0;
}

static bool
ip_eq(const char *want, const char *local_ip)
{
	struct ipaddr	a, b;

	if (!ip_parse(want, &a) || !ip_parse(local_ip, &b))
		return false;
	return a.af == b.af && memcmp(a.a, b.a, sizeof(a.a)) == 0;
}

static bool
host_matches(const struct urlres_prefix *p, const char *host,
    const char *local_ip)
{
	switch (p->kind) {
	case URLRES_STRONG:
	case URLRES_WEAK:
		return true;
	case URLRES_HOST:
		return host != NULL && host_eq(p->host, host);
	case URLRES_IP:
		return local_ip != NULL && ip_eq(p->host, local_ip);
	}
	return false;
}

int
urlres_match(const struct urlres_prefix *v, size_t n, const char *scheme,
    const char *host, const char *local_ip, uint16_t port, const char *path)
{
	int	best = -1;
	size_t	i;

	if (scheme == NULL || path == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const struct urlres_prefix *p = &v[i];

		if (p->port != port || strcasecmp(p->scheme, scheme) != 0 ||
		    !host_matches(p, host, local_ip) ||
		    !urlres_path_under(p->path, path))
			continue;
		if (best == -1 || p->kind < v[best].kind ||
		    (p->kind == v[best].kind &&
		    strlen(p->path) > strlen(v[best].path)))
			best = (int)i;
	}
	return best;
}

int
urlres_scheme_clash(const struct urlres_prefix *v, size_t n,
    const struct urlres_prefix *p)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].port == p->port && strcmp(v[i].scheme, p->scheme) != 0)
			return (int)i;
	return -1;
}

const char *
urlres_kind_name(enum urlres_hostkind k)
{
	switch (k) {
	case URLRES_STRONG:
		return "strong wildcard";
	case URLRES_HOST:
		return "host";
	case URLRES_IP:
		return "IP-bound";
	case URLRES_WEAK:
		return "weak wildcard";
	}
	return "?";
}
