/*
 * httpsvc.h: the daemon's shared state and the seams between its files.
 * httpsvc is the HTTP.sys of this system: it owns the ports, terminates
 * TLS (tls/), routes each request by URL reservation (urlres/) and
 * forwards it to the application that registered the URL over the
 * control socket.
 *
 * Threads: the main thread is the control plane (control socket, signals,
 * store polling, reloads; it may block); one worker thread per core runs
 * an h2o event loop that never blocks.  They share only what is below,
 * each field with the lock or atomic that guards it.
 *
 * Files: main.c (start, privileges, shutdown), config.c (limits file),
 * snapshot.c (bindings, reservations, listeners -> a new state; reload),
 * listen.c (sockets, systemd activation), worker.c (loops, accept),
 * retire.c (connections on a removed binding), gate.c (each HTTP/1 head
 * judged before h2o acts on it; the TLS handshake), head.c (the framing
 * checks), h2peek.c (h2o's HTTP/2 streams), route.c (request handling,
 * HSTS, access log), forward.c (a request to its application and the
 * answer back), upstream.c (keep-alive connections to the applications),
 * control.c (the control socket), check.c (httpsvc -t).
 */
#ifndef RS_HTTPSVC_HTTPSVC_H
#define RS_HTTPSVC_HTTPSVC_H

#include <h2o.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include "binding/binding.h"
#include "certstore/certstore.h"
#include "common/err.h"
#include "common/root.h"
#include "tls/tlsterm.h"
#include "urlres/urlres.h"

/* Limits and timeouts (STYLE B3): defaults; ROOT/http/httpsvc.conf. */
#define HTTPSVC_REQUEST_LINE_MAX	8192		/* -> 414 */
#define HTTPSVC_HEADER_BYTES_MAX	(64 * 1024)	/* -> 431 */
#define HTTPSVC_HEADERS_MAX		100		/* -> 431 */
#define HTTPSVC_BODY_MAX		(64ull * 1024 * 1024)	/* -> 413 */
#define HTTPSVC_HEADER_TIMEOUT_MS	120000	/* HTTP.sys HeaderWait */
#define HTTPSVC_IDLE_TIMEOUT_MS		120000	/* HTTP.sys IdleConnection */
#define HTTPSVC_HANDSHAKE_TIMEOUT_MS	10000
#define HTTPSVC_UPSTREAM_TIMEOUT_MS	120000	/* -> 504 */
#define HTTPSVC_MAX_CONNECTIONS		20000	/* beyond: 503 / closed */
#define HTTPSVC_FD_RESERVE		256	/* descriptors kept for the rest */
#define HTTPSVC_DRAIN_TIMEOUT_MS	30000	/* SIGTERM grace */
#define HTTPSVC_POLL_MS			1000	/* store generation poll */
#define HTTPSVC_THREADS_MAX		64
#define HTTPSVC_UPSTREAM_POOL		256	/* per app and worker */
#define HTTPSVC_UPSTREAM_IDLE_MS	30000	/* < the app's own idle timeout */
#define HTTPSVC_UPSTREAM_BUFFER_MAX	(1024 * 1024)	/* unsent, per request */
#define HTTPSVC_BUFFER_MEMORY_MAX	(4 * 1024 * 1024)	/* then run/spool */
#define HTTPSVC_HSTS_MAX_AGE		31536000	/* one year; 0: off */
#define HTTPSVC_SPOOL_CONN_MAX	(64ull * 1024 * 1024)	/* bodies held per conn */
#define HTTPSVC_SPOOL_MAX	(128ull * 1024 * 1024)	/* all conns -> 503 */
#define HTTPSVC_RETRY_AFTER_S	5	/* with that 503 */
#define HTTPSVC_LISTENERS_MAX		256
#define HTTPSVC_CONFIG_MAX		(64 * 1024)	/* config file bytes */
#define HTTPSVC_EXPIRY_WARN_DAYS	30

