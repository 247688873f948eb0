/*
 * reportserver: the Report Server service.  Reads rsreportserver.config,
 * registers the URL prefixes of its URLReservations section with httpsvc
 * (through appserver: its own Unix socket ROOT/run/reportserver/
 * reportserver.sock)
 * and serves the two applications: ReportServerWebService (the web service
 * URL) and ReportServerWebApp (the web portal and its REST API).  It may
 * start with no URL reserved yet; on SIGHUP (rsconfig after an Apply) it
 * re-reads the URL reservations and registers and unregisters the
 * difference live, and every registration's state goes to
 * ROOT/run/reportserver/registrations for rsconfig (regstate.h).
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
#include "catalog/catalog.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/root.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "data/data.h"
#include "reportserver/pam_broker.h"
#include "reportserver/regstate.h"
#include "reportserver/render_hook.h"
#include "reportserver/viewer.h"
#include "reportserver/rs_int.h"
#include "reportserver/server.h"
#include "reportserver/subs.h"
#include "rsconf/rsconf.h"
#include "soap/soap.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* One of the two applications; its virtual directory comes per request
 * from the prefix the request was dispatched to. */
struct app_ctx {
	struct rs_server	*srv;
	bool			 portal;
};

/*
 * What the registration callbacks share (loop thread): the config file,
 * the binding store (root only), the appserver and the registrations
 * file rsconfig reads after an Apply.
 */
struct rs_main {
	const char		*root;
	char			 cfg_path[RS_PATH_MAX];
	char			 state_path[RS_PATH_MAX];
	struct rs_server	*srv;
	struct binding_store	*bs;
	struct appserver	*as;
	struct app_ctx		 ws, portal;
	bool			 no_register;
	struct rs_regstate	 st;	/* what the file says */
	char			 skipped[RS_REGSTATE_URLS_MAX][
				    RS_REGSTATE_URL_MAX];
	size_t			 nskipped;
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
	if (r->streamed) {
		if (r->cut)
			appserver_resp_abort(q);
		return;	/* sent as it was made */
	}
	send_head(q, r);
	if (r->body.len > 0)
		appserver_resp_body(q, r->body.data, r->body.len);
}

/* "/ReportServer" from "https://+:8443/ReportServer/". */
static void
vdir_of(const char *prefix, char *out, size_t sz)
{
	const char	*p = strstr(prefix, "://");
	size_t		 n;

	p = p != NULL ? strchr(p + 3, '/') : NULL;
	if (p == NULL)
		p = "/";
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	snprintf(out, sz, "%.*s", (int)n, p);
}

/* The request's head as the report server reads it; vdir holds r.vdir. */
static void
req_of(struct appserver_req *q, char *vdir, size_t vdirsz, struct rsreq *r)
{
	vdir_of(appserver_req_prefix(q), vdir, vdirsz);
	r->method = appserver_req_method(q);
	r->path = appserver_req_subpath(q);
	r->query = appserver_req_query(q);
	r->vdir = vdir;
	r->header = get_header;
	r->hctx = q;
}

/* httpsvc's precheck of a large upload: the sign-in alone, no body yet. */
static void
precheck(struct appserver_req *q, void *arg)
{
	struct app_ctx	*a = arg;
	struct rsreq	 r = { 0 };
	struct rsresp	 resp;
	struct rsuser	 u = { 0 };
	char		 vdir[APPSERVER_PREFIX_MAX];

	req_of(q, vdir, sizeof(vdir), &r);
	rsresp_init(&resp);
	if (rs_gate(a->srv, &r, &resp, a->portal && strncmp(r.path,
	    "/api/v2.0", 9) == 0, &u) == NULL)
		send_resp(q, &resp);
	rsuser_fini(&u);
	rsresp_fini(&resp);
}

