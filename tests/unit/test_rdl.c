/*
 * test_rdl.c: unit tests of rdl/: a minimal report parses into the model
 * (namespaces of 2008, 2010 and 2016); each unsupported feature and each
 * malformed definition is refused with the element or function, its line
 * and what is supported; rdl_check() on shared data sources and datasets.
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
#include "rdl/rdl.h"

#define NS16 "http://schemas.microsoft.com/sqlserver/reporting/2016/01/" \
    "reportdefinition"

/* A report with one dataset and one table; %s slots: root attributes,
 * extra report children, a textbox value, extra body items, extra
 * tablix members XML (column hierarchy), a filter operator. */
#define RDL_TMPL \
	"<?xml version=\"1.0\"?>\n" \
	"<Report xmlns=\"" NS16 "\" %s>\n" \
	"<DataSources><DataSource Name=\"D\"><ConnectionProperties>" \
	"<DataProvider>SQLITE</DataProvider><ConnectString>x.db" \
	"</ConnectString></ConnectionProperties></DataSource></DataSources>\n" \
	"<DataSets><DataSet Name=\"S\"><Query><DataSourceName>D" \
	"</DataSourceName><CommandText>SELECT a FROM t</CommandText></Query>\n" \
	"<Fields><Field Name=\"A\"><DataField>a</DataField></Field></Fields>\n" \
	"<Filters><Filter><FilterExpression>=Fields!A.Value" \
	"</FilterExpression><Operator>%s</Operator><FilterValues>" \
	"<FilterValue>1</FilterValue></FilterValues></Filter></Filters>" \
	"</DataSet></DataSets>\n%s" \
	"<ReportSections><ReportSection><Body><ReportItems>\n" \
	"<Tablix Name=\"T\"><TablixBody><TablixColumns><TablixColumn>" \
	"<Width>1in</Width></TablixColumn></TablixColumns><TablixRows>" \
	"<TablixRow><Height>0.25in</Height><TablixCells><TablixCell>" \
	"<CellContents><Textbox Name=\"X\"><Paragraphs><Paragraph>" \
	"<TextRuns><TextRun>\n<Value>%s</Value>\n</TextRun></TextRuns>" \
	"</Paragraph></Paragraphs></Textbox></CellContents></TablixCell>" \
	"</TablixCells></TablixRow></TablixRows></TablixBody>" \
	"<TablixColumnHierarchy><TablixMembers>%s</TablixMembers>" \
	"</TablixColumnHierarchy><TablixRowHierarchy><TablixMembers>" \
	"<TablixMember><Group Name=\"Details\"/></TablixMember>" \
	"</TablixMembers></TablixRowHierarchy><DataSetName>S</DataSetName>" \
	"</Tablix>%s\n" \
	"</ReportItems><Height>1in</Height></Body><Width>1in</Width>" \
	"<Page/></ReportSection></ReportSections></Report>\n"

static char *
make(const char *rootattr, const char *extra, const char *value,
    const char *items, const char *colmembers, const char *op)
{
	size_t		 n = strlen(RDL_TMPL) + strlen(rootattr) + strlen(extra) +
	    strlen(value) + strlen(items) + strlen(colmembers) + strlen(op) + 1;
	char		*s = malloc(n);

	snprintf(s, n, RDL_TMPL, rootattr, op, extra, value, colmembers, items);
	return s;
}

static struct rdl_report *
parse(const char *xml, struct rs_err *e)
{
	rs_err_clear(e);
	return rdl_parse(xml, strlen(xml), "Test", e);
}

static void
test_minimal(void **state)
{
	struct rs_err	 e;
	char		*x = make("", "", "=Fields!A.Value", "",
	    "<TablixMember/>", "Equal");
	struct rdl_report *r = parse(x, &e);
	struct rdl_item	*t;

	(void)state;
	if (r == NULL)
		fail_msg("%s", e.msg);
	assert_int_equal(r->version, 2016);
	assert_int_equal(r->ndatasets, 1);
	assert_int_equal(r->datasets[0].nfields, 1);
	assert_int_equal(r->nbody, 1);
	t = r->body[0];
	assert_int_equal(t->kind, RDL_TABLIX);
	assert_int_equal(t->tablix->ncols, 1);
	assert_int_equal(t->tablix->nrows, 1);
	assert_true(t->tablix->rows[0].cells[0].item->paras[0].runs[0].value->
	    is_expr);
	assert_int_equal(t->tablix->rows[0].cells[0].item->paras[0].runs[0].
	    value->ast->field_index, 0);
	assert_true(r->page.width == 8.5 * 72);
	rdl_free(r);
	free(x);
}

