/*
 * test_layout.c: unit tests of layout/: items keep their designed places,
 * side by side stays side by side, a grown (or hidden) item moves what is
 * below it by its growth, a rectangle grows with its items and puts its
 * frame under them; a data region's rows paginate with their repeated
 * header, page breaks and pages across; page bands; drawing a page.
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
#include "common/xmalloc.h"
#include "layout/layout.h"

static const struct lay_geom letter = { 612, 792, 72, 72, 468, 360 };

#define LONG "a long text that wraps over several lines of a narrow box"

static const struct lay_box *
box_with(const struct lay_doc *d, size_t page, const char *text)
{
	const struct lay_page *p = lay_page(d, page);

	for (size_t i = 0; p != NULL && i < p->nboxes; i++)
		if (p->boxes[i].text != NULL && strcmp(p->boxes[i].text, text) == 0)
			return &p->boxes[i];
	return NULL;
}

static struct lay_item
item(double top, double left, double w, double h)
{
	struct lay_item	 it = { .top = top, .left = left, .width = w,
	    .height = h };

	return it;
}

static void
test_geometry(void **state)
{
	struct lay_geom	 g = letter;
	struct gfx_meter *m = gfx_meter_new();
	struct rs_err	 e;

	(void)state;
	g.body_h = 10;
	assert_null(lay_new(&g, m, &e));
	assert_int_equal(e.code, RS_E_BADINPUT);
	gfx_meter_free(m);
}

static void
test_push(void **state)
{
	struct gfx_meter *m = gfx_meter_new();
	struct rs_err	 e;
	struct lay_doc	*d = lay_new(&letter, m, &e);
	struct lay_style st;
	struct lay_item	 a = item(0, 0, 60, 20), b = item(0, 100, 60, 20);
	struct lay_item	 c = item(30, 0, 60, 20), h = item(60, 0, 60, 50);
	struct lay_item	 z = item(120, 200, 60, 20);
	const struct lay_box *ba, *bb, *bc, *bz;

	(void)state;
	lay_style_init(&st);
	a.can_grow = true;
	h.hidden = true;
	assert_int_equal(lay_text(d, &a, &st, LONG, &e), 0);
	assert_int_equal(lay_text(d, &b, &st, "B", &e), 0);
	assert_int_equal(lay_text(d, &c, &st, "C", &e), 0);
	assert_int_equal(lay_text(d, &h, &st, "H", &e), 0);
	assert_int_equal(lay_text(d, &z, &st, "Z", &e), 0);
	ba = box_with(d, 0, LONG);
	bb = box_with(d, 0, "B");
	bc = box_with(d, 0, "C");
	bz = box_with(d, 0, "Z");
	assert_non_null(ba);
	assert_true(ba->h > 3 * 11);		/* grew to its text */
	assert_true(bb->y == ba->y && bb->x == 72 + 100);	/* beside */
	/* Below: moved by the growth, the 10pt gap kept. */
	assert_true(fabs(bc->y - (ba->y + ba->h + 10)) < 0.01);
	assert_null(box_with(d, 0, "H"));	/* hidden: not drawn */
	/* C also ends above Z and holds it: Z moves with A's growth only. */
	assert_true(fabs(bz->y - (72 + 120 + (ba->h - 20))) < 0.01);
	lay_free(d);
	/* With only a hidden item above it, an item moves up by its height. */
	d = lay_new(&letter, m, &e);
	h = item(0, 0, 60, 50);
	h.hidden = true;
	z = item(60, 0, 60, 20);
	assert_int_equal(lay_text(d, &h, &st, "H", &e), 0);
	assert_int_equal(lay_text(d, &z, &st, "Z", &e), 0);
	assert_true(box_with(d, 0, "Z")->y == 72 + 10);
	lay_free(d);
	gfx_meter_free(m);
}

static void
test_container(void **state)
{
	struct gfx_meter *m = gfx_meter_new();
	struct rs_err	 e;
	struct lay_doc	*d = lay_new(&letter, m, &e);
	struct lay_style st, frame;
	struct lay_item	 r = item(0, 50, 200, 40), in = item(0, 10, 60, 20);
	struct lay_item	 after = item(50, 0, 60, 20), first = item(0, 0, 40, 10);
	const struct lay_page *p;
	const struct lay_box *bi, *ba;

	(void)state;
	lay_style_init(&st);
	lay_style_init(&frame);
	frame.border[0] = (struct gfx_pen){ GFX_BLACK, 1, GFX_SOLID };
	in.can_grow = true;
	assert_int_equal(lay_text(d, &first, &st, "first", &e), 0);
	assert_int_equal(lay_container_begin(d, &r, &frame, &e), 0);
	assert_int_equal(lay_text(d, &in, &st, LONG, &e), 0);
	assert_int_equal(lay_container_end(d, &e), 0);
	assert_int_equal(lay_text(d, &after, &st, "after", &e), 0);
	p = lay_page(d, 0);
	bi = box_with(d, 0, LONG);
	ba = box_with(d, 0, "after");
	/* The frame goes under the rectangle's items, as tall as they need. */
	assert_null(p->boxes[1].text);
	assert_true(p->boxes[1].x == 72 + 50 && p->boxes[1].w == 200);
	assert_true(fabs(p->boxes[1].h - (40 + bi->h - 20)) < 0.01);
	assert_true(bi->x == 72 + 50 + 10);	/* inside the rectangle */
	assert_true(fabs(ba->y - (72 + 50 + bi->h - 20)) < 0.01);
	assert_int_equal(lay_container_end(d, &e), -1);
	lay_free(d);
	gfx_meter_free(m);
}

