/*
 * writer.c: the answer, in the form ASP.NET's web services give it and
 * .NET's generated proxies expect: an XML declaration, soap:Envelope with
 * the xsi and xsd prefixes declared, a soap:Header holding the out headers
 * (ExecutionHeader, then ServerInfoHeader), and the operation's response
 * element in the endpoint's namespace as the default namespace.  Values
 * are written with libxml2's xmlTextWriter (escaping, base64); a null
 * array element is xsi:nil.  Faults carry the original's detail: ErrorCode,
 * HttpStatus, Message, HelpLink, product fields, MoreInformation and
 * Warnings, each in the Reporting Services error namespace.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define X(s)	((const xmlChar *)(s))

void
soap_w_start(struct soap_call *c, const char *name)
{
	(void)xmlTextWriterStartElement(c->w, X(name));
}

void
soap_w_end(struct soap_call *c)
{
	(void)xmlTextWriterEndElement(c->w);
}

void
soap_w_str(struct soap_call *c, const char *name, const char *value)
{
	if (value != NULL)
		(void)xmlTextWriterWriteElement(c->w, X(name), X(value));
}

void
soap_w_nil(struct soap_call *c, const char *name)
{
	(void)xmlTextWriterStartElement(c->w, X(name));
	(void)xmlTextWriterWriteAttribute(c->w, X("xsi:nil"), X("true"));
	(void)xmlTextWriterEndElement(c->w);
}

void
soap_w_bool(struct soap_call *c, const char *name, bool v)
{
	soap_w_str(c, name, v ? "true" : "false");
}

void
soap_w_int(struct soap_call *c, const char *name, long long v)
{
	char	s[32];

	snprintf(s, sizeof(s), "%lld", v);
	soap_w_str(c, name, s);
}

/* "2026-11-23T14:55:41+01:00", as .NET writes a local DateTime. */
static void
xsd_time(int64_t t, char *out, size_t n)
{
	time_t		tt = (time_t)t;
	struct tm	tm;
	int		off;
	char		base[32];

	localtime_r(&tt, &tm);
	off = (int)(tm.tm_gmtoff / 60) % (24 * 60);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, n, "%.20s%c%02d:%02d", base, off < 0 ? '-' : '+',
	    abs(off) / 60, abs(off) % 60);
}

void
soap_w_time(struct soap_call *c, const char *name, int64_t t)
{
	char	s[48];

	xsd_time(t, s, sizeof(s));
	soap_w_str(c, name, s);
}

void
soap_w_base64(struct soap_call *c, const char *name, const void *p,
    size_t len)
{
	(void)xmlTextWriterStartElement(c->w, X(name));
	/* xmlTextWriterWriteBase64 takes an int length: write in pieces. */
	for (size_t off = 0; off < len; off += 3 * 1024 * 1024) {
		size_t	n = len - off < 3 * 1024 * 1024 ? len - off :
		    3 * 1024 * 1024;

		(void)xmlTextWriterWriteBase64(c->w, (const char *)p + off, 0,
		    (int)n);
	}
	(void)xmlTextWriterEndElement(c->w);
}

