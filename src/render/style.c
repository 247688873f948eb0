/*
 * style.c: resolves the Style of a textbox for the layout formats.  The
 * textbox's own style gives borders, background, padding and vertical
 * alignment; the first paragraph gives the text alignment; the first run
 * gives font, colour and format (each level overriding the one before,
 * as RDL 2008+ defines).  Defaults: the report's df:DefaultFontFamily
 * (else Arial), 10pt, black, no padding.
 * Also named colours for the formats that need RGB (PDF, Excel).
 *
 * A style value comes from the report (and, through expressions, from
 * its data), so it is parsed into the tokens it may hold, never copied:
 * a colour is a name (letters), #hex (3, 4, 6 or 8 digits) or rgb()/rgba()
 * of numbers; a font family a list of names of letters, digits, spaces and
 * - _ . (quotes dropped); alignments and border styles one of their RDL
 * keywords; sizes numbers.  Anything else is dropped (the default
 * applies), so no value can end a CSS declaration or rule in HTML, or
 * carry url(), expression() or a quote.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "render/render_int.h"

static int
prop_str(struct rctx *c, const struct rdl_expr *p, char *out, size_t outsz)
{
	struct expr_value v;
	struct buf	 b;

	if (p == NULL)
		return 0;
	if (eval_prop(c, p, &v) == -1)
		return -1;
	buf_init(&b, 0);
	expr_value_text(&v, &b, NULL);
	expr_value_fini(&v);
	if (b.data != NULL && b.data[0] != '\0')
		snprintf(out, outsz, "%s", str_trim(b.data));
	buf_fini(&b);
	return 0;
}

static int
prop_size(struct rctx *c, const struct rdl_expr *p, double *out)
{
	char		 s[64] = "";
	double		 v;

	if (prop_str(c, p, s, sizeof(s)) == -1)
		return -1;
	if (s[0] != '\0' && (v = rdl_size(s)) >= 0)
		*out = v;
	return 0;
}

static const char *const aligns[] = { "Left", "Center", "Right", "General",
    "Justify", NULL };
static const char *const valigns[] = { "Top", "Middle", "Bottom", NULL };
static const char *const borders[] = { "None", "Solid", "Dotted", "Dashed",
    "Double", "Groove", "Ridge", "Inset", "Outset", "WindowInset", NULL };

/* Empties s unless it is one of the keywords (any case). */
static void
keyword_only(char *s, const char *const *kw)
{
	for (; *kw != NULL; kw++)
		if (strcasecmp(s, *kw) == 0)
			return;
	s[0] = '\0';
}

static bool
all_of(const char *s, const char *set, int (*cls)(int))
{
	for (; *s != '\0'; s++)
		if ((cls == NULL || !cls((unsigned char)*s)) &&
		    strchr(set, *s) == NULL)
			return false;
	return true;
}

void
style_clean_color(char *s)
{
	size_t	n = strlen(s);

	if (n == 0)
		return;
	if (s[0] == '#' && (n == 4 || n == 5 || n == 7 || n == 9) &&
	    all_of(s + 1, "", isxdigit))
		return;
	if (all_of(s, "", isalpha))
		return;
	if ((strncasecmp(s, "rgb(", 4) == 0 || strncasecmp(s, "rgba(", 5) ==
	    0) && s[n - 1] == ')' && all_of(s + (s[3] == '(' ? 4 : 5),
	    "0123456789., %)", NULL) && strchr(s, ')') == s + n - 1)
		return;
	s[0] = '\0';
}

/* Keeps a list of font names: letters, digits, space, - _ . and ','. */
static void
clean_family(char *s)
{
	char	*w = s;

	for (const char *r = s; *r != '\0'; r++)
		if (*r == '\'' || *r == '"')
			continue;	/* 'Segoe UI' and "Segoe UI" are names */
		else if (isalnum((unsigned char)*r) || strchr(" -_.,", *r) !=
		    NULL)
			*w++ = *r;
		else {
			s[0] = '\0';	/* not a font name: the default */
			return;
		}
	*w = '\0';
	w = str_trim(s);
	memmove(s, w, strlen(w) + 1);
}

