/*
 * exec_render.c: rendering an execution (Render, Render2) through the
 * render hook URL access uses: the execution's parameter values, the
 * Format and each element of DeviceInfo as a device setting (rc:Section,
 * rc:Toolbar ...), into a buffer that becomes the base64 Result.  The
 * page count of the render is kept with the execution (NumPages); the
 * execution log gets its row as for any render.  FindString renders the
 * pages asked for as the HTML viewer shows them and searches their text
 * (libxml2's HTML parser).  RenderStream answers that no stream exists
 * (images are inline in HTML here); document maps, bookmarks, toggles,
 * interactive sort and drillthrough are not built yet, and say so.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#define DEVINFO_MAX	(64 * 1024)
#define FIND_PAGES_MAX	200	/* pages FindString renders */

struct sink {
	struct buf	b;
	size_t		max;
};

static int
to_buffer(void *arg, const void *p, size_t len, struct rs_err *e)
{
	struct sink	*s = arg;

	if (s->b.len + len > s->max)
		return rs_err_set(e, RS_E_LIMIT, "the rendered report is larger "
		    "than %zu bytes, the most a SOAP answer carries here; render "
		    "it by URL access, which streams", s->max);
	return buf_append(&s->b, p, len, e);
}

/* <DeviceInfo><Name>value</Name>...</DeviceInfo> as rc:Name=value. */
static int
devinfo(struct soap_call *c, const char *text, struct buf *q)
{
	xmlDoc	*doc;
	xmlNode	*root;

	if (text == NULL || str_trim((char *)text)[0] == '\0')
		return 0;
	if (strlen(text) > DEVINFO_MAX)
		return soap_fail(c, "rsInvalidParameter", 400, "DeviceInfo is "
		    "longer than %d bytes.", DEVINFO_MAX);
	doc = xmlReadMemory(text, (int)strlen(text), "deviceinfo.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	if (root == NULL || doc->intSubset != NULL ||
	    strcmp((const char *)root->name, "DeviceInfo") != 0) {
		xmlFreeDoc(doc);
		return soap_fail(c, "rsInvalidParameter", 400, "DeviceInfo must "
		    "be an XML fragment <DeviceInfo><Setting>value</Setting>..."
		    "</DeviceInfo>.");
	}
	for (xmlNode *n = root->children; n != NULL; n = n->next) {
		char	 name[200], *v;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		snprintf(name, sizeof(name), "rc:%.190s", (const char *)n->name);
		v = soap_text(n);
		soap_query_add(q, name, v != NULL ? str_trim(v) : "");
		free(v);
	}
	xmlFreeDoc(doc);
	return 0;
}

static void
w_result(struct soap_call *c, const char *format, const struct sink *s)
{
	soap_w_base64(c, "Result", s->b.data, s->b.len);
	soap_w_str(c, "Extension", render_format_extension(format));
	soap_w_str(c, "MimeType", render_format_mime(format));
	soap_w_str(c, "Encoding", str_has_iprefix(format, "HTML") ||
	    str_ieq(format, "CSV") || str_ieq(format, "XML") ? "utf-8" : NULL);
	soap_w_start(c, "StreamIds");
	soap_w_end(c);
}

/* Renders x's report into s; -1 with a fault. */
static int
run(struct soap_call *c, struct catalog_execution *x, const char *format,
    const char *dev, struct sink *s)
{
	struct catalog_item	 it;
	struct rs_render_result	 res;
	struct rs_err		 e;
	struct buf		 q;
	void			*rdl = NULL;
	size_t			 len;
	int			 rc = -1;

	buf_init(&q, 0);
	soap_query_add(&q, "rs:Format", format);
	if (x->parameters[0] != '\0') {
		(void)buf_puts(&q, "&", NULL);
		(void)buf_puts(&q, x->parameters, NULL);
	}
	if (x->param_language[0] != '\0')
		soap_query_add(&q, "rs:ParameterLanguage", x->param_language);
	if (devinfo(c, dev, &q) == -1 ||
	    soap_exec_report(c, x, &it, &rdl, &len) == -1)
		goto out;
	if (rs_render_query((void *)c->policy, c->cat, c->user, &it, rdl, len,
	    c->req->vdir, q.data, to_buffer, s, &res, &e) == -1)
		soap_fail(c, res.rscode[0] && strcmp(res.rscode, "rsSuccess") ?
		    res.rscode : rs_err_rscode(&e), e.code == RS_E_LIMIT ? 413 :
		    e.code == RS_E_USAGE ? 400 : 500, "%s", e.msg);
	else if (res.status != 0)
		soap_fail(c, res.rscode, res.status, "%s", e.msg);
	else {
		x->num_pages = res.pages;
		rc = soap_exec_save(c, x);
	}
	catalog_item_fini(&it);
out:
	free(rdl);
	buf_fini(&q);
	return rc;
}

