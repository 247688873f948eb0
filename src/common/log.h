/*
 * log.h: plain log lines on stderr with a syslog priority prefix ("<3>",
 * "<4>", "<6>", "<7>"), which journald turns into priorities; a terminal
 * gets "error: ", "warning: " instead.  Debug lines appear only after
 * log_set_verbose(true).  Never log keys, passwords or cookies.
 *
 * Every message is escaped once formatted (log_escape), so a caller may
 * pass any value, also one a client sent: it cannot break the line.
 */
#ifndef RS_COMMON_LOG_H
#define RS_COMMON_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* Names the program in each line ("httpsvc"); keeps the pointer. */
void	log_init(const char *progname);
void	log_set_verbose(bool);

void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

/*
 * Copies len bytes of in to out (outsz bytes, always NUL-terminated) for a
 * log line: valid UTF-8 stays as it is, except for control characters
 * (C0, DEL, C1), the line and paragraph separators U+2028/U+2029 and the
 * bidirectional marks, embeddings and isolates, which are written byte by
 * byte as \xHH, like every byte that is not valid UTF-8; a backslash is
 * written \\ so an escape cannot be faked.  Stops before a character or
 * escape that does not fit.  Returns the length written.
 */
size_t	log_escape(char *out, size_t outsz, const char *in, size_t len);

#endif
