/*
 * params.c: report parameter values from URL strings.  Each value is
 * converted to the parameter's type (Boolean takes 0/1/true/false, dates
 * take ISO or M/d/yyyy), checked against nullability, blank, multi-value
 * and the valid values (static or from a dataset); a parameter without a
 * value takes its default (static or from a dataset), or the render stops
 * with rsReportParameterValueNotSet.  Parameters are resolved in order,
 * so a default may use an earlier parameter.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "render/render_int.h"

/* Cultures that write 3,5 for three and a half. */
static bool
decimal_comma(const char *lang)
{
	static const char *comma[] = { "de", "fr", "es", "it", "nl", "pt", "ru",
	    "pl", "sv", "da", "fi", "nb", "nn", "cs", "sk", "tr", "el", "hu",
	    "ro", "uk", "id", "vi" };

	for (size_t i = 0; lang != NULL && i < sizeof(comma) / sizeof(*comma);
	    i++)
		if (strncasecmp(lang, comma[i], 2) == 0 && (lang[2] == '\0' ||
		    lang[2] == '-'))
			return true;
	return false;
}

/*
 * Dates in the request's culture (rs:ParameterLanguage): ISO always; M/d/y
 * for en-US (and no culture given); d/M/y or d.M.y for the others.
 */
static bool
culture_date(const char *lang, const char *s, int64_t *dt)
{
	char		 iso[64];
	int		 d, m, y, n = 0;

	if (lang == NULL || strncasecmp(lang, "en-US", 5) == 0 ||
	    (s[0] >= '0' && s[0] <= '9' && strlen(s) >= 10 && s[4] == '-'))
		return expr_dt_parse(s, dt);
	if (sscanf(s, "%2d%*1[./-]%2d%*1[./-]%4d%n", &d, &m, &y, &n) != 3)
		return false;
	snprintf(iso, sizeof(iso), "%04d-%02d-%02d%s", y, m, d, s + n);
	return expr_dt_parse(iso, dt);
}

static int
convert(struct rctx *c, const struct rdl_parameter *p, const char *s,
    struct expr_value *v)
{
	const char	*lang = c->req->param_language;
	char		 num[64];
	char		*end;

	v->borrowed = false;
	switch (p->type) {
	case EXPR_T_INT:
		errno = 0;
		v->type = EXPR_T_INT;
		v->u.i = strtoll(s, &end, 10);
		if (end != s && *end == '\0' && errno == 0)
			return 0;
		break;
	case EXPR_T_FLOAT:
		v->type = EXPR_T_FLOAT;
		if (decimal_comma(lang) && strlen(s) < sizeof(num)) {
			/* 1.234,5 -> 1234.5 */
			size_t j = 0;
			for (const char *q = s; *q != '\0'; q++)
				if (*q != '.')
					num[j++] = *q == ',' ? '.' : *q;
			num[j] = '\0';
			s = num;
		}
		v->u.f = strtod(s, &end);
		if (end != s && *end == '\0' && isfinite(v->u.f))
			return 0;
		break;
	case EXPR_T_BOOL:
		v->type = EXPR_T_BOOL;
		if (strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0) {
			v->u.b = true;
			return 0;
		}
		if (strcmp(s, "0") == 0 || strcasecmp(s, "false") == 0) {
			v->u.b = false;
			return 0;
		}
		break;
	case EXPR_T_DATETIME:
		v->type = EXPR_T_DATETIME;
		if (culture_date(lang, s, &v->u.dt))
			return 0;
		break;
	default:
		if (s[0] == '\0' && !p->allow_blank)
			return rs_err_set(c->e, RS_E_USAGE, "rsInvalidParameter: "
			    "parameter %s does not allow a blank value", p->name);
		expr_value_str(v, s);
		return 0;
	}
	v->type = EXPR_T_NULL;
	return rs_err_set(c->e, RS_E_USAGE, "rsParameterTypeMismatch: \"%.40s\" "
	    "is not a valid %s for parameter %s", s,
	    p->type == EXPR_T_INT ? "Integer" : p->type == EXPR_T_FLOAT ?
	    "Float" : p->type == EXPR_T_BOOL ? "Boolean (0 or 1)" :
	    "DateTime (yyyy-MM-dd or M/d/yyyy)", p->name);
}

