/*
 * gfx_int.h: shared by the files of graphics/ only.  A surface is a table
 * of operations (cairo.c, svg.c) over a backend state; text.c keeps the
 * pango state both the meter and the surfaces use.
 */
#ifndef RS_GRAPHICS_INT_H
#define RS_GRAPHICS_INT_H

#include <pango/pango.h>

#include "graphics/graphics.h"

struct gfx_ops {
	int	(*page_begin)(struct gfx *, double w, double h, struct rs_err *);
	int	(*finish)(struct gfx *, struct rs_err *);
	void	(*free)(struct gfx *);
	void	(*rect)(struct gfx *, double, double, double, double, uint32_t,
		    const struct gfx_pen *);
	void	(*poly)(struct gfx *, const struct gfx_pt *, size_t, bool,
		    uint32_t, const struct gfx_pen *);
	void	(*wedge)(struct gfx *, double, double, double, double, double,
		    double, uint32_t, const struct gfx_pen *);
	void	(*text)(struct gfx *, const struct gfx_textbox *);
	bool	(*image)(struct gfx *, const unsigned char *, size_t,
		    const char *, double, double, double, double);
	void	(*clip)(struct gfx *, double, double, double, double);
	void	(*unclip)(struct gfx *);
	void	(*group_begin)(struct gfx *, const char *, const char *);
	void	(*group_end)(struct gfx *);
};

struct gfx {
	const struct gfx_ops	*ops;
	struct gfx_meter	*meter;
	void			*be;	/* the backend's state */
};

/* text.c */
#define METER_SLOTS	256	/* laid-out texts kept for reuse */

/*
 * A meter keeps the texts it laid out last in a direct-mapped cache: a
 * report repeats values (dates, names, totals), and shaping is most of
 * the cost of drawing text.
 */
struct meter_slot {
	PangoLayout		*layout;	/* NULL until first used */
	char			*text;
	struct gfx_font		 font;
	int			 width;		/* pango units, -1: no wrap */
	enum gfx_align		 align;
};

struct gfx_meter {
	PangoFontMap		*map;
	PangoContext		*ctx;
	PangoFontDescription	*desc;
	struct meter_slot	 slots[METER_SLOTS];
};

/*
 * A layout of the text in the font and wrap width (pt), owned by the
 * meter and valid until its next call.
 */
PangoLayout *meter_layout(struct gfx_meter *, const struct gfx_font *,
	    const char *text, double width, enum gfx_align);
/*
 * Where a text box's layout goes inside its box (bw x bh, turned for
 * rotated text): the offsets its alignments give, and the layout's
 * logical extents (pt).
 */
struct text_place {
	double		 bw, bh;	/* the box along and across the text */
	double		 dx, dy;	/* the layout's top-left in the box */
	PangoRectangle	 log;		/* pango units */
};

/* Lays the text box out with the meter; the layout is the meter's. */
PangoLayout *text_place(struct gfx_meter *, const struct gfx_textbox *,
	    struct text_place *);
/* The font description of a report font, with its fallback families. */
void	font_desc(const struct gfx_font *, PangoFontDescription *);

/* surface.c */
struct gfx *gfx_alloc(const struct gfx_ops *, void *be);

/* Colour parts in 0..1. */
#define GFX_A(c)	((double)(((c) >> 24) & 255) / 255)
#define GFX_R(c)	((double)(((c) >> 16) & 255) / 255)
#define GFX_G(c)	((double)(((c) >> 8) & 255) / 255)
#define GFX_B(c)	((double)((c) & 255) / 255)

/* chart.c */
struct box {
	double	 x, y, w, h;
};

bool	chart_is_pie(const struct gfx_chart *);
bool	chart_has_data(const struct gfx_chart *);
/* An axis or label value as text, through the chart's formatter. */
void	chart_value_text(const struct gfx_chart *, double v, const char *fmt,
	    char *out, size_t n);

/* chart_plot.c: the plot inside what the titles and legend left. */
void	plot_pie(struct gfx *, const struct gfx_chart *, const struct box *);
void	plot_cartesian(struct gfx *, const struct gfx_chart *,
	    const struct box *);

/* chart_axes.c: value scales, and the axes around a cartesian plot. */
struct scale {
	double	 min, max, step;	/* data space; step between ticks */
	bool	 log, reversed;
	double	 p0, p1;		/* the plot span in points */
};

/* Picks min, max and step from the data range and the axis settings. */
void	scale_fit(struct scale *, const struct gfx_axis *, double lo,
	    double hi, double span);
/* Position along the plot of a value (clamped to the axis' range). */
double	scale_pos(const struct scale *, double v);
/* The tick values of a scale: min, min + step, ... up to max. */
size_t	scale_ticks(const struct scale *, double *out, size_t max);

/* A cartesian plot being drawn (chart_plot.c, laid out by chart_axes.c). */
struct plot {
	struct gfx		*g;
	const struct gfx_chart	*c;
	struct box		 area;	/* inside the axes */
	bool			 horiz;	/* bars: categories down the side */
	bool			 xy;	/* scatter, bubble: numeric x */
	bool			 has2;	/* a secondary value axis */
	size_t			 ncat;
	struct scale		 val, val2, xs;
	double			*lo, *hi;	/* nseries x ncat extents */
	double			 lo1, hi1, lo2, hi2, xlo, xhi;
	bool			 pct;	/* 100% stacked: values in percent */
	bool			 cat_turned;	/* labels drawn bottom to top */
	size_t			 cat_every;	/* label every nth category */
	double			 cat_band;	/* room the labels take */
};

/* Lays the axes out around the plot (sets area and the scales). */
void	axes_layout(struct plot *, const struct box *);
void	axes_draw_grid(struct plot *);
void	axes_draw(struct plot *);
/* Centre of category i along the category axis. */
double	cat_pos(const struct plot *, size_t i);
/* Width of one category's slot. */
double	cat_slot(const struct plot *);

#endif
