/*
 * xml.c: the XML (data) rendering extension.  The root element is named
 * by the report's DataElementName (default: the report name as an XML
 * name) with xmlns set to its DataSchema (default: the report's name)
 * and a Name attribute; body textboxes are its attributes.  Each data
 * region is an element whose attributes are its table-level textboxes; a
 * group becomes a <Group_Collection> of <Group> elements whose attributes
 * are the group's header, footer and detail textboxes.  Values are the
 * unformatted values in XML Schema form (rc:UseFormattedValues=true gives
 * formatted text).  rc:Indented=true adds line breaks;
 * rc:OmitNamespace=true drops xmlns.  Streams in bounded memory.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "render/render_int.h"

struct xml {
	struct buf	 root_attrs;
	bool		 root_open;	/* start tag written */
	bool		 indent, formatted, omit_ns;
	int		 level;
	struct buf	 out;
	/* Per open element: whether it got children (then needs </x>). */
	char		*names[SCOPE_DEPTH_MAX * 2];
	bool		 has_children[SCOPE_DEPTH_MAX * 2];
	bool		 closed_start[SCOPE_DEPTH_MAX * 2];
	size_t		 depth;
};

/* An XML name: letters, digits, '_', '-', '.'; others become '_'. */
static char *
xml_name(const char *s)
{
	char		*n = xmalloc(strlen(s) + 2), *p = n;

	if (!isalpha((unsigned char)*s) && *s != '_')
		*p++ = '_';
	for (; *s != '\0'; s++)
		*p++ = isalnum((unsigned char)*s) || *s == '_' || *s == '-' ||
		    *s == '.' ? *s : '_';
	*p = '\0';
	return n;
}

static void
attr_value(struct buf *b, const char *v)
{
	for (; *v != '\0'; v++) {
		switch (*v) {
		case '&': buf_puts(b, "&amp;", NULL); break;
		case '<': buf_puts(b, "&lt;", NULL); break;
		case '>': buf_puts(b, "&gt;", NULL); break;
		case '"': buf_puts(b, "&quot;", NULL); break;
		case '\n': buf_puts(b, "&#xA;", NULL); break;
		case '\r': buf_puts(b, "&#xD;", NULL); break;
		case '\t': buf_puts(b, "&#x9;", NULL); break;
		default:
			if ((unsigned char)*v >= 0x20)
				buf_append(b, v, 1, NULL);
		}
	}
}

static void
add_attr(struct xml *x, struct buf *b, const struct rcell *cell)
{
	const struct rdl_item *it = cell->item;
	char		*name = xml_name(it->data_element_name ?
	    it->data_element_name : it->name);
	struct buf	 v;

	buf_init(&v, 0);
	if (x->formatted)
		buf_puts(&v, cell->text, NULL);
	else
		expr_value_xsd(&cell->value, &v, NULL);
	buf_printf(b, NULL, " %s=\"", name);
	attr_value(b, v.data ? v.data : "");
	buf_puts(b, "\"", NULL);
	buf_fini(&v);
	free(name);
}

static void
newline(struct xml *x)
{
	if (!x->indent)
		return;
	buf_puts(&x->out, "\n", NULL);
	for (size_t i = 0; i < x->depth; i++)
		buf_puts(&x->out, "  ", NULL);
}

static int
flush(struct rctx *c, struct xml *x)
{
	int		 rv = rctx_write(c, x->out.data, x->out.len);

	buf_reset(&x->out);
	return rv;
}

/* Ends the start tag of the innermost element: it gets children. */
static void
open_parent(struct xml *x)
{
	if (x->depth > 0 && !x->closed_start[x->depth - 1]) {
		buf_puts(&x->out, ">", NULL);
		x->closed_start[x->depth - 1] = true;
		x->has_children[x->depth - 1] = true;
	}
}

static void
root_open(struct rctx *c, struct xml *x)
{
	char		*name, *ns;

	if (x->root_open)
		return;
	x->root_open = true;
	name = xml_name(c->r->data_element_name ? c->r->data_element_name :
	    c->r->name);
	/* The default namespace is the report's DataSchema, else its name. */
	ns = xml_name(c->r->name);
	if (x->omit_ns)
		buf_printf(&x->out, NULL, "<%s Name=\"", name);
	else {
		buf_printf(&x->out, NULL, "<%s xmlns:xsi=\"http://www.w3.org/2001/"
		    "XMLSchema-instance\" xmlns=\"", name);
		attr_value(&x->out, c->r->data_schema != NULL ?
		    c->r->data_schema : ns);
		buf_puts(&x->out, "\" Name=\"", NULL);
	}
	attr_value(&x->out, c->r->name);
	buf_puts(&x->out, "\"", NULL);
	buf_append(&x->out, x->root_attrs.data ? x->root_attrs.data : "",
	    x->root_attrs.len, NULL);
	x->names[0] = name;
	x->closed_start[0] = false;
	x->has_children[0] = false;
	x->depth = 1;
	free(ns);
}

