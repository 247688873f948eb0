/*
 * dtparse.c: text to dates and numbers as VB's CDate and CDbl read them
 * (.NET's DateTime.Parse and Double.Parse for the current culture).  A
 * date is read as tokens: numbers, words (month names and abbreviations,
 * day names, AM/PM in the culture and in English), and a time
 * (h:mm[:ss[.fff]]); the numbers fall into day, month and year by the
 * month name's place, a four-digit year, and else the culture's order of
 * its short date.  Two-digit years follow .NET's window (00-29 are
 * 2000s).  A number may carry the culture's group separators, currency
 * symbol, a sign before or after it, or parentheses.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "expr/expr_int.h"

#define DT_TOKENS	16

struct dtok {
	int	 num;		/* a number, or -1 for a month word */
	int	 digits;
	int	 month;		/* 1..12 for a month word */
};

struct dtscan {
	const struct expr_culture *c;
	struct dtok	 t[DT_TOKENS];
	int		 n;
	int		 h, mi, s, ms;
	bool		 has_time, pm, am;
	int		 month_at;	/* index of the month word, or -1 */
};

/* Length of the word at p (letters, UTF-8 bytes, a trailing '.'). */
static size_t
word_len(const char *p)
{
	size_t		 n = 0;

	while (isalpha((unsigned char)p[n]) || (unsigned char)p[n] >= 0x80)
		n++;
	return n;
}

static bool
word_is(const char *w, size_t n, const char *name)
{
	size_t		 len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--;
	return len > 0 && n == len && strncasecmp(w, name, n) == 0;
}

/* 1..12 for a month name or abbreviation (culture, then English). */
static int
month_word(const struct expr_culture *c, const char *w, size_t n)
{
	const struct expr_culture *en = expr_culture_en();

	for (int pass = 0; pass < 2; pass++) {
		const struct expr_culture *k = pass == 0 ? c : en;
		for (int i = 0; i < 12; i++)
			if (word_is(w, n, k->months[i]) ||
			    word_is(w, n, k->months_gen[i]) ||
			    word_is(w, n, k->months_abbr[i]) ||
			    (n == 4 && i == 8 && strncasecmp(w, "Sept", 4) == 0))
				return i + 1;
	}
	return 0;
}

static bool
day_word(const struct expr_culture *c, const char *w, size_t n)
{
	const struct expr_culture *en = expr_culture_en();

	for (int pass = 0; pass < 2; pass++) {
		const struct expr_culture *k = pass == 0 ? c : en;
		for (int i = 0; i < 7; i++)
			if (word_is(w, n, k->days[i]) ||
			    word_is(w, n, k->days_abbr[i]))
				return true;
	}
	return false;
}

/* h:mm[:ss[.fff]] at p; returns the characters used, 0 if none. */
static size_t
scan_time(struct dtscan *d, const char *p)
{
	const char	*q = p;
	int		 v[3] = { 0, 0, 0 }, k = 0, frac = 0, fd = 0;

	while (k < 3) {
		int x = 0, nd = 0;
		while (isdigit((unsigned char)*q) && nd < 3) {
			x = x * 10 + (*q++ - '0');
			nd++;
		}
		if (nd == 0 || nd > 2)
			return 0;
		v[k++] = x;
		if (*q != ':' || !isdigit((unsigned char)q[1]))
			break;
		q++;
	}
	if (k < 2)
		return 0;
	if (k == 3 && (*q == '.' || *q == ',') && isdigit((unsigned char)q[1]))
		for (q++; isdigit((unsigned char)*q); q++, fd++)
			if (fd < 3)
				frac = frac * 10 + (*q - '0');
	while (fd > 0 && fd < 3) {
		frac *= 10;
		fd++;
	}
	d->h = v[0];
	d->mi = v[1];
	d->s = v[2];
	d->ms = frac;
	d->has_time = true;
	return (size_t)(q - p);
}

