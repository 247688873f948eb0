/*
 * gauge.c: a GaugePanel evaluated into graphics/'s gauge model.  The
 * panel is one scope instance: its dataset's rows through its filters in
 * the body, or the rows of the cell's scope when it sits in a data
 * region's cell (an indicator per row), so =Sum(Fields!X.Value) in a
 * pointer's value sums what the panel shows.  Defaults are the
 * original's where the definition is silent (a radial scale from 20
 * degrees sweeping 320, 0 to 100, radius 37 %).  An interval of NaN or
 * Auto gives round numbers, about ten intervals; UseFontPercent sizes a
 * label's font with the gauge (its FontSize as half a percent of the
 * gauge's size).  Gradients are not drawn: a fill is its start colour,
 * its end colour when the start is transparent, and their mix when both
 * are set.  The panel reaches the format as a chart whose gauge is set
 * (every format that draws charts draws it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "graphics/gauge.h"
#include "render/render_int.h"

#define GAUGE_TICKS_MAX	200

static int
num(struct rctx *c, const struct rdl_expr *p, double dflt, double *out)
{
	if (cprop_num(c, p, out) == -1)
		return -1;
	if (isnan(*out))
		*out = dflt;
	return 0;
}

static uint32_t
mix(uint32_t a, uint32_t b)
{
	uint32_t out = 0;

	for (int s = 0; s < 32; s += 8)
		out |= ((((a >> s) & 0xFF) + ((b >> s) & 0xFF)) / 2) << s;
	return out;
}

/* The fill of a style (see the top): GFX_NONE when it sets none. */
static int
fill_of(struct rctx *c, const struct rdl_style *s, uint32_t dflt,
    uint32_t *out)
{
	uint32_t	 start = GFX_NONE, end = GFX_NONE;
	char		 type[32];
	bool		 set = false;

	*out = dflt;
	if (s->background_color != NULL) {
		if (cprop_color(c, s->background_color, &start) == -1)
			return -1;
		set = true;
	}
	if (cprop_text(c, s->gradient, type, sizeof(type)) == -1 ||
	    (strcasecmp(type, "None") != 0 && type[0] != '\0' &&
	    cprop_color(c, s->gradient_end, &end) == -1))
		return -1;
	if (end != GFX_NONE && (start >> 24) == 0)
		*out = end;
	else if (end != GFX_NONE && set)
		*out = mix(start, end);
	else if (set)
		*out = start;
	return 0;
}