/* Control socket. */
#define CTL_LINE_MAX		4096
#define CTL_CONNS_MAX		256
#define CTL_CONNS_PER_UID	32	/* root is not limited */
#define CTL_REGS_PER_CONN	32
#define CTL_STATE_MAX		(256 * 1024)

struct svc_limits {
	uint64_t	request_line_max;
	uint64_t	header_bytes_max;
	uint64_t	headers_max;
	uint64_t	body_max;
	uint64_t	header_timeout_ms;
	uint64_t	idle_timeout_ms;
	uint64_t	handshake_timeout_ms;
	uint64_t	upstream_timeout_ms;
	uint64_t	max_connections;
	uint64_t	drain_timeout_ms;
	uint64_t	threads;	/* 0: one per core */
	uint64_t	access_log;	/* 0 or 1 */
	uint64_t	upstream_buffer_max;
	uint64_t	buffer_memory_max;	/* per buffer, then a file */
	uint64_t	spool_conn_max;	/* request bodies held per connection */
	uint64_t	spool_max;	/* ... and for all connections */
	uint64_t	hsts_max_age;	/* seconds; 0: no HSTS header */
	uint64_t	hsts_include_subdomains;	/* 0 or 1 */
};

/*
 * One worker's keep-alive connections to one application (upstream.c).
 * Made, used and disposed on that worker's thread only.
 */
struct app_pool {
	bool			 inited;
	h2o_loop_t		*loop;
	struct sockaddr_un	 addr;
	struct {
		h2o_socket_t	*sock;
		uint64_t	 since;		/* loop ms */
	}			*idle;		/* LIFO, oldest first */
	size_t			 n_idle;
	h2o_timeout_t		 idle_timeout;
	h2o_timeout_entry_t	 idle_entry;
	h2o_timeout_t		 io_timeout;	/* lim.upstream_timeout_ms */
};

/* What an application declared in its REGISTER line (immutable). */
struct app_opts {
	uint64_t	body_max;	/* 0: httpsvc's body_max */
	uint64_t	precheck;	/* bodies over this: ask it first */
};
#define SVC_PRECHECK_OFF	UINT64_MAX

/* A registered application: where a reserved prefix is forwarded. */
struct app {
	atomic_uint		 refs;
	struct svc		*svc;
	struct urlres_prefix	 prefix;
	char			 prefix_text[URLRES_TEXT_MAX];
	char			 sock_path[108];
	pid_t			 pid;
	uid_t			 uid;
	struct app_opts		 opts;
	struct app_pool		*pools;		/* one per worker */
	atomic_uint		 pools_left;	/* disposals still to run */
};

/* Immutable routing table; swapped whole under svc.route_lock. */
struct routes {
	struct urlres_prefix	 *prefixes;
	struct app		**apps;		/* NULL: reserved, not running */
	char			(*texts)[URLRES_TEXT_MAX];
	size_t			  n;
};

struct listener {
	uint64_t	id;
	int		fd;
	char		addr[64];	/* "0.0.0.0", "::", "127.0.0.1" */
	uint16_t	port;
	bool		tls;
	bool		inherited;	/* from systemd (LISTEN_FDS) */
};

/* What the binding store said at the last good (re)load. */
struct snapshot {
	struct binding_ssl	*bindings;	/* binding_ssl_list_free */
	size_t			 n_bindings;
	struct urlres_prefix	*acls;
	char			(*acl_users)[BINDING_USER_MAX];
	size_t			 n_acls;
	uint64_t		 bgen, cgen;	/* generations loaded */
	char			(*expiring)[1024];	/* warnings: orphans, expiry */
	size_t			 n_expiring;
};

struct worker;
struct control;

/*
 * What httpsvc keeps per client connection (the socket's on_close.data):
 * its descriptor (for the TLS refusal alert and the 408) and the timer
 * that enforces the header-read and keep-alive idle timeouts, which h2o
 * 2.2 cannot tell apart.
 */
#define SVC_TAG_OUT	768

