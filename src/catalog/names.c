/*
 * names.c: the pure rules of the catalog: item names and paths, type
 * names, and the predefined roles with their tasks (the original's
 * Browser, Content Manager, Publisher, My Reports, Report Builder, System
 * Administrator and System User).
 */
#include "catalog/catalog.h"
#include "common/str.h"

#include <string.h>

#define RESERVED_CHARS	"/\\;?:@&=+,$*<>|\""

int
catalog_name_check(const char *name, struct rs_err *e)
{
	size_t	n = strlen(name);

	if (n == 0)
		return rs_err_set(e, RS_E_BADINPUT, "the name is empty");
	if (n > CATALOG_NAME_MAX)
		return rs_err_set(e, RS_E_BADINPUT, "the name is longer than "
		    "%d bytes", CATALOG_NAME_MAX);
	if (name[0] == ' ' || name[n - 1] == ' ')
		return rs_err_set(e, RS_E_BADINPUT, "the name '%s' starts or "
		    "ends with a space", name);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return rs_err_set(e, RS_E_BADINPUT, "'%s' is not a valid "
		    "name", name);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return rs_err_set(e, RS_E_BADINPUT, "the name contains "
			    "a control character");
		if (strchr(RESERVED_CHARS, *p) != NULL)
			return rs_err_set(e, RS_E_BADINPUT, "the name '%s' "
			    "contains the reserved character '%c'; names may "
			    "not contain %s", name, *p, RESERVED_CHARS);
	}
	return 0;
}

int
catalog_path_norm(const char *in, char *out, size_t outsz, struct rs_err *e)
{
	const char	*p, *q;
	char		 name[CATALOG_NAME_MAX + 1];
	size_t		 n = strlen(in);

	if (in[0] != '/')
		return rs_err_set(e, RS_E_BADINPUT, "the path '%.80s' does not "
		    "start with '/'", in);
	if (n > CATALOG_PATH_MAX)
		return rs_err_set(e, RS_E_LIMIT, "the path is longer than %d "
		    "bytes", CATALOG_PATH_MAX);
	if (outsz < 2)
		return rs_err_set(e, RS_E_INTERNAL, "path buffer too small");
	out[0] = '/';
	out[1] = '\0';
	for (p = in + 1; *p != '\0'; p = *q ? q + 1 : q) {
		q = strchrnul(p, '/');
		if (q == p && *q == '\0')
			break;	/* one trailing slash */
		if ((size_t)(q - p) > CATALOG_NAME_MAX)
			return rs_err_set(e, RS_E_LIMIT, "a name in the path "
			    "is too long");
		memcpy(name, p, (size_t)(q - p));
		name[q - p] = '\0';
		if (catalog_name_check(name, e) == -1) {
			rs_err_prefix(e, "bad path '%.80s'", in);
			return -1;
		}
		if (out[1] != '\0' && str_append(out, outsz, "/") == -1)
			return rs_err_set(e, RS_E_LIMIT, "path too long");
		if (str_append(out, outsz, name) == -1)
			return rs_err_set(e, RS_E_LIMIT, "path too long");
	}
	return 0;
}

void
catalog_path_parent(const char *path, char *out, size_t outsz)
{
	const char	*s = strrchr(path, '/');
	size_t		 n;

	n = s == NULL || s == path ? 1 : (size_t)(s - path);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, path, n);
	out[n] = '\0';
}

static const struct {
	int		 type;
	const char	*name;
} types[] = {
	{ CATALOG_FOLDER, "Folder" },
	{ CATALOG_REPORT, "Report" },
	{ CATALOG_RESOURCE, "Resource" },
	{ CATALOG_DATASOURCE, "DataSource" },
	{ CATALOG_DATASET, "DataSet" },
};

const char *
catalog_type_name(int type)
{
	for (size_t i = 0; i < nitems(types); i++)
		if (types[i].type == type)
			return types[i].name;
	return "Unknown";
}

int
catalog_type_parse(const char *name)
{
	for (size_t i = 0; i < nitems(types); i++)
		if (str_ieq(types[i].name, name))
			return types[i].type;
	return -1;
}

