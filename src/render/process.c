/*
 * process.c: report processing.  Walks the body; for each Tablix it keeps
 * (or streams) its dataset's rows, applies the data region's filters and
 * sorts, and walks the row hierarchy: a static member is one row, a group
 * splits its scope's rows into instances (by its group expressions, in
 * order of first appearance or of its sort expressions; the details group
 * makes one instance per row).  Each row's cells are evaluated in the
 * scope they belong to, so Sum() in a group footer sums that group's
 * rows.  The format sees: body items, scope begin/end (for the data
 * formats' nesting), rows in layout order, and page breaks.
 *
 * A plain detail table (no groups, sorts or aggregates, and a dataset no
 * other item uses) streams: each row is rendered as the query returns it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "render/render_int.h"

/*
 * The row of a scope instance with no rows (a matrix cell where a row
 * group and a column group do not meet): every field is Nothing, as SSRS
 * gives.  Zeroed values are Nothing; the array is never written.
 */
static const struct expr_value empty_row[DATA_COLUMNS_MAX + 64];

struct scope_frame *
push_frame(struct rctx *c, const char *name, struct expr_value **rows,
    size_t n)
{
	struct scope_frame *f;

	if (c->depth >= SCOPE_DEPTH_MAX) {
		rs_err_set(c->e, RS_E_LIMIT, "scopes nested too deeply");
		return NULL;
	}
	f = &c->stack[c->depth++];
	f->name = name;
	f->group = NULL;
	f->rows = rows;
	f->nrows = n;
	f->pos = 0;
	f->gen = ++c->gens;
	f->vars = NULL;
	f->vstate = NULL;
	f->nvars = 0;
	c->env.row = n > 0 ? rows[0] : empty_row;
	return f;
}

void
pop_frame(struct rctx *c)
{
	struct scope_frame *f = &c->stack[c->depth - 1];

	for (size_t i = 0; i < f->nvars; i++)
		expr_value_fini(&f->vars[i]);
	free(f->vars);
	free(f->vstate);
	f->vars = NULL;
	f->vstate = NULL;
	f->nvars = 0;
	c->depth--;
	c->env.row = c->depth == 0 ? NULL : c->stack[c->depth - 1].nrows > 0 ?
	    c->stack[c->depth - 1].rows[0] : empty_row;
}

static int
agg_over(struct rctx *c, const struct expr_node *n, struct expr_value **rows,
    size_t nrows, struct expr_value *out)
{
	struct expr_agg	 a;
	struct expr_value v;
	const struct expr_value *saved = c->env.row;
	int		 rv = 0;

	expr_agg_init(&a, n->aggfn);
	for (size_t i = 0; i < nrows && rv == 0; i++) {
		if (n->aggfn == EXPR_AGG_COUNTROWS) {
			a.count++;
			continue;
		}
		c->env.row = rows[i];
		if ((rv = expr_eval(n->args[0], &c->env, &v, c->e)) == 0) {
			rv = expr_agg_add(&a, &v, c->e);
			expr_value_fini(&v);
		}
	}
	c->env.row = saved;
	if (rv == 0)
		rv = expr_agg_result(&a, out, c->e);
	expr_agg_fini(&a);
	return rv;
}

