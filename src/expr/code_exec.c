/*
 * code_exec.c: runs the functions of a Code block.  A call gets a frame
 * of slots (its parameters, its own name as the return value, its
 * variables); module variables live in the render's state and keep their
 * values from call to call, as the members of SSRS's Code class do for
 * one report execution.  Assignments convert to the declared type as VB
 * does with Option Strict Off; arrays are shared by reference.
 *
 * Every statement and loop turn costs a step: a call from a report
 * expression may take EXPR_CODE_STEPS_MAX, a render all of its calls
 * EXPR_CODE_RENDER_STEPS; variables may hold EXPR_CODE_MEM_MAX bytes and
 * calls nest EXPR_CODE_DEPTH_MAX deep.  Past a budget the call fails with
 * RS_E_LIMIT naming the function and line (a loop that never ends is a
 * clear error, never a hung server), and Catch cannot catch it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "expr/expr_int.h"

struct expr_frame {
	const struct vb_func	*f;
	struct expr_value	*slots;
	int			 line;	/* the statement running */
};

struct expr_code_state {
	const struct expr_code	*m;
	struct expr_value	*globals;
	bool			 inited;
	int64_t			 steps;		/* this call from a report */
	int64_t			 max_steps;	/* per call */
	int64_t			 total;		/* this render */
	int64_t			 mem;		/* bytes held by variables */
	int			 depth;
	bool			 tagged;	/* the error names its place */
};

/* What a statement did: go on, or leave something. */
enum flow { F_ERR = -1, F_NEXT = 0, F_RETURN, F_EXIT, F_CONTINUE };

struct xctx {
	struct expr_env		*env;
	struct expr_code_state	*st;
	struct expr_frame	*fr;
	struct rs_err		*e;
	int			 exit;	/* enum vb_exit of F_EXIT/F_CONTINUE */
};

void
vb_default(const struct vb_type *t, struct expr_value *v)
{
	memset(v, 0, sizeof(*v));
	v->type = EXPR_T_NULL;
	if (t->array)
		return;
	switch (t->base) {
	case EXPR_T_BOOL:
		v->type = EXPR_T_BOOL;
		break;
	case EXPR_T_INT:
		v->type = EXPR_T_INT;
		break;
	case EXPR_T_FLOAT:
		v->type = EXPR_T_FLOAT;
		break;
	case EXPR_T_DATETIME:
		v->type = EXPR_T_DATETIME;
		v->u.dt = expr_dt_make(1, 1, 1, 0, 0, 0, 0);
		break;
	case EXPR_T_TIMESPAN:
		v->type = EXPR_T_TIMESPAN;
		break;
	default:
		break;
	}
}

struct expr_code_state *
expr_code_state_new(const struct expr_code *m)
{
	struct expr_code_state *st = xcalloc(1, sizeof(*st));

	st->m = m;
	st->max_steps = EXPR_CODE_STEPS_MAX;
	st->globals = xcalloc(m->nglobals + 1, sizeof(*st->globals));
	for (size_t i = 0; i < m->nglobals; i++)
		vb_default(&m->globals[i].type, &st->globals[i]);
	return st;
}

void
expr_code_state_steps(struct expr_code_state *st, int64_t steps)
{
	st->max_steps = steps > 0 && steps < EXPR_CODE_STEPS_MAX ? steps :
	    EXPR_CODE_STEPS_MAX;
}

void
expr_code_state_free(struct expr_code_state *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->m->nglobals; i++)
		expr_value_fini(&st->globals[i]);
	free(st->globals);
	free(st);
}

/* Names the place of an error once, where it happened. */
static int
fail_at(struct xctx *x, int line)
{
	if (!x->st->tagged && x->fr != NULL) {
		rs_err_prefix(x->e, "Code.%s line %d", x->fr->f->name, line);
		x->st->tagged = true;
	}
	return F_ERR;
}

