/*
 * fsutil.h: durable file operations.  Every store write in the project goes
 * through fs_write_atomic(): write a temporary file beside the target,
 * fsync it, rename it over the target and fsync the folder, so a crash or
 * kill -9 at any instant leaves either the old or the new file, never a
 * torn one.  fs_lock() serialises writers across processes (flock).
 */
#ifndef RS_COMMON_FSUTIL_H
#define RS_COMMON_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"

/*
 * Atomically replaces path with len bytes of data, created with mode
 * (umask ignored: the mode is set exactly).  Returns 0 or -1 (RS_E_IO).
 */
int	fs_write_atomic(const char *path, const void *data, size_t len,
	    mode_t mode, struct rs_err *);

/*
 * Reads a whole regular file of at most max bytes into a new buffer
 * (NUL-terminated; *lenp gets the length).  The caller frees the result.
 * RS_E_NOTFOUND when missing, RS_E_LIMIT when larger than max, RS_E_IO
 * otherwise.
 */
char	*fs_read_file(const char *path, size_t max, size_t *lenp,
	    struct rs_err *);

/* Like fs_read_file for an open descriptor (stdin); "what" names it. */
char	*fs_read_fd(int fd, size_t max, size_t *lenp, const char *what,
	    struct rs_err *);

/*
 * Creates path and its missing parents with mode; an existing folder is
 * left as it is.  Returns 0 or -1.
 */
int	fs_mkdir_p(const char *path, mode_t mode, struct rs_err *);

/* fsyncs a folder so a rename or unlink inside it is durable. */
int	fs_sync_dir(const char *dir, struct rs_err *);

/*
 * Removes path and fsyncs its folder.  A missing file is not an error.
 */
int	fs_unlink_durable(const char *path, struct rs_err *);

/*
 * Takes an exclusive (or shared) advisory lock on path, creating it 0600.
 * Returns the descriptor to pass to fs_unlock(), or -1.  Blocks until the
 * lock is free.
 */
int	fs_lock(const char *path, bool exclusive, struct rs_err *);
void	fs_unlock(int fd);

bool	fs_exists(const char *path);

/*
 * Makes path (a file or folder; a symbolic link is refused, never
 * followed) owned by uid:gid with mode.  What already matches is left;
 * each change counts in *changed.  Returns 0 or -1 (RS_E_IO, RS_E_PERM).
 */
int	fs_set_owner(const char *path, uid_t uid, gid_t gid, mode_t mode,
	    size_t *changed, struct rs_err *);

/* Wipes and frees a buffer that held a secret (a key, a password). */
void	fs_free_secret(void *p, size_t len);

#endif
