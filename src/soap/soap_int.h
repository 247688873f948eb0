/*
 * soap_int.h (internal to soap/): one SOAP call as the handlers see it,
 * the readers of its request (libxml2 tree), the writer of its response
 * (libxml2's xmlTextWriter) and faults in the original's shape, and the
 * helpers the operations share.
 */
#ifndef RS_SOAP_INT_H
#define RS_SOAP_INT_H

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <stdarg.h>

#include "data/data.h"
#include "reportserver/intake.h"
#include "reportserver/render_hook.h"
#include "soap/soap.h"

#define SOAP_NS_11	"http://schemas.xmlsoap.org/soap/envelope/"
#define SOAP_NS_12	"http://www.w3.org/2003/05/soap-envelope"
#define SOAP_NS_MGMT	"http://schemas.microsoft.com/sqlserver/" \
			"reporting/2010/03/01/ReportServer"
#define SOAP_NS_EXEC	"http://schemas.microsoft.com/sqlserver/2005/" \
			"06/30/reporting/reportingservices"
#define SOAP_NS_ERR	"http://www.microsoft.com/sql/reportingservices"
#define SOAP_NS_XSI	"http://www.w3.org/2001/XMLSchema-instance"
#define SOAP_NS_XSD	"http://www.w3.org/2001/XMLSchema"

#define SOAP_ARRAY_MAX		10000	/* elements of one request array */
#define SOAP_RENDER_MAX		((size_t)64 * 1024 * 1024)
#define SOAP_SESSION_S		600	/* the original's SessionTimeout */

enum soap_ep {
	SOAP_EP_MGMT,		/* ReportService2010.asmx */
	SOAP_EP_EXEC,		/* ReportExecution2005.asmx */
};

/* A failed call: the detail's ErrorCode, HttpStatus and Message. */
struct soap_fault {
	char	code[48];	/* "" while the call has not failed */
	int	status;
	bool	server;		/* soap:Server (else soap:Client) */
	char	proto[24];	/* a SOAP-level fault: VersionMismatch,
				   MustUnderstand, or "" */
	char	msg[1200];
};

struct soap_call {
	struct rs_server	*srv;
	const struct data_policy *policy;
	struct catalog		*cat;
	const struct rsuser	*user;
	struct rsreq		*req;
	enum soap_ep		 ep;
	const char		*ns;		/* the endpoint's namespace */
	int			 version;	/* 11 or 12 */
	xmlDoc			*doc;
	xmlNode			*op;		/* the operation's element */
	char			 opname[64];
	char			 exec_id[64];	/* ExecutionHeader of the request */
	bool			 by_id;		/* ItemNamespaceHeader GUIDBased */
	char			 exec_out[64];	/* ExecutionHeader of the answer */
	xmlBuffer		*body;		/* the answer's element, written */
	xmlTextWriter		*w;		/* by the handler through w */
	struct soap_fault	 fault;
};

typedef void soap_op_fn(struct soap_call *);

/* One operation of an endpoint. */
struct soap_op {
	const char	*name;
	soap_op_fn	*fn;
};

/* envelope.c: the request. */
/* Parses the envelope, its headers and the operation element. */
int	soap_parse(struct soap_call *, const void *body, size_t len,
	    const char *content_type, const char *soap_action);
/* The child element called name in the endpoint's namespace, or NULL. */
xmlNode	*soap_child(const struct soap_call *, const xmlNode *parent,
	    const char *name);
/* The next sibling element after n called name, or NULL. */
xmlNode	*soap_next(const struct soap_call *, const xmlNode *n,
	    const char *name);
bool	soap_is_nil(const xmlNode *);
/* Text of an element (owned), or NULL when n is NULL or xsi:nil. */
char	*soap_text(const xmlNode *n);
/* soap_text of the child called name. */
char	*soap_arg(const struct soap_call *, const xmlNode *parent,
	    const char *name);
/*
 * A boolean or int child: *out is set when present (xsd:boolean "true",
 * "false", "1", "0"); -1 with a fault when it is not of the type.
 */
