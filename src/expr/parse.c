/*
 * parse.c: lexer and recursive-descent parser of the VB expression subset.
 * Precedence follows Visual Basic: ^, unary -, * /, \, Mod, + -, &,
 * comparisons (= <> < > <= >= Like Is), Not, And/AndAlso, Or/OrElse/Xor.
 * Names are resolved here: Fields!X.Value, Parameters!P.Label, Globals!X,
 * User!UserID, a built-in function or an aggregate; anything else is
 * refused with what is supported, so an unsupported report never renders
 * wrongly in silence.
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

struct parser {
	const char	*src, *p;
	enum expr_tok	 tok;
	const char	*tstart;	/* start of the current token */
	char		*text;		/* IDENT/STR/NUM/DATE text (owned) */
	int		 depth;
	struct rs_err	*e;
};

static const struct {
	const char	*word;
	enum expr_tok	 tok;
} keywords[] = {
	{ "And", TK_AND }, { "AndAlso", TK_ANDALSO }, { "Or", TK_OR },
	{ "OrElse", TK_ORELSE }, { "Xor", TK_XOR }, { "Not", TK_NOT },
	{ "Mod", TK_MOD }, { "Is", TK_IS }, { "IsNot", TK_ISNOT },
	{ "Like", TK_LIKE },
};

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
};

static const char *globals[] = {
	"ExecutionTime", "ReportName", "ReportFolder", "ReportServerUrl",
	"PageNumber", "TotalPages", "OverallPageNumber", "OverallTotalPages",
	"PageName", "RenderFormat",
};

static int	perr(struct parser *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
perr(struct parser *ps, const char *fmt, ...)
{
	char		 m[400];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	return rs_err_set(ps->e, RS_E_BADINPUT, "%s at column %d", m,
	    (int)(ps->tstart - ps->src) + 1);
}

static int
lex_string(struct parser *ps)
{
	struct buf	 b;
	const char	*p = ps->p + 1;

	buf_init(&b, 0);
	for (;;) {
		if (*p == '\0') {
			buf_fini(&b);
			return perr(ps, "unterminated string%s", "");
		}
		if (*p == '"' && p[1] == '"') {
			buf_append(&b, "\"", 1, NULL);
			p += 2;
			continue;
		}
		if (*p == '"')
			break;
		buf_append(&b, p++, 1, NULL);
	}
	ps->p = p + 1;
	ps->text = b.data != NULL ? buf_take(&b, NULL) : xstrdup("");
	ps->tok = TK_STR;
	return 0;
}

static int
lex_word(struct parser *ps)
{
	const char	*p = ps->p;
	size_t		 i;

	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	ps->text = xstrndup(ps->p, (size_t)(p - ps->p));
	ps->p = p;
	ps->tok = TK_IDENT;
	for (i = 0; i < nitems(keywords); i++)
		if (strcasecmp(ps->text, keywords[i].word) == 0)
			ps->tok = keywords[i].tok;
	return 0;
}

static int
lex_number(struct parser *ps)
{
	const char	*p = ps->p;

	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.' && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) ||
	    ((p[1] == '-' || p[1] == '+') && isdigit((unsigned char)p[2]))))
		for (p += 2; isdigit((unsigned char)*p); p++)
			;
	ps->text = xstrndup(ps->p, (size_t)(p - ps->p));
	/* Type characters (1D, 2R, 3I ...) are accepted and ignored. */
	if (*p == 'D' || *p == 'R' || *p == 'F' || *p == '@')
		p++;
	ps->p = p;
	ps->tok = TK_NUM;
	return 0;
}

static int
lex_date(struct parser *ps)
{
	const char	*end = strchr(ps->p + 1, '#');

	if (end == NULL)
		return perr(ps, "unterminated date literal%s", "");
	ps->text = xstrndup(ps->p + 1, (size_t)(end - ps->p - 1));
	ps->p = end + 1;
	ps->tok = TK_DATE;
	return 0;
}

static int
lex_punct(struct parser *ps)
{
	static const struct {
		const char	*s;
		enum expr_tok	 t;
	} ops[] = {
		{ "<>", TK_NE }, { "<=", TK_LE }, { ">=", TK_GE }, { "(", TK_LP },
		{ ")", TK_RP }, { ",", TK_COMMA }, { "!", TK_BANG },
		{ ".", TK_DOT }, { "&", TK_AMP }, { "+", TK_PLUS },
		{ "-", TK_MINUS }, { "*", TK_STAR }, { "/", TK_SLASH },
		{ "\\", TK_BSLASH }, { "^", TK_CARET }, { "=", TK_EQ },
		{ "<", TK_LT }, { ">", TK_GT },
	};
	size_t		 i, n;

	for (i = 0; i < nitems(ops); i++) {
		n = strlen(ops[i].s);
		if (strncmp(ps->p, ops[i].s, n) == 0) {
			ps->p += n;
			ps->tok = ops[i].t;
			return 0;
		}
	}
	return perr(ps, "unexpected character '%.1s'", ps->p);
}

