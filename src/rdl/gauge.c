/*
 * gauge.c: the GaugePanel report item: radial gauges, linear gauges and
 * state indicators over the panel's dataset (one instance: its rows, or
 * the cell's scope when the panel sits in a data region's cell), with
 * the panel's labels.  Of each radial or linear gauge the first scale is
 * read (minimum, maximum, angles or position, ranges, pointers, tick
 * marks, labels) and its back frame's colours; of a state indicator its
 * input value, transformation and states.  Everything else a designer
 * writes (images, shadows, gradients, pins, thermometer bulbs) is
 * accepted and not drawn.  Groups inside a panel (GaugeMember), numeric
 * indicators, gauge images and second scales are refused with a message.
 */
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl_int.h"

const char *const gauge_known[] = {
	"GaugePanel", "RadialGauges", "RadialGauge", "LinearGauges",
	"LinearGauge", "StateIndicators", "StateIndicator", "GaugeScales",
	"RadialScale", "LinearScale", "GaugePointers", "RadialPointer",
	"LinearPointer", "PointerCap", "CapImage", "CapStyle", "OnTop",
	"NeedleStyle", "GaugeInputValue", "Multiplier", "PointerImage",
	"MarkerLength", "MarkerStyle", "Placement", "ScaleRanges",
	"ScaleRange", "DistanceFromScale", "StartValue", "EndValue",
	"StartWidth", "EndWidth", "InRangeBarPointerColor",
	"InRangeLabelColor", "InRangeTickMarksColor", "MaximumValue",
	"MinimumValue", "GaugeMajorTickMarks", "GaugeMinorTickMarks",
	"TickMarkImage", "EnableGradient", "GradientDensity", "MaximumPin",
	"MinimumPin", "PinLabel", "AllowUpsideDown", "RotateLabel",
	"Shape", "ScaleLabels", "RotateLabels", "ShowEndLabels",
	"UseFontPercent", "BackFrame", "FrameStyle", "FrameShape",
	"FrameWidth", "GlassEffect", "FrameBackground", "FrameImage",
	"HueColor", "TransparentColor", "ClipImage", "ClipContent",
	"TopImage", "AspectRatio", "PivotX", "PivotY", "Radius",
	"StartAngle", "SweepAngle", "Orientation", "Position", "StartMargin",
	"EndMargin", "Thermometer", "BulbOffset", "BulbSize",
	"ThermometerStyle", "GaugeLabels", "GaugeLabel", "Text",
	"TextShadowOffset", "ParentItem", "AutoLayout", "ShadowIntensity",
	"AntiAliasing", "TextAntiAliasingQuality", "OffsetX", "OffsetY",
	"IndicatorStates", "IndicatorState", "IndicatorStyle",
	"IndicatorImage", "ScaleFactor", "TransformationType",
	"TransformationScope", "StateDataElementName",
	"StateDataElementOutput", "IconsSet", "ResizeMode", "TickMarksOnTop",
	"LogarithmicBase", "Logarithmic", "Hidden", "Interval",
	"IntervalOffset", "Width", "Height", "Top", "Left", "Angle",
	"Tooltip", "ActionInfo", "Value", "Color", "BackgroundColor",
	"DataSetName", "Filters", "Filter", "ToolTip", "Label", "Source",
	"Name", "Type", "Style", "Length", "Size", "Format", "Maximum",
	"Minimum", "DataElementOutput",
	NULL
};

static const struct {
	const char	*name;
	const char	*why;
} gauge_refused[] = {
	{ "GaugeMember", "groups inside a GaugePanel (GaugeMember) are not "
	    "supported; put the panel in a table cell to get one per group" },
	{ "NumericIndicators", "numeric indicators are not supported; "
	    "supported: radial and linear gauges, state indicators" },
	{ "GaugeImages", "gauge images are not supported; supported: radial "
	    "and linear gauges, state indicators" },
	{ "CustomLabels", "custom scale labels are not supported" },
};

/* A child's Value (StartValue/Value, GaugeInputValue/Value, ...). */
static struct rdl_expr *
value_of(struct pctx *c, xmlNode *n, const char *name, bool *failed)
{
	return child_prop(c, child(c, n, name), "Value", failed);
}

static int
range_parse(struct pctx *c, xmlNode *n, struct rdl_gauge_range *r)
{
	bool		 failed = false;

	r->start = value_of(c, n, "StartValue", &failed);
	r->end = value_of(c, n, "EndValue", &failed);
	r->start_width = child_prop(c, n, "StartWidth", &failed);
	r->end_width = child_prop(c, n, "EndWidth", &failed);
	r->distance = child_prop(c, n, "DistanceFromScale", &failed);
	if (failed || style_parse(c, child(c, n, "Style"), &r->style) == -1)
		return -1;
	return 0;
}

