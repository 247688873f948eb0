/*
 * chart.c: a Chart data region processed into graphics/'s chart model.
 * The chart's rows (its dataset's, through its filters, TopN and the like
 * included) are split by the category hierarchy into category instances,
 * in group order (first appearance, or the members' sort expressions),
 * each with its Label; the series hierarchy is walked once over all rows
 * to learn the series instances (a static member is one series, a group
 * one series per instance, named by its Label) and then inside each
 * category instance, so each data point's Y (and X, Size, data label,
 * colour, marker) is evaluated in the intersection of its category and
 * series scopes: Sum(Fields!X.Value) in a point sums the rows of that
 * category and that series, as in the original.  The chart's frame
 * (titles, legend, axes, palette) is chart_props.c's.
 *
 * Category groups nested in category groups give one category per
 * innermost instance, labelled with the innermost Label.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "render/render_int.h"

#define CHART_POINTS_MAX	2000000	/* series x categories */

struct cser {
	int			 leaf;	/* its ChartSeries */
	struct expr_value	*keys;	/* group values along its path */
	size_t			 nkeys;
	char			*label;
};

struct cpoint {
	size_t			 ser, cat;
	struct gfx_point	 pt;
};

struct cwalk {
	struct rctx		*c;
	const struct rdl_item	*item;
	const struct rdl_chart	*ch;
	char			**cats;		/* category labels */
	size_t			 ncats;
	struct cser		*sers;
	size_t			 nsers;
	struct cpoint		*pts;
	size_t			 npts;
	struct expr_value	 path[RDL_MAX_DEPTH + 1];	/* borrowed */
	size_t			 depth;
	bool			 collect;	/* learning the series */
	size_t			 cat;		/* the category instance */
	int			 cat_leaf;	/* its data point index */
	char			 cat_format[64];	/* the category axis' */
};

/* The text of a label, formatted with fmt when it is a number or date. */
static int
label_text(struct rctx *c, const struct rdl_expr *p, const char *fmt,
    char **out)
{
	struct expr_value v;
	struct buf	 b;
	int		 rv;

	*out = NULL;
	if (p == NULL)
		return 0;
	if (eval_prop(c, p, &v) == -1)
		return -1;
	buf_init(&b, 0);
	rv = fmt != NULL && fmt[0] != '\0' ? expr_format(&v, fmt, &b, c->e) :
	    expr_value_text(&v, &b, c->e);
	expr_value_fini(&v);
	*out = rv == 0 ? (b.data != NULL ? buf_take(&b, NULL) : xstrdup("")) :
	    NULL;
	buf_fini(&b);
	return rv;
}

static struct cser *
find_series(struct cwalk *w, int leaf)
{
	for (size_t i = 0; i < w->nsers; i++) {
		struct cser *s = &w->sers[i];
		size_t	 k;

		if (s->leaf != leaf || s->nkeys != w->depth)
			continue;
		for (k = 0; k < s->nkeys; k++)
			if (expr_value_cmp(&s->keys[k], &w->path[k]) != 0)
				break;
		if (k == s->nkeys)
			return s;
	}
	return NULL;
}

static int
add_series(struct cwalk *w, int leaf, const struct rdl_member *m)
{
	struct cser	*s;

	if (find_series(w, leaf) != NULL)
		return 0;
	w->sers = xreallocarray(w->sers, w->nsers + 1, sizeof(*w->sers));
	s = &w->sers[w->nsers++];
	memset(s, 0, sizeof(*s));
	s->leaf = leaf;
	s->nkeys = w->depth;
	s->keys = xcalloc(w->depth + 1, sizeof(*s->keys));
	for (size_t k = 0; k < w->depth; k++)
		expr_value_copy(&s->keys[k], &w->path[k]);
	if (m != NULL && m->label != NULL)
		return label_text(w->c, m->label, NULL, &s->label);
	s->label = xstrdup(w->ch->series[leaf].name);
	return 0;
}

