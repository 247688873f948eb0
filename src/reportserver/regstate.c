/*
 * regstate.c: the report server's registrations file (regstate.h): the
 * report server writes it on every change of a registration, rsconfig
 * reads it as the acknowledgement of a live re-registration.  The reader
 * runs as root on a file another account writes, so it opens without
 * following links, wants a small regular file, and keeps only lines of
 * the expected shape.
 */
#include "reportserver/regstate.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC		"reportserver-registrations 1"
#define FILE_MAX	(256 * 1024)

static const char *const names[] = {
	[RS_REG_PENDING] = "PENDING", [RS_REG_OK] = "OK",
	[RS_REG_FAILED] = "FAILED", [RS_REG_SKIPPED] = "SKIPPED",
};

const char *
rs_regstate_name(enum rs_regstate_kind k)
{
	return (size_t)k < nitems(names) ? names[k] : "PENDING";
}

/* One line of text: newlines and control characters become spaces. */
static void
put_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		(void)buf_printf(b, NULL, "%c", (unsigned char)*s < ' ' ? ' ' :
		    *s);
}

int
rs_regstate_write(const char *path, const struct rs_regstate *st,
    struct rs_err *e)
{
	char	tmp[RS_PATH_MAX];
	struct buf b;
	int	fd, rc = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return rs_err_set(e, RS_E_IO, "%s: path too long", path);
	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, MAGIC "\npid %d\nseq %lu\n", st->pid,
	    st->seq);
	if (st->reload_error[0] != '\0') {
		(void)buf_puts(&b, "reload-error ", NULL);
		put_text(&b, st->reload_error);
		(void)buf_puts(&b, "\n", NULL);
	}
	for (size_t i = 0; i < st->n; i++) {
		(void)buf_printf(&b, NULL, "url %s %d %s ",
		    rs_regstate_name(st->urls[i].state), st->urls[i].code,
		    st->urls[i].url);
		put_text(&b, st->urls[i].msg);
		(void)buf_puts(&b, "\n", NULL);
	}
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd == -1)
		rs_err_sys(e, RS_E_IO, "cannot write %s", tmp);
	else if (write(fd, b.data, b.len) != (ssize_t)b.len)
		rs_err_sys(e, RS_E_IO, "cannot write %s", tmp);
	else if (rename(tmp, path) == -1)
		rs_err_sys(e, RS_E_IO, "cannot rename %s", tmp);
	else
		rc = 0;
	if (fd != -1)
		close(fd);
	if (rc == -1)
		(void)unlink(tmp);
	buf_fini(&b);
	return rc;
}

static bool
parse_url(char *rest, struct rs_regstate_url *u)
{
	char	*state = rest, *code, *url, *msg;
	uint64_t v;

	if ((code = strchr(state, ' ')) == NULL)
		return false;
	*code++ = '\0';
	if ((url = strchr(code, ' ')) == NULL)
		return false;
	*url++ = '\0';
	msg = strchr(url, ' ');
	if (msg != NULL)
		*msg++ = '\0';
	if (str_parse_uint(code, 0, 65535, &v, "code", NULL) == -1 ||
	    str_copy(u->url, sizeof(u->url), url) == -1)
		return false;
	u->code = (int)v;
	for (size_t k = 0; k < nitems(names); k++)
		if (strcmp(state, names[k]) == 0) {
			u->state = (enum rs_regstate_kind)k;
			str_copy(u->msg, sizeof(u->msg), msg != NULL ? msg : "");
			return true;
		}
	return false;
}

static void
parse_line(char *line, struct rs_regstate *st)
{
	uint64_t v;

	if (str_has_prefix(line, "pid ") && str_parse_uint(line + 4, 1,
	    4194304, &v, "pid", NULL) == 0)
		st->pid = (int)v;
	else if (str_has_prefix(line, "seq ") && str_parse_uint(line + 4, 0,
	    UINT32_MAX, &v, "seq", NULL) == 0)
		st->seq = (unsigned long)v;
	else if (str_has_prefix(line, "reload-error "))
		str_copy(st->reload_error, sizeof(st->reload_error), line + 13);
	else if (str_has_prefix(line, "url ") && st->n < nitems(st->urls) &&
	    parse_url(line + 4, &st->urls[st->n]))
		st->n++;
}

int
rs_regstate_read(const char *path, struct rs_regstate *st, struct rs_err *e)
{
	struct stat	 sb;
	char		*text, *line, *nl;
	size_t		 len = 0;
	int		 fd;

	memset(st, 0, sizeof(*st));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1)
		return rs_err_sys(e, errno == ENOENT ? RS_E_NOTFOUND :
		    RS_E_BADINPUT, "cannot read %s", path);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) || sb.st_nlink != 1) {
		close(fd);
		return rs_err_set(e, RS_E_BADINPUT, "cannot read %s: not a "
		    "plain file", path);
	}
	text = fs_read_fd(fd, FILE_MAX, &len, path, e);
	close(fd);
	st->owner = (unsigned)sb.st_uid;
	if (text == NULL)
		return -1;
	if (len < strlen(MAGIC) || strncmp(text, MAGIC "\n",
	    strlen(MAGIC) + 1) != 0) {
		free(text);
		return rs_err_set(e, RS_E_BADINPUT, "cannot read %s: not a "
		    "registrations file", path);
	}
	for (line = text + strlen(MAGIC) + 1; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;	/* a line without its end: being written */
		*nl = '\0';
		parse_line(line, st);
	}
	free(text);
	return 0;
}

const struct rs_regstate_url *
rs_regstate_find(const struct rs_regstate *st, const char *url)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcasecmp(st->urls[i].url, url) == 0)
			return &st->urls[i];
	return NULL;
}
