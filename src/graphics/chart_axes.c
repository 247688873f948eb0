/*
 * chart_axes.c: value scales and the axes of a cartesian chart.  A scale
 * takes the axis' Minimum, Maximum and Interval when the report sets them,
 * else round numbers (steps of 1, 2 or 5 times a power of ten, about one
 * tick per 50 pt, zero included unless IncludeZero is off); a log scale
 * has a tick per decade.  The layout measures the tick labels and titles
 * with the surface's meter and gives the plot what they leave; category
 * labels turn to read bottom to top when they do not fit their slots, and
 * only every nth is shown when even that is too crowded.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "graphics/gfx_int.h"

#define TICKS_MAX	200
#define NTICKS		(TICKS_MAX + 1)
#define LABELS_MEASURED	500	/* category labels measured for their room */

static double
nice_step(double raw)
{
	double		 mag = pow(10, floor(log10(raw))), n = raw / mag;

	if (n <= 1)
		return mag;
	if (n <= 2)
		return 2 * mag;
	if (n <= 5)
		return 5 * mag;
	return 10 * mag;
}

void
scale_fit(struct scale *s, const struct gfx_axis *a, double lo, double hi,
    double span)
{
	double		 target = span / 50;

	if (target < 2)
		target = 2;
	if (target > 10)
		target = 10;
	if (!isfinite(lo) || !isfinite(hi)) {
		lo = 0;
		hi = 1;
	}
	s->log = a->log_scale;
	s->reversed = a->reversed;
	if (a->include_zero && !s->log) {
		lo = lo > 0 ? 0 : lo;
		hi = hi < 0 ? 0 : hi;
	}
	if (isfinite(a->min))
		lo = a->min;
	if (isfinite(a->max))
		hi = a->max;
	if (s->log) {
		lo = lo > 0 ? lo : (hi > 0 ? hi / 100 : 1);
		hi = hi > lo ? hi : lo * 10;
		s->min = pow(10, floor(log10(lo)));
		s->max = pow(10, ceil(log10(hi)));
		if (s->max <= s->min)
			s->max = s->min * 10;
		s->step = 1;	/* a decade */
		return;
	}
	if (hi <= lo)
		hi = lo + (lo == 0 ? 1 : fabs(lo));
	s->step = isfinite(a->interval) && a->interval > 0 ? a->interval :
	    nice_step((hi - lo) / target);
	s->min = isfinite(a->min) ? a->min : floor(lo / s->step) * s->step;
	s->max = isfinite(a->max) ? a->max : ceil(hi / s->step) * s->step;
	if (s->max <= s->min)
		s->max = s->min + s->step;
	if ((s->max - s->min) / s->step > TICKS_MAX)
		s->step = (s->max - s->min) / TICKS_MAX;
}

double
scale_pos(const struct scale *s, double v)
{
	double		 f;

	if (s->log) {
		v = v > s->min ? v : s->min;
		f = (log10(v) - log10(s->min)) / (log10(s->max) - log10(s->min));
	} else
		f = (v - s->min) / (s->max - s->min);
	f = f < 0 ? 0 : f > 1 ? 1 : f;
	if (s->reversed)
		f = 1 - f;
	return s->p0 + (s->p1 - s->p0) * f;
}

size_t
scale_ticks(const struct scale *s, double *out, size_t max)
{
	size_t		 n = 0;

	for (size_t k = 0; n < max; k++) {
		double	 v = s->log ? s->min * pow(10, (double)k) :
		    s->min + (double)k * s->step;

		if (v > s->max + s->step * 1e-9 * (s->log ? s->max : 1))
			break;
		/* Round away the drift of repeated additions. */
		out[n++] = fabs(v) < s->step * 1e-9 ? 0 : v;
	}
	return n;
}

double
cat_slot(const struct plot *p)
{
	double		 span = p->horiz ? p->area.h : p->area.w;

	if (p->c->cat_axis.margin || p->ncat < 2)
		return span / (double)(p->ncat > 0 ? p->ncat : 1);
	return span / (double)(p->ncat - 1);
}

double
cat_pos(const struct plot *p, size_t i)
{
	double		 slot = cat_slot(p), off;
	bool		 rev = p->c->cat_axis.reversed;

	off = p->c->cat_axis.margin || p->ncat < 2 ? ((double)i + 0.5) * slot :
	    (double)i * slot;
	/* Bar charts list the first category at the bottom, as the original. */
	if (p->horiz)
		return rev ? p->area.y + off : p->area.y + p->area.h - off;
	return rev ? p->area.x + p->area.w - off : p->area.x + off;
}

