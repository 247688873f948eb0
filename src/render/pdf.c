/*
 * pdf.c: the PDF rendering extension, with libharu.  Physical pages of the
 * report's Page size and margins; the page header and footer are drawn on
 * every page once the page count is known (Globals!PageNumber and
 * TotalPages, PrintOnFirstPage/PrintOnLastPage).  Body textboxes sit at
 * their place in the flow; a data region's rows go down the page and
 * continue on the next one with the RepeatOnNewPage header rows again; a
 * region wider than the page is split into column sets that page across
 * (down, then across).  Text uses the standard Helvetica, Times and
 * Courier faces in WinAnsi encoding (characters outside it print as '?');
 * text longer than its cell is cut at the cell edge.  The document is
 * built in memory by libharu and written to the sink at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hpdf.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "render/render_int.h"

struct pcell {
	char		*text;		/* WinAnsi */
	const struct rdl_item *item;
	char		*orig;		/* UTF-8, when ReportItems! names it */
	bool		 can_grow;
	struct rstyle	 st;
	int		 colspan;
	double		 width;
	bool		 numeric;
	double		 left, top, height;	/* of a rectangle's textbox */
	struct pcell	*sub;		/* a rectangle's textboxes */
	size_t		 nsub;
};

struct prow {
	double		 height;
	bool		 repeat;
	bool		 keep_next;	/* on the same page as the next row */
	struct pcell	*cells;
	size_t		 ncells;
};

struct pdf {
	struct rctx	*c;
	HPDF_Doc	 doc;
	HPDF_STATUS	 err;
	HPDF_Page	*pages;
	size_t		 npages;
	double		 pw, ph;	/* page size */
	double		 x0, top;	/* body area: left, top (from page top) */
	double		 W, H;		/* usable width and height */
	double		 vbase;		/* virtual y at the current page's top */
	struct prow	*rows;		/* rows of the open data region */
	size_t		 nrows;
	double		 ty, tx;	/* the region's virtual y and x */
	const struct rdl_item *table;
	HPDF_Image	*images;	/* loaded embedded images, by index */
};

static void
on_error(HPDF_STATUS err, HPDF_STATUS detail, void *arg)
{
	struct pdf	*p = arg;

	(void)detail;
	if (p->err == 0)
		p->err = err;
}

static int
check(struct rctx *c, struct pdf *p)
{
	if (p->err == 0)
		return 0;
	return rs_err_set(c->e, RS_E_INTERNAL, "cannot build the PDF: libharu "
	    "error 0x%04X", (unsigned)p->err);
}

