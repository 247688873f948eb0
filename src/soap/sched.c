/*
 * sched.c: ReportService2010's shared schedules and jobs over the
 * scheduler the REST API uses (reportserver/subs_api.h): ListSchedules,
 * CreateSchedule, Get/SetScheduleProperties, DeleteSchedule,
 * Pause/ResumeSchedule, ListScheduledItems, ListJobs and CancelJob; and
 * the ScheduleDefinition, read from a request element or from a
 * subscription's MatchData (the same XML as a string, as .NET's
 * XmlSerializer writes it) and written back in the contract's order.  A
 * definition has no time zone in this contract: its StartDateTime's offset
 * (when given) is the instant, shown in the server's zone.  Who may: "View
 * shared schedules" reads, "Manage shared schedules" changes, "Manage
 * jobs" lists and cancels jobs, as for REST.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "reportserver/subs_api.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define X(s)		((const xmlChar *)(s))
#define JOBS_MAX	1000

/* The child element called name, in any namespace (MatchData has its own). */
static xmlNode *
kid(const xmlNode *p, const char *name)
{
	for (xmlNode *k = p != NULL ? p->children : NULL; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name,
		    name) == 0)
			return k;
	return NULL;
}

static char *
kid_text(const xmlNode *p, const char *name)
{
	return soap_text(kid(p, name));
}

static int
num_of(struct soap_call *c, const xmlNode *p, const char *name,
    unsigned dflt, unsigned *out)
{
	char		*s = kid_text(p, name), *end;
	unsigned long	 v;

	*out = dflt;
	if (s == NULL)
		return 0;
	str_trim(s);
	v = strtoul(s, &end, 10);
	if (end == s || *end != '\0' || s[0] == '-' || v > 1000000000ul) {
		free(s);
		return soap_fail(c, "rsInvalidParameter", 400, "%s must be a "
		    "whole number.", name);
	}
	free(s);
	*out = (unsigned)v;
	return 0;
}

static unsigned
selector(const xmlNode *sel, const char *const *names, size_t n)
{
	unsigned	b = 0;

	for (size_t i = 0; sel != NULL && i < n; i++) {
		char	*v = kid_text(sel, names[i]);

		if (v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0))
			b |= 1u << i;
		free(v);
	}
	return b;
}

static int
recurrence(struct soap_call *c, const xmlNode *def, struct sched_recur *r)
{
	const xmlNode	*x;
	struct rs_err	 e;
	char		*s;
	int		 rc = 0;

	r->interval = 1;
	r->kind = SCHED_ONCE;
	if ((x = kid(def, "MinuteRecurrence")) != NULL) {
		r->kind = SCHED_MINUTE;
		return num_of(c, x, "MinutesInterval", 60, &r->interval);
	}
	if ((x = kid(def, "DailyRecurrence")) != NULL) {
		r->kind = SCHED_DAILY;
		return num_of(c, x, "DaysInterval", 1, &r->interval);
	}
	if ((x = kid(def, "WeeklyRecurrence")) != NULL) {
		r->kind = SCHED_WEEKLY;
		r->dow = selector(kid(x, "DaysOfWeek"), rs_sched_day_names, 7);
		return num_of(c, x, "WeeksInterval", 1, &r->interval);
	}
	if ((x = kid(def, "MonthlyRecurrence")) != NULL) {
		r->kind = SCHED_MONTHLY;
		r->months = selector(kid(x, "MonthsOfYear"),
		    rs_sched_month_names, 12);
		s = kid_text(x, "Days");
		if (rs_sched_days_parse(s, &r->days, &e) == -1)
			rc = soap_fail(c, "rsInvalidParameter", 400, "%s.", e.msg);
		free(s);
		return rc;
	}
	if ((x = kid(def, "MonthlyDOWRecurrence")) != NULL) {
		r->kind = SCHED_MONTHLY_DOW;
		r->months = selector(kid(x, "MonthsOfYear"),
		    rs_sched_month_names, 12);
		r->dow = selector(kid(x, "DaysOfWeek"), rs_sched_day_names, 7);
		s = kid_text(x, "WhichWeek");
		for (r->week = 1; s != NULL && r->week < 6; r->week++)
			if (str_ieq(s, rs_sched_week_names[r->week]))
				break;
		free(s);
		if (r->week >= 6)
			return soap_fail(c, "rsInvalidParameter", 400, "WhichWeek "
			    "must be FirstWeek, SecondWeek, ThirdWeek, FourthWeek "
			    "or LastWeek.");
	}
	return 0;
}

