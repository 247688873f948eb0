#!/usr/bin/env python3
"""tests/integration/reportserver/viewer.py: the portal's report viewer.

The samples (SalesSummary: 4 pages; ProductList: 1 page), the test report
ViewerParams.rdl (a date, a nullable date, a multi-value list, a cascading
pair Category -> Products, a number, a Boolean, a hidden parameter) and a
report whose query fails are published to the real server behind httpsvc.

Without a browser (http.client, as a client without JavaScript sees it):
  - a report's name in a folder opens /Reports/report/PATH; the row's
    actions menu (<details>) has Open and Manage;
  - the viewer has the portal's header, breadcrumbs and a back link; a
    strict policy: script only from the server ('self'), and no inline
    script in the page; portal.js is served as JavaScript;
  - the toolbar: "Page N of M", page links, a page box, zoom, find, the
    export menu with friendly names (links to URL access with every
    parameter value) and the formats the server does not render listed
    as not available, refresh, print; a page past the last is clamped;
  - the pane: a date control whose value is "2024-01-01", a NULL box, a
    multi-value list with Select all, a drop-down, a number box, Boolean
    radios; the hidden parameter is not shown; a bad number, a value no
    longer valid after its parent changed (the child list re-queried), an
    empty multi-value list each get a message beside the field and no
    render; Select all picks every value; NULL wins over a value;
  - find goes to the page that has the text and marks it; not found says so;
  - a failing render shows rsProcessingAborted and a sentence in the page;
  - print is an inline PDF; a data source or a missing item is refused.
In Chromium (viewer.js): open from the portal, page, page box, zoom, find
and find next, set a date and a second multi-value item, change the
cascading parent (re-queried in place), View Report, export PDF and CSV
(files checked: PDF magic and pdftotext, CSV rows) and print (a PDF).
Screenshots are kept in $RS_TEST_BUILD/artifacts/.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402
import browser  # noqa: E402


def publish(env):
    db = os.path.join(lib.ROOT, "data", "sales.db")
    os.makedirs(os.path.dirname(db), exist_ok=True)
    r = subprocess.run([os.path.join(lib.SRC, "samples", "make-db.sh"), db],
                       capture_output=True, text=True)
    lib.check("the sample database is made", r.returncode == 0, r.stderr)
    env.api("POST", "/Folders", {"Path": "/Samples"})
    st, _, _ = env.api("POST", "/DataSources", {
        "Path": "/Samples/Sales", "ConnectionString": db,
        "DataSourceType": "SQLITE"})
    lib.expect_eq("the samples' shared data source", st, 201)
    for name in ("SalesSummary", "ProductList", "ViewerParams", "Broken"):
        here = os.path.join(lib.SRC, "samples", "reports", name + ".rdl")
        if name == "ViewerParams":
            here = os.path.join(os.path.dirname(__file__), name + ".rdl")
        elif name == "Broken":
            here = here.replace("Broken", "ProductList")
        with open(here, "rb") as f:
            data = f.read()
        if name == "Broken":
            data = data.replace(b"FROM Product", b"FROM NoSuchTable")
        st, _, _ = env.api("POST", "/Reports", {
            "Path": "/Samples/" + name, "Content": suite.b64(data)})
        lib.expect_eq("upload " + name, st, 201)


def get(env, path):
    st, h, text, raw = env.admin("GET", path)
    return st, h, text


def field(text, name):
    """The pane's field of parameter name."""
    start = text.find('<div class="rv-field" data-param="%s">' % name)
    if start < 0:
        return ""
    ends = [i for i in (text.find('<div class="rv-field"', start + 1),
                        text.find('<button type="submit" class="rv-apply"',
                                  start)) if i > 0]
    return text[start:min(ends)] if ends else text[start:]


def t_folder(env):
    st, h, page = get(env, "/Reports/browse/Samples")
    row = re.search(r"<tr>.*?>SalesSummary</a></th>.*?</tr>", page, re.S)
    row = row.group(0) if row else ""
    lib.check("a report's name in the folder opens the portal's viewer",
              '<th scope="row"><a href="/Reports/report/Samples/'
              'SalesSummary">SalesSummary</a>' in row, row[:600])
    lib.check("... and the row's actions menu (<details>) has Open and "
              "Manage", '<details class="menu"><summary>Actions' in row and
              '<a class="manage" href="/Reports/item/Samples/SalesSummary">'
              'Manage' in row and ">Open</a>" in row, row[-900:])
    st, h, page = get(env, "/Reports/item/Samples/SalesSummary")
    lib.check("the item page's View report opens the viewer",
              '<a class="view" href="/Reports/report/Samples/SalesSummary">'
              'View report</a>' in page, st)


