/*
 * reportserver: the Report Server service.  Reads rsreportserver.config,
 * registers the URL prefixes of its URLReservations section with httpsvc
 * (through appserver: its own Unix socket ROOT/run/reportserver/
 * reportserver.sock)
 * and serves the two applications: ReportServerWebService (the web service
 * URL) and ReportServerWebApp (the web portal and its REST API).
 *
 *   reportserver [--root DIR] [-t] [-v] [--no-register] [--pam-fd N]
 *   reportserver [--root DIR] --pam-broker N
 *
 * -t checks the configuration and exits ("configuration OK").  --pam-fd
 * and --pam-broker are the two ends of the PAM broker (pam_broker.h) that
 * rsconfig sets up when the report server runs as its service account.
 */
#include "appserver/appserver.h"
#include "binding/binding.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/root.h"
#include "common/str.h"
#include "data/data.h"
#include "reportserver/pam_broker.h"
#include "reportserver/render_hook.h"
#include "reportserver/server.h"
#include "reportserver/subs.h"
#include "rsconf/rsconf.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct app_ctx {
	struct rs_server	*srv;
	char			 vdir[80];	/* "/ReportServer" */
	bool			 portal;
};

struct opts {
	const char	*root_opt;
	bool		 check;
	bool		 verbose;
	bool		 no_register;
	int		 pam_fd;	/* -1: none */
	int		 broker_fd;	/* -1: not the broker */
};

static const char *
get_header(void *ctx, const char *name)
{
	return appserver_req_header(ctx, name);
}

static void
send_head(struct appserver_req *q, struct rsresp *r)
{
	struct rs_err	e;

	rs_security_headers(r);
	appserver_resp_status(q, r->status);
	for (size_t i = 0; i < r->nheaders; i++)
		if (appserver_resp_header(q, r->headers[i].name,
		    r->headers[i].value, &e) == -1)
			log_warn("response header %s: %s", r->headers[i].name,
			    e.msg);
	(void)appserver_resp_header(q, "Cache-Control", "no-store", &e);
}

/* rsreq.stream: the head with the first piece, then pieces. */
static int
stream(void *ctx, struct rsresp *r, const void *p, size_t len)
{
	struct appserver_req	*q = ctx;

	if (!r->streamed)
		send_head(q, r);
	return appserver_resp_write(q, p, len);
}

static void
send_resp(struct appserver_req *q, struct rsresp *r)
{
	if (r->streamed)
		return;	/* sent as it was made */
	send_head(q, r);
	if (r->body.len > 0)
		appserver_resp_body(q, r->body.data, r->body.len);
}

static void
handle(struct appserver_req *q, void *arg)
{
	struct app_ctx	*a = arg;
	struct rsreq	 r = { 0 };
	struct rsresp	 resp;

	r.method = appserver_req_method(q);
	r.path = appserver_req_subpath(q);
	r.query = appserver_req_query(q);
	r.vdir = a->vdir;
	r.header = get_header;
	r.hctx = q;
	r.body = appserver_req_body(q, &r.body_len);
	r.stream = stream;
	r.sctx = q;
	rsresp_init(&resp);
	if (a->portal)
		rs_portal_handle(a->srv, &r, &resp);
	else
		rs_websvc_handle(a->srv, &r, &resp);
	send_resp(q, &resp);
	rsresp_fini(&resp);
}

static void
on_reg(const char *prefix, enum appserver_reg_state st, int code,
    const char *msg, void *arg)
{
	(void)arg;
	if (st == APPSERVER_REG_OK)
		log_info("registered %s", prefix);
	else if (st == APPSERVER_REG_FAILED)
		log_error("cannot register %s: %s (error %d)", prefix, msg,
		    code);
	else
		log_warn("registration of %s pending: httpsvc not reachable",
		    prefix);
}

/*
 * The binding store is the truth about URL reservations; URLReservations in
 * rsreportserver.config is only their representation.  A URL that a hand
 * edit added there, with no URL ACL behind it, is therefore not registered
 * (root could register it, httpsvc lets root register anything).  Only
 * root needs this check: for any other user httpsvc itself refuses a URL
 * not reserved for it, so the report server running as its service
 * account does not open httpsvc's store at all.
 */
