/*
 * names.c: what a name means in an expression.  A name is resolved when
 * it is parsed: a collection (Fields!X.Value, Parameters!P.Label,
 * Globals!X, User!UserID, ReportItems!T.Value, Variables!V.Value), an
 * aggregate with its scope, a built-in function (also without
 * parentheses when it takes no arguments: Today, Now), a dotted .NET
 * name (System.Math.Round, DateTime.Now.AddDays, Microsoft.VisualBasic.
 * Strings.Left, DateFormat.ShortDate), New DateTime(...), Code.F(...), or
 * in a Code block a variable or function of the module (EXPR_NAME, bound
 * by code.c).  A member after any of them (.ToString("N2"), .Length) is
 * checked against the member table.  Anything else is refused with what
 * is supported, so an unsupported report never renders wrongly in
 * silence.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "expr/expr_int.h"

#define CHAIN_MAX	8	/* parts of a dotted name */

static const struct {
	const char	*name;
	enum expr_aggfn	 fn;
} aggregates[] = {
	{ "Sum", EXPR_AGG_SUM }, { "Count", EXPR_AGG_COUNT },
	{ "CountDistinct", EXPR_AGG_COUNTDISTINCT }, { "Avg", EXPR_AGG_AVG },
	{ "Min", EXPR_AGG_MIN }, { "Max", EXPR_AGG_MAX },
	{ "First", EXPR_AGG_FIRST }, { "Last", EXPR_AGG_LAST },
	{ "CountRows", EXPR_AGG_COUNTROWS }, { "RowNumber", EXPR_AGG_ROWNUMBER },
	{ "RunningValue", EXPR_AGG_RUNNINGVALUE },
	{ "Previous", EXPR_AGG_PREVIOUS }, { "Lookup", EXPR_AGG_LOOKUP },
	{ "LookupSet", EXPR_AGG_LOOKUPSET },
	{ "MultiLookup", EXPR_AGG_MULTILOOKUP },
	{ "Aggregate", EXPR_AGG_AGGREGATE }, { "InScope", EXPR_AGG_INSCOPE },
	{ "Level", EXPR_AGG_LEVEL },
};

static const char *globals[] = {
	"ExecutionTime", "ReportName", "ReportFolder", "ReportServerUrl",
	"PageNumber", "TotalPages", "OverallPageNumber", "OverallTotalPages",
	"PageName", "RenderFormat",
};

static struct expr_node *
lit_node(struct parser *ps, struct expr_value v)
{
	struct expr_node *n = node_new(ps, EXPR_LIT);

	n->lit = v;
	return n;
}

static int
expect(struct parser *ps, enum expr_tok t, const char *what)
{
	if (ps->tok != t)
		return perr(ps, "expected %s", what);
	return lex_next(ps);
}

