/*
 * cairo.c: the cairo surfaces.  PDF pages are written to the sink as each
 * one ends (cairo embeds the fonts used as TrueType or CFF subsets when
 * the document ends, so any script prints); PNG is one page rendered at a
 * resolution and encoded at the end.  Text is drawn with the surface's
 * meter (text.c), whose layout matches what the layout engine measured.
 * Embedded PNG images are decoded by cairo; a JPEG goes into a PDF as it
 * is (its size read from its header), and is left out of a PNG.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "common/xmalloc.h"
#include "graphics/gfx_int.h"

#define IMAGE_CACHE	16

struct cbe {
	cairo_surface_t	*surf;
	cairo_t		*cr;
	gfx_write_fn	 fn;
	void		*arg;
	bool		 write_failed;
	bool		 pdf;
	bool		 page_open;
	bool		 layout_ready;	/* the meter's layout has our CTM */
	struct {
		const unsigned char *data;
		cairo_surface_t	*img;
	}		 images[IMAGE_CACHE];
	size_t		 nimages;
};

static cairo_status_t
write_cb(void *arg, const unsigned char *data, unsigned int len)
{
	struct cbe	*b = arg;

	if (b->write_failed || b->fn(b->arg, data, len) == -1) {
		b->write_failed = true;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

static void
source(cairo_t *cr, uint32_t c)
{
	cairo_set_source_rgba(cr, GFX_R(c), GFX_G(c), GFX_B(c), GFX_A(c));
}

static void
paint(cairo_t *cr, uint32_t fill, const struct gfx_pen *pen)
{
	if (GFX_A(fill) > 0) {
		source(cr, fill);
		if (pen != NULL)
			cairo_fill_preserve(cr);
		else
			cairo_fill(cr);
	}
	if (pen == NULL)
		return;
	source(cr, pen->color);
	cairo_set_line_width(cr, pen->width);
	if (pen->dash == GFX_SOLID)
		cairo_set_dash(cr, NULL, 0, 0);
	else {
		double d[2] = { pen->dash == GFX_DOTTED ? pen->width :
		    pen->width * 4, pen->width * 2 };
		cairo_set_dash(cr, d, 2, 0);
	}
	cairo_stroke(cr);
}

static void
c_rect(struct gfx *g, double x, double y, double w, double h, uint32_t fill,
    const struct gfx_pen *pen)
{
	struct cbe	*b = g->be;

	cairo_rectangle(b->cr, x, y, w, h);
	paint(b->cr, fill, pen);
}

static void
c_poly(struct gfx *g, const struct gfx_pt *p, size_t n, bool closed,
    uint32_t fill, const struct gfx_pen *pen)
{
	struct cbe	*b = g->be;

	cairo_move_to(b->cr, p[0].x, p[0].y);
	for (size_t i = 1; i < n; i++)
		cairo_line_to(b->cr, p[i].x, p[i].y);
	if (closed)
		cairo_close_path(b->cr);
	paint(b->cr, fill, pen);
}

/* Degrees clockwise from twelve o'clock to cairo's radians. */
static double
rad(double a)
{
	return (a - 90) * M_PI / 180;
}

static void
c_wedge(struct gfx *g, double cx, double cy, double r0, double r1, double a0,
    double a1, uint32_t fill, const struct gfx_pen *pen)
{
	struct cbe	*b = g->be;

	cairo_new_path(b->cr);
	if (r0 <= 0) {
		if (a1 - a0 < 360)
			cairo_move_to(b->cr, cx, cy);
		cairo_arc(b->cr, cx, cy, r1, rad(a0), rad(a1));
	} else {
		cairo_arc(b->cr, cx, cy, r1, rad(a0), rad(a1));
		cairo_arc_negative(b->cr, cx, cy, r0, rad(a1), rad(a0));
	}
	cairo_close_path(b->cr);
	paint(b->cr, fill, pen);
}

static void
c_text(struct gfx *g, const struct gfx_textbox *t)
{
	struct cbe	*b = g->be;
	bool		 turned = t->angle == 90 || t->angle == 270;
	double		 x0 = turned ? 0 : t->x, y0 = turned ? 0 : t->y;
	struct text_place tp;
	bool		 clip;
	PangoLayout	*l = text_place(g->meter, t, &tp);

	if (turned) {
		cairo_save(b->cr);
		if (t->angle == 90) {
			cairo_translate(b->cr, t->x, t->y + t->h);
			cairo_rotate(b->cr, -M_PI / 2);
		} else {
			cairo_translate(b->cr, t->x + t->w, t->y);
			cairo_rotate(b->cr, M_PI / 2);
		}
		pango_cairo_update_layout(b->cr, l);
	} else if (!b->layout_ready) {
		/*
		 * Positions are given with move_to, not translations: pango
		 * keeps its shaping caches while the transformation stays.
		 */
		pango_cairo_update_layout(b->cr, l);
		b->layout_ready = true;
	}
	/* Cut what does not fit the box; most text fits and needs no clip. */
	clip = tp.dx + (double)tp.log.x / PANGO_SCALE < -0.5 ||
	    tp.dx + (double)(tp.log.x + tp.log.width) / PANGO_SCALE > tp.bw +
	    0.5 || tp.dy < -0.5 ||
	    tp.dy + (double)tp.log.height / PANGO_SCALE > tp.bh + 0.5;
	if (clip) {
		cairo_save(b->cr);
		cairo_rectangle(b->cr, x0, y0, tp.bw, tp.bh);
		cairo_clip(b->cr);
	}
	cairo_move_to(b->cr, x0 + tp.dx, y0 + tp.dy);
	source(b->cr, t->color);
	pango_cairo_show_layout(b->cr, l);
	if (clip)
		cairo_restore(b->cr);
	if (turned) {
		cairo_restore(b->cr);
		pango_cairo_update_layout(b->cr, l);
	}
}

struct memread {
	const unsigned char	*p;
	size_t			 left;
};

static cairo_status_t
read_cb(void *arg, unsigned char *data, unsigned int len)
{
	struct memread	*m = arg;

	if (len > m->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, m->p, len);
	m->p += len;
	m->left -= len;
	return CAIRO_STATUS_SUCCESS;
}

/* Width and height from a JPEG's frame header; false if none. */
static bool
jpeg_size(const unsigned char *d, size_t n, int *w, int *h)
{
	size_t		 i = 2;

	if (n < 4 || d[0] != 0xFF || d[1] != 0xD8)
		return false;
	while (i + 9 < n) {
		unsigned m = d[i + 1], len = (unsigned)d[i + 2] << 8 | d[i + 3];

		if (d[i] != 0xFF)
			return false;
		if ((m >= 0xC0 && m <= 0xC3) || (m >= 0xC5 && m <= 0xC7) ||
		    (m >= 0xC9 && m <= 0xCB) || (m >= 0xCD && m <= 0xCF)) {
			*h = d[i + 5] << 8 | d[i + 6];
			*w = d[i + 7] << 8 | d[i + 8];
			return *w > 0 && *h > 0;
		}
		i += 2 + len;
	}
	return false;
}

static cairo_surface_t *
load_image(struct cbe *b, const unsigned char *data, size_t len,
    const char *mime)
{
	cairo_surface_t	*img = NULL;
	struct memread	 m = { data, len };
	int		 w, h;

	for (size_t i = 0; i < b->nimages; i++)
		if (b->images[i].data == data)
			return b->images[i].img;
	if (mime != NULL && strcasestr(mime, "jpeg") != NULL) {
		if (!b->pdf || !jpeg_size(data, len, &w, &h) || w > 20000 ||
		    h > 20000)
			return NULL;
		img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
		cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, data, len,
		    NULL, NULL);
	} else
		img = cairo_image_surface_create_from_png_stream(read_cb, &m);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		return NULL;
	}
	if (b->nimages < IMAGE_CACHE) {
		b->images[b->nimages].data = data;
		b->images[b->nimages++].img = img;
	}
	return img;
}

