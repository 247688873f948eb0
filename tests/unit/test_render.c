/*
 * test_render.c: unit tests of render/ and data/ over in-memory data: an
 * ENTERDATA report rendered to CSV and XML into a memory sink; URL
 * parameter handling (types, :isnull, multi-value, unknown names); the
 * execution-log record; a failing sink; the SQL rewriting that binds
 * "@Name" placeholders and translates T-SQL forms; values bound, never
 * pasted (a quote in a value cannot change the query).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/buf.h"
#include "common/str.h"
#include "data/data.h"
#include "rdl/rdl.h"
#include "render/render.h"

#define NS "http://schemas.microsoft.com/sqlserver/reporting/2010/01/" \
    "reportdefinition"

/* Enter Data rows: Name, Qty; a table with a total and a parameter. */
static const char *report_xml =
    "<Report xmlns=\"" NS "\"><DataSources><DataSource Name=\"E\">"
    "<ConnectionProperties><DataProvider>ENTERDATA</DataProvider>"
    "<ConnectString/></ConnectionProperties></DataSource></DataSources>"
    "<DataSets><DataSet Name=\"D\"><Query><DataSourceName>E</DataSourceName>"
    "<CommandText>&lt;Query&gt;&lt;XmlData&gt;&lt;Data&gt;"
    "&lt;Row&gt;&lt;Name&gt;a, \"b\"&lt;/Name&gt;&lt;Qty&gt;2&lt;/Qty&gt;&lt;/Row&gt;"
    "&lt;Row&gt;&lt;Name&gt;c&lt;/Name&gt;&lt;Qty&gt;3&lt;/Qty&gt;&lt;/Row&gt;"
    "&lt;Row&gt;&lt;Name&gt;d&lt;/Name&gt;&lt;Qty&gt;5&lt;/Qty&gt;&lt;/Row&gt;"
    "&lt;/Data&gt;&lt;/XmlData&gt;&lt;ElementPath&gt;Data{}/Row{Name(String),"
    "Qty(Integer)}&lt;/ElementPath&gt;&lt;/Query&gt;</CommandText></Query>"
    "<Fields><Field Name=\"Name\"><DataField>Name</DataField></Field>"
    "<Field Name=\"Qty\"><DataField>Qty</DataField></Field>"
    "<Field Name=\"Double\"><Value>=Fields!Qty.Value * 2</Value></Field>"
    "</Fields><Filters><Filter><FilterExpression>=Fields!Qty.Value"
    "</FilterExpression><Operator>GreaterThanOrEqual</Operator><FilterValues>"
    "<FilterValue>=Parameters!Min.Value</FilterValue></FilterValues></Filter>"
    "</Filters></DataSet></DataSets>"
    "<ReportParameters><ReportParameter Name=\"Min\"><DataType>Integer"
    "</DataType><Nullable>true</Nullable><DefaultValue><Values><Value>0"
    "</Value></Values></DefaultValue><Prompt>Min</Prompt></ReportParameter>"
    "<ReportParameter Name=\"Tags\"><DataType>String</DataType><MultiValue>"
    "true</MultiValue><DefaultValue><Values><Value>x</Value></Values>"
    "</DefaultValue><Prompt>Tags</Prompt></ReportParameter>"
    "</ReportParameters><ReportSections><ReportSection><Body><ReportItems>"
    "<Textbox Name=\"Info\"><Paragraphs><Paragraph><TextRuns><TextRun><Value>"
    "=Join(Parameters!Tags.Value, \"+\")</Value></TextRun></TextRuns>"
    "</Paragraph></Paragraphs><Top>0in</Top></Textbox>"
    "<Tablix Name=\"T\"><TablixBody><TablixColumns>"
    "<TablixColumn><Width>1in</Width></TablixColumn>"
    "<TablixColumn><Width>1in</Width></TablixColumn></TablixColumns>"
    "<TablixRows><TablixRow><Height>0.25in</Height><TablixCells>"
    "<TablixCell><CellContents><Textbox Name=\"N\"><Paragraphs><Paragraph>"
    "<TextRuns><TextRun><Value>=Fields!Name.Value</Value></TextRun>"
    "</TextRuns></Paragraph></Paragraphs></Textbox></CellContents></TablixCell>"
    "<TablixCell><CellContents><Textbox Name=\"Q\"><Paragraphs><Paragraph>"
    "<TextRuns><TextRun><Value>=Fields!Double.Value</Value><Style><Format>N1"
    "</Format></Style></TextRun></TextRuns></Paragraph></Paragraphs>"
    "</Textbox></CellContents></TablixCell></TablixCells></TablixRow>"
    "<TablixRow><Height>0.25in</Height><TablixCells>"
    "<TablixCell><CellContents><Textbox Name=\"L\"><Paragraphs><Paragraph>"
    "<TextRuns><TextRun><Value>Total</Value></TextRun></TextRuns></Paragraph>"
    "</Paragraphs></Textbox></CellContents></TablixCell>"
    "<TablixCell><CellContents><Textbox Name=\"S\"><Paragraphs><Paragraph>"
    "<TextRuns><TextRun><Value>=Sum(Fields!Qty.Value) &amp; \"/\" &amp; "
    "RowNumber(Nothing)</Value></TextRun></TextRuns></Paragraph>"
    "</Paragraphs></Textbox></CellContents></TablixCell></TablixCells>"
    "</TablixRow></TablixRows></TablixBody><TablixColumnHierarchy>"
    "<TablixMembers><TablixMember/><TablixMember/></TablixMembers>"
    "</TablixColumnHierarchy><TablixRowHierarchy><TablixMembers>"
    "<TablixMember><Group Name=\"Details\"/></TablixMember><TablixMember/>"
    "</TablixMembers></TablixRowHierarchy><DataSetName>D</DataSetName>"
    "<Top>0.5in</Top></Tablix></ReportItems><Height>1in</Height></Body>"
    "<Width>2in</Width><Page/></ReportSection></ReportSections></Report>";