static int
pointer_parse(struct pctx *c, xmlNode *n, struct rdl_gauge_pointer *p)
{
	bool		 failed = false;
	xmlNode		*cap = child(c, n, "PointerCap");

	p->type = child_prop(c, n, "Type", &failed);
	p->value = value_of(c, n, "GaugeInputValue", &failed);
	p->multiplier = child_prop(c, child(c, n, "GaugeInputValue"),
	    "Multiplier", &failed);
	p->width = child_prop(c, n, "Width", &failed);
	p->distance = child_prop(c, n, "DistanceFromScale", &failed);
	p->marker_length = child_prop(c, n, "MarkerLength", &failed);
	p->hidden = child_prop(c, n, "Hidden", &failed);
	p->cap_width = child_prop(c, cap, "Width", &failed);
	p->cap_hidden = child_prop(c, cap, "Hidden", &failed);
	if (failed || style_parse(c, child(c, n, "Style"), &p->style) == -1 ||
	    style_parse(c, child(c, cap, "Style"), &p->cap_style) == -1)
		return -1;
	return 0;
}

/* The first scale of a radial or linear gauge, its ranges and pointers. */
static int
scale_parse(struct pctx *c, xmlNode *scales, struct rdl_gauge *g)
{
	xmlNode		*s = NULL, *k;
	bool		 failed = false;

	for (k = scales != NULL ? scales->children : NULL; k != NULL;
	    k = k->next) {
		if (!is_el(c, k, "RadialScale") && !is_el(c, k, "LinearScale"))
			continue;
		if (s != NULL)
			return fail(c, k, "a gauge with more than one scale is "
			    "not supported");
		s = k;
	}
	if (s == NULL)
		return 0;
	g->radius = child_prop(c, s, "Radius", &failed);
	g->start_angle = child_prop(c, s, "StartAngle", &failed);
	g->sweep = child_prop(c, s, "SweepAngle", &failed);
	g->position = child_prop(c, s, "Position", &failed);
	g->min = value_of(c, s, "MinimumValue", &failed);
	g->max = value_of(c, s, "MaximumValue", &failed);
	g->interval = child_prop(c, s, "Interval", &failed);
	g->scale_width = child_prop(c, s, "Width", &failed);
	g->major_len = child_prop(c, child(c, s, "GaugeMajorTickMarks"),
	    "Length", &failed);
	g->major_width = child_prop(c, child(c, s, "GaugeMajorTickMarks"),
	    "Width", &failed);
	g->major_hidden = child_prop(c, child(c, s, "GaugeMajorTickMarks"),
	    "Hidden", &failed);
	g->minor_len = child_prop(c, child(c, s, "GaugeMinorTickMarks"),
	    "Length", &failed);
	g->minor_width = child_prop(c, child(c, s, "GaugeMinorTickMarks"),
	    "Width", &failed);
	g->minor_hidden = child_prop(c, child(c, s, "GaugeMinorTickMarks"),
	    "Hidden", &failed);
	g->labels_hidden = child_prop(c, child(c, s, "ScaleLabels"), "Hidden",
	    &failed);
	g->label_interval = child_prop(c, child(c, s, "ScaleLabels"),
	    "Interval", &failed);
	g->labels_font_percent = child_prop(c, child(c, s, "ScaleLabels"),
	    "UseFontPercent", &failed);
	if (failed || style_parse(c, child(c, s, "Style"), &g->scale_style) ==
	    -1 || style_parse(c, child(c, child(c, s, "GaugeMajorTickMarks"),
	    "Style"), &g->major_style) == -1 || style_parse(c, child(c,
	    child(c, s, "GaugeMinorTickMarks"), "Style"), &g->minor_style) ==
	    -1 || style_parse(c, child(c, child(c, s, "ScaleLabels"), "Style"),
	    &g->label_style) == -1)
		return -1;
	for (k = child(c, s, "ScaleRanges") ? child(c, s,
	    "ScaleRanges")->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "ScaleRange"))
			continue;
		g->ranges = xreallocarray(g->ranges, g->nranges + 1,
		    sizeof(*g->ranges));
		memset(&g->ranges[g->nranges], 0, sizeof(*g->ranges));
		if (range_parse(c, k, &g->ranges[g->nranges++]) == -1)
			return -1;
	}
	for (k = child(c, s, "GaugePointers") ? child(c, s,
	    "GaugePointers")->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "RadialPointer") && !is_el(c, k,
		    "LinearPointer"))
			continue;
		g->pointers = xreallocarray(g->pointers, g->npointers + 1,
		    sizeof(*g->pointers));
		memset(&g->pointers[g->npointers], 0, sizeof(*g->pointers));
		if (pointer_parse(c, k, &g->pointers[g->npointers++]) == -1)
			return -1;
	}
	return 0;
}

