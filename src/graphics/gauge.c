/*
 * gauge.c: gauges drawn with the surface's primitives (see gauge.h).  A
 * radial gauge: its back frame (a disc, or a half disc for the
 * semicircular shapes), the ranges as bands along the arc (their width
 * growing from start to end), the tick marks across the scale, the labels
 * inside it, then the pointers (a tapered needle from the pivot with its
 * cap, a marker on the scale, or a bar along it).  A linear gauge is the
 * same along a straight scale (vertical when its box is taller than
 * wide).  A state indicator is its state's icon, filling its box.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "graphics/gauge.h"

#define ARC_STEPS	96

struct gfx_gauge_panel *
gfx_gauge_panel_new(const char *name)
{
	struct gfx_gauge_panel *p = xcalloc(1, sizeof(*p));

	p->name = xstrdup(name != NULL ? name : "");
	p->back = GFX_NONE;
	return p;
}

void
gfx_gauge_panel_free(struct gfx_gauge_panel *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->ngauges; i++) {
		struct gfx_gauge *g = &p->gauges[i];

		for (size_t j = 0; j < g->nticks; j++)
			free(g->ticks[j].label);
		free(g->ticks);
		free(g->ranges);
		free(g->pointers);
		free(g->name);
		free(g->state);
	}
	free(p->gauges);
	for (size_t i = 0; i < p->ntexts; i++)
		free(p->texts[i].text);
	free(p->texts);
	free(p->name);
	free(p);
}

struct gfx_gauge *
gfx_gauge_add(struct gfx_gauge_panel *p, enum gfx_gauge_kind kind,
    const char *name)
{
	struct gfx_gauge *g;

	p->gauges = xreallocarray(p->gauges, p->ngauges + 1,
	    sizeof(*p->gauges));
	g = &p->gauges[p->ngauges++];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->name = xstrdup(name != NULL ? name : "");
	g->w = g->h = 100;
	g->back = 0xFFF5F5F5;		/* WhiteSmoke */
	g->frame = 0xFFDCDCDC;		/* Gainsboro */
	g->min = 0;
	g->max = 100;
	g->start_angle = 20;
	g->sweep = 320;
	g->pivot_x = g->pivot_y = 50;
	g->radius = 37;
	g->position = 50;
	g->scale_color = 0xFFA9A9A9;
	g->minor_per_major = 5;
	g->major_len = 15;
	g->major_width = 2;
	g->minor_len = 8;
	g->minor_width = 1;
	g->major_color = g->minor_color = 0xFF696969;	/* DimGray */
	snprintf(g->label_font.family, sizeof(g->label_font.family), "Arial");
	g->label_font.size = 8;
	g->label_color = 0xFF404040;
	g->icon = GFX_ICON_NONE;
	return g;
}

static const struct {
	const char	*name;
	enum gfx_icon	 icon;
} icons[] = {
	{ "None", GFX_ICON_NONE }, { "Circle", GFX_ICON_CIRCLE },
	{ "Square", GFX_ICON_SQUARE }, { "Diamond", GFX_ICON_DIAMOND },
	{ "TriangleUp", GFX_ICON_TRIANGLE_UP },
	{ "TriangleDown", GFX_ICON_TRIANGLE_DOWN },
	{ "ArrowUp", GFX_ICON_ARROW_UP }, { "ArrowDown", GFX_ICON_ARROW_DOWN },
	{ "ArrowSide", GFX_ICON_ARROW_SIDE },
	{ "ArrowSlantUp", GFX_ICON_ARROW_SLANT_UP },
	{ "ArrowSlantDown", GFX_ICON_ARROW_SLANT_DOWN },
	{ "Flag", GFX_ICON_FLAG }, { "Star", GFX_ICON_STAR },
	{ "Checkmark", GFX_ICON_CHECK }, { "CheckmarkUncircled",
	    GFX_ICON_CHECK }, { "X", GFX_ICON_CROSS },
	{ "XUncircled", GFX_ICON_CROSS }, { "Exclamation",
	    GFX_ICON_EXCLAMATION }, { "ExclamationUncircled",
	    GFX_ICON_EXCLAMATION }, { "SignalMeter", GFX_ICON_BAR },
	{ "Signal", GFX_ICON_BAR }, { "TrafficLight", GFX_ICON_CIRCLE },
	{ "Lamp", GFX_ICON_CIRCLE }, { "Rectangle", GFX_ICON_SQUARE },
};

