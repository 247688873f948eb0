/*
 * params.c: report parameters in both contracts' shapes: ItemParameter
 * (ReportService2010's GetItemParameters) and ReportParameter (the
 * Parameters of ReportExecution2005's ExecutionInfo), from the renderer's
 * own description (rs_render_params: current values, valid values run
 * from their datasets, state).  ParameterValue lists of a request become
 * the URL-access query the render hook reads (Name=value, repeated for a
 * multi-value parameter, Name:isnull=true for a null), so a value means
 * the same here as in a URL.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
type_name(enum expr_type t)
{
	switch (t) {
	case EXPR_T_BOOL:
		return "Boolean";
	case EXPR_T_INT:
		return "Integer";
	case EXPR_T_FLOAT:
		return "Float";
	case EXPR_T_DATETIME:
		return "DateTime";
	default:
		return "String";
	}
}

static void
w_value(struct soap_call *c, const char *elem, const struct expr_value *v)
{
	struct buf	b;
	struct rs_err	e;

	if (v->type == EXPR_T_NULL) {
		soap_w_nil(c, elem);
		return;
	}
	buf_init(&b, 0);
	if (expr_value_xsd(v, &b, &e) == 0)
		soap_w_str(c, elem, b.data != NULL ? b.data : "");
	buf_fini(&b);
}

static void
w_valid(struct soap_call *c, const struct expr_param *valid)
{
	soap_w_start(c, "ValidValues");
	for (size_t i = 0; i < valid->nvalues; i++) {
		soap_w_start(c, "ValidValue");
		if (valid->labels != NULL && valid->labels[i] != NULL)
			soap_w_str(c, "Label", valid->labels[i]);
		w_value(c, "Value", &valid->values[i]);
		soap_w_end(c);
	}
	soap_w_end(c);
}

/* One parameter; item: ItemParameter's names, else ReportParameter's. */
static void
w_param(struct soap_call *c, const char *elem,
    const struct render_param_def *d, bool item)
{
	const struct rdl_parameter	*p = d->def;

	soap_w_start(c, elem);
	soap_w_str(c, "Name", p->name);
	soap_w_str(c, item ? "ParameterTypeName" : "Type", type_name(p->type));
	soap_w_bool(c, "Nullable", p->nullable);
	soap_w_bool(c, "AllowBlank", p->allow_blank);
	soap_w_bool(c, "MultiValue", p->multi);
	soap_w_bool(c, "QueryParameter", false);
	soap_w_str(c, "Prompt", p->prompt != NULL ? p->prompt : "");
	soap_w_bool(c, "PromptUser", p->prompt != NULL && !p->hidden);
	soap_w_bool(c, "ValidValuesQueryBased", p->valid_dataset >= 0);
	if (p->nvalid > 0 || p->valid_dataset >= 0)
		w_valid(c, &d->valid);
	soap_w_bool(c, "DefaultValuesQueryBased", p->default_dataset >= 0);
	soap_w_start(c, "DefaultValues");
	for (size_t i = 0; i < d->value.nvalues; i++)
		w_value(c, "Value", &d->value.values[i]);
	soap_w_end(c);
	soap_w_str(c, item ? "ParameterStateName" : "State", d->state);
	if (d->error[0] != '\0')
		soap_w_str(c, "ErrorMessage", d->error);
	soap_w_end(c);
}

void
soap_w_params(struct soap_call *c, const char *elem,
    const struct rdl_report *rep, const struct render_param_def *defs,
    bool item)
{
	soap_w_start(c, elem);
	for (size_t i = 0; i < rep->nparams; i++)
		w_param(c, item ? "ItemParameter" : "ReportParameter", &defs[i],
		    item);
	soap_w_end(c);
}

bool
soap_params_required(const struct rdl_report *rep,
    const struct render_param_def *defs)
{
	for (size_t i = 0; i < rep->nparams; i++)
		if (strcmp(defs[i].state, "HasValidValue") != 0)
			return true;
	return false;
}

/* Appends "&name=value" (URL-encoded) to q. */
void
soap_query_add(struct buf *q, const char *name, const char *value)
{
	if (q->len > 0)
		(void)buf_puts(q, "&", NULL);
	rs_url_encode(q, name, false);
	(void)buf_puts(q, "=", NULL);
	rs_url_encode(q, value, false);
}

