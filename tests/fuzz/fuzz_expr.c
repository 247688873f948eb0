/*
 * fuzz_expr.c: fuzz target of expr/, the VB expression parser, evaluator
 * and .NET formatter.  The first input line is an expression (the text
 * after '='), the second a format string.  A parsed expression is bound
 * as rdl/ would bind it (Fields!A..E to a row of every type), evaluated
 * against parameters, globals and aggregate and ReportItems callbacks,
 * and its value is formatted with the format string and as text and XML
 * Schema text.  A failure must come with a message; the line is also
 * tried as a date.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "expr/expr.h"

#define NFIELDS		5
#define OUT_MAX		(1u << 20)	/* formatted bytes kept */

/* Fields!A..E: int, float, string, date, Nothing; others unbound. */
static int
bind_field(struct expr_node *n, void *arg)
{
	(void)arg;
	if (n->kind == EXPR_FIELD && n->name != NULL && n->name[0] >= 'A' &&
	    n->name[0] <= 'E' && n->name[1] == '\0')
		n->field_index = n->name[0] - 'A';
	return 0;
}

static int
agg_cb(void *arg, const struct expr_node *agg, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	(void)arg;
	(void)env;
	(void)e;
	out->type = EXPR_T_INT;
	out->borrowed = false;
	out->u.i = agg->aggfn == EXPR_AGG_COUNT ? 3 : 42;
	return 0;
}

static int
ritem_cb(void *arg, const char *name, struct expr_value *out,
    struct rs_err *e)
{
	(void)arg;
	if (strcmp(name, "Missing") == 0)
		return rs_err_set(e, RS_E_BADINPUT, "no report item %s", name);
	expr_value_str(out, name);
	return 0;
}

static void
show(const struct expr_value *v, const char *fmt)
{
	struct buf	b;
	struct rs_err	e;

	buf_init(&b, OUT_MAX);
	rs_err_clear(&e);
	if (expr_format(v, fmt, &b, &e) == -1 && e.msg[0] == '\0')
		fuzz_fail("expr_format failed without a reason", fmt);
	buf_reset(&b);
	(void)expr_value_text(v, &b, &e);
	buf_reset(&b);
	(void)expr_value_xsd(v, &b, &e);
	buf_fini(&b);
}

static void
evaluate(struct expr_node *n, const char *fmt)
{
	struct expr_value	 row[NFIELDS], pv[2], out;
	char			*labels[2] = { "North lbl", "South lbl" };
	struct expr_param	 params[2] = {
		{ .name = "P", .values = pv, .labels = labels, .nvalues = 1 },
		{ .name = "M", .values = pv, .labels = labels, .nvalues = 2,
		    .multi = true },
	};
	struct expr_globals	 g = { .report_name = "Fuzz",
	    .page_number = 2, .total_pages = 5, .user_id = "alice",
	    .language = "en-US",
	    .execution_time = expr_dt_make(2024, 2, 29, 13, 5, 9, 0) };
	struct expr_env		 env = { .row = row, .nfields = NFIELDS,
	    .params = params, .nparams = 2, .globals = &g, .agg = agg_cb,
	    .ritem = ritem_cb };
	struct rs_err		 e;

	memset(row, 0, sizeof(row));
	row[0].type = EXPR_T_INT, row[0].u.i = -42;
	row[1].type = EXPR_T_FLOAT, row[1].u.f = 1234.5678;
	row[2].type = EXPR_T_STRING, row[2].borrowed = true;
	row[2].u.s = "Hello";
	row[3].type = EXPR_T_DATETIME;
	row[3].u.dt = expr_dt_make(2011, 5, 31, 10, 0, 0, 0);
	expr_value_str(&pv[0], "North");
	expr_value_str(&pv[1], "42");
	memset(&out, 0, sizeof(out));
	rs_err_clear(&e);
	if (expr_eval(n, &env, &out, &e) == 0)
		show(&out, fmt);
	else if (e.msg[0] == '\0')
		fuzz_fail("expr_eval failed without a reason", "");
	expr_value_fini(&out);
	expr_value_fini(&pv[0]);
	expr_value_fini(&pv[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expr_node	*n;
	struct rs_err		 e;
	const uint8_t		*rest;
	size_t			 restlen;
	char			*text, *fmt;
	int64_t			 dt;

	text = fuzz_head(data, size, &rest, &restlen);
	fmt = fuzz_head(rest, restlen, &rest, &restlen);
	(void)expr_dt_parse(text, &dt);
	rs_err_clear(&e);
	n = expr_parse(text, &e);
	if (n == NULL) {
		if (e.msg[0] == '\0')
			fuzz_fail("expr_parse failed without a reason", text);
	} else {
		expr_walk(n, bind_field, NULL);
		(void)expr_is_constant(n);
		evaluate(n, fmt);
		expr_free(n);
	}
	n = expr_literal(text);
	evaluate(n, fmt);
	expr_free(n);
	free(fmt);
	free(text);
	return 0;
}
