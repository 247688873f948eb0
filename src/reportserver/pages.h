/*
 * pages.h (internal to reportserver/): the web portal's server-rendered
 * HTML pages: browse a folder with breadcrumbs, create a folder, upload a
 * report / data source / resource, rename, move, delete, and manage an
 * item's role assignments.  Every form carries a CSRF token; the pages
 * work without JavaScript.
 *
 * URLs under the portal's virtual directory:
 *   /browse/PATH     a folder          /item/PATH      an item
 *   /security/PATH   role assignments  POST /action    every change
 *   /report/PATH     the report viewer /print/PATH     its PDF to print
 *   (viewer.h)       /assets/NAME      portal.js (assets.c)
 *   /admin           Site settings (system roles, built-in accounts)
 */
#ifndef RS_REPORTSERVER_PAGES_H
#define RS_REPORTSERVER_PAGES_H

#include "reportserver/rs_int.h"

struct form;

void	rs_pages_handle(struct rs_server *, struct catalog *,
	    const struct rsuser *, struct rsreq *, struct rsresp *);

/* Shared by pages.c and actions.c. */
struct page {
	struct rs_server	*srv;
	struct catalog		*cat;
	const struct rsuser	*user;
	struct rsreq		*req;
	struct rsresp		*resp;
	char			 token[65];
	bool			 script;	/* the page loads portal.js */
	const char		*css_extra;	/* more style, or NULL */
	const char		*crumb_kind;	/* the last crumb's page, or
						   NULL: "browse" */
};

void	page_start(struct page *, const char *title);
/* The breadcrumbs of path: Home, then each folder and the item. */
void	page_crumbs(struct page *, const char *path);
void	page_end(struct page *);
/* Appends the portal URL of a page for path ("/Reports/browse/a%20b"). */
void	page_url(struct page *, struct buf *, const char *kind,
	    const char *path);
/* A 303 redirect to kind/path with a status message. */
void	page_redirect(struct page *, const char *kind, const char *path,
	    const char *msg);
/* An error page in the portal's look, with a link back. */
void	page_error(struct page *, int status, const char *rscode,
	    const char *msg, const char *back_path);
void	page_error_e(struct page *, const struct rs_err *,
	    const char *back_path);
/* <input type=hidden> fields every form needs. */
void	page_form_head(struct page *, const char *op, const char *path);
/* The "Kind" drop-down (name "kind") of a role assignment form. */
void	page_kind_select(struct page *, const char *id);
/*
 * The principal of a role assignment form (fields "principal" and
 * "kind"); -1 with the error page sent when it is missing or unknown.
 */
int	page_principal(struct page *, const struct form *, const char *back,
	    enum catalog_pkind *, const char **name);

/*
 * A folder's page; upload_error (or NULL) is shown beside the upload
 * form's file.  False, with nothing written, when the user may not view
 * the folder.
 */
bool	page_folder(struct page *, const struct catalog_item *dir,
	    const char *upload_error);

void	rs_actions_handle(struct page *);
/* The "?msg=" status line of a page. */
void	page_status(struct page *);

/* admin.c: Site settings (System Administrators). */
struct form;
bool	page_is_admin(struct page *);
void	page_admin(struct page *);
/* Handles op when it is a Site settings action; false otherwise. */
bool	rs_admin_action(struct page *, const struct form *, const char *op);

#endif
