/*
 * fuzz_style.c: fuzz target of the report style tokeniser (render/style.c:
 * every Style value is parsed into the tokens it may hold, never copied,
 * issue 18's CSS injection) through the whole path a report takes: the
 * input's lines are the values of a textbox's Style properties (line 0
 * BorderStyle, 1 Border Color, 2 Border Width, 3 BackgroundColor,
 * 4 PaddingLeft, 5 VerticalAlign, 6 FontFamily, 7 FontSize, 8 FontWeight,
 * 9 Color, 10 TextDecoration, 11 Format, 12 FontStyle, 13 TextAlign,
 * 14 Language, 15 the run's Value; a value starting with '=' is an
 * expression), rendered as HTML5, PDF or Excel (by the input's length).
 * Invariants: neither an HTML style attribute nor a class rule of the
 * page's <style> (one ".cN{...}" block a line after the renderer's fixed
 * rules) holds what could end a declaration or a rule or load anything
 * ({ } < > \ @, url(, expression(),
 * and style_clean_color() leaves an empty string or a colour token that
 * a second pass keeps as it is.
 */
#include "fuzz.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "fuzz_render.h"
#include "render/render_int.h"

static const char *const formats[] = { "HTML5", "HTML5", "PDF",
    "EXCELOPENXML" };

static void
check_color(const char *in)
{
	char	a[128], b[128];

	snprintf(a, sizeof(a), "%s", in);
	style_clean_color(a);
	for (const char *p = a; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("#(),.% ", *p) ==
		    NULL)
			fuzz_fail("a colour kept a character it may not hold",
			    a);
	memcpy(b, a, sizeof(b));
	style_clean_color(b);
	if (strcmp(a, b) != 0)
		fuzz_fail("a clean colour changed when cleaned again", a);
}

static bool
has_ci(const char *s, size_t n, const char *word)
{
	size_t	k = strlen(word);

	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, word, k) == 0)
			return true;
	return false;
}

/* What a style value may not bring into CSS. */
static void
check_css(const char *a, const char *q, const char *where)
{
	for (const char *c = a; c < q; c++)
		if (strchr("{}<>\\@", *c) != NULL)
			fuzz_fail("CSS holds { } < > \\ or @", where);
	/* "@import" needs its @; a bare word (a colour name) loads nothing. */
	if (has_ci(a, (size_t)(q - a), "url(") ||
	    has_ci(a, (size_t)(q - a), "expression("))
		fuzz_fail("CSS loads something", where);
}

/*
 * The page's <style>: the renderer's fixed rules, then one ".cN{...}" a
 * line for the styles the report uses, each a single declaration block.
 */
static void
check_rules(const struct buf *out)
{
	static const char	 fixed[] = "dashed #999}\n";
	const char		*end = out->data + out->len, *p;

	p = memmem(out->data, out->len, "<style>", 7);
	if (p == NULL)
		return;
	p = memmem(p, (size_t)(end - p), fixed, sizeof(fixed) - 1);
	if (p == NULL)
		fuzz_fail("the page's fixed CSS rules are not there", "");
	p += sizeof(fixed) - 1;
	while ((size_t)(end - p) < 8 || memcmp(p, "</style>", 8) != 0) {
		const char	*q;

		if (end - p < 3 || p[0] != '.' || p[1] != 'c' ||
		    !isdigit((unsigned char)p[2]))
			fuzz_fail("the page's CSS has more than class rules", "");
		for (p += 2; p < end && isdigit((unsigned char)*p); p++)
			;
		if (p == end || *p != '{')
			fuzz_fail("a class rule has no block", "");
		p++;
		q = memchr(p, '}', (size_t)(end - p));
		if (q == NULL || q + 1 == end || q[1] != '\n')
			fuzz_fail("a class rule is not one block a line", "");
		check_css(p, q, "a class rule");
		p = q + 2;
	}
}

/* Every style="..." of the HTML output, and the page's class rules. */
static void
check_html(const struct buf *out)
{
	const char	*p = out->data, *end = out->data + out->len;

	check_rules(out);

	while (p != NULL && p < end) {
		const char	*a = memmem(p, (size_t)(end - p), "style=\"", 7);
		const char	*q;

		if (a == NULL)
			break;
		a += 7;
		q = memchr(a, '"', (size_t)(end - a));
		if (q == NULL)
			fuzz_fail("a style attribute is not closed", "");
		check_css(a, q, "a style attribute");
		p = q + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fr_slots	 s;
	struct buf	 rdl, out;
	const char	*fmt = formats[size % 4];

	if (size > 4096)
		return 0;
	fr_slots(data, size, &s);
	for (size_t i = 0; i < s.n; i++)
		check_color(s.v[i]);
	buf_init(&rdl, 0);
	buf_init(&out, 0);
	(void)buf_puts(&rdl, "<Report xmlns=\"http://schemas.microsoft.com/"
	    "sqlserver/reporting/2016/01/reportdefinition\"><ReportSections>"
	    "<ReportSection><Body><ReportItems><Textbox Name=\"T\">"
	    "<Paragraphs><Paragraph><TextRuns><TextRun>", NULL);
	if (s.n > 15)
		fr_elem(&rdl, &s, 15, "Value");
	else
		(void)buf_puts(&rdl, "<Value>Fuzz</Value>", NULL);
	(void)buf_puts(&rdl, "<Style>", NULL);
	fr_elem(&rdl, &s, 6, "FontFamily");
	fr_elem(&rdl, &s, 7, "FontSize");
	fr_elem(&rdl, &s, 8, "FontWeight");
	fr_elem(&rdl, &s, 9, "Color");
	fr_elem(&rdl, &s, 10, "TextDecoration");
	fr_elem(&rdl, &s, 11, "Format");
	fr_elem(&rdl, &s, 12, "FontStyle");
	fr_elem(&rdl, &s, 14, "Language");
	(void)buf_puts(&rdl, "</Style></TextRun></TextRuns><Style>", NULL);
	fr_elem(&rdl, &s, 13, "TextAlign");
	(void)buf_puts(&rdl, "</Style></Paragraph></Paragraphs><Style>", NULL);
	if (s.n > 0) {
		(void)buf_puts(&rdl, "<Border>", NULL);
		fr_elem(&rdl, &s, 0, "Style");
		fr_elem(&rdl, &s, 1, "Color");
		fr_elem(&rdl, &s, 2, "Width");
		(void)buf_puts(&rdl, "</Border>", NULL);
	}
	fr_elem(&rdl, &s, 3, "BackgroundColor");
	fr_elem(&rdl, &s, 4, "PaddingLeft");
	fr_elem(&rdl, &s, 5, "VerticalAlign");
	(void)buf_puts(&rdl, "</Style></Textbox></ReportItems><Height>1in"
	    "</Height></Body><Width>6in</Width><Page/></ReportSection>"
	    "</ReportSections></Report>", NULL);
	if (fr_render(&rdl, fmt, &out) == 0 && fmt[0] == 'H')
		check_html(&out);
	buf_fini(&rdl);
	buf_fini(&out);
	fr_slots_fini(&s);
	return 0;
}
