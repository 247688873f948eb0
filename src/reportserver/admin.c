/*
 * admin.c: the portal's Site settings page (/Reports/admin), for System
 * Administrators: system role assignments (System Administrator, System
 * User) and the built-in accounts (add, set a password, remove).  PAM
 * accounts need no entry here; they only need role assignments.
 */
#include "reportserver/form.h"
#include "reportserver/pages.h"
#include "reportserver/passwd.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool
page_is_admin(struct page *p)
{
	return (rs_sys_tasks(p->cat, p->user) & CATALOG_S_MANAGE_SECURITY) != 0;
}

static void
form_open(struct page *p, const char *op)
{
	(void)buf_printf(&p->resp->body, NULL, "<form class=\"card\" method=\""
	    "post\" action=\"%s/action\">", p->req->vdir);
	page_form_head(p, op, "/");
}

static void
sys_roles_table(struct page *p, const struct catalog_policy *v, size_t n)
{
	struct buf	*b = &p->resp->body;

	char		 q[CATALOG_NAME_MAX + 32];

	(void)buf_puts(b, "<h2>System role assignments</h2><table><thead><tr>"
	    "<th scope=\"col\">User or group</th><th scope=\"col\">Kind</th>"
	    "<th scope=\"col\">Roles</th><th scope=\"col\"><span class=\""
	    "skip\">Actions</span></th></tr></thead><tbody>", NULL);
	for (size_t i = 0; i < n; i++) {
		catalog_principal_format(&v[i], q, sizeof(q));
		(void)buf_puts(b, "<tr><th scope=\"row\">", NULL);
		(void)buf_html(b, v[i].principal, NULL);
		(void)buf_printf(b, NULL, "</th><td>%s</td><td>%s%s%s</td><td>"
		    "<form class=\"inline\" method=\"post\" action=\""
		    "%s/action\">", catalog_pkind_label(v[i].kind),
		    v[i].roles & CATALOG_ROLE_SYSTEM_ADMIN ?
		    "System Administrator" : "", v[i].roles ==
		    (CATALOG_ROLE_SYSTEM_ADMIN | CATALOG_ROLE_SYSTEM_USER) ?
		    ", " : "", v[i].roles & CATALOG_ROLE_SYSTEM_USER ?
		    "System User" : "", p->req->vdir);
		page_form_head(p, "sys_policy_remove", "/");
		(void)buf_puts(b, "<input type=\"hidden\" name=\"principal\" "
		    "value=\"", NULL);
		(void)buf_html(b, q, NULL);
		(void)buf_puts(b, "\"><button class=\"danger\">Remove</button>"
		    "</form></td></tr>", NULL);
	}
	(void)buf_puts(b, "</tbody></table>", NULL);
}

static void
users_table(struct page *p, char **names, size_t n)
{
	struct buf	*b = &p->resp->body;

	(void)buf_puts(b, "<h2>Built-in accounts</h2><table><thead><tr><th "
	    "scope=\"col\">Name</th><th scope=\"col\"><span class=\"skip\">"
	    "Actions</span></th></tr></thead><tbody>", NULL);
	for (size_t i = 0; i < n; i++) {
		(void)buf_puts(b, "<tr><th scope=\"row\">", NULL);
		(void)buf_html(b, names[i], NULL);
		(void)buf_printf(b, NULL, "</th><td><form class=\"inline\" "
		    "method=\"post\" action=\"%s/action\">", p->req->vdir);
		page_form_head(p, "user_del", "/");
		(void)buf_puts(b, "<input type=\"hidden\" name=\"name\" value=\"",
		    NULL);
		(void)buf_html(b, names[i], NULL);
		(void)buf_puts(b, "\"><button class=\"danger\">Remove</button>"
		    "</form></td></tr>", NULL);
	}
	(void)buf_puts(b, "</tbody></table>", NULL);
}

static void
admin_forms(struct page *p)
{
	struct buf	*b = &p->resp->body;

	(void)buf_puts(b, "<div class=\"cards\">", NULL);
	form_open(p, "sys_policy_set");
	(void)buf_puts(b, "<h2>Add a system role assignment</h2><label for=\""
	    "sp\">User or group name</label><input type=\"text\" id=\"sp\" "
	    "name=\"principal\" required maxlength=\"260\">", NULL);
	page_kind_select(p, "spk");
	(void)buf_puts(b, "<fieldset><legend>Roles</legend><label><input type=\"checkbox\" name=\"role\" "
	    "value=\"System Administrator\"> System Administrator</label>"
	    "<label><input type=\"checkbox\" name=\"role\" value=\"System "
	    "User\"> System User</label></fieldset><button>Save</button></form>",
	    NULL);
	form_open(p, "user_set");
	(void)buf_puts(b, "<h2>Add an account or set its password</h2><label "
	    "for=\"un\">Name</label><input type=\"text\" id=\"un\" name=\""
	    "name\" required maxlength=\"260\" autocomplete=\"off\"><label "
	    "for=\"p1\">Password</label><input type=\"password\" id=\"p1\" "
	    "name=\"password\" required autocomplete=\"new-password\"><label "
	    "for=\"p2\">Password again</label><input type=\"password\" id=\""
	    "p2\" name=\"password2\" required autocomplete=\"new-password\">"
	    "<button>Save account</button></form></div>", NULL);
}

