"""Maps: the Map report item, with the real definition of
../shared/testdata/rdl/ProSSRS-Map.rdl (made with SQL Server's designer
from its map gallery: the 51 US states embedded as well-known binary,
coloured by a MapColorRangeRule over a dataset grouped by state, rendered
unchanged) over a SQLite database that stores its stored procedure's
query in rs_procedures.

Checked as a user would look: every state is drawn, each state with data
in the colour of its value's bucket (green for the lowest through yellow
to red for the highest), labelled with its value, the others white; the
legend lists the five ranges with the rule's LegendText; in the PDF page
Texas (the highest) is red and lies south of Oregon (the lowest, green);
a tile layer (Bing Maps needs the internet) is refused with why.
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
RDL = os.path.join(TESTDATA, "ProSSRS-Map.rdl")
# (state, name, visits, month); "oregon" in lower case: the original
# matches spatial and analytical data ignoring case.
VISITS = [("TX", "Texas", 500, 1), ("TX", "Texas", 300, 2),
          ("CA", "California", 100, 1), ("NY", "New York", 450, 1),
          ("FL", "Florida", 250, 1), ("OR", "oregon", 20, 1)]
NULLS = ["ServiceMonth:isnull=true", "ServiceYear:isnull=true"]


def build(path):
    con = sqlite3.connect(path)
    con.executescript("""
    CREATE TABLE v (State TEXT, StateName TEXT, Visits INT, Month INT);
    CREATE TABLE rs_procedures (name TEXT PRIMARY KEY, body TEXT NOT NULL);
    """)
    con.executemany("INSERT INTO v VALUES (?, ?, ?, ?)", VISITS)
    con.execute("INSERT INTO rs_procedures VALUES "
                "('Emp_Svc_Cost_By_Patient_State', ?)", (
                    "SELECT State, 1.0 AS [Estimated Cost], StateName, "
                    "Visits AS Visit_Count, Month AS ServiceMonth, 2024 AS "
                    "ServiceYear FROM v WHERE (@ServiceMonth IS NULL OR "
                    "Month = @ServiceMonth)",))
    con.commit()
    con.close()


def render(fmt, out, db, params, rdl=RDL):
    args = []
    for p in params:
        args += ["--param", p]
    return run("rsrender", rdl, "--format", fmt, "--out", out,
               "--datasource", "Pro_SSRS=sqlite:" + db, *args)


def shapes(svg):
    """{state: (fill, label or None)} from the shapes' groups."""
    out = {}
    for name, body in re.findall(
            r'<g class="rs-map-shape"><title>([^<]*)</title>(.*?)</g>', svg,
            re.S):
        fills = re.findall(r'<polygon points="[^"]*" fill="([^"]*)"', body)
        label = re.search(r"<tspan[^>]*>([^<]*)</tspan>", body)
        out[name] = (fills[0] if fills else None,
                     label.group(1) if label else None)
    return out


def bucket_colors():
    def blend(a, b, t):
        return tuple(round(x * (1 - t) + y * t) for x, y in zip(a, b))
    g, y, r = (0, 128, 0), (255, 255, 0), (255, 0, 0)
    out = []
    for i in range(5):
        t = i / 4
        c = blend(g, y, t * 2) if t <= 0.5 else blend(y, r, (t - 0.5) * 2)
        out.append("#%02X%02X%02X" % c)
    return out


