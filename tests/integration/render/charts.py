"""Charts of the real report definitions in ../shared/testdata/rdl (made with
SQL Server's designers by other people), rendered unchanged against a small
SQLite database with the tables and columns their T-SQL queries name
(invented rows).  The pictures are checked as a user would look at them:
the SVG of each chart in the HTML5 viewer has one bar, slice or point per
value, sized in proportion to the data (SQLite computes the same sums
independently); the PNG of the page has each series' colour over an area in
proportion to its values; pdftotext finds the titles, axis labels and
legend; the Excel workbook holds a native chart of the right type over a
"Chart Data" sheet with the values.
"""
import math
import os
import re
import sqlite3
import sys
import zipfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import *  # noqa: E402,F403
from pnglib import png_pixels  # noqa: E402

TESTDATA = os.environ.get("RS_TESTDATA") or os.path.join(
    SRC, "..", "shared", "testdata", "rdl")
SVG = "{http://www.w3.org/2000/svg}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

DEPTS = [("Engineering", 7), ("Sales", 12), ("Finance", 3), ("Marketing", 5)]
CATS = [(1, "Bikes"), (2, "Components"), (3, "Clothing"), (4, "Accessories")]
REPS = [(274, "Jiang", "Stephen", 50000), (275, "Blythe", "Michael", 80000),
        (276, "Mitchell", "Linda", 60000)]


def build(db):
    """The AdventureWorks tables the five chart queries read."""
    con = sqlite3.connect(db)
    cur = con.cursor()
    cur.executescript("""
    CREATE TABLE Employee (BusinessEntityID INTEGER PRIMARY KEY);
    CREATE TABLE Department (DepartmentID INTEGER PRIMARY KEY, Name TEXT);
    CREATE TABLE EmployeeDepartmentHistory (BusinessEntityID INTEGER,
        DepartmentID INTEGER, EndDate DATETIME);
    CREATE TABLE ProductCategory (ProductCategoryID INTEGER PRIMARY KEY,
        Name TEXT);
    CREATE TABLE ProductSubcategory (ProductSubcategoryID INTEGER PRIMARY KEY,
        Name TEXT, ProductCategoryID INTEGER);
    CREATE TABLE Product (ProductID INTEGER PRIMARY KEY, Name TEXT,
        ProductSubcategoryID INTEGER, ListPrice NUMERIC, StandardCost NUMERIC);
    CREATE TABLE SalesOrderHeader (SalesOrderID INTEGER PRIMARY KEY,
        OrderDate DATETIME, TotalDue NUMERIC, SalesPersonID INTEGER);
    CREATE TABLE SalesOrderDetail (SalesOrderID INTEGER, ProductID INTEGER,
        OrderQty INTEGER, LineTotal NUMERIC);
    CREATE TABLE SalesPerson (BusinessEntityID INTEGER PRIMARY KEY,
        SalesQuota NUMERIC);
    CREATE TABLE Person (BusinessEntityID INTEGER PRIMARY KEY,
        FirstName TEXT, LastName TEXT);
    """)
    eid = 1
    for d, (name, count) in enumerate(DEPTS, 1):
        cur.execute("INSERT INTO Department VALUES (?, ?)", (d, name))
        for _ in range(count):
            cur.execute("INSERT INTO Employee VALUES (?)", (eid,))
            cur.execute("INSERT INTO EmployeeDepartmentHistory VALUES "
                        "(?, ?, NULL)", (eid, d))
            eid += 1
    # A past assignment the query must leave out (EndDate set).
    cur.execute("INSERT INTO EmployeeDepartmentHistory VALUES "
                "(1, 2, '2020-01-01')")
    for cid, name in CATS:
        cur.execute("INSERT INTO ProductCategory VALUES (?, ?)", (cid, name))
        cur.execute("INSERT INTO ProductSubcategory VALUES (?, ?, ?)",
                    (cid, name + " sub", cid))
    pid = 1
    for cid, _ in CATS:
        for k in range(1, 6):
            # A product with no price is left out by the margin query.
            lp = 0 if k == 5 else 100 * cid + 17 * k
            cur.execute("INSERT INTO Product VALUES (?, ?, ?, ?, ?)",
                        (pid, "P%02d" % pid, cid, lp, lp * 0.6 if lp else 0))
            pid += 1
    oid = 1
    for month in range(1, 13):
        for year in (2013, 2014):
            for rep, _, _, _ in REPS:
                total = 1000 * month + 37 * rep + (year - 2013) * 500
                cur.execute("INSERT INTO SalesOrderHeader VALUES "
                            "(?, ?, ?, ?)", (oid, "%d-%02d-15 00:00:00" %
                                             (year, month), total, rep))
                for p in range(1, 21):
                    qty = (oid * p) % 7 + 1
                    cur.execute("INSERT INTO SalesOrderDetail VALUES "
                                "(?, ?, ?, ?)", (oid, p, qty, qty * 10.5 * p))
                oid += 1
    for rep, last, first, quota in REPS:
        cur.execute("INSERT INTO SalesPerson VALUES (?, ?)", (rep, quota))
        cur.execute("INSERT INTO Employee VALUES (?)", (rep,))
        cur.execute("INSERT INTO Person VALUES (?, ?, ?)", (rep, first, last))
    con.commit()
    return con


