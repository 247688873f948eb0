/*
 * chart_plot.c: the marks of a chart.  Each point of each series first
 * gets its extent in value space (stacked series of one kind add up per
 * category, positives and negatives apart; 100% stacks become percent of
 * the category's total); the axes are laid out over those extents; then
 * columns and bars (side by side for unstacked series, one cluster per
 * stack), areas, lines with markers, scatter points and bubbles are
 * drawn, the data labels over them.  A pie or doughnut draws the first
 * series, one slice per category from twelve o'clock, clockwise.  Each
 * series is a group named after it and, for charts of up to
 * POINT_GROUPS_MAX points, each point a group named "category: value"
 * (tooltips and screen readers in SVG).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "graphics/gfx_int.h"

#define POINT_GROUPS_MAX	2000

static bool
is_barlike(enum gfx_chart_type t)
{
	return t == GFX_CHART_COLUMN || t == GFX_CHART_BAR;
}

/* Series that stack together: same kind, same axis, both stacked. */
static bool
same_stack(const struct gfx_series *a, const struct gfx_series *b)
{
	return a->stacking != GFX_STACK_NONE && b->stacking != GFX_STACK_NONE &&
	    is_barlike(a->type) == is_barlike(b->type) &&
	    (a->type == GFX_CHART_AREA) == (b->type == GFX_CHART_AREA) &&
	    a->secondary == b->secondary;
}

static double
stack_total(const struct gfx_chart *c, size_t s, size_t i)
{
	double		 t = 0;

	for (size_t k = 0; k < c->nseries; k++)
		if (same_stack(&c->series[k], &c->series[s]) &&
		    i < c->series[k].npoints && !c->series[k].points[i].empty)
			t += fabs(c->series[k].points[i].y);
	return t;
}

/* lo and hi of every point, in value space; NAN for empty points. */
static void
extents(struct plot *p)
{
	const struct gfx_chart *c = p->c;

	for (size_t s = 0; s < c->nseries; s++) {
		const struct gfx_series *se = &c->series[s];

		for (size_t i = 0; i < p->ncat; i++) {
			double	*lo = &p->lo[s * p->ncat + i];
			double	*hi = &p->hi[s * p->ncat + i];
			double	 v, pos = 0, neg = 0, t;

			*lo = *hi = NAN;
			if (i >= se->npoints || se->points[i].empty)
				continue;
			v = se->points[i].y;
			if (se->stacking == GFX_STACK_NONE) {
				*lo = is_barlike(se->type) ||
				    se->type == GFX_CHART_AREA ? 0 : v;
				*hi = v;
				continue;
			}
			t = se->stacking == GFX_STACKED100 ? stack_total(c, s, i) :
			    1;
			if (se->stacking == GFX_STACKED100)
				v = t > 0 ? v / t * 100 : 0;
			for (size_t k = 0; k < s; k++) {
				double	 h = p->hi[k * p->ncat + i],
				    l = p->lo[k * p->ncat + i];

				if (!same_stack(&c->series[k], se) || isnan(h))
					continue;
				if (h >= l)
					pos = h > pos ? h : pos;
				else
					neg = h < neg ? h : neg;
			}
			*lo = v >= 0 ? pos : neg;
			*hi = *lo + v;
		}
	}
}

static void
ranges(struct plot *p)
{
	const struct gfx_chart *c = p->c;

	p->lo1 = p->lo2 = p->xlo = INFINITY;
	p->hi1 = p->hi2 = p->xhi = -INFINITY;
	for (size_t s = 0; s < c->nseries; s++) {
		const struct gfx_series *se = &c->series[s];
		double	*lo = se->secondary ? &p->lo2 : &p->lo1;
		double	*hi = se->secondary ? &p->hi2 : &p->hi1;

		for (size_t i = 0; i < p->ncat; i++) {
			double	 a = p->lo[s * p->ncat + i],
			    b = p->hi[s * p->ncat + i];

			if (isnan(b))
				continue;
			*lo = fmin(*lo, fmin(a, b));
			*hi = fmax(*hi, fmax(a, b));
			if (p->xy) {
				p->xlo = fmin(p->xlo, se->points[i].x);
				p->xhi = fmax(p->xhi, se->points[i].x);
			}
		}
	}
	if (!isfinite(p->lo2)) {
		p->lo2 = p->lo1;
		p->hi2 = p->hi1;
	}
	if (p->xy) {
		/* Room for the markers of the outermost points. */
		double	 dx = (p->xhi - p->xlo) * 0.05, dy = (p->hi1 - p->lo1) *
		    0.05;

		p->xlo -= dx;
		p->xhi += dx;
		p->hi1 += dy;
		p->lo1 -= p->lo1 < 0 ? dy : 0;
	}
}