/* Code, Variables, Language and a stored procedure are in the model. */
static void
test_code_model(void **state)
{
	struct rs_err	 e;
	char		*x = make("", "<Code>Function F(a, Optional b = 2)\n"
	    "  Return a + b\nEnd Function</Code>\n<Variables><Variable Name="
	    "\"V\"><Value>=Code.F(1)</Value><Writable>true</Writable>"
	    "</Variable></Variables><Language>=\"de-DE\"</Language>",
	    "=Code.F(Fields!A.Value) &amp; Variables!V.Value &amp; "
	    "Variables!V.SetValue(3)", "", "<TablixMember/>", "Equal");
	struct rdl_report *r;
	const struct expr_node *n;

	(void)state;
	r = parse(x, &e);
	free(x);
	if (r == NULL)
		fail_msg("%s", e.msg);
	assert_non_null(r->code);
	assert_int_equal(expr_code_count(r->code), 1);
	assert_int_equal(r->nvars, 1);
	assert_true(r->vars[0].writable);
	assert_non_null(r->language_prop);
	assert_true(r->language_prop->is_expr);
	n = r->body[0]->tablix->rows[0].cells[0].item->paras[0].runs[0].value->
	    ast;
	while (n->kind == EXPR_BINARY)
		n = n->args[0];
	assert_int_equal(n->kind, EXPR_CODE);
	assert_int_equal(n->index, 0);	/* bound to F */
	rdl_free(r);

	x = make("", "", "x", "", "<TablixMember/>", "Equal");
	{
		char *p = strstr(x, "<CommandText>SELECT a FROM t</CommandText>");
		char *y;
		assert_non_null(p);
		y = malloc(strlen(x) + 100);
		snprintf(y, strlen(x) + 100, "%.*s<CommandType>StoredProcedure"
		    "</CommandType><CommandText>[dbo].[get a]</CommandText>%s",
		    (int)(p - x), x, p + strlen("<CommandText>SELECT a FROM t"
		    "</CommandText>"));
		free(x);
		x = y;
	}
	r = parse(x, &e);
	free(x);
	if (r == NULL)
		fail_msg("%s", e.msg);
	assert_int_equal(r->datasets[0].command, RDL_CMD_PROCEDURE);
	assert_string_equal(r->datasets[0].command_text, "[dbo].[get a]");
	rdl_free(r);
}

