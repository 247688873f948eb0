/*
 * policy.c: role assignments.  An item either follows its parent's policy
 * (inherit = 1) or has its own list of (principal, roles) rows; the root
 * always has its own.  The effective policy of an item is found by
 * walking up the parent chain to the first item that does not inherit.
 * System policies are one flat list.  Each principal has a kind (a
 * built-in user, a Linux user, a Linux group): an assignment matches only
 * a user of its kind, so a Unix group never stands in for a built-in
 * account of the same name, nor the reverse.
 */
#include "catalog/catalog_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define POLICY_DEPTH_MAX	128	/* deeper than any valid path */

static const struct {
	const char	*name;
	const char	*label;
} pkinds[CATALOG_PK__COUNT] = {
	[CATALOG_PK_UNSPEC] = { "", "Automatic" },
	[CATALOG_PK_BUILTIN_USER] = { "BuiltInUser", "Built-in user" },
	[CATALOG_PK_LINUX_USER] = { "LinuxUser", "Linux user" },
	[CATALOG_PK_LINUX_GROUP] = { "LinuxGroup", "Linux group" },
};

static bool
pkind_ok(int k)
{
	return k > CATALOG_PK_UNSPEC && k < CATALOG_PK__COUNT;
}

const char *
catalog_pkind_name(enum catalog_pkind k)
{
	return (int)k >= 0 && k < CATALOG_PK__COUNT ? pkinds[k].name : "";
}

const char *
catalog_pkind_label(enum catalog_pkind k)
{
	return (int)k >= 0 && k < CATALOG_PK__COUNT ? pkinds[k].label : "";
}

int
catalog_pkind_parse(const char *name)
{
	for (int k = CATALOG_PK_UNSPEC + 1; k < CATALOG_PK__COUNT; k++)
		if (strcasecmp(name, pkinds[k].name) == 0)
			return k;
	return -1;
}

void
catalog_principal_parse(const char *text, enum catalog_pkind *kind,
    const char **name)
{
	const char	*bs = strchr(text, '\\');

	*kind = CATALOG_PK_UNSPEC;
	*name = text;
	for (int k = CATALOG_PK_UNSPEC + 1; bs != NULL && k < CATALOG_PK__COUNT;
	    k++)
		if ((size_t)(bs - text) == strlen(pkinds[k].name) &&
		    strncasecmp(text, pkinds[k].name, (size_t)(bs - text)) == 0) {
			*kind = (enum catalog_pkind)k;
			*name = bs + 1;
			return;
		}
}

void
catalog_principal_format(const struct catalog_policy *p, char *out,
    size_t outsz)
{
	if (pkind_ok(p->kind))
		snprintf(out, outsz, "%s\\%s", pkinds[p->kind].name,
		    p->principal);
	else
		snprintf(out, outsz, "%s", p->principal);
}

bool
catalog_principal_same(const struct catalog_policy *p,
    enum catalog_pkind kind, const char *name)
{
	return p->kind == kind && strcasecmp(p->principal, name) == 0;
}

void
catalog_policies_free(struct catalog_policy *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i].principal);
	free(v);
}

/* The id of the item whose own policy applies to id (lock held). */
static int
policy_owner(struct catalog *c, const char *id, char *owner, bool *inherit,
    struct rs_err *e)
{
	char	cur[CATALOG_ID_LEN + 1];

	str_copy(cur, sizeof(cur), id);
	for (int depth = 0; depth < POLICY_DEPTH_MAX; depth++) {
		struct db_stmt	*st;
		const char	*parent;
		bool		 inh;
		int		 rc;

		st = db_query(c->db, e, "SELECT inherit, parent_id FROM items "
		    "WHERE id = ?", "s", cur);
		if (st == NULL)
			return -1;
		rc = db_step(st, e);
		if (rc != 1) {
			db_finalize(st);
			return rc == 0 ? rs_err_set(e, RS_E_NOTFOUND, "the "
			    "item '%s' cannot be found", cur) : -1;
		}
		inh = c->db->ops->col_int(st, 0) != 0;
		parent = c->db->ops->col_text(st, 1);
		if (depth == 0)
			*inherit = inh;
		if (!inh || parent == NULL) {
			db_finalize(st);
			str_copy(owner, CATALOG_ID_LEN + 1, cur);
			return 0;
		}
		str_copy(cur, sizeof(cur), parent);
		db_finalize(st);
	}
	return rs_err_set(e, RS_E_DB, "the folder tree above '%s' is too deep",
	    id);
}

static int
read_policies(struct db_stmt *st, struct catalog_policy **out, size_t *n,
    struct rs_err *e)
{
	struct catalog_policy	*v = NULL;
	size_t			 len = 0;
	int			 rc;