/* Named constants: vbCrLf, DateFormat.ShortDate, DateInterval.Day ... */
static bool
named_constant(const char *a, const char *b, struct expr_value *v)
{
	static const struct {
		const char	*a, *b;
		int		 kind;	/* 0 string, 1 int */
		const char	*s;
		int		 i;
	} c[] = {
		{ "vbCrLf", NULL, 0, "\r\n", 0 }, { "vbNewLine", NULL, 0, "\r\n", 0 },
		{ "vbCr", NULL, 0, "\r", 0 }, { "vbLf", NULL, 0, "\n", 0 },
		{ "vbTab", NULL, 0, "\t", 0 }, { "vbNullString", NULL, 0, "", 0 },
		{ "vbNullChar", NULL, 0, "", 0 }, { "vbBack", NULL, 0, "\b", 0 },
		{ "vbTrue", NULL, 1, NULL, -1 }, { "vbFalse", NULL, 1, NULL, 0 },
		{ "Constants", "vbCrLf", 0, "\r\n", 0 },
		{ "Environment", "NewLine", 0, "\r\n", 0 },
		{ "ControlChars", "CrLf", 0, "\r\n", 0 },
		{ "ControlChars", "NewLine", 0, "\r\n", 0 },
		{ "ControlChars", "Cr", 0, "\r", 0 },
		{ "ControlChars", "Lf", 0, "\n", 0 },
		{ "ControlChars", "Tab", 0, "\t", 0 },
		{ "ControlChars", "Quote", 0, "\"", 0 },
		{ "String", "Empty", 0, "", 0 },
		{ "DateFormat", "GeneralDate", 1, NULL, 0 },
		{ "DateFormat", "LongDate", 1, NULL, 1 },
		{ "DateFormat", "ShortDate", 1, NULL, 2 },
		{ "DateFormat", "LongTime", 1, NULL, 3 },
		{ "DateFormat", "ShortTime", 1, NULL, 4 },
		{ "DateInterval", "Year", 0, "yyyy", 0 },
		{ "DateInterval", "Quarter", 0, "q", 0 },
		{ "DateInterval", "Month", 0, "m", 0 },
		{ "DateInterval", "DayOfYear", 0, "y", 0 },
		{ "DateInterval", "Day", 0, "d", 0 },
		{ "DateInterval", "WeekOfYear", 0, "ww", 0 },
		{ "DateInterval", "Weekday", 0, "w", 0 },
		{ "DateInterval", "Hour", 0, "h", 0 },
		{ "DateInterval", "Minute", 0, "n", 0 },
		{ "DateInterval", "Second", 0, "s", 0 },
		{ "FirstDayOfWeek", "System", 1, NULL, 0 },
		{ "FirstDayOfWeek", "Sunday", 1, NULL, 1 },
		{ "FirstDayOfWeek", "Monday", 1, NULL, 2 },
		{ "CompareMethod", "Binary", 1, NULL, 0 },
		{ "CompareMethod", "Text", 1, NULL, 1 },
		{ "MidpointRounding", "ToEven", 1, NULL, 0 },
		{ "MidpointRounding", "AwayFromZero", 1, NULL, 1 },
		{ "StringComparison", "Ordinal", 1, NULL, 4 },
		{ "StringComparison", "OrdinalIgnoreCase", 1, NULL, 5 },
		{ "StringComparison", "CurrentCulture", 1, NULL, 0 },
		{ "StringComparison", "CurrentCultureIgnoreCase", 1, NULL, 1 },
		{ "StringComparison", "InvariantCultureIgnoreCase", 1, NULL, 3 },
		{ "TriState", "True", 1, NULL, -1 },
		{ "TriState", "False", 1, NULL, 0 },
		{ "TriState", "UseDefault", 1, NULL, -2 },
		{ "DayOfWeek", "Sunday", 1, NULL, 0 },
		{ "DayOfWeek", "Monday", 1, NULL, 1 },
		{ "DayOfWeek", "Tuesday", 1, NULL, 2 },
		{ "DayOfWeek", "Wednesday", 1, NULL, 3 },
		{ "DayOfWeek", "Thursday", 1, NULL, 4 },
		{ "DayOfWeek", "Friday", 1, NULL, 5 },
		{ "DayOfWeek", "Saturday", 1, NULL, 6 },
	};
	size_t		 i;

	for (i = 0; i < nitems(c); i++) {
		if (strcasecmp(c[i].a, a) != 0)
			continue;
		if ((c[i].b == NULL) != (b == NULL) ||
		    (b != NULL && strcasecmp(c[i].b, b) != 0))
			continue;
		if (c[i].kind == 0) {
			v->type = EXPR_T_STRING;
			v->borrowed = false;
			v->u.s = xstrdup(c[i].s);
		} else if (c[i].i == -1 && (strcasecmp(c[i].a, "vbTrue") == 0 ||
		    strcasecmp(c[i].a, "TriState") == 0)) {
			v->type = EXPR_T_INT;
			v->u.i = -1;
		} else {
			v->type = EXPR_T_INT;
			v->u.i = c[i].i;
		}
		return true;
	}
	return false;
}

