/*
 * parse.c: the entry point of rdl/: reads the XML with libxml2 (no
 * network, no entity expansion), checks the namespace and MustUnderstand,
 * walks the whole tree once to refuse anything outside the subset, then
 * builds the model: data sources, datasets, parameters, page, body.  Also
 * the small XML helpers the other files share.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl_int.h"

#define NS_BASE "http://schemas.microsoft.com/sqlserver/reporting/"

static const struct {
	const char	*uri;
	int		 version;
} namespaces[] = {
	{ NS_BASE "2008/01/reportdefinition", 2008 },
	{ NS_BASE "2010/01/reportdefinition", 2010 },
	{ NS_BASE "2016/01/reportdefinition", 2016 },
};

int
fail(struct pctx *c, xmlNode *n, const char *fmt, ...)
{
	char		 m[480];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	if (n != NULL)
		return rs_err_set(c->e, RS_E_BADINPUT, "line %ld: <%s>: %s",
		    xmlGetLineNo(n), (const char *)n->name, m);
	return rs_err_set(c->e, RS_E_BADINPUT, "%s", m);
}

bool
is_el(struct pctx *c, xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    xmlStrEqual(n->ns->href, c->ns) &&
	    strcmp((const char *)n->name, name) == 0;
}

xmlNode *
child(struct pctx *c, xmlNode *n, const char *name)
{
	xmlNode		*k;

	if (n == NULL)
		return NULL;
	for (k = n->children; k != NULL; k = k->next)
		if (is_el(c, k, name))
			return k;
	return NULL;
}

char *
node_text(xmlNode *n)
{
	xmlChar		*t = xmlNodeGetContent(n);
	char		*s;

	s = xstrdup(t != NULL ? (const char *)t : "");
	xmlFree(t);
	return s;
}

char *
child_text(struct pctx *c, xmlNode *n, const char *name)
{
	xmlNode		*k = child(c, n, name);

	return k == NULL ? NULL : node_text(k);
}

bool
child_bool(struct pctx *c, xmlNode *n, const char *name, bool dflt)
{
	char		*t = child_text(c, n, name);
	bool		 v = dflt;

	if (t != NULL) {
		v = strcasecmp(str_trim(t), "true") == 0;
		free(t);
	}
	return v;
}

double
rdl_size(const char *s)
{
	static const struct {
		const char	*unit;
		double		 pt;
	} units[] = {
		{ "in", 72 }, { "cm", 72 / 2.54 }, { "mm", 72 / 25.4 },
		{ "pt", 1 }, { "pc", 12 },
	};
	char		*end;
	double		 v;
	size_t		 i;

	v = strtod(s, &end);
	if (end == s || v < 0 || v > 160 * 72)
		return -1;
	while (*end == ' ')
		end++;
	for (i = 0; i < nitems(units); i++)
		if (strcmp(end, units[i].unit) == 0) {
			v *= units[i].pt;
			return v > 160 * 72 ? -1 : v;
		}
	return -1;
}

int
child_size(struct pctx *c, xmlNode *n, const char *name, double dflt,
    double *out)
{
	xmlNode		*k = child(c, n, name);
	char		*t;

	*out = dflt;
	if (k == NULL)
		return 0;
	t = node_text(k);
	*out = rdl_size(str_trim(t));
	if (*out < 0) {
		fail(c, k, "bad size \"%.40s\"; give a number and a unit (in, "
		    "cm, mm, pt, pc), at most 160in", t);
		free(t);
		return -1;
	}
	free(t);
	return 0;
}

struct rdl_expr *
prop_new(struct pctx *c, xmlNode *n)
{
	struct rdl_expr	*p = xcalloc(1, sizeof(*p));
	struct rs_err	 pe;
	const char	*s;

	p->text = node_text(n);
	p->line = (int)xmlGetLineNo(n);
	s = p->text;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (*s == '=') {
		p->is_expr = true;
		rs_err_clear(&pe);
		p->ast = expr_parse(s + 1, &pe);
		if (p->ast == NULL) {
			/* The list of supported functions needs the room. */
			if (strstr(pe.msg, "; supported: ") != NULL)
				fail(c, n, "%s", pe.msg);
			else
				fail(c, n, "expression %.60s: %s", s, pe.msg);
			c->e->code = pe.code;
			prop_free(p);
			return NULL;
		}
	} else
		p->ast = expr_literal(p->text);
	return p;
}

