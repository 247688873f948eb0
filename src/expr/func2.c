/*
 * func2.c: more of the Visual Basic runtime that report expressions and
 * Code blocks call: characters (Asc, AscW, Chr, ChrW), strings (InStrRev,
 * StrReverse, StrComp, StrDup, LSet, RSet, Str, Val, Hex, Oct), arrays
 * (Split, Array, Filter, UBound, LBound), tests (IsNumeric, IsDate,
 * IsArray, IsDBNull), numbers (Fix, Sgn, CSng, CShort, CByte, CObj ...),
 * and dates (DatePart, DateSerial, TimeSerial, DateValue, TimeValue,
 * Weekday, WeekdayName).  Strings are UTF-8; a position counts code points.
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

/* Windows-1252 for 0x80..0x9F (Chr and Asc use the ANSI code page). */
static const unsigned short cp1252[32] = {
	0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
	0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
};

static void
put_utf8(struct buf *b, unsigned cp)
{
	char		 u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		buf_append(b, u, 1, NULL);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, u, 2, NULL);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, u, 3, NULL);
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, u, 4, NULL);
	}
}

/* The code point at s (UTF-8), and its length in *len. */
static unsigned
get_utf8(const char *s, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80 || (u[1] & 0xC0) != 0x80) {
		*len = u[0] == 0 ? 0 : 1;
		return u[0];
	}
	if (u[0] < 0xE0) {
		*len = 2;
		return (unsigned)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
	}
	if (u[0] < 0xF0 || (u[2] & 0xC0) != 0x80) {
		*len = (u[2] & 0xC0) == 0x80 ? 3 : 1;
		return *len == 3 ? (unsigned)(u[0] & 0x0F) << 12 |
		    (unsigned)(u[1] & 0x3F) << 6 | (u[2] & 0x3F) : u[0];
	}
	*len = (u[3] & 0xC0) == 0x80 ? 4 : 1;
	return *len == 4 ? (unsigned)(u[0] & 0x07) << 18 |
	    (unsigned)(u[1] & 0x3F) << 12 | (unsigned)(u[2] & 0x3F) << 6 |
	    (u[3] & 0x3F) : u[0];
}

static int
chr_common(struct expr_value *a, bool wide, struct expr_value *out,
    struct rs_err *e)
{
	int64_t		 n;
	struct buf	 b;

	if (expr_to_int(&a[0], &n, e) == -1)
		return -1;
	if (n < 0 || n > (wide ? 0xFFFF : 0xFF) || (n >= 0xD800 && n < 0xE000))
		return rs_err_set(e, RS_E_BADINPUT, "%s(%lld): the code is out "
		    "of range (0 to %d)", wide ? "ChrW" : "Chr", (long long)n,
		    wide ? 65535 : 255);
	buf_init(&b, 8);
	put_utf8(&b, !wide && n >= 0x80 && n < 0xA0 ? cp1252[n - 0x80] :
	    (unsigned)n);
	return expr_ret_buf(out, &b);
}

static int fn_chr(ARGS) { UNUSED; return chr_common(a, false, out, e); }
static int fn_chrw(ARGS) { UNUSED; return chr_common(a, true, out, e); }

static int
asc_common(struct expr_value *a, bool wide, struct expr_value *out,
    struct rs_err *e)
{
	struct buf	 b;
	size_t		 len;
	unsigned	 cp;

	if (expr_text_of(&a[0], &b, e) == -1)
		return -1;
	if (b.data[0] == '\0') {
		buf_fini(&b);
		return rs_err_set(e, RS_E_BADINPUT, "Asc: the string is empty");
	}
	cp = get_utf8(b.data, &len);
	buf_fini(&b);
	if (!wide && cp >= 0x80) {
		unsigned v = '?';
		for (int i = 0; i < 32; i++)
			if (cp1252[i] == cp)
				v = 0x80 + (unsigned)i;
		if (cp >= 0xA0 && cp <= 0xFF)
			v = cp;
		cp = v;
	}
	out->type = EXPR_T_INT;
	out->u.i = cp;
	return 0;
}

static int fn_asc(ARGS) { UNUSED; return asc_common(a, false, out, e); }
static int fn_ascw(ARGS) { UNUSED; return asc_common(a, true, out, e); }

