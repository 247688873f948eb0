"""Code, Variables, the .NET names, cultures, lookups and stored procedures,
rendered by rsrender and checked by the values a reader sees in CSV, XML
and HTML.

- a report built here (ENTERDATA rows) whose cells exercise one thing
  each: a Code block (shared variables across calls, loops, Select Case,
  arrays, Try), report and group Variables with SetValue, LookupSet,
  MultiLookup, InScope, ReportItems in the body, RunningValue and Previous
  with scopes, member calls and the .NET names, CDate of "14 January
  2020" in a String column; the same report in de-DE and fr-FR (ICU
  formats) and en-US with no Language (the default, unchanged);
- the real definitions in ../shared/testdata/rdl that use Code, Variables,
  Lookup and StoredProcedure: --check, then rendered over small SQLite
  databases with their tables and invented rows.  ProSSRS-Matrix and
  ProSSRS-ARReconciliation call stored procedures: SQLite runs the query
  an administrator stored in rs_procedures (and says so when there is
  none); PostgreSQL calls a real function by name (postgres part, when a
  server can be started).  The CatalogReports-* queries are T-SQL over
  SSRS's catalog that SQLite cannot run; their copies here get SQLite
  queries with the same columns and only their CommandText changed, so
  every expression, the Code and the Variables are the originals.
"""
import csv
import glob
import html
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import *  # noqa: E402,F403

TESTDATA = os.environ.get("RS_TESTDATA") or next((
    d for d in (os.path.join(SRC, up, "shared", "testdata", "rdl")
                for up in ("..", os.path.join("..", "..")))
    if os.path.isdir(d)), os.path.join(SRC, "..", "shared", "testdata", "rdl"))
NS = "http://schemas.microsoft.com/sqlserver/reporting/2016/01/" \
    "reportdefinition"


def esc(s):
    return html.escape(s, quote=False)


def enterdata(rows, types):
    """An ENTERDATA CommandText: rows of dicts, types name -> VB type."""
    body = "".join("<Row>%s</Row>" % "".join(
        "<%s>%s</%s>" % (k, esc(str(v)), k) for k, v in r.items())
        for r in rows)
    path = ",".join("%s(%s)" % (k, t) for k, t in types.items())
    return esc("<Query><XmlData><Data>%s</Data></XmlData><ElementPath>"
               "Data{}/Row{%s}</ElementPath></Query>" % (body, path))


def dataset(name, rows, types):
    return ('<DataSet Name="%s"><Query><DataSourceName>E</DataSourceName>'
            '<CommandText>%s</CommandText></Query><Fields>%s</Fields>'
            '</DataSet>' % (name, enterdata(rows, types), "".join(
                '<Field Name="%s"><DataField>%s</DataField></Field>' % (k, k)
                for k in types)))


def textbox(name, value, style=""):
    return ('<Textbox Name="%s"><Paragraphs><Paragraph><TextRuns><TextRun>'
            '<Value>%s</Value>%s</TextRun></TextRuns></Paragraph>'
            '</Paragraphs></Textbox>' % (name, esc(value), style))


def report(cells, language=None, code="", variables="", group_vars="",
           datasets="", body_extra="", cell_style=""):
    """A table over dataset Sales grouped by Region, one detail row."""
    rows = [dict(Region="A", Item="apples", Amount=3, Sold="14 January 2020"),
            dict(Region="A", Item="apricots", Amount=4, Sold="2 Feb 2021"),
            dict(Region="B", Item="bananas", Amount=5, Sold="March 3, 2022")]
    types = dict(Region="String", Item="String", Amount="Integer",
                 Sold="String")
    cols = "".join("<TablixColumn><Width>1in</Width></TablixColumn>"
                   for _ in cells)
    tcells = "".join("<TablixCell><CellContents>%s</CellContents>"
                     "</TablixCell>" % textbox(n, v, cell_style)
                     for n, v in cells)
    members = "".join("<TablixMember/>" for _ in cells)
    lang = "<Language>%s</Language>" % language if language else ""
    return """<?xml version="1.0"?>
<Report xmlns="%s">
<DataSources><DataSource Name="E"><ConnectionProperties><DataProvider>ENTERDATA</DataProvider><ConnectString/></ConnectionProperties></DataSource></DataSources>
<DataSets>%s%s</DataSets>
%s%s%s
<ReportSections><ReportSection><Body><ReportItems>
<Tablix Name="T"><TablixBody><TablixColumns>%s</TablixColumns><TablixRows><TablixRow><Height>0.25in</Height><TablixCells>%s</TablixCells></TablixRow></TablixRows></TablixBody>
<TablixColumnHierarchy><TablixMembers>%s</TablixMembers></TablixColumnHierarchy>
<TablixRowHierarchy><TablixMembers><TablixMember><Group Name="RegionGroup"><GroupExpressions><GroupExpression>=Fields!Region.Value</GroupExpression></GroupExpressions>%s</Group>
<TablixMembers><TablixMember><Group Name="Details"/></TablixMember></TablixMembers></TablixMember></TablixMembers></TablixRowHierarchy>
<DataSetName>Sales</DataSetName><Height>0.25in</Height><Width>1in</Width></Tablix>%s
</ReportItems><Height>1in</Height></Body><Width>8in</Width><Page/></ReportSection></ReportSections>
</Report>
""" % (NS, dataset("Sales", rows, types), datasets, lang,
       "<Code>%s</Code>" % esc(code) if code else "", variables, cols, tcells,
       members, group_vars, body_extra)


def rsrender(path, fmt, *extra):
    out = path + "." + fmt.lower()
    if os.path.exists(out):
        os.unlink(out)
    r = run("rsrender", path, "--format", fmt, "--out", out, *extra)
    text = None
    if r.returncode == 0:
        with open(out, encoding="utf-8-sig") as f:
            text = f.read()
    return r, text


def records(text):
    """The records of the last block of a CSV (the table): list of dicts."""
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n")
              if b.strip()]
    return list(csv.DictReader(io.StringIO(blocks[-1])))


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


CODE = """
Private calls As Integer
Private Shared seen() As String = {"zero"}

Public Function Count() As Integer
    calls += 1
    Return calls
End Function

Public Function Kind(ByVal n As Integer) As String
    Select Case n
        Case Is < 4
            Return "small"
        Case 4 To 4
            Return "four"
        Case Else
            Return "big"
    End Select
End Function

Function Initials(ByVal s As String) As String
    Dim out As String = ""
    For Each w As String In s.Split(" "c)
        If w.Length > 0 Then out &= w.Substring(0, 1).ToUpper()
    Next
    Return out
End Function

Function Sum3(ByVal n As Integer) As Integer
    Dim total As Integer
    Dim i As Integer = 0
    Do
        i += 1
        total = total + i * n
    Loop While i < 3
    Return total
End Function

Function Safe(ByVal s As String) As String
    Try
        Return CInt(s).ToString("D3")
    Catch ex As Exception
        Return "bad"
    End Try
End Function

Function Remember(ByVal s As String) As Integer
    ReDim Preserve seen(UBound(seen) + 1)
    seen(UBound(seen)) = s
    Return seen.Length
End Function
"""