static int
step(struct xctx *x, int line)
{
	x->fr->line = line;
	if (++x->st->steps > x->st->max_steps) {
		rs_err_set(x->e, RS_E_LIMIT, "the code ran more than %lld steps "
		    "in one call (a loop that does not end?); the limit keeps "
		    "the report server responsive", (long long)x->st->max_steps);
		return fail_at(x, line);
	}
	if (++x->st->total > EXPR_CODE_RENDER_STEPS) {
		rs_err_set(x->e, RS_E_LIMIT, "the report's code ran more than "
		    "%lld steps in this render", EXPR_CODE_RENDER_STEPS);
		return fail_at(x, line);
	}
	return 0;
}

/* The memory budget: what variables hold, counted as they change. */
static int
account(struct xctx *x, int64_t delta, int line)
{
	x->st->mem += delta;
	if (x->st->mem < 0)
		x->st->mem = 0;
	if (x->st->mem > (int64_t)EXPR_CODE_MEM_MAX) {
		rs_err_set(x->e, RS_E_LIMIT, "the code's variables hold more "
		    "than %u MB", EXPR_CODE_MEM_MAX >> 20);
		return fail_at(x, line);
	}
	return 0;
}

static struct expr_value *
slot_of(struct xctx *x, const struct expr_node *n)
{
	if (n->op == VB_SLOT_GLOBAL)
		return &x->st->globals[n->index];
	return &x->fr->slots[n->index];
}

static const struct vb_type *
type_of(struct xctx *x, const struct expr_node *n)
{
	if (n->op == VB_SLOT_GLOBAL)
		return &x->st->m->globals[n->index].type;
	return &x->fr->f->slot_types[n->index];
}

/* v (owned, taken) converted for a variable of type t. */
static int
convert_for(struct xctx *x, const struct vb_type *t, struct expr_value *v)
{
	if (t->array) {
		if (v->type != EXPR_T_ARRAY && v->type != EXPR_T_NULL)
			return rs_err_set(x->e, RS_E_BADINPUT, "an array "
			    "variable cannot hold a single value");
		return 0;
	}
	if (t->base == EXPR_T_NULL)
		return 0;
	if (v->type == EXPR_T_NULL) {
		if (t->base != EXPR_T_STRING)
			vb_default(t, v);
		return 0;
	}
	return expr_convert(v, t->base, x->env->culture, x->e);
}

/* Stores v (taken) into the slot n names. */
static int
store(struct xctx *x, const struct expr_node *n, struct expr_value *v,
    int line)
{
	struct expr_value *s = slot_of(x, n);
	int64_t		 delta;

	if (convert_for(x, type_of(x, n), v) == -1) {
		expr_value_fini(v);
		return fail_at(x, line);
	}
	delta = (int64_t)expr_value_size(v) - (int64_t)expr_value_size(s);
	expr_value_fini(s);
	*s = *v;
	v->type = EXPR_T_NULL;
	return account(x, delta, line);
}

static int
index_value(struct xctx *x, const struct expr_value *arr,
    const struct expr_node *inode, int64_t *i)
{
	struct expr_value iv;

	if (expr_eval(inode, x->env, &iv, x->e) == -1)
		return -1;
	if (expr_to_int(&iv, i, x->e) == -1) {
		expr_value_fini(&iv);
		return -1;
	}
	expr_value_fini(&iv);
	if (arr->type != EXPR_T_ARRAY)
		return rs_err_set(x->e, RS_E_BADINPUT, "%s is not an array",
		    arr->type == EXPR_T_NULL ? "Nothing" : "the value");
	if (*i < 0 || (size_t)*i >= arr->u.a->n)
		return rs_err_set(x->e, RS_E_BADINPUT, "index %lld is outside "
		    "the array (0 to %lld)", (long long)*i,
		    (long long)arr->u.a->n - 1);
	return 0;
}

/* a(i) = v: arrays are references, so every holder sees the change. */
static int
store_element(struct xctx *x, const struct expr_node *t, struct expr_value *v,
    int line)
{
	struct expr_value *arr = slot_of(x, t->args[0]);
	int64_t		 i, delta;

	if (index_value(x, arr, t->args[1], &i) == -1) {
		expr_value_fini(v);
		return fail_at(x, line);
	}
	delta = (int64_t)expr_value_size(v) -
	    (int64_t)expr_value_size(&arr->u.a->v[i]);
	expr_value_fini(&arr->u.a->v[i]);
	arr->u.a->v[i] = *v;
	v->type = EXPR_T_NULL;
	return account(x, delta, line);
}

