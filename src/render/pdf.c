/*
 * pdf.c: the PDF rendering extension.  Processing lays the report out into
 * the page model (paged.c, layout/); this draws every page into a cairo
 * PDF surface: vector text in the report's fonts (or their
 * metric-compatible Liberation faces) embedded as subsets, so any
 * Unicode text prints; lines, fills, borders, images and charts as
 * vectors.  Pages go to the sink as they are drawn.  The document
 * information carries the report's name, author and description, the
 * creator and the execution time as the creation date.
 */
#include <stdio.h>

#include "layout/layout.h"
#include "render/render_int.h"

/* A surface's failure, unless the sink already said why. */
static int
fail(struct rctx *c, const struct rs_err *ge, bool sink_failed)
{
	if (!sink_failed || c->e->code == RS_E_OK)
		*c->e = *ge;
	return -1;
}

static int
pdf_write(struct rctx *c, struct lay_doc *doc)
{
	struct gfx_docinfo di = { .title = c->r->name, .author = c->r->author,
	    .subject = c->r->description,
	    .creator = "Report Server for Linux " RS_VERSION };
	struct rs_err	 ge;
	struct gfx	*g;
	int		 y, mo, d, h, mi, s, ms, rv = -1;

	expr_dt_split(c->globals.execution_time, &y, &mo, &d, &h, &mi, &s, &ms);
	snprintf(di.created, sizeof(di.created), "%04d-%02d-%02dT%02d:%02d:%02d",
	    y, mo, d, h, mi, s);
	rs_err_clear(&ge);
	g = gfx_pdf_new(paged_sink, c, &di, &ge);
	if (g == NULL)
		return fail(c, &ge, false);
	for (size_t i = 0; i < lay_npages(doc); i++) {
		if (gfx_page_begin(g, c->r->page.width, c->r->page.height,
		    &ge) == -1)
			goto out;
		lay_draw_page(doc, i, g);
	}
	if (gfx_finish(g, &ge) == -1)
		goto out;
	rv = 0;
out:
	gfx_free(g);
	return rv == 0 ? 0 : fail(c, &ge, c->e->code != RS_E_OK);
}

int
pdf_begin(struct rctx *c)
{
	return paged_begin(c, pdf_write);
}
