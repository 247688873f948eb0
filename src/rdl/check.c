/*
 * check.c: rdl_check(), the one check a definition passes before it is
 * used or stored, whatever its kind: a report goes through rdl_parse (the
 * renderer's own model and tables), a shared data source or dataset
 * through shared.c.  Also the XML reader all of them share: libxml2 with
 * no network and no entity expansion, whose refusal names the line and
 * the column.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "common/str.h"
#include "rdl/rdl_int.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* libxml2 must be initialised once before threads parse concurrently. */
static void
xml_init(void)
{
	xmlInitParser();
}

xmlDoc *
xml_read(const char *xml, size_t len, struct rs_err *e)
{
	xmlParserCtxt	*ctx;
	xmlDoc		*doc;
	const xmlError	*xe;
	char		 why[200];

	pthread_once(&xml_once, xml_init);
	if (len > RDL_MAX_BYTES) {
		rs_err_set(e, RS_E_LIMIT, "the definition is larger than %u "
		    "bytes", RDL_MAX_BYTES);
		return NULL;
	}
	ctx = xmlNewParserCtxt();
	if (ctx == NULL) {
		rs_err_set(e, RS_E_INTERNAL, "cannot make an XML parser");
		return NULL;
	}
	doc = xmlCtxtReadMemory(ctx, xml, (int)len, "definition.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOBLANKS);
	if (doc == NULL || !ctx->wellFormed) {
		xe = xmlCtxtGetLastError(ctx);
		str_copy(why, sizeof(why), xe != NULL && xe->message != NULL ?
		    xe->message : "parse error");
		rs_err_set(e, RS_E_BADINPUT, "line %d, column %d: the "
		    "definition is not well-formed XML: %s", xe != NULL &&
		    xe->line > 0 ? xe->line : 1, xe != NULL && xe->int2 > 0 ?
		    xe->int2 : 1, str_trim(why));
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctx);
	return doc;
}

struct rdl_report *
report_read(const char *xml, size_t len, const char *name,
    enum rdl_fault *fault, struct rs_err *e)
{
	xmlDoc			*doc = xml_read(xml, len, e);
	struct rdl_report	*r = NULL;
	enum rdl_fault		 f = RDL_FAULT_XML;

	if (doc != NULL) {
		r = report_of_doc(doc, name, e);
		f = r != NULL ? RDL_FAULT_NONE : RDL_FAULT_CONTENT;
		xmlFreeDoc(doc);
	}
	if (fault != NULL)
		*fault = f;
	return r;
}

int
rdl_check(enum rdl_kind kind, const char *xml, size_t len, const char *name,
    struct rdl_definition *out, struct rs_err *e)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	rs_err_clear(e);
	switch (kind) {
	case RDL_REPORT:
		out->report = report_read(xml, len, name, &out->fault, e);
		return out->report != NULL ? 0 : -1;
	case RDL_DATASOURCE:
		out->source = shared_source_parse(xml, len, &out->fault, e);
		return out->source != NULL ? 0 : -1;
	case RDL_DATASET:
		out->dataset = shared_dataset_parse(xml, len, &out->fault, e);
		return out->dataset != NULL ? 0 : -1;
	}
	out->fault = RDL_FAULT_CONTENT;
	return rs_err_set(e, RS_E_INTERNAL, "unknown kind of definition");
}

void
rdl_definition_fini(struct rdl_definition *d)
{
	rdl_free(d->report);
	shared_source_free(d->source);
	shared_dataset_free(d->dataset);
	memset(d, 0, sizeof(*d));
}

enum rdl_kind
rdl_kind_of_name(const char *name)
{
	const char	*dot = strrchr(name, '.');

	if (dot != NULL && str_ieq(dot, ".rds"))
		return RDL_DATASOURCE;
	if (dot != NULL && str_ieq(dot, ".rsd"))
		return RDL_DATASET;
	return RDL_REPORT;
}

const char *
rdl_kind_name(enum rdl_kind k)
{
	switch (k) {
	case RDL_DATASOURCE:
		return "shared data source";
	case RDL_DATASET:
		return "shared dataset";
	default:
		return "report";
	}
}
