/*
 * pages.c: the web portal pages (see pages.h): the page frame and its
 * style, the folder page, the item page and the security page.  Pages are
 * plain HTML5 with one inline style sheet: labelled controls, visible
 * focus, a skip link, landmarks, and text contrast above 7:1.
 */
#include "reportserver/form.h"
#include "reportserver/pages.h"
#include "reportserver/subs.h"
#include "reportserver/viewer.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char css[] =
	":root{--ink:#1b1b1b;--muted:#4a4a4a;--line:#d6d6d6;--bg:#f7f7f8;"
	"--brand:#0b5cad;--danger:#a4262c}"
	"*{box-sizing:border-box}"
	"body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',"
	"Roboto,sans-serif;color:var(--ink);background:var(--bg)}"
	"a{color:var(--brand)}"
	"a:focus,button:focus,input:focus,select:focus,textarea:focus,"
	"summary:focus{outline:3px solid "
	"#f0a30a;outline-offset:2px}"
	".skip{position:absolute;left:-999px}.skip:focus{left:1em;top:1em;"
	"background:#fff;padding:.4em}"
	"header{background:#1f2937;color:#fff;padding:.7em 1.5em;display:flex;"
	"justify-content:space-between;align-items:center}"
	"header a{color:#fff;text-decoration:none;font-weight:600}"
	"input[type=password]{width:100%;padding:.45em;border:1px solid "
	"#8a8a8a;border-radius:.3em;font:inherit}"
	"main{max-width:70em;margin:0 auto;padding:1em 1.5em}"
	"nav.crumbs ol{list-style:none;padding:0;margin:.5em 0;display:flex;"
	"flex-wrap:wrap}nav.crumbs li+li:before{content:'/';padding:0 .5em;"
	"color:var(--muted)}"
	"h1{font-size:1.5em;margin:.3em 0 .6em}"
	"h2{font-size:1.1em;margin:1.2em 0 .5em}"
	"table{width:100%;border-collapse:collapse;background:#fff;"
	"border:1px solid var(--line)}"
	"th,td{text-align:left;padding:.5em .7em;border-bottom:1px solid "
	"var(--line);vertical-align:middle}"
	"thead th{background:#eef0f3;font-weight:600}"
	"tbody th{font-weight:600}"
	".type{display:inline-block;min-width:6.5em;font-size:.8em;"
	"padding:.1em .5em;border-radius:1em;background:#e3ecf7;"
	"color:#0b3d73}"
	".type.Folder{background:#fdf0d5;color:#5c3d00}"
	".muted{color:var(--muted)}"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,"
	"minmax(18em,1fr));gap:1em;margin-top:1em}"
	"form.card,div.card{background:#fff;border:1px solid var(--line);"
	"border-radius:.5em;padding:1em}"
	"label{display:block;font-weight:600;margin:.4em 0 .2em}"
	"input[type=text],select,input[type=file]{width:100%;padding:.45em;"
	"border:1px solid #8a8a8a;border-radius:.3em;font:inherit}"
	"button{margin-top:.7em;padding:.45em 1em;border:0;border-radius:.3em;"
	"background:var(--brand);color:#fff;font:inherit;cursor:pointer}"
	"button.danger{background:var(--danger)}"
	"form.inline{display:inline}form.inline button{margin:0}"
	".status{background:#e6f4ea;border:1px solid #8ac79b;padding:.5em "
	".8em;border-radius:.3em}"
	".error{background:#fde7e9;border:1px solid #e8a3a9;padding:.5em "
	".8em;border-radius:.3em}"
	"fieldset{border:1px solid var(--line);border-radius:.3em}"
	"fieldset label{font-weight:400;display:inline-block;margin-right:1em}"
	"details.menu{position:relative;display:inline-block}"
	"details.menu>summary{cursor:pointer;color:var(--brand);padding:.1em "
	".3em}details.menu ul{position:absolute;right:0;z-index:5;"
	"background:#fff;border:1px solid var(--line);border-radius:.3em;"
	"list-style:none;margin:.2em 0;padding:.3em 0;min-width:13em;"
	"box-shadow:0 2px 6px #0003}details.menu li{padding:.2em .8em}"
	"footer{color:var(--muted);font-size:.85em;text-align:center;"
	"padding:2em}";

