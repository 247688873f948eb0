/*
 * security.c: role-based security through ReportService2010: Get/Set-
 * Policies, InheritParentSecurity, Get/SetSystemPolicies, ListRoles,
 * ListTasks, GetPermissions and GetSystemPermissions, over the catalog's
 * role assignments with the checks the REST API's Policies make (Set
 * security policies for items, Manage report server security for the
 * system).  Permissions are the original's names, derived from the tasks
 * the user holds, so Report Builder and the portal-like tools enable what
 * the user may do.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define POLICIES_MAX	256

static int
policy_item(struct soap_call *c, struct catalog_item *it)
{
	if (soap_item_arg(c, "ItemPath", false, it) == -1)
		return -1;
	if ((rs_tasks(c->cat, it->id, c->user) & CATALOG_T_SET_SECURITY) == 0) {
		catalog_item_fini(it);
		return soap_denied(c);
	}
	return 0;
}

static void
w_roles(struct soap_call *c, unsigned roles, bool sys)
{
	soap_w_start(c, "Roles");
	for (unsigned bit = 1; bit <= CATALOG_ROLE_REPORT_BUILDER; bit <<= 1) {
		if ((roles & bit) == 0 || catalog_role_tasks(bit, sys) == 0)
			continue;
		soap_w_start(c, "Role");
		soap_w_str(c, "Name", catalog_role_name(bit, sys));
		soap_w_str(c, "Description", catalog_role_description(bit, sys));
		soap_w_end(c);
	}
	soap_w_end(c);
}

static void
w_policies(struct soap_call *c, const struct catalog_policy *v, size_t n,
    bool sys)
{
	soap_w_start(c, "Policies");
	for (size_t i = 0; i < n; i++) {
		soap_w_start(c, "Policy");
		soap_w_str(c, "GroupUserName", v[i].principal);
		w_roles(c, v[i].roles, sys);
		soap_w_end(c);
	}
	soap_w_end(c);
}

void
soap_get_policies(struct soap_call *c)
{
	struct catalog_item	 it;
	struct catalog_policy	*v;
	struct rs_err		 e;
	size_t			 n;
	bool			 inh;

	if (policy_item(c, &it) == -1)
		return;
	if (catalog_policy_get(c->cat, it.id, &inh, &v, &n, &e) == -1)
		soap_fail_err(c, &e, NULL);
	else {
		w_policies(c, v, n, false);
		soap_w_bool(c, "InheritParent", inh);
		catalog_policies_free(v, n);
	}
	catalog_item_fini(&it);
}

/* Policies of a request; principals and roles owned by v. */
static int
read_policies(struct soap_call *c, struct catalog_policy *v, size_t *n,
    bool sys)
{
	xmlNode	*list = soap_child(c, c->op, "Policies");

	*n = 0;
	for (xmlNode *p = soap_child(c, list, "Policy"); p != NULL;
	    p = soap_next(c, p, "Policy")) {
		xmlNode	*roles = soap_child(c, p, "Roles");

		if (*n == POLICIES_MAX)
			return soap_fail(c, "rsInvalidParameter", 400, "More "
			    "than %d policies.", POLICIES_MAX);
		v[*n].roles = 0;
		v[*n].principal = soap_arg(c, p, "GroupUserName");
		if (v[(*n)++].principal == NULL)
			return soap_fail(c, "rsInvalidParameter", 400, "Each "
			    "Policy needs a GroupUserName.");
		for (xmlNode *r = soap_child(c, roles, "Role"); r != NULL;
		    r = soap_next(c, r, "Role")) {
			char		*name = soap_arg(c, r, "Name");
			unsigned	 bit = name != NULL ?
			    catalog_role_parse(name, sys) : 0;

			if (bit == 0)
				soap_fail(c, "rsInvalidParameter", 400, "The role "
				    "'%.80s' does not exist.", name != NULL ?
				    name : "");
			free(name);
			if (bit == 0)
				return -1;
			v[*n - 1].roles |= bit;
		}
	}
	return 0;
}

static void
policies_drop(struct catalog_policy *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].principal);
}