static bool
c_image(struct gfx *g, const unsigned char *data, size_t len,
    const char *mime, double x, double y, double w, double h)
{
	struct cbe	*b = g->be;
	cairo_surface_t	*img = load_image(b, data, len, mime);
	int		 iw, ih;
	bool		 cached = false;

	if (img == NULL)
		return false;
	for (size_t i = 0; i < b->nimages; i++)
		cached = cached || b->images[i].img == img;
	iw = cairo_image_surface_get_width(img);
	ih = cairo_image_surface_get_height(img);
	cairo_save(b->cr);
	cairo_translate(b->cr, x, y);
	cairo_scale(b->cr, w / iw, h / ih);
	cairo_set_source_surface(b->cr, img, 0, 0);
	cairo_paint(b->cr);
	cairo_restore(b->cr);
	if (!cached)
		cairo_surface_destroy(img);
	return true;
}

static void
c_clip(struct gfx *g, double x, double y, double w, double h)
{
	struct cbe	*b = g->be;

	cairo_save(b->cr);
	cairo_rectangle(b->cr, x, y, w, h);
	cairo_clip(b->cr);
}

static void
c_unclip(struct gfx *g)
{
	cairo_restore(((struct cbe *)g->be)->cr);
}

static int
status(struct cbe *b, struct rs_err *e)
{
	cairo_status_t	 st = cairo_surface_status(b->surf);

	if (b->write_failed)
		return rs_err_set(e, RS_E_IO, "cannot write the document");
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_status(b->cr);
	if (st != CAIRO_STATUS_SUCCESS)
		return rs_err_set(e, RS_E_INTERNAL, "cannot draw the document: "
		    "%s", cairo_status_to_string(st));
	return 0;
}

