/*
 * value.c: typed values of the expression language: ownership (strings,
 * counted arrays), VB-style conversions (a string "12.5" converts to a
 * number, "14 January 2020" to a date, Nothing to 0), the compare used for
 * sorting and grouping, the default ToString() text in en-US, and the
 * calendar arithmetic behind DateTime (days from the civil date, no time
 * zone, so no dependence on the process's TZ).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/civil.h"
#include "common/xmalloc.h"
#include "common/str.h"
#include "expr/expr_int.h"

static void
array_release(struct expr_array *a)
{
	if (--a->refs > 0)
		return;
	for (size_t i = 0; i < a->n; i++)
		expr_value_fini(&a->v[i]);
	free(a->v);
	free(a);
}

void
expr_value_fini(struct expr_value *v)
{
	if (v->type == EXPR_T_STRING && !v->borrowed)
		free(v->u.s);
	if (v->type == EXPR_T_ARRAY && !v->borrowed)
		array_release(v->u.a);
	v->type = EXPR_T_NULL;
	v->borrowed = false;
}

void
expr_value_copy(struct expr_value *dst, const struct expr_value *src)
{
	*dst = *src;
	if (src->type == EXPR_T_STRING) {
		dst->u.s = xstrdup(src->u.s);
		dst->borrowed = false;
	}
	if (src->type == EXPR_T_ARRAY) {
		src->u.a->refs++;
		dst->borrowed = false;
	}
}

void
expr_value_array(struct expr_value *v, size_t n)
{
	struct expr_array *a = xcalloc(1, sizeof(*a));

	a->refs = 1;
	a->n = a->cap = n;
	a->v = xcalloc(n + 1, sizeof(*a->v));
	v->type = EXPR_T_ARRAY;
	v->borrowed = false;
	v->u.a = a;
}

void
expr_array_push(struct expr_value *av, const struct expr_value *x)
{
	struct expr_array *a = av->u.a;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 8;
		a->v = xreallocarray(a->v, a->cap + 1, sizeof(*a->v));
	}
	expr_value_copy(&a->v[a->n++], x);
}

size_t
expr_value_size(const struct expr_value *v)
{
	size_t		 n = sizeof(*v);

	if (v->type == EXPR_T_STRING && !v->borrowed)
		n += strlen(v->u.s) + 1;
	if (v->type == EXPR_T_ARRAY)
		for (size_t i = 0; i < v->u.a->n; i++)
			n += expr_value_size(&v->u.a->v[i]);
	return n;
}

int
expr_text_of(const struct expr_value *v, struct buf *b, struct rs_err *e)
{
	buf_init(b, EXPR_STRING_MAX);
	if (expr_value_text(v, b, e) == -1) {
		buf_fini(b);
		return -1;
	}
	if (b->data == NULL)
		buf_puts(b, "", NULL);
	return 0;
}

int
expr_ret_buf(struct expr_value *out, struct buf *b)
{
	if (b->data == NULL)
		buf_puts(b, "", NULL);
	expr_value_take_str(out, buf_take(b, NULL));
	return 0;
}

void
expr_value_str(struct expr_value *v, const char *s)
{
	v->type = EXPR_T_STRING;
	v->borrowed = false;
	v->u.s = xstrdup(s);
}

void
expr_value_take_str(struct expr_value *v, char *s)
{
	v->type = EXPR_T_STRING;
	v->borrowed = false;
	v->u.s = s;
}

int64_t
expr_dt_make(int y, int mo, int d, int h, int mi, int s, int ms)
{
	int64_t		 days;

	/* Normalise the month so DateAdd("m", ...) can overflow freely. */
	while (mo > 12) {
		mo -= 12;
		y++;
	}
	while (mo < 1) {
		mo += 12;
		y--;
	}
	days = rs_days_from_civil(y, mo, 1) + d - 1;
	return ((days * 24 + h) * 60 + mi) * 60000LL + s * 1000LL + ms;
}