static void
value_text(const struct plot *p, const struct gfx_axis *a, double v,
    char *out, size_t n)
{
	if (p->pct && a->format[0] == '\0')
		snprintf(out, n, "%.0f%%", v);
	else
		chart_value_text(p->c, v, a->format, out, n);
}

/* The widest and tallest tick label of a value scale. */
static void
value_labels_size(struct plot *p, const struct scale *s,
    const struct gfx_axis *a, double *w, double *h)
{
	double		 t[NTICKS], tw, th;
	char		 buf[64];
	size_t		 n = scale_ticks(s, t, NTICKS);

	*w = *h = 0;
	for (size_t i = 0; i < n; i++) {
		value_text(p, a, t[i], buf, sizeof(buf));
		gfx_text_size(p->g->meter, &a->font, buf, 0, &tw, &th);
		*w = tw > *w ? tw : *w;
		*h = th > *h ? th : *h;
	}
}

static double
title_room(struct plot *p, const struct gfx_axis *a)
{
	if (!a->visible || a->title == NULL || a->title[0] == '\0')
		return 0;
	return gfx_line_height(p->g->meter, &a->title_font) + 4;
}

/* How the category labels fit a slot of this size (along the axis). */
static void
fit_categories(struct plot *p, double slot, double room)
{
	const struct gfx_axis *a = &p->c->cat_axis;
	double		 maxw = 0, lh = gfx_line_height(p->g->meter, &a->font);
	double		 tw, th, across;

	p->cat_turned = false;
	p->cat_every = 1;
	p->cat_band = 0;
	if (!a->visible)
		return;
	/* The widest label; of many, a sample is enough (every nth). */
	for (size_t i = 0; i < p->c->ncategories; i += 1 + p->c->ncategories /
	    LABELS_MEASURED) {
		gfx_text_size(p->g->meter, &a->font, p->c->categories[i], 0, &tw,
		    &th);
		maxw = tw > maxw ? tw : maxw;
	}
	if (p->horiz) {
		p->cat_band = (maxw + 4 < room ? maxw + 4 : room);
		across = lh;
	} else if (maxw <= slot - 2 || p->xy) {
		p->cat_band = lh + 2;
		across = maxw;
	} else {
		p->cat_turned = true;
		p->cat_band = (maxw + 4 < room ? maxw + 4 : room);
		across = lh;
	}
	if (slot > 0 && across > slot)
		p->cat_every = (size_t)ceil(across / slot);
}

static void
fit_scales(struct plot *p)
{
	const struct gfx_chart *c = p->c;
	double		 vspan = p->horiz ? p->area.w : p->area.h;

	scale_fit(&p->val, &c->val_axis, p->lo1, p->hi1, vspan);
	scale_fit(&p->val2, &c->val_axis2, p->lo2, p->hi2, vspan);
	if (p->pct) {
		p->val.min = p->val2.min = 0;
		p->val.max = p->val2.max = 100;
		p->val.step = p->val2.step = 20;
	}
	p->val.p0 = p->val2.p0 = p->horiz ? p->area.x : p->area.y + p->area.h;
	p->val.p1 = p->val2.p1 = p->horiz ? p->area.x + p->area.w : p->area.y;
	if (p->xy) {
		struct gfx_axis xa = c->cat_axis;

		xa.include_zero = false;
		scale_fit(&p->xs, &xa, p->xlo, p->xhi, p->area.w);
		p->xs.p0 = p->area.x;
		p->xs.p1 = p->area.x + p->area.w;
	}
}