static void
add_value(struct expr_param *ep, struct expr_value *v, const char *label)
{
	ep->values = xreallocarray(ep->values, ep->nvalues + 1,
	    sizeof(*ep->values));
	ep->labels = xreallocarray(ep->labels, ep->nvalues + 1,
	    sizeof(*ep->labels));
	ep->values[ep->nvalues] = *v;
	ep->labels[ep->nvalues] = label != NULL ? xstrdup(label) : NULL;
	ep->nvalues++;
	v->type = EXPR_T_NULL;
}

static int
from_url(struct rctx *c, const struct rdl_parameter *p, struct expr_param *ep,
    size_t n)
{
	struct expr_value v;

	if (p->prompt == NULL && (p->ndefaults > 0 || p->default_dataset >= 0))
		return rs_err_set(c->e, RS_E_USAGE, "rsReadOnlyReportParameter: "
		    "parameter %s has a default and no prompt, so it cannot be "
		    "set in the URL", p->name);
	if (n > 1 && !p->multi)
		return rs_err_set(c->e, RS_E_USAGE, "rsInvalidParameter: "
		    "parameter %s takes one value, not %zu", p->name, n);
	if (n > RENDER_PARAM_VALUES_MAX)
		return rs_err_set(c->e, RS_E_LIMIT, "parameter %s has more than "
		    "%d values", p->name, RENDER_PARAM_VALUES_MAX);
	for (size_t i = 0; i < c->req->nparams; i++) {
		const struct render_param_in *in = &c->req->params[i];

		if (strcmp(in->name, p->name) != 0)
			continue;
		if (in->isnull) {
			if (!p->nullable)
				return rs_err_set(c->e, RS_E_USAGE,
				    "rsInvalidParameter: parameter %s cannot be "
				    "null", p->name);
			v.type = EXPR_T_NULL;
		} else if (convert(c, p, in->value ? in->value : "", &v) == -1)
			return -1;
		add_value(ep, &v, NULL);
	}
	return 0;
}

static int
from_dataset(struct rctx *c, int ds, const char *vfield, const char *lfield,
    struct expr_param *ep, bool all)
{
	const struct rdl_dataset *d = &c->r->datasets[ds];
	int		 vi = rdl_field_find(d, vfield);
	int		 li = lfield ? rdl_field_find(d, lfield) : -1;
	struct expr_value v;
	struct buf	 lb;

	if (dataset_keep(c, ds) == -1)
		return -1;
	for (size_t i = 0; i < c->sets[ds].nrows; i++) {
		expr_value_copy(&v, &c->sets[ds].rows[i][vi]);
		buf_init(&lb, 0);
		if (li >= 0)
			expr_value_text(&c->sets[ds].rows[i][li], &lb, NULL);
		add_value(ep, &v, lb.data);
		buf_fini(&lb);
		if (!all)
			break;
	}
	return 0;
}

static int
defaults(struct rctx *c, const struct rdl_parameter *p, struct expr_param *ep)
{
	struct expr_value v, cv;
	struct buf	 b;
	int		 rv;

	if (p->default_dataset >= 0)
		return from_dataset(c, p->default_dataset, p->default_field,
		    NULL, ep, p->multi);
	for (size_t i = 0; i < p->ndefaults; i++) {
		if (expr_eval(p->defaults[i]->ast, &c->env, &v, c->e) == -1)
			return -1;
		if (v.type == EXPR_T_NULL || v.type == p->type ||
		    p->type == EXPR_T_STRING) {
			if (p->type == EXPR_T_STRING && v.type != EXPR_T_NULL &&
			    v.type != EXPR_T_STRING) {
				buf_init(&b, 0);
				expr_value_text(&v, &b, NULL);
				expr_value_fini(&v);
				expr_value_take_str(&v, b.data ? buf_take(&b, NULL) :
				    xstrdup(""));
			}
			add_value(ep, &v, NULL);
			continue;
		}
		buf_init(&b, 0);
		expr_value_xsd(&v, &b, NULL);
		expr_value_fini(&v);
		rv = convert(c, p, b.data ? b.data : "", &cv);
		buf_fini(&b);
		if (rv == -1)
			return -1;
		add_value(ep, &cv, NULL);
	}
	return 0;
}

