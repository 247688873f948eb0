/*
 * envelope.c: reading a SOAP request with libxml2.  The media type picks
 * the SOAP version (text/xml: 1.1, application/soap+xml: 1.2) and the
 * envelope's namespace must agree (else VersionMismatch).  The document
 * may not carry a DTD (no entities, nothing fetched); the parser never
 * touches the network.  Headers: ExecutionHeader and ItemNamespaceHeader
 * are read; TrustedUserHeader (acting as another user) and BatchHeader
 * (a ReportService2005 header; this contract has no batches) are refused;
 * an unknown header marked mustUnderstand is a MustUnderstand fault, as
 * SOAP requires.  The Body's first element is the operation, and must be
 * in the endpoint's namespace and agree with SOAPAction when one is sent.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SOAP_HUGE_AT	((size_t)8 * 1024 * 1024)	/* libxml2: 10 MB text */

static bool
in_ns(const xmlNode *n, const char *ns)
{
	return n != NULL && n->ns != NULL && n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, ns) == 0;
}

static bool
named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlNode *
first_elem(const xmlNode *n)
{
	for (; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return (xmlNode *)n;
	return NULL;
}

xmlNode *
soap_child(const struct soap_call *c, const xmlNode *parent,
    const char *name)
{
	if (parent == NULL)
		return NULL;
	for (xmlNode *k = parent->children; k != NULL; k = k->next)
		if (named(k, name) && in_ns(k, c->ns))
			return k;
	return NULL;
}

xmlNode *
soap_next(const struct soap_call *c, const xmlNode *n, const char *name)
{
	for (n = n != NULL ? n->next : NULL; n != NULL; n = n->next)
		if (named(n, name) && in_ns(n, c->ns))
			return (xmlNode *)n;
	return NULL;
}

bool
soap_is_nil(const xmlNode *n)
{
	xmlChar	*v;
	bool	 nil;

	if (n == NULL)
		return false;
	v = xmlGetNsProp(n, (const xmlChar *)"nil", (const xmlChar *)
	    SOAP_NS_XSI);
	nil = v != NULL && (strcmp((char *)v, "true") == 0 ||
	    strcmp((char *)v, "1") == 0);
	xmlFree(v);
	return nil;
}

char *
soap_text(const xmlNode *n)
{
	xmlChar	*v;
	char	*s;

	if (n == NULL || soap_is_nil(n))
		return NULL;
	v = xmlNodeGetContent(n);
	s = xstrdup(v != NULL ? (const char *)v : "");
	xmlFree(v);
	return s;
}

char *
soap_arg(const struct soap_call *c, const xmlNode *parent, const char *name)
{
	return soap_text(soap_child(c, parent, name));
}

char *
soap_need(struct soap_call *c, const xmlNode *parent, const char *name)
{
	char	*s = soap_arg(c, parent, name);

	if (s == NULL)
		soap_fail(c, "rsMissingParameter", 400, "The value for parameter "
		    "'%s' is not specified. It is either missing from the "
		    "function call, or it is set to null.", name);
	return s;
}

int
soap_arg_bool(struct soap_call *c, const xmlNode *parent, const char *name,
    bool *out)
{
	char	*s = soap_arg(c, parent, name);
	int	 rc = 0;

	if (s == NULL)
		return 0;
	str_trim(s);
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		*out = false;
	else
		rc = soap_fail(c, "rsInvalidParameter", 400, "The value of "
		    "parameter '%s' is not valid: '%.40s' is not a Boolean "
		    "(true or false).", name, s);
	free(s);
	return rc;
}

int
soap_arg_int(struct soap_call *c, const xmlNode *parent, const char *name,
    int64_t min, int64_t max, int64_t *out)
{
	char	*s = soap_arg(c, parent, name), *end;
	long long v;
	int	 rc = 0;

	if (s == NULL)
		return 0;
	str_trim(s);
	v = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || v < min || v > max)
		rc = soap_fail(c, "rsInvalidParameter", 400, "The value of "
		    "parameter '%s' is not valid: '%.40s' is not a number from "
		    "%lld to %lld.", name, s, (long long)min, (long long)max);
	else
		*out = v;
	free(s);
	return rc;
}