static int
agg_cb(void *arg, const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct rctx	*c = arg;
	struct scope_frame *f = NULL;
	int		 ds;

	(void)env;
	switch (n->aggfn) {
	case EXPR_AGG_LOOKUP: case EXPR_AGG_LOOKUPSET: case EXPR_AGG_MULTILOOKUP:
		return lookup_eval(c, n, out);
	case EXPR_AGG_INSCOPE:
		out->type = EXPR_T_BOOL;
		out->u.b = scope_in(c, n->scope);
		return 0;
	case EXPR_AGG_LEVEL:
		/* Recursive hierarchies are refused: every group is flat. */
		out->type = EXPR_T_INT;
		out->u.i = 0;
		return 0;
	case EXPR_AGG_AGGREGATE:
		/* No server aggregates from SQLite or PostgreSQL: SSRS gives
		 * Nothing when the data provider has none. */
		out->type = EXPR_T_NULL;
		return 0;
	default:
		break;
	}
	if (n->scope == NULL)
		f = c->depth > 0 ? &c->stack[c->depth - 1] : NULL;
	else if (n->scope[0] == '\0')
		f = c->depth > 0 ? &c->stack[0] : NULL;
	else
		for (size_t i = c->depth; i > 0 && f == NULL; i--)
			if (strcmp(c->stack[i - 1].name, n->scope) == 0)
				f = &c->stack[i - 1];
	if (f == NULL && n->scope != NULL &&
	    (ds = rdl_dataset_find(c->r, n->scope)) >= 0) {
		/* A dataset named from outside its data region. */
		if (dataset_keep(c, ds) == -1)
			return -1;
		return agg_over(c, n, c->sets[ds].rows, c->sets[ds].nrows, out);
	}
	if (f == NULL && n->scope == NULL && c->r->ndatasets == 1) {
		if (dataset_keep(c, 0) == -1)
			return -1;
		return agg_over(c, n, c->sets[0].rows, c->sets[0].nrows, out);
	}
	if (f == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "%s: scope \"%s\" is not in "
		    "effect here", n->name, n->scope ? n->scope : "");
	if (n->aggfn == EXPR_AGG_RUNNINGVALUE || n->aggfn == EXPR_AGG_PREVIOUS)
		return running_value(c, n, n->scope == NULL &&
		    n->aggfn == EXPR_AGG_PREVIOUS ? &c->stack[0] : f, out);
	if (n->aggfn == EXPR_AGG_ROWNUMBER) {
		/* Outside a detail row (a header or total): the whole count. */
		out->type = EXPR_T_INT;
		out->u.i = c->in_detail ? f->pos : (int64_t)f->nrows;
		return 0;
	}
	if (n->nargs > 0 && expr_has_scoped_agg(n->args[0]))
		return agg_nested(c, n, (size_t)(f - c->stack), out);
	return agg_over(c, n, f->rows, f->nrows, out);
}

int
eval_prop(struct rctx *c, const struct rdl_expr *p, struct expr_value *v)
{
	v->type = EXPR_T_NULL;
	if (p == NULL)
		return 0;
	if (expr_eval(p->ast, &c->env, v, c->e) == -1) {
		rs_err_prefix(c->e, "line %d", p->line);
		return -1;
	}
	return 0;
}

void
rcell_fini(struct rcell *cell)
{
	for (size_t i = 0; i < cell->nsub; i++)
		rcell_fini(&cell->sub[i]);
	free(cell->sub);
	if (cell->chart != NULL)
		gfx_chart_free(cell->chart);
	expr_value_fini(&cell->value);
	free(cell->text);
	memset(cell, 0, offsetof(struct rcell, st));
}

/* The text of one run: its value formatted with its Format, in the
 * culture of the nearest Language (run, paragraph, textbox, report). */
static int
run_text(struct rctx *c, const struct rdl_item *it,
    const struct rdl_paragraph *para, const struct rdl_run *run,
    struct expr_value *v, struct buf *out)
{
	struct expr_value fmt = { .type = EXPR_T_NULL };
	struct buf	 f;
	const struct rdl_expr *fp = run->style.format ? run->style.format :
	    it->style.format;
	const struct rdl_expr *lp = run->style.language ? run->style.language :
	    para->style.language ? para->style.language : it->style.language;
	const struct expr_culture *cu = c->culture;
	int		 rv;

	/* On failure nothing is left to free: not v, not the Format. */
	memset(v, 0, sizeof(*v));
	v->type = EXPR_T_NULL;
	if (eval_prop(c, run->value, v) == -1 || eval_prop(c, fp, &fmt) == -1 ||
	    (lp != NULL && culture_of_prop(c, lp, &cu) == -1)) {
		expr_value_fini(&fmt);
		expr_value_fini(v);
		return -1;
	}
	buf_init(&f, 256);
	expr_value_text(&fmt, &f, NULL);
	rv = expr_format_culture(v, f.data, cu, out, c->e);
	buf_fini(&f);
	expr_value_fini(&fmt);
	if (rv == -1)
		expr_value_fini(v);
	return rv;
}

static bool
dup_hidden(struct rctx *c, const struct rdl_item *it, const char *text)
{
	size_t		 i;

	for (i = 0; i < c->ndup; i++)
		if (c->dup_items[i] == it)
			break;
	if (i == c->ndup) {
		c->dup_items = xreallocarray(c->dup_items, c->ndup + 1,
		    sizeof(*c->dup_items));
		c->dup_text = xreallocarray(c->dup_text, c->ndup + 1,
		    sizeof(*c->dup_text));
		c->dup_items[i] = it;
		c->dup_text[i] = NULL;
		c->ndup++;
	}
	if (c->dup_text[i] != NULL && strcmp(c->dup_text[i], text) == 0)
		return true;
	free(c->dup_text[i]);
	c->dup_text[i] = xstrdup(text);
	return false;
}

