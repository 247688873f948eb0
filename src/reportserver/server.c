/*
 * server.c: the shared state of the report server (config, catalog
 * handle) and the gate every request passes before its handler: the
 * database must exist (else 503 rsReportServerDatabaseUnavailable with
 * the command that creates it), plain HTTP is refused when
 * SecureConnectionLevel >= 1 (rsSecureConnectionRequired, pointing to the
 * HTTPS URL), and the user must sign in.
 */
#include "reportserver/rs_int.h"
#include "reportserver/signin.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
rs_server_init(struct rs_server *s, const struct rsconf *c)
{
	memset(s, 0, sizeof(*s));
	s->conf = c;
	s->dsn.postgres = c->postgres;
	s->dsn.dsn = c->dsn;
	s->pam_fd = -1;
	s->urls = c;
	pthread_mutex_init(&s->urls_mu, NULL);
	s->signin = rs_signin_new(c);
	pthread_mutex_init(&s->cat_mu, NULL);
	pthread_mutex_init(&s->auth_mu, NULL);
	pthread_mutex_init(&s->pam_mu, NULL);
}

void
rs_server_fini(struct rs_server *s)
{
	catalog_close(s->cat);
	s->cat = NULL;
	for (size_t i = 0; i < s->nurls_kept; i++)
		rsconf_free(s->urls_kept[i]);
	free(s->urls_kept);
	s->urls_kept = NULL;
	s->nurls_kept = 0;
	pthread_mutex_destroy(&s->urls_mu);
	rs_signin_free(s->signin);
	s->signin = NULL;
	pthread_mutex_destroy(&s->cat_mu);
	pthread_mutex_destroy(&s->auth_mu);
	pthread_mutex_destroy(&s->pam_mu);
	explicit_bzero(s->tokens, sizeof(s->tokens));
	explicit_bzero(s->creds, sizeof(s->creds));
	explicit_bzero(s->cred_salt, sizeof(s->cred_salt));
}

const struct rsconf *
rs_server_urls(struct rs_server *s)
{
	const struct rsconf	*c;

	pthread_mutex_lock(&s->urls_mu);
	c = s->urls;
	pthread_mutex_unlock(&s->urls_mu);
	return c;
}

void
rs_server_set_urls(struct rs_server *s, struct rsconf *c)
{
	pthread_mutex_lock(&s->urls_mu);
	s->urls_kept = xreallocarray(s->urls_kept, s->nurls_kept + 1,
	    sizeof(*s->urls_kept));
	s->urls_kept[s->nurls_kept++] = c;
	s->urls = c;
	pthread_mutex_unlock(&s->urls_mu);
}

const char *
rs_server_ws_vdir(struct rs_server *s)
{
	const struct rsconf	*c = rs_server_urls(s);

	for (size_t i = 0; i < c->napps; i++)
		if (strcasecmp(c->apps[i].name, RSCONF_APP_WEBSERVICE) == 0)
			return c->apps[i].vdir;
	return "ReportServer";
}

/*
 * A SQLite catalog deleted (or replaced) while open keeps answering from
 * the unlinked file, and what is written there is lost: the handle goes,
 * and every request says the database is missing until it is back.
 */
static void
check_gone(struct rs_server *s)
{
	if (s->cat == NULL || catalog_check(s->cat, &s->cat_err) == 0)
		return;
	log_error("report server database: %s", s->cat_err.msg);
	catalog_close(s->cat);
	s->cat = NULL;
	s->cat_tried = time(NULL);
}

struct catalog *
rs_server_catalog(struct rs_server *s, struct rs_err *e)
{
	struct catalog	*c;
	time_t		 now = time(NULL);

	pthread_mutex_lock(&s->cat_mu);
	check_gone(s);
	if (s->cat == NULL && now != s->cat_tried) {
		s->cat_tried = now;
		s->cat = catalog_open(&s->dsn, &s->cat_err);
		if (s->cat != NULL)
			log_info("report server database opened (%s)",
			    s->dsn.postgres ? "PostgreSQL" : "SQLite");
		else
			log_warn("report server database: %s",
			    s->cat_err.msg);
	}
	c = s->cat;
	if (c == NULL)
		*e = s->cat_err;
	pthread_mutex_unlock(&s->cat_mu);
	return c;
}

