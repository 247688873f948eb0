/*
 * rest_sched.c: schedules in the REST API's shapes.  A ScheduleDefinition
 * ({StartDateTime, EndDate, EndDateSpecified, Recurrence:{MinuteRecurrence
 * | DailyRecurrence | WeeklyRecurrence | MonthlyRecurrence |
 * MonthlyDOWRecurrence}}) reads into a sched_recur and writes back the
 * same way, with one property of ours, TimeZone (an IANA name; without
 * it the server's zone).  StartDateTime may carry an offset or Z: that
 * instant is then shown as wall-clock time in the zone.  Also the
 * /Schedules resource (shared schedules, Model.Pause and Model.Resume).
 */
#include "reportserver/rest.h"
#include "reportserver/rest_subs.h"
#include "reportserver/subs_api.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const *const days = rs_sched_day_names;
static const char *const *const months = rs_sched_month_names;
static const char *const *const weeks = rs_sched_week_names;

static unsigned
bits_of(const struct json *sel, const char *const *names, size_t n)
{
	unsigned	b = 0;

	for (size_t i = 0; sel != NULL && i < n; i++) {
		const struct json	*v = json_get(sel, names[i]);

		if (v != NULL && v->type == JSON_BOOL && v->b)
			b |= 1u << i;
	}
	return b;
}

static int
num_of(const struct json *o, const char *name, unsigned dflt, unsigned *out,
    struct rs_err *e)
{
	const struct json	*v = json_get(o, name);

	*out = dflt;
	if (v == NULL || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_NUM || v->num < 0 || v->num > 1e9 ||
	    v->num != (double)(unsigned)v->num)
		return rs_err_set(e, RS_E_BADINPUT, "%s must be a whole number",
		    name);
	*out = (unsigned)v->num;
	return 0;
}

static int
recurrence(const struct json *rec, struct sched_recur *r, struct rs_err *e)
{
	const struct json	*x;
	const char		*s;

	r->interval = 1;
	if (rec == NULL || rec->type == JSON_NULL) {
		r->kind = SCHED_ONCE;
		return 0;
	}
	if ((x = json_get(rec, "MinuteRecurrence")) != NULL &&
	    x->type == JSON_OBJ) {
		r->kind = SCHED_MINUTE;
		return num_of(x, "MinutesInterval", 60, &r->interval, e);
	}
	if ((x = json_get(rec, "DailyRecurrence")) != NULL &&
	    x->type == JSON_OBJ) {
		r->kind = SCHED_DAILY;
		return num_of(x, "DaysInterval", 1, &r->interval, e);
	}
	if ((x = json_get(rec, "WeeklyRecurrence")) != NULL &&
	    x->type == JSON_OBJ) {
		r->kind = SCHED_WEEKLY;
		r->dow = bits_of(json_get(x, "DaysOfWeek"), days, 7);
		return num_of(x, "WeeksInterval", 1, &r->interval, e);
	}
	if ((x = json_get(rec, "MonthlyRecurrence")) != NULL &&
	    x->type == JSON_OBJ) {
		r->kind = SCHED_MONTHLY;
		r->months = bits_of(json_get(x, "MonthsOfYear"), months, 12);
		return rs_sched_days_parse(json_get_str(x, "Days"), &r->days, e);
	}
	if ((x = json_get(rec, "MonthlyDOWRecurrence")) != NULL &&
	    x->type == JSON_OBJ) {
		r->kind = SCHED_MONTHLY_DOW;
		r->months = bits_of(json_get(x, "MonthsOfYear"), months, 12);
		r->dow = bits_of(json_get(x, "DaysOfWeek"), days, 7);
		s = json_get_str(x, "WhichWeek");
		for (r->week = 1; s != NULL && r->week < 6; r->week++)
			if (str_ieq(s, weeks[r->week]))
				return 0;
		return rs_err_set(e, RS_E_BADINPUT, "WhichWeek must be FirstWeek, "
		    "SecondWeek, ThirdWeek, FourthWeek or LastWeek");
	}
	r->kind = SCHED_ONCE;
	return 0;
}

int
rest_sched_definition(const struct json *def, struct sched_recur *r,
    struct rs_err *e)
{
	const struct json	*v;

