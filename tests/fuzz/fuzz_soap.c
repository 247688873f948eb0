/*
 * fuzz_soap.c: fuzz target of the SOAP request reader (soap/envelope.c):
 * the media type, SOAPAction and envelope of a call from the network, its
 * headers (ExecutionHeader, ItemNamespaceHeader, TrustedUserHeader,
 * BatchHeader, mustUnderstand) and the readers the operations use on its
 * arguments.  Line 1: 'M' or 'E' (ReportService2010 or ReportExecution2005)
 * then the Content-Type; line 2: the SOAPAction header ("-": none); the
 * rest: the body.  An accepted request has an operation element in the
 * endpoint's namespace and a SOAP version the media type names; a refused
 * one carries an ErrorCode, an HttpStatus and a message.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "soap/soap_int.h"

/* Every reader on every child of the operation, as handlers would. */
static void
read_args(struct soap_call *c)
{
	for (xmlNode *k = c->op->children; k != NULL; k = k->next) {
		char	*t;
		bool	 b;
		int64_t	 n;

		if (k->type != XML_ELEMENT_NODE)
			continue;
		t = soap_arg(c, c->op, (const char *)k->name);
		free(t);
		(void)soap_arg_bool(c, c->op, (const char *)k->name, &b);
		(void)soap_arg_int(c, c->op, (const char *)k->name, -5, 5, &n);
		for (xmlNode *g = soap_child(c, k, "Property"); g != NULL;
		    g = soap_next(c, g, "Property"))
			free(soap_arg(c, g, "Name"));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct soap_call	 c;
	const uint8_t		*rest, *body;
	size_t			 restlen, len;
	char			*ctype = fuzz_head(data, size, &rest, &restlen);
	char			*action = fuzz_head(rest, restlen, &body, &len);
	bool			 exec = ctype[0] == 'E';

	memset(&c, 0, sizeof(c));
	c.ep = exec ? SOAP_EP_EXEC : SOAP_EP_MGMT;
	c.ns = exec ? SOAP_NS_EXEC : SOAP_NS_MGMT;
	if (soap_parse(&c, body, len, ctype[0] != '\0' ? ctype + 1 : ctype,
	    strcmp(action, "-") == 0 ? NULL : action) == 0) {
		if (c.op == NULL || c.opname[0] == '\0' || c.fault.code[0])
			fuzz_fail("accepted without an operation", c.opname);
		if (c.op->ns == NULL || strcmp((const char *)c.op->ns->href,
		    c.ns) != 0)
			fuzz_fail("operation outside the endpoint's namespace",
			    c.opname);
		if (c.version != 11 && c.version != 12)
			fuzz_fail("no SOAP version", ctype);
		read_args(&c);
	} else if (c.fault.code[0] == '\0' || c.fault.msg[0] == '\0' ||
	    c.fault.status < 400)
		fuzz_fail("refused without ErrorCode, status or message",
		    c.fault.code);
	xmlFreeDoc(c.doc);
	free(ctype);
	free(action);
	return 0;
}
