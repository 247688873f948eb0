/*
 * viewer_bar.c: the viewer's toolbar (see viewer.h): first, previous,
 * next and last page, "Page N of M" and a page box; zoom (page width,
 * whole page, percentages); find and find next; the export menu with the
 * formats' friendly names (those this server does not render are listed
 * as not available, never faked); refresh; print (a PDF to print).  Each
 * control is a link or a GET form, so all of it works without script;
 * portal.js zooms at once and steps through the matches of a page.
 * Find marks the matches in the page's text, never inside markup.
 */
#include "reportserver/viewer.h"
#include "common/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Friendly names of the original's rendering extensions, in its order. */
static const struct {
	const char	*format;	/* rs:Format */
	const char	*label;
} exports[] = {
	{ "WORDOPENXML", "Word" },
	{ "EXCELOPENXML", "Excel" },
	{ "PPTX", "PowerPoint" },
	{ "PDF", "PDF" },
	{ "IMAGE", "Image (PNG)" },
	{ "MHTML", "MHTML (web archive)" },
	{ "CSV", "CSV (comma delimited)" },
	{ "XML", "XML file with report data" },
	{ "ATOM", "Data Feed" },
};

static const struct {
	const char	*value;
	const char	*label;
} zooms[] = {
	{ "pagewidth", "Page width" }, { "wholepage", "Whole page" },
	{ "50", "50%" }, { "75", "75%" }, { "100", "100%" }, { "125", "125%" },
	{ "150", "150%" }, { "200", "200%" }, { "400", "400%" },
};

/*
 * Scans html for find in its text (not in tags, entities, <style> or
 * <svg>); with out, copies html there with each match in <mark>.
 * Returns the number of matches.
 */
static size_t
scan(struct buf *out, const char *html, const char *find)
{
	struct buf	 needle;
	const char	*s = html, *skip_to = NULL;
	size_t		 n = 0, len;

	buf_init(&needle, 0);
	(void)buf_html(&needle, find, NULL);
	len = needle.len;
	while (len > 0 && *s != '\0') {
		const char	*end;

		if (skip_to != NULL) {
			end = strcasestr(s, skip_to);
			end = end != NULL ? end : s + strlen(s);
			if (out != NULL)
				(void)buf_append(out, s, (size_t)(end - s), NULL);
			s = end;
			skip_to = NULL;
			continue;
		}
		if (*s == '<') {
			end = strchr(s, '>');
			end = end != NULL ? end + 1 : s + strlen(s);
			if (strncasecmp(s, "<style", 6) == 0)
				skip_to = "</style";
			else if (strncasecmp(s, "<svg", 4) == 0)
				skip_to = "</svg";
			if (out != NULL)
				(void)buf_append(out, s, (size_t)(end - s), NULL);
			s = end;
			continue;
		}
		if (strncasecmp(s, needle.data, len) == 0) {
			if (out != NULL) {
				(void)buf_printf(out, NULL, "<mark class=\"rv-hit\"%s>",
				    n == 0 ? " id=\"rv-first-hit\"" : "");
				(void)buf_append(out, s, len, NULL);
				(void)buf_puts(out, "</mark>", NULL);
			}
			n++;
			s += len;
			continue;
		}
		end = s + 1;
		if (*s == '&') {	/* an entity stays whole */
			const char *semi = strchr(s, ';');

			if (semi != NULL && semi - s < 12)
				end = semi + 1;
		}
		if (out != NULL)
			(void)buf_append(out, s, (size_t)(end - s), NULL);
		s = end;
	}
	if (out != NULL)
		(void)buf_puts(out, s, NULL);
	buf_fini(&needle);
	return n;
}

void
viewer_mark(struct buf *out, const char *html, const char *find)
{
	(void)scan(out, html, find);
}

bool
viewer_has(const char *html, const char *find)
{
	return scan(NULL, html, find) > 0;
}

/* A page link, or the same label dimmed where it leads nowhere. */
static void
page_link(struct viewer *v, int to, bool on, const char *cls,
    const char *label, const char *text)
{
	struct buf	*b = &v->p->resp->body;

	if (!on) {
		(void)buf_printf(b, NULL, "<span class=\"off %s\" aria-hidden="
		    "\"true\">%s</span>", cls, text);
		return;
	}
	(void)buf_printf(b, NULL, "<a class=\"%s\" href=\"", cls);
	viewer_url(v, b, "report");
	(void)buf_printf(b, NULL, "&amp;rv:page=%d\" aria-label=\"%s\" title=\""
	    "%s\">%s</a>", to, label, label, text);
}

static void
form_open(struct viewer *v, const char *cls, const char *label)
{
	struct buf	*b = &v->p->resp->body;

	(void)buf_printf(b, NULL, "<form class=\"%s\" method=\"get\" "
	    "aria-label=\"%s\" action=\"", cls, label);
	page_url(v->p, b, "report", v->it.path);
	(void)buf_puts(b, "\"><input type=\"hidden\" name=\"rv:view\" "
	    "value=\"1\">", NULL);
	viewer_params_hidden(v);
}

