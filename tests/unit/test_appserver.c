/*
 * test_appserver.c: unit tests of appserver/: prefixes, stale socket
 * handling, what a handler sees of a request (method, decoded path and
 * subpath, query parameters, headers, body), dispatch by
 * X-Url-Reservation and by path, 400/404/413 answers, blocking handlers
 * running in parallel, a stop deadline, streaming with backpressure (bounded memory while
 * the client does not read), a client that goes away mid-stream, and a
 * graceful stop that finishes the request in flight, prefixes added and
 * removed while it runs (SIGHUP's on_reload), a request still running
 * under a prefix removed meanwhile.  The appserver runs on
 * a thread of the test (inline handlers and their deferral included) and is driven over its Unix socket with plain
 * HTTP/1.1; registration with the real httpsvc is tested in
 * tests/integration/appserver/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "appserver/appserver.h"
#include "common/str.h"

#define STREAM_TOTAL	(32u * 1024 * 1024)

/*
 * h2o keeps freed memory chunks in per-thread recycle lists; the loop runs
 * on threads of this test that exit, so those chunks look leaked.
 */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:h2o_mem_alloc_recycle\n";
}

static char		 root[64];
static char		 sock[256];
static struct appserver	*as;
static pthread_t	 runner;
static atomic_size_t	 streamed;
static atomic_int	 write_failed;