int
soap_sched_def_read(struct soap_call *c, const xmlNode *def,
    struct sched_recur *r)
{
	struct rs_err	 e;
	char		*start, *end;
	int		 rc;

	memset(r, 0, sizeof(*r));
	if (def == NULL || soap_is_nil(def))
		return soap_fail(c, "rsMissingParameter", 400, "The value for "
		    "parameter 'ScheduleDefinition' is not specified; it needs "
		    "a StartDateTime.");
	start = kid_text(def, "StartDateTime");
	end = kid_text(def, "EndDate");
	rc = rs_sched_start(start, NULL, r, &e);
	if (rc == 0 && end != NULL)
		rc = rs_sched_end(end, r, &e);
	free(start);
	free(end);
	if (rc == -1)
		return soap_fail(c, "rsInvalidParameter", 400, "StartDateTime or "
		    "EndDate: %s.", e.msg);
	if (recurrence(c, def, r) == -1)
		return -1;
	if (sched_recur_check(r, &e) == -1)
		return soap_fail(c, "rsInvalidParameter", 400, "The schedule is "
		    "not valid: %s.", e.msg);
	return 0;
}

int
soap_sched_match_read(struct soap_call *c, const char *match,
    struct sched_recur *r)
{
	xmlDoc	*doc;
	int	 rc;

	doc = xmlReadMemory(match, (int)strlen(match), "MatchData", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL ||
	    strcmp((const char *)xmlDocGetRootElement(doc)->name,
	    "ScheduleDefinition") != 0 || doc->intSubset != NULL) {
		xmlFreeDoc(doc);
		return soap_fail(c, "rsInvalidParameter", 400, "MatchData must "
		    "be a shared schedule's ID or a ScheduleDefinition in XML.");
	}
	rc = soap_sched_def_read(c, xmlDocGetRootElement(doc), r);
	xmlFreeDoc(doc);
	return rc;
}

static void
w_selector(xmlTextWriter *w, const char *name, unsigned bits,
    const char *const *names, size_t n)
{
	(void)xmlTextWriterStartElement(w, X(name));
	for (size_t i = 0; i < n; i++)
		(void)xmlTextWriterWriteElement(w, X(names[i]), X(bits &
		    (1u << i) ? "true" : "false"));
	(void)xmlTextWriterEndElement(w);
}

static void
w_int(xmlTextWriter *w, const char *name, unsigned v)
{
	(void)xmlTextWriterWriteFormatElement(w, X(name), "%u", v);
}

/* A child of the definition, in ns when given (MatchData's form). */
static void
w_start(xmlTextWriter *w, const char *name, const char *ns)
{
	(void)xmlTextWriterStartElementNS(w, NULL, X(name), ns != NULL ?
	    X(ns) : NULL);
}

