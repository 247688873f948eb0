/*
 * rest_write.c: the writing half of the REST API: create (POST), change
 * (PATCH), delete, Model.MoveItems, Model.DeleteItems and Policies.  Each
 * checks the user's tasks first and validates the whole body before the
 * catalog is touched, so a bad request changes nothing.  A definition
 * (Content of a report, data source or dataset) passes rs_intake_check()
 * first; a change that keeps it re-checks its bindings for the user.
 */
#include "reportserver/intake.h"
#include "reportserver/rest.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Decodes base64 or base64url Content; NULL with the answer set. */
static uint8_t *
decode_content(struct rest_ctx *c, const struct json *v, size_t *len)
{
	char	*s;
	uint8_t	*out;
	long	 n;
	size_t	 sl;

	if (v->type != JSON_STR) {
		rs_error_json(c->resp, 400, "rsInvalidParameter", "Content "
		    "must be a base64 string");
		return NULL;
	}
	sl = v->len;
	if (sl / 4 * 3 > c->srv->conf->max_upload + 3) {
		rs_error_json(c->resp, 413, "rsInvalidParameter", "the content "
		    "is larger than MaxUploadBytes");
		return NULL;
	}
	s = xmalloc(sl + 4);
	memcpy(s, v->str, sl);
	for (size_t i = 0; i < sl; i++)
		s[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	while (sl % 4 != 0)
		s[sl++] = '=';
	s[sl] = '\0';
	out = xmalloc(sl / 4 * 3 + 1);
	n = str_base64_decode(s, sl, out, sl / 4 * 3 + 1);
	free(s);
	if (n < 0 || (size_t)n > c->srv->conf->max_upload) {
		free(out);
		rs_error_json(c->resp, n < 0 ? 400 : 413, "rsInvalidParameter",
		    n < 0 ? "Content is not valid base64" : "the content is "
		    "larger than MaxUploadBytes");
		return NULL;
	}
	*len = (size_t)n;
	return out;
}

static int
type_of(struct rest_ctx *c, const struct json *j)
{
	const char	*t = json_get_str(j, "@odata.type");
	int		 type;

	if (t == NULL)
		t = json_get_str(j, "Type");
	if (t == NULL)
		return c->type;
	if (str_has_iprefix(t, "#Model."))
		t += 7;
	type = catalog_type_parse(t);
	if (type < 0 || (c->type != 0 && type != c->type))
		return -1;
	return type;
}

/* Name and parent folder of a new item from Name and/or Path. */
static int
place_of(struct rest_ctx *c, const struct json *j, char *parent,
    char *name)
{
	const char	*n = json_get_str(j, "Name"), *p = json_get_str(j,
	    "Path");
	char		 norm[CATALOG_PATH_MAX + 2];
	struct rs_err	 e;

	if (p != NULL) {
		if (catalog_path_norm(p, norm, sizeof(norm), &e) == -1) {
			rest_fail(c, &e, "rsInvalidItemPath");
			return -1;
		}
		if (strcmp(norm, "/") == 0) {
			rs_error_json(c->resp, 400, "rsInvalidItemPath", "the "
			    "Path of a new item cannot be '/'");
			return -1;
		}
		catalog_path_parent(norm, parent, CATALOG_PATH_MAX + 2);
		if (n != NULL && strcasecmp(n, strrchr(norm, '/') + 1) != 0) {
			rs_error_json(c->resp, 400, "rsInvalidParameter", "Name "
			    "and the last part of Path differ");
			return -1;
		}
		str_copy(name, CATALOG_NAME_MAX + 1, strrchr(norm, '/') + 1);
		return 0;
	}
	if (n == NULL) {
		rs_error_json(c->resp, 400, "rsMissingElement", "a new item "
		    "needs a Name (and a Path, else it goes into /)");
		return -1;
	}
	if (catalog_name_check(n, &e) == -1) {
		rest_fail(c, &e, "rsInvalidItemName");
		return -1;
	}
	str_copy(parent, CATALOG_PATH_MAX + 2, "/");
	str_copy(name, CATALOG_NAME_MAX + 1, n);
	return 0;
}

/* The intake check of content for path; false with the answer set. */
static bool
intake_ok(struct rest_ctx *c, int type, const char *path, const void *data,
    size_t len)
{
	struct rs_refusal	ref;
	struct rs_err		e;

	if (rs_intake_check(c->cat, c->user, type, path, data, len, &ref, &e)
	    == 0)
		return true;
	rs_error_json(c->resp, ref.status, ref.rscode, e.msg);
	return false;
}

/* A change that keeps the content makes the user its binder. */
static bool
rebind_ok(struct rest_ctx *c, const struct catalog_item *it,
    const char *path)
{
	struct rs_refusal	ref;
	struct rs_err		e;

	if (rs_rebind_check(c->cat, c->user, it, path, &ref, &e) == 0)
		return true;
	rs_error_json(c->resp, ref.status, ref.rscode, e.msg);
	return false;
}

/* The parent folder must exist and allow managing items of the type. */
static int
may_add(struct rest_ctx *c, const char *parent, int type)
{
	struct catalog_item	dir;
	struct rs_err		e;
	unsigned		t;

	if (rs_item_get(c->cat, c->user, parent, &dir, &e) == -1) {
		rest_fail(c, &e, e.code == RS_E_NOTFOUND ? "rsItemNotFound" :
		    "rsInvalidItemPath");
		return -1;
	}
	t = rs_tasks(c->cat, dir.id, c->user);
	catalog_item_fini(&dir);
	if ((t & rs_manage_task(type)) == 0) {
		rest_denied(c);
		return -1;
	}
	return 0;
}

/* The XML definition of a data source given by properties. */
static char *
ds_definition(const struct json *j)
{
	struct buf		 b;
	const struct json	*en = json_get(j, "IsEnabled");
	const char		*ext = json_get_str(j, "DataSourceType");
	const char		*cs = json_get_str(j, "ConnectionString");

	buf_init(&b, 0);
	(void)buf_puts(&b, "<DataSourceDefinition><Extension>", NULL);
	(void)buf_html(&b, ext != NULL ? ext : "SQL", NULL);
	(void)buf_puts(&b, "</Extension><ConnectString>", NULL);
	(void)buf_html(&b, cs != NULL ? cs : "", NULL);
	(void)buf_printf(&b, NULL, "</ConnectString><CredentialRetrieval>None"
	    "</CredentialRetrieval><Enabled>%s</Enabled>"
	    "</DataSourceDefinition>", en != NULL && en->type == JSON_BOOL &&
	    !en->b ? "False" : "True");
	return buf_take(&b, NULL);
}

static int
content_of(struct rest_ctx *c, const struct json *j, int type,
    uint8_t **data, size_t *len)
{
	const struct json	*cv = json_get(j, "Content");

	*data = NULL;
	*len = 0;
	if (cv != NULL && cv->type != JSON_NULL) {
		if (type == CATALOG_FOLDER) {
			rs_error_json(c->resp, 400, "rsInvalidParameter", "a "
			    "folder has no Content");
			return -1;
		}
		*data = decode_content(c, cv, len);
		return *data == NULL ? -1 : 0;
	}
	if (type == CATALOG_DATASOURCE) {
		*data = (uint8_t *)ds_definition(j);
		*len = strlen((char *)*data);
	}
	return 0;
}

void
rest_create(struct rest_ctx *c, const struct json *j)
{
	char			 parent[CATALOG_PATH_MAX + 2];
	char			 name[CATALOG_NAME_MAX + 1];
	char			 path[CATALOG_PATH_MAX * 2 + 4];
	struct catalog_new	 nw = { 0 };
	struct catalog_item	 it;
	const struct json	*h = json_get(j, "Hidden");
	struct rs_err		 e;
	uint8_t			*data = NULL;
	int			 type = type_of(c, j);

	if (type <= 0) {
		rs_error_json(c->resp, 400, "rsInvalidParameter", "unknown or "
		    "missing @odata.type for a new item");
		return;
	}
	if (place_of(c, j, parent, name) == -1 || may_add(c, parent, type) ==
	    -1 || content_of(c, j, type, &data, &nw.len) == -1)
		return;
	rs_path_join(parent, name, path, sizeof(path));
	if (!intake_ok(c, type, path, data, nw.len)) {
		free(data);
		return;
	}
	nw.parent = parent;
	nw.name = name;
	nw.type = type;
	nw.content = data;
	nw.content_type = json_get_str(j, "ContentType");
	if (type == CATALOG_RESOURCE && (nw.content_type == NULL ||
	    nw.content_type[0] == '\0'))
		nw.content_type = rs_mime_of(name);
	nw.description = json_get_str(j, "Description");
	nw.hidden = h != NULL && h->type == JSON_BOOL && h->b;
	if (catalog_item_add(c->cat, &nw, c->user->name, &it, &e) == -1)
		rest_fail(c, &e, e.code == RS_E_BADINPUT ? "rsInvalidItemName" :
		    NULL);
	else {
		rest_item_reply(c, 201, &it);
		catalog_item_fini(&it);
	}
	free(data);
}

/* Finds an item the user may manage; -1 with the answer set. */
static int
find_managed(struct rest_ctx *c, const struct rest_route *r,
    struct catalog_item *it)
{
	if (rest_find(c, r, it) == -1)
		return -1;
	if ((rs_tasks(c->cat, it->id, c->user) & rs_manage_task(it->type)) ==
	    0) {
		catalog_item_fini(it);
		rest_denied(c);
		return -1;
	}
	return 0;
}

void
rest_patch(struct rest_ctx *c, const struct rest_route *r,
    const struct json *j)
{
	struct catalog_item	 it;
	struct catalog_update	 u = { 0 };
	const struct json	*h = json_get(j, "Hidden");
	char			 parent[CATALOG_PATH_MAX + 2];
	char			 path[CATALOG_PATH_MAX * 2 + 4];
	uint8_t			*data = NULL;
	struct rs_err		 e;

	if (find_managed(c, r, &it) == -1)
		return;
	u.name = json_get_str(j, "Name");
	u.description = json_get_str(j, "Description");
	u.content_type = json_get_str(j, "ContentType");
	if (h != NULL && h->type == JSON_BOOL) {
		u.has_hidden = true;
		u.hidden = h->b;
	}
	catalog_path_parent(it.path, parent, sizeof(parent));
	rs_path_join(parent, u.name != NULL ? u.name : it.name, path,
	    sizeof(path));
	if (json_get(j, "Content") != NULL) {
		if (content_of(c, j, it.type, &data, &u.len) == -1 ||
		    !intake_ok(c, it.type, path, data, u.len))
			goto out;
		u.has_content = true;
		u.content = data;
	} else if (!rebind_ok(c, &it, path))
		goto out;
	if (u.name != NULL && catalog_name_check(u.name, &e) == -1)
		rest_fail(c, &e, "rsInvalidItemName");
	else if (catalog_item_update(c->cat, it.id, &u, c->user->name, &e) ==
	    -1)
		rest_fail(c, &e, NULL);
	else
		c->resp->status = 204;
out:
	free(data);
	catalog_item_fini(&it);
}

void
rest_delete(struct rest_ctx *c, const struct rest_route *r)
{
	struct catalog_item	it;
	struct rs_err		e;

	if (find_managed(c, r, &it) == -1)
		return;
	if (it.parent_id[0] == '\0')
		rs_error_json(c->resp, 400, "rsInvalidItemPath", "the root "
		    "folder cannot be deleted");
	else if (catalog_item_del(c->cat, it.id, &e) == -1)
		rest_fail(c, &e, NULL);
	else
		c->resp->status = 200;
	catalog_item_fini(&it);
}

/* One path of a bulk operation; appends to failures on error. */
static bool
bulk_one(struct rest_ctx *c, const char *path, const char *target,
    struct buf *fails)
{
	struct rest_route	r = { .has_key = true, .key_is_path = true };
	char			moved[CATALOG_PATH_MAX * 2 + 4];
	struct catalog_item	it;
	struct rs_err		e;
	int			rc;

	str_copy(r.key, sizeof(r.key), path);
	rc = find_managed(c, &r, &it);
	if (rc == 0) {
		rs_path_join(target != NULL ? target : "/", it.name, moved,
		    sizeof(moved));
		if (target != NULL && !rebind_ok(c, &it, moved))
			rc = -1;
		else
			rc = target != NULL ? catalog_item_move(c->cat, it.id,
			    target, c->user->name, &e) : catalog_item_del(c->cat,
			    it.id, &e);
		catalog_item_fini(&it);
	} else
		rs_err_set(&e, RS_E_PERM, "cannot use '%s'", path);
	buf_reset(&c->resp->body);
	if (rc == 0)
		return true;
	(void)buf_puts(fails, fails->len > 0 ? "," : "", NULL);
	(void)buf_json_str(fails, path, NULL);
	return false;
}

static void
bulk(struct rest_ctx *c, const struct json *j, const char *target)
{
	const struct json	*paths = json_get(j, "CatalogItemPaths");
	struct buf		 fails;
	bool			 err = false;

	if (paths == NULL || paths->type != JSON_ARR || paths->n > 1000) {
		rs_error_json(c->resp, 400, "rsMissingElement", "give "
		    "CatalogItemPaths as a list of paths (at most 1000)");
		return;
	}
	buf_init(&fails, 0);
	for (size_t i = 0; i < paths->n; i++)
		if (paths->kids[i].type != JSON_STR ||
		    !bulk_one(c, paths->kids[i].str, target, &fails))
			err = true;
	rsresp_header(c->resp, "Content-Type", "application/json; "
	    "charset=utf-8");
	c->resp->status = 200;
	buf_reset(&c->resp->body);
	(void)buf_printf(&c->resp->body, NULL, "{\"FailedOperations\":[%s],"
	    "\"HasErrors\":%s}", fails.data != NULL ? fails.data : "",
	    err ? "true" : "false");
	buf_fini(&fails);
}

void
rest_move_items(struct rest_ctx *c, const struct json *j)
{
	const char		*target = json_get_str(j, "TargetPath");
	struct catalog_item	 dir;
	struct rs_err		 e;
	unsigned		 t;

	if (target == NULL) {
		rs_error_json(c->resp, 400, "rsMissingElement", "give a "
		    "TargetPath");
		return;
	}
	if (rs_item_get(c->cat, c->user, target, &dir, &e) == -1) {
		rest_fail(c, &e, "rsInvalidDestination");
		return;
	}
	t = rs_tasks(c->cat, dir.id, c->user);
	catalog_item_fini(&dir);
	if ((t & (CATALOG_T_MANAGE_FOLDERS | CATALOG_T_MANAGE_REPORTS |
	    CATALOG_T_MANAGE_RESOURCES)) == 0) {
		rest_denied(c);
		return;
	}
	bulk(c, j, target);
}

void
rest_delete_items(struct rest_ctx *c, const struct json *j)
{
	bulk(c, j, NULL);
}

static int
policy_item(struct rest_ctx *c, const struct rest_route *r,
    struct catalog_item *it)
{
	if (rest_find(c, r, it) == -1)
		return -1;
	if ((rs_tasks(c->cat, it->id, c->user) & CATALOG_T_SET_SECURITY) ==
	    0) {
		catalog_item_fini(it);
		rest_denied(c);
		return -1;
	}
	return 0;
}

static void
roles_json(struct buf *b, unsigned roles, bool sys)
{
	bool	first = true;

	(void)buf_puts(b, "[", NULL);
	for (unsigned bit = 1; bit <= CATALOG_ROLE_REPORT_BUILDER; bit <<= 1) {
		if ((roles & bit) == 0 || catalog_role_tasks(bit, sys) == 0)
			continue;
		(void)buf_printf(b, NULL, "%s{\"Name\":\"%s\",\"Description\":",
		    first ? "" : ",", catalog_role_name(bit, sys));
		(void)buf_json_str(b, catalog_role_description(bit, sys),
		    NULL);
		(void)buf_puts(b, "}", NULL);
		first = false;
	}
	(void)buf_puts(b, "]", NULL);
}

/*
 * {"GroupUserName":"LinuxGroup\\admin","PrincipalKind":"LinuxGroup",
 * "Roles": (the original's Policy, its name qualified by the kind, so a
 * client that only knows GroupUserName round-trips it; docs/reportserver.md).
 */
static void
principal_json(struct buf *b, const struct catalog_policy *p)
{
	char	q[CATALOG_NAME_MAX + 32];

	catalog_principal_format(p, q, sizeof(q));
	(void)buf_puts(b, "{\"GroupUserName\":", NULL);
	(void)buf_json_str(b, q, NULL);
	(void)buf_printf(b, NULL, ",\"PrincipalKind\":\"%s\",\"Roles\":",
	    catalog_pkind_name(p->kind));
}

void
rest_policies_get(struct rest_ctx *c, const struct rest_route *r)
{
	struct catalog_item	 it;
	struct catalog_policy	*v;
	struct rs_err		 e;
	struct buf		*b = &c->resp->body;
	size_t			 n;
	bool			 inh;

	if (policy_item(c, r, &it) == -1)
		return;
	if (catalog_policy_get(c->cat, it.id, &inh, &v, &n, &e) == -1) {
		rest_fail(c, &e, NULL);
		catalog_item_fini(&it);
		return;
	}
	(void)buf_printf(b, NULL, "{\"@odata.context\":\"%s/api/v2.0/"
	    "$metadata#Model.ItemPolicy\",\"Id\":\"%s\",\"InheritParentPolicy\""
	    ":%s,\"Policies\":[", c->req->vdir, it.id, inh ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		(void)buf_puts(b, i ? "," : "", NULL);
		principal_json(b, &v[i]);
		roles_json(b, v[i].roles, false);
		(void)buf_puts(b, "}", NULL);
	}
	(void)buf_puts(b, "]}", NULL);
	rsresp_header(c->resp, "Content-Type", "application/json; "
	    "charset=utf-8");
	catalog_policies_free(v, n);
	catalog_item_fini(&it);
}

/* Reads [{GroupUserName, Roles:[{Name}]}]; -1 with the answer set. */
static int
read_policies(struct rest_ctx *c, const struct json *list,
    struct catalog_policy *v, size_t *n, bool sys)
{
	*n = 0;
	if (list == NULL || list->type != JSON_ARR || list->n > 256) {
		rs_error_json(c->resp, 400, "rsMissingElement", "Policies must "
		    "be a list (at most 256)");
		return -1;
	}
	for (size_t i = 0; i < list->n; i++) {
		const struct json	*p = &list->kids[i];
		const struct json	*roles = json_get(p, "Roles");
		const char		*who = json_get_str(p, "GroupUserName");
		const char		*name;
		struct rs_err		 e;

		if (who == NULL || roles == NULL || roles->type != JSON_ARR) {
			rs_error_json(c->resp, 400, "rsMissingElement", "each "
			    "policy needs GroupUserName and Roles");
			return -1;
		}
		if (rs_principal_read(who, json_get_str(p, "PrincipalKind"),
		    &v[*n].kind, &name, &e) == -1) {
			rs_error_json(c->resp, 400, "rsInvalidParameter", e.msg);
			return -1;
		}
		v[*n].principal = (char *)name;
		v[*n].roles = 0;
		for (size_t k = 0; k < roles->n; k++) {
			const char	*rn = json_get_str(&roles->kids[k],
			    "Name");
			unsigned	 bit = rn ? catalog_role_parse(rn, sys) :
			    0;

			if (bit == 0) {
				rs_error_json(c->resp, 400, "rsInvalidParameter",
				    "unknown role name");
				return -1;
			}
			v[*n].roles |= bit;
		}
		(*n)++;
	}
	return 0;
}

void
rest_policies_put(struct rest_ctx *c, const struct rest_route *r,
    const struct json *j)
{
	struct catalog_item	 it;
	struct catalog_policy	 v[256];
	const struct json	*inh = json_get(j, "InheritParentPolicy");
	bool			 inherit;
	struct rs_err		 e;
	size_t			 n = 0;

	if (policy_item(c, r, &it) == -1)
		return;
	inherit = inh != NULL && inh->type == JSON_BOOL && inh->b;
	if (!inherit && read_policies(c, json_get(j, "Policies"), v, &n,
	    false) == -1)
		goto out;
	if (catalog_policy_set(c->cat, it.id, inherit, v, n, &e) == -1)
		rest_fail(c, &e, NULL);
	else
		c->resp->status = 200;
out:
	catalog_item_fini(&it);
}

static bool
sys_admin(struct rest_ctx *c)
{
	if (rs_sys_tasks(c->cat, c->user) & CATALOG_S_MANAGE_SECURITY)
		return true;
	rest_denied(c);
	return false;
}

void
rest_sys_policies_get(struct rest_ctx *c)
{
	struct catalog_policy	*v;
	struct rs_err		 e;
	struct buf		*b = &c->resp->body;
	size_t			 n;

	if (!sys_admin(c))
		return;
	if (catalog_system_policy_get(c->cat, &v, &n, &e) == -1) {
		rest_fail(c, &e, NULL);
		return;
	}
	(void)buf_printf(b, NULL, "{\"@odata.context\":\"%s/api/v2.0/"
	    "$metadata#Model.SystemPolicy\",\"Id\":null,\"Policies\":[",
	    c->req->vdir);
	for (size_t i = 0; i < n; i++) {
		(void)buf_puts(b, i ? "," : "", NULL);
		principal_json(b, &v[i]);
		roles_json(b, v[i].roles, true);
		(void)buf_puts(b, "}", NULL);
	}
	(void)buf_puts(b, "]}", NULL);
	rsresp_header(c->resp, "Content-Type", "application/json; "
	    "charset=utf-8");
	catalog_policies_free(v, n);
}

void
rest_sys_policies_put(struct rest_ctx *c, const struct rest_route *r,
    const struct json *j)
{
	struct catalog_policy	v[256];
	struct rs_err		e;
	size_t			n = 0;

	(void)r;
	if (!sys_admin(c) ||
	    read_policies(c, json_get(j, "Policies"), v, &n, true) == -1)
		return;
	if (catalog_system_policy_set(c->cat, v, n, &e) == -1)
		rest_fail(c, &e, NULL);
	else
		c->resp->status = 200;
}
