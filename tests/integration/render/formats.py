"""PDF, Excel and HTML renders of the sample reports, checked with real
readers: pdfinfo and pdftotext (poppler) for page count, page numbers,
header and footer text, repeated column headers and pages across; the
.xlsx unzipped and its XML parsed for cell values and types; the HTML
parsed for the viewer's parameter form, page links (First/Previous/Next/
Last and "Page N of M" right on every page) and export links.
"""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import *  # noqa: E402,F403

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DB = os.path.join(TMP, "sales.db")
subprocess.run([os.path.join(SRC, "samples", "make-db.sh"), DB], check=True)


def render(name, fmt, out, *extra):
    r = run("rsrender", os.path.join(SRC, "samples", "reports", name + ".rdl"),
            "--format", fmt, "--out", out, "--datasource", "Sales=sqlite:" + DB,
            *extra)
    check("%s renders to %s" % (name, fmt), r.returncode == 0, r.stderr)
    return r


def pdfinfo(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True,
                         text=True).stdout
    return dict(l.split(":", 1)[0].strip() and
                (l.split(":", 1)[0].strip(), l.split(":", 1)[1].strip())
                for l in out.splitlines() if ":" in l)


def pdftext(path, page):
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l",
                           str(page), path, "-"], capture_output=True,
                          text=True).stdout


def test_pdf():
    out = os.path.join(TMP, "summary.pdf")
    render("SalesSummary", "PDF", out)
    info = pdfinfo(out)
    pages = int(info.get("Pages", "0"))
    # 120 rows of 18pt under a 0.5in header and a 0.4in footer on letter.
    expect_eq("SalesSummary PDF has 4 pages", pages, 4)
    expect_eq("PDF title is the report name", info.get("Title"),
              "SalesSummary")
    check("PDF page size is letter", "612 x 792" in info.get("Page size", ""),
          info)
    for p in range(1, pages + 1):
        t = pdftext(out, p)
        check("page %d has the page header" % p,
              "Monthly Sales Summary" in t, t[:300])
        check("page %d footer says Page %d of %d" % (p, p, pages),
              "Page %d of %d" % (p, pages) in t, t[-300:])
        check("page %d repeats the column headers" % p,
              re.search(r"Month\s+Region\s+Sales Lines\s+Amount", t), t[:400])
        first = re.search(r"^(\d{4}-\d\d)\s", t, re.M)
        check("page %d header: ReportItems!Month is the page's first month"
              % p, first and ("From " + first.group(1)) in t, t[:500])
    t = pdftext(out, 1)
    check("first data row on page 1", re.search(
        r"2024-01\s+Central\s+849\s+977,247\.56", t), t[:600])
    t = pdftext(out, pages)
    check("last data row on the last page", re.search(
        r"2025-12\s+West\s+\d+\s+[\d,]+\.\d\d", t), t[-600:])

    out = os.path.join(TMP, "wide.pdf")
    render("SalesWide", "PDF", out)
    expect_eq("the wide report pages across: 2 pages", pdfinfo(out)
              .get("Pages"), "2")
    t1, t2 = pdftext(out, 1), pdftext(out, 2)
    check("page 1 has Product..Jun", "Product" in t1 and "Jun" in t1 and
          "Total" not in t1, t1[:500])
    check("page 2 has Jul..Total", "Jul" in t2 and "Total" in t2 and
          "Jan" not in t2, t2[:500])


def sheet(path):
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
        styles = ET.fromstring(z.read("xl/styles.xml"))
        wb = ET.fromstring(z.read("xl/workbook.xml"))
    fmts = {n.get("numFmtId"): n.get("formatCode")
            for n in styles.iter(M + "numFmt")}
    xfs = [x.get("numFmtId") for x in styles.find(M + "cellXfs")
           .findall(M + "xf")]
    rows = []
    for r in root.iter(M + "row"):
        cells = {}
        for c in r.findall(M + "c"):
            col = "".join(ch for ch in c.get("r") if ch.isalpha())
            t = c.get("t")
            fmt = fmts.get(xfs[int(c.get("s", "0"))], "")
            if t == "inlineStr":
                cells[col] = ("s", "".join(x.text or "" for x in
                                           c.iter(M + "t")), fmt)
            elif c.find(M + "v") is not None:
                cells[col] = ("n", float(c.find(M + "v").text), fmt)
        rows.append(cells)
    names = [s.get("name") for s in wb.iter(M + "sheet")]
    return rows, names


