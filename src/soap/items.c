/*
 * items.c: ReportService2010's catalog operations on items: ListChildren,
 * ListParents, GetItemType, FindItems, CreateFolder, CreateCatalogItem,
 * Get/SetItemDefinition, DeleteItem and MoveItem, over the catalog and
 * the checks the REST API runs (reportserver's tasks, rs_intake_check for
 * definitions and rs_rebind_check for moves).  A definition whose shared
 * data source is not published yet is stored with a warning
 * (rsDataSourceReferenceNotPublished), as the original does, so Visual
 * Studio can deploy the report first and point it at the data source with
 * SetItemDataSources.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FIND_MAX	10000	/* items FindItems returns */

int
soap_item(struct soap_call *c, const char *path, bool by_id,
    struct catalog_item *it)
{
	struct rs_err	e;
	int		rc;

	rc = by_id ? catalog_item_get_id(c->cat, path, it, &e) :
	    catalog_item_get(c->cat, path, it, &e);
	if (rc == -1) {
		if (e.code == RS_E_NOTFOUND)
			return soap_fail(c, "rsItemNotFound", 404, "The item "
			    "'%.300s' cannot be found.", path);
		return soap_fail_err(c, &e, e.code == RS_E_BADINPUT ||
		    e.code == RS_E_LIMIT ? "rsInvalidItemPath" : NULL);
	}
	if (!rs_can_view(it->type, rs_tasks(c->cat, it->id, c->user))) {
		catalog_item_fini(it);
		return soap_denied(c);
	}
	return 0;
}

/*
 * Managing an item needs its manage task only: a Publisher (no View
 * reports) changes the reports he publishes, e.g. SetItemDataSources right
 * after CreateCatalogItem in Visual Studio's deploy.
 */
int
soap_item_managed(struct soap_call *c, const char *path,
    struct catalog_item *it)
{
	struct rs_err	e;

	if (catalog_item_get(c->cat, path, it, &e) == -1)
		return soap_item(c, path, false, it);	/* its fault */
	if ((rs_tasks(c->cat, it->id, c->user) & rs_manage_task(it->type)) ==
	    0) {
		catalog_item_fini(it);
		return soap_denied(c);
	}
	return 0;
}

int
soap_item_arg(struct soap_call *c, const char *name, bool managed,
    struct catalog_item *it)
{
	char	*path = soap_need(c, c->op, name);
	int	 rc;

	if (path == NULL)
		return -1;
	rc = managed ? soap_item_managed(c, path, it) : soap_item(c, path,
	    false, it);
	free(path);
	return rc;
}

void
soap_w_catalog_item(struct soap_call *c, const char *elem,
    const struct catalog_item *it)
{
	soap_w_start(c, elem);
	soap_w_str(c, "ID", it->id);
	soap_w_str(c, "Name", it->parent_id[0] ? it->name : "");
	soap_w_str(c, "Path", it->path);
	soap_w_str(c, "TypeName", catalog_type_name(it->type));
	if (it->type != CATALOG_FOLDER)
		soap_w_int(c, "Size", it->size);
	if (it->description[0] != '\0')
		soap_w_str(c, "Description", it->description);
	if (it->hidden)
		soap_w_bool(c, "Hidden", true);
	soap_w_time(c, "CreationDate", it->created);
	soap_w_time(c, "ModifiedDate", it->modified);
	soap_w_str(c, "CreatedBy", it->created_by);
	soap_w_str(c, "ModifiedBy", it->modified_by);
	soap_w_end(c);
}

void
soap_w_warnings(struct soap_call *c, const char *elem,
    const struct rs_warnings *w)
{
	if (w == NULL || w->n == 0)
		return;
	soap_w_start(c, elem);
	for (size_t i = 0; i < w->n; i++) {
		soap_w_start(c, "Warning");
		soap_w_str(c, "Code", w->v[i].code);
		soap_w_str(c, "Severity", "Warning");
		soap_w_str(c, "ObjectName", w->v[i].object_name);
		soap_w_str(c, "ObjectType", w->v[i].object_type);
		soap_w_str(c, "Message", w->v[i].message);
		soap_w_end(c);
	}
	soap_w_end(c);
}

int
soap_intake(struct soap_call *c, int type, const char *path,
    const void *data, size_t len, struct rs_warnings *w)
{
	struct rs_refusal	ref;
	struct rs_err		e;

	if ((w != NULL ? rs_intake_check_warn(c->cat, c->user, type, path,
	    data, len, w, &ref, &e) : rs_intake_check(c->cat, c->user, type,
	    path, data, len, &ref, &e)) == 0)
		return 0;
	return soap_fail(c, ref.rscode, ref.status, "%s", e.msg);
}

