/*
 * dataset.c: runs a dataset's query with its parameters bound, adds the
 * calculated fields, applies the dataset's filters and hands each row on:
 * to a streaming renderer directly, or into a kept row set (one
 * allocation per row: the values, then the bytes of their strings) for
 * grouping and sorting, bounded by RENDER_ROWS_MAX and RENDER_MEM_MAX.
 */
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "render/render_int.h"

struct run {
	struct rctx		*c;
	const struct rdl_dataset *d;
	int			*colmap;	/* field -> column, or -1 */
	row_fn			 fn;
	void			*arg;
	int64_t			 cb_ns;
};

static int
filter_one(struct rctx *c, const struct rdl_filter *f, bool *pass)
{
	struct expr_value v, w, lo;
	int		 cmp, rv = -1;
	size_t		 i;

	if (expr_eval(f->expr->ast, &c->env, &v, c->e) == -1)
		return -1;
	*pass = false;
	for (i = 0; i < f->nvalues && !*pass; i++) {
		if (expr_eval(f->values[i]->ast, &c->env, &w, c->e) == -1)
			goto out;
		cmp = expr_value_cmp(&v, &w);
		switch (f->op) {
		case RDL_F_EQUAL: case RDL_F_IN: *pass = cmp == 0; break;
		case RDL_F_NOTEQUAL: *pass = cmp != 0; break;
		case RDL_F_GREATER: *pass = cmp > 0; break;
		case RDL_F_GREATEREQ: *pass = cmp >= 0; break;
		case RDL_F_LESS: *pass = cmp < 0; break;
		case RDL_F_LESSEQ: *pass = cmp <= 0; break;
		case RDL_F_LIKE: {
			struct buf a, p;
			buf_init(&a, 0);
			buf_init(&p, 0);
			expr_value_text(&v, &a, NULL);
			expr_value_text(&w, &p, NULL);
			/* SQL-style % and _ as well as VB's * and ? */
			for (char *s = p.data; s != NULL && *s != '\0'; s++)
				*s = *s == '%' ? '*' : *s == '_' ? '?' : *s;
			*pass = fnmatch(p.data ? p.data : "",
			    a.data ? a.data : "", FNM_CASEFOLD) == 0;
			buf_fini(&a);
			buf_fini(&p);
			break;
		}
		case RDL_F_BETWEEN:
			if (i == 0) {
				lo = w;
				w.type = EXPR_T_NULL;
				if (expr_eval(f->values[1]->ast, &c->env, &w,
				    c->e) == -1) {
					expr_value_fini(&lo);
					goto out;
				}
				*pass = expr_value_cmp(&v, &lo) >= 0 &&
				    expr_value_cmp(&v, &w) <= 0;
				expr_value_fini(&lo);
				i = f->nvalues;
			}
			break;
		}
		expr_value_fini(&w);
	}
	rv = 0;
out:
	expr_value_fini(&v);
	return rv;
}

int
filters_pass(struct rctx *c, const struct rdl_filter *f, size_t n,
    bool *pass)
{
	*pass = true;
	for (size_t i = 0; i < n && *pass; i++)
		if (filter_one(c, &f[i], pass) == -1)
			return -1;
	return 0;
}

static int
on_row(void *arg, const struct expr_value *cols, size_t ncols,
    struct rs_err *e)
{
	struct run	*rn = arg;
	struct rctx	*c = rn->c;
	const struct rdl_dataset *d = rn->d;
	struct expr_value row[DATA_COLUMNS_MAX + 64];
	const struct expr_value *saved = c->env.row;
	size_t		 saved_n = c->env.nfields, i;
	bool		 pass = true;
	int		 rv = -1;
	int64_t		 t0 = coarse_ns();

	(void)ncols;
	(void)e;
	for (i = 0; i < d->nfields; i++) {
		if (rn->colmap[i] >= 0)
			row[i] = cols[rn->colmap[i]];
		else
			row[i].type = EXPR_T_NULL;
		/*
		 * A Decimal column summed in SQLite arrives as a double with
		 * binary noise (977247.5599999983); SQL Server would return
		 * the exact decimal, so keep six places as numeric(38,6) does.
		 */
		if (d->fields[i].decimal && row[i].type == EXPR_T_FLOAT &&
		    fabs(row[i].u.f) < 1e12)
			row[i].u.f = round(row[i].u.f * 1e6) / 1e6;
	}
	c->env.row = row;
	c->env.nfields = d->nfields;
	for (i = 0; i < d->nfields; i++)
		if (d->fields[i].value != NULL && expr_eval(d->fields[i].value->ast,
		    &c->env, &row[i], c->e) == -1) {
			rs_err_prefix(c->e, "calculated field %s",
			    d->fields[i].name);
			goto out;
		}
	if (filters_pass(c, d->filters, d->nfilters, &pass) == -1)
		goto out;
	rv = pass ? rn->fn(c, row, rn->arg) : 0;
out:
	for (i = 0; i < d->nfields; i++)
		if (rn->colmap[i] < 0)
			expr_value_fini(&row[i]);
	c->env.row = saved;
	c->env.nfields = saved_n;
	rn->cb_ns += coarse_ns() - t0;
	return rv;
}

