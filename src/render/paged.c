/*
 * paged.c: the paginated formats' side of processing.  Every item the
 * processing hands over becomes an item of layout/'s page model (a
 * textbox with its resolved style and text, a line, an image, a chart, a
 * rectangle around its items; a data region's rows, cell by cell); the
 * layout engine places them as designed and paginates.  At the end the
 * page count is known, so each page's header and footer are evaluated
 * (PageNumber, TotalPages, ReportItems! of that page, PrintOnFirstPage
 * and PrintOnLastPage) and put on it, and the format's writer draws the
 * pages.  Text is measured with the same meter the writers draw with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "layout/layout.h"
#include "render/render_int.h"

#define RECT_DEPTH	64

struct paged {
	struct lay_doc	*doc;
	struct gfx_meter *meter;
	paged_write_fn	 write;
	bool		 rect_hidden[RECT_DEPTH];	/* open rectangles */
	size_t		 nrect;
	int		 hidden;	/* open rectangles that are hidden */
	bool		 sink_failed;
};

struct gfx_meter *
paged_meter(struct rctx *c)
{
	return ((struct paged *)c->fmt)->meter;
}

int
paged_sink(void *arg, const void *data, size_t len)
{
	struct rctx	*c = arg;

	if (rctx_write(c, data, len) == -1) {
		((struct paged *)c->fmt)->sink_failed = true;
		return -1;
	}
	return 0;
}

static uint32_t
color_or(const char *s, uint32_t dflt)
{
	uint32_t	 v;

	return gfx_color_parse(s, &v) ? v : dflt;
}

static bool
numeric(const struct rcell *cell)
{
	return cell->value.type == EXPR_T_INT ||
	    cell->value.type == EXPR_T_FLOAT ||
	    cell->value.type == EXPR_T_DATETIME;
}

/* A resolved report style as the layout's. */
static void
style_of(const struct rstyle *st, bool num, struct lay_style *o)
{
	lay_style_init(o);
	snprintf(o->font.family, sizeof(o->font.family), "%s",
	    st->font_family);
	o->font.size = st->font_size > 0 ? st->font_size : 10;
	o->font.bold = st->bold;
	o->font.italic = st->italic;
	o->font.underline = st->underline;
	o->color = color_or(st->color, GFX_BLACK);
	o->background = color_or(st->background, GFX_NONE);
	if (strcasecmp(st->align, "Center") == 0)
		o->align = GFX_CENTER;
	else if (strcasecmp(st->align, "Right") == 0 ||
	    ((st->align[0] == '\0' || strcasecmp(st->align, "General") == 0) &&
	    num))
		o->align = GFX_RIGHT;
	if (strcasecmp(st->valign, "Middle") == 0)
		o->valign = GFX_MIDDLE;
	else if (strcasecmp(st->valign, "Bottom") == 0)
		o->valign = GFX_BOTTOM;
	memcpy(o->padding, st->padding, sizeof(o->padding));
	for (int i = 0; i < 4; i++) {
		const char *bs = st->border[i].style;

		if (bs[0] == '\0' || strcasecmp(bs, "None") == 0)
			continue;
		o->border[i].color = color_or(st->border[i].color, GFX_BLACK);
		o->border[i].width = st->border[i].width > 0 ?
		    st->border[i].width : 1;
		o->border[i].dash = strcasecmp(bs, "Dotted") == 0 ? GFX_DOTTED :
		    strcasecmp(bs, "Dashed") == 0 ? GFX_DASHED : GFX_SOLID;
	}
}

static struct lay_item
item_of(const struct rdl_item *it, bool hidden)
{
	struct lay_item	 li = { .top = it->top, .left = it->left,
	    .width = it->width, .height = it->height, .tag = it,
	    .hidden = hidden, .can_grow = it->can_grow,
	    .can_shrink = it->can_shrink };

	return li;
}

static const struct rdl_image *
image_of(struct rctx *c, const struct rdl_item *it)
{
	if (it == NULL || it->kind != RDL_IMAGE || it->image < 0 ||
	    (size_t)it->image >= c->r->nimages)
		return NULL;
	return &c->r->images[it->image];
}

int
paged_begin(struct rctx *c, paged_write_fn write)
{
	struct paged	*p = xcalloc(1, sizeof(*p));
	const struct rdl_page *pg = &c->r->page;
	struct lay_geom	 g;

	c->fmt = p;
	p->write = write;
	p->meter = gfx_meter_new();
	g.page_w = pg->width;
	g.page_h = pg->height;
	g.body_x = pg->margin[0];
	g.body_y = pg->margin[2] + (pg->header ? pg->header->height : 0);
	g.body_w = pg->width - pg->margin[0] - pg->margin[1];
	g.body_h = pg->height - g.body_y - pg->margin[3] -
	    (pg->footer ? pg->footer->height : 0);
	if (g.body_h < 36)
		return rs_err_set(c->e, RS_E_BADINPUT, "the page header and "
		    "footer leave no room for the body");
	p->doc = lay_new(&g, p->meter, c->e);
	return p->doc == NULL ? -1 : 0;
}