static void
w_def_body(xmlTextWriter *w, const struct sched_recur *r, const char *ns)
{
	char	t[48], days[128];

	rs_sched_start_iso(r, t, sizeof(t));
	w_start(w, "StartDateTime", ns);
	(void)xmlTextWriterWriteString(w, X(t));
	(void)xmlTextWriterEndElement(w);
	if (r->has_end) {
		snprintf(t, sizeof(t), "%04d-%02d-%02dT00:00:00", r->end.year,
		    r->end.month, r->end.day);
		w_start(w, "EndDate", ns);
		(void)xmlTextWriterWriteString(w, X(t));
		(void)xmlTextWriterEndElement(w);
	}
	switch (r->kind) {
	case SCHED_ONCE:
		return;
	case SCHED_MINUTE:
		w_start(w, "MinuteRecurrence", ns);
		w_int(w, "MinutesInterval", r->interval);
		break;
	case SCHED_DAILY:
		w_start(w, "DailyRecurrence", ns);
		w_int(w, "DaysInterval", r->interval);
		break;
	case SCHED_WEEKLY:
		w_start(w, "WeeklyRecurrence", ns);
		w_int(w, "WeeksInterval", r->interval);
		w_selector(w, "DaysOfWeek", r->dow, rs_sched_day_names, 7);
		break;
	case SCHED_MONTHLY:
		w_start(w, "MonthlyRecurrence", ns);
		rs_sched_days_format(r->days, days, sizeof(days));
		(void)xmlTextWriterWriteElement(w, X("Days"), X(days));
		w_selector(w, "MonthsOfYear", r->months, rs_sched_month_names,
		    12);
		break;
	case SCHED_MONTHLY_DOW:
		w_start(w, "MonthlyDOWRecurrence", ns);
		(void)xmlTextWriterWriteElement(w, X("WhichWeek"),
		    X(rs_sched_week_names[r->week % 6]));
		w_selector(w, "DaysOfWeek", r->dow, rs_sched_day_names, 7);
		w_selector(w, "MonthsOfYear", r->months, rs_sched_month_names,
		    12);
		break;
	}
	(void)xmlTextWriterEndElement(w);
}

void
soap_w_sched_def(struct soap_call *c, const char *elem,
    const struct sched_recur *r)
{
	soap_w_start(c, elem);
	w_def_body(c->w, r, NULL);
	soap_w_end(c);
}

