/*
 * props.c: item properties, as GetProperties and SetProperties (and the
 * Properties of CreateFolder, CreateCatalogItem, SetItemDefinition) see
 * them.  The original's own properties come from the catalog row: ID,
 * Name, Path, Type, Size, CreationDate, ModifiedDate, CreatedBy,
 * ModifiedBy are read-only (rsReadOnlyProperty), Description, Hidden and
 * a resource's MimeType are written through catalog_item_update; any
 * other name is a user-defined property kept in the catalog.  Also
 * GetSystemProperties: the site-wide settings this server has.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const read_only[] = {
	"ID", "Name", "Path", "VirtualPath", "Type", "TypeName", "Size",
	"CreationDate", "ModifiedDate", "CreatedBy", "ModifiedBy",
	"ItemMetadata", NULL,
};

static bool
listed(const char *const *v, const char *s)
{
	for (; *v != NULL; v++)
		if (str_ieq(*v, s))
			return true;
	return false;
}

/* One Property of a request; takes value. */
static int
prop_one(struct soap_call *c, struct soap_props *p, const char *name,
    char *value)
{
	if (listed(read_only, name)) {
		free(value);
		return soap_fail(c, "rsReadOnlyProperty", 400, "The property "
		    "'%.80s' is read-only.", name);
	}
	if (str_ieq(name, "Description")) {
		free(p->desc);
		p->desc = value != NULL ? value : xstrdup("");
		p->u.description = p->desc;
	} else if (str_ieq(name, "Hidden")) {
		p->u.has_hidden = true;
		p->u.hidden = value != NULL && str_ieq(str_trim(value), "true");
		free(value);
	} else if (str_ieq(name, "MimeType")) {
		free(p->mime);
		p->mime = value != NULL ? value : xstrdup("");
		p->u.content_type = p->mime;
	} else if (p->ncustom == SOAP_PROPS_MAX) {
		free(value);
		return soap_fail(c, "rsInvalidParameter", 400, "More than %d "
		    "properties.", SOAP_PROPS_MAX);
	} else {
		p->custom[p->ncustom].name = xstrdup(name);
		p->custom[p->ncustom++].value = value;
	}
	return 0;
}

int
soap_props_read(struct soap_call *c, const xmlNode *props,
    struct soap_props *p)
{
	for (xmlNode *n = soap_child(c, props, "Property"); n != NULL;
	    n = soap_next(c, n, "Property")) {
		char	*name, *value;
		int	 rc;

		if (soap_is_nil(n))
			continue;
		name = soap_arg(c, n, "Name");
		value = soap_arg(c, n, "Value");
		if (name == NULL || name[0] == '\0') {
			free(name);
			free(value);
			return soap_fail(c, "rsInvalidParameter", 400, "A "
			    "Property needs a Name.");
		}
		rc = prop_one(c, p, name, value);
		free(name);
		if (rc == -1)
			return -1;
	}
	return 0;
}

void
soap_props_fini(struct soap_props *p)
{
	for (size_t i = 0; i < p->ncustom; i++) {
		free(p->custom[i].name);
		free(p->custom[i].value);
	}
	free(p->desc);
	free(p->mime);
	memset(p, 0, sizeof(*p));
}

int
soap_props_store(struct soap_call *c, const char *id,
    const struct soap_props *p)
{
	struct rs_err	e;

	if (p->ncustom == 0)
		return 0;
	if (catalog_prop_set(c->cat, id, p->custom, p->ncustom, &e) == -1)
		return soap_fail_err(c, &e, NULL);
	return 0;
}

/* One Property element of the answer. */
static void
w_prop(struct soap_call *c, const char *name, const char *value)
{
	soap_w_start(c, "Property");
	soap_w_str(c, "Name", name);
	soap_w_str(c, "Value", value);
	soap_w_end(c);
}

static void
w_time_prop(struct soap_call *c, const char *name, int64_t t)
{
	soap_w_start(c, "Property");
	soap_w_str(c, "Name", name);
	soap_w_time(c, "Value", t);
	soap_w_end(c);
}

static bool
wanted(const char *const *names, size_t n, const char *name)
{
	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (str_ieq(names[i], name))
			return true;
	return false;
}

