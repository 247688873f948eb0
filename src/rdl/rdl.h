/*
 * rdl.h: report definitions (RDL 2008/01, 2010/01 and 2016/01) parsed with
 * libxml2 into a report model that the renderer walks.  Parsing also
 * validates: every expression is parsed, every field reference is bound
 * to its dataset, and anything outside the supported subset (a Chart, a
 * Subreport, a matrix column group, Lookup(), custom Code ...) is refused
 * with the element or function, its line and what is supported, so a
 * report is never rendered wrongly in silence.
 *
 * Not here: running queries (data/), evaluating properties (render/) or
 * resolving shared data sources (the caller: the catalog, or rsrender's
 * --datasource option).  All sizes in the model are in points.
 */
#ifndef RS_RDL_RDL_H
#define RS_RDL_RDL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "expr/expr.h"

#define RDL_MAX_BYTES	(64u << 20)	/* largest definition accepted */
#define RDL_MAX_NODES	200000		/* report items, cells, members */
#define RDL_MAX_DEPTH	32		/* nesting of rectangles and groups */

/* A property: a constant or an expression (text starting with '='). */
struct rdl_expr {
	char			*text;	/* as written */
	struct expr_node	*ast;	/* a literal node for a constant */
	bool			 is_expr;
	int			 line;
};

enum rdl_side { RDL_SIDE_DEFAULT, RDL_SIDE_TOP, RDL_SIDE_BOTTOM,
	RDL_SIDE_LEFT, RDL_SIDE_RIGHT, RDL_SIDE__N };

struct rdl_border {
	struct rdl_expr	*style, *color, *width;
};

/* Style properties that show; any may be NULL (not set). */
struct rdl_style {
	struct rdl_expr	*font_family, *font_size, *font_weight, *font_style;
	struct rdl_expr	*color, *background_color, *format, *text_align;
	struct rdl_expr	*vertical_align, *text_decoration;
	struct rdl_expr	*language;	/* Language: the culture of formats */
	struct rdl_expr	*gradient_end;	/* BackgroundGradientEndColor */
	struct rdl_expr	*gradient;	/* BackgroundGradientType */
	struct rdl_expr	*padding[4];	/* left, right, top, bottom */
	struct rdl_border border[RDL_SIDE__N];
};

enum rdl_item_kind { RDL_TEXTBOX, RDL_RECTANGLE, RDL_LINE, RDL_IMAGE,
	RDL_TABLIX, RDL_CHART, RDL_GAUGE, RDL_MAP };

/* DataElementOutput: which items become data in CSV and XML. */
enum rdl_deo { RDL_DEO_AUTO, RDL_DEO_OUTPUT, RDL_DEO_NOOUTPUT,
	RDL_DEO_CONTENTSONLY };

struct rdl_run {
	struct rdl_expr		*value;
	struct rdl_style	 style;
};

struct rdl_paragraph {
	struct rdl_run		*runs;
	size_t			 nruns;
	struct rdl_style	 style;
};

struct rdl_tablix;
struct rdl_chart;

struct rdl_item {
	enum rdl_item_kind	 kind;
	char			*name;
	int			 line;
	double			 top, left, height, width;
	int			 zindex;
	struct rdl_style	 style;
	struct rdl_expr		*hidden;	/* Visibility/Hidden */
	char			*data_element_name;	/* default: name */
	enum rdl_deo		 deo;
	/* Textbox */
	struct rdl_paragraph	*paras;
	size_t			 nparas;
	char			*hide_duplicates;	/* scope name or NULL */
	bool			 constant;	/* all runs constant */
	bool			 can_grow;	/* CanGrow: the row grows */
	bool			 can_shrink;	/* CanShrink (paginated body) */
	/* Rectangle */
	struct rdl_item		**items;
	size_t			 nitems;
	/* Image (embedded only) */
	int			 image;		/* index in embedded images */
	/* Tablix */
	struct rdl_tablix	*tablix;
	/* Chart */
	struct rdl_chart	*chart;
	/* GaugePanel */
	struct rdl_gauge_panel	*gauge;
	/* Map */
	struct rdl_map		*map;
};

enum rdl_filter_op { RDL_F_EQUAL, RDL_F_NOTEQUAL, RDL_F_GREATER,
	RDL_F_GREATEREQ, RDL_F_LESS, RDL_F_LESSEQ, RDL_F_LIKE, RDL_F_IN,
	RDL_F_BETWEEN, RDL_F_TOPN, RDL_F_BOTTOMN, RDL_F_TOPPERCENT,
	RDL_F_BOTTOMPERCENT };

