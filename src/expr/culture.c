/*
 * culture.c: the cultures of a report's Language.  en-US is a built-in
 * table (what the formats have always written, byte for byte); any other
 * culture is loaded from ICU: the number symbols (decimal, group, minus,
 * percent, currency) and where the currency and percent signs go, month
 * and day names (standalone and genitive), AM/PM, and the standard date
 * and time patterns turned into .NET custom formats ("dd.MM.yyyy").  ICU
 * follows CLDR, which .NET Core also uses; .NET Framework's own tables
 * differ in places (en-GB's long date, for one): see docs/reports.md.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/uloc.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "expr/expr_int.h"

#define U16_MAX	128

static const struct expr_culture en_us = {
	.name = "en-US", .decimal = ".", .group = ",", .minus = "-",
	.percent = "%", .currency = "$",
	.cur_pos = "$n", .cur_neg = "($n)", .pct_pos = "n %", .pct_neg = "-n %",
	.months = { "January", "February", "March", "April", "May", "June",
	    "July", "August", "September", "October", "November", "December" },
	.months_gen = { "January", "February", "March", "April", "May",
	    "June", "July", "August", "September", "October", "November",
	    "December" },
	.months_abbr = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" },
	.days = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
	    "Friday", "Saturday" },
	.days_abbr = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" },
	.am = "AM", .pm = "PM", .date_sep = "/", .time_sep = ":",
	.pat_d = "M/d/yyyy", .pat_D = "dddd, MMMM d, yyyy", .pat_t = "h:mm tt",
	.pat_T = "h:mm:ss tt", .pat_M = "MMMM d", .pat_y = "MMMM yyyy",
};

const struct expr_culture *
expr_culture_en(void)
{
	return &en_us;
}

const char *
expr_culture_name(const struct expr_culture *c)
{
	return c != NULL ? c->name : "en-US";
}

static void
to_utf8(const UChar *u, int32_t n, char *out, size_t size)
{
	UErrorCode	 st = U_ZERO_ERROR;
	int32_t		 len = 0;

	u_strToUTF8(out, (int32_t)size - 1, &len, u, n, &st);
	if (U_FAILURE(st) || len < 0 || (size_t)len >= size)
		len = 0;
	out[len] = '\0';
}

static char *
symbol_dup(const UChar *u, int32_t n)
{
	char		 tmp[256];

	to_utf8(u, n, tmp, sizeof(tmp));
	return xstrdup(tmp);
}

static void
num_symbol(UNumberFormat *f, UNumberFormatSymbol s, char *out, size_t size)
{
	UChar		 u[U16_MAX];
	UErrorCode	 st = U_ZERO_ERROR;
	int32_t		 n = unum_getSymbol(f, s, u, U16_MAX, &st);

	if (U_FAILURE(st) || n <= 0 || n >= U16_MAX)
		return;
	to_utf8(u, n, out, size);
}

/*
 * An ICU number pattern ("#,##0.00 ¤", "¤#,##0.00;(¤#,##0.00)") as ours:
 * 'n' for the number, '$' for the symbol, '-' for the minus sign, the
 * rest as written.  neg: the negative subpattern (or '-' + positive).
 */
static void
sign_pattern(const UChar *u, int32_t n, bool neg, char *out, size_t size)
{
	char		 pat[128], *semi, *src, buf[128];
	size_t		 j = 0;
	bool		 num = false;

	to_utf8(u, n, pat, sizeof(pat));
	semi = strchr(pat, ';');
	src = pat;
	if (neg && semi != NULL)
		src = semi + 1;
	else if (semi != NULL)
		*semi = '\0';
	if (neg && semi == NULL && j + 1 < sizeof(buf))
		buf[j++] = '-';
	for (char *p = src; *p != '\0' && j + 4 < sizeof(buf); p++) {
		if (strchr("#0,.", *p) != NULL) {
			if (!num)
				buf[j++] = 'n';
			num = true;
			continue;
		}
		if (strncmp(p, "\xC2\xA4", 2) == 0) {	/* U+00A4 ¤ */
			buf[j++] = '$';
			p++;
			continue;
		}
		if (*p == '\'')
			continue;
		buf[j++] = *p;
	}
	buf[j] = '\0';
	snprintf(out, size, "%s", buf);
}

