/*
 * dsbind.c: which data source a report's (or a shared dataset's) data
 * sources use: GetItemDataSources / SetItemDataSources and, for shared
 * datasets, GetItemReferences / SetItemReferences.  The definition stays as
 * published; SetItemDataSources stores server-side bindings in the catalog
 * (a shared data source by id, or an embedded definition), which the
 * render hook applies before every render.  Whoever sets a binding becomes
 * the item's binder: each shared data source it ends up using must be one
 * that user may read (the check the render repeats), while one that is not
 * published yet is only a warning, as when the report was deployed.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define BIND_MAX	64

/* The data sources of a stored report or shared dataset. */
struct sources {
	struct rdl_definition	 d;
	struct rdl_datasource	*v;
	size_t			 n;
	bool			 dataset;
};

static int
sources_load(struct soap_call *c, const struct catalog_item *it,
    struct sources *s)
{
	struct rs_err	 e;
	void		*data;
	size_t		 len;
	int		 rc;

	memset(s, 0, sizeof(*s));
	if (it->type != CATALOG_REPORT && it->type != CATALOG_DATASET)
		return soap_fail(c, "rsWrongItemType", 400, "The item '%s' is a "
		    "%s; only reports and shared datasets have data sources.",
		    it->path, catalog_type_name(it->type));
	if (catalog_item_content(c->cat, it->id, &data, &len, &e) == -1)
		return soap_fail_err(c, &e, NULL);
	rc = rdl_check(it->type == CATALOG_REPORT ? RDL_REPORT : RDL_DATASET,
	    data, len, it->name, &s->d, &e);
	free(data);
	if (rc == -1)
		return soap_fail(c, "rsInvalidReportDefinition", 400, "The stored "
		    "definition of '%s' cannot be read: %s", it->path, e.msg);
	s->dataset = s->d.dataset != NULL;
	s->v = s->dataset ? &s->d.dataset->source : s->d.report->datasources;
	s->n = s->dataset ? 1 : s->d.report->ndatasources;
	return 0;
}

static const char *
source_name(const struct sources *s, size_t i)
{
	return s->dataset ? RS_DATASET_SOURCE : s->v[i].name;
}

/* The shared data source at path, or false. */
static bool
is_source(struct soap_call *c, const char *path)
{
	struct catalog_item	it;
	struct rs_err		e;
	bool			yes;

	if (catalog_item_get(c->cat, path, &it, &e) == -1)
		return false;
	yes = it.type == CATALOG_DATASOURCE;
	catalog_item_fini(&it);
	return yes;
}

/* The effective reference of data source i as a path, or NULL. */
static void
ref_path(const struct catalog_item *it, const struct rdl_datasource *ds,
    char *out, size_t n)
{
	rs_ds_ref_path(it->path, ds->reference, out, n);
}

static void
w_source(struct soap_call *c, const struct catalog_item *it,
    const char *name, const struct rdl_datasource *ds)
{
	char	path[CATALOG_PATH_MAX * 2 + 2];

	soap_w_start(c, "DataSource");
	soap_w_str(c, "Name", name);
	if (ds->reference == NULL)
		soap_w_dsdef(c, "DataSourceDefinition", ds->provider,
		    ds->connect_string != NULL ? ds->connect_string : "", "None",
		    true);
	else {
		ref_path(it, ds, path, sizeof(path));
		if (is_source(c, path)) {
			soap_w_start(c, "DataSourceReference");
			soap_w_str(c, "Reference", path);
			soap_w_end(c);
		} else {
			soap_w_start(c, "InvalidDataSourceReference");
			soap_w_end(c);
		}
	}
	soap_w_end(c);
}

/* Loads the item's sources with its stored bindings applied. */
static int
effective(struct soap_call *c, const struct catalog_item *it,
    struct sources *s)
{
	struct rs_err	e;

	if (sources_load(c, it, s) == -1)
		return -1;
	if (rs_bindings_apply(c->cat, it->id, s->dataset ? RS_DATASET_SOURCE :
	    NULL, s->v, s->n, &e) == -1)
		return soap_fail_err(c, &e, NULL);
	return 0;
}