void
page_url(struct page *p, struct buf *b, const char *kind, const char *path)
{
	(void)buf_printf(b, NULL, "%s/%s", p->req->vdir, kind);
	rs_url_encode(b, path, false);
}

void
page_start(struct page *p, const char *title)
{
	struct buf	*b = &p->resp->body;

	buf_reset(b);
	rsresp_header(p->resp, "Content-Type", "text/html; charset=utf-8");
	/* The viewer runs portal.js (no inline script) and shows a report's
	 * embedded images (data: URLs); other pages have no script. */
	rsresp_header(p->resp, "Content-Security-Policy", p->script ?
	    "default-src 'none'; script-src 'self'; connect-src 'self';"
	    " style-src 'unsafe-inline'; img-src 'self' data:; form-action"
	    " 'self'; base-uri 'none'; frame-ancestors 'none'" :
	    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self';"
	    " form-action 'self'; frame-ancestors 'none'");
	rsresp_header(p->resp, "X-Frame-Options", "DENY");
	rsresp_header(p->resp, "Referrer-Policy", "same-origin");
	(void)buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\""
	    "width=device-width,initial-scale=1\"><title>", NULL);
	(void)buf_html(b, title, NULL);
	(void)buf_printf(b, NULL, " - %s</title><style>%s%s</style>",
	    RS_PRODUCT, css, p->css_extra != NULL ? p->css_extra : "");
	if (p->script)
		(void)buf_printf(b, NULL, "<script src=\"%s/assets/portal.js?v="
		    "%s\" defer></script>", p->req->vdir, RS_VERSION);
	(void)buf_printf(b, NULL, "</head><body><a class=\"skip\" href=\""
	    "#main\">Skip to content</a><header><a href=\"%s/browse/\">%s</a>"
	    "<span>", p->req->vdir, RS_PRODUCT);
	(void)buf_printf(b, NULL, "<a href=\"%s/mysubscriptions\">My "
	    "subscriptions</a> &middot; ", p->req->vdir);
	if (page_is_admin(p))
		(void)buf_printf(b, NULL, "<a href=\"%s/admin\">Site settings"
		    "</a> &middot; <a href=\"%s/schedules\">Schedules</a> "
		    "&middot; ", p->req->vdir, p->req->vdir);
	(void)buf_puts(b, "Signed in as <strong>", NULL);
	(void)buf_html(b, p->user->name, NULL);
	(void)buf_puts(b, "</strong></span></header><main id=\"main\">", NULL);
}

void
page_end(struct page *p)
{
	(void)buf_printf(&p->resp->body, NULL, "</main><footer>%s %s</footer>"
	    "</body></html>\n", RS_PRODUCT, RS_VERSION);
}

void
page_redirect(struct page *p, const char *kind, const char *path,
    const char *msg)
{
	struct buf	loc;

	buf_init(&loc, 0);
	page_url(p, &loc, kind, path);
	(void)buf_puts(&loc, "?msg=", NULL);
	rs_url_encode(&loc, msg, true);
	p->resp->status = 303;
	rsresp_header(p->resp, "Location", loc.data);
	buf_reset(&p->resp->body);
	buf_fini(&loc);
}

void
page_error(struct page *p, int status, const char *rscode, const char *msg,
    const char *back)
{
	struct buf	*b = &p->resp->body;

	page_start(p, "Error");
	p->resp->status = status;
	(void)buf_puts(b, "<h1>Something went wrong</h1><p class=\"error\" "
	    "role=\"alert\">", NULL);
	(void)buf_html(b, msg, NULL);
	(void)buf_printf(b, NULL, " <span class=\"muted\">(%s)</span></p>",
	    rscode);
	if (back != NULL) {
		(void)buf_puts(b, "<p><a href=\"", NULL);
		page_url(p, b, "browse", back);
		(void)buf_puts(b, "\">Back to ", NULL);
		(void)buf_html(b, back, NULL);
		(void)buf_puts(b, "</a></p>", NULL);
	}
	page_end(p);
}

void
page_error_e(struct page *p, const struct rs_err *e, const char *back)
{
	page_error(p, rs_err_status(e), rs_err_rscode(e), e->msg, back);
}

