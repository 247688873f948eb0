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

#endif
