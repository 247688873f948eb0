/*
 * limit.c: bounded failure tables (see limit.h).  A look-up scans the
 * entries used so far, comparing hashes first: a table holds at most a
 * few thousand, so a scan costs microseconds, and a full scan is needed
 * anyway to know whether the key has an entry or must share the overflow
 * one.  Entries never used are not scanned, so a quiet server pays
 * nothing for the size of its tables.
 */
#include "reportserver/limit.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

uint32_t
limit_hash(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

int64_t
limit_now(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void
limit_init(struct limit_table *t, const struct limit_policy *p, size_t n)
{
	memset(t, 0, sizeof(*t));
	t->pol = *p;
	t->n = n;
	t->v = xcalloc(n, sizeof(*t->v));
	str_copy(t->overflow.key, sizeof(t->overflow.key), LIMIT_OVERFLOW_KEY);
}

void
limit_fini(struct limit_table *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* True when dropping e would change nothing at now. */
static bool
dead(const struct limit_table *t, const struct limit_entry *e, int64_t now)
{
	return e->locked_ms <= now && e->open_ms <= now &&
	    (e->count == 0 || now - e->last_ms >= t->pol.forget_ms);
}

/*
 * key's entry; else, when add, a reusable one made key's; else (or when
 * none is reusable) the overflow entry when the table is full of live
 * entries, NULL when key simply has none.
 */
static struct limit_entry *
find(struct limit_table *t, const char *key, int64_t now, bool add)
{
	struct limit_entry	*spare = NULL;
	uint32_t		 h = limit_hash(key);

	for (size_t i = 0; i < t->used; i++) {
		struct limit_entry	*e = &t->v[i];

		if (e->key[0] != '\0' && e->hash == h &&
		    strcmp(e->key, key) == 0)
			return e;
		if (spare == NULL && (e->key[0] == '\0' || dead(t, e, now)))
			spare = e;
	}
	if (spare == NULL && t->used < t->n)
		spare = &t->v[t->used];
	if (spare != NULL && !add)
		return NULL;
	if (spare == NULL)
		return &t->overflow;
	if (spare == &t->v[t->used])
		t->used++;
	memset(spare, 0, sizeof(*spare));
	if (str_copy(spare->key, sizeof(spare->key), key) == -1)
		return &t->overflow;	/* callers bound keys; never here */
	spare->hash = h;
	return spare;
}

int64_t
limit_wait(struct limit_table *t, const char *key, int64_t now,
    bool *locked)
{
	struct limit_entry	*e = find(t, key, now, false);

	*locked = false;
	if (e == NULL)
		return 0;
	if (e->locked_ms > now) {
		*locked = true;
		return e->locked_ms - now;
	}
	return e->open_ms > now ? e->open_ms - now : 0;
}

/* The wait earned by the n-th failure. */
static int64_t
wait_for(const struct limit_policy *p, unsigned n)
{
	int64_t	w = p->step_ms;

	if (n < p->free || (n == p->free && !p->doubling) || p->step_ms <= 0)
		return 0;
	if (!p->doubling)
		w = p->step_ms * (int64_t)(n - p->free);
	else
		for (unsigned k = p->free; k < n && w < p->wait_max_ms; k++)
			w *= 2;
	return w < p->wait_max_ms ? w : p->wait_max_ms;
}

/* Counts one failure with tag in e's forgivable part, when there is room. */
static void
add_tag(struct limit_entry *e, uint32_t tag)
{
	for (size_t i = 0; i < LIMIT_TAGS; i++)
		if (e->tags[i].n > 0 && e->tags[i].tag == tag) {
			e->tags[i].n++;
			return;
		}
	for (size_t i = 0; i < LIMIT_TAGS; i++)
		if (e->tags[i].n == 0) {
			e->tags[i].tag = tag;
			e->tags[i].n = 1;
			return;
		}
}

static void
reset(struct limit_entry *e)
{
	e->count = 0;
	memset(e->tags, 0, sizeof(e->tags));
}

const struct limit_entry *
limit_fail(struct limit_table *t, const char *key, uint32_t tag,
    int64_t now)
{
	struct limit_entry	*e = find(t, key, now, true);

	if (e->count > 0 && now - e->last_ms >= t->pol.forget_ms)
		reset(e);
	e->count++;
	add_tag(e, tag);
	e->last_ms = now;
	if (t->pol.lock_after > 0 && e->count >= t->pol.lock_after) {
		e->locked_ms = now + t->pol.lock_ms;
		reset(e);
		return e;
	}
	if (wait_for(&t->pol, e->count) > 0)
		e->open_ms = now + wait_for(&t->pol, e->count);
	return e;
}

void
limit_forgive(struct limit_table *t, const char *key, uint32_t tag,
    int64_t now)
{
	struct limit_entry	*e = find(t, key, now, false);

	if (e == NULL || e == &t->overflow)
		return;
	if (tag == 0) {
		reset(e);
		return;
	}
	for (size_t i = 0; i < LIMIT_TAGS; i++)
		if (e->tags[i].n > 0 && e->tags[i].tag == tag) {
			e->count -= e->tags[i].n < e->count ? e->tags[i].n :
			    e->count;
			e->tags[i].n = 0;
		}
}

bool
limit_clear(struct limit_table *t, const char *key, int64_t now)
{
	struct limit_entry	*e = NULL;
	uint32_t		 h = limit_hash(key);

	if (strcmp(key, LIMIT_OVERFLOW_KEY) == 0)
		e = &t->overflow;
	for (size_t i = 0; i < t->used && e == NULL; i++)
		if (t->v[i].key[0] != '\0' && t->v[i].hash == h &&
		    strcmp(t->v[i].key, key) == 0)
			e = &t->v[i];
	if (e == NULL || dead(t, e, now))
		return false;
	reset(e);
	e->open_ms = e->locked_ms = 0;
	return true;
}

size_t
limit_list(const struct limit_table *t, int64_t now, struct limit_entry *out,
    size_t max)
{
	size_t	k = 0;

	for (size_t i = 0; i <= t->used && k < max; i++) {
		const struct limit_entry *e = i < t->used ? &t->v[i] :
		    &t->overflow;

		if (e->key[0] != '\0' && !dead(t, e, now))
			out[k++] = *e;
	}
	return k;
}
