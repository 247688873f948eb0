#!/usr/bin/env python3
"""tests/integration/reportserver/intake.py: what is stored is what renders.

The real reportserver behind the real httpsvc over TLS (suite_sqlite's Env).
Every way a definition enters the catalog runs the check `rsrender --check`
runs, and a refusal stores nothing (the catalog is read back after each):

  - REST POST through /CatalogItems and /Reports, PATCH of Content (PUT
    of an item is 405, as in the original's API), of a
    report (malformed XML: 400 naming line and column; CustomReportItem
    and an unknown function: 400 naming the element or function, its line and what
    is supported; an embedded provider the server cannot connect to; a
    shared data source that does not exist), a shared data source (.rds
    and properties: a data extension that is not supported, malformed XML,
    an unknown element) and a shared dataset (.rsd), with the original's
    codes (rsInvalidReportDefinition, rsDataExtensionNotFound,
    rsMalformedXml, rsUnrecognizedXmlElement,
    rsInvalidSharedDataSetDefinition, rsDataSourceNotFound);
  - the same message as `rsrender --check` gives for the same file;
  - the portal's upload form: 400, the message beside the file, nothing
    stored; a good .rsd through the form is stored;
  - scripts/publish-samples.py stops at a refused definition with the
    server's code and message;
  - the portal's folder page: a report's name opens the viewer
    (/Reports/report/PATH), and Manage in the row's menu opens its page.
"""
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402

NS = "http://schemas.microsoft.com/sqlserver/reporting/2016/01/" \
     "reportdefinition"
RSD_NS = "http://schemas.microsoft.com/sqlserver/reporting/2010/01/" \
         "shareddatasetdefinition"
b64 = suite.b64


def report(items="", sources=""):
    """A report with an optional data source; items go into the body."""
    return ('<?xml version="1.0"?>\n<Report xmlns="%s">\n%s'
            '<ReportSections><ReportSection><Body><ReportItems>\n%s'
            '<Textbox Name="T"><Paragraphs><Paragraph><TextRuns><TextRun>'
            '<Value>x</Value></TextRun></TextRuns></Paragraph></Paragraphs>'
            '</Textbox></ReportItems><Height>1in</Height></Body><Width>6in'
            '</Width><Page/></ReportSection></ReportSections></Report>\n'
            % (NS, sources, items)).encode()


def shared_source(ref):
    return ('<DataSources><DataSource Name="D"><DataSourceReference>%s'
            '</DataSourceReference></DataSource></DataSources>\n' % ref)


RDS = ('<?xml version="1.0"?>\n<RptDataSource Name="S">\n'
       '<ConnectionProperties>\n<Extension>%s</Extension>\n<ConnectString>'
       '%s</ConnectString>%s\n</ConnectionProperties></RptDataSource>\n')
RSD = ('<?xml version="1.0"?>\n<SharedDataSet xmlns="%s">\n<DataSet Name="Q">'
       '<Query>%s<CommandText>SELECT Name FROM Product</CommandText></Query>'
       '<Fields><Field Name="Name"><DataField>Name</DataField></Field>'
       '</Fields></DataSet></SharedDataSet>\n')


def count(env):
    return suite.count_items(env)


def refused(env, desc, method, path, body, status, code, *want):
    """A refused write: status, code, message parts, catalog unchanged."""
    before = count(env)
    st, j, text = env.api(method, path, body)
    err = (j or {}).get("error", {})
    msg = err.get("message", "")
    lib.check("%s: %d %s" % (desc, status, code), st == status and
              err.get("code") == code and all(w in msg for w in want),
              st, text[:600], want)
    lib.expect_eq("... and nothing was stored", count(env), before)
    return msg