/* Parses every value apply() copied into the tokens it may hold. */
static void
clean(struct rstyle *o, const char *fallback_font)
{
	clean_family(o->font_family);
	if (o->font_family[0] == '\0')
		snprintf(o->font_family, sizeof(o->font_family), "%s",
		    fallback_font);
	style_clean_color(o->color);
	style_clean_color(o->background);
	keyword_only(o->align, aligns);
	keyword_only(o->valign, valigns);
	for (int i = 0; i < 4; i++) {
		keyword_only(o->border[i].style, borders);
		if (o->border[i].style[0] == '\0')
			snprintf(o->border[i].style, sizeof(o->border[i].style),
			    "None");
		style_clean_color(o->border[i].color);
	}
}

static int
apply(struct rctx *c, const struct rdl_style *s, struct rstyle *o)
{
	char		 w[32] = "", fs[32] = "", td[32] = "";
	static const int side_of[] = { 0, 1, 2, 3 };	/* top bottom left right */

	if (prop_str(c, s->font_family, o->font_family,
	    sizeof(o->font_family)) == -1 ||
	    prop_size(c, s->font_size, &o->font_size) == -1 ||
	    prop_str(c, s->font_weight, w, sizeof(w)) == -1 ||
	    prop_str(c, s->font_style, fs, sizeof(fs)) == -1 ||
	    prop_str(c, s->text_decoration, td, sizeof(td)) == -1 ||
	    prop_str(c, s->color, o->color, sizeof(o->color)) == -1 ||
	    prop_str(c, s->background_color, o->background,
	    sizeof(o->background)) == -1 ||
	    prop_str(c, s->text_align, o->align, sizeof(o->align)) == -1 ||
	    prop_str(c, s->vertical_align, o->valign, sizeof(o->valign)) == -1 ||
	    prop_str(c, s->format, o->format, sizeof(o->format)) == -1)
		return -1;
	if (w[0] != '\0')
		o->bold = strcasecmp(w, "Bold") == 0 || strcasecmp(w,
		    "ExtraBold") == 0 || strcasecmp(w, "Heavy") == 0 ||
		    strcasecmp(w, "SemiBold") == 0;
	if (fs[0] != '\0')
		o->italic = strcasecmp(fs, "Italic") == 0;
	if (td[0] != '\0')
		o->underline = strcasecmp(td, "Underline") == 0;
	for (int i = 0; i < 4; i++)
		if (prop_size(c, s->padding[i], &o->padding[i]) == -1)
			return -1;
	/* The default border first, then each side overrides it. */
	for (int side = 0; side < 4; side++) {
		const struct rdl_border *bd[2] = { &s->border[RDL_SIDE_DEFAULT],
		    &s->border[RDL_SIDE_TOP + side_of[side]] };
		for (int k = 0; k < 2; k++) {
			if (prop_str(c, bd[k]->style, o->border[side].style,
			    sizeof(o->border[side].style)) == -1 ||
			    prop_str(c, bd[k]->color, o->border[side].color,
			    sizeof(o->border[side].color)) == -1 ||
			    prop_size(c, bd[k]->width, &o->border[side].width) == -1)
				return -1;
		}
	}
	return 0;
}

int
style_resolve(struct rctx *c, const struct rdl_item *it, struct rstyle *o)
{
	char	 dflt[sizeof(o->font_family)];

	memset(o, 0, sizeof(*o));
	snprintf(dflt, sizeof(dflt), "%s", c->r->default_font != NULL &&
	    c->r->default_font[0] != '\0' ? c->r->default_font : "Arial");
	clean_family(dflt);
	if (dflt[0] == '\0')
		snprintf(dflt, sizeof(dflt), "Arial");
	snprintf(o->font_family, sizeof(o->font_family), "%s", dflt);
	o->font_size = 10;
	for (int i = 0; i < 4; i++) {
		o->border[i].width = 1;
		snprintf(o->border[i].style, sizeof(o->border[i].style), "None");
	}
	if (it == NULL)
		return 0;
	if (apply(c, &it->style, o) == -1)
		return -1;
	if (it->nparas > 0) {
		if (apply(c, &it->paras[0].style, o) == -1)
			return -1;
		if (it->paras[0].nruns > 0 &&
		    apply(c, &it->paras[0].runs[0].style, o) == -1)
			return -1;
	}
	clean(o, dflt);
	return 0;
}

