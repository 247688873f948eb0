/*
 * test_expr.c: unit tests of expr/: parsing (and its refusals), evaluation
 * of operators and functions, .NET format strings, and aggregates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "expr/expr.h"

/* Evaluates text against a small environment; returns the value's text. */
static char *
run(const char *text, struct rs_err *e)
{
	static struct expr_value row[3];
	static struct expr_value pv[2];
	static char *labels[2] = { "North label", "South label" };
	struct expr_param params[2] = {
		{ .name = "Region", .values = pv, .labels = labels, .nvalues = 1 },
		{ .name = "Many", .values = pv, .labels = labels, .nvalues = 2,
		    .multi = true },
	};
	struct expr_globals g = { .report_name = "Sales", .page_number = 3,
	    .total_pages = 7, .user_id = "alice",
	    .execution_time = expr_dt_make(2024, 2, 29, 13, 5, 9, 0) };
	struct expr_env env = { .row = row, .nfields = 3, .params = params,
	    .nparams = 2, .globals = &g };
	struct expr_node *n;
	struct expr_value v;
	struct buf	 b;

	row[0].type = EXPR_T_INT;
	row[0].u.i = 42;
	row[1].type = EXPR_T_STRING;
	row[1].borrowed = true;
	row[1].u.s = "Hello";
	row[2].type = EXPR_T_DATETIME;
	row[2].u.dt = expr_dt_make(2011, 5, 31, 0, 0, 0, 0);
	expr_value_str(&pv[0], "North");
	expr_value_str(&pv[1], "South");
	rs_err_clear(e);
	n = expr_parse(text, e);
	if (n == NULL) {
		expr_value_fini(&pv[0]);
		expr_value_fini(&pv[1]);
		return NULL;
	}
	/* Bind Fields!A/B/D to 0/1/2 as rdl/ would. */
	for (size_t i = 0; i < 1; i++) {
		struct expr_node *stack[64];
		size_t sp = 0;
		stack[sp++] = n;
		while (sp > 0) {
			struct expr_node *k = stack[--sp];
			if (k->kind == EXPR_FIELD)
				k->field_index = k->name[0] == 'A' ? 0 :
				    k->name[0] == 'B' ? 1 : 2;
			for (size_t j = 0; j < k->nargs && sp < 64; j++)
				stack[sp++] = k->args[j];
		}
	}
	buf_init(&b, 0);
	v.type = EXPR_T_NULL;
	if (expr_eval(n, &env, &v, e) == 0) {
		expr_value_text(&v, &b, NULL);
		if (b.data == NULL)
			buf_puts(&b, "", NULL);
	}
	expr_value_fini(&v);
	expr_value_fini(&pv[0]);
	expr_value_fini(&pv[1]);
	expr_free(n);
	return b.data;
}