/* .Value, .Label ... after Fields!X, Parameters!P, ReportItems!T. */
static int
parse_coll_member(struct parser *ps, struct expr_node *n, const char *coll)
{
	static const struct {
		const char	*name;
		enum expr_member m;
	} members[] = {
		{ "Value", EXPR_M_VALUE }, { "Label", EXPR_M_LABEL },
		{ "IsMissing", EXPR_M_ISMISSING }, { "Count", EXPR_M_COUNT },
		{ "IsMultiValue", EXPR_M_ISMULTI },
	};
	size_t		 i;

	if (ps->tok != TK_DOT)
		return perr(ps, "expected .Value after %s", coll);
	if (lex_next(ps) == -1)
		return -1;
	if (ps->tok != TK_IDENT)
		return perr(ps, "expected a member name after %s!", coll);
	for (i = 0; i < nitems(members); i++)
		if (strcasecmp(ps->text, members[i].name) == 0)
			break;
	if (i == nitems(members) ||
	    (n->kind == EXPR_FIELD && members[i].m != EXPR_M_VALUE &&
	    members[i].m != EXPR_M_ISMISSING) ||
	    (n->kind == EXPR_RITEM && members[i].m != EXPR_M_VALUE))
		return perr(ps, "unsupported member .%s (supported: .Value, "
		    ".Label, .Count, .IsMultiValue on Parameters; .Value, "
		    ".IsMissing on Fields)", ps->text);
	n->member = members[i].m;
	return lex_next(ps);
}

static int
parse_param_index(struct parser *ps, struct expr_node *n)
{
	char		*end;
	long		 v;

	if (ps->tok != TK_LP)
		return 0;
	if (lex_next(ps) == -1)
		return -1;
	if (ps->tok != TK_NUM)
		return perr(ps, "expected a constant index%s", "");
	v = strtol(ps->text, &end, 10);
	if (*end != '\0' || v < 0 || v > 10000)
		return perr(ps, "bad parameter index %s", ps->text);
	n->index = (int)v;
	if (lex_next(ps) == -1)
		return -1;
	return expect(ps, TK_RP, "')'");
}

/* Parses "(a, b, ...)" into n's arguments (the current token is '('). */
static int
parse_arglist(struct parser *ps, struct expr_node *n)
{
	struct expr_node *a;

	if (lex_next(ps) == -1)
		return -1;
	if (ps->tok == TK_RP)
		return lex_next(ps);
	for (;;) {
		a = parse_expr(ps);
		if (a == NULL)
			return -1;
		add_arg(n, a);
		if (n->nargs > 256)
			return perr(ps, "too many arguments%s", "");
		if (ps->tok == TK_RP)
			break;
		if (expect(ps, TK_COMMA, "',' or ')'") == -1)
			return -1;
	}
	return lex_next(ps);
}

static struct expr_node *
parse_args(struct parser *ps, struct expr_node *n)
{
	if (parse_arglist(ps, n) == -1) {
		expr_free(n);
		return NULL;
	}
	return n;
}

/* Variables!V.Value or Variables!V.SetValue(x). */
static int
parse_variable(struct parser *ps, struct expr_node *n)
{
	if (ps->tok != TK_DOT || lex_next(ps) == -1 || ps->tok != TK_IDENT)
		return ps->e->code != RS_E_OK ? -1 :
		    perr(ps, "expected .Value or .SetValue after Variables!%s",
		    n->name);
	if (strcasecmp(ps->text, "Value") == 0) {
		n->member = EXPR_M_VALUE;
		return lex_next(ps);
	}
	if (strcasecmp(ps->text, "SetValue") != 0)
		return perr(ps, "unsupported member .%s of Variables!%s "
		    "(supported: .Value, .SetValue)", ps->text, n->name);
	n->member = EXPR_M_SETVALUE;
	if (lex_next(ps) == -1)
		return -1;
	if (ps->tok != TK_LP)
		return perr(ps, "SetValue needs a value in parentheses%s", "");
	if (parse_arglist(ps, n) == -1)
		return -1;
	if (n->nargs != 1)
		return perr(ps, "SetValue takes one value%s", "");
	return 0;
}

