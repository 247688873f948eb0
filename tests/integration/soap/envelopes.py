#!/usr/bin/env python3
"""tests/integration/soap/envelopes.py: the envelopes themselves.

.NET's generated proxies (wsdl.exe, "Add Web Reference", PowerShell's
New-WebServiceProxy) read answers strictly: element names, namespaces and
element order as the WSDL's sequences declare them, xsi:nil for a null
array element.  This test sends requests in the form those proxies send
(the form of the ASP.NET service help pages: soap prefix, xsi and xsd
declared, the operation element with the endpoint's namespace as default
namespace) over TLS with Python's http.client, and checks the answers
against the WSDL the server serves:

  - the envelope: XML declaration, soap:Envelope with the xsi and xsd
    prefixes, soap:Header holding ServerInfoHeader (then the body) and, for
    LoadReport, ExecutionHeader first;
  - every element of an answer is declared by the contract, in the
    contract's order, recursively (ListChildren, GetProperties,
    GetItemDataSources, GetItemParameters, LoadReport's ExecutionInfo,
    ListExtensions, GetPolicies, faults' detail);
  - xsi:nil: a null parameter value sent as xsi:nil comes back as xsi:nil;
    an unbound report's data source is an empty InvalidDataSourceReference;
  - faults: SOAP 1.1 (HTTP 500, faultcode, faultstring, faultactor, detail
    with ErrorCode, HttpStatus, Message ... in the Reporting Services error
    namespace) and SOAP 1.2 (Code/Value, Reason/Text, Node, Detail);
  - SOAP 1.2 end to end, also through zeep's Soap12 port;
  - protocol errors: VersionMismatch, MustUnderstand, a SOAPAction that
    names another operation, a DTD, XML that is not well-formed, an
    element in another namespace, an empty Body, BatchHeader, a media type
    that is not SOAP (415), GET without ?wsdl (the service page), an
    endpoint that does not exist (ReportService2005.asmx: 404).
"""
import base64
import http.client
import os
import sys

try:
    import zeep  # noqa: F401
except ImportError:        # Debian's python3-zeep is for /usr/bin/python3
    if sys.executable != "/usr/bin/python3" and \
            os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "reportserver"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402
import clients  # noqa: E402

S11 = "http://schemas.xmlsoap.org/soap/envelope/"
S12 = "http://www.w3.org/2003/05/soap-envelope"
RS = "http://schemas.microsoft.com/sqlserver/reporting/2010/03/01/ReportServer"
RE = "http://schemas.microsoft.com/sqlserver/2005/06/30/reporting/" \
     "reportingservices"
ERR = "http://www.microsoft.com/sql/reportingservices"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "{http://www.w3.org/2001/XMLSchema}"

# A nullable parameter with a default, for xsi:nil round trips.
NULLABLE = ('<Report xmlns="http://schemas.microsoft.com/sqlserver/reporting/'
            '2016/01/reportdefinition"><ReportParameters><ReportParameter '
            'Name="Note"><DataType>String</DataType><Nullable>true</Nullable>'
            '<DefaultValue><Values><Value>hello</Value></Values>'
            '</DefaultValue><Prompt>Note</Prompt></ReportParameter>'
            '</ReportParameters><ReportSections><ReportSection><Body>'
            '<ReportItems><Textbox Name="T"><Paragraphs><Paragraph>'
            '<TextRuns><TextRun><Value>=Parameters!Note.Value</Value>'
            '</TextRun></TextRuns></Paragraph></Paragraphs></Textbox>'
            '</ReportItems><Height>1in</Height></Body><Width>6in</Width>'
            '<Page/></ReportSection></ReportSections></Report>').encode()