static void
point_label(struct plot *p, const struct gfx_series *se,
    const struct gfx_point *pt, double x, double y, bool inside)
{
	struct gfx_textbox tb = { .text = pt->label, .font = se->label_font,
	    .color = se->label_color, .align = GFX_CENTER, .nowrap = true };
	double		 w, h;

	if (pt->label == NULL || pt->label[0] == '\0')
		return;
	gfx_text_size(p->g->meter, &se->label_font, pt->label, 0, &w, &h);
	tb.w = w + 2;
	tb.h = h;
	tb.x = x - tb.w / 2;
	tb.y = inside ? y - h / 2 : y - h - 1;
	if (p->horiz && !inside) {
		tb.x = x + 2;
		tb.y = y - h / 2;
	}
	gfx_text(p->g, &tb);
}

static void
point_group(struct plot *p, size_t i, const struct gfx_point *pt, bool on)
{
	char		 v[64], label[300];

	if (!on)
		return;
	chart_value_text(p->c, pt->y, "", v, sizeof(v));
	snprintf(label, sizeof(label), "%s: %s", i < p->c->ncategories ?
	    p->c->categories[i] : "", v);
	gfx_group_begin(p->g, "rs-point", label);
}

/* Which bar of its category a series takes, of how many. */
static void
cluster_of(const struct gfx_chart *c, size_t s, size_t *k, size_t *n)
{
	*k = *n = 0;
	for (size_t i = 0; i < c->nseries; i++) {
		const struct gfx_series *a = &c->series[i];
		bool	 joins = false;

		if (!is_barlike(a->type))
			continue;
		for (size_t j = 0; j < i && !joins; j++)
			joins = is_barlike(c->series[j].type) &&
			    same_stack(&c->series[j], a);
		if (i == s)
			*k = joins ? *n - 1 : *n;
		if (!joins)
			(*n)++;
	}
	if (*k >= *n)
		*k = *n > 0 ? *n - 1 : 0;
}

static void
draw_bars(struct plot *p, size_t s, bool groups)
{
	const struct gfx_series *se = &p->c->series[s];
	const struct scale *vs = se->secondary ? &p->val2 : &p->val;
	double		 slot = cat_slot(p), width, off;
	size_t		 k, n;

	cluster_of(p->c, s, &k, &n);
	width = slot * (se->point_width > 0 ? se->point_width : 0.8) /
	    (double)(n > 0 ? n : 1);
	off = -width * (double)n / 2 + width * (double)k;
	for (size_t i = 0; i < p->ncat && i < se->npoints; i++) {
		const struct gfx_point *pt = &se->points[i];
		double	 a, b, c0 = cat_pos(p, i) + off;

		if (isnan(p->hi[s * p->ncat + i]))
			continue;
		a = scale_pos(vs, p->lo[s * p->ncat + i]);
		b = scale_pos(vs, p->hi[s * p->ncat + i]);
		point_group(p, i, pt, groups);
		if (p->horiz)
			gfx_rect(p->g, fmin(a, b), c0, fabs(b - a),
			    width, gfx_chart_color(p->c, s, i), NULL);
		else
			gfx_rect(p->g, c0, fmin(a, b), width, fabs(b - a),
			    gfx_chart_color(p->c, s, i), NULL);
		if (groups)
			gfx_group_end(p->g);
		if (p->horiz)
			point_label(p, se, pt, se->stacking ? (a + b) / 2 : b,
			    c0 + width / 2, se->stacking != GFX_STACK_NONE);
		else
			point_label(p, se, pt, c0 + width / 2, se->stacking ?
			    (a + b) / 2 : b, se->stacking != GFX_STACK_NONE);
	}
}

static void
marker(struct plot *p, enum gfx_marker m, double size, double x, double y,
    uint32_t color)
{
	double		 r = size / 2;
	struct gfx_pt	 pts[4];

	switch (m) {
	case GFX_MARKER_NONE:
		return;
	case GFX_MARKER_SQUARE:
		gfx_rect(p->g, x - r, y - r, size, size, color, NULL);
		return;
	case GFX_MARKER_DIAMOND:
		pts[0] = (struct gfx_pt){ x, y - r };
		pts[1] = (struct gfx_pt){ x + r, y };
		pts[2] = (struct gfx_pt){ x, y + r };
		pts[3] = (struct gfx_pt){ x - r, y };
		gfx_poly(p->g, pts, 4, true, color, NULL);
		return;
	case GFX_MARKER_TRIANGLE:
		pts[0] = (struct gfx_pt){ x, y - r };
		pts[1] = (struct gfx_pt){ x + r, y + r };
		pts[2] = (struct gfx_pt){ x - r, y + r };
		gfx_poly(p->g, pts, 3, true, color, NULL);
		return;
	default:
		gfx_wedge(p->g, x, y, 0, r, 0, 360, color, NULL);
	}
}

