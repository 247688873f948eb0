/*
 * shared.c: report datasets over shared datasets (.rsd).  The shared
 * dataset is resolved once per render through the request's
 * resolve_dataset (the catalog, or rsrender's --dataset), and its own
 * DataSourceReference through the data source resolver.  Its Parameters
 * take the values the report's SharedDataSet/QueryParameters give them
 * (evaluated in the report), else their defaults, else Nothing when
 * Nullable; its query, calculated fields and filters then run with those
 * as Parameters!, and the report's fields name its fields (dataset.c).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "render/render_int.h"

const struct rdl_shared_dataset *
shared_get(struct rctx *c, int ds, struct data_source *src)
{
	const struct rdl_dataset *d = &c->r->datasets[ds];
	struct rdl_definition *def;
	render_resolve_fn fn = c->req->resolve ? c->req->resolve :
	    render_resolve_default;

	if (c->shareds == NULL)
		c->shareds = xcalloc(c->r->ndatasets + 1, sizeof(*c->shareds));
	def = &c->shareds[ds];
	if (def->dataset == NULL) {
		if (c->req->resolve_dataset == NULL) {
			rs_err_set(c->e, RS_E_NOTFOUND, "dataset %s refers to "
			    "shared dataset \"%s\", which this caller cannot "
			    "resolve; give it (rsrender --dataset %s=FILE.rsd)",
			    d->name, d->shared_ref, d->shared_ref);
			return NULL;
		}
		if (c->req->resolve_dataset(c->req->resolve_dataset_arg,
		    d->shared_ref, def, c->e) == -1) {
			rs_err_prefix(c->e, "dataset %s", d->name);
			return NULL;
		}
		if (def->dataset == NULL) {
			rs_err_set(c->e, RS_E_INTERNAL, "dataset %s: the shared "
			    "dataset resolved to nothing", d->name);
			return NULL;
		}
	}
	if (fn(c->req->resolve_arg, &def->dataset->source, src, c->e) == -1) {
		rs_err_prefix(c->e, "shared dataset %s", d->shared_ref);
		return NULL;
	}
	return def->dataset;
}

static const struct rdl_query_param *
given(const struct rdl_dataset *d, const char *name)
{
	for (size_t i = 0; i < d->nqparams; i++) {
		const char *n = d->qparams[i].name;
		if (strcasecmp(n + (*n == '@'), name + (*name == '@')) == 0)
			return &d->qparams[i];
	}
	return NULL;
}

static void
add(struct expr_param *p, const struct expr_value *v)
{
	p->values = xreallocarray(p->values, p->nvalues + 1, sizeof(*v));
	expr_value_copy(&p->values[p->nvalues++], v);
}

/* The value(s) of one parameter: given, a default, or Nothing. */
static int
param_values(struct rctx *c, const struct rdl_dataset *d,
    const struct rdl_dataset_param *dp, struct expr_param *p)
{
	const struct rdl_query_param *q = given(d, dp->name);
	struct expr_value v;

	if (q == NULL && dp->ndefaults == 0) {
		if (!dp->nullable)
			return rs_err_set(c->e, RS_E_USAGE, "shared dataset %s: "
			    "parameter %s has no value and no default (give it "
			    "in the report's SharedDataSet QueryParameters)",
			    d->shared_ref, dp->name);
		v.type = EXPR_T_NULL;
		add(p, &v);
		return 0;
	}
	for (size_t i = 0; i < (q != NULL ? 1 : dp->ndefaults); i++) {
		if (eval_prop(c, q != NULL ? q->value : dp->defaults[i], &v) == -1)
			return -1;
		if (v.type == EXPR_T_ARRAY)
			for (size_t k = 0; k < v.u.a->n; k++)
				add(p, &v.u.a->v[k]);
		else
			add(p, &v);
		expr_value_fini(&v);
	}
	for (size_t i = 0; i < p->nvalues; i++)
		if (p->values[i].type != EXPR_T_NULL && dp->type != EXPR_T_NULL &&
		    expr_convert(&p->values[i], dp->type, c->env.culture,
		    c->e) == -1)
			return -1;
	return 0;
}

int
shared_params(struct rctx *c, const struct rdl_dataset *d,
    const struct rdl_shared_dataset *sd, struct expr_param **out, size_t *n)
{
	struct expr_param *p = xcalloc(sd->nparams + 1, sizeof(*p));

	*out = p;
	*n = sd->nparams;
	for (size_t i = 0; i < sd->nparams; i++) {
		/* Parameters!Region names the DataSetParameter @Region. */
		p[i].name = sd->params[i].name + (sd->params[i].name[0] == '@');
		p[i].multi = sd->params[i].multi;
		if (param_values(c, d, &sd->params[i], &p[i]) == -1) {
			rs_err_prefix(c->e, "dataset %s", d->name);
			return -1;
		}
	}
	return 0;
}

void
shared_params_free(struct expr_param *p, size_t n)
{
	for (size_t i = 0; p != NULL && i < n; i++) {
		for (size_t k = 0; k < p[i].nvalues; k++)
			expr_value_fini(&p[i].values[k]);
		free(p[i].values);
	}
	free(p);
}

int
shareds_resolve(struct rctx *c)
{
	struct data_source src;

	for (size_t i = 0; i < c->r->ndatasets; i++)
		if (c->r->datasets[i].shared_ref != NULL &&
		    shared_get(c, (int)i, &src) == NULL)
			return -1;
	return 0;
}

void
shareds_free(struct rctx *c)
{
	for (size_t i = 0; c->shareds != NULL && i < c->r->ndatasets; i++)
		rdl_definition_fini(&c->shareds[i]);
	free(c->shareds);
	c->shareds = NULL;
}
