/*
 * map.c: the Map report item: polygon layers with their spatial data
 * embedded in the definition (MapPolygon/VectorData, well-known binary in
 * base64, as the designer writes it from its map gallery), joined to the
 * analytical data of a MapDataRegion (a dataset grouped by its MapMember)
 * through a MapBindingFieldPair, coloured by a MapColorRangeRule and
 * labelled by the layer's template; the first title and legend.  Tile
 * layers (Bing Maps needs the internet), point and line layers, spatial
 * data from a dataset or a shapefile, and the other rules are refused
 * with a message; viewport settings (projection, custom view, grid
 * lines), the distance scale, the colour scale and border skins are
 * accepted and not drawn (the map is fitted to its viewport).
 */
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl_int.h"

#define MAP_WKB_MAX	(16u * 1024 * 1024)

const char *const map_known[] = {
	"Map", "MapViewport", "MapCoordinateSystem", "MapProjection",
	"ProjectionCenterX", "ProjectionCenterY", "MapLimits", "MinimumX",
	"MinimumY", "MaximumX", "MaximumY", "LimitToData", "MaximumZoom",
	"MinimumZoom", "MapCustomView", "MapDataBoundView", "MapElementView",
	"CenterX", "CenterY", "Zoom", "MapMeridians", "MapParallels",
	"ShowLabels", "LabelPosition", "GridUnderContent", "ContentMargin",
	"SimplificationResolution", "MapDataRegions", "MapDataRegion",
	"MapMember", "MapLayers", "MapPolygonLayer", "MapPolygonTemplate",
	"MapPolygonRules", "MapColorRangeRule", "ShowInColorScale",
	"DataValue", "StartValue", "EndValue", "StartColor", "MiddleColor",
	"EndColor", "BucketCount", "DistributionType", "MapBuckets",
	"LegendName", "LegendText", "MapMarkerTemplate", "MapMarker",
	"MapMarkerStyle", "MapMarkerImage", "MapCenterPointRules",
	"MapCenterPointTemplate", "MapPolygons", "MapPolygon", "VectorData",
	"MapFields", "MapField", "UseCustomPolygonTemplate",
	"UseCustomCenterPointTemplate", "MapDataRegionName",
	"MapBindingFieldPairs", "MapBindingFieldPair", "FieldName",
	"BindingExpression", "MapFieldDefinitions", "MapFieldDefinition",
	"Transparency", "VisibilityMode", "MinimumZoom", "TileStyle",
	"MapLegends", "MapLegend", "MapLegendTitle", "AutoFitTextDisabled",
	"InterlacedRows", "InterlacedRowsColor", "EquallySpacedItems",
	"DockOutsideViewport", "TextWrapThreshold", "MinFontSize",
	"MapTitles", "MapTitle", "Text", "TextShadowOffset",
	"MapDistanceScale", "ScaleColor", "ScaleBorderColor", "MapSize",
	"Unit", "MapColorScale", "MapColorScaleTitle", "TickMarkLength",
	"ColorBarBorderColor", "LabelInterval", "LabelFormat",
	"LabelPlacement", "LabelBehavior", "HideEndLabels", "RangeGapColor",
	"NoDataText", "MapBorderSkin", "MapBorderSkinType", "TileLanguage",
	"UseSecureConnection", "DataType", "Offset", "OffsetX", "OffsetY",
	"Size", "Hidden", "Label", "ToolTip", "Name", "Value", "Position",
	"Layout", "Style", "Angle", "Caption", "LeftMargin", "RightMargin",
	"TopMargin", "BottomMargin", "Width", "Height", "Top", "Left",
	"DataSetName", "Filters", "Filter", "Group", "GroupExpressions",
	"GroupExpression", "ActionInfo", "Source", "MIMEType", "ResizeMode",
	"TransparentColor", "PageBreak", "PageName", "Interval",
	NULL
};

