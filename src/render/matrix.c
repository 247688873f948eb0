/*
 * matrix.c: column groups (a Tablix as a matrix).  The column hierarchy
 * is walked once over the data region's rows: each group splits them into
 * instances (ordered like row groups), each leaf becomes a column
 * instance with its rows, and each TablixHeader a header cell spanning
 * the columns below it.  The header rows go out first, under the corner;
 * then every body cell is evaluated in the intersection of its row's
 * scope and its column's.  For the data formats each row carries a
 * collection of column instances, so columns nest inside rows as SSRS
 * writes them to CSV and XML.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "render/render_int.h"

static int
cmp_ptr(const void *a, const void *b)
{
	const void	*x = *(void *const *)a, *y = *(void *const *)b;

	return (x > y) - (x < y);
}

static void
copy_cell(struct rcell *dst, const struct rcell *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->item = src->item;
	dst->text = xstrdup(src->text ? src->text : "");
	dst->colspan = src->colspan;
	dst->width = src->width;
	dst->st = src->st;
	dst->hidden = src->hidden;
	dst->is_data = src->is_data;
	expr_value_copy(&dst->value, &src->value);
}

struct walk {
	struct matrix		*m;
	const struct rdl_tablix	*t;
	size_t			 path[RDL_MAX_DEPTH + 1];	/* header indexes */
	size_t			 npath;
};

static int	walk_members(struct rctx *, struct walk *,
		    const struct rdl_member *, size_t, struct expr_value **,
		    size_t, int, const char *);

static size_t
add_header(struct rctx *c, struct walk *w, const struct rdl_member *mb,
    int level, int *rv)
{
	struct matrix	*m = w->m;
	struct colhdr	*h;

	m->hdrs = xreallocarray(m->hdrs, m->nhdrs + 1, sizeof(*m->hdrs));
	h = &m->hdrs[m->nhdrs];
	memset(h, 0, sizeof(*h));
	h->level = level;
	h->first = m->ncols;
	h->height = mb->header_size > 0 ? mb->header_size : 18;
	*rv = eval_text(c, mb->header, &h->cell);
	return m->nhdrs++;
}

static void
add_column(struct walk *w, const struct rdl_member *mb,
    struct expr_value **rows, size_t n, const char *group)
{
	struct matrix	*m = w->m;
	struct colinst	*ci;

	m->cols = xreallocarray(m->cols, m->ncols + 1, sizeof(*m->cols));
	ci = &m->cols[m->ncols++];
	memset(ci, 0, sizeof(*ci));
	ci->leaf = mb->row;
	ci->rows = xcalloc(n + 1, sizeof(*ci->rows));
	memcpy(ci->rows, rows, n * sizeof(*rows));
	ci->n = n;
	qsort(ci->rows, n, sizeof(*ci->rows), cmp_ptr);
	ci->scope = group;
	ci->width = w->t->col_widths[mb->row];
	ci->hdr = xcalloc(w->npath + 1, sizeof(*ci->hdr));
	for (size_t i = 0; i < w->npath; i++)
		copy_cell(&ci->hdr[ci->nhdr++], &m->hdrs[w->path[i]].cell);
}

/* One member (static, or one instance of a group) and what is below it. */
static int
walk_one(struct rctx *c, struct walk *w, const struct rdl_member *mb,
    struct expr_value **rows, size_t n, int level, const char *group)
{
	size_t		 hi = 0;
	int		 rv = 0;
	bool		 hdr = mb->header != NULL;

	if (hdr) {
		hi = add_header(c, w, mb, level, &rv);
		if (rv == -1 || w->npath >= RDL_MAX_DEPTH)
			return -1;
		w->path[w->npath++] = hi;
	}
	if (mb->nchildren > 0)
		rv = walk_members(c, w, mb->children, mb->nchildren, rows, n,
		    level + hdr, group);
	else
		add_column(w, mb, rows, n, group);
	if (hdr) {
		w->npath--;
		w->m->hdrs[hi].count = w->m->ncols - w->m->hdrs[hi].first;
	}
	return rv;
}

