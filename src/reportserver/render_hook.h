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

#endif
