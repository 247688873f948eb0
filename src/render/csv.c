/*
 * csv.c: the CSV rendering extension.  One record per innermost instance
 * (a detail row, or a group instance with no groups inside), holding the
 * data textboxes of every enclosing level, outermost first, so a group's
 * or the table's totals repeat on each record, as SSRS does.  Column names
 * are the textboxes' DataElementName (default: Name).  Standalone body
 * textboxes form a first block; each data region is a block with its own
 * header, blocks separated by an empty record.  Device information:
 * FieldDelimiter, RecordDelimiter, Qualifier, NoHeader, Encoding (UTF-8
 * with a BOM, or ASCII), ExcelMode / UseFormattedValues,
 * SuppressLineBreaks, EscapeFormulas.  Memory is bounded by the nesting
 * depth, so a streamed table of any length renders in constant memory.
 *
 * Formula injection: a spreadsheet opening the file runs a field that
 * starts with = + - @, a tab or a carriage return as a formula
 * (=HYPERLINK(...), =cmd|...).  With EscapeFormulas (true by default) such
 * a field gets a leading single quote, the OWASP way, which spreadsheets
 * show as text; a typed number (Integer or Float) whose text reads as a
 * number (-5, (1,234.50), -1.5E+3, 12 %) is left as it is so it stays a
 * number.  EscapeFormulas=false gives the original's output.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "render/render_int.h"

struct lvl {
	const char **names;	/* borrowed from the report's items */
	char	**texts;
	bool	 *numeric;	/* a typed number that reads as one */
	size_t	  n;
};

struct csv {
	const char	*delim, *qual, *rec;
	bool		 noheader, formatted, ascii, suppress, escape;
	struct lvl	 stack[SCOPE_DEPTH_MAX * 2];
	size_t		 depth;
	struct lvl	 body;
	bool		 body_done, header_done;
	int		 blocks;
	struct buf	 line;
};

static void
lvl_fini(struct lvl *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->texts[i]);
	free(l->names);
	free(l->texts);
	free(l->numeric);
	memset(l, 0, sizeof(*l));
}

static char *
cell_text(struct csv *s, const struct rcell *cell)
{
	struct buf	 b;

	if (s->formatted)
		return xstrdup(cell->text);
	buf_init(&b, 0);
	expr_value_xsd(&cell->value, &b, NULL);
	return b.data != NULL ? buf_take(&b, NULL) : xstrdup("");
}

/* Whether a typed number's text reads as a number (no formula in it). */
static bool
number_text(const struct rcell *cell, const char *t)
{
	if (cell->value.type != EXPR_T_INT && cell->value.type != EXPR_T_FLOAT)
		return false;
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		if (*p < 0x80 && strchr("0123456789.,+-()% eE", *p) == NULL)
			return false;	/* bytes >= 0x80: currency, spaces */
	return true;
}

static void
lvl_add(struct csv *s, struct lvl *l, const struct rcell *cell)
{
	const struct rdl_item *it = cell->item;

	l->names = xreallocarray(l->names, l->n + 1, sizeof(char *));
	l->texts = xreallocarray(l->texts, l->n + 1, sizeof(char *));
	l->numeric = xreallocarray(l->numeric, l->n + 1, sizeof(bool));
	l->names[l->n] = it->data_element_name ? it->data_element_name :
	    it->name;
	l->texts[l->n] = cell_text(s, cell);
	l->numeric[l->n] = number_text(cell, l->texts[l->n]);
	l->n++;
}

/* A field a spreadsheet would read as a formula (see the top). */
static bool
formula_like(const char *v)
{
	return v[0] != '\0' && strchr("=+-@\t\r", v[0]) != NULL;
}

static int
flush_out(struct rctx *c, struct csv *s)
{
	int		 rv = rctx_write(c, s->line.data, s->line.len);

	buf_reset(&s->line);
	return rv;
}

static void
field(struct csv *s, const char *v, bool number, bool first)
{
	bool		 quote = strstr(v, s->delim) != NULL ||
	    strstr(v, s->qual) != NULL || strpbrk(v, "\r\n") != NULL;
	bool		 tick = s->escape && !number && formula_like(v);
	size_t		 ql = strlen(s->qual);

	if (!first)
		buf_puts(&s->line, s->delim, NULL);
	if (!quote && !s->ascii && !tick) {
		buf_puts(&s->line, v, NULL);
		return;
	}
	if (quote)
		buf_puts(&s->line, s->qual, NULL);
	if (tick)
		buf_puts(&s->line, "'", NULL);
	for (const char *p = v; *p != '\0'; p++) {
		if (ql > 0 && strncmp(p, s->qual, ql) == 0) {
			buf_puts(&s->line, s->qual, NULL);
			buf_puts(&s->line, s->qual, NULL);
			p += ql - 1;
		} else if (s->suppress && (*p == '\r' || *p == '\n')) {
			if (*p == '\n')
				buf_puts(&s->line, " ", NULL);
		} else if (s->ascii && (unsigned char)*p >= 0x80) {
			if (((unsigned char)*p & 0xC0) != 0x80)
				buf_puts(&s->line, "?", NULL);
		} else
			buf_append(&s->line, p, 1, NULL);
	}
	if (quote)
		buf_puts(&s->line, s->qual, NULL);
}