static void
db_unavailable(struct rsresp *r, bool json, const struct rs_err *e)
{
	static const char	msg[] = "The report server can't open a "
	    "connection to the report server database. A connection to the "
	    "database is required for all requests and processing.";
	struct buf		 hint;

	buf_init(&hint, 0);
	if (e->code == RS_E_NOTFOUND) {
		(void)buf_html(&hint, e->msg, NULL);
		(void)buf_puts(&hint, "<p>On the server:</p><pre>"
		    CATALOG_CREATE_HINT "</pre>", NULL);
	} else {
		(void)buf_html(&hint, e->msg, NULL);
		(void)buf_puts(&hint, "<pre>rsconfig database show</pre>",
		    NULL);
	}
	if (json) {
		char	full[1024];

		snprintf(full, sizeof(full), "%s %s", msg, e->msg);
		rs_error_json(r, 503, "rsReportServerDatabaseUnavailable",
		    full);
	} else
		rs_error_html(r, 503, "rsReportServerDatabaseUnavailable",
		    msg, hint.data);
	rsresp_header(r, "Retry-After", "5");
	buf_fini(&hint);
}

/* The HTTPS URL of this request's application, or "" when none. */
static void
https_url(struct rs_server *s, const struct rsreq *r, char *out, size_t n)
{
	const struct rsconf	*urls = rs_server_urls(s);
	char			 host[256];

	out[0] = '\0';
	str_copy(host, sizeof(host), r->host);
	if (host[0] != '[')
		host[strcspn(host, ":")] = '\0';
	for (size_t i = 0; i < urls->napps; i++) {
		const struct rsconf_app	*a = &urls->apps[i];

		if (strcasecmp(a->vdir, r->vdir + 1) != 0)
			continue;
		for (size_t j = 0; j < a->nurls; j++) {
			const char	*u = a->urls[j].url, *port;

			if (!str_has_iprefix(u, "https://"))
				continue;
			port = strrchr(u + 8, ':');
			snprintf(out, n, "https://%s:%.*s/%s%s", host,
			    (int)strcspn(port + 1, "/"), port + 1, a->vdir,
			    r->path);
			return;
		}
	}
}

static void
secure_required(struct rs_server *s, struct rsreq *r,
    struct rsresp *resp, bool json)
{
	char		url[700], msg[900];
	struct buf	hint;

	https_url(s, r, url, sizeof(url));
	snprintf(msg, sizeof(msg), "The operation you are attempting requires "
	    "a secure connection (HTTPS).%s%s", url[0] ? " Use " : "", url);
	if (json) {
		rs_error_json(resp, 403, "rsSecureConnectionRequired", msg);
		return;
	}
	buf_init(&hint, 0);
	if (url[0] != '\0') {
		(void)buf_puts(&hint, "Use <a href=\"", NULL);
		(void)buf_html(&hint, url, NULL);
		(void)buf_puts(&hint, "\">", NULL);
		(void)buf_html(&hint, url, NULL);
		(void)buf_puts(&hint, "</a>", NULL);
	} else
		(void)buf_puts(&hint, "No HTTPS URL is configured for this "
		    "application; bind one on the server:<pre>rsconfig "
		    "web-service-url --https-cert THUMBPRINT --https-port 443 "
		    "--apply</pre>", NULL);
	rs_error_html(resp, 403, "rsSecureConnectionRequired",
	    "The operation you are attempting requires a secure connection "
	    "(HTTPS).", hint.data);
	buf_fini(&hint);
}

struct catalog *
rs_gate(struct rs_server *s, struct rsreq *r, struct rsresp *resp,
    bool json, struct rsuser *u)
{
	struct catalog	*cat;
	struct rs_err	 e;

	rs_req_prepare(r);
	cat = rs_server_catalog(s, &e);
	if (cat == NULL) {
		db_unavailable(resp, json, &e);
		return NULL;
	}
	if (s->conf->secure_level >= 1 && !r->https) {
		secure_required(s, r, resp, json);
		return NULL;
	}
	if (rs_auth(s, cat, r, resp, json, u) == -1)
		return NULL;
	return cat;
}
