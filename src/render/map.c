/*
 * map.c: a Map evaluated into graphics/'s map model.  The MapDataRegion's
 * rows (its dataset's, through its filters) are split by its MapMember's
 * group; in each instance a polygon layer's BindingExpression gives the
 * key, its colour rule's DataValue the value and its template's Label the
 * label.  Each MapPolygon whose binding field (MapFields, by the pair's
 * FieldName) equals a key, ignoring case as the original does, takes that
 * instance's value and label.  A MapColorRangeRule splits the values'
 * range (StartValue to EndValue when given, else the smallest and
 * largest) into BucketCount equal intervals (the original's Optimal
 * distribution is computed as EqualInterval), coloured from StartColor
 * through MiddleColor to EndColor (Green, Yellow, Red when not set), each
 * a legend entry with the rule's LegendText (#FROMVALUE{N0} and
 * #TOVALUE{N0} replaced).  A polygon with no data keeps its template's
 * fill.  The map reaches the format as a chart whose map is set.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "graphics/map.h"
#include "render/render_int.h"

#define MAP_BUCKETS_MAX	64

struct datum {
	char		*key;
	double		 value;		/* NAN: none */
	char		*label;
};

struct mctx {
	struct rctx		*c;
	const struct rdl_map	*m;
	struct datum		**data;		/* per layer */
	size_t			*ndata;
};

static int
eval_instance(struct mctx *w, size_t li)
{
	struct rctx	*c = w->c;
	const struct rdl_map_layer *l = &w->m->layers[li];
	struct datum	*d;
	char		 key[256], label[256];
	double		 v = NAN;

	if (cprop_text(c, l->binding, key, sizeof(key)) == -1 ||
	    (l->has_rule && cprop_num(c, l->data_value, &v) == -1) ||
	    cprop_text(c, l->label, label, sizeof(label)) == -1)
		return -1;
	w->data[li] = xreallocarray(w->data[li], w->ndata[li] + 1,
	    sizeof(**w->data));
	d = &w->data[li][w->ndata[li]++];
	d->key = xstrdup(key);
	d->value = v;
	d->label = xstrdup(label);
	return 0;
}

static int
eval_data(struct mctx *w, struct expr_value **rows, size_t n)
{
	struct rctx	*c = w->c;
	const struct rdl_member *mb = w->m->member;
	struct skey	*inst;
	size_t		 ni;
	int		 rv = 0;

	if (mb == NULL || mb->group == NULL) {
		/* No group: the whole region is one instance. */
		for (size_t li = 0; li < w->m->nlayers && rv == 0; li++)
			rv = eval_instance(w, li);
		return rv;
	}
	if ((inst = group_rows_by(c, mb->group, rows, n, &ni)) == NULL)
		return -1;
	for (size_t i = 0; i < ni && rv == 0; i++) {
		bool pass = true;

		if (push_frame(c, mb->group->name, rows + inst[i].start,
		    inst[i].n) == NULL) {
			rv = -1;
			break;
		}
		c->stack[c->depth - 1].group = mb->group;
		rv = filters_pass(c, mb->group->filters, mb->group->nfilters,
		    &pass);
		for (size_t li = 0; li < w->m->nlayers && rv == 0 && pass;
		    li++)
			rv = eval_instance(w, li);
		pop_frame(c);
	}
	free(inst);
	return rv;
}

static uint32_t
blend(uint32_t a, uint32_t b, double t)
{
	uint32_t out = 0;

	for (int s = 0; s < 32; s += 8) {
		double x = ((a >> s) & 0xFF) * (1 - t) + ((b >> s) & 0xFF) * t;
		out |= (uint32_t)lround(x) << s;
	}
	return out;
}

