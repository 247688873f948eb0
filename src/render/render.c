/*
 * render.c: the entry point of render/: picks the format, resolves data
 * sources and parameters, runs processing with the format's operations,
 * and fills the execution-log record.  Time spent writing output counts
 * as rendering, time inside queries as data retrieval, and the rest as
 * processing.  Also the write path every format uses (byte counting).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "render/render_int.h"

/*
 * MHTML is HTML5 with an envelope: the whole report (every page unless
 * rc:Section names one, never a toolbar or a fragment), captured and
 * handed to mhtml.c, which makes its embedded images parts of a
 * multipart/related web archive.
 */
static const char *const mhtml_fixed[] = { "Toolbar=false",
	"HTMLFragment=false", NULL };
static const char *const mhtml_defaults[] = { "Section=0", NULL };

static const struct {
	const char	*name;
	const char	*mime;
	const char	*ext;
	const struct rops *ops;
	/* Optional: the format's output is captured and given to it. */
	int		(*envelope)(struct rctx *, const struct buf *);
	const char *const *fixed, *const *defaults;
} formats[] = {
#define FMT(n, m, x, o)	.name = n, .mime = m, .ext = x, .ops = o
	{ FMT("CSV", "text/csv", "csv", &rops_csv) },
	{ FMT("XML", "text/xml", "xml", &rops_xml) },
	{ FMT("HTML5", "text/html; charset=utf-8", "html", &rops_html) },
	{ FMT("HTML4.0", "text/html; charset=utf-8", "html", &rops_html) },
	{ FMT("MHTML", "multipart/related", "mhtml", &rops_html),
	    .envelope = mhtml_emit, .fixed = mhtml_fixed,
	    .defaults = mhtml_defaults },
	{ FMT("PDF", "application/pdf", "pdf", &rops_pdf) },
	{ FMT("IMAGE", "image/png", "png", &rops_image) },
	{ FMT("EXCELOPENXML", "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet", "xlsx", &rops_xlsx) },
#undef FMT
};

static int
format_index(const char *f)
{
	for (size_t i = 0; f != NULL && i < nitems(formats); i++)
		if (strcasecmp(formats[i].name, f) == 0)
			return (int)i;
	return -1;
}

const char *
render_format_mime(const char *f)
{
	int		 i = format_index(f);

	return i < 0 ? NULL : formats[i].mime;
}

const char *
render_format_extension(const char *f)
{
	int		 i = format_index(f);

	return i < 0 ? NULL : formats[i].ext;
}

int64_t
mono_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The coarse clock costs nothing to read; the per-row split between data
 * retrieval and processing sums a million of its readings, whose errors
 * cancel out.
 */
int64_t
coarse_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t
wall_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
rctx_write(struct rctx *c, const void *p, size_t len)
{
	int64_t		 t0 = coarse_ns();
	int		 rv;

	if (len == 0)
		return 0;
	if (c->capture != NULL)
		return buf_append(c->capture, p, len, c->e);
	rv = c->req->write(c->req->write_arg, p, len, c->e);
	c->bytes += len;
	c->t_render_ns += coarse_ns() - t0;
	return rv;
}

int
rctx_puts(struct rctx *c, const char *s)
{
	return rctx_write(c, s, strlen(s));
}

