"""Gauges: the GaugePanel report item, with the real definitions of
../shared/testdata/rdl (ProSSRS-Gauge: a semicircular radial gauge with a
needle, a range and a label; ProSSRS-Indicator: three-arrow state
indicators in a table cell; made with SQL Server's designers, rendered
unchanged) over a SQLite database that stores their stored procedures'
queries in rs_procedures, and a linear gauge written here.

Checked as a user would look: the needle points at the value's place on
the scale (its angle from the pivot), the scale's labels are the round
numbers of the scale, each table row's indicator is the arrow and colour
of the state its value falls in (also in the PDF's pixels), a linear
gauge's bars are as long as their values, and what the subset does not
draw is refused with a message.
"""
import math
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
VISITS = [(1, 4000), (2, 3500), (3, 2950), (1, 2000)]   # (month, visits)
TREND = [("January", 100, 90), ("February", 80, 100), ("March", 80, 80)]
NULLS = ["ServiceMonth:isnull=true", "ServiceYear:isnull=true",
         "BranchID:isnull=true", "EmployeeTblID:isnull=true",
         "ServicesLogCtgryID:isnull=true"]


def build(path):
    con = sqlite3.connect(path)
    con.executescript("""
    CREATE TABLE svc (PatID INT, Visits INT, Month INT, Year INT);
    CREATE TABLE trend (n INT, name TEXT, visits INT, prior INT);
    CREATE TABLE rs_procedures (name TEXT PRIMARY KEY, body TEXT NOT NULL);
    """)
    con.executemany("INSERT INTO svc VALUES (?, ?, ?, 2024)", [
        (i, v, m) for i, (m, v) in enumerate(VISITS)])
    con.executemany("INSERT INTO trend VALUES (?, ?, ?, ?)", [
        (i + 1, n, v, p) for i, (n, v, p) in enumerate(TREND)])
    con.execute("INSERT INTO rs_procedures VALUES ('emp_svc_cost', ?)", (
        "SELECT PatID, 'P' AS [Patient Name], 'North' AS BranchName, "
        "'E1' AS EmployeeID, 'Bo' AS [Employee Name], 1 AS EmployeeClassID,"
        " 'Nursing' AS [Service Type], 10.0 AS [Estimated Cost], Visits AS "
        "Visit_Count, 'x' AS Diagnosis, Month, Year, 1 AS ServiceTypeID "
        "FROM svc WHERE (@ServiceMonth IS NULL OR Month = @ServiceMonth) "
        "AND (@ServiceYear IS NULL OR Year = @ServiceYear) AND (@BranchID "
        "IS NULL OR @BranchID = 1) AND (@EmployeeTblID IS NULL OR "
        "@EmployeeTblID = 0) AND (@ServicesLogCtgryID IS NULL OR "
        "@ServicesLogCtgryID = '1')",))
    con.execute("INSERT INTO rs_procedures VALUES ('Get_Visit_Data', ?)", (
        "SELECT n AS Month_Number, name AS Month_Name, 2024 AS Year, visits "
        "AS Visit_Count, prior AS Prior_Month_Visit_Count, visits - prior "
        "AS Diff FROM trend ORDER BY n",))
    con.commit()
    con.close()


def render(rdl, fmt, out, db, params=()):
    args = []
    for p in params:
        args += ["--param", p]
    return run("rsrender", rdl, "--format", fmt, "--out", out,
               "--datasource", "Pro_SSRS=sqlite:" + db, *args)


def real(name):
    return os.path.join(TESTDATA, name)


def svgs(html):
    return re.findall(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>',
                      html, re.S)


def polygons(svg):
    out = []
    for pts, fill in re.findall(r'<polygon points="([^"]*)" fill="([^"]*)"',
                                svg):
        out.append(([tuple(map(float, p.split(","))) for p in pts.split()],
                    fill))
    return out


def texts(svg):
    return [t.strip() for t in re.findall(r">([^<>]+)</t", svg)]


