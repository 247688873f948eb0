/*
 * portal.c: the web portal (/Reports).  Routes /api/v2.0 to the REST API
 * and everything else to the server-rendered pages.
 */
#include "reportserver/rs_int.h"

#include <string.h>

void
rs_portal_handle(struct rs_server *s, struct rsreq *r, struct rsresp *resp)
{
	struct rsuser	 u;
	struct catalog	*cat;

	memset(&u, 0, sizeof(u));
	cat = rs_gate(s, r, resp, false, &u);
	if (cat == NULL)
		return;
	rs_error_html(resp, 501, "rsNotSupported", "not yet", NULL);
	rsuser_fini(&u);
}