static void
pages(struct viewer *v)
{
	struct buf	*b = &v->p->resp->body;
	int		 n = v->page, m = v->pages;

	(void)buf_puts(b, "<nav class=\"rv-pages\" aria-label=\"Pages\">", NULL);
	page_link(v, 1, n > 1, "rv-first", "First page", "|&lt;");
	page_link(v, n - 1, n > 1, "rv-prev", "Previous page", "&lt;");
	(void)buf_printf(b, NULL, "<span class=\"rv-pageof\" role=\"status\">"
	    "Page %d of %d</span>", n, m);
	page_link(v, n + 1, n < m, "rv-next", "Next page", "&gt;");
	page_link(v, m, n < m, "rv-last", "Last page", "&gt;|");
	(void)buf_puts(b, "</nav>", NULL);
	form_open(v, "rv-goto", "Go to page");
	(void)buf_printf(b, NULL, "<label for=\"rv-pageno\">Page</label><input "
	    "type=\"number\" id=\"rv-pageno\" name=\"rv:page\" min=\"1\" max=\"%d"
	    "\" value=\"%d\"><button type=\"submit\">Go</button></form>", m, n);
}

static void
zoom(struct viewer *v)
{
	struct buf	*b = &v->p->resp->body;

	(void)buf_puts(b, "<form class=\"rv-zoomf\" method=\"get\" aria-label="
	    "\"Zoom\" action=\"", NULL);
	page_url(v->p, b, "report", v->it.path);
	(void)buf_printf(b, NULL, "\"><input type=\"hidden\" name=\"rv:view\" "
	    "value=\"1\"><input type=\"hidden\" name=\"rv:page\" value=\"%d\">",
	    v->page);
	for (size_t k = 0; k < v->nk; k++) {
		(void)buf_puts(b, "<input type=\"hidden\" name=\"", NULL);
		(void)buf_html(b, v->kn[k], NULL);
		(void)buf_puts(b, "\" value=\"", NULL);
		(void)buf_html(b, v->kv[k], NULL);
		(void)buf_puts(b, "\">", NULL);
	}
	(void)buf_puts(b, "<label for=\"rv-zoom\">Zoom</label><select id=\""
	    "rv-zoom\" name=\"rv:zoom\">", NULL);
	for (size_t i = 0; i < sizeof(zooms) / sizeof(zooms[0]); i++)
		(void)buf_printf(b, NULL, "<option value=\"%s\"%s>%s</option>",
		    zooms[i].value, strcmp(zooms[i].value, v->zoom) == 0 ?
		    " selected" : "", zooms[i].label);
	(void)buf_puts(b, "</select><button type=\"submit\" class=\"rv-nojs\">"
	    "Zoom</button></form>", NULL);
}

static void
find(struct viewer *v)
{
	struct buf	*b = &v->p->resp->body;

	form_open(v, "rv-findf", "Find in the report");
	(void)buf_printf(b, NULL, "<input type=\"hidden\" name=\"rv:page\" "
	    "value=\"%d\"><label for=\"rv-find\">Find</label><input type=\""
	    "search\" id=\"rv-find\" name=\"rv:find\" maxlength=\"200\" "
	    "value=\"", v->page);
	(void)buf_html(b, v->find != NULL ? v->find : "", NULL);
	(void)buf_puts(b, "\"><button type=\"submit\" name=\"rv:findnext\" "
	    "value=\"0\" class=\"rv-findgo\">Find</button><button type=\"submit"
	    "\" name=\"rv:findnext\" value=\"1\" class=\"rv-findnext\">Next"
	    "</button></form>", NULL);
}

static void
export_menu(struct viewer *v)
{
	struct buf	*b = &v->p->resp->body;

	(void)buf_puts(b, "<details class=\"rv-menu rv-export\"><summary>"
	    "Export</summary><ul>", NULL);
	for (size_t i = 0; i < sizeof(exports) / sizeof(exports[0]); i++) {
		if (render_format_mime(exports[i].format) == NULL) {
			(void)buf_printf(b, NULL, "<li class=\"off\" data-format="
			    "\"%s\">%s <span class=\"muted\">(not available on "
			    "this server)</span></li>", exports[i].format,
			    exports[i].label);
			continue;
		}
		(void)buf_printf(b, NULL, "<li><a data-format=\"%s\" download "
		    "href=\"", exports[i].format);
		viewer_ws_url(v, b, exports[i].format);
		(void)buf_printf(b, NULL, "\">%s</a></li>", exports[i].label);
	}
	(void)buf_puts(b, "</ul></details>", NULL);
}

void
viewer_toolbar(struct viewer *v)
{
	struct buf	*b = &v->p->resp->body;

	(void)buf_puts(b, "<div class=\"rv-bar\" role=\"toolbar\" aria-label="
	    "\"Report toolbar\">", NULL);
	pages(v);
	zoom(v);
	find(v);
	export_menu(v);
	(void)buf_puts(b, "<a class=\"rv-refresh\" href=\"", NULL);
	viewer_url(v, b, "report");
	(void)buf_printf(b, NULL, "&amp;rv:page=%d\">Refresh</a><a class=\""
	    "rv-print\" target=\"_blank\" rel=\"noopener\" href=\"", v->page);
	viewer_url(v, b, "print");
	(void)buf_puts(b, "\">Print</a></div>", NULL);
}