struct rdl_expr *
child_prop(struct pctx *c, xmlNode *n, const char *name, bool *failed)
{
	xmlNode		*k = child(c, n, name);
	struct rdl_expr	*p;

	if (k == NULL)
		return NULL;
	p = prop_new(c, k);
	if (p == NULL)
		*failed = true;
	return p;
}

void
prop_free(struct rdl_expr *p)
{
	if (p == NULL)
		return;
	free(p->text);
	expr_free(p->ast);
	free(p);
}

int
count_node(struct pctx *c, xmlNode *n)
{
	if (++c->nodes > RDL_MAX_NODES)
		return rs_err_set(c->e, RS_E_LIMIT, "line %ld: the definition "
		    "has more than %d items, cells and members",
		    xmlGetLineNo(n), RDL_MAX_NODES);
	return 0;
}

/*
 * What the subset leaves out, and why.  With known[] below this is the one
 * list of the elements a definition may use: rdl_parse (so rsrender
 * --check and every upload) refuses anything else with its line.
 */
#define ITEMS_SUPPORTED "supported report items: Tablix (table or list), " \
	"Chart, GaugePanel, Map, Textbox, Rectangle, Line, Image"

static const struct {
	const char	*name;
	const char	*why;
} refused[] = {
	{ "Subreport", "report item Subreport is not supported; "
	    ITEMS_SUPPORTED },
	{ "CustomReportItem", "custom report items are not supported; "
	    ITEMS_SUPPORTED },
	{ "CodeModules", "custom assemblies (CodeModules) are not supported: "
	    "their code is a .NET assembly this server cannot run; put the "
	    "functions in the report's Code block" },
	{ "Classes", "custom assemblies (Classes) are not supported: their "
	    "code is a .NET assembly this server cannot run; put the "
	    "functions in the report's Code block" },
	{ "Parent", "recursive hierarchies (Group/Parent) are not supported" },
	{ "DataTransform", "DataTransform (XSLT) is not supported" },
	{ "ChartCodeParameters", "custom code in charts is not supported" },
	{ "ChartDerivedSeriesCollection", "derived chart series (trend lines, "
	    "moving averages) are not supported" },
	{ "ChartStripLines", "chart strip lines are not supported" },
};

