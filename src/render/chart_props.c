/*
 * chart_props.c: a chart's look, evaluated into graphics/'s model: the
 * chart's fill and border, its plot area, palette (a named one, or the
 * report's custom colours), legend (hidden, position, font), titles
 * (caption, position, font, fill, alignment), the no-data message, and
 * each axis (visible, minimum, maximum, interval, log scale, reversed,
 * margin, include zero, title, gridlines, label font, colour and
 * format).  Properties may be expressions; they are evaluated in the
 * chart's scope.  "NaN" and "Auto" mean automatic, as the designers
 * write them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "render/render_int.h"

int
cprop_text(struct rctx *c, const struct rdl_expr *p, char *out, size_t n)
{
	struct expr_value v;
	struct buf	 b;

	out[0] = '\0';
	if (p == NULL)
		return 0;
	if (eval_prop(c, p, &v) == -1)
		return -1;
	buf_init(&b, 0);
	expr_value_text(&v, &b, NULL);
	expr_value_fini(&v);
	if (b.data != NULL)
		snprintf(out, n, "%s", str_trim(b.data));
	buf_fini(&b);
	return 0;
}

/* A number, or NAN for automatic ("NaN", "Auto", empty, not a number). */
int
cprop_num(struct rctx *c, const struct rdl_expr *p, double *out)
{
	struct expr_value v;
	char		*end;

	*out = NAN;
	if (p == NULL)
		return 0;
	if (eval_prop(c, p, &v) == -1)
		return -1;
	if (v.type == EXPR_T_INT)
		*out = (double)v.u.i;
	else if (v.type == EXPR_T_FLOAT)
		*out = v.u.f;
	else if (v.type == EXPR_T_STRING) {
		double	 d = strtod(v.u.s, &end);

		if (end != v.u.s && *str_trim(end) == '\0' && isfinite(d))
			*out = d;
	}
	expr_value_fini(&v);
	return 0;
}

int
cprop_bool(struct rctx *c, const struct rdl_expr *p, bool dflt, bool *out)
{
	char		 t[16];

	*out = dflt;
	if (cprop_text(c, p, t, sizeof(t)) == -1)
		return -1;
	if (strcasecmp(t, "true") == 0)
		*out = true;
	else if (strcasecmp(t, "false") == 0)
		*out = false;
	return 0;
}

int
cprop_color(struct rctx *c, const struct rdl_expr *p, uint32_t *out)
{
	char		 t[64];
	uint32_t	 v;

	if (cprop_text(c, p, t, sizeof(t)) == -1)
		return -1;
	if (gfx_color_parse(t, &v))
		*out = v;
	return 0;
}

/* Font and text colour from a style: what it sets overrides *f. */
int
cstyle_font(struct rctx *c, const struct rdl_style *s, struct gfx_font *f,
    uint32_t *color)
{
	char		 fam[64], sz[32], w[32], st[32], td[32];
	double		 pt;

	if (cprop_text(c, s->font_family, fam, sizeof(fam)) == -1 ||
	    cprop_text(c, s->font_size, sz, sizeof(sz)) == -1 ||
	    cprop_text(c, s->font_weight, w, sizeof(w)) == -1 ||
	    cprop_text(c, s->font_style, st, sizeof(st)) == -1 ||
	    cprop_text(c, s->text_decoration, td, sizeof(td)) == -1 ||
	    (color != NULL && cprop_color(c, s->color, color) == -1))
		return -1;
	if (fam[0] != '\0')
		snprintf(f->family, sizeof(f->family), "%s", fam);
	if (sz[0] != '\0' && (pt = rdl_size(sz)) > 0)
		f->size = pt;
	if (w[0] != '\0')
		f->bold = strcasecmp(w, "Bold") == 0 || strcasecmp(w,
		    "SemiBold") == 0 || strcasecmp(w, "ExtraBold") == 0 ||
		    strcasecmp(w, "Heavy") == 0;
	if (st[0] != '\0')
		f->italic = strcasecmp(st, "Italic") == 0;
	if (td[0] != '\0')
		f->underline = strcasecmp(td, "Underline") == 0;
	return 0;
}

