/*
 * signin.c: the limits on sign-in attempts (see signin.h): two failure
 * tables (addresses and names, limit.h), the (account, address) pairs that
 * signed in, the check slots, the cost model of a failed check, and the
 * administrator's list and clear.  Failures, lockouts and waits are logged
 * here, with the name but never the password.
 */
#include "reportserver/signin.h"
#include "reportserver/limit.h"
#include "reportserver/passwd.h"
#include "appserver/appserver.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PAM_HASHES_DEFAULT	2
#define PAM_HASHES_MAX		8
#define SLOTS_MAX		APPSERVER_WORKERS_MAX

struct pair {
	char		user[CATALOG_NAME_MAX + 1];	/* lower case */
	char		src[RS_SIGNIN_SOURCE_KEY];
	uint32_t	hash;	/* pair_hash(user, src) */
	int64_t		used_ms;
};

struct slot {
	char		user[CATALOG_NAME_MAX + 1];
	char		check[128];
	bool		busy;
	uint64_t	gen;
};

struct rs_signin {
	const struct rsconf	*conf;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;	/* a slot was left */
	struct limit_table	 sources, accounts;
	struct pair		*pairs;
	struct slot		 slots[SLOTS_MAX];
	size_t			 nslots;
	int64_t			 hash_us, pam_us;	/* averages, 0: none */
	char			 dummy[RS_PASSWD_HASH_MAX];
};

void
rs_signin_account_policy(const struct rsconf *conf, struct limit_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->free = conf->lockout_threshold;
	p->forget_ms = (int64_t)conf->lockout_minutes * 60000;
	p->step_ms = 1000;
	p->wait_max_ms = RS_SIGNIN_ACCOUNT_WAIT_MAX_S * 1000;
	p->doubling = true;
}

struct rs_signin *
rs_signin_new(const struct rsconf *conf)
{
	struct rs_signin	*g = xcalloc(1, sizeof(*g));
	unsigned		 w = conf->workers ? conf->workers :
	    APPSERVER_WORKERS_DEFAULT;
	struct limit_policy	 src = {
		.free = conf->slowdown_after,
		.lock_after = conf->lockout_threshold,
		.lock_ms = (int64_t)conf->lockout_minutes * 60000,
		.forget_ms = (int64_t)conf->lockout_minutes * 60000,
		.step_ms = 1000,
		.wait_max_ms = RS_SIGNIN_SOURCE_WAIT_MAX_S * 1000,
	};
	struct limit_policy	 acct;

	rs_signin_account_policy(conf, &acct);
	g->conf = conf;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	limit_init(&g->sources, &src, RS_SIGNIN_SOURCES_MAX);
	limit_init(&g->accounts, &acct, RS_SIGNIN_ACCOUNTS_MAX);
	g->pairs = xcalloc(RS_SIGNIN_TRUSTED_MAX, sizeof(*g->pairs));
	g->nslots = w > 1 ? w - 1 : 1;
	if (g->nslots > SLOTS_MAX)
		g->nslots = SLOTS_MAX;
	return g;
}

void
rs_signin_free(struct rs_signin *g)
{
	if (g == NULL)
		return;
	limit_fini(&g->sources);
	limit_fini(&g->accounts);
	free(g->pairs);
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	explicit_bzero(g->slots, sizeof(g->slots));
	free(g);
}

void
rs_signin_source_key(const char *client, char *out, size_t n)
{
	struct in6_addr	a;
	char		txt[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET6, client, &a) != 1) {
		str_copy(out, n, client);
		return;
	}
	if (IN6_IS_ADDR_V4MAPPED(&a)) {
		inet_ntop(AF_INET, &a.s6_addr[12], txt, sizeof(txt));
		str_copy(out, n, txt);
		return;
	}
	memset(&a.s6_addr[8], 0, 8);	/* one user holds a whole /64 */
	inet_ntop(AF_INET6, &a, txt, sizeof(txt));
	snprintf(out, n, "%s/64", txt);
}