def test_own_report():
    cells = [
        ("Item", "=Fields!Item.Value"),
        ("Calls", "=Code.Count()"),
        ("Kind", "=Code.Kind(Fields!Amount.Value)"),
        ("Initials", "=Code.Initials(Fields!Item.Value & \" pie\")"),
        ("Sum3", "=Code.Sum3(Fields!Amount.Value)"),
        ("Safe", "=Code.Safe(IIf(Fields!Amount.Value = 4, \"x\", "
                 "Fields!Amount.Value))"),
        ("Remember", "=Code.Remember(Fields!Item.Value)"),
        ("Short", "=FormatDateTime(Fields!Sold.Value, DateFormat.ShortDate)"),
        ("Iso", "=CDate(Fields!Sold.Value).AddDays(1).ToString(\"yyyy-MM-dd\")"),
        ("Rate", "=Variables!Rate.Value * Fields!Amount.Value"),
        ("GroupRows", "=Variables!GroupRows.Value"),
        ("Reps", "=Join(LookupSet(Fields!Region.Value, Fields!Region.Value, "
                 "Fields!Rep.Value, \"Reps\"), \"/\")"),
        ("Multi", "=Join(MultiLookup(Split(\"B,A\", \",\"), Fields!Region.Value,"
                  " Fields!Rep.Value, \"Reps\"), \"+\")"),
        ("InGroup", "=InScope(\"RegionGroup\") And Not InScope(\"Reps\")"),
        ("Twice", "=ReportItems!Sum3.Value * 2"),
        ("Running", "=RunningValue(Fields!Amount.Value, Sum, \"RegionGroup\")"),
        ("Prev", "=Previous(Fields!Item.Value)"),
        ("Net", "=String.Format(\"{0:N1}|{1}\", Fields!Amount.Value / 3, "
                "System.Math.Max(Fields!Amount.Value, 4)) & \"|\" & "
                "Microsoft.VisualBasic.Strings.Left(Fields!Item.Value, 2) & "
                "\"|\" & Convert.ToInt32(\"ff\", 16) & \"|\" & "
                "Math.Round(2.5) & Math.Round(2.675, 2)"),
        ("Span", "=TimeSpan.FromMilliseconds(Fields!Amount.Value * 61000)"
                 ".ToString()"),
        ("Set", "=Variables!Total.SetValue(Fields!Amount.Value)"),
        ("Got", "=Variables!Total.Value"),
    ]
    reps = dataset("Reps", [dict(Region="A", Rep="Ann"),
                            dict(Region="B", Rep="Bob"),
                            dict(Region="A", Rep="Abe")],
                   dict(Region="String", Rep="String"))
    variables = ("<Variables><Variable Name=\"Rate\"><Value>=1.5</Value>"
                 "</Variable><Variable Name=\"Total\"><Value>0</Value>"
                 "<Writable>true</Writable></Variable></Variables>")
    gvars = ("<Variables><Variable Name=\"GroupRows\"><Value>=CountRows()"
             "</Value></Variable></Variables>")
    path = write("own.rdl", report(cells, code=CODE, variables=variables,
                                   group_vars=gvars, datasets=reps))
    r = run("rsrender", "--check", path)
    check("a report with Code, Variables, LookupSet, MultiLookup, InScope and "
          "ReportItems in the body passes --check", r.returncode == 0,
          r.stderr)
    r, text = rsrender(path, "CSV")
    check("it renders to CSV", r.returncode == 0, r.stderr)
    if text is None:
        return
    recs = records(text)
    col = lambda name: [x.get(name) for x in recs]  # noqa: E731
    if os.environ.get("VB_DEBUG"):
        print(text)
    expect_eq("Code's shared variable counts every call across rows",
              col("Calls"), ["1", "2", "3"])
    expect_eq("Select Case with Is, To and Else", col("Kind"),
              ["small", "four", "big"])
    expect_eq("For Each over String.Split with a Char, Substring, ToUpper",
              col("Initials"), ["AP", "AP", "BP"])
    expect_eq("Do ... Loop While", col("Sum3"), ["18", "24", "30"])
    expect_eq("Try/Catch and ToString(\"D3\")", col("Safe"),
              ["003", "bad", "005"])
    expect_eq("ReDim Preserve of a shared array keeps its elements",
              col("Remember"), ["2", "3", "4"])
    expect_eq("FormatDateTime(ShortDate) of dates in a String column, as "
              "DateTime.Parse reads them (\"14 January 2020\")",
              col("Short"), ["1/14/2020", "2/2/2021", "3/3/2022"])
    expect_eq("CDate(text).AddDays(1).ToString(format)", col("Iso"),
              ["2020-01-15", "2021-02-03", "2022-03-04"])
    expect_eq("a report variable", col("Rate"), ["4.5", "6", "7.5"])
    expect_eq("a group variable, once per group instance", col("GroupRows"),
              ["2", "2", "1"])
    expect_eq("LookupSet joined", col("Reps"), ["Ann/Abe", "Ann/Abe", "Bob"])
    expect_eq("MultiLookup of an array", col("Multi"),
              ["Bob+Ann", "Bob+Ann", "Bob+Ann"])
    expect_eq("InScope", col("InGroup"), ["True"] * 3)
    expect_eq("ReportItems!X.Value in the body (same row)", col("Twice"),
              ["36", "48", "60"])
    expect_eq("RunningValue restarts in each group instance", col("Running"),
              ["3", "7", "5"])
    expect_eq("Previous", col("Prev"), ["", "apples", "apricots"])
    expect_eq(".NET names: String.Format, System.Math.Max, "
              "Microsoft.VisualBasic.Strings.Left, Convert.ToInt32 base 16, "
              "Math.Round (to even; 15 digits first)", col("Net")[0],
              "1.0|4|ap|255|22.68")
    expect_eq("TimeSpan.FromMilliseconds(...).ToString()", col("Span"),
              ["00:03:03", "00:04:04", "00:05:05"])
    check("SetValue of a Writable variable returns True and the next cell "
          "reads the value set", col("Set") == ["True"] * 3 and
          col("Got") == ["3", "4", "5"], col("Set"), col("Got"))

    r, text = rsrender(path, "XML")
    check("the same report renders to XML", r.returncode == 0 and
          'Short="1/14/2020"' in text and 'Reps="Ann/Abe"' in text,
          r.stderr, (text or "")[:400])