enum gfx_icon
gfx_icon_parse(const char *s)
{
	for (size_t i = 0; s != NULL && i < sizeof(icons) / sizeof(icons[0]);
	    i++)
		if (strcasecmp(s, icons[i].name) == 0)
			return icons[i].icon;
	return s == NULL || s[0] == '\0' ? GFX_ICON_NONE : GFX_ICON_CIRCLE;
}

/* ---- radial ---- */

struct radial {
	struct gfx		*gfx;
	const struct gfx_gauge	*g;
	double			 cx, cy;	/* the pivot */
	double			 r;		/* the scale's radius */
	double			 size;		/* what percentages are of */
};

static double
clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The angle of a value, clockwise from twelve o'clock (the surface's). */
static double
angle_of(const struct gfx_gauge *g, double v)
{
	double	 t = g->max > g->min ? (clamp(v, g->min, g->max) - g->min) /
	    (g->max - g->min) : 0;

	return g->start_angle + g->sweep * t + 180;
}

static struct gfx_pt
polar(const struct radial *r, double deg, double rad)
{
	double	 a = deg * M_PI / 180;

	return (struct gfx_pt){ r->cx + rad * sin(a), r->cy - rad * cos(a) };
}

/* A band along the arc from a to b, radius r0 outside, its width growing
 * from w0 to w1. */
static void
band(const struct radial *r, double a, double b, double r0, double w0,
    double w1, uint32_t color)
{
	struct gfx_pt	 pts[2 * (ARC_STEPS + 1)];
	size_t		 n = 0;

	for (int i = 0; i <= ARC_STEPS; i++)
		pts[n++] = polar(r, a + (b - a) * i / ARC_STEPS, r0);
	for (int i = ARC_STEPS; i >= 0; i--)
		pts[n++] = polar(r, a + (b - a) * i / ARC_STEPS, r0 - (w0 +
		    (w1 - w0) * i / ARC_STEPS));
	gfx_poly(r->gfx, pts, n, true, color, NULL);
}

static void
radial_ticks(const struct radial *r)
{
	const struct gfx_gauge *g = r->g;
	struct gfx_pen	 major = { g->major_color, g->major_width *
	    r->size / 200, GFX_SOLID };
	struct gfx_pen	 minor = { g->minor_color, g->minor_width *
	    r->size / 200, GFX_SOLID };
	double		 ml = g->major_len * r->r / 100;
	double		 nl = g->minor_len * r->r / 100;
	struct gfx_meter *m = gfx_meter_of(r->gfx);

	for (size_t i = 0; i < g->nticks; i++) {
		double a = angle_of(g, g->ticks[i].value);
		struct gfx_pt p0 = polar(r, a, r->r + ml / 2);
		struct gfx_pt p1 = polar(r, a, r->r - ml / 2);

		if (major.width > 0)
			gfx_line(r->gfx, p0.x, p0.y, p1.x, p1.y, &major);
		if (i + 1 < g->nticks && g->minor_per_major > 1 &&
		    minor.width > 0)
			for (int k = 1; k < g->minor_per_major; k++) {
				double v = g->ticks[i].value + (g->ticks[i +
				    1].value - g->ticks[i].value) * k /
				    g->minor_per_major;
				double b = angle_of(g, v);
				struct gfx_pt q0 = polar(r, b, r->r + nl / 2);
				struct gfx_pt q1 = polar(r, b, r->r - nl / 2);

				gfx_line(r->gfx, q0.x, q0.y, q1.x, q1.y,
				    &minor);
			}
		if (g->ticks[i].label != NULL) {
			struct gfx_textbox tb = { .text = g->ticks[i].label,
			    .font = g->label_font, .color = g->label_color,
			    .align = GFX_CENTER, .valign = GFX_MIDDLE,
			    .nowrap = true };
			double tw, th, d;
			struct gfx_pt c;

			gfx_text_size(m, &g->label_font, tb.text, 0, &tw, &th);
			/* Inside the ticks, far enough for the text's
			 * extent along the radius. */
			d = r->r - ml / 2 - 2 - fabs(sin(a * M_PI / 180)) *
			    tw / 2 - fabs(cos(a * M_PI / 180)) * th / 2;
			c = polar(r, a, d > 0 ? d : 0);
			tb.x = c.x - tw / 2 - 1;
			tb.y = c.y - th / 2;
			tb.w = tw + 2;
			tb.h = th;
			gfx_text(r->gfx, &tb);
		}
	}
}

