/*
 * probe.c: the verify client.  Parses the URL, dials with a timeout,
 * shakes hands with SNI (for a host name) and without a client
 * certificate, reads the server's certificate and verifies it against
 * the trusted roots in memory (the Root folder's PEM files and an
 * optional CA file), checks the URL's host against its names, then sends
 * one GET and reads the status line and the headers it reports.
 */
#include "tlsprobe/tlsprobe.h"
#include "common/buf.h"
#include "common/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn {
	int	 fd;
	SSL_CTX	*ctx;
	SSL	*ssl;
};

static int
parse_url(const char *url, struct tlsprobe_result *r, struct rs_err *e)
{
	const char	*p, *end, *colon;
	uint64_t	 v;
	char		 port[8];

	if (str_has_iprefix(url, "https://"))
		r->https = true, p = url + 8;
	else if (str_has_iprefix(url, "http://"))
		p = url + 7;
	else
		return rs_err_set(e, RS_E_USAGE, "cannot verify '%s': the URL "
		    "must start with https:// or http://", url);
	end = p + strcspn(p, "/?#");
	colon = p[0] == '[' ? strchr(p, ']') : p;
	colon = colon != NULL ? memchr(colon, ':', (size_t)(end - colon)) :
	    NULL;
	if ((colon != NULL ? colon : end) == p)
		return rs_err_set(e, RS_E_USAGE, "cannot verify '%s': no host",
		    url);
	snprintf(r->host, sizeof(r->host), "%.*s", (int)((colon != NULL ?
	    colon : end) - p), p);
	r->port = r->https ? 443 : 80;
	if (colon != NULL) {
		snprintf(port, sizeof(port), "%.*s", (int)(end - colon - 1),
		    colon + 1);
		if (str_parse_uint(port, 1, 65535, &v, "port", e) == -1)
			return -1;
		r->port = (unsigned)v;
	}
	str_copy(r->path, sizeof(r->path), *end == '\0' ? "/" : end);
	if (r->path[0] != '/')
		snprintf(r->path, sizeof(r->path), "/%s", end);
	return 0;
}

/* Non-blocking connect bounded by ms, then blocking with timeouts. */
static int
dial(const char *host, unsigned port, unsigned ms, char *addr, size_t asz,
    struct rs_err *e)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	char		 ps[8], h[256];
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };
	int		 fd = -1, rc;

	str_copy(h, sizeof(h), host);
	if (h[0] == '[') {
		memmove(h, h + 1, strlen(h));
		h[strcspn(h, "]")] = '\0';
	}
	snprintf(ps, sizeof(ps), "%u", port);
	if ((rc = getaddrinfo(h, ps, &hints, &ai)) != 0)
		return rs_err_set(e, RS_E_NOTFOUND, "cannot resolve %s: %s", h,
		    gai_strerror(rc));
	for (struct addrinfo *a = ai; a != NULL && fd == -1; a = a->ai_next) {
		struct pollfd pfd;
		int err = 0;
		socklen_t len = sizeof(err);
		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (fd == -1)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == -1 &&
		    errno != EINPROGRESS)
			err = errno;
		pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
		if (err == 0 && poll(&pfd, 1, (int)ms) != 1)
			err = ETIMEDOUT;
		if (err == 0)
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			close(fd);
			fd = -1;
			errno = err;
			continue;
		}
		getnameinfo(a->ai_addr, a->ai_addrlen, addr, (socklen_t)asz,
		    NULL, 0, NI_NUMERICHOST);
	}
	freeaddrinfo(ai);
	if (fd == -1)
		return rs_err_sys(e, RS_E_IO, "cannot connect to %s port %u", h,
		    port);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Adds every certificate of a PEM file to the store; returns how many. */