int
soap_fail(struct soap_call *c, const char *code, int status,
    const char *fmt, ...)
{
	va_list	ap;

	if (c->fault.code[0] != '\0')
		return -1;
	str_copy(c->fault.code, sizeof(c->fault.code), code);
	c->fault.status = status;
	c->fault.server = status >= 500;
	va_start(ap, fmt);
	vsnprintf(c->fault.msg, sizeof(c->fault.msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
soap_fail_err(struct soap_call *c, const struct rs_err *e, const char *code)
{
	if (code == NULL && e->code == RS_E_BADINPUT &&
	    strstr(e->msg, "path") != NULL)
		code = "rsInvalidItemPath";
	return soap_fail(c, code != NULL ? code : rs_err_rscode(e),
	    rs_err_status(e), "%s", e->msg);
}

int
soap_denied(struct soap_call *c)
{
	return soap_fail(c, "rsAccessDenied", 403, "The permissions granted "
	    "to user '%s' are insufficient for performing this operation.",
	    c->user->name);
}

void
soap_unsupported(struct soap_call *c, const char *why)
{
	soap_fail(c, "rsOperationNotSupported", 400, "The operation '%s' is "
	    "not supported by this report server: %s", c->opname, why);
}

/* As ASP.NET writes it: the declaration, then the three prefixes. */
static void
w_envelope_start(xmlTextWriter *w, int version)
{
	(void)xmlTextWriterWriteRaw(w, X("<?xml version=\"1.0\" "
	    "encoding=\"utf-8\"?>"));
	(void)xmlTextWriterStartElement(w, X("soap:Envelope"));
	(void)xmlTextWriterWriteAttribute(w, X("xmlns:soap"),
	    X(version == 12 ? SOAP_NS_12 : SOAP_NS_11));
	(void)xmlTextWriterWriteAttribute(w, X("xmlns:xsi"), X(SOAP_NS_XSI));
	(void)xmlTextWriterWriteAttribute(w, X("xmlns:xsd"), X(SOAP_NS_XSD));
}

/* "2019.0150.0000.01": SSRS 2019's form of RS_SSRS_VERSION (15.0.0.1). */
static void
version_number(char *out, size_t n)
{
	unsigned	v[4] = { 0, 0, 0, 0 };

	sscanf(RS_SSRS_VERSION, "%u.%u.%u.%u", &v[0], &v[1], &v[2], &v[3]);
	snprintf(out, n, "%u.%04u.%04u.%02u", 2004 + v[0], v[0] * 10 + v[1],
	    v[2] % 10000, v[3] % 100);
}

static void
w_server_info(xmlTextWriter *w, const char *ns)
{
	char		num[40], when[40];
	time_t		now = time(NULL);
	struct tm	tm;

	version_number(num, sizeof(num));
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	(void)xmlTextWriterStartElementNS(w, NULL, X("ServerInfoHeader"),
	    X(ns));
	(void)xmlTextWriterWriteElement(w, X("ReportServerVersionNumber"),
	    X(num));
	(void)xmlTextWriterWriteElement(w, X("ReportServerEdition"),
	    X("Enterprise"));
	(void)xmlTextWriterWriteFormatElement(w, X("ReportServerVersion"),
	    "%s %s (compatible: Microsoft SQL Server Reporting Services "
	    "Version %s)", RS_PRODUCT, RS_VERSION, RS_SSRS_VERSION);
	(void)xmlTextWriterWriteElement(w, X("ReportServerDateTime"),
	    X(when));
	(void)xmlTextWriterEndElement(w);
}

static void
w_err(xmlTextWriter *w, const char *name, const char *value)
{
	(void)xmlTextWriterStartElementNS(w, NULL, X(name), X(SOAP_NS_ERR));
	(void)xmlTextWriterWriteString(w, X(value));
	(void)xmlTextWriterEndElement(w);
}

static void
w_detail(xmlTextWriter *w, const struct soap_fault *f)
{
	char	status[16], link[400];

	snprintf(status, sizeof(status), "%d", f->status);
	snprintf(link, sizeof(link), "https://go.microsoft.com/fwlink/?LinkId="
	    "20476&EvtSrc=Microsoft.ReportingServices.Diagnostics.Utilities."
	    "ErrorStrings&EvtID=%s&ProdName=Microsoft%%20SQL%%20Server%%20"
	    "Reporting%%20Services&ProdVer=%s", f->code, RS_SSRS_VERSION);
	w_err(w, "ErrorCode", f->code);
	w_err(w, "HttpStatus", status);
	w_err(w, "Message", f->msg);
	w_err(w, "HelpLink", link);
	w_err(w, "ProductName", RS_PRODUCT);
	w_err(w, "ProductVersion", RS_VERSION);
	w_err(w, "ProductLocaleId", "127");
	w_err(w, "OperatingSystem", "OsIndependent");
	w_err(w, "CountryLocaleId", "1033");
	(void)xmlTextWriterStartElementNS(w, NULL, X("MoreInformation"),
	    X(SOAP_NS_ERR));
	(void)xmlTextWriterWriteElement(w, X("Source"), X(RS_PRODUCT));
	(void)xmlTextWriterStartElementNS(w, X("msrs"), X("Message"),
	    X(SOAP_NS_ERR));
	(void)xmlTextWriterWriteAttributeNS(w, X("msrs"), X("ErrorCode"), NULL,
	    X(f->code));
	(void)xmlTextWriterWriteAttributeNS(w, X("msrs"), X("HelpLink"), NULL,
	    X(link));
	(void)xmlTextWriterWriteString(w, X(f->msg));
	(void)xmlTextWriterEndElement(w);
	(void)xmlTextWriterEndElement(w);
	(void)xmlTextWriterStartElementNS(w, NULL, X("Warnings"),
	    X(SOAP_NS_ERR));
	(void)xmlTextWriterEndElement(w);
}

static void
w_fault(xmlTextWriter *w, int version, const struct soap_fault *f,
    const char *actor)
{
	const char	*who = f->proto[0] ? f->proto : version == 12 ?
	    (f->server ? "Receiver" : "Sender") : (f->server ? "Server" :
	    "Client");

	(void)xmlTextWriterStartElement(w, X("soap:Fault"));
	if (version == 12) {
		(void)xmlTextWriterStartElement(w, X("soap:Code"));
		(void)xmlTextWriterWriteFormatElement(w, X("soap:Value"),
		    "soap:%s", who);
		(void)xmlTextWriterEndElement(w);
		(void)xmlTextWriterStartElement(w, X("soap:Reason"));
		(void)xmlTextWriterStartElement(w, X("soap:Text"));
		(void)xmlTextWriterWriteAttribute(w, X("xml:lang"), X("en"));
		(void)xmlTextWriterWriteString(w, X(f->msg));
		(void)xmlTextWriterEndElement(w);
		(void)xmlTextWriterEndElement(w);
		(void)xmlTextWriterWriteElement(w, X("soap:Node"), X(actor));
		(void)xmlTextWriterStartElement(w, X("soap:Detail"));
	} else {
		(void)xmlTextWriterWriteFormatElement(w, X("faultcode"),
		    "soap:%s", who);
		(void)xmlTextWriterWriteElement(w, X("faultstring"), X(f->msg));
		(void)xmlTextWriterWriteElement(w, X("faultactor"), X(actor));
		(void)xmlTextWriterStartElement(w, X("detail"));
	}
	w_detail(w, f);
	(void)xmlTextWriterEndElement(w);	/* detail */
	(void)xmlTextWriterEndElement(w);	/* Fault */
}

/* Moves a finished buffer into the response. */
static void
take(struct rsresp *resp, int status, int version, xmlBuffer *b)
{
	resp->status = status;
	buf_reset(&resp->body);
	rsresp_header(resp, "Content-Type", version == 12 ?
	    "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8");
	(void)buf_append(&resp->body, xmlBufferContent(b),
	    (size_t)xmlBufferLength(b), NULL);
}

static void
fault_doc(struct rsresp *resp, int version, const struct soap_fault *f,
    const char *actor, const char *ns)
{
	xmlBuffer	*b = xmlBufferCreate();
	xmlTextWriter	*w = xmlNewTextWriterMemory(b, 0);

	w_envelope_start(w, version);
	if (ns != NULL) {
		(void)xmlTextWriterStartElement(w, X("soap:Header"));
		w_server_info(w, ns);
		(void)xmlTextWriterEndElement(w);
	}
	(void)xmlTextWriterStartElement(w, X("soap:Body"));
	w_fault(w, version, f, actor);
	(void)xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	take(resp, f->status == 401 || f->status == 415 || f->status == 429 ||
	    f->status == 503 ? f->status : 500, version, b);
	xmlBufferFree(b);
}

void
soap_respond_fault(struct rsresp *resp, int version,
    const struct soap_fault *f)
{
	fault_doc(resp, version, f, "", NULL);
}

static void
actor_of(const struct soap_call *c, char *out, size_t n)
{
	snprintf(out, n, "%s://%s%s%s", c->req->https ? "https" : "http",
	    c->req->host, c->req->vdir, c->req->path);
}

void
soap_respond(struct soap_call *c, struct rsresp *resp)
{
	xmlBuffer	*b;
	xmlTextWriter	*w;
	char		 actor[600];

	actor_of(c, actor, sizeof(actor));
	if (c->fault.code[0] != '\0') {
		fault_doc(resp, c->version, &c->fault, actor, c->ns);
		return;
	}
	b = xmlBufferCreate();
	w = xmlNewTextWriterMemory(b, 0);
	w_envelope_start(w, c->version);
	(void)xmlTextWriterStartElement(w, X("soap:Header"));
	if (c->exec_out[0] != '\0') {
		(void)xmlTextWriterStartElementNS(w, NULL, X("ExecutionHeader"),
		    X(c->ns));
		(void)xmlTextWriterWriteElement(w, X("ExecutionID"),
		    X(c->exec_out));
		(void)xmlTextWriterEndElement(w);
	}
	w_server_info(w, c->ns);
	(void)xmlTextWriterEndElement(w);
	(void)xmlTextWriterStartElement(w, X("soap:Body"));
	(void)xmlTextWriterFlush(c->w);
	(void)xmlTextWriterWriteRaw(w, xmlBufferContent(c->body));
	(void)xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	take(resp, 200, c->version, b);
	xmlBufferFree(b);
}