def t_chrome(env):
    st, h, page = get(env, "/Reports/report/Samples/SalesSummary")
    lib.expect_eq("the viewer answers 200", st, 200)
    lib.check("... inside the portal: header, breadcrumbs, a back link",
              "<header>" in page and 'nav class="crumbs"' in page and
              '<a href="/Reports/browse/Samples">Samples</a>' in page and
              '<a href="/Reports/report/Samples/SalesSummary" aria-current='
              '"page">SalesSummary</a>' in page and
              '<a class="rv-back" href="/Reports/browse/Samples">' in page,
              page[:1500])
    csp = h.get("content-security-policy", "")
    lib.check("... a strict policy: script only from the server, no inline "
              "script, no framing", "script-src 'self';" in csp and
              "unsafe-inline'; img" in csp and "'unsafe-eval'" not in csp and
              "frame-ancestors 'none'" in csp and
              re.search(r"script-src[^;]*unsafe-inline", csp) is None, csp)
    scripts = re.findall(r"<script\b[^>]*>", page)
    lib.check("... its one script comes from /Reports/assets, none inline",
              len(scripts) == 1 and 'src="/Reports/assets/portal.js' in
              scripts[0] and not re.search(r"<script[^>]*>[^<]", page) and
              " on" + "click=" not in page, scripts)
    lib.check("... nothing private is cached", "no-store" in
              h.get("cache-control", ""), h.get("cache-control"))
    st, h, js = get(env, "/Reports/assets/portal.js")
    lib.check("portal.js is served as JavaScript", st == 200 and
              h.get("content-type", "").startswith("text/javascript") and
              "rv-requeried" in js, st, h.get("content-type"))
    st, h, _ = get(env, "/Reports/assets/nothing.js")
    lib.expect_eq("... an unknown asset is 404", st, 404)
    return page


def t_toolbar(env, page):
    lib.check("the toolbar says Page 1 of 4, Next and Last link to pages 2 "
              "and 4, First/Previous are off",
              '<span class="rv-pageof" role="status">Page 1 of 4</span>' in
              page and re.search(r'class="rv-next" href="[^"]*rv:page=2"',
                                 page) and
              re.search(r'class="rv-last" href="[^"]*rv:page=4"', page) and
              '<span class="off rv-first"' in page, page[:3000])
    lib.check("... a page box, zoom (page width, whole page, percentages), "
              "find and find next",
              'id="rv-pageno" name="rv:page"' in page and
              '<option value="pagewidth">Page width' in page and
              '<option value="wholepage">Whole page' in page and
              '<option value="150">150%' in page and
              'name="rv:find"' in page and 'class="rv-findnext"' in page)
    menu = re.search(r'<details class="rv-menu rv-export">(.*?)</details>',
                     page, re.S)
    menu = menu.group(1) if menu else ""
    got = re.findall(r'<a data-format="([A-Z]+)" download href="([^"]*)">'
                     r'([^<]*)</a>', menu)
    lib.expect_eq("the export menu: friendly names of what the server "
                  "renders", [(f, n) for f, _, n in got],
                  [("EXCELOPENXML", "Excel"), ("PDF", "PDF"),
                   ("IMAGE", "Image (PNG)"), ("MHTML", "MHTML (web archive)"),
                   ("CSV", "CSV (comma delimited)"),
                   ("XML", "XML file with report data")])
    lib.expect_eq("... and the others listed as not available",
                  re.findall(r'<li class="off" data-format="([A-Z]+)">'
                             r'([^<]*) <span class="muted">\(not available',
                             menu),
                  [("WORDOPENXML", "Word"), ("PPTX", "PowerPoint"),
                   ("ATOM", "Data Feed")])
    lib.check("... each a URL access render",
              all(h.startswith("/ReportServer?%2fSamples%2fSalesSummary&amp;"
                               "rs:Command=Render&amp;rs:Format=" + f)
                  for f, h, _ in got), got)
    lib.check("... refresh and print (the print-ready PDF) are there",
              'class="rv-refresh" href="/Reports/report/Samples/'
              'SalesSummary?' in page and 'class="rv-print" target="_blank"'
              ' rel="noopener" href="/Reports/print/Samples/SalesSummary?'
              in page)
    st, h, p2 = get(env, "/Reports/report/Samples/SalesSummary?rv:page=2")
    lib.check("rv:page=2: Page 2 of 4 in the toolbar and in the footer",
              "Page 2 of 4</span>" in p2 and re.search(
                  r'class="rs-footer">.*?Page 2 of 4', p2, re.S), st)
    st, h, p9 = get(env, "/Reports/report/Samples/SalesSummary?rv:page=9")
    lib.check("a page past the last is clamped to the last, with a note",
              st == 200 and "Page 4 of 4</span>" in p9 and "page 9 is past "
              "the end, so its last page is shown" in p9, st)
    st, h, one = get(env, "/Reports/report/Samples/ProductList")
    lib.check("the one-page report: Page 1 of 1, no page links",
              "Page 1 of 1</span>" in one and 'class="rv-next" href' not in
              one and 'class="rv-first" href' not in one, st)
    for z, want in (("150", 'style="zoom:150%"'),
                    ("pagewidth", 'data-zoom="pagewidth"')):
        st, h, zp = get(env, "/Reports/report/Samples/ProductList?rv:zoom=" +
                        z)
        lib.check("zoom %s without script: %s, kept in the links" % (z, want),
                  want in zp and "rv:zoom=%s" % z in zp and
                  '<option value="%s" selected' % z in zp, st)