/* Reads the request; NULL with a fault. */
static xmlDoc *
read_doc(struct soap_call *c, const void *body, size_t len)
{
	xmlParserCtxt	*ctx;
	xmlDoc		*doc;
	const xmlError	*xe;
	int		 opts = XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING;

	if (len == 0 || len > (size_t)0x7fffffff) {
		soap_fail(c, "rsInvalidRequest", 400, "the request has no SOAP "
		    "envelope; POST a SOAP 1.1 or 1.2 envelope");
		return NULL;
	}
	if (len > SOAP_HUGE_AT)
		opts |= XML_PARSE_HUGE;	/* a large base64 Definition */
	ctx = xmlNewParserCtxt();
	if (ctx == NULL) {
		soap_fail(c, "rsInternalError", 500, "cannot make an XML parser");
		return NULL;
	}
	doc = xmlCtxtReadMemory(ctx, body, (int)len, "request.xml", NULL, opts);
	if (doc == NULL || !ctx->wellFormed) {
		xe = xmlCtxtGetLastError(ctx);
		soap_fail(c, "rsMalformedXml", 400, "The request is not "
		    "well-formed XML: line %d: %s", xe != NULL ? xe->line : 1,
		    xe != NULL && xe->message != NULL ? str_trim(xe->message) :
		    "parse error");
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (doc->intSubset != NULL || doc->extSubset != NULL) {
		soap_fail(c, "rsMalformedXml", 400, "A SOAP request may not "
		    "contain a document type declaration (DTD).");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctx);
	return doc;
}

/* The SOAP version the media type says: 11, 12, or 0. */
static int
media_version(const char *ct)
{
	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	if (str_has_iprefix(ct, "text/xml"))
		return 11;
	if (str_has_iprefix(ct, "application/soap+xml"))
		return 12;
	return 0;
}

static bool
must_understand(const struct soap_call *c, const xmlNode *h)
{
	xmlChar	*v = xmlGetNsProp(h, (const xmlChar *)"mustUnderstand",
	    (const xmlChar *)(c->version == 12 ? SOAP_NS_12 : SOAP_NS_11));
	bool	 yes = v != NULL && (strcmp((char *)v, "1") == 0 ||
	    strcmp((char *)v, "true") == 0);

	xmlFree(v);
	return yes;
}

/* TrustedUserHeader with content: someone acting as another user. */
static bool
trusted_user(const struct soap_call *c, const xmlNode *h)
{
	char	*u = soap_arg(c, h, "UserName"), *t = soap_arg(c, h,
	    "UserToken");
	bool	 yes = (u != NULL && u[0] != '\0') || (t != NULL && t[0] !=
	    '\0');

	free(u);
	free(t);
	return yes;
}

static int
header_one(struct soap_call *c, const xmlNode *h)
{
	char	*v;

	if (named(h, "BatchHeader"))
		return soap_fail(c, "rsOperationNotSupported", 400, "BatchHeader "
		    "is not supported: batches (CreateBatch, ExecuteBatch) "
		    "belong to ReportService2005, which SQL Server 2016 removed; "
		    "ReportService2010 has none. Send the calls one at a time.");
	if (!in_ns(h, c->ns)) {
		if (must_understand(c, h)) {
			str_copy(c->fault.proto, sizeof(c->fault.proto),
			    "MustUnderstand");
			return soap_fail(c, "rsInvalidRequest", 400, "The header "
			    "'%s' is marked mustUnderstand and this server does "
			    "not understand it.", (const char *)h->name);
		}
		return 0;
	}
	if (named(h, "TrustedUserHeader")) {
		if (trusted_user(c, h))
			return soap_fail(c, "rsAccessDenied", 403, "A "
			    "TrustedUserHeader is refused: this report server "
			    "acts only for the user who signed in, never for a "
			    "user named in the request.");
	} else if (named(h, "ExecutionHeader")) {
		v = soap_arg(c, h, "ExecutionID");
		str_copy(c->exec_id, sizeof(c->exec_id), v != NULL ? v : "");
		str_trim(c->exec_id);
		free(v);
	} else if (named(h, "ItemNamespaceHeader")) {
		v = soap_arg(c, h, "ItemNamespace");
		if (v != NULL && strcmp(str_trim(v), "GUIDBased") == 0)
			c->by_id = true;
		else if (v == NULL || strcmp(v, "PathBased") != 0) {
			free(v);
			return soap_fail(c, "rsInvalidParameter", 400, "The "
			    "ItemNamespace of ItemNamespaceHeader must be "
			    "PathBased or GUIDBased.");
		}
		free(v);
	} else if (!named(h, "ServerInfoHeader") && must_understand(c, h)) {
		str_copy(c->fault.proto, sizeof(c->fault.proto),
		    "MustUnderstand");
		return soap_fail(c, "rsInvalidRequest", 400, "The header '%s' is "
		    "marked mustUnderstand and this server does not understand "
		    "it.", (const char *)h->name);
	}
	return 0;
}

static int
headers(struct soap_call *c, const xmlNode *hdr)
{
	for (xmlNode *h = first_elem(hdr->children); h != NULL;
	    h = first_elem(h->next))
		if (header_one(c, h) == -1)
			return -1;
	return 0;
}

/* SOAPAction (1.1) or the action parameter (1.2), quotes dropped. */
static int
action_check(struct soap_call *c, const char *action)
{
	char	want[256], got[256];
	size_t	n;

	if (action == NULL)
		return 0;
	while (*action == ' ' || *action == '"')
		action++;
	str_copy(got, sizeof(got), action);
	n = strcspn(got, "\";");
	got[n] = '\0';
	if (got[0] == '\0')
		return 0;
	snprintf(want, sizeof(want), "%s/%s", c->ns, c->opname);
	if (strcmp(got, want) == 0)
		return 0;
	return soap_fail(c, "rsInvalidRequest", 400, "Server did not recognize "
	    "the value of HTTP Header SOAPAction: %.200s (the body asks for "
	    "%s).", got, want);
}

/* The action parameter of an application/soap+xml media type. */
static const char *
media_action(const char *ct)
{
	const char	*a = ct != NULL ? strcasestr(ct, "action=") : NULL;

	return a != NULL ? a + 7 : NULL;
}

static int
body_op(struct soap_call *c, const xmlNode *env, const char *action)
{
	const char	*envns = c->version == 12 ? SOAP_NS_12 : SOAP_NS_11;
	xmlNode		*hdr = NULL, *body = NULL;

	for (xmlNode *k = first_elem(env->children); k != NULL;
	    k = first_elem(k->next)) {
		if (named(k, "Header") && in_ns(k, envns))
			hdr = k;
		else if (named(k, "Body") && in_ns(k, envns))
			body = k;
	}
	if (body == NULL)
		return soap_fail(c, "rsInvalidRequest", 400, "The SOAP envelope "
		    "has no Body.");
	c->op = first_elem(body->children);
	if (c->op == NULL)
		return soap_fail(c, "rsInvalidRequest", 400, "The SOAP Body is "
		    "empty; it must hold the operation's element.");
	str_copy(c->opname, sizeof(c->opname), (const char *)c->op->name);
	if (!in_ns(c->op, c->ns))
		return soap_fail(c, "rsInvalidRequest", 400, "The element '%s' "
		    "in namespace '%.200s' is not an operation of this endpoint; "
		    "its operations are in namespace '%s'.", c->opname,
		    c->op->ns != NULL ? (const char *)c->op->ns->href : "",
		    c->ns);
	if (hdr != NULL && headers(c, hdr) == -1)
		return -1;
	return action_check(c, action);
}

int
soap_parse(struct soap_call *c, const void *body, size_t len,
    const char *content_type, const char *soap_action)
{
	xmlNode	*env;
	int	 mv = media_version(content_type);

	c->version = mv != 0 ? mv : 11;
	if (mv == 0)
		return soap_fail(c, "rsInvalidRequest", 415, "A SOAP request "
		    "needs Content-Type text/xml (SOAP 1.1) or "
		    "application/soap+xml (SOAP 1.2); this one has '%.80s'.",
		    content_type != NULL ? content_type : "none");
	c->doc = read_doc(c, body, len);
	if (c->doc == NULL)
		return -1;
	env = xmlDocGetRootElement(c->doc);
	if (env == NULL || !named(env, "Envelope") || (!in_ns(env,
	    SOAP_NS_11) && !in_ns(env, SOAP_NS_12)))
		return soap_fail(c, "rsInvalidRequest", 400, "The request is not "
		    "a SOAP envelope: its root must be Envelope in the SOAP 1.1 "
		    "or SOAP 1.2 namespace.");
	if (!in_ns(env, mv == 12 ? SOAP_NS_12 : SOAP_NS_11)) {
		str_copy(c->fault.proto, sizeof(c->fault.proto),
		    "VersionMismatch");
		return soap_fail(c, "rsInvalidRequest", 400, "The envelope is "
		    "SOAP %s but the Content-Type says SOAP %s.", mv == 12 ?
		    "1.1" : "1.2", mv == 12 ? "1.2" : "1.1");
	}
	return body_op(c, env, mv == 12 ? media_action(content_type) :
	    soap_action);
}
