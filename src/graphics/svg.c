/*
 * svg.c: the SVG surface, for HTML.  Marks become SVG elements in points
 * (the viewBox is the box in points, so the picture scales); text stays
 * text (<text> with a <tspan> per line, broken where pango breaks it, so
 * it wraps as in PDF), in the report's font with the Liberation face and
 * the generic family after it; a group is a <g> whose <title> names it
 * (a tooltip, and what assistive technology reads); the whole picture
 * has role="img", a <title> and a <desc> with the text alternative.  A
 * clip is a nested <svg> viewport, which needs no ids, so several
 * pictures can share one page.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "graphics/gfx_int.h"

struct sbe {
	struct buf	*out;
};

/* A coordinate: two decimals at most, no trailing zeros. */
static void
num(struct buf *b, double v)
{
	char		 s[48];
	size_t		 n;

	if (!isfinite(v))
		v = 0;
	snprintf(s, sizeof(s), "%.2f", v);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '0')
		s[--n] = '\0';
	if (n > 0 && s[n - 1] == '.')
		s[--n] = '\0';
	if (strcmp(s, "-0") == 0)
		snprintf(s, sizeof(s), "0");
	buf_puts(b, s, NULL);
}

static void
attr_num(struct buf *b, const char *name, double v)
{
	buf_printf(b, NULL, " %s=\"", name);
	num(b, v);
	buf_puts(b, "\"", NULL);
}

static void
color(struct buf *b, const char *what, uint32_t c)
{
	buf_printf(b, NULL, " %s=\"#%06X\"", what, (unsigned)(c & 0xFFFFFF));
	if (GFX_A(c) < 1)
		buf_printf(b, NULL, " %s-opacity=\"%.2f\"", what, GFX_A(c));
}

static void
paint(struct buf *b, uint32_t fill, const struct gfx_pen *pen)
{
	if (GFX_A(fill) > 0)
		color(b, "fill", fill);
	else
		buf_puts(b, " fill=\"none\"", NULL);
	if (pen == NULL)
		return;
	color(b, "stroke", pen->color);
	attr_num(b, "stroke-width", pen->width);
	if (pen->dash == GFX_DOTTED)
		buf_printf(b, NULL, " stroke-dasharray=\"%.2f %.2f\"",
		    pen->width, pen->width * 2);
	else if (pen->dash == GFX_DASHED)
		buf_printf(b, NULL, " stroke-dasharray=\"%.2f %.2f\"",
		    pen->width * 4, pen->width * 2);
}

static void
s_rect(struct gfx *g, double x, double y, double w, double h, uint32_t fill,
    const struct gfx_pen *pen)
{
	struct buf	*b = ((struct sbe *)g->be)->out;

	buf_puts(b, "<rect", NULL);
	attr_num(b, "x", x);
	attr_num(b, "y", y);
	attr_num(b, "width", w);
	attr_num(b, "height", h);
	paint(b, fill, pen);
	buf_puts(b, "/>\n", NULL);
}

static void
s_poly(struct gfx *g, const struct gfx_pt *p, size_t n, bool closed,
    uint32_t fill, const struct gfx_pen *pen)
{
	struct buf	*b = ((struct sbe *)g->be)->out;

	buf_puts(b, closed ? "<polygon points=\"" : "<polyline points=\"", NULL);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(b, " ", NULL);
		num(b, p[i].x);
		buf_puts(b, ",", NULL);
		num(b, p[i].y);
	}
	buf_puts(b, "\"", NULL);
	paint(b, fill, pen);
	buf_puts(b, "/>\n", NULL);
}

static void
pt(struct buf *b, double cx, double cy, double r, double a)
{
	double		 t = (a - 90) * M_PI / 180;

	num(b, cx + r * cos(t));
	buf_puts(b, ",", NULL);
	num(b, cy + r * sin(t));
}

static void
arc(struct buf *b, double cx, double cy, double r, double a0, double a1,
    int sweep)
{
	buf_puts(b, " A", NULL);
	num(b, r);
	buf_puts(b, ",", NULL);
	num(b, r);
	buf_printf(b, NULL, " 0 %d %d ", fabs(a1 - a0) > 180, sweep);
	pt(b, cx, cy, r, a1);
}

