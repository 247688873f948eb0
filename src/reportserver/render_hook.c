/*
 * render_hook.c: rs:Command=Render.  Parses the report definition
 * (rdl_parse), checks its bindings for the user who last changed it
 * (rs_bindings_check: every shared data source it names must exist and
 * be readable by that user, so a permission removed later stops the
 * renders), resolves its data sources (a DataSourceReference names a
 * shared data source in the catalog, relative to the report's folder),
 * takes rs:Format, rc: device settings and report parameters from the
 * URL, and runs render_report() with its output streamed to the client;
 * then writes a row to the execution log.
 */
#include "reportserver/intake.h"
#include "reportserver/render_hook.h"
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
	const struct rsreq		*req;
	struct rsresp			*resp;
	const char			*format;
	const char			*name;
	const struct data_policy	*policy;	/* what reports may open */
	bool				 started;
};

/* Shared data source: the catalog item named by the reference. */
static int
resolve(void *arg, const struct rdl_datasource *ds, struct data_source *out,
    struct rs_err *e)
{
	struct rctx		*c = arg;
	struct catalog_item	 src;
	struct ds_info		 d;
	char			 path[CATALOG_PATH_MAX * 2 + 2];
	int			 rc = -1;

	if (ds->reference == NULL)
		return render_resolve_default((void *)c->policy, ds, out, e);
	rs_ds_ref_path(c->it->path, ds->reference, path, sizeof(path));
	if (catalog_item_get(c->cat, path, &src, e) == -1 ||
	    src.type != CATALOG_DATASOURCE) {
		if (e->code != RS_E_NOTFOUND)
			catalog_item_fini(&src);
		return rs_err_set(e, RS_E_NOTFOUND, "the shared data source "
		    "'%s' of data source '%s' cannot be found (rsDataSourceNot"
		    "Found)", path, ds->name);
	}
	rs_ds_read(c->cat, src.id, &d);
	if (!d.enabled)
		rs_err_set(e, RS_E_USAGE, "the shared data source '%s' is "
		    "disabled", path);
	else if (data_extension_kind(d.ext, &out->kind) == 0) {
		if (str_copy(out->conn, sizeof(out->conn), d.conn != NULL ?
		    d.conn : "") == -1)
			rs_err_set(e, RS_E_USAGE, "the connection string of "
			    "'%s' is too long", path);
		else if (data_source_confine(out, c->policy, e) == -1)
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

/* The first write sends the head: type, and a file name to save as. */
static int
sink(void *arg, const void *p, size_t len, struct rs_err *e)
{
	struct rctx	*c = arg;

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
	return rs_stream(c->req, c->resp, p, len, RENDER_BUFFER_MAX, e);
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
static int
resolve_dataset(void *arg, const char *ref, struct rdl_definition *out,
    struct rs_err *e)
{
	struct rctx		*c = arg;
	struct catalog_item	 it;
	char			 path[CATALOG_PATH_MAX * 2 + 2];
	void			*data = NULL;
	size_t			 len = 0;
	int			 rc = -1;

	rs_ds_ref_path(c->it->path, ref, path, sizeof(path));
	if (catalog_item_get(c->cat, path, &it, e) == -1 ||
	    it.type != CATALOG_DATASET) {
		if (e->code != RS_E_NOTFOUND)
			catalog_item_fini(&it);
		return rs_err_set(e, RS_E_NOTFOUND, "the shared dataset '%s' "
		    "cannot be found (rsDataSetNotFound)", path);
	}
	if (catalog_item_content(c->cat, it.id, &data, &len, e) == 0)
		rc = rdl_check(RDL_DATASET, data, len, it.name, out, e);
	free(data);
	catalog_item_fini(&it);
	return rc;
}

static void
log_execution(struct rctx *c, const struct rsuser *u, const struct args *a,
    const struct render_log *lg)
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
	x.bytes = (int64_t)lg->bytes;
	x.rows = (int64_t)lg->rows;
	if (catalog_exec_log_add(c->cat, &x, &e) == -1)
		log_warn("execution log: %s", e.msg);
}

static int
run(struct rctx *c, const struct rsuser *u, struct rdl_report *rep,
    struct args *a, struct rs_err *e)
{
	struct render_request	q = { 0 };
	struct render_log	lg;
	struct buf		url;
	char			folder[CATALOG_PATH_MAX + 2];
	int			rc;

	buf_init(&url, 0);
	(void)buf_printf(&url, NULL, "%s?", c->req->vdir);
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
	q.write = sink;
	q.write_arg = c;
	q.user_id = u->name;
	q.report_folder = folder;
	q.url_base = url.data;
	memset(&lg, 0, sizeof(lg));
	rc = render_report(&q, &lg, e);
	log_execution(c, u, a, &lg);
	buf_fini(&url);
	return rc;
}

/*
 * The report's bindings, for the user who last stored or changed it.  On
 * refusal the answer (403 rsAccessDenied, 404 rsDataSourceNotFound) and
 * an execution log row are written here; false then.
 */
static bool
bound(struct rctx *c, const struct rsuser *u, const struct rdl_report *rep,
    const struct args *a, struct rs_err *e)
{
	struct rsuser		binder;
	struct rs_refusal	ref;
	struct render_log	lg;
	struct timeval		tv;
	size_t			i;
	int			rc;

	for (i = 0; i < rep->ndatasources; i++)
		if (rep->datasources[i].reference != NULL)
			break;
	if (i == rep->ndatasources)
		return true;	/* no shared data source: nothing to check */
	rs_user_named(c->cat, c->it->modified_by, &binder);
	rc = rs_bindings_check(c->cat, &binder, c->it->path, rep->datasources,
	    rep->ndatasources, true, &ref, e);
	rsuser_fini(&binder);
	if (rc == 0)
		return true;
	rs_error_html(c->resp, ref.status, ref.rscode, e->msg, NULL);
	gettimeofday(&tv, NULL);
	memset(&lg, 0, sizeof(lg));
	lg.time_start = lg.time_end = (int64_t)tv.tv_sec * 1000 +
	    tv.tv_usec / 1000;
	str_copy(lg.status, sizeof(lg.status), ref.rscode);
	log_execution(c, u, a, &lg);
	return false;
}

int
rs_render_report(void *arg, struct catalog *cat, const struct rsuser *u,
    const struct catalog_item *it, const void *rdl, size_t len,
    const struct rsreq *r, struct rsresp *resp, struct rs_err *e)
{
	struct rctx		 c = { cat, it, r, resp, NULL, it->name, arg,
				    false };
	struct rdl_report	*rep;
	struct args		*a;
	const char		*fmt;
	int			 rc = -1;

	rs_err_clear(e);	/* parts of the engine keep the first error */
	a = xcalloc(1, sizeof(*a));
	if (rs_query_parse(r->query, &a->q, e) == -1)
		goto out;
	fmt = rs_query_get(&a->q, "rs:Format");
	c.format = fmt != NULL && fmt[0] != '\0' ? fmt : "HTML5";
	if (render_format_mime(c.format) == NULL) {
		rs_err_set(e, RS_E_USAGE, "the rendering extension '%.32s' is "
		    "not available; use one of " RENDER_FORMATS, c.format);
		goto out;
	}
	args_take(a);
	rep = rdl_parse(rdl, len, it->name, e);
	if (rep == NULL)
		goto out;
	if (bound(&c, u, rep, a, e))
		rc = run(&c, u, rep, a, e);
	else
		rc = 0;		/* bound() answered */
	rdl_free(rep);
out:
	args_fini(a);
	free(a);
	return rc;
}
