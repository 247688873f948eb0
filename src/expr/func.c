/*
 * func.c: the built-in functions of the expression subset (VB runtime
 * functions that real RDL files call): decisions (IIf, Switch, Choose,
 * IsNothing), formatting (Format, FormatNumber, FormatCurrency,
 * FormatPercent, FormatDateTime), strings (Left, Right, Mid, Len, Trim,
 * UCase, LCase, Replace, InStr, Join), conversions (CStr, CInt, CDbl,
 * CDate, CBool) and dates (Today, Now, DateAdd, DateDiff, Year, Month, Day,
 * MonthName, ...).  Strings are bytes (UTF-8 is kept intact by Left/Right
 * counting code points).
 */
#include <ctype.h>
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


/* Byte offset of code point n in s (UTF-8), or strlen(s). */
static size_t
cp_offset(const char *s, int64_t n)
{
	size_t		 i = 0;

	while (s[i] != '\0' && n > 0) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		n--;
	}
	return i;
}

static int64_t
cp_len(const char *s)
{
	int64_t		 n = 0;

	for (; *s != '\0'; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int
lazy_iif(const struct expr_node *c, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct expr_value v;
	bool		 t;

	if (expr_eval(c->args[0], env, &v, e) == -1)
		return -1;
	t = expr_value_truthy(&v);
	expr_value_fini(&v);
	return expr_eval(c->args[t ? 1 : 2], env, out, e);
}

static int
lazy_switch(const struct expr_node *c, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct expr_value v;
	size_t		 i;
	bool		 t;

	if (c->nargs % 2 != 0)
		return rs_err_set(e, RS_E_BADINPUT, "Switch needs pairs of "
		    "condition and value");
	for (i = 0; i + 1 < c->nargs; i += 2) {
		if (expr_eval(c->args[i], env, &v, e) == -1)
			return -1;
		t = expr_value_truthy(&v);
		expr_value_fini(&v);
		if (t)
			return expr_eval(c->args[i + 1], env, out, e);
	}
	out->type = EXPR_T_NULL;
	return 0;
}

static int
lazy_choose(const struct expr_node *c, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct expr_value v;
	int64_t		 i;

	if (expr_eval(c->args[0], env, &v, e) == -1)
		return -1;
	if (expr_to_int(&v, &i, e) == -1) {
		expr_value_fini(&v);
		return -1;
	}
	expr_value_fini(&v);
	out->type = EXPR_T_NULL;
	if (i < 1 || (size_t)i >= c->nargs)
		return 0;
	return expr_eval(c->args[i], env, out, e);
}

/* Appends the elements of an array (or a single value) joined by sep. */
static void
join_values(struct buf *b, const struct expr_value *v,
    const struct expr_value *sep, const struct expr_culture *cu)
{
	size_t		 n = v->type == EXPR_T_ARRAY ? v->u.a->n : 1;

	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			if (sep->type == EXPR_T_NULL)
				buf_puts(b, " ", NULL);
			else
				expr_value_text(sep, b, NULL);
		}
		expr_value_text_c(v->type == EXPR_T_ARRAY ? &v->u.a->v[i] : v,
		    cu, b, NULL);
	}
}

/*
 * Join(values[, separator]): a multi-value parameter (its labels with
 * .Label), or any array (LookupSet, Split).
 */