static int
add_pem_file(X509_STORE *st, const char *path)
{
	FILE	*f = fopen(path, "re");
	X509	*x;
	int	 n = 0;

	if (f == NULL)
		return 0;
	while (n < TLSPROBE_ROOT_MAX &&
	    (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		X509_STORE_add_cert(st, x);
		X509_free(x);
		n++;
	}
	ERR_clear_error();
	fclose(f);
	return n;
}

static void
load_roots(SSL_CTX *ctx, const char *dir, const char *cafile)
{
	X509_STORE	*st = SSL_CTX_get_cert_store(ctx);
	DIR		*d;
	struct dirent	*de;
	char		 path[4096];
	int		 n = 0;

	if (cafile != NULL)
		add_pem_file(st, cafile);
	if (dir == NULL || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < TLSPROBE_ROOT_MAX) {
		if (!str_has_suffix(de->d_name, ".crt"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n += add_pem_file(st, path);
	}
	closedir(d);
}

static int
tls_err(struct rs_err *e, const char *what, const char *host)
{
	unsigned long	 code = ERR_get_error();
	char		 buf[256] = "no detail";

	if (code != 0)
		ERR_error_string_n(code, buf, sizeof(buf));
	ERR_clear_error();
	return rs_err_set(e, RS_E_TLS, "%s with %s failed: %s", what, host,
	    buf);
}

static void
cert_names(X509 *x, char *out, size_t sz)
{
	GENERAL_NAMES	*gens = X509_get_ext_d2i(x, NID_subject_alt_name,
	    NULL, NULL);

	out[0] = '\0';
	for (int i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS)
			continue;
		if (out[0] != '\0')
			str_append(out, sz, ", ");
		str_append(out, sz, (const char *)ASN1_STRING_get0_data(
		    g->d.dNSName));
	}
	GENERAL_NAMES_free(gens);
}

static void
name_text(const X509_NAME *n, char *out, size_t sz)
{
	BIO	*b = BIO_new(BIO_s_mem());
	int	 len;

	out[0] = '\0';
	if (b == NULL)
		return;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253);
	len = BIO_read(b, out, (int)sz - 1);
	out[len > 0 ? len : 0] = '\0';
	BIO_free(b);
}

static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm	tm;

	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

/* Fills the certificate fields and the trust verdict. */
static void
judge(SSL *ssl, const char *host, struct tlsprobe_result *r)
{
	X509		*x = SSL_get1_peer_certificate(ssl);
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned	 mdlen = 0;
	long		 vr;

	str_copy(r->tls_version, sizeof(r->tls_version), SSL_get_version(ssl));
	str_copy(r->cipher, sizeof(r->cipher), SSL_get_cipher_name(ssl));
	if (x == NULL) {
		str_copy(r->trust_reason, sizeof(r->trust_reason), "the server "
		    "sent no certificate");
		return;
	}
	name_text(X509_get_subject_name(x), r->subject, sizeof(r->subject));
	name_text(X509_get_issuer_name(x), r->issuer, sizeof(r->issuer));
	cert_names(x, r->names, sizeof(r->names));
	if (X509_digest(x, EVP_sha1(), md, &mdlen) == 1 && mdlen == 20)
		str_hex_encode(md, 20, r->thumbprint, true);
	r->not_before = asn1_time(X509_get0_notBefore(x));
	r->not_after = asn1_time(X509_get0_notAfter(x));
	r->days_left = (long)((r->not_after - time(NULL)) / 86400);
	r->name_ok = X509_check_host(x, host, 0, 0, NULL) == 1 ||
	    X509_check_ip_asc(x, host, 0) == 1;
	vr = SSL_get_verify_result(ssl);
	r->trusted = vr == X509_V_OK;
	if (!r->trusted)
		snprintf(r->trust_reason, sizeof(r->trust_reason), "%s",
		    X509_verify_cert_error_string(vr));
	X509_free(x);
}

/* Client-certificate requests are noticed, never answered. */
static int
client_cert_cb(SSL *ssl, X509 **x, EVP_PKEY **k)
{
	struct tlsprobe_result *r = SSL_get_app_data(ssl);

	(void)x;
	(void)k;
	if (r != NULL)
		r->client_cert_requested = true;
	return 0;
}

static int
handshake(struct conn *c, const struct tlsprobe_opts *o,
    struct tlsprobe_result *r, struct rs_err *e)
{
	bool	is_ip = strchr(r->host, ':') != NULL ||
	    strspn(r->host, "0123456789.") == strlen(r->host);

	c->ctx = SSL_CTX_new(TLS_client_method());
	if (c->ctx == NULL)
		return tls_err(e, "TLS set-up", r->host);
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_client_cert_cb(c->ctx, client_cert_cb);
	load_roots(c->ctx, o->root_dir, o->cafile);
	c->ssl = SSL_new(c->ctx);
	if (c->ssl == NULL)
		return tls_err(e, "TLS set-up", r->host);
	SSL_set_app_data(c->ssl, r);
	if (!is_ip)
		SSL_set_tlsext_host_name(c->ssl, r->host);
	SSL_set_fd(c->ssl, c->fd);
	if (SSL_connect(c->ssl) != 1)
		return tls_err(e, "TLS handshake", r->host);
	judge(c->ssl, r->host, r);
	return 0;
}

static int
send_all(struct conn *c, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = c->ssl != NULL ? SSL_write(c->ssl, p, (int)n) :
		    write(c->fd, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
request(struct conn *c, const struct tlsprobe_opts *o,
    const struct tlsprobe_result *r, struct rs_err *e)
{
	struct buf	b;
	int		rc;

	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, "GET %s HTTP/1.1\r\nHost: %s:%u\r\n"
	    "User-Agent: rsconfig-verify\r\nAccept: */*\r\n"
	    "Connection: close\r\n", r->path, r->host, r->port);
	if (o->user != NULL) {
		char	 raw[2200], *enc;
		int	 n = snprintf(raw, sizeof(raw), "%s:%s", o->user,
		    o->password != NULL ? o->password : "");
		if (n < 0 || (size_t)n >= sizeof(raw)) {
			buf_fini(&b);
			return rs_err_set(e, RS_E_USAGE, "user name or password "
			    "too long");
		}
		enc = calloc(1, str_base64_len((size_t)n) + 1);
		if (enc == NULL)
			abort();
		str_base64_encode((const uint8_t *)raw, (size_t)n, enc);
		(void)buf_printf(&b, NULL, "Authorization: Basic %s\r\n", enc);
		OPENSSL_cleanse(raw, sizeof(raw));
		OPENSSL_cleanse(enc, strlen(enc));
		free(enc);
	}
	(void)buf_puts(&b, "\r\n", NULL);
	rc = send_all(c, b.data, b.len);
	OPENSSL_cleanse(b.data, b.len);
	buf_fini(&b);
	if (rc == -1)
		return rs_err_set(e, RS_E_IO, "cannot send the request to %s",
		    r->host);
	return 0;
}

static void
header_value(const char *head, const char *name, char *out, size_t sz)
{
	size_t		 n = strlen(name);
	const char	*p = head;

	out[0] = '\0';
	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			p += strspn(p, " \t");
			snprintf(out, sz, "%.*s", (int)strcspn(p, "\r\n"), p);
			return;
		}
	}
}