void
expr_dt_split(int64_t dt, int *y, int *mo, int *d, int *h, int *mi, int *s,
    int *ms)
{
	int64_t		 days = dt / 86400000LL, rem = dt % 86400000LL;

	if (rem < 0) {
		rem += 86400000LL;
		days--;
	}
	rs_civil_from_days(days, y, mo, d);
	*h = (int)(rem / 3600000);
	*mi = (int)(rem / 60000 % 60);
	*s = (int)(rem / 1000 % 60);
	*ms = (int)(rem % 1000);
}

static bool
valid_civil(int y, int mo, int d, int h, int mi, int s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return y >= 1 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
	    d <= mdays[mo - 1] && h >= 0 && h < 24 && mi >= 0 && mi < 60 &&
	    s >= 0 && s < 60;
}

/* Parses "h:mm[:ss[.fff]] [AM|PM]" at p; returns chars used or -1. */
static int
parse_time(const char *p, int *h, int *mi, int *s, int *ms)
{
	int		 n = 0, frac = 0, digits = 0;
	const char	*q;

	*s = *ms = 0;
	if (sscanf(p, "%2d:%2d%n", h, mi, &n) != 2)
		return -1;
	q = p + n;
	if (*q == ':' && isdigit((unsigned char)q[1])) {
		if (sscanf(q, ":%2d%n", s, &n) != 1)
			return -1;
		q += n;
		if (*q == '.') {
			for (q++; isdigit((unsigned char)*q); q++, digits++)
				if (digits < 3)
					frac = frac * 10 + (*q - '0');
			while (digits > 0 && digits < 3) {
				frac *= 10;
				digits++;
			}
			*ms = frac;
		}
	}
	while (*q == ' ')
		q++;
	if (strncasecmp(q, "PM", 2) == 0 || strncasecmp(q, "AM", 2) == 0) {
		if (*h < 1 || *h > 12)
			return -1;
		*h = (*h % 12) + (toupper((unsigned char)*q) == 'P' ? 12 : 0);
		q += 2;
	}
	return (int)(q - p);
}

bool
expr_dt_parse(const char *str, int64_t *dt)
{
	int		 y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0, n = 0;
	int		 t;
	const char	*p;

	while (*str == ' ')
		str++;
	if (sscanf(str, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
		;
	} else if (sscanf(str, "%2d/%2d/%4d%n", &mo, &d, &y, &n) == 3) {
		;
	} else
		return false;
	p = str + n;
	if (*p == 'T' || *p == ' ') {
		while (*p == ' ' || *p == 'T')
			p++;
		if (*p != '\0') {
			t = parse_time(p, &h, &mi, &s, &ms);
			if (t < 0)
				return false;
			p += t;
		}
	}
	if (*p == 'Z')
		p++;
	while (*p == ' ')
		p++;
	if (*p != '\0' || !valid_civil(y, mo, d, h, mi, s))
		return false;
	*dt = expr_dt_make(y, mo, d, h, mi, s, ms);
	return true;
}

int64_t
expr_dt_now(void)
{
	struct timespec	 ts;
	struct tm	 tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	return expr_dt_make(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000000));
}

static int
str_to_double(const char *s, double *out)
{
	char		*end;
	char		 tmp[128];
	size_t		 j = 0;

	/* VB accepts grouping commas and a leading '$' in CDbl("$1,234.5"). */
	for (; *s != '\0' && j + 1 < sizeof(tmp); s++)
		if (*s != ',' && *s != '$')
			tmp[j++] = *s;
	tmp[j] = '\0';
	errno = 0;
	*out = strtod(tmp, &end);
	while (*end == ' ')
		end++;
	if (end == tmp || *end != '\0' || errno == ERANGE)
		return -1;
	return 0;
}