class Schema:
    """The element order of every type and operation of a WSDL."""

    def __init__(self, text):
        root = ET.fromstring(text)
        self.types, self.elems = {}, {}
        for sch in root.iter(XS + "schema"):
            for node in sch:
                name = node.get("name")
                if node.tag == XS + "complexType":
                    self.types[name] = node
                elif node.tag == XS + "element":
                    self.elems[name] = node

    def model(self, ct):
        """[(name, type)] of a complexType, base type's elements first."""
        out = []
        for node in ct:
            if node.tag == XS + "choice":
                out += [(k.get("name"), k.get("type")) for k in node]
            elif node.tag == XS + "sequence":
                for e in node:
                    if e.tag == XS + "element":
                        out.append((e.get("name"), e.get("type")))
                    elif e.tag == XS + "choice":
                        out += [(k.get("name"), k.get("type")) for k in e]
            elif node.tag == XS + "complexContent":
                ext = node.find(XS + "extension")
                base = ext.get("base").split(":")[1]
                out = self.model(self.types[base]) + self.model(ext)
        return out

    def check(self, el, model, where, problems):
        """Children of el are declared by model, in its order."""
        names = [n for n, _ in model]
        last = -1
        for k in el:
            tag = k.tag.split("}")[1]
            if tag not in names:
                problems.append("%s: <%s> is not declared (%s)" % (
                    where, tag, names))
                continue
            i = names.index(tag)
            if i < last:
                problems.append("%s: <%s> is out of order (%s)" % (
                    where, tag, names))
            last = i
            typ = k.get("{%s}type" % XSI) or dict(model)[tag]
            if typ and ":" not in typ:
                typ = "tns:" + typ     # an xsi:type in the default namespace
            if typ and typ.startswith("tns:") and typ[4:] in self.types:
                self.check(k, self.model(self.types[typ[4:]]),
                           where + "/" + tag, problems)

    def check_op(self, el):
        """An operation's response element against its declaration."""
        name = el.tag.split("}")[1]
        problems = []
        decl = self.elems.get(name)
        if decl is None:
            return ["%s is not an element of the contract" % name]
        self.check(el, self.model(decl.find(XS + "complexType")), name,
                   problems)
        return problems


def post(env, endpoint, body, ctype="text/xml; charset=utf-8", action=None,
         user="admin", pw=suite.ADMIN_PW):
    c = http.client.HTTPSConnection("localhost", env.port, context=env.ctx,
                                    timeout=60)
    tok = base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()
    h = {"Content-Type": ctype, "Authorization": "Basic " + tok}
    if action is not None:
        h["SOAPAction"] = action
    c.request("POST", "/ReportServer/" + endpoint, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, r.getheader("Content-Type", ""), data


def envelope(op, inner, ns=RS, header="", version=11):
    sns = S12 if version == 12 else S11
    return ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            'xmlns:soap="%s" xmlns:xsi="%s" xmlns:xsd="http://www.w3.org/2001'
            '/XMLSchema">%s<soap:Body><%s xmlns="%s">%s</%s></soap:Body>'
            '</soap:Envelope>' % (sns, XSI, "<soap:Header>%s</soap:Header>" %
                                  header if header else "", op, ns, inner,
                                  op)).encode()


def call(env, op, inner, endpoint=clients.MGMT, ns=RS, header="",
         version=11, action=True):
    ctype = "text/xml; charset=utf-8" if version == 11 else \
        'application/soap+xml; charset=utf-8; action="%s/%s"' % (ns, op)
    act = '"%s/%s"' % (ns, op) if version == 11 and action else None
    st, ct, data = post(env, endpoint, envelope(op, inner, ns, header,
                                                version), ctype, act)
    return st, ct, data, ET.fromstring(data)


def parts(root, version=11):
    sns = S12 if version == 12 else S11
    return root.find("{%s}Header" % sns), root.find("{%s}Body" % sns)


