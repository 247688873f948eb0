"""Sparklines and data bars (a chart right in a table cell) and aggregates of
aggregates, with the real definitions of ../shared/testdata/rdl
(ProSSRS-DataBar, ProSSRS-Sparkline: made with SQL Server's designers,
rendered unchanged) over a SQLite database that stores their stored
procedures' queries in rs_procedures.

Checked as a user would look: one picture per row, each data bar as long
as its value against the largest (the bar's Maximum is
=Max(Sum(Fields!Visit_Count_By_State.Value), "Tablix1"), one scale for
all rows), in the colour its expression picks (which reads the Label of a
parameter whose valid value has no Value: ALL); each sparkline with one
point per day of its month, in order; the PDF page raster has the bars'
red in proportion to the values.
"""
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import *  # noqa: E402,F403
from pnglib import count_px, xlsx_pictures  # noqa: E402

TESTDATA = os.environ.get("RS_TESTDATA") or os.path.join(
    SRC, "..", "shared", "testdata", "rdl")
STATES = [("FL", "Florida", 1, 10), ("GA", "Georgia", 1, 40),
          ("GA", "Georgia", 2, 20), ("TX", "Texas", 1, 80),
          ("TX", "Texas", 3, 20), ("OH", "Ohio", 2, 350)]
MONTHS = [(1, "January"), (2, "February"), (3, "March")]


def visits(day, month):
    return ((day * month) % 7 + 1) * 100


def build(path):
    con = sqlite3.connect(path)
    con.executescript("""
    CREATE TABLE visits (State TEXT, StateName TEXT, Month INTEGER,
        Visits INTEGER);
    CREATE TABLE svc (D TEXT, Cost REAL, Visits INTEGER, Month TEXT,
        Year INTEGER);
    CREATE TABLE rs_procedures (name TEXT PRIMARY KEY, body TEXT NOT NULL);
    """)
    con.executemany("INSERT INTO visits VALUES (?, ?, ?, ?)", STATES)
    for m, name in MONTHS:
        for d in range(1, 6):
            con.execute("INSERT INTO svc VALUES (?, ?, ?, ?, 2024)", (
                "2024-%02d-%02d 00:00:00" % (m, d), 10.0 * d, visits(d, m),
                name))
    con.execute("INSERT INTO rs_procedures VALUES ('Emp_Svc_Cost_Data_Bar', "
                "?)", ("SELECT State, SUM(Visits) AS Visit_Count_By_State, "
                       "StateName FROM visits WHERE (@ServiceMonth IS NULL OR "
                       "Month = @ServiceMonth) GROUP BY State, StateName "
                       "ORDER BY State",))
    con.execute("INSERT INTO rs_procedures VALUES ('Emp_Svc_Cost_Sparkline', "
                "?)", ("SELECT D AS ChargeServiceStartDate, Cost AS "
                       "[Estimated Cost], Visits AS Visit_Count, Month, Year "
                       "FROM svc WHERE (@ServiceYear IS NULL OR Year = "
                       "@ServiceYear) ORDER BY D",))
    con.commit()
    con.close()


def render(rdl, fmt, out, db, *params):
    args = []
    for p in params:
        args += ["--param", p]
    return run("rsrender", os.path.join(TESTDATA, rdl), "--format", fmt,
               "--out", out, "--datasource", "Pro_SSRS=sqlite:" + db, *args)


def svgs(html):
    return re.findall(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>',
                      html, re.S)


def bars(html):
    """[(width, fill)] of each data bar: the bar is the coloured rect that
    is not the chart's frame."""
    out = []
    for s in svgs(html):
        rects = [(float(w), f) for w, f in re.findall(
            r'<rect x="[^"]*" y="[^"]*" width="([^"]*)" height="[^"]*" '
            r'fill="([^"]*)"/>', s)]
        out.append(rects[-1] if rects else None)
    return out


def ppm(path):
    """(width, height, bytes) of a binary PPM."""
    data = open(path, "rb").read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]


def red_rows(path):
    """Red pixels per band of rows that has any (one band per bar)."""
    w, h, px = ppm(path)
    counts = []
    for y in range(h):
        n = 0
        for x in range(w):
            r, g, b = px[3 * (y * w + x):3 * (y * w + x) + 3]
            n += r > 200 and g < 60 and b < 60
        counts.append(n)
    bands, cur = [], 0
    for n in counts + [0]:
        if n:
            cur = max(cur, n)
        elif cur:
            bands.append(cur)
            cur = 0
    return bands


