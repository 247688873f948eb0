/*
 * viewer.c: the portal's report viewer (see viewer.h).  A request is
 * answered in three steps: the parameters (rs_render_params, with the
 * server-side bindings, as the SOAP endpoint gets them), then, when each
 * has a value, the page asked for as an HTML5 fragment (rs_render_query
 * into a buffer: the page count is known only once it is rendered), then
 * the page: chrome, pane, toolbar, report.  A page past the last is
 * clamped to the last; a failed render shows the original's error code
 * and a sentence where the report would be.
 */
#include "reportserver/render_hook.h"
#include "reportserver/viewer.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VIEWER_HTML_MAX	((size_t)64 * 1024 * 1024)	/* one page, or all
							   pages for find */
#define VIEWER_PDF_MAX	((size_t)256 * 1024 * 1024)

static const char viewer_css[] =
	"html.js .rv-nojs{display:none}"
	".rv-top{display:flex;flex-wrap:wrap;gap:.3em 1em;align-items:baseline}"
	".rv-top h1{margin:.2em 0}"
	"details.rv-pane{background:#fff;border:1px solid var(--line);"
	"border-radius:.5em;margin:.6em 0;padding:.3em .9em}"
	"details.rv-pane>summary{font-weight:600;cursor:pointer;padding:.3em 0}"
	".rv-fields{display:grid;grid-template-columns:repeat(auto-fill,"
	"minmax(15em,1fr));gap:.4em 1.2em}"
	".rv-field fieldset{margin:0;padding:.2em .6em}"
	".rv-field legend{font-weight:600;padding:0 .2em}"
	".rv-opts{max-height:10em;overflow:auto}"
	".rv-opts label,.rv-field fieldset label{display:block;margin:.1em 0}"
	".rv-field input[type=date],.rv-field input[type=number],.rv-field "
	"textarea{width:100%;padding:.45em;border:1px solid #8a8a8a;"
	"border-radius:.3em;font:inherit}"
	"label.rv-null{font-weight:400;display:inline-block;margin:.2em 0}"
	".rv-msg{color:var(--danger);margin:.2em 0;font-size:.9em}"
	".rv-hint{color:var(--muted);margin:.2em 0;font-size:.9em}"
	".rv-bar{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;"
	"background:#fff;border:1px solid var(--line);border-radius:.5em;"
	"padding:.4em .8em;margin:.6em 0}"
	".rv-bar form{display:flex;gap:.3em;align-items:center;margin:0}"
	".rv-bar label{display:inline;margin:0}"
	".rv-bar button{margin:0;padding:.3em .7em}"
	".rv-bar input[type=number]{width:4.5em}"
	".rv-bar input[type=search]{width:10em}"
	".rv-bar input,.rv-bar select{width:auto;padding:.3em;border:1px solid "
	"#8a8a8a;border-radius:.3em;font:inherit}"
	".rv-pages a,.rv-pages span.off{display:inline-block;min-width:2em;"
	"text-align:center;padding:.1em .3em;text-decoration:none}"
	".rv-pages span.off{color:#767676}"
	"details.rv-menu{position:relative}"
	"details.rv-menu>summary{cursor:pointer;color:var(--brand)}"
	"details.rv-menu ul{position:absolute;z-index:5;background:#fff;"
	"border:1px solid var(--line);border-radius:.3em;list-style:none;"
	"margin:.2em 0;padding:.3em 0;min-width:15em;box-shadow:0 2px 6px "
	"#0003}"
	"details.rv-menu li{padding:.2em .8em}"
	"details.rv-menu li.off{color:#595959}"
	".rv-canvas{background:#fff;border:1px solid var(--line);overflow:auto;"
	"padding:.5em}"
	".rv-zoom{width:max-content}"
	".rv-canvas .rs-pagecount{display:none}"
	"mark.rv-hit{background:#ffe066;color:#000}"
	"mark.rv-hit.rv-current{background:#f59f00}"
	".rv-error h2{margin-top:0}"
	"@media print{header,.rv-pane,.rv-bar,.rv-top a,footer{display:none}}";

/* The render's sink: a buffer. */
static int
to_buf(void *arg, const void *p, size_t len, struct rs_err *e)
{
	return buf_append(arg, p, len, e);
}

static void
ws_base(struct viewer *v, struct buf *b)
{
	(void)buf_printf(b, NULL, "/%s", rs_server_ws_vdir(v->p->srv));
}

