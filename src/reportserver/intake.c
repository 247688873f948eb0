/*
 * intake.c: the gate every definition passes on its way into the catalog
 * (see intake.h): REST POST and PATCH of Content, the portal's upload
 * form, and whatever goes through them (scripts/publish-samples.py).  One
 * function, rs_intake_check(), so no way in checks less than another;
 * the binding half, rs_bindings_check(), is also what the render hook
 * runs before every render.
 */
#include "reportserver/intake.h"
#include "reportserver/passwd.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "data/data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
rs_path_join(const char *folder, const char *name, char *out, size_t outsz)
{
	if (out != folder)
		str_copy(out, outsz, folder);
	if (strcmp(out, "/") != 0)
		str_append(out, outsz, "/");
	str_append(out, outsz, name);
}

void
rs_ds_ref_path(const char *path, const char *ref, char *out, size_t outsz)
{
	if (ref[0] == '/') {
		str_copy(out, outsz, ref);
		return;
	}
	catalog_path_parent(path, out, outsz);
	rs_path_join(out, ref, out, outsz);
}

void
rs_user_named(struct catalog *cat, const char *name, struct rsuser *u)
{
	char		hash[RS_PASSWD_HASH_MAX];
	struct rs_err	e;

	memset(u, 0, sizeof(*u));
	str_copy(u->name, sizeof(u->name), name);
	if (catalog_user_hash(cat, name, hash, sizeof(hash), &e) == 0) {
		explicit_bzero(hash, sizeof(hash));
		u->builtin = true;
		return;
	}
	rs_unix_groups(name, u);
}

static int
refuse(struct rs_refusal *ref, int status, const char *rscode)
{
	ref->status = status;
	ref->rscode = rscode;
	return -1;
}

/* A reference to a data source not published: warned, bound to nothing. */
static void
warn_missing(struct rs_warnings *w, const char *path,
    const struct rdl_datasource *ds, const char *target)
{
	bool			 dataset = w->dataset;
	struct rs_warning	*x;
	const char		*name = strrchr(path, '/');

	if (w->n == RS_WARNINGS_MAX)
		return;
	x = &w->v[w->n++];
	name = name != NULL ? name + 1 : path;
	str_copy(x->code, sizeof(x->code), "rsDataSourceReferenceNotPublished");
	str_copy(x->object_name, sizeof(x->object_name), name);
	str_copy(x->object_type, sizeof(x->object_type), dataset ? "DataSet" :
	    "Report");
	/* Paths are at most CATALOG_PATH_MAX long: the text fits. */
	snprintf(x->message, sizeof(x->message), "The %s '%.260s' refers to "
	    "the shared data source '%.260s', which is not published on the "
	    "report server (data source '%.20s').", dataset ? "dataset" :
	    "report", path, target, ds->name);
}

/* One DataSourceReference: there, a data source, readable by binder. */
static int
binding_one(struct catalog *cat, const struct rsuser *binder,
    const char *path, const struct rdl_datasource *ds, bool at_render,
    struct rs_warnings *w, struct rs_refusal *ref, struct rs_err *e)
{
	char			target[CATALOG_PATH_MAX * 2 + 2];
	struct catalog_item	src;
	struct rs_err		ge;
	unsigned		t;
	int			rc;

	rs_ds_ref_path(path, ds->reference, target, sizeof(target));
	/*
	 * At upload the binder is the one asking: a data source he may not
	 * even see is a missing one.  At render the one asking is the viewer,
	 * and the definition he renders names the reference anyway.
	 */
	rc = at_render ? catalog_item_get(cat, target, &src, &ge) :
	    rs_item_get(cat, binder, target, &src, &ge);
	if (rc == 0 && src.type != CATALOG_DATASOURCE) {
		catalog_item_fini(&src);
		rc = rs_err_set(&ge, RS_E_NOTFOUND, "not a data source");
	}
	if (rc == -1 && (ge.code == RS_E_DB || ge.code == RS_E_BUSY)) {
		*e = ge;
		return refuse(ref, rs_err_status(&ge), rs_err_rscode(&ge));
	}
	if (rc == -1 && w != NULL && !at_render) {
		warn_missing(w, path, ds, target);
		return 0;
	}
	if (rc == -1) {
		rs_err_set(e, RS_E_NOTFOUND, "line %d: data source '%s' refers "
		    "to the shared data source '%s', which cannot be found; %s",
		    ds->line, ds->name, target, at_render ? "publish it again "
		    "or correct the report's DataSourceReference" : "publish "
		    "the data source first, or correct the DataSourceReference");
		return refuse(ref, at_render ? 404 : 400,
		    "rsDataSourceNotFound");
	}
	t = rs_tasks(cat, src.id, binder);
	catalog_item_fini(&src);
	if (rs_can_view(CATALOG_DATASOURCE, t))
		return 0;
	if (at_render)
		rs_err_set(e, RS_E_PERM, "the report may not use the shared "
		    "data source '%s' (data source '%s'): '%s', who last "
		    "published or changed the report, has no permission to "
		    "read it; give '%s' a role with View data sources or Manage "
		    "data sources on it, or publish the report again as a user "
		    "who has one", target, ds->name, binder->name,
		    binder->name);
	else
		rs_err_set(e, RS_E_PERM, "line %d: data source '%s' refers to "
		    "the shared data source '%s', which user '%s' has no "
		    "permission to read; using a shared data source needs a "
		    "role with View data sources or Manage data sources on it "
		    "(Content Manager has both)", ds->line, ds->name, target,
		    binder->name);
	return refuse(ref, 403, "rsAccessDenied");
}

