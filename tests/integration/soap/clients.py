#!/usr/bin/env python3
"""tests/integration/soap/clients.py: the SOAP endpoints as their clients use them.

The real reportserver behind the real httpsvc over TLS (suite_sqlite's
Env), driven by zeep (Debian python3-zeep), a SOAP client generated at run
time from the WSDL the server serves, as .NET's proxies are:

  - ?wsdl serves each contract with this server's own https address;
  - Visual Studio's deploy: CreateFolder, CreateCatalogItem of the shared
    data source and of the reports with Overwrite (the reports name a data
    source that is not in their folder: stored with the warning
    rsDataSourceReferenceNotPublished, refused at LoadReport), then
    SetItemDataSources points them at /Data Sources/Sales;
  - definitions read back byte for byte; ListChildren, GetItemType,
    FindItems, properties (read-only ones refused), resources, MoveItem,
    DeleteItem, CreateDataSource / Get/SetDataSourceContents (stored
    credentials refused), TestConnectForDataSourceDefinition (inside and
    outside DataSourceRoot), GetItemParameters;
  - policies: a Browser given by SetPolicies may list but not publish;
    InheritParentSecurity; roles, tasks, extensions;
  - ReportExecution2005: LoadReport, SetExecutionParameters (unknown and
    invalid values refused), Render to CSV (the golden files), PDF
    (pdfinfo's page count is NumPages), EXCELOPENXML (a workbook), HTML
    paging with DeviceInfo Section; the execution outlives a restart of
    the report server (it lives in the catalog) and belongs to its user;
    LoadReportDefinition;
  - every fault path with the original's ErrorCode: not found, exists,
    access denied, wrong type, unknown operation, not supported (with the
    reason), missing/expired execution, TrustedUserHeader, plain HTTP at
    SecureConnectionLevel 1, a wrong password (401 with the challenge).
"""
import io
import os
import re
import subprocess
import sys
import zipfile

try:
    import zeep  # noqa: F401
except ImportError:        # Debian's python3-zeep is for /usr/bin/python3
    if sys.executable != "/usr/bin/python3" and \
            os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

import requests
from zeep.transports import Transport

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "reportserver"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402

MGMT = "ReportService2010.asmx"
EXEC = "ReportExecution2005.asmx"
SAMPLES = os.path.join(lib.SRC, "samples", "reports")


def session(user="admin", pw=suite.ADMIN_PW, env=None):
    s = requests.Session()
    s.trust_env = False     # never the caller's proxies or CA bundle
    s.auth = (user.encode(), pw.encode())   # UTF-8, as the challenge says
    s.verify = env.cafile
    return s


def client(env, endpoint, user="admin", pw=suite.ADMIN_PW):
    url = "https://localhost:%d/ReportServer/%s?wsdl" % (env.port, endpoint)
    return zeep.Client(url, transport=Transport(
        session=session(user, pw, env), timeout=60))


def fault_of(fn, *args, **kw):
    """Calls fn; returns (ErrorCode, message) of its fault, or None."""
    try:
        fn(*args, **kw)
    except zeep.exceptions.Fault as f:
        code = None
        if f.detail is not None:
            for el in f.detail.iter():
                if el.tag.endswith("}ErrorCode"):
                    code = el.text
        return code, f.message
    return None


def expect_fault(desc, want, fn, *args, **kw):
    got = fault_of(fn, *args, **kw)
    lib.check("%s: fault %s" % (desc, want), got is not None and
              got[0] == want, got)
    return got[1] if got else ""


def read(name):
    with open(os.path.join(SAMPLES, name), "rb") as f:
        return f.read()


def golden(name):
    with open(os.path.join(lib.SRC, "tests", "golden", name), "rb") as f:
        return f.read()


RDS = ('<?xml version="1.0" encoding="utf-8"?>\n<RptDataSource Name="Sales">'
       '<ConnectionProperties><Extension>SQLITE</Extension><ConnectString>'
       '%s</ConnectString></ConnectionProperties><DataSourceID>'
       '0c7a3e52-6f0e-4f3b-9a41-7d3c2b1a0e55</DataSourceID></RptDataSource>\n')


def t_wsdl(env):
    s = session(env=env)
    for ep in (MGMT, EXEC):
        r = s.get("https://localhost:%d/ReportServer/%s?wsdl" %
                  (env.port, ep))
        want = 'location="https://localhost:%d/ReportServer/%s"' % (
            env.port, ep)
        lib.check("?wsdl of %s: the contract with this server's address" %
                  ep, r.status_code == 200 and want in r.text and
                  "<wsdl:definitions" in r.text, r.status_code, r.text[:200])
    r = requests.get("https://localhost:%d/ReportServer/%s?wsdl" %
                     (env.port, MGMT), verify=env.cafile)
    lib.expect_eq("?wsdl without credentials: 401", r.status_code, 401)