void
viewer_url(struct viewer *v, struct buf *b, const char *kind)
{
	struct buf	u;

	buf_init(&u, 0);
	page_url(v->p, &u, kind, v->it.path);
	(void)buf_puts(&u, "?rv:view=1", NULL);
	(void)buf_puts(&u, v->pq.data != NULL ? v->pq.data : "", NULL);
	if (v->zoom != NULL && strcmp(v->zoom, "100") != 0)
		(void)buf_printf(&u, NULL, "&rv:zoom=%s", v->zoom);
	if (v->pane_closed)
		(void)buf_puts(&u, "&rv:pane=closed", NULL);
	(void)buf_html(b, u.data, NULL);
	buf_fini(&u);
}

void
viewer_ws_url(struct viewer *v, struct buf *b, const char *format)
{
	struct buf	u;

	buf_init(&u, 0);
	ws_base(v, &u);
	(void)buf_puts(&u, "?", NULL);
	rs_url_encode(&u, v->it.path, true);
	(void)buf_printf(&u, NULL, "&rs:Command=Render&rs:Format=%s", format);
	(void)buf_puts(&u, v->pq.data != NULL ? v->pq.data : "", NULL);
	(void)buf_html(b, u.data, NULL);
	buf_fini(&u);
}

/*
 * The original's code for a failed render, and a sentence for people.
 * A message that begins with a code ("rsReportParameterValueNotSet: ...")
 * keeps it.
 */
static const char *
render_code(const struct rs_err *e, char *code, size_t n)
{
	size_t	k = 0;

	while (e->msg[k] != '\0' && (e->msg[k] == '_' ||
	    (e->msg[k] >= 'a' && e->msg[k] <= 'z') ||
	    (e->msg[k] >= 'A' && e->msg[k] <= 'Z')))
		k++;
	if (k > 2 && k < n && strncmp(e->msg, "rs", 2) == 0 &&
	    e->msg[k] == ':') {
		snprintf(code, n, "%.*s", (int)k, e->msg);
		return "The report parameters are not valid.";
	}
	switch (e->code) {
	case RS_E_USAGE:
		str_copy(code, n, "rsInvalidReportParameter");
		return "The report cannot be shown with these values.";
	case RS_E_IO:
	case RS_E_PERM:
		str_copy(code, n, "rsErrorOpeningConnection");
		return "Cannot create a connection to a data source of the "
		    "report.";
	case RS_E_NOTFOUND:
		str_copy(code, n, strstr(e->msg, "dataset") != NULL ?
		    "rsDataSetNotFound" : "rsDataSourceNotFound");
		return "An item the report needs cannot be found.";
	case RS_E_LIMIT:
		str_copy(code, n, "rsProcessingAborted");
		return "The report is larger than this server renders.";
	default:
		str_copy(code, n, "rsProcessingAborted");
		return "An error has occurred during report processing.";
	}
}

static int
status_of(const struct rs_err *e)
{
	return e->code == RS_E_USAGE ? 400 : e->code == RS_E_NOTFOUND ? 404 :
	    e->code == RS_E_LIMIT ? 413 : e->code == RS_E_PERM ? 403 : 500;
}

/* The failed render, where the report would be. */
static void
error_box(struct viewer *v, struct buf *out, const struct rs_err *e)
{
	char		 code[64];
	const char	*sentence = render_code(e, code, sizeof(code));

	(void)buf_puts(out, "<div class=\"error rv-error\" role=\"alert\"><h2>",
	    NULL);
	(void)buf_html(out, sentence, NULL);
	(void)buf_printf(out, NULL, " <span class=\"muted\">(%s)</span></h2>"
	    "<p>", code);
	(void)buf_html(out, e->msg, NULL);
	(void)buf_puts(out, "</p><p>Change the parameters and select View "
	    "Report, or <a href=\"", NULL);
	page_url(v->p, out, "browse", "/");
	(void)buf_puts(out, "\">go back to the portal</a>.</p></div>", NULL);
	v->p->resp->status = status_of(e);
}

/* Renders the report in format with rc:Section (0: none given). */
static int
render_into(struct viewer *v, const char *format, int section,
    struct buf *out, struct rs_render_result *res, struct rs_err *e)
{
	struct buf	q, vd;
	int		rc;

