/*
 * lists.c: the enumerations of ReportService2010 whose values are this
 * server's own words: ListEvents (what FireEvent and subscriptions take),
 * ListExtensionTypes (what ListExtensions takes), ListJobActions,
 * ListJobStates and ListJobTypes (what ListJobs answers) and
 * ListScheduleStates (what a Schedule's ScheduleStateName is),
 * ListExecutionSettings (what SetExecutionOptions takes).  Each list
 * holds the values this server uses, no others.
 */
#include "soap/soap_int.h"
#include "common/str.h"

static void
strings(struct soap_call *c, const char *elem, const char *const *v, size_t n)
{
	soap_w_start(c, elem);
	for (size_t i = 0; i < n; i++)
		soap_w_str(c, "string", v[i]);
	soap_w_end(c);
}

void
soap_list_events(struct soap_call *c)
{
	static const char *const v[] = { "TimedSubscription",
	    "SnapshotUpdated", "SharedSchedule", "RefreshCache" };

	soap_w_start(c, "Events");
	for (size_t i = 0; i < nitems(v); i++) {
		soap_w_start(c, "Event");
		soap_w_str(c, "Type", v[i]);
		soap_w_end(c);
	}
	soap_w_end(c);
}

void
soap_list_extension_types(struct soap_call *c)
{
	static const char *const v[] = { "Delivery", "Render", "Data" };

	strings(c, "ListExtensionTypesResult", v, nitems(v));
}

void
soap_list_job_actions(struct soap_call *c)
{
	static const char *const v[] = { "Execute", "ExecuteCache",
	    "ExecuteSnapshot" };

	strings(c, "ListJobActionsResult", v, nitems(v));
}

void
soap_list_job_states(struct soap_call *c)
{
	static const char *const v[] = { "New", "Running" };

	strings(c, "ListJobStatesResult", v, nitems(v));
}

void
soap_list_job_types(struct soap_call *c)
{
	static const char *const v[] = { "System" };

	strings(c, "ListJobTypesResult", v, nitems(v));
}

void
soap_list_schedule_states(struct soap_call *c)
{
	static const char *const v[] = { "Ready", "Paused", "Expired" };

	strings(c, "ListScheduleStatesResult", v, nitems(v));
}

void
soap_list_execution_settings(struct soap_call *c)
{
	static const char *const v[] = { "Live", "Snapshot" };

	strings(c, "ListExecutionSettingsResult", v, nitems(v));
}
