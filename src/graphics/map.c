/*
 * map.c: maps drawn with the surface's primitives (see map.h).  The
 * shapes' points are projected with spherical Mercator (x the longitude,
 * y ln(tan(45 + latitude / 2)) in degrees) and the whole fitted into the
 * viewport with its aspect kept, north up.  A label is drawn at the
 * middle of its shape's largest ring when it fits there.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "graphics/map.h"

#define PAD		4.0
#define SWATCH		10.0
#define WKB_DEPTH	4
#define WKB_POINTS_MAX	(4u * 1024 * 1024)

struct gfx_map *
gfx_map_new(void)
{
	struct gfx_map	*m = xcalloc(1, sizeof(*m));

	snprintf(m->title_font.family, sizeof(m->title_font.family), "Arial");
	m->title_font.size = 10;
	m->title_font.bold = true;
	m->title_color = GFX_BLACK;
	m->back = GFX_WHITE;
	m->border = (struct gfx_pen){ 0xFF808080, 0.75, GFX_SOLID };
	m->outline = (struct gfx_pen){ 0xFF808080, 0.5, GFX_SOLID };
	m->label_font = m->title_font;
	m->label_font.bold = false;
	m->label_font.size = 8;
	m->label_color = GFX_BLACK;
	m->legend_font = m->label_font;
	return m;
}

void
gfx_map_free(struct gfx_map *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nshapes; i++) {
		for (size_t j = 0; j < m->shapes[i].nrings; j++)
			free(m->shapes[i].rings[j].pts);
		free(m->shapes[i].rings);
		free(m->shapes[i].label);
		free(m->shapes[i].name);
	}
	free(m->shapes);
	for (size_t i = 0; i < m->nkeys; i++)
		free(m->keys[i].text);
	free(m->keys);
	free(m->title);
	free(m->legend_title);
	free(m);
}

struct gfx_map_shape *
gfx_map_add_shape(struct gfx_map *m, const char *name)
{
	struct gfx_map_shape *s;

	m->shapes = xreallocarray(m->shapes, m->nshapes + 1,
	    sizeof(*m->shapes));
	s = &m->shapes[m->nshapes++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name != NULL ? name : "");
	s->fill = GFX_WHITE;
	return s;
}

void
gfx_map_add_key(struct gfx_map *m, const char *text, uint32_t color)
{
	m->keys = xreallocarray(m->keys, m->nkeys + 1, sizeof(*m->keys));
	m->keys[m->nkeys].text = xstrdup(text);
	m->keys[m->nkeys++].color = color;
}

/* ---- well-known binary ---- */

struct wkb {
	const unsigned char	*p;
	size_t			 left;
	bool			 le;
	size_t			 points;
};

static bool
u32(struct wkb *w, uint32_t *out)
{
	if (w->left < 4)
		return false;
	*out = w->le ? (uint32_t)w->p[0] | (uint32_t)w->p[1] << 8 |
	    (uint32_t)w->p[2] << 16 | (uint32_t)w->p[3] << 24 :
	    (uint32_t)w->p[3] | (uint32_t)w->p[2] << 8 |
	    (uint32_t)w->p[1] << 16 | (uint32_t)w->p[0] << 24;
	w->p += 4;
	w->left -= 4;
	return true;
}

static bool
f64(struct wkb *w, double *out)
{
	uint64_t	 v = 0;

	if (w->left < 8)
		return false;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)w->p[w->le ? i : 7 - i] << (8 * i);
	memcpy(out, &v, sizeof(*out));
	w->p += 8;
	w->left -= 8;
	return isfinite(*out);
}

static int
geometry(struct wkb *w, struct gfx_map_shape *s, int depth)
{
	uint32_t	 type, n, dims;

	if (depth > WKB_DEPTH || w->left < 1)
		return -1;
	w->le = w->p[0] == 1;
	w->p++;
	w->left--;
	if (!u32(w, &type))
		return -1;
	/* ISO Z, M and ZM types add 1000, 2000 and 3000. */
	dims = 2 + (type / 1000 == 1 || type / 1000 == 2) + 2 *
	    (type / 1000 == 3);
	type %= 1000;
	if (type == 6) {		/* MultiPolygon */
		if (!u32(w, &n))
			return -1;
		for (uint32_t i = 0; i < n; i++)
			if (geometry(w, s, depth + 1) == -1)
				return -1;
		return 0;
	}
	if (type != 3 || !u32(w, &n))	/* Polygon */
		return -1;
	for (uint32_t r = 0; r < n; r++) {
		struct gfx_map_ring *ring;
		uint32_t np;

		if (!u32(w, &np) || np > w->left / (8 * dims) ||
		    (w->points += np) > WKB_POINTS_MAX)
			return -1;
		s->rings = xreallocarray(s->rings, s->nrings + 1,
		    sizeof(*s->rings));
		ring = &s->rings[s->nrings++];
		ring->n = 0;
		ring->pts = xcalloc(np + 1, sizeof(*ring->pts));
		for (uint32_t i = 0; i < np; i++) {
			double extra;

			if (!f64(w, &ring->pts[i].x) || !f64(w, &ring->pts[i].y))
				return -1;
			for (uint32_t d = 2; d < dims; d++)
				if (!f64(w, &extra))
					return -1;
			ring->n++;
		}
	}
	return 0;
}