char *
soap_sched_match_text(const struct sched_recur *r)
{
	xmlBuffer	*b = xmlBufferCreate();
	xmlTextWriter	*w = xmlNewTextWriterMemory(b, 0);
	char		*out;

	(void)xmlTextWriterStartElement(w, X("ScheduleDefinition"));
	(void)xmlTextWriterWriteAttribute(w, X("xmlns:xsd"), X(SOAP_NS_XSD));
	(void)xmlTextWriterWriteAttribute(w, X("xmlns:xsi"), X(SOAP_NS_XSI));
	w_def_body(w, r, SOAP_NS_MGMT);
	(void)xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	out = xstrdup((const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	return out;
}

void
soap_w_sched_choice(struct soap_call *c, const char *sched_id)
{
	struct catalog_schedule	s;
	struct sched_recur	r;
	struct rs_err		e;

	if (sched_id[0] == '\0' || catalog_schedule_get(c->cat, sched_id, &s,
	    &e) == -1) {
		soap_w_start(c, "NoSchedule");
		soap_w_end(c);
		return;
	}
	if (sched_recur_parse(s.recurrence, &r, &e) == -1) {
		soap_w_start(c, "NoSchedule");
		soap_w_end(c);
	} else if (s.shared) {
		soap_w_start(c, "ScheduleReference");
		soap_w_str(c, "ScheduleID", s.id);
		soap_w_sched_def(c, "Definition", &r);
		soap_w_end(c);
	} else
		soap_w_sched_def(c, "ScheduleDefinition", &r);
	catalog_schedule_fini(&s);
}

int
soap_sched_choice_read(struct soap_call *c, const xmlNode *parent,
    char *sched_id)
{
	const xmlNode		*def = soap_child(c, parent,
				    "ScheduleDefinition");
	const xmlNode		*ref = soap_child(c, parent,
				    "ScheduleReference");
	struct catalog_schedule	 s;
	struct sched_recur	 r;
	struct rs_err		 e;
	char			*id;

	if (def != NULL) {
		if (soap_sched_def_read(c, def, &r) == -1)
			return -1;
		if (rs_sched_own(c->srv, c->cat, c->user->name, &r,
		    sched_id, sched_id, &e) == -1)
			return soap_fail(c, "rsInvalidParameter", 400, "%s.",
			    e.msg);
		return 0;
	}
	if (ref == NULL) {
		sched_id[0] = '\0';	/* NoSchedule */
		return 0;
	}
	if ((id = soap_need(c, ref, "ScheduleID")) == NULL)
		return -1;
	if (catalog_schedule_get(c->cat, id, &s, &e) == -1 || !s.shared) {
		if (e.code != RS_E_NOTFOUND || s.id[0] != '\0')
			catalog_schedule_fini(&s);
		soap_fail(c, "rsScheduleNotFound", 404, "The schedule '%.40s' "
		    "cannot be found.", id);
		free(id);
		return -1;
	}
	str_copy(sched_id, CATALOG_ID_LEN + 1, s.id);
	catalog_schedule_fini(&s);
	free(id);
	return 0;
}

void
soap_w_match(struct soap_call *c, const char *sched_id)
{
	struct catalog_schedule	sc;
	struct sched_recur	r;
	struct rs_err		e;

	if (sched_id[0] == '\0' || catalog_schedule_get(c->cat, sched_id, &sc,
	    &e) == -1)
		return;
	if (sc.shared)
		soap_w_str(c, "MatchData", sc.id);
	else if (sched_recur_parse(sc.recurrence, &r, &e) == 0) {
		char	*t = soap_sched_match_text(&r);

		soap_w_str(c, "MatchData", t);
		free(t);
	}
	catalog_schedule_fini(&sc);
}

/* ---- the operations ---- */

static int
sys_may(struct soap_call *c, unsigned task)
{
	if ((rs_sys_tasks(c->cat, c->user) & task) == 0)
		return soap_denied(c);
	return 0;
}

static int
sched_fail(struct soap_call *c, const struct rs_err *e, const char *id)
{
	if (e->code == RS_E_NOTFOUND)
		return soap_fail(c, "rsScheduleNotFound", 404, "The schedule "
		    "'%.40s' cannot be found.", id != NULL ? id : "");
	if (e->code == RS_E_EXISTS)
		return soap_fail(c, "rsScheduleAlreadyExists", 409, "%s.",
		    e->msg);
	return soap_fail_err(c, e, e->code == RS_E_USAGE ||
	    e->code == RS_E_BADINPUT ? "rsInvalidParameter" : NULL);
}

/* A shared schedule named by the ScheduleID argument; -1 with a fault. */
static int
shared_arg(struct soap_call *c, struct catalog_schedule *s, char **id)
{
	struct rs_err	e;

	*id = soap_need(c, c->op, "ScheduleID");
	if (*id == NULL)
		return -1;
	if (catalog_schedule_get(c->cat, *id, s, &e) == -1)
		return sched_fail(c, &e, *id);
	if (!s->shared) {
		catalog_schedule_fini(s);
		e.code = RS_E_NOTFOUND;
		return sched_fail(c, &e, *id);
	}
	return 0;
}

static void
w_schedule(struct soap_call *c, const char *elem,
    const struct catalog_schedule *s)
{
	struct sched_recur	r;
	struct rs_err		e;
	char			desc[400] = "";
	int64_t			refs = 0;

	(void)catalog_schedule_refs(c->cat, s->id, &refs, &e);
	soap_w_start(c, elem);
	soap_w_str(c, "ScheduleID", s->id);
	soap_w_str(c, "Name", s->name);
	if (sched_recur_parse(s->recurrence, &r, &e) == 0) {
		soap_w_sched_def(c, "Definition", &r);
		sched_recur_describe(&r, desc, sizeof(desc));
	}
	soap_w_str(c, "Description", desc);
	soap_w_str(c, "Creator", s->created_by);
	if (s->next_run != 0 && !s->paused)
		soap_w_time(c, "NextRunTime", s->next_run);
	if (s->last_run != 0)
		soap_w_time(c, "LastRunTime", s->last_run);
	soap_w_bool(c, "ReferencesPresent", refs > 0);
	soap_w_str(c, "ScheduleStateName", rs_sched_state(s));
	soap_w_end(c);
}

void
soap_list_schedules(struct soap_call *c)
{
	struct catalog_schedule	*v;
	struct rs_err		 e;
	size_t			 n;

	if (sys_may(c, CATALOG_S_VIEW_SCHEDULES) == -1)
		return;
	if (catalog_schedule_list(c->cat, &v, &n, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		return;
	}
	soap_w_start(c, "Schedules");
	for (size_t i = 0; i < n; i++)
		w_schedule(c, "Schedule", &v[i]);
	soap_w_end(c);
	catalog_schedules_free(v, n);
}

void
soap_create_schedule(struct soap_call *c)
{
	struct sched_recur	 r;
	struct rs_err		 e;
	char			 id[CATALOG_ID_LEN + 1];
	char			*name;

	if (sys_may(c, CATALOG_S_MANAGE_SCHEDULES) == -1 ||
	    (name = soap_need(c, c->op, "Name")) == NULL)
		return;
	if (soap_sched_def_read(c, soap_child(c, c->op, "ScheduleDefinition"),
	    &r) == 0) {
		if (rs_sched_save(c->srv, c->cat, c->user->name, NULL, name, &r,
		    id, &e) == -1)
			sched_fail(c, &e, NULL);
		else
			soap_w_str(c, "ScheduleID", id);
	}
	free(name);
}

void
soap_get_schedule_properties(struct soap_call *c)
{
	struct catalog_schedule	 s;
	char			*id;

	if (sys_may(c, CATALOG_S_VIEW_SCHEDULES) == 0 && shared_arg(c, &s,
	    &id) == 0) {
		w_schedule(c, "Schedule", &s);
		catalog_schedule_fini(&s);
	}
	free(id);
}

void
soap_set_schedule_properties(struct soap_call *c)
{
	struct catalog_schedule	 s;
	struct sched_recur	 r;
	struct rs_err		 e;
	const xmlNode		*def;
	char			*id = NULL, *name;

	if (sys_may(c, CATALOG_S_MANAGE_SCHEDULES) == -1 || shared_arg(c, &s,
	    &id) == -1) {
		free(id);
		return;
	}
	catalog_schedule_fini(&s);
	name = soap_arg(c, c->op, "Name");
	def = soap_child(c, c->op, "ScheduleDefinition");
	if (def != NULL && soap_is_nil(def))
		def = NULL;
	if ((def == NULL || soap_sched_def_read(c, def, &r) == 0) &&
	    rs_sched_save(c->srv, c->cat, c->user->name, id, name, def !=
	    NULL ? &r : NULL, NULL, &e) == -1)
		sched_fail(c, &e, id);
	free(name);
	free(id);
}

void
soap_delete_schedule(struct soap_call *c)
{
	struct catalog_schedule	 s;
	struct rs_err		 e;
	char			*id = NULL;

	if (sys_may(c, CATALOG_S_MANAGE_SCHEDULES) == 0 && shared_arg(c, &s,
	    &id) == 0) {
		catalog_schedule_fini(&s);
		if (catalog_schedule_del(c->cat, id, &e) == -1)
			sched_fail(c, &e, id);
	}
	free(id);
}

static void
pause_resume(struct soap_call *c, bool pause)
{
	struct catalog_schedule	 s;
	struct rs_err		 e;
	char			*id = NULL;

	if (sys_may(c, CATALOG_S_MANAGE_SCHEDULES) == 0 && shared_arg(c, &s,
	    &id) == 0) {
		catalog_schedule_fini(&s);
		if (rs_sched_pause(c->srv, c->cat, c->user->name, id, pause,
		    &e) == -1)
			sched_fail(c, &e, id);
	}
	free(id);
}

void
soap_pause_schedule(struct soap_call *c)
{
	pause_resume(c, true);
}

void
soap_resume_schedule(struct soap_call *c)
{
	pause_resume(c, false);
}

/* Adds id to the list when it is not there yet. */
static void
add_id(char (**v)[CATALOG_ID_LEN + 1], size_t *n, const char *id)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], id) == 0)
			return;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	str_copy((*v)[(*n)++], CATALOG_ID_LEN + 1, id);
}

