/*
 * parse.c: the recursive-descent parser of Visual Basic expressions.
 * Precedence follows Visual Basic: member access and calls, ^, unary -,
 * * /, \, Mod, + -, &, comparisons (= <> < > <= >= Like Is IsNot), Not,
 * And/AndAlso, Or/OrElse/Xor.  Literals are read here; names are resolved
 * by names.c, tokens come from lex.c.  The same parser reads the
 * expressions inside a Code block (code.c) in code mode.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "expr/expr_int.h"

struct expr_node *
node_new(struct parser *ps, enum expr_kind k)
{
	struct expr_node *n = xcalloc(1, sizeof(*n));

	n->kind = k;
	n->index = -1;
	n->field_index = -1;
	n->column = (int)(ps->tstart - ps->src) + 1;
	n->line = ps->line;
	return n;
}

void
add_arg(struct expr_node *n, struct expr_node *a)
{
	n->args = xreallocarray(n->args, n->nargs + 1, sizeof(*n->args));
	n->args[n->nargs++] = a;
}

static int
expect(struct parser *ps, enum expr_tok t, const char *what)
{
	if (ps->tok != t)
		return perr(ps, "expected %s", what);
	return lex_next(ps);
}

static struct expr_node *
lit_node(struct parser *ps, struct expr_value v)
{
	struct expr_node *n = node_new(ps, EXPR_LIT);

	n->lit = v;
	return n;
}

static struct expr_node *
parse_number(struct parser *ps)
{
	struct expr_value v = { .type = EXPR_T_INT };
	char		*end;

	errno = 0;
	if (strpbrk(ps->text, ".eE") == NULL) {
		v.u.i = strtoll(ps->text, &end, 10);
		if (errno == ERANGE) {
			perr(ps, "number %s is too large", ps->text);
			return NULL;
		}
	} else {
		v.type = EXPR_T_FLOAT;
		v.u.f = strtod(ps->text, &end);
	}
	if (lex_next(ps) == -1)
		return NULL;
	return lit_node(ps, v);
}

/* {a, b, c}: an array (Code only: Dim a() As String = {"x", "y"}). */
static struct expr_node *
parse_array_literal(struct parser *ps)
{
	struct expr_node *n = node_new(ps, EXPR_ARRAYLIT), *a;

	if (lex_next(ps) == -1)
		goto fail;
	while (ps->tok != TK_RBRACE) {
		if ((a = parse_expr(ps)) == NULL)
			goto fail;
		add_arg(n, a);
		if (n->nargs > 4096) {
			perr(ps, "too many elements in {...}%s", "");
			goto fail;
		}
		if (ps->tok == TK_RBRACE)
			break;
		if (expect(ps, TK_COMMA, "',' or '}'") == -1)
			goto fail;
	}
	if (lex_next(ps) == -1)
		goto fail;
	return n;
fail:
	expr_free(n);
	return NULL;
}

static struct expr_node *
parse_paren(struct parser *ps)
{
	struct expr_node *n;

	if (++ps->depth > EXPR_DEPTH_MAX) {
		perr(ps, "expression nested too deeply%s", "");
		return NULL;
	}
	if (lex_next(ps) == -1)
		return NULL;
	n = parse_expr(ps);
	ps->depth--;
	if (n != NULL && expect(ps, TK_RP, "')'") == -1) {
		expr_free(n);
		return NULL;
	}
	return parse_postfix(ps, n);
}

static struct expr_node *
parse_literal(struct parser *ps)
{
	struct expr_value v = { .type = EXPR_T_NULL };

	if (ps->tok == TK_STR) {
		v.type = EXPR_T_STRING;
		v.u.s = ps->text;
		ps->text = NULL;
		if (lex_next(ps) == -1) {
			free(v.u.s);
			return NULL;
		}
		return parse_postfix(ps, lit_node(ps, v));
	}
	v.type = EXPR_T_DATETIME;
	if (!expr_dt_parse(ps->text, &v.u.dt)) {
		perr(ps, "bad date literal #%s#", ps->text);
		return NULL;
	}
	if (lex_next(ps) == -1)
		return NULL;
	return parse_postfix(ps, lit_node(ps, v));
}