/* Every element of the subset, handled or harmless to ignore. */
static const char *const known[] = {
	"Report", "Description", "Author", "AutoRefresh", "InitialPageName",
	"DataSources", "DataSource", "ConnectionProperties", "DataProvider",
	"ConnectString", "IntegratedSecurity", "Prompt", "DataSourceReference",
	"Transaction", "DataSets", "DataSet", "Query", "DataSourceName",
	"CommandType", "CommandText", "QueryParameters", "QueryParameter",
	"Value", "Timeout", "Fields", "Field", "DataField", "Filters",
	"Filter", "FilterExpression", "Operator", "FilterValues",
	"FilterValue", "CaseSensitivity", "Collation", "AccentSensitivity",
	"KanatypeSensitivity", "WidthSensitivity",
	"InterpretSubtotalsAsDetails", "ReportParameters", "ReportParameter",
	"DataType", "Nullable", "DefaultValue", "Values", "AllowBlank",
	"ValidValues", "ParameterValues", "ParameterValue", "Label",
	"DataSetReference", "ValueField", "LabelField", "Hidden", "MultiValue",
	"UsedInQuery", "ReportParametersLayout", "GridLayoutDefinition",
	"NumberOfColumns", "NumberOfRows", "CellDefinitions",
	"CellDefinition", "ColumnIndex", "RowIndex", "ParameterName",
	"EmbeddedImages", "EmbeddedImage", "MIMEType", "ImageData",
	"Language", "ConsumeContainerWhitespace", "DataSchema",
	"DataElementName", "DataElementStyle", "DataElementOutput",
	"ReportSections", "ReportSection", "Body", "ReportItems", "Height",
	"Width", "Style", "Page", "PageHeader", "PageFooter",
	"PrintOnFirstPage", "PrintOnLastPage", "PageHeight", "PageWidth",
	"InteractiveHeight", "InteractiveWidth", "LeftMargin", "RightMargin",
	"TopMargin", "BottomMargin", "Columns", "ColumnSpacing", "Textbox",
	"Rectangle", "Line", "Image", "Tablix", "Top", "Left", "ZIndex",
	"Visibility", "ToggleItem", "CanGrow", "CanShrink", "KeepTogether",
	"HideDuplicates", "Paragraphs", "Paragraph", "TextRuns", "TextRun",
	"MarkupType", "ToolTip", "ListStyle", "ListLevel", "LeftIndent",
	"RightIndent", "HangingIndent", "SpaceBefore", "SpaceAfter",
	"ActionInfo", "Actions", "Action", "Hyperlink", "Drillthrough",
	"ReportName", "Parameters", "Parameter", "Omit", "BookmarkLink",
	"Bookmark", "DocumentMapLabel", "UserSort", "SortExpression",
	"SortExpressionScope", "SortTarget", "ToggleImage",
	"InitialState", "Source", "Sizing", "TablixCorner",
	"TablixCornerRows", "TablixCornerRow", "TablixCornerCell",
	"CellContents", "ColSpan", "RowSpan", "TablixBody", "TablixColumns",
	"TablixColumn", "TablixRows", "TablixRow", "TablixCells",
	"TablixCell", "TablixColumnHierarchy", "TablixRowHierarchy",
	"TablixMembers", "TablixMember", "Group", "GroupExpressions",
	"GroupExpression", "PageBreak", "BreakLocation", "ResetPageNumber",
	"Disabled", "PageName", "SortExpressions", "Direction",
	"TablixHeader", "Size", "KeepWithGroup", "RepeatOnNewPage",
	"FixedData", "HideIfNoRows", "DataSetName", "NoRowsMessage",
	"RepeatColumnHeaders", "RepeatRowHeaders", "FixedColumnHeaders",
	"FixedRowHeaders", "GroupsBeforeRowHeaders", "LayoutDirection",
	"OmitBorderOnPageBreak", "Border", "TopBorder", "BottomBorder",
	"LeftBorder", "RightBorder", "Color", "BackgroundColor",
	"BackgroundImage", "BackgroundRepeat", "BackgroundGradientType",
	"BackgroundGradientEndColor", "BackgroundHatchType", "FontStyle",
	"FontFamily", "FontSize", "FontWeight", "Format", "TextDecoration",
	"TextAlign", "VerticalAlign", "PaddingLeft", "PaddingRight",
	"PaddingTop", "PaddingBottom", "LineHeight", "WritingMode",
	"Calendar", "NumeralLanguage", "NumeralVariant", "UnicodeBiDi",
	"ShadowColor", "ShadowOffset", "TextEffect", "CustomProperties",
	"CustomProperty", "Name", "RepeatWith", "Position", "Angle",
	/* Chart (rdl/chart.c reads what changes the picture; the rest are
	 * the designer's fine tuning of label placement and decoration). */
	"Chart", "ChartCategoryHierarchy", "ChartSeriesHierarchy",
	"ChartMembers", "ChartMember", "ChartData", "ChartSeriesCollection",
	"ChartSeries", "ChartDataPoints", "ChartDataPoint",
	"ChartDataPointValues", "X", "Y", "ChartDataLabel", "UseValueAsLabel",
	"Visible", "ChartMarker", "Type", "Subtype", "ChartEmptyPoints",
	"ValueAxisName", "CategoryAxisName", "ChartSmartLabel",
	"AllowOutSidePlotArea", "CalloutBackColor", "CalloutLineAnchor",
	"CalloutLineColor", "CalloutLineStyle", "CalloutLineWidth",
	"CalloutStyle", "ShowOverlapped", "MarkerOverlapping",
	"MaxMovingDistance", "MinMovingDistance", "NoMoveDirections", "Up",
	"Down", "Right", "UpLeft", "UpRight", "DownLeft", "DownRight",
	"ChartItemInLegend", "LegendText", "ChartAreas", "ChartArea",
	"ChartCategoryAxes", "ChartValueAxes", "ChartAxis", "ChartAxisTitle",
	"Caption", "TextOrientation", "ChartMajorGridLines",
	"ChartMinorGridLines", "Enabled", "Interval", "IntervalType",
	"IntervalOffset", "IntervalOffsetType", "ChartMajorTickMarks",
	"ChartMinorTickMarks", "Length", "CrossAt", "Minimum", "Maximum",
	"LogScale", "LogBase", "Reverse", "Margin", "IncludeZero", "Location",
	"Arrows", "Scalar", "ChartAxisScaleBreak", "BreakLineType",
	"CollapsibleSpaceThreshold", "MaxNumberOfBreaks", "Spacing",
	"PreventFontShrink", "PreventFontGrow", "PreventLabelOffset",
	"PreventWordWrap", "AllowLabelRotation", "LabelsAutoFitDisabled",
	"MinFontSize", "MaxFontSize", "OffsetLabels", "HideLabels",
	"HideEndLabels", "LabelInterval", "LabelIntervalType",
	"LabelIntervalOffset", "LabelIntervalOffsetType",
	"VariableAutoInterval", "Interlaced", "InterlacedColor",
	"ChartThreeDProperties", "ProjectionMode", "Rotation", "Inclination",
	"Perspective", "DepthRatio", "Shading", "GapDepth", "WallThickness",
	"Clustered", "ChartElementPosition", "ChartInnerPlotPosition",
	"ChartAlignType", "AxesView", "Cursor", "InnerPlotPosition",
	"AlignWithChartArea", "AlignOrientation", "EquallySizedAxesFont",
	"ChartLegends", "ChartLegend", "ChartLegendTitle", "TitleSeparator",
	"TitleSeparatorColor", "HeaderSeparator", "HeaderSeparatorColor",
	"ColumnSeparator", "ColumnSeparatorColor", "InterlacedRows",
	"InterlacedRowsColor", "Layout", "DockOutsideChartArea", "DockToChartArea",
	"AutoFitTextDisabled", "MaxAutoSize", "TextWrapThreshold",
	"EquallySpacedItems", "Reversed", "ChartTitles", "ChartTitle", "Palette",
	"PaletteHatchBehavior", "ChartCustomPaletteColors",
	"ChartCustomPaletteColor", "ChartBorderSkin", "ChartBorderSkinType",
	"ChartNoDataMessage", "DynamicHeight", "DynamicWidth",
	"BackgroundHatchType", "ShadowOffset", "Docking", "DockOffset",
	"Code", "Variables", "Variable", "Writable", "DeferVariableEvaluation",
	"SharedDataSet", "SharedDataSetReference",
	NULL
};

