/*
 * render_hook.h (internal to reportserver/): the rendering hook installed
 * in rs_server.render by the daemon: rs:Command=Render through the RDL
 * engine (src/rdl, src/render, src/data), streamed, logged in the
 * execution log.  Kept apart so the handlers and their unit tests do not
 * link the rendering engine.
 */
#ifndef RS_REPORTSERVER_RENDER_HOOK_H
#define RS_REPORTSERVER_RENDER_HOOK_H

#include "reportserver/rs_int.h"

rs_render_fn	rs_render_report;

struct data_policy;
struct data_source;
struct rdl_datasource;

/*
 * Resolves one data source of the report at item_path: a shared
 * reference through the catalog (relative to the report's folder), an
 * embedded one as the renderer does, both confined by the server's
 * policy.  Also used by scheduled renders (subs_run.c).
 */
int	rs_resolve_source(struct catalog *, const char *item_path,
	    const struct data_policy *, const struct rdl_datasource *,
	    struct data_source *out, struct rs_err *);

#endif
