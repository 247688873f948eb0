/*
 * history.c: ReportService2010's report history over the store the REST
 * API and the scheduler use (catalog report_data, a report's execution
 * options): ListItemHistory, CreateItemHistorySnapshot,
 * DeleteItemHistorySnapshot, Get/SetItemHistoryOptions and
 * Get/SetItemHistoryLimit.  A HistoryID is the snapshot's creation time,
 * "2026-06-01T08:00:00Z", as REST's HistoryId.  CreateItemHistorySnapshot
 * answers the new snapshot's HistoryID, so it renders and stores at once
 * (rs_job_render, what the scheduler's history job runs) instead of
 * queueing the job.  Reading needs the report to be visible; writing
 * needs "Manage report history" on it, as for REST.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "reportserver/subs_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The report of ItemPath; manage: the user must hold Manage report history. */
static int
report_arg(struct soap_call *c, bool manage, struct catalog_item *it)
{
	if (soap_item_arg(c, "ItemPath", false, it) == -1)
		return -1;
	if (it->type != CATALOG_REPORT) {
		soap_fail(c, "rsWrongItemType", 400, "The item '%s' is a %s; "
		    "only reports have a history.", it->path,
		    catalog_type_name(it->type));
		catalog_item_fini(it);
		return -1;
	}
	if (manage && (rs_tasks(c->cat, it->id, c->user) &
	    CATALOG_T_MANAGE_HISTORY) == 0) {
		catalog_item_fini(it);
		return soap_denied(c);
	}
	return 0;
}

static int
opts_of(struct soap_call *c, const struct catalog_item *it,
    struct catalog_exec_opts *o)
{
	struct rs_err	e;

	if (catalog_exec_opts_get(c->cat, it->id, o, &e) == -1)
		return soap_fail_err(c, &e, NULL);
	return 0;
}

void
soap_list_item_history(struct soap_call *c)
{
	struct catalog_item	 it;
	struct catalog_rdata	*v;
	struct rs_err		 e;
	size_t			 n;

	if (report_arg(c, false, &it) == -1)
		return;
	if (catalog_rdata_list(c->cat, it.id, CATALOG_DATA_HISTORY, &v, &n,
	    &e) == -1) {
		soap_fail_err(c, &e, NULL);
		catalog_item_fini(&it);
		return;
	}
	soap_w_start(c, "ItemHistory");
	for (size_t i = 0; i < n; i++) {
		char	id[32];

		rs_time_iso(v[i].created, id, sizeof(id));
		soap_w_start(c, "ItemHistorySnapshot");
		soap_w_str(c, "HistoryID", id);
		soap_w_time(c, "CreationDate", v[i].created);
		soap_w_int(c, "Size", v[i].size > INT32_MAX ? INT32_MAX :
		    v[i].size);
		soap_w_end(c);
	}
	soap_w_end(c);
	catalog_rdatas_free(v, n);
	catalog_item_fini(&it);
}