def render(rdl, fmt, out, src, *extra):
    names = {"HeadCountByDepartment.rdl": "HeadCountByDepartment",
             "MarginByCategory.rdl": "MarginByCategory",
             "MonthlySaleTrend.rdl": "DS_AdventrueWorks",
             "SaleVSQuota.rdl": "SaleQuota", "BestSaleProducts.rdl": "DS_AW"}
    return run("rsrender", os.path.join(TESTDATA, rdl), "--format", fmt,
               "--out", out, "--datasource", names[rdl] + "=" + src, *extra)


def svgs(html):
    """The inline SVG pictures of an HTML page, parsed (a picture may hold
    nested <svg> viewports)."""
    out, pos = [], 0
    while True:
        start = html.find("<svg xmlns=", pos)
        if start < 0:
            return out
        depth, i = 0, start
        for m in re.finditer(r"<svg\b|</svg>", html[start:]):
            depth += 1 if m.group(0) == "<svg" else -1
            if depth == 0:
                i = start + m.end()
                break
        out.append(ET.fromstring(html[start:i]))
        pos = i


def series_groups(svg):
    return [g for g in svg.iter(SVG + "g") if g.get("class") == "rs-series"]


def points(g):
    """[(title, element)] of the marks of a series group."""
    out = []
    for p in g.iter(SVG + "g"):
        if p.get("class") != "rs-point":
            continue
        mark = [e for e in p if e.tag != SVG + "title"][0]
        out.append((p.find(SVG + "title").text, mark))
    return out


def close(a, b, tol=0.02):
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-9)


def proportional(pairs):
    """Sizes of marks are values times one scale factor."""
    k = [s / v for s, v in pairs if v]
    return k and all(close(x, k[0]) for x in k), pairs


def wedge_angle(d):
    """Sweep in degrees of a ring segment path (two arcs on the outside)."""
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", d)]
    # M x0,y0 A r,r 0 f 1 xm,ym A r,r 0 f 1 x1,y1 ...
    r = nums[2]
    p0, pm, p1 = (nums[0], nums[1]), (nums[7], nums[8]), (nums[14], nums[15])
    # The centre is on the bisector of p0-pm at distance r from both, on
    # the right of the way a clockwise arc goes (y points down).
    mx, my = (p0[0] + pm[0]) / 2, (p0[1] + pm[1]) / 2
    dx, dy = pm[0] - p0[0], pm[1] - p0[1]
    half = math.hypot(dx, dy) / 2
    h = math.sqrt(max(r * r - half * half, 0))
    cx, cy = mx - dy / (2 * half) * h, my + dx / (2 * half) * h
    a = lambda p: math.atan2(p[1] - cy, p[0] - cx)  # noqa: E731
    s = (a(pm) - a(p0)) % (2 * math.pi) + (a(p1) - a(pm)) % (2 * math.pi)
    return math.degrees(s)