static int
walk_group(struct rctx *c, struct walk *w, const struct rdl_member *mb,
    struct expr_value **rows, size_t n, int level)
{
	struct expr_value **tmp = xcalloc(n + 1, sizeof(*tmp));
	struct skey	*inst;
	size_t		 ni = 0;
	int		 rv = -1;

	memcpy(tmp, rows, n * sizeof(*rows));
	inst = group_rows(c, mb, tmp, n, &ni);
	if (inst == NULL || (mb->nsorts > 0 &&
	    sort_instances(c, mb, tmp, inst, ni) == -1))
		goto out;
	rv = 0;
	for (size_t i = 0; i < ni && rv == 0; i++) {
		if (push_frame(c, mb->group->name, tmp + inst[i].start,
		    inst[i].n) == NULL) {
			rv = -1;
			break;
		}
		c->stack[c->depth - 1].group = mb->group;
		rv = walk_one(c, w, mb, tmp + inst[i].start, inst[i].n, level,
		    mb->group->name);
		pop_frame(c);
	}
out:
	if (inst != NULL)
		skeys_free(inst, ni, mb->nsorts);
	free(tmp);
	return rv;
}

static int
walk_members(struct rctx *c, struct walk *w, const struct rdl_member *mb,
    size_t nm, struct expr_value **rows, size_t n, int level,
    const char *group)
{
	for (size_t i = 0; i < nm; i++) {
		int rv = mb[i].group != NULL ? walk_group(c, w, &mb[i], rows, n,
		    level) : walk_one(c, w, &mb[i], rows, n, level, group);
		if (rv == -1)
			return -1;
	}
	return 0;
}

int
matrix_build(struct rctx *c, const struct rdl_item *item,
    struct expr_value **rows, size_t n, struct matrix *m)
{
	struct walk	 w = { .m = m, .t = item->tablix };

	memset(m, 0, sizeof(*m));
	return walk_members(c, &w, item->tablix->col_members,
	    item->tablix->ncol_members, rows, n, 0, NULL);
}

/* The column-header rows, under the corner, before the body. */
int
matrix_headers(struct rctx *c, const struct rdl_item *item, struct matrix *m)
{
	const struct rdl_tablix *t = item->tablix;
	size_t		 hc = (size_t)t->header_cols, i;
	struct rrow	 r;
	int		 rv = 0;

	for (int lv = 0; lv < t->header_rows && rv == 0; lv++) {
		memset(&r, 0, sizeof(r));
		r.tablix = item;
		r.kind = RROW_STATIC;
		r.height = 0;
		r.ncells = hc + m->ncols;
		r.cells = xcalloc(r.ncells + 1, sizeof(*r.cells));
		for (i = 0; i < hc && rv == 0; i++)
			rv = eval_text(c, t->corner != NULL ?
			    t->corner[lv * t->header_cols + (int)i] : NULL,
			    &r.cells[i]);
		for (i = 0; i < m->ncols && rv == 0; i++) {
			rv = eval_text(c, NULL, &r.cells[hc + i]);
			r.cells[hc + i].width = m->cols[i].width;
		}
		for (i = 0; i < m->nhdrs; i++) {
			const struct colhdr *h = &m->hdrs[i];
			if (h->level != lv || h->count == 0)
				continue;
			rcell_fini(&r.cells[hc + h->first]);
			copy_cell(&r.cells[hc + h->first], &h->cell);
			r.cells[hc + h->first].colspan = (int)h->count;
			r.cells[hc + h->first].width = 0;
			for (size_t k = 0; k < h->count; k++) {
				r.cells[hc + h->first].width +=
				    m->cols[h->first + k].width;
				if (k > 0)
					r.cells[hc + h->first + k].colspan = 0;
			}
			if (h->height > r.height)
				r.height = h->height;
		}
		if (r.height == 0)
			r.height = 18;
		r.repeat = true;	/* column headers on every page */
		if (rv == 0)
			rv = c->ops->row(c, &r);
		rrow_fini(&r);
	}
	return rv;
}