static struct expr_node *
parse_primary(struct parser *ps)
{
	switch (ps->tok) {
	case TK_NUM:
		return parse_postfix(ps, parse_number(ps));
	case TK_STR:
	case TK_DATE:
		return parse_literal(ps);
	case TK_IDENT:
		if (tok_word(ps, "New"))
			return parse_new(ps);
		return parse_ident(ps);
	case TK_LP:
		return parse_paren(ps);
	case TK_LBRACE:
		return parse_array_literal(ps);
	case TK_EOF:
		perr(ps, "unexpected end of expression%s", "");
		return NULL;
	case TK_EOL:
		perr(ps, "unexpected end of the line%s", "");
		return NULL;
	default:
		perr(ps, "unexpected token '%.8s'", ps->tstart);
		return NULL;
	}
}

static struct expr_node *
binary(struct parser *ps, int op, struct expr_node *l, struct expr_node *r)
{
	struct expr_node *n;

	if (r == NULL) {
		expr_free(l);
		return NULL;
	}
	n = node_new(ps, EXPR_BINARY);
	n->op = op;
	add_arg(n, l);
	add_arg(n, r);
	return n;
}

typedef struct expr_node *(*level_fn)(struct parser *);

/* One left-associative precedence level: sub { op sub }. */
static struct expr_node *
level(struct parser *ps, level_fn sub, const enum expr_tok *ops, size_t nops)
{
	struct expr_node *l = sub(ps);
	size_t		 i;
	int		 op;

	while (l != NULL) {
		for (i = 0; i < nops && ops[i] != ps->tok; i++)
			;
		if (i == nops)
			break;
		op = ps->tok;
		if (lex_next(ps) == -1) {
			expr_free(l);
			return NULL;
		}
		if (op == TK_IS && ps->tok == TK_NOT) {	/* "Is Not" */
			op = TK_ISNOT;
			if (lex_next(ps) == -1) {
				expr_free(l);
				return NULL;
			}
		}
		l = binary(ps, op, l, sub(ps));
	}
	return l;
}

static struct expr_node *parse_unary(struct parser *);

static struct expr_node *
parse_pow(struct parser *ps)
{
	static const enum expr_tok ops[] = { TK_CARET };
	return level(ps, parse_primary, ops, nitems(ops));
}

static struct expr_node *
parse_unary(struct parser *ps)
{
	struct expr_node *n, *a;
	int		 op = ps->tok;

	if (op != TK_MINUS && op != TK_PLUS)
		return parse_pow(ps);
	if (++ps->depth > EXPR_DEPTH_MAX) {
		perr(ps, "expression nested too deeply%s", "");
		return NULL;
	}
	if (lex_next(ps) == -1)
		return NULL;
	a = parse_unary(ps);
	ps->depth--;
	if (a == NULL || op == TK_PLUS)
		return a;
	n = node_new(ps, EXPR_UNARY);
	n->op = TK_MINUS;
	add_arg(n, a);
	return n;
}

#define LEVEL(fname, sub, ...)						\
static struct expr_node *						\
fname(struct parser *ps)						\
{									\
	static const enum expr_tok ops[] = { __VA_ARGS__ };		\
	return level(ps, sub, ops, nitems(ops));			\
}
/* The levels differ only in their operators: one macro, no copies. */
LEVEL(parse_mul, parse_unary, TK_STAR, TK_SLASH)
LEVEL(parse_idiv, parse_mul, TK_BSLASH)
LEVEL(parse_mod, parse_idiv, TK_MOD)
LEVEL(parse_add, parse_mod, TK_PLUS, TK_MINUS)
LEVEL(parse_cat, parse_add, TK_AMP)
LEVEL(parse_cmp, parse_cat, TK_EQ, TK_NE, TK_LT, TK_GT, TK_LE, TK_GE,
    TK_LIKE, TK_IS, TK_ISNOT)