void
axes_layout(struct plot *p, const struct box *b)
{
	const struct gfx_chart *c = p->c;
	double		 vw, vh, vw2 = 0, vh2, l = 0, r = 4, t, bot = 0;

	p->area = *b;
	fit_scales(p);
	value_labels_size(p, &p->val, &c->val_axis, &vw, &vh);
	if (p->has2 && c->val_axis2.visible)
		value_labels_size(p, &p->val2, &c->val_axis2, &vw2, &vh2);
	t = vh / 2 + 2;
	if (p->horiz) {
		fit_categories(p, b->h / (double)(p->ncat ? p->ncat : 1),
		    b->w * 0.35);
		l = p->cat_band + title_room(p, &c->cat_axis);
		bot = (c->val_axis.visible ? vh + 4 : 0) +
		    title_room(p, &c->val_axis);
		r = vw / 2 + 2;
	} else {
		l = (c->val_axis.visible ? vw + 4 : 0) +
		    title_room(p, &c->val_axis);
		if (p->has2)
			r = (c->val_axis2.visible ? vw2 + 4 : 0) +
			    title_room(p, &c->val_axis2);
		fit_categories(p, (b->w - l - r) /
		    (double)(p->ncat ? p->ncat : 1), b->h * 0.35);
		bot = p->cat_band + title_room(p, &c->cat_axis) + 2;
	}
	p->area.x = b->x + l;
	p->area.y = b->y + t;
	p->area.w = b->w - l - r;
	p->area.h = b->h - t - bot;
	if (p->area.w < 4 || p->area.h < 4)
		p->area = *b;
	fit_scales(p);
}

static void
grid_lines(struct plot *p, const struct scale *s, const struct gfx_axis *a)
{
	double		 t[NTICKS], pos;
	size_t		 n = scale_ticks(s, t, NTICKS);
	struct gfx_pen	 minor = a->grid;
	const struct box *r = &p->area;

	minor.dash = GFX_DOTTED;
	for (size_t i = 0; i < n; i++) {
		pos = scale_pos(s, t[i]);
		if (a->major_grid && p->horiz)
			gfx_line(p->g, pos, r->y, pos, r->y + r->h, &a->grid);
		else if (a->major_grid)
			gfx_line(p->g, r->x, pos, r->x + r->w, pos, &a->grid);
		if (!a->minor_grid || i + 1 == n || s->log)
			continue;
		pos = scale_pos(s, (t[i] + t[i + 1]) / 2);
		if (p->horiz)
			gfx_line(p->g, pos, r->y, pos, r->y + r->h, &minor);
		else
			gfx_line(p->g, r->x, pos, r->x + r->w, pos, &minor);
	}
}

void
axes_draw_grid(struct plot *p)
{
	const struct gfx_axis *ca = &p->c->cat_axis;
	const struct box *r = &p->area;

	gfx_rect(p->g, r->x, r->y, r->w, r->h, p->c->plot_background, NULL);
	grid_lines(p, &p->val, &p->c->val_axis);
	if (p->xy) {
		struct plot	 q = *p;

		q.horiz = true;		/* x ticks run across */
		grid_lines(&q, &p->xs, ca);
		return;
	}
	if (!ca->major_grid)
		return;
	for (size_t i = 0; i < p->ncat; i++) {
		double	 pos = cat_pos(p, i);

		if (p->horiz)
			gfx_line(p->g, r->x, pos, r->x + r->w, pos, &ca->grid);
		else
			gfx_line(p->g, pos, r->y, pos, r->y + r->h, &ca->grid);
	}
}

/* The tick labels of a value scale, beside (or under) the plot. */
static void
value_labels(struct plot *p, const struct scale *s, const struct gfx_axis *a,
    bool far)
{
	double		 t[NTICKS];
	size_t		 n = scale_ticks(s, t, NTICKS);
	const struct box *r = &p->area;
	char		 buf[64];
	struct gfx_textbox tb = { .text = buf, .font = a->font,
	    .color = a->color, .nowrap = true };
	double		 lh = gfx_line_height(p->g->meter, &a->font);

	for (size_t i = 0; i < n && a->visible; i++) {
		double	 pos = scale_pos(s, t[i]);

		value_text(p, a, t[i], buf, sizeof(buf));
		if (p->horiz) {
			tb.x = pos - 40;
			tb.w = 80;
			tb.y = r->y + r->h + 3;
			tb.h = lh;
			tb.align = GFX_CENTER;
			tb.valign = GFX_TOP;
		} else {
			tb.x = far ? r->x + r->w + 4 : r->x - 200 - 4;
			tb.w = 200;
			tb.y = pos - lh / 2;
			tb.h = lh;
			tb.align = far ? GFX_LEFT : GFX_RIGHT;
			tb.valign = GFX_MIDDLE;
		}
		gfx_text(p->g, &tb);
	}
}

