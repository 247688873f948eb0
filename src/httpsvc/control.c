/*
 * control.c: the control socket ROOT/run/httpsvc.sock (the HTTP.sys
 * request-queue API as a line protocol, see docs/DESIGN.md) and the main
 * loop of the control thread: poll(2) over the control socket, its
 * clients, a signalfd (SIGHUP reload, SIGTERM/SIGINT stop) and a one
 * second tick that polls the store generations.
 *
 * Every request is authorised by the peer's SO_PEERCRED uid.  A
 * registration belongs to the connection that made it and ends with it,
 * so an application that exits or crashes frees its URLs at once.
 */
#include "httpsvc/httpsvc.h"

#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

struct ctl_conn {
	int		 fd;
	uid_t		 uid;
	pid_t		 pid;
	char		 buf[CTL_LINE_MAX];
	size_t		 len;
	struct app	*regs[CTL_REGS_PER_CONN];
	size_t		 n_regs;
};

struct control {
	int		 lfd;
	int		 sigfd;
	struct ctl_conn	*conns[CTL_CONNS_MAX];
	size_t		 n;
	bool		 stop;
};

void
svc_control_init(struct svc *svc)
{
	svc->ctl = xcalloc(1, sizeof(*svc->ctl));
	svc->ctl->lfd = -1;
	svc->ctl->sigfd = -1;
}

static void
conn_free(struct ctl_conn *c)
{
	for (size_t i = 0; i < c->n_regs; i++)
		svc_app_unref(c->regs[i]);
	close(c->fd);
	free(c);
}

void
svc_control_fini(struct svc *svc)
{
	struct control	*ctl = svc->ctl;

	if (ctl == NULL)
		return;
	for (size_t i = 0; i < ctl->n; i++)
		conn_free(ctl->conns[i]);
	if (ctl->lfd != -1) {
		close(ctl->lfd);
		unlink(svc->ctl_path);
	}
	if (ctl->sigfd != -1)
		close(ctl->sigfd);
	free(ctl);
	svc->ctl = NULL;
}

size_t
svc_control_apps(struct svc *svc, struct app ***out)
{
	struct control	*ctl = svc->ctl;
	size_t		 n = 0, k = 0;

	for (size_t i = 0; i < ctl->n; i++)
		n += ctl->conns[i]->n_regs;
	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (size_t i = 0; i < ctl->n; i++)
		for (size_t j = 0; j < ctl->conns[i]->n_regs; j++)
			(*out)[k++] = ctl->conns[i]->regs[j];
	return k;
}

/* Refuses to start over a live httpsvc; removes a stale socket file. */
static int
claim_path(const char *path, struct rs_err *e)
{
	struct sockaddr_un	sa = { .sun_family = AF_UNIX };
	int			fd;

	str_copy(sa.sun_path, sizeof(sa.sun_path), path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd != -1 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		return rs_err_set(e, RS_E_BUSY, "cannot start: another httpsvc "
		    "is running on control socket %s", path);
	}
	if (fd != -1)
		close(fd);
	if (unlink(path) == -1 && errno != ENOENT)
		return rs_err_sys(e, RS_E_IO, "cannot remove stale %s", path);
	return 0;
}

