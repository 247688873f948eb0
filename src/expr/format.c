/*
 * format.c: .NET format strings in a culture (en-US by default), as
 * Style/Format and Format() use them; the culture gives the separators,
 * signs, names and standard patterns (culture.c).  Numbers: the standard formats C, D, E, F, G, N, P,
 * R, X with a precision, and custom formats (0 # . , % ; and quoted
 * literals, up to three sections).  Dates: the standard formats d D f F g
 * G M o r s t T u U y and custom formats (yyyy MM MMM dd ddd HH hh mm ss
 * fff tt ...).  Rounding mimics .NET Framework: the value is taken to 15
 * significant digits first, then rounded half away from zero, so 2.675
 * with N2 gives 2.68 as it does in SSRS.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr_int.h"

/* A decimal number: digits d[0..nd) with the point after "point" digits. */
struct dec {
	char	 d[48];
	int	 nd;
	int	 point;
	bool	 neg;
};

static void
dec_from_value(const struct expr_value *v, double f, struct dec *x)
{
	char		 tmp[64], *p;
	int		 exp;

	memset(x, 0, sizeof(*x));
	if (v != NULL && v->type == EXPR_T_INT) {
		uint64_t u = v->u.i < 0 ? -(uint64_t)v->u.i : (uint64_t)v->u.i;
		x->neg = v->u.i < 0;
		snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)u);
		x->nd = (int)strlen(tmp);
		memcpy(x->d, tmp, (size_t)x->nd);
		x->point = x->nd;
		return;
	}
	if (!isfinite(f))	/* no digits; the callers print it as text */
		return;
	x->neg = f < 0;
	snprintf(tmp, sizeof(tmp), "%.14e", fabs(f));
	exp = (int)strtol(strchr(tmp, 'e') + 1, NULL, 10);
	for (p = tmp; *p != 'e'; p++)
		if (isdigit((unsigned char)*p))
			x->d[x->nd++] = *p;
	x->point = exp + 1;
	while (x->nd > 0 && x->d[x->nd - 1] == '0')
		x->nd--;
	if (x->nd == 0)
		x->point = 0;
}

/* Rounds to "decimals" digits after the point, half away from zero. */
static void
dec_round(struct dec *x, int decimals)
{
	int		 keep = x->point + decimals, i;

	if (keep >= x->nd)
		return;
	if (keep < 0) {
		x->nd = 0;
		x->point = 0;
		return;
	}
	if (x->d[keep] >= '5') {
		for (i = keep - 1; i >= 0 && x->d[i] == '9'; i--)
			x->d[i] = '0';
		if (i < 0) {
			memmove(x->d + 1, x->d, (size_t)keep);
			x->d[0] = '1';
			keep++;
			x->point++;
		} else
			x->d[i]++;
	}
	x->nd = keep;
	while (x->nd > 0 && x->d[x->nd - 1] == '0')
		x->nd--;
	if (x->nd == 0)
		x->point = 0;
}

static bool
dec_is_zero(const struct dec *x)
{
	return x->nd == 0;
}

/* Integer digits, at least min_digits, optionally grouped by 3. */
static void
put_int(struct buf *b, const struct dec *x, int min_digits, bool group,
    const struct expr_culture *cu)
{
	char		 digits[400];
	int		 n = 0, i, len;

	for (i = 0; i < x->point && n < 300; i++)
		digits[n++] = i < x->nd ? x->d[i] : '0';
	len = n;
	while (len < min_digits && len < 300)
		len++;
	for (i = 0; i < len; i++) {
		int src = i - (len - n);
		buf_append(b, src >= 0 ? &digits[src] : "0", 1, NULL);
		if (group && i < len - 1 && (len - 1 - i) % 3 == 0)
			buf_puts(b, cu->group, NULL);
	}
}

