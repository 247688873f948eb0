/*
 * service.c: the Report Server Status page: status, start, stop and
 * SetServiceState.  Under systemd (the report server's unit installed and
 * the default state root) they drive the unit with systemctl, except in
 * the unit's own start command (RS_SYSTEMD_UNIT); elsewhere
 * start runs bin/reportserver in the background with its pid in
 * ROOT/run/reportserver.pid and its output in ROOT/log/reportserver.log
 * (rotated at start; the journal under the unit: logfile.c),
 * and returns once httpsvc shows every URL of URLReservations registered
 * by that process (or with the reason it is not); stop sends SIGTERM and
 * waits for the process to finish its requests and exit.
 */
#include "rsmgmt/wmi_int.h"
#include "catalog/catalog.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "reportserver/regstate.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define UNIT		"reportserver.service"
#define POLL_MS		100
#define ACK_POLL_MS	20

static void
sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * The unit's own start command (rsconfig start with RS_SYSTEMD_UNIT set
 * to the unit, dist/systemd/reportserver.service.in) starts the report
 * server itself instead of asking systemctl, which would wait for it.
 */
static bool
use_systemd(const struct rsmgmt *m)
{
	const char	*unit = getenv("RS_SYSTEMD_UNIT");

	if (unit != NULL && strcmp(unit, UNIT) == 0)
		return false;
	return strcmp(m->root, RS_ROOT_DEFAULT) == 0 &&
	    fs_exists("/run/systemd/system") &&
	    (fs_exists("/etc/systemd/system/" UNIT) ||
	    fs_exists("/lib/systemd/system/" UNIT) ||
	    fs_exists("/usr/lib/systemd/system/" UNIT));
}