static void
s_wedge(struct gfx *g, double cx, double cy, double r0, double r1, double a0,
    double a1, uint32_t fill, const struct gfx_pen *pen)
{
	struct buf	*b = ((struct sbe *)g->be)->out;
	double		 mid = (a0 + a1) / 2;

	/* Two arcs, so a whole ring (360 degrees) is drawn too. */
	buf_puts(b, "<path d=\"M", NULL);
	if (r0 <= 0 && a1 - a0 < 360) {
		num(b, cx);
		buf_puts(b, ",", NULL);
		num(b, cy);
		buf_puts(b, " L", NULL);
	}
	pt(b, cx, cy, r1, a0);
	arc(b, cx, cy, r1, a0, mid, 1);
	arc(b, cx, cy, r1, mid, a1, 1);
	if (r0 > 0) {
		buf_puts(b, " L", NULL);
		pt(b, cx, cy, r0, a1);
		arc(b, cx, cy, r0, a1, mid, 0);
		arc(b, cx, cy, r0, mid, a0, 0);
	}
	buf_puts(b, " Z\"", NULL);
	paint(b, fill, pen);
	buf_puts(b, "/>\n", NULL);
}

static void
font_attrs(struct buf *b, const struct gfx_font *f)
{
	PangoFontDescription *d = pango_font_description_new();
	char		**fams;

	font_desc(f, d);
	fams = g_strsplit(pango_font_description_get_family(d), ",", 0);
	buf_puts(b, " font-family=\"", NULL);
	for (size_t i = 0; fams[i] != NULL; i++) {
		buf_puts(b, "'", NULL);
		buf_html(b, fams[i], NULL);
		buf_puts(b, "', ", NULL);
	}
	buf_puts(b, strstr(pango_font_description_get_family(d), "Serif") ?
	    "serif\"" : strstr(pango_font_description_get_family(d), "Mono") ?
	    "monospace\"" : "sans-serif\"", NULL);
	g_strfreev(fams);
	pango_font_description_free(d);
	attr_num(b, "font-size", f->size > 0 ? f->size : 10);
	if (f->bold)
		buf_puts(b, " font-weight=\"bold\"", NULL);
	if (f->italic)
		buf_puts(b, " font-style=\"italic\"", NULL);
	if (f->underline)
		buf_puts(b, " text-decoration=\"underline\"", NULL);
}

