/*
 * netfunc.c: the .NET Framework static members that report expressions
 * and Code blocks call by their dotted names: System.Math (Round with
 * digits and MidpointRounding, Floor, Ceiling, Sqrt, Pow, Max, Min, Log
 * ...), String (Format with {0:N2} items, IsNullOrEmpty, Join, Concat,
 * Compare), Convert (ToInt32 with a base, ToDouble, ToString ...),
 * DateTime and Date (Now, Today, Parse, DaysInMonth, New DateTime),
 * TimeSpan (FromMilliseconds ..., New TimeSpan), CultureInfo (a culture
 * is its name: "de-DE"), Integer.Parse and Double.Parse, Char tests, and
 * New Exception (its message).  Names that are only another name for a
 * Visual Basic function (Math.Abs is Abs) point at that function.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "expr/expr_int.h"

#define ARGS	struct expr_value *a, size_t na, struct expr_env *env, \
		    struct expr_value *out, struct rs_err *e
#define UNUSED	(void)a; (void)na; (void)env; (void)e

static int
num(const struct expr_value *v, const struct expr_env *env, double *d,
    struct rs_err *e)
{
	return expr_to_double_c(v, env->culture, d, e);
}

static int
ret_float(struct expr_value *out, double d)
{
	out->type = EXPR_T_FLOAT;
	out->u.f = d;
	return 0;
}

/* Math.Round(x[, digits[, MidpointRounding]]): to even by default. */
static int
fn_round(ARGS)
{
	double		 x, m, r;
	int64_t		 digits = 0, mode = 0;
	char		 tmp[40];

	UNUSED;
	if (num(&a[0], env, &x, e) == -1 ||
	    (na > 1 && expr_to_int(&a[1], &digits, e) == -1) ||
	    (na > 2 && expr_to_int(&a[2], &mode, e) == -1))
		return -1;
	if (digits < 0 || digits > 15)
		return rs_err_set(e, RS_E_BADINPUT, "Math.Round: digits must be "
		    "0 to 15");
	m = pow(10, (double)digits);
	r = x * m;
	/* Decide the midpoint on the value printed to 15 digits, as .NET
	 * Framework does, so 2.675 * 100 rounds as 267.5. */
	snprintf(tmp, sizeof(tmp), "%.15g", r);
	r = strtod(tmp, NULL);
	r = mode == 1 ? round(r) : nearbyint(r);
	if (a[0].type == EXPR_T_INT && digits == 0) {
		out->type = EXPR_T_INT;
		out->u.i = a[0].u.i;
		return 0;
	}
	return ret_float(out, r / m);
}

static int
math1(struct expr_value *a, struct expr_env *env, double (*f)(double),
    struct expr_value *out, struct rs_err *e)
{
	double		 x;

	if (num(&a[0], env, &x, e) == -1)
		return -1;
	return ret_float(out, f(x));
}

static int fn_ceiling(ARGS) { UNUSED; return math1(a, env, ceil, out, e); }
static int fn_floor(ARGS) { UNUSED; return math1(a, env, floor, out, e); }
static int fn_sqrt(ARGS) { UNUSED; return math1(a, env, sqrt, out, e); }
static int fn_exp(ARGS) { UNUSED; return math1(a, env, exp, out, e); }
static int fn_log10(ARGS) { UNUSED; return math1(a, env, log10, out, e); }
static int fn_sin(ARGS) { UNUSED; return math1(a, env, sin, out, e); }
static int fn_cos(ARGS) { UNUSED; return math1(a, env, cos, out, e); }
static int fn_tan(ARGS) { UNUSED; return math1(a, env, tan, out, e); }
static int fn_asin(ARGS) { UNUSED; return math1(a, env, asin, out, e); }
static int fn_acos(ARGS) { UNUSED; return math1(a, env, acos, out, e); }
static int fn_atan(ARGS) { UNUSED; return math1(a, env, atan, out, e); }

static int
fn_log(ARGS)
{
	double		 x, b;

	UNUSED;
	if (num(&a[0], env, &x, e) == -1)
		return -1;
	if (na < 2)
		return ret_float(out, log(x));
	if (num(&a[1], env, &b, e) == -1)
		return -1;
	return ret_float(out, log(x) / log(b));
}

