/*
 * datasets.c: the DataSets (query, query parameters, fields with their
 * designer types, filters) and ReportParameters (type, flags, defaults and
 * valid values, static or from a dataset) of a definition.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "data/data.h"
#include "rdl/rdl_int.h"

static enum expr_type
type_from_name(const char *t)
{
	if (t == NULL)
		return EXPR_T_NULL;
	if (strstr(t, "Int") != NULL || strstr(t, "Byte") != NULL)
		return EXPR_T_INT;
	if (strstr(t, "Decimal") != NULL || strstr(t, "Double") != NULL ||
	    strstr(t, "Single") != NULL)
		return EXPR_T_FLOAT;
	if (strstr(t, "DateTime") != NULL)
		return EXPR_T_DATETIME;
	if (strstr(t, "Boolean") != NULL)
		return EXPR_T_BOOL;
	if (strstr(t, "String") != NULL)
		return EXPR_T_STRING;
	return EXPR_T_NULL;
}

/* rd:TypeName is in the designer namespace: find it by local name. */
static char *
designer_child(xmlNode *n, const char *name)
{
	xmlNode		*k;

	for (k = n->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)k->name, name) == 0 && k->ns != NULL &&
		    strstr((const char *)k->ns->href, "reportdesigner") != NULL)
			return node_text(k);
	return NULL;
}

int
fields_parse(struct pctx *c, xmlNode *list, struct rdl_dataset *d)
{
	struct rdl_field *f;
	xmlNode		*k;
	bool		 failed = false;
	char		*tn;

	for (k = list != NULL ? list->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "Field"))
			continue;
		d->fields = xreallocarray(d->fields, d->nfields + 1,
		    sizeof(*f));
		f = &d->fields[d->nfields++];
		memset(f, 0, sizeof(*f));
		f->name = attr(k, "Name");
		if (f->name == NULL)
			return fail(c, k, "a Field needs a Name");
		f->data_field = child_text(c, k, "DataField");
		f->value = child_prop(c, k, "Value", &failed);
		if (failed)
			return -1;
		if (f->data_field == NULL && f->value == NULL)
			return fail(c, k, "field %s needs a DataField or a Value",
			    f->name);
		tn = designer_child(k, "TypeName");
		f->type_hint = type_from_name(tn);
		f->decimal = tn != NULL && strstr(tn, "Decimal") != NULL;
		free(tn);
	}
	return 0;
}

/* A report's dataset: its DataSourceName, then the query itself. */
static int	query_params_parse(struct pctx *, xmlNode *, struct rdl_dataset *);

/*
 * <SharedDataSet><SharedDataSetReference>/Data/Sales</...><QueryParameters>
 * the shared dataset is resolved when the report runs.
 */
static int
shared_ref_parse(struct pctx *c, xmlNode *sn, struct rdl_dataset *d)
{
	d->datasource = -1;
	d->shared_ref = child_text(c, sn, "SharedDataSetReference");
	if (d->shared_ref == NULL || str_trim(d->shared_ref)[0] == '\0')
		return fail(c, sn, "dataset %s: a SharedDataSet needs a "
		    "SharedDataSetReference", d->name);
	memmove(d->shared_ref, str_trim(d->shared_ref),
	    strlen(str_trim(d->shared_ref)) + 1);
	d->command_text = xstrdup("");
	return query_params_parse(c, sn, d);
}

static int
parse_query(struct pctx *c, xmlNode *q, struct rdl_dataset *d)
{
	char		*dsname;

	dsname = child_text(c, q, "DataSourceName");
	d->datasource = -1;
	for (size_t i = 0; dsname != NULL && i < c->r->ndatasources; i++)
		if (strcmp(c->r->datasources[i].name, dsname) == 0)
			d->datasource = (int)i;
	if (d->datasource < 0) {
		fail(c, q, "dataset %s names data source \"%s\", which is not "
		    "defined in DataSources", d->name, dsname ? dsname : "");
		free(dsname);
		return -1;
	}
	free(dsname);
	return query_parse(c, q, d);
}

