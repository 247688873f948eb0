/*
 * code.c: the parser of a report's Code block, the Visual Basic subset
 * report authors write.  The module holds variables and constants
 * (Private Alt As Boolean, Const Shd As Double = 255, Shared ...) and
 * Functions and Subs with typed ByVal, ByRef and Optional parameters.
 * Statements: Dim, Const, Static, assignment (= += -= *= /= \= &= ^=),
 * ReDim [Preserve], If/ElseIf/Else/End If and the one-line If, Select
 * Case (values, a To b, Is > x, Case Else), For/Next with Step, For Each,
 * While/End While, Do/Loop with While or Until at either end, Exit and
 * Continue, Return, Try/Catch/Finally, Throw, Call and calls.  Expressions
 * are parsed by parse.c in code mode; the second half of this file binds
 * every name once the whole module is read: a local slot, a module
 * variable, a function of the module, or a built-in.  Anything outside the
 * subset (classes, GoTo, On Error, With, Imports ...) is refused with its
 * line and what to do instead.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "expr/expr_int.h"

#define VB_NEST_MAX	64	/* nested blocks */
#define VB_FUNCS_MAX	1000
#define VB_SLOTS_MAX	4096

/* The parse of one module: the parser and the function being read. */
struct cparse {
	struct parser	 ps;
	struct expr_code *m;
	struct vb_func	*f;	/* NULL at module level */
	int		 fi;
	int		 nest;
};

static int	parse_block(struct cparse *, struct vb_block *,
		    const char *const *stops);

