/*
 * dispatch.c: one request to a .asmx URL.  GET serves the contract
 * ("?wsdl") or a short page naming it; POST is a SOAP call: the gate
 * (database, secure connection level, sign-in; its refusals become SOAP
 * faults with the same code and HTTP status, and a 401 keeps its Basic
 * challenge), then the envelope, then the operation from the endpoint's
 * table.  An operation the table does not hold is the fault
 * rsOperationNotSupported naming it.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "reportserver/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct soap_op mgmt_ops[] = {
	{ "ListChildren", soap_list_children },
	{ "ListParents", soap_list_parents },
	{ "GetItemType", soap_get_item_type },
	{ "FindItems", soap_find_items },
	{ "CreateFolder", soap_create_folder },
	{ "CreateCatalogItem", soap_create_catalog_item },
	{ "GetItemDefinition", soap_get_item_definition },
	{ "SetItemDefinition", soap_set_item_definition },
	{ "DeleteItem", soap_delete_item },
	{ "MoveItem", soap_move_item },
	{ "GetProperties", soap_get_properties },
	{ "SetProperties", soap_set_properties },
	{ "GetItemDataSources", soap_get_item_data_sources },
	{ "SetItemDataSources", soap_set_item_data_sources },
	{ "GetItemReferences", soap_get_item_references },
	{ "SetItemReferences", soap_set_item_references },
	{ "CreateDataSource", soap_create_data_source },
	{ "GetDataSourceContents", soap_get_data_source_contents },
	{ "SetDataSourceContents", soap_set_data_source_contents },
	{ "EnableDataSource", soap_enable_data_source },
	{ "DisableDataSource", soap_disable_data_source },
	{ "TestConnectForDataSourceDefinition", soap_test_connect },
	{ "GetItemParameters", soap_get_item_parameters },
	{ "SetItemParameters", soap_set_item_parameters },
	{ "GetPolicies", soap_get_policies },
	{ "SetPolicies", soap_set_policies },
	{ "InheritParentSecurity", soap_inherit_security },
	{ "GetSystemPolicies", soap_get_system_policies },
	{ "SetSystemPolicies", soap_set_system_policies },
	{ "GetPermissions", soap_get_permissions },
	{ "GetSystemPermissions", soap_get_system_permissions },
	{ "ListRoles", soap_list_roles },
	{ "ListTasks", soap_list_tasks },
	{ "ListExtensions", soap_list_extensions },
	{ "ListItemTypes", soap_list_item_types },
	{ "ListSubscriptions", soap_list_subscriptions },
	{ "ListMySubscriptions", soap_list_subscriptions },
	{ "ListSubscriptionsUsingDataSource", soap_list_subs_using_source },
	{ "CreateSubscription", soap_create_subscription },
	{ "CreateDataDrivenSubscription", soap_create_dd_subscription },
	{ "SetSubscriptionProperties", soap_set_subscription_properties },
	{ "SetDataDrivenSubscriptionProperties",
	    soap_set_dd_subscription_properties },
	{ "GetSubscriptionProperties", soap_get_subscription_properties },
	{ "GetDataDrivenSubscriptionProperties",
	    soap_get_dd_subscription_properties },
	{ "DeleteSubscription", soap_delete_subscription },
	{ "ChangeSubscriptionOwner", soap_change_subscription_owner },
	{ "ListEvents", soap_list_events },
	{ "ListExtensionTypes", soap_list_extension_types },
	{ "ListJobActions", soap_list_job_actions },
	{ "ListJobStates", soap_list_job_states },
	{ "ListJobTypes", soap_list_job_types },
	{ "ListScheduleStates", soap_list_schedule_states },
	{ "ListExecutionSettings", soap_list_execution_settings },
	{ "FireEvent", soap_fire_event },
	{ "GetExtensionSettings", soap_get_extension_settings },
	{ "ValidateExtensionSettings", soap_validate_extension_settings },
	{ "ListSchedules", soap_list_schedules },
	{ "CreateSchedule", soap_create_schedule },
	{ "GetScheduleProperties", soap_get_schedule_properties },
	{ "SetScheduleProperties", soap_set_schedule_properties },
	{ "DeleteSchedule", soap_delete_schedule },
	{ "PauseSchedule", soap_pause_schedule },
	{ "ResumeSchedule", soap_resume_schedule },
	{ "ListScheduledItems", soap_list_scheduled_items },
	{ "ListCacheRefreshPlans", soap_list_plans },
	{ "CreateCacheRefreshPlan", soap_create_plan },
	{ "GetCacheRefreshPlanProperties", soap_get_plan_properties },
	{ "SetCacheRefreshPlanProperties", soap_set_plan_properties },
	{ "DeleteCacheRefreshPlan", soap_delete_plan },
	{ "GetCacheOptions", soap_get_cache_options },
	{ "SetCacheOptions", soap_set_cache_options },
	{ "FlushCache", soap_flush_cache },
	{ "UpdateItemExecutionSnapshot", soap_update_execution_snapshot },
	{ "GetExecutionOptions", soap_get_execution_options },
	{ "SetExecutionOptions", soap_set_execution_options },
	{ "ListItemHistory", soap_list_item_history },
	{ "CreateItemHistorySnapshot", soap_create_item_history_snapshot },
	{ "DeleteItemHistorySnapshot", soap_delete_item_history_snapshot },
	{ "GetItemHistoryOptions", soap_get_item_history_options },
	{ "SetItemHistoryOptions", soap_set_item_history_options },
	{ "GetItemHistoryLimit", soap_get_item_history_limit },
	{ "SetItemHistoryLimit", soap_set_item_history_limit },
	{ "GetSystemProperties", soap_get_system_properties },
	{ "ListJobs", soap_list_jobs },
	{ "CancelJob", soap_cancel_job },
	{ "IsSSLRequired", soap_is_ssl_required },
	{ "GetReportServerConfigInfo", soap_server_config_info },
	{ "ListSecureMethods", soap_list_secure_methods },
};

static const struct soap_op exec_ops[] = {
	{ "ListSecureMethods", soap_list_secure_methods },
	{ "LoadReport", soap_load_report },
	{ "LoadReport2", soap_load_report2 },
	{ "LoadReportDefinition", soap_load_report_definition },
	{ "LoadReportDefinition2", soap_load_report_definition2 },
	{ "SetExecutionParameters", soap_set_execution_parameters },
	{ "SetExecutionParameters2", soap_set_execution_parameters2 },
	{ "SetExecutionCredentials", soap_set_execution_credentials },
	{ "SetExecutionCredentials2", soap_set_execution_credentials },
	{ "GetExecutionInfo", soap_get_execution_info },
	{ "GetExecutionInfo2", soap_get_execution_info2 },
	{ "ResetExecution", soap_reset_execution },
	{ "ResetExecution2", soap_reset_execution2 },
	{ "Render", soap_render },
	{ "Render2", soap_render2 },
	{ "RenderStream", soap_render_stream },
	{ "GetDocumentMap", soap_get_document_map },
	{ "NavigateDocumentMap", soap_need_interactivity },
	{ "NavigateBookmark", soap_need_interactivity },
	{ "Sort", soap_need_interactivity },
	{ "Sort2", soap_need_interactivity },
	{ "ToggleItem", soap_need_interactivity },
	{ "LoadDrillthroughTarget", soap_need_interactivity },
	{ "LoadDrillthroughTarget2", soap_need_interactivity },
	{ "FindString", soap_find_string },
	{ "ListRenderingExtensions", soap_list_rendering_extensions },
};

static int
endpoint_of(const char *path, enum soap_ep *ep)
{
	if (strcasecmp(path, "/ReportService2010.asmx") == 0)
		*ep = SOAP_EP_MGMT;
	else if (strcasecmp(path, "/ReportExecution2005.asmx") == 0)
		*ep = SOAP_EP_EXEC;
	else
		return -1;
	return 0;
}

size_t
soap_op_count(enum soap_ep ep)
{
	return ep == SOAP_EP_MGMT ? nitems(mgmt_ops) : nitems(exec_ops);
}

const char *
soap_op_name(enum soap_ep ep, size_t i)
{
	return (ep == SOAP_EP_MGMT ? mgmt_ops : exec_ops)[i].name;
}

static soap_op_fn *
op_find(enum soap_ep ep, const char *name)
{
	const struct soap_op	*t = ep == SOAP_EP_MGMT ? mgmt_ops : exec_ops;
	size_t			 n = ep == SOAP_EP_MGMT ? nitems(mgmt_ops) :
				    nitems(exec_ops);

	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].fn;
	return NULL;
}

/* The gate's JSON refusal as a SOAP fault, status and headers kept. */
static void
gate_fault(struct rsresp *resp, int version)
{
	struct soap_fault	 f = { 0 };
	struct json		*j;
	struct rs_err		 e;
	const struct json	*err = NULL;
	const char		*code = NULL, *msg = NULL;

	j = json_parse((const char *)resp->body.data, resp->body.len, &e);
	if (j != NULL)
		err = json_get(j, "error");
	if (err != NULL) {
		code = json_get_str(err, "code");
		msg = json_get_str(err, "message");
	}
	str_copy(f.code, sizeof(f.code), code != NULL ? code :
	    "rsAccessDenied");
	str_copy(f.msg, sizeof(f.msg), msg != NULL ? msg : "refused");
	f.status = resp->status;
	f.server = resp->status >= 500;
	json_free(j);
	soap_respond_fault(resp, version, &f);
	resp->status = f.status;
}

