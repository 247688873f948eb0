/*
 * odata.c: OData query options (see odata.h).  $filter is parsed by
 * recursive descent into a small tree:
 *
 *   or      := and { "or" and }
 *   and     := unary { "and" unary }
 *   unary   := "not" unary | "(" or ")" | func | operand cmp operand
 *   func    := ("contains" | "startswith" | "endswith")
 *              "(" operand "," operand ")"
 *   operand := property | 'string' | number | true | false | null
 *              | date-time literal
 */
#include "reportserver/odata.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum op { OP_OR, OP_AND, OP_NOT, OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE,
    OP_CONTAINS, OP_STARTS, OP_ENDS };

struct operand {
	bool			 is_prop;
	char			 prop[ODATA_NAME_MAX];
	struct odata_val	 lit;
	char			*str;	/* owned storage of lit.s */
};

struct odata_expr {
	enum op			 op;
	struct odata_expr	*l, *r;	/* OR, AND, NOT (l only) */
	struct operand		 a, b;	/* comparisons and functions */
};

struct fp {
	const char		*s;
	size_t			 pos;
	const char *const	*known;
	struct rs_err		*e;
	int			 depth;
};

static struct odata_expr	*p_or(struct fp *);

static void *
fail(struct fp *p, const char *what)
{
	rs_err_set(p->e, RS_E_BADINPUT, "invalid $filter at character %zu: "
	    "%s", p->pos + 1, what);
	return NULL;
}

static void
ws(struct fp *p)
{
	while (p->s[p->pos] == ' ')
		p->pos++;
}

/* Reads an identifier-like word without consuming it. */
static size_t
word_len(const struct fp *p)
{
	size_t	n = 0;

	while (isalnum((unsigned char)p->s[p->pos + n]) ||
	    p->s[p->pos + n] == '_' || p->s[p->pos + n] == '.')
		n++;
	return n;
}

static bool
take_word(struct fp *p, const char *w)
{
	size_t	n;

	ws(p);
	n = word_len(p);
	if (n != strlen(w) || strncasecmp(p->s + p->pos, w, n) != 0)
		return false;
	p->pos += n;
	return true;
}

static bool
take_char(struct fp *p, char c)
{
	ws(p);
	if (p->s[p->pos] != c)
		return false;
	p->pos++;
	return true;
}

void
odata_expr_free(struct odata_expr *x)
{
	if (x == NULL)
		return;
	odata_expr_free(x->l);
	odata_expr_free(x->r);
	free(x->a.str);
	free(x->b.str);
	free(x);
}

static bool
known_prop(const struct fp *p, const char *name)
{
	for (const char *const *k = p->known; k != NULL && *k != NULL; k++)
		if (strcasecmp(*k, name) == 0)
			return true;
	return p->known == NULL;
}

