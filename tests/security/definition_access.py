#!/usr/bin/env python3
"""tests/security/definition_access.py: a Browser views, he does not download.

The finding (issue 18): a user with only the Browser role on a folder could
download the definitions of its reports and shared datasets (their queries,
embedded connection strings, custom code).  In the original, Browser's
View reports task is Read Properties and Execute and View; reading a
definition is the Read Report Definition permission, which Consume reports
(the Report Builder role) and Manage reports (Publisher, Content Manager)
give; shared datasets take the permissions of reports.

Every way this server gives a definition is tried with real clients (Python
http.client over HTTPS, zeep for SOAP), as real Linux users through PAM:

  - REST  Reports(Path=...)/Content/$value, CatalogItems(...)/Content/$value,
          DataSets(...)/Content/$value;
  - URL   ?/path&rs:Command=GetResourceContents (report and dataset) and
          rs:Command=GetSharedDatasetDefinition;
  - SOAP  GetItemDefinition (ReportService2010.asmx), report and dataset;
  - the portal's item page and its Download link.

A Browser gets 403 rsAccessDenied (a SOAP fault rsAccessDenied) and not one
byte of the definition, and still renders the report and sees its
properties; a Report Builder and a Publisher get the exact bytes stored.
"""
import os
import subprocess
import sys

try:
    import zeep  # noqa: F401
except ImportError:        # Debian's python3-zeep is for /usr/bin/python3
    if sys.executable != "/usr/bin/python3" and \
            os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration", "reportserver"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration", "soap"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402
import clients  # noqa: E402

b64 = suite.b64
RSD_NS = "http://schemas.microsoft.com/sqlserver/reporting/2010/01/" \
         "shareddatasetdefinition"
MARK = "definition-marker-7f3a"
REPORT = suite.mini_rdl(MARK)
DATASET = ('<SharedDataSet xmlns="%s"><DataSet Name="Q"><Query>'
           '<DataSourceReference>Sales</DataSourceReference><CommandText>'
           'SELECT Name AS N FROM Product WHERE Name &lt;&gt; \'%s\''
           '</CommandText></Query><Fields><Field Name="N"><DataField>N'
           '</DataField></Field></Fields></DataSet></SharedDataSet>'
           % (RSD_NS, MARK)).encode()


def embedded(db):
    """A report whose data source (and its connection string) is its own."""
    ns = "http://schemas.microsoft.com/sqlserver/reporting/2016/01/" \
        "reportdefinition"
    return ('<Report xmlns="%s"><DataSources><DataSource Name="E">'
            '<ConnectionProperties><DataProvider>SQLITE</DataProvider>'
            '<ConnectString>%s</ConnectString></ConnectionProperties>'
            '</DataSource></DataSources><DataSets><DataSet Name="Q"><Query>'
            '<DataSourceName>E</DataSourceName><CommandText>SELECT 1 AS N'
            '</CommandText></Query><Fields><Field Name="N"><DataField>N'
            '</DataField></Field></Fields></DataSet></DataSets>'
            '<ReportSections><ReportSection><Body><ReportItems><Textbox '
            'Name="T"><Paragraphs><Paragraph><TextRuns><TextRun><Value>x'
            '</Value></TextRun></TextRuns></Paragraph></Paragraphs>'
            '</Textbox></ReportItems><Height>1in</Height></Body><Width>6in'
            '</Width><Page/></ReportSection></ReportSections></Report>'
            % (ns, db)).encode()


def set_policy(env, path, policies):
    st, _, text = env.api("PUT", "/CatalogItems(Path='%s')/Policies" % path, {
        "InheritParentPolicy": False, "Policies": [
            {"GroupUserName": who, "Roles": [{"Name": r} for r in roles]}
            for who, roles in policies]})
    lib.check("role assignments of %s set" % path, st == 200, st, text)


def http_paths():
    """(what, url, definition) for every HTTP way to a definition."""
    api = "/Reports/api/v2.0"
    return (
        ("REST Reports(Path)/Content/$value",
         api + "/Reports(Path='/Pub/R')/Content/$value", REPORT),
        ("REST CatalogItems(Path)/Content/$value of the report",
         api + "/CatalogItems(Path='/Pub/R')/Content/$value", REPORT),
        ("REST DataSets(Path)/Content/$value",
         api + "/DataSets(Path='/Pub/D')/Content/$value", DATASET),
        ("URL access GetResourceContents of the report",
         "/ReportServer?/Pub/R&rs:Command=GetResourceContents", REPORT),
        ("URL access GetResourceContents of the dataset",
         "/ReportServer?/Pub/D&rs:Command=GetResourceContents", DATASET),
        ("URL access GetSharedDatasetDefinition",
         "/ReportServer?/Pub/D&rs:Command=GetSharedDatasetDefinition",
         DATASET))


def soap_definition(env, user, pw, path):
    """GetItemDefinition as user: (bytes, None) or (None, fault)."""
    rs = clients.client(env, clients.MGMT, user, pw)
    try:
        return rs.service.GetItemDefinition(ItemPath=path).body.Definition, None
    except zeep.exceptions.Fault:
        return None, clients.fault_of(rs.service.GetItemDefinition,
                                      ItemPath=path)


