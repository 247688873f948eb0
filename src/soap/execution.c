/*
 * execution.c: ReportExecution2005's executions.  LoadReport (a published
 * report) and LoadReportDefinition (an ad hoc definition, for users with
 * Execute report definitions) start one and return its ExecutionID in the
 * ExecutionHeader; the client names it in the ExecutionHeader of every
 * later call.  An execution is a row of the catalog (its owner, report,
 * parameter values, page count and expiry), so the next call may land on
 * any node of a scale-out; it belongs to the user who started it (another
 * user gets rsExecutionNotFound, as for one that expired) and lives
 * SessionTimeout seconds after its last use; each new execution removes
 * the expired ones.  The report's permissions are
 * checked again at every call.
 */
#include "soap/soap_int.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ADHOC_NAME	"Report"

/* An execution the ExecutionHeader names, owned by the user. */
int
soap_exec_get(struct soap_call *c, struct catalog_execution *x)
{
	struct rs_err	e;

	memset(x, 0, sizeof(*x));
	if (c->exec_id[0] == '\0')
		return soap_fail(c, "rsExecutionNotFound", 400, "The operation "
		    "needs an ExecutionHeader naming the execution that "
		    "LoadReport started.");
	if (catalog_execution_get(c->cat, c->exec_id, time(NULL), x, &e) == 0 &&
	    str_ieq(x->user, c->user->name))
		return 0;
	catalog_execution_fini(x);
	if (e.code == RS_E_DB || e.code == RS_E_BUSY)
		return soap_fail_err(c, &e, NULL);
	return soap_fail(c, "rsExecutionNotFound", 400, "The report execution "
	    "%.40s has expired or cannot be found.", c->exec_id);
}

/*
 * The report of an execution and its definition: the catalog item (the
 * user must still be allowed to view it), or for an ad hoc execution an
 * item of its own whose binder is the user.  -1 with a fault.
 */
int
soap_exec_report(struct soap_call *c, const struct catalog_execution *x,
    struct catalog_item *it, void **rdl, size_t *len)
{
	struct rs_err	e;

	memset(it, 0, sizeof(*it));
	*rdl = NULL;
	if (x->item_id[0] != '\0') {
		if (soap_item(c, x->item_id, true, it) == -1)
			return -1;
		if (catalog_item_content(c->cat, it->id, rdl, len, &e) == 0)
			return 0;
		catalog_item_fini(it);
		return soap_fail_err(c, &e, NULL);
	}
	it->path = xstrdup("/");
	it->name = xstrdup(ADHOC_NAME);
	it->description = xstrdup("");
	it->content_type = xstrdup("");
	it->created_by = xstrdup(x->user);
	it->modified_by = xstrdup(x->user);
	it->type = CATALOG_REPORT;
	*len = x->definition_len;
	*rdl = xmalloc(*len + 1);
	memcpy(*rdl, x->definition != NULL ? x->definition : "", *len);
	((char *)*rdl)[*len] = '\0';
	return 0;
}

/* Moves the expiry on and stores the execution. */
int
soap_exec_save(struct soap_call *c, struct catalog_execution *x)
{
	struct rs_err	e;

	x->expires = time(NULL) + SOAP_SESSION_S;
	if (catalog_execution_update(c->cat, x, &e) == -1)
		return soap_fail_err(c, &e, NULL);
	return 0;
}

/* The query parameters of an execution: its values and language. */
static void
exec_query(const struct catalog_execution *x, struct buf *q)
{
	buf_init(q, 0);
	(void)buf_puts(q, x->parameters, NULL);
	if (x->param_language[0] != '\0')
		soap_query_add(q, "rs:ParameterLanguage", x->param_language);
}

static double
mm(double pt)
{
	return pt * 25.4 / 72.0;
}

static void
w_page(struct soap_call *c, const struct rdl_report *rep)
{
	const struct rdl_page	*p = &rep->page;
	char			 v[32];

	soap_w_start(c, "ReportPageSettings");
	soap_w_start(c, "PaperSize");
	snprintf(v, sizeof(v), "%.4g", mm(p->height));
	soap_w_str(c, "Height", v);
	snprintf(v, sizeof(v), "%.4g", mm(p->width));
	soap_w_str(c, "Width", v);
	soap_w_end(c);
	soap_w_start(c, "Margins");
	for (int i = 0; i < 4; i++) {
		static const char *const names[] = { "Top", "Bottom", "Left",
		    "Right" };
		static const int	 index[] = { 2, 3, 0, 1 };

		snprintf(v, sizeof(v), "%.4g", mm(p->margin[index[i]]));
		soap_w_str(c, names[i], v);
	}
	soap_w_end(c);
	soap_w_end(c);
}

