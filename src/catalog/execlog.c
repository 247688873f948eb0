/*
 * execlog.c: the execution log (the original's ExecutionLog3 view), one
 * row per report execution, written by the report server after each
 * render.
 */
#include "catalog/catalog_int.h"

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