def t_find(env):
    st, h, p = get(env, "/Reports/report/Samples/SalesSummary?rv:view=1&"
                   "rv:page=1&rv:find=2025-05&rv:findnext=0")
    hits = re.findall(r'<mark class="rv-hit"[^>]*>([^<]*)</mark>', p)
    lib.check("find goes to the page that has the text (3 of 4) and marks "
              "every match there", "Page 3 of 4</span>" in p and
              hits == ["2025-05"] * 5 and 'id="rv-first-hit"' in p,
              st, hits)
    st, h, p = get(env, "/Reports/report/Samples/SalesSummary?rv:view=1&"
                   "rv:page=3&rv:find=2025-05&rv:findnext=1")
    lib.check("find next past the last page with it says so",
              "No more matches for &quot;2025-05&quot; from page 4 to the "
              "end of the report." in p and "Page 3 of 4</span>" in p, st)
    st, h, p = get(env, "/Reports/report/Samples/SalesSummary?rv:find="
                   "nowhere-xyz")
    lib.check("a text that is not in the report says so",
              "&quot;nowhere-xyz&quot; is not in the report." in p and
              "<mark" not in p, st)
    st, h, p = get(env, "/Reports/report/Samples/SalesSummary?rv:find=td")
    lib.check("find never marks inside markup", "<mark" not in p, st)


