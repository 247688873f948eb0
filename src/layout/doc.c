/*
 * doc.c: the document and its pages, and the placement of the items that
 * are not data regions: textboxes (grown or shrunk to their text), lines,
 * images, charts and rectangles.  An item's place is its designed top in
 * its container, moved by the most any item ending above it moved; when
 * it is laid out, how far its own bottom moved is kept for the items
 * below it.  A rectangle's fill and border are put under its items once
 * its height is known.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "layout/layout_int.h"

void
lay_style_init(struct lay_style *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->font.family, "Arial", 6);
	s->font.size = 10;
	s->color = GFX_BLACK;
	s->background = GFX_NONE;
}

struct lay_doc *
lay_new(const struct lay_geom *g, struct gfx_meter *meter, struct rs_err *e)
{
	struct lay_doc	*d;

	if (g->body_w < 18 || g->body_h < 18) {
		rs_err_set(e, RS_E_BADINPUT, "cannot lay out the report: the "
		    "page leaves %.0f x %.0f pt for the body", g->body_w,
		    g->body_h);
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	d->g = *g;
	d->meter = meter;
	d->depth = 1;
	d->stack[0].x = g->body_x;
	d->stack[0].item.width = g->body_w;
	page_new(d, 0);
	return d;
}

void
lay_free(struct lay_doc *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->npages; i++) {
		for (size_t j = 0; j < d->pages[i].nboxes; j++) {
			free(d->pages[i].boxes[j].text);
			gfx_chart_free(d->pages[i].boxes[j].chart);
		}
		free(d->pages[i].boxes);
	}
	free(d->pages);
	for (size_t i = 0; i < d->depth; i++)
		free(d->stack[i].peers);
	rows_free(d->reg.rows, d->reg.nrows);
	free(d);
}

size_t
lay_npages(const struct lay_doc *d)
{
	return d->npages;
}

const struct lay_page *
lay_page(const struct lay_doc *d, size_t i)
{
	return i < d->npages ? &d->pages[i] : NULL;
}

size_t
page_new(struct lay_doc *d, double vbase)
{
	d->pages = xreallocarray(d->pages, d->npages + 1, sizeof(*d->pages));
	memset(&d->pages[d->npages], 0, sizeof(*d->pages));
	d->pages[d->npages].vbase = vbase;
	d->cur = d->npages;
	return d->npages++;
}

struct lay_box *
box_add(struct lay_doc *d, size_t page)
{
	struct lay_page	*p = &d->pages[page];

	if (p->nboxes == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->boxes = xreallocarray(p->boxes, p->cap, sizeof(*p->boxes));
	}
	memset(&p->boxes[p->nboxes], 0, sizeof(*p->boxes));
	return &p->boxes[p->nboxes++];
}

size_t
place(struct lay_doc *d, double y, double h, double *local)
{
	struct lay_page	*p;
	size_t		 j;

	p = &d->pages[d->cur];
	if (y < p->vbase) {
		/* Beside something that went on to later pages. */
		for (j = d->cur; j > 0 && d->pages[j].vbase > y; j--)
			;
		*local = y - d->pages[j].vbase;
		return j;
	}
	if (y + h > p->vbase + d->g.body_h && y > p->vbase)
		page_new(d, y);
	*local = y - d->pages[d->cur].vbase;
	return d->cur;
}

double
item_y(struct lay_doc *d, const struct lay_item *it, double *delta)
{
	struct container *c = &d->stack[d->depth - 1];
	bool		 any = false;
	double		 m = 0;

	for (size_t i = 0; i < c->npeers; i++)
		if (c->peers[i].bottom <= it->top + 0.01 &&
		    (!any || c->peers[i].delta > m)) {
			m = c->peers[i].delta;
			any = true;
		}
	*delta = m;
	return c->vy + it->top + m;
}

void
item_done(struct lay_doc *d, const struct lay_item *it, double delta,
    double h)
{
	struct container *c = &d->stack[d->depth - 1];
	struct peer	*p;

	c->peers = xreallocarray(c->peers, c->npeers + 1, sizeof(*c->peers));
	p = &c->peers[c->npeers++];
	p->top = it->top;
	p->bottom = it->top + it->height;
	p->delta = delta + h - it->height;
	if (p->bottom > c->last_bottom)
		c->last_bottom = p->bottom;
	if (it->top + delta + h > c->last_new)
		c->last_new = it->top + delta + h;
}

double
text_height(struct lay_doc *d, const struct lay_style *st, const char *text,
    double width)
{
	double		 w, h;

	if (text == NULL || text[0] == '\0')
		return st->padding[2] + st->padding[3];
	gfx_text_size(d->meter, &st->font, text, width - st->padding[0] -
	    st->padding[1], &w, &h);
	return h + st->padding[2] + st->padding[3];
}

/* A box for an item at its place; NULL when the item takes no room. */
static struct lay_box *
item_box(struct lay_doc *d, const struct lay_item *it, double h,
    enum lay_kind kind)
{
	struct container *c = &d->stack[d->depth - 1];
	double		 delta, y = item_y(d, it, &delta), local;
	struct lay_box	*b;
	size_t		 pg;

