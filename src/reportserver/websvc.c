/*
 * websvc.c: the web service URL (/ReportServer): URL access in the
 * original's shape.  "?/Folder&rs:Command=ListChildren" (or a bare
 * /ReportServer) lists a folder in the plain directory style of IIS
 * browsing; GetResourceContents streams a resource with its MIME type;
 * GetDataSourceContents returns a data source's definition; Render goes
 * to the rendering hook (rs_server.render) when one is installed.
 * Without rs:Command the item's type picks the command.  The SOAP
 * endpoints (/ReportService2010.asmx, /ReportExecution2005.asmx) go to
 * rs_server.soap (src/soap).
 */
#include "reportserver/rs_int.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *
command_for(int type)
{
	switch (type) {
	case CATALOG_FOLDER:
		return "ListChildren";
	case CATALOG_REPORT:
		return "Render";
	case CATALOG_DATASOURCE:
		return "GetDataSourceContents";
	case CATALOG_DATASET:
		return "GetSharedDatasetDefinition";
	default:
		return "GetResourceContents";
	}
}

static void
entry_link(struct buf *b, const char *path, const char *cmd)
{
	(void)buf_puts(b, "<A HREF=\"?", NULL);
	rs_url_encode(b, path, true);
	(void)buf_printf(b, NULL, "&amp;rs:Command=%s\">", cmd);
}

static void
list_entry(struct buf *b, const struct catalog_item *it)
{
	char	when[96], tag[32];

	rs_time_long(it->modified, when, sizeof(when));
	if (it->type == CATALOG_FOLDER)
		str_copy(tag, sizeof(tag), "&lt;dir&gt;");
	else if (it->type == CATALOG_DATASOURCE)
		str_copy(tag, sizeof(tag), "&lt;ds&gt;");
	else if (it->type == CATALOG_REPORT)
		tag[0] = '\0';
	else
		snprintf(tag, sizeof(tag), "%lld", (long long)it->size);
	(void)buf_printf(b, NULL, "%40s %12s ", when, tag);
	entry_link(b, it->path, command_for(it->type));
	(void)buf_html(b, it->name, NULL);
	(void)buf_puts(b, "</A><br>\n", NULL);
}

static void
listing_head(struct buf *b, const struct rsreq *r, const char *path)
{
	struct buf	title;

	buf_init(&title, 0);
	(void)buf_printf(&title, NULL, "%s%s - %s", r->host, r->vdir, path);
	(void)buf_printf(b, NULL, "<html><head><meta charset=\"utf-8\">"
	    "<meta name=\"Generator\" content=\"%s %s\"><title>", RS_PRODUCT,
	    RS_VERSION);
	(void)buf_html(b, title.data, NULL);
	(void)buf_puts(b, "</title></head><body><H1>", NULL);
	(void)buf_html(b, title.data, NULL);
	(void)buf_puts(b, "</H1><hr>\n\n<pre>", NULL);
	buf_fini(&title);
}

static void
list_children(struct catalog *cat, const struct rsuser *u,
    const struct catalog_item *dir, const struct rsreq *r, struct rsresp *resp)
{
	struct catalog_item	*v;
	struct rs_err		 e;
	struct buf		*b = &resp->body;
	size_t			 n;

	if (catalog_item_children(cat, dir->id, &v, &n, &e) == -1) {
		rs_error(resp, false, &e);
		return;
	}
	rsresp_header(resp, "Content-Type", "text/html; charset=utf-8");
	rsresp_header(resp, "X-Frame-Options", "DENY");
	listing_head(b, r, dir->path);
	if (dir->parent_id[0] != '\0') {
		char	parent[CATALOG_PATH_MAX + 2];

		catalog_path_parent(dir->path, parent, sizeof(parent));
		entry_link(b, parent, "ListChildren");
		(void)buf_puts(b, "[To Parent Directory]</A><br><br>\n", NULL);
	}
	for (size_t i = 0; i < n; i++)
		if (!v[i].hidden && rs_can_view(v[i].type,
		    rs_tasks(cat, v[i].id, u)))
			list_entry(b, &v[i]);
	(void)buf_printf(b, NULL, "</pre><hr>\n%s %s (compatible: Microsoft "
	    "SQL Server Reporting Services Version %s)\n</body></html>\n",
	    RS_PRODUCT, RS_VERSION, RS_SSRS_VERSION);
	catalog_items_free(v, n);
}

