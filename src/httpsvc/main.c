/*
 * main.c: httpsvc, the shared HTTP service (the HTTP.sys of this system).
 * Start-up order: options and limits; stores; the TLS front; sockets from
 * systemd if given; the first load (bindings, certificates, listeners;
 * a bad configuration stops the start with the reason); the control
 * socket; dropping root; the worker loops; "ready" on stderr and to
 * systemd.  Then the control loop runs until SIGTERM, and the workers
 * drain: no new connections, requests in flight finish.
 *
 * Privileges: started as root, httpsvc binds, then becomes user rshttp
 * keeping only CAP_NET_BIND_SERVICE (a reload may open a new port below
 * 1024).  What a reload reads it reaches as rshttp's group, as SSRS's
 * documentation has Windows admins grant the service account read on the
 * private key: before dropping root, httpsvc grants the certificate store
 * (keys of My root:rshttp 0640, folders 0750) and the binding store
 * (group-writable) to that group.  Only when rshttp cannot even pass
 * through the folders above the state root (a checkout in a private home
 * folder) does it keep CAP_DAC_OVERRIDE, and it says so at every start.
 * Without a user rshttp it stays root and warns.
 */
#include "httpsvc/httpsvc.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/log.h"
#include "common/str.h"

#define SERVICE_USER	"rshttp"

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: httpsvc [-t] [-v] [--root DIR] [--user NAME]\n"
	    "  -t           check the state root's configuration and exit\n"
	    "  -v           debug logging\n"
	    "  --root DIR   state root (default $RS_ROOT or %s)\n"
	    "  --user NAME  user to run as when started as root (default %s)\n",
	    RS_ROOT_DEFAULT, SERVICE_USER);
	exit(status);
}

/* The local address of a handshake's connection, from its tag. */
static int
local_addr(void *bio_data, char *ip, size_t ipsz, uint16_t *port)
{
	h2o_socket_t	*sock = bio_data;
	struct conn_tag	*tag;

	if (sock == NULL || sock->on_close.data == NULL)
		return -1;
	tag = sock->on_close.data;
	if (tag->local_ip[0] == '\0' ||
	    str_copy(ip, ipsz, tag->local_ip) == -1)
		return -1;
	*port = tag->local_port;
	return 0;
}

/*
 * The refusal alert for a handshake with no certificate binding: one TLS
 * record (fatal, the given description) written to the connection's
 * descriptor, which the accept loop keeps in the socket's close data.
 */