static void
test_eval(void **state)
{
	static const struct {
		const char	*expr, *want;
	} cases[] = {
		{ "1 + 2 * 3", "7" },
		{ "(1 + 2) * 3", "9" },
		{ "7 / 2", "3.5" },
		{ "7 \\ 2", "3" },
		{ "7 Mod 3", "1" },
		{ "2 ^ 10", "1024" },
		{ "-2 ^ 2", "-4" },
		{ "\"a\" & 1 & Nothing", "a1" },
		{ "\"a\" + \"b\"", "ab" },
		{ "1 = 1 And 2 > 1", "True" },
		{ "Not (1 > 2) Or False", "True" },
		{ "Nothing Is Nothing", "True" },
		{ "Fields!A.Value * 2", "84" },
		{ "Fields!B.Value & \" world\"", "Hello world" },
		{ "Fields!B.Value Is Nothing", "False" },
		{ "IIf(Fields!A.Value > 40, \"big\", 1/0)", "big" },
		{ "Switch(Fields!A.Value >= 500, \"RED\", Fields!A.Value >= 10, "
		    "\"Orange\", True, \"Yellow\")", "Orange" },
		{ "Choose(2, \"a\", \"b\", \"c\")", "b" },
		{ "Left(\"abcdef\", 2) & Right(\"abcdef\", 2) & Mid(\"abcdef\", 3, 2)",
		    "abefcd" },
		{ "Len(\"héllo\")", "5" },
		{ "UCase(\"ab\") & LCase(\"CD\") & Trim(\"  x  \")", "ABcdx" },
		{ "Replace(\"a-b-c\", \"-\", \"+\")", "a+b+c" },
		{ "InStr(\"hello\", \"l\")", "3" },
		{ "CInt(\"12\") + CDbl(\"0.5\")", "12.5" },
		{ "CInt(2.5)", "2" },
		{ "CStr(12) & \"x\"", "12x" },
		{ "Year(Fields!D.Value) & \"-\" & Month(Fields!D.Value) & \"-\" & "
		    "Day(Fields!D.Value)", "2011-5-31" },
		{ "Format(DateAdd(\"m\", 1, Fields!D.Value), \"yyyy-MM-dd\")",
		    "2011-06-30" },
		{ "DateDiff(\"d\", #1/1/2024#, #3/1/2024#)", "60" },
		{ "Format(1234.5, \"N2\")", "1,234.50" },
		/* fuzz: standard formats of Infinity read past "inf" */
		{ "Format(1 / 0, \"N2\") & Format(-1 / 0, \"C\")",
		    "Infinity-Infinity" },
		{ "Format(0 / 0, \"E3\") & Format(1 / 0, \"0.00\")",
		    "NaNInfinity" },
		{ "Format(-1234.5, \"C\")", "($1,234.50)" },
		{ "Format(0.1234, \"P1\")", "12.3 %" },
		/* fuzz: P scaled an integer twice; f * 100 overflowed */
		{ "Format(1, \"P0\") & Format(CInt(3), \"P1\")", "100 %300.0 %" },
		{ "Len(Format(2 ^ 1018, \"P\")) > 300", "True" },
		{ "Format(2.675, \"N2\")", "2.68" },
		{ "Format(42, \"D5\")", "00042" },
		{ "Format(1234567.891, \"#,##0.00\")", "1,234,567.89" },
		{ "Format(-10.373, \"'$'0.00;('$'0.00)\")", "($10.37)" },
		{ "Format(0.5, \"0%\")", "50%" },
		{ "Format(Fields!D.Value, \"MMM d, yyyy\")", "May 31, 2011" },
		{ "Format(Fields!D.Value, \"d\")", "5/31/2011" },
		{ "Format(Fields!D.Value, \"dddd\")", "Tuesday" },
		{ "FormatNumber(1234.567, 1)", "1,234.6" },
		{ "FormatCurrency(5)", "$5.00" },
		{ "FormatPercent(0.25)", "25.00%" },
		{ "FormatDateTime(Fields!D.Value, DateFormat.LongDate)",
		    "Tuesday, May 31, 2011" },
		{ "MonthName(2) & MonthName(3, True)", "FebruaryMar" },
		{ "Parameters!Region.Value & Parameters!Region.Label",
		    "NorthNorth label" },
		{ "Parameters!Many.Count & Join(Parameters!Many.Value, \"/\")",
		    "2North/South" },
		{ "Parameters!Many.Value(1)", "South" },
		{ "Globals!ReportName & Globals!PageNumber & \"/\" & "
		    "Globals!TotalPages & User!UserID", "Sales3/7alice" },
		{ "Format(Globals!ExecutionTime, \"yyyy-MM-dd HH:mm:ss tt\")",
		    "2024-02-29 13:05:09 PM" },
		{ "\"a\" Like \"?\" And \"abc\" Like \"a*\"", "True" },
		{ "(\"b7x\" Like \"[a-c]#[!y]\") & (\"ab\" Like \"*b*\") & "
		    "(\"ab\" Like \"a*c\") & (\"[\" Like \"[\") & "
		    "(\"\" Like \"*\")", "TrueTrueFalseTrueTrue" },
		/* fuzz: exponential in the number of '*'s before */
		{ "Replace(Space(60), \" \", \"a\") Like "
		    "\"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\"", "False" },
		{ "1 < \"2\"", "True" },
		{ "Round(2.5) + Round(3.5) + Abs(-1) + Round(1.234, 2)", "8.23" },
	};
	struct rs_err	 e;
	char		*got;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		got = run(cases[i].expr, &e);
		if (got == NULL)
			fail_msg("%s: %s", cases[i].expr, e.msg);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].expr, got,
			    cases[i].want);
		free(got);
	}
}

