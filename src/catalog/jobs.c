/*
 * jobs.c: the job queue.  A job is one event to process (a subscription's
 * run, a data-driven row, a cache refresh, a snapshot); its event text is
 * unique, so queueing the same event twice is one job.  A server claims
 * the job due first with one UPDATE ... RETURNING whose inner SELECT skips
 * rows another transaction holds (PostgreSQL's FOR UPDATE SKIP LOCKED;
 * SQLite has one writer at a time), and the outer WHERE repeats the
 * condition, so a row two servers race for goes to one.  The claim is a
 * lease: a server that dies leaves the job to whoever comes after it.
 * Every update of a claimed job names its owner, so a server whose lease
 * ran out cannot overwrite the result of the one that took over.
 */
#include "catalog/catalog_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define JOB_COLS	"id, event, kind, target, COALESCE(parent, 0), " \
			"row_no, row_data, fire, due, state, attempts, " \
			"COALESCE(owner, ''), lease_until, status, created, " \
			"COALESCE(finished, 0)"

/* The claim: queued and due, or running with its lease over. */
#define CLAIMABLE	"((state = 0 AND due <= ?) OR (state = 1 AND " \
			"lease_until < ?))"
#define CLAIM_SQL(lock)	"UPDATE jobs SET state = 1, owner = ?, " \
			"lease_until = ?, attempts = attempts + 1 WHERE " \
			"id = (SELECT id FROM jobs WHERE " CLAIMABLE \
			" ORDER BY due, id LIMIT 1" lock ") AND " CLAIMABLE \
			" RETURNING " JOB_COLS

void
catalog_job_fini(struct catalog_job *j)
{
	free(j->event);
	free(j->target);
	free(j->row_data);
	free(j->owner);
	free(j->status);
	memset(j, 0, sizeof(*j));
}

void
catalog_jobs_free(struct catalog_job *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		catalog_job_fini(&v[i]);
	free(v);
}

static void
job_read(struct db_stmt *st, struct catalog_job *j)
{
	int64_t	(*num)(struct db_stmt *, int) = st->db->ops->col_int;

	j->id = num(st, 0);
	j->event = cat_col_dup(st, 1);
	j->kind = (int)num(st, 2);
	j->target = cat_col_dup(st, 3);
	j->parent = num(st, 4);
	j->row_no = (int)num(st, 5);
	j->row_data = cat_col_dup(st, 6);
	j->fire = num(st, 7);
	j->due = num(st, 8);
	j->state = (int)num(st, 9);
	j->attempts = (int)num(st, 10);
	j->owner = cat_col_dup(st, 11);
	j->lease_until = num(st, 12);
	j->status = cat_col_dup(st, 13);
	j->created = num(st, 14);
	j->finished = num(st, 15);
}

int
catalog_job_add(struct catalog *c, const struct catalog_job_new *j,
    int64_t now, bool *added, struct rs_err *e)
{
	int	rc;

	*added = false;
	cat_lock(c);
	/* A job without a parent has NULL there (purge and lists rely on
	 * it), never 0. */
	rc = db_run(c->db, e, "INSERT INTO jobs (event, kind, target, parent, "
	    "row_no, row_data, fire, due, created) VALUES (?, ?, ?, "
	    "NULLIF(?, 0), ?, ?, ?, ?, ?) ON CONFLICT (event) DO NOTHING",
	    "sisiisiii", j->event, (int64_t)j->kind, j->target, j->parent,
	    (int64_t)j->row_no,
	    j->row_data ? j->row_data : "", j->fire, j->due, now);
	cat_unlock(c);
	if (rc < 0)
		return -1;
	*added = rc > 0;
	return 0;
}

int
catalog_job_claim(struct catalog *c, const char *owner, int64_t now,
    int64_t lease_s, struct catalog_job *out, struct rs_err *e)
{
	static const char *const sqlite_sql = CLAIM_SQL("");
	static const char *const pg_sql = CLAIM_SQL(" FOR UPDATE SKIP LOCKED");
	struct db_stmt	*st;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	cat_lock(c);
	st = db_query(c->db, e, c->db->pg ? pg_sql : sqlite_sql, "siiiii",
	    owner, now + lease_s, now, now, now, now);
	if (st != NULL) {
		rc = db_step(st, e);
		if (rc == 1)
			job_read(st, out);
		db_finalize(st);
	}
	cat_unlock(c);
	return rc;
}

/* The result of an update of a claimed job: 0 rows means not ours. */
static int
held(int rc, int64_t id, const char *owner, struct rs_err *e)
{
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "job %lld is no longer "
		    "held by %s", (long long)id, owner);
	return rc < 0 ? -1 : 0;
}

int
catalog_job_renew(struct catalog *c, int64_t id, const char *owner,
    int64_t lease_until, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE jobs SET lease_until = ? WHERE id = ? "
	    "AND state = 1 AND owner = ?", "iis", lease_until, id, owner);
	cat_unlock(c);
	return held(rc, id, owner, e);
}

