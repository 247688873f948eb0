/*
 * tablix.c: the Tablix data region as a table or list: the body grid
 * (columns, rows, cells with ColSpan), a static column hierarchy, and a
 * row hierarchy of static members and groups (with group expressions,
 * sort expressions, filters, page breaks and TablixHeader row headers)
 * whose leaves map one to one, in order, onto the body rows.  Column
 * groups (a matrix) are refused.
 */
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl_int.h"

static enum rdl_break
break_parse(struct pctx *c, xmlNode *n)
{
	static const struct {
		const char	*name;
		enum rdl_break	 b;
	} locs[] = {
		{ "Start", RDL_BREAK_START }, { "End", RDL_BREAK_END },
		{ "StartAndEnd", RDL_BREAK_STARTEND },
		{ "Between", RDL_BREAK_BETWEEN },
	};
	xmlNode		*pb = child(c, n, "PageBreak");
	char		*t;
	enum rdl_break	 b = RDL_BREAK_NONE;

	if (pb == NULL || child_bool(c, pb, "Disabled", false))
		return b;
	t = child_text(c, pb, "BreakLocation");
	for (size_t i = 0; t != NULL && i < nitems(locs); i++)
		if (strcmp(str_trim(t), locs[i].name) == 0)
			b = locs[i].b;
	free(t);
	return b;
}

static bool
has_chart(const struct rdl_item *it)
{
	if (it->kind == RDL_CHART)
		return true;
	for (size_t i = 0; i < it->nitems; i++)
		if (has_chart(it->items[i]))
			return true;
	return false;
}

/* The single report item inside a CellContents, or NULL. */
static struct rdl_item *
cell_item(struct pctx *c, xmlNode *contents, int *colspan)
{
	xmlNode		*k;
	struct rdl_item	*it;
	char		*t;

	*colspan = 1;
	if (contents == NULL)
		return NULL;
	t = child_text(c, contents, "ColSpan");
	if (t != NULL) {
		*colspan = (int)strtol(t, NULL, 10);
		free(t);
	}
	if ((t = child_text(c, contents, "RowSpan")) != NULL) {
		long rs = strtol(t, NULL, 10);
		free(t);
		if (rs > 1) {
			fail(c, contents, "RowSpan is not supported in a table "
			    "body");
			return NULL;
		}
	}
	for (k = contents->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		it = item_parse(c, k);
		/* A chart right in a cell is a sparkline or a data bar,
		 * drawn in each instance of the cell's scope. */
		if (it != NULL && it->kind != RDL_CHART && has_chart(it)) {
			fail(c, k, "a chart inside a rectangle in a data "
			    "region's cell is not supported yet; supported: a "
			    "chart (sparkline, data bar) right in the cell, "
			    "charts in the body or in a rectangle");
			item_free(it);
			return NULL;
		}
		if (it != NULL || (c->e != NULL && c->e->code != RS_E_OK))
			return it;
	}
	return NULL;
}

static int
body_parse(struct pctx *c, xmlNode *body, struct rdl_tablix *t)
{
	xmlNode		*k, *cell;
	struct rdl_row	*row;
	size_t		 ci;

	if (body == NULL)
		return fail(c, NULL, "a Tablix needs a TablixBody");
	for (k = child(c, body, "TablixColumns"), k = k ? k->children : NULL;
	    k != NULL; k = k->next) {
		if (!is_el(c, k, "TablixColumn"))
			continue;
		t->col_widths = xreallocarray(t->col_widths, t->ncols + 1,
		    sizeof(double));
		if (child_size(c, k, "Width", 72, &t->col_widths[t->ncols]) == -1)
			return -1;
		t->ncols++;
	}
	if (t->ncols == 0)
		return fail(c, body, "a TablixBody needs TablixColumns");
	for (k = child(c, body, "TablixRows"), k = k ? k->children : NULL;
	    k != NULL; k = k->next) {
		if (!is_el(c, k, "TablixRow"))
			continue;
		if (count_node(c, k) == -1)
			return -1;
		t->rows = xreallocarray(t->rows, t->nrows + 1, sizeof(*row));
		row = &t->rows[t->nrows++];
		row->cells = xcalloc(t->ncols, sizeof(*row->cells));
		if (child_size(c, k, "Height", 18, &row->height) == -1)
			return -1;
		ci = 0;
		for (cell = child(c, k, "TablixCells"),
		    cell = cell ? cell->children : NULL; cell != NULL;
		    cell = cell->next) {
			if (!is_el(c, cell, "TablixCell"))
				continue;
			if (ci >= t->ncols)
				return fail(c, k, "the row has more cells than "
				    "the %zu columns", t->ncols);
			row->cells[ci].item = cell_item(c, child(c, cell,
			    "CellContents"), &row->cells[ci].colspan);
			if (c->e != NULL && c->e->code != RS_E_OK)
				return -1;
			if (row->cells[ci].colspan < 1 ||
			    ci + (size_t)row->cells[ci].colspan > t->ncols)
				return fail(c, cell, "bad ColSpan");
			ci++;
		}
		if (ci != t->ncols)
			return fail(c, k, "the row has %zu cells for %zu columns",
			    ci, t->ncols);
	}
	return 0;
}

