/*
 * render.h: runs a parsed report and renders it into a sink.  The caller
 * (bin/rsrender, or the report server's URL access) passes the report,
 * the parameter values as URL strings, a resolver for data sources (the
 * catalog resolves shared references), the rc: device-information
 * settings and a write callback; render_report() retrieves the data,
 * processes it (groups, sorts, aggregates, expressions) and writes the
 * chosen format, filling an execution-log record with timings, rows,
 * bytes and status.
 *
 * Formats: CSV, XML and HTML5 stream (a plain detail table is rendered
 * row by row as the query returns them, in bounded memory); PDF and
 * IMAGE (PNG) lay the report out into pages (layout/) and draw them with
 * cairo (graphics/), PDF page by page; EXCELOPENXML (libxlsxwriter)
 * builds its file in a temporary file and writes it at the end.  No socket or catalog access in
 * here.  Safe to call from several threads at once on one report.
 */
#ifndef RS_RENDER_RENDER_H
#define RS_RENDER_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "data/data.h"
#include "rdl/rdl.h"

#define RENDER_ROWS_MAX		5000000		/* rows kept for grouping */
#define RENDER_MEM_MAX		((size_t)1 << 30)	/* bytes of kept rows */
#define RENDER_PARAM_VALUES_MAX	1000

/* One report parameter value from the URL; repeat a name: multi-value. */
struct render_param_in {
	const char	*name;
	const char	*value;		/* ignored when isnull */
	bool		 isnull;	/* Name:isnull=true */
};

/* One rc: device-information setting (name without "rc:"). */
struct render_opt {
	const char	*name;
	const char	*value;
};

/*
 * Resolves a report's data source into a backend.  Called once per data
 * source the report uses, before any query.  Fill *out or return -1 with
 * an error (RS_E_NOTFOUND for a shared reference that does not exist).
 */
typedef int (*render_resolve_fn)(void *arg, const struct rdl_datasource *,
    struct data_source *out, struct rs_err *);

/*
 * Resolves a report dataset's SharedDataSetReference into the shared
 * dataset it names: fill *out (rdl_check of an .rsd; the render calls
 * rdl_definition_fini on it) or return -1 with an error (RS_E_NOTFOUND
 * when there is no such shared dataset).
 */
typedef int (*render_dataset_fn)(void *arg, const char *reference,
    struct rdl_definition *out, struct rs_err *);

/* The sink.  Returns 0, or -1 to stop the render (e.g. client gone). */
typedef int (*render_write_fn)(void *arg, const void *data, size_t len,
    struct rs_err *);

struct render_request {
	const struct rdl_report	*report;
	const char		*format;	/* see render_format_mime */
	const struct render_param_in *params;
	size_t			 nparams;
	const struct render_opt	*devinfo;
	size_t			 ndevinfo;
	render_resolve_fn	 resolve;	/* NULL: render_resolve_default */
	void			*resolve_arg;
	render_dataset_fn	 resolve_dataset;	/* NULL: shared datasets
							   are refused */
	void			*resolve_dataset_arg;
	render_write_fn		 write;
	void			*write_arg;
	const char		*user_id;	/* User!UserID */
	const char		*report_folder;	/* Globals!ReportFolder */
	const char		*url_base;	/* HTML links: "/ReportServer?/F/R" */
	const char		*param_language; /* rs:ParameterLanguage, e.g.
						    "de-DE"; NULL: en-US */
	int64_t			 execution_time;	/* ms local; 0: now */
	/*
	 * Stored report data (snapshots, history, cache: issue 15).  When
	 * record is set it sees each row a dataset's query returns, as the
	 * query returned it (row NULL first: the dataset starts over); when
	 * replay is set it hands a dataset's stored rows to fn instead of
	 * running the query, so a stored snapshot renders without querying.
	 */
	int	(*record)(void *arg, int dataset, const struct expr_value *row,
		    size_t ncolumns, struct rs_err *);
	int	(*replay)(void *arg, int dataset, data_row_fn fn, void *fnarg,
		    size_t *rows, struct rs_err *);
	void	*data_arg;
};

/* The execution-log record (ExecutionLog3's columns we can fill). */
struct render_log {
	int64_t		 time_start;		/* ms since 1970, UTC */
	int64_t		 time_end;
	int64_t		 time_data_ms;		/* TimeDataRetrieval */
	int64_t		 time_processing_ms;	/* TimeProcessing */
	int64_t		 time_rendering_ms;	/* TimeRendering */
	uint64_t	 rows;			/* RowCount */
	uint64_t	 bytes;			/* ByteCount */
	char		 format[32];
	char		 status[64];	/* "rsSuccess" or the first error's code */
	int		 pages;		/* pages of a paginated format (HTML's
					   soft pages, PDF); 1 otherwise */
};

/*
 * Renders.  The log is filled in every case (status names the failure).
 * Returns 0, or -1: RS_E_USAGE for a bad format or parameter
 * (rsReportParameterValueNotSet, rsInvalidReportParameter ... in the
 * message), RS_E_BADINPUT for a query or expression error, RS_E_IO for an
 * unreachable database, RS_E_LIMIT past a limit, or the sink's error.
 * Output already written stays written (the caller decides what a
 * partial response means).
 */
int	render_report(const struct render_request *, struct render_log *,
	    struct rs_err *);

/*
 * The report's parameters as the request leaves them, for a parameter pane
 * or REST's ParameterDefinitions: each one's current values (from the
 * request, else its defaults), its valid values and labels (static or run
 * from their dataset), and its state.  Only report->params, params,
 * resolve and user_id of the request are used; nothing is rendered.
 */
struct render_param_def {
	const struct rdl_parameter *def;	/* borrowed from the report */
	struct expr_param	 value;		/* current values (owned) */
	struct expr_param	 valid;		/* valid values; 0 of them: any */
	const char		*state;		/* HasValidValue, MissingValidValue,
						   DynamicValuesUnavailable */
	char			 error[512];	/* why, when not HasValidValue */
};

/*
 * Fills *defs with report->nparams entries (free with
 * render_parameters_free).  A parameter without a usable value is not an
 * error here: its state says so.  Returns 0, or -1 when a data source
 * cannot be resolved.
 */
int	render_parameters(const struct render_request *,
	    struct render_param_def **defs, struct rs_err *);
void	render_parameters_free(struct render_param_def *, size_t n);

/*
 * The default resolver: ENTERDATA, and the providers SQLITE (ConnectString
 * is the path) and POSTGRESQL (ConnectString is a libpq conninfo).  A SQL
 * Server data source or a shared reference fails with a hint.  arg, when
 * not NULL, is the server's const struct data_policy: an embedded SQLite
 * file is confined to its folder and a PostgreSQL connection to the
 * databases it allows (data_source_confine), so a published report cannot
 * open the server's own databases or whatever its OS user may reach.
 */
int	render_resolve_default(void *arg, const struct rdl_datasource *,
	    struct data_source *out, struct rs_err *);

/* MIME type and file extension of a format; NULL when not supported. */
const char *render_format_mime(const char *format);
const char *render_format_extension(const char *format);

/* The supported formats, comma separated, for messages. */
#define RENDER_FORMATS	"HTML5, MHTML, CSV, XML, PDF, IMAGE, EXCELOPENXML"

#endif