static int
fn_pow(ARGS)
{
	double		 x, y;

	UNUSED;
	if (num(&a[0], env, &x, e) == -1 || num(&a[1], env, &y, e) == -1)
		return -1;
	return ret_float(out, pow(x, y));
}

static int
fn_atan2(ARGS)
{
	double		 x, y;

	UNUSED;
	if (num(&a[0], env, &y, e) == -1 || num(&a[1], env, &x, e) == -1)
		return -1;
	return ret_float(out, atan2(y, x));
}

/* Math.Max and Math.Min keep integers integers. */
static int
minmax(struct expr_value *a, struct expr_env *env, bool max,
    struct expr_value *out, struct rs_err *e)
{
	double		 x, y;

	if (a[0].type == EXPR_T_INT && a[1].type == EXPR_T_INT) {
		out->type = EXPR_T_INT;
		out->u.i = (a[0].u.i > a[1].u.i) == max ? a[0].u.i : a[1].u.i;
		return 0;
	}
	if (num(&a[0], env, &x, e) == -1 || num(&a[1], env, &y, e) == -1)
		return -1;
	return ret_float(out, (x > y) == max ? x : y);
}

static int fn_max(ARGS) { UNUSED; return minmax(a, env, true, out, e); }
static int fn_min(ARGS) { UNUSED; return minmax(a, env, false, out, e); }
static int fn_pi(ARGS) { UNUSED; return ret_float(out, M_PI); }
static int fn_e(ARGS) { UNUSED; return ret_float(out, M_E); }

/* One {index[,alignment][:format]} item of a composite format. */
static const char *
format_item(const char *p, struct expr_value *a, size_t na,
    struct expr_env *env, struct buf *b, struct rs_err *e)
{
	char		*end, fmt[128];
	long		 idx, align = 0;
	size_t		 j = 0, start = b->len;

	idx = strtol(p, &end, 10);
	if (end == p || idx < 0 || (size_t)idx + 1 >= na) {
		rs_err_set(e, RS_E_BADINPUT, "String.Format: the item {%.10s "
		    "names no argument", p);
		return NULL;
	}
	p = end;
	if (*p == ',') {
		align = strtol(p + 1, &end, 10);
		p = end;
	}
	if (*p == ':')
		for (p++; *p != '\0' && *p != '}' && j + 1 < sizeof(fmt); p++)
			fmt[j++] = *p;
	fmt[j] = '\0';
	if (*p != '}') {
		rs_err_set(e, RS_E_BADINPUT, "String.Format: an item is not "
		    "closed with }");
		return NULL;
	}
	if (expr_format_culture(&a[idx + 1], fmt, env->culture, b, e) == -1)
		return NULL;
	if (align > 0 && align < 1000 && b->len - start < (size_t)align) {
		size_t pad = (size_t)align - (b->len - start);
		char *text = xstrdup(b->data + start);
		b->len = start;
		b->data[start] = '\0';
		for (size_t i = 0; i < pad; i++)
			buf_puts(b, " ", NULL);
		buf_puts(b, text, NULL);
		free(text);
	} else if (align < 0 && align > -1000)
		while (b->len - start < (size_t)-align)
			buf_puts(b, " ", NULL);
	return p + 1;
}

static int
fn_string_format(ARGS)
{
	struct buf	 f, b;
	const char	*p;

	UNUSED;
	if (expr_text_of(&a[0], &f, e) == -1)
		return -1;
	buf_init(&b, EXPR_STRING_MAX);
	for (p = f.data; *p != '\0';) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			buf_append(&b, p, 1, NULL);
			p += 2;
		} else if (*p == '{') {
			p = format_item(p + 1, a, na, env, &b, e);
			if (p == NULL) {
				buf_fini(&f);
				buf_fini(&b);
				return -1;
			}
		} else
			buf_append(&b, p++, 1, NULL);
	}
	buf_fini(&f);
	return expr_ret_buf(out, &b);
}

static int
fn_isnullorempty(ARGS)
{
	UNUSED;
	out->type = EXPR_T_BOOL;
	out->u.b = a[0].type == EXPR_T_NULL || (a[0].type == EXPR_T_STRING &&
	    a[0].u.s[0] == '\0');
	return 0;
}

