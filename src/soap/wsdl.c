/*
 * wsdl.c: the two contracts, as files built into the binary (src/soap/
 * wsdl/, assembled with .incbin so the server can never serve a contract
 * other than the one it was built with), served by "?wsdl" with this
 * server's own address: the soap:address and soap12:address of the
 * service's ports become the URL the client used (scheme and host as
 * httpsvc forwarded them), set through libxml2.  ReportService2010.wsdl
 * is the one Visual Studio downloaded from a real report server;
 * ReportExecution2005.wsdl is the published one (docs/soap.md names it).
 */
#include "soap/soap_int.h"
#include "common/str.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

__asm__(
	"\t.section .rodata\n"
	"\t.balign 16\n"
	"\t.globl rs_soap_wsdl_mgmt\n"
	"\t.hidden rs_soap_wsdl_mgmt\n"
	"rs_soap_wsdl_mgmt:\n"
	"\t.incbin \"src/soap/wsdl/ReportService2010.wsdl\"\n"
	"\t.byte 0\n"
	"\t.balign 16\n"
	"\t.globl rs_soap_wsdl_exec\n"
	"\t.hidden rs_soap_wsdl_exec\n"
	"rs_soap_wsdl_exec:\n"
	"\t.incbin \"src/soap/wsdl/ReportExecution2005.wsdl\"\n"
	"\t.byte 0\n"
	"\t.previous\n");

extern const char	rs_soap_wsdl_mgmt[];
extern const char	rs_soap_wsdl_exec[];

#define WSDL_NS_SOAP	"http://schemas.xmlsoap.org/wsdl/soap/"
#define WSDL_NS_SOAP12	"http://schemas.xmlsoap.org/wsdl/soap12/"

static const char *
text_of(enum soap_ep ep)
{
	return ep == SOAP_EP_MGMT ? rs_soap_wsdl_mgmt : rs_soap_wsdl_exec;
}

bool
soap_wsdl_has(enum soap_ep ep, const char *name)
{
	char	pat[128];

	snprintf(pat, sizeof(pat), "<wsdl:operation name=\"%s\">", name);
	return strstr(text_of(ep), pat) != NULL;
}

static bool
is_address(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    strcmp((const char *)n->name, "address") == 0 &&
	    (strcmp((const char *)n->ns->href, WSDL_NS_SOAP) == 0 ||
	    strcmp((const char *)n->ns->href, WSDL_NS_SOAP12) == 0);
}

/* Every soap:address under wsdl:service/wsdl:port gets location. */
static void
set_addresses(xmlNode *root, const char *location)
{
	for (xmlNode *svc = root->children; svc != NULL; svc = svc->next) {
		if (svc->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)svc->name, "service") != 0)
			continue;
		for (xmlNode *p = svc->children; p != NULL; p = p->next)
			for (xmlNode *a = p->type == XML_ELEMENT_NODE ?
			    p->children : NULL; a != NULL; a = a->next)
				if (is_address(a))
					xmlSetProp(a, (const xmlChar *)
					    "location", (const xmlChar *)location);
	}
}

void
soap_wsdl(const struct rsreq *r, struct rsresp *resp, enum soap_ep ep)
{
	const char	*text = text_of(ep);
	char		 location[600];
	xmlDoc		*doc;
	xmlChar		*out = NULL;
	int		 len = 0;

	snprintf(location, sizeof(location), "%s://%s%s%s", r->https ?
	    "https" : "http", r->host, r->vdir, ep == SOAP_EP_MGMT ?
	    "/ReportService2010.asmx" : "/ReportExecution2005.asmx");
	doc = xmlReadMemory(text, (int)strlen(text), "service.wsdl", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		xmlFreeDoc(doc);
		rs_error_html(resp, 500, "rsInternalError", "The built-in "
		    "service description cannot be read.", NULL);
		return;
	}
	set_addresses(xmlDocGetRootElement(doc), location);
	xmlDocDumpMemoryEnc(doc, &out, &len, "utf-8");
	rsresp_header(resp, "Content-Type", "text/xml; charset=utf-8");
	(void)buf_append(&resp->body, out, len > 0 ? (size_t)len : 0, NULL);
	xmlFree(out);
	xmlFreeDoc(doc);
}