/* Ends a record; the output goes to the sink in blocks of 64 KB. */
static int
flush_line(struct rctx *c, struct csv *s)
{
	buf_puts(&s->line, s->rec, NULL);
	return s->line.len >= 65536 ? flush_out(c, s) : 0;
}

/* Writes the header (once per block) and one record from the levels. */
static int
record(struct rctx *c, struct csv *s, const struct lvl *lv, size_t n)
{
	bool		 first = true;

	if (!s->header_done && !s->noheader) {
		for (size_t d = 0; d < n; d++)
			for (size_t i = 0; i < lv[d].n; i++, first = false)
				field(s, lv[d].names[i], false, first);
		if (flush_line(c, s) == -1)
			return -1;
	}
	s->header_done = true;
	first = true;
	for (size_t d = 0; d < n; d++)
		for (size_t i = 0; i < lv[d].n; i++, first = false)
			field(s, lv[d].texts[i], lv[d].numeric[i], first);
	return flush_line(c, s);
}

static int
new_block(struct rctx *c, struct csv *s)
{
	s->header_done = false;
	(void)c;
	if (s->blocks++ > 0)
		buf_puts(&s->line, s->rec, NULL);
	return 0;
}

static int
flush_body(struct rctx *c, struct csv *s)
{
	if (s->body_done || s->body.n == 0)
		return 0;
	s->body_done = true;
	if (new_block(c, s) == -1)
		return -1;
	return record(c, s, &s->body, 1);
}

static int
csv_begin(struct rctx *c)
{
	struct csv	*s = xcalloc(1, sizeof(*s));
	const char	*enc = devinfo(c, "Encoding", "UTF-8");
	bool		 excel = devinfo_bool(c, "ExcelMode", true);

	c->fmt = s;
	buf_init(&s->line, 0);
	s->delim = devinfo(c, "FieldDelimiter", ",");
	s->qual = devinfo(c, "Qualifier", "\"");
	s->rec = devinfo(c, "RecordDelimiter", "\r\n");
	s->noheader = devinfo_bool(c, "NoHeader", false);
	s->formatted = devinfo_bool(c, "UseFormattedValues", excel);
	s->suppress = devinfo_bool(c, "SuppressLineBreaks", false);
	s->escape = devinfo_bool(c, "EscapeFormulas", true);
	if (s->delim[0] == '\0' || strcmp(s->delim, s->qual) == 0 ||
	    strcmp(s->rec, s->qual) == 0)
		return rs_err_set(c->e, RS_E_USAGE, "rc:FieldDelimiter, "
		    "rc:RecordDelimiter and rc:Qualifier must be non-empty and "
		    "differ");
	if (strcasecmp(enc, "ASCII") == 0 || strcasecmp(enc, "US-ASCII") == 0)
		s->ascii = true;
	else if (strcasecmp(enc, "UTF-8") != 0)
		return rs_err_set(c->e, RS_E_USAGE, "rc:Encoding %s is not "
		    "supported; supported: UTF-8, ASCII", enc);
	return s->ascii ? 0 : rctx_write(c, "\xEF\xBB\xBF", 3);
}

static int
csv_body_item(struct rctx *c, const struct rdl_item *it, struct rcell *cell,
    double y)
{
	struct csv	*s = c->fmt;

	(void)it;
	(void)y;
	if (cell != NULL && cell->is_data && !s->body_done)
		lvl_add(s, &s->body, cell);
	return 0;
}

static int
csv_tablix_begin(struct rctx *c, const struct rdl_item *it, double y)
{
	struct csv	*s = c->fmt;

	(void)it;
	(void)y;
	if (flush_body(c, s) == -1)
		return -1;
	return new_block(c, s);
}

static void
add_flat(struct csv *s, struct lvl *l, const struct rcell *cell)
{
	lvl_add(s, l, cell);
}

static int
csv_scope_begin(struct rctx *c, const struct scope_info *si)
{
	struct csv	*s = c->fmt;
	struct lvl	*l;

	if (s->depth >= nitems(s->stack))
		return rs_err_set(c->e, RS_E_LIMIT, "groups nested too deeply");
	l = &s->stack[s->depth++];
	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < si->ndata; i++)
		add_flat(s, l, si->data[i]);
	return 0;
}

