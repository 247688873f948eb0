/*
 * pages.h (internal to reportserver/): the web portal's server-rendered
 * HTML pages: browse a folder with breadcrumbs, create a folder, upload a
 * report / data source / resource, rename, move, delete, and manage an
 * item's role assignments.  Every form carries a CSRF token; the pages
 * work without JavaScript.
 */
#ifndef RS_REPORTSERVER_PAGES_H
#define RS_REPORTSERVER_PAGES_H

#include "reportserver/rs_int.h"

void	rs_pages_handle(struct rs_server *, struct catalog *,
	    const struct rsuser *, struct rsreq *, struct rsresp *);

#endif