/* TopN, BottomN, TopPercent, BottomPercent: they rank a set of rows or
 * group instances, so they apply to the set, not to one row. */
#define RDL_FILTER_RANKS(op)	((op) >= RDL_F_TOPN)

struct rdl_filter {
	struct rdl_expr		*expr;
	enum rdl_filter_op	 op;
	struct rdl_expr		**values;
	size_t			 nvalues;
};

struct rdl_sort {
	struct rdl_expr		*value;
	bool			 descending;
};

enum rdl_break { RDL_BREAK_NONE, RDL_BREAK_START, RDL_BREAK_END,
	RDL_BREAK_STARTEND, RDL_BREAK_BETWEEN };

/* A report or group variable (Variables/Variable). */
struct rdl_variable {
	char			*name;
	struct rdl_expr		*value;
	bool			 writable;	/* SetValue allowed (report only) */
	int			 line;
};

struct rdl_group {
	char			*name;
	struct rdl_variable	*vars;		/* group variables */
	size_t			 nvars;
	struct rdl_expr		**exprs;	/* none: the details group */
	size_t			 nexprs;
	struct rdl_filter	*filters;
	size_t			 nfilters;
	enum rdl_break		 page_break;
	char			*data_element_name;	/* default: name */
};

/* A member of the row hierarchy; a leaf is one TablixRow (in a chart's
 * category or series hierarchy, a leaf is a data point or series). */
struct rdl_member {
	struct rdl_group	*group;		/* NULL: static */
	struct rdl_sort		*sorts;
	size_t			 nsorts;
	struct rdl_item		*header;	/* TablixHeader cell, or NULL */
	double			 header_size;	/* its Size */
	struct rdl_member	*children;
	size_t			 nchildren;
	bool			 repeat_on_new_page;
	bool			 keep_with_next;	/* KeepWithGroup=After */
	char			*data_element_name;	/* collection name */
	enum rdl_deo		 deo;
	struct rdl_expr		*hidden;
	int			 row;		/* leaf: TablixRows index, or -1 */
	int			 line;
	struct rdl_expr		*label;		/* ChartMember/Label */
};

struct rdl_cell {
	struct rdl_item		*item;	/* NULL for a cell covered by a span */
	int			 colspan;
};

struct rdl_row {
	double			 height;
	struct rdl_cell		*cells;		/* ncols of them */
};

struct rdl_tablix {
	int			 dataset;	/* index in report datasets */
	double			*col_widths;
	size_t			 ncols;
	struct rdl_row		*rows;
	size_t			 nrows;
	struct rdl_member	*members;	/* row hierarchy, top level */
	size_t			 nmembers;
	int			 header_cols;	/* row-header columns */
	/* Column hierarchy: leaves map onto the body columns, in order. */
	struct rdl_member	*col_members;
	size_t			 ncol_members;
	int			 header_rows;	/* column-header rows */
	bool			 matrix;	/* column groups or headers */
	struct rdl_item		**corner;	/* header_rows x header_cols */
	struct rdl_sort		*sorts;
	size_t			 nsorts;
	struct rdl_filter	*filters;
	size_t			 nfilters;
	struct rdl_expr		*no_rows_message;
	enum rdl_break		 page_break;
};

/* ---- Chart (rdl/chart.c) ---- */

enum rdl_chart_type { RDL_CHART_COLUMN, RDL_CHART_BAR, RDL_CHART_LINE,
	RDL_CHART_AREA, RDL_CHART_PIE, RDL_CHART_DOUGHNUT, RDL_CHART_SCATTER,
	RDL_CHART_BUBBLE };

enum rdl_chart_stack { RDL_STACK_NONE, RDL_STACK_STACKED,
	RDL_STACK_PERCENT };

/* ChartAxis: every property may be an expression. */
struct rdl_chart_axis {
	char			*name;
	struct rdl_expr		*visible, *min, *max, *interval, *log_scale;
	struct rdl_expr		*reverse, *margin, *include_zero, *angle;
	struct rdl_expr		*title;		/* ChartAxisTitle/Caption */
	struct rdl_style	 style, title_style;
	struct rdl_expr		*major_grid, *minor_grid;	/* Enabled */
	struct rdl_style	 grid_style;
	bool			 opposite;	/* Location=Opposite */
};

/* ChartDataPoint: the values of a point and how it shows. */
struct rdl_chart_point {
	struct rdl_expr		*y, *x, *size;
	struct rdl_expr		*label;		/* ChartDataLabel/Label */
	struct rdl_expr		*label_visible;
	bool			 value_as_label;	/* UseValueAsLabel */
	struct rdl_style	 label_style;
	struct rdl_style	 style;		/* Color of the point */
	struct rdl_expr		*marker, *marker_size;	/* ChartMarker */
};

