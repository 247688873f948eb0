/*
 * subs.c: subscriptions, cache refresh plans and a report's execution
 * options.  A subscription belongs to a report (deleted with it) and names
 * its delivery extension, its settings and parameter values as text the
 * report server encodes, and either a schedule (shared or its own) or the
 * SnapshotUpdated event.  Its LastStatus and LastRunTime are written by
 * the jobs that run it.
 */
#include "catalog/catalog_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define SUB_COLS	"s.id, s.item_id, i.path, s.owner, s.owner_kind, " \
			"s.description, s.event_type, " \
			"COALESCE(s.schedule_id, ''), s.extension, " \
			"s.settings, s.parameters, s.data_query, " \
			"s.data_source, s.active, s.last_status, " \
			"COALESCE(s.last_run, 0), s.created, " \
			"s.modified_by, s.modified"
#define SUB_FROM	" FROM subscriptions s JOIN items i ON i.id = s.item_id"

#define PLAN_COLS	"p.id, p.item_id, i.path, p.owner, p.description, " \
			"COALESCE(p.schedule_id, ''), p.parameters, " \
			"p.last_status, COALESCE(p.last_run, 0), " \
			"p.modified_by, p.modified"
#define PLAN_FROM	" FROM cache_plans p JOIN items i ON i.id = p.item_id"

static char *
dup_or_null(struct db_stmt *st, int i)
{
	const char	*s = st->db->ops->col_text(st, i);

	return s != NULL ? xstrdup(s) : NULL;
}

void
catalog_sub_fini(struct catalog_sub *s)
{
	free(s->item_path);
	free(s->owner);
	free(s->description);
	free(s->event_type);
	free(s->extension);
	free(s->settings);
	free(s->parameters);
	free(s->data_query);
	free(s->data_source);
	free(s->last_status);
	free(s->modified_by);
	memset(s, 0, sizeof(*s));
}

void
catalog_subs_free(struct catalog_sub *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		catalog_sub_fini(&v[i]);
	free(v);
}

static void
sub_read(struct db_stmt *st, struct catalog_sub *s)
{
	int64_t	(*num)(struct db_stmt *, int) = st->db->ops->col_int;

	cat_col_id(st, 0, s->id);
	cat_col_id(st, 1, s->item_id);
	s->item_path = cat_col_dup(st, 2);
	s->owner = cat_col_dup(st, 3);
	s->owner_kind = (int)num(st, 4);
	s->description = cat_col_dup(st, 5);
	s->event_type = cat_col_dup(st, 6);
	cat_col_id(st, 7, s->schedule_id);
	s->extension = cat_col_dup(st, 8);
	s->settings = cat_col_dup(st, 9);
	s->parameters = cat_col_dup(st, 10);
	s->data_query = dup_or_null(st, 11);
	s->data_source = dup_or_null(st, 12);
	s->active = num(st, 13) != 0;
	s->last_status = cat_col_dup(st, 14);
	s->last_run = num(st, 15);
	s->created = num(st, 16);
	s->modified_by = cat_col_dup(st, 17);
	s->modified = num(st, 18);
}

int
catalog_sub_add(struct catalog *c, struct catalog_sub *s, const char *user,
    struct rs_err *e)
{
	int64_t	now = cat_now();
	int	rc;

	if (s->id[0] == '\0')
		catalog_guid(s->id);
	cat_lock(c);
	rc = db_run(c->db, e, "INSERT INTO subscriptions (id, item_id, owner, "
	    "owner_kind, description, event_type, schedule_id, extension, "
	    "settings, parameters, data_query, data_source, active, created, "
	    "modified_by, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?)", "sssissssssssiisi", s->id, s->item_id,
	    s->owner, (int64_t)s->owner_kind, s->description ? s->description :
	    "", s->event_type, cat_nullid(s->schedule_id), s->extension,
	    s->settings ? s->settings : "", s->parameters ? s->parameters : "",
	    s->data_query, s->data_source, (int64_t)s->active, now, user, now);
	cat_unlock(c);
	return rc < 0 ? -1 : 0;
}