static int
num_of(struct rctx *c, const struct rdl_expr *p, double *out, bool *empty)
{
	struct expr_value v;
	int		 rv = 0;

	*empty = true;
	*out = 0;
	if (p == NULL)
		return 0;
	if (eval_prop(c, p, &v) == -1)
		return -1;
	if (v.type == EXPR_T_DATETIME) {
		*out = (double)v.u.dt / 86400000.0 + 25569;	/* OLE date */
		*empty = false;
	} else if (v.type != EXPR_T_NULL) {
		rv = expr_to_double(&v, out, c->e);
		*empty = rv == -1 || !isfinite(*out);
		rv = 0;		/* a value that is not a number: no point */
	}
	expr_value_fini(&v);
	return rv;
}

static enum gfx_marker
marker_of(const char *t)
{
	static const struct { const char *n; enum gfx_marker m; } ms[] = {
		{ "None", GFX_MARKER_NONE }, { "Circle", GFX_MARKER_CIRCLE },
		{ "Square", GFX_MARKER_SQUARE }, { "Diamond", GFX_MARKER_DIAMOND },
		{ "Triangle", GFX_MARKER_TRIANGLE }, { "Auto", GFX_MARKER_AUTO },
	};

	for (size_t i = 0; i < nitems(ms); i++)
		if (strcasecmp(ms[i].n, t) == 0)
			return ms[i].m;
	return t[0] != '\0' ? GFX_MARKER_CIRCLE : GFX_MARKER_AUTO;
}

/* One data point, in the scope of its category and series. */
static int
eval_point(struct cwalk *w, const struct cser *s)
{
	struct rctx	*c = w->c;
	const struct rdl_chart_series *rs = &w->ch->series[s->leaf];
	const struct rdl_chart_point *rp = &rs->points[w->cat_leaf];
	struct cpoint	*p;
	bool		 empty, vis;
	char		 fmt[64];

	if (w->npts >= CHART_POINTS_MAX)
		return rs_err_set(c->e, RS_E_LIMIT, "chart %s has more than %d "
		    "data points", w->item->name, CHART_POINTS_MAX);
	if ((w->npts & (w->npts - 1)) == 0)
		w->pts = xreallocarray(w->pts, w->npts ? w->npts * 2 : 1,
		    sizeof(*w->pts));
	p = &w->pts[w->npts];
	memset(p, 0, sizeof(*p));
	p->ser = (size_t)(s - w->sers);
	p->cat = w->cat;
	if (num_of(c, rp->y, &p->pt.y, &p->pt.empty) == -1 ||
	    num_of(c, rp->x, &p->pt.x, &empty) == -1 ||
	    num_of(c, rp->size, &p->pt.size, &empty) == -1 ||
	    cprop_color(c, rs->style.color, &p->pt.color) == -1 ||
	    cprop_color(c, rp->style.color, &p->pt.color) == -1 ||
	    cprop_bool(c, rp->label_visible, false, &vis) == -1 ||
	    cprop_text(c, rp->label_style.format, fmt, sizeof(fmt)) == -1)
		return -1;
	w->npts++;
	if (rp->x == NULL || empty)
		p->pt.x = (double)w->cat + 1;
	if (!vis || p->pt.empty)
		return 0;
	if (rp->value_as_label || rp->label == NULL) {
		struct expr_value v = { .type = EXPR_T_FLOAT, .u.f = p->pt.y };
		struct buf b;

		buf_init(&b, 0);
		if (expr_format(&v, fmt, &b, c->e) == -1) {
			buf_fini(&b);
			return -1;
		}
		p->pt.label = b.data != NULL ? buf_take(&b, NULL) : xstrdup("");
		return 0;
	}
	return label_text(c, rp->label, fmt, &p->pt.label);
}

static int	walk_series(struct cwalk *, const struct rdl_member *, size_t,
		    struct expr_value **, size_t);