	memset(r, 0, sizeof(*r));
	if (def == NULL || def->type != JSON_OBJ)
		return rs_err_set(e, RS_E_BADINPUT, "a schedule needs a "
		    "Definition with a StartDateTime");
	if (rs_sched_start(json_get_str(def, "StartDateTime"), json_get_str(def,
	    "TimeZone"), r, e) == -1)
		return -1;
	v = json_get(def, "EndDateSpecified");
	if (json_get_str(def, "EndDate") != NULL && (v == NULL || (v->type ==
	    JSON_BOOL && v->b)) && rs_sched_end(json_get_str(def, "EndDate"), r,
	    e) == -1)
		return -1;
	if (recurrence(json_get(def, "Recurrence"), r, e) == -1)
		return -1;
	return sched_recur_check(r, e);
}

static void
selector(struct buf *b, const char *name, unsigned bits,
    const char *const *names, size_t n)
{
	(void)buf_printf(b, NULL, ",\"%s\":{", name);
	for (size_t i = 0; i < n; i++)
		(void)buf_printf(b, NULL, "%s\"%s\":%s", i ? "," : "", names[i],
		    bits & (1u << i) ? "true" : "false");
	(void)buf_puts(b, "}", NULL);
}

static void
recurrence_json(struct buf *b, const struct sched_recur *r)
{
	(void)buf_puts(b, "\"Recurrence\":", NULL);
	switch (r->kind) {
	case SCHED_ONCE:
		(void)buf_puts(b, "null", NULL);
		return;
	case SCHED_MINUTE:
		(void)buf_printf(b, NULL, "{\"MinuteRecurrence\":{"
		    "\"MinutesInterval\":%u}}", r->interval);
		return;
	case SCHED_DAILY:
		(void)buf_printf(b, NULL, "{\"DailyRecurrence\":{"
		    "\"DaysInterval\":%u}}", r->interval);
		return;
	case SCHED_WEEKLY:
		(void)buf_printf(b, NULL, "{\"WeeklyRecurrence\":{"
		    "\"WeeksInterval\":%u,\"WeeksIntervalSpecified\":true",
		    r->interval);
		selector(b, "DaysOfWeek", r->dow, days, 7);
		(void)buf_puts(b, "}}", NULL);
		return;
	case SCHED_MONTHLY: {
		char	list[128];

		rs_sched_days_format(r->days, list, sizeof(list));
		(void)buf_printf(b, NULL, "{\"MonthlyRecurrence\":{\"Days\":"
		    "\"%s\"", list);
		selector(b, "MonthsOfYear", r->months, months, 12);
		(void)buf_puts(b, "}}", NULL);
		return;
	}
	case SCHED_MONTHLY_DOW:
		(void)buf_printf(b, NULL, "{\"MonthlyDOWRecurrence\":{"
		    "\"WhichWeek\":\"%s\",\"WhichWeekSpecified\":true",
		    weeks[r->week % 6]);
		selector(b, "DaysOfWeek", r->dow, days, 7);
		selector(b, "MonthsOfYear", r->months, months, 12);
		(void)buf_puts(b, "}}", NULL);
		return;
	}
}

void
rest_sched_definition_json(struct buf *b, const struct sched_recur *r)
{
	char	start[40];

	rs_sched_start_iso(r, start, sizeof(start));
	(void)buf_printf(b, NULL, "{\"StartDateTime\":\"%s\",", start);
	if (r->has_end)
		(void)buf_printf(b, NULL, "\"EndDate\":\"%04d-%02d-%02dT00:00:"
		    "00\",\"EndDateSpecified\":true,", r->end.year, r->end.month,
		    r->end.day);
	else
		(void)buf_puts(b, "\"EndDate\":null,\"EndDateSpecified\":false,",
		    NULL);
	recurrence_json(b, r);
	(void)buf_puts(b, ",\"TimeZone\":", NULL);
	(void)buf_json_str(b, r->tz, NULL);
	(void)buf_puts(b, "}", NULL);
}

void
rest_sched_reference_json(struct buf *b, struct catalog *cat,
    const char *sched_id)
{
	struct catalog_schedule	s;
	struct sched_recur	r;
	struct rs_err		e;

	if (sched_id == NULL || sched_id[0] == '\0' ||
	    catalog_schedule_get(cat, sched_id, &s, &e) == -1) {
		(void)buf_puts(b, "null", NULL);
		return;
	}
	(void)buf_puts(b, "{\"ScheduleID\":", NULL);
	if (s.shared)
		(void)buf_json_str(b, s.id, NULL);
	else
		(void)buf_puts(b, "null", NULL);
	(void)buf_puts(b, ",\"Definition\":", NULL);
	if (sched_recur_parse(s.recurrence, &r, &e) == 0)
		rest_sched_definition_json(b, &r);
	else
		(void)buf_puts(b, "null", NULL);
	(void)buf_puts(b, "}", NULL);
	catalog_schedule_fini(&s);
}

