/*
 * fuzz_binding.c: fuzz target of the binding/ input parsers that httpcfg
 * (the netsh http grammar: ipport=, hostnameport=, appid=) hands user
 * text to, and of the in-memory choice made at each TLS handshake.  Each
 * input line is parsed as an ipport, a hostnameport and an application
 * id; every canonical form must parse again to itself.  The accepted
 * endpoints then form a binding list, and every line is also used as the
 * SNI name and the local address of a handshake: the chosen binding must
 * be on the handshake's port.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binding/binding.h"
#include "common/err.h"
#include "common/xmalloc.h"

#define LINES_MAX	16

/* Parses text as kind; on success checks the canonical form is stable. */
static int
endpoint(const char *text, enum binding_kind kind,
    char out[BINDING_ENDPOINT_MAX])
{
	char		again[BINDING_ENDPOINT_MAX];
	struct rs_err	e;

	rs_err_clear(&e);
	if (binding_endpoint_parse(text, kind, out, &e) == -1) {
		if (e.msg[0] == '\0')
			fuzz_fail("endpoint refused without a reason", text);
		(void)binding_win32_text(binding_win32_code(&e));
		return -1;
	}
	if (binding_endpoint_parse(out, kind, again, &e) == -1)
		fuzz_fail("canonical endpoint does not parse", out);
	if (strcmp(out, again) != 0)
		fuzz_fail("canonical endpoint is not a fixed point", out);
	return 0;
}

static void
appid(const char *text)
{
	char		out[BINDING_APPID_MAX], again[BINDING_APPID_MAX];
	struct rs_err	e;

	if (binding_appid_parse(text, out, &e) == -1)
		return;
	if (binding_appid_parse(out, again, &e) == -1 ||
	    strcmp(out, again) != 0)
		fuzz_fail("canonical appid is not a fixed point", out);
}

/* The port of a canonical endpoint (after its last ':'). */
static uint16_t
port_of(const char *ep)
{
	return (uint16_t)strtoul(strrchr(ep, ':') + 1, NULL, 10);
}

static void
choose(const struct binding_ssl *v, size_t n, const char *line)
{
	for (size_t i = 0; i < n; i++) {
		uint16_t	port = port_of(v[i].endpoint);
		int		k;

		k = binding_choose(v, n, line, line, port);
		if (k >= (int)n || (k >= 0 && port_of(v[k].endpoint) != port))
			fuzz_fail("binding_choose chose another port", line);
		(void)binding_choose(v, n, NULL, line, port);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct binding_ssl	*v;
	char			*lines[LINES_MAX];
	size_t			 nlines = 0, n = 0;

	v = xcalloc(2 * LINES_MAX, sizeof(*v));
	while (nlines < LINES_MAX && (size > 0 || nlines == 0)) {
		char *s = fuzz_head(data, size, &data, &size);

		lines[nlines++] = s;
		if (endpoint(s, BINDING_IPPORT, v[n].endpoint) == 0)
			v[n++].kind = BINDING_IPPORT;
		if (endpoint(s, BINDING_HOSTNAMEPORT, v[n].endpoint) == 0)
			v[n++].kind = BINDING_HOSTNAMEPORT;
		appid(s);
	}
	for (size_t i = 0; i < nlines; i++) {
		choose(v, n, lines[i]);
		free(lines[i]);
	}
	free(v);
	return 0;
}