/* rs_bindings_check; with w, a data source not found is a warning. */
static int
bindings(struct catalog *cat, const struct rsuser *binder, const char *path,
    const struct rdl_datasource *v, size_t n, bool at_render,
    struct rs_warnings *w, struct rs_refusal *ref, struct rs_err *e)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].reference != NULL && binding_one(cat, binder, path,
		    &v[i], at_render, w, ref, e) == -1)
			return -1;
	return 0;
}

int
rs_bindings_check(struct catalog *cat, const struct rsuser *binder,
    const char *path, const struct rdl_datasource *v, size_t n,
    bool at_render, struct rs_refusal *ref, struct rs_err *e)
{
	return bindings(cat, binder, path, v, n, at_render, NULL, ref, e);
}

int
rs_bindings_check_warn(struct catalog *cat, const struct rsuser *binder,
    const char *path, const struct rdl_datasource *v, size_t n,
    struct rs_warnings *w, struct rs_refusal *ref, struct rs_err *e)
{
	return bindings(cat, binder, path, v, n, false, w, ref, e);
}

/*
 * Reading a shared dataset to run its query in a report: the original's
 * ReadProperties on it, which View reports, Manage reports and Consume
 * reports give (shared datasets take the permissions of reports).
 */
#define DATASET_READ	(CATALOG_T_VIEW_REPORTS | CATALOG_T_MANAGE_REPORTS | \
			 CATALOG_T_CONSUME_REPORTS)

/*
 * At render, the shared dataset's own data source, for the user who last
 * stored or changed the dataset (with its stored binding applied).
 */
static int
dataset_source(struct catalog *cat, const struct catalog_item *it,
    struct rs_refusal *ref, struct rs_err *e)
{
	struct rdl_definition	d;
	struct rsuser		binder;
	struct rs_err		ce;
	void			*data;
	size_t			len;
	int			rc = 0;

	if (catalog_item_content(cat, it->id, &data, &len, e) == -1)
		return refuse(ref, rs_err_status(e), rs_err_rscode(e));
	if (rdl_check(RDL_DATASET, data, len, it->name, &d, &ce) == 0) {
		rc = rs_bindings_apply(cat, it->id, RS_DATASET_SOURCE,
		    &d.dataset->source, 1, e);
		if (rc == -1)
			refuse(ref, rs_err_status(e), rs_err_rscode(e));
		else {
			rs_user_named(cat, it->modified_by, &binder);
			rc = rs_bindings_check(cat, &binder, it->path,
			    &d.dataset->source, 1, true, ref, e);
			rsuser_fini(&binder);
		}
		if (rc == -1)
			rs_err_prefix(e, "shared dataset '%s'", it->path);
	}
	rdl_definition_fini(&d);
	free(data);
	return rc;
}

/* One SharedDataSetReference: there, a dataset, readable by binder. */
static int
dataset_one(struct catalog *cat, const struct rsuser *binder,
    const char *path, const struct rdl_dataset *ds, bool at_render,
    struct rs_refusal *ref, struct rs_err *e)
{
	char			target[CATALOG_PATH_MAX * 2 + 2];
	struct catalog_item	it;
	struct rs_err		ge;
	int			rc;

