/*
 * test_graphics.c: unit tests of graphics/: colours as reports write them,
 * the named palettes, text measured with the metric-compatible fonts,
 * charts drawn into the SVG surface (marks counted and measured, axis
 * ticks, text alternative, no-data message), and the PDF and PNG surfaces
 * (their output, and a sink that fails).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "graphics/graphics.h"

static void
test_colors(void **state)
{
	static const struct {
		const char	*in;
		bool		 ok;
		uint32_t	 want;
	} cases[] = {
		{ "#FF8000", true, 0xFFFF8000 }, { "#00ffffff", true, 0x00FFFFFF },
		{ "#80112233", true, 0x80112233 }, { "SteelBlue", true, 0xFF4682B4 },
		{ "steelblue", true, 0xFF4682B4 }, { "Transparent", true, 0 },
		{ "Gainsboro", true, 0xFFDCDCDC }, { "#12345", false, 0 },
		{ "#GG0000", false, 0 }, { "NoSuchColor", false, 0 },
		{ "", false, 0 },
	};
	uint32_t	 v;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		v = 0xDEADBEEF;
		assert_int_equal(gfx_color_parse(cases[i].in, &v), cases[i].ok);
		if (cases[i].ok)
			assert_int_equal(v, cases[i].want);
	}
}

static void
test_palettes(void **state)
{
	const uint32_t	*c;

	(void)state;
	/* No palette named: BrightPastel, the original's default since 2008. */
	assert_int_equal(gfx_palette(NULL, &c), 15);
	assert_int_equal(c[0], 0xFF418CF0);
	assert_int_equal(gfx_palette("Pacific", &c), 20);
	assert_int_equal(c[0], 0xFF01B8AA);
	assert_int_equal(gfx_palette("PacificLight", &c), 10);
	assert_int_equal(c[0], 0xFF4AC5BB);
	assert_int_equal(gfx_palette("grayscale", &c), 16);
	assert_int_equal(c[15], 0xFF232323);
	assert_int_equal(gfx_palette("SemiTransparent", &c), 16);
	assert_int_equal(c[0] >> 24, 150);
	assert_int_equal(gfx_palette("Rainbow", &c), 0);
}

static void
test_text(void **state)
{
	struct gfx_meter *m = gfx_meter_new();
	struct gfx_font	 arial = { "Arial", 10, false, false, false };
	struct gfx_font	 bold = arial;
	double		 w, h, w2, h2, lh;

	(void)state;
	/* Arial's advance widths (H 722, e 556, l 222, o 556 per 1000 em):
	 * Liberation Sans has the same, so a report's layout keeps its size. */
	gfx_text_size(m, &arial, "Hello", 0, &w, &h);
	assert_true(fabs(w - 22.78) < 0.1);
	lh = gfx_line_height(m, &arial);
	assert_true(lh > 10 && lh < 13);
	gfx_text_size(m, &arial, "one two three four five six seven", 50, &w,
	    &h);
	assert_true(w <= 50.5);
	assert_true(h > 3 * lh - 0.1);
	/* The same text again (from the meter's cache) measures the same. */
	gfx_text_size(m, &arial, "one two three four five six seven", 50, &w2,
	    &h2);
	assert_true(w == w2 && h == h2);
	bold.bold = true;
	gfx_text_size(m, &bold, "Hello", 0, &w2, &h2);
	assert_true(w2 > 22.78);
	/* A newline starts a paragraph; CJK and Arabic measure (fallback). */
	gfx_text_size(m, &arial, "a\nb", 0, &w, &h);
	assert_true(h > 2 * lh - 0.1);
	gfx_text_size(m, &arial, "中文报表", 0, &w, &h);
	assert_true(w > 30);
	gfx_meter_free(m);
}

static struct gfx_chart *
column_chart(const double *v, size_t n)
{
	struct gfx_chart *c = gfx_chart_new();
	struct gfx_series *s;

	c->categories = xcalloc(n, sizeof(*c->categories));
	c->ncategories = n;
	s = gfx_chart_add_series(c, "Sales", n);
	for (size_t i = 0; i < n; i++) {
		c->categories[i] = xasprintf("C%zu", i);
		s->points[i].y = v[i];
		s->points[i].empty = false;
	}
	return c;
}

/* Draws a chart into an SVG of 400 x 300 pt; the caller frees the text. */
static char *
svg_of(const struct gfx_chart *c)
{
	struct buf	 b;
	struct rs_err	 e;
	struct gfx	*g;

	buf_init(&b, 0);
	g = gfx_svg_new(&b, 400, 300, "T", "D", &e);
	assert_non_null(g);
	gfx_chart_draw(g, c, 0, 0, 400, 300);
	assert_int_equal(gfx_finish(g, &e), 0);
	gfx_free(g);
	return buf_take(&b, NULL);
}