/* UTF-8 to WinAnsi (Latin-1 range); other characters become '?'. */
static char *
winansi(const char *s)
{
	char		*o = xmalloc(strlen(s) + 1), *q = o;
	const unsigned char *u = (const unsigned char *)s;
	unsigned	 cp;

	while (*u != '\0') {
		if (*u < 0x80) {
			cp = *u++;
		} else if ((*u & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
			cp = ((unsigned)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
			u += 2;
		} else {
			cp = '?';
			u++;
			while ((*u & 0xC0) == 0x80)
				u++;
		}
		if (cp == 0x20AC)
			cp = 0x80;
		*q++ = (char)(cp < 0x100 && (cp >= 0x20 || cp == '\n') ? cp : '?');
	}
	*q = '\0';
	return o;
}

static HPDF_Font
font(struct pdf *p, const struct rstyle *st)
{
	static const char *faces[3][4] = {
		{ "Helvetica", "Helvetica-Bold", "Helvetica-Oblique",
		    "Helvetica-BoldOblique" },
		{ "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic" },
		{ "Courier", "Courier-Bold", "Courier-Oblique",
		    "Courier-BoldOblique" },
	};
	int		 f = 0;

	if (strcasestr(st->font_family, "Times") != NULL ||
	    strcasestr(st->font_family, "Georgia") != NULL ||
	    strcasestr(st->font_family, "Serif") != NULL)
		f = 1;
	if (strcasestr(st->font_family, "Courier") != NULL ||
	    strcasestr(st->font_family, "Consol") != NULL ||
	    strcasestr(st->font_family, "Mono") != NULL)
		f = 2;
	return HPDF_GetFont(p->doc, faces[f][(st->bold ? 1 : 0) +
	    (st->italic ? 2 : 0)], "WinAnsiEncoding");
}

static void
rgb(const char *s, unsigned dflt, float *r, float *g, float *b)
{
	unsigned	 v = dflt;

	color_rgb(s, &v);
	*r = (float)((v >> 16) & 255) / 255;
	*g = (float)((v >> 8) & 255) / 255;
	*b = (float)(v & 255) / 255;
}

static HPDF_Page
page_at(struct pdf *p, size_t i)
{
	while (p->npages <= i) {
		HPDF_Page pg = HPDF_AddPage(p->doc);

		HPDF_Page_SetWidth(pg, (HPDF_REAL)p->pw);
		HPDF_Page_SetHeight(pg, (HPDF_REAL)p->ph);
		p->pages = xreallocarray(p->pages, p->npages + 1,
		    sizeof(*p->pages));
		p->pages[p->npages++] = pg;
	}
	return p->pages[i];
}

static void
draw_borders(HPDF_Page pg, const struct rstyle *st, double x, double y,
    double w, double h)
{
	/* top, bottom, left, right as segments in PDF coordinates */
	double		 seg[4][4] = {
		{ x, y, x + w, y }, { x, y - h, x + w, y - h },
		{ x, y, x, y - h }, { x + w, y, x + w, y - h },
	};
	float		 r, g, b;

	for (int i = 0; i < 4; i++) {
		const char *bs = st->border[i].style;
		if (bs[0] == '\0' || strcasecmp(bs, "None") == 0)
			continue;
		rgb(st->border[i].color, 0, &r, &g, &b);
		HPDF_Page_SetRGBStroke(pg, r, g, b);
		HPDF_Page_SetLineWidth(pg, (HPDF_REAL)(st->border[i].width > 0 ?
		    st->border[i].width : 1));
		HPDF_Page_MoveTo(pg, (HPDF_REAL)seg[i][0], (HPDF_REAL)seg[i][1]);
		HPDF_Page_LineTo(pg, (HPDF_REAL)seg[i][2], (HPDF_REAL)seg[i][3]);
		HPDF_Page_Stroke(pg);
	}
}

/*
 * Bytes of the next line of text that fit in width: up to a newline, cut
 * at a word boundary when it can be (at least one character).
 */
static size_t
line_fit(HPDF_Font f, const char *s, double fs, double width, size_t *skip)
{
	size_t		 n = strcspn(s, "\n"), fit;
	HPDF_REAL	 rw;

	*skip = s[n] == '\n' ? 1 : 0;
	if (n == 0 || width <= 0)
		return n;
	fit = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)s, (HPDF_UINT)n,
	    (HPDF_REAL)width, (HPDF_REAL)fs, 0, 0, HPDF_TRUE, &rw);
	if (fit == 0)
		fit = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)s, (HPDF_UINT)n,
		    (HPDF_REAL)width, (HPDF_REAL)fs, 0, 0, HPDF_FALSE, &rw);
	if (fit == 0)
		fit = 1;
	if (fit < n) {
		*skip = 0;
		while (s[fit] == ' ') {
			fit++;
			(*skip)++;
		}
		fit -= *skip;
	}
	return fit;
}

/* Lines the text takes in a box of this width (wrapped at words). */
static int
count_lines(struct pdf *p, const char *text, const struct rstyle *st,
    double w)
{
	HPDF_Font	 f = font(p, st);
	double		 fs = st->font_size > 0 ? st->font_size : 10;
	double		 avail = w - st->padding[0] - st->padding[1];
	size_t		 n, skip;
	int		 lines = 0;

	while (*text != '\0' && lines < 1000) {
		n = line_fit(f, text, fs, avail, &skip);
		text += n + skip;
		lines++;
	}
	return lines;
}

