/*
 * fileshare.c: the file share delivery.  The target folder must resolve
 * (realpath: no "..", symbolic links followed) to one of the folders an
 * administrator allowed in rsreportserver.config, and the file name may
 * not name a folder, so a subscription cannot write where the service
 * account merely could.  The bytes go to a temporary file in the target
 * folder, are synced, and then take the final name in one step: rename
 * for Overwrite, link (which fails on an existing name) for None and
 * AutoIncrement.  The folder is synced after, so the name survives a
 * crash.
 */
#include "deliver/deliver.h"
#include "common/str.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INCREMENT_MAX	1000

int
deliver_overwrite_parse(const char *s)
{
	if (s == NULL || str_ieq(s, "Overwrite"))
		return DELIVER_OVERWRITE;
	if (str_ieq(s, "AutoIncrement"))
		return DELIVER_AUTOINCREMENT;
	if (str_ieq(s, "None"))
		return DELIVER_NO_OVERWRITE;
	return -1;
}

static void	fail(struct deliver_result *, bool, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
fail(struct deliver_result *r, bool temporary, const char *fmt, ...)
{
	va_list	ap;

	r->ok = false;
	r->temporary = temporary;
	va_start(ap, fmt);
	vsnprintf(r->status, sizeof(r->status), fmt, ap);
	va_end(ap);
}

/* Whether real path p is root or under it. */
static bool
under(const char *p, const char *root)
{
	char	rr[PATH_MAX];
	size_t	n;

	if (realpath(root, rr) == NULL)
		return false;
	n = strlen(rr);
	if (n == 1)
		return true;	/* "/" allows everything: the admin said so */
	return strncmp(p, rr, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

static bool
name_ok(const char *n)
{
	return n != NULL && n[0] != '\0' && strchr(n, '/') == NULL &&
	    strcmp(n, ".") != 0 && strcmp(n, "..") != 0 && strlen(n) < 200;
}

/* Writes data to a new temporary file in dir; its name into tmp. */
static int
write_tmp(const char *dir, const struct deliver_file *f, char *tmp,
    size_t tmpsz, struct deliver_result *r)
{
	size_t	off = 0;
	int	fd;

	snprintf(tmp, tmpsz, "%s/.rs-delivery.XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd == -1) {
		fail(r, errno == ENOSPC || errno == EDQUOT, "Failure writing "
		    "file: cannot create a file in %s: %s", dir, strerror(errno));
		return -1;
	}
	(void)fchmod(fd, 0640);
	while (off < f->len) {
		ssize_t	n = write(fd, (const char *)f->data + off, f->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off < f->len || fsync(fd) == -1) {
		int	err = errno;

		close(fd);
		unlink(tmp);
		fail(r, err == ENOSPC || err == EDQUOT, "Failure writing file: "
		    "%s: %s", dir, err == ENOSPC ? "there is not enough space "
		    "on the disk" : strerror(err));
		return -1;
	}
	close(fd);
	return 0;
}

/* Gives tmp its final name by the mode; the name into out. */
static int
place(const char *dir, const struct deliver_file *f, const char *tmp,
    char *out, size_t outsz, struct deliver_result *r)
{
	const char	*ext = f->ext != NULL ? f->ext : "";

	snprintf(out, outsz, "%s/%s%s", dir, f->name, ext);
	if (f->mode == DELIVER_OVERWRITE) {
		if (rename(tmp, out) == 0)
			return 0;
		fail(r, false, "Failure writing file %s: %s", out,
		    strerror(errno));
		return -1;
	}
	for (int i = 0; i <= INCREMENT_MAX; i++) {
		if (i > 0)
			snprintf(out, outsz, "%s/%s_%d%s", dir, f->name, i, ext);
		if (link(tmp, out) == 0) {
			unlink(tmp);
			return 0;
		}
		if (errno != EEXIST)
			break;
		if (f->mode == DELIVER_NO_OVERWRITE) {
			fail(r, false, "Failure writing file %s: the file "
			    "already exists and the subscription does not "
			    "overwrite (WriteMode None)", out);
			unlink(tmp);
			return -1;
		}
	}
	fail(r, false, "Failure writing file %s: %s", out, strerror(errno));
	unlink(tmp);
	return -1;
}

static int
sync_dir(const char *dir)
{
	int	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int	rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
deliver_file_write(const char *const *allowed, size_t nallowed,
    const struct deliver_file *f, char *written, size_t writtensz,
    struct deliver_result *r)
{
	char	real[PATH_MAX], tmp[PATH_MAX + 32];
	size_t	i;

	memset(r, 0, sizeof(*r));
	written[0] = '\0';
	if (f->folder == NULL || f->folder[0] != '/') {
		fail(r, false, "Failure writing file: the path '%.200s' is not "
		    "an absolute folder path", f->folder ? f->folder : "");
		return 0;
	}
	if (!name_ok(f->name)) {
		fail(r, false, "Failure writing file: '%.200s' is not a file "
		    "name", f->name ? f->name : "");
		return 0;
	}
	if (realpath(f->folder, real) == NULL) {
		fail(r, errno != ENOENT && errno != ENOTDIR && errno != EACCES,
		    "Failure writing file: the folder %.300s cannot be reached: "
		    "%s", f->folder, strerror(errno));
		return 0;
	}
	for (i = 0; i < nallowed && !under(real, allowed[i]); i++)
		;
	if (i == nallowed) {
		fail(r, false, "Failure writing file: %.300s is not under a "
		    "folder allowed for file share delivery; an administrator "
		    "adds it to FileShareConfiguration/AllowedPaths in "
		    "rsreportserver.config", f->folder);
		return 0;
	}
	if (write_tmp(real, f, tmp, sizeof(tmp), r) == -1 ||
	    place(real, f, tmp, written, writtensz, r) == -1)
		return 0;
	(void)sync_dir(real);
	r->ok = true;
	snprintf(r->status, sizeof(r->status), "The file \"%.200s\" has been "
	    "written to \"%.250s\".", strrchr(written, '/') + 1, real);
	return 0;
}