/* Query parameter values: a multi-value parameter passes all of its. */
static int
query_params(struct rctx *c, const struct rdl_dataset *d,
    struct data_param *qp, struct expr_value *one)
{
	for (size_t i = 0; i < d->nqparams; i++) {
		const struct expr_node *n = d->qparams[i].value->ast;

		qp[i].name = d->qparams[i].name;
		if (n->kind == EXPR_PARAM && n->index < 0 &&
		    n->member == EXPR_M_VALUE) {
			for (size_t p = 0; p < c->nparams; p++)
				if (strcmp(c->params[p].name, n->name) == 0) {
					qp[i].values = c->params[p].values;
					qp[i].nvalues = c->params[p].nvalues;
				}
			if (qp[i].values != NULL || qp[i].nvalues == 0)
				continue;
		}
		if (expr_eval(n, &c->env, &one[i], c->e) == -1) {
			rs_err_prefix(c->e, "query parameter %s", qp[i].name);
			return -1;
		}
		qp[i].values = &one[i];
		qp[i].nvalues = 1;
	}
	return 0;
}

int
dataset_run(struct rctx *c, int ds, row_fn fn, void *arg)
{
	const struct rdl_dataset *d = &c->r->datasets[ds];
	struct run	 rn = { .c = c, .d = d, .fn = fn, .arg = arg };
	struct data_query q = { .text = d->command_text,
	    .command = d->command == RDL_CMD_PROCEDURE ? DATA_CMD_PROC :
	    d->command == RDL_CMD_TABLE ? DATA_CMD_TABLE : DATA_CMD_TEXT };
	struct data_param *qp;
	struct expr_value *one;
	const char	**cols;
	enum expr_type	*hints;
	size_t		 nc = 0, rows = 0, i;
	int		 rv = -1;
	int64_t		 t0;

	if (d->nfields > DATA_COLUMNS_MAX)
		return rs_err_set(c->e, RS_E_LIMIT, "dataset %s has more than %d "
		    "fields", d->name, DATA_COLUMNS_MAX);
	qp = xcalloc(d->nqparams + 1, sizeof(*qp));
	one = xcalloc(d->nqparams + 1, sizeof(*one));
	cols = xcalloc(d->nfields + 1, sizeof(*cols));
	hints = xcalloc(d->nfields + 1, sizeof(*hints));
	rn.colmap = xcalloc(d->nfields + 1, sizeof(int));
	for (i = 0; i < d->nfields; i++) {
		rn.colmap[i] = -1;
		/* No DataField, or an empty one (<DataField />): the field
		 * is always Nothing, as SSRS gives a field missing from the
		 * result. */
		if (d->fields[i].data_field == NULL ||
		    d->fields[i].data_field[0] == '\0')
			continue;
		rn.colmap[i] = (int)nc;
		hints[nc] = d->fields[i].type_hint;
		cols[nc++] = d->fields[i].data_field;
	}
	if (query_params(c, d, qp, one) == -1)
		goto out;
	q.params = qp;
	q.nparams = d->nqparams;
	q.columns = cols;
	q.hints = hints;
	q.ncolumns = nc;
	t0 = coarse_ns();
	rv = data_exec(&c->sources[d->datasource], &q, on_row, &rn, &rows,
	    c->e);
	c->t_data_ns += coarse_ns() - t0 - rn.cb_ns;
	c->log->rows += rows;
	if (rv == -1)
		rs_err_prefix(c->e, "dataset %s", d->name);
out:
	for (i = 0; i < d->nqparams; i++)
		expr_value_fini(&one[i]);
	free(one);
	free(qp);
	free(cols);
	free(hints);
	free(rn.colmap);
	return rv;
}

static int
keep_row(struct rctx *c, struct expr_value *row, void *arg)
{
	struct rowset	*rs = arg;
	size_t		 n = c->env.nfields, sz = n * sizeof(*row), i;
	struct expr_value *copy;
	char		*p;

	for (i = 0; i < n; i++)
		if (row[i].type == EXPR_T_STRING)
			sz += strlen(row[i].u.s) + 1;
	if (rs->nrows >= RENDER_ROWS_MAX || rs->bytes + sz > RENDER_MEM_MAX)
		return rs_err_set(c->e, RS_E_LIMIT, "the dataset has more than "
		    "%d rows or %zu MB to group and sort; filter it in the "
		    "query", RENDER_ROWS_MAX, RENDER_MEM_MAX >> 20);
	copy = xmalloc(sz ? sz : 1);
	p = (char *)(copy + n);
	for (i = 0; i < n; i++) {
		copy[i] = row[i];
		copy[i].borrowed = true;
		if (row[i].type == EXPR_T_STRING) {
			size_t l = strlen(row[i].u.s) + 1;
			memcpy(p, row[i].u.s, l);
			copy[i].u.s = p;
			p += l;
		}
	}
	if (rs->nrows == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 256;
		rs->rows = xreallocarray(rs->rows, rs->cap, sizeof(*rs->rows));
	}
	rs->rows[rs->nrows++] = copy;
	rs->bytes += sz + sizeof(copy);
	return 0;
}

int
dataset_keep(struct rctx *c, int ds)
{
	struct rowset	*rs = &c->sets[ds];

	if (rs->done)
		return 0;
	rs->done = true;
	return dataset_run(c, ds, keep_row, rs);
}

void
rowsets_free(struct rctx *c)
{
	if (c->sets == NULL)
		return;
	for (size_t d = 0; d < c->r->ndatasets; d++) {
		for (size_t i = 0; i < c->sets[d].nrows; i++)
			free(c->sets[d].rows[i]);
		free(c->sets[d].rows);
	}
	free(c->sets);
	c->sets = NULL;
}
