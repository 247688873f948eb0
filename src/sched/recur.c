/*
 * recur.c: recurrences.  The candidate days are found with plain civil
 * date arithmetic (days since the epoch, day of the week, days in a
 * month); each candidate's wall-clock time is turned into an instant by
 * ICU's calendar in the recurrence's zone, with the gap rule "next valid
 * time" and the overlap rule "first occurrence" (sched.h).  Zones are
 * checked against ICU's list, so a zone that does not exist is refused
 * when the schedule is made, not when it should run.
 */
#include "sched/sched.h"
#include "common/civil.h"
#include "common/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

#define SEARCH_DAYS	(366 * 30)	/* far enough for any pattern */

/* 0 Sunday .. 6 Saturday. */
static int
weekday(int64_t days)
{
	int64_t	w = (days + 4) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

static int
month_days(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return n[m - 1];
}

static UCalendar *
cal_open(const char *tz, struct rs_err *e)
{
	UChar		 z[SCHED_TZ_MAX];
	UErrorCode	 st = U_ZERO_ERROR;
	UCalendar	*c;

	if (!sched_tz_known(tz)) {
		rs_err_set(e, RS_E_BADINPUT, "the time zone '%.63s' does not "
		    "exist; use an IANA name such as Europe/Berlin or UTC", tz);
		return NULL;
	}
	u_uastrncpy(z, tz, SCHED_TZ_MAX - 1);
	z[SCHED_TZ_MAX - 1] = 0;
	c = ucal_open(z, -1, "en_US", UCAL_GREGORIAN, &st);
	if (U_FAILURE(st)) {
		rs_err_set(e, RS_E_INTERNAL, "cannot open a calendar for %s: %s",
		    tz, u_errorName(st));
		return NULL;
	}
	ucal_setAttribute(c, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
	ucal_setAttribute(c, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_NEXT_VALID);
	return c;
}

bool
sched_tz_known(const char *tz)
{
	UChar		z[SCHED_TZ_MAX], out[SCHED_TZ_MAX];
	UErrorCode	st = U_ZERO_ERROR;
	UBool		sys = 0;

	if (tz == NULL || tz[0] == '\0' || strlen(tz) >= SCHED_TZ_MAX)
		return false;
	u_uastrncpy(z, tz, SCHED_TZ_MAX - 1);
	z[SCHED_TZ_MAX - 1] = 0;
	ucal_getCanonicalTimeZoneID(z, -1, out, SCHED_TZ_MAX, &sys, &st);
	return U_SUCCESS(st) && sys;
}

void
sched_tz_default(char out[SCHED_TZ_MAX])
{
	UChar		z[SCHED_TZ_MAX];
	UErrorCode	st = U_ZERO_ERROR;
	int32_t		n;

	n = ucal_getDefaultTimeZone(z, SCHED_TZ_MAX, &st);
	if (U_FAILURE(st) || n <= 0 || n >= SCHED_TZ_MAX) {
		str_copy(out, SCHED_TZ_MAX, "UTC");
		return;
	}
	u_austrncpy(out, z, SCHED_TZ_MAX - 1);
	out[SCHED_TZ_MAX - 1] = '\0';
	if (!sched_tz_known(out))
		str_copy(out, SCHED_TZ_MAX, "UTC");
}

int
sched_civil_to_utc(const char *tz, const struct sched_civil *t, int64_t *out,
    struct rs_err *e)
{
	UCalendar	*c = cal_open(tz, e);
	UErrorCode	 st = U_ZERO_ERROR;
	UDate		 ms;

	if (c == NULL)
		return -1;
	ucal_clear(c);
	ucal_setDateTime(c, t->year, t->month - 1, t->day, t->hour, t->minute,
	    t->second, &st);
	ms = ucal_getMillis(c, &st);
	ucal_close(c);
	if (U_FAILURE(st))
		return rs_err_set(e, RS_E_BADINPUT, "no such time in %s: %s",
		    tz, u_errorName(st));
	*out = (int64_t)(ms / 1000.0);
	return 0;
}

int
sched_utc_to_civil(const char *tz, int64_t t, struct sched_civil *out,
    struct rs_err *e)
{
	UCalendar	*c = cal_open(tz, e);
	UErrorCode	 st = U_ZERO_ERROR;

	if (c == NULL)
		return -1;
	ucal_setMillis(c, (UDate)t * 1000.0, &st);
	out->year = ucal_get(c, UCAL_YEAR, &st);
	out->month = ucal_get(c, UCAL_MONTH, &st) + 1;
	out->day = ucal_get(c, UCAL_DATE, &st);
	out->hour = ucal_get(c, UCAL_HOUR_OF_DAY, &st);
	out->minute = ucal_get(c, UCAL_MINUTE, &st);
	out->second = ucal_get(c, UCAL_SECOND, &st);
	ucal_close(c);
	if (U_FAILURE(st))
		return rs_err_set(e, RS_E_INTERNAL, "cannot read the time in "
		    "%s: %s", tz, u_errorName(st));
	return 0;
}

static bool
civil_ok(const struct sched_civil *t, bool date_only)
{
	if (t->year < 1970 || t->year > 9999 || t->month < 1 ||
	    t->month > 12 || t->day < 1 ||
	    t->day > month_days(t->year, t->month))
		return false;
	if (date_only)
		return true;
	return t->hour >= 0 && t->hour < 24 && t->minute >= 0 &&
	    t->minute < 60 && t->second >= 0 && t->second < 60;
}

int
sched_recur_check(const struct sched_recur *r, struct rs_err *e)
{
	if (!sched_tz_known(r->tz))
		return rs_err_set(e, RS_E_BADINPUT, "the time zone '%.63s' does "
		    "not exist; use an IANA name such as Europe/Berlin or UTC",
		    r->tz);
	if (!civil_ok(&r->start, false))
		return rs_err_set(e, RS_E_BADINPUT, "the start date and time "
		    "are not a valid date and time");
	if (r->has_end && (!civil_ok(&r->end, true) || rs_days_from_civil(
	    r->end.year, r->end.month, r->end.day) < rs_days_from_civil(
	    r->start.year, r->start.month, r->start.day)))
		return rs_err_set(e, RS_E_BADINPUT, "the end date must be a "
		    "valid date on or after the start date");
	if (r->kind != SCHED_ONCE && r->kind != SCHED_MONTHLY &&
	    r->kind != SCHED_MONTHLY_DOW && (r->interval < 1 ||
	    r->interval > SCHED_INTERVAL_MAX))
		return rs_err_set(e, RS_E_BADINPUT, "the interval must be 1 to "
		    "%d", SCHED_INTERVAL_MAX);
	if ((r->kind == SCHED_WEEKLY || r->kind == SCHED_MONTHLY_DOW) &&
	    (r->dow & SCHED_DOW_ALL) == 0)
		return rs_err_set(e, RS_E_BADINPUT, "choose at least one day of "
		    "the week");
	if ((r->kind == SCHED_MONTHLY || r->kind == SCHED_MONTHLY_DOW) &&
	    (r->months & SCHED_MONTHS_ALL) == 0)
		return rs_err_set(e, RS_E_BADINPUT, "choose at least one month");
	if (r->kind == SCHED_MONTHLY && (r->days & 0xfffffffeu) == 0)
		return rs_err_set(e, RS_E_BADINPUT, "choose at least one day of "
		    "the month (1 to 31)");
	if (r->kind == SCHED_MONTHLY_DOW && (r->week < 1 ||
	    r->week > SCHED_WEEK_LAST))
		return rs_err_set(e, RS_E_BADINPUT, "the week of the month must "
		    "be FirstWeek .. FourthWeek or LastWeek");
	return 0;
}

/* Whether day number `day` (civil y-m-d) matches the pattern. */
static bool
day_matches(const struct sched_recur *r, int64_t day, int64_t start_day,
    int y, int m, int d)
{
	int	wd = weekday(day), last;

	switch (r->kind) {
	case SCHED_DAILY:
		return (day - start_day) % r->interval == 0;
	case SCHED_WEEKLY: {
		/* Weeks counted from the Sunday that starts the start week. */
		int64_t	w0 = start_day - weekday(start_day);

		return (r->dow & (1u << wd)) != 0 &&
		    ((day - w0) / 7) % r->interval == 0;
	}
	case SCHED_MONTHLY:
		return (r->months & (1u << (m - 1))) != 0 &&
		    (r->days & (1u << d)) != 0;
	case SCHED_MONTHLY_DOW:
		if ((r->months & (1u << (m - 1))) == 0 ||
		    (r->dow & (1u << wd)) == 0)
			return false;
		last = month_days(y, m);
		if (r->week == SCHED_WEEK_LAST)
			return d + 7 > last;
		return (d - 1) / 7 + 1 == r->week;
	default:
		return false;
	}
}

/* Every N minutes from the start instant, in elapsed time. */
static int64_t
next_minute(const struct sched_recur *r, int64_t t0, int64_t after,
    int64_t end)
{
	int64_t	step = (int64_t)r->interval * 60, k, t;

	if (after < t0)
		t = t0;
	else {
		k = (after - t0) / step + 1;
		t = t0 + k * step;
	}
	return end != 0 && t >= end ? 0 : t;
}

int64_t
sched_recur_next(const struct sched_recur *r, int64_t after, struct rs_err *e)
{
	struct sched_civil	 now, c;
	int64_t			 t0, start_day, day, end_day = 0, end = 0, t;
	int			 y, m, d;

	if (sched_civil_to_utc(r->tz, &r->start, &t0, e) == -1)
		return -1;
	if (r->has_end) {
		struct sched_civil	 x = r->end;

		end_day = rs_days_from_civil(x.year, x.month, x.day);
		rs_civil_from_days(end_day + 1, &x.year, &x.month, &x.day);
		x.hour = x.minute = x.second = 0;
		if (sched_civil_to_utc(r->tz, &x, &end, e) == -1)
			return -1;
	}
	if (r->kind == SCHED_ONCE)
		return t0 > after ? t0 : 0;
	if (r->kind == SCHED_MINUTE)
		return next_minute(r, t0, after, end);
	start_day = rs_days_from_civil(r->start.year, r->start.month,
	    r->start.day);
	if (sched_utc_to_civil(r->tz, after > t0 ? after : t0, &now, e) == -1)
		return -1;
	day = rs_days_from_civil(now.year, now.month, now.day) - 1;
	if (day < start_day)
		day = start_day;
	for (int64_t n = 0; n < SEARCH_DAYS; n++, day++) {
		if (r->has_end && day > end_day)
			return 0;
		rs_civil_from_days(day, &y, &m, &d);
		if (!day_matches(r, day, start_day, y, m, d))
			continue;
		c = r->start;
		c.year = y;
		c.month = m;
		c.day = d;
		if (sched_civil_to_utc(r->tz, &c, &t, e) == -1)
			return -1;
		if (t > after && t >= t0)
			return t;
	}
	return 0;
}