def test_radial(db):
    r = run("rsrender", "--check", real("ProSSRS-Gauge.rdl"))
    check("ProSSRS-Gauge (a radial gauge) passes --check", r.returncode == 0,
          r.stderr)
    html = os.path.join(TMP, "gauge.html")
    for params, total in [(NULLS, sum(v for _, v in VISITS)),
                          (["ServiceMonth=1"] + NULLS[1:],
                           sum(v for m, v in VISITS if m == 1))]:
        r = render(real("ProSSRS-Gauge.rdl"), "HTML5", html, db, params)
        check("it renders to HTML5 (%s)" % params[0], r.returncode == 0,
              r.stderr)
        pics = svgs(open(html).read()) if r.returncode == 0 else []
        expect_eq("one picture for the panel", len(pics), 1)
        if not pics:
            continue
        svg = pics[0]
        check("its text alternative names the gauge, its scale and value",
              "radial gauge RadialGauge1 (0 to 20000): %d" % total in svg,
              re.findall(r"<desc>[^<]*", svg))
        needles = [p for p, _ in polygons(svg) if len(p) == 4]
        check("a needle is drawn", len(needles) == 1, polygons(svg)[:3])
        if len(needles) == 1:
            base, tip = needles[0][3], needles[0][1]
            pivot = ((needles[0][0][0] + needles[0][2][0]) / 2,
                     (needles[0][0][1] + needles[0][2][1]) / 2)
            got = math.degrees(math.atan2(tip[0] - pivot[0],
                                          pivot[1] - tip[1])) % 360
            # StartAngle 90 (from six o'clock), SweepAngle 180: the value's
            # share of 20000 along the upper half.
            want = (90 + 180 * total / 20000 + 180) % 360
            check("the needle points at %d on the 0-20000 arc (%.1f deg, "
                  "want %.1f)" % (total, got, want), abs(got - want) < 1,
                  needles[0], base)
        labels = texts(svg)
        check("the scale's labels are its round numbers 0 to 20000",
              all(str(v) in labels for v in range(0, 20001, 2000)), labels)
        check("the panel's label shows =Sum(Fields!Visit_Count.Value)",
              str(total) in labels, labels)
    pdf = os.path.join(TMP, "gauge.pdf")
    r = render(real("ProSSRS-Gauge.rdl"), "PDF", pdf, db, NULLS)
    txt = subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                         text=True).stdout if r.returncode == 0 else ""
    check("the PDF has the gauge's labels and value as text",
          r.returncode == 0 and "20000" in txt and "12450" in txt, txt)
    xl = os.path.join(TMP, "gauge.xlsx")
    r = render(real("ProSSRS-Gauge.rdl"), "EXCELOPENXML", xl, db, NULLS)
    pics = xlsx_pictures(xl) if r.returncode == 0 else []
    check("Excel: the gauge is a 3 x 2 in picture (288 x 192 px at 96 dpi)",
          len(pics) == 1 and pics[0][2][:2] == (288, 192), r.stderr,
          [p[2][:2] for p in pics])


def ppm(path):
    data = open(path, "rb").read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    return int(m.group(1)), int(m.group(2)), data[m.end():]


def colour_rows(path, want):
    """The first y at which each colour (r, g, b within 40) appears."""
    w, h, px = ppm(path)
    first = {}
    for y in range(h):
        row = px[3 * w * y:3 * w * (y + 1)]
        for name, (r, g, b) in want.items():
            if name in first:
                continue
            for x in range(0, w):
                pr, pg, pb = row[3 * x:3 * x + 3]
                if abs(pr - r) < 40 and abs(pg - g) < 40 and abs(pb - b) < 40:
                    first[name] = y
                    break
    return first


def test_indicator(db):
    r = run("rsrender", "--check", real("ProSSRS-Indicator.rdl"))
    check("ProSSRS-Indicator (state indicators in a table cell) passes "
          "--check", r.returncode == 0, r.stderr)
    html = os.path.join(TMP, "ind.html")
    r = render(real("ProSSRS-Indicator.rdl"), "HTML5", html, db)
    check("it renders to HTML5", r.returncode == 0, r.stderr)
    pics = svgs(open(html).read()) if r.returncode == 0 else []
    expect_eq("one indicator per row", len(pics), len(TREND))
    # States: Diff up to -1 red down, 0 yellow side, from 1 green up.
    want = [("ArrowUp", "#008000") if v > p else ("ArrowDown", "#FF0000")
            if v < p else ("ArrowSide", "#FFFF00") for _, v, p in TREND]
    got = []
    for svg in pics:
        d = re.search(r"state (\w+)", svg)
        fills = [f for _, f in polygons(svg)]
        got.append((d.group(1) if d else None, fills[0] if fills else None))
    expect_eq("each row's arrow and colour is its state's (up, down, "
              "side)", got, want)
    if len(pics) == len(TREND):
        up = polygons(pics[0])[0][0]
        down = polygons(pics[1])[0][0]
        check("the up arrow's point is at its top, the down arrow's at its "
              "bottom", up[0][1] < up[3][1] and down[0][1] > down[3][1],
              up, down)
    pdf = os.path.join(TMP, "ind.pdf")
    r = render(real("ProSSRS-Indicator.rdl"), "PDF", pdf, db)
    check("it renders to PDF", r.returncode == 0, r.stderr)
    subprocess.run(["pdftoppm", "-r", "72", pdf, os.path.join(TMP, "ind")],
                   check=True)
    first = colour_rows(os.path.join(TMP, "ind-1.ppm"), {
        "green": (0, 128, 0), "red": (255, 0, 0), "yellow": (255, 255, 0)})
    check("in the PDF the green, red and yellow arrows are in the rows' "
          "order", len(first) == 3 and first["green"] < first["red"] <
          first["yellow"], first)
    xl = os.path.join(TMP, "ind.xlsx")
    r = render(real("ProSSRS-Indicator.rdl"), "EXCELOPENXML", xl, db)
    pics = xlsx_pictures(xl) if r.returncode == 0 else []
    hues = []
    for _, _, px in pics:
        g = count_px(px, lambda r_, g_, b: r_ < 40 and 100 < g_ < 150 and
                     b < 40)
        rd = count_px(px, lambda r_, g_, b: r_ > 220 and g_ < 40 and b < 40)
        y = count_px(px, lambda r_, g_, b: r_ > 220 and g_ > 220 and b < 40)
        hues.append(max((g, "green"), (rd, "red"), (y, "yellow"))[1])
    rows = [rw for _, rw, _ in pics]
    check("Excel: a picture of each row's indicator, one a row in order",
          len(rows) == 3 and rows == list(range(rows[0], rows[0] + 3)),
          rows)
    expect_eq("... green, red and yellow as the states say", hues,
              ["green", "red", "yellow"])