def count_colors(path, colors):
    """How many pixels of the PNG have each of the colours (#RRGGBB)."""
    want = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)): c for c in colors}
    counts = dict.fromkeys(colors, 0)
    _, _, bpp, rows = png_pixels(path)
    for line in rows:
        for i in range(0, len(line), bpp):
            c = want.get((line[i], line[i + 1], line[i + 2]))
            if c is not None:
                counts[c] += 1
    return counts


def pdftext(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"],
                          capture_output=True, text=True).stdout


def workbook(path):
    z = zipfile.ZipFile(path)
    return z, {n: z.read(n) for n in z.namelist()}


# ---- the five real definitions ----

def legend_texts(svg):
    for g in svg.iter(SVG + "g"):
        if g.get("class") == "rs-legend":
            return ["".join(t.itertext()) for t in g.iter(SVG + "text")]
    return []


def test_headcount(src, con):
    out = os.path.join(TMP, "hc")
    r = render("HeadCountByDepartment.rdl", "HTML5", out + ".html", src)
    check("HeadCountByDepartment renders to HTML5", r.returncode == 0,
          r.stderr)
    pics = svgs(open(out + ".html", encoding="utf-8").read())
    expect_eq("one chart picture", len(pics), 1)
    svg = pics[0]
    expect_eq("the picture is titled with the chart's title",
              svg.find(SVG + "title").text, "Head Count By Department")
    desc = svg.find(SVG + "desc").text
    check("its text alternative names the kind and every value",
          "doughnut chart" in desc and all("%s %d;" % d in desc
                                           for d in DEPTS), desc)
    want = dict(con.execute(
        "SELECT d.Name, COUNT(*) FROM Employee e JOIN "
        "EmployeeDepartmentHistory h ON e.BusinessEntityID = "
        "h.BusinessEntityID JOIN Department d ON h.DepartmentID = "
        "d.DepartmentID WHERE h.EndDate IS NULL GROUP BY d.Name"))
    slices = points(series_groups(svg)[0])
    got = dict((t.split(": ")[0], float(t.split(": ")[1])) for t, _ in slices)
    expect_eq("a slice per department, valued as SQL counts them", got,
              {k: float(v) for k, v in want.items()})
    total = sum(want.values())
    check("each slice's angle is its share of 360 degrees",
          all(close(wedge_angle(m.get("d")), 360 * got[t.split(": ")[0]] /
                    total) for t, m in slices),
          [(t, wedge_angle(m.get("d"))) for t, m in slices])
    expect_eq("the legend lists the departments in group order",
              legend_texts(svg), sorted(want))
    png = out + ".png"
    r = render("HeadCountByDepartment.rdl", "IMAGE", png, src)
    pacific = ["#01B8AA", "#374649", "#FD625E", "#F2C80F"]
    counts = count_colors(png, pacific)
    # Slice areas (a ring: angle x constant) hold the same shares; the
    # legend swatches add a few pixels of each colour.
    shares = [counts[c] / sum(counts.values()) for c in pacific]
    check("PNG: each department's colour covers its share of the ring "
          "(Pacific palette, in group order)",
          all(abs(s - want[n] / total) < 0.02 for s, n in
              zip(shares, sorted(want))), list(zip(sorted(want), shares)))
    r = render("HeadCountByDepartment.rdl", "PDF", out + ".pdf", src)
    t = pdftext(out + ".pdf")
    check("PDF: the title and every legend entry are text",
          "Head Count By Department" in t and all(d in t for d, _ in DEPTS),
          t[:600])