int
query_parse(struct pctx *c, xmlNode *q, struct rdl_dataset *d)
{
	char		*ctype;

	ctype = child_text(c, q, "CommandType");
	d->command = RDL_CMD_TEXT;
	if (ctype != NULL && strcmp(str_trim(ctype), "StoredProcedure") == 0)
		d->command = RDL_CMD_PROCEDURE;
	else if (ctype != NULL && strcmp(str_trim(ctype), "TableDirect") == 0)
		d->command = RDL_CMD_TABLE;
	else if (ctype != NULL && strcmp(str_trim(ctype), "Text") != 0) {
		fail(c, child(c, q, "CommandType"), "CommandType %s is not "
		    "supported; supported: Text, StoredProcedure, TableDirect",
		    ctype);
		free(ctype);
		return -1;
	}
	free(ctype);
	d->command_text = child_text(c, q, "CommandText");
	if (d->command_text == NULL)
		d->command_text = xstrdup("");
	if (str_trim(d->command_text)[0] == '=')
		return fail(c, child(c, q, "CommandText"), "expression-based "
		    "queries are not supported; use query parameters");
	if (d->command != RDL_CMD_TEXT) {
		char schema[128], name[128];
		struct rs_err ne;
		if (data_object_name(d->command_text, schema, sizeof(schema),
		    name, sizeof(name), &ne) == -1)
			return fail(c, child(c, q, "CommandText"), "%s", ne.msg);
	}
	return query_params_parse(c, q, d);
}

static int
query_params_parse(struct pctx *c, xmlNode *q, struct rdl_dataset *d)
{
	struct rdl_query_param *qp;
	xmlNode		*k;
	bool		 failed = false;

	for (k = child(c, q, "QueryParameters"), k = k ? k->children : NULL;
	    k != NULL; k = k->next) {
		if (!is_el(c, k, "QueryParameter"))
			continue;
		d->qparams = xreallocarray(d->qparams, d->nqparams + 1,
		    sizeof(*qp));
		qp = &d->qparams[d->nqparams++];
		memset(qp, 0, sizeof(*qp));
		qp->name = attr(k, "Name");
		qp->value = child_prop(c, k, "Value", &failed);
		if (failed)
			return -1;
		if (qp->name == NULL || qp->value == NULL)
			return fail(c, k, "a QueryParameter needs a Name and a "
			    "Value");
	}
	return 0;
}

int
parse_datasets(struct pctx *c, xmlNode *list)
{
	struct rdl_report *r = c->r;
	struct rdl_dataset *d;
	xmlNode		*k, *q;

	for (k = list != NULL ? list->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "DataSet"))
			continue;
		r->datasets = xreallocarray(r->datasets, r->ndatasets + 1,
		    sizeof(*d));
		d = &r->datasets[r->ndatasets++];
		memset(d, 0, sizeof(*d));
		d->name = attr(k, "Name");
		d->line = (int)xmlGetLineNo(k);
		if (d->name == NULL)
			return fail(c, k, "a DataSet needs a Name");
		q = child(c, k, "Query");
		if (q == NULL && child(c, k, "SharedDataSet") != NULL) {
			if (shared_ref_parse(c, child(c, k, "SharedDataSet"),
			    d) == -1)
				return -1;
		} else if (q == NULL)
			return fail(c, k, "dataset %s needs a Query or a "
			    "SharedDataSet", d->name);
		else if (parse_query(c, q, d) == -1)
			return -1;
		if (
		    fields_parse(c, child(c, k, "Fields"), d) == -1 ||
		    filters_parse(c, child(c, k, "Filters"), &d->filters,
		    &d->nfilters) == -1)
			return -1;
	}
	return 0;
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
		if (strcmp(t, types[i].name) == 0)
			return types[i].type;
	return EXPR_T_NULL;
}

static int
dataset_ref(struct pctx *c, xmlNode *ref, int *ds, char **vf, char **lf)
{
	char		*name = child_text(c, ref, "DataSetName");

	*ds = name != NULL ? rdl_dataset_find(c->r, name) : -1;
	if (*ds < 0) {
		fail(c, ref, "DataSetReference names dataset \"%s\", which is "
		    "not defined", name ? name : "");
		free(name);
		return -1;
	}
	free(name);
	*vf = child_text(c, ref, "ValueField");
	if (lf != NULL)
		*lf = child_text(c, ref, "LabelField");
	if (*vf == NULL || rdl_field_find(&c->r->datasets[*ds], *vf) < 0)
		return fail(c, ref, "ValueField \"%s\" is not a field of dataset "
		    "%s", *vf ? *vf : "", c->r->datasets[*ds].name);
	if (lf != NULL && *lf != NULL &&
	    rdl_field_find(&c->r->datasets[*ds], *lf) < 0)
		return fail(c, ref, "LabelField \"%s\" is not a field of dataset "
		    "%s", *lf, c->r->datasets[*ds].name);
	return 0;
}

