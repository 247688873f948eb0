/*
 * endpoint.c: the pure parts of the binding module: endpoint and
 * application id syntax and their canonical forms, the choice of a binding
 * for a TLS handshake (SNI name, then exact address, then the wildcard
 * address of the family), and the Windows error codes httpcfg prints.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "binding/binding.h"
#include "common/str.h"

static int
parse_port(const char *s, uint16_t *port, struct rs_err *e)
{
	unsigned long	v = 0;
	size_t		i;

	if (s[0] == '\0' || s[0] == '0' || strlen(s) > 5)
		return rs_err_set(e, RS_E_USAGE, "the port must be 1..65535 "
		    "without a leading zero");
	for (i = 0; s[i] != '\0'; i++) {
		if (!isdigit((unsigned char)s[i]))
			return rs_err_set(e, RS_E_USAGE, "the port must be a "
			    "decimal number 1..65535");
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return rs_err_set(e, RS_E_USAGE, "the port must be 1..65535");
	*port = (uint16_t)v;
	return 0;
}

static int
parse_ipport(const char *text, char out[BINDING_ENDPOINT_MAX],
    struct rs_err *e)
{
	char		 host[64], canon[INET6_ADDRSTRLEN];
	const char	*colon;
	uint8_t		 a[16];
	uint16_t	 port;
	bool		 v6 = text[0] == '[';

	colon = v6 ? strstr(text, "]:") : strrchr(text, ':');
	if (colon == NULL || (!v6 && strchr(text, ':') != colon))
		return rs_err_set(e, RS_E_USAGE, "ipport must be IP:PORT, with "
		    "an IPv6 address in brackets ([::]:443)");
	if (v6)
		text++;
	if ((size_t)(colon - text) >= sizeof(host))
		return rs_err_set(e, RS_E_USAGE, "the address is too long");
	memcpy(host, text, (size_t)(colon - text));
	host[colon - text] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, a) != 1)
		return rs_err_set(e, RS_E_USAGE, "%s is not a valid %s address",
		    host, v6 ? "IPv6" : "IPv4");
	if (parse_port(colon + (v6 ? 2 : 1), &port, e) == -1)
		return -1;
	inet_ntop(v6 ? AF_INET6 : AF_INET, a, canon, sizeof(canon));
	snprintf(out, BINDING_ENDPOINT_MAX, v6 ? "[%s]:%u" : "%s:%u", canon,
	    (unsigned)port);
	return 0;
}

static int
check_hostname(const char *h, struct rs_err *e)
{
	size_t	label = 0, len = strlen(h);
	uint8_t	a[16];

	if (len == 0 || len > 253)
		return rs_err_set(e, RS_E_USAGE, "the host name must have 1..253 "
		    "characters");
	if (inet_pton(AF_INET, h, a) == 1 || strchr(h, ':') != NULL ||
	    h[0] == '[')
		return rs_err_set(e, RS_E_USAGE, "%s is an IP address; use "
		    "ipport= for an address (hostnameport= is chosen by the "
		    "TLS SNI name)", h);
	for (; *h != '\0'; h++) {
		if (*h == '.') {
			if (label == 0)
				return rs_err_set(e, RS_E_USAGE, "the host name "
				    "has an empty label");
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*h) && *h != '-' && *h != '_')
			return rs_err_set(e, RS_E_USAGE, "the host name has a "
			    "character that is not allowed ('%c'); use letters, "
			    "digits, '-' and '.' (no wildcards)", *h);
		if (++label > 63)
			return rs_err_set(e, RS_E_USAGE, "a label of the host "
			    "name is longer than 63 characters");
	}
	/* One trailing dot is gone already; "a..:443" leaves "a.". */
	if (label == 0)
		return rs_err_set(e, RS_E_USAGE, "the host name has an empty "
		    "label");
	return 0;
}

static int
parse_hostnameport(const char *text, char out[BINDING_ENDPOINT_MAX],
    struct rs_err *e)
{
	char		 host[256];
	const char	*colon = strrchr(text, ':');
	uint16_t	 port;
	size_t		 i, len;

	if (colon == NULL || text[0] == '[')
		return rs_err_set(e, RS_E_USAGE, "hostnameport must be "
		    "NAME:PORT, like www.example.com:443");
	len = (size_t)(colon - text);
	if (len >= 254)
		return rs_err_set(e, RS_E_USAGE, "the host name must have 1..253 "
		    "characters");
	for (i = 0; i < len; i++)
		host[i] = (char)tolower((unsigned char)text[i]);
	host[len] = '\0';
	if (len > 1 && host[len - 1] == '.')
		host[len - 1] = '\0';
	if (check_hostname(host, e) == -1)
		return -1;
	if (parse_port(colon + 1, &port, e) == -1)
		return -1;
	snprintf(out, BINDING_ENDPOINT_MAX, "%s:%u", host, (unsigned)port);
	return 0;
}

int
binding_endpoint_parse(const char *text, enum binding_kind kind,
    char out[BINDING_ENDPOINT_MAX], struct rs_err *e)
{
	if (text == NULL || text[0] == '\0')
		return rs_err_set(e, RS_E_USAGE, "the endpoint is empty");
	if (strlen(text) >= BINDING_ENDPOINT_MAX)
		return rs_err_set(e, RS_E_USAGE, "the endpoint is longer than "
		    "%d characters", BINDING_ENDPOINT_MAX - 1);
	if (kind == BINDING_IPPORT)
		return parse_ipport(text, out, e);
	return parse_hostnameport(text, out, e);
}