int
svc_control_open(struct svc *svc, struct rs_err *e)
{
	struct sockaddr_un	sa = { .sun_family = AF_UNIX };
	char			dir[RS_PATH_MAX];
	int			fd;

	if (rs_root_path(svc->root, "run", dir, sizeof(dir), e) == -1 ||
	    rs_root_path(svc->root, "run/httpsvc.sock", svc->ctl_path,
	    sizeof(svc->ctl_path), e) == -1)
		return -1;
	if (strlen(svc->ctl_path) >= sizeof(sa.sun_path))
		return rs_err_set(e, RS_E_CONFIG, "control socket path %s is "
		    "too long for a Unix socket", svc->ctl_path);
	if (fs_mkdir_p(dir, 0755, e) == -1 || claim_path(svc->ctl_path, e))
		return -1;
	str_copy(sa.sun_path, sizeof(sa.sun_path), svc->ctl_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    chmod(svc->ctl_path, 0666) == -1 || listen(fd, 64) == -1) {
		rs_err_sys(e, RS_E_IO, "cannot create control socket %s",
		    svc->ctl_path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	svc->ctl->lfd = fd;
	return 0;
}

static void
reply(struct ctl_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
reply(struct ctl_conn *c, const char *fmt, ...)
{
	char	line[CTL_LINE_MAX];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)!send(c->fd, line, (size_t)n, MSG_NOSIGNAL);
}

static void
reply_buf(struct ctl_conn *c, const struct buf *b)
{
	size_t	off = 0;
	ssize_t	n;

	while (off < b->len) {
		n = send(c->fd, b->data + off, b->len - off, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

static bool
user_is(const char *name, uid_t uid)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[4096];

	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return false;
	return res->pw_uid == uid;
}

/* The URL ACL that covers p (same scheme/host/port, path under it). */
static int
covering_acl(const struct snapshot *s, const struct urlres_prefix *p)
{
	int	best = -1;

	for (size_t i = 0; i < s->n_acls; i++) {
		const struct urlres_prefix *a = &s->acls[i];
		if (strcmp(a->scheme, p->scheme) != 0 || a->kind != p->kind ||
		    a->port != p->port || strcasecmp(a->host, p->host) != 0 ||
		    !urlres_path_under(a->path, p->path))
			continue;
		if (best == -1 ||
		    strlen(a->path) > strlen(s->acls[best].path))
			best = (int)i;
	}
	return best;
}

static int
authorize(struct svc *svc, struct ctl_conn *c, const struct urlres_prefix *p,
    const char *text)
{
	int	i;

	if (c->uid == 0)
		return 0;
	i = covering_acl(&svc->snap, p);
	if (i < 0) {
		reply(c, "ERR 5 access denied: no URL reservation covers %s; "
		    "an administrator adds one with 'httpcfg add urlacl url=%s "
		    "user=NAME'", text, text);
		return -1;
	}
	if (!user_is(svc->snap.acl_users[i], c->uid)) {
		char acl[URLRES_TEXT_MAX];
		urlres_format(&svc->snap.acls[i], acl, sizeof(acl));
		reply(c, "ERR 5 access denied: %s is reserved for user %s, "
		    "not uid %u", acl, svc->snap.acl_users[i],
		    (unsigned)c->uid);
		return -1;
	}
	return 0;
}

static const struct app *
find_registered(struct svc *svc, const struct urlres_prefix *p)
{
	struct control	*ctl = svc->ctl;

	for (size_t i = 0; i < ctl->n; i++)
		for (size_t j = 0; j < ctl->conns[i]->n_regs; j++)
			if (urlres_same(&ctl->conns[i]->regs[j]->prefix, p))
				return ctl->conns[i]->regs[j];
	return NULL;
}

/* " body_max=N precheck=N" for the log line, in t. */
static const char *
opts_text(const struct app_opts *o, char t[96])
{
	char	b[40] = "", pc[40] = "";

	if (o->body_max != 0)
		snprintf(b, sizeof(b), " body_max=%llu",
		    (unsigned long long)o->body_max);
	if (o->precheck != SVC_PRECHECK_OFF)
		snprintf(pc, sizeof(pc), " precheck=%llu",
		    (unsigned long long)o->precheck);
	snprintf(t, 96, "%s%s", b, pc);
	return t;
}

static int
check_app_socket(struct ctl_conn *c, const char *path)
{
	struct stat	st;

	if (path[0] != '/' || strlen(path) >= sizeof(((struct app *)0)->
	    sock_path)) {
		reply(c, "ERR 87 the application socket must be an absolute "
		    "path shorter than 108 bytes");
		return -1;
	}
	if (stat(path, &st) == -1 && errno == EACCES) {
		/* httpsvc runs as its service user with no capability. */
		reply(c, "ERR 5 access denied: httpsvc (uid %u) cannot reach "
		    "the application socket %s: a folder above it is not open "
		    "to it; make each folder passable (chmod o+x, or group "
		    "rshttp)", (unsigned)geteuid(), path);
		return -1;
	}
	if (stat(path, &st) == -1 || !S_ISSOCK(st.st_mode)) {
		reply(c, "ERR 87 the application socket %s is not a Unix "
		    "socket", path);
		return -1;
	}
	/*
	 * Otherwise a user could route its own reservation to another
	 * application's socket, which trusts what httpsvc forwards.
	 */
	if (c->uid != 0 && st.st_uid != c->uid) {
		reply(c, "ERR 5 access denied: the application socket %s "
		    "belongs to uid %u, not to the registering uid %u", path,
		    (unsigned)st.st_uid, (unsigned)c->uid);
		return -1;
	}
	return 0;
}

/*
 * The options after the socket path: "body_max=N" (a lower body limit
 * for this prefix) and "precheck=N" (ask the application first about a
 * body over N bytes announced with Expect: 100-continue).  -1 answered.
 */
static int
parse_options(struct ctl_conn *c, char *opts, struct app_opts *o)
{
	struct rs_err	 e;
	char		*tok, *next;
	uint64_t	*dst;

	o->body_max = 0;
	o->precheck = SVC_PRECHECK_OFF;
	for (tok = opts; tok != NULL && *tok != '\0'; tok = next) {
		next = strchr(tok, ' ');
		if (next != NULL)
			*next++ = '\0';
		if (str_has_prefix(tok, "body_max="))
			dst = &o->body_max;
		else if (str_has_prefix(tok, "precheck="))
			dst = &o->precheck;
		else {
			reply(c, "ERR 87 unknown option '%.40s'; valid: "
			    "body_max=BYTES, precheck=BYTES", tok);
			return -1;
		}
		if (str_parse_uint(strchr(tok, '=') + 1, dst == &o->body_max ?
		    1 : 0, 1ull << 40, dst, dst == &o->body_max ? "body_max" :
		    "precheck", &e) == -1) {
			reply(c, "ERR 87 %s", e.msg);
			return -1;
		}
	}
	return 0;
}

static void
do_register(struct svc *svc, struct ctl_conn *c, char *args)
{
	struct urlres_prefix	 p;
	struct rs_err		 e;
	struct app_opts		 o;
	char			 text[URLRES_TEXT_MAX], *path, *opts, ot[96];
	const struct app	*other;
	struct app		*a;

	path = strchr(args, ' ');
	if (path == NULL) {
		reply(c, "ERR 87 usage: REGISTER <url-prefix> <app-socket> "
		    "[body_max=BYTES] [precheck=BYTES]");
		return;
	}
	*path++ = '\0';
	opts = strchr(path, ' ');
	if (opts != NULL)
		*opts++ = '\0';
	if (parse_options(c, opts, &o) == -1)
		return;
	if (urlres_parse(args, &p, &e) == -1) {
		reply(c, "ERR 87 %s", e.msg);
		return;
	}
	urlres_format(&p, text, sizeof(text));
	if (authorize(svc, c, &p, text) == -1 || check_app_socket(c, path))
		return;
	other = find_registered(svc, &p);
	if (other != NULL) {
		reply(c, "ERR 183 %s is already registered by process %d",
		    text, (int)other->pid);
		return;
	}
	if (c->n_regs == CTL_REGS_PER_CONN) {
		reply(c, "ERR 87 at most %d prefixes per connection",
		    CTL_REGS_PER_CONN);
		return;
	}
	a = svc_app_new(svc, &p, text, path, c->pid, c->uid);
	a->opts = o;
	c->regs[c->n_regs++] = a;
	svc_routes_rebuild(svc);
	log_info("registered %s -> %s (pid %d, uid %u)%s", text, path,
	    (int)c->pid, (unsigned)c->uid, opts_text(&o, ot));
	reply(c, "OK");
}

static void
do_unregister(struct svc *svc, struct ctl_conn *c, const char *args)
{
	struct urlres_prefix	p;
	struct rs_err		e;

	if (urlres_parse(args, &p, &e) == -1) {
		reply(c, "ERR 87 %s", e.msg);
		return;
	}
	for (size_t i = 0; i < c->n_regs; i++) {
		if (!urlres_same(&c->regs[i]->prefix, &p))
			continue;
		log_info("unregistered %s (pid %d)", c->regs[i]->prefix_text,
		    (int)c->pid);
		svc_app_unref(c->regs[i]);
		c->regs[i] = c->regs[--c->n_regs];
		svc_routes_rebuild(svc);
		reply(c, "OK");
		return;
	}
	reply(c, "ERR 2 %s is not registered on this connection", args);
}

static void
do_reload(struct svc *svc, struct ctl_conn *c)
{
	struct rs_err	e;

	if (c->uid != 0 && c->uid != geteuid()) {
		reply(c, "ERR 5 access denied: only root may reload httpsvc");
		return;
	}
	if (svc_reload(svc, "reload (control socket)", &e) == -1) {
		log_error("reload failed, keeping the previous configuration: "
		    "%s", e.msg);
		reply(c, "ERR %d %s", binding_win32_code(&e), e.msg);
		return;
	}
	reply(c, "OK reloaded: %zu bindings, %zu URL reservations",
	    svc->snap.n_bindings, svc->snap.n_acls);
}

static void
do_state(struct svc *svc, struct ctl_conn *c)
{
	struct buf	b;
	struct rs_err	e;

	buf_init(&b, CTL_STATE_MAX);
	if (buf_puts(&b, "OK ", &e) == -1 || svc_state_json(svc, &b, &e) ||
	    buf_puts(&b, "\n", &e) == -1)
		reply(c, "ERR 1359 %s", e.msg);
	else
		reply_buf(c, &b);
	buf_fini(&b);
}

static void
handle_line(struct svc *svc, struct ctl_conn *c, char *line)
{
	char	*args;

	line = str_trim(line);
	args = strchr(line, ' ');
	if (args != NULL)
		*args++ = '\0';
	if (strcmp(line, "REGISTER") == 0 && args != NULL)
		do_register(svc, c, args);
	else if (strcmp(line, "UNREGISTER") == 0 && args != NULL)
		do_unregister(svc, c, args);
	else if (strcmp(line, "RELOAD") == 0 && args == NULL)
		do_reload(svc, c);
	else if (strcmp(line, "STATE") == 0 && args == NULL)
		do_state(svc, c);
	else if (strcmp(line, "PING") == 0 && args == NULL)
		reply(c, "OK");
	else
		reply(c, "ERR 87 unknown request; valid: REGISTER, UNREGISTER, "
		    "RELOAD, STATE, PING");
}

/* Reads what the client sent; returns -1 when the connection ends. */
static int
conn_read(struct svc *svc, struct ctl_conn *c)
{
	ssize_t	 n;
	char	*nl;

	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len - 1,
	    MSG_DONTWAIT);
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
		return -1;
	if (n == -1)
		return 0;
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
		*nl = '\0';
		handle_line(svc, c, c->buf);
		c->len -= (size_t)(nl + 1 - c->buf);
		memmove(c->buf, nl + 1, c->len);
	}
	if (c->len == sizeof(c->buf) - 1) {
		reply(c, "ERR 87 request line longer than %d bytes",
		    CTL_LINE_MAX);
		return -1;
	}
	return 0;
}

static void
conn_drop(struct svc *svc, size_t i)
{
	struct control	*ctl = svc->ctl;
	struct ctl_conn	*c = ctl->conns[i];
	bool		 had = c->n_regs > 0;

	for (size_t j = 0; j < c->n_regs; j++)
		log_info("registration %s ended (pid %d disconnected)",
		    c->regs[j]->prefix_text, (int)c->pid);
	ctl->conns[i] = ctl->conns[--ctl->n];
	conn_free(c);
	if (had)
		svc_routes_rebuild(svc);
}

static size_t
conns_of(const struct control *ctl, uid_t uid)
{
	size_t	n = 0;

	for (size_t i = 0; i < ctl->n; i++)
		n += ctl->conns[i]->uid == uid;
	return n;
}

/* Accepts a control client; one user cannot take every slot. */
static void
conn_accept(struct svc *svc)
{
	struct control	*ctl = svc->ctl;
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);
	struct timeval	 tv = { 2, 0 };
	struct ctl_conn	*c;
	int		 fd;

	fd = accept4(ctl->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd == -1)
		return;
	if (ctl->n == CTL_CONNS_MAX ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    (cred.uid != 0 && conns_of(ctl, cred.uid) >= CTL_CONNS_PER_UID)) {
		(void)!write(fd, "ERR 1359 too many control connections\n", 38);
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->uid = cred.uid;
	c->pid = cred.pid;
	ctl->conns[ctl->n++] = c;
}

static void
on_signal(struct svc *svc)
{
	struct signalfd_siginfo	si;
	struct rs_err		e;

	if (read(svc->ctl->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP) {
		if (svc_reload(svc, "reload (SIGHUP)", &e) == -1)
			log_error("reload failed, keeping the previous "
			    "configuration: %s", e.msg);
	} else
		svc->ctl->stop = true;
}

static void
tick(struct svc *svc, struct timespec *next)
{
	struct timespec	now;
	struct rs_err	e;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < next->tv_sec || (now.tv_sec == next->tv_sec &&
	    now.tv_nsec < next->tv_nsec))
		return;
	*next = now;
	next->tv_sec += HTTPSVC_POLL_MS / 1000;
	if (svc_store_changed(svc) &&
	    svc_reload(svc, "reload (store changed)", &e) == -1)
		log_error("reload failed, keeping the previous configuration: "
		    "%s", e.msg);
}

int
svc_control_run(struct svc *svc)
{
	struct control	*ctl = svc->ctl;
	struct pollfd	 pfd[CTL_CONNS_MAX + 2];
	struct timespec	 next = { 0, 0 };
	sigset_t	 set;
	size_t		 n;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	ctl->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (ctl->sigfd == -1) {
		log_error("cannot watch signals: %m");
		return -1;
	}
	while (!ctl->stop) {
		pfd[0] = (struct pollfd){ .fd = ctl->sigfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = ctl->lfd, .events = POLLIN };
		n = ctl->n;
		for (size_t i = 0; i < n; i++)
			pfd[i + 2] = (struct pollfd){ .fd = ctl->conns[i]->fd,
			    .events = POLLIN };
		if (poll(pfd, n + 2, 200) > 0) {
			if (pfd[0].revents)
				on_signal(svc);
			for (size_t i = n; i-- > 0;)
				if (pfd[i + 2].revents &&
				    conn_read(svc, ctl->conns[i]) == -1)
					conn_drop(svc, i);
			if (pfd[1].revents)
				conn_accept(svc);
		}
		tick(svc, &next);
	}
	return 0;
}