static void
make_root(void)
{
	str_copy(root, sizeof(root), "/tmp/test_appserver.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(sock, sizeof(sock), "%s/run/apps/t.sock", root);
}

static void
rm_root(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

static void *
run_thread(void *arg)
{
	struct rs_err e;

	(void)arg;
	assert_int_equal(appserver_run(as, &e), 0);
	return NULL;
}

static struct appserver *
new_server(size_t body_max)
{
	struct appserver_config cfg = {
		.root = root, .name = "t", .no_register = true,
		.no_signals = true, .body_max = body_max, .workers = 4,
	};
	struct rs_err e;
	struct appserver *s = appserver_new(&cfg, &e);

	if (s == NULL)
		fail_msg("appserver_new: %s", e.msg);
	return s;
}

static void
start(void)
{
	assert_int_equal(pthread_create(&runner, NULL, run_thread, NULL), 0);
}

static void
stop(void)
{
	appserver_stop(as, 0);
	pthread_join(runner, NULL);
	appserver_free(as);
	as = NULL;
}

static int
dial(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 20 };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	str_copy(sa.sun_path, sizeof(sa.sun_path), sock);
	for (int i = 0; i < 100; i++) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		usleep(10000);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Sends req (Connection: close is the caller's) and reads to EOF. */
static char *
http(const char *req, size_t *lenp)
{
	int fd = dial();
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap + 1);
	ssize_t n;

	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while ((n = read(fd, out + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap)
			out = realloc(out, (cap *= 2) + 1);
	}
	close(fd);
	out[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return out;
}

static void
h_echo(struct appserver_req *r, void *arg)
{
	size_t blen, n = appserver_req_param_count(r);
	const char *body = appserver_req_body(r, &blen), *name, *value;

	appserver_resp_header(r, "Content-Type", "text/plain", NULL);
	appserver_resp_printf(r, "tag=%s\nmethod=%s\npath=%s\nraw=%s\n"
	    "sub=%s\nquery=%s\nprefix=%s\n", (const char *)arg,
	    appserver_req_method(r), appserver_req_path(r),
	    appserver_req_raw_path(r), appserver_req_subpath(r),
	    appserver_req_query(r), appserver_req_prefix(r));
	for (size_t i = 0; i < n; i++) {
		appserver_req_param_at(r, i, &name, &value);
		appserver_resp_printf(r, "param[%s]=%s\n", name, value);
	}
	appserver_resp_printf(r, "xff=%s\nbody=%.*s\n",
	    appserver_req_header(r, "X-Forwarded-For") ?: "(none)",
	    (int)blen, body);
}

static void
h_sleep(struct appserver_req *r, void *arg)
{
	(void)arg;
	usleep(400 * 1000);
	appserver_resp_text(r, 200, "slept");
}

static void
h_stream(struct appserver_req *r, void *arg)
{
	static char chunk[64 * 1024];
	bool forever = arg != NULL;

	appserver_resp_header(r, "Content-Type", "text/csv", NULL);
	if (!forever)
		appserver_resp_length(r, STREAM_TOTAL);
	memset(chunk, 'x', sizeof(chunk));
	for (size_t i = 0; forever || i < STREAM_TOTAL / sizeof(chunk); i++) {
		if (appserver_resp_write(r, chunk, sizeof(chunk)) == -1) {
			write_failed = 1;
			return;
		}
		streamed += sizeof(chunk);
	}
}

/* Inline: answers on the loop; "?defer" moves to a worker; "?big" streams. */
static void
h_inline(struct appserver_req *r, void *arg)
{
	static char chunk[64 * 1024];

	(void)arg;
	if (appserver_req_param(r, "defer") != NULL &&
	    !appserver_req_can_block(r)) {
		assert_int_equal(appserver_req_defer(r), 0);
		return;
	}
	if (appserver_req_param(r, "big") != NULL) {
		memset(chunk, 'y', sizeof(chunk));
		for (int i = 0; i < 16; i++)	/* 1 MiB, never blocks */
			assert_int_equal(appserver_resp_write(r, chunk,
			    sizeof(chunk)), 0);
		return;
	}
	appserver_resp_printf(r, "can_block=%d\n", appserver_req_can_block(r));
	assert_int_equal(appserver_req_defer(r), -1);	/* answered */
}

static int
setup(void **state)
{
	struct rs_err e;

	(void)state;
	make_root();
	as = new_server(1024);
	streamed = 0;
	write_failed = 0;
	if (appserver_add(as, "https://+:8443/app/", h_echo, "app", &e) ||
	    appserver_add(as, "https://+:8443/app/deep/", h_echo, "deep", &e) ||
	    appserver_add(as, "http://*:8080/slow/", h_sleep, NULL, &e) ||
	    appserver_add(as, "https://+:8443/csv/", h_stream, NULL, &e) ||
	    appserver_add(as, "https://+:8443/endless/", h_stream, "y", &e) ||
	    appserver_add_inline(as, "https://+:8443/inline/", h_inline, NULL,
	    &e))
		fail_msg("appserver_add: %s", e.msg);
	start();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (as != NULL)
		stop();
	rm_root();
	return 0;
}

static void
test_add_errors(void **state)
{
	struct rs_err e;
	struct appserver *s;

	(void)state;
	make_root();
	s = new_server(0);
	assert_int_equal(appserver_add(s, "ftp://x/", h_echo, NULL, &e), -1);
	assert_int_equal(e.code, RS_E_USAGE);
	assert_int_equal(appserver_add(s, "https://+:8443", h_echo, NULL, &e),
	    -1);
	assert_int_equal(appserver_add(s, "https://+:1/a b/", h_echo, NULL,
	    &e), -1);
	assert_int_equal(appserver_add(s, "https://+:1/a/", NULL, NULL, &e),
	    -1);
	assert_int_equal(appserver_add(s, "https://+:1/a/", h_echo, NULL, &e),
	    0);
	assert_int_equal(appserver_add(s, "HTTPS://+:1/A/", h_echo, NULL, &e),
	    -1);
	assert_non_null(strstr(e.msg, "twice"));
	assert_string_equal(appserver_socket_path(s), sock);
	appserver_free(s);
	rm_root();
}

static void
test_stale_socket(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct appserver_config cfg = { .no_register = true };
	struct rs_err e;
	struct appserver *s;
	int fd;

	(void)state;
	make_root();
	cfg.root = root;
	cfg.socket_path = sock;
	s = appserver_new(&cfg, &e);	/* creates run/apps */
	assert_non_null(s);
	/* a live listener: refused */
	assert_null(appserver_new(&cfg, &e));
	assert_int_equal(e.code, RS_E_EXISTS);
	assert_non_null(strstr(e.msg, "another process listens"));
	appserver_free(s);
	/* a socket file nobody listens on: replaced */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	str_copy(sa.sun_path, sizeof(sa.sun_path), sock);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	s = appserver_new(&cfg, &e);
	assert_non_null(s);
	appserver_free(s);
	/* not a socket: left alone */
	fclose(fopen(sock, "w"));
	assert_null(appserver_new(&cfg, &e));
	assert_int_equal(e.code, RS_E_EXISTS);
	assert_non_null(strstr(e.msg, "not a socket"));
	cfg.socket_path = "relative.sock";
	assert_null(appserver_new(&cfg, &e));
	assert_int_equal(e.code, RS_E_USAGE);
	rm_root();
}

static void
test_request_fields(void **state)
{
	char *r;

	(void)state;
	r = http("POST /app/a%20b/c?x=1&name=h%C3%A9+llo&flag HTTP/1.1\r\n"
	    "Host: h\r\nX-Forwarded-For: 192.0.2.7\r\nContent-Length: 5\r\n"
	    "Connection: close\r\n\r\nhello", NULL);
	assert_non_null(strstr(r, "HTTP/1.1 200 OK"));
	assert_non_null(strstr(r, "tag=app\n"));
	assert_non_null(strstr(r, "method=POST\n"));
	assert_non_null(strstr(r, "path=/app/a b/c\n"));
	assert_non_null(strstr(r, "raw=/app/a%20b/c\n"));
	assert_non_null(strstr(r, "sub=/a b/c\n"));
	assert_non_null(strstr(r, "query=x=1&name=h%C3%A9+llo&flag\n"));
	assert_non_null(strstr(r, "param[x]=1\nparam[name]=h\xc3\xa9 llo\n"
	    "param[flag]=\n"));
	assert_non_null(strstr(r, "xff=192.0.2.7\n"));
	assert_non_null(strstr(r, "body=hello\n"));
	assert_non_null(strstr(r, "prefix=https://+:8443/app/\n"));
	free(r);
}

static void
test_dispatch(void **state)
{
	char *r;

	(void)state;
	r = http("GET /app/deep/x HTTP/1.1\r\nHost: h\r\nConnection: close"
	    "\r\n\r\n", NULL);
	assert_non_null(strstr(r, "tag=deep\n"));
	assert_non_null(strstr(r, "sub=/x\n"));
	free(r);
	r = http("GET /app/deep/x HTTP/1.1\r\nHost: h\r\nX-Url-Reservation: "
	    "https://+:8443/app/\r\nConnection: close\r\n\r\n", NULL);
	assert_non_null(strstr(r, "tag=app\n"));
	assert_non_null(strstr(r, "sub=/deep/x\n"));
	free(r);
	r = http("GET /APP HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
	    NULL);
	assert_non_null(strstr(r, "tag=app\n"));
	assert_non_null(strstr(r, "sub=/\n"));
	free(r);
	r = http("GET /apple HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
	    NULL);
	assert_non_null(strstr(r, "HTTP/1.1 404"));
	free(r);
}

static void
test_bad_requests(void **state)
{
	char big[2100], *r;

	(void)state;
	r = http("GET /app/%zz HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
	    "\r\n", NULL);
	assert_non_null(strstr(r, "HTTP/1.1 400"));
	free(r);
	r = http("GET /app/a%00b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
	    "\r\n", NULL);
	assert_non_null(strstr(r, "HTTP/1.1 400"));
	free(r);
	snprintf(big, sizeof(big), "POST /app/ HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: 2000\r\nConnection: close\r\n\r\n");
	memset(big + strlen(big), 'b', sizeof(big) - strlen(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r = http(big, NULL);
	assert_non_null(strstr(r, "HTTP/1.1 413"));
	free(r);
}

static void *
slow_client(void *arg)
{
	(void)arg;
	return http("GET /slow/ HTTP/1.1\r\nHost: h\r\nConnection: close"
	    "\r\n\r\n", NULL);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Four 400 ms blocking handlers finish together, not one after another. */
static void
test_parallel_blocking(void **state)
{
	pthread_t t[4];
	double t0 = now();
	void *r;

	(void)state;
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, slow_client, NULL);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		assert_non_null(strstr(r, "200 OK"));
		assert_non_null(strstr(r, "slept\n"));
		free(r);
	}
	assert_true(now() - t0 < 1.2);
}

static void
test_stream_backpressure(void **state)
{
	static char buf[1 << 16];
	const char *req = "GET /csv/ HTTP/1.1\r\nHost: h\r\nConnection: "
	    "close\r\n\r\n";
	size_t total = 0;
	ssize_t n;
	int fd = dial();

	(void)state;
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	usleep(500 * 1000);	/* the client reads nothing */
	/* socket buffers plus APPSERVER_STREAM_BUF, not 32 MiB */
	assert_true(streamed < 8u * 1024 * 1024);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (total == 0) {
			buf[n < 200 ? n : 200] = '\0';
			assert_non_null(strstr(buf, "Content-Length: 33554432"));
		}
		total += (size_t)n;
	}
	close(fd);
	assert_true(total > STREAM_TOTAL);
	assert_true(total < STREAM_TOTAL + 400);
	assert_int_equal(streamed, STREAM_TOTAL);
}

static void
test_client_gone(void **state)
{
	static char buf[1 << 16];
	const char *req = "GET /endless/ HTTP/1.1\r\nHost: h\r\n\r\n";
	int fd = dial();

	(void)state;
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	assert_true(read(fd, buf, sizeof(buf)) > 0);
	close(fd);
	for (int i = 0; i < 500 && !write_failed; i++)
		usleep(10000);
	assert_int_equal(write_failed, 1);
}

/* A stop during a request: the request completes, then run returns. */
static void
test_graceful_stop(void **state)
{
	pthread_t t;
	void *r;

	(void)state;
	pthread_create(&t, NULL, slow_client, NULL);
	usleep(150 * 1000);
	stop();
	pthread_join(t, &r);
	assert_non_null(strstr(r, "200 OK"));
	assert_non_null(strstr(r, "slept\n"));
	free(r);
	assert_int_equal(access(sock, F_OK), -1);
}

static void
test_inline(void **state)
{
	size_t len;
	char *r;

	(void)state;
	r = http("GET /inline/ HTTP/1.1\r\nHost: h\r\nConnection: close"
	    "\r\n\r\n", NULL);
	assert_non_null(strstr(r, "can_block=0\n"));
	free(r);
	r = http("GET /inline/?defer HTTP/1.1\r\nHost: h\r\nConnection: "
	    "close\r\n\r\n", NULL);
	assert_non_null(strstr(r, "can_block=1\n"));
	free(r);
	r = http("GET /inline/?big HTTP/1.1\r\nHost: h\r\nConnection: "
	    "close\r\n\r\n", &len);
	assert_non_null(strstr(r, "Content-Length: 1048576"));
	assert_true(len > 1048576 && len < 1048576 + 300);
	free(r);
}

static void *
stop_thread(void *arg)
{
	(void)arg;
	stop();
	return NULL;
}

/*
 * A client that stops reading cannot hold a stop beyond drain_ms: the
 * streaming handler is told its client is gone while the client is still
 * connected; once the client closes, the stop completes.
 */
static void
test_drain_deadline(void **state)
{
	struct appserver_config cfg = {
		.name = "t", .no_register = true, .no_signals = true,
		.drain_ms = 300,
	};
	const char *req = "GET /endless/ HTTP/1.1\r\nHost: h\r\n\r\n";
	struct rs_err e;
	pthread_t t;
	double t0;
	int fd;

	(void)state;
	make_root();
	cfg.root = root;
	as = appserver_new(&cfg, &e);
	assert_non_null(as);
	assert_int_equal(appserver_add(as, "https://+:1/endless/", h_stream,
	    "y", &e), 0);
	write_failed = 0;
	start();
	fd = dial();
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	usleep(200 * 1000);	/* the handler now waits for room */
	t0 = now();
	pthread_create(&t, NULL, stop_thread, NULL);
	usleep(900 * 1000);
	assert_int_equal(write_failed, 1);	/* abandoned, client still here */
	close(fd);
	pthread_join(t, NULL);
	assert_true(now() - t0 < 4.0);
	rm_root();
}

/* Without httpsvc the prefix stays PENDING and the socket still serves. */
static void
test_register_pending(void **state)
{
	struct appserver_config cfg = { .name = "t", .no_signals = true };
	struct rs_err e;
	char msg[64] = "x";
	int code = -1;
	char *r;

	(void)state;
	make_root();
	cfg.root = root;
	as = appserver_new(&cfg, &e);
	assert_non_null(as);
	assert_int_equal(appserver_add(as, "https://+:1/app/", h_echo, "app",
	    &e), 0);
	start();
	r = http("GET /app/x HTTP/1.1\r\nHost: h\r\nConnection: close"
	    "\r\n\r\n", NULL);
	assert_non_null(strstr(r, "sub=/x\n"));
	free(r);
	assert_int_equal(appserver_reg_status(as, "https://+:1/app/", &code,
	    msg, sizeof(msg)), APPSERVER_REG_PENDING);
	assert_int_equal(code, 0);
	assert_string_equal(msg, "");
	assert_int_equal(appserver_reg_status(as, "https://+:1/other/", NULL,
	    NULL, 0), APPSERVER_REG_PENDING);
	stop();
	rm_root();
}

/*
 * on_reload for test_live_prefixes: the first SIGHUP swaps /a/ for /b/
 * and drops /slow/; the second removes /b/ too (nothing served).
 */
static atomic_int reloads;

static void
reload_swap(struct appserver *s, void *arg)
{
	struct rs_err e;

	(void)arg;
	if (reloads == 0) {
		assert_int_equal(appserver_remove(s, "https://+:1/A/", &e), 0);
		assert_int_equal(appserver_remove(s, "https://+:1/slow/", &e),
		    0);
		assert_int_equal(appserver_add(s, "https://+:1/b/", h_echo, "b",
		    &e), 0);
		assert_int_equal(appserver_remove(s, "https://+:1/a/", &e), -1);
		assert_int_equal(e.code, RS_E_NOTFOUND);
	} else
		assert_int_equal(appserver_remove(s, "https://+:1/b/", &e), 0);
	reloads++;
}

static char *
get(const char *path)
{
	char req[256];

	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: h\r\n"
	    "Connection: close\r\n\r\n", path);
	return http(req, NULL);
}

static bool
answers(const char *path, const char *needle)
{
	char *r = get(path);
	bool found = strstr(r, needle) != NULL;

	free(r);
	return found;
}

/* Prefixes come and go while it runs; a request under a removed one ends. */
static void
test_live_prefixes(void **state)
{
	struct appserver_config cfg = { .name = "t", .no_register = true,
	    .on_reload = reload_swap };
	struct rs_err e;
	pthread_t slow;
	void *r;
	int i;

	(void)state;
	make_root();
	cfg.root = root;
	reloads = 0;
	as = appserver_new(&cfg, &e);
	assert_non_null(as);
	assert_int_equal(appserver_add(as, "https://+:1/a/", h_echo, "a", &e),
	    0);
	assert_int_equal(appserver_add(as, "https://+:1/slow/", h_sleep, NULL,
	    &e), 0);
	start();
	assert_true(answers("/a/x", "tag=a\n"));
	pthread_create(&slow, NULL, slow_client, NULL);
	usleep(100 * 1000);	/* the slow request is running */
	pthread_kill(runner, SIGHUP);
	for (i = 0; i < 200 && !answers("/b/x", "tag=b\n"); i++)
		usleep(10 * 1000);
	assert_true(i < 200);
	assert_true(answers("/a/x", " 404 "));
	assert_true(answers("/slow/", " 404 "));
	pthread_join(slow, &r);
	assert_non_null(strstr(r, "slept\n"));	/* it was not cut */
	free(r);
	pthread_kill(runner, SIGHUP);
	for (i = 0; i < 200 && reloads < 2; i++)
		usleep(10 * 1000);
	assert_int_equal(reloads, 2);
	assert_true(answers("/b/x", " 404 "));	/* nothing served: still up */
	stop();
	rm_root();
}

/* With on_reload an appserver may start with no prefix yet; else not. */
static void
test_run_empty(void **state)
{
	struct appserver_config cfg = { .name = "t", .no_register = true,
	    .no_signals = true };
	struct rs_err e;

	(void)state;
	make_root();
	cfg.root = root;
	as = appserver_new(&cfg, &e);
	assert_non_null(as);
	assert_int_equal(appserver_run(as, &e), -1);
	assert_int_equal(e.code, RS_E_USAGE);
	appserver_free(as);
	cfg.on_reload = reload_swap;
	as = appserver_new(&cfg, &e);
	assert_non_null(as);
	assert_int_equal(appserver_prefix_count(as), 0);
	start();
	assert_true(answers("/a/x", " 404 "));
	stop();
	rm_root();
}

static void
h_headers(struct appserver_req *r, void *arg)
{
	struct rs_err e;
	int *rc = arg;

	rc[0] = appserver_resp_header(r, "X-Bad", "a\r\nInjected: 1", &e);
	rc[1] = appserver_resp_header(r, "Content-Length", "5", &e);
	rc[2] = appserver_resp_header(r, "Bad Name", "v", &e);
	rc[3] = appserver_resp_header(r, "X-Good", "v", &e) |
	    appserver_resp_header(r, "Content-Security-Policy", "sandbox", &e);
	appserver_resp_write(r, "a", 1);
	rc[4] = appserver_resp_header(r, "X-Late", "v", &e);
}

static void
test_resp_header_rules(void **state)
{
	struct rs_err e;
	int rc[5] = { 9, 9, 9, 9, 9 };
	char *r;

	(void)state;
	make_root();
	as = new_server(0);
	assert_int_equal(appserver_add(as, "https://+:1/h/", h_headers, rc,
	    &e), 0);
	start();
	r = http("GET /h/ HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
	    NULL);
	stop();
	rm_root();
	assert_int_equal(rc[0], -1);
	assert_int_equal(rc[1], -1);
	assert_int_equal(rc[2], -1);
	assert_int_equal(rc[3], 0);
	assert_int_equal(rc[4], -1);
	assert_null(strstr(r, "Injected"));
	assert_non_null(strstr(r, "x-good: v"));
	assert_non_null(strstr(r, "content-security-policy: sandbox"));
	assert_true(strstr(r, "\r\n\r\na") != NULL ||
	    strstr(r, "\r\n\r\n1\r\na\r\n0\r\n") != NULL);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_stale_socket),
		cmocka_unit_test(test_resp_header_rules),
		cmocka_unit_test(test_drain_deadline),
		cmocka_unit_test(test_register_pending),
		cmocka_unit_test(test_live_prefixes),
		cmocka_unit_test(test_run_empty),
		cmocka_unit_test_setup_teardown(test_request_fields, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dispatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_parallel_blocking, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stream_backpressure, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_client_gone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_graceful_stop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_inline, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
