/*
 * certcmd_int.h: what the files of certcmd/ (the certstore tool) share:
 * the options a command line sets, the command table's row, and the
 * functions of each command.  Each command function takes the open store,
 * the options, its positional arguments and the error to fill.
 */
#ifndef RS_CERTCMD_INT_H
#define RS_CERTCMD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "certcmd/certcmd.h"
#include "certstore/certstore.h"
#include "common/buf.h"
#include "common/err.h"

#define DNS_ARGS_MAX	CERTSTORE_DNS_MAX

/* Everything the options of one command can set. */
struct opts {
	const char	*root;
	const char	*store;
	const char	*dns[DNS_ARGS_MAX];
	size_t		 n_dns;
	const char	*friendly;
	const char	*key;
	const char	*days;
	const char	*out;
	const char	*pfx, *cert, *der;
	const char	*password_file;
	bool		 password_stdin;
	bool		 legacy, json, force, install_chain;
	const char	*service_user;
	char		*password;	/* read, wiped after use */
	size_t		 password_len;
	const char	*ca, *name, *max_iter;
	const char	*system_dir, *nssdb;
	bool		 remove, dry_run, system_only, nss_only;
	const char	*root_arg;	/* --root as given, or NULL */
	int		 argc;		/* the command line, for hints */
	char	       **argv;
};

struct cmd {
	const char	*name;
	int		(*fn)(struct certstore *, struct opts *, int, char **,
			    struct rs_err *);
	const char	*args;		/* usage after the name */
	const char	*optstring;	/* the long options it takes */
	int		 npos;		/* positional arguments; -1: 0 or 1 */
	const char	*help;
};


/* The commands (cmds.c, show.c, ca.c). */
int	cc_new_self_signed(struct certstore *, struct opts *, int, char **,
	    struct rs_err *);
int	cc_request(struct certstore *, struct opts *, int, char **,
	    struct rs_err *);
int	cc_import(struct certstore *, struct opts *, int, char **,
	    struct rs_err *);
int	cc_export(struct certstore *, struct opts *, int, char **,
	    struct rs_err *);
int	cc_remove(struct certstore *, struct opts *, int, char **,
	    struct rs_err *);
int	cc_list(struct certstore *, struct opts *, int, char **,
	    struct rs_err *);
int	cc_show(struct certstore *, struct opts *, int, char **,
	    struct rs_err *);
int	cc_verify(struct certstore *, struct opts *, int, char **,
	    struct rs_err *);
int	cc_new_ca(struct certstore *, struct opts *, int, char **,
	    struct rs_err *);
int	cc_issue(struct certstore *, struct opts *, int, char **,
	    struct rs_err *);
int	cc_trust(struct certstore *, struct opts *, int, char **,
	    struct rs_err *);

/* "2026-12-07 14:42:51 UTC", or "unknown". */
void	cc_fmt_time(time_t, char *out, size_t sz);
/* The texts of the set bits, joined by sep. */
void	cc_bits_text(struct buf *, unsigned bits, const char *(*)(unsigned),
	    const char *sep);
/* "--root DIR " when the command line gave one, else "" (cli.c). */
void	cc_root_opt(struct buf *, const struct opts *);
/* The options of a new key and certificate (cmds.c). */
int	cc_fill_new(struct opts *, struct certstore_new *, struct rs_err *);
/* Wipes and frees the password read for the command. */
void	cc_wipe_pw(struct opts *);

#endif