def t_deploy(env, rs, ex, db):
    """Visual Studio's deploy: folders, the data source, the reports."""
    info = rs.service.CreateFolder("Sales Reports", "/", None)
    item = info.body.ItemInfo
    lib.check("CreateFolder answers the new folder's CatalogItem",
              item.Path == "/Sales Reports" and item.TypeName == "Folder" and
              len(item.ID) == 36, item)
    rs.service.CreateFolder("Data Sources", "/", None)
    expect_fault("CreateFolder of an existing folder", "rsItemAlreadyExists",
                 rs.service.CreateFolder, "Data Sources", "/", None)
    rds = (RDS % db).encode()
    r = rs.service.CreateCatalogItem("DataSource", "Sales", "/Data Sources",
                                     True, rds, None)
    lib.check("CreateCatalogItem of the .rds: a DataSource",
              r.body.ItemInfo.TypeName == "DataSource" and
              not r.body.Warnings, r.body)
    r = rs.service.CreateCatalogItem(
        "Report", "SalesSummary", "/Sales Reports", True,
        read("SalesSummary.rdl"),
        {"Property": [{"Name": "Description", "Value": "Totals"}]})
    w = r.body.Warnings.Warning if r.body.Warnings else []
    lib.check("a report naming an unpublished data source is stored with "
              "the warning rsDataSourceReferenceNotPublished",
              r.body.ItemInfo.Path == "/Sales Reports/SalesSummary" and
              [x.Code for x in w] == ["rsDataSourceReferenceNotPublished"],
              r.body)
    expect_fault("... and does not run until its data source is set",
                 "rsDataSourceNotFound", ex.service.LoadReport,
                 "/Sales Reports/SalesSummary", None)
    ds = rs.service.GetItemDataSources("/Sales Reports/SalesSummary")
    got = ds.body.DataSources.DataSource[0]
    lib.check("GetItemDataSources: no valid reference for now (the "
              "envelope test sees InvalidDataSourceReference)",
              got.Name == "Sales" and got.DataSourceReference is None and
              got.DataSourceDefinition is None, ds.body)
    for name in ("SalesByMonth", "ProductList"):
        rs.service.CreateCatalogItem("Report", name, "/Sales Reports", True,
                                     read(name + ".rdl"), None)
    ref = {"DataSource": [{"Name": "Sales", "DataSourceReference": {
        "Reference": "/Data Sources/Sales"}}]}
    for name in ("SalesSummary", "SalesByMonth", "ProductList"):
        rs.service.SetItemDataSources("/Sales Reports/" + name, ref)
    ds = rs.service.GetItemDataSources("/Sales Reports/SalesSummary")
    got = ds.body.DataSources.DataSource[0]
    lib.check("SetItemDataSources points the report at /Data Sources/Sales",
              got.Name == "Sales" and got.DataSourceReference.Reference ==
              "/Data Sources/Sales", ds.body)
    expect_fault("SetItemDataSources naming no data source of the report",
                 "rsDataSourceNotFound", rs.service.SetItemDataSources,
                 "/Sales Reports/SalesSummary", {"DataSource": [{
                     "Name": "Nope", "DataSourceReference": {
                         "Reference": "/Data Sources/Sales"}}]})
    expect_fault("CreateCatalogItem without Overwrite over a report",
                 "rsItemAlreadyExists", rs.service.CreateCatalogItem,
                 "Report", "SalesSummary", "/Sales Reports", False,
                 read("SalesSummary.rdl"), None)
    d = rs.service.GetItemDefinition("/Sales Reports/SalesSummary")
    lib.check("GetItemDefinition gives the report back byte for byte",
              d.body.Definition == read("SalesSummary.rdl"))
    d = rs.service.GetItemDefinition("/Data Sources/Sales")
    lib.check("... and the .rds", d.body.Definition == rds)