static int
assign(struct xctx *x, const struct expr_node *t, struct expr_value *v,
    int line)
{
	if (t->kind == EXPR_INDEX)
		return store_element(x, t, v, line);
	return store(x, t, v, line);
}

static int	exec_block(struct xctx *, const struct vb_block *);

static int
eval_at(struct xctx *x, const struct expr_node *n, struct expr_value *v,
    int line)
{
	v->type = EXPR_T_NULL;
	if (expr_eval(n, x->env, v, x->e) == -1)
		return fail_at(x, line);
	if (v->borrowed && v->type == EXPR_T_STRING)
		expr_value_str(v, v->u.s);
	return 0;
}

static int
exec_assign(struct xctx *x, const struct vb_stmt *s)
{
	struct expr_value v, cur, r;

	if (eval_at(x, s->e1, &v, s->line) == -1)
		return F_ERR;
	if (s->op != 0) {
		if (eval_at(x, s->target, &cur, s->line) == -1) {
			expr_value_fini(&v);
			return F_ERR;
		}
		if (expr_binop(s->op, &cur, &v, x->env, &r, x->e) == -1) {
			expr_value_fini(&cur);
			expr_value_fini(&v);
			return fail_at(x, s->line);
		}
		expr_value_fini(&cur);
		expr_value_fini(&v);
		if (r.borrowed && r.type == EXPR_T_STRING)
			expr_value_str(&r, r.u.s);
		v = r;
	}
	return assign(x, s->target, &v, s->line);
}

/* A new array of n + 1 elements of type t (Dim a(n), ReDim a(n)). */
static int
new_array(struct xctx *x, const struct expr_node *size, const struct vb_type *t,
    const struct expr_value *keep, struct expr_value *out, int line)
{
	struct expr_value sv;
	struct vb_type	 el = { .base = t->base };
	int64_t		 n;

	if (eval_at(x, size, &sv, line) == -1)
		return -1;
	if (expr_to_int(&sv, &n, x->e) == -1) {
		expr_value_fini(&sv);
		return fail_at(x, line);
	}
	if (n < -1 || n >= EXPR_ARRAY_MAX) {
		rs_err_set(x->e, RS_E_LIMIT, "an array of %lld elements is "
		    "too large (at most %u)", (long long)n + 1, EXPR_ARRAY_MAX);
		return fail_at(x, line);
	}
	expr_value_array(out, (size_t)(n + 1));
	for (int64_t i = 0; i <= n; i++) {
		if (keep != NULL && keep->type == EXPR_T_ARRAY &&
		    (size_t)i < keep->u.a->n)
			expr_value_copy(&out->u.a->v[i], &keep->u.a->v[i]);
		else
			vb_default(&el, &out->u.a->v[i]);
	}
	return 0;
}

static int
exec_dim(struct xctx *x, const struct vb_stmt *s)
{
	struct expr_value v;

	if (s->e2 != NULL) {
		if (new_array(x, s->e2, &s->type, NULL, &v, s->line) == -1)
			return F_ERR;
	} else if (eval_at(x, s->e1, &v, s->line) == -1)
		return F_ERR;
	return assign(x, s->target, &v, s->line);
}

static int
exec_redim(struct xctx *x, const struct vb_stmt *s)
{
	struct expr_value v;

	if (new_array(x, s->e1, type_of(x, s->target), s->preserve ?
	    slot_of(x, s->target) : NULL, &v, s->line) == -1)
		return F_ERR;
	return assign(x, s->target, &v, s->line);
}

static int
truth(struct xctx *x, const struct expr_node *n, int line, bool *t)
{
	struct expr_value v;

	if (eval_at(x, n, &v, line) == -1)
		return -1;
	*t = expr_value_truthy(&v);
	expr_value_fini(&v);
	return 0;
}

static int
exec_if(struct xctx *x, const struct vb_stmt *s)
{
	bool		 t;

	if (truth(x, s->e1, s->line, &t) == -1)
		return F_ERR;
	return exec_block(x, t ? &s->body : &s->alt);
}