def test_margin(src, con):
    out = os.path.join(TMP, "mb")
    r = render("MarginByCategory.rdl", "HTML5", out + ".html", src)
    check("MarginByCategory renders to HTML5", r.returncode == 0, r.stderr)
    svg = svgs(open(out + ".html", encoding="utf-8").read())[0]
    want = {n: (c, p) for n, c, p in con.execute(
        "SELECT pc.Name, SUM(p.StandardCost), SUM(p.ListPrice - "
        "p.StandardCost) FROM Product p JOIN ProductSubcategory ps ON "
        "p.ProductSubcategoryID = ps.ProductSubcategoryID JOIN "
        "ProductCategory pc ON ps.ProductCategoryID = pc.ProductCategoryID "
        "WHERE p.ListPrice > 0 AND p.StandardCost > 0 GROUP BY pc.Name")}
    groups = series_groups(svg)
    expect_eq("two series, named by their static members' labels",
              [g.find(SVG + "title").text for g in groups],
              ["Standard Cost", "Profit"])
    bars = [{t.split(": ")[0]: m for t, m in points(g)} for g in groups]
    expect_eq("a bar segment per category in each series",
              [sorted(b) for b in bars], [sorted(want)] * 2)
    pairs = [(float(bars[s][n].get("width")), want[n][s])
             for n in want for s in (0, 1)]
    check("segment lengths are in proportion to the sums",
          *proportional(pairs))
    check("stacked: each Profit segment starts where Standard Cost ends",
          all(close(float(bars[1][n].get("x")), float(bars[0][n].get("x")) +
                    float(bars[0][n].get("width"))) for n in want))
    ys = [float(bars[0][n].get("y")) for n in sorted(want)]
    check("bar charts list the first category at the bottom",
          ys == sorted(ys, reverse=True), ys)
    png = out + ".png"
    render("MarginByCategory.rdl", "IMAGE", png, src)
    counts = count_colors(png, ["#01B8AA", "#374649"])
    cost = sum(c for c, _ in want.values())
    profit = sum(p for _, p in want.values())
    check("PNG: the colours' areas are in the ratio of the two series' "
          "totals", abs(counts["#01B8AA"] / counts["#374649"] -
                        cost / profit) < 0.05 * cost / profit,
          counts, cost / profit)
    r = render("MarginByCategory.rdl", "PDF", out + ".pdf", src)
    t = pdftext(out + ".pdf")
    check("PDF: title, legend and category labels are text",
          all(s in t for s in ["Margin By Products Category",
                               "Standard Cost", "Profit", *want]), t[:800])
    r = render("MarginByCategory.rdl", "EXCELOPENXML", out + ".xlsx", src)
    check("MarginByCategory renders to Excel", r.returncode == 0, r.stderr)
    z, parts = workbook(out + ".xlsx")
    chart = ET.fromstring(parts["xl/charts/chart1.xml"])
    bar = chart.find(".//" + C + "barChart")
    check("Excel: a native stacked bar chart with two series",
          bar is not None and bar.find(C + "barDir").get("val") == "bar" and
          bar.find(C + "grouping").get("val") == "stacked" and
          len(bar.findall(C + "ser")) == 2)
    wbk = ET.fromstring(parts["xl/workbook.xml"])
    names = [s.get("name") for s in wbk.iter(M + "sheet")]
    check("Excel: the chart's data is on a \"Chart Data\" sheet",
          names[-1] == "Chart Data", names)
    data = ET.fromstring(parts["xl/worksheets/sheet%d.xml" % len(names)])
    rows = {}
    for row in data.iter(M + "row"):
        cells = row.findall(M + "c")
        label = "".join(cells[0].itertext())
        if len(cells) == 3 and label in want:
            rows[label] = tuple(float(c.find(M + "v").text) for c in cells[1:])
    check("Excel: the data sheet holds each category's two sums",
          rows.keys() == want.keys() and all(
              close(rows[n][0], want[n][0]) and close(rows[n][1], want[n][1])
              for n in want), rows, want)
    ref = bar.find(".//" + C + "val//" + C + "f").text
    check("Excel: the series values point at the data sheet",
          ref == "'Chart Data'!$B$2:$B$5", ref)