static void
children(struct soap_call *c, const struct catalog_item *dir, bool recursive)
{
	struct catalog_item	*v;
	struct rs_err		 e;
	size_t			 n, plen = strlen(dir->path);
	int			 rc;

	rc = recursive ? catalog_item_all(c->cat, &v, &n, &e) :
	    catalog_item_children(c->cat, dir->id, &v, &n, &e);
	if (rc == -1) {
		soap_fail_err(c, &e, NULL);
		return;
	}
	soap_w_start(c, "CatalogItems");
	for (size_t i = 0; i < n; i++) {
		if (recursive && (plen > 1 && (strncasecmp(v[i].path,
		    dir->path, plen) != 0 || v[i].path[plen] != '/')))
			continue;
		if (rs_can_view(v[i].type, rs_tasks(c->cat, v[i].id, c->user)))
			soap_w_catalog_item(c, "CatalogItem", &v[i]);
	}
	soap_w_end(c);
	catalog_items_free(v, n);
}

void
soap_list_children(struct soap_call *c)
{
	struct catalog_item	dir;
	bool			recursive = false;

	if (soap_arg_bool(c, c->op, "Recursive", &recursive) == -1 ||
	    soap_item_arg(c, "ItemPath", false, &dir) == -1)
		return;
	if (dir.type != CATALOG_FOLDER)
		soap_fail(c, "rsWrongItemType", 400, "The operation is not valid "
		    "for the item '%s': it is a %s, not a folder.", dir.path,
		    catalog_type_name(dir.type));
	else
		children(c, &dir, recursive);
	catalog_item_fini(&dir);
}

void
soap_list_parents(struct soap_call *c)
{
	struct catalog_item	it, up;
	char			path[CATALOG_PATH_MAX + 2];

	if (soap_item_arg(c, "ItemPath", false, &it) == -1)
		return;
	soap_w_start(c, "ListParentsResult");
	str_copy(path, sizeof(path), it.path);
	while (strcmp(path, "/") != 0) {
		catalog_path_parent(path, path, sizeof(path));
		if (soap_item(c, path, false, &up) == -1)
			break;
		soap_w_catalog_item(c, "CatalogItem", &up);
		catalog_item_fini(&up);
	}
	soap_w_end(c);
	catalog_item_fini(&it);
}

/* "Unknown" for an item that is not there or that the user may not see. */
void
soap_get_item_type(struct soap_call *c)
{
	struct catalog_item	 it;
	struct rs_err		 e;
	char			*path = soap_need(c, c->op, "ItemPath");
	const char		*type = "Unknown";

	if (path == NULL)
		return;
	if (catalog_item_get(c->cat, path, &it, &e) == 0) {
		if (rs_can_view(it.type, rs_tasks(c->cat, it.id, c->user)))
			type = catalog_type_name(it.type);
		catalog_item_fini(&it);
	} else if (e.code != RS_E_NOTFOUND && e.code != RS_E_BADINPUT &&
	    e.code != RS_E_LIMIT) {
		soap_fail_err(c, &e, NULL);
		free(path);
		return;
	}
	soap_w_str(c, "Type", type);
	free(path);
}

/* FindItems: one SearchCondition (Name, Description, CreatedBy, ...). */
struct cond {
	const char	*field;
	const char	*how;	/* Contains, Equals, In */
	char		*values[16];
	size_t		 nvalues;
};

static const char *
field_of(const struct catalog_item *it, const char *name)
{
	if (str_ieq(name, "Name"))
		return it->name;
	if (str_ieq(name, "Description"))
		return it->description;
	if (str_ieq(name, "CreatedBy"))
		return it->created_by;
	if (str_ieq(name, "ModifiedBy"))
		return it->modified_by;
	if (str_ieq(name, "Type") || str_ieq(name, "TypeName"))
		return catalog_type_name(it->type);
	return NULL;
}

static bool
cond_match(const struct cond *k, const struct catalog_item *it)
{
	const char	*v = field_of(it, k->field);

	for (size_t i = 0; v != NULL && i < k->nvalues; i++)
		if (str_ieq(k->how, "Contains") ? strcasestr(v, k->values[i]) !=
		    NULL : str_ieq(v, k->values[i]))
			return true;
	return false;
}

static void
conds_free(struct cond *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < v[i].nvalues; k++)
			free(v[i].values[k]);
}

