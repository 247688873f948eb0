/*
 * chart.c: the chart model, and the frame of a drawn chart: background
 * and border, the titles (docked above or below), the legend (one entry
 * per series, or per category for a pie; in any of the 12 places RDL
 * names, wrapping into rows at the top and bottom), the "no data"
 * message, and the text alternative.  What is left of the box goes to the
 * plot (chart_axes.c and chart_plot.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "graphics/gauge.h"
#include "graphics/map.h"
#include "graphics/gfx_int.h"

#define PAD		4.0	/* around the parts of the chart, pt */
#define SWATCH		8.0	/* legend colour square */

static void
axis_init(struct gfx_axis *a, bool value)
{
	memset(a, 0, sizeof(*a));
	a->visible = true;
	snprintf(a->font.family, sizeof(a->font.family), "Arial");
	a->font.size = 8;
	a->color = 0xFF5C5C5C;
	a->title_font = a->font;
	a->title_font.size = 9;
	a->title_color = a->color;
	a->min = a->max = a->interval = NAN;
	a->include_zero = true;
	a->margin = true;
	a->major_grid = value;
	a->grid = (struct gfx_pen){ 0xFFDCDCDC, 0.75, GFX_SOLID };
	a->line = (struct gfx_pen){ 0xFFA0A0A0, 0.75, GFX_SOLID };
}

struct gfx_chart *
gfx_chart_new(void)
{
	struct gfx_chart *c = xcalloc(1, sizeof(*c));
	const uint32_t	*bp;
	size_t		 n = gfx_palette(NULL, &bp);

	axis_init(&c->cat_axis, false);
	axis_init(&c->val_axis, true);
	axis_init(&c->val_axis2, true);
	c->legend.visible = true;
	c->legend.position = GFX_POS_RIGHTCENTER;
	c->legend.font = c->cat_axis.font;
	c->legend.color = GFX_BLACK;
	gfx_chart_set_palette(c, bp, n);
	c->background = GFX_WHITE;
	c->no_data_font = c->cat_axis.font;
	return c;
}

void
gfx_chart_free(struct gfx_chart *c)
{
	if (c == NULL)
		return;
	gfx_gauge_panel_free(c->gauge);
	gfx_map_free(c->map);
	for (size_t i = 0; i < c->ntitles; i++)
		free(c->titles[i].text);
	free(c->titles);
	for (size_t i = 0; i < c->ncategories; i++)
		free(c->categories[i]);
	free(c->categories);
	for (size_t i = 0; i < c->nseries; i++) {
		for (size_t j = 0; j < c->series[i].npoints; j++)
			free(c->series[i].points[j].label);
		free(c->series[i].points);
		free(c->series[i].name);
	}
	free(c->series);
	free(c->cat_axis.title);
	free(c->val_axis.title);
	free(c->val_axis2.title);
	free(c->legend.title);
	free(c->no_data);
	free(c->name);
	free(c->palette);
	free(c);
}

void
gfx_chart_set_palette(struct gfx_chart *c, const uint32_t *colors, size_t n)
{
	if (n == 0)
		return;
	free(c->palette);
	c->palette = xcalloc(n, sizeof(*c->palette));
	memcpy(c->palette, colors, n * sizeof(*colors));
	c->npalette = n;
}

struct gfx_series *
gfx_chart_add_series(struct gfx_chart *c, const char *name, size_t npoints)
{
	struct gfx_series *s;

	c->series = xreallocarray(c->series, c->nseries + 1, sizeof(*s));
	s = &c->series[c->nseries++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name != NULL ? name : "");
	s->line = (struct gfx_pen){ GFX_NONE, 2, GFX_SOLID };
	s->marker_size = 6;
	s->point_width = 0.8;
	s->label_font = c->cat_axis.font;
	s->label_color = GFX_BLACK;
	s->npoints = npoints;
	s->points = xcalloc(npoints + 1, sizeof(*s->points));
	for (size_t i = 0; i < npoints; i++)
		s->points[i].empty = true;
	return s;
}