struct conn_tag {
	struct svc		*svc;
	struct worker		*w;
	h2o_socket_t		*sock;
	int			 fd;
	bool			 tls;
	char			 local_ip[INET6_ADDRSTRLEN];	/* at accept */
	uint16_t		 local_port;
	char			 peer_ip[INET6_ADDRSTRLEN];
	bool			 busy;		/* a request is being served */
	bool			 h2;		/* HTTP/2: h2o times it */
	size_t			 seen;		/* input bytes at the last tick */
	uint64_t		 idle_since;	/* ms, loop clock */
	uint64_t		 partial_since;	/* 0, or when a request began */
	uint64_t		 progress_at;	/* when bytes last arrived */
	h2o_timeout_entry_t	 timer;
	h2o_req_t		*req;		/* HTTP/1 request in flight */
	h2o_socket_cb		 engine_read;	/* h2o's reader (408 pending) */
	char			*out;		/* an answer httpsvc writes:
						   SVC_TAG_OUT bytes, made
						   when one is (svc_tag_out) */
	h2o_linklist_t		 link;		/* the worker's connections */
	/* gate.c: the look at each HTTP/1 head before h2o's */
	h2o_context_t		*ctx;		/* the worker's */
	int			 gate;		/* enum gate_state */
	h2o_socket_cb		 gate_next;	/* h2o's reader, behind ours */
	h2o_socket_cb		 h1_reader;	/* h2o's HTTP/1 one */
	bool			 h1;		/* h2o's HTTP/1 reader seen */
	bool			 pre_accept;	/* TLS: no h2o connection yet */
	h2o_accept_ctx_t	*actx;		/* TLS: for h2o's accept */
	struct timeval		 connected_at;
	h2o_timeout_entry_t	 hs_timer;	/* handshake_timeout_ms */
	h2o_timeout_entry_t	 gate_again;	/* put ours back in front */
	uint64_t		 reserved;	/* body bytes admitted */
	struct probe		*probe;		/* asking the application */
	bool			 head_judged;	/* the head h2o acts on next
						   passed the gate's checks */
	unsigned		 in_engine;	/* inside h2o's reader */
	bool			 closed;	/* ... which closed us */
	bool			 linger;	/* gate.c's lingering close */
	uint64_t		 linger_from;
	uint64_t		 linger_bytes;
	unsigned		 linger_quiet;	/* ticks without bytes */
};

struct svc {
	char			 root[RS_PATH_MAX];
	char			 ctl_path[RS_PATH_MAX];
	struct svc_limits	 lim;
	bool			 verbose;
	const char		*user;		/* to run as when root */
	struct binding_store	*bs;
	struct certstore	*cs;
	struct tls_front	*front;
	struct tls_set		*tset;		/* borrowed from front; control */
	struct snapshot		 snap;		/* control thread only */
	uint64_t		 tried_bgen, tried_cgen;	/* last reload attempt */
	h2o_globalconf_t	 gconf;
	char			 hsts[80];	/* the header's value, or "" */

	pthread_rwlock_t	 route_lock;
	struct routes		*routes;

	pthread_mutex_t		 lis_lock;	/* lis, n_lis, lis_gen */
	struct listener		 lis[HTTPSVC_LISTENERS_MAX];
	size_t			 n_lis;
	uint64_t		 lis_gen;
	uint64_t		 next_lis_id;

	struct worker		*workers;
	size_t			 n_workers;
	h2o_barrier_t		 ready;		/* workers started */
	h2o_barrier_t		 stopped;	/* workers' loops ended */
	struct control		*ctl;		/* control thread only */
	atomic_bool		 draining;

	atomic_ulong		 conns;		/* open client connections */
	atomic_ulong		 requests;	/* since start */
	atomic_ulong		 refused;	/* over max_connections */
	atomic_ullong		 spool_used;	/* request body bytes admitted */
	atomic_ulong		 spool_refused;	/* bodies refused with 503 */
};

