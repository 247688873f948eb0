/*
 * code_stmt.c: the statements of a Code block's functions: Dim, Const
 * and Static go to code.c's declarator; If/ElseIf/Else and the one-line
 * If, Select Case, For and For Each, While, Do ... Loop, Exit, Continue,
 * Try/Catch/Finally, Return, ReDim, Throw, Call, assignments and calls.
 * A block reads statements up to a line that starts with one of the words
 * that end it; the statement that owns the block checks the ending.
 * Statements outside the subset are refused with what to write instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "expr/expr_int.h"

#define VB_NEST_MAX	64	/* nested blocks */

bool
cp_is_stop(struct cparse *cp, const char *const *stops)
{
	for (; stops != NULL && *stops != NULL; stops++)
		if (cp_word(cp, *stops))
			return true;
	return false;
}

/* "End X": the current token is End; X must follow. */
int
cp_end_of(struct cparse *cp, const char *what)
{
	if (!cp_word(cp, "End"))
		return cp_err(cp, "expected End %s", what);
	if (cp_next(cp) == -1)
		return -1;
	if (!cp_word(cp, what))
		return cp_err(cp, "expected End %s", what);
	return cp_next(cp);
}


/* The one-line If: If c Then a [: b] [Else c [: d]] */
static int
one_line_if(struct cparse *cp, struct vb_stmt *s)
{
	struct vb_block	*b = &s->body;

	while (cp->ps.tok != TK_EOL && cp->ps.tok != TK_EOF) {
		if (cp_word(cp, "Else")) {
			if (b == &s->alt)
				return cp_err(cp, "a second Else%s", "");
			b = &s->alt;
			if (cp_next(cp) == -1)
				return -1;
			continue;
		}
		if (cp->ps.tok == TK_COLON) {
			if (cp_next(cp) == -1)
				return -1;
			continue;
		}
		if (cp_statement(cp, b) == -1)
			return -1;
	}
	return 0;
}

static int
parse_if(struct cparse *cp, struct vb_block *b, bool elseif)
{
	static const char *const stops[] = { "Else", "ElseIf", "End", NULL };
	struct vb_stmt	*s = cp_stmt_add(b, VB_IF, cp->ps.line);

	if (cp_next(cp) == -1 || (s->e1 = cp_expr(cp)) == NULL ||
	    cp_expect_word(cp, "Then", "the condition of If") == -1)
		return -1;
	if (!elseif && cp->ps.tok != TK_EOL && cp->ps.tok != TK_EOF)
		return one_line_if(cp, s);
	if (cp_end_statement(cp) == -1 || cp_block(cp, &s->body, stops) == -1)
		return -1;
	if (cp_word(cp, "ElseIf"))
		return parse_if(cp, &s->alt, true);
	if (cp_word(cp, "Else")) {
		bool ifw;
		if (cp_next(cp) == -1)
			return -1;
		if (cp_accept(cp, "If", &ifw) == -1)	/* "Else If" */
			return -1;
		if (ifw) {
			cp_err(cp, "write ElseIf, not Else If%s", "");
			return -1;
		}
		if (cp_end_statement(cp) == -1 ||
		    cp_block(cp, &s->alt, stops + 2) == -1)
			return -1;
	}
	return cp_end_of(cp, "If");
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
	if (is && cp_next(cp) == -1)
		return -1;
	if (is || (cp->ps.tok >= TK_EQ && cp->ps.tok <= TK_GE)) {
		it->op = cp->ps.tok;
		if (it->op < TK_EQ || it->op > TK_GE)
			return cp_err(cp, "expected a comparison after Case Is%s",
			    "");
		if (cp_next(cp) == -1 || (it->a = cp_expr(cp)) == NULL)
			return -1;
		return 0;
	}
	if ((it->a = cp_expr(cp)) == NULL)
		return -1;
	if (cp_word(cp, "To") && (cp_next(cp) == -1 || (it->b = cp_expr(cp)) == NULL))
		return -1;
	return 0;
}

