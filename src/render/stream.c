/*
 * stream.c: decides whether a data region can stream.  A plain detail
 * table (one details group, no group expressions, sorts, filters or
 * aggregates, no fields outside the detail rows) over a dataset that no
 * other item, page header or footer uses is rendered row by row as the
 * query returns them; anything else keeps its dataset's rows.
 */
#include "render/render_int.h"

static int
is_agg_or_field(struct expr_node *n, void *arg)
{
	int		 want = *(int *)arg;

	return n->kind == EXPR_AGG || (want && n->kind == EXPR_FIELD);
}

static bool
prop_uses(const struct rdl_expr *p, bool fields)
{
	int		 want = fields;

	return p != NULL && p->is_expr &&
	    expr_walk(p->ast, is_agg_or_field, &want) != 0;
}

static bool
style_uses(const struct rdl_style *s, bool fields)
{
	const struct rdl_expr *props[] = { s->font_family, s->font_size,
	    s->font_weight, s->font_style, s->color, s->background_color,
	    s->format, s->text_align, s->vertical_align, s->text_decoration };

	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (prop_uses(props[i], fields))
			return true;
	return false;
}

/* Does an item (or anything in it) use aggregates (or fields)? */
bool
item_uses(const struct rdl_item *it, bool fields)
{
	if (it == NULL)
		return false;
	if (style_uses(&it->style, fields) || prop_uses(it->hidden, fields))
		return true;
	for (size_t p = 0; p < it->nparas; p++) {
		if (style_uses(&it->paras[p].style, fields))
			return true;
		for (size_t r = 0; r < it->paras[p].nruns; r++)
			if (prop_uses(it->paras[p].runs[r].value, fields) ||
			    style_uses(&it->paras[p].runs[r].style, fields))
				return true;
	}
	for (size_t i = 0; i < it->nitems; i++)
		if (item_uses(it->items[i], fields))
			return true;
	/* A nested region, or a chart in a cell (it aggregates its scope
	 * and may name the region's): be careful. */
	return it->tablix != NULL || it->chart != NULL || it->gauge != NULL;
}

static bool
members_stream(const struct rdl_tablix *t, const struct rdl_member *m,
    size_t n, bool in_detail, int *ndetail)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].group != NULL) {
			if (in_detail || m[i].group->nexprs > 0 || m[i].nsorts > 0 ||
			    m[i].group->nfilters > 0 || m[i].header != NULL)
				return false;
			(*ndetail)++;
		}
		if (m[i].hidden != NULL && m[i].hidden->is_expr)
			return false;
		if (m[i].nchildren == 0) {
			for (size_t j = 0; j < t->ncols; j++)
				if (item_uses(t->rows[m[i].row].cells[j].item,
				    !in_detail && m[i].group == NULL))
					return false;
		} else if (!members_stream(t, m[i].children, m[i].nchildren,
		    in_detail || m[i].group != NULL, ndetail))
			return false;
	}
	return true;
}

static bool
items_use_data(struct rdl_item *const *items, size_t n,
    const struct rdl_item *except, int ds, int *regions)
{
	for (size_t i = 0; i < n; i++) {
		const struct rdl_item *it = items[i];

		if (it->kind == RDL_TABLIX) {
			if (it != except && it->tablix->dataset == ds)
				(*regions)++;
			continue;
		}
		if (it->kind == RDL_CHART || it->kind == RDL_GAUGE ||
		    it->kind == RDL_MAP) {
			if ((it->chart != NULL ? it->chart->dataset :
			    it->gauge != NULL ? it->gauge->dataset :
			    it->map->dataset) == ds)
				(*regions)++;
			continue;
		}
		if (it->kind == RDL_TEXTBOX && item_uses(it, true))
			return true;
		if (items_use_data(it->items, it->nitems, except, ds, regions))
			return true;
	}
	return false;
}

/* A plain detail table over a dataset nothing else uses can stream. */
bool
can_stream(struct rctx *c, const struct rdl_item *item)
{
	const struct rdl_tablix *t = item->tablix;
	const struct rdl_band *bands[] = { c->r->page.header, c->r->page.footer };
	int		 ndetail = 0, regions = 0;

	if (c->sets[t->dataset].done || t->matrix || t->nsorts > 0 ||
	    t->nfilters > 0 || filters_rank_any(c->r->datasets[t->dataset].filters,
	    c->r->datasets[t->dataset].nfilters) ||
	    !members_stream(t, t->members, t->nmembers, false, &ndetail) ||
	    ndetail != 1)
		return false;
	if (items_use_data(c->r->body, c->r->nbody, item, t->dataset, &regions) ||
	    regions > 0)
		return false;
	for (size_t b = 0; b < 2; b++)
		if (bands[b] != NULL && items_use_data(bands[b]->items,
		    bands[b]->nitems, item, t->dataset, &regions))
			return false;
	return true;
}

