/*
 * members.c: members of values, as .NET gives them to VB: x.ToString()
 * and x.ToString("N2"[, culture]) on every value; on strings Length,
 * ToUpper, ToLower, Trim, Substring, IndexOf, LastIndexOf, Contains,
 * StartsWith, EndsWith, Replace, Split, PadLeft, PadRight, Insert, Remove,
 * Equals, CompareTo, Chars; on dates AddDays ... AddMilliseconds, Add and
 * Subtract, Year ... Millisecond, DayOfWeek, DayOfYear, Date, TimeOfDay,
 * ToShortDateString ...; on TimeSpans Days ... Milliseconds, TotalDays ...
 * TotalMilliseconds, Duration, Negate; on arrays Length and
 * GetUpperBound; Nullable's HasValue, Value and GetValueOrDefault.  The
 * parser refuses a member not in the table; a member the value's type
 * does not have is a runtime error naming both.  Positions count code
 * points from 0, as .NET's do in UTF-16 for text outside the astral
 * planes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "expr/expr_int.h"

enum member {
	M_TOSTRING, M_LENGTH, M_TOUPPER, M_TOLOWER, M_TRIM, M_TRIMSTART,
	M_TRIMEND, M_SUBSTRING, M_INDEXOF, M_LASTINDEXOF, M_CONTAINS,
	M_STARTSWITH, M_ENDSWITH, M_REPLACE, M_SPLIT, M_PADLEFT, M_PADRIGHT,
	M_INSERT, M_REMOVE, M_EQUALS, M_COMPARETO, M_CHARS, M_MESSAGE, M_NAME,
	M_HASVALUE, M_VALUE, M_GETVALUEORDEFAULT,
	M_ADDDAYS, M_ADDMONTHS, M_ADDYEARS, M_ADDHOURS, M_ADDMINUTES,
	M_ADDSECONDS, M_ADDMS, M_ADDTICKS, M_ADD, M_SUBTRACT, M_YEAR, M_MONTH,
	M_DAY, M_HOUR, M_MINUTE, M_SECOND, M_MILLISECOND, M_DAYOFWEEK,
	M_DAYOFYEAR, M_DATE, M_TIMEOFDAY, M_TICKS, M_SHORTDATE, M_LONGDATE,
	M_SHORTTIME, M_LONGTIME,
	M_DAYS, M_HOURS, M_MINUTES, M_SECONDS, M_MILLISECONDS, M_TOTALDAYS,
	M_TOTALHOURS, M_TOTALMINUTES, M_TOTALSECONDS, M_TOTALMS, M_DURATION,
	M_NEGATE, M_UPPERBOUND, M_LOWERBOUND, M_GETVALUE, M_COUNT
};

static const struct {
	const char	*name;
	enum member	 id;
} members[] = {
	{ "ToString", M_TOSTRING }, { "Length", M_LENGTH },
	{ "ToUpper", M_TOUPPER }, { "ToUpperInvariant", M_TOUPPER },
	{ "ToLower", M_TOLOWER }, { "ToLowerInvariant", M_TOLOWER },
	{ "Trim", M_TRIM }, { "TrimStart", M_TRIMSTART },
	{ "TrimEnd", M_TRIMEND }, { "Substring", M_SUBSTRING },
	{ "IndexOf", M_INDEXOF }, { "LastIndexOf", M_LASTINDEXOF },
	{ "Contains", M_CONTAINS }, { "StartsWith", M_STARTSWITH },
	{ "EndsWith", M_ENDSWITH }, { "Replace", M_REPLACE },
	{ "Split", M_SPLIT }, { "PadLeft", M_PADLEFT },
	{ "PadRight", M_PADRIGHT }, { "Insert", M_INSERT },
	{ "Remove", M_REMOVE }, { "Equals", M_EQUALS },
	{ "CompareTo", M_COMPARETO }, { "Chars", M_CHARS },
	{ "Message", M_MESSAGE }, { "Name", M_NAME },
	{ "HasValue", M_HASVALUE }, { "Value", M_VALUE },
	{ "GetValueOrDefault", M_GETVALUEORDEFAULT },
	{ "AddDays", M_ADDDAYS }, { "AddMonths", M_ADDMONTHS },
	{ "AddYears", M_ADDYEARS }, { "AddHours", M_ADDHOURS },
	{ "AddMinutes", M_ADDMINUTES }, { "AddSeconds", M_ADDSECONDS },
	{ "AddMilliseconds", M_ADDMS }, { "AddTicks", M_ADDTICKS },
	{ "Add", M_ADD }, { "Subtract", M_SUBTRACT }, { "Year", M_YEAR },
	{ "Month", M_MONTH }, { "Day", M_DAY }, { "Hour", M_HOUR },
	{ "Minute", M_MINUTE }, { "Second", M_SECOND },
	{ "Millisecond", M_MILLISECOND }, { "DayOfWeek", M_DAYOFWEEK },
	{ "DayOfYear", M_DAYOFYEAR }, { "Date", M_DATE },
	{ "TimeOfDay", M_TIMEOFDAY }, { "Ticks", M_TICKS },
	{ "ToShortDateString", M_SHORTDATE },
	{ "ToLongDateString", M_LONGDATE },
	{ "ToShortTimeString", M_SHORTTIME },
	{ "ToLongTimeString", M_LONGTIME }, { "Days", M_DAYS },
	{ "Hours", M_HOURS }, { "Minutes", M_MINUTES },
	{ "Seconds", M_SECONDS }, { "Milliseconds", M_MILLISECONDS },
	{ "TotalDays", M_TOTALDAYS }, { "TotalHours", M_TOTALHOURS },
	{ "TotalMinutes", M_TOTALMINUTES }, { "TotalSeconds", M_TOTALSECONDS },
	{ "TotalMilliseconds", M_TOTALMS }, { "Duration", M_DURATION },
	{ "Negate", M_NEGATE }, { "GetUpperBound", M_UPPERBOUND },
	{ "GetLowerBound", M_LOWERBOUND }, { "GetValue", M_GETVALUE },
	{ "Count", M_COUNT },
};

int
expr_member_find(const char *name)
{
	for (size_t i = 0; i < nitems(members); i++)
		if (strcasecmp(members[i].name, name) == 0)
			return (int)members[i].id;
	return -1;
}

const char *
expr_member_list(void)
{
	return "ToString Length ToUpper ToLower Trim Substring IndexOf "
	    "Contains StartsWith EndsWith Replace Split PadLeft PadRight "
	    "Equals AddDays AddMonths Subtract Year Month Day DayOfWeek Date "
	    "Hours Minutes TotalSeconds TotalMilliseconds GetUpperBound "
	    "HasValue ...";
}

static const char *
member_name(int id)
{
	for (size_t i = 0; i < nitems(members); i++)
		if ((int)members[i].id == id)
			return members[i].name;
	return "?";
}

static const char *
type_name(enum expr_type t)
{
	static const char *names[] = { "Nothing", "Boolean", "Integer",
	    "Double", "String", "Date", "TimeSpan", "Array" };

	return (size_t)t < nitems(names) ? names[t] : "?";
}

static int
no_member(const struct expr_value *v, int id, struct rs_err *e)
{
	if (v->type == EXPR_T_NULL)
		return rs_err_set(e, RS_E_BADINPUT, ".%s of Nothing: object "
		    "reference not set to an instance of an object",
		    member_name(id));
	return rs_err_set(e, RS_E_BADINPUT, "a %s has no member .%s",
	    type_name(v->type), member_name(id));
}

/* Byte offset of code point n in s, or -1 past the end. */
static ssize_t
cp_at(const char *s, int64_t n)
{
	size_t		 i = 0;

	if (n < 0)
		return -1;
	while (n > 0) {
		if (s[i] == '\0')
			return -1;
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		n--;
	}
	return (ssize_t)i;
}