/* config.c */
void	svc_limits_default(struct svc_limits *);
/* The Strict-Transport-Security value the limits ask for ("" if off). */
void	svc_hsts_value(const struct svc_limits *, char *out, size_t outsz);
/*
 * Reads path (missing is fine) into *lim; all errors or nothing.  On
 * failure e->msg holds one "file:line: message" per bad line, joined by
 * newlines (RS_E_CONFIG).
 */
int	svc_config_load(const char *path, struct svc_limits *, struct rs_err *);

/* snapshot.c */
/*
 * Loads bindings, reservations and certificates, builds the TLS set and
 * the listeners they need and, only if all of that worked, swaps them in.
 * Safe to call again for a reload; on failure nothing changed.
 */
int	svc_reload(struct svc *, const char *why, struct rs_err *);
/* True when the store or the certificates changed since the last load. */
bool	svc_store_changed(struct svc *);
void	svc_snapshot_fini(struct snapshot *);
/* Rebuilds the routing table from snap.acls and the registrations. */
void	svc_routes_rebuild(struct svc *);
/* Installs an empty routing table (at shutdown). */
void	svc_routes_clear(struct svc *);

/* listen.c */
/* Opens a listening TCP socket on addr:port; -1 with the reason. */
int	svc_listen_open(const char *addr, uint16_t port, struct rs_err *);
/* Adopts systemd's sockets (LISTEN_FDS); returns how many. */
size_t	svc_listen_inherit(struct svc *);
/* The numeric address and port of a sockaddr. */
void	svc_addr_text(const struct sockaddr *, char *ip, size_t ipsz,
	    uint16_t *port);

/* worker.c */
int	svc_workers_start(struct svc *, struct rs_err *);
/* Tells every worker that the listener list changed. */
void	svc_workers_notify(struct svc *);
/* Stops accepting, lets requests finish (bounded). */
void	svc_workers_drain(struct svc *);
/* Ends the worker loops (after the last app was released). */
void	svc_workers_join(struct svc *);
/* The index of the worker that owns ctx, and its loop. */
size_t	svc_worker_index(struct svc *, h2o_context_t *);
h2o_loop_t *svc_worker_loop(struct svc *, size_t);
/* The period of the per-connection timeout tick. */
uint64_t svc_conn_tick_ms(const struct svc_limits *);
/* The tag of the client connection a request came on, or NULL. */
struct conn_tag *svc_conn_tag(h2o_req_t *);
/* The tag of a client connection's socket, or NULL. */
struct conn_tag *svc_sock_tag(h2o_socket_t *);
/* A request started / ended on a client connection (timeouts). */
void	svc_conn_busy(h2o_req_t *);
void	svc_conn_idle(h2o_req_t *);
/* After a reload: each worker closes its connections on removed bindings. */
void	svc_workers_retire(struct svc *);
/* Disposes app's pool i on worker i's thread, then maybe frees app. */
void	svc_worker_dispose_pool(struct svc *, struct app *, size_t i);

/*
 * The buffer for an answer httpsvc writes itself on tag's connection
 * (408, the gate's refusals), made on first use: most connections never
 * need one, and 10,000 idle connections would hold 7.5 MB of them.
 */
char	*svc_tag_out(struct conn_tag *);
/* Frees tag and its answer buffer. */
void	svc_tag_free(struct conn_tag *);

/* gate.c */
/*
 * Puts httpsvc's reader in front of the one h2o has set on the client
 * connection (if any), so each HTTP/1 request head is judged before h2o
 * acts on it: framing (head.c), the reservation's body limit (413), the
 * total of admitted bodies (503), and the application's precheck.
 */
void	svc_gate_wrap(struct conn_tag *);
/*
 * Learns h2o's HTTP/1 request reader (a static function of the engine)
 * from a connection made on a socketpair, which h2o then closes; *reader
 * is NULL if that failed (the gate then only lets requests through).
 */
void	svc_gate_learn(h2o_accept_ctx_t *plain, h2o_socket_cb *reader);
/*
 * The TLS handshake for a new connection, then h2o's HTTP/2 or HTTP/1
 * connection (what h2o_accept does), with the first request's head
 * judged before h2o's HTTP/1 connection sees it.
 */