static void
dup_reset(struct rctx *c, const char *scope)
{
	for (size_t i = 0; i < c->ndup; i++)
		if (strcmp(c->dup_items[i]->hide_duplicates, scope) == 0) {
			free(c->dup_text[i]);
			c->dup_text[i] = NULL;
		}
}

int
textbox_value(struct rctx *c, const struct rdl_item *it, struct rcell *cell)
{
	struct buf	 t;
	struct expr_value v;
	size_t		 p, r, nruns = 0;

	buf_init(&t, EXPR_STRING_MAX);
	for (p = 0; p < it->nparas; p++)
		nruns += it->paras[p].nruns;
	for (p = 0; p < it->nparas; p++) {
		if (p > 0)
			buf_puts(&t, "\n", NULL);
		for (r = 0; r < it->paras[p].nruns; r++) {
			if (run_text(c, it, &it->paras[p], &it->paras[p].runs[r],
			    &v, &t) == -1) {
				rs_err_prefix(c->e, "textbox %s", it->name);
				buf_fini(&t);
				return -1;
			}
			if (nruns == 1 && v.type == EXPR_T_STRING && v.borrowed)
				expr_value_str(&cell->value, v.u.s);
			else if (nruns == 1)
				cell->value = v;
			else
				expr_value_fini(&v);
		}
	}
	cell->text = t.data != NULL ? buf_take(&t, NULL) : xstrdup("");
	if (nruns != 1)
		expr_value_str(&cell->value, cell->text);
	return 0;
}

int
eval_text(struct rctx *c, const struct rdl_item *it, struct rcell *cell)
{
	struct expr_value h;

	/* The style part is large and only the layout formats use it. */
	memset(cell, 0, c->ops->styles ? sizeof(*cell) :
	    offsetof(struct rcell, st));
	cell->item = it;
	cell->colspan = 1;
	if (it == NULL) {
		cell->text = xstrdup("");
		return 0;
	}
	if (it->kind == RDL_RECTANGLE && it->nitems > 0) {
		struct buf t;

		buf_init(&t, EXPR_STRING_MAX);
		cell->sub = xcalloc(it->nitems, sizeof(*cell->sub));
		for (size_t i = 0; i < it->nitems; i++, cell->nsub++) {
			if (eval_text(c, it->items[i], &cell->sub[i]) == -1)
				return -1;
			if (i > 0 && cell->sub[i].text[0] != '\0')
				buf_puts(&t, " ", NULL);
			buf_puts(&t, cell->sub[i].text, NULL);
		}
		cell->text = t.data ? buf_take(&t, NULL) : xstrdup("");
	} else if (it->kind == RDL_TEXTBOX) {
		if (textbox_value(c, it, cell) == -1)
			return -1;
	} else {
		cell->text = xstrdup("");
		if (it->kind == RDL_CHART && c->ops->chart != NULL &&
		    (cell->chart = chart_in_cell(c, it)) == NULL)
			return -1;
		if (it->kind == RDL_GAUGE && c->ops->chart != NULL &&
		    (cell->chart = gauge_in_cell(c, it)) == NULL)
			return -1;
	}
	if (eval_prop(c, it->hidden, &h) == -1)
		return -1;
	cell->hidden = expr_value_truthy(&h);
	expr_value_fini(&h);
	cell->is_data = it->kind == RDL_TEXTBOX && (it->deo == RDL_DEO_OUTPUT ||
	    (it->deo == RDL_DEO_AUTO && !it->constant &&
	    !(cell->hidden && (it->hidden == NULL || !it->hidden->is_expr))));
	if (it->hide_duplicates != NULL && it->kind == RDL_TEXTBOX &&
	    dup_hidden(c, it, cell->text))
		cell->hidden = true;
	if (c->ops->styles && style_resolve(c, it, &cell->st) == -1)
		return -1;
	return 0;
}

int
eval_band_item(struct rctx *c, const struct rdl_item *it, struct rcell *cell)
{
	int		 rv;

	c->in_band = true;
	rv = eval_text(c, it, cell);
	c->in_band = false;
	return rv;
}

