/*
 * chart.c: the Chart data region.  Its category and series hierarchies
 * are members as a tablix has (groups with expressions, sorts and
 * filters, static members, a Label each); ChartData holds one ChartSeries
 * per leaf of the series hierarchy, each with one ChartDataPoint per leaf
 * of the category hierarchy (Y, X, Size, data label, marker, colour).
 * The first ChartArea gives the axes (minimum, maximum, interval, log
 * scale, reverse, margin, title, gridlines, label format and font), then
 * the first legend, the titles, the palette (named or custom) and the
 * no-data message.  Types: Column, Bar, Line, Area (each Plain, Stacked
 * or PercentStacked where it has them), Shape (Pie, Doughnut and their
 * exploded forms), Scatter (Plain, Bubble); other types, several chart
 * areas, derived series and strip lines are refused with a message.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl_int.h"

static int
members_parse(struct pctx *c, xmlNode *ms, struct rdl_member **out,
    size_t *nout, int *leaf, int depth)
{
	bool		 failed = false;

	for (xmlNode *k = ms != NULL ? ms->children : NULL; k != NULL;
	    k = k->next) {
		struct rdl_member *m;

		if (!is_el(c, k, "ChartMember"))
			continue;
		if (count_node(c, k) == -1)
			return -1;
		if (depth > RDL_MAX_DEPTH)
			return fail(c, k, "chart groups are nested more than %d "
			    "deep", RDL_MAX_DEPTH);
		*out = xreallocarray(*out, *nout + 1, sizeof(**out));
		m = &(*out)[(*nout)++];
		memset(m, 0, sizeof(*m));
		m->row = -1;
		m->line = (int)xmlGetLineNo(k);
		if ((child(c, k, "Group") != NULL &&
		    group_parse(c, child(c, k, "Group"), m) == -1) ||
		    sorts_parse(c, child(c, k, "SortExpressions"), &m->sorts,
		    &m->nsorts) == -1)
			return -1;
		m->label = child_prop(c, k, "Label", &failed);
		if (failed)
			return -1;
		if (child(c, k, "ChartMembers") != NULL) {
			if (members_parse(c, child(c, k, "ChartMembers"),
			    &m->children, &m->nchildren, leaf, depth + 1) == -1)
				return -1;
		} else
			m->row = (*leaf)++;
	}
	return 0;
}

static const struct {
	const char		*type, *subtype;
	enum rdl_chart_type	 t;
	enum rdl_chart_stack	 stack;
} types[] = {
	{ "Column", "Plain", RDL_CHART_COLUMN, RDL_STACK_NONE },
	{ "Column", "Stacked", RDL_CHART_COLUMN, RDL_STACK_STACKED },
	{ "Column", "PercentStacked", RDL_CHART_COLUMN, RDL_STACK_PERCENT },
	{ "Bar", "Plain", RDL_CHART_BAR, RDL_STACK_NONE },
	{ "Bar", "Stacked", RDL_CHART_BAR, RDL_STACK_STACKED },
	{ "Bar", "PercentStacked", RDL_CHART_BAR, RDL_STACK_PERCENT },
	{ "Line", "Plain", RDL_CHART_LINE, RDL_STACK_NONE },
	{ "Line", "Smooth", RDL_CHART_LINE, RDL_STACK_NONE },
	{ "Line", "Stepped", RDL_CHART_LINE, RDL_STACK_NONE },
	{ "Area", "Plain", RDL_CHART_AREA, RDL_STACK_NONE },
	{ "Area", "Smooth", RDL_CHART_AREA, RDL_STACK_NONE },
	{ "Area", "Stacked", RDL_CHART_AREA, RDL_STACK_STACKED },
	{ "Area", "PercentStacked", RDL_CHART_AREA, RDL_STACK_PERCENT },
	{ "Shape", "Pie", RDL_CHART_PIE, RDL_STACK_NONE },
	{ "Shape", "ExplodedPie", RDL_CHART_PIE, RDL_STACK_NONE },
	{ "Shape", "Doughnut", RDL_CHART_DOUGHNUT, RDL_STACK_NONE },
	{ "Shape", "ExplodedDoughnut", RDL_CHART_DOUGHNUT, RDL_STACK_NONE },
	{ "Scatter", "Plain", RDL_CHART_SCATTER, RDL_STACK_NONE },
	{ "Scatter", "Bubble", RDL_CHART_BUBBLE, RDL_STACK_NONE },
};

#define TYPES_SUPPORTED "Column, Bar, Line, Area (Plain, Stacked, " \
	"PercentStacked), Shape (Pie, Doughnut), Scatter (Plain, Bubble)"

static int
type_parse(struct pctx *c, xmlNode *n, struct rdl_chart_series *s)
{
	char		*t = child_text(c, n, "Type"), *st = child_text(c, n,
	    "Subtype");
	const char	*ty = t != NULL ? str_trim(t) : "Column";
	const char	*sty = st != NULL && str_trim(st)[0] != '\0' ?
	    str_trim(st) : NULL;
	int		 rv = -1;

	if (sty == NULL)
		sty = strcmp(ty, "Shape") == 0 ? "Pie" : "Plain";
	for (size_t i = 0; i < nitems(types); i++)
		if (strcmp(types[i].type, ty) == 0 &&
		    strcmp(types[i].subtype, sty) == 0) {
			s->type = types[i].t;
			s->stack = types[i].stack;
			rv = 0;
		}
	if (rv == -1)
		fail(c, n, "chart type %s (%s) is not supported; supported: "
		    TYPES_SUPPORTED, ty[0] == '=' ? "an expression" : ty, sty);
	free(t);
	free(st);
	return rv;
}

static int
point_parse(struct pctx *c, xmlNode *n, struct rdl_chart_point *p)
{
	xmlNode		*v = child(c, n, "ChartDataPointValues");
	xmlNode		*dl = child(c, n, "ChartDataLabel");
	xmlNode		*mk = child(c, n, "ChartMarker");
	bool		 failed = false;

	p->y = child_prop(c, v, "Y", &failed);
	p->x = child_prop(c, v, "X", &failed);
	p->size = child_prop(c, v, "Size", &failed);
	p->label = child_prop(c, dl, "Label", &failed);
	p->label_visible = child_prop(c, dl, "Visible", &failed);
	p->marker = child_prop(c, mk, "Type", &failed);
	p->marker_size = child_prop(c, mk, "Size", &failed);
	if (failed)
		return -1;
	if (child(c, v, "High") != NULL || child(c, v, "Low") != NULL)
		return fail(c, v, "range values (High, Low) are not supported; "
		    "supported chart types: " TYPES_SUPPORTED);
	p->value_as_label = child_bool(c, dl, "UseValueAsLabel", false);
	if (style_parse(c, child(c, dl, "Style"), &p->label_style) == -1 ||
	    style_parse(c, child(c, n, "Style"), &p->style) == -1)
		return -1;
	return 0;
}

/* CustomProperties/CustomProperty PointWidth of a series. */
static double
point_width(struct pctx *c, xmlNode *n)
{
	double		 w = 0.8;
	xmlNode		*cp = child(c, n, "CustomProperties");

	for (xmlNode *k = cp != NULL ? cp->children : NULL; k != NULL;
	    k = k->next) {
		char	*name, *val;

		if (!is_el(c, k, "CustomProperty"))
			continue;
		name = child_text(c, k, "Name");
		val = child_text(c, k, "Value");
		if (name != NULL && val != NULL &&
		    strcmp(str_trim(name), "PointWidth") == 0) {
			w = strtod(str_trim(val), NULL);
			w = w > 0 && w <= 2 ? w : 0.8;
		}
		free(name);
		free(val);
	}
	return w;
}