static struct expr_node *
collection_node(struct parser *ps, const char *coll)
{
	struct expr_node *n;
	size_t		 i;

	if (strcasecmp(coll, "Fields") == 0) {
		if (ps->code) {
			perr(ps, "Fields!%s cannot be used in Code; pass the "
			    "value to the function as an argument", ps->text);
			return NULL;
		}
		return node_new(ps, EXPR_FIELD);
	}
	if (strcasecmp(coll, "Parameters") == 0)
		return node_new(ps, EXPR_PARAM);
	if (strcasecmp(coll, "Variables") == 0)
		return node_new(ps, EXPR_VAR);
	if (strcasecmp(coll, "ReportItems") == 0)
		return node_new(ps, EXPR_RITEM);
	if (strcasecmp(coll, "Globals") == 0) {
		for (i = 0; i < nitems(globals); i++)
			if (strcasecmp(ps->text, globals[i]) == 0)
				break;
		if (i == nitems(globals)) {
			perr(ps, "unsupported global %s (supported: ExecutionTime, "
			    "ReportName, ReportFolder, ReportServerUrl, PageNumber, "
			    "TotalPages, OverallPageNumber, OverallTotalPages, "
			    "PageName, RenderFormat.Name)", ps->text);
			return NULL;
		}
		n = node_new(ps, EXPR_GLOBAL);
		n->member = EXPR_M_NONE;
		return n;
	}
	if (strcasecmp(coll, "User") == 0) {
		if (strcasecmp(ps->text, "UserID") != 0 &&
		    strcasecmp(ps->text, "Language") != 0) {
			perr(ps, "unsupported User!%s (supported: UserID, Language)",
			    ps->text);
			return NULL;
		}
		n = node_new(ps, EXPR_USER);
		n->member = EXPR_M_NONE;
		return n;
	}
	perr(ps, "unsupported collection %s! (supported: Fields, "
	    "Parameters, Globals, User, ReportItems, Variables)", coll);
	return NULL;
}

static struct expr_node *
parse_collection(struct parser *ps, const char *coll)
{
	struct expr_node *n = NULL;

	if (lex_next(ps) == -1 || (ps->tok != TK_IDENT && ps->tok != TK_STR)) {
		if (ps->e != NULL && ps->e->code == RS_E_OK)
			perr(ps, "expected a name after %s!", coll);
		return NULL;
	}
	if ((n = collection_node(ps, coll)) == NULL)
		return NULL;
	n->name = ps->text;
	ps->text = NULL;
	if (lex_next(ps) == -1)
		goto fail;
	if (n->kind == EXPR_GLOBAL && strcasecmp(n->name, "RenderFormat") == 0) {
		if (ps->tok != TK_DOT || lex_next(ps) == -1 || ps->tok != TK_IDENT ||
		    strcasecmp(ps->text, "Name") != 0) {
			perr(ps, "only Globals!RenderFormat.Name is supported%s", "");
			goto fail;
		}
		if (lex_next(ps) == -1)
			goto fail;
	}
	if (n->kind == EXPR_VAR && parse_variable(ps, n) == -1)
		goto fail;
	if (n->kind == EXPR_FIELD || n->kind == EXPR_PARAM ||
	    n->kind == EXPR_RITEM) {
		if (parse_coll_member(ps, n, coll) == -1)
			goto fail;
		if (n->kind == EXPR_PARAM && parse_param_index(ps, n) == -1)
			goto fail;
	}
	return n;
fail:
	expr_free(n);
	return NULL;
}

/* An aggregate over a scope's rows (Lookup and InScope are not). */
bool
expr_agg_scoped(const struct expr_node *n)
{
	if (n->kind != EXPR_AGG)
		return false;
	switch (n->aggfn) {
	case EXPR_AGG_SUM: case EXPR_AGG_COUNT: case EXPR_AGG_COUNTDISTINCT:
	case EXPR_AGG_AVG: case EXPR_AGG_MIN: case EXPR_AGG_MAX:
	case EXPR_AGG_FIRST: case EXPR_AGG_LAST: case EXPR_AGG_COUNTROWS:
	case EXPR_AGG_AGGREGATE:
		return true;
	default:
		return false;
	}
}

static int
has_scoped_agg(struct expr_node *n, void *arg)
{
	(void)arg;
	return expr_agg_scoped(n);
}

bool
expr_has_scoped_agg(struct expr_node *n)
{
	return expr_walk(n, has_scoped_agg, NULL) != 0;
}

/* Max(Sum(X), "Tablix1"): these take an aggregate of a child scope. */
static bool
nestable(enum expr_aggfn f)
{
	switch (f) {
	case EXPR_AGG_SUM: case EXPR_AGG_COUNT: case EXPR_AGG_COUNTDISTINCT:
	case EXPR_AGG_AVG: case EXPR_AGG_MIN: case EXPR_AGG_MAX:
	case EXPR_AGG_FIRST: case EXPR_AGG_LAST: case EXPR_AGG_PREVIOUS:
		return true;
	default:
		return false;
	}
}

static bool
is_string_lit(const struct expr_node *n)
{
	return n->kind == EXPR_LIT && n->lit.type == EXPR_T_STRING;
}