static int
load_numbers(struct expr_culture *c, const char *loc, struct rs_err *e)
{
	UErrorCode	 st = U_ZERO_ERROR;
	UNumberFormat	*d, *cur, *pct;
	UChar		 u[U16_MAX];
	int32_t		 n;

	d = unum_open(UNUM_DECIMAL, NULL, 0, loc, NULL, &st);
	cur = unum_open(UNUM_CURRENCY, NULL, 0, loc, NULL, &st);
	pct = unum_open(UNUM_PERCENT, NULL, 0, loc, NULL, &st);
	if (U_FAILURE(st)) {
		unum_close(d);
		unum_close(cur);
		unum_close(pct);
		return rs_err_set(e, RS_E_BADINPUT, "culture %s: ICU has no "
		    "number format (%s)", c->name, u_errorName(st));
	}
	num_symbol(d, UNUM_DECIMAL_SEPARATOR_SYMBOL, c->decimal,
	    sizeof(c->decimal));
	num_symbol(d, UNUM_GROUPING_SEPARATOR_SYMBOL, c->group, sizeof(c->group));
	num_symbol(d, UNUM_MINUS_SIGN_SYMBOL, c->minus, sizeof(c->minus));
	num_symbol(d, UNUM_PERCENT_SYMBOL, c->percent, sizeof(c->percent));
	num_symbol(cur, UNUM_CURRENCY_SYMBOL, c->currency, sizeof(c->currency));
	st = U_ZERO_ERROR;
	n = unum_toPattern(cur, false, u, U16_MAX, &st);
	if (U_SUCCESS(st) && n < U16_MAX) {
		sign_pattern(u, n, false, c->cur_pos, sizeof(c->cur_pos));
		sign_pattern(u, n, true, c->cur_neg, sizeof(c->cur_neg));
	}
	st = U_ZERO_ERROR;
	n = unum_toPattern(pct, false, u, U16_MAX, &st);
	if (U_SUCCESS(st) && n < U16_MAX) {
		sign_pattern(u, n, false, c->pct_pos, sizeof(c->pct_pos));
		sign_pattern(u, n, true, c->pct_neg, sizeof(c->pct_neg));
	}
	unum_close(d);
	unum_close(cur);
	unum_close(pct);
	return 0;
}

static void
load_names(struct expr_culture *c, UDateFormat *f)
{
	UChar		 u[U16_MAX];
	UErrorCode	 st;
	int32_t		 n;
	int		 i;

	for (i = 0; i < 12; i++) {
		st = U_ZERO_ERROR;
		n = udat_getSymbols(f, UDAT_STANDALONE_MONTHS, i, u, U16_MAX, &st);
		c->months[i] = U_SUCCESS(st) ? symbol_dup(u, n) : xstrdup("");
		st = U_ZERO_ERROR;
		n = udat_getSymbols(f, UDAT_MONTHS, i, u, U16_MAX, &st);
		c->months_gen[i] = U_SUCCESS(st) ? symbol_dup(u, n) : xstrdup("");
		st = U_ZERO_ERROR;
		n = udat_getSymbols(f, UDAT_STANDALONE_SHORT_MONTHS, i, u,
		    U16_MAX, &st);
		c->months_abbr[i] = U_SUCCESS(st) ? symbol_dup(u, n) :
		    xstrdup("");
	}
	for (i = 0; i < 7; i++) {	/* ICU numbers Sunday 1 */
		st = U_ZERO_ERROR;
		n = udat_getSymbols(f, UDAT_STANDALONE_WEEKDAYS, i + 1, u,
		    U16_MAX, &st);
		c->days[i] = U_SUCCESS(st) ? symbol_dup(u, n) : xstrdup("");
		st = U_ZERO_ERROR;
		n = udat_getSymbols(f, UDAT_STANDALONE_SHORT_WEEKDAYS, i + 1, u,
		    U16_MAX, &st);
		c->days_abbr[i] = U_SUCCESS(st) ? symbol_dup(u, n) : xstrdup("");
	}
	st = U_ZERO_ERROR;
	n = udat_getSymbols(f, UDAT_AM_PMS, 0, u, U16_MAX, &st);
	if (U_SUCCESS(st))
		to_utf8(u, n, c->am, sizeof(c->am));
	st = U_ZERO_ERROR;
	n = udat_getSymbols(f, UDAT_AM_PMS, 1, u, U16_MAX, &st);
	if (U_SUCCESS(st))
		to_utf8(u, n, c->pm, sizeof(c->pm));
}