static int
xml_begin(struct rctx *c)
{
	struct xml	*x = xcalloc(1, sizeof(*x));

	c->fmt = x;
	buf_init(&x->root_attrs, 0);
	buf_init(&x->out, 0);
	x->indent = devinfo_bool(c, "Indented", false);
	x->formatted = devinfo_bool(c, "UseFormattedValues", false);
	x->omit_ns = devinfo_bool(c, "OmitNamespace", false);
	return rctx_puts(c, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
}

static int
xml_body_item(struct rctx *c, const struct rdl_item *it, struct rcell *cell,
    double y)
{
	struct xml	*x = c->fmt;

	(void)it;
	(void)y;
	if (cell != NULL && cell->is_data && !x->root_open)
		add_attr(x, &x->root_attrs, cell);
	return 0;
}

static int
xml_tablix_begin(struct rctx *c, const struct rdl_item *it, double y)
{
	(void)it;
	(void)y;
	root_open(c, c->fmt);
	return 0;
}

static int
xml_scope_begin(struct rctx *c, const struct scope_info *si)
{
	struct xml	*x = c->fmt;

	if (x->depth >= nitems(x->names))
		return rs_err_set(c->e, RS_E_LIMIT, "groups nested too deeply");
	open_parent(x);
	newline(x);
	x->names[x->depth] = xml_name(si->name);
	x->closed_start[x->depth] = false;
	x->has_children[x->depth] = false;
	buf_printf(&x->out, NULL, "<%s", x->names[x->depth]);
	for (size_t i = 0; i < si->ndata; i++)
		add_attr(x, &x->out, si->data[i]);
	x->depth++;
	return x->out.len > 65536 ? flush(c, x) : 0;
}

static int
xml_scope_end(struct rctx *c, const struct scope_info *si)
{
	struct xml	*x = c->fmt;

	(void)si;
	x->depth--;
	if (x->has_children[x->depth]) {
		newline(x);
		buf_printf(&x->out, NULL, "</%s>", x->names[x->depth]);
	} else
		buf_puts(&x->out, " />", NULL);
	free(x->names[x->depth]);
	x->names[x->depth] = NULL;
	return x->out.len > 65536 ? flush(c, x) : 0;
}

static int
xml_row(struct rctx *c, const struct rrow *r)
{
	(void)c;
	(void)r;
	return 0;
}

static int
xml_page_break(struct rctx *c)
{
	(void)c;
	return 0;
}

static int
xml_tablix_end(struct rctx *c, const struct rdl_item *it, double *h)
{
	(void)it;
	(void)h;
	return flush(c, c->fmt);
}

static int
xml_end(struct rctx *c)
{
	struct xml	*x = c->fmt;

	root_open(c, x);
	x->depth = 1;
	if (x->has_children[0]) {
		if (x->indent)
			buf_puts(&x->out, "\n", NULL);
		buf_printf(&x->out, NULL, "</%s>", x->names[0]);
	} else
		buf_puts(&x->out, " />", NULL);
	return flush(c, x);
}

static void
xml_free(struct rctx *c)
{
	struct xml	*x = c->fmt;

	if (x == NULL)
		return;
	for (size_t i = 0; i < nitems(x->names); i++)
		free(x->names[i]);
	buf_fini(&x->root_attrs);
	buf_fini(&x->out);
	free(x);
	c->fmt = NULL;
}

const struct rops rops_xml = {
	.name = "XML",
	.styles = false,
	.items_first = true,
	.begin = xml_begin,
	.body_item = xml_body_item,
	.tablix_begin = xml_tablix_begin,
	.scope_begin = xml_scope_begin,
	.row = xml_row,
	.scope_end = xml_scope_end,
	.page_break = xml_page_break,
	.tablix_end = xml_tablix_end,
	.end = xml_end,
	.free = xml_free,
};
