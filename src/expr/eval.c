/*
 * eval.c: evaluates an expression tree against an environment.  Operators
 * follow Visual Basic with Option Strict Off, as the report processor
 * does: "+" adds numbers and joins two strings, "&" always joins text,
 * Nothing counts as 0 (or "") in arithmetic, "/" always gives a Double,
 * comparisons convert a string to the other side's type.  An array of one
 * element stands for that element; a longer one compares as its text.
 * Nodes of Code blocks (locals, calls of the module's functions) are
 * evaluated by code_exec.c, members (.ToString) by members.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "expr/expr_int.h"

static int
eval_field(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	const struct expr_value *v;

	if (n->field_index < 0 || env->row == NULL ||
	    (size_t)n->field_index >= env->nfields) {
		if (n->member == EXPR_M_ISMISSING) {
			out->type = EXPR_T_BOOL;
			out->u.b = true;
			return 0;
		}
		return rs_err_set(e, RS_E_BADINPUT, "Fields!%s.Value is used "
		    "outside the scope of a dataset; give an aggregate with a "
		    "scope, e.g. First(Fields!%s.Value, \"DataSet1\")", n->name,
		    n->name);
	}
	if (n->member == EXPR_M_ISMISSING) {
		out->type = EXPR_T_BOOL;
		out->u.b = false;
		return 0;
	}
	v = &env->row[n->field_index];
	*out = *v;
	if (v->type == EXPR_T_STRING)
		out->borrowed = true;
	return 0;
}

static const struct expr_param *
find_param(struct expr_env *env, const char *name)
{
	size_t		 i;

	for (i = 0; i < env->nparams; i++)
		if (strcmp(env->params[i].name, name) == 0)
			return &env->params[i];
	return NULL;
}

static int
eval_param(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	const struct expr_param *p = find_param(env, n->name);
	size_t		 i = n->index < 0 ? 0 : (size_t)n->index;

	if (p == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "report parameter %s is not "
		    "defined", n->name);
	out->type = EXPR_T_NULL;
	switch (n->member) {
	case EXPR_M_COUNT:
		out->type = EXPR_T_INT;
		out->u.i = (int64_t)p->nvalues;
		return 0;
	case EXPR_M_ISMULTI:
		out->type = EXPR_T_BOOL;
		out->u.b = p->multi;
		return 0;
	default:
		break;
	}
	if (i >= p->nvalues) {
		if (n->index >= 0)
			return rs_err_set(e, RS_E_BADINPUT, "index %d is out of "
			    "range for parameter %s", n->index, n->name);
		return 0;
	}
	if (p->multi && n->index < 0 && p->nvalues > 1) {
		/* A whole multi-value parameter is an array (Object() in
		 * SSRS); as text its values are joined by ", ". */
		expr_value_array(out, p->nvalues);
		for (i = 0; i < p->nvalues; i++) {
			if (n->member == EXPR_M_LABEL && p->labels != NULL &&
			    p->labels[i] != NULL)
				expr_value_str(&out->u.a->v[i], p->labels[i]);
			else
				expr_value_copy(&out->u.a->v[i], &p->values[i]);
		}
		return 0;
	}
	if (n->member == EXPR_M_LABEL && p->labels != NULL &&
	    p->labels[i] != NULL) {
		expr_value_str(out, p->labels[i]);
		return 0;
	}
	expr_value_copy(out, &p->values[i]);
	return 0;
}

static void
set_str(struct expr_value *out, const char *s)
{
	if (s == NULL) {
		out->type = EXPR_T_NULL;
		return;
	}
	out->type = EXPR_T_STRING;
	out->borrowed = true;
	out->u.s = (char *)s;
}