void
soap_set_policies(struct soap_call *c)
{
	struct catalog_item	 it;
	struct catalog_policy	*v = xcalloc(POLICIES_MAX, sizeof(*v));
	struct rs_err		 e;
	size_t			 n = 0;

	if (policy_item(c, &it) == -1) {
		free(v);
		return;
	}
	if (read_policies(c, v, &n, false) == 0 &&
	    catalog_policy_set(c->cat, it.id, false, v, n, &e) == -1)
		soap_fail_err(c, &e, NULL);
	policies_drop(v, n);
	free(v);
	catalog_item_fini(&it);
}

void
soap_inherit_security(struct soap_call *c)
{
	struct catalog_item	it;
	struct rs_err		e;

	if (policy_item(c, &it) == -1)
		return;
	if (it.parent_id[0] == '\0')
		soap_fail(c, "rsInvalidParameter", 400, "The root folder cannot "
		    "inherit security: it has no parent.");
	else if (catalog_policy_set(c->cat, it.id, true, NULL, 0, &e) == -1)
		soap_fail_err(c, &e, NULL);
	catalog_item_fini(&it);
}

static bool
sys_admin(struct soap_call *c)
{
	if (rs_sys_tasks(c->cat, c->user) & CATALOG_S_MANAGE_SECURITY)
		return true;
	soap_denied(c);
	return false;
}

