/*
 * shared.c: the two shared definitions beside reports.  A shared data
 * source is an .rds file (<RptDataSource Name=..><ConnectionProperties>
 * <Extension/><ConnectString/>) or the server's <DataSourceDefinition>
 * (Extension, ConnectString, CredentialRetrieval, Enabled ...); its
 * extension must be one data/ connects to (data_extension_kind, the table
 * the renderer resolves with).  A shared dataset is an .rsd file
 * (<SharedDataSet><DataSet><Query><DataSourceReference/><CommandText/>
 * ...<Fields/>), read with the dataset parsers reports use.  Every
 * element is checked against the lists below, so nothing is stored that
 * the server would ignore.
 */
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "data/data.h"
#include "rdl/rdl_int.h"

#define RSD_NS	"http://schemas.microsoft.com/sqlserver/reporting/2010/01/" \
		"shareddatasetdefinition"

static const char *const source_known[] = {
	"RptDataSource", "ConnectionProperties", "DataSourceDefinition",
	"Extension", "ConnectString", "IntegratedSecurity", "Prompt",
	"DataSourceID", "CredentialRetrieval", "WindowsCredentials",
	"ImpersonateUser", "ImpersonateUserSpecified", "Enabled",
	"EnabledSpecified", "UseOriginalConnectString",
	"OriginalConnectStringExpressionBased", NULL
};

static const char *const dataset_known[] = {
	"SharedDataSet", "Description", "DataSet", "Query",
	"DataSourceReference", "CommandType", "CommandText",
	"QueryParameters", "QueryParameter", "Value", "Timeout", "Fields",
	"Field", "DataField", "Filters", "Filter", "FilterExpression",
	"Operator", "FilterValues", "FilterValue", "Parameters", "Parameter",
	"DefaultValue", "Values", "DataType", "Nullable", "MultiValue",
	"OmitFromQuery", "AllowBlank", "CaseSensitivity", "Collation",
	"DataSetParameters", "DataSetParameter", "ReadOnly",
	"AccentSensitivity", "KanatypeSensitivity", "WidthSensitivity",
	"InterpretSubtotalsAsDetails", NULL
};

static bool
listed(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static bool
designer(const xmlNode *n)
{
	return n->ns != NULL && strstr((const char *)n->ns->href,
	    "reportdesigner") != NULL;
}

/*
 * Refuses an element the list does not hold.  ns: the definition's
 * namespace, or NULL when its elements are matched by local name (.rds
 * files have none); designer hints (rd:) are skipped.
 */
static int
walk(struct pctx *c, xmlNode *n, const char *const *known, int depth,
    const char *what)
{
	char		 names[400] = "";

	for (xmlNode *k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE || designer(k))
			continue;
		if (c->ns != NULL && (k->ns == NULL ||
		    !xmlStrEqual(k->ns->href, c->ns)))
			continue;
		if (depth > 16)
			return fail(c, k, "the definition is nested too deeply");
		if (!listed(known, (const char *)k->name)) {
			for (size_t i = 0; known[i] != NULL && c->ns == NULL;
			    i++) {
				str_append(names, sizeof(names), i ? ", " : "");
				str_append(names, sizeof(names), known[i]);
			}
			return fail(c, k, "element is not part of a %s; supported "
			    "elements: %s", what, names[0] != '\0' ? names :
			    "see docs/reports.md");
		}
		if (walk(c, k, known, depth + 1, what) == -1)
			return -1;
	}
	return 0;
}

/* First element child called name, matched by local name. */
static xmlNode *
local_child(xmlNode *n, const char *name)
{
	for (xmlNode *k = n != NULL ? n->children : NULL; k != NULL;
	    k = k->next)
		if (k->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)k->name, name) == 0)
			return k;
	return NULL;
}

static char *
local_text(xmlNode *n, const char *name)
{
	xmlNode		*k = local_child(n, name);

	return k != NULL ? node_text(k) : NULL;
}

