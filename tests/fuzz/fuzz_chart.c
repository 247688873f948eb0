/*
 * fuzz_chart.c: fuzz target of charts (rdl/chart.c reads them,
 * render/chart.c and chart_props.c turn their properties and data into
 * drawings): a chart over embedded data (ENTERDATA) whose properties are
 * the input's lines: 0 Type, 1 Subtype, 2 Palette, 3 the legend's
 * Position, 4 the title's Position, 5 value axis Minimum, 6 Maximum,
 * 7 Interval, 8 LogScale, 9 Reverse, 10 IncludeZero, 11 the series'
 * Color, 12 the marker's Type, 13 the data label's Visible, 14 its
 * Format, 15 the category axis' Angle, 16 a custom palette colour, 17 the
 * title's FontSize, 18 the data: "label:value,label:value..." (each
 * value a Decimal), 19 the Y expression (default =Sum(Fields!V.Value)).
 * Rendered as HTML5 (SVG) or PDF by the input's length.  Invariants: no
 * crash, leak or hang; a refusal or a failed render says why.
 */
#include "fuzz.h"

#include "fuzz_render.h"

/* The data line as the ENTERDATA query's rows, escaped for the inside. */
static void
rows(struct buf *b, const char *line)
{
	char	*copy = strdup(line), *tok, *save = NULL;
	int	 n = 0;

	for (tok = strtok_r(copy, ",", &save); tok != NULL && n < 64;
	    tok = strtok_r(NULL, ",", &save), n++) {
		char	*colon = strchr(tok, ':');

		(void)buf_puts(b, "<Row><C>", NULL);
		if (colon != NULL)
			*colon = '\0';
		fr_escape(b, tok);
		(void)buf_puts(b, "</C><V>", NULL);
		fr_escape(b, colon != NULL ? colon + 1 : "");
		(void)buf_puts(b, "</V></Row>", NULL);
	}
	free(copy);
}

static void
data_source(struct buf *rdl, const struct fr_slots *s)
{
	struct buf	q;

	buf_init(&q, 0);
	(void)buf_puts(&q, "<Query><XmlData><Data>", NULL);
	rows(&q, s->n > 18 ? s->v[18] : "East:10,West:-2.5,North:0,South:7");
	(void)buf_puts(&q, "</Data></XmlData><ElementPath>Data{}/Row{C(String),"
	    "V(Decimal)}</ElementPath></Query>", NULL);
	(void)buf_puts(rdl, "<DataSources><DataSource Name=\"E\">"
	    "<ConnectionProperties><DataProvider>ENTERDATA</DataProvider>"
	    "<ConnectString/></ConnectionProperties></DataSource>"
	    "</DataSources><DataSets><DataSet Name=\"S\"><Query><DataSourceName>"
	    "E</DataSourceName><CommandText>", NULL);
	(void)buf_append(&q, "", 1, NULL);
	fr_escape(rdl, q.data);
	(void)buf_puts(rdl, "</CommandText></Query><Fields><Field Name=\"C\">"
	    "<DataField>C</DataField></Field><Field Name=\"V\"><DataField>V"
	    "</DataField></Field></Fields></DataSet></DataSets>", NULL);
	buf_fini(&q);
}

