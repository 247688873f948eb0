/*
 * xlsx.c: the XLSX rendering extension (being written).
 */
#include "render/render_int.h"

static int
not_yet(struct rctx *c)
{
	return rs_err_set(c->e, RS_E_USAGE, "format XLSX is not available yet");
}

const struct rops rops_xlsx = {
	.name = "XLSX",
	.begin = not_yet,
};
