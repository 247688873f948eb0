/*
 * subs_api.c: what the REST API and the SOAP endpoint share about
 * subscriptions and shared schedules (subs_api.h): reading a schedule's
 * start, storing own and shared schedules, the checks of a subscription
 * (delivery settings, the data-driven query's data source, the schedule)
 * and who may see and change one.  "Manage individual subscriptions" on
 * the report (Browser and up) makes and sees one's own; "Manage all
 * subscriptions" (Content Manager) sees and changes everyone's and makes
 * data-driven ones.
 */
#include "reportserver/subs_api.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const rs_sched_day_names[7] = { "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday" };
const char *const rs_sched_month_names[12] = { "January", "February",
    "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December" };
const char *const rs_sched_week_names[6] = { "", "FirstWeek", "SecondWeek",
    "ThirdWeek", "FourthWeek", "LastWeek" };

/* ---- schedules ---- */

int
rs_sched_days_parse(const char *s, uint32_t *out, struct rs_err *e)
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

void
rs_sched_days_format(uint32_t days, char *out, size_t outsz)
{
	out[0] = '\0';
	for (int d = 1; d <= 31; d++)
		if (days & (1u << d)) {
			char	n[8];

			snprintf(n, sizeof(n), "%s%d", out[0] ? "," : "", d);
			str_append(out, outsz, n);
		}
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
rs_sched_start(const char *iso, const char *tz, struct sched_recur *r,
    struct rs_err *e)
{
	struct sched_civil	c;
	bool			has_off;
	long			off;

	if (tz != NULL)
		str_copy(r->tz, sizeof(r->tz), tz);
	else
		sched_tz_default(r->tz);
	if (!sched_tz_known(r->tz))
		return rs_err_set(e, RS_E_BADINPUT, "the time zone '%.63s' does "
		    "not exist; use an IANA name such as Europe/Berlin or UTC",
		    r->tz);
	if (iso_time(iso, &c, &has_off, &off, e) == -1)
		return -1;
	if (has_off) {
		int64_t	t;

		if (sched_civil_to_utc("UTC", &c, &t, e) == -1 ||
		    sched_utc_to_civil(r->tz, t - off, &c, e) == -1)
			return -1;
	}
	r->start = c;
	return 0;
}

int
rs_sched_end(const char *iso, struct sched_recur *r, struct rs_err *e)
{
	bool	has_off;
	long	off;

	if (iso_time(iso, &r->end, &has_off, &off, e) == -1)
		return -1;
	r->has_end = true;
	return 0;
}

void
rs_sched_start_iso(const struct sched_recur *r, char *out, size_t n)
{
	struct rs_err	e;
	int64_t		t = 0, local = 0;
	long		off;

	if (sched_civil_to_utc(r->tz, &r->start, &t, &e) == 0)
		(void)sched_civil_to_utc("UTC", &r->start, &local, &e);
	off = (long)(local - t);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    r->start.year, r->start.month, r->start.day, r->start.hour,
	    r->start.minute, r->start.second, off < 0 ? '-' : '+',
	    labs(off) / 3600, labs(off) % 3600 / 60);
}

int
rs_sched_own(struct rs_server *srv, struct catalog *cat, const char *user,
    const struct sched_recur *r, const char *current, char *out_id,
    struct rs_err *e)
{
	struct catalog_schedule	s = { 0 };
	char			text[SCHED_TEXT_MAX];

	if (sched_recur_check(r, e) == -1 ||
	    sched_recur_format(r, text, sizeof(text), e) == -1)
		return -1;
	s.name = "";
	s.recurrence = text;
	s.next_run = sched_recur_next(r, rs_subs_now(srv) - 1, e);
	if (s.next_run < 0)
		return -1;
	/* An item-specific schedule is the subscription's own: reuse it. */
	if (current != NULL && current[0] != '\0') {
		struct catalog_schedule	old;
		bool			shared = true;

		if (catalog_schedule_get(cat, current, &old, e) == 0) {
			shared = old.shared;
			catalog_schedule_fini(&old);
		}
		if (!shared) {
			str_copy(s.id, sizeof(s.id), current);
			if (catalog_schedule_update(cat, &s, user, e) == -1)
				return -1;
			str_copy(out_id, CATALOG_ID_LEN + 1, current);
			return 0;
		}
	}
	if (catalog_schedule_add(cat, &s, user, e) == -1)
		return -1;
	str_copy(out_id, CATALOG_ID_LEN + 1, s.id);
	return 0;
}

