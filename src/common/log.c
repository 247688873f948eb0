/*
 * log.c: one line per call, written with a single write(2) so lines from
 * several threads or processes sharing stderr never interleave.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

static void
vlog(int prio, const char *word, const char *fmt, va_list ap)
{
	char	line[2048];
	int	n, m;

	if (journal == -1)
		journal = !isatty(STDERR_FILENO);
	if (journal)
		n = snprintf(line, sizeof(line), "<%d>%s: ", prio, prog);
	else
		n = snprintf(line, sizeof(line), "%s: %s", prog, word);
	if (n < 0)
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
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