static int
cerr(struct cparse *cp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
cerr(struct cparse *cp, const char *fmt, ...)
{
	char		 m[300];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	return rs_err_set(cp->ps.e, RS_E_BADINPUT, "line %d: %s", cp->ps.line,
	    m);
}

static int
next(struct cparse *cp)
{
	return lex_next(&cp->ps);
}

static bool
word(struct cparse *cp, const char *w)
{
	return tok_word(&cp->ps, w);
}

/* Consumes the word w if it is the current token. */
static int
accept(struct cparse *cp, const char *w, bool *got)
{
	*got = word(cp, w);
	return *got ? next(cp) : 0;
}

static int
expect_word(struct cparse *cp, const char *w, const char *after)
{
	if (!word(cp, w))
		return cerr(cp, "expected %s after %s", w, after);
	return next(cp);
}

static bool
at_end_of_statement(struct cparse *cp)
{
	return cp->ps.tok == TK_EOL || cp->ps.tok == TK_COLON ||
	    cp->ps.tok == TK_EOF;
}

static int
end_statement(struct cparse *cp)
{
	if (cp->ps.tok == TK_EOF)
		return 0;
	if (cp->ps.tok != TK_EOL && cp->ps.tok != TK_COLON)
		return cerr(cp, "unexpected '%.20s' at the end of the statement",
		    cp->ps.tstart);
	return next(cp);
}

static int
skip_lines(struct cparse *cp)
{
	while (cp->ps.tok == TK_EOL || cp->ps.tok == TK_COLON)
		if (next(cp) == -1)
			return -1;
	return 0;
}

static struct expr_node *
expr(struct cparse *cp)
{
	if (at_end_of_statement(cp)) {
		cerr(cp, "expected an expression%s", "");
		return NULL;
	}
	return parse_expr(&cp->ps);
}

/* Type names of As clauses, .NET's and VB's. */
static const struct {
	const char	*name;
	enum expr_type	 type;
} types[] = {
	{ "Integer", EXPR_T_INT }, { "Int32", EXPR_T_INT },
	{ "Long", EXPR_T_INT }, { "Int64", EXPR_T_INT },
	{ "Short", EXPR_T_INT }, { "Int16", EXPR_T_INT },
	{ "Byte", EXPR_T_INT }, { "SByte", EXPR_T_INT },
	{ "UInteger", EXPR_T_INT }, { "UInt32", EXPR_T_INT },
	{ "ULong", EXPR_T_INT }, { "UShort", EXPR_T_INT },
	{ "Double", EXPR_T_FLOAT }, { "Single", EXPR_T_FLOAT },
	{ "Decimal", EXPR_T_FLOAT }, { "String", EXPR_T_STRING },
	{ "Char", EXPR_T_STRING }, { "Boolean", EXPR_T_BOOL },
	{ "Date", EXPR_T_DATETIME }, { "DateTime", EXPR_T_DATETIME },
	{ "TimeSpan", EXPR_T_TIMESPAN }, { "Object", EXPR_T_NULL },
	{ "Exception", EXPR_T_STRING }, { "CultureInfo", EXPR_T_STRING },
	{ "Array", EXPR_T_ARRAY },
};

/* A type name (System. allowed), Nullable(Of T), T?, and T() for arrays. */
static int
parse_type(struct cparse *cp, struct vb_type *t)
{
	size_t		 i;

	t->base = EXPR_T_NULL;
	if (cp->ps.tok != TK_IDENT)
		return cerr(cp, "expected a type name after As%s", "");
	if (word(cp, "System")) {
		if (next(cp) == -1 || cp->ps.tok != TK_DOT || next(cp) == -1)
			return -1;
		if (word(cp, "Globalization") && (next(cp) == -1 ||
		    cp->ps.tok != TK_DOT || next(cp) == -1))
			return -1;
	}
	if (word(cp, "Nullable")) {
		bool of;
		if (next(cp) == -1 || cp->ps.tok != TK_LP || next(cp) == -1 ||
		    accept(cp, "Of", &of) == -1 || parse_type(cp, t) == -1)
			return -1;
		if (cp->ps.tok != TK_RP)
			return cerr(cp, "expected ) after Nullable(Of %s", "...");
		return next(cp);
	}
	for (i = 0; i < nitems(types); i++)
		if (word(cp, types[i].name))
			break;
	if (i == nitems(types))
		return cerr(cp, "type %s is not supported (supported: Integer, "
		    "Long, Short, Byte, Double, Single, Decimal, String, Char, "
		    "Boolean, Date, DateTime, TimeSpan, Object, Nullable(Of T), "
		    "and arrays of them)", cp->ps.text);
	t->base = types[i].type;
	if (t->base == EXPR_T_ARRAY) {
		t->base = EXPR_T_NULL;
		t->array = true;
	}
	if (next(cp) == -1)
		return -1;
	/* Integer? (nullable) and Integer() (an array) */
	if (cp->ps.tok == TK_LP) {
		if (next(cp) == -1 || cp->ps.tok != TK_RP)
			return cerr(cp, "expected () after the type (arrays "
			    "have one dimension)%s", "");
		t->array = true;
		return next(cp);
	}
	return 0;
}

static int
slot_find(const struct vb_func *f, const char *name)
{
	for (size_t i = 0; f != NULL && i < f->nslots; i++)
		if (strcasecmp(f->slots[i], name) == 0)
			return (int)i;
	return -1;
}

static int
slot_add(struct cparse *cp, const char *name, const struct vb_type *t)
{
	struct vb_func	*f = cp->f;
	int		 i = slot_find(f, name);

	if (i >= 0) {
		if (f->slot_types[i].base != t->base ||
		    f->slot_types[i].array != t->array)
			return cerr(cp, "%s is declared twice with different "
			    "types", name);
		return i;
	}
	if (f->nslots >= VB_SLOTS_MAX)
		return cerr(cp, "function %s has more than %d variables",
		    f->name, VB_SLOTS_MAX);
	f->slots = xreallocarray(f->slots, f->nslots + 1, sizeof(*f->slots));
	f->slot_types = xreallocarray(f->slot_types, f->nslots + 1,
	    sizeof(*f->slot_types));
	f->slots[f->nslots] = xstrdup(name);
	f->slot_types[f->nslots] = *t;
	return (int)f->nslots++;
}

static int
global_add(struct cparse *cp, const char *name, const struct vb_type *t,
    struct expr_node *init, struct expr_node *size, bool is_const)
{
	struct expr_code *m = cp->m;
	struct vb_global *g;

	for (size_t i = 0; i < m->nglobals; i++)
		if (strcasecmp(m->globals[i].name, name) == 0 &&
		    m->globals[i].func == (cp->f != NULL ? cp->fi : -1)) {
			expr_free(init);
			expr_free(size);
			return cerr(cp, "%s is declared twice", name);
		}
	m->globals = xreallocarray(m->globals, m->nglobals + 1,
	    sizeof(*m->globals));
	g = &m->globals[m->nglobals++];
	memset(g, 0, sizeof(*g));
	g->name = xstrdup(name);
	g->line = cp->ps.line;
	g->type = *t;
	g->init = init;
	g->size = size;
	g->is_const = is_const;
	g->func = cp->f != NULL ? cp->fi : -1;
	return 0;
}

static struct vb_stmt *
stmt_add(struct vb_block *b, enum vb_stmt_kind k, int line)
{
	struct vb_stmt	*s;

	b->v = xreallocarray(b->v, b->n + 1, sizeof(*b->v));
	s = &b->v[b->n++];
	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->line = line;
	return s;
}

static struct expr_node *
name_node(struct cparse *cp, const char *name)
{
	struct expr_node *n = node_new(&cp->ps, EXPR_NAME);

	n->name = xstrdup(name);
	return n;
}

/*
 * One declarator: name[(size)] [As [New] Type[()]] [= value].  At module
 * level (or Static) it becomes a global; in a function a slot and, when
 * it has a value or a size, a DIM statement.
 */
static int
declarator(struct cparse *cp, struct vb_block *b, bool is_const,
    bool is_static)
{
	struct vb_type	 t = { .base = EXPR_T_NULL };
	struct expr_node *size = NULL, *init = NULL;
	struct vb_stmt	*s;
	char		*name;
	int		 line = cp->ps.line, rv = -1;
	bool		 as, neu;

	if (cp->ps.tok != TK_IDENT)
		return cerr(cp, "expected a variable name%s", "");
	name = xstrdup(cp->ps.text);
	if (next(cp) == -1)
		goto out;
	if (cp->ps.tok == TK_LP) {
		t.array = true;
		if (next(cp) == -1)
			goto out;
		if (cp->ps.tok != TK_RP && (size = expr(cp)) == NULL)
			goto out;
		if (cp->ps.tok == TK_COMMA) {
			cerr(cp, "arrays of more than one dimension are not "
			    "supported (%s)", name);
			goto out;
		}
		if (cp->ps.tok != TK_RP || next(cp) == -1) {
			if (cp->ps.e->code == RS_E_OK)
				cerr(cp, "expected ) after %s(", name);
			goto out;
		}
	}
	if (accept(cp, "As", &as) == -1)
		goto out;
	if (as) {
		bool array = t.array;
		if (accept(cp, "New", &neu) == -1)
			goto out;
		if (neu) {
			cerr(cp, "As New %s is not supported; declare the "
			    "variable and give it a value", cp->ps.text ?
			    cp->ps.text : "");
			goto out;
		}
		if (parse_type(cp, &t) == -1)
			goto out;
		t.array |= array;
	}
	if (cp->ps.tok == TK_EQ) {
		if (next(cp) == -1 || (init = expr(cp)) == NULL)
			goto out;
	} else if (is_const) {
		cerr(cp, "Const %s needs a value", name);
		goto out;
	}
	if (cp->f == NULL || is_static) {
		rv = global_add(cp, name, &t, init, size, is_const);
		init = size = NULL;
		goto out;
	}
	if (slot_add(cp, name, &t) < 0)
		goto out;
	if (init != NULL || size != NULL) {
		s = stmt_add(b, VB_DIM, line);
		s->target = name_node(cp, name);
		s->e1 = init;
		s->e2 = size;
		s->type = t;
		init = size = NULL;
	}
	rv = 0;
out:
	free(name);
	expr_free(size);
	expr_free(init);
	return rv;
}

static int
parse_dim(struct cparse *cp, struct vb_block *b, bool is_const,
    bool is_static)
{
	for (;;) {
		if (declarator(cp, b, is_const, is_static) == -1)
			return -1;
		if (cp->ps.tok != TK_COMMA)
			return 0;
		if (next(cp) == -1)
			return -1;
	}
}

static bool
is_stop(struct cparse *cp, const char *const *stops)
{
	for (; stops != NULL && *stops != NULL; stops++)
		if (word(cp, *stops))
			return true;
	return false;
}

/* "End X": the current token is End; X must follow. */
static int
end_of(struct cparse *cp, const char *what)
{
	if (!word(cp, "End"))
		return cerr(cp, "expected End %s", what);
	if (next(cp) == -1)
		return -1;
	if (!word(cp, what))
		return cerr(cp, "expected End %s", what);
	return next(cp);
}

static int	statement(struct cparse *, struct vb_block *);

/* The one-line If: If c Then a [: b] [Else c [: d]] */
static int
one_line_if(struct cparse *cp, struct vb_stmt *s)
{
	struct vb_block	*b = &s->body;

	while (cp->ps.tok != TK_EOL && cp->ps.tok != TK_EOF) {
		if (word(cp, "Else")) {
			if (b == &s->alt)
				return cerr(cp, "a second Else%s", "");
			b = &s->alt;
			if (next(cp) == -1)
				return -1;
			continue;
		}
		if (cp->ps.tok == TK_COLON) {
			if (next(cp) == -1)
				return -1;
			continue;
		}
		if (statement(cp, b) == -1)
			return -1;
	}
	return 0;
}

static int
parse_if(struct cparse *cp, struct vb_block *b, bool elseif)
{
	static const char *const stops[] = { "Else", "ElseIf", "End", NULL };
	struct vb_stmt	*s = stmt_add(b, VB_IF, cp->ps.line);

	if (next(cp) == -1 || (s->e1 = expr(cp)) == NULL ||
	    expect_word(cp, "Then", "the condition of If") == -1)
		return -1;
	if (!elseif && cp->ps.tok != TK_EOL && cp->ps.tok != TK_EOF)
		return one_line_if(cp, s);
	if (end_statement(cp) == -1 || parse_block(cp, &s->body, stops) == -1)
		return -1;
	if (word(cp, "ElseIf"))
		return parse_if(cp, &s->alt, true);
	if (word(cp, "Else")) {
		bool ifw;
		if (next(cp) == -1)
			return -1;
		if (accept(cp, "If", &ifw) == -1)	/* "Else If" */
			return -1;
		if (ifw) {
			cerr(cp, "write ElseIf, not Else If%s", "");
			return -1;
		}
		if (end_statement(cp) == -1 ||
		    parse_block(cp, &s->alt, stops + 2) == -1)
			return -1;
	}
	return end_of(cp, "If");
}

/* One item of a Case: Is op x, a To b, or a value. */
static int
case_item(struct cparse *cp, struct vb_case *c)
{
	struct vb_case_item *it;
	bool		 is = cp->ps.tok == TK_IS;

	c->items = xreallocarray(c->items, c->nitems + 1, sizeof(*c->items));
	it = &c->items[c->nitems++];
	memset(it, 0, sizeof(*it));
	if (is && next(cp) == -1)
		return -1;
	if (is || (cp->ps.tok >= TK_EQ && cp->ps.tok <= TK_GE)) {
		it->op = cp->ps.tok;
		if (it->op < TK_EQ || it->op > TK_GE)
			return cerr(cp, "expected a comparison after Case Is%s",
			    "");
		if (next(cp) == -1 || (it->a = expr(cp)) == NULL)
			return -1;
		return 0;
	}
	if ((it->a = expr(cp)) == NULL)
		return -1;
	if (word(cp, "To") && (next(cp) == -1 || (it->b = expr(cp)) == NULL))
		return -1;
	return 0;
}

static int
parse_select(struct cparse *cp, struct vb_block *b)
{
	static const char *const stops[] = { "Case", "End", NULL };
	struct vb_stmt	*s = stmt_add(b, VB_SELECT, cp->ps.line);
	struct vb_case	*c;
	bool		 cs;

	if (next(cp) == -1 || accept(cp, "Case", &cs) == -1 ||
	    (s->e1 = expr(cp)) == NULL || end_statement(cp) == -1 ||
	    skip_lines(cp) == -1)
		return -1;
	while (word(cp, "Case")) {
		s->cases = xreallocarray(s->cases, s->ncases + 1,
		    sizeof(*s->cases));
		c = &s->cases[s->ncases++];
		memset(c, 0, sizeof(*c));
		if (next(cp) == -1)
			return -1;
		if (word(cp, "Else")) {
			if (next(cp) == -1)
				return -1;
		} else
			for (;;) {
				if (case_item(cp, c) == -1)
					return -1;
				if (cp->ps.tok != TK_COMMA)
					break;
				if (next(cp) == -1)
					return -1;
			}
		if (end_statement(cp) == -1 ||
		    parse_block(cp, &c->body, stops) == -1)
			return -1;
	}
	return end_of(cp, "Select");
}

/* The control variable of For: a name, perhaps with As Type. */
static int
loop_var(struct cparse *cp, struct vb_stmt *s)
{
	struct vb_type	 t = { .base = EXPR_T_NULL };
	char		*name;
	bool		 as;
	int		 rv = -1;

	if (cp->ps.tok != TK_IDENT)
		return cerr(cp, "expected the loop's variable%s", "");
	name = xstrdup(cp->ps.text);
	if (next(cp) == -1 || accept(cp, "As", &as) == -1 ||
	    (as && parse_type(cp, &t) == -1))
		goto out;
	if ((as || slot_find(cp->f, name) < 0) && slot_add(cp, name, &t) < 0)
		goto out;
	s->target = name_node(cp, name);
	rv = 0;
out:
	free(name);
	return rv;
}

static int
parse_next(struct cparse *cp)
{
	if (!word(cp, "Next"))
		return cerr(cp, "expected Next%s", "");
	if (next(cp) == -1)
		return -1;
	if (cp->ps.tok == TK_IDENT && next(cp) == -1)	/* Next i */
		return -1;
	return 0;
}

static int
parse_for(struct cparse *cp, struct vb_block *b)
{
	static const char *const stops[] = { "Next", NULL };
	struct vb_stmt	*s = stmt_add(b, VB_FOR, cp->ps.line);
	bool		 each;

	if (next(cp) == -1 || accept(cp, "Each", &each) == -1 ||
	    loop_var(cp, s) == -1)
		return -1;
	if (each) {
		s->kind = VB_FOREACH;
		if (expect_word(cp, "In", "For Each x") == -1 ||
		    (s->e1 = expr(cp)) == NULL)
			return -1;
	} else {
		if (cp->ps.tok != TK_EQ)
			return cerr(cp, "expected = after For %s", s->target->name);
		if (next(cp) == -1 || (s->e1 = expr(cp)) == NULL ||
		    expect_word(cp, "To", "For ... = start") == -1 ||
		    (s->e2 = expr(cp)) == NULL)
			return -1;
		if (word(cp, "Step") && (next(cp) == -1 ||
		    (s->e3 = expr(cp)) == NULL))
			return -1;
	}
	if (end_statement(cp) == -1 || parse_block(cp, &s->body, stops) == -1)
		return -1;
	return parse_next(cp);
}

static int
parse_while(struct cparse *cp, struct vb_block *b)
{
	static const char *const stops[] = { "End", "Wend", NULL };
	struct vb_stmt	*s = stmt_add(b, VB_WHILE, cp->ps.line);

	if (next(cp) == -1 || (s->e1 = expr(cp)) == NULL ||
	    end_statement(cp) == -1 || parse_block(cp, &s->body, stops) == -1)
		return -1;
	if (word(cp, "Wend"))
		return next(cp);
	return end_of(cp, "While");
}

/* While c / Until c after Do or Loop, if there. */
static int
do_condition(struct cparse *cp, struct vb_stmt *s, bool post)
{
	bool		 w, u = false;

	if (accept(cp, "While", &w) == -1 || (!w && accept(cp, "Until",
	    &u) == -1))
		return -1;
	if (!w && !u)
		return 0;
	if (s->e1 != NULL)
		return cerr(cp, "a Do loop takes its condition once, after Do "
		    "or after Loop%s", "");
	s->until = u;
	s->post = post;
	return (s->e1 = expr(cp)) == NULL ? -1 : 0;
}

static int
parse_do(struct cparse *cp, struct vb_block *b)
{
	static const char *const stops[] = { "Loop", NULL };
	struct vb_stmt	*s = stmt_add(b, VB_DO, cp->ps.line);

	if (next(cp) == -1 || do_condition(cp, s, false) == -1 ||
	    end_statement(cp) == -1 || parse_block(cp, &s->body, stops) == -1)
		return -1;
	if (!word(cp, "Loop"))
		return cerr(cp, "expected Loop%s", "");
	if (next(cp) == -1)
		return -1;
	return do_condition(cp, s, true);
}

static int
parse_exit(struct cparse *cp, struct vb_block *b, bool cont)
{
	static const struct {
		const char	*w;
		int		 x;
	} kinds[] = {
		{ "For", VB_X_FOR }, { "Do", VB_X_DO }, { "While", VB_X_WHILE },
		{ "Select", VB_X_SELECT }, { "Function", VB_X_FUNC },
		{ "Sub", VB_X_FUNC }, { "Try", VB_X_TRY },
	};
	struct vb_stmt	*s = stmt_add(b, cont ? VB_CONTINUE : VB_EXIT,
	    cp->ps.line);

	if (next(cp) == -1)
		return -1;
	for (size_t i = 0; i < nitems(kinds); i++)
		if (word(cp, kinds[i].w) && (!cont || kinds[i].x <= VB_X_WHILE)) {
			s->op = kinds[i].x;
			return next(cp);
		}
	return cerr(cp, "expected %s after %s", cont ? "For, Do or While" :
	    "For, Do, While, Select, Function, Sub or Try", cont ? "Continue" :
	    "Exit");
}

static int
parse_try(struct cparse *cp, struct vb_block *b)
{
	static const char *const stops[] = { "Catch", "Finally", "End", NULL };
	struct vb_stmt	*s = stmt_add(b, VB_TRY, cp->ps.line);
	struct vb_type	 t = { .base = EXPR_T_STRING };
	bool		 as;

	if (next(cp) == -1 || end_statement(cp) == -1 ||
	    parse_block(cp, &s->body, stops) == -1)
		return -1;
	if (word(cp, "Catch")) {
		if (next(cp) == -1)
			return -1;
		if (cp->ps.tok == TK_IDENT && !word(cp, "When")) {
			/* Catch ex [As Exception]: ex holds the message. */
			if (slot_add(cp, cp->ps.text, &t) < 0)
				return -1;
			s->target = name_node(cp, cp->ps.text);
			if (next(cp) == -1 || accept(cp, "As", &as) == -1)
				return -1;
			if (as && (cp->ps.tok != TK_IDENT || next(cp) == -1))
				return -1;
		}
		if (word(cp, "When"))
			return cerr(cp, "Catch ... When is not supported%s", "");
		if (end_statement(cp) == -1 ||
		    parse_block(cp, &s->alt, stops + 1) == -1)
			return -1;
		s->op = 1;	/* has a Catch */
	}
	if (word(cp, "Finally") && (next(cp) == -1 || end_statement(cp) == -1 ||
	    parse_block(cp, &s->fin, stops + 2) == -1))
		return -1;
	return end_of(cp, "Try");
}

static int
assign_op(enum expr_tok t)
{
	switch (t) {
	case TK_EQ: return 0;
	case TK_PLUSEQ: return TK_PLUS;
	case TK_MINUSEQ: return TK_MINUS;
	case TK_STAREQ: return TK_STAR;
	case TK_SLASHEQ: return TK_SLASH;
	case TK_BSLASHEQ: return TK_BSLASH;
	case TK_AMPEQ: return TK_AMP;
	case TK_CARETEQ: return TK_CARET;
	default: return -1;
	}
}

/* x = e, x += e, a(i) = e, or a call standing alone. */
static int
parse_simple(struct cparse *cp, struct vb_block *b)
{
	struct vb_stmt	*s;
	struct expr_node *lhs;
	int		 line = cp->ps.line, op;

	if (cp->ps.tok != TK_IDENT)
		return cerr(cp, "unexpected '%.20s'; expected a statement",
		    cp->ps.tstart);
	if ((lhs = parse_ident(&cp->ps)) == NULL)
		return -1;
	op = assign_op(cp->ps.tok);
	if (op >= 0) {
		s = stmt_add(b, VB_ASSIGN, line);
		s->target = lhs;
		s->op = op;
		if (next(cp) == -1 || (s->e1 = expr(cp)) == NULL)
			return -1;
		return 0;
	}
	s = stmt_add(b, VB_EXPR, line);
	s->e1 = lhs;
	if (!at_end_of_statement(cp) && !word(cp, "Else"))
		return cerr(cp, "expected = or the end of the statement after "
		    "%s (a Sub is called with parentheses: F(a, b))",
		    lhs->name != NULL ? lhs->name : "the expression");
	return 0;
}

/* Statements refused, with what to write instead. */
static const struct {
	const char	*w;
	const char	*why;
} refused[] = {
	{ "GoTo", "GoTo is not supported; use If, Select Case or a loop" },
	{ "On", "On Error is not supported; use Try ... Catch" },
	{ "Resume", "Resume is not supported; use Try ... Catch" },
	{ "With", "With is not supported; name the object in each statement" },
	{ "Using", "Using is not supported" },
	{ "SyncLock", "SyncLock is not supported" },
	{ "RaiseEvent", "events are not supported" },
	{ "AddHandler", "events are not supported" },
	{ "RemoveHandler", "events are not supported" },
	{ "Stop", "Stop is not supported" },
	{ "Erase", "Erase is not supported; assign Nothing to the array" },
	{ "Mid", "the Mid statement is not supported; build the string with "
	    "Left, Mid and Right" },
	{ "Class", "classes are not supported in Code; write Functions and "
	    "Subs" },
	{ "Structure", "structures are not supported in Code" },
	{ "Enum", "enumerations are not supported in Code; use Const" },
	{ "Module", "modules are not supported in Code; write Functions and "
	    "Subs" },
	{ "Namespace", "namespaces are not supported in Code" },
	{ "Imports", "Imports is not allowed in Code; name types in full "
	    "(System.Math.Round)" },
	{ "Declare", "Declare (native calls) is not allowed in Code" },
	{ "Property", "properties are not supported in Code; write a "
	    "Function" },
	{ "Event", "events are not supported" },
	{ "Interface", "interfaces are not supported in Code" },
	{ "Delegate", "delegates are not supported in Code" },
	{ "Operator", "operator overloading is not supported in Code" },
	{ "Option", "Option statements are not supported in Code (Option "
	    "Strict is Off)" },
};

static int
refuse_word(struct cparse *cp)
{
	for (size_t i = 0; i < nitems(refused); i++)
		if (word(cp, refused[i].w))
			return cerr(cp, "%s", refused[i].why);
	return 0;
}

static int
parse_return(struct cparse *cp, struct vb_block *b)
{
	struct vb_stmt	*s = stmt_add(b, VB_RETURN, cp->ps.line);

	if (next(cp) == -1)
		return -1;
	if (at_end_of_statement(cp) || word(cp, "Else"))
		return 0;
	if (cp->f->is_sub)
		return cerr(cp, "Return in a Sub takes no value%s", "");
	return (s->e1 = expr(cp)) == NULL ? -1 : 0;
}

static int
parse_redim(struct cparse *cp, struct vb_block *b)
{
	struct vb_stmt	*s = stmt_add(b, VB_REDIM, cp->ps.line);

	if (next(cp) == -1 || accept(cp, "Preserve", &s->preserve) == -1)
		return -1;
	if (cp->ps.tok != TK_IDENT)
		return cerr(cp, "expected an array after ReDim%s", "");
	s->target = name_node(cp, cp->ps.text);
	if (next(cp) == -1 || cp->ps.tok != TK_LP || next(cp) == -1 ||
	    (s->e1 = expr(cp)) == NULL)
		return cp->ps.e->code != RS_E_OK ? -1 :
		    cerr(cp, "expected ReDim a(size)%s", "");
	if (cp->ps.tok != TK_RP)
		return cerr(cp, "arrays of more than one dimension are not "
		    "supported%s", "");
	return next(cp);
}

static int
keyword_statement(struct cparse *cp, struct vb_block *b, bool *done)
{
	bool		 w;

	*done = true;
	if (word(cp, "Dim") || word(cp, "Const") || word(cp, "Static")) {
		bool c = word(cp, "Const"), st = word(cp, "Static");
		return next(cp) == -1 ? -1 : parse_dim(cp, b, c, st);
	}
	if (word(cp, "If"))
		return parse_if(cp, b, false);
	if (word(cp, "Select"))
		return parse_select(cp, b);
	if (word(cp, "For"))
		return parse_for(cp, b);
	if (word(cp, "While"))
		return parse_while(cp, b);
	if (word(cp, "Do"))
		return parse_do(cp, b);
	if (word(cp, "Exit") || word(cp, "Continue"))
		return parse_exit(cp, b, word(cp, "Continue"));
	if (word(cp, "Try"))
		return parse_try(cp, b);
	if (word(cp, "Return"))
		return parse_return(cp, b);
	if (word(cp, "ReDim"))
		return parse_redim(cp, b);
	if (word(cp, "Throw")) {
		struct vb_stmt *s = stmt_add(b, VB_THROW, cp->ps.line);
		if (next(cp) == -1)
			return -1;
		if (!at_end_of_statement(cp) && (s->e1 = expr(cp)) == NULL)
			return -1;
		return 0;
	}
	if (word(cp, "Call"))
		return accept(cp, "Call", &w) == -1 ? -1 : parse_simple(cp, b);
	if (word(cp, "End"))
		return cerr(cp, "End without a block to end (End If, End "
		    "Function ...)%s", "");
	*done = false;
	return refuse_word(cp);
}

static int
statement(struct cparse *cp, struct vb_block *b)
{
	bool		 done;

	if (keyword_statement(cp, b, &done) == -1)
		return -1;
	if (done)
		return 0;
	return parse_simple(cp, b);
}

/* Statements up to a line that starts with one of stops. */
static int
parse_block(struct cparse *cp, struct vb_block *b, const char *const *stops)
{
	if (++cp->nest > VB_NEST_MAX)
		return cerr(cp, "blocks are nested more than %d deep",
		    VB_NEST_MAX);
	for (;;) {
		if (skip_lines(cp) == -1)
			return -1;
		if (cp->ps.tok == TK_EOF)
			return cerr(cp, "the block of %s does not end (expected "
			    "%s ...)", cp->f->name, stops[0]);
		if (is_stop(cp, stops))
			break;
		if (statement(cp, b) == -1 || end_statement(cp) == -1)
			return -1;
	}
	cp->nest--;
	return 0;
}

/* [Optional] [ByVal|ByRef] name[()] [As Type] [= default] */
static int
parse_param(struct cparse *cp, struct vb_func *f)
{
	struct vb_param	*p;
	bool		 opt, byval, byref, pa, as;

	f->params = xreallocarray(f->params, f->nparams + 1,
	    sizeof(*f->params));
	p = &f->params[f->nparams++];
	memset(p, 0, sizeof(*p));
	if (accept(cp, "Optional", &opt) == -1 ||
	    accept(cp, "ByVal", &byval) == -1 ||
	    accept(cp, "ByRef", &byref) == -1 ||
	    accept(cp, "ParamArray", &pa) == -1)
		return -1;
	if (pa)
		return cerr(cp, "ParamArray is not supported; pass an array%s",
		    "");
	p->optional = opt;
	p->byref = byref;
	if (cp->ps.tok != TK_IDENT)
		return cerr(cp, "expected a parameter name in %s", f->name);
	p->name = xstrdup(cp->ps.text);
	if (next(cp) == -1)
		return -1;
	if (cp->ps.tok == TK_LP) {
		if (next(cp) == -1 || cp->ps.tok != TK_RP || next(cp) == -1)
			return cp->ps.e->code != RS_E_OK ? -1 :
			    cerr(cp, "expected () after %s", p->name);
		p->type.array = true;
	}
	if (accept(cp, "As", &as) == -1 || (as && parse_type(cp, &p->type) == -1))
		return -1;
	if (cp->ps.tok == TK_EQ && (next(cp) == -1 ||
	    (p->dflt = expr(cp)) == NULL))
		return -1;
	if (p->optional && p->dflt == NULL)
		return cerr(cp, "Optional %s needs a default value", p->name);
	return 0;
}

static int
parse_params(struct cparse *cp, struct vb_func *f)
{
	if (cp->ps.tok != TK_LP)
		return 0;
	if (next(cp) == -1)
		return -1;
	while (cp->ps.tok != TK_RP) {
		if (parse_param(cp, f) == -1)
			return -1;
		if (cp->ps.tok == TK_RP)
			break;
		if (cp->ps.tok != TK_COMMA)
			return cerr(cp, "expected , or ) in the parameters of %s",
			    f->name);
		if (next(cp) == -1)
			return -1;
	}
	return next(cp);
}

static int
parse_func(struct cparse *cp)
{
	struct vb_func	*f;
	bool		 sub = word(cp, "Sub"), as;
	struct vb_type	 none = { .base = EXPR_T_NULL };

	if (cp->m->nfuncs >= VB_FUNCS_MAX)
		return cerr(cp, "more than %d functions", VB_FUNCS_MAX);
	if (next(cp) == -1)
		return -1;
	if (cp->ps.tok != TK_IDENT)
		return cerr(cp, "expected the name of the %s", sub ? "Sub" :
		    "Function");
	if (expr_code_find(cp->m, cp->ps.text, NULL, NULL) >= 0)
		return cerr(cp, "%s is defined twice (overloads are not "
		    "supported)", cp->ps.text);
	cp->m->funcs = xreallocarray(cp->m->funcs, cp->m->nfuncs + 1,
	    sizeof(*cp->m->funcs));
	cp->fi = (int)cp->m->nfuncs;
	f = &cp->m->funcs[cp->m->nfuncs++];
	memset(f, 0, sizeof(*f));
	cp->f = f;
	f->name = xstrdup(cp->ps.text);
	f->line = cp->ps.line;
	f->is_sub = sub;
	if (next(cp) == -1 || parse_params(cp, f) == -1 ||
	    accept(cp, "As", &as) == -1 || (as && parse_type(cp, &f->ret) == -1))
		return -1;
	for (size_t i = 0; i < f->nparams; i++)
		if (slot_add(cp, f->params[i].name, &f->params[i].type) < 0)
			return -1;
	if (slot_add(cp, f->name, sub ? &none : &f->ret) < 0)
		return -1;
	if (end_statement(cp) == -1 ||
	    parse_block(cp, &f->body, (const char *const[]){ "End", NULL }) ==
	    -1 || end_of(cp, sub ? "Sub" : "Function") == -1)
		return -1;
	cp->f = NULL;
	return 0;
}

static int
modifiers(struct cparse *cp, bool *any)
{
	static const char *const mods[] = { "Public", "Private", "Friend",
	    "Protected", "Shared", "Overloads", "Overrides", "Overridable",
	    "ReadOnly", "Shadows", "NotOverridable", "Static", NULL };

	*any = false;
	while (is_stop(cp, mods)) {
		*any = true;
		if (next(cp) == -1)
			return -1;
	}
	return 0;
}

static int
module_item(struct cparse *cp)
{
	bool		 any;

	if (modifiers(cp, &any) == -1)
		return -1;
	if (word(cp, "Function") || word(cp, "Sub"))
		return parse_func(cp);
	if (word(cp, "Dim") || word(cp, "Const")) {
		bool c = word(cp, "Const");
		if (next(cp) == -1 || parse_dim(cp, NULL, c, false) == -1)
			return -1;
		return end_statement(cp);
	}
	if (refuse_word(cp) == -1)
		return -1;
	if (any && cp->ps.tok == TK_IDENT)
		return parse_dim(cp, NULL, false, false) == -1 ? -1 :
		    end_statement(cp);
	return cerr(cp, "expected Function, Sub or a variable declaration at "
	    "the level of the Code block, not '%.20s'", cp->ps.tstart);
}

/* Binding: the second half. */

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

	if ((i = slot_find(b->f, n->name)) >= 0 && !(self && n->op &&
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

static int
bind_module(struct expr_code *m, struct rs_err *e)
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

struct expr_code *
expr_code_parse(const char *text, int first_line, struct rs_err *e)
{
	struct cparse	 cp;
	struct rs_err	 local;

	if (e == NULL)
		e = &local;
	rs_err_clear(e);
	if (strlen(text) > EXPR_CODE_TEXT_MAX) {
		rs_err_set(e, RS_E_LIMIT, "the Code block is longer than %u "
		    "bytes", EXPR_CODE_TEXT_MAX);
		return NULL;
	}
	memset(&cp, 0, sizeof(cp));
	cp.ps = (struct parser){ .src = text, .p = text, .tstart = text,
	    .code = true, .nl = first_line, .line = first_line,
	    .line_start = text, .e = e };
	cp.m = xcalloc(1, sizeof(*cp.m));
	if (next(&cp) == -1)
		goto fail;
	for (;;) {
		if (skip_lines(&cp) == -1)
			goto fail;
		if (cp.ps.tok == TK_EOF)
			break;
		if (module_item(&cp) == -1)
			goto fail;
	}
	if (bind_module(cp.m, e) == -1)
		goto fail;
	free(cp.ps.text);
	return cp.m;
fail:
	free(cp.ps.text);
	expr_code_free(cp.m);
	return NULL;
}

int
expr_code_find(const struct expr_code *m, const char *name, int *min_args,
    int *max_args)
{
	for (size_t i = 0; m != NULL && i < m->nfuncs; i++) {
		const struct vb_func *f = &m->funcs[i];

		if (strcasecmp(f->name, name) != 0)
			continue;
		if (min_args != NULL) {
			*min_args = 0;
			for (size_t j = 0; j < f->nparams; j++)
				if (!f->params[j].optional)
					*min_args = (int)j + 1;
		}
		if (max_args != NULL)
			*max_args = (int)f->nparams;
		return (int)i;
	}
	return -1;
}

static void
stmt_fini(struct vb_stmt *s)
{
	expr_free(s->target);
	expr_free(s->e1);
	expr_free(s->e2);
	expr_free(s->e3);
	vb_block_free(&s->body);
	vb_block_free(&s->alt);
	vb_block_free(&s->fin);
	for (size_t i = 0; i < s->ncases; i++) {
		for (size_t j = 0; j < s->cases[i].nitems; j++) {
			expr_free(s->cases[i].items[j].a);
			expr_free(s->cases[i].items[j].b);
		}
		free(s->cases[i].items);
		vb_block_free(&s->cases[i].body);
	}
	free(s->cases);
}

void
vb_block_free(struct vb_block *b)
{
	for (size_t i = 0; i < b->n; i++)
		stmt_fini(&b->v[i]);
	free(b->v);
	b->v = NULL;
	b->n = 0;
}

void
expr_code_free(struct expr_code *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nfuncs; i++) {
		struct vb_func *f = &m->funcs[i];
		free(f->name);
		for (size_t j = 0; j < f->nparams; j++) {
			free(f->params[j].name);
			expr_free(f->params[j].dflt);
		}
		free(f->params);
		for (size_t j = 0; j < f->nslots; j++)
			free(f->slots[j]);
		free(f->slots);
		free(f->slot_types);
		vb_block_free(&f->body);
	}
	free(m->funcs);
	for (size_t i = 0; i < m->nglobals; i++) {
		free(m->globals[i].name);
		expr_free(m->globals[i].init);
		expr_free(m->globals[i].size);
	}
	free(m->globals);
	free(m);
}
