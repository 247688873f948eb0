/*
 * test_soap.c: unit tests of soap/'s pure parts: reading requests (a
 * table of envelopes: SOAP versions, media types, SOAPAction, headers,
 * namespaces, DTDs, with the ErrorCode each refusal must carry), the
 * argument readers (xsi:nil, booleans, numbers), the contract lookup, and
 * the fault answer's shape in SOAP 1.1 and 1.2.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "soap/soap_int.h"

#define ENV11	"<s:Envelope xmlns:s=\"" SOAP_NS_11 "\" xmlns:xsi=\"" \
		SOAP_NS_XSI "\">"
#define ENV12	"<s:Envelope xmlns:s=\"" SOAP_NS_12 "\">"
#define OP(x)	"<s:Body>" x "</s:Body></s:Envelope>"
#define RSOP	"<GetItemType xmlns=\"" SOAP_NS_MGMT "\"><ItemPath>/a" \
		"</ItemPath></GetItemType>"

static void
test_parse(void **state)
{
	static const struct {
		const char	*ctype, *action, *body;
		const char	*code;	/* NULL: accepted */
		const char	*proto;
	} cases[] = {
		{ "text/xml; charset=utf-8", "\"" SOAP_NS_MGMT "/GetItemType\"",
		  ENV11 OP(RSOP), NULL, "" },
		{ "text/xml", "", ENV11 OP(RSOP), NULL, "" },
		{ "text/xml", NULL, ENV11 OP(RSOP), NULL, "" },
		{ "application/soap+xml; action=\"" SOAP_NS_MGMT "/GetItemType\"",
		  NULL, ENV12 OP(RSOP), NULL, "" },
		{ "text/xml", "\"" SOAP_NS_MGMT "/DeleteItem\"", ENV11 OP(RSOP),
		  "rsInvalidRequest", "" },
		{ "application/soap+xml", NULL, ENV11 OP(RSOP),
		  "rsInvalidRequest", "VersionMismatch" },
		{ "text/xml", NULL, ENV12 OP(RSOP), "rsInvalidRequest",
		  "VersionMismatch" },
		{ "application/json", NULL, ENV11 OP(RSOP), "rsInvalidRequest",
		  "" },
		{ "text/xml", NULL, "<x/>", "rsInvalidRequest", "" },
		{ "text/xml", NULL, ENV11 "<s:Body></s:Envelope>",
		  "rsMalformedXml", "" },
		{ "text/xml", NULL, "<!DOCTYPE s:Envelope>" ENV11 OP(RSOP),
		  "rsMalformedXml", "" },
		{ "text/xml", NULL, ENV11 OP(""), "rsInvalidRequest", "" },
		{ "text/xml", NULL, ENV11 "</s:Envelope>", "rsInvalidRequest", "" },
		{ "text/xml", NULL, ENV11 OP("<GetItemType xmlns=\"urn:x\"/>"),
		  "rsInvalidRequest", "" },
		{ "text/xml", NULL, ENV11 "<s:Header><h xmlns=\"urn:h\" "
		  "s:mustUnderstand=\"1\"/></s:Header>" OP(RSOP),
		  "rsInvalidRequest", "MustUnderstand" },
		{ "text/xml", NULL, ENV11 "<s:Header><h xmlns=\"urn:h\"/>"
		  "</s:Header>" OP(RSOP), NULL, "" },
		{ "text/xml", NULL, ENV11 "<s:Header><BatchHeader xmlns=\""
		  SOAP_NS_MGMT "\"/></s:Header>" OP(RSOP),
		  "rsOperationNotSupported", "" },
		{ "text/xml", NULL, ENV11 "<s:Header><TrustedUserHeader xmlns=\""
		  SOAP_NS_MGMT "\"><UserName>bob</UserName></TrustedUserHeader>"
		  "</s:Header>" OP(RSOP), "rsAccessDenied", "" },
		{ "text/xml", NULL, ENV11 "<s:Header><TrustedUserHeader xmlns=\""
		  SOAP_NS_MGMT "\"/></s:Header>" OP(RSOP), NULL, "" },
		{ "text/xml", NULL, ENV11 "<s:Header><ItemNamespaceHeader xmlns=\""
		  SOAP_NS_MGMT "\"><ItemNamespace>Nope</ItemNamespace>"
		  "</ItemNamespaceHeader></s:Header>" OP(RSOP),
		  "rsInvalidParameter", "" },
	};

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		struct soap_call	c;
		int			rc;

		memset(&c, 0, sizeof(c));
		c.ep = SOAP_EP_MGMT;
		c.ns = SOAP_NS_MGMT;
		rc = soap_parse(&c, cases[i].body, strlen(cases[i].body),
		    cases[i].ctype, cases[i].action);
		if (cases[i].code == NULL) {
			if (rc != 0)
				fail_msg("case %zu refused: %s", i, c.fault.msg);
			assert_string_equal(c.opname, "GetItemType");
		} else {
			assert_int_equal(rc, -1);
			if (strcmp(c.fault.code, cases[i].code) != 0)
				fail_msg("case %zu: %s, want %s (%s)", i,
				    c.fault.code, cases[i].code, c.fault.msg);
			assert_string_equal(c.fault.proto, cases[i].proto);
			assert_true(c.fault.msg[0] != '\0');
		}
		xmlFreeDoc(c.doc);
	}
}