static int
rectangle(struct rctx *c, struct paged *p, const struct rdl_item *it)
{
	struct expr_value h;
	struct rstyle	 st;
	struct lay_style ls;
	struct lay_item	 li;
	bool		 hidden = p->hidden > 0;

	if (p->nrect == RECT_DEPTH)
		return rs_err_set(c->e, RS_E_LIMIT, "rectangles are nested too "
		    "deeply");
	if (eval_prop(c, it->hidden, &h) == -1 ||
	    style_resolve(c, it, &st) == -1)
		return -1;
	hidden = hidden || expr_value_truthy(&h);
	expr_value_fini(&h);
	p->rect_hidden[p->nrect++] = hidden;
	p->hidden += hidden;
	style_of(&st, false, &ls);
	li = item_of(it, hidden);
	return lay_container_begin(p->doc, &li, &ls, c->e);
}

int
paged_body_item(struct rctx *c, const struct rdl_item *it, struct rcell *cell,
    double y)
{
	struct paged	*p = c->fmt;
	const struct rdl_image *im;
	struct lay_style ls;
	struct lay_item	 li;

	(void)y;
	switch (it->kind) {
	case RDL_RECTANGLE:
		return rectangle(c, p, it);
	case RDL_IMAGE:
		li = item_of(it, p->hidden > 0);
		im = image_of(c, it);
		return im == NULL ? 0 : lay_image(p->doc, &li, im->data, im->len,
		    im->mime, c->e);
	case RDL_LINE: {
		struct rstyle	 st;

		if (style_resolve(c, it, &st) == -1)
			return -1;
		style_of(&st, false, &ls);
		if (ls.border[0].width <= 0)
			ls.border[0] = (struct gfx_pen){ GFX_BLACK, 1, GFX_SOLID };
		li = item_of(it, p->hidden > 0);
		return lay_line(p->doc, &li, &ls.border[0], c->e);
	}
	case RDL_TEXTBOX:
		if (cell == NULL)
			return 0;
		style_of(&cell->st, numeric(cell), &ls);
		li = item_of(it, cell->hidden || p->hidden > 0);
		return lay_text(p->doc, &li, &ls, cell->text, c->e);
	default:
		return 0;
	}
}

int
paged_item_end(struct rctx *c, const struct rdl_item *it)
{
	struct paged	*p = c->fmt;

	if (it->kind != RDL_RECTANGLE || p->nrect == 0)
		return 0;
	p->hidden -= p->rect_hidden[--p->nrect];
	return lay_container_end(p->doc, c->e);
}

int
paged_hidden_item(struct rctx *c, const struct rdl_item *it)
{
	struct paged	*p = c->fmt;
	struct lay_item	 li = item_of(it, true);

	if (lay_region_begin(p->doc, &li, c->e) == -1)
		return -1;
	return lay_region_end(p->doc, c->e);
}

int
paged_chart(struct rctx *c, const struct rdl_item *it, struct gfx_chart *ch,
    double y)
{
	struct paged	*p = c->fmt;
	struct lay_item	 li = item_of(it, p->hidden > 0);

	(void)y;
	return lay_chart(p->doc, &li, ch, c->e);
}

int
paged_tablix_begin(struct rctx *c, const struct rdl_item *it, double y)
{
	struct paged	*p = c->fmt;
	struct lay_item	 li = item_of(it, p->hidden > 0);

	(void)y;
	return lay_region_begin(p->doc, &li, c->e);
}

/* A rectangle in a cell: its textboxes, at their places. */
static void
cell_subs(const struct rcell *rc, struct lay_cell *o)
{
	if (rc->nsub == 0 || rc->hidden)
		return;
	o->subs = xcalloc(rc->nsub, sizeof(*o->subs));
	o->sub_pos = xcalloc(rc->nsub, sizeof(*o->sub_pos));
	for (size_t j = 0; j < rc->nsub; j++) {
		const struct rcell *s = &rc->sub[j];
		struct lay_cell *k = &o->subs[o->nsubs];

		if (s->item == NULL || s->item->kind != RDL_TEXTBOX)
			continue;
		style_of(&s->st, numeric(s), &k->st);
		k->text = xstrdup(s->hidden ? "" : s->text);
		k->colspan = 1;
		o->sub_pos[o->nsubs][0] = s->item->left;
		o->sub_pos[o->nsubs][1] = s->item->top;
		o->sub_pos[o->nsubs][2] = s->item->width;
		o->sub_pos[o->nsubs][3] = s->item->height;
		o->nsubs++;
	}
}