static const struct {
	const char	*name;
	const char	*why;
} map_refused[] = {
	{ "MapTileLayer", "a map tile layer (Bing Maps) needs the internet, "
	    "which a report server need not reach; remove the tile layer "
	    "(the map is drawn from its own spatial data)" },
	{ "MapPointLayer", "map point layers are not supported yet; "
	    "supported: polygon layers" },
	{ "MapLineLayer", "map line layers are not supported yet; supported: "
	    "polygon layers" },
	{ "MapSpatialDataSet", "spatial data from a dataset is not supported "
	    "yet; supported: spatial data embedded in the report "
	    "(MapPolygons)" },
	{ "MapSpatialDataRegion", "spatial data from a map data region is "
	    "not supported yet; supported: spatial data embedded in the "
	    "report (MapPolygons)" },
	{ "MapShapefile", "spatial data from an ESRI shapefile is not "
	    "supported yet; supported: spatial data embedded in the report "
	    "(MapPolygons)" },
	{ "MapColorPaletteRule", "map colour palette rules are not supported "
	    "yet; supported: MapColorRangeRule" },
	{ "MapCustomColorRule", "map custom colour rules are not supported "
	    "yet; supported: MapColorRangeRule" },
	{ "MapSizeRule", "map size rules are not supported yet" },
	{ "MapMarkerRule", "map marker rules are not supported yet" },
};

const char *
map_refusal(const char *name)
{
	for (size_t i = 0; i < nitems(map_refused); i++)
		if (strcmp(name, map_refused[i].name) == 0)
			return map_refused[i].why;
	return NULL;
}

static int
polygon_parse(struct pctx *c, xmlNode *n, struct rdl_map_polygon *p)
{
	char		*b64 = child_text(c, n, "VectorData");
	long		 len;
	xmlNode		*fs = child(c, n, "MapFields");

	if (b64 == NULL)
		return fail(c, n, "a MapPolygon without VectorData");
	if (strlen(b64) > MAP_WKB_MAX) {
		free(b64);
		return fail(c, n, "VectorData is over %u bytes", MAP_WKB_MAX);
	}
	p->wkb = xmalloc(strlen(b64) / 4 * 3 + 4);
	len = str_base64_decode(b64, strlen(b64), p->wkb, strlen(b64) / 4 * 3 +
	    4);
	free(b64);
	if (len < 0)
		return fail(c, n, "VectorData is not base64");
	p->wkb_len = (size_t)len;
	for (xmlNode *k = fs != NULL ? fs->children : NULL; k != NULL;
	    k = k->next) {
		if (!is_el(c, k, "MapField"))
			continue;
		p->names = xreallocarray(p->names, p->nfields + 1,
		    sizeof(*p->names));
		p->values = xreallocarray(p->values, p->nfields + 1,
		    sizeof(*p->values));
		p->names[p->nfields] = child_text(c, k, "Name");
		p->values[p->nfields] = child_text(c, k, "Value");
		if (p->names[p->nfields] == NULL)
			p->names[p->nfields] = xstrdup("");
		if (p->values[p->nfields] == NULL)
			p->values[p->nfields] = xstrdup("");
		p->nfields++;
	}
	return 0;
}

static int
layer_parse(struct pctx *c, xmlNode *n, struct rdl_map_layer *l)
{
	xmlNode		*t = child(c, n, "MapPolygonTemplate");
	xmlNode		*rule = child(c, child(c, n, "MapPolygonRules"),
			    "MapColorRangeRule");
	xmlNode		*pair = child(c, child(c, n, "MapBindingFieldPairs"),
			    "MapBindingFieldPair");
	xmlNode		*ps = child(c, n, "MapPolygons");
	bool		 failed = false;

	if (style_parse(c, child(c, t, "Style"), &l->style) == -1)
		return -1;
	l->label = child_prop(c, t, "Label", &failed);
	l->hidden = child_prop(c, t, "Hidden", &failed);
	if (rule != NULL) {
		l->has_rule = true;
		l->data_value = child_prop(c, rule, "DataValue", &failed);
		l->start_color = child_prop(c, rule, "StartColor", &failed);
		l->middle_color = child_prop(c, rule, "MiddleColor", &failed);
		l->end_color = child_prop(c, rule, "EndColor", &failed);
		l->bucket_count = child_prop(c, rule, "BucketCount", &failed);
		l->legend_text = child_prop(c, rule, "LegendText", &failed);
		l->start_value = child_prop(c, rule, "StartValue", &failed);
		l->end_value = child_prop(c, rule, "EndValue", &failed);
	}
	if (pair != NULL) {
		l->binding_field = child_text(c, pair, "FieldName");
		l->binding = child_prop(c, pair, "BindingExpression", &failed);
	}
	if (failed)
		return -1;
	for (xmlNode *k = ps != NULL ? ps->children : NULL; k != NULL;
	    k = k->next) {
		if (!is_el(c, k, "MapPolygon"))
			continue;
		if (count_node(c, k) == -1)
			return -1;
		l->polygons = xreallocarray(l->polygons, l->npolygons + 1,
		    sizeof(*l->polygons));
		memset(&l->polygons[l->npolygons], 0, sizeof(*l->polygons));
		if (polygon_parse(c, k, &l->polygons[l->npolygons++]) == -1)
			return -1;
	}
	return 0;
}