	rs_ds_ref_path(path, ds->shared_ref, target, sizeof(target));
	/* As binding_one: at upload one he may not see is a missing one. */
	rc = at_render ? catalog_item_get(cat, target, &it, &ge) :
	    rs_item_get(cat, binder, target, &it, &ge);
	if (rc == 0 && it.type != CATALOG_DATASET) {
		catalog_item_fini(&it);
		rc = rs_err_set(&ge, RS_E_NOTFOUND, "not a shared dataset");
	}
	if (rc == -1 && (ge.code == RS_E_DB || ge.code == RS_E_BUSY)) {
		*e = ge;
		return refuse(ref, rs_err_status(&ge), rs_err_rscode(&ge));
	}
	if (rc == -1) {
		rs_err_set(e, RS_E_NOTFOUND, "line %d: dataset '%s' refers to "
		    "the shared dataset '%s', which cannot be found; %s",
		    ds->line, ds->name, target, at_render ? "publish it again "
		    "or correct the report's SharedDataSetReference" :
		    "publish the shared dataset first, or correct the "
		    "SharedDataSetReference");
		return refuse(ref, at_render ? 404 : 400, "rsDataSetNotFound");
	}
	if ((rs_tasks(cat, it.id, binder) & DATASET_READ) == 0) {
		catalog_item_fini(&it);
		if (at_render)
			rs_err_set(e, RS_E_PERM, "the report may not use the "
			    "shared dataset '%s' (dataset '%s'): '%s', who last "
			    "published or changed the report, has no permission "
			    "to read it; give '%s' a role with View reports or "
			    "Manage reports on it, or publish the report again "
			    "as a user who has one", target, ds->name,
			    binder->name, binder->name);
		else
			rs_err_set(e, RS_E_PERM, "line %d: dataset '%s' refers "
			    "to the shared dataset '%s', which user '%s' has no "
			    "permission to read; using a shared dataset needs a "
			    "role with View reports or Manage reports on it "
			    "(Browser has the first)", ds->line, ds->name,
			    target, binder->name);
		return refuse(ref, 403, "rsAccessDenied");
	}
	rc = at_render ? dataset_source(cat, &it, ref, e) : 0;
	catalog_item_fini(&it);
	return rc;
}

int
rs_datasets_check(struct catalog *cat, const struct rsuser *binder,
    const char *path, const struct rdl_report *r, bool at_render,
    struct rs_refusal *ref, struct rs_err *e)
{
	for (size_t i = 0; i < r->ndatasets; i++)
		if (r->datasets[i].shared_ref != NULL && dataset_one(cat,
		    binder, path, &r->datasets[i], at_render, ref, e) == -1)
			return -1;
	return 0;
}

/* An embedded data source must use an extension the server has. */
static int
providers_check(const struct rdl_report *r, struct rs_refusal *ref,
    struct rs_err *e)
{
	for (size_t i = 0; i < r->ndatasources; i++) {
		const struct rdl_datasource *ds = &r->datasources[i];

		if (ds->reference != NULL ||
		    data_extension_kind(ds->provider, NULL) == 0)
			continue;
		rs_err_set(e, RS_E_BADINPUT, "line %d: data source '%s' uses "
		    "DataProvider %s, which this report server cannot connect "
		    "to; supported: " DATA_EXTENSIONS ", or a "
		    "DataSourceReference to a shared data source", ds->line,
		    ds->name, ds->provider ? ds->provider : "(none)");
		return refuse(ref, 400, "rsInvalidReportDefinition");
	}
	return 0;
}

static const char *
refused_code(int type, enum rdl_fault fault)
{
	if (type == CATALOG_REPORT)
		return "rsInvalidReportDefinition";
	if (type == CATALOG_DATASET)
		return "rsInvalidSharedDataSetDefinition";
	switch (fault) {
	case RDL_FAULT_XML:
		return "rsMalformedXml";
	case RDL_FAULT_ELEMENT:
		return "rsUnrecognizedXmlElement";
	case RDL_FAULT_EXTENSION:
		return "rsDataExtensionNotFound";
	default:
		return "rsInvalidElement";
	}
}

static int
kind_of(int type, enum rdl_kind *kind)
{
	switch (type) {
	case CATALOG_REPORT:
		*kind = RDL_REPORT;
		return 0;
	case CATALOG_DATASOURCE:
		*kind = RDL_DATASOURCE;
		return 0;
	case CATALOG_DATASET:
		*kind = RDL_DATASET;
		return 0;
	default:
		return -1;
	}
}

/* The bindings of a checked definition. */
static int
bindings_of(struct catalog *cat, const struct rsuser *u, const char *path,
    const struct rdl_definition *d, struct rs_warnings *w,
    struct rs_refusal *ref, struct rs_err *e)
{
	if (w != NULL)
		w->dataset = d->dataset != NULL;
	if (d->report != NULL)
		return bindings(cat, u, path, d->report->datasources,
		    d->report->ndatasources, false, w, ref, e) == -1 ? -1 :
		    rs_datasets_check(cat, u, path, d->report, false, ref, e);
	if (d->dataset != NULL)
		return bindings(cat, u, path, &d->dataset->source, 1, false, w,
		    ref, e);
	return 0;
}