def test_xlsx():
    out = os.path.join(TMP, "region.xlsx")
    render("SalesByRegion", "EXCELOPENXML", out)
    rows, names = sheet(out)
    expect_eq("one worksheet named after the report", names,
              ["SalesByRegion"])
    expect_eq("title in A1", rows[0].get("A", ("", ""))[:2],
              ("s", "Bike Sales by Region"))
    expect_eq("header row", [rows[1][c][1] for c in "ABCDE"],
              ["Region", "Category", "Product", "Quantity", "Amount"])
    first = rows[2]
    expect_eq("detail: text cells are strings", first["A"][:2],
              ("s", "Central"))
    expect_eq("detail: Quantity is a number with format #,##0",
              (first["D"][0], first["D"][2]), ("n", "#,##0"))
    expect_eq("detail: Amount is a number with format #,##0.00",
              (first["E"][0], first["E"][2]), ("n", "#,##0.00"))
    totals = [r for r in rows if r.get("A", ("", ""))[1] == "Total Central"]
    check("group subtotal row is there", len(totals) == 1, rows[:10])
    det = [r for r in rows[2:] if r.get("A", ("", ""))[1] == "Central"]
    check("subtotal equals the sum of its detail rows",
          abs(totals[0]["E"][1] - sum(r["E"][1] for r in det)) < 0.01,
          totals, det)
    grand = rows[-1]
    expect_eq("grand total label", grand["A"][1], "Grand Total")
    allsum = sum(r["E"][1] for r in rows[2:] if "E" in r and
                 r.get("A", ("", ""))[1] in ("Central", "East", "North",
                                             "South", "West"))
    check("grand total equals the sum of all detail rows",
          abs(grand["E"][1] - allsum) < 0.01, grand, allsum)

    out = os.path.join(TMP, "month.xlsx")
    render("SalesByMonth", "EXCELOPENXML", out, "--param", "Region=East",
           "--param", "Year=2024")
    rows, _ = sheet(out)
    expect_eq("currency cells carry an Excel currency format",
              rows[3]["C"][2], '"$"#,##0.00;("$"#,##0.00)')
    with zipfile.ZipFile(out) as z:
        x = z.read("xl/worksheets/sheet1.xml").decode()
    check("page setup from the report's Page: letter, portrait, 0.5in "
          "margins", '<pageSetup paperSize="1" orientation="portrait"/>' in x
          and '<pageMargins left="0.5" right="0.5" top="0.5" bottom="0.5"'
          in x, x[-600:])