def test_previous_of_groups():
    """Previous(Sum(...)) in a group row: the sum of the group before."""
    rows = [dict(Region=r, Amount=a) for r, a in
            (("A", 3), ("A", 4), ("B", 5), ("C", 1), ("C", 1))]
    hdr = "".join("<TablixCell><CellContents>%s</CellContents></TablixCell>"
                  % textbox(n, v) for n, v in (
                      ("Region", "=Fields!Region.Value"),
                      ("Total", "=Sum(Fields!Amount.Value)"),
                      ("Before", "=Previous(Sum(Fields!Amount.Value))")))
    det = "".join("<TablixCell><CellContents>%s</CellContents></TablixCell>"
                  % textbox(n, v) for n, v in (
                      ("Amount", "=Fields!Amount.Value"),
                      ("PrevAmount", "=Previous(Fields!Amount.Value, "
                       "\"RegionGroup\")"), ("Blank", "")))
    path = write("prev.rdl", """<?xml version="1.0"?>
<Report xmlns="%s">
<DataSources><DataSource Name="E"><ConnectionProperties><DataProvider>ENTERDATA</DataProvider><ConnectString/></ConnectionProperties></DataSource></DataSources>
<DataSets>%s</DataSets>
<ReportSections><ReportSection><Body><ReportItems>
<Tablix Name="T"><TablixBody><TablixColumns>%s</TablixColumns><TablixRows>
<TablixRow><Height>0.25in</Height><TablixCells>%s</TablixCells></TablixRow>
<TablixRow><Height>0.25in</Height><TablixCells>%s</TablixCells></TablixRow></TablixRows></TablixBody>
<TablixColumnHierarchy><TablixMembers><TablixMember/><TablixMember/><TablixMember/></TablixMembers></TablixColumnHierarchy>
<TablixRowHierarchy><TablixMembers><TablixMember><Group Name="RegionGroup"><GroupExpressions><GroupExpression>=Fields!Region.Value</GroupExpression></GroupExpressions></Group>
<TablixMembers><TablixMember><KeepWithGroup>After</KeepWithGroup></TablixMember><TablixMember><Group Name="Details"/></TablixMember></TablixMembers></TablixMember></TablixMembers></TablixRowHierarchy>
<DataSetName>Sales</DataSetName><Height>0.5in</Height><Width>3in</Width></Tablix>
</ReportItems><Height>1in</Height></Body><Width>8in</Width><Page/></ReportSection></ReportSections>
</Report>
""" % (NS, dataset("Sales", rows, dict(Region="String", Amount="Integer")),
           "<TablixColumn><Width>1in</Width></TablixColumn>" * 3, hdr, det))
    r, text = rsrender(path, "XML")
    check("Previous(Sum(...)) in a group header row renders", r.returncode == 0,
          r.stderr)
    got = re.findall(r'Total="(\d+)"(?: Before="(\d*)")?', text or "")
    expect_eq("... is the previous group's sum (nothing before the first)",
              got, [("7", ""), ("5", "7"), ("2", "5")])
    expect_eq("Previous(x, \"RegionGroup\") in detail rows starts again in "
              "each group", re.findall(r'PrevAmount="(\d*)"', text or ""),
              ["", "3", "", "", "1"])


def test_languages():
    cells = [("N", "=Fields!Amount.Value * 1000.5"),
             ("C", "=FormatCurrency(Fields!Amount.Value * 1000.5)"),
             ("D", "=CDate(Fields!Sold.Value)"),
             ("Long", "=Format(CDate(Fields!Sold.Value), \"D\")"),
             ("Parsed", "=CDbl(\"1.234,5\") + CDate(\"31.12.2020\").Day")]
    style = "<Style><Format>N2</Format></Style>"
    path = write("de.rdl", report(cells[:1], language="de-DE",
                                  cell_style=style))
    r, text = rsrender(path, "CSV")
    check("Language de-DE: Format N2 with its separators", r.returncode == 0
          and [x["N"] for x in records(text)] ==
          ["3.001,50", "4.002,00", "5.002,50"], r.stderr, text)
    path = write("de2.rdl", report(cells[1:], language="de-DE"))
    r, text = rsrender(path, "CSV")
    recs = records(text) if text else []
    check("de-DE: FormatCurrency, a date's default text, Format \"D\" and "
          "CDbl/CDate of German text", r.returncode == 0 and recs and
          recs[0]["C"] == "3.001,50\u00a0€" and
          recs[0]["D"].startswith("14.01.2020") and
          recs[0]["Long"] == "Dienstag, 14. Januar 2020" and
          recs[0]["Parsed"] == "1265,5", r.stderr, recs[:1])
    path = write("fr.rdl", report([("Long", "=Fields!Amount.Value")],
                                  cell_style="<Style><Format>N2</Format>"
                                  "<Language>fr-FR</Language></Style>"))
    r, text = rsrender(path, "CSV")
    check("a textbox's own Language (fr-FR) over an en-US report",
          r.returncode == 0 and records(text)[0]["Long"] in ("3,00",),
          r.stderr, text)
    path = write("en.rdl", report([("N", "=Fields!Amount.Value * 1000.5"),
                                   ("D", "=CDate(Fields!Sold.Value)")],
                                  cell_style="<Style><Format>N2</Format>"
                                  "</Style>"))
    r, text = rsrender(path, "CSV")
    check("no Language is en-US as before", r.returncode == 0 and
          records(text)[0]["N"] == "3,001.50", r.stderr, text)
    path = write("xx.rdl", report(cells[:1], language="xx-YY"))
    r, text = rsrender(path, "CSV")
    check("a Language ICU does not know is a clear error", r.returncode != 0
          and "culture xx-YY is not known" in r.stderr, r.stderr)


def test_budget():
    code = ("Function Spin() As Integer\n  Dim s As String = \"x\"\n"
            "  While True\n    s = s & s\n  End While\nEnd Function\n")
    path = write("mem.rdl", report([("M", "=Code.Spin()")], code=code))
    r, _ = rsrender(path, "CSV")
    check("a Code loop that grows a string past the memory budget stops "
          "with the function and line", r.returncode != 0 and
          re.search(r"Code\.Spin line \d+: ", r.stderr) and
          ("more than 64 MB" in r.stderr or "longer" in r.stderr or
           "limit" in r.stderr), r.stderr)
    code = "Function F(n)\n  Return F(n + 1)\nEnd Function\n"
    path = write("deep.rdl", report([("M", "=Code.F(1)")], code=code))
    r, _ = rsrender(path, "CSV")
    check("endless recursion is refused with its depth", r.returncode != 0 and
          "nested more than 64 deep" in r.stderr, r.stderr)


def real(name):
    return os.path.join(TESTDATA, name)