/* CredentialRetrieval: only what the server does, connect as given. */
static int
source_credentials(struct pctx *c, xmlNode *def)
{
	xmlNode		*k = local_child(def, "CredentialRetrieval");
	char		*v;
	int		 rv = 0;

	if (k == NULL)
		return 0;
	v = node_text(k);
	if (!str_ieq(str_trim(v), "None") && !str_ieq(v, "Integrated"))
		rv = fail(c, k, "CredentialRetrieval %s is not supported; "
		    "supported: None or Integrated (the ConnectString names the "
		    "database, and for PostgreSQL the user and password)", v);
	free(v);
	return rv;
}

static int
source_fields(struct pctx *c, xmlNode *def, struct rdl_shared_source *s,
    enum rdl_fault *fault)
{
	xmlNode		*ext = local_child(def, "Extension");
	char		*en;

	if (ext == NULL)
		return fail(c, def, "a shared data source needs an Extension "
		    "(supported: " DATA_EXTENSIONS ")");
	en = node_text(ext);
	s->extension = xstrdup(str_trim(en));
	free(en);
	if (data_extension_kind(s->extension, NULL) == -1) {
		*fault = RDL_FAULT_EXTENSION;
		return fail(c, ext, "data extension %s is not supported; "
		    "supported: " DATA_EXTENSIONS, s->extension);
	}
	s->connect_string = local_text(def, "ConnectString");
	if (s->connect_string != NULL &&
	    str_trim(s->connect_string)[0] == '=')
		return fail(c, local_child(def, "ConnectString"),
		    "expression-based connection strings are not supported");
	if ((s->connect_string == NULL || s->connect_string[0] == '\0') &&
	    !str_ieq(s->extension, "ENTERDATA"))
		return fail(c, def, "a %s data source needs a ConnectString",
		    s->extension);
	en = local_text(def, "Enabled");
	s->enabled = en == NULL || !str_ieq(str_trim(en), "false");
	free(en);
	return source_credentials(c, def);
}

struct rdl_shared_source *
shared_source_parse(const char *xml, size_t len, enum rdl_fault *fault,
    struct rs_err *e)
{
	struct rdl_shared_source *s = xcalloc(1, sizeof(*s));
	struct pctx	 c = { .e = e };
	xmlDoc		*doc = xml_read(xml, len, e);
	xmlNode		*root, *def;

	*fault = RDL_FAULT_XML;
	if (doc == NULL)
		goto fail;
	*fault = RDL_FAULT_ELEMENT;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || (strcmp((const char *)root->name,
	    "RptDataSource") != 0 && strcmp((const char *)root->name,
	    "DataSourceDefinition") != 0)) {
		fail(&c, root, "the root element of a shared data source must "
		    "be <RptDataSource> (an .rds file) or <DataSourceDefinition>");
		goto fail;
	}
	if (walk(&c, root, source_known, 0, "shared data source") == -1)
		goto fail;
	*fault = RDL_FAULT_CONTENT;
	def = root;
	if (strcmp((const char *)root->name, "RptDataSource") == 0 &&
	    (def = local_child(root, "ConnectionProperties")) == NULL) {
		fail(&c, root, "an .rds file needs ConnectionProperties");
		goto fail;
	}
	if (source_fields(&c, def, s, fault) == -1)
		goto fail;
	*fault = RDL_FAULT_NONE;
	xmlFreeDoc(doc);
	return s;
fail:
	xmlFreeDoc(doc);
	shared_source_free(s);
	return NULL;
}

void
shared_source_free(struct rdl_shared_source *s)
{
	if (s == NULL)
		return;
	free(s->extension);
	free(s->connect_string);
	free(s);
}

static enum expr_type
param_type(const char *t)
{
	static const struct {
		const char	*name;
		enum expr_type	 type;
	} types[] = {
		{ "String", EXPR_T_STRING }, { "Integer", EXPR_T_INT },
		{ "Float", EXPR_T_FLOAT }, { "DateTime", EXPR_T_DATETIME },
		{ "Boolean", EXPR_T_BOOL },
	};

	for (size_t i = 0; t != NULL && i < nitems(types); i++)
		if (str_ieq(t, types[i].name))
			return types[i].type;
	return EXPR_T_NULL;
}