void
rest_sched_describe(struct catalog *cat, const char *sched_id, char *out,
    size_t outsz)
{
	struct catalog_schedule	s;
	struct sched_recur	r;
	struct rs_err		e;

	out[0] = '\0';
	if (sched_id == NULL || sched_id[0] == '\0' ||
	    catalog_schedule_get(cat, sched_id, &s, &e) == -1)
		return;
	if (sched_recur_parse(s.recurrence, &r, &e) == 0)
		sched_recur_describe(&r, out, outsz);
	if (s.paused)
		str_append(out, outsz, " (paused)");
	catalog_schedule_fini(&s);
}

int
rest_sched_from_reference(struct rest_ctx *c, const struct json *ref,
    const char *current, char *out_id, struct rs_err *e)
{
	struct catalog_schedule	 s;
	struct sched_recur	 r;
	const char		*id = json_get_str(ref, "ScheduleID");

	if (id == NULL)
		id = json_get_str(ref, "ScheduleId");
	if (id != NULL) {
		if (catalog_schedule_get(c->cat, id, &s, e) == -1)
			return -1;
		str_copy(out_id, CATALOG_ID_LEN + 1, s.id);
		catalog_schedule_fini(&s);
		return 0;
	}
	if (rest_sched_definition(json_get(ref, "Definition"), &r, e) == -1)
		return -1;
	return rs_sched_own(c->srv, c->cat, c->user->name, &r, current, out_id,
	    e);
}

/* ---- /Schedules ---- */

static void
schedule_json(struct buf *b, struct catalog *cat,
    const struct catalog_schedule *s)
{
	struct sched_recur	r;
	struct rs_err		e;
	char			t[32], desc[400] = "";
	int64_t			refs = 0;

	(void)catalog_schedule_refs(cat, s->id, &refs, &e);
	(void)buf_puts(b, "{\"Id\":", NULL);
	(void)buf_json_str(b, s->id, NULL);
	(void)buf_puts(b, ",\"Name\":", NULL);
	(void)buf_json_str(b, s->name, NULL);
	(void)buf_puts(b, ",\"Definition\":", NULL);
	if (sched_recur_parse(s->recurrence, &r, &e) == 0) {
		rest_sched_definition_json(b, &r);
		sched_recur_describe(&r, desc, sizeof(desc));
	} else
		(void)buf_puts(b, "null", NULL);
	(void)buf_puts(b, ",\"Description\":", NULL);
	(void)buf_json_str(b, desc, NULL);
	(void)buf_printf(b, NULL, ",\"EventType\":\"TimedSubscription\","
	    "\"State\":\"%s\",\"ReferencesPresent\":%s", rs_sched_state(s),
	    refs > 0 ? "true" : "false");
	rs_time_iso(s->next_run, t, sizeof(t));
	(void)buf_printf(b, NULL, ",\"NextRunTime\":%s%s%s", s->next_run &&
	    !s->paused ? "\"" : "", s->next_run && !s->paused ? t : "null",
	    s->next_run && !s->paused ? "\"" : "");
	rs_time_iso(s->last_run, t, sizeof(t));
	(void)buf_printf(b, NULL, ",\"LastRunTime\":%s%s%s", s->last_run ?
	    "\"" : "", s->last_run ? t : "null", s->last_run ? "\"" : "");
	(void)buf_puts(b, ",\"CreatedBy\":", NULL);
	(void)buf_json_str(b, s->created_by, NULL);
	rs_time_iso(s->modified, t, sizeof(t));
	(void)buf_printf(b, NULL, ",\"ModifiedDate\":\"%s\"}", t);
}

static void
list_schedules(struct rest_ctx *c)
{
	struct catalog_schedule	*v;
	struct buf		*b = &c->resp->body;
	struct rs_err		 e;
	size_t			 n;

	if (catalog_schedule_list(c->cat, &v, &n, &e) == -1) {
		rest_fail(c, &e, NULL);
		return;
	}
	buf_reset(b);
	(void)buf_printf(b, NULL, "{\"@odata.context\":\"%s/api/v2.0/"
	    "$metadata#Schedules\",\"value\":[", c->req->vdir);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			(void)buf_puts(b, ",", NULL);
		schedule_json(b, c->cat, &v[i]);
	}
	(void)buf_puts(b, "]}", NULL);
	rest_subs_reply(c, 200);
	catalog_schedules_free(v, n);
}