def t_envelope(env, sch):
    st, ct, data, root = call(env, "ListChildren", "<ItemPath>/</ItemPath>"
                              "<Recursive>true</Recursive>")
    lib.check("an answer: 200 text/xml, the XML declaration first",
              st == 200 and ct.startswith("text/xml") and
              data.startswith(b'<?xml version="1.0" encoding="utf-8"?>'),
              st, ct, data[:80])
    lib.check("... soap:Envelope declaring the xsi and xsd prefixes",
              root.tag == "{%s}Envelope" % S11 and b'xmlns:soap="' + S11.encode()
              in data and b'xmlns:xsi="' + XSI.encode() in data and
              b'xmlns:xsd="http://www.w3.org/2001/XMLSchema"' in data,
              data[:300])
    hdr, body = parts(root)
    lib.check("... soap:Header before soap:Body", list(root) == [hdr, body])
    sih = hdr.find("{%s}ServerInfoHeader" % RS)
    lib.expect_eq("ServerInfoHeader in the endpoint's namespace, in the "
                  "contract's order", [k.tag.split("}")[1] for k in sih],
                  ["ReportServerVersionNumber", "ReportServerEdition",
                   "ReportServerVersion", "ReportServerDateTime"])
    num = sih.find("{%s}ReportServerVersionNumber" % RS).text
    lib.check("... ReportServerVersionNumber in the original's form",
              num.startswith("2019.0150."), num)
    resp = body[0]
    lib.expect_eq("the response element: ListChildrenResponse in RS's "
                  "namespace", resp.tag, "{%s}ListChildrenResponse" % RS)
    lib.expect_eq("... declared by the contract, in its order",
                  sch.check_op(resp), [])
    item = resp[0][0]
    lib.expect_eq("a CatalogItem's fields, in the WSDL's order",
                  [k.tag.split("}")[1] for k in item],
                  ["ID", "Name", "Path", "TypeName", "CreationDate",
                   "ModifiedDate", "CreatedBy", "ModifiedBy"])


def t_shapes(env, sch, esch):
    """More answers, each against the contract."""
    rep = "/Sales Reports/SalesSummary"
    calls = [
        ("GetProperties", "<ItemPath>%s</ItemPath>" % rep),
        ("GetItemDataSources", "<ItemPath>%s</ItemPath>" % rep),
        ("GetItemParameters", "<ItemPath>/Sales Reports/SalesByMonth"
         "</ItemPath><ForRendering>true</ForRendering>"),
        ("ListExtensions", "<ExtensionType>All</ExtensionType>"),
        ("GetPolicies", "<ItemPath>/</ItemPath>"),
        ("GetDataSourceContents", "<DataSource>/Data Sources/Sales"
         "</DataSource>"),
        ("ListRoles", "<SecurityScope>All</SecurityScope>"),
        ("GetPermissions", "<ItemPath>%s</ItemPath>" % rep),
    ]
    for op, inner in calls:
        st, ct, data, root = call(env, op, inner)
        body = parts(root)[1]
        lib.check("%s: 200, every element declared and in order" % op,
                  st == 200 and sch.check_op(body[0]) == [], st,
                  sch.check_op(body[0]), data[:400])
    st, ct, data, root = call(env, "LoadReport", "<Report>%s</Report>" % rep,
                              clients.EXEC, RE)
    hdr, body = parts(root)
    lib.expect_eq("LoadReport: ExecutionHeader, then ServerInfoHeader",
                  [k.tag for k in hdr], ["{%s}ExecutionHeader" % RE,
                                         "{%s}ServerInfoHeader" % RE])
    lib.expect_eq("... ExecutionInfo as the contract orders it",
                  esch.check_op(body[0]), [])
    return hdr[0][0].text


