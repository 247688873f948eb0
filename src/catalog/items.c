/*
 * items.c: catalog items: read, list, add, update, move and delete.
 * Paths are kept in full on every row (with a lower-case copy as the
 * unique key), so a lookup by path is one indexed query; a move or rename
 * rewrites the subtree's paths inside one transaction.  Listings are
 * sorted here, not by the database, so both backends order alike.
 */
#include "catalog/catalog_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ITEM_COLS "id, parent_id, path, name, description, content_type, " \
	"created_by, modified_by, type, hidden, inherit, size, created, " \
	"modified"

static char *
dup_or_empty(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

static void
read_item(struct db_stmt *st, struct catalog_item *it)
{
	const struct db_ops	*o = st->db->ops;
	const char		*p;

	memset(it, 0, sizeof(*it));
	str_copy(it->id, sizeof(it->id), o->col_text(st, 0));
	p = o->col_text(st, 1);
	str_copy(it->parent_id, sizeof(it->parent_id), p != NULL ? p : "");
	it->path = dup_or_empty(o->col_text(st, 2));
	it->name = dup_or_empty(o->col_text(st, 3));
	it->description = dup_or_empty(o->col_text(st, 4));
	it->content_type = dup_or_empty(o->col_text(st, 5));
	it->created_by = dup_or_empty(o->col_text(st, 6));
	it->modified_by = dup_or_empty(o->col_text(st, 7));
	it->type = (int)o->col_int(st, 8);
	it->hidden = o->col_int(st, 9) != 0;
	it->inherit = o->col_int(st, 10) != 0;
	it->size = o->col_int(st, 11);
	it->created = o->col_int(st, 12);
	it->modified = o->col_int(st, 13);
}

void
catalog_item_fini(struct catalog_item *it)
{
	if (it == NULL)
		return;
	free(it->path);
	free(it->name);
	free(it->description);
	free(it->content_type);
	free(it->created_by);
	free(it->modified_by);
	memset(it, 0, sizeof(*it));
}

void
catalog_items_free(struct catalog_item *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		catalog_item_fini(&v[i]);
	free(v);
}

/* Reads one item by a key column; the lock is held by the caller. */
static int
get_by(struct catalog *c, const char *sql, const char *key,
    struct catalog_item *out, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc;

	st = db_query(c->db, e, sql, "s", key);
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == 1)
		read_item(st, out);
	db_finalize(st);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "the item '%.300s' cannot "
		    "be found", key);
	return rc == 1 ? 0 : -1;
}

static int
get_path(struct catalog *c, const char *path, struct catalog_item *out,
    struct rs_err *e)
{
	char	norm[CATALOG_PATH_MAX + 2], *l;
	int	rc;

	if (catalog_path_norm(path, norm, sizeof(norm), e) == -1)
		return -1;
	l = cat_lower(norm);
	rc = get_by(c, "SELECT " ITEM_COLS " FROM items WHERE lpath = ?", l,
	    out, e);
	free(l);
	if (rc == -1 && e->code == RS_E_NOTFOUND)
		rs_err_set(e, RS_E_NOTFOUND, "the item '%.300s' cannot be "
		    "found", norm);
	return rc;
}

int
catalog_item_get(struct catalog *c, const char *path,
    struct catalog_item *out, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = get_path(c, path, out, e);
	cat_unlock(c);
	return rc;
}

int
catalog_item_get_id(struct catalog *c, const char *id,
    struct catalog_item *out, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = get_by(c, "SELECT " ITEM_COLS " FROM items WHERE id = ?", id,
	    out, e);
	cat_unlock(c);
	return rc;
}

static int
cmp_items(const void *a, const void *b)
{
	const struct catalog_item	*x = a, *y = b;
	bool				 fx = x->type == CATALOG_FOLDER;
	bool				 fy = y->type == CATALOG_FOLDER;

	if (fx != fy)
		return fx ? -1 : 1;
	return strcasecmp(x->name, y->name);
}

static int
cmp_paths(const void *a, const void *b)
{
	const struct catalog_item	*x = a, *y = b;

	return strcasecmp(x->path, y->path);
}