static void
w_info_body(struct soap_call *c, const struct catalog_execution *x,
    const struct rdl_report *rep, const struct render_param_def *defs,
    bool v2)
{
	soap_w_bool(c, "HasSnapshot", x->num_pages > 0);
	soap_w_bool(c, "NeedsProcessing", x->num_pages == 0);
	soap_w_bool(c, "AllowQueryExecution", true);
	soap_w_bool(c, "CredentialsRequired", false);
	soap_w_bool(c, "ParametersRequired", soap_params_required(rep, defs));
	soap_w_time(c, "ExpirationDateTime", x->expires);
	soap_w_time(c, "ExecutionDateTime", x->created);
	soap_w_int(c, "NumPages", x->num_pages);
	soap_w_params(c, "Parameters", rep, defs, false);
	soap_w_bool(c, "HasDocumentMap", false);
	soap_w_str(c, "ExecutionID", x->id);
	soap_w_str(c, "ReportPath", x->item_path);
	w_page(c, rep);
	soap_w_int(c, "AutoRefreshInterval", 0);
	if (v2)
		soap_w_str(c, "PageCountMode", "Actual");
}

/* The ExecutionInfo (or ExecutionInfo2) element of an execution. */
static int
w_exec_info(struct soap_call *c, const char *elem,
    const struct catalog_execution *x, const struct catalog_item *it,
    const void *rdl, size_t len, bool v2)
{
	struct rdl_report	*rep = NULL;
	struct render_param_def	*defs = NULL;
	struct buf		 q;
	int			 rc;

	exec_query(x, &q);
	rc = soap_params_of(c, it, rdl, len, q.data != NULL ? q.data : "", &rep,
	    &defs);
	if (rc == 0) {
		soap_w_start(c, elem);
		w_info_body(c, x, rep, defs, v2);
		soap_w_end(c);
	}
	render_parameters_free(defs, rep != NULL ? rep->nparams : 0);
	rdl_free(rep);
	buf_fini(&q);
	return rc;
}