static struct expr_node *
parse_not(struct parser *ps)
{
	struct expr_node *n, *a;

	if (ps->tok != TK_NOT)
		return parse_cmp(ps);
	if (++ps->depth > EXPR_DEPTH_MAX) {
		perr(ps, "expression nested too deeply%s", "");
		return NULL;
	}
	if (lex_next(ps) == -1)
		return NULL;
	a = parse_not(ps);
	ps->depth--;
	if (a == NULL)
		return NULL;
	n = node_new(ps, EXPR_UNARY);
	n->op = TK_NOT;
	add_arg(n, a);
	return n;
}

LEVEL(parse_and, parse_not, TK_AND, TK_ANDALSO)
LEVEL(parse_or, parse_and, TK_OR, TK_ORELSE, TK_XOR)

struct expr_node *
parse_expr(struct parser *ps)
{
	struct expr_node *n;

	if (++ps->depth > EXPR_DEPTH_MAX) {
		perr(ps, "expression nested too deeply%s", "");
		return NULL;
	}
	n = parse_or(ps);
	ps->depth--;
	return n;
}

struct expr_node *
expr_parse(const char *text, struct rs_err *e)
{
	struct parser	 ps = { .src = text, .p = text, .tstart = text };
	struct expr_node *n = NULL;
	struct rs_err	 local;

	if (e == NULL)
		e = &local;
	rs_err_clear(e);
	ps.e = e;

	if (strlen(text) > EXPR_TEXT_MAX) {
		rs_err_set(e, RS_E_LIMIT, "expression longer than %d bytes",
		    EXPR_TEXT_MAX);
		return NULL;
	}
	if (lex_next(&ps) == -1)
		goto out;
	n = parse_expr(&ps);
	if (n != NULL && ps.tok != TK_EOF) {
		perr(&ps, "unexpected text after the expression: '%.20s'",
		    ps.tstart);
		expr_free(n);
		n = NULL;
	}
out:
	free(ps.text);
	return n;
}

struct expr_node *
expr_literal(const char *text)
{
	struct expr_node *n = xcalloc(1, sizeof(*n));

	n->kind = EXPR_LIT;
	n->index = n->field_index = -1;
	expr_value_str(&n->lit, text);
	return n;
}

void
expr_free(struct expr_node *n)
{
	size_t		 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nargs; i++)
		expr_free(n->args[i]);
	free(n->args);
	expr_value_fini(&n->lit);
	free(n->name);
	free(n->scope);
	free(n);
}

int
expr_walk(struct expr_node *n, int (*fn)(struct expr_node *, void *),
    void *arg)
{
	size_t		 i;
	int		 r;

	if (n == NULL)
		return 0;
	r = fn(n, arg);
	for (i = 0; r == 0 && i < n->nargs; i++)
		r = expr_walk(n->args[i], fn, arg);
	return r;
}

static int
not_constant(struct expr_node *n, void *arg)
{
	(void)arg;
	return n->kind == EXPR_FIELD || n->kind == EXPR_PARAM ||
	    n->kind == EXPR_AGG || n->kind == EXPR_GLOBAL ||
	    n->kind == EXPR_RITEM || n->kind == EXPR_VAR ||
	    n->kind == EXPR_CODE || n->kind == EXPR_NAME ||
	    n->kind == EXPR_USER || (n->kind == EXPR_CALL &&
	    (strcasecmp(n->name, "Now") == 0 ||
	    strcasecmp(n->name, "Today") == 0 ||
	    strcasecmp(n->name, "DateTime.Now") == 0 ||
	    strcasecmp(n->name, "DateTime.Today") == 0 ||
	    strcasecmp(n->name, "CultureInfo.CurrentCulture") == 0 ||
	    strcasecmp(n->name, "Timer") == 0));
}

bool
expr_is_constant(const struct expr_node *n)
{
	return expr_walk((struct expr_node *)n, not_constant, NULL) == 0;
}