struct rdl_chart_series {
	char			*name;
	int			 line;
	enum rdl_chart_type	 type;
	enum rdl_chart_stack	 stack;
	struct rdl_chart_point	*points;	/* one per category leaf */
	size_t			 npoints;
	struct rdl_style	 style;
	char			*value_axis;	/* ValueAxisName */
	struct rdl_expr		*hidden, *legend_hidden;
	double			 point_width;	/* CustomProperty PointWidth */
};

struct rdl_chart_title {
	struct rdl_expr		*caption, *hidden, *position;
	struct rdl_style	 style;
};

struct rdl_chart {
	int			 dataset;
	struct rdl_member	*categories;	/* ChartCategoryHierarchy */
	size_t			 ncategories;
	struct rdl_member	*series_members;	/* ChartSeriesHierarchy */
	size_t			 nseries_members;
	struct rdl_chart_series	*series;	/* one per series leaf */
	size_t			 nseries;
	size_t			 ncat_leaves;
	struct rdl_chart_axis	*cat_axes, *val_axes;	/* first ChartArea */
	size_t			 ncat_axes, nval_axes;
	struct rdl_style	 area_style;	/* the plot area */
	struct rdl_expr		*legend_hidden, *legend_position;
	struct rdl_style	 legend_style;
	bool			 has_legend;
	struct rdl_chart_title	*titles;
	size_t			 ntitles;
	struct rdl_expr		*palette;
	struct rdl_expr		**custom_colors;	/* ChartCustomPaletteColors */
	size_t			 ncustom_colors;
	struct rdl_expr		*no_data;	/* ChartNoDataMessage/Caption */
	struct rdl_style	 no_data_style;
	struct rdl_filter	*filters;
	size_t			 nfilters;
	struct rdl_sort		*sorts;
	size_t			 nsorts;
};

/* ---- GaugePanel (rdl/gauge.c) ---- */

enum rdl_gauge_kind { RDL_GAUGE_RADIAL, RDL_GAUGE_LINEAR,
	RDL_GAUGE_INDICATOR };

/* ScaleRange: StartValue to EndValue (Nothing: the scale's end). */
struct rdl_gauge_range {
	struct rdl_expr		*start, *end;
	struct rdl_expr		*start_width, *end_width, *distance;
	struct rdl_style	 style;		/* BackgroundColor fills it */
};

/* RadialPointer or LinearPointer. */
struct rdl_gauge_pointer {
	struct rdl_expr		*type;		/* Needle, Marker, Bar */
	struct rdl_expr		*value;		/* GaugeInputValue */
	struct rdl_expr		*multiplier;
	struct rdl_expr		*width, *distance, *marker_length, *hidden;
	struct rdl_style	 style;
	struct rdl_style	 cap_style;	/* PointerCap */
	struct rdl_expr		*cap_width, *cap_hidden;
};

/* IndicatorState: StartValue to EndValue (Nothing: unbounded). */
struct rdl_gauge_state {
	char			*name;
	struct rdl_expr		*start, *end, *color, *icon;
};

struct rdl_gauge {
	enum rdl_gauge_kind	 kind;
	char			*name;
	struct rdl_expr		*top, *left, *width, *height;	/* percent */
	struct rdl_style	 frame_style;	/* BackFrame */
	struct rdl_expr		*frame_shape;
	/* The first scale of a radial or linear gauge. */
	struct rdl_expr		*pivot_x, *pivot_y, *radius, *start_angle;
	struct rdl_expr		*sweep, *orientation, *position;
	struct rdl_expr		*min, *max, *interval, *scale_width;
	struct rdl_style	 scale_style;
	struct rdl_expr		*major_len, *major_width, *major_hidden;
	struct rdl_expr		*minor_len, *minor_width, *minor_hidden;
	struct rdl_style	 major_style, minor_style;
	struct rdl_expr		*labels_hidden, *label_interval;
	struct rdl_expr		*labels_font_percent;
	struct rdl_style	 label_style;
	struct rdl_gauge_range	*ranges;
	size_t			 nranges;
	struct rdl_gauge_pointer *pointers;
	size_t			 npointers;
	/* A StateIndicator. */
	struct rdl_expr		*value, *multiplier, *transformation;
	struct rdl_gauge_state	*states;
	size_t			 nstates;
};

struct rdl_gauge_label {
	char			*name;
	struct rdl_expr		*text, *top, *left, *width, *height, *hidden;
	struct rdl_expr		*font_percent;
	struct rdl_style	 style;
	char			*parent;	/* ParentItem, or NULL */
};