static void
test_refusals(void **state)
{
	static const struct {
		const char	*what;
		const char	*rootattr, *extra, *value, *items, *cols, *op;
		const char	*msg;
	} cases[] = {
		{ "map tile layer", "", "", "x", "<Map Name=\"M\"><MapLayers>"
		    "<MapTileLayer Name=\"T\"/></MapLayers></Map>",
		    "<TablixMember/>", "Equal", "a map tile layer (Bing Maps) "
		    "needs the internet" },
		{ "gauge group", "", "", "x", "<GaugePanel Name=\"G\">"
		    "<GaugeMember/></GaugePanel>", "<TablixMember/>", "Equal",
		    "groups inside a GaugePanel (GaugeMember) are not "
		    "supported" },
		{ "chart without a dataset", "", "", "x", "<Chart Name=\"C\"/>",
		    "<TablixMember/>", "Equal", "the Chart names dataset \"\", "
		    "which is not defined" },
		{ "subreport", "", "", "x", "<Subreport Name=\"S\"/>",
		    "<TablixMember/>", "Equal", "Subreport is not supported" },
		{ "custom assembly", "", "<CodeModules><CodeModule>X"
		    "</CodeModule></CodeModules>", "x", "", "<TablixMember/>",
		    "Equal", "custom assemblies (CodeModules) are not supported" },
		{ "a class in Code", "", "<Code>\nClass K\nEnd Class</Code>",
		    "x", "", "<TablixMember/>", "Equal", "line 8: classes are not "
		    "supported in Code" },
		{ "Code with an undeclared name", "", "<Code>Function F()\n"
		    "Return y\nEnd Function</Code>", "x", "", "<TablixMember/>",
		    "Equal", "line 8: y is not declared" },
		{ "a call of no function of Code", "", "<Code>Function F()\n"
		    "End Function</Code>", "=Code.G()", "", "<TablixMember/>",
		    "Equal", "the report's Code defines no function G" },
		{ "Code called without Code", "", "", "=Code.G()", "",
		    "<TablixMember/>", "Equal", "the report has no Code block" },
		{ "Code with arguments it does not take", "", "<Code>Function "
		    "F(a)\nEnd Function</Code>", "=Code.F(1, 2)", "",
		    "<TablixMember/>", "Equal", "Code.F takes 1 to 1 arguments" },
		{ "unknown element", "", "<Frobnicate/>", "x", "",
		    "<TablixMember/>", "Equal", "<Frobnicate>: element is not "
		    "in the supported subset" },
		{ "lookupset of a missing dataset", "", "", "=LookupSet(1, 2, 3, "
		    "\"Nope\")", "", "<TablixMember/>", "Equal", "LookupSet names "
		    "dataset \"Nope\"" },
		{ "lookup of a missing dataset", "", "", "=Lookup(1, 2, 3, "
		    "\"Nope\")", "", "<TablixMember/>", "Equal", "Lookup names "
		    "dataset \"Nope\", which is not defined" },
		{ "missing field", "", "", "=Fields!Nope.Value", "",
		    "<TablixMember/>", "Equal", "field Nope is not in dataset S" },
		{ "undeclared parameter", "", "", "=Parameters!P.Value", "",
		    "<TablixMember/>", "Equal", "parameter P is not declared" },
		{ "matrix", "", "", "x", "", "<TablixMember><Group Name=\"G\"/>"
		    "</TablixMember>", "Equal", "column groups" },
		{ "unknown filter operator", "", "", "x", "", "<TablixMember/>",
		    "Nearly", "filter operator Nearly is not supported; supported: "
		    "Equal" },
		{ "MustUnderstand", "MustUnderstand=\"zz\" xmlns:zz=\"urn:zz\"",
		    "", "x", "", "<TablixMember/>", "Equal",
		    "MustUnderstand names extension \"zz\"" },
		{ "bad scope", "", "", "=Sum(Fields!A.Value, \"Nowhere\")", "",
		    "<TablixMember/>", "Equal", "scope \"Nowhere\"" },
		{ "an undefined variable", "", "<Variables/>",
		    "=Variables!V.Value", "", "<TablixMember/>", "Equal",
		    "variable V is not defined in Variables" },
		{ "SetValue of a read-only variable", "", "<Variables><Variable "
		    "Name=\"V\"><Value>1</Value></Variable></Variables>",
		    "=Variables!V.SetValue(2)", "", "<TablixMember/>", "Equal",
		    "variable V is not Writable" },
		{ "ReportItems of no textbox", "", "", "=ReportItems!Nope.Value",
		    "", "<TablixMember/>", "Equal", "ReportItems!Nope names no "
		    "textbox of the report" },
		{ "InScope of no scope", "", "", "=InScope(\"Nope\")", "",
		    "<TablixMember/>", "Equal", "InScope names scope \"Nope\"" },

	};
	struct rs_err	 e;
	struct rdl_report *r;
	char		*x;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		x = make(cases[i].rootattr, cases[i].extra, cases[i].value,
		    cases[i].items, cases[i].cols, cases[i].op);
		r = parse(x, &e);
		free(x);
		if (r != NULL)
			fail_msg("%s: parsed, want a refusal", cases[i].what);
		if (strstr(e.msg, cases[i].msg) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].what, e.msg,
			    cases[i].msg);
		if (strncmp(e.msg, "line ", 5) != 0)
			fail_msg("%s: \"%s\" does not start with its line",
			    cases[i].what, e.msg);
		assert_int_equal(e.code, RS_E_BADINPUT);
	}
}

static void
test_malformed(void **state)
{
	static const struct {
		const char	*xml, *msg;
	} cases[] = {
		{ "<Report", "not well-formed XML" },
		{ "", "not well-formed XML" },
		{ "<Report xmlns=\"http://schemas.microsoft.com/sqlserver/"
		    "reporting/2005/01/reportdefinition\"/>",
		    "namespace http://schemas.microsoft.com/sqlserver/reporting/"
		    "2005/01/reportdefinition is not supported" },
		{ "<Foo xmlns=\"" NS16 "\"/>", "root element must be <Report>" },
		{ "<Report xmlns=\"" NS16 "\"><ReportSections/></Report>",
		    "exactly one ReportSection" },
		{ "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		    "<Report xmlns=\"" NS16 "\"><Description>&x;</Description>"
		    "</Report>", "" },
	};
	struct rs_err	 e;
	struct rdl_report *r;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		r = parse(cases[i].xml, &e);
		if (r != NULL)
			fail_msg("case %zu parsed", i);
		if (strstr(e.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg,
			    cases[i].msg);
	}
}

