/*
 * run.c: running the Debian tools that keep the machine's trust stores
 * (update-ca-certificates, certutil): found on PATH or in the system
 * folders, started with fork and execve in a minimal environment, given
 * their input on stdin, their output gathered for the messages, and, when
 * root fills a user's NSS database, run as that user so the files stay
 * the user's.
 */
#include "trust/trust_int.h"
#include "common/buf.h"
#include "common/str.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN_PATH	"/usr/sbin:/usr/bin:/sbin:/bin"

void
trust_say(trust_say_fn *say, void *arg, const char *fmt, ...)
{
	char	line[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (say != NULL)
		say(arg, line);
}

static bool
is_exec(const char *dir, size_t n, const char *name, char *out,
    size_t outsz)
{
	struct stat	st;
	int		len;

	len = snprintf(out, outsz, "%.*s/%s", (int)n, dir, name);
	return len > 0 && (size_t)len < outsz && stat(out, &st) == 0 &&
	    S_ISREG(st.st_mode) && access(out, X_OK) == 0;
}

static bool
search(const char *path, const char *name, char *out, size_t outsz)
{
	const char	*p = path, *colon;
	size_t		 n;

	while (p != NULL && *p != '\0') {
		colon = strchr(p, ':');
		n = colon != NULL ? (size_t)(colon - p) : strlen(p);
		if (n > 0 && is_exec(p, n, name, out, outsz))
			return true;
		p = colon != NULL ? colon + 1 : NULL;
	}
	return false;
}

int
trust_find(const char *name, const char *package, char *out, size_t outsz,
    struct rs_err *e)
{
	if (search(getenv("PATH"), name, out, outsz) ||
	    search(RUN_PATH, name, out, outsz))
		return 0;
	return rs_err_set(e, RS_E_NOTFOUND, "%s is not installed; install it "
	    "with 'apt-get install %s'", name, package);
}

/* In the child: stdin, stdout/stderr, the user; then the program. */
static void
child(const struct trust_run *r, int in, int out)
{
	static char	*const env[] = { "PATH=" RUN_PATH, "LC_ALL=C", NULL };

	if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(out, 2) == -1)
		_exit(126);
	if (r->as_user && (setgroups(0, NULL) == -1 ||
	    setgid(r->gid) == -1 || setuid(r->uid) == -1))
		_exit(126);
	execve(r->argv[0], (char *const *)r->argv, env);
	_exit(127);
}

static void
feed(int fd, const char *data, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, data, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		data += n;
		len -= (size_t)n;
	}
	close(fd);
}

static void
gather(int fd, struct trust_run *r)
{
	struct buf	b;
	char		chunk[4096];
	ssize_t		n;

	buf_init(&b, TRUST_OUTPUT_MAX);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		(void)buf_append(&b, chunk, (size_t)n, NULL);	/* keep the head */
	}
	close(fd);
	buf_puts(&b, "", NULL);
	r->output = buf_take(&b, &r->output_len);
}

int
trust_run(struct trust_run *r, struct rs_err *e)
{
	int	in[2] = { -1, -1 }, out[2] = { -1, -1 }, st;
	pid_t	pid;

	r->output = NULL;
	r->output_len = 0;
	r->status = -1;
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1) {
		rs_err_sys(e, RS_E_IO, "cannot run %s", r->argv[0]);
		goto fail;
	}
	pid = fork();
	if (pid == -1) {
		rs_err_sys(e, RS_E_IO, "cannot run %s", r->argv[0]);
		goto fail;
	}
	if (pid == 0)
		child(r, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	signal(SIGPIPE, SIG_IGN);
	feed(in[1], r->input != NULL ? r->input : "", r->input_len);
	gather(out[0], r);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return rs_err_sys(e, RS_E_IO, "cannot wait for %s",
			    r->argv[0]);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (r->status == 126 || r->status == 127)
		return rs_err_set(e, RS_E_IO, "cannot run %s%s", r->argv[0],
		    r->as_user ? " as the owner of its files" : "");
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (in[i] != -1)
			close(in[i]);
		if (out[i] != -1)
			close(out[i]);
	}
	return -1;
}

void
trust_run_fini(struct trust_run *r)
{
	free(r->output);
	r->output = NULL;
	r->output_len = 0;
}

void
trust_last_line(const struct trust_run *r, char *out, size_t outsz)
{
	const char	*s = r->output != NULL ? r->output : "";
	const char	*end = s + strlen(s), *b;

	while (end > s && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '))
		end--;
	for (b = end; b > s && b[-1] != '\n'; b--)
		;
	snprintf(out, outsz, "%.*s", (int)(end - b), b);
	if (out[0] == '\0')
		snprintf(out, outsz, "no output");
}
