/*
 * draw.c: a page of the model into a graphics surface.  A text box is its
 * fill, its text inside the padding (wrapped and clipped as the meter
 * measured it), then its borders; a line goes corner to corner of its
 * box; images and charts fill their boxes.  Boxes are drawn in the order
 * they were added: a rectangle's fill before its items, the page header
 * and footer last.
 */
#include "layout/layout_int.h"

static void
borders(struct gfx *g, const struct lay_box *b)
{
	const struct gfx_pen *p = b->st.border;
	double		 x = b->x, y = b->y, r = b->x + b->w, t = b->y + b->h;

	gfx_line(g, x, y, r, y, &p[0]);
	gfx_line(g, x, t, r, t, &p[1]);
	gfx_line(g, x, y, x, t, &p[2]);
	gfx_line(g, r, y, r, t, &p[3]);
}

static void
text_box(struct gfx *g, const struct lay_box *b)
{
	const struct lay_style *s = &b->st;
	struct gfx_textbox t = { .text = b->text, .font = s->font,
	    .color = s->color, .align = s->align, .valign = s->valign,
	    .x = b->x + s->padding[0], .y = b->y + s->padding[2],
	    .w = b->w - s->padding[0] - s->padding[1],
	    .h = b->h - s->padding[2] - s->padding[3] };

	gfx_rect(g, b->x, b->y, b->w, b->h, s->background, NULL);
	if (b->text != NULL)
		gfx_text(g, &t);
	borders(g, b);
}

void
lay_draw_page(const struct lay_doc *d, size_t i, struct gfx *g)
{
	const struct lay_page *p = lay_page(d, i);

	for (size_t k = 0; p != NULL && k < p->nboxes; k++) {
		const struct lay_box *b = &p->boxes[k];

		switch (b->kind) {
		case LAY_TEXT:
			text_box(g, b);
			break;
		case LAY_LINE:
			gfx_line(g, b->x, b->y, b->x + b->w, b->y + b->h,
			    &b->st.border[0]);
			break;
		case LAY_IMAGE:
			gfx_image(g, b->img, b->img_len, b->mime, b->x, b->y,
			    b->w, b->h);
			borders(g, b);
			break;
		case LAY_CHART:
			gfx_chart_draw(g, b->chart, b->x, b->y, b->w, b->h);
			break;
		}
	}
}