/* A border of a style as a pen (width 0: no line). */
static int
cstyle_pen(struct rctx *c, const struct rdl_style *s, struct gfx_pen *pen)
{
	const struct rdl_border *b = &s->border[RDL_SIDE_DEFAULT];
	char		 st[16], w[32];
	double		 pt;

	if (cprop_text(c, b->style, st, sizeof(st)) == -1 ||
	    cprop_text(c, b->width, w, sizeof(w)) == -1 ||
	    cprop_color(c, b->color, &pen->color) == -1)
		return -1;
	if (w[0] != '\0' && (pt = rdl_size(w)) > 0)
		pen->width = pt;
	else if (st[0] != '\0' && strcasecmp(st, "None") != 0 &&
	    pen->width <= 0)
		pen->width = 1;
	if (strcasecmp(st, "None") == 0)
		pen->width = 0;
	else if (strcasecmp(st, "Dotted") == 0)
		pen->dash = GFX_DOTTED;
	else if (strcasecmp(st, "Dashed") == 0)
		pen->dash = GFX_DASHED;
	return 0;
}

static enum gfx_align
align_of(const char *t, enum gfx_align dflt)
{
	if (strcasecmp(t, "Left") == 0)
		return GFX_LEFT;
	if (strcasecmp(t, "Right") == 0)
		return GFX_RIGHT;
	if (strcasecmp(t, "Center") == 0)
		return GFX_CENTER;
	return dflt;
}

int
chart_axis_props(struct rctx *c, const struct rdl_chart_axis *a,
    struct gfx_axis *g, bool value)
{
	char		 t[256], vis[16];
	bool		 b;

	if (a == NULL)
		return 0;
	if (cprop_text(c, a->visible, vis, sizeof(vis)) == -1 ||
	    cprop_num(c, a->min, &g->min) == -1 ||
	    cprop_num(c, a->max, &g->max) == -1 ||
	    cprop_num(c, a->interval, &g->interval) == -1 ||
	    cprop_bool(c, a->log_scale, false, &g->log_scale) == -1 ||
	    cprop_bool(c, a->reverse, false, &g->reversed) == -1 ||
	    cprop_bool(c, a->include_zero, true, &g->include_zero) == -1 ||
	    cprop_bool(c, a->margin, true, &g->margin) == -1 ||
	    cprop_bool(c, a->major_grid, value, &g->major_grid) == -1 ||
	    cprop_bool(c, a->minor_grid, false, &g->minor_grid) == -1 ||
	    cprop_text(c, a->title, t, sizeof(t)) == -1 ||
	    cstyle_font(c, &a->style, &g->font, &g->color) == -1 ||
	    cstyle_font(c, &a->title_style, &g->title_font,
	    &g->title_color) == -1 ||
	    cprop_text(c, a->style.format, g->format, sizeof(g->format)) == -1 ||
	    cstyle_pen(c, &a->grid_style, &g->grid) == -1 ||
	    cstyle_pen(c, &a->style, &g->line) == -1)
		return -1;
	g->visible = strcasecmp(vis, "False") != 0;
	if (t[0] != '\0')
		g->title = xstrdup(t);
	b = g->grid.width > 0;
	g->major_grid = g->major_grid && b;
	g->minor_grid = g->minor_grid && b;
	if (g->line.width <= 0)
		g->line.color = GFX_NONE;
	return 0;
}

static const char *const positions[] = { "TopLeft", "TopCenter", "TopRight",
	"RightTop", "RightCenter", "RightBottom", "BottomRight",
	"BottomCenter", "BottomLeft", "LeftBottom", "LeftCenter", "LeftTop" };

static int
legend_props(struct rctx *c, const struct rdl_chart *ch, struct gfx_chart *g)
{
	char		 pos[32];
	bool		 hidden;

	g->legend.visible = ch->has_legend;
	if (!ch->has_legend)
		return 0;
	if (cprop_bool(c, ch->legend_hidden, false, &hidden) == -1 ||
	    cprop_text(c, ch->legend_position, pos, sizeof(pos)) == -1 ||
	    cstyle_font(c, &ch->legend_style, &g->legend.font,
	    &g->legend.color) == -1 ||
	    cprop_color(c, ch->legend_style.background_color,
	    &g->legend.background) == -1)
		return -1;
	g->legend.visible = !hidden;
	for (size_t i = 0; i < nitems(positions); i++)
		if (strcasecmp(pos, positions[i]) == 0)
			g->legend.position = (enum gfx_position)i;
	return 0;
}