static void
needle(const struct radial *r, const struct gfx_gauge_pointer *p)
{
	double		 a = angle_of(r->g, p->value);
	double		 len = r->r * (100 - p->distance) / 100;
	double		 half = p->width * r->r / 200;
	struct gfx_pt	 pts[4];

	pts[0] = polar(r, a - 90, half);
	pts[1] = polar(r, a, len);
	pts[2] = polar(r, a + 90, half);
	pts[3] = polar(r, a + 180, half * 1.5);
	gfx_poly(r->gfx, pts, 4, true, p->color, NULL);
	if (p->cap_color != GFX_NONE && p->cap_width > 0) {
		double cr = p->cap_width * r->r / 200;
		struct gfx_pen edge = { 0xFF808080, 0.5, GFX_SOLID };

		gfx_wedge(r->gfx, r->cx, r->cy, 0, cr, 0, 360, p->cap_color,
		    &edge);
	}
}

static void
radial_draw(struct gfx *gfx, const struct gfx_gauge *g, double x, double y,
    double w, double h)
{
	struct radial	 r = { .gfx = gfx, .g = g };
	struct gfx_pen	 edge = { g->frame, 1, GFX_SOLID };

	r.size = w < h ? w : h;
	r.cx = x + w * g->pivot_x / 100;
	r.cy = y + h * g->pivot_y / 100;
	r.r = r.size * g->radius / 100;
	if (g->back != GFX_NONE || g->frame != GFX_NONE) {
		double fr = r.r * 1.22;

		if (g->half)
			gfx_wedge(gfx, r.cx, r.cy, 0, fr, 270, 450, g->back,
			    &edge);
		else
			gfx_wedge(gfx, x + w / 2, y + h / 2, 0, r.size / 2 -
			    1, 0, 360, g->back, &edge);
	}
	for (size_t i = 0; i < g->nranges; i++) {
		const struct gfx_gauge_range *rg = &g->ranges[i];

		band(&r, angle_of(g, rg->from), angle_of(g, rg->to),
		    r.r * (100 - rg->distance) / 100, rg->start_width * r.r /
		    100, rg->end_width * r.r / 100, rg->color);
	}
	if (g->scale_width > 0)
		band(&r, angle_of(g, g->min), angle_of(g, g->max), r.r +
		    g->scale_width * r.r / 200, g->scale_width * r.r / 100,
		    g->scale_width * r.r / 100, g->scale_color);
	radial_ticks(&r);
	for (size_t i = 0; i < g->npointers; i++) {
		const struct gfx_gauge_pointer *p = &g->pointers[i];

		if (p->empty)
			continue;
		if (p->kind == GFX_POINTER_NEEDLE)
			needle(&r, p);
		else if (p->kind == GFX_POINTER_BAR)
			band(&r, angle_of(g, g->min), angle_of(g, p->value),
			    r.r * (100 - p->distance) / 100, p->width * r.r /
			    100, p->width * r.r / 100, p->color);
		else {
			double a = angle_of(g, p->value);
			double d = r.r * (100 - p->distance) / 100;
			double l = p->length * r.r / 100;
			struct gfx_pt t[3] = { polar(&r, a, d),
			    polar(&r, a - 4, d - l), polar(&r, a + 4, d - l) };

			gfx_poly(gfx, t, 3, true, p->color, NULL);
		}
	}
}