/* LegendText with #FROMVALUE{fmt} and #TOVALUE{fmt} replaced. */
static void
legend_text(const char *pat, double from, double to, char *out, size_t n)
{
	struct buf	 b;
	const char	*p = pat;

	buf_init(&b, 0);
	while (*p != '\0') {
		const char *tok = NULL;
		double	 v = 0;

		if (strncmp(p, "#FROMVALUE", 10) == 0)
			tok = p + 10, v = from;
		else if (strncmp(p, "#TOVALUE", 8) == 0)
			tok = p + 8, v = to;
		if (tok == NULL) {
			buf_append(&b, p, 1, NULL);
			p++;
			continue;
		}
		{
			char	 fmt[32] = "", t[64];
			const char *e;

			if (*tok == '{' && (e = strchr(tok, '}')) != NULL &&
			    (size_t)(e - tok) < sizeof(fmt)) {
				memcpy(fmt, tok + 1, (size_t)(e - tok - 1));
				fmt[e - tok - 1] = '\0';
				tok = e + 1;
			}
			chart_format_value(NULL, v, fmt, t, sizeof(t));
			buf_puts(&b, t, NULL);
			p = tok;
		}
	}
	snprintf(out, n, "%s", b.data != NULL ? b.data : "");
	buf_fini(&b);
}

static int
color_or(struct rctx *c, const struct rdl_expr *p, uint32_t dflt,
    uint32_t *out)
{
	*out = dflt;
	return cprop_color(c, p, out);
}

/* The layer's rule: buckets, colours, legend entries. */
static int
apply_rule(struct rctx *c, const struct rdl_map_layer *l, struct gfx_map *g,
    size_t first)
{
	double		 lo = INFINITY, hi = -INFINITY, sv, ev, nb;
	uint32_t	 c0, c1, c2, colors[MAP_BUCKETS_MAX];
	char		 pat[128], text[256];
	size_t		 buckets;

	for (size_t i = first; i < g->nshapes; i++)
		if (g->shapes[i].has_value) {
			lo = fmin(lo, g->shapes[i].value);
			hi = fmax(hi, g->shapes[i].value);
		}
	if (cprop_num(c, l->start_value, &sv) == -1 ||
	    cprop_num(c, l->end_value, &ev) == -1 ||
	    cprop_num(c, l->bucket_count, &nb) == -1 ||
	    color_or(c, l->start_color, 0xFF008000, &c0) == -1 ||
	    color_or(c, l->middle_color, 0xFFFFFF00, &c1) == -1 ||
	    color_or(c, l->end_color, 0xFFFF0000, &c2) == -1 ||
	    cprop_text(c, l->legend_text, pat, sizeof(pat)) == -1)
		return -1;
	if (!isnan(sv))
		lo = sv;
	if (!isnan(ev))
		hi = ev;
	if (!isfinite(lo) || !isfinite(hi))
		return 0;		/* no data: nothing to colour */
	if (pat[0] == '\0')
		snprintf(pat, sizeof(pat), "#FROMVALUE{N0} - #TOVALUE{N0}");
	buckets = isnan(nb) || nb < 1 ? 5 : nb > MAP_BUCKETS_MAX ?
	    MAP_BUCKETS_MAX : (size_t)nb;
	if (hi <= lo)
		buckets = 1;
	for (size_t b = 0; b < buckets; b++) {
		double t = buckets > 1 ? (double)b / (double)(buckets - 1) : 0;

		colors[b] = t <= 0.5 ? blend(c0, c1, t * 2) :
		    blend(c1, c2, (t - 0.5) * 2);
		legend_text(pat, lo + (hi - lo) * (double)b / (double)buckets,
		    lo + (hi - lo) * (double)(b + 1) / (double)buckets, text,
		    sizeof(text));
		gfx_map_add_key(g, text, colors[b]);
	}
	for (size_t i = first; i < g->nshapes; i++) {
		struct gfx_map_shape *s = &g->shapes[i];
		size_t b;

		if (!s->has_value || s->value < lo || s->value > hi)
			continue;
		b = hi > lo ? (size_t)((s->value - lo) / (hi - lo) *
		    (double)buckets) : 0;
		s->fill = colors[b < buckets ? b : buckets - 1];
	}
	return 0;
}

static const char *
field_of(const struct rdl_map_polygon *p, const char *name)
{
	for (size_t i = 0; name != NULL && i < p->nfields; i++)
		if (strcasecmp(p->names[i], name) == 0)
			return p->values[i];
	return NULL;
}