/* Draws text in a box whose top-left is (x, ytop) in PDF coordinates. */
static void
draw_text(struct pdf *p, HPDF_Page pg, const char *text,
    const struct rstyle *st, bool numeric, double x, double ytop, double w,
    double h)
{
	double		 fs = st->font_size > 0 ? st->font_size : 10;
	double		 avail = w - st->padding[0] - st->padding[1], tw, lx;
	double		 ly = ytop - st->padding[2] - fs * 0.85;
	const char	*align = st->align, *line = text;
	HPDF_Font	 f = font(p, st);
	char		 buf[1024];
	float		 r, g, b;
	size_t		 n, skip;

	if (text[0] == '\0')
		return;
	HPDF_Page_SetFontAndSize(pg, f, (HPDF_REAL)fs);
	rgb(st->color, 0, &r, &g, &b);
	HPDF_Page_SetRGBFill(pg, r, g, b);
	if (align[0] == '\0' || strcasecmp(align, "General") == 0)
		align = numeric ? "Right" : "Left";
	while (*line != '\0' && ly > ytop - h - fs * 0.2) {
		n = line_fit(f, line, fs, avail, &skip);
		snprintf(buf, sizeof(buf), "%.*s", (int)n, line);
		line += n + skip;
		tw = HPDF_Page_TextWidth(pg, buf);
		lx = x + st->padding[0];
		if (strcasecmp(align, "Right") == 0)
			lx = x + w - st->padding[1] - tw;
		else if (strcasecmp(align, "Center") == 0)
			lx = x + (w - tw) / 2;
		HPDF_Page_BeginText(pg);
		HPDF_Page_TextOut(pg, (HPDF_REAL)lx, (HPDF_REAL)ly, buf);
		HPDF_Page_EndText(pg);
		ly -= fs * 1.2;
	}
}

static void
draw_box(struct pdf *p, HPDF_Page pg, const char *text,
    const struct rstyle *st, bool numeric, double x, double ytop, double w,
    double h)
{
	float		 r, g, b;

	if (st->background[0] != '\0' &&
	    strcasecmp(st->background, "Transparent") != 0) {
		rgb(st->background, 0xFFFFFF, &r, &g, &b);
		HPDF_Page_SetRGBFill(pg, r, g, b);
		HPDF_Page_Rectangle(pg, (HPDF_REAL)x, (HPDF_REAL)(ytop - h),
		    (HPDF_REAL)w, (HPDF_REAL)h);
		HPDF_Page_Fill(pg);
	}
	draw_text(p, pg, text, st, numeric, x, ytop, w, h);
	draw_borders(pg, st, x, ytop, w, h);
}

static size_t
page_index(const struct pdf *p, HPDF_Page pg)
{
	for (size_t i = p->npages; i > 0; i--)
		if (p->pages[i - 1] == pg)
			return i - 1;
	return 0;
}

/* The page for content at virtual y of height h; starts a new one. */
static size_t
place(struct pdf *p, double y, double h, double *local)
{
	if (p->npages == 0)
		page_at(p, 0);
	if (y + h > p->vbase + p->H && y > p->vbase) {
		page_at(p, p->npages);
		p->vbase = y;
	}
	*local = y < p->vbase ? 0 : y - p->vbase;
	return p->npages - 1;
}

static int
pdf_begin(struct rctx *c)
{
	struct pdf	*p = xcalloc(1, sizeof(*p));
	const struct rdl_page *pg = &c->r->page;
	HPDF_Date	 d;
	int		 y, mo, dd, h, mi, s, ms;

	c->fmt = p;
	p->c = c;
	p->doc = HPDF_New(on_error, p);
	if (p->doc == NULL)
		return rs_err_set(c->e, RS_E_INTERNAL, "cannot start a PDF");
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	p->pw = pg->width;
	p->ph = pg->height;
	p->x0 = pg->margin[0];
	p->top = pg->margin[2] + (pg->header ? pg->header->height : 0);
	p->W = pg->width - pg->margin[0] - pg->margin[1];
	p->H = pg->height - p->top - pg->margin[3] -
	    (pg->footer ? pg->footer->height : 0);
	if (p->H < 36)
		return rs_err_set(c->e, RS_E_BADINPUT, "the page header and "
		    "footer leave no room for the body");
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE, c->r->name);
	if (c->r->author != NULL)
		HPDF_SetInfoAttr(p->doc, HPDF_INFO_AUTHOR, c->r->author);
	if (c->r->description != NULL)
		HPDF_SetInfoAttr(p->doc, HPDF_INFO_SUBJECT, c->r->description);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "Report Server for Linux "
	    RS_VERSION);
	expr_dt_split(c->globals.execution_time, &y, &mo, &dd, &h, &mi, &s,
	    &ms);
	memset(&d, 0, sizeof(d));
	d.year = y;
	d.month = mo;
	d.day = dd;
	d.hour = h;
	d.minutes = mi;
	d.seconds = s;
	d.ind = ' ';
	HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_CREATION_DATE, d);
	return check(c, p);
}