static void
service_page(struct rsresp *resp, enum soap_ep ep, const struct rsreq *r)
{
	const char	*name = ep == SOAP_EP_MGMT ? "ReportingService2010" :
	    "ReportExecutionService";

	rsresp_header(resp, "Content-Type", "text/html; charset=utf-8");
	(void)buf_printf(&resp->body, NULL, "<!DOCTYPE html>\n<html lang=\"en\">"
	    "<head><meta charset=\"utf-8\"><title>%s</title></head><body><h1>"
	    "%s</h1><p>A SOAP endpoint of %s %s. Its contract: <a href=\"",
	    name, name, RS_PRODUCT, RS_VERSION);
	(void)buf_html(&resp->body, r->vdir, NULL);
	(void)buf_html(&resp->body, r->path, NULL);
	(void)buf_puts(&resp->body, "?wsdl\">the service description (WSDL)"
	    "</a>.</p></body></html>\n", NULL);
}

/* The operation; its answer's element is the operation's name+Response. */
static void
call(struct soap_call *c, struct rsresp *resp)
{
	soap_op_fn	*fn;
	char		 rname[80];

	snprintf(rname, sizeof(rname), "%sResponse", c->opname);
	c->body = xmlBufferCreate();
	c->w = xmlNewTextWriterMemory(c->body, 0);
	(void)xmlTextWriterStartElementNS(c->w, NULL, (const xmlChar *)rname,
	    (const xmlChar *)c->ns);
	fn = op_find(c->ep, c->opname);
	if (fn != NULL)
		fn(c);
	else
		soap_unsupported(c, soap_wsdl_has(c->ep, c->opname) ? "it is "
		    "part of the contract but not implemented here (docs/soap.md "
		    "lists the operations that are)" : "it is not an operation "
		    "of this endpoint's contract");
	(void)xmlTextWriterEndDocument(c->w);	/* closes what is open */
	soap_respond(c, resp);
	xmlFreeTextWriter(c->w);
	xmlBufferFree(c->body);
}