static int
build(struct mctx *w, struct gfx_map *g)
{
	struct rctx	*c = w->c;

	for (size_t li = 0; li < w->m->nlayers; li++) {
		const struct rdl_map_layer *l = &w->m->layers[li];
		size_t	 first = g->nshapes;
		uint32_t fill = GFX_WHITE;
		bool	 hidden;

		if (cprop_bool(c, l->hidden, false, &hidden) == -1 ||
		    color_or(c, l->style.background_color, GFX_WHITE, &fill) ==
		    -1)
			return -1;
		for (size_t pi = 0; pi < l->npolygons; pi++) {
			const struct rdl_map_polygon *p = &l->polygons[pi];
			const char *key = field_of(p, l->binding_field);
			struct gfx_map_shape *s = gfx_map_add_shape(g, key);

			s->fill = fill;
			if (gfx_map_wkb(s, p->wkb, p->wkb_len, c->e) == -1)
				return -1;
			for (size_t k = 0; key != NULL && k < w->ndata[li];
			    k++) {
				const struct datum *d = &w->data[li][k];

				if (strcasecmp(d->key, key) != 0)
					continue;
				s->has_value = !isnan(d->value);
				s->value = d->value;
				if (!hidden && d->label[0] != '\0')
					s->label = xstrdup(d->label);
				break;
			}
		}
		if (l->has_rule && apply_rule(c, l, g, first) == -1)
			return -1;
	}
	return 0;
}

static struct gfx_chart *
evaluate(struct rctx *c, const struct rdl_item *it, struct expr_value **rows,
    size_t n)
{
	const struct rdl_map *m = it->map;
	struct gfx_chart *ch = gfx_chart_new();
	struct gfx_map	*g = gfx_map_new();
	struct mctx	 w = { c, m, xcalloc(m->nlayers + 1, sizeof(*w.data)),
	    xcalloc(m->nlayers + 1, sizeof(*w.ndata)) };
	char		 t[512];
	int		 rv = -1;

	ch->name = xstrdup(it->name);
	ch->map = g;
	ch->background = GFX_NONE;
	ch->border.color = GFX_NONE;
	if (cprop_text(c, m->title, t, sizeof(t)) == -1)
		goto out;
	if (t[0] != '\0')
		g->title = xstrdup(t);
	if (cprop_text(c, m->legend_title, t, sizeof(t)) == -1)
		goto out;
	if (t[0] != '\0')
		g->legend_title = xstrdup(t);
	if (cstyle_font(c, &m->title_style, &g->title_font, &g->title_color) ==
	    -1 || cstyle_font(c, &m->legend_style, &g->legend_font, NULL) ==
	    -1 || (m->nlayers > 0 && cstyle_font(c, &m->layers[0].style,
	    &g->label_font, &g->label_color) == -1) ||
	    color_or(c, m->viewport_style.background_color, GFX_WHITE,
	    &g->back) == -1)
		goto out;
	if (rows != NULL && eval_data(&w, rows, n) == -1)
		goto out;
	rv = build(&w, g);
out:
	for (size_t i = 0; i < m->nlayers; i++) {
		for (size_t k = 0; k < w.ndata[i]; k++) {
			free(w.data[i][k].key);
			free(w.data[i][k].label);
		}
		free(w.data[i]);
	}
	free(w.data);
	free(w.ndata);
	if (rv == -1) {
		rs_err_prefix(c->e, "map %s", it->name);
		gfx_chart_free(ch);
		return NULL;
	}
	return ch;
}

int
process_map(struct rctx *c, const struct rdl_item *it, double y)
{
	const struct rdl_map *m = it->map;
	struct expr_value **rows = NULL;
	struct gfx_chart *ch = NULL;
	size_t		 n = 0;
	int		 ds = m->dataset;

	if (c->ops->chart == NULL)
		return 0;	/* the format shows no pictures */
	if (ds < 0)
		ch = evaluate(c, it, NULL, 0);
	else {
		const struct expr_value *saved = c->env.row;

		c->env.nfields = c->r->datasets[ds].nfields;
		if (dataset_keep(c, ds) == -1)
			return -1;
		rows = filter_rows(c, m->filters, m->nfilters, c->sets[ds].rows,
		    c->sets[ds].nrows, &n);
		if (rows == NULL)
			return -1;
		if (push_frame(c, c->r->datasets[ds].name, c->sets[ds].rows,
		    c->sets[ds].nrows) != NULL) {
			if (push_frame(c, it->name, rows, n) != NULL) {
				ch = evaluate(c, it, rows, n);
				pop_frame(c);
			}
			pop_frame(c);
		}
		c->env.row = saved;
		free(rows);
	}
	if (ch == NULL)
		return -1;
	return c->ops->chart(c, it, ch, y);
}
