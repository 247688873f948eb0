/*
 * xlsx.c: the EXCELOPENXML rendering extension, with libxlsxwriter in
 * constant-memory mode (rows are written in order and not kept).  One
 * worksheet; the columns are the first data region's columns (row-header
 * columns first), sized from their widths (1in = 13.71 characters, as
 * SSRS does); a body textbox takes a row of its own, merged across the
 * columns it covers; each data region row is a worksheet row.  Cells keep
 * their values, not their text: numbers and dates are numbers with the
 * textbox's Format turned into an Excel number format, so a spreadsheet
 * can add them up; a hidden duplicate (HideDuplicates) is an empty cell,
 * so a group value appears once.  Fonts, colours, fills, borders and
 * alignment carry over.  A page break (a group's PageBreak) starts a new
 * worksheet with the repeated header rows, as SSRS does.  A chart is a
 * native Excel chart (SSRS renders a picture) over its data, which goes
 * to a last worksheet "Chart Data" (one block per chart: the categories
 * down, a column per series, so the numbers can be worked with too);
 * pie, doughnut, column, bar, line, area and scatter map to Excel's own
 * types with their stacking, palette colours, titles, legend place and
 * axes.  What Excel has no native kind of (gauges, maps, sparklines and
 * data bars in cells) is a picture, as SSRS inserts: a PNG at 96 dpi
 * drawn by graphics/, placed at its row (and a cell's column).
 * libxlsxwriter writes a temporary file, which is streamed to the sink
 * and removed.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "render/render_int.h"

#define XLSX_ROWS_MAX	1048576
#define XLSX_FORMATS_MAX 4000

struct fmtcache {
	char		*key;
	lxw_format	*fmt;
};

struct xlsx {
	char		 path[64];
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	uint32_t	 row;
	int		 ncols;
	double		*colx;		/* left edge of each column, pt */
	double		 last_top;	/* top of the last body textbox row */
	bool		 have_body_row;
	struct fmtcache	*fmts;
	size_t		 nfmts;
	const struct rdl_item *layout;	/* the region that sets the columns */
	int		 sheets;
	struct rrow	*repeat;	/* RepeatOnNewPage rows, for new sheets */
	size_t		 nrepeat;
	struct gfx_chart **charts;	/* their data, for the data sheet */
	size_t		 ncharts;
	uint32_t	 data_row;	/* next free row of the data sheet */
};

#define DATA_SHEET	"Chart Data"

/* N2, C, P1, F0, D3: the standard numeric formats; false if not one. */
static bool
std_numeric(const char *f, char *out, size_t n)
{
	char		 dec[40] = "", *end;
	long		 prec = -1;
	int		 p;

	if (f[0] == '\0' || strchr("NnFfCcPpDdEe", f[0]) == NULL)
		return false;
	if (f[1] != '\0') {
		prec = strtol(f + 1, &end, 10);
		if (*end != '\0' || !isdigit((unsigned char)f[1]) || prec > 30)
			return false;
	}
	p = prec < 0 ? (toupper((unsigned char)f[0]) == 'D' ? 0 :
	    toupper((unsigned char)f[0]) == 'E' ? 6 : 2) : (int)prec;
	if (p > 0) {
		dec[0] = '.';
		memset(dec + 1, '0', (size_t)p);
		dec[p + 1] = '\0';
	}
	switch (toupper((unsigned char)f[0])) {
	case 'N': snprintf(out, n, "#,##0%s", dec); break;
	case 'F': snprintf(out, n, "0%s", dec); break;
	case 'P': snprintf(out, n, "0%s %%", dec); break;
	case 'C': snprintf(out, n, "\"$\"#,##0%s;(\"$\"#,##0%s)", dec, dec);
		break;
	case 'E': snprintf(out, n, "0%sE+000", dec); break;
	default: snprintf(out, n, "%0*d", p > 0 ? p : 1, 0); break;
	}
	return true;
}

