/*
 * cmd.h: the rsconfig pages of issue 5 (status, start, stop,
 * web-service-url, web-portal-url, certificates, urls, bindings, verify,
 * repair, renew, secure-connection-level, wmi, and the overview with no
 * arguments), each a thin front over rsmgmt.  main.c hands argv over for
 * everything but 'rsconfig database ...'.
 */
#ifndef RS_RSCONFIG_CMD_H
#define RS_RSCONFIG_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "rsmgmt/rsmgmt.h"

/* Runs a page (every command but 'database'); returns the exit status.
 * An unknown page or option is named with the nearest one. */
int	rsconfig_pages_main(int argc, char **argv);
/* Does this option of the pages take a value? */
bool	rsconfig_opt_valued(const char *arg);
/* Every command's usage, the pages first. */
void	rsconfig_usage(FILE *);
/* The name of names nearest to word (a typo of it), or NULL. */
const char *rsconfig_nearest(const char *word, const char *const *names,
	    size_t n);

/* Parsed options shared by the pages. */
struct popts {
	char		 root[4096];
	const char	*root_opt;
	bool		 json, dry_run, apply, no_https, follow, all, all_names;
	bool		 http, https, pw_stdin;
	const char	*vdir, *ip, *port, *https_cert, *https_port;
	const char	*cert, *host, *user, *pw_file, *cafile, *connect_to;
	const char	*client_cert;	/* refused: not supported */
	const char	*words[16];
	int		 nwords;
	const char	*bad_opt;	/* an unknown option, reported */
};

typedef int pcmd_fn(struct popts *);

/* cmd_main.c: output shared by the pages. */
void	pout_results(const struct popts *, const struct rsmgmt_results *,
	    const struct rsmgmt_result *);
int	pout_fail(const struct popts *, const struct rsmgmt_result *);
void	pout_time(time_t, char *out, size_t sz);
/* Opens the management handle or prints why not (NULL). */
struct rsmgmt *pages_open(const struct popts *, int *status);

/* The pages. */
int	cmd_overview(struct popts *);
int	cmd_status(struct popts *);
int	cmd_start(struct popts *);
int	cmd_stop(struct popts *);
int	cmd_web_service_url(struct popts *);
int	cmd_web_portal_url(struct popts *);
int	cmd_certificates(struct popts *);
int	cmd_urls(struct popts *);
int	cmd_bindings(struct popts *);
int	cmd_verify(struct popts *);
int	cmd_repair(struct popts *);
int	cmd_renew(struct popts *);
int	cmd_secure_level(struct popts *);
int	cmd_service_account(struct popts *);
int	cmd_wmi(struct popts *);
int	cmd_email(struct popts *);	/* cmd_email.c */

#endif
