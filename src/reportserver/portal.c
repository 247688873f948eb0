/*
 * portal.c: the web portal (/Reports).  Routes /api/v2.0 to the REST API
 * and everything else to the server-rendered pages (pages.c).
 */
#include "reportserver/rest.h"
#include "reportserver/pages.h"

#include <string.h>

void
rs_portal_handle(struct rs_server *s, struct rsreq *r, struct rsresp *resp)
{
	struct rsuser	 u;
	struct catalog	*cat;
	bool		 api;

	api = strncmp(r->path, "/api/v2.0", 9) == 0 &&
	    (r->path[9] == '/' || r->path[9] == '\0');
	memset(&u, 0, sizeof(u));
	cat = rs_gate(s, r, resp, api, &u);
	if (cat == NULL)
		return;
	if (api)
		rs_rest_handle(s, cat, &u, r, resp);
	else
		rs_pages_handle(s, cat, &u, r, resp);
	rsuser_fini(&u);
}
