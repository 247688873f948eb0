/*
 * html.c: the HTML5 rendering extension, also the portal's viewer.  A full
 * page (or, with rc:HTMLFragment=true, the report's markup only) with a
 * toolbar that works without JavaScript: a GET form with the parameters
 * (drop-downs for valid values, a NULL box for nullable ones), page links
 * (rc:Section) and export links (rs:Format=...).  The report flows top to
 * bottom: textboxes as blocks, data regions as tables with their styles
 * inline.  Soft pages break at the page's InteractiveHeight; only the
 * section asked for is written (rc:Section, 1 by default, 0 for all), but
 * every row is processed, so the row count and page count are right.
 *
 * The toolbar ("Page N of M", First/Previous/Next/Last) and the page
 * header and footer (Globals!TotalPages, PrintOnFirstPage/LastPage) need
 * the page count, known only when processing ends.  So the output goes to
 * a bounded spool (spool.c: memory, then an unlinked temporary file) with
 * a mark where the toolbar and each page's bands belong; at the end they
 * are evaluated with the right count and the spool is sent with them in
 * place.  Only the pages asked for are spooled, and nothing is kept of a
 * row once it is spooled, so memory does not grow with the report.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "render/render_int.h"

struct html {
	bool		 fragment, toolbar;
	int		 section;	/* 0: all pages */
	int		 page;		/* current page, 1-based */
	double		 page_h;	/* usable height per page, pt */
	double		 used;		/* height used on this page */
	bool		 in_table;
	const struct rdl_item *table;	/* open data region */
	struct buf	 out;
	struct buf	 query;		/* "&P=v..." of this render */
	struct rrow	*repeat;	/* RepeatOnNewPage header rows */
	size_t		 nrepeat;
	/* Textboxes whose style is constant share a CSS class. */
	const struct rdl_item **cls_item;
	int		*cls_of;	/* class number of each */
	size_t		 ncls_item;
	char		**cls;		/* the classes' declarations */
	size_t		 ncls;
	/* The spool, and where the toolbar (page 0) and bands go. */
	struct spool	 sp;
	struct mark {
		uint64_t	 off;
		int		 page;
	}		*marks;
	size_t		 nmarks, capmarks;
};

static bool
visible(struct html *h)
{
	return h->section == 0 || h->section == h->page;
}

static void
esc(struct buf *b, const char *s)
{
	buf_html(b, s, NULL);
}

/* Percent-encodes s for a URL query. */
static void
urlenc(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-_.~/:", ch) != NULL)
			buf_append(b, s, 1, NULL);
		else
			buf_printf(b, NULL, "%%%c%c", hex[ch >> 4], hex[ch & 15]);
	}
}

/* Moves the pending output into the spool. */
static int
flush(struct rctx *c, struct html *h)
{
	int		 rv = spool_write(&h->sp, h->out.data, h->out.len, c->e);

	buf_reset(&h->out);
	return rv;
}

/* The toolbar (page 0) or a page's bands go here once the count is known. */
static void
mark(struct html *h, int page)
{
	if (h->nmarks == h->capmarks) {
		h->capmarks = h->capmarks ? h->capmarks * 2 : 64;
		h->marks = xreallocarray(h->marks, h->capmarks,
		    sizeof(*h->marks));
	}
	h->marks[h->nmarks].off = h->sp.len + h->out.len;
	h->marks[h->nmarks++].page = page;
}

static void
css_color(struct buf *b, const char *prop, const char *v)
{
	if (v[0] == '\0' || strcasecmp(v, "Transparent") == 0)
		return;
	buf_printf(b, NULL, "%s:", prop);
	esc(b, v);
	buf_puts(b, ";", NULL);
}

/*
 * font-family: each name of the list quoted ('Segoe UI','Arial').  The
 * names are style.c's tokens (letters, digits, space, - _ .), so neither a
 * quote nor anything that ends a declaration can be in them.
 */