def t_catalog(env, rs):
    kids = rs.service.ListChildren("/", True).body.CatalogItems.CatalogItem
    paths = [k.Path for k in kids]
    lib.check("ListChildren recursive lists every item",
              "/Sales Reports/ProductList" in paths and
              "/Data Sources/Sales" in paths, paths)
    top = rs.service.ListChildren("/", False).body.CatalogItems.CatalogItem
    lib.expect_eq("ListChildren of / alone: the two folders",
                  sorted(k.Name for k in top), ["Data Sources",
                                               "Sales Reports"])
    lib.expect_eq("GetItemType of a report", rs.service.GetItemType(
        "/Sales Reports/SalesSummary").body.Type, "Report")
    lib.expect_eq("GetItemType of nothing: Unknown",
                  rs.service.GetItemType("/No/Such").body.Type, "Unknown")
    found = rs.service.FindItems("/", "And", None, {"SearchCondition": [{
        "Condition": "Contains", "Values": {"Value": ["sales"]},
        "Name": "Name"}]}).body.Items.CatalogItem
    lib.check("FindItems by name (Contains, case-insensitive)",
              sorted(k.Path for k in found) == [
                  "/Data Sources/Sales", "/Sales Reports",
                  "/Sales Reports/SalesByMonth",
                  "/Sales Reports/SalesSummary"],
              [k.Path for k in found])
    props = rs.service.GetProperties("/Sales Reports/SalesSummary", None)
    pv = {p.Name: p.Value for p in props.body.Values.Property}
    lib.check("GetProperties: the Description given at creation, the type",
              pv.get("Description") == "Totals" and pv.get("Type") ==
              "Report", pv)
    rs.service.SetProperties("/Sales Reports/SalesSummary", {"Property": [
        {"Name": "Hidden", "Value": "True"},
        {"Name": "Owner", "Value": "Finance"}]})
    props = rs.service.GetProperties("/Sales Reports/SalesSummary", {
        "Property": [{"Name": "Hidden"}, {"Name": "Owner"}]})
    pv = {p.Name: p.Value for p in props.body.Values.Property}
    lib.expect_eq("SetProperties: Hidden and a user-defined property", pv,
                  {"Hidden": "True", "Owner": "Finance"})
    expect_fault("SetProperties of a read-only property",
                 "rsReadOnlyProperty", rs.service.SetProperties,
                 "/Sales Reports/SalesSummary",
                 {"Property": [{"Name": "Path", "Value": "/x"}]})
    png = bytes(range(256)) * 40
    rs.service.CreateCatalogItem("Resource", "logo.png", "/Sales Reports",
                                 False, png, {"Property": [{
                                     "Name": "MimeType",
                                     "Value": "image/png"}]})
    rs.service.CreateFolder("Archive", "/Sales Reports", None)
    rs.service.MoveItem("/Sales Reports/logo.png",
                        "/Sales Reports/Archive/logo2.png")
    d = rs.service.GetItemDefinition("/Sales Reports/Archive/logo2.png")
    lib.check("MoveItem moves and renames; the resource reads back",
              d.body.Definition == png)
    expect_fault("MoveItem into a folder that is not there", "rsItemNotFound",
                 rs.service.MoveItem, "/Sales Reports/Archive/logo2.png",
                 "/Nowhere/logo.png")
    rs.service.DeleteItem("/Sales Reports/Archive")
    lib.expect_eq("DeleteItem removes the folder and what is in it",
                  rs.service.GetItemType(
                      "/Sales Reports/Archive/logo2.png").body.Type,
                  "Unknown")
    expect_fault("DeleteItem of nothing", "rsItemNotFound",
                 rs.service.DeleteItem, "/Sales Reports/Archive")
    expect_fault("GetItemDefinition of a folder", "rsWrongItemType",
                 rs.service.GetItemDefinition, "/Sales Reports")
    expect_fault("CreateCatalogItem of a report that is not RDL",
                 "rsInvalidReportDefinition", rs.service.CreateCatalogItem,
                 "Report", "Bad", "/Sales Reports", False, b"<Report>", None)
    expect_fault("a path with reserved characters", "rsInvalidItemName",
                 rs.service.CreateFolder, "a?b", "/", None)


RSD = ('<?xml version="1.0"?>\n<SharedDataSet xmlns="http://schemas.microsoft'
       '.com/sqlserver/reporting/2010/01/shareddatasetdefinition">\n<DataSet '
       'Name="Q"><Query>%s<CommandText>SELECT 1 AS N</CommandText></Query>'
       '<Fields><Field Name="N"><DataField>N</DataField></Field></Fields>'
       '</DataSet></SharedDataSet>\n')


