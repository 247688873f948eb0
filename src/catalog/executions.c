/*
 * executions.c: report executions, the sessions of ReportExecution2005
 * (LoadReport, SetExecutionParameters, Render ...).  The original keeps
 * them in ReportServerTempDB; here they are rows of the catalog, so a
 * client whose next call lands on another node of a scale-out finds its
 * execution there.  A row is read only while it has not expired; expired
 * rows are removed by catalog_execution_purge (and replaced ids are never
 * reused: each id is 120 random bits).
 */
#include "catalog/catalog_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

void
catalog_execution_fini(struct catalog_execution *x)
{
	if (x == NULL)
		return;
	free(x->user);
	free(x->item_path);
	free(x->definition);
	free(x->parameters);
	free(x->param_language);
	memset(x, 0, sizeof(*x));
}

/* The original's execution ids are 24 characters of [a-z0-5]: base32. */
void
catalog_execution_id(struct catalog_execution *x)
{
	static const char	abc[] = "abcdefghijklmnopqrstuvwxyz012345";
	uint8_t			r[CATALOG_EXEC_ID_LEN];
	size_t			got = 0;

	while (got < sizeof(r)) {
		ssize_t	n = getrandom(r + got, sizeof(r) - got, 0);

		if (n > 0)
			got += (size_t)n;
	}
	for (size_t i = 0; i < CATALOG_EXEC_ID_LEN; i++)
		x->id[i] = abc[r[i] & 31];
	x->id[CATALOG_EXEC_ID_LEN] = '\0';
	explicit_bzero(r, sizeof(r));
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

int
catalog_execution_add(struct catalog *c, const struct catalog_execution *x,
    struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "INSERT INTO executions (id, user_name, item_id, "
	    "item_path, definition, parameters, param_language, num_pages, "
	    "created, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "ssssbssiii", x->id, nz(x->user), x->item_id[0] ? x->item_id :
	    NULL, nz(x->item_path), x->definition, x->definition_len,
	    nz(x->parameters), nz(x->param_language), (int64_t)x->num_pages,
	    x->created, x->expires);
	cat_unlock(c);
	if (rc < 0 && e->code == RS_E_DB && strcasestr(e->msg, "unique") != NULL)
		return rs_err_set(e, RS_E_EXISTS, "the execution id '%s' is in "
		    "use", x->id);
	return rc < 0 ? -1 : 0;
}

static void
read_row(struct db_stmt *st, struct catalog_execution *x)
{
	const struct db_ops	*o = st->db->ops;
	const void		*p;
	size_t			 len = 0;

	memset(x, 0, sizeof(*x));
	str_copy(x->id, sizeof(x->id), nz(o->col_text(st, 0)));
	x->user = xstrdup(nz(o->col_text(st, 1)));
	str_copy(x->item_id, sizeof(x->item_id), nz(o->col_text(st, 2)));
	x->item_path = xstrdup(nz(o->col_text(st, 3)));
	p = o->col_blob(st, 4, &len);
	if (p != NULL) {
		x->definition = xmalloc(len + 1);
		memcpy(x->definition, p, len);
		((char *)x->definition)[len] = '\0';
		x->definition_len = len;
	}
	x->parameters = xstrdup(nz(o->col_text(st, 5)));
	x->param_language = xstrdup(nz(o->col_text(st, 6)));
	x->num_pages = (int)o->col_int(st, 7);
	x->created = o->col_int(st, 8);
	x->expires = o->col_int(st, 9);
}

int
catalog_execution_get(struct catalog *c, const char *id, int64_t now,
    struct catalog_execution *out, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc;

	memset(out, 0, sizeof(*out));
	cat_lock(c);
	st = db_query(c->db, e, "SELECT id, user_name, item_id, item_path, "
	    "definition, parameters, param_language, num_pages, created, "
	    "expires FROM executions WHERE id = ? AND expires >= ?", "si", id,
	    now);
	rc = st != NULL ? db_step(st, e) : -1;
	if (rc == 1)
		read_row(st, out);
	db_finalize(st);
	cat_unlock(c);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "the execution '%.40s' "
		    "cannot be found (it expired, or never existed)", id);
	return rc == 1 ? 0 : -1;
}

int
catalog_execution_update(struct catalog *c,
    const struct catalog_execution *x, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE executions SET parameters = ?, "
	    "param_language = ?, num_pages = ?, expires = ? WHERE id = ?",
	    "ssiis", nz(x->parameters), nz(x->param_language),
	    (int64_t)x->num_pages, x->expires, x->id);
	cat_unlock(c);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "the execution '%s' cannot "
		    "be found", x->id);
	return rc < 0 ? -1 : 0;
}

int
catalog_execution_del(struct catalog *c, const char *id, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "DELETE FROM executions WHERE id = ?", "s", id);
	cat_unlock(c);
	return rc < 0 ? -1 : 0;
}

int
catalog_execution_purge(struct catalog *c, int64_t now, int64_t *n,
    struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "DELETE FROM executions WHERE expires < ?", "i",
	    now);
	cat_unlock(c);
	if (n != NULL)
		*n = rc < 0 ? 0 : rc;
	return rc < 0 ? -1 : 0;
}