static int
intake(struct catalog *cat, const struct rsuser *u, int type,
    const char *path, const void *data, size_t len, struct rs_warnings *w,
    struct rs_refusal *ref, struct rs_err *e)
{
	struct rdl_definition	d;
	enum rdl_kind		kind;
	const char		*name = strrchr(path, '/');
	int			rc;

	if (kind_of(type, &kind) == -1)
		return 0;
	rc = rdl_check(kind, data, len, name != NULL ? name + 1 : path, &d,
	    e);
	if (rc == -1)
		refuse(ref, e->code == RS_E_LIMIT ? 413 : 400,
		    refused_code(type, d.fault));
	else if (d.report != NULL && providers_check(d.report, ref, e) == -1)
		rc = -1;
	else
		rc = bindings_of(cat, u, path, &d, w, ref, e);
	if (rc == -1)
		rs_err_prefix(e, "cannot publish %s '%s'", rdl_kind_name(kind),
		    path);
	rdl_definition_fini(&d);
	return rc;
}

int
rs_intake_check(struct catalog *cat, const struct rsuser *u, int type,
    const char *path, const void *data, size_t len, struct rs_refusal *ref,
    struct rs_err *e)
{
	return intake(cat, u, type, path, data, len, NULL, ref, e);
}

int
rs_intake_check_warn(struct catalog *cat, const struct rsuser *u, int type,
    const char *path, const void *data, size_t len, struct rs_warnings *w,
    struct rs_refusal *ref, struct rs_err *e)
{
	w->n = 0;
	return intake(cat, u, type, path, data, len, w, ref, e);
}

int
rs_rebind_check(struct catalog *cat, const struct rsuser *u,
    const struct catalog_item *it, const char *path, struct rs_refusal *ref,
    struct rs_err *e)
{
	struct rdl_definition	d;
	struct rs_err		ce;
	enum rdl_kind		kind;
	void			*data;
	size_t			len;
	int			rc = 0;

	if ((it->type != CATALOG_REPORT && it->type != CATALOG_DATASET) ||
	    kind_of(it->type, &kind) == -1)
		return 0;
	if (catalog_item_content(cat, it->id, &data, &len, e) == -1)
		return refuse(ref, rs_err_status(e), rs_err_rscode(e));
	if (rdl_check(kind, data, len, it->name, &d, &ce) == 0) {
		rc = d.report != NULL ? rs_bindings_apply(cat, it->id, NULL,
		    d.report->datasources, d.report->ndatasources, e) :
		    d.dataset != NULL ? rs_bindings_apply(cat, it->id,
		    RS_DATASET_SOURCE, &d.dataset->source, 1, e) : 0;
		if (rc == -1)
			refuse(ref, rs_err_status(e), rs_err_rscode(e));
		else
			rc = bindings_of(cat, u, path, &d, NULL, ref, e);
	}
	if (rc == -1)
		rs_err_prefix(e, "cannot change %s '%s'", rdl_kind_name(kind),
		    it->path);
	rdl_definition_fini(&d);
	free(data);
	return rc;
}

/* One stored binding onto a data source; false when it does not fit. */
static bool
apply_one(const struct catalog_ds_binding *b, struct rdl_datasource *ds)
{
	struct rdl_definition	d;
	struct rs_err		ce;

	if (b->ref_path != NULL) {
		free(ds->reference);
		ds->reference = xstrdup(b->ref_path);
		return true;
	}
	if (b->definition == NULL || rdl_check(RDL_DATASOURCE, b->definition,
	    b->definition_len, ds->name, &d, &ce) == -1)
		return false;
	free(ds->reference);
	free(ds->provider);
	free(ds->connect_string);
	ds->reference = NULL;
	ds->provider = xstrdup(d.source->extension);
	ds->connect_string = xstrdup(d.source->connect_string != NULL ?
	    d.source->connect_string : "");
	rdl_definition_fini(&d);
	return true;
}

int
rs_bindings_apply(struct catalog *cat, const char *id, const char *name,
    struct rdl_datasource *v, size_t n, struct rs_err *e)
{
	struct catalog_ds_binding	*b;
	size_t				 nb;

	if (id == NULL || id[0] == '\0' || n == 0)
		return 0;
	if (catalog_ds_binding_list(cat, id, &b, &nb, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < nb; k++)
			if (str_ieq(b[k].name, name != NULL ? name :
			    v[i].name) && apply_one(&b[k], &v[i]))
				break;
	catalog_ds_bindings_free(b, nb);
	return 0;
}