/* Runs argv and returns its exit status (-1 when it could not run). */
static int
run(char *const argv[])
{
	pid_t	pid;
	int	st;

	pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* True when pid is a live (not zombie) report server process. */
static bool
alive(int pid)
{
	char	path[64], comm[64] = "", *stat = NULL;
	size_t	len;
	bool	ok;

	if (pid <= 0 || kill(pid, 0) == -1)
		return false;
	(void)waitpid(pid, NULL, WNOHANG);	/* reap our own child */
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	stat = fs_read_file(path, 4096, &len, NULL);
	if (stat == NULL)
		return false;
	ok = sscanf(stat, "%*d (%63[^)]) %*c", comm) == 1;
	ok = ok && strncmp(comm, "reportserver", 12) == 0 &&
	    strstr(stat, ") Z ") == NULL;
	free(stat);
	return ok;
}

/* The registrations file of the report server (regstate.h). */
static int
read_state(struct rsmgmt *m, struct rs_regstate *st)
{
	char		path[RS_PATH_MAX];
	struct rs_err	e;

	memset(st, 0, sizeof(*st));
	if (rs_root_path(m->root, RS_REGSTATE_FILE, path, sizeof(path),
	    &e) == -1)
		return -1;
	return rs_regstate_read(path, st, &e);
}

/* The real uid of a process, or -1. */
static long
proc_uid(int pid)
{
	char		 path[64], *text, *u;
	size_t		 len;
	unsigned	 uid;
	long		 rv = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	text = fs_read_file(path, 64 * 1024, &len, NULL);
	if (text == NULL)
		return -1;
	u = len > 0 ? strstr(text, "\nUid:") : NULL;
	if (u != NULL && sscanf(u + 5, "%u", &uid) == 1)
		rv = uid;
	free(text);
	return rv;
}

/*
 * The pid in the registrations file, when that process is alive and runs
 * as the file's owner: the report server's account writes the file, and
 * must not make rsconfig signal a process of another user (its root PAM
 * broker, another instance).
 */
static int
state_pid(struct rsmgmt *m)
{
	struct rs_regstate	*st = xcalloc(1, sizeof(*st));
	int			 pid = 0;

	if (read_state(m, st) == 0 && alive(st->pid) &&
	    proc_uid(st->pid) == (long)st->owner)
		pid = st->pid;
	free(st);
	return pid;
}

/*
 * The pid file rsconfig start wrote; else the registrations file, which
 * every report server writes (one systemd or a user started).
 */
int
mgmt_rs_running(struct rsmgmt *m, int *pid)
{
	char		 path[RS_PATH_MAX], *text;
	size_t		 len;
	uint64_t	 v;

	*pid = 0;
	if (rs_root_path(m->root, RSMGMT_PIDFILE, path, sizeof(path),
	    NULL) == -1)
		return 0;
	text = fs_read_file(path, 64, &len, NULL);
	if (text != NULL && len > 0 && str_parse_uint(str_trim(text), 1,
	    4194304, &v, "pid", NULL) == 0)
		*pid = (int)v;
	free(text);
	if (alive(*pid))
		return 1;
	*pid = state_pid(m);
	return *pid > 0 ? 1 : 0;
}

bool
mgmt_httpsvc_up(struct rsmgmt *m)
{
	struct rs_err	 e;
	char		*ans = NULL;
	bool		 up = binding_ctl_call(m->root, "PING", &ans, &e) == 0;

	free(ans);
	return up;
}

/* How many of the model's prefixes httpsvc shows registered by pid. */
static int
registered(struct rsmgmt *m, int pid, size_t *expected, size_t *done)
{
	struct rs_err	 e;
	char		*ans = NULL, needle[MGMT_PREFIX_MAX + 64], tail[48];

	*expected = *done = 0;
	if (binding_ctl_call(m->root, "STATE", &ans, &e) == -1)
		return -1;
	snprintf(tail, sizeof(tail), "\"registered\":true,\"pid\":%d,", pid);
	for (size_t i = 0; i < m->model.napps; i++)
		for (size_t j = 0; j < m->model.apps[i].n; j++) {
			char pfx[MGMT_PREFIX_MAX];
			const char *at, *end;
			if (mgmt_prefix(m->model.apps[i].urls[j],
			    m->model.apps[i].vdir, pfx, sizeof(pfx), &e) == -1)
				continue;
			(*expected)++;
			snprintf(needle, sizeof(needle), "{\"url\":\"%s\"", pfx);
			at = strcasestr(ans, needle);
			end = at != NULL ? strchr(at, '}') : NULL;
			if (at != NULL && end != NULL &&
			    memmem(at, (size_t)(end - at) + 1, tail,
			    strlen(tail)) != NULL)
				(*done)++;
		}
	free(ans);
	return 0;
}

/*
 * Why the report server stopped, from what it wrote to the log after
 * offset from: its last error line ("<3>..."), else its last line.
 */
static void
log_tail(struct rsmgmt *m, size_t from, char *out, size_t sz)
{
	char		 path[RS_PATH_MAX], *text, *p, *line = NULL;
	size_t		 len;

	str_copy(out, sz, "no message");
	if (rs_root_path(m->root, RSMGMT_LOGFILE, path, sizeof(path),
	    NULL) == -1 || (text = fs_read_file(path, 16 * 1024 * 1024, &len,
	    NULL)) == NULL)
		return;
	if (len == 0 || from >= len) {	/* an empty read is not terminated */
		free(text);
		return;
	}
	for (p = text + from; *p != '\0';) {
		size_t n = strcspn(p, "\n");
		if (n > 0 && (line == NULL || strncmp(p, "<3>", 3) == 0 ||
		    strncmp(line, "<3>", 3) != 0))
			line = p;
		p += n;
		if (*p == '\n')
			*p++ = '\0';
	}
	if (line != NULL)
		str_copy(out, sz, line);
	free(text);
}

static size_t
log_size(struct rsmgmt *m)
{
	char		path[RS_PATH_MAX];
	struct stat	st;

	if (rs_root_path(m->root, RSMGMT_LOGFILE, path, sizeof(path),
	    NULL) == -1 || stat(path, &st) == -1)
		return 0;
	return (size_t)st.st_size;
}

static void
server_bin(char *out, size_t sz)
{
	const char	*env = getenv("RS_REPORTSERVER_BIN");
	char		 self[RS_PATH_MAX];
	ssize_t		 n;
	char		*slash;

	if (env != NULL && env[0] != '\0') {
		str_copy(out, sz, env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		str_copy(out, sz, "reportserver");
		return;
	}
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash != NULL)
		*slash = '\0';
	mgmt_fmt(out, sz, "%s/reportserver", self);
}

/* Lets fd survive exec; its number as text into out. */
static void
keep_fd(int fd, char *out, size_t sz)
{
	int	fl = fcntl(fd, F_GETFD);

	if (fl != -1)
		(void)fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
	snprintf(out, sz, "%d", fd);
}

/* A child's session of its own, /dev/null in, the log out. */
static void
detach(int logfd)
{
	int	nul = open("/dev/null", O_RDONLY);

	setsid();
	if (nul != -1)
		dup2(nul, 0);
	dup2(logfd, 1);
	dup2(logfd, 2);
}

/*
 * The child: the service account (checked as that account), then
 * bin/reportserver.  Why it did not get to exec goes up the close-on-exec
 * pipe (and into the log).
 */
static void __attribute__((noreturn))
child(struct rsmgmt *m, const struct acct *a, const char *bin, int logfd,
    int pipefd, int pamfd)
{
	char	msg[1024] = "", num[16];

	detach(logfd);
	if (acct_become(a) == -1)
		mgmt_fmt(msg, sizeof(msg), "cannot become the report server "
		    "account %s: %s", acct_name(a), strerror(errno));
	else if (acct_check(a, msg, sizeof(msg)) == 0) {
		if (pamfd != -1) {
			keep_fd(pamfd, num, sizeof(num));
			execl(bin, "reportserver", "--root", m->root,
			    "--pam-fd", num, (char *)NULL);
		} else
			execl(bin, "reportserver", "--root", m->root,
			    (char *)NULL);
		mgmt_fmt(msg, sizeof(msg), "cannot run %s: %s%s%s%s", bin,
		    strerror(errno), acct_name(a) != NULL ? "; the account " :
		    "", acct_name(a) != NULL ? acct_name(a) : "",
		    acct_name(a) != NULL ? " must be able to run it (install "
		    "it where others can, or 'chmod o+x FOLDER' each folder "
		    "above it)" :
		    "");
	}
	dprintf(2, "rsconfig: %s\n", msg);
	_exit(write(pipefd, msg, strlen(msg)) == -1 ? 126 : 127);
}

/*
 * The PAM broker stays root next to a report server that runs as its
 * account (pam_broker.h); it exits when the report server's end closes.
 */
static int
start_broker(struct rsmgmt *m, const char *bin, int logfd, int fd)
{
	char	num[16];
	pid_t	pid = fork();

	if (pid != 0)
		return pid == -1 ? -1 : 0;
	detach(logfd);
	keep_fd(fd, num, sizeof(num));
	execl(bin, "reportserver", "--root", m->root, "--pam-broker", num,
	    (char *)NULL);
	dprintf(2, "rsconfig: cannot run %s: %s\n", bin, strerror(errno));
	_exit(127);
}

/* What the child sent before exec ("" when it exec'd). */
static void
child_said(int fd, char *msg, size_t sz)
{
	size_t	n = 0;
	ssize_t	k;

	while (n + 1 < sz && ((k = read(fd, msg + n, sz - n - 1)) > 0 ||
	    (k == -1 && errno == EINTR)))
		if (k > 0)
			n += (size_t)k;
	msg[n] = '\0';
}

static void
close_fds(int a, int b, int c, const int sv[2])
{
	const int	fds[] = { a, b, c, sv[0], sv[1] };

	for (size_t i = 0; i < nitems(fds); i++)
		if (fds[i] != -1)
			close(fds[i]);
}

/*
 * Forks bin/reportserver with its output in the log (and the PAM broker
 * when it needs one); returns its pid.
 */
static int
spawn(struct rsmgmt *m, const struct acct *a, struct rsmgmt_result *r)
{
	char		 bin[RS_PATH_MAX], logp[RS_PATH_MAX], dir[RS_PATH_MAX];
	char		 msg[1024];
	struct rs_err	 e;
	pid_t		 pid;
	int		 fd, p[2], sv[2] = { -1, -1 };

	server_bin(bin, sizeof(bin));
	if (rs_root_path(m->root, "log", dir, sizeof(dir), &e) == -1 ||
	    fs_mkdir_p(dir, 0755, &e) == -1 ||
	    rs_root_path(m->root, "run", dir, sizeof(dir), &e) == -1 ||
	    fs_mkdir_p(dir, 0755, &e) == -1 ||
	    rs_root_path(m->root, RSMGMT_LOGFILE, logp, sizeof(logp), &e) == -1)
		return (int)rsmgmt_fail(r, &e), -1;
	if (mgmt_log_journal())
		fd = fcntl(2, F_DUPFD_CLOEXEC, 3);
	else if (mgmt_log_rotate(logp, RSMGMT_LOG_MAX, RSMGMT_LOG_KEEP, &e) ==
	    -1)
		return (int)rsmgmt_fail(r, &e), -1;
	else
		fd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0640);
	if (fd == -1)
		return rsmgmt_err(r, RSMGMT_UnknownError, "cannot open %s: %s",
		    logp, strerror(errno)), -1;
	if (pipe2(p, O_CLOEXEC) == -1) {
		close(fd);
		return rsmgmt_err(r, RSMGMT_UnknownError, "cannot start the "
		    "report server: pipe failed"), -1;
	}
	if (acct_needs_broker(a) && (socketpair(AF_UNIX, SOCK_SEQPACKET |
	    SOCK_CLOEXEC, 0, sv) == -1 || start_broker(m, bin, fd,
	    sv[1]) == -1)) {
		int err = errno;
		close_fds(fd, p[0], p[1], sv);
		return rsmgmt_err(r, RSMGMT_UnknownError, "cannot start the "
		    "PAM broker: %s", strerror(err)), -1;
	}
	pid = fork();
	if (pid == 0)
		child(m, a, bin, fd, p[1], sv[0]);
	close_fds(fd, -1, p[1], sv);	/* the broker's end closes with ours */
	if (pid == -1) {
		close(p[0]);
		return rsmgmt_err(r, RSMGMT_UnknownError, "cannot start the "
		    "report server: fork failed"), -1;
	}
	child_said(p[0], msg, sizeof(msg));
	close(p[0]);
	if (msg[0] != '\0') {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		return rsmgmt_err(r, RSMGMT_RsServerConfigurationError,
		    "cannot start the report server: %s; nothing was changed",
		    msg), -1;
	}
	return pid;
}

