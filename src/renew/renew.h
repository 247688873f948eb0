/*
 * renew.h: renewal by name.  A binding whose follow_names is set (DNS
 * names, space separated) follows its certificate's names rather than its
 * thumbprint: when a newer certificate that serves every one of those
 * names and can serve TLS is in My, the binding moves to it.  The old
 * certificate is left in the store (it is removed by hand, or when it
 * expires and someone cleans up).  On Windows every renewal breaks the
 * binding until someone rebinds it; here the binding moves by itself.
 *
 * renew_pick is a pure function over memory (tested without stores);
 * renew_apply does the moves in the binding store, for the config tool
 * and for httpsvc's certificate-store poll.  Each move is one
 * binding_ssl_update (no moment without a binding).
 */
#ifndef RS_RENEW_RENEW_H
#define RS_RENEW_RENEW_H

#include <stdbool.h>
#include <stddef.h>

#include "binding/binding.h"
#include "certstore/certstore.h"
#include "common/err.h"

/*
 * The certificate binding b should move to: the usable (problems 0,
 * server_auth) certificate of certs that covers every name of
 * b->follow_names (exact DNS names, any case) with the latest notAfter,
 * when that notAfter is later than the bound certificate's (or the bound
 * certificate is not among certs).  NULL when b should stay.
 */
const struct certstore_info *renew_pick(const struct binding_ssl *b,
	    const struct certstore_info *certs, size_t n);

/* Called once per move (from, to are thumbprints). */
typedef void renew_log_fn(void *arg, const char *endpoint, const char *from,
    const char *to);

/*
 * Moves every following binding of the store whose renew_pick is not
 * NULL (certificates from My).  *moved gets the count.  Returns 0, or -1
 * with e when the stores cannot be read or a move fails (earlier moves
 * stay: each is complete on its own).
 */
int	renew_apply(struct binding_store *, struct certstore *,
	    renew_log_fn *, void *arg, size_t *moved, struct rs_err *);

#endif