/* The number of arguments before the optional scope; -1: refused. */
static int
agg_want(struct parser *ps, struct expr_node *n)
{
	switch (n->aggfn) {
	case EXPR_AGG_COUNTROWS: case EXPR_AGG_ROWNUMBER: case EXPR_AGG_LEVEL:
		return 0;
	case EXPR_AGG_INSCOPE:
		if (n->nargs != 1 || !is_string_lit(n->args[0]))
			return perr(ps, "InScope needs a scope name in "
			    "quotes%s", "");
		return 0;
	case EXPR_AGG_LOOKUP: case EXPR_AGG_LOOKUPSET:
	case EXPR_AGG_MULTILOOKUP:
		/* Lookup(source, destination, result, "DataSet") */
		if (n->nargs != 4 || !is_string_lit(n->args[3]))
			return perr(ps, "%s needs a source, a destination, a "
			    "result and a dataset name in quotes", n->name);
		return 3;
	case EXPR_AGG_RUNNINGVALUE:
		if (n->nargs != 2)
			return perr(ps, "RunningValue needs an expression, a "
			    "function and a scope%s", "");
		return 1;
	default:
		return 1;
	}
}

static struct expr_node *
finish_agg(struct parser *ps, struct expr_node *n)
{
	struct expr_node *s;
	int		 w = agg_want(ps, n);
	size_t		 want;

	if (w < 0)
		goto fail;
	want = (size_t)w;
	if (n->nargs < want || n->nargs > want + 1) {
		perr(ps, "wrong number of arguments to %s", n->name);
		goto fail;
	}
	/* Previous(Sum(...)) in a group: the aggregate of the instance
	 * before; Max(Sum(X), "Tablix1"): the largest of the sums of the
	 * child scope's instances (render/process.c, agg_nested). */
	if (want >= 1 && !nestable(n->aggfn) &&
	    expr_has_scoped_agg(n->args[0])) {
		perr(ps, "an aggregate inside %s is not supported; aggregates "
		    "of aggregates work in Sum, Avg, Min, Max, Count, "
		    "CountDistinct, First, Last and Previous", n->name);
		goto fail;
	}
	if (n->nargs == want + 1) {
		s = n->args[want];
		if (is_string_lit(s))
			n->scope = xstrdup(s->lit.u.s);
		else if (!(s->kind == EXPR_LIT && s->lit.type == EXPR_T_NULL)) {
			perr(ps, "the scope of %s must be a string constant or "
			    "Nothing", n->name);
			goto fail;
		} else
			n->scope = xstrdup("");	/* Nothing: outermost */
		expr_free(s);
		n->nargs--;
	}
	return n;
fail:
	expr_free(n);
	return NULL;
}

/*
 * RunningValue(expr, Function, scope): the second argument names an
 * aggregate (Sum, Count, ...) without calling it; the scope is required.
 */
static struct expr_node *
parse_running(struct parser *ps, char *name)
{
	struct expr_node *n = node_new(ps, EXPR_AGG), *a;
	size_t		 i;

	n->aggfn = EXPR_AGG_RUNNINGVALUE;
	n->name = name;
	if (lex_next(ps) == -1 || (a = parse_expr(ps)) == NULL)
		goto fail;
	add_arg(n, a);
	if (expect(ps, TK_COMMA, "',' and an aggregate function") == -1)
		goto fail;
	for (i = 0; ps->tok == TK_IDENT && i < nitems(aggregates); i++)
		if (strcasecmp(ps->text, aggregates[i].name) == 0 &&
		    aggregates[i].fn <= EXPR_AGG_LAST)
			break;
	if (ps->tok != TK_IDENT || i == nitems(aggregates)) {
		perr(ps, "RunningValue needs Sum, Count, CountDistinct, Avg, "
		    "Min, Max, First or Last as its second argument%s", "");
		goto fail;
	}
	n->op = (int)aggregates[i].fn;
	if (lex_next(ps) == -1 || expect(ps, TK_COMMA, "',' and a scope") == -1 ||
	    (a = parse_expr(ps)) == NULL)
		goto fail;
	add_arg(n, a);
	if (expect(ps, TK_RP, "')'") == -1)
		goto fail;
	return finish_agg(ps, n);
fail:
	expr_free(n);
	return NULL;
}