static void
css_family(struct buf *b, const char *list)
{
	const char	*p = list;
	bool		 first = true;

	while (*p != '\0') {
		size_t	n = strcspn(p, ",");
		size_t	lead = strspn(p, " ");

		if (n > lead) {
			while (n > lead && p[n - 1] == ' ')
				n--;
			buf_printf(b, NULL, "%s'", first ? "" : ",");
			buf_append(b, p + lead, n - lead, NULL);
			buf_puts(b, "'", NULL);
			first = false;
		}
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	if (first)
		buf_puts(b, "sans-serif", NULL);
}

static bool
general(const char *align)
{
	return align[0] == '\0' || strcasecmp(align, "General") == 0;
}

static bool
numeric(const struct rcell *cell)
{
	return cell != NULL && (cell->value.type == EXPR_T_INT ||
	    cell->value.type == EXPR_T_FLOAT ||
	    cell->value.type == EXPR_T_DATETIME);
}

/*
 * The CSS declarations of a style.  With no cell (a class), General
 * alignment is left out: it depends on each value (numbers and dates to
 * the right, text to the left).
 */
static void
css_decl(struct buf *b, const struct rstyle *st, const struct rcell *cell)
{
	static const char *sides[] = { "top", "bottom", "left", "right" };
	const char	*align = st->align;

	buf_puts(b, "font-family:", NULL);
	css_family(b, st->font_family);
	buf_printf(b, NULL, ";font-size:%.4gpt;", st->font_size);
	if (st->bold)
		buf_puts(b, "font-weight:bold;", NULL);
	if (st->italic)
		buf_puts(b, "font-style:italic;", NULL);
	if (st->underline)
		buf_puts(b, "text-decoration:underline;", NULL);
	css_color(b, "color", st->color);
	css_color(b, "background-color", st->background);
	if (general(align) && cell != NULL)
		align = numeric(cell) ? "right" : "left";
	if (!general(align)) {
		buf_puts(b, "text-align:", NULL);
		esc(b, align);
		buf_puts(b, ";", NULL);
	}
	buf_puts(b, "vertical-align:", NULL);
	esc(b, st->valign[0] ? st->valign : "top");
	buf_printf(b, NULL, ";padding:%.4gpt %.4gpt %.4gpt %.4gpt;",
	    st->padding[2], st->padding[1], st->padding[3], st->padding[0]);
	for (int i = 0; i < 4; i++) {
		const char *bs = st->border[i].style;
		if (bs[0] == '\0' || strcasecmp(bs, "None") == 0)
			continue;
		buf_printf(b, NULL, "border-%s:%.3gpt ", sides[i],
		    st->border[i].width > 0 ? st->border[i].width : 1);
		esc(b, strcasecmp(bs, "Solid") == 0 ? "solid" : bs);
		buf_puts(b, " ", NULL);
		esc(b, st->border[i].color[0] ? st->border[i].color : "black");
		buf_puts(b, ";", NULL);
	}
}

static bool
style_const(const struct rdl_style *s)
{
	const struct rdl_expr *p[] = { s->font_family, s->font_size,
	    s->font_weight, s->font_style, s->color, s->background_color,
	    s->format, s->text_align, s->vertical_align, s->text_decoration,
	    s->padding[0], s->padding[1], s->padding[2], s->padding[3] };

	for (size_t i = 0; i < nitems(p); i++)
		if (p[i] != NULL && p[i]->is_expr)
			return false;
	for (int i = 0; i < RDL_SIDE__N; i++)
		if ((s->border[i].style && s->border[i].style->is_expr) ||
		    (s->border[i].color && s->border[i].color->is_expr) ||
		    (s->border[i].width && s->border[i].width->is_expr))
			return false;
	return true;
}

static void	css_style(struct buf *, const struct rstyle *,
		    const struct rcell *, const char *);

/* Registers a constant-style textbox's class (shared when equal). */
static int
add_class(struct rctx *c, struct html *h, const struct rdl_item *it)
{
	struct rstyle	 st;
	struct buf	 d;
	size_t		 k;

	if (it->kind != RDL_TEXTBOX || !style_const(&it->style) ||
	    (it->nparas > 0 && (!style_const(&it->paras[0].style) ||
	    (it->paras[0].nruns > 0 &&
	    !style_const(&it->paras[0].runs[0].style)))))
		return 0;
	if (style_resolve(c, it, &st) == -1)
		return -1;
	buf_init(&d, 0);
	css_decl(&d, &st, NULL);
	for (k = 0; k < h->ncls; k++)
		if (strcmp(h->cls[k], d.data) == 0)
			break;
	if (k == h->ncls) {
		h->cls = xreallocarray(h->cls, h->ncls + 1, sizeof(*h->cls));
		h->cls[h->ncls++] = buf_take(&d, NULL);
	}
	buf_fini(&d);
	h->cls_item = xreallocarray(h->cls_item, h->ncls_item + 1,
	    sizeof(*h->cls_item));
	h->cls_of = xreallocarray(h->cls_of, h->ncls_item + 1,
	    sizeof(*h->cls_of));
	h->cls_item[h->ncls_item] = it;
	h->cls_of[h->ncls_item++] = (int)k;
	return 0;
}

static int
classes_of(struct rctx *c, struct html *h, struct rdl_item *const *items,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct rdl_item *it = items[i];
		const struct rdl_tablix *t = it->tablix;

		if (add_class(c, h, it) == -1 ||
		    classes_of(c, h, it->items, it->nitems) == -1)
			return -1;
		for (size_t r = 0; t != NULL && r < t->nrows; r++)
			for (size_t k = 0; k < t->ncols; k++)
				if (t->rows[r].cells[k].item != NULL &&
				    classes_of(c, h, &t->rows[r].cells[k].item,
				    1) == -1)
					return -1;
	}
	return 0;
}