static void
test_refusals(void **state)
{
	static const struct {
		const char	*expr, *msg;
	} cases[] = {
		{ "Frobnicate(1, 2)", "unsupported function Frobnicate" },
		{ "Lookup(1, 2, 3)", "Lookup needs a source, a destination" },
		{ "LookupSet(1, 2, 3)", "LookupSet needs a source, a destination" },
		{ "InScope(1)", "InScope needs a scope name" },
		{ "Code.F(1).Frobnicate", "unsupported member .Frobnicate" },
		{ "ReportItems!Textbox1.Label", "unsupported member .Label" },
		{ "DataSets!D.CommandText", "unsupported collection DataSets" },
		{ "Variables!V.Foo", "unsupported member .Foo of Variables!V" },
		{ "Variables!V.SetValue()", "SetValue takes one value" },
		{ "Sum(Sum(Fields!A.Value))", "aggregates of aggregates" },
		{ "Sum(Fields!A.Value, Fields!B.Value)", "scope of Sum" },
		{ "1 +", "unexpected end" },
		{ "\"abc", "unterminated string" },
		{ "Fields!A.Value.Frobnicate()", "unsupported member .Frobnicate" },
		{ "Math.Round", "Math.Round needs arguments" },
		{ "New System.Text.StringBuilder()", "New StringBuilder is not "
		    "supported" },
		{ "Split(\"a\")(0, 1)", "an array has one index" },
		{ "Globals!Foo", "unsupported global Foo" },
		{ "RunningValue(Fields!A.Value, Sum)", "expected ',' and a "
		    "scope" },
		{ "RunningValue(Fields!A.Value, Left, Nothing)", "RunningValue "
		    "needs Sum, Count" },
		{ "Left(1)", "wrong number of arguments to Left" },
		/* fuzz: refused with an empty message */
		{ "DateFormat.-2", "expected a name after DateFormat." },
	};
	struct rs_err	 e;
	struct expr_node *n;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		rs_err_clear(&e);
		n = expr_parse(cases[i].expr, &e);
		if (n != NULL)
			fail_msg("%s: parsed, want a refusal", cases[i].expr);
		if (strstr(e.msg, cases[i].msg) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", cases[i].expr,
			    e.msg, cases[i].msg);
	}
	/* The refusal of a function lists what is supported. */
	n = expr_parse("NoSuchFunction(1)", &e);
	assert_null(n);
	assert_non_null(strstr(e.msg, "supported: Sum Count"));
	assert_non_null(strstr(e.msg, "FormatDateTime"));
}

static void
test_runtime_errors(void **state)
{
	struct rs_err	 e;
	char		*got;

	(void)state;
	got = run("CInt(\"abc\")", &e);
	assert_null(got);
	assert_int_equal(e.code, RS_E_BADINPUT);
	assert_non_null(strstr(e.msg, "cannot convert"));
	got = run("5 Mod 0", &e);
	assert_null(got);
	assert_non_null(strstr(e.msg, "division by zero"));
	/* fuzz: hexadecimal of a double past int64_t was undefined */
	got = run("Format(2 ^ 601, \"X\")", &e);
	assert_null(got);
	assert_non_null(strstr(e.msg, "as hexadecimal"));
	got = run("Format(255.0, \"X\") & Format(-1E300, \"N0\") <> \"\"", &e);
	assert_non_null(got);
	free(got);
}

