#!/usr/bin/env python3
"""tests/security/css_injection.py: report styles cannot inject CSS (issue 18, item 8).

The attack: a report's FontFamily or Color ends the CSS declaration and
adds global rules to the viewer page (`Arial;}*{background:url(...)}`),
so opening the report made the browser fetch the attacker's URL.  A
report whose style values (FontFamily, Color, BackgroundColor, TextAlign,
VerticalAlign, BorderStyle, BorderColor, the body's BackgroundColor, and a
Color taken from a report parameter) all carry injections is published to
the real report server (behind httpsvc, TLS) and opened:

  - the HTML5 the server sends has none of the injected text in its CSS:
    each value was parsed into a token or dropped (the font falls back to
    the report's default, 'Arial');
  - every HTML page (viewer, listing, error page, portal) carries a strict
    Content-Security-Policy (no script, no foreign images), X-Frame-Options
    DENY, X-Content-Type-Options nosniff and a Referrer-Policy;
  - headless Chromium opening the viewer makes no request to the injected
    URL (a listener on 127.0.0.1 counts connections; requests to other
    origins are aborted before they are sent).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "reportserver"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402
import browser  # noqa: E402

HITS = []


def listen():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)

    def serve():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            HITS.append(1)
            c.close()
    threading.Thread(target=serve, daemon=True).start()
    return s.getsockname()[1]


def evil_rdl(port):
    evil = "http://127.0.0.1:%d/stolen" % port
    with open(os.path.join(lib.SRC, "samples", "reports",
                           "ProductList.rdl"), encoding="utf-8") as f:
        rdl = f.read()
    u = lambda what: "url(%s-%s)" % (evil, what)  # noqa: E731
    run_style = (
        "<Style><FontFamily>Arial;}*{background:%s}</FontFamily>"
        "<FontSize>16pt</FontSize>"
        "<Color>red;background-image:%s</Color></Style>" % (u("font"),
                                                              u("color")))
    rdl = rdl.replace("""<Style>
                      <FontSize>16pt</FontSize>
                      <FontWeight>Bold</FontWeight>
                    </Style>""", run_style, 1)
    rdl = rdl.replace("""<Style/>
              </Paragraph>""", "<Style><TextAlign>Left;background:%s"
                      "</TextAlign></Style></Paragraph>" % u("align"), 1)
    rdl = rdl.replace("""<Width>4.5in</Width>
            <Style/>""", """<Width>4.5in</Width>
            <Style><BackgroundColor>=Parameters!Bg.Value</BackgroundColor>
              <VerticalAlign>Top;background:%s</VerticalAlign>
              <Border><Style>Solid;background:%s</Style>
                <Color>black;background:%s</Color></Border></Style>""" % (
        u("valign"), u("border"), u("bcolor")), 1)
    rdl = rdl.replace("  <ReportSections>", """  <ReportParameters>
    <ReportParameter Name="Bg">
      <DataType>String</DataType>
      <DefaultValue><Values><Value>white;background-image:%s</Value>
      </Values></DefaultValue>
      <Prompt>Bg</Prompt>
    </ReportParameter>
  </ReportParameters>
  <ReportSections>""" % u("param").replace("&", "&amp;"), 1)
    rdl = rdl.replace("""<Style/>
      </Body>""", "<Style><BackgroundColor>#fff;background:%s"
                      "</BackgroundColor></Style></Body>" % u("body"), 1)
    assert rdl.count("stolen-") == 8, rdl
    return rdl.encode(), "127.0.0.1:%d" % port


def check_headers(what, h, strict=True, script=False):
    csp = h.get("content-security-policy", "")
    lib.check("%s: a Content-Security-Policy with no script (the portal's "
              "viewer: only its own file) and no foreign images or frames" %
              what, "default-src 'none'" in csp and
              (("script-src" not in csp) if not script else
               re.search(r"script-src 'self';", csp) is not None) and
              "frame-ancestors 'none'" in csp and
              (not strict or "img-src 'self' data:" in csp), csp)
    lib.check("%s: X-Frame-Options DENY, nosniff, Referrer-Policy" % what,
              h.get("x-frame-options") == "DENY" and
              h.get("x-content-type-options") == "nosniff" and
              h.get("referrer-policy") in ("same-origin", "no-referrer"), h)


def t_page(env, path, marker, script=False):
    st, h, text, _ = env.admin("GET", path)
    lib.expect_eq("the viewer renders the report", st, 200)
    css = "\n".join(re.findall(r"<style>(.*?)</style>", text, re.S) +
                    re.findall(r'style="([^"]*)"', text))
    lib.check("none of the injected text is in the page's CSS",
              marker not in css and "url(" not in css and "stolen" not in css,
              [c for c in css.split(";") if "url(" in c][:5])
    # The parameter's value shows, escaped, in its input box and in the
    # export links' query strings (attribute values); nowhere else.
    outside = re.sub(r'(value|href)="[^"]*"', "", text)
    lib.check("the injected text is nowhere else in the page",
              marker not in outside,
              outside[outside.find(marker) - 200:][:400])
    lib.check("an unsafe font family falls back to the report's default",
              "font-family:'Arial';font-size:16pt" in css, css[:600])
    check_headers("the viewer (HTML5)" if not script else "the portal's "
                  "viewer", h, script=script)
    return text


def t_browser(env, url, marker):
    if shutil.which("chromium") is None or not os.path.isdir(
            os.path.join(browser.NODE_PATH, "playwright-core")):
        lib.ok("# SKIP chromium or playwright-core is not installed")
        return
    home = browser.trusted_home(env)
    p = subprocess.run(
        ["node", os.path.join(HERE, "css_injection.js"), url, "admin",
         suite.ADMIN_PW, marker],
        env=dict(os.environ, HOME=home, NODE_PATH=browser.NODE_PATH),
        capture_output=True, text=True, timeout=180)
    try:
        got = json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        got = {"error": p.stdout[-500:] + p.stderr[-1500:]}
    lib.check("Chromium opens the viewer", got.get("ok") and
              got.get("status") == 200, got)
    lib.expect_eq("... and makes no request to the injected URL",
                  got.get("marked"), [])
    lib.expect_eq("... nor to any other origin", got.get("foreign"), [])
    lib.expect_eq("... and nothing connected to the injected address",
                  len(HITS), 0)
    lib.check("... whose CSS (as Chromium parsed it) has no url()",
              got.get("css") is not None and "url(" not in got["css"],
              (got.get("css") or "")[:500])
    lib.check("... and the title's font is Arial",
              "Arial" in (got.get("title") or ""), got.get("title"))


def main():
    port = listen()
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    try:
        env.setup()
        env.start_rs()
        r = lib.run("rsconfig", "database", "create", "--admin-user",
                    "admin", "--admin-password-stdin",
                    input=suite.ADMIN_PW + "\n")
        lib.check("database created", r.returncode == 0, r.stderr)
        lib.wait_for(lambda: env.admin("GET", "/ReportServer/")[0] == 200,
                     10)
        db = os.path.join(lib.ROOT, "data", "sales.db")
        os.makedirs(os.path.dirname(db), exist_ok=True)
        subprocess.run([os.path.join(lib.SRC, "samples", "make-db.sh"), db],
                       capture_output=True)
        env.api("POST", "/Folders", {"Path": "/Samples"})
        env.api("POST", "/DataSources", {
            "Path": "/Samples/Sales", "ConnectionString": db,
            "DataSourceType": "SQLITE"})
        rdl, marker = evil_rdl(port)
        st, _, text = env.api("POST", "/Reports", {
            "Path": "/Samples/Evil", "Content": suite.b64(rdl)})
        lib.expect_eq("the report with injected styles is published", st,
                      201)
        path = "/ReportServer?/Samples/Evil&rs:Command=Render"
        t_page(env, path, marker)
        # The same report in the portal's viewer (/Reports/report/PATH).
        t_page(env, "/Reports/report/Samples/Evil", marker, script=True)
        st, h, _, _ = env.admin("GET", "/ReportServer?/Samples")
        check_headers("the folder listing", h)
        st, h, _, _ = env.admin("GET", "/ReportServer?/Samples/Missing")
        check_headers("an error page", h)
        st, h, _, _ = env.admin("GET", "/Reports/browse/Samples")
        check_headers("a portal page", h, strict=False)
        t_browser(env, "https://localhost:%d%s" % (env.port, path), marker)
    finally:
        env.cleanup()
    lib.done_testing()


if __name__ == "__main__":
    main()