static size_t
count(const char *s, const char *what)
{
	size_t		 n = 0;

	for (const char *p = s; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

/* The height of the i-th <rect> that follows a point's <title>. */
static double
bar_height(const char *svg, size_t i)
{
	const char	*p = svg;

	for (size_t k = 0; k <= i; k++) {
		p = strstr(p, "<g class=\"rs-point\">");
		assert_non_null(p);
		p++;
	}
	p = strstr(p, "height=\"");
	assert_non_null(p);
	return strtod(p + 8, NULL);
}

static void
test_chart_svg(void **state)
{
	static const double v[] = { 10, 25, 5, 37 };
	struct gfx_chart *c = column_chart(v, 4);
	char		*s;

	(void)state;
	s = svg_of(c);
	assert_non_null(strstr(s, "role=\"img\""));
	assert_non_null(strstr(s, "<title>T</title>"));
	assert_int_equal(count(s, "<g class=\"rs-point\">"), 4);
	assert_non_null(strstr(s, "<title>C3: 37</title>"));
	for (size_t i = 1; i < 4; i++)
		assert_true(fabs(bar_height(s, i) / bar_height(s, 0) - v[i] /
		    v[0]) < 0.01);
	/* Round ticks 0..40 by 10 for values up to 37. */
	assert_non_null(strstr(s, ">40</tspan>"));
	assert_null(strstr(s, ">50</tspan>"));
	assert_non_null(strstr(s, ">C0</tspan>"));
	free(s);
	/* The report's axis bounds and interval win. */
	c->val_axis.min = 0;
	c->val_axis.max = 60;
	c->val_axis.interval = 15;
	s = svg_of(c);
	assert_non_null(strstr(s, ">45</tspan>"));
	assert_non_null(strstr(s, ">60</tspan>"));
	assert_null(strstr(s, ">40</tspan>"));
	free(s);
	/* A log scale ticks each decade. */
	c->val_axis.min = c->val_axis.max = c->val_axis.interval = NAN;
	c->val_axis.log_scale = true;
	s = svg_of(c);
	assert_non_null(strstr(s, ">1</tspan>"));
	assert_non_null(strstr(s, ">100</tspan>"));
	free(s);
	gfx_chart_free(c);
}

static void
test_chart_kinds(void **state)
{
	static const double v[] = { 1, 3 };
	struct gfx_chart *c = column_chart(v, 2);
	struct buf	 d;
	char		*s;

	(void)state;
	c->series[0].type = GFX_CHART_PIE;
	s = svg_of(c);
	assert_int_equal(count(s, "<path"), 2);
	free(s);
	assert_string_equal(gfx_chart_kind(c), "pie chart");
	c->series[0].type = GFX_CHART_LINE;
	c->series[0].marker = GFX_MARKER_SQUARE;
	s = svg_of(c);
	/* One line in the series' colour through two square markers. */
	assert_int_equal(count(s, "stroke=\"#418CF0\""), 1);
	assert_int_equal(count(s, "fill=\"#418CF0\""), 2 + 1);	/* + legend */
	free(s);
	buf_init(&d, 0);
	gfx_chart_describe(c, 1, &d);
	assert_string_equal(d.data, "line chart, 1 series, 2 categories. "
	    "Sales: C0 1; and 1 more values.");
	buf_fini(&d);
	/* Nothing to show: the no-data message, no marks. */
	c->series[0].points[0].empty = c->series[0].points[1].empty = true;
	c->no_data = xstrdup("No Data Available");
	s = svg_of(c);
	assert_non_null(strstr(s, "No Data Available"));
	assert_null(strstr(s, "rs-point"));
	free(s);
	gfx_chart_free(c);
}

struct sink {
	struct buf	 b;
	bool		 fail;
};

static int
sink_write(void *arg, const void *p, size_t n)
{
	struct sink	*s = arg;

	if (s->fail)
		return -1;
	return buf_append(&s->b, p, n, NULL);
}

static void
test_surfaces(void **state)
{
	struct sink	 s = { .fail = false };
	struct gfx_docinfo di = { .title = "Doc", .created =
	    "2024-01-02T03:04:05" };
	struct gfx_textbox t = { .text = "Hi", .font = { "Arial", 12, 0, 0, 0 },
	    .color = GFX_BLACK, .x = 10, .y = 10, .w = 100, .h = 20 };
	struct rs_err	 e;
	struct gfx	*g;

	(void)state;
	buf_init(&s.b, 0);
	g = gfx_pdf_new(sink_write, &s, &di, &e);
	assert_non_null(g);
	assert_int_equal(gfx_page_begin(g, 300, 200, &e), 0);
	gfx_text(g, &t);
	assert_int_equal(gfx_page_begin(g, 300, 200, &e), 0);
	assert_int_equal(gfx_finish(g, &e), 0);
	gfx_free(g);
	assert_true(s.b.len > 500);
	assert_memory_equal(s.b.data, "%PDF-", 5);
	buf_fini(&s.b);

	buf_init(&s.b, 0);
	g = gfx_png_new(sink_write, &s, 72, 36, 144, &e);
	assert_non_null(g);
	gfx_rect(g, 0, 0, 10, 10, 0xFFFF0000, NULL);
	assert_int_equal(gfx_finish(g, &e), 0);
	gfx_free(g);
	assert_memory_equal(s.b.data, "\x89PNG", 4);
	/* 72 x 36 pt at 144 dpi: 144 x 72 pixels (IHDR). */
	assert_int_equal(((unsigned char)s.b.data[19]), 144);
	assert_int_equal(((unsigned char)s.b.data[23]), 72);
	buf_fini(&s.b);

	/* A sink that fails: the surface says so. */
	s.fail = true;
	g = gfx_png_new(sink_write, &s, 72, 36, 96, &e);
	assert_int_equal(gfx_finish(g, &e), -1);
	assert_int_equal(e.code, RS_E_IO);
	gfx_free(g);
	assert_null(gfx_png_new(sink_write, &s, 72 * 400, 36, 96, &e));
	assert_int_equal(e.code, RS_E_LIMIT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_colors),
		cmocka_unit_test(test_palettes),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_chart_svg),
		cmocka_unit_test(test_chart_kinds),
		cmocka_unit_test(test_surfaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