def t_nil(env):
    """xsi:nil both ways; an empty InvalidDataSourceReference."""
    rs = clients.client(env, clients.MGMT)
    rs.service.CreateCatalogItem("Report", "Nullable", "/", True, NULLABLE,
                                 None)
    st, ct, data, root = call(env, "LoadReport",
                              "<Report>/Nullable</Report>", clients.EXEC, RE)
    eid = parts(root)[0][0][0].text
    h = ('<ExecutionHeader xmlns="%s"><ExecutionID>%s</ExecutionID>'
         '</ExecutionHeader>' % (RE, eid))
    st, ct, data, root = call(
        env, "SetExecutionParameters", '<Parameters><ParameterValue><Name>'
        'Note</Name><Value xsi:nil="true"/></ParameterValue></Parameters>',
        clients.EXEC, RE, h)
    vals = root.findall(".//{%s}ReportParameter/{%s}DefaultValues/{%s}Value"
                        % (RE, RE, RE))
    lib.check("a null sent as xsi:nil comes back as xsi:nil",
              st == 200 and len(vals) == 1 and
              vals[0].get("{%s}nil" % XSI) == "true" and not vals[0].text,
              data[-600:])
    rs.service.CreateCatalogItem("Report", "Orphan", "/", True,
                                 clients.read("ProductList.rdl"), None)
    st, ct, data, root = call(env, "GetItemDataSources",
                              "<ItemPath>/Orphan</ItemPath>")
    inv = root.findall(".//{%s}DataSource/{%s}InvalidDataSourceReference"
                       % (RS, RS))
    lib.check("an unbound data source: an empty InvalidDataSourceReference",
              len(inv) == 1 and len(inv[0]) == 0, data[-400:])


def t_faults(env, sch):
    st, ct, data, root = call(env, "GetItemDefinition",
                              "<ItemPath>/No/Such</ItemPath>")
    fault = parts(root)[1].find("{%s}Fault" % S11)
    lib.check("a SOAP 1.1 fault: HTTP 500, text/xml", st == 500 and
              ct.startswith("text/xml") and fault is not None, st, ct)
    lib.expect_eq("... faultcode, faultstring, faultactor, detail",
                  [k.tag for k in fault], ["faultcode", "faultstring",
                                           "faultactor", "detail"])
    lib.expect_eq("... a client's fault", fault.find("faultcode").text,
                  "soap:Client")
    det = fault.find("detail")
    got = [(k.tag.split("}")[0][1:], k.tag.split("}")[1]) for k in det]
    lib.expect_eq("... the detail of the original, in its error namespace",
                  got, [(ERR, n) for n in (
                      "ErrorCode", "HttpStatus", "Message", "HelpLink",
                      "ProductName", "ProductVersion", "ProductLocaleId",
                      "OperatingSystem", "CountryLocaleId",
                      "MoreInformation", "Warnings")])
    lib.expect_eq("... ErrorCode and HttpStatus", (
        det.find("{%s}ErrorCode" % ERR).text,
        det.find("{%s}HttpStatus" % ERR).text), ("rsItemNotFound", "404"))
    lib.check("... faultstring is the message a client shows",
              fault.find("faultstring").text ==
              "The item '/No/Such' cannot be found.",
              fault.find("faultstring").text)
    st, ct, data, root = call(env, "GetItemDefinition",
                              "<ItemPath>/No/Such</ItemPath>", version=12)
    fault = parts(root, 12)[1].find("{%s}Fault" % S12)
    lib.check("a SOAP 1.2 fault: application/soap+xml, Code, Reason, Node, "
              "Detail", st == 500 and ct.startswith("application/soap+xml")
              and [k.tag.split("}")[1] for k in fault] ==
              ["Code", "Reason", "Node", "Detail"], st, ct, data[:400])
    lib.expect_eq("... Code/Value soap:Sender", fault.find(
        "{%s}Code/{%s}Value" % (S12, S12)).text, "soap:Sender")


def t_soap12(env, sch):
    st, ct, data, root = call(env, "GetItemType",
                              "<ItemPath>/Sales Reports</ItemPath>",
                              version=12)
    hdr, body = parts(root, 12)
    lib.check("SOAP 1.2: 200 application/soap+xml, a 1.2 envelope",
              st == 200 and ct.startswith("application/soap+xml") and
              root.tag == "{%s}Envelope" % S12 and
              body[0].find("{%s}Type" % RS).text == "Folder", st, ct,
              data[:300])
    z = clients.client(env, clients.MGMT)
    svc = z.bind("ReportingService2010", "ReportingService2010Soap12")
    lib.expect_eq("zeep through the Soap12 port", svc.GetItemType(
        "/Sales Reports").body.Type, "Folder")