static void
put_frac(struct buf *b, const struct dec *x, int decimals)
{
	int		 i, idx;

	for (i = 0; i < decimals; i++) {
		idx = x->point + i;
		buf_append(b, idx >= 0 && idx < x->nd ? &x->d[idx] : "0", 1,
		    NULL);
	}
}

static void
put_fixed(struct buf *b, struct dec *x, int decimals, bool group,
    const struct expr_culture *cu)
{
	dec_round(x, decimals);
	put_int(b, x, 1, group, cu);
	if (decimals > 0) {
		buf_puts(b, cu->decimal, NULL);
		put_frac(b, x, decimals);
	}
}

/* A sign pattern ("($n)", "-n $", "n %"): n is the number. */
static void
put_signed(struct buf *b, const char *pat, struct dec *x, int decimals,
    const struct expr_culture *cu)
{
	for (const char *p = pat; *p != '\0'; p++) {
		if (*p == 'n')
			put_fixed(b, x, decimals, true, cu);
		else if (*p == '$')
			buf_puts(b, cu->currency, NULL);
		else if (*p == '%')
			buf_puts(b, cu->percent, NULL);
		else if (*p == '-')
			buf_puts(b, cu->minus, NULL);
		else
			buf_append(b, p, 1, NULL);
	}
}

/* Text made in en-US ("1.5E+20", "-2.5") with the culture's signs. */
static int
put_local(struct buf *b, const char *t, const struct expr_culture *cu,
    struct rs_err *e)
{
	for (; *t != '\0'; t++) {
		if (*t == '.')
			buf_puts(b, cu->decimal, NULL);
		else if (*t == '-')
			buf_puts(b, cu->minus, NULL);
		else
			buf_append(b, t, 1, NULL);
	}
	return b->data == NULL ? buf_puts(b, "", e) : 0;
}

static int
put_general(struct buf *b, const struct expr_value *v, double f, int prec,
    const struct expr_culture *cu, struct rs_err *e)
{
	struct buf	 t;
	int		 rv;

	buf_init(&t, 256);
	if (prec > 0 && v->type != EXPR_T_INT)
		buf_printf(&t, NULL, "%.*G", prec > 17 ? 17 : prec, f);
	else
		expr_value_text(v, &t, NULL);
	rv = put_local(b, t.data != NULL ? t.data : "", cu, e);
	buf_fini(&t);
	return rv;
}

static int
std_number(const struct expr_value *v, double f, char spec, int prec,
    const struct expr_culture *cu, struct buf *b, struct rs_err *e)
{
	struct dec	 x;
	bool		 neg;
	char		 tmp[128];
	int		 d = prec < 0 ? 2 : prec;

	dec_from_value(v, f, &x);
	switch (toupper((unsigned char)spec)) {
	case 'C':
		dec_round(&x, d);
		neg = x.neg && !dec_is_zero(&x);
		put_signed(b, neg ? cu->cur_neg : cu->cur_pos, &x, d, cu);
		return b->data == NULL ? buf_puts(b, "", e) : 0;
	case 'P':
		/* Percent: times 100 in decimal, exact and without the
		 * overflow of f * 100 (an integer was scaled twice). */
		x.point += 2;
		dec_round(&x, d);
		neg = x.neg && !dec_is_zero(&x);
		put_signed(b, neg ? cu->pct_neg : cu->pct_pos, &x, d, cu);
		return b->data == NULL ? buf_puts(b, "", e) : 0;
	case 'N':
	case 'F':
		dec_round(&x, d);
		if (x.neg && !dec_is_zero(&x))
			buf_puts(b, cu->minus, NULL);
		put_fixed(b, &x, d, toupper((unsigned char)spec) != 'F', cu);
		return 0;
	case 'D':
		dec_round(&x, 0);
		if (x.neg && !dec_is_zero(&x))
			buf_puts(b, cu->minus, NULL);
		put_int(b, &x, prec < 0 ? 1 : prec, false, cu);
		return 0;
	case 'X':
		/* (int64_t)f is undefined past the range of int64_t. */
		if (v->type != EXPR_T_INT && !(f >= -0x1p63 && f < 0x1p63))
			return rs_err_set(e, RS_E_BADINPUT, "cannot format %g "
			    "as hexadecimal: it is not a 64-bit integer", f);
		snprintf(tmp, sizeof(tmp), isupper((unsigned char)spec) ?
		    "%0*llX" : "%0*llx", prec < 0 ? 1 : prec,
		    (unsigned long long)(v->type == EXPR_T_INT ? v->u.i :
		    (int64_t)f));
		return buf_puts(b, tmp, e);
	case 'E':
		snprintf(tmp, sizeof(tmp), "%.*E", prec < 0 ? 6 : prec, f);
		{
			/* .NET writes at least three exponent digits. */
			char *ep = strchr(tmp, 'E');
			int ex = (int)strtol(ep + 1, NULL, 10);
			*ep = '\0';
			if (cu != expr_culture_en())
				put_local(b, tmp, cu, NULL);
			else
				buf_puts(b, tmp, NULL);
			return buf_printf(b, e, "%c%c%03d", spec,
			    ex < 0 ? '-' : '+', abs(ex));
		}
	default:	/* G, R */
		if (cu != expr_culture_en())
			return put_general(b, v, f, prec, cu, e);
		if (prec > 0 && v->type != EXPR_T_INT)
			return buf_printf(b, e, "%.*G", prec > 17 ? 17 : prec, f);
		return expr_value_text(v, b, e);
	}
}