/*
 * An ICU date pattern as a .NET custom format: y and yy become yyyy
 * (.NET's cultures write four-digit years in their short dates), E
 * becomes ddd or dddd, L (standalone month) M, a tt; quotes are kept.
 */
static void
icu_to_net(const char *p, char *out, size_t size)
{
	size_t		 j = 0;
	char		 ch;
	int		 n;

	while (*p != '\0' && j + 6 < size) {
		if (*p == '\'') {
			do
				out[j++] = *p++;
			while (*p != '\0' && *p != '\'' && j + 2 < size);
			if (*p == '\'')
				out[j++] = *p++;
			continue;
		}
		if (!isalpha((unsigned char)*p)) {
			out[j++] = *p++;
			continue;
		}
		ch = *p;
		for (n = 0; *p == ch; p++)
			n++;
		switch (ch) {
		case 'y': case 'u': case 'U': case 'r':
			n = n == 2 ? 4 : n < 4 ? 4 : n;
			ch = 'y';
			break;
		case 'E': case 'c': case 'e':
			n = n >= 4 ? 4 : 3;
			ch = 'd';
			break;
		case 'L':
			ch = 'M';
			break;
		case 'a': case 'b': case 'B':
			n = 2;
			ch = 't';
			break;
		case 'k':
			ch = 'H';
			break;
		case 'K':
			ch = 'h';
			break;
		case 'G': case 'z': case 'Z': case 'v': case 'V': case 'O':
		case 'X': case 'x':
			n = 0;	/* era and zone: not kept */
			break;
		default:
			break;
		}
		while (n-- > 0 && j + 2 < size)
			out[j++] = ch;
	}
	out[j] = '\0';
	/* An era or zone dropped may leave blanks at the ends. */
	while (j > 0 && out[j - 1] == ' ')
		out[--j] = '\0';
}

static void
pattern_of(UDateFormatStyle t, UDateFormatStyle d, const char *loc,
    char *out, size_t size)
{
	UErrorCode	 st = U_ZERO_ERROR;
	UDateFormat	*f = udat_open(t, d, loc, NULL, 0, NULL, 0, &st);
	UChar		 u[U16_MAX];
	char		 tmp[128];
	int32_t		 n;

	if (U_FAILURE(st))
		return;
	n = udat_toPattern(f, false, u, U16_MAX, &st);
	if (U_SUCCESS(st) && n < U16_MAX) {
		to_utf8(u, n, tmp, sizeof(tmp));
		icu_to_net(tmp, out, size);
	}
	udat_close(f);
}

static void
skeleton(UDateTimePatternGenerator *g, const char *sk, char *out,
    size_t size)
{
	UChar		 s[32], u[U16_MAX];
	UErrorCode	 st = U_ZERO_ERROR;
	char		 tmp[128];
	int32_t		 n;

	u_uastrcpy(s, sk);
	n = udatpg_getBestPattern(g, s, -1, u, U16_MAX, &st);
	if (U_SUCCESS(st) && n < U16_MAX) {
		to_utf8(u, n, tmp, sizeof(tmp));
		icu_to_net(tmp, out, size);
	}
}

/* Day, month and year order and the separators, from the short date. */
static void
date_order(struct expr_culture *c)
{
	const char	*d = strchr(c->pat_d, 'd'), *m = strchr(c->pat_d, 'M');
	const char	*y = strchr(c->pat_d, 'y'), *p;

	c->dmy = d != NULL && m != NULL && d < m;
	c->ymd = y != NULL && m != NULL && y < m;
	snprintf(c->date_sep, sizeof(c->date_sep), "/");
	for (p = c->pat_d; *p != '\0'; p++)
		if (!isalpha((unsigned char)*p) && *p != '\'' && *p != ' ') {
			snprintf(c->date_sep, sizeof(c->date_sep), "%c", *p);
			break;
		}
	snprintf(c->time_sep, sizeof(c->time_sep), "%s",
	    strchr(c->pat_T, '.') != NULL && strchr(c->pat_T, ':') == NULL ?
	    "." : ":");
}

