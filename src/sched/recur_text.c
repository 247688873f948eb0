/*
 * recur_text.c: the stored form of a recurrence (one line of key=value
 * pairs separated by ';', every value checked on the way in) and the
 * sentence the original shows as a ScheduleDescription.
 */
#include "sched/sched.h"
#include "common/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = { "once", "minute", "daily", "weekly",
    "monthly", "monthlydow" };
static const char *const dow_names[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
    "Fri", "Sat" };
static const char *const week_names[] = { "", "first", "second", "third",
    "fourth", "last" };

int
sched_recur_format(const struct sched_recur *r, char *out, size_t outsz,
    struct rs_err *e)
{
	int	n;

	if (sched_recur_check(r, e) == -1)
		return -1;
	n = snprintf(out, outsz, "kind=%s;tz=%s;start=%04d-%02d-%02dT%02d:%02d:"
	    "%02d;interval=%u;dow=%u;days=%lu;months=%u;week=%d",
	    kinds[r->kind], r->tz, r->start.year, r->start.month, r->start.day,
	    r->start.hour, r->start.minute, r->start.second, r->interval,
	    r->dow, (unsigned long)r->days, r->months, r->week);
	if (n > 0 && (size_t)n < outsz && r->has_end)
		n += snprintf(out + n, outsz - (size_t)n, ";end=%04d-%02d-%02d",
		    r->end.year, r->end.month, r->end.day);
	if (n < 0 || (size_t)n >= outsz)
		return rs_err_set(e, RS_E_LIMIT, "the schedule is too long to "
		    "store");
	return 0;
}

static int
num(const char *v, uint64_t max, uint64_t *out, struct rs_err *e)
{
	return str_parse_uint(v, 0, max, out, "schedule value", e);
}

static int
civil(const char *v, struct sched_civil *c, bool date_only,
    struct rs_err *e)
{
	int	n = 0, got;

	memset(c, 0, sizeof(*c));

	if (date_only)
		got = sscanf(v, "%4d-%2d-%2d%n", &c->year, &c->month, &c->day,
		    &n) == 3;
	else
		got = sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d%n", &c->year,
		    &c->month, &c->day, &c->hour, &c->minute, &c->second,
		    &n) == 6;
	if (!got || v[n] != '\0')
		return rs_err_set(e, RS_E_BADINPUT, "bad date in schedule: "
		    "'%.40s'", v);
	return 0;
}

static int
pair(struct sched_recur *r, const char *k, const char *v, struct rs_err *e)
{
	uint64_t	x = 0;
	size_t		i;

	if (strcmp(k, "kind") == 0) {
		for (i = 0; i < nitems(kinds); i++)
			if (strcmp(v, kinds[i]) == 0)
				break;
		if (i == nitems(kinds))
			return rs_err_set(e, RS_E_BADINPUT, "unknown recurrence "
			    "'%.20s'", v);
		r->kind = (enum sched_kind)i;
		return 0;
	}
	if (strcmp(k, "tz") == 0)
		return str_copy(r->tz, sizeof(r->tz), v) == -1 ? rs_err_set(e,
		    RS_E_BADINPUT, "time zone name too long") : 0;
	if (strcmp(k, "start") == 0)
		return civil(v, &r->start, false, e);
	if (strcmp(k, "end") == 0) {
		r->has_end = true;
		return civil(v, &r->end, true, e);
	}
	if (strcmp(k, "week") == 0) {
		if (num(v, SCHED_WEEK_LAST, &x, e) == -1)
			return -1;
		r->week = (int)x;
		return 0;
	}
	if (num(v, UINT32_MAX, &x, e) == -1)
		return -1;
	if (strcmp(k, "interval") == 0)
		r->interval = (unsigned)x;
	else if (strcmp(k, "dow") == 0)
		r->dow = (unsigned)x;
	else if (strcmp(k, "days") == 0)
		r->days = (uint32_t)x;
	else if (strcmp(k, "months") == 0)
		r->months = (unsigned)x;
	else
		return rs_err_set(e, RS_E_BADINPUT, "unknown schedule field "
		    "'%.20s'", k);
	return 0;
}

int
sched_recur_parse(const char *text, struct sched_recur *r, struct rs_err *e)
{
	char	buf[SCHED_TEXT_MAX], *p, *save = NULL;

	memset(r, 0, sizeof(*r));
	if (str_copy(buf, sizeof(buf), text) == -1)
		return rs_err_set(e, RS_E_BADINPUT, "schedule text too long");
	for (p = strtok_r(buf, ";", &save); p != NULL;
	    p = strtok_r(NULL, ";", &save)) {
		char	*eq = strchr(p, '=');

		if (eq == NULL)
			return rs_err_set(e, RS_E_BADINPUT, "bad schedule field "
			    "'%.20s'", p);
		*eq = '\0';
		if (pair(r, p, eq + 1, e) == -1)
			return -1;
	}
	return sched_recur_check(r, e);
}

static void
days_list(const struct sched_recur *r, char *out, size_t outsz)
{
	out[0] = '\0';
	for (int i = 0; i < 7; i++)
		if (r->dow & (1u << i)) {
			if (out[0] != '\0')
				str_append(out, outsz, ", ");
			str_append(out, outsz, dow_names[i]);
		}
}

static void
time_of(const struct sched_civil *c, char *out, size_t outsz)
{
	int	h = c->hour % 12 == 0 ? 12 : c->hour % 12;

	snprintf(out, outsz, "%d:%02d %s", h, c->minute, c->hour < 12 ? "AM" :
	    "PM");
}

void
sched_recur_describe(const struct sched_recur *r, char *out, size_t outsz)
{
	char	at[16], dl[64], what[160];

	time_of(&r->start, at, sizeof(at));
	days_list(r, dl, sizeof(dl));
	switch (r->kind) {
	case SCHED_ONCE:
		snprintf(what, sizeof(what), "At %s on %d/%d/%d", at,
		    r->start.month, r->start.day, r->start.year);
		break;
	case SCHED_MINUTE:
		snprintf(what, sizeof(what), "Every %u minute(s)", r->interval);
		break;
	case SCHED_DAILY:
		snprintf(what, sizeof(what), "At %s every %u day(s)", at,
		    r->interval);
		break;
	case SCHED_WEEKLY:
		snprintf(what, sizeof(what), "At %s every %s of every %u "
		    "week(s)", at, dl, r->interval);
		break;
	case SCHED_MONTHLY:
		snprintf(what, sizeof(what), "At %s on chosen days of chosen "
		    "months", at);
		break;
	default:
		snprintf(what, sizeof(what), "At %s on the %s %s of chosen "
		    "months", at, week_names[r->week % 6], dl);
		break;
	}
	snprintf(out, outsz, "%s, starting %d/%d/%d (%s)", what, r->start.month,
	    r->start.day, r->start.year, r->tz);
}