/* The reports whose subscriptions or cache refresh plans follow it. */
void
soap_list_scheduled_items(struct soap_call *c)
{
	struct catalog_schedule	  s;
	struct catalog_sub	 *subs = NULL;
	struct catalog_plan	 *plans = NULL;
	char			(*ids)[CATALOG_ID_LEN + 1] = NULL;
	size_t			  nsubs = 0, nplans = 0, n = 0;
	struct rs_err		  e;
	char			 *id = NULL;

	if (sys_may(c, CATALOG_S_VIEW_SCHEDULES) == -1 || shared_arg(c, &s,
	    &id) == -1) {
		free(id);
		return;
	}
	if (catalog_sub_list(c->cat, NULL, NULL, &subs, &nsubs, &e) == -1 ||
	    catalog_plan_list(c->cat, NULL, &plans, &nplans, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		goto out;
	}
	for (size_t i = 0; i < nsubs; i++)
		if (strcmp(subs[i].schedule_id, s.id) == 0)
			add_id(&ids, &n, subs[i].item_id);
	for (size_t i = 0; i < nplans; i++)
		if (strcmp(plans[i].schedule_id, s.id) == 0)
			add_id(&ids, &n, plans[i].item_id);
	soap_w_start(c, "Items");
	for (size_t i = 0; i < n; i++) {
		struct catalog_item	it;

		if (catalog_item_get_id(c->cat, ids[i], &it, &e) == -1)
			continue;
		if (rs_can_view(it.type, rs_tasks(c->cat, it.id, c->user)))
			soap_w_catalog_item(c, "CatalogItem", &it);
		catalog_item_fini(&it);
	}
	soap_w_end(c);
out:
	free(ids);
	catalog_subs_free(subs, nsubs);
	catalog_plans_free(plans, nplans);
	catalog_schedule_fini(&s);
	free(id);
}

static const char *
job_action(int kind)
{
	switch (kind) {
	case CATALOG_JOB_SUB:
		return "Execute";
	case CATALOG_JOB_PLAN:
	case CATALOG_JOB_CACHE_EXPIRE:
		return "ExecuteCache";
	default:
		return "ExecuteSnapshot";
	}
}

/* The report a job is for, a name for it and whose it is. */
static void
job_item(struct soap_call *c, const struct catalog_job *j, char *path,
    size_t pathsz, char *name, size_t namesz, char *user, size_t usersz)
{
	struct catalog_sub	s;
	struct catalog_plan	p;
	struct catalog_item	it;
	struct rs_err		e;
	char			item[CATALOG_ID_LEN + 1] = "";

	str_copy(name, namesz, j->event);
	user[0] = '\0';
	if (j->kind == CATALOG_JOB_SUB && catalog_sub_get(c->cat, j->target,
	    &s, &e) == 0) {
		str_copy(item, sizeof(item), s.item_id);
		str_copy(user, usersz, s.owner);
		if (s.description != NULL)
			str_copy(name, namesz, s.description);
		catalog_sub_fini(&s);
	} else if (j->kind == CATALOG_JOB_PLAN && catalog_plan_get(c->cat,
	    j->target, &p, &e) == 0) {
		str_copy(item, sizeof(item), p.item_id);
		str_copy(user, usersz, p.owner);
		if (p.description != NULL)
			str_copy(name, namesz, p.description);
		catalog_plan_fini(&p);
	} else if (j->kind != CATALOG_JOB_SUB && j->kind != CATALOG_JOB_PLAN)
		str_copy(item, sizeof(item), j->target);
	path[0] = '\0';
	if (item[0] != '\0' && catalog_item_get_id(c->cat, item, &it, &e) ==
	    0) {
		str_copy(path, pathsz, it.path);
		catalog_item_fini(&it);
	}
}

void
soap_list_jobs(struct soap_call *c)
{
	struct catalog_job	*v;
	struct rs_err		 e;
	size_t			 n;

	if (sys_may(c, CATALOG_S_MANAGE_JOBS) == -1)
		return;
	if (catalog_job_list(c->cat, NULL, 0, JOBS_MAX, &v, &n, &e) == -1) {
		soap_fail_err(c, &e, NULL);
		return;
	}
	soap_w_start(c, "Jobs");
	for (size_t i = 0; i < n; i++) {
		char	id[32], path[CATALOG_PATH_MAX + 1], name[400];
		char	user[CATALOG_NAME_MAX + 1];

		snprintf(id, sizeof(id), "%lld", (long long)v[i].id);
		job_item(c, &v[i], path, sizeof(path), name, sizeof(name), user,
		    sizeof(user));
		soap_w_start(c, "Job");
		soap_w_str(c, "JobID", id);
		soap_w_str(c, "Name", name);
		soap_w_str(c, "Path", path);
		soap_w_str(c, "Description", v[i].status);
		soap_w_str(c, "Machine", v[i].owner);
		soap_w_str(c, "User", user[0] != '\0' ? user : NULL);
		soap_w_time(c, "StartDateTime", v[i].created);
		soap_w_str(c, "JobActionName", job_action(v[i].kind));
		soap_w_str(c, "JobTypeName", "System");
		soap_w_str(c, "JobStatusName", v[i].state ==
		    CATALOG_JOB_RUNNING ? "Running" : "New");
		soap_w_end(c);
	}
	soap_w_end(c);
	catalog_jobs_free(v, n);
}

/* The subscription a queued job would run, or "". */
static void
sub_of_job(struct soap_call *c, int64_t id, char *sub)
{
	struct catalog_job	*v;
	struct rs_err		 e;
	size_t			 n;

	sub[0] = '\0';
	if (catalog_job_list(c->cat, NULL, 0, JOBS_MAX, &v, &n, &e) == -1)
		return;
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id && v[i].kind == CATALOG_JOB_SUB)
			str_copy(sub, CATALOG_ID_LEN + 1, v[i].target);
	catalog_jobs_free(v, n);
}