struct sink {
	struct buf	 b;
	int		 fail_after;	/* fail the Nth write; 0: never */
	int		 writes;
};

static int
sink_write(void *arg, const void *p, size_t n, struct rs_err *e)
{
	struct sink	*s = arg;

	if (s->fail_after > 0 && ++s->writes >= s->fail_after)
		return rs_err_set(e, RS_E_IO, "client went away");
	return buf_append(&s->b, p, n, e);
}

static const char *report_text = NULL;	/* NULL: report_xml */

static int
do_render(const char *fmt, const struct render_param_in *pv, size_t np,
    const struct render_opt *di, size_t nd, struct sink *s,
    struct render_log *log, struct rs_err *e)
{
	struct rdl_report *r;
	struct render_request q = { .format = fmt, .params = pv, .nparams = np,
	    .devinfo = di, .ndevinfo = nd, .write = sink_write, .write_arg = s };
	int		 rv;

	rs_err_clear(e);
	if (report_text == NULL)
		report_text = report_xml;
	r = rdl_parse(report_text, strlen(report_text), "Unit", e);
	if (r == NULL)
		fail_msg("parse: %s", e->msg);
	q.report = r;
	buf_init(&s->b, 0);
	rv = render_report(&q, log, e);
	rdl_free(r);
	return rv;
}

static void
test_csv(void **state)
{
	struct sink	 s = { 0 };
	struct render_log log;
	struct rs_err	 e;
	const char	*want = "\xEF\xBB\xBFInfo\r\nx\r\n\r\nS,N,Q\r\n"
	    "10/3,\"a, \"\"b\"\"\",4.0\r\n10/3,c,6.0\r\n10/3,d,10.0\r\n";

	(void)state;
	if (do_render("csv", NULL, 0, NULL, 0, &s, &log, &e) == -1)
		fail_msg("%s", e.msg);
	assert_string_equal(s.b.data, want);
	assert_string_equal(log.status, "rsSuccess");
	assert_int_equal(log.rows, 3);
	assert_int_equal(log.bytes, strlen(want));
	assert_string_equal(log.format, "csv");
	assert_true(log.time_end >= log.time_start);
	buf_fini(&s.b);
}

