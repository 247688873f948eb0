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

/* Binds Code.F calls of n to module m, as rdl/ does. */
static int
bind_code(struct expr_node *n, void *arg)
{
	if (n->kind == EXPR_CODE)
		n->index = expr_code_find(arg, n->name, NULL, NULL);
	return 0;
}

/*
 * Parses module code, then evaluates each of the expressions (separated
 * by '|') in one state, so shared variables carry over; returns their
 * texts joined by '|', or NULL with *e.
 */
static char *
run_code(const char *code, const char *exprs, const char *culture,
    struct rs_err *e)
{
	struct expr_code *m;
	struct expr_env	 env = { 0 };
	struct buf	 b;
	char		*list = strdup(exprs), *save = NULL, *x;
	bool		 ok = true;

	rs_err_clear(e);
	m = expr_code_parse(code, 1, e);
	if (m == NULL) {
		free(list);
		return NULL;
	}
	env.code = m;
	env.code_state = expr_code_state_new(m);
	env.culture = culture != NULL ? expr_culture_new(culture, e) : NULL;
	buf_init(&b, 0);
	buf_puts(&b, "", NULL);
	for (x = strtok_r(list, "|", &save); ok && x != NULL;
	    x = strtok_r(NULL, "|", &save)) {
		struct expr_node *n = expr_parse(x, e);
		struct expr_value v = { .type = EXPR_T_NULL };

		if (n == NULL) {
			ok = false;
			break;
		}
		expr_walk(n, bind_code, m);
		if (b.len > 0)
			buf_puts(&b, "|", NULL);
		if (expr_eval(n, &env, &v, e) == -1)
			ok = false;
		else
			expr_value_text(&v, &b, NULL);
		expr_value_fini(&v);
		expr_free(n);
	}
	free(list);
	expr_culture_free((struct expr_culture *)env.culture);
	expr_code_state_free(env.code_state);
	expr_code_free(m);
	if (!ok) {
		buf_fini(&b);
		return NULL;
	}
	return buf_take(&b, NULL);
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
		/* members and the .NET names */
		{ "Fields!B.Value.ToUpper() & Fields!B.Value.Length & "
		    "\"abc\".Substring(1) & \"a,b\".Split(\",\"c)(1)", "HELLO5bcb" },
		{ "\"  x \".Trim().PadLeft(3, \"*\"c) & \"hello\".IndexOf(\"l\") & "
		    "\"hello\".LastIndexOf(\"l\") & \"abc\".Contains(\"bc\")",
		    "**x23True" },
		{ "Fields!A.Value.ToString(\"N1\") & (1.5).ToString() & "
		    "Globals!PageNumber.ToString(\"00\")", "42.01.503" },
		{ "Fields!D.Value.AddDays(1).ToString(\"yyyy-MM-dd\") & \" \" & "
		    "Fields!D.Value.AddMonths(1).Day & Fields!D.Value.DayOfWeek & "
		    "Fields!D.Value.Year", "2011-06-01 3022011" },
		{ "(#3/1/2024# - #1/1/2024#).Days & \"|\" & "
		    "TimeSpan.FromMinutes(90).TotalHours & \"|\" & "
		    "(#1/1/2024 10:00# + TimeSpan.FromHours(2)).Hour", "60|1.5|12" },
		{ "TimeSpan.FromMilliseconds(1234.5).ToString() & \"|\" & "
		    "New TimeSpan(1, 2, 3, 4).ToString()", "00:00:01.2350000|"
		    "1.02:03:04" },
		{ "System.Math.Round(2.5) & Math.Round(3.5) & Math.Round(2.675, 2) "
		    "& \"|\" & Math.Round(2.5, 0, MidpointRounding.AwayFromZero) & "
		    "Math.Floor(-1.5) & Math.Ceiling(1.2) & Math.Max(2, 9)",
		    "242.68|3-229" },
		{ "String.Format(\"{0:N2}|{1,-3}|{1,3}|{{}}\", 1234.5, \"ab\")",
		    "1,234.50|ab | ab|{}" },
		{ "Convert.ToInt32(\"ff\", 16) & Convert.ToString(10, 2) & "
		    "Convert.ToInt32(2.5) & Integer.Parse(\"12\")", "2551010212" },
		{ "Microsoft.VisualBasic.Strings.Left(\"abc\", 2) & "
		    "Microsoft.VisualBasic.DateFormat.ShortDate & "
		    "Environment.NewLine.Length & vbTab.Length", "ab221" },
		{ "New DateTime(2020, 2, 29).ToString(\"d\") & \"|\" & "
		    "DateTime.DaysInMonth(2024, 2) & DateTime.IsLeapYear(2023)",
		    "2/29/2020|29False" },
		{ "Year(Today) > 2000 And DateTime.Now > #1/1/2020# And "
		    "Today.AddDays(1) > Now", "True" },
		{ "DatePart(\"yyyy\", Fields!D.Value) & DatePart(\"q\", "
		    "Fields!D.Value) & Weekday(Fields!D.Value) & WeekdayName(1) & "
		    "DateSerial(2024, 14, 1).Month", "201123Sunday2" },
		{ "Asc(\"A\") & Chr(65) & ChrW(233) & Chr(128) & Len(Chr(168)) & "
		    "StrReverse(\"abé\") & InStrRev(\"abcabc\", \"b\")",
		    "65Aé€1éba5" },
		{ "Join(Split(\"a;b;c\", \";\"), \"-\") & UBound(Split(\"a b\")) & "
		    "Join(Filter(Split(\"ax bx cy\"), \"x\"), \",\")",
		    "a-b-c1ax,bx" },
		{ "IsNumeric(\"1.5\") & IsNumeric(\"x\") & IsDate(\"14 January "
		    "2020\") & Val(\"12ab\") & Hex(255) & Sgn(-3) & Fix(-2.5)",
		    "TrueFalseTrue12FF-1-2" },
		/* conversions as VB does them (DateTime.Parse for en-US) */
		{ "FormatDateTime(\"14 January 2020\", DateFormat.ShortDate) & "
		    "\"|\" & CDate(\"Jan 14, 2020 3:05 PM\").ToString(\"s\") & \"|\" "
		    "& CDate(\"2020-01-14T10:11:12\").Minute & \"|\" & "
		    "CDate(\"Tuesday, 14 January 2020\").Day & "
		    "CDate(\"14-Jan-20\").Year", "1/14/2020|2020-01-14T15:05:00|"
		    "11|142020" },
		{ "CDbl(\"$1,234.50\") + CDbl(\"(2)\") & \"|\" & CBool(\"True\") & "
		    "CBool(1) & CBool(\"0\") & \"|\" & CInt(\"3.5\") & CLng(4.5) & "
		    "CStr(Nothing) & IsNothing(CStr(Nothing))", "1232.5|TrueTrue"
		    "False|44False" },
		{ "\"14 January 2020\" < #2/1/2020# And \"5\" = 5", "True" },
		{ "Parameters!Many.Value.Length & Parameters!Many.Value(0) & "
		    "Join(Parameters!Many.Value, \"+\")", "2NorthNorth+South" },
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

/* The Code interpreter: statements, shared state, conversions. */
static void
test_code(void **state)
{
	static const struct {
		const char	*code, *exprs, *want;
	} cases[] = {
		{ "Private n As Integer\nFunction Tick() As Integer\n"
		    "  n += 1 : Return n\nEnd Function\n",
		    "Code.Tick()|Code.Tick()|Code.Tick() * 10", "1|2|30" },
		{ "Function F(ByVal x) As String\n  If x > 10 Then\n"
		    "    Return \"big\"\n  ElseIf x > 5 Then\n    Return \"mid\"\n"
		    "  Else\n    Return \"small\"\n  End If\nEnd Function\n",
		    "Code.F(11)|Code.F(6)|Code.F(1)", "big|mid|small" },
		{ "Function F(x As Integer) As String\n  If x < 0 Then Return "
		    "\"neg\" Else Return \"pos\"\nEnd Function\n",
		    "Code.F(-1)|Code.F(1)", "neg|pos" },
		{ "Function S(ByVal t As String) As String\n  Select Case t\n"
		    "    Case \"a\", \"b\" : Return \"ab\"\n"
		    "    Case \"c\" To \"e\" : Return \"c-e\"\n"
		    "    Case Else : Return \"?\"\n  End Select\nEnd Function\n",
		    "Code.S(\"b\")|Code.S(\"d\")|Code.S(\"z\")", "ab|c-e|?" },
		{ "Function Sum(ByVal n As Integer) As Long\n  Dim t As Long\n"
		    "  For i As Integer = n To 1 Step -1\n    t = t + i\n  Next\n"
		    "  Return t\nEnd Function\n", "Code.Sum(100)", "5050" },
		{ "Function F() As String\n  Dim s As String = \"\"\n"
		    "  For i = 1 To 10\n    If i = 3 Then Continue For\n"
		    "    If i = 6 Then Exit For\n    s &= i\n  Next\n"
		    "  Return s\nEnd Function\n", "Code.F()", "1245" },
		{ "Function F() As Integer\n  Dim i As Integer = 0\n"
		    "  While i < 5\n    i += 2\n  End While\n  Do Until i >= 20\n"
		    "    i *= 2\n  Loop\n  Do\n    i -= 1\n  Loop While i > 30\n"
		    "  Return i\nEnd Function\n", "Code.F()", "23" },
		{ "Function F() As String\n  Dim a() As String = {\"x\", \"y\"}\n"
		    "  Dim b = a\n  b(0) = \"z\"\n  ReDim Preserve a(2)\n"
		    "  a(2) = \"w\"\n  Dim out As String\n"
		    "  For Each s As String In a\n    out &= s\n  Next\n"
		    "  Return out & b(0) & a.Length & UBound(b)\nEnd Function\n",
		    "Code.F()", "zywz31" },
		{ "Sub Swap(ByRef a As Integer, ByRef b As Integer)\n"
		    "  Dim t = a : a = b : b = t\nEnd Sub\n"
		    "Function F() As String\n  Dim x = 1, y = 2\n  Swap(x, y)\n"
		    "  Return x & y\nEnd Function\n", "Code.F()", "21" },
		{ "Function Fact(n As Integer) As Long\n  If n <= 1 Then Return 1\n"
		    "  Return n * Fact(n - 1)\nEnd Function\n", "Code.Fact(20)",
		    "2432902008176640000" },
		{ "Function F(ByVal s As String) As Integer\n  Try\n"
		    "    Return CInt(s)\n  Catch ex As Exception\n"
		    "    Return -1\n  Finally\n    s = \"\"\n  End Try\n"
		    "End Function\n", "Code.F(\"7\")|Code.F(\"x\")", "7|-1" },
		{ "Function F() As String\n  Try\n    Throw New Exception(\"no\")\n"
		    "  Catch e As Exception\n    Return \"got \" & e.Message\n"
		    "  End Try\nEnd Function\n", "Code.F()", "got no" },
		{ "Function F(Optional ByVal d As Integer = 5) As Integer\n"
		    "  F = d * 2\nEnd Function\n", "Code.F()|Code.F(1)", "10|2" },
		{ "Const K As Double = 1.5\nPrivate Shared names() As String = "
		    "{\"a\", \"b\"}\nFunction F() As String\n"
		    "  Static calls As Integer\n  calls += 1\n"
		    "  Return K * 2 & names(1) & calls\nEnd Function\n",
		    "Code.F()|Code.F()", "3b1|3b2" },
		{ "Function F(v As Integer) As Integer\n  Dim d As Double = 2.5\n"
		    "  Dim i As Integer = d\n  Dim s As String = v\n"
		    "  Dim b As Boolean = \"True\"\n"
		    "  Return i + s.Length + IIf(b, 100, 0)\nEnd Function\n",
		    "Code.F(12345)", "107" },
		{ "Function HeatMap(ByVal Value As Double _\n  , ByVal Max As Double "
		    "_\n  , ByVal ColStr As String) As String\n"
		    "  Dim c As Integer = Convert.ToInt32(Right(ColStr, 2), 16) "
		    "' the blue\n  REM a comment\n"
		    "  Return \"#\" & (c + CInt(Math.Round((Max - Value) / 2)))"
		    ".ToString(\"X2\")\nEnd Function\n",
		    "Code.HeatMap(10, 30, \"#005F83\")", "#8D" },
		{ "Public Shared Function F(ByVal d As Date) As String\n"
		    "  Return d.ToString(\"D\") & \"|\" & Format(1234.5, \"C\")\n"
		    "End Function\n", "Code.F(CDate(\"14.01.2020\"))",
		    "Dienstag, 14. Januar 2020|1.234,50\u00a0€" },
	};
	struct rs_err	 e;
	char		*got;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		got = run_code(cases[i].code, cases[i].exprs, i + 1 ==
		    nitems(cases) ? "de-DE" : NULL, &e);
		if (got == NULL)
			fail_msg("case %zu: %s", i, e.msg);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, got,
			    cases[i].want);
		free(got);
	}
}

