/*
 * publish.c: the writing operations on items of ReportService2010:
 * CreateFolder, CreateCatalogItem (Report, DataSource, DataSet, Resource;
 * Overwrite), Get/SetItemDefinition, DeleteItem and MoveItem.  As the REST
 * API does, each checks the user's tasks on the parent folder or the item,
 * runs every definition through the intake check, and validates the whole
 * request before the catalog is changed; a move re-checks the item's
 * bindings for the user who moves it.  Definitions are stored byte for
 * byte as sent, so GetItemDefinition returns exactly what was published.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

uint8_t *
soap_base64(struct soap_call *c, const char *name, const char *text,
    size_t max, size_t *len)
{
	size_t	 n = strlen(text);
	uint8_t	*out;
	long	 got;

	*len = 0;
	if (n / 4 * 3 > max + 3) {
		soap_fail(c, "rsInvalidParameter", 413, "The %s is larger than "
		    "MaxUploadBytes (%zu bytes).", name, max);
		return NULL;
	}
	out = xmalloc(n / 4 * 3 + 4);
	got = str_base64_decode(text, n, out, n / 4 * 3 + 4);
	if (got < 0 || (size_t)got > max) {
		free(out);
		soap_fail(c, "rsInvalidParameter", got < 0 ? 400 : 413, got < 0 ?
		    "The %s is not valid base64." : "The %s is larger than "
		    "MaxUploadBytes.", name);
		return NULL;
	}
	*len = (size_t)got;
	return out;
}

int
soap_may_add(struct soap_call *c, const char *parent, int type)
{
	struct catalog_item	dir;
	struct rs_err		e;
	unsigned		t;

	if (catalog_item_get(c->cat, parent, &dir, &e) == -1)
		return e.code == RS_E_NOTFOUND ? soap_fail(c, "rsItemNotFound",
		    404, "The item '%.300s' cannot be found.", parent) :
		    soap_fail_err(c, &e, "rsInvalidItemPath");
	t = rs_tasks(c->cat, dir.id, c->user);
	catalog_item_fini(&dir);
	if ((t & rs_manage_task(type)) == 0)
		return soap_denied(c);
	return 0;
}

int
soap_may_replace(struct soap_call *c, const char *path, bool overwrite)
{
	struct catalog_item	old;
	struct rs_err		e;
	unsigned		t;

	if (!overwrite || catalog_item_get(c->cat, path, &old, &e) == -1)
		return 0;	/* nothing to replace: the catalog decides */
	t = rs_tasks(c->cat, old.id, c->user);
	catalog_item_fini(&old);
	return (t & rs_manage_task(old.type)) != 0 ? 0 : soap_denied(c);
}

/* Adds the item; its user-defined properties follow.  -1 with a fault. */
static int
add(struct soap_call *c, struct catalog_new *nw, const struct soap_props *p,
    struct catalog_item *it)
{
	struct rs_err	e;

	if (catalog_item_add(c->cat, nw, c->user->name, it, &e) == -1) {
		if (e.code == RS_E_EXISTS)
			return soap_fail(c, "rsItemAlreadyExists", 409, "The item "
			    "'%s%s%s' already exists.", strcmp(nw->parent, "/") ?
			    nw->parent : "", "/", nw->name);
		return soap_fail_err(c, &e, e.code == RS_E_BADINPUT ?
		    "rsInvalidItemName" : NULL);
	}
	if (soap_props_store(c, it->id, p) == -1) {
		catalog_item_fini(it);
		return -1;
	}
	return 0;
}

void
soap_create_folder(struct soap_call *c)
{
	struct catalog_new	 nw = { 0 };
	struct catalog_item	 it;
	struct soap_props	 p;
	char			*name, *parent = NULL;

	memset(&p, 0, sizeof(p));
	name = soap_need(c, c->op, "Folder");
	if (name != NULL)
		parent = soap_need(c, c->op, "Parent");
	if (parent == NULL || soap_props_read(c, soap_child(c, c->op,
	    "Properties"), &p) == -1 || soap_may_add(c, parent, CATALOG_FOLDER) ==
	    -1)
		goto out;
	nw.parent = parent;
	nw.name = name;
	nw.type = CATALOG_FOLDER;
	nw.description = p.u.description;
	nw.hidden = p.u.has_hidden && p.u.hidden;
	if (add(c, &nw, &p, &it) == 0) {
		soap_w_catalog_item(c, "ItemInfo", &it);
		catalog_item_fini(&it);
	}
out:
	soap_props_fini(&p);
	free(name);
	free(parent);
}

