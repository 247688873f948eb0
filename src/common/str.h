/*
 * str.h: safe string helpers: bounded copies that report truncation,
 * number parsing with bounds, hex and base64, trimming and case-insensitive
 * comparison.  Pure functions over memory.
 */
#ifndef RS_COMMON_STR_H
#define RS_COMMON_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Copies src into dst (of size dstsz, always NUL-terminated when dstsz > 0).
 * Returns 0, or -1 when src did not fit (dst then holds a truncated copy).
 */
int	str_copy(char *dst, size_t dstsz, const char *src);
/* Appends src to the string in dst; same contract as str_copy. */
int	str_append(char *dst, size_t dstsz, const char *src);

/*
 * Parses a whole decimal unsigned number in [min, max].  "what" names the
 * value in the error message ("--days").  Returns 0 or -1 (RS_E_USAGE).
 */
int	str_parse_uint(const char *s, uint64_t min, uint64_t max,
	    uint64_t *out, const char *what, struct rs_err *);

/* Lower-case hex of len bytes into out (2*len+1 bytes); upper if upper. */
void	str_hex_encode(const uint8_t *, size_t len, char *out, bool upper);
/*
 * Decodes hex (any case) into out (outsz bytes).  Returns the number of
 * bytes written, or -1 on an odd length, a bad digit or overflow.
 */
long	str_hex_decode(const char *, uint8_t *out, size_t outsz);

/* base64 (RFC 4648, padded).  out needs str_base64_len(len) bytes. */
size_t	str_base64_len(size_t len);
void	str_base64_encode(const uint8_t *, size_t len, char *out);
/*
 * Decodes base64, ignoring ASCII whitespace.  Returns bytes written or -1
 * on bad input or when outsz is too small (need len*3/4 bytes).
 */
long	str_base64_decode(const char *, size_t len, uint8_t *out,
	    size_t outsz);

/*
 * Decodes len bytes of URL-encoded text (%XX escapes; '+' as a space when
 * plus) into out, which needs len + 1 bytes; NUL-terminated.  Returns 0, or
 * -1 on a short or bad escape or an encoded or raw NUL.
 */
int	str_url_decode(const char *s, size_t len, bool plus, char *out);

/* Trims ASCII whitespace at both ends, in place; returns s. */
char	*str_trim(char *s);
bool	str_ieq(const char *, const char *);
bool	str_has_prefix(const char *s, const char *prefix);
bool	str_has_suffix(const char *s, const char *suffix);
/* Case-insensitive prefix test. */
bool	str_has_iprefix(const char *s, const char *prefix);

#endif