def test_databar(db):
    r = run("rsrender", "--check", os.path.join(TESTDATA,
                                                 "ProSSRS-DataBar.rdl"))
    check("ProSSRS-DataBar (a data bar in a table cell, its Maximum an "
          "aggregate of an aggregate) passes --check", r.returncode == 0,
          r.stderr)
    html = os.path.join(TMP, "databar.html")
    r = render("ProSSRS-DataBar.rdl", "HTML5", html, db,
               "ServiceMonth:isnull=true")
    check("it renders to HTML5", r.returncode == 0, r.stderr)
    page = open(html).read() if r.returncode == 0 else ""
    got = bars(page)
    totals = {}
    for st, name, _, v in STATES:
        totals[name] = totals.get(name, 0) + v
    want = [totals[n] for n in sorted(totals, key=lambda n: [
        s for s, nm, _, _ in STATES if nm == n][0])]
    expect_eq("one data bar per state row", len(got), len(want))
    if len(got) == len(want) and all(got):
        full = max(w for w, _ in got)
        check("each bar is as long as its value against the largest "
              "(one scale: Max(Sum(...), \"Tablix1\"))", all(
                  abs(w / full - v / max(want)) < 0.01 for (w, _), v in
                  zip(got, want)), got, want)
        # ServiceMonth is Nothing: its Label is ALL (the valid value with no
        # Value), so the colour expression's threshold is 300.
        expect_eq("colours from the expression with Label ALL (green over "
                  "300)", [f for _, f in got],
                  ["#FF0000" if v <= 300 else "#008000" for v in want])
    r = render("ProSSRS-DataBar.rdl", "HTML5", html, db, "ServiceMonth=1")
    got = bars(open(html).read()) if r.returncode == 0 else []
    jan = [v for _, _, m, v in sorted(STATES) if m == 1]
    expect_eq("January (Label JAN): one bar per state with January visits, "
              "green over 75", [f for _, f in got if _ is not None],
              ["#FF0000" if v <= 75 else "#008000" for v in jan])
    pdf = os.path.join(TMP, "databar.pdf")
    r = render("ProSSRS-DataBar.rdl", "PDF", pdf, db, "ServiceMonth=1")
    check("it renders to PDF", r.returncode == 0, r.stderr)
    txt = subprocess.run(["pdftotext", "-layout", pdf, "-"],
                         capture_output=True, text=True).stdout
    check("the PDF shows the states and the bars' data labels",
          all(s in txt for s in ("Florida", "Georgia", "Texas")) and
          re.search(r"Florida\s+10\b", txt), txt)
    xl = os.path.join(TMP, "databar.xlsx")
    r = render("ProSSRS-DataBar.rdl", "EXCELOPENXML", xl, db,
               "ServiceMonth=1")
    pics = xlsx_pictures(xl) if r.returncode == 0 else []
    reds = [count_px(p[2], lambda r_, g, b: r_ > 200 and g < 60 and b < 60)
            for p in pics]
    check("Excel: a picture of each row's data bar in its cell (column B, "
          "one row each), Georgia's red bar four times Florida's",
          r.returncode == 0 and [(c, rw) for c, rw, _ in pics] ==
          [(1, 2), (1, 3), (1, 4)] and reds[0] > 0 and
          abs(reds[1] / reds[0] - 4) < 0.6, r.stderr,
          [(c, rw) for c, rw, _ in pics], reds)
    subprocess.run(["pdftoppm", "-r", "100", pdf, os.path.join(TMP, "db")],
                   check=True)
    band = red_rows(os.path.join(TMP, "db-1.ppm"))
    # January: FL 10, GA 40 are red; TX 80 is green.
    check("the PDF page has two red bars, Georgia's four times Florida's",
          len(band) == 2 and abs(band[1] / band[0] - 4) < 0.6, band)


def points(svg):
    """The top edge of the sparkline's area: (x, y) of its points."""
    m = re.search(r'<polygon points="([^"]*)" fill="([^"]*)"', svg)
    if not m:
        return [], None
    pts = [tuple(map(float, p.split(","))) for p in m.group(1).split()]
    return pts[:len(pts) // 2], m.group(2)


def test_sparkline(db):
    r = run("rsrender", "--check", os.path.join(TESTDATA,
                                                 "ProSSRS-Sparkline.rdl"))
    check("ProSSRS-Sparkline (an area sparkline in a table cell) passes "
          "--check", r.returncode == 0, r.stderr)
    html = os.path.join(TMP, "spark.html")
    r = render("ProSSRS-Sparkline.rdl", "HTML5", html, db, "ServiceYear=2024",
               "MonthlyGoal=2000")
    check("it renders to HTML5", r.returncode == 0, r.stderr)
    pics = svgs(open(html).read()) if r.returncode == 0 else []
    expect_eq("one sparkline per month", len(pics), len(MONTHS))
    for (m, name), svg in zip(MONTHS, pics):
        pts, fill = points(svg)
        vals = [visits(d, m) for d in range(1, 6)]
        check("%s: one point per day, left to right" % name,
              len(pts) == 5 and pts == sorted(pts), pts)
        if len(pts) == 5:
            # Higher values are higher up (smaller y), in proportion.
            ys = [y for _, y in pts]
            check("%s: the points follow the day's visits" % name, all(
                (ys[i] - ys[j]) * (vals[i] - vals[j]) <= 0 for i in
                range(5) for j in range(5)), ys, vals)
        total = sum(vals)
        expect_eq("%s: green when the month reaches the goal (%d of 2000)" %
                  (name, total), fill, "#008000" if total >= 2000 else
                  "#FF0000")
    r = render("ProSSRS-Sparkline.rdl", "HTML5", html, db, "ServiceYear=2024")
    fills = [points(svg)[1] for svg in svgs(open(html).read())] \
        if r.returncode == 0 else []
    expect_eq("with the default goal (2500) no month reaches it: all red",
              fills, ["#FF0000"] * len(MONTHS))
    pdf = os.path.join(TMP, "spark.pdf")
    r = render("ProSSRS-Sparkline.rdl", "PDF", pdf, db, "ServiceYear=2024")
    txt = subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                         text=True).stdout if r.returncode == 0 else ""
    check("the PDF renders with the months", r.returncode == 0 and all(
        n in txt for _, n in MONTHS), r.stderr, txt)


