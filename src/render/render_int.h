/*
 * render_int.h: shared by the files of render/ only.  Processing
 * (process.c) walks the report and calls a renderer's operations
 * (struct rops) with evaluated cells and rows; each format implements
 * them.  Kept datasets are arrays of rows, each row one allocation.
 */
#ifndef RS_RENDER_INT_H
#define RS_RENDER_INT_H

#include "common/buf.h"
#include "graphics/graphics.h"
#include "render/render.h"

/* A dataset's rows after calculated fields and filters. */
struct rowset {
	struct expr_value	**rows;	/* each row: nfields values, one block */
	size_t			 nrows, cap;
	size_t			 bytes;
	bool			 done;	/* the query ran */
};

/* Resolved style of a cell (what the layout renderers draw). */
struct rstyle {
	char	 font_family[64];
	double	 font_size;		/* pt */
	bool	 bold, italic, underline;
	char	 color[32];		/* "" : default black */
	char	 background[32];	/* "" : none */
	char	 align[8];		/* Left, Center, Right, General */
	char	 valign[8];		/* Top, Middle, Bottom */
	double	 padding[4];		/* left, right, top, bottom */
	struct {
		char	 style[12];	/* None, Solid, Dotted, Dashed, Double */
		char	 color[32];
		double	 width;
	} border[4];			/* top, bottom, left, right */
	char	 format[64];
};

struct rcell {
	const struct rdl_item	*item;	/* NULL: empty cell */
	struct expr_value	 value;	/* owned */
	char			*text;	/* formatted, owned ("" if none) */
	int			 colspan;
	double			 width;
	bool			 hidden;	/* HideDuplicates or Hidden */
	bool			 is_data;	/* becomes CSV/XML data */
	struct rcell		*sub;	/* a rectangle's textboxes */
	size_t			 nsub;
	struct gfx_chart	*chart;	/* a sparkline or data bar, owned
					   (the layout formats may take it) */
	/* Last, and only filled for the layout formats (ops->styles). */
	struct rstyle		 st;
};

enum rrow_kind { RROW_STATIC, RROW_DETAIL, RROW_MESSAGE };

struct rrow {
	const struct rdl_item	*tablix;
	enum rrow_kind		 kind;
	bool			 repeat;	/* RepeatOnNewPage header row */
	bool			 keep_next;	/* KeepWithGroup=After */
	double			 height;
	struct rcell		*cells;
	size_t			 ncells;
};

enum scope_kind { SCOPE_TABLIX, SCOPE_COLLECTION, SCOPE_INSTANCE };

struct scope_info {
	enum scope_kind		 kind;
	const char		*name;		/* element name */
	struct rcell		**data;		/* data cells at this level */
	size_t			 ndata;
	bool			 leaf;		/* an instance with no groups in */
};

struct rctx;

struct rops {
	const char	*name;
	bool		 styles;	/* evaluate styles */
	bool		 items_first;	/* body textboxes before data regions */
	int	(*begin)(struct rctx *);
	int	(*body_item)(struct rctx *, const struct rdl_item *,
		    struct rcell *, double y);
	int	(*tablix_begin)(struct rctx *, const struct rdl_item *,
		    double y);
	int	(*scope_begin)(struct rctx *, const struct scope_info *);
	int	(*row)(struct rctx *, const struct rrow *);
	int	(*scope_end)(struct rctx *, const struct scope_info *);
	int	(*page_break)(struct rctx *);
	/* Returns the height the data region took, for the flow layout. */
	int	(*tablix_end)(struct rctx *, const struct rdl_item *,
		    double *height);
	/*
	 * Optional.  A chart, evaluated: the format takes it (frees it, also
	 * on failure).  NULL: the format shows no charts (CSV, XML).
	 */
	int	(*chart)(struct rctx *, const struct rdl_item *,
		    struct gfx_chart *, double y);
	/* Optional: after a rectangle's items; a data region or chart that
	 * is hidden (takes no room). */
	int	(*item_end)(struct rctx *, const struct rdl_item *);
	int	(*hidden_item)(struct rctx *, const struct rdl_item *);
	int	(*end)(struct rctx *);
	void	(*free)(struct rctx *);
};

