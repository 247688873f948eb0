/*
 * pages.c: the web portal pages (see pages.h).
 */
#include "reportserver/pages.h"

void
rs_pages_handle(struct rs_server *s, struct catalog *cat,
    const struct rsuser *u, struct rsreq *r, struct rsresp *resp)
{
	(void)s;
	(void)cat;
	(void)u;
	(void)r;
	rs_error_html(resp, 501, "rsNotSupported", "not yet", NULL);
}