static int
read_head(struct conn *c, struct tlsprobe_result *r, struct rs_err *e)
{
	char	*head = malloc(TLSPROBE_HEAD_MAX + 1);
	size_t	 len = 0;
	int	 rc = -1;

	if (head == NULL)
		abort();
	head[0] = '\0';
	while (len < TLSPROBE_HEAD_MAX && strstr(head, "\r\n\r\n") == NULL) {
		ssize_t n = c->ssl != NULL ? SSL_read(c->ssl, head + len,
		    (int)(TLSPROBE_HEAD_MAX - len)) : read(c->fd, head + len,
		    TLSPROBE_HEAD_MAX - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		head[len] = '\0';
	}
	if (sscanf(head, "HTTP/%*d.%*d %d %127[^\r\n]", &r->status,
	    r->reason) < 1) {
		rs_err_set(e, len >= TLSPROBE_HEAD_MAX ? RS_E_LIMIT :
		    RS_E_BADINPUT, "%s did not answer with HTTP (%zu bytes)",
		    r->host, len);
		goto out;
	}
	header_value(head, "WWW-Authenticate", r->www_authenticate,
	    sizeof(r->www_authenticate));
	header_value(head, "Location", r->location, sizeof(r->location));
	rc = 0;
out:
	free(head);
	return rc;
}

int
tlsprobe_run(const struct tlsprobe_opts *o, struct tlsprobe_result *r,
    struct rs_err *e)
{
	struct conn	c = { .fd = -1 };
	unsigned	ms = o->timeout_ms ? o->timeout_ms : TLSPROBE_TIMEOUT_MS;
	int		rc = -1;

	memset(r, 0, sizeof(*r));
	if (parse_url(o->url, r, e) == -1)
		return -1;
	c.fd = dial(o->connect_to != NULL ? o->connect_to : r->host, r->port,
	    ms, r->address, sizeof(r->address), e);
	if (c.fd == -1)
		return -1;
	if (r->https && handshake(&c, o, r, e) == -1)
		goto out;
	if (request(&c, o, r, e) == -1 || read_head(&c, r, e) == -1)
		goto out;
	rc = 0;
out:
	if (c.ssl != NULL) {
		SSL_shutdown(c.ssl);
		SSL_free(c.ssl);
	}
	SSL_CTX_free(c.ctx);
	close(c.fd);
	return rc;
}