def t_reports(env):
    bad = b"<Report><oops"
    for coll in ("/CatalogItems", "/Reports"):
        body = {"Path": "/In/Bad", "Content": b64(bad)}
        if coll == "/CatalogItems":
            body["@odata.type"] = "#Model.Report"
        msg = refused(env, "malformed XML through %s" % coll, "POST", coll,
                      body, 400, "rsInvalidReportDefinition",
                      "line 1, column 14", "not well-formed XML")
        lib.expect_eq("... GET of the path is 404",
                      env.api("GET", "/CatalogItems(Path='/In/Bad')")[0], 404)
    path = os.path.join(lib.TMP, "Bad.rdl")
    with open(path, "wb") as f:
        f.write(bad)
    r = lib.run("rsrender", "--check", path)
    lib.check("rsrender --check gives the same message (one check)",
              r.returncode == 65 and msg.split("': ", 1)[-1] in r.stderr,
              msg, r.stderr)
    cri = report('<CustomReportItem Name="Bar"><Type>DataBar</Type>'
                 '</CustomReportItem>\n')
    for coll in ("/CatalogItems", "/Reports"):
        body = {"Path": "/In/Bars", "Content": b64(cri),
                "@odata.type": "#Model.Report"}
        refused(env, "CustomReportItem through %s" % coll, "POST", coll,
                body, 400, "rsInvalidReportDefinition",
                "line 4: <CustomReportItem>", "supported report items: "
                "Tablix")
    lookup = report().replace(b"<Value>x</Value>",
                              b"<Value>=Frobnicate(1, 1)</Value>")
    refused(env, "an unsupported function", "POST", "/Reports",
            {"Path": "/In/L", "Content": b64(lookup)}, 400,
            "rsInvalidReportDefinition", "line 4: <Value>: unsupported "
            "function Frobnicate", "supported: Sum")
    sqlserver = report(sources='<DataSources><DataSource Name="W">'
                       '<ConnectionProperties><DataProvider>SQL'
                       '</DataProvider><ConnectString>Data Source=.'
                       '</ConnectString></ConnectionProperties></DataSource>'
                       '</DataSources>\n')
    refused(env, "an embedded provider the server cannot connect to",
            "POST", "/Reports", {"Path": "/In/W", "Content": b64(sqlserver)},
            400, "rsInvalidReportDefinition", "DataProvider SQL",
            "supported: SQLITE, POSTGRESQL, ENTERDATA")
    refused(env, "a shared data source that does not exist", "POST",
            "/Reports", {"Path": "/In/R", "Content": b64(report(
                sources=shared_source("Nowhere")))}, 400,
            "rsDataSourceNotFound", "'/In/Nowhere'", "line 3")
    st, _, text = env.api("POST", "/Reports", {
        "Path": "/In/Good", "Content": b64(report(
            sources=shared_source("/In/Sales")))})
    lib.expect_eq("a good report bound to a shared data source: 201", st, 201)
    st, _, text = env.api("PATCH", "/Reports(Path='/In/Good')",
                          {"Content": b64(cri)})
    lib.check("PATCH of Content with a CustomReportItem: 400",
              st == 400 and "CustomReportItem" in text, st, text[:300])
    st, h, _, raw = env.admin(
        "GET", "/Reports/api/v2.0/Reports(Path='/In/Good')/Content/$value")
    lib.check("... and the stored definition is the one before", raw ==
              report(sources=shared_source("/In/Sales")), raw[:200])
    st, _, text = env.api("PUT", "/Reports(Path='/In/Good')",
                          {"Content": b64(cri)})
    st2, h, _, raw = env.admin(
        "GET", "/Reports/api/v2.0/Reports(Path='/In/Good')/Content/$value")
    lib.check("PUT of an item is no way in: 405 (as the original's API), "
              "and the definition is unchanged", st == 405 and raw ==
              report(sources=shared_source("/In/Sales")), st, text[:300])


def t_sources(env, db):
    refused(env, "a data source by properties with DataSourceType SQL",
            "POST", "/DataSources", {"Path": "/In/W", "DataSourceType": "SQL",
                                     "ConnectionString": "Data Source=."},
            400, "rsDataExtensionNotFound", "data extension SQL",
            "supported: SQLITE, POSTGRESQL, ENTERDATA")
    for desc, rds, code, want in (
            ("an .rds of SQL Server", RDS % ("SQL", "Data Source=.", ""),
             "rsDataExtensionNotFound", "line 4: <Extension>"),
            ("a malformed .rds", (RDS % ("SQLITE", db, ""))[:-30],
             "rsMalformedXml", "column"),
            ("an .rds with an unknown element",
             RDS % ("SQLITE", db, "\n<Pooling>true</Pooling>"),
             "rsUnrecognizedXmlElement", "line 6: <Pooling>")):
        refused(env, desc, "POST", "/CatalogItems", {
            "@odata.type": "#Model.DataSource", "Path": "/In/S",
            "Content": b64(rds.encode())}, 400, code, want)
    st, _, _ = env.api("PATCH", "/DataSources(Path='/In/Sales')", {
        "Content": b64((RDS % ("SQL", "x", "")).encode())})
    st2, j, _ = env.api("GET", "/DataSources(Path='/In/Sales')")
    lib.check("PATCH of a data source's Content to SQL Server: 400, and it "
              "keeps its definition", st == 400 and
              (j or {}).get("DataSourceType") == "SQLITE", st, j)