bool
chart_is_pie(const struct gfx_chart *c)
{
	return c->nseries > 0 && (c->series[0].type == GFX_CHART_PIE ||
	    c->series[0].type == GFX_CHART_DOUGHNUT);
}

uint32_t
gfx_chart_color(const struct gfx_chart *c, size_t s, size_t p)
{
	const struct gfx_series *se = &c->series[s];
	size_t		 k = chart_is_pie(c) ? p : s;

	if (p < se->npoints && se->points[p].color != GFX_NONE)
		return se->points[p].color;
	if (!chart_is_pie(c) && se->color != GFX_NONE)
		return se->color;
	/* The series as a whole (a line, an area, its legend entry): the
	 * colour its data point template gave, as the original draws it. */
	if (!chart_is_pie(c) && p == (size_t)-1 && se->npoints > 0 &&
	    se->points[0].color != GFX_NONE)
		return se->points[0].color;
	if (c->npalette == 0)
		return GFX_BLACK;
	return c->palette[k % c->npalette];
}

const char *
gfx_chart_kind(const struct gfx_chart *c)
{
	static const char *const kinds[] = { "column chart", "bar chart",
	    "line chart", "area chart", "pie chart", "doughnut chart",
	    "scatter chart", "bubble chart" };
	const struct gfx_series *s = c->nseries > 0 ? &c->series[0] : NULL;

	if (s == NULL)
		return "chart";
	if (s->stacking == GFX_STACKED100)
		return s->type == GFX_CHART_BAR ? "100% stacked bar chart" :
		    s->type == GFX_CHART_AREA ? "100% stacked area chart" :
		    "100% stacked column chart";
	if (s->stacking == GFX_STACKED)
		return s->type == GFX_CHART_BAR ? "stacked bar chart" :
		    s->type == GFX_CHART_AREA ? "stacked area chart" :
		    "stacked column chart";
	return kinds[s->type];
}

bool
chart_has_data(const struct gfx_chart *c)
{
	for (size_t i = 0; i < c->nseries; i++)
		for (size_t j = 0; j < c->series[i].npoints; j++)
			if (!c->series[i].points[j].empty)
				return true;
	return false;
}

void
chart_value_text(const struct gfx_chart *c, double v, const char *fmt,
    char *out, size_t n)
{
	if (c->format != NULL)
		c->format(c->format_arg, v, fmt, out, n);
	else
		snprintf(out, n, "%.15g", v);
}

void
gfx_chart_describe(const struct gfx_chart *c, size_t max_points,
    struct buf *out)
{
	size_t		 shown = 0, total = 0;
	char		 v[64];

	if (c->gauge != NULL) {
		gfx_gauge_panel_describe(c->gauge, out);
		return;
	}
	if (c->map != NULL) {
		gfx_map_describe(c->map, out);
		return;
	}
	if (c->ntitles > 0 && c->titles[0].text != NULL)
		buf_printf(out, NULL, "%s: ", c->titles[0].text);
	buf_printf(out, NULL, "%s, %zu series, %zu categories.", gfx_chart_kind(c),
	    c->nseries, c->ncategories);
	for (size_t i = 0; i < c->nseries; i++) {
		const struct gfx_series *s = &c->series[i];

		buf_printf(out, NULL, " %s:", s->name);
		for (size_t j = 0; j < s->npoints; j++) {
			if (s->points[j].empty)
				continue;
			total++;
			if (shown >= max_points)
				continue;
			chart_value_text(c, s->points[j].y, "", v, sizeof(v));
			buf_printf(out, NULL, " %s %s;", j < c->ncategories ?
			    c->categories[j] : "", v);
			shown++;
		}
	}
	if (total > shown)
		buf_printf(out, NULL, " and %zu more values.", total - shown);
}

