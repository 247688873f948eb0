/*
 * actions.c: the web portal's changes, all POSTed to /Reports/action as
 * forms: new folder, upload, rename, move, delete, and role assignments
 * (add or change, remove, break inheritance, revert to the parent).  The
 * CSRF token is checked first, then the user's tasks, then the catalog
 * does the change in one transaction.  Success answers 303 to the page
 * to show next; failure shows what went wrong and changes nothing.  An
 * uploaded definition passes rs_intake_check() first (a refusal is shown
 * beside the file in the folder's upload form); a rename, a move or new
 * properties of a report re-check its bindings for the user.
 */
#include "reportserver/form.h"
#include "reportserver/intake.h"
#include "reportserver/pages.h"
#include "reportserver/subs.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct act {
	struct page		*p;
	struct form		 f;
	struct catalog_item	 it;	/* the item named by "path" */
	unsigned		 tasks;
};

static void
denied(struct act *a)
{
	char	msg[400];

	snprintf(msg, sizeof(msg), "The permissions granted to user '%s' are "
	    "insufficient for performing this operation.", a->p->user->name);
	page_error(a->p, 403, "rsAccessDenied", msg, a->it.path);
}

static void
parent_of(const struct catalog_item *it, char *out)
{
	catalog_path_parent(it->path, out, CATALOG_PATH_MAX + 2);
}

static void
do_newfolder(struct act *a)
{
	struct catalog_new	nw = { .parent = a->it.path,
	    .type = CATALOG_FOLDER, .name = form_str(&a->f, "name") };
	struct rs_err		e;

	if (!(a->tasks & CATALOG_T_MANAGE_FOLDERS)) {
		denied(a);
		return;
	}
	if (nw.name == NULL)
		nw.name = "";
	if (catalog_item_add(a->p->cat, &nw, a->p->user->name, NULL, &e) == -1) {
		page_error_e(a->p, &e, a->it.path);
		return;
	}
	page_redirect(a->p, "browse", a->it.path, "Folder created.");
}

static int
upload_type(const char *sel, const char *name)
{
	if (sel != NULL && !str_ieq(sel, "auto"))
		return catalog_type_parse(sel);
	if (str_has_suffix(name, ".rdl") || str_has_suffix(name, ".RDL"))
		return CATALOG_REPORT;
	if (str_has_suffix(name, ".rds") || str_has_suffix(name, ".RDS"))
		return CATALOG_DATASOURCE;
	if (str_has_suffix(name, ".rsd") || str_has_suffix(name, ".RSD"))
		return CATALOG_DATASET;
	return CATALOG_RESOURCE;
}

/* A refused upload: the folder again, the message beside the file. */
static void
upload_refused(struct act *a, const char *file,
    const struct rs_refusal *ref, const struct rs_err *e)
{
	char	msg[sizeof(e->msg) + 300];

	snprintf(msg, sizeof(msg), "%s: %s (%s)", file, e->msg, ref->rscode);
	if (page_folder(a->p, &a->it, msg))
		a->p->resp->status = ref->status;
	else
		page_error(a->p, ref->status, ref->rscode, e->msg, a->it.path);
}

/* A change that keeps a report's content makes the user its binder. */
static bool
rebind_ok(struct act *a, const char *path, const char *back)
{
	struct rs_refusal	ref;
	struct rs_err		e;

	if (rs_rebind_check(a->p->cat, a->p->user, &a->it, path, &ref, &e)
	    == 0)
		return true;
	page_error(a->p, ref.status, ref.rscode, e.msg, back);
	return false;
}

/* A report's name is its file name without .rdl, as in the original. */
static void
upload_name(const struct form_field *file, const char *given, int type,
    char *out)
{
	const char	*base;
	size_t		 n;

	if (given != NULL && given[0] != '\0') {
		str_copy(out, CATALOG_NAME_MAX + 1, given);
		return;
	}
	base = strrchr(file->filename, '/');
	base = base != NULL ? base + 1 : file->filename;
	if (strrchr(base, '\\') != NULL)
		base = strrchr(base, '\\') + 1;
	n = strlen(base);
	if (type != CATALOG_RESOURCE && n > 4 && base[n - 4] == '.')
		n -= 4;
	snprintf(out, CATALOG_NAME_MAX + 1, "%.*s", (int)n, base);
}

