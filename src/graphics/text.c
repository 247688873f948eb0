/*
 * text.c: fonts and measuring.  A report names Windows fonts; each family
 * is asked for with a Liberation face after it (Liberation Sans, Serif
 * or Mono by the family's kind), so fontconfig takes the report's font
 * when it is installed, else the metric-compatible face, never an
 * unrelated default; characters the chosen face lacks (Arabic, CJK, ...)
 * come from whichever installed font has them, per character (pango's
 * fallback).  Text is shaped by HarfBuzz through pango, at 72 units per
 * inch with hinting off, so a measure in points is the same on every
 * surface and at every resolution: the meter and the surfaces share this
 * setup, and text measured by the layout engine wraps the same way when
 * drawn.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "common/str.h"
#include "common/xmalloc.h"
#include "graphics/gfx_int.h"

static const char *const serif[] = { "Times", "Georgia", "Cambria",
	"Garamond", "Book Antiqua", "Palatino", "Serif", NULL };
static const char *const mono[] = { "Courier", "Consolas", "Lucida Console",
	"Mono", NULL };

static bool
family_is(const char *family, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasestr(family, *list) != NULL)
			return true;
	return false;
}

void
font_desc(const struct gfx_font *f, PangoFontDescription *d)
{
	char		 fam[160];
	const char	*lib = "Liberation Sans";

	if (family_is(f->family, serif))
		lib = "Liberation Serif";
	else if (family_is(f->family, mono))
		lib = "Liberation Mono";
	/* A comma would start another family: keep the report's name whole. */
	snprintf(fam, sizeof(fam), "%.*s,%s", (int)strcspn(f->family, ","),
	    f->family[0] != '\0' ? f->family : lib, lib);
	pango_font_description_set_family(d, fam);
	pango_font_description_set_weight(d, f->bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(d, f->italic ? PANGO_STYLE_ITALIC :
	    PANGO_STYLE_NORMAL);
	pango_font_description_set_absolute_size(d, (f->size > 0 ? f->size :
	    10) * PANGO_SCALE);
}

static pthread_once_t fc_once = PTHREAD_ONCE_INIT;

/*
 * fontconfig's configuration is loaded once and stays for the process:
 * pango's font maps take references to it instead of each loading one.
 */
static void
fc_init(void)
{
	FcInit();
}

/* gcc says __SANITIZE_ADDRESS__; clang (make fuzz) says it by feature. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEXT_ASAN	1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(TEXT_ASAN)
/*
 * The sanitizer build's leak check ignores what fontconfig and pango's
 * fontconfig backend allocate once per process and never free (fontconfig
 * 2.14 parsing its configuration; pango 1.50 on its font-loading thread):
 * about 24 KB, the same after one render or a thousand (measured with a
 * loop of meters).  Leaks of our own pango objects (layouts, contexts,
 * font maps) have our frames and libpango's in their stacks and are still
 * reported.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libpangoft2-1.0.so\n";
}

/* Without the list of what was suppressed on every exit's stderr. */
const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

struct gfx_meter *
gfx_meter_new(void)
{
	struct gfx_meter *m = xcalloc(1, sizeof(*m));
	cairo_font_options_t *fo;

	pthread_once(&fc_once, fc_init);
	fo = cairo_font_options_create();

	/*
	 * A font map of the meter's own: pango objects are not shared
	 * between threads, and everything it caches goes with the meter.
	 */
	m->map = pango_cairo_font_map_new();
	m->ctx = pango_font_map_create_context(m->map);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(m->ctx, fo);
	pango_cairo_context_set_resolution(m->ctx, 72);
	/* Exact advances: rounding each to a whole point would make every
	 * text wider or narrower than the report's font. */
	pango_context_set_round_glyph_positions(m->ctx, FALSE);
	cairo_font_options_destroy(fo);
	m->desc = pango_font_description_new();
	return m;
}

void
gfx_meter_free(struct gfx_meter *m)
{
	if (m == NULL)
		return;
	pango_font_description_free(m->desc);
	for (size_t i = 0; i < METER_SLOTS; i++) {
		if (m->slots[i].layout != NULL)
			g_object_unref(m->slots[i].layout);
		free(m->slots[i].text);
	}
	g_object_unref(m->ctx);
	g_object_unref(m->map);
	free(m);
}

