/*
 * log.h: plain log lines on stderr with a syslog priority prefix ("<3>",
 * "<4>", "<6>", "<7>"), which journald turns into priorities; a terminal
 * gets "error: ", "warning: " instead.  Debug lines appear only after
 * log_set_verbose(true).  Never log keys, passwords or cookies.
 */
#ifndef RS_COMMON_LOG_H
#define RS_COMMON_LOG_H

#include <stdbool.h>

/* Names the program in each line ("httpsvc"); keeps the pointer. */
void	log_init(const char *progname);
void	log_set_verbose(bool);

void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