/* The rows of the current scope that are also in column ci. */
static size_t
intersect(struct rctx *c, const struct colinst *ci, struct expr_value ***out)
{
	const struct scope_frame *f = &c->stack[c->depth - 1];
	size_t		 k = 0;

	*out = xcalloc(f->nrows + 1, sizeof(**out));
	for (size_t i = 0; i < f->nrows; i++)
		if (bsearch(&f->rows[i], ci->rows, ci->n, sizeof(*ci->rows),
		    cmp_ptr) != NULL)
			(*out)[k++] = f->rows[i];
	return k;
}

/* The body cells of row ri, one per column instance. */
int
matrix_cells(struct rctx *c, const struct rdl_item *item, struct matrix *m,
    int ri, struct rcell *cells)
{
	const struct rdl_tablix *t = item->tablix;
	struct expr_value **rows;
	size_t		 n;
	int		 rv = 0;

	for (size_t i = 0; i < m->ncols && rv == 0; i++) {
		const struct colinst *ci = &m->cols[i];

		n = intersect(c, ci, &rows);
		if (push_frame(c, ci->scope ? ci->scope : item->name, rows,
		    n) == NULL)
			rv = -1;
		else {
			rv = eval_text(c, t->rows[ri].cells[ci->leaf].item,
			    &cells[i]);
			pop_frame(c);
		}
		cells[i].width = ci->width;
		free(rows);
	}
	return rv;
}

/* For CSV and XML: the row's column instances, nested inside it. */
int
matrix_data(struct rctx *c, const struct matrix *m, const struct rrow *r,
    size_t hc)
{
	struct scope_info coll = { .kind = SCOPE_COLLECTION };
	struct scope_info si = { .kind = SCOPE_INSTANCE, .leaf = true };
	const char	*name = m->ncols > 0 && m->cols[0].scope ?
	    m->cols[0].scope : "Column";
	char		 cname[300];
	struct rcell	**data;
	int		 rv = 0;

	snprintf(cname, sizeof(cname), "%s_Collection", name);
	coll.name = cname;
	if (c->ops->scope_begin(c, &coll) == -1)
		return -1;
	data = xcalloc(RDL_MAX_DEPTH + 2, sizeof(*data));
	for (size_t i = 0; i < m->ncols && rv == 0; i++) {
		const struct colinst *ci = &m->cols[i];

		si.name = ci->scope ? ci->scope : "Column";
		si.ndata = 0;
		for (size_t k = 0; k < ci->nhdr && k <= RDL_MAX_DEPTH; k++)
			if (ci->hdr[k].is_data)
				data[si.ndata++] = &ci->hdr[k];
		if (hc + i < r->ncells && r->cells[hc + i].is_data)
			data[si.ndata++] = &r->cells[hc + i];
		si.data = data;
		rv = c->ops->scope_begin(c, &si);
		if (rv == 0)
			rv = c->ops->scope_end(c, &si);
	}
	free(data);
	return rv == 0 ? c->ops->scope_end(c, &coll) : -1;
}

void
matrix_free(struct matrix *m)
{
	for (size_t i = 0; i < m->ncols; i++) {
		for (size_t k = 0; k < m->cols[i].nhdr; k++)
			rcell_fini(&m->cols[i].hdr[k]);
		free(m->cols[i].hdr);
		free(m->cols[i].rows);
	}
	free(m->cols);
	for (size_t i = 0; i < m->nhdrs; i++)
		rcell_fini(&m->hdrs[i].cell);
	free(m->hdrs);
	memset(m, 0, sizeof(*m));
}