def t_intake(env, rs, db):
    """/ReportServer's uploads run the check rsrender --check runs, as the
    REST API's do (intake.py), and a refusal stores nothing."""
    def kind(path):
        return rs.service.GetItemType(path).body.Type
    good = read("ProductList.rdl")
    cri = good.replace(b"<ReportItems>", b'<ReportItems><CustomReportItem '
                       b'Name="Bar"><Type>DataBar</Type></CustomReportItem>',
                       1)
    line = good[:good.index(b"<ReportItems>")].count(b"\n") + 1
    msg = expect_fault("CreateCatalogItem of a report with a "
                       "CustomReportItem", "rsInvalidReportDefinition",
                       rs.service.CreateCatalogItem, "Report", "Bars",
                       "/Sales Reports", False, cri, None)
    lib.check("... naming the element, its line and what is supported",
              "line %d: <CustomReportItem>" % line in msg and
              "supported report items: Tablix" in msg, msg)
    lib.expect_eq("... and nothing was stored", kind("/Sales Reports/Bars"),
                  "Unknown")
    path = os.path.join(lib.TMP, "Bars.rdl")
    with open(path, "wb") as f:
        f.write(cri)
    r = lib.run("rsrender", "--check", path)
    lib.check("rsrender --check gives the same message (one check)",
              r.returncode == 65 and msg.split("': ", 1)[-1] in r.stderr,
              msg, r.stderr)
    msg = expect_fault("SetItemDefinition with malformed XML",
                       "rsInvalidReportDefinition",
                       rs.service.SetItemDefinition,
                       "/Sales Reports/ProductList", b"<Report><oops", None)
    lib.check("... naming line and column", "line 1, column 14" in msg, msg)
    d = rs.service.GetItemDefinition("/Sales Reports/ProductList")
    lib.check("... and the stored definition is the one before",
              d.body.Definition == good)
    expect_fault("CreateCatalogItem of an .rds of SQL Server",
                 "rsDataExtensionNotFound", rs.service.CreateCatalogItem,
                 "DataSource", "Old", "/Data Sources", False,
                 (RDS % db).replace("SQLITE", "SQL").encode(), None)
    lib.expect_eq("... and nothing was stored", kind("/Data Sources/Old"),
                  "Unknown")
    expect_fault("SetItemDefinition of a data source to a malformed .rds",
                 "rsMalformedXml", rs.service.SetItemDefinition,
                 "/Data Sources/Sales", (RDS % db).encode()[:-30], None)
    d = rs.service.GetItemDefinition("/Data Sources/Sales")
    lib.check("... and it keeps its definition",
              d.body.Definition == (RDS % db).encode())
    msg = expect_fault("CreateCatalogItem of a shared dataset without a "
                       "DataSourceReference",
                       "rsInvalidSharedDataSetDefinition",
                       rs.service.CreateCatalogItem, "DataSet", "D2",
                       "/Sales Reports", False, (RSD % "").encode(), None)
    lib.check("... saying what it needs", re.search(
        "needs a DataSourceReference", msg), msg)
    lib.expect_eq("... and nothing was stored", kind("/Sales Reports/D2"),
                  "Unknown")


def t_data_sources(env, rs, db):
    rs.service.CreateDataSource("Sales2", "/Data Sources", False, {
        "Extension": "SQLITE", "ConnectString": db,
        "UseOriginalConnectString": False,
        "OriginalConnectStringExpressionBased": False,
        "CredentialRetrieval": "None", "WindowsCredentials": False,
        "Enabled": True}, None)
    d = rs.service.GetDataSourceContents("/Data Sources/Sales2").body
    d = d.Definition
    lib.check("CreateDataSource / GetDataSourceContents round trip",
              d.Extension == "SQLITE" and d.ConnectString == db and
              d.CredentialRetrieval == "None" and d.Enabled is True, d)
    rs.service.DisableDataSource("/Data Sources/Sales2")
    lib.expect_eq("DisableDataSource", rs.service.GetDataSourceContents(
        "/Data Sources/Sales2").body.Definition.Enabled, False)
    msg = expect_fault("SetDataSourceContents with a stored password",
                       "rsOperationNotSupported",
                       rs.service.SetDataSourceContents,
                       "/Data Sources/Sales2", {
                           "Extension": "SQLITE", "ConnectString": db,
                           "UseOriginalConnectString": False,
                           "OriginalConnectStringExpressionBased": False,
                           "CredentialRetrieval": "Store",
                           "WindowsCredentials": False,
                           "UserName": "u", "Password": "secret"})
    lib.check("... says why (no key management yet)",
              "encryption key" in msg, msg)
    expect_fault("CreateDataSource with an extension this server lacks",
                 "rsDataExtensionNotFound", rs.service.CreateDataSource,
                 "Oracle", "/Data Sources", False, {
                     "Extension": "ORACLE", "ConnectString": "x",
                     "UseOriginalConnectString": False,
                     "OriginalConnectStringExpressionBased": False,
                     "CredentialRetrieval": "None",
                     "WindowsCredentials": False}, None)
    base = {"Extension": "SQLITE", "UseOriginalConnectString": False,
            "OriginalConnectStringExpressionBased": False,
            "CredentialRetrieval": "None", "WindowsCredentials": False}
    r = rs.service.TestConnectForDataSourceDefinition(
        dict(base, ConnectString=db), None, None).body
    lib.check("TestConnectForDataSourceDefinition inside DataSourceRoot",
              r.TestConnectForDataSourceDefinitionResult is True, r)
    r = rs.service.TestConnectForDataSourceDefinition(
        dict(base, ConnectString=env.dsn), None, None).body
    lib.check("... the report server's own database is out of reach",
              r.TestConnectForDataSourceDefinitionResult is False and
              "DataSourceRoot" in (r.ConnectError or ""), r)
    p = rs.service.GetItemParameters("/Sales Reports/SalesByMonth", None,
                                     True, None, None)
    params = {x.Name: x for x in p.body.Parameters.ItemParameter}
    year = params.get("Year")
    lib.check("GetItemParameters: types, defaults and valid values",
              sorted(params) == ["Region", "Year"] and
              year.ParameterTypeName == "Integer" and
              year.DefaultValues.Value == ["2025"] and
              [v.Value for v in year.ValidValues.ValidValue] ==
              ["2024", "2025"] and params["Region"].ValidValuesQueryBased,
              p.body)