/* The titles, docked at the top (or bottom); shrinks the box. */
static void
titles(struct gfx *g, const struct gfx_chart *c, struct box *b)
{
	for (size_t i = 0; i < c->ntitles; i++) {
		const struct gfx_title *t = &c->titles[i];
		double	 tw, th;
		struct gfx_textbox tb = { .text = t->text, .font = t->font,
		    .color = t->color, .align = t->align, .valign = GFX_MIDDLE };

		if (t->text == NULL || t->text[0] == '\0')
			continue;
		gfx_text_size(g->meter, &t->font, t->text, b->w, &tw, &th);
		tb.x = b->x;
		tb.w = b->w;
		tb.h = th + 2;
		tb.y = t->bottom ? b->y + b->h - tb.h : b->y;
		gfx_rect(g, tb.x, tb.y, tb.w, tb.h, t->background, NULL);
		gfx_text(g, &tb);
		b->h -= tb.h + PAD;
		if (!t->bottom)
			b->y += tb.h + PAD;
	}
}

struct entry {
	const char	*text;
	uint32_t	 color;
	double		 w;		/* swatch, gap and text */
};

static size_t
legend_entries(const struct gfx_chart *c, struct entry **out)
{
	size_t		 n = 0;

	*out = NULL;
	if (chart_is_pie(c)) {
		*out = xcalloc(c->ncategories + 1, sizeof(**out));
		for (size_t j = 0; j < c->ncategories; j++, n++) {
			(*out)[n].text = c->categories[j];
			(*out)[n].color = gfx_chart_color(c, 0, j);
		}
		return n;
	}
	*out = xcalloc(c->nseries + 1, sizeof(**out));
	for (size_t i = 0; i < c->nseries; i++) {
		if (c->series[i].hidden_in_legend)
			continue;
		(*out)[n].text = c->series[i].name;
		(*out)[n++].color = gfx_chart_color(c, i, (size_t)-1);
	}
	return n;
}

static void
draw_entry(struct gfx *g, const struct gfx_legend *l, const struct entry *e,
    double x, double y, double lh)
{
	struct gfx_textbox tb = { .text = e->text, .font = l->font,
	    .color = l->color, .valign = GFX_MIDDLE, .nowrap = true };

	gfx_rect(g, x, y + (lh - SWATCH) / 2, SWATCH, SWATCH, e->color, NULL);
	tb.x = x + SWATCH + 3;
	tb.y = y;
	tb.w = e->w - SWATCH - 3;
	tb.h = lh;
	gfx_text(g, &tb);
}

/* A legend in rows across the top or bottom of the box. */
static void
legend_rows(struct gfx *g, const struct gfx_legend *l, struct entry *e,
    size_t n, struct box *b, double lh)
{
	bool		 top = l->position <= GFX_POS_TOPRIGHT;
	size_t		 i = 0, rows = 0, first;
	double		 y, rw;

	for (size_t k = 0; k < n; rows++) {
		for (rw = 0; k < n && (rw == 0 || rw + e[k].w <= b->w); k++)
			rw += e[k].w + 8;
	}
	y = top ? b->y : b->y + b->h - (double)rows * lh;
	while (i < n) {
		double	 x;

		first = i;
		for (rw = 0; i < n && (rw == 0 || rw + e[i].w <= b->w); i++)
			rw += e[i].w + 8;
		x = b->x;
		if (l->position == GFX_POS_TOPCENTER ||
		    l->position == GFX_POS_BOTTOMCENTER)
			x += (b->w - rw) / 2;
		else if (l->position == GFX_POS_TOPRIGHT ||
		    l->position == GFX_POS_BOTTOMRIGHT)
			x += b->w - rw;
		for (size_t k = first; k < i; x += e[k].w + 8, k++)
			draw_entry(g, l, &e[k], x, y, lh);
		y += lh;
	}
	b->h -= (double)rows * lh + PAD;
	if (top)
		b->y += (double)rows * lh + PAD;
}