static bool
reserved(struct binding_store *bs, const char *prefix)
{
	struct binding_urlacl	acl;
	struct rs_err		e;

	if (bs == NULL)
		return true;	/* --no-register: nothing goes to httpsvc */
	if (binding_urlacl_get(bs, prefix, &acl, &e) == 0)
		return true;
	if (e.code == RS_E_NOTFOUND)
		log_warn("%s is in rsreportserver.config but not reserved in "
		    "the binding store (a hand edit?); not registered; reserve "
		    "it with 'rsconfig web-service-url' or 'rsconfig "
		    "web-portal-url', and see 'rsconfig status' for drift",
		    prefix);
	else
		log_warn("%s: cannot check its URL reservation: %s; not "
		    "registered", prefix, e.msg);
	return false;
}

static int
add_app(struct appserver *as, struct rs_server *srv,
    const struct rsconf_app *app, struct app_ctx *ctx,
    struct binding_store *bs, size_t *added, struct rs_err *e)
{
	ctx->srv = srv;
	snprintf(ctx->vdir, sizeof(ctx->vdir), "/%s", app->vdir);
	if (strcasecmp(app->name, RSCONF_APP_WEBSERVICE) == 0)
		ctx->portal = false;
	else if (strcasecmp(app->name, RSCONF_APP_WEBAPP) == 0 ||
	    strcasecmp(app->name, "ReportManager") == 0)
		ctx->portal = true;
	else {
		log_warn("application %s in URLReservations is not served here;"
		    " skipped", app->name);
		return 0;
	}
	for (size_t i = 0; i < app->nurls; i++) {
		char	prefix[APPSERVER_PREFIX_MAX];
		size_t	n = strlen(app->urls[i].url);

		if (n > 0 && app->urls[i].url[n - 1] == '/')
			n--;
		snprintf(prefix, sizeof(prefix), "%.*s/%s/", (int)n,
		    app->urls[i].url, app->vdir);
		if (!reserved(bs, prefix))
			continue;
		if (appserver_add(as, prefix, handle, ctx, e) == -1)
			return -1;
		(*added)++;
	}
	return 0;
}

/* An inherited descriptor number from argv. */
static int
parse_fd(const char *arg)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < 3 || v > 1023)
		return -1;
	return (int)v;
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
	o->pam_fd = o->broker_fd = -1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			o->root_opt = argv[++i];
		else if (strcmp(argv[i], "-t") == 0)
			o->check = true;
		else if (strcmp(argv[i], "-v") == 0)
			o->verbose = true;
		else if (strcmp(argv[i], "--no-register") == 0)
			o->no_register = true;
		else if (strcmp(argv[i], "--pam-fd") == 0 && i + 1 < argc &&
		    (o->pam_fd = parse_fd(argv[++i])) != -1)
			continue;
		else if (strcmp(argv[i], "--pam-broker") == 0 &&
		    i + 1 < argc && (o->broker_fd = parse_fd(argv[++i])) != -1)
			continue;
		else {
			fprintf(stderr, "usage: reportserver [--root DIR] [-t] "
			    "[-v] [--no-register] [--pam-fd N]\n"
			    "       reportserver [--root DIR] --pam-broker N\n");
			return -1;
		}
	}
	return 0;
}

/*
 * What published reports may open: SQLite files under DataSourceRoot, the
 * PostgreSQL databases PostgreSQLDataSources allows (none by default), and
 * never the report server's own PostgreSQL database.
 */
static void
policy_of(const struct rsconf *conf, const char *data_root,
    struct data_pg_rule *rules, struct data_policy *pol)
{
	for (size_t i = 0; i < conf->npg_allow; i++) {
		rules[i].host = conf->pg_allow[i].host;
		rules[i].port = conf->pg_allow[i].port;
		rules[i].dbname = conf->pg_allow[i].dbname;
		rules[i].read_write = conf->pg_allow[i].read_write;
	}
	pol->sqlite_root = data_root;
	pol->pg_confined = true;
	pol->pg_allow = rules;
	pol->npg_allow = conf->npg_allow;
	pol->pg_own = conf->postgres ? conf->dsn : NULL;
	pol->setting = "PostgreSQLDataSources in rsreportserver.config";
}

static int
serve(const char *root, const struct opts *o, const struct rsconf *conf,
    struct rs_err *e)
{
	struct appserver_config	 ac = { 0 };
	struct appserver	*as = NULL;
	struct rs_server	 srv;
	struct app_ctx		 ctx[RSCONF_APPS_MAX];
	struct binding_store	*bs = NULL;
	struct rs_subs		 subs;
	bool			 subs_on = false;
	char			 data_root[RS_PATH_MAX], sock[RS_PATH_MAX];
	char			 cpath[RS_PATH_MAX];
	struct data_policy	 policy = { 0 };
	struct data_pg_rule	 rules[RSCONF_PG_ALLOW_MAX];
	size_t			 added = 0;
	int			 rc = -1;