	buf_init(&q, 0);
	buf_init(&vd, 0);
	ws_base(v, &vd);
	(void)buf_printf(&q, NULL, "rs:Format=%s", format);
	if (str_ieq(format, "HTML5"))
		(void)buf_printf(&q, NULL, "&rc:HTMLFragment=true&rc:Section=%d",
		    section);
	(void)buf_puts(&q, v->pq.data != NULL ? v->pq.data : "", NULL);
	rc = rs_render_query(v->policy, v->p->cat, v->p->user, &v->it, v->rdl,
	    v->len, vd.data, q.data, to_buf, out, res, e);
	if (rc == 0 && res->status != 0) {
		rs_err_set(e, res->status == 403 ? RS_E_PERM : RS_E_NOTFOUND,
		    "%s (%s)", e->msg[0] ? e->msg : "the report cannot run",
		    res->rscode);
		rc = -1;
	}
	buf_fini(&q);
	buf_fini(&vd);
	return rc;
}

/* The page count a "past the end" refusal names (html.c), or 0. */
static int
past_end(const struct rs_err *e)
{
	const char	*s = strstr(e->msg, "which has ");
	long		 n;

	if (e->code != RS_E_USAGE || strstr(e->msg, "past the end") == NULL ||
	    s == NULL)
		return 0;
	n = strtol(s + 10, NULL, 10);
	return n > 0 && n <= 1000000 ? (int)n : 0;
}

/*
 * Find: the first page from v->page on (the next one for Find Next)
 * whose text has the string; the report is rendered whole once.
 */
static void
find_page(struct viewer *v, bool next)
{
	struct rs_render_result	 res;
	struct rs_err		 e;
	struct buf		 all;
	static const char	 tag[] = "<div class=\"rs-page\">";
	int			 start = v->page + (next ? 1 : 0), k = 0;
	char			*s;

	buf_init(&all, VIEWER_HTML_MAX);
	if (render_into(v, "HTML5", 0, &all, &res, &e) == -1) {
		buf_fini(&all);
		return;		/* the page's own render shows the error */
	}
	for (s = all.data != NULL ? strstr(all.data, tag) : NULL; s != NULL;) {
		char	*end = strstr(s + 1, tag), save = 0;

		k++;
		if (end != NULL) {
			save = *end;
			*end = '\0';
		}
		if (k >= start && viewer_has(s, v->find)) {
			v->page = k;
			if (end != NULL)
				*end = save;
			buf_fini(&all);
			return;
		}
		if (end != NULL)
			*end = save;
		s = end;
	}
	buf_fini(&all);
	if (start <= 1)
		snprintf(v->notice, sizeof(v->notice), "\"%.200s\" is not in the "
		    "report.", v->find);
	else
		snprintf(v->notice, sizeof(v->notice), "No more matches for "
		    "\"%.200s\" from page %d to the end of the report.",
		    v->find, start);
}

/* The current page as an HTML fragment in out, or an error box. */
static void
render_page(struct viewer *v, struct buf *out)
{
	struct rs_render_result	res;
	struct rs_err		e;
	int			last;

	if (render_into(v, "HTML5", v->page, out, &res, &e) == -1 &&
	    (last = past_end(&e)) > 0) {
		snprintf(v->notice, sizeof(v->notice), "The report has %d "
		    "page%s; page %d is past the end, so its last page is "
		    "shown.", last, last == 1 ? "" : "s", v->page);
		v->page = last;
		buf_reset(out);
		if (render_into(v, "HTML5", v->page, out, &res, &e) == 0) {
			v->pages = res.pages;
			return;
		}
	} else if (e.code == RS_E_OK) {
		v->pages = res.pages;
		return;
	}
	buf_reset(out);
	error_box(v, out, &e);
}

/* Reads the viewer's own fields. */
static void
read_fields(struct viewer *v)
{
	const char	*s;
	uint64_t	 n;
	struct rs_err	 e;

	v->page = 1;
	s = rs_query_get(&v->q, "rv:page");
	if (s != NULL && s[0] != '\0' && str_parse_uint(s, 1, 1000000, &n,
	    "rv:page", &e) == 0)
		v->page = (int)n;
	v->zoom = "100";
	s = rs_query_get(&v->q, "rv:zoom");
	if (s != NULL && (strcmp(s, "pagewidth") == 0 ||
	    strcmp(s, "wholepage") == 0 || (str_parse_uint(s, 10, 500, &n,
	    "rv:zoom", &e) == 0)))
		v->zoom = s;
	s = rs_query_get(&v->q, "rv:find");
	v->find = s != NULL && s[0] != '\0' ? s : NULL;
	v->submitted = rs_query_get(&v->q, "rv:view") != NULL;
	s = rs_query_get(&v->q, "rv:pane");
	v->pane_closed = s != NULL && strcmp(s, "closed") == 0;
}