static void
send_content(struct catalog *cat, const struct catalog_item *it,
    const char *type, struct rsresp *resp)
{
	struct rs_err	 e;
	void		*data;
	size_t		 len;
	char		 cd[CATALOG_NAME_MAX + 64], name[CATALOG_NAME_MAX + 1];

	if (catalog_item_content(cat, it->id, &data, &len, &e) == -1) {
		rs_error(resp, false, &e);
		return;
	}
	rsresp_header(resp, "Content-Type", type);
	rsresp_header(resp, "X-Content-Type-Options", "nosniff");
	/*
	 * A resource is shown inline but never runs as the server's own
	 * page: HTML, SVG and XML (XHTML, XSLT) can all carry script.
	 */
	rsresp_header(resp, "Content-Security-Policy", "sandbox");
	str_copy(name, sizeof(name), it->name);
	for (char *p = name; *p != '\0'; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
			*p = '_';
	snprintf(cd, sizeof(cd), "inline; filename=\"%s\"", name);
	rsresp_header(resp, "Content-Disposition", cd);
	(void)buf_append(&resp->body, data, len, NULL);
	free(data);
}

/*
 * GetDataSourceContents: the definition as the original returns it,
 * whether it was stored from REST properties or uploaded as an .rds file.
 */
static void
send_ds(struct catalog *cat, const struct catalog_item *it,
    struct rsresp *resp)
{
	struct ds_info	 d;
	struct buf	*b = &resp->body;

	rs_ds_read(cat, it->id, &d);
	rsresp_header(resp, "Content-Type", "text/xml; charset=utf-8");
	(void)buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<DataSourceDefinition xmlns=\"http://schemas.microsoft.com/"
	    "sqlserver/reporting/2006/03/reportdatasource\"><Extension>", NULL);
	(void)buf_html(b, d.ext != NULL ? d.ext : "", NULL);
	(void)buf_puts(b, "</Extension><ConnectString>", NULL);
	(void)buf_html(b, d.conn != NULL ? d.conn : "", NULL);
	(void)buf_printf(b, NULL, "</ConnectString><CredentialRetrieval>None"
	    "</CredentialRetrieval><WindowsCredentials>False</WindowsCredentials>"
	    "<ImpersonateUser>False</ImpersonateUser><Prompt/><Enabled>%s"
	    "</Enabled></DataSourceDefinition>", d.enabled ? "True" : "False");
	rs_ds_fini(&d);
}

static void
wrong_type(struct rsresp *resp, const struct catalog_item *it,
    const char *cmd)
{
	char	msg[512];

	snprintf(msg, sizeof(msg), "The operation %s is not allowed on the "
	    "item '%s' (a %s).", cmd, it->path, catalog_type_name(it->type));
	rs_error_html(resp, 400, "rsWrongItemType", msg, NULL);
}

static const char *
render_rscode(const struct rs_err *e)
{
	switch (e->code) {
	case RS_E_USAGE:
		return "rsInvalidParameter";
	case RS_E_IO:
	case RS_E_PERM:		/* a data source outside DataSourceRoot */
		return "rsErrorOpeningConnection";
	case RS_E_NOTFOUND:
		return "rsDataSourceNotFound";
	default:
		return "rsProcessingError";
	}
}

static void
render(struct rs_server *s, struct catalog *cat, const struct rsuser *u,
    const struct catalog_item *it, const struct rsreq *r,
    struct rsresp *resp)
{
	struct rs_err	 e;
	void		*rdl;
	size_t		 len;

	if (s->render == NULL) {
		rs_error_html(resp, 501, "rsRenderingExtensionNotFound",
		    "Rendering is not available yet on this report server; "
		    "the report definition can be downloaded with "
		    "rs:Command=GetResourceContents.", NULL);
		return;
	}
	if (catalog_item_content(cat, it->id, &rdl, &len, &e) == -1) {
		rs_error(resp, false, &e);
		return;
	}
	if (s->render(s->render_arg, cat, u, it, rdl, len, r, resp, &e) == 0)
		;
	else if (resp->streamed) {
		/* Too late for an error page: the client must not take the
		 * part it got for the whole report. */
		log_warn("render of %s failed after its answer began; the "
		    "answer is cut: %s", it->path, e.msg);
		resp->cut = true;
	} else
		rs_error_html(resp, e.code == RS_E_USAGE ? 400 : e.code ==
		    RS_E_NOTFOUND ? 404 : e.code == RS_E_LIMIT ? 413 :
		    e.code == RS_E_PERM ? 403 : 500, render_rscode(&e), e.msg,
		    NULL);
	free(rdl);
}

static void
dispatch(struct rs_server *s, struct catalog *cat, const struct rsuser *u,
    const struct catalog_item *it, const char *cmd, const struct rsreq *r,
    struct rsresp *resp)
{
	unsigned	t = rs_tasks(cat, it->id, u);
	char		msg[512];

