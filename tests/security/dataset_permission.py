#!/usr/bin/env python3
"""tests/security/dataset_permission.py: shared datasets need permission.

The attack (issue 18, after item 3): a Publisher with no role on the shared
dataset /Samples/Names (an administrator's query over /Samples/Sales)
publishes a report whose dataset is a SharedDataSetReference to it, and so
reads what its query returns with the data source's stored credentials.
Reproduced as real Linux users (PAM) over HTTPS through the real httpsvc and
reportserver.  The defence, as for shared data sources
(datasource_permission.py; shared datasets take the permissions of
reports, so View reports, Manage reports or Consume reports on it):

  - every way of storing such a report is refused and stores nothing: with
    no role on the dataset nor its folder, to him it is missing (400
    rsDataSetNotFound); seeing its folder but holding no role on it, 403
    rsAccessDenied: REST POST, /CatalogItems, PATCH of Content, the
    portal's upload form;
  - with Browser on the dataset he may, and the report renders for him
    and for a Browser of his folder with no role on the dataset;
  - when his role is taken away, every render stops (403 rsAccessDenied
    naming the dataset and him, for anyone, in the execution log too),
    and so does a subscription's run (file share delivery: no file); an
    administrator's report over the dataset is delivered by subscription
    (scheduled renders resolve shared datasets);
  - the chain is checked too: a dataset whose publisher loses his role on
    its data source stops the reports over it (403 naming the data
    source), though the report's publisher still reads the dataset.
"""
import os
import re
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
                                "integration"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration", "sched", "helpers"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402
import schedenv as se  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration", "soap"))
import clients  # noqa: E402

b64 = suite.b64
NS = "http://schemas.microsoft.com/sqlserver/reporting/2016/01/" \
     "reportdefinition"
RSD_NS = "http://schemas.microsoft.com/sqlserver/reporting/2010/01/" \
         "shareddatasetdefinition"


def over(ref):
    """A report whose one dataset is the shared dataset ref."""
    return ('<?xml version="1.0"?>\n<Report xmlns="%s">\n<DataSets>'
            '<DataSet Name="Q"><SharedDataSet><SharedDataSetReference>%s'
            '</SharedDataSetReference></SharedDataSet><Fields><Field '
            'Name="N"><DataField>N</DataField></Field></Fields></DataSet>'
            '</DataSets>\n'
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
            '</Report>\n' % (NS, ref)).encode()


def pick(ref):
    """over(ref) with a parameter whose valid values are its dataset's."""
    return over(ref).replace(b"<ReportSections>", (
        '<ReportParameters><ReportParameter Name="P"><DataType>String'
        '</DataType><DefaultValue><Values><Value>Mountain Bike</Value>'
        '</Values></DefaultValue><Prompt>P</Prompt><ValidValues>'
        '<DataSetReference>'
        '<DataSetName>Q</DataSetName><ValueField>N</ValueField>'
        '<LabelField>N</LabelField></DataSetReference></ValidValues>'
        '</ReportParameter></ReportParameters>\n<ReportSections>').encode())


def rsd(ref, sql):
    return ('<SharedDataSet xmlns="%s"><DataSet Name="Q"><Query>'
            '<DataSourceReference>%s</DataSourceReference><CommandText>%s'
            '</CommandText></Query><Fields><Field Name="N"><DataField>N'
            '</DataField></Field></Fields></DataSet></SharedDataSet>'
            % (RSD_NS, ref, sql)).encode()


SECRET = "SELECT Name AS N FROM Product ORDER BY ProductID"


def set_policy(env, path, policies):
    st, _, text = env.api("PUT", "/CatalogItems(Path='%s')/Policies" % path, {
        "InheritParentPolicy": False, "Policies": [
            {"GroupUserName": who, "Roles": [{"Name": r} for r in roles]}
            for who, roles in policies]})
    lib.check("role assignments of %s set" % path, st == 200, st, text)


def refused(desc, st, j, text, status, code, want):
    err = (j or {}).get("error", {})
    lib.check("%s: %d %s, %s" % (desc, status, code, want),
              st == status and err.get("code") == code and
              want in err.get("message", ""), st, text[:500])