static void
test_args(void **state)
{
	static const char body[] = ENV11 "<s:Header><ExecutionHeader xmlns=\""
	    SOAP_NS_EXEC "\"><ExecutionID> abc </ExecutionID></ExecutionHeader>"
	    "</s:Header>" OP("<Render xmlns=\"" SOAP_NS_EXEC "\"><Format>PDF"
	    "</Format><DeviceInfo xsi:nil=\"true\"/><On>1</On><Off>false</Off>"
	    "<Bad>yes</Bad><N>42</N><Big>99999</Big></Render>");
	struct soap_call	c;
	bool			b = false;
	int64_t			n = 0;
	char			*s;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.ep = SOAP_EP_EXEC;
	c.ns = SOAP_NS_EXEC;
	assert_int_equal(soap_parse(&c, body, strlen(body), "text/xml", NULL),
	    0);
	assert_string_equal(c.exec_id, "abc");
	s = soap_arg(&c, c.op, "Format");
	assert_string_equal(s, "PDF");
	free(s);
	assert_null(soap_arg(&c, c.op, "DeviceInfo"));	/* xsi:nil */
	assert_null(soap_arg(&c, c.op, "Missing"));
	assert_int_equal(soap_arg_bool(&c, c.op, "On", &b), 0);
	assert_true(b);
	assert_int_equal(soap_arg_bool(&c, c.op, "Off", &b), 0);
	assert_false(b);
	assert_int_equal(soap_arg_int(&c, c.op, "N", 0, 100, &n), 0);
	assert_int_equal(n, 42);
	assert_int_equal(soap_arg_bool(&c, c.op, "Bad", &b), -1);
	assert_string_equal(c.fault.code, "rsInvalidParameter");
	c.fault.code[0] = '\0';
	assert_int_equal(soap_arg_int(&c, c.op, "Big", 0, 100, &n), -1);
	assert_int_equal(n, 42);
	assert_null(soap_need(&c, c.op, "Missing"));
	assert_string_equal(c.fault.code, "rsInvalidParameter");
	xmlFreeDoc(c.doc);
}

static void
test_contract(void **state)
{
	(void)state;
	assert_true(soap_wsdl_has(SOAP_EP_MGMT, "CreateCatalogItem"));
	assert_true(soap_wsdl_has(SOAP_EP_MGMT, "CreateLinkedItem"));
	assert_false(soap_wsdl_has(SOAP_EP_MGMT, "LoadReport"));
	assert_true(soap_wsdl_has(SOAP_EP_EXEC, "LoadReport"));
	assert_false(soap_wsdl_has(SOAP_EP_EXEC, "Frobnicate"));
	/* Every operation an endpoint implements is in its contract (the
	 * management endpoint's ListSecureMethods is the exception: it is
	 * the execution endpoint's, answered on both). */
	for (size_t i = 0; i < soap_op_count(SOAP_EP_EXEC); i++)
		assert_true(soap_wsdl_has(SOAP_EP_EXEC,
		    soap_op_name(SOAP_EP_EXEC, i)));
	for (size_t i = 0; i < soap_op_count(SOAP_EP_MGMT); i++)
		if (strcmp(soap_op_name(SOAP_EP_MGMT, i), "ListSecureMethods"))
			assert_true(soap_wsdl_has(SOAP_EP_MGMT,
			    soap_op_name(SOAP_EP_MGMT, i)));
}

static void
test_fault(void **state)
{
	struct soap_fault	f = { .status = 404 };
	struct rsresp		r;

	(void)state;
	str_copy(f.code, sizeof(f.code), "rsItemNotFound");
	str_copy(f.msg, sizeof(f.msg), "The item '/a&b' cannot be found.");
	rsresp_init(&r);
	soap_respond_fault(&r, 11, &f);
	assert_int_equal(r.status, 500);
	assert_string_equal(rsresp_get_header(&r, "Content-Type"),
	    "text/xml; charset=utf-8");
	assert_non_null(strstr(r.body.data, "<faultcode>soap:Client"
	    "</faultcode><faultstring>The item '/a&amp;b' cannot be found."));
	assert_non_null(strstr(r.body.data, "<ErrorCode xmlns=\""
	    SOAP_NS_ERR "\">rsItemNotFound</ErrorCode><HttpStatus xmlns=\""
	    SOAP_NS_ERR "\">404</HttpStatus>"));
	rsresp_fini(&r);
	rsresp_init(&r);
	f.status = 401;
	soap_respond_fault(&r, 12, &f);
	assert_int_equal(r.status, 401);
	assert_string_equal(rsresp_get_header(&r, "Content-Type"),
	    "application/soap+xml; charset=utf-8");
	assert_non_null(strstr(r.body.data, "<soap:Code><soap:Value>"
	    "soap:Sender</soap:Value></soap:Code>"));
	rsresp_fini(&r);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_contract),
		cmocka_unit_test(test_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
