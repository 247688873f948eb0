/*
 * mail.c: e-mail delivery over SMTP with libcurl.  The message is built
 * with curl's MIME API (a text part with the comment and the link, an
 * HTML part when the report is embedded, with its images as the parts of
 * a multipart/related when it came as MHTML, the report as a base64
 * attachment otherwise); the headers we set are checked for CR/LF first,
 * so nothing a subscriber typed can add a header or a recipient.  TLS is
 * required unless the administrator turned it off: STARTTLS with
 * CURLUSESSL_ALL, or smtps://; the server's certificate and name are
 * always verified (against ca_file or the system's roots).  AUTH uses
 * PLAIN or LOGIN as the server offers, only over TLS.
 *
 * Failures are sorted for the scheduler: a 4xx reply or a connection
 * that fails is temporary, a 5xx reply or a certificate or login that is
 * refused is permanent.
 */
#include "deliver/deliver.h"
#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define HEADER_MAX	998

static pthread_once_t	curl_once = PTHREAD_ONCE_INIT;

static void
curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
deliver_global_init(void)
{
	pthread_once(&curl_once, curl_init_once);
}

int
deliver_header_check(const char *what, const char *v, struct rs_err *e)
{
	if (v == NULL)
		return 0;
	if (strlen(v) > HEADER_MAX)
		return rs_err_set(e, RS_E_BADINPUT, "%s is longer than %d bytes",
		    what, HEADER_MAX);
	if (strpbrk(v, "\r\n") != NULL)
		return rs_err_set(e, RS_E_BADINPUT, "%s may not contain a line "
		    "break", what);
	return 0;
}

/* local@domain with printable ASCII, no spaces, quotes or brackets. */
static bool
addr_ok(const char *a, size_t n)
{
	const char	*at = memchr(a, '@', n);

	if (n == 0 || n > DELIVER_ADDR_MAX || at == NULL || at == a ||
	    at == a + n - 1 || memchr(at + 1, '@', (size_t)(a + n - at - 1)))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)a[i]) || strchr("<>()[]\\,;:\"",
		    a[i]) != NULL)
			return false;
	return memchr(at, '.', (size_t)(a + n - at)) != NULL ||
	    strncmp(at + 1, "localhost", 9) == 0;
}

/* Calls fn for each address of a list; stops at the first -1. */
static int
each_addr(const char *list, int (*fn)(void *, const char *, size_t),
    void *arg)
{
	const char	*p = list;

	while (p != NULL && *p != '\0') {
		size_t	n;

		while (*p == ' ' || *p == ';' || *p == ',' || *p == '\t')
			p++;
		n = strcspn(p, ";,");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0 && fn(arg, p, n) == -1)
			return -1;
		p += strcspn(p, ";,");
	}
	return 0;
}

struct check {
	size_t		 n;
	struct rs_err	*e;
};

static int
check_one(void *arg, const char *a, size_t n)
{
	struct check	*c = arg;

	if (!addr_ok(a, n))
		return rs_err_set(c->e, RS_E_BADINPUT, "'%.*s' is not an e-mail "
		    "address", (int)(n > 80 ? 80 : n), a);
	if (++c->n > DELIVER_ADDRS_MAX)
		return rs_err_set(c->e, RS_E_LIMIT, "more than %d recipients",
		    DELIVER_ADDRS_MAX);
	return 0;
}

int
deliver_addr_check(const char *list, size_t *n, struct rs_err *e)
{
	struct check	c = { 0, e };

	*n = 0;
	if (list == NULL)
		return 0;
	if (deliver_header_check("an address list", list, e) == -1 ||
	    each_addr(list, check_one, &c) == -1)
		return -1;
	*n = c.n;
	return 0;
}

static int
add_rcpt(void *arg, const char *a, size_t n)
{
	struct curl_slist	**l = arg;
	char			 buf[DELIVER_ADDR_MAX + 3];

	snprintf(buf, sizeof(buf), "<%.*s>", (int)n, a);
	*l = curl_slist_append(*l, buf);
	return 0;
}

void
deliver_message_id(const char *key, const char *domain, char *out,
    size_t outsz)
{
	struct buf	b;
	char		*s;

	buf_init(&b, 0);
	(void)buf_puts(&b, "<rs.", NULL);
	for (const char *p = key; *p != '\0'; p++)
		(void)buf_append(&b, isalnum((unsigned char)*p) || *p == '-' ?
		    p : ".", 1, NULL);
	(void)buf_printf(&b, NULL, "@%s>", domain != NULL && domain[0] ?
	    domain : "reportserver.invalid");
	s = buf_take(&b, NULL);
	str_copy(out, outsz, s);
	free(s);
}

