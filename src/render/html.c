/*
 * html.c: the HTML rendering extension (being written).
 */
#include "render/render_int.h"

static int
not_yet(struct rctx *c)
{
	return rs_err_set(c->e, RS_E_USAGE, "format HTML is not available yet");
}

const struct rops rops_html = {
	.name = "HTML",
	.begin = not_yet,
};