static int
class_of(const struct html *h, const struct rdl_item *it)
{
	for (size_t i = 0; i < h->ncls_item; i++)
		if (h->cls_item[i] == it)
			return h->cls_of[i];
	return -1;
}

/* A cell's style: its class (plus General alignment) or inline. */
static void
cell_style(const struct html *h, struct buf *b, const struct rcell *cell,
    const char *base)
{
	int		 k = class_of(h, cell->item);

	if (k < 0) {
		if (base != NULL)
			buf_printf(b, NULL, " class=\"%s\"", base);
		css_style(b, &cell->st, cell, "");
		return;
	}
	buf_printf(b, NULL, " class=\"%s%sc%d\"", base ? base : "",
	    base ? " " : "", k);
	if (general(cell->st.align))
		buf_puts(b, numeric(cell) ? " style=\"text-align:right\"" :
		    " style=\"text-align:left\"", NULL);
}

static void
css_style(struct buf *b, const struct rstyle *st, const struct rcell *cell,
    const char *extra)
{
	buf_puts(b, " style=\"", NULL);
	buf_puts(b, extra, NULL);
	css_decl(b, st, cell != NULL ? cell : &(struct rcell){ 0 });
	buf_puts(b, "\"", NULL);
}

static void
text_html(struct buf *b, const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\n')
			buf_puts(b, "<br>", NULL);
		else if (*p != '\r') {
			char one[2] = { *p, '\0' };
			esc(b, one);
		}
	}
}

static void
build_query(struct rctx *c, struct html *h)
{
	for (size_t i = 0; i < c->nparams; i++) {
		const struct expr_param *p = &c->params[i];

		for (size_t j = 0; j < p->nvalues; j++) {
			struct buf v;

			buf_puts(&h->query, "&", NULL);
			urlenc(&h->query, p->name);
			if (p->values[j].type == EXPR_T_NULL) {
				buf_puts(&h->query, ":isnull=true", NULL);
				continue;
			}
			buf_init(&v, 0);
			expr_value_xsd(&p->values[j], &v, NULL);
			buf_puts(&h->query, "=", NULL);
			urlenc(&h->query, v.data ? v.data : "");
			buf_fini(&v);
		}
	}
}

static bool
is_current(const struct expr_param *cur, const char *v)
{
	struct buf	 cv;
	bool		 sel = false;

	for (size_t j = 0; j < cur->nvalues; j++) {
		buf_init(&cv, 0);
		expr_value_xsd(&cur->values[j], &cv, NULL);
		sel |= strcmp(cv.data ? cv.data : "", v) == 0;
		buf_fini(&cv);
	}
	return sel;
}

/* The options of a drop-down: the valid values, the current selected. */
static int
options(struct rctx *c, struct html *h, const struct rdl_parameter *p,
    const struct expr_param *cur)
{
	struct expr_param vv;
	struct buf	 v;

	if (p->type == EXPR_T_BOOL && p->nvalid == 0) {
		buf_printf(&h->out, NULL, "<option value=\"true\"%s>True</option>"
		    "<option value=\"false\"%s>False</option>",
		    is_current(cur, "true") ? " selected" : "",
		    is_current(cur, "false") ? " selected" : "");
		return 0;
	}
	if (params_valid_list(c, p, &vv) == -1)
		return -1;
	for (size_t i = 0; i < vv.nvalues; i++) {
		buf_init(&v, 0);
		expr_value_xsd(&vv.values[i], &v, NULL);
		buf_puts(&h->out, "<option value=\"", NULL);
		esc(&h->out, v.data ? v.data : "");
		buf_printf(&h->out, NULL, "\"%s>", is_current(cur, v.data ?
		    v.data : "") ? " selected" : "");
		esc(&h->out, vv.labels[i] ? vv.labels[i] : v.data ? v.data : "");
		buf_puts(&h->out, "</option>", NULL);
		buf_fini(&v);
	}
	params_list_free(&vv);
	return 0;
}

/* One parameter's input: a drop-down for valid values, else a box. */
static int
param_input(struct rctx *c, struct html *h, const struct rdl_parameter *p,
    const struct expr_param *cur)
{
	struct buf	 t;

	buf_puts(&h->out, "<label>", NULL);
	esc(&h->out, p->prompt);
	buf_puts(&h->out, " ", NULL);
	if (p->nvalid > 0 || p->valid_dataset >= 0 || p->type == EXPR_T_BOOL) {
		buf_puts(&h->out, "<select name=\"", NULL);
		esc(&h->out, p->name);
		buf_printf(&h->out, NULL, "\"%s>", p->multi ? " multiple" : "");
		if (options(c, h, p, cur) == -1)
			return -1;
		buf_puts(&h->out, "</select>", NULL);
	} else {
		buf_init(&t, 0);
		if (cur->nvalues > 0)
			expr_value_xsd(&cur->values[0], &t, NULL);
		buf_printf(&h->out, NULL, "<input type=\"%s\" name=\"",
		    p->type == EXPR_T_DATETIME ? "date" : "text");
		esc(&h->out, p->name);
		buf_puts(&h->out, "\" value=\"", NULL);
		esc(&h->out, t.data ? t.data : "");
		buf_puts(&h->out, "\">", NULL);
		buf_fini(&t);
	}
	if (p->nullable) {
		buf_puts(&h->out, " <input type=\"checkbox\" name=\"", NULL);
		esc(&h->out, p->name);
		buf_printf(&h->out, NULL, ":isnull\" value=\"true\"%s>NULL",
		    cur->nvalues > 0 && cur->values[0].type == EXPR_T_NULL ?
		    " checked" : "");
	}
	buf_puts(&h->out, "</label>\n", NULL);
	return 0;
}