/* RFC 2047 for a header with non-ASCII text. */
static void
encoded_word(struct buf *b, const char *s)
{
	bool	ascii = true;
	char	*out;

	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			ascii = false;
	if (ascii) {
		(void)buf_puts(b, s, NULL);
		return;
	}
	out = xmalloc(str_base64_len(strlen(s)) + 1);
	str_base64_encode((const uint8_t *)s, strlen(s), out);
	(void)buf_printf(b, NULL, "=?UTF-8?B?%s?=", out);
	free(out);
}

static struct curl_slist *
header(struct curl_slist *h, const char *name, const char *value)
{
	struct buf	 b;
	char		*s;

	if (value == NULL || value[0] == '\0')
		return h;
	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, "%s: ", name);
	encoded_word(&b, value);
	s = buf_take(&b, NULL);
	h = curl_slist_append(h, s);
	free(s);
	return h;
}

static int
join_addr(void *arg, const char *a, size_t n)
{
	struct buf	*b = arg;

	if (b->len > 0)
		(void)buf_puts(b, ", ", NULL);
	return buf_append(b, a, n, NULL);
}

/* An address list as RFC 5322 writes it: "a@x, b@y". */
static struct curl_slist *
addr_header(struct curl_slist *h, const char *name, const char *list)
{
	struct buf	b;

	if (list == NULL)
		return h;
	buf_init(&b, 0);
	(void)each_addr(list, join_addr, &b);
	if (b.len > 0) {
		(void)buf_puts(&b, "", NULL);
		h = header(h, name, b.data);
	}
	buf_fini(&b);
	return h;
}

static struct curl_slist *
headers(const struct deliver_smtp *s, const struct deliver_mail *m)
{
	struct curl_slist	*h = NULL;
	char			 date[64];
	struct tm		 tm;
	time_t			 t = (time_t)(m->date != 0 ? m->date :
	    time(NULL));

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	h = header(h, "Date", date);
	h = header(h, "From", s->from);
	h = addr_header(h, "To", m->to);
	h = addr_header(h, "Cc", m->cc);
	h = addr_header(h, "Reply-To", m->reply_to);
	h = header(h, "Subject", m->subject);
	h = header(h, "Message-ID", m->message_id);
	if (m->priority != NULL && str_ieq(m->priority, "HIGH")) {
		h = header(h, "X-Priority", "1 (Highest)");
		h = header(h, "Importance", "High");
	} else if (m->priority != NULL && str_ieq(m->priority, "LOW")) {
		h = header(h, "X-Priority", "5 (Lowest)");
		h = header(h, "Importance", "Low");
	}
	return h;
}

static char *
body_text(const struct deliver_mail *m)
{
	struct buf	b;

	buf_init(&b, 0);
	if (m->comment != NULL && m->comment[0] != '\0')
		(void)buf_printf(&b, NULL, "%s\r\n\r\n", m->comment);
	if (m->link != NULL && m->link[0] != '\0')
		(void)buf_printf(&b, NULL, "The report is at %s\r\n", m->link);
	if (b.len == 0)
		(void)buf_puts(&b, " ", NULL);
	return buf_take(&b, NULL);
}

/*
 * The parts of an MHTML report (render/mhtml.c writes it: a boundary in
 * the first header, each part's headers, base64 bodies) as the parts of
 * a multipart/related; false when it is not that shape.
 */