def protocol(env, desc, want_status, want, body, ctype="text/xml",
             action=None, endpoint=clients.MGMT):
    st, ct, data = post(env, endpoint, body, ctype, action)
    lib.check("%s: %d with %s" % (desc, want_status, want),
              st == want_status and want.encode() in data, st, data[:600])


def t_protocol(env):
    gi = "<ItemPath>/</ItemPath>"
    protocol(env, "a 1.1 envelope sent as SOAP 1.2", 500,
             "soap:VersionMismatch", envelope("GetItemType", gi),
             "application/soap+xml")
    protocol(env, "an unknown header marked mustUnderstand", 500,
             "soap:MustUnderstand", envelope(
                 "GetItemType", gi, header='<x:Trace xmlns:x="urn:x" '
                 'soap:mustUnderstand="1">1</x:Trace>'))
    protocol(env, "an unknown header not marked is ignored", 200,
             "<Type>Folder</Type>", envelope(
                 "GetItemType", gi, header='<x:Trace xmlns:x="urn:x">1'
                 '</x:Trace>'))
    protocol(env, "a SOAPAction naming another operation", 500,
             "did not recognize the value of HTTP Header SOAPAction",
             envelope("GetItemType", gi), action='"%s/DeleteItem"' % RS)
    protocol(env, "a DTD", 500, "rsMalformedXml",
             b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'
             + envelope("GetItemType", gi)[38:])
    protocol(env, "XML that is not well-formed", 500, "rsMalformedXml",
             envelope("GetItemType", gi)[:-20])
    protocol(env, "an operation in another namespace", 500,
             "is not an operation of this endpoint",
             envelope("GetItemType", gi, ns="urn:other"))
    protocol(env, "an empty Body", 500, "The SOAP Body is empty",
             b'<soap:Envelope xmlns:soap="%s"><soap:Body/></soap:Envelope>'
             % S11.encode())
    protocol(env, "a BatchHeader", 500, "rsOperationNotSupported",
             envelope("DeleteItem", gi, header='<BatchHeader xmlns="%s">'
                      '<BatchID>1</BatchID></BatchHeader>' % RS))
    protocol(env, "a media type that is not SOAP", 415, "rsInvalidRequest",
             envelope("GetItemType", gi), "application/json")
    protocol(env, "an operation no endpoint has", 500,
             "rsOperationNotSupported", envelope("Frobnicate", gi))
    protocol(env, "an endpoint that does not exist", 404,
             "ReportService2005.asmx", envelope("GetItemType", gi),
             endpoint="ReportService2005.asmx")
    st, h, text, _ = env.admin("GET", "/ReportServer/ReportService2010.asmx")
    lib.check("GET without ?wsdl: the service page linking the WSDL",
              st == 200 and "?wsdl" in text, st, text[:200])


def main():
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    try:
        db = clients.up(env)
        rs = clients.client(env, clients.MGMT)
        ex = clients.client(env, clients.EXEC)
        clients.t_deploy(env, rs, ex, db)
        sch = Schema(env.admin("GET", "/ReportServer/" + clients.MGMT +
                               "?wsdl")[3])
        esch = Schema(env.admin("GET", "/ReportServer/" + clients.EXEC +
                                "?wsdl")[3])
        t_envelope(env, sch)
        t_shapes(env, sch, esch)
        t_nil(env)
        t_faults(env, sch)
        t_soap12(env, sch)
        t_protocol(env)
        clients.stopped_clean(env, "after the envelope calls")
    finally:
        env.cleanup()
    lib.done_testing()


if __name__ == "__main__":
    main()
