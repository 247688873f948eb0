/*
 * trust_int.h: what the files of trust/ share: running a program (the
 * Debian tools) with its input and output in memory, optionally as
 * another user, and the line a message callback gets.
 */
#ifndef RS_TRUST_INT_H
#define RS_TRUST_INT_H

#include <sys/types.h>

#include "trust/trust.h"

/* One program run.  argv[0] is the program's full path. */
struct trust_run {
	const char *const	*argv;
	const char		*input;		/* its stdin, or NULL */
	size_t			 input_len;	/* small: under a pipe's size */
	bool			 as_user;	/* run as uid/gid (root only) */
	uid_t			 uid;
	gid_t			 gid;
	char			*output;	/* stdout and stderr; free */
	size_t			 output_len;
	int			 status;	/* exit status, -1 if killed */
};

/*
 * Runs r->argv with a minimal environment (PATH, LC_ALL=C), r->input on
 * stdin and stdout+stderr gathered in r->output (at most
 * TRUST_OUTPUT_MAX bytes kept).  Returns 0 once the program ran (whatever
 * its status), -1 when it could not be started (RS_E_IO).
 */
int	trust_run(struct trust_run *, struct rs_err *);
void	trust_run_fini(struct trust_run *);

/*
 * The full path of program name: searched in $PATH, then /usr/sbin,
 * /usr/bin, /sbin, /bin (a plain user's PATH lacks sbin).  Writes into
 * out; returns 0 or -1 (RS_E_NOTFOUND naming the Debian package).
 */
int	trust_find(const char *name, const char *package, char *out,
	    size_t outsz, struct rs_err *);

/* The last non-empty line of a program's output (for messages). */
void	trust_last_line(const struct trust_run *, char *out, size_t outsz);

/* Formats a line and gives it to say. */
void	trust_say(trust_say_fn *, void *arg, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* The NSS half (nss.c). */
int	trust_nss_add(const struct trust_opts *, const struct trust_anchor *,
	    size_t n, trust_say_fn *, void *arg, struct rs_err *);
int	trust_nss_remove(const struct trust_opts *, const char *const *thumbs,
	    size_t n, trust_say_fn *, void *arg, struct rs_err *);

#endif