/* Does the Select's value match one item of a Case? */
static int
case_match(struct xctx *x, struct expr_value *v, const struct vb_case_item *it,
    int line, bool *hit)
{
	struct expr_value a, b, r;
	int		 rv;

	if (eval_at(x, it->a, &a, line) == -1)
		return -1;
	if (it->b != NULL) {
		if (eval_at(x, it->b, &b, line) == -1) {
			expr_value_fini(&a);
			return -1;
		}
		rv = expr_binop(TK_GE, v, &a, x->env, &r, x->e);
		*hit = rv == 0 && r.u.b;
		if (rv == 0 && *hit)
			rv = expr_binop(TK_LE, v, &b, x->env, &r, x->e);
		*hit = *hit && rv == 0 && r.u.b;
		expr_value_fini(&b);
	} else {
		rv = expr_binop(it->op != 0 ? it->op : TK_EQ, v, &a, x->env, &r,
		    x->e);
		*hit = rv == 0 && r.u.b;
	}
	expr_value_fini(&a);
	return rv == -1 ? fail_at(x, line) : 0;
}

static int
exec_select(struct xctx *x, const struct vb_stmt *s)
{
	struct expr_value v;
	bool		 hit = false;
	int		 rv = F_NEXT;

	if (eval_at(x, s->e1, &v, s->line) == -1)
		return F_ERR;
	for (size_t i = 0; i < s->ncases && !hit; i++) {
		const struct vb_case *c = &s->cases[i];
		hit = c->nitems == 0;
		for (size_t j = 0; j < c->nitems && !hit; j++)
			if (case_match(x, &v, &c->items[j], s->line, &hit) == -1) {
				expr_value_fini(&v);
				return F_ERR;
			}
		if (hit)
			rv = exec_block(x, &c->body);
	}
	expr_value_fini(&v);
	if (rv == F_EXIT && x->exit == VB_X_SELECT)
		rv = F_NEXT;
	return rv;
}

/* What a loop does with what its body did. */
static int
loop_flow(struct xctx *x, int rv, int kind, bool *stop)
{
	*stop = false;
	if ((rv == F_EXIT || rv == F_CONTINUE) && x->exit == kind) {
		*stop = rv == F_EXIT;
		return F_NEXT;
	}
	if (rv != F_NEXT)
		*stop = true;
	return rv;
}

static int
exec_for(struct xctx *x, const struct vb_stmt *s)
{
	struct expr_value from, to, by = { .type = EXPR_T_INT, .u.i = 1 };
	struct expr_value i, r, t;
	bool		 stop = false;
	int		 rv = F_NEXT;

	if (eval_at(x, s->e1, &from, s->line) == -1)
		return F_ERR;
	if (eval_at(x, s->e2, &to, s->line) == -1 || (s->e3 != NULL &&
	    eval_at(x, s->e3, &by, s->line) == -1)) {
		expr_value_fini(&from);
		return F_ERR;
	}
	if (store(x, s->target, &from, s->line) == -1)
		goto out;
	for (;;) {
		double step_d;
		if (step(x, s->line) == -1 ||
		    expr_to_double(&by, &step_d, x->e) == -1 ||
		    eval_at(x, s->target, &i, s->line) == -1) {
			rv = fail_at(x, s->line);
			break;
		}
		if (expr_binop(step_d >= 0 ? TK_LE : TK_GE, &i, &to,
		    x->env, &t, x->e) == -1) {
			expr_value_fini(&i);
			rv = fail_at(x, s->line);
			break;
		}
		if (!t.u.b) {
			expr_value_fini(&i);
			break;
		}
		rv = loop_flow(x, exec_block(x, &s->body), VB_X_FOR, &stop);
		if (stop || rv == F_ERR) {
			expr_value_fini(&i);
			break;
		}
		expr_value_fini(&i);
		if (eval_at(x, s->target, &i, s->line) == -1 ||
		    expr_binop(TK_PLUS, &i, &by, x->env, &r, x->e) == -1) {
			expr_value_fini(&i);
			rv = fail_at(x, s->line);
			break;
		}
		expr_value_fini(&i);
		if (store(x, s->target, &r, s->line) == -1) {
			rv = F_ERR;
			break;
		}
	}
out:
	expr_value_fini(&to);
	expr_value_fini(&by);
	return rv;
}