/* A queued job is cancelled; a running one is not stopped (false). */
void
soap_cancel_job(struct soap_call *c)
{
	struct rs_err	 e;
	char		*id, *end;
	long long	 n;
	bool		 done = false;
	char		 sub[CATALOG_ID_LEN + 1];

	if (sys_may(c, CATALOG_S_MANAGE_JOBS) == -1 ||
	    (id = soap_need(c, c->op, "JobID")) == NULL)
		return;
	n = strtoll(id, &end, 10);
	if (end == id || *end != '\0' || n <= 0)
		soap_fail(c, "rsJobNotFound", 404, "There is no job '%.40s'; "
		    "ListJobs gives the ids of the jobs.", id);
	else {
		sub_of_job(c, n, sub);	/* a cancelled job is not listed */
		if (catalog_job_cancel(c->cat, n, "Cancelled by CancelJob",
		    rs_subs_now(c->srv), &done, &e) == -1) {
			soap_fail_err(c, &e, NULL);
			free(id);
			return;
		}
		/* Its subscription says so (it said it would try again). */
		if (done && sub[0] != '\0')
			(void)catalog_sub_set_status(c->cat, sub, "The run was "
			    "cancelled (CancelJob)", 0, &e);
		soap_w_bool(c, "CancelJobResult", done);
	}
	free(id);
}