static void
send_alert(void *bio_data, unsigned char alert)
{
	h2o_socket_t		*sock = bio_data;
	struct conn_tag		*tag;
	const unsigned char	 rec[7] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02,
	    alert };

	if (sock == NULL || sock->on_close.data == NULL)
		return;
	tag = sock->on_close.data;
	(void)!send(tag->fd, rec, sizeof(rec), MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void
setup_h2o(struct svc *svc)
{
	h2o_hostconf_t	*host;
	h2o_pathconf_t	*path;

	h2o_config_init(&svc->gconf);
	/* No Server header of our own: the application's passes through. */
	svc->gconf.server_name = h2o_iovec_init("", 0);
	svc->gconf.max_request_entity_size = svc->lim.body_max;
	svc->gconf.handshake_timeout = svc->lim.handshake_timeout_ms;
	/*
	 * h2o 2.2 has one timer for header reads and keep-alive idle and
	 * closes without a 408; httpsvc's own per-connection timer
	 * (worker.c) enforces both, so h2o's only backs it up.
	 */
	svc->gconf.http1.req_timeout = (svc->lim.header_timeout_ms >
	    svc->lim.idle_timeout_ms ? svc->lim.header_timeout_ms :
	    svc->lim.idle_timeout_ms) + 2 * svc_conn_tick_ms(&svc->lim) + 1000;
	svc->gconf.http1.upgrade_to_http2 = 0;
	svc->gconf.http2.idle_timeout = svc->lim.idle_timeout_ms;
	host = h2o_config_register_host(&svc->gconf,
	    h2o_iovec_init(H2O_STRLIT("default")), 65535);
	path = h2o_config_register_path(host, "/", 0);
	svc_handlers_register(svc, path);
	svc_hsts_value(&svc->lim, svc->hsts, sizeof(svc->hsts));
	svc_hsts_register(svc, &host->fallback_path);
}

static int
keep_caps(bool dac)
{
	struct __user_cap_header_struct	hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct	data[2];
	uint32_t			caps;

	memset(data, 0, sizeof(data));
	caps = (1u << CAP_NET_BIND_SERVICE) |
	    (dac ? 1u << CAP_DAC_OVERRIDE : 0);
	data[0].effective = data[0].permitted = caps;
	return (int)syscall(SYS_capset, &hdr, data);
}

/*
 * Whether uid/gid (no supplementary groups: httpsvc drops them) may pass
 * through every folder down to and including dir; else the first folder
 * that stops it goes to closed.
 */
static bool
reachable(const char *dir, uid_t uid, gid_t gid, char *closed, size_t sz)
{
	char		 p[RS_PATH_MAX], *s;
	struct stat	 st;
	bool		 last;

	if (str_copy(p, sizeof(p), dir) == -1)
		return false;
	for (s = p;; *s = '/') {
		s = strchr(s + 1, '/');
		last = s == NULL;
		if (!last)
			*s = '\0';
		if (stat(p[0] != '\0' ? p : "/", &st) == -1 ||
		    !(st.st_uid == uid ? st.st_mode & S_IXUSR :
		    st.st_gid == gid ? st.st_mode & S_IXGRP :
		    st.st_mode & S_IXOTH)) {
			str_copy(closed, sz, p[0] != '\0' ? p : "/");
			return false;
		}
		if (last)
			return true;
	}
}

/*
 * Lets the service group read the keys and write the binding store, so a
 * reload as the service user needs no capability.  Returns false (and
 * says why) when that could not be done.
 */
static bool
grant(struct svc *svc, const struct passwd *pw)
{
	struct rs_err	e;
	size_t		nc = 0, nb = 0;

	if (certstore_grant_service(svc->cs, pw->pw_gid, &nc, &e) == -1 ||
	    binding_store_grant(svc->root, pw->pw_gid, &nb, &e) == -1) {
		log_warn("%s; keeping CAP_DAC_OVERRIDE so that user %s can "
		    "reload them", e.msg, pw->pw_name);
		return false;
	}
	if (nc + nb > 0)
		log_info("gave the group of user %s read access to %zu key "
		    "files and folders of the certificate store and write "
		    "access to %zu files of the binding store", pw->pw_name,
		    nc, nb);
	return true;
}

static int
drop_root(struct svc *svc)
{
	struct passwd	*pw;
	char		 closed[RS_PATH_MAX];
	bool		 dac;

	if (geteuid() != 0)
		return 0;
	pw = getpwnam(svc->user);
	if (pw == NULL) {
		log_warn("running as root: user %s does not exist; create it "
		    "with 'useradd --system --no-create-home --shell "
		    "/usr/sbin/nologin %s'", svc->user, svc->user);
		return 0;
	}
	dac = !reachable(svc->root, pw->pw_uid, pw->pw_gid, closed,
	    sizeof(closed));
	if (dac)
		log_warn("user %s cannot pass through the folder %s to the "
		    "state root %s; keeping CAP_DAC_OVERRIDE so that it can "
		    "reload keys and bindings; 'chmod o+x %s' (or a state root "
		    "elsewhere) lets httpsvc drop it", svc->user, closed,
		    svc->root, closed);
	else
		dac = !grant(svc, pw);
	/*
	 * NO_SETUID_FIXUP: setuid keeps the capabilities (trimmed right
	 * after) and access(2), which the stores use, honours them too.
	 */
	if (prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP) == -1 ||
	    setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1 || keep_caps(dac) == -1) {
		log_error("cannot become user %s: %s", svc->user,
		    strerror(errno));
		return -1;
	}
	log_info("running as user %s (keeping CAP_NET_BIND_SERVICE%s)",
	    svc->user, dac ? ", CAP_DAC_OVERRIDE" : " only");
	return 0;
}

static void
say_ready(struct svc *svc)
{
	char	line[2048] = "", one[96];

	pthread_mutex_lock(&svc->lis_lock);
	for (size_t i = 0; i < svc->n_lis; i++) {
		bool v6 = strchr(svc->lis[i].addr, ':') != NULL;
		snprintf(one, sizeof(one), "%s%s%s%s:%u (%s)", i ? ", " : "",
		    v6 ? "[" : "", svc->lis[i].addr, v6 ? "]" : "",
		    svc->lis[i].port, svc->lis[i].tls ? "https" : "http");
		str_append(line, sizeof(line), one);
	}
	pthread_mutex_unlock(&svc->lis_lock);
	log_info("ready: listening on %s", line[0] ? line :
	    "nothing yet (no bindings or URL reservations)");
	sd_notifyf(0, "READY=1\nSTATUS=listening on %zu sockets\nMAINPID=%d",
	    svc->n_lis, (int)getpid());
}

/*
 * Raises the descriptor limit to its hard maximum and keeps
 * max_connections below it (each connection may also hold an upstream
 * socket), so accept never fails with EMFILE and spins the loop.
 */
static void
fit_fd_limit(struct svc *svc)
{
	struct rlimit	rl;
	uint64_t	fit;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	fit = rl.rlim_cur > 2 * HTTPSVC_FD_RESERVE ?
	    (rl.rlim_cur - HTTPSVC_FD_RESERVE) / 2 : 16;
	if (svc->lim.max_connections > fit) {
		log_info("max_connections lowered from %llu to %llu: the open "
		    "file limit is %llu (raise LimitNOFILE)",
		    (unsigned long long)svc->lim.max_connections,
		    (unsigned long long)fit, (unsigned long long)rl.rlim_cur);
		svc->lim.max_connections = fit;
	}
}