/*
 * Robustness: thousands of deterministic mutations of a valid definition
 * (truncations, flipped bytes, deleted and doubled spans) are parsed; each
 * gives a report or a clean refusal, never a crash or a leak (ASan).
 */
static void
test_mutations(void **state)
{
	char		*good = make("", "", "=Sum(Fields!A.Value) &amp; IIf(1 &gt; 2, "
	    "\"a\", Format(Now(), \"yyyy\"))", "<Textbox Name=\"B\"/>",
	    "<TablixMember/>", "Equal");
	size_t		 len = strlen(good), i, a, b, n;
	uint32_t	 x = 12345;
	char		*m = malloc(2 * len + 1);
	struct rs_err	 e;
	struct rdl_report *r;
	int		 parsed = 0, refused = 0;

	(void)state;
	rs_err_set(&e, RS_E_IO, "stale error from an earlier call");
	r = rdl_parse(good, len, "M", &e);
	if (r == NULL) {
		print_error("%s\n", e.msg);
		fail();
	}
	rdl_free(r);
	for (i = 0; i < 3000; i++) {
		x = x * 1103515245 + 12345;
		a = (x >> 8) % len;
		x = x * 1103515245 + 12345;
		b = a + (x >> 8) % 64;
		if (b > len)
			b = len;
		switch (i % 4) {
		case 0:		/* truncate */
			memcpy(m, good, a);
			n = a;
			break;
		case 1:		/* flip one byte */
			memcpy(m, good, len);
			m[a] = (char)(m[a] ^ (1 << (x % 7)));
			n = len;
			break;
		case 2:		/* delete a span */
			memcpy(m, good, a);
			memcpy(m + a, good + b, len - b);
			n = len - (b - a);
			break;
		default:	/* double a span */
			memcpy(m, good, b);
			memcpy(m + b, good + a, len - a);
			n = b + len - a;
			break;
		}
		m[n] = '\0';
		rs_err_clear(&e);
		r = rdl_parse(m, n, "M", &e);
		if (r != NULL)
			parsed++;
		else {
			refused++;
			assert_true(e.msg[0] != '\0');
		}
		rdl_free(r);
	}
	assert_true(parsed > 0 && refused > 0);
	free(m);
	free(good);
}

#define RSD_NS "http://schemas.microsoft.com/sqlserver/reporting/2010/01/" \
    "shareddatasetdefinition"
#define RSD(query) "<SharedDataSet xmlns=\"" RSD_NS "\"><DataSet " \
    "Name=\"Q\"><Query>" query "</Query><Fields><Field Name=\"A\">" \
    "<DataField>a</DataField></Field></Fields></DataSet></SharedDataSet>"
#define RDS(props) "<?xml version=\"1.0\"?>\n<RptDataSource Name=\"S\">" \
    "\n<ConnectionProperties>" props "</ConnectionProperties>" \
    "<DataSourceID>1</DataSourceID></RptDataSource>"

/*
 * rdl_check(): the three kinds, what each accepts, and what it refuses
 * with which fault; a refusal names the line (and for XML the column).
 */