int
rs_sched_save(struct rs_server *srv, struct catalog *cat, const char *user,
    const char *id, const char *name, const struct sched_recur *recur,
    char *out_id, struct rs_err *e)
{
	struct catalog_schedule	 s = { 0 }, old = { 0 };
	struct sched_recur	 r;
	char			 text[SCHED_TEXT_MAX];
	int			 rc;

	if (id != NULL && catalog_schedule_get(cat, id, &old, e) == -1)
		return -1;
	if (id != NULL && !old.shared) {
		catalog_schedule_fini(&old);
		return rs_err_set(e, RS_E_NOTFOUND, "there is no shared schedule "
		    "with the id '%.40s'", id);
	}
	if (name == NULL)
		name = old.name;
	if (name == NULL || name[0] == '\0' || strlen(name) > 260) {
		catalog_schedule_fini(&old);
		return rs_err_set(e, RS_E_USAGE, "a shared schedule needs a Name "
		    "(1 to 260 characters)");
	}
	if (recur != NULL)
		r = *recur;
	rc = recur != NULL ? sched_recur_check(&r, e) : id != NULL ?
	    sched_recur_parse(old.recurrence, &r, e) : rs_err_set(e,
	    RS_E_BADINPUT, "a schedule needs a Definition with a "
	    "StartDateTime");
	if (rc == -1 || sched_recur_format(&r, text, sizeof(text), e) == -1) {
		catalog_schedule_fini(&old);
		return -1;
	}
	if (id != NULL)
		str_copy(s.id, sizeof(s.id), id);
	s.name = (char *)name;
	s.shared = true;
	s.recurrence = text;
	s.paused = old.paused;
	s.next_run = sched_recur_next(&r, rs_subs_now(srv) - 1, e);
	rc = s.next_run < 0 ? -1 : id != NULL ? catalog_schedule_update(cat,
	    &s, user, e) : catalog_schedule_add(cat, &s, user, e);
	catalog_schedule_fini(&old);
	if (rc == -1)
		return -1;
	if (out_id != NULL)
		str_copy(out_id, CATALOG_ID_LEN + 1, s.id);
	rs_subs_wake(srv);
	return 0;
}

int
rs_sched_pause(struct rs_server *srv, struct catalog *cat, const char *user,
    const char *id, bool pause, struct rs_err *e)
{
	struct catalog_schedule	s;
	struct sched_recur	r;
	int			rc;

	if (catalog_schedule_get(cat, id, &s, e) == -1)
		return -1;
	s.paused = pause;
	/* Resumed, it runs next at its next time from now: no catching up. */
	if (!pause && sched_recur_parse(s.recurrence, &r, e) == 0)
		s.next_run = sched_recur_next(&r, rs_subs_now(srv), e);
	rc = s.next_run < 0 ? -1 : catalog_schedule_update(cat, &s, user, e);
	catalog_schedule_fini(&s);
	if (rc == 0)
		rs_subs_wake(srv);
	return rc;
}

const char *
rs_sched_state(const struct catalog_schedule *s)
{
	return s->paused ? "Paused" : s->next_run == 0 ? "Expired" : "Ready";
}

int
rs_plan_save(struct catalog *cat, const char *user, struct catalog_plan *p,
    struct rs_err *e)
{
	struct catalog_schedule	sc;