/* <Parameters><Parameter Name=><DataType/><DefaultValue><Values>... */
static int
dataset_params(struct pctx *c, xmlNode *list, struct rdl_shared_dataset *sd)
{
	struct rdl_dataset_param *p;
	xmlNode		*k, *dv, *v;
	char		*t;

	for (k = list != NULL ? list->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "Parameter"))
			continue;
		sd->params = xreallocarray(sd->params, sd->nparams + 1,
		    sizeof(*sd->params));
		p = &sd->params[sd->nparams++];
		memset(p, 0, sizeof(*p));
		p->name = attr(k, "Name");
		if (p->name == NULL)
			return fail(c, k, "a Parameter needs a Name");
		t = child_text(c, k, "DataType");
		p->type = t != NULL ? param_type(str_trim(t)) : EXPR_T_STRING;
		free(t);
		if (p->type == EXPR_T_NULL)
			return fail(c, k, "parameter %s: DataType is not one of "
			    "String, Integer, Float, DateTime, Boolean", p->name);
		p->nullable = child_bool(c, k, "Nullable", false);
		p->multi = child_bool(c, k, "MultiValue", false);
		p->omit = child_bool(c, k, "OmitFromQuery", false);
		dv = child(c, k, "DefaultValue");
		p->has_default = dv != NULL;
		for (v = child(c, dv, "Values"), v = v ? v->children : NULL;
		    v != NULL; v = v->next) {
			if (!is_el(c, v, "Value"))
				continue;
			p->defaults = xreallocarray(p->defaults, p->ndefaults + 1,
			    sizeof(*p->defaults));
			if ((p->defaults[p->ndefaults] = prop_new(c, v)) == NULL)
				return -1;
			p->ndefaults++;
		}
		if (dv != NULL && p->ndefaults == 0 &&
		    child(c, dv, "Value") != NULL) {
			p->defaults = xcalloc(1, sizeof(*p->defaults));
			if ((p->defaults[0] = prop_new(c, child(c, dv,
			    "Value"))) == NULL)
				return -1;
			p->ndefaults = 1;
		}
	}
	return 0;
}

/*
 * <Query><DataSetParameters><DataSetParameter Name="@Region">: what SQL
 * Server's designers write; the query's @Region takes the value.
 */
static int
query_dataset_params(struct pctx *c, xmlNode *list,
    struct rdl_shared_dataset *sd)
{
	struct rdl_dataset_param *p;
	xmlNode		*k, *dv;

	for (k = list != NULL ? list->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "DataSetParameter"))
			continue;
		sd->params = xreallocarray(sd->params, sd->nparams + 1,
		    sizeof(*sd->params));
		p = &sd->params[sd->nparams++];
		memset(p, 0, sizeof(*p));
		p->name = attr(k, "Name");
		if (p->name == NULL)
			return fail(c, k, "a DataSetParameter needs a Name");
		p->type = EXPR_T_NULL;	/* as given */
		p->nullable = child_bool(c, k, "Nullable", false);
		p->omit = child_bool(c, k, "OmitFromQuery", false);
		p->query = true;
		dv = child(c, k, "DefaultValue");
		if (dv != NULL) {
			p->defaults = xcalloc(1, sizeof(*p->defaults));
			if ((p->defaults[0] = prop_new(c, dv)) == NULL)
				return -1;
			p->ndefaults = 1;
			p->has_default = true;
		}
	}
	return 0;
}

/* Each DataSetParameter the query does not omit is its @Name, unless a
 * QueryParameter already gives that name a value. */
static int
query_from_params(struct rdl_shared_dataset *sd)
{
	struct rdl_dataset *d = &sd->dataset;

	for (size_t i = 0; i < sd->nparams; i++) {
		bool have = false;
		if (!sd->params[i].query || sd->params[i].omit)
			continue;
		for (size_t j = 0; j < d->nqparams; j++)
			have |= strcmp(d->qparams[j].name, sd->params[i].name) == 0;
		if (have)
			continue;
		d->qparams = xreallocarray(d->qparams, d->nqparams + 1,
		    sizeof(*d->qparams));
		d->qparams[d->nqparams].name = xstrdup(sd->params[i].name);
		d->qparams[d->nqparams++].value = NULL;
	}
	return 0;
}

