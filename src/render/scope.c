/*
 * scope.c: what an expression asks of the scopes it runs in, beyond
 * aggregates: report and group variables (Variables!V.Value, computed on
 * first use and kept: a report variable once per render, a group
 * variable once per group instance; SetValue on a Writable report
 * variable), InScope and Level, ReportItems!T.Value in the body (the
 * textbox evaluated in the current scope, as SSRS does for a textbox of
 * the same or an enclosing scope), the report's Code state, and the
 * cultures of the report's and the textboxes' Language.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "render/render_int.h"

enum { V_NEW, V_BUSY, V_DONE };

#define RITEM_DEPTH_MAX	8

/* A variable's value evaluated at scope depth d with row as the row. */
static int
var_compute(struct rctx *c, const struct rdl_variable *v, size_t d,
    const struct expr_value *row, struct expr_value *out)
{
	size_t		 depth = c->depth;
	const struct expr_value *saved = c->env.row;
	bool		 detail = c->in_detail;
	int		 rv;

	c->depth = d;
	c->env.row = row;
	c->in_detail = false;
	rv = eval_prop(c, v->value, out);
	if (rv == 0 && out->type == EXPR_T_STRING && out->borrowed)
		expr_value_str(out, out->u.s);
	c->depth = depth;
	c->env.row = saved;
	c->in_detail = detail;
	if (rv == -1)
		rs_err_prefix(c->e, "variable %s", v->name);
	return rv;
}

static int
var_get(struct rctx *c, const struct rdl_variable *v, struct expr_value *val,
    unsigned char *state, size_t d, const struct expr_value *row,
    struct expr_value *out)
{
	if (*state == V_BUSY)
		return rs_err_set(c->e, RS_E_BADINPUT, "variable %s refers to "
		    "itself (through its own value)", v->name);
	if (*state == V_NEW) {
		*state = V_BUSY;
		if (var_compute(c, v, d, row, val) == -1) {
			*state = V_NEW;
			return -1;
		}
		*state = V_DONE;
	}
	expr_value_copy(out, val);
	return 0;
}

static const struct rdl_group *
group_named(const struct rctx *c, const char *name)
{
	for (size_t i = 0; i < c->nvgroups; i++)
		if (strcmp(c->vgroups[i]->name, name) == 0)
			return c->vgroups[i];
	return NULL;
}

/* A variable of a group whose instance is on the stack (innermost first). */
static int
group_var(struct rctx *c, const char *name, struct expr_value *out,
    bool *found)
{
	for (size_t i = c->depth; i > 0; i--) {
		struct scope_frame *f = &c->stack[i - 1];
		const struct rdl_group *g = group_named(c, f->name);

		for (size_t k = 0; g != NULL && k < g->nvars; k++) {
			if (strcmp(g->vars[k].name, name) != 0)
				continue;
			*found = true;
			if (f->vars == NULL) {
				f->vars = xcalloc(g->nvars + 1, sizeof(*f->vars));
				f->vstate = xcalloc(g->nvars + 1, 1);
				f->nvars = g->nvars;
			}
			return var_get(c, &g->vars[k], &f->vars[k], &f->vstate[k],
			    i, f->nrows > 0 ? f->rows[0] : NULL, out);
		}
	}
	*found = false;
	return 0;
}

static int
var_cb(void *arg, const char *name, const struct expr_value *set,
    struct expr_env *env, struct expr_value *out, struct rs_err *e)
{
	struct rctx	*c = arg;
	const struct rdl_report *r = c->r;
	bool		 found;

	(void)env;
	out->type = EXPR_T_NULL;
	if (set == NULL) {
		if (group_var(c, name, out, &found) == -1 || found)
			return found ? 0 : -1;
	}
	for (size_t i = 0; i < r->nvars; i++) {
		if (strcmp(r->vars[i].name, name) != 0)
			continue;
		if (set == NULL)
			return var_get(c, &r->vars[i], &c->rvars[i],
			    &c->rvstate[i], 0, NULL, out);
		if (!r->vars[i].writable)
			return rs_err_set(e, RS_E_BADINPUT, "variable %s is not "
			    "Writable", name);
		expr_value_fini(&c->rvars[i]);
		expr_value_copy(&c->rvars[i], set);
		c->rvstate[i] = V_DONE;
		out->type = EXPR_T_BOOL;
		out->u.b = true;
		return 0;
	}
	return rs_err_set(e, RS_E_BADINPUT, "variable %s is not in scope here "
	    "(a group variable is seen inside its group)", name);
}