static int
series_leaf(struct cwalk *w, const struct rdl_member *m, int leaf)
{
	struct cser	*s;

	if (w->collect)
		return add_series(w, leaf, m);
	s = find_series(w, leaf);
	return s == NULL ? 0 : eval_point(w, s);
}

/* The instances of a group member, each with its frame pushed, in turn. */
typedef int (*inst_fn)(struct cwalk *, const struct rdl_member *,
    struct expr_value **rows, size_t n);

static int
each_instance(struct cwalk *w, const struct rdl_member *m,
    struct expr_value **rows, size_t n, inst_fn fn)
{
	struct rctx	*c = w->c;
	struct expr_value **copy = xcalloc(n + 1, sizeof(*copy));
	struct skey	*inst;
	bool		*keep = NULL, pass;
	size_t		 ni = 0;
	int		 rv = -1;

	memcpy(copy, rows, n * sizeof(*rows));
	inst = group_rows(c, m, copy, n, &ni);
	if (inst == NULL || (m->nsorts > 0 &&
	    sort_instances(c, m, copy, inst, ni) == -1))
		goto out;
	keep = xcalloc(ni + 1, sizeof(*keep));
	if (filters_rank_groups(c, m->group, copy, inst, ni, keep) == -1)
		goto out;
	for (size_t i = 0; i < ni; i++) {
		if (!keep[i])
			continue;
		if (push_frame(c, m->group->name, copy + inst[i].start,
		    inst[i].n) == NULL)
			goto out;
		c->stack[c->depth - 1].group = m->group;
		if (filters_pass(c, m->group->filters, m->group->nfilters,
		    &pass) == -1) {
			pop_frame(c);
			goto out;
		}
		rv = pass ? fn(w, m, copy + inst[i].start, inst[i].n) : 0;
		pop_frame(c);
		if (rv == -1)
			goto out;
	}
	rv = 0;
out:
	if (inst != NULL)
		skeys_free(inst, ni, m->nsorts);
	free(keep);
	free(copy);
	return rv;
}

static int
series_instance(struct cwalk *w, const struct rdl_member *m,
    struct expr_value **rows, size_t n)
{
	struct rctx	*c = w->c;
	size_t		 k, base = w->depth;
	int		 rv = -1;

	if (w->depth + m->group->nexprs > RDL_MAX_DEPTH)
		return rs_err_set(c->e, RS_E_LIMIT, "chart groups nested too "
		    "deeply");
	/* The instance's key: its group expressions on its first row. */
	for (k = 0; k < m->group->nexprs; k++, w->depth++)
		if (eval_prop(c, m->group->exprs[k], &w->path[w->depth]) == -1)
			goto out;
	rv = m->nchildren > 0 ? walk_series(w, m->children, m->nchildren, rows,
	    n) : series_leaf(w, m, m->row);
out:
	while (w->depth > base)
		expr_value_fini(&w->path[--w->depth]);
	return rv;
}

static int
walk_series(struct cwalk *w, const struct rdl_member *m, size_t nm,
    struct expr_value **rows, size_t n)
{
	if (nm == 0)		/* no hierarchy: the one series */
		return series_leaf(w, NULL, 0);
	for (size_t i = 0; i < nm; i++) {
		int	 rv;

		if (m[i].group != NULL)
			rv = each_instance(w, &m[i], rows, n, series_instance);
		else if (m[i].nchildren > 0)
			rv = walk_series(w, m[i].children, m[i].nchildren, rows, n);
		else
			rv = series_leaf(w, &m[i], m[i].row);
		if (rv == -1)
			return -1;
	}
	return 0;
}

static int
category_leaf(struct cwalk *w, const struct rdl_member *m, int leaf,
    struct expr_value **rows, size_t n)
{
	char		*label = NULL;
	const struct rdl_chart *ch = w->ch;