static void
handle(struct appserver_req *q, void *arg)
{
	struct app_ctx	*a = arg;
	struct rsreq	 r = { 0 };
	struct rsresp	 resp;
	char		 vdir[APPSERVER_PREFIX_MAX];

	req_of(q, vdir, sizeof(vdir), &r);
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

/* Rewrites the registrations file from the appserver's states. */
static void
write_state(struct rs_main *m)
{
	struct rs_regstate	*st = &m->st;
	struct rs_err		 e;
	size_t			 n = appserver_prefix_count(m->as);

	st->n = 0;
	for (size_t i = 0; i < n && st->n < RS_REGSTATE_URLS_MAX; i++) {
		struct rs_regstate_url *u = &st->urls[st->n++];
		const char *url = appserver_prefix_url(m->as, i);
		enum appserver_reg_state s;

		str_copy(u->url, sizeof(u->url), url);
		s = appserver_reg_status(m->as, url, &u->code, u->msg,
		    sizeof(u->msg));
		u->state = s == APPSERVER_REG_OK ? RS_REG_OK :
		    s == APPSERVER_REG_FAILED ? RS_REG_FAILED : RS_REG_PENDING;
		if (m->no_register) {
			u->state = RS_REG_SKIPPED;
			str_copy(u->msg, sizeof(u->msg), "served on its socket "
			    "only (--no-register)");
		}
	}
	for (size_t i = 0; i < m->nskipped && st->n < RS_REGSTATE_URLS_MAX;
	    i++) {
		struct rs_regstate_url *u = &st->urls[st->n++];
		u->state = RS_REG_SKIPPED;
		u->code = 0;
		str_copy(u->url, sizeof(u->url), m->skipped[i]);
		str_copy(u->msg, sizeof(u->msg), "not reserved in the binding "
		    "store");
	}
	if (rs_regstate_write(m->state_path, st, &e) == -1)
		log_warn("%s", e.msg);
}

static void
on_reg(const char *prefix, enum appserver_reg_state st, int code,
    const char *msg, void *arg)
{
	if (st == APPSERVER_REG_OK)
		log_info("registered %s", prefix);
	else if (st == APPSERVER_REG_FAILED)
		log_error("cannot register %s: %s (error %d)", prefix, msg,
		    code);
	else
		log_warn("registration of %s pending: httpsvc not reachable",
		    prefix);
	write_state(arg);
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
		    "the binding store (a hand edit?); not registered; 'rsconfig "
		    "status' shows the drift and 'rsconfig repair' drops it from "
		    "the configuration", prefix);
	else
		log_warn("%s: cannot check its URL reservation: %s; not "
		    "registered", prefix, e.msg);
	return false;
}

/* The application context of a URLReservations entry, or NULL. */
static struct app_ctx *
ctx_of(struct rs_main *m, const struct rsconf_app *app)
{
	if (strcasecmp(app->name, RSCONF_APP_WEBSERVICE) == 0)
		return &m->ws;
	if (strcasecmp(app->name, RSCONF_APP_WEBAPP) == 0 ||
	    strcasecmp(app->name, "ReportManager") == 0)
		return &m->portal;
	log_warn("application %s in URLReservations is not served here; "
	    "skipped", app->name);
	return NULL;
}

/* The prefixes a config asks for (at most RS_REGSTATE_URLS_MAX). */
struct want {
	char		 url[RS_REGSTATE_URLS_MAX][APPSERVER_PREFIX_MAX];
	struct app_ctx	*ctx[RS_REGSTATE_URLS_MAX];
	size_t		 n;
};

static void
wanted(struct rs_main *m, const struct rsconf *conf, struct want *w)
{
	w->n = 0;
	m->nskipped = 0;
	for (size_t i = 0; i < conf->napps; i++) {
		const struct rsconf_app *app = &conf->apps[i];
		struct app_ctx *ctx = ctx_of(m, app);

		for (size_t j = 0; ctx != NULL && j < app->nurls &&
		    w->n < RS_REGSTATE_URLS_MAX; j++) {
			char *pfx = w->url[w->n];
			size_t n = strlen(app->urls[j].url);

			if (n > 0 && app->urls[j].url[n - 1] == '/')
				n--;
			snprintf(pfx, APPSERVER_PREFIX_MAX, "%.*s/%s/", (int)n,
			    app->urls[j].url, app->vdir);
			if (reserved(m->bs, pfx)) {
				w->ctx[w->n++] = ctx;
				continue;
			}
			if (m->nskipped < RS_REGSTATE_URLS_MAX)
				str_copy(m->skipped[m->nskipped++],
				    RS_REGSTATE_URL_MAX, pfx);
		}
	}
}