def t_security(env, rs):
    user, pw = env.add_pam_user("Browser")
    rs.service.SetPolicies("/Sales Reports", {"Policy": [
        {"GroupUserName": "admin", "Roles": {"Role": [
            {"Name": "Content Manager"}]}},
        {"GroupUserName": user, "Roles": {"Role": [{"Name": "Browser"}]}}]})
    p = rs.service.GetPolicies("/Sales Reports").body
    got = {x.GroupUserName: [r.Name for r in x.Roles.Role]
           for x in p.Policies.Policy}
    lib.check("SetPolicies / GetPolicies: the folder's own policy",
              got.get(user) == ["Browser"] and p.InheritParent is False, p)
    expect_fault("a role that does not exist", "rsInvalidParameter",
                 rs.service.SetPolicies, "/Sales Reports", {"Policy": [
                     {"GroupUserName": user, "Roles": {"Role": [
                         {"Name": "Overlord"}]}}]})
    br = client(env, MGMT, user, pw)
    kids = br.service.ListChildren("/Sales Reports", False)
    names = sorted(k.Name for k in kids.body.CatalogItems.CatalogItem)
    lib.check("the Browser lists the reports (hidden ones too)",
              "SalesByMonth" in names and "SalesSummary" in names, names)
    expect_fault("the Browser cannot publish", "rsAccessDenied",
                 br.service.CreateCatalogItem, "Report", "X",
                 "/Sales Reports", True, read("ProductList.rdl"), None)
    expect_fault("... nor read the policies", "rsAccessDenied",
                 br.service.GetPolicies, "/Sales Reports")
    perms = br.service.GetPermissions("/Sales Reports/SalesSummary")
    ops = perms.body.Permissions.Operation
    lib.check("GetPermissions: what the Browser may do",
              "Execute and View" in ops and "Delete" not in ops, ops)
    lib.expect_eq("the Browser sees nothing outside its folder",
                  br.service.GetItemType("/Data Sources/Sales").body.Type,
                  "Unknown")
    pub, ppw = env.add_pam_user("Publisher")
    rs.service.SetPolicies("/Sales Reports", {"Policy": [
        {"GroupUserName": "admin", "Roles": {"Role": [
            {"Name": "Content Manager"}]}},
        {"GroupUserName": pub, "Roles": {"Role": [{"Name": "Publisher"}]}}]})
    rs.service.SetPolicies("/Sales Reports/SalesSummary", {"Policy": [
        {"GroupUserName": "admin", "Roles": {"Role": [
            {"Name": "Content Manager"}]}}]})
    pc = client(env, MGMT, pub, ppw)
    r = pc.service.CreateCatalogItem("Report", "Mine", "/Sales Reports", True,
                                     read("ProductList.rdl"), None)
    lib.check("a Publisher of the folder publishes a report of his own",
              r.body.ItemInfo.Path == "/Sales Reports/Mine", r.body)
    expect_fault("... and may not bind it to a data source he cannot read",
                 "rsAccessDenied", pc.service.SetItemDataSources,
                 "/Sales Reports/Mine", {"DataSource": [{
                     "Name": "Sales", "DataSourceReference": {
                         "Reference": "/Data Sources/Sales"}}]})
    expect_fault("... but Overwrite of a report whose own policy leaves him "
                 "out is refused", "rsAccessDenied",
                 pc.service.CreateCatalogItem, "Report", "SalesSummary",
                 "/Sales Reports", True, read("ProductList.rdl"), None)
    lib.check("... and the report is unchanged",
              rs.service.GetItemDefinition("/Sales Reports/SalesSummary")
              .body.Definition == read("SalesSummary.rdl"))
    rs.service.InheritParentSecurity("/Sales Reports/SalesSummary")
    rs.service.DeleteItem("/Sales Reports/Mine")
    rs.service.InheritParentSecurity("/Sales Reports")
    lib.expect_eq("InheritParentSecurity", rs.service.GetPolicies(
        "/Sales Reports").body.InheritParent, True)
    expect_fault("after it the Browser has no role there", "rsAccessDenied",
                 br.service.ListChildren, "/Sales Reports", False)
    roles = [r.Name for r in rs.service.ListRoles("All", None).body.Roles.Role]
    lib.check("ListRoles", "Browser" in roles and "System Administrator" in
              roles, roles)
    tasks = [t.Name for t in rs.service.ListTasks("Catalog").body.Tasks.Task]
    lib.check("ListTasks", "View reports" in tasks and
              "Manage report server security" not in tasks, tasks)
    ext = rs.service.ListExtensions("All").body.Extensions.Extension
    names = {(e.ExtensionTypeName, e.Name) for e in ext}
    lib.check("ListExtensions: the renderer's formats and data extensions",
              ("Render", "PDF") in names and ("Render", "EXCELOPENXML") in
              names and ("Data", "SQLITE") in names, names)