static void
add_row(struct lay_doc *d, const char *text, bool repeat, bool brk,
    size_t ncells, double width)
{
	struct lay_row	 row = { .height = 18, .repeat = repeat,
	    .ncells = ncells };
	struct rs_err	 e;

	row.cells = xcalloc(ncells, sizeof(*row.cells));
	for (size_t i = 0; i < ncells; i++) {
		lay_style_init(&row.cells[i].st);
		row.cells[i].width = width;
		row.cells[i].colspan = 1;
		row.cells[i].text = xasprintf("%s.%zu", text, i);
	}
	assert_int_equal(lay_region_row(d, &row, &e), 0);
	if (brk)
		lay_region_break(d);
}

static void
test_region(void **state)
{
	struct gfx_meter *m = gfx_meter_new();
	struct rs_err	 e;
	struct lay_doc	*d = lay_new(&letter, m, &e);
	struct lay_style st;
	struct lay_item	 t = item(0, 0, 100, 36), below = item(40, 0, 60, 20);
	char		 name[32];

	(void)state;
	lay_style_init(&st);
	assert_int_equal(lay_region_begin(d, &t, &e), 0);
	add_row(d, "head", true, false, 1, 100);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		add_row(d, name, false, i == 49, 1, 100);
	}
	assert_int_equal(lay_region_end(d, &e), 0);
	/* 20 rows of 18pt on a 360pt page: the header and 19 rows a page;
	 * rows 0-49, the page break, then 50-99. */
	assert_int_equal(lay_npages(d), 6);
	assert_non_null(box_with(d, 1, "head.0"));
	assert_non_null(box_with(d, 1, "r37.0"));
	assert_non_null(box_with(d, 2, "r38.0"));
	assert_non_null(box_with(d, 2, "r49.0"));
	assert_non_null(box_with(d, 3, "r50.0"));
	assert_true(box_with(d, 3, "head.0")->y == 72);
	assert_true(box_with(d, 3, "r50.0")->y == 72 + 18);
	/* The item below the region follows its last row. */
	assert_int_equal(lay_text(d, &below, &st, "below", &e), 0);
	assert_non_null(box_with(d, 5, "below"));
	assert_true(box_with(d, 5, "below")->y == box_with(d, 5,
	    "r99.0")->y + 18 + 4);
	lay_page_text(d, 5, 72, 740, 200, 20, &st, "Page 6 of 6", NULL);
	assert_non_null(box_with(d, 5, "Page 6 of 6"));
	lay_free(d);
	gfx_meter_free(m);
}

static void
test_across(void **state)
{
	struct gfx_meter *m = gfx_meter_new();
	struct rs_err	 e;
	struct lay_doc	*d = lay_new(&letter, m, &e);
	struct lay_item	 t = item(0, 0, 600, 36);
	struct buf	 b;
	struct gfx	*g;

	(void)state;
	assert_int_equal(lay_region_begin(d, &t, &e), 0);
	add_row(d, "h", true, false, 3, 200);
	add_row(d, "r", false, false, 3, 200);
	assert_int_equal(lay_region_end(d, &e), 0);
	/* 600pt of columns on a 468pt body: columns 1-2, then 3, across. */
	assert_int_equal(lay_npages(d), 2);
	assert_non_null(box_with(d, 0, "r.1"));
	assert_null(box_with(d, 0, "r.2"));
	assert_true(box_with(d, 1, "r.2")->x == 72);
	buf_init(&b, 0);
	g = gfx_svg_new(&b, 612, 792, NULL, NULL, &e);
	lay_draw_page(d, 1, g);
	assert_int_equal(gfx_finish(g, &e), 0);
	gfx_free(g);
	assert_non_null(strstr(b.data, ">r.2</tspan>"));
	assert_null(strstr(b.data, ">r.0</tspan>"));
	buf_fini(&b);
	lay_free(d);
	gfx_meter_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_push),
		cmocka_unit_test(test_container),
		cmocka_unit_test(test_region),
		cmocka_unit_test(test_across),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