void
soap_get_item_data_sources(struct soap_call *c)
{
	struct catalog_item	it;
	struct sources		s;

	if (soap_item_arg(c, "ItemPath", false, &it) == -1)
		return;
	memset(&s, 0, sizeof(s));
	/* Embedded data sources are the definition's: not a Browser's. */
	if (!rs_can_read_definition(it.type, rs_tasks(c->cat, it.id,
	    c->user)))
		soap_denied(c);
	else if (effective(c, &it, &s) == 0) {
		soap_w_start(c, "DataSources");
		for (size_t i = 0; i < s.n; i++)
			w_source(c, &it, source_name(&s, i), &s.v[i]);
		soap_w_end(c);
	}
	rdl_definition_fini(&s.d);
	catalog_item_fini(&it);
}

/* One binding asked for: a shared data source's path, or a definition. */
struct want {
	char			*name;
	char			*path;	/* or NULL */
	const xmlNode		*def;	/* DataSourceDefinition, or NULL */
};

static void
wants_free(struct want *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
	}
}

static ssize_t
source_index(const struct sources *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (str_ieq(source_name(s, i), name))
			return (ssize_t)i;
	return -1;
}

/* Resolves one wanted binding onto data source ds and into *b. */
static int
bind_one(struct soap_call *c, const struct catalog_item *it,
    const struct want *w, struct rdl_datasource *ds,
    struct catalog_ds_binding *b)
{
	struct catalog_item	src;
	struct dsdef		d;
	int			rc;

	b->name = xstrdup(w->name);
	if (w->path != NULL) {
		if (soap_item(c, w->path, false, &src) == -1)
			return -1;
		rc = src.type == CATALOG_DATASOURCE ? 0 : soap_fail(c,
		    "rsWrongItemType", 400, "The item '%s' is a %s, not a shared "
		    "data source.", src.path, catalog_type_name(src.type));
		str_copy(b->ref_id, sizeof(b->ref_id), src.id);
		b->ref_path = xstrdup(src.path);
		free(ds->reference);
		ds->reference = xstrdup(src.path);
		catalog_item_fini(&src);
		return rc;
	}
	if (soap_dsdef_read(c, w->def, &d) == 0)
		b->definition = soap_dsdef_checked(c, &d, it->path,
		    &b->definition_len);
	if (b->definition != NULL) {
		free(ds->reference);
		free(ds->provider);
		free(ds->connect_string);
		ds->reference = NULL;
		ds->provider = xstrdup(d.ext);
		ds->connect_string = xstrdup(d.conn != NULL ? d.conn : "");
	}
	soap_dsdef_fini(&d);
	return b->definition != NULL ? 0 : -1;
}

/* Checks and stores the wanted bindings of it. */
static void
bind(struct soap_call *c, const struct catalog_item *it, struct want *w,
    size_t nw)
{
	struct catalog_ds_binding	 b[BIND_MAX];
	struct sources			 s;
	struct rs_warnings		 warn = { 0 };
	struct rs_refusal		 ref;
	struct rs_err			 e;
	size_t				 nb = 0;

	memset(b, 0, sizeof(b));
	if (effective(c, it, &s) == -1)
		goto out;
	for (size_t i = 0; i < nw; i++, nb++) {
		ssize_t	k = source_index(&s, w[i].name);

		if (k < 0) {
			soap_fail(c, "rsDataSourceNotFound", 400, "The %s '%s' "
			    "has no data source named '%s'.", s.dataset ?
			    "dataset" : "report", it->path, w[i].name);
			goto out;
		}
		if (bind_one(c, it, &w[i], &s.v[k], &b[nb]) == -1) {
			nb++;
			goto out;
		}
	}
	if (rs_bindings_check_warn(c->cat, c->user, it->path, s.v, s.n, &warn,
	    &ref, &e) == -1)
		soap_fail(c, ref.rscode, ref.status, "%s", e.msg);
	else if (catalog_ds_binding_set(c->cat, it->id, b, nb, c->user->name,
	    &e) == -1)
		soap_fail_err(c, &e, NULL);
out:
	for (size_t i = 0; i < nb; i++) {
		free(b[i].name);
		free(b[i].ref_path);
		free(b[i].definition);
	}
	rdl_definition_fini(&s.d);
}