def t_not_yet(env, rs):
    lib.check("ListSubscriptions: none (subs.py makes some)",
              not rs.service.ListSubscriptions(
                  "/Sales Reports/SalesSummary").body.SubscriptionItems)
    lib.expect_eq("GetExecutionOptions: Live", rs.service.GetExecutionOptions(
        "/Sales Reports/SalesSummary").body.ExecutionSetting, "Live")
    expect_fault("SetCacheOptions to cache without an expiration",
                 "rsMissingParameter",
                 rs.service.SetCacheOptions,
                 ItemPath="/Sales Reports/SalesSummary", CacheItem=True)
    msg = expect_fault("an operation of the contract not built here",
                       "rsOperationNotSupported", rs.service.CreateLinkedItem,
                       "L", "/", "/Sales Reports/SalesSummary", None)
    lib.check("... names it", "CreateLinkedItem" in msg, msg)


def render(ex, eid, fmt, devinfo=None):
    r = ex.service.Render(fmt, devinfo, _soapheaders={
        "ExecutionHeader": {"ExecutionID": eid}})
    return r.body


def t_execution(env, ex, db):
    expect_fault("LoadReport of nothing", "rsItemNotFound",
                 ex.service.LoadReport, "/No/Report", None)
    r = ex.service.LoadReport("/Sales Reports/SalesSummary", None)
    eid = r.header.ExecutionHeader.ExecutionID
    lib.check("LoadReport answers an ExecutionHeader and ExecutionInfo",
              len(eid) == 24 and r.body.executionInfo.ReportPath ==
              "/Sales Reports/SalesSummary" and
              r.body.executionInfo.NumPages == 0, r)
    out = render(ex, eid, "CSV")
    lib.check("Render CSV is the golden file",
              out.Result == golden("SalesSummary.csv") and
              out.MimeType == "text/csv" and out.Extension == "csv",
              out.Result[:200] if out.Result else out)
    pdf = render(ex, eid, "PDF")
    path = os.path.join(lib.TMP, "s.pdf")
    with open(path, "wb") as f:
        f.write(pdf.Result)
    pinfo = subprocess.run(["pdfinfo", path], capture_output=True,
                           text=True).stdout
    pages = [ln.split()[-1] for ln in pinfo.splitlines()
             if ln.startswith("Pages:")]
    info = ex.service.GetExecutionInfo(_soapheaders={
        "ExecutionHeader": {"ExecutionID": eid}}).body.executionInfo
    lib.check("Render PDF: a PDF whose page count is NumPages",
              pdf.Result.startswith(b"%PDF") and pages and
              int(pages[0]) == info.NumPages, pinfo, info.NumPages)
    xl = render(ex, eid, "EXCELOPENXML")
    z = zipfile.ZipFile(io.BytesIO(xl.Result))
    lib.check("Render EXCELOPENXML: a workbook", "xl/workbook.xml" in
              z.namelist() and xl.Extension == "xlsx", z.namelist()[:5])
    expect_fault("Render to a format this server lacks",
                 "rsRenderingExtensionNotFound", render, ex, eid, "WORD")

    r = ex.service.LoadReport2("/Sales Reports/SalesByMonth", None)
    eid2 = r.header.ExecutionHeader.ExecutionID
    h = {"ExecutionHeader": {"ExecutionID": eid2}}
    lib.check("LoadReport2: ExecutionInfo2 with its parameters",
              r.body.executionInfo.PageCountMode == "Actual" and
              [p.Name for p in r.body.executionInfo.Parameters
               .ReportParameter] == ["Region", "Year"], r.body)
    expect_fault("SetExecutionParameters of an unknown parameter",
                 "rsUnknownReportParameter",
                 ex.service.SetExecutionParameters,
                 {"ParameterValue": [{"Name": "Nope", "Value": "1"}]}, None,
                 _soapheaders=h)
    expect_fault("... of a value not of the parameter's type",
                 "rsInvalidReportParameter",
                 ex.service.SetExecutionParameters,
                 {"ParameterValue": [{"Name": "Year", "Value": "abc"}]},
                 None, _soapheaders=h)
    ex.service.SetExecutionParameters({"ParameterValue": [
        {"Name": "Region", "Value": "East"},
        {"Name": "Year", "Value": "2024"}]}, "en-US", _soapheaders=h)
    out = render(ex, eid2, "CSV")
    lib.check("SetExecutionParameters then Render: the golden East 2024",
              out.Result == golden("SalesByMonth-East-2024.csv"),
              out.Result[:300])
    return eid