LINEAR = """<?xml version="1.0"?>
<Report xmlns="http://schemas.microsoft.com/sqlserver/reporting/2016/01/reportdefinition">
<DataSources><DataSource Name="D"><ConnectionProperties><DataProvider>SQLITE</DataProvider><ConnectString>%s</ConnectString></ConnectionProperties></DataSource></DataSources>
<DataSets><DataSet Name="S"><Query><DataSourceName>D</DataSourceName><CommandText>SELECT Visits, Month FROM svc</CommandText></Query>
<Fields><Field Name="Visits"><DataField>Visits</DataField></Field><Field Name="Month"><DataField>Month</DataField></Field></Fields></DataSet></DataSets>
<ReportSections><ReportSection><Body><ReportItems>
<GaugePanel Name="Level"><LinearGauges><LinearGauge Name="L1"><GaugeScales><LinearScale Name="S1">
<GaugePointers>
<LinearPointer Name="Avg"><Type>Bar</Type><GaugeInputValue><Value>=Avg(Fields!Visits.Value) / 100</Value></GaugeInputValue><Width>8</Width><Style><BackgroundColor>Blue</BackgroundColor></Style></LinearPointer>
<LinearPointer Name="Max"><Type>Bar</Type><GaugeInputValue><Value>=Max(Fields!Visits.Value) / 100</Value></GaugeInputValue><DistanceFromScale>20</DistanceFromScale><Width>8</Width><Style><BackgroundColor>Red</BackgroundColor></Style></LinearPointer>
</GaugePointers>
<MinimumValue><Value>0</Value></MinimumValue><MaximumValue><Value>50</Value></MaximumValue>
<Interval>10</Interval><Width>0</Width>
</LinearScale></GaugeScales>%s</LinearGauge></LinearGauges>
<DataSetName>S</DataSetName><Top>0in</Top><Left>0in</Left><Height>3in</Height><Width>1in</Width></GaugePanel>
</ReportItems><Height>3in</Height></Body><Width>6in</Width><Page/></ReportSection></ReportSections>
</Report>
"""


def test_linear(db):
    path = os.path.join(TMP, "linear.rdl")
    open(path, "w").write(LINEAR % (db, ""))
    html = os.path.join(TMP, "linear.html")
    r = run("rsrender", path, "--format", "HTML5", "--out", html)
    check("a linear gauge renders", r.returncode == 0, r.stderr)
    svg = (svgs(open(html).read()) or [""])[0] if r.returncode == 0 else ""
    bars = {f: float(h) for h, f in re.findall(
        r'<rect x="[^"]*" y="[^"]*" width="[^"]*" height="([^"]*)" '
        r'fill="(#0000FF|#FF0000)"', svg)}
    avg = sum(v for _, v in VISITS) / len(VISITS) / 100
    top = max(v for _, v in VISITS) / 100
    check("it is vertical (taller than wide), its bars as long as Avg and "
          "Max against the 0-50 scale", len(bars) == 2 and abs(
              bars["#0000FF"] / bars["#FF0000"] - avg / top) < 0.01 and
          abs(bars["#FF0000"] / (216 * 0.8) - top / 50) < 0.01, bars)
    labels = texts(svg)
    check("its labels are 0, 10, ... 50 (Interval 10)", all(
        str(v) in labels for v in range(0, 51, 10)), labels)
    for what, xml, msg in [
            ("GaugeMember", "<GaugeMember><Group Name=\"G\"/></GaugeMember>",
             "groups inside a GaugePanel (GaugeMember) are not supported"),
            ("CustomLabels", "<CustomLabels/>", "custom scale labels are "
             "not supported")]:
        open(path, "w").write(LINEAR % (db, xml))
        r = run("rsrender", "--check", path)
        check("%s is refused with its line and why" % what,
              r.returncode == 65 and re.search(r"line \d+: <%s>: %s" % (
                  what, re.escape(msg)), r.stderr), r.stderr)


def main():
    if not os.path.exists(real("ProSSRS-Gauge.rdl")):
        ok("skipped: the shared test data is not present")
        done_testing()
        return
    db = os.path.join(TMP, "gauges.db")
    build(db)
    test_radial(db)
    test_indicator(db)
    test_linear(db)
    done_testing()


main()