/* A link to this report with its parameters and extra settings. */
static void
link(struct rctx *c, struct html *h, const char *extra, const char *cls)
{
	buf_puts(&h->out, "<a href=\"", NULL);
	esc(&h->out, c->req->url_base);
	esc(&h->out, h->query.data ? h->query.data : "");
	esc(&h->out, extra);
	if (cls != NULL)
		buf_printf(&h->out, NULL, "\" class=\"%s", cls);
	buf_puts(&h->out, "\">", NULL);
}

/* The item path of the URL (up to '&'), percent-decoded, escaped. */
static void
item_path(struct html *h, const char *s)
{
	struct buf	 d;
	char		 hex[3] = "";

	buf_init(&d, 0);
	for (; *s != '\0' && *s != '&'; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			hex[0] = s[1];
			hex[1] = s[2];
			char ch = (char)strtol(hex, NULL, 16);
			buf_append(&d, &ch, 1, NULL);
			s += 2;
		} else if (*s == '+')
			buf_puts(&d, " ", NULL);
		else
			buf_append(&d, s, 1, NULL);
	}
	esc(&h->out, d.data ? d.data : "");
	buf_fini(&d);
}

/* A link to page n (0: all pages) with its text. */
static void
page_link(struct rctx *c, struct html *h, int n, const char *cls,
    const char *text)
{
	char		 tmp[64];

	snprintf(tmp, sizeof(tmp), "&rc:Section=%d", n);
	link(c, h, tmp, cls);
	buf_printf(&h->out, NULL, "%s</a> ", text);
}

/*
 * The page controls, as SSRS's viewer shows them: First and Previous
 * except on the first page, "Page N of M", Next and Last except on the
 * last; or every page at once (rc:Section=0) with a way back to one.
 */
static void
paging(struct rctx *c, struct html *h)
{
	int		 n = h->section, total = c->globals.total_pages;

	buf_puts(&h->out, "<span class=\"rs-pages\">", NULL);
	if (n == 0) {
		buf_printf(&h->out, NULL, "<span class=\"rs-pageno\">All %d "
		    "page%s</span> ", total, total == 1 ? "" : "s");
		page_link(c, h, 1, "rs-paged", "Page by page");
		buf_puts(&h->out, "</span>\n", NULL);
		return;
	}
	if (n > 1) {
		page_link(c, h, 1, "rs-first", "|&lt; First");
		page_link(c, h, n - 1, "rs-prev", "&lt; Previous");
	}
	buf_printf(&h->out, NULL, "<span class=\"rs-pageno\">Page %d of %d"
	    "</span> ", n, total);
	if (n < total) {
		page_link(c, h, n + 1, "rs-next", "Next &gt;");
		page_link(c, h, total, "rs-last", "Last &gt;|");
	}
	if (total > 1)
		page_link(c, h, 0, "rs-all", "All pages");
	buf_puts(&h->out, "</span>\n", NULL);
}

static int
toolbar(struct rctx *c, struct html *h)
{
	const char	*base = c->req->url_base, *q;
	static const char *exports[] = { "PDF", "EXCELOPENXML", "CSV", "XML" };
	char		 tmp[64];

	if (base == NULL || !h->toolbar)
		return 0;
	q = strchr(base, '?');
	buf_puts(&h->out, "<form class=\"rs-toolbar\" method=\"get\" action=\"",
	    NULL);
	if (q != NULL)
		buf_append(&h->out, base, (size_t)(q - base), NULL);
	else
		esc(&h->out, base);
	/* The item path comes first: a hidden field named by the path. */
	buf_puts(&h->out, "\">\n<input type=\"hidden\" name=\"", NULL);
	item_path(h, q != NULL ? q + 1 : "");
	buf_puts(&h->out, "\" value=\"\"><input type=\"hidden\" "
	    "name=\"rs:Command\" value=\"Render\">\n", NULL);
	for (size_t i = 0; i < c->r->nparams; i++)
		if (!c->r->params[i].hidden && c->r->params[i].prompt != NULL &&
		    param_input(c, h, &c->r->params[i], &c->params[i]) == -1)
			return -1;
	buf_puts(&h->out, "<button type=\"submit\">View Report</button>\n",
	    NULL);
	paging(c, h);
	buf_puts(&h->out, "<span class=\"rs-export\">Export:", NULL);
	for (size_t i = 0; i < nitems(exports); i++) {
		snprintf(tmp, sizeof(tmp), "&rs:Format=%s", exports[i]);
		buf_puts(&h->out, " ", NULL);
		link(c, h, tmp, NULL);
		esc(&h->out, exports[i]);
		buf_puts(&h->out, "</a>", NULL);
	}
	buf_puts(&h->out, "</span>\n</form>\n", NULL);
	return 0;
}