static bool
std_date(char spec, char *out, size_t n)
{
	static const struct { char c; const char *x; } std[] = {
		{ 'd', "m/d/yyyy" }, { 'D', "dddd, mmmm d, yyyy" },
		{ 'g', "m/d/yyyy h:mm AM/PM" }, { 'G', "m/d/yyyy h:mm:ss AM/PM" },
		{ 't', "h:mm AM/PM" }, { 'T', "h:mm:ss AM/PM" },
		{ 's', "yyyy-mm-dd\\Thh:mm:ss" }, { 'M', "mmmm d" },
		{ 'y', "mmmm yyyy" }, { 'f', "dddd, mmmm d, yyyy h:mm AM/PM" },
	};

	for (size_t i = 0; i < nitems(std); i++)
		if (std[i].c == spec) {
			snprintf(out, n, "%s", std[i].x);
			return true;
		}
	return false;
}

/* Custom: 'literal' becomes "literal"; .NET date letters become Excel's. */
static void
custom(const char *f, bool date, char *out, size_t n)
{
	struct buf	 b;

	buf_init(&b, 0);
	for (const char *p = f; *p != '\0'; p++) {
		if (*p == '\'') {
			buf_puts(&b, "\"", NULL);
			for (p++; *p != '\0' && *p != '\''; p++)
				buf_append(&b, p, 1, NULL);
			buf_puts(&b, "\"", NULL);
			if (*p == '\0')
				break;
		} else if (date && *p == 'M')
			buf_puts(&b, "m", NULL);
		else if (date && *p == 'H')
			buf_puts(&b, "h", NULL);
		else if (date && *p == 't') {
			buf_puts(&b, "AM/PM", NULL);
			while (p[1] == 't')
				p++;
		} else if (date && *p == 'f')
			buf_puts(&b, "0", NULL);
		else
			buf_append(&b, p, 1, NULL);
	}
	snprintf(out, n, "%s", b.data ? b.data : "");
	buf_fini(&b);
}

/* .NET format to an Excel number format ("" for General). */
static void
excel_numfmt(const char *f, const struct expr_value *v, char *out, size_t n)
{
	bool		 date = v->type == EXPR_T_DATETIME;

	out[0] = '\0';
	if (f == NULL || f[0] == '\0') {
		if (date)
			snprintf(out, n, "m/d/yyyy h:mm:ss AM/PM");
		return;
	}
	if (!date && std_numeric(f, out, n))
		return;
	if (date && f[1] == '\0' && std_date(f[0], out, n))
		return;
	custom(f, date, out, n);
}

static lxw_color_t
xl_color(const char *s, lxw_color_t dflt)
{
	unsigned	 v;

	return color_rgb(s, &v) ? (lxw_color_t)v : dflt;
}

static uint8_t
xl_border(const struct rstyle *st, int side)
{
	const char	*bs = st->border[side].style;

	if (bs[0] == '\0' || strcasecmp(bs, "None") == 0)
		return LXW_BORDER_NONE;
	if (strcasecmp(bs, "Dotted") == 0)
		return LXW_BORDER_DOTTED;
	if (strcasecmp(bs, "Dashed") == 0)
		return LXW_BORDER_DASHED;
	if (strcasecmp(bs, "Double") == 0)
		return LXW_BORDER_DOUBLE;
	return st->border[side].width >= 2 ? LXW_BORDER_MEDIUM :
	    LXW_BORDER_THIN;
}