static bool
related(CURL *c, curl_mimepart *into, const char *data, size_t len)
{
	const char	*b = memmem(data, len, "boundary=\"", 10), *e, *end;
	const char	*p;
	char		 sep[80];
	curl_mime	*rel;
	size_t		 nparts = 0;

	if (b == NULL || (e = memchr(b + 10, '"', len - (size_t)(b + 10 -
	    data))) == NULL || (size_t)(e - b - 10) + 5 > sizeof(sep))
		return false;
	snprintf(sep, sizeof(sep), "\r\n--%.*s", (int)(e - b - 10), b + 10);
	end = data + len;
	rel = curl_mime_init(c);
	for (p = memmem(data, len, sep, strlen(sep)); p != NULL; ) {
		const char *head = p + strlen(sep), *body, *next;
		char	 type[128] = "", cid[160] = "";
		struct curl_slist *h = NULL;
		unsigned char *raw;
		long	 n;

		if (head + 2 <= end && head[0] == '-' && head[1] == '-')
			break;			/* the closing boundary */
		body = memmem(head, (size_t)(end - head), "\r\n\r\n", 4);
		next = body != NULL ? memmem(body, (size_t)(end - body), sep,
		    strlen(sep)) : NULL;
		if (body == NULL || next == NULL)
			goto bad;
		for (const char *l = head; l < body; ) {
			const char *le = memmem(l, (size_t)(body + 2 - l),
			    "\r\n", 2);
			size_t	 ll = le != NULL ? (size_t)(le - l) :
			    (size_t)(body - l);

			if (ll > 14 && strncasecmp(l, "Content-Type: ", 14) ==
			    0 && ll - 14 < sizeof(type))
				snprintf(type, sizeof(type), "%.*s",
				    (int)(ll - 14), l + 14);
			else if (ll > 12 && strncasecmp(l, "Content-ID: ", 12) ==
			    0 && ll < sizeof(cid))
				snprintf(cid, sizeof(cid), "%.*s", (int)ll, l);
			l += ll + 2;
		}
		body += 4;
		raw = xmalloc((size_t)(next - body) + 4);
		n = str_base64_decode(body, (size_t)(next - body), raw,
		    (size_t)(next - body) + 4);
		if (n < 0 || type[0] == '\0') {
			free(raw);
			goto bad;
		}
		{
			curl_mimepart *q = curl_mime_addpart(rel);

			curl_mime_data(q, (const char *)raw, (size_t)n);
			curl_mime_type(q, type);
			curl_mime_encoder(q, str_has_iprefix(type, "text/") ?
			    "quoted-printable" : "base64");
			if (cid[0] != '\0') {
				h = curl_slist_append(h, cid);
				curl_mime_headers(q, h, 1);
			}
		}
		free(raw);
		nparts++;
		p = next;
	}
	if (nparts == 0)
		goto bad;
	curl_mime_subparts(into, rel);
	curl_mime_type(into, "multipart/related; type=\"text/html\"");
	return true;
bad:
	curl_mime_free(rel);
	return false;
}

static curl_mime *
build_mime(CURL *c, const struct deliver_mail *m)
{
	curl_mime	*mime = curl_mime_init(c);
	curl_mimepart	*p;
	char		*text = body_text(m);

	p = curl_mime_addpart(mime);
	curl_mime_data(p, text, CURL_ZERO_TERMINATED);
	curl_mime_type(p, "text/plain; charset=utf-8");
	curl_mime_encoder(p, "quoted-printable");
	free(text);
	if (m->att_data == NULL)
		return mime;
	p = curl_mime_addpart(mime);
	if (m->embed && m->att_mime != NULL &&
	    str_has_iprefix(m->att_mime, "multipart/related") &&
	    related(c, p, m->att_data, m->att_len))
		return mime;
	curl_mime_data(p, m->att_data, m->att_len);
	if (m->embed) {
		curl_mime_type(p, "text/html; charset=utf-8");
		curl_mime_encoder(p, "quoted-printable");
		return mime;
	}
	curl_mime_type(p, m->att_mime != NULL ? m->att_mime :
	    "application/octet-stream");
	curl_mime_filename(p, m->att_name != NULL ? m->att_name : "report");
	curl_mime_encoder(p, "base64");
	return mime;
}

static int
check_mail(const struct deliver_smtp *s, const struct deliver_mail *m,
    struct rs_err *e)
{
	size_t	nt, nc, nb;

	if (deliver_addr_check(m->to, &nt, e) == -1 ||
	    deliver_addr_check(m->cc, &nc, e) == -1 ||
	    deliver_addr_check(m->bcc, &nb, e) == -1)
		return -1;
	if (nt + nc + nb == 0)
		return rs_err_set(e, RS_E_BADINPUT, "the message has no "
		    "recipient (TO, CC or BCC)");
	if (s->from == NULL || s->from[0] == '\0')
		return rs_err_set(e, RS_E_CONFIG, "no sender address (From) is "
		    "set; set it with 'rsconfig email --from'");
	if (deliver_addr_check(s->from, &nt, e) == -1 ||
	    deliver_addr_check(m->reply_to, &nc, e) == -1 ||
	    deliver_header_check("the subject", m->subject, e) == -1 ||
	    deliver_header_check("the Message-ID", m->message_id, e) == -1)
		return -1;
	if (s->server == NULL || s->server[0] == '\0')
		return rs_err_set(e, RS_E_CONFIG, "no SMTP server is set; set it "
		    "with 'rsconfig email --smtp-server'");
	if (s->tls == DELIVER_TLS_NONE && s->user != NULL && s->user[0])
		return rs_err_set(e, RS_E_CONFIG, "the SMTP password would go "
		    "over a connection without TLS; use STARTTLS or implicit "
		    "TLS");
	return 0;
}