static int
parse_select(struct cparse *cp, struct vb_block *b)
{
	static const char *const stops[] = { "Case", "End", NULL };
	struct vb_stmt	*s = cp_stmt_add(b, VB_SELECT, cp->ps.line);
	struct vb_case	*c;
	bool		 cs;

	if (cp_next(cp) == -1 || cp_accept(cp, "Case", &cs) == -1 ||
	    (s->e1 = cp_expr(cp)) == NULL || cp_end_statement(cp) == -1 ||
	    cp_skip_lines(cp) == -1)
		return -1;
	while (cp_word(cp, "Case")) {
		s->cases = xreallocarray(s->cases, s->ncases + 1,
		    sizeof(*s->cases));
		c = &s->cases[s->ncases++];
		memset(c, 0, sizeof(*c));
		if (cp_next(cp) == -1)
			return -1;
		if (cp_word(cp, "Else")) {
			if (cp_next(cp) == -1)
				return -1;
		} else
			for (;;) {
				if (case_item(cp, c) == -1)
					return -1;
				if (cp->ps.tok != TK_COMMA)
					break;
				if (cp_next(cp) == -1)
					return -1;
			}
		if (cp_end_statement(cp) == -1 ||
		    cp_block(cp, &c->body, stops) == -1)
			return -1;
	}
	return cp_end_of(cp, "Select");
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
		return cp_err(cp, "expected the loop's variable%s", "");
	name = xstrdup(cp->ps.text);
	if (cp_next(cp) == -1 || cp_accept(cp, "As", &as) == -1 ||
	    (as && cp_type(cp, &t) == -1))
		goto out;
	if ((as || cp_slot_find(cp->f, name) < 0) && cp_slot_add(cp, name, &t) < 0)
		goto out;
	s->target = cp_name_node(cp, name);
	rv = 0;
out:
	free(name);
	return rv;
}

static int
parse_next(struct cparse *cp)
{
	if (!cp_word(cp, "Next"))
		return cp_err(cp, "expected Next%s", "");
	if (cp_next(cp) == -1)
		return -1;
	if (cp->ps.tok == TK_IDENT && cp_next(cp) == -1)	/* Next i */
		return -1;
	return 0;
}

static int
parse_for(struct cparse *cp, struct vb_block *b)
{
	static const char *const stops[] = { "Next", NULL };
	struct vb_stmt	*s = cp_stmt_add(b, VB_FOR, cp->ps.line);
	bool		 each;

	if (cp_next(cp) == -1 || cp_accept(cp, "Each", &each) == -1 ||
	    loop_var(cp, s) == -1)
		return -1;
	if (each) {
		s->kind = VB_FOREACH;
		if (cp_expect_word(cp, "In", "For Each x") == -1 ||
		    (s->e1 = cp_expr(cp)) == NULL)
			return -1;
	} else {
		if (cp->ps.tok != TK_EQ)
			return cp_err(cp, "expected = after For %s", s->target->name);
		if (cp_next(cp) == -1 || (s->e1 = cp_expr(cp)) == NULL ||
		    cp_expect_word(cp, "To", "For ... = start") == -1 ||
		    (s->e2 = cp_expr(cp)) == NULL)
			return -1;
		if (cp_word(cp, "Step") && (cp_next(cp) == -1 ||
		    (s->e3 = cp_expr(cp)) == NULL))
			return -1;
	}
	if (cp_end_statement(cp) == -1 || cp_block(cp, &s->body, stops) == -1)
		return -1;
	return parse_next(cp);
}

static int
parse_while(struct cparse *cp, struct vb_block *b)
{
	static const char *const stops[] = { "End", "Wend", NULL };
	struct vb_stmt	*s = cp_stmt_add(b, VB_WHILE, cp->ps.line);

	if (cp_next(cp) == -1 || (s->e1 = cp_expr(cp)) == NULL ||
	    cp_end_statement(cp) == -1 || cp_block(cp, &s->body, stops) == -1)
		return -1;
	if (cp_word(cp, "Wend"))
		return cp_next(cp);
	return cp_end_of(cp, "While");
}

/* While c / Until c after Do or Loop, if there. */
static int
do_condition(struct cparse *cp, struct vb_stmt *s, bool post)
{
	bool		 w, u = false;

	if (cp_accept(cp, "While", &w) == -1 || (!w && cp_accept(cp, "Until",
	    &u) == -1))
		return -1;
	if (!w && !u)
		return 0;
	if (s->e1 != NULL)
		return cp_err(cp, "a Do loop takes its condition once, after Do "
		    "or after Loop%s", "");
	s->until = u;
	s->post = post;
	return (s->e1 = cp_expr(cp)) == NULL ? -1 : 0;
}

