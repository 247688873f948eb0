/*
 * register.c: the appserver's control connection to httpsvc
 * (ROOT/run/httpsvc.sock).  It sends one "REGISTER <prefix> <socket>
 * body_max=N [precheck=N]" line per prefix (the body limit, and the size
 * over which httpsvc asks the precheck function before a body is sent) and reads one answer per line, in order: "OK" or
 * "ERR <win32-code> <message>".  httpsvc keeps a registration exactly as
 * long as this connection, so the connection stays open for the life of
 * the application.  When httpsvc is not running yet, or goes away, the
 * connection is tried again with a growing delay (250 ms growing to 1 s) and
 * every prefix is registered again; each outcome goes to the application's
 * callback and to appserver_reg_status.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appserver/appserver_int.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#define TICK_MS		250
#define BACKOFF_MAX_MS	1000
#define ANSWER_MAX	2048

void
reg_set(struct appserver *as, struct prefix *p, enum appserver_reg_state st,
    int code, const char *msg)
{
	pthread_mutex_lock(&as->reg_mu);
	p->state = st;
	p->code = code;
	str_copy(p->msg, sizeof(p->msg), msg);
	pthread_mutex_unlock(&as->reg_mu);
	if (as->on_reg != NULL)
		as->on_reg(p->url, st, code, msg, as->on_reg_arg);
}

/* Forgets every answer still expected. */
static void
pend_clear(struct regconn *reg)
{
	for (size_t i = reg->pend_head; i < reg->npend; i++)
		free(reg->pend[i].url);
	reg->pend_head = reg->npend = 0;
}

static void
pend_push(struct regconn *reg, const char *url, bool unreg)
{
	if (reg->pend_head == reg->npend)
		reg->pend_head = reg->npend = 0;
	if (reg->npend == reg->pend_cap) {
		reg->pend_cap = reg->pend_cap ? reg->pend_cap * 2 : 16;
		reg->pend = xreallocarray(reg->pend, reg->pend_cap,
		    sizeof(*reg->pend));
	}
	reg->pend[reg->npend].url = xstrdup(url);
	reg->pend[reg->npend].unreg = unreg;
	reg->npend++;
}

static void
close_ctl(struct regconn *reg)
{
	if (reg->sock != NULL) {
		h2o_socket_read_stop(reg->sock);
		h2o_socket_close(reg->sock);
		reg->sock = NULL;
	}
	reg->writing = false;
	buf_reset(&reg->queued);
	pend_clear(reg);
}

/* The control connection ended: all prefixes are unregistered now. */
static void
lost(struct appserver *as, const char *why)
{
	struct regconn *reg = &as->reg;

	close_ctl(reg);
	log_warn("httpsvc control connection %s lost (%s); registering again "
	    "when it is back", reg->ctl_path, why);
	for (size_t i = 0; i < as->nprefixes; i++)
		if (as->prefixes[i]->state != APPSERVER_REG_PENDING)
			reg_set(as, as->prefixes[i], APPSERVER_REG_PENDING, 0,
			    "httpsvc connection lost");
	reg->failures = 0;
	reg->backoff_ms = TICK_MS;
	reg->retry_at = h2o_now(as->loop) + TICK_MS;
}

/*
 * The answer to an UNREGISTER, or to the REGISTER of a prefix removed
 * since (its UNREGISTER follows): nothing to record.
 */
static void
answer_gone(const char *url, bool unreg, const char *line)
{
	if (unreg && (strcmp(line, "OK") == 0 || str_has_prefix(line, "OK ")))
		log_info("unregistered %s", url);
	else
		log_debug("%s %s: %.80s", unreg ? "UNREGISTER" : "REGISTER", url,
		    line);
}