static int
aggregate_index(const char *name)
{
	for (size_t i = 0; i < nitems(aggregates); i++)
		if (strcasecmp(name, aggregates[i].name) == 0)
			return (int)i;
	return -1;
}

static struct expr_node *
parse_aggregate(struct parser *ps, char *name, int i)
{
	struct expr_node *n;

	if (ps->code) {
		perr(ps, "the aggregate %s cannot be used in Code; pass its "
		    "value to the function as an argument", name);
		free(name);
		return NULL;
	}
	if (aggregates[i].fn == EXPR_AGG_RUNNINGVALUE)
		return parse_running(ps, name);
	n = node_new(ps, EXPR_AGG);
	n->aggfn = aggregates[i].fn;
	n->name = name;
	n = parse_args(ps, n);
	return n == NULL ? NULL : finish_agg(ps, n);
}

static int
unsupported_function(struct parser *ps, const char *name)
{
	struct buf	 b;

	buf_init(&b, 0);
	expr_func_names(&b);
	if (ps->code)
		rs_err_set(ps->e, RS_E_BADINPUT, "line %d: unsupported function "
		    "%s; supported: %s", ps->line, name, b.data);
	else
		rs_err_set(ps->e, RS_E_BADINPUT, "unsupported function %s at "
		    "column %d; supported: %s", name,
		    (int)(ps->tstart - ps->src) + 1 - (int)strlen(name), b.data);
	buf_fini(&b);
	return -1;
}

/* A call of a built-in with its arguments, or none (no parentheses). */
static struct expr_node *
call_node(struct parser *ps, const struct expr_func *f, const char *name,
    bool parens)
{
	struct expr_node *n = node_new(ps, EXPR_CALL);

	n->fn = f;
	n->name = xstrdup(name);
	if (parens && parse_arglist(ps, n) == -1) {
		expr_free(n);
		return NULL;
	}
	if ((int)n->nargs < f->min_args || (int)n->nargs > f->max_args) {
		perr(ps, "wrong number of arguments to %s", f->name);
		expr_free(n);
		return NULL;
	}
	return n;
}

/* obj.name[(args)]: a member of the member table. */
static struct expr_node *
member_node(struct parser *ps, struct expr_node *obj, const char *name,
    bool parens)
{
	struct expr_node *n;
	int		 id = expr_member_find(name);

	if (id < 0) {
		perr(ps, "unsupported member .%s (supported: %s)", name,
		    expr_member_list());
		expr_free(obj);
		return NULL;
	}
	n = node_new(ps, EXPR_MEMBER);
	n->op = id;
	n->name = xstrdup(name);
	add_arg(n, obj);
	if (parens && parse_arglist(ps, n) == -1) {
		expr_free(n);
		return NULL;
	}
	return n;
}

/* f(x)(i): an element of what a call returns (Split(s, ",")(0)). */
static struct expr_node *
index_node(struct parser *ps, struct expr_node *n)
{
	struct expr_node *x = node_new(ps, EXPR_INDEX);

	add_arg(x, n);
	if (parse_arglist(ps, x) == -1) {
		expr_free(x);
		return NULL;
	}
	if (x->nargs != 2) {
		perr(ps, "an array has one index%s", "");
		expr_free(x);
		return NULL;
	}
	return x;
}

static bool
returns_value(const struct expr_node *n)
{
	return n->kind == EXPR_CALL || n->kind == EXPR_MEMBER ||
	    n->kind == EXPR_CODE || n->kind == EXPR_INDEX ||
	    (n->kind == EXPR_NAME && n->op);
}

struct expr_node *
parse_postfix(struct parser *ps, struct expr_node *n)
{
	char		*name;
	bool		 parens;

	while (n != NULL && (ps->tok == TK_DOT || (ps->tok == TK_LP &&
	    returns_value(n)))) {
		if (ps->tok == TK_LP) {
			n = index_node(ps, n);
			continue;
		}
		if (lex_next(ps) == -1 || ps->tok != TK_IDENT) {
			if (ps->e->code == RS_E_OK)
				perr(ps, "expected a member name after '.'%s", "");
			expr_free(n);
			return NULL;
		}
		name = ps->text;
		ps->text = NULL;
		if (lex_next(ps) == -1) {
			free(name);
			expr_free(n);
			return NULL;
		}
		parens = ps->tok == TK_LP;
		n = member_node(ps, n, name, parens);
		free(name);
	}
	return n;
}