/* One <tspan> per line pango made, placed as cairo.c places them. */
static void
lines(struct buf *b, PangoLayout *l, const char *text, double dx, double dy,
    double bh)
{
	PangoLayoutIter	*it = pango_layout_get_iter(l);
	PangoRectangle	 log;
	bool		 first = true;

	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		double	 base = (double)pango_layout_iter_get_baseline(it) /
		    PANGO_SCALE;
		char	*s;

		pango_layout_iter_get_line_extents(it, NULL, &log);
		if (!first && (double)(log.y + log.height) / PANGO_SCALE >
		    bh + 0.5)
			break;		/* below the box: clipped */
		first = false;
		s = xstrndup(text + line->start_index, (size_t)line->length);
		s[strcspn(s, "\n")] = '\0';
		buf_puts(b, "<tspan", NULL);
		attr_num(b, "x", dx + (double)log.x / PANGO_SCALE);
		attr_num(b, "y", dy + base);
		buf_puts(b, ">", NULL);
		buf_html(b, s, NULL);
		buf_puts(b, "</tspan>", NULL);
		free(s);
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

static void
s_text(struct gfx *g, const struct gfx_textbox *t)
{
	struct buf	*b = ((struct sbe *)g->be)->out;
	double		 ox = t->x, oy = t->y;
	struct text_place tp;
	PangoLayout	*l = text_place(g->meter, t, &tp);

	buf_puts(b, "<text", NULL);
	font_attrs(b, &t->font);
	color(b, "fill", t->color);
	if (t->angle == 90) {
		ox = t->x;
		oy = t->y + t->h;
	} else if (t->angle == 270) {
		ox = t->x + t->w;
		oy = t->y;
	}
	buf_puts(b, " transform=\"translate(", NULL);
	num(b, ox);
	buf_puts(b, ",", NULL);
	num(b, oy);
	buf_printf(b, NULL, ")%s\">", t->angle == 90 ? " rotate(-90)" :
	    t->angle == 270 ? " rotate(90)" : "");
	lines(b, l, t->text, tp.dx, tp.dy, tp.bh);
	buf_puts(b, "</text>\n", NULL);
}

static bool
s_image(struct gfx *g, const unsigned char *data, size_t len,
    const char *mime, double x, double y, double w, double h)
{
	struct buf	*b = ((struct sbe *)g->be)->out;
	char		*b64 = xmalloc(str_base64_len(len));

	str_base64_encode(data, len, b64);
	buf_puts(b, "<image", NULL);
	attr_num(b, "x", x);
	attr_num(b, "y", y);
	attr_num(b, "width", w);
	attr_num(b, "height", h);
	buf_puts(b, " preserveAspectRatio=\"none\" href=\"data:", NULL);
	buf_html(b, mime != NULL && strchr(mime, '"') == NULL ? mime :
	    "image/png", NULL);
	buf_printf(b, NULL, ";base64,%s\"/>\n", b64);
	free(b64);
	return true;
}

static void
s_clip(struct gfx *g, double x, double y, double w, double h)
{
	struct buf	*b = ((struct sbe *)g->be)->out;

	buf_puts(b, "<svg overflow=\"hidden\"", NULL);
	attr_num(b, "x", x);
	attr_num(b, "y", y);
	attr_num(b, "width", w);
	attr_num(b, "height", h);
	buf_puts(b, " viewBox=\"", NULL);
	num(b, x);
	buf_puts(b, " ", NULL);
	num(b, y);
	buf_puts(b, " ", NULL);
	num(b, w);
	buf_puts(b, " ", NULL);
	num(b, h);
	buf_puts(b, "\">\n", NULL);
}

static void
s_unclip(struct gfx *g)
{
	buf_puts(((struct sbe *)g->be)->out, "</svg>\n", NULL);
}

static void
s_group_begin(struct gfx *g, const char *cls, const char *label)
{
	struct buf	*b = ((struct sbe *)g->be)->out;

	buf_puts(b, "<g", NULL);
	if (cls != NULL) {
		buf_puts(b, " class=\"", NULL);
		buf_html(b, cls, NULL);
		buf_puts(b, "\"", NULL);
	}
	buf_puts(b, ">", NULL);
	if (label != NULL) {
		buf_puts(b, "<title>", NULL);
		buf_html(b, label, NULL);
		buf_puts(b, "</title>", NULL);
	}
	buf_puts(b, "\n", NULL);
}

static void
s_group_end(struct gfx *g)
{
	buf_puts(((struct sbe *)g->be)->out, "</g>\n", NULL);
}

static int
s_finish(struct gfx *g, struct rs_err *e)
{
	(void)e;
	buf_puts(((struct sbe *)g->be)->out, "</svg>", NULL);
	return 0;
}

static void
s_free(struct gfx *g)
{
	free(g->be);
}

static const struct gfx_ops svg_ops = {
	.finish = s_finish, .free = s_free,
	.rect = s_rect, .poly = s_poly, .wedge = s_wedge, .text = s_text,
	.image = s_image, .clip = s_clip, .unclip = s_unclip,
	.group_begin = s_group_begin, .group_end = s_group_end,
};

struct gfx *
gfx_svg_new(struct buf *out, double w, double h, const char *title,
    const char *desc, struct rs_err *e)
{
	struct sbe	*s;

	if (w <= 0 || h <= 0) {
		rs_err_set(e, RS_E_BADINPUT, "cannot draw a picture of %.0f x "
		    "%.0f pt", w, h);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->out = out;
	buf_puts(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"",
	    NULL);
	buf_printf(out, NULL, " width=\"%.2fpt\" height=\"%.2fpt\" "
	    "viewBox=\"0 0 %.2f %.2f\">\n", w, h, w, h);
	if (title != NULL) {
		buf_puts(out, "<title>", NULL);
		buf_html(out, title, NULL);
		buf_puts(out, "</title>\n", NULL);
	}
	if (desc != NULL) {
		buf_puts(out, "<desc>", NULL);
		buf_html(out, desc, NULL);
		buf_puts(out, "</desc>\n", NULL);
	}
	return gfx_alloc(&svg_ops, s);
}