def deliver(env, report, name):
    """A file share subscription of report, run now: (LastStatus, file)."""
    st, j, text = env.subscribe({
        "Report": report, "Description": name,
        "DeliveryExtension": "Report Server FileShare",
        "ExtensionSettings": {"Extension": "Report Server FileShare",
                              "ParameterValues": [
                                  {"Name": "PATH", "Value": env.share},
                                  {"Name": "FILENAME", "Value": name},
                                  {"Name": "FILEEXTN", "Value": "True"},
                                  {"Name": "RenderFormat", "Value": "CSV"},
                                  {"Name": "WRITEMODE",
                                   "Value": "Overwrite"}]},
        "Schedule": {"Definition": {"StartDateTime":
                                    "2026-06-02T06:00:00Z"}}})
    lib.check("a file share subscription of %s" % report, st == 201, st,
              text[:300])
    sid = (j or {}).get("Id")
    env.api("POST", "/Subscriptions(%s)/Model.Execute" % sid)
    s = env.wait_status(sid, lambda s: not s.startswith("Pending") and
                        s != "New Subscription" and "try again" not in s, 40)
    out = os.path.join(env.share, name + ".csv")
    return s or "", open(out, "rb").read() if os.path.exists(out) else None


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
    missing = ("400", "rsDataSetNotFound",
               "'/Samples/Names', which cannot be found")
    for desc, method, url, body in (
            ("the attack: his report over /Samples/Names", "POST",
             "/Reports", {"Path": "/Pub/Steal",
                          "Content": b64(over("/Samples/Names"))}),
            ("... through /CatalogItems", "POST", "/CatalogItems", {
                "@odata.type": "#Model.Report", "Path": "/Pub/Steal",
                "Content": b64(over("/Samples/Names"))}),
            ("... with a relative reference from /Samples/Other", "POST",
             "/Reports", {"Path": "/Pub/Steal",
                          "Content": b64(over("../Samples/Names"))}),
            ("... as new Content of his own report (PATCH)", "PATCH",
             "/Reports(Path='/Pub/Own')",
             {"Content": b64(over("/Samples/Names"))})):
        st, j, text = env.api(method, url, body, user=pub, pw=ppw)
        if "relative" in desc:
            # ../ is not a path the catalog knows: still nothing stored.
            lib.check(desc + ": refused", st == 400 and (j or {}).get(
                "error", {}).get("code") == "rsDataSetNotFound", st,
                text[:500])
            continue
        refused(desc, st, j, text, int(missing[0]), missing[1], missing[2])
    st, h, page, _ = env.upload("/Pub", "Steal.rdl", over("/Samples/Names"),
                                user=pub, pw=ppw)
    lib.check("... through the portal's upload form: 400, the reason beside "
              "the file", st == 400 and re.search(
                  r'id="uf-err" role="alert">Steal.rdl: [^<]*&#39;/Samples/'
                  r'Names&#39;, which cannot be found[^<]*rsDataSetNotFound',
                  page), st, page[-1500:])
    lib.expect_eq("none of it was stored", suite.count_items(env), before)
    st, h, text, raw = env.admin(
        "GET", "/Reports/api/v2.0/Reports(Path='/Pub/Own')/Content/$value")
    lib.expect_eq("... and his report kept its definition", raw,
                  suite.mini_rdl("mine"))


def granted_then_revoked(env, pub, ppw, reader, rpw):
    # He sees /Samples (Browser there) but holds no role on the dataset.
    set_policy(env, "/Samples", [("admin", ["Content Manager"]),
                                 (pub, ["Browser"])])
    set_policy(env, "/Samples/Names", [("admin", ["Content Manager"])])
    st, j, text = env.api("POST", "/Reports", {
        "Path": "/Pub/Steal", "Content": b64(over("/Samples/Names"))},
        user=pub, pw=ppw)
    refused("seeing the folder but with no role on the dataset", st, j,
            text, 403, "rsAccessDenied", "'/Samples/Names'")
    set_policy(env, "/Samples/Names", [("admin", ["Content Manager"]),
                                       (pub, ["Browser"])])
    st, j, text = env.api("POST", "/Reports", {
        "Path": "/Pub/Names", "Content": b64(over("/Samples/Names"))},
        user=pub, pw=ppw)
    lib.expect_eq("with Browser on the dataset (View reports) he may use "
                  "it: 201", st, 201)
    for who, pw in ((pub, ppw), (reader, rpw)):
        st, h, text, _ = render(env, "/Pub/Names", who, pw)
        lib.check("... and it renders for %s" % ("him" if who == pub else
                  "a Browser of his folder with no role on the dataset"),
                  st == 200 and "Mountain Bike" in text, st, text[:300])
    set_policy(env, "/Samples/Names", [("admin", ["Content Manager"])])
    for who, pw, desc in ((pub, ppw, "its publisher"),
                          (reader, rpw, "the Browser"),
                          ("admin", suite.ADMIN_PW, "an administrator")):
        st, h, text, _ = render(env, "/Pub/Names", who, pw)
        lib.check("the role taken away, the report no longer renders for %s"
                  ": 403 rsAccessDenied naming the dataset and the "
                  "publisher" % desc, st == 403 and "rsAccessDenied" in text
                  and "/Samples/Names" in text and pub in text and
                  "Mountain Bike" not in text, st, text[:500])
    st, j, text = env.api("GET", "/ExecutionLogs?$filter=ItemPath eq "
                          "'/Pub/Names'&$top=3")
    lib.check("... and the refusals are in the execution log",
              [r["Status"] for r in (j or {}).get("value", [])] ==
              ["rsAccessDenied"] * 3, text[:600])
    status, data = deliver(env, "/Pub/Names", "Names")
    lib.check("... nor for a subscription: its run fails naming the dataset "
              "and writes no file", "/Samples/Names" in status and
              data is None, status, data)