static void
answer(struct appserver *as, char *line)
{
	struct regconn *reg = &as->reg;
	struct reg_pend pd;
	struct prefix *p;
	uint64_t code = 0;
	char *sp;

	if (reg->pend_head == reg->npend) {
		log_warn("httpsvc control connection: unexpected line '%.80s'",
		    line);
		return;
	}
	pd = reg->pend[reg->pend_head++];
	p = pd.unreg ? NULL : prefix_find(as, pd.url);
	if (p == NULL) {
		answer_gone(pd.url, pd.unreg, line);
		free(pd.url);
		return;
	}
	free(pd.url);
	if (strcmp(line, "OK") == 0 || str_has_prefix(line, "OK ")) {
		log_info("registered %s -> %s", p->url, as->sock_path);
		reg_set(as, p, APPSERVER_REG_OK, 0, "registered");
		return;
	}
	if (str_has_prefix(line, "ERR ")) {
		sp = strchr(line + 4, ' ');
		if (sp != NULL)
			*sp++ = '\0';
		if (str_parse_uint(line + 4, 0, 65535, &code, "code", NULL) ==
		    -1)
			code = 0;
		log_error("cannot register %s: %s (error %d)", p->url,
		    sp != NULL ? sp : "no reason given", (int)code);
		reg_set(as, p, APPSERVER_REG_FAILED, (int)code,
		    sp != NULL ? sp : "no reason given");
		return;
	}
	log_error("cannot register %s: unexpected answer '%.80s'", p->url,
	    line);
	reg_set(as, p, APPSERVER_REG_FAILED, 0, "unexpected answer from "
	    "httpsvc");
}

static void
on_ctl_read(h2o_socket_t *sock, const char *err)
{
	struct appserver *as = sock->data;
	h2o_buffer_t *in = sock->input;
	char line[ANSWER_MAX];
	char *nl;
	size_t n;

	if (err != NULL) {
		lost(as, err);
		return;
	}
	while (in->size > 0 &&
	    (nl = memchr(in->bytes, '\n', in->size)) != NULL) {
		n = (size_t)(nl - in->bytes);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, in->bytes, n);
		line[n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		h2o_buffer_consume(&sock->input, (size_t)(nl - in->bytes) + 1);
		in = sock->input;
		answer(as, line);
		if (as->reg.sock == NULL)
			return;
	}
	if (in->size > ANSWER_MAX)
		lost(as, "answer line too long");
}

static void flush(struct regconn *);

static void
on_ctl_written(h2o_socket_t *sock, const char *err)
{
	struct appserver *as = sock->data;

	as->reg.writing = false;
	if (err != NULL) {
		lost(as, err);
		return;
	}
	flush(&as->reg);
}

/* Writes the queued lines, unless a write is still in flight. */
static void
flush(struct regconn *reg)
{
	struct buf tmp;
	h2o_iovec_t iov;

	if (reg->sock == NULL || reg->writing || reg->queued.len == 0)
		return;
	tmp = reg->out;
	reg->out = reg->queued;
	reg->queued = tmp;
	buf_reset(&reg->queued);
	reg->writing = true;
	iov = h2o_iovec_init(reg->out.data, reg->out.len);
	h2o_socket_write(reg->sock, &iov, 1, on_ctl_written);
}

static void
queue_register(struct appserver *as, const struct prefix *p)
{
	/* httpsvc refuses a larger body before it is sent (413). */
	buf_printf(&as->reg.queued, NULL, "REGISTER %s %s body_max=%zu",
	    p->url, as->sock_path, as->body_max);
	if (as->precheck != NULL)
		buf_printf(&as->reg.queued, NULL, " precheck=%zu",
		    as->precheck_over);
	buf_puts(&as->reg.queued, "\n", NULL);
	pend_push(&as->reg, p->url, false);
}

static void
send_registrations(struct appserver *as)
{
	for (size_t i = 0; i < as->nprefixes; i++)
		queue_register(as, as->prefixes[i]);
	flush(&as->reg);
}

void
reg_send(struct appserver *as, const struct prefix *p)
{
	if (as->reg.sock == NULL)
		return;	/* registered with the others once connected */
	queue_register(as, p);
	flush(&as->reg);
}

void
reg_unsend(struct appserver *as, const char *url)
{
	if (as->reg.sock == NULL)
		return;	/* nothing is registered while disconnected */
	buf_printf(&as->reg.queued, NULL, "UNREGISTER %s\n", url);
	pend_push(&as->reg, url, true);
	flush(&as->reg);
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (str_copy(sa.sun_path, sizeof(sa.sun_path), path) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * httpsvc's current effective uid: SO_PEERCRED names its process, whose
 * uid may have changed since it listened (root drops to rshttp).
 */
static uid_t
peer_uid(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	char path[64], line[256];
	unsigned r, eff;
	uid_t uid = (uid_t)-1;
	FILE *f;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1)
		return uid;
	uid = cr.uid;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)cr.pid);
	f = fopen(path, "r");
	if (f == NULL)
		return uid;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Uid: %u %u", &r, &eff) == 2) {
			uid = (uid_t)eff;
			break;
		}
	fclose(f);
	return uid;
}

