/*
 * bind.c: the second pass over a parsed report.  Each Fields!X reference
 * is bound to its dataset (the data region's, or the dataset an
 * aggregate's scope names) and gets its field index, so evaluation never
 * looks names up; a field that does not exist, a Parameters!P that is not
 * declared, an aggregate scope that names nothing, or a field used
 * outside any dataset is refused here with its line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl_int.h"

struct bctx {
	struct rdl_report	*r;
	bool			 in_band;	/* a page header or footer */
	bool			 any_param;	/* a shared dataset's own */
	int			 ds;	/* current dataset, -1: none */
	int			 line;
	const char		*where;
	struct rs_err		*e;
};

static bool
scope_known(struct rdl_report *r, const char *scope);

static bool	header_named(const struct rdl_member *, size_t, const char *);

/* Is there a textbox of this name in the items (tables included)? */
static bool
textbox_named(struct rdl_item *const *items, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const struct rdl_item *it = items[i];
		const struct rdl_tablix *t = it->tablix;

		if (it->kind == RDL_TEXTBOX && strcmp(it->name, name) == 0)
			return true;
		if (textbox_named(it->items, it->nitems, name))
			return true;
		for (size_t r = 0; t != NULL && r < t->nrows; r++)
			for (size_t k = 0; k < t->ncols; k++)
				if (t->rows[r].cells[k].item != NULL &&
				    textbox_named(&t->rows[r].cells[k].item, 1,
				    name))
					return true;
		if (t != NULL && (header_named(t->members, t->nmembers, name) ||
		    header_named(t->col_members, t->ncol_members, name)))
			return true;
	}
	return false;
}

static bool
header_named(const struct rdl_member *m, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if ((m[i].header != NULL && textbox_named(
		    (struct rdl_item *const *)&m[i].header, 1, name)) ||
		    header_named(m[i].children, m[i].nchildren, name))
			return true;
	return false;
}

static int	bind_node(struct bctx *, struct expr_node *);

static int
bind_field(struct bctx *b, struct expr_node *n)
{
	struct rdl_dataset *d;

	if (b->ds < 0) {
		if (b->r->ndatasets == 1)
			b->ds = 0;	/* the only dataset is the default */
		else
			return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: "
			    "Fields!%s is used outside a data region; use an "
			    "aggregate with a dataset scope, e.g. "
			    "First(Fields!%s.Value, \"DataSet1\")", b->line,
			    b->where, n->name, n->name);
	}
	d = &b->r->datasets[b->ds];
	n->field_index = rdl_field_find(d, n->name);
	if (n->field_index < 0 && n->member != EXPR_M_ISMISSING)
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: field %s is "
		    "not in dataset %s", b->line, b->where, n->name, d->name);
	return 0;
}

static int
bind_agg(struct bctx *b, struct expr_node *n)
{
	struct bctx	 sub = *b;
	int		 ds;
	size_t		 i;

	if (n->aggfn == EXPR_AGG_INSCOPE || n->aggfn == EXPR_AGG_LEVEL) {
		if (n->scope != NULL && n->scope[0] != '\0' &&
		    !scope_known(b->r, n->scope))
			return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: "
			    "%s names scope \"%s\", which is not a dataset, "
			    "data region or group", b->line, b->where, n->name,
			    n->scope);
		return 0;
	}
	if (n->aggfn == EXPR_AGG_LOOKUP || n->aggfn == EXPR_AGG_LOOKUPSET ||
	    n->aggfn == EXPR_AGG_MULTILOOKUP) {
		/* The source in this scope; the rest in the looked-up dataset. */
		ds = rdl_dataset_find(b->r, n->scope);
		if (ds < 0)
			return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: "
			    "%s names dataset \"%s\", which is not defined",
			    b->line, b->where, n->name, n->scope);
		if (bind_node(b, n->args[0]) == -1)
			return -1;
		sub.ds = ds;
		for (i = 1; i < n->nargs; i++)
			if (bind_node(&sub, n->args[i]) == -1)
				return -1;
		return 0;
	}
	if (n->scope != NULL && n->scope[0] != '\0') {
		if (!scope_known(b->r, n->scope))
			return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: "
			    "%s names scope \"%s\", which is not a dataset, "
			    "data region or group", b->line, b->where, n->name,
			    n->scope);
		ds = rdl_dataset_find(b->r, n->scope);
		if (ds >= 0)
			sub.ds = ds;
	}
	for (i = 0; i < n->nargs; i++)
		if (bind_node(&sub, n->args[i]) == -1)
			return -1;
	return 0;
}

