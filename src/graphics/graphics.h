/*
 * graphics.h: the drawing layer every paginated and visual format shares.
 * Three parts:
 *
 *  - surfaces: an abstract canvas in points (1/72 in, origin top-left,
 *    y down) with rectangles, polygons, wedges, text, images and groups;
 *    backed by cairo for PDF (vector, subset TrueType fonts embedded) and
 *    PNG, and by an SVG writer for HTML (text stays text, groups carry
 *    titles for screen readers);
 *  - text: fonts resolved through fontconfig (Arial, Times New Roman and
 *    Courier New land on their metric-compatible Liberation faces; any
 *    script Liberation lacks falls back per character), shaped and wrapped
 *    by pango/HarfBuzz.  A meter measures with exactly the shaping the
 *    surfaces draw with, so a box sized by the layout engine fits its
 *    drawn text;
 *  - charts: a chart model (categories, series of points, axes, legend,
 *    titles, palette) drawn into any surface by gfx_chart_draw.
 *
 * Not here: RDL, expressions or data (render/ evaluates a report's Chart
 * into a struct gfx_chart), page placement (layout/).  Every object is
 * owned by its creator; nothing is shared between threads, so a render
 * per thread is safe (pango keeps one font map per thread).
 */
#ifndef RS_GRAPHICS_GRAPHICS_H
#define RS_GRAPHICS_GRAPHICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

/* Colours are 0xAARRGGBB; alpha 0 is transparent (nothing is drawn). */
#define GFX_BLACK	0xFF000000u
#define GFX_WHITE	0xFFFFFFFFu
#define GFX_NONE	0x00000000u

/*
 * "#RRGGBB", "#AARRGGBB" (as RDL writes them) or a .NET colour name
 * ("SteelBlue", "Transparent"), case-insensitive.  False when unknown.
 */
bool	gfx_color_parse(const char *, uint32_t *argb);

/*
 * The colours of a named chart palette ("BrightPastel", "Pacific",
 * "EarthTones", ...; NULL or "" is BrightPastel, the original's default
 * since 2008).  Returns the count and sets *colors to a static table, or
 * 0 for an unknown name.
 */
size_t	gfx_palette(const char *name, const uint32_t **colors);

struct gfx_font {
	char	 family[64];	/* as the report names it: "Arial" */
	double	 size;		/* pt */
	bool	 bold, italic, underline;
};

enum gfx_align { GFX_LEFT, GFX_CENTER, GFX_RIGHT };
enum gfx_valign { GFX_TOP, GFX_MIDDLE, GFX_BOTTOM };
enum gfx_dash { GFX_SOLID, GFX_DOTTED, GFX_DASHED };

struct gfx_pen {
	uint32_t	 color;		/* GFX_NONE: no stroke */
	double		 width;		/* pt */
	enum gfx_dash	 dash;
};

struct gfx_pt {
	double	 x, y;
};

/* A block of text laid out in a box: wrapped at words, clipped to it. */
struct gfx_textbox {
	const char	*text;		/* UTF-8; '\n' starts a paragraph */
	struct gfx_font	 font;
	uint32_t	 color;
	enum gfx_align	 align;
	enum gfx_valign	 valign;
	double		 x, y, w, h;	/* the box, after padding */
	bool		 nowrap;	/* one line per paragraph */
	int		 angle;		/* 0, 90 (bottom to top) or 270 */
};

/*
 * The meter: measures text as the surfaces draw it.  Make one per thread
 * (or per render) and reuse it; it caches pango's shaping state.
 */
struct gfx_meter;

struct gfx_meter *gfx_meter_new(void);
void	gfx_meter_free(struct gfx_meter *);
/*
 * Size of text in a font, wrapped at width when width > 0 (else one line
 * per paragraph): *w is the widest line, *h the lines' total height.
 */
void	gfx_text_size(struct gfx_meter *, const struct gfx_font *,
	    const char *text, double width, double *w, double *h);
/* Height of one line of the font (ascent + descent + leading). */
double	gfx_line_height(struct gfx_meter *, const struct gfx_font *);

/* A surface.  Sink for PDF and PNG output: 0, or -1 to stop. */
struct gfx;
typedef int (*gfx_write_fn)(void *arg, const void *data, size_t len);

/* Document information for the PDF (any field may be NULL). */
struct gfx_docinfo {
	const char	*title, *author, *subject, *creator;
	char		 created[32];	/* "2024-01-02T03:04:05", or "" */
};