class Parser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html():
    out = os.path.join(TMP, "month.html")
    url = "/ReportServer?/Samples/SalesByMonth"
    render("SalesByMonth", "HTML5", out, "--url", url, "--param",
           "Region=South")
    page = open(out, encoding="utf-8").read()
    p = Parser()
    p.feed(page)
    forms = [a for t, a in p.tags if t == "form"]
    expect_eq("the viewer's parameter form submits by GET to the web service",
              [(f.get("method"), f.get("action")) for f in forms],
              [("get", "/ReportServer")])
    hidden = [a.get("name") for t, a in p.tags
              if t == "input" and a.get("type") == "hidden"]
    expect_eq("the item path is the form's first field", hidden[:2],
              ["/Samples/SalesByMonth", "rs:Command"])
    selects = [a.get("name") for t, a in p.tags if t == "select"]
    expect_eq("drop-downs for both parameters", selects, ["Region", "Year"])
    check("the Region drop-down comes from the Regions dataset, South chosen",
          '<option value="South" selected>South</option>' in page and
          '<option value="Central">Central</option>' in page, page[:2000])
    links = [a.get("href") for t, a in p.tags if t == "a"]
    check("export links keep the parameters",
          url + "&Region=South&Year=2025&rs:Format=PDF" in links, links)
    check("one page (12 months): no page links, so no Next to a page "
          "that does not exist", not any("rc:Section" in l for l in links),
          links)
    check("no script in the viewer", "<script" not in page)
    m = re.search(r'<div id="Title"[^>]* class="rs-textbox (c\d+)"', page)
    check("constant styles are CSS classes in the head (the title's: 16pt "
          "bold)", m and re.search(r"\.%s\{[^}]*font-size:16pt;"
                                   r"font-weight:bold;" % m.group(1), page),
          page[:2500])
    check("the table is there with 12 months and a total",
          page.count("<tr") == 14 and "December" in page, page[-1500:])

    render("SalesByMonth", "HTML5", out, "--url",
           "/ReportServer?%2FSamples%2FSales+By+Month")
    page = open(out, encoding="utf-8").read()
    check("a percent-encoded item path becomes the form's first field",
          '<input type="hidden" name="/Samples/Sales By Month" value="">'
          in page, page[:1500])

    out = os.path.join(TMP, "summary.html")
    render("SalesSummary", "HTML5", out, "--devinfo", "Section=2")
    page = open(out, encoding="utf-8").read()
    check("rc:Section=2 shows the second soft page only",
          "2024-01" not in page and "Page 2 of" in page, page[-800:])
    out = os.path.join(TMP, "all.html")
    render("SalesSummary", "HTML5", out, "--devinfo", "Section=0",
           "--devinfo", "Toolbar=false")
    page = open(out, encoding="utf-8").read()
    check("rc:Section=0 shows every row; rc:Toolbar=false drops the toolbar",
          page.count("<tr") == 120 + 4 and 'class="rs-toolbar"' not in page,
          page.count("<tr"))
    out = os.path.join(TMP, "frag.html")
    render("ProductList", "HTML5", out, "--devinfo", "HTMLFragment=true")
    page = open(out, encoding="utf-8").read()
    check("rc:HTMLFragment=true gives no <html> or <body>",
          "<html" not in page and "<body" not in page and "<table" in page,
          page[:300])



def test_mhtml():
    """MHTML: a multipart/related message (Python's email parser reads
    it), the report's HTML with its embedded image as a part named by
    cid:, and Chromium opens the archive and shows the table."""
    import base64
    import email
    from email import policy
    out = os.path.join(TMP, "products.mhtml")
    render("ProductList", "MHTML", out)
    msg = email.message_from_bytes(open(out, "rb").read(),
                                   policy=policy.default)
    parts = list(msg.iter_parts()) if msg.is_multipart() else []
    expect_eq("MHTML: multipart/related, the HTML first, then its image",
              (msg.get_content_type(), [x.get_content_type() for x in parts],
               msg.get_param("type")),
              ("multipart/related", ["text/html", "image/png"], "text/html"))
    if len(parts) != 2:
        return
    html = parts[0].get_content()
    cid = parts[1]["Content-ID"].strip("<>")
    check("the HTML names the image by its part's Content-ID, no data: URI "
          "left", ('src="cid:%s"' % cid) in html and "data:" not in html,
          cid, re.findall(r'src="[^"]{0,40}', html))
    rdl = open(os.path.join(SRC, "samples", "reports",
                            "ProductList.rdl")).read()
    want = base64.b64decode(re.search(r"<ImageData>([^<]+)</ImageData>",
                                      rdl).group(1))
    check("the image part is the report's embedded image, byte for byte",
          parts[1].get_content() == want)
    check("the HTML is the whole report, without the viewer's toolbar",
          "</html>" in html and "rs-toolbar\"" not in html and
          html.count("<tr") > 10, html.count("<tr"))
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        ok("skipped: no headless Chromium installed")
        return
    dom = subprocess.run([browser, "--headless", "--no-sandbox",
                          "--disable-gpu", "--dump-dom", "file://" + out],
                         capture_output=True, text=True, timeout=60).stdout
    expect_eq("Chromium opens the archive: its DOM has the report's rows",
              dom.count("<tr"), html.count("<tr"))