/* Code.F(...): a function of the report's Code, with its arguments. */
static int
bind_code(struct bctx *b, struct expr_node *n)
{
	int		 min, max;

	if (b->r->code == NULL)
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: Code.%s is "
		    "called but the report has no Code block", b->line, b->where,
		    n->name);
	n->index = expr_code_find(b->r->code, n->name, &min, &max);
	if (n->index < 0)
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: the "
		    "report's Code defines no function %s", b->line, b->where,
		    n->name);
	if ((int)n->nargs < min || (int)n->nargs > max)
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: Code.%s "
		    "takes %d to %d arguments, not %zu", b->line, b->where,
		    n->name, min, max, n->nargs);
	return 0;
}

static const struct rdl_variable *
var_in(const struct rdl_variable *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static const struct rdl_variable *
var_in_members(const struct rdl_member *m, size_t n, const char *name);

static const struct rdl_variable *
var_in_items(struct rdl_item *const *items, size_t n, const char *name)
{
	const struct rdl_variable *v = NULL;

	for (size_t i = 0; i < n && v == NULL; i++) {
		const struct rdl_tablix *t = items[i]->tablix;
		v = var_in_items(items[i]->items, items[i]->nitems, name);
		if (v == NULL && t != NULL)
			v = var_in_members(t->members, t->nmembers, name);
		if (v == NULL && t != NULL)
			v = var_in_members(t->col_members, t->ncol_members, name);
	}
	return v;
}

static const struct rdl_variable *
var_in_members(const struct rdl_member *m, size_t n, const char *name)
{
	const struct rdl_variable *v = NULL;

	for (size_t i = 0; i < n && v == NULL; i++) {
		if (m[i].group != NULL)
			v = var_in(m[i].group->vars, m[i].group->nvars, name);
		if (v == NULL)
			v = var_in_members(m[i].children, m[i].nchildren, name);
	}
	return v;
}

/* Variables!V: a report variable, or a variable of some group. */
static int
bind_var(struct bctx *b, struct expr_node *n)
{
	const struct rdl_variable *v = var_in(b->r->vars, b->r->nvars, n->name);

	if (v == NULL)
		v = var_in_items(b->r->body, b->r->nbody, n->name);
	if (v == NULL)
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: variable "
		    "%s is not defined in Variables", b->line, b->where,
		    n->name);
	if (n->member == EXPR_M_SETVALUE && !v->writable)
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: variable "
		    "%s is not Writable, so SetValue cannot change it", b->line,
		    b->where, n->name);
	return 0;
}

static bool
textbox_anywhere(struct rdl_report *r, const char *name)
{
	const struct rdl_band *bands[] = { r->page.header, r->page.footer };

	if (textbox_named(r->body, r->nbody, name))
		return true;
	for (size_t i = 0; i < 2; i++)
		if (bands[i] != NULL && textbox_named(bands[i]->items,
		    bands[i]->nitems, name))
			return true;
	return false;
}

static int
bind_node(struct bctx *b, struct expr_node *n)
{
	size_t		 i;
	bool		 found = false;

	switch (n->kind) {
	case EXPR_CODE:
		if (bind_code(b, n) == -1)
			return -1;
		break;
	case EXPR_VAR:
		if (bind_var(b, n) == -1)
			return -1;
		break;
	default:
		break;
	}
	switch (n->kind) {
	case EXPR_FIELD:
		return bind_field(b, n);
	case EXPR_AGG:
		return bind_agg(b, n);
	case EXPR_RITEM:
		if (b->in_band && !textbox_named(b->r->body, b->r->nbody,
		    n->name))
			return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: "
			    "ReportItems!%s names no textbox of the body",
			    b->line, b->where, n->name);
		if (!b->in_band && !textbox_anywhere(b->r, n->name))
			return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: "
			    "ReportItems!%s names no textbox of the report",
			    b->line, b->where, n->name);
		return 0;
	case EXPR_PARAM:
		if (b->any_param)
			return 0;
		for (i = 0; i < b->r->nparams; i++)
			if (strcmp(b->r->params[i].name, n->name) == 0)
				found = true;
		if (!found)
			return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s: "
			    "parameter %s is not declared in ReportParameters",
			    b->line, b->where, n->name);
		return 0;
	default:
		for (i = 0; i < n->nargs; i++)
			if (bind_node(b, n->args[i]) == -1)
				return -1;
		return 0;
	}
}

