/*
 * spool.c: a bounded spool for output that cannot be sent before the
 * end of processing (HTML: the toolbar and the page header and footer
 * need the page count).  The first SPOOL_MEM_MAX bytes stay in memory;
 * past that the spool moves to an unlinked temporary file (mode 0600, in
 * $TMPDIR or /tmp), so memory stays bounded whatever the output's size.
 * The whole spool may not exceed SPOOL_MAX bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/render_int.h"

void
spool_init(struct spool *s)
{
	memset(s, 0, sizeof(*s));
	buf_init(&s->mem, 0);
	s->fd = -1;
}

void
spool_fini(struct spool *s)
{
	buf_fini(&s->mem);
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	s->len = 0;
}

/* An unlinked file nobody else can open: O_TMPFILE, else mkstemp. */
static int
open_tmp(struct rs_err *e)
{
	const char	*dir = getenv("TMPDIR");
	char		 path[4096];
	int		 fd;

	if (dir == NULL || dir[0] != '/' || strlen(dir) > 4000)
		dir = "/tmp";
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd != -1)
		return fd;
#endif
	snprintf(path, sizeof(path), "%s/rsspool.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd == -1)
		return rs_err_sys(e, RS_E_IO, "cannot create a spool file in %s",
		    dir);
	unlink(path);
	return fd;
}

static int
write_all(int fd, const char *p, size_t len, struct rs_err *e)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return rs_err_sys(e, RS_E_IO, "cannot write the spool "
			    "file");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
spool_write(struct spool *s, const void *p, size_t len, struct rs_err *e)
{
	if (len > SPOOL_MAX - s->len)
		return rs_err_set(e, RS_E_LIMIT, "the rendered output is larger "
		    "than %llu MB; ask for one page (rc:Section=N) or another "
		    "format", (unsigned long long)(SPOOL_MAX >> 20));
	if (s->fd == -1 && s->mem.len + len <= SPOOL_MEM_MAX) {
		buf_append(&s->mem, p, len, NULL);
		s->len += len;
		return 0;
	}
	if (s->fd == -1) {
		s->fd = open_tmp(e);
		if (s->fd == -1 ||
		    write_all(s->fd, s->mem.data, s->mem.len, e) == -1)
			return -1;
		buf_fini(&s->mem);
	}
	if (write_all(s->fd, p, len, e) == -1)
		return -1;
	s->len += len;
	return 0;
}

int
spool_read(struct spool *s, uint64_t off, void *p, size_t len,
    struct rs_err *e)
{
	char		*q = p;

	if (off > s->len || len > s->len - off)
		return rs_err_set(e, RS_E_INTERNAL, "spool read past its end");
	if (s->fd == -1) {
		memcpy(p, s->mem.data + off, len);
		return 0;
	}
	while (len > 0) {
		ssize_t n = pread(s->fd, q, len, (off_t)off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return rs_err_sys(e, RS_E_IO, "cannot read the spool "
			    "file");
		q += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}