static void
try_connect(struct appserver *as)
{
	struct regconn *reg = &as->reg;
	int fd;

	fd = ctl_connect(reg->ctl_path);
	if (fd == -1) {
		if (errno == EACCES && reg->failures++ == 0)
			log_error("httpsvc control socket %s: %s; this user must "
			    "be able to reach it (folder permissions); retrying",
			    reg->ctl_path, strerror(errno));
		else if (reg->failures++ == 0)
			log_warn("httpsvc control socket %s: %s; will register "
			    "when httpsvc is up (retrying every %d s)",
			    reg->ctl_path, strerror(errno),
			    BACKOFF_MAX_MS / 1000);
		else
			log_debug("httpsvc control socket %s: %s (attempt %u)",
			    reg->ctl_path, strerror(errno), reg->failures);
		reg->retry_at = h2o_now(as->loop) + reg->backoff_ms;
		reg->backoff_ms *= 2;
		if (reg->backoff_ms > BACKOFF_MAX_MS)
			reg->backoff_ms = BACKOFF_MAX_MS;
		return;
	}
	if (reg->failures > 0)
		log_info("httpsvc control socket %s: connected after %u "
		    "attempt(s)", reg->ctl_path, reg->failures + 1);
	reg->failures = 0;
	reg->backoff_ms = TICK_MS;
	as->svc_uid = peer_uid(fd);
	reg->sock = h2o_evloop_socket_create(as->loop, fd, 0);
	reg->sock->data = as;
	h2o_socket_read_start(reg->sock, on_ctl_read);
	send_registrations(as);
}

static void
on_tick(h2o_timeout_entry_t *entry)
{
	struct appserver *as = H2O_STRUCT_FROM_MEMBER(struct appserver,
	    reg.tick_entry, entry);
	struct regconn *reg = &as->reg;

	if (as->stopping)
		return;
	if (reg->sock == NULL && h2o_now(as->loop) >= reg->retry_at)
		try_connect(as);
	h2o_timeout_link(as->loop, &reg->tick, &reg->tick_entry);
}

void
reg_start(struct appserver *as)
{
	struct regconn *reg = &as->reg;

	if (rs_root_path(as->root, "run/httpsvc.sock", reg->ctl_path,
	    sizeof(reg->ctl_path), NULL) == -1)
		str_copy(reg->ctl_path, sizeof(reg->ctl_path),
		    "/nonexistent/httpsvc.sock");
	buf_init(&reg->out, 0);
	buf_init(&reg->queued, 0);
	reg->backoff_ms = TICK_MS;
	h2o_timeout_init(as->loop, &reg->tick, TICK_MS);
	reg->tick_entry.cb = on_tick;
	reg->started = true;
	try_connect(as);
	h2o_timeout_link(as->loop, &reg->tick, &reg->tick_entry);
}

/* Closing the connection drops every registration at httpsvc at once. */
void
reg_stop(struct appserver *as)
{
	struct regconn *reg = &as->reg;

	if (!reg->started)
		return;
	reg->started = false;
	if (h2o_timeout_is_linked(&reg->tick_entry))
		h2o_timeout_unlink(&reg->tick_entry);
	h2o_timeout_dispose(as->loop, &reg->tick);
	close_ctl(reg);
	pthread_mutex_lock(&as->reg_mu);
	for (size_t i = 0; i < as->nprefixes; i++)
		as->prefixes[i]->state = APPSERVER_REG_PENDING;
	pthread_mutex_unlock(&as->reg_mu);
}

void
reg_fini(struct appserver *as)
{
	pend_clear(&as->reg);
	free(as->reg.pend);
	as->reg.pend = NULL;
	buf_fini(&as->reg.out);
	buf_fini(&as->reg.queued);
}
