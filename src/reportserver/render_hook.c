/*
 * render_hook.c: rs:Command=Render.  Parses the report definition
 * (rdl_parse), checks its bindings for the user who last changed it
 * (rs_bindings_check: every shared data source it names must exist and
 * be readable by that user, so a permission removed later stops the
 * renders), resolves its data sources (a DataSourceReference names a
 * shared data source in the catalog, relative to the report's folder),
 * takes rs:Format, rc: device settings and report parameters from the
 * URL, and runs render_report() with its output streamed to the client;
 * then writes a row to the execution log.  The same run, with the
 * server-side data source bindings (SetItemDataSources) applied, serves
 * the SOAP endpoint's Render (rs_render_query, into a buffer) and its
 * parameter descriptions (rs_render_params).
 */
#include "reportserver/intake.h"
#include "reportserver/render_hook.h"
#include "reportserver/subs.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl.h"
#include "render/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#define RENDER_BUFFER_MAX	((size_t)256 * 1024 * 1024)	/* no stream */

struct rctx {
	struct catalog			*cat;
	const struct catalog_item	*it;
	const char			*vdir;	/* links: "/ReportServer" */
	const char			*format;
	const struct data_policy	*policy;	/* what reports may open */
	render_write_fn			 write;
	void				*write_arg;
};

/* Shared data source: the catalog item named by the reference. */
int
rs_resolve_source(struct catalog *cat, const char *item_path,
    const struct data_policy *policy, const struct rdl_datasource *ds,
    struct data_source *out, struct rs_err *e)
{
	struct catalog_item	 src;
	struct ds_info		 d;
	char			 path[CATALOG_PATH_MAX * 2 + 2];
	int			 rc = -1;

	if (ds->reference == NULL)
		return render_resolve_default((void *)policy, ds, out, e);
	rs_ds_ref_path(item_path, ds->reference, path, sizeof(path));
	if (catalog_item_get(cat, path, &src, e) == -1 ||
	    src.type != CATALOG_DATASOURCE) {
		if (e->code != RS_E_NOTFOUND)
			catalog_item_fini(&src);
		return rs_err_set(e, RS_E_NOTFOUND, "the shared data source "
		    "'%s' of data source '%s' cannot be found (rsDataSourceNot"
		    "Found)", path, ds->name);
	}
	rs_ds_read(cat, src.id, &d);
	if (!d.enabled)
		rs_err_set(e, RS_E_USAGE, "the shared data source '%s' is "
		    "disabled", path);
	else if (data_extension_kind(d.ext, &out->kind) == 0) {
		if (str_copy(out->conn, sizeof(out->conn), d.conn != NULL ?
		    d.conn : "") == -1)
			rs_err_set(e, RS_E_USAGE, "the connection string of "
			    "'%s' is too long", path);
		else if (data_source_confine(out, policy, e) == -1)
			rs_err_prefix(e, "shared data source '%s'", path);
		else
			rc = 0;
	} else
		rs_err_set(e, RS_E_USAGE, "the data extension '%s' of '%s' "
		    "is not supported here; use " DATA_EXTENSIONS,
		    d.ext != NULL ? d.ext : "", path);
	rs_ds_fini(&d);
	catalog_item_fini(&src);
	return rc;
}

static int
resolve(void *arg, const struct rdl_datasource *ds, struct data_source *out,
    struct rs_err *e)
{
	struct rctx	*c = arg;

	return rs_resolve_source(c->cat, c->it->path, c->policy, ds, out, e);
}

/*
 * URL access: the first write sends the head, then the body streams.  The
 * first RENDER_HOLD bytes are held back, so a render that fails early (a
 * query error on its first rows, a bad expression) still gets a whole
 * error page instead of a 200 that is then cut.
 */
#define RENDER_HOLD	((size_t)64 * 1024)

struct urlsink {
	const struct rsreq	*req;
	struct rsresp		*resp;
	const char		*format;
	const char		*name;
	bool			 started;
	struct buf		 hold;	/* first bytes, not yet sent */
};

/* Sends what is held and p: the first time, the head with it. */
static int
url_send(struct urlsink *c, const void *p, size_t len, struct rs_err *e)
{
	if (!c->started) {
		const char	*ext = render_format_extension(c->format);
		char		 cd[CATALOG_NAME_MAX + 64];

		c->started = true;
		rsresp_header(c->resp, "Content-Type",
		    render_format_mime(c->format));
		if (!str_has_iprefix(c->format, "HTML")) {
			snprintf(cd, sizeof(cd), "attachment; filename=\"%s%s%s\"",
			    c->name, ext != NULL && ext[0] != '.' ? "." : "",
			    ext != NULL ? ext : "");
			rsresp_header(c->resp, "Content-Disposition", cd);
		}
	}
	if (c->hold.len > 0) {
		int	rc = rs_stream(c->req, c->resp, c->hold.data, c->hold.len,
		    RENDER_BUFFER_MAX, e);

		buf_reset(&c->hold);
		if (rc == -1)
			return -1;
	}
	if (len == 0)
		return 0;
	return rs_stream(c->req, c->resp, p, len, RENDER_BUFFER_MAX, e);
}

