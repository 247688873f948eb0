/*
 * fuzz_urlres.c: fuzz target of urlres/, the URL prefix parser and the
 * router.  Each input line is parsed as a prefix; every accepted prefix
 * must format, parse again to the same reservation and format the same
 * (the canonical form is a fixed point).  Then each line is also taken as
 * a request URL, split loosely into scheme, host, port and path, and
 * routed over the accepted prefixes; a match must have the request's
 * scheme and port.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/xmalloc.h"
#include "urlres/urlres.h"

#define LINES_MAX	16

/* The request parts of a line; every field is NUL-terminated. */
struct request {
	char		scheme[8];
	char		host[URLRES_HOST_MAX];
	uint16_t	port;
	char		path[URLRES_PATH_MAX];
};

/* Splits "scheme://host:port/path" without judging any part. */
static void
split_request(const char *s, struct request *r)
{
	const char	*p = strstr(s, "://"), *slash, *colon;
	size_t		 n;
	unsigned long	 port;

	memset(r, 0, sizeof(*r));
	if (p != NULL) {
		n = (size_t)(p - s) < sizeof(r->scheme) - 1 ?
		    (size_t)(p - s) : sizeof(r->scheme) - 1;
		memcpy(r->scheme, s, n);
		s = p + 3;
	} else
		memcpy(r->scheme, "http", 4);
	slash = strchr(s, '/');
	n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof(r->host))
		n = sizeof(r->host) - 1;
	memcpy(r->host, s, n);
	colon = strrchr(r->host, ':');
	if (colon != NULL) {
		port = strtoul(colon + 1, NULL, 10);
		r->port = port <= 65535 ? (uint16_t)port : 0;
	}
	snprintf(r->path, sizeof(r->path), "%s", slash != NULL ? slash : "/");
}

/* Format, parse again, compare: the canonical form must be stable. */
static void
check_canonical(const struct urlres_prefix *p)
{
	struct urlres_prefix	 q;
	struct rs_err		 e;
	char			 text[URLRES_TEXT_MAX];
	char			 key[URLRES_TEXT_MAX];
	char			 again[URLRES_TEXT_MAX];

	if (urlres_format(p, text, sizeof(text)) < 0)
		fuzz_fail("urlres_format of a parsed prefix failed", p->path);
	if (urlres_key(p, key, sizeof(key)) < 0)
		fuzz_fail("urlres_key of a parsed prefix failed", text);
	if (urlres_parse(text, &q, &e) == -1)
		fuzz_fail("canonical prefix does not parse", text);
	if (!urlres_same(p, &q) || q.kind != p->kind)
		fuzz_fail("canonical prefix parses to another prefix", text);
	if (urlres_format(&q, again, sizeof(again)) < 0 ||
	    strcmp(text, again) != 0)
		fuzz_fail("canonical form is not a fixed point", text);
	(void)urlres_kind_name(p->kind);
}

static void
route(const struct urlres_prefix *v, size_t n, const char *line)
{
	struct request	r;
	int		i;

	split_request(line, &r);
	i = urlres_match(v, n, r.scheme, r.host[0] != '\0' ? r.host : NULL,
	    r.host, r.port, r.path);
	if (i >= (int)n)
		fuzz_fail("urlres_match index out of range", line);
	if (i >= 0 && (v[i].port != r.port ||
	    strcasecmp(v[i].scheme, r.scheme) != 0))
		fuzz_fail("urlres_match chose another scheme or port", line);
	for (size_t j = 0; j < n; j++) {
		(void)urlres_path_under(v[j].path, r.path);
		(void)urlres_scheme_clash(v, n, &v[j]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct urlres_prefix	*v;
	struct rs_err		 e;
	char			*lines[LINES_MAX];
	size_t			 nlines = 0, n = 0;

	v = xcalloc(LINES_MAX, sizeof(*v));
	while (nlines < LINES_MAX && (size > 0 || nlines == 0)) {
		lines[nlines] = fuzz_head(data, size, &data, &size);
		if (urlres_parse(lines[nlines], &v[n], &e) == 0)
			check_canonical(&v[n++]);
		nlines++;
	}
	for (size_t i = 0; i < nlines; i++) {
		route(v, n, lines[i]);
		free(lines[i]);
	}
	free(v);
	return 0;
}
