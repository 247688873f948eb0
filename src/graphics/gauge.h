/*
 * gauge.h: the gauge model (a report's GaugePanel, evaluated by render/)
 * drawn into any surface: radial gauges (a scale on an arc, ranges, tick
 * marks and labels, needles, markers and bars), linear gauges (the same
 * on a straight scale) and state indicators (an icon in the colour of the
 * state its value falls in), with the panel's own labels.
 *
 * Places and sizes inside a panel are percentages, as RDL gives them: a
 * gauge's box of the panel's, a pivot of the gauge's box, a radius, a
 * width or a distance of the gauge's size (the smaller side of its box).
 * A radial scale's angles are RDL's: degrees clockwise from six o'clock.
 */
#ifndef RS_GRAPHICS_GAUGE_H
#define RS_GRAPHICS_GAUGE_H

#include "graphics/graphics.h"

enum gfx_gauge_kind { GFX_GAUGE_RADIAL, GFX_GAUGE_LINEAR,
	GFX_GAUGE_INDICATOR };

enum gfx_pointer_kind { GFX_POINTER_NEEDLE, GFX_POINTER_MARKER,
	GFX_POINTER_BAR };

/* The icons of state indicators (IndicatorStyle), by shape. */
enum gfx_icon { GFX_ICON_NONE, GFX_ICON_CIRCLE, GFX_ICON_SQUARE,
	GFX_ICON_DIAMOND, GFX_ICON_TRIANGLE_UP, GFX_ICON_TRIANGLE_DOWN,
	GFX_ICON_ARROW_UP, GFX_ICON_ARROW_DOWN, GFX_ICON_ARROW_SIDE,
	GFX_ICON_ARROW_SLANT_UP, GFX_ICON_ARROW_SLANT_DOWN, GFX_ICON_FLAG,
	GFX_ICON_STAR, GFX_ICON_CHECK, GFX_ICON_CROSS, GFX_ICON_EXCLAMATION,
	GFX_ICON_BAR };

struct gfx_gauge_range {
	double		 from, to;		/* scale values */
	double		 start_width, end_width;	/* percent */
	double		 distance;		/* from the scale, inward */
	uint32_t	 color;
};

struct gfx_gauge_pointer {
	enum gfx_pointer_kind kind;
	double		 value;		/* clamped to the scale when drawn */
	bool		 empty;		/* Nothing: not drawn */
	double		 width, length, distance;	/* percent */
	uint32_t	 color;
	uint32_t	 cap_color;	/* a needle's cap, GFX_NONE: none */
	double		 cap_width;	/* percent */
};

struct gfx_gauge_tick {
	double		 value;
	char		*label;		/* NULL: a tick without a label */
};

struct gfx_gauge {
	enum gfx_gauge_kind kind;
	char		*name;
	double		 x, y, w, h;		/* percent of the panel */
	uint32_t	 back, frame;		/* the gauge's back frame */
	bool		 half;			/* a semicircular frame */
	/* The scale (radial and linear). */
	double		 min, max;
	double		 start_angle, sweep;	/* radial */
	double		 pivot_x, pivot_y;	/* radial, percent */
	double		 radius;		/* radial, percent */
	double		 position;		/* linear: percent across */
	bool		 vertical;		/* linear */
	double		 scale_width;		/* percent; 0: no bar */
	uint32_t	 scale_color;
	struct gfx_gauge_tick *ticks;		/* the major ones */
	size_t		 nticks;
	int		 minor_per_major;	/* minor intervals in one */
	double		 major_len, major_width, minor_len, minor_width;
	uint32_t	 major_color, minor_color;
	struct gfx_font	 label_font;
	uint32_t	 label_color;
	struct gfx_gauge_range *ranges;
	size_t		 nranges;
	struct gfx_gauge_pointer *pointers;
	size_t		 npointers;
	/* A state indicator: the state its value falls in. */
	double		 value;
	bool		 empty;
	enum gfx_icon	 icon;		/* GFX_ICON_NONE: no state */
	uint32_t	 icon_color;
	char		*state;		/* its name, for the text alternative */
};

/* A GaugeLabel: text at its place in the panel (percent). */
struct gfx_gauge_text {
	char		*text;
	double		 x, y, w, h;
	struct gfx_font	 font;
	uint32_t	 color;
	enum gfx_align	 align;
};

struct gfx_gauge_panel {
	char		*name;
	uint32_t	 back;			/* the panel's background */
	struct gfx_gauge *gauges;
	size_t		 ngauges;
	struct gfx_gauge_text *texts;
	size_t		 ntexts;
};

struct gfx_gauge_panel *gfx_gauge_panel_new(const char *name);
void	gfx_gauge_panel_free(struct gfx_gauge_panel *);
/* Adds a gauge with the original's defaults; owned by the panel. */
struct gfx_gauge *gfx_gauge_add(struct gfx_gauge_panel *,
	    enum gfx_gauge_kind, const char *name);
/* The shape of an IndicatorStyle name ("ArrowUp"); GFX_ICON_CIRCLE if
 * unknown, GFX_ICON_NONE for "None". */
enum gfx_icon gfx_icon_parse(const char *);
void	gfx_gauge_panel_draw(struct gfx *, const struct gfx_gauge_panel *,
	    double x, double y, double w, double h);
/* A text alternative (each gauge's kind, value and scale), appended. */
void	gfx_gauge_panel_describe(const struct gfx_gauge_panel *,
	    struct buf *out);

#endif