static int
bind_prop(struct bctx *b, struct rdl_expr *p, const char *where)
{
	struct bctx	 sub = *b;

	if (p == NULL || !p->is_expr)
		return 0;
	sub.line = p->line;
	sub.where = where;
	return bind_node(&sub, p->ast);
}

static int
bind_style(struct bctx *b, struct rdl_style *s)
{
	struct rdl_expr	*props[] = { s->font_family, s->font_size,
	    s->font_weight, s->font_style, s->color, s->background_color,
	    s->format, s->text_align, s->vertical_align, s->text_decoration,
	    s->padding[0], s->padding[1], s->padding[2], s->padding[3],
	    s->language, s->gradient_end, s->gradient };
	size_t		 i;

	for (i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (bind_prop(b, props[i], "Style") == -1)
			return -1;
	for (i = 0; i < RDL_SIDE__N; i++)
		if (bind_prop(b, s->border[i].style, "Border") == -1 ||
		    bind_prop(b, s->border[i].color, "Border") == -1 ||
		    bind_prop(b, s->border[i].width, "Border") == -1)
			return -1;
	return 0;
}

static int	bind_item(struct bctx *, struct rdl_item *);

static int
bind_filters(struct bctx *b, struct rdl_filter *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (bind_prop(b, f[i].expr, "FilterExpression") == -1)
			return -1;
		for (size_t j = 0; j < f[i].nvalues; j++)
			if (bind_prop(b, f[i].values[j], "FilterValue") == -1)
				return -1;
	}
	return 0;
}

static int
bind_sorts(struct bctx *b, struct rdl_sort *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (bind_prop(b, s[i].value, "SortExpression") == -1)
			return -1;
	return 0;
}

static int
bind_members(struct bctx *b, struct rdl_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].group != NULL) {
			for (size_t j = 0; j < m[i].group->nexprs; j++)
				if (bind_prop(b, m[i].group->exprs[j],
				    "GroupExpression") == -1)
					return -1;
			if (bind_filters(b, m[i].group->filters,
			    m[i].group->nfilters) == -1)
				return -1;
			for (size_t j = 0; j < m[i].group->nvars; j++)
				if (bind_prop(b, m[i].group->vars[j].value,
				    "Variable") == -1)
					return -1;
		}
		if (bind_sorts(b, m[i].sorts, m[i].nsorts) == -1 ||
		    bind_prop(b, m[i].hidden, "Hidden") == -1 ||
		    bind_prop(b, m[i].label, "Label") == -1 ||
		    (m[i].header != NULL && bind_item(b, m[i].header) == -1) ||
		    bind_members(b, m[i].children, m[i].nchildren) == -1)
			return -1;
	}
	return 0;
}

static int
bind_tablix(struct bctx *b, struct rdl_tablix *t)
{
	struct bctx	 sub = *b;
	size_t		 i, j;

	sub.ds = t->dataset;
	for (i = 0; i < t->nrows; i++)
		for (j = 0; j < t->ncols; j++)
			if (t->rows[i].cells[j].item != NULL &&
			    bind_item(&sub, t->rows[i].cells[j].item) == -1)
				return -1;
	for (i = 0; t->corner != NULL && i < (size_t)(t->header_rows *
	    t->header_cols); i++)
		if (t->corner[i] != NULL && bind_item(&sub, t->corner[i]) == -1)
			return -1;
	if (bind_members(&sub, t->members, t->nmembers) == -1 ||
	    bind_members(&sub, t->col_members, t->ncol_members) == -1 ||
	    bind_sorts(&sub, t->sorts, t->nsorts) == -1 ||
	    bind_filters(&sub, t->filters, t->nfilters) == -1)
		return -1;
	return bind_prop(b, t->no_rows_message, "NoRowsMessage");
}

static int
bind_props(struct bctx *b, struct rdl_expr *const *p, size_t n,
    const char *where)
{
	for (size_t i = 0; i < n; i++)
		if (bind_prop(b, p[i], where) == -1)
			return -1;
	return 0;
}