/* Reads every row of a query into a new array. */
static int
read_all(struct catalog *c, struct db_stmt *st, struct catalog_item **out,
    size_t *n, struct rs_err *e)
{
	struct catalog_item	*v = NULL;
	size_t			 len = 0, cap = 0;
	int			 rc;

	(void)c;
	while ((rc = db_step(st, e)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		read_item(st, &v[len++]);
	}
	db_finalize(st);
	if (rc == -1) {
		catalog_items_free(v, len);
		return -1;
	}
	*out = v;
	*n = len;
	return 0;
}

int
catalog_item_children(struct catalog *c, const char *folder_id,
    struct catalog_item **out, size_t *n, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	*out = NULL;
	*n = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT " ITEM_COLS " FROM items WHERE "
	    "parent_id = ?", "s", folder_id);
	if (st != NULL)
		rc = read_all(c, st, out, n, e);
	cat_unlock(c);
	if (rc == 0 && *n > 1)
		qsort(*out, *n, sizeof(**out), cmp_items);
	return rc;
}

int
catalog_item_all(struct catalog *c, struct catalog_item **out, size_t *n,
    struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	*out = NULL;
	*n = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT " ITEM_COLS " FROM items WHERE "
	    "parent_id IS NOT NULL", "");
	if (st != NULL)
		rc = read_all(c, st, out, n, e);
	cat_unlock(c);
	if (rc == 0 && *n > 1)
		qsort(*out, *n, sizeof(**out), cmp_paths);
	return rc;
}

int
catalog_item_content(struct catalog *c, const char *id, void **data,
    size_t *len, struct rs_err *e)
{
	struct db_stmt	*st;
	const void	*p;
	int		 rc;

	*data = NULL;
	*len = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT content FROM items WHERE id = ?", "s",
	    id);
	rc = st != NULL ? db_step(st, e) : -1;
	if (rc == 1) {
		p = c->db->ops->col_blob(st, 0, len);
		*data = xmalloc(*len + 1);
		if (*len > 0)
			memcpy(*data, p, *len);
		((char *)*data)[*len] = '\0';
	}
	db_finalize(st);
	cat_unlock(c);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "the item '%s' cannot be "
		    "found", id);
	return rc == 1 ? 0 : -1;
}

static int
join_path(const char *parent, const char *name, char *out, size_t outsz,
    struct rs_err *e)
{
	int	n;

	n = snprintf(out, outsz, "%s%s%s", parent, strcmp(parent, "/") ?
	    "/" : "", name);
	if (n < 0 || (size_t)n >= outsz || n > CATALOG_PATH_MAX)
		return rs_err_set(e, RS_E_LIMIT, "the path of '%.80s' would be "
		    "longer than %d bytes", name, CATALOG_PATH_MAX);
	return 0;
}

static int
replace_content(struct catalog *c, const struct catalog_item *old,
    const struct catalog_new *nw, const char *user, struct rs_err *e)
{
	if (old->type != nw->type)
		return rs_err_set(e, RS_E_EXISTS, "an item of another type "
		    "named '%s' already exists", old->path);
	/* A new definition brings its own data sources. */
	if (db_run(c->db, e, "DELETE FROM item_datasources WHERE item_id = ?",
	    "s", old->id) < 0)
		return -1;
	return db_run(c->db, e, "UPDATE items SET content = ?, size = ?, "
	    "content_type = ?, modified_by = ?, modified = ? WHERE id = ?",
	    "bissis", nw->content, nw->len, (int64_t)nw->len,
	    nw->content_type ? nw->content_type : "", user, cat_now(),
	    old->id) < 0 ? -1 : 0;
}

static int
insert_item(struct catalog *c, const struct catalog_item *parent,
    const char *path, const struct catalog_new *nw, const char *user,
    struct rs_err *e)
{
	char	 id[CATALOG_ID_LEN + 1], *l = cat_lower(path);
	int64_t	 now = cat_now();
	int	 rc;

	catalog_guid(id);
	rc = db_run(c->db, e, "INSERT INTO items (id, parent_id, path, lpath, "
	    "name, type, description, hidden, inherit, content, content_type, "
	    "size, created_by, created, modified_by, modified) VALUES (?, ?, "
	    "?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)", "sssssisibsisisi",
	    id, parent->id, path, l, nw->name, (int64_t)nw->type,
	    nw->description ? nw->description : "", (int64_t)nw->hidden,
	    nw->type == CATALOG_FOLDER ? NULL : (nw->content ? nw->content :
	    ""), nw->len, nw->content_type ? nw->content_type : "",
	    (int64_t)nw->len, user, now, user, now);
	free(l);
	return rc < 0 ? -1 : 0;
}