static int
pdf_page_begin(struct gfx *g, double w, double h, struct rs_err *e)
{
	struct cbe	*b = g->be;

	if (b->page_open)
		cairo_show_page(b->cr);
	cairo_pdf_surface_set_size(b->surf, w, h);
	b->page_open = true;
	return status(b, e);
}

static int
pdf_finish(struct gfx *g, struct rs_err *e)
{
	struct cbe	*b = g->be;

	if (!b->page_open && pdf_page_begin(g, 612, 792, e) == -1)
		return -1;
	cairo_show_page(b->cr);
	cairo_surface_finish(b->surf);
	return status(b, e);
}

static int
png_finish(struct gfx *g, struct rs_err *e)
{
	struct cbe	*b = g->be;

	cairo_surface_flush(b->surf);
	if (status(b, e) == -1)
		return -1;
	cairo_surface_write_to_png_stream(b->surf, write_cb, b);
	return status(b, e);
}

static void
c_free(struct gfx *g)
{
	struct cbe	*b = g->be;

	for (size_t i = 0; i < b->nimages; i++)
		cairo_surface_destroy(b->images[i].img);
	cairo_destroy(b->cr);
	cairo_surface_destroy(b->surf);
	free(b);
}

static const struct gfx_ops pdf_ops = {
	.page_begin = pdf_page_begin, .finish = pdf_finish, .free = c_free,
	.rect = c_rect, .poly = c_poly, .wedge = c_wedge, .text = c_text,
	.image = c_image, .clip = c_clip, .unclip = c_unclip,
};

static const struct gfx_ops png_ops = {
	.finish = png_finish, .free = c_free,
	.rect = c_rect, .poly = c_poly, .wedge = c_wedge, .text = c_text,
	.image = c_image, .clip = c_clip, .unclip = c_unclip,
};

static void
metadata(cairo_surface_t *s, cairo_pdf_metadata_t what, const char *v)
{
	if (v != NULL && v[0] != '\0')
		cairo_pdf_surface_set_metadata(s, what, v);
}

struct gfx *
gfx_pdf_new(gfx_write_fn fn, void *arg, const struct gfx_docinfo *di,
    struct rs_err *e)
{
	struct cbe	*b = xcalloc(1, sizeof(*b));

	b->fn = fn;
	b->arg = arg;
	b->pdf = true;
	b->surf = cairo_pdf_surface_create_for_stream(write_cb, b, 612, 792);
	b->cr = cairo_create(b->surf);
	if (cairo_surface_status(b->surf) != CAIRO_STATUS_SUCCESS) {
		rs_err_set(e, RS_E_INTERNAL, "cannot start a PDF: %s",
		    cairo_status_to_string(cairo_surface_status(b->surf)));
		cairo_destroy(b->cr);
		cairo_surface_destroy(b->surf);
		free(b);
		return NULL;
	}
	if (di != NULL) {
		metadata(b->surf, CAIRO_PDF_METADATA_TITLE, di->title);
		metadata(b->surf, CAIRO_PDF_METADATA_AUTHOR, di->author);
		metadata(b->surf, CAIRO_PDF_METADATA_SUBJECT, di->subject);
		metadata(b->surf, CAIRO_PDF_METADATA_CREATOR, di->creator);
		metadata(b->surf, CAIRO_PDF_METADATA_CREATE_DATE, di->created);
	}
	return gfx_alloc(&pdf_ops, b);
}

struct gfx *
gfx_png_new(gfx_write_fn fn, void *arg, double w, double h, double dpi,
    struct rs_err *e)
{
	struct cbe	*b;
	double		 k = (dpi > 0 ? dpi : 96) / 72;

	if (w <= 0 || h <= 0 || w * k > 30000 || h * k > 30000) {
		rs_err_set(e, RS_E_LIMIT, "cannot make an image of %.0f x %.0f "
		    "pixels; the limit is 30000 on each side", w * k, h * k);
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	b->fn = fn;
	b->arg = arg;
	b->surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
	    (int)ceil(w * k), (int)ceil(h * k));
	b->cr = cairo_create(b->surf);
	if (cairo_surface_status(b->surf) != CAIRO_STATUS_SUCCESS) {
		rs_err_set(e, RS_E_INTERNAL, "cannot make an image: %s",
		    cairo_status_to_string(cairo_surface_status(b->surf)));
		cairo_destroy(b->cr);
		cairo_surface_destroy(b->surf);
		free(b);
		return NULL;
	}
	cairo_set_source_rgb(b->cr, 1, 1, 1);
	cairo_paint(b->cr);
	cairo_scale(b->cr, k, k);
	return gfx_alloc(&png_ops, b);
}