static int
lazy_join(const struct expr_node *c, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	const struct expr_node *p = c->args[0];
	struct expr_value sep = { .type = EXPR_T_NULL }, v = sep;
	const struct expr_param *prm = NULL;
	struct buf	 b;
	size_t		 i;

	if (c->nargs > 1 && expr_eval(c->args[1], env, &sep, e) == -1)
		return -1;
	buf_init(&b, EXPR_STRING_MAX);
	if (p->kind != EXPR_PARAM || p->index >= 0) {
		if (expr_eval(p, env, &v, e) == -1) {
			expr_value_fini(&sep);
			buf_fini(&b);
			return -1;
		}
		if (v.type != EXPR_T_NULL)
			join_values(&b, &v, &sep, env->culture);
		expr_value_fini(&v);
		expr_value_fini(&sep);
		return expr_ret_buf(out, &b);
	}
	for (i = 0; i < env->nparams; i++)
		if (strcmp(env->params[i].name, p->name) == 0)
			prm = &env->params[i];
	if (prm == NULL) {
		expr_value_fini(&sep);
		buf_fini(&b);
		return rs_err_set(e, RS_E_BADINPUT, "report parameter %s is not "
		    "defined", p->name);
	}
	for (i = 0; i < prm->nvalues; i++) {
		if (i > 0) {
			if (sep.type == EXPR_T_NULL)
				buf_puts(&b, " ", NULL);
			else
				expr_value_text(&sep, &b, NULL);
		}
		if (p->member == EXPR_M_LABEL && prm->labels != NULL)
			buf_puts(&b, prm->labels[i], NULL);
		else
			expr_value_text_c(&prm->values[i], env->culture, &b, NULL);
	}
	expr_value_fini(&sep);
	return expr_ret_buf(out, &b);
}

static int
fn_isnothing(ARGS)
{
	UNUSED;
	out->type = EXPR_T_BOOL;
	out->u.b = a[0].type == EXPR_T_NULL;
	return 0;
}

static int
fn_format(ARGS)
{
	struct buf	 b, f;
	int		 rv;

	UNUSED;
	if (na < 2 || a[1].type == EXPR_T_NULL)
		return expr_text_of(&a[0], &b, e) == -1 ? -1 : expr_ret_buf(out, &b);
	if (expr_text_of(&a[1], &f, e) == -1)
		return -1;
	buf_init(&b, EXPR_STRING_MAX);
	rv = expr_format_culture(&a[0], f.data, env->culture, &b, e);
	buf_fini(&f);
	if (rv == -1) {
		buf_fini(&b);
		return -1;
	}
	return expr_ret_buf(out, &b);
}

/* FormatNumber / FormatCurrency / FormatPercent (digits default 2). */
static int
vb_number(struct expr_value *a, size_t na, char kind, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	const struct expr_culture *cu = env->culture;
	struct buf	 b;
	char		 fmt[16];
	int64_t		 digits = 2;
	struct expr_value v = { .type = EXPR_T_FLOAT };

	if (na > 1 && a[1].type != EXPR_T_NULL &&
	    expr_to_int(&a[1], &digits, e) == -1)
		return -1;
	if (digits < 0 || digits > 30)
		digits = 2;
	if (expr_to_double_c(&a[0], cu, &v.u.f, e) == -1)
		return -1;
	buf_init(&b, EXPR_STRING_MAX);
	if (kind == 'P') {
		v.u.f *= 100;
		snprintf(fmt, sizeof(fmt), "N%d", (int)digits);
		expr_format_culture(&v, fmt, cu, &b, e);
		buf_puts(&b, cu != NULL ? cu->percent : "%", e);
	} else {
		snprintf(fmt, sizeof(fmt), "%c%d", kind, (int)digits);
		expr_format_culture(&v, fmt, cu, &b, e);
	}
	return expr_ret_buf(out, &b);
}

static int fn_formatnumber(ARGS) { UNUSED; return vb_number(a, na, 'N', env, out, e); }
static int fn_formatcurrency(ARGS) { UNUSED; return vb_number(a, na, 'C', env, out, e); }
static int fn_formatpercent(ARGS) { UNUSED; return vb_number(a, na, 'P', env, out, e); }

