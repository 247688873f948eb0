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

/* A FilterValue is compared as the expression's type, as SSRS does: "1"
 * against a number is 1.  On failure w is finished. */
static int
as_type(struct rctx *c, const struct expr_value *v, struct expr_value *w)
{
	if (w->type != EXPR_T_STRING || v->type == EXPR_T_STRING ||
	    v->type == EXPR_T_NULL || v->type == EXPR_T_ARRAY)
		return 0;
	if (w->borrowed)
		expr_value_str(w, w->u.s);
	if (expr_convert(w, v->type, c->env.culture, c->e) == 0)
		return 0;
	expr_value_fini(w);
	rs_err_prefix(c->e, "FilterValue");
	return -1;
}

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
		if (f->op != RDL_F_LIKE && as_type(c, &v, &w) == -1)
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
		case RDL_F_TOPN: case RDL_F_BOTTOMN: case RDL_F_TOPPERCENT:
		case RDL_F_BOTTOMPERCENT:
			*pass = true;	/* they rank the set: rank.c */
			break;
		case RDL_F_BETWEEN:
			if (i == 0) {
				lo = w;
				w.type = EXPR_T_NULL;
				if (expr_eval(f->values[1]->ast, &c->env, &w,
				    c->e) == -1 || as_type(c, &v, &w) == -1) {
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

/* A recorded query: each row goes to the recorder, then on. */
struct tap {
	struct run	*rn;
	int		 ds;
};

static int
on_tapped_row(void *arg, const struct expr_value *cols, size_t ncols,
    struct rs_err *e)
{
	struct tap		*t = arg;
	const struct render_request *q = t->rn->c->req;

	if (q->record(q->data_arg, t->ds, cols, ncols, e) == -1)
		return -1;
	return on_row(t->rn, cols, ncols, e);
}

/* The dataset's rows: stored, recorded, or straight from the query. */
static int
fetch(struct rctx *c, int ds, const struct data_source *src,
    const struct data_query *q, struct run *rn, size_t *rows)
{
	struct tap		 t = { rn, ds };

	if (c->req->replay != NULL)
		return c->req->replay(c->req->data_arg, ds, on_row, rn, rows,
		    c->e);
	if (c->req->record == NULL)
		return data_exec(src, q, on_row, rn, rows, c->e);
	if (c->req->record(c->req->data_arg, ds, NULL, q->ncolumns, c->e) ==
	    -1)
		return -1;
	return data_exec(src, q, on_tapped_row, &t, rows, c->e);
}

/*
 * Query parameter values: a multi-value parameter passes all of its, as
 * does an expression that gives an array (Split, LookupSet).  The
 * parameters are the environment's: the report's, or a shared dataset's.
 */
static int
query_params(struct rctx *c, const struct rdl_dataset *d,
    struct data_param *qp, struct expr_value *one)
{
	for (size_t i = 0; i < d->nqparams; i++) {
		if (d->qparams[i].value == NULL) {	/* a DataSetParameter */
			qp[i].name = d->qparams[i].name;
			for (size_t p = 0; p < c->env.nparams; p++)
				if (strcmp(c->env.params[p].name,
				    qp[i].name + (qp[i].name[0] == '@')) == 0) {
					qp[i].values = c->env.params[p].values;
					qp[i].nvalues = c->env.params[p].nvalues;
				}
			continue;
		}
		const struct expr_node *n = d->qparams[i].value->ast;

		qp[i].name = d->qparams[i].name;
		if (n->kind == EXPR_PARAM && n->index < 0 &&
		    n->member == EXPR_M_VALUE) {
			for (size_t p = 0; p < c->env.nparams; p++)
				if (strcmp(c->env.params[p].name, n->name) == 0) {
					qp[i].values = c->env.params[p].values;
					qp[i].nvalues = c->env.params[p].nvalues;
				}
			if (qp[i].values != NULL || qp[i].nvalues == 0)
				continue;
		}
		if (expr_eval(n, &c->env, &one[i], c->e) == -1) {
			rs_err_prefix(c->e, "query parameter %s", qp[i].name);
			return -1;
		}
		if (one[i].type == EXPR_T_STRING && one[i].borrowed)
			expr_value_str(&one[i], one[i].u.s);
		qp[i].values = &one[i];
		qp[i].nvalues = 1;
		if (one[i].type == EXPR_T_ARRAY) {
			qp[i].values = one[i].u.a->v;
			qp[i].nvalues = one[i].u.a->n;
		}
	}
	return 0;
}

/* Runs d's query on src; each row goes through on_row to fn. */
static int
query_run(struct rctx *c, int ds, const struct rdl_dataset *d,
    const struct data_source *src, row_fn fn, void *arg)
{
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
	rv = fetch(c, ds, src, &q, &rn, &rows);
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

/* A report's dataset over a shared dataset's rows (shared.c). */
struct over {
	struct run		 rn;
	const struct expr_param	*rparams;	/* the report's */
	size_t			 nrparams;
	size_t			 nfields;	/* of the shared dataset */
};

/* A row of the shared dataset: the report's fields by name, then its
 * calculated fields and filters, with the report's parameters. */
static int
over_row(struct rctx *c, struct expr_value *row, void *arg)
{
	struct over	*o = arg;
	const struct expr_param *sp = c->env.params;
	size_t		 nsp = c->env.nparams;
	int		 rv;

	c->env.params = o->rparams;
	c->env.nparams = o->nrparams;
	rv = on_row(&o->rn, row, o->nfields, c->e);
	c->env.params = sp;
	c->env.nparams = nsp;
	return rv;
}

/* Each field of d names a field of the shared dataset sd. */
static int
over_map(struct rctx *c, const struct rdl_dataset *d,
    const struct rdl_dataset *sd, int *map)
{
	for (size_t i = 0; i < d->nfields; i++) {
		const char *df = d->fields[i].data_field;

		map[i] = -1;
		if (df == NULL || df[0] == '\0')
			continue;
		for (size_t j = 0; j < sd->nfields && map[i] < 0; j++)
			if (strcasecmp(sd->fields[j].name, df) == 0)
				map[i] = (int)j;
		if (map[i] < 0)
			return rs_err_set(c->e, RS_E_BADINPUT, "dataset %s: field "
			    "%s is not a field of shared dataset %s", d->name,
			    df, d->shared_ref);
	}
	return 0;
}

int
dataset_run(struct rctx *c, int ds, row_fn fn, void *arg)
{
	const struct rdl_dataset *d = &c->r->datasets[ds];
	const struct rdl_shared_dataset *sd;
	struct data_source src;
	struct expr_param *sp = NULL;
	size_t		 nsp = 0;
	struct over	 o = { .rn = { .c = c, .d = d, .fn = fn, .arg = arg } };
	int		 rv = -1;

	if (d->shared_ref == NULL)
		return query_run(c, ds, d, &c->sources[d->datasource], fn,
		    arg);
	if ((sd = shared_get(c, ds, &src)) == NULL ||
	    shared_params(c, d, sd, &sp, &nsp) == -1)
		return -1;
	o.rn.colmap = xcalloc(d->nfields + 1, sizeof(int));
	o.rparams = c->env.params;
	o.nrparams = c->env.nparams;
	o.nfields = sd->dataset.nfields;
	if (over_map(c, d, &sd->dataset, o.rn.colmap) == 0) {
		c->env.params = sp;
		c->env.nparams = nsp;
		rv = query_run(c, ds, &sd->dataset, &src, over_row, &o);
		c->env.params = o.rparams;
		c->env.nparams = o.nrparams;
		if (rv == -1)
			rs_err_prefix(c->e, "shared dataset %s", d->shared_ref);
	}
	shared_params_free(sp, nsp);
	free(o.rn.colmap);
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
	const struct rdl_dataset *d = &c->r->datasets[ds];
	size_t		 saved = c->env.nfields, n, i, j;
	struct expr_value **kept;
	int		 rv;

	if (rs->done)
		return 0;
	rs->done = true;
	if (dataset_run(c, ds, keep_row, rs) == -1)
		return -1;
	if (!filters_rank_any(d->filters, d->nfilters))
		return 0;
	/* TopN and the like rank the whole dataset: drop the rest. */
	kept = xcalloc(rs->nrows + 1, sizeof(*kept));
	memcpy(kept, rs->rows, rs->nrows * sizeof(*kept));
	n = rs->nrows;
	c->env.nfields = d->nfields;
	rv = filters_rank_rows(c, d->filters, d->nfilters, kept, &n);
	c->env.nfields = saved;
	for (i = j = 0; rv == 0 && i < rs->nrows; i++) {
		if (j < n && rs->rows[i] == kept[j])
			rs->rows[j++] = rs->rows[i];
		else
			free(rs->rows[i]);
	}
	if (rv == 0)
		rs->nrows = n;
	free(kept);
	return rv;
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