static bool
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/*
 * The report items with vocabularies of their own: inside one, its
 * elements are known too and its refusals apply (rdl/gauge.c, map.c).
 */
static const struct item_vocab {
	const char		*item;
	const char *const	*known;
	const char		*(*refusal)(const char *);
} vocabs[] = {
	{ "GaugePanel", gauge_known, gauge_refusal },
	{ "Map", map_known, map_refusal },
};

/* One walk over every element: refuse what the subset does not cover. */
static int
validate_tree(struct pctx *c, xmlNode *n, int depth,
    const struct item_vocab *in)
{
	xmlNode		*k;
	size_t		 i;

	if (depth > 200)
		return fail(c, n, "the document is nested too deeply");
	for (k = n->children; k != NULL; k = k->next) {
		const char *name = (const char *)k->name;
		const struct item_vocab *v = in;

		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (k->ns == NULL || !xmlStrEqual(k->ns->href, c->ns))
			continue;	/* rd:, df:, am: designer hints */
		for (i = 0; i < nitems(refused); i++)
			if (strcmp(name, refused[i].name) == 0)
				return fail(c, k, "%s", refused[i].why);
		for (i = 0; i < nitems(vocabs); i++)
			if (strcmp(name, vocabs[i].item) == 0)
				v = &vocabs[i];
		if (in != NULL && in->refusal(name) != NULL)
			return fail(c, k, "%s", in->refusal(name));
		if (!in_list(known, name) && (v == NULL ||
		    !in_list(v->known, name)))
			return fail(c, k, "element is not in the supported "
			    "subset of RDL; see docs/reports.md for the "
			    "supported elements");
		if (validate_tree(c, k, depth + 1, v) == -1)
			return -1;
	}
	return 0;
}