static void
w_standard(struct soap_call *c, const struct catalog_item *it,
    const char *const *names, size_t n)
{
	char	size[32];
	const struct {
		const char	*name;
		const char	*value;
	} v[] = {
		{ "ID", it->id },
		{ "Name", it->parent_id[0] ? it->name : "" },
		{ "Path", it->path },
		{ "Type", catalog_type_name(it->type) },
		{ "Description", it->description },
		{ "Hidden", it->hidden ? "True" : "False" },
		{ "Size", it->type != CATALOG_FOLDER ? size : NULL },
		{ "MimeType", it->type == CATALOG_RESOURCE ? it->content_type :
		  NULL },
		{ "CreatedBy", it->created_by },
		{ "ModifiedBy", it->modified_by },
	};

	snprintf(size, sizeof(size), "%lld", (long long)it->size);
	for (size_t i = 0; i < nitems(v); i++)
		if (v[i].value != NULL && wanted(names, n, v[i].name))
			w_prop(c, v[i].name, v[i].value);
	if (wanted(names, n, "CreationDate"))
		w_time_prop(c, "CreationDate", it->created);
	if (wanted(names, n, "ModifiedDate"))
		w_time_prop(c, "ModifiedDate", it->modified);
}

static void
w_values(struct soap_call *c, const struct catalog_item *it,
    const char *const *names, size_t n)
{
	struct catalog_prop	*v;
	struct rs_err		 e;
	size_t			 nv;

	if (catalog_prop_list(c->cat, it->id, &v, &nv, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		return;
	}
	soap_w_start(c, "Values");
	w_standard(c, it, names, n);
	for (size_t i = 0; i < nv; i++)
		if (wanted(names, n, v[i].name))
			w_prop(c, v[i].name, v[i].value);
	soap_w_end(c);
	catalog_props_free(v, nv);
}

void
soap_get_properties(struct soap_call *c)
{
	struct catalog_item	 it;
	char			*path, *names[SOAP_PROPS_MAX];
	size_t			 n = 0;
	xmlNode			*props = soap_child(c, c->op, "Properties");

	if ((path = soap_need(c, c->op, "ItemPath")) == NULL)
		return;
	if (soap_item(c, path, c->by_id, &it) == -1) {
		free(path);
		return;
	}
	for (xmlNode *p = soap_child(c, props, "Property"); p != NULL &&
	    n < SOAP_PROPS_MAX; p = soap_next(c, p, "Property")) {
		names[n] = soap_arg(c, p, "Name");
		if (names[n] != NULL)
			n++;
	}
	w_values(c, &it, (const char *const *)names, n);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	catalog_item_fini(&it);
	free(path);
}

void
soap_set_properties(struct soap_call *c)
{
	struct catalog_item	it;
	struct soap_props	p;
	struct rs_refusal	ref;
	struct rs_err		e;

	memset(&p, 0, sizeof(p));
	if (soap_item_arg(c, "ItemPath", true, &it) == -1)
		return;
	if (soap_props_read(c, soap_child(c, c->op, "Properties"), &p) == -1)
		goto out;
	/* Changing an item makes its user the binder, as the REST API does. */
	if (rs_rebind_check(c->cat, c->user, &it, it.path, &ref, &e) == -1)
		soap_fail(c, ref.rscode, ref.status, "%s", e.msg);
	else if (catalog_item_update(c->cat, it.id, &p.u, c->user->name, &e) ==
	    -1)
		soap_fail_err(c, &e, NULL);
	else
		(void)soap_props_store(c, it.id, &p);
out:
	soap_props_fini(&p);
	catalog_item_fini(&it);
}

/* The site-wide properties this server has, with their values. */
void
soap_get_system_properties(struct soap_call *c)
{
	static const struct {
		const char	*name;
		const char	*value;
	} sys[] = {
		{ "SiteName", RS_PRODUCT },
		{ "SessionTimeout", "600" },
		{ "EnableMyReports", "False" },
		{ "EnableExecutionLogging", "True" },
		{ "EnableClientPrinting", "False" },
		{ "EnableLoadReportDefinition", "True" },
		{ "UseSessionCookies", "False" },
	};
	xmlNode	*props = soap_child(c, c->op, "Properties");
	char	*names[SOAP_PROPS_MAX], days[16];
	size_t	 n = 0;

	for (xmlNode *p = soap_child(c, props, "Property"); p != NULL &&
	    n < SOAP_PROPS_MAX; p = soap_next(c, p, "Property"))
		if ((names[n] = soap_arg(c, p, "Name")) != NULL)
			n++;
	snprintf(days, sizeof(days), "%u", c->srv->conf->execlog_days);
	soap_w_start(c, "Values");
	for (size_t i = 0; i < nitems(sys); i++)
		if (wanted((const char *const *)names, n, sys[i].name))
			w_prop(c, sys[i].name, sys[i].value);
	/* rsreportserver.config's ExecutionLogDaysKept (operations.md). */
	if (wanted((const char *const *)names, n, "ExecutionLogDaysKept"))
		w_prop(c, "ExecutionLogDaysKept", days);
	soap_w_end(c);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
}