/* Code refused when parsed, and stopped when it runs past a budget. */
static void
test_code_errors(void **state)
{
	static const struct {
		const char	*code, *exprs, *msg;
		enum rs_errcode	 errcode;
	} cases[] = {
		{ "Function F()\n  Return y\nEnd Function\n", "1",
		    "line 2: y is not declared", RS_E_BADINPUT },
		{ "Function F()\n  GoTo x\nEnd Function\n", "1",
		    "line 2: GoTo is not supported", RS_E_BADINPUT },
		{ "Imports System.Text\n", "1", "line 1: Imports is not allowed",
		    RS_E_BADINPUT },
		{ "Class C\nEnd Class\n", "1", "classes are not supported",
		    RS_E_BADINPUT },
		{ "Function F()\n  If 1 Then\n  Return 1\nEnd Function\n", "1",
		    "expected End If", RS_E_BADINPUT },
		{ "Function F()\n  Dim x As Foo\nEnd Function\n", "1",
		    "type Foo is not supported", RS_E_BADINPUT },
		{ "Function F()\n  Dim s As New System.Text.StringBuilder\n"
		    "End Function\n", "1", "As New", RS_E_BADINPUT },
		{ "Function F()\nEnd Function\nFunction F()\nEnd Function\n",
		    "1", "F is defined twice", RS_E_BADINPUT },
		{ "Function F()\n  Return Fields!A.Value\nEnd Function\n", "1",
		    "Fields!A cannot be used in Code", RS_E_BADINPUT },
		{ "Function F()\n  Return Sum(1)\nEnd Function\n", "1",
		    "the aggregate Sum cannot be used in Code", RS_E_BADINPUT },
		{ "Function F()\n  Const K = 1\n  K = 2\nEnd Function\n", "1",
		    "", RS_E_OK },
		{ "Const K = 1\nFunction F()\n  K = 2\nEnd Function\n", "1",
		    "K is a Const", RS_E_BADINPUT },
		{ "Function F()\n  5\nEnd Function\n", "1", "expected a "
		    "statement", RS_E_BADINPUT },
		{ "Function S(s As String)\nEnd Function\n", "1", "parameter s "
		    "of S has the function's own name", RS_E_BADINPUT },
		/* runtime */
		{ "Function F()\n  Do\n  Loop\nEnd Function\n", "Code.F()",
		    "Code.F line 2: the code ran more than 10000000 steps",
		    RS_E_LIMIT },
		{ "Function F(n)\n  Return F(n + 1)\nEnd Function\n", "Code.F(1)",
		    "calls nested more than 64 deep", RS_E_LIMIT },
		{ "Function F()\n  Dim s As String = \"xxxxxxxxxxxxxxxx\"\n"
		    "  Dim a(1000) As String\n  For i = 0 To 1000\n"
		    "    a(i) = s\n    s = s & s & s\n  Next\nEnd Function\n",
		    "Code.F()", "Code.F line", RS_E_LIMIT },
		{ "Function F()\n  Dim a(2) As Integer\n  Return a(3)\n"
		    "End Function\n", "Code.F()", "Code.F line 3: index 3 is "
		    "outside the array (0 to 2)", RS_E_BADINPUT },
		{ "Function F()\n  Throw New Exception(\"boom\")\nEnd Function\n",
		    "Code.F()", "Code.F line 2: boom", RS_E_BADINPUT },
		{ "Function F()\n  Try\n    Do\n    Loop\n  Catch\n  End Try\n"
		    "End Function\n", "Code.F()", "steps", RS_E_LIMIT },
		{ "Function F(s As String)\n  Return s.Substring(9)\n"
		    "End Function\n", "Code.F(\"ab\")", ".Substring(9): the index "
		    "is outside", RS_E_BADINPUT },
		{ "Function F()\n  Dim d As Date = \"not a date\"\n"
		    "End Function\n", "Code.F()", "cannot convert string \"not a "
		    "date\" to a date", RS_E_BADINPUT },
	};
	struct rs_err	 e;
	char		*got;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		got = run_code(cases[i].code, cases[i].exprs, NULL, &e);
		if (cases[i].errcode == RS_E_OK) {
			if (got == NULL)
				fail_msg("case %zu: refused: %s", i, e.msg);
			free(got);
			continue;
		}
		if (got != NULL)
			fail_msg("case %zu: ran (\"%s\"), want an error", i, got);
		if (strstr(e.msg, cases[i].msg) == NULL ||
		    e.code != cases[i].errcode)
			fail_msg("case %zu: \"%s\" (code %d) lacks \"%s\"", i,
			    e.msg, e.code, cases[i].msg);
	}
}