static int
title_props(struct rctx *c, const struct rdl_chart *ch, struct gfx_chart *g)
{
	char		 cap[512], pos[32], al[16];
	bool		 hidden;

	g->titles = xcalloc(ch->ntitles + 1, sizeof(*g->titles));
	for (size_t i = 0; i < ch->ntitles; i++) {
		const struct rdl_chart_title *t = &ch->titles[i];
		struct gfx_title *o = &g->titles[g->ntitles];

		memset(o, 0, sizeof(*o));
		snprintf(o->font.family, sizeof(o->font.family), "%s",
		    c->r->default_font ? c->r->default_font : "Arial");
		o->font.size = 14;
		o->color = GFX_BLACK;
		if (cprop_text(c, t->caption, cap, sizeof(cap)) == -1 ||
		    cprop_bool(c, t->hidden, false, &hidden) == -1 ||
		    cprop_text(c, t->position, pos, sizeof(pos)) == -1 ||
		    cprop_text(c, t->style.text_align, al, sizeof(al)) == -1 ||
		    cstyle_font(c, &t->style, &o->font, &o->color) == -1 ||
		    cprop_color(c, t->style.background_color,
		    &o->background) == -1)
			return -1;
		if (hidden || cap[0] == '\0')
			continue;
		o->text = xstrdup(cap);
		o->bottom = strncasecmp(pos, "Bottom", 6) == 0;
		o->align = align_of(al, GFX_CENTER);
		g->ntitles++;
	}
	return 0;
}

static int
palette_props(struct rctx *c, const struct rdl_chart *ch,
    struct gfx_chart *g)
{
	char		 name[64];
	const uint32_t	*colors;
	uint32_t	 custom[256];
	size_t		 n = 0;

	if (cprop_text(c, ch->palette, name, sizeof(name)) == -1)
		return -1;
	if (strcasecmp(name, "Custom") == 0) {
		for (size_t i = 0; i < ch->ncustom_colors && n < nitems(custom);
		    i++) {
			custom[n] = GFX_NONE;
			if (cprop_color(c, ch->custom_colors[i], &custom[n]) == -1)
				return -1;
			n += custom[n] != GFX_NONE;
		}
		gfx_chart_set_palette(g, custom, n);
		return 0;
	}
	n = gfx_palette(name, &colors);
	if (n == 0)
		return rs_err_set(c->e, RS_E_BADINPUT, "chart %s: palette \"%s\" "
		    "is not one of the named palettes (BrightPastel, Default, "
		    "EarthTones, Excel, GrayScale, Light, Pastel, "
		    "SemiTransparent, Berry, Chocolate, Fire, SeaGreen, Pacific, "
		    "PacificLight, PacificSemiTransparent, Custom)", g->name,
		    name);
	gfx_chart_set_palette(g, colors, n);
	return 0;
}

/* Everything of the chart that is not its data, in the chart's scope. */
int
chart_frame_props(struct rctx *c, const struct rdl_item *it,
    struct gfx_chart *g)
{
	const struct rdl_chart *ch = it->chart;
	char		 msg[512];

	g->background = GFX_WHITE;
	g->border = (struct gfx_pen){ GFX_BLACK, 1, GFX_SOLID };
	g->border.width = 0;
	if (cprop_color(c, it->style.background_color, &g->background) == -1 ||
	    cstyle_pen(c, &it->style, &g->border) == -1 ||
	    cprop_color(c, ch->area_style.background_color,
	    &g->plot_background) == -1 ||
	    palette_props(c, ch, g) == -1 || legend_props(c, ch, g) == -1 ||
	    title_props(c, ch, g) == -1 ||
	    cprop_text(c, ch->no_data, msg, sizeof(msg)) == -1 ||
	    cstyle_font(c, &ch->no_data_style, &g->no_data_font, NULL) == -1)
		return -1;
	if (msg[0] != '\0')
		g->no_data = xstrdup(msg);
	if (ch->ncat_axes > 0 &&
	    chart_axis_props(c, &ch->cat_axes[0], &g->cat_axis, false) == -1)
		return -1;
	for (size_t i = 0; i < ch->nval_axes; i++)
		if (chart_axis_props(c, &ch->val_axes[i], ch->val_axes[i].opposite ?
		    &g->val_axis2 : &g->val_axis, true) == -1)
			return -1;
	return 0;
}