static int
bind_axes(struct bctx *b, struct rdl_chart_axis *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct rdl_expr *p[] = { a[i].visible, a[i].min, a[i].max,
		    a[i].interval, a[i].log_scale, a[i].reverse, a[i].margin,
		    a[i].include_zero, a[i].angle, a[i].title, a[i].major_grid,
		    a[i].minor_grid };

		if (bind_props(b, p, nitems(p), "ChartAxis") == -1 ||
		    bind_style(b, &a[i].style) == -1 ||
		    bind_style(b, &a[i].title_style) == -1 ||
		    bind_style(b, &a[i].grid_style) == -1)
			return -1;
	}
	return 0;
}

static int
bind_series(struct bctx *b, struct rdl_chart_series *s)
{
	struct rdl_expr	*sp[] = { s->hidden, s->legend_hidden };

	if (bind_props(b, sp, nitems(sp), "ChartSeries") == -1 ||
	    bind_style(b, &s->style) == -1)
		return -1;
	for (size_t j = 0; j < s->npoints; j++) {
		struct rdl_chart_point *pt = &s->points[j];
		struct rdl_expr *p[] = { pt->y, pt->x, pt->size, pt->label,
		    pt->label_visible, pt->marker, pt->marker_size };

		if (bind_props(b, p, nitems(p), "ChartDataPoint") == -1 ||
		    bind_style(b, &pt->style) == -1 ||
		    bind_style(b, &pt->label_style) == -1)
			return -1;
	}
	return 0;
}

static int
bind_chart(struct bctx *b, struct rdl_chart *ch)
{
	struct bctx	 sub = *b;
	struct rdl_expr	*p[] = { ch->legend_hidden, ch->legend_position,
	    ch->palette, ch->no_data };

	sub.ds = ch->dataset;
	if (bind_members(&sub, ch->categories, ch->ncategories) == -1 ||
	    bind_members(&sub, ch->series_members, ch->nseries_members) == -1 ||
	    bind_filters(&sub, ch->filters, ch->nfilters) == -1 ||
	    bind_axes(&sub, ch->cat_axes, ch->ncat_axes) == -1 ||
	    bind_axes(&sub, ch->val_axes, ch->nval_axes) == -1 ||
	    bind_props(&sub, p, nitems(p), "Chart") == -1 ||
	    bind_props(&sub, ch->custom_colors, ch->ncustom_colors,
	    "ChartCustomPaletteColor") == -1 ||
	    bind_style(&sub, &ch->area_style) == -1 ||
	    bind_style(&sub, &ch->legend_style) == -1 ||
	    bind_style(&sub, &ch->no_data_style) == -1)
		return -1;
	for (size_t i = 0; i < ch->nseries; i++)
		if (bind_series(&sub, &ch->series[i]) == -1)
			return -1;
	for (size_t i = 0; i < ch->ntitles; i++) {
		struct rdl_expr *t[] = { ch->titles[i].caption,
		    ch->titles[i].hidden, ch->titles[i].position };

		if (bind_props(&sub, t, nitems(t), "ChartTitle") == -1 ||
		    bind_style(&sub, &ch->titles[i].style) == -1)
			return -1;
	}
	return 0;
}

static int
bind_gauge(struct bctx *b, struct rdl_gauge_panel *p)
{
	struct bctx	 sub = *b;

	sub.ds = p->dataset;
	if (bind_filters(&sub, p->filters, p->nfilters) == -1)
		return -1;
	for (size_t i = 0; i < p->ngauges; i++) {
		struct rdl_gauge *g = &p->gauges[i];
		struct rdl_expr *e[GAUGE_EXPRS];
		struct rdl_style *st[] = { &g->frame_style, &g->scale_style,
		    &g->major_style, &g->minor_style, &g->label_style };

		gauge_exprs(g, e);
		if (bind_props(&sub, e, nitems(e), g->kind ==
		    RDL_GAUGE_INDICATOR ? "StateIndicator" : "Gauge") == -1)
			return -1;
		for (size_t j = 0; j < nitems(st); j++)
			if (bind_style(&sub, st[j]) == -1)
				return -1;
		for (size_t j = 0; j < g->nranges; j++) {
			struct rdl_gauge_range *r = &g->ranges[j];
			struct rdl_expr *re[] = { r->start, r->end,
			    r->start_width, r->end_width, r->distance };

			if (bind_props(&sub, re, nitems(re), "ScaleRange") ==
			    -1 || bind_style(&sub, &r->style) == -1)
				return -1;
		}
		for (size_t j = 0; j < g->npointers; j++) {
			struct rdl_gauge_pointer *q = &g->pointers[j];
			struct rdl_expr *pe[POINTER_EXPRS];

			pointer_exprs(q, pe);
			if (bind_props(&sub, pe, nitems(pe), "GaugePointer") ==
			    -1 || bind_style(&sub, &q->style) == -1 ||
			    bind_style(&sub, &q->cap_style) == -1)
				return -1;
		}
		for (size_t j = 0; j < g->nstates; j++) {
			struct rdl_gauge_state *s = &g->states[j];
			struct rdl_expr *se[] = { s->start, s->end, s->color,
			    s->icon };

			if (bind_props(&sub, se, nitems(se), "IndicatorState") ==
			    -1)
				return -1;
		}
	}
	for (size_t i = 0; i < p->nlabels; i++) {
		struct rdl_gauge_label *l = &p->labels[i];
		struct rdl_expr *le[] = { l->text, l->top, l->left, l->width,
		    l->height, l->hidden, l->font_percent };

		if (bind_props(&sub, le, nitems(le), "GaugeLabel") == -1 ||
		    bind_style(&sub, &l->style) == -1)
			return -1;
	}
	return 0;
}

