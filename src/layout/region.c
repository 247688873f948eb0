/*
 * region.c: a data region's rows down the pages.  The rows are kept until
 * the region ends (its RepeatOnNewPage rows repeat on each page; a row
 * that must stay with the next, KeepWithGroup=After, moves to the next
 * page with it when they do not fit together); a CanGrow cell makes its
 * row as tall as its text measured in its width.  A region wider than
 * the body is cut into column sets that fit, each laid out down the
 * pages in turn (down, then across).  Its height (the first column set's)
 * moves the items below it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "layout/layout_int.h"

#define COLUMN_SETS_MAX	64

static void
cell_fini(struct lay_cell *c)
{
	for (size_t i = 0; i < c->nsubs; i++)
		cell_fini(&c->subs[i]);
	free(c->subs);
	free(c->sub_pos);
	free(c->text);
	if (c->chart != NULL)
		gfx_chart_free(c->chart);
}

void
rows_free(struct lay_row *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < r[i].ncells; j++)
			cell_fini(&r[i].cells[j]);
		free(r[i].cells);
	}
	free(r);
}

int
lay_region_begin(struct lay_doc *d, const struct lay_item *it,
    struct rs_err *e)
{
	struct region	*r = &d->reg;

	if (r->open)
		return rs_err_set(e, RS_E_INTERNAL, "layout: a data region is "
		    "already open");
	memset(r, 0, sizeof(*r));
	r->open = true;
	r->item = *it;
	r->vy = item_y(d, it, &r->delta);
	r->x = d->stack[d->depth - 1].x + it->left;
	return 0;
}

/* CanGrow: the row takes the height its tallest wrapped text needs. */
static void
grow(struct lay_doc *d, struct lay_row *row)
{
	for (size_t i = 0; i < row->ncells; i++) {
		const struct lay_cell *c = &row->cells[i];
		double	 need;

		if (!c->can_grow || c->colspan == 0 || c->text == NULL ||
		    c->text[0] == '\0')
			continue;
		need = text_height(d, &c->st, c->text, c->width);
		if (need > row->height && need < d->g.body_h)
			row->height = need;
	}
}

int
lay_region_row(struct lay_doc *d, struct lay_row *row, struct rs_err *e)
{
	struct region	*r = &d->reg;

	if (!r->open)
		return rs_err_set(e, RS_E_INTERNAL, "layout: a row outside a "
		    "data region");
	if (r->nrows >= LAY_ROWS_MAX)
		return rs_err_set(e, RS_E_LIMIT, "more than %d rows in one data "
		    "region for a paginated format", LAY_ROWS_MAX);
	if (r->nrows == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->rows = xreallocarray(r->rows, r->cap, sizeof(*r->rows));
	}
	grow(d, row);
	r->rows[r->nrows++] = *row;
	memset(row, 0, sizeof(*row));
	return 0;
}

void
lay_region_break(struct lay_doc *d)
{
	if (d->reg.open && d->reg.nrows > 0)
		d->reg.rows[d->reg.nrows - 1].break_after = true;
}

static void
cell_box(struct lay_doc *d, size_t pg, const struct lay_cell *c, double x,
    double y, double w, double h)
{
	struct lay_box	*b = box_add(d, pg);

	b->kind = c->img != NULL ? LAY_IMAGE : LAY_TEXT;
	b->x = x;
	b->y = y;
	b->w = w;
	b->h = h;
	b->st = c->st;
	b->text = c->text != NULL && c->text[0] != '\0' ? xstrdup(c->text) :
	    NULL;
	b->img = c->img;
	b->img_len = c->img_len;
	b->mime = c->mime;
	b->tag = c->tag;
}

static void
draw_row(struct lay_doc *d, size_t pg, const struct lay_row *row,
    size_t from, size_t to, double x, double local)
{
	double		 y = d->g.body_y + local;

	for (size_t i = from; i < to && i < row->ncells; i++) {
		const struct lay_cell *c = &row->cells[i];

		if (c->colspan == 0)
			continue;
		if (c->chart != NULL) {
			/* Its frame, then the chart (a repeated row draws
			 * the chart on its first page only). */
			struct lay_cell frame = *c;
			struct lay_box *b;

			frame.text = NULL;
			frame.img = NULL;
			cell_box(d, pg, &frame, x, y, c->width, row->height);
			b = box_add(d, pg);
			b->kind = LAY_CHART;
			b->x = x;
			b->y = y;
			b->w = c->width;
			b->h = row->height;
			b->chart = c->chart;
			((struct lay_cell *)c)->chart = NULL;
		} else if (c->nsubs > 0) {
			/* A rectangle: its fill and borders, then its items. */
			struct lay_cell frame = *c;

			frame.text = NULL;
			frame.img = NULL;
			cell_box(d, pg, &frame, x, y, c->width, row->height);
			for (size_t j = 0; j < c->nsubs; j++)
				cell_box(d, pg, &c->subs[j], x + c->sub_pos[j][0],
				    y + c->sub_pos[j][1], c->sub_pos[j][2],
				    c->sub_pos[j][3]);
		} else
			cell_box(d, pg, c, x, y, c->width, row->height);
		x += c->width;
	}
}