void
page_form_head(struct page *p, const char *op, const char *path)
{
	struct buf	*b = &p->resp->body;

	(void)buf_printf(b, NULL, "<input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\"><input type=\"hidden\" name=\"op\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"path\" value=\"", p->token, op);
	(void)buf_html(b, path, NULL);
	(void)buf_puts(b, "\">", NULL);
}

void
page_kind_select(struct page *p, const char *id)
{
	struct buf	*b = &p->resp->body;

	(void)buf_printf(b, NULL, "<label for=\"%s\">Kind</label><select id=\""
	    "%s\" name=\"kind\"><option value=\"\">Built-in account if one "
	    "has that name, else Linux user</option>", id, id);
	for (int k = CATALOG_PK_UNSPEC + 1; k < CATALOG_PK__COUNT; k++)
		(void)buf_printf(b, NULL, "<option value=\"%s\">%s</option>",
		    catalog_pkind_name((enum catalog_pkind)k),
		    catalog_pkind_label((enum catalog_pkind)k));
	(void)buf_puts(b, "</select>", NULL);
}

int
page_principal(struct page *p, const struct form *f, const char *back,
    enum catalog_pkind *k, const char **name)
{
	const char	*text = form_str(f, "principal");
	struct rs_err	 e;

	if (text == NULL || text[0] == '\0') {
		page_error(p, 400, "rsInvalidParameter", "Give a user or group "
		    "name.", back);
		return -1;
	}
	if (rs_principal_read(text, form_str(f, "kind"), k, name, &e) == -1) {
		page_error_e(p, &e, back);
		return -1;
	}
	if ((*name)[0] == '\0') {
		page_error(p, 400, "rsInvalidParameter", "Give a user or group "
		    "name.", back);
		return -1;
	}
	return 0;
}

static void
form_open(struct page *p, const char *cls, const char *op, const char *path,
    bool multipart)
{
	(void)buf_printf(&p->resp->body, NULL, "<form class=\"%s\" method=\""
	    "post\" action=\"%s/action\"%s>", cls, p->req->vdir, multipart ?
	    " enctype=\"multipart/form-data\"" : "");
	page_form_head(p, op, path);
}

void
page_crumbs(struct page *p, const char *path)
{
	struct buf	*b = &p->resp->body;
	char		 part[CATALOG_PATH_MAX + 2];
	const char	*s = path;

	(void)buf_puts(b, "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><ol>"
	    "<li><a href=\"", NULL);
	page_url(p, b, "browse", "/");
	(void)buf_puts(b, "\">Home</a></li>", NULL);
	while (*s == '/' && s[1] != '\0') {
		const char	*next = strchrnul(s + 1, '/');

		snprintf(part, sizeof(part), "%.*s", (int)(next - path), path);
		(void)buf_puts(b, "<li><a href=\"", NULL);
		page_url(p, b, *next == '\0' && p->crumb_kind != NULL ?
		    p->crumb_kind : "browse", part);
		(void)buf_printf(b, NULL, "\"%s>", *next == '\0' ?
		    " aria-current=\"page\"" : "");
		(void)buf_html(b, strrchr(part, '/') + 1, NULL);
		(void)buf_puts(b, "</a></li>", NULL);
		s = next;
	}
	(void)buf_puts(b, "</ol></nav>", NULL);
}

void
page_status(struct page *p)
{
	struct rsquery	q;
	struct rs_err	e;
	const char	*m;

	if (rs_query_parse(p->req->query, &q, &e) == -1)
		return;
	m = rs_query_get(&q, "msg");
	if (m != NULL && m[0] != '\0') {
		(void)buf_puts(&p->resp->body, "<p class=\"status\" role=\""
		    "status\">", NULL);
		(void)buf_html(&p->resp->body, m, NULL);
		(void)buf_puts(&p->resp->body, "</p>", NULL);
	}
	rs_query_fini(&q);
}

static void ws_link(struct page *, const struct catalog_item *,
    const char *cmd, const char *label);

/*
 * One row of a folder: the name opens the item (a folder's page, a
 * report in the portal's viewer, else the item's page); the row's
 * actions menu (a <details>, no script needed) offers Open and Manage
 * (or, for a report the user may only view, Details).
 */