static lxw_format *
make_format(struct rctx *c, struct xlsx *x, const struct rcell *cell)
{
	const struct rstyle *st = &cell->st;
	char		 numfmt[128], key[1024];
	lxw_format	*f;
	const char	*al = st->align;

	excel_numfmt(st->format, &cell->value, numfmt, sizeof(numfmt));
	snprintf(key, sizeof(key), "%s|%g|%d%d%d|%s|%s|%s|%s|%s|%s%s%s%s|"
	    "%s%s%s%s|%d", st->font_family, st->font_size, st->bold, st->italic,
	    st->underline, st->color, st->background, st->align, st->valign,
	    numfmt, st->border[0].style, st->border[1].style,
	    st->border[2].style, st->border[3].style, st->border[0].color,
	    st->border[1].color, st->border[2].color, st->border[3].color,
	    (int)cell->value.type);
	for (size_t i = 0; i < x->nfmts; i++)
		if (strcmp(x->fmts[i].key, key) == 0)
			return x->fmts[i].fmt;
	if (x->nfmts >= XLSX_FORMATS_MAX)
		return x->fmts[0].fmt;	/* pathological: reuse the first */
	f = workbook_add_format(x->wb);
	format_set_font_name(f, st->font_family);
	format_set_font_size(f, st->font_size > 0 ? st->font_size : 10);
	if (st->bold)
		format_set_bold(f);
	if (st->italic)
		format_set_italic(f);
	if (st->underline)
		format_set_underline(f, LXW_UNDERLINE_SINGLE);
	if (st->color[0] != '\0')
		format_set_font_color(f, xl_color(st->color, LXW_COLOR_BLACK));
	if (st->background[0] != '\0' &&
	    strcasecmp(st->background, "Transparent") != 0) {
		format_set_pattern(f, LXW_PATTERN_SOLID);
		format_set_bg_color(f, xl_color(st->background, LXW_COLOR_WHITE));
	}
	if (strcasecmp(al, "Right") == 0)
		format_set_align(f, LXW_ALIGN_RIGHT);
	else if (strcasecmp(al, "Center") == 0)
		format_set_align(f, LXW_ALIGN_CENTER);
	else if (strcasecmp(al, "Left") == 0)
		format_set_align(f, LXW_ALIGN_LEFT);
	format_set_align(f, strcasecmp(st->valign, "Middle") == 0 ?
	    LXW_ALIGN_VERTICAL_CENTER : strcasecmp(st->valign, "Bottom") == 0 ?
	    LXW_ALIGN_VERTICAL_BOTTOM : LXW_ALIGN_VERTICAL_TOP);
	format_set_text_wrap(f);
	format_set_top(f, xl_border(st, 0));
	format_set_bottom(f, xl_border(st, 1));
	format_set_left(f, xl_border(st, 2));
	format_set_right(f, xl_border(st, 3));
	format_set_top_color(f, xl_color(st->border[0].color, LXW_COLOR_BLACK));
	format_set_bottom_color(f, xl_color(st->border[1].color,
	    LXW_COLOR_BLACK));
	format_set_left_color(f, xl_color(st->border[2].color, LXW_COLOR_BLACK));
	format_set_right_color(f, xl_color(st->border[3].color,
	    LXW_COLOR_BLACK));
	if (numfmt[0] != '\0')
		format_set_num_format(f, numfmt);
	(void)c;
	x->fmts = xreallocarray(x->fmts, x->nfmts + 1, sizeof(*x->fmts));
	x->fmts[x->nfmts].key = xstrdup(key);
	x->fmts[x->nfmts].fmt = f;
	x->nfmts++;
	return f;
}

static int
xl_check(struct rctx *c, lxw_error err)
{
	if (err == LXW_NO_ERROR)
		return 0;
	return rs_err_set(c->e, RS_E_INTERNAL, "cannot write the workbook: %s",
	    lxw_strerror(err));
}

static int
write_cell(struct rctx *c, struct xlsx *x, uint32_t row, int col,
    const struct rcell *cell)
{
	lxw_format	*f = cell->item != NULL ? make_format(c, x, cell) : NULL;
	lxw_datetime	 dt;
	int		 y, mo, d, h, mi, s, ms;
	const struct expr_value *v = &cell->value;

	if (cell->hidden || cell->item == NULL || (v->type == EXPR_T_STRING &&
	    cell->text[0] == '\0') || v->type == EXPR_T_NULL)
		return f != NULL ? xl_check(c, worksheet_write_blank(x->ws, row,
		    (lxw_col_t)col, f)) : 0;
	switch (v->type) {
	case EXPR_T_INT:
		return xl_check(c, worksheet_write_number(x->ws, row,
		    (lxw_col_t)col, (double)v->u.i, f));
	case EXPR_T_FLOAT:
		return xl_check(c, worksheet_write_number(x->ws, row,
		    (lxw_col_t)col, v->u.f, f));
	case EXPR_T_BOOL:
		return xl_check(c, worksheet_write_boolean(x->ws, row,
		    (lxw_col_t)col, v->u.b, f));
	case EXPR_T_DATETIME:
		expr_dt_split(v->u.dt, &y, &mo, &d, &h, &mi, &s, &ms);
		if (y >= 1900) {
			dt = (lxw_datetime){ y, mo, d, h, mi, s + ms / 1000.0 };
			return xl_check(c, worksheet_write_datetime(x->ws, row,
			    (lxw_col_t)col, &dt, f));
		}
		break;
	default:
		break;
	}
	return xl_check(c, worksheet_write_string(x->ws, row, (lxw_col_t)col,
	    cell->text, f));
}