static int
quoted(struct fp *p, struct operand *o)
{
	size_t	cap = strlen(p->s + p->pos) + 1, n = 0;
	char	*out = xmalloc(cap);

	p->pos++;
	for (;;) {
		char	c = p->s[p->pos++];

		if (c == '\0') {
			free(out);
			fail(p, "unterminated string");
			return -1;
		}
		if (c == '\'') {
			if (p->s[p->pos] != '\'')
				break;
			p->pos++;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	o->str = out;
	o->lit.t = ODATA_STR;
	o->lit.s = out;
	return 0;
}

static int
literal_word(struct fp *p, struct operand *o, const char *w, size_t n)
{
	char	*end;

	o->lit.t = ODATA_STR;
	if (n == 4 && strncasecmp(w, "true", 4) == 0) {
		o->lit.t = ODATA_BOOL;
		o->lit.b = true;
	} else if (n == 5 && strncasecmp(w, "false", 5) == 0)
		o->lit.t = ODATA_BOOL;
	else if (n == 4 && strncasecmp(w, "null", 4) == 0)
		o->lit.t = ODATA_NULL;
	else {
		o->str = xstrndup(w, n);
		o->lit.n = strtod(o->str, &end);
		if (*end == '\0')
			o->lit.t = ODATA_NUM;
		else if (isdigit((unsigned char)w[0]))
			o->lit.s = o->str;	/* a date-time literal */
		else {
			fail(p, "unknown value");
			return -1;
		}
	}
	p->pos += n;
	return 0;
}

static int
operand(struct fp *p, struct operand *o)
{
	const char	*w;
	size_t		 n;

	ws(p);
	if (p->s[p->pos] == '\'')
		return quoted(p, o);
	w = p->s + p->pos;
	n = 0;
	while (w[n] != '\0' && (isalnum((unsigned char)w[n]) ||
	    strchr("_.-+:", w[n]) != NULL))
		n++;
	if (n == 0) {
		fail(p, "expected a property or a value");
		return -1;
	}
	if (isalpha((unsigned char)w[0]) && n < ODATA_NAME_MAX &&
	    !(n == 4 && (strncasecmp(w, "true", 4) == 0 ||
	    strncasecmp(w, "null", 4) == 0)) &&
	    !(n == 5 && strncasecmp(w, "false", 5) == 0)) {
		memcpy(o->prop, w, n);
		o->prop[n] = '\0';
		o->is_prop = true;
		if (!known_prop(p, o->prop)) {
			fail(p, "unknown property");
			return -1;
		}
		p->pos += n;
		return 0;
	}
	return literal_word(p, o, w, n);
}

static struct odata_expr *
node(enum op op)
{
	struct odata_expr	*x = xcalloc(1, sizeof(*x));

	x->op = op;
	return x;
}

static struct odata_expr *
func(struct fp *p, enum op op)
{
	struct odata_expr	*x = node(op);

	if (!take_char(p, '(') || operand(p, &x->a) == -1 ||
	    !take_char(p, ',') || operand(p, &x->b) == -1 ||
	    !take_char(p, ')')) {
		if (p->e->code == RS_E_OK || p->e->msg[0] == '\0')
			fail(p, "bad function call");
		odata_expr_free(x);
		return NULL;
	}
	return x;
}

static const struct {
	const char	*w;
	enum op		 op;
} cmps[] = {
	{ "eq", OP_EQ }, { "ne", OP_NE }, { "gt", OP_GT }, { "ge", OP_GE },
	{ "lt", OP_LT }, { "le", OP_LE },
};

static struct odata_expr *
comparison(struct fp *p)
{
	struct odata_expr	*x = node(OP_EQ);
	size_t			 i;

	if (operand(p, &x->a) == -1)
		goto bad;
	for (i = 0; i < nitems(cmps); i++)
		if (take_word(p, cmps[i].w))
			break;
	if (i == nitems(cmps)) {
		fail(p, "expected eq, ne, gt, ge, lt or le");
		goto bad;
	}
	x->op = cmps[i].op;
	if (operand(p, &x->b) == -1)
		goto bad;
	return x;
bad:
	odata_expr_free(x);
	return NULL;
}

static struct odata_expr *
unary(struct fp *p)
{
	struct odata_expr	*x;

	if (++p->depth > 32)
		return fail(p, "nested too deeply");
	ws(p);
	if (take_word(p, "not")) {
		x = node(OP_NOT);
		x->l = unary(p);
		if (x->l == NULL) {
			odata_expr_free(x);
			return NULL;
		}
	} else if (take_char(p, '(')) {
		x = p_or(p);
		if (x != NULL && !take_char(p, ')')) {
			odata_expr_free(x);
			return fail(p, "expected ')'");
		}
	} else if (take_word(p, "contains"))
		x = func(p, OP_CONTAINS);
	else if (take_word(p, "startswith"))
		x = func(p, OP_STARTS);
	else if (take_word(p, "endswith"))
		x = func(p, OP_ENDS);
	else
		x = comparison(p);
	p->depth--;
	return x;
}

static struct odata_expr *
binary(struct fp *p, const char *w, enum op op,
    struct odata_expr *(*sub)(struct fp *))
{
	struct odata_expr	*l = sub(p), *x;

	while (l != NULL && take_word(p, w)) {
		x = node(op);
		x->l = l;
		x->r = sub(p);
		if (x->r == NULL) {
			odata_expr_free(x);
			return NULL;
		}
		l = x;
	}
	return l;
}

static struct odata_expr *
p_and(struct fp *p)
{
	return binary(p, "and", OP_AND, unary);
}

static struct odata_expr *
p_or(struct fp *p)
{
	return binary(p, "or", OP_OR, p_and);
}

int
odata_filter_parse(const char *text, const char *const *known,
    struct odata_expr **out, struct rs_err *e)
{
	struct fp	p = { text, 0, known, e, 0 };

	*out = NULL;
	rs_err_clear(e);
	if (strlen(text) > ODATA_FILTER_MAX)
		return rs_err_set(e, RS_E_BADINPUT, "$filter is longer than "
		    "%d characters", ODATA_FILTER_MAX);
	*out = p_or(&p);
	if (*out == NULL)
		return -1;
	ws(&p);
	if (text[p.pos] != '\0') {
		odata_expr_free(*out);
		*out = NULL;
		fail(&p, "unexpected text");
		return -1;
	}
	return 0;
}

static void
resolve(const struct operand *o, odata_prop_fn *fn, const void *ent,
    struct odata_val *v)
{
	if (!o->is_prop) {
		*v = o->lit;
		return;
	}
	if (!fn(ent, o->prop, v))
		v->t = ODATA_NULL;
}

/* <0, 0, >0; 2 when the two cannot be compared. */
static int
compare(const struct odata_val *a, const struct odata_val *b)
{
	if (a->t == ODATA_NULL || b->t == ODATA_NULL)
		return a->t == b->t ? 0 : 2;
	if (a->t == ODATA_STR && b->t == ODATA_STR)
		return strcasecmp(a->s, b->s);
	if (a->t == ODATA_NUM && b->t == ODATA_NUM)
		return a->n < b->n ? -1 : a->n > b->n;
	if (a->t == ODATA_BOOL && b->t == ODATA_BOOL)
		return (int)a->b - (int)b->b;
	return 2;
}

static bool
str_fn(enum op op, const struct odata_val *a, const struct odata_val *b)
{
	size_t	la, lb;

	if (a->t != ODATA_STR || b->t != ODATA_STR)
		return false;
	la = strlen(a->s);
	lb = strlen(b->s);
	if (op == OP_CONTAINS)
		return strcasestr(a->s, b->s) != NULL;
	if (lb > la)
		return false;
	if (op == OP_STARTS)
		return strncasecmp(a->s, b->s, lb) == 0;
	return strcasecmp(a->s + la - lb, b->s) == 0;
}

bool
odata_eval(const struct odata_expr *x, odata_prop_fn *fn, const void *ent)
{
	struct odata_val	a, b;
	int			c;

	switch (x->op) {
	case OP_OR:
		return odata_eval(x->l, fn, ent) || odata_eval(x->r, fn, ent);
	case OP_AND:
		return odata_eval(x->l, fn, ent) && odata_eval(x->r, fn, ent);
	case OP_NOT:
		return !odata_eval(x->l, fn, ent);
	default:
		break;
	}
	resolve(&x->a, fn, ent, &a);
	resolve(&x->b, fn, ent, &b);
	if (x->op >= OP_CONTAINS)
		return str_fn(x->op, &a, &b);
	c = compare(&a, &b);
	switch (x->op) {
	case OP_EQ:
		return c == 0;
	case OP_NE:
		return c != 0;
	case OP_GT:
		return c != 2 && c > 0;
	case OP_GE:
		return c != 2 && c >= 0;
	case OP_LT:
		return c < 0;
	default:
		return c <= 0;
	}
}

static bool
known(const char *const *k, const char *name)
{
	for (; k != NULL && *k != NULL; k++)
		if (strcasecmp(*k, name) == 0)
			return true;
	return k == NULL;
}

static int
parse_orderby(struct odata_query *q, const char *s, const char *const *k,
    struct rs_err *e)
{
	char	*copy = xstrdup(s), *item, *save = NULL;
	int	 rc = 0;

	for (item = strtok_r(copy, ",", &save); item != NULL && rc == 0;
	    item = strtok_r(NULL, ",", &save)) {
		char	*name = str_trim(item), *dir;

		dir = strchr(name, ' ');
		if (dir != NULL) {
			*dir++ = '\0';
			dir = str_trim(dir);
		}
		if (q->norder == ODATA_ORDER_MAX || !known(k, name) ||
		    str_copy(q->order[q->norder].name, ODATA_NAME_MAX, name) ==
		    -1 || (dir != NULL && !str_ieq(dir, "asc") &&
		    !str_ieq(dir, "desc")))
			rc = rs_err_set(e, RS_E_BADINPUT, "invalid $orderby "
			    "'%.64s'", item);
		else
			q->order[q->norder++].desc = dir != NULL &&
			    str_ieq(dir, "desc");
	}
	free(copy);
	return rc;
}

static int
parse_select(struct odata_query *q, const char *s, const char *const *k,
    struct rs_err *e)
{
	char	*copy = xstrdup(s), *item, *save = NULL;
	int	 rc = 0;

	for (item = strtok_r(copy, ",", &save); item != NULL && rc == 0;
	    item = strtok_r(NULL, ",", &save)) {
		char	*name = str_trim(item);

		if (strcmp(name, "*") == 0)
			continue;
		if (q->nselect == ODATA_SELECT_MAX || !known(k, name) ||
		    str_copy(q->select[q->nselect], ODATA_NAME_MAX, name) == -1)
			rc = rs_err_set(e, RS_E_BADINPUT, "invalid $select "
			    "'%.64s'", name);
		else
			q->nselect++;
	}
	free(copy);
	return rc;
}

static int
parse_long(const char *s, const char *what, long *out, struct rs_err *e)
{
	uint64_t	v;

	if (str_parse_uint(s, 0, 1000000000, &v, what, e) == -1)
		return -1;
	*out = (long)v;
	return 0;
}

int
odata_parse(struct odata_query *q, const char *top, const char *skip,
    const char *count, const char *filter, const char *orderby,
    const char *select, const char *const *k, struct rs_err *e)
{
	memset(q, 0, sizeof(*q));
	q->top = -1;
	if ((top != NULL && parse_long(top, "$top", &q->top, e) == -1) ||
	    (skip != NULL && parse_long(skip, "$skip", &q->skip, e) == -1))
		return -1;
	if (count != NULL) {
		if (!str_ieq(count, "true") && !str_ieq(count, "false"))
			return rs_err_set(e, RS_E_BADINPUT, "$count must be "
			    "true or false");
		q->count = str_ieq(count, "true");
	}
	if ((orderby != NULL && parse_orderby(q, orderby, k, e) == -1) ||
	    (select != NULL && parse_select(q, select, k, e) == -1) ||
	    (filter != NULL && odata_filter_parse(filter, k, &q->filter, e) ==
	    -1)) {
		odata_fini(q);
		return -1;
	}
	return 0;
}

void
odata_fini(struct odata_query *q)
{
	odata_expr_free(q->filter);
	q->filter = NULL;
}

struct sort_ctx {
	const struct odata_query	*q;
	odata_prop_fn			*fn;
};

static int
cmp_ent(const void *x, const void *y, void *arg)
{
	const struct sort_ctx	*c = arg;
	const void		*a = *(const void *const *)x;
	const void		*b = *(const void *const *)y;

	for (size_t i = 0; i < c->q->norder; i++) {
		struct odata_val	va, vb;
		int			r;

		if (!c->fn(a, c->q->order[i].name, &va))
			va.t = ODATA_NULL;
		if (!c->fn(b, c->q->order[i].name, &vb))
			vb.t = ODATA_NULL;
		r = compare(&va, &vb);
		if (r == 2)	/* null first */
			r = va.t == ODATA_NULL ? -1 : 1;
		if (r != 0)
			return c->q->order[i].desc ? -r : r;
	}
	return 0;
}

void
odata_sort(const struct odata_query *q, odata_prop_fn *fn, const void **v,
    size_t n)
{
	struct sort_ctx	c = { q, fn };

	if (q->norder > 0 && n > 1)
		qsort_r(v, n, sizeof(*v), cmp_ent, &c);
}

bool
odata_selected(const struct odata_query *q, const char *name)
{
	if (q->nselect == 0)
		return true;
	for (size_t i = 0; i < q->nselect; i++)
		if (strcasecmp(q->select[i], name) == 0)
			return true;
	return false;
}
