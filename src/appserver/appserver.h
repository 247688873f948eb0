/*
 * appserver.h: the application side of the shared HTTP service (httpsvc),
 * in the role of an application using HTTP.sys's request-queue API.
 *
 * An application creates one appserver, adds one handler per URL prefix it
 * wants (appserver_add), and calls appserver_run().  The appserver then:
 *   - listens on its own Unix socket (ROOT/run/apps/<name>.sock by default)
 *     and speaks HTTP/1.1 with keep-alive there (libh2o-evloop parses);
 *   - connects to httpsvc's control socket ROOT/run/httpsvc.sock and sends
 *     "REGISTER <prefix> <socket> body_max=N [precheck=N]" for every prefix
 *     (httpsvc refuses a larger body before it is sent); the registration lives
 *     as long as that connection, and is made again (with backoff, logged)
 *     whenever httpsvc is not running yet or restarts;
 *   - runs each handler on a small pool of worker threads, so a handler may
 *     block (SQLite, rendering) without stalling other requests; results go
 *     back to the event loop through a queue;
 *   - on SIGTERM/SIGINT (or appserver_stop) stops accepting, drops its
 *     registrations, finishes the requests in flight and returns;
 *   - on SIGHUP, when the application gave an on_reload callback, calls it
 *     on the loop thread: there it may add and remove prefixes
 *     (appserver_add, appserver_remove), each registered or unregistered
 *     with httpsvc at once, as HTTP.sys's HttpAddUrl/HttpRemoveUrl work
 *     on a live request queue.
 *
 * It does not do TLS, authentication or URL reservations: httpsvc does.
 *
 * Threads: appserver_new/add/run/free are called from one thread (the one
 * that runs the loop); while it runs, appserver_add/remove only from the
 * on_reload and on_reg callbacks (the loop thread).  A handler runs on a
 * worker thread and may call every
 * appserver_req_* and appserver_resp_* function on its own request only.
 * appserver_stop and appserver_reg_status may be called from any thread.
 *
 * Ownership: every pointer an appserver_req_* function returns is borrowed
 * from the request and valid until the handler returns.  Strings passed to
 * appserver_resp_* are copied.
 */
#ifndef RS_APPSERVER_H
#define RS_APPSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"

/* Defaults (each can be changed in struct appserver_config). */
#define APPSERVER_WORKERS_DEFAULT	4
#define APPSERVER_WORKERS_MAX		64
#define APPSERVER_BODY_MAX_DEFAULT	(16u * 1024 * 1024)	/* request body */
#define APPSERVER_QUEUE_MAX_DEFAULT	1024	/* queued requests -> 503 */
#define APPSERVER_STREAM_BUF		(256u * 1024)	/* write() backpressure */
#define APPSERVER_IDLE_TIMEOUT_MS	120000	/* keep-alive idle, like HTTP.sys */
#define APPSERVER_PREFIX_MAX		1024
#define APPSERVER_PREFIXES_MAX		32

struct appserver;	/* opaque; one per application process */
struct appserver_req;	/* opaque; one request and the response being built */

/*
 * Runs one request on a worker thread.  It reads the request with
 * appserver_req_*, and answers with appserver_resp_*: either a whole
 * response (status, headers, appserver_resp_body) that is sent when the
 * handler returns, or a streamed one (appserver_resp_write).  A handler that
 * sets nothing answers 200 with an empty body.  arg is the pointer given to
 * appserver_add.
 */
typedef void appserver_handler_fn(struct appserver_req *, void *arg);

enum appserver_reg_state {
	APPSERVER_REG_PENDING,	/* not sent yet, or httpsvc not reachable */
	APPSERVER_REG_OK,	/* httpsvc answered OK: requests are routed */
	APPSERVER_REG_FAILED,	/* httpsvc answered ERR (code, message) */
};

/*
 * Called on the loop thread whenever a prefix's registration changes:
 * OK or FAILED after httpsvc answered (code is the Win32 code of the ERR
 * answer, 0 for OK; message is httpsvc's sentence), PENDING when the
 * control connection was lost (the appserver reconnects and registers
 * again by itself).  It may call appserver_stop() (for example to exit on
 * "ERR 5 access denied").
 */
typedef void appserver_reg_fn(const char *prefix, enum appserver_reg_state,
    int code, const char *message, void *arg);

/*
 * Called on the loop thread when the process gets SIGHUP (set in
 * appserver_config.on_reload): the application re-reads what it serves
 * and adds or removes prefixes.
 */
typedef void appserver_reload_fn(struct appserver *, void *arg);

