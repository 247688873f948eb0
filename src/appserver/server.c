/*
 * server.c: the appserver's life cycle.  appserver_new binds the
 * application's Unix socket (removing a stale socket file first);
 * appserver_run sets up libh2o-evloop on it (HTTP/1.1, keep-alive), starts
 * the worker pool and the registration with httpsvc, dispatches each request
 * to the handler of its URL prefix, and on SIGTERM/SIGINT or appserver_stop
 * stops accepting, drops the registrations, lets the requests in flight
 * finish, closes idle connections and returns.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "appserver/appserver_int.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#define DRAIN_CONN_WAIT_MS	2000	/* idle connections after the last job */

struct handler {
	h2o_handler_t		 super;
	struct appserver	*as;
};

/* A socket file nobody listens on is stale; anything else is refused. */
static int
remove_stale(const char *path, struct rs_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 :
		    rs_err_sys(e, RS_E_IO, "cannot check socket %s", path);
	if (!S_ISSOCK(st.st_mode))
		return rs_err_set(e, RS_E_EXISTS, "cannot bind socket %s: a file "
		    "that is not a socket is in the way; remove it", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return rs_err_sys(e, RS_E_IO, "cannot create socket");
	str_copy(sa.sun_path, sizeof(sa.sun_path), path);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (rc == 0)
		return rs_err_set(e, RS_E_EXISTS, "cannot bind socket %s: another "
		    "process listens on it; stop it first", path);
	if (unlink(path) == -1 && errno != ENOENT)
		return rs_err_sys(e, RS_E_IO, "cannot remove stale socket %s",
		    path);
	return 0;
}

static int
bind_socket(const char *path, mode_t mode, struct rs_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (str_copy(sa.sun_path, sizeof(sa.sun_path), path) == -1)
		return rs_err_set(e, RS_E_USAGE, "cannot bind socket %s: path "
		    "longer than %zu bytes; use a shorter state root", path,
		    sizeof(sa.sun_path) - 1);
	if (remove_stale(path, e) == -1)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return rs_err_sys(e, RS_E_IO, "cannot create socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		rs_err_sys(e, RS_E_IO, "cannot bind socket %s", path);
		close(fd);
		return -1;
	}
	if (chmod(path, mode) == -1 || listen(fd, 1024) == -1) {
		rs_err_sys(e, RS_E_IO, "cannot listen on socket %s", path);
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

static int
sock_path(const struct appserver_config *cfg, char *out, size_t outsz,
    struct rs_err *e)
{
	char rel[512];
	const char *s;

	if (cfg->socket_path != NULL) {
		if (cfg->socket_path[0] != '/')
			return rs_err_set(e, RS_E_USAGE, "appserver socket %s: "
			    "not an absolute path", cfg->socket_path);
		if (str_copy(out, outsz, cfg->socket_path) == -1)
			return rs_err_set(e, RS_E_USAGE, "appserver socket: "
			    "path too long");
	} else {
		if (cfg->name == NULL || cfg->name[0] == '\0' ||
		    strlen(cfg->name) > 64 || strchr(cfg->name, '/') != NULL)
			return rs_err_set(e, RS_E_USAGE, "appserver: the name "
			    "must be 1-64 characters without '/'");
		snprintf(rel, sizeof(rel), "run/apps/%s.sock", cfg->name);
		if (rs_root_path(cfg->root, rel, out, outsz, e) == -1)
			return -1;
	}
	for (s = out; *s != '\0'; s++)
		if (*s <= ' ' || *s == 0x7f)
			return rs_err_set(e, RS_E_USAGE, "appserver socket %s: "
			    "spaces and control characters are not allowed in "
			    "the path", out);
	return 0;
}

static int
make_dirs(const char *path, struct rs_err *e)
{
	char dir[RS_PATH_MAX];
	char *slash;
	struct stat st;

	str_copy(dir, sizeof(dir), path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (fs_mkdir_p(dir, 0755, e) == -1)
		return -1;
	/*
	 * httpsvc, running as its own user, must pass through the socket's
	 * folder whatever the umask that made it: let others pass through one
	 * of ours (not list it; the socket itself is chmod'ed in bind_socket).
	 */
	if (stat(dir, &st) == 0 && st.st_uid == geteuid() &&
	    (st.st_mode & S_IXOTH) == 0 &&
	    chmod(dir, (st.st_mode & 07777) | S_IXGRP | S_IXOTH) == -1)
		return rs_err_sys(e, RS_E_IO, "cannot open folder %s to "
		    "httpsvc", dir);
	return 0;
}

struct appserver *
appserver_new(const struct appserver_config *cfg, struct rs_err *e)
{
	struct appserver *as;
	char path[RS_PATH_MAX];

	if (cfg == NULL || cfg->root == NULL || cfg->root[0] != '/') {
		rs_err_set(e, RS_E_USAGE, "appserver: the state root must be "
		    "an absolute path");
		return NULL;
	}
	if (cfg->workers > APPSERVER_WORKERS_MAX) {
		rs_err_set(e, RS_E_USAGE, "appserver: at most %d workers",
		    APPSERVER_WORKERS_MAX);
		return NULL;
	}
	if (sock_path(cfg, path, sizeof(path), e) == -1 ||
	    make_dirs(path, e) == -1)
		return NULL;
	as = xcalloc(1, sizeof(*as));
	as->listen_fd = -1;
	as->sig_fd = -1;
	as->stop_pipe[0] = as->stop_pipe[1] = -1;
	as->root = xstrdup(cfg->root);
	as->sock_path = xstrdup(path);
	as->sock_mode = cfg->socket_mode != 0 ? cfg->socket_mode : 0666;
	as->nworkers = cfg->workers != 0 ? cfg->workers :
	    APPSERVER_WORKERS_DEFAULT;
	as->precheck = cfg->precheck;
	as->precheck_over = cfg->precheck_over;
	as->body_max = cfg->body_max != 0 ? cfg->body_max :
	    APPSERVER_BODY_MAX_DEFAULT;
	as->queue_max = cfg->queue_max != 0 ? cfg->queue_max :
	    APPSERVER_QUEUE_MAX_DEFAULT;
	as->drain_ms = cfg->drain_ms != 0 ? cfg->drain_ms :
	    APPSERVER_DRAIN_MS_DEFAULT;
	as->no_register = cfg->no_register;
	as->any_peer = cfg->any_peer;
	as->svc_uid = as->svc_user_uid = as->refused_uid = (uid_t)-1;
	as->no_signals = cfg->no_signals;
	as->on_reg = cfg->on_reg;
	as->on_reg_arg = cfg->on_reg_arg;
	as->on_reload = cfg->on_reload;
	as->on_reload_arg = cfg->on_reload_arg;
	pthread_mutex_init(&as->reg_mu, NULL);
	if (pipe2(as->stop_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		rs_err_sys(e, RS_E_IO, "appserver: cannot create a pipe");
		appserver_free(as);
		return NULL;
	}
	as->listen_fd = bind_socket(as->sock_path, as->sock_mode, e);
	if (as->listen_fd == -1) {
		appserver_free(as);
		return NULL;
	}
	return as;
}

/* The prefix named by X-Url-Reservation, else the longest path match. */
static struct prefix *
dispatch(struct appserver *as, h2o_req_t *req)
{
	struct prefix *best = NULL;
	size_t i, plen, pathlen;
	ssize_t hi;
	const char *path = req->path.base;

	hi = h2o_find_header_by_str(&req->headers,
	    H2O_STRLIT("x-url-reservation"), -1);
	if (hi != -1) {
		h2o_iovec_t v = req->headers.entries[hi].value;
		for (i = 0; i < as->nprefixes; i++)
			if (strlen(as->prefixes[i]->url) == v.len &&
			    strncasecmp(as->prefixes[i]->url, v.base, v.len) == 0)
				return as->prefixes[i];
	}
	pathlen = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
	for (i = 0; i < as->nprefixes; i++) {
		plen = strlen(as->prefixes[i]->path);
		if (plen > pathlen ||
		    strncasecmp(as->prefixes[i]->path, path, plen) != 0)
			continue;
		if (plen < pathlen && path[plen] != '/')
			continue;
		if (best == NULL || plen > strlen(best->path))
			best = as->prefixes[i];
	}
	return best;
}

static void
send_plain_error(h2o_req_t *req, int status, const char *reason,
    const char *body)
{
	h2o_send_error_generic(req, status, reason, body, 0);
}

static int
on_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct appserver *as = ((struct handler *)self)->as;
	struct prefix *pfx;
	struct job *job;
	size_t queued;

	pfx = dispatch(as, req);
	if (pfx == NULL) {
		send_plain_error(req, 404, "Not Found",
		    "no application prefix matches this URL");
		return 0;
	}
	if (!pfx->inline_run) {
		pthread_mutex_lock(&as->work_mu);
		queued = as->work_len;
		pthread_mutex_unlock(&as->work_mu);
	} else {
		queued = 0;
	}
	if (queued >= as->queue_max) {
		send_plain_error(req, 503, "Service Unavailable",
		    "the application is busy; try again");
		return 0;
	}
	job = job_new(as, req, pfx);
	if (job == NULL) {
		send_plain_error(req, 400, "Bad Request",
		    "the request path is not validly percent-encoded");
		return 0;
	}
	if (as->stopping)
		req->http1_is_persistent = 0;
	job->precheck = as->precheck != NULL &&
	    appserver_req_header((struct appserver_req *)job,
	    "x-body-precheck") != NULL;
	if (pfx->inline_run)
		job_run_inline(job);
	else
		job_queue(job);
	return 0;
}

static void
on_conn_close(void *data)
{
	struct appserver *as = data;

	as->nconns--;
}

/*
 * Only httpsvc should talk to the application: a local user connecting to
 * the socket directly could set X-Forwarded-* as it likes.  Root, this
 * process's user, httpsvc's user (rshttp) and the uid of the httpsvc we
 * registered with are let in; others are closed at once (logged once).
 */
static bool
peer_allowed(struct appserver *as, int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (as->any_peer)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1)
		return false;
	if (cr.uid == 0 || cr.uid == geteuid() || cr.uid == as->svc_uid ||
	    cr.uid == as->svc_user_uid)
		return true;
	if (cr.uid != as->refused_uid)
		log_warn("%s: connection from uid %u (pid %d) refused: only "
		    "httpsvc talks to the application", as->sock_path,
		    (unsigned)cr.uid, (int)cr.pid);
	as->refused_uid = cr.uid;
	return false;
}

static void
on_accept(h2o_socket_t *listener, const char *err)
{
	struct appserver *as = listener->data;
	h2o_socket_t *sock;
	int fd;

	if (err != NULL)
		return;
	for (int i = 0; i < 64; i++) {
		fd = accept4(as->listen_fd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1)
			return;
		if (!peer_allowed(as, fd)) {
			close(fd);
			continue;
		}
		sock = h2o_evloop_socket_create(as->loop, fd,
		    H2O_SOCKET_FLAG_IS_ACCEPTED_CONNECTION);
		as->nconns++;
		sock->on_close.cb = on_conn_close;
		sock->on_close.data = as;
		h2o_accept(&as->actx, sock);
	}
}

/*
 * Starts the stop: no new connections, no registrations, idle keep-alive
 * connections closed (their idle timeout is cut to zero), every response
 * still to come closes its connection.
 */
static void
begin_stop(struct appserver *as, const char *why)
{
	if (as->stopping)
		return;
	as->stopping = true;
	log_info("%s: stopping (%s): finishing %zu request(s) in flight",
	    as->sock_path, why, as->njobs);
	if (as->listener != NULL) {
		h2o_socket_read_stop(as->listener);
		h2o_socket_close(as->listener);
		as->listener = NULL;
		as->listen_fd = -1;
		unlink(as->sock_path);
	}
	reg_stop(as);
	as->ctx.shutdown_requested = 1;
	as->ctx.http1.req_timeout.timeout = 0;
}

static void
on_stop_pipe(h2o_socket_t *sock, const char *err)
{
	struct appserver *as = sock->data;
	char b[64];

	(void)err;
	while (read(as->stop_pipe[0], b, sizeof(b)) > 0)
		;
	begin_stop(as, "stop requested");
}

static void
on_signal(h2o_socket_t *sock, const char *err)
{
	struct appserver *as = sock->data;
	struct signalfd_siginfo si;

	(void)err;
	while (read(as->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo != SIGHUP)
			begin_stop(as, si.ssi_signo == SIGINT ? "SIGINT" :
			    "SIGTERM");
		else if (!as->stopping && as->on_reload != NULL)
			as->on_reload(as, as->on_reload_arg);
	}
}

static int
setup_signals(struct appserver *as, sigset_t *old, struct rs_err *e)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (as->on_reload != NULL)
		sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, old);
	as->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (as->sig_fd == -1)
		return rs_err_sys(e, RS_E_IO, "appserver: cannot create a "
		    "signalfd");
	as->sig_sock = h2o_evloop_socket_create(as->loop, as->sig_fd,
	    H2O_SOCKET_FLAG_DONT_READ);
	as->sig_sock->data = as;
	h2o_socket_read_start(as->sig_sock, on_signal);
	return 0;
}

static void
setup_h2o(struct appserver *as)
{
	h2o_hostconf_t *host;
	h2o_pathconf_t *path;
	struct handler *h;

	h2o_linklist_init_anchor(&as->jobs);
	h2o_config_init(&as->gconf);
	as->gconf.max_request_entity_size = as->body_max;
	as->gconf.http1.req_timeout = APPSERVER_IDLE_TIMEOUT_MS;
	as->gconf.server_name = h2o_iovec_init("", 0);	/* httpsvc names itself */
	host = h2o_config_register_host(&as->gconf,
	    h2o_iovec_init(H2O_STRLIT("default")), 65535);
	path = h2o_config_register_path(host, "/", 0);
	h = (struct handler *)h2o_create_handler(path, sizeof(*h));
	h->super.on_req = on_req;
	h->as = as;
	as->loop = h2o_evloop_create();
	h2o_context_init(&as->ctx, as->loop, &as->gconf);
	as->actx.ctx = &as->ctx;
	as->actx.hosts = as->gconf.hosts;
	h2o_multithread_register_receiver(as->ctx.queue, &as->receiver,
	    job_on_message);
	as->listener = h2o_evloop_socket_create(as->loop, as->listen_fd,
	    H2O_SOCKET_FLAG_DONT_READ);
	as->listener->data = as;
	h2o_socket_read_start(as->listener, on_accept);
	as->stop_sock = h2o_evloop_socket_create(as->loop, as->stop_pipe[0],
	    H2O_SOCKET_FLAG_DONT_READ);
	as->stop_sock->data = as;
	h2o_socket_read_start(as->stop_sock, on_stop_pipe);
}

/* Closes what setup_h2o opened, once no job and no connection is left. */
static void
teardown_h2o(struct appserver *as)
{
	h2o_socket_t **s[] = { &as->listener, &as->stop_sock, &as->sig_sock };

	for (size_t i = 0; i < nitems(s); i++) {
		if (*s[i] != NULL) {
			h2o_socket_read_stop(*s[i]);
			h2o_socket_close(*s[i]);
			*s[i] = NULL;
		}
	}
	as->listen_fd = as->sig_fd = as->stop_pipe[0] = -1;
	h2o_evloop_run(as->loop, 0);
	h2o_multithread_unregister_receiver(as->ctx.queue, &as->receiver);
	if (as->nconns != 0) {
		/* A connection still open mid-request: leave the loop to exit. */
		log_warn("%s: %zu connection(s) still open at exit",
		    as->sock_path, as->nconns);
		return;
	}
	h2o_context_dispose(&as->ctx);
	h2o_evloop_run(as->loop, 0);
	/* h2o 2.2.5 (evloop) closes the context's queue but never frees it. */
	free(as->ctx.queue);
	h2o_evloop_destroy(as->loop);
	h2o_config_dispose(&as->gconf);
	as->loop = NULL;
}

/*
 * Runs until stopped and drained: no job left, then idle connections
 * closed (or DRAIN_CONN_WAIT_MS more).  Requests still running after
 * drain_ms are told their client is gone (a streaming
 * handler's write fails) and no longer waited for.
 */
static void
run_loop(struct appserver *as)
{
	uint64_t idle_since = 0, abandon_at = 0, give_up_at = 0, now;

	for (;;) {
		h2o_evloop_run(as->loop, as->stopping ? 100 : INT32_MAX);
		if (!as->stopping)
			continue;
		now = h2o_now(as->loop);
		if (abandon_at == 0)
			abandon_at = now + as->drain_ms;
		if (as->njobs != 0) {
			idle_since = 0;
			if (give_up_at == 0 && now >= abandon_at) {
				log_warn("%s: %zu request(s) still running after "
				    "%llu ms; abandoning them", as->sock_path,
				    as->njobs, (unsigned long long)as->drain_ms);
				job_abandon_all(as);
				give_up_at = now + DRAIN_CONN_WAIT_MS;
			} else if (give_up_at != 0 && now >= give_up_at) {
				break;
			}
			continue;
		}
		if (as->nconns == 0)
			break;
		if (idle_since == 0)
			idle_since = now;
		else if (now - idle_since > DRAIN_CONN_WAIT_MS)
			break;
	}
}

int
appserver_run(struct appserver *as, struct rs_err *e)
{
	sigset_t old;

	if (as->nprefixes == 0 && as->on_reload == NULL)
		return rs_err_set(e, RS_E_USAGE, "appserver: no URL prefix "
		    "added");
	if (as->loop != NULL)
		return rs_err_set(e, RS_E_USAGE, "appserver: already ran");
	signal(SIGPIPE, SIG_IGN);
	if (!as->any_peer) {
		struct passwd *pw = getpwnam(APPSERVER_SVC_USER);
		if (pw != NULL)
			as->svc_user_uid = pw->pw_uid;
	}
	setup_h2o(as);
	if (!as->no_signals && setup_signals(as, &old, e) == -1)
		goto fail;
	if (pool_start(as, e) == -1)
		goto fail;
	log_info("%s: listening (%u workers)", as->sock_path, as->nworkers);
	if (!as->no_register)
		reg_start(as);
	run_loop(as);
	pool_stop(as);
	h2o_evloop_run(as->loop, 0);	/* results of abandoned requests */
	teardown_h2o(as);
	if (!as->no_signals)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	log_info("%s: stopped", as->sock_path);
	return 0;
fail:
	if (!as->no_signals)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	begin_stop(as, "start failed");
	teardown_h2o(as);
	return -1;
}

void
appserver_stop(struct appserver *as, int status)
{
	ssize_t n;

	as->exit_status = status;
	n = write(as->stop_pipe[1], "x", 1);
	(void)n;
}

int
appserver_exit_status(const struct appserver *as)
{
	return as->exit_status;
}

const char *
appserver_socket_path(const struct appserver *as)
{
	return as->sock_path;
}

enum appserver_reg_state
appserver_reg_status(struct appserver *as, const char *url, int *code,
    char *msg, size_t msgsz)
{
	enum appserver_reg_state st = APPSERVER_REG_PENDING;

	pthread_mutex_lock(&as->reg_mu);
	for (size_t i = 0; i < as->nprefixes; i++) {
		if (strcasecmp(as->prefixes[i]->url, url) != 0)
			continue;
		st = as->prefixes[i]->state;
		if (code != NULL)
			*code = as->prefixes[i]->code;
		if (msg != NULL && msgsz > 0)
			str_copy(msg, msgsz, as->prefixes[i]->msg);
	}
	pthread_mutex_unlock(&as->reg_mu);
	return st;
}

void
appserver_free(struct appserver *as)
{
	if (as == NULL)
		return;
	if (as->listen_fd != -1) {
		close(as->listen_fd);
		unlink(as->sock_path);
	}
	for (int i = 0; i < 2; i++)
		if (as->stop_pipe[i] != -1)
			close(as->stop_pipe[i]);
	if (as->sig_fd != -1)
		close(as->sig_fd);
	prefixes_free(as);
	reg_fini(as);
	pthread_mutex_destroy(&as->reg_mu);
	free(as->root);
	free(as->sock_path);
	free(as);
}