/* Round numbers: about ten intervals over the range. */
static double
auto_interval(double lo, double hi)
{
	double	 raw = (hi - lo) / 10, mag, f;

	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static int
font_of(struct rctx *c, const struct rdl_style *s, const struct rdl_expr *pct,
    double size, struct gfx_font *f, uint32_t *color)
{
	bool		 percent;

	snprintf(f->family, sizeof(f->family), "Arial");
	f->size = 8;
	if (cstyle_font(c, s, f, color) == -1 ||
	    cprop_bool(c, pct, false, &percent) == -1)
		return -1;
	if (percent)
		f->size = f->size * size / 200;
	if (f->size < 4)
		f->size = 4;
	return 0;
}

static int
scale_props(struct rctx *c, const struct rdl_gauge *rg, struct gfx_gauge *g,
    double size)
{
	double		 iv;
	bool		 hide_labels, hide_major, hide_minor;
	char		 fmt[64];

	if (num(c, rg->min, 0, &g->min) == -1 ||
	    num(c, rg->max, 100, &g->max) == -1 ||
	    num(c, rg->interval, NAN, &iv) == -1 ||
	    num(c, rg->start_angle, 20, &g->start_angle) == -1 ||
	    num(c, rg->sweep, 320, &g->sweep) == -1 ||
	    num(c, rg->radius, 37, &g->radius) == -1 ||
	    num(c, rg->pivot_x, 50, &g->pivot_x) == -1 ||
	    num(c, rg->pivot_y, 50, &g->pivot_y) == -1 ||
	    num(c, rg->position, 50, &g->position) == -1 ||
	    num(c, rg->scale_width, 5, &g->scale_width) == -1 ||
	    num(c, rg->major_len, 15, &g->major_len) == -1 ||
	    num(c, rg->major_width, 2, &g->major_width) == -1 ||
	    num(c, rg->minor_len, 8, &g->minor_len) == -1 ||
	    num(c, rg->minor_width, 1, &g->minor_width) == -1 ||
	    cprop_bool(c, rg->labels_hidden, false, &hide_labels) == -1 ||
	    cprop_bool(c, rg->major_hidden, false, &hide_major) == -1 ||
	    cprop_bool(c, rg->minor_hidden, false, &hide_minor) == -1 ||
	    fill_of(c, &rg->scale_style, g->scale_color, &g->scale_color) ==
	    -1 || fill_of(c, &rg->major_style, g->major_color,
	    &g->major_color) == -1 || fill_of(c, &rg->minor_style,
	    g->minor_color, &g->minor_color) == -1 ||
	    font_of(c, &rg->label_style, rg->labels_font_percent, size,
	    &g->label_font, &g->label_color) == -1 ||
	    cprop_text(c, rg->label_style.format, fmt, sizeof(fmt)) == -1)
		return -1;
	if (g->max <= g->min)
		return rs_err_set(c->e, RS_E_BADINPUT, "gauge %s: its "
		    "MaximumValue (%g) is not above its MinimumValue (%g)",
		    g->name, g->max, g->min);
	if (!(iv > 0))
		iv = auto_interval(g->min, g->max);
	if ((g->max - g->min) / iv > GAUGE_TICKS_MAX)
		iv = (g->max - g->min) / GAUGE_TICKS_MAX;
	if (hide_major)
		g->major_width = 0;
	if (hide_minor)
		g->minor_width = 0;
	g->ticks = xcalloc(GAUGE_TICKS_MAX + 2, sizeof(*g->ticks));
	for (double v = g->min; v <= g->max + iv * 1e-9 &&
	    g->nticks < GAUGE_TICKS_MAX + 1; v = g->min + iv *
	    (double)(g->nticks)) {
		char	 t[64];

		g->ticks[g->nticks].value = v;
		if (!hide_labels) {
			chart_format_value(NULL, fabs(v) < iv * 1e-9 ? 0 : v,
			    fmt, t, sizeof(t));
			g->ticks[g->nticks].label = xstrdup(t);
		}
		g->nticks++;
	}
	return 0;
}

static int
ranges_props(struct rctx *c, const struct rdl_gauge *rg, struct gfx_gauge *g)
{
	g->ranges = xcalloc(rg->nranges + 1, sizeof(*g->ranges));
	for (size_t i = 0; i < rg->nranges; i++) {
		const struct rdl_gauge_range *r = &rg->ranges[i];
		struct gfx_gauge_range *o = &g->ranges[g->nranges++];

		if (num(c, r->start, g->min, &o->from) == -1 ||
		    num(c, r->end, g->max, &o->to) == -1 ||
		    num(c, r->start_width, 10, &o->start_width) == -1 ||
		    num(c, r->end_width, 10, &o->end_width) == -1 ||
		    num(c, r->distance, 0, &o->distance) == -1 ||
		    fill_of(c, &r->style, 0xFFC0C0C0, &o->color) == -1)
			return -1;
	}
	return 0;
}

static int
pointers_props(struct rctx *c, const struct rdl_gauge *rg,
    struct gfx_gauge *g)
{
	g->pointers = xcalloc(rg->npointers + 1, sizeof(*g->pointers));
	for (size_t i = 0; i < rg->npointers; i++) {
		const struct rdl_gauge_pointer *p = &rg->pointers[i];
		struct gfx_gauge_pointer *o = &g->pointers[g->npointers];
		char	 type[32];
		double	 mul;
		bool	 hidden, cap_hidden;

		if (cprop_text(c, p->type, type, sizeof(type)) == -1 ||
		    cprop_bool(c, p->hidden, false, &hidden) == -1 ||
		    cprop_bool(c, p->cap_hidden, false, &cap_hidden) == -1 ||
		    cprop_num(c, p->value, &o->value) == -1 ||
		    num(c, p->multiplier, 1, &mul) == -1)
			return -1;
		if (hidden)
			continue;
		g->npointers++;
		o->kind = strcasecmp(type, "Marker") == 0 ? GFX_POINTER_MARKER :
		    strcasecmp(type, "Bar") == 0 ? GFX_POINTER_BAR :
		    strcasecmp(type, "Needle") == 0 ? GFX_POINTER_NEEDLE :
		    g->kind == GFX_GAUGE_RADIAL ? GFX_POINTER_NEEDLE :
		    GFX_POINTER_MARKER;
		o->empty = isnan(o->value);
		o->value *= mul;
		if (num(c, p->width, o->kind == GFX_POINTER_NEEDLE ? 15 : 10,
		    &o->width) == -1 ||
		    num(c, p->distance, 0, &o->distance) == -1 ||
		    num(c, p->marker_length, 25, &o->length) == -1 ||
		    num(c, p->cap_width, 26, &o->cap_width) == -1 ||
		    fill_of(c, &p->style, 0xFFFF7F50, &o->color) == -1 ||
		    fill_of(c, &p->cap_style, 0xFFA9A9A9, &o->cap_color) == -1)
			return -1;
		if (cap_hidden || o->kind != GFX_POINTER_NEEDLE)
			o->cap_color = GFX_NONE;
	}
	return 0;
}

/* A state indicator: the first state whose range holds the value. */
static int
indicator_props(struct rctx *c, const struct rdl_gauge *rg,
    struct gfx_gauge *g)
{
	double		 mul, lo, hi, v;
	char		 tr[32], icon[32];

	if (cprop_num(c, rg->value, &v) == -1 ||
	    num(c, rg->multiplier, 1, &mul) == -1 ||
	    cprop_num(c, rg->min, &lo) == -1 ||
	    cprop_num(c, rg->max, &hi) == -1 ||
	    cprop_text(c, rg->transformation, tr, sizeof(tr)) == -1)
		return -1;
	g->empty = isnan(v);
	g->value = v * mul;
	if (g->empty)
		return 0;
	/* Percentage: the value's place between Minimum and Maximum (the
	 * original computes missing bounds over the transformation
	 * scope; here they must be given, else the value is used as is). */
	if (strcasecmp(tr, "Percentage") == 0 && !isnan(lo) && !isnan(hi) &&
	    hi > lo)
		v = (g->value - lo) / (hi - lo) * 100;
	else
		v = g->value;
	for (size_t i = 0; i < rg->nstates; i++) {
		const struct rdl_gauge_state *s = &rg->states[i];
		double	 a, b;

		if (cprop_num(c, s->start, &a) == -1 ||
		    cprop_num(c, s->end, &b) == -1)
			return -1;
		if ((!isnan(a) && v < a) || (!isnan(b) && v > b))
			continue;
		if (cprop_text(c, s->icon, icon, sizeof(icon)) == -1)
			return -1;
		g->icon = gfx_icon_parse(icon[0] != '\0' ? icon : "Circle");
		g->icon_color = GFX_BLACK;
		if (cprop_color(c, s->color, &g->icon_color) == -1)
			return -1;
		g->state = xstrdup(s->name != NULL ? s->name : icon);
		break;
	}
	return 0;
}

static int
gauge_props(struct rctx *c, const struct rdl_gauge *rg,
    struct gfx_gauge_panel *p, double pw, double ph)
{
	static const enum gfx_gauge_kind kinds[] = {
		[RDL_GAUGE_RADIAL] = GFX_GAUGE_RADIAL,
		[RDL_GAUGE_LINEAR] = GFX_GAUGE_LINEAR,
		[RDL_GAUGE_INDICATOR] = GFX_GAUGE_INDICATOR,
	};
	struct gfx_gauge *g = gfx_gauge_add(p, kinds[rg->kind], rg->name);
	char		 shape[64], orient[32];
	double		 size;

	if (num(c, rg->left, 0, &g->x) == -1 || num(c, rg->top, 0, &g->y) ==
	    -1 || num(c, rg->width, 100, &g->w) == -1 ||
	    num(c, rg->height, 100, &g->h) == -1 ||
	    cprop_text(c, rg->frame_shape, shape, sizeof(shape)) == -1 ||
	    cprop_text(c, rg->orientation, orient, sizeof(orient)) == -1 ||
	    fill_of(c, &rg->frame_style, g->back, &g->back) == -1)
		return -1;
	g->half = strcasestr(shape, "SemiCircular") != NULL;
	size = fmin(pw * g->w / 100, ph * g->h / 100);
	g->vertical = strcasecmp(orient, "Vertical") == 0 ||
	    (strcasecmp(orient, "Horizontal") != 0 && ph * g->h > pw * g->w);
	if (rg->kind == RDL_GAUGE_INDICATOR) {
		g->back = g->frame = GFX_NONE;
		return indicator_props(c, rg, g);
	}
	if (rg->kind == RDL_GAUGE_LINEAR)
		g->radius = 0;
	return scale_props(c, rg, g, size) == -1 ||
	    ranges_props(c, rg, g) == -1 || pointers_props(c, rg, g) == -1 ?
	    -1 : 0;
}

static int
labels_props(struct rctx *c, const struct rdl_gauge_panel *rp,
    struct gfx_gauge_panel *p, double pw, double ph)
{
	p->texts = xcalloc(rp->nlabels + 1, sizeof(*p->texts));
	for (size_t i = 0; i < rp->nlabels; i++) {
		const struct rdl_gauge_label *l = &rp->labels[i];
		struct gfx_gauge_text *t = &p->texts[p->ntexts];
		char	 text[512], align[16];
		bool	 hidden;

		if (cprop_bool(c, l->hidden, false, &hidden) == -1)
			return -1;
		if (hidden)
			continue;
		if (cprop_text(c, l->text, text, sizeof(text)) == -1 ||
		    num(c, l->left, 0, &t->x) == -1 ||
		    num(c, l->top, 0, &t->y) == -1 ||
		    num(c, l->width, 30, &t->w) == -1 ||
		    num(c, l->height, 10, &t->h) == -1 ||
		    font_of(c, &l->style, l->font_percent, fmin(pw, ph),
		    &t->font, &t->color) == -1 ||
		    cprop_text(c, l->style.text_align, align, sizeof(align)) ==
		    -1)
			return -1;
		t->text = xstrdup(text);
		t->align = strcasecmp(align, "Left") == 0 ? GFX_LEFT :
		    strcasecmp(align, "Right") == 0 ? GFX_RIGHT : GFX_CENTER;
		p->ntexts++;
	}
	return 0;
}

/* The panel over rows (its frame pushed by the caller). */
static struct gfx_chart *
evaluate(struct rctx *c, const struct rdl_item *it)
{
	const struct rdl_gauge_panel *rp = it->gauge;
	struct gfx_chart *ch = gfx_chart_new();
	struct gfx_gauge_panel *p = gfx_gauge_panel_new(it->name);

	ch->name = xstrdup(it->name);
	ch->gauge = p;
	ch->background = GFX_NONE;
	ch->border.color = GFX_NONE;
	if (fill_of(c, &it->style, GFX_NONE, &p->back) == -1)
		goto fail;
	for (size_t i = 0; i < rp->ngauges; i++)
		if (gauge_props(c, &rp->gauges[i], p, it->width,
		    it->height) == -1)
			goto fail;
	if (labels_props(c, rp, p, it->width, it->height) == -1)
		goto fail;
	return ch;
fail:
	rs_err_prefix(c->e, "gauge panel %s", it->name);
	gfx_chart_free(ch);
	return NULL;
}

static struct gfx_chart *
over_rows(struct rctx *c, const struct rdl_item *it, struct expr_value **from,
    size_t nfrom)
{
	struct gfx_chart *ch = NULL;
	struct expr_value **rows;
	const struct expr_value *saved = c->env.row;
	size_t		 n;

	rows = filter_rows(c, it->gauge->filters, it->gauge->nfilters, from,
	    nfrom, &n);
	if (rows == NULL)
		return NULL;
	if (push_frame(c, it->name, rows, n) != NULL) {
		ch = evaluate(c, it);
		pop_frame(c);
	}
	c->env.row = saved;
	free(rows);
	return ch;
}

int
process_gauge(struct rctx *c, const struct rdl_item *it, double y)
{
	int		 ds = it->gauge->dataset;
	struct gfx_chart *ch = NULL;

	if (c->ops->chart == NULL)
		return 0;	/* the format shows no pictures */
	c->env.nfields = c->r->datasets[ds].nfields;
	if (dataset_keep(c, ds) == -1)
		return -1;
	if (push_frame(c, c->r->datasets[ds].name, c->sets[ds].rows,
	    c->sets[ds].nrows) == NULL)
		return -1;
	ch = over_rows(c, it, c->sets[ds].rows, c->sets[ds].nrows);
	pop_frame(c);
	if (ch == NULL)
		return -1;
	return c->ops->chart(c, it, ch, y);
}

struct gfx_chart *
gauge_in_cell(struct rctx *c, const struct rdl_item *it)
{
	const struct scope_frame *f;

	if (c->depth == 0) {
		rs_err_set(c->e, RS_E_INTERNAL, "gauge panel %s: no scope",
		    it->name);
		return NULL;
	}
	f = &c->stack[c->depth - 1];
	return over_rows(c, it, f->rows, f->nrows);
}