static void
test_params(void **state)
{
	struct render_param_in p1[] = { { "Min", "3", false },
	    { "Tags", "p", false }, { "Tags", "q", false } };
	struct render_param_in bad[] = { { "Min", "three", false } };
	struct render_param_in unknown[] = { { "min", "3", false } };
	struct render_param_in null[] = { { "Min", NULL, true } };
	struct render_opt di[] = { { "FieldDelimiter", ";" },
	    { "NoHeader", "true" } };
	struct sink	 s = { 0 };
	struct render_log log;
	struct rs_err	 e;

	(void)state;
	assert_int_equal(do_render("CSV", p1, 3, di, 2, &s, &log, &e), 0);
	assert_string_equal(s.b.data, "\xEF\xBB\xBFp+q\r\n\r\n8/2;c;6.0\r\n"
	    "8/2;d;10.0\r\n");
	buf_fini(&s.b);
	assert_int_equal(do_render("CSV", bad, 1, NULL, 0, &s, &log, &e), -1);
	assert_int_equal(e.code, RS_E_USAGE);
	assert_non_null(strstr(e.msg, "rsParameterTypeMismatch"));
	assert_string_equal(log.status, "rsInvalidParameter");
	buf_fini(&s.b);
	assert_int_equal(do_render("CSV", unknown, 1, NULL, 0, &s, &log, &e), -1);
	assert_non_null(strstr(e.msg, "rsUnknownReportParameter"));
	buf_fini(&s.b);
	/* Min:isnull=true: Qty >= Nothing holds for every row. */
	assert_int_equal(do_render("CSV", null, 1, NULL, 0, &s, &log, &e), 0);
	assert_non_null(strstr(s.b.data, "10/3"));
	buf_fini(&s.b);
	/* No rows pass the filter: the header line is still there. */
	p1[0].value = "100";
	assert_int_equal(do_render("CSV", p1, 1, NULL, 0, &s, &log, &e), 0);
	assert_string_equal(s.b.data, "\xEF\xBB\xBFInfo\r\nx\r\n\r\nS,N,Q\r\n");
	buf_fini(&s.b);
	assert_int_equal(do_render("DOCX", NULL, 0, NULL, 0, &s, &log, &e), -1);
	assert_non_null(strstr(e.msg, "supported: HTML5, MHTML, CSV, XML, "
	    "PDF, IMAGE, EXCELOPENXML"));
	buf_fini(&s.b);
}

static void
test_xml(void **state)
{
	struct render_opt di[] = { { "Indented", "false" } };
	struct sink	 s = { 0 };
	struct render_log log;
	struct rs_err	 e;

	(void)state;
	assert_int_equal(do_render("XML", NULL, 0, di, 1, &s, &log, &e), 0);
	assert_string_equal(s.b.data, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<Unit xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	    "xmlns=\"Unit\" Name=\"Unit\" Info=\"x\"><T S=\"10/3\">"
	    "<Details_Collection><Details N=\"a, &quot;b&quot;\" Q=\"4\" />"
	    "<Details N=\"c\" Q=\"6\" /><Details N=\"d\" Q=\"10\" />"
	    "</Details_Collection></T></Unit>");
	buf_fini(&s.b);
	di[0].name = "OmitNamespace";
	di[0].value = "true";
	assert_int_equal(do_render("XML", NULL, 0, di, 1, &s, &log, &e), 0);
	assert_non_null(strstr(s.b.data, "?><Unit Name=\"Unit\" Info=\"x\">"));
	buf_fini(&s.b);
}

static void
test_sink_error(void **state)
{
	struct sink	 s = { .fail_after = 1 };
	struct render_log log;
	struct rs_err	 e;

	(void)state;
	assert_int_equal(do_render("CSV", NULL, 0, NULL, 0, &s, &log, &e), -1);
	assert_int_equal(e.code, RS_E_IO);
	assert_string_equal(e.msg, "client went away");
	assert_string_equal(log.status, "rsErrorOpeningConnection");
	buf_fini(&s.b);
}