/* A dotted name, its parts, and whether '(' follows it. */
struct chain {
	char	*part[CHAIN_MAX];
	size_t	 n;
	size_t	 skip;		/* namespace parts (System., ...) */
	bool	 parens;
};

static void
chain_fini(struct chain *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->part[i]);
}

static bool
eq(const struct chain *c, size_t i, const char *s)
{
	return i < c->n && strcasecmp(c->part[i], s) == 0;
}

/* System., System.Globalization., Microsoft.VisualBasic.[Strings.] */
static void
skip_namespaces(struct chain *c)
{
	static const char *modules[] = { "Strings", "Interaction",
	    "DateAndTime", "Conversion", "Information", "Financial", "VBMath" };
	size_t		 k = 0;

	if (eq(c, 0, "System") && c->n > 1)
		k = 1;
	if (eq(c, k, "Globalization") && c->n > k + 1)
		k++;
	if (k == 0 && eq(c, 0, "Microsoft") && eq(c, 1, "VisualBasic") &&
	    c->n > 2) {
		k = 2;
		for (size_t i = 0; i < nitems(modules) && c->n > 3; i++)
			if (eq(c, 2, modules[i]))
				k = 3;
	}
	c->skip = k;
}

static int
read_chain(struct parser *ps, struct chain *c)
{
	c->part[c->n++] = ps->text;
	ps->text = NULL;
	if (lex_next(ps) == -1)
		return -1;
	while (ps->tok == TK_DOT) {
		if (lex_next(ps) == -1)
			return -1;
		if (ps->tok != TK_IDENT)
			return perr(ps, "expected a name after %s.",
			    c->part[c->n - 1]);
		if (c->n == CHAIN_MAX)
			return perr(ps, "the name %s... has too many parts",
			    c->part[0]);
		c->part[c->n++] = ps->text;
		ps->text = NULL;
		if (lex_next(ps) == -1)
			return -1;
	}
	c->parens = ps->tok == TK_LP;
	skip_namespaces(c);
	return 0;
}

/* Parts [from, c->n) become members of n; the last takes the args. */
static struct expr_node *
chain_members(struct parser *ps, struct chain *c, size_t from,
    struct expr_node *n)
{
	for (size_t i = from; n != NULL && i < c->n; i++)
		n = member_node(ps, n, c->part[i], i + 1 == c->n && c->parens);
	return parse_postfix(ps, n);
}

/* The longest run of at least min parts from skip naming a built-in. */
static const struct expr_func *
chain_func(struct chain *c, size_t min, size_t *used)
{
	char		 name[160];
	const struct expr_func *f;

	for (size_t j = c->n; j >= c->skip + min && j > c->skip; j--) {
		size_t len = 0;
		name[0] = '\0';
		for (size_t i = c->skip; i < j && len < sizeof(name); i++)
			len += (size_t)snprintf(name + len, sizeof(name) - len,
			    "%s%s", i > c->skip ? "." : "", c->part[i]);
		if (len >= sizeof(name))
			continue;
		f = expr_func_find(name);
		if (f != NULL) {
			*used = j;
			return f;
		}
	}
	return NULL;
}

static struct expr_node *
chain_constant(struct parser *ps, struct chain *c)
{
	struct expr_value v = { .type = EXPR_T_NULL };
	size_t		 k = c->skip, used = 0;

	if (c->n >= k + 2 && named_constant(c->part[k], c->part[k + 1], &v))
		used = k + 2;
	else if (named_constant(c->part[k], NULL, &v))
		used = k + 1;
	else
		return NULL;
	return chain_members(ps, c, used, lit_node(ps, v));
}

/* Code.F(args): a function of the report's Code block. */
static struct expr_node *
code_call(struct parser *ps, struct chain *c)
{
	struct expr_node *n = node_new(ps, EXPR_CODE);

	n->name = xstrdup(c->part[1]);
	if (c->n == 2 && c->parens && parse_arglist(ps, n) == -1) {
		expr_free(n);
		return NULL;
	}
	return chain_members(ps, c, 2, n);
}

