/*
 * limit.h (internal to reportserver/): bounded tables of sign-in failures
 * keyed by a string (a source address, an account name, a user name at the
 * PAM broker), and the penalty each key has earned: a wait before its next
 * attempt may be checked, and, when the policy says so, a lockout.
 *
 * A table never forgets a penalty to make room.  An entry is reused only
 * when dropping it changes nothing: its count has been forgotten (no
 * failure for forget_ms) and it is neither waiting nor locked.  When every
 * entry is live, keys that have none share the table's overflow entry,
 * which earns penalties like any key: under a flood of new keys they are
 * slowed (and locked) together, and no key already in the table is let go.
 *
 * Times are CLOCK_MONOTONIC milliseconds passed in by the caller, so the
 * tables are pure functions of their calls (the unit tests drive them).
 * Not thread-safe: the caller holds its own lock.
 */
#ifndef RS_REPORTSERVER_LIMIT_H
#define RS_REPORTSERVER_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"

#define LIMIT_KEY_MAX		CATALOG_NAME_MAX
#define LIMIT_OVERFLOW_KEY	"*"	/* how the overflow entry is listed */
#define LIMIT_TAGS		4	/* marks whose failures can be forgiven */

struct limit_policy {
	unsigned	free;		/* failures before waits start */
	unsigned	lock_after;	/* failures that lock; 0: never */
	int64_t		lock_ms;
	int64_t		forget_ms;	/* a count this old starts again */
	int64_t		step_ms;	/* the first wait */
	int64_t		wait_max_ms;
	bool		doubling;	/* waits double (else grow by step) */
};

struct limit_entry {
	char		key[LIMIT_KEY_MAX + 1];	/* "" when unused */
	uint32_t	hash;
	unsigned	count;		/* failures not yet forgotten */
	int64_t		last_ms;	/* the last failure */
	int64_t		open_ms;	/* no attempt is checked before */
	int64_t		locked_ms;	/* locked until, 0: not locked */
	struct {
		uint32_t	tag;	/* the caller's mark of some failures */
		unsigned	n;	/* how many of count had it */
	}		tags[LIMIT_TAGS];
};

struct limit_table {
	struct limit_policy	 pol;
	struct limit_entry	*v;
	size_t			 n;
	size_t			 used;	/* v[used..n) were never used */
	struct limit_entry	 overflow;
};

void	limit_init(struct limit_table *, const struct limit_policy *,
	    size_t n);
void	limit_fini(struct limit_table *);

/*
 * How long key must still wait before an attempt is checked, in ms (0:
 * it may try now); *locked tells whether the wait is a lockout.
 */
int64_t	limit_wait(struct limit_table *, const char *key, int64_t now,
	    bool *locked);

/*
 * Counts a failure of key, marked with tag (for a source: which account
 * failed), and sets its wait or lockout.  Returns the entry (borrowed
 * until the next call on the table): the key's own or the overflow entry.
 */
const struct limit_entry *limit_fail(struct limit_table *, const char *key,
	    uint32_t tag, int64_t now);

/*
 * A success of key forgives the failures that carried tag (sources: the
 * failures for the account that signed in, so a user who mistyped starts
 * again, but an address that failed for other accounts keeps those);
 * tag 0 forgives them all.  Failures beyond LIMIT_TAGS different tags are
 * never forgiven, only forgotten.
 */
void	limit_forgive(struct limit_table *, const char *key, uint32_t tag,
	    int64_t now);

/*
 * An administrator's unlock: forgets key's count, wait and lockout (key
 * LIMIT_OVERFLOW_KEY: the overflow entry's).  False when key had none.
 */
bool	limit_clear(struct limit_table *, const char *key, int64_t now);

/*
 * Copies up to max live entries (counting, waiting or locked at now),
 * the overflow entry among them, into out; returns how many.
 */
size_t	limit_list(const struct limit_table *, int64_t now,
	    struct limit_entry *out, size_t max);

/* A string's hash for tags and table look-ups (FNV-1a, not secret). */
uint32_t	limit_hash(const char *);

/* CLOCK_MONOTONIC in ms. */
int64_t	limit_now(void);

#endif