static int
add_locked(struct catalog *c, const struct catalog_new *nw, const char *user,
    char *path, size_t pathsz, struct rs_err *e)
{
	struct catalog_item	parent, old;
	int			rc = -1;

	memset(&parent, 0, sizeof(parent));
	memset(&old, 0, sizeof(old));
	if (catalog_name_check(nw->name, e) == -1)
		return -1;
	if (get_path(c, nw->parent, &parent, e) == -1)
		goto out;
	if (parent.type != CATALOG_FOLDER) {
		rs_err_set(e, RS_E_BADINPUT, "'%s' is not a folder", parent.path);
		goto out;
	}
	if (join_path(parent.path, nw->name, path, pathsz, e) == -1)
		goto out;
	if (get_path(c, path, &old, e) == 0) {
		if (nw->overwrite && nw->type != CATALOG_FOLDER)
			rc = replace_content(c, &old, nw, user, e);
		else
			rs_err_set(e, RS_E_EXISTS, "an item named '%s' already "
			    "exists", old.path);
		goto out;
	}
	if (e->code != RS_E_NOTFOUND)
		goto out;
	rc = insert_item(c, &parent, path, nw, user, e);
out:
	catalog_item_fini(&parent);
	catalog_item_fini(&old);
	return rc;
}

int
catalog_item_add(struct catalog *c, const struct catalog_new *nw,
    const char *user, struct catalog_item *out, struct rs_err *e)
{
	char	path[CATALOG_PATH_MAX + 2];
	int	rc = -1;

	cat_lock(c);
	if (db_begin(c->db, e) == -1)
		goto out;
	if (add_locked(c, nw, user, path, sizeof(path), e) == -1 ||
	    db_commit(c->db, e) == -1) {
		db_rollback(c->db);
		goto out;
	}
	rc = out != NULL ? get_path(c, path, out, e) : 0;
out:
	cat_unlock(c);
	return rc;
}

/*
 * Rewrites the paths of an item and its subtree from old to new prefix.
 * The subtree is selected by the lower-case prefix, compared with substr
 * so both backends agree whatever their collation.
 */
static int
repath(struct catalog *c, const char *oldp, const char *newp,
    struct rs_err *e)
{
	struct catalog_item	*v = NULL;
	struct db_stmt		*st;
	char			*lold = cat_lower(oldp), *pfx;
	size_t			 n = 0, ol = strlen(oldp);
	int			 rc = -1;

	pfx = xasprintf("%s/", lold);
	st = db_query(c->db, e, "SELECT " ITEM_COLS " FROM items WHERE lpath "
	    "= ? OR substr(lpath, 1, ?) = ?", "sis", lold,
	    (int64_t)strlen(pfx), pfx);
	if (st == NULL || read_all(c, st, &v, &n, e) == -1)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char	*np = xasprintf("%s%s", newp, v[i].path + ol);
		char	*lp = cat_lower(np);
		int	 r;

		r = db_run(c->db, e, "UPDATE items SET path = ?, lpath = ? "
		    "WHERE id = ?", "sss", np, lp, v[i].id);
		free(np);
		free(lp);
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	catalog_items_free(v, n);
	free(pfx);
	free(lold);
	return rc;
}

/* Fails unless no other item has the lower-case path of p. */
static int
must_be_free(struct catalog *c, const char *p, const char *self,
    struct rs_err *e)
{
	struct catalog_item	it;

	if (get_path(c, p, &it, e) == 0) {
		bool	same = strcmp(it.id, self) == 0;

		catalog_item_fini(&it);
		if (same)
			return 0;
		return rs_err_set(e, RS_E_EXISTS, "an item named '%s' already "
		    "exists", p);
	}
	return e->code == RS_E_NOTFOUND ? 0 : -1;
}

static int
rename_locked(struct catalog *c, const struct catalog_item *it,
    const char *name, struct rs_err *e)
{
	char	parent[CATALOG_PATH_MAX + 2], np[CATALOG_PATH_MAX + 2];

	if (it->parent_id[0] == '\0')
		return rs_err_set(e, RS_E_BADINPUT, "the root folder cannot be "
		    "renamed");
	if (catalog_name_check(name, e) == -1)
		return -1;
	catalog_path_parent(it->path, parent, sizeof(parent));
	if (join_path(parent, name, np, sizeof(np), e) == -1 ||
	    must_be_free(c, np, it->id, e) == -1)
		return -1;
	if (db_run(c->db, e, "UPDATE items SET name = ? WHERE id = ?", "ss",
	    name, it->id) < 0)
		return -1;
	return repath(c, it->path, np, e);
}

