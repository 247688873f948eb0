/*
 * fuzz_httpsvc_head.c: fuzz target of httpsvc's own request-head code
 * (httpsvc/head.c): the framing checks every HTTP/1 head goes through
 * before h2o acts on it (svc_head_read), the header name and value
 * checks that guard every forwarded head (svc_bad_name, svc_has_ctl), and
 * the answers httpsvc writes itself (svc_raw_answer).  Properties: an
 * accepted head lies within the input and has one unambiguous framing; a
 * refused one has a reason; a head is never both chunked and
 * Content-Length framed; a name that passes has no byte that could end a
 * line; a written answer's Content-Length is its body's length and the
 * reason text cannot add a header line.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "httpsvc/httpsvc.h"

static void
check_answer(const struct svc_head *h, const uint8_t *data, size_t size)
{
	static struct svc	 svc;	/* only hsts is read; all zero */
	char			 out[1024], why[160];
	const char		*body;
	size_t			 n, wl = size < sizeof(why) - 1 ? size :
				    sizeof(why) - 1;

	/* The reasons are static sentences; printable input stands in. */
	for (size_t i = 0; i < wl; i++)
		why[i] = data[i] >= 0x20 && data[i] < 0x7f ? (char)data[i] : '?';
	why[wl] = '\0';
	memcpy(svc.hsts, "max-age=1", 10);
	n = svc_raw_answer(&svc, h != NULL, 400, "Bad Request", why, NULL, out,
	    sizeof(out));
	if (n == 0 || n >= sizeof(out))
		fuzz_fail("an answer did not fit", why);
	out[n] = '\0';
	body = strstr(out, "\r\n\r\n");
	if (body == NULL)
		fuzz_fail("an answer without a blank line", out);
	body += 4;
	if (strstr(out, "Content-Length: ") == NULL || (size_t)strtoul(
	    strstr(out, "Content-Length: ") + 16, NULL, 10) != strlen(body))
		fuzz_fail("an answer's Content-Length is not its body", out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svc_head	 h;
	const char	*why, *buf = (const char *)data;
	int		 r;

	r = svc_head_read(buf, size, &h, &why);
	if (r == -1 && why == NULL)
		fuzz_fail("a head refused without a reason", "");
	if (r == 1) {
		if (h.len == 0 || h.len > size)
			fuzz_fail("an accepted head is not within the input", "");
		if (h.method.base < buf || h.method.base + h.method.len >
		    buf + h.len || h.target.base < buf ||
		    h.target.base + h.target.len > buf + h.len)
			fuzz_fail("method or target outside the head", "");
		if (h.chunked && h.content_length != SVC_HEAD_NO_LENGTH)
			fuzz_fail("both chunked and Content-Length", "");
		if (h.chunked && h.minor == 0)
			fuzz_fail("chunked accepted in HTTP/1.0", "");
	}
	if (!svc_bad_name(buf, size))
		for (size_t i = 0; i < size; i++)
			if (buf[i] == ':' || buf[i] == ' ' || buf[i] == '\r' ||
			    buf[i] == '\n' || buf[i] == '\0')
				fuzz_fail("a bad header name passed", "");
	if (!svc_has_ctl(buf, size) && (memchr(buf, '\r', size) != NULL ||
	    memchr(buf, '\n', size) != NULL || memchr(buf, '\0', size) != NULL))
		fuzz_fail("a control character was not seen", "");
	check_answer(r == 1 ? &h : NULL, data, size);
	return 0;
}