static int
exec_foreach(struct xctx *x, const struct vb_stmt *s)
{
	struct expr_value coll, el;
	size_t		 n;
	bool		 stop = false;
	int		 rv = F_NEXT;

	if (eval_at(x, s->e1, &coll, s->line) == -1)
		return F_ERR;
	if (coll.type != EXPR_T_ARRAY && coll.type != EXPR_T_STRING) {
		rs_err_set(x->e, RS_E_BADINPUT, "For Each needs an array or a "
		    "string, not %s", coll.type == EXPR_T_NULL ? "Nothing" :
		    "a single value");
		expr_value_fini(&coll);
		return fail_at(x, s->line);
	}
	n = coll.type == EXPR_T_ARRAY ? coll.u.a->n : strlen(coll.u.s);
	for (size_t i = 0; i < n && !stop; i++) {
		if (step(x, s->line) == -1) {
			rv = F_ERR;
			break;
		}
		if (coll.type == EXPR_T_ARRAY)
			expr_value_copy(&el, &coll.u.a->v[i]);
		else {
			size_t len = 1;
			while (i + len < n && (coll.u.s[i + len] & 0xC0) == 0x80)
				len++;
			expr_value_take_str(&el, xstrndup(coll.u.s + i, len));
			i += len - 1;
		}
		if (store(x, s->target, &el, s->line) == -1) {
			rv = F_ERR;
			break;
		}
		rv = loop_flow(x, exec_block(x, &s->body), VB_X_FOR, &stop);
	}
	expr_value_fini(&coll);
	return rv;
}

/* While, and Do with its condition before or after the body. */
static int
exec_loop(struct xctx *x, const struct vb_stmt *s)
{
	int		 kind = s->kind == VB_WHILE ? VB_X_WHILE : VB_X_DO;
	bool		 stop = false, t;
	int		 rv = F_NEXT;

	for (;;) {
		if (step(x, s->line) == -1)
			return F_ERR;
		if (s->e1 != NULL && !s->post) {
			if (truth(x, s->e1, s->line, &t) == -1)
				return F_ERR;
			if (t == s->until)
				break;
		}
		rv = loop_flow(x, exec_block(x, &s->body), kind, &stop);
		if (stop)
			break;
		if (s->e1 != NULL && s->post) {
			if (truth(x, s->e1, s->line, &t) == -1)
				return F_ERR;
			if (t == s->until)
				break;
		}
	}
	return rv;
}

static int
exec_try(struct xctx *x, const struct vb_stmt *s)
{
	int		 rv, fin;
	struct expr_value msg;

	rv = exec_block(x, &s->body);
	if (rv == F_ERR && s->op == 1 && x->e->code != RS_E_LIMIT) {
		/* The message without the place it was tagged with. */
		const char *m = x->e->msg, *colon = strstr(m, ": ");
		if (x->st->tagged && strncmp(m, "Code.", 5) == 0 && colon != NULL)
			m = colon + 2;
		expr_value_str(&msg, m);
		rs_err_clear(x->e);
		x->st->tagged = false;
		if (s->target != NULL && store(x, s->target, &msg, s->line) == -1)
			return F_ERR;
		expr_value_fini(&msg);
		rv = exec_block(x, &s->alt);
	}
	if (rv == F_EXIT && x->exit == VB_X_TRY)
		rv = F_NEXT;
	if (s->fin.n > 0 && (rv != F_ERR || x->e->code != RS_E_LIMIT)) {
		struct rs_err saved = *x->e;
		bool tagged = x->st->tagged;
		fin = exec_block(x, &s->fin);
		if (fin != F_NEXT)
			return fin;
		*x->e = saved;
		x->st->tagged = tagged;
	}
	return rv;
}