def catalog_copy(name, rows):
    """A copy of a CatalogReports definition whose datasets each read a
    SQLite table named after the dataset, with the dataset's fields as
    columns (rows: dataset -> list of dicts); only CommandText changes."""
    with open(real(name), encoding="utf-8-sig") as f:
        text = f.read()
    db = os.path.join(TMP, name + ".db")
    con = sqlite3.connect(db)
    names = re.findall(r'<DataSet Name="([^"]+)"', text)
    for ds in names:
        body = re.search(r'<DataSet Name="%s">(.*?)</DataSet>' % re.escape(ds),
                         text, re.S).group(1)
        fields = [f for f in re.findall(r"<DataField>([^<]*)</DataField>",
                                        body) if f]
        con.execute('CREATE TABLE "%s" (%s)' % (ds, ", ".join(
            '"%s"' % f for f in fields)))
        for r in rows.get(ds, []):
            con.execute('INSERT INTO "%s" (%s) VALUES (%s)' % (
                ds, ", ".join('"%s"' % k for k in r),
                ", ".join("?" for _ in r)), list(r.values()))
    con.commit()
    con.close()
    it = iter(names)
    text = re.sub(r"<CommandText>.*?</CommandText>", lambda m:
                  '<CommandText>SELECT * FROM "%s"</CommandText>' % next(it),
                  text, flags=re.S)
    return write(name, text), "ReportServer=sqlite:" + db


def html_text(page):
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def stripes(page):
    """The candy-stripe colour of each table row of an HTML page."""
    seq = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        cs = set(re.findall(r"background-color:(#FFFFFF|WhiteSmoke)", tr))
        if len(cs) == 1:
            seq.append(cs.pop())
    return seq


ALL = "<ALL>"


def test_report_list():
    rows = {
        "ReportFolders": [dict(ReportFolder=ALL, OrderNumber=1),
                          dict(ReportFolder="Sales", OrderNumber=2)],
        "ObjectTypes": [dict(Type=2, TypeDescription="Report"),
                        dict(Type=4, TypeDescription="Linked Report")],
        "CreatedByNames": [dict(ReportCreatedBy=ALL),
                           dict(ReportCreatedBy="alice")],
        "ModifiedByNames": [dict(ReportModifiedBy=ALL),
                            dict(ReportModifiedBy="bob")],
        "Reports": [dict(ItemID=i + 1, Name=n, Type=2, TypeDescription="Report",
                         ReportCreatedBy="alice", ReportCreationDate=d,
                         ReportModifiedBy="bob", ReportModifiedDate=d,
                         ReportFolder="Sales", ReportPath="/Sales/" + n,
                         ExecutionLogCount=c, SubscriptionCount=0,
                         SnapshotCount=0, FavoritesCount=0, Hidden=0)
                    for i, (n, d, c) in enumerate((
                        ("Monthly", "2024-03-05 14:30:00", 12),
                        ("Top", "2022-06-30 23:59:00", 0),
                        ("Yearly", "2023-11-20 08:00:00", 3)))],
    }
    path, src = catalog_copy("CatalogReports-ReportList.rdl", rows)
    params = ["--datasource", src, "--param", "ReportFolder=Sales",
              "--user", "CORP\\alice"]
    for p in ("HasEmbeddedDataSource", "HasCustomPermissions", "IsHidden",
              "HasSubscriptions", "HasStringSql", "ModifiedDateTo",
              "CreatedDateTo", "HasSnapshots"):
        params += ["--param", p + ":isnull=true"]
    r, page = rsrender(path, "HTML5", *params)
    check("CatalogReports-ReportList renders (Code, 13 Variables)",
          r.returncode == 0, r.stderr)
    if page is None:
        return
    expect_eq("Code.CandyStripe's shared flag alternates the rows' colours "
              "(Variables give them)", stripes(page),
              ["#FFFFFF", "WhiteSmoke", "#FFFFFF"])
    check("the header's colour is Variables!ColorTableHeaderBackground",
          "background-color:#005F83" in page, page[:300])
    t = html_text(page)
    check("dates are formatted with Variables!FormatDateTime "
          "(dd-MMM-yyyy  hh:mm tt)", "05-Mar-2024  02:30 PM" in t and
          "30-Jun-2022  11:59 PM" in t, t[:600])
    check("the footer: Variables!UserName (Right/Len/InStr of User!UserID) "
          "and the copyright with Year(Today).ToString",
          "Produced By: alice @" in t and
          re.search(r"\u00a9 Anthony Duguid 20\d\d", t), t[-400:])
    r, text = rsrender(path, "XML", *params)
    check("... and to XML with its values", r.returncode == 0 and
          'textbox4="Monthly"' in text and 'textbox12="12"' in text,
          r.stderr, (text or "")[:300])


def test_execution_log():
    rows = {
        "ReportStatus": [dict(StatusName=ALL, StatusGroup=ALL)],
        "UserName": [dict(UserName=ALL, EMPLOYEE_NAME=ALL)],
        "ReportName": [dict(ReportName=ALL, ReportFolder=ALL)],
        "ReportFolder": [dict(Report_Folder=ALL)],
        "MinStartDate": [dict(MinStartDate="2024-01-01 00:00:00")],
        "ReportStatusGroup": [dict(StatusGroup=ALL)],
        "ExecutionLogs": [dict(GroupBy1="Alice A", ReportFolder="Sales",
                               Name="Monthly", UserName="alice",
                               Status="rsSuccess", TimeStart=ts, RowCount=rc,
                               Format=fmt, EmployeeName="Alice A",
                               TotalSecondsNbr=tot, TimeDataRetrievalNbr=dr,
                               TimeProcessingNbr=pr, TimeRenderingNbr=rn,
                               OrderbyDate=ts[:10], Type=2)
                          for ts, rc, fmt, tot, dr, pr, rn in (
                              ("2024-02-03 10:20:30", 120, "PDF", 83456,
                               1500, 250.4, 3000),
                              ("2024-02-04 11:00:00", 80, "CSV", 1000, 200,
                               100, 700))],
    }
    path, src = catalog_copy("CatalogReports-ExecutionLog.rdl", rows)
    r, page = rsrender(path, "HTML5", "--datasource", src, "--param",
                       "ReportName=" + ALL, "--param", "EndDate:isnull=true",
                       "--param", "GroupByColumn=Employee")
    check("CatalogReports-ExecutionLog renders", r.returncode == 0, r.stderr)
    t = html_text(page or "")
    check("Mid(TimeSpan.FromMilliseconds(AVG(...)).ToString, 1, 8) in the "
          "group totals: 42228 ms, 850, 175.2 and 1850 ms",
          re.findall(r"\d\d:\d\d:\d\d", t)[:4] ==
          ["00:00:42", "00:00:00", "00:00:00", "00:00:01"],
          re.findall(r"\d\d:\d\d:\d\d", t))