static void
params_free(struct viewer *v)
{
	if (v->rep != NULL)
		render_parameters_free(v->defs, v->rep->nparams);
	rdl_free(v->rep);
	v->rep = NULL;
	v->defs = NULL;
	free(v->emptied);
	v->emptied = NULL;
}

/* The parameters as the query leaves them; false with the answer sent. */
static bool
load_params(struct viewer *v)
{
	struct rs_render_result	res;
	struct rs_err		e;
	char			code[64];

	for (int pass = 0; pass < 2; pass++) {
		viewer_params_query(v);	/* pass 1: with the valid values */
		params_free(v);
		if (rs_render_params(v->policy, v->p->cat, v->p->user, &v->it,
		    v->rdl, v->len, v->pq.data != NULL ? v->pq.data : "",
		    &v->rep, &v->defs, &res, &e) == -1) {
			const char *why = render_code(&e, code, sizeof(code));

			page_error(v->p, status_of(&e), code, why, NULL);
			return false;
		}
		if (res.status != 0) {
			page_error(v->p, res.status, res.rscode, e.msg, NULL);
			return false;
		}
		if (rs_query_get(&v->q, "rv:all") == NULL)
			break;	/* Select all needs the valid values first */
	}
	if (rs_query_get(&v->q, "rv:all") != NULL)
		viewer_params_query(v);
	return true;
}

/* The print-ready PDF, shown inline. */
static void
print_pdf(struct viewer *v)
{
	struct rs_render_result	 res;
	struct rs_err		 e;
	struct rsresp		*resp = v->p->resp;
	char			 cd[CATALOG_NAME_MAX + 64], name[CATALOG_NAME_MAX + 1];

	if (!v->ready) {
		page_error(v->p, 400, "rsReportParameterValueNotSet", "Give "
		    "every report parameter a value before printing.", NULL);
		return;
	}
	buf_reset(&resp->body);
	resp->body.max = VIEWER_PDF_MAX;
	if (render_into(v, "PDF", 0, &resp->body, &res, &e) == -1) {
		char		 code[64];
		const char	*why = render_code(&e, code, sizeof(code));

		resp->body.max = 0;
		page_error(v->p, status_of(&e), code, why, NULL);
		return;
	}
	resp->body.max = 0;
	str_copy(name, sizeof(name), v->it.name);
	for (char *c = name; *c != '\0'; c++)
		if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
			*c = '_';
	snprintf(cd, sizeof(cd), "inline; filename=\"%s.pdf\"", name);
	rsresp_header(resp, "Content-Type", "application/pdf");
	rsresp_header(resp, "Content-Disposition", cd);
	rsresp_header(resp, "Cache-Control", "private, no-store");
}

static void
crumbs_and_title(struct viewer *v)
{
	struct buf	*b = &v->p->resp->body;
	char		 parent[CATALOG_PATH_MAX + 2];

	catalog_path_parent(v->it.path, parent, sizeof(parent));
	v->p->crumb_kind = "report";	/* the last crumb is this page */
	page_crumbs(v->p, v->it.path);
	(void)buf_puts(b, "<div class=\"rv-top\"><h1>", NULL);
	(void)buf_html(b, v->it.name, NULL);
	(void)buf_puts(b, "</h1><a class=\"rv-back\" href=\"", NULL);
	page_url(v->p, b, "browse", parent);
	(void)buf_puts(b, "\">&larr; Back to ", NULL);
	(void)buf_html(b, strcmp(parent, "/") == 0 ? "Home" :
	    strrchr(parent, '/') + 1, NULL);
	(void)buf_puts(b, "</a>", NULL);
	if (rs_tasks(v->p->cat, v->it.id, v->p->user) &
	    rs_manage_task(CATALOG_REPORT)) {
		(void)buf_puts(b, "<a class=\"manage\" href=\"", NULL);
		page_url(v->p, b, "item", v->it.path);
		(void)buf_puts(b, "\">Manage</a>", NULL);
	}
	(void)buf_puts(b, "</div>", NULL);
	if (v->it.description[0] != '\0') {
		(void)buf_puts(b, "<p class=\"muted\">", NULL);
		(void)buf_html(b, v->it.description, NULL);
		(void)buf_puts(b, "</p>", NULL);
	}
}