/* The renderer's output: held until RENDER_HOLD bytes, then streamed. */
static int
url_sink(void *arg, const void *p, size_t len, struct rs_err *e)
{
	struct urlsink	*c = arg;

	if (!c->started && c->hold.len + len <= RENDER_HOLD)
		return buf_append(&c->hold, p, len, e);
	return url_send(c, p, len, e);
}

/* Report parameters, rc: settings and rs:Format from the query. */
struct args {
	struct rsquery		 q;
	struct render_param_in	 params[RS_PARAMS_MAX];
	size_t			 nparams;
	struct render_opt	 opts[RS_PARAMS_MAX];
	size_t			 nopts;
	char			*names[RS_PARAMS_MAX];
	char			 plist[1024];
};

static void
args_take(struct args *a)
{
	for (size_t i = 0; i < a->q.n; i++) {
		const char	*n = a->q.p[i].name, *v = a->q.p[i].value;
		char		*colon;

		if (str_has_iprefix(n, "rc:")) {
			a->opts[a->nopts].name = n + 3;
			a->opts[a->nopts++].value = v;
			continue;
		}
		if (strchr(n, ':') != NULL && !str_has_suffix(n, ":isnull"))
			continue;	/* rs:, dsu:, dsp:, rv:, rp: */
		a->names[a->nparams] = xstrdup(n);
		colon = strchr(a->names[a->nparams], ':');
		a->params[a->nparams].isnull = colon != NULL && str_ieq(v,
		    "true");
		if (colon != NULL)
			*colon = '\0';
		a->params[a->nparams].name = a->names[a->nparams];
		a->params[a->nparams++].value = v;
		if (a->plist[0] != '\0')
			str_append(a->plist, sizeof(a->plist), "&");
		str_append(a->plist, sizeof(a->plist), n);
		str_append(a->plist, sizeof(a->plist), "=");
		str_append(a->plist, sizeof(a->plist), v);
	}
}

static void
args_fini(struct args *a)
{
	for (size_t i = 0; i < a->nparams; i++)
		free(a->names[i]);
	rs_query_fini(&a->q);
}

/*
 * Shared dataset: the catalog item the report's SharedDataSetReference
 * names (absolute, or relative to the report's folder), checked as
 * every .rsd is when stored.
 */
int
rs_resolve_dataset(struct catalog *cat, const char *item_path,
    const char *ref, struct rdl_definition *out, struct rs_err *e)
{
	struct catalog_item	 it;
	char			 path[CATALOG_PATH_MAX * 2 + 2];
	void			*data = NULL;
	size_t			 len = 0;
	int			 rc = -1;

	rs_ds_ref_path(item_path, ref, path, sizeof(path));
	if (catalog_item_get(cat, path, &it, e) == -1 ||
	    it.type != CATALOG_DATASET) {
		if (e->code != RS_E_NOTFOUND)
			catalog_item_fini(&it);
		return rs_err_set(e, RS_E_NOTFOUND, "the shared dataset '%s' "
		    "cannot be found (rsDataSetNotFound)", path);
	}
	if (catalog_item_content(cat, it.id, &data, &len, e) == 0)
		rc = rdl_check(RDL_DATASET, data, len, it.name, out, e);
	/*
	 * Its data source is the one rs_datasets_check checked: with the
	 * dataset's stored binding, relative to the dataset's own folder.
	 */
	if (rc == 0)
		rc = rs_bindings_apply(cat, it.id, RS_DATASET_SOURCE,
		    &out->dataset->source, 1, e);
	if (rc == 0 && out->dataset->source.reference != NULL &&
	    out->dataset->source.reference[0] != '/') {
		rs_ds_ref_path(it.path, out->dataset->source.reference, path,
		    sizeof(path));
		free(out->dataset->source.reference);
		out->dataset->source.reference = xstrdup(path);
	}
	free(data);
	catalog_item_fini(&it);
	return rc;
}

static int
resolve_dataset(void *arg, const char *ref, struct rdl_definition *out,
    struct rs_err *e)
{
	struct rctx	*c = arg;

	return rs_resolve_dataset(c->cat, c->it->path, ref, out, e);
}