/* A legend in a column at the left or right of the box. */
static void
legend_column(struct gfx *g, const struct gfx_legend *l, struct entry *e,
    size_t n, struct box *b, double lh)
{
	bool		 right = l->position >= GFX_POS_RIGHTTOP &&
	    l->position <= GFX_POS_RIGHTBOTTOM;
	double		 cw = 0, x, y, total;
	size_t		 fit = (size_t)(b->h / lh);

	for (size_t k = 0; k < n; k++)
		cw = e[k].w > cw ? e[k].w : cw;
	if (cw > b->w * 0.4)
		cw = b->w * 0.4;
	if (n > fit)
		n = fit;
	total = (double)n * lh;
	x = right ? b->x + b->w - cw : b->x;
	y = b->y;
	if (l->position == GFX_POS_RIGHTCENTER ||
	    l->position == GFX_POS_LEFTCENTER)
		y += (b->h - total) / 2;
	else if (l->position == GFX_POS_RIGHTBOTTOM ||
	    l->position == GFX_POS_LEFTBOTTOM)
		y += b->h - total;
	for (size_t k = 0; k < n; k++) {
		e[k].w = cw;
		draw_entry(g, l, &e[k], x, y + (double)k * lh, lh);
	}
	b->w -= cw + PAD;
	if (!right)
		b->x += cw + PAD;
}

static void
legend(struct gfx *g, const struct gfx_chart *c, struct box *b)
{
	const struct gfx_legend *l = &c->legend;
	struct entry	*e;
	size_t		 n = legend_entries(c, &e);
	double		 lh = gfx_line_height(g->meter, &l->font) + 2, tw, th;

	if (!l->visible || n == 0 || b->w < 40 || b->h < 40) {
		free(e);
		return;
	}
	gfx_group_begin(g, "rs-legend", "Legend");
	for (size_t k = 0; k < n; k++) {
		gfx_text_size(g->meter, &l->font, e[k].text, 0, &tw, &th);
		e[k].w = SWATCH + 3 + tw + 1;
	}
	if (l->position <= GFX_POS_TOPRIGHT ||
	    (l->position >= GFX_POS_BOTTOMRIGHT &&
	    l->position <= GFX_POS_BOTTOMLEFT))
		legend_rows(g, l, e, n, b, lh);
	else
		legend_column(g, l, e, n, b, lh);
	gfx_group_end(g);
	free(e);
}

void
gfx_chart_draw(struct gfx *g, const struct gfx_chart *c, double x, double y,
    double w, double h)
{
	struct box	 b = { x + PAD, y + PAD, w - 2 * PAD, h - 2 * PAD };

	if (c->gauge != NULL) {
		gfx_group_begin(g, "rs-gauge-panel", NULL);
		gfx_rect(g, x, y, w, h, c->background, &c->border);
		gfx_gauge_panel_draw(g, c->gauge, x, y, w, h);
		gfx_group_end(g);
		return;
	}
	if (c->map != NULL) {
		gfx_rect(g, x, y, w, h, c->background, &c->border);
		gfx_map_draw(g, c->map, x, y, w, h);
		return;
	}
	gfx_group_begin(g, "rs-chart", NULL);
	gfx_rect(g, x, y, w, h, c->background, &c->border);
	titles(g, c, &b);
	if (!chart_has_data(c)) {
		struct gfx_textbox tb = { .text = c->no_data, .font =
		    c->no_data_font, .color = GFX_BLACK, .align = GFX_CENTER,
		    .valign = GFX_MIDDLE, .x = b.x, .y = b.y, .w = b.w,
		    .h = b.h };

		if (b.w > 0 && b.h > 0 && c->no_data != NULL)
			gfx_text(g, &tb);
		gfx_group_end(g);
		return;
	}
	legend(g, c, &b);
	if (b.w > 8 && b.h > 8) {
		if (chart_is_pie(c))
			plot_pie(g, c, &b);
		else
			plot_cartesian(g, c, &b);
	}
	gfx_group_end(g);
}