static int64_t
cp_count(const char *s, const char *end)
{
	int64_t		 n = 0;

	for (; s < end && *s != '\0'; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int
fn_instrrev(ARGS)
{
	struct buf	 s, f;
	const char	*hit = NULL, *p;
	int64_t		 start = -1;

	UNUSED;
	if (na > 2 && expr_to_int(&a[2], &start, e) == -1)
		return -1;
	if (expr_text_of(&a[0], &s, e) == -1)
		return -1;
	if (expr_text_of(&a[1], &f, e) == -1) {
		buf_fini(&s);
		return -1;
	}
	for (p = s.data; (p = strstr(p, f.data)) != NULL; p++) {
		if (start > 0 && cp_count(s.data, p) + 1 > start)
			break;
		hit = p;
		if (f.len == 0)
			break;
	}
	out->type = EXPR_T_INT;
	out->u.i = hit == NULL ? 0 : cp_count(s.data, hit) + 1;
	buf_fini(&s);
	buf_fini(&f);
	return 0;
}

static int
fn_strreverse(ARGS)
{
	struct buf	 s, r;
	size_t		 len, i;

	UNUSED;
	if (expr_text_of(&a[0], &s, e) == -1)
		return -1;
	buf_init(&r, EXPR_STRING_MAX);
	for (i = s.len; i > 0;) {
		size_t j = i - 1;
		while (j > 0 && (s.data[j] & 0xC0) == 0x80)
			j--;
		get_utf8(s.data + j, &len);
		buf_append(&r, s.data + j, i - j, NULL);
		i = j;
	}
	buf_fini(&s);
	return expr_ret_buf(out, &r);
}

/* Split(text[, delimiter[, limit]]): an array of strings. */
static int
fn_split(ARGS)
{
	struct buf	 s, d;
	const char	*p, *hit;
	int64_t		 limit = -1;
	struct expr_value part;

	UNUSED;
	if (na > 2 && expr_to_int(&a[2], &limit, e) == -1)
		return -1;
	if (expr_text_of(&a[0], &s, e) == -1)
		return -1;
	buf_init(&d, 64);
	if (na > 1)
		expr_value_text(&a[1], &d, NULL);
	else
		buf_puts(&d, " ", NULL);
	if (d.data == NULL)
		buf_puts(&d, "", NULL);
	expr_value_array(out, 0);
	for (p = s.data;;) {
		hit = d.len > 0 ? strstr(p, d.data) : NULL;
		if (hit == NULL || (limit > 0 && (int64_t)out->u.a->n + 1 >=
		    limit)) {
			expr_value_str(&part, p);
			expr_array_push(out, &part);
			expr_value_fini(&part);
			break;
		}
		expr_value_take_str(&part, xstrndup(p, (size_t)(hit - p)));
		expr_array_push(out, &part);
		expr_value_fini(&part);
		if (out->u.a->n >= EXPR_ARRAY_MAX) {
			buf_fini(&s);
			buf_fini(&d);
			return rs_err_set(e, RS_E_LIMIT, "Split: more than %u "
			    "parts", EXPR_ARRAY_MAX);
		}
		p = hit + d.len;
	}
	buf_fini(&s);
	buf_fini(&d);
	return 0;
}

static int
fn_array(ARGS)
{
	UNUSED;
	expr_value_array(out, na);
	for (size_t i = 0; i < na; i++)
		expr_value_copy(&out->u.a->v[i], &a[i]);
	return 0;
}

static int
need_array(const struct expr_value *v, const char *fn, struct rs_err *e)
{
	if (v->type != EXPR_T_ARRAY)
		return rs_err_set(e, RS_E_BADINPUT, "%s needs an array", fn);
	return 0;
}

static int
fn_ubound(ARGS)
{
	UNUSED;
	if (need_array(&a[0], "UBound", e) == -1)
		return -1;
	out->type = EXPR_T_INT;
	out->u.i = (int64_t)a[0].u.a->n - 1;
	return 0;
}

static int
fn_lbound(ARGS)
{
	UNUSED;
	if (need_array(&a[0], "LBound", e) == -1)
		return -1;
	out->type = EXPR_T_INT;
	out->u.i = 0;
	return 0;
}

/* Filter(array, match[, include[, compare]]) */
static int
fn_filter(ARGS)
{
	struct buf	 m, t;
	bool		 include = na < 3 || expr_value_truthy(&a[2]);
	bool		 text = na > 3 && expr_value_truthy(&a[3]);

	UNUSED;
	if (need_array(&a[0], "Filter", e) == -1 ||
	    expr_text_of(&a[1], &m, e) == -1)
		return -1;
	expr_value_array(out, 0);
	for (size_t i = 0; i < a[0].u.a->n; i++) {
		bool hit;
		if (expr_text_of(&a[0].u.a->v[i], &t, e) == -1)
			break;
		hit = text ? strcasestr(t.data, m.data) != NULL :
		    strstr(t.data, m.data) != NULL;
		if (hit == include)
			expr_array_push(out, &a[0].u.a->v[i]);
		buf_fini(&t);
	}
	buf_fini(&m);
	return 0;
}

static int
fn_isnumeric(ARGS)
{
	double		 d;

	UNUSED;
	out->type = EXPR_T_BOOL;
	out->u.b = a[0].type == EXPR_T_INT || a[0].type == EXPR_T_FLOAT ||
	    a[0].type == EXPR_T_BOOL || (a[0].type == EXPR_T_STRING &&
	    expr_num_parse_culture(a[0].u.s, env->culture, &d));
	return 0;
}

static int
fn_isdate(ARGS)
{
	int64_t		 dt;

	UNUSED;
	out->type = EXPR_T_BOOL;
	out->u.b = a[0].type == EXPR_T_DATETIME || (a[0].type ==
	    EXPR_T_STRING && (expr_dt_parse(a[0].u.s, &dt) ||
	    expr_dt_parse_culture(a[0].u.s, env->culture, &dt)));
	return 0;
}

static int
fn_isarray(ARGS)
{
	UNUSED;
	out->type = EXPR_T_BOOL;
	out->u.b = a[0].type == EXPR_T_ARRAY;
	return 0;
}

/* Database nulls arrive as Nothing, which is not DBNull. */
static int
fn_isdbnull(ARGS)
{
	UNUSED;
	out->type = EXPR_T_BOOL;
	out->u.b = false;
	return 0;
}

/* Val: the number at the start of the text ("12abc" is 12). */
static int
fn_val(ARGS)
{
	struct buf	 s;
	char		 tmp[64];
	size_t		 j = 0;
	const char	*p;

	UNUSED;
	if (expr_text_of(&a[0], &s, e) == -1)
		return -1;
	for (p = s.data; *p != '\0' && j + 1 < sizeof(tmp); p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		if (isdigit((unsigned char)*p) || *p == '.' ||
		    ((*p == '-' || *p == '+') && j == 0) ||
		    ((*p == 'e' || *p == 'E') && j > 0))
			tmp[j++] = *p;
		else
			break;
	}
	tmp[j] = '\0';
	buf_fini(&s);
	out->type = EXPR_T_FLOAT;
	out->u.f = j > 0 ? strtod(tmp, NULL) : 0;
	return 0;
}

static int
radix(struct expr_value *a, int base, struct expr_value *out,
    struct rs_err *e)
{
	int64_t		 n;
	char		 tmp[32];

	if (expr_to_int(&a[0], &n, e) == -1)
		return -1;
	snprintf(tmp, sizeof(tmp), base == 16 ? "%llX" : "%llo",
	    (unsigned long long)n);
	expr_value_str(out, tmp);
	return 0;
}

static int fn_hex(ARGS) { UNUSED; return radix(a, 16, out, e); }
static int fn_oct(ARGS) { UNUSED; return radix(a, 8, out, e); }

static int
fn_str(ARGS)
{
	struct buf	 b;
	double		 d;

	UNUSED;
	if (expr_to_double(&a[0], &d, e) == -1)
		return -1;
	buf_init(&b, 64);
	if (d >= 0)
		buf_puts(&b, " ", NULL);
	expr_value_text(&a[0], &b, NULL);
	return expr_ret_buf(out, &b);
}

static int
fn_fix(ARGS)
{
	double		 d;

	UNUSED;
	if (a[0].type == EXPR_T_INT) {
		*out = a[0];
		return 0;
	}
	if (expr_to_double(&a[0], &d, e) == -1)
		return -1;
	out->type = EXPR_T_FLOAT;
	out->u.f = trunc(d);
	return 0;
}

static int
fn_sgn(ARGS)
{
	double		 d;

	UNUSED;
	if (expr_to_double(&a[0], &d, e) == -1)
		return -1;
	out->type = EXPR_T_INT;
	out->u.i = (d > 0) - (d < 0);
	return 0;
}

static int
fn_csng(ARGS)
{
	UNUSED;
	out->type = EXPR_T_FLOAT;
	return expr_to_double_c(&a[0], env->culture, &out->u.f, e);
}

/* CShort, CByte, CUInt ...: CInt with the type's range. */
static int
int_range(struct expr_value *a, struct expr_env *env, int64_t lo, int64_t hi,
    const char *fn, struct expr_value *out, struct rs_err *e)
{
	out->type = EXPR_T_INT;
	if (expr_to_int_c(&a[0], env->culture, &out->u.i, e) == -1)
		return -1;
	if (out->u.i < lo || out->u.i > hi)
		return rs_err_set(e, RS_E_BADINPUT, "%s(%lld): arithmetic "
		    "overflow (%lld to %lld)", fn, (long long)out->u.i,
		    (long long)lo, (long long)hi);
	return 0;
}

static int fn_cshort(ARGS) { UNUSED; return int_range(a, env, -32768, 32767, "CShort", out, e); }
static int fn_cbyte(ARGS) { UNUSED; return int_range(a, env, 0, 255, "CByte", out, e); }
static int fn_cuint(ARGS) { UNUSED; return int_range(a, env, 0, UINT32_MAX, "CUInt", out, e); }

static int
fn_cobj(ARGS)
{
	UNUSED;
	expr_value_copy(out, &a[0]);
	return 0;
}

static int
fn_cchar(ARGS)
{
	struct buf	 b;
	size_t		 len;

	UNUSED;
	if (expr_text_of(&a[0], &b, e) == -1)
		return -1;
	get_utf8(b.data, &len);
	expr_value_take_str(out, xstrndup(b.data, len));
	buf_fini(&b);
	return 0;
}

/* StrComp(a, b[, CompareMethod.Text]): -1, 0 or 1. */
static int
fn_strcomp(ARGS)
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

static int
fn_strdup(ARGS)
{
	int64_t		 n;
	struct buf	 c, b;
	size_t		 len;

	UNUSED;
	if (expr_to_int(&a[0], &n, e) == -1)
		return -1;
	if (n < 0 || n > 100000)
		return rs_err_set(e, RS_E_BADINPUT, "StrDup: count out of range");
	if (expr_text_of(&a[1], &c, e) == -1)
		return -1;
	get_utf8(c.data, &len);
	buf_init(&b, EXPR_STRING_MAX);
	for (int64_t i = 0; i < n && len > 0; i++)
		buf_append(&b, c.data, len, NULL);
	buf_fini(&c);
	return expr_ret_buf(out, &b);
}

/* LSet / RSet: the text padded or cut to n characters. */
static int
set_common(struct expr_value *a, bool right, struct expr_value *out,
    struct rs_err *e)
{
	struct buf	 s, b;
	int64_t		 n, len, i;
	size_t		 off = 0, cl;

	if (expr_to_int(&a[1], &n, e) == -1)
		return -1;
	if (n < 0 || n > 100000)
		return rs_err_set(e, RS_E_BADINPUT, "LSet: length out of range");
	if (expr_text_of(&a[0], &s, e) == -1)
		return -1;
	len = cp_count(s.data, s.data + s.len);
	buf_init(&b, EXPR_STRING_MAX);
	for (i = 0; right && i < n - len; i++)
		buf_puts(&b, " ", NULL);
	for (i = 0; i < n && i < len; i++) {
		get_utf8(s.data + off, &cl);
		buf_append(&b, s.data + off, cl, NULL);
		off += cl;
	}
	for (i = len; !right && i < n; i++)
		buf_puts(&b, " ", NULL);
	buf_fini(&s);
	return expr_ret_buf(out, &b);
}

static int fn_lset(ARGS) { UNUSED; return set_common(a, false, out, e); }
static int fn_rset(ARGS) { UNUSED; return set_common(a, true, out, e); }

static int
weekday_of(int64_t dt)
{
	int64_t		 days = dt / 86400000LL;

	if (dt % 86400000LL < 0)
		days--;
	return (int)(((days % 7) + 11) % 7);	/* 0 = Sunday */
}

/* Weekday(date[, FirstDayOfWeek]): 1 = the first day (Sunday). */
static int
fn_weekday(ARGS)
{
	int64_t		 dt, first = 1;

	UNUSED;
	if (expr_to_datetime_c(&a[0], env->culture, &dt, e) == -1 ||
	    (na > 1 && expr_to_int(&a[1], &first, e) == -1))
		return -1;
	if (first < 1 || first > 7)
		first = 1;
	out->type = EXPR_T_INT;
	out->u.i = (weekday_of(dt) - (first - 1) + 7) % 7 + 1;
	return 0;
}

static int
fn_weekdayname(ARGS)
{
	int64_t		 n, first = 1;
	const struct expr_culture *cu = env->culture != NULL ? env->culture :
	    expr_culture_en();
	bool		 abbr = na > 1 && expr_value_truthy(&a[1]);

	UNUSED;
	if (expr_to_int(&a[0], &n, e) == -1 ||
	    (na > 2 && expr_to_int(&a[2], &first, e) == -1))
		return -1;
	if (n < 1 || n > 7)
		return rs_err_set(e, RS_E_BADINPUT, "WeekdayName: day %lld is "
		    "out of range (1 to 7)", (long long)n);
	if (first < 1 || first > 7)
		first = 1;
	n = (n - 1 + first - 1) % 7;
	expr_value_str(out, abbr ? cu->days_abbr[n] : cu->days[n]);
	return 0;
}

static int
fn_dateserial(ARGS)
{
	int64_t		 y, m, d;

	UNUSED;
	if (expr_to_int(&a[0], &y, e) == -1 || expr_to_int(&a[1], &m, e) == -1 ||
	    expr_to_int(&a[2], &d, e) == -1)
		return -1;
	if (y < 1 || y > 9999 || m < -120000 || m > 120000 ||
	    d < -3660000 || d > 3660000)
		return rs_err_set(e, RS_E_BADINPUT, "DateSerial: out of range");
	out->type = EXPR_T_DATETIME;
	out->u.dt = expr_dt_make((int)y, (int)m, 1, 0, 0, 0, 0) +
	    (d - 1) * 86400000LL;
	return 0;
}

static int
fn_timeserial(ARGS)
{
	int64_t		 h, m, s;

	UNUSED;
	if (expr_to_int(&a[0], &h, e) == -1 || expr_to_int(&a[1], &m, e) == -1 ||
	    expr_to_int(&a[2], &s, e) == -1)
		return -1;
	if (h < -1000000 || h > 1000000 || m < -1000000 || m > 1000000 ||
	    s < -100000000 || s > 100000000)
		return rs_err_set(e, RS_E_BADINPUT, "TimeSerial: out of range");
	out->type = EXPR_T_DATETIME;
	out->u.dt = expr_dt_make(1, 1, 1, 0, 0, 0, 0) +
	    ((h * 60 + m) * 60 + s) * 1000;
	return 0;
}

static int
fn_datevalue(ARGS)
{
	int64_t		 dt;

	UNUSED;
	if (expr_to_datetime_c(&a[0], env->culture, &dt, e) == -1)
		return -1;
	out->type = EXPR_T_DATETIME;
	out->u.dt = dt - ((dt % 86400000LL) + 86400000LL) % 86400000LL;
	return 0;
}

static int
fn_timevalue(ARGS)
{
	int64_t		 dt;

	UNUSED;
	if (expr_to_datetime_c(&a[0], env->culture, &dt, e) == -1)
		return -1;
	out->type = EXPR_T_DATETIME;
	out->u.dt = expr_dt_make(1, 1, 1, 0, 0, 0, 0) +
	    ((dt % 86400000LL) + 86400000LL) % 86400000LL;
	return 0;
}

/* DatePart(interval, date): yyyy q m y d w ww h n s. */
static int
fn_datepart(ARGS)
{
	int64_t		 dt;
	int		 y, mo, d, h, mi, s, ms;
	const char	*iv = a[0].type == EXPR_T_STRING ? a[0].u.s : "";

	UNUSED;
	if (expr_to_datetime_c(&a[1], env->culture, &dt, e) == -1)
		return -1;
	expr_dt_split(dt, &y, &mo, &d, &h, &mi, &s, &ms);
	out->type = EXPR_T_INT;
	if (strcasecmp(iv, "yyyy") == 0)
		out->u.i = y;
	else if (strcasecmp(iv, "q") == 0)
		out->u.i = (mo - 1) / 3 + 1;
	else if (strcasecmp(iv, "m") == 0)
		out->u.i = mo;
	else if (strcasecmp(iv, "y") == 0)
		out->u.i = (dt - expr_dt_make(y, 1, 1, 0, 0, 0, 0)) /
		    86400000LL + 1;
	else if (strcasecmp(iv, "d") == 0)
		out->u.i = d;
	else if (strcasecmp(iv, "w") == 0)
		out->u.i = weekday_of(dt) + 1;
	else if (strcasecmp(iv, "ww") == 0)
		out->u.i = ((dt - expr_dt_make(y, 1, 1, 0, 0, 0, 0)) /
		    86400000LL + weekday_of(expr_dt_make(y, 1, 1, 0, 0, 0, 0))) /
		    7 + 1;
	else if (strcasecmp(iv, "h") == 0)
		out->u.i = h;
	else if (strcasecmp(iv, "n") == 0)
		out->u.i = mi;
	else if (strcasecmp(iv, "s") == 0)
		out->u.i = s;
	else
		return rs_err_set(e, RS_E_BADINPUT, "DatePart: unsupported "
		    "interval \"%.20s\" (supported: yyyy, q, m, y, d, w, ww, h, "
		    "n, s or DateInterval.*)", iv);
	return 0;
}

static const struct expr_func funcs2[] = {
	{ "Asc", 1, 1, fn_asc, NULL },
	{ "AscW", 1, 1, fn_ascw, NULL },
	{ "Chr", 1, 1, fn_chr, NULL },
	{ "ChrW", 1, 1, fn_chrw, NULL },
	{ "InStrRev", 2, 4, fn_instrrev, NULL },
	{ "StrReverse", 1, 1, fn_strreverse, NULL },
	{ "StrComp", 2, 3, fn_strcomp, NULL },
	{ "StrDup", 2, 2, fn_strdup, NULL },
	{ "LSet", 2, 2, fn_lset, NULL },
	{ "RSet", 2, 2, fn_rset, NULL },
	{ "Str", 1, 1, fn_str, NULL },
	{ "Val", 1, 1, fn_val, NULL },
	{ "Hex", 1, 1, fn_hex, NULL },
	{ "Oct", 1, 1, fn_oct, NULL },
	{ "Split", 1, 4, fn_split, NULL },
	{ "Array", 0, 256, fn_array, NULL },
	{ "Filter", 2, 4, fn_filter, NULL },
	{ "UBound", 1, 2, fn_ubound, NULL },
	{ "LBound", 1, 2, fn_lbound, NULL },
	{ "IsNumeric", 1, 1, fn_isnumeric, NULL },
	{ "IsDate", 1, 1, fn_isdate, NULL },
	{ "IsArray", 1, 1, fn_isarray, NULL },
	{ "IsDBNull", 1, 1, fn_isdbnull, NULL },
	{ "Fix", 1, 1, fn_fix, NULL },
	{ "Sgn", 1, 1, fn_sgn, NULL },
	{ "CSng", 1, 1, fn_csng, NULL },
	{ "CShort", 1, 1, fn_cshort, NULL },
	{ "CByte", 1, 1, fn_cbyte, NULL },
	{ "CUInt", 1, 1, fn_cuint, NULL },
	{ "CULng", 1, 1, fn_cuint, NULL },
	{ "CUShort", 1, 1, fn_cuint, NULL },
	{ "CSByte", 1, 1, fn_cshort, NULL },
	{ "CObj", 1, 1, fn_cobj, NULL },
	{ "CChar", 1, 1, fn_cchar, NULL },
	{ "Weekday", 1, 2, fn_weekday, NULL },
	{ "WeekdayName", 1, 3, fn_weekdayname, NULL },
	{ "DatePart", 2, 4, fn_datepart, NULL },
	{ "DateSerial", 3, 3, fn_dateserial, NULL },
	{ "TimeSerial", 3, 3, fn_timeserial, NULL },
	{ "DateValue", 1, 1, fn_datevalue, NULL },
	{ "TimeValue", 1, 1, fn_timevalue, NULL },
};

const struct expr_func *
expr_func2_find(const char *name)
{
	for (size_t i = 0; i < nitems(funcs2); i++)
		if (strcasecmp(funcs2[i].name, name) == 0)
			return &funcs2[i];
	return NULL;
}

void
expr_func2_names(struct buf *b)
{
	for (size_t i = 0; i < nitems(funcs2); i++)
		buf_printf(b, NULL, " %s", funcs2[i].name);
	buf_puts(b, " Math.* Convert.* String.Format DateTime.* TimeSpan.* "
	    "CultureInfo.*", NULL);
}