/* Position of point i of series s (value hi), in the plot. */
static struct gfx_pt
at(const struct plot *p, size_t s, size_t i)
{
	const struct gfx_series *se = &p->c->series[s];
	const struct scale *vs = se->secondary ? &p->val2 : &p->val;
	double		 v = scale_pos(vs, p->hi[s * p->ncat + i]);
	double		 c = p->xy ? scale_pos(&p->xs, se->points[i].x) :
	    cat_pos(p, i);

	return p->horiz ? (struct gfx_pt){ v, c } : (struct gfx_pt){ c, v };
}

static void
draw_line(struct plot *p, size_t s, bool groups)
{
	const struct gfx_series *se = &p->c->series[s];
	struct gfx_pt	*pts = xcalloc(p->ncat + 1, sizeof(*pts));
	struct gfx_pen	 pen = se->line;
	size_t		 n = 0;
	uint32_t	 col = gfx_chart_color(p->c, s, (size_t)-1);

	pen.color = col;
	if (pen.width <= 0)
		pen.width = 2;
	for (size_t i = 0; i <= p->ncat; i++) {
		if (i < p->ncat && i < se->npoints &&
		    !isnan(p->hi[s * p->ncat + i])) {
			pts[n++] = at(p, s, i);
			continue;
		}
		gfx_poly(p->g, pts, n, false, GFX_NONE, &pen);
		n = 0;	/* an empty point: a gap */
	}
	for (size_t i = 0; i < p->ncat && i < se->npoints; i++) {
		struct gfx_pt q;

		if (isnan(p->hi[s * p->ncat + i]))
			continue;
		q = at(p, s, i);
		point_group(p, i, &se->points[i], groups);
		marker(p, se->marker, se->marker_size, q.x, q.y,
		    gfx_chart_color(p->c, s, i));
		if (groups)
			gfx_group_end(p->g);
		point_label(p, se, &se->points[i], q.x, q.y - se->marker_size / 2,
		    false);
	}
	free(pts);
}

static void
draw_area(struct plot *p, size_t s)
{
	const struct gfx_series *se = &p->c->series[s];
	const struct scale *vs = se->secondary ? &p->val2 : &p->val;
	struct gfx_pt	*pts = xcalloc(2 * p->ncat + 2, sizeof(*pts));
	size_t		 n = 0;

	for (size_t i = 0; i < p->ncat && i < se->npoints; i++) {
		double	 h = p->hi[s * p->ncat + i];
		double	 v = scale_pos(vs, isnan(h) ? 0 : h), c = cat_pos(p, i);

		pts[n++] = p->horiz ? (struct gfx_pt){ v, c } :
		    (struct gfx_pt){ c, v };
	}
	for (size_t i = n; i > 0; i--) {
		double	 l = p->lo[s * p->ncat + i - 1];
		double	 v = scale_pos(vs, isnan(l) ? 0 : l), c = cat_pos(p,
		    i - 1);

		pts[n + (n - i)] = p->horiz ? (struct gfx_pt){ v, c } :
		    (struct gfx_pt){ c, v };
	}
	gfx_poly(p->g, pts, 2 * n, true, gfx_chart_color(p->c, s, (size_t)-1),
	    NULL);
	free(pts);
}

static void
draw_points(struct plot *p, size_t s, bool groups)
{
	const struct gfx_series *se = &p->c->series[s];
	double		 maxsz = 0, full = fmin(p->area.w, p->area.h) * 0.15;

	for (size_t i = 0; i < se->npoints; i++)
		if (!se->points[i].empty)
			maxsz = fmax(maxsz, fabs(se->points[i].size));
	for (size_t i = 0; i < p->ncat && i < se->npoints; i++) {
		struct gfx_pt q;
		double	 d = se->marker_size;

		if (isnan(p->hi[s * p->ncat + i]))
			continue;
		q = at(p, s, i);
		if (se->type == GFX_CHART_BUBBLE && maxsz > 0)
			d = fmax(2, fabs(se->points[i].size) / maxsz * full);
		point_group(p, i, &se->points[i], groups);
		marker(p, se->type == GFX_CHART_BUBBLE ? GFX_MARKER_CIRCLE :
		    se->marker == GFX_MARKER_NONE ? GFX_MARKER_CIRCLE :
		    se->marker, d, q.x, q.y, gfx_chart_color(p->c, s, i));
		if (groups)
			gfx_group_end(p->g);
		point_label(p, se, &se->points[i], q.x, q.y - d / 2, false);
	}
}