struct rdl_gauge_panel {
	int			 dataset;
	struct rdl_gauge	*gauges;
	size_t			 ngauges;
	struct rdl_gauge_label	*labels;
	size_t			 nlabels;
	struct rdl_filter	*filters;
	size_t			 nfilters;
};

/* ---- Map (rdl/map.c) ---- */

/* A MapPolygon: its spatial data (well-known binary) and fields. */
struct rdl_map_polygon {
	unsigned char		*wkb;
	size_t			 wkb_len;
	char			**names, **values;	/* MapFields */
	size_t			 nfields;
};

/* A MapPolygonLayer, its template, colour rule and binding. */
struct rdl_map_layer {
	struct rdl_style	 style;		/* MapPolygonTemplate */
	struct rdl_expr		*label, *hidden;
	bool			 has_rule;	/* MapColorRangeRule */
	struct rdl_expr		*data_value, *start_color, *middle_color;
	struct rdl_expr		*end_color, *bucket_count, *legend_text;
	struct rdl_expr		*start_value, *end_value;
	char			*binding_field;	/* MapBindingFieldPair */
	struct rdl_expr		*binding;
	struct rdl_map_polygon	*polygons;
	size_t			 npolygons;
};

struct rdl_map {
	int			 dataset;	/* -1: no MapDataRegion */
	struct rdl_member	*member;	/* its MapMember, or NULL */
	struct rdl_filter	*filters;
	size_t			 nfilters;
	struct rdl_map_layer	*layers;
	size_t			 nlayers;
	struct rdl_expr		*title, *legend_title;
	struct rdl_style	 title_style, legend_style, viewport_style;
};

struct rdl_field {
	char			*name;
	char			*data_field;	/* NULL: calculated */
	struct rdl_expr		*value;		/* calculated field */
	enum expr_type		 type_hint;	/* from rd:TypeName */
	bool			 decimal;	/* System.Decimal: 6 places */
};

struct rdl_query_param {
	char			*name;		/* "@Year", as written */
	struct rdl_expr		*value;
};

/* CommandType: Text, StoredProcedure (CommandText is its name) or
 * TableDirect (the table's name). */
enum rdl_command { RDL_CMD_TEXT, RDL_CMD_PROCEDURE, RDL_CMD_TABLE };

struct rdl_dataset {
	char			*name;
	int			 line;
	int			 datasource;	/* index */
	enum rdl_command	 command;
	char			*command_text;
	/* A report's dataset over a shared dataset: its reference (an .rsd
	 * in the catalog, a path or a name); qparams then give the values
	 * of the shared dataset's Parameters; datasource is -1. */
	char			*shared_ref;
	struct rdl_query_param	*qparams;
	size_t			 nqparams;
	struct rdl_field	*fields;
	size_t			 nfields;
	struct rdl_filter	*filters;
	size_t			 nfilters;
};

struct rdl_datasource {
	char			*name;
	int			 line;
	char			*provider;	/* DataProvider: SQL, ENTERDATA... */
	char			*connect_string;
	char			*reference;	/* DataSourceReference, or NULL */
};

struct rdl_valid_value {
	struct rdl_expr		*value, *label;
};

struct rdl_parameter {
	char			*name;
	int			 line;
	enum expr_type		 type;	/* BOOL, INT, FLOAT, STRING, DATETIME */
	bool			 nullable, allow_blank, multi, hidden;
	char			*prompt;	/* NULL: not prompted */
	struct rdl_expr		**defaults;
	size_t			 ndefaults;
	int			 default_dataset;	/* -1: none */
	char			*default_field;
	struct rdl_valid_value	*valid;
	size_t			 nvalid;
	int			 valid_dataset;		/* -1: none */
	char			*valid_value_field, *valid_label_field;
};

struct rdl_band {
	double			 height;
	bool			 print_on_first, print_on_last;
	struct rdl_item		**items;
	size_t			 nitems;
	struct rdl_style	 style;
};

struct rdl_page {
	double			 height, width;		/* default 11in x 8.5in */
	double			 margin[4];		/* left, right, top, bottom */
	double			 interactive_height;
	struct rdl_band		*header, *footer;
	struct rdl_style	 style;
};

struct rdl_image {
	char			*name, *mime;
	unsigned char		*data;
	size_t			 len;
};