static const struct rdl_item *
first_tablix(struct rdl_item *const *items, size_t n)
{
	const struct rdl_item *t;

	for (size_t i = 0; i < n; i++) {
		if (items[i]->kind == RDL_TABLIX)
			return items[i];
		if ((t = first_tablix(items[i]->items, items[i]->nitems)) != NULL)
			return t;
	}
	return NULL;
}

static void
sheet_name(const char *s, char *out, size_t n)
{
	size_t		 i;

	for (i = 0; s[i] != '\0' && i + 1 < n && i < 31; i++)
		out[i] = strchr("[]:*?/\\", s[i]) != NULL ? '_' : s[i];
	out[i] = '\0';
	if (i == 0)
		snprintf(out, n, "Sheet1");
}

static void
set_columns(struct xlsx *x, const struct rdl_item *t, double width)
{
	int		 hc = t != NULL ? t->tablix->header_cols : 0;
	size_t		 nc = t != NULL ? t->tablix->ncols : 1;
	double		 left = t != NULL ? t->left : 0, w;

	x->ncols = hc + (int)nc;
	x->colx = xcalloc((size_t)x->ncols + 1, sizeof(double));
	for (int i = 0; i < x->ncols; i++) {
		w = i < hc ? 72 : t != NULL ? t->tablix->col_widths[i - hc] : width;
		x->colx[i] = left;
		left += w;
		/*
		 * SSRS gives 13.71 characters to an inch, padding included;
		 * libxlsxwriter adds the padding (5 px of 7) itself.
		 */
		worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i,
		    w / 5.25 > 1 ? w / 5.25 - 5.0 / 7 : w / 5.25, NULL);
	}
	x->colx[x->ncols] = left;
}

/* Orientation, paper and margins from the report's Page, as SSRS does. */
static void
page_setup(struct rctx *c, lxw_worksheet *ws)
{
	const struct rdl_page *pg = &c->r->page;

	if (pg->width > pg->height)
		worksheet_set_landscape(ws);
	else
		worksheet_set_portrait(ws);
	/* Letter (1) unless the page is A4-sized (9). */
	worksheet_set_paper(ws, pg->width > 590 && pg->width < 600 &&
	    pg->height > 838 && pg->height < 845 ? 9 : 1);
	worksheet_set_margins(ws, pg->margin[0] / 72, pg->margin[1] / 72,
	    pg->margin[2] / 72, pg->margin[3] / 72);
}