/* Visibility/Hidden on a row member: its rows take no room. */
static void
test_hidden(void **state)
{
	const char	*from = "<TablixMember/></TablixMembers></TablixRow";
	const char	*to = "<TablixMember><Visibility><Hidden>=Parameters!"
	    "Min.Value &gt; 2</Hidden></Visibility></TablixMember>"
	    "</TablixMembers></TablixRow";
	struct render_param_in p[] = { { "Min", "3", false } };
	struct sink	 s = { 0 };
	struct render_log log;
	struct rs_err	 e;
	const char	*at = strstr(report_xml, from);
	char		*x;
	size_t		 n;

	(void)state;
	assert_non_null(at);
	n = strlen(report_xml) + strlen(to);
	x = malloc(n);
	snprintf(x, n, "%.*s%s%s", (int)(at - report_xml), report_xml, to,
	    at + strlen(from));
	report_text = x;
	assert_int_equal(do_render("HTML5", NULL, 0, NULL, 0, &s, &log, &e), 0);
	assert_non_null(strstr(s.b.data, ">Total<"));
	buf_fini(&s.b);
	assert_int_equal(do_render("HTML5", p, 1, NULL, 0, &s, &log, &e), 0);
	assert_null(strstr(s.b.data, ">Total<"));
	assert_non_null(strstr(s.b.data, ">d<"));
	buf_fini(&s.b);
	report_text = NULL;
	free(x);
}

/* RunningValue and Previous, in the order the detail rows are shown. */
static void
test_running(void **state)
{
	const char	*from = "=Fields!Double.Value";
	const char	*to = "=RunningValue(Fields!Qty.Value, Sum, \"D\") &amp; "
	    "\"|\" &amp; Previous(Fields!Name.Value)";
	const char	*at = strstr(report_xml, from);
	struct sink	 s = { 0 };
	struct render_log log;
	struct rs_err	 e;
	size_t		 n = strlen(report_xml) + strlen(to);
	char		*x = malloc(n);

	(void)state;
	snprintf(x, n, "%.*s%s%s", (int)(at - report_xml), report_xml, to,
	    at + strlen(from));
	report_text = x;
	assert_int_equal(do_render("CSV", NULL, 0, NULL, 0, &s, &log, &e), 0);
	assert_non_null(strstr(s.b.data, "10/3,\"a, \"\"b\"\"\",2|\r\n"
	    "10/3,c,\"5|a, \"\"b\"\"\"\r\n10/3,d,10|c\r\n"));
	buf_fini(&s.b);
	report_text = NULL;
	free(x);
}

/* rs:ParameterLanguage: 2,5 and 31.12.2024 in de-DE. */
static void
test_language(void **state)
{
	const char	*edits[][2] = {
		{ "<ReportParameter Name=\"Min\"><DataType>Integer",
		  "<ReportParameter Name=\"Min\"><DataType>Float" },
		{ "<ReportParameter Name=\"Tags\"><DataType>String",
		  "<ReportParameter Name=\"Tags\"><DataType>DateTime" },
	};
	struct render_param_in in[] = { { "Min", "2,5", false },
	    { "Tags", "31.12.2024", false } };
	struct rdl_report *r;
	struct render_request q = { .params = in, .nparams = 2,
	    .write = sink_write, .param_language = "de-DE" };
	struct render_log log;
	struct sink	 s = { 0 };
	struct rs_err	 e;
	char		*x = strdup(report_xml), *y;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char *at = strstr(x, edits[i][0]);
		size_t n = strlen(x) + strlen(edits[i][1]) + 1;

		assert_non_null(at);
		y = malloc(n);
		snprintf(y, n, "%.*s%s%s", (int)(at - x), x, edits[i][1],
		    at + strlen(edits[i][0]));
		free(x);
		x = y;
	}
	r = rdl_parse(x, strlen(x), "Unit", &e);
	assert_non_null(r);
	q.report = r;
	q.format = "CSV";
	q.write_arg = &s;
	buf_init(&s.b, 0);
	assert_int_equal(render_report(&q, &log, &e), 0);
	assert_string_equal(s.b.data, "\xEF\xBB\xBFInfo\r\n"
	    "12/31/2024 12:00:00 AM\r\n\r\nS,N,Q\r\n8/2,c,6.0\r\n"
	    "8/2,d,10.0\r\n");
	buf_fini(&s.b);
	/* The same values in en-US are wrong: 31 is not a month. */
	q.param_language = NULL;
	assert_int_equal(render_report(&q, &log, &e), -1);
	assert_non_null(strstr(e.msg, "rsParameterTypeMismatch"));
	buf_fini(&s.b);
	rdl_free(r);
	free(x);
}