/* ---- linear ---- */

static void
linear_draw(struct gfx *gfx, const struct gfx_gauge *g, double x, double y,
    double w, double h)
{
	bool		 v = g->vertical;
	double		 len = (v ? h : w) * 0.8;
	double		 breadth = v ? w : h;
	double		 size = w < h ? w : h;
	/* The scale runs from s0 (min) to s1 (max) at "across". */
	double		 s0 = v ? y + h * 0.9 : x + w * 0.1;
	double		 dir = v ? -1 : 1;
	double		 across = (v ? x : y) + breadth * g->position / 100;
	struct gfx_pen	 edge = { g->frame, 1, GFX_SOLID };
	struct gfx_meter *m = gfx_meter_of(gfx);
	double		 span = g->max > g->min ? g->max - g->min : 1;

#define AT(val)	(s0 + dir * len * (clamp((val), g->min, g->max) - g->min) / \
	    span)
	gfx_rect(gfx, x + 1, y + 1, w - 2, h - 2, g->back, &edge);
	for (size_t i = 0; i < g->nranges; i++) {
		const struct gfx_gauge_range *rg = &g->ranges[i];
		double a = AT(rg->from), b = AT(rg->to);
		double off = rg->distance * breadth / 100;
		double wd = rg->start_width * breadth / 100;

		if (v)
			gfx_rect(gfx, across + off, b, wd, a - b, rg->color,
			    NULL);
		else
			gfx_rect(gfx, a, across + off, b - a, wd, rg->color,
			    NULL);
	}
	if (g->scale_width > 0) {
		double sw = g->scale_width * breadth / 100;

		if (v)
			gfx_rect(gfx, across - sw / 2, AT(g->max), sw, len,
			    g->scale_color, NULL);
		else
			gfx_rect(gfx, s0, across - sw / 2, len, sw,
			    g->scale_color, NULL);
	}
	for (size_t i = 0; i < g->nticks; i++) {
		double p = AT(g->ticks[i].value);
		double ml = g->major_len * size / 100;
		struct gfx_pen pen = { g->major_color, g->major_width * size /
		    200, GFX_SOLID };

		if (v)
			gfx_line(gfx, across - ml / 2, p, across + ml / 2, p,
			    &pen);
		else
			gfx_line(gfx, p, across - ml / 2, p, across + ml / 2,
			    &pen);
		if (g->ticks[i].label != NULL) {
			struct gfx_textbox tb = { .text = g->ticks[i].label,
			    .font = g->label_font, .color = g->label_color,
			    .align = v ? GFX_RIGHT : GFX_CENTER,
			    .valign = GFX_MIDDLE, .nowrap = true };
			double tw, th;

			gfx_text_size(m, &g->label_font, tb.text, 0, &tw, &th);
			tb.w = tw + 2;
			tb.h = th;
			tb.x = v ? across - ml / 2 - 2 - tb.w : p - tb.w / 2;
			tb.y = v ? p - th / 2 : across - ml / 2 - 2 - th;
			gfx_text(gfx, &tb);
		}
	}
	for (size_t i = 0; i < g->npointers; i++) {
		const struct gfx_gauge_pointer *p = &g->pointers[i];
		double a = AT(g->min), b = AT(p->value);
		double off = p->distance * breadth / 100;
		double wd = p->width * breadth / 100;

		if (p->empty)
			continue;
		if (p->kind == GFX_POINTER_BAR) {
			if (v)
				gfx_rect(gfx, across + off, b, wd, a - b,
				    p->color, NULL);
			else
				gfx_rect(gfx, a, across + off, b - a, wd,
				    p->color, NULL);
		} else {
			double l = p->length * breadth / 100;
			struct gfx_pt t[3];

			if (v) {
				t[0] = (struct gfx_pt){ across + off, b };
				t[1] = (struct gfx_pt){ across + off + l, b -
				    wd / 2 };
				t[2] = (struct gfx_pt){ across + off + l, b +
				    wd / 2 };
			} else {
				t[0] = (struct gfx_pt){ b, across + off };
				t[1] = (struct gfx_pt){ b - wd / 2, across +
				    off + l };
				t[2] = (struct gfx_pt){ b + wd / 2, across +
				    off + l };
			}
			gfx_poly(gfx, t, 3, true, p->color, NULL);
		}
	}