static void
log_execution(struct rctx *c, const struct rsuser *u, const struct args *a,
    const struct render_log *lg, const char *source)
{
	struct catalog_exec	x = { 0 };
	struct rs_err		e;

	x.instance = "RS_REPORTSERVER";
	x.item_path = c->it->path;
	x.user = u->name;
	x.format = lg->format[0] ? lg->format : c->format;
	x.parameters = a->plist;
	x.time_start = lg->time_start;
	x.time_end = lg->time_end;
	x.time_data = lg->time_data_ms;
	x.time_processing = lg->time_processing_ms;
	x.time_rendering = lg->time_rendering_ms;
	x.status = lg->status[0] ? lg->status : "rsSuccess";
	x.source = source;
	x.bytes = (int64_t)lg->bytes;
	x.rows = (int64_t)lg->rows;
	if (catalog_exec_log_add(c->cat, &x, &e) == -1)
		log_warn("execution log: %s", e.msg);
}

static int
run(struct rctx *c, const struct rsuser *u, struct rdl_report *rep,
    struct args *a, struct rs_render_result *res, struct rs_err *e)
{
	struct render_request	q = { 0 };
	struct render_log	lg;
	struct buf		url;
	struct rs_stored	*st = NULL;
	char			folder[CATALOG_PATH_MAX + 2];
	int			rc;

	buf_init(&url, 0);
	(void)buf_printf(&url, NULL, "%s?", c->vdir);
	rs_url_encode(&url, c->it->path, false);
	catalog_path_parent(c->it->path, folder, sizeof(folder));
	q.report = rep;
	q.format = c->format;
	q.params = a->params;
	q.nparams = a->nparams;
	q.devinfo = a->opts;
	q.ndevinfo = a->nopts;
	q.resolve = resolve;
	q.resolve_arg = c;
	q.resolve_dataset = resolve_dataset;
	q.resolve_dataset_arg = c;
	q.write = c->write;
	q.write_arg = c->write_arg;
	q.user_id = u->name;
	q.report_folder = folder;
	q.url_base = url.data;
	q.param_language = rs_query_get(&a->q, "rs:ParameterLanguage");
	memset(&lg, 0, sizeof(lg));
	/* Snapshots, history and the cache (issue 15, subs_render.c). */
	rc = rs_stored_begin(c->cat, c->it, rs_query_get(&a->q, "rs:Snapshot"),
	    rs_clock_now(), &q, &st, e);
	if (rc == 0)
		rc = render_report(&q, &lg, e);
	log_execution(c, u, a, &lg, rs_source_name(rs_stored_source(st)));
	rs_stored_end(c->cat, st, rc);
	res->pages = lg.pages;
	res->bytes = lg.bytes;
	str_copy(res->rscode, sizeof(res->rscode), lg.status[0] ? lg.status :
	    "rsSuccess");
	buf_fini(&url);
	return rc;
}

/*
 * The report's bindings, for the user who last stored or changed it.  On
 * refusal res gets the answer (403 rsAccessDenied, 404 rsDataSourceNotFound)
 * and an execution log row is written; false then.
 */
static bool
bound(struct rctx *c, const struct rsuser *u, const struct rdl_report *rep,
    const struct args *a, struct rs_render_result *res, struct rs_err *e)
{
	struct rsuser		binder;
	struct rs_refusal	ref;
	struct render_log	lg;
	struct timeval		tv;
	size_t			i, j;
	int			rc;

	for (i = 0; i < rep->ndatasources; i++)
		if (rep->datasources[i].reference != NULL)
			break;
	for (j = 0; j < rep->ndatasets; j++)
		if (rep->datasets[j].shared_ref != NULL)
			break;
	if (i == rep->ndatasources && j == rep->ndatasets)
		return true;	/* nothing shared: nothing to check */
	rs_user_named(c->cat, c->it->modified_by, &binder);
	rc = rs_bindings_check(c->cat, &binder, c->it->path, rep->datasources,
	    rep->ndatasources, true, &ref, e);
	if (rc == 0)
		rc = rs_datasets_check(c->cat, &binder, c->it->path, rep, true,
		    &ref, e);
	rsuser_fini(&binder);
	if (rc == 0)
		return true;
	res->status = ref.status;
	str_copy(res->rscode, sizeof(res->rscode), ref.rscode);
	if (a == NULL)
		return false;
	gettimeofday(&tv, NULL);
	memset(&lg, 0, sizeof(lg));
	lg.time_start = lg.time_end = (int64_t)tv.tv_sec * 1000 +
	    tv.tv_usec / 1000;
	str_copy(lg.status, sizeof(lg.status), ref.rscode);
	log_execution(c, u, a, &lg, NULL);
	return false;
}