def toolbar_of(page):
    """(page text, {class: rc:Section} of the page links) of a viewer."""
    m = re.search(r'<span class="rs-pages">(.*?)</span>\n', page)
    if m is None:
        return None, {}
    links = dict((cls, int(n)) for n, cls in re.findall(
        r'<a href="[^"]*rc:Section=(\d+)" class="(rs-[a-z]+)">', m.group(1)))
    no = re.search(r'<span class="rs-pageno">([^<]*)</span>', m.group(1))
    return no.group(1) if no else None, links


def test_html_paging():
    """The toolbar knows the page count before the first page is sent."""
    url = "/ReportServer?/Samples/SalesSummary"
    want = {1: {"rs-next": 2, "rs-last": 4, "rs-all": 0},
            2: {"rs-first": 1, "rs-prev": 1, "rs-next": 3, "rs-last": 4,
                "rs-all": 0},
            3: {"rs-first": 1, "rs-prev": 2, "rs-next": 4, "rs-last": 4,
                "rs-all": 0},
            4: {"rs-first": 1, "rs-prev": 3, "rs-all": 0}}
    for n in range(1, 5):
        out = os.path.join(TMP, "paged%d.html" % n)
        render("SalesSummary", "HTML5", out, "--url", url, "--devinfo",
               "Section=%d" % n)
        page = open(out, encoding="utf-8").read()
        text, links = toolbar_of(page)
        expect_eq("page %d of 4: the toolbar says so" % n, text,
                  "Page %d of 4" % n)
        expect_eq("page %d of 4: First/Previous only after the first, "
                  "Next/Last only before the last" % n, links, want[n])
        foot = re.findall(r'<div class="rs-footer">.*?</div></div>', page)
        check("page %d: the footer's TotalPages is 4, not the pages so far"
              % n, len(foot) == 1 and ">Page %d of 4<" % n in foot[0], foot)
    out = os.path.join(TMP, "pagedall.html")
    render("SalesSummary", "HTML5", out, "--url", url, "--devinfo",
           "Section=0")
    page = open(out, encoding="utf-8").read()
    expect_eq("every page at once: 'All 4 pages', a way back to page 1",
              toolbar_of(page), ("All 4 pages", {"rs-paged": 1}))
    expect_eq("... and each page's footer has its number and the total",
              re.findall(r">Page (\d) of (\d)<", page),
              [("1", "4"), ("2", "4"), ("3", "4"), ("4", "4")])
    out = os.path.join(TMP, "paged5.html")
    r = run("rsrender", os.path.join(SRC, "samples", "reports",
                                     "SalesSummary.rdl"), "--format",
            "HTML5", "--out", out, "--datasource", "Sales=sqlite:" + DB,
            "--devinfo", "Section=5")
    check("rc:Section=5 of 4 pages is refused, with the count (exit 64)",
          r.returncode == 64 and "has 4 pages" in r.stderr and
          not os.path.exists(out), r.returncode, r.stderr)
    out = os.path.join(TMP, "onepage.html")
    render("ProductList", "HTML5", out, "--url",
           "/ReportServer?/Samples/ProductList")
    page = open(out, encoding="utf-8").read()
    expect_eq("a one-page report: 'Page 1 of 1' and no page links",
              toolbar_of(page), ("Page 1 of 1", {}))
    check("... and its export links are still there",
          "rs:Format=PDF" in page, page[:2000])


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB/RGBA PNG."""
    import struct
    import zlib
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 4 if ctype == 6 else 3
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], None
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i] if prev else 0
            c = prev[i - bpp] if prev and i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        prev = line
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
    return w, h, rows


def test_images():
    base = os.path.join(TMP, "plist")
    render("ProductList", "PDF", base + ".pdf")
    out = subprocess.run(["pdfimages", "-list", base + ".pdf"],
                         capture_output=True, text=True).stdout
    check("the embedded logo is an image in the PDF (pdfimages)",
          re.search(r"\n\s+1\s+0\s+image\s+32\s+32\s+rgb", out), out)
    render("ProductList", "HTML5", base + ".html")
    page = open(base + ".html", encoding="utf-8").read()
    check("the embedded logo is a data: URL in the HTML",
          '<img alt="LogoImage" src="data:image/png;base64,iVBORw0KGgo'
          in page, page[:1500])
    render("ProductList", "EXCELOPENXML", base + ".xlsx")
    with zipfile.ZipFile(base + ".xlsx") as z:
        check("the embedded logo is a picture in the workbook",
              "xl/media/image1.png" in z.namelist(), z.namelist())


def test_pagebreak():
    """ENTERDATA, a group page break and a repeated header row."""
    rdl = os.path.join(SRC, "tests", "integration", "render", "pagebreak.rdl")

    def rr(fmt, out, *extra):
        r = run("rsrender", rdl, "--format", fmt, "--out", out, *extra)
        check("pagebreak.rdl (ENTERDATA) renders to " + fmt,
              r.returncode == 0, r.stderr)

    out = os.path.join(TMP, "pb.pdf")
    rr("PDF", out)
    expect_eq("a page per region group", pdfinfo(out).get("Pages"), "3")
    for page, region, total in ((1, "A", 7), (2, "B", 11), (3, "C", 15)):
        t = pdftext(out, page)
        check("PDF page %d: the header row again, region %s only, its "
              "total, Page %d of 3" % (page, region, page),
              re.search(r"Region\s+Item\s+Amount", t) and
              re.search(r"Total %s\s+%d" % (region, total), t) and
              "Page %d of 3" % page in t and
              all(("Total " + o) not in t for o in "ABC" if o != region), t)
    out = os.path.join(TMP, "pb.xlsx")
    rr("EXCELOPENXML", out)
    with zipfile.ZipFile(out) as z:
        sheets = sorted(n for n in z.namelist()
                        if n.startswith("xl/worksheets/sheet"))
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        texts = []
        for n in sheets:
            root = ET.fromstring(z.read(n))
            texts.append(["".join(x.text or "" for x in c.iter(M + "t"))
                          for c in root.iter(M + "c")])
    expect_eq("Excel: a worksheet per page break",
              [s.get("name") for s in wb.iter(M + "sheet")],
              ["pagebreak", "pagebreak 2", "pagebreak 3"])
    check("each worksheet starts with the header row and holds its group",
          all(t[:3] == ["Region", "Item", "Amount"] for t in texts) and
          "bananas" in texts[1] and "bananas" not in texts[0], texts)
    out = os.path.join(TMP, "pb.csv")
    rr("CSV", out)
    lines = open(out, encoding="utf-8-sig").read().splitlines()
    expect_eq("CSV ignores page breaks: 6 records", lines,
              ["TotalLabel,Total,Region,Item,Amount",
               "Total A,7,A,apples,3", "Total A,7,A,apricots,4",
               "Total B,11,B,bananas,5", "Total B,11,B,blueberries,6",
               "Total C,15,C,cherries,7", "Total C,15,C,currants,8"])
    out = os.path.join(TMP, "pb.html")
    rr("HTML5", out, "--devinfo", "Section=2")
    page = open(out, encoding="utf-8").read()
    check("HTML: rc:Section=2 is the second group's page",
          ">bananas<" in page and ">apples<" not in page and
          ">Region<" in page, page[-1500:])


def test_matrix():
    """Column groups: years across, regions down, totals both ways."""
    import sqlite3
    rdl = os.path.join(SRC, "tests", "integration", "render", "matrix.rdl")
    con = sqlite3.connect(DB)
    q = dict(((r, y), n) for r, y, n in con.execute(
        "SELECT r.Name, strftime('%Y', s.SaleDate), SUM(s.Quantity) FROM "
        "Sales s JOIN Region r ON r.RegionID = s.RegionID GROUP BY 1, 2"))
    con.close()
    regions = sorted(set(r for r, _ in q))
    years = sorted(set(y for _, y in q))

    def rr(fmt, out):
        r = run("rsrender", rdl, "--format", fmt, "--out", out,
                "--datasource", "Sales=sqlite:" + DB)
        check("the matrix renders to " + fmt, r.returncode == 0, r.stderr)

    out = os.path.join(TMP, "mx.pdf")
    rr("PDF", out)
    lines = [l.split() for l in pdftext(out, 1).splitlines() if l.strip()]
    want = [["Region"] + years + ["Total"]]
    for reg in regions:
        want.append([reg] + ["{:,}".format(q[reg, y]) for y in years] +
                    ["{:,}".format(sum(q[reg, y] for y in years))])
    want.append(["Total"] + ["{:,}".format(sum(q[r, y] for r in regions))
                             for y in years] +
                ["{:,}".format(sum(q.values()))])
    expect_eq("PDF: the corner, a column per year and a total column, a row "
              "per region and a total row, each cell summed in its row and "
              "column", lines, want)
    out = os.path.join(TMP, "mx.csv")
    rr("CSV", out)
    lines = open(out, encoding="utf-8-sig").read().splitlines()
    check("CSV: one record per region and year (columns nest in rows)",
          lines[0] == "Region,Year,Quantity" and
          '%s,%s,"%s"' % (regions[0], years[0], "{:,}".format(
              q[regions[0], years[0]])) in lines, lines[:5])
    out = os.path.join(TMP, "mx.xml")
    rr("XML", out)
    x = open(out, encoding="utf-8").read()
    check("XML: YearGroup instances inside each RegionGroup",
          ('<RegionGroup Region="%s"><YearGroup_Collection><YearGroup '
           'Year="%s" Quantity="%d" />' % (regions[0], years[0],
                                           q[regions[0], years[0]])) in x,
          x[:600])


def test_chromium():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        ok("skipped: no headless Chromium installed")
        return
    out = os.path.join(TMP, "region.html")
    render("SalesByRegion", "HTML5", out, "--url",
           "/ReportServer?/Samples/SalesByRegion")
    shot = os.path.join(TMP, "region.png")
    r = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--screenshot=" + shot,
                        "--window-size=800,1000", "file://" + out],
                       capture_output=True, text=True, timeout=60)
    check("headless Chromium takes a screenshot of the HTML5 render",
          os.path.exists(shot), r.stderr[-500:])
    if not os.path.exists(shot):
        return
    w, h, px = png_pixels(shot)
    expect_eq("screenshot size", (w, h), (800, 1000))
    steel = sum(1 for row in px for p in row if p == (0x46, 0x82, 0xB4))
    total = sum(1 for row in px for p in row if p == (0xB0, 0xC4, 0xDE))
    check("the SteelBlue header and grand-total cells are painted "
          "(%d pixels)" % steel, steel > 5000, steel)
    check("the LightSteelBlue subtotal rows are painted (%d pixels)" % total,
          total > 5000, total)
    dom = subprocess.run([browser, "--headless", "--no-sandbox",
                          "--disable-gpu", "--dump-dom", "file://" + out],
                         capture_output=True, text=True, timeout=60).stdout
    expect_eq("the browser's DOM has the 32 table rows", dom.count("<tr"), 32)


test_pdf()
test_xlsx()
test_html()
test_mhtml()
test_html_paging()
test_images()
test_pagebreak()
test_matrix()
test_chromium()
done_testing()