/* The parts of one section of a custom numeric format. */
struct numsec {
	const char	*s;
	size_t		 len;
	int		 int_zeros;	/* '0's before the point (from first 0) */
	int		 frac_min, frac_max;
	bool		 group, percent, has_point;
	int		 scale;		/* thousands scaling commas */
};

static void
scan_section(struct numsec *ns)
{
	size_t		 i;
	bool		 point = false, seen_zero = false, seen_ph = false;
	int		 commas = 0;
	char		 c, q;

	for (i = 0; i < ns->len; i++) {
		c = ns->s[i];
		if (c == '\'' || c == '"') {
			for (q = c, i++; i < ns->len && ns->s[i] != q; i++)
				;
			continue;
		}
		if (c == '\\') {
			i++;
			continue;
		}
		if (c == '0' || c == '#') {
			if (commas > 0 && !point && seen_ph)
				ns->group = true;
			commas = 0;
			seen_ph = true;
			if (point) {
				ns->frac_max++;
				if (c == '0')
					ns->frac_min = ns->frac_max;
			} else if (c == '0' || seen_zero) {
				seen_zero = true;
				ns->int_zeros++;
			}
		} else if (c == ',' && !point) {
			commas++;
		} else if (c == '.' && !point) {
			point = ns->has_point = true;
			ns->scale = commas;
			commas = 0;
		} else if (c == '%')
			ns->percent = true;
	}
	if (!point)
		ns->scale = commas;
}

static void
put_frac_digit(struct buf *b, const struct dec *x, int i)
{
	int		 idx = x->point + i;

	buf_append(b, idx >= 0 && idx < x->nd ? &x->d[idx] : "0", 1, NULL);
}