static void
set_tls(CURL *c, const struct deliver_smtp *s)
{
	if (s->tls == DELIVER_TLS_STARTTLS)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (s->ca_file != NULL && s->ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
}

/* Sorts a failure into temporary or permanent, with its sentence. */
static void
classify(CURLcode rc, long code, const char *err, const char *server,
    struct deliver_result *r)
{
	const char	*why = err[0] != '\0' ? err : curl_easy_strerror(rc);

	r->smtp_code = code;
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		r->temporary = false;
		snprintf(r->status, sizeof(r->status), "Failure sending mail: "
		    "the certificate of the mail server %s is not trusted (%s)",
		    server, why);
		return;
	case CURLE_USE_SSL_FAILED:
		r->temporary = false;
		snprintf(r->status, sizeof(r->status), "Failure sending mail: "
		    "the mail server %s does not offer STARTTLS; use a server "
		    "that does, or implicit TLS", server);
		return;
	case CURLE_LOGIN_DENIED:
		r->temporary = false;
		snprintf(r->status, sizeof(r->status), "Failure sending mail: "
		    "the mail server %s refused the user name or password (%ld)",
		    server, code);
		return;
	default:
		break;
	}
	r->temporary = code >= 500 ? false : true;
	if (code >= 400)
		snprintf(r->status, sizeof(r->status), "Failure sending mail: "
		    "the mail server %s answered %ld (%s)", server, code, why);
	else
		snprintf(r->status, sizeof(r->status), "Failure sending mail: "
		    "cannot reach the mail server %s (%s)", server, why);
}

static void
set_conn(CURL *c, const struct deliver_smtp *s, char *url, size_t urlsz)
{
	uint16_t	port = s->port != 0 ? s->port :
	    s->tls == DELIVER_TLS_IMPLICIT ? 465 : 25;
	bool		v6 = strchr(s->server, ':') != NULL;

	snprintf(url, urlsz, "%s://%s%s%s:%u/%s", s->tls ==
	    DELIVER_TLS_IMPLICIT ? "smtps" : "smtp", v6 ? "[" : "", s->server,
	    v6 ? "]" : "", port, s->helo != NULL ? s->helo : "");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, s->timeout_s > 0 ?
	    s->timeout_s : 60L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10 * (s->timeout_s > 0 ?
	    s->timeout_s : 60L));
	if (s->user != NULL && s->user[0] != '\0') {
		char	opt[32];

		curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->password != NULL ?
		    s->password : "");
		snprintf(opt, sizeof(opt), "AUTH=%s", s->auth_mech != NULL ?
		    s->auth_mech : "*");
		curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS, opt);
	}
}

static void
sent(const struct deliver_mail *m, struct deliver_result *r)
{
	r->ok = true;
	snprintf(r->status, sizeof(r->status), "Mail sent to %s%s%s",
	    m->to != NULL ? m->to : "", m->cc != NULL && m->cc[0] ? "; " : "",
	    m->cc != NULL ? m->cc : "");
}

int
deliver_mail_send(const struct deliver_smtp *s, const struct deliver_mail *m,
    struct deliver_result *r, struct rs_err *e)
{
	struct curl_slist	*rcpt = NULL, *hdr;
	char			 url[600], err[CURL_ERROR_SIZE] = "", from[300];
	curl_mime		*mime;
	CURL			*c;
	CURLcode		 rc;
	long			 code = 0;

	memset(r, 0, sizeof(*r));
	if (check_mail(s, m, e) == -1)
		return -1;
	deliver_global_init();
	c = curl_easy_init();
	if (c == NULL)
		return rs_err_set(e, RS_E_INTERNAL, "cannot start libcurl");
	set_conn(c, s, url, sizeof(url));
	set_tls(c, s);
	snprintf(from, sizeof(from), "<%s>", s->from);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	(void)each_addr(m->to, add_rcpt, &rcpt);
	(void)each_addr(m->cc, add_rcpt, &rcpt);
	(void)each_addr(m->bcc, add_rcpt, &rcpt);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	hdr = headers(s, m);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	mime = build_mime(c, m);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		sent(m, r);
	else
		classify(rc, code, err, s->server, r);
	curl_mime_free(mime);
	curl_slist_free_all(hdr);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return 0;
}