def t_pane(env):
    st, h, p = get(env, "/Reports/report/Samples/ViewerParams")
    lib.expect_eq("the parameter report renders with its defaults", st, 200)
    lib.check("the pane is a <details>, open, with View Report",
              '<details class="rv-pane" id="rv-pane" open><summary>'
              'Parameters</summary>' in p and
              '<button type="submit" class="rv-apply">View Report</button>'
              in p)
    f = field(p, "From")
    lib.check("a DateTime default shows in a date control as 2024-01-01, "
              "not 2024-01-01T00:00:00", '<input type="date" id="rv-p0" '
              'name="From" value="2024-01-01">' in f and
              '<label for="rv-p0">From date</label>' in f, f)
    f = field(p, "To")
    lib.check("a nullable one has a NULL box", 'name="To:isnull" '
              'value="true"> NULL' in f, f)
    f = field(p, "Regions")
    lib.check("a multi-value list: boxes, the default ticked, Select all",
              '<legend>Regions</legend>' in f and 'name="rv:all" value='
              '"Regions">' in f and 'value="North" checked> North' in f and
              'value="South"> South' in f, f)
    f = field(p, "Category")
    lib.check("valid values: a drop-down with the default selected",
              '<select id="rv-p3" name="Category">' in f and
              '<option value="Bikes" selected> Bikes</option>' in f, f)
    f = field(p, "Product")
    lib.check("the cascading child lists the Bikes, all ticked by its "
              "dataset default", f.count("checked") == 6 and "Road Bike" in f
              and "Helmet" not in f, f)
    lib.check("a number box and Boolean radios",
              'type="number" step="1" inputmode="numeric" id="rv-p5" name='
              '"MinQty" value="1"' in field(p, "MinQty") and
              'type="radio" name="ShowTotal" value="true" checked> True' in
              field(p, "ShowTotal"))
    lib.check("the hidden parameter is not shown",
              'data-param="Note"' not in p and ">Note<" not in p)
    lib.check("... the report ran with the defaults",
              "Sales from 2024-01-01 in North (Bikes)" in p)
    lib.check("... and the export links carry every value in force",
              "rs:Format=PDF&amp;From=2024-01-01T00%3a00%3a00" in p and
              "Regions=North" in p and "Product=Road+Bike" in p and
              "Note=internal+note" in p, re.findall(r'href="([^"]*PDF[^"]*)"',
                                                    p)[:1])

    base = "/Reports/report/Samples/ViewerParams?rv:view=1&rv:has=Regions&" \
        "rv:has=Product&From=2024-01-01&Regions=North&" \
        "ShowTotal=true&To=2024-03-31"
    st, h, p = get(env, base + "&Category=Accessories&Product=Road+Bike&"
                   "MinQty=abc")
    f = field(p, "Product")
    lib.check("no script: the parent changed, the child list is re-queried "
              "and its old value gets a message beside it",
              "Helmet" in f and 'value="Road Bike"' not in f and
              '<p class="rv-msg" id="rv-p4-msg" role="alert">Choose one of '
              'the values in the list.' in f, f)
    f = field(p, "MinQty")
    lib.check("... a bad number: 'Enter a whole number.' beside it, what "
              "was typed kept", 'value="abc" aria-describedby="rv-p5-msg" '
              'aria-invalid="true"' in f and "Enter a whole number." in f, f)
    lib.check("... and the report is not run", 'id="rv-canvas"' not in p and
              'class="rv-bar"' not in p)
    st, h, p = get(env, base.replace("&Regions=North", "") +
                   "&Category=Bikes&Product=Road+Bike&MinQty=1")
    lib.check("a multi-value list with nothing ticked: 'Choose at least one "
              "value.'", "Choose at least one value." in field(p, "Regions")
              and 'id="rv-canvas"' not in p, field(p, "Regions"))
    st, h, p = get(env, base + "&rv:all=Regions&Category=Bikes&Product="
                   "Road+Bike&To:isnull=true&MinQty=1")
    lib.check("Select all without script picks every region; NULL wins "
              "over the To date", "Sales from 2024-01-01 in Central, East, "
              "North, South, West (Bikes)" in p and "To%3aisnull=true" in p and
              'name="To:isnull" value="true" checked>' in p, st)
    many = "&".join("Regions=R%d" % i for i in range(300))
    st, h, p = get(env, base.replace("&Regions=North", "&" + many) +
                   "&Category=Bikes&Product=Road+Bike&MinQty=1")
    lib.check("300 values of one list fit in a query (each refused beside "
              "the list, none valid)", st == 200 and "Choose one of the "
              "values in the list." in field(p, "Regions"), st, p[:300])
    st, h, p = get(env, "/Reports/report/Samples/ViewerParams?rv:pane=only&"
                   "Category=Clothing")
    lib.check("rv:pane=only (portal.js) answers the pane alone, re-queried",
              p.startswith('<details class="rv-pane"') and "Jersey" in p and
              "<header>" not in p, p[:200])
    return base


def t_errors(env):
    st, h, p = get(env, "/Reports/report/Samples/Broken")
    lib.check("a failing render: the original's code and a sentence in the "
              "viewer, never a blank page", st == 500 and "<header>" in p and
              'class="error rv-error" role="alert"' in p and
              "An error has occurred during report processing." in p and
              "(rsProcessingAborted)" in p and "NoSuchTable" in p, st,
              p[-1500:])
    st, h, p = get(env, "/Reports/report/Samples/Sales")
    lib.check("a data source does not open in the viewer: 400 "
              "rsWrongItemType", st == 400 and "rsWrongItemType" in p, st)
    st, h, p = get(env, "/Reports/report/Samples/Nope")
    lib.check("a missing report: 404 rsItemNotFound", st == 404 and
              "rsItemNotFound" in p, st)


