/*
 * config.c: the limits file, ROOT/http/httpsvc.conf.  One "name value"
 * per line, '#' starts a comment.  Each directive is a row of one table
 * (name, min, max, field); the parser collects every error as
 * "file:line: message" and applies nothing when there is any (STYLE B8).
 * A missing file means all defaults.
 */
#include "httpsvc/httpsvc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fsutil.h"
#include "common/str.h"

struct directive {
	const char	*name;
	uint64_t	 min, max;
	size_t		 off;
};

#define D(name, min, max, field) \
	{ name, min, max, offsetof(struct svc_limits, field) }
static const struct directive directives[] = {
	D("request_line_max", 256, 1024 * 1024, request_line_max),
	D("header_bytes_max", 1024, 400 * 1024, header_bytes_max),
	D("headers_max", 8, 100, headers_max),
	D("body_max", 0, 1ull << 40, body_max),
	D("header_timeout_ms", 100, 3600000, header_timeout_ms),
	D("idle_timeout_ms", 100, 3600000, idle_timeout_ms),
	D("handshake_timeout_ms", 100, 600000, handshake_timeout_ms),
	D("upstream_timeout_ms", 100, 3600000, upstream_timeout_ms),
	D("max_connections", 1, 10000000, max_connections),
	D("drain_timeout_ms", 0, 3600000, drain_timeout_ms),
	D("threads", 0, HTTPSVC_THREADS_MAX, threads),
	D("access_log", 0, 1, access_log),
	D("upstream_buffer_max", 16 * 1024, 1ull << 30, upstream_buffer_max),
	D("buffer_memory_max", 64 * 1024, 1ull << 30, buffer_memory_max),
	D("spool_conn_max", 0, 1ull << 40, spool_conn_max),
	D("spool_max", 0, 1ull << 44, spool_max),
	D("hsts_max_age", 0, 1ull << 32, hsts_max_age),
	D("hsts_include_subdomains", 0, 1, hsts_include_subdomains),
};
#undef D

void
svc_limits_default(struct svc_limits *l)
{
	l->request_line_max = HTTPSVC_REQUEST_LINE_MAX;
	l->header_bytes_max = HTTPSVC_HEADER_BYTES_MAX;
	l->headers_max = HTTPSVC_HEADERS_MAX;
	l->body_max = HTTPSVC_BODY_MAX;
	l->header_timeout_ms = HTTPSVC_HEADER_TIMEOUT_MS;
	l->idle_timeout_ms = HTTPSVC_IDLE_TIMEOUT_MS;
	l->handshake_timeout_ms = HTTPSVC_HANDSHAKE_TIMEOUT_MS;
	l->upstream_timeout_ms = HTTPSVC_UPSTREAM_TIMEOUT_MS;
	l->max_connections = HTTPSVC_MAX_CONNECTIONS;
	l->drain_timeout_ms = HTTPSVC_DRAIN_TIMEOUT_MS;
	l->threads = 0;
	l->access_log = 1;
	l->upstream_buffer_max = HTTPSVC_UPSTREAM_BUFFER_MAX;
	l->buffer_memory_max = HTTPSVC_BUFFER_MEMORY_MAX;
	l->spool_conn_max = HTTPSVC_SPOOL_CONN_MAX;
	l->spool_max = HTTPSVC_SPOOL_MAX;
	l->hsts_max_age = HTTPSVC_HSTS_MAX_AGE;
	l->hsts_include_subdomains = 0;
}

void
svc_hsts_value(const struct svc_limits *l, char *out, size_t outsz)
{
	if (l->hsts_max_age == 0) {
		out[0] = '\0';
		return;
	}
	snprintf(out, outsz, "max-age=%llu%s",
	    (unsigned long long)l->hsts_max_age,
	    l->hsts_include_subdomains ? "; includeSubDomains" : "");
}

/* Appends "path:line: msg" to the collected errors in e. */
static void
note(struct rs_err *e, int *nerr, const char *path, int line,
    const char *msg)
{
	char	one[sizeof(e->msg) + 64];

	snprintf(one, sizeof(one), "%s%.200s:%d: %.300s", *nerr ? "\n" : "", path,
	    line, msg);
	str_append(e->msg, sizeof(e->msg), one);
	(*nerr)++;
}

static void
apply_line(char *s, struct svc_limits *l, struct rs_err *e, int *nerr,
    const char *path, int line)
{
	char		*val, msg[200];
	uint64_t	 v;
	struct rs_err	 e1;

	s = str_trim(s);
	if (*s == '\0' || *s == '#')
		return;
	val = s + strcspn(s, " \t");
	if (*val != '\0')
		*val++ = '\0';
	val = str_trim(val);
	for (size_t i = 0; i < nitems(directives); i++) {
		if (strcmp(s, directives[i].name) != 0)
			continue;
		if (str_parse_uint(val, directives[i].min, directives[i].max,
		    &v, s, &e1) == -1) {
			note(e, nerr, path, line, e1.msg);
			return;
		}
		*(uint64_t *)((char *)l + directives[i].off) = v;
		return;
	}
	snprintf(msg, sizeof(msg), "unknown directive '%.60s'", s);
	note(e, nerr, path, line, msg);
}

int
svc_config_load(const char *path, struct svc_limits *out, struct rs_err *e)
{
	struct svc_limits	 l = *out;
	char			*text, *line, *next;
	size_t			 len;
	int			 nerr = 0, lineno = 0;
	struct rs_err		 e1;

	text = fs_read_file(path, HTTPSVC_CONFIG_MAX, &len, &e1);
	if (text == NULL) {
		if (e1.code == RS_E_NOTFOUND)
			return 0;
		*e = e1;
		return -1;
	}
	rs_err_clear(e);
	for (line = text; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		apply_line(line, &l, e, &nerr, path, ++lineno);
	}
	free(text);
	if (nerr > 0) {
		e->code = RS_E_CONFIG;
		return -1;
	}
	*out = l;
	return 0;
}