static int
series_parse(struct pctx *c, xmlNode *n, struct rdl_chart_series *s)
{
	bool		 failed = false;
	xmlNode		*pts = child(c, n, "ChartDataPoints");

	s->name = attr(n, "Name");
	s->line = (int)xmlGetLineNo(n);
	if (s->name == NULL)
		s->name = xstrdup("");
	if (type_parse(c, n, s) == -1)
		return -1;
	for (xmlNode *k = pts != NULL ? pts->children : NULL; k != NULL;
	    k = k->next) {
		if (!is_el(c, k, "ChartDataPoint"))
			continue;
		if (count_node(c, k) == -1)
			return -1;
		s->points = xreallocarray(s->points, s->npoints + 1,
		    sizeof(*s->points));
		memset(&s->points[s->npoints], 0, sizeof(*s->points));
		if (point_parse(c, k, &s->points[s->npoints++]) == -1)
			return -1;
	}
	s->value_axis = child_text(c, n, "ValueAxisName");
	s->hidden = child_prop(c, n, "Hidden", &failed);
	s->legend_hidden = child_prop(c, child(c, n, "ChartItemInLegend"),
	    "Hidden", &failed);
	s->point_width = point_width(c, n);
	if (failed)
		return -1;
	return style_parse(c, child(c, n, "Style"), &s->style);
}