static int
states_parse(struct pctx *c, xmlNode *list, struct rdl_gauge *g)
{
	for (xmlNode *k = list != NULL ? list->children : NULL; k != NULL;
	    k = k->next) {
		struct rdl_gauge_state *s;
		bool	 failed = false;

		if (!is_el(c, k, "IndicatorState"))
			continue;
		g->states = xreallocarray(g->states, g->nstates + 1,
		    sizeof(*g->states));
		s = &g->states[g->nstates++];
		memset(s, 0, sizeof(*s));
		s->name = attr(k, "Name");
		s->start = value_of(c, k, "StartValue", &failed);
		s->end = value_of(c, k, "EndValue", &failed);
		s->color = child_prop(c, k, "Color", &failed);
		s->icon = child_prop(c, k, "IndicatorStyle", &failed);
		if (failed)
			return -1;
	}
	return 0;
}

static int
gauge_one(struct pctx *c, xmlNode *n, enum rdl_gauge_kind kind,
    struct rdl_gauge *g)
{
	bool		 failed = false;

	g->kind = kind;
	g->name = attr(n, "Name");
	g->top = child_prop(c, n, "Top", &failed);
	g->left = child_prop(c, n, "Left", &failed);
	g->width = child_prop(c, n, "Width", &failed);
	g->height = child_prop(c, n, "Height", &failed);
	g->pivot_x = child_prop(c, n, "PivotX", &failed);
	g->pivot_y = child_prop(c, n, "PivotY", &failed);
	g->orientation = child_prop(c, n, "Orientation", &failed);
	g->frame_shape = child_prop(c, child(c, n, "BackFrame"), "FrameShape",
	    &failed);
	if (failed || style_parse(c, child(c, n, "BackFrame") ? child(c,
	    child(c, n, "BackFrame"), "Style") : NULL, &g->frame_style) == -1)
		return -1;
	if (kind != RDL_GAUGE_INDICATOR)
		return scale_parse(c, child(c, n, "GaugeScales"), g);
	g->value = value_of(c, n, "GaugeInputValue", &failed);
	g->multiplier = child_prop(c, child(c, n, "GaugeInputValue"),
	    "Multiplier", &failed);
	g->transformation = child_prop(c, n, "TransformationType", &failed);
	g->min = value_of(c, n, "MinimumValue", &failed);
	g->max = value_of(c, n, "MaximumValue", &failed);
	if (failed)
		return -1;
	return states_parse(c, child(c, n, "IndicatorStates"), g);
}

static int
labels_parse(struct pctx *c, xmlNode *list, struct rdl_gauge_panel *p)
{
	for (xmlNode *k = list != NULL ? list->children : NULL; k != NULL;
	    k = k->next) {
		struct rdl_gauge_label *l;
		bool	 failed = false;

		if (!is_el(c, k, "GaugeLabel"))
			continue;
		p->labels = xreallocarray(p->labels, p->nlabels + 1,
		    sizeof(*p->labels));
		l = &p->labels[p->nlabels++];
		memset(l, 0, sizeof(*l));
		l->name = attr(k, "Name");
		l->text = child_prop(c, k, "Text", &failed);
		l->top = child_prop(c, k, "Top", &failed);
		l->left = child_prop(c, k, "Left", &failed);
		l->width = child_prop(c, k, "Width", &failed);
		l->height = child_prop(c, k, "Height", &failed);
		l->hidden = child_prop(c, k, "Hidden", &failed);
		l->font_percent = child_prop(c, k, "UseFontPercent", &failed);
		l->parent = child_text(c, k, "ParentItem");
		if (failed || style_parse(c, child(c, k, "Style"), &l->style) ==
		    -1)
			return -1;
	}
	return 0;
}

/* Why an element inside a GaugePanel is refused, or NULL. */
const char *
gauge_refusal(const char *name)
{
	for (size_t i = 0; i < nitems(gauge_refused); i++)
		if (strcmp(name, gauge_refused[i].name) == 0)
			return gauge_refused[i].why;
	return NULL;
}