static const struct role {
	unsigned	 bit;
	bool		 system;
	const char	*name;
	const char	*desc;
	unsigned	 tasks;
} roles[] = {
	{ CATALOG_ROLE_BROWSER, false, "Browser",
	  "May view folders, reports and subscribe to reports.",
	  CATALOG_T_VIEW_REPORTS | CATALOG_T_VIEW_RESOURCES |
	  CATALOG_T_VIEW_FOLDERS | CATALOG_T_VIEW_MODELS |
	  CATALOG_T_MANAGE_SUBSCRIPTIONS },
	{ CATALOG_ROLE_CONTENT_MANAGER, false, "Content Manager",
	  "May manage content in the Report Server.  This includes folders, "
	  "reports and resources.", 0xffffu },
	{ CATALOG_ROLE_PUBLISHER, false, "Publisher",
	  "May publish reports and linked reports to the Report Server.",
	  CATALOG_T_CREATE_LINKED | CATALOG_T_MANAGE_DATASOURCES |
	  CATALOG_T_MANAGE_FOLDERS | CATALOG_T_MANAGE_REPORTS |
	  CATALOG_T_MANAGE_MODELS | CATALOG_T_MANAGE_RESOURCES },
	{ CATALOG_ROLE_MY_REPORTS, false, "My Reports",
	  "May publish reports and linked reports; manage folders, reports "
	  "and resources in a users My Reports folder.",
	  CATALOG_T_CREATE_LINKED | CATALOG_T_MANAGE_FOLDERS |
	  CATALOG_T_MANAGE_DATASOURCES | CATALOG_T_MANAGE_SUBSCRIPTIONS |
	  CATALOG_T_MANAGE_REPORTS | CATALOG_T_MANAGE_RESOURCES |
	  CATALOG_T_VIEW_REPORTS | CATALOG_T_VIEW_DATASOURCES |
	  CATALOG_T_VIEW_RESOURCES | CATALOG_T_VIEW_FOLDERS },
	{ CATALOG_ROLE_REPORT_BUILDER, false, "Report Builder",
	  "May view report definitions.",
	  CATALOG_T_VIEW_REPORTS | CATALOG_T_VIEW_RESOURCES |
	  CATALOG_T_VIEW_FOLDERS | CATALOG_T_VIEW_MODELS |
	  CATALOG_T_MANAGE_SUBSCRIPTIONS | CATALOG_T_CONSUME_REPORTS },
	{ CATALOG_ROLE_SYSTEM_ADMIN, true, "System Administrator",
	  "View and modify system role assignments, system role definitions, "
	  "system properties, and shared schedules.",
	  CATALOG_S_EXECUTE_DEFS | CATALOG_S_MANAGE_JOBS |
	  CATALOG_S_MANAGE_PROPERTIES | CATALOG_S_MANAGE_ROLES |
	  CATALOG_S_MANAGE_SCHEDULES | CATALOG_S_MANAGE_SECURITY |
	  CATALOG_S_VIEW_PROPERTIES | CATALOG_S_VIEW_SCHEDULES },
	{ CATALOG_ROLE_SYSTEM_USER, true, "System User",
	  "View system properties and shared schedules.",
	  CATALOG_S_EXECUTE_DEFS | CATALOG_S_VIEW_PROPERTIES |
	  CATALOG_S_VIEW_SCHEDULES },
};

static const struct role *
find_role(unsigned bit, bool system)
{
	for (size_t i = 0; i < nitems(roles); i++)
		if (roles[i].bit == bit && roles[i].system == system)
			return &roles[i];
	return NULL;
}

const char *
catalog_role_name(unsigned bit, bool system)
{
	const struct role	*r = find_role(bit, system);

	return r != NULL ? r->name : "Unknown";
}

const char *
catalog_role_description(unsigned bit, bool system)
{
	const struct role	*r = find_role(bit, system);

	return r != NULL ? r->desc : "";
}

unsigned
catalog_role_parse(const char *name, bool system)
{
	for (size_t i = 0; i < nitems(roles); i++)
		if (roles[i].system == system && str_ieq(roles[i].name, name))
			return roles[i].bit;
	return 0;
}

unsigned
catalog_role_tasks(unsigned set, bool system)
{
	unsigned	t = 0;

	for (size_t i = 0; i < nitems(roles); i++)
		if (roles[i].system == system && (set & roles[i].bit) != 0)
			t |= roles[i].tasks;
	return t;
}