int
params_valid_list(struct rctx *c, const struct rdl_parameter *p,
    struct expr_param *vv)
{
	struct expr_value v, lv;
	struct buf	 lb;

	memset(vv, 0, sizeof(*vv));
	vv->name = p->name;
	if (p->valid_dataset >= 0)
		return from_dataset(c, p->valid_dataset, p->valid_value_field,
		    p->valid_label_field, vv, true);
	for (size_t i = 0; i < p->nvalid; i++) {
		if (eval_prop(c, p->valid[i].value, &v) == -1)
			return -1;
		if (eval_prop(c, p->valid[i].label, &lv) == -1) {
			expr_value_fini(&v);
			return -1;
		}
		buf_init(&lb, 0);
		if (p->valid[i].label != NULL)
			expr_value_text(&lv, &lb, NULL);
		expr_value_fini(&lv);
		if (v.type == EXPR_T_STRING && v.borrowed)
			expr_value_str(&v, v.u.s);
		add_value(vv, &v, lb.data);
		buf_fini(&lb);
	}
	return 0;
}

void
params_list_free(struct expr_param *vv)
{
	for (size_t i = 0; i < vv->nvalues; i++) {
		expr_value_fini(&vv->values[i]);
		free(vv->labels[i]);
	}
	free(vv->values);
	free(vv->labels);
	memset(vv, 0, sizeof(*vv));
}

/* Valid values: every value must be one of them; labels come from them. */
static int
check_valid(struct rctx *c, const struct rdl_parameter *p,
    struct expr_param *ep)
{
	struct expr_param vv;
	size_t		 i, j;
	int		 rv = -1;

	if (params_valid_list(c, p, &vv) == -1)
		goto out;
	for (i = 0; i < ep->nvalues; i++) {
		for (j = 0; j < vv.nvalues; j++) {
			struct buf a, b2;
			bool same;

			buf_init(&a, 0);
			buf_init(&b2, 0);
			expr_value_text(&ep->values[i], &a, NULL);
			expr_value_text(&vv.values[j], &b2, NULL);
			same = strcmp(a.data ? a.data : "", b2.data ? b2.data :
			    "") == 0;
			buf_fini(&a);
			buf_fini(&b2);
			if (same)
				break;
		}
		if (j == vv.nvalues && ep->values[i].type != EXPR_T_NULL) {
			struct buf a;
			buf_init(&a, 0);
			expr_value_text(&ep->values[i], &a, NULL);
			rs_err_set(c->e, RS_E_USAGE, "rsInvalidParameter: \"%.40s\" "
			    "is not a valid value for parameter %s", a.data ?
			    a.data : "", p->name);
			buf_fini(&a);
			goto out;
		}
		if (j < vv.nvalues && vv.labels[j] != NULL) {
			free(ep->labels[i]);
			ep->labels[i] = xstrdup(vv.labels[j]);
		}
	}
	rv = 0;
out:
	params_list_free(&vv);
	return rv;
}

static int
unknown_params(struct rctx *c)
{
	for (size_t i = 0; i < c->req->nparams; i++) {
		size_t j;

		for (j = 0; j < c->r->nparams; j++)
			if (strcmp(c->r->params[j].name, c->req->params[i].name)
			    == 0)
				break;
		if (j == c->r->nparams)
			return rs_err_set(c->e, RS_E_USAGE, "rsUnknownReportParameter: "
			    "the report has no parameter %s (names are "
			    "case-sensitive)", c->req->params[i].name);
	}
	return 0;
}