#undef AT
}

/* ---- state indicators ---- */

static void
icon_draw(struct gfx *gfx, enum gfx_icon icon, uint32_t color, double x,
    double y, double w, double h)
{
	double		 s = (w < h ? w : h) * 0.9;
	double		 cx = x + w / 2, cy = y + h / 2, k = s / 2;
	struct gfx_pt	 p[10];
	size_t		 n = 0;
	struct gfx_pen	 pen = { color, s / 6, GFX_SOLID };

#define P(a, b)	(p[n++] = (struct gfx_pt){ cx + (a) * k, cy + (b) * k })
	switch (icon) {
	case GFX_ICON_NONE:
		return;
	case GFX_ICON_SQUARE:
		gfx_rect(gfx, cx - k * 0.8, cy - k * 0.8, k * 1.6, k * 1.6,
		    color, NULL);
		return;
	case GFX_ICON_DIAMOND:
		P(0, -1); P(1, 0); P(0, 1); P(-1, 0);
		break;
	case GFX_ICON_TRIANGLE_UP:
		P(0, -0.9); P(1, 0.8); P(-1, 0.8);
		break;
	case GFX_ICON_TRIANGLE_DOWN:
		P(0, 0.9); P(1, -0.8); P(-1, -0.8);
		break;
	case GFX_ICON_ARROW_UP:
		P(0, -1); P(0.9, 0); P(0.35, 0); P(0.35, 1); P(-0.35, 1);
		P(-0.35, 0); P(-0.9, 0);
		break;
	case GFX_ICON_ARROW_DOWN:
		P(0, 1); P(0.9, 0); P(0.35, 0); P(0.35, -1); P(-0.35, -1);
		P(-0.35, 0); P(-0.9, 0);
		break;
	case GFX_ICON_ARROW_SIDE:
		P(1, 0); P(0, 0.9); P(0, 0.35); P(-1, 0.35); P(-1, -0.35);
		P(0, -0.35); P(0, -0.9);
		break;
	case GFX_ICON_ARROW_SLANT_UP:
	case GFX_ICON_ARROW_SLANT_DOWN: {
		double sg = icon == GFX_ICON_ARROW_SLANT_UP ? -1 : 1;

		P(0.9, 0.9 * sg); P(0.9, -0.2 * sg); P(0.45, 0.25 * sg);
		P(-0.55, -0.75 * sg); P(-0.8, -0.5 * sg); P(0.2, 0.5 * sg);
		P(-0.2, 0.9 * sg);
		break;
	}
	case GFX_ICON_FLAG:
		gfx_rect(gfx, cx - k * 0.7, cy - k, k * 0.15, k * 2, color,
		    NULL);
		P(-0.55, -1); P(0.8, -0.6); P(-0.55, -0.2);
		break;
	case GFX_ICON_STAR:
		for (int i = 0; i < 10; i++) {
			double a = M_PI * i / 5, rr = i % 2 ? 0.42 : 1;

			P(rr * sin(a), -rr * cos(a));
		}
		break;
	case GFX_ICON_CHECK:
		gfx_line(gfx, cx - k * 0.8, cy, cx - k * 0.2, cy + k * 0.6,
		    &pen);
		gfx_line(gfx, cx - k * 0.2, cy + k * 0.6, cx + k * 0.8,
		    cy - k * 0.7, &pen);
		return;
	case GFX_ICON_CROSS:
		gfx_line(gfx, cx - k * 0.7, cy - k * 0.7, cx + k * 0.7,
		    cy + k * 0.7, &pen);
		gfx_line(gfx, cx - k * 0.7, cy + k * 0.7, cx + k * 0.7,
		    cy - k * 0.7, &pen);
		return;
	case GFX_ICON_EXCLAMATION:
		gfx_rect(gfx, cx - k * 0.15, cy - k, k * 0.3, k * 1.3, color,
		    NULL);
		gfx_rect(gfx, cx - k * 0.15, cy + k * 0.6, k * 0.3, k * 0.3,
		    color, NULL);
		return;
	case GFX_ICON_BAR:
		for (int i = 0; i < 4; i++)
			gfx_rect(gfx, cx - k + i * k * 0.5, cy + k - (i + 1) *
			    k * 0.5, k * 0.35, (i + 1) * k * 0.5, color, NULL);
		return;
	case GFX_ICON_CIRCLE:
	default:
		gfx_wedge(gfx, cx, cy, 0, k, 0, 360, color, NULL);
		return;
	}
#undef P
	gfx_poly(gfx, p, n, true, color, NULL);
}