static int
axis_parse(struct pctx *c, xmlNode *n, struct rdl_chart_axis *a)
{
	bool		 failed = false;
	xmlNode		*t = child(c, n, "ChartAxisTitle");
	xmlNode		*g = child(c, n, "ChartMajorGridLines");
	char		*loc;

	a->name = attr(n, "Name");
	a->visible = child_prop(c, n, "Visible", &failed);
	a->min = child_prop(c, n, "Minimum", &failed);
	a->max = child_prop(c, n, "Maximum", &failed);
	a->interval = child_prop(c, n, "Interval", &failed);
	a->log_scale = child_prop(c, n, "LogScale", &failed);
	a->reverse = child_prop(c, n, "Reverse", &failed);
	a->margin = child_prop(c, n, "Margin", &failed);
	a->include_zero = child_prop(c, n, "IncludeZero", &failed);
	a->angle = child_prop(c, n, "Angle", &failed);
	a->title = child_prop(c, t, "Caption", &failed);
	a->major_grid = child_prop(c, g, "Enabled", &failed);
	a->minor_grid = child_prop(c, child(c, n, "ChartMinorGridLines"),
	    "Enabled", &failed);
	if (failed || style_parse(c, child(c, n, "Style"), &a->style) == -1 ||
	    style_parse(c, child(c, t, "Style"), &a->title_style) == -1 ||
	    style_parse(c, child(c, g, "Style"), &a->grid_style) == -1)
		return -1;
	loc = child_text(c, n, "Location");
	a->opposite = loc != NULL && strcmp(str_trim(loc), "Opposite") == 0;
	free(loc);
	return 0;
}

static int
axes_parse(struct pctx *c, xmlNode *list, struct rdl_chart_axis **out,
    size_t *n)
{
	for (xmlNode *k = list != NULL ? list->children : NULL; k != NULL;
	    k = k->next) {
		if (!is_el(c, k, "ChartAxis"))
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		memset(&(*out)[*n], 0, sizeof(**out));
		if (axis_parse(c, k, &(*out)[(*n)++]) == -1)
			return -1;
	}
	return 0;
}

static int
area_parse(struct pctx *c, xmlNode *areas, struct rdl_chart *ch)
{
	xmlNode		*a = NULL;
	int		 n = 0;

	for (xmlNode *k = areas != NULL ? areas->children : NULL; k != NULL;
	    k = k->next)
		if (is_el(c, k, "ChartArea") && n++ == 0)
			a = k;
	if (n > 1)
		return fail(c, areas, "a chart with %d chart areas is not "
		    "supported; supported: one ChartArea", n);
	if (a == NULL)
		return 0;
	if (child(c, a, "ChartStripLines") != NULL)
		return fail(c, a, "strip lines are not supported");
	return axes_parse(c, child(c, a, "ChartCategoryAxes"), &ch->cat_axes,
	    &ch->ncat_axes) == -1 || axes_parse(c, child(c, a,
	    "ChartValueAxes"), &ch->val_axes, &ch->nval_axes) == -1 ||
	    style_parse(c, child(c, a, "Style"), &ch->area_style) == -1 ? -1 :
	    0;
}