struct twalk {
	const struct rdl_item	*item;
	const struct rdl_tablix	*t;
	int			 ds;
	size_t			 instances;	/* for page breaks */
	struct matrix		*m;		/* column groups, or NULL */
};

static int	walk_level(struct rctx *, struct twalk *,
		    const struct rdl_member *, size_t, int, enum scope_kind,
		    const char *, struct rcell *);

void
rrow_copy(struct rrow *dst, const struct rrow *r)
{
	*dst = *r;
	dst->cells = xcalloc(r->ncells + 1, sizeof(*dst->cells));
	for (size_t i = 0; i < r->ncells; i++) {
		dst->cells[i].item = r->cells[i].item;
		dst->cells[i].text = xstrdup(r->cells[i].text ? r->cells[i].text :
		    "");
		dst->cells[i].colspan = r->cells[i].colspan;
		dst->cells[i].width = r->cells[i].width;
		dst->cells[i].st = r->cells[i].st;
		dst->cells[i].hidden = r->cells[i].hidden;
		dst->cells[i].is_data = r->cells[i].is_data;
		expr_value_copy(&dst->cells[i].value, &r->cells[i].value);
	}
}

void
rrow_fini(struct rrow *r)
{
	for (size_t i = 0; i < r->ncells; i++)
		rcell_fini(&r->cells[i]);
	free(r->cells);
	r->cells = NULL;
	r->ncells = 0;
}

static int
eval_row(struct rctx *c, struct twalk *w, int ri, enum rrow_kind kind,
    struct rrow *out)
{
	const struct rdl_tablix *t = w->t;
	const struct rdl_row *row = &t->rows[ri];
	size_t		 hc = (size_t)t->header_cols, j, k;
	struct rcell	*cell;

	memset(out, 0, sizeof(*out));
	out->tablix = w->item;
	out->kind = kind;
	out->height = row->height;
	out->ncells = hc + (w->m != NULL ? w->m->ncols : t->ncols);
	out->cells = xcalloc(out->ncells + 1, sizeof(*out->cells));
	for (j = 0; j < hc; j++)
		eval_text(c, NULL, &out->cells[j]);
	c->in_detail = kind == RROW_DETAIL;
	if (w->m != NULL) {
		int rv = matrix_cells(c, w->item, w->m, ri, out->cells + hc);
		c->in_detail = false;
		return rv;
	}
	for (j = 0; j < t->ncols; j++) {
		cell = &out->cells[hc + j];
		if (eval_text(c, row->cells[j].item, cell) == -1) {
			c->in_detail = false;
			return -1;
		}
		cell->colspan = row->cells[j].colspan;
		cell->width = 0;
		for (k = j; k < j + (size_t)cell->colspan && k < t->ncols; k++)
			cell->width += t->col_widths[k];
	}
	c->in_detail = false;
	/* Cells covered by a ColSpan to their left take no room. */
	for (j = 0; j < t->ncols; j++)
		for (k = 1; k < (size_t)row->cells[j].colspan; k++)
			out->cells[hc + j + k].colspan = 0;
	return 0;
}

/* Visibility/Hidden of a member or item, in the current scope. */
static int
is_hidden(struct rctx *c, const struct rdl_expr *hidden, bool *out)
{
	struct expr_value v;

	*out = false;
	if (hidden == NULL)
		return 0;
	if (eval_prop(c, hidden, &v) == -1)
		return -1;
	*out = expr_value_truthy(&v);
	expr_value_fini(&v);
	return 0;
}

/* Row headers are shown on the first row emitted after they were set. */
static int
emit_row(struct rctx *c, struct twalk *w, struct rrow *r)
{
	if (c->hide_depth > 0)
		return 0;	/* a hidden member's rows take no room */
	for (int h = 0; h < c->npending && h < (int)r->ncells; h++) {
		if (c->pending_hdr[h].text == NULL)
			continue;
		rcell_fini(&r->cells[h]);
		r->cells[h] = c->pending_hdr[h];
		memset(&c->pending_hdr[h], 0, sizeof(c->pending_hdr[h]));
	}
	if (c->ops->row(c, r) == -1)
		return -1;
	return w->m != NULL ? matrix_data(c, w->m, r,
	    (size_t)w->t->header_cols) : 0;
}

