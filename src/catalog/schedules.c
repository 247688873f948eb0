/*
 * schedules.c: shared and item-specific schedules, and firing them.  A
 * schedule's recurrence is stored as the scheduler's text; the catalog
 * only keeps its next run time, which the scheduler computes.  Firing is
 * a compare-and-set of next_run plus the jobs of everything that follows
 * the schedule, in one transaction, so two servers that see the same due
 * schedule make its jobs once.
 */
#include "catalog/catalog_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHED_COLS	"id, name, shared, recurrence, paused, " \
			"COALESCE(next_run, 0), COALESCE(last_run, 0), " \
			"created_by, created, modified_by, modified"

char *
cat_col_dup(struct db_stmt *st, int i)
{
	const char	*s = st->db->ops->col_text(st, i);

	return xstrdup(s != NULL ? s : "");
}

void
cat_col_id(struct db_stmt *st, int i, char out[CATALOG_ID_LEN + 1])
{
	const char	*s = st->db->ops->col_text(st, i);

	str_copy(out, CATALOG_ID_LEN + 1, s != NULL ? s : "");
}

const char *
cat_nullid(const char *id)
{
	return id != NULL && id[0] != '\0' ? id : NULL;
}

void
catalog_schedule_fini(struct catalog_schedule *s)
{
	free(s->name);
	free(s->recurrence);
	free(s->created_by);
	free(s->modified_by);
	s->name = s->recurrence = s->created_by = s->modified_by = NULL;
}

void
catalog_schedules_free(struct catalog_schedule *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		catalog_schedule_fini(&v[i]);
	free(v);
}

static void
read_row(struct db_stmt *st, struct catalog_schedule *s)
{
	int64_t	(*num)(struct db_stmt *, int) = st->db->ops->col_int;

	cat_col_id(st, 0, s->id);
	s->name = cat_col_dup(st, 1);
	s->shared = num(st, 2) != 0;
	s->recurrence = cat_col_dup(st, 3);
	s->paused = num(st, 4) != 0;
	s->next_run = num(st, 5);
	s->last_run = num(st, 6);
	s->created_by = cat_col_dup(st, 7);
	s->created = num(st, 8);
	s->modified_by = cat_col_dup(st, 9);
	s->modified = num(st, 10);
}

/* Runs a SELECT of SCHED_COLS; the caller holds the lock. */
static int
read_many(struct db_stmt *st, struct catalog_schedule **out, size_t *n,
    struct rs_err *e)
{
	struct catalog_schedule	*v = NULL;
	size_t			 k = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == 1) {
		v = xreallocarray(v, k + 1, sizeof(*v));
		memset(&v[k], 0, sizeof(v[k]));
		read_row(st, &v[k++]);
	}
	db_finalize(st);
	if (rc == -1) {
		catalog_schedules_free(v, k);
		return -1;
	}
	*out = v;
	*n = k;
	return 0;
}

int
catalog_schedule_add(struct catalog *c, struct catalog_schedule *s,
    const char *user, struct rs_err *e)
{
	char	*l = cat_lower(s->name != NULL ? s->name : "");
	int64_t	 now = cat_now();
	int	 rc;

	if (s->id[0] == '\0')
		catalog_guid(s->id);
	cat_lock(c);
	rc = db_run(c->db, e, "INSERT INTO schedules (id, name, lname, "
	    "shared, recurrence, paused, next_run, last_run, created_by, "
	    "created, modified_by, modified) VALUES (?, ?, ?, ?, ?, ?, ?, "
	    "NULL, ?, ?, ?, ?)", "sssisiisisi", s->id, s->name ? s->name : "",
	    l, (int64_t)s->shared, s->recurrence, (int64_t)s->paused,
	    s->next_run, user, now, user, now);
	cat_unlock(c);
	free(l);
	if (rc == -1 && s->shared && strstr(e->msg, "UNIQUE") != NULL)
		return rs_err_set(e, RS_E_EXISTS, "a shared schedule named "
		    "'%s' already exists", s->name);
	if (rc == -1 && s->shared && strstr(e->msg, "duplicate") != NULL)
		return rs_err_set(e, RS_E_EXISTS, "a shared schedule named "
		    "'%s' already exists", s->name);
	return rc < 0 ? -1 : 0;
}

int
catalog_schedule_get(struct catalog *c, const char *id,
    struct catalog_schedule *out, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	cat_lock(c);
	st = db_query(c->db, e, "SELECT " SCHED_COLS " FROM schedules WHERE "
	    "id = ?", "s", id);
	if (st != NULL) {
		rc = db_step(st, e);
		if (rc == 1) {
			read_row(st, out);
			rc = 0;
		} else if (rc == 0)
			rc = rs_err_set(e, RS_E_NOTFOUND, "there is no schedule "
			    "with the id '%s' (rsScheduleNotFound)", id);
		db_finalize(st);
	}
	cat_unlock(c);
	return rc;
}

int
catalog_schedule_list(struct catalog *c, struct catalog_schedule **out,
    size_t *n, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = read_many(db_query(c->db, e, "SELECT " SCHED_COLS " FROM "
	    "schedules WHERE shared = 1 ORDER BY lname", ""), out, n, e);
	cat_unlock(c);
	return rc;
}