static int
write_pid(struct rsmgmt *m, int pid, struct rsmgmt_result *r)
{
	char		path[RS_PATH_MAX], text[32];
	struct rs_err	e;
	int		n = snprintf(text, sizeof(text), "%d\n", pid);

	if (rs_root_path(m->root, RSMGMT_PIDFILE, path, sizeof(path),
	    &e) == -1 || fs_write_atomic(path, text, (size_t)n, 0644, &e) == -1)
		return (int)rsmgmt_fail(r, &e), -1;
	return 0;
}

/* Our own child still runs (it may not have exec'd yet: no comm check). */
static bool
child_alive(int pid)
{
	int	st;

	return waitpid(pid, &st, WNOHANG) == 0;
}

/*
 * Has every prefix of want its answer in st?  PENDING counts as one when
 * httpsvc is not running (*svc_down says so): it registers when httpsvc
 * starts.
 */
static bool
answered(struct rsmgmt *m, const struct rs_regstate *st,
    char (*want)[MGMT_PREFIX_MAX], size_t nwant, int *svc_down)
{
	for (size_t i = 0; i < nwant; i++) {
		const struct rs_regstate_url *u = rs_regstate_find(st, want[i]);
		if (u == NULL)
			return false;
		if (u->state != RS_REG_PENDING)
			continue;
		if (*svc_down == -1)
			*svc_down = !mgmt_httpsvc_up(m);
		if (*svc_down == 0)
			return false;
	}
	return true;
}