static int
parse_do(struct cparse *cp, struct vb_block *b)
{
	static const char *const stops[] = { "Loop", NULL };
	struct vb_stmt	*s = cp_stmt_add(b, VB_DO, cp->ps.line);

	if (cp_next(cp) == -1 || do_condition(cp, s, false) == -1 ||
	    cp_end_statement(cp) == -1 || cp_block(cp, &s->body, stops) == -1)
		return -1;
	if (!cp_word(cp, "Loop"))
		return cp_err(cp, "expected Loop%s", "");
	if (cp_next(cp) == -1)
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
	struct vb_stmt	*s = cp_stmt_add(b, cont ? VB_CONTINUE : VB_EXIT,
	    cp->ps.line);

	if (cp_next(cp) == -1)
		return -1;
	for (size_t i = 0; i < nitems(kinds); i++)
		if (cp_word(cp, kinds[i].w) && (!cont || kinds[i].x <= VB_X_WHILE)) {
			s->op = kinds[i].x;
			return cp_next(cp);
		}
	return cp_err(cp, "expected %s after %s", cont ? "For, Do or While" :
	    "For, Do, While, Select, Function, Sub or Try", cont ? "Continue" :
	    "Exit");
}

static int
parse_try(struct cparse *cp, struct vb_block *b)
{
	static const char *const stops[] = { "Catch", "Finally", "End", NULL };
	struct vb_stmt	*s = cp_stmt_add(b, VB_TRY, cp->ps.line);
	struct vb_type	 t = { .base = EXPR_T_STRING };
	bool		 as;

	if (cp_next(cp) == -1 || cp_end_statement(cp) == -1 ||
	    cp_block(cp, &s->body, stops) == -1)
		return -1;
	if (cp_word(cp, "Catch")) {
		if (cp_next(cp) == -1)
			return -1;
		if (cp->ps.tok == TK_IDENT && !cp_word(cp, "When")) {
			/* Catch ex [As Exception]: ex holds the message. */
			if (cp_slot_add(cp, cp->ps.text, &t) < 0)
				return -1;
			s->target = cp_name_node(cp, cp->ps.text);
			if (cp_next(cp) == -1 || cp_accept(cp, "As", &as) == -1)
				return -1;
			if (as && cp_want(cp, TK_IDENT, "a type after As") == -1)
				return -1;
		}
		if (cp_word(cp, "When"))
			return cp_err(cp, "Catch ... When is not supported%s", "");
		if (cp_end_statement(cp) == -1 ||
		    cp_block(cp, &s->alt, stops + 1) == -1)
			return -1;
		s->op = 1;	/* has a Catch */
	}
	if (cp_word(cp, "Finally") && (cp_next(cp) == -1 || cp_end_statement(cp) == -1 ||
	    cp_block(cp, &s->fin, stops + 2) == -1))
		return -1;
	return cp_end_of(cp, "Try");
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
		return cp_err(cp, "unexpected '%.20s'; expected a statement",
		    cp->ps.tstart);
	if ((lhs = parse_ident(&cp->ps)) == NULL)
		return -1;
	op = assign_op(cp->ps.tok);
	if (op >= 0) {
		s = cp_stmt_add(b, VB_ASSIGN, line);
		s->target = lhs;
		s->op = op;
		if (cp_next(cp) == -1 || (s->e1 = cp_expr(cp)) == NULL)
			return -1;
		return 0;
	}
	s = cp_stmt_add(b, VB_EXPR, line);
	s->e1 = lhs;
	if (!cp_at_end(cp) && !cp_word(cp, "Else"))
		return cp_err(cp, "expected = or the end of the statement after "
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

int
cp_refuse_word(struct cparse *cp)
{
	for (size_t i = 0; i < nitems(refused); i++)
		if (cp_word(cp, refused[i].w))
			return cp_err(cp, "%s", refused[i].why);
	return 0;
}

static int
parse_return(struct cparse *cp, struct vb_block *b)
{
	struct vb_stmt	*s = cp_stmt_add(b, VB_RETURN, cp->ps.line);

	if (cp_next(cp) == -1)
		return -1;
	if (cp_at_end(cp) || cp_word(cp, "Else"))
		return 0;
	if (cp->f->is_sub)
		return cp_err(cp, "Return in a Sub takes no value%s", "");
	return (s->e1 = cp_expr(cp)) == NULL ? -1 : 0;
}

static int
parse_redim(struct cparse *cp, struct vb_block *b)
{
	struct vb_stmt	*s = cp_stmt_add(b, VB_REDIM, cp->ps.line);

	if (cp_next(cp) == -1 || cp_accept(cp, "Preserve", &s->preserve) == -1)
		return -1;
	if (cp->ps.tok != TK_IDENT)
		return cp_err(cp, "expected an array after ReDim%s", "");
	s->target = cp_name_node(cp, cp->ps.text);
	if (cp_next(cp) == -1 || cp->ps.tok != TK_LP || cp_next(cp) == -1 ||
	    (s->e1 = cp_expr(cp)) == NULL)
		return cp->ps.e->code != RS_E_OK ? -1 :
		    cp_err(cp, "expected ReDim a(size)%s", "");
	if (cp->ps.tok != TK_RP)
		return cp_err(cp, "arrays of more than one dimension are not "
		    "supported%s", "");
	return cp_next(cp);
}

static int
keyword_statement(struct cparse *cp, struct vb_block *b, bool *done)
{
	bool		 w;

	*done = true;
	if (cp_word(cp, "Dim") || cp_word(cp, "Const") || cp_word(cp, "Static")) {
		bool c = cp_word(cp, "Const"), st = cp_word(cp, "Static");
		return cp_next(cp) == -1 ? -1 : cp_dim(cp, b, c, st);
	}
	if (cp_word(cp, "If"))
		return parse_if(cp, b, false);
	if (cp_word(cp, "Select"))
		return parse_select(cp, b);
	if (cp_word(cp, "For"))
		return parse_for(cp, b);
	if (cp_word(cp, "While"))
		return parse_while(cp, b);
	if (cp_word(cp, "Do"))
		return parse_do(cp, b);
	if (cp_word(cp, "Exit") || cp_word(cp, "Continue"))
		return parse_exit(cp, b, cp_word(cp, "Continue"));
	if (cp_word(cp, "Try"))
		return parse_try(cp, b);
	if (cp_word(cp, "Return"))
		return parse_return(cp, b);
	if (cp_word(cp, "ReDim"))
		return parse_redim(cp, b);
	if (cp_word(cp, "Throw")) {
		struct vb_stmt *s = cp_stmt_add(b, VB_THROW, cp->ps.line);
		if (cp_next(cp) == -1)
			return -1;
		if (!cp_at_end(cp) && (s->e1 = cp_expr(cp)) == NULL)
			return -1;
		return 0;
	}
	if (cp_word(cp, "Call"))
		return cp_accept(cp, "Call", &w) == -1 ? -1 : parse_simple(cp, b);
	if (cp_word(cp, "End"))
		return cp_err(cp, "End without a block to end (End If, End "
		    "Function ...)%s", "");
	*done = false;
	return cp_refuse_word(cp);
}

int
cp_statement(struct cparse *cp, struct vb_block *b)
{
	bool		 done;

	if (keyword_statement(cp, b, &done) == -1)
		return -1;
	if (done)
		return 0;
	return parse_simple(cp, b);
}

/* Statements up to a line that starts with one of stops. */
int
cp_block(struct cparse *cp, struct vb_block *b, const char *const *stops)
{
	if (++cp->nest > VB_NEST_MAX)
		return cp_err(cp, "blocks are nested more than %d deep",
		    VB_NEST_MAX);
	for (;;) {
		if (cp_skip_lines(cp) == -1)
			return -1;
		if (cp->ps.tok == TK_EOF)
			return cp_err(cp, "the block of %s does not end (expected "
			    "%s ...)", cp->f->name, stops[0]);
		if (cp_is_stop(cp, stops))
			break;
		if (cp_statement(cp, b) == -1 || cp_end_statement(cp) == -1)
			return -1;
	}
	cp->nest--;
	return 0;
}
