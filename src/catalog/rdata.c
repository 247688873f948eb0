/*
 * rdata.c: stored report data: the execution snapshot of a report, its
 * history snapshots and its cache entries (one per parameter values).  The
 * content is what the report server makes of a report's retrieved data
 * (its own encoding); this file stores and finds it.  A new snapshot or
 * cache entry replaces the old one in the same transaction, and a new
 * history snapshot trims the history to its limit, so a reader never sees
 * two or none.
 */
#include "catalog/catalog_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define RDATA_COLS	"id, item_id, kind, param_key, created, " \
			"COALESCE(expires, 0), size"

void
catalog_rdata_fini(struct catalog_rdata *d)
{
	free(d->param_key);
	d->param_key = NULL;
}

void
catalog_rdatas_free(struct catalog_rdata *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		catalog_rdata_fini(&v[i]);
	free(v);
}

static void
rd_read(struct db_stmt *st, struct catalog_rdata *d)
{
	cat_col_id(st, 0, d->id);
	cat_col_id(st, 1, d->item_id);
	d->kind = (int)st->db->ops->col_int(st, 2);
	d->param_key = cat_col_dup(st, 3);
	d->created = st->db->ops->col_int(st, 4);
	d->expires = st->db->ops->col_int(st, 5);
	d->size = st->db->ops->col_int(st, 6);
}

/* Drops what a new row replaces; the caller holds a transaction. */
static int
replaced(struct db *db, const struct catalog_rdata *d, struct rs_err *e)
{
	if (d->kind == CATALOG_DATA_SNAPSHOT)
		return db_run(db, e, "DELETE FROM report_data WHERE item_id = ? "
		    "AND kind = 1", "s", d->item_id) < 0 ? -1 : 0;
	if (d->kind == CATALOG_DATA_CACHE)
		return db_run(db, e, "DELETE FROM report_data WHERE item_id = ? "
		    "AND kind = 3 AND param_key = ?", "ss", d->item_id,
		    d->param_key ? d->param_key : "") < 0 ? -1 : 0;
	return 0;
}

/* Keeps the newest `keep` history rows. */
static int
trim(struct db *db, const char *item_id, int keep, struct rs_err *e)
{
	if (keep < 0)
		return 0;
	return db_run(db, e, "DELETE FROM report_data WHERE item_id = ? AND "
	    "kind = 2 AND id NOT IN (SELECT id FROM report_data WHERE item_id "
	    "= ? AND kind = 2 ORDER BY created DESC, id DESC LIMIT ?)", "ssi",
	    item_id, item_id, (int64_t)keep) < 0 ? -1 : 0;
}

int
catalog_rdata_put(struct catalog *c, struct catalog_rdata *d,
    const void *data, size_t len, int keep, struct rs_err *e)
{
	int	rc = -1;

	catalog_guid(d->id);
	d->size = (int64_t)len;
	cat_lock(c);
	if (db_begin(c->db, e) == -1)
		goto out;
	if (replaced(c->db, d, e) == -1 || db_run(c->db, e, "INSERT INTO "
	    "report_data (id, item_id, kind, param_key, created, expires, size, "
	    "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ssisiiib", d->id,
	    d->item_id, (int64_t)d->kind, d->param_key ? d->param_key : "",
	    d->created, d->expires, d->size, data != NULL ? data : "", len) < 0
	    || (d->kind == CATALOG_DATA_HISTORY && trim(c->db, d->item_id,
	    keep, e) == -1) || db_commit(c->db, e) == -1) {
		db_rollback(c->db);
		goto out;
	}
	rc = 0;
out:
	cat_unlock(c);
	return rc;
}

int
catalog_rdata_find(struct catalog *c, const char *item_id, int kind,
    const char *param_key, int64_t created, int64_t now,
    struct catalog_rdata *out, void **data, size_t *len, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if (data != NULL)
		*data = NULL;
	*len = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT " RDATA_COLS ", data FROM report_data "
	    "WHERE item_id = ? AND kind = ? AND (? <> 3 OR (param_key = ? AND "
	    "(expires IS NULL OR expires = 0 OR expires > ?))) AND (? <> 2 OR "
	    "created = ?) ORDER BY created DESC LIMIT 1", "siisiii", item_id,
	    (int64_t)kind, (int64_t)kind, param_key ? param_key : "", now,
	    (int64_t)kind, created);
	if (st != NULL) {
		rc = db_step(st, e);
		if (rc == 1) {
			size_t		 n;
			const void	*p = st->db->ops->col_blob(st, 7, &n);

			rd_read(st, out);
			*len = n;
			if (data != NULL) {
				*data = xmalloc(n + 1);
				if (n > 0)
					memcpy(*data, p, n);
			}
			rc = 0;
		} else if (rc == 0)
			rc = rs_err_set(e, RS_E_NOTFOUND, "no stored data of "
			    "that kind for this report");
		db_finalize(st);
	}
	cat_unlock(c);
	return rc;
}

int
catalog_rdata_list(struct catalog *c, const char *item_id, int kind,
    struct catalog_rdata **out, size_t *n, struct rs_err *e)
{
	struct db_stmt		*st;
	struct catalog_rdata	*v = NULL;
	size_t			 k = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT " RDATA_COLS " FROM report_data WHERE "
	    "item_id = ? AND kind = ? ORDER BY created DESC, id DESC", "si",
	    item_id, (int64_t)kind);
	rc = st == NULL ? -1 : 0;
	while (st != NULL && (rc = db_step(st, e)) == 1) {
		v = xreallocarray(v, k + 1, sizeof(*v));
		memset(&v[k], 0, sizeof(v[k]));
		rd_read(st, &v[k++]);
	}
	db_finalize(st);
	cat_unlock(c);
	if (rc == -1) {
		catalog_rdatas_free(v, k);
		return -1;
	}
	*out = v;
	*n = k;
	return 0;
}

int
catalog_rdata_del(struct catalog *c, const char *item_id, int kind,
    const char *id, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	if (id != NULL)
		rc = db_run(c->db, e, "DELETE FROM report_data WHERE item_id = ? "
		    "AND kind = ? AND id = ?", "sis", item_id, (int64_t)kind, id);
	else
		rc = db_run(c->db, e, "DELETE FROM report_data WHERE item_id = ? "
		    "AND kind = ?", "si", item_id, (int64_t)kind);
	cat_unlock(c);
	if (rc == 0 && id != NULL)
		return rs_err_set(e, RS_E_NOTFOUND, "there is no such snapshot");
	return rc < 0 ? -1 : 0;
}