static void
item_row(struct page *p, const struct catalog_item *it, unsigned t)
{
	struct buf	*b = &p->resp->body;
	char		 when[32];
	bool		 manage = (t & rs_manage_task(it->type)) != 0;
	const char	*open = it->type == CATALOG_FOLDER ? "browse" :
			    it->type == CATALOG_REPORT ? "report" : "item";

	rs_time_iso(it->modified, when, sizeof(when));
	(void)buf_printf(b, NULL, "<tr><td><span class=\"type %s\">%s</span>"
	    "</td><th scope=\"row\"><a href=\"", catalog_type_name(it->type),
	    catalog_type_name(it->type));
	page_url(p, b, open, it->path);
	(void)buf_puts(b, "\">", NULL);
	(void)buf_html(b, it->name, NULL);
	(void)buf_puts(b, "</a></th><td>", NULL);
	(void)buf_html(b, it->description, NULL);
	(void)buf_printf(b, NULL, "</td><td><time datetime=\"%s\">%.10s</time>"
	    "</td><td>", when, when);
	(void)buf_html(b, it->modified_by, NULL);
	(void)buf_puts(b, "</td><td>", NULL);
	if (manage || it->type == CATALOG_REPORT) {
		(void)buf_puts(b, "<details class=\"menu\"><summary>Actions"
		    "<span class=\"skip\"> for ", NULL);
		(void)buf_html(b, it->name, NULL);
		(void)buf_puts(b, "</span></summary><ul><li><a href=\"", NULL);
		page_url(p, b, open, it->path);
		(void)buf_puts(b, "\">Open</a></li><li><a class=\"manage\" href"
		    "=\"", NULL);
		page_url(p, b, "item", it->path);
		(void)buf_printf(b, NULL, "\">%s<span class=\"skip\"> ", manage ?
		    "Manage" : "Details");
		(void)buf_html(b, it->name, NULL);
		(void)buf_puts(b, "</span></a></li>", NULL);
		if (it->type == CATALOG_REPORT) {
			(void)buf_puts(b, "<li>", NULL);
			ws_link(p, it, "Render", "Open in the web service");
			(void)buf_puts(b, "</li>", NULL);
		}
		(void)buf_puts(b, "</ul></details>", NULL);
	}
	(void)buf_puts(b, "</td></tr>", NULL);
}

/* The upload card; a refused file's message stands beside the input. */
static void
upload_form(struct page *p, const struct catalog_item *dir,
    const char *error)
{
	struct buf	*b = &p->resp->body;

	form_open(p, "card", "upload", dir->path, true);
	(void)buf_printf(b, NULL, "<h2>Upload</h2><label for=\"uf\">File"
	    "</label><input type=\"file\" id=\"uf\" name=\"file\" required%s>",
	    error != NULL ? " aria-invalid=\"true\" aria-describedby=\"uf-err\""
	    : "");
	if (error != NULL) {
		(void)buf_puts(b, "<p class=\"error\" id=\"uf-err\" role=\"alert"
		    "\">", NULL);
		(void)buf_html(b, error, NULL);
		(void)buf_puts(b, "</p>", NULL);
	}
	(void)buf_puts(b, "<label for=\"ut\">Upload as</label><select id=\"ut\" "
	    "name=\"type\"><option value=\"auto\">Detect from the name (.rdl "
	    "report, .rds data source, .rsd dataset, else resource)</option>"
	    "<option>Report</option><option>DataSource</option><option>"
	    "DataSet</option><option>Resource</option></select><label "
	    "for=\"un\">Name (optional)</label><input type=\"text\" id=\"un\" "
	    "name=\"name\" maxlength=\"260\"><fieldset><legend>If it exists"
	    "</legend><label><input type=\"checkbox\" name=\"overwrite\" "
	    "value=\"1\"> Replace it</label></fieldset><button>Upload</button>"
	    "</form>", NULL);
}

