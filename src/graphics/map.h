/*
 * map.h: the map model (a report's Map, evaluated by render/) drawn into
 * any surface: shapes (polygons in longitude and latitude, from the
 * well-known binary a designer embeds as VectorData), each filled with
 * its colour and labelled, projected with Mercator and fitted to the
 * viewport north up; a title above, and a legend of the colour ranges
 * docked at the right.
 */
#ifndef RS_GRAPHICS_MAP_H
#define RS_GRAPHICS_MAP_H

#include "graphics/graphics.h"

struct gfx_map_ring {
	struct gfx_pt	*pts;		/* x longitude, y latitude */
	size_t		 n;
};

struct gfx_map_shape {
	char			*name;	/* for the text alternative */
	struct gfx_map_ring	*rings;
	size_t			 nrings;
	uint32_t		 fill;
	char			*label;	/* NULL: none */
	bool			 has_value;
	double			 value;
};

struct gfx_map_key {
	char		*text;
	uint32_t	 color;
};

struct gfx_map {
	char			*title;		/* NULL: none */
	struct gfx_font		 title_font;
	uint32_t		 title_color;
	uint32_t		 back;		/* the viewport's */
	struct gfx_pen		 border;	/* the viewport's */
	struct gfx_pen		 outline;	/* the shapes' */
	struct gfx_font		 label_font;
	uint32_t		 label_color;
	struct gfx_map_shape	*shapes;
	size_t			 nshapes;
	char			*legend_title;	/* NULL: none */
	struct gfx_font		 legend_font;
	struct gfx_map_key	*keys;		/* the legend's entries */
	size_t			 nkeys;
};

struct gfx_map *gfx_map_new(void);
void	gfx_map_free(struct gfx_map *);
struct gfx_map_shape *gfx_map_add_shape(struct gfx_map *, const char *name);
void	gfx_map_add_key(struct gfx_map *, const char *text, uint32_t color);
/*
 * Adds the rings of well-known binary (a Polygon or MultiPolygon, either
 * byte order; points with Z or M keep x and y) to a shape.  RS_E_BADINPUT
 * when it is not that or is cut short.
 */
int	gfx_map_wkb(struct gfx_map_shape *, const unsigned char *, size_t,
	    struct rs_err *);
void	gfx_map_draw(struct gfx *, const struct gfx_map *, double x, double y,
	    double w, double h);
/* A text alternative: the title, then each shape with a value. */
void	gfx_map_describe(const struct gfx_map *, struct buf *out);

#endif