def chain(env, pub, ppw, reader, rpw):
    """His own dataset on /Samples/Sales, then his role there taken away."""
    set_policy(env, "/Samples/Sales", [("admin", ["Content Manager"]),
                                       (pub, ["Publisher"])])
    st, j, text = env.api("POST", "/DataSets", {
        "Path": "/Pub/Mine", "Content": b64(rsd("/Samples/Sales", SECRET))},
        user=pub, pw=ppw)
    lib.expect_eq("with Publisher on the data source he publishes a "
                  "dataset on it", st, 201)
    st, j, text = env.api("POST", "/Reports", {
        "Path": "/Pub/OverMine", "Content": b64(over("Mine"))},
        user=pub, pw=ppw)
    lib.expect_eq("... and a report over it (relative reference)", st, 201)
    st, h, text, _ = render(env, "/Pub/OverMine", reader, rpw)
    lib.check("... which renders for the Browser", st == 200 and
              "Mountain Bike" in text, st, text[:300])
    set_policy(env, "/Samples/Sales", [("admin", ["Content Manager"])])
    st, h, text, _ = render(env, "/Pub/OverMine", reader, rpw)
    lib.check("his role on the data source taken away, the report over his "
              "dataset stops: 403 rsAccessDenied naming the data source",
              st == 403 and "rsAccessDenied" in text and "/Samples/Sales" in
              text and "/Pub/Mine" in text and "Mountain Bike" not in text,
              st, text[:500])


def main():
    env = se.SchedEnv()
    try:
        env.up()
        r = env.rsconfig("email", "AllowedPaths=" + env.share)
        lib.check("file share delivery may write into the test's folder",
                  r.returncode == 0, r.stdout, r.stderr)
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
        st, _, text = env.api("POST", "/DataSets", {
            "Path": "/Samples/Names", "Content": b64(rsd("Sales", SECRET))})
        lib.expect_eq("... and his shared dataset /Samples/Names on it", st,
                      201)
        pub, ppw = env.add_pam_user("publisher")
        reader, rpw = env.add_pam_user("browser")
        env.api("POST", "/Folders", {"Path": "/Pub"})
        set_policy(env, "/Pub", [("admin", ["Content Manager"]),
                                 (pub, ["Publisher", "Browser"]),
                                 (reader, ["Browser"])])
        st, _, text = env.api("POST", "/Reports", {
            "Path": "/Pub/Official", "Content": b64(over("/Samples/Names"))})
        lib.expect_eq("the administrator publishes a report over it in /Pub",
                      st, 201)
        st, h, text, _ = render(env, "/Pub/Official", reader, rpw)
        lib.check("it renders for the Browser (the viewer needs no role on "
                  "the dataset)", st == 200 and "Mountain Bike" in text, st,
                  text[:300])
        st, _, text = env.api("POST", "/Reports", {
            "Path": "/Pub/Pick", "Content": b64(pick("/Samples/Names"))})
        lib.expect_eq("... and one whose parameter takes its values from "
                      "it", st, 201)
        rs = clients.client(env, clients.MGMT, reader, rpw)
        p = rs.service.GetItemParameters("/Pub/Pick", None, True, None, None)
        vv = [v.Value for x in p.body.Parameters.ItemParameter
              for v in (x.ValidValues.ValidValue if x.ValidValues else [])]
        lib.check("SOAP GetItemParameters gives the Browser those valid "
                  "values (the parameter pane resolves shared datasets)",
                  "Mountain Bike" in vv, vv[:5])
        status, data = deliver(env, "/Pub/Official", "Official")
        lib.check("... and a subscription delivers it (the scheduled render "
                  "resolves the shared dataset too)", data is not None and
                  b"Mountain Bike" in data, status, data)
        attacks(env, pub, ppw)
        granted_then_revoked(env, pub, ppw, reader, rpw)
        chain(env, pub, ppw, reader, rpw)
        st, h, text, _ = render(env, "/Pub/Official", reader, rpw)
        lib.check("the administrator's report still renders for the Browser",
                  st == 200 and "Mountain Bike" in text, st, text[:300])
    finally:
        env.cleanup()
    lib.done_testing()


if __name__ == "__main__":
    main()