static void
emit_custom(struct buf *b, const struct numsec *ns, struct dec *x,
    bool minus, const struct expr_culture *cu)
{
	size_t		 i;
	bool		 int_done = false, point_done = false;
	int		 fi = 0, nfrac;
	char		 c, q;

	nfrac = ns->frac_min;
	for (int k = ns->frac_max; k > ns->frac_min; k--)
		if (x->point + k - 1 >= 0 && x->point + k - 1 < x->nd) {
			nfrac = k;
			break;
		}
	if (minus)
		buf_puts(b, cu->minus, NULL);
	for (i = 0; i < ns->len; i++) {
		c = ns->s[i];
		if (c == '\'' || c == '"') {
			for (q = c, i++; i < ns->len && ns->s[i] != q; i++)
				buf_append(b, &ns->s[i], 1, NULL);
		} else if (c == '\\' && i + 1 < ns->len) {
			buf_append(b, &ns->s[++i], 1, NULL);
		} else if ((c == '0' || c == '#') && !point_done) {
			if (!int_done) {
				if (x->point > 0 || ns->int_zeros > 0)
					put_int(b, x, ns->int_zeros, ns->group,
					    cu);
				int_done = true;
			}
		} else if (c == '0' || c == '#') {
			if (fi < nfrac)
				put_frac_digit(b, x, fi);
			fi++;
		} else if (c == '.' && !point_done) {
			point_done = true;
			if (!int_done) {
				if (ns->int_zeros > 0 || x->point > 0)
					put_int(b, x, ns->int_zeros, ns->group,
					    cu);
				int_done = true;
			}
			if (nfrac > 0)
				buf_puts(b, cu->decimal, NULL);
		} else if (c == '%')
			buf_puts(b, cu->percent, NULL);
		else if (c != ',')
			buf_append(b, &c, 1, NULL);
	}
}

/* Splits fmt at unquoted ';' into up to three sections. */
static int
split_sections(const char *fmt, struct numsec *sec)
{
	const char	*p = fmt, *start = fmt;
	int		 n = 0;
	char		 q;

	for (;; p++) {
		if (*p == '\'' || *p == '"') {
			for (q = *p++; *p != '\0' && *p != q; p++)
				;
			if (*p == '\0')
				break;
			continue;
		}
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == ';' || *p == '\0') {
			if (n < 3) {
				memset(&sec[n], 0, sizeof(sec[n]));
				sec[n].s = start;
				sec[n].len = (size_t)(p - start);
				scan_section(&sec[n]);
				n++;
			}
			if (*p == '\0')
				break;
			start = p + 1;
		}
	}
	if (*p == '\0' && n == 0) {
		memset(&sec[0], 0, sizeof(sec[0]));
		sec[0].s = fmt;
		sec[0].len = strlen(fmt);
		scan_section(&sec[0]);
		n = 1;
	}
	return n;
}

static int
custom_number(const struct expr_value *v, double f, const char *fmt,
    const struct expr_culture *cu, struct buf *b, struct rs_err *e)
{
	struct numsec	 sec[3], *ns;
	struct dec	 x;
	int		 n = split_sections(fmt, sec), i;
	bool		 neg;

	ns = &sec[0];
	dec_from_value(v, f, &x);
	neg = x.neg && !dec_is_zero(&x);
	if (neg && n >= 2 && sec[1].len > 0)
		ns = &sec[1];
	if (ns->percent)
		x.point += 2;
	x.point -= 3 * ns->scale;
	dec_round(&x, ns->frac_max);
	if (dec_is_zero(&x) && n >= 3 && sec[2].len > 0) {
		ns = &sec[2];
		dec_from_value(v, 0, &x);
		x.nd = 0;
		x.point = 0;
	}
	for (i = 0; i < 1; i++)
		emit_custom(b, ns, &x, neg && ns == &sec[0] && !dec_is_zero(&x),
		    cu);
	return b->data == NULL ? buf_puts(b, "", e) : 0;
}

static int
format_number(const struct expr_value *v, const char *fmt,
    const struct expr_culture *cu, struct buf *b, struct rs_err *e)
{
	double		 f = 0;
	char		*end;
	long		 prec = -1;

	if (v->type != EXPR_T_INT && expr_to_double(v, &f, e) == -1)
		return -1;
	if (v->type == EXPR_T_INT)
		f = (double)v->u.i;
	/* Infinity and NaN have no digits: .NET prints them as they are,
	 * whatever the format (x / 0 in a report with Format N2). */
	if (!isfinite(f))
		return expr_value_text(v, b, e);
	if (isalpha((unsigned char)fmt[0]) && strchr("CcDdEeFfGgNnPpRrXx",
	    fmt[0]) != NULL) {
		if (fmt[1] == '\0')
			return std_number(v, f, fmt[0], -1, cu, b, e);
		prec = strtol(fmt + 1, &end, 10);
		if (*end == '\0' && prec >= 0 && prec <= 99 &&
		    isdigit((unsigned char)fmt[1]))
			return std_number(v, f, fmt[0], (int)prec, cu, b, e);
	}
	return custom_number(v, f, fmt, cu, b, e);
}