static int
fn_isnullorwhitespace(ARGS)
{
	UNUSED;
	out->type = EXPR_T_BOOL;
	out->u.b = a[0].type == EXPR_T_NULL || (a[0].type == EXPR_T_STRING &&
	    a[0].u.s[strspn(a[0].u.s, " \t\r\n\v\f")] == '\0');
	return 0;
}

static int
fn_concat(ARGS)
{
	struct buf	 b;

	UNUSED;
	buf_init(&b, EXPR_STRING_MAX);
	for (size_t i = 0; i < na; i++)
		if (expr_value_text_c(&a[i], env->culture, &b, e) == -1) {
			buf_fini(&b);
			return -1;
		}
	return expr_ret_buf(out, &b);
}

/* String.Join(separator, array) or String.Join(separator, a, b, ...) */
static int
fn_string_join(ARGS)
{
	struct buf	 b;
	const struct expr_value *v = &a[1];
	size_t		 n = na - 1;

	UNUSED;
	if (na == 2 && a[1].type == EXPR_T_ARRAY) {
		v = a[1].u.a->v;
		n = a[1].u.a->n;
	}
	buf_init(&b, EXPR_STRING_MAX);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			expr_value_text(&a[0], &b, NULL);
		expr_value_text_c(&v[i], env->culture, &b, NULL);
	}
	return expr_ret_buf(out, &b);
}

static int
fn_string_compare(ARGS)
{
	struct buf	 x, y;
	int		 c;

	UNUSED;
	if (expr_text_of(&a[0], &x, e) == -1)
		return -1;
	if (expr_text_of(&a[1], &y, e) == -1) {
		buf_fini(&x);
		return -1;
	}
	c = na > 2 && expr_value_truthy(&a[2]) ? strcasecmp(x.data, y.data) :
	    strcmp(x.data, y.data);
	out->type = EXPR_T_INT;
	out->u.i = (c > 0) - (c < 0);
	buf_fini(&x);
	buf_fini(&y);
	return 0;
}

/* New String(c, n): the character c n times. */
static int
fn_string_new(ARGS)
{
	struct buf	 c, b;
	int64_t		 n;
	size_t		 len = 1;

	UNUSED;
	if (expr_to_int(&a[1], &n, e) == -1)
		return -1;
	if (n < 0 || n > 100000)
		return rs_err_set(e, RS_E_BADINPUT, "New String: count out of "
		    "range");
	if (expr_text_of(&a[0], &c, e) == -1)
		return -1;
	while (len < c.len && (c.data[len] & 0xC0) == 0x80)
		len++;
	buf_init(&b, EXPR_STRING_MAX);
	for (int64_t i = 0; i < n && c.len > 0; i++)
		buf_append(&b, c.data, len, NULL);
	buf_fini(&c);
	return expr_ret_buf(out, &b);
}

/* Convert.ToInt32(x) rounds as CInt; Convert.ToInt32("ff", 16) parses. */
static int
fn_toint(ARGS)
{
	int64_t		 base;
	char		*end;
	struct buf	 s;

	UNUSED;
	out->type = EXPR_T_INT;
	if (na < 2)
		return expr_to_int_c(&a[0], env->culture, &out->u.i, e);
	if (expr_to_int(&a[1], &base, e) == -1)
		return -1;
	if (base != 2 && base != 8 && base != 10 && base != 16)
		return rs_err_set(e, RS_E_BADINPUT, "Convert.ToInt32: base must "
		    "be 2, 8, 10 or 16");
	if (expr_text_of(&a[0], &s, e) == -1)
		return -1;
	errno = 0;
	out->u.i = strtoll(str_trim(s.data), &end, (int)base);
	if (end == s.data || *end != '\0' || errno == ERANGE ||
	    s.data[0] == '\0') {
		rs_err_set(e, RS_E_BADINPUT, "Convert.ToInt32: \"%.40s\" is not "
		    "a number in base %d", s.data, (int)base);
		buf_fini(&s);
		return -1;
	}
	buf_fini(&s);
	return 0;
}