NESTED = """<?xml version="1.0"?>
<Report xmlns="http://schemas.microsoft.com/sqlserver/reporting/2016/01/reportdefinition">
<DataSources><DataSource Name="D"><ConnectionProperties><DataProvider>SQLITE</DataProvider><ConnectString>%s</ConnectString></ConnectionProperties></DataSource></DataSources>
<DataSets><DataSet Name="S"><Query><DataSourceName>D</DataSourceName><CommandText>SELECT State, Month, Visits FROM visits</CommandText></Query>
<Fields><Field Name="State"><DataField>State</DataField></Field><Field Name="Month"><DataField>Month</DataField></Field><Field Name="Visits"><DataField>Visits</DataField></Field></Fields></DataSet></DataSets>
<ReportSections><ReportSection><Body><ReportItems>
<Tablix Name="T"><TablixBody><TablixColumns><TablixColumn><Width>1in</Width></TablixColumn><TablixColumn><Width>1in</Width></TablixColumn></TablixColumns><TablixRows><TablixRow><Height>0.25in</Height><TablixCells>
<TablixCell><CellContents><Textbox Name="St"><Paragraphs><Paragraph><TextRuns><TextRun><Value>=Fields!State.Value</Value></TextRun></TextRuns></Paragraph></Paragraphs></Textbox></CellContents></TablixCell>
<TablixCell><CellContents><Textbox Name="Share"><Paragraphs><Paragraph><TextRuns><TextRun><Value>%s</Value></TextRun></TextRuns></Paragraph></Paragraphs></Textbox></CellContents></TablixCell>
</TablixCells></TablixRow></TablixRows></TablixBody>
<TablixColumnHierarchy><TablixMembers><TablixMember/><TablixMember/></TablixMembers></TablixColumnHierarchy>
<TablixRowHierarchy><TablixMembers><TablixMember><Group Name="ByState"><GroupExpressions><GroupExpression>=Fields!State.Value</GroupExpression></GroupExpressions></Group><SortExpressions><SortExpression><Value>=Fields!State.Value</Value></SortExpression></SortExpressions></TablixMember></TablixMembers></TablixRowHierarchy>
<DataSetName>S</DataSetName><Height>0.25in</Height><Width>2in</Width></Tablix>
</ReportItems><Height>1in</Height></Body><Width>8in</Width><Page/></ReportSection></ReportSections>
</Report>
"""


def nested(db, expr):
    path = os.path.join(TMP, "nested.rdl")
    open(path, "w").write(NESTED % (db, expr.replace("&", "&amp;").replace(
        "<", "&lt;")))
    out = os.path.join(TMP, "nested.csv")
    r = run("rsrender", path, "--format", "CSV", "--out", out)
    if r.returncode != 0:
        return r.stderr
    rows = open(out, encoding="utf-8-sig").read().split("\n")[1:]
    return [ln.split(",") for ln in rows if ln]


def test_nested(db):
    totals = {}
    for st, _, _, v in STATES:
        totals[st] = totals.get(st, 0) + v
    top = max(totals.values())
    got = nested(db, '=Sum(Fields!Visits.Value) / Max(Sum(Fields!Visits.'
                 'Value), "T")')
    expect_eq("Sum / Max(Sum(...), \"T\"): each state's share of the "
              "largest state's total", [[r[0], round(float(r[1]), 9)] for r
                                        in got] if isinstance(got, list)
              else got, [[s, round(totals[s] / top, 9)] for s in
                         sorted(totals)])
    got = nested(db, '=Count(Fields!Visits.Value, "T") & "/" & Avg(Sum('
                 'Fields!Visits.Value, "ByState"), "T")')
    expect_eq("Avg(Sum(..., \"ByState\"), \"T\"): the average of the "
              "states' totals", got and got[0][1],
              "%d/%g" % (len(STATES), sum(totals.values()) / len(totals)))
    got = nested(db, '=RunningValue(Sum(Fields!Visits.Value), Sum, "T")')
    check("an aggregate inside RunningValue is refused, naming what works",
          isinstance(got, str) and "an aggregate inside RunningValue is not "
          "supported" in got and "Max" in got, got)


def main():
    if not os.path.exists(os.path.join(TESTDATA, "ProSSRS-DataBar.rdl")):
        ok("skipped: the shared test data is not present")
        done_testing()
        return
    db = os.path.join(TMP, "prossrs.db")
    build(db)
    test_databar(db)
    test_sparkline(db)
    test_nested(db)
    done_testing()


main()