static int
exec_return(struct xctx *x, const struct vb_stmt *s)
{
	struct expr_value v;
	struct expr_node slot = { .kind = EXPR_LOCAL,
	    .index = (int)x->fr->f->nparams, .op = VB_SLOT_LOCAL };

	if (s->e1 == NULL)
		return F_RETURN;
	if (eval_at(x, s->e1, &v, s->line) == -1 ||
	    store(x, &slot, &v, s->line) == -1)
		return F_ERR;
	return F_RETURN;
}

static int
exec_throw(struct xctx *x, const struct vb_stmt *s)
{
	struct expr_value v = { .type = EXPR_T_NULL };
	struct buf	 b;

	if (s->e1 != NULL && eval_at(x, s->e1, &v, s->line) == -1)
		return F_ERR;
	buf_init(&b, 200);
	expr_value_text(&v, &b, NULL);
	expr_value_fini(&v);
	rs_err_set(x->e, RS_E_BADINPUT, "%s", b.data != NULL ? b.data :
	    "an exception was thrown");
	buf_fini(&b);
	return fail_at(x, s->line);
}

static int
exec_stmt(struct xctx *x, const struct vb_stmt *s)
{
	struct expr_value v;

	if (step(x, s->line) == -1)
		return F_ERR;
	switch (s->kind) {
	case VB_EXPR:
		if (eval_at(x, s->e1, &v, s->line) == -1)
			return F_ERR;
		expr_value_fini(&v);
		return F_NEXT;
	case VB_ASSIGN: return exec_assign(x, s);
	case VB_DIM: return exec_dim(x, s);
	case VB_REDIM: return exec_redim(x, s);
	case VB_IF: return exec_if(x, s);
	case VB_SELECT: return exec_select(x, s);
	case VB_FOR: return exec_for(x, s);
	case VB_FOREACH: return exec_foreach(x, s);
	case VB_WHILE: case VB_DO: return exec_loop(x, s);
	case VB_RETURN: return exec_return(x, s);
	case VB_EXIT:
		x->exit = s->op;
		return s->op == VB_X_FUNC ? F_RETURN : F_EXIT;
	case VB_CONTINUE:
		x->exit = s->op;
		return F_CONTINUE;
	case VB_TRY: return exec_try(x, s);
	case VB_THROW: return exec_throw(x, s);
	}
	return F_NEXT;
}

static int
exec_block(struct xctx *x, const struct vb_block *b)
{
	int		 rv;

	for (size_t i = 0; i < b->n; i++)
		if ((rv = exec_stmt(x, &b->v[i])) != F_NEXT)
			return rv;
	return F_NEXT;
}

/* Module variables take their declared values before the first call. */
static int
init_globals(struct expr_env *env, struct expr_code_state *st,
    struct rs_err *e)
{
	const struct expr_code *m = st->m;
	struct vb_func	 none = { .name = (char *)"(module)" };
	struct expr_frame fr = { .f = &none };
	struct xctx	 x = { .env = env, .st = st, .fr = &fr, .e = e };
	struct expr_node slot = { .kind = EXPR_LOCAL, .op = VB_SLOT_GLOBAL };
	struct expr_value v;

	st->inited = true;
	for (size_t i = 0; i < m->nglobals; i++) {
		const struct vb_global *g = &m->globals[i];
		slot.index = (int)i;
		if (g->size != NULL) {
			if (new_array(&x, g->size, &g->type, NULL, &v,
			    g->line) == -1)
				return -1;
		} else if (g->init == NULL)
			continue;
		else if (eval_at(&x, g->init, &v, g->line) == -1)
			return -1;
		if (store(&x, &slot, &v, g->line) == -1)
			return -1;
	}
	return 0;
}

static void
frame_fini(struct xctx *x, struct expr_frame *fr)
{
	int64_t		 held = 0;

	for (size_t i = 0; i < fr->f->nslots; i++) {
		held += (int64_t)expr_value_size(&fr->slots[i]);
		expr_value_fini(&fr->slots[i]);
	}
	free(fr->slots);
	x->st->mem -= held;
	if (x->st->mem < 0)
		x->st->mem = 0;
}