static bool
ampm(struct dtscan *d, const char *w, size_t n)
{
	const struct expr_culture *c = d->c;

	if (word_is(w, n, "AM") || word_is(w, n, "A") ||
	    (c->am[0] != '\0' && word_is(w, n, c->am))) {
		d->am = true;
		return true;
	}
	if (word_is(w, n, "PM") || word_is(w, n, "P") ||
	    (c->pm[0] != '\0' && word_is(w, n, c->pm))) {
		d->pm = true;
		return true;
	}
	return false;
}

static bool
add_token(struct dtscan *d, int num, int digits, int month)
{
	if (d->n == DT_TOKENS)
		return false;
	d->t[d->n].num = num;
	d->t[d->n].digits = digits;
	d->t[d->n].month = month;
	d->n++;
	return true;
}

/* A word at p: a month, a day name (ignored), AM/PM, T; else false. */
static bool
scan_word(struct dtscan *d, const char *p, size_t n)
{
	int		 m = month_word(d->c, p, n);

	if (m > 0) {
		if (d->month_at >= 0)
			return false;
		d->month_at = d->n;
		return add_token(d, -1, 0, m);
	}
	if (day_word(d->c, p, n) || ampm(d, p, n))
		return true;
	return n == 1 && (*p == 'T' || *p == 't');
}

static bool
scan(struct dtscan *d, const char *s)
{
	const char	*p = s;
	size_t		 n;

	while (*p != '\0') {
		if (isdigit((unsigned char)*p)) {
			if (!d->has_time && (n = scan_time(d, p)) > 0) {
				p += n;
				continue;
			}
			int x = 0, nd = 0;
			while (isdigit((unsigned char)*p)) {
				if (++nd > 4)
					return false;
				x = x * 10 + (*p++ - '0');
			}
			if (!add_token(d, x, nd, 0))
				return false;
			/* 14th, 1st, 2nd: English ordinals */
			if (strncasecmp(p, "st", 2) == 0 || strncasecmp(p, "nd", 2)
			    == 0 || strncasecmp(p, "rd", 2) == 0 ||
			    strncasecmp(p, "th", 2) == 0)
				if (!isalpha((unsigned char)p[2]))
					p += 2;
			continue;
		}
		if ((n = word_len(p)) > 0) {
			if (!scan_word(d, p, n))
				return false;
			p += n;
			if (*p == '.')
				p++;
			continue;
		}
		if (strchr(" \t,/-.\r\n", *p) == NULL && *p != 'Z')
			return false;
		p++;
	}
	return true;
}

static int
full_year(const struct dtok *t)
{
	if (t->digits <= 2)
		return t->num < 30 ? 2000 + t->num : 1900 + t->num;
	return t->num;
}

static int
this_year(void)
{
	int		 y, mo, d, h, mi, s, ms;

	expr_dt_split(expr_dt_now(), &y, &mo, &d, &h, &mi, &s, &ms);
	return y;
}

/* Day, month, year from the numbers around a month word. */
static bool
with_month(const struct dtscan *d, int *y, int *mo, int *day)
{
	const struct dtok *nums[2];
	int		 k = 0;

	for (int i = 0; i < d->n; i++)
		if (d->t[i].num >= 0) {
			if (k == 2)
				return false;
			nums[k++] = &d->t[i];
		}
	*mo = d->t[d->month_at].month;
	if (k == 0)
		return false;
	if (k == 1) {
		if (nums[0]->digits >= 3 || nums[0]->num > 31) {
			*y = nums[0]->num;
			*day = 1;
		} else {
			*day = nums[0]->num;
			*y = this_year();
		}
		return true;
	}
	if (nums[0]->digits >= 3 || nums[0]->num > 31) {	/* 2020 Jan 14 */
		*y = nums[0]->num;
		*day = nums[1]->num;
	} else {
		*day = nums[0]->num;
		*y = full_year(nums[1]);
	}
	return true;
}