int
expr_to_double(const struct expr_value *v, double *out, struct rs_err *e)
{
	switch (v->type) {
	case EXPR_T_NULL:
		*out = 0;
		return 0;
	case EXPR_T_BOOL:
		*out = v->u.b ? -1 : 0;	/* VB: True is -1 */
		return 0;
	case EXPR_T_INT:
		*out = (double)v->u.i;
		return 0;
	case EXPR_T_FLOAT:
		*out = v->u.f;
		return 0;
	case EXPR_T_STRING:
		if (str_to_double(v->u.s, out) == 0 ||
		    expr_num_parse_culture(v->u.s, NULL, out))
			return 0;
		return rs_err_set(e, RS_E_BADINPUT,
		    "cannot convert string \"%.40s\" to a number", v->u.s);
	case EXPR_T_ARRAY:
		if (v->u.a->n == 1)
			return expr_to_double(&v->u.a->v[0], out, e);
		return rs_err_set(e, RS_E_BADINPUT, "cannot convert an array of "
		    "%zu values to a number; take one element, e.g. "
		    "Parameters!P.Value(0)", v->u.a->n);
	case EXPR_T_TIMESPAN:
		return rs_err_set(e, RS_E_BADINPUT, "cannot convert a TimeSpan "
		    "to a number; use .TotalMilliseconds or .TotalSeconds");
	case EXPR_T_DATETIME:
		break;
	}
	return rs_err_set(e, RS_E_BADINPUT,
	    "cannot convert a date to a number");
}

int
expr_to_double_c(const struct expr_value *v, const struct expr_culture *c,
    double *out, struct rs_err *e)
{
	if (v->type == EXPR_T_STRING && c != NULL) {
		if (expr_num_parse_culture(v->u.s, c, out))
			return 0;
		return rs_err_set(e, RS_E_BADINPUT, "cannot convert string "
		    "\"%.40s\" to a number (culture %s)", v->u.s, c->name);
	}
	return expr_to_double(v, out, e);
}

int
expr_to_int(const struct expr_value *v, int64_t *out, struct rs_err *e)
{
	return expr_to_int_c(v, NULL, out, e);
}

int
expr_to_int_c(const struct expr_value *v, const struct expr_culture *c,
    int64_t *out, struct rs_err *e)
{
	double		 d;

	if (v->type == EXPR_T_INT) {
		*out = v->u.i;
		return 0;
	}
	if (expr_to_double_c(v, c, &d, e) == -1)
		return -1;
	if (!(d > -9.2e18 && d < 9.2e18))
		return rs_err_set(e, RS_E_BADINPUT, "number out of range");
	*out = (int64_t)nearbyint(d);	/* banker's rounding, as CInt */
	return 0;
}

int
expr_to_datetime_c(const struct expr_value *v, const struct expr_culture *c,
    int64_t *out, struct rs_err *e)
{
	if (v->type == EXPR_T_DATETIME) {
		*out = v->u.dt;
		return 0;
	}
	if (v->type == EXPR_T_STRING && ((c == NULL &&
	    expr_dt_parse(v->u.s, out)) || expr_dt_parse_culture(v->u.s, c,
	    out)))
		return 0;
	if (v->type == EXPR_T_NULL) {
		*out = expr_dt_make(1, 1, 1, 0, 0, 0, 0);
		return 0;
	}
	if (v->type == EXPR_T_ARRAY && v->u.a->n == 1)
		return expr_to_datetime_c(&v->u.a->v[0], c, out, e);
	if (v->type == EXPR_T_STRING)
		return rs_err_set(e, RS_E_BADINPUT, "cannot convert string "
		    "\"%.40s\" to a date (culture %s); give a date such as "
		    "2020-01-14 or one the culture writes", v->u.s,
		    expr_culture_name(c));
	return rs_err_set(e, RS_E_BADINPUT, "cannot convert %s to a date",
	    v->type == EXPR_T_BOOL ? "a Boolean" : v->type == EXPR_T_ARRAY ?
	    "an array" : v->type == EXPR_T_TIMESPAN ? "a TimeSpan" :
	    "a number");
}

int
expr_to_datetime(const struct expr_value *v, int64_t *out, struct rs_err *e)
{
	return expr_to_datetime_c(v, NULL, out, e);
}

