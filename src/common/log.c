/*
 * log.c: one line per call, written with a single write(2) so lines from
 * several threads or processes sharing stderr never interleave.  The
 * message is escaped after it is formatted (log_escape), so no value a
 * caller passes, however it came from a client, can end the line, start a
 * forged one with its own "<N>" priority, move a terminal's cursor or hide
 * itself behind a bidirectional override: every call stays one line that
 * says exactly what came in.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LOG_MSG_MAX	2048	/* formatted message, before escaping */

static const char	*prog = "rs";
static bool		 verbose;
static int		 journal = -1;	/* -1: not decided yet */

void
log_init(const char *progname)
{
	prog = progname;
}

void
log_set_verbose(bool v)
{
	verbose = v;
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), 0 when the
 * bytes there are not one (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF).  *cp receives the code point.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t		len;
	uint32_t	c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	c = s[0] & (0x7f >> len);
	min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Code points shown escaped although they are valid UTF-8. */
static bool
hidden(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	    c == 0x2028 || c == 0x2029 ||		/* line separators */
	    (c >= 0x202a && c <= 0x202e) ||		/* bidi embeddings */
	    (c >= 0x2066 && c <= 0x2069) ||		/* bidi isolates */
	    c == 0x200e || c == 0x200f;			/* LRM, RLM */
}

size_t
log_escape(char *out, size_t outsz, const char *in, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*s = (const unsigned char *)in;
	size_t			 o = 0, i = 0;

	if (outsz == 0)
		return 0;
	while (i < len) {
		uint32_t	cp = 0;
		size_t		n = utf8_seq(s + i, len - i, &cp), need;

		if (n == 0)
			n = 1;	/* one bad byte; resynchronise after it */
		if (s[i] == '\\')
			need = 2;
		else if (n == 1 && s[i] >= 0x80)
			need = 4;
		else
			need = hidden(cp) ? 4 * n : n;
		if (o + need >= outsz)
			break;	/* never half an escape or half a character */
		if (s[i] == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (need == n) {
			memcpy(out + o, s + i, n);
			o += n;
		} else
			for (size_t k = 0; k < n; k++) {
				out[o++] = '\\';
				out[o++] = 'x';
				out[o++] = hex[s[i + k] >> 4];
				out[o++] = hex[s[i + k] & 0x0f];
			}
		i += n;
	}
	out[o] = '\0';
	return o;
}

static void
vlog(int prio, const char *word, const char *fmt, va_list ap)
{
	char	msg[LOG_MSG_MAX], line[64 + 4 * LOG_MSG_MAX];
	int	n, m;

	if (journal == -1)
		journal = !isatty(STDERR_FILENO);
	if (journal)
		n = snprintf(line, sizeof(line), "<%d>%s: ", prio, prog);
	else
		n = snprintf(line, sizeof(line), "%s: %s", prog, word);
	if (n < 0 || (size_t)n >= sizeof(line) / 2)
		return;
	m = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (m < 0)
		return;
	if ((size_t)m >= sizeof(msg))
		m = (int)sizeof(msg) - 1;
	n += (int)log_escape(line + n, sizeof(line) - (size_t)n - 1, msg,
	    (size_t)m);
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

#define LOGFN(fn, prio, word, cond)					\
void									\
fn(const char *fmt, ...)						\
{									\
	va_list	ap;							\
	if (!(cond))							\
		return;							\
	va_start(ap, fmt);						\
	vlog(prio, word, fmt, ap);					\
	va_end(ap);							\
}

/* A macro because the four functions differ only in these constants. */
LOGFN(log_error, 3, "error: ", 1)
LOGFN(log_warn, 4, "warning: ", 1)
LOGFN(log_info, 6, "", 1)
LOGFN(log_debug, 7, "debug: ", verbose)
