/*
 * server.h: the report server's request handling as plain functions: a
 * struct rsreq in, a struct rsresp out, no sockets.  The daemon's main.c
 * fills rsreq from the appserver request and sends rsresp back; the unit
 * tests call the same functions directly.
 *
 * Two applications: the web service (rs_websvc_handle, virtual directory
 * ReportServer: folder listing, GetResourceContents, rendering hook) and
 * the web portal (rs_portal_handle, virtual directory Reports: HTML pages
 * and the REST API v2.0 under /api/v2.0).  Both first check the database
 * (503 rsReportServerDatabaseUnavailable until it exists), the secure
 * connection level, and sign-in (HTTP Basic).
 *
 * Threads: handlers run on worker threads; struct rs_server is shared and
 * guards its mutable parts (the catalog handle, sign-in failures, form
 * tokens) with its own mutexes.
 */
#ifndef RS_REPORTSERVER_SERVER_H
#define RS_REPORTSERVER_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "catalog/catalog.h"
#include "common/buf.h"
#include "common/err.h"
#include "rsconf/rsconf.h"

#define RS_PRODUCT		"Report Server for Linux"
#define RS_SSRS_VERSION		"15.0.0.1"	/* for tools that parse it */
#define RS_QUERY_MAX		8192
#define RS_RESP_HEADERS_MAX	16
#define RS_TOKENS_MAX		1024
#define RS_GROUPS_MAX		64
#define RS_CREDS_MAX		256
#define RS_CRED_TTL_S		300

struct rsresp;
struct rs_signin;
struct rs_subs;

/* One request, borrowed from the caller for the call's duration. */
struct rsreq {
	const char	*method;
	const char	*path;		/* decoded, below the vdir, "/..." */
	const char	*query;		/* raw, after '?', "" when none */
	const char	*vdir;		/* "/ReportServer" or "/Reports" */
	const char	*(*header)(void *ctx, const char *name);
	void		*hctx;
	const void	*body;
	size_t		 body_len;
	/*
	 * Streaming, when the caller supports it (NULL in unit tests): the
	 * first call sends resp's status and headers, then each call sends
	 * len bytes.  Returns 0, or -1 when the client went away.
	 */
	int		(*stream)(void *sctx, struct rsresp *, const void *,
			    size_t);
	void		*sctx;
	/* Filled by the handler from the headers. */
	bool		 https;
	char		 host[256];	/* X-Forwarded-Host or Host */
	char		 client[64];	/* X-Forwarded-For */
};

struct rsresp_header {
	char	 name[64];
	char	*value;	/* owned */
};

/* The response; rsresp_fini frees it. */
struct rsresp {
	int			status;
	bool			streamed;	/* head already sent */
	bool			cut;	/* streamed, then failed: end it cut */
	struct rsresp_header	headers[RS_RESP_HEADERS_MAX];
	size_t			nheaders;
	struct buf		body;
};

void	rsresp_init(struct rsresp *);
void	rsresp_fini(struct rsresp *);
/* Adds a header (copied; replaces one of the same name). */
void	rsresp_header(struct rsresp *, const char *name, const char *value);
const char *rsresp_get_header(const struct rsresp *, const char *name);

/*
 * The policy of every HTML page the report server sends (the viewer, the
 * portal, listings, error pages) unless its handler set a stricter one:
 * no script at all, styles only inline (the viewer's <style> and style
 * attributes), images from the server or data: URIs (the viewer's
 * embedded images), forms only to the server, never framed.
 */
#define RS_CSP_HTML	"default-src 'none'; style-src 'unsafe-inline'; " \
			"img-src 'self' data:; form-action 'self'; " \
			"base-uri 'none'; frame-ancestors 'none'"

/*
 * Adds the security headers an answer lacks, just before its head is
 * sent: X-Content-Type-Options: nosniff and Referrer-Policy: same-origin
 * on every answer; on HTML also RS_CSP_HTML and X-Frame-Options: DENY.
 * A header the handler set (the sandbox CSP of a resource) stays.
 */
void	rs_security_headers(struct rsresp *);
/*
 * Sends len bytes of the body: streamed when the request allows it (the
 * head goes first), else appended to resp's buffer up to max bytes
 * (RS_E_LIMIT beyond).  Returns 0 or -1.
 */
int	rs_stream(const struct rsreq *, struct rsresp *, const void *,
	    size_t len, size_t max, struct rs_err *);

/* The signed-in user. */
struct rsuser {
	char	 name[CATALOG_NAME_MAX + 1];
	char	*groups[RS_GROUPS_MAX + 1];	/* NULL-terminated; owned */
	bool	 builtin;
};