	if (!rs_can_view(it->type, t)) {
		snprintf(msg, sizeof(msg), "The permissions granted to user "
		    "'%s' are insufficient for performing this operation.",
		    u->name);
		rs_error_html(resp, 403, "rsAccessDenied", msg, NULL);
	} else if (str_ieq(cmd, "ListChildren") ||
	    str_ieq(cmd, "GetChildren")) {
		if (it->type != CATALOG_FOLDER)
			wrong_type(resp, it, cmd);
		else
			list_children(cat, u, it, r, resp);
	} else if ((str_ieq(cmd, "GetResourceContents") ||
	    str_ieq(cmd, "GetSharedDatasetDefinition")) &&
	    !rs_can_read_definition(it->type, t)) {
		/* Read Report Definition: a Browser views, not downloads. */
		snprintf(msg, sizeof(msg), "The permissions granted to user "
		    "'%s' are insufficient for performing this operation: "
		    "reading the definition of '%s' needs Manage reports or "
		    "Consume reports on it.", u->name, it->path);
		rs_error_html(resp, 403, "rsAccessDenied", msg, NULL);
	} else if (str_ieq(cmd, "GetResourceContents")) {
		if (it->type == CATALOG_FOLDER)
			wrong_type(resp, it, cmd);
		else
			send_content(cat, it, it->content_type[0] ?
			    it->content_type : rs_mime_of(it->name), resp);
	} else if (str_ieq(cmd, "GetDataSourceContents") ||
	    str_ieq(cmd, "GetSharedDatasetDefinition")) {
		if (it->type != (str_ieq(cmd, "GetDataSourceContents") ?
		    CATALOG_DATASOURCE : CATALOG_DATASET))
			wrong_type(resp, it, cmd);
		else if (it->type == CATALOG_DATASOURCE)
			send_ds(cat, it, resp);
		else
			send_content(cat, it, "text/xml; charset=utf-8", resp);
	} else if (str_ieq(cmd, "Render")) {
		if (it->type != CATALOG_REPORT)
			wrong_type(resp, it, cmd);
		else
			render(s, cat, u, it, r, resp);
	} else {
		snprintf(msg, sizeof(msg), "The value '%.64s' of rs:Command is "
		    "not valid.", cmd);
		rs_error_html(resp, 400, "rsInvalidParameter", msg, NULL);
	}
}

/* "/ReportService2010.asmx" and the like: the SOAP endpoints' URLs. */
static bool
is_soap(const char *path)
{
	size_t	n = strlen(path);

	return n > 6 && strcasecmp(path + n - 5, ".asmx") == 0 &&
	    strchr(path + 1, '/') == NULL;
}

void
rs_websvc_handle(struct rs_server *s, struct rsreq *r, struct rsresp *resp)
{
	struct rsuser		 u;
	struct catalog		*cat;
	struct rsquery		 q;
	struct catalog_item	 it;
	struct rs_err		 e;
	const char		*cmd;

	if (is_soap(r->path)) {
		if (s->soap != NULL)
			s->soap(s->soap_arg, s, r, resp);
		else
			rs_error_html(resp, 501, "rsOperationNotSupported",
			    "The SOAP endpoints are not available in this "
			    "build of the report server.", NULL);
		return;
	}
	memset(&u, 0, sizeof(u));
	cat = rs_gate(s, r, resp, false, &u);
	if (cat == NULL)
		return;
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		rs_error_html(resp, 405, "rsInvalidRequest", "Only GET is "
		    "supported on this URL (the SOAP endpoints are "
		    "ReportService2010.asmx and ReportExecution2005.asmx).",
		    NULL);
		rsresp_header(resp, "Allow", "GET, HEAD");
		goto out;
	}
	if (rs_query_parse(r->query, &q, &e) == -1) {
		rs_error(resp, false, &e);
		goto out;
	}
	if (rs_item_get(cat, &u, q.item != NULL ? q.item : "/", &it, &e) ==
	    -1) {
		if (e.code == RS_E_BADINPUT || e.code == RS_E_LIMIT)
			rs_error_html(resp, 400, "rsInvalidItemPath", e.msg,
			    NULL);
		else
			rs_error(resp, false, &e);
		rs_query_fini(&q);
		goto out;
	}
	cmd = rs_query_get(&q, "rs:Command");
	dispatch(s, cat, &u, &it, cmd != NULL ? cmd : command_for(it.type),
	    r, resp);
	catalog_item_fini(&it);
	rs_query_fini(&q);
out:
	rsuser_fini(&u);
}