def t_paging(env, ex):
    r = ex.service.LoadReport("/Sales Reports/SalesSummary", None)
    eid = r.header.ExecutionHeader.ExecutionID
    p1 = render(ex, eid, "HTML5")
    n = ex.service.GetExecutionInfo(_soapheaders={
        "ExecutionHeader": {"ExecutionID": eid}}).body.executionInfo.NumPages
    p2 = render(ex, eid, "HTML5", "<DeviceInfo><Section>2</Section>"
                "<Toolbar>true</Toolbar></DeviceInfo>")
    t1, t2 = p1.Result.decode(), p2.Result.decode()
    lib.check("HTML paging: NumPages after a render, DeviceInfo Section "
              "picks the page", n == 4 and "Page 1 of 4" in t1 and
              "Page 2 of 4" in t2 and t1 != t2, n, t2[:300])
    expect_fault("a Section past the end", "rsInvalidParameter", render, ex,
                 eid, "HTML5", "<DeviceInfo><Section>9</Section></DeviceInfo>")
    expect_fault("DeviceInfo that is not XML", "rsInvalidParameter", render,
                 ex, eid, "HTML5", "<DeviceInfo><Section>")
    frag = render(ex, eid, "HTML5", "<DeviceInfo><HTMLFragment>true"
                  "</HTMLFragment></DeviceInfo>").Result.decode()
    lib.check("... and HTMLFragment gives the markup alone",
              "<html" not in frag and "<table" in frag, frag[:200])
    # The last month of the golden CSV is on a later page than the first.
    last = golden("SalesSummary.csv").decode("utf-8-sig").split(
        "\r\n")[-2].split(",")[0]
    pages = [render(ex, eid, "HTML5", "<DeviceInfo><Section>%d</Section>"
                    "<HTMLFragment>true</HTMLFragment></DeviceInfo>" % i)
             .Result.decode() for i in range(1, 5)]
    want = next(i + 1 for i, t in enumerate(pages) if last in t)
    h = {"ExecutionHeader": {"ExecutionID": eid}}
    got = ex.service.FindString(1, 4, last, _soapheaders=h).body.PageNumber
    lib.check("FindString: the first page showing the text (%s, page %d)"
              % (last, want), want > 1 and got == want, got)
    lib.expect_eq("... 0 when no page has it", ex.service.FindString(
        1, 4, "no such text", _soapheaders=h).body.PageNumber, 0)


def stopped_clean(env, desc):
    """Stops the report server; its log holds no sanitizer report."""
    env.stop_rs()
    with open(env.rs_log) as f:
        log = f.read()
    bad = [k for k in ("LeakSanitizer", "AddressSanitizer", "runtime error")
           if k in log]
    lib.check("%s: the report server stops without a sanitizer report "
              "(leaks, memory errors, undefined behaviour)" % desc, not bad,
              log[log.find(bad[0]) - 100:][:3000] if bad else "")


