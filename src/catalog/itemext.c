/*
 * itemext.c: what an item carries besides its row in items: the
 * server-side bindings of its data sources (a shared data source by id,
 * or an embedded definition, by data source name) and its user-defined
 * properties.  Both are keyed by a lower-case name, as the original
 * compares these names case-insensitively.
 */
#include "catalog/catalog_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define ITEMEXT_MAX	1000	/* bindings or properties of one item */

void
catalog_ds_bindings_free(struct catalog_ds_binding *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].ref_path);
		free(v[i].definition);
	}
	free(v);
}

static void
read_binding(struct db_stmt *st, struct catalog_ds_binding *b)
{
	const struct db_ops	*o = st->db->ops;
	const char		*id = o->col_text(st, 1);
	const char		*now = o->col_text(st, 2), *was;
	const void		*p;
	size_t			 len = 0;

	memset(b, 0, sizeof(*b));
	b->name = xstrdup(o->col_text(st, 0) != NULL ? o->col_text(st, 0) :
	    "");
	str_copy(b->ref_id, sizeof(b->ref_id), id != NULL ? id : "");
	was = o->col_text(st, 3);
	if (now != NULL)
		b->ref_path = xstrdup(now);
	else if (was != NULL)
		b->ref_path = xstrdup(was);
	p = o->col_blob(st, 4, &len);
	if (p != NULL && b->ref_path == NULL) {
		b->definition = xmalloc(len + 1);
		memcpy(b->definition, p, len);
		((char *)b->definition)[len] = '\0';
		b->definition_len = len;
	}
}

int
catalog_ds_binding_list(struct catalog *c, const char *item_id,
    struct catalog_ds_binding **out, size_t *n, struct rs_err *e)
{
	struct db_stmt	*st;
	size_t		 cap = 0;
	int		 rc = -1, r = -1;

	*out = NULL;
	*n = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT d.name, d.ref_id, i.path, d.ref_path, "
	    "d.definition FROM item_datasources d LEFT JOIN items i ON "
	    "i.id = d.ref_id WHERE d.item_id = ? ORDER BY d.lname", "s",
	    item_id);
	while (st != NULL && (r = db_step(st, e)) == 1) {
		if (*n == ITEMEXT_MAX)
			break;
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xreallocarray(*out, cap, sizeof(**out));
		}
		read_binding(st, &(*out)[(*n)++]);
	}
	if (st != NULL && (r == 0 || *n == ITEMEXT_MAX))
		rc = 0;
	db_finalize(st);
	cat_unlock(c);
	if (rc == -1) {
		catalog_ds_bindings_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int
binding_put(struct catalog *c, const char *item_id,
    const struct catalog_ds_binding *b, struct rs_err *e)
{
	char	*l = cat_lower(b->name);
	int	 rc;

	rc = db_run(c->db, e, "DELETE FROM item_datasources WHERE item_id = ? "
	    "AND lname = ?", "ss", item_id, l);
	if (rc >= 0)
		rc = db_run(c->db, e, "INSERT INTO item_datasources (item_id, "
		    "lname, name, ref_id, ref_path, definition) VALUES (?, ?, ?, "
		    "?, ?, ?)", "sssssb", item_id, l, b->name, b->ref_id[0] ?
		    b->ref_id : NULL, b->ref_path, b->ref_path != NULL ? NULL :
		    b->definition, b->definition_len);
	free(l);
	return rc < 0 ? -1 : 0;
}

int
catalog_ds_binding_set(struct catalog *c, const char *item_id,
    const struct catalog_ds_binding *v, size_t n, const char *user,
    struct rs_err *e)
{
	int	rc = -1;

	if (n > ITEMEXT_MAX)
		return rs_err_set(e, RS_E_LIMIT, "more than %d data sources",
		    ITEMEXT_MAX);
	cat_lock(c);
	if (db_begin(c->db, e) == -1)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (binding_put(c, item_id, &v[i], e) == -1)
			goto fail;
	rc = db_run(c->db, e, "UPDATE items SET modified_by = ?, modified = ? "
	    "WHERE id = ?", "sis", user, cat_now(), item_id);
	if (rc == 0)
		rs_err_set(e, RS_E_NOTFOUND, "the item '%s' cannot be found",
		    item_id);
	if (rc <= 0 || db_commit(c->db, e) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = -1;
	db_rollback(c->db);
out:
	cat_unlock(c);
	return rc;
}

void
catalog_props_free(struct catalog_prop *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

int
catalog_prop_list(struct catalog *c, const char *item_id,
    struct catalog_prop **out, size_t *n, struct rs_err *e)
{
	const struct db_ops	*o = c->db->ops;
	struct db_stmt		*st;
	size_t			 cap = 0;
	int			 rc = -1, r = -1;

	*out = NULL;
	*n = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT name, value FROM item_properties WHERE "
	    "item_id = ? ORDER BY lname", "s", item_id);
	while (st != NULL && *n < ITEMEXT_MAX && (r = db_step(st, e)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xreallocarray(*out, cap, sizeof(**out));
		}
		(*out)[*n].name = xstrdup(o->col_text(st, 0) ?
		    o->col_text(st, 0) : "");
		(*out)[(*n)++].value = xstrdup(o->col_text(st, 1) ?
		    o->col_text(st, 1) : "");
	}
	if (st != NULL && (*n == ITEMEXT_MAX || r == 0))
		rc = 0;
	db_finalize(st);
	cat_unlock(c);
	if (rc == -1) {
		catalog_props_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int
prop_put(struct catalog *c, const char *item_id, const struct catalog_prop *p,
    struct rs_err *e)
{
	char	*l = cat_lower(p->name);
	int	 rc;

	rc = db_run(c->db, e, "DELETE FROM item_properties WHERE item_id = ? "
	    "AND lname = ?", "ss", item_id, l);
	if (rc >= 0 && p->value != NULL)
		rc = db_run(c->db, e, "INSERT INTO item_properties (item_id, "
		    "lname, name, value) VALUES (?, ?, ?, ?)", "ssss", item_id,
		    l, p->name, p->value);
	free(l);
	return rc < 0 ? -1 : 0;
}

int
catalog_prop_set(struct catalog *c, const char *item_id,
    const struct catalog_prop *v, size_t n, struct rs_err *e)
{
	int	rc = -1;

	if (n > ITEMEXT_MAX)
		return rs_err_set(e, RS_E_LIMIT, "more than %d properties",
		    ITEMEXT_MAX);
	cat_lock(c);
	if (db_begin(c->db, e) == 0) {
		rc = 0;
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = prop_put(c, item_id, &v[i], e);
		if (rc == 0)
			rc = db_commit(c->db, e);
		if (rc == -1)
			db_rollback(c->db);
	}
	cat_unlock(c);
	return rc;
}