static void
test_agg(void **state)
{
	struct expr_agg	 a;
	struct expr_value v = { .type = EXPR_T_INT }, out;

	(void)state;
	expr_agg_init(&a, EXPR_AGG_SUM);
	for (int i = 1; i <= 4; i++) {
		v.u.i = i;
		assert_int_equal(expr_agg_add(&a, &v, NULL), 0);
	}
	v.type = EXPR_T_FLOAT;
	v.u.f = 0.5;
	expr_agg_add(&a, &v, NULL);
	expr_agg_result(&a, &out, NULL);
	assert_int_equal(out.type, EXPR_T_FLOAT);
	assert_true(out.u.f == 10.5);
	expr_agg_fini(&a);

	expr_agg_init(&a, EXPR_AGG_COUNTDISTINCT);
	expr_value_str(&v, "x");
	expr_agg_add(&a, &v, NULL);
	expr_agg_add(&a, &v, NULL);
	expr_value_fini(&v);
	expr_value_str(&v, "y");
	expr_agg_add(&a, &v, NULL);
	expr_value_fini(&v);
	v.type = EXPR_T_NULL;
	expr_agg_add(&a, &v, NULL);
	expr_agg_result(&a, &out, NULL);
	assert_int_equal(out.u.i, 2);
	expr_agg_fini(&a);
}

static void
test_dates(void **state)
{
	int64_t		 dt;
	int		 y, mo, d, h, mi, s, ms;

	(void)state;
	assert_true(expr_dt_parse("2011-05-31T10:20:30.5", &dt));
	expr_dt_split(dt, &y, &mo, &d, &h, &mi, &s, &ms);
	assert_int_equal(y, 2011);
	assert_int_equal(mo, 5);
	assert_int_equal(d, 31);
	assert_int_equal(h, 10);
	assert_int_equal(ms, 500);
	assert_true(expr_dt_parse("4/10/2008 1:05 PM", &dt));
	expr_dt_split(dt, &y, &mo, &d, &h, &mi, &s, &ms);
	assert_int_equal(h, 13);
	assert_false(expr_dt_parse("2011-02-30", &dt));
	assert_false(expr_dt_parse("yesterday", &dt));
}

/*
 * Robustness: random sequences of tokens are parsed and, when they parse,
 * evaluated; each gives a value or a clean error, never a crash (ASan).
 */
static void
test_random(void **state)
{
	static const char *tok[] = { "1", "0", "-", "+", "*", "/", "\\", "^",
	    "Mod", "&", "(", ")", ",", "=", "<>", "<", ">=", "And", "Or", "Not",
	    "Is", "Nothing", "\"x\"", "\"\"", "2.5", "1E300", "9223372036854775807",
	    "Fields!A.Value", "Fields!B.Value", "Fields!D.Value",
	    "Parameters!Region.Value", "Parameters!Many.Value(1)", "IIf(", "Left(",
	    "Mid(", "Format(", "DateAdd(\"m\",", "DateDiff(\"d\",", "CInt(",
	    "Space(", "Replace(", "InStr(", "Choose(", "Switch(", "Round(",
	    "Sum(", "Globals!PageNumber", "#1/1/2024#", "True" };
	char		 text[512];
	uint32_t	 x = 7;
	int		 parsed = 0;
	struct rs_err	 e;
	char		*got;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		size_t n = 0, k;

		text[0] = '\0';
		x = x * 1103515245 + 12345;
		k = 1 + (x >> 16) % 9;
		while (k-- > 0) {
			x = x * 1103515245 + 12345;
			const char *t = tok[(x >> 16) % nitems(tok)];
			if (n + strlen(t) + 2 >= sizeof(text))
				break;
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s ", t);
		}
		got = run(text, &e);
		if (got != NULL)
			parsed++;
		else
			assert_true(e.msg[0] != '\0');
		free(got);
	}
	assert_true(parsed > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eval),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_runtime_errors),
		cmocka_unit_test(test_agg),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
