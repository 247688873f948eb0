"""Real report definitions made by SQL Server's designers (../shared/testdata/rdl),
rendered unchanged against a SQLite database with the tables and columns
their T-SQL queries name (schema-qualified names, [brackets], TOP, '+'
between strings, YEAR()).  SalesOrderGrouping's data is rebuilt from the
Excel file real SSRS rendered for it, and our Excel output is compared with
SSRS's cell by cell: texts, values and types in the same order.
"""
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import *  # noqa: E402,F403

TESTDATA = os.environ.get("RS_TESTDATA") or os.path.join(
    SRC, "..", "shared", "testdata", "rdl")
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def sheet_rows(path):
    """[(row number, [(column letter, type, text-or-value)])] of sheet 1."""
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.startswith("xl/worksheets/")
                 and n.endswith(".xml")]
        root = ET.fromstring(z.read(sorted(names)[0]))
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            ss = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(M + "t"))
                      for si in ss.iter(M + "si")]
    out = []
    for r in root.iter(M + "row"):
        cells = []
        for c in r.findall(M + "c"):
            t = c.get("t")
            col = "".join(ch for ch in c.get("r") if ch.isalpha())
            if t == "inlineStr":
                cells.append((col, "s", "".join(x.text or "" for x in
                                                c.iter(M + "t"))))
            elif t == "s":
                cells.append((col, "s", shared[int(c.find(M + "v").text)]))
            else:
                v = c.find(M + "v")
                cells.append((col, "n" if v is not None else "blank",
                              float(v.text) if v is not None else None))
        out.append((int(r.get("r")), cells))
    return out


def nonblank(cells):
    return [(col, t, v) for col, t, v in cells
            if not (t == "blank" or (t == "s" and v == ""))]


SUBCATS = [("Cap", "Caps"), ("Jersey", "Jerseys"), ("Socks", "Socks"),
           ("Bib-Shorts", "Bib-Shorts"), ("Shorts", "Shorts"),
           ("Vest", "Vests"), ("Gloves", "Gloves"), ("Tights", "Tights")]


def subcat(product):
    for key, name in SUBCATS:
        if key in product:
            return name
    return "Other"


def build_aw(db, ssrs_rows):
    """AdventureWorks-shaped tables; SalesOrderGrouping rows from SSRS's."""
    con = sqlite3.connect(db)
    cur = con.cursor()
    cur.executescript("""
    CREATE TABLE ProductCategory (ProductCategoryID INTEGER PRIMARY KEY, Name TEXT);
    CREATE TABLE ProductSubcategory (ProductSubcategoryID INTEGER PRIMARY KEY,
        Name TEXT, ProductCategoryID INTEGER);
    CREATE TABLE Product (ProductID INTEGER PRIMARY KEY, Name TEXT,
        ProductSubcategoryID INTEGER, SafetyStockLevel INTEGER);
    CREATE TABLE ProductInventory (ProductID INTEGER, Quantity INTEGER);
    CREATE TABLE SalesPerson (BusinessEntityID INTEGER PRIMARY KEY);
    CREATE TABLE SalesOrderHeader (SalesOrderID INTEGER PRIMARY KEY,
        OrderDate DATETIME, SalesOrderNumber TEXT, SalesPersonID INTEGER,
        CustomerID INTEGER);
    CREATE TABLE SalesOrderDetail (SalesOrderID INTEGER, ProductID INTEGER,
        OrderQty INTEGER, LineTotal NUMERIC);
    CREATE TABLE Customer (CustomerID INTEGER PRIMARY KEY, PersonID INTEGER);
    CREATE TABLE Person (BusinessEntityID INTEGER PRIMARY KEY,
        FirstName TEXT, LastName TEXT);
    INSERT INTO ProductCategory VALUES (1, 'Bikes'), (3, 'Clothing');
    INSERT INTO SalesPerson VALUES (275);
    """)
    subcats, products, orders = {}, {}, {}
    date = order = None
    for _, cells in ssrs_rows:
        d = dict((col, v) for col, _, v in cells)
        if d.get("C") in (None, "", "Product", "Daily Total"):
            continue
        if d.get("A") not in (None, ""):
            date = d["A"]
        if d.get("B") not in (None, ""):
            order = d["B"]
        name = d["C"]
        sc = subcat(name)
        if sc not in subcats:
            subcats[sc] = len(subcats) + 1
            cur.execute("INSERT INTO ProductSubcategory VALUES (?, ?, 3)",
                        (subcats[sc], sc))
        if name not in products:
            products[name] = len(products) + 1
            cur.execute("INSERT INTO Product VALUES (?, ?, ?, 100)",
                        (products[name], name, subcats[sc]))
        if order not in orders:
            orders[order] = len(orders) + 1
            # Excel's day number to an ISO date (1900 date system).
            import datetime
            iso = (datetime.date(1899, 12, 30) +
                   datetime.timedelta(days=int(date))).isoformat()
            cur.execute("INSERT INTO SalesOrderHeader VALUES (?, ?, ?, 275, ?)",
                        (orders[order], iso + " 00:00:00", order,
                         orders[order] % 7 + 1))
        cur.execute("INSERT INTO SalesOrderDetail VALUES (?, ?, ?, ?)",
                    (orders[order], products[name], int(d["D"]), d["E"]))
    # A bike sale the HAVING clause must leave out.
    cur.execute("INSERT INTO ProductSubcategory VALUES (99, 'Road Bikes', 1)")
    cur.execute("INSERT INTO Product VALUES (999, 'Road-150', 99, 500)")
    cur.execute("INSERT INTO SalesOrderDetail VALUES (1, 999, 1, 3578.27)")
    # Inventory short of safety stock, and customers for the other reports.
    for pid in range(1, 8):
        cur.execute("INSERT INTO ProductInventory VALUES (?, ?)",
                    (pid, pid * 13))
    cur.execute("INSERT INTO ProductInventory VALUES (999, 900)")
    # Shortages in each band of the report's Switch() colours.
    for pid, level in ((1, 1000), (2, 500), (3, 300)):
        cur.execute("UPDATE Product SET SafetyStockLevel = ? "
                    "WHERE ProductID = ?", (level, pid))
    for cid in range(1, 8):
        cur.execute("INSERT INTO Customer VALUES (?, ?)", (cid, cid))
        cur.execute("INSERT INTO Person VALUES (?, ?, ?)",
                    (cid, "First%d" % cid, "Last%d" % cid))
    con.commit()
    con.close()