static void
post(struct soap_call *c, struct rsresp *resp)
{
	struct rsuser	 u;
	const char	*ct = rs_req_header(c->req, "Content-Type");

	memset(&u, 0, sizeof(u));
	c->version = ct != NULL && str_has_iprefix(ct,
	    "application/soap+xml") ? 12 : 11;
	c->cat = rs_gate(c->srv, c->req, resp, true, &u);
	if (c->cat == NULL) {
		gate_fault(resp, c->version);
		rsuser_fini(&u);
		return;
	}
	c->user = &u;
	if (soap_parse(c, c->req->body, c->req->body_len, ct,
	    rs_req_header(c->req, "SOAPAction")) == -1)
		soap_respond_fault(resp, c->version, &c->fault);
	else
		call(c, resp);
	xmlFreeDoc(c->doc);
	rsuser_fini(&u);
}

void
soap_handle(void *arg, struct rs_server *s, struct rsreq *r,
    struct rsresp *resp)
{
	struct soap_call	 c;
	struct rsuser		 u;
	enum soap_ep		 ep;

	if (endpoint_of(r->path, &ep) == -1) {
		rs_error_html(resp, 404, "rsItemNotFound", "This report server "
		    "has two SOAP endpoints, ReportService2010.asmx and "
		    "ReportExecution2005.asmx (ReportService2005.asmx and "
		    "ReportService2006.asmx were removed in SQL Server 2016).",
		    NULL);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.srv = s;
	c.policy = arg;
	c.req = r;
	c.ep = ep;
	c.ns = ep == SOAP_EP_MGMT ? SOAP_NS_MGMT : SOAP_NS_EXEC;
	if (strcmp(r->method, "POST") == 0) {
		post(&c, resp);
		return;
	}
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		rs_error_html(resp, 405, "rsInvalidRequest", "A SOAP endpoint "
		    "takes POST (a SOAP call) or GET (?wsdl).", NULL);
		rsresp_header(resp, "Allow", "GET, HEAD, POST");
		return;
	}
	memset(&u, 0, sizeof(u));
	if (rs_gate(s, r, resp, false, &u) == NULL)
		return;
	if (str_ieq(r->query, "wsdl"))
		soap_wsdl(r, resp, ep);
	else
		service_page(resp, ep, r);
	rsuser_fini(&u);
}
