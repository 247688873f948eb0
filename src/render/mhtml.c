/*
 * mhtml.c: the MHTML rendering extension's envelope (RFC 2557, what the
 * original's MHTML format and its "embedded" e-mail use): a MIME
 * multipart/related message whose first part is the report's HTML
 * (html.c, captured by render.c, which fixes its device information:
 * every page, no toolbar) and whose other parts are its images.
 * An image the HTML carries as a data: URI becomes a part of its own,
 * base64 and with a Content-ID, and the HTML names it as cid:, which
 * mail clients show without fetching anything (many refuse data: URIs).
 * Charts stay inline SVG.  The HTML part is base64 too, so no line is
 * too long for mail and no byte needs escaping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/random.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "render/render_int.h"

#define MHTML_LINE	76

/* Writes data as base64 in lines of MHTML_LINE characters. */
static int
base64_lines(struct rctx *c, const unsigned char *data, size_t len)
{
	size_t		 chunk = MHTML_LINE / 4 * 3;
	char		 line[MHTML_LINE + 4];

	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		str_base64_encode(data + off, n, line);
		if (rctx_puts(c, line) == -1 || rctx_puts(c, "\r\n") == -1)
			return -1;
	}
	return 0;
}

struct part {
	const char	*mime;		/* into the HTML */
	size_t		 mime_len;
	unsigned char	*data;
	size_t		 len;
};

int
mhtml_emit(struct rctx *c, const struct buf *html)
{
	static const char key[] = "src=\"data:";
	struct buf	 out;
	struct part	*parts = NULL;
	size_t		 nparts = 0, pos = 0;
	const char	*s = html->data != NULL ? html->data : "";
	unsigned char	 rnd[12];
	char		 boundary[64];
	int		 rv = -1;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return rs_err_set(c->e, RS_E_INTERNAL, "no random bytes for the "
		    "MIME boundary");
	snprintf(boundary, sizeof(boundary), "----=_rs_%02x%02x%02x%02x%02x%02x"
	    "%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3],
	    rnd[4], rnd[5], rnd[6], rnd[7], rnd[8], rnd[9], rnd[10], rnd[11]);
	/* The HTML with each data: image named as a part. */
	buf_init(&out, 0);
	while (pos < html->len) {
		const char *m = strstr(s + pos, key), *semi, *end;
		struct part *p;
		long	 n;

		if (m == NULL || (semi = strchr(m + sizeof(key) - 1, ';')) ==
		    NULL || strncmp(semi, ";base64,", 8) != 0 ||
		    (end = strchr(semi + 8, '"')) == NULL) {
			(void)buf_append(&out, s + pos, m == NULL ? html->len -
			    pos : (size_t)(m - (s + pos)) + sizeof(key) - 1,
			    NULL);
			pos = m == NULL ? html->len : (size_t)(m - s) +
			    sizeof(key) - 1;
			continue;
		}
		parts = xreallocarray(parts, nparts + 1, sizeof(*parts));
		p = &parts[nparts];
		p->mime = m + sizeof(key) - 1;
		p->mime_len = (size_t)(semi - p->mime);
		/* It goes into a MIME header: a plain type only. */
		if (p->mime_len == 0 || p->mime_len > 100 ||
		    strspn(p->mime, "abcdefghijklmnopqrstuvwxyz0123456789/+.-") <
		    p->mime_len) {
			p->mime = "application/octet-stream";
			p->mime_len = strlen(p->mime);
		}
		p->data = xmalloc((size_t)(end - semi) + 4);
		n = str_base64_decode(semi + 8, (size_t)(end - semi - 8),
		    p->data, (size_t)(end - semi) + 4);
		if (n < 0) {
			free(p->data);
			(void)buf_append(&out, s + pos, (size_t)(end - (s +
			    pos)), NULL);
			pos = (size_t)(end - s);
			continue;
		}
		p->len = (size_t)n;
		nparts++;
		(void)buf_append(&out, s + pos, (size_t)(m - (s + pos)), NULL);
		(void)buf_printf(&out, NULL, "src=\"cid:image%zu@report",
		    nparts);
		pos = (size_t)(end - s);
	}
	if (rctx_printf(c, "MIME-Version: 1.0\r\nContent-Type: multipart/"
	    "related; boundary=\"%s\"; type=\"text/html\"\r\n\r\nThis is a "
	    "report in MHTML (a web archive).\r\n\r\n--%s\r\nContent-Type: "
	    "text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
	    "Content-Location: report.html\r\n\r\n", boundary, boundary) == -1 ||
	    base64_lines(c, (const unsigned char *)(out.data != NULL ?
	    out.data : ""), out.len) == -1)
		goto out;
	for (size_t i = 0; i < nparts; i++) {
		if (rctx_printf(c, "\r\n--%s\r\nContent-Type: %.*s\r\n"
		    "Content-Transfer-Encoding: base64\r\nContent-ID: "
		    "<image%zu@report>\r\n\r\n", boundary, (int)parts[i].mime_len,
		    parts[i].mime, i + 1) == -1 ||
		    base64_lines(c, parts[i].data, parts[i].len) == -1)
			goto out;
	}
	rv = rctx_printf(c, "\r\n--%s--\r\n", boundary);
out:
	for (size_t i = 0; i < nparts; i++)
		free(parts[i].data);
	free(parts);
	buf_fini(&out);
	return rv;
}