	if (m != NULL && label_text(w->c, m->label, w->cat_format, &label) == -1)
		return -1;
	if ((w->ncats & (w->ncats - 1)) == 0)
		w->cats = xreallocarray(w->cats, w->ncats ? w->ncats * 2 : 1,
		    sizeof(*w->cats));
	w->cats[w->ncats] = label != NULL ? label : xstrdup("");
	w->cat = w->ncats++;
	w->cat_leaf = leaf;
	return walk_series(w, ch->series_members, ch->nseries_members, rows, n);
}

static int	walk_categories(struct cwalk *, const struct rdl_member *,
		    size_t, struct expr_value **, size_t);

static int
category_instance(struct cwalk *w, const struct rdl_member *m,
    struct expr_value **rows, size_t n)
{
	if (m->nchildren > 0)
		return walk_categories(w, m->children, m->nchildren, rows, n);
	return category_leaf(w, m, m->row, rows, n);
}

static int
walk_categories(struct cwalk *w, const struct rdl_member *m, size_t nm,
    struct expr_value **rows, size_t n)
{
	if (nm == 0)
		return category_leaf(w, NULL, 0, rows, n);
	for (size_t i = 0; i < nm; i++) {
		int	 rv;

		if (m[i].group != NULL)
			rv = each_instance(w, &m[i], rows, n, category_instance);
		else if (m[i].nchildren > 0)
			rv = walk_categories(w, m[i].children, m[i].nchildren,
			    rows, n);
		else
			rv = category_leaf(w, &m[i], m[i].row, rows, n);
		if (rv == -1)
			return -1;
	}
	return 0;
}

/* Axis and value labels: the .NET format of the axis, en-US. */
void
chart_format_value(void *arg, double v, const char *fmt, char *out, size_t n)
{
	struct expr_value ev = { .type = EXPR_T_FLOAT, .u.f = v };
	struct rs_err	 e;
	struct buf	 b;

	(void)arg;
	buf_init(&b, 0);
	if (fmt != NULL && fmt[0] != '\0' ? expr_format(&ev, fmt, &b, &e) :
	    expr_value_text(&ev, &b, &e))
		snprintf(out, n, "%g", v);
	else
		snprintf(out, n, "%s", b.data != NULL ? b.data : "");
	buf_fini(&b);
}

static const enum gfx_chart_type gtypes[] = {
	[RDL_CHART_COLUMN] = GFX_CHART_COLUMN, [RDL_CHART_BAR] = GFX_CHART_BAR,
	[RDL_CHART_LINE] = GFX_CHART_LINE, [RDL_CHART_AREA] = GFX_CHART_AREA,
	[RDL_CHART_PIE] = GFX_CHART_PIE, [RDL_CHART_DOUGHNUT] = GFX_CHART_DOUGHNUT,
	[RDL_CHART_SCATTER] = GFX_CHART_SCATTER,
	[RDL_CHART_BUBBLE] = GFX_CHART_BUBBLE,
};

static bool
axis_opposite(const struct rdl_chart *ch, const char *name)
{
	for (size_t i = 0; name != NULL && i < ch->nval_axes; i++)
		if (ch->val_axes[i].name != NULL &&
		    strcmp(ch->val_axes[i].name, name) == 0)
			return ch->val_axes[i].opposite;
	return false;
}

