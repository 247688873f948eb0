/*
 * image.c: the IMAGE rendering extension: one page of the paginated
 * layout (the same page model PDF draws) as a PNG picture.  Device
 * information: rc:OutputFormat (PNG; the original's other formats, TIFF
 * with every page, EMF, BMP, GIF and JPEG, are refused with a message),
 * rc:StartPage (the page, default 1; past the last page is refused with
 * the page count) and rc:DpiX / rc:DpiY (the resolution, default 96, the
 * larger of the two is used, 24 to 600).
 */
#include <stdlib.h>
#include <strings.h>

#include "common/str.h"
#include "layout/layout.h"
#include "render/render_int.h"

static int
dev_uint(struct rctx *c, const char *name, uint64_t min, uint64_t max,
    uint64_t dflt, uint64_t *out)
{
	const char	*v = devinfo(c, name, NULL);

	*out = dflt;
	if (v == NULL || v[0] == '\0')
		return 0;
	if (str_parse_uint(v, min, max, out, name, c->e) == -1)
		return rs_err_set(c->e, RS_E_USAGE, "rsInvalidParameter: device "
		    "information %s=\"%.40s\" is not a number from %llu to %llu",
		    name, v, (unsigned long long)min, (unsigned long long)max);
	return 0;
}

static int
png_write(struct rctx *c, struct lay_doc *doc)
{
	uint64_t	 page, dx, dy;
	struct rs_err	 ge;
	struct gfx	*g;
	int		 rv = -1;

	if (dev_uint(c, "StartPage", 1, 1000000, 1, &page) == -1 ||
	    dev_uint(c, "DpiX", 24, 600, 96, &dx) == -1 ||
	    dev_uint(c, "DpiY", 24, 600, 96, &dy) == -1)
		return -1;
	if (page > lay_npages(doc))
		return rs_err_set(c->e, RS_E_USAGE, "rsInvalidParameter: "
		    "StartPage %llu is past the last page; the report has %zu "
		    "pages", (unsigned long long)page, lay_npages(doc));
	rs_err_clear(&ge);
	g = gfx_png_new(paged_sink, c, c->r->page.width, c->r->page.height,
	    (double)(dx > dy ? dx : dy), &ge);
	if (g == NULL) {
		*c->e = ge;
		return -1;
	}
	lay_draw_page(doc, (size_t)page - 1, g);
	if (gfx_finish(g, &ge) == 0)
		rv = 0;
	else if (c->e->code == RS_E_OK)
		*c->e = ge;
	gfx_free(g);
	return rv;
}

int
image_begin(struct rctx *c)
{
	const char	*of = devinfo(c, "OutputFormat", "PNG");

	if (strcasecmp(of, "PNG") != 0)
		return rs_err_set(c->e, RS_E_USAGE, "rsInvalidParameter: "
		    "OutputFormat %.20s is not supported for IMAGE; supported: "
		    "PNG (one page: rc:StartPage)", of);
	return paged_begin(c, png_write);
}