def test_permissions():
    rows = {
        "Users": [dict(UserNameFormat=ALL, UserName=ALL, OrderNumber=1)],
        "ReportFolders": [dict(ReportFolder=ALL, OrderNumber=1)],
        "PermissionKey": [dict(RoleName="Browser", Description="May view"),
                          dict(RoleName="Content Manager",
                               Description="May manage")],
        "FolderPermissions": [
            dict(FolderName="Sales", FolderPath="/Sales", RoleName=role,
                 UserNameFormat=u, UserName="CORP\\" + u)
            for role, u in (("Browser", "alice"), ("Content Manager", "bob"))],
    }
    path, src = catalog_copy("CatalogReports-Permissions.rdl", rows)
    r, text = rsrender(path, "XML", "--datasource", src, "--param",
                       "ReportFolder=" + ALL)
    check("CatalogReports-Permissions renders (a matrix of users and roles)",
          r.returncode == 0, r.stderr)
    cells = re.findall(r'RoleName1="([^"]+)" Textbox17="([^"]*)"', text or "")
    expect_eq("Code.ShowCheckbox-style marks: each user has only their role, "
              "and an empty intersection's fields are Nothing", cells,
              [("Browser", "l"), ("Content Manager", ""), ("Browser", ""),
               ("Content Manager", "l")])


def test_subscriptions():
    rows = {ds: [{f: ALL}] for ds, f in (
        ("ReportFolder", "Report_Folder"), ("ReportName", "Report_Name"),
        ("EventStatus", "Status"), ("LastStatuses", "LastStatus"),
        ("ReportStatusGroup", "StatusGroup"))}
    rows["CatalogTypes"] = [dict(Type=2, TypeDescription="Report")]
    rows["Subscriptions"] = [dict(
        ItemID=1, Name="Monthly", Type=2, ReportFolder="Sales",
        SubscriptionDescription="Send to alice", DeliveryExtension=d,
        SubscriptionType="Standard", EmailTo="alice@example.com",
        EmailRenderFormat="PDF", EventStatus="Done", LastStatus="Mail sent",
        SubscriptionLastStatus="Mail sent") for d in (
            "Report Server Email", "Report Server FileShare")]
    path, src = catalog_copy("CatalogReports-Subscriptions.rdl", rows)
    r, page = rsrender(path, "HTML5", "--datasource", src, "--param",
                       "IsServiceAccount:isnull=true")
    check("CatalogReports-Subscriptions renders", r.returncode == 0, r.stderr)
    expect_eq("... with its rows striped by Code.CandyStripe", stripes(
        page or ""), ["#FFFFFF", "WhiteSmoke"])


def matrix_db(path, with_proc=True):
    con = sqlite3.connect(path)
    con.executescript("""
    CREATE TABLE svc (PatID INTEGER, PatientName TEXT, BranchID INTEGER,
        BranchName TEXT, EmployeeID TEXT, EmployeeName TEXT,
        EmployeeClassID INTEGER, ServiceType TEXT, Cost REAL, Visits INTEGER,
        Diagnosis TEXT, Month INTEGER, Year INTEGER, ServiceTypeID INTEGER);
    INSERT INTO svc VALUES
     (1,'Ann Lee',1,'North','E1','Bo Day',1,'Nursing',100.5,2,'x',1,2024,1),
     (1,'Ann Lee',1,'North','E1','Bo Day',1,'Nursing',50,1,'x',2,2024,1),
     (2,'Cy Ray',2,'South','E2','Di Fox',1,'Therapy',75.25,3,'y',1,2024,2),
     (2,'Cy Ray',2,'South','E2','Di Fox',1,'Therapy',9,1,'y',1,2023,2);
    """)
    if with_proc:
        con.execute("CREATE TABLE rs_procedures (name TEXT PRIMARY KEY, "
                    "body TEXT NOT NULL)")
        con.execute("INSERT INTO rs_procedures VALUES ('emp_svc_cost', ?)", (
            "SELECT PatID, PatientName AS [Patient Name], BranchName, "
            "EmployeeID, EmployeeName AS [Employee Name], EmployeeClassID, "
            "ServiceType AS [Service Type], Cost AS [Estimated Cost], "
            "Visits AS Visit_Count, Diagnosis, Month, Year, ServiceTypeID "
            "FROM svc WHERE (@ServiceYear IS NULL OR Year = @ServiceYear) "
            "AND (@ServiceMonth IS NULL OR Month = @ServiceMonth) AND "
            "(@BranchID IS NULL OR BranchID = @BranchID) AND "
            "(@EmployeeTblID IS NULL OR @EmployeeTblID = 0) AND "
            "(@ServicesLogCtgryID IS NULL OR ServiceTypeID = "
            "@ServicesLogCtgryID) ORDER BY PatID",))
    con.commit()
    con.close()


MATRIX_PARAMS = ["--param", "ServiceMonth:isnull=true", "--param",
                 "ServiceYear=2024", "--param", "BranchID:isnull=true",
                 "--param", "EmployeeTblID:isnull=true", "--param",
                 "ServicesLogCtgryID:isnull=true"]
MATRIX_CSV = ["Patient_Name,Textbox2,Estimated_Cost",
              "Ann Lee,2024 - 1,$100.50", "Ann Lee,2024 - 2,$50.00",
              "Cy Ray,2024 - 1,$75.25", "Cy Ray,2024 - 2,"]


def test_matrix_sqlite():
    db = os.path.join(TMP, "matrix.db")
    matrix_db(db)
    out = os.path.join(TMP, "matrix.csv")
    r = run("rsrender", real("ProSSRS-Matrix.rdl"), "--format", "CSV",
            "--out", out, "--datasource", "Pro_SSRS=sqlite:" + db,
            *MATRIX_PARAMS)
    check("ProSSRS-Matrix's stored procedure emp_svc_cost runs on SQLite "
          "from rs_procedures, its five parameters bound by name",
          r.returncode == 0, r.stderr)
    if r.returncode == 0:
        expect_eq("the matrix from the procedure's rows (ServiceYear=2024 "
                  "bound; the 2023 row left out)", open(
                      out, encoding="utf-8-sig").read().splitlines(),
                  MATRIX_CSV)
    bare = os.path.join(TMP, "bare.db")
    matrix_db(bare, with_proc=False)
    r = run("rsrender", real("ProSSRS-Matrix.rdl"), "--format", "CSV",
            "--out", os.path.join(TMP, "bare.csv"), "--datasource",
            "Pro_SSRS=sqlite:" + bare, *MATRIX_PARAMS)
    check("without rs_procedures SQLite refuses, naming the procedure and "
          "what an administrator can do", r.returncode == 65 and
          "cannot run stored procedure emp_svc_cost: SQLite has no stored "
          "procedures" in r.stderr and "rs_procedures" in r.stderr, r.stderr)
    check("... and writes no file", not os.path.exists(
        os.path.join(TMP, "bare.csv")))


