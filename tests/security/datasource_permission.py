#!/usr/bin/env python3
"""tests/security/datasource_permission.py: shared data sources need permission.

The attack (issue 18, item 3): a Publisher with no role on the shared data
source /Samples/Sales publishes a report that names it and runs his own SQL
through it.  Reproduced as a real Linux user (PAM, useradd + chpasswd) over
HTTPS through the real httpsvc and reportserver.  The defence, as the
original (SetItemDataSources needs ReadProperties on each data source, which
the View data sources and Manage data sources tasks give):

  - every way of binding is refused, and stores nothing (he holds no role on
    the data source nor its folder, so to him it is missing: 400
    rsDataSourceNotFound; with a role that does not let him read it, 403
    rsAccessDenied): REST POST, PATCH of Content, the portal's
    upload form, a shared dataset (.rsd) on it;
  - Browser on the data source is not enough; Publisher on it (Manage data
    sources) is, and the report then renders, for its publisher and for a
    Browser of his folder (a viewer needs no role on the data source);
  - when the role is taken away later, every render of that report stops
    (403 rsAccessDenied, for anyone, in the execution log too): the check is
    made for the user who last stored the report, at every render;
  - a report an administrator publishes on the same data source still
    renders for that Browser.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration", "reportserver"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402

b64 = suite.b64
NS = "http://schemas.microsoft.com/sqlserver/reporting/2016/01/" \
     "reportdefinition"
RSD_NS = "http://schemas.microsoft.com/sqlserver/reporting/2010/01/" \
         "shareddatasetdefinition"


def steal(sql, ref="/Samples/Sales"):
    """A report that runs sql through the shared data source ref."""
    return ('<?xml version="1.0"?>\n<Report xmlns="%s">\n<DataSources>'
            '<DataSource Name="D"><DataSourceReference>%s'
            '</DataSourceReference></DataSource></DataSources>\n<DataSets>'
            '<DataSet Name="Q"><Query><DataSourceName>D</DataSourceName>'
            '<CommandText>%s</CommandText></Query><Fields><Field Name="N">'
            '<DataField>N</DataField></Field></Fields></DataSet></DataSets>\n'
            '<ReportSections><ReportSection><Body><ReportItems><Tablix '
            'Name="T"><TablixBody><TablixColumns><TablixColumn><Width>2in'
            '</Width></TablixColumn></TablixColumns><TablixRows><TablixRow>'
            '<Height>0.25in</Height><TablixCells><TablixCell><CellContents>'
            '<Textbox Name="V"><Paragraphs><Paragraph><TextRuns><TextRun>'
            '<Value>=Fields!N.Value</Value></TextRun></TextRuns></Paragraph>'
            '</Paragraphs></Textbox></CellContents></TablixCell></TablixCells>'
            '</TablixRow></TablixRows></TablixBody><TablixColumnHierarchy>'
            '<TablixMembers><TablixMember/></TablixMembers>'
            '</TablixColumnHierarchy><TablixRowHierarchy><TablixMembers>'
            '<TablixMember><Group Name="Details"/></TablixMember>'
            '</TablixMembers></TablixRowHierarchy><DataSetName>Q'
            '</DataSetName></Tablix></ReportItems><Height>1in</Height></Body>'
            '<Width>6in</Width><Page/></ReportSection></ReportSections>'
            '</Report>\n' % (NS, ref, sql)).encode()


SQL = "SELECT name AS N FROM sqlite_master"


def set_policy(env, path, policies):
    st, _, text = env.api("PUT", "/CatalogItems(Path='%s')/Policies" % path, {
        "InheritParentPolicy": False, "Policies": [
            {"GroupUserName": who, "Roles": [{"Name": r} for r in roles]}
            for who, roles in policies]})
    lib.check("role assignments of %s set" % path, st == 200, st, text)


def denied(desc, st, j, text):
    # He holds no role on /Samples/Sales nor on /Samples: to him the data
    # source is a missing one (issue 18's 403/404 rule), not a forbidden one.
    err = (j or {}).get("error", {})
    msg = err.get("message", "")
    lib.check(desc + ": 400 rsDataSourceNotFound, '/Samples/Sales' cannot be "
              "found", st == 400 and err.get("code") == "rsDataSourceNotFound"
              and "'/Samples/Sales', which cannot be found" in msg,
              st, text[:500])


def render(env, path, user, pw):
    return env.request("GET", "/ReportServer?%s&rs:Format=CSV" % path,
                       user=user, pw=pw)


def attacks(env, pub, ppw):
    before = suite.count_items(env)
    st, j, text = env.api("POST", "/Reports", {
        "Path": "/Pub/Own", "Content": b64(suite.mini_rdl("mine"))},
        user=pub, pw=ppw)
    lib.expect_eq("the Publisher may publish in his folder", st, 201)
    before += 1
    st, j, text = env.api("POST", "/Reports", {
        "Path": "/Pub/Steal", "Content": b64(steal(SQL))}, user=pub, pw=ppw)
    denied("the attack: his report on /Samples/Sales with his own SQL", st,
           j, text)
    st, j, text = env.api("POST", "/CatalogItems", {
        "@odata.type": "#Model.Report", "Path": "/Pub/Steal",
        "Content": b64(steal(SQL))}, user=pub, pw=ppw)
    denied("... through /CatalogItems", st, j, text)
    st, j, text = env.api("PATCH", "/Reports(Path='/Pub/Own')", {
        "Content": b64(steal(SQL))}, user=pub, pw=ppw)
    denied("... as new Content of his own report (PATCH)", st, j, text)
    rsd = ('<SharedDataSet xmlns="%s"><DataSet Name="Q"><Query>'
           '<DataSourceReference>/Samples/Sales</DataSourceReference>'
           '<CommandText>%s</CommandText></Query></DataSet></SharedDataSet>'
           % (RSD_NS, SQL)).encode()
    st, j, text = env.api("POST", "/DataSets", {
        "Path": "/Pub/Steal", "Content": b64(rsd)}, user=pub, pw=ppw)
    denied("... as a shared dataset (.rsd)", st, j, text)
    st, h, page, _ = env.upload("/Pub", "Steal.rdl", steal(SQL), user=pub,
                                pw=ppw)
    lib.check("... through the portal's upload form: 400, the reason beside "
              "the file", st == 400 and re.search(
                  r'id="uf-err" role="alert">Steal.rdl: [^<]*&#39;/Samples/'
                  r'Sales&#39;, which cannot be found[^<]*rsDataSourceNotFound',
                  page), st, page[-1500:])
    lib.expect_eq("none of it was stored", suite.count_items(env), before)
    st, h, text, raw = env.admin(
        "GET", "/Reports/api/v2.0/Reports(Path='/Pub/Own')/Content/$value")
    lib.expect_eq("... and his report kept its definition", raw,
                  suite.mini_rdl("mine"))


def granted_then_revoked(env, pub, ppw, reader, rpw):
    set_policy(env, "/Samples/Sales", [("admin", ["Content Manager"]),
                                       (pub, ["Browser"])])
    st, j, text = env.api("POST", "/Reports", {
        "Path": "/Pub/Steal", "Content": b64(steal(SQL))}, user=pub, pw=ppw)
    err = (j or {}).get("error", {})
    lib.check("Browser on the data source is not enough (no View data "
              "sources): 403 rsAccessDenied naming /Samples/Sales",
              st == 403 and err.get("code") == "rsAccessDenied" and
              "'/Samples/Sales'" in err.get("message", ""), st, text[:500])
    set_policy(env, "/Samples/Sales", [("admin", ["Content Manager"]),
                                       (pub, ["Publisher"])])
    st, j, text = env.api("POST", "/Reports", {
        "Path": "/Pub/Names", "Content": b64(steal(
            "SELECT Name AS N FROM Product ORDER BY ProductID"))},
        user=pub, pw=ppw)
    lib.expect_eq("with Publisher on it (Manage data sources) he may bind "
                  "to it: 201", st, 201)
    for who, pw in ((pub, ppw), (reader, rpw)):
        st, h, text, _ = render(env, "/Pub/Names", who, pw)
        lib.check("... and it renders for %s" % ("him" if who == pub else
                  "a Browser of his folder with no role on the data source"),
                  st == 200 and "Mountain Bike" in text, st, text[:300])
    set_policy(env, "/Samples/Sales", [("admin", ["Content Manager"])])
    for who, pw, desc in ((pub, ppw, "its publisher"),
                          (reader, rpw, "the Browser"),
                          ("admin", suite.ADMIN_PW, "an administrator")):
        st, h, text, _ = render(env, "/Pub/Names", who, pw)
        lib.check("the role taken away, the report no longer renders for %s"
                  ": 403 rsAccessDenied naming the data source and %s" %
                  (desc, "the publisher"), st == 403 and "rsAccessDenied" in
                  text and "/Samples/Sales" in text and pub in text and
                  "Mountain Bike" not in text, st, text[:500])
    st, j, text = env.api("GET", "/ExecutionLogs?$filter=ItemPath eq "
                          "'/Pub/Names'&$top=3")
    lib.check("... and the refusals are in the execution log",
              [r["Status"] for r in (j or {}).get("value", [])] ==
              ["rsAccessDenied"] * 3, text[:600])


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
        env.api("POST", "/Folders", {"Path": "/Samples"})
        st, _, _ = env.api("POST", "/DataSources", {
            "Path": "/Samples/Sales", "ConnectionString": db,
            "DataSourceType": "SQLITE"})
        lib.expect_eq("the administrator's shared data source /Samples/Sales",
                      st, 201)
        pub, ppw = env.add_pam_user("publisher")
        reader, rpw = env.add_pam_user("browser")
        env.api("POST", "/Folders", {"Path": "/Pub"})
        set_policy(env, "/Pub", [("admin", ["Content Manager"]),
                                 (pub, ["Publisher", "Browser"]),
                                 (reader, ["Browser"])])
        st, _, text = env.api("POST", "/Reports", {
            "Path": "/Pub/Official", "Content": b64(steal(
                "SELECT Name AS N FROM Product"))})
        lib.expect_eq("the administrator publishes a report on it in /Pub",
                      st, 201)
        attacks(env, pub, ppw)
        granted_then_revoked(env, pub, ppw, reader, rpw)
        st, h, text, _ = render(env, "/Pub/Official", reader, rpw)
        lib.check("the administrator's report still renders for the Browser "
                  "(the viewer needs no role on the data source)",
                  st == 200 and "Mountain Bike" in text, st, text[:300])
    finally:
        env.cleanup()
    lib.done_testing()


if __name__ == "__main__":
    main()