static int
set_header(struct rctx *c, const struct rdl_item *it, int level)
{
	if (it == NULL || level >= c->npending)
		return 0;
	rcell_fini(&c->pending_hdr[level]);
	return eval_text(c, it, &c->pending_hdr[level]);
}

static void
add_data(struct rcell *cell, struct rcell ***data, size_t *n)
{
	if (cell->nsub > 0) {
		for (size_t i = 0; i < cell->nsub; i++)
			add_data(&cell->sub[i], data, n);
		return;
	}
	if (!cell->is_data)
		return;
	*data = xreallocarray(*data, *n + 1, sizeof(**data));
	(*data)[(*n)++] = cell;
}

static bool
has_dynamic(const struct rdl_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].group != NULL || has_dynamic(m[i].children,
		    m[i].nchildren))
			return true;
	return false;
}

/* Evaluates the static rows of one scope level, in order. */
static int
collect_statics(struct rctx *c, struct twalk *w, const struct rdl_member *m,
    size_t n, struct rrow **rows, size_t *nrows)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].group != NULL)
			continue;
		if (m[i].nchildren > 0) {
			if (collect_statics(c, w, m[i].children, m[i].nchildren,
			    rows, nrows) == -1)
				return -1;
			continue;
		}
		*rows = xreallocarray(*rows, *nrows + 1, sizeof(**rows));
		if (eval_row(c, w, m[i].row, RROW_STATIC, &(*rows)[*nrows]) == -1) {
			(*nrows)++;
			return -1;
		}
		(*nrows)++;
	}
	return 0;
}

static int	process_group(struct rctx *, struct twalk *,
		    const struct rdl_member *, int);

static int
emit_members(struct rctx *c, struct twalk *w, const struct rdl_member *m,
    size_t n, int hlevel, struct rrow *statics, size_t *k, bool top)
{
	bool		 before_dynamic = top, hidden;
	int		 rv;

	for (size_t i = 0; i < n; i++) {
		if (m[i].group != NULL) {
			before_dynamic = false;
			if (process_group(c, w, &m[i], hlevel) == -1)
				return -1;
			continue;
		}
		if (set_header(c, m[i].header, hlevel) == -1 ||
		    is_hidden(c, m[i].hidden, &hidden) == -1)
			return -1;
		c->hide_depth += hidden;
		if (m[i].nchildren > 0)
			rv = emit_members(c, w, m[i].children, m[i].nchildren,
			    hlevel + (m[i].header != NULL), statics, k, false);
		else {
			statics[*k].repeat = before_dynamic &&
			    m[i].repeat_on_new_page;
			statics[*k].keep_next = m[i].keep_with_next;
			rv = emit_row(c, w, &statics[(*k)++]);
		}
		c->hide_depth -= hidden;
		if (rv == -1)
			return -1;
	}
	return 0;
}

static int
walk_level(struct rctx *c, struct twalk *w, const struct rdl_member *m,
    size_t n, int hlevel, enum scope_kind kind, const char *name,
    struct rcell *extra)
{
	struct rrow	*statics = NULL;
	size_t		 nstatics = 0, k = 0, i;
	struct scope_info si = { .kind = kind, .name = name };
	int		 rv = -1;

	if (extra != NULL)
		add_data(extra, &si.data, &si.ndata);
	if (collect_statics(c, w, m, n, &statics, &nstatics) == -1)
		goto out;
	/* In a matrix the body cells belong to the column instances. */
	for (i = 0; i < nstatics; i++)
		for (size_t j = 0; j < (w->m != NULL ? (size_t)w->t->header_cols :
		    statics[i].ncells); j++)
			add_data(&statics[i].cells[j], &si.data, &si.ndata);
	si.leaf = !has_dynamic(m, n) && w->m == NULL;
	if (c->ops->scope_begin(c, &si) == -1 ||
	    emit_members(c, w, m, n, hlevel, statics, &k,
	    kind == SCOPE_TABLIX) == -1 || c->ops->scope_end(c, &si) == -1)
		goto out;
	rv = 0;
out:
	for (i = 0; i < nstatics; i++)
		rrow_fini(&statics[i]);
	free(statics);
	free(si.data);
	return rv;
}