static const struct {
	const char	*name;
	unsigned	 rgb;
} colors[] = {
	{ "Black", 0x000000 }, { "White", 0xFFFFFF }, { "Silver", 0xC0C0C0 },
	{ "Gray", 0x808080 }, { "Grey", 0x808080 }, { "DimGray", 0x696969 },
	{ "DarkGray", 0xA9A9A9 }, { "LightGray", 0xD3D3D3 },
	{ "LightGrey", 0xD3D3D3 }, { "Gainsboro", 0xDCDCDC },
	{ "WhiteSmoke", 0xF5F5F5 }, { "Red", 0xFF0000 }, { "Green", 0x008000 },
	{ "Blue", 0x0000FF }, { "Yellow", 0xFFFF00 }, { "Orange", 0xFFA500 },
	{ "Pink", 0xFFC0CB }, { "Gold", 0xFFD700 }, { "Tomato", 0xFF6347 },
	{ "Turquoise", 0x40E0D0 }, { "LimeGreen", 0x32CD32 },
	{ "LightBlue", 0xADD8E6 }, { "Navy", 0x000080 }, { "Maroon", 0x800000 },
	{ "Purple", 0x800080 }, { "Teal", 0x008080 }, { "Olive", 0x808000 },
	{ "SteelBlue", 0x4682B4 }, { "DarkBlue", 0x00008B },
	{ "AliceBlue", 0xF0F8FF }, { "Khaki", 0xF0E68C },
	{ "Lavender", 0xE6E6FA }, { "Beige", 0xF5F5DC }, { "Ivory", 0xFFFFF0 },
	{ "Coral", 0xFF7F50 }, { "Salmon", 0xFA8072 }, { "Crimson", 0xDC143C },
	{ "Firebrick", 0xB22222 }, { "DarkGreen", 0x006400 },
	{ "ForestGreen", 0x228B22 }, { "SeaGreen", 0x2E8B57 },
	{ "CornflowerBlue", 0x6495ED }, { "RoyalBlue", 0x4169E1 },
	{ "MidnightBlue", 0x191970 }, { "SlateGray", 0x708090 },
	{ "LightSteelBlue", 0xB0C4DE }, { "LightYellow", 0xFFFFE0 },
	{ "PaleGoldenrod", 0xEEE8AA }, { "LightGreen", 0x90EE90 },
	{ "DarkRed", 0x8B0000 }, { "DarkOrange", 0xFF8C00 },
	{ "Wheat", 0xF5DEB3 }, { "Tan", 0xD2B48C }, { "Brown", 0xA52A2A },
	{ "Cyan", 0x00FFFF }, { "Magenta", 0xFF00FF }, { "Lime", 0x00FF00 },
	{ "SkyBlue", 0x87CEEB }, { "LightCyan", 0xE0FFFF },
	{ "MintCream", 0xF5FFFA }, { "Honeydew", 0xF0FFF0 },
	{ "LightPink", 0xFFB6C1 }, { "DarkSlateGray", 0x2F4F4F },
	{ "Indigo", 0x4B0082 }, { "Violet", 0xEE82EE }, { "Orchid", 0xDA70D6 },
};

bool
color_rgb(const char *s, unsigned *rgb)
{
	char		*end;
	unsigned long	 v;

	if (s == NULL || s[0] == '\0')
		return false;
	if (s[0] == '#' && strlen(s) == 7) {
		v = strtoul(s + 1, &end, 16);
		if (*end != '\0')
			return false;
		*rgb = (unsigned)v;
		return true;
	}
	for (size_t i = 0; i < nitems(colors); i++)
		if (strcasecmp(colors[i].name, s) == 0) {
			*rgb = colors[i].rgb;
			return true;
		}
	return false;
}
