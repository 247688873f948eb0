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
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const days[] = { "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday" };
static const char *const months[] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };
static const char *const weeks[] = { "", "FirstWeek", "SecondWeek",
    "ThirdWeek", "FourthWeek", "LastWeek" };

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

/* "1,15,20-22" into bits 1..31. */
static int
days_of_month(const char *s, uint32_t *out, struct rs_err *e)
{
	*out = 0;
	while (s != NULL && *s != '\0') {
		char	*end;
		long	 a = strtol(s, &end, 10), b = a;

		if (end == s)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (a < 1 || b > 31 || b < a)
			return rs_err_set(e, RS_E_BADINPUT, "Days must list days "
			    "of the month 1 to 31, as in \"1,15,20-22\"");
		for (long d = a; d <= b; d++)
			*out |= 1u << d;
		s = *end == ',' ? end + 1 : end;
	}
	if (s != NULL && *s != '\0')
		return rs_err_set(e, RS_E_BADINPUT, "Days must list days of the "
		    "month, as in \"1,15,20-22\"");
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
		return days_of_month(json_get_str(x, "Days"), &r->days, e);
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

/* "2026-03-01T08:00:00[.fff][Z|+hh:mm]": civil time and offset. */
static int
iso_time(const char *s, struct sched_civil *c, bool *has_off, long *off_s,
    struct rs_err *e)
{
	int	n = 0, oh = 0, om = 0;
	char	sign;

	memset(c, 0, sizeof(*c));
	*has_off = false;
	*off_s = 0;
	if (s == NULL || sscanf(s, "%4d-%2d-%2d%n", &c->year, &c->month,
	    &c->day, &n) != 3)
		return rs_err_set(e, RS_E_BADINPUT, "'%.40s' is not a date-time "
		    "(2026-03-01T08:00:00)", s ? s : "");
	s += n;
	if (*s == 'T' && sscanf(s, "T%2d:%2d%n", &c->hour, &c->minute, &n) ==
	    2) {
		s += n;
		if (*s == ':' && sscanf(s, ":%2d%n", &c->second, &n) == 1)
			s += n;
		if (*s == '.')
			for (s++; *s >= '0' && *s <= '9'; s++)
				;
	}
	if (*s == 'Z') {
		*has_off = true;
		s++;
	} else if ((*s == '+' || *s == '-') && sscanf(s, "%c%2d:%2d%n", &sign,
	    &oh, &om, &n) == 3) {
		*has_off = true;
		*off_s = (sign == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
		s += n;
	}
	if (*s != '\0')
		return rs_err_set(e, RS_E_BADINPUT, "'%.40s' is not a date-time "
		    "(2026-03-01T08:00:00)", s);
	return 0;
}

int
rest_sched_definition(const struct json *def, struct sched_recur *r,
    struct rs_err *e)
{
	const struct json	*v;
	const char		*tz = json_get_str(def, "TimeZone");
	struct sched_civil	 c;
	bool			 has_off;
	long			 off;

	memset(r, 0, sizeof(*r));
	if (def == NULL || def->type != JSON_OBJ)
		return rs_err_set(e, RS_E_BADINPUT, "a schedule needs a "
		    "Definition with a StartDateTime");
	if (tz != NULL)
		str_copy(r->tz, sizeof(r->tz), tz);
	else
		sched_tz_default(r->tz);
	if (!sched_tz_known(r->tz))
		return rs_err_set(e, RS_E_BADINPUT, "the time zone '%.63s' does "
		    "not exist; use an IANA name such as Europe/Berlin or UTC",
		    r->tz);
	if (iso_time(json_get_str(def, "StartDateTime"), &c, &has_off, &off,
	    e) == -1)
		return -1;
	if (has_off) {
		int64_t	t;

		if (sched_civil_to_utc("UTC", &c, &t, e) == -1 ||
		    sched_utc_to_civil(r->tz, t - off, &c, e) == -1)
			return -1;
	}
	r->start = c;
	v = json_get(def, "EndDateSpecified");
	if (json_get_str(def, "EndDate") != NULL && (v == NULL || (v->type ==
	    JSON_BOOL && v->b))) {
		if (iso_time(json_get_str(def, "EndDate"), &r->end, &has_off,
		    &off, e) == -1)
			return -1;
		r->has_end = true;
	}
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
		char	list[128] = "";

		for (int d = 1; d <= 31; d++)
			if (r->days & (1u << d)) {
				char	n[8];

				snprintf(n, sizeof(n), "%s%d", list[0] ? "," : "",
				    d);
				str_append(list, sizeof(list), n);
			}
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
	struct rs_err	e;
	int64_t		t = 0, local = 0;
	long		off;

	if (sched_civil_to_utc(r->tz, &r->start, &t, &e) == 0)
		(void)sched_civil_to_utc("UTC", &r->start, &local, &e);
	off = (long)(local - t);
	(void)buf_printf(b, NULL, "{\"StartDateTime\":\"%04d-%02d-%02dT%02d:"
	    "%02d:%02d%c%02ld:%02ld\",", r->start.year, r->start.month,
	    r->start.day, r->start.hour, r->start.minute, r->start.second,
	    off < 0 ? '-' : '+', labs(off) / 3600, labs(off) % 3600 / 60);
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
	struct catalog_schedule	 s = { 0 };
	struct sched_recur	 r;
	const char		*id = json_get_str(ref, "ScheduleID");
	char			 text[SCHED_TEXT_MAX];

	if (id == NULL)
		id = json_get_str(ref, "ScheduleId");
	if (id != NULL) {
		if (catalog_schedule_get(c->cat, id, &s, e) == -1)
			return -1;
		str_copy(out_id, CATALOG_ID_LEN + 1, s.id);
		catalog_schedule_fini(&s);
		return 0;
	}
	if (rest_sched_definition(json_get(ref, "Definition"), &r, e) == -1 ||
	    sched_recur_format(&r, text, sizeof(text), e) == -1)
		return -1;
	s.name = "";
	s.shared = false;
	s.recurrence = text;
	s.next_run = sched_recur_next(&r, rs_subs_now(c->srv) - 1, e);
	if (s.next_run < 0)
		return -1;
	/* An item-specific schedule is the subscription's own: reuse it. */
	if (current != NULL && current[0] != '\0' &&
	    catalog_schedule_get(c->cat, current, &s, e) == 0) {
		bool	shared = s.shared;

		catalog_schedule_fini(&s);
		if (!shared) {
			struct catalog_schedule	u = { 0 };

			str_copy(u.id, sizeof(u.id), current);
			u.name = "";
			u.recurrence = text;
			u.next_run = sched_recur_next(&r, rs_subs_now(c->srv) -
			    1, e);
			if (catalog_schedule_update(c->cat, &u, c->user->name,
			    e) == -1)
				return -1;
			str_copy(out_id, CATALOG_ID_LEN + 1, current);
			return 0;
		}
		memset(&s, 0, sizeof(s));
		s.name = "";
		s.recurrence = text;
		s.next_run = sched_recur_next(&r, rs_subs_now(c->srv) - 1, e);
	}
	if (catalog_schedule_add(c->cat, &s, c->user->name, e) == -1)
		return -1;
	str_copy(out_id, CATALOG_ID_LEN + 1, s.id);
	return 0;
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
	    "\"State\":\"%s\",\"ReferencesPresent\":%s", s->paused ? "Paused" :
	    s->next_run == 0 ? "Expired" : "Ready", refs > 0 ? "true" :
	    "false");
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
	struct catalog_schedule	 s = { 0 }, old = { 0 };
	const struct json	*def = json_get(j, "Definition");
	const char		*name = json_get_str(j, "Name");
	struct sched_recur	 r;
	char			 text[SCHED_TEXT_MAX];
	struct rs_err		 e;
	int			 rc;

	if (id != NULL && catalog_schedule_get(c->cat, id, &old, &e) == -1) {
		rest_fail(c, &e, "rsScheduleNotFound");
		return;
	}
	if (name == NULL)
		name = old.name;
	if (name == NULL || name[0] == '\0' || strlen(name) > 260) {
		rs_error_json(c->resp, 400, "rsMissingElement", "a shared "
		    "schedule needs a Name (1 to 260 characters)");
		catalog_schedule_fini(&old);
		return;
	}
	if (def == NULL && id != NULL)
		rc = sched_recur_parse(old.recurrence, &r, &e);
	else
		rc = rest_sched_definition(def, &r, &e);
	if (rc == -1 || sched_recur_format(&r, text, sizeof(text), &e) == -1) {
		rest_fail(c, &e, "rsInvalidParameter");
		catalog_schedule_fini(&old);
		return;
	}
	if (id != NULL)
		str_copy(s.id, sizeof(s.id), id);
	s.name = (char *)name;
	s.shared = true;
	s.recurrence = text;
	s.paused = old.paused;
	s.next_run = sched_recur_next(&r, rs_subs_now(c->srv) - 1, &e);
	rc = s.next_run < 0 ? -1 : id != NULL ? catalog_schedule_update(c->cat,
	    &s, c->user->name, &e) : catalog_schedule_add(c->cat, &s,
	    c->user->name, &e);
	catalog_schedule_fini(&old);
	if (rc == -1) {
		rest_fail(c, &e, e.code == RS_E_EXISTS ? "rsItemAlreadyExists" :
		    NULL);
		return;
	}
	rs_subs_wake(c->srv);
	if (id == NULL)
		one_schedule(c, 201, s.id);
	else
		c->resp->status = 204;
}

static void
pause_schedule(struct rest_ctx *c, const char *id, bool pause)
{
	struct catalog_schedule	s;
	struct sched_recur	r;
	struct rs_err		e;
	int			rc;

	if (catalog_schedule_get(c->cat, id, &s, &e) == -1) {
		rest_fail(c, &e, "rsScheduleNotFound");
		return;
	}
	s.paused = pause;
	/* Resumed, it runs next at its next time from now: no catching up. */
	if (!pause && sched_recur_parse(s.recurrence, &r, &e) == 0)
		s.next_run = sched_recur_next(&r, rs_subs_now(c->srv), &e);
	rc = s.next_run < 0 ? -1 : catalog_schedule_update(c->cat, &s,
	    c->user->name, &e);
	catalog_schedule_fini(&s);
	if (rc == -1)
		rest_fail(c, &e, NULL);
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