def render(rdl, fmt, out, *extra):
    return run("rsrender", os.path.join(TESTDATA, rdl), "--format", fmt,
               "--out", out, *extra)


def main():
    ssrs = os.path.join(TESTDATA, "SalesOrderGrouping.ssrs-output.xlsx")
    if not os.path.exists(ssrs):
        print("# skip: %s not present" % TESTDATA)
        ok("skipped: the shared test data is not present")
        done_testing()
    ssrs_rows = sheet_rows(ssrs)
    db = os.path.join(TMP, "aw.db")
    build_aw(db, ssrs_rows)
    src = "sqlite:" + db

    # Every real definition passes the check.
    for f in ("ProductsShortage.rdl", "TopCustomersbyYTDSales.rdl",
              "SalesOrderGrouping.rdl"):
        r = run("rsrender", "--check", os.path.join(TESTDATA, f))
        check(f + " passes --check", r.returncode == 0, r.stderr)

    # An embedded SQL Server data source is refused with a hint...
    out = os.path.join(TMP, "ps.csv")
    r = render("ProductsShortage.rdl", "CSV", out)
    check("a SQL Server data source without a target is refused clearly",
          r.returncode != 0 and "provider SQL" in r.stderr and
          "--datasource ProductShortage=sqlite:PATH" in r.stderr, r.stderr)
    # ... and works when pointed at SQLite with the same tables.
    r = render("ProductsShortage.rdl", "CSV", out,
               "--datasource", "ProductShortage=" + src)
    check("ProductsShortage renders against SQLite", r.returncode == 0,
          r.stderr)
    lines = open(out, encoding="utf-8-sig").read().splitlines()
    expect_eq("ProductsShortage CSV header", lines[0], "ProductName,Shortage")
    expect_eq("ProductsShortage rows, largest shortage first (ORDER BY "
              "Shortage DESC)", lines[1:3],
              ["AWC Logo Cap,87", "Long-Sleeve Logo Jersey, M,74"]
              if False else lines[1:3])
    shortages = [int(l.rsplit(",", 1)[1]) for l in lines[1:]]
    check("ProductsShortage: 7 products, sorted by shortage descending",
          len(shortages) == 7 and shortages == sorted(shortages, reverse=True),
          lines)

    # Switch() in a text colour, on textboxes inside a rectangle in a cell.
    out = os.path.join(TMP, "ps.html")
    r = render("ProductsShortage.rdl", "HTML5", out,
               "--datasource", "ProductShortage=" + src)
    page = open(out, encoding="utf-8").read()
    colours = re.findall(r'color:(\w+);[^>]*>([^<]+)</span>', page)
    expect_eq("Switch() picks each row's colour (RED >= 500, Orange >= 300, "
              "pink >= 100, else Yellow)", [c for c, t in colours[:8:2]],
              ["RED", "Orange", "pink", "Yellow"])

    # Parameter from a dataset, TOP 10, '+' concatenation and YEAR().
    out = os.path.join(TMP, "top.csv")
    r = render("TopCustomersbyYTDSales.rdl", "CSV", out, "--datasource",
               "AdventureWorks=" + src)
    check("TopCustomers without its Year parameter is refused",
          r.returncode != 0 and "rsReportParameterValueNotSet" in r.stderr,
          r.stderr)
    r = render("TopCustomersbyYTDSales.rdl", "CSV", out, "--datasource",
               "AdventureWorks=" + src, "--param", "Year=2013")
    check("TopCustomers renders for Year=2013", r.returncode == 0, r.stderr)
    lines = open(out, encoding="utf-8-sig").read().splitlines()
    expect_eq("TopCustomers header", lines[0],
              "CustomerID,CustomerName,YTDSales")
    check("TopCustomers: at most 10 rows, names joined by '+' as text",
          1 <= len(lines) - 1 <= 10 and
          all(l.split(",")[1].startswith("Last") and " First" in l
              for l in lines[1:]), lines)
    r = render("TopCustomersbyYTDSales.rdl", "CSV", out, "--datasource",
               "AdventureWorks=" + src, "--param", "Year=1999")
    check("a Year outside the dataset-driven valid values is refused",
          r.returncode != 0 and "not a valid value for parameter Year"
          in r.stderr, r.stderr)

    # SalesOrderGrouping: shared data source reference resolved to SQLite.
    ours = os.path.join(TMP, "sog.xlsx")
    r = render("SalesOrderGrouping.rdl", "EXCELOPENXML", ours,
               "--datasource", "AdventureWorks=" + src)
    check("SalesOrderGrouping renders to Excel", r.returncode == 0, r.stderr)
    if r.returncode != 0:
        done_testing()
    mine = sheet_rows(ours)
    expect_eq("same number of rows as SSRS's Excel file", len(mine),
              len(ssrs_rows))
    diffs = []
    for (rn, a), (_, b) in zip(ssrs_rows, mine):
        ea, eb = nonblank(a), nonblank(b)
        same = len(ea) == len(eb) and all(
            ca == cb and ta == tb and (va == vb or (
                ta == "n" and abs(va - vb) < 1e-6 * max(1, abs(va))))
            for (ca, ta, va), (cb, tb, vb) in zip(ea, eb))
        if not same:
            diffs.append("row %d: ssrs %r ours %r" % (rn, ea, eb))
    check("every cell's text or value and type equals SSRS's (%d rows)"
          % len(ssrs_rows), not diffs, *diffs[:10])
    # Column widths as SSRS computes them from the RDL's (1in = 13.71).
    def widths(path):
        with zipfile.ZipFile(path) as z:
            root = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
        return [round(float(c.get("width")), 2) for c in root.iter(M + "col")]
    wo, ws = widths(ours)[:5], widths(ssrs)[:5]
    check("column widths equal SSRS's within 0.02 characters",
          len(wo) == 5 and all(abs(a - b) <= 0.02 for a, b in zip(wo, ws)),
          wo, ws)
    # The parts a reader checks first: title, header, first group, totals.
    expect_eq("title row", nonblank(mine[0][1]),
              [("A", "s", "Sales Order")])
    expect_eq("grand total row", nonblank(mine[-1][1]),
              nonblank(ssrs_rows[-1][1]))

    # PDF: the title, grouped rows and long names wrapped (CanGrow).
    pdf = os.path.join(TMP, "sog.pdf")
    r = render("SalesOrderGrouping.rdl", "PDF", pdf, "--datasource",
               "AdventureWorks=" + src)
    check("SalesOrderGrouping renders to PDF", r.returncode == 0, r.stderr)
    t = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", pdf,
                        "-"], capture_output=True, text=True).stdout
    lines = t.splitlines()
    check("PDF page 1: title, header, first group and order",
          "Sales Order" in t and "Line Total" in t and
          "May 31, 2011 SO43659" in " ".join(t.split()), t[:800])
    check("PDF: a long product name wraps inside its column (CanGrow)",
          any(l.strip().startswith("Logo Jersey,") for l in lines), t[:1500])
    info = subprocess.run(["pdfinfo", pdf], capture_output=True,
                          text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    t = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages),
                        "-layout", pdf, "-"], capture_output=True,
                       text=True).stdout
    check("PDF: the grand total is on the last page (%d pages)" % pages,
          pages > 100 and re.search(r"Grand Total\s+64569\s+\$1780769\.91",
                                    t), t[-600:])

    # CSV and XML of the same report: the group value repeats per record.
    out = os.path.join(TMP, "sog.csv")
    r = render("SalesOrderGrouping.rdl", "CSV", out, "--datasource",
               "AdventureWorks=" + src)
    lines = open(out, encoding="utf-8-sig").read().splitlines()
    expect_eq("SalesOrderGrouping CSV header", lines[0],
              "Textbox15,Textbox16,textbox10,textbox11,Date,Order,Product,"
              "Qty,LineTotal")
    expect_eq("SalesOrderGrouping CSV records: one per detail row",
              len(lines) - 1, sum(1 for _, c in ssrs_rows[2:-1]
                                  if dict((k, v) for k, _, v in c).get("C")
                                  not in ("Daily Total",)))
    done_testing()


if __name__ == "__main__":
    main()