/* The definition with the item's server-side bindings applied. */
static struct rdl_report *
report_of(struct rctx *c, const void *rdl, size_t len, struct rs_err *e)
{
	struct rdl_report	*rep;

	rep = rdl_parse(rdl, len, c->it->name, e);
	if (rep != NULL && rs_bindings_apply(c->cat, c->it->id, NULL,
	    rep->datasources, rep->ndatasources, e) == -1) {
		rdl_free(rep);
		rep = NULL;
	}
	return rep;
}

int
rs_render_query(void *policy, struct catalog *cat, const struct rsuser *u,
    const struct catalog_item *it, const void *rdl, size_t len,
    const char *vdir, const char *query, render_write_fn write,
    void *write_arg, struct rs_render_result *res, struct rs_err *e)
{
	struct rctx		 c = { cat, it, vdir, NULL, policy, write,
				    write_arg };
	struct rdl_report	*rep;
	struct args		*a;
	const char		*fmt;
	int			 rc = -1;

	rs_err_clear(e);	/* parts of the engine keep the first error */
	memset(res, 0, sizeof(*res));
	a = xcalloc(1, sizeof(*a));
	if (rs_query_parse(query, &a->q, e) == -1)
		goto out;
	fmt = rs_query_get(&a->q, "rs:Format");
	c.format = fmt != NULL && fmt[0] != '\0' ? fmt : "HTML5";
	if (render_format_mime(c.format) == NULL) {
		rs_err_set(e, RS_E_USAGE, "the rendering extension '%.32s' is "
		    "not available; use one of " RENDER_FORMATS, c.format);
		goto out;
	}
	args_take(a);
	rep = report_of(&c, rdl, len, e);
	if (rep == NULL)
		goto out;
	if (bound(&c, u, rep, a, res, e))
		rc = run(&c, u, rep, a, res, e);
	else
		rc = 0;		/* refused: res says how */
	rdl_free(rep);
out:
	args_fini(a);
	free(a);
	return rc;
}

int
rs_render_params(void *policy, struct catalog *cat, const struct rsuser *u,
    const struct catalog_item *it, const void *rdl, size_t len,
    const char *query, struct rdl_report **repp,
    struct render_param_def **defs, struct rs_render_result *res,
    struct rs_err *e)
{
	struct rctx		 c = { cat, it, "", NULL, policy, NULL, NULL };
	struct render_request	 q = { 0 };
	struct args		*a;
	int			 rc = -1;

	rs_err_clear(e);
	memset(res, 0, sizeof(*res));
	*repp = NULL;
	*defs = NULL;
	a = xcalloc(1, sizeof(*a));
	if (rs_query_parse(query, &a->q, e) == -1)
		goto out;
	args_take(a);
	*repp = report_of(&c, rdl, len, e);
	if (*repp == NULL)
		goto out;
	if (!bound(&c, u, *repp, NULL, res, e)) {
		rc = 0;		/* refused: res says how */
		goto out;
	}
	q.report = *repp;
	q.params = a->params;
	q.nparams = a->nparams;
	q.resolve = resolve;
	q.resolve_arg = &c;
	q.resolve_dataset = resolve_dataset;	/* query-based valid values */
	q.resolve_dataset_arg = &c;
	q.user_id = u->name;
	q.param_language = rs_query_get(&a->q, "rs:ParameterLanguage");
	rc = render_parameters(&q, defs, e);
out:
	if (rc == -1 || res->status != 0) {
		rdl_free(*repp);
		*repp = NULL;
	}
	args_fini(a);
	free(a);
	return rc;
}

int
rs_render_report(void *arg, struct catalog *cat, const struct rsuser *u,
    const struct catalog_item *it, const void *rdl, size_t len,
    const struct rsreq *r, struct rsresp *resp, struct rs_err *e)
{
	struct urlsink		sk = { .req = r, .resp = resp,
				    .name = it->name };
	struct rs_render_result	res;
	struct rsquery		q;
	const char		*fmt;
	int			rc;

	if (rs_query_parse(r->query, &q, e) == -1)
		return -1;
	fmt = rs_query_get(&q, "rs:Format");
	sk.format = fmt != NULL && fmt[0] != '\0' ? fmt : "HTML5";
	rc = rs_render_query(arg, cat, u, it, rdl, len, r->vdir, r->query,
	    url_sink, &sk, &res, e);
	if (rc == 0 && res.status != 0)
		rs_error_html(resp, res.status, res.rscode, e->msg, NULL);
	else if (rc == 0 && (sk.hold.len > 0 || !sk.started))
		rc = url_send(&sk, NULL, 0, e);	/* a small answer, whole */
	buf_fini(&sk.hold);	/* on failure, what was held is dropped */
	rs_query_fini(&q);
	return rc;
}