void
gfx_gauge_panel_draw(struct gfx *gfx, const struct gfx_gauge_panel *p,
    double x, double y, double w, double h)
{
	if (p->back != GFX_NONE)
		gfx_rect(gfx, x, y, w, h, p->back, NULL);
	for (size_t i = 0; i < p->ngauges; i++) {
		const struct gfx_gauge *g = &p->gauges[i];
		double gx = x + w * g->x / 100, gy = y + h * g->y / 100;
		double gw = w * g->w / 100, gh = h * g->h / 100;
		char	 label[200];

		if (g->kind == GFX_GAUGE_INDICATOR)
			snprintf(label, sizeof(label), "%s", g->state != NULL ?
			    g->state : "no state");
		else
			snprintf(label, sizeof(label), "%s", g->name);
		gfx_group_begin(gfx, "rs-gauge", label);
		if (g->kind == GFX_GAUGE_RADIAL)
			radial_draw(gfx, g, gx, gy, gw, gh);
		else if (g->kind == GFX_GAUGE_LINEAR)
			linear_draw(gfx, g, gx, gy, gw, gh);
		else if (!g->empty)
			icon_draw(gfx, g->icon, g->icon_color, gx, gy, gw, gh);
		gfx_group_end(gfx);
	}
	for (size_t i = 0; i < p->ntexts; i++) {
		const struct gfx_gauge_text *t = &p->texts[i];
		struct gfx_textbox tb = { .text = t->text, .font = t->font,
		    .color = t->color, .align = t->align,
		    .valign = GFX_MIDDLE, .x = x + w * t->x / 100,
		    .y = y + h * t->y / 100, .w = w * t->w / 100,
		    .h = h * t->h / 100, .nowrap = true };

		gfx_text(gfx, &tb);
	}
}

void
gfx_gauge_panel_describe(const struct gfx_gauge_panel *p, struct buf *out)
{
	for (size_t i = 0; i < p->ngauges; i++) {
		const struct gfx_gauge *g = &p->gauges[i];

		if (i > 0)
			buf_puts(out, "; ", NULL);
		if (g->kind == GFX_GAUGE_INDICATOR) {
			if (g->empty)
				buf_printf(out, NULL, "indicator %s: no value",
				    g->name);
			else
				buf_printf(out, NULL, "indicator %s: %g, state "
				    "%s", g->name, g->value, g->state != NULL ?
				    g->state : "none");
			continue;
		}
		buf_printf(out, NULL, "%s gauge %s (%g to %g):",
		    g->kind == GFX_GAUGE_RADIAL ? "radial" : "linear", g->name,
		    g->min, g->max);
		for (size_t j = 0; j < g->npointers; j++) {
			if (g->pointers[j].empty)
				buf_printf(out, NULL, "%s no value", j ? "," :
				    "");
			else
				buf_printf(out, NULL, "%s %g", j ? "," : "",
				    g->pointers[j].value);
		}
	}
	for (size_t i = 0; i < p->ntexts; i++)
		buf_printf(out, NULL, "; %s", p->texts[i].text);
}
