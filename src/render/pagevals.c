/*
 * pagevals.c: ReportItems!Name.Value in a page header or footer is the
 * value of the first textbox of that name on the page (Nothing when the
 * page has none), as SSRS defines it.  The layout formats report each
 * textbox they put on a page; only names the header and footer use are
 * kept, one text per page.
 */
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "render/render_int.h"

static int
note_name(struct expr_node *n, void *arg)
{
	struct rctx	*c = arg;

	if (n->kind != EXPR_RITEM)
		return 0;
	for (size_t i = 0; i < c->nritems; i++)
		if (strcmp(c->ritems[i], n->name) == 0)
			return 0;
	c->ritems = xreallocarray(c->ritems, c->nritems + 1,
	    sizeof(*c->ritems));
	c->ritems[c->nritems++] = n->name;
	return 0;
}

static void
collect_item(struct rctx *c, const struct rdl_item *it)
{
	for (size_t p = 0; p < it->nparas; p++)
		for (size_t r = 0; r < it->paras[p].nruns; r++)
			if (it->paras[p].runs[r].value != NULL)
				expr_walk(it->paras[p].runs[r].value->ast,
				    note_name, c);
	if (it->hidden != NULL)
		expr_walk(it->hidden->ast, note_name, c);
}

static int
ritem_cb(void *arg, const char *name, struct expr_value *out,
    struct rs_err *e)
{
	struct rctx	*c = arg;

	(void)e;
	out->type = EXPR_T_NULL;
	if (!c->in_band)
		return body_ritem(c, name, out);
	for (size_t i = 0; i < c->npagevals; i++)
		if (c->pagevals[i].page == c->globals.page_number &&
		    strcmp(c->pagevals[i].name, name) == 0) {
			expr_value_str(out, c->pagevals[i].text);
			break;
		}
	return 0;
}

void
ritems_collect(struct rctx *c)
{
	const struct rdl_band *b[] = { c->r->page.header, c->r->page.footer };

	for (size_t i = 0; i < 2; i++)
		for (size_t k = 0; b[i] != NULL && k < b[i]->nitems; k++)
			collect_item(c, b[i]->items[k]);
	c->env.ritem = ritem_cb;
	c->env.ritem_arg = c;
}

bool
ritem_wanted(const struct rctx *c, const struct rdl_item *it)
{
	if (it == NULL || it->kind != RDL_TEXTBOX)
		return false;
	for (size_t i = 0; i < c->nritems; i++)
		if (strcmp(c->ritems[i], it->name) == 0)
			return true;
	return false;
}

void
page_value(struct rctx *c, int page, const struct rdl_item *it,
    const char *text)
{
	size_t		 i;

	if (it == NULL || it->kind != RDL_TEXTBOX || c->nritems == 0)
		return;
	for (i = 0; i < c->nritems; i++)
		if (strcmp(c->ritems[i], it->name) == 0)
			break;
	if (i == c->nritems)
		return;
	for (i = 0; i < c->npagevals; i++)
		if (c->pagevals[i].page == page &&
		    strcmp(c->pagevals[i].name, it->name) == 0)
			return;		/* the first on the page counts */
	c->pagevals = xreallocarray(c->pagevals, c->npagevals + 1,
	    sizeof(*c->pagevals));
	c->pagevals[c->npagevals].page = page;
	c->pagevals[c->npagevals].name = it->name;
	c->pagevals[c->npagevals].text = xstrdup(text != NULL ? text : "");
	c->npagevals++;
}

void
pagevals_free(struct rctx *c)
{
	for (size_t i = 0; i < c->npagevals; i++)
		free(c->pagevals[i].text);
	free(c->pagevals);
	free(c->ritems);
	c->pagevals = NULL;
	c->ritems = NULL;
	c->npagevals = c->nritems = 0;
}