void
soap_get_system_policies(struct soap_call *c)
{
	struct catalog_policy	*v;
	struct rs_err		 e;
	size_t			 n;

	if (!sys_admin(c))
		return;
	if (catalog_system_policy_get(c->cat, &v, &n, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		return;
	}
	w_policies(c, v, n, true);
	catalog_policies_free(v, n);
}

void
soap_set_system_policies(struct soap_call *c)
{
	struct catalog_policy	*v = xcalloc(POLICIES_MAX, sizeof(*v));
	struct rs_err		 e;
	size_t			 n = 0;

	if (sys_admin(c) && read_policies(c, v, &n, true) == 0 &&
	    catalog_system_policy_set(c->cat, v, n, &e) == -1)
		soap_fail_err(c, &e, NULL);
	policies_drop(v, n);
	free(v);
}

/* Tasks: the bit, the original's name, and what it allows. */
static const struct {
	unsigned	 bit;
	bool		 sys;
	const char	*id;
	const char	*name;
	const char	*desc;
} tasks[] = {
	{ CATALOG_T_VIEW_REPORTS, false, "ViewReports", "View reports",
	  "View reports and linked reports in the folder hierarchy." },
	{ CATALOG_T_VIEW_RESOURCES, false, "ViewResources", "View resources",
	  "View resources in the folder hierarchy." },
	{ CATALOG_T_VIEW_FOLDERS, false, "ViewFolders", "View folders",
	  "View folder contents." },
	{ CATALOG_T_VIEW_DATASOURCES, false, "ViewDataSources",
	  "View data sources", "View shared data source items." },
	{ CATALOG_T_VIEW_MODELS, false, "ViewModels", "View models",
	  "View models in the folder hierarchy." },
	{ CATALOG_T_MANAGE_REPORTS, false, "ManageReports", "Manage reports",
	  "Add, change and delete reports and shared datasets." },
	{ CATALOG_T_MANAGE_RESOURCES, false, "ManageResources",
	  "Manage resources", "Add, change and delete resources." },
	{ CATALOG_T_MANAGE_FOLDERS, false, "ManageFolders", "Manage folders",
	  "Add, change and delete folders." },
	{ CATALOG_T_MANAGE_DATASOURCES, false, "ManageDataSources",
	  "Manage data sources", "Add, change and delete shared data sources." },
	{ CATALOG_T_MANAGE_MODELS, false, "ManageModels", "Manage models",
	  "Add, change and delete models." },
	{ CATALOG_T_CREATE_LINKED, false, "CreateLinkedReports",
	  "Create linked reports", "Create linked reports." },
	{ CATALOG_T_SET_SECURITY, false, "SetSecurityPolicies",
	  "Set security for individual items",
	  "View and change the role assignments of items." },
	{ CATALOG_T_MANAGE_SUBSCRIPTIONS, false, "ManageIndividualSubscriptions",
	  "Manage individual subscriptions",
	  "Create and manage one's own subscriptions." },
	{ CATALOG_T_MANAGE_ALL_SUBS, false, "ManageAllSubscriptions",
	  "Manage all subscriptions", "Manage every user's subscriptions." },
	{ CATALOG_T_MANAGE_HISTORY, false, "ManageReportHistory",
	  "Manage report history", "Create and delete report history." },
	{ CATALOG_T_CONSUME_REPORTS, false, "ConsumeReports", "Consume reports",
	  "Read report definitions." },
	{ CATALOG_S_EXECUTE_DEFS, true, "ExecuteReportDefinitions",
	  "Execute Report Definitions",
	  "Run report definitions without publishing them." },
	{ CATALOG_S_MANAGE_JOBS, true, "ManageJobs", "Manage jobs",
	  "View and cancel running jobs." },
	{ CATALOG_S_MANAGE_PROPERTIES, true, "ManageReportServerProperties",
	  "Manage report server properties",
	  "View and change the report server's properties." },
	{ CATALOG_S_MANAGE_ROLES, true, "ManageRoles", "Manage roles",
	  "Create, change and delete role definitions." },
	{ CATALOG_S_MANAGE_SCHEDULES, true, "ManageSharedSchedules",
	  "Manage shared schedules", "Create, change and delete shared "
	  "schedules." },
	{ CATALOG_S_MANAGE_SECURITY, true, "ManageReportServerSecurity",
	  "Manage report server security",
	  "View and change system role assignments." },
	{ CATALOG_S_VIEW_PROPERTIES, true, "ViewReportServerProperties",
	  "View report server properties",
	  "View the report server's properties." },
	{ CATALOG_S_VIEW_SCHEDULES, true, "ViewSharedSchedules",
	  "View shared schedules", "View shared schedules." },
};

/* SecurityScope: All, System or Catalog; -1 with a fault. */
static int
scope_of(struct soap_call *c, bool *sys, bool *item)
{
	char	*s = soap_arg(c, c->op, "SecurityScope");
	int	 rc = 0;

	*sys = *item = true;
	if (s == NULL || str_ieq(s, "All"))
		;
	else if (str_ieq(s, "System"))
		*item = false;
	else if (str_ieq(s, "Catalog"))
		*sys = false;
	else
		rc = soap_fail(c, "rsInvalidParameter", 400, "SecurityScope "
		    "must be All, System or Catalog.");
	free(s);
	return rc;
}

void
soap_list_roles(struct soap_call *c)
{
	bool	sys, item;

	if (scope_of(c, &sys, &item) == -1)
		return;
	soap_w_start(c, "Roles");
	for (unsigned pass = 0; pass < 2; pass++) {
		bool	s = pass == 1;

		if ((s && !sys) || (!s && !item))
			continue;
		for (unsigned bit = 1; bit <= CATALOG_ROLE_REPORT_BUILDER;
		    bit <<= 1) {
			if (catalog_role_tasks(bit, s) == 0)
				continue;
			soap_w_start(c, "Role");
			soap_w_str(c, "Name", catalog_role_name(bit, s));
			soap_w_str(c, "Description",
			    catalog_role_description(bit, s));
			soap_w_end(c);
		}
	}
	soap_w_end(c);
}

void
soap_list_tasks(struct soap_call *c)
{
	bool	sys, item;

	if (scope_of(c, &sys, &item) == -1)
		return;
	soap_w_start(c, "Tasks");
	for (size_t i = 0; i < nitems(tasks); i++) {
		if ((tasks[i].sys && !sys) || (!tasks[i].sys && !item))
			continue;
		soap_w_start(c, "Task");
		soap_w_str(c, "TaskID", tasks[i].id);
		soap_w_str(c, "Name", tasks[i].name);
		soap_w_str(c, "Description", tasks[i].desc);
		soap_w_end(c);
	}
	soap_w_end(c);
}

/* The original's permission names and the task each comes from. */
static const struct {
	const char	*name;
	unsigned	 any;	/* any of these item tasks */
	int		 type;	/* 0: every type */
} perms[] = {
	{ "Read Properties", 0xffffu, 0 },
	{ "Update Properties", CATALOG_T_MANAGE_REPORTS |
	  CATALOG_T_MANAGE_FOLDERS | CATALOG_T_MANAGE_RESOURCES |
	  CATALOG_T_MANAGE_DATASOURCES, 0 },
	{ "Delete", CATALOG_T_MANAGE_REPORTS | CATALOG_T_MANAGE_FOLDERS |
	  CATALOG_T_MANAGE_RESOURCES | CATALOG_T_MANAGE_DATASOURCES, 0 },
	{ "Read Security Policies", CATALOG_T_SET_SECURITY, 0 },
	{ "Update Security Policies", CATALOG_T_SET_SECURITY, 0 },
	{ "Execute and View", CATALOG_T_VIEW_REPORTS, CATALOG_REPORT },
	{ "Read Report Definition", CATALOG_T_VIEW_REPORTS |
	  CATALOG_T_CONSUME_REPORTS, CATALOG_REPORT },
	{ "Update Report Definition", CATALOG_T_MANAGE_REPORTS,
	  CATALOG_REPORT },
	{ "Read Data Sources", CATALOG_T_VIEW_REPORTS, CATALOG_REPORT },
	{ "Update Data Sources", CATALOG_T_MANAGE_REPORTS, CATALOG_REPORT },
	{ "Update Parameters", CATALOG_T_MANAGE_REPORTS, CATALOG_REPORT },
	{ "Create Folder", CATALOG_T_MANAGE_FOLDERS, CATALOG_FOLDER },
	{ "Create Report", CATALOG_T_MANAGE_REPORTS, CATALOG_FOLDER },
	{ "Create Resource", CATALOG_T_MANAGE_RESOURCES, CATALOG_FOLDER },
	{ "Create Data Source", CATALOG_T_MANAGE_DATASOURCES, CATALOG_FOLDER },
	{ "Read Content", CATALOG_T_VIEW_RESOURCES | CATALOG_T_VIEW_DATASOURCES |
	  CATALOG_T_MANAGE_DATASOURCES, 0 },
	{ "Update Content", CATALOG_T_MANAGE_RESOURCES |
	  CATALOG_T_MANAGE_DATASOURCES, 0 },
};

void
soap_get_permissions(struct soap_call *c)
{
	struct catalog_item	it;
	unsigned		t;

	if (soap_item_arg(c, "ItemPath", false, &it) == -1)
		return;
	t = rs_tasks(c->cat, it.id, c->user);
	soap_w_start(c, "Permissions");
	for (size_t i = 0; i < nitems(perms); i++)
		if ((t & perms[i].any) != 0 && (perms[i].type == 0 ||
		    perms[i].type == it.type))
			soap_w_str(c, "Operation", perms[i].name);
	soap_w_end(c);
	catalog_item_fini(&it);
}

void
soap_get_system_permissions(struct soap_call *c)
{
	static const struct {
		const char	*name;
		unsigned	 any;
	} sp[] = {
		{ "Execute Report Definitions", CATALOG_S_EXECUTE_DEFS },
		{ "Read System Properties", CATALOG_S_VIEW_PROPERTIES |
		  CATALOG_S_MANAGE_PROPERTIES },
		{ "Update System Properties", CATALOG_S_MANAGE_PROPERTIES },
		{ "Read System Security Policies", CATALOG_S_MANAGE_SECURITY },
		{ "Update System Security Policies", CATALOG_S_MANAGE_SECURITY },
		{ "Read Role Properties", CATALOG_S_MANAGE_ROLES },
		{ "Read Schedules", CATALOG_S_VIEW_SCHEDULES |
		  CATALOG_S_MANAGE_SCHEDULES },
		{ "List Jobs", CATALOG_S_MANAGE_JOBS },
	};
	unsigned	t = rs_sys_tasks(c->cat, c->user);

	soap_w_start(c, "Permissions");
	for (size_t i = 0; i < nitems(sp); i++)
		if ((t & sp[i].any) != 0)
			soap_w_str(c, "Operation", sp[i].name);
	soap_w_end(c);
}