struct appserver_config {
	const char	*root;		/* state root (resolved); required */
	const char	*name;		/* -> ROOT/run/apps/<name>.sock */
	const char	*socket_path;	/* overrides name when set */
	mode_t		 socket_mode;	/* 0 -> 0666 (httpsvc may run as
					 * another user) */
	unsigned	 workers;	/* 0 -> APPSERVER_WORKERS_DEFAULT */
	size_t		 body_max;	/* 0 -> APPSERVER_BODY_MAX_DEFAULT */
	size_t		 queue_max;	/* 0 -> APPSERVER_QUEUE_MAX_DEFAULT */
	unsigned	 drain_ms;	/* 0 -> 30000: at a stop, how long
					 * requests may still run */
	bool		 no_register;	/* serve the socket only (tests) */
	bool		 any_peer;	/* accept any local user on the socket
					 * (default: root, this process's
					 * user, and httpsvc's) */
	bool		 no_signals;	/* do not handle SIGTERM/SIGINT */
	appserver_reg_fn *on_reg;	/* may be NULL */
	void		*on_reg_arg;
	/*
	 * httpsvc's precheck (REGISTER ... precheck=N): a request whose body
	 * of more than precheck_over bytes has not been sent yet (the client
	 * waits for 100 Continue) is first given to this function, on a
	 * worker, with the prefix's arg and without its body.  It answers
	 * (401, 403, 413: the client gets that and never sends the body) or
	 * sets nothing (the body comes, and the request reaches the prefix's
	 * handler as usual).  NULL: no precheck.
	 */
	appserver_handler_fn *precheck;
	size_t		 precheck_over;
	appserver_reload_fn *on_reload;	/* NULL: SIGHUP is not handled; else
					 * it is, and the appserver may run
					 * with no prefix yet */
	void		*on_reload_arg;
};

/*
 * Creates the appserver: checks the config, creates ROOT/run/apps, removes
 * a stale socket file (one nobody listens on) and binds the socket.
 * Returns NULL with RS_E_USAGE (bad config), RS_E_EXISTS (another process
 * listens on the socket), RS_E_IO.  The caller frees it with
 * appserver_free.  The strings in cfg are copied.
 */
struct appserver *appserver_new(const struct appserver_config *cfg,
	    struct rs_err *e);

/*
 * Adds a URL prefix (an HTTP.sys prefix such as "https://+:8443/site/")
 * and its handler.  Requests are dispatched by the X-Url-Reservation header
 * that httpsvc adds; without it (a direct client on the socket) by the
 * longest path prefix.  Call before appserver_run, or while it runs from
 * the on_reload or on_reg callback: the prefix is then registered with
 * httpsvc at once (its outcome comes to on_reg).  RS_E_USAGE on a bad or
 * duplicate prefix or too many prefixes.
 */
int	appserver_add(struct appserver *, const char *prefix,
	    appserver_handler_fn *fn, void *arg, struct rs_err *e);

/*
 * Like appserver_add, but the handler runs on the event loop thread, with
 * no hand-off to a worker: for handlers that answer at once from memory or
 * the page cache (static files).  It must not block: appserver_resp_write
 * does not wait there (no backpressure), so for anything slow or large it
 * calls appserver_req_defer() before answering, and the same handler is
 * then called again on a worker thread (appserver_req_can_block() tells
 * which).
 */
int	appserver_add_inline(struct appserver *, const char *prefix,
	    appserver_handler_fn *fn, void *arg, struct rs_err *e);

/*
 * Removes a prefix (any case): new requests under it get 404 from the
 * appserver, and, as its registration is dropped at once (UNREGISTER),
 * 503 or 404 from httpsvc; requests already running under it finish.
 * Before appserver_run or from the on_reload / on_reg callback.
 * RS_E_NOTFOUND when it is not one of the appserver's prefixes.
 */
int	appserver_remove(struct appserver *, const char *prefix,
	    struct rs_err *e);

/* The prefixes now served: how many, and the i-th (borrowed, valid until
 * it is removed).  Loop thread (or before appserver_run). */
size_t	appserver_prefix_count(const struct appserver *);
const char *appserver_prefix_url(const struct appserver *, size_t i);

/*
 * Runs the event loop on the calling thread until SIGTERM/SIGINT or
 * appserver_stop, then drains in-flight requests and returns 0, or -1 with
 * e when the loop could not start (RS_E_USAGE: no prefix, and no
 * on_reload to add one later).  The socket file is removed on return.
 * Requests still running drain_ms after the stop are told their client is
 * gone (appserver_resp_write fails) and get 2 s more; a handler blocked
 * elsewhere is waited for.  Signals are read with a signalfd, so threads
 * the application started before must block SIGTERM and SIGINT (and SIGHUP
 * with on_reload) too, or set no_signals and call appserver_stop from its
 * own handler.
 */
int	appserver_run(struct appserver *, struct rs_err *e);

/*
 * Asks a running appserver to stop (thread- and async-signal-safe).  status
 * is what appserver_exit_status() reports afterwards.
 */