void
page_admin(struct page *p)
{
	struct catalog_policy	*v = NULL;
	char			**names = NULL;
	struct rs_err		 e;
	size_t			 n = 0, nn = 0;

	if (!page_is_admin(p)) {
		page_error(p, 403, "rsAccessDenied", "Site settings are for "
		    "System Administrators.", "/");
		return;
	}
	if (catalog_system_policy_get(p->cat, &v, &n, &e) == -1 ||
	    catalog_user_list(p->cat, &names, &nn, &e) == -1) {
		catalog_policies_free(v, n);
		page_error_e(p, &e, "/");
		return;
	}
	page_start(p, "Site settings");
	(void)buf_puts(&p->resp->body, "<h1>Site settings</h1>", NULL);
	page_status(p);
	sys_roles_table(p, v, n);
	users_table(p, names, nn);
	admin_forms(p);
	page_end(p);
	catalog_policies_free(v, n);
	catalog_user_list_free(names, nn);
}

/* Adds, changes or removes one principal's system roles. */
static void
sys_policy(struct page *p, const struct form *f, unsigned roles)
{
	struct catalog_policy	*v, *nv;
	enum catalog_pkind	 kind;
	const char		*who;
	struct rs_err		 e;
	size_t			 n, k = 0;

	if (page_principal(p, f, "/", &kind, &who) == -1)
		return;
	if (catalog_principal_resolve(p->cat, who, &kind, &e) == -1 ||
	    catalog_system_policy_get(p->cat, &v, &n, &e) == -1) {
		page_error_e(p, &e, "/");
		return;
	}
	nv = xcalloc(n + 1, sizeof(*nv));
	for (size_t i = 0; i < n; i++)
		if (!catalog_principal_same(&v[i], kind, who))
			nv[k++] = v[i];
	if (roles != 0) {
		nv[k].principal = (char *)who;
		nv[k].kind = kind;
		nv[k++].roles = roles;
	}
	if (catalog_system_policy_set(p->cat, nv, k, &e) == -1)
		page_error_e(p, &e, "/");
	else
		page_redirect(p, "admin", "", "System role assignments saved.");
	free(nv);
	catalog_policies_free(v, n);
}

static void
user_set(struct page *p, const struct form *f)
{
	const char	*name = form_str(f, "name"), *pw = form_str(f,
	    "password"), *pw2 = form_str(f, "password2");
	char		 hash[RS_PASSWD_HASH_MAX];
	struct rs_err	 e;
	int		 rc;

	if (name == NULL || pw == NULL || pw2 == NULL || strcmp(pw, pw2) != 0) {
		page_error(p, 400, "rsInvalidParameter", "Give a name and the "
		    "same password twice.", "/");
		return;
	}
	if (rs_passwd_hash(pw, hash, sizeof(hash), &e) == -1) {
		page_error_e(p, &e, "/");
		return;
	}
	rc = catalog_user_set_hash(p->cat, name, hash, &e);
	if (rc == -1 && e.code == RS_E_NOTFOUND)
		rc = catalog_user_add(p->cat, name, hash, &e);
	explicit_bzero(hash, sizeof(hash));
	rs_auth_forget(p->srv, name);
	if (rc == -1) {
		page_error_e(p, &e, "/");
		return;
	}
	log_info("built-in account '%s' saved by '%s'", name, p->user->name);
	page_redirect(p, "admin", "", "Account saved.");
}

static void
user_del(struct page *p, const char *name)
{
	struct rs_err	e;

	if (name == NULL || strcasecmp(name, p->user->name) == 0) {
		page_error(p, 400, "rsInvalidParameter", "You cannot remove "
		    "your own account.", "/");
		return;
	}
	rs_auth_forget(p->srv, name);
	if (catalog_user_del(p->cat, name, &e) == -1) {
		page_error_e(p, &e, "/");
		return;
	}
	log_info("built-in account '%s' removed by '%s'", name, p->user->name);
	page_redirect(p, "admin", "", "Account removed.");
}

bool
rs_admin_action(struct page *p, const struct form *f, const char *op)
{
	unsigned	roles = 0;

	if (strncmp(op, "sys_", 4) != 0 && strncmp(op, "user_", 5) != 0)
		return false;
	if (!page_is_admin(p))
		page_error(p, 403, "rsAccessDenied", "Site settings are for "
		    "System Administrators.", "/");
	else if (strcmp(op, "sys_policy_set") == 0) {
		for (size_t i = 0; i < f->n; i++)
			if (strcmp(f->f[i].name, "role") == 0)
				roles |= catalog_role_parse(f->f[i].value, true);
		if (form_str(f, "principal") == NULL || roles == 0)
			page_error(p, 400, "rsInvalidParameter", "Give a name "
			    "and at least one role.", "/");
		else
			sys_policy(p, f, roles);
	} else if (strcmp(op, "sys_policy_remove") == 0)
		sys_policy(p, f, 0);
	else if (strcmp(op, "user_set") == 0)
		user_set(p, f);
	else if (strcmp(op, "user_del") == 0)
		user_del(p, form_str(f, "name"));
	else
		page_error(p, 400, "rsInvalidParameter", "Unknown action.", "/");
	return true;
}