/*
 * Waits until the registrations file of pid shows a re-read numbered
 * seq_min or later and an answer for every prefix of want; child: pid is
 * our own child (waitpid tells when it died).  0, or -1 with why.
 */
static int
wait_ack(struct rsmgmt *m, int pid, unsigned long seq_min, bool child,
    char (*want)[MGMT_PREFIX_MAX], size_t nwant, struct rs_regstate *st,
    char *why, size_t whysz)
{
	for (long t = 0; t < RSMGMT_START_TIMEOUT_MS; t += ACK_POLL_MS) {
		int svc_down = -1;

		if (child ? !child_alive(pid) : !alive(pid)) {
			mgmt_fmt(why, whysz, "the report server (pid %d) exited",
			    pid);
			return -1;
		}
		if (read_state(m, st) == 0 && st->pid == pid &&
		    st->seq >= seq_min) {
			if (st->reload_error[0] != '\0') {
				mgmt_fmt(why, whysz, "the report server (pid %d) "
				    "cannot read its configuration: %s", pid,
				    st->reload_error);
				return -1;
			}
			if (answered(m, st, want, nwant, &svc_down))
				return 0;
		}
		sleep_ms(ACK_POLL_MS);
	}
	mgmt_fmt(why, whysz, "the report server (pid %d) did not acknowledge "
	    "within %d s", pid, RSMGMT_START_TIMEOUT_MS / 1000);
	return -1;
}