static int
instance(struct rctx *c, struct twalk *w, const struct rdl_member *m,
    int hlevel)
{
	const struct rdl_group *g = m->group;
	const char	*name = g->data_element_name ? g->data_element_name :
	    g->name;
	struct rrow	 row;
	struct scope_info si = { .kind = SCOPE_INSTANCE, .name = name };
	int		 rv = -1;

	if (set_header(c, m->header, hlevel) == -1)
		return -1;
	if (m->nchildren > 0)
		return walk_level(c, w, m->children, m->nchildren,
		    hlevel + (m->header != NULL), SCOPE_INSTANCE, name,
		    m->header != NULL ? &c->pending_hdr[hlevel] : NULL);
	if (eval_row(c, w, m->row, g->nexprs == 0 ? RROW_DETAIL : RROW_STATIC,
	    &row) == -1)
		goto out;
	if (m->header != NULL)
		add_data(&c->pending_hdr[hlevel], &si.data, &si.ndata);
	for (size_t j = 0; j < (w->m != NULL ? (size_t)w->t->header_cols :
	    row.ncells); j++)
		add_data(&row.cells[j], &si.data, &si.ndata);
	si.leaf = w->m == NULL;
	if (c->ops->scope_begin(c, &si) == -1 || emit_row(c, w, &row) == -1 ||
	    c->ops->scope_end(c, &si) == -1)
		goto out;
	rv = 0;
out:
	rrow_fini(&row);
	free(si.data);
	return rv;
}

/* Enters one instance of a group: its frame, page break, duplicates. */
static int
enter_instance(struct rctx *c, struct twalk *w, const struct rdl_member *m,
    struct expr_value **rows, size_t n, int hlevel)
{
	const struct rdl_group *g = m->group;
	bool		 pass = true, hidden;
	int		 rv;

	if (push_frame(c, g->name, rows, n) == NULL)
		return -1;
	c->stack[c->depth - 1].group = g;
	if (filters_pass(c, g->filters, g->nfilters, &pass) == -1) {
		pop_frame(c);
		return -1;
	}
	if (!pass) {
		pop_frame(c);
		return 0;
	}
	if (g->nexprs == 0)
		for (size_t i = 0; i < c->depth; i++)
			c->stack[i].pos++;
	if (w->instances++ > 0 && g->page_break != RDL_BREAK_NONE &&
	    g->page_break != RDL_BREAK_END && c->ops->page_break(c) == -1) {
		pop_frame(c);
		return -1;
	}
	dup_reset(c, g->name);
	if (is_hidden(c, m->hidden, &hidden) == -1) {
		pop_frame(c);
		return -1;
	}
	c->hide_depth += hidden;
	rv = instance(c, w, m, hlevel);
	c->hide_depth -= hidden;
	pop_frame(c);
	return rv;
}

struct streamarg {
	struct twalk		*w;
	const struct rdl_member	*m;
	int			 hlevel;
};

static int
stream_row(struct rctx *c, struct expr_value *row, void *arg)
{
	struct streamarg *sa = arg;
	struct expr_value *rows[1] = { row };

	return enter_instance(c, sa->w, sa->m, rows, 1, sa->hlevel);
}

static int
process_group(struct rctx *c, struct twalk *w, const struct rdl_member *m,
    int hlevel)
{
	struct scope_frame *f = &c->stack[c->depth - 1];
	const struct rdl_group *g = m->group;
	struct scope_info si = { .kind = SCOPE_COLLECTION };
	struct expr_value **rows = NULL;
	struct skey	*inst = NULL;
	bool		*keep = NULL;
	size_t		 ni = 0, i;
	char		 cname[300];
	int		 rv = -1;

	snprintf(cname, sizeof(cname), "%s_Collection", g->name);
	si.name = m->data_element_name ? m->data_element_name : cname;
	if (c->ops->scope_begin(c, &si) == -1)
		return -1;
	if (c->streaming) {
		struct streamarg sa = { w, m, hlevel };
		rv = dataset_run(c, w->ds, stream_row, &sa);
		goto end;
	}
	rows = xcalloc(f->nrows + 1, sizeof(*rows));
	memcpy(rows, f->rows, f->nrows * sizeof(*rows));
	if (g->nexprs == 0) {
		size_t	 nd = f->nrows;

		if (sort_rows(c, rows, nd, m->sorts, m->nsorts) == -1 ||
		    filters_rank_rows(c, g->filters, g->nfilters, rows, &nd) == -1)
			goto out;
		for (i = 0; i < nd; i++)
			if (enter_instance(c, w, m, rows + i, 1, hlevel) == -1)
				goto out;
		goto end;
	}
	inst = group_rows(c, m, rows, f->nrows, &ni);
	if (inst == NULL || (m->nsorts > 0 &&
	    sort_instances(c, m, rows, inst, ni) == -1))
		goto out;
	keep = xcalloc(ni + 1, sizeof(*keep));
	if (filters_rank_groups(c, g, rows, inst, ni, keep) == -1)
		goto out;
	for (i = 0; i < ni; i++)
		if (keep[i] && enter_instance(c, w, m, rows + inst[i].start,
		    inst[i].n, hlevel) == -1)
			goto out;
end:
	if (rv == -1 && c->streaming)
		goto out;
	rv = c->ops->scope_end(c, &si);
out:
	if (inst != NULL)
		skeys_free(inst, ni, m->nsorts);
	free(keep);
	free(rows);
	return rv;
}

