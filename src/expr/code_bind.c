/*
 * code_bind.c: binds the names of a parsed Code module, once every
 * function is known: a name is a slot of its function (a parameter, the
 * function's own name as its result, a Dim), a Static or module variable,
 * a function of the module (with its number of arguments checked), or a
 * built-in; with parentheses a variable is an array element.  An
 * undeclared name, an assignment to a Const and a statement that is not
 * an assignment or a call are refused with their line.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "expr/expr_int.h"

struct cbind {
	const struct expr_code	*m;
	const struct vb_func	*f;
	int			 fi;
	struct rs_err		*e;
};

static int	bind_node(struct cbind *, struct expr_node *);

static int
global_find(const struct expr_code *m, int fi, const char *name)
{
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m->nglobals; i++)
			if (strcasecmp(m->globals[i].name, name) == 0 &&
			    m->globals[i].func == (pass == 0 ? fi : -1))
				return (int)i;
	return -1;
}

/* n becomes a local or global slot; with parentheses an element. */
static void
make_slot(struct expr_node *n, int slot, int where)
{
	struct expr_node *v;

	if (n->op == 0 || n->nargs == 0) {
		for (size_t i = 0; i < n->nargs; i++)
			expr_free(n->args[i]);
		n->nargs = 0;
		n->kind = EXPR_LOCAL;
		n->index = slot;
		n->op = where;
		return;
	}
	v = xcalloc(1, sizeof(*v));
	v->kind = EXPR_LOCAL;
	v->index = slot;
	v->op = where;
	v->field_index = -1;
	v->line = n->line;
	v->name = xstrdup(n->name);
	n->args = xreallocarray(n->args, n->nargs + 1, sizeof(*n->args));
	memmove(n->args + 1, n->args, n->nargs * sizeof(*n->args));
	n->args[0] = v;
	n->nargs++;
	n->kind = EXPR_INDEX;
}

static int
bind_builtin(struct cbind *b, struct expr_node *n)
{
	const struct expr_func *f = n->fn;

	if (n->op == 0 && f->min_args > 0)
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s needs "
		    "arguments in parentheses", n->line, f->name);
	if ((int)n->nargs < f->min_args || (int)n->nargs > f->max_args)
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: wrong number "
		    "of arguments to %s", n->line, f->name);
	n->kind = EXPR_CALL;
	return 0;
}

static int
bind_name(struct cbind *b, struct expr_node *n)
{
	int		 i, min, max;
	bool		 self = b->f != NULL && strcasecmp(n->name, b->f->name) == 0;

	if ((i = cp_slot_find(b->f, n->name)) >= 0 && !(self && n->op &&
	    n->nargs > 0)) {
		make_slot(n, i, VB_SLOT_LOCAL);
		return 0;
	}
	if ((i = global_find(b->m, b->fi, n->name)) >= 0) {
		make_slot(n, i, VB_SLOT_GLOBAL);
		return 0;
	}
	if ((i = expr_code_find(b->m, n->name, &min, &max)) >= 0) {
		if ((int)n->nargs < min || (int)n->nargs > max)
			return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s takes "
			    "%d to %d arguments, not %zu", n->line, n->name, min,
			    max, n->nargs);
		n->kind = EXPR_UCALL;
		n->index = i;
		return 0;
	}
	if (n->fn != NULL)
		return bind_builtin(b, n);
	return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s is not declared "
	    "(declare it with Dim, or pass it as a parameter)", n->line,
	    n->name);
}

static int
bind_node(struct cbind *b, struct expr_node *n)
{
	if (n == NULL)
		return 0;
	if (n->kind == EXPR_NAME && bind_name(b, n) == -1)
		return -1;
	if (n->kind == EXPR_CODE)
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: call the "
		    "module's functions by their names, without Code.", n->line);
	for (size_t i = 0; i < n->nargs; i++)
		if (bind_node(b, n->args[i]) == -1)
			return -1;
	return 0;
}

static int
bind_target(struct cbind *b, struct expr_node *n, int line)
{
	if (bind_node(b, n) == -1)
		return -1;
	if (n->kind == EXPR_LOCAL && n->op == VB_SLOT_GLOBAL &&
	    b->m->globals[n->index].is_const)
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: %s is a Const "
		    "and cannot be assigned", line, n->name);
	if (n->kind != EXPR_LOCAL && !(n->kind == EXPR_INDEX &&
	    n->args[0]->kind == EXPR_LOCAL && n->nargs == 2))
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: only a variable "
		    "or an array element can be assigned", line);
	return 0;
}

static int	bind_block(struct cbind *, struct vb_block *);

static int
bind_stmt(struct cbind *b, struct vb_stmt *s)
{
	if ((s->target != NULL && bind_target(b, s->target, s->line) == -1) ||
	    bind_node(b, s->e1) == -1 || bind_node(b, s->e2) == -1 ||
	    bind_node(b, s->e3) == -1 || bind_block(b, &s->body) == -1 ||
	    bind_block(b, &s->alt) == -1 || bind_block(b, &s->fin) == -1)
		return -1;
	for (size_t i = 0; i < s->ncases; i++) {
		for (size_t j = 0; j < s->cases[i].nitems; j++)
			if (bind_node(b, s->cases[i].items[j].a) == -1 ||
			    bind_node(b, s->cases[i].items[j].b) == -1)
				return -1;
		if (bind_block(b, &s->cases[i].body) == -1)
			return -1;
	}
	if (s->kind == VB_EXPR && s->e1->kind != EXPR_UCALL &&
	    s->e1->kind != EXPR_CALL && s->e1->kind != EXPR_MEMBER &&
	    s->e1->kind != EXPR_VAR)
		return rs_err_set(b->e, RS_E_BADINPUT, "line %d: a statement "
		    "must be an assignment or a call", s->line);
	return 0;
}

static int
bind_block(struct cbind *b, struct vb_block *blk)
{
	for (size_t i = 0; i < blk->n; i++)
		if (bind_stmt(b, &blk->v[i]) == -1)
			return -1;
	return 0;
}

int
vb_bind_module(struct expr_code *m, struct rs_err *e)
{
	struct cbind	 b = { .m = m, .fi = -1, .e = e };

	for (size_t i = 0; i < m->nglobals; i++)
		if (bind_node(&b, m->globals[i].init) == -1 ||
		    bind_node(&b, m->globals[i].size) == -1)
			return -1;
	for (size_t i = 0; i < m->nfuncs; i++) {
		b.f = &m->funcs[i];
		b.fi = (int)i;
		for (size_t j = 0; j < b.f->nparams; j++)
			if (bind_node(&b, b.f->params[j].dflt) == -1)
				return -1;
		if (bind_block(&b, &m->funcs[i].body) == -1)
			return -1;
	}
	return 0;
}
