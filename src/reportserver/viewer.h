/*
 * viewer.h (internal to reportserver/): the portal's report viewer,
 * /Reports/report/PATH: the report inside the portal's page (header,
 * breadcrumbs, a way back), a collapsible parameter pane above it
 * (viewer_params.c), a toolbar (viewer_bar.c: pages, zoom, find, export,
 * refresh, print) and the report's current page as an HTML5 fragment.
 * /Reports/print/PATH is the same report as a PDF shown inline, ready to
 * print.  Everything works without JavaScript (forms and links);
 * /Reports/assets/portal.js (assets.c) makes it nicer.
 *
 * The viewer's own query fields start with "rv:" (rv:page, rv:zoom,
 * rv:find, rv:findnext, rv:view, rv:all, rv:lines:NAME, rv:has,
 * rv:pane); every other field is a report parameter as URL access takes
 * it (Name=value, repeated for several values, Name:isnull=true).
 */
#ifndef RS_REPORTSERVER_VIEWER_H
#define RS_REPORTSERVER_VIEWER_H

#include "reportserver/pages.h"
#include "render/render.h"

struct rdl_report;

/* Installed in rs_server.viewer by the daemon (it links the renderer). */
void	rs_viewer_page(void *policy, struct page *, const char *kind,
	    const char *path);

struct viewer {
	struct page		*p;
	void			*policy;	/* the server's data_policy */
	struct catalog_item	 it;
	void			*rdl;
	size_t			 len;
	struct rsquery		 q;		/* the viewer's query */
	struct buf		 pq;		/* "&Name=v..." for the render */
	char			**kn, **kv;	/* the same, decoded: names */
	size_t			 nk, capk;	/* (Name:isnull) and values */
	struct rdl_report	*rep;		/* parsed, with its bindings */
	struct render_param_def	*defs;		/* rep->nparams */
	bool			*emptied;	/* per param: all unticked */
	int			 page;		/* asked for, 1-based */
	int			 pages;		/* the report's count, or 0 */
	const char		*zoom;		/* "100", "pagewidth" ... */
	const char		*find;		/* NULL or the text sought */
	bool			 submitted;	/* "View Report" was pressed */
	bool			 ready;		/* every parameter has a value */
	bool			 pane_closed;	/* rv:pane=closed: hidden */
	char			 notice[600];	/* find's or a clamp's note */
};

/* viewer.c */
/* Appends the viewer's URL of kind ("report", "print") with the params,
 * escaped for an HTML attribute. */
void	viewer_url(struct viewer *, struct buf *, const char *kind);
/* Appends the web service's URL access render with the params (escaped). */
void	viewer_ws_url(struct viewer *, struct buf *, const char *format);

/* viewer_params.c */
/*
 * Builds v->pq from the query (NULL boxes win over values, rv:lines:
 * boxes split into values, rv:all picks every valid value once defs
 * are known).
 */
void	viewer_params_query(struct viewer *);
/* v->pq (and the fields) from the values in force, once they are valid. */
void	viewer_params_effective(struct viewer *);
/* The parameters as <input type=hidden> fields, for the toolbar's forms. */
void	viewer_params_hidden(struct viewer *);
void	viewer_params_fini(struct viewer *);
/* Whether the parameters let the report run; messages go beside them. */
bool	viewer_params_ready(struct viewer *);
/* The parameter pane (a <details> with a GET form). */
void	viewer_params_pane(struct viewer *);

/* viewer_bar.c */
void	viewer_toolbar(struct viewer *);
/* Wraps every match of find in the fragment's text in <mark>. */
void	viewer_mark(struct buf *out, const char *html, const char *find);
/* Whether the fragment's text contains find (case-insensitive). */
bool	viewer_has(const char *html, const char *find);

/* assets.c: /Reports/assets/NAME; false when there is no such asset. */
bool	rs_assets_handle(struct page *, const char *name);

#endif