void
soap_create_item_history_snapshot(struct soap_call *c)
{
	struct catalog_item	 it;
	struct rs_job_render	 jr = { 0 };
	struct deliver_kvs	 params = { 0 };
	struct rs_err		 e;
	void			*rdl = NULL;
	size_t			 len;
	char			 id[32];

	if (report_arg(c, true, &it) == -1)
		return;
	if (catalog_item_content(c->cat, it.id, &rdl, &len, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		catalog_item_fini(&it);
		return;
	}
	jr.it = &it;
	jr.rdl = rdl;
	jr.len = len;
	jr.params = &params;
	jr.user = c->user->name;
	jr.policy = c->policy;
	jr.url_base = "/ReportServer?";
	jr.store = true;
	jr.store_kind = CATALOG_DATA_HISTORY;
	jr.now = rs_subs_now(c->srv);
	if (rs_job_render(c->cat, &jr, &e) == -1)
		soap_fail(c, "rsProcessingError", e.code == RS_E_DB ? 503 : 400,
		    "The report could not be processed for its history "
		    "snapshot: %s.", e.msg);
	else {
		rs_time_iso(jr.now, id, sizeof(id));
		soap_w_str(c, "HistoryID", id);
	}
	rs_job_render_fini(&jr);
	free(rdl);
	catalog_item_fini(&it);
}

void
soap_delete_item_history_snapshot(struct soap_call *c)
{
	struct catalog_item	 it;
	struct catalog_rdata	 d;
	struct rs_err		 e;
	size_t			 n;
	int64_t			 t;
	char			*hid;

	if (report_arg(c, true, &it) == -1)
		return;
	if ((hid = soap_need(c, c->op, "HistoryID")) != NULL) {
		t = rs_history_time(hid);
		if (t < 0 || catalog_rdata_find(c->cat, it.id,
		    CATALOG_DATA_HISTORY, NULL, t, 0, &d, NULL, &n, &e) == -1)
			soap_fail(c, "rsReportSnapshotNotFound", 404, "The report "
			    "'%s' has no history snapshot '%.40s' (ListItemHistory "
			    "gives their HistoryIDs).", it.path, hid);
		else {
			if (catalog_rdata_del(c->cat, it.id,
			    CATALOG_DATA_HISTORY, d.id, &e) == -1)
				soap_fail_err(c, &e, NULL);
			catalog_rdata_fini(&d);
		}
	}
	free(hid);
	catalog_item_fini(&it);
}

void
soap_get_item_history_options(struct soap_call *c)
{
	struct catalog_item		it;
	struct catalog_exec_opts	o;

	if (report_arg(c, false, &it) == -1)
		return;
	if (opts_of(c, &it, &o) == 0) {
		soap_w_bool(c, "EnableManualSnapshotCreation", o.history_manual);
		soap_w_bool(c, "KeepExecutionSnapshots", o.history_keep_exec);
		soap_w_sched_choice(c, o.history_schedule_id);
	}
	catalog_item_fini(&it);
}

void
soap_set_item_history_options(struct soap_call *c)
{
	struct catalog_item		it;
	struct catalog_exec_opts	o;
	struct rs_err			e;

	if (report_arg(c, true, &it) == -1)
		return;
	if (opts_of(c, &it, &o) == 0 && soap_arg_bool(c, c->op,
	    "EnableManualSnapshotCreation", &o.history_manual) == 0 &&
	    soap_arg_bool(c, c->op, "KeepExecutionSnapshots",
	    &o.history_keep_exec) == 0 && soap_sched_choice_read(c, c->op,
	    o.history_schedule_id) == 0) {
		if (catalog_exec_opts_set(c->cat, it.id, &o, &e) == -1)
			soap_fail_err(c, &e, NULL);
		else
			rs_subs_wake(c->srv);
	}
	catalog_item_fini(&it);
}

void
soap_get_item_history_limit(struct soap_call *c)
{
	struct catalog_item		it;
	struct catalog_exec_opts	o;

	if (report_arg(c, false, &it) == -1)
		return;
	if (opts_of(c, &it, &o) == 0) {
		soap_w_int(c, "HistoryLimit", o.history_limit);
		soap_w_bool(c, "IsSystem", o.history_limit < 0);
		soap_w_int(c, "SystemLimit", -1);	/* no limit */
	}
	catalog_item_fini(&it);
}

void
soap_set_item_history_limit(struct soap_call *c)
{
	struct catalog_item		it;
	struct catalog_exec_opts	o;
	struct rs_err			e;
	bool				sys = false;
	int64_t				n = -1;

	if (report_arg(c, true, &it) == -1)
		return;
	if (opts_of(c, &it, &o) == 0 && soap_arg_bool(c, c->op, "UseSystem",
	    &sys) == 0 && (sys || soap_arg_int(c, c->op, "HistoryLimit", -1,
	    10000, &n) == 0)) {
		o.history_limit = sys ? -1 : (int)n;
		if (!sys && n == 0)
			soap_fail(c, "rsInvalidParameter", 400, "HistoryLimit "
			    "must be -1 (keep every snapshot) or 1 to 10000.");
		else if (catalog_exec_opts_set(c->cat, it.id, &o, &e) == -1)
			soap_fail_err(c, &e, NULL);
	}
	catalog_item_fini(&it);
}