void	rsuser_fini(struct rsuser *);

struct rsuser;

/*
 * Renders a report (rs:Command=Render).  The hook gets the catalog, the
 * signed-in user, the item and its definition, and the request (its raw
 * query holds rs:Format, rc: settings and report parameters); it writes
 * the response into resp, or streams it with rs_stream().  Returns 0, or
 * -1 with e before anything was sent (turned into an error page).
 */
typedef int rs_render_fn(void *arg, struct catalog *, const struct rsuser *,
    const struct catalog_item *, const void *rdl, size_t len,
    const struct rsreq *, struct rsresp *, struct rs_err *);

struct rs_server;
struct page;

/*
 * The portal's report viewer (reportserver/viewer.c), installed by the
 * daemon like the render hook, as it links the renderer: kind "report"
 * (the viewer page) or "print" (the PDF), path the report's.
 */
typedef void rs_viewer_fn(void *arg, struct page *, const char *kind,
    const char *path);

/*
 * The SOAP endpoints (src/soap: ReportService2010.asmx and
 * ReportExecution2005.asmx), installed by the daemon like the render
 * hook: every request for a /<name>.asmx path of the web service goes to
 * it whole (it passes the gate itself, to answer with SOAP faults).
 */
typedef void rs_soap_fn(void *arg, struct rs_server *, struct rsreq *,
    struct rsresp *);

/*
 * A recent successful sign-in: a cheap keyed hash (sha256crypt with a
 * per-process random salt) of the password, so the next requests of a
 * keep-alive client do not each pay for a yescrypt or PAM check.
 */
struct rs_cred {
	char	user[CATALOG_NAME_MAX + 1];
	char	check[128];
	bool	builtin;
	time_t	expires;
};

struct rs_token {
	char	user[CATALOG_NAME_MAX + 1];
	char	token[65];
};

struct rs_server {
	const struct rsconf	*conf;
	/*
	 * URLReservations as served now: conf at start, then the config each
	 * live re-registration read (rs_server_set_urls).  Replaced configs
	 * stay until fini, so a request may keep the one it read.
	 */
	pthread_mutex_t		 urls_mu;
	const struct rsconf	*urls;
	struct rsconf		**urls_kept;
	size_t			 nurls_kept;
	struct catalog_dsn	 dsn;
	pthread_mutex_t		 cat_mu;
	struct catalog		*cat;		/* NULL until it opens */
	time_t			 cat_tried;
	struct rs_err		 cat_err;	/* why it is NULL */
	struct rs_signin	*signin;	/* sign-in limits (signin.h) */
	pthread_mutex_t		 auth_mu;
	struct rs_token		 tokens[RS_TOKENS_MAX];
	struct rs_cred		 creds[RS_CREDS_MAX];
	char			 cred_salt[40];
	size_t			 ntokens;
	pthread_mutex_t		 pam_mu;
	int			 pam_fd;	/* the PAM broker, or -1 */
	uint32_t		 pam_seq;	/* its last request */
	rs_render_fn		*render;	/* NULL: not available yet */
	void			*render_arg;
	rs_viewer_fn		*viewer;	/* NULL: no portal viewer */
	void			*viewer_arg;
	rs_soap_fn		*soap;		/* NULL: no SOAP endpoints */
	void			*soap_arg;
	struct rs_subs		*subs;		/* the scheduler, or NULL */
};

/* Sets up a server over a loaded config (borrowed for its lifetime). */
void	rs_server_init(struct rs_server *, const struct rsconf *);
void	rs_server_fini(struct rs_server *);
/*
 * The config whose URLReservations the report server serves now (for
 * links to the other application and to the HTTPS URL); borrowed, valid
 * until rs_server_fini.  rs_server_set_urls installs a newly read config
 * (taking it) after a live re-registration; any thread.
 */
const struct rsconf *rs_server_urls(struct rs_server *);
void	rs_server_set_urls(struct rs_server *, struct rsconf *);
/* The web service's virtual directory now ("ReportServer" by default). */
const char *rs_server_ws_vdir(struct rs_server *);
/*
 * The catalog, opened on first use and retried at most once a second
 * while it cannot be opened.  NULL with e (RS_E_NOTFOUND: not created,
 * or a SQLite file deleted or replaced under the open handle, which is
 * then closed and opened again once the file is back).
 */
struct catalog *rs_server_catalog(struct rs_server *, struct rs_err *);

/* The two applications. */
void	rs_websvc_handle(struct rs_server *, struct rsreq *, struct rsresp *);
void	rs_portal_handle(struct rs_server *, struct rsreq *, struct rsresp *);

#endif