/* A name as the account table counts it. */
static void
account_key(const char *user, char *out, size_t n)
{
	size_t	i = 0;

	for (; user[i] != '\0' && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)user[i]);
	out[i] = '\0';
}

/*
 * The mark of a failure in the other table: an address's failures are
 * marked with the account, an account's with the address (never 0).  A
 * success forgives only the failures with its mark: those of a user who
 * mistyped, not those of an attacker who failed for other accounts, or
 * from other addresses.
 */
static uint32_t
tag_of(const char *key)
{
	return limit_hash(key) | 1;
}

static long
seconds(int64_t ms)
{
	return (long)((ms + 999) / 1000);
}

enum rs_signin_verdict
rs_signin_source_check(struct rs_signin *g, const char *src, long *wait_s)
{
	bool	locked;
	int64_t	w;

	pthread_mutex_lock(&g->mu);
	w = limit_wait(&g->sources, src, limit_now(), &locked);
	pthread_mutex_unlock(&g->mu);
	*wait_s = seconds(w);
	if (w <= 0)
		return RS_SIGNIN_GO;
	return locked ? RS_SIGNIN_LOCKED : RS_SIGNIN_SOURCE_WAIT;
}

static uint32_t
pair_hash(const char *key, const char *src)
{
	return limit_hash(key) * 31 + limit_hash(src);
}

/* The pair (key, src), or NULL (under g->mu). */
static struct pair *
pair_find(struct rs_signin *g, const char *key, const char *src)
{
	uint32_t	h = pair_hash(key, src);

	for (size_t i = 0; i < RS_SIGNIN_TRUSTED_MAX; i++)
		if (g->pairs[i].used_ms != 0 && g->pairs[i].hash == h &&
		    strcmp(g->pairs[i].src, src) == 0 &&
		    strcmp(g->pairs[i].user, key) == 0)
			return &g->pairs[i];
	return NULL;
}

enum rs_signin_verdict
rs_signin_account_check(struct rs_signin *g, const char *user,
    const char *src, long *wait_s)
{
	char	key[CATALOG_NAME_MAX + 1];
	bool	locked;
	int64_t	w = 0;

	account_key(user, key, sizeof(key));
	pthread_mutex_lock(&g->mu);
	w = limit_wait(&g->accounts, key, limit_now(), &locked);
	if (w > 0 && pair_find(g, key, src) != NULL)
		w = 0;
	pthread_mutex_unlock(&g->mu);
	*wait_s = seconds(w);
	return w > 0 ? RS_SIGNIN_ACCOUNT_WAIT : RS_SIGNIN_GO;
}

enum rs_signin_verdict
rs_signin_enter(struct rs_signin *g, const char *user, const char *check,
    int *slot)
{
	int	free_slot = -1;

	pthread_mutex_lock(&g->mu);
	for (size_t i = 0; i < g->nslots; i++) {
		struct slot	*s = &g->slots[i];

		if (!s->busy) {
			if (free_slot == -1)
				free_slot = (int)i;
			continue;
		}
		if (check[0] != '\0' && strcmp(s->check, check) == 0 &&
		    strcmp(s->user, user) == 0) {
			uint64_t	gen = s->gen;

			while (s->busy && s->gen == gen)
				pthread_cond_wait(&g->cv, &g->mu);
			pthread_mutex_unlock(&g->mu);
			return RS_SIGNIN_SHARED;
		}
	}
	if (free_slot == -1) {
		pthread_mutex_unlock(&g->mu);
		return RS_SIGNIN_BUSY;
	}
	g->slots[free_slot].busy = true;
	g->slots[free_slot].gen++;
	str_copy(g->slots[free_slot].user, sizeof(g->slots[0].user), user);
	str_copy(g->slots[free_slot].check, sizeof(g->slots[0].check), check);
	pthread_mutex_unlock(&g->mu);
	*slot = free_slot;
	return RS_SIGNIN_GO;
}

