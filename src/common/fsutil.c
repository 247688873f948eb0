/*
 * fsutil.c: see fsutil.h.
 */
#include "common/fsutil.h"
#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static void
dir_of(const char *path, char *dir, size_t dirsz)
{
	const char	*slash = strrchr(path, '/');
	size_t		 n;

	if (slash == NULL) {
		snprintf(dir, dirsz, ".");
		return;
	}
	n = (size_t)(slash - path);
	if (n == 0)
		n = 1;
	if (n >= dirsz)
		n = dirsz - 1;
	memcpy(dir, path, n);
	dir[n] = '\0';
}

int
fs_sync_dir(const char *dir, struct rs_err *e)
{
	int	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1)
		return rs_err_sys(e, RS_E_IO, "cannot open folder %s", dir);
	if (fsync(fd) == -1) {
		rs_err_sys(e, RS_E_IO, "cannot sync folder %s", dir);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
    struct rs_err *e)
{
	char	tmp[PATH_MAX], dir[PATH_MAX];
	int	fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >=
	    (int)sizeof(tmp))
		return rs_err_set(e, RS_E_IO, "path too long: %s", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd == -1)
		return rs_err_sys(e, RS_E_IO, "cannot create a file beside %s",
		    path);
	if (fchmod(fd, mode) == -1 || write_all(fd, data, len) == -1 ||
	    fsync(fd) == -1) {
		rs_err_sys(e, RS_E_IO, "cannot write %s", path);
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		rs_err_sys(e, RS_E_IO, "cannot replace %s", path);
		unlink(tmp);
		return -1;
	}
	dir_of(path, dir, sizeof(dir));
	return fs_sync_dir(dir, e);
}

char *
fs_read_fd(int fd, size_t max, size_t *lenp, const char *what,
    struct rs_err *e)
{
	struct buf	b;
	char		chunk[8192];
	ssize_t		n;

	buf_init(&b, max);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			rs_err_sys(e, RS_E_IO, "cannot read %s", what);
			goto fail;
		}
		if (buf_append(&b, chunk, (size_t)n, e) == -1) {
			rs_err_set(e, RS_E_LIMIT,
			    "%s is larger than the limit of %zu bytes", what,
			    max);
			goto fail;
		}
	}
	explicit_bzero(chunk, sizeof(chunk));
	return buf_take(&b, lenp);
fail:
	explicit_bzero(chunk, sizeof(chunk));
	if (b.data != NULL)
		explicit_bzero(b.data, b.cap);
	buf_fini(&b);
	return NULL;
}

char *
fs_read_file(const char *path, size_t max, size_t *lenp, struct rs_err *e)
{
	struct stat	 st;
	char		*p;
	int		 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return rs_err_sys(e, errno == ENOENT ? RS_E_NOTFOUND :
		    errno == EACCES ? RS_E_PERM : RS_E_IO, "cannot open %s",
		    path), NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		rs_err_set(e, RS_E_BADINPUT, "%s is not a regular file", path);
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > max) {
		rs_err_set(e, RS_E_LIMIT,
		    "%s is larger than the limit of %zu bytes", path, max);
		close(fd);
		return NULL;
	}
	p = fs_read_fd(fd, max, lenp, path, e);
	close(fd);
	return p;
}

int
fs_mkdir_p(const char *path, mode_t mode, struct rs_err *e)
{
	char	tmp[PATH_MAX];
	char	*p;

	if (str_copy(tmp, sizeof(tmp), path) == -1)
		return rs_err_set(e, RS_E_IO, "path too long: %s", path);
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) == -1 && errno != EEXIST)
			return rs_err_sys(e, RS_E_IO, "cannot create folder %s",
			    tmp);
		*p = '/';
	}
	if (mkdir(tmp, mode) == -1 && errno != EEXIST)
		return rs_err_sys(e, RS_E_IO, "cannot create folder %s", tmp);
	return 0;
}

int
fs_unlink_durable(const char *path, struct rs_err *e)
{
	char	dir[PATH_MAX];

	if (unlink(path) == -1) {
		if (errno == ENOENT)
			return 0;
		return rs_err_sys(e, RS_E_IO, "cannot remove %s", path);
	}
	dir_of(path, dir, sizeof(dir));
	return fs_sync_dir(dir, e);
}

int
fs_lock(const char *path, bool exclusive, struct rs_err *e)
{
	int	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd == -1)
		return rs_err_sys(e, RS_E_IO, "cannot open lock %s", path);
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) == -1) {
		if (errno == EINTR)
			continue;
		rs_err_sys(e, RS_E_IO, "cannot lock %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

void
fs_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing releases the flock */
}

bool
fs_exists(const char *path)
{
	/*
	 * AT_EACCESS checks with the effective ids, so a daemon that dropped
	 * root but kept a capability to read the stores sees what it can open.
	 */
	return faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == 0;
}

void
fs_free_secret(void *p, size_t len)
{
	if (p == NULL)
		return;
	explicit_bzero(p, len);
	free(p);
}

int
fs_set_owner(const char *path, uid_t uid, gid_t gid, mode_t mode,
    size_t *changed, struct rs_err *e)
{
	struct stat	st;

	if (lstat(path, &st) == -1)
		return rs_err_sys(e, RS_E_IO, "cannot read %s", path);
	if (S_ISLNK(st.st_mode))
		return rs_err_set(e, RS_E_PERM, "%s is a symbolic link; it must "
		    "be a plain file or folder", path);
	if (st.st_uid == uid && st.st_gid == gid &&
	    (st.st_mode & 07777) == mode)
		return 0;
	if (chown(path, uid, gid) == -1 || chmod(path, mode) == -1)
		return rs_err_sys(e, RS_E_IO, "cannot set the owner and mode "
		    "of %s", path);
	(*changed)++;
	return 0;
}