/*
 * A page header or footer of page n, evaluated once the page count is
 * known, and left out where PrintOnFirstPage/PrintOnLastPage say so (as
 * in PDF, a one-page report follows PrintOnFirstPage only).
 */
static int
band(struct rctx *c, struct html *h, const struct rdl_band *b,
    const char *cls, int n)
{
	struct rcell	 cell;
	int		 total = c->globals.total_pages;

	if (b == NULL || (n == 1 && !b->print_on_first) ||
	    (n == total && total > 1 && !b->print_on_last))
		return 0;
	c->globals.page_number = n;
	buf_printf(&h->out, NULL, "<div class=\"%s\">", cls);
	for (size_t i = 0; i < b->nitems; i++) {
		if (b->items[i]->kind != RDL_TEXTBOX)
			continue;
		if (eval_band_item(c, b->items[i], &cell) == -1)
			return -1;
		buf_puts(&h->out, "<div", NULL);
		css_style(&h->out, &cell.st, &cell, "");
		buf_puts(&h->out, ">", NULL);
		text_html(&h->out, cell.hidden ? "" : cell.text);
		buf_puts(&h->out, "</div>", NULL);
		rcell_fini(&cell);
	}
	buf_puts(&h->out, "</div>\n", NULL);
	return 0;
}

/* The report's body, with its background colour. */
static int
body_open(struct rctx *c, struct html *h)
{
	struct expr_value v;
	struct buf	 bg;

	if (eval_prop(c, c->r->body_style.background_color, &v) == -1)
		return -1;
	buf_init(&bg, 64);
	expr_value_text(&v, &bg, NULL);
	expr_value_fini(&v);
	if (bg.data != NULL)
		style_clean_color(bg.data);	/* a token, never copied */
	buf_puts(&h->out, "<div class=\"rs-report\"", NULL);
	if (bg.data != NULL && bg.data[0] != '\0') {
		buf_puts(&h->out, " style=\"background-color:", NULL);
		esc(&h->out, bg.data);
		buf_puts(&h->out, "\"", NULL);
	}
	buf_puts(&h->out, ">\n", NULL);
	buf_fini(&bg);
	return 0;
}

static int
html_begin(struct rctx *c)
{
	struct html	*h = xcalloc(1, sizeof(*h));
	const struct rdl_page *pg = &c->r->page;
	uint64_t	 sec = 1;
	const char	*s;

	c->fmt = h;
	buf_init(&h->out, 0);
	spool_init(&h->sp);
	buf_init(&h->query, 0);
	h->fragment = devinfo_bool(c, "HTMLFragment", false);
	h->toolbar = devinfo_bool(c, "Toolbar", true) && !h->fragment;
	s = devinfo(c, "Section", "1");
	if (str_parse_uint(s, 0, 1000000, &sec, "rc:Section", c->e) == -1)
		return -1;
	h->section = (int)sec;
	h->page = 1;
	h->page_h = pg->interactive_height - pg->margin[2] - pg->margin[3] -
	    (pg->header ? pg->header->height : 0) -
	    (pg->footer ? pg->footer->height : 0);
	if (h->page_h < 72)
		h->page_h = 72;
	build_query(c, h);
	/* A fragment has no head: its styles stay inline. */
	if (!h->fragment && classes_of(c, h, c->r->body, c->r->nbody) == -1)
		return -1;
	if (!h->fragment) {
		buf_puts(&h->out, "<!DOCTYPE html>\n<html><head><meta "
		    "charset=\"utf-8\"><meta name=\"viewport\" content=\"width="
		    "device-width\">\n<title>", NULL);
		esc(&h->out, c->r->name);
		buf_puts(&h->out, "</title>\n<style>body{font-family:Arial,"
		    "sans-serif;margin:8px}.rs-toolbar{background:#eee;padding:6px;"
		    "margin-bottom:10px;font-size:10pt}.rs-toolbar label{margin-"
		    "right:12px}.rs-toolbar span{margin-left:12px}table.rs-tablix"
		    "{border-collapse:collapse;margin:6px 0}table.rs-tablix td"
		    "{overflow:hidden}.rs-page{margin-bottom:12px;display:flex;"
		    "flex-direction:column}.rs-page>*{align-self:flex-start}"
		    ".rs-header{order:-1}hr.rs-break"
		    "{border:0;border-top:1px dashed #999}\n", NULL);
		for (size_t k = 0; k < h->ncls; k++)
			buf_printf(&h->out, NULL, ".c%zu{%s}\n", k, h->cls[k]);
		buf_puts(&h->out, "</style>\n</head><body>\n", NULL);
	}
	mark(h, 0);
	if (body_open(c, h) == -1)
		return -1;
	if (visible(h))
		buf_puts(&h->out, "<div class=\"rs-page\">\n", NULL);
	return flush(c, h);
}

