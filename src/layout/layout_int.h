/*
 * layout_int.h: shared by the files of layout/ only.  The document keeps
 * its pages and a stack of open containers (the body at the bottom); each
 * container remembers where its items ended, as designed and as laid out,
 * which is what moves the items after them (see layout.h).
 *
 * Positions down the body are "virtual": the body as one long strip.  A
 * page shows the strip from its vbase down by the body height, so an
 * item at virtual y is drawn at y - vbase on its page; a page starts
 * where the first item that did not fit the previous one begins.
 */
#ifndef RS_LAYOUT_INT_H
#define RS_LAYOUT_INT_H

#include "layout/layout.h"

#define LAY_DEPTH	40	/* nested rectangles */

/* An item already placed in a container, as the items after it see it. */
struct peer {
	double		 top, bottom;	/* as designed, in the container */
	double		 delta;		/* how far its bottom moved */
};

struct container {
	double		 vy;		/* virtual y of its top */
	double		 x;		/* page x of its left edge */
	struct lay_item	 item;		/* as designed in its parent */
	double		 delta;		/* how far it moved in its parent */
	struct peer	*peers;
	size_t		 npeers;
	double		 last_bottom;	/* lowest designed bottom inside */
	double		 last_new;	/* lowest laid-out bottom inside */
	bool		 framed;	/* a rectangle with a fill or border */
	struct lay_style st;
	size_t		 page0, box0;	/* where its frame goes */
};

struct region {
	bool		 open;
	struct lay_item	 item;
	double		 vy, x, delta;
	struct lay_row	*rows;
	size_t		 nrows, cap;
};

struct lay_doc {
	struct lay_geom	 g;
	struct gfx_meter *meter;
	struct lay_page	*pages;
	size_t		 npages;
	size_t		 cur;		/* the page the flow is on */
	struct container stack[LAY_DEPTH];
	size_t		 depth;		/* stack[depth - 1] is open */
	struct region	 reg;
};

/* doc.c */
struct lay_box *box_add(struct lay_doc *, size_t page);
/* Page for content at virtual y of height h (a new page if it does not
 * fit the flow's page); *local is y on that page's body area. */
size_t	place(struct lay_doc *, double y, double h, double *local);
/* Starts a new page whose top is at virtual y. */
size_t	page_new(struct lay_doc *, double vbase);
/* Where an item of the open container goes (virtual y); *delta is how
 * far it moved. */
double	item_y(struct lay_doc *, const struct lay_item *, double *delta);
/* The item is laid out with height h: the items after it see that. */
void	item_done(struct lay_doc *, const struct lay_item *, double delta,
	    double h);
double	text_height(struct lay_doc *, const struct lay_style *,
	    const char *text, double width);

/* region.c */
void	rows_free(struct lay_row *, size_t);

#endif