static void
one_schedule(struct rest_ctx *c, int status, const char *id)
{
	struct catalog_schedule	s;
	struct rs_err		e;
	struct buf		*b = &c->resp->body;

	if (catalog_schedule_get(c->cat, id, &s, &e) == -1 || !s.shared) {
		if (e.code != RS_E_NOTFOUND || s.id[0] != '\0')
			catalog_schedule_fini(&s);
		rs_error_json(c->resp, 404, "rsScheduleNotFound", "there is no "
		    "shared schedule with that id");
		return;
	}
	buf_reset(b);
	(void)buf_printf(b, NULL, "{\"@odata.context\":\"%s/api/v2.0/"
	    "$metadata#Schedules/$entity\",", c->req->vdir);
	{
		struct buf	one;

		buf_init(&one, 0);
		schedule_json(&one, c->cat, &s);
		(void)buf_puts(b, one.data + 1, NULL);
		buf_fini(&one);
	}
	rest_subs_reply(c, status);
	catalog_schedule_fini(&s);
}

/* POST (id NULL) or PUT/PATCH of a shared schedule. */
static void
write_schedule(struct rest_ctx *c, const char *id, const struct json *j)
{
	const struct json	*def = json_get(j, "Definition");
	struct sched_recur	 r;
	struct rs_err		 e;
	char			 out[CATALOG_ID_LEN + 1];

	if (id != NULL) {
		struct catalog_schedule	old;

		if (catalog_schedule_get(c->cat, id, &old, &e) == -1) {
			rest_fail(c, &e, "rsScheduleNotFound");
			return;
		}
		catalog_schedule_fini(&old);
	}
	if ((def != NULL || id == NULL) && rest_sched_definition(def, &r, &e) ==
	    -1) {
		rest_fail(c, &e, "rsInvalidParameter");
		return;
	}
	if (rs_sched_save(c->srv, c->cat, c->user->name, id, json_get_str(j,
	    "Name"), def != NULL || id == NULL ? &r : NULL, out, &e) == -1) {
		rest_fail(c, &e, e.code == RS_E_EXISTS ? "rsItemAlreadyExists" :
		    e.code == RS_E_USAGE ? "rsMissingElement" : e.code ==
		    RS_E_NOTFOUND ? "rsScheduleNotFound" : NULL);
		return;
	}
	if (id == NULL)
		one_schedule(c, 201, out);
	else
		c->resp->status = 204;
}

static void
pause_schedule(struct rest_ctx *c, const char *id, bool pause)
{
	struct rs_err	e;

	if (rs_sched_pause(c->srv, c->cat, c->user->name, id, pause, &e) == -1)
		rest_fail(c, &e, e.code == RS_E_NOTFOUND ? "rsScheduleNotFound" :
		    NULL);
	else
		c->resp->status = 204;
}

void
rest_schedules(struct rest_ctx *c, const struct rest_route *r,
    const struct json *j)
{
	unsigned	 sys = rs_sys_tasks(c->cat, c->user);
	const char	*m = c->req->method;
	bool		 read = strcmp(m, "GET") == 0;

	if ((sys & (read ? CATALOG_S_VIEW_SCHEDULES :
	    CATALOG_S_MANAGE_SCHEDULES)) == 0) {
		rest_denied(c);
		return;
	}
	if (!r->has_key && read)
		list_schedules(c);
	else if (!r->has_key && strcmp(m, "POST") == 0)
		write_schedule(c, NULL, j);
	else if (r->has_key && r->rest[0] == '\0' && read)
		one_schedule(c, 200, r->key);
	else if (r->has_key && r->rest[0] == '\0' && (strcmp(m, "PUT") == 0 ||
	    strcmp(m, "PATCH") == 0))
		write_schedule(c, r->key, j);
	else if (r->has_key && r->rest[0] == '\0' && strcmp(m, "DELETE") ==
	    0) {
		struct rs_err	e;

		if (catalog_schedule_del(c->cat, r->key, &e) == -1)
			rest_fail(c, &e, "rsScheduleNotFound");
		else
			c->resp->status = 200;
	} else if (r->has_key && strcmp(m, "POST") == 0 && (str_ieq(r->rest,
	    "Model.Pause") || str_ieq(r->rest, "Model.Resume")))
		pause_schedule(c, r->key, str_ieq(r->rest, "Model.Pause"));
	else
		rs_error_json(c->resp, 405, "rsInvalidRequest", "this method is "
		    "not allowed on this resource");
}