/* Three numbers: a four-digit first is year-month-day, else culture. */
static bool
numbers_only(const struct dtscan *d, int *y, int *mo, int *day)
{
	const struct expr_culture *c = d->c;

	if (d->n == 2) {	/* day and month of this year */
		*y = this_year();
		*mo = c->dmy ? d->t[1].num : d->t[0].num;
		*day = c->dmy ? d->t[0].num : d->t[1].num;
		return true;
	}
	if (d->n != 3)
		return false;
	if (d->t[0].digits >= 3 || c->ymd) {
		*y = full_year(&d->t[0]);
		*mo = d->t[1].num;
		*day = d->t[2].num;
	} else if (c->dmy) {
		*day = d->t[0].num;
		*mo = d->t[1].num;
		*y = full_year(&d->t[2]);
	} else {
		*mo = d->t[0].num;
		*day = d->t[1].num;
		*y = full_year(&d->t[2]);
	}
	return true;
}

static bool
valid(int y, int mo, int d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1])
		return false;
	return mo != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0));
}

bool
expr_dt_parse_culture(const char *s, const struct expr_culture *c,
    int64_t *dt)
{
	struct dtscan	 d = { .c = c != NULL ? c : expr_culture_en(),
	    .month_at = -1 };
	int		 y = 0, mo = 0, day = 0;
	int64_t		 today;

	if (strlen(s) > 128 || !scan(&d, s))
		return false;
	if (d.am || d.pm) {
		if (!d.has_time || d.h < 1 || d.h > 12)
			return false;
		d.h = d.h % 12 + (d.pm ? 12 : 0);
	}
	if (d.has_time && (d.h > 23 || d.mi > 59 || d.s > 59))
		return false;
	if (d.n == 0 && d.has_time) {
		today = expr_dt_now();
		today -= ((today % 86400000LL) + 86400000LL) % 86400000LL;
		*dt = today + ((d.h * 60 + d.mi) * 60 + d.s) * 1000LL + d.ms;
		return true;
	}
	if (!(d.month_at >= 0 ? with_month(&d, &y, &mo, &day) :
	    numbers_only(&d, &y, &mo, &day)) || !valid(y, mo, day))
		return false;
	*dt = expr_dt_make(y, mo, day, d.h, d.mi, d.s, d.ms);
	return true;
}

/* Removes every occurrence of sym (UTF-8) from s, in place. */
static void
strip(char *s, const char *sym)
{
	size_t		 n = strlen(sym);
	char		*p;

	if (n == 0)
		return;
	while ((p = strstr(s, sym)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
}

bool
expr_num_parse_culture(const char *s, const struct expr_culture *c,
    double *out)
{
	char		 tmp[128], *p, *end;
	bool		 neg = false;
	size_t		 n;

	if (c == NULL)
		c = expr_culture_en();
	if (strlen(s) >= sizeof(tmp))
		return false;
	snprintf(tmp, sizeof(tmp), "%s", s);
	/* A group separator after the decimal one is not a number. */
	if (c->group[0] != '\0' && (p = strstr(tmp, c->decimal)) != NULL &&
	    strstr(p, c->group) != NULL)
		return false;
	strip(tmp, "\xC2\xA0");		/* no-break spaces */
	strip(tmp, "\xE2\x80\xAF");
	strip(tmp, c->currency);
	strip(tmp, c->group);
	p = str_trim(tmp);
	n = strlen(p);
	if (n >= 2 && p[0] == '(' && p[n - 1] == ')') {
		neg = true;
		p[n - 1] = '\0';
		p = str_trim(p + 1);
	}
	n = strlen(p);
	if (n > 0 && (p[n - 1] == '-' || p[n - 1] == '+')) {
		neg = p[n - 1] == '-';
		p[n - 1] = '\0';
		p = str_trim(p);
	}
	if (strcmp(c->decimal, ".") != 0) {
		char *d = strstr(p, c->decimal);
		if (strchr(p, '.') != NULL)
			return false;
		if (d != NULL) {
			*d = '.';
			memmove(d + 1, d + strlen(c->decimal),
			    strlen(d + strlen(c->decimal)) + 1);
		}
	}
	if (*p == '\0')
		return false;
	errno = 0;
	*out = strtod(p, &end);
	if (end == p || *str_trim(end) != '\0' || errno == ERANGE)
		return false;
	if (neg)
		*out = -*out;
	return true;
}