/* Column sets that fit the page width: starts[] of cell indexes. */
static size_t
column_sets(struct lay_doc *d, const struct lay_row *row, double x0,
    size_t *starts, size_t max)
{
	double		 w = 0, room = d->g.body_x + d->g.body_w - x0;
	size_t		 n = 1;

	starts[0] = 0;
	for (size_t i = 0; i < row->ncells; i++) {
		double cw = row->cells[i].colspan == 0 ? 0 : row->cells[i].width;

		if (w + cw > room + 0.01 && w > 0 && n < max) {
			starts[n++] = i;
			w = 0;
			room = d->g.body_w;
		}
		w += cw;
	}
	return n;
}

/* The RepeatOnNewPage rows at the top of a new page; their height. */
static double
repeat_rows(struct lay_doc *d, size_t pg, size_t upto, size_t from,
    size_t to, double x)
{
	double		 ry = 0;

	for (size_t k = 0; k < upto && d->reg.rows[k].repeat; k++) {
		draw_row(d, pg, &d->reg.rows[k], from, to, x, ry);
		ry += d->reg.rows[k].height;
	}
	return ry;
}

/*
 * False when row i must stay with the rows after it (KeepWithGroup=After)
 * and they do not fit below it on this page, though they would on a page
 * of their own.
 */
static bool
keep_fits(struct lay_doc *d, size_t i, double y)
{
	const struct region *r = &d->reg;
	double		 need = 0, vbase;

	if (!r->rows[i].keep_next || d->npages == 0)
		return true;
	vbase = d->pages[d->cur].vbase;
	if (y <= vbase)
		return true;
	for (size_t j = i; j < r->nrows && (j == i || r->rows[j - 1].keep_next);
	    j++)
		need += r->rows[j].height;
	return y + need <= vbase + d->g.body_h || need > d->g.body_h;
}

/* Lays the rows out for one column set; returns the height they took. */
static double
layout_set(struct lay_doc *d, size_t from, size_t to, double x)
{
	struct region	*r = &d->reg;
	double		 y = r->vy, local, rep_h = 0, shift;
	size_t		 before, pg;
	bool		 brk = false;

	for (size_t i = 0; i < r->nrows; i++) {
		double	 h = r->rows[i].height;

		before = d->npages;
		if (brk || !keep_fits(d, i, y)) {
			page_new(d, y);
			before = d->npages - 1;
		}
		pg = place(d, y, h, &local);
		if ((d->npages != before || brk) && rep_h > 0 && pg == d->cur &&
		    local == 0) {
			shift = repeat_rows(d, pg, i, from, to, x);
			d->pages[pg].vbase -= shift;
			local += shift;
		}
		draw_row(d, pg, &r->rows[i], from, to, x, local);
		if (r->rows[i].repeat)
			rep_h += h;
		y += h;
		brk = r->rows[i].break_after;
	}
	return y - r->vy;
}

int
lay_region_end(struct lay_doc *d, struct rs_err *e)
{
	struct region	*r = &d->reg;
	size_t		 starts[COLUMN_SETS_MAX + 1], nsets = 1;
	double		 h = 0, hs;

	if (!r->open)
		return rs_err_set(e, RS_E_INTERNAL, "layout: no data region to "
		    "end");
	if (r->item.hidden) {
		rows_free(r->rows, r->nrows);
		r->rows = NULL;
		r->nrows = 0;
	}
	if (r->nrows > 0)
		nsets = column_sets(d, &r->rows[0], r->x, starts,
		    COLUMN_SETS_MAX);
	starts[nsets] = (size_t)-1;
	for (size_t set = 0; set < nsets && r->nrows > 0; set++) {
		if (set > 0)
			page_new(d, r->vy);
		hs = layout_set(d, starts[set], starts[set + 1], set == 0 ? r->x :
		    d->g.body_x);
		if (set == 0)
			h = hs;
	}
	rows_free(r->rows, r->nrows);
	r->rows = NULL;
	r->nrows = r->cap = 0;
	r->open = false;
	item_done(d, &r->item, r->delta, h);
	return 0;
}