/*
 * A PDF written to fn as pages finish.  Start each page with
 * gfx_page_begin, end the document with gfx_finish.  NULL on failure
 * (RS_E_INTERNAL).
 */
struct gfx *gfx_pdf_new(gfx_write_fn fn, void *arg,
	    const struct gfx_docinfo *, struct rs_err *);
/* One page as a PNG image of w x h points at dpi; gfx_finish writes it. */
struct gfx *gfx_png_new(gfx_write_fn fn, void *arg, double w, double h,
	    double dpi, struct rs_err *);
/*
 * An SVG element of w x h points appended to out, with a <title> and a
 * <desc> (the text alternative) when given; gfx_finish closes it.
 */
struct gfx *gfx_svg_new(struct buf *out, double w, double h,
	    const char *title, const char *desc, struct rs_err *);
/* Starts a page of w x h points (PDF; the other surfaces have one). */
int	gfx_page_begin(struct gfx *, double w, double h, struct rs_err *);
/* Ends the document; RS_E_IO when the sink failed, RS_E_INTERNAL else. */
int	gfx_finish(struct gfx *, struct rs_err *);
void	gfx_free(struct gfx *);
/* The meter the surface draws text with (borrowed). */
struct gfx_meter *gfx_meter_of(struct gfx *);

void	gfx_rect(struct gfx *, double x, double y, double w, double h,
	    uint32_t fill, const struct gfx_pen *);
void	gfx_line(struct gfx *, double x1, double y1, double x2, double y2,
	    const struct gfx_pen *);
/* A polyline (closed: a polygon, filled with fill). */
void	gfx_poly(struct gfx *, const struct gfx_pt *, size_t n, bool closed,
	    uint32_t fill, const struct gfx_pen *);
/*
 * A ring segment around (cx, cy) between radii r0 (0: a pie slice) and
 * r1, from angle a0 to a1 in degrees clockwise from twelve o'clock.
 */
void	gfx_wedge(struct gfx *, double cx, double cy, double r0, double r1,
	    double a0, double a1, uint32_t fill, const struct gfx_pen *);
void	gfx_text(struct gfx *, const struct gfx_textbox *);
/* A PNG or JPEG image scaled into the box; false if it cannot be read. */
bool	gfx_image(struct gfx *, const unsigned char *data, size_t len,
	    const char *mime, double x, double y, double w, double h);
/* Clip what follows to a box, until gfx_unclip. */
void	gfx_clip(struct gfx *, double x, double y, double w, double h);
void	gfx_unclip(struct gfx *);
/*
 * A group of marks with a name for assistive technology (SVG: <g> with a
 * <title>; the other surfaces ignore it).  label may be NULL.
 */
void	gfx_group_begin(struct gfx *, const char *cls, const char *label);
void	gfx_group_end(struct gfx *);

/* ---- Charts ---- */

struct gfx_gauge_panel;
struct gfx_map;

enum gfx_chart_type {
	GFX_CHART_COLUMN, GFX_CHART_BAR, GFX_CHART_LINE, GFX_CHART_AREA,
	GFX_CHART_PIE, GFX_CHART_DOUGHNUT, GFX_CHART_SCATTER,
	GFX_CHART_BUBBLE,
};

enum gfx_stacking { GFX_STACK_NONE, GFX_STACKED, GFX_STACKED100 };

enum gfx_marker { GFX_MARKER_NONE, GFX_MARKER_CIRCLE, GFX_MARKER_SQUARE,
	GFX_MARKER_DIAMOND, GFX_MARKER_TRIANGLE, GFX_MARKER_AUTO };

/* The 12 places of a legend, as RDL names them. */
enum gfx_position {
	GFX_POS_TOPLEFT, GFX_POS_TOPCENTER, GFX_POS_TOPRIGHT,
	GFX_POS_RIGHTTOP, GFX_POS_RIGHTCENTER, GFX_POS_RIGHTBOTTOM,
	GFX_POS_BOTTOMRIGHT, GFX_POS_BOTTOMCENTER, GFX_POS_BOTTOMLEFT,
	GFX_POS_LEFTBOTTOM, GFX_POS_LEFTCENTER, GFX_POS_LEFTTOP,
};