def test_map(db):
    r = run("rsrender", "--check", RDL)
    check("ProSSRS-Map (51 embedded states, a colour range rule) passes "
          "--check", r.returncode == 0, r.stderr)
    html = os.path.join(TMP, "map.html")
    r = render("HTML5", html, db, NULLS)
    check("it renders to HTML5", r.returncode == 0, r.stderr)
    svg = open(html).read() if r.returncode == 0 else ""
    got = shapes(svg)
    expect_eq("every state of the embedded spatial data is drawn",
              len(got), 51)
    totals = {}
    for _, name, v, _ in VISITS:
        totals[name.title()] = totals.get(name.title(), 0) + v
    lo, hi = min(totals.values()), max(totals.values())
    colors = bucket_colors()
    for name, v in sorted(totals.items()):
        b = min(int((v - lo) / (hi - lo) * 5), 4)
        expect_eq("%s (%d visits): bucket %d's colour and its value as "
                  "label" % (name, v, b + 1), got.get(name),
                  (colors[b], str(v)))
    others = [n for n, (f, lab) in got.items() if n not in totals]
    check("states without data keep the template's white, unlabelled",
          others and all(got[n] == ("#FFFFFF", None) for n in others),
          [(n, got[n]) for n in others if got[n] != ("#FFFFFF", None)][:3])
    step = (hi - lo) / 5
    want = ["%s - %s" % (format(round(lo + step * i), ","),
                         format(round(lo + step * (i + 1)), ","))
            for i in range(5)]
    legend = re.findall(r"<tspan[^>]*>([0-9,]+ - [0-9,]+)</tspan>", svg)
    expect_eq("the legend lists the five ranges (#FROMVALUE{N0} - "
              "#TOVALUE{N0})", legend, want)
    check("the text alternative lists the states with data",
          re.search(r"<desc>Map Title: map of 51 shapes;[^<]*Texas 800", svg),
          re.findall(r"<desc>[^<]*", svg))
    # January only: Texas 500.
    r = render("HTML5", html, db, ["ServiceMonth=1", NULLS[1]])
    jan = shapes(open(html).read()) if r.returncode == 0 else {}
    expect_eq("a parameter filters the data: Texas in January is 500",
              (jan.get("Texas") or (None, None))[1], "500")
    pdf = os.path.join(TMP, "map.pdf")
    r = render("PDF", pdf, db, NULLS)
    check("it renders to PDF", r.returncode == 0, r.stderr)
    subprocess.run(["pdftoppm", "-r", "50", pdf, os.path.join(TMP, "m")],
                   check=True)
    data = open(os.path.join(TMP, "m-1.ppm"), "rb").read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, px = int(m.group(1)), data[m.end():]
    red, green = [], []
    for i in range(0, len(px) - 2, 3):
        p = px[i:i + 3]
        if p[0] > 220 and p[1] < 40 and p[2] < 40:
            red.append((i // 3 % w, i // 3 // w))
        elif p[0] < 40 and 100 < p[1] < 150 and p[2] < 40:
            green.append((i // 3 % w, i // 3 // w))
    xl = os.path.join(TMP, "map.xlsx")
    r = render("EXCELOPENXML", xl, db, NULLS)
    pics = xlsx_pictures(xl) if r.returncode == 0 else []
    check("Excel: the map is a picture with Texas's red and Oregon's green",
          len(pics) == 1 and count_px(pics[0][2], lambda r_, g, b: r_ > 220
                                      and g < 40 and b < 40) > 100 and
          count_px(pics[0][2], lambda r_, g, b: r_ < 40 and 100 < g < 150
                   and b < 40) > 100, r.stderr, len(pics))
    check("in the PDF page Texas (red) lies south-east of Oregon (green)",
          red and green and sum(y for _, y in red) / len(red) >
          sum(y for _, y in green) / len(green) and sum(
              x for x, _ in red) / len(red) > sum(
                  x for x, _ in green) / len(green),
          len(red), len(green))


def test_refusals():
    text = open(RDL).read()
    bad = text.replace("<MapLayers>", "<MapLayers><MapTileLayer Name=\"T\">"
                       "<TileStyle>Road</TileStyle></MapTileLayer>", 1)
    path = os.path.join(TMP, "tiles.rdl")
    open(path, "w").write(bad)
    r = run("rsrender", "--check", path)
    check("a Bing tile layer is refused with its line and why",
          r.returncode == 65 and re.search(
              r"line \d+: <MapTileLayer>: a map tile layer \(Bing Maps\) "
              r"needs the internet", r.stderr), r.stderr)


def main():
    if not os.path.exists(RDL):
        ok("skipped: the shared test data is not present")
        done_testing()
        return
    db = os.path.join(TMP, "map.db")
    build(db)
    test_map(db)
    test_refusals()
    done_testing()


main()