def test_trend(src, con):
    out = os.path.join(TMP, "mt")
    r = render("MonthlySaleTrend.rdl", "HTML5", out + ".html", src)
    check("MonthlySaleTrend renders (DATEFROMPARTS in its query)",
          r.returncode == 0, r.stderr)
    svg = svgs(open(out + ".html", encoding="utf-8").read())[0]
    want = [v for _, v in con.execute(
        "SELECT substr(OrderDate, 1, 7) AS m, SUM(TotalDue) FROM "
        "SalesOrderHeader GROUP BY m ORDER BY m")]
    line = series_groups(svg)[0].find(SVG + "polyline")
    pts = [tuple(map(float, p.split(","))) for p in
           line.get("points").split()]
    expect_eq("a line through one point per month", len(pts), len(want))
    xs = [x for x, _ in pts]
    check("months go left to right, evenly spaced",
          all(close(xs[i + 1] - xs[i], xs[1] - xs[0])
              for i in range(len(xs) - 1)), xs)
    # y = a - b * value: positions are linear in the value (zero included).
    b = (pts[0][1] - pts[1][1]) / (want[1] - want[0])
    a = pts[0][1] + b * want[0]
    check("point heights are in proportion to the monthly sums",
          b > 0 and all(abs(a - b * v - y) < 0.5 for (_, y), v in
                        zip(pts, want)), pts[:4], want[:4])
    r = render("MonthlySaleTrend.rdl", "PDF", out + ".pdf", src)
    t = pdftext(out + ".pdf")
    check("PDF: the title and the month labels (the Month field's "
          "default text) are text", "Monthly Sale Trend" in t and
          "1/1/2013" in t, t[:600])


def test_quota(src, con):
    out = os.path.join(TMP, "sq")
    r = render("SaleVSQuota.rdl", "HTML5", out + ".html", src,
               "--param", "Year=2013")
    check("SaleVSQuota renders with its Year parameter (ISNULL, + between "
          "strings, NULLIF)", r.returncode == 0, r.stderr)
    svg = svgs(open(out + ".html", encoding="utf-8").read())[0]
    want = {"%s %s" % (last, first): 100.0 * total / quota
            for last, first, total, quota in con.execute(
                "SELECT p.LastName, p.FirstName, SUM(h.TotalDue), "
                "s.SalesQuota FROM SalesPerson s JOIN Person p ON "
                "s.BusinessEntityID = p.BusinessEntityID JOIN "
                "SalesOrderHeader h ON h.SalesPersonID = s.BusinessEntityID "
                "WHERE substr(h.OrderDate, 1, 4) = '2013' GROUP BY "
                "p.LastName, p.FirstName, s.SalesQuota")}
    slices = points(series_groups(svg)[0])
    total = sum(want.values())
    check("a slice per sales person, its angle the share of the percents",
          len(slices) == 3 and all(close(wedge_angle(m.get("d")), 360 *
                                         want[t.split(": ")[0]] / total)
                                   for t, m in slices),
          [t for t, _ in slices], want)


def test_best(src, con):
    out = os.path.join(TMP, "bs")
    r = render("BestSaleProducts.rdl", "HTML5", out + ".html", src,
               "--param", "Year=2013")
    check("BestSaleProducts renders (RANK() OVER, HAVING, a TopPercent "
          "filter on the chart)", r.returncode == 0, r.stderr)
    svg = svgs(open(out + ".html", encoding="utf-8").read())[0]
    rev = sorted(((v, n) for n, v in con.execute(
        "SELECT p.Name, SUM(d.LineTotal) FROM SalesOrderHeader h JOIN "
        "SalesOrderDetail d ON h.SalesOrderID = d.SalesOrderID JOIN Product "
        "p ON d.ProductID = p.ProductID WHERE substr(h.OrderDate, 1, 4) = "
        "'2013' GROUP BY p.ProductID, p.Name")), reverse=True)
    keep = math.ceil(len(rev) * 0.10)
    bars = points(series_groups(svg)[0])
    expect_eq("TopPercent 10 keeps the top tenth of the %d products"
              % len(rev), sorted(t.split(": ")[0] for t, _ in bars),
              sorted(n for _, n in rev[:keep]))
    check("bar lengths are in proportion to revenue", *proportional(
        [(float(m.get("width")), dict((n, v) for v, n in rev)[
            t.split(": ")[0]]) for t, m in bars]))