/* The series' look from its definition, in the chart's scope. */
static int
series_look(struct rctx *c, const struct rdl_chart *ch,
    const struct rdl_chart_series *rs, struct gfx_series *gs)
{
	const struct rdl_chart_point *p0 = &rs->points[0];
	char		 mk[32], sz[32], w[32];
	double		 pt;

	gs->type = gtypes[rs->type];
	gs->stacking = rs->stack == RDL_STACK_STACKED ? GFX_STACKED :
	    rs->stack == RDL_STACK_PERCENT ? GFX_STACKED100 : GFX_STACK_NONE;
	gs->point_width = rs->point_width;
	gs->secondary = axis_opposite(ch, rs->value_axis);
	gs->marker_size = 5;
	if ((!rs->style.color || !rs->style.color->is_expr) &&
	    cprop_color(c, rs->style.color, &gs->color) == -1)
		return -1;
	if (cprop_bool(c, rs->legend_hidden, false, &gs->hidden_in_legend) ==
	    -1 || cprop_text(c, p0->marker, mk, sizeof(mk)) == -1 ||
	    cprop_text(c, p0->marker_size, sz, sizeof(sz)) == -1 ||
	    cprop_text(c, rs->style.border[RDL_SIDE_DEFAULT].width, w,
	    sizeof(w)) == -1 || cstyle_font(c, &p0->label_style,
	    &gs->label_font, &gs->label_color) == -1)
		return -1;
	gs->marker = marker_of(mk);
	if (gs->marker == GFX_MARKER_AUTO)
		gs->marker = gs->type == GFX_CHART_SCATTER ||
		    gs->type == GFX_CHART_BUBBLE ? GFX_MARKER_CIRCLE :
		    GFX_MARKER_NONE;
	if (sz[0] != '\0' && (pt = rdl_size(sz)) > 0)
		gs->marker_size = pt;
	gs->line.width = w[0] != '\0' && (pt = rdl_size(w)) > 0 ? pt : 2;
	return 0;
}

static int
build(struct cwalk *w, struct gfx_chart *g)
{
	struct rctx	*c = w->c;
	size_t		*map = xcalloc(w->nsers + 1, sizeof(*map));	/* idx+1 */
	bool		 hidden;
	int		 rv = -1;

	g->categories = w->cats;
	g->ncategories = w->ncats;
	w->cats = NULL;
	w->ncats = 0;
	for (size_t i = 0; i < w->nsers; i++) {
		const struct rdl_chart_series *rs = &w->ch->series[w->sers[i].leaf];

		if (cprop_bool(c, rs->hidden, false, &hidden) == -1)
			goto out;
		if (hidden)
			continue;
		gfx_chart_add_series(g, w->sers[i].label, g->ncategories);
		map[i] = g->nseries;
		if (series_look(c, w->ch, rs, &g->series[g->nseries - 1]) == -1)
			goto out;
	}
	for (size_t i = 0; i < w->npts; i++) {
		struct cpoint *p = &w->pts[i];
		struct gfx_series *gs;

		if (map[p->ser] == 0)
			continue;
		gs = &g->series[map[p->ser] - 1];
		if (p->cat >= gs->npoints)
			continue;
		gs->points[p->cat] = p->pt;
		p->pt.label = NULL;	/* the chart has it now */
	}
	rv = 0;
out:
	free(map);
	return rv;
}

static void
walk_fini(struct cwalk *w)
{
	for (size_t i = 0; i < w->ncats; i++)
		free(w->cats[i]);
	free(w->cats);
	for (size_t i = 0; i < w->nsers; i++) {
		for (size_t k = 0; k < w->sers[i].nkeys; k++)
			expr_value_fini(&w->sers[i].keys[k]);
		free(w->sers[i].keys);
		free(w->sers[i].label);
	}
	free(w->sers);
	for (size_t i = 0; i < w->npts; i++)
		free(w->pts[i].pt.label);
	free(w->pts);
}

/* The chart's rows: its dataset's through its filters. */
static struct expr_value **
chart_rows(struct rctx *c, const struct rdl_chart *ch, size_t *n)
{
	*n = 0;
	if (dataset_keep(c, ch->dataset) == -1)
		return NULL;
	return filter_rows(c, ch->filters, ch->nfilters,
	    c->sets[ch->dataset].rows, c->sets[ch->dataset].nrows, n);
}