static void
folder_forms(struct page *p, const struct catalog_item *dir, unsigned t,
    const char *upload_error)
{
	struct buf	*b = &p->resp->body;

	(void)buf_puts(b, "<div class=\"cards\">", NULL);
	if (t & CATALOG_T_MANAGE_FOLDERS) {
		form_open(p, "card", "newfolder", dir->path, false);
		(void)buf_puts(b, "<h2>New folder</h2><label for=\"nf\">Name"
		    "</label><input type=\"text\" id=\"nf\" name=\"name\" "
		    "required maxlength=\"260\"><button>Create folder</button>"
		    "</form>", NULL);
	}
	if (t & (CATALOG_T_MANAGE_REPORTS | CATALOG_T_MANAGE_RESOURCES |
	    CATALOG_T_MANAGE_DATASOURCES))
		upload_form(p, dir, upload_error);
	if (t & CATALOG_T_SET_SECURITY) {
		(void)buf_puts(b, "<div class=\"card\"><h2>Security</h2><p>"
		    "<a href=\"", NULL);
		page_url(p, b, "security", dir->path);
		(void)buf_puts(b, "\">Manage role assignments of this folder"
		    "</a></p></div>", NULL);
	}
	(void)buf_puts(b, "</div>", NULL);
}

bool
page_folder(struct page *p, const struct catalog_item *dir,
    const char *upload_error)
{
	struct buf		*b = &p->resp->body;
	struct catalog_item	*v;
	struct rs_err		 e;
	unsigned		 t = rs_tasks(p->cat, dir->id, p->user);
	size_t			 n, shown = 0;

	if (!rs_can_view(CATALOG_FOLDER, t))
		return false;
	if (catalog_item_children(p->cat, dir->id, &v, &n, &e) == -1) {
		page_error_e(p, &e, NULL);
		return true;
	}
	page_start(p, dir->parent_id[0] ? dir->name : "Home");
	page_crumbs(p, dir->path);
	(void)buf_puts(b, "<h1>", NULL);
	(void)buf_html(b, dir->parent_id[0] ? dir->name : "Home", NULL);
	(void)buf_puts(b, "</h1>", NULL);
	page_status(p);
	(void)buf_puts(b, "<table><caption class=\"skip\">Contents</caption>"
	    "<thead><tr><th scope=\"col\">Type</th><th scope=\"col\">Name</th>"
	    "<th scope=\"col\">Description</th><th scope=\"col\">Modified"
	    "</th><th scope=\"col\">By</th><th scope=\"col\"><span class="
	    "\"skip\">Actions</span></th></tr></thead><tbody>", NULL);
	for (size_t i = 0; i < n; i++) {
		unsigned	it = rs_tasks(p->cat, v[i].id, p->user);

		if (v[i].hidden || !rs_can_view(v[i].type, it))
			continue;
		item_row(p, &v[i], it);
		shown++;
	}
	if (shown == 0)
		(void)buf_puts(b, "<tr><td colspan=\"6\" class=\"muted\">This "
		    "folder is empty.</td></tr>", NULL);
	(void)buf_puts(b, "</tbody></table>", NULL);
	folder_forms(p, dir, t, upload_error);
	page_end(p);
	catalog_items_free(v, n);
	return true;
}

static void
ws_link(struct page *p, const struct catalog_item *it, const char *cmd,
    const char *label)
{
	struct buf	*b = &p->resp->body;
	const char	*ws = rs_server_ws_vdir(p->srv);
	(void)buf_printf(b, NULL, "<a href=\"/%s?", ws);
	rs_url_encode(b, it->path, true);
	(void)buf_printf(b, NULL, "&amp;rs:Command=%s\">", cmd);
	if (label != NULL)
		(void)buf_puts(b, label, NULL);
	else
		(void)buf_html(b, it->name, NULL);
	(void)buf_puts(b, "</a>", NULL);
}