# ---- chart kinds the real definitions do not use ----

NS = "http://schemas.microsoft.com/sqlserver/reporting/2016/01/reportdefinition"
SALES = [("East", 2023, 10.0, 1.0, 3.0), ("East", 2024, 30.0, 2.0, 6.0),
         ("West", 2023, 20.0, 3.0, 9.0), ("West", 2024, 5.0, 4.0, 2.0),
         ("North", 2023, 40.0, 5.0, 4.0), ("North", 2024, 15.0, 6.0, 8.0),
         ("West", 2024, 5.0, 7.0, 1.0)]


def chart_rdl(kind, sub, series_group=True, axis="", palette="",
              legend="<ChartLegend Name=\"L\"/>", title_pos="", y="Amount",
              x=""):
    """One chart over the Sales table: regions as categories, years as a
    series group (or one static series)."""
    cat = ("<ChartCategoryHierarchy><ChartMembers><ChartMember><Group "
           "Name=\"Region\"><GroupExpressions><GroupExpression>"
           "=Fields!Region.Value</GroupExpression></GroupExpressions>"
           "</Group><SortExpressions><SortExpression><Value>"
           "=Fields!Region.Value</Value></SortExpression></SortExpressions>"
           "<Label>=Fields!Region.Value</Label></ChartMember></ChartMembers>"
           "</ChartCategoryHierarchy>")
    ser = ("<ChartSeriesHierarchy><ChartMembers><ChartMember><Group "
           "Name=\"Year\"><GroupExpressions><GroupExpression>"
           "=Fields!Year.Value</GroupExpression></GroupExpressions></Group>"
           "<Label>=Fields!Year.Value</Label></ChartMember></ChartMembers>"
           "</ChartSeriesHierarchy>" if series_group else
           "<ChartSeriesHierarchy><ChartMembers><ChartMember><Label>Amount"
           "</Label></ChartMember></ChartMembers></ChartSeriesHierarchy>")
    xv = "<X>=Sum(Fields!%s.Value)</X><Size>=Sum(Fields!Size.Value)</Size>" \
        % x if x else ""
    return f"""<?xml version="1.0"?>
<Report xmlns="{NS}">
<DataSources><DataSource Name="D"><ConnectionProperties><DataProvider>SQLITE
</DataProvider><ConnectString>x</ConnectString></ConnectionProperties>
</DataSource></DataSources>
<DataSets><DataSet Name="S"><Query><DataSourceName>D</DataSourceName>
<CommandText>SELECT Region, Year, Amount, X, Size FROM Sales</CommandText>
</Query><Fields><Field Name="Region"><DataField>Region</DataField></Field>
<Field Name="Year"><DataField>Year</DataField></Field><Field Name="Amount">
<DataField>Amount</DataField></Field><Field Name="X"><DataField>X</DataField>
</Field><Field Name="Size"><DataField>Size</DataField></Field></Fields>
</DataSet></DataSets>
<ReportSections><ReportSection><Body><ReportItems>
<Chart Name="C">{cat}{ser}<ChartData><ChartSeriesCollection>
<ChartSeries Name="Amount"><ChartDataPoints><ChartDataPoint>
<ChartDataPointValues><Y>=Sum(Fields!{y}.Value)</Y>{xv}</ChartDataPointValues>
<ChartDataLabel><Visible>true</Visible><UseValueAsLabel>true</UseValueAsLabel>
</ChartDataLabel><ChartMarker><Type>Square</Type></ChartMarker>
</ChartDataPoint></ChartDataPoints><Type>{kind}</Type><Subtype>{sub}</Subtype>
</ChartSeries></ChartSeriesCollection></ChartData>
<ChartAreas><ChartArea Name="Default"><ChartCategoryAxes><ChartAxis
Name="Primary"><ChartAxisTitle><Caption>Region</Caption></ChartAxisTitle>
</ChartAxis></ChartCategoryAxes><ChartValueAxes><ChartAxis Name="Primary">
{axis}<ChartAxisTitle><Caption>Amount</Caption></ChartAxisTitle></ChartAxis>
</ChartValueAxes></ChartArea></ChartAreas>
<ChartLegends>{legend}</ChartLegends><ChartTitles><ChartTitle Name="T">
<Caption>{kind} {sub}</Caption>{title_pos}</ChartTitle></ChartTitles>{palette}
<DataSetName>S</DataSetName><Top>0.5in</Top><Left>0.5in</Left>
<Height>3in</Height><Width>5in</Width></Chart>
</ReportItems><Height>4in</Height></Body><Width>6.5in</Width>
<Page><PageHeight>11in</PageHeight><PageWidth>8.5in</PageWidth></Page>
</ReportSection></ReportSections></Report>"""