static int
update_locked(struct catalog *c, const char *id, const struct catalog_update
    *u, const char *user, struct rs_err *e)
{
	struct catalog_item	it;
	int			rc = -1;

	if (get_by(c, "SELECT " ITEM_COLS " FROM items WHERE id = ?", id, &it,
	    e) == -1)
		return -1;
	if (u->name != NULL && strcmp(u->name, it.name) != 0 &&
	    rename_locked(c, &it, u->name, e) == -1)
		goto out;
	if (u->has_content && it.type == CATALOG_FOLDER) {
		rs_err_set(e, RS_E_BADINPUT, "a folder has no content");
		goto out;
	}
	if ((u->description != NULL && db_run(c->db, e, "UPDATE items SET "
	    "description = ? WHERE id = ?", "ss", u->description, id) < 0) ||
	    (u->content_type != NULL && db_run(c->db, e, "UPDATE items SET "
	    "content_type = ? WHERE id = ?", "ss", u->content_type, id) < 0) ||
	    (u->has_hidden && db_run(c->db, e, "UPDATE items SET hidden = ? "
	    "WHERE id = ?", "is", (int64_t)u->hidden, id) < 0) ||
	    (u->has_content && db_run(c->db, e, "UPDATE items SET content = ?,"
	    " size = ? WHERE id = ?", "bis", u->content ? u->content : "",
	    u->len, (int64_t)u->len, id) < 0) ||
	    (u->has_content && db_run(c->db, e, "DELETE FROM item_datasources "
	    "WHERE item_id = ?", "s", id) < 0) ||
	    db_run(c->db, e, "UPDATE items SET modified_by = ?, modified = ? "
	    "WHERE id = ?", "sis", user, cat_now(), id) < 0)
		goto out;
	rc = 0;
out:
	catalog_item_fini(&it);
	return rc;
}

int
catalog_item_update(struct catalog *c, const char *id,
    const struct catalog_update *u, const char *user, struct rs_err *e)
{
	int	rc = -1;

	cat_lock(c);
	if (db_begin(c->db, e) == 0) {
		rc = update_locked(c, id, u, user, e);
		if (rc == 0)
			rc = db_commit(c->db, e);
		if (rc == -1)
			db_rollback(c->db);
	}
	cat_unlock(c);
	return rc;
}

static bool
is_within(const char *path, const char *top)
{
	size_t	n = strlen(top);

	return strncasecmp(path, top, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

static int
move_locked(struct catalog *c, const char *id, const char *folder,
    const char *user, struct rs_err *e)
{
	struct catalog_item	it, dst;
	char			np[CATALOG_PATH_MAX + 2];
	int			rc = -1;

	memset(&dst, 0, sizeof(dst));
	if (get_by(c, "SELECT " ITEM_COLS " FROM items WHERE id = ?", id, &it,
	    e) == -1)
		return -1;
	if (get_path(c, folder, &dst, e) == -1)
		goto out;
	if (it.parent_id[0] == '\0' || dst.type != CATALOG_FOLDER ||
	    is_within(dst.path, it.path)) {
		rs_err_set(e, RS_E_BADINPUT, "cannot move '%s' into '%s': the "
		    "destination is not a folder outside the item", it.path,
		    dst.path);
		goto out;
	}
	if (join_path(dst.path, it.name, np, sizeof(np), e) == -1 ||
	    must_be_free(c, np, it.id, e) == -1)
		goto out;
	if (db_run(c->db, e, "UPDATE items SET parent_id = ?, modified_by = ?,"
	    " modified = ? WHERE id = ?", "ssis", dst.id, user, cat_now(),
	    it.id) < 0 || repath(c, it.path, np, e) == -1)
		goto out;
	rc = 0;
out:
	catalog_item_fini(&it);
	catalog_item_fini(&dst);
	return rc;
}

int
catalog_item_move(struct catalog *c, const char *id, const char *folder,
    const char *user, struct rs_err *e)
{
	int	rc = -1;

	cat_lock(c);
	if (db_begin(c->db, e) == 0) {
		rc = move_locked(c, id, folder, user, e);
		if (rc == 0)
			rc = db_commit(c->db, e);
		if (rc == -1)
			db_rollback(c->db);
	}
	cat_unlock(c);
	return rc;
}

int
catalog_item_del(struct catalog *c, const char *id, struct rs_err *e)
{
	int	rc;

	cat_lock(c);
	rc = db_run(c->db, e, "DELETE FROM items WHERE id = ? AND parent_id "
	    "IS NOT NULL", "s", id);
	cat_unlock(c);
	if (rc == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "the item '%s' cannot be "
		    "found (or is the root folder)", id);
	return rc < 0 ? -1 : 0;
}

int
cat_item_by_id(struct catalog *c, const char *id, struct catalog_item *out,
    struct rs_err *e)
{
	return get_by(c, "SELECT " ITEM_COLS " FROM items WHERE id = ?", id,
	    out, e);
}