int
catalog_sub_get(struct catalog *c, const char *id, struct catalog_sub *out,
    struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	cat_lock(c);
	st = db_query(c->db, e, "SELECT " SUB_COLS SUB_FROM " WHERE s.id = ?",
	    "s", id);
	if (st != NULL) {
		rc = db_step(st, e);
		if (rc == 1) {
			sub_read(st, out);
			rc = 0;
		} else if (rc == 0)
			rc = rs_err_set(e, RS_E_NOTFOUND, "there is no "
			    "subscription with the id '%s' "
			    "(rsSubscriptionNotFound)", id);
		db_finalize(st);
	}
	cat_unlock(c);
	return rc;
}

int
catalog_sub_list(struct catalog *c, const char *item_id, const char *owner,
    struct catalog_sub **out, size_t *n, struct rs_err *e)
{
	struct db_stmt		*st;
	struct catalog_sub	*v = NULL;
	size_t			 k = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT " SUB_COLS SUB_FROM " WHERE "
	    "(CAST(? AS TEXT) IS NULL OR s.item_id = ?) AND (CAST(? AS TEXT) "
	    "IS NULL OR lower(s.owner) = lower(?)) ORDER BY i.lpath, "
	    "s.description, s.id", "ssss",
	    item_id, item_id, owner, owner);
	rc = st == NULL ? -1 : 0;
	while (st != NULL && (rc = db_step(st, e)) == 1) {
		v = xreallocarray(v, k + 1, sizeof(*v));
		memset(&v[k], 0, sizeof(v[k]));
		sub_read(st, &v[k++]);
	}
	db_finalize(st);
	cat_unlock(c);
	if (rc == -1) {
		catalog_subs_free(v, k);
		return -1;
	}
	*out = v;
	*n = k;
	return 0;
}

int
catalog_sub_update(struct catalog *c, const struct catalog_sub *s,
    const char *user, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE subscriptions SET description = ?, "
	    "event_type = ?, schedule_id = ?, extension = ?, settings = ?, "
	    "parameters = ?, data_query = ?, data_source = ?, active = ?, "
	    "modified_by = ?, modified = ? WHERE id = ?", "ssssssssisis",
	    s->description ? s->description : "", s->event_type,
	    cat_nullid(s->schedule_id), s->extension, s->settings ?
	    s->settings : "", s->parameters ? s->parameters : "", s->data_query,
	    s->data_source, (int64_t)s->active, user, cat_now(), s->id);
	cat_unlock(c);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "there is no subscription "
		    "with the id '%s' (rsSubscriptionNotFound)", s->id);
	return rc < 0 ? -1 : 0;
}

/* Runs sql (one id argument) that must touch a row. */
static int
one_row(struct catalog *c, struct rs_err *e, const char *what,
    const char *id, const char *sql)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, sql, "s", id);
	cat_unlock(c);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "there is no %s with the "
		    "id '%s'", what, id);
	return rc < 0 ? -1 : 0;
}

int
catalog_sub_del(struct catalog *c, const char *id, struct rs_err *e)
{
	return one_row(c, e, "subscription", id, "DELETE FROM subscriptions "
	    "WHERE id = ?");
}

int
catalog_sub_set_owner(struct catalog *c, const char *id, const char *owner,
    int kind, const char *user, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE subscriptions SET owner = ?, owner_kind "
	    "= ?, modified_by = ?, modified = ? WHERE id = ?", "sisis", owner,
	    (int64_t)kind, user, cat_now(), id);
	cat_unlock(c);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "there is no subscription "
		    "with the id '%s' (rsSubscriptionNotFound)", id);
	return rc < 0 ? -1 : 0;
}