struct rdl_report {
	int			 version;	/* 2008, 2010 or 2016 */
	char			*name;		/* the catalog name */
	char			*description, *author, *language;
	char			*data_element_name;	/* XML root */
	char			*default_font;	/* df:DefaultFontFamily, or NULL */
	char			*data_schema;	/* DataSchema: XML namespace */
	struct rdl_datasource	*datasources;
	size_t			 ndatasources;
	struct rdl_dataset	*datasets;
	size_t			 ndatasets;
	struct rdl_parameter	*params;
	size_t			 nparams;
	struct rdl_item		**body;
	size_t			 nbody;
	double			 body_height, width;
	struct rdl_style	 body_style;
	struct rdl_page		 page;
	struct rdl_image	*images;
	size_t			 nimages;
	struct rdl_expr		*language_prop;	/* Language, as written */
	struct rdl_variable	*vars;		/* report variables */
	size_t			 nvars;
	struct expr_code	*code;		/* the Code block, or NULL */
};

/*
 * The other two kinds of definition a report server stores: a shared
 * data source (an .rds file, <RptDataSource>, or the server's own
 * <DataSourceDefinition>) and a shared dataset (an .rsd file,
 * <SharedDataSet>).
 */
struct rdl_shared_source {
	char			*extension;	/* Extension: SQLITE, ... */
	char			*connect_string;
	bool			 enabled;
};

/* A parameter of a shared dataset (<Parameters><Parameter>). */
struct rdl_dataset_param {
	char			*name;
	enum expr_type		 type;		/* EXPR_T_NULL: String */
	bool			 nullable, multi, omit;
	bool			 query;		/* a DataSetParameter: @Name of
						   the query itself */
	struct rdl_expr		**defaults;	/* constants or expressions */
	size_t			 ndefaults;
	bool			 has_default;
};

struct rdl_shared_dataset {
	struct rdl_datasource	 source;	/* its DataSourceReference */
	struct rdl_dataset	 dataset;	/* datasource is -1 */
	struct rdl_dataset_param *params;
	size_t			 nparams;
};

enum rdl_kind { RDL_REPORT, RDL_DATASOURCE, RDL_DATASET };

/*
 * Why a definition was refused, for callers that answer with codes.  A
 * report is XML or CONTENT (the message says which element or function);
 * the shared kinds also say ELEMENT and EXTENSION.
 */
enum rdl_fault {
	RDL_FAULT_NONE,
	RDL_FAULT_XML,		/* not well-formed XML */
	RDL_FAULT_ELEMENT,	/* an element outside what is supported */
	RDL_FAULT_EXTENSION,	/* a data extension that is not supported */
	RDL_FAULT_CONTENT,	/* anything else */
};

struct rdl_definition {
	enum rdl_kind		 kind;
	enum rdl_fault		 fault;		/* set when refused */
	struct rdl_report	*report;	/* RDL_REPORT */
	struct rdl_shared_source *source;	/* RDL_DATASOURCE */
	struct rdl_shared_dataset *dataset;	/* RDL_DATASET */
};

/*
 * The check every definition passes before anything uses or stores it
 * (rsrender --check and every way into the report server's catalog):
 * parses len bytes as a definition of the kind, with everything the
 * renderer supports and nothing else, from the same tables the renderer
 * uses.  Fills *out (rdl_definition_fini frees it) and returns 0, or
 * returns -1 with out->fault and RS_E_BADINPUT ("line L, column C: the
 * definition is not well-formed XML: ...", "line N: <Element>: what is
 * wrong; supported: ...") or RS_E_LIMIT.  name: as for rdl_parse.
 */
int	rdl_check(enum rdl_kind, const char *xml, size_t len,
	    const char *name, struct rdl_definition *out, struct rs_err *);
void	rdl_definition_fini(struct rdl_definition *);
/* The kind a file name means: .rds, .rsd, else a report (.rdl). */
enum rdl_kind	rdl_kind_of_name(const char *);
const char	*rdl_kind_name(enum rdl_kind);	/* "report", ... */

/*
 * Parses and validates a definition of len bytes.  name is the report's
 * name (Globals!ReportName, the XML root); it is copied.  Returns a new
 * report owned by the caller (rdl_free), or NULL with RS_E_BADINPUT
 * ("line N: <Element>: what is wrong; supported: ...") or RS_E_LIMIT.
 */
struct rdl_report *rdl_parse(const char *xml, size_t len, const char *name,
    struct rs_err *);
void	rdl_free(struct rdl_report *);

/* Index of a dataset or datasource by name, or -1. */
int	rdl_dataset_find(const struct rdl_report *, const char *name);
int	rdl_field_find(const struct rdl_dataset *, const char *name);

/* Parses an RDL size ("1.5in", "2cm", "10pt") into points; -1 if bad. */
double	rdl_size(const char *);

#endif