static int
csv_scope_end(struct rctx *c, const struct scope_info *si)
{
	struct csv	*s = c->fmt;
	int		 rv = 0;

	if (si->leaf && si->kind != SCOPE_COLLECTION)
		rv = record(c, s, s->stack, s->depth);
	lvl_fini(&s->stack[--s->depth]);
	return rv;
}

static int
csv_row(struct rctx *c, const struct rrow *r)
{
	(void)c;
	(void)r;
	return 0;
}

static int
csv_page_break(struct rctx *c)
{
	(void)c;
	return 0;
}

static bool
static_data(const struct rdl_item *it)
{
	return it != NULL && it->kind == RDL_TEXTBOX &&
	    (it->deo == RDL_DEO_OUTPUT || (it->deo == RDL_DEO_AUTO &&
	    !it->constant));
}

static void
name_of(struct csv *s, struct lvl *l, const struct rdl_item *it)
{
	if (it == NULL)
		return;
	if (it->kind == RDL_RECTANGLE) {
		for (size_t i = 0; i < it->nitems; i++)
			name_of(s, l, it->items[i]);
		return;
	}
	if (!static_data(it))
		return;
	l->names = xreallocarray(l->names, l->n + 1, sizeof(char *));
	l->texts = xreallocarray(l->texts, l->n + 1, sizeof(char *));
	l->numeric = xreallocarray(l->numeric, l->n + 1, sizeof(bool));
	l->numeric[l->n] = false;
	l->names[l->n] = it->data_element_name ? it->data_element_name :
	    it->name;
	l->texts[l->n++] = xstrdup("");
}

/* The static rows of one level, then the first group inside, in order. */
static void
level_names(struct csv *s, struct lvl *l, const struct rdl_tablix *t,
    const struct rdl_member *m, size_t n, const struct rdl_member **inner)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].group != NULL) {
			if (*inner == NULL)
				*inner = &m[i];
			continue;
		}
		if (m[i].nchildren > 0) {
			level_names(s, l, t, m[i].children, m[i].nchildren, inner);
			continue;
		}
		for (size_t j = 0; j < t->ncols; j++)
			name_of(s, l, t->rows[m[i].row].cells[j].item);
	}
}

/*
 * A data region without a single record still gets its header line: the
 * column names come from the definition, level by level, along the first
 * group of each level.
 */
static int
csv_tablix_end(struct rctx *c, const struct rdl_item *it, double *h)
{
	struct csv	*s = c->fmt;
	struct lvl	 l = { 0 };
	const struct rdl_tablix *t = it->tablix;
	const struct rdl_member *m = t->members, *inner;
	size_t		 n = t->nmembers;
	bool		 first = true;
	int		 rv;

	(void)h;
	if (s->header_done || s->noheader)
		return 0;
	for (int depth = 0; m != NULL && depth < RDL_MAX_DEPTH; depth++) {
		inner = NULL;
		level_names(s, &l, t, m, n, &inner);
		if (inner == NULL)
			break;
		name_of(s, &l, inner->header);
		if (inner->nchildren == 0) {
			for (size_t j = 0; j < t->ncols; j++)
				name_of(s, &l, t->rows[inner->row].cells[j].item);
			break;
		}
		m = inner->children;
		n = inner->nchildren;
	}
	for (size_t i = 0; i < l.n; i++, first = false)
		field(s, l.names[i], false, first);
	s->header_done = true;
	rv = l.n > 0 ? flush_line(c, s) : 0;
	lvl_fini(&l);
	return rv;
}

static int
csv_end(struct rctx *c)
{
	if (flush_body(c, c->fmt) == -1)
		return -1;
	return flush_out(c, c->fmt);
}

static void
csv_free(struct rctx *c)
{
	struct csv	*s = c->fmt;

	if (s == NULL)
		return;
	while (s->depth > 0)
		lvl_fini(&s->stack[--s->depth]);
	lvl_fini(&s->body);
	buf_fini(&s->line);
	free(s);
	c->fmt = NULL;
}

const struct rops rops_csv = {
	.name = "CSV",
	.styles = false,
	.items_first = true,
	.begin = csv_begin,
	.body_item = csv_body_item,
	.tablix_begin = csv_tablix_begin,
	.scope_begin = csv_scope_begin,
	.row = csv_row,
	.scope_end = csv_scope_end,
	.page_break = csv_page_break,
	.tablix_end = csv_tablix_end,
	.end = csv_end,
	.free = csv_free,
};