	rs_server_init(&srv, conf);
	srv.pam_fd = o->pam_fd;
	if (conf->data_root != NULL)
		str_copy(data_root, sizeof(data_root), conf->data_root);
	else if (rs_root_path(root, RS_DATA_DIR, data_root,
	    sizeof(data_root), e) == -1 ||
	    fs_mkdir_p(data_root, 0750, e) == -1)
		goto out;
	policy_of(conf, data_root, rules, &policy);
	srv.render = rs_render_report;
	srv.render_arg = &policy;
	if (rs_root_path(root, RS_REPORTSERVER_SOCK, sock, sizeof(sock),
	    e) == -1)
		goto out;
	ac.root = root;
	ac.name = "reportserver";
	ac.socket_path = sock;
	ac.workers = conf->workers;
	ac.body_max = conf->max_upload / 3 * 4 + 64 * 1024;
	ac.no_register = o->no_register;
	ac.on_reg = on_reg;
	as = appserver_new(&ac, e);
	if (as == NULL)
		goto out;
	if (!o->no_register && geteuid() == 0) {
		bs = binding_store_open(root, e);
		if (bs == NULL) {
			rs_err_prefix(e, "cannot read the URL reservations");
			goto out;
		}
	}
	for (size_t i = 0; i < conf->napps; i++)
		if (add_app(as, &srv, &conf->apps[i], &ctx[i], bs, &added,
		    e) == -1)
			goto out;
	if (added == 0) {
		rs_err_set(e, RS_E_CONFIG, "cannot start: no URLs are reserved "
		    "for the report server (rsreportserver.config and the "
		    "binding store); reserve them with 'rsconfig "
		    "web-service-url --apply'");
		goto out;
	}
	/* The scheduler lives with the server: no daemon to forget. */
	if (rs_root_path(root, RSCONF_FILE, cpath, sizeof(cpath), e) == -1 ||
	    rs_subs_start(&subs, &srv, root, cpath, &policy, e) == -1)
		goto out;
	subs_on = true;
	log_info("listening on %s", appserver_socket_path(as));
	rc = appserver_run(as, e);
out:
	if (subs_on)
		rs_subs_stop(&subs);
	binding_store_close(bs);
	appserver_free(as);
	rs_server_fini(&srv);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts	 o = { 0 };
	char		 root[RS_PATH_MAX], path[RS_PATH_MAX];
	struct rsconf	*conf;
	struct rs_err	 e;
	int		 rc;

	log_init("reportserver");
	if (parse_args(argc, argv, &o) == -1)
		return 64;
	log_set_verbose(o.verbose);
	/* The broker's socket goes to no program this one might run. */
	if (o.pam_fd != -1)
		(void)fcntl(o.pam_fd, F_SETFD, FD_CLOEXEC);
	if (o.broker_fd != -1)
		(void)fcntl(o.broker_fd, F_SETFD, FD_CLOEXEC);
	xmlInitParser();
	if (rs_root_resolve(o.root_opt, root, sizeof(root), &e) == -1 ||
	    rs_root_path(root, RSCONF_FILE, path, sizeof(path), &e) == -1) {
		log_error("%s", e.msg);
		return rs_err_exit_status(e.code);
	}
	conf = rsconf_load(path, &e);
	if (conf == NULL) {
		if (e.code == RS_E_NOTFOUND)
			rs_err_prefix(&e, "cannot start; run 'rsconfig database "
			    "create' to write the configuration");
		log_error("%s", e.msg);
		return rs_err_exit_status(e.code == RS_E_NOTFOUND ?
		    RS_E_CONFIG : e.code);
	}
	if (o.check) {
		printf("configuration OK\n");
		rsconf_free(conf);
		return 0;
	}
	if (conf->verbose)
		log_set_verbose(true);
	if (o.broker_fd != -1) {
		rc = rs_pam_broker_run(o.broker_fd, conf->pam_service);
		rsconf_free(conf);
		xmlCleanupParser();
		return rc == -1 ? 74 : 0;
	}
	rc = serve(root, &o, conf, &e);
	if (rc == -1)
		log_error("%s", e.msg);
	rsconf_free(conf);
	xmlCleanupParser();
	return rc == -1 ? rs_err_exit_status(e.code) : 0;
}