void	svc_gate_tls_accept(struct conn_tag *, h2o_accept_ctx_t *);
/*
 * A request is being served: keep the client socket polled for reading
 * (no epoll_ctl per request) without h2o reading it meanwhile.
 */
void	svc_gate_hold(struct conn_tag *);
/* The request on the connection ended: the next head is judged again. */
void	svc_gate_next_request(struct conn_tag *);
/*
 * True once per head the gate judged and passed (framing included): the
 * request h2o hands the handler is that head, so route.c need not parse
 * it again.  False for a head the gate did not see first (pipelined).
 */
bool	svc_gate_take_judged(struct conn_tag *);
/* The connection is closing: its reservation and probe go. */
void	svc_gate_close(struct conn_tag *);
/* The connection's tag may be freed now (not while inside h2o's reader). */
bool	svc_gate_may_free(struct conn_tag *);

/* retire.c */
/*
 * Closes the client connections in tags (a worker's list of conn_tag) and
 * ctx that were made on a removed binding: idle HTTP/1 now, busy HTTP/1
 * after its response, HTTP/2 with GOAWAY once its streams end.  Returns
 * how many need another look later (recently active, mid-frame).
 */
size_t	svc_retire_sweep(h2o_context_t *, h2o_linklist_t *tags, uint64_t now);

/* upstream.c */
void	svc_upstream_init(struct app_pool *, h2o_loop_t *, const char *path,
	    uint64_t io_timeout_ms);
/* Closes the parked connections (requests in flight hold the app). */
void	svc_upstream_dispose(struct app_pool *);
/* A parked connection (reading stopped), or NULL. */
h2o_socket_t *svc_upstream_take(struct app_pool *);
/* Parks a connection whose last response ended cleanly. */
void	svc_upstream_put(struct app_pool *, h2o_socket_t *);
/* Starts a new connection; cb runs when it is connected or failed. */
h2o_socket_t *svc_upstream_connect(struct app_pool *, h2o_socket_cb);

/* forward.c */
/* This worker's pool of connections to a (made on first use). */
struct app_pool *svc_app_pool(struct app *, h2o_context_t *);
/*
 * Sends req to application a and streams its answer back; takes over
 * the caller's reference on a.  client is the peer's address; has_host
 * is false for an HTTP/1.0 request without Host.
 */
void	svc_forward(h2o_req_t *, struct app *, const char *client,
	    bool has_host);

/* head.c */
/* A request head as httpsvc reads it before h2o acts on it. */
struct svc_head {
	size_t		 len;		/* bytes, with the blank line */
	int		 minor;		/* HTTP/1.<minor> */
	h2o_iovec_t	 method, target;
	h2o_iovec_t	 host;		/* base NULL: no Host */
	uint64_t	 content_length;	/* SVC_HEAD_NO_LENGTH: none */
	bool		 chunked;	/* Transfer-Encoding: chunked */
	bool		 expect_continue;	/* Expect: 100-continue */
	bool		 authorization;	/* an Authorization header */
};
#define SVC_HEAD_NO_LENGTH	UINT64_MAX

/*
 * Reads the HTTP/1.x request head at the start of buf[0, len): 1 when it
 * is complete and its framing unambiguous (*h points into buf), 0 when
 * more bytes are needed, -1 when it must be refused with 400 and the
 * connection closed (*why: a static sentence).  See head.c for the rules.
 */
int	svc_head_read(const char *buf, size_t len, struct svc_head *h,
	    const char **why);
/*
 * The HTTP/2 request checks (RFC 9113 8.1.1, 8.2.2); declared is the
 * request's content-length (h2o keeps it out of req->headers) or
 * SVC_HEAD_NO_LENGTH: 0, or -1 with *why when the request is malformed
 * and must not be forwarded.
 */
int	svc_h2_check(const h2o_req_t *, uint64_t declared, const char **why);