static int
legend_titles_parse(struct pctx *c, xmlNode *n, struct rdl_chart *ch)
{
	xmlNode		*lg = child(c, child(c, n, "ChartLegends"),
	    "ChartLegend");
	xmlNode		*ts = child(c, n, "ChartTitles");
	bool		 failed = false;

	if (lg != NULL) {
		ch->has_legend = true;
		ch->legend_hidden = child_prop(c, lg, "Hidden", &failed);
		ch->legend_position = child_prop(c, lg, "Position", &failed);
		if (failed || style_parse(c, child(c, lg, "Style"),
		    &ch->legend_style) == -1)
			return -1;
	}
	for (xmlNode *k = ts != NULL ? ts->children : NULL; k != NULL;
	    k = k->next) {
		struct rdl_chart_title *t;

		if (!is_el(c, k, "ChartTitle"))
			continue;
		ch->titles = xreallocarray(ch->titles, ch->ntitles + 1,
		    sizeof(*t));
		t = &ch->titles[ch->ntitles++];
		memset(t, 0, sizeof(*t));
		t->caption = child_prop(c, k, "Caption", &failed);
		t->hidden = child_prop(c, k, "Hidden", &failed);
		t->position = child_prop(c, k, "Position", &failed);
		if (failed || style_parse(c, child(c, k, "Style"), &t->style) == -1)
			return -1;
	}
	return 0;
}

static int
palette_parse(struct pctx *c, xmlNode *n, struct rdl_chart *ch)
{
	xmlNode		*cc = child(c, n, "ChartCustomPaletteColors");
	bool		 failed = false;

	ch->palette = child_prop(c, n, "Palette", &failed);
	for (xmlNode *k = cc != NULL ? cc->children : NULL; k != NULL &&
	    !failed; k = k->next) {
		if (!is_el(c, k, "ChartCustomPaletteColor"))
			continue;
		ch->custom_colors = xreallocarray(ch->custom_colors,
		    ch->ncustom_colors + 1, sizeof(*ch->custom_colors));
		ch->custom_colors[ch->ncustom_colors] = prop_new(c, k);
		if (ch->custom_colors[ch->ncustom_colors] == NULL)
			return -1;
		ch->ncustom_colors++;
	}
	ch->no_data = child_prop(c, child(c, n, "ChartNoDataMessage"),
	    "Caption", &failed);
	if (failed)
		return -1;
	return style_parse(c, child(c, child(c, n, "ChartNoDataMessage"),
	    "Style"), &ch->no_data_style);
}

static int
series_collection(struct pctx *c, xmlNode *n, struct rdl_chart *ch,
    int ser_leaves)
{
	xmlNode		*sc = child(c, child(c, n, "ChartData"),
	    "ChartSeriesCollection");

	if (child(c, child(c, n, "ChartData"), "ChartDerivedSeriesCollection")
	    != NULL)
		return fail(c, n, "derived series (trend lines, moving averages) "
		    "are not supported");
	for (xmlNode *k = sc != NULL ? sc->children : NULL; k != NULL;
	    k = k->next) {
		if (!is_el(c, k, "ChartSeries"))
			continue;
		ch->series = xreallocarray(ch->series, ch->nseries + 1,
		    sizeof(*ch->series));
		memset(&ch->series[ch->nseries], 0, sizeof(*ch->series));
		if (series_parse(c, k, &ch->series[ch->nseries++]) == -1)
			return -1;
		if (ch->series[ch->nseries - 1].npoints != ch->ncat_leaves)
			return fail(c, k, "the series has %zu data points for %zu "
			    "leaf members of the category hierarchy",
			    ch->series[ch->nseries - 1].npoints,
			    ch->ncat_leaves);
	}
	if (ch->nseries != (size_t)ser_leaves)
		return fail(c, sc != NULL ? sc : n, "the chart has %zu series "
		    "for %d leaf members of its series hierarchy", ch->nseries,
		    ser_leaves);
	return 0;
}