def test_ar_reconciliation():
    db = os.path.join(TMP, "ar.db")
    con = sqlite3.connect(db)
    cols = ["PatID", "reversal", "Patient", "Employee", "MedicareNum",
            "Branch", "Amt", "Quantity", "Cost", "Bill Code",
            "Bill Code Description", "PPSDisciplineid", "StartTime",
            "ElapsedTime", "ExpectedAmt", "Miles", "TravelTime",
            "ChargeServiceStartDate", "AcctPeriodYear", "AcctPeriodMonth",
            "TrxTypeid", "TRX Type"]
    con.execute("CREATE TABLE trx (%s)" % ", ".join('"%s"' % c for c in cols))
    for pat, name, branch, amt in ((1, "Ann Lee", "North", 100.0),
                                   (1, "Ann Lee", "North", 50.0),
                                   (2, "Cy Ray", "South", 75.0)):
        con.execute("INSERT INTO trx VALUES (%s)" % ",".join("?" * len(cols)),
                    (pat, 0, name, "Bo Day", "M", branch, amt, 1, 1, "B1",
                     "Visit", 1, "08:00", 30, amt, 0, 0, "2024-01-05", 2024,
                     1, 1, "Charge"))
    con.execute("CREATE TABLE rs_procedures (name TEXT PRIMARY KEY, body "
                "TEXT NOT NULL)")
    con.execute("INSERT INTO rs_procedures VALUES "
                "('ChargeResponsibility_AR_Reports', ?)", (
                    "SELECT * FROM trx WHERE AcctPeriodYear = @AcctPeriodYear "
                    "AND AcctPeriodMonth = @AcctPeriodMonth AND (@BranchID IS "
                    "NULL OR 0) AND (@PatID IS NULL OR PatID = @PatID) ORDER "
                    "BY PatID",))
    con.commit()
    con.close()
    params = ["--param", "AcctPeriodYear=2024", "--param", "AcctPeriodMonth=1"]
    for p in ("DateFrom", "DateTo", "BranchID", "BillCodeRptCtgryID",
              "PatID"):
        params += ["--param", p + ":isnull=true"]
    r = run("rsrender", "--check", real("ProSSRS-ARReconciliation.rdl"))
    check("ProSSRS-ARReconciliation (Code, StoredProcedure) passes --check",
          r.returncode == 0, r.stderr)
    out = os.path.join(TMP, "ar.csv")
    r = run("rsrender", real("ProSSRS-ARReconciliation.rdl"), "--format",
            "CSV", "--out", out, "--datasource", "Pro_SSRS=sqlite:" + db,
            *params)
    check("it renders from its stored procedure ChargeResponsibility_AR_"
          "Reports, stored in rs_procedures", r.returncode == 0, r.stderr)
    if r.returncode == 0:
        text = open(out, encoding="utf-8-sig").read()
        check("branch and patient totals from the procedure's rows",
              ",North,$150.00," in text and ",South,$75.00," in text and
              "1 - Ann Lee,$150.00" in text, text[:600])


PG_SQL = """
CREATE TABLE svc (PatID int, PatientName text, BranchID int, BranchName text,
    EmployeeID text, EmployeeName text, EmployeeClassID int, ServiceType text,
    Cost numeric(10,2), Visits int, Diagnosis text, Month int, Year int,
    ServiceTypeID int);
INSERT INTO svc VALUES
 (1,'Ann Lee',1,'North','E1','Bo Day',1,'Nursing',100.5,2,'x',1,2024,1),
 (1,'Ann Lee',1,'North','E1','Bo Day',1,'Nursing',50,1,'x',2,2024,1),
 (2,'Cy Ray',2,'South','E2','Di Fox',1,'Therapy',75.25,3,'y',1,2024,2),
 (2,'Cy Ray',2,'South','E2','Di Fox',1,'Therapy',9,1,'y',1,2023,2);
CREATE FUNCTION emp_svc_cost(ServiceMonth int, ServiceYear int, BranchID int,
    EmployeeTblID int, ServicesLogCtgryID text)
RETURNS TABLE ("PatID" int, "Patient Name" text, "BranchName" text,
    "EmployeeID" text, "Employee Name" text, "EmployeeClassID" int,
    "Service Type" text, "Estimated Cost" numeric, "Visit_Count" int,
    "Diagnosis" text, "Month" int, "Year" int, "ServiceTypeID" int)
LANGUAGE sql STABLE AS $$
  SELECT PatID, PatientName, BranchName, EmployeeID, EmployeeName,
    EmployeeClassID, ServiceType, Cost, Visits, Diagnosis, Month, Year,
    ServiceTypeID FROM svc
  WHERE (ServiceYear IS NULL OR Year = ServiceYear)
    AND (ServiceMonth IS NULL OR Month = ServiceMonth)
    AND (emp_svc_cost.BranchID IS NULL OR svc.BranchID = emp_svc_cost.BranchID)
  ORDER BY PatID $$;
CREATE TABLE audit (n int);
CREATE FUNCTION sneaky(n int) RETURNS TABLE (x int) LANGUAGE sql AS
  $$ INSERT INTO audit VALUES (n) RETURNING n $$;
CREATE PROCEDURE total_cost(IN yr int, INOUT total numeric DEFAULT NULL)
LANGUAGE sql AS $$ SELECT sum(Cost) FROM svc WHERE Year = yr $$;
"""


def proc_report(command_type, text, params, fields):
    """A one-table report over a PostgreSQL data source D."""
    qp = "".join('<QueryParameter Name="@%s"><Value>=Parameters!%s.Value'
                 '</Value></QueryParameter>' % (p, p) for p in params)
    rp = "".join('<ReportParameter Name="%s"><DataType>Integer</DataType>'
                 '<Prompt>%s</Prompt></ReportParameter>' % (p, p)
                 for p in params)
    cells = "".join("<TablixCell><CellContents>%s</CellContents>"
                    "</TablixCell>" % textbox(f, "=Fields!%s.Value" % f)
                    for f in fields)
    return """<?xml version="1.0"?>
<Report xmlns="%s">
<DataSources><DataSource Name="D"><DataSourceReference>D</DataSourceReference></DataSource></DataSources>
<DataSets><DataSet Name="S"><Query><DataSourceName>D</DataSourceName>
<CommandType>%s</CommandType><CommandText>%s</CommandText>
<QueryParameters>%s</QueryParameters></Query>
<Fields>%s</Fields></DataSet></DataSets>
<ReportParameters>%s</ReportParameters>
<ReportSections><ReportSection><Body><ReportItems>
<Tablix Name="T"><TablixBody><TablixColumns>%s</TablixColumns><TablixRows><TablixRow><Height>0.25in</Height><TablixCells>%s</TablixCells></TablixRow></TablixRows></TablixBody>
<TablixColumnHierarchy><TablixMembers>%s</TablixMembers></TablixColumnHierarchy>
<TablixRowHierarchy><TablixMembers><TablixMember><Group Name="Details"/></TablixMember></TablixMembers></TablixRowHierarchy>
<DataSetName>S</DataSetName><Height>0.25in</Height><Width>1in</Width></Tablix>
</ReportItems><Height>1in</Height></Body><Width>8in</Width><Page/></ReportSection></ReportSections>
</Report>
""" % (NS, command_type, esc(text), qp, "".join(
        '<Field Name="%s"><DataField>%s</DataField></Field>' % (f, f)
        for f in fields), rp, "<TablixColumn><Width>1in</Width>"
        "</TablixColumn>" * len(fields), cells, "<TablixMember/>" * len(fields))