static void
item_forms(struct page *p, const struct catalog_item *it, unsigned t)
{
	struct buf	*b = &p->resp->body;
	char		 parent[CATALOG_PATH_MAX + 2];

	catalog_path_parent(it->path, parent, sizeof(parent));
	(void)buf_puts(b, "<div class=\"cards\">", NULL);
	form_open(p, "card", "props", it->path, false);
	(void)buf_puts(b, "<h2>Properties</h2><label for=\"ds\">Description"
	    "</label><input type=\"text\" id=\"ds\" name=\"description\" "
	    "maxlength=\"512\" value=\"", NULL);
	(void)buf_html(b, it->description, NULL);
	(void)buf_printf(b, NULL, "\"><label><input type=\"checkbox\" name=\""
	    "hidden\" value=\"1\"%s> Hide in tile view and listings</label>"
	    "<button>Apply</button></form>", it->hidden ? " checked" : "");
	form_open(p, "card", "rename", it->path, false);
	(void)buf_puts(b, "<h2>Rename</h2><label for=\"rn\">New name</label>"
	    "<input type=\"text\" id=\"rn\" name=\"name\" required "
	    "maxlength=\"260\" value=\"", NULL);
	(void)buf_html(b, it->name, NULL);
	(void)buf_puts(b, "\"><button>Rename</button></form>", NULL);
	form_open(p, "card", "move", it->path, false);
	(void)buf_puts(b, "<h2>Move</h2><label for=\"mv\">To folder (path)"
	    "</label><input type=\"text\" id=\"mv\" name=\"target\" required "
	    "value=\"", NULL);
	(void)buf_html(b, parent, NULL);
	(void)buf_puts(b, "\"><button>Move</button></form>", NULL);
	form_open(p, "card", "delete", it->path, false);
	(void)buf_puts(b, "<h2>Delete</h2><p>This removes the item", NULL);
	(void)buf_puts(b, it->type == CATALOG_FOLDER ? " and everything in it"
	    : "", NULL);
	(void)buf_puts(b, ".</p><label><input type=\"checkbox\" name=\""
	    "confirm\" value=\"1\" required> I am sure</label><button class="
	    "\"danger\">Delete</button></form>", NULL);
	if (t & CATALOG_T_SET_SECURITY) {
		(void)buf_puts(b, "<p><a href=\"", NULL);
		page_url(p, b, "security", it->path);
		(void)buf_puts(b, "\">Manage role assignments</a></p>", NULL);
	}
	if (it->type == CATALOG_REPORT && (t & (CATALOG_T_MANAGE_SUBSCRIPTIONS |
	    CATALOG_T_MANAGE_ALL_SUBS))) {
		(void)buf_puts(b, "<p><a href=\"", NULL);
		page_url(p, b, "subscriptions", it->path);
		(void)buf_puts(b, "\">Subscriptions</a></p>", NULL);
	}
	(void)buf_puts(b, "</div>", NULL);
}

static void
item_page(struct page *p, const struct catalog_item *it)
{
	struct buf	*b = &p->resp->body;
	unsigned	 t = rs_tasks(p->cat, it->id, p->user);
	char		 when[32];

	if (!rs_can_view(it->type, t) && !(t & rs_manage_task(it->type))) {
		page_error(p, 403, "rsAccessDenied", "You may not view this "
		    "item.", NULL);
		return;
	}
	page_start(p, it->name);
	page_crumbs(p, it->path);
	(void)buf_puts(b, "<h1>", NULL);
	(void)buf_html(b, it->name, NULL);
	(void)buf_puts(b, "</h1>", NULL);
	page_status(p);
	rs_time_iso(it->modified, when, sizeof(when));
	(void)buf_printf(b, NULL, "<table><tbody><tr><th scope=\"row\">Type"
	    "</th><td>%s</td></tr><tr><th scope=\"row\">Size</th><td>%lld "
	    "bytes</td></tr><tr><th scope=\"row\">Modified</th><td>%s by ",
	    catalog_type_name(it->type), (long long)it->size, when);
	(void)buf_html(b, it->modified_by, NULL);
	(void)buf_puts(b, "</td></tr><tr><th scope=\"row\">Open</th><td>",
	    NULL);
	if (it->type == CATALOG_REPORT) {
		(void)buf_puts(b, "<a class=\"view\" href=\"", NULL);
		page_url(p, b, "report", it->path);
		(void)buf_puts(b, "\">View report</a> &middot; ", NULL);
		ws_link(p, it, "Render", "in the web service");
		if (rs_can_read_definition(it->type, t)) {
			(void)buf_puts(b, " &middot; ", NULL);
			ws_link(p, it, "GetResourceContents", "Download");
		}
	} else if (it->type == CATALOG_DATASOURCE)
		ws_link(p, it, "GetDataSourceContents", "Definition");
	else if (it->type != CATALOG_FOLDER &&
	    rs_can_read_definition(it->type, t))
		ws_link(p, it, "GetResourceContents", "Download");
	(void)buf_puts(b, "</td></tr></tbody></table>", NULL);
	if (t & rs_manage_task(it->type))
		item_forms(p, it, t);
	page_end(p);
}

