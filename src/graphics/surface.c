/*
 * surface.c: the public drawing calls, each handed to the surface's
 * backend (cairo.c for PDF and PNG, svg.c for SVG).  Marks that cannot
 * show (a transparent fill with no pen, an empty box) are dropped here so
 * no backend writes them.
 */
#include <math.h>
#include <stdlib.h>

#include "common/xmalloc.h"
#include "graphics/gfx_int.h"

struct gfx *
gfx_alloc(const struct gfx_ops *ops, void *be)
{
	struct gfx	*g = xcalloc(1, sizeof(*g));

	g->ops = ops;
	g->be = be;
	g->meter = gfx_meter_new();
	return g;
}

struct gfx_meter *
gfx_meter_of(struct gfx *g)
{
	return g->meter;
}

int
gfx_page_begin(struct gfx *g, double w, double h, struct rs_err *e)
{
	return g->ops->page_begin != NULL ? g->ops->page_begin(g, w, h, e) : 0;
}

int
gfx_finish(struct gfx *g, struct rs_err *e)
{
	return g->ops->finish(g, e);
}

void
gfx_free(struct gfx *g)
{
	if (g == NULL)
		return;
	g->ops->free(g);
	gfx_meter_free(g->meter);
	free(g);
}

static bool
pen_shows(const struct gfx_pen *p)
{
	return p != NULL && GFX_A(p->color) > 0 && p->width > 0;
}

void
gfx_rect(struct gfx *g, double x, double y, double w, double h,
    uint32_t fill, const struct gfx_pen *pen)
{
	if (w <= 0 || h <= 0 || !isfinite(x + y + w + h))
		return;
	if (GFX_A(fill) == 0 && !pen_shows(pen))
		return;
	g->ops->rect(g, x, y, w, h, fill, pen_shows(pen) ? pen : NULL);
}

void
gfx_line(struct gfx *g, double x1, double y1, double x2, double y2,
    const struct gfx_pen *pen)
{
	struct gfx_pt	 p[2] = { { x1, y1 }, { x2, y2 } };

	gfx_poly(g, p, 2, false, GFX_NONE, pen);
}

void
gfx_poly(struct gfx *g, const struct gfx_pt *pts, size_t n, bool closed,
    uint32_t fill, const struct gfx_pen *pen)
{
	if (n < 2 || (GFX_A(fill) == 0 && !pen_shows(pen)))
		return;
	g->ops->poly(g, pts, n, closed, closed ? fill : GFX_NONE,
	    pen_shows(pen) ? pen : NULL);
}

void
gfx_wedge(struct gfx *g, double cx, double cy, double r0, double r1,
    double a0, double a1, uint32_t fill, const struct gfx_pen *pen)
{
	if (r1 <= 0 || r1 <= r0 || a1 <= a0 ||
	    (GFX_A(fill) == 0 && !pen_shows(pen)))
		return;
	if (a1 - a0 > 360)
		a1 = a0 + 360;
	g->ops->wedge(g, cx, cy, r0 < 0 ? 0 : r0, r1, a0, a1, fill,
	    pen_shows(pen) ? pen : NULL);
}

void
gfx_text(struct gfx *g, const struct gfx_textbox *t)
{
	if (t->text == NULL || t->text[0] == '\0' || GFX_A(t->color) == 0 ||
	    t->w <= 0 || t->h <= 0)
		return;
	g->ops->text(g, t);
}

bool
gfx_image(struct gfx *g, const unsigned char *data, size_t len,
    const char *mime, double x, double y, double w, double h)
{
	if (data == NULL || len == 0 || w <= 0 || h <= 0)
		return false;
	return g->ops->image(g, data, len, mime, x, y, w, h);
}

void
gfx_clip(struct gfx *g, double x, double y, double w, double h)
{
	g->ops->clip(g, x, y, w, h);
}

void
gfx_unclip(struct gfx *g)
{
	g->ops->unclip(g);
}

void
gfx_group_begin(struct gfx *g, const char *cls, const char *label)
{
	if (g->ops->group_begin != NULL)
		g->ops->group_begin(g, cls, label);
}

void
gfx_group_end(struct gfx *g)
{
	if (g->ops->group_end != NULL)
		g->ops->group_end(g);
}