static int
fn_formatdatetime(ARGS)
{
	static const char *fmts[] = { NULL, "D", "d", "T", "HH:mm" };
	struct expr_value v = { .type = EXPR_T_DATETIME };
	int64_t		 kind = 0;
	struct buf	 b;
	int		 y, mo, d, h, mi, s, ms;

	UNUSED;
	if (expr_to_datetime_c(&a[0], env->culture, &v.u.dt, e) == -1)
		return -1;
	if (na > 1 && expr_to_int(&a[1], &kind, e) == -1)
		return -1;
	if (kind < 0 || kind > 4)
		return rs_err_set(e, RS_E_BADINPUT, "FormatDateTime: bad format "
		    "%lld", (long long)kind);
	buf_init(&b, 256);
	if (kind == 0) {
		/* General: the date alone when there is no time part. */
		expr_dt_split(v.u.dt, &y, &mo, &d, &h, &mi, &s, &ms);
		expr_format_culture(&v, h || mi || s ? "G" : "d", env->culture,
		    &b, e);
	} else if (kind == 4 && env->culture != NULL)
		expr_format_culture(&v, "t", env->culture, &b, e);
	else
		expr_format_culture(&v, fmts[kind], env->culture, &b, e);
	return expr_ret_buf(out, &b);
}

static int
fn_cstr(ARGS)
{
	struct buf	 b;

	UNUSED;
	buf_init(&b, EXPR_STRING_MAX);
	if (expr_value_text_c(&a[0], env->culture, &b, e) == -1) {
		buf_fini(&b);
		return -1;
	}
	return expr_ret_buf(out, &b);
}

static int
fn_cint(ARGS)
{
	UNUSED;
	out->type = EXPR_T_INT;
	return expr_to_int_c(&a[0], env->culture, &out->u.i, e);
}

static int
fn_cdbl(ARGS)
{
	UNUSED;
	out->type = EXPR_T_FLOAT;
	return expr_to_double_c(&a[0], env->culture, &out->u.f, e);
}

/* CBool: numbers are True unless 0; text must be True, False or a number. */
static int
fn_cbool(ARGS)
{
	double		 d;

	UNUSED;
	out->type = EXPR_T_BOOL;
	if (a[0].type == EXPR_T_STRING && strcasecmp(a[0].u.s, "true") != 0 &&
	    strcasecmp(a[0].u.s, "false") != 0) {
		if (!expr_num_parse_culture(a[0].u.s, env->culture, &d))
			return rs_err_set(e, RS_E_BADINPUT, "cannot convert "
			    "string \"%.40s\" to a Boolean", a[0].u.s);
		out->u.b = d != 0;
		return 0;
	}
	out->u.b = expr_value_truthy(&a[0]);
	return 0;
}

static int
fn_cdate(ARGS)
{
	UNUSED;
	out->type = EXPR_T_DATETIME;
	return expr_to_datetime_c(&a[0], env->culture, &out->u.dt, e);
}

static int
fn_len(ARGS)
{
	struct buf	 b;

	UNUSED;
	if (expr_text_of(&a[0], &b, e) == -1)
		return -1;
	out->type = EXPR_T_INT;
	out->u.i = cp_len(b.data);
	buf_fini(&b);
	return 0;
}

static int
substr(struct expr_value *out, const char *s, int64_t from, int64_t n)
{
	size_t		 a = cp_offset(s, from), z;

	z = a + cp_offset(s + a, n);
	expr_value_take_str(out, xstrndup(s + a, z - a));
	return 0;
}

static int
fn_left(ARGS)
{
	struct buf	 b;
	int64_t		 n;

	UNUSED;
	if (expr_to_int(&a[1], &n, e) == -1 || expr_text_of(&a[0], &b, e) == -1)
		return -1;
	substr(out, b.data, 0, n < 0 ? 0 : n);
	buf_fini(&b);
	return 0;
}

static int
fn_right(ARGS)
{
	struct buf	 b;
	int64_t		 n, len;

	UNUSED;
	if (expr_to_int(&a[1], &n, e) == -1 || expr_text_of(&a[0], &b, e) == -1)
		return -1;
	len = cp_len(b.data);
	if (n > len)
		n = len;
	substr(out, b.data, len - (n < 0 ? 0 : n), n < 0 ? 0 : n);
	buf_fini(&b);
	return 0;
}