/* One SearchCondition into *k; -1 with a fault. */
static int
cond_read(struct soap_call *c, const xmlNode *sc, struct cond *k,
    char **field, char **how)
{
	xmlNode	*vals = soap_child(c, sc, "Values");

	*field = soap_arg(c, sc, "Name");
	*how = soap_arg(c, sc, "Condition");
	if (*field == NULL || *how == NULL || vals == NULL)
		return soap_fail(c, "rsInvalidParameter", 400, "Each "
		    "SearchCondition needs a Name, a Condition and Values.");
	if (field_of(&(struct catalog_item){ .name = "", .description = "",
	    .created_by = "", .modified_by = "" }, *field) == NULL ||
	    (!str_ieq(*how, "Contains") && !str_ieq(*how, "Equals") &&
	    !str_ieq(*how, "In")))
		return soap_fail(c, "rsInvalidParameter", 400, "The search "
		    "condition '%.40s %.20s' is not supported here; supported: "
		    "Name, Description, CreatedBy, ModifiedBy or Type with "
		    "Contains, Equals or In.", *field, *how);
	k->field = *field;
	k->how = *how;
	for (xmlNode *s = soap_child(c, vals, "Value"); s != NULL &&
	    k->nvalues < 16; s = soap_next(c, s, "Value")) {
		char	*t = soap_text(s);

		k->values[k->nvalues++] = t != NULL ? t : xstrdup("");
	}
	return 0;
}

static bool
matches(const struct catalog_item *it, const struct cond *k, size_t nk,
    bool any)
{
	for (size_t i = 0; i < nk; i++) {
		bool	m = cond_match(&k[i], it);

		if (any && m)
			return true;
		if (!any && !m)
			return false;
	}
	return !any || nk == 0;
}

static void
find_write(struct soap_call *c, const struct catalog_item *dir,
    const struct cond *k, size_t nk, bool any, bool recursive)
{
	struct catalog_item	*v;
	struct rs_err		 e;
	size_t			 n, found = 0, plen = strlen(dir->path);

	if (catalog_item_all(c->cat, &v, &n, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		return;
	}
	soap_w_start(c, "Items");
	for (size_t i = 0; i < n && found < FIND_MAX; i++) {
		if (plen > 1 && (strncasecmp(v[i].path, dir->path, plen) != 0 ||
		    v[i].path[plen] != '/'))
			continue;
		if (!recursive && strcmp(v[i].parent_id, dir->id) != 0)
			continue;
		if (!matches(&v[i], k, nk, any) || !rs_can_view(v[i].type,
		    rs_tasks(c->cat, v[i].id, c->user)))
			continue;
		soap_w_catalog_item(c, "CatalogItem", &v[i]);
		found++;
	}
	soap_w_end(c);
	catalog_items_free(v, n);
}

static bool
find_recursive(struct soap_call *c)
{
	xmlNode	*opts = soap_child(c, c->op, "SearchOptions");
	bool	 rec = true;

	for (xmlNode *p = soap_child(c, opts, "Property"); p != NULL;
	    p = soap_next(c, p, "Property")) {
		char	*n = soap_arg(c, p, "Name"), *v = soap_arg(c, p, "Value");

		if (n != NULL && v != NULL && (str_ieq(n, "Recursive") ||
		    str_ieq(n, "Resursive")))
			rec = !str_ieq(str_trim(v), "false");
		free(n);
		free(v);
	}
	return rec;
}

void
soap_find_items(struct soap_call *c)
{
	struct catalog_item	 dir;
	struct cond		 k[16];
	char			*fields[16], *hows[16], *op;
	size_t			 nk = 0;
	xmlNode			*conds = soap_child(c, c->op, "SearchConditions");

	memset(k, 0, sizeof(k));
	memset(fields, 0, sizeof(fields));
	memset(hows, 0, sizeof(hows));
	if (soap_item_arg(c, "Folder", false, &dir) == -1)
		return;
	op = soap_arg(c, c->op, "BooleanOperator");
	for (xmlNode *sc = soap_child(c, conds, "SearchCondition"); sc != NULL &&
	    nk < 16; sc = soap_next(c, sc, "SearchCondition"), nk++)
		if (cond_read(c, sc, &k[nk], &fields[nk], &hows[nk]) == -1) {
			nk++;
			goto out;
		}
	if (dir.type != CATALOG_FOLDER)
		soap_fail(c, "rsWrongItemType", 400, "'%s' is not a folder.",
		    dir.path);
	else
		find_write(c, &dir, k, nk, op != NULL && str_ieq(op, "Or"),
		    find_recursive(c));
out:
	conds_free(k, nk);
	for (size_t i = 0; i < nk; i++) {
		free(fields[i]);
		free(hows[i]);
	}
	free(op);
	catalog_item_fini(&dir);
}