static int
no_rows(struct rctx *c, struct twalk *w)
{
	struct rrow	 row = { .tablix = w->item, .kind = RROW_MESSAGE };
	struct expr_value v;
	struct buf	 b;
	int		 rv;

	if (eval_prop(c, w->t->no_rows_message, &v) == -1)
		return -1;
	buf_init(&b, 0);
	expr_value_text(&v, &b, NULL);
	expr_value_fini(&v);
	row.ncells = 1;
	row.height = 18;
	row.cells = xcalloc(1, sizeof(*row.cells));
	row.cells[0].text = b.data ? buf_take(&b, NULL) : xstrdup("");
	row.cells[0].colspan = (int)(w->t->ncols + (size_t)w->t->header_cols);
	for (size_t i = 0; i < w->t->ncols; i++)
		row.cells[0].width += w->t->col_widths[i];
	rv = c->ops->row(c, &row);
	rrow_fini(&row);
	return rv;
}

static int
tablix_rows(struct rctx *c, struct twalk *w, const char *name)
{
	const struct rdl_tablix *t = w->t;
	struct rowset	*rs = &c->sets[w->ds];
	struct expr_value **rows;
	size_t		 n = 0;
	bool		 pass;
	int		 rv = -1;

	if (dataset_keep(c, w->ds) == -1)
		return -1;
	rows = xcalloc(rs->nrows + 1, sizeof(*rows));
	for (size_t i = 0; i < rs->nrows; i++) {
		c->env.row = rs->rows[i];
		if (filters_pass(c, t->filters, t->nfilters, &pass) == -1)
			goto out;
		if (pass)
			rows[n++] = rs->rows[i];
	}
	if (filters_rank_rows(c, t->filters, t->nfilters, rows, &n) == -1)
		goto out;
	if (sort_rows(c, rows, n, t->sorts, t->nsorts) == -1 ||
	    push_frame(c, c->r->datasets[w->ds].name, rs->rows,
	    rs->nrows) == NULL)
		goto out;
	if (push_frame(c, w->item->name, rows, n) == NULL) {
		pop_frame(c);
		goto out;
	}
	if (n == 0 && t->no_rows_message != NULL)
		rv = no_rows(c, w);
	else if (t->matrix) {
		struct matrix mx;

		rv = matrix_build(c, w->item, rows, n, &mx);
		w->m = &mx;
		if (rv == 0)
			rv = matrix_headers(c, w->item, &mx);
		if (rv == 0)
			rv = walk_level(c, w, t->members, t->nmembers, 0,
			    SCOPE_TABLIX, name, NULL);
		w->m = NULL;
		matrix_free(&mx);
	} else
		rv = walk_level(c, w, t->members, t->nmembers, 0, SCOPE_TABLIX,
		    name, NULL);
	pop_frame(c);
	pop_frame(c);
out:
	free(rows);
	return rv;
}