/* Lookup(): the first matching row of a dataset, or Nothing. */
static void
test_lookup(void **state)
{
	const char	*from = "=Fields!Double.Value";
	const char	*to = "=Lookup(Fields!Name.Value, Fields!Name.Value, "
	    "Fields!Qty.Value * 10, \"D\") &amp; \"/\" &amp; "
	    "Lookup(\"zz\", Fields!Name.Value, 1, \"D\")";
	const char	*at = strstr(report_xml, from);
	struct sink	 s = { 0 };
	struct render_log log;
	struct rs_err	 e;
	size_t		 n = strlen(report_xml) + strlen(to);
	char		*x = malloc(n);

	(void)state;
	snprintf(x, n, "%.*s%s%s", (int)(at - report_xml), report_xml, to,
	    at + strlen(from));
	report_text = x;
	assert_int_equal(do_render("CSV", NULL, 0, NULL, 0, &s, &log, &e), 0);
	assert_non_null(strstr(s.b.data, "\",20/\r\n10/3,c,30/\r\n10/3,d,50/"));
	buf_fini(&s.b);
	report_text = NULL;
	free(x);
}

/* Parameter definitions for a parameter pane or REST, without rendering. */
static void
test_param_defs(void **state)
{
	const char	*from = "<Prompt>Tags</Prompt>";
	const char	*to = "<Prompt>Tags</Prompt><ValidValues><DataSetReference>"
	    "<DataSetName>D</DataSetName><ValueField>Name</ValueField>"
	    "</DataSetReference></ValidValues>";
	const char	*at = strstr(report_xml, from);
	struct render_param_in in[] = { { "Min", "abc", false } };
	struct render_request q = { 0 };
	struct render_param_def *d;
	struct rdl_report *r;
	struct rs_err	 e;
	size_t		 n = strlen(report_xml) + strlen(to);
	char		*x = malloc(n);

	(void)state;
	snprintf(x, n, "%.*s%s%s", (int)(at - report_xml), report_xml, to,
	    at + strlen(from));
	r = rdl_parse(x, strlen(x), "Unit", &e);
	assert_non_null(r);
	q.report = r;
	assert_int_equal(render_parameters(&q, &d, &e), 0);
	assert_string_equal(d[0].def->name, "Min");
	assert_string_equal(d[0].state, "HasValidValue");
	assert_int_equal(d[0].value.nvalues, 1);
	assert_int_equal(d[0].value.values[0].u.i, 0);
	assert_string_equal(d[1].state, "MissingValidValue");
	assert_non_null(strstr(d[1].error, "\"x\" is not a valid value"));
	assert_int_equal(d[1].valid.nvalues, 3);
	assert_string_equal(d[1].valid.values[1].u.s, "c");
	render_parameters_free(d, r->nparams);
	q.params = in;
	q.nparams = 1;
	assert_int_equal(render_parameters(&q, &d, &e), 0);
	assert_string_equal(d[0].state, "MissingValidValue");
	assert_non_null(strstr(d[0].error, "rsParameterTypeMismatch"));
	render_parameters_free(d, r->nparams);
	rdl_free(r);
	free(x);
}

struct thread_arg {
	const struct rdl_report	*r;
	const char		*fmt;
	char			*first;	/* output of the first render */
	int			 mismatches;
};

