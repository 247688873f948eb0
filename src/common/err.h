/*
 * err.h: the one error type of the project.  An error is a code from the
 * table below plus one finished sentence for a human.  The caller owns the
 * struct (usually on its stack), so reporting an error never allocates.
 *
 * Rules (see STYLE.md B5): the code is set once where the failure is found;
 * layers above may add context with rs_err_prefix() but never change the
 * code; the error is logged once, at the top.  Messages are lowercase, have
 * no trailing period and never contain keys or passwords.
 */
#ifndef RS_COMMON_ERR_H
#define RS_COMMON_ERR_H

#include <stddef.h>

/* Each row: name, sysexits status, HTTP status, default text. */
#define RS_ERR_TABLE(X)                                              \
	X(OK,       0,  200, "success")                                 \
	X(USAGE,    64, 400, "invalid arguments")                       \
	X(BADINPUT, 65, 400, "malformed input")                         \
	X(NOTFOUND, 66, 404, "not found")                               \
	X(EXISTS,   73, 409, "already exists")                          \
	X(PERM,     77, 403, "permission denied")                       \
	X(CONFIG,   78, 500, "invalid configuration")                   \
	X(LIMIT,    65, 413, "limit exceeded")                          \
	X(TLS,      69, 502, "TLS failure")                             \
	X(DB,       75, 503, "catalog database unavailable")            \
	X(IO,       74, 500, "I/O error")                               \
	X(AMBIGUOUS, 65, 409, "ambiguous name")                         \
	X(BUSY,     75, 503, "resource busy")                           \
	X(INTERNAL, 70, 500, "internal error")

enum rs_errcode {
#define X(name, ex, http, text) RS_E_##name,
	RS_ERR_TABLE(X)
#undef X
	RS_E__COUNT
};

struct rs_err {
	enum rs_errcode	 code;
	int		 sys_errno;	/* errno when the error was set, or 0 */
	char		 msg[512];	/* one finished sentence for a human */
};

/* Clears *e to RS_E_OK with an empty message. */
void	rs_err_clear(struct rs_err *);

/*
 * Each setter fills *e (which may be NULL: then nothing is recorded) and
 * returns -1, so a caller can write "return rs_err_set(...)".
 * rs_err_sys appends ": strerror(errno)"; the OpenSSL variant lives in
 * certstore (only it and tls/ include OpenSSL headers).
 */
int	rs_err_set(struct rs_err *, enum rs_errcode, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	rs_err_sys(struct rs_err *, enum rs_errcode, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* Prepends "context: " to the message, keeping the code. */
void	rs_err_prefix(struct rs_err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* The sysexits status, HTTP status and default text of a code. */
int		 rs_err_exit_status(enum rs_errcode);
int		 rs_err_http_status(enum rs_errcode);
const char	*rs_err_name(enum rs_errcode);
const char	*rs_err_text(enum rs_errcode);

#endif
