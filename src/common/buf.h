/*
 * buf.h: a growable byte buffer with a maximum size.  Every buffer filled
 * from the network or a file gets a maximum (STYLE.md B6): an append past
 * it fails with RS_E_LIMIT and leaves the buffer as it was.  The data is
 * always NUL-terminated (the NUL is not counted in len).
 */
#ifndef RS_COMMON_BUF_H
#define RS_COMMON_BUF_H

#include <stddef.h>

#include "common/err.h"

struct buf {
	char	*data;	/* owned; NULL until the first append */
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* 0: no limit (only for data we produce ourselves) */
};

void	buf_init(struct buf *, size_t max);
void	buf_fini(struct buf *);	/* frees data; the buffer can be reused */
void	buf_reset(struct buf *);	/* len = 0, keeps the memory */
int	buf_append(struct buf *, const void *, size_t, struct rs_err *);
int	buf_puts(struct buf *, const char *, struct rs_err *);
int	buf_printf(struct buf *, struct rs_err *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Appends s as a JSON string literal, with quotes. */
int	buf_json_str(struct buf *, const char *s, struct rs_err *);
/* Appends s with &, <, >, " and ' escaped for HTML text and attributes. */
int	buf_html(struct buf *, const char *s, struct rs_err *);
/* Moves the data out; the caller frees it.  The buffer is left empty. */
char	*buf_take(struct buf *, size_t *lenp);

#endif
