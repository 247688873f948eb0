/*
 * fuzz_code.c: fuzz target of the Code block parser and interpreter
 * (expr_code_parse, expr_code_call).  The input is the Visual Basic text
 * of a <Code> element.  A module that parses has each of its functions
 * called (with as many of 3, "text", Nothing and an array as it takes,
 * its optional parameters left out) in one state, so shared variables
 * carry over, with a small step budget; a refusal must name a line, a
 * failed call must say why, and nothing may leak.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "expr/expr.h"

#define FUZZ_STEPS	2000

static void
args_of(struct expr_value *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		switch (i % 4) {
		case 0:
			a[i].type = EXPR_T_INT;
			a[i].u.i = 3;
			break;
		case 1:
			expr_value_str(&a[i], "text");
			break;
		case 2:
			a[i].type = EXPR_T_NULL;
			break;
		default:
			expr_value_array(&a[i], 2);
			expr_value_str(&a[i].u.a->v[0], "x");
			break;
		}
	}
}

static void
call_all(struct expr_code *m)
{
	struct expr_env	 env = { 0 };
	struct expr_value args[8], out;
	struct rs_err	 e;
	int		 min, max;

	env.code = m;
	env.code_state = expr_code_state_new(m);
	expr_code_state_steps(env.code_state, FUZZ_STEPS);
	for (size_t f = 0; f < expr_code_count(m) && f < 8; f++) {
		if (expr_code_find(m, expr_code_name(m, f), &min, &max) < 0 ||
		    min > 8)
			continue;
		args_of(args, (size_t)min);
		rs_err_clear(&e);
		out.type = EXPR_T_NULL;
		if (expr_code_call(&env, (int)f, args, (size_t)min, &out,
		    &e) == -1 && e.msg[0] == '\0')
			fuzz_fail("a Code call failed without a reason",
			    expr_code_name(m, f));
		expr_value_fini(&out);
		for (int i = 0; i < min; i++)
			expr_value_fini(&args[i]);
	}
	expr_code_state_free(env.code_state);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*text = fuzz_strdup(data, size);
	struct rs_err	 e;
	struct expr_code *m;

	rs_err_clear(&e);
	m = expr_code_parse(text, 1, &e);
	if (m == NULL) {
		if (e.msg[0] == '\0')
			fuzz_fail("a refused Code block has no message", text);
		if (e.code == RS_E_BADINPUT && strncmp(e.msg, "line ", 5) != 0)
			fuzz_fail("a refusal of Code does not name its line",
			    e.msg);
	} else {
		call_all(m);
		expr_code_free(m);
	}
	free(text);
	return 0;
}