int
mgmt_rs_resync(struct rsmgmt *m, int pid, char (*want)[MGMT_PREFIX_MAX],
    size_t nwant, struct rs_regstate *st, char *why, size_t whysz)
{
	unsigned long	seq0 = 0;

	if (read_state(m, st) == 0 && st->pid == pid)
		seq0 = st->seq;
	if (kill(pid, SIGHUP) == -1) {
		mgmt_fmt(why, whysz, "cannot signal the report server (pid %d): "
		    "%s", pid, strerror(errno));
		return -1;
	}
	return wait_ack(m, pid, seq0 + 1, false, want, nwant, st, why, whysz);
}

/* The first registration httpsvc refused, into why; -1 when one was. */
static int
refused(const struct rs_regstate *st, char *why, size_t whysz)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->urls[i].state == RS_REG_FAILED) {
			mgmt_fmt(why, whysz, "httpsvc refused %s: %s (error %d)",
			    st->urls[i].url, st->urls[i].msg, st->urls[i].code);
			return -1;
		}
	return 0;
}

/* The start message: how many URLs it serves, or will. */
static void
say_started(int pid, const struct rs_regstate *st, size_t n,
    struct rsmgmt_result *r)
{
	size_t	ok = 0, pending = 0, skipped = 0;
	char	more[200] = "";

	for (size_t i = 0; i < st->n; i++) {
		ok += st->urls[i].state == RS_REG_OK;
		pending += st->urls[i].state == RS_REG_PENDING;
		skipped += st->urls[i].state == RS_REG_SKIPPED;
	}
	if (skipped > 0)
		mgmt_fmt(more, sizeof(more), "; %zu URLs of the configuration "
		    "are not reserved and not served (see 'rsconfig status')",
		    skipped);
	if (n == 0)
		rsmgmt_ok(r, "report server started (pid %d); no URLs are "
		    "reserved yet: reserve one with 'rsconfig web-service-url "
		    "--port 80 --apply'", pid);
	else if (pending > 0)
		rsmgmt_ok(r, "report server started (pid %d); httpsvc is not "
		    "running, so its %zu URLs register when httpsvc starts%s",
		    pid, pending + ok, more);
	else
		rsmgmt_ok(r, "report server started (pid %d); %zu URLs "
		    "registered with httpsvc%s", pid, ok, more);
}