def sums():
    """Sum of Amount by (region, year)."""
    out = {}
    for r, yr, a, _, _ in SALES:
        out[(r, yr)] = out.get((r, yr), 0) + a
    return out


def kind_svg(name, xml, db, fmt="HTML5"):
    path = os.path.join(TMP, name + ".rdl")
    open(path, "w").write(xml)
    out = os.path.join(TMP, name + "." + fmt.lower())
    r = run("rsrender", path, "--format", fmt, "--out", out,
            "--datasource", "D=sqlite:" + db)
    check(name + " renders to " + fmt, r.returncode == 0, r.stderr)
    if fmt != "HTML5":
        return out
    return svgs(open(out, encoding="utf-8").read())[0]


def test_kinds(db):
    want = sums()
    regions = sorted({r for r, _ in want})
    svg = kind_svg("column", chart_rdl("Column", "Plain", axis=(
        "<Minimum>0</Minimum><Maximum>100</Maximum><Interval>25</Interval>")),
        db)
    groups = series_groups(svg)
    expect_eq("a series group makes a series per year, named by its label",
              [g.find(SVG + "title").text for g in groups], ["2023", "2024"])
    bars = {(t.split(": ")[0], int(g.find(SVG + "title").text)): m
            for g in groups for t, m in points(g)}
    expect_eq("a column per region and year (nothing for West without "
              "2024 twice: its two rows are summed)", sorted(bars),
              sorted(want))
    check("column heights are in proportion to the sums, on an axis from "
          "0 to 100", *proportional([(float(m.get("height")), want[k])
                                     for k, m in bars.items()]))
    texts = ["".join(t.itertext()) for g in svg.iter(SVG + "g")
             if g.get("class") == "rs-axis-labels" for t in g.iter(SVG +
                                                                   "text")]
    check("the value axis has the report's Minimum, Maximum and Interval",
          all(v in texts for v in ["0", "25", "50", "75", "100"]) and
          "125" not in texts, texts)
    check("clustered: a region's two columns stand side by side",
          all(float(bars[(r, 2023)].get("x")) + float(bars[(r, 2023)].get(
              "width")) <= float(bars[(r, 2024)].get("x")) + 0.05
              for r in regions))
    check("data labels show the values", all(
        "%g" % want[k] in texts or "%g" % want[k] in "".join(svg.itertext())
        for k in want))

    svg = kind_svg("pct", chart_rdl("Column", "PercentStacked"), db)
    groups = series_groups(svg)
    tops = {}
    for g in groups:
        for t, m in points(g):
            r = t.split(": ")[0]
            tops.setdefault(r, []).append(float(m.get("height")))
    heights = [sum(v) for v in tops.values()]
    check("100% stacked: every region's column is the full height",
          all(close(h, heights[0]) for h in heights), tops)
    ratio = tops["East"][0] / tops["East"][1]
    check("100% stacked: a segment is its share of the region's total",
          close(ratio, want[("East", 2023)] / want[("East", 2024)]), ratio)

    svg = kind_svg("area", chart_rdl("Area", "Stacked"), db)
    polys = [g.find(SVG + "polygon") for g in series_groups(svg)]
    check("stacked area: a filled shape per series",
          len(polys) == 2 and all(p is not None for p in polys))

    svg = kind_svg("scatter", chart_rdl("Scatter", "Plain", False, x="X"), db)
    marks = points(series_groups(svg)[0])
    xs = {t.split(": ")[0]: m for t, m in marks}
    expect_eq("scatter: a point per region", sorted(xs), regions)

    svg = kind_svg("pie", chart_rdl("Shape", "Pie", False, palette=(
        "<Palette>Custom</Palette><ChartCustomPaletteColors>"
        "<ChartCustomPaletteColor>#112233</ChartCustomPaletteColor>"
        "<ChartCustomPaletteColor>Tomato</ChartCustomPaletteColor>"
        "<ChartCustomPaletteColor>#00FF00</ChartCustomPaletteColor>"
        "</ChartCustomPaletteColors>"), title_pos="<Position>BottomCenter"
        "</Position>", legend="<ChartLegend Name=\"L\"><Hidden>true"
        "</Hidden></ChartLegend>"), db)
    fills = [m.get("fill") for _, m in points(series_groups(svg)[0])]
    expect_eq("pie: the custom palette colours the slices in order", fills,
              ["#112233", "#FF6347", "#00FF00"])
    check("a hidden legend is not drawn", legend_texts(svg) == [])
    t = [e for e in svg.iter(SVG + "text") if "".join(e.itertext()) ==
         "Shape Pie"][0]
    sy = float(re.search(r"translate\([\d.]+,([\d.]+)\)",
                         t.get("transform")).group(1))
    check("a title docked at the bottom is below the pie",
          sy > 150, sy)

    png = kind_svg("column-png", chart_rdl("Column", "Plain"), db, "IMAGE")
    counts = count_colors(png, ["#418CF0", "#FCB441"])
    total = [sum(v for (r, y), v in want.items() if y == yr)
             for yr in (2023, 2024)]
    check("PNG: BrightPastel (no palette named) colours the two years in "
          "the ratio of their totals", abs(counts["#418CF0"] /
                                          counts["#FCB441"] - total[0] /
                                          total[1]) < 0.06 * total[0] /
          total[1], counts, total)