def pdf_text(data):
    path = os.path.join(lib.TMP, "check.pdf")
    with open(path, "wb") as f:
        f.write(data)
    r = subprocess.run(["pdftotext", path, "-"], capture_output=True,
                       text=True)
    return r.stdout


def t_print(env, base):
    st, h, _, raw = env.admin("GET", base.replace("/report/", "/print/") +
                              "&Category=Bikes&Product=Road+Bike&MinQty=1")
    lib.check("print: an inline PDF of the report", st == 200 and
              h.get("content-type") == "application/pdf" and
              raw.startswith(b"%PDF-") and h.get("content-disposition", "")
              .startswith("inline;"), st, h)
    lib.check("... with the parameters' values in it", "Sales from "
              "2024-01-01 in North (Bikes)" in pdf_text(raw))


def t_browser(env):
    if shutil.which("chromium") is None or not os.path.isdir(
            os.path.join(browser.NODE_PATH, "playwright-core")):
        lib.ok("# SKIP chromium or playwright-core is not installed")
        return
    home = browser.trusted_home(env)
    build = os.environ.get("RS_TEST_BUILD") or os.path.dirname(lib.BIN)
    art = os.path.join(build, "artifacts")
    os.makedirs(art, exist_ok=True)
    p = subprocess.run(
        ["node", os.path.join(os.path.dirname(__file__), "viewer.js"),
         "https://localhost:%d" % env.port, "/Reports/browse/Samples",
         "admin", suite.ADMIN_PW, art],
        env=dict(os.environ, HOME=home, NODE_PATH=browser.NODE_PATH),
        capture_output=True, text=True, timeout=300)
    try:
        got = json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        got = {"error": p.stdout[-500:] + p.stderr[-1500:]}
    lib.check("Chromium goes through every journey", got.get("ok"),
              got.get("step"), got.get("error"), got.get("params"),
              got.get("net"))
    lib.expect_eq("... no Content-Security-Policy violation, no script "
                  "error", (got.get("csp"), got.get("errors")), ([], []))
    o = got.get("opened") or {}
    lib.check("the report's name opens the viewer in the portal",
              o.get("url") == "/Reports/report/Samples/SalesSummary" and
              o.get("crumbs") == ["Home", "Samples", "SalesSummary"] and
              "Back to Samples" in (o.get("back") or ""), o)
    lib.expect_eq("... and the row's menu shows Manage, to the item page",
                  (got.get("manage"), got.get("manageVisible")),
                  ("/Reports/item/Samples/SalesSummary", True))
    pages = got.get("pages", [])
    lib.expect_eq("clicking Next until it is gone: 4 pages, 'Page N of 4' "
                  "in the toolbar and the page footer",
                  [(x["pageof"], x["footer"]) for x in pages],
                  [("Page %d of 4" % n, "Page %d of 4" % n)
                   for n in range(1, 5)])
    lib.expect_eq("... First/Previous links after page 1, Next/Last before "
                  "page 4", [x["links"] for x in pages],
                  [["rv-next", "rv-last"]] +
                  [["rv-first", "rv-prev", "rv-next", "rv-last"]] * 2 +
                  [["rv-first", "rv-prev"]])
    lib.check("... every page has rows", all(x["rows"] > 10 for x in pages),
              pages)
    lib.expect_eq("First goes back to page 1, the page box to page 3",
                  ((got.get("first") or {}).get("pageof"),
                   (got.get("box") or {}).get("pageof")),
                  ("Page 1 of 4", "Page 3 of 4"))
    z = got.get("zoom") or {}
    try:
        w0, w2, wp = (z["before"]["width"], z["z200"]["width"],
                      z["zpw"]["width"])
        ok = abs(w2 / w0 - 2) < 0.05 and abs(wp - z["zpw"]["canvas"]) < \
            0.08 * z["zpw"]["canvas"] and z["z200"]["zoom"] == "2"
    except (KeyError, TypeError, ZeroDivisionError):
        ok = False
    lib.check("zoom: 200% doubles the report's width, page width fits the "
              "canvas, at once", ok, z)
    lib.expect_eq("... so the no-script Zoom button is hidden",
                  z.get("applyShown"), False)
    lib.check("... and the next page keeps the zoom",
              "rv%3Azoom=pagewidth" in (z.get("nextHref") or "") or
              "rv:zoom=pagewidth" in (z.get("nextHref") or ""), z)
    f = got.get("find") or {}
    lib.check("find: Enter goes to page 3, 5 matches marked, the first "
              "current", (f.get("at") or {}).get("pageof") == "Page 3 of 4"
              and (f.get("marks") or {}).get("n") == 5 and
              f["marks"].get("current") == 0, f)
    lib.check("... Find Next steps to the second match on the page without "
              "a new request", ((f.get("next") or {}).get("marks") or {})
              .get("current") == 1 and f["next"].get("same"), f)
    pr = got.get("params") or {}
    lib.expect_eq("the date control shows its default (Chromium accepts "
                  "the value)", (pr.get("dateType"), pr.get("dateDefault")),
                  ("date", "2024-01-01"))
    lib.check("changing the parent re-queries the child list in place "
              "(no new page), the date typed is kept",
              "Helmet" in [x.rstrip("*") for x in pr.get("productsAfter", [])]
              and "Road Bike" in pr.get("productsBefore", []) and
              pr.get("dateKept") == "2024-02-01", pr)
    lib.check("the NULL box disables its date", pr.get("toDisabled"), pr)
    lib.expect_eq("View Report applies the date, both regions and the "
                  "new category", (pr.get("title") or "").strip(),
                  "Sales from 2024-02-01 in North, South (Accessories)")
    lib.check("a hidden pane stays hidden on the next view, with the same "
              "values", pr.get("paneOpenAfter") is False and
              pr.get("titleAfter") == pr.get("title"), pr)
    ph = got.get("phone") or {}
    lib.check("at 360 px wide nothing but the report's own box scrolls "
              "sideways", ph and ph["width"] <= 360 and ph["bar"] <= 360 and
              ph["pane"] <= 360, ph)
    rows = pr.get("rows") or []
    lib.check("... its rows are accessories of North and South",
              len(rows) > 2 and any(r.startswith("South") for r in rows) and
              any("Helmet" in r for r in rows), rows[:4])
    ex = got.get("export") or {}
    lib.check("the export menu lists friendly names",
              any(x.startswith("Excel") for x in ex.get("menu", [])) and
              any("Word" in x and "not available" in x
                  for x in ex.get("menu", [])), ex.get("menu"))
    pdf = b""
    if (ex.get("pdf") or {}).get("file") and os.path.exists(ex["pdf"]["file"]):
        pdf = open(ex["pdf"]["file"], "rb").read()
    lib.check("the menu closes once a format is chosen", ex.get("closed"),
              ex)
    lib.check("export PDF: a PDF file named after the report, with the "
              "report's values", pdf.startswith(b"%PDF-") and
              ex["pdf"]["name"] == "ViewerParams.pdf" and
              "Sales from 2024-02-01 in North, South (Accessories)" in
              pdf_text(pdf), ex.get("pdf"))
    rows = []
    if (ex.get("csv") or {}).get("file") and os.path.exists(ex["csv"]["file"]):
        text = open(ex["csv"]["file"], encoding="utf-8-sig").read()
        rows = list(csv.reader(io.StringIO(text)))
    lib.check("export CSV: the title row, then Region,Product,Qty rows of "
              "North and South accessories", len(rows) > 4 and
              ["Region", "Product", "Qty"] in rows and
              any(r[:2] == ["South", "Helmet"] for r in rows) and
              not any(r[1:2] == ["Road Bike"] for r in rows), rows[:6])
    pt = got.get("print") or {}
    data = open(pt["file"], "rb").read() if pt.get("file") and \
        os.path.exists(pt["file"]) else b""
    lib.check("print: the print link gives an inline PDF of what is shown",
              pt.get("status") == 200 and pt.get("type") == "application/pdf"
              and (pt.get("disposition") or "").startswith("inline") and
              data.startswith(b"%PDF-") and "Sales from 2024-02-01 in North, "
              "South (Accessories)" in pdf_text(data), pt)
    shot = os.path.join(art, "reportserver-viewer-params.png")
    lib.check("screenshots are saved", os.path.exists(shot) and
              os.path.getsize(shot) > 5000, shot)


def main():
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    try:
        env.up()
        publish(env)
        t_folder(env)
        page = t_chrome(env)
        t_toolbar(env, page)
        t_find(env)
        base = t_pane(env)
        t_errors(env)
        t_print(env, base)
        t_browser(env)
    finally:
        env.cleanup()
    lib.done_testing()


if __name__ == "__main__":
    main()