/* Starts an execution of x (item or definition) and answers its info. */
static void
start(struct soap_call *c, struct catalog_execution *x,
    const struct catalog_item *it, const void *rdl, size_t len, bool v2)
{
	struct rs_err	e;

	catalog_execution_id(x);
	x->user = xstrdup(c->user->name);
	x->parameters = xstrdup("");
	x->param_language = xstrdup("");
	x->created = time(NULL);
	x->expires = x->created + SOAP_SESSION_S;
	if (w_exec_info(c, "executionInfo", x, it, rdl, len, v2) == -1)
		return;
	if (catalog_execution_add(c->cat, x, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		return;
	}
	str_copy(c->exec_out, sizeof(c->exec_out), x->id);
	/* Each new execution clears the expired ones (an indexed delete). */
	if (catalog_execution_purge(c->cat, x->created, NULL, &e) == -1)
		log_warn("executions: %s", e.msg);
}

static void
load(struct soap_call *c, bool v2)
{
	struct catalog_execution x = { 0 };
	struct catalog_item	 it;
	char			*path, *hist;
	void			*rdl = NULL;
	size_t			 len;

	hist = soap_arg(c, c->op, "HistoryID");
	if ((path = soap_need(c, c->op, "Report")) == NULL)
		goto out;
	if (hist != NULL && hist[0] != '\0') {
		soap_unsupported(c, "report history snapshots need the "
		    "scheduler, which is not in this build.");
		goto out;
	}
	if (soap_report_load(c, path, &it, &rdl, &len) == -1)
		goto out;
	str_copy(x.item_id, sizeof(x.item_id), it.id);
	x.item_path = xstrdup(it.path);
	start(c, &x, &it, rdl, len, v2);
	catalog_item_fini(&it);
out:
	catalog_execution_fini(&x);
	free(rdl);
	free(path);
	free(hist);
}

void
soap_load_report(struct soap_call *c)
{
	load(c, false);
}

void
soap_load_report2(struct soap_call *c)
{
	load(c, true);
}

static void
load_definition(struct soap_call *c, bool v2)
{
	struct catalog_execution x = { 0 };
	struct catalog_item	 it;
	struct rs_warnings	 w = { 0 };
	char			*def64;
	void			*rdl = NULL;
	size_t			 len;

	if ((rs_sys_tasks(c->cat, c->user) & CATALOG_S_EXECUTE_DEFS) == 0) {
		soap_denied(c);
		return;
	}
	if ((def64 = soap_need(c, c->op, "Definition")) == NULL)
		return;
	x.definition = soap_base64(c, "Definition", def64,
	    c->srv->conf->max_upload, &x.definition_len);
	free(def64);
	if (x.definition == NULL || soap_intake(c, CATALOG_REPORT, "/"
	    ADHOC_NAME, x.definition, x.definition_len, &w) == -1)
		goto out;
	x.item_path = xstrdup("");
	x.user = xstrdup(c->user->name);
	if (soap_exec_report(c, &x, &it, &rdl, &len) == 0) {
		free(x.user);
		x.user = NULL;
		start(c, &x, &it, rdl, len, v2);
		soap_w_warnings(c, "warnings", &w);
		catalog_item_fini(&it);
	}
out:
	catalog_execution_fini(&x);
	free(rdl);
}

void
soap_load_report_definition(struct soap_call *c)
{
	load_definition(c, false);
}

void
soap_load_report_definition2(struct soap_call *c)
{
	load_definition(c, true);
}

/* Checks that every parameter given exists and took its value. */
static int
given_ok(struct soap_call *c, const xmlNode *list,
    const struct rdl_report *rep, const struct render_param_def *defs)
{
	for (xmlNode *v = soap_child(c, list, "ParameterValue"); v != NULL;
	    v = soap_next(c, v, "ParameterValue")) {
		char	*name = soap_arg(c, v, "Name");
		size_t	 i;

		for (i = 0; name != NULL && i < rep->nparams; i++)
			if (strcmp(rep->params[i].name, name) == 0)
				break;
		if (name != NULL && i == rep->nparams)
			soap_fail(c, "rsUnknownReportParameter", 400, "The report "
			    "parameter '%.200s' does not exist in this report.",
			    name);
		else if (name != NULL && strcmp(defs[i].state,
		    "MissingValidValue") == 0 && defs[i].error[0] != '\0' &&
		    strstr(defs[i].error, "needs a value") == NULL)
			soap_fail(c, "rsInvalidReportParameter", 400, "The value "
			    "of report parameter '%s' is not valid: %s", name,
			    defs[i].error);
		free(name);
		if (c->fault.code[0] != '\0')
			return -1;
	}
	return 0;
}

static void
set_parameters(struct soap_call *c, bool v2)
{
	struct catalog_execution x;
	struct catalog_item	 it;
	struct rdl_report	*rep = NULL;
	struct render_param_def	*defs = NULL;
	struct buf		 q;
	xmlNode			*list = soap_child(c, c->op, "Parameters");
	char			*lang = soap_arg(c, c->op, "ParameterLanguage");
	void			*rdl = NULL;
	size_t			 len;

	buf_init(&q, 0);
	if (soap_exec_get(c, &x) == -1)
		goto out0;
	if (soap_params_query(c, list, &q) == -1 ||
	    soap_exec_report(c, &x, &it, &rdl, &len) == -1)
		goto out1;
	free(x.parameters);
	x.parameters = xstrdup(q.data != NULL ? q.data : "");
	free(x.param_language);
	x.param_language = xstrdup(lang != NULL ? str_trim(lang) : "");
	x.num_pages = 0;
	buf_fini(&q);
	exec_query(&x, &q);
	if (soap_params_of(c, &it, rdl, len, q.data != NULL ? q.data : "",
	    &rep, &defs) == 0 && given_ok(c, list, rep, defs) == 0 &&
	    soap_exec_save(c, &x) == 0) {
		soap_w_start(c, "executionInfo");
		w_info_body(c, &x, rep, defs, v2);
		soap_w_end(c);
	}
	render_parameters_free(defs, rep != NULL ? rep->nparams : 0);
	rdl_free(rep);
	catalog_item_fini(&it);
out1:
	catalog_execution_fini(&x);
out0:
	free(rdl);
	free(lang);
	buf_fini(&q);
}

void
soap_set_execution_parameters(struct soap_call *c)
{
	set_parameters(c, false);
}

void
soap_set_execution_parameters2(struct soap_call *c)
{
	set_parameters(c, true);
}

/* GetExecutionInfo and ResetExecution: the info, expiry moved on. */
static void
info(struct soap_call *c, bool v2, bool reset)
{
	struct catalog_execution x;
	struct catalog_item	 it;
	void			*rdl = NULL;
	size_t			 len;

	if (soap_exec_get(c, &x) == -1)
		return;
	if (reset)
		x.num_pages = 0;
	if (soap_exec_report(c, &x, &it, &rdl, &len) == 0) {
		if (soap_exec_save(c, &x) == 0)
			(void)w_exec_info(c, "executionInfo", &x, &it, rdl,
			    len, v2);
		catalog_item_fini(&it);
	}
	free(rdl);
	catalog_execution_fini(&x);
}

void
soap_get_execution_info(struct soap_call *c)
{
	info(c, false, false);
}

void
soap_get_execution_info2(struct soap_call *c)
{
	info(c, true, false);
}

void
soap_reset_execution(struct soap_call *c)
{
	info(c, false, true);
}

void
soap_reset_execution2(struct soap_call *c)
{
	info(c, true, true);
}

void
soap_set_execution_credentials(struct soap_call *c)
{
	soap_unsupported(c, "data sources on this server never prompt for "
	    "credentials (CredentialRetrieval Prompt is not supported), so "
	    "there are none to set; a data source connects as its connection "
	    "string says.");
}