static int
region_parse(struct pctx *c, xmlNode *n, struct rdl_map *m)
{
	xmlNode		*r = child(c, child(c, n, "MapDataRegions"),
			    "MapDataRegion");
	xmlNode		*mm, *g;
	char		*ds;

	m->dataset = -1;
	if (r == NULL)
		return 0;
	ds = child_text(c, r, "DataSetName");
	m->dataset = ds != NULL ? rdl_dataset_find(c->r, str_trim(ds)) : -1;
	if (m->dataset < 0) {
		fail(c, r, "the MapDataRegion names dataset \"%s\", which is "
		    "not defined", ds ? ds : "");
		free(ds);
		return -1;
	}
	free(ds);
	mm = child(c, r, "MapMember");
	if (mm != NULL && (g = child(c, mm, "Group")) != NULL) {
		m->member = xcalloc(1, sizeof(*m->member));
		m->member->row = -1;
		if (group_parse(c, g, m->member) == -1)
			return -1;
	}
	return filters_parse(c, child(c, r, "Filters"), &m->filters,
	    &m->nfilters);
}

struct rdl_map *
map_parse(struct pctx *c, xmlNode *n)
{
	struct rdl_map	*m = xcalloc(1, sizeof(*m));
	xmlNode		*title = child(c, child(c, n, "MapTitles"), "MapTitle");
	xmlNode		*legend = child(c, child(c, n, "MapLegends"),
			    "MapLegend");
	xmlNode		*ls = child(c, n, "MapLayers");
	bool		 failed = false;

	if (region_parse(c, n, m) == -1)
		goto fail;
	m->title = child_prop(c, title, "Text", &failed);
	m->legend_title = child_prop(c, child(c, legend, "MapLegendTitle"),
	    "Caption", &failed);
	if (failed || style_parse(c, child(c, title, "Style"),
	    &m->title_style) == -1 || style_parse(c, child(c, legend,
	    "Style"), &m->legend_style) == -1 || style_parse(c, child(c,
	    child(c, n, "MapViewport"), "Style"), &m->viewport_style) == -1)
		goto fail;
	for (xmlNode *k = ls != NULL ? ls->children : NULL; k != NULL;
	    k = k->next) {
		if (!is_el(c, k, "MapPolygonLayer"))
			continue;
		m->layers = xreallocarray(m->layers, m->nlayers + 1,
		    sizeof(*m->layers));
		memset(&m->layers[m->nlayers], 0, sizeof(*m->layers));
		if (layer_parse(c, k, &m->layers[m->nlayers++]) == -1)
			goto fail;
		if (m->layers[m->nlayers - 1].has_rule && m->dataset < 0) {
			fail(c, k, "a MapColorRangeRule needs a MapDataRegion "
			    "(the data it colours by)");
			goto fail;
		}
	}
	return m;
fail:
	map_free(m);
	return NULL;
}

void
map_free(struct rdl_map *m)
{
	if (m == NULL)
		return;
	if (m->member != NULL) {
		member_fini(m->member);
		free(m->member);
	}
	filters_free(m->filters, m->nfilters);
	for (size_t i = 0; i < m->nlayers; i++) {
		struct rdl_map_layer *l = &m->layers[i];
		struct rdl_expr *e[] = { l->label, l->hidden, l->data_value,
		    l->start_color, l->middle_color, l->end_color,
		    l->bucket_count, l->legend_text, l->start_value,
		    l->end_value, l->binding };

		for (size_t j = 0; j < nitems(e); j++)
			prop_free(e[j]);
		style_fini(&l->style);
		free(l->binding_field);
		for (size_t j = 0; j < l->npolygons; j++) {
			struct rdl_map_polygon *p = &l->polygons[j];

			for (size_t k = 0; k < p->nfields; k++) {
				free(p->names[k]);
				free(p->values[k]);
			}
			free(p->names);
			free(p->values);
			free(p->wkb);
		}
		free(l->polygons);
	}
	free(m->layers);
	prop_free(m->title);
	prop_free(m->legend_title);
	style_fini(&m->title_style);
	style_fini(&m->legend_style);
	style_fini(&m->viewport_style);
	free(m);
}
