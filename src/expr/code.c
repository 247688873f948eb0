/*
 * code.c: the parser of a report's Code block, the Visual Basic subset
 * report authors write.  The module holds variables and constants
 * (Private Alt As Boolean, Const Shd As Double = 255, Shared ...) and
 * Functions and Subs with typed ByVal, ByRef and Optional parameters;
 * this file reads those, the declarations (Dim, Const, Static, As types,
 * arrays) and the helpers the statement parser (code_stmt.c) shares.
 * Expressions are parsed by parse.c in code mode; code_bind.c binds every
 * name once the whole module is read.  Anything outside the subset
 * (classes, Imports, properties ...) is refused with its line and what to
 * do instead.
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

#define VB_FUNCS_MAX	1000
#define VB_SLOTS_MAX	4096



int
cp_err(struct cparse *cp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

int
cp_err(struct cparse *cp, const char *fmt, ...)
{
	char		 m[300];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	return rs_err_set(cp->ps.e, RS_E_BADINPUT, "line %d: %s", cp->ps.line,
	    m);
}

int
cp_next(struct cparse *cp)
{
	return lex_next(&cp->ps);
}

bool
cp_word(struct cparse *cp, const char *w)
{
	return tok_word(&cp->ps, w);
}

/* Consumes the word w if it is the current token. */
int
cp_accept(struct cparse *cp, const char *w, bool *got)
{
	*got = cp_word(cp, w);
	return *got ? cp_next(cp) : 0;
}

int
cp_expect_word(struct cparse *cp, const char *w, const char *after)
{
	if (!cp_word(cp, w))
		return cp_err(cp, "expected %s after %s", w, after);
	return cp_next(cp);
}

bool
cp_at_end(struct cparse *cp)
{
	return cp->ps.tok == TK_EOL || cp->ps.tok == TK_COLON ||
	    cp->ps.tok == TK_EOF;
}

int
cp_end_statement(struct cparse *cp)
{
	if (cp->ps.tok == TK_EOF)
		return 0;
	if (cp->ps.tok != TK_EOL && cp->ps.tok != TK_COLON)
		return cp_err(cp, "unexpected '%.20s' at the end of the statement",
		    cp->ps.tstart);
	return cp_next(cp);
}

/* The token t, consumed; else an error saying what was expected. */
int
cp_want(struct cparse *cp, enum expr_tok t, const char *what)
{
	if (cp->ps.tok != t)
		return cp_err(cp, "expected %s", what);
	return cp_next(cp);
}

int
cp_skip_lines(struct cparse *cp)
{
	while (cp->ps.tok == TK_EOL || cp->ps.tok == TK_COLON)
		if (cp_next(cp) == -1)
			return -1;
	return 0;
}

