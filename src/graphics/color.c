/*
 * color.c: colours as reports write them ("#RRGGBB", "#AARRGGBB", or one
 * of .NET's named colours, the same set and values as CSS's plus
 * Transparent) and the original's named chart palettes, with their
 * colours in the order series take them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "graphics/gfx_int.h"

static const struct {
	const char	*name;
	uint32_t	 rgb;
} named[] = {
	{ "AliceBlue", 0xF0F8FF }, { "AntiqueWhite", 0xFAEBD7 },
	{ "Aqua", 0x00FFFF }, { "Aquamarine", 0x7FFFD4 },
	{ "Azure", 0xF0FFFF }, { "Beige", 0xF5F5DC }, { "Bisque", 0xFFE4C4 },
	{ "Black", 0x000000 }, { "BlanchedAlmond", 0xFFEBCD },
	{ "Blue", 0x0000FF }, { "BlueViolet", 0x8A2BE2 },
	{ "Brown", 0xA52A2A }, { "BurlyWood", 0xDEB887 },
	{ "CadetBlue", 0x5F9EA0 }, { "Chartreuse", 0x7FFF00 },
	{ "Chocolate", 0xD2691E }, { "Coral", 0xFF7F50 },
	{ "CornflowerBlue", 0x6495ED }, { "Cornsilk", 0xFFF8DC },
	{ "Crimson", 0xDC143C }, { "Cyan", 0x00FFFF },
	{ "DarkBlue", 0x00008B }, { "DarkCyan", 0x008B8B },
	{ "DarkGoldenrod", 0xB8860B }, { "DarkGray", 0xA9A9A9 },
	{ "DarkGrey", 0xA9A9A9 }, { "DarkGreen", 0x006400 },
	{ "DarkKhaki", 0xBDB76B }, { "DarkMagenta", 0x8B008B },
	{ "DarkOliveGreen", 0x556B2F }, { "DarkOrange", 0xFF8C00 },
	{ "DarkOrchid", 0x9932CC }, { "DarkRed", 0x8B0000 },
	{ "DarkSalmon", 0xE9967A }, { "DarkSeaGreen", 0x8FBC8F },
	{ "DarkSlateBlue", 0x483D8B }, { "DarkSlateGray", 0x2F4F4F },
	{ "DarkTurquoise", 0x00CED1 }, { "DarkViolet", 0x9400D3 },
	{ "DeepPink", 0xFF1493 }, { "DeepSkyBlue", 0x00BFFF },
	{ "DimGray", 0x696969 }, { "DimGrey", 0x696969 },
	{ "DodgerBlue", 0x1E90FF }, { "Firebrick", 0xB22222 },
	{ "FloralWhite", 0xFFFAF0 }, { "ForestGreen", 0x228B22 },
	{ "Fuchsia", 0xFF00FF }, { "Gainsboro", 0xDCDCDC },
	{ "GhostWhite", 0xF8F8FF }, { "Gold", 0xFFD700 },
	{ "Goldenrod", 0xDAA520 }, { "Gray", 0x808080 }, { "Grey", 0x808080 },
	{ "Green", 0x008000 }, { "GreenYellow", 0xADFF2F },
	{ "Honeydew", 0xF0FFF0 }, { "HotPink", 0xFF69B4 },
	{ "IndianRed", 0xCD5C5C }, { "Indigo", 0x4B0082 },
	{ "Ivory", 0xFFFFF0 }, { "Khaki", 0xF0E68C },
	{ "Lavender", 0xE6E6FA }, { "LavenderBlush", 0xFFF0F5 },
	{ "LawnGreen", 0x7CFC00 }, { "LemonChiffon", 0xFFFACD },
	{ "LightBlue", 0xADD8E6 }, { "LightCoral", 0xF08080 },
	{ "LightCyan", 0xE0FFFF }, { "LightGoldenrodYellow", 0xFAFAD2 },
	{ "LightGray", 0xD3D3D3 }, { "LightGrey", 0xD3D3D3 },
	{ "LightGreen", 0x90EE90 }, { "LightPink", 0xFFB6C1 },
	{ "LightSalmon", 0xFFA07A }, { "LightSeaGreen", 0x20B2AA },
	{ "LightSkyBlue", 0x87CEFA }, { "LightSlateGray", 0x778899 },
	{ "LightSteelBlue", 0xB0C4DE }, { "LightYellow", 0xFFFFE0 },
	{ "Lime", 0x00FF00 }, { "LimeGreen", 0x32CD32 },
	{ "Linen", 0xFAF0E6 }, { "Magenta", 0xFF00FF },
	{ "Maroon", 0x800000 }, { "MediumAquamarine", 0x66CDAA },
	{ "MediumBlue", 0x0000CD }, { "MediumOrchid", 0xBA55D3 },
	{ "MediumPurple", 0x9370DB }, { "MediumSeaGreen", 0x3CB371 },
	{ "MediumSlateBlue", 0x7B68EE }, { "MediumSpringGreen", 0x00FA9A },
	{ "MediumTurquoise", 0x48D1CC }, { "MediumVioletRed", 0xC71585 },
	{ "MidnightBlue", 0x191970 }, { "MintCream", 0xF5FFFA },
	{ "MistyRose", 0xFFE4E1 }, { "Moccasin", 0xFFE4B5 },
	{ "NavajoWhite", 0xFFDEAD }, { "Navy", 0x000080 },
	{ "OldLace", 0xFDF5E6 }, { "Olive", 0x808000 },
	{ "OliveDrab", 0x6B8E23 }, { "Orange", 0xFFA500 },
	{ "OrangeRed", 0xFF4500 }, { "Orchid", 0xDA70D6 },
	{ "PaleGoldenrod", 0xEEE8AA }, { "PaleGreen", 0x98FB98 },
	{ "PaleTurquoise", 0xAFEEEE }, { "PaleVioletRed", 0xDB7093 },
	{ "PapayaWhip", 0xFFEFD5 }, { "PeachPuff", 0xFFDAB9 },
	{ "Peru", 0xCD853F }, { "Pink", 0xFFC0CB }, { "Plum", 0xDDA0DD },
	{ "PowderBlue", 0xB0E0E6 }, { "Purple", 0x800080 },
	{ "Red", 0xFF0000 }, { "RosyBrown", 0xBC8F8F },
	{ "RoyalBlue", 0x4169E1 }, { "SaddleBrown", 0x8B4513 },
	{ "Salmon", 0xFA8072 }, { "SandyBrown", 0xF4A460 },
	{ "SeaGreen", 0x2E8B57 }, { "SeaShell", 0xFFF5EE },
	{ "Sienna", 0xA0522D }, { "Silver", 0xC0C0C0 },
	{ "SkyBlue", 0x87CEEB }, { "SlateBlue", 0x6A5ACD },
	{ "SlateGray", 0x708090 }, { "Snow", 0xFFFAFA },
	{ "SpringGreen", 0x00FF7F }, { "SteelBlue", 0x4682B4 },
	{ "Tan", 0xD2B48C }, { "Teal", 0x008080 }, { "Thistle", 0xD8BFD8 },
	{ "Tomato", 0xFF6347 }, { "Turquoise", 0x40E0D0 },
	{ "Violet", 0xEE82EE }, { "Wheat", 0xF5DEB3 }, { "White", 0xFFFFFF },
	{ "WhiteSmoke", 0xF5F5F5 }, { "Yellow", 0xFFFF00 },
	{ "YellowGreen", 0x9ACD32 },
};

static bool
hex(const char *s, size_t n, uint32_t *out)
{
	char		*end;
	unsigned long	 v;

	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strchr("0123456789abcdefABCDEF", s[i]) == NULL)
			return false;
	v = strtoul(s, &end, 16);
	*out = (uint32_t)v;
	return *end == '\0';
}

bool
gfx_color_parse(const char *s, uint32_t *argb)
{
	uint32_t	 v;

	if (s == NULL || s[0] == '\0')
		return false;
	if (s[0] == '#') {
		if (hex(s + 1, 6, &v)) {
			*argb = 0xFF000000u | v;
			return true;
		}
		if (hex(s + 1, 8, &v)) {
			*argb = v;
			return true;
		}
		return false;
	}
	if (strcasecmp(s, "Transparent") == 0) {
		*argb = GFX_NONE;
		return true;
	}
	for (size_t i = 0; i < nitems(named); i++)
		if (strcasecmp(named[i].name, s) == 0) {
			*argb = 0xFF000000u | named[i].rgb;
			return true;
		}
	return false;
}

#define O(rgb)	(0xFF000000u | (rgb))

static const uint32_t brightpastel[] = {
	O(0x418CF0), O(0xFCB441), O(0xE0400A), O(0x056492), O(0xBFBFBF),
	O(0x1A3B69), O(0xFFE382), O(0x129CDD), O(0xCA6B4B), O(0x005CDB),
	O(0xF3D288), O(0x506381), O(0xF1B9A8), O(0xE0830A), O(0x7893BE),
};
static const uint32_t dflt[] = {
	O(0x008000), O(0x0000FF), O(0x800080), O(0x00FF00), O(0xFF00FF),
	O(0x008080), O(0xFFFF00), O(0x808080), O(0x00FFFF), O(0x000080),
	O(0x800000), O(0xFF0000), O(0x808000), O(0xC0C0C0), O(0xFF6347),
	O(0xFFE4B5),
};
static const uint32_t pastel[] = {
	O(0x87CEEB), O(0x32CD32), O(0xBA55D3), O(0xF08080), O(0x4682B4),
	O(0x9ACD32), O(0x40E0D0), O(0xFF69B4), O(0xF0E68C), O(0xD2B48C),
	O(0x8FBC8F), O(0x6495ED), O(0xDDA0DD), O(0x5F9EA0), O(0xFFDAB9),
	O(0xFFA07A),
};
static const uint32_t earth[] = {
	O(0xFF8000), O(0xB8860B), O(0xC04000), O(0x6B8E23), O(0xCD853F),
	O(0xC0C000), O(0x228B22), O(0xD2691E), O(0x808000), O(0x20B2AA),
	O(0xF4A460), O(0x00C000), O(0x8FBC8F), O(0xB22222), O(0x8B4513),
	O(0xC00000),
};
static const uint32_t semitransparent[] = {
	0x96FF0000, 0x9600FF00, 0x960000FF, 0x96FFFF00, 0x9600FFFF,
	0x96FF00FF, 0x96AA7814, 0x50FF0000, 0x5000FF00, 0x500000FF,
	0x50FFFF00, 0x5000FFFF, 0x50FF00FF, 0x50AA7814, 0x96647832,
	0x96285A96,
};
static const uint32_t light[] = {
	O(0xE6E6FA), O(0xFFF0F5), O(0xFFDAB9), O(0xFFFACD), O(0xFFE4E1),
	O(0xF0FFF0), O(0xF0F8FF), O(0xF5F5F5), O(0xFAEBD7), O(0xE0FFFF),
};
static const uint32_t excel[] = {
	O(0x9999FF), O(0x993366), O(0xFFFFCC), O(0xCCFFFF), O(0x660066),
	O(0xFF8080), O(0x0066CC), O(0xCCCCFF), O(0x000080), O(0xFF00FF),
	O(0xFFFF00), O(0x00FFFF), O(0x800080), O(0x800000), O(0x008080),
	O(0x0000FF),
};
static const uint32_t berry[] = {
	O(0x8A2BE2), O(0xBA55D3), O(0x4169E1), O(0xC71585), O(0x0000FF),
	O(0x8A2BE2), O(0xDA70D6), O(0x7B68EE), O(0xC000C0), O(0x0000CD),
	O(0x800080),
};
static const uint32_t chocolate[] = {
	O(0xA0522D), O(0xD2691E), O(0x8B0000), O(0xCD853F), O(0xA52A2A),
	O(0xF4A460), O(0x8B4513), O(0xC04000), O(0xB22222), O(0xB65C3A),
};
static const uint32_t fire[] = {
	O(0xFFD700), O(0xFF0000), O(0xFF1493), O(0xDC143C), O(0xFF8C00),
	O(0xFF00FF), O(0xFFFF00), O(0xFF4500), O(0xC71585), O(0xDDE221),
};
static const uint32_t seagreen[] = {
	O(0x2E8B57), O(0x66CDAA), O(0x4682B4), O(0x008B8B), O(0x5F9EA0),
	O(0x3CB371), O(0x48D1CC), O(0xB0C4DE), O(0x8FBC8F), O(0x87CEEB),
};
static const uint32_t pacific[] = {
	O(0x01B8AA), O(0x374649), O(0xFD625E), O(0xF2C80F), O(0x5F6B6D),
	O(0x8AD4EB), O(0xFE9666), O(0xA66999), O(0x3599B8), O(0xDFBFBF),
	O(0x4AC5BB), O(0x5F6B6D), O(0xFB8281), O(0xF4D25A), O(0x7F898A),
	O(0xA4DDEE), O(0xFDAB89), O(0xB687AC), O(0x28738A), O(0xA78F8F),
};
static const uint32_t pacificsemi[] = {
	0x9901B8AA, 0x99374649, 0x99FD625E, 0x99F2C80F, 0x995F6B6D,
	0x998AD4EB, 0x99FE9666, 0x99A66999, 0x993599B8, 0x99DFBFBF,
	0x994AC5BB, 0x995F6B6D, 0x99FB8281, 0x99F4D25A, 0x997F898A,
	0x99A4DDEE, 0x99FDAB89, 0x99B687AC, 0x9928738A, 0x99A78F8F,
};
static const uint32_t grayscale[] = {
	O(0xC8C8C8), O(0xBDBDBD), O(0xB2B2B2), O(0xA7A7A7), O(0x9C9C9C),
	O(0x919191), O(0x868686), O(0x7B7B7B), O(0x707070), O(0x656565),
	O(0x5A5A5A), O(0x4F4F4F), O(0x444444), O(0x393939), O(0x2E2E2E),
	O(0x232323),
};

static const struct {
	const char	*name;
	const uint32_t	*colors;
	size_t		 n;
} palettes[] = {
	{ "BrightPastel", brightpastel, nitems(brightpastel) },
	{ "Default", dflt, nitems(dflt) },
	{ "Pastel", pastel, nitems(pastel) },
	{ "EarthTones", earth, nitems(earth) },
	{ "SemiTransparent", semitransparent, nitems(semitransparent) },
	{ "Light", light, nitems(light) },
	{ "Excel", excel, nitems(excel) },
	{ "Berry", berry, nitems(berry) },
	{ "Chocolate", chocolate, nitems(chocolate) },
	{ "Fire", fire, nitems(fire) },
	{ "SeaGreen", seagreen, nitems(seagreen) },
	{ "Pacific", pacific, nitems(pacific) },
	{ "PacificLight", pacific + 10, 10 },
	{ "PacificSemiTransparent", pacificsemi, nitems(pacificsemi) },
	{ "GrayScale", grayscale, nitems(grayscale) },
};

size_t
gfx_palette(const char *name, const uint32_t **colors)
{
	if (name == NULL || name[0] == '\0')
		name = "BrightPastel";
	for (size_t i = 0; i < nitems(palettes); i++)
		if (strcasecmp(palettes[i].name, name) == 0) {
			*colors = palettes[i].colors;
			return palettes[i].n;
		}
	return 0;
}