static int
fn_tostring(ARGS)
{
	struct buf	 b;
	int64_t		 base, n;
	char		 tmp[72];
	int		 i = 70;

	UNUSED;
	if (na > 1 && (a[0].type == EXPR_T_INT) && a[1].type == EXPR_T_INT) {
		base = a[1].u.i;
		if (base != 2 && base != 8 && base != 10 && base != 16)
			return rs_err_set(e, RS_E_BADINPUT, "Convert.ToString: "
			    "base must be 2, 8, 10 or 16");
		n = a[0].u.i;
		tmp[71] = '\0';
		uint64_t u = (uint64_t)n;
		do {
			tmp[i--] = "0123456789abcdef"[u % (uint64_t)base];
			u /= (uint64_t)base;
		} while (u > 0 && i >= 0);
		expr_value_str(out, tmp + i + 1);
		return 0;
	}
	buf_init(&b, EXPR_STRING_MAX);
	if (expr_value_text_c(&a[0], env->culture, &b, e) == -1) {
		buf_fini(&b);
		return -1;
	}
	return expr_ret_buf(out, &b);
}

static int
fn_parse_int(ARGS)
{
	double		 d;

	UNUSED;
	if (a[0].type != EXPR_T_STRING ||
	    !expr_num_parse_culture(a[0].u.s, env->culture, &d) ||
	    d != trunc(d) || d < -9.2e18 || d > 9.2e18)
		return rs_err_set(e, RS_E_BADINPUT, "Integer.Parse: the input "
		    "string was not in a correct format");
	out->type = EXPR_T_INT;
	out->u.i = (int64_t)d;
	return 0;
}

static int
fn_parse_double(ARGS)
{
	UNUSED;
	if (a[0].type != EXPR_T_STRING)
		return rs_err_set(e, RS_E_BADINPUT, "Double.Parse needs a "
		    "string");
	out->type = EXPR_T_FLOAT;
	return expr_to_double_c(&a[0], env->culture, &out->u.f, e);
}

static int
fn_parse_bool(ARGS)
{
	UNUSED;
	if (a[0].type != EXPR_T_STRING || (strcasecmp(str_trim(a[0].u.s),
	    "true") != 0 && strcasecmp(a[0].u.s, "false") != 0))
		return rs_err_set(e, RS_E_BADINPUT, "Boolean.Parse: the string "
		    "is not True or False");
	out->type = EXPR_T_BOOL;
	out->u.b = strcasecmp(a[0].u.s, "true") == 0;
	return 0;
}

/* DateTime.Parse(s[, culture]) */
static int
fn_dt_parse(ARGS)
{
	struct expr_culture *c = NULL;
	int		 rv;

	UNUSED;
	out->type = EXPR_T_DATETIME;
	if (na < 2 || a[1].type != EXPR_T_STRING || a[1].u.s[0] == '\0')
		return expr_to_datetime_c(&a[0], env->culture, &out->u.dt, e);
	c = expr_culture_new(a[1].u.s, e);
	if (c == NULL && e->code != RS_E_OK)
		return -1;
	rv = expr_to_datetime_c(&a[0], c, &out->u.dt, e);
	expr_culture_free(c);
	return rv;
}

static bool
leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
fn_daysinmonth(ARGS)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };
	int64_t		 y, m;

	UNUSED;
	if (expr_to_int(&a[0], &y, e) == -1 || expr_to_int(&a[1], &m, e) == -1)
		return -1;
	if (m < 1 || m > 12 || y < 1 || y > 9999)
		return rs_err_set(e, RS_E_BADINPUT, "DateTime.DaysInMonth: month "
		    "or year out of range");
	out->type = EXPR_T_INT;
	out->u.i = md[m - 1] + (m == 2 && leap(y));
	return 0;
}

static int
fn_isleapyear(ARGS)
{
	int64_t		 y;

	UNUSED;
	if (expr_to_int(&a[0], &y, e) == -1)
		return -1;
	out->type = EXPR_T_BOOL;
	out->u.b = leap(y);
	return 0;
}