static bool
numeric(const struct rcell *cell)
{
	return cell->value.type == EXPR_T_INT ||
	    cell->value.type == EXPR_T_FLOAT ||
	    cell->value.type == EXPR_T_DATETIME;
}

static HPDF_Image
load_image(struct rctx *c, struct pdf *p, int idx)
{
	const struct rdl_image *im;

	if (idx < 0 || (size_t)idx >= c->r->nimages)
		return NULL;
	if (p->images == NULL)
		p->images = xcalloc(c->r->nimages, sizeof(*p->images));
	if (p->images[idx] != NULL)
		return p->images[idx];
	im = &c->r->images[idx];
	if (im->mime != NULL && strcasestr(im->mime, "jpeg") != NULL)
		p->images[idx] = HPDF_LoadJpegImageFromMem(p->doc, im->data,
		    (HPDF_UINT)im->len);
	else
		p->images[idx] = HPDF_LoadPngImageFromMem(p->doc, im->data,
		    (HPDF_UINT)im->len);
	return p->images[idx];
}

static int
draw_image(struct rctx *c, struct pdf *p, const struct rdl_item *it,
    double y)
{
	HPDF_Image	 img = load_image(c, p, it->image);
	double		 local;
	HPDF_Page	 pg;

	if (img == NULL) {
		p->err = 0;	/* an image libharu cannot read is left out */
		return 0;
	}
	pg = page_at(p, place(p, y, it->height, &local));
	HPDF_Page_DrawImage(pg, img, (HPDF_REAL)(p->x0 + it->left),
	    (HPDF_REAL)(p->ph - p->top - local - it->height),
	    (HPDF_REAL)it->width, (HPDF_REAL)it->height);
	return check(c, p);
}

static int
pdf_body_item(struct rctx *c, const struct rdl_item *it, struct rcell *cell,
    double y)
{
	struct pdf	*p = c->fmt;
	double		 local;
	HPDF_Page	 pg;
	char		*t;

	if (it->kind == RDL_IMAGE)
		return draw_image(c, p, it, y);
	if (it->kind == RDL_RECTANGLE)
		return 0;
	pg = page_at(p, place(p, y, it->height, &local));
	if (it->kind == RDL_LINE) {
		HPDF_Page_SetLineWidth(pg, 1);
		HPDF_Page_MoveTo(pg, (HPDF_REAL)(p->x0 + it->left),
		    (HPDF_REAL)(p->ph - p->top - local));
		HPDF_Page_LineTo(pg, (HPDF_REAL)(p->x0 + it->left + it->width),
		    (HPDF_REAL)(p->ph - p->top - local - it->height));
		HPDF_Page_Stroke(pg);
		return check(c, p);
	}
	if (cell == NULL || cell->hidden)
		return 0;
	page_value(c, (int)page_index(p, pg) + 1, it, cell->text);
	t = winansi(cell->text);
	draw_box(p, pg, t, &cell->st, numeric(cell), p->x0 + it->left,
	    p->ph - p->top - local, it->width, it->height);
	free(t);
	return check(c, p);
}

static int
pdf_tablix_begin(struct rctx *c, const struct rdl_item *it, double y)
{
	struct pdf	*p = c->fmt;

	p->table = it;
	p->ty = y;
	p->tx = it->left;
	return 0;
}