static int
parse_param_values(struct pctx *c, xmlNode *k, struct rdl_parameter *p)
{
	xmlNode		*dv, *vv, *v;
	bool		 failed = false;
	struct rdl_valid_value *val;

	dv = child(c, k, "DefaultValue");
	if (child(c, dv, "DataSetReference") != NULL) {
		if (dataset_ref(c, child(c, dv, "DataSetReference"),
		    &p->default_dataset, &p->default_field, NULL) == -1)
			return -1;
	}
	for (v = child(c, dv, "Values"), v = v ? v->children : NULL;
	    v != NULL; v = v->next) {
		if (!is_el(c, v, "Value"))
			continue;
		p->defaults = xreallocarray(p->defaults, p->ndefaults + 1,
		    sizeof(*p->defaults));
		/* <Value xsi:nil="true"/> is a null default. */
		p->defaults[p->ndefaults] = prop_new(c, v);
		if (p->defaults[p->ndefaults] == NULL)
			return -1;
		if (xmlHasProp(v, (const xmlChar *)"nil") != NULL) {
			expr_free(p->defaults[p->ndefaults]->ast);
			p->defaults[p->ndefaults]->ast = expr_parse("Nothing",
			    NULL);
		}
		p->ndefaults++;
	}
	vv = child(c, k, "ValidValues");
	if (child(c, vv, "DataSetReference") != NULL)
		return dataset_ref(c, child(c, vv, "DataSetReference"),
		    &p->valid_dataset, &p->valid_value_field,
		    &p->valid_label_field);
	for (v = child(c, vv, "ParameterValues"), v = v ? v->children : NULL;
	    v != NULL; v = v->next) {
		if (!is_el(c, v, "ParameterValue"))
			continue;
		p->valid = xreallocarray(p->valid, p->nvalid + 1, sizeof(*val));
		val = &p->valid[p->nvalid++];
		val->value = child_prop(c, v, "Value", &failed);
		val->label = child_prop(c, v, "Label", &failed);
		if (failed)
			return -1;
		if (val->value == NULL) {
			/* No Value: Nothing (null), as in the original (the
			 * text of the ParameterValue would be its Label's). */
			struct rs_err pe;

			val->value = xcalloc(1, sizeof(*val->value));
			val->value->text = xstrdup("=Nothing");
			val->value->is_expr = true;
			val->value->line = (int)xmlGetLineNo(v);
			val->value->ast = expr_parse("Nothing", &pe);
		}
	}
	return 0;
}

int
parse_params(struct pctx *c, xmlNode *list)
{
	struct rdl_report *r = c->r;
	struct rdl_parameter *p;
	xmlNode		*k;
	char		*t;

	for (k = list != NULL ? list->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "ReportParameter"))
			continue;
		r->params = xreallocarray(r->params, r->nparams + 1,
		    sizeof(*p));
		p = &r->params[r->nparams++];
		memset(p, 0, sizeof(*p));
		p->default_dataset = p->valid_dataset = -1;
		p->name = attr(k, "Name");
		p->line = (int)xmlGetLineNo(k);
		if (p->name == NULL)
			return fail(c, k, "a ReportParameter needs a Name");
		t = child_text(c, k, "DataType");
		p->type = param_type(t ? str_trim(t) : NULL);
		if (p->type == EXPR_T_NULL) {
			fail(c, k, "parameter %s: DataType \"%s\" is not one of "
			    "String, Integer, Float, DateTime, Boolean", p->name,
			    t ? t : "");
			free(t);
			return -1;
		}
		free(t);
		p->nullable = child_bool(c, k, "Nullable", false);
		p->allow_blank = child_bool(c, k, "AllowBlank", false);
		p->multi = child_bool(c, k, "MultiValue", false);
		p->hidden = child_bool(c, k, "Hidden", false);
		p->prompt = child_text(c, k, "Prompt");
		if (parse_param_values(c, k, p) == -1)
			return -1;
	}
	return 0;
}

