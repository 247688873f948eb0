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
	return group_rows_by(c, m->group, rows, n, ninst);
}

struct skey *
group_rows_by(struct rctx *c, const struct rdl_group *g,
    struct expr_value **rows, size_t n, size_t *ninst)
{
	struct sortctx	 sc = { .nkeys = g->nexprs };
	struct skey	*k, *inst;
	size_t		 i, j, ni = 0;

	if (g->nexprs == 0) {
		/* The details group: one instance per row. */
		inst = xcalloc(n + 1, sizeof(*inst));
		for (i = 0; i < n; i++) {
			inst[i].start = i;
			inst[i].n = 1;
			inst[i].idx = i;
		}
		*ninst = n;
		return inst;
	}

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


struct lk {
	struct expr_value	 key;
	size_t			 row;
};

static int
cmp_lk(const void *a, const void *b)
{
	const struct lk	*x = a, *y = b;
	int		 c = expr_value_cmp(&x->key, &y->key);

	return c != 0 ? c : (x->row > y->row) - (x->row < y->row);
}

/* Evaluates the destination expression on every row of the dataset. */
static struct lookup *
lookup_build(struct rctx *c, const struct expr_node *n)
{
	int		 ds = rdl_dataset_find(c->r, n->scope);
	struct rowset	*rs;
	struct lookup	*l;
	struct lk	*k;
	struct expr_value v;
	const struct expr_value *row = c->env.row;
	size_t		 nf = c->env.nfields;

	if (ds < 0 || dataset_keep(c, ds) == -1)
		return NULL;
	rs = &c->sets[ds];
	k = xcalloc(rs->nrows + 1, sizeof(*k));
	c->env.nfields = c->r->datasets[ds].nfields;
	for (size_t i = 0; i < rs->nrows; i++) {
		c->env.row = rs->rows[i];
		if (expr_eval(n->args[1], &c->env, &v, c->e) == -1) {
			for (size_t j = 0; j < i; j++)
				expr_value_fini(&k[j].key);
			free(k);
			c->env.row = row;
			c->env.nfields = nf;
			return NULL;
		}
		expr_value_copy(&k[i].key, &v);
		expr_value_fini(&v);
		k[i].row = i;
	}
	c->env.row = row;
	c->env.nfields = nf;
	qsort(k, rs->nrows, sizeof(*k), cmp_lk);
	c->lookups = xreallocarray(c->lookups, c->nlookups + 1,
	    sizeof(*c->lookups));
	l = &c->lookups[c->nlookups++];
	l->node = n;
	l->ds = ds;
	l->n = rs->nrows;
	l->keys = xcalloc(l->n + 1, sizeof(*l->keys));
	l->rows = xcalloc(l->n + 1, sizeof(*l->rows));
	for (size_t i = 0; i < l->n; i++) {
		l->keys[i] = k[i].key;
		l->rows[i] = k[i].row;
	}
	free(k);
	return l;
}

/* The result expression on row i of the looked-up dataset. */
static int
lookup_result(struct rctx *c, const struct lookup *l,
    const struct expr_node *n, size_t i, struct expr_value *out)
{
	size_t		 nf = c->env.nfields;
	const struct expr_value *row = c->env.row;
	int		 rv;

	c->env.row = c->sets[l->ds].rows[l->rows[i]];
	c->env.nfields = c->r->datasets[l->ds].nfields;
	rv = expr_eval(n->args[2], &c->env, out, c->e);
	if (rv == 0 && out->type == EXPR_T_STRING && out->borrowed)
		expr_value_str(out, out->u.s);
	c->env.row = row;
	c->env.nfields = nf;
	return rv;
}

/* First key equal to src, or l->n. */
static size_t
lookup_find(const struct lookup *l, const struct expr_value *src)
{
	size_t		 lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (expr_value_cmp(&l->keys[mid], src) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n && expr_value_cmp(&l->keys[lo], src) == 0 ? lo : l->n;
}

/* Lookup: the first match or Nothing; LookupSet: every match, an array. */
static int
lookup_one(struct rctx *c, const struct lookup *l, const struct expr_node *n,
    const struct expr_value *src, bool all, struct expr_value *out)
{
	size_t		 i = lookup_find(l, src);
	struct expr_value v;

	out->type = EXPR_T_NULL;
	if (!all)
		return i < l->n ? lookup_result(c, l, n, i, out) : 0;
	expr_value_array(out, 0);
	for (; i < l->n && expr_value_cmp(&l->keys[i], src) == 0; i++) {
		if (lookup_result(c, l, n, i, &v) == -1)
			return -1;
		expr_array_push(out, &v);
		expr_value_fini(&v);
	}
	return 0;
}

/*
 * Lookup(source, destination, result, "DataSet"): the result expression
 * on the first row of the dataset whose destination equals the source,
 * or Nothing; LookupSet gives the results of every such row (an array);
 * MultiLookup takes an array of sources and gives Lookup of each.  The
 * destinations are evaluated once and binary-searched.
 */
int
lookup_eval(struct rctx *c, const struct expr_node *n, struct expr_value *out)
{
	struct lookup	*l = NULL;
	struct expr_value src, v;
	int		 rv = 0;

	out->type = EXPR_T_NULL;
	for (size_t i = 0; i < c->nlookups && l == NULL; i++)
		if (c->lookups[i].node == n)
			l = &c->lookups[i];
	if (l == NULL && (l = lookup_build(c, n)) == NULL)
		return -1;
	if (expr_eval(n->args[0], &c->env, &src, c->e) == -1)
		return -1;
	if (n->aggfn != EXPR_AGG_MULTILOOKUP)
		rv = lookup_one(c, l, n, &src, n->aggfn == EXPR_AGG_LOOKUPSET,
		    out);
	else if (src.type == EXPR_T_ARRAY) {
		expr_value_array(out, 0);
		for (size_t i = 0; i < src.u.a->n && rv == 0; i++) {
			rv = lookup_one(c, l, n, &src.u.a->v[i], false, &v);
			if (rv == 0)
				expr_array_push(out, &v);
			expr_value_fini(&v);
		}
	} else if (src.type != EXPR_T_NULL) {
		expr_value_array(out, 0);
		rv = lookup_one(c, l, n, &src, false, &v);
		if (rv == 0)
			expr_array_push(out, &v);
		expr_value_fini(&v);
	}
	expr_value_fini(&src);
	return rv;
}

void
lookups_free(struct rctx *c)
{
	for (size_t i = 0; i < c->nlookups; i++) {
		for (size_t j = 0; j < c->lookups[i].n; j++)
			expr_value_fini(&c->lookups[i].keys[j]);
		free(c->lookups[i].keys);
		free(c->lookups[i].rows);
	}
	free(c->lookups);
	c->lookups = NULL;
	c->nlookups = 0;
}