struct scope_frame {
	const char		*name;	/* group, tablix or dataset name */
	const struct rdl_group	*group;	/* a group's instance, or NULL */
	struct expr_value	**rows;
	size_t			 nrows;
	int64_t			 pos;	/* detail rows emitted so far */
	uint64_t		 gen;	/* tells instances apart */
	struct expr_value	*vars;	/* its group's variables, once used */
	unsigned char		*vstate;
	size_t			 nvars;
};

/* Lookup: the destination keys of a dataset, sorted, per node. */
struct lookup {
	const struct expr_node	*node;
	int			 ds;
	struct expr_value	*keys;	/* sorted */
	size_t			*rows;	/* row index of each key */
	size_t			 n;
};

/* RunningValue and Previous: one state per expression node. */
struct running {
	const struct expr_node	*node;
	uint64_t		 gen;	/* the scope instance it counts in */
	int64_t			 pos;	/* the detail row last added */
	struct expr_agg		 acc;
	struct expr_value	 prev, cur;
};

#define SCOPE_DEPTH_MAX	(RDL_MAX_DEPTH + 4)

struct rctx {
	const struct render_request *req;
	const struct rdl_report	*r;
	const struct rops	*ops;
	void			*fmt;		/* the format's state */
	struct buf		*capture;	/* set: rctx_write keeps the
						   output here (an envelope's) */
	/* Device information the format fixes, then its defaults
	 * ("Name=value"; NULL-terminated, or NULL). */
	const char *const	*devinfo_fixed, *const *devinfo_defaults;
	struct render_log	*log;
	struct rs_err		*e;
	struct data_source	*sources;	/* per report data source */
	struct rowset		*sets;		/* per dataset */
	struct expr_param	*params;
	size_t			 nparams;
	struct expr_globals	 globals;
	struct expr_env		 env;
	struct scope_frame	 stack[SCOPE_DEPTH_MAX];
	size_t			 depth;
	uint64_t		 gens;
	struct running		*running;
	size_t			 nrunning;
	struct lookup		*lookups;
	size_t			 nlookups;
	/* ReportItems! in page headers and footers: first text per page. */
	const char		**ritems;	/* names the bands use */
	size_t			 nritems;
	struct pageval {
		int	 page;
		const char *name;
		char	*text;
	}			*pagevals;
	size_t			 npagevals;
	/* HideDuplicates: last text per item, reset per scope instance. */
	const struct rdl_item	**dup_items;
	char			**dup_text;
	size_t			 ndup;
	uint64_t		 bytes;
	int64_t			 t_render_ns;	/* time inside the sink path */
	int64_t			 t_data_ns;
	bool			 streaming;
	bool			 in_detail;	/* evaluating a detail row */
	int			 hide_depth;	/* inside hidden members */
	struct rcell		*pending_hdr;	/* row headers not yet shown */
	int			 npending;
	/* scope.c: variables, cultures, ReportItems! in the body. */
	struct expr_value	*rvars;		/* report variables, once used */
	unsigned char		*rvstate;
	const struct rdl_group	**vgroups;	/* groups with variables */
	size_t			 nvgroups;
	struct {
		char			*name;
		struct expr_culture	*c;
	}			*cultures;
	size_t			 ncultures;
	const struct expr_culture *culture;	/* the report's Language */
	int			 ritem_depth;
	bool			 in_band;	/* a page header or footer */
	struct rdl_definition	*shareds;	/* per dataset, once resolved */
};