static int
fn_mid(ARGS)
{
	struct buf	 b;
	int64_t		 start, n = INT64_MAX;

	UNUSED;
	if (expr_to_int(&a[1], &start, e) == -1 ||
	    (na > 2 && expr_to_int(&a[2], &n, e) == -1))
		return -1;
	if (start < 1)
		return rs_err_set(e, RS_E_BADINPUT, "Mid: start must be 1 or "
		    "more");
	if (expr_text_of(&a[0], &b, e) == -1)
		return -1;
	substr(out, b.data, start - 1, n < 0 ? 0 : n);
	buf_fini(&b);
	return 0;
}

static int
trim_common(struct expr_value *a, struct expr_value *out, int which,
    struct rs_err *e)
{
	struct buf	 b;
	char		*s, *z;

	if (expr_text_of(&a[0], &b, e) == -1)
		return -1;
	s = b.data;
	if (which & 1)
		while (*s == ' ')
			s++;
	z = s + strlen(s);
	if (which & 2)
		while (z > s && z[-1] == ' ')
			z--;
	expr_value_take_str(out, xstrndup(s, (size_t)(z - s)));
	buf_fini(&b);
	return 0;
}

static int fn_trim(ARGS) { UNUSED; return trim_common(a, out, 3, e); }
static int fn_ltrim(ARGS) { UNUSED; return trim_common(a, out, 1, e); }
static int fn_rtrim(ARGS) { UNUSED; return trim_common(a, out, 2, e); }

static int
change_case(struct expr_value *a, struct expr_value *out, bool upper,
    struct rs_err *e)
{
	struct buf	 b;
	char		*p;

	if (a[0].type == EXPR_T_NULL) {
		expr_value_str(out, "");
		return 0;
	}
	if (expr_text_of(&a[0], &b, e) == -1)
		return -1;
	for (p = b.data; *p != '\0'; p++)
		*p = (char)(upper ? toupper((unsigned char)*p) :
		    tolower((unsigned char)*p));
	return expr_ret_buf(out, &b);
}

static int fn_ucase(ARGS) { UNUSED; return change_case(a, out, true, e); }
static int fn_lcase(ARGS) { UNUSED; return change_case(a, out, false, e); }

static int
fn_replace(ARGS)
{
	struct buf	 s, f, r, o;
	const char	*p, *hit;
	int		 rv = -1;

	UNUSED;
	if (expr_text_of(&a[0], &s, e) == -1)
		return -1;
	expr_text_of(&a[1], &f, NULL);
	expr_text_of(&a[2], &r, NULL);
	buf_init(&o, EXPR_STRING_MAX);
	if (f.len == 0) {
		buf_puts(&o, s.data, e);
		rv = expr_ret_buf(out, &o);
		goto out;
	}
	for (p = s.data; (hit = strstr(p, f.data)) != NULL; p = hit + f.len) {
		if (buf_append(&o, p, (size_t)(hit - p), e) == -1 ||
		    buf_puts(&o, r.data, e) == -1) {
			buf_fini(&o);
			goto out;
		}
	}
	buf_puts(&o, p, NULL);
	rv = expr_ret_buf(out, &o);
out:
	buf_fini(&s);
	buf_fini(&f);
	buf_fini(&r);
	return rv;
}

static int
fn_instr(ARGS)
{
	struct buf	 s, f;
	int64_t		 start = 1;
	size_t		 off;
	const char	*hit;
	struct expr_value *hay = &a[0], *needle = &a[1];

	UNUSED;
	if (na == 3) {
		if (expr_to_int(&a[0], &start, e) == -1)
			return -1;
		hay = &a[1];
		needle = &a[2];
	}
	if (start < 1)
		return rs_err_set(e, RS_E_BADINPUT, "InStr: start must be 1 or "
		    "more");
	if (expr_text_of(hay, &s, e) == -1)
		return -1;
	expr_text_of(needle, &f, NULL);
	out->type = EXPR_T_INT;
	off = cp_offset(s.data, start - 1);
	hit = strstr(s.data + off, f.data);
	out->u.i = hit == NULL ? 0 : cp_len(s.data) -
	    cp_len(hit) + 1;
	buf_fini(&s);
	buf_fini(&f);
	return 0;
}