void
rs_signin_leave(struct rs_signin *g, int slot)
{
	pthread_mutex_lock(&g->mu);
	g->slots[slot].busy = false;
	explicit_bzero(g->slots[slot].check, sizeof(g->slots[slot].check));
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

/* Logs a failure and what it earned. */
static void
log_failure(struct rs_signin *g, const char *user, const char *src,
    const struct limit_entry *s, const struct limit_entry *a, int64_t now)
{
	const struct rsconf	*c = g->conf;

	if (s->locked_ms > now)
		log_warn("sign-in: source %s locked out for %u minutes after %u "
		    "failed attempts (last user '%.64s')", src,
		    c->lockout_minutes, c->lockout_threshold, user);
	else
		log_warn("sign-in: failed for user '%.64s' from %s (%u in a "
		    "row)", user, src, s->count);
	if (strcmp(s->key, LIMIT_OVERFLOW_KEY) == 0 && s->count == 1)
		log_warn("sign-in: %d addresses have failed recently; new ones "
		    "share one limit until some are forgotten",
		    RS_SIGNIN_SOURCES_MAX);
	if (a->open_ms > now)
		log_warn("sign-in: account '%.64s' waits %ld s before its next "
		    "attempt (%u failures from any address)", user,
		    seconds(a->open_ms - now), a->count);
}

enum rs_signin_verdict
rs_signin_failed(struct rs_signin *g, const char *user, const char *src)
{
	char				 key[CATALOG_NAME_MAX + 1];
	struct limit_entry		 s, a;
	int64_t				 now = limit_now();

	account_key(user, key, sizeof(key));
	pthread_mutex_lock(&g->mu);
	s = *limit_fail(&g->sources, src, tag_of(key), now);
	a = *limit_fail(&g->accounts, key, tag_of(src), now);
	pthread_mutex_unlock(&g->mu);
	log_failure(g, user, src, &s, &a, now);
	return s.locked_ms > now ? RS_SIGNIN_LOCKED : RS_SIGNIN_GO;
}

void
rs_signin_succeeded(struct rs_signin *g, const char *user, const char *src)
{
	char		 key[CATALOG_NAME_MAX + 1];
	struct pair	*p;
	int64_t		 now = limit_now();

	account_key(user, key, sizeof(key));
	pthread_mutex_lock(&g->mu);
	limit_forgive(&g->sources, src, tag_of(key), now);
	limit_forgive(&g->accounts, key, tag_of(src), now);
	p = pair_find(g, key, src);
	if (p == NULL) {
		p = &g->pairs[0];	/* replace the least recently used */
		for (size_t i = 1; i < RS_SIGNIN_TRUSTED_MAX; i++)
			if (g->pairs[i].used_ms < p->used_ms)
				p = &g->pairs[i];
		str_copy(p->user, sizeof(p->user), key);
		str_copy(p->src, sizeof(p->src), src);
		p->hash = pair_hash(key, src);
	}
	p->used_ms = now;
	pthread_mutex_unlock(&g->mu);
}

/* Running average over about the last 8 samples. */
static void
average(int64_t *avg, int64_t us)
{
	*avg = *avg == 0 ? us : *avg + (us - *avg) / 8;
}

void
rs_signin_note_hash(struct rs_signin *g, int64_t us)
{
	pthread_mutex_lock(&g->mu);
	average(&g->hash_us, us);
	pthread_mutex_unlock(&g->mu);
}

void
rs_signin_note_pam(struct rs_signin *g, int64_t us)
{
	pthread_mutex_lock(&g->mu);
	/*
	 * Only a check that hashed says what the PAM path costs: a faster
	 * one (a name PAM does not know, an account without a password, a
	 * cheap hash) is topped up to the learned cost like the others, so
	 * fast names can never pull the cost down.
	 */
	if (g->hash_us > 0 && us >= g->hash_us / 2)
		average(&g->pam_us, us);
	pthread_mutex_unlock(&g->mu);
}

/* Dummy checks that make a PAM failure of us microseconds cost p. */
static unsigned
topup(const struct rs_signin *g, int64_t us)
{
	int64_t	h = g->hash_us, p = g->pam_us, n;

	if (h <= 0)
		return PAM_HASHES_DEFAULT;	/* measured by these checks */
	if (p <= 0)
		p = PAM_HASHES_DEFAULT * h;
	n = (p - us + h / 2) / h;
	return n < 0 ? 0 : n > PAM_HASHES_MAX ? PAM_HASHES_MAX : (unsigned)n;
}

unsigned
rs_signin_pam_topup(struct rs_signin *g, int64_t us)
{
	unsigned	n;

	pthread_mutex_lock(&g->mu);
	n = topup(g, us);
	pthread_mutex_unlock(&g->mu);
	return n;
}

unsigned
rs_signin_pam_hashes(struct rs_signin *g)
{
	unsigned	n;

	pthread_mutex_lock(&g->mu);
	n = topup(g, 0);
	pthread_mutex_unlock(&g->mu);
	return n < 1 ? 1 : n;
}

const char *
rs_signin_dummy(struct rs_signin *g)
{
	struct rs_err	e;

	pthread_mutex_lock(&g->mu);
	if (g->dummy[0] == '\0' && rs_passwd_dummy(g->dummy,
	    sizeof(g->dummy), &e) == -1)
		log_error("sign-in: %s", e.msg);
	pthread_mutex_unlock(&g->mu);
	return g->dummy;
}

/* Appends the live entries of t as rows of kind. */
static void
list_table(const struct limit_table *t, const char *kind, int64_t now,
    time_t wall, struct rs_signin_row *rows, size_t *n)
{
	struct limit_entry	*v = xcalloc(t->used + 1, sizeof(*v));
	size_t			 k = limit_list(t, now, v, t->used + 1);

	for (size_t i = 0; i < k; i++) {
		struct rs_signin_row	*r = &rows[(*n)++];

		r->kind = kind;
		str_copy(r->name, sizeof(r->name), v[i].key);
		r->failures = v[i].count;
		if (v[i].last_ms > 0)
			r->last_failure = wall - (now - v[i].last_ms) / 1000;
		r->wait_s = v[i].open_ms > now ? seconds(v[i].open_ms - now) :
		    0;
		if (v[i].locked_ms > now)
			r->locked_until = wall + seconds(v[i].locked_ms - now);
	}
	free(v);
}

size_t
rs_signin_list(struct rs_signin *g, struct rs_signin_row **rows)
{
	size_t	n = 0;
	int64_t	now = limit_now();
	time_t	wall = time(NULL);

	pthread_mutex_lock(&g->mu);
	*rows = xcalloc(g->sources.used + g->accounts.used + 2,
	    sizeof(**rows));
	list_table(&g->sources, "Source", now, wall, *rows, &n);
	list_table(&g->accounts, "Account", now, wall, *rows, &n);
	pthread_mutex_unlock(&g->mu);
	return n;
}

int
rs_signin_clear(struct rs_signin *g, const char *kind, const char *name,
    const char *by, struct rs_err *e)
{
	char	key[CATALOG_NAME_MAX + 1];
	bool	source, done;

	if (kind == NULL || name == NULL ||
	    (!str_ieq(kind, "Source") && !str_ieq(kind, "Account")))
		return rs_err_set(e, RS_E_USAGE, "cannot clear a sign-in limit: "
		    "Kind must be \"Source\" (an address) or \"Account\" (a "
		    "user name), with its Name");
	source = str_ieq(kind, "Source");
	if (source)
		rs_signin_source_key(name, key, sizeof(key));
	else
		account_key(name, key, sizeof(key));
	pthread_mutex_lock(&g->mu);
	done = limit_clear(source ? &g->sources : &g->accounts, key,
	    limit_now());
	pthread_mutex_unlock(&g->mu);
	if (!done)
		return rs_err_set(e, RS_E_NOTFOUND, "cannot clear the sign-in "
		    "limit of %s '%.64s': it has none", source ? "address" :
		    "account", name);
	log_warn("sign-in: %s %s%.64s%s cleared by %.64s", source ? "source" :
	    "account", source ? "" : "'", key, source ? "" : "'", by);
	return 0;
}