static void
render(struct soap_call *c)
{
	struct catalog_execution x;
	struct sink		 s = { .max = SOAP_RENDER_MAX };
	char			*format, *dev;

	format = soap_need(c, c->op, "Format");
	dev = soap_arg(c, c->op, "DeviceInfo");
	buf_init(&s.b, 0);
	if (format == NULL || soap_exec_get(c, &x) == -1)
		goto out;
	if (render_format_mime(str_trim(format)) == NULL)
		soap_fail(c, "rsRenderingExtensionNotFound", 400, "The rendering "
		    "extension '%.40s' is not available on this report server; "
		    "available: " RENDER_FORMATS ".", format);
	else if (run(c, &x, format, dev, &s) == 0)
		w_result(c, format, &s);
	catalog_execution_fini(&x);
out:
	buf_fini(&s.b);
	free(format);
	free(dev);
}

void
soap_render(struct soap_call *c)
{
	render(c);
}

void
soap_render2(struct soap_call *c)
{
	char	*mode = soap_arg(c, c->op, "PaginationMode");

	/* Pages are always counted in full here: Estimate gets Actual. */
	if (mode != NULL && !str_ieq(str_trim(mode), "Actual") &&
	    !str_ieq(mode, "Estimate"))
		soap_fail(c, "rsInvalidParameter", 400, "PaginationMode must be "
		    "Actual or Estimate.");
	else
		render(c);
	free(mode);
}

void
soap_render_stream(struct soap_call *c)
{
	struct catalog_execution x;
	char			*id = soap_arg(c, c->op, "StreamID");

	if (soap_exec_get(c, &x) == 0) {
		soap_fail(c, "rsStreamNotFound", 404, "The stream '%.80s' cannot "
		    "be found: this report server renders no separate streams "
		    "(the images of an HTML rendering are inside the page).",
		    id != NULL ? id : "");
		catalog_execution_fini(&x);
	}
	free(id);
}

void
soap_need_interactivity(struct soap_call *c)
{
	soap_unsupported(c, "report interactivity (toggled visibility, "
	    "interactive sort, document maps, bookmarks and drillthrough from "
	    "an execution) is not built in this report server yet.");
}

void
soap_get_document_map(struct soap_call *c)
{
	soap_unsupported(c, "document maps are not built by this report "
	    "server's renderer yet (HasDocumentMap is false for every "
	    "execution).");
}

/* The text of an HTML page (libxml2's HTML parser); owned, or NULL. */
static char *
page_text(const struct buf *b)
{
	htmlDocPtr	 doc;
	xmlChar		*t;
	char		*s = NULL;

	if (b->len == 0 || b->len > (size_t)0x7fffffff)
		return NULL;
	doc = htmlReadMemory(b->data, (int)b->len, "page.html", "utf-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	if (doc == NULL)
		return NULL;
	t = xmlNodeGetContent(xmlDocGetRootElement(doc));
	if (t != NULL)
		s = xstrdup((const char *)t);
	xmlFree(t);
	xmlFreeDoc(doc);
	return s;
}

/* Whether page p (HTML, as the viewer shows it) holds what; -1: fault. */
static int
page_has(struct soap_call *c, struct catalog_execution *x, int64_t p,
    const char *what)
{
	struct sink	 s = { .max = SOAP_RENDER_MAX };
	char		 dev[128], *text;
	int		 rc;

	buf_init(&s.b, 0);
	snprintf(dev, sizeof(dev), "<DeviceInfo><Section>%lld</Section>"
	    "<HTMLFragment>true</HTMLFragment></DeviceInfo>", (long long)p);
	rc = run(c, x, "HTML5", dev, &s);
	text = rc == 0 ? page_text(&s.b) : NULL;
	if (rc == 0)
		rc = text != NULL && strcasestr(text, what) != NULL;
	free(text);
	buf_fini(&s.b);
	return rc;
}

/* The first page from StartPage to EndPage holding FindValue, or 0. */
void
soap_find_string(struct soap_call *c)
{
	struct catalog_execution x;
	int64_t			 start = 1, end = 1, found = 0;
	char			*what = soap_need(c, c->op, "FindValue");

	if (what == NULL || soap_arg_int(c, c->op, "StartPage", 1, 100000,
	    &start) == -1 || soap_arg_int(c, c->op, "EndPage", 1, 100000,
	    &end) == -1 || soap_exec_get(c, &x) == -1) {
		free(what);
		return;
	}
	if (end < start || end - start >= FIND_PAGES_MAX)
		soap_fail(c, "rsInvalidParameter", 400, "FindString searches at "
		    "most %d pages, from StartPage to EndPage.", FIND_PAGES_MAX);
	for (int64_t p = start; c->fault.code[0] == '\0' && p <= end; p++) {
		int	rc = page_has(c, &x, p, what);

		if (rc == 1)
			found = p;
		if (rc != 0 || (x.num_pages > 0 && p >= x.num_pages))
			break;
	}
	if (c->fault.code[0] == '\0')
		soap_w_int(c, "PageNumber", found);
	catalog_execution_fini(&x);
	free(what);
}