static void
chart(struct buf *b, const struct fr_slots *s)
{
	(void)buf_puts(b, "<Chart Name=\"Ch\"><ChartCategoryHierarchy>"
	    "<ChartMembers><ChartMember><Group Name=\"G\"><GroupExpressions>"
	    "<GroupExpression>=Fields!C.Value</GroupExpression>"
	    "</GroupExpressions></Group><Label>=Fields!C.Value</Label>"
	    "</ChartMember></ChartMembers></ChartCategoryHierarchy>"
	    "<ChartSeriesHierarchy><ChartMembers><ChartMember><Label>V</Label>"
	    "</ChartMember></ChartMembers></ChartSeriesHierarchy><ChartData>"
	    "<ChartSeriesCollection><ChartSeries Name=\"V\"><ChartDataPoints>"
	    "<ChartDataPoint><ChartDataPointValues>", NULL);
	if (s->n > 19)
		fr_elem(b, s, 19, "Y");
	else
		(void)buf_puts(b, "<Y>=Sum(Fields!V.Value)</Y>", NULL);
	(void)buf_puts(b, "</ChartDataPointValues><ChartDataLabel>", NULL);
	fr_elem(b, s, 13, "Visible");
	if (s->n > 14) {
		(void)buf_puts(b, "<Style>", NULL);
		fr_elem(b, s, 14, "Format");
		(void)buf_puts(b, "</Style>", NULL);
	}
	(void)buf_puts(b, "</ChartDataLabel><ChartMarker>", NULL);
	fr_elem(b, s, 12, "Type");
	(void)buf_puts(b, "</ChartMarker>", NULL);
	if (s->n > 11) {
		(void)buf_puts(b, "<Style>", NULL);
		fr_elem(b, s, 11, "Color");
		(void)buf_puts(b, "</Style>", NULL);
	}
	(void)buf_puts(b, "</ChartDataPoint></ChartDataPoints>", NULL);
	fr_elem(b, s, 0, "Type");
	fr_elem(b, s, 1, "Subtype");
	(void)buf_puts(b, "</ChartSeries></ChartSeriesCollection></ChartData>"
	    "<ChartAreas><ChartArea Name=\"Default\"><ChartCategoryAxes>"
	    "<ChartAxis Name=\"Primary\">", NULL);
	fr_elem(b, s, 15, "Angle");
	(void)buf_puts(b, "</ChartAxis></ChartCategoryAxes><ChartValueAxes>"
	    "<ChartAxis Name=\"Primary\">", NULL);
	fr_elem(b, s, 5, "Minimum");
	fr_elem(b, s, 6, "Maximum");
	fr_elem(b, s, 7, "Interval");
	fr_elem(b, s, 8, "LogScale");
	fr_elem(b, s, 9, "Reverse");
	fr_elem(b, s, 10, "IncludeZero");
	(void)buf_puts(b, "</ChartAxis></ChartValueAxes></ChartArea>"
	    "</ChartAreas><ChartLegends><ChartLegend Name=\"L\">", NULL);
	fr_elem(b, s, 3, "Position");
	(void)buf_puts(b, "</ChartLegend></ChartLegends><ChartTitles>"
	    "<ChartTitle Name=\"T\"><Caption>Fuzz</Caption>", NULL);
	fr_elem(b, s, 4, "Position");
	if (s->n > 17) {
		(void)buf_puts(b, "<Style>", NULL);
		fr_elem(b, s, 17, "FontSize");
		(void)buf_puts(b, "</Style>", NULL);
	}
	(void)buf_puts(b, "</ChartTitle></ChartTitles>", NULL);
	fr_elem(b, s, 2, "Palette");
	if (s->n > 16) {
		(void)buf_puts(b, "<ChartCustomPaletteColors>", NULL);
		fr_elem(b, s, 16, "ChartCustomPaletteColor");
		(void)buf_puts(b, "</ChartCustomPaletteColors>", NULL);
	}
	(void)buf_puts(b, "<DataSetName>S</DataSetName><Top>0.5in</Top><Left>"
	    "0.5in</Left><Height>3in</Height><Width>5in</Width></Chart>", NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fr_slots	 s;
	struct buf	 rdl, out;

	if (size > 4096)
		return 0;
	fr_slots(data, size, &s);
	buf_init(&rdl, 0);
	buf_init(&out, 0);
	(void)buf_puts(&rdl, "<Report xmlns=\"http://schemas.microsoft.com/"
	    "sqlserver/reporting/2016/01/reportdefinition\">", NULL);
	data_source(&rdl, &s);
	(void)buf_puts(&rdl, "<ReportSections><ReportSection><Body>"
	    "<ReportItems>", NULL);
	chart(&rdl, &s);
	(void)buf_puts(&rdl, "</ReportItems><Height>4in</Height></Body><Width>"
	    "6.5in</Width><Page/></ReportSection></ReportSections></Report>",
	    NULL);
	(void)fr_render(&rdl, size % 3 == 2 ? "PDF" : "HTML5", &out);
	buf_fini(&rdl);
	buf_fini(&out);
	fr_slots_fini(&s);
	return 0;
}