static void
collect_groups(struct rctx *c, const struct rdl_member *m, size_t n);

static void
collect_items(struct rctx *c, struct rdl_item *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct rdl_tablix *t = items[i]->tablix;
		collect_items(c, items[i]->items, items[i]->nitems);
		if (t != NULL) {
			collect_groups(c, t->members, t->nmembers);
			collect_groups(c, t->col_members, t->ncol_members);
		}
	}
}

static void
collect_groups(struct rctx *c, const struct rdl_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].group != NULL && m[i].group->nvars > 0) {
			c->vgroups = xreallocarray(c->vgroups, c->nvgroups + 1,
			    sizeof(*c->vgroups));
			c->vgroups[c->nvgroups++] = m[i].group;
		}
		collect_groups(c, m[i].children, m[i].nchildren);
	}
}

/* A textbox of the report by name (body, tables and bands). */
static const struct rdl_item *
find_textbox(struct rdl_item *const *items, size_t n, const char *name);

static const struct rdl_item *
find_in_members(const struct rdl_member *m, size_t n, const char *name)
{
	const struct rdl_item *it = NULL;

	for (size_t i = 0; i < n && it == NULL; i++) {
		if (m[i].header != NULL)
			it = find_textbox((struct rdl_item *const *)&m[i].header,
			    1, name);
		if (it == NULL)
			it = find_in_members(m[i].children, m[i].nchildren, name);
	}
	return it;
}

static const struct rdl_item *
find_textbox(struct rdl_item *const *items, size_t n, const char *name)
{
	const struct rdl_item *it = NULL;

	for (size_t i = 0; i < n && it == NULL; i++) {
		const struct rdl_tablix *t = items[i]->tablix;

		if (items[i]->kind == RDL_TEXTBOX &&
		    strcmp(items[i]->name, name) == 0)
			return items[i];
		it = find_textbox(items[i]->items, items[i]->nitems, name);
		for (size_t r = 0; t != NULL && it == NULL && r < t->nrows; r++)
			for (size_t k = 0; it == NULL && k < t->ncols; k++)
				if (t->rows[r].cells[k].item != NULL)
					it = find_textbox(&t->rows[r].cells[k].item,
					    1, name);
		if (t != NULL && it == NULL)
			it = find_in_members(t->members, t->nmembers, name);
		if (t != NULL && it == NULL)
			it = find_in_members(t->col_members, t->ncol_members,
			    name);
	}
	return it;
}

/*
 * ReportItems!T.Value in the body: T's value in the current scope (its
 * one run's value, or the text of its runs).
 */
int
body_ritem(struct rctx *c, const char *name, struct expr_value *out)
{
	const struct rdl_item *it = find_textbox(c->r->body, c->r->nbody,
	    name);
	struct rcell	 cell;
	int		 rv;

	out->type = EXPR_T_NULL;
	if (it == NULL)
		return 0;
	if (c->ritem_depth >= RITEM_DEPTH_MAX)
		return rs_err_set(c->e, RS_E_BADINPUT, "ReportItems!%s: textboxes "
		    "refer to each other in a circle", name);
	memset(&cell, 0, offsetof(struct rcell, st));
	c->ritem_depth++;
	rv = textbox_value(c, it, &cell);
	c->ritem_depth--;
	if (rv == 0) {
		*out = cell.value;
		cell.value.type = EXPR_T_NULL;
		if (out->type == EXPR_T_STRING && out->borrowed)
			expr_value_str(out, out->u.s);
	}
	rcell_fini(&cell);
	return rv;
}