int
catalog_job_finish(struct catalog *c, int64_t id, const char *owner,
    int state, const char *status, int64_t due, int64_t now,
    struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	if (state == CATALOG_JOB_QUEUED)
		rc = db_run(c->db, e, "UPDATE jobs SET state = 0, due = ?, "
		    "owner = NULL, lease_until = 0, status = ? WHERE id = ? "
		    "AND state = 1 AND owner = ?", "isis", due, status, id,
		    owner);
	else
		rc = db_run(c->db, e, "UPDATE jobs SET state = ?, status = ?, "
		    "finished = ?, lease_until = 0 WHERE id = ? AND state = 1 "
		    "AND owner = ?", "isiis", (int64_t)state, status, now, id,
		    owner);
	cat_unlock(c);
	return held(rc, id, owner, e);
}

int
catalog_job_cancel(struct catalog *c, int64_t id, const char *status,
    int64_t now, bool *cancelled, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE jobs SET state = 3, status = ?, finished "
	    "= ? WHERE id = ? AND state = 0", "sii", status, now, id);
	cat_unlock(c);
	*cancelled = rc > 0;
	return rc < 0 ? -1 : 0;
}

int
catalog_job_note(struct catalog *c, int64_t id, const char *owner,
    const char *status, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE jobs SET status = ? WHERE id = ? AND "
	    "state = 1 AND owner = ?", "sis", status, id, owner);
	cat_unlock(c);
	return held(rc, id, owner, e);
}

int
catalog_job_release(struct catalog *c, const char *owner, int64_t *n,
    struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE jobs SET lease_until = 0 WHERE state = 1 "
	    "AND owner = ?", "s", owner);
	cat_unlock(c);
	*n = rc > 0 ? rc : 0;
	return rc < 0 ? -1 : 0;
}

int
catalog_job_list(struct catalog *c, const char *target, int64_t parent,
    size_t max, struct catalog_job **out, size_t *n, struct rs_err *e)
{
	struct db_stmt		*st;
	struct catalog_job	*v = NULL;
	size_t			 k = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	cat_lock(c);
	if (parent != 0)
		st = db_query(c->db, e, "SELECT " JOB_COLS " FROM jobs WHERE "
		    "parent = ? ORDER BY row_no LIMIT ?", "ii", parent,
		    (int64_t)max);
	else if (target == NULL)
		st = db_query(c->db, e, "SELECT " JOB_COLS " FROM jobs WHERE "
		    "state < 2 AND parent IS NULL ORDER BY id LIMIT ?", "i",
		    (int64_t)max);
	else
		st = db_query(c->db, e, "SELECT " JOB_COLS " FROM jobs WHERE "
		    "target = ? AND parent IS NULL ORDER BY id DESC LIMIT ?",
		    "si", target, (int64_t)max);
	rc = st == NULL ? -1 : 0;
	while (st != NULL && (rc = db_step(st, e)) == 1) {
		v = xreallocarray(v, k + 1, sizeof(*v));
		memset(&v[k], 0, sizeof(v[k]));
		job_read(st, &v[k++]);
	}
	db_finalize(st);
	cat_unlock(c);
	if (rc == -1) {
		catalog_jobs_free(v, k);
		return -1;
	}
	*out = v;
	*n = k;
	return 0;
}

int
catalog_job_children(struct catalog *c, int64_t parent, int64_t *all,
    int64_t *done, int64_t *failed, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	*all = *done = *failed = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT count(*), COALESCE(sum(CASE WHEN state "
	    "= 2 THEN 1 ELSE 0 END), 0), COALESCE(sum(CASE WHEN state = 3 THEN "
	    "1 ELSE 0 END), 0) FROM jobs WHERE parent = ?", "i", parent);
	if (st != NULL && db_step(st, e) == 1) {
		*all = c->db->ops->col_int(st, 0);
		*done = c->db->ops->col_int(st, 1);
		*failed = c->db->ops->col_int(st, 2);
		rc = 0;
	}
	db_finalize(st);
	cat_unlock(c);
	return rc;
}

int
catalog_job_children_pending(struct catalog *c, int64_t parent,
    bool *pending, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	*pending = false;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT 1 FROM jobs WHERE parent = ? AND "
	    "state < 2 LIMIT 1", "i", parent);
	if (st != NULL) {
		rc = db_step(st, e);
		*pending = rc == 1;
		rc = rc < 0 ? -1 : 0;
	}
	db_finalize(st);
	cat_unlock(c);
	return rc;
}

int
catalog_job_counts(struct catalog *c, int64_t counts[4], struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc;

	memset(counts, 0, 4 * sizeof(counts[0]));
	cat_lock(c);
	st = db_query(c->db, e, "SELECT state, count(*) FROM jobs GROUP BY "
	    "state", "");
	rc = st == NULL ? -1 : 0;
	while (st != NULL && (rc = db_step(st, e)) == 1) {
		int64_t	s = c->db->ops->col_int(st, 0);

		if (s >= 0 && s < 4)
			counts[s] = c->db->ops->col_int(st, 1);
	}
	db_finalize(st);
	cat_unlock(c);
	return rc;
}

int
catalog_job_purge(struct catalog *c, int64_t before, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "DELETE FROM jobs WHERE state >= 2 AND finished "
	    "< ? AND parent IS NULL AND id NOT IN (SELECT parent FROM jobs "
	    "WHERE parent IS NOT NULL AND state < 2)", "i", before);
	if (rc >= 0)
		rc = db_run(c->db, e, "DELETE FROM jobs WHERE parent IS NOT NULL "
		    "AND parent NOT IN (SELECT id FROM jobs)", "");
	cat_unlock(c);
	return rc < 0 ? -1 : 0;
}