int
catalog_schedule_due(struct catalog *c, int64_t now, size_t max,
    struct catalog_schedule **out, size_t *n, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = read_many(db_query(c->db, e, "SELECT " SCHED_COLS " FROM "
	    "schedules WHERE paused = 0 AND next_run IS NOT NULL AND "
	    "next_run > 0 AND next_run <= ? ORDER BY next_run LIMIT ?", "ii",
	    now, (int64_t)max), out, n, e);
	cat_unlock(c);
	return rc;
}

int
catalog_schedule_update(struct catalog *c, const struct catalog_schedule *s,
    const char *user, struct rs_err *e)
{
	char	*l = cat_lower(s->name != NULL ? s->name : "");
	int	 rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE schedules SET name = ?, lname = ?, "
	    "recurrence = ?, paused = ?, next_run = ?, modified_by = ?, "
	    "modified = ? WHERE id = ?", "sssiisis", s->name ? s->name : "", l,
	    s->recurrence, (int64_t)s->paused, s->next_run, user, cat_now(),
	    s->id);
	cat_unlock(c);
	free(l);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "there is no schedule with "
		    "the id '%s' (rsScheduleNotFound)", s->id);
	if (rc == -1 && (strstr(e->msg, "UNIQUE") != NULL ||
	    strstr(e->msg, "duplicate") != NULL))
		return rs_err_set(e, RS_E_EXISTS, "a shared schedule named "
		    "'%s' already exists", s->name);
	return rc < 0 ? -1 : 0;
}

int
catalog_schedule_del(struct catalog *c, const char *id, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "DELETE FROM schedules WHERE id = ?", "s", id);
	cat_unlock(c);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "there is no schedule with "
		    "the id '%s' (rsScheduleNotFound)", id);
	return rc < 0 ? -1 : 0;
}

int
catalog_schedule_refs(struct catalog *c, const char *id, int64_t *n,
    struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	*n = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT (SELECT count(*) FROM subscriptions "
	    "WHERE schedule_id = ?) + (SELECT count(*) FROM cache_plans WHERE "
	    "schedule_id = ?) + (SELECT count(*) FROM item_exec WHERE "
	    "cache_schedule_id = ? OR snapshot_schedule_id = ? OR "
	    "history_schedule_id = ?)", "sssss", id, id, id, id, id);
	if (st != NULL && db_step(st, e) == 1) {
		*n = c->db->ops->col_int(st, 0);
		rc = 0;
	}
	db_finalize(st);
	cat_unlock(c);
	return rc;
}

/* The jobs of a fired schedule: one INSERT per kind of user. */
static const char *const fire_sql[] = {
	"INSERT INTO jobs (event, kind, target, fire, due, created) "
	"SELECT 'S:' || id || ':' || ?, 1, id, ?, ?, ? FROM subscriptions "
	"WHERE schedule_id = ? AND active = 1 AND event_type = "
	"'TimedSubscription' ON CONFLICT (event) DO NOTHING",
	"INSERT INTO jobs (event, kind, target, fire, due, created) "
	"SELECT 'C:' || id || ':' || ?, 2, id, ?, ?, ? FROM cache_plans "
	"WHERE schedule_id = ? ON CONFLICT (event) DO NOTHING",
	"INSERT INTO jobs (event, kind, target, fire, due, created) "
	"SELECT 'N:' || item_id || ':' || ?, 3, item_id, ?, ?, ? FROM "
	"item_exec WHERE snapshot_schedule_id = ? AND exec_type = 2 "
	"ON CONFLICT (event) DO NOTHING",
	"INSERT INTO jobs (event, kind, target, fire, due, created) "
	"SELECT 'H:' || item_id || ':' || ?, 4, item_id, ?, ?, ? FROM "
	"item_exec WHERE history_schedule_id = ? "
	"ON CONFLICT (event) DO NOTHING",
	"INSERT INTO jobs (event, kind, target, fire, due, created) "
	"SELECT 'E:' || item_id || ':' || ?, 5, item_id, ?, ?, ? FROM "
	"item_exec WHERE cache_schedule_id = ? AND exec_type = 1 AND "
	"cache_minutes = 0 ON CONFLICT (event) DO NOTHING",
};

static int
fire_jobs(struct db *db, const char *id, int64_t fire, int64_t now,
    struct rs_err *e)
{
	char	fs[24];

	snprintf(fs, sizeof(fs), "%lld", (long long)fire);
	for (size_t i = 0; i < nitems(fire_sql); i++)
		if (db_run(db, e, fire_sql[i], "siiis", fs, fire, now, now,
		    id) < 0)
			return -1;
	return 0;
}

int
catalog_schedule_fire(struct catalog *c, const char *id, int64_t expect,
    int64_t next, int64_t fire, int64_t now, bool *won, struct rs_err *e)
{
	int	rc = -1, n;

	*won = false;
	cat_lock(c);
	if (db_begin(c->db, e) == -1)
		goto out;
	n = db_run(c->db, e, "UPDATE schedules SET next_run = ?, last_run = ? "
	    "WHERE id = ? AND next_run = ? AND paused = 0", "iisi", next,
	    fire, id, expect);
	if (n < 0 || (n > 0 && fire_jobs(c->db, id, fire, now, e) == -1) ||
	    db_commit(c->db, e) == -1) {
		db_rollback(c->db);
		goto out;
	}
	*won = n > 0;
	rc = 0;
out:
	cat_unlock(c);
	return rc;
}