bool
expr_value_truthy(const struct expr_value *v)
{
	switch (v->type) {
	case EXPR_T_BOOL:
		return v->u.b;
	case EXPR_T_INT:
		return v->u.i != 0;
	case EXPR_T_FLOAT:
		return v->u.f != 0;
	case EXPR_T_STRING:
		return strcasecmp(v->u.s, "true") == 0 ||
		    (strcmp(v->u.s, "0") != 0 && strcasecmp(v->u.s, "false") != 0 &&
		    v->u.s[0] != '\0');
	case EXPR_T_TIMESPAN:
		return v->u.ts != 0;
	case EXPR_T_ARRAY:
		return v->u.a->n == 1 ? expr_value_truthy(&v->u.a->v[0]) :
		    v->u.a->n > 0;
	default:
		return false;
	}
}

static bool
is_number(const struct expr_value *v)
{
	return v->type == EXPR_T_INT || v->type == EXPR_T_FLOAT ||
	    v->type == EXPR_T_BOOL;
}

int
expr_value_cmp(const struct expr_value *a, const struct expr_value *b)
{
	double		 x, y;

	if (a->type == EXPR_T_NULL || b->type == EXPR_T_NULL)
		return (a->type != EXPR_T_NULL) - (b->type != EXPR_T_NULL);
	if (a->type == EXPR_T_INT && b->type == EXPR_T_INT)
		return (a->u.i > b->u.i) - (a->u.i < b->u.i);
	if (is_number(a) && is_number(b)) {
		expr_to_double(a, &x, NULL);
		expr_to_double(b, &y, NULL);
		return (x > y) - (x < y);
	}
	if (a->type == EXPR_T_STRING && b->type == EXPR_T_STRING) {
		int c = strcasecmp(a->u.s, b->u.s);
		return c != 0 ? c : strcmp(a->u.s, b->u.s);
	}
	if (a->type == EXPR_T_DATETIME && b->type == EXPR_T_DATETIME)
		return (a->u.dt > b->u.dt) - (a->u.dt < b->u.dt);
	if (a->type == EXPR_T_TIMESPAN && b->type == EXPR_T_TIMESPAN)
		return (a->u.ts > b->u.ts) - (a->u.ts < b->u.ts);
	if (a->type == EXPR_T_ARRAY && a->u.a->n == 1)
		return expr_value_cmp(&a->u.a->v[0], b);
	if (b->type == EXPR_T_ARRAY && b->u.a->n == 1)
		return expr_value_cmp(a, &b->u.a->v[0]);
	return (int)a->type - (int)b->type;
}

/* .NET Framework's Double.ToString(): 15 significant digits, no zeros. */
static int
double_text(double d, struct buf *b, struct rs_err *e)
{
	char		 tmp[64];

	if (isnan(d))
		return buf_puts(b, "NaN", e);
	if (isinf(d))
		return buf_puts(b, d < 0 ? "-Infinity" : "Infinity", e);
	snprintf(tmp, sizeof(tmp), "%.15G", d);
	if (strcmp(tmp, "-0") == 0)
		return buf_puts(b, "0", e);
	return buf_puts(b, tmp, e);
}

/* Integers are the commonest cells: no printf for them. */
static int
int_text(int64_t i, struct buf *b, struct rs_err *e)
{
	char		 tmp[24], *p = tmp + sizeof(tmp);
	uint64_t	 u = i < 0 ? -(uint64_t)i : (uint64_t)i;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (i < 0)
		*--p = '-';
	return buf_append(b, p, (size_t)(tmp + sizeof(tmp) - p), e);
}

int
expr_value_text(const struct expr_value *v, struct buf *b, struct rs_err *e)
{
	switch (v->type) {
	case EXPR_T_NULL:
		return 0;
	case EXPR_T_BOOL:
		return buf_puts(b, v->u.b ? "True" : "False", e);
	case EXPR_T_INT:
		return int_text(v->u.i, b, e);
	case EXPR_T_FLOAT:
		return double_text(v->u.f, b, e);
	case EXPR_T_STRING:
		return buf_puts(b, v->u.s, e);
	case EXPR_T_DATETIME:
		return expr_format(v, "G", b, e);
	case EXPR_T_TIMESPAN:
		expr_timespan_text(v->u.ts, b);
		return 0;
	case EXPR_T_ARRAY:
		for (size_t i = 0; i < v->u.a->n; i++)
			if ((i > 0 && buf_puts(b, ", ", e) == -1) ||
			    expr_value_text(&v->u.a->v[i], b, e) == -1)
				return -1;
		return 0;
	}
	return 0;
}

