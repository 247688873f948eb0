/*
 * group.c: sorting and grouping for processing.  Sort keys are evaluated
 * once per row (or per group instance, in its scope), then the rows are
 * ordered with a stable sort; a group splits its scope's rows into
 * instances by its group expressions, kept in order of first appearance
 * unless the member has sort expressions.
 */
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "render/render_int.h"

struct sortctx {
	const struct rdl_sort	*sorts;	/* NULL: ascending, nkeys keys */
	size_t			 nkeys;
};

static int
cmp_keys(const void *a, const void *b, void *arg)
{
	const struct skey *x = a, *y = b;
	const struct sortctx *s = arg;
	int		 r;

	for (size_t i = 0; i < s->nkeys; i++) {
		r = expr_value_cmp(&x->keys[i], &y->keys[i]);
		if (r != 0)
			return s->sorts != NULL && s->sorts[i].descending ? -r : r;
	}
	return (x->idx > y->idx) - (x->idx < y->idx);
}

void
skeys_free(struct skey *k, size_t n, size_t nkeys)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; k[i].keys != NULL && j < nkeys; j++)
			expr_value_fini(&k[i].keys[j]);
		free(k[i].keys);
	}
	free(k);
}

/* Evaluates the keys of each row (exprs is sorts' values or groups'). */
static struct skey *
row_keys(struct rctx *c, struct expr_value **rows, size_t n,
    struct rdl_expr *const *exprs, const struct rdl_sort *sorts,
    size_t nkeys)
{
	struct skey	*k = xcalloc(n + 1, sizeof(*k));
	const struct expr_value *saved = c->env.row;
	size_t		 i, j;

	for (i = 0; i < n; i++) {
		k[i].row = rows[i];
		k[i].idx = i;
		k[i].keys = xcalloc(nkeys + 1, sizeof(*k[i].keys));
		c->env.row = rows[i];
		for (j = 0; j < nkeys; j++) {
			const struct rdl_expr *e = sorts ? sorts[j].value :
			    exprs[j];
			struct expr_value v;

			if (eval_prop(c, e, &v) == -1) {
				c->env.row = saved;
				skeys_free(k, i + 1, nkeys);
				return NULL;
			}
			expr_value_copy(&k[i].keys[j], &v);
			expr_value_fini(&v);
		}
	}
	c->env.row = saved;
	return k;
}

int
sort_rows(struct rctx *c, struct expr_value **rows, size_t n,
    const struct rdl_sort *sorts, size_t nsorts)
{
	struct sortctx	 sc = { .sorts = sorts, .nkeys = nsorts };
	struct skey	*k;

	if (nsorts == 0 || n < 2)
		return 0;
	k = row_keys(c, rows, n, NULL, sorts, nsorts);
	if (k == NULL)
		return -1;
	qsort_r(k, n, sizeof(*k), cmp_keys, &sc);
	for (size_t i = 0; i < n; i++)
		rows[i] = k[i].row;
	skeys_free(k, n, nsorts);
	return 0;
}

static int
cmp_first(const void *a, const void *b)
{
	const struct skey *x = a, *y = b;

	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Splits rows into group instances; returns the instance list. */
struct skey *
group_rows(struct rctx *c, const struct rdl_member *m,
    struct expr_value **rows, size_t n, size_t *ninst)
{
	const struct rdl_group *g = m->group;
	struct sortctx	 sc = { .nkeys = g->nexprs };
	struct skey	*k, *inst;
	size_t		 i, j, ni = 0;

	k = row_keys(c, rows, n, g->exprs, NULL, g->nexprs);
	if (k == NULL)
		return NULL;
	qsort_r(k, n, sizeof(*k), cmp_keys, &sc);
	inst = xcalloc(n + 1, sizeof(*inst));
	for (i = 0; i < n; i = j) {
		size_t first = k[i].idx;

		for (j = i + 1; j < n; j++) {
			size_t x;
			for (x = 0; x < g->nexprs; x++)
				if (expr_value_cmp(&k[i].keys[x], &k[j].keys[x]))
					break;
			if (x < g->nexprs)
				break;
			if (k[j].idx < first)
				first = k[j].idx;
		}
		inst[ni].start = i;
		inst[ni].n = j - i;
		inst[ni].idx = first;
		ni++;
	}
	/* Rows in group order (stable within each instance). */
	for (i = 0; i < n; i++)
		rows[i] = k[i].row;
	skeys_free(k, n, g->nexprs);
	qsort(inst, ni, sizeof(*inst), cmp_first);
	*ninst = ni;
	return inst;
}

/* Orders group instances by the member's sort expressions. */
int
sort_instances(struct rctx *c, const struct rdl_member *m,
    struct expr_value **rows, struct skey *inst, size_t ni)
{
	struct sortctx	 sc = { .sorts = m->sorts, .nkeys = m->nsorts };

	for (size_t i = 0; i < ni; i++) {
		inst[i].keys = xcalloc(m->nsorts + 1, sizeof(*inst[i].keys));
		if (push_frame(c, m->group->name, rows + inst[i].start,
		    inst[i].n) == NULL)
			return -1;
		for (size_t j = 0; j < m->nsorts; j++) {
			struct expr_value v;

			if (eval_prop(c, m->sorts[j].value, &v) == -1) {
				pop_frame(c);
				return -1;
			}
			expr_value_copy(&inst[i].keys[j], &v);
			expr_value_fini(&v);
		}
		pop_frame(c);
	}
	qsort_r(inst, ni, sizeof(*inst), cmp_keys, &sc);
	return 0;
}