int
gfx_map_wkb(struct gfx_map_shape *s, const unsigned char *data, size_t len,
    struct rs_err *e)
{
	struct wkb	 w = { data, len, true, 0 };

	if (geometry(&w, s, 0) == -1)
		return rs_err_set(e, RS_E_BADINPUT, "spatial data of %s is not "
		    "a polygon or multipolygon in well-known binary", s->name);
	return 0;
}

/* ---- drawing ---- */

struct view {
	double	 x0, y0, scale;		/* projected origin, points per unit */
	double	 ox, oy;		/* the box's top left, offset */
};

static double
merc_y(double lat)
{
	lat = lat > 85 ? 85 : lat < -85 ? -85 : lat;
	return log(tan(M_PI / 4 + lat * M_PI / 360)) * 180 / M_PI;
}

static struct gfx_pt
project(const struct view *v, struct gfx_pt p)
{
	return (struct gfx_pt){ v->ox + (p.x - v->x0) * v->scale,
	    v->oy + (v->y0 - merc_y(p.y)) * v->scale };
}

static void
bounds(const struct gfx_map *m, double *x0, double *y0, double *x1,
    double *y1)
{
	*x0 = *y0 = INFINITY;
	*x1 = *y1 = -INFINITY;
	for (size_t i = 0; i < m->nshapes; i++)
		for (size_t j = 0; j < m->shapes[i].nrings; j++)
			for (size_t k = 0; k < m->shapes[i].rings[j].n; k++) {
				const struct gfx_pt *p =
				    &m->shapes[i].rings[j].pts[k];
				double y = merc_y(p->y);

				*x0 = fmin(*x0, p->x);
				*x1 = fmax(*x1, p->x);
				*y0 = fmin(*y0, y);
				*y1 = fmax(*y1, y);
			}
}

static void
shape_draw(struct gfx *g, const struct gfx_map *m, const struct view *v,
    const struct gfx_map_shape *s)
{
	double		 best = -1, bx0 = 0, bx1 = 0, by0 = 0, by1 = 0;

	gfx_group_begin(g, "rs-map-shape", s->name);
	for (size_t j = 0; j < s->nrings; j++) {
		const struct gfx_map_ring *r = &s->rings[j];
		struct gfx_pt *pts = xcalloc(r->n + 1, sizeof(*pts));
		double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY,
		    y1 = -INFINITY;

		for (size_t k = 0; k < r->n; k++) {
			pts[k] = project(v, r->pts[k]);
			x0 = fmin(x0, pts[k].x);
			x1 = fmax(x1, pts[k].x);
			y0 = fmin(y0, pts[k].y);
			y1 = fmax(y1, pts[k].y);
		}
		if (r->n >= 3)
			gfx_poly(g, pts, r->n, true, s->fill, &m->outline);
		if ((x1 - x0) * (y1 - y0) > best) {
			best = (x1 - x0) * (y1 - y0);
			bx0 = x0;
			bx1 = x1;
			by0 = y0;
			by1 = y1;
		}
		free(pts);
	}
	if (s->label != NULL && s->label[0] != '\0' && best > 0) {
		double tw, th;
		struct gfx_textbox tb = { .text = s->label, .font =
		    m->label_font, .color = m->label_color, .align =
		    GFX_CENTER, .valign = GFX_MIDDLE, .nowrap = true };

		gfx_text_size(gfx_meter_of(g), &m->label_font, s->label, 0, &tw,
		    &th);
		if (tw <= (bx1 - bx0) * 0.9 && th <= (by1 - by0) * 0.9) {
			tb.x = (bx0 + bx1) / 2 - tw / 2 - 1;
			tb.y = (by0 + by1) / 2 - th / 2;
			tb.w = tw + 2;
			tb.h = th;
			gfx_text(g, &tb);
		}
	}
	gfx_group_end(g);
}