static int
weekday(int64_t dt)
{
	int64_t		 days = dt / 86400000LL;

	if (dt % 86400000LL < 0)
		days--;
	return (int)(((days % 7) + 11) % 7);	/* 1970-01-01 was a Thursday */
}

static void
put_num(struct buf *b, int v, int width)
{
	buf_printf(b, NULL, "%0*d", width, v);
}

/* One run of a custom date format: c repeated n times. */
static void
date_token(struct buf *b, int64_t dt, char c, int n,
    const struct expr_culture *cu, bool genitive)
{
	int		 y, mo, d, h, mi, s, ms, h12;

	expr_dt_split(dt, &y, &mo, &d, &h, &mi, &s, &ms);
	h12 = h % 12 == 0 ? 12 : h % 12;
	switch (c) {
	case 'd':
		if (n <= 2)
			put_num(b, d, n);
		else
			buf_puts(b, n == 3 ? cu->days_abbr[weekday(dt)] :
			    cu->days[weekday(dt)], NULL);
		break;
	case 'M':
		if (n <= 2)
			put_num(b, mo, n);
		else
			buf_puts(b, n == 3 ? cu->months_abbr[mo - 1] :
			    genitive ? cu->months_gen[mo - 1] :
			    cu->months[mo - 1], NULL);
		break;
	case 'y':
		if (n == 1)
			put_num(b, y % 100, 1);
		else if (n == 2)
			put_num(b, y % 100, 2);
		else
			put_num(b, y, n);
		break;
	case 'h': put_num(b, h12, n > 2 ? 2 : n); break;
	case 'H': put_num(b, h, n > 2 ? 2 : n); break;
	case 'm': put_num(b, mi, n > 2 ? 2 : n); break;
	case 's': put_num(b, s, n > 2 ? 2 : n); break;
	case 'f':
	case 'F': {
		char frac[8];
		int k;

		snprintf(frac, sizeof(frac), "%03d0000", ms);
		k = n > 7 ? 7 : n;
		if (c == 'F')
			while (k > 0 && frac[k - 1] == '0')
				k--;
		buf_append(b, frac, (size_t)k, NULL);
		break;
	}
	case 't':
		if (n == 1 && cu != expr_culture_en())
			buf_printf(b, NULL, "%.1s", h < 12 ? cu->am : cu->pm);
		else
			buf_printf(b, NULL, "%.*s", n == 1 ? 1 : 30,
			    h < 12 ? cu->am : cu->pm);
		break;
	default:	/* z, K, g: time zone and era are not kept */
		break;
	}
}

/* .NET uses the genitive month names when the format has a day (d, dd). */
static bool
has_day(const char *p)
{
	int		 n;

	while (*p != '\0') {
		if (*p == '\'' || *p == '"') {
			char q = *p++;
			while (*p != '\0' && *p != q)
				p++;
			if (*p != '\0')
				p++;
			continue;
		}
		if (*p != 'd') {
			p++;
			continue;
		}
		for (n = 0; *p == 'd'; p++)
			n++;
		if (n <= 2)
			return true;
	}
	return false;
}

static int
custom_date(int64_t dt, const char *fmt, const struct expr_culture *cu,
    struct buf *b, struct rs_err *e)
{
	const char	*p = fmt;
	char		 c, q;
	int		 n;
	bool		 gen = cu != expr_culture_en() && has_day(fmt);