static int	new_page(struct rctx *, struct html *);

/* An embedded image inline, as a data: URL sized as designed. */
static void
image_html(struct rctx *c, struct html *h, const struct rdl_item *it)
{
	const struct rdl_image *im;
	char		*b64;

	if (it->image < 0 || (size_t)it->image >= c->r->nimages)
		return;
	im = &c->r->images[it->image];
	b64 = xmalloc(str_base64_len(im->len));
	str_base64_encode(im->data, im->len, b64);
	buf_puts(&h->out, "<img alt=\"", NULL);
	esc(&h->out, it->name);
	buf_puts(&h->out, "\" src=\"data:", NULL);
	esc(&h->out, im->mime ? im->mime : "image/png");
	buf_printf(&h->out, NULL, ";base64,%s\" style=\"width:%.4gpt;"
	    "height:%.4gpt\">", b64, it->width, it->height);
	free(b64);
}

static int
html_body_item(struct rctx *c, const struct rdl_item *it, struct rcell *cell,
    double y)
{
	struct html	*h = c->fmt;

	(void)y;
	if (it->kind == RDL_IMAGE && visible(h)) {
		buf_printf(&h->out, NULL, "<div class=\"rs-image\" "
		    "style=\"margin-left:%.4gpt\">", it->left);
		image_html(c, h, it);
		buf_puts(&h->out, "</div>\n", NULL);
		return flush(c, h);
	}
	if (cell == NULL || it->kind != RDL_TEXTBOX)
		return 0;
	if (h->used + it->height > h->page_h && h->used > 0 &&
	    new_page(c, h) == -1)
		return -1;
	h->used += it->height;
	if (!cell->hidden && visible(h))
		page_value(c, h->page, it, cell->text);
	if (!visible(h) || cell->hidden)
		return 0;
	buf_puts(&h->out, "<div id=\"", NULL);
	esc(&h->out, it->name);
	buf_printf(&h->out, NULL, "\" data-top=\"%.4g\"", y);
	cell_style(h, &h->out, cell, "rs-textbox");
	buf_puts(&h->out, ">", NULL);
	text_html(&h->out, cell->text);
	buf_puts(&h->out, "</div>\n", NULL);
	return flush(c, h);
}

/*
 * A chart as inline SVG: role="img", the chart's title as <title> and a
 * text alternative (its kind, series and values) as <desc>, each point a
 * group titled "category: value" (a tooltip); text stays text.
 */
static int
chart_svg(struct rctx *c, struct html *h, const struct gfx_chart *ch,
    const char *title, double w, double hh)
{
	struct buf	 desc;
	struct gfx	*g;
	int		 rv = -1;

	buf_init(&desc, 0);
	gfx_chart_describe(ch, 100, &desc);
	g = gfx_svg_new(&h->out, w, hh, title, desc.data, c->e);
	if (g != NULL) {
		gfx_chart_draw(g, ch, 0, 0, w, hh);
		rv = gfx_finish(g, c->e);
		gfx_free(g);
	}
	buf_fini(&desc);
	return rv;
}

static int
html_chart(struct rctx *c, const struct rdl_item *it, struct gfx_chart *ch,
    double y)
{
	struct html	*h = c->fmt;
	const char	*title = ch->ntitles > 0 ? ch->titles[0].text : it->name;
	int		 rv = 0;

	(void)y;
	if (h->used + it->height > h->page_h && h->used > 0 &&
	    new_page(c, h) == -1) {
		gfx_chart_free(ch);
		return -1;
	}
	h->used += it->height;
	if (!visible(h)) {
		gfx_chart_free(ch);
		return 0;
	}
	buf_puts(&h->out, "<div class=\"rs-chart\" id=\"", NULL);
	esc(&h->out, it->name);
	buf_printf(&h->out, NULL, "\" style=\"margin-left:%.4gpt\">", it->left);
	rv = chart_svg(c, h, ch, title, it->width, it->height);
	buf_puts(&h->out, "</div>\n", NULL);
	gfx_chart_free(ch);
	return rv == -1 ? -1 : flush(c, h);
}