/* InScope("x"): is x a scope the evaluation is inside of? */
bool
scope_in(const struct rctx *c, const char *scope)
{
	for (size_t i = c->depth; i > 0; i--)
		if (strcmp(c->stack[i - 1].name, scope) == 0)
			return true;
	return false;
}

/* The culture of a Language name, loaded once per render. */
int
culture_get(struct rctx *c, const char *name, const struct expr_culture **out)
{
	struct expr_culture *cu;

	*out = NULL;
	if (name == NULL || name[0] == '\0' || strcasecmp(name, "en-US") == 0)
		return 0;
	for (size_t i = 0; i < c->ncultures; i++)
		if (strcasecmp(c->cultures[i].name, name) == 0) {
			*out = c->cultures[i].c;
			return 0;
		}
	cu = expr_culture_new(name, c->e);
	if (cu == NULL)
		return -1;
	c->cultures = xreallocarray(c->cultures, c->ncultures + 1,
	    sizeof(*c->cultures));
	c->cultures[c->ncultures].name = xstrdup(name);
	c->cultures[c->ncultures].c = cu;
	c->ncultures++;
	*out = cu;
	return 0;
}

/* A Language property's culture (NULL: none given, or en-US). */
int
culture_of_prop(struct rctx *c, const struct rdl_expr *p,
    const struct expr_culture **out)
{
	struct expr_value v;
	struct buf	 b;
	int		 rv;

	*out = NULL;
	if (p == NULL)
		return 0;
	if (!p->is_expr)
		return culture_get(c, p->text, out);
	if (eval_prop(c, p, &v) == -1)
		return -1;
	buf_init(&b, 64);
	expr_value_text(&v, &b, NULL);
	expr_value_fini(&v);
	rv = culture_get(c, b.data, out);
	buf_fini(&b);
	if (rv == -1)
		rs_err_prefix(c->e, "line %d: Language", p->line);
	return rv;
}

int
scope_init(struct rctx *c)
{
	const struct rdl_report *r = c->r;

	c->rvars = xcalloc(r->nvars + 1, sizeof(*c->rvars));
	c->rvstate = xcalloc(r->nvars + 1, 1);
	collect_items(c, r->body, r->nbody);
	c->env.var = var_cb;
	c->env.var_arg = c;
	if (r->code != NULL) {
		c->env.code = r->code;
		c->env.code_state = expr_code_state_new(r->code);
	}
	return 0;
}

int
culture_init(struct rctx *c)
{
	if (culture_of_prop(c, c->r->language_prop, &c->culture) == -1)
		return -1;
	c->env.culture = c->culture;
	return 0;
}

void
scope_fini(struct rctx *c)
{
	for (size_t i = 0; c->rvars != NULL && i < c->r->nvars; i++)
		expr_value_fini(&c->rvars[i]);
	free(c->rvars);
	free(c->rvstate);
	free(c->vgroups);
	expr_code_state_free(c->env.code_state);
	c->env.code_state = NULL;
	for (size_t i = 0; i < c->ncultures; i++) {
		free(c->cultures[i].name);
		expr_culture_free(c->cultures[i].c);
	}
	free(c->cultures);
	c->rvars = NULL;
	c->rvstate = NULL;
	c->vgroups = NULL;
	c->cultures = NULL;
	c->ncultures = c->nvgroups = 0;
}

/*
 * The scope an inner aggregate names (the first one found), or NULL for
 * the current scope.
 */
static int
inner_scope(struct expr_node *n, void *arg)
{
	const char **scope = arg;

	if (!expr_agg_scoped(n))
		return 0;
	*scope = n->scope;
	return 1;
}

struct nest {
	struct rctx		*c;
	const struct expr_node	*n;
	const struct rdl_group	*path[SCOPE_DEPTH_MAX];
	size_t			 npath;
	const char		*name;		/* the inner scope's */
	struct expr_agg		 acc;
};

/* One instance of the inner scope: the argument in it, accumulated. */
static int
nest_leaf(struct nest *w, struct expr_value **rows, size_t n)
{
	struct rctx	*c = w->c;
	struct expr_value v;
	int		 rv;

	if (push_frame(c, w->name, rows, n) == NULL)
		return -1;
	c->stack[c->depth - 1].group = w->path[w->npath - 1];
	rv = expr_eval(w->n->args[0], &c->env, &v, c->e);
	pop_frame(c);
	if (rv == 0) {
		rv = expr_agg_add(&w->acc, &v, c->e);
		expr_value_fini(&v);
	}
	return rv;
}