def t_sessions(env, ex, eid):
    stopped_clean(env, "after the deploy, catalog and render calls")
    env.start_rs()
    ex = client(env, EXEC)
    out = render(ex, eid, "CSV")
    lib.check("an execution outlives a restart of the report server (it is "
              "in the catalog, so any node continues it)",
              out.Result == golden("SalesSummary.csv"))
    user, pw = env.add_pam_user("Other")
    other = client(env, EXEC, user, pw)
    expect_fault("another user cannot continue it", "rsExecutionNotFound",
                 render, other, eid, "CSV")
    expect_fault("an execution id that does not exist",
                 "rsExecutionNotFound", render, ex, "a" * 24, "CSV")
    expect_fault("no ExecutionHeader", "rsExecutionNotFound",
                 ex.service.Render, "CSV", None)
    expect_fault("Sort needs interactivity", "rsOperationNotSupported",
                 ex.service.Sort, "x", "Ascending", False,
                 _soapheaders={"ExecutionHeader": {"ExecutionID": eid}})
    expect_fault("RenderStream: there are no streams", "rsStreamNotFound",
                 ex.service.RenderStream, "HTML5", "img1", None,
                 _soapheaders={"ExecutionHeader": {"ExecutionID": eid}})
    exts = [e.Name for e in ex.service.ListRenderingExtensions().body
            .Extensions.Extension]
    lib.check("ListRenderingExtensions", "PDF" in exts and "CSV" in exts,
              exts)
    rdl = suite.mini_rdl("ad hoc")
    r = ex.service.LoadReportDefinition(rdl)
    aid = r.header.ExecutionHeader.ExecutionID
    out = render(ex, aid, "HTML5")
    lib.check("LoadReportDefinition runs a definition never published",
              b"ad hoc" in out.Result, out.Result[:300])
    expect_fault("LoadReportDefinition of what is not a report",
                 "rsInvalidReportDefinition", ex.service.LoadReportDefinition,
                 b"<nope/>")
    hdr = {"TrustedUserHeader": {"UserName": "admin", "UserToken": b"x"}}
    expect_fault("a TrustedUserHeader is refused", "rsAccessDenied",
                 ex.service.LoadReport, "/Sales Reports/SalesSummary", None,
                 _soapheaders=hdr)


def t_transport(env):
    url = "http://127.0.0.1:%d/ReportServer/%s" % (env.http_port, MGMT)
    body = ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap='
            '"http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            '<IsSSLRequired xmlns="http://schemas.microsoft.com/sqlserver/'
            'reporting/2010/03/01/ReportServer"/></soap:Body></soap:Envelope>')
    hdrs = {"Content-Type": "text/xml; charset=utf-8"}
    r = requests.post(url, data=body, headers=hdrs)
    lib.check("plain HTTP at SecureConnectionLevel 1: 403 and the fault "
              "rsSecureConnectionRequired", r.status_code == 403 and
              "rsSecureConnectionRequired" in r.text, r.status_code, r.text)
    url = "https://localhost:%d/ReportServer/%s" % (env.port, MGMT)
    r = requests.post(url, data=body, headers=hdrs, verify=env.cafile,
                      auth=("admin", "wrong"))
    lib.check("a wrong password: 401 with the Basic challenge",
              r.status_code == 401 and r.headers.get(
                  "WWW-Authenticate", "").startswith("Basic") and
              "rsAccessDenied" in r.text, r.status_code, r.headers)
    rs = client(env, MGMT)
    lib.expect_eq("IsSSLRequired at SecureConnectionLevel 1",
                  rs.service.IsSSLRequired().body.IsSSLRequiredResult, True)


def up(env):
    """The servers, a database, and the samples' data (its path)."""
    env.up()
    db = os.path.join(lib.ROOT, "data", "sales.db")
    os.makedirs(os.path.dirname(db), exist_ok=True)
    r = suite.sh(os.path.join(lib.SRC, "samples", "make-db.sh"), db)
    lib.check("the sample sales database", r.returncode == 0, r.stderr)
    return db


def main():
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    try:
        db = up(env)
        t_wsdl(env)
        rs = client(env, MGMT)
        ex = client(env, EXEC)
        t_deploy(env, rs, ex, db)
        t_catalog(env, rs)
        t_intake(env, rs, db)
        t_data_sources(env, rs, db)
        t_security(env, rs)
        t_not_yet(env, rs)
        eid = t_execution(env, ex, db)
        t_paging(env, ex)
        t_sessions(env, ex, eid)
        t_transport(env)
        stopped_clean(env, "at the end")
    finally:
        env.cleanup()
        if os.environ.get("RS_KEEP_LOG"):
            with open(env.rs_log) as f:
                sys.stderr.write(f.read()[-6000:])
    lib.done_testing()


if __name__ == "__main__":
    main()