static int
load_dates(struct expr_culture *c, const char *loc, struct rs_err *e)
{
	UErrorCode	 st = U_ZERO_ERROR;
	UDateFormat	*f = udat_open(UDAT_NONE, UDAT_SHORT, loc, NULL, 0, NULL,
	    0, &st);
	UDateTimePatternGenerator *g;

	if (U_FAILURE(st))
		return rs_err_set(e, RS_E_BADINPUT, "culture %s: ICU has no "
		    "date format (%s)", c->name, u_errorName(st));
	load_names(c, f);
	udat_close(f);
	pattern_of(UDAT_NONE, UDAT_SHORT, loc, c->pat_d, sizeof(c->pat_d));
	pattern_of(UDAT_NONE, UDAT_FULL, loc, c->pat_D, sizeof(c->pat_D));
	pattern_of(UDAT_SHORT, UDAT_NONE, loc, c->pat_t, sizeof(c->pat_t));
	pattern_of(UDAT_MEDIUM, UDAT_NONE, loc, c->pat_T, sizeof(c->pat_T));
	st = U_ZERO_ERROR;
	g = udatpg_open(loc, &st);
	if (U_SUCCESS(st)) {
		skeleton(g, "MMMMd", c->pat_M, sizeof(c->pat_M));
		skeleton(g, "yMMMM", c->pat_y, sizeof(c->pat_y));
		udatpg_close(g);
	}
	date_order(c);
	return 0;
}

/* Is the language (and country, when given) one ICU has data for? */
static bool
icu_knows(const char *loc)
{
	char		 lang[16], want[64];
	UErrorCode	 st = U_ZERO_ERROR;
	int32_t		 n = uloc_countAvailable();

	uloc_getLanguage(loc, lang, sizeof(lang), &st);
	if (U_FAILURE(st) || lang[0] == '\0')
		return false;
	st = U_ZERO_ERROR;
	uloc_getBaseName(loc, want, sizeof(want), &st);
	if (U_FAILURE(st))
		return false;
	for (int32_t i = 0; i < n; i++)
		if (strcasecmp(uloc_getAvailable(i), want) == 0)
			return true;
	return false;
}

struct expr_culture *
expr_culture_new(const char *name, struct rs_err *e)
{
	struct expr_culture *c;
	char		 loc[64];
	size_t		 i;

	if (name == NULL || name[0] == '\0' || strcasecmp(name, "en-US") == 0)
		return NULL;
	if (strlen(name) >= sizeof(loc) || strlen(name) >= sizeof(c->name)) {
		rs_err_set(e, RS_E_BADINPUT, "culture name \"%.40s\" is too long",
		    name);
		return NULL;
	}
	for (i = 0; name[i] != '\0'; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' &&
		    name[i] != '_') {
			rs_err_set(e, RS_E_BADINPUT, "culture name \"%.40s\" is "
			    "not a culture such as de-DE", name);
			return NULL;
		}
		loc[i] = name[i] == '-' ? '_' : name[i];
	}
	loc[i] = '\0';
	if (!icu_knows(loc)) {
		rs_err_set(e, RS_E_BADINPUT, "culture %s is not known (ICU has "
		    "no data for it); give a culture such as de-DE, fr-FR, "
		    "en-GB, ja-JP", name);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	*c = en_us;
	memset(c->months, 0, sizeof(c->months));
	memset(c->months_gen, 0, sizeof(c->months_gen));
	memset(c->months_abbr, 0, sizeof(c->months_abbr));
	memset(c->days, 0, sizeof(c->days));
	memset(c->days_abbr, 0, sizeof(c->days_abbr));
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (load_numbers(c, loc, e) == -1 || load_dates(c, loc, e) == -1) {
		expr_culture_free(c);
		return NULL;
	}
	return c;
}

void
expr_culture_free(struct expr_culture *c)
{
	if (c == NULL || c == &en_us)
		return;
	for (int i = 0; i < 12; i++) {
		free((char *)c->months[i]);
		free((char *)c->months_gen[i]);
		free((char *)c->months_abbr[i]);
	}
	for (int i = 0; i < 7; i++) {
		free((char *)c->days[i]);
		free((char *)c->days_abbr[i]);
	}
	free(c);
}