static int
check_root(struct pctx *c, xmlNode *root)
{
	size_t		 i;
	xmlChar		*mu;
	int		 rv = 0;

	if (root == NULL || root->ns == NULL ||
	    strcmp((const char *)root->name, "Report") != 0)
		return fail(c, root, "the root element must be <Report> in an "
		    "RDL namespace");
	for (i = 0; i < nitems(namespaces); i++)
		if (xmlStrEqual(root->ns->href, (const xmlChar *)namespaces[i].uri))
			break;
	if (i == nitems(namespaces))
		return fail(c, root, "namespace %s is not supported; supported: "
		    "RDL 2008/01, 2010/01 and 2016/01 "
		    "(" NS_BASE "YYYY/01/reportdefinition)",
		    (const char *)root->ns->href);
	c->ns = root->ns->href;
	c->r->version = namespaces[i].version;
	mu = xmlGetProp(root, (const xmlChar *)"MustUnderstand");
	if (mu != NULL) {
		/* Only the default-font extension (df) is understood. */
		char *tok, *save = NULL, *copy = xstrdup((const char *)mu);
		for (tok = strtok_r(copy, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			xmlNs *ns = xmlSearchNs(root->doc, root,
			    (const xmlChar *)tok);
			if (ns == NULL || strstr((const char *)ns->href,
			    "defaultfontfamily") == NULL) {
				rv = fail(c, root, "MustUnderstand names "
				    "extension \"%s\", which is not supported "
				    "(supported: df, the default font family)", tok);
				break;
			}
		}
		free(copy);
		xmlFree(mu);
	}
	return rv;
}

char *
attr(xmlNode *n, const char *name)
{
	xmlChar		*v = xmlGetProp(n, (const xmlChar *)name);
	char		*s;

	if (v == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static int
parse_datasources(struct pctx *c, xmlNode *list)
{
	struct rdl_report *r = c->r;
	struct rdl_datasource *ds;
	xmlNode		*k, *cp;

	for (k = list != NULL ? list->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "DataSource"))
			continue;
		r->datasources = xreallocarray(r->datasources,
		    r->ndatasources + 1, sizeof(*ds));
		ds = &r->datasources[r->ndatasources++];
		memset(ds, 0, sizeof(*ds));
		ds->name = attr(k, "Name");
		ds->line = (int)xmlGetLineNo(k);
		if (ds->name == NULL)
			return fail(c, k, "a DataSource needs a Name");
		ds->reference = child_text(c, k, "DataSourceReference");
		cp = child(c, k, "ConnectionProperties");
		if (cp != NULL) {
			ds->provider = child_text(c, cp, "DataProvider");
			ds->connect_string = child_text(c, cp, "ConnectString");
			if (ds->connect_string != NULL &&
			    str_trim(ds->connect_string)[0] == '=')
				return fail(c, cp, "expression-based connection "
				    "strings are not supported");
		}
		if (ds->reference == NULL && ds->provider == NULL)
			return fail(c, k, "a DataSource needs ConnectionProperties "
			    "or a DataSourceReference");
	}
	return 0;
}

static int
parse_images(struct pctx *c, xmlNode *list)
{
	struct rdl_report *r = c->r;
	struct rdl_image *im;
	xmlNode		*k;
	char		*b64;
	long		 n;

	for (k = list != NULL ? list->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "EmbeddedImage"))
			continue;
		r->images = xreallocarray(r->images, r->nimages + 1,
		    sizeof(*im));
		im = &r->images[r->nimages++];
		memset(im, 0, sizeof(*im));
		im->name = attr(k, "Name");
		im->mime = child_text(c, k, "MIMEType");
		b64 = child_text(c, k, "ImageData");
		if (im->name == NULL || b64 == NULL) {
			free(b64);
			return fail(c, k, "an EmbeddedImage needs a Name and "
			    "ImageData");
		}
		im->data = xmalloc(strlen(b64) * 3 / 4 + 4);
		n = str_base64_decode(b64, strlen(b64), im->data,
		    strlen(b64) * 3 / 4 + 4);
		free(b64);
		if (n < 0)
			return fail(c, k, "image %s: ImageData is not base64",
			    im->name);
		im->len = (size_t)n;
	}
	return 0;
}