struct expr_node *
cp_expr(struct cparse *cp)
{
	if (cp_at_end(cp)) {
		cp_err(cp, "expected an expression%s", "");
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
int
cp_type(struct cparse *cp, struct vb_type *t)
{
	size_t		 i;

	t->base = EXPR_T_NULL;
	if (cp->ps.tok != TK_IDENT)
		return cp_err(cp, "expected a type name after As%s", "");
	if (cp_word(cp, "System")) {
		if (cp_next(cp) == -1 || cp_want(cp, TK_DOT, "'.' after System")
		    == -1)
			return -1;
		if (cp_word(cp, "Globalization") && (cp_next(cp) == -1 ||
		    cp_want(cp, TK_DOT, "'.' after Globalization") == -1))
			return -1;
	}
	if (cp_word(cp, "Nullable")) {
		bool of;
		if (cp_next(cp) == -1 || cp_want(cp, TK_LP, "(Of T) after "
		    "Nullable") == -1 || cp_accept(cp, "Of", &of) == -1 ||
		    cp_type(cp, t) == -1)
			return -1;
		if (cp->ps.tok != TK_RP)
			return cp_err(cp, "expected ) after Nullable(Of %s", "...");
		return cp_next(cp);
	}
	for (i = 0; i < nitems(types); i++)
		if (cp_word(cp, types[i].name))
			break;
	if (i == nitems(types))
		return cp_err(cp, "type %s is not supported (supported: Integer, "
		    "Long, Short, Byte, Double, Single, Decimal, String, Char, "
		    "Boolean, Date, DateTime, TimeSpan, Object, Nullable(Of T), "
		    "and arrays of them)", cp->ps.text);
	t->base = types[i].type;
	if (t->base == EXPR_T_ARRAY) {
		t->base = EXPR_T_NULL;
		t->array = true;
	}
	if (cp_next(cp) == -1)
		return -1;
	/* Integer? (nullable) and Integer() (an array) */
	if (cp->ps.tok == TK_LP) {
		if (cp_next(cp) == -1 || cp->ps.tok != TK_RP)
			return cp_err(cp, "expected () after the type (arrays "
			    "have one dimension)%s", "");
		t->array = true;
		return cp_next(cp);
	}
	return 0;
}

int
cp_slot_find(const struct vb_func *f, const char *name)
{
	for (size_t i = 0; f != NULL && i < f->nslots; i++)
		if (strcasecmp(f->slots[i], name) == 0)
			return (int)i;
	return -1;
}

int
cp_slot_add(struct cparse *cp, const char *name, const struct vb_type *t)
{
	struct vb_func	*f = cp->f;
	int		 i = cp_slot_find(f, name);

	if (i >= 0) {
		if (f->slot_types[i].base != t->base ||
		    f->slot_types[i].array != t->array)
			return cp_err(cp, "%s is declared twice with different "
			    "types", name);
		return i;
	}
	if (f->nslots >= VB_SLOTS_MAX)
		return cp_err(cp, "function %s has more than %d variables",
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
			return cp_err(cp, "%s is declared twice", name);
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

struct vb_stmt *
cp_stmt_add(struct vb_block *b, enum vb_stmt_kind k, int line)
{
	struct vb_stmt	*s;

	b->v = xreallocarray(b->v, b->n + 1, sizeof(*b->v));
	s = &b->v[b->n++];
	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->line = line;
	return s;
}

struct expr_node *
cp_name_node(struct cparse *cp, const char *name)
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
		return cp_err(cp, "expected a variable name%s", "");
	name = xstrdup(cp->ps.text);
	if (cp_next(cp) == -1)
		goto out;
	if (cp->ps.tok == TK_LP) {
		t.array = true;
		if (cp_next(cp) == -1)
			goto out;
		if (cp->ps.tok != TK_RP && (size = cp_expr(cp)) == NULL)
			goto out;
		if (cp->ps.tok == TK_COMMA) {
			cp_err(cp, "arrays of more than one dimension are not "
			    "supported (%s)", name);
			goto out;
		}
		if (cp->ps.tok != TK_RP || cp_next(cp) == -1) {
			if (cp->ps.e->code == RS_E_OK)
				cp_err(cp, "expected ) after %s(", name);
			goto out;
		}
	}
	if (cp_accept(cp, "As", &as) == -1)
		goto out;
	if (as) {
		bool array = t.array;
		if (cp_accept(cp, "New", &neu) == -1)
			goto out;
		if (neu) {
			cp_err(cp, "As New %s is not supported; declare the "
			    "variable and give it a value", cp->ps.text ?
			    cp->ps.text : "");
			goto out;
		}
		if (cp_type(cp, &t) == -1)
			goto out;
		t.array |= array;
	}
	if (cp->ps.tok == TK_EQ) {
		if (cp_next(cp) == -1 || (init = cp_expr(cp)) == NULL)
			goto out;
	} else if (is_const) {
		cp_err(cp, "Const %s needs a value", name);
		goto out;
	}
	if (cp->f == NULL || is_static) {
		rv = global_add(cp, name, &t, init, size, is_const);
		init = size = NULL;
		goto out;
	}
	if (cp_slot_add(cp, name, &t) < 0)
		goto out;
	if (init != NULL || size != NULL) {
		s = cp_stmt_add(b, VB_DIM, line);
		s->target = cp_name_node(cp, name);
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

int
cp_dim(struct cparse *cp, struct vb_block *b, bool is_const,
    bool is_static)
{
	for (;;) {
		if (declarator(cp, b, is_const, is_static) == -1)
			return -1;
		if (cp->ps.tok != TK_COMMA)
			return 0;
		if (cp_next(cp) == -1)
			return -1;
	}
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
	if (cp_accept(cp, "Optional", &opt) == -1 ||
	    cp_accept(cp, "ByVal", &byval) == -1 ||
	    cp_accept(cp, "ByRef", &byref) == -1 ||
	    cp_accept(cp, "ParamArray", &pa) == -1)
		return -1;
	if (pa)
		return cp_err(cp, "ParamArray is not supported; pass an array%s",
		    "");
	p->optional = opt;
	p->byref = byref;
	if (cp->ps.tok != TK_IDENT)
		return cp_err(cp, "expected a parameter name in %s", f->name);
	p->name = xstrdup(cp->ps.text);
	if (cp_next(cp) == -1)
		return -1;
	if (cp->ps.tok == TK_LP) {
		if (cp_next(cp) == -1 || cp->ps.tok != TK_RP || cp_next(cp) == -1)
			return cp->ps.e->code != RS_E_OK ? -1 :
			    cp_err(cp, "expected () after %s", p->name);
		p->type.array = true;
	}
	if (cp_accept(cp, "As", &as) == -1 || (as && cp_type(cp, &p->type) == -1))
		return -1;
	if (cp->ps.tok == TK_EQ && (cp_next(cp) == -1 ||
	    (p->dflt = cp_expr(cp)) == NULL))
		return -1;
	if (p->optional && p->dflt == NULL)
		return cp_err(cp, "Optional %s needs a default value", p->name);
	return 0;
}

static int
parse_params(struct cparse *cp, struct vb_func *f)
{
	if (cp->ps.tok != TK_LP)
		return 0;
	if (cp_next(cp) == -1)
		return -1;
	while (cp->ps.tok != TK_RP) {
		if (parse_param(cp, f) == -1)
			return -1;
		if (cp->ps.tok == TK_RP)
			break;
		if (cp->ps.tok != TK_COMMA)
			return cp_err(cp, "expected , or ) in the parameters of %s",
			    f->name);
		if (cp_next(cp) == -1)
			return -1;
	}
	return cp_next(cp);
}

static int
parse_func(struct cparse *cp)
{
	struct vb_func	*f;
	bool		 sub = cp_word(cp, "Sub"), as;
	struct vb_type	 none = { .base = EXPR_T_NULL };

	if (cp->m->nfuncs >= VB_FUNCS_MAX)
		return cp_err(cp, "more than %d functions", VB_FUNCS_MAX);
	if (cp_next(cp) == -1)
		return -1;
	if (cp->ps.tok != TK_IDENT)
		return cp_err(cp, "expected the name of the %s", sub ? "Sub" :
		    "Function");
	if (expr_code_find(cp->m, cp->ps.text, NULL, NULL) >= 0)
		return cp_err(cp, "%s is defined twice (overloads are not "
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
	if (cp_next(cp) == -1 || parse_params(cp, f) == -1 ||
	    cp_accept(cp, "As", &as) == -1 || (as && cp_type(cp, &f->ret) == -1))
		return -1;
	for (size_t i = 0; i < f->nparams; i++) {
		if (strcasecmp(f->params[i].name, f->name) == 0)
			return cp_err(cp, "parameter %s of %s has the function's "
			    "own name", f->params[i].name, f->name);
		if (cp_slot_find(f, f->params[i].name) >= 0)
			return cp_err(cp, "parameter %s of %s is named twice",
			    f->params[i].name, f->name);
		if (cp_slot_add(cp, f->params[i].name, &f->params[i].type) < 0)
			return -1;
	}
	if (cp_slot_add(cp, f->name, sub ? &none : &f->ret) < 0)
		return -1;
	if (cp_end_statement(cp) == -1 ||
	    cp_block(cp, &f->body, (const char *const[]){ "End", NULL }) ==
	    -1 || cp_end_of(cp, sub ? "Sub" : "Function") == -1)
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
	while (cp_is_stop(cp, mods)) {
		*any = true;
		if (cp_next(cp) == -1)
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
	if (cp_word(cp, "Function") || cp_word(cp, "Sub"))
		return parse_func(cp);
	if (cp_word(cp, "Dim") || cp_word(cp, "Const")) {
		bool c = cp_word(cp, "Const");
		if (cp_next(cp) == -1 || cp_dim(cp, NULL, c, false) == -1)
			return -1;
		return cp_end_statement(cp);
	}
	if (cp_refuse_word(cp) == -1)
		return -1;
	if (any && cp->ps.tok == TK_IDENT)
		return cp_dim(cp, NULL, false, false) == -1 ? -1 :
		    cp_end_statement(cp);
	return cp_err(cp, "expected Function, Sub or a variable declaration at "
	    "the level of the Code block, not '%.20s'", cp->ps.tstart);
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
	if (cp_next(&cp) == -1)
		goto fail;
	for (;;) {
		if (cp_skip_lines(&cp) == -1)
			goto fail;
		if (cp.ps.tok == TK_EOF)
			break;
		if (module_item(&cp) == -1)
			goto fail;
	}
	if (vb_bind_module(cp.m, e) == -1)
		goto fail;
	free(cp.ps.text);
	return cp.m;
fail:
	/* Every refusal names its line; a path that forgot is a bug, but the
	 * caller still gets a sentence. */
	if (e->code == RS_E_OK)
		rs_err_set(e, RS_E_BADINPUT, "line %d: unexpected '%.20s' in "
		    "the Code block", cp.ps.line, cp.ps.tstart);
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

size_t
expr_code_count(const struct expr_code *m)
{
	return m != NULL ? m->nfuncs : 0;
}

const char *
expr_code_name(const struct expr_code *m, size_t i)
{
	return m != NULL && i < m->nfuncs ? m->funcs[i].name : NULL;
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