static int
eval_global(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out)
{
	const struct expr_globals *g = env->globals;
	static const struct expr_globals none;

	if (g == NULL)
		g = &none;
	out->type = EXPR_T_INT;
	if (strcasecmp(n->name, "ExecutionTime") == 0) {
		out->type = EXPR_T_DATETIME;
		out->u.dt = g->execution_time;
	} else if (strcasecmp(n->name, "PageNumber") == 0 ||
	    strcasecmp(n->name, "OverallPageNumber") == 0)
		out->u.i = g->page_number;
	else if (strcasecmp(n->name, "TotalPages") == 0 ||
	    strcasecmp(n->name, "OverallTotalPages") == 0)
		out->u.i = g->total_pages;
	else if (strcasecmp(n->name, "ReportName") == 0)
		set_str(out, g->report_name);
	else if (strcasecmp(n->name, "ReportFolder") == 0)
		set_str(out, g->report_folder);
	else if (strcasecmp(n->name, "ReportServerUrl") == 0)
		set_str(out, g->report_server_url);
	else if (strcasecmp(n->name, "PageName") == 0)
		set_str(out, g->page_name);
	else
		set_str(out, g->render_format);
	return 0;
}

static int
concat(struct expr_value *a, struct expr_value *b, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct buf	 s;

	buf_init(&s, EXPR_STRING_MAX);
	if (expr_value_text_c(a, env->culture, &s, e) == -1 ||
	    expr_value_text_c(b, env->culture, &s, e) == -1) {
		buf_fini(&s);
		return -1;
	}
	if (s.data == NULL)
		expr_value_str(out, "");
	else
		expr_value_take_str(out, buf_take(&s, NULL));
	return 0;
}

static bool
both_int(const struct expr_value *a, const struct expr_value *b)
{
	return (a->type == EXPR_T_INT || a->type == EXPR_T_NULL) &&
	    (b->type == EXPR_T_INT || b->type == EXPR_T_NULL);
}

static int64_t
ival(const struct expr_value *v)
{
	return v->type == EXPR_T_INT ? v->u.i : 0;
}

static int
int_arith(int op, int64_t x, int64_t y, struct expr_value *out,
    struct rs_err *e)
{
	int64_t		 r;
	bool		 ovf = false;

	out->type = EXPR_T_INT;
	switch (op) {
	case TK_PLUS:
		ovf = __builtin_add_overflow(x, y, &r);
		break;
	case TK_MINUS:
		ovf = __builtin_sub_overflow(x, y, &r);
		break;
	case TK_STAR:
		ovf = __builtin_mul_overflow(x, y, &r);
		break;
	case TK_BSLASH:
	case TK_MOD:
		if (y == 0)
			return rs_err_set(e, RS_E_BADINPUT,
			    "division by zero");
		if (x == INT64_MIN && y == -1)
			return rs_err_set(e, RS_E_BADINPUT, "integer overflow");
		r = op == TK_BSLASH ? x / y : x % y;
		break;
	default:
		return rs_err_set(e, RS_E_INTERNAL, "bad integer operator");
	}
	if (ovf) {
		out->type = EXPR_T_FLOAT;
		out->u.f = op == TK_PLUS ? (double)x + (double)y :
		    op == TK_MINUS ? (double)x - (double)y : (double)x * (double)y;
		return 0;
	}
	out->u.i = r;
	return 0;
}

/* Dates and TimeSpans: date - date, date +- span, span +- span. */
static int
time_arith(int op, struct expr_value *a, struct expr_value *b,
    struct expr_value *out, struct rs_err *e)
{
	int64_t		 x = a->type == EXPR_T_DATETIME ? a->u.dt * 10000 :
	    a->u.ts, y = b->type == EXPR_T_DATETIME ? b->u.dt * 10000 : b->u.ts;

	if (op != TK_PLUS && op != TK_MINUS)
		return rs_err_set(e, RS_E_BADINPUT, "dates and TimeSpans can "
		    "only be added and subtracted");
	if (a->type == EXPR_T_DATETIME && b->type == EXPR_T_DATETIME) {
		if (op == TK_PLUS)
			return rs_err_set(e, RS_E_BADINPUT, "cannot add two "
			    "dates");
		out->type = EXPR_T_TIMESPAN;
		out->u.ts = x - y;
		return 0;
	}
	if (b->type == EXPR_T_DATETIME && op == TK_MINUS)
		return rs_err_set(e, RS_E_BADINPUT, "cannot subtract a date "
		    "from a TimeSpan");
	out->type = a->type == EXPR_T_DATETIME || b->type == EXPR_T_DATETIME ?
	    EXPR_T_DATETIME : EXPR_T_TIMESPAN;
	x = op == TK_PLUS ? x + y : x - y;
	if (out->type == EXPR_T_DATETIME)
		out->u.dt = x / 10000;
	else
		out->u.ts = x;
	return 0;
}