int	soap_arg_bool(struct soap_call *, const xmlNode *parent,
	    const char *name, bool *out);
int	soap_arg_int(struct soap_call *, const xmlNode *parent,
	    const char *name, int64_t min, int64_t max, int64_t *out);
/* A required string child: -1 with rsMissingParameter when absent. */
char	*soap_need(struct soap_call *, const xmlNode *parent,
	    const char *name);

/* writer.c: the answer. */
void	soap_w_start(struct soap_call *, const char *name);
void	soap_w_end(struct soap_call *);
/* <name>value</name>; nothing when value is NULL. */
void	soap_w_str(struct soap_call *, const char *name, const char *value);
void	soap_w_nil(struct soap_call *, const char *name);
void	soap_w_bool(struct soap_call *, const char *name, bool);
void	soap_w_int(struct soap_call *, const char *name, long long);
/* An xsd:dateTime in local time with its offset, from epoch seconds. */
void	soap_w_time(struct soap_call *, const char *name, int64_t);
void	soap_w_base64(struct soap_call *, const char *name, const void *,
	    size_t);
/*
 * Records a fault (the first one of a call wins) and returns -1.  status:
 * the HttpStatus of the detail; 5xx faults are soap:Server.
 */
int	soap_fail(struct soap_call *, const char *code, int status,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A fault from an rs_err: code (or, NULL, the error's own) and message. */
int	soap_fail_err(struct soap_call *, const struct rs_err *,
	    const char *code);
/* rsAccessDenied for the signed-in user. */
int	soap_denied(struct soap_call *);
/* rsOperationNotSupported naming the operation, with why. */
void	soap_unsupported(struct soap_call *, const char *why);
/* The whole answer into resp: the envelope, its headers and the body. */
void	soap_respond(struct soap_call *, struct rsresp *);
/* A fault answered before a call exists (gate, bad envelope). */
void	soap_respond_fault(struct rsresp *, int version,
	    const struct soap_fault *);

/* dispatch.c: the operations an endpoint implements, by index. */
size_t		 soap_op_count(enum soap_ep);
const char	*soap_op_name(enum soap_ep, size_t i);

/* wsdl.c */
void	soap_wsdl(const struct rsreq *, struct rsresp *, enum soap_ep);
/* Whether name is an operation of the endpoint's contract. */
bool	soap_wsdl_has(enum soap_ep, const char *name);

/* items.c: finding items and writing them. */
/*
 * The item at path (or id when by_id) that the user may see; -1 with a
 * fault (rsItemNotFound, rsInvalidItemPath, rsAccessDenied).
 */
int	soap_item(struct soap_call *, const char *path, bool by_id,
	    struct catalog_item *);
/* soap_item, and the user must hold the task that manages its type. */
int	soap_item_managed(struct soap_call *, const char *path,
	    struct catalog_item *);
/* soap_item of the required child called name (ItemPath ...). */
int	soap_item_arg(struct soap_call *, const char *name, bool managed,
	    struct catalog_item *);
void	soap_w_catalog_item(struct soap_call *, const char *elem,
	    const struct catalog_item *);
void	soap_w_warnings(struct soap_call *, const char *elem,
	    const struct rs_warnings *);
/*
 * The parent folder exists and the user may manage items of type there
 * (as REST's POST: a Publisher has no View folders, yet publishes); -1
 * with rsItemNotFound or rsAccessDenied.
 */
int	soap_may_add(struct soap_call *, const char *parent, int type);
/*
 * With overwrite, an item already at path may be replaced only by a user
 * who may manage it (its own policy may differ from its folder's); -1
 * with rsAccessDenied.
 */
int	soap_may_replace(struct soap_call *, const char *path, bool overwrite);
/* A definition passes the intake check; -1 with its refusal as a fault. */
int	soap_intake(struct soap_call *, int type, const char *path,
	    const void *data, size_t len, struct rs_warnings *);

/* props.c: Properties of a request (ArrayOfProperty). */
#define SOAP_PROPS_MAX	64

struct soap_props {
	struct catalog_update	 u;	/* Description, Hidden, MimeType */
	struct catalog_prop	 custom[SOAP_PROPS_MAX];
	size_t			 ncustom;
	char			*desc, *mime;	/* owned copies in u */
};

/* Reads the Property elements of props (may be NULL); -1 with a fault. */
int	soap_props_read(struct soap_call *, const xmlNode *props,
	    struct soap_props *);
void	soap_props_fini(struct soap_props *);
/* Stores the user-defined properties of p on item id. */
int	soap_props_store(struct soap_call *, const char *id,
	    const struct soap_props *);
/* Decodes base64 text (whitespace allowed) of at most max bytes. */
uint8_t	*soap_base64(struct soap_call *, const char *name, const char *text,
	    size_t max, size_t *len);

/* dsdef.c: a DataSourceDefinition of a request or of the answer. */
struct dsdef {
	char	*ext;
	char	*conn;
	char	*cred;		/* CredentialRetrieval */
	bool	 enabled;
	bool	 has_user;	/* UserName or Password given */
};

/* Reads the DataSourceDefinition element n; -1 with a fault. */
int	soap_dsdef_read(struct soap_call *, const xmlNode *n, struct dsdef *);
void	soap_dsdef_fini(struct dsdef *);
/*
 * The stored form of d (<DataSourceDefinition> XML, never a secret) after
 * the intake check a data source at path passes; NULL with a fault.
 */
char	*soap_dsdef_checked(struct soap_call *, const struct dsdef *d,
	    const char *path, size_t *len);
/* A DataSourceDefinition element of the answer, in the contract's order. */
void	soap_w_dsdef(struct soap_call *, const char *elem, const char *ext,
	    const char *conn, const char *cred, bool enabled);

/* params.c: report parameters. */
/* ItemParameter (item) or ReportParameter elements of a report. */
void	soap_w_params(struct soap_call *, const char *elem,
	    const struct rdl_report *, const struct render_param_def *,
	    bool item);
/* Whether a parameter still lacks a usable value. */
bool	soap_params_required(const struct rdl_report *,
	    const struct render_param_def *);
/* Appends "&name=value", URL-encoded, to a URL-access query. */
void	soap_query_add(struct buf *q, const char *name, const char *value);
/* ParameterValue elements of list as URL-access query parameters. */
int	soap_params_query(struct soap_call *, const xmlNode *list,
	    struct buf *q);
/* A report the user may see and its definition; -1 with a fault. */
int	soap_report_load(struct soap_call *, const char *path,
	    struct catalog_item *, void **rdl, size_t *len);
/*
 * The parameters of a report for query (rs_render_params): *rep (the
 * caller's, rdl_free) and *defs (render_parameters_free); -1 with a fault.
 */
int	soap_params_of(struct soap_call *, const struct catalog_item *,
	    const void *rdl, size_t len, const char *query,
	    struct rdl_report **rep, struct render_param_def **defs);

/* execution.c: executions of ReportExecution2005. */
/* The execution the ExecutionHeader names; -1 with rsExecutionNotFound. */
int	soap_exec_get(struct soap_call *, struct catalog_execution *);
/* Its report and definition (*rdl the caller's); -1 with a fault. */
int	soap_exec_report(struct soap_call *, const struct catalog_execution *,
	    struct catalog_item *, void **rdl, size_t *len);
/* Moves its expiry on and stores it; -1 with a fault. */
int	soap_exec_save(struct soap_call *, struct catalog_execution *);

/* sched.c: a ScheduleDefinition (sched/ and reportserver/subs_api.h). */
struct sched_recur;
/* MatchData's ScheduleDefinition XML into r; -1 with a fault. */
int	soap_sched_match_read(struct soap_call *, const char *match,
	    struct sched_recur *r);
/* r as MatchData's XML (owned). */
char	*soap_sched_match_text(const struct sched_recur *r);
/* MatchData of a schedule: a shared one's ID, or its own definition. */
void	soap_w_match(struct soap_call *, const char *sched_id);
void	soap_w_sched_def(struct soap_call *, const char *elem,
	    const struct sched_recur *r);
/*
 * The schedule choice of history, execution and cache options: NoSchedule
 * (sched_id ""), a ScheduleReference to a shared schedule, or a
 * ScheduleDefinition stored as sched_id's own schedule (updated in place
 * when sched_id names one).  -1 with a fault.
 */
int	soap_sched_choice_read(struct soap_call *, const xmlNode *parent,
	    char *sched_id);
/* That choice written: NoSchedule, ScheduleReference or ScheduleDefinition. */
void	soap_w_sched_choice(struct soap_call *, const char *sched_id);
/* A ScheduleDefinition element into r; -1 with a fault. */
int	soap_sched_def_read(struct soap_call *, const xmlNode *def,
	    struct sched_recur *r);

/* The operations, by endpoint and concern. */
soap_op_fn	soap_list_children, soap_get_item_type, soap_find_items,
		soap_create_folder, soap_create_catalog_item,
		soap_get_item_definition, soap_set_item_definition,
		soap_delete_item, soap_move_item, soap_list_parents;
soap_op_fn	soap_get_properties, soap_set_properties,
		soap_get_system_properties;
soap_op_fn	soap_create_data_source, soap_get_data_source_contents,
		soap_set_data_source_contents, soap_get_item_data_sources,
		soap_set_item_data_sources, soap_get_item_references,
		soap_set_item_references, soap_test_connect,
		soap_enable_data_source, soap_disable_data_source;
soap_op_fn	soap_get_policies, soap_set_policies, soap_inherit_security,
		soap_get_system_policies, soap_set_system_policies,
		soap_list_roles, soap_list_tasks, soap_get_permissions,
		soap_get_system_permissions;
soap_op_fn	soap_list_extensions, soap_is_ssl_required,
		soap_list_secure_methods, soap_server_config_info,
		soap_list_item_types;
soap_op_fn	soap_get_cache_options, soap_set_cache_options,
		soap_get_execution_options, soap_set_execution_options,
		soap_flush_cache, soap_update_execution_snapshot;
soap_op_fn	soap_list_plans, soap_create_plan, soap_get_plan_properties,
		soap_set_plan_properties, soap_delete_plan;
soap_op_fn	soap_list_item_history, soap_create_item_history_snapshot,
		soap_delete_item_history_snapshot,
		soap_get_item_history_options, soap_set_item_history_options,
		soap_get_item_history_limit, soap_set_item_history_limit;
soap_op_fn	soap_list_schedules, soap_create_schedule,
		soap_get_schedule_properties, soap_set_schedule_properties,
		soap_delete_schedule, soap_pause_schedule, soap_resume_schedule,
		soap_list_scheduled_items, soap_list_jobs, soap_cancel_job;
soap_op_fn	soap_create_subscription, soap_create_dd_subscription,
		soap_get_subscription_properties,
		soap_get_dd_subscription_properties,
		soap_set_subscription_properties,
		soap_set_dd_subscription_properties, soap_list_subscriptions,
		soap_list_subs_using_source, soap_delete_subscription,
		soap_fire_event, soap_get_extension_settings,
		soap_validate_extension_settings,
		soap_change_subscription_owner;
soap_op_fn	soap_list_events, soap_list_extension_types,
		soap_list_job_actions, soap_list_job_states, soap_list_job_types,
		soap_list_schedule_states, soap_list_execution_settings;
soap_op_fn	soap_get_item_parameters, soap_set_item_parameters;
soap_op_fn	soap_load_report, soap_load_report2,
		soap_load_report_definition, soap_load_report_definition2,
		soap_set_execution_parameters, soap_set_execution_parameters2,
		soap_set_execution_credentials, soap_get_execution_info,
		soap_get_execution_info2, soap_reset_execution,
		soap_reset_execution2, soap_render, soap_render2,
		soap_render_stream, soap_list_rendering_extensions,
		soap_need_interactivity, soap_get_document_map,
		soap_find_string;

#endif