/* render.c */
int	rctx_write(struct rctx *, const void *, size_t);
int	rctx_puts(struct rctx *, const char *);
int	rctx_printf(struct rctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
const char *devinfo(const struct rctx *, const char *name, const char *dflt);
bool	devinfo_bool(const struct rctx *, const char *name, bool dflt);
int64_t	mono_ns(void);
int64_t	coarse_ns(void);	/* cheap, ~4 ms resolution */

/* dataset.c */
typedef int (*row_fn)(struct rctx *, struct expr_value *row, void *arg);
int	dataset_run(struct rctx *, int ds, row_fn fn, void *arg);
int	dataset_keep(struct rctx *, int ds);
/* shared.c: a dataset over a shared dataset: the shared dataset and its
 * data source; the values of its parameters. */
const struct rdl_shared_dataset *shared_get(struct rctx *, int ds,
	    struct data_source *src);
int	shared_params(struct rctx *, const struct rdl_dataset *,
	    const struct rdl_shared_dataset *, struct expr_param **, size_t *);
void	shared_params_free(struct expr_param *, size_t);
/* Resolves every shared dataset (before any output: a missing one is an
 * error the caller can still answer with its status). */
int	shareds_resolve(struct rctx *);
void	shareds_free(struct rctx *);
/* Evaluates filters against the environment's current row (the rank
 * filters, TopN and the like, pass here: see rank.c). */
int	filters_pass(struct rctx *, const struct rdl_filter *, size_t, bool *);

/* rank.c: TopN, BottomN, TopPercent, BottomPercent. */
bool	filters_rank_any(const struct rdl_filter *, size_t);
/* Keeps (in order) the rows the rank filters let through; row scope. */
int	filters_rank_rows(struct rctx *, const struct rdl_filter *, size_t,
	    struct expr_value **rows, size_t *n);
/* One rank filter over n items with the given values: clears keep[i] of
 * the items it drops. */
int	filters_rank_values(struct rctx *, const struct rdl_filter *,
	    const struct expr_value *vals, size_t n, bool *keep);
struct skey;
/* keep[i]: does instance i of the group pass its rank filters (each
 * instance valued in its own scope)? */
int	filters_rank_groups(struct rctx *, const struct rdl_group *,
	    struct expr_value **rows, const struct skey *inst, size_t ni,
	    bool *keep);
void	rowsets_free(struct rctx *);

/* params.c */
int	params_resolve(struct rctx *);
void	params_free(struct rctx *);
/* The valid values (and labels) of a parameter; free with the next. */
int	params_valid_list(struct rctx *, const struct rdl_parameter *,
	    struct expr_param *);
void	params_list_free(struct expr_param *);
/* render_parameters(): every parameter with its values and state. */
int	params_describe(struct rctx *, struct render_param_def *);

/* process.c */
int	process_report(struct rctx *);
int	eval_prop(struct rctx *, const struct rdl_expr *, struct expr_value *);
int	eval_text(struct rctx *, const struct rdl_item *, struct rcell *);
void	rcell_fini(struct rcell *);
/* A deep copy of a row (without a rectangle's sub-cells); rrow_fini. */
void	rrow_copy(struct rrow *dst, const struct rrow *src);
void	rrow_fini(struct rrow *);
void	running_free(struct rctx *);
/* running.c: RunningValue and Previous of node n in frame f. */
int	running_value(struct rctx *, const struct expr_node *n,
	    const struct scope_frame *f, struct expr_value *out);
/* Lookup(): the result for the current row, and the caches' end. */
int	lookup_eval(struct rctx *, const struct expr_node *, struct expr_value *);
void	lookups_free(struct rctx *);
/* Enters a scope instance (its rows; env.row = the first) and leaves it. */
struct scope_frame *push_frame(struct rctx *, const char *name,
	    struct expr_value **rows, size_t n);
void	pop_frame(struct rctx *);
/* chart.c: evaluates a chart and hands it to the format (ops->chart). */
int	process_chart(struct rctx *, const struct rdl_item *, double y);
/* A chart in a data region's cell over its scope's rows; NULL: failed. */
struct gfx_chart *chart_in_cell(struct rctx *, const struct rdl_item *);
/* A number in a .NET format (fmt NULL or "": as text), en-US. */
void	chart_format_value(void *, double v, const char *fmt, char *out,
	    size_t n);
/*
 * scope.c: an aggregate of an aggregate (Max(Sum(X), "T")), its outer
 * scope being frame fi.
 */
int	agg_nested(struct rctx *, const struct expr_node *, size_t fi,
	    struct expr_value *out);
/* The rows of from[0, nfrom) through filters (TopN and the like too);
 * a new array (free it), or NULL with the error. */
struct expr_value **filter_rows(struct rctx *, const struct rdl_filter *,
	    size_t nfilters, struct expr_value **from, size_t nfrom,
	    size_t *n);
/* gauge.c: a GaugePanel, evaluated and handed to the format as a chart
 * (ops->chart); in a cell, over the cell's scope (NULL: failed). */
int	process_gauge(struct rctx *, const struct rdl_item *, double y);
struct gfx_chart *gauge_in_cell(struct rctx *, const struct rdl_item *);
/* map.c: a Map, evaluated and handed to the format as a chart. */
int	process_map(struct rctx *, const struct rdl_item *, double y);
/* chart_props.c: properties of charts, in the current scope. */
int	cprop_text(struct rctx *, const struct rdl_expr *, char *, size_t);
int	cprop_num(struct rctx *, const struct rdl_expr *, double *);
int	cprop_bool(struct rctx *, const struct rdl_expr *, bool dflt, bool *);
int	cprop_color(struct rctx *, const struct rdl_expr *, uint32_t *);
int	cstyle_font(struct rctx *, const struct rdl_style *, struct gfx_font *,
	    uint32_t *color);
int	chart_axis_props(struct rctx *, const struct rdl_chart_axis *,
	    struct gfx_axis *, bool value);
int	chart_frame_props(struct rctx *, const struct rdl_item *,
	    struct gfx_chart *);
/* pagevals.c: ReportItems! for page headers and footers. */
void	ritems_collect(struct rctx *);
/* Does a page header or footer name this textbox? */
bool	ritem_wanted(const struct rctx *, const struct rdl_item *);
/* A layout format shows a textbox on a page (1-based). */
void	page_value(struct rctx *, int page, const struct rdl_item *,
	    const char *text);
void	pagevals_free(struct rctx *);

/* The value and text of a textbox (runs formatted, in its culture). */
int	textbox_value(struct rctx *, const struct rdl_item *, struct rcell *);

/* scope.c */
int	scope_init(struct rctx *);	/* variables, Code */
int	culture_init(struct rctx *);	/* the report's Language */
void	scope_fini(struct rctx *);
int	body_ritem(struct rctx *, const char *name, struct expr_value *);
bool	scope_in(const struct rctx *, const char *scope);
int	culture_get(struct rctx *, const char *name,
	    const struct expr_culture **);
int	culture_of_prop(struct rctx *, const struct rdl_expr *,
	    const struct expr_culture **);

/* Evaluates a page header or footer item (textboxes) for a page. */
int	eval_band_item(struct rctx *, const struct rdl_item *, struct rcell *);

/* Sort keys of one row (or one group instance). */
struct skey {
	struct expr_value	*row;	/* first row of the instance */
	struct expr_value	*keys;
	size_t			 idx;	/* original position: stability */
	size_t			 start, n;	/* instance slice */
};

/* group.c */
void	skeys_free(struct skey *, size_t n, size_t nkeys);
/* Orders rows by sort expressions (stable). */
int	sort_rows(struct rctx *, struct expr_value **rows, size_t n,
	    const struct rdl_sort *, size_t nsorts);
/* Splits rows into a group's instances (rows reordered, grouped). */
struct skey *group_rows_by(struct rctx *, const struct rdl_group *,
	    struct expr_value **, size_t, size_t *);
struct skey *group_rows(struct rctx *, const struct rdl_member *,
	    struct expr_value **rows, size_t n, size_t *ninst);
/* Orders instances by the member's sort expressions. */
int	sort_instances(struct rctx *, const struct rdl_member *,
	    struct expr_value **rows, struct skey *inst, size_t ni);

/* matrix.c: column groups. */
struct colinst {
	int			 leaf;		/* body column */
	struct expr_value	**rows;		/* its rows, by address */
	size_t			 n;
	const char		*scope;		/* innermost column group */
	double			 width;
	struct rcell		*hdr;		/* header cells on its path */
	size_t			 nhdr;
};

struct colhdr {
	int			 level;
	size_t			 first, count;	/* columns it spans */
	struct rcell		 cell;
	double			 height;
};

struct matrix {
	struct colinst		*cols;
	size_t			 ncols;
	struct colhdr		*hdrs;
	size_t			 nhdrs;
};

int	matrix_build(struct rctx *, const struct rdl_item *,
	    struct expr_value **rows, size_t n, struct matrix *);
int	matrix_headers(struct rctx *, const struct rdl_item *, struct matrix *);
int	matrix_cells(struct rctx *, const struct rdl_item *, struct matrix *,
	    int row, struct rcell *cells);
int	matrix_data(struct rctx *, const struct matrix *, const struct rrow *,
	    size_t hc);
void	matrix_free(struct matrix *);

/* stream.c */
/* Does an item (or anything in it) use aggregates (or also fields)? */
bool	item_uses(const struct rdl_item *, bool fields);
/* Can this data region stream (see stream.c)? */
bool	can_stream(struct rctx *, const struct rdl_item *);

/*
 * spool.c: output held back until the end of processing, in memory up to
 * SPOOL_MEM_MAX bytes, then in an unlinked temporary file.
 */
#define SPOOL_MEM_MAX	((size_t)1 << 20)
#define SPOOL_MAX	((uint64_t)4 << 30)

struct spool {
	struct buf	 mem;
	int		 fd;		/* -1 while in memory */
	uint64_t	 len;
};

void	spool_init(struct spool *);
void	spool_fini(struct spool *);
/* Appends; RS_E_LIMIT past SPOOL_MAX, RS_E_IO when the file fails. */
int	spool_write(struct spool *, const void *, size_t, struct rs_err *);
/* Copies len bytes at off into p (within what was written). */
int	spool_read(struct spool *, uint64_t off, void *p, size_t len,
	    struct rs_err *);

/* style.c */
int	style_resolve(struct rctx *, const struct rdl_item *, struct rstyle *);
/*
 * Empties s unless it is a colour a style may hold: a name (letters),
 * #hex of 3, 4, 6 or 8 digits, or rgb()/rgba() of numbers.
 */
void	style_clean_color(char *s);
/* #RRGGBB or a named colour to 0xRRGGBB; false when unknown. */
bool	color_rgb(const char *, unsigned *rgb);

/*
 * paged.c: the operations of the paginated formats, which lay the report
 * out into layout/'s page model; at the end the format's writer draws
 * the pages (pdf.c: every page into a PDF; image.c: one page as PNG).
 */
struct lay_doc;
typedef int (*paged_write_fn)(struct rctx *, struct lay_doc *);
int	paged_begin(struct rctx *, paged_write_fn);
/* The begin of PDF (pdf.c) and IMAGE (image.c): paged_begin with their
 * writer; the rest of their operations are paged_*. */
int	pdf_begin(struct rctx *);
int	image_begin(struct rctx *);
int	paged_body_item(struct rctx *, const struct rdl_item *, struct rcell *,
	    double y);
int	paged_tablix_begin(struct rctx *, const struct rdl_item *, double y);
int	paged_row(struct rctx *, const struct rrow *);
int	paged_scope(struct rctx *, const struct scope_info *);
int	paged_page_break(struct rctx *);
int	paged_tablix_end(struct rctx *, const struct rdl_item *, double *);
int	paged_chart(struct rctx *, const struct rdl_item *, struct gfx_chart *,
	    double y);
int	paged_item_end(struct rctx *, const struct rdl_item *);
int	paged_hidden_item(struct rctx *, const struct rdl_item *);
int	paged_end(struct rctx *);
void	paged_free(struct rctx *);
/* The meter the paged render measures with (for its writer). */
struct gfx_meter *paged_meter(struct rctx *);
/* Sink for graphics/ surfaces: rctx_write, keeping its error. */
int	paged_sink(void *rctx, const void *data, size_t len);

/* The formats. */
/* mhtml.c: the HTML in capture as a MIME multipart/related document. */
int	mhtml_emit(struct rctx *, const struct buf *html);
extern const struct rops rops_csv, rops_xml, rops_html, rops_pdf, rops_xlsx,
	    rops_image;

#endif