static int	members_parse(struct pctx *, xmlNode *, struct rdl_member **,
		    size_t *, int *, int);

int
group_parse(struct pctx *c, xmlNode *g, struct rdl_member *m)
{
	struct rdl_group *grp = xcalloc(1, sizeof(*grp));
	xmlNode		*k;
	xmlChar		*nm;

	m->group = grp;
	nm = xmlGetProp(g, (const xmlChar *)"Name");
	grp->name = xstrdup(nm != NULL ? (const char *)nm : "");
	xmlFree(nm);
	grp->data_element_name = child_text(c, g, "DataElementName");
	grp->page_break = break_parse(c, g);
	for (k = child(c, g, "GroupExpressions"), k = k ? k->children : NULL;
	    k != NULL; k = k->next) {
		if (!is_el(c, k, "GroupExpression"))
			continue;
		grp->exprs = xreallocarray(grp->exprs, grp->nexprs + 1,
		    sizeof(*grp->exprs));
		grp->exprs[grp->nexprs] = prop_new(c, k);
		if (grp->exprs[grp->nexprs] == NULL)
			return -1;
		grp->nexprs++;
	}
	if (variables_parse(c, child(c, g, "Variables"), true, &grp->vars,
	    &grp->nvars) == -1)
		return -1;
	return filters_parse(c, child(c, g, "Filters"), &grp->filters,
	    &grp->nfilters);
}

static int
member_parse(struct pctx *c, xmlNode *k, struct rdl_member *m, int *leaf,
    int depth)
{
	xmlNode		*h;
	bool		 failed = false;
	int		 span;
	char		*kwg;

	m->row = -1;
	m->line = (int)xmlGetLineNo(k);
	if (count_node(c, k) == -1)
		return -1;
	if (depth > RDL_MAX_DEPTH)
		return fail(c, k, "groups are nested more than %d deep",
		    RDL_MAX_DEPTH);
	if (child(c, k, "Group") != NULL &&
	    group_parse(c, child(c, k, "Group"), m) == -1)
		return -1;
	if (sorts_parse(c, child(c, k, "SortExpressions"), &m->sorts,
	    &m->nsorts) == -1)
		return -1;
	h = child(c, k, "TablixHeader");
	if (h != NULL && child_size(c, h, "Size", 18, &m->header_size) == -1)
		return -1;
	if (h != NULL) {
		m->header = cell_item(c, child(c, h, "CellContents"), &span);
		if (c->e != NULL && c->e->code != RS_E_OK)
			return -1;
		if (m->header == NULL) {
			/* An empty header cell still takes its column. */
			m->header = xcalloc(1, sizeof(*m->header));
			m->header->kind = RDL_RECTANGLE;
			m->header->name = xstrdup("");
			m->header->image = -1;
		}
	}
	m->repeat_on_new_page = child_bool(c, k, "RepeatOnNewPage", false);
	kwg = child_text(c, k, "KeepWithGroup");
	m->keep_with_next = kwg != NULL && strcmp(str_trim(kwg), "After") == 0;
	free(kwg);
	m->data_element_name = child_text(c, k, "DataElementName");
	m->deo = deo_parse(c, k);
	m->hidden = child_prop(c, child(c, k, "Visibility"), "Hidden", &failed);
	if (failed)
		return -1;
	if (child(c, k, "TablixMembers") != NULL)
		return members_parse(c, child(c, k, "TablixMembers"),
		    &m->children, &m->nchildren, leaf, depth + 1);
	m->row = (*leaf)++;
	return 0;
}

static int
members_parse(struct pctx *c, xmlNode *ms, struct rdl_member **out,
    size_t *nout, int *leaf, int depth)
{
	xmlNode		*k;

	for (k = ms != NULL ? ms->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "TablixMember"))
			continue;
		*out = xreallocarray(*out, *nout + 1, sizeof(**out));
		memset(&(*out)[*nout], 0, sizeof(**out));
		(*nout)++;
		if (member_parse(c, k, &(*out)[*nout - 1], leaf, depth) == -1)
			return -1;
	}
	return 0;
}

static int
header_depth(const struct rdl_member *m, size_t n)
{
	int		 best = 0, d;

	for (size_t i = 0; i < n; i++) {
		d = (m[i].header != NULL) + header_depth(m[i].children,
		    m[i].nchildren);
		if (d > best)
			best = d;
	}
	return best;
}

static bool
any_group(const struct rdl_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].group != NULL || any_group(m[i].children, m[i].nchildren))
			return true;
	return false;
}

/* The column hierarchy: its leaves are the body's columns, in order. */
static int
columns_parse(struct pctx *c, xmlNode *h, struct rdl_tablix *t)
{
	int		 leaves = 0;

	if (h == NULL)
		return fail(c, NULL, "a Tablix needs a TablixColumnHierarchy");
	if (members_parse(c, child(c, h, "TablixMembers"), &t->col_members,
	    &t->ncol_members, &leaves, 0) == -1)
		return -1;
	if ((size_t)leaves != t->ncols)
		return fail(c, h, "the column hierarchy has %d leaf members for "
		    "%zu columns", leaves, t->ncols);
	t->header_rows = header_depth(t->col_members, t->ncol_members);
	t->matrix = t->header_rows > 0 || any_group(t->col_members,
	    t->ncol_members);
	if (t->matrix && t->header_rows == 0)
		return fail(c, h, "column groups need TablixHeader cells");
	return 0;
}

