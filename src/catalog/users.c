/*
 * users.c: the built-in accounts.  Only names and crypt(3) hashes are
 * stored; making and checking the hashes is the report server's job.
 */
#include "catalog/catalog_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>

int
catalog_user_add(struct catalog *c, const char *name, const char *hash,
    struct rs_err *e)
{
	char	*l;
	int	 rc;

	if (catalog_name_check(name, e) == -1) {
		rs_err_prefix(e, "cannot add user");
		return -1;
	}
	l = cat_lower(name);
	cat_lock(c);
	rc = db_run(c->db, e, "INSERT INTO users VALUES (?, ?, ?, ?) ON "
	    "CONFLICT (lname) DO NOTHING", "sssi", l, name, hash, cat_now());
	cat_unlock(c);
	free(l);
	if (rc == 0)
		return rs_err_set(e, RS_E_EXISTS, "the user '%s' already "
		    "exists", name);
	return rc < 0 ? -1 : 0;
}

int
catalog_user_set_hash(struct catalog *c, const char *name, const char *hash,
    struct rs_err *e)
{
	char	*l = cat_lower(name);
	int	 rc;

	cat_lock(c);
	rc = db_run(c->db, e, "UPDATE users SET hash = ? WHERE lname = ?",
	    "ss", hash, l);
	cat_unlock(c);
	free(l);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "no built-in user '%s'",
		    name);
	return rc < 0 ? -1 : 0;
}

int
catalog_user_hash(struct catalog *c, const char *name, char *out,
    size_t outsz, struct rs_err *e)
{
	struct db_stmt	*st;
	char		*l = cat_lower(name);
	int		 rc = -1;

	cat_lock(c);
	st = db_query(c->db, e, "SELECT hash FROM users WHERE lname = ?", "s",
	    l);
	if (st != NULL) {
		rc = db_step(st, e);
		if (rc == 1 && str_copy(out, outsz,
		    c->db->ops->col_text(st, 0)) == -1)
			rc = rs_err_set(e, RS_E_DB, "stored hash too long");
		db_finalize(st);
	}
	cat_unlock(c);
	free(l);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "no built-in user '%s'",
		    name);
	return rc == 1 ? 0 : -1;
}

int
catalog_user_list(struct catalog *c, char ***names, size_t *n,
    struct rs_err *e)
{
	struct db_stmt	*st;
	char		**v = NULL;
	size_t		 len = 0;
	int		 rc = -1;

	*names = NULL;
	*n = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT name FROM users ORDER BY lname", "");
	if (st != NULL) {
		while ((rc = db_step(st, e)) == 1) {
			v = xreallocarray(v, len + 1, sizeof(*v));
			v[len++] = xstrdup(c->db->ops->col_text(st, 0));
		}
		db_finalize(st);
	}
	cat_unlock(c);
	if (rc == -1) {
		catalog_user_list_free(v, len);
		return -1;
	}
	*names = v;
	*n = len;
	return 0;
}

void
catalog_user_list_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
catalog_user_del(struct catalog *c, const char *name, struct rs_err *e)
{
	char	*l = cat_lower(name);
	int	 rc;

	cat_lock(c);
	rc = db_run(c->db, e, "DELETE FROM users WHERE lname = ?", "s", l);
	cat_unlock(c);
	free(l);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "no built-in user '%s'",
		    name);
	return rc < 0 ? -1 : 0;
}