int
binding_appid_parse(const char *text, char out[BINDING_APPID_MAX],
    struct rs_err *e)
{
	static const size_t dash[] = { 8, 13, 18, 23 };
	char	g[37];
	size_t	len, i, d = 0;

	len = text != NULL ? strlen(text) : 0;
	if (len == 38 && text[0] == '{' && text[37] == '}')
		text++, len -= 2;
	if (len != 36)
		goto bad;
	for (i = 0; i < 36; i++) {
		if (d < nitems(dash) && i == dash[d]) {
			if (text[i] != '-')
				goto bad;
			d++;
		} else if (!isxdigit((unsigned char)text[i]))
			goto bad;
		g[i] = (char)tolower((unsigned char)text[i]);
	}
	g[36] = '\0';
	snprintf(out, BINDING_APPID_MAX, "{%s}", g);
	return 0;
bad:
	return rs_err_set(e, RS_E_USAGE, "an application id is a GUID like "
	    "{4dc3e181-e14b-4a21-b022-59fc669b0914}");
}

/* Splits a canonical endpoint into host (no brackets) and port. */
static bool
split_endpoint(const char *ep, char *host, size_t hostsz, uint16_t *port)
{
	const char	*colon = strrchr(ep, ':');
	size_t		 len;
	uint64_t	 v;

	if (colon == NULL || str_parse_uint(colon + 1, 1, 65535, &v, "port",
	    NULL) == -1)
		return false;
	*port = (uint16_t)v;
	if (ep[0] == '[')
		ep++;
	len = (size_t)(colon - ep);
	if (len > 0 && ep[len - 1] == ']')
		len--;
	if (len >= hostsz)
		return false;
	memcpy(host, ep, len);
	host[len] = '\0';
	return true;
}

struct addr {
	int	af;
	uint8_t	a[16];
};

static bool
addr_parse(const char *s, struct addr *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->af = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, out->a) != 1)
		return false;
	out->af = AF_INET6;
	if (memcmp(out->a, mapped, 12) == 0) {
		memmove(out->a, out->a + 12, 4);
		memset(out->a + 4, 0, 12);
		out->af = AF_INET;
	}
	return true;
}

static bool
sni_eq(const char *host, const char *sni)
{
	size_t	hl = strlen(host), sl = strlen(sni);

	if (sl > 0 && sni[sl - 1] == '.')
		sl--;
	return hl == sl && strncasecmp(host, sni, sl) == 0;
}

/* 2: exact address, 1: wildcard of the family, 0: no. */
static int
ip_rank(const char *host, const struct addr *local)
{
	static const uint8_t zero[16];
	struct addr	 b;

	if (!addr_parse(host, &b) || b.af != local->af)
		return 0;
	if (memcmp(b.a, local->a, 16) == 0)
		return 2;
	return memcmp(b.a, zero, 16) == 0 ? 1 : 0;
}

int
binding_choose(const struct binding_ssl *v, size_t n, const char *sni,
    const char *local_ip, uint16_t port)
{
	char		host[BINDING_ENDPOINT_MAX], suffix[8];
	struct addr	local;
	bool		have_local;
	int		best = -1, best_rank = 0, r;
	uint16_t	p;
	size_t		i;

	have_local = local_ip != NULL && addr_parse(local_ip, &local);
	snprintf(suffix, sizeof(suffix), ":%u", (unsigned)port);
	for (i = 0; i < n; i++) {
		/* A cheap test first: this runs on every handshake. */
		if (!str_has_suffix(v[i].endpoint, suffix) ||
		    !split_endpoint(v[i].endpoint, host, sizeof(host), &p) ||
		    p != port)
			continue;
		if (v[i].kind == BINDING_HOSTNAMEPORT)
			r = sni != NULL && sni_eq(host, sni) ? 3 : 0;
		else
			r = have_local ? ip_rank(host, &local) : 0;
		if (r > best_rank) {
			best_rank = r;
			best = (int)i;
		}
	}
	return best;
}

int
binding_win32_code(const struct rs_err *e)
{
	switch (e->code) {
	case RS_E_OK:
		return 0;
	case RS_E_EXISTS:
		return 183;
	case RS_E_NOTFOUND:
		return 2;
	case RS_E_USAGE:
	case RS_E_BADINPUT:
	case RS_E_LIMIT:
		return 87;
	case RS_E_PERM:
		return 5;
	case RS_E_BUSY:
		return 170;
	default:
		return 1359;
	}
}

const char *
binding_win32_text(int code)
{
	switch (code) {
	case 0:
		return "The operation completed successfully.";
	case 2:
		return "The system cannot find the file specified.";
	case 5:
		return "Access is denied.";
	case 87:
		return "The parameter is incorrect.";
	case 170:
		return "The requested resource is in use.";
	case 183:
		return "Cannot create a file when that file already exists.";
	case 1312:
		return "A specified logon session does not exist. It may "
		    "already have been terminated.";
	default:
		return "An internal error occurred.";
	}
}