static int64_t
cp_index(const char *s, const char *p)
{
	int64_t		 n = 0;

	for (; s < p; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int64_t
cp_total(const char *s)
{
	return cp_index(s, s + strlen(s));
}

static int
arg_int(const struct expr_value *a, size_t na, size_t i, int64_t *out,
    struct rs_err *e)
{
	if (i >= na)
		return rs_err_set(e, RS_E_BADINPUT, "the member needs %zu "
		    "arguments", i + 1);
	return expr_to_int(&a[i], out, e);
}

static int
arg_text(const struct expr_value *a, size_t na, size_t i, struct buf *b,
    struct rs_err *e)
{
	if (i >= na)
		return rs_err_set(e, RS_E_BADINPUT, "the member needs %zu "
		    "arguments", i + 1);
	return expr_text_of(&a[i], b, e);
}

static int
ret_int(struct expr_value *out, int64_t i)
{
	out->type = EXPR_T_INT;
	out->u.i = i;
	return 0;
}

static int
ret_bool(struct expr_value *out, bool b)
{
	out->type = EXPR_T_BOOL;
	out->u.b = b;
	return 0;
}

static int
ret_float(struct expr_value *out, double f)
{
	out->type = EXPR_T_FLOAT;
	out->u.f = f;
	return 0;
}

/* x.ToString([format[, culture]]) */
static int
to_string(const struct expr_value *v, const struct expr_value *a, size_t na,
    struct expr_env *env, struct expr_value *out, struct rs_err *e)
{
	struct expr_culture *c = NULL;
	const struct expr_culture *cu = env->culture;
	struct buf	 f, b;
	int		 rv;

	if (v->type == EXPR_T_NULL)
		return no_member(v, M_TOSTRING, e);
	if (na >= 2 && a[1].type == EXPR_T_STRING) {
		c = expr_culture_new(a[1].u.s, e);
		if (c == NULL && e->code != RS_E_OK)
			return -1;
		cu = c;
	} else if (na == 1 && a[0].type == EXPR_T_STRING &&
	    v->type == EXPR_T_STRING)
		na = 0;	/* String.ToString(provider) */
	buf_init(&b, EXPR_STRING_MAX);
	if (na == 0 || a[0].type == EXPR_T_NULL)
		rv = expr_value_text_c(v, cu, &b, e);
	else if (expr_text_of(&a[0], &f, e) == -1)
		rv = -1;
	else {
		rv = expr_format_culture(v, f.data, cu, &b, e);
		buf_fini(&f);
	}
	expr_culture_free(c);
	if (rv == -1) {
		buf_fini(&b);
		return -1;
	}
	return expr_ret_buf(out, &b);
}

static int
trim(const char *s, int id, const struct expr_value *a, size_t na,
    struct expr_value *out, struct rs_err *e)
{
	struct buf	 set;
	const char	*chars = " \t\r\n\v\f", *z;
	int		 rv;

	buf_init(&set, 256);
	for (size_t i = 0; i < na; i++)
		if (expr_value_text(&a[i], &set, e) == -1) {
			buf_fini(&set);
			return -1;
		}
	if (set.data != NULL && set.len > 0)
		chars = set.data;
	if (id != M_TRIMEND)
		s += strspn(s, chars);
	z = s + strlen(s);
	while (id != M_TRIMSTART && z > s && strchr(chars, z[-1]) != NULL)
		z--;
	expr_value_take_str(out, xstrndup(s, (size_t)(z - s)));
	rv = 0;
	buf_fini(&set);
	return rv;
}

static int
substring(const char *s, const struct expr_value *a, size_t na,
    struct expr_value *out, struct rs_err *e)
{
	int64_t		 start, n = -1;
	ssize_t		 from, to;

	if (arg_int(a, na, 0, &start, e) == -1 ||
	    (na > 1 && arg_int(a, na, 1, &n, e) == -1))
		return -1;
	from = cp_at(s, start);
	to = n < 0 ? (ssize_t)strlen(s) : from < 0 ? -1 :
	    cp_at(s + from, n) < 0 ? -1 : from + cp_at(s + from, n);
	if (from < 0 || to < 0)
		return rs_err_set(e, RS_E_BADINPUT, ".Substring(%lld%s): the "
		    "index is outside the string of %lld characters",
		    (long long)start, n >= 0 ? ", ..." : "",
		    (long long)cp_total(s));
	expr_value_take_str(out, xstrndup(s + from, (size_t)(to - from)));
	return 0;
}

static int
index_of(const char *s, bool last, const struct expr_value *a, size_t na,
    struct expr_value *out, struct rs_err *e)
{
	struct buf	 f;
	int64_t		 start = 0;
	const char	*hit = NULL, *p;
	ssize_t		 off;

	if (arg_text(a, na, 0, &f, e) == -1)
		return -1;
	if (!last && na > 1 && a[1].type == EXPR_T_INT)
		start = a[1].u.i;
	off = cp_at(s, start);
	if (off < 0) {
		buf_fini(&f);
		return rs_err_set(e, RS_E_BADINPUT, ".IndexOf: the start index "
		    "is outside the string");
	}
	if (!last)
		hit = strstr(s + off, f.data);
	else
		for (p = s; (p = strstr(p, f.data)) != NULL; p++) {
			hit = p;
			if (*p == '\0')
				break;
		}
	buf_fini(&f);
	return ret_int(out, hit == NULL ? -1 : cp_index(s, hit));
}

static int
pad(const char *s, bool left, const struct expr_value *a, size_t na,
    struct expr_value *out, struct rs_err *e)
{
	int64_t		 width, len = cp_total(s);
	struct buf	 b, ch;

	if (arg_int(a, na, 0, &width, e) == -1)
		return -1;
	if (width < 0 || width > 100000)
		return rs_err_set(e, RS_E_BADINPUT, ".PadLeft: width out of "
		    "range");
	buf_init(&ch, 16);
	if (na > 1)
		expr_value_text(&a[1], &ch, NULL);
	if (ch.data == NULL || ch.len == 0)
		buf_puts(&ch, " ", NULL);
	buf_init(&b, EXPR_STRING_MAX);
	if (!left)
		buf_puts(&b, s, NULL);
	for (int64_t i = len; i < width; i++)
		buf_append(&b, ch.data, 1, NULL);
	if (left)
		buf_puts(&b, s, NULL);
	buf_fini(&ch);
	return expr_ret_buf(out, &b);
}

static int
replace(const char *s, const struct expr_value *a, size_t na,
    struct expr_value *out, struct rs_err *e)
{
	struct buf	 f, r, o;
	const char	*p, *hit;

	if (arg_text(a, na, 0, &f, e) == -1)
		return -1;
	if (arg_text(a, na, 1, &r, e) == -1) {
		buf_fini(&f);
		return -1;
	}
	buf_init(&o, EXPR_STRING_MAX);
	for (p = s; f.len > 0 && (hit = strstr(p, f.data)) != NULL;
	    p = hit + f.len)
		if (buf_append(&o, p, (size_t)(hit - p), e) == -1 ||
		    buf_puts(&o, r.data, e) == -1)
			break;
	buf_puts(&o, p, NULL);
	buf_fini(&f);
	buf_fini(&r);
	if (e->code != RS_E_OK) {
		buf_fini(&o);
		return -1;
	}
	return expr_ret_buf(out, &o);
}

/* s.Split(separators...): every character of the separators splits. */
static int
split(const char *s, const struct expr_value *a, size_t na,
    struct expr_value *out, struct rs_err *e)
{
	struct buf	 sep;
	struct expr_value part;
	const char	*p = s, *q;

	buf_init(&sep, 256);
	for (size_t i = 0; i < na; i++)
		if (a[i].type == EXPR_T_STRING)
			buf_puts(&sep, a[i].u.s, NULL);
		else if (a[i].type == EXPR_T_ARRAY)
			for (size_t j = 0; j < a[i].u.a->n; j++)
				expr_value_text(&a[i].u.a->v[j], &sep, NULL);
	if (sep.data == NULL || sep.len == 0)
		buf_puts(&sep, " \t\r\n", NULL);
	expr_value_array(out, 0);
	for (;;) {
		q = p + strcspn(p, sep.data);
		expr_value_take_str(&part, xstrndup(p, (size_t)(q - p)));
		expr_array_push(out, &part);
		expr_value_fini(&part);
		if (*q == '\0')
			break;
		if (out->u.a->n >= EXPR_ARRAY_MAX) {
			buf_fini(&sep);
			return rs_err_set(e, RS_E_LIMIT, ".Split: more than %u "
			    "parts", EXPR_ARRAY_MAX);
		}
		p = q + 1;
	}
	buf_fini(&sep);
	return 0;
}

static int
insert_remove(const char *s, int id, const struct expr_value *a, size_t na,
    struct expr_value *out, struct rs_err *e)
{
	int64_t		 at, n = -1;
	ssize_t		 off, end;
	struct buf	 b, ins;

	if (arg_int(a, na, 0, &at, e) == -1)
		return -1;
	off = cp_at(s, at);
	if (off < 0)
		return rs_err_set(e, RS_E_BADINPUT, ".%s: the index is outside "
		    "the string", member_name(id));
	buf_init(&b, EXPR_STRING_MAX);
	buf_append(&b, s, (size_t)off, NULL);
	if (id == M_INSERT) {
		if (arg_text(a, na, 1, &ins, e) == -1) {
			buf_fini(&b);
			return -1;
		}
		buf_puts(&b, ins.data, NULL);
		buf_fini(&ins);
		buf_puts(&b, s + off, NULL);
		return expr_ret_buf(out, &b);
	}
	if (na > 1 && arg_int(a, na, 1, &n, e) == -1) {
		buf_fini(&b);
		return -1;
	}
	end = n < 0 ? (ssize_t)strlen(s) : cp_at(s + off, n) < 0 ? -1 :
	    off + cp_at(s + off, n);
	if (end < 0) {
		buf_fini(&b);
		return rs_err_set(e, RS_E_BADINPUT, ".Remove: the count goes "
		    "past the end of the string");
	}
	buf_puts(&b, s + end, NULL);
	return expr_ret_buf(out, &b);
}

static int
string_member(const char *s, int id, const struct expr_value *a, size_t na,
    struct expr_value *out, struct rs_err *e)
{
	struct buf	 f;
	size_t		 ls = strlen(s);
	int		 c;

	switch (id) {
	case M_LENGTH:
		return ret_int(out, cp_total(s));
	case M_TOUPPER: case M_TOLOWER:
		expr_value_str(out, s);
		for (char *p = out->u.s; *p != '\0'; p++)
			*p = (char)(id == M_TOUPPER ? toupper((unsigned char)*p) :
			    tolower((unsigned char)*p));
		return 0;
	case M_TRIM: case M_TRIMSTART: case M_TRIMEND:
		return trim(s, id, a, na, out, e);
	case M_SUBSTRING:
		return substring(s, a, na, out, e);
	case M_INDEXOF: case M_LASTINDEXOF:
		return index_of(s, id == M_LASTINDEXOF, a, na, out, e);
	case M_CONTAINS: case M_STARTSWITH: case M_ENDSWITH:
	case M_EQUALS: case M_COMPARETO:
		if (arg_text(a, na, 0, &f, e) == -1)
			return -1;
		c = id == M_CONTAINS ? strstr(s, f.data) != NULL :
		    id == M_STARTSWITH ? strncmp(s, f.data, f.len) == 0 :
		    id == M_ENDSWITH ? ls >= f.len &&
		    strcmp(s + ls - f.len, f.data) == 0 :
		    id == M_EQUALS ? strcmp(s, f.data) == 0 : strcmp(s, f.data);
		buf_fini(&f);
		if (id == M_COMPARETO)
			return ret_int(out, (c > 0) - (c < 0));
		return ret_bool(out, c != 0);
	case M_REPLACE:
		return replace(s, a, na, out, e);
	case M_SPLIT:
		return split(s, a, na, out, e);
	case M_PADLEFT: case M_PADRIGHT:
		return pad(s, id == M_PADLEFT, a, na, out, e);
	case M_INSERT: case M_REMOVE:
		return insert_remove(s, id, a, na, out, e);
	case M_CHARS: {
		int64_t i;
		ssize_t off, end;
		if (arg_int(a, na, 0, &i, e) == -1)
			return -1;
		off = cp_at(s, i);
		end = off < 0 || s[off] == '\0' ? -1 : off + cp_at(s + off, 1);
		if (end < 0)
			return rs_err_set(e, RS_E_BADINPUT, ".Chars(%lld): the "
			    "index is outside the string", (long long)i);
		expr_value_take_str(out, xstrndup(s + off, (size_t)(end - off)));
		return 0;
	}
	case M_MESSAGE: case M_NAME: case M_VALUE:
	case M_GETVALUEORDEFAULT:
		expr_value_str(out, s);
		return 0;
	case M_HASVALUE:
		return ret_bool(out, true);
	default:
		return rs_err_set(e, RS_E_BADINPUT, "a String has no member .%s",
		    member_name(id));
	}
}

static int
date_add(int64_t dt, int id, const struct expr_value *a, size_t na,
    struct expr_env *env, struct expr_value *out, struct rs_err *e)
{
	double		 x;
	int64_t		 n;
	int		 y, mo, d, h, mi, s, ms;

	if (na < 1)
		return rs_err_set(e, RS_E_BADINPUT, ".%s needs a value",
		    member_name(id));
	out->type = EXPR_T_DATETIME;
	if (id == M_ADDMONTHS || id == M_ADDYEARS) {
		if (expr_to_int(&a[0], &n, e) == -1)
			return -1;
		if (n > 120000 || n < -120000)
			return rs_err_set(e, RS_E_BADINPUT, "the date is out of "
			    "range");
		expr_dt_split(dt, &y, &mo, &d, &h, &mi, &s, &ms);
		mo += (int)(id == M_ADDYEARS ? n * 12 : n);
		y += (mo - 1 >= 0 ? (mo - 1) / 12 : -((12 - mo) / 12));
		mo = ((mo - 1) % 12 + 12) % 12 + 1;
		while (d > 28) {
			int yy, mm, dd, x1, x2, x3, x4;
			expr_dt_split(expr_dt_make(y, mo, d, 0, 0, 0, 0), &yy,
			    &mm, &dd, &x1, &x2, &x3, &x4);
			if (mm == mo)
				break;
			d--;
		}
		out->u.dt = expr_dt_make(y, mo, d, h, mi, s, ms);
		return 0;
	}
	if (id == M_ADD || id == M_SUBTRACT) {
		if (a[0].type == EXPR_T_DATETIME && id == M_SUBTRACT) {
			out->type = EXPR_T_TIMESPAN;
			out->u.ts = (dt - a[0].u.dt) * 10000;
			return 0;
		}
		if (a[0].type != EXPR_T_TIMESPAN)
			return rs_err_set(e, RS_E_BADINPUT, ".%s needs a "
			    "TimeSpan%s", member_name(id), id == M_SUBTRACT ?
			    " or a date" : "");
		out->u.dt = dt + (id == M_ADD ? 1 : -1) * (a[0].u.ts / 10000);
		return 0;
	}
	if (expr_to_double_c(&a[0], env->culture, &x, e) == -1)
		return -1;
	x *= id == M_ADDDAYS ? 864e5 : id == M_ADDHOURS ? 36e5 :
	    id == M_ADDMINUTES ? 6e4 : id == M_ADDSECONDS ? 1e3 :
	    id == M_ADDTICKS ? 1e-4 : 1;
	if (!(x > -3.2e14 && x < 3.2e14))
		return rs_err_set(e, RS_E_BADINPUT, "the date is out of range");
	out->u.dt = dt + (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
	return 0;
}

static int
date_member(int64_t dt, int id, const struct expr_value *a, size_t na,
    struct expr_env *env, struct expr_value *out, struct rs_err *e)
{
	int		 y, mo, d, h, mi, s, ms;
	int64_t		 day = dt / 86400000LL - (dt % 86400000LL < 0);
	struct expr_value v = { .type = EXPR_T_DATETIME, .u.dt = dt };
	static const char *fmts = "dDtT";
	struct buf	 b;

	expr_dt_split(dt, &y, &mo, &d, &h, &mi, &s, &ms);
	switch (id) {
	case M_YEAR: return ret_int(out, y);
	case M_MONTH: return ret_int(out, mo);
	case M_DAY: return ret_int(out, d);
	case M_HOUR: return ret_int(out, h);
	case M_MINUTE: return ret_int(out, mi);
	case M_SECOND: return ret_int(out, s);
	case M_MILLISECOND: return ret_int(out, ms);
	case M_DAYOFWEEK: return ret_int(out, ((day % 7) + 11) % 7);
	case M_DAYOFYEAR:
		return ret_int(out, (dt - expr_dt_make(y, 1, 1, 0, 0, 0, 0)) /
		    86400000LL + 1);
	case M_DATE:
		out->type = EXPR_T_DATETIME;
		out->u.dt = day * 86400000LL;
		return 0;
	case M_TIMEOFDAY:
		out->type = EXPR_T_TIMESPAN;
		out->u.ts = (dt - day * 86400000LL) * 10000;
		return 0;
	case M_TICKS:
		return ret_int(out, (dt - expr_dt_make(1, 1, 1, 0, 0, 0, 0)) *
		    10000);
	case M_SHORTDATE: case M_LONGDATE: case M_SHORTTIME: case M_LONGTIME: {
		char f[2] = { fmts[id - M_SHORTDATE], '\0' };
		buf_init(&b, 256);
		expr_format_culture(&v, f, env->culture, &b, e);
		return expr_ret_buf(out, &b);
	}
	case M_EQUALS: case M_COMPARETO:
		if (na < 1 || a[0].type != EXPR_T_DATETIME)
			return rs_err_set(e, RS_E_BADINPUT, ".%s needs a date",
			    member_name(id));
		if (id == M_EQUALS)
			return ret_bool(out, dt == a[0].u.dt);
		return ret_int(out, (dt > a[0].u.dt) - (dt < a[0].u.dt));
	case M_VALUE: case M_GETVALUEORDEFAULT:
		*out = v;
		return 0;
	case M_HASVALUE:
		return ret_bool(out, true);
	default:
		if (id >= M_ADDDAYS && id <= M_SUBTRACT)
			return date_add(dt, id, a, na, env, out, e);
		return rs_err_set(e, RS_E_BADINPUT, "a Date has no member .%s",
		    member_name(id));
	}
}

static int
span_member(int64_t t, int id, const struct expr_value *a, size_t na,
    struct expr_value *out, struct rs_err *e)
{
	switch (id) {
	case M_DAYS: return ret_int(out, t / 864000000000LL);
	case M_HOURS: return ret_int(out, t / 36000000000LL % 24);
	case M_MINUTES: return ret_int(out, t / 600000000LL % 60);
	case M_SECONDS: return ret_int(out, t / 10000000LL % 60);
	case M_MILLISECONDS: return ret_int(out, t / 10000LL % 1000);
	case M_TICKS: return ret_int(out, t);
	case M_TOTALDAYS: return ret_float(out, (double)t / 864e9);
	case M_TOTALHOURS: return ret_float(out, (double)t / 36e9);
	case M_TOTALMINUTES: return ret_float(out, (double)t / 6e8);
	case M_TOTALSECONDS: return ret_float(out, (double)t / 1e7);
	case M_TOTALMS: return ret_float(out, (double)t / 1e4);
	case M_DURATION: case M_NEGATE:
		out->type = EXPR_T_TIMESPAN;
		out->u.ts = id == M_NEGATE ? -t : t < 0 ? -t : t;
		return 0;
	case M_ADD: case M_SUBTRACT:
		if (na < 1 || a[0].type != EXPR_T_TIMESPAN)
			return rs_err_set(e, RS_E_BADINPUT, ".%s needs a "
			    "TimeSpan", member_name(id));
		out->type = EXPR_T_TIMESPAN;
		out->u.ts = id == M_ADD ? t + a[0].u.ts : t - a[0].u.ts;
		return 0;
	default:
		return rs_err_set(e, RS_E_BADINPUT, "a TimeSpan has no member "
		    ".%s", member_name(id));
	}
}

static int
array_member(const struct expr_value *v, int id, const struct expr_value *a,
    size_t na, struct expr_value *out, struct rs_err *e)
{
	int64_t		 i;

	switch (id) {
	case M_LENGTH: case M_COUNT:
		return ret_int(out, (int64_t)v->u.a->n);
	case M_UPPERBOUND:
		return ret_int(out, (int64_t)v->u.a->n - 1);
	case M_LOWERBOUND:
		return ret_int(out, 0);
	case M_GETVALUE:
		if (arg_int(a, na, 0, &i, e) == -1)
			return -1;
		if (i < 0 || (size_t)i >= v->u.a->n)
			return rs_err_set(e, RS_E_BADINPUT, "index %lld is "
			    "outside the array of %zu", (long long)i, v->u.a->n);
		expr_value_copy(out, &v->u.a->v[i]);
		return 0;
	case M_CONTAINS:
		if (na < 1)
			return rs_err_set(e, RS_E_BADINPUT, ".Contains needs a "
			    "value");
		for (size_t k = 0; k < v->u.a->n; k++)
			if (expr_value_cmp(&v->u.a->v[k], &a[0]) == 0)
				return ret_bool(out, true);
		return ret_bool(out, false);
	default:
		return no_member(v, id, e);
	}
}

/* Members every value has: ToString, Equals, HasValue, Value ... */
static int
any_member(const struct expr_value *v, int id, const struct expr_value *a,
    size_t na, struct expr_env *env, struct expr_value *out,
    struct rs_err *e)
{
	switch (id) {
	case M_TOSTRING:
		return to_string(v, a, na, env, out, e);
	case M_HASVALUE:
		return ret_bool(out, v->type != EXPR_T_NULL);
	case M_VALUE:
		if (v->type == EXPR_T_NULL)
			return rs_err_set(e, RS_E_BADINPUT, ".Value of Nothing: "
			    "the Nullable has no value");
		expr_value_copy(out, v);
		return 0;
	case M_GETVALUEORDEFAULT:
		if (v->type == EXPR_T_NULL)
			return ret_int(out, 0);
		expr_value_copy(out, v);
		return 0;
	case M_EQUALS:
		if (na < 1)
			return rs_err_set(e, RS_E_BADINPUT, ".Equals needs a "
			    "value");
		return ret_bool(out, v->type == a[0].type &&
		    expr_value_cmp(v, &a[0]) == 0);
	case M_COMPARETO:
		if (na < 1)
			return rs_err_set(e, RS_E_BADINPUT, ".CompareTo needs a "
			    "value");
		return ret_int(out, expr_value_cmp(v, &a[0]) > 0 ? 1 :
		    expr_value_cmp(v, &a[0]) < 0 ? -1 : 0);
	default:
		return no_member(v, id, e);
	}
}

static int
dispatch(const struct expr_value *v, int id, const struct expr_value *a,
    size_t na, struct expr_env *env, struct expr_value *out,
    struct rs_err *e)
{
	if (id == M_TOSTRING || (v->type == EXPR_T_NULL && id == M_HASVALUE))
		return any_member(v, id, a, na, env, out, e);
	switch (v->type) {
	case EXPR_T_STRING:
		return string_member(v->u.s, id, a, na, out, e);
	case EXPR_T_DATETIME:
		return date_member(v->u.dt, id, a, na, env, out, e);
	case EXPR_T_TIMESPAN:
		if (id == M_EQUALS || id == M_COMPARETO || id == M_HASVALUE ||
		    id == M_VALUE)
			return any_member(v, id, a, na, env, out, e);
		return span_member(v->u.ts, id, a, na, out, e);
	case EXPR_T_ARRAY:
		return array_member(v, id, a, na, out, e);
	default:
		return any_member(v, id, a, na, env, out, e);
	}
}

int
expr_member_eval(const struct expr_node *n, struct expr_env *env,
    struct expr_value *out, struct rs_err *e)
{
	struct expr_value obj = { .type = EXPR_T_NULL }, args[8];
	size_t		 na = n->nargs - 1, i;
	int		 rv = -1;

	if (na > nitems(args))
		return rs_err_set(e, RS_E_BADINPUT, "too many arguments to .%s",
		    n->name);
	if (expr_eval(n->args[0], env, &obj, e) == -1)
		return -1;
	for (i = 0; i < na; i++)
		args[i].type = EXPR_T_NULL;
	for (i = 0; i < na; i++)
		if (expr_eval(n->args[i + 1], env, &args[i], e) == -1)
			goto out;
	out->type = EXPR_T_NULL;
	rv = dispatch(&obj, n->op, args, na, env, out, e);
out:
	for (i = 0; i < na; i++)
		expr_value_fini(&args[i]);
	expr_value_fini(&obj);
	return rv;
}
