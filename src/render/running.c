/*
 * running.c: RunningValue and Previous.  Each expression node keeps one
 * state per render: the accumulator of RunningValue (restarted in each
 * instance of its scope) and the last two values of Previous (in detail
 * rows the row shown before, restarted per instance when a scope is
 * named; in a group header or footer the value of the instance before).
 * A detail row counts once however often its cells are evaluated.
 */
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "render/render_int.h"

static struct running *
running_of(struct rctx *c, const struct expr_node *n)
{
	struct running	*r;

	for (size_t i = 0; i < c->nrunning; i++)
		if (c->running[i].node == n)
			return &c->running[i];
	c->running = xreallocarray(c->running, c->nrunning + 1,
	    sizeof(*c->running));
	r = &c->running[c->nrunning++];
	memset(r, 0, sizeof(*r));
	r->node = n;
	r->pos = -1;
	expr_agg_init(&r->acc, (enum expr_aggfn)n->op);
	return r;
}

/* In a group header or footer: the value of the instance before this
 * one (Previous(Sum(...)) of the group). */
static int
previous_instance(struct rctx *c, const struct expr_node *n,
    struct running *r, struct expr_value *out)
{
	const struct scope_frame *cur = &c->stack[c->depth - 1];
	struct expr_value v;

	if (r->gen != cur->gen) {
		if (expr_eval(n->args[0], &c->env, &v, c->e) == -1)
			return -1;
		expr_value_fini(&r->prev);
		r->prev = r->cur;
		expr_value_copy(&r->cur, &v);
		expr_value_fini(&v);
		r->gen = cur->gen;
	}
	expr_value_copy(out, &r->prev);
	return 0;
}

/*
 * RunningValue adds each detail row's value once, in the order the rows
 * are shown, and starts again in each instance of its scope; Previous
 * answers the value of the row shown before.  Outside a detail row both
 * give what they hold.
 */
int
running_value(struct rctx *c, const struct expr_node *n,
    const struct scope_frame *f, struct expr_value *out)
{
	struct running	*r = running_of(c, n);
	struct expr_value v;

	if (r->gen != f->gen && n->aggfn == EXPR_AGG_RUNNINGVALUE) {
		expr_agg_fini(&r->acc);
		expr_agg_init(&r->acc, (enum expr_aggfn)n->op);
		r->gen = f->gen;
		r->pos = -1;
	}
	/* Previous(expr, "Group") in detail rows starts again in each
	 * instance of its scope: the first row of a group has Nothing. */
	if (r->gen != f->gen && n->aggfn == EXPR_AGG_PREVIOUS && c->in_detail &&
	    n->scope != NULL) {
		expr_value_fini(&r->prev);
		expr_value_fini(&r->cur);
		r->gen = f->gen;
		r->pos = -1;
	}
	if (n->aggfn == EXPR_AGG_PREVIOUS && !c->in_detail && c->depth > 0)
		return previous_instance(c, n, r, out);
	if (c->in_detail && r->pos != f->pos) {
		if (expr_eval(n->args[0], &c->env, &v, c->e) == -1)
			return -1;
		r->pos = f->pos;
		if (n->aggfn == EXPR_AGG_RUNNINGVALUE) {
			int rv = expr_agg_add(&r->acc, &v, c->e);
			expr_value_fini(&v);
			if (rv == -1)
				return -1;
		} else {
			expr_value_fini(&r->prev);
			r->prev = r->cur;
			expr_value_copy(&r->cur, &v);
			expr_value_fini(&v);
		}
	}
	if (n->aggfn == EXPR_AGG_PREVIOUS) {
		expr_value_copy(out, &r->prev);
		return 0;
	}
	return expr_agg_result(&r->acc, out, c->e);
}

void
running_free(struct rctx *c)
{
	for (size_t i = 0; i < c->nrunning; i++) {
		expr_agg_fini(&c->running[i].acc);
		expr_value_fini(&c->running[i].prev);
		expr_value_fini(&c->running[i].cur);
	}
	free(c->running);
	c->running = NULL;
	c->nrunning = 0;
}