/* In a Code block: a variable or function of the module (bound later). */
static struct expr_node *
code_name(struct parser *ps, struct chain *c)
{
	struct expr_node *n = node_new(ps, EXPR_NAME);

	n->name = xstrdup(c->part[0]);
	n->fn = expr_func_find(c->part[0]);
	n->op = c->n == 1 && c->parens;
	if (n->op && parse_arglist(ps, n) == -1) {
		expr_free(n);
		return NULL;
	}
	return chain_members(ps, c, 1, n);
}

static struct expr_node *
resolve_chain(struct parser *ps, struct chain *c)
{
	const struct expr_func *f;
	struct expr_node *n;
	size_t		 used = 0;
	int		 a;

	if (c->n == c->skip + 1 && c->parens &&
	    (a = aggregate_index(c->part[c->skip])) >= 0) {
		char *name = c->part[c->skip];
		c->part[c->skip] = NULL;
		return parse_postfix(ps, parse_aggregate(ps, name, a));
	}
	if ((n = chain_constant(ps, c)) != NULL || ps->e->code != RS_E_OK)
		return n;
	if (eq(c, 0, "Code") && c->n >= 2)
		return code_call(ps, c);
	/* In Code, a plain name or a variable's member is the module's to
	 * bind; only a dotted .NET name (Math.Abs) is resolved here. */
	if (ps->code && c->skip == 0 && (c->n == 1 ||
	    chain_func(c, 2, &used) == NULL))
		return code_name(ps, c);
	f = chain_func(c, 1, &used);
	if (f != NULL && (used < c->n || !c->parens) && f->min_args > 0) {
		perr(ps, "%s needs arguments in parentheses", f->name);
		return NULL;
	}
	if (f != NULL)
		return chain_members(ps, c, used, call_node(ps, f, f->name,
		    used == c->n && c->parens));
	if (c->parens && c->n == c->skip + 1) {
		unsupported_function(ps, c->part[c->skip]);
		return NULL;
	}
	perr(ps, "unsupported name %s (supported: Fields!, Parameters!, "
	    "Globals!, User!, Variables!, Code., functions, Nothing, True, "
	    "False, vbCrLf)", c->part[0]);
	return NULL;
}

struct expr_node *
parse_ident(struct parser *ps)
{
	struct chain	 c = { .n = 0 };
	struct expr_value v = { .type = EXPR_T_NULL };
	struct expr_node *n = NULL;

	if (ps->tok == TK_IDENT && (strcasecmp(ps->text, "Nothing") == 0 ||
	    strcasecmp(ps->text, "True") == 0 ||
	    strcasecmp(ps->text, "False") == 0)) {
		if (tolower((unsigned char)ps->text[0]) != 'n') {
			v.type = EXPR_T_BOOL;
			v.u.b = strcasecmp(ps->text, "True") == 0;
		}
		if (lex_next(ps) == -1)
			return NULL;
		return parse_postfix(ps, lit_node(ps, v));
	}
	if (read_chain(ps, &c) == -1)
		goto out;
	if (ps->tok == TK_BANG) {
		if (c.n == 1 || (c.n == 2 && (eq(&c, 0, "Report") ||
		    eq(&c, 0, "Me"))))
			n = parse_postfix(ps, parse_collection(ps,
			    c.part[c.n - 1]));
		else
			perr(ps, "unexpected '!' after %s", c.part[c.n - 1]);
		goto out;
	}
	n = resolve_chain(ps, &c);
out:
	chain_fini(&c);
	return n;
}

/* New DateTime(y, m, d), New TimeSpan(...), New CultureInfo("de-DE") */
struct expr_node *
parse_new(struct parser *ps)
{
	struct chain	 c = { .n = 0 };
	struct expr_node *n = NULL;
	const struct expr_func *f = NULL;
	char		 name[96];

	if (lex_next(ps) == -1)
		return NULL;
	if (ps->tok != TK_IDENT) {
		perr(ps, "expected a type after New%s", "");
		return NULL;
	}
	if (read_chain(ps, &c) == -1)
		goto out;
	if (c.n == c.skip + 1) {
		snprintf(name, sizeof(name), "%s.New", c.part[c.skip]);
		f = expr_func_find(name);
	}
	if (f == NULL) {
		perr(ps, "New %s is not supported (supported: New DateTime, New "
		    "TimeSpan, New CultureInfo, New Exception)", c.part[c.n - 1]);
		goto out;
	}
	n = parse_postfix(ps, call_node(ps, f, f->name, c.parens));
out:
	chain_fini(&c);
	return n;
}