static void
default_fonts(struct rctx *c, struct gfx_chart *g)
{
	const char	*f = c->r->default_font;
	struct gfx_font	*fonts[] = { &g->cat_axis.font, &g->cat_axis.title_font,
	    &g->val_axis.font, &g->val_axis.title_font, &g->val_axis2.font,
	    &g->val_axis2.title_font, &g->legend.font, &g->no_data_font };

	if (f == NULL || f[0] == '\0')
		return;
	for (size_t i = 0; i < nitems(fonts); i++)
		snprintf(fonts[i]->family, sizeof(fonts[i]->family), "%s", f);
}

static int
evaluate(struct rctx *c, const struct rdl_item *it, struct gfx_chart *g,
    struct expr_value **rows, size_t n)
{
	struct cwalk	 w = { .c = c, .item = it, .ch = it->chart };
	int		 rv = -1;

	if (chart_frame_props(c, it, g) == -1)
		goto out;
	snprintf(w.cat_format, sizeof(w.cat_format), "%s", g->cat_axis.format);
	w.collect = true;
	if (walk_series(&w, w.ch->series_members, w.ch->nseries_members, rows,
	    n) == -1)
		goto out;
	w.collect = false;
	if (walk_categories(&w, w.ch->categories, w.ch->ncategories, rows,
	    n) == -1 || build(&w, g) == -1)
		goto out;
	rv = 0;
out:
	if (rv == -1)
		rs_err_prefix(c->e, "chart %s", it->name);
	walk_fini(&w);
	return rv;
}

int
process_chart(struct rctx *c, const struct rdl_item *it, double y)
{
	const struct rdl_chart *ch = it->chart;
	struct gfx_chart *g;
	struct expr_value **rows;
	size_t		 n;
	int		 rv = -1;

	if (c->ops->chart == NULL)
		return 0;	/* the format shows no charts */
	c->env.nfields = c->r->datasets[ch->dataset].nfields;
	rows = chart_rows(c, ch, &n);
	if (rows == NULL)
		return -1;
	if (push_frame(c, c->r->datasets[ch->dataset].name,
	    c->sets[ch->dataset].rows, c->sets[ch->dataset].nrows) == NULL) {
		free(rows);
		return -1;
	}
	g = gfx_chart_new();
	g->name = xstrdup(it->name);
	g->format = chart_format_value;
	default_fonts(c, g);
	if (push_frame(c, it->name, rows, n) != NULL) {
		rv = evaluate(c, it, g, rows, n);
		pop_frame(c);
	}
	pop_frame(c);
	free(rows);
	if (rv == -1) {
		gfx_chart_free(g);
		return -1;
	}
	return c->ops->chart(c, it, g, y);
}

/*
 * A sparkline or a data bar: a chart right in a data region's cell, over
 * the rows of the cell's scope (one detail row, or a group instance's),
 * through the chart's own filters; its aggregates can still name the
 * region or an outer group (a data bar's Maximum is often
 * Max(Sum(X), "Tablix1"), so all bars share a scale).
 */
struct gfx_chart *
chart_in_cell(struct rctx *c, const struct rdl_item *it)
{
	const struct scope_frame *f;
	struct gfx_chart *g;
	struct expr_value **rows;
	const struct expr_value *saved = c->env.row;
	size_t		 n;
	int		 rv = -1;

	if (c->depth == 0) {
		rs_err_set(c->e, RS_E_INTERNAL, "chart %s: no scope", it->name);
		return NULL;
	}
	f = &c->stack[c->depth - 1];
	rows = filter_rows(c, it->chart->filters, it->chart->nfilters, f->rows,
	    f->nrows, &n);
	if (rows == NULL)
		return NULL;
	g = gfx_chart_new();
	g->name = xstrdup(it->name);
	g->format = chart_format_value;
	default_fonts(c, g);
	if (push_frame(c, it->name, rows, n) != NULL) {
		rv = evaluate(c, it, g, rows, n);
		pop_frame(c);
	}
	c->env.row = saved;
	free(rows);
	if (rv == -1) {
		gfx_chart_free(g);
		return NULL;
	}
	return g;
}
