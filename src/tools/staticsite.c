/*
 * staticsite: a small web application behind httpsvc, the "other web
 * application on the machine" of the seeds.  It registers one or more URL
 * prefixes (--url, e.g. https://+:8443/site/) with httpsvc and serves the
 * files of --dir under them: GET and HEAD, content type by extension,
 * index.html for folders, ETag and Last-Modified with 304 answers, 404
 * inside the prefix.  Paths are resolved with openat2(RESOLVE_BENEATH), so
 * neither "..", its encoded forms, nor a symbolic link can leave the
 * folder.  Small files are answered on the event loop thread (like nginx,
 * from the page cache); bigger ones are streamed from a worker thread with
 * backpressure.  With --redirect URL instead of --dir it serves no files:
 * the prefix itself answers 302 to URL (the site root of a port pointing
 * at the report server's portal, as an IIS default site with an HTTP
 * redirect does) and anything below it 404.  It runs in the foreground
 * until SIGTERM/SIGINT.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "appserver/appserver.h"
#include "common/log.h"
#include "common/root.h"
#include "common/str.h"

#define SITE_WHOLE_MAX	(256u * 1024)	/* bigger files are streamed */
#define SITE_CHUNK	(64u * 1024)
#define SITE_URLS_MAX	8
#define SITE_REDIRECT_MAX	2048

struct site {
	struct appserver	*as;
	int			 dirfd;
	const char		*dir;
	const char		*redirect;	/* --redirect URL, or NULL */
};

static const struct {
	const char *ext, *type;
} mime[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "xml", "application/xml" },
	{ "csv", "text/csv; charset=utf-8" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "pdf", "application/pdf" },
	{ "zip", "application/zip" },
	{ "gz", "application/gzip" },
	{ "wasm", "application/wasm" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet" },
};

static const char *
content_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (size_t i = 0; i < nitems(mime); i++)
			if (str_ieq(dot + 1, mime[i].ext))
				return mime[i].type;
	return "application/octet-stream";
}

/* Opens rel below dirfd; the kernel refuses any escape (.., symlinks). */
static int
open_beneath(int dirfd, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
}

/* Any "." or ".." segment is refused before the file system is asked. */
static bool
path_ok(const char *p)
{
	const char *seg = p;

	for (;;) {
		const char *end = strchr(seg, '/');
		size_t n = end != NULL ? (size_t)(end - seg) : strlen(seg);

		if ((n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return false;
		if (end == NULL)
			return true;
		seg = end + 1;
	}
}

static void
http_date(time_t t, char *out, size_t outsz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outsz, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* True when the client's cached copy is current (answer 304). */
static bool
not_modified(struct appserver_req *r, const char *etag, time_t mtime)
{
	const char *inm = appserver_req_header(r, "if-none-match");
	const char *ims = appserver_req_header(r, "if-modified-since");
	struct tm tm = { 0 };

	if (inm != NULL)
		return strcmp(inm, "*") == 0 || strstr(inm, etag) != NULL;
	if (ims == NULL || strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm) ==
	    NULL)
		return false;
	return timegm(&tm) >= mtime;
}

static void
redirect_dir(struct appserver_req *r)
{
	char loc[8192];
	const char *q = appserver_req_query(r);

	snprintf(loc, sizeof(loc), "%s/%s%s", appserver_req_raw_path(r),
	    *q != '\0' ? "?" : "", q);
	appserver_resp_header(r, "Location", loc, NULL);
	appserver_resp_text(r, 301, "moved: the folder's address ends with /");
}

static void
send_file(struct appserver_req *r, int fd, const struct stat *st,
    const char *name)
{
	char etag[64], lm[64], buf[SITE_CHUNK];
	ssize_t n;
	size_t left = (size_t)st->st_size;

	snprintf(etag, sizeof(etag), "\"%llx-%llx\"",
	    (unsigned long long)st->st_size,
	    (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
	    (unsigned long long)st->st_mtim.tv_nsec);
	http_date(st->st_mtime, lm, sizeof(lm));
	appserver_resp_header(r, "ETag", etag, NULL);
	appserver_resp_header(r, "Last-Modified", lm, NULL);
	if (not_modified(r, etag, st->st_mtime)) {
		appserver_resp_status(r, 304);
		return;
	}
	appserver_resp_header(r, "Content-Type", content_type(name), NULL);
	appserver_resp_length(r, left);
	if (strcmp(appserver_req_method(r), "HEAD") == 0)
		return;
	while (left > 0) {
		n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));
		if (n <= 0)
			break;
		if (st->st_size <= (off_t)SITE_WHOLE_MAX)
			appserver_resp_body(r, buf, (size_t)n);
		else if (appserver_resp_write(r, buf, (size_t)n) == -1)
			break;
		left -= (size_t)n;
	}
	if (left > 0)	/* file shrank under us: pad so the length holds */
		log_warn("%s: file changed while being sent", name);
	while (left > 0) {
		size_t k = left < sizeof(buf) ? left : sizeof(buf);
		memset(buf, 0, k);
		if (appserver_resp_write(r, buf, k) == -1)
			break;
		left -= k;
	}
}

static void
serve(struct appserver_req *r, void *arg)
{
	struct site *site = arg;
	const char *m = appserver_req_method(r), *sub = appserver_req_subpath(r);
	char rel[PATH_MAX];
	struct stat st;
	int fd;

	if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
		appserver_resp_header(r, "Allow", "GET, HEAD", NULL);
		appserver_resp_text(r, 405, "method not allowed: use GET or HEAD");
		return;
	}
	while (*sub == '/')
		sub++;
	if (!path_ok(sub)) {
		appserver_resp_text(r, 400, "bad path: '.' and '..' segments are "
		    "not allowed");
		return;
	}
	if (snprintf(rel, sizeof(rel), "%s%s", *sub != '\0' ? sub : ".",
	    *sub == '\0' || sub[strlen(sub) - 1] == '/' ? "/index.html" : "") >=
	    (int)sizeof(rel)) {
		appserver_resp_text(r, 414, "path too long");
		return;
	}
	fd = open_beneath(site->dirfd, rel);
	if (fd == -1 || fstat(fd, &st) == -1 ||
	    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
		if (fd != -1)
			close(fd);
		appserver_resp_text(r, 404, "not found");
		return;
	}
	if (S_ISDIR(st.st_mode))
		redirect_dir(r);
	else if (st.st_size > (off_t)SITE_WHOLE_MAX &&
	    !appserver_req_can_block(r))
		appserver_req_defer(r);	/* streamed from a worker thread */
	else
		send_file(r, fd, &st, rel);
	close(fd);
}