int
params_resolve(struct rctx *c)
{
	const struct rdl_report *r = c->r;

	if (unknown_params(c) == -1)
		return -1;
	c->params = xcalloc(r->nparams + 1, sizeof(*c->params));
	c->env.params = c->params;
	for (size_t i = 0; i < r->nparams; i++) {
		const struct rdl_parameter *p = &r->params[i];
		struct expr_param *ep = &c->params[i];
		size_t n = 0;

		ep->name = p->name;
		ep->multi = p->multi;
		c->nparams = c->env.nparams = i + 1;
		for (size_t j = 0; j < c->req->nparams; j++)
			n += strcmp(c->req->params[j].name, p->name) == 0;
		if (n > 0 ? from_url(c, p, ep, n) == -1 :
		    defaults(c, p, ep) == -1)
			return -1;
		if (ep->nvalues == 0 && !(p->multi && n > 0))
			return rs_err_set(c->e, RS_E_USAGE,
			    "rsReportParameterValueNotSet: parameter %s needs a "
			    "value; add %s=VALUE to the request", p->name,
			    p->name);
		if ((p->nvalid > 0 || p->valid_dataset >= 0) &&
		    check_valid(c, p, ep) == -1)
			return -1;
	}
	return 0;
}

void
params_free(struct rctx *c)
{
	for (size_t i = 0; c->params != NULL && i < c->nparams; i++) {
		for (size_t j = 0; j < c->params[i].nvalues; j++) {
			expr_value_fini(&c->params[i].values[j]);
			free(c->params[i].labels[j]);
		}
		free(c->params[i].values);
		free(c->params[i].labels);
	}
	free(c->params);
	c->params = NULL;
}

/* One parameter for render_parameters(): errors become its state. */
static void
describe_one(struct rctx *c, size_t i, struct render_param_def *d)
{
	const struct rdl_parameter *p = &c->r->params[i];
	struct expr_param *ep = &c->params[i];
	size_t		 n = 0;
	int		 rv;

	d->def = p;
	d->state = "HasValidValue";
	ep->name = p->name;
	ep->multi = p->multi;
	c->nparams = c->env.nparams = i + 1;
	for (size_t j = 0; j < c->req->nparams; j++)
		n += strcmp(c->req->params[j].name, p->name) == 0;
	rv = n > 0 ? from_url(c, p, ep, n) : defaults(c, p, ep);
	if (rv == 0 && ep->nvalues == 0 && !(p->multi && n > 0))
		rv = rs_err_set(c->e, RS_E_USAGE, "rsReportParameterValueNotSet: "
		    "parameter %s needs a value", p->name);
	if (rv == 0 && (p->nvalid > 0 || p->valid_dataset >= 0)) {
		if (params_valid_list(c, p, &d->valid) == -1) {
			d->state = "DynamicValuesUnavailable";
			snprintf(d->error, sizeof(d->error), "%s", c->e->msg);
			rs_err_clear(c->e);
			return;
		}
		rv = check_valid(c, p, ep);
	}
	if (rv == -1) {
		d->state = "MissingValidValue";
		snprintf(d->error, sizeof(d->error), "%s", c->e->msg);
		rs_err_clear(c->e);
	}
}

int
params_describe(struct rctx *c, struct render_param_def *defs)
{
	c->params = xcalloc(c->r->nparams + 1, sizeof(*c->params));
	c->env.params = c->params;
	for (size_t i = 0; i < c->r->nparams; i++) {
		describe_one(c, i, &defs[i]);
		defs[i].value = c->params[i];
		defs[i].value.values = NULL;
		defs[i].value.labels = NULL;
		defs[i].value.nvalues = 0;
		for (size_t j = 0; j < c->params[i].nvalues; j++) {
			struct expr_value v;

			expr_value_copy(&v, &c->params[i].values[j]);
			add_value(&defs[i].value, &v, c->params[i].labels[j]);
		}
	}
	return 0;
}