/*
 * Runs function fi with nargs values (taken); *out gets the result.
 * byref, when not NULL, gets the parameters' final values (nargs of
 * them, owned by the caller).
 */
static int
call(struct expr_env *env, int fi, struct expr_value *args, size_t nargs,
    struct expr_value *byref, struct expr_value *out, struct rs_err *e)
{
	struct expr_code_state *st = env->code_state;
	const struct vb_func *f = &st->m->funcs[fi];
	struct expr_frame fr = { .f = f }, *saved = env->frame;
	struct xctx	 x = { .env = env, .st = st, .fr = &fr, .e = e };
	struct expr_node slot = { .kind = EXPR_LOCAL, .op = VB_SLOT_LOCAL };
	int		 rv = -1, flow;

	if (st->depth >= EXPR_CODE_DEPTH_MAX) {
		for (size_t i = 0; i < nargs; i++)
			expr_value_fini(&args[i]);
		return rs_err_set(e, RS_E_LIMIT, "Code.%s: calls nested more "
		    "than %d deep (a recursion that does not end?)", f->name,
		    EXPR_CODE_DEPTH_MAX);
	}
	fr.slots = xcalloc(f->nslots + 1, sizeof(*fr.slots));
	for (size_t i = 0; i < f->nslots; i++)
		vb_default(&f->slot_types[i], &fr.slots[i]);
	st->depth++;
	env->frame = &fr;
	for (size_t i = 0; i < f->nparams; i++) {
		struct expr_value v = { .type = EXPR_T_NULL };
		slot.index = (int)i;
		if (i < nargs) {
			v = args[i];
			args[i].type = EXPR_T_NULL;
		} else if (f->params[i].dflt != NULL &&
		    eval_at(&x, f->params[i].dflt, &v, f->line) == -1)
			goto out;
		if (v.borrowed && v.type == EXPR_T_STRING)
			expr_value_str(&v, v.u.s);
		if (store(&x, &slot, &v, f->line) == -1)
			goto out;
	}
	flow = exec_block(&x, &f->body);
	if (flow == F_ERR)
		goto out;
	*out = fr.slots[f->nparams];
	fr.slots[f->nparams].type = EXPR_T_NULL;
	if (f->is_sub)
		expr_value_fini(out);
	for (size_t i = 0; byref != NULL && i < nargs && i < f->nparams; i++) {
		byref[i] = fr.slots[i];
		fr.slots[i].type = EXPR_T_NULL;
	}
	rv = 0;
out:
	for (size_t i = 0; i < nargs; i++)
		expr_value_fini(&args[i]);
	frame_fini(&x, &fr);
	env->frame = saved;
	st->depth--;
	return rv;
}

int
expr_code_call(struct expr_env *env, int fn, struct expr_value *args,
    size_t nargs, struct expr_value *out, struct rs_err *e)
{
	struct expr_code_state *st = env->code_state;
	struct expr_value own[32];
	struct expr_frame *saved = env->frame;
	int		 rv;

	out->type = EXPR_T_NULL;
	if (st == NULL || env->code == NULL || fn < 0 ||
	    (size_t)fn >= env->code->nfuncs)
		return rs_err_set(e, RS_E_BADINPUT, "the report's Code is not "
		    "available here");
	if (nargs > nitems(own))
		return rs_err_set(e, RS_E_BADINPUT, "too many arguments");
	/* The caller keeps its values: the call takes copies. */
	for (size_t i = 0; i < nargs; i++)
		expr_value_copy(&own[i], &args[i]);
	env->frame = NULL;
	st->steps = 0;
	st->tagged = false;
	if (!st->inited && init_globals(env, st, e) == -1) {
		for (size_t i = 0; i < nargs; i++)
			expr_value_fini(&own[i]);
		env->frame = saved;
		return -1;
	}
	rv = call(env, fn, own, nargs, NULL, out, e);
	env->frame = saved;
	return rv;
}