static void
policy_row(struct page *p, const struct catalog_item *it,
    const struct catalog_policy *pol, bool inherit)
{
	struct buf	*b = &p->resp->body;
	bool		 first = true;

	char		 q[CATALOG_NAME_MAX + 32];

	catalog_principal_format(pol, q, sizeof(q));
	(void)buf_puts(b, "<tr><th scope=\"row\">", NULL);
	(void)buf_html(b, pol->principal, NULL);
	(void)buf_printf(b, NULL, "</th><td>%s</td><td>",
	    catalog_pkind_label(pol->kind));
	for (unsigned bit = 1; bit <= CATALOG_ROLE_REPORT_BUILDER; bit <<= 1)
		if (pol->roles & bit) {
			(void)buf_printf(b, NULL, "%s%s", first ? "" : ", ",
			    catalog_role_name(bit, false));
			first = false;
		}
	(void)buf_puts(b, "</td><td>", NULL);
	if (!inherit) {
		form_open(p, "inline", "policy_remove", it->path, false);
		(void)buf_puts(b, "<input type=\"hidden\" name=\"principal\" "
		    "value=\"", NULL);
		(void)buf_html(b, q, NULL);
		(void)buf_puts(b, "\"><button class=\"danger\">Remove<span "
		    "class=\"skip\"> ", NULL);
		(void)buf_html(b, q, NULL);
		(void)buf_puts(b, "</span></button></form>", NULL);
	}
	(void)buf_puts(b, "</td></tr>", NULL);
}

static void
security_forms(struct page *p, const struct catalog_item *it, bool inherit)
{
	struct buf	*b = &p->resp->body;

	(void)buf_puts(b, "<div class=\"cards\">", NULL);
	if (inherit) {
		form_open(p, "card", "break", it->path, false);
		(void)buf_puts(b, "<h2>Inherited from the parent folder</h2>"
		    "<p>Customize security to give this item its own role "
		    "assignments (a copy of the parent's to start with)."
		    "</p><button>Customize security</button></form>", NULL);
	} else if (it->parent_id[0] != '\0') {
		form_open(p, "card", "inherit", it->path, false);
		(void)buf_puts(b, "<h2>Own role assignments</h2><p>Revert to "
		    "the parent folder's security; this item's own assignments "
		    "are removed.</p><button class=\"danger\">Revert to parent "
		    "security</button></form>", NULL);
	}
	form_open(p, "card", "policy_set", it->path, false);
	(void)buf_puts(b, "<h2>Add or change an assignment</h2><label for=\""
	    "pr\">User or group name</label><input type=\"text\" id=\"pr\" "
	    "name=\"principal\" required maxlength=\"260\">", NULL);
	page_kind_select(p, "pk");
	(void)buf_puts(b, "<fieldset><legend>Roles</legend>", NULL);
	for (unsigned bit = 1; bit <= CATALOG_ROLE_REPORT_BUILDER; bit <<= 1)
		(void)buf_printf(b, NULL, "<label><input type=\"checkbox\" "
		    "name=\"role\" value=\"%s\"> %s</label>",
		    catalog_role_name(bit, false), catalog_role_name(bit,
		    false));
	(void)buf_puts(b, "</fieldset><button>Save assignment</button></form>"
	    "</div>", NULL);
}

static void
security_page(struct page *p, const struct catalog_item *it)
{
	struct buf		*b = &p->resp->body;
	struct catalog_policy	*v;
	struct rs_err		 e;
	size_t			 n;
	bool			 inh;

	if ((rs_tasks(p->cat, it->id, p->user) & CATALOG_T_SET_SECURITY) == 0) {
		page_error(p, 403, "rsAccessDenied", "You may not manage the "
		    "security of this item.", NULL);
		return;
	}
	if (catalog_policy_get(p->cat, it->id, &inh, &v, &n, &e) == -1) {
		page_error_e(p, &e, NULL);
		return;
	}
	page_start(p, "Security");
	page_crumbs(p, it->path);
	(void)buf_puts(b, "<h1>Security of ", NULL);
	(void)buf_html(b, it->parent_id[0] ? it->path : "Home", NULL);
	(void)buf_puts(b, "</h1>", NULL);
	page_status(p);
	(void)buf_puts(b, "<table><caption class=\"skip\">Role assignments"
	    "</caption><thead><tr><th scope=\"col\">User or group</th><th "
	    "scope=\"col\">Kind</th><th scope=\"col\">Roles</th><th scope=\"col\"><span class=\"skip\">"
	    "Actions</span></th></tr></thead><tbody>", NULL);
	for (size_t i = 0; i < n; i++)
		policy_row(p, it, &v[i], inh);
	(void)buf_puts(b, "</tbody></table>", NULL);
	security_forms(p, it, inh);
	page_end(p);
	catalog_policies_free(v, n);
}