static int
next(struct parser *ps)
{
	free(ps->text);
	ps->text = NULL;
	/* Whitespace includes VB's line continuation " _" + newline. */
	for (;;) {
		while (isspace((unsigned char)*ps->p))
			ps->p++;
		if (ps->p[0] == '_' && (ps->p[1] == '\r' || ps->p[1] == '\n'))
			ps->p++;
		else
			break;
	}
	ps->tstart = ps->p;
	if (*ps->p == '\0') {
		ps->tok = TK_EOF;
		return 0;
	}
	if (*ps->p == '"')
		return lex_string(ps);
	if (*ps->p == '#')
		return lex_date(ps);
	if (isdigit((unsigned char)*ps->p) ||
	    (*ps->p == '.' && isdigit((unsigned char)ps->p[1])))
		return lex_number(ps);
	if (isalpha((unsigned char)*ps->p) || *ps->p == '_')
		return lex_word(ps);
	return lex_punct(ps);
}

static struct expr_node *
node_new(struct parser *ps, enum expr_kind k)
{
	struct expr_node *n = xcalloc(1, sizeof(*n));

	n->kind = k;
	n->index = -1;
	n->field_index = -1;
	n->column = (int)(ps->tstart - ps->src) + 1;
	return n;
}

static void
add_arg(struct expr_node *n, struct expr_node *a)
{
	n->args = xreallocarray(n->args, n->nargs + 1, sizeof(*n->args));
	n->args[n->nargs++] = a;
}

static struct expr_node *parse_expr(struct parser *);

static int
expect(struct parser *ps, enum expr_tok t, const char *what)
{
	if (ps->tok != t)
		return perr(ps, "expected %s", what);
	return next(ps);
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
	if (next(ps) == -1)
		return NULL;
	return lit_node(ps, v);
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
		{ "vbTab", NULL, 0, "\t", 0 },
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
		} else {
			v->type = EXPR_T_INT;
			v->u.i = c[i].i;
		}
		return true;
	}
	return false;
}

static int
parse_member(struct parser *ps, struct expr_node *n, const char *coll)
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
	if (next(ps) == -1)
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
	if (next(ps) == -1)
		return -1;
	if (ps->tok == TK_DOT)
		return perr(ps, "member calls such as .%s are not supported",
		    ps->p);
	return 0;
}

static int
parse_param_index(struct parser *ps, struct expr_node *n)
{
	char		*end;
	long		 v;

	if (ps->tok != TK_LP)
		return 0;
	if (next(ps) == -1)
		return -1;
	if (ps->tok != TK_NUM)
		return perr(ps, "expected a constant index%s", "");
	v = strtol(ps->text, &end, 10);
	if (*end != '\0' || v < 0 || v > 10000)
		return perr(ps, "bad parameter index %s", ps->text);
	n->index = (int)v;
	if (next(ps) == -1)
		return -1;
	return expect(ps, TK_RP, "')'");
}