def test_refusals(db):
    path = os.path.join(TMP, "polar.rdl")
    open(path, "w").write(chart_rdl("Polar", "Plain"))
    r = run("rsrender", "--check", path)
    check("a chart type outside the subset is refused with the line and "
          "the supported types", r.returncode == 65 and re.search(
              r"line \d+: <ChartSeries>: chart type Polar \(Plain\) is not "
              r"supported; supported: Column, Bar, Line, Area", r.stderr),
          r.stderr)


def main():
    rdls = ["HeadCountByDepartment.rdl", "MarginByCategory.rdl",
            "MonthlySaleTrend.rdl", "SaleVSQuota.rdl", "BestSaleProducts.rdl"]
    if not os.path.exists(os.path.join(TESTDATA, rdls[0])):
        print("# skip: %s not present" % TESTDATA)
        ok("skipped: the shared test data is not present")
        done_testing()
        return
    for f in rdls:
        r = run("rsrender", "--check", os.path.join(TESTDATA, f))
        check(f + " passes --check", r.returncode == 0, r.stderr)
    db = os.path.join(TMP, "aw.db")
    con = build(db)
    src = "sqlite:" + db
    test_headcount(src, con)
    test_margin(src, con)
    test_trend(src, con)
    test_quota(src, con)
    test_best(src, con)
    kinds = os.path.join(TMP, "kinds.db")
    k = sqlite3.connect(kinds)
    k.execute("CREATE TABLE Sales (Region TEXT, Year INTEGER, Amount REAL, "
              "X REAL, Size REAL)")
    k.executemany("INSERT INTO Sales VALUES (?, ?, ?, ?, ?)", SALES)
    k.commit()
    test_kinds(kinds)
    test_refusals(kinds)
    done_testing()


main()
