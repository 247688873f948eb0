/*
 * execlog.c: the execution log (the original's ExecutionLog3 view), one
 * row per report execution, written by the report server after each
 * render, and read back newest first (a bounded list) for the REST API's
 * ExecutionLogs.
 */
#include "catalog/catalog_int.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

int
catalog_exec_log_add(struct catalog *c, const struct catalog_exec *x,
    struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "INSERT INTO execution_log (instance_name, "
	    "item_path, user_name, request_type, format, parameters, "
	    "item_action, time_start, time_end, time_data_retrieval, "
	    "time_processing, time_rendering, source, status, byte_count, "
	    "row_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?)", "sssssssiiiiissii", nz(x->instance), nz(x->item_path),
	    nz(x->user), x->request_type ? x->request_type : "Interactive",
	    nz(x->format), nz(x->parameters), x->item_action ? x->item_action :
	    "Render", x->time_start, x->time_end, x->time_data,
	    x->time_processing, x->time_rendering, x->source ? x->source :
	    "Live", nz(x->status), x->bytes, x->rows);
	cat_unlock(c);
	return rc < 0 ? -1 : 0;
}

int
catalog_exec_log_trim(struct catalog *c, int64_t before_ms, int64_t *n,
    struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "DELETE FROM execution_log WHERE time_start < ?",
	    "i", before_ms);
	cat_unlock(c);
	*n = rc < 0 ? 0 : rc;
	return rc < 0 ? -1 : 0;
}

int
catalog_exec_log_count(struct catalog *c, int64_t *n, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	*n = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT count(*) FROM execution_log", "");
	if (st != NULL && db_step(st, e) == 1) {
		*n = c->db->ops->col_int(st, 0);
		rc = 0;
	}
	db_finalize(st);
	cat_unlock(c);
	return rc;
}

static char *
dup_col(struct db_stmt *st, int i)
{
	return xstrdup(nz(st->db->ops->col_text(st, i)));
}

static void
row_read(struct db_stmt *st, struct catalog_exec_row *r)
{
	int64_t	(*num)(struct db_stmt *, int) = st->db->ops->col_int;

	r->id = num(st, 0);
	r->instance = dup_col(st, 1);
	r->item_path = dup_col(st, 2);
	r->user = dup_col(st, 3);
	r->request_type = dup_col(st, 4);
	r->format = dup_col(st, 5);
	r->parameters = dup_col(st, 6);
	r->item_action = dup_col(st, 7);
	r->time_start = num(st, 8);
	r->time_end = num(st, 9);
	r->time_data = num(st, 10);
	r->time_processing = num(st, 11);
	r->time_rendering = num(st, 12);
	r->source = dup_col(st, 13);
	r->status = dup_col(st, 14);
	r->bytes = num(st, 15);
	r->rows = num(st, 16);
}

int
catalog_exec_log_list(struct catalog *c, size_t limit,
    struct catalog_exec_row **out, size_t *n, struct rs_err *e)
{
	struct catalog_exec_row	*v = NULL;
	struct db_stmt		*st;
	size_t			 cap = 0;
	int			 rc = 0;

	*out = NULL;
	*n = 0;
	if (limit == 0 || limit > CATALOG_EXEC_LIST_MAX)
		limit = CATALOG_EXEC_LIST_MAX;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT id, instance_name, item_path, "
	    "user_name, request_type, format, parameters, item_action, "
	    "time_start, time_end, time_data_retrieval, time_processing, "
	    "time_rendering, source, status, byte_count, row_count FROM "
	    "execution_log ORDER BY time_start DESC, id DESC LIMIT ?", "i",
	    (int64_t)limit);
	while (st != NULL && (rc = db_step(st, e)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		memset(&v[*n], 0, sizeof(v[*n]));
		row_read(st, &v[(*n)++]);
	}
	db_finalize(st);
	cat_unlock(c);
	if (st == NULL || rc == -1) {
		catalog_exec_rows_free(v, *n);
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}

void
catalog_exec_rows_free(struct catalog_exec_row *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].instance);
		free(v[i].item_path);
		free(v[i].user);
		free(v[i].request_type);
		free(v[i].format);
		free(v[i].parameters);
		free(v[i].item_action);
		free(v[i].source);
		free(v[i].status);
	}
	free(v);
}
