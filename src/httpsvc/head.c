/*
 * head.c: the checks httpsvc makes on an HTTP/1.x request head before the
 * engine acts on it, and on an HTTP/2 request before it is forwarded.
 * Plain functions over memory (no socket), so the fuzz target and the
 * unit tests call them directly.
 *
 * An HTTP/1 head is refused (400, then the connection is closed) when its
 * body framing is ambiguous, which is what request smuggling needs
 * (RFC 9112 6.1, 6.3): Content-Length together with Transfer-Encoding,
 * more than one Content-Length (even equal ones) or Transfer-Encoding
 * line, a Content-Length that is not plain digits, a Transfer-Encoding
 * other than "chunked", Transfer-Encoding in an HTTP/1.0 request; also
 * an obs-fold continuation line (5.2), more than one Host (3.2), and
 * anything picohttpparser cannot read (whitespace before a colon, a line
 * without a colon).  h2o 2.2 itself would take the first Content-Length,
 * let Transfer-Encoding win over Content-Length, pass obs-fold lines on
 * as headers without a name, and close without an answer on a parse
 * error.
 */
#include "httpsvc/httpsvc.h"

#include <stdio.h>
#include <string.h>

#include "httpsvc/picohttp.h"

bool
svc_has_ctl(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		/* One compare for almost every byte: all three are <= CR. */
		if (c <= '\r' && (c == '\r' || c == '\n' || c == '\0'))
			return true;
	}
	return false;
}

/* The RFC 9110 tchar bytes, as a bitmap of 256. */
static const uint64_t	tchar_map[4] = {
	/* ! # $ % & ' * + - . 0-9 */
	0x03ff6cfa00000000ULL,
	/* A-Z ^ _ ` a-z | ~ */
	0x57ffffffc7fffffeULL,
	0, 0,
};

/* A header name that is not an RFC 9110 token could frame a new line. */
bool
svc_bad_name(const char *s, size_t len)
{
	if (len == 0)
		return true;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((tchar_map[c >> 6] >> (c & 63) & 1) == 0)
			return true;
	}
	return false;
}

/* Content-Length: 1 to 19 digits, nothing else (no sign, list or space). */
static bool
parse_length(const char *v, size_t len, uint64_t *out)
{
	uint64_t	n = 0;

	if (len == 0 || len > 19)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	*out = n;
	return true;
}

static bool
name_is(const struct phr_header *p, const char *name)
{
	size_t	n = strlen(name);

	return p->name_len == n && h2o_lcstris(p->name, n, name, n);
}

/* One header line into h; -1 with *why when it makes the head ambiguous. */
static int
note_header(const struct phr_header *p, struct svc_head *h, int *n_cl,
    int *n_te, int *n_host, const char **why)
{
	if (p->name == NULL || p->name_len == 0) {
		*why = "a header is continued on the next line (obs-fold)";
		return -1;
	}
	if (name_is(p, "content-length")) {
		if (++*n_cl > 1) {
			*why = "more than one Content-Length";
			return -1;
		}
		if (!parse_length(p->value, p->value_len, &h->content_length)) {
			*why = "Content-Length is not a number";
			return -1;
		}
	} else if (name_is(p, "transfer-encoding")) {
		if (++*n_te > 1) {
			*why = "more than one Transfer-Encoding";
			return -1;
		}
		if (!h2o_lcstris(p->value, p->value_len, H2O_STRLIT("chunked"))) {
			*why = "Transfer-Encoding other than chunked";
			return -1;
		}
		h->chunked = true;
	} else if (name_is(p, "host")) {
		if (++*n_host > 1) {
			*why = "more than one Host";
			return -1;
		}
		h->host = h2o_iovec_init(p->value, p->value_len);
	} else if (name_is(p, "expect"))
		h->expect_continue = h2o_lcstris(p->value, p->value_len,
		    H2O_STRLIT("100-continue"));
	else if (name_is(p, "authorization"))
		h->authorization = true;
	return 0;
}

int
svc_head_read(const char *buf, size_t len, struct svc_head *h,
    const char **why)
{
	struct phr_header	hdr[H2O_MAX_HEADERS];
	size_t			n = H2O_MAX_HEADERS;
	int			r, n_cl = 0, n_te = 0, n_host = 0;

	memset(h, 0, sizeof(*h));
	h->content_length = SVC_HEAD_NO_LENGTH;
	*why = NULL;
	r = phr_parse_request(buf, len, (const char **)&h->method.base,
	    &h->method.len, (const char **)&h->target.base, &h->target.len,
	    &h->minor, hdr, &n, 0);
	if (r == -2)
		return 0;
	if (r < 0) {
		*why = "malformed request head (a bad request line, a header "
		    "line without a colon, whitespace before a colon, or too "
		    "many headers)";
		return -1;
	}
	h->len = (size_t)r;
	for (size_t i = 0; i < n; i++)
		if (note_header(&hdr[i], h, &n_cl, &n_te, &n_host, why) == -1)
			return -1;
	if (h->chunked && n_cl > 0) {
		*why = "both Content-Length and Transfer-Encoding";
		return -1;
	}
	if (h->chunked && h->minor == 0) {
		*why = "Transfer-Encoding in an HTTP/1.0 request";
		return -1;
	}
	return 1;
}

int
svc_h2_check(const h2o_req_t *req, uint64_t declared, const char **why)
{
	*why = NULL;
	for (size_t i = 0; i < req->headers.size; i++) {
		const h2o_header_t *hd = &req->headers.entries[i];
		if (hd->name->len == 0) {
			*why = "a header without a name";
			return -1;
		}
		/* Connection-specific fields are malformed in HTTP/2 (8.2.2). */
		if (h2o_memis(hd->name->base, hd->name->len,
		    H2O_STRLIT("transfer-encoding")) ||
		    h2o_memis(hd->name->base, hd->name->len,
		    H2O_STRLIT("connection")) ||
		    h2o_memis(hd->name->base, hd->name->len,
		    H2O_STRLIT("content-length"))) {
			*why = "a connection-specific or repeated framing header "
			    "in HTTP/2";
			return -1;
		}
	}
	/*
	 * RFC 9113 8.1.1: content-length must equal the DATA received.  h2o
	 * resets a stream whose DATA disagrees, but not one that ended with
	 * its HEADERS frame.
	 */
	if (declared != SVC_HEAD_NO_LENGTH && declared !=
	    (req->entity.base != NULL ? req->entity.len : 0)) {
		*why = "content-length disagrees with the DATA frames";
		return -1;
	}
	return 0;
}

size_t
svc_raw_answer(const struct svc *svc, bool tls, int status,
    const char *reason, const char *why, const char *extra, char *out,
    size_t outsz)
{
	char	body[400], sts[128] = "";
	int	blen, n;

	blen = snprintf(body, sizeof(body), "%d %s: %s\n", status, reason,
	    why);
	if (blen < 0 || (size_t)blen >= sizeof(body))
		blen = (int)strlen(body);
	if (tls && svc->hsts[0] != '\0')
		snprintf(sts, sizeof(sts), "Strict-Transport-Security: %s\r\n",
		    svc->hsts);
	n = snprintf(out, outsz, "HTTP/1.1 %d %s\r\nConnection: close\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %d\r\n%s%s\r\n%s", status, reason, blen, sts,
	    extra != NULL ? extra : "", body);
	if (n < 0 || (size_t)n >= outsz)
		return 0;
	return (size_t)n;
}
