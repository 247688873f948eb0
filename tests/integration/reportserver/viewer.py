#!/usr/bin/env python3
"""tests/integration/reportserver/viewer.py: the report viewer in a browser.

Headless Chromium (driven by playwright-core, as browser.py does) opens
the portal's /Samples folder through httpsvc over trusted TLS, clicks the
report's name, which opens /ReportServer?/Samples/SalesSummary (the row's
separate Manage link goes to the report's page), and pages through it with the toolbar's "Next >" link until there is none:
four pages, each saying "Page N of 4" in the toolbar and in the report's
page footer (Globals!TotalPages), First/Previous from the second page on,
no Next/Last on the last; "|< First" goes back to page 1; the one-page
ProductList shows "Page 1 of 1" and no page links.  A screenshot of the
last page is kept in $RS_TEST_BUILD/artifacts/.
"""
import json
import os
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
    for name in ("SalesSummary", "ProductList", "ViewerParams"):
        here = os.path.join(lib.SRC, "samples", "reports", name + ".rdl")
        if not os.path.exists(here):
            here = os.path.join(os.path.dirname(__file__), name + ".rdl")
        with open(here, "rb") as f:
            st, _, _ = env.api("POST", "/Reports", {
                "Path": "/Samples/" + name, "Content": suite.b64(f.read())})
        lib.expect_eq("upload " + name, st, 201)


def main():
    if shutil.which("chromium") is None:
        browser.skip("chromium is not installed (apt-get install chromium)")
    if not os.path.isdir(os.path.join(browser.NODE_PATH, "playwright-core")):
        browser.skip("playwright-core is not installed in %s" %
                     browser.NODE_PATH)
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    try:
        env.up()
        publish(env)
        home = browser.trusted_home(env)
        build = os.environ.get("RS_TEST_BUILD") or os.path.dirname(lib.BIN)
        art = os.path.join(build, "artifacts")
        os.makedirs(art, exist_ok=True)
        shot = os.path.join(art, "reportserver-viewer-last-page.png")
        base = "https://localhost:%d/ReportServer?/Samples/" % env.port
        p = subprocess.run(
            ["node", os.path.join(os.path.dirname(__file__), "viewer.js"),
             "https://localhost:%d/Reports/browse/Samples" % env.port,
             "SalesSummary", base + "ProductList&rs:Command=Render", "admin",
             suite.ADMIN_PW, shot],
            env=dict(os.environ, HOME=home, NODE_PATH=browser.NODE_PATH),
            capture_output=True, text=True, timeout=180)
        try:
            got = json.loads(p.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            got = {"error": p.stdout[-500:] + p.stderr[-1500:]}
        lib.check("Chromium opens the portal's folder over trusted TLS and "
                  "the report's name opens the viewer", got.get("ok") and
                  got.get("status") == 200 and got.get("url") ==
                  "https://localhost:%d/ReportServer?%%2fSamples%%2f"
                  "SalesSummary&rs:Command=Render" % env.port, got)
        lib.expect_eq("... and the row's Manage link goes to the report's "
                      "page", got.get("manage"),
                      "/Reports/item/Samples/SalesSummary")
        pages = got.get("pages", [])
        lib.expect_eq("clicking Next > until it is gone: 4 pages, 'Page N "
                      "of 4' in the toolbar and in the page footer",
                      [(x["pageno"], x["footer"]) for x in pages],
                      [("Page %d of 4" % n, "Page %d of 4" % n)
                       for n in range(1, 5)])
        lib.expect_eq("... with First/Previous only after page 1 and "
                      "Next/Last only before page 4",
                      [x["links"] for x in pages],
                      [["rs-next", "rs-last", "rs-all"]] +
                      [["rs-first", "rs-prev", "rs-next", "rs-last",
                        "rs-all"]] * 2 +
                      [["rs-first", "rs-prev", "rs-all"]])
        lib.check("... and every page has rows of the table",
                  all(x["rows"] > 10 for x in pages), pages)
        lib.expect_eq("|< First goes back to page 1",
                      (got.get("back") or {}).get("pageno"), "Page 1 of 4")
        lib.expect_eq("the one-page report: 'Page 1 of 1', no page links",
                      ((got.get("one") or {}).get("pageno"),
                       (got.get("one") or {}).get("links")),
                      ("Page 1 of 1", []))
        lib.check("a screenshot of the last page is saved",
                  os.path.exists(shot) and os.path.getsize(shot) > 5000,
                  shot)
    finally:
        env.cleanup()
    lib.done_testing()


if __name__ == "__main__":
    main()