static void *
render_loop(void *p)
{
	struct thread_arg *a = p;

	for (int i = 0; i < 30; i++) {
		struct sink s = { 0 };
		struct render_log log;
		struct rs_err e;
		/* A fixed execution time: the PDF's CreationDate. */
		struct render_request q = { .report = a->r, .format = a->fmt,
		    .write = sink_write, .write_arg = &s,
		    .execution_time = expr_dt_make(2024, 1, 2, 3, 4, 5, 0) };

		buf_init(&s.b, 0);
		if (render_report(&q, &log, &e) == -1)
			a->mismatches++;
		else if (a->first == NULL)
			a->first = buf_take(&s.b, NULL);
		else if (strcmp(a->first, s.b.data) != 0)
			a->mismatches++;
		buf_fini(&s.b);
	}
	return NULL;
}

/* One parsed report rendered by several threads at once, as the server
 * does: every output is the same and nothing is shared by accident. */
static void
test_threads(void **state)
{
	static const char *fmts[] = { "CSV", "XML", "HTML5", "PDF" };
	struct thread_arg args[4];
	pthread_t	 t[4];
	struct rs_err	 e;
	struct rdl_report *r = rdl_parse(report_xml, strlen(report_xml), "Unit",
	    &e);

	(void)state;
	assert_non_null(r);
	for (int i = 0; i < 4; i++) {
		args[i] = (struct thread_arg){ r, fmts[i], NULL, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, render_loop,
		    &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(args[i].mismatches, 0);
		assert_non_null(args[i].first);
		free(args[i].first);
	}
	rdl_free(r);
}

/* An embedded SQLite path outside the allowed folder is refused. */
static void
test_sqlite_root(void **state)
{
	struct rdl_datasource ds = { .name = "D", .provider = "SQLITE" };
	struct data_source out;
	struct rs_err	 e;
	char		 top[] = "/tmp/rs-confine-XXXXXX", data[64], in[96],
			 outside[96], link[96], dotdot[128];
	struct data_policy pol = { 0 };
	FILE		*f;

	(void)state;
	assert_non_null(mkdtemp(top));
	snprintf(data, sizeof(data), "%s/data", top);
	snprintf(in, sizeof(in), "%s/sales.db", data);
	snprintf(outside, sizeof(outside), "%s/catalog.db", top);
	snprintf(link, sizeof(link), "%s/link.db", data);
	snprintf(dotdot, sizeof(dotdot), "%s/../catalog.db", data);
	assert_int_equal(mkdir(data, 0700), 0);
	assert_non_null(f = fopen(in, "w"));
	fclose(f);
	assert_non_null(f = fopen(outside, "w"));
	fclose(f);
	assert_int_equal(symlink(outside, link), 0);
	pol.sqlite_root = data;

	ds.connect_string = outside;
	assert_int_equal(render_resolve_default(&pol, &ds, &out, &e), -1);
	assert_int_equal(e.code, RS_E_PERM);
	ds.connect_string = dotdot;
	assert_int_equal(render_resolve_default(&pol, &ds, &out, &e), -1);
	assert_int_equal(e.code, RS_E_PERM);
	ds.connect_string = link;	/* a link out of the folder */
	assert_int_equal(render_resolve_default(&pol, &ds, &out, &e), -1);
	assert_int_equal(e.code, RS_E_PERM);
	ds.connect_string = "/nonexistent/x.db";
	assert_int_equal(render_resolve_default(&pol, &ds, &out, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	ds.connect_string = in;
	assert_int_equal(render_resolve_default(&pol, &ds, &out, &e), 0);
	assert_string_equal(out.conn, in);
	ds.connect_string = "/anything.db";	/* rsrender: not confined */
	assert_int_equal(render_resolve_default(NULL, &ds, &out, &e), 0);
	unlink(link);
	unlink(in);
	unlink(outside);
	rmdir(data);
	rmdir(top);
}

static void
test_rewrite(void **state)
{
	static const struct {
		const char	*in, *sqlite, *pg;
	} cases[] = {
		{ "SELECT * FROM t WHERE a = @A AND b IN (@Many)",
		    "SELECT * FROM t WHERE a = ?1 AND b IN (?2, ?3)",
		    "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)" },
		{ "SELECT '@A' AS x, [Order] FROM t -- @A\n",
		    "SELECT '@A' AS x, \"Order\" FROM t -- @A",
		    "SELECT '@A' AS x, \"Order\" FROM t -- @A" },
		{ "SELECT TOP 10 p.Last + ' ' + p.First AS N FROM p;",
		    "SELECT  p.Last || ' ' || p.First AS N FROM p LIMIT 10",
		    "SELECT  p.Last || ' ' || p.First AS N FROM p LIMIT 10" },
		{ "SELECT a + 1 FROM t WHERE YEAR(d) = @A",
		    "SELECT a + 1 FROM t WHERE YEAR(d) = ?1",
		    "SELECT a + 1 FROM t WHERE date_part('year', d) = $1" },
	};
	struct expr_value one = { .type = EXPR_T_INT }, many[2];
	struct data_param params[] = { { "@A", &one, 1 }, { "@Many", many, 2 } };
	struct data_query q = { .params = params, .nparams = 2 };
	struct data_bind *order;
	size_t		 n;
	struct rs_err	 e;
	char		*sql;

	(void)state;
	many[0] = one;
	many[1] = one;
	for (size_t i = 0; i < nitems(cases); i++) {
		q.text = cases[i].in;
		sql = data_sql_rewrite(&q, DATA_SQLITE, &order, &n, &e);
		assert_non_null(sql);
		assert_string_equal(sql, cases[i].sqlite);
		free(sql);
		free(order);
		sql = data_sql_rewrite(&q, DATA_POSTGRES, &order, &n, &e);
		assert_string_equal(sql, cases[i].pg);
		free(sql);
		free(order);
	}
	q.text = "SELECT @Nope";
	assert_null(data_sql_rewrite(&q, DATA_SQLITE, &order, &n, &e));
	assert_non_null(strstr(e.msg, "@Nope, which is not one of the dataset's "
	    "QueryParameters"));
}

static int
count_row(void *arg, const struct expr_value *row, size_t n, struct rs_err *e)
{
	(void)row;
	(void)n;
	(void)e;
	(*(int *)arg)++;
	return 0;
}

static void
test_bound(void **state)
{
	char		 path[] = "/tmp/rs-test-render.XXXXXX";
	int		 fd = mkstemp(path), rows = 0;
	sqlite3		*db;
	struct expr_value v;
	struct data_param p = { "@Name", &v, 1 };
	const char	*cols[] = { "name" };
	struct data_query q = { .text = "SELECT name FROM t WHERE name = @Name",
	    .params = &p, .nparams = 1, .columns = cols, .ncolumns = 1 };
	struct data_source src = { .kind = DATA_SQLITE };
	size_t		 n;
	struct rs_err	 e;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(name TEXT);"
	    "INSERT INTO t VALUES ('a'), ('b'), ('o''brien');", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	str_copy(src.conn, sizeof(src.conn), path);
	/* An injection attempt is a value like any other: no row matches. */
	expr_value_str(&v, "x' OR '1'='1");
	assert_int_equal(data_exec(&src, &q, count_row, &rows, &n, &e), 0);
	assert_int_equal(rows, 0);
	expr_value_fini(&v);
	expr_value_str(&v, "o'brien");
	assert_int_equal(data_exec(&src, &q, count_row, &rows, &n, &e), 0);
	assert_int_equal(rows, 1);
	expr_value_fini(&v);
	/* A column the report names but the query lacks. */
	cols[0] = "nope";
	expr_value_str(&v, "a");
	assert_int_equal(data_exec(&src, &q, count_row, &rows, &n, &e), -1);
	assert_non_null(strstr(e.msg, "field nope is not a column of the query "
	    "result (columns: name)"));
	expr_value_fini(&v);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_sink_error),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_param_defs),
		cmocka_unit_test(test_running),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_language),
		cmocka_unit_test(test_sqlite_root),
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