/* The report's page in the canvas, zoomed and with find's marks. */
static void
canvas(struct viewer *v, const struct buf *frag)
{
	struct buf	*b = &v->p->resp->body;

	(void)buf_printf(b, NULL, "<section class=\"rv-canvas\" id=\"rv-canvas\""
	    " aria-label=\"Report\" tabindex=\"-1\"><div class=\"rv-zoom\" "
	    "data-zoom=\"%s\"", v->zoom);
	if (strcmp(v->zoom, "100") != 0 && strcmp(v->zoom, "pagewidth") != 0 &&
	    strcmp(v->zoom, "wholepage") != 0)	/* digits: read_fields */
		(void)buf_printf(b, NULL, " style=\"zoom:%s%%\"", v->zoom);
	if (v->find != NULL) {
		(void)buf_puts(b, " data-find=\"", NULL);
		(void)buf_html(b, v->find, NULL);
		(void)buf_puts(b, "\"", NULL);
	}
	(void)buf_puts(b, ">", NULL);
	if (v->find != NULL && v->notice[0] == '\0')
		viewer_mark(b, frag->data != NULL ? frag->data : "", v->find);
	else
		(void)buf_append(b, frag->data != NULL ? frag->data : "",
		    frag->len, NULL);
	(void)buf_puts(b, "</div></section>", NULL);
}

static void
view(struct viewer *v)
{
	struct buf	*b = &v->p->resp->body, frag;
	const char	*pane = rs_query_get(&v->q, "rv:pane");

	if (pane != NULL && strcmp(pane, "only") == 0) {
		/* The pane alone, for portal.js after a parent changed. */
		buf_reset(b);
		rsresp_header(v->p->resp, "Content-Type",
		    "text/html; charset=utf-8");
		rsresp_header(v->p->resp, "Cache-Control", "private, no-store");
		viewer_params_pane(v);
		return;
	}
	buf_init(&frag, VIEWER_HTML_MAX);
	if (v->ready) {
		if (v->find != NULL)
			find_page(v, rs_query_get(&v->q, "rv:findnext") != NULL &&
			    strcmp(rs_query_get(&v->q, "rv:findnext"), "1") == 0);
		render_page(v, &frag);
	}
	v->p->script = true;
	v->p->css_extra = viewer_css;
	page_start(v->p, v->it.name);
	rsresp_header(v->p->resp, "Cache-Control", "private, no-store");
	(void)buf_puts(b, "<div class=\"rv\">", NULL);
	crumbs_and_title(v);
	viewer_params_pane(v);
	if (v->pages > 0)
		viewer_toolbar(v);
	if (v->notice[0] != '\0') {
		(void)buf_puts(b, "<p class=\"status rv-notice\" role=\"status\">",
		    NULL);
		(void)buf_html(b, v->notice, NULL);
		(void)buf_puts(b, "</p>", NULL);
	}
	if (v->ready)
		canvas(v, &frag);
	else
		(void)buf_puts(b, "<p class=\"rv-hint rv-waiting\">Choose the "
		    "parameters above, then select <strong>View Report"
		    "</strong>.</p>", NULL);
	(void)buf_puts(b, "</div>", NULL);
	page_end(v->p);
	buf_fini(&frag);
}

void
rs_viewer_page(void *policy, struct page *p, const char *kind,
    const char *path)
{
	struct viewer	*v = xcalloc(1, sizeof(*v));
	struct rs_err	 e;
	unsigned	 t;

	v->p = p;
	v->policy = policy;
	buf_init(&v->pq, 0);
	if (rs_item_get(p->cat, p->user, path[0] ? path : "/", &v->it, &e) ==
	    -1) {
		page_error_e(p, &e, "/");
		free(v);
		return;
	}
	t = rs_tasks(p->cat, v->it.id, p->user);
	if (v->it.type != CATALOG_REPORT)
		page_error(p, 400, "rsWrongItemType", "Only a report opens in "
		    "the viewer; this item is not one.", "/");
	else if (!rs_can_view(v->it.type, t))
		page_error(p, 403, "rsAccessDenied", "You may not view this "
		    "report.", "/");
	else if (catalog_item_content(p->cat, v->it.id, &v->rdl, &v->len,
	    &e) == -1)
		page_error_e(p, &e, "/");
	else if (rs_query_parse(p->req->query, &v->q, &e) == -1)
		page_error(p, 400, "rsInvalidParameter", e.msg, NULL);
	else {
		read_fields(v);
		if (load_params(v)) {
			v->ready = viewer_params_ready(v);
			if (v->ready)	/* links and exports say every value */
				viewer_params_effective(v);
			if (strcmp(kind, "print") == 0)
				print_pdf(v);
			else
				view(v);
		}
	}
	params_free(v);
	viewer_params_fini(v);
	rs_query_fini(&v->q);
	buf_fini(&v->pq);
	free(v->rdl);
	catalog_item_fini(&v->it);
	free(v);
}