struct rdl_gauge_panel *
gauge_parse(struct pctx *c, xmlNode *n)
{
	static const struct {
		const char		*list, *item;
		enum rdl_gauge_kind	 kind;
	} kinds[] = {
		{ "RadialGauges", "RadialGauge", RDL_GAUGE_RADIAL },
		{ "LinearGauges", "LinearGauge", RDL_GAUGE_LINEAR },
		{ "StateIndicators", "StateIndicator", RDL_GAUGE_INDICATOR },
	};
	struct rdl_gauge_panel *p = xcalloc(1, sizeof(*p));
	char		*ds = child_text(c, n, "DataSetName");

	p->dataset = ds != NULL ? rdl_dataset_find(c->r, str_trim(ds)) :
	    (c->r->ndatasets == 1 ? 0 : -1);
	if (p->dataset < 0) {
		fail(c, n, "the GaugePanel names dataset \"%s\", which is not "
		    "defined", ds ? ds : "");
		free(ds);
		goto fail;
	}
	free(ds);
	for (size_t i = 0; i < nitems(kinds); i++)
		for (xmlNode *k = child(c, n, kinds[i].list) ? child(c, n,
		    kinds[i].list)->children : NULL; k != NULL; k = k->next) {
			if (!is_el(c, k, kinds[i].item))
				continue;
			p->gauges = xreallocarray(p->gauges, p->ngauges + 1,
			    sizeof(*p->gauges));
			memset(&p->gauges[p->ngauges], 0, sizeof(*p->gauges));
			if (gauge_one(c, k, kinds[i].kind,
			    &p->gauges[p->ngauges++]) == -1)
				goto fail;
		}
	if (labels_parse(c, child(c, n, "GaugeLabels"), p) == -1 ||
	    filters_parse(c, child(c, n, "Filters"), &p->filters,
	    &p->nfilters) == -1)
		goto fail;
	return p;
fail:
	gauge_free(p);
	return NULL;
}

void
gauge_exprs(const struct rdl_gauge *g, struct rdl_expr *e[GAUGE_EXPRS])
{
	struct rdl_expr *all[GAUGE_EXPRS] = { g->top, g->left, g->width,
	    g->height, g->frame_shape, g->pivot_x, g->pivot_y, g->radius,
	    g->start_angle, g->sweep, g->orientation, g->position, g->min,
	    g->max, g->interval, g->scale_width, g->major_len, g->major_width,
	    g->major_hidden, g->minor_len, g->minor_width, g->minor_hidden,
	    g->labels_hidden, g->label_interval, g->labels_font_percent,
	    g->value, g->multiplier, g->transformation };

	memcpy(e, all, sizeof(all));
}

void
pointer_exprs(const struct rdl_gauge_pointer *q,
    struct rdl_expr *e[POINTER_EXPRS])
{
	struct rdl_expr *all[POINTER_EXPRS] = { q->type, q->value,
	    q->multiplier, q->width, q->distance, q->marker_length, q->hidden,
	    q->cap_width, q->cap_hidden };

	memcpy(e, all, sizeof(all));
}

void
gauge_free(struct rdl_gauge_panel *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->ngauges; i++) {
		struct rdl_gauge *g = &p->gauges[i];
		struct rdl_expr *e[GAUGE_EXPRS];

		gauge_exprs(g, e);
		for (size_t j = 0; j < nitems(e); j++)
			prop_free(e[j]);
		style_fini(&g->frame_style);
		style_fini(&g->scale_style);
		style_fini(&g->major_style);
		style_fini(&g->minor_style);
		style_fini(&g->label_style);
		for (size_t j = 0; j < g->nranges; j++) {
			struct rdl_gauge_range *r = &g->ranges[j];

			prop_free(r->start);
			prop_free(r->end);
			prop_free(r->start_width);
			prop_free(r->end_width);
			prop_free(r->distance);
			style_fini(&r->style);
		}
		free(g->ranges);
		for (size_t j = 0; j < g->npointers; j++) {
			struct rdl_gauge_pointer *q = &g->pointers[j];
			struct rdl_expr *pe[POINTER_EXPRS];

			pointer_exprs(q, pe);
			for (size_t k = 0; k < nitems(pe); k++)
				prop_free(pe[k]);
			style_fini(&q->style);
			style_fini(&q->cap_style);
		}
		free(g->pointers);
		for (size_t j = 0; j < g->nstates; j++) {
			free(g->states[j].name);
			prop_free(g->states[j].start);
			prop_free(g->states[j].end);
			prop_free(g->states[j].color);
			prop_free(g->states[j].icon);
		}
		free(g->states);
		free(g->name);
	}
	free(p->gauges);
	for (size_t i = 0; i < p->nlabels; i++) {
		struct rdl_gauge_label *l = &p->labels[i];

		free(l->name);
		prop_free(l->text);
		prop_free(l->top);
		prop_free(l->left);
		prop_free(l->width);
		prop_free(l->height);
		prop_free(l->hidden);
		prop_free(l->font_percent);
		style_fini(&l->style);
		free(l->parent);
	}
	free(p->labels);
	filters_free(p->filters, p->nfilters);
	free(p);
}