static int
type_of(struct soap_call *c, const char *name)
{
	int	type = catalog_type_parse(name);

	if (type == CATALOG_FOLDER)
		return soap_fail(c, "rsInvalidParameter", 400, "A folder is made "
		    "with CreateFolder, not CreateCatalogItem.");
	if (type < 0)
		return soap_fail(c, "rsOperationNotSupported", 400, "Items of "
		    "type '%.40s' are not supported by this report server; "
		    "supported: Report, DataSource, DataSet, Resource.", name);
	return type;
}

/* The request of CreateCatalogItem, read and checked. */
struct newitem {
	char			*type, *name, *parent, *def64;
	uint8_t			*def;
	size_t			 len;
	bool			 overwrite;
	struct soap_props	 p;
	struct rs_warnings	 w;
	char			 path[CATALOG_PATH_MAX * 2 + 4];
};

static int
newitem_read(struct soap_call *c, struct newitem *n, int *type)
{
	if ((n->type = soap_need(c, c->op, "ItemType")) == NULL ||
	    (n->name = soap_need(c, c->op, "Name")) == NULL ||
	    (n->parent = soap_need(c, c->op, "Parent")) == NULL ||
	    soap_arg_bool(c, c->op, "Overwrite", &n->overwrite) == -1 ||
	    soap_props_read(c, soap_child(c, c->op, "Properties"), &n->p) ==
	    -1 || (*type = type_of(c, n->type)) == -1)
		return -1;
	n->def64 = soap_arg(c, c->op, "Definition");
	if (n->def64 != NULL && (n->def = soap_base64(c, "Definition",
	    n->def64, c->srv->conf->max_upload, &n->len)) == NULL)
		return -1;
	if (catalog_name_check(n->name, &(struct rs_err){ 0 }) == -1)
		return soap_fail(c, "rsInvalidItemName", 400, "The name of the "
		    "item '%.300s' is not valid: it may not be empty, start or end "
		    "with a space, or contain / \\ ; ? : @ & = + , $ * < > | \" "
		    "or control characters.", n->name);
	rs_path_join(n->parent, n->name, n->path, sizeof(n->path));
	if (soap_may_add(c, n->parent, *type) == -1 ||
	    soap_may_replace(c, n->path, n->overwrite) == -1)
		return -1;
	return soap_intake(c, *type, n->path, n->def, n->len, &n->w);
}

static void
newitem_fini(struct newitem *n)
{
	free(n->type);
	free(n->name);
	free(n->parent);
	free(n->def64);
	free(n->def);
	soap_props_fini(&n->p);
}

void
soap_create_catalog_item(struct soap_call *c)
{
	struct newitem		 n;
	struct catalog_new	 nw = { 0 };
	struct catalog_item	 it;
	int			 type = 0;

	memset(&n, 0, sizeof(n));
	if (newitem_read(c, &n, &type) == -1)
		goto out;
	nw.parent = n.parent;
	nw.name = n.name;
	nw.type = type;
	nw.content = n.def;
	nw.len = n.len;
	nw.overwrite = n.overwrite;
	nw.description = n.p.u.description;
	nw.hidden = n.p.u.has_hidden && n.p.u.hidden;
	nw.content_type = n.p.u.content_type;
	if (type == CATALOG_RESOURCE && (nw.content_type == NULL ||
	    nw.content_type[0] == '\0'))
		nw.content_type = rs_mime_of(n.name);
	if (add(c, &nw, &n.p, &it) == 0) {
		soap_w_catalog_item(c, "ItemInfo", &it);
		soap_w_warnings(c, "Warnings", &n.w);
		catalog_item_fini(&it);
	}
out:
	newitem_fini(&n);
}

void
soap_get_item_definition(struct soap_call *c)
{
	struct catalog_item	 it;
	struct rs_err		 e;
	void			*data;
	size_t			 len;

	if (soap_item_arg(c, "ItemPath", false, &it) == -1)
		return;
	if (it.type == CATALOG_FOLDER)
		soap_fail(c, "rsWrongItemType", 400, "The operation is not valid "
		    "for the item '%s': a folder has no definition.", it.path);
	else if (!rs_can_read_definition(it.type, rs_tasks(c->cat, it.id,
	    c->user)))
		soap_denied(c);	/* Read Report Definition (not Browser's) */
	else if (catalog_item_content(c->cat, it.id, &data, &len, &e) == -1)
		soap_fail_err(c, &e, NULL);
	else {
		soap_w_base64(c, "Definition", data, len);
		free(data);
	}
	catalog_item_fini(&it);
}