static void
table_open(struct html *h, const struct rdl_item *it)
{
	const struct rdl_tablix *t = it->tablix;

	buf_puts(&h->out, "<table class=\"rs-tablix\" id=\"", NULL);
	esc(&h->out, it->name);
	buf_puts(&h->out, "\">", NULL);
	h->in_table = true;
	if (t->matrix)
		return;		/* its columns are known only from the data */
	buf_puts(&h->out, "<colgroup>", NULL);
	for (int i = 0; i < t->header_cols; i++)
		buf_puts(&h->out, "<col>", NULL);
	for (size_t i = 0; i < t->ncols; i++)
		buf_printf(&h->out, NULL, "<col style=\"width:%.4gpt\">",
		    t->col_widths[i]);
	buf_puts(&h->out, "</colgroup>\n", NULL);
}

static int
html_tablix_begin(struct rctx *c, const struct rdl_item *it, double y)
{
	struct html	*h = c->fmt;

	(void)y;
	h->table = it;
	if (visible(h))
		table_open(h, it);
	return 0;
}

/* A rectangle's textboxes at their places, each with its own style. */
static void
subs_html(struct html *h, const struct rcell *cell, double height)
{
	char		 extra[160];

	buf_printf(&h->out, NULL, "<div style=\"position:relative;"
	    "height:%.4gpt\">", height);
	for (size_t i = 0; i < cell->nsub; i++) {
		const struct rcell *s = &cell->sub[i];
		const struct rdl_item *it = s->item;

		if (it == NULL || it->kind != RDL_TEXTBOX)
			continue;
		snprintf(extra, sizeof(extra), "position:absolute;"
		    "box-sizing:border-box;left:%.4gpt;top:%.4gpt;width:%.4gpt;"
		    "height:%.4gpt;", it->left, it->top, it->width, it->height);
		buf_puts(&h->out, "<span", NULL);
		css_style(&h->out, &s->st, s, extra);
		buf_puts(&h->out, ">", NULL);
		text_html(&h->out, s->hidden ? "" : s->text);
		buf_puts(&h->out, "</span>", NULL);
	}
	buf_puts(&h->out, "</div>", NULL);
}

static void
row_html(struct rctx *c, struct html *h, const struct rrow *r)
{
	buf_printf(&h->out, NULL, "<tr style=\"height:%.4gpt\">", r->height);
	for (size_t i = 0; i < r->ncells; i++) {
		const struct rcell *cell = &r->cells[i];

		if (cell->colspan == 0)
			continue;
		buf_puts(&h->out, "<td", NULL);
		if (cell->colspan > 1)
			buf_printf(&h->out, NULL, " colspan=\"%d\"", cell->colspan);
		if (cell->item != NULL)
			cell_style(h, &h->out, cell, NULL);
		buf_puts(&h->out, ">", NULL);
		if (cell->item != NULL && cell->item->kind == RDL_IMAGE &&
		    !cell->hidden)
			image_html(c, h, cell->item);
		else if (cell->chart != NULL && !cell->hidden)
			(void)chart_svg(c, h, cell->chart, cell->item->name,
			    cell->width > 0 ? cell->width : cell->item->width,
			    r->height);
		else if (cell->nsub > 0 && !cell->hidden)
			subs_html(h, cell, r->height);
		else
			text_html(&h->out, cell->hidden ? "" : cell->text);
		buf_puts(&h->out, "</td>", NULL);
	}
	buf_puts(&h->out, "</tr>\n", NULL);
}

static void
keep_repeat(struct html *h, const struct rrow *r)
{
	h->repeat = xreallocarray(h->repeat, h->nrepeat + 1,
	    sizeof(*h->repeat));
	rrow_copy(&h->repeat[h->nrepeat++], r);
}

static int
new_page(struct rctx *c, struct html *h)
{
	bool		 was = visible(h);

	if (was && h->in_table) {
		buf_puts(&h->out, "</table>\n", NULL);
		h->in_table = false;
	}
	/*
	 * The header goes at the end of its page, so ReportItems! knows the
	 * page's textboxes; CSS (order:-1) shows it on top.
	 */
	if (was) {
		mark(h, h->page);
		buf_puts(&h->out, "</div>\n", NULL);
	}
	h->page++;
	h->used = 0;
	if (visible(h)) {
		if (h->section == 0)
			buf_puts(&h->out, "<hr class=\"rs-break\">\n", NULL);
		buf_puts(&h->out, "<div class=\"rs-page\">\n", NULL);
	}
	if (h->table != NULL && visible(h)) {
		table_open(h, h->table);
		for (size_t i = 0; i < h->nrepeat; i++) {
			row_html(c, h, &h->repeat[i]);
			h->used += h->repeat[i].height;
		}
	}
	return flush(c, h);
}

static int
html_row(struct rctx *c, const struct rrow *r)
{
	struct html	*h = c->fmt;

	if (h->used + r->height > h->page_h && h->used > 0 &&
	    new_page(c, h) == -1)
		return -1;
	if (r->repeat)
		keep_repeat(h, r);
	h->used += r->height;
	for (size_t i = 0; c->nritems > 0 && visible(h) && i < r->ncells; i++)
		if (!r->cells[i].hidden)
			page_value(c, h->page, r->cells[i].item,
			    r->cells[i].text);
	if (visible(h))
		row_html(c, h, r);
	return h->out.len > 65536 ? flush(c, h) : 0;
}