static int
fn_now(ARGS)
{
	UNUSED;
	out->type = EXPR_T_DATETIME;
	out->u.dt = expr_dt_now();
	return 0;
}

static int
fn_today(ARGS)
{
	UNUSED;
	out->type = EXPR_T_DATETIME;
	out->u.dt = expr_dt_now();
	out->u.dt -= ((out->u.dt % 86400000LL) + 86400000LL) % 86400000LL;
	return 0;
}

static int
date_part(struct expr_value *a, struct expr_env *env, struct expr_value *out,
    char which, struct rs_err *e)
{
	int64_t		 dt;
	int		 p[7];

	if (expr_to_datetime_c(&a[0], env->culture, &dt, e) == -1)
		return -1;
	expr_dt_split(dt, &p[0], &p[1], &p[2], &p[3], &p[4], &p[5], &p[6]);
	out->type = EXPR_T_INT;
	out->u.i = p[strchr("YMDhms", which) - "YMDhms"];
	return 0;
}

static int fn_year(ARGS) { UNUSED; return date_part(a, env, out, 'Y', e); }
static int fn_month(ARGS) { UNUSED; return date_part(a, env, out, 'M', e); }
static int fn_day(ARGS) { UNUSED; return date_part(a, env, out, 'D', e); }
static int fn_hour(ARGS) { UNUSED; return date_part(a, env, out, 'h', e); }
static int fn_minute(ARGS) { UNUSED; return date_part(a, env, out, 'm', e); }
static int fn_second(ARGS) { UNUSED; return date_part(a, env, out, 's', e); }

static int
fn_monthname(ARGS)
{
	static const char *names[] = { "January", "February", "March", "April",
	    "May", "June", "July", "August", "September", "October",
	    "November", "December" };
	int64_t		 m;

	UNUSED;
	if (expr_to_int(&a[0], &m, e) == -1)
		return -1;
	if (m < 1 || m > 12)
		return rs_err_set(e, RS_E_BADINPUT, "MonthName: month %lld is "
		    "out of range", (long long)m);
	if (na > 1 && expr_value_truthy(&a[1]))
		expr_value_take_str(out, xstrndup(names[m - 1], 3));
	else
		expr_value_str(out, names[m - 1]);
	return 0;
}

/* Interval letters of DateAdd/DateDiff to a unit in ms, or 0 for months. */
static int
interval(const struct expr_value *v, int64_t *unit, int *months,
    struct rs_err *e)
{
	static const struct {
		const char	*name;
		int64_t		 ms;
		int		 months;
	} iv[] = {
		{ "yyyy", 0, 12 }, { "q", 0, 3 }, { "m", 0, 1 },
		{ "y", 86400000LL, 0 }, { "d", 86400000LL, 0 },
		{ "w", 86400000LL, 0 }, { "ww", 7 * 86400000LL, 0 },
		{ "h", 3600000LL, 0 }, { "n", 60000LL, 0 }, { "s", 1000LL, 0 },
	};
	size_t		 i;

	if (v->type == EXPR_T_STRING)
		for (i = 0; i < nitems(iv); i++)
			if (strcasecmp(v->u.s, iv[i].name) == 0) {
				*unit = iv[i].ms;
				*months = iv[i].months;
				return 0;
			}
	return rs_err_set(e, RS_E_BADINPUT, "unsupported date interval "
	    "(supported: yyyy, q, m, y, d, w, ww, h, n, s or DateInterval.*)");
}