	if (it->hidden) {
		item_done(d, it, delta, 0);
		return NULL;
	}
	pg = place(d, y, h, &local);
	item_done(d, it, delta, h);
	b = box_add(d, pg);
	b->kind = kind;
	b->x = c->x + it->left;
	b->y = d->g.body_y + local;
	b->w = it->width;
	b->h = h;
	b->tag = it->tag;
	return b;
}

int
lay_text(struct lay_doc *d, const struct lay_item *it,
    const struct lay_style *st, const char *text, struct rs_err *e)
{
	double		 h = it->height, need;
	struct lay_box	*b;

	(void)e;
	if ((it->can_grow || it->can_shrink) && !it->hidden) {
		need = text_height(d, st, text, it->width);
		if ((it->can_grow && need > h) || (it->can_shrink && need < h))
			h = need;
	}
	b = item_box(d, it, h, LAY_TEXT);
	if (b == NULL)
		return 0;
	b->st = *st;
	b->text = text != NULL && text[0] != '\0' ? xstrdup(text) : NULL;
	return 0;
}

int
lay_line(struct lay_doc *d, const struct lay_item *it,
    const struct gfx_pen *pen, struct rs_err *e)
{
	struct lay_box	*b = item_box(d, it, it->height, LAY_LINE);

	(void)e;
	if (b != NULL) {
		lay_style_init(&b->st);
		b->st.border[0] = *pen;
	}
	return 0;
}

int
lay_image(struct lay_doc *d, const struct lay_item *it,
    const unsigned char *data, size_t len, const char *mime,
    struct rs_err *e)
{
	struct lay_box	*b = item_box(d, it, it->height, LAY_IMAGE);

	(void)e;
	if (b != NULL) {
		b->img = data;
		b->img_len = len;
		b->mime = mime;
	}
	return 0;
}

int
lay_chart(struct lay_doc *d, const struct lay_item *it, struct gfx_chart *ch,
    struct rs_err *e)
{
	struct lay_box	*b = item_box(d, it, it->height, LAY_CHART);

	(void)e;
	if (b == NULL)
		gfx_chart_free(ch);
	else
		b->chart = ch;
	return 0;
}

int
lay_container_begin(struct lay_doc *d, const struct lay_item *it,
    const struct lay_style *st, struct rs_err *e)
{
	struct container *p = &d->stack[d->depth - 1], *c;
	double		 delta, y = item_y(d, it, &delta), local;

	if (d->depth == LAY_DEPTH)
		return rs_err_set(e, RS_E_LIMIT, "rectangles are nested more "
		    "than %d deep", LAY_DEPTH - 1);
	c = &d->stack[d->depth++];
	memset(c, 0, sizeof(*c));
	c->vy = y;
	c->x = p->x + it->left;
	c->item = *it;
	c->delta = delta;
	c->st = *st;
	c->framed = !it->hidden && ((st->background >> 24) != 0 ||
	    st->border[0].width > 0 || st->border[1].width > 0 ||
	    st->border[2].width > 0 || st->border[3].width > 0);
	if (c->framed) {
		c->page0 = place(d, y, it->height, &local);
		c->box0 = d->pages[c->page0].nboxes;
	}
	return 0;
}

/* The rectangle's frame, under the boxes its items added. */
static void
frame(struct lay_doc *d, const struct container *c, double h)
{
	struct lay_page	*p = &d->pages[c->page0];
	struct lay_box	*b;

	box_add(d, c->page0);
	memmove(&p->boxes[c->box0 + 1], &p->boxes[c->box0],
	    (p->nboxes - 1 - c->box0) * sizeof(*p->boxes));
	b = &p->boxes[c->box0];
	memset(b, 0, sizeof(*b));
	b->kind = LAY_TEXT;
	b->st = c->st;
	b->x = c->x;
	b->y = d->g.body_y + (c->vy - p->vbase);
	b->w = c->item.width;
	b->h = fmin(h, d->g.body_h - (c->vy - p->vbase));
	b->tag = c->item.tag;
}

int
lay_container_end(struct lay_doc *d, struct rs_err *e)
{
	struct container *c = &d->stack[d->depth - 1];
	struct container done = *c;
	double		 h = c->item.height;

	if (d->depth < 2)
		return rs_err_set(e, RS_E_INTERNAL, "layout: no rectangle to end");
	/* It grows to hold what grew inside, keeping its bottom space. */
	if (c->npeers > 0 && c->last_new > c->last_bottom)
		h += c->last_new - c->last_bottom;
	if (c->item.hidden)
		h = 0;
	free(c->peers);
	d->depth--;
	if (done.framed)
		frame(d, &done, h);
	item_done(d, &done.item, done.delta, h);
	return 0;
}

void
lay_page_text(struct lay_doc *d, size_t page, double x, double y, double w,
    double h, const struct lay_style *st, const char *text, const void *tag)
{
	struct lay_box	*b;

	if (page >= d->npages)
		return;
	b = box_add(d, page);
	b->kind = LAY_TEXT;
	b->x = x;
	b->y = y;
	b->w = w;
	b->h = h;
	b->st = *st;
	b->text = text != NULL && text[0] != '\0' ? xstrdup(text) : NULL;
	b->tag = tag;
}