def soap_sources(env, user, pw, path):
    """GetItemDataSources as user: (names, None) or (None, fault)."""
    rs = clients.client(env, clients.MGMT, user, pw)
    try:
        d = rs.service.GetItemDataSources(ItemPath=path)
        return [x.Name for x in (d.body.DataSources.DataSource
                                 if d.body.DataSources else [])], None
    except zeep.exceptions.Fault:
        return None, clients.fault_of(rs.service.GetItemDataSources,
                                      ItemPath=path)


def denied(env, who, pw):
    for what, url, _ in http_paths():
        st, h, text, raw = env.request("GET", url, user=who, pw=pw)
        lib.check("a Browser is refused %s: 403 rsAccessDenied, none of the "
                  "definition" % what, st == 403 and "rsAccessDenied" in text
                  and MARK.encode() not in raw, st, text[:300])
    for path in ("/Pub/R", "/Pub/D"):
        got, fault = soap_definition(env, who, pw, path)
        lib.check("... SOAP GetItemDefinition of %s: fault rsAccessDenied"
                  % path, got is None and fault is not None and
                  fault[0] == "rsAccessDenied", got, fault)
    got, fault = soap_sources(env, who, pw, "/Pub/E")
    lib.check("... SOAP GetItemDataSources (embedded connection strings): "
              "fault rsAccessDenied", got is None and fault is not None and
              fault[0] == "rsAccessDenied", got, fault)
    for path in ("/Pub/R", "/Pub/D"):
        st, h, page, _ = env.request("GET", "/Reports/item" + path,
                                     user=who, pw=pw)
        lib.check("... the portal's page of %s has no Download link" % path,
                  st == 200 and "GetResourceContents" not in page and
                  "Download" not in page, st, page[-800:])
    st, h, text, _ = env.request("GET", "/ReportServer?/Pub/R&rs:Format=HTML5",
                                 user=who, pw=pw)
    lib.check("... yet he renders the report (View reports)",
              st == 200 and MARK in text, st, text[:300])
    st, j, text = env.api("GET", "/Reports(Path='/Pub/R')", user=who, pw=pw)
    lib.check("... and reads its properties (Content null)", st == 200 and
              j.get("Path") == "/Pub/R" and j.get("Content") is None, st,
              text[:300])


def allowed(env, who, pw, desc):
    for what, url, want in http_paths():
        st, h, text, raw = env.request("GET", url, user=who, pw=pw)
        lib.check("%s gets %s: 200, the bytes stored" % (desc, what),
                  st == 200 and raw == want, st, text[:300])
    for path, want in (("/Pub/R", REPORT), ("/Pub/D", DATASET)):
        got, fault = soap_definition(env, who, pw, path)
        lib.check("... SOAP GetItemDefinition of %s: the bytes stored" % path,
                  got == want, fault, (got or b"")[:200])
    got, fault = soap_sources(env, who, pw, "/Pub/E")
    lib.check("... SOAP GetItemDataSources of a report with an embedded "
              "data source", got == ["E"], got, fault)
    for path in ("/Pub/R", "/Pub/D"):
        st, h, page, _ = env.request("GET", "/Reports/item" + path,
                                     user=who, pw=pw)
        lib.check("... the portal's page of %s links the download" % path,
                  st == 200 and ("?%s&amp;rs:Command=GetResourceContents\">"
                                 "Download</a>" % path.replace("/", "%2f"))
                  in page, st,
                  page[-800:])


def main():
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    try:
        env.up()
        db = os.path.join(lib.ROOT, "data", "sales.db")
        os.makedirs(os.path.dirname(db), exist_ok=True)
        r = subprocess.run([os.path.join(lib.SRC, "samples", "make-db.sh"),
                            db], capture_output=True, text=True)
        lib.check("the sample database is made", r.returncode == 0, r.stderr)
        env.api("POST", "/Folders", {"Path": "/Pub"})
        st, _, _ = env.api("POST", "/DataSources", {
            "Path": "/Pub/Sales", "ConnectionString": db,
            "DataSourceType": "SQLITE"})
        lib.expect_eq("a shared data source /Pub/Sales", st, 201)
        st, _, text = env.api("POST", "/Reports", {
            "Path": "/Pub/R", "Content": b64(REPORT)})
        lib.expect_eq("a report /Pub/R", st, 201)
        st, _, text = env.api("POST", "/Reports", {
            "Path": "/Pub/E", "Content": b64(embedded(db))})
        lib.expect_eq("a report /Pub/E with an embedded data source", st, 201)
        st, _, text = env.api("POST", "/DataSets", {
            "Path": "/Pub/D", "Content": b64(DATASET)})
        lib.expect_eq("a shared dataset /Pub/D", st, 201)
        browser, bpw = env.add_pam_user("browser")
        builder, upw = env.add_pam_user("builder")
        pub, ppw = env.add_pam_user("publisher")
        set_policy(env, "/Pub", [("admin", ["Content Manager"]),
                                 (browser, ["Browser"]),
                                 (builder, ["Report Builder"]),
                                 (pub, ["Publisher", "Browser"])])
        denied(env, browser, bpw)
        allowed(env, builder, upw, "a Report Builder (Consume reports)")
        allowed(env, pub, ppw, "a Publisher (Manage reports)")
        allowed(env, "admin", suite.ADMIN_PW, "the administrator")
    finally:
        env.cleanup()
    lib.done_testing()


if __name__ == "__main__":
    main()