static bool
is_time(const struct expr_value *v)
{
	return v->type == EXPR_T_DATETIME || v->type == EXPR_T_TIMESPAN;
}

static int
arith(int op, struct expr_value *a, struct expr_value *b,
    struct expr_env *env, struct expr_value *out, struct rs_err *e)
{
	double		 x, y;

	if (op == TK_PLUS && (a->type == EXPR_T_STRING ||
	    a->type == EXPR_T_NULL) && (b->type == EXPR_T_STRING ||
	    b->type == EXPR_T_NULL) && !(a->type == EXPR_T_NULL &&
	    b->type == EXPR_T_NULL))
		return concat(a, b, env, out, e);
	if (is_time(a) && is_time(b) && (a->type == EXPR_T_TIMESPAN ||
	    b->type == EXPR_T_TIMESPAN || op == TK_MINUS))
		return time_arith(op, a, b, out, e);
	if (op == TK_PLUS && a->type == EXPR_T_DATETIME &&
	    b->type == EXPR_T_DATETIME)
		return rs_err_set(e, RS_E_BADINPUT, "cannot add two dates");
	if (both_int(a, b) && op != TK_SLASH && op != TK_CARET)
		return int_arith(op, ival(a), ival(b), out, e);
	if (expr_to_double_c(a, env->culture, &x, e) == -1 ||
	    expr_to_double_c(b, env->culture, &y, e) == -1)
		return -1;
	out->type = EXPR_T_FLOAT;
	switch (op) {
	case TK_PLUS:
		out->u.f = x + y;
		break;
	case TK_MINUS:
		out->u.f = x - y;
		break;
	case TK_STAR:
		out->u.f = x * y;
		break;
	case TK_SLASH:
		out->u.f = x / y;	/* VB: x / 0 is Infinity or NaN */
		break;
	case TK_CARET:
		out->u.f = pow(x, y);
		break;
	case TK_BSLASH:
	case TK_MOD:
		if (y == 0)
			return rs_err_set(e, RS_E_BADINPUT, "division by zero");
		out->u.f = op == TK_MOD ? fmod(x, y) : trunc(nearbyint(x) /
		    nearbyint(y));
		break;
	}
	return 0;
}

/* Whether the pattern atom at p (not '*') matches c; *np gets its end. */
static bool
like_atom(const char *p, char c, const char **np)
{
	const char	*close;
	bool		 neg, hit;

	*np = p + 1;
	if (*p == '?')
		return true;
	if (*p == '#')
		return c >= '0' && c <= '9';
	if (*p == '[' && (close = strchr(p + 1, ']')) != NULL) {
		neg = p[1] == '!';
		hit = false;
		for (const char *k = p + 1 + neg; k < close; k++) {
			if (k + 2 < close && k[1] == '-') {
				hit |= c >= k[0] && c <= k[2];
				k += 2;
			} else
				hit |= c == *k;
		}
		*np = close + 1;
		return hit != neg;
	}
	return *p == c;
}

/*
 * VB's Like: ? one char, * any run, # a digit, [abc] a set.  Every atom
 * but '*' takes one character, so on a mismatch it is enough to retry
 * from the last '*' one character further: O(len(s) * len(p)) with no
 * recursion (trying every split at every '*' is exponential).
 */