static struct expr_node *
parse_collection(struct parser *ps, char *coll)
{
	struct expr_node *n = NULL;
	size_t		 i;

	if (next(ps) == -1 || (ps->tok != TK_IDENT && ps->tok != TK_STR)) {
		if (ps->e != NULL && ps->e->code == RS_E_OK)
			perr(ps, "expected a name after %s!", coll);
		return NULL;
	}
	if (strcasecmp(coll, "Fields") == 0) {
		n = node_new(ps, EXPR_FIELD);
	} else if (strcasecmp(coll, "Parameters") == 0) {
		n = node_new(ps, EXPR_PARAM);
	} else if (strcasecmp(coll, "Globals") == 0) {
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
	} else if (strcasecmp(coll, "User") == 0) {
		if (strcasecmp(ps->text, "UserID") != 0 &&
		    strcasecmp(ps->text, "Language") != 0) {
			perr(ps, "unsupported User!%s (supported: UserID, Language)",
			    ps->text);
			return NULL;
		}
		n = node_new(ps, EXPR_USER);
		n->member = EXPR_M_NONE;
	} else if (strcasecmp(coll, "ReportItems") == 0) {
		n = node_new(ps, EXPR_RITEM);
	} else {
		perr(ps, "unsupported collection %s! (supported: Fields, "
		    "Parameters, Globals, User, ReportItems)", coll);
		return NULL;
	}
	n->name = ps->text;
	ps->text = NULL;
	if (next(ps) == -1)
		goto fail;
	if (n->kind == EXPR_GLOBAL && strcasecmp(n->name, "RenderFormat") == 0) {
		if (ps->tok != TK_DOT || next(ps) == -1 || ps->tok != TK_IDENT ||
		    strcasecmp(ps->text, "Name") != 0) {
			perr(ps, "only Globals!RenderFormat.Name is supported%s", "");
			goto fail;
		}
		if (next(ps) == -1)
			goto fail;
	}
	if (n->kind == EXPR_FIELD || n->kind == EXPR_PARAM ||
	    n->kind == EXPR_RITEM) {
		if (parse_member(ps, n, coll) == -1)
			goto fail;
		if (n->kind == EXPR_PARAM && parse_param_index(ps, n) == -1)
			goto fail;
	}
	return n;
fail:
	expr_free(n);
	return NULL;
}

static struct expr_node *
parse_args(struct parser *ps, struct expr_node *n)
{
	struct expr_node *a;

	if (next(ps) == -1)
		goto fail;
	if (ps->tok == TK_RP)
		return next(ps) == -1 ? (expr_free(n), NULL) : n;
	for (;;) {
		a = parse_expr(ps);
		if (a == NULL)
			goto fail;
		add_arg(n, a);
		if (n->nargs > 256) {
			perr(ps, "too many arguments%s", "");
			goto fail;
		}
		if (ps->tok == TK_RP)
			break;
		if (expect(ps, TK_COMMA, "',' or ')'") == -1)
			goto fail;
	}
	if (next(ps) == -1)
		goto fail;
	return n;
fail:
	expr_free(n);
	return NULL;
}

static int
has_agg(struct expr_node *n, void *arg)
{
	(void)arg;
	return n->kind == EXPR_AGG;
}