static int
html_scope(struct rctx *c, const struct scope_info *si)
{
	(void)c;
	(void)si;
	return 0;
}

static int
html_page_break(struct rctx *c)
{
	return new_page(c, c->fmt);
}

static void
repeat_free(struct html *h)
{
	for (size_t i = 0; i < h->nrepeat; i++)
		rrow_fini(&h->repeat[i]);
	free(h->repeat);
	h->repeat = NULL;
	h->nrepeat = 0;
}

static int
html_tablix_end(struct rctx *c, const struct rdl_item *it, double *height)
{
	struct html	*h = c->fmt;

	(void)it;
	(void)height;
	if (h->in_table)
		buf_puts(&h->out, "</table>\n", NULL);
	h->in_table = false;
	h->table = NULL;
	repeat_free(h);
	return flush(c, h);
}

/* Sends spooled bytes [from, to) to the sink. */
static int
send_spool(struct rctx *c, struct html *h, uint64_t from, uint64_t to)
{
	char		*chunk = xmalloc(65536);
	int		 rv = 0;

	while (rv == 0 && from < to) {
		size_t n = to - from > 65536 ? 65536 : (size_t)(to - from);

		rv = spool_read(&h->sp, from, chunk, n, c->e);
		if (rv == 0)
			rv = rctx_write(c, chunk, n);
		from += n;
	}
	free(chunk);
	return rv;
}

/* The toolbar (ready in tb) or page n's header and footer. */
static int
marked(struct rctx *c, struct html *h, int n, const struct buf *tb)
{
	int		 rv;

	if (n == 0)
		return rctx_write(c, tb->data, tb->len);
	buf_reset(&h->out);
	rv = band(c, h, c->r->page.header, "rs-header", n) == -1 ||
	    band(c, h, c->r->page.footer, "rs-footer", n) == -1 ? -1 :
	    rctx_write(c, h->out.data, h->out.len);
	buf_reset(&h->out);
	return rv;
}

/*
 * Sends the spool with the toolbar and bands in place.  The toolbar is
 * made before the first byte goes (it may run a query for a drop-down),
 * so that a failure is a clean error, not a cut page.
 */
static int
emit(struct rctx *c, struct html *h)
{
	struct buf	 tb;
	uint64_t	 pos = 0;
	int		 rv;

	buf_reset(&h->out);
	rv = toolbar(c, h);
	tb = h->out;
	buf_init(&h->out, 0);
	for (size_t i = 0; rv == 0 && i < h->nmarks; i++) {
		rv = send_spool(c, h, pos, h->marks[i].off) == -1 ||
		    marked(c, h, h->marks[i].page, &tb) == -1 ? -1 : 0;
		pos = h->marks[i].off;
	}
	if (rv == 0)
		rv = send_spool(c, h, pos, h->sp.len);
	buf_fini(&tb);
	return rv;
}

static int
html_end(struct rctx *c)
{
	struct html	*h = c->fmt;

	if (visible(h)) {
		mark(h, h->page);
		buf_puts(&h->out, "</div>\n", NULL);
	}
	buf_printf(&h->out, NULL, "</div>\n<p class=\"rs-pagecount\">"
	    "%d page%s</p>\n", h->page, h->page == 1 ? "" : "s");
	if (!h->fragment)
		buf_puts(&h->out, "</body></html>\n", NULL);
	if (flush(c, h) == -1)
		return -1;
	c->globals.total_pages = h->page;
	if (h->section > h->page)
		return rs_err_set(c->e, RS_E_USAGE, "rc:Section=%d is past the "
		    "end of the report, which has %d page%s; use 1 to %d, or 0 "
		    "for all pages", h->section, h->page,
		    h->page == 1 ? "" : "s", h->page);
	return emit(c, h);
}

static void
html_free(struct rctx *c)
{
	struct html	*h = c->fmt;

	if (h == NULL)
		return;
	repeat_free(h);
	for (size_t k = 0; k < h->ncls; k++)
		free(h->cls[k]);
	free(h->cls);
	free(h->cls_item);
	free(h->cls_of);
	buf_fini(&h->out);
	buf_fini(&h->query);
	spool_fini(&h->sp);
	free(h->marks);
	free(h);
	c->fmt = NULL;
}

const struct rops rops_html = {
	.name = "HTML5",
	.styles = true,
	.items_first = false,
	.begin = html_begin,
	.body_item = html_body_item,
	.tablix_begin = html_tablix_begin,
	.scope_begin = html_scope,
	.row = html_row,
	.scope_end = html_scope,
	.page_break = html_page_break,
	.tablix_end = html_tablix_end,
	.chart = html_chart,
	.end = html_end,
	.free = html_free,
};