static void
test_check(void **state)
{
	static const struct {
		enum rdl_kind	 kind;
		const char	*xml;
		enum rdl_fault	 fault;		/* NONE: accepted */
		const char	*msg;
	} cases[] = {
		{ RDL_REPORT, "<Report><oops", RDL_FAULT_XML,
		    "line 1, column 14: the definition is not well-formed XML" },
		{ RDL_REPORT, "", RDL_FAULT_XML, "line 1, column 1:" },
		{ RDL_REPORT, "<Report xmlns=\"" NS16 "\"><ReportSections>"
		    "<ReportSection><Body><ReportItems>\n<CustomReportItem "
		    "Name=\"C\"/></ReportItems></Body></ReportSection>"
		    "</ReportSections></Report>", RDL_FAULT_CONTENT,
		    "line 2: <CustomReportItem>: custom report items" },
		{ RDL_DATASOURCE, RDS("<Extension>SQLITE</Extension>"
		    "<ConnectString>/d/s.db</ConnectString>"), RDL_FAULT_NONE,
		    "" },
		{ RDL_DATASOURCE, "<DataSourceDefinition><Extension>POSTGRESQL"
		    "</Extension><ConnectString>host=h dbname=d</ConnectString>"
		    "<CredentialRetrieval>None</CredentialRetrieval><Enabled>"
		    "False</Enabled></DataSourceDefinition>", RDL_FAULT_NONE, "" },
		{ RDL_DATASOURCE, RDS("<Extension>SQL</Extension><ConnectString>"
		    "x</ConnectString>"), RDL_FAULT_EXTENSION, "line 3: "
		    "<Extension>: data extension SQL is not supported; supported: "
		    "SQLITE, POSTGRESQL, ENTERDATA" },
		{ RDL_DATASOURCE, RDS("<Extension>SQLITE</Extension>"
		    "<ConnectString>x</ConnectString>\n<Pooling>1</Pooling>"),
		    RDL_FAULT_ELEMENT, "line 4: <Pooling>: element is not part of "
		    "a shared data source; supported elements: RptDataSource," },
		{ RDL_DATASOURCE, RDS("<Extension>SQLITE</Extension>"),
		    RDL_FAULT_CONTENT, "needs a ConnectString" },
		{ RDL_DATASOURCE, "<DataSourceDefinition><Extension>SQLITE"
		    "</Extension><ConnectString>x</ConnectString>"
		    "<CredentialRetrieval>Store</CredentialRetrieval>"
		    "</DataSourceDefinition>", RDL_FAULT_CONTENT,
		    "CredentialRetrieval Store is not supported" },
		{ RDL_DATASOURCE, "<RptDataSource", RDL_FAULT_XML,
		    "not well-formed XML" },
		{ RDL_DATASOURCE, "<Report/>", RDL_FAULT_ELEMENT,
		    "must be <RptDataSource>" },
		{ RDL_DATASET, RSD("<DataSourceReference>/Data/S"
		    "</DataSourceReference><CommandText>SELECT a FROM t"
		    "</CommandText>"), RDL_FAULT_NONE, "" },
		{ RDL_DATASET, RSD("<CommandText>SELECT 1</CommandText>"),
		    RDL_FAULT_CONTENT, "needs a DataSourceReference" },
		{ RDL_DATASET, RSD("<DataSourceReference>S</DataSourceReference>"
		    "<CommandType>StoredProcedure</CommandType>"),
		    RDL_FAULT_CONTENT, "\"\" is not a procedure or table name" },
		{ RDL_DATASET, RSD("<DataSourceReference>S</DataSourceReference>"
		    "<CommandType>Sideways</CommandType>"),
		    RDL_FAULT_CONTENT, "CommandType Sideways is not supported; "
		    "supported: Text, StoredProcedure, TableDirect" },
		{ RDL_DATASET, RSD("<DataSourceReference>S</DataSourceReference>"
		    "<Bogus/>"), RDL_FAULT_ELEMENT, "<Bogus>: element is not part "
		    "of a shared dataset" },
		{ RDL_DATASET, "<SharedDataSet/>", RDL_FAULT_ELEMENT,
		    "in the namespace " RSD_NS },
	};
	struct rdl_definition	 d;
	struct rs_err		 e;
	int			 rc;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		rc = rdl_check(cases[i].kind, cases[i].xml,
		    strlen(cases[i].xml), "T", &d, &e);
		if (rc != (cases[i].fault == RDL_FAULT_NONE ? 0 : -1) ||
		    d.fault != cases[i].fault)
			fail_msg("case %zu: rc %d fault %d: %s", i, rc, d.fault,
			    e.msg);
		if (rc == -1 && (strstr(e.msg, cases[i].msg) == NULL ||
		    e.code != RS_E_BADINPUT))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg,
			    cases[i].msg);
		if (rc == 0 && cases[i].kind == RDL_DATASET)
			assert_string_equal(d.dataset->source.reference,
			    "/Data/S");
		if (rc == 0 && cases[i].kind == RDL_DATASOURCE)
			assert_true(d.source->enabled ==
			    (strstr(cases[i].xml, "False") == NULL));
		rdl_definition_fini(&d);
	}
	assert_int_equal(rdl_kind_of_name("a/B.RDS"), RDL_DATASOURCE);
	assert_int_equal(rdl_kind_of_name("x.rsd"), RDL_DATASET);
	assert_int_equal(rdl_kind_of_name("x.rdl"), RDL_REPORT);
}

static void
test_sizes(void **state)
{
	(void)state;
	assert_true(rdl_size("1in") == 72);
	assert_true(rdl_size("2.54cm") > 71.99 && rdl_size("2.54cm") < 72.01);
	assert_true(rdl_size("10pt") == 10);
	assert_true(rdl_size("1pc") == 12);
	assert_true(rdl_size("12") < 0);
	assert_true(rdl_size("200in") < 0);
	assert_true(rdl_size("-1in") < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_code_model),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