static bool
in_want(const struct want *w, const char *url)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcasecmp(w->url[i], url) == 0)
			return true;
	return false;
}

/*
 * Makes the appserver's prefixes those of conf: the ones no longer wanted
 * are removed (unregistered at once), the new ones added (registered at
 * once).  Returns how many it serves.
 */
static size_t
sync_urls(struct rs_main *m, const struct rsconf *conf)
{
	struct want	*w = xcalloc(1, sizeof(*w));
	struct rs_err	 e;
	size_t		 n;

	wanted(m, conf, w);
	for (size_t i = appserver_prefix_count(m->as); i-- > 0;) {
		const char *url = appserver_prefix_url(m->as, i);
		if (in_want(w, url))
			continue;
		log_info("no longer serving %s (removed from the URL "
		    "reservations)", url);
		(void)appserver_remove(m->as, url, &e);
	}
	for (size_t i = 0; i < w->n; i++) {
		bool have = false;
		for (size_t k = 0; k < appserver_prefix_count(m->as); k++)
			have |= strcasecmp(appserver_prefix_url(m->as, k),
			    w->url[i]) == 0;
		if (!have && appserver_add(m->as, w->url[i], handle,
		    w->ctx[i], &e) == -1)
			log_error("cannot serve %s: %s", w->url[i], e.msg);
	}
	n = appserver_prefix_count(m->as);
	free(w);
	return n;
}

static void
say_none(void)
{
	log_info("no URLs are reserved for the report server yet; it serves "
	    "them as soon as they are: 'rsconfig web-service-url --port 80 "
	    "--apply'");
}

/*
 * SIGHUP (rsconfig after an Apply): re-reads rsreportserver.config and the
 * URL reservations and registers and unregisters the difference, as the
 * original's Apply reaches the running service.  Settings other than the
 * URLs take effect at the next start.
 */