/* Waits until the new report server has its URLs, or says why not. */
static uint32_t
wait_registered(struct rsmgmt *m, int pid, size_t from,
    struct rsmgmt_result *r)
{
	char			 want[RSCONF_APPS_MAX * RSCONF_URLS_MAX][
				    MGMT_PREFIX_MAX], why[400], tail[400], w[80];
	struct rs_regstate	*st = xcalloc(1, sizeof(*st));
	size_t			 n = model_prefixes(&m->model, want,
				    nitems(want));
	uint32_t		 rc = 0;

	if (wait_ack(m, pid, 0, true, want, n, st, why, sizeof(why)) == -1 ||
	    refused(st, why, sizeof(why)) == -1) {
		log_tail(m, from, tail, sizeof(tail));
		if (!child_alive(pid))
			rc = rsmgmt_err(r, RSMGMT_ServiceDisabled, "the report "
			    "server exited at start: %s (see %s)", tail,
			    mgmt_log_where(w, sizeof(w)));
		else
			rc = rsmgmt_err(r, RSMGMT_RPCServerNotListening, "the "
			    "report server (pid %d) did not get its URLs: %s; "
			    "its log says: %s (see %s)", pid, why, tail,
			    mgmt_log_where(w, sizeof(w)));
	} else
		say_started(pid, st, n, r);
	free(st);
	return rc;
}

/* Says how the report server runs, after the start message. */
static void
say_account(const struct acct *a, struct rsmgmt_result *r)
{
	if (acct_name(a) != NULL) {
		str_append(r->message, sizeof(r->message), "; running as ");
		str_append(r->message, sizeof(r->message), acct_name(a));
	} else if (acct_as_root(a))
		str_append(r->message, sizeof(r->message), "; warning: it runs "
		    "as root; give it an account of its own: 'useradd --system "
		    "--no-create-home --shell /usr/sbin/nologin reportserver', "
		    "then 'rsconfig service-account reportserver'");
}

/* Prepares the account's files, spawns, waits for the registrations. */
static uint32_t
launch(struct rsmgmt *m, struct acct *a, struct rsmgmt_result *r)
{
	struct rsmgmt_result	rr;
	size_t			from;
	int			pid;

	if (acct_prepare(a, r) == -1) {
		acct_undo(a, r);
		return r->hresult;
	}
	from = log_size(m);
	pid = spawn(m, a, r);
	if (pid == -1) {
		acct_undo(a, r);
		return r->hresult;
	}
	if (write_pid(m, pid, r) == -1) {
		kill(pid, SIGTERM);
		return r->hresult;
	}
	if (wait_registered(m, pid, from, r) != 0) {
		uint32_t code = r->hresult;
		char msg[sizeof(r->message)];
		str_copy(msg, sizeof(msg), r->message);
		(void)rsmgmt_service_stop(m, &rr);
		return rsmgmt_err(r, code, "%s", msg);
	}
	say_account(a, r);
	return 0;
}

uint32_t
rsmgmt_service_start(struct rsmgmt *m, struct rsmgmt_result *r)
{
	struct rs_err		e;
	struct acct		*a;
	uint32_t		rc;
	int			pid;

	if (use_systemd(m)) {
		char *argv[] = { "systemctl", "start", UNIT, NULL };
		if (run(argv) != 0)
			return rsmgmt_err(r, RSMGMT_ServiceDisabled, "systemctl "
			    "start %s failed; see 'journalctl -u %s'", UNIT, UNIT);
		rsmgmt_ok(r, "report server started (systemd unit %s)", UNIT);
		return 0;
	}
	if (mgmt_rs_running(m, &pid) == 1) {
		rsmgmt_ok(r, "report server already running (pid %d)", pid);
		return 0;
	}
	if (!rsmgmt_configured(m))
		return rsmgmt_err(r, RSMGMT_ConfigurationFileNotFound, "cannot "
		    "start the report server: %s does not exist yet; create "
		    "the database ('" CATALOG_CREATE_HINT "') or reserve a URL "
		    "('rsconfig web-service-url --port 80 --apply'), which "
		    "writes it", m->cfg_path);
	if (mgmt_reload(m, &e) == -1)
		return rsmgmt_fail(r, &e);
	if ((a = acct_new(m, r)) == NULL)
		return r->hresult;
	rc = launch(m, a, r);
	acct_free(a);
	return rc;
}

