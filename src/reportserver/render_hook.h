/*
 * render_hook.h (internal to reportserver/): the rendering hook installed
 * in rs_server.render by the daemon: rs:Command=Render through the RDL
 * engine (src/rdl, src/render, src/data), streamed, logged in the
 * execution log; and the same run for the SOAP endpoint (src/soap).  Kept
 * apart so the handlers and their unit tests do not link the rendering
 * engine.
 */
#ifndef RS_REPORTSERVER_RENDER_HOOK_H
#define RS_REPORTSERVER_RENDER_HOOK_H

#include "reportserver/rs_int.h"
#include "render/render.h"

rs_render_fn	rs_render_report;

/* What a render did, beside its output. */
struct rs_render_result {
	int		 status;	/* refused before rendering: the HTTP
					   status (403, 404), else 0 */
	char		 rscode[64];	/* refused or failed: the original's
					   code (rsAccessDenied ...) */
	int		 pages;		/* render_log's page count */
	uint64_t	 bytes;
};

/*
 * Renders the item it (definition rdl of len bytes) for u as URL access
 * does, from a query in URL access form: rs:Format, rs:ParameterLanguage,
 * rc: device settings and report parameters (Name=value, repeated for
 * several values, Name:isnull=true).  The item's server-side bindings
 * are applied and checked for its binder (it->modified_by); output goes to
 * write (render_write_fn); the execution log gets a row.  policy: the
 * server's struct data_policy.  vdir: the web service's virtual directory
 * for links.  An item with an empty id is an ad hoc definition: no stored
 * bindings.  Returns 0 (res->status != 0 when refused before rendering,
 * with e saying why), or -1 with e as render_report sets it.
 */
int	rs_render_query(void *policy, struct catalog *, const struct rsuser *u,
	    const struct catalog_item *it, const void *rdl, size_t len,
	    const char *vdir, const char *query, render_write_fn write,
	    void *write_arg, struct rs_render_result *res, struct rs_err *e);

/*
 * The report's parameters as the query leaves them (render_parameters),
 * with the same bindings applied and checked.  *repp gets the parsed
 * report (the caller's, rdl_free; defs borrow from it) and *defs its
 * (*repp)->nparams descriptions (render_parameters_free).  Returns 0
 * (res->status != 0 when refused, nothing returned), or -1 with e.
 */
int	rs_render_params(void *policy, struct catalog *, const struct rsuser *u,
	    const struct catalog_item *it, const void *rdl, size_t len,
	    const char *query, struct rdl_report **repp,
	    struct render_param_def **defs, struct rs_render_result *res,
	    struct rs_err *e);

struct data_policy;
struct data_source;
struct rdl_datasource;

/*
 * Resolves one data source of the report at item_path: a shared
 * reference through the catalog (relative to the report's folder), an
 * embedded one as the renderer does, both confined by the server's
 * policy.  Also used by scheduled renders (subs_run.c).
 */
/*
 * Resolves a SharedDataSetReference of the report at item_path (relative
 * to its folder) into the shared dataset's checked definition, its data
 * source with the dataset's stored binding and made absolute from the
 * dataset's folder.  RS_E_NOTFOUND (rsDataSetNotFound) when it is not
 * there.  Also used by scheduled renders (subs_render.c).
 */
int	rs_resolve_dataset(struct catalog *, const char *item_path,
	    const char *ref, struct rdl_definition *out, struct rs_err *e);
int	rs_resolve_source(struct catalog *, const char *item_path,
	    const struct data_policy *, const struct rdl_datasource *,
	    struct data_source *out, struct rs_err *);

#endif