void	appserver_stop(struct appserver *, int status);
int	appserver_exit_status(const struct appserver *);

/* Frees everything; accepts NULL.  Not while appserver_run runs. */
void	appserver_free(struct appserver *);

/* The socket path the appserver listens on (borrowed). */
const char *appserver_socket_path(const struct appserver *);

/*
 * The current registration state of prefix (thread-safe).  When msg is not
 * NULL it receives httpsvc's last answer sentence.  Returns
 * APPSERVER_REG_PENDING for an unknown prefix.
 */
enum appserver_reg_state appserver_reg_status(struct appserver *,
	    const char *prefix, int *code, char *msg, size_t msgsz);

/* ---- the request (read-only, on the handler's thread) ---- */

const char *appserver_req_method(const struct appserver_req *);	/* "GET" */
/* Path without the query, percent-decoded ("/site/a b.html"). */
const char *appserver_req_path(const struct appserver_req *);
/* Path as received, percent-encoded, without the query. */
const char *appserver_req_raw_path(const struct appserver_req *);
/*
 * The decoded path below the matched prefix's path, starting with "/"
 * ("/a b.html" for "/site/a b.html" under ".../site/").
 */
const char *appserver_req_subpath(const struct appserver_req *);
/* The prefix this request was dispatched to ("https://+:8443/site/"). */
const char *appserver_req_prefix(const struct appserver_req *);
/* The raw query string after '?', "" when there is none. */
const char *appserver_req_query(const struct appserver_req *);
/*
 * The first query parameter named name, decoded ('+' is a space), or NULL.
 * A parameter without '=' has the value "".
 */
const char *appserver_req_param(struct appserver_req *, const char *name);
/* Number of query parameters, and the i-th one decoded (0-based). */
size_t	appserver_req_param_count(struct appserver_req *);
int	appserver_req_param_at(struct appserver_req *, size_t i,
	    const char **name, const char **value);
/*
 * The first header named name (case-insensitive), or NULL.  httpsvc adds
 * X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host and
 * X-Url-Reservation.
 */
const char *appserver_req_header(const struct appserver_req *,
	    const char *name);
/* The request body (at most body_max bytes; larger bodies get 413). */
const void *appserver_req_body(const struct appserver_req *, size_t *len);

/* True on a worker thread (blocking allowed), false in an inline handler. */
bool	appserver_req_can_block(const struct appserver_req *);
/*
 * From an inline handler that has not answered yet: continue on a worker
 * thread (the handler is called again there).  Returns 0, or -1 when called
 * elsewhere or after answering (nothing changes then).
 */
int	appserver_req_defer(struct appserver_req *);

/* ---- the response (on the handler's thread) ---- */

/* Sets the status (100..599; default 200).  Before the first write. */
void	appserver_resp_status(struct appserver_req *, int status);
/*
 * Adds a header (name and value are copied; CR/LF in them are refused).
 * Content-Length is computed; do not add it.  Before the first write.
 * Returns 0, or -1 with RS_E_USAGE (bad header, after the first write).
 */
int	appserver_resp_header(struct appserver_req *, const char *name,
	    const char *value, struct rs_err *e);
/* Appends to the buffered body, sent in one piece when the handler returns. */
void	appserver_resp_body(struct appserver_req *, const void *, size_t);
void	appserver_resp_printf(struct appserver_req *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Convenience: status, Content-Type text/plain; charset=utf-8 and text
 * followed by a newline, replacing any buffered body.
 */
void	appserver_resp_text(struct appserver_req *, int status,
	    const char *text);
/*
 * Declares the length of a streamed body before the first write, so it is
 * sent with Content-Length instead of chunked; the handler must then write
 * exactly len bytes.  For HEAD it gives the Content-Length of the body that
 * a GET would get (h2o sends no body for HEAD).
 */
void	appserver_resp_length(struct appserver_req *, size_t len);
/*
 * Streams a chunk: the first call sends the status and headers (chunked
 * transfer encoding), then this and later chunks are sent as they come.
 * Blocks while more than APPSERVER_STREAM_BUF bytes wait to be sent, so a
 * large render runs in bounded memory.  Returns 0, or -1 when the client
 * went away (stop rendering then; later calls also return -1).
 * Data buffered with appserver_resp_body before the first write goes first.
 */
int	appserver_resp_write(struct appserver_req *, const void *, size_t);
/*
 * Marks a streamed answer as failed: when the handler returns, the answer
 * ends cut (the HTTP/1 connection closes without the last chunk, an HTTP/2
 * stream is reset) instead of ending as a complete one.  For a handler
 * whose render fails after the head and some of the body were sent.
 */
void	appserver_resp_abort(struct appserver_req *);

#endif