	while ((rc = db_step(st, e)) == 1) {
		v = xreallocarray(v, len + 1, sizeof(*v));
		v[len].principal = xstrdup(st->db->ops->col_text(st, 0));
		v[len].kind = (enum catalog_pkind)st->db->ops->col_int(st, 1);
		v[len].roles = (unsigned)st->db->ops->col_int(st, 2);
		len++;
	}
	db_finalize(st);
	if (rc == -1) {
		catalog_policies_free(v, len);
		return -1;
	}
	*out = v;
	*n = len;
	return 0;
}

static int
get_locked(struct catalog *c, const char *id, bool *inherit,
    struct catalog_policy **out, size_t *n, struct rs_err *e)
{
	char		 owner[CATALOG_ID_LEN + 1];
	struct db_stmt	*st;

	if (policy_owner(c, id, owner, inherit, e) == -1)
		return -1;
	st = db_query(c->db, e, "SELECT principal, kind, roles FROM policies "
	    "WHERE item_id = ? ORDER BY lprincipal, kind", "s", owner);
	if (st == NULL)
		return -1;
	return read_policies(st, out, n, e);
}

int
catalog_policy_get(struct catalog *c, const char *id, bool *inherit,
    struct catalog_policy **out, size_t *n, struct rs_err *e)
{
	int	rc;

	*out = NULL;
	*n = 0;
	cat_lock(c);
	rc = get_locked(c, id, inherit, out, n, e);
	cat_unlock(c);
	return rc;
}

static int
check_list(const struct catalog_policy *v, size_t n, bool system,
    struct rs_err *e)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].principal == NULL || v[i].principal[0] == '\0' ||
		    strlen(v[i].principal) > CATALOG_NAME_MAX)
			return rs_err_set(e, RS_E_BADINPUT, "a role assignment "
			    "has no valid user or group name");
		if (v[i].kind != CATALOG_PK_UNSPEC && !pkind_ok(v[i].kind))
			return rs_err_set(e, RS_E_BADINPUT, "the role "
			    "assignment of '%s' has an unknown kind %d",
			    v[i].principal, (int)v[i].kind);
		if (v[i].roles == 0 || catalog_role_tasks(v[i].roles, system)
		    == 0)
			return rs_err_set(e, RS_E_BADINPUT, "the role "
			    "assignment of '%s' has no valid role",
			    v[i].principal);
	}
	return 0;
}

/* UNSPEC: a built-in user when such an account exists, else Linux. */
static int
resolve_kind(struct catalog *c, const char *lname, enum catalog_pkind *k,
    struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc;

	if (*k != CATALOG_PK_UNSPEC)
		return 0;
	st = db_query(c->db, e, "SELECT 1 FROM users WHERE lname = ?", "s",
	    lname);
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	db_finalize(st);
	if (rc == -1)
		return -1;
	*k = rc == 1 ? CATALOG_PK_BUILTIN_USER : CATALOG_PK_LINUX_USER;
	return 0;
}

int
catalog_principal_resolve(struct catalog *c, const char *name,
    enum catalog_pkind *kind, struct rs_err *e)
{
	char	*l = cat_lower(name);
	int	 rc;

	cat_lock(c);
	rc = resolve_kind(c, l, kind, e);
	cat_unlock(c);
	free(l);
	return rc;
}