void
expr_timespan_text(int64_t t, struct buf *b)
{
	uint64_t	 u = t < 0 ? -(uint64_t)t : (uint64_t)t;
	uint64_t	 days = u / 864000000000ULL, rem = u % 864000000000ULL;

	if (t < 0)
		buf_puts(b, "-", NULL);
	if (days > 0)
		buf_printf(b, NULL, "%llu.", (unsigned long long)days);
	buf_printf(b, NULL, "%02u:%02u:%02u", (unsigned)(rem / 36000000000ULL),
	    (unsigned)(rem / 600000000ULL % 60), (unsigned)(rem / 10000000ULL %
	    60));
	if (rem % 10000000ULL != 0)
		buf_printf(b, NULL, ".%07u", (unsigned)(rem % 10000000ULL));
}

/*
 * The value as a declared type, as VB assigns with Option Strict Off:
 * CInt rounds half to even, a string is parsed, Nothing becomes the
 * type's default (0, False, #1/1/0001#) except for String.
 */
int
expr_convert(struct expr_value *v, enum expr_type to,
    const struct expr_culture *c, struct rs_err *e)
{
	struct expr_value r = { .type = to };
	struct buf	 b;

	if (v->type == to || to == EXPR_T_NULL ||
	    (to == EXPR_T_STRING && v->type == EXPR_T_NULL))
		return 0;
	switch (to) {
	case EXPR_T_BOOL:
		r.u.b = expr_value_truthy(v);
		break;
	case EXPR_T_INT:
		if (expr_to_int_c(v, c, &r.u.i, e) == -1)
			return -1;
		break;
	case EXPR_T_FLOAT:
		if (expr_to_double_c(v, c, &r.u.f, e) == -1)
			return -1;
		break;
	case EXPR_T_DATETIME:
		if (expr_to_datetime_c(v, c, &r.u.dt, e) == -1)
			return -1;
		break;
	case EXPR_T_STRING:
		if (expr_text_of(v, &b, e) == -1)
			return -1;
		expr_ret_buf(&r, &b);
		break;
	case EXPR_T_TIMESPAN:
		if (v->type == EXPR_T_NULL) {
			r.u.ts = 0;
			break;
		}
		return rs_err_set(e, RS_E_BADINPUT, "cannot convert this value "
		    "to a TimeSpan");
	case EXPR_T_ARRAY:
		if (v->type == EXPR_T_NULL)
			return 0;
		return rs_err_set(e, RS_E_BADINPUT, "cannot convert a single "
		    "value to an array");
	default:
		return 0;
	}
	expr_value_fini(v);
	*v = r;
	return 0;
}

int
expr_value_xsd(const struct expr_value *v, struct buf *b, struct rs_err *e)
{
	char		 tmp[64];

	switch (v->type) {
	case EXPR_T_BOOL:
		return buf_puts(b, v->u.b ? "true" : "false", e);
	case EXPR_T_FLOAT:
		if (isfinite(v->u.f)) {
			snprintf(tmp, sizeof(tmp), "%.15g", v->u.f);
			return buf_puts(b, tmp, e);
		}
		return double_text(v->u.f, b, e);
	case EXPR_T_DATETIME:
		return expr_format(v, "yyyy-MM-ddTHH:mm:ss", b, e);
	default:
		return expr_value_text(v, b, e);
	}
}

int
expr_value_text_c(const struct expr_value *v, const struct expr_culture *c,
    struct buf *b, struct rs_err *e)
{
	if (c == NULL || (v->type != EXPR_T_FLOAT &&
	    v->type != EXPR_T_DATETIME))
		return expr_value_text(v, b, e);
	return expr_format_culture(v, NULL, c, b, e);
}
