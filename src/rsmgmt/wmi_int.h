/*
 * wmi_int.h: the transaction-level helpers of wmi.c that the pages
 * (page.c), repair and renewal (repair.c) compose.  Not a public header.
 */
#ifndef RS_RSMGMT_WMI_INT_H
#define RS_RSMGMT_WMI_INT_H

#include "rsmgmt/mgmt_int.h"

bool	wmi_vdir_ok(const char *);
/* The binding endpoint for an IP address or host name and a port. */
int	wmi_endpoint(const char *ip, unsigned port,
	    char ep[BINDING_ENDPOINT_MAX], enum binding_kind *,
	    struct rs_err *);
/* ReserveURL inside a transaction; canon gets the canonical UrlString. */
int	do_reserve(struct txn *, const char *app, const char *url,
	    char *canon, size_t canonsz);
/* RemoveURL inside a transaction (bindings are released by do_gc). */
int	do_remove(struct txn *, const char *app, const char *url);
/* Binds hash to every endpoint an https UrlString needs. */
int	do_bind_url(struct txn *, const char *url, const char *hash,
	    const char *follow);
/* Releases the report server's bindings that no URL needs any more. */
int	do_gc_bindings(struct txn *);
/* Writes the representation and tells the services. */
int	do_commit(struct txn *);


/*
 * The report server's service account at start (account.c).  acct_new
 * resolves it (NULL with r set when the recorded account does not exist);
 * when rsconfig runs as root and the account is not root, acct_prepare
 * makes the files under the root its own or readable for it (recording
 * what it changed; acct_undo puts it back, noting in r what it
 * could not), and the child calls
 * acct_become then acct_check (the message says what to fix) before exec.
 */
struct acct;
struct acct	*acct_new(struct rsmgmt *, struct rsmgmt_result *);
void		 acct_free(struct acct *);
bool		 acct_as_root(const struct acct *);
const char	*acct_name(const struct acct *);	/* NULL: no switch */
/* PAM sign-in as the account needs the root broker (pam_broker.h). */
bool		 acct_needs_broker(const struct acct *);
int		 acct_prepare(struct acct *, struct rsmgmt_result *);
void		 acct_undo(struct acct *, struct rsmgmt_result *);
int		 acct_become(const struct acct *);
int		 acct_check(const struct acct *, char *msg, size_t);
#endif