int
catalog_sub_set_active(struct catalog *c, const char *id, bool active,
    struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE subscriptions SET active = ? WHERE id = "
	    "?", "is", (int64_t)active, id);
	cat_unlock(c);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "there is no subscription "
		    "with the id '%s' (rsSubscriptionNotFound)", id);
	return rc < 0 ? -1 : 0;
}

int
catalog_sub_set_status(struct catalog *c, const char *id, const char *status,
    int64_t run, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE subscriptions SET last_status = ?, "
	    "last_run = CASE WHEN ? > 0 THEN ? ELSE last_run END WHERE id = ?",
	    "siis", status, run, run, id);
	cat_unlock(c);
	return rc < 0 ? -1 : 0;
}

void
catalog_plan_fini(struct catalog_plan *p)
{
	free(p->item_path);
	free(p->owner);
	free(p->description);
	free(p->parameters);
	free(p->last_status);
	free(p->modified_by);
	memset(p, 0, sizeof(*p));
}

void
catalog_plans_free(struct catalog_plan *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		catalog_plan_fini(&v[i]);
	free(v);
}

static void
plan_read(struct db_stmt *st, struct catalog_plan *p)
{
	cat_col_id(st, 0, p->id);
	cat_col_id(st, 1, p->item_id);
	p->item_path = cat_col_dup(st, 2);
	p->owner = cat_col_dup(st, 3);
	p->description = cat_col_dup(st, 4);
	cat_col_id(st, 5, p->schedule_id);
	p->parameters = cat_col_dup(st, 6);
	p->last_status = cat_col_dup(st, 7);
	p->last_run = st->db->ops->col_int(st, 8);
	p->modified_by = cat_col_dup(st, 9);
	p->modified = st->db->ops->col_int(st, 10);
}

int
catalog_plan_add(struct catalog *c, struct catalog_plan *p, const char *user,
    struct rs_err *e)
{
	int	rc;

	if (p->id[0] == '\0')
		catalog_guid(p->id);
	cat_lock(c);
	rc = db_run(c->db, e, "INSERT INTO cache_plans (id, item_id, owner, "
	    "description, schedule_id, parameters, modified_by, modified) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "sssssssi", p->id, p->item_id,
	    user, p->description ? p->description : "",
	    cat_nullid(p->schedule_id), p->parameters ? p->parameters : "",
	    user, cat_now());
	cat_unlock(c);
	return rc < 0 ? -1 : 0;
}

int
catalog_plan_get(struct catalog *c, const char *id, struct catalog_plan *out,
    struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	cat_lock(c);
	st = db_query(c->db, e, "SELECT " PLAN_COLS PLAN_FROM " WHERE p.id = "
	    "?", "s", id);
	if (st != NULL) {
		rc = db_step(st, e);
		if (rc == 1) {
			plan_read(st, out);
			rc = 0;
		} else if (rc == 0)
			rc = rs_err_set(e, RS_E_NOTFOUND, "there is no cache "
			    "refresh plan with the id '%s'", id);
		db_finalize(st);
	}
	cat_unlock(c);
	return rc;
}

int
catalog_plan_list(struct catalog *c, const char *item_id,
    struct catalog_plan **out, size_t *n, struct rs_err *e)
{
	struct db_stmt		*st;
	struct catalog_plan	*v = NULL;
	size_t			 k = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT " PLAN_COLS PLAN_FROM " WHERE "
	    "(CAST(? AS TEXT) IS NULL OR p.item_id = ?) ORDER BY i.lpath, "
	    "p.description, p.id",
	    "ss", item_id, item_id);
	rc = st == NULL ? -1 : 0;
	while (st != NULL && (rc = db_step(st, e)) == 1) {
		v = xreallocarray(v, k + 1, sizeof(*v));
		memset(&v[k], 0, sizeof(v[k]));
		plan_read(st, &v[k++]);
	}
	db_finalize(st);
	cat_unlock(c);
	if (rc == -1) {
		catalog_plans_free(v, k);
		return -1;
	}
	*out = v;
	*n = k;
	return 0;
}