static void
on_reload(struct appserver *as, void *arg)
{
	struct rs_main	*m = arg;
	struct rsconf	*conf;
	struct rs_err	 e;

	(void)as;
	conf = rsconf_load(m->cfg_path, &e);
	m->st.seq++;
	if (conf == NULL) {
		log_error("cannot re-read the URL reservations: %s; still "
		    "serving the ones it had", e.msg);
		str_copy(m->st.reload_error, sizeof(m->st.reload_error), e.msg);
		write_state(m);
		return;
	}
	m->st.reload_error[0] = '\0';
	if (sync_urls(m, conf) == 0)
		say_none();
	rs_server_set_urls(m->srv, conf);
	log_info("URL reservations re-read (%zu served)",
	    appserver_prefix_count(m->as));
	write_state(m);
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
		else if (strcmp(argv[i], "--version") == 0)
			exit(printf("reportserver %s\n", RS_VERSION) < 0);
		else {
			bool help = strcmp(argv[i], "-h") == 0 ||
			    strcmp(argv[i], "--help") == 0;
			fprintf(help ? stdout : stderr, "usage: reportserver "
			    "[--root DIR] [-t] [-v] [--no-register] "
			    "[--pam-fd N]\n"
			    "       reportserver [--root DIR] --pam-broker N\n"
			    "  --root DIR      state root (default $RS_ROOT or "
			    "%s)\n"
			    "  -t              check the configuration and exit\n"
			    "  -v              debug logging\n"
			    "  --no-register   do not register URLs with "
			    "httpsvc\n"
			    "  --pam-fd N      ask the PAM broker on descriptor N "
			    "to check passwords\n"
			    "  --pam-broker N  be the PAM broker for the report "
			    "server on descriptor N\n"
			    "  --version       print the version\n",
			    RS_ROOT_DEFAULT);
			if (help)
				exit(0);
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
setup(struct rs_main *m, const char *root, const struct opts *o,
    const struct rsconf *conf, struct rs_err *e)
{
	struct appserver_config	 ac = { 0 };
	char			 sock[RS_PATH_MAX];

	m->root = root;
	m->no_register = o->no_register;
	m->st.pid = (int)getpid();
	m->ws.srv = m->portal.srv = m->srv;
	m->portal.portal = true;
	if (rs_root_path(root, RSCONF_FILE, m->cfg_path, sizeof(m->cfg_path),
	    e) == -1 || rs_root_path(root, RS_REGSTATE_FILE, m->state_path,
	    sizeof(m->state_path), e) == -1 || rs_root_path(root,
	    RS_REPORTSERVER_SOCK, sock, sizeof(sock), e) == -1)
		return -1;
	ac.root = root;
	ac.name = "reportserver";
	ac.socket_path = sock;
	ac.workers = conf->workers;
	ac.body_max = conf->max_upload / 3 * 4 + 64 * 1024;	/* to httpsvc too */
	ac.precheck = precheck;		/* sign in before a big body comes */
	ac.precheck_over = 1024 * 1024;
	ac.no_register = o->no_register;
	ac.on_reg = on_reg;
	ac.on_reg_arg = m;
	ac.on_reload = on_reload;
	ac.on_reload_arg = m;
	m->as = appserver_new(&ac, e);
	if (m->as == NULL)
		return -1;
	if (!o->no_register && geteuid() == 0) {
		m->bs = binding_store_open(root, e);
		if (m->bs == NULL) {
			rs_err_prefix(e, "cannot read the URL reservations");
			return -1;
		}
	}
	return 0;
}

static int
serve(const char *root, const struct opts *o, const struct rsconf *conf,
    struct rs_err *e)
{
	struct rs_main		*m = xcalloc(1, sizeof(*m));
	struct rs_server	 srv;
	char			 data_root[RS_PATH_MAX], cpath[RS_PATH_MAX];
	struct rs_subs		 subs;
	bool			 subs_on = false;
	struct data_policy	 policy = { 0 };
	struct data_pg_rule	 rules[RSCONF_PG_ALLOW_MAX];
	int			 rc = -1;

	rs_server_init(&srv, conf);
	srv.pam_fd = o->pam_fd;
	m->srv = &srv;
	if (conf->data_root != NULL)
		str_copy(data_root, sizeof(data_root), conf->data_root);
	else if (rs_root_path(root, RS_DATA_DIR, data_root,
	    sizeof(data_root), e) == -1 ||
	    fs_mkdir_p(data_root, 0750, e) == -1)
		goto out;
	policy_of(conf, data_root, rules, &policy);
	srv.render = rs_render_report;
	srv.render_arg = &policy;
	srv.soap = soap_handle;
	srv.soap_arg = &policy;
	srv.viewer = rs_viewer_page;
	srv.viewer_arg = &policy;
	if (setup(m, root, o, conf, e) == -1)
		goto out;
	/* The scheduler lives with the server: no daemon to forget. */
	if (rs_root_path(root, RSCONF_FILE, cpath, sizeof(cpath), e) == -1 ||
	    rs_subs_start(&subs, &srv, root, cpath, &policy, e) == -1)
		goto out;
	subs_on = true;
	if (sync_urls(m, conf) == 0)
		say_none();
	write_state(m);
	log_info("listening on %s", appserver_socket_path(m->as));
	rc = appserver_run(m->as, e);
	(void)unlink(m->state_path);
out:
	if (subs_on)
		rs_subs_stop(&subs);
	binding_store_close(m->bs);
	appserver_free(m->as);
	rs_server_fini(&srv);
	free(m);
	return rc;
}

/*
 * SIGHUP waits (blocked) until the appserver reads it: rsconfig may send
 * it as soon as the report server has started, before the loop runs.
 */
static void
block_hup(void)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
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
	block_hup();
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
			rs_err_prefix(&e, "cannot start; run '"
			    CATALOG_CREATE_HINT "' to write the "
			    "configuration");
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
		rc = rs_pam_broker_run(o.broker_fd, conf);
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