def over_names():
    """A report whose dataset is the shared dataset /In/Names."""
    return report(
        '<Tablix Name="L"><TablixBody><TablixColumns><TablixColumn><Width>'
        '1in</Width></TablixColumn></TablixColumns><TablixRows><TablixRow>'
        '<Height>0.25in</Height><TablixCells><TablixCell><CellContents>'
        '<Textbox Name="N"><Paragraphs><Paragraph><TextRuns><TextRun><Value>'
        '=UCase(Fields!Product.Value)</Value></TextRun></TextRuns>'
        '</Paragraph></Paragraphs></Textbox></CellContents></TablixCell>'
        '</TablixCells></TablixRow></TablixRows></TablixBody>'
        '<TablixColumnHierarchy><TablixMembers><TablixMember/>'
        '</TablixMembers></TablixColumnHierarchy><TablixRowHierarchy>'
        '<TablixMembers><TablixMember><Group Name="D"/></TablixMember>'
        '</TablixMembers></TablixRowHierarchy><DataSetName>P</DataSetName>'
        '</Tablix>\n').replace(b"<ReportSections>", (
            '<DataSets><DataSet Name="P"><SharedDataSet>'
            '<SharedDataSetReference>Names</SharedDataSetReference>'
            '</SharedDataSet><Fields><Field Name="Product"><DataField>Name'
            '</DataField></Field></Fields></DataSet></DataSets>\n'
            '<ReportSections>').encode())


def t_datasets(env, db):
    st, _, text = env.api("POST", "/CatalogItems", {
        "@odata.type": "#Model.DataSet", "Path": "/In/Names",
        "Content": b64((RSD % (RSD_NS, "<DataSourceReference>Sales"
                               "</DataSourceReference>")).encode())})
    lib.expect_eq("a shared dataset (.rsd) on a shared data source: 201", st,
                  201)
    con = sqlite3.connect(db)
    con.execute("INSERT INTO Product VALUES ('bike'), ('helmet')")
    con.commit()
    con.close()
    st, _, text = env.api("POST", "/Reports", {
        "Path": "/In/OverNames", "Content": b64(over_names())})
    lib.expect_eq("a report over the shared dataset Names is stored", st, 201)
    st, h, text, _ = env.admin("GET", "/ReportServer?/In/OverNames&"
                               "rs:Format=CSV")
    lib.check("it renders from the shared dataset's query and data source",
              st == 200 and text.lstrip("\ufeff").split() ==
              ["N", "BIKE", "HELMET"], st,
              text[:300])
    env.api("DELETE", "/DataSets(Path='/In/Names')")
    st, h, text, _ = env.admin("GET", "/ReportServer?/In/OverNames&"
                               "rs:Format=CSV")
    lib.check("without the shared dataset: 404 rsDataSetNotFound",
              st == 404 and "rsDataSetNotFound" in text, st, text[:300])
    env.api("POST", "/CatalogItems", {
        "@odata.type": "#Model.DataSet", "Path": "/In/Names",
        "Content": b64((RSD % (RSD_NS, "<DataSourceReference>Sales"
                               "</DataSourceReference>")).encode())})
    refused(env, "a shared dataset without a DataSourceReference", "POST",
            "/DataSets", {"Path": "/In/D2", "Content": b64(
                (RSD % (RSD_NS, "")).encode())}, 400,
            "rsInvalidSharedDataSetDefinition", "needs a DataSourceReference")
    refused(env, "a shared dataset on a data source that does not exist",
            "POST", "/DataSets", {"Path": "/In/D3", "Content": b64(
                (RSD % (RSD_NS, "<DataSourceReference>/Gone"
                        "</DataSourceReference>")).encode())}, 400,
            "rsDataSourceNotFound", "'/Gone'")