/* Cultures through ICU; en-US is the built-in table. */
static void
test_cultures(void **state)
{
	static const struct {
		const char	*culture, *fmt, *want;
		double		 v;
	} cases[] = {
		{ "de-DE", "N2", "1.234,57", 1234.567 },
		{ "de-DE", "C", "-1.234,57\u00a0€", -1234.567 },
		{ "de-DE", "P1", "12,3\u00a0%", 0.1234 },
		{ "fr-FR", "N2", "1\u202f234,57", 1234.567 },
		{ "en-GB", "C0", "£1,235", 1234.567 },
		{ "ja-JP", "C0", "￥1,235", 1234.567 },
		{ "en-US", "C", "($1,234.57)", -1234.567 },
		{ "de-DE", "#,##0.0", "1.234,6", 1234.567 },
	};
	static const struct {
		const char	*culture, *fmt, *want;
	} dates[] = {
		{ "de-DE", "d", "14.01.2020" }, { "de-DE", "D",
		    "Dienstag, 14. Januar 2020" }, { "fr-FR", "D",
		    "mardi 14 janvier 2020" }, { "en-GB", "d", "14/01/2020" },
		{ "ja-JP", "d", "2020/01/14" }, { "de-DE", "MMMM yyyy",
		    "Januar 2020" }, { "de-DE", "dd/MM/yyyy", "14.01.2020" },
		{ "de-DE", "G", "14.01.2020 15:04:05" },
	};
	struct rs_err	 e;
	struct expr_value v = { .type = EXPR_T_FLOAT };
	struct buf	 b;
	int64_t		 dt;
	double		 d;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		struct expr_culture *c = expr_culture_new(cases[i].culture, &e);
		v.type = EXPR_T_FLOAT;
		v.u.f = cases[i].v;
		buf_init(&b, 0);
		assert_int_equal(expr_format_culture(&v, cases[i].fmt, c, &b, &e),
		    0);
		if (strcmp(b.data, cases[i].want) != 0)
			fail_msg("%s %s: got \"%s\", want \"%s\"",
			    cases[i].culture, cases[i].fmt, b.data, cases[i].want);
		buf_fini(&b);
		expr_culture_free(c);
	}
	v.type = EXPR_T_DATETIME;
	v.u.dt = expr_dt_make(2020, 1, 14, 15, 4, 5, 0);
	for (size_t i = 0; i < nitems(dates); i++) {
		struct expr_culture *c = expr_culture_new(dates[i].culture, &e);
		buf_init(&b, 0);
		assert_int_equal(expr_format_culture(&v, dates[i].fmt, c, &b, &e),
		    0);
		if (strcmp(b.data, dates[i].want) != 0)
			fail_msg("%s %s: got \"%s\", want \"%s\"",
			    dates[i].culture, dates[i].fmt, b.data, dates[i].want);
		buf_fini(&b);
		expr_culture_free(c);
	}
	/* en-US and "" need no ICU: NULL, no error. */
	rs_err_clear(&e);
	assert_null(expr_culture_new("en-US", &e));
	assert_int_equal(e.code, RS_E_OK);
	assert_null(expr_culture_new("xx-YY", &e));
	assert_non_null(strstr(e.msg, "culture xx-YY is not known"));
	assert_null(expr_culture_new("de;DE", &e));
	/* Parsing in a culture: day first, decimal comma, month names. */
	struct expr_culture *de = expr_culture_new("de-DE", &e);
	assert_true(expr_dt_parse_culture("01.02.2020", de, &dt));
	assert_true(dt == expr_dt_make(2020, 2, 1, 0, 0, 0, 0));
	assert_true(expr_dt_parse_culture("3. März 2021", de, &dt));
	assert_true(dt == expr_dt_make(2021, 3, 3, 0, 0, 0, 0));
	assert_true(expr_num_parse_culture("1.234,5", de, &d) && d == 1234.5);
	assert_false(expr_num_parse_culture("1,234.5", de, &d));
	expr_culture_free(de);
	assert_true(expr_dt_parse_culture("01/02/2020", NULL, &dt));
	assert_true(dt == expr_dt_make(2020, 1, 2, 0, 0, 0, 0));
	assert_false(expr_dt_parse_culture("31 Febtember 2020", NULL, &dt));
	assert_false(expr_dt_parse_culture("30 February 2020", NULL, &dt));
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
		{ "RunningValue(Sum(Fields!A.Value), Sum, Nothing)",
		    "an aggregate inside RunningValue is not supported" },
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
		cmocka_unit_test(test_code),
		cmocka_unit_test(test_code_errors),
		cmocka_unit_test(test_cultures),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_runtime_errors),
		cmocka_unit_test(test_agg),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