/* A rectangle in a cell: its textboxes, drawn at their places. */
static void
keep_subs(struct pcell *k, const struct rcell *cell)
{
	if (cell->nsub == 0 || cell->hidden)
		return;
	k->sub = xcalloc(cell->nsub, sizeof(*k->sub));
	for (size_t j = 0; j < cell->nsub; j++) {
		const struct rcell *s = &cell->sub[j];

		if (s->item == NULL || s->item->kind != RDL_TEXTBOX)
			continue;
		k->sub[k->nsub].text = winansi(s->hidden ? "" : s->text);
		k->sub[k->nsub].st = s->st;
		k->sub[k->nsub].numeric = numeric(s);
		k->sub[k->nsub].left = s->item->left;
		k->sub[k->nsub].top = s->item->top;
		k->sub[k->nsub].width = s->item->width;
		k->sub[k->nsub].height = s->item->height;
		k->nsub++;
	}
}

static void
pcell_fini(struct pcell *k)
{
	free(k->orig);
	for (size_t j = 0; j < k->nsub; j++)
		free(k->sub[j].text);
	free(k->sub);
	free(k->text);
}

/* CanGrow: the row takes the height its longest wrapped text needs. */
static void
grow(struct pdf *p, struct prow *k)
{
	for (size_t i = 0; i < k->ncells; i++) {
		const struct pcell *cl = &k->cells[i];
		double fs = cl->st.font_size > 0 ? cl->st.font_size : 10, need;

		if (!cl->can_grow || cl->colspan == 0 || cl->text[0] == '\0')
			continue;
		need = count_lines(p, cl->text, &cl->st, cl->width) * fs * 1.2 +
		    cl->st.padding[2] + cl->st.padding[3] + fs * 0.25;
		if (need > k->height && need < p->H)
			k->height = need;
	}
}

static int
pdf_row(struct rctx *c, const struct rrow *r)
{
	struct pdf	*p = c->fmt;
	struct prow	*k;

	if (p->nrows >= RENDER_ROWS_MAX)
		return rs_err_set(c->e, RS_E_LIMIT, "more than %d rows in one "
		    "table for PDF", RENDER_ROWS_MAX);
	p->rows = xreallocarray(p->rows, p->nrows + 1, sizeof(*p->rows));
	k = &p->rows[p->nrows++];
	k->height = r->height;
	k->repeat = r->repeat;
	k->keep_next = r->keep_next;
	k->ncells = r->ncells;
	k->cells = xcalloc(r->ncells + 1, sizeof(*k->cells));
	for (size_t i = 0; i < r->ncells; i++) {
		k->cells[i].text = winansi(r->cells[i].hidden ? "" :
		    r->cells[i].text ? r->cells[i].text : "");
		k->cells[i].st = r->cells[i].st;
		k->cells[i].colspan = r->cells[i].colspan;
		k->cells[i].width = r->cells[i].width > 0 ? r->cells[i].width :
		    72;
		k->cells[i].numeric = numeric(&r->cells[i]);
		k->cells[i].can_grow = r->cells[i].item != NULL &&
		    r->cells[i].item->can_grow;
		k->cells[i].item = r->cells[i].item;
		if (ritem_wanted(c, r->cells[i].item) && !r->cells[i].hidden)
			k->cells[i].orig = xstrdup(r->cells[i].text);
		keep_subs(&k->cells[i], &r->cells[i]);
	}
	grow(p, k);
	return 0;
}

static int
pdf_scope(struct rctx *c, const struct scope_info *si)
{
	(void)c;
	(void)si;
	return 0;
}

static int
pdf_page_break(struct rctx *c)
{
	struct pdf	*p = c->fmt;

	/* A break inside a region: mark the next row to start a page. */
	if (p->nrows > 0)
		p->rows[p->nrows - 1].height = -p->rows[p->nrows - 1].height;
	return 0;
}