/*
 * An HTTP/1.1 answer that closes the connection, written by httpsvc
 * itself on the socket (408, and the gate's refusals): status, reason,
 * body "<status> <reason>: <why>", HSTS when tls, extra header lines
 * ("Name: value\r\n", or NULL).  Returns its length, 0 if out is small.
 */
size_t	svc_raw_answer(const struct svc *, bool tls, int status,
	    const char *reason, const char *why, const char *extra,
	    char *out, size_t outsz);

/* CR, LF or NUL in s: it would split a forwarded head. */
bool	svc_has_ctl(const char *s, size_t len);
/* Not an RFC 9110 token (or empty): never forwarded as a header name. */
bool	svc_bad_name(const char *s, size_t len);

/* h2peek.c: what httpsvc reads of h2o 2.2's HTTP/2 streams. */
/* The content-length an HTTP/2 request declared, or SVC_HEAD_NO_LENGTH. */
uint64_t svc_h2_declared_length(h2o_req_t *);
#define SVC_H2_WATCH_MS	100
/*
 * One look at ctx's HTTP/2 request bodies: refuses the streams over
 * their limits (see h2peek.c).  counted is what this worker's streams
 * added to svc.spool_used at the last look; returns the new figure.
 */
uint64_t svc_h2_watch(struct svc *, h2o_context_t *, uint64_t counted);
/* Moves svc.spool_used from counted to now; returns now. */
uint64_t svc_spool_set(struct svc *, uint64_t counted, uint64_t now);

/* route.c */
void	svc_routes_init(struct svc *);
/* Installs the request handler, the access logger and the HSTS filter. */
void	svc_handlers_register(struct svc *, h2o_pathconf_t *);
/* Installs only the HSTS filter (h2o's fallback path: its own errors). */
void	svc_hsts_register(struct svc *, h2o_pathconf_t *);
struct app *svc_app_new(struct svc *, const struct urlres_prefix *,
	    const char *text, const char *sock_path, pid_t, uid_t);
void	svc_app_unref(struct app *);
/* Called on worker i once its pool of app is disposed. */
void	svc_app_pool_gone(struct app *);
void	svc_routes_free(struct routes *);
/*
 * The application for a request seen before h2o parsed it (gate.c):
 * authority is the Host value (base NULL: none), target the request
 * target.  Returns 0 with *a the live application (a reference the
 * caller drops with svc_app_unref) or NULL (reserved, not running:
 * prefix says which), -1 when nothing is reserved, -2 when the target or
 * host cannot be routed here (h2o will answer it).
 */
int	svc_route_find(struct svc *, bool tls, h2o_iovec_t authority,
	    const char *local_ip, uint16_t port, h2o_iovec_t target,
	    struct app **a, char prefix[URLRES_TEXT_MAX]);
/* The body limit for a: body_max, spool_conn_max, its own body_max. */
uint64_t svc_app_body_limit(const struct svc *, const struct app *);
/* Copies s into out for a log line: printable ASCII only, bounded. */
void	svc_log_safe(char *out, size_t outsz, const char *s, size_t len);
/*
 * Answers status (400, 413, 503) with "<status> <reason>: <why>" and
 * closes an HTTP/1 connection after it.
 */
void	svc_send_refusal(h2o_req_t *, int status, const char *why);

/* control.c */
void	svc_control_init(struct svc *);
void	svc_control_fini(struct svc *);
/* Creates ROOT/run/httpsvc.sock (mode 0666). */
int	svc_control_open(struct svc *, struct rs_err *);
/* The main loop: control socket, signals, polling.  Returns at SIGTERM. */
int	svc_control_run(struct svc *);
/* The registrations as routes entries (control thread). */
size_t	svc_control_apps(struct svc *, struct app ***out);

/* state.c */
struct buf;
/* Appends the STATE answer's one-line JSON to b. */
int	svc_state_json(struct svc *, struct buf *b, struct rs_err *);

/* check.c */
/* httpsvc -t: prints problems, returns the exit status. */
int	svc_check(const char *root, bool verbose);

#endif