/* --redirect: the prefix itself moves to the URL; nothing lives below it. */
static void
serve_redirect(struct appserver_req *r, void *arg)
{
	struct site *site = arg;
	const char *m = appserver_req_method(r), *sub = appserver_req_subpath(r);

	if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
		appserver_resp_header(r, "Allow", "GET, HEAD", NULL);
		appserver_resp_text(r, 405, "method not allowed: use GET or HEAD");
		return;
	}
	if (strcmp(sub, "") != 0 && strcmp(sub, "/") != 0) {
		appserver_resp_text(r, 404, "not found");
		return;
	}
	appserver_resp_header(r, "Location", site->redirect, NULL);
	appserver_resp_text(r, 302, "found: see the Location header");
}

/* A Location value: printable ASCII only (no header splitting), bounded. */
static int
redirect_ok(const char *url, struct rs_err *e)
{
	size_t n = strlen(url);

	if (n == 0 || n > SITE_REDIRECT_MAX)
		return rs_err_set(e, RS_E_USAGE, "--redirect: give a URL of 1 to "
		    "%u characters, e.g. /Reports/", SITE_REDIRECT_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return rs_err_set(e, RS_E_USAGE, "--redirect: the URL "
			    "may hold printable ASCII only (no spaces; "
			    "percent-encode others)");
	return 0;
}

static int
exit_for(int win32)
{
	switch (win32) {
	case 5: return rs_err_exit_status(RS_E_PERM);
	case 183: return rs_err_exit_status(RS_E_EXISTS);
	case 87: return rs_err_exit_status(RS_E_USAGE);
	case 2: return rs_err_exit_status(RS_E_NOTFOUND);
	default: return rs_err_exit_status(RS_E_INTERNAL);
	}
}

static void
on_reg(const char *prefix, enum appserver_reg_state st, int code,
    const char *msg, void *arg)
{
	struct site *site = arg;

	(void)msg;
	if (st == APPSERVER_REG_OK && site->redirect != NULL)
		log_info("serving %s: a redirect to %s", prefix, site->redirect);
	else if (st == APPSERVER_REG_OK)
		log_info("serving %s from %s", prefix, site->dir);
	else if (st == APPSERVER_REG_FAILED)
		appserver_stop(site->as, exit_for(code));
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: staticsite --url PREFIX [--url PREFIX ...]\n"
	    "                  (--dir FOLDER | --redirect URL)\n"
	    "                  [--root DIR] [--name NAME | --socket PATH]\n"
	    "                  [--workers N] [-v]\n"
	    "  --url PREFIX   URL prefix reserved for this user, e.g. "
	    "https://+:8443/site/\n"
	    "  --dir FOLDER   folder served below the prefix\n"
	    "  --redirect URL the prefix answers 302 to URL (e.g. /Reports/);\n"
	    "                 below it, 404\n"
	    "  --root DIR     state root (else $RS_ROOT, else %s)\n"
	    "  --name NAME    socket name: ROOT/run/apps/NAME.sock\n"
	    "  --socket PATH  listen on this socket path instead\n"
	    "  --workers N    worker threads\n"
	    "  -v, --verbose  debug logging\n"
	    "  --version      print the version\n",
	    RS_ROOT_DEFAULT);
}