/* <DataSet>: its Query with a DataSourceReference, Fields, Filters. */
static int
dataset_fields(struct pctx *c, xmlNode *dn, struct rdl_shared_dataset *sd)
{
	struct rdl_dataset *d = &sd->dataset;
	xmlNode		*q = child(c, dn, "Query"), *ref;

	d->name = attr(dn, "Name");
	if (d->name == NULL)
		d->name = xstrdup("DataSet1");
	d->line = (int)xmlGetLineNo(dn);
	d->datasource = -1;
	if (q == NULL)
		return fail(c, dn, "a shared dataset needs a Query");
	ref = child(c, q, "DataSourceReference");
	if (ref == NULL)
		return fail(c, q, "the Query of a shared dataset needs a "
		    "DataSourceReference (the shared data source it reads)");
	sd->source.reference = node_text(ref);
	str_trim(sd->source.reference);
	sd->source.name = xstrdup(d->name);
	sd->source.line = (int)xmlGetLineNo(ref);
	if (sd->source.reference[0] == '\0')
		return fail(c, ref, "DataSourceReference is empty");
	return query_parse(c, q, d) == -1 ||
	    fields_parse(c, child(c, dn, "Fields"), d) == -1 ||
	    filters_parse(c, child(c, dn, "Filters"), &d->filters,
	    &d->nfilters) == -1 ||
	    dataset_params(c, child(c, dn, "Parameters"), sd) == -1 ||
	    query_dataset_params(c, child(c, q, "DataSetParameters"),
	    sd) == -1 || query_from_params(sd) == -1 ||
	    bind_shared(sd, c->e) == -1 ? -1 : 0;
}

struct rdl_shared_dataset *
shared_dataset_parse(const char *xml, size_t len, enum rdl_fault *fault,
    struct rs_err *e)
{
	struct rdl_shared_dataset *sd = xcalloc(1, sizeof(*sd));
	struct rdl_report dummy = { .name = NULL };
	struct pctx	 c = { .e = e, .r = &dummy };
	xmlDoc		*doc = xml_read(xml, len, e);
	xmlNode		*root, *dn;

	*fault = RDL_FAULT_XML;
	if (doc == NULL)
		goto fail;
	*fault = RDL_FAULT_ELEMENT;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || root->ns == NULL || strcmp((const char *)
	    root->name, "SharedDataSet") != 0 || !xmlStrEqual(root->ns->href,
	    (const xmlChar *)RSD_NS)) {
		fail(&c, root, "the root element of a shared dataset must be "
		    "<SharedDataSet> in the namespace " RSD_NS);
		goto fail;
	}
	c.ns = root->ns->href;
	if (walk(&c, root, dataset_known, 0, "shared dataset") == -1)
		goto fail;
	*fault = RDL_FAULT_CONTENT;
	dn = child(&c, root, "DataSet");
	if (dn == NULL) {
		fail(&c, root, "a shared dataset needs a DataSet");
		goto fail;
	}
	if (dataset_fields(&c, dn, sd) == -1)
		goto fail;
	*fault = RDL_FAULT_NONE;
	xmlFreeDoc(doc);
	return sd;
fail:
	xmlFreeDoc(doc);
	shared_dataset_free(sd);
	return NULL;
}

void
shared_dataset_free(struct rdl_shared_dataset *sd)
{
	if (sd == NULL)
		return;
	free(sd->source.name);
	free(sd->source.reference);
	dataset_fini(&sd->dataset);
	for (size_t i = 0; i < sd->nparams; i++) {
		free(sd->params[i].name);
		for (size_t j = 0; j < sd->params[i].ndefaults; j++)
			prop_free(sd->params[i].defaults[j]);
		free(sd->params[i].defaults);
	}
	free(sd->params);
	free(sd);
}