struct gfx_point {
	double		 y;		/* the value */
	double		 x;		/* scatter and bubble: the x value */
	double		 size;		/* bubble size */
	bool		 empty;		/* no value: a gap */
	uint32_t	 color;		/* GFX_NONE: the series' colour */
	char		*label;		/* data label text, or NULL */
};

struct gfx_series {
	char			*name;		/* legend text */
	enum gfx_chart_type	 type;
	enum gfx_stacking	 stacking;
	uint32_t		 color;		/* GFX_NONE: from the palette */
	struct gfx_pen		 line;		/* line charts: width */
	enum gfx_marker		 marker;
	double			 marker_size;	/* pt */
	bool			 secondary;	/* on the secondary value axis */
	bool			 hidden_in_legend;
	double			 point_width;	/* bars: 0..2, default 0.8 */
	struct gfx_point	*points;	/* ncategories of them */
	size_t			 npoints;
	struct gfx_font		 label_font;
	uint32_t		 label_color;
};

/* Formats an axis value (the axis' Format); writes into out. */
typedef void (*gfx_format_fn)(void *arg, double v, const char *format,
    char *out, size_t outsz);

struct gfx_axis {
	bool		 visible;
	char		*title;
	struct gfx_font	 font;		/* labels */
	uint32_t	 color;		/* labels */
	struct gfx_font	 title_font;
	uint32_t	 title_color;
	double		 min, max, interval;	/* NAN: automatic */
	bool		 log_scale, reversed, include_zero;
	bool		 margin;	/* category axis: half a slot each side */
	bool		 major_grid, minor_grid;
	struct gfx_pen	 grid;
	struct gfx_pen	 line;		/* the axis line */
	char		 format[64];	/* .NET format of the labels */
	int		 label_angle;	/* 0, or -90 .. 90 */
};

struct gfx_title {
	char		*text;
	struct gfx_font	 font;
	uint32_t	 color, background;
	enum gfx_align	 align;
	bool		 bottom;	/* docked below the plot */
};

struct gfx_legend {
	bool		 visible;
	enum gfx_position position;
	struct gfx_font	 font;
	uint32_t	 color, background;
	char		*title;
};

struct gfx_chart {
	char			*name;		/* the report item's name */
	struct gfx_title	*titles;
	size_t			 ntitles;
	char			**categories;	/* category labels */
	size_t			 ncategories;
	struct gfx_series	*series;
	size_t			 nseries;
	struct gfx_axis		 cat_axis, val_axis, val_axis2;
	struct gfx_legend	 legend;
	uint32_t		*palette;	/* owned (gfx_chart_set_palette) */
	size_t			 npalette;
	uint32_t		 background;
	struct gfx_pen		 border;
	uint32_t		 plot_background;
	char			*no_data;	/* shown when there are no points */
	struct gfx_font		 no_data_font;
	gfx_format_fn		 format;	/* NULL: %g */
	void			*format_arg;
	/*
	 * A GaugePanel travels as a chart (the formats place and draw
	 * charts; a gauge panel is placed and drawn the same way): when
	 * set, it is what gfx_chart_draw draws and describes (gauge.h).
	 */
	struct gfx_gauge_panel	*gauge;		/* owned */
	struct gfx_map		*map;		/* owned; a Map, likewise */
};

/* A new empty chart with the original's defaults (owned by the caller). */
struct gfx_chart *gfx_chart_new(void);
void	gfx_chart_free(struct gfx_chart *);
/* Copies n colours as the chart's palette (n = 0: keeps the one it has). */
void	gfx_chart_set_palette(struct gfx_chart *, const uint32_t *, size_t n);
/* Adds a series of npoints empty points; returns it (owned by chart). */
struct gfx_series *gfx_chart_add_series(struct gfx_chart *, const char *name,
	    size_t npoints);
/* The colour a series (or, for pies, a point) is drawn in. */
uint32_t gfx_chart_color(const struct gfx_chart *, size_t series,
	    size_t point);
/* A name for the chart's type ("column chart"), for text alternatives. */
const char *gfx_chart_kind(const struct gfx_chart *);
/* Draws the chart into the box of a surface. */
void	gfx_chart_draw(struct gfx *, const struct gfx_chart *, double x,
	    double y, double w, double h);
/*
 * A text alternative: the title, the kind, the series and their values
 * (up to max_points values, then a count of the rest), appended to out.
 */
void	gfx_chart_describe(const struct gfx_chart *, size_t max_points,
	    struct buf *out);

#endif