static void
category_labels(struct plot *p)
{
	const struct gfx_axis *a = &p->c->cat_axis;
	const struct box *r = &p->area;
	double		 slot = cat_slot(p), every = (double)p->cat_every;
	double		 lh = gfx_line_height(p->g->meter, &a->font);
	struct gfx_textbox tb = { .font = a->font, .color = a->color };

	for (size_t i = 0; i < p->c->ncategories && i < p->ncat; i++) {
		double	 pos = cat_pos(p, i);

		if (i % p->cat_every != 0)
			continue;
		tb.text = p->c->categories[i];
		if (p->horiz) {
			tb = (struct gfx_textbox){ .text = tb.text, .font = a->font,
			    .color = a->color, .align = GFX_RIGHT, .valign =
			    GFX_MIDDLE, .x = r->x - p->cat_band, .w =
			    p->cat_band - 4, .y = pos - slot * every / 2, .h =
			    slot * every > lh ? slot * every : lh };
		} else if (p->cat_turned) {
			tb = (struct gfx_textbox){ .text = tb.text, .font = a->font,
			    .color = a->color, .align = GFX_RIGHT, .valign =
			    GFX_MIDDLE, .angle = 90, .nowrap = true, .x = pos - lh,
			    .w = 2 * lh, .y = r->y + r->h + 3, .h = p->cat_band };
		} else {
			tb = (struct gfx_textbox){ .text = tb.text, .font = a->font,
			    .color = a->color, .align = GFX_CENTER, .valign =
			    GFX_TOP, .nowrap = true, .x = pos - slot * every / 2,
			    .w = slot * every, .y = r->y + r->h + 3, .h = lh + 2 };
		}
		gfx_text(p->g, &tb);
	}
}

static void
axis_title(struct plot *p, const struct gfx_axis *a, bool vertical,
    bool far)
{
	const struct box *r = &p->area;
	double		 lh = gfx_line_height(p->g->meter, &a->title_font);
	struct gfx_textbox tb = { .text = a->title, .font = a->title_font,
	    .color = a->title_color, .align = GFX_CENTER, .valign = GFX_MIDDLE,
	    .nowrap = true };

	if (!a->visible || a->title == NULL || a->title[0] == '\0')
		return;
	if (vertical) {
		tb.angle = far ? 270 : 90;
		tb.x = far ? r->x + r->w + 4 : r->x - 4 - lh;
		tb.w = lh;
		tb.y = r->y;
		tb.h = r->h;
		/* Past the tick labels: the outer edge of the margin. */
		if (!far) {
			double	 vw, vh;

			if (p->horiz)
				vw = p->cat_band;
			else
				value_labels_size(p, &p->val, &p->c->val_axis, &vw,
				    &vh);
			tb.x -= vw + 4;
		} else {
			double	 vw, vh;

			value_labels_size(p, &p->val2, &p->c->val_axis2, &vw, &vh);
			tb.x += vw + 4;
		}
	} else {
		double	 below = p->horiz ? gfx_line_height(p->g->meter,
		    &p->c->val_axis.font) + 4 : p->cat_band + 2;

		tb.x = r->x;
		tb.w = r->w;
		tb.y = r->y + r->h + below;
		tb.h = lh;
	}
	gfx_text(p->g, &tb);
}

void
axes_draw(struct plot *p)
{
	const struct gfx_chart *c = p->c;
	const struct box *r = &p->area;

	if (c->val_axis.visible) {
		if (p->horiz)
			gfx_line(p->g, r->x, r->y + r->h, r->x + r->w, r->y + r->h,
			    &c->val_axis.line);
		else
			gfx_line(p->g, r->x, r->y, r->x, r->y + r->h,
			    &c->val_axis.line);
	}
	if (c->cat_axis.visible) {
		if (p->horiz)
			gfx_line(p->g, r->x, r->y, r->x, r->y + r->h,
			    &c->cat_axis.line);
		else
			gfx_line(p->g, r->x, r->y + r->h, r->x + r->w, r->y + r->h,
			    &c->cat_axis.line);
	}
	gfx_group_begin(p->g, "rs-axis-labels", NULL);
	value_labels(p, &p->val, &c->val_axis, false);
	if (p->has2 && !p->horiz)
		value_labels(p, &p->val2, &c->val_axis2, true);
	if (p->xy) {
		struct plot	 q = *p;

		q.horiz = true;
		q.pct = false;
		value_labels(&q, &p->xs, &c->cat_axis, false);
	} else if (c->cat_axis.visible)
		category_labels(p);
	axis_title(p, &c->val_axis, !p->horiz, false);
	axis_title(p, &c->cat_axis, p->horiz, false);
	if (p->has2)
		axis_title(p, &c->val_axis2, true, true);
	gfx_group_end(p->g);
}