/* Splits rows by the groups of the path from level on. */
static int
nest_split(struct nest *w, struct expr_value **rows, size_t n, size_t level)
{
	const struct rdl_group *g;
	struct skey	*inst;
	size_t		 ni;
	int		 rv = 0;

	if (level == w->npath)
		return nest_leaf(w, rows, n);
	g = w->path[level];
	if (g->nexprs == 0) {		/* details: one instance per row */
		for (size_t i = 0; i < n && rv == 0; i++)
			rv = nest_split(w, rows + i, 1, level + 1);
		return rv;
	}
	if ((inst = group_rows_by(w->c, g, rows, n, &ni)) == NULL)
		return -1;
	for (size_t i = 0; i < ni && rv == 0; i++)
		rv = nest_split(w, rows + inst[i].start, inst[i].n, level + 1);
	free(inst);
	return rv;
}

/*
 * An aggregate of an aggregate, Max(Sum(X), "Tablix1"): the outer one
 * (frame fi's rows) over the instances of the inner one's scope (the
 * current group, or the group it names, which must be on the way from
 * the outer scope to here), as the original computes it.
 */
int
agg_nested(struct rctx *c, const struct expr_node *n, size_t fi,
    struct expr_value *out)
{
	struct nest	*w = xcalloc(1, sizeof(*w));
	const char	*scope = NULL;
	struct expr_value **rows;
	size_t		 ti = c->depth - 1, nr = c->stack[fi].nrows;
	int		 rv;

	/* The named scope, or the innermost group (a chart in a cell sits
	 * in a frame of its own, inside its cell's group). */
	(void)expr_walk(n->args[0], inner_scope, &scope);
	for (ti = c->depth; ti > fi + 1; ti--)
		if (scope != NULL ? strcmp(c->stack[ti - 1].name, scope) == 0 :
		    c->stack[ti - 1].group != NULL)
			break;
	ti--;
	w->c = c;
	w->n = n;
	for (size_t i = fi + 1; i <= ti && i < c->depth; i++)
		if (c->stack[i].group != NULL)
			w->path[w->npath++] = c->stack[i].group;
	if (ti <= fi || w->npath == 0 || c->stack[ti].group == NULL) {
		free(w);
		return rs_err_set(c->e, RS_E_BADINPUT, "%s: the inner "
		    "aggregate's scope must be a group inside the outer "
		    "one's (\"%s\") that holds the expression", n->name,
		    n->scope != NULL ? n->scope : "");
	}
	w->name = c->stack[ti].name;
	rows = xcalloc(nr + 1, sizeof(*rows));
	memcpy(rows, c->stack[fi].rows, nr * sizeof(*rows));
	expr_agg_init(&w->acc, n->aggfn);
	rv = nest_split(w, rows, nr, 0);
	if (rv == 0)
		rv = expr_agg_result(&w->acc, out, c->e);
	expr_agg_fini(&w->acc);
	free(rows);
	free(w);
	return rv;
}

struct expr_value **
filter_rows(struct rctx *c, const struct rdl_filter *filters, size_t nfilters,
    struct expr_value **from, size_t nfrom, size_t *n)
{
	struct expr_value **rows = xcalloc(nfrom + 1, sizeof(*rows));
	const struct expr_value *saved = c->env.row;
	bool		 pass;

	*n = 0;
	for (size_t i = 0; i < nfrom; i++) {
		c->env.row = from[i];
		if (filters_pass(c, filters, nfilters, &pass) == -1) {
			c->env.row = saved;
			free(rows);
			return NULL;
		}
		if (pass)
			rows[(*n)++] = from[i];
	}
	c->env.row = saved;
	if (filters_rank_rows(c, filters, nfilters, rows, n) == -1) {
		free(rows);
		return NULL;
	}
	return rows;
}