static bool
like(const char *s, const char *p)
{
	const char	*star = NULL, *retry = NULL, *np;

	while (*s != '\0') {
		if (*p == '*') {
			star = ++p;
			retry = s;
		} else if (*p != '\0' && like_atom(p, *s, &np)) {
			p = np;
			s++;
		} else if (star == NULL)
			return false;
		else {
			p = star;
			s = ++retry;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static int
like_op(const struct expr_value *a, const struct expr_value *b,
    struct expr_value *out)
{
	struct buf	 sa, sb;

	buf_init(&sa, 0);
	buf_init(&sb, 0);
	expr_value_text(a, &sa, NULL);
	expr_value_text(b, &sb, NULL);
	out->u.b = like(sa.data ? sa.data : "", sb.data ? sb.data : "");
	buf_fini(&sa);
	buf_fini(&sb);
	return 0;
}

/* A string compared with a number or date converts to that type. */
static int
coerce(const struct expr_value *v, const struct expr_value *other,
    const struct expr_culture *cu, struct expr_value *tmp, struct rs_err *e)
{
	if (v->type != EXPR_T_STRING || other->type == EXPR_T_STRING ||
	    other->type == EXPR_T_NULL || other->type == EXPR_T_ARRAY)
		return 1;
	if (other->type == EXPR_T_DATETIME) {
		tmp->type = EXPR_T_DATETIME;
		return expr_to_datetime_c(v, cu, &tmp->u.dt, e);
	}
	if (other->type == EXPR_T_BOOL) {
		tmp->type = EXPR_T_BOOL;
		tmp->u.b = expr_value_truthy(v);
		return 0;
	}
	tmp->type = EXPR_T_FLOAT;
	return expr_to_double_c(v, cu, &tmp->u.f, e);
}

/*
 * An array operand: one element stands for itself; a longer array
 * becomes its text (a multi-value parameter compares as "a, b").
 */
static struct expr_value *
unarray(struct expr_value *v, struct expr_value *tmp)
{
	struct buf	 b;

	if (v->type != EXPR_T_ARRAY)
		return v;
	if (v->u.a->n == 1)
		return &v->u.a->v[0];
	buf_init(&b, EXPR_STRING_MAX);
	expr_value_text(v, &b, NULL);
	expr_ret_buf(tmp, &b);
	return tmp;
}

/* Nothing compares as the default of the other side's type. */
static const struct expr_value *
null_as(const struct expr_value *v, const struct expr_value *other,
    struct expr_value *tmp)
{
	if (v->type != EXPR_T_NULL || other->type == EXPR_T_NULL)
		return v;
	tmp->borrowed = true;
	if (other->type == EXPR_T_STRING) {
		tmp->type = EXPR_T_STRING;
		tmp->u.s = (char *)"";
	} else {
		tmp->type = EXPR_T_INT;
		tmp->u.i = 0;
	}
	return tmp;
}

static int
compare(int op, struct expr_value *a0, struct expr_value *b0,
    const struct expr_culture *cu, struct expr_value *out, struct rs_err *e)
{
	struct expr_value ca = { .type = EXPR_T_NULL }, cb = ca, ta = ca, tb = ca;
	struct expr_value *a, *b;
	const struct expr_value *x, *y;
	int		 c, r, rv = -1;

	out->type = EXPR_T_BOOL;
	if (op == TK_IS || op == TK_ISNOT) {
		/* Only "x Is Nothing" is meaningful without objects. */
		c = (a0->type == EXPR_T_NULL) == (b0->type == EXPR_T_NULL);
		out->u.b = op == TK_IS ? c : !c;
		return 0;
	}
	a = unarray(a0, &ta);
	b = unarray(b0, &tb);
	if (op == TK_LIKE) {
		rv = like_op(a, b, out);
		goto out;
	}
	if ((r = coerce(a, b, cu, &ca, e)) == -1)
		goto out;
	x = r == 0 ? &ca : a;
	if ((r = coerce(b, a, cu, &cb, e)) == -1)
		goto out;
	y = r == 0 ? &cb : b;
	x = null_as(x, y, &ca);
	y = null_as(y, x, &cb);
	if (x->type == EXPR_T_STRING && y->type == EXPR_T_STRING)
		c = strcmp(x->u.s, y->u.s);	/* Option Compare Binary */
	else
		c = expr_value_cmp(x, y);
	switch (op) {
	case TK_EQ: out->u.b = c == 0; break;
	case TK_NE: out->u.b = c != 0; break;
	case TK_LT: out->u.b = c < 0; break;
	case TK_GT: out->u.b = c > 0; break;
	case TK_LE: out->u.b = c <= 0; break;
	default: out->u.b = c >= 0; break;
	}
	rv = 0;
out:
	expr_value_fini(&ta);
	expr_value_fini(&tb);
	return rv;
}

static int
logical(int op, struct expr_value *a, struct expr_value *b,
    struct expr_value *out)
{
	/* Integers combine bitwise, as in VB; everything else as Boolean. */
	if (a->type == EXPR_T_INT && b->type == EXPR_T_INT) {
		out->type = EXPR_T_INT;
		out->u.i = op == TK_AND ? (a->u.i & b->u.i) : op == TK_OR ?
		    (a->u.i | b->u.i) : (a->u.i ^ b->u.i);
		return 0;
	}
	out->type = EXPR_T_BOOL;
	if (op == TK_XOR)
		out->u.b = expr_value_truthy(a) != expr_value_truthy(b);
	else if (op == TK_AND || op == TK_ANDALSO)
		out->u.b = expr_value_truthy(a) && expr_value_truthy(b);
	else
		out->u.b = expr_value_truthy(a) || expr_value_truthy(b);
	return 0;
}

static int
eval_binary(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct expr_value a = { .type = EXPR_T_NULL }, b = a;
	int		 rv = -1;

	if (expr_eval(n->args[0], env, &a, e) == -1)
		return -1;
	/* AndAlso / OrElse short-circuit. */
	if ((n->op == TK_ANDALSO && !expr_value_truthy(&a)) ||
	    (n->op == TK_ORELSE && expr_value_truthy(&a))) {
		out->type = EXPR_T_BOOL;
		out->u.b = n->op == TK_ORELSE;
		expr_value_fini(&a);
		return 0;
	}
	if (expr_eval(n->args[1], env, &b, e) == -1)
		goto out;
	rv = expr_binop(n->op, &a, &b, env, out, e);
out:
	expr_value_fini(&a);
	expr_value_fini(&b);
	return rv;
}

int
expr_binop(int op, struct expr_value *a, struct expr_value *b,
    struct expr_env *env, struct expr_value *out, struct rs_err *e)
{
	out->type = EXPR_T_NULL;
	out->borrowed = false;
	switch (op) {
	case TK_AMP:
		return concat(a, b, env, out, e);
	case TK_PLUS: case TK_MINUS: case TK_STAR: case TK_SLASH:
	case TK_BSLASH: case TK_MOD: case TK_CARET:
		return arith(op, a, b, env, out, e);
	case TK_AND: case TK_ANDALSO: case TK_OR: case TK_ORELSE: case TK_XOR:
		return logical(op, a, b, out);
	default:
		return compare(op, a, b, env->culture, out, e);
	}
}

static int
eval_unary(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct expr_value a = { .type = EXPR_T_NULL };
	double		 d;
	int		 rv = 0;

	if (expr_eval(n->args[0], env, &a, e) == -1)
		return -1;
	if (n->op == TK_NOT) {
		if (a.type == EXPR_T_INT) {
			out->type = EXPR_T_INT;
			out->u.i = ~a.u.i;
		} else {
			out->type = EXPR_T_BOOL;
			out->u.b = !expr_value_truthy(&a);
		}
	} else if (a.type == EXPR_T_INT && a.u.i != INT64_MIN) {
		out->type = EXPR_T_INT;
		out->u.i = -a.u.i;
	} else if (a.type == EXPR_T_TIMESPAN) {
		out->type = EXPR_T_TIMESPAN;
		out->u.ts = -a.u.ts;
	} else if ((rv = expr_to_double_c(&a, env->culture, &d, e)) == 0) {
		out->type = EXPR_T_FLOAT;
		out->u.f = -d;
	}
	expr_value_fini(&a);
	return rv;
}

/* Code.F(args): the report's Code; Variables!V (SetValue). */
static int
eval_code(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct expr_value args[32];
	size_t		 i, na = n->nargs;
	int		 rv = -1;

	if (env->code == NULL || n->index < 0)
		return rs_err_set(e, RS_E_BADINPUT, "Code.%s: the report's Code "
		    "does not define %s", n->name, n->name);
	if (na > nitems(args))
		return rs_err_set(e, RS_E_BADINPUT, "too many arguments to "
		    "Code.%s", n->name);
	for (i = 0; i < na; i++)
		args[i].type = EXPR_T_NULL;
	for (i = 0; i < na; i++)
		if (expr_eval(n->args[i], env, &args[i], e) == -1)
			goto out;
	rv = expr_code_call(env, n->index, args, na, out, e);
out:
	for (i = 0; i < na; i++)
		expr_value_fini(&args[i]);
	return rv;
}

static int
eval_var(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct expr_value set = { .type = EXPR_T_NULL };
	int		 rv;

	if (env->var == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "Variables!%s is not "
		    "available here", n->name);
	if (n->member != EXPR_M_SETVALUE)
		return env->var(env->var_arg, n->name, NULL, env, out, e);
	if (expr_eval(n->args[0], env, &set, e) == -1)
		return -1;
	rv = env->var(env->var_arg, n->name, &set, env, out, e);
	expr_value_fini(&set);
	return rv;
}

static int
eval_call(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct expr_value args[16];
	size_t		 i, na = n->nargs;
	int		 rv = -1;

	if (n->fn->lazy != NULL)
		return n->fn->lazy(n, env, out, e);
	if (na > nitems(args))
		return rs_err_set(e, RS_E_BADINPUT, "too many arguments to %s",
		    n->fn->name);
	for (i = 0; i < na; i++)
		args[i].type = EXPR_T_NULL;
	for (i = 0; i < na; i++)
		if (expr_eval(n->args[i], env, &args[i], e) == -1)
			goto out;
	rv = n->fn->fn(args, na, env, out, e);
out:
	for (i = 0; i < na; i++)
		expr_value_fini(&args[i]);
	return rv;
}

int
expr_eval(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	out->type = EXPR_T_NULL;
	out->borrowed = false;
	switch (n->kind) {
	case EXPR_LIT:
		*out = n->lit;
		if (n->lit.type == EXPR_T_STRING)
			out->borrowed = true;
		return 0;
	case EXPR_FIELD:
		return eval_field(n, env, out, e);
	case EXPR_PARAM:
		return eval_param(n, env, out, e);
	case EXPR_GLOBAL:
		return eval_global(n, env, out);
	case EXPR_USER:
		if (strcasecmp(n->name, "Language") == 0)
			set_str(out, env->globals && env->globals->language ?
			    env->globals->language : "en-US");
		else
			set_str(out, env->globals ? env->globals->user_id : NULL);
		return 0;
	case EXPR_UNARY:
		return eval_unary(n, env, out, e);
	case EXPR_BINARY:
		return eval_binary(n, env, out, e);
	case EXPR_CALL:
		return eval_call(n, env, out, e);
	case EXPR_RITEM:
		if (env->ritem == NULL)
			return rs_err_set(e, RS_E_BADINPUT, "ReportItems!%s is "
			    "only available in a page header or footer",
			    n->name);
		return env->ritem(env->ritem_arg, n->name, out, e);
	case EXPR_AGG:
		if (env->agg == NULL)
			return rs_err_set(e, RS_E_BADINPUT, "aggregate %s is not "
			    "allowed here", n->name);
		return env->agg(env->agg_arg, n, env, out, e);
	case EXPR_MEMBER:
		return expr_member_eval(n, env, out, e);
	case EXPR_CODE:
		return eval_code(n, env, out, e);
	case EXPR_VAR:
		return eval_var(n, env, out, e);
	case EXPR_NAME: case EXPR_LOCAL: case EXPR_UCALL: case EXPR_INDEX:
	case EXPR_ARRAYLIT:
		return vb_eval_node(n, env, out, e);
	}
	return rs_err_set(e, RS_E_INTERNAL, "bad expression node");
}
