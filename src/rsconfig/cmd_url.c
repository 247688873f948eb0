/*
 * cmd_url.c: the Web Service URL and Web Portal URL pages (with the
 * Advanced dialog's identities), and the lists: certificates, urls,
 * bindings.  With no change option a page is shown; with options and
 * --apply (or --dry-run) its Apply runs as one transaction and the
 * Results pane is printed.
 */
#include "rsconfig/cmd.h"
#include "common/buf.h"
#include "common/str.h"
#include "rsconf/rsconf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int
port_arg(const char *s, const char *what, unsigned *out)
{
	struct rs_err	e;
	uint64_t	v;

	*out = 0;
	if (s == NULL)
		return 0;
	if (str_parse_uint(s, 1, 65535, &v, what, &e) == -1) {
		fprintf(stderr, "rsconfig: %s\n", e.msg);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* "http://+:80" -> "http://<this host>:80/ReportServer" style display. */
static void
display_url(const struct rsmgmt_url *u, char *out, size_t sz)
{
	const char	*h = strstr(u->url_string, "://");
	char		 host[64] = "localhost";

	if (h == NULL || (h[3] != '+' && h[3] != '*')) {
		snprintf(out, sz, "%s/%s", u->url_string, u->vdir);
		return;
	}
	gethostname(host, sizeof(host) - 1);
	snprintf(out, sz, "%.*s%s%s/%s", (int)(h + 3 - u->url_string),
	    u->url_string, host, h + 4, u->vdir);
}

static void
urls_json(struct buf *b, const struct rsmgmt_url *v, size_t n)
{
	(void)buf_puts(b, "[", NULL);
	for (size_t i = 0; i < n; i++) {
		(void)buf_printf(b, NULL, "%s{\"Application\":", i ? "," : "");
		(void)buf_json_str(b, v[i].application, NULL);
		(void)buf_puts(b, ",\"UrlString\":", NULL);
		(void)buf_json_str(b, v[i].url_string, NULL);
		(void)buf_puts(b, ",\"VirtualDirectory\":", NULL);
		(void)buf_json_str(b, v[i].vdir, NULL);
		(void)buf_puts(b, ",\"Prefix\":", NULL);
		(void)buf_json_str(b, v[i].prefix, NULL);
		(void)buf_puts(b, ",\"Account\":", NULL);
		(void)buf_json_str(b, v[i].account, NULL);
		(void)buf_puts(b, ",\"AccountSID\":", NULL);
		(void)buf_json_str(b, v[i].account_sid, NULL);
		(void)buf_printf(b, NULL, ",\"InStore\":%s}", v[i].in_store ?
		    "true" : "false");
	}
	(void)buf_puts(b, "]", NULL);
}

static int
show_page(struct popts *p, struct rsmgmt *m, const char *app,
    const char *title)
{
	struct rsmgmt_page_view	v;
	struct rsmgmt_result	r;
	struct buf		b;
	char			shown[700];

	if (rsmgmt_page_view(m, app, &v, &r) != 0)
		return pout_fail(p, &r);
	if (p->json) {
		buf_init(&b, 0);
		(void)buf_puts(&b, "{\"HRESULT\":0,\"Application\":", NULL);
		(void)buf_json_str(&b, app, NULL);
		(void)buf_puts(&b, ",\"VirtualDirectory\":", NULL);
		(void)buf_json_str(&b, v.vdir, NULL);
		(void)buf_puts(&b, ",\"IPAddress\":", NULL);
		(void)buf_json_str(&b, v.ip, NULL);
		(void)buf_printf(&b, NULL, ",\"TCPPort\":%u,\"HTTPSCertificate"
		    "\":\"%s\",\"HTTPSPort\":%u,\"URLs\":", v.port,
		    v.https_cert, v.https_port);
		urls_json(&b, v.urls, v.n_urls);
		printf("%s}\n", b.data);
		buf_fini(&b);
	} else {
		printf("%s\n", title);
		printf("  Virtual Directory:   %s\n", v.vdir);
		printf("  IP Address:          %s\n", strcmp(v.ip, "all") == 0 ?
		    "All Assigned (+)" : v.ip);
		if (v.port != 0)
			printf("  TCP Port:            %u\n", v.port);
		else
			printf("  TCP Port:            (none)\n");
		printf("  HTTPS Certificate:   %s\n", v.https_cert[0] ?
		    v.https_cert : "(Not Selected)");
		if (v.https_port != 0)
			printf("  HTTPS Port:          %u\n", v.https_port);
		else
			printf("  HTTPS Port:          (none)\n");
		printf("  URLs:\n");
		for (size_t i = 0; i < v.n_urls; i++) {
			display_url(&v.urls[i], shown, sizeof(shown));
			printf("    %s%s\n", shown, v.urls[i].in_store ? "" :
			    "   (not in the binding store: run 'rsconfig "
			    "repair')");
		}
		if (v.n_urls == 0)
			printf("    (none reserved)\n");
	}
	rsmgmt_page_view_fini(&v);
	return 0;
}

static int
apply_page(struct popts *p, const char *app)
{
	struct rsmgmt_url_page	pg = { .app = app };
	struct rsmgmt_results	res = { .dry_run = !p->apply };
	struct rsmgmt_result	r;
	struct rsmgmt		*m;
	int			rc = 0;
	bool			change = p->vdir || p->ip || p->port ||
	    p->https_cert || p->https_port || p->no_https;

	if (port_arg(p->port, "--port", &pg.port) == -1 ||
	    port_arg(p->https_port, "--https-port", &pg.https_port) == -1)
		return 64;
	if ((m = pages_open(p, &rc)) == NULL)
		return rc;
	if (!change && !p->apply && !p->dry_run) {
		rc = show_page(p, m, app, strcmp(app, RSCONF_APP_WEBAPP) == 0 ?
		    "Web Portal URL" : "Web Service URL");
		rsmgmt_close(m);
		return rc;
	}
	pg.vdir = p->vdir;
	pg.ip = p->ip;
	pg.https_cert = p->https_cert;
	pg.no_https = p->no_https;
	pg.follow = p->follow;
	res.dry_run = p->dry_run || !p->apply;
	rsmgmt_url_page_apply(m, &pg, &res, &r);
	pout_results(p, &res, &r);
	if (!p->apply && !p->dry_run && !p->json)
		printf("Nothing was changed: add --apply to apply.\n");
	rsmgmt_close(m);
	return r.hresult == 0 ? 0 : (r.exit_status ? r.exit_status : 1);
}

int
cmd_web_service_url(struct popts *p)
{
	if (p->nwords > 1) {
		fprintf(stderr, "rsconfig: web-service-url takes options only; "
		    "identities are on the web portal page\n");
		return 64;
	}
	return apply_page(p, RSCONF_APP_WEBSERVICE);
}

static int
identity(struct popts *p, bool add)
{
	struct rsmgmt_identity	id = { .app = RSCONF_APP_WEBAPP };
	struct rsmgmt_results	res = { .dry_run = p->dry_run };
	struct rsmgmt_result	r;
	struct rsmgmt		*m;
	int			rc = 0;

	if (p->http == p->https) {
		fprintf(stderr, "rsconfig: give --http or --https (with --cert "
		    "THUMBPRINT)\n");
		return 64;
	}
	if (p->all_names && p->host != NULL) {
		fprintf(stderr, "rsconfig: give --host NAME or --all-names, "
		    "not both\n");
		return 64;
	}
	if (port_arg(p->port, "--port", &id.port) == -1)
		return 64;
	if (p->port == NULL) {
		fprintf(stderr, "rsconfig: --port N is required\n");
		return 64;
	}
	id.https = p->https;
	id.cert = p->cert;
	id.ip = p->ip;
	id.host = p->all_names ? "*" : p->host;
	id.follow = p->follow;
	if ((m = pages_open(p, &rc)) == NULL)
		return rc;
	if (add)
		rsmgmt_identity_add(m, &id, &res, &r);
	else
		rsmgmt_identity_remove(m, &id, &res, &r);
	pout_results(p, &res, &r);
	rsmgmt_close(m);
	return r.hresult == 0 ? 0 : (r.exit_status ? r.exit_status : 1);
}

int
cmd_web_portal_url(struct popts *p)
{
	if (p->nwords > 1 && strcmp(p->words[1], "add-identity") == 0)
		return identity(p, true);
	if (p->nwords > 1 && strcmp(p->words[1], "remove-identity") == 0)
		return identity(p, false);
	if (p->nwords > 1) {
		static const char *const verbs[] = { "add-identity",
		    "remove-identity" };
		const char *near = rsconfig_nearest(p->words[1], verbs,
		    nitems(verbs));
		if (near != NULL)
			fprintf(stderr, "rsconfig: unknown web-portal-url command "
			    "'%s'; did you mean '%s'?\n", p->words[1], near);
		else
			fprintf(stderr, "rsconfig: unknown web-portal-url command "
			    "'%s' (add-identity, remove-identity)\n",
			    p->words[1]);
		return 64;
	}
	if (p->https_cert != NULL || p->https_port != NULL) {
		fprintf(stderr, "rsconfig: the web portal's HTTPS URLs are "
		    "identities: 'rsconfig web-portal-url add-identity --https "
		    "--cert THUMBPRINT --port N'\n");
		return 64;
	}
	return apply_page(p, RSCONF_APP_WEBAPP);
}

static void
certs_text(const struct rsmgmt_cert *v, size_t n)
{
	char	when[32];

	printf("HTTPS certificates (My, read now):\n");
	for (size_t i = 0; i < n; i++) {
		pout_time(v[i].not_after, when, sizeof(when));
		printf("  %s  %s\n", v[i].hash, v[i].name);
		printf("      names: %s\n", v[i].host_names[0] ?
		    v[i].host_names : "(none)");
		printf("      expires %s (%ld days)%s%s%s\n", when,
		    v[i].days_left, v[i].trusted ? ", trusted" :
		    ", not trusted by Root", v[i].usable ? "" : ", CANNOT "
		    "serve HTTPS: ", v[i].problems);
	}
	if (n == 0)
		printf("  (none: make one with 'certstore new-self-signed --dns "
		    "NAME' or import one with 'certstore import FILE "
		    "--password-file F')\n");
}

int
cmd_certificates(struct popts *p)
{
	struct rsmgmt_cert	*v = NULL;
	struct rsmgmt_result	 r;
	struct rsmgmt		*m;
	struct buf		 b;
	size_t			 n = 0;
	int			 rc = 0;

	if ((m = pages_open(p, &rc)) == NULL)
		return rc;
	if (rsmgmt_list_ssl_certificates(m, !p->all, &v, &n, &r) != 0) {
		rsmgmt_close(m);
		return pout_fail(p, &r);
	}
	if (!p->json)
		certs_text(v, n);
	else {
		buf_init(&b, 0);
		(void)buf_printf(&b, NULL, "{\"HRESULT\":0,\"Length\":%zu,"
		    "\"Certificates\":[", n);
		for (size_t i = 0; i < n; i++) {
			char when[32];
			pout_time(v[i].not_after, when, sizeof(when));
			(void)buf_printf(&b, NULL, "%s{\"CertificateHash\":\""
			    "%s\",\"CertName\":", i ? "," : "", v[i].hash);
			(void)buf_json_str(&b, v[i].name, NULL);
			(void)buf_puts(&b, ",\"HostName\":", NULL);
			(void)buf_json_str(&b, v[i].host_names, NULL);
			(void)buf_printf(&b, NULL, ",\"NotAfter\":\"%s\","
			    "\"DaysLeft\":%ld,\"Trusted\":%s,\"Usable\":%s,"
			    "\"Problems\":", when, v[i].days_left,
			    v[i].trusted ? "true" : "false", v[i].usable ?
			    "true" : "false");
			(void)buf_json_str(&b, v[i].problems, NULL);
			(void)buf_puts(&b, "}", NULL);
		}
		printf("%s]}\n", b.data);
		buf_fini(&b);
	}
	rsmgmt_certs_free(v, n);
	rsmgmt_close(m);
	return 0;
}

int
cmd_urls(struct popts *p)
{
	struct rsmgmt_url	*v = NULL;
	struct rsmgmt_result	 r;
	struct rsmgmt		*m;
	struct buf		 b;
	size_t			 n = 0;
	int			 rc = 0;

	if ((m = pages_open(p, &rc)) == NULL)
		return rc;
	if (rsmgmt_list_reserved_urls(m, &v, &n, &r) != 0) {
		rsmgmt_close(m);
		return pout_fail(p, &r);
	}
	if (p->json) {
		buf_init(&b, 0);
		(void)buf_printf(&b, NULL, "{\"HRESULT\":0,\"Length\":%zu,"
		    "\"URLs\":", n);
		urls_json(&b, v, n);
		printf("%s}\n", b.data);
		buf_fini(&b);
	} else {
		printf("%-24s %-28s %-36s %s\n", "Application", "UrlString",
		    "Reserved prefix", "Account");
		for (size_t i = 0; i < n; i++)
			printf("%-24s %-28s %-36s %s%s\n", v[i].application,
			    v[i].url_string, v[i].prefix, v[i].account,
			    v[i].in_store ? "" : "  (DRIFT: not in the binding "
			    "store)");
		if (n == 0)
			printf("(no URLs reserved: 'rsconfig web-service-url "
			    "--port 80 --apply')\n");
	}
	free(v);
	rsmgmt_close(m);
	return 0;
}

static void
bindings_json(const struct rsmgmt_binding *v, size_t n)
{
	struct buf	b;

	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, "{\"HRESULT\":0,\"Length\":%zu,"
	    "\"Bindings\":[", n);
	for (size_t i = 0; i < n; i++) {
		(void)buf_printf(&b, NULL, "%s{\"Application\":", i ? "," : "");
		(void)buf_json_str(&b, v[i].application, NULL);
		(void)buf_printf(&b, NULL, ",\"CertificateHash\":\"%s\","
		    "\"IPAddress\":", v[i].hash);
		(void)buf_json_str(&b, v[i].ip, NULL);
		(void)buf_printf(&b, NULL, ",\"Port\":%u,\"Endpoint\":",
		    v[i].port);
		(void)buf_json_str(&b, v[i].endpoint, NULL);
		(void)buf_puts(&b, ",\"Owners\":", NULL);
		(void)buf_json_str(&b, v[i].owners, NULL);
		(void)buf_printf(&b, NULL, ",\"Shared\":%s,\"InStore\":%s,"
		    "\"CertificateMissing\":%s,\"Error\":", v[i].shared ?
		    "true" : "false", v[i].in_store ? "true" : "false",
		    v[i].cert_missing ? "true" : "false");
		(void)buf_json_str(&b, v[i].error, NULL);
		(void)buf_puts(&b, "}", NULL);
	}
	printf("%s]}\n", b.data);
	buf_fini(&b);
}

int
cmd_bindings(struct popts *p)
{
	struct rsmgmt_binding	*v = NULL;
	struct rsmgmt_result	 r;
	struct rsmgmt		*m;
	size_t			 n = 0;
	int			 rc = 0;

	if ((m = pages_open(p, &rc)) == NULL)
		return rc;
	if (rsmgmt_list_ssl_bindings(m, &v, &n, &r) != 0) {
		rsmgmt_close(m);
		return pout_fail(p, &r);
	}
	if (p->json)
		bindings_json(v, n);
	else {
		printf("SSL bindings of the report server (appid %s):\n",
		    RSMGMT_APPID);
		for (size_t i = 0; i < n; i++) {
			printf("  %-28s %-40s %s%s\n", v[i].endpoint,
			    v[i].hash[0] ? v[i].hash : "(none)",
			    v[i].application[0] ? v[i].application : "-",
			    v[i].shared ? "  shared" : "");
			if (v[i].shared)
				printf("      owners: %s\n", v[i].owners);
			if (v[i].error[0] != '\0')
				printf("      problem: %s\n", v[i].error);
		}
		if (n == 0)
			printf("  (none)\n");
	}
	free(v);
	rsmgmt_close(m);
	return 0;
}

int
cmd_secure_level(struct popts *p)
{
	struct rsmgmt_results	res = { .dry_run = p->dry_run };
	struct rsmgmt_result	r;
	struct rsmgmt		*m;
	struct rs_err		e;
	uint64_t		v;
	int			rc = 0;

	if ((m = pages_open(p, &rc)) == NULL)
		return rc;
	if (p->nwords < 2) {
		if (p->json)
			printf("{\"HRESULT\":0,\"SecureConnectionLevel\":%d}\n",
			    rsmgmt_secure_connection_level(m));
		else
			printf("SecureConnectionLevel: %d (%s)\n",
			    rsmgmt_secure_connection_level(m),
			    rsmgmt_secure_connection_level(m) ? "HTTPS "
			    "required" : "plain HTTP allowed");
		rsmgmt_close(m);
		return 0;
	}
	if (str_parse_uint(p->words[1], 0, 3, &v, "the level", &e) == -1) {
		fprintf(stderr, "rsconfig: %s\n", e.msg);
		rsmgmt_close(m);
		return 64;
	}
	rsmgmt_set_secure_connection_level(m, (int)v, &res, &r);
	pout_results(p, &res, &r);
	rsmgmt_close(m);
	return r.hresult == 0 ? 0 : 1;
}

int
cmd_service_account(struct popts *p)
{
	struct rsmgmt_results	*res = calloc(1, sizeof(*res));
	struct rsmgmt_result	 r;
	struct rsmgmt		*m;
	int			 rc = 0;

	if (res == NULL)
		return 71;
	if ((m = pages_open(p, &rc)) == NULL) {
		free(res);
		return rc;
	}
	if (p->nwords < 2) {
		if (p->json)
			printf("{\"HRESULT\":0,\"Account\":\"%s\"}\n",
			    rsmgmt_account(m));
		else
			printf("Service account: %s (the URL reservations are "
			    "granted to it)\n", rsmgmt_account(m));
	} else {
		res->dry_run = p->dry_run;
		rsmgmt_set_service_identity(m, p->words[1], res, &r);
		pout_results(p, res, &r);
		rc = r.hresult == 0 ? 0 : 1;
	}
	rsmgmt_close(m);
	free(res);
	return rc;
}