/* The corner: header_rows x header_cols cells above the row headers. */
static int
corner_parse(struct pctx *c, xmlNode *cn, struct rdl_tablix *t)
{
	xmlNode		*r, *k;
	int		 ri = 0, ci, span;

	if (cn == NULL)
		return 0;
	if (t->header_rows == 0 || t->header_cols == 0)
		return fail(c, cn, "a TablixCorner needs row and column headers");
	t->corner = xcalloc((size_t)(t->header_rows * t->header_cols),
	    sizeof(*t->corner));
	for (r = child(c, cn, "TablixCornerRows"), r = r ? r->children : NULL;
	    r != NULL; r = r->next) {
		if (!is_el(c, r, "TablixCornerRow"))
			continue;
		if (ri >= t->header_rows)
			return fail(c, r, "more corner rows than column headers");
		ci = 0;
		for (k = r->children; k != NULL; k = k->next) {
			if (!is_el(c, k, "TablixCornerCell"))
				continue;
			if (ci >= t->header_cols)
				return fail(c, k, "more corner cells than row "
				    "headers");
			t->corner[ri * t->header_cols + ci] = cell_item(c,
			    child(c, k, "CellContents"), &span);
			if (c->e != NULL && c->e->code != RS_E_OK)
				return -1;
			ci++;
		}
		ri++;
	}
	return 0;
}

struct rdl_tablix *
tablix_parse(struct pctx *c, xmlNode *n)
{
	struct rdl_tablix *t = xcalloc(1, sizeof(*t));
	char		*ds;
	int		 leaves = 0;
	bool		 failed = false;

	ds = child_text(c, n, "DataSetName");
	t->dataset = ds != NULL ? rdl_dataset_find(c->r, str_trim(ds)) : -1;
	if (t->dataset < 0) {
		fail(c, n, "the Tablix names dataset \"%s\", which is not "
		    "defined", ds ? ds : "");
		free(ds);
		goto fail;
	}
	free(ds);
	if (body_parse(c, child(c, n, "TablixBody"), t) == -1 ||
	    members_parse(c, child(c, child(c, n, "TablixRowHierarchy"),
	    "TablixMembers"), &t->members, &t->nmembers, &leaves, 0) == -1)
		goto fail;
	if ((size_t)leaves != t->nrows) {
		fail(c, n, "the row hierarchy has %d leaf members for %zu rows",
		    leaves, t->nrows);
		goto fail;
	}
	if (columns_parse(c, child(c, n, "TablixColumnHierarchy"), t) == -1)
		goto fail;
	t->header_cols = header_depth(t->members, t->nmembers);
	if (corner_parse(c, child(c, n, "TablixCorner"), t) == -1)
		goto fail;
	t->page_break = break_parse(c, n);
	t->no_rows_message = child_prop(c, n, "NoRowsMessage", &failed);
	if (failed || sorts_parse(c, child(c, n, "SortExpressions"), &t->sorts,
	    &t->nsorts) == -1 || filters_parse(c, child(c, n, "Filters"),
	    &t->filters, &t->nfilters) == -1)
		goto fail;
	return t;
fail:
	tablix_free(t);
	return NULL;
}

void
member_fini(struct rdl_member *m)
{
	size_t		 i;

	if (m->group != NULL) {
		free(m->group->name);
		for (i = 0; i < m->group->nexprs; i++)
			prop_free(m->group->exprs[i]);
		free(m->group->exprs);
		filters_free(m->group->filters, m->group->nfilters);
		variables_free(m->group->vars, m->group->nvars);
		free(m->group->data_element_name);
		free(m->group);
	}
	sorts_free(m->sorts, m->nsorts);
	item_free(m->header);
	for (i = 0; i < m->nchildren; i++)
		member_fini(&m->children[i]);
	free(m->children);
	free(m->data_element_name);
	prop_free(m->hidden);
	prop_free(m->label);
}

void
tablix_free(struct rdl_tablix *t)
{
	size_t		 i, j;

	if (t == NULL)
		return;
	free(t->col_widths);
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < t->ncols; j++)
			item_free(t->rows[i].cells[j].item);
		free(t->rows[i].cells);
	}
	free(t->rows);
	for (i = 0; i < t->nmembers; i++)
		member_fini(&t->members[i]);
	free(t->members);
	for (i = 0; i < t->ncol_members; i++)
		member_fini(&t->col_members[i]);
	free(t->col_members);
	for (i = 0; t->corner != NULL && i < (size_t)(t->header_rows *
	    t->header_cols); i++)
		item_free(t->corner[i]);
	free(t->corner);
	sorts_free(t->sorts, t->nsorts);
	filters_free(t->filters, t->nfilters);
	prop_free(t->no_rows_message);
	free(t);
}