def test_postgres():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found or shutil.which("runuser") is None:
        ok("skipped PostgreSQL procedures: no PostgreSQL server here")
        return
    import postgres as pgt
    pgbin = os.path.dirname(found[-1])
    d = os.path.join(TMP, "pg")
    os.chmod(TMP, 0o711)
    os.makedirs(d)
    shutil.chown(d, "postgres")
    data = os.path.join(d, "data")
    port = free_port()
    r = pgt.as_postgres(os.path.join(pgbin, "initdb"), "-D", data, "-U",
                        "postgres", "--auth=trust", "-E", "UTF8")
    r = pgt.as_postgres(os.path.join(pgbin, "pg_ctl"), "-D", data, "-w",
                        "-l", os.path.join(d, "log"), "-o",
                        "-h 127.0.0.1 -p %d -k %s" % (port, d), "start")
    check("PostgreSQL starts", r.returncode == 0, r.stderr, r.stdout)
    try:
        r = pgt.as_postgres(os.path.join(pgbin, "psql"), "-h", "127.0.0.1",
                            "-p", str(port), "-U", "postgres", "-v",
                            "ON_ERROR_STOP=1", "-q", "-d", "postgres",
                            input=PG_SQL)
        check("a function, a procedure and tables load", r.returncode == 0,
              r.stderr)
        pg_cases("postgres:host=127.0.0.1 port=%d user=postgres "
                 "dbname=postgres" % port, pgt, pgbin, port)
    finally:
        pgt.as_postgres(os.path.join(pgbin, "pg_ctl"), "-D", data, "-m",
                        "fast", "stop")


def pg_cases(pg, pgt, pgbin, port):
    out = os.path.join(TMP, "pgmatrix.csv")
    r = run("rsrender", real("ProSSRS-Matrix.rdl"), "--format", "CSV",
            "--out", out, "--datasource", "Pro_SSRS=" + pg, *MATRIX_PARAMS)
    check("ProSSRS-Matrix calls the PostgreSQL function emp_svc_cost with its "
          "parameters by name", r.returncode == 0, r.stderr)
    if r.returncode == 0:
        expect_eq("the same matrix as from SQLite's stored query", open(
            out, encoding="utf-8-sig").read().splitlines(), MATRIX_CSV)
    path = write("table.rdl", proc_report("TableDirect", "svc", [],
                                          ["patientname", "cost"]))
    r, text = rsrender(path, "CSV", "--datasource", "D=" + pg)
    check("TableDirect reads the whole table", r.returncode == 0 and
          len(records(text)) == 4 and records(text)[0]["patientname"] ==
          "Ann Lee", r.stderr, text)
    path = write("call.rdl", proc_report("StoredProcedure", "dbo.total_cost",
                                         ["yr"], ["total"]))
    r, text = rsrender(path, "CSV", "--datasource", "D=" + pg,
                       "--param", "yr=2024")
    check("a PROCEDURE is CALLed (dbo means the search path) and its INOUT "
          "parameter is the row", r.returncode == 0 and
          records(text)[0]["total"] == "225.75", r.stderr, text)
    path = write("sneaky.rdl", proc_report("StoredProcedure", "sneaky",
                                           ["n"], ["x"]))
    r, _ = rsrender(path, "CSV", "--datasource", "D=" + pg, "--param", "n=7")
    check("a function that writes is refused: the call runs read-only",
          r.returncode != 0 and "read-only" in r.stderr, r.stderr)
    r = pgt.as_postgres(os.path.join(pgbin, "psql"), "-h", "127.0.0.1", "-p",
                        str(port), "-U", "postgres", "-tAc",
                        "SELECT count(*) FROM audit", "-d", "postgres")
    expect_eq("... and wrote nothing", r.stdout.strip(), "0")
    path = write("nope.rdl", proc_report("StoredProcedure", "no_such", [],
                                         ["x"]))
    r, _ = rsrender(path, "CSV", "--datasource", "D=" + pg)
    check("an unknown procedure is named", r.returncode != 0 and
          "no function or procedure of that name" in r.stderr and
          "no_such" in r.stderr, r.stderr)


SHOP_RSD = '<?xml version="1.0" encoding="utf-8"?>\n<SharedDataSet xmlns:rd="http://schemas.microsoft.com/SQLServer/reporting/reportdesigner" xmlns="http://schemas.microsoft.com/sqlserver/reporting/2010/01/shareddatasetdefinition">\n  <DataSet Name="">\n    <Query>\n      <DataSourceReference>/Data/Shop</DataSourceReference>\n      <DataSetParameters>\n        <DataSetParameter Name="@Region"><DefaultValue>A</DefaultValue><ReadOnly>false</ReadOnly><Nullable>false</Nullable><OmitFromQuery>false</OmitFromQuery><rd:DbType>AnsiString</rd:DbType></DataSetParameter>\n        <DataSetParameter Name="@Min"><DefaultValue>1</DefaultValue><ReadOnly>false</ReadOnly><Nullable>false</Nullable><OmitFromQuery>true</OmitFromQuery></DataSetParameter>\n      </DataSetParameters>\n      <CommandText>SELECT region, item, amount FROM sales WHERE region IN (@Region) ORDER BY item</CommandText>\n    </Query>\n    <Fields>\n      <Field Name="Region"><DataField>region</DataField></Field>\n      <Field Name="Item"><DataField>item</DataField></Field>\n      <Field Name="Amount"><DataField>amount</DataField></Field>\n      <Field Name="Double"><Value>=Fields!Amount.Value * 2</Value></Field>\n    </Fields>\n    <Filters><Filter><FilterExpression>=Fields!Amount.Value</FilterExpression><Operator>GreaterThan</Operator><FilterValues><FilterValue>=Parameters!Min.Value</FilterValue></FilterValues></Filter></Filters>\n  </DataSet>\n</SharedDataSet>\n'