def t_portal(env):
    before = count(env)
    st, h, page, _ = env.upload("/In", "Broken.rdl", b"<Report><oops")
    m = re.search(r'<input type="file" id="uf"[^>]*aria-describedby="uf-err"'
                  r'[^>]*><p class="error" id="uf-err" role="alert">([^<]*)'
                  r'</p>', page)
    lib.check("the portal's upload of a malformed .rdl: 400 with the message "
              "beside the file", st == 400 and m and "Broken.rdl: cannot "
              "publish report &#39;/In/Broken&#39;: line 1, column 14" in
              m.group(1) and "rsInvalidReportDefinition" in m.group(1), st,
              m and m.group(1), page[:300])
    lib.expect_eq("... and nothing was stored", count(env), before)
    st, h, page, _ = env.upload("/In", "Old.rds",
                            (RDS % ("SQL", "Data Source=.", "")).encode())
    lib.check("... an .rds of SQL Server: 400 rsDataExtensionNotFound",
              st == 400 and "rsDataExtensionNotFound" in page, st)
    st, h, _, _ = env.upload("/In", "Names2.rsd", (RSD % (
        RSD_NS, "<DataSourceReference>Sales</DataSourceReference>")).encode())
    st2, j, _ = env.api("GET", "/DataSets(Path='/In/Names2')")
    lib.check("a good .rsd through the form is stored as a dataset",
              st == 303 and st2 == 200, st, st2)
    st, h, page, _ = env.admin("GET", "/Reports/browse/In")
    link = re.search(r'<th scope="row"><a href="([^"]*)">Good</a></th>', page)
    lib.check("the folder page: the report's name opens the viewer",
              link and link.group(1) == "/Reports/report/In/Good",
              link and link.group(1))
    lib.check("... and the row's actions menu has a Manage link to its page",
              '<a class="manage" href="/Reports/item/In/Good">Manage' in page,
              page[-2000:])
    st, h, text, _ = env.admin("GET", link.group(1).replace("&amp;", "&")
                               if link else "/")
    lib.check("... and following the name renders the report", st == 200 and
              h.get("content-type", "").startswith("text/html") and
              'class="rv-pageof"' in text and 'class="rs-report"' in text,
              st, text[:300])


def t_publish(env):
    """publish-samples.py goes through the same check."""
    rdir = os.path.join(lib.TMP, "reports")
    os.makedirs(rdir)
    with open(os.path.join(rdir, "Bars.rdl"), "wb") as f:
        f.write(report('<CustomReportItem Name="Bar"/>\n',
                       sources=shared_source("Sales")))
    pwfile = os.path.join(lib.TMP, "pw")
    with open(pwfile, "w") as f:
        f.write(suite.ADMIN_PW)
    r = subprocess.run([sys.executable, os.path.join(
        lib.SRC, "scripts", "publish-samples.py"), "--port", str(env.port),
        "--cafile", env.cafile, "--password-file", pwfile, "--reports",
        rdir], capture_output=True, text=True, timeout=600)
    lib.check("publish-samples.py stops at a refused definition with the "
              "server's code and message", r.returncode == 1 and
              "/Samples/Bars: HTTP 400 rsInvalidReportDefinition: cannot "
              "publish report '/Samples/Bars': line 5: <CustomReportItem>"
              in r.stderr, r.stdout[-300:], r.stderr[-600:])
    st, _, _ = env.api("GET", "/Reports(Path='/Samples/Bars')")
    lib.expect_eq("... and did not store it", st, 404)


def main():
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    try:
        env.up()
        db = os.path.join(lib.ROOT, "data", "in.db")
        os.makedirs(os.path.dirname(db), exist_ok=True)
        sqlite3.connect(db).execute(
            "CREATE TABLE Product(Name TEXT)").connection.close()
        env.api("POST", "/Folders", {"Path": "/In"})
        st, _, text = env.api("POST", "/DataSources", {
            "Path": "/In/Sales", "ConnectionString": db,
            "DataSourceType": "SQLITE"})
        lib.expect_eq("a shared SQLite data source", st, 201)
        t_reports(env)
        t_sources(env, db)
        t_datasets(env, db)
        t_portal(env)
        t_publish(env)
    finally:
        env.cleanup()
    lib.done_testing()


if __name__ == "__main__":
    main()