int
rctx_printf(struct rctx *c, const char *fmt, ...)
{
	char		 small[512], *p = small;
	va_list		 ap;
	int		 n, rv;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return rs_err_set(c->e, RS_E_INTERNAL, "bad output format");
	if ((size_t)n >= sizeof(small)) {
		p = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	rv = rctx_write(c, p, (size_t)n);
	if (p != small)
		free(p);
	return rv;
}

/* The value of "Name=value" in list when it names name, else NULL. */
static const char *
devinfo_in(const char *const *list, const char *name)
{
	size_t		 n = strlen(name);

	for (; list != NULL && *list != NULL; list++)
		if (strncasecmp(*list, name, n) == 0 && (*list)[n] == '=')
			return *list + n + 1;
	return NULL;
}

/* What the format fixes, then the request's, then the format's default. */
const char *
devinfo(const struct rctx *c, const char *name, const char *dflt)
{
	const char	*v = devinfo_in(c->devinfo_fixed, name);

	if (v != NULL)
		return v;
	for (size_t i = 0; i < c->req->ndevinfo; i++)
		if (strcasecmp(c->req->devinfo[i].name, name) == 0)
			return c->req->devinfo[i].value;
	v = devinfo_in(c->devinfo_defaults, name);
	return v != NULL ? v : dflt;
}

bool
devinfo_bool(const struct rctx *c, const char *name, bool dflt)
{
	const char	*v = devinfo(c, name, NULL);

	if (v == NULL)
		return dflt;
	return strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

int
render_resolve_default(void *arg, const struct rdl_datasource *ds,
    struct data_source *out, struct rs_err *e)
{
	const char	*p = ds->provider != NULL ? ds->provider : "";
	const char	*cs = ds->connect_string != NULL ? ds->connect_string :
	    "";

	(void)arg;
	memset(out, 0, sizeof(*out));
	if (ds->reference != NULL)
		return rs_err_set(e, RS_E_NOTFOUND, "data source %s refers to "
		    "shared data source \"%s\", which this caller cannot "
		    "resolve; point it at a database (rsrender --datasource "
		    "%s=sqlite:PATH)", ds->name, ds->reference, ds->name);
	if (data_extension_kind(p, &out->kind) == -1)
		return rs_err_set(e, RS_E_CONFIG, "data source %s uses provider "
		    "%s, which is not available here; supported: "
		    DATA_EXTENSIONS ", or point it at a SQLite or PostgreSQL "
		    "database with the same tables (rsrender --datasource "
		    "%s=sqlite:PATH)", ds->name, p, ds->name);
	if (out->kind == DATA_ENTERDATA)
		return 0;
	if (str_copy(out->conn, sizeof(out->conn), cs) == -1)
		return rs_err_set(e, RS_E_CONFIG, "data source %s: the "
		    "connection string is too long", ds->name);
	if (data_source_confine(out, arg, e) == -1) {
		rs_err_prefix(e, "data source %s", ds->name);
		return -1;
	}
	return 0;
}

static int
resolve_sources(struct rctx *c)
{
	const struct rdl_report *r = c->r;
	render_resolve_fn fn = c->req->resolve ? c->req->resolve :
	    render_resolve_default;

	c->sources = xcalloc(r->ndatasources + 1, sizeof(*c->sources));
	for (size_t i = 0; i < r->ndatasources; i++) {
		if (fn(c->req->resolve_arg, &r->datasources[i], &c->sources[i],
		    c->e) == -1)
			return -1;
		/* Whatever the catalog says, embedded data stays embedded. */
		if (r->datasources[i].provider != NULL &&
		    strcasecmp(r->datasources[i].provider, "ENTERDATA") == 0)
			c->sources[i].kind = DATA_ENTERDATA;
	}
	return 0;
}

static const char *
status_of(const struct rs_err *e)
{
	switch (e->code) {
	case RS_E_OK:
		return "rsSuccess";
	case RS_E_USAGE:
		return strstr(e->msg, "rsReportParameterValueNotSet") ?
		    "rsReportParameterValueNotSet" : "rsInvalidParameter";
	case RS_E_NOTFOUND:
	case RS_E_CONFIG:
		return "rsDataSourceNotFound";
	case RS_E_IO:
		return "rsErrorOpeningConnection";
	default:
		return "rsProcessingError";
	}
}

static void
finish_log(struct rctx *c, int64_t t0, int rv)
{
	struct render_log *log = c->log;
	int64_t		 total = mono_ns() - t0;

	log->time_end = wall_ms();
	log->time_data_ms = c->t_data_ns / 1000000;
	log->time_rendering_ms = c->t_render_ns / 1000000;
	log->time_processing_ms = (total - c->t_data_ns - c->t_render_ns) /
	    1000000;
	if (log->time_processing_ms < 0)
		log->time_processing_ms = 0;
	log->bytes = c->bytes;
	log->pages = rv == 0 ? c->globals.total_pages : 0;
	snprintf(log->status, sizeof(log->status), "%s",
	    rv == 0 ? "rsSuccess" : status_of(c->e));
}

static void
init_globals(struct rctx *c, int fi)
{
	const struct render_request *q = c->req;

	c->globals.execution_time = q->execution_time != 0 ?
	    q->execution_time : expr_dt_now();
	c->globals.report_name = c->r->name;
	c->globals.report_folder = q->report_folder ? q->report_folder : "/";
	c->globals.user_id = q->user_id;
	c->globals.language = c->r->language ? c->r->language : "en-US";
	c->globals.render_format = formats[fi].name;
	c->globals.page_number = 1;
	c->globals.total_pages = 1;
	c->env.globals = &c->globals;
}

int
render_report(const struct render_request *q, struct render_log *log,
    struct rs_err *e)
{
	struct rctx	 c;
	struct rs_err	 local;
	int		 fi = format_index(q->format), rv = -1;
	int64_t		 t0 = mono_ns();

	if (e == NULL)
		e = &local;
	rs_err_clear(e);
	memset(log, 0, sizeof(*log));
	log->time_start = wall_ms();
	snprintf(log->format, sizeof(log->format), "%s",
	    q->format ? q->format : "");
	memset(&c, 0, sizeof(c));
	c.req = q;
	c.r = q->report;
	c.log = log;
	c.e = e;
	if (fi < 0) {
		rs_err_set(e, RS_E_USAGE, "rendering format \"%s\" is not "
		    "supported; supported: %s", q->format ? q->format : "",
		    RENDER_FORMATS);
		goto out;
	}
	c.ops = formats[fi].ops;
	c.devinfo_fixed = formats[fi].fixed;
	c.devinfo_defaults = formats[fi].defaults;
	if (formats[fi].envelope != NULL) {
		c.capture = xcalloc(1, sizeof(*c.capture));
		buf_init(c.capture, 0);
	}
	init_globals(&c, fi);
	ritems_collect(&c);
	c.sets = xcalloc(c.r->ndatasets + 1, sizeof(*c.sets));
	if (resolve_sources(&c) == -1 || shareds_resolve(&c) == -1 ||
	    scope_init(&c) == -1 || params_resolve(&c) == -1 ||
	    culture_init(&c) == -1)
		goto out;
	if (c.ops->begin(&c) == -1 || process_report(&c) == -1 ||
	    c.ops->end(&c) == -1)
		goto out;
	if (c.capture != NULL) {
		struct buf *cap = c.capture;

		c.capture = NULL;	/* the envelope writes to the client */
		rv = formats[fi].envelope(&c, cap);
		c.capture = cap;
		if (rv == -1)
			goto out;
	}
	rv = 0;
out:
	finish_log(&c, t0, rv);
	if (c.ops != NULL && c.ops->free != NULL)
		c.ops->free(&c);
	params_free(&c);
	rowsets_free(&c);
	running_free(&c);
	lookups_free(&c);
	pagevals_free(&c);
	scope_fini(&c);
	shareds_free(&c);
	free(c.sources);
	for (size_t i = 0; i < c.ndup; i++)
		free(c.dup_text[i]);
	free(c.dup_text);
	free(c.dup_items);
	if (c.capture != NULL) {
		buf_fini(c.capture);
		free(c.capture);
	}
	return rv;
}

int
render_parameters(const struct render_request *q,
    struct render_param_def **defs, struct rs_err *e)
{
	struct rctx	 c;
	struct render_log log;
	int		 rv = -1;

	memset(&c, 0, sizeof(c));
	memset(&log, 0, sizeof(log));
	c.req = q;
	c.r = q->report;
	c.log = &log;
	c.e = e;
	rs_err_clear(e);
	*defs = xcalloc(c.r->nparams + 1, sizeof(**defs));
	init_globals(&c, 0);
	c.sets = xcalloc(c.r->ndatasets + 1, sizeof(*c.sets));
	if (resolve_sources(&c) == 0 && scope_init(&c) == 0 &&
	    params_describe(&c, *defs) == 0)
		rv = 0;
	params_free(&c);
	scope_fini(&c);
	shareds_free(&c);
	lookups_free(&c);
	rowsets_free(&c);
	free(c.sources);
	if (rv == -1) {
		render_parameters_free(*defs, c.r->nparams);
		*defs = NULL;
	}
	return rv;
}

void
render_parameters_free(struct render_param_def *d, size_t n)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		params_list_free(&d[i].value);
		params_list_free(&d[i].valid);
	}
	free(d);
}