static void
draw_series(struct plot *p, size_t s, bool groups)
{
	const struct gfx_series *se = &p->c->series[s];

	gfx_group_begin(p->g, "rs-series", se->name);
	switch (se->type) {
	case GFX_CHART_COLUMN:
	case GFX_CHART_BAR:
		draw_bars(p, s, groups);
		break;
	case GFX_CHART_AREA:
		draw_area(p, s);
		break;
	case GFX_CHART_SCATTER:
	case GFX_CHART_BUBBLE:
		draw_points(p, s, groups);
		break;
	default:
		draw_line(p, s, groups);
	}
	gfx_group_end(p->g);
}

void
plot_cartesian(struct gfx *g, const struct gfx_chart *c, const struct box *b)
{
	struct plot	 p = { .g = g, .c = c, .xy = true };
	size_t		 npts = 0;
	bool		 clip;

	for (size_t s = 0; s < c->nseries; s++) {
		const struct gfx_series *se = &c->series[s];

		p.ncat = se->npoints > p.ncat ? se->npoints : p.ncat;
		p.horiz = p.horiz || se->type == GFX_CHART_BAR;
		p.has2 = p.has2 || se->secondary;
		p.pct = p.pct || se->stacking == GFX_STACKED100;
		p.xy = p.xy && (se->type == GFX_CHART_SCATTER ||
		    se->type == GFX_CHART_BUBBLE);
		npts += se->npoints;
	}
	p.ncat = p.ncat > c->ncategories ? p.ncat : c->ncategories;
	p.lo = xcalloc(c->nseries * p.ncat + 1, sizeof(double));
	p.hi = xcalloc(c->nseries * p.ncat + 1, sizeof(double));
	extents(&p);
	ranges(&p);
	axes_layout(&p, b);
	axes_draw_grid(&p);
	/* Points outside a Minimum or Maximum the report set are cut off. */
	clip = isfinite(c->val_axis.min) || isfinite(c->val_axis.max) ||
	    isfinite(c->val_axis2.min) || isfinite(c->val_axis2.max) ||
	    (p.xy && (isfinite(c->cat_axis.min) || isfinite(c->cat_axis.max)));
	if (clip)
		gfx_clip(g, p.area.x - 1, p.area.y - 1, p.area.w + 2,
		    p.area.h + 2);
	/* Areas first, then bars, then lines and points over them. */
	for (int pass = 0; pass < 3; pass++)
		for (size_t s = 0; s < c->nseries; s++) {
			enum gfx_chart_type t = c->series[s].type;
			int	 want = t == GFX_CHART_AREA ? 0 : is_barlike(t) ? 1 :
			    2;

			if (want == pass)
				draw_series(&p, s, npts <= POINT_GROUPS_MAX);
		}
	if (clip)
		gfx_unclip(g);
	axes_draw(&p);
	free(p.lo);
	free(p.hi);
}

void
plot_pie(struct gfx *g, const struct gfx_chart *c, const struct box *b)
{
	const struct gfx_series *se = &c->series[0];
	double		 total = 0, a = 0, r = fmin(b->w, b->h) / 2 - 2;
	double		 cx = b->x + b->w / 2, cy = b->y + b->h / 2;
	double		 r0 = se->type == GFX_CHART_DOUGHNUT ? r * 0.4 : 0;
	bool		 groups = se->npoints <= POINT_GROUPS_MAX;
	struct gfx_pen	 edge = { GFX_WHITE, 0.75, GFX_SOLID };
	struct plot	 p = { .g = g, .c = c };

	for (size_t i = 0; i < se->npoints; i++)
		if (!se->points[i].empty)
			total += fabs(se->points[i].y);
	if (total <= 0 || r <= 2)
		return;
	gfx_group_begin(g, "rs-series", se->name);
	for (size_t i = 0; i < se->npoints; i++) {
		const struct gfx_point *pt = &se->points[i];
		double	 sweep, mid, lr;

		if (pt->empty || pt->y == 0)
			continue;
		sweep = fabs(pt->y) / total * 360;
		point_group(&p, i, pt, groups);
		gfx_wedge(g, cx, cy, r0, r, a, a + sweep,
		    gfx_chart_color(c, 0, i), &edge);
		if (groups)
			gfx_group_end(g);
		mid = (a + sweep / 2 - 90) * M_PI / 180;
		lr = r0 > 0 ? (r0 + r) / 2 : r * 0.65;
		point_label(&p, se, pt, cx + lr * cos(mid), cy + lr * sin(mid),
		    true);
		a += sweep;
	}
	gfx_group_end(g);
}