static int
open_stores(struct svc *svc, struct rs_err *e)
{
	char	conf[RS_PATH_MAX];

	if (rs_root_path(svc->root, "http/httpsvc.conf", conf, sizeof(conf),
	    e) == -1 || svc_config_load(conf, &svc->lim, e) == -1)
		return -1;
	fit_fd_limit(svc);
	svc->bs = binding_store_open(svc->root, e);
	if (svc->bs == NULL)
		return -1;
	svc->cs = certstore_open(svc->root, e);
	if (svc->cs == NULL)
		return -1;
	svc->front = tls_front_new(local_addr, send_alert, e);
	return svc->front == NULL ? -1 : 0;
}

/*
 * libh2o 2.2 reads a request body whole before the handler runs (see
 * docs/httpsvc.md); a buffer (a body being received, an answer waiting
 * for a slow client) that outgrows lim.buffer_memory_max continues in a
 * file of ROOT/run/spool, which h2o creates with mkstemp, unlinks at once
 * and maps: memory stays bounded and nothing is left behind by a crash.
 */
static int
setup_spool(struct svc *svc, struct rs_err *e)
{
	char		 dir[RS_PATH_MAX];
	struct passwd	*pw;
	int		 n;

	if (rs_root_path(svc->root, "run/spool", dir, sizeof(dir), e) == -1 ||
	    fs_mkdir_p(dir, 0700, e) == -1)
		return -1;
	if (chmod(dir, 0700) == -1)
		return rs_err_sys(e, RS_E_IO, "set mode of %s", dir);
	if (geteuid() == 0 && (pw = getpwnam(svc->user)) != NULL &&
	    chown(dir, pw->pw_uid, pw->pw_gid) == -1)
		return rs_err_sys(e, RS_E_IO, "give %s to user %s", dir,
		    svc->user);
	n = snprintf(h2o_socket_buffer_mmap_settings.fn_template,
	    sizeof(h2o_socket_buffer_mmap_settings.fn_template),
	    "%s/buffer.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(h2o_socket_buffer_mmap_settings.
	    fn_template))
		return rs_err_set(e, RS_E_CONFIG, "state root path too long "
		    "for the spool: %s", dir);
	h2o_socket_buffer_mmap_settings.threshold = svc->lim.buffer_memory_max;
	return 0;
}

static int
start(struct svc *svc, struct rs_err *e)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* the workers inherit it */
	signal(SIGPIPE, SIG_IGN);
	if (open_stores(svc, e) == -1)
		return -1;
	setup_h2o(svc);
	svc_routes_init(svc);
	svc_control_init(svc);
	pthread_mutex_init(&svc->lis_lock, NULL);
	svc_listen_inherit(svc);
	/* The spool after the control socket: that one makes run/ 0755. */
	if (svc_control_open(svc, e) == -1 || setup_spool(svc, e) == -1 ||
	    svc_reload(svc, "start", e) == -1)
		return -1;
	if (drop_root(svc) == -1)
		return rs_err_set(e, RS_E_PERM, "cannot drop root");
	return svc_workers_start(svc, e);
}

static void
stop(struct svc *svc)
{
	sd_notify(0, "STOPPING=1");
	log_info("stopping: draining %lu connections",
	    (unsigned long)atomic_load(&svc->conns));
	svc_workers_drain(svc);
	/* Registrations and routes go first: their pools are disposed by
	 * the workers, which run until svc_workers_join. */
	svc_control_fini(svc);
	svc_routes_clear(svc);
	svc_workers_join(svc);
	log_info("stopped");
}

int
main(int argc, char **argv)
{
	static struct svc	svc;
	const char		*root_opt = NULL;
	bool			 test = false;
	struct rs_err		 e;

	log_init("httpsvc");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0)
			test = true;
		else if (strcmp(argv[i], "-v") == 0)
			svc.verbose = true;
		else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			root_opt = argv[++i];
		else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			svc.user = argv[++i];
		else if (strcmp(argv[i], "--version") == 0)
			return printf("httpsvc %s\n", RS_VERSION), 0;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			usage(stdout, 0);
		else
			usage(stderr, rs_err_exit_status(RS_E_USAGE));
	}
	log_set_verbose(svc.verbose);
	if (svc.user == NULL)
		svc.user = SERVICE_USER;
	if (rs_root_resolve(root_opt, svc.root, sizeof(svc.root), &e) == -1) {
		log_error("%s", e.msg);
		return rs_err_exit_status(e.code);
	}
	if (test)
		return svc_check(svc.root, svc.verbose);
	svc_limits_default(&svc.lim);
	if (start(&svc, &e) == -1) {
		for (char *l = e.msg, *nl; l != NULL; l = nl) {
			nl = strchr(l, '\n');
			if (nl != NULL)
				*nl++ = '\0';
			log_error("cannot start: %s", l);
		}
		return rs_err_exit_status(e.code);
	}
	say_ready(&svc);
	svc_control_run(&svc);
	stop(&svc);
	return 0;
}