static struct expr_node *
finish_agg(struct parser *ps, struct expr_node *n)
{
	struct expr_node *s;
	size_t		 want = n->aggfn == EXPR_AGG_COUNTROWS ||
	    n->aggfn == EXPR_AGG_ROWNUMBER ? 0 : 1;

	if (n->aggfn == EXPR_AGG_LOOKUP) {
		/* Lookup(source, destination, result, "DataSet") */
		if (n->nargs != 4 || n->args[3]->kind != EXPR_LIT ||
		    n->args[3]->lit.type != EXPR_T_STRING) {
			perr(ps, "Lookup needs a source, a destination, a result "
			    "and a dataset name in quotes%s", "");
			goto fail;
		}
		want = 3;
	}

	if (n->aggfn == EXPR_AGG_RUNNINGVALUE && n->nargs != 2) {
		perr(ps, "RunningValue needs an expression, a function and a "
		    "scope%s", "");
		goto fail;
	}

	if (n->nargs < want || n->nargs > want + 1) {
		perr(ps, "wrong number of arguments to %s", n->name);
		goto fail;
	}
	if (want >= 1 && expr_walk(n->args[0], has_agg, NULL)) {
		perr(ps, "aggregates of aggregates are not supported (in %s)",
		    n->name);
		goto fail;
	}
	if (n->nargs == want + 1) {
		s = n->args[want];
		if (s->kind == EXPR_LIT && s->lit.type == EXPR_T_STRING)
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
	if (next(ps) == -1 || (a = parse_expr(ps)) == NULL)
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
	if (next(ps) == -1 || expect(ps, TK_COMMA, "',' and a scope") == -1 ||
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

static struct expr_node *
parse_call(struct parser *ps, char *name)
{
	struct expr_node *n;
	size_t		 i;
	const struct expr_func *f;

	for (i = 0; i < nitems(aggregates); i++)
		if (strcasecmp(name, aggregates[i].name) == 0)
			break;
	if (i < nitems(aggregates) &&
	    aggregates[i].fn == EXPR_AGG_RUNNINGVALUE)
		return parse_running(ps, name);
	if (i < nitems(aggregates)) {
		n = node_new(ps, EXPR_AGG);
		n->aggfn = aggregates[i].fn;
		n->name = name;
		n = parse_args(ps, n);
		return n == NULL ? NULL : finish_agg(ps, n);
	}
	f = expr_func_find(name);
	if (f == NULL) {
		struct buf b;

		buf_init(&b, 0);
		expr_func_names(&b);
		rs_err_set(ps->e, RS_E_BADINPUT, "unsupported function %s at "
		    "column %d; supported: %s", name,
		    (int)(ps->tstart - ps->src) + 1 - (int)strlen(name), b.data);
		buf_fini(&b);
		free(name);
		return NULL;
	}
	n = node_new(ps, EXPR_CALL);
	n->fn = f;
	n->name = name;
	n = parse_args(ps, n);
	if (n != NULL && ((int)n->nargs < f->min_args ||
	    (int)n->nargs > f->max_args)) {
		perr(ps, "wrong number of arguments to %s", f->name);
		expr_free(n);
		return NULL;
	}
	return n;
}

static struct expr_node *
parse_ident(struct parser *ps)
{
	char		*name = ps->text, *member = NULL;
	struct expr_value v = { .type = EXPR_T_NULL };
	struct expr_node *n;

	ps->text = NULL;
	if (next(ps) == -1)
		goto fail;
	if (ps->tok == TK_BANG) {
		n = parse_collection(ps, name);
		free(name);
		return n;
	}
	if (ps->tok == TK_LP)
		return parse_call(ps, name);
	if (strcasecmp(name, "Nothing") == 0 || strcasecmp(name, "True") == 0 ||
	    strcasecmp(name, "False") == 0) {
		if (name[0] == 'N' || name[0] == 'n')
			v.type = EXPR_T_NULL;
		else {
			v.type = EXPR_T_BOOL;
			v.u.b = strcasecmp(name, "True") == 0;
		}
		free(name);
		return lit_node(ps, v);
	}
	if (ps->tok == TK_DOT) {
		if (next(ps) == -1)
			goto fail;
		member = ps->text;
		ps->text = NULL;
		if (member == NULL) {
			perr(ps, "expected a name after %s.", name);
			goto fail;
		}
		if (next(ps) == -1)
			goto fail;
	}
	if (named_constant(name, member, &v)) {
		free(name);
		free(member);
		return lit_node(ps, v);
	}
	perr(ps, "unsupported name %s (supported: Fields!, Parameters!, "
	    "Globals!, User!, functions, Nothing, True, False, vbCrLf)", name);
fail:
	free(name);
	free(member);
	return NULL;
}

static struct expr_node *
parse_primary(struct parser *ps)
{
	struct expr_node *n;
	struct expr_value v;

	switch (ps->tok) {
	case TK_NUM:
		return parse_number(ps);
	case TK_STR:
		v.type = EXPR_T_STRING;
		v.borrowed = false;
		v.u.s = ps->text;
		ps->text = NULL;
		if (next(ps) == -1) {
			free(v.u.s);
			return NULL;
		}
		return lit_node(ps, v);
	case TK_DATE:
		v.type = EXPR_T_DATETIME;
		if (!expr_dt_parse(ps->text, &v.u.dt)) {
			perr(ps, "bad date literal #%s#", ps->text);
			return NULL;
		}
		return next(ps) == -1 ? NULL : lit_node(ps, v);
	case TK_IDENT:
		return parse_ident(ps);
	case TK_LP:
		if (++ps->depth > EXPR_DEPTH_MAX) {
			perr(ps, "expression nested too deeply%s", "");
			return NULL;
		}
		if (next(ps) == -1)
			return NULL;
		n = parse_expr(ps);
		ps->depth--;
		if (n != NULL && expect(ps, TK_RP, "')'") == -1) {
			expr_free(n);
			return NULL;
		}
		return n;
	case TK_EOF:
		perr(ps, "unexpected end of expression%s", "");
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
		if (next(ps) == -1) {
			expr_free(l);
			return NULL;
		}
		if (op == TK_IS && ps->tok == TK_NOT) {	/* "Is Not" */
			op = TK_ISNOT;
			if (next(ps) == -1) {
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
	if (next(ps) == -1)
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
	if (next(ps) == -1)
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

static struct expr_node *
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
	if (next(&ps) == -1)
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
	    n->kind == EXPR_RITEM ||
	    n->kind == EXPR_USER || (n->kind == EXPR_CALL &&
	    (strcasecmp(n->name, "Now") == 0 ||
	    strcasecmp(n->name, "Today") == 0));
}

bool
expr_is_constant(const struct expr_node *n)
{
	return expr_walk((struct expr_node *)n, not_constant, NULL) == 0;
}