static struct rdl_band *
band_parse(struct pctx *c, xmlNode *n)
{
	struct rdl_band	*b = xcalloc(1, sizeof(*b));

	if (child_size(c, n, "Height", 0, &b->height) == -1)
		goto fail;
	b->print_on_first = child_bool(c, n, "PrintOnFirstPage", true);
	b->print_on_last = child_bool(c, n, "PrintOnLastPage", true);
	if (style_parse(c, child(c, n, "Style"), &b->style) == -1 ||
	    items_parse(c, child(c, n, "ReportItems"), &b->items,
	    &b->nitems) == -1)
		goto fail;
	return b;
fail:
	for (size_t i = 0; i < b->nitems; i++)
		item_free(b->items[i]);
	free(b->items);
	style_fini(&b->style);
	free(b);
	return NULL;
}

static int
parse_page(struct pctx *c, xmlNode *pg)
{
	struct rdl_page	*p = &c->r->page;
	static const char *margins[] = { "LeftMargin", "RightMargin",
	    "TopMargin", "BottomMargin" };
	size_t		 i;

	if (child_size(c, pg, "PageHeight", 11 * 72, &p->height) == -1 ||
	    child_size(c, pg, "PageWidth", 8.5 * 72, &p->width) == -1 ||
	    child_size(c, pg, "InteractiveHeight", p->height,
	    &p->interactive_height) == -1)
		return -1;
	for (i = 0; i < 4; i++)
		if (child_size(c, pg, margins[i], 0, &p->margin[i]) == -1)
			return -1;
	if (p->width - p->margin[0] - p->margin[1] < 36 ||
	    p->height - p->margin[2] - p->margin[3] < 36)
		return fail(c, pg, "the margins leave less than half an inch "
		    "of page");
	if (child(c, pg, "PageHeader") != NULL &&
	    (p->header = band_parse(c, child(c, pg, "PageHeader"))) == NULL)
		return -1;
	if (child(c, pg, "PageFooter") != NULL &&
	    (p->footer = band_parse(c, child(c, pg, "PageFooter"))) == NULL)
		return -1;
	return style_parse(c, child(c, pg, "Style"), &p->style);
}

static int
parse_section(struct pctx *c, xmlNode *sec)
{
	xmlNode		*body = child(c, sec, "Body");
	struct rdl_report *r = c->r;

	if (body == NULL)
		return fail(c, sec, "the report needs a Body");
	if (child_size(c, body, "Height", 0, &r->body_height) == -1 ||
	    child_size(c, sec, "Width", 0, &r->width) == -1 ||
	    style_parse(c, child(c, body, "Style"), &r->body_style) == -1 ||
	    items_parse(c, child(c, body, "ReportItems"), &r->body,
	    &r->nbody) == -1)
		return -1;
	if (child(c, sec, "Page") == NULL)
		return fail(c, sec, "the report needs a Page");
	return parse_page(c, child(c, sec, "Page"));
}

/* A child in another namespace (whose URI contains uri_part), as text. */
static char *
ns_child(xmlNode *n, const char *uri_part, const char *name)
{
	for (xmlNode *k = n->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE && k->ns != NULL &&
		    strstr((const char *)k->ns->href, uri_part) != NULL &&
		    strcmp((const char *)k->name, name) == 0)
			return node_text(k);
	return NULL;
}

static int
parse_report(struct pctx *c, xmlNode *root)
{
	xmlNode		*secs, *sec = NULL, *k;
	int		 n = 0;

	c->r->description = child_text(c, root, "Description");
	c->r->author = child_text(c, root, "Author");
	c->r->language = child_text(c, root, "Language");
	c->r->data_element_name = child_text(c, root, "DataElementName");
	c->r->data_schema = child_text(c, root, "DataSchema");
	c->r->default_font = ns_child(root, "defaultfontfamily",
	    "DefaultFontFamily");
	if (code_parse(c, root) == -1 ||
	    parse_datasources(c, child(c, root, "DataSources")) == -1 ||
	    parse_datasets(c, child(c, root, "DataSets")) == -1 ||
	    parse_params(c, child(c, root, "ReportParameters")) == -1 ||
	    parse_images(c, child(c, root, "EmbeddedImages")) == -1)
		return -1;
	if (c->r->version == 2008)
		return parse_section(c, root);
	secs = child(c, root, "ReportSections");
	for (k = secs ? secs->children : NULL; k != NULL; k = k->next)
		if (is_el(c, k, "ReportSection")) {
			sec = sec ? sec : k;
			n++;
		}
	if (n != 1)
		return fail(c, secs ? secs : root, "the report needs exactly one "
		    "ReportSection (found %d); several sections are not "
		    "supported", n);
	return parse_section(c, sec);
}