/* Reads DataSource elements into wants; -1 with a fault. */
static int
wants_of_sources(struct soap_call *c, const xmlNode *list, struct want *w,
    size_t *n)
{
	for (xmlNode *k = soap_child(c, list, "DataSource"); k != NULL;
	    k = soap_next(c, k, "DataSource")) {
		xmlNode	*ref = soap_child(c, k, "DataSourceReference");

		if (*n == BIND_MAX)
			return soap_fail(c, "rsInvalidParameter", 400, "More "
			    "than %d data sources.", BIND_MAX);
		w[*n].name = soap_arg(c, k, "Name");
		w[*n].def = soap_child(c, k, "DataSourceDefinition");
		if (ref != NULL)
			w[*n].path = soap_arg(c, ref, "Reference");
		if (w[(*n)++].name == NULL || (w[*n - 1].path == NULL &&
		    w[*n - 1].def == NULL))
			return soap_fail(c, "rsInvalidParameter", 400, "Each "
			    "DataSource needs a Name and a DataSourceReference "
			    "with a Reference, or a DataSourceDefinition.");
	}
	return 0;
}

void
soap_set_item_data_sources(struct soap_call *c)
{
	struct catalog_item	it;
	struct want		w[BIND_MAX];
	size_t			n = 0;

	memset(w, 0, sizeof(w));
	if (soap_item_arg(c, "ItemPath", true, &it) == -1)
		return;
	if (wants_of_sources(c, soap_child(c, c->op, "DataSources"), w, &n) ==
	    0)
		bind(c, &it, w, n);
	wants_free(w, n);
	catalog_item_fini(&it);
}

void
soap_get_item_references(struct soap_call *c)
{
	struct catalog_item	 it;
	struct sources		 s;
	char			*type = soap_arg(c, c->op, "ReferenceItemType");
	char			 path[CATALOG_PATH_MAX * 2 + 2];

	memset(&s, 0, sizeof(s));
	if (soap_item_arg(c, "ItemPath", false, &it) == -1)
		goto out0;
	if (type == NULL || (!str_ieq(type, "DataSource") &&
	    !str_ieq(type, "DataSet"))) {
		soap_fail(c, "rsInvalidParameter", 400, "ReferenceItemType must "
		    "be DataSource or DataSet.");
		goto out;
	}
	if (effective(c, &it, &s) == -1)
		goto out;
	soap_w_start(c, "ItemReferences");
	/* Reports here embed their datasets: no DataSet references. */
	for (size_t i = 0; i < s.n && str_ieq(type, "DataSource"); i++) {
		if (s.v[i].reference == NULL)
			continue;
		ref_path(&it, &s.v[i], path, sizeof(path));
		soap_w_start(c, "ItemReferenceData");
		soap_w_str(c, "Name", source_name(&s, i));
		soap_w_str(c, "Reference", is_source(c, path) ? path : NULL);
		soap_w_str(c, "ReferenceType", "DataSource");
		soap_w_end(c);
	}
	soap_w_end(c);
out:
	rdl_definition_fini(&s.d);
	catalog_item_fini(&it);
out0:
	free(type);
}

void
soap_set_item_references(struct soap_call *c)
{
	struct catalog_item	 it;
	struct want		 w[BIND_MAX];
	size_t			 n = 0;
	xmlNode			*list = soap_child(c, c->op, "ItemReferences");

	memset(w, 0, sizeof(w));
	if (soap_item_arg(c, "ItemPath", true, &it) == -1)
		return;
	for (xmlNode *k = soap_child(c, list, "ItemReference"); k != NULL &&
	    n < BIND_MAX; k = soap_next(c, k, "ItemReference")) {
		w[n].name = soap_arg(c, k, "Name");
		w[n].path = soap_arg(c, k, "Reference");
		if (w[n++].name == NULL || w[n - 1].path == NULL) {
			soap_fail(c, "rsInvalidParameter", 400, "Each "
			    "ItemReference needs a Name and a Reference.");
			goto out;
		}
	}
	if (it.type == CATALOG_REPORT && n > 0)
		soap_fail(c, "rsInvalidParameter", 400, "The report '%s' has no "
		    "shared dataset reference named '%s': reports on this server "
		    "embed their datasets; a report's shared data sources are set "
		    "with SetItemDataSources.", it.path, w[0].name);
	else
		bind(c, &it, w, n);
out:
	wants_free(w, n);
	catalog_item_fini(&it);
}