static void
draw_row(struct pdf *p, HPDF_Page pg, const struct prow *r, size_t from,
    size_t to, double local)
{
	double		 x = p->x0 + p->tx, h = r->height < 0 ? -r->height :
	    r->height;

	for (size_t i = from; i < to && i < r->ncells; i++) {
		const struct pcell *cl = &r->cells[i];

		if (cl->colspan == 0)
			continue;
		if (cl->nsub > 0) {
			/* The rectangle's fill and borders, then its items. */
			draw_box(p, pg, "", &cl->st, false, x,
			    p->ph - p->top - local, cl->width, h);
			for (size_t j = 0; j < cl->nsub; j++) {
				const struct pcell *sb = &cl->sub[j];
				draw_box(p, pg, sb->text, &sb->st, sb->numeric,
				    x + sb->left, p->ph - p->top - local - sb->top,
				    sb->width, sb->height);
			}
		} else
			draw_box(p, pg, cl->text, &cl->st, cl->numeric, x,
			    p->ph - p->top - local, cl->width, h);
		if (cl->orig != NULL)
			page_value(p->c, (int)page_index(p, pg) + 1, cl->item,
			    cl->orig);
		x += cl->width;
	}
}

/* Column sets that fit the page width: [start, end) of cell indexes. */
static size_t
column_sets(struct pdf *p, const struct prow *r, size_t *starts, size_t max)
{
	double		 w = 0;
	size_t		 n = 1;

	starts[0] = 0;
	for (size_t i = 0; i < r->ncells; i++) {
		double cw = r->cells[i].colspan == 0 ? 0 : r->cells[i].width;
		if (w + cw > p->W - p->tx && w > 0 && n < max) {
			starts[n++] = i;
			w = 0;
			p->tx = 0;
		}
		w += cw;
	}
	return n;
}

/* The header rows (RepeatOnNewPage) at the top of a new page. */
static double
repeat_rows(struct pdf *p, size_t pi, size_t upto, size_t from, size_t to)
{
	double		 ry = 0;

	for (size_t k = 0; k < upto && p->rows[k].repeat; k++) {
		draw_row(p, page_at(p, pi), &p->rows[k], from, to, ry);
		ry += p->rows[k].height;
	}
	return ry;
}

/*
 * False when row i must stay with the rows after it (KeepWithGroup=After)
 * and they do not fit below it on this page, though they would on a page
 * of their own.
 */
static bool
keep_fits(struct pdf *p, size_t i, double y)
{
	double		 need = 0;
	size_t		 j;

	if (!p->rows[i].keep_next || p->npages == 0 || y <= p->vbase)
		return true;
	for (j = i; j < p->nrows && (j == i || p->rows[j - 1].keep_next); j++)
		need += p->rows[j].height < 0 ? -p->rows[j].height :
		    p->rows[j].height;
	return y + need <= p->vbase + p->H || need > p->H;
}

/* Lays out the region's rows for one column set; returns its height. */
static double
layout_set(struct pdf *p, size_t from, size_t to)
{
	double		 y = p->ty, local, h, rep_h = 0, shift;
	size_t		 before, pi;
	bool		 brk = false;

	for (size_t i = 0; i < p->nrows; i++) {
		h = p->rows[i].height < 0 ? -p->rows[i].height :
		    p->rows[i].height;
		before = p->npages;
		if (brk) {		/* a group's page break */
			page_at(p, p->npages);
			p->vbase = y;
		} else if (keep_fits(p, i, y) == false) {
			/* A group header left alone at the foot of a page. */
			page_at(p, p->npages);
			p->vbase = y;
			before = p->npages - 1;
		}
		pi = place(p, y, h, &local);
		if ((p->npages != before || brk) && rep_h > 0) {
			shift = repeat_rows(p, pi, i, from, to);
			p->vbase -= shift;
			local += shift;
		}
		draw_row(p, page_at(p, pi), &p->rows[i], from, to, local);
		if (p->rows[i].repeat)
			rep_h += h;
		y += h;
		brk = p->rows[i].height < 0;
	}
	return y - p->ty;
}

