/*
 * layout.h: the page model, and the engine that builds it once for every
 * paginated format.  A processed report (its items with their evaluated
 * text and styles, its data regions' rows) goes in; pages of positioned
 * boxes come out, which a renderer draws (lay_draw_page draws one into a
 * graphics surface: PDF and PNG today).
 *
 * Placement follows the original's rules: every item keeps its designed
 * Top, Left, Width and Height within its container (the body, or a
 * rectangle); items side by side stay side by side; when an item grows
 * (a data region's rows, a CanGrow textbox measured with the real font)
 * or takes no room (hidden), each item below it moves by the same amount
 * so the space between them stays as designed, and a rectangle grows to
 * hold what grew inside it.  An item is below another when its designed
 * top is at or past the other's designed bottom.  Pages: a physical page
 * holds the body area given in the geometry; an item that does not fit
 * the rest of a page starts the next one, a data region's rows continue
 * on the next page with their RepeatOnNewPage rows again, a region wider
 * than the page continues on pages across (down, then across).
 *
 * Not here: evaluating anything (render/ does), drawing primitives
 * (graphics/).  All sizes are points; page coordinates start at the
 * page's top-left corner.
 */
#ifndef RS_LAYOUT_LAYOUT_H
#define RS_LAYOUT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "graphics/graphics.h"

#define LAY_ROWS_MAX	5000000		/* rows of one data region */

/* How a box looks: fill, borders, padding and its text's font. */
struct lay_style {
	struct gfx_font	 font;
	uint32_t	 color;		/* text */
	uint32_t	 background;	/* GFX_NONE: none */
	enum gfx_align	 align;		/* General already resolved */
	enum gfx_valign	 valign;
	double		 padding[4];	/* left, right, top, bottom */
	struct gfx_pen	 border[4];	/* top, bottom, left, right */
};

enum lay_kind { LAY_TEXT, LAY_LINE, LAY_IMAGE, LAY_CHART };

/* One positioned thing on a page. */
struct lay_box {
	enum lay_kind		 kind;
	double			 x, y, w, h;	/* page coordinates */
	struct lay_style	 st;
	char			*text;		/* LAY_TEXT: owned, may be NULL */
	const unsigned char	*img;		/* LAY_IMAGE: borrowed */
	size_t			 img_len;
	const char		*mime;
	struct gfx_chart	*chart;		/* LAY_CHART: owned */
	const void		*tag;		/* the caller's item, or NULL */
};

struct lay_page {
	struct lay_box		*boxes;
	size_t			 nboxes, cap;
	double			 vbase;	/* body position of the page's top */
};

/* The page and the body area on it (inside margins, header, footer). */
struct lay_geom {
	double		 page_w, page_h;
	double		 body_x, body_y;	/* top-left of the body area */
	double		 body_w, body_h;
};

/* An item of the body or of a rectangle, as designed. */
struct lay_item {
	double		 top, left, width, height;	/* in its container */
	bool		 hidden;	/* takes no room and is not drawn */
	bool		 can_grow, can_shrink;
	const void	*tag;
};

/* A cell of a data region's row. */
struct lay_cell {
	double		 width;
	int		 colspan;	/* 0: covered by a span to its left */
	struct lay_style st;
	char		*text;		/* owned by the row once added */
	bool		 can_grow;
	const void	*tag;
	const unsigned char *img;	/* an image cell */
	size_t		 img_len;
	const char	*mime;
	struct gfx_chart *chart;	/* a sparkline or data bar, owned;
					   the first box drawn takes it */
	struct lay_cell	*subs;		/* a rectangle's textboxes, with */
	size_t		 nsubs;		/* left/top in sub_pos */
	double		(*sub_pos)[4];	/* left, top, width, height each */
};

struct lay_row {
	double		 height;
	bool		 repeat;	/* RepeatOnNewPage header row */
	bool		 keep_next;	/* on the page of the row after it */
	bool		 break_after;	/* a page break follows (a group's) */
	struct lay_cell	*cells;
	size_t		 ncells;
};

struct lay_doc;

/*
 * A new document of one empty page.  meter measures text (borrowed; the
 * caller keeps it until lay_free).  Returns NULL with RS_E_BADINPUT when the body area is
 * too small to lay anything out.
 */
struct lay_doc *lay_new(const struct lay_geom *, struct gfx_meter *,
	    struct rs_err *);
void	lay_free(struct lay_doc *);

/*
 * The items of a container are added in order of their top (then left).
 * Text: a textbox, grown or shrunk to its text when the item says so.
 */
int	lay_text(struct lay_doc *, const struct lay_item *,
	    const struct lay_style *, const char *text, struct rs_err *);
int	lay_line(struct lay_doc *, const struct lay_item *,
	    const struct gfx_pen *, struct rs_err *);
int	lay_image(struct lay_doc *, const struct lay_item *,
	    const unsigned char *data, size_t len, const char *mime,
	    struct rs_err *);
/* A chart in the item's box; the document takes it (also on failure). */
int	lay_chart(struct lay_doc *, const struct lay_item *, struct gfx_chart *,
	    struct rs_err *);
/* A rectangle: the items added until lay_container_end are inside it. */
int	lay_container_begin(struct lay_doc *, const struct lay_item *,
	    const struct lay_style *, struct rs_err *);
int	lay_container_end(struct lay_doc *, struct rs_err *);
/*
 * A data region: rows flow down from the item's place.  lay_region_row
 * takes the row's cells (and their texts and subs).
 */
int	lay_region_begin(struct lay_doc *, const struct lay_item *,
	    struct rs_err *);
int	lay_region_row(struct lay_doc *, struct lay_row *, struct rs_err *);
/* A page break after the last row added (a group's PageBreak). */
void	lay_region_break(struct lay_doc *);
/* Lays the rows out; the region's height pushes the items below it. */
int	lay_region_end(struct lay_doc *, struct rs_err *);

size_t	lay_npages(const struct lay_doc *);
const struct lay_page *lay_page(const struct lay_doc *, size_t);
/*
 * A textbox at a fixed place of a page (page header and footer items),
 * drawn over the body.
 */
void	lay_page_text(struct lay_doc *, size_t page, double x, double y,
	    double w, double h, const struct lay_style *, const char *text,
	    const void *tag);

/* A style with the defaults: 10pt Arial, black, no border, no fill. */
void	lay_style_init(struct lay_style *);
/* Draws page i into a surface whose page is already begun. */
void	lay_draw_page(const struct lay_doc *, size_t i, struct gfx *);

#endif
