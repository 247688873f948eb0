/*
 * pdf.c: the PDF rendering extension (being written).
 */
#include "render/render_int.h"

static int
not_yet(struct rctx *c)
{
	return rs_err_set(c->e, RS_E_USAGE, "format PDF is not available yet");
}

const struct rops rops_pdf = {
	.name = "PDF",
	.begin = not_yet,
};
