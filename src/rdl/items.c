/*
 * items.c: report items (Textbox, Rectangle, Line, Image, Tablix, Chart), their
 * Style, Visibility and data-element properties, and the Filters and
 * SortExpressions that datasets, data regions and groups share.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl_int.h"

static int
border_parse(struct pctx *c, xmlNode *n, struct rdl_border *b)
{
	bool		 failed = false;

	if (n == NULL)
		return 0;
	b->style = child_prop(c, n, "Style", &failed);
	b->color = child_prop(c, n, "Color", &failed);
	b->width = child_prop(c, n, "Width", &failed);
	return failed ? -1 : 0;
}

int
style_parse(struct pctx *c, xmlNode *n, struct rdl_style *s)
{
	static const char *borders[] = { "Border", "TopBorder", "BottomBorder",
	    "LeftBorder", "RightBorder" };
	bool		 failed = false;
	size_t		 i;

	memset(s, 0, sizeof(*s));
	if (n == NULL)
		return 0;
	s->font_family = child_prop(c, n, "FontFamily", &failed);
	s->font_size = child_prop(c, n, "FontSize", &failed);
	s->font_weight = child_prop(c, n, "FontWeight", &failed);
	s->font_style = child_prop(c, n, "FontStyle", &failed);
	s->color = child_prop(c, n, "Color", &failed);
	s->background_color = child_prop(c, n, "BackgroundColor", &failed);
	s->format = child_prop(c, n, "Format", &failed);
	s->text_align = child_prop(c, n, "TextAlign", &failed);
	s->vertical_align = child_prop(c, n, "VerticalAlign", &failed);
	s->text_decoration = child_prop(c, n, "TextDecoration", &failed);
	s->language = child_prop(c, n, "Language", &failed);
	s->gradient_end = child_prop(c, n, "BackgroundGradientEndColor",
	    &failed);
	s->gradient = child_prop(c, n, "BackgroundGradientType", &failed);
	s->padding[0] = child_prop(c, n, "PaddingLeft", &failed);
	s->padding[1] = child_prop(c, n, "PaddingRight", &failed);
	s->padding[2] = child_prop(c, n, "PaddingTop", &failed);
	s->padding[3] = child_prop(c, n, "PaddingBottom", &failed);
	for (i = 0; i < RDL_SIDE__N && !failed; i++)
		if (border_parse(c, child(c, n, borders[i]), &s->border[i]) == -1)
			failed = true;
	return failed ? -1 : 0;
}

void
style_fini(struct rdl_style *s)
{
	size_t		 i;

	prop_free(s->font_family);
	prop_free(s->font_size);
	prop_free(s->font_weight);
	prop_free(s->font_style);
	prop_free(s->color);
	prop_free(s->background_color);
	prop_free(s->gradient_end);
	prop_free(s->gradient);
	prop_free(s->format);
	prop_free(s->text_align);
	prop_free(s->vertical_align);
	prop_free(s->text_decoration);
	prop_free(s->language);
	for (i = 0; i < 4; i++)
		prop_free(s->padding[i]);
	for (i = 0; i < RDL_SIDE__N; i++) {
		prop_free(s->border[i].style);
		prop_free(s->border[i].color);
		prop_free(s->border[i].width);
	}
	memset(s, 0, sizeof(*s));
}

enum rdl_deo
deo_parse(struct pctx *c, xmlNode *n)
{
	char		*t = child_text(c, n, "DataElementOutput");
	enum rdl_deo	 d = RDL_DEO_AUTO;

	if (t == NULL)
		return d;
	if (strcmp(str_trim(t), "Output") == 0)
		d = RDL_DEO_OUTPUT;
	else if (strcmp(t, "NoOutput") == 0)
		d = RDL_DEO_NOOUTPUT;
	else if (strcmp(t, "ContentsOnly") == 0)
		d = RDL_DEO_CONTENTSONLY;
	free(t);
	return d;
}

static const struct {
	const char		*name;
	enum rdl_filter_op	 op;
} filter_ops[] = {
	{ "Equal", RDL_F_EQUAL }, { "NotEqual", RDL_F_NOTEQUAL },
	{ "GreaterThan", RDL_F_GREATER },
	{ "GreaterThanOrEqual", RDL_F_GREATEREQ },
	{ "LessThan", RDL_F_LESS }, { "LessThanOrEqual", RDL_F_LESSEQ },
	{ "Like", RDL_F_LIKE }, { "In", RDL_F_IN }, { "Between", RDL_F_BETWEEN },
	{ "TopN", RDL_F_TOPN }, { "BottomN", RDL_F_BOTTOMN },
	{ "TopPercent", RDL_F_TOPPERCENT },
	{ "BottomPercent", RDL_F_BOTTOMPERCENT },
};

static int
filter_parse(struct pctx *c, xmlNode *k, struct rdl_filter *f)
{
	xmlNode		*v;
	char		*op;
	size_t		 i;
	bool		 failed = false;

	f->expr = child_prop(c, k, "FilterExpression", &failed);
	if (failed || f->expr == NULL)
		return failed ? -1 : fail(c, k, "a Filter needs a "
		    "FilterExpression");
	op = child_text(c, k, "Operator");
	for (i = 0; op != NULL && i < nitems(filter_ops); i++)
		if (strcmp(str_trim(op), filter_ops[i].name) == 0)
			break;
	if (op == NULL || i == nitems(filter_ops)) {
		fail(c, k, "filter operator %s is not supported; supported: "
		    "Equal, NotEqual, GreaterThan, GreaterThanOrEqual, LessThan, "
		    "LessThanOrEqual, Like, In, Between, TopN, BottomN, "
		    "TopPercent, BottomPercent", op ? op : "(none)");
		free(op);
		return -1;
	}
	free(op);
	f->op = filter_ops[i].op;
	for (v = child(c, k, "FilterValues"), v = v ? v->children : NULL;
	    v != NULL; v = v->next) {
		if (!is_el(c, v, "FilterValue"))
			continue;
		f->values = xreallocarray(f->values, f->nvalues + 1,
		    sizeof(*f->values));
		f->values[f->nvalues] = prop_new(c, v);
		if (f->values[f->nvalues] == NULL)
			return -1;
		f->nvalues++;
	}
	if (f->nvalues == 0 || (f->op == RDL_F_BETWEEN && f->nvalues != 2) ||
	    (RDL_FILTER_RANKS(f->op) && f->nvalues != 1))
		return fail(c, k, "wrong number of FilterValues for this "
		    "operator");
	return 0;
}

int
filters_parse(struct pctx *c, xmlNode *n, struct rdl_filter **out,
    size_t *nout)
{
	xmlNode		*k;

	for (k = n != NULL ? n->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "Filter"))
			continue;
		*out = xreallocarray(*out, *nout + 1, sizeof(**out));
		memset(&(*out)[*nout], 0, sizeof(**out));
		(*nout)++;
		if (filter_parse(c, k, &(*out)[*nout - 1]) == -1)
			return -1;
	}
	return 0;
}

void
filters_free(struct rdl_filter *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		prop_free(f[i].expr);
		for (size_t j = 0; j < f[i].nvalues; j++)
			prop_free(f[i].values[j]);
		free(f[i].values);
	}
	free(f);
}

int
sorts_parse(struct pctx *c, xmlNode *n, struct rdl_sort **out,
    size_t *nout)
{
	xmlNode		*k;
	bool		 failed = false;
	char		*dir;
	struct rdl_sort	*s;

	for (k = n != NULL ? n->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "SortExpression"))
			continue;
		*out = xreallocarray(*out, *nout + 1, sizeof(**out));
		s = &(*out)[(*nout)++];
		memset(s, 0, sizeof(*s));
		s->value = child_prop(c, k, "Value", &failed);
		if (failed || s->value == NULL)
			return failed ? -1 : fail(c, k, "a SortExpression needs "
			    "a Value");
		dir = child_text(c, k, "Direction");
		s->descending = dir != NULL &&
		    strcmp(str_trim(dir), "Descending") == 0;
		free(dir);
	}
	return 0;
}

void
sorts_free(struct rdl_sort *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		prop_free(s[i].value);
	free(s);
}

static int
textbox_parse(struct pctx *c, xmlNode *n, struct rdl_item *it)
{
	xmlNode		*p, *r;
	struct rdl_paragraph *para;
	struct rdl_run	*run;
	bool		 failed = false;

	it->constant = true;
	it->hide_duplicates = child_text(c, n, "HideDuplicates");
	it->can_grow = child_bool(c, n, "CanGrow", false);
	it->can_shrink = child_bool(c, n, "CanShrink", false);
	for (p = child(c, n, "Paragraphs"), p = p ? p->children : NULL;
	    p != NULL; p = p->next) {
		if (!is_el(c, p, "Paragraph"))
			continue;
		it->paras = xreallocarray(it->paras, it->nparas + 1,
		    sizeof(*para));
		para = &it->paras[it->nparas++];
		memset(para, 0, sizeof(*para));
		if (style_parse(c, child(c, p, "Style"), &para->style) == -1)
			return -1;
		for (r = child(c, p, "TextRuns"), r = r ? r->children : NULL;
		    r != NULL; r = r->next) {
			if (!is_el(c, r, "TextRun"))
				continue;
			para->runs = xreallocarray(para->runs, para->nruns + 1,
			    sizeof(*run));
			run = &para->runs[para->nruns++];
			memset(run, 0, sizeof(*run));
			run->value = child_prop(c, r, "Value", &failed);
			if (failed || style_parse(c, child(c, r, "Style"),
			    &run->style) == -1)
				return -1;
			if (run->value != NULL && run->value->is_expr)
				it->constant = false;
		}
	}
	return 0;
}

static int
image_parse(struct pctx *c, xmlNode *n, struct rdl_item *it)
{
	char		*src = child_text(c, n, "Source"), *val;
	int		 rv = 0;

	it->image = -1;
	if (src == NULL || strcmp(str_trim(src), "Embedded") != 0) {
		rv = fail(c, n, "image source %s is not supported; supported: "
		    "Embedded", src ? src : "(none)");
		free(src);
		return rv;
	}
	free(src);
	val = child_text(c, n, "Value");
	for (size_t i = 0; val != NULL && i < c->r->nimages; i++)
		if (strcmp(c->r->images[i].name, str_trim(val)) == 0)
			it->image = (int)i;
	if (it->image < 0)
		rv = fail(c, n, "image \"%s\" is not among the EmbeddedImages",
		    val ? val : "");
	free(val);
	return rv;
}

static const struct {
	const char		*name;
	enum rdl_item_kind	 kind;
} item_kinds[] = {
	{ "Textbox", RDL_TEXTBOX }, { "Rectangle", RDL_RECTANGLE },
	{ "Line", RDL_LINE }, { "Image", RDL_IMAGE }, { "Tablix", RDL_TABLIX },
	{ "Chart", RDL_CHART }, { "GaugePanel", RDL_GAUGE },
	{ "Map", RDL_MAP },
};

static int
item_common(struct pctx *c, xmlNode *n, struct rdl_item *it)
{
	bool		 failed = false;
	char		*z;

	it->name = xstrdup("");
	{
		xmlChar *nm = xmlGetProp(n, (const xmlChar *)"Name");
		if (nm != NULL) {
			free(it->name);
			it->name = xstrdup((const char *)nm);
			xmlFree(nm);
		}
	}
	it->line = (int)xmlGetLineNo(n);
	if (child_size(c, n, "Top", 0, &it->top) == -1 ||
	    child_size(c, n, "Left", 0, &it->left) == -1 ||
	    child_size(c, n, "Height", 0, &it->height) == -1 ||
	    child_size(c, n, "Width", 0, &it->width) == -1 ||
	    style_parse(c, child(c, n, "Style"), &it->style) == -1)
		return -1;
	z = child_text(c, n, "ZIndex");
	it->zindex = z != NULL ? (int)strtol(z, NULL, 10) : 0;
	free(z);
	it->hidden = child_prop(c, child(c, n, "Visibility"), "Hidden", &failed);
	if (failed)
		return -1;
	it->data_element_name = child_text(c, n, "DataElementName");
	it->deo = deo_parse(c, n);
	return 0;
}

struct rdl_item *
item_parse(struct pctx *c, xmlNode *n)
{
	struct rdl_item	*it;
	size_t		 i;
	int		 rv = 0;

	for (i = 0; i < nitems(item_kinds); i++)
		if (is_el(c, n, item_kinds[i].name))
			break;
	if (i == nitems(item_kinds))
		return NULL;
	if (count_node(c, n) == -1)
		return NULL;
	if (++c->depth > RDL_MAX_DEPTH) {
		fail(c, n, "report items are nested more than %d deep",
		    RDL_MAX_DEPTH);
		return NULL;
	}
	it = xcalloc(1, sizeof(*it));
	it->kind = item_kinds[i].kind;
	it->image = -1;
	if (item_common(c, n, it) == -1)
		rv = -1;
	else if (it->kind == RDL_TEXTBOX)
		rv = textbox_parse(c, n, it);
	else if (it->kind == RDL_RECTANGLE)
		rv = items_parse(c, child(c, n, "ReportItems"), &it->items,
		    &it->nitems);
	else if (it->kind == RDL_IMAGE)
		rv = image_parse(c, n, it);
	else if (it->kind == RDL_TABLIX)
		rv = (it->tablix = tablix_parse(c, n)) == NULL ? -1 : 0;
	else if (it->kind == RDL_CHART)
		rv = (it->chart = chart_parse(c, n)) == NULL ? -1 : 0;
	else if (it->kind == RDL_GAUGE)
		rv = (it->gauge = gauge_parse(c, n)) == NULL ? -1 : 0;
	else if (it->kind == RDL_MAP)
		rv = (it->map = map_parse(c, n)) == NULL ? -1 : 0;
	c->depth--;
	if (rv == -1) {
		item_free(it);
		return NULL;
	}
	return it;
}

static int
cmp_items(const void *a, const void *b)
{
	const struct rdl_item *x = *(struct rdl_item *const *)a;
	const struct rdl_item *y = *(struct rdl_item *const *)b;

	/* Top to bottom, then left to right: the order of the renderers. */
	if (x->top != y->top)
		return x->top < y->top ? -1 : 1;
	if (x->left != y->left)
		return x->left < y->left ? -1 : 1;
	return 0;
}