/* New DateTime(y, m, d[, h, mi, s[, ms]]) */
static int
fn_dt_new(ARGS)
{
	int64_t		 v[7] = { 1, 1, 1, 0, 0, 0, 0 };
	static const int md[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	UNUSED;
	if (na != 3 && na != 6 && na != 7)
		return rs_err_set(e, RS_E_BADINPUT, "New DateTime takes year, "
		    "month, day[, hour, minute, second[, millisecond]]");
	for (size_t i = 0; i < na; i++)
		if (expr_to_int(&a[i], &v[i], e) == -1)
			return -1;
	if (v[0] < 1 || v[0] > 9999 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > md[v[1] - 1] || (v[1] == 2 && v[2] == 29 && !leap(v[0])) ||
	    v[3] < 0 || v[3] > 23 || v[4] < 0 || v[4] > 59 || v[5] < 0 ||
	    v[5] > 59 || v[6] < 0 || v[6] > 999)
		return rs_err_set(e, RS_E_BADINPUT, "New DateTime: the date "
		    "%lld-%lld-%lld is not valid", (long long)v[0],
		    (long long)v[1], (long long)v[2]);
	out->type = EXPR_T_DATETIME;
	out->u.dt = expr_dt_make((int)v[0], (int)v[1], (int)v[2], (int)v[3],
	    (int)v[4], (int)v[5], (int)v[6]);
	return 0;
}

static int
fn_dt_min(ARGS)
{
	UNUSED;
	out->type = EXPR_T_DATETIME;
	out->u.dt = expr_dt_make(1, 1, 1, 0, 0, 0, 0);
	return 0;
}

static int
fn_dt_max(ARGS)
{
	UNUSED;
	out->type = EXPR_T_DATETIME;
	out->u.dt = expr_dt_make(9999, 12, 31, 23, 59, 59, 999);
	return 0;
}

static int
fn_dt_compare(ARGS)
{
	int64_t		 x, y;

	UNUSED;
	if (expr_to_datetime(&a[0], &x, e) == -1 ||
	    expr_to_datetime(&a[1], &y, e) == -1)
		return -1;
	out->type = EXPR_T_INT;
	out->u.i = (x > y) - (x < y);
	return 0;
}

static int
timespan(struct expr_value *a, struct expr_env *env, double ticks,
    struct expr_value *out, struct rs_err *e)
{
	double		 x;

	if (num(&a[0], env, &x, e) == -1)
		return -1;
	x *= ticks;
	if (!(x > -9.2e18 && x < 9.2e18))
		return rs_err_set(e, RS_E_BADINPUT, "TimeSpan overflowed");
	out->type = EXPR_T_TIMESPAN;
	out->u.ts = (int64_t)llround(x);
	return 0;
}

/* .NET Framework rounds FromMilliseconds and friends to whole ms. */
static int
timespan_ms(struct expr_value *a, struct expr_env *env, double ms,
    struct expr_value *out, struct rs_err *e)
{
	double		 x;

	if (num(&a[0], env, &x, e) == -1)
		return -1;
	x = round(x * ms);
	if (!(x > -9.2e14 && x < 9.2e14))
		return rs_err_set(e, RS_E_BADINPUT, "TimeSpan overflowed");
	out->type = EXPR_T_TIMESPAN;
	out->u.ts = (int64_t)x * 10000;
	return 0;
}

static int fn_ts_ms(ARGS) { UNUSED; return timespan_ms(a, env, 1, out, e); }
static int fn_ts_s(ARGS) { UNUSED; return timespan_ms(a, env, 1e3, out, e); }
static int fn_ts_min(ARGS) { UNUSED; return timespan_ms(a, env, 6e4, out, e); }
static int fn_ts_h(ARGS) { UNUSED; return timespan_ms(a, env, 3.6e6, out, e); }
static int fn_ts_d(ARGS) { UNUSED; return timespan_ms(a, env, 8.64e7, out, e); }
static int fn_ts_ticks(ARGS) { UNUSED; return timespan(a, env, 1, out, e); }

static int
fn_ts_zero(ARGS)
{
	UNUSED;
	out->type = EXPR_T_TIMESPAN;
	out->u.ts = 0;
	return 0;
}

/* New TimeSpan(ticks | h, m, s | d, h, m, s[, ms]) */
static int
fn_ts_new(ARGS)
{
	int64_t		 v[5] = { 0, 0, 0, 0, 0 }, off = na == 3 ? 1 : 0;

	UNUSED;
	if (na == 1)
		return fn_ts_ticks(a, na, env, out, e);
	if (na < 3)
		return rs_err_set(e, RS_E_BADINPUT, "New TimeSpan takes ticks, "
		    "or hours, minutes, seconds, or days, hours, minutes, "
		    "seconds[, milliseconds]");
	for (size_t i = 0; i < na; i++) {
		if (expr_to_int(&a[i], &v[i + (size_t)off], e) == -1)
			return -1;
		if (v[i + (size_t)off] < -10675199 ||
		    v[i + (size_t)off] > 10675199)
			return rs_err_set(e, RS_E_BADINPUT, "New TimeSpan: out "
			    "of range");
	}
	out->type = EXPR_T_TIMESPAN;
	out->u.ts = ((((v[0] * 24 + v[1]) * 60 + v[2]) * 60 + v[3]) * 1000 +
	    v[4]) * 10000;
	return 0;
}

/* A culture is its name; formats load it when they use it. */
static int
fn_culture(ARGS)
{
	struct buf	 b;

	UNUSED;
	return expr_text_of(&a[0], &b, e) == -1 ? -1 : expr_ret_buf(out, &b);
}

static int
fn_culture_current(ARGS)
{
	UNUSED;
	expr_value_str(out, expr_culture_name(env->culture));
	return 0;
}

static int
fn_culture_invariant(ARGS)
{
	UNUSED;
	expr_value_str(out, "");
	return 0;
}

static int
fn_exception(ARGS)
{
	struct buf	 b;

	UNUSED;
	if (na == 0) {
		expr_value_str(out, "Exception of type 'System.Exception' was "
		    "thrown.");
		return 0;
	}
	return expr_text_of(&a[0], &b, e) == -1 ? -1 : expr_ret_buf(out, &b);
}

static int
char_test(struct expr_value *a, int (*f)(int), struct expr_value *out)
{
	out->type = EXPR_T_BOOL;
	out->u.b = a[0].type == EXPR_T_STRING && a[0].u.s[0] != '\0' &&
	    (unsigned char)a[0].u.s[0] < 0x80 &&
	    f((unsigned char)a[0].u.s[0]) != 0;
	return 0;
}

static int fn_isdigit(ARGS) { UNUSED; return char_test(a, isdigit, out); }
static int fn_isletter(ARGS) { UNUSED; return char_test(a, isalpha, out); }
static int fn_isspace(ARGS) { UNUSED; return char_test(a, isspace, out); }
static int fn_isupper(ARGS) { UNUSED; return char_test(a, isupper, out); }
static int fn_islower(ARGS) { UNUSED; return char_test(a, islower, out); }

static const struct expr_func netfuncs[] = {
	{ "Math.Round", 1, 3, fn_round, NULL },
	{ "Math.Ceiling", 1, 1, fn_ceiling, NULL },
	{ "Math.Floor", 1, 1, fn_floor, NULL },
	{ "Math.Sqrt", 1, 1, fn_sqrt, NULL },
	{ "Math.Pow", 2, 2, fn_pow, NULL },
	{ "Math.Exp", 1, 1, fn_exp, NULL },
	{ "Math.Log", 1, 2, fn_log, NULL },
	{ "Math.Log10", 1, 1, fn_log10, NULL },
	{ "Math.Sin", 1, 1, fn_sin, NULL },
	{ "Math.Cos", 1, 1, fn_cos, NULL },
	{ "Math.Tan", 1, 1, fn_tan, NULL },
	{ "Math.Asin", 1, 1, fn_asin, NULL },
	{ "Math.Acos", 1, 1, fn_acos, NULL },
	{ "Math.Atan", 1, 1, fn_atan, NULL },
	{ "Math.Atan2", 2, 2, fn_atan2, NULL },
	{ "Math.Max", 2, 2, fn_max, NULL },
	{ "Math.Min", 2, 2, fn_min, NULL },
	{ "Math.PI", 0, 0, fn_pi, NULL },
	{ "Math.E", 0, 0, fn_e, NULL },
	{ "String.Format", 1, 17, fn_string_format, NULL },
	{ "String.IsNullOrEmpty", 1, 1, fn_isnullorempty, NULL },
	{ "String.IsNullOrWhiteSpace", 1, 1, fn_isnullorwhitespace, NULL },
	{ "String.Concat", 1, 16, fn_concat, NULL },
	{ "String.Join", 2, 64, fn_string_join, NULL },
	{ "String.Compare", 2, 3, fn_string_compare, NULL },
	{ "String.New", 2, 2, fn_string_new, NULL },
	{ "Convert.ToInt32", 1, 2, fn_toint, NULL },
	{ "Convert.ToInt16", 1, 2, fn_toint, NULL },
	{ "Convert.ToInt64", 1, 2, fn_toint, NULL },
	{ "Convert.ToByte", 1, 2, fn_toint, NULL },
	{ "Convert.ToString", 1, 2, fn_tostring, NULL },
	{ "Integer.Parse", 1, 2, fn_parse_int, NULL },
	{ "Int32.Parse", 1, 2, fn_parse_int, NULL },
	{ "Int64.Parse", 1, 2, fn_parse_int, NULL },
	{ "Long.Parse", 1, 2, fn_parse_int, NULL },
	{ "Double.Parse", 1, 2, fn_parse_double, NULL },
	{ "Decimal.Parse", 1, 2, fn_parse_double, NULL },
	{ "Single.Parse", 1, 2, fn_parse_double, NULL },
	{ "Boolean.Parse", 1, 1, fn_parse_bool, NULL },
	{ "DateTime.Parse", 1, 2, fn_dt_parse, NULL },
	{ "Date.Parse", 1, 2, fn_dt_parse, NULL },
	{ "DateTime.DaysInMonth", 2, 2, fn_daysinmonth, NULL },
	{ "DateTime.IsLeapYear", 1, 1, fn_isleapyear, NULL },
	{ "DateTime.New", 3, 7, fn_dt_new, NULL },
	{ "DateTime.MinValue", 0, 0, fn_dt_min, NULL },
	{ "DateTime.MaxValue", 0, 0, fn_dt_max, NULL },
	{ "DateTime.Compare", 2, 2, fn_dt_compare, NULL },
	{ "TimeSpan.FromMilliseconds", 1, 1, fn_ts_ms, NULL },
	{ "TimeSpan.FromSeconds", 1, 1, fn_ts_s, NULL },
	{ "TimeSpan.FromMinutes", 1, 1, fn_ts_min, NULL },
	{ "TimeSpan.FromHours", 1, 1, fn_ts_h, NULL },
	{ "TimeSpan.FromDays", 1, 1, fn_ts_d, NULL },
	{ "TimeSpan.FromTicks", 1, 1, fn_ts_ticks, NULL },
	{ "TimeSpan.Zero", 0, 0, fn_ts_zero, NULL },
	{ "TimeSpan.New", 1, 5, fn_ts_new, NULL },
	{ "CultureInfo.GetCultureInfo", 1, 1, fn_culture, NULL },
	{ "CultureInfo.CreateSpecificCulture", 1, 1, fn_culture, NULL },
	{ "CultureInfo.New", 1, 2, fn_culture, NULL },
	{ "CultureInfo.CurrentCulture", 0, 0, fn_culture_current, NULL },
	{ "CultureInfo.CurrentUICulture", 0, 0, fn_culture_current, NULL },
	{ "CultureInfo.InvariantCulture", 0, 0, fn_culture_invariant, NULL },
	{ "Exception.New", 0, 2, fn_exception, NULL },
	{ "Char.IsDigit", 1, 1, fn_isdigit, NULL },
	{ "Char.IsLetter", 1, 1, fn_isletter, NULL },
	{ "Char.IsWhiteSpace", 1, 1, fn_isspace, NULL },
	{ "Char.IsUpper", 1, 1, fn_isupper, NULL },
	{ "Char.IsLower", 1, 1, fn_islower, NULL },
};

/* .NET names that are only another name for a VB function. */
static const struct {
	const char	*net, *vb;
} aliases[] = {
	{ "Math.Abs", "Abs" }, { "Math.Sign", "Sgn" },
	{ "Math.Truncate", "Fix" }, { "Convert.ToDouble", "CDbl" },
	{ "Convert.ToDecimal", "CDbl" }, { "Convert.ToSingle", "CDbl" },
	{ "Convert.ToBoolean", "CBool" }, { "Convert.ToDateTime", "CDate" },
	{ "DateTime.Now", "Now" }, { "DateTime.Today", "Today" },
	{ "Date.Now", "Now" }, { "Date.Today", "Today" },
	{ "Char.ToUpper", "UCase" }, { "Char.ToLower", "LCase" },
};

const struct expr_func *
expr_netfunc_find(const char *name)
{
	for (size_t i = 0; i < nitems(netfuncs); i++)
		if (strcasecmp(netfuncs[i].name, name) == 0)
			return &netfuncs[i];
	for (size_t i = 0; i < nitems(aliases); i++)
		if (strcasecmp(aliases[i].net, name) == 0)
			return expr_func_find(aliases[i].vb);
	return NULL;
}