struct opts {
	const char	*urls[SITE_URLS_MAX];
	size_t		 nurls;
	const char	*dir, *redirect, *root, *name, *socket;
	unsigned	 workers;
};

static int
parse_args(int argc, char **argv, struct opts *o, struct rs_err *e)
{
	static const struct option lo[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "dir", required_argument, NULL, 'd' },
		{ "redirect", required_argument, NULL, 'R' },
		{ "root", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "socket", required_argument, NULL, 's' },
		{ "workers", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t n;
	int c;

	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'u':
			if (o->nurls == SITE_URLS_MAX)
				return rs_err_set(e, RS_E_USAGE, "at most %d "
				    "--url options", SITE_URLS_MAX);
			o->urls[o->nurls++] = optarg;
			break;
		case 'd': o->dir = optarg; break;
		case 'R':
			if (redirect_ok(optarg, e) == -1)
				return -1;
			o->redirect = optarg;
			break;
		case 'r': o->root = optarg; break;
		case 'n': o->name = optarg; break;
		case 's': o->socket = optarg; break;
		case 'w':
			if (str_parse_uint(optarg, 1, APPSERVER_WORKERS_MAX, &n,
			    "--workers", e) == -1)
				return -1;
			o->workers = (unsigned)n;
			break;
		case 'v': log_set_verbose(true); break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("staticsite %s\n", RS_VERSION); exit(0);
		default: return rs_err_set(e, RS_E_USAGE, "unknown option");
		}
	}
	if (optind != argc || o->nurls == 0 ||
	    (o->dir == NULL) == (o->redirect == NULL))
		return rs_err_set(e, RS_E_USAGE, "--url and one of --dir or "
		    "--redirect are required");
	return 0;
}

/* A stable socket name per first prefix, so a restart replaces its file. */
static void
default_name(const char *url, char *out, size_t outsz)
{
	uint64_t h = 1469598103934665603ull;

	for (const char *s = url; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	snprintf(out, outsz, "staticsite-%016llx", (unsigned long long)h);
}

static int
run(struct opts *o, struct site *site, struct rs_err *e)
{
	struct appserver_config cfg = { .workers = o->workers };
	char root[RS_PATH_MAX], name[64];

	if (rs_root_resolve(o->root, root, sizeof(root), e) == -1)
		return -1;
	default_name(o->urls[0], name, sizeof(name));
	cfg.root = root;
	cfg.name = o->name != NULL ? o->name : name;
	cfg.socket_path = o->socket;
	cfg.on_reg = on_reg;
	cfg.on_reg_arg = site;
	site->as = appserver_new(&cfg, e);
	if (site->as == NULL)
		return -1;
	for (size_t i = 0; i < o->nurls; i++)
		if (appserver_add_inline(site->as, o->urls[i],
		    site->redirect != NULL ? serve_redirect : serve, site,
		    e) == -1)
			return -1;
	return appserver_run(site->as, e);
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct site site = { .dirfd = -1 };
	struct rs_err e;
	int status;

	log_init("staticsite");
	rs_err_clear(&e);
	if (parse_args(argc, argv, &o, &e) == -1) {
		log_error("%s", e.msg);
		usage(stderr);
		return rs_err_exit_status(e.code);
	}
	site.dir = o.dir;
	site.redirect = o.redirect;
	if (o.dir != NULL)
		site.dirfd = open(o.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o.dir != NULL && site.dirfd == -1) {
		log_error("cannot serve folder %s: %s", o.dir, strerror(errno));
		return rs_err_exit_status(RS_E_NOTFOUND);
	}
	if (run(&o, &site, &e) == -1) {
		log_error("%s", e.msg);
		status = rs_err_exit_status(e.code);
	} else {
		status = appserver_exit_status(site.as);
	}
	appserver_free(site.as);
	if (site.dirfd != -1)
		close(site.dirfd);
	return status;
}