int
items_parse(struct pctx *c, xmlNode *ritems, struct rdl_item ***out,
    size_t *nout)
{
	xmlNode		*k;
	struct rdl_item	*it;

	for (k = ritems != NULL ? ritems->children : NULL; k != NULL;
	    k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		it = item_parse(c, k);
		if (it == NULL) {
			if (c->e != NULL && c->e->code != RS_E_OK)
				return -1;
			continue;
		}
		*out = xreallocarray(*out, *nout + 1, sizeof(**out));
		(*out)[(*nout)++] = it;
	}
	if (*nout > 1)
		qsort(*out, *nout, sizeof(**out), cmp_items);
	return 0;
}

void
item_free(struct rdl_item *it)
{
	size_t		 i, j;

	if (it == NULL)
		return;
	free(it->name);
	style_fini(&it->style);
	prop_free(it->hidden);
	free(it->data_element_name);
	for (i = 0; i < it->nparas; i++) {
		for (j = 0; j < it->paras[i].nruns; j++) {
			prop_free(it->paras[i].runs[j].value);
			style_fini(&it->paras[i].runs[j].style);
		}
		free(it->paras[i].runs);
		style_fini(&it->paras[i].style);
	}
	free(it->paras);
	free(it->hide_duplicates);
	for (i = 0; i < it->nitems; i++)
		item_free(it->items[i]);
	free(it->items);
	tablix_free(it->tablix);
	chart_free(it->chart);
	gauge_free(it->gauge);
	map_free(it->map);
	free(it);
}