static int
fn_dateadd(ARGS)
{
	int64_t		 unit, n, dt;
	int		 months, y, mo, d, h, mi, s, ms;

	UNUSED;
	if (interval(&a[0], &unit, &months, e) == -1 ||
	    expr_to_int(&a[1], &n, e) == -1 ||
	    expr_to_datetime(&a[2], &dt, e) == -1)
		return -1;
	if (n > 1000000 || n < -1000000)
		return rs_err_set(e, RS_E_BADINPUT, "DateAdd: count too large");
	out->type = EXPR_T_DATETIME;
	if (months == 0) {
		out->u.dt = dt + n * unit;
		return 0;
	}
	expr_dt_split(dt, &y, &mo, &d, &h, &mi, &s, &ms);
	mo += (int)(n * months);
	y += (mo - 1 >= 0 ? (mo - 1) / 12 : -((12 - mo) / 12));
	mo = ((mo - 1) % 12 + 12) % 12 + 1;
	/* Clamp the day to the new month's length, as VB does. */
	while (d > 28) {
		int64_t t = expr_dt_make(y, mo, d, 0, 0, 0, 0);
		int yy, mm, dd, x1, x2, x3, x4;
		expr_dt_split(t, &yy, &mm, &dd, &x1, &x2, &x3, &x4);
		if (mm == mo)
			break;
		d--;
	}
	out->u.dt = expr_dt_make(y, mo, d, h, mi, s, ms);
	return 0;
}

static int
fn_datediff(ARGS)
{
	int64_t		 unit, d1, d2;
	int		 months, y1, m1, y2, m2, x[5];

	UNUSED;
	if (interval(&a[0], &unit, &months, e) == -1 ||
	    expr_to_datetime(&a[1], &d1, e) == -1 ||
	    expr_to_datetime(&a[2], &d2, e) == -1)
		return -1;
	out->type = EXPR_T_INT;
	if (months == 0) {
		/* VB counts boundaries crossed: truncate both to the unit. */
		int64_t f1 = d1 / unit - (d1 % unit < 0);
		int64_t f2 = d2 / unit - (d2 % unit < 0);
		out->u.i = f2 - f1;
		return 0;
	}
	expr_dt_split(d1, &y1, &m1, &x[0], &x[1], &x[2], &x[3], &x[4]);
	expr_dt_split(d2, &y2, &m2, &x[0], &x[1], &x[2], &x[3], &x[4]);
	out->u.i = ((int64_t)(y2 * 12 + m2 - 1) / months) -
	    ((int64_t)(y1 * 12 + m1 - 1) / months);
	return 0;
}

static int
fn_abs(ARGS)
{
	UNUSED;
	if (a[0].type == EXPR_T_INT) {
		out->type = EXPR_T_INT;
		out->u.i = a[0].u.i < 0 ? -a[0].u.i : a[0].u.i;
		return 0;
	}
	out->type = EXPR_T_FLOAT;
	if (expr_to_double(&a[0], &out->u.f, e) == -1)
		return -1;
	out->u.f = fabs(out->u.f);
	return 0;
}

static int
fn_round(ARGS)
{
	int64_t		 digits = 0;
	double		 v, m;

	UNUSED;
	if (expr_to_double(&a[0], &v, e) == -1 ||
	    (na > 1 && expr_to_int(&a[1], &digits, e) == -1))
		return -1;
	if (digits < 0 || digits > 15)
		return rs_err_set(e, RS_E_BADINPUT, "Round: digits out of range");
	m = pow(10, (double)digits);
	out->type = EXPR_T_FLOAT;
	out->u.f = nearbyint(v * m) / m;	/* banker's rounding, as .NET */
	return 0;
}

static int
fn_int(ARGS)
{
	double		 v;

	UNUSED;
	if (a[0].type == EXPR_T_INT) {
		*out = a[0];
		return 0;
	}
	if (expr_to_double(&a[0], &v, e) == -1)
		return -1;
	out->type = EXPR_T_FLOAT;
	out->u.f = floor(v);
	return 0;
}