static int
process_tablix(struct rctx *c, const struct rdl_item *item, double y,
    double *height)
{
	struct twalk	 w = { .item = item, .t = item->tablix,
	    .ds = item->tablix->dataset };
	const char	*name = item->data_element_name ?
	    item->data_element_name : item->name;
	int		 rv = -1;

	*height = item->height;
	c->npending = w.t->header_cols;
	c->pending_hdr = xcalloc((size_t)c->npending + 1,
	    sizeof(*c->pending_hdr));
	if (c->ops->tablix_begin(c, item, y) == -1)
		goto out;
	if (can_stream(c, item)) {
		c->streaming = true;
		c->env.nfields = c->r->datasets[w.ds].nfields;
		if (push_frame(c, c->r->datasets[w.ds].name, NULL, 0) == NULL ||
		    push_frame(c, item->name, NULL, 0) == NULL)
			goto out;
		rv = walk_level(c, &w, w.t->members, w.t->nmembers, 0,
		    SCOPE_TABLIX, name, NULL);
		pop_frame(c);
		pop_frame(c);
		c->streaming = false;
	} else {
		c->env.nfields = c->r->datasets[w.ds].nfields;
		rv = tablix_rows(c, &w, name);
	}
	if (rv == 0)
		rv = c->ops->tablix_end(c, item, height);
out:
	c->streaming = false;
	for (int i = 0; i < c->npending; i++)
		rcell_fini(&c->pending_hdr[i]);
	free(c->pending_hdr);
	c->pending_hdr = NULL;
	c->npending = 0;
	return rv;
}

/* A body textbox: Fields!X outside a region means the only dataset. */
static int
body_textbox(struct rctx *c, const struct rdl_item *it, double y)
{
	struct rcell	 cell;
	bool		 framed = false;
	int		 rv;

	if (item_uses(it, true) && c->r->ndatasets == 1 && c->depth == 0) {
		if (dataset_keep(c, 0) == -1)
			return -1;
		c->env.nfields = c->r->datasets[0].nfields;
		if (push_frame(c, c->r->datasets[0].name, c->sets[0].rows,
		    c->sets[0].nrows) == NULL)
			return -1;
		framed = true;
	}
	rv = eval_text(c, it, &cell);
	if (framed)
		pop_frame(c);
	if (rv == 0)
		rv = c->ops->body_item(c, it, &cell, y);
	rcell_fini(&cell);
	return rv;
}

/* pass 0: everything by position; 1: all but regions; 2: regions only. */
static int
process_items(struct rctx *c, struct rdl_item *const *items, size_t n,
    double dy, int pass)
{
	double		 shift = 0, h, y;
	bool		 hidden;

	for (size_t i = 0; i < n; i++) {
		const struct rdl_item *it = items[i];

		y = dy + it->top + shift;
		switch (it->kind) {
		case RDL_TEXTBOX:
			if (pass != 2 && body_textbox(c, it, y) == -1)
				return -1;
			break;
		case RDL_TABLIX:
			if (pass == 1)
				break;
			if (is_hidden(c, it->hidden, &hidden) == -1)
				return -1;
			if (hidden) {
				shift -= it->height;	/* takes no room */
				if (c->ops->hidden_item != NULL &&
				    c->ops->hidden_item(c, it) == -1)
					return -1;
				break;
			}
			if (process_tablix(c, it, y, &h) == -1)
				return -1;
			shift += h - it->height;
			break;
		case RDL_CHART:
		case RDL_GAUGE:
		case RDL_MAP:
			if (pass == 1)
				break;
			if (is_hidden(c, it->hidden, &hidden) == -1)
				return -1;
			if (hidden) {
				shift -= it->height;
				if (c->ops->hidden_item != NULL &&
				    c->ops->hidden_item(c, it) == -1)
					return -1;
				break;
			}
			if ((it->kind == RDL_GAUGE ? process_gauge(c, it, y) :
			    it->kind == RDL_MAP ? process_map(c, it, y) :
			    process_chart(c, it, y)) == -1)
				return -1;
			break;
		case RDL_RECTANGLE:
			if (pass != 2 && c->ops->body_item(c, it, NULL, y) == -1)
				return -1;
			if (process_items(c, it->items, it->nitems, y, pass) == -1)
				return -1;
			if (pass != 2 && c->ops->item_end != NULL &&
			    c->ops->item_end(c, it) == -1)
				return -1;
			break;
		default:
			if (pass != 2 && c->ops->body_item(c, it, NULL, y) == -1)
				return -1;
			break;
		}
	}
	return 0;
}

int
process_report(struct rctx *c)
{
	c->env.agg = agg_cb;
	c->env.agg_arg = c;
	if (!c->ops->items_first)
		return process_items(c, c->r->body, c->r->nbody, 0, 0);
	if (process_items(c, c->r->body, c->r->nbody, 0, 1) == -1)
		return -1;
	return process_items(c, c->r->body, c->r->nbody, 0, 2);
}
