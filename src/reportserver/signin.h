/*
 * signin.h (internal to reportserver/): the limits on sign-in attempts.
 * auth.c asks them before each password check and tells them the outcome;
 * rest_signin.c shows and clears them for an administrator.
 *
 * - Per source address (an IPv6 address counts by its /64): after
 *   SlowdownAfter failures each further failure makes the address wait 1 s
 *   more (at most 5 s) before its next attempt is checked; at
 *   LockoutThreshold failures it is locked out for LockoutMinutes.
 * - Per account name (any name, existing or not, case-insensitive): from
 *   LockoutThreshold failures on, from any addresses, the name waits 1 s,
 *   then 2, 4, ... at most 60 s before its next attempt is checked.  Not a
 *   lockout: an outsider can only slow a name down, and never at an
 *   address the account has signed in from (the last
 *   RS_SIGNIN_TRUSTED_MAX such pairs).
 * - A success forgives the failures it explains: that name's from that
 *   address, not the address's failures for other names nor the name's
 *   from other addresses.
 * - At most MaxQueueThreads - 1 password checks run at once, so a worker
 *   is always left for signed-in users; two requests with the same name and
 *   password share one check.
 *
 * A wait is an answer, 429 with Retry-After, given at once without looking
 * at the password: nothing sleeps and no worker is held, and one address's
 * penalty costs nobody else anything.  The tables are bounded and never
 * evict a penalty (limit.h).  Everything is in memory: a restart of the
 * report server clears it.
 *
 * Threads: every function may be called from any worker; the state has
 * its own lock.
 */
#ifndef RS_REPORTSERVER_SIGNIN_H
#define RS_REPORTSERVER_SIGNIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "common/err.h"
#include "rsconf/rsconf.h"

#define RS_SIGNIN_SOURCES_MAX	4096	/* addresses with failures */
#define RS_SIGNIN_ACCOUNTS_MAX	4096	/* names with failures */
#define RS_SIGNIN_TRUSTED_MAX	1024	/* (account, address) signed in */
#define RS_SIGNIN_SOURCE_KEY	64
#define RS_SIGNIN_ACCOUNT_WAIT_MAX_S	60
#define RS_SIGNIN_SOURCE_WAIT_MAX_S	5

struct rs_signin;
struct limit_policy;

enum rs_signin_verdict {
	RS_SIGNIN_GO,		/* check the password */
	RS_SIGNIN_SOURCE_WAIT,	/* this address must wait */
	RS_SIGNIN_LOCKED,	/* this address is locked out */
	RS_SIGNIN_ACCOUNT_WAIT,	/* this name must wait */
	RS_SIGNIN_BUSY,		/* enough checks are running */
	RS_SIGNIN_SHARED,	/* the same check ran meanwhile: look again */
};

/* The limits of conf (borrowed for the lifetime of the result). */
struct rs_signin *rs_signin_new(const struct rsconf *conf);
void	rs_signin_free(struct rs_signin *);

/*
 * The per-name policy of conf (LockoutThreshold failures, then waits
 * doubling from 1 s to RS_SIGNIN_ACCOUNT_WAIT_MAX_S, forgotten after
 * LockoutMinutes), which the PAM broker applies too.
 */
void	rs_signin_account_policy(const struct rsconf *conf,
	    struct limit_policy *out);

/* The key an address counts under: IPv4 as is, IPv6 as its "/64". */
void	rs_signin_source_key(const char *client, char *out, size_t n);

/* Whether src may have an attempt checked now; *wait_s when not. */
enum rs_signin_verdict rs_signin_source_check(struct rs_signin *,
	    const char *src, long *wait_s);
/*
 * Whether an attempt for user from src may be checked now: the name's
 * wait applies unless user has signed in from src.
 */
enum rs_signin_verdict rs_signin_account_check(struct rs_signin *,
	    const char *user, const char *src, long *wait_s);

/*
 * Takes a check slot for (user, check), check being the keyed hash the
 * sign-in cache uses.  RS_SIGNIN_GO: the caller checks the password and
 * then calls rs_signin_leave(*slot).  RS_SIGNIN_SHARED: another request
 * was checking the same pair; it has finished now, so the caller looks
 * in the cache and the limits again.  RS_SIGNIN_BUSY: too many checks.
 */
enum rs_signin_verdict rs_signin_enter(struct rs_signin *, const char *user,
	    const char *check, int *slot);
void	rs_signin_leave(struct rs_signin *, int slot);

/*
 * Counts a failure of user from src, and logs it.  Returns
 * RS_SIGNIN_LOCKED when it locked src out, else RS_SIGNIN_GO.
 */
enum rs_signin_verdict rs_signin_failed(struct rs_signin *, const char *user,
	    const char *src);
/*
 * A success (checked, or found in the sign-in cache): forgives what it
 * explains, and remembers (user, src) as an address of the account.
 */
void	rs_signin_succeeded(struct rs_signin *, const char *user,
	    const char *src);

/*
 * The cost model that makes every failure take as long (auth.c): the
 * measured time of one yescrypt check (h) and of a failed PAM check that
 * did hash (p: samples under h/2 are not counted; 2h until measured,
 * since Debian's pam_unix hashes twice when it fails).
 * rs_signin_pam_topup(d) is how many dummy yescrypt checks bring a failed
 * PAM check that took d microseconds up to p: about p/h for a name PAM
 * does not know, 0 for a real account; rs_signin_pam_hashes() is p/h.
 */
void	rs_signin_note_hash(struct rs_signin *, int64_t us);
void	rs_signin_note_pam(struct rs_signin *, int64_t us);
unsigned rs_signin_pam_hashes(struct rs_signin *);
unsigned rs_signin_pam_topup(struct rs_signin *, int64_t us);
/* A yescrypt setting no password matches, for the dummy checks. */
const char *rs_signin_dummy(struct rs_signin *);

/* One row of the administrator's view. */
struct rs_signin_row {
	const char	*kind;		/* "Source" or "Account" */
	char		 name[CATALOG_NAME_MAX + 1];	/* "*": overflow */
	unsigned	 failures;
	int64_t		 last_failure;	/* Unix time, 0: none */
	long		 wait_s;	/* before the next check, 0: none */
	int64_t		 locked_until;	/* Unix time, 0: not locked */
};

/* The live limits, sources first; *rows is the caller's to free. */
size_t	rs_signin_list(struct rs_signin *, struct rs_signin_row **rows);
/*
 * Clears the limit of a source (kind "Source", an address) or an account
 * (kind "Account", a name), logging who did it.  RS_E_USAGE for another
 * kind, RS_E_NOTFOUND when it had none.
 */
int	rs_signin_clear(struct rs_signin *, const char *kind, const char *name,
	    const char *by, struct rs_err *e);

#endif