static void
do_upload(struct act *a)
{
	const struct form_field	*file = form_get(&a->f, "file");
	char			 name[CATALOG_NAME_MAX + 1];
	char			 path[CATALOG_PATH_MAX * 2 + 4];
	struct catalog_new	 nw = { .parent = a->it.path };
	struct rs_refusal	 ref;
	struct rs_err		 e;

	if (file == NULL || file->filename == NULL || file->filename[0] ==
	    '\0') {
		page_error(a->p, 400, "rsMissingElement", "Choose a "
		    "file to upload.", a->it.path);
		return;
	}
	nw.type = upload_type(form_str(&a->f, "type"), file->filename);
	if (nw.type <= 0 || nw.type == CATALOG_FOLDER) {
		page_error(a->p, 400, "rsInvalidParameter", "Unknown "
		    "item type.", a->it.path);
		return;
	}
	if (!(a->tasks & rs_manage_task(nw.type))) {
		denied(a);
		return;
	}
	if (file->len > a->p->srv->conf->max_upload) {
		page_error(a->p, 413, "rsInvalidParameter", "The file "
		    "is larger than MaxUploadBytes.", a->it.path);
		return;
	}
	upload_name(file, form_str(&a->f, "name"), nw.type, name);
	rs_path_join(a->it.path, name, path, sizeof(path));
	if (rs_intake_check(a->p->cat, a->p->user, nw.type, path, file->value,
	    file->len, &ref, &e) == -1) {
		upload_refused(a, file->filename, &ref, &e);
		return;
	}
	nw.name = name;
	nw.content = file->value;
	nw.len = file->len;
	nw.content_type = nw.type == CATALOG_RESOURCE ? rs_mime_of(name) : "";
	nw.overwrite = form_str(&a->f, "overwrite") != NULL;
	if (catalog_item_add(a->p->cat, &nw, a->p->user->name, NULL, &e) == -1) {
		page_error_e(a->p, &e, a->it.path);
		return;
	}
	page_redirect(a->p, "browse", a->it.path, "Uploaded.");
}

static void
do_rename(struct act *a)
{
	struct catalog_update	u = { .name = form_str(&a->f, "name") };
	char			parent[CATALOG_PATH_MAX + 2];
	char			path[CATALOG_PATH_MAX * 2 + 4];
	struct rs_err		e;

	if (!(a->tasks & rs_manage_task(a->it.type))) {
		denied(a);
		return;
	}
	if (u.name == NULL)
		u.name = "";
	parent_of(&a->it, parent);
	rs_path_join(parent, u.name, path, sizeof(path));
	if (!rebind_ok(a, path, parent))
		return;
	if (catalog_item_update(a->p->cat, a->it.id, &u, a->p->user->name, &e)
	    == -1) {
		page_error_e(a->p, &e, parent);
		return;
	}
	page_redirect(a->p, "browse", parent, "Renamed.");
}

static void
do_props(struct act *a)
{
	struct catalog_update	u = { .has_hidden = true };
	const char		*d = form_str(&a->f, "description");
	char			 parent[CATALOG_PATH_MAX + 2];
	struct rs_err		 e;

	if (!(a->tasks & rs_manage_task(a->it.type))) {
		denied(a);
		return;
	}
	if (d != NULL && strlen(d) > 512) {
		page_error(a->p, 400, "rsInvalidParameter", "The description "
		    "is longer than 512 bytes.", a->it.path);
		return;
	}
	u.description = d != NULL ? d : "";
	u.hidden = form_str(&a->f, "hidden") != NULL;
	parent_of(&a->it, parent);
	if (!rebind_ok(a, a->it.path, parent))
		return;
	if (catalog_item_update(a->p->cat, a->it.id, &u, a->p->user->name, &e)
	    == -1) {
		page_error_e(a->p, &e, parent);
		return;
	}
	page_redirect(a->p, "item", a->it.path, "Properties saved.");
}

static void
do_move(struct act *a)
{
	const char		*target = form_str(&a->f, "target");
	char			 path[CATALOG_PATH_MAX * 2 + 4];
	struct catalog_item	 dst;
	struct rs_err		 e;
	unsigned		 t;

	if (!(a->tasks & rs_manage_task(a->it.type))) {
		denied(a);
		return;
	}
	if (target == NULL ||
	    rs_item_get(a->p->cat, a->p->user, target, &dst, &e) == -1) {
		if (target == NULL)
			rs_err_set(&e, RS_E_BADINPUT, "give a target folder");
		page_error_e(a->p, &e, a->it.path);
		return;
	}
	t = rs_tasks(a->p->cat, dst.id, a->p->user);
	rs_path_join(dst.path, a->it.name, path, sizeof(path));
	catalog_item_fini(&dst);
	if (!(t & rs_manage_task(a->it.type))) {
		denied(a);
		return;
	}
	if (!rebind_ok(a, path, a->it.path))
		return;
	if (catalog_item_move(a->p->cat, a->it.id, target, a->p->user->name,
	    &e) == -1) {
		page_error_e(a->p, &e, a->it.path);
		return;
	}
	page_redirect(a->p, "browse", target, "Moved.");
}

static void
do_delete(struct act *a)
{
	char		parent[CATALOG_PATH_MAX + 2];
	struct rs_err	e;

	if (!(a->tasks & rs_manage_task(a->it.type))) {
		denied(a);
		return;
	}
	parent_of(&a->it, parent);
	if (form_str(&a->f, "confirm") == NULL) {
		page_error(a->p, 400, "rsMissingElement", "Tick \"I am "
		    "sure\" to delete.", parent);
		return;
	}
	if (catalog_item_del(a->p->cat, a->it.id, &e) == -1) {
		page_error_e(a->p, &e, parent);
		return;
	}
	page_redirect(a->p, "browse", parent, "Deleted.");
}

/*
 * Sets the item's own list: the current effective one, changed (who of
 * kind k replaced, or removed when roles is 0; who NULL: unchanged).
 */