OVER_SHOP = '<?xml version="1.0"?>\n<Report xmlns="http://schemas.microsoft.com/sqlserver/reporting/2016/01/reportdefinition">\n<DataSets><DataSet Name="S"><SharedDataSet><SharedDataSetReference>/Data/ShopSales</SharedDataSetReference>\n<QueryParameters><QueryParameter Name="@Region"><Value>=Parameters!R.Value</Value></QueryParameter></QueryParameters></SharedDataSet>\n<Fields><Field Name="Item"><DataField>Item</DataField></Field><Field Name="Twice"><DataField>Double</DataField></Field><Field Name="Label"><Value>=UCase(Fields!Item.Value)</Value></Field></Fields>\n<Filters><Filter><FilterExpression>=Fields!Item.Value</FilterExpression><Operator>NotEqual</Operator><FilterValues><FilterValue>cherries</FilterValue></FilterValues></Filter></Filters>\n</DataSet></DataSets>\n<ReportParameters><ReportParameter Name="R"><DataType>String</DataType><MultiValue>true</MultiValue><Prompt>R</Prompt></ReportParameter></ReportParameters>\n<ReportSections><ReportSection><Body><ReportItems>\n<Tablix Name="T"><TablixBody><TablixColumns><TablixColumn><Width>1in</Width></TablixColumn><TablixColumn><Width>1in</Width></TablixColumn><TablixColumn><Width>1in</Width></TablixColumn></TablixColumns><TablixRows><TablixRow><Height>0.25in</Height><TablixCells>\n<TablixCell><CellContents><Textbox Name="Item"><Paragraphs><Paragraph><TextRuns><TextRun><Value>=Fields!Item.Value</Value></TextRun></TextRuns></Paragraph></Paragraphs></Textbox></CellContents></TablixCell>\n<TablixCell><CellContents><Textbox Name="Twice"><Paragraphs><Paragraph><TextRuns><TextRun><Value>=Fields!Twice.Value</Value></TextRun></TextRuns></Paragraph></Paragraphs></Textbox></CellContents></TablixCell>\n<TablixCell><CellContents><Textbox Name="Label"><Paragraphs><Paragraph><TextRuns><TextRun><Value>=Fields!Label.Value</Value></TextRun></TextRuns></Paragraph></Paragraphs></Textbox></CellContents></TablixCell>\n</TablixCells></TablixRow></TablixRows></TablixBody>\n<TablixColumnHierarchy><TablixMembers><TablixMember/><TablixMember/><TablixMember/></TablixMembers></TablixColumnHierarchy>\n<TablixRowHierarchy><TablixMembers><TablixMember><Group Name="Details"/></TablixMember></TablixMembers></TablixRowHierarchy>\n<DataSetName>S</DataSetName><Height>0.25in</Height><Width>3in</Width></Tablix>\n</ReportItems><Height>1in</Height></Body><Width>8in</Width><Page/></ReportSection></ReportSections>\n</Report>\n'


def test_shared_datasets():
    db = os.path.join(TMP, "shop.db")
    con = sqlite3.connect(db)
    con.executescript("CREATE TABLE sales(region, item, amount); INSERT "
                      "INTO sales VALUES ('A','apples',3), ('A','apricots',1),"
                      " ('B','bananas',5), ('C','cherries',7), ('C','cress',4)")
    con.commit()
    con.close()
    rsd = write("ShopSales.rsd", SHOP_RSD)
    path = write("over.rdl", OVER_SHOP)
    r = run("rsrender", "--check", path)
    check("a report over a shared dataset passes --check and says what it "
          "needs offline", r.returncode == 0 and "--dataset ShopSales="
          in r.stdout, r.stdout, r.stderr)
    args = ["--dataset", "ShopSales=" + rsd, "--datasource",
            "Shop=sqlite:" + db]
    r, text = rsrender(path, "CSV", *args, "--param", "R=A", "--param", "R=C")
    expect_eq("the shared dataset's query gets the report's multi-value "
              "@Region, its filter its own @Min default, its calculated "
              "field is there, then the report's field, calculated field and "
              "filter (cherries out)", (text or r.stderr).replace(
                  "\r\n", "\n").lstrip("\ufeff"),
              "Item,Twice,Label\napples,6,APPLES\ncress,8,CRESS\n")
    r, text = rsrender(path, "CSV", *args[2:], "--param", "R=A")
    check("without --dataset the reference is a clear error", r.returncode
          != 0 and 'shared dataset "/Data/ShopSales" is not given; offline, '
          "give --dataset ShopSales=FILE.rsd" in r.stderr, r.stderr)
    # The real shared dataset of ../shared, over the AdventureWorks tables
    # realrdl.py builds from SSRS's own output.
    import realrdl
    ssrs = realrdl.sheet_rows(real("SalesOrderGrouping.ssrs-output.xlsx"))
    aw = os.path.join(TMP, "aw.db")
    realrdl.build_aw(aw, ssrs)
    over = OVER_SHOP.replace("/Data/ShopSales", "AdventureWorksDataset") \
        .replace("<QueryParameters><QueryParameter Name=\"@Region\"><Value>"
                 "=Parameters!R.Value</Value></QueryParameter>"
                 "</QueryParameters>", "").replace(
                     "<DataField>Double</DataField>", "<DataField>Qty"
                     "</DataField>").replace("<DataField>Item</DataField>",
                                             "<DataField>Product</DataField>")
    over = re.sub(r"<ReportParameters>.*</ReportParameters>", "", over)
    path = write("overaw.rdl", over)
    r, text = rsrender(path, "CSV", "--dataset", "AdventureWorksDataset=" +
                       real("AdventureWorksDataset.rsd"), "--datasource",
                       "AdventureWorks=sqlite:" + aw)
    recs = records(text) if text else []
    check("a report over the real AdventureWorksDataset.rsd renders its "
          "clothing lines", r.returncode == 0 and len(recs) > 100 and
          all(x["Label"] == x["Item"].upper() for x in recs), r.stderr,
          recs[:2])


def test_real_checks():
    for name in ("CatalogReports-ExecutionLog.rdl",
                 "CatalogReports-Permissions.rdl",
                 "CatalogReports-ReportList.rdl",
                 "CatalogReports-Subscriptions.rdl", "ProSSRS-Matrix.rdl"):
        r = run("rsrender", "--check", real(name))
        check(name + " passes --check", r.returncode == 0, r.stderr)
    r = run("rsrender", "--check",
            real("ProSSRS-EmployeeServiceCost_Variables.rdl"))
    # Its Variables, Code-free expressions and groups are ours; its gauge
    # and chart are the graphics work's.  Whatever is refused, it is not
    # the variables.
    check("ProSSRS-EmployeeServiceCost_Variables: its Variables are "
          "accepted (%s)" % ("passes" if r.returncode == 0 else
                             "refused only for a chart or gauge"),
          r.returncode == 0 or re.search(r"<(GaugePanel|Chart)>", r.stderr),
          r.stderr)


def main():
    test_own_report()
    test_previous_of_groups()
    test_languages()
    test_budget()
    if not os.path.exists(real("ProSSRS-Matrix.rdl")):
        ok("skipped the real definitions: %s is not present" % TESTDATA)
        done_testing()
    test_real_checks()
    test_report_list()
    test_execution_log()
    test_permissions()
    test_subscriptions()
    test_matrix_sqlite()
    test_ar_reconciliation()
    test_shared_datasets()
    test_postgres()
    done_testing()


if __name__ == "__main__":
    main()