int
catalog_plan_update(struct catalog *c, const struct catalog_plan *p,
    const char *user, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE cache_plans SET description = ?, "
	    "schedule_id = ?, parameters = ?, modified_by = ?, modified = ? "
	    "WHERE id = ?", "ssssis", p->description ? p->description : "",
	    cat_nullid(p->schedule_id), p->parameters ? p->parameters : "",
	    user, cat_now(), p->id);
	cat_unlock(c);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "there is no cache refresh "
		    "plan with the id '%s'", p->id);
	return rc < 0 ? -1 : 0;
}

int
catalog_plan_del(struct catalog *c, const char *id, struct rs_err *e)
{
	return one_row(c, e, "cache refresh plan", id, "DELETE FROM "
	    "cache_plans WHERE id = ?");
}

int
catalog_plan_set_status(struct catalog *c, const char *id,
    const char *status, int64_t run, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE cache_plans SET last_status = ?, "
	    "last_run = CASE WHEN ? > 0 THEN ? ELSE last_run END WHERE id = ?",
	    "siis", status, run, run, id);
	cat_unlock(c);
	return rc < 0 ? -1 : 0;
}

int
catalog_exec_opts_get(struct catalog *c, const char *item_id,
    struct catalog_exec_opts *o, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	memset(o, 0, sizeof(*o));
	o->history_manual = true;
	o->history_limit = -1;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT exec_type, cache_minutes, "
	    "COALESCE(cache_schedule_id, ''), COALESCE(snapshot_schedule_id, "
	    "''), COALESCE(history_schedule_id, ''), history_manual, "
	    "history_keep_exec, history_limit FROM item_exec WHERE item_id = ?",
	    "s", item_id);
	if (st != NULL) {
		rc = db_step(st, e);
		if (rc == 1) {
			int64_t	(*num)(struct db_stmt *, int) =
			    st->db->ops->col_int;

			o->exec_type = (int)num(st, 0);
			o->cache_minutes = (int)num(st, 1);
			cat_col_id(st, 2, o->cache_schedule_id);
			cat_col_id(st, 3, o->snapshot_schedule_id);
			cat_col_id(st, 4, o->history_schedule_id);
			o->history_manual = num(st, 5) != 0;
			o->history_keep_exec = num(st, 6) != 0;
			o->history_limit = (int)num(st, 7);
		}
		rc = rc < 0 ? -1 : 0;
		db_finalize(st);
	}
	cat_unlock(c);
	return rc;
}

int
catalog_exec_opts_set(struct catalog *c, const char *item_id,
    const struct catalog_exec_opts *o, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "INSERT INTO item_exec (item_id, exec_type, "
	    "cache_minutes, cache_schedule_id, snapshot_schedule_id, "
	    "history_schedule_id, history_manual, history_keep_exec, "
	    "history_limit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
	    "(item_id) DO UPDATE SET exec_type = excluded.exec_type, "
	    "cache_minutes = excluded.cache_minutes, cache_schedule_id = "
	    "excluded.cache_schedule_id, snapshot_schedule_id = "
	    "excluded.snapshot_schedule_id, history_schedule_id = "
	    "excluded.history_schedule_id, history_manual = "
	    "excluded.history_manual, history_keep_exec = "
	    "excluded.history_keep_exec, history_limit = "
	    "excluded.history_limit", "siisssiii", item_id,
	    (int64_t)o->exec_type, (int64_t)o->cache_minutes,
	    cat_nullid(o->cache_schedule_id), cat_nullid(o->snapshot_schedule_id),
	    cat_nullid(o->history_schedule_id), (int64_t)o->history_manual,
	    (int64_t)o->history_keep_exec, (int64_t)o->history_limit);
	cat_unlock(c);
	return rc < 0 ? -1 : 0;
}