/* F(a, b) from inside the module: ByRef arguments come back. */
static int
eval_ucall(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	const struct vb_func *f = &env->code_state->m->funcs[n->index];
	struct expr_value args[32], back[32];
	struct xctx	 x = { .env = env, .st = env->code_state,
	    .fr = env->frame, .e = e };
	size_t		 na = n->nargs, i;
	bool		 byref = false;
	int		 rv;

	if (na > nitems(args))
		return rs_err_set(e, RS_E_BADINPUT, "too many arguments to %s",
		    f->name);
	for (i = 0; i < na; i++) {
		args[i].type = back[i].type = EXPR_T_NULL;
		byref |= f->params[i].byref && (n->args[i]->kind == EXPR_LOCAL ||
		    n->args[i]->kind == EXPR_INDEX);
	}
	for (i = 0; i < na; i++)
		if (expr_eval(n->args[i], env, &args[i], e) == -1) {
			while (i-- > 0)
				expr_value_fini(&args[i]);
			return -1;
		}
	rv = call(env, n->index, args, na, byref ? back : NULL, out, e);
	for (i = 0; i < na; i++) {
		if (rv == 0 && byref && f->params[i].byref &&
		    (n->args[i]->kind == EXPR_LOCAL ||
		    n->args[i]->kind == EXPR_INDEX)) {
			if (assign(&x, n->args[i], &back[i], n->line) == -1)
				rv = -1;
		}
		expr_value_fini(&back[i]);
	}
	return rv;
}

static int
eval_index(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct expr_value arr;
	struct xctx	 x = { .env = env, .st = env->code_state,
	    .fr = env->frame, .e = e };
	int64_t		 i;
	int		 rv = -1;

	if (expr_eval(n->args[0], env, &arr, e) == -1)
		return -1;
	if (arr.type == EXPR_T_STRING && n->nargs == 2) {
		/* s(i) on a String is s.Chars(i) */
		struct expr_value iv;
		if (expr_eval(n->args[1], env, &iv, e) == 0 &&
		    expr_to_int(&iv, &i, e) == 0) {
			size_t off = 0;
			int64_t k = i;
			while (k > 0 && arr.u.s[off] != '\0') {
				off++;
				while ((arr.u.s[off] & 0xC0) == 0x80)
					off++;
				k--;
			}
			if (i < 0 || arr.u.s[off] == '\0')
				rv = rs_err_set(e, RS_E_BADINPUT, "index %lld is "
				    "outside the string", (long long)i);
			else {
				size_t len = 1;
				while ((arr.u.s[off + len] & 0xC0) == 0x80)
					len++;
				expr_value_take_str(out, xstrndup(arr.u.s + off,
				    len));
				rv = 0;
			}
		}
		expr_value_fini(&iv);
		expr_value_fini(&arr);
		return rv;
	}
	if (n->nargs != 2)
		rv = rs_err_set(e, RS_E_BADINPUT, "arrays have one dimension");
	else if (index_value(&x, &arr, n->args[1], &i) == 0) {
		expr_value_copy(out, &arr.u.a->v[i]);
		rv = 0;
	}
	expr_value_fini(&arr);
	return rv;
}

int
vb_eval_node(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct expr_value *s;

	switch (n->kind) {
	case EXPR_LOCAL:
		if (env->code_state == NULL || (n->op == VB_SLOT_LOCAL &&
		    env->frame == NULL))
			break;
		s = n->op == VB_SLOT_GLOBAL ? &env->code_state->globals[n->index] :
		    &env->frame->slots[n->index];
		expr_value_copy(out, s);
		return 0;
	case EXPR_UCALL:
		if (env->code_state == NULL)
			break;
		return eval_ucall(n, env, out, e);
	case EXPR_INDEX:
		return eval_index(n, env, out, e);
	case EXPR_ARRAYLIT:
		expr_value_array(out, n->nargs);
		for (size_t i = 0; i < n->nargs; i++)
			if (expr_eval(n->args[i], env, &out->u.a->v[i], e) == -1)
				return -1;
			else if (out->u.a->v[i].borrowed &&
			    out->u.a->v[i].type == EXPR_T_STRING)
				expr_value_str(&out->u.a->v[i],
				    out->u.a->v[i].u.s);
		return 0;
	default:
		break;
	}
	return rs_err_set(e, RS_E_INTERNAL, "a Code name was evaluated "
	    "outside its module");
}