	if (p[0] == '%' && p[1] != '\0')
		p++;
	while (*p != '\0') {
		c = *p;
		if (c == '\'' || c == '"') {
			for (q = *p++; *p != '\0' && *p != q; p++)
				buf_append(b, p, 1, NULL);
			if (*p != '\0')
				p++;
			continue;
		}
		if (c == '\\' && p[1] != '\0') {
			buf_append(b, p + 1, 1, NULL);
			p += 2;
			continue;
		}
		if (c == '/' || c == ':') {
			buf_puts(b, c == '/' ? cu->date_sep : cu->time_sep, NULL);
			p++;
			continue;
		}
		if (strchr("dMyhHmsfFtzKg", c) == NULL) {
			buf_append(b, p++, 1, NULL);
			continue;
		}
		for (n = 0; *p == c; p++)
			n++;
		date_token(b, dt, c, n, cu, gen);
	}
	return b->data == NULL ? buf_puts(b, "", e) : 0;
}

/* A standard date format as a custom one; combined ones in buf. */
static const char *
std_date(char c, const struct expr_culture *cu, char *buf, size_t size)
{
	switch (c) {
	case 'd': return cu->pat_d;
	case 'D': return cu->pat_D;
	case 'f': snprintf(buf, size, "%s %s", cu->pat_D, cu->pat_t); return buf;
	case 'F': case 'U':
		snprintf(buf, size, "%s %s", cu->pat_D, cu->pat_T);
		return buf;
	case 'g': snprintf(buf, size, "%s %s", cu->pat_d, cu->pat_t); return buf;
	case 'G': snprintf(buf, size, "%s %s", cu->pat_d, cu->pat_T); return buf;
	case 'm': case 'M': return cu->pat_M;
	case 'o': case 'O': return "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff";
	case 'r': case 'R': return "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'";
	case 's': return "yyyy'-'MM'-'dd'T'HH':'mm':'ss";
	case 't': return cu->pat_t;
	case 'T': return cu->pat_T;
	case 'u': return "yyyy'-'MM'-'dd HH':'mm':'ss'Z'";
	case 'y': case 'Y': return cu->pat_y;
	default: return NULL;
	}
}

int
expr_format_culture(const struct expr_value *v, const char *fmt,
    const struct expr_culture *cu, struct buf *b, struct rs_err *e)
{
	const struct expr_culture *inv = expr_culture_en();
	const char	*std;
	char		 tmp[160];

	if (cu == NULL)
		cu = inv;
	if (fmt == NULL || fmt[0] == '\0' || v->type == EXPR_T_STRING ||
	    v->type == EXPR_T_NULL || v->type == EXPR_T_BOOL ||
	    v->type == EXPR_T_TIMESPAN || v->type == EXPR_T_ARRAY) {
		if (v->type == EXPR_T_DATETIME)
			return custom_date(v->u.dt, std_date('G', cu, tmp,
			    sizeof(tmp)), cu, b, e);
		if (cu != inv && (v->type == EXPR_T_FLOAT ||
		    v->type == EXPR_T_INT))
			return format_number(v, "G", cu, b, e);
		return expr_value_text(v, b, e);
	}
	if (v->type == EXPR_T_DATETIME) {
		std = fmt[1] == '\0' ? std_date(fmt[0], cu, tmp, sizeof(tmp)) :
		    NULL;
		/* The invariant forms (o, r, s, u) use English names. */
		if (std != NULL && strchr("oOrRsu", fmt[0]) != NULL)
			cu = inv;
		return custom_date(v->u.dt, std != NULL ? std : fmt, cu, b, e);
	}
	return format_number(v, fmt, cu, b, e);
}

int
expr_format(const struct expr_value *v, const char *fmt, struct buf *b,
    struct rs_err *e)
{
	return expr_format_culture(v, fmt, NULL, b, e);
}