static bool
same_font(const struct gfx_font *a, const struct gfx_font *b)
{
	return a->size == b->size && a->bold == b->bold &&
	    a->italic == b->italic && a->underline == b->underline &&
	    strcmp(a->family, b->family) == 0;
}

static size_t
slot_of(const struct gfx_font *f, const char *text, int width,
    enum gfx_align align)
{
	uint64_t	 h = 1469598103934665603ULL;	/* FNV-1a */
	const char	*p;

	for (p = text; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (p = f->family; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h ^= (uint64_t)(f->size * 64) * 31 + (uint64_t)width * 7 +
	    (uint64_t)align * 3 + (uint64_t)(f->bold + 2 * f->italic +
	    4 * f->underline);
	h *= 1099511628211ULL;
	return (size_t)(h >> 32) % METER_SLOTS;
}

PangoLayout *
meter_layout(struct gfx_meter *m, const struct gfx_font *f, const char *text,
    double width, enum gfx_align align)
{
	static const PangoAlignment al[] = { PANGO_ALIGN_LEFT,
	    PANGO_ALIGN_CENTER, PANGO_ALIGN_RIGHT };
	int		 w = width > 0 ? (int)(width * PANGO_SCALE) : -1;
	struct meter_slot *s = &m->slots[slot_of(f, text, w, align)];
	PangoAttrList	*attrs;

	if (s->layout != NULL && s->width == w && s->align == align &&
	    same_font(&s->font, f) && strcmp(s->text, text) == 0)
		return s->layout;
	if (s->layout == NULL)
		s->layout = pango_layout_new(m->ctx);
	if (s->text == NULL || !same_font(&s->font, f)) {
		font_desc(f, m->desc);
		pango_layout_set_font_description(s->layout, m->desc);
		attrs = pango_attr_list_new();
		if (f->underline)
			pango_attr_list_insert(attrs, pango_attr_underline_new(
			    PANGO_UNDERLINE_SINGLE));
		pango_layout_set_attributes(s->layout, attrs);
		pango_attr_list_unref(attrs);
		s->font = *f;
	}
	free(s->text);
	s->text = xstrdup(text);
	s->width = w;
	s->align = align;
	pango_layout_set_width(s->layout, w);
	pango_layout_set_wrap(s->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(s->layout, al[align]);
	pango_layout_set_text(s->layout, text, -1);
	return s->layout;
}

PangoLayout *
text_place(struct gfx_meter *m, const struct gfx_textbox *t,
    struct text_place *tp)
{
	bool		 turned = t->angle == 90 || t->angle == 270;
	PangoLayout	*l;
	double		 lw, lh;

	tp->bw = turned ? t->h : t->w;
	tp->bh = turned ? t->w : t->h;
	tp->dx = tp->dy = 0;
	l = meter_layout(m, &t->font, t->text, t->nowrap ? -1 : tp->bw,
	    t->align);
	/* Logical extents only: ink extents would load each glyph's outline. */
	pango_layout_get_extents(l, NULL, &tp->log);
	lw = (double)tp->log.width / PANGO_SCALE;
	lh = (double)tp->log.height / PANGO_SCALE;
	if (t->nowrap && t->align == GFX_CENTER)
		tp->dx = (tp->bw - lw) / 2;
	else if (t->nowrap && t->align == GFX_RIGHT)
		tp->dx = tp->bw - lw;
	if (t->valign == GFX_MIDDLE)
		tp->dy = (tp->bh - lh) / 2;
	else if (t->valign == GFX_BOTTOM)
		tp->dy = tp->bh - lh;
	return l;
}

void
gfx_text_size(struct gfx_meter *m, const struct gfx_font *f,
    const char *text, double width, double *w, double *h)
{
	PangoLayout	*l = meter_layout(m, f, text, width, GFX_LEFT);
	PangoRectangle	 log;

	pango_layout_get_extents(l, NULL, &log);
	*w = (double)log.width / PANGO_SCALE;
	*h = (double)log.height / PANGO_SCALE;
}

double
gfx_line_height(struct gfx_meter *m, const struct gfx_font *f)
{
	double		 w, h;

	gfx_text_size(m, f, "Xg", 0, &w, &h);
	return h;
}