static int
xlsx_begin(struct rctx *c)
{
	struct xlsx	*x = xcalloc(1, sizeof(*x));
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	lxw_doc_properties props = { 0 };
	char		 name[40];
	const char	*tmp = getenv("TMPDIR");
	int		 fd;

	c->fmt = x;
	snprintf(x->path, sizeof(x->path), "%s/rsxlsx.XXXXXX",
	    tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp");
	fd = mkstemp(x->path);
	if (fd == -1) {
		x->path[0] = '\0';
		return rs_err_sys(c->e, RS_E_IO, "cannot create a temporary file "
		    "for the workbook");
	}
	close(fd);
	opt.tmpdir = tmp != NULL ? (char *)tmp : "/tmp";
	x->wb = workbook_new_opt(x->path, &opt);
	if (x->wb == NULL)
		return rs_err_set(c->e, RS_E_IO, "cannot start the workbook");
	sheet_name(c->r->name, name, sizeof(name));
	x->ws = workbook_add_worksheet(x->wb, name);
	if (x->ws == NULL)
		return rs_err_set(c->e, RS_E_INTERNAL, "cannot add a worksheet");
	worksheet_gridlines(x->ws, LXW_HIDE_ALL_GRIDLINES);
	page_setup(c, x->ws);
	props.title = c->r->name;
	props.author = c->r->author;
	props.comments = c->r->description;
	workbook_set_properties(x->wb, &props);
	x->layout = first_tablix(c->r->body, c->r->nbody);
	x->sheets = 1;
	set_columns(x, x->layout, c->r->width);
	x->last_top = -1;
	return 0;
}

static int
col_of(struct xlsx *x, double left)
{
	for (int i = x->ncols - 1; i > 0; i--)
		if (left >= x->colx[i] - 1)
			return i;
	return 0;
}

static int
xlsx_body_item(struct rctx *c, const struct rdl_item *it, struct rcell *cell,
    double y)
{
	struct xlsx	*x = c->fmt;
	int		 c0, c1;

	(void)y;
	if (it->kind == RDL_IMAGE && it->image >= 0 &&
	    (size_t)it->image < c->r->nimages) {
		const struct rdl_image *im = &c->r->images[it->image];
		if (x->have_body_row)
			x->row++;
		x->have_body_row = true;
		x->last_top = -1;
		worksheet_set_row(x->ws, x->row, it->height, NULL);
		return xl_check(c, worksheet_insert_image_buffer(x->ws, x->row,
		    (lxw_col_t)col_of(x, it->left), im->data, im->len));
	}
	if (cell == NULL || it->kind != RDL_TEXTBOX || cell->hidden)
		return 0;
	if (!x->have_body_row || it->top != x->last_top) {
		if (x->have_body_row)
			x->row++;
		worksheet_set_row(x->ws, x->row, it->height, NULL);
	}
	if (x->row >= XLSX_ROWS_MAX)
		return rs_err_set(c->e, RS_E_LIMIT, "more than %d rows for Excel",
		    XLSX_ROWS_MAX);
	x->have_body_row = true;
	x->last_top = it->top;
	c0 = col_of(x, it->left);
	c1 = col_of(x, it->left + it->width - 2);
	if (c1 > c0 && cell->value.type == EXPR_T_STRING)
		return xl_check(c, worksheet_merge_range(x->ws, x->row,
		    (lxw_col_t)c0, x->row, (lxw_col_t)c1, cell->text,
		    make_format(c, x, cell)));
	return write_cell(c, x, x->row, c0, cell);
}

static int
xlsx_tablix_begin(struct rctx *c, const struct rdl_item *it, double y)
{
	struct xlsx	*x = c->fmt;

	(void)it;
	(void)y;
	if (x->have_body_row)
		x->row++;
	x->have_body_row = false;
	x->last_top = -1;
	return 0;
}

static int
png_sink(void *arg, const void *data, size_t len)
{
	return buf_append(arg, data, len, NULL) == 0 ? 0 : -1;
}

/* A picture of what graphics/ draws for g, w x h points at row, col. */
static int
picture(struct rctx *c, struct xlsx *x, const struct gfx_chart *g, double w,
    double h, uint32_t row, int col)
{
	struct buf	 png;
	struct gfx	*gp;
	int		 rv = -1;

	if (w < 1 || h < 1 || w > 4000 || h > 4000)
		return 0;	/* nothing to see, or too large a picture */
	buf_init(&png, 0);
	gp = gfx_png_new(png_sink, &png, w, h, 96, c->e);
	if (gp != NULL) {
		gfx_chart_draw(gp, g, 0, 0, w, h);
		rv = gfx_finish(gp, c->e);
		gfx_free(gp);
	}
	if (rv == 0 && png.len > 0)
		rv = xl_check(c, worksheet_insert_image_buffer(x->ws, row,
		    (lxw_col_t)col, (const unsigned char *)png.data, png.len));
	buf_fini(&png);
	return rv;
}

static int
xlsx_row(struct rctx *c, const struct rrow *r)
{
	struct xlsx	*x = c->fmt;
	int		 col = 0;

	if (x->row >= XLSX_ROWS_MAX)
		return rs_err_set(c->e, RS_E_LIMIT, "more than %d rows for Excel",
		    XLSX_ROWS_MAX);
	if (r->repeat) {
		x->repeat = xreallocarray(x->repeat, x->nrepeat + 1,
		    sizeof(*x->repeat));
		rrow_copy(&x->repeat[x->nrepeat++], r);
	}
	worksheet_set_row(x->ws, x->row, r->height, NULL);
	for (size_t i = 0; i < r->ncells && col < 16384; i++) {
		const struct rcell *cell = &r->cells[i];

		if (cell->colspan == 0)
			continue;
		if (write_cell(c, x, x->row, col, cell) == -1)
			return -1;
		if (cell->chart != NULL && !cell->hidden && picture(c, x,
		    cell->chart, cell->width > 0 ? cell->width :
		    cell->item->width, r->height, x->row, col) == -1)
			return -1;
		col += cell->colspan > 0 ? cell->colspan : 1;
	}
	x->row++;
	return 0;
}

static int
xlsx_scope(struct rctx *c, const struct scope_info *si)
{
	(void)c;
	(void)si;
	return 0;
}

/* A page break starts a new worksheet, with the header rows again. */
static int
xlsx_page_break(struct rctx *c)
{
	struct xlsx	*x = c->fmt;
	char		 base[32], name[40];
	size_t		 nrep = x->nrepeat;
	struct rrow	*old;
	int		 rv = 0;

	sheet_name(c->r->name, base, 25);
	snprintf(name, sizeof(name), "%s %d", base, ++x->sheets);
	x->ws = workbook_add_worksheet(x->wb, name);
	if (x->ws == NULL)
		return rs_err_set(c->e, RS_E_LIMIT, "cannot add worksheet %d",
		    x->sheets);
	worksheet_gridlines(x->ws, LXW_HIDE_ALL_GRIDLINES);
	page_setup(c, x->ws);
	free(x->colx);
	set_columns(x, x->layout, c->r->width);
	x->row = 0;
	x->have_body_row = false;
	/* Written again, the header rows keep themselves for the next. */
	old = x->repeat;
	x->repeat = NULL;
	x->nrepeat = 0;
	for (size_t i = 0; i < nrep; i++) {
		if (rv == 0)
			rv = xlsx_row(c, &old[i]);
		rrow_fini(&old[i]);
	}
	free(old);
	return rv;
}

static int
xlsx_tablix_end(struct rctx *c, const struct rdl_item *it, double *h)
{
	(void)c;
	(void)it;
	(void)h;
	return 0;
}

static bool
chart_xy(const struct gfx_chart *g)
{
	return g->nseries > 0 && (g->series[0].type == GFX_CHART_SCATTER ||
	    g->series[0].type == GFX_CHART_BUBBLE);
}

static uint8_t
chart_type(const struct gfx_chart *g)
{
	static const uint8_t plain[] = { LXW_CHART_COLUMN, LXW_CHART_BAR,
	    LXW_CHART_LINE, LXW_CHART_AREA, LXW_CHART_PIE, LXW_CHART_DOUGHNUT,
	    LXW_CHART_SCATTER, LXW_CHART_SCATTER };
	const struct gfx_series *s = &g->series[0];
	int		 k = s->stacking == GFX_STACKED ? 1 :
	    s->stacking == GFX_STACKED100 ? 2 : 0;

	switch (s->type) {
	case GFX_CHART_COLUMN:
		return (uint8_t)(LXW_CHART_COLUMN + k);
	case GFX_CHART_BAR:
		return (uint8_t)(LXW_CHART_BAR + k);
	case GFX_CHART_AREA:
		return (uint8_t)(LXW_CHART_AREA + k);
	case GFX_CHART_LINE:
		return (uint8_t)(LXW_CHART_LINE + k);
	default:
		return plain[s->type];
	}
}

static void
chart_axis(lxw_chart_axis *ax, const struct gfx_axis *a, bool value)
{
	struct expr_value num = { .type = EXPR_T_FLOAT };
	char		 fmt[128];

	if (!a->visible) {
		chart_axis_off(ax);
		return;
	}
	if (a->title != NULL)
		chart_axis_set_name(ax, a->title);
	chart_axis_major_gridlines_set_visible(ax, a->major_grid);
	if (a->reversed)
		chart_axis_set_reverse(ax);
	if (!value)
		return;
	if (isfinite(a->min))
		chart_axis_set_min(ax, a->min);
	if (isfinite(a->max))
		chart_axis_set_max(ax, a->max);
	if (isfinite(a->interval) && a->interval > 0)
		chart_axis_set_major_unit(ax, a->interval);
	if (a->log_scale)
		chart_axis_set_log_base(ax, 10);
	excel_numfmt(a->format, &num, fmt, sizeof(fmt));
	if (fmt[0] != '\0')
		chart_axis_set_num_format(ax, fmt);
}

static void
chart_series(struct xlsx *x, const struct gfx_chart *g, lxw_chart *ch,
    size_t s, uint32_t top)
{
	const struct gfx_series *gs = &g->series[s];
	uint32_t	 last = top + (uint32_t)g->ncategories;
	bool		 xy = chart_xy(g);
	lxw_col_t	 vc = (lxw_col_t)(xy ? 2 + 2 * s : 1 + s);
	lxw_chart_series *se;
	lxw_chart_fill	 fill = { .color = gfx_chart_color(g, s, (size_t)-1) &
	    0xFFFFFF };
	lxw_chart_line	 line = { .color = fill.color };
	bool		 labels = false;

	(void)x;
	se = chart_add_series(ch, NULL, NULL);
	if (se == NULL)
		return;
	chart_series_set_categories(se, DATA_SHEET, top + 1, xy ? vc - 1 : 0,
	    last, xy ? vc - 1 : 0);
	chart_series_set_values(se, DATA_SHEET, top + 1, vc, last, vc);
	chart_series_set_name_range(se, DATA_SHEET, top, vc);
	if (gs->type == GFX_CHART_PIE || gs->type == GFX_CHART_DOUGHNUT) {
		lxw_chart_point *pts = xcalloc(gs->npoints + 1, sizeof(*pts));
		lxw_chart_fill	*fills = xcalloc(gs->npoints + 1, sizeof(*fills));
		lxw_chart_point	**pp = xcalloc(gs->npoints + 1, sizeof(*pp));

		for (size_t j = 0; j < gs->npoints; j++) {
			fills[j].color = gfx_chart_color(g, s, j) & 0xFFFFFF;
			pts[j].fill = &fills[j];
			pp[j] = &pts[j];
		}
		chart_series_set_points(se, pp);
		free(pp);
		free(fills);
		free(pts);
	} else if (gs->type == GFX_CHART_LINE || xy)
		chart_series_set_line(se, &line);
	else
		chart_series_set_fill(se, &fill);
	for (size_t j = 0; j < gs->npoints; j++)
		labels = labels || gs->points[j].label != NULL;
	if (labels)
		chart_series_set_labels(se);
}

static uint8_t
legend_place(const struct gfx_legend *l)
{
	if (!l->visible)
		return LXW_CHART_LEGEND_NONE;
	if (l->position <= GFX_POS_TOPRIGHT)
		return LXW_CHART_LEGEND_TOP;
	if (l->position <= GFX_POS_RIGHTBOTTOM)
		return LXW_CHART_LEGEND_RIGHT;
	if (l->position <= GFX_POS_BOTTOMLEFT)
		return LXW_CHART_LEGEND_BOTTOM;
	return LXW_CHART_LEGEND_LEFT;
}

/* A native chart where the item is; its data waits for the end. */
static int
xlsx_chart(struct rctx *c, const struct rdl_item *it, struct gfx_chart *g,
    double y)
{
	struct xlsx	*x = c->fmt;
	lxw_chart_options opt = { 0 };
	lxw_chart	*ch;
	uint32_t	 top = x->data_row;

	(void)y;
	if (g->gauge != NULL || g->map != NULL) {
		int rv;

		if (x->have_body_row)
			x->row++;
		x->have_body_row = true;
		x->last_top = -1;
		worksheet_set_row(x->ws, x->row, it->height > 409 ? 409 :
		    it->height, NULL);
		rv = picture(c, x, g, it->width, it->height, x->row,
		    col_of(x, it->left));
		gfx_chart_free(g);
		return rv;
	}
	if (g->nseries == 0 || g->ncategories == 0 ||
	    x->data_row + g->ncategories + 2 >= XLSX_ROWS_MAX) {
		gfx_chart_free(g);	/* nothing to chart, or no room */
		return 0;
	}
	ch = workbook_add_chart(x->wb, chart_type(g));
	if (ch == NULL) {
		gfx_chart_free(g);
		return rs_err_set(c->e, RS_E_INTERNAL, "cannot add a chart");
	}
	for (size_t s = 0; s < g->nseries; s++)
		chart_series(x, g, ch, s, top);
	if (g->ntitles > 0)
		chart_title_set_name(ch, g->titles[0].text);
	else
		chart_title_off(ch);
	chart_legend_set_position(ch, legend_place(&g->legend));
	if (g->series[0].type == GFX_CHART_BAR) {
		/* libxlsxwriter's x axis of a bar chart is the value axis. */
		chart_axis(ch->y_axis, &g->cat_axis, false);
		chart_axis(ch->x_axis, &g->val_axis, true);
	} else if (g->series[0].type != GFX_CHART_PIE &&
	    g->series[0].type != GFX_CHART_DOUGHNUT) {
		chart_axis(ch->x_axis, &g->cat_axis, chart_xy(g));
		chart_axis(ch->y_axis, &g->val_axis, true);
	}
	x->data_row += (uint32_t)g->ncategories + 2;
	x->charts = xreallocarray(x->charts, x->ncharts + 1, sizeof(*x->charts));
	x->charts[x->ncharts++] = g;
	if (x->have_body_row)
		x->row++;
	x->have_body_row = true;
	x->last_top = -1;
	worksheet_set_row(x->ws, x->row, it->height > 409 ? 409 : it->height,
	    NULL);
	opt.x_scale = it->width * 96 / 72 / 480;
	opt.y_scale = it->height * 96 / 72 / 288;
	return xl_check(c, worksheet_insert_chart_opt(x->ws, x->row,
	    (lxw_col_t)col_of(x, it->left), ch, &opt));
}

/* The charts' data: a block per chart, categories down, series across. */
static int
data_sheet(struct rctx *c, struct xlsx *x)
{
	lxw_worksheet	*ws;
	uint32_t	 r = 0;

	if (x->ncharts == 0)
		return 0;
	ws = workbook_add_worksheet(x->wb, DATA_SHEET);
	if (ws == NULL)
		return rs_err_set(c->e, RS_E_INTERNAL, "cannot add the chart data "
		    "worksheet");
	for (size_t k = 0; k < x->ncharts; k++) {
		const struct gfx_chart *g = x->charts[k];
		bool	 xy = chart_xy(g);

		worksheet_write_string(ws, r, 0, g->name, NULL);
		for (size_t s = 0; s < g->nseries; s++)
			worksheet_write_string(ws, r, (lxw_col_t)(xy ? 2 + 2 * s :
			    1 + s), g->series[s].name, NULL);
		for (size_t i = 0; i < g->ncategories; i++) {
			worksheet_write_string(ws, r + 1 + (uint32_t)i, 0,
			    g->categories[i], NULL);
			for (size_t s = 0; s < g->nseries; s++) {
				const struct gfx_point *p = &g->series[s].points[i];
				lxw_col_t col = (lxw_col_t)(xy ? 2 + 2 * s : 1 + s);

				if (p->empty)
					continue;
				if (xy)
					worksheet_write_number(ws, r + 1 + (uint32_t)i,
					    col - 1, p->x, NULL);
				worksheet_write_number(ws, r + 1 + (uint32_t)i, col,
				    p->y, NULL);
			}
		}
		r += (uint32_t)g->ncategories + 2;
	}
	return 0;
}

static int
xlsx_end(struct rctx *c)
{
	struct xlsx	*x = c->fmt;
	char		 chunk[65536];
	size_t		 n;
	FILE		*f;
	lxw_error	 err;
	int		 rv = 0;

	if (data_sheet(c, x) == -1)
		return -1;
	err = workbook_close(x->wb);
	x->wb = NULL;
	if (xl_check(c, err) == -1)
		return -1;
	f = fopen(x->path, "rb");
	if (f == NULL)
		return rs_err_sys(c->e, RS_E_IO, "cannot read the workbook");
	while (rv == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rv = rctx_write(c, chunk, n);
	if (rv == 0 && ferror(f))
		rv = rs_err_sys(c->e, RS_E_IO, "cannot read the workbook");
	fclose(f);
	return rv;
}

static void
xlsx_free(struct rctx *c)
{
	struct xlsx	*x = c->fmt;

	if (x == NULL)
		return;
	if (x->wb != NULL)
		workbook_close(x->wb);
	if (x->path[0] != '\0')
		unlink(x->path);
	for (size_t i = 0; i < x->nrepeat; i++)
		rrow_fini(&x->repeat[i]);
	free(x->repeat);
	for (size_t i = 0; i < x->nfmts; i++)
		free(x->fmts[i].key);
	free(x->fmts);
	free(x->colx);
	for (size_t i = 0; i < x->ncharts; i++)
		gfx_chart_free(x->charts[i]);
	free(x->charts);
	free(x);
	c->fmt = NULL;
}

const struct rops rops_xlsx = {
	.name = "EXCELOPENXML",
	.styles = true,
	.items_first = false,
	.begin = xlsx_begin,
	.body_item = xlsx_body_item,
	.tablix_begin = xlsx_tablix_begin,
	.scope_begin = xlsx_scope,
	.row = xlsx_row,
	.scope_end = xlsx_scope,
	.page_break = xlsx_page_break,
	.tablix_end = xlsx_tablix_end,
	.chart = xlsx_chart,
	.end = xlsx_end,
	.free = xlsx_free,
};