static int
pdf_tablix_end(struct rctx *c, const struct rdl_item *it, double *height)
{
	struct pdf	*p = c->fmt;
	size_t		 starts[64], nsets = 1, set, i;
	double		 tx0 = it->left, h;

	if (p->nrows > 0)
		nsets = column_sets(p, &p->rows[0], starts, nitems(starts) - 1);
	starts[nsets] = (size_t)-1;
	*height = 0;
	for (set = 0; set < nsets; set++) {
		p->tx = set == 0 ? tx0 : 0;
		if (set > 0) {
			page_at(p, p->npages);
			p->vbase = p->ty;
		}
		h = layout_set(p, starts[set], starts[set + 1]);
		if (set == 0)
			*height = h;
	}
	for (i = 0; i < p->nrows; i++) {
		for (size_t k = 0; k < p->rows[i].ncells; k++)
			pcell_fini(&p->rows[i].cells[k]);
		free(p->rows[i].cells);
	}
	free(p->rows);
	p->rows = NULL;
	p->nrows = 0;
	p->table = NULL;
	return check(c, p);
}

static int
draw_band(struct rctx *c, struct pdf *p, const struct rdl_band *b,
    size_t page, double top)
{
	struct rcell	 cell;
	char		*t;
	bool		 first = page == 0, last = page + 1 == p->npages;

	if (b == NULL || (first && !b->print_on_first) ||
	    (last && !b->print_on_last && p->npages > 1))
		return 0;
	c->globals.page_number = (int)page + 1;
	c->globals.total_pages = (int)p->npages;
	for (size_t i = 0; i < b->nitems; i++) {
		const struct rdl_item *it = b->items[i];

		if (it->kind != RDL_TEXTBOX)
			continue;
		if (eval_band_item(c, it, &cell) == -1)
			return -1;
		t = winansi(cell.hidden ? "" : cell.text);
		draw_box(p, p->pages[page], t, &cell.st, false, p->x0 + it->left,
		    p->ph - top - it->top, it->width, it->height);
		free(t);
		rcell_fini(&cell);
	}
	return 0;
}

static int
pdf_end(struct rctx *c)
{
	struct pdf	*p = c->fmt;
	const struct rdl_page *pg = &c->r->page;
	HPDF_BYTE	 chunk[65536];
	HPDF_UINT32	 n;

	if (p->npages == 0)
		page_at(p, 0);
	for (size_t i = 0; i < p->npages; i++) {
		if (draw_band(c, p, pg->header, i, pg->margin[2]) == -1 ||
		    draw_band(c, p, pg->footer, i, pg->height - pg->margin[3] -
		    (pg->footer ? pg->footer->height : 0)) == -1)
			return -1;
	}
	if (check(c, p) == -1 || HPDF_SaveToStream(p->doc) != HPDF_OK)
		return check(c, p) == -1 ? -1 : rs_err_set(c->e, RS_E_INTERNAL,
		    "cannot save the PDF");
	HPDF_ResetStream(p->doc);
	for (;;) {
		n = sizeof(chunk);
		HPDF_STATUS st = HPDF_ReadFromStream(p->doc, chunk, &n);
		if (n > 0 && rctx_write(c, chunk, n) == -1)
			return -1;
		if (st == HPDF_STREAM_EOF || n == 0)
			break;
		if (st != HPDF_OK)
			return rs_err_set(c->e, RS_E_INTERNAL, "cannot read the PDF "
			    "stream");
	}
	return 0;
}

static void
pdf_free(struct rctx *c)
{
	struct pdf	*p = c->fmt;

	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nrows; i++) {
		for (size_t k = 0; k < p->rows[i].ncells; k++)
			pcell_fini(&p->rows[i].cells[k]);
		free(p->rows[i].cells);
	}
	free(p->rows);
	free(p->pages);
	free(p->images);
	if (p->doc != NULL)
		HPDF_Free(p->doc);
	free(p);
	c->fmt = NULL;
}

const struct rops rops_pdf = {
	.name = "PDF",
	.styles = true,
	.items_first = false,
	.begin = pdf_begin,
	.body_item = pdf_body_item,
	.tablix_begin = pdf_tablix_begin,
	.scope_begin = pdf_scope,
	.row = pdf_row,
	.scope_end = pdf_scope,
	.page_break = pdf_page_break,
	.tablix_end = pdf_tablix_end,
	.end = pdf_end,
	.free = pdf_free,
};