static void
cell_of(struct rctx *c, const struct rcell *rc, struct lay_cell *o)
{
	const struct rdl_image *im = rc->hidden ? NULL : image_of(c, rc->item);

	o->width = rc->width > 0 ? rc->width : 72;
	o->colspan = rc->colspan;
	style_of(&rc->st, numeric(rc), &o->st);
	o->text = rc->hidden || rc->text == NULL ? NULL : xstrdup(rc->text);
	o->can_grow = rc->item != NULL && rc->item->can_grow;
	o->tag = !rc->hidden && ritem_wanted(c, rc->item) ? rc->item : NULL;
	if (im != NULL) {
		o->img = im->data;
		o->img_len = im->len;
		o->mime = im->mime;
	}
	cell_subs(rc, o);
	/* The layout takes the chart (the row is the caller's, and done
	 * with once it is laid out). */
	if (!rc->hidden && rc->chart != NULL) {
		o->chart = rc->chart;
		((struct rcell *)rc)->chart = NULL;
	}
}

int
paged_row(struct rctx *c, const struct rrow *r)
{
	struct paged	*p = c->fmt;
	struct lay_row	 row = { .height = r->height, .repeat = r->repeat,
	    .keep_next = r->keep_next, .ncells = r->ncells };

	row.cells = xcalloc(r->ncells + 1, sizeof(*row.cells));
	for (size_t i = 0; i < r->ncells; i++)
		cell_of(c, &r->cells[i], &row.cells[i]);
	return lay_region_row(p->doc, &row, c->e);
}

int
paged_scope(struct rctx *c, const struct scope_info *si)
{
	(void)c;
	(void)si;
	return 0;
}

int
paged_page_break(struct rctx *c)
{
	lay_region_break(((struct paged *)c->fmt)->doc);
	return 0;
}

int
paged_tablix_end(struct rctx *c, const struct rdl_item *it, double *height)
{
	*height = it->height;
	return lay_region_end(((struct paged *)c->fmt)->doc, c->e);
}

/* ReportItems! of each page: the first text of each named textbox. */
static void
page_values(struct rctx *c, struct paged *p)
{
	if (c->nritems == 0)
		return;
	for (size_t i = 0; i < lay_npages(p->doc); i++) {
		const struct lay_page *pg = lay_page(p->doc, i);

		for (size_t k = 0; k < pg->nboxes; k++)
			if (pg->boxes[k].tag != NULL)
				page_value(c, (int)i + 1, pg->boxes[k].tag,
				    pg->boxes[k].text);
	}
}

static int
band(struct rctx *c, struct paged *p, const struct rdl_band *b, size_t page,
    double top)
{
	size_t		 n = lay_npages(p->doc);
	bool		 first = page == 0, last = page + 1 == n;
	struct rcell	 cell;
	struct lay_style ls;

	if (b == NULL || (first && !b->print_on_first) ||
	    (last && !b->print_on_last && n > 1))
		return 0;
	c->globals.page_number = (int)page + 1;
	c->globals.total_pages = (int)n;
	for (size_t i = 0; i < b->nitems; i++) {
		const struct rdl_item *it = b->items[i];

		if (it->kind != RDL_TEXTBOX)
			continue;
		if (eval_band_item(c, it, &cell) == -1)
			return -1;
		style_of(&cell.st, false, &ls);
		lay_page_text(p->doc, page, c->r->page.margin[0] + it->left,
		    top + it->top, it->width, it->height, &ls, cell.hidden ?
		    NULL : cell.text, NULL);
		rcell_fini(&cell);
	}
	return 0;
}

int
paged_end(struct rctx *c)
{
	struct paged	*p = c->fmt;
	const struct rdl_page *pg = &c->r->page;

	page_values(c, p);
	for (size_t i = 0; i < lay_npages(p->doc); i++)
		if (band(c, p, pg->header, i, pg->margin[2]) == -1 ||
		    band(c, p, pg->footer, i, pg->height - pg->margin[3] -
		    (pg->footer ? pg->footer->height : 0)) == -1)
			return -1;
	if (p->write(c, p->doc) == -1)
		return -1;
	return p->sink_failed ? -1 : 0;
}

void
paged_free(struct rctx *c)
{
	struct paged	*p = c->fmt;

	if (p == NULL)
		return;
	lay_free(p->doc);
	gfx_meter_free(p->meter);
	free(p);
	c->fmt = NULL;
}

/*
 * PDF (pdf.c) and IMAGE (image.c) share every operation but their begin
 * (which picks the writer): a macro rather than two copies of the table,
 * so a new operation cannot reach one format and miss the other.
 */
#define PAGED_OPS(fmt, begin_fn) {					\
	.name = (fmt), .styles = true, .items_first = false,		\
	.begin = (begin_fn), .body_item = paged_body_item,		\
	.tablix_begin = paged_tablix_begin, .scope_begin = paged_scope,	\
	.row = paged_row, .scope_end = paged_scope,			\
	.page_break = paged_page_break, .tablix_end = paged_tablix_end,	\
	.chart = paged_chart, .item_end = paged_item_end,		\
	.hidden_item = paged_hidden_item, .end = paged_end,		\
	.free = paged_free }

const struct rops rops_pdf = PAGED_OPS("PDF", pdf_begin);
const struct rops rops_image = PAGED_OPS("IMAGE", image_begin);