	if (p->schedule_id[0] == '\0')
		return rs_err_set(e, RS_E_BADINPUT, "a cache refresh plan needs a "
		    "Schedule");
	if (catalog_schedule_get(cat, p->schedule_id, &sc, e) == -1)
		return -1;
	catalog_schedule_fini(&sc);
	if (p->id[0] == '\0')
		return catalog_plan_add(cat, p, user, e);
	return catalog_plan_update(cat, p, user, e);
}

int
rs_exec_opts_save(struct catalog *cat, const char *item_id,
    const struct catalog_exec_opts *o, struct rs_err *e)
{
	struct rs_err	e2;

	if (catalog_exec_opts_set(cat, item_id, o, e) == -1)
		return -1;
	if (o->exec_type != CATALOG_EXEC_CACHE)
		(void)catalog_rdata_del(cat, item_id, CATALOG_DATA_CACHE, NULL,
		    &e2);
	return 0;
}

int64_t
rs_history_time(const char *id)
{
	struct tm	tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(id, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL || (*end != '\0' && strcmp(end, "Z") != 0))
		return -1;
	return (int64_t)timegm(&tm);
}

/* ---- subscriptions: the settings of a delivery extension ---- */

void
rs_sub_change_fini(struct rs_sub_change *b)
{
	deliver_kvs_fini(&b->set);
	deliver_kvs_fini(&b->par);
}

int
rs_sub_kv_add(struct deliver_kvs *l, const char *n, const char *v, bool field,
    const char *what, struct rs_err *e)
{
	if (n == NULL || n[0] == '\0')
		return rs_err_set(e, RS_E_BADINPUT, "an entry of %s has no Name",
		    what);
	if (deliver_header_check(n, v, e) == -1 && !str_ieq(n, "Comment"))
		return -1;
	return deliver_kvs_add(l, n, v != NULL ? v : "", field, e);
}

int
rs_sub_event_check(const char *event, struct rs_err *e)
{
	if (event != NULL && !str_ieq(event, "TimedSubscription") &&
	    !str_ieq(event, "SnapshotUpdated"))
		return rs_err_set(e, RS_E_BADINPUT, "EventType must be "
		    "TimedSubscription or SnapshotUpdated");
	return 0;
}