struct rdl_chart *
chart_parse(struct pctx *c, xmlNode *n)
{
	struct rdl_chart *ch = xcalloc(1, sizeof(*ch));
	char		*ds = child_text(c, n, "DataSetName");
	int		 cat_leaves = 0, ser_leaves = 0;

	ch->dataset = ds != NULL ? rdl_dataset_find(c->r, str_trim(ds)) : -1;
	if (ch->dataset < 0) {
		fail(c, n, "the Chart names dataset \"%s\", which is not "
		    "defined", ds ? ds : "");
		free(ds);
		goto fail;
	}
	free(ds);
	if (members_parse(c, child(c, child(c, n, "ChartCategoryHierarchy"),
	    "ChartMembers"), &ch->categories, &ch->ncategories, &cat_leaves,
	    0) == -1 || members_parse(c, child(c, child(c, n,
	    "ChartSeriesHierarchy"), "ChartMembers"), &ch->series_members,
	    &ch->nseries_members, &ser_leaves, 0) == -1)
		goto fail;
	/* No hierarchy: one category (or series) made of every row. */
	ch->ncat_leaves = cat_leaves > 0 ? (size_t)cat_leaves : 1;
	if (series_collection(c, n, ch, ser_leaves > 0 ? ser_leaves : 1) == -1 ||
	    area_parse(c, child(c, n, "ChartAreas"), ch) == -1 ||
	    legend_titles_parse(c, n, ch) == -1 || palette_parse(c, n, ch) == -1 ||
	    filters_parse(c, child(c, n, "Filters"), &ch->filters,
	    &ch->nfilters) == -1)
		goto fail;
	return ch;
fail:
	chart_free(ch);
	return NULL;
}

static void
axis_fini(struct rdl_chart_axis *a)
{
	struct rdl_expr	*props[] = { a->visible, a->min, a->max, a->interval,
	    a->log_scale, a->reverse, a->margin, a->include_zero, a->angle,
	    a->title, a->major_grid, a->minor_grid };

	free(a->name);
	for (size_t i = 0; i < nitems(props); i++)
		prop_free(props[i]);
	style_fini(&a->style);
	style_fini(&a->title_style);
	style_fini(&a->grid_style);
}

static void
series_fini(struct rdl_chart_series *s)
{
	for (size_t j = 0; j < s->npoints; j++) {
		struct rdl_chart_point *p = &s->points[j];

		prop_free(p->y);
		prop_free(p->x);
		prop_free(p->size);
		prop_free(p->label);
		prop_free(p->label_visible);
		prop_free(p->marker);
		prop_free(p->marker_size);
		style_fini(&p->label_style);
		style_fini(&p->style);
	}
	free(s->points);
	free(s->name);
	free(s->value_axis);
	prop_free(s->hidden);
	prop_free(s->legend_hidden);
	style_fini(&s->style);
}

void
chart_free(struct rdl_chart *ch)
{
	size_t		 i;

	if (ch == NULL)
		return;
	for (i = 0; i < ch->ncategories; i++)
		member_fini(&ch->categories[i]);
	free(ch->categories);
	for (i = 0; i < ch->nseries_members; i++)
		member_fini(&ch->series_members[i]);
	free(ch->series_members);
	for (i = 0; i < ch->nseries; i++)
		series_fini(&ch->series[i]);
	free(ch->series);
	for (i = 0; i < ch->ncat_axes; i++)
		axis_fini(&ch->cat_axes[i]);
	free(ch->cat_axes);
	for (i = 0; i < ch->nval_axes; i++)
		axis_fini(&ch->val_axes[i]);
	free(ch->val_axes);
	style_fini(&ch->area_style);
	prop_free(ch->legend_hidden);
	prop_free(ch->legend_position);
	style_fini(&ch->legend_style);
	for (i = 0; i < ch->ntitles; i++) {
		prop_free(ch->titles[i].caption);
		prop_free(ch->titles[i].hidden);
		prop_free(ch->titles[i].position);
		style_fini(&ch->titles[i].style);
	}
	free(ch->titles);
	prop_free(ch->palette);
	for (i = 0; i < ch->ncustom_colors; i++)
		prop_free(ch->custom_colors[i]);
	free(ch->custom_colors);
	prop_free(ch->no_data);
	style_fini(&ch->no_data_style);
	filters_free(ch->filters, ch->nfilters);
	sorts_free(ch->sorts, ch->nsorts);
	free(ch);
}