static int
fn_space(ARGS)
{
	int64_t		 n;
	char		*s;

	UNUSED;
	if (expr_to_int(&a[0], &n, e) == -1)
		return -1;
	if (n < 0 || n > 10000)
		return rs_err_set(e, RS_E_BADINPUT, "Space: count out of range");
	s = xmalloc((size_t)n + 1);
	memset(s, ' ', (size_t)n);
	s[n] = '\0';
	expr_value_take_str(out, s);
	return 0;
}

static const struct expr_func funcs[] = {
	{ "IIf", 3, 3, NULL, lazy_iif },
	{ "Switch", 2, 64, NULL, lazy_switch },
	{ "Choose", 2, 64, NULL, lazy_choose },
	{ "Join", 1, 2, NULL, lazy_join },
	{ "IsNothing", 1, 1, fn_isnothing, NULL },
	{ "Format", 1, 2, fn_format, NULL },
	{ "FormatNumber", 1, 5, fn_formatnumber, NULL },
	{ "FormatCurrency", 1, 5, fn_formatcurrency, NULL },
	{ "FormatPercent", 1, 5, fn_formatpercent, NULL },
	{ "FormatDateTime", 1, 2, fn_formatdatetime, NULL },
	{ "CStr", 1, 1, fn_cstr, NULL },
	{ "CInt", 1, 1, fn_cint, NULL },
	{ "CLng", 1, 1, fn_cint, NULL },
	{ "CDbl", 1, 1, fn_cdbl, NULL },
	{ "CDec", 1, 1, fn_cdbl, NULL },
	{ "CBool", 1, 1, fn_cbool, NULL },
	{ "CDate", 1, 1, fn_cdate, NULL },
	{ "Len", 1, 1, fn_len, NULL },
	{ "Left", 2, 2, fn_left, NULL },
	{ "Right", 2, 2, fn_right, NULL },
	{ "Mid", 2, 3, fn_mid, NULL },
	{ "Trim", 1, 1, fn_trim, NULL },
	{ "LTrim", 1, 1, fn_ltrim, NULL },
	{ "RTrim", 1, 1, fn_rtrim, NULL },
	{ "UCase", 1, 1, fn_ucase, NULL },
	{ "LCase", 1, 1, fn_lcase, NULL },
	{ "Replace", 3, 3, fn_replace, NULL },
	{ "InStr", 2, 3, fn_instr, NULL },
	{ "Space", 1, 1, fn_space, NULL },
	{ "Today", 0, 0, fn_today, NULL },
	{ "Now", 0, 0, fn_now, NULL },
	{ "DateAdd", 3, 3, fn_dateadd, NULL },
	{ "DateDiff", 3, 5, fn_datediff, NULL },
	{ "Year", 1, 1, fn_year, NULL },
	{ "Month", 1, 1, fn_month, NULL },
	{ "Day", 1, 1, fn_day, NULL },
	{ "Hour", 1, 1, fn_hour, NULL },
	{ "Minute", 1, 1, fn_minute, NULL },
	{ "Second", 1, 1, fn_second, NULL },
	{ "MonthName", 1, 2, fn_monthname, NULL },
	{ "Abs", 1, 1, fn_abs, NULL },
	{ "Round", 1, 2, fn_round, NULL },
	{ "Int", 1, 1, fn_int, NULL },
};

const struct expr_func *
expr_func_find(const char *name)
{
	size_t		 i;

	for (i = 0; i < nitems(funcs); i++)
		if (strcasecmp(funcs[i].name, name) == 0)
			return &funcs[i];
	if (strchr(name, '.') != NULL)
		return expr_netfunc_find(name);
	return expr_func2_find(name);
}

void
expr_func_names(struct buf *b)
{
	size_t		 i;

	/* Spaces, not commas: the whole list must fit one error message. */
	buf_puts(b, "Sum Count CountDistinct CountRows Avg Min Max First Last "
	    "RowNumber RunningValue Previous Lookup LookupSet MultiLookup "
	    "Aggregate InScope Level", NULL);
	for (i = 0; i < nitems(funcs); i++)
		buf_printf(b, NULL, " %s", funcs[i].name);
	expr_func2_names(b);
}