/* Splits "/kind/rest-of-path" into kind and the item path. */
static void
route(struct page *p)
{
	static const char *const kinds[] = { "browse", "item", "security" };
	const char		*path = p->req->path;
	struct catalog_item	 it;
	struct rs_err		 e;
	size_t			 k;

	for (k = 0; k < nitems(kinds); k++) {
		size_t	n = strlen(kinds[k]);

		if (path[0] == '/' && strncmp(path + 1, kinds[k], n) == 0 &&
		    (path[n + 1] == '/' || path[n + 1] == '\0')) {
			path += n + 1;
			break;
		}
	}
	if (k == nitems(kinds)) {
		page_error(p, 404, "rsItemNotFound", "There is no such page.",
		    "/");
		return;
	}
	if (rs_item_get(p->cat, p->user, path[0] ? path : "/", &it, &e) ==
	    -1) {
		page_error_e(p, &e, "/");
		return;
	}
	if (k == 0 && it.type != CATALOG_FOLDER)
		k = 1;
	if (k == 0) {
		if (!page_folder(p, &it, NULL))
			page_error(p, 403, "rsAccessDenied", "You may not view "
			    "this folder.", NULL);
	} else if (k == 1)
		item_page(p, &it);
	else
		security_page(p, &it);
	catalog_item_fini(&it);
}

void
rs_pages_handle(struct rs_server *s, struct catalog *cat,
    const struct rsuser *u, struct rsreq *r, struct rsresp *resp)
{
	struct page	p = { s, cat, u, r, resp, { 0 }, false, NULL, NULL };

	rs_token_get(s, u->name, p.token);
	if (strcmp(r->method, "POST") == 0 && strcmp(r->path, "/action") == 0)
		rs_actions_handle(&p);
	else if (strcmp(r->method, "GET") != 0 &&
	    strcmp(r->method, "HEAD") != 0)
		page_error(&p, 405, "rsInvalidRequest", "This page only "
		    "answers GET.", NULL);
	else if (strcmp(r->path, "/admin") == 0)
		page_admin(&p);
	else if (strncmp(r->path, "/assets/", 8) == 0) {
		if (!rs_assets_handle(&p, r->path + 8))	/* assets.c */
			page_error(&p, 404, "rsItemNotFound", "There is no such "
			    "file.", "/");
	} else if (strncmp(r->path, "/report/", 8) == 0 ||
	    strncmp(r->path, "/print/", 7) == 0) {
		bool	print = r->path[1] == 'p';

		if (s->viewer == NULL)	/* viewer.c, installed by the daemon */
			page_error(&p, 501, "rsOperationNotSupported", "The "
			    "report viewer is not available in this build.", "/");
		else
			s->viewer(s->viewer_arg, &p, print ? "print" : "report",
			    r->path + (print ? 6 : 7));
	}
	else if (strncmp(r->path, "/subscriptions/", 15) == 0)
		rs_portal_subs_page(&p, r->path + 14);	/* portal_subs.c */
	else if (strcmp(r->path, "/mysubscriptions") == 0)
		rs_portal_mysubs_page(&p);
	else if (strcmp(r->path, "/schedules") == 0)
		rs_portal_schedules_page(&p);
	else if (strcmp(r->path, "/") == 0 || r->path[0] == '\0') {
		struct buf	loc;

		buf_init(&loc, 0);
		(void)buf_printf(&loc, NULL, "%s/browse/", r->vdir);
		resp->status = 302;
		rsresp_header(resp, "Location", loc.data);
		buf_fini(&loc);
	} else
		route(&p);
}
