/*
 * rank.c: the filters that rank a set instead of testing one row: TopN,
 * BottomN, TopPercent and BottomPercent.  Each keeps the items whose
 * filter expression is among the N highest (lowest) values, or the
 * highest N percent of the items (rounded up); items tied with the last
 * one kept are kept too, as the original does, and Nothing ranks last.
 * On a dataset or data region the items are its rows; on a group they are
 * the group's instances, each valued in its own scope.  The order of
 * what is kept does not change.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "render/render_int.h"

bool
filters_rank_any(const struct rdl_filter *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (RDL_FILTER_RANKS(f[i].op))
			return true;
	return false;
}

struct ranked {
	const struct expr_value	*v;
	size_t			 i;
	bool			 desc;
};

static int
cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	bool		 xn = x->v->type == EXPR_T_NULL, yn = y->v->type ==
	    EXPR_T_NULL;
	int		 r;

	if (xn || yn)
		r = xn - yn;	/* Nothing last either way */
	else {
		r = expr_value_cmp(x->v, y->v);
		r = x->desc ? -r : r;
	}
	return r != 0 ? r : (x->i > y->i) - (x->i < y->i);
}

/* How many of n items the filter's N keeps. */
static int
rank_count(struct rctx *c, const struct rdl_filter *f, size_t n, size_t *k)
{
	struct expr_value v;
	double		 d;

	if (eval_prop(c, f->values[0], &v) == -1)
		return -1;
	d = v.type == EXPR_T_INT ? (double)v.u.i : v.type == EXPR_T_FLOAT ?
	    v.u.f : v.type == EXPR_T_STRING ? strtod(v.u.s, NULL) : -1;
	expr_value_fini(&v);
	if (!(d >= 0))
		return rs_err_set(c->e, RS_E_BADINPUT, "line %d: the value of a "
		    "TopN, BottomN, TopPercent or BottomPercent filter must be "
		    "a number of 0 or more", f->values[0]->line);
	if (f->op == RDL_F_TOPPERCENT || f->op == RDL_F_BOTTOMPERCENT)
		d = ceil((double)n * d / 100 - 1e-9);
	*k = d >= (double)n ? n : (size_t)d;
	return 0;
}

int
filters_rank_values(struct rctx *c, const struct rdl_filter *f,
    const struct expr_value *vals, size_t n, bool *keep)
{
	struct ranked	*r;
	size_t		 k = 0, j;

	if (rank_count(c, f, n, &k) == -1)
		return -1;
	r = xcalloc(n + 1, sizeof(*r));
	for (size_t i = 0; i < n; i++)
		r[i] = (struct ranked){ &vals[i], i, f->op == RDL_F_TOPN ||
		    f->op == RDL_F_TOPPERCENT };
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (j = 0; j < n; j++) {
		bool	 in = j < k || (k > 0 && cmp_ranked(&r[j], &r[k - 1]) != 0 &&
		    expr_value_cmp(r[j].v, r[k - 1].v) == 0 &&
		    r[j].v->type != EXPR_T_NULL);

		if (!in)
			keep[r[j].i] = false;
	}
	free(r);
	return 0;
}

int
filters_rank_rows(struct rctx *c, const struct rdl_filter *f, size_t nf,
    struct expr_value **rows, size_t *n)
{
	const struct expr_value *saved = c->env.row;
	struct expr_value *vals;
	bool		*keep;
	size_t		 m, i;
	int		 rv = 0;

	for (size_t k = 0; k < nf && rv == 0; k++) {
		if (!RDL_FILTER_RANKS(f[k].op))
			continue;
		vals = xcalloc(*n + 1, sizeof(*vals));
		keep = xcalloc(*n + 1, sizeof(*keep));
		for (i = 0; i < *n && rv == 0; i++) {
			keep[i] = true;
			c->env.row = rows[i];
			rv = eval_prop(c, f[k].expr, &vals[i]);
		}
		c->env.row = saved;
		if (rv == 0)
			rv = filters_rank_values(c, &f[k], vals, *n, keep);
		for (i = m = 0; i < *n; i++) {
			expr_value_fini(&vals[i]);
			if (rv == 0 && keep[i])
				rows[m++] = rows[i];
		}
		if (rv == 0)
			*n = m;
		free(vals);
		free(keep);
	}
	return rv;
}

int
filters_rank_groups(struct rctx *c, const struct rdl_group *g,
    struct expr_value **rows, const struct skey *inst, size_t ni, bool *keep)
{
	struct expr_value *vals;
	int		 rv = 0;

	for (size_t i = 0; i < ni; i++)
		keep[i] = true;
	for (size_t k = 0; k < g->nfilters && rv == 0; k++) {
		if (!RDL_FILTER_RANKS(g->filters[k].op))
			continue;
		vals = xcalloc(ni + 1, sizeof(*vals));
		for (size_t i = 0; i < ni && rv == 0; i++) {
			if (push_frame(c, g->name, rows + inst[i].start,
			    inst[i].n) == NULL) {
				rv = -1;
				break;
			}
			rv = eval_prop(c, g->filters[k].expr, &vals[i]);
			pop_frame(c);
		}
		if (rv == 0) {
			bool	*k2 = xcalloc(ni + 1, sizeof(*k2));

			for (size_t i = 0; i < ni; i++)
				k2[i] = true;
			rv = filters_rank_values(c, &g->filters[k], vals, ni, k2);
			for (size_t i = 0; i < ni; i++)
				keep[i] = keep[i] && k2[i];
			free(k2);
		}
		for (size_t i = 0; i < ni; i++)
			expr_value_fini(&vals[i]);
		free(vals);
	}
	return rv;
}