struct rdl_report *
report_of_doc(xmlDoc *doc, const char *name, struct rs_err *e)
{
	struct pctx	 c;

	memset(&c, 0, sizeof(c));
	c.e = e;
	c.r = xcalloc(1, sizeof(*c.r));
	c.r->name = xstrdup(name != NULL ? name : "Report");
	if (check_root(&c, xmlDocGetRootElement(doc)) == -1 ||
	    validate_tree(&c, xmlDocGetRootElement(doc), 0, NULL) == -1 ||
	    parse_report(&c, xmlDocGetRootElement(doc)) == -1 ||
	    bind_report(c.r, e) == -1) {
		rdl_free(c.r);
		return NULL;
	}
	return c.r;
}

struct rdl_report *
rdl_parse(const char *xml, size_t len, const char *name, struct rs_err *e)
{
	struct rs_err	 local;

	/* The parsers test e->code to tell "not an item" from a failure. */
	if (e == NULL)
		e = &local;
	rs_err_clear(e);
	return report_read(xml, len, name, NULL, e);
}

int
rdl_dataset_find(const struct rdl_report *r, const char *name)
{
	for (size_t i = 0; i < r->ndatasets; i++)
		if (strcmp(r->datasets[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
rdl_field_find(const struct rdl_dataset *d, const char *name)
{
	for (size_t i = 0; i < d->nfields; i++)
		if (strcmp(d->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void
band_free(struct rdl_band *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->nitems; i++)
		item_free(b->items[i]);
	free(b->items);
	style_fini(&b->style);
	free(b);
}

void
dataset_fini(struct rdl_dataset *d)
{
	size_t		 i;

	free(d->name);
	free(d->command_text);
	free(d->shared_ref);
	for (i = 0; i < d->nqparams; i++) {
		free(d->qparams[i].name);
		prop_free(d->qparams[i].value);
	}
	free(d->qparams);
	for (i = 0; i < d->nfields; i++) {
		free(d->fields[i].name);
		free(d->fields[i].data_field);
		prop_free(d->fields[i].value);
	}
	free(d->fields);
	filters_free(d->filters, d->nfilters);
}

static void
param_fini(struct rdl_parameter *p)
{
	size_t		 i;

	free(p->name);
	free(p->prompt);
	for (i = 0; i < p->ndefaults; i++)
		prop_free(p->defaults[i]);
	free(p->defaults);
	free(p->default_field);
	for (i = 0; i < p->nvalid; i++) {
		prop_free(p->valid[i].value);
		prop_free(p->valid[i].label);
	}
	free(p->valid);
	free(p->valid_value_field);
	free(p->valid_label_field);
}

void
rdl_free(struct rdl_report *r)
{
	size_t		 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ndatasources; i++) {
		free(r->datasources[i].name);
		free(r->datasources[i].provider);
		free(r->datasources[i].connect_string);
		free(r->datasources[i].reference);
	}
	free(r->datasources);
	for (i = 0; i < r->ndatasets; i++)
		dataset_fini(&r->datasets[i]);
	free(r->datasets);
	for (i = 0; i < r->nparams; i++)
		param_fini(&r->params[i]);
	free(r->params);
	for (i = 0; i < r->nbody; i++)
		item_free(r->body[i]);
	free(r->body);
	style_fini(&r->body_style);
	style_fini(&r->page.style);
	band_free(r->page.header);
	band_free(r->page.footer);
	for (i = 0; i < r->nimages; i++) {
		free(r->images[i].name);
		free(r->images[i].mime);
		free(r->images[i].data);
	}
	free(r->images);
	prop_free(r->language_prop);
	variables_free(r->vars, r->nvars);
	expr_code_free(r->code);
	free(r->name);
	free(r->description);
	free(r->author);
	free(r->language);
	free(r->data_element_name);
	free(r->default_font);
	free(r->data_schema);
	free(r);
}