static int
bind_map(struct bctx *b, struct rdl_map *m)
{
	struct bctx	 sub = *b;
	struct rdl_expr	*top[] = { m->title, m->legend_title };
	struct rdl_style *st[] = { &m->title_style, &m->legend_style,
	    &m->viewport_style };

	/* Titles may use parameters; no dataset: fields fail there. */
	if (bind_props(b, top, nitems(top), "MapTitle") == -1)
		return -1;
	for (size_t i = 0; i < nitems(st); i++)
		if (bind_style(b, st[i]) == -1)
			return -1;
	sub.ds = m->dataset;
	if (m->dataset >= 0 && ((m->member != NULL && bind_members(&sub,
	    m->member, 1) == -1) || bind_filters(&sub, m->filters,
	    m->nfilters) == -1))
		return -1;
	for (size_t i = 0; i < m->nlayers; i++) {
		struct rdl_map_layer *l = &m->layers[i];
		struct rdl_expr *e[] = { l->label, l->hidden, l->data_value,
		    l->start_color, l->middle_color, l->end_color,
		    l->bucket_count, l->legend_text, l->start_value,
		    l->end_value, l->binding };

		if (bind_props(m->dataset >= 0 ? &sub : b, e, nitems(e),
		    "MapPolygonLayer") == -1 || bind_style(m->dataset >= 0 ?
		    &sub : b, &l->style) == -1)
			return -1;
	}
	return 0;
}

static int
bind_item(struct bctx *b, struct rdl_item *it)
{
	size_t		 i, j;

	if (bind_style(b, &it->style) == -1 ||
	    bind_prop(b, it->hidden, "Hidden") == -1)
		return -1;
	for (i = 0; i < it->nparas; i++) {
		if (bind_style(b, &it->paras[i].style) == -1)
			return -1;
		for (j = 0; j < it->paras[i].nruns; j++)
			if (bind_prop(b, it->paras[i].runs[j].value,
			    "Value") == -1 ||
			    bind_style(b, &it->paras[i].runs[j].style) == -1)
				return -1;
	}
	for (i = 0; i < it->nitems; i++)
		if (bind_item(b, it->items[i]) == -1)
			return -1;
	if (it->hide_duplicates != NULL && it->hide_duplicates[0] != '\0' &&
	    !scope_known(b->r, it->hide_duplicates))
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: HideDuplicates "
		    "names scope \"%s\", which is not a dataset or group",
		    it->line, it->hide_duplicates);
	if (it->chart != NULL)
		return bind_chart(b, it->chart);
	if (it->gauge != NULL)
		return bind_gauge(b, it->gauge);
	if (it->map != NULL)
		return bind_map(b, it->map);
	return it->tablix != NULL ? bind_tablix(b, it->tablix) : 0;
}

/* Every scope name the report defines: datasets, data regions, groups. */
static bool
scope_in_items(struct rdl_item **items, size_t n, const char *scope);

static bool
scope_in_members(const struct rdl_member *m, size_t n, const char *scope)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].group != NULL && strcmp(m[i].group->name, scope) == 0)
			return true;
		if (m[i].header != NULL && scope_in_items((struct rdl_item **)
		    &m[i].header, 1, scope))
			return true;
		if (scope_in_members(m[i].children, m[i].nchildren, scope))
			return true;
	}
	return false;
}