uint32_t
rsmgmt_service_stop(struct rsmgmt *m, struct rsmgmt_result *r)
{
	char	path[RS_PATH_MAX];
	int	pid;

	if (use_systemd(m)) {
		char *argv[] = { "systemctl", "stop", UNIT, NULL };
		if (run(argv) != 0)
			return rsmgmt_err(r, RSMGMT_UnknownError, "systemctl "
			    "stop %s failed", UNIT);
		rsmgmt_ok(r, "report server stopped (systemd unit %s)", UNIT);
		return 0;
	}
	if (mgmt_rs_running(m, &pid) != 1) {
		rsmgmt_ok(r, "report server is not running");
		return 0;
	}
	kill(pid, SIGTERM);
	for (long t = 0; alive(pid); t += POLL_MS) {
		if (t >= RSMGMT_STOP_TIMEOUT_MS) {
			kill(pid, SIGKILL);
			sleep_ms(POLL_MS);
			break;
		}
		sleep_ms(POLL_MS);
	}
	if (rs_root_path(m->root, RSMGMT_PIDFILE, path, sizeof(path),
	    NULL) == 0)
		(void)fs_unlink_durable(path, NULL);
	rsmgmt_ok(r, "report server stopped (pid %d); its URLs answer 503 "
	    "from httpsvc until it starts again", pid);
	return 0;
}

uint32_t
mgmt_rs_restart(struct rsmgmt *m, struct rsmgmt_result *r)
{
	if (rsmgmt_service_stop(m, r) != 0)
		return r->hresult;
	return rsmgmt_service_start(m, r);
}

uint32_t
rsmgmt_set_service_state(struct rsmgmt *m, bool windows_service,
    bool web_service, bool report_manager, struct rsmgmt_result *r)
{
	(void)windows_service;
	(void)report_manager;
	return web_service ? rsmgmt_service_start(m, r) :
	    rsmgmt_service_stop(m, r);
}

/* The user pid runs as (its real uid), from /proc. */
static void
runs_as(int pid, char *out, size_t sz)
{
	long		 uid = proc_uid(pid);
	struct passwd	*pw;

	out[0] = '\0';
	if (uid == -1)
		return;
	pw = getpwuid((uid_t)uid);
	if (pw != NULL)
		str_copy(out, sz, pw->pw_name);
	else
		snprintf(out, sz, "%ld", uid);
}

uint32_t
rsmgmt_service_status(struct rsmgmt *m, struct rsmgmt_status *st,
    struct rsmgmt_result *r)
{
	struct rsmgmt_problem	*p = NULL;
	struct rs_err		 e;
	size_t			 n = 0;

	memset(st, 0, sizeof(*st));
	st->systemd = use_systemd(m);
	if (st->systemd) {
		char *argv[] = { "systemctl", "is-active", "--quiet", UNIT,
		    NULL };
		st->running = run(argv) == 0;
	} else
		st->running = mgmt_rs_running(m, &st->pid) == 1;
	if (st->running && st->pid > 0)
		runs_as(st->pid, st->runs_as, sizeof(st->runs_as));
	st->httpsvc_running = registered(m, st->pid, &st->expected,
	    &st->registered) == 0;
	(void)rs_root_path(m->root, RSMGMT_LOGFILE, st->log, sizeof(st->log),
	    &e);
	rsmgmt_database_state(m->root, st->db_state, sizeof(st->db_state),
	    st->db_message, sizeof(st->db_message));
	if (rsmgmt_find_problems(m, &p, &n, r) == 0)
		for (size_t i = 0; i < n; i++) {
			if (st->drift[0] != '\0')
				str_append(st->drift, sizeof(st->drift), "; ");
			str_append(st->drift, sizeof(st->drift), p[i].what);
		}
	free(p);
	rsmgmt_ok(r, "report server %s", st->running ? "started" : "stopped");
	return 0;
}