void
soap_set_item_definition(struct soap_call *c)
{
	struct catalog_item	 it;
	struct soap_props	 p;
	struct rs_warnings	 w = { 0 };
	struct rs_err		 e;
	char			*def64 = NULL;
	uint8_t			*def = NULL;

	memset(&p, 0, sizeof(p));
	if (soap_item_arg(c, "ItemPath", true, &it) == -1)
		return;
	if (it.type == CATALOG_FOLDER) {
		soap_fail(c, "rsWrongItemType", 400, "A folder has no "
		    "definition.");
		goto out;
	}
	if ((def64 = soap_need(c, c->op, "Definition")) == NULL ||
	    (def = soap_base64(c, "Definition", def64,
	    c->srv->conf->max_upload, &p.u.len)) == NULL ||
	    soap_props_read(c, soap_child(c, c->op, "Properties"), &p) == -1 ||
	    soap_intake(c, it.type, it.path, def, p.u.len, &w) == -1)
		goto out;
	p.u.has_content = true;
	p.u.content = def;
	if (catalog_item_update(c->cat, it.id, &p.u, c->user->name, &e) == -1)
		soap_fail_err(c, &e, NULL);
	else if (soap_props_store(c, it.id, &p) == 0)
		soap_w_warnings(c, "Warnings", &w);
out:
	soap_props_fini(&p);
	free(def64);
	free(def);
	catalog_item_fini(&it);
}

void
soap_delete_item(struct soap_call *c)
{
	struct catalog_item	it;
	struct rs_err		e;

	if (soap_item_arg(c, "ItemPath", true, &it) == -1)
		return;
	if (it.parent_id[0] == '\0')
		soap_fail(c, "rsInvalidItemPath", 400, "The root folder cannot "
		    "be deleted.");
	else if (catalog_item_del(c->cat, it.id, &e) == -1)
		soap_fail_err(c, &e, NULL);
	catalog_item_fini(&it);
}

/* Moves it into folder under name; undoes the move when the rename fails. */
static void
move(struct soap_call *c, const struct catalog_item *it, const char *folder,
    const char *name, const char *target)
{
	struct catalog_update	u = { .name = name };
	struct rs_refusal	ref;
	struct rs_err		e;
	char			old[CATALOG_PATH_MAX + 2];
	bool			moved = false;

	catalog_path_parent(it->path, old, sizeof(old));
	if (rs_rebind_check(c->cat, c->user, it, target, &ref, &e) == -1) {
		soap_fail(c, ref.rscode, ref.status, "%s", e.msg);
		return;
	}
	if (strcasecmp(old, folder) != 0) {
		if (catalog_item_move(c->cat, it->id, folder, c->user->name,
		    &e) == -1) {
			soap_fail_err(c, &e, e.code == RS_E_BADINPUT ?
			    "rsInvalidMove" : e.code == RS_E_EXISTS ?
			    "rsItemAlreadyExists" : NULL);
			return;
		}
		moved = true;
	}
	if (strcmp(name, it->name) != 0 && catalog_item_update(c->cat, it->id,
	    &u, c->user->name, &e) == -1) {
		soap_fail_err(c, &e, e.code == RS_E_EXISTS ?
		    "rsItemAlreadyExists" : e.code == RS_E_BADINPUT ?
		    "rsInvalidItemName" : NULL);
		if (moved)
			(void)catalog_item_move(c->cat, it->id, old,
			    c->user->name, &e);
	}
}

void
soap_move_item(struct soap_call *c)
{
	struct catalog_item	 it;
	struct rs_err		 e;
	char			*target = NULL;
	char			 norm[CATALOG_PATH_MAX + 2];
	char			 folder[CATALOG_PATH_MAX + 2];

	if (soap_item_arg(c, "ItemPath", true, &it) == -1)
		return;
	if ((target = soap_need(c, c->op, "Target")) == NULL)
		goto out;
	if (catalog_path_norm(target, norm, sizeof(norm), &e) == -1 ||
	    strcmp(norm, "/") == 0) {
		soap_fail(c, "rsInvalidItemPath", 400, "The path '%.300s' is not "
		    "a valid target for a move.", target);
		goto out;
	}
	if (it.parent_id[0] == '\0') {
		soap_fail(c, "rsInvalidMove", 400, "The root folder cannot be "
		    "moved.");
		goto out;
	}
	catalog_path_parent(norm, folder, sizeof(folder));
	if (soap_may_add(c, folder, it.type) == 0)
		move(c, &it, folder, strrchr(norm, '/') + 1, norm);
out:
	free(target);
	catalog_item_fini(&it);
}