static void
change_policy(struct act *a, enum catalog_pkind k, const char *who,
    unsigned roles, const char *ok)
{
	struct catalog_policy	*v, *nv;
	struct rs_err		 e;
	size_t			 n, nk = 0;
	bool			 inh;

	if ((who != NULL && catalog_principal_resolve(a->p->cat, who, &k, &e)
	    == -1) || catalog_policy_get(a->p->cat, a->it.id, &inh, &v, &n,
	    &e) == -1) {
		page_error_e(a->p, &e, a->it.path);
		return;
	}
	nv = xcalloc(n + 1, sizeof(*nv));
	for (size_t i = 0; i < n; i++)
		if (who == NULL || !catalog_principal_same(&v[i], k, who))
			nv[nk++] = v[i];
	if (who != NULL && roles != 0) {
		nv[nk].principal = (char *)who;
		nv[nk].kind = k;
		nv[nk++].roles = roles;
	}
	if (catalog_policy_set(a->p->cat, a->it.id, false, nv, nk, &e) == -1)
		page_error_e(a->p, &e, a->it.path);
	else
		page_redirect(a->p, "security", a->it.path, ok);
	free(nv);
	catalog_policies_free(v, n);
}

static void
do_policy_set(struct act *a)
{
	enum catalog_pkind	 k;
	const char		*who;
	unsigned		 roles = 0;

	for (size_t i = 0; i < a->f.n; i++)
		if (strcmp(a->f.f[i].name, "role") == 0)
			roles |= catalog_role_parse(a->f.f[i].value, false);
	if (page_principal(a->p, &a->f, a->it.path, &k, &who) == -1)
		return;
	if (roles == 0) {
		page_error(a->p, 400, "rsInvalidParameter", "Give a user "
		    "or group name and at least one role.", a->it.path);
		return;
	}
	change_policy(a, k, who, roles, "Role assignment saved.");
}

static void
do_policy_remove(struct act *a)
{
	enum catalog_pkind	 k;
	const char		*who;

	if (page_principal(a->p, &a->f, a->it.path, &k, &who) == 0)
		change_policy(a, k, who, 0, "Role assignment removed.");
}

static void
do_policy(struct act *a, const char *op)
{
	struct rs_err	e;

	if (!(a->tasks & CATALOG_T_SET_SECURITY)) {
		denied(a);
		return;
	}
	if (strcmp(op, "policy_set") == 0)
		do_policy_set(a);
	else if (strcmp(op, "policy_remove") == 0)
		do_policy_remove(a);
	else if (strcmp(op, "break") == 0)
		change_policy(a, CATALOG_PK_UNSPEC, NULL, 0, "This item now "
		    "has its own security.");
	else if (catalog_policy_set(a->p->cat, a->it.id, true, NULL, 0, &e) ==
	    -1)
		page_error_e(a->p, &e, a->it.path);
	else
		page_redirect(a->p, "security", a->it.path, "Security is "
		    "inherited from the parent folder again.");
}

static const struct {
	const char	*op;
	void		(*fn)(struct act *);
} ops[] = {
	{ "newfolder", do_newfolder }, { "upload", do_upload },
	{ "rename", do_rename }, { "move", do_move }, { "delete", do_delete },
	{ "props", do_props },
};

static void
run(struct act *a, const char *op)
{
	for (size_t i = 0; i < nitems(ops); i++)
		if (strcmp(op, ops[i].op) == 0) {
			ops[i].fn(a);
			return;
		}
	if (strcmp(op, "policy_set") == 0 || strcmp(op, "policy_remove") == 0
	    || strcmp(op, "break") == 0 || strcmp(op, "inherit") == 0)
		do_policy(a, op);
	else
		page_error(a->p, 400, "rsInvalidParameter", "Unknown action.",
		    a->it.path);
}

void
rs_actions_handle(struct page *p)
{
	struct act	 a = { .p = p };
	struct rs_err	 e;
	const char	*op, *path;

	if (form_parse(&a.f, rs_req_header(p->req, "Content-Type"),
	    p->req->body, p->req->body_len, &e) == -1) {
		page_error_e(p, &e, "/");
		return;
	}
	if (!rs_token_check(p->srv, p->user->name, form_str(&a.f, "csrf"))) {
		page_error(p, 403, "rsAccessDenied", "The form has expired or "
		    "did not come from this site; reload the page and try "
		    "again.", "/");
		goto out;
	}
	op = form_str(&a.f, "op");
	path = form_str(&a.f, "path");
	if (op != NULL && (rs_admin_action(p, &a.f, op) ||
	    rs_portal_subs_action(p, &a.f, op)))	/* portal_subs.c */
		goto out;
	if (op == NULL || path == NULL) {
		page_error(p, 400, "rsMissingElement", "The form is incomplete.",
		    "/");
		goto out;
	}
	if (rs_item_get(p->cat, p->user, path, &a.it, &e) == -1) {
		page_error_e(p, &e, "/");
		goto out;
	}
	a.tasks = rs_tasks(p->cat, a.it.id, p->user);
	run(&a, op);
	catalog_item_fini(&a.it);
out:
	form_fini(&a.f);
}