/* The legend at the right; returns its width. */
static double
legend_draw(struct gfx *g, const struct gfx_map *m, double x, double y,
    double w)
{
	struct gfx_meter *mt = gfx_meter_of(g);
	double		 lh = gfx_line_height(mt, &m->legend_font);
	double		 width = 0, tw, th, cy = y + PAD;
	struct gfx_font	 tf = m->legend_font;

	if (m->nkeys == 0)
		return 0;
	tf.bold = true;
	if (m->legend_title != NULL) {
		gfx_text_size(mt, &tf, m->legend_title, 0, &tw, &th);
		width = tw;
	}
	for (size_t i = 0; i < m->nkeys; i++) {
		gfx_text_size(mt, &m->legend_font, m->keys[i].text, 0, &tw, &th);
		width = fmax(width, SWATCH + PAD + tw);
	}
	width += 2 * PAD;
	if (width > w / 2)
		width = w / 2;
	x = x + w - width;
	gfx_rect(g, x, y, width, PAD * 2 + lh * (m->nkeys + (m->legend_title !=
	    NULL)), GFX_WHITE, &m->border);
	if (m->legend_title != NULL) {
		struct gfx_textbox tb = { .text = m->legend_title, .font = tf,
		    .color = GFX_BLACK, .align = GFX_LEFT, .valign = GFX_MIDDLE,
		    .x = x + PAD, .y = cy, .w = width - 2 * PAD, .h = lh,
		    .nowrap = true };

		gfx_text(g, &tb);
		cy += lh;
	}
	for (size_t i = 0; i < m->nkeys; i++) {
		struct gfx_textbox tb = { .text = m->keys[i].text, .font =
		    m->legend_font, .color = GFX_BLACK, .align = GFX_LEFT,
		    .valign = GFX_MIDDLE, .x = x + PAD + SWATCH + PAD, .y = cy,
		    .w = width - 3 * PAD - SWATCH, .h = lh, .nowrap = true };

		gfx_rect(g, x + PAD, cy + (lh - SWATCH) / 2, SWATCH, SWATCH,
		    m->keys[i].color, &m->outline);
		gfx_text(g, &tb);
		cy += lh;
	}
	return width;
}

void
gfx_map_draw(struct gfx *g, const struct gfx_map *m, double x, double y,
    double w, double h)
{
	double		 x0, y0, x1, y1, lw, top = y;
	struct view	 v;

	gfx_group_begin(g, "rs-map", m->title);
	if (m->title != NULL) {
		double lh = gfx_line_height(gfx_meter_of(g), &m->title_font);
		struct gfx_textbox tb = { .text = m->title, .font =
		    m->title_font, .color = m->title_color, .align = GFX_CENTER,
		    .valign = GFX_MIDDLE, .x = x, .y = y, .w = w, .h = lh + 4 };

		gfx_text(g, &tb);
		top += lh + 4;
	}
	lw = legend_draw(g, m, x, top, w);
	if (lw > 0)
		lw += PAD;
	gfx_rect(g, x, top, w - lw, y + h - top, m->back, &m->border);
	bounds(m, &x0, &y0, &x1, &y1);
	if (x1 > x0 && y1 > y0) {
		double vw = w - lw - 2 * PAD, vh = y + h - top - 2 * PAD;

		v.scale = fmin(vw / (x1 - x0), vh / (y1 - y0));
		v.x0 = x0;
		v.y0 = y1;
		v.ox = x + PAD + (vw - (x1 - x0) * v.scale) / 2;
		v.oy = top + PAD + (vh - (y1 - y0) * v.scale) / 2;
		gfx_clip(g, x, top, w - lw, y + h - top);
		for (size_t i = 0; i < m->nshapes; i++)
			shape_draw(g, m, &v, &m->shapes[i]);
		gfx_unclip(g);
	}
	gfx_group_end(g);
}

void
gfx_map_describe(const struct gfx_map *m, struct buf *out)
{
	size_t		 n = 0;

	buf_printf(out, NULL, "%s%smap of %zu shapes", m->title ? m->title :
	    "", m->title ? ": " : "", m->nshapes);
	for (size_t i = 0; i < m->nshapes; i++)
		if (m->shapes[i].has_value) {
			buf_printf(out, NULL, "%s %s %g", n++ ? "," : ";",
			    m->shapes[i].name, m->shapes[i].value);
		}
	buf_puts(out, ".", NULL);
}