int
soap_params_query(struct soap_call *c, const xmlNode *list, struct buf *q)
{
	size_t	n = 0;

	for (xmlNode *v = soap_child(c, list, "ParameterValue"); v != NULL;
	    v = soap_next(c, v, "ParameterValue")) {
		char	*name, *value;
		xmlNode	*vn;

		if (++n > SOAP_ARRAY_MAX)
			return soap_fail(c, "rsInvalidParameter", 400, "More than "
			    "%d parameter values.", SOAP_ARRAY_MAX);
		if (soap_is_nil(v))
			continue;
		name = soap_arg(c, v, "Name");
		if (name == NULL || name[0] == '\0' || strchr(name, ':') !=
		    NULL) {
			free(name);
			return soap_fail(c, "rsInvalidParameter", 400, "Each "
			    "ParameterValue needs the Name of a report "
			    "parameter.");
		}
		vn = soap_child(c, v, "Value");
		value = soap_text(vn);
		if (value == NULL) {
			char	isnull[CATALOG_NAME_MAX + 16];

			snprintf(isnull, sizeof(isnull), "%.260s:isnull", name);
			soap_query_add(q, isnull, "true");
		} else
			soap_query_add(q, name, value);
		free(name);
		free(value);
	}
	return 0;
}

/* A report of the catalog and its definition; -1 with a fault. */
int
soap_report_load(struct soap_call *c, const char *path,
    struct catalog_item *it, void **rdl, size_t *len)
{
	struct rs_err	e;

	if (soap_item(c, path, false, it) == -1)
		return -1;
	if (it->type != CATALOG_REPORT) {
		soap_fail(c, "rsWrongItemType", 400, "The item '%s' is a %s, not "
		    "a report.", it->path, catalog_type_name(it->type));
		catalog_item_fini(it);
		return -1;
	}
	if (catalog_item_content(c->cat, it->id, rdl, len, &e) == -1) {
		catalog_item_fini(it);
		return soap_fail_err(c, &e, NULL);
	}
	return 0;
}

/* The parameters of a report for a query; -1 with a fault. */
int
soap_params_of(struct soap_call *c, const struct catalog_item *it,
    const void *rdl, size_t len, const char *query, struct rdl_report **rep,
    struct render_param_def **defs)
{
	struct rs_render_result	res;
	struct rs_err		e;

	if (rs_render_params((void *)c->policy, c->cat, c->user, it, rdl, len,
	    query, rep, defs, &res, &e) == -1)
		return soap_fail(c, e.code == RS_E_BADINPUT ?
		    "rsInvalidReportDefinition" : "rsProcessingError",
		    e.code == RS_E_BADINPUT ? 400 : 500, "%s", e.msg);
	if (res.status != 0)
		return soap_fail(c, res.rscode, res.status, "%s", e.msg);
	return 0;
}

void
soap_get_item_parameters(struct soap_call *c)
{
	struct catalog_item	 it;
	struct rdl_report	*rep = NULL;
	struct render_param_def	*defs = NULL;
	struct buf		 q;
	char			*path, *hist;
	void			*rdl = NULL;
	size_t			 len;

	buf_init(&q, 0);
	hist = soap_arg(c, c->op, "HistoryID");
	path = soap_need(c, c->op, "ItemPath");
	if (path == NULL)
		goto out;
	if (hist != NULL && hist[0] != '\0') {
		soap_unsupported(c, "report history snapshots need the "
		    "scheduler, which is not in this build.");
		goto out;
	}
	if (soap_params_query(c, soap_child(c, c->op, "Values"), &q) == -1 ||
	    soap_report_load(c, path, &it, &rdl, &len) == -1)
		goto out;
	if (soap_params_of(c, &it, rdl, len, q.data != NULL ? q.data : "", &rep,
	    &defs) == 0)
		soap_w_params(c, "Parameters", rep, defs, true);
	render_parameters_free(defs, rep != NULL ? rep->nparams : 0);
	rdl_free(rep);
	catalog_item_fini(&it);
out:
	free(rdl);
	free(path);
	free(hist);
	buf_fini(&q);
}

void
soap_set_item_parameters(struct soap_call *c)
{
	soap_unsupported(c, "server-side parameter settings (defaults and "
	    "prompts that override the report's definition) are not stored by "
	    "this server yet; change them in the definition and publish it "
	    "again.");
}