/* Inserts a list, merging duplicate principals (lock held). */
static int
insert_list(struct catalog *c, const char *id, const struct catalog_policy
    *v, size_t n, struct rs_err *e)
{
	for (size_t i = 0; i < n; i++) {
		char			*l = cat_lower(v[i].principal);
		enum catalog_pkind	 k = v[i].kind;
		int			 rc;

		rc = resolve_kind(c, l, &k, e);
		if (rc == 0 && id != NULL)
			rc = db_run(c->db, e, "INSERT INTO policies (item_id, "
			    "kind, lprincipal, principal, roles) VALUES (?, ?, "
			    "?, ?, ?) ON CONFLICT (item_id, kind, lprincipal) DO "
			    "UPDATE SET roles = policies.roles | excluded.roles",
			    "sissi", id, (int64_t)k, l, v[i].principal,
			    (int64_t)v[i].roles);
		else if (rc == 0)
			rc = db_run(c->db, e, "INSERT INTO system_policies "
			    "(kind, lprincipal, principal, roles) VALUES (?, ?, "
			    "?, ?) ON CONFLICT (kind, lprincipal) DO UPDATE SET "
			    "roles = system_policies.roles | excluded.roles",
			    "issi", (int64_t)k, l, v[i].principal,
			    (int64_t)v[i].roles);
		free(l);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
set_locked(struct catalog *c, const char *id, bool inherit,
    const struct catalog_policy *v, size_t n, struct rs_err *e)
{
	struct catalog_item	it;
	bool			root;
	int			rc;

	if (cat_item_by_id(c, id, &it, e) == -1)
		return -1;
	root = it.parent_id[0] == '\0';
	catalog_item_fini(&it);
	if (inherit && root)
		return rs_err_set(e, RS_E_BADINPUT, "the root folder has no "
		    "parent to inherit from");
	if (db_run(c->db, e, "DELETE FROM policies WHERE item_id = ?", "s",
	    id) < 0)
		return -1;
	rc = db_run(c->db, e, "UPDATE items SET inherit = ? WHERE id = ?",
	    "is", (int64_t)inherit, id);
	if (rc < 0)
		return -1;
	return inherit ? 0 : insert_list(c, id, v, n, e);
}

int
catalog_policy_set(struct catalog *c, const char *id, bool inherit,
    const struct catalog_policy *v, size_t n, struct rs_err *e)
{
	int	rc = -1;

	if (!inherit && check_list(v, n, false, e) == -1)
		return -1;
	cat_lock(c);
	if (db_begin(c->db, e) == 0) {
		rc = set_locked(c, id, inherit, v, n, e);
		if (rc == 0)
			rc = db_commit(c->db, e);
		if (rc == -1)
			db_rollback(c->db);
	}
	cat_unlock(c);
	return rc;
}

int
catalog_system_policy_get(struct catalog *c, struct catalog_policy **out,
    size_t *n, struct rs_err *e)
{
	struct db_stmt	*st;
	int		 rc = -1;

	*out = NULL;
	*n = 0;
	cat_lock(c);
	st = db_query(c->db, e, "SELECT principal, kind, roles FROM "
	    "system_policies ORDER BY lprincipal, kind", "");
	if (st != NULL)
		rc = read_policies(st, out, n, e);
	cat_unlock(c);
	return rc;
}

int
catalog_system_policy_set(struct catalog *c, const struct catalog_policy *v,
    size_t n, struct rs_err *e)
{
	bool	admin = false;
	int	rc = -1;

	if (check_list(v, n, true, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		admin = admin || (v[i].roles & CATALOG_ROLE_SYSTEM_ADMIN);
	if (!admin)
		return rs_err_set(e, RS_E_BADINPUT, "the system policy must keep "
		    "at least one System Administrator");
	cat_lock(c);
	if (db_begin(c->db, e) == 0) {
		rc = db_run(c->db, e, "DELETE FROM system_policies", "") < 0 ?
		    -1 : insert_list(c, NULL, v, n, e);
		if (rc == 0)
			rc = db_commit(c->db, e);
		if (rc == -1)
			db_rollback(c->db);
	}
	cat_unlock(c);
	return rc;
}

/* Whether assignment p is for user s (see catalog_item_tasks). */
static bool
matches(const struct catalog_policy *p, const struct catalog_subject *s)
{
	switch (p->kind) {
	case CATALOG_PK_BUILTIN_USER:
	case CATALOG_PK_LINUX_USER:
		return p->kind == s->kind && strcasecmp(p->principal, s->name)
		    == 0;
	case CATALOG_PK_LINUX_GROUP:
		if (s->kind != CATALOG_PK_LINUX_USER)
			return false;
		for (const char *const *g = s->groups; g != NULL && *g != NULL;
		    g++)
			if (strcasecmp(p->principal, *g) == 0)
				return true;
		return false;
	default:
		return false;	/* a kind this build does not know */
	}
}

static unsigned
roles_of(const struct catalog_policy *v, size_t n,
    const struct catalog_subject *s)
{
	unsigned	r = 0;

	for (size_t i = 0; i < n; i++)
		if (matches(&v[i], s))
			r |= v[i].roles;
	return r;
}

int
catalog_item_tasks(struct catalog *c, const char *id,
    const struct catalog_subject *s, unsigned *tasks, struct rs_err *e)
{
	struct catalog_policy	*v;
	size_t			 n;
	bool			 inh;

	*tasks = 0;
	if (catalog_policy_get(c, id, &inh, &v, &n, e) == -1)
		return -1;
	*tasks = catalog_role_tasks(roles_of(v, n, s), false);
	catalog_policies_free(v, n);
	return 0;
}

int
catalog_system_tasks(struct catalog *c, const struct catalog_subject *s,
    unsigned *tasks, struct rs_err *e)
{
	struct catalog_policy	*v;
	size_t			 n;

	*tasks = 0;
	if (catalog_system_policy_get(c, &v, &n, e) == -1)
		return -1;
	*tasks = catalog_role_tasks(roles_of(v, n, s), true);
	catalog_policies_free(v, n);
	return 0;
}
