/*
 * enterdata.c: the ENTERDATA provider, data typed into Report Builder's
 * "Enter Data" and stored in the definition.  The dataset's CommandText
 * is an XML document:
 *   <Query><XmlData><Data><Row><Col>v</Col>...</Row>...</Data></XmlData>
 *   <ElementPath>Data{}/Row{Col(String),Amount(Decimal)}</ElementPath></Query>
 * The ElementPath gives the columns' types; a column missing from a row is
 * Nothing.  Parsed with libxml2, without network or entity expansion.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "data/data_int.h"

#define ENTERDATA_COLS_MAX	256

struct coltype {
	char		 name[128];
	enum expr_type	 type;
};

static enum expr_type
type_of(const char *t, size_t n)
{
	if ((n == 7 && strncasecmp(t, "Integer", n) == 0) ||
	    (n == 5 && strncasecmp(t, "Int32", n) == 0) ||
	    (n == 5 && strncasecmp(t, "Int64", n) == 0))
		return EXPR_T_INT;
	if ((n == 7 && strncasecmp(t, "Decimal", n) == 0) ||
	    (n == 6 && strncasecmp(t, "Double", n) == 0) ||
	    (n == 5 && strncasecmp(t, "Float", n) == 0))
		return EXPR_T_FLOAT;
	if (n == 8 && strncasecmp(t, "DateTime", n) == 0)
		return EXPR_T_DATETIME;
	if (n == 7 && strncasecmp(t, "Boolean", n) == 0)
		return EXPR_T_BOOL;
	return EXPR_T_STRING;
}

/* Reads "Row{A(String),B(Integer)}" from the ElementPath. */
static int
parse_path(const char *path, struct coltype *cols, size_t *ncols,
    struct rs_err *e)
{
	const char	*p = strrchr(path, '{'), *end;
	size_t		 n;

	*ncols = 0;
	if (p == NULL)
		return 0;	/* no types: every column is a String */
	for (p++; *p != '\0' && *p != '}';) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		n = strcspn(p, "(,}");
		if (n == 0)
			break;
		if (*ncols >= ENTERDATA_COLS_MAX || n >= sizeof(cols[0].name))
			return rs_err_set(e, RS_E_LIMIT, "ENTERDATA: too many or "
			    "too long column names");
		memcpy(cols[*ncols].name, p, n);
		cols[*ncols].name[n] = '\0';
		cols[*ncols].type = EXPR_T_STRING;
		p += n;
		if (*p == '(') {
			end = strchr(p, ')');
			if (end == NULL)
				return rs_err_set(e, RS_E_BADINPUT, "ENTERDATA: "
				    "bad ElementPath");
			cols[*ncols].type = type_of(p + 1, (size_t)(end - p - 1));
			p = end + 1;
		}
		(*ncols)++;
	}
	return 0;
}

static enum expr_type
col_type(const struct coltype *cols, size_t ncols, const char *name)
{
	for (size_t i = 0; i < ncols; i++)
		if (strcasecmp(cols[i].name, name) == 0)
			return cols[i].type;
	return EXPR_T_STRING;
}

static int
convert(const char *text, enum expr_type t, struct expr_value *v,
    struct rs_err *e)
{
	struct expr_value s = { .type = EXPR_T_STRING, .borrowed = true };

	s.u.s = (char *)text;
	v->borrowed = false;
	switch (t) {
	case EXPR_T_INT:
		v->type = EXPR_T_INT;
		return expr_to_int(&s, &v->u.i, e);
	case EXPR_T_FLOAT:
		v->type = EXPR_T_FLOAT;
		return expr_to_double(&s, &v->u.f, e);
	case EXPR_T_DATETIME:
		v->type = EXPR_T_DATETIME;
		return expr_to_datetime(&s, &v->u.dt, e);
	case EXPR_T_BOOL:
		v->type = EXPR_T_BOOL;
		v->u.b = strcasecmp(text, "true") == 0 || strcmp(text, "1") == 0;
		return 0;
	default:
		expr_value_str(v, text);
		return 0;
	}
}

static int
emit_row(xmlNode *row, const struct data_query *q, const struct coltype *cols,
    size_t ncols, data_row_fn fn, void *arg, struct rs_err *e)
{
	struct expr_value vals[ENTERDATA_COLS_MAX];
	xmlNode		*k;
	xmlChar		*t;
	size_t		 c;
	int		 rv = -1;

	for (c = 0; c < q->ncolumns; c++)
		vals[c].type = EXPR_T_NULL;
	for (c = 0; c < q->ncolumns; c++) {
		for (k = row->children; k != NULL; k = k->next)
			if (k->type == XML_ELEMENT_NODE && strcasecmp(
			    (const char *)k->name, q->columns[c]) == 0)
				break;
		if (k == NULL)
			continue;
		t = xmlNodeGetContent(k);
		rv = convert(t ? (const char *)t : "", col_type(cols, ncols,
		    q->columns[c]), &vals[c], e);
		xmlFree(t);
		if (rv == -1) {
			rs_err_prefix(e, "ENTERDATA column %s", q->columns[c]);
			goto out;
		}
	}
	rv = fn(arg, vals, q->ncolumns, e);
out:
	for (c = 0; c < q->ncolumns; c++)
		expr_value_fini(&vals[c]);
	return rv;
}

static xmlNode *
first_el(xmlNode *n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_init(void)
{
	xmlInitParser();
}

int
data_enterdata_exec(const struct data_query *q, data_row_fn fn, void *arg,
    size_t *rows, struct rs_err *e)
{
	struct coltype	 cols[ENTERDATA_COLS_MAX];
	size_t		 ncols = 0;
	xmlDoc		*doc;
	xmlNode		*root, *data, *row, *path;
	xmlChar		*pt;
	int		 rv = -1;

	if (q->ncolumns > ENTERDATA_COLS_MAX)
		return rs_err_set(e, RS_E_LIMIT, "ENTERDATA: more than %d "
		    "columns", ENTERDATA_COLS_MAX);
	pthread_once(&xml_once, xml_init);
	doc = xmlReadMemory(q->text, (int)strlen(q->text), "enterdata.xml",
	    NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return rs_err_set(e, RS_E_BADINPUT, "ENTERDATA: the CommandText "
		    "is not the XML that Enter Data writes "
		    "(<Query><XmlData>...</XmlData></Query>)");
	root = xmlDocGetRootElement(doc);
	path = first_el(root, "ElementPath");
	if (path != NULL) {
		pt = xmlNodeGetContent(path);
		rv = parse_path(pt ? (const char *)pt : "", cols, &ncols, e);
		xmlFree(pt);
		if (rv == -1)
			goto out;
	}
	data = first_el(first_el(root, "XmlData"), "Data");
	if (data == NULL) {
		rs_err_set(e, RS_E_BADINPUT, "ENTERDATA: no <XmlData><Data> "
		    "element in the CommandText");
		goto out;
	}
	rv = 0;
	for (row = data->children; row != NULL && rv == 0; row = row->next) {
		if (row->type != XML_ELEMENT_NODE)
			continue;
		(*rows)++;
		rv = emit_row(row, q, cols, ncols, fn, arg, e);
	}
out:
	xmlFreeDoc(doc);
	return rv;
}