static bool
format_ok(const char *f)
{
	static const char	 list[] = RENDER_FORMATS;
	const char		*p = list;
	size_t			 n = strlen(f);

	if (n == 0 || str_ieq(f, "MHTML"))
		return n > 0;
	while ((p = strcasestr(p, f)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' ||
		    p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

static bool
bool_ok(const char *v)
{
	return v == NULL || str_ieq(v, "True") || str_ieq(v, "False");
}

static int
addr_setting(const struct deliver_kvs *l, const char *name, struct rs_err *e)
{
	size_t	n;

	for (size_t i = 0; i < l->n; i++)
		if (str_ieq(l->v[i].name, name) && !l->v[i].field &&
		    deliver_addr_check(l->v[i].value, &n, e) == -1) {
			rs_err_prefix(e, "%s", name);
			return -1;
		}
	return 0;
}

/* A setting's value, or NULL when absent or a field reference (the
 * data-driven row gives it; the row is checked when it is delivered). */
static const char *
lit(const struct deliver_kvs *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (str_ieq(l->v[i].name, name))
			return l->v[i].field ? NULL : l->v[i].value;
	return NULL;
}

static int
check_email(const struct deliver_kvs *l, struct rs_err *e)
{
	const char	*f = lit(l, "RenderFormat");
	const char	*pr = lit(l, "Priority");

	if (deliver_kvs_get(l, "TO") == NULL && deliver_kvs_get(l, "CC") ==
	    NULL && deliver_kvs_get(l, "BCC") == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "an e-mail subscription "
		    "needs TO (or CC or BCC)");
	if (addr_setting(l, "TO", e) == -1 || addr_setting(l, "CC", e) == -1 ||
	    addr_setting(l, "BCC", e) == -1 || addr_setting(l, "ReplyTo", e) ==
	    -1)
		return -1;
	if (pr != NULL && !str_ieq(pr, "NORMAL") && !str_ieq(pr, "HIGH") &&
	    !str_ieq(pr, "LOW"))
		return rs_err_set(e, RS_E_BADINPUT, "Priority must be NORMAL, "
		    "HIGH or LOW");
	if (!bool_ok(lit(l, "IncludeReport")) || !bool_ok(lit(l,
	    "IncludeLink")))
		return rs_err_set(e, RS_E_BADINPUT, "IncludeReport and "
		    "IncludeLink must be True or False");
	if (f != NULL && !format_ok(f))
		return rs_err_set(e, RS_E_BADINPUT, "the rendering extension "
		    "'%.32s' is not available; use one of " RENDER_FORMATS,
		    f);
	return 0;
}

static int
check_share(struct rs_server *srv, const struct deliver_kvs *l,
    struct rs_err *e)
{
	const char		*path = lit(l, "PATH");
	const char		*name = lit(l, "FILENAME");
	const char		*f = lit(l, "RenderFormat");

	if (f == NULL)		/* the original's name of the setting */
		f = lit(l, "RENDER_FORMAT");
	if (deliver_kvs_get(l, "PATH") == NULL ||
	    deliver_kvs_get(l, "FILENAME") == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "a file share subscription "
		    "needs PATH and FILENAME");
	if (name == NULL)
		name = "x";
	if (deliver_kvs_get(l, "USERNAME") != NULL || deliver_kvs_get(l,
	    "PASSWORD") != NULL || (lit(l, "DEFAULTCREDENTIALS") != NULL &&
	    !str_ieq(lit(l, "DEFAULTCREDENTIALS"), "True")))
		return rs_err_set(e, RS_E_BADINPUT, "file share delivery writes "
		    "as the report server's own account into a folder on this "
		    "machine; it takes no USERNAME or PASSWORD (mount the share "
		    "with its credentials and name the mounted folder; "
		    "DEFAULTCREDENTIALS True)");
	if (deliver_overwrite_parse(lit(l, "WRITEMODE")) < 0)
		return rs_err_set(e, RS_E_BADINPUT, "WRITEMODE must be "
		    "Overwrite, AutoIncrement or None");
	if (strchr(name, '/') != NULL || strcmp(name, "..") == 0)
		return rs_err_set(e, RS_E_BADINPUT, "FILENAME is a file name, "
		    "without '/'");
	if (f != NULL && !format_ok(f))
		return rs_err_set(e, RS_E_BADINPUT, "the rendering extension "
		    "'%.32s' is not available; use one of " RENDER_FORMATS, f);
	if (path == NULL)
		return 0;
	if (path[0] == '\\' || str_has_iprefix(path, "smb://"))
		return rs_err_set(e, RS_E_BADINPUT, "SMB shares (%.80s) are not "
		    "written directly yet; mount the share and name the mounted "
		    "folder", path);
	if (!rs_subs_share_allowed(srv, path))
		return rs_err_set(e, RS_E_PERM, "the folder '%.200s' is not one "
		    "file share delivery may write into; an administrator adds "
		    "it to FileShareConfiguration/AllowedPaths in "
		    "rsreportserver.config", path);
	return 0;
}

int
rs_sub_check_settings(struct rs_server *srv, const char *ext,
    const struct deliver_kvs *l, struct rs_err *e)
{
	if (str_ieq(ext, RS_EXT_EMAIL))
		return check_email(l, e);
	if (str_ieq(ext, RS_EXT_SHARE))
		return check_share(srv, l, e);
	if (str_ieq(ext, RS_EXT_NULL))
		return 0;
	return rs_err_set(e, RS_E_BADINPUT, "the delivery extension '%.60s' "
	    "is not available; use \"" RS_EXT_EMAIL "\", \"" RS_EXT_SHARE
	    "\" or \"NULL\"", ext != NULL ? ext : "");
}

/* ---- subscriptions ---- */

int
rs_sub_report(struct catalog *cat, const struct rsuser *u, const char *path,
    struct catalog_item *it, unsigned *tasks, struct rs_err *e)
{
	*tasks = 0;
	if (rs_item_get(cat, u, path, it, e) == -1)
		return -1;
	*tasks = rs_tasks(cat, it->id, u);
	if (it->type != CATALOG_REPORT) {
		catalog_item_fini(it);
		return rs_err_set(e, RS_E_BADINPUT, "only a report you may "
		    "subscribe to takes subscriptions");
	}
	if ((*tasks & (CATALOG_T_MANAGE_SUBSCRIPTIONS |
	    CATALOG_T_MANAGE_ALL_SUBS)) == 0) {
		catalog_item_fini(it);
		return rs_err_set(e, RS_E_PERM, "only a report you may "
		    "subscribe to takes subscriptions");
	}
	return 0;
}

bool
rs_sub_may(const struct rsuser *u, const struct catalog_sub *s,
    unsigned tasks)
{
	if (tasks & CATALOG_T_MANAGE_ALL_SUBS)
		return true;
	return (tasks & CATALOG_T_MANAGE_SUBSCRIPTIONS) != 0 &&
	    str_ieq(s->owner, u->name);
}

int
rs_sub_find(struct catalog *cat, const struct rsuser *u, const char *id,
    struct catalog_sub *s, struct rs_err *e)
{
	if (catalog_sub_get(cat, id, s, e) == -1)
		return -1;
	if (!rs_sub_may(u, s, rs_tasks(cat, s->item_id, u))) {
		catalog_sub_fini(s);
		return rs_err_set(e, RS_E_NOTFOUND, "there is no subscription "
		    "with that id");
	}
	return 0;
}

void
rs_sub_init(struct catalog_sub *s, const char *item_id,
    const struct rsuser *u)
{
	memset(s, 0, sizeof(*s));
	str_copy(s->item_id, sizeof(s->item_id), item_id);
	s->owner = xstrdup(u->name);
	s->owner_kind = u->builtin ? CATALOG_PK_BUILTIN_USER :
	    CATALOG_PK_LINUX_USER;
	s->event_type = xstrdup("TimedSubscription");
	s->active = true;
}

/* Applies a change to s (new or old); the strings it sets are owned. */
static int
apply(const struct rs_sub_change *b, struct catalog_sub *s, unsigned tasks,
    struct rs_err *e)
{
	bool	dd = b->query != NULL || s->data_query != NULL;

	if (b->ext != NULL) {
		free(s->extension);
		s->extension = xstrdup(b->ext);
	}
	if (s->extension == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "a subscription needs a "
		    "DeliveryExtension");
	if (dd && (tasks & CATALOG_T_MANAGE_ALL_SUBS) == 0)
		return rs_err_set(e, RS_E_PERM, "a data-driven subscription "
		    "needs the Manage all subscriptions task");
	if (rs_sub_event_check(b->event, e) == -1)
		return -1;
	if (b->has_set) {
		free(s->settings);
		s->settings = deliver_kvs_encode(&b->set);
	}
	if (b->has_par) {
		free(s->parameters);
		s->parameters = deliver_kvs_encode(&b->par);
	}
	if (b->event != NULL) {
		free(s->event_type);
		s->event_type = xstrdup(b->event);
	}
	if (b->desc != NULL) {
		free(s->description);
		s->description = xstrdup(b->desc);
	}
	if (b->query != NULL) {
		free(s->data_query);
		free(s->data_source);
		s->data_query = xstrdup(b->query);
		s->data_source = xstrdup(b->source != NULL ? b->source : "");
	}
	if (b->has_active)
		s->active = b->active;
	return 0;
}

/* The data-driven query's shared data source: one the user may read. */
static int
source_ok(struct catalog *cat, const struct rsuser *u, const char *path,
    struct rs_err *e)
{
	struct catalog_item	it;
	unsigned		tasks;
	int			type;

	if (rs_item_get(cat, u, path, &it, e) == -1)
		return -1;
	tasks = rs_tasks(cat, it.id, u);
	type = it.type;
	catalog_item_fini(&it);
	if (type != CATALOG_DATASOURCE)
		return rs_err_set(e, RS_E_BADINPUT, "DataSourcePath '%.200s' is "
		    "not a shared data source", path);
	if ((tasks & (CATALOG_T_VIEW_DATASOURCES |
	    CATALOG_T_MANAGE_DATASOURCES)) == 0)
		return rs_err_set(e, RS_E_PERM, "you may not read the shared "
		    "data source '%.200s'", path);
	return 0;
}

static int
validate(struct rs_server *srv, struct catalog *cat, const struct rsuser *u,
    struct catalog_sub *s, const struct rs_sub_change *b, struct rs_err *e)
{
	struct deliver_kvs	set = { 0 };
	int			rc;

	if (deliver_kvs_decode(s->settings ? s->settings : "", &set, e) == -1)
		return -1;
	rc = rs_sub_check_settings(srv, s->extension, &set, e);
	deliver_kvs_fini(&set);
	if (rc == -1)
		return -1;
	if (b->query != NULL && (b->source == NULL || b->query[0] == '\0'))
		return rs_err_set(e, RS_E_BADINPUT, "a data-driven query needs "
		    "its command text and a shared data source");
	if (b->source != NULL && source_ok(cat, u, b->source, e) == -1)
		return -1;
	if (str_ieq(s->event_type, "TimedSubscription") && b->sched_id ==
	    NULL && !b->has_recur && s->schedule_id[0] == '\0')
		return rs_err_set(e, RS_E_BADINPUT, "a TimedSubscription needs "
		    "a Schedule (a ScheduleID or a Definition)");
	if (b->sched_id != NULL) {
		struct catalog_schedule	sc;

		if (catalog_schedule_get(cat, b->sched_id, &sc, e) == -1)
			return -1;
		str_copy(s->schedule_id, sizeof(s->schedule_id), sc.id);
		catalog_schedule_fini(&sc);
	} else if (b->has_recur && rs_sched_own(srv, cat, u->name, &b->recur,
	    s->schedule_id, s->schedule_id, e) == -1)
		return -1;
	return 0;
}

int
rs_sub_save(struct rs_server *srv, struct catalog *cat,
    const struct rsuser *u, struct catalog_sub *s, unsigned tasks,
    const struct rs_sub_change *b, struct rs_err *e)
{
	if (apply(b, s, tasks, e) == -1 || validate(srv, cat, u, s, b, e) ==
	    -1)
		return -1;
	if (s->id[0] == '\0')
		return catalog_sub_add(cat, s, u->name, e);
	return catalog_sub_update(cat, s, u->name, e);
}

int
rs_sub_delete(struct catalog *cat, const struct catalog_sub *s,
    struct rs_err *e)
{
	struct catalog_schedule	sc;
	char			own[CATALOG_ID_LEN + 1];
	struct rs_err		e2;

	str_copy(own, sizeof(own), s->schedule_id);
	if (catalog_sub_del(cat, s->id, e) == -1)
		return -1;
	/* Its own schedule goes with it; a shared one stays. */
	if (own[0] != '\0' && catalog_schedule_get(cat, own, &sc, &e2) == 0) {
		if (!sc.shared)
			(void)catalog_schedule_del(cat, own, &e2);
		catalog_schedule_fini(&sc);
	}
	return 0;
}

int
rs_sub_run(struct rs_server *srv, struct catalog *cat,
    const struct catalog_sub *s, struct rs_err *e)
{
	struct rs_err	e2;

	/*
	 * "Pending" goes in before the job is queued: a run that ends at
	 * once (a failing query) must not have its status overwritten.
	 */
	if (catalog_sub_set_status(cat, s->id, "Pending", 0, e) == -1)
		return -1;
	if (rs_subs_run_now(srv, cat, CATALOG_JOB_SUB, s->id, e) == -1) {
		(void)catalog_sub_set_status(cat, s->id, s->last_status != NULL ?
		    s->last_status : "New Subscription", 0, &e2);
		return -1;
	}
	return 0;
}