static bool
scope_in_items(struct rdl_item **items, size_t n, const char *scope)
{
	for (size_t i = 0; i < n; i++) {
		struct rdl_item *it = items[i];

		if (it->kind == RDL_TABLIX) {
			struct rdl_tablix *t = it->tablix;
			if (strcmp(it->name, scope) == 0 ||
			    scope_in_members(t->members, t->nmembers, scope) ||
			    scope_in_members(t->col_members, t->ncol_members,
			    scope))
				return true;
			for (size_t r = 0; r < t->nrows; r++)
				for (size_t c = 0; c < t->ncols; c++)
					if (t->rows[r].cells[c].item != NULL &&
					    scope_in_items(&t->rows[r].cells[c].item,
					    1, scope))
						return true;
		}
		if (it->kind == RDL_CHART && (strcmp(it->name, scope) == 0 ||
		    scope_in_members(it->chart->categories,
		    it->chart->ncategories, scope) ||
		    scope_in_members(it->chart->series_members,
		    it->chart->nseries_members, scope)))
			return true;
		if (scope_in_items(it->items, it->nitems, scope))
			return true;
	}
	return false;
}

static bool
scope_known(struct rdl_report *r, const char *scope)
{
	return rdl_dataset_find(r, scope) >= 0 ||
	    scope_in_items(r->body, r->nbody, scope);
}

static int
bind_params(struct bctx *b)
{
	struct rdl_report *r = b->r;

	for (size_t i = 0; i < r->nparams; i++) {
		for (size_t j = 0; j < r->params[i].ndefaults; j++)
			if (bind_prop(b, r->params[i].defaults[j],
			    "DefaultValue") == -1)
				return -1;
		for (size_t j = 0; j < r->params[i].nvalid; j++)
			if (bind_prop(b, r->params[i].valid[j].value,
			    "ParameterValue") == -1 ||
			    bind_prop(b, r->params[i].valid[j].label,
			    "ParameterValue") == -1)
				return -1;
	}
	return 0;
}

static int
bind_datasets(struct bctx *b)
{
	struct rdl_report *r = b->r;
	struct bctx	 sub = *b;

	for (size_t i = 0; i < r->ndatasets; i++) {
		sub.ds = (int)i;
		for (size_t j = 0; j < r->datasets[i].nfields; j++)
			if (bind_prop(&sub, r->datasets[i].fields[j].value,
			    "Field") == -1)
				return -1;
		if (bind_filters(&sub, r->datasets[i].filters,
		    r->datasets[i].nfilters) == -1)
			return -1;
		for (size_t j = 0; j < r->datasets[i].nqparams; j++)
			if (bind_prop(b, r->datasets[i].qparams[j].value,
			    "QueryParameter") == -1)
				return -1;
	}
	return 0;
}

int
bind_report(struct rdl_report *r, struct rs_err *e)
{
	struct bctx	 b = { .r = r, .ds = -1, .e = e };
	struct rdl_band	*bands[] = { r->page.header, r->page.footer };
	size_t		 i, j;

	if (bind_datasets(&b) == -1 || bind_params(&b) == -1 ||
	    bind_prop(&b, r->language_prop, "Language") == -1)
		return -1;
	for (i = 0; i < r->nvars; i++)
		if (bind_prop(&b, r->vars[i].value, "Variable") == -1)
			return -1;
	for (i = 0; i < r->nbody; i++)
		if (bind_item(&b, r->body[i]) == -1)
			return -1;
	b.in_band = true;
	for (i = 0; i < 2; i++)
		for (j = 0; bands[i] != NULL && j < bands[i]->nitems; j++)
			if (bind_item(&b, bands[i]->items[j]) == -1)
				return -1;
	return 0;
}

int
bind_shared(struct rdl_shared_dataset *sd, struct rs_err *e)
{
	struct rdl_report r = { .datasets = &sd->dataset, .ndatasets = 1 };
	struct bctx	 b = { .r = &r, .ds = 0, .e = e, .any_param = true };

	for (size_t i = 0; i < sd->nparams; i++)
		for (size_t j = 0; j < sd->params[i].ndefaults; j++)
			if (bind_prop(&b, sd->params[i].defaults[j],
			    "DefaultValue") == -1)
				return -1;
	return bind_datasets(&b);
}
