#!/usr/bin/env python3
"""tests/integration/reportserver/browser.py: the web portal in a real browser.

Headless Chromium (Debian's `chromium`, driven by `playwright-core` from npm)
opens https://localhost:PORT/Reports through httpsvc with the test's
certificate trusted through an NSS database made with `certutil` (from
libnss3-tools) in the browser's $HOME, not by ignoring certificate errors;
signs in with HTTP Basic, uploads a file with the portal's form, finds it
listed, and saves a screenshot (kept in $RS_TEST_BUILD/artifacts/).

playwright-core is looked up in $RS_NODE_PATH, else tests/node/node_modules,
where `make test` installs it (scripts/deps.sh --test).  Without it or
chromium the test says SKIP.
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

NODE_PATH = os.environ.get("RS_NODE_PATH") or os.path.join(
    lib.SRC, "tests", "node", "node_modules")


def skip(why):
    print("ok 1 # SKIP %s" % why)
    print("1..1")
    sys.exit(0)


def nss_home(cafile):
    home = os.path.join(lib.TMP, "home")
    db = os.path.join(home, ".pki", "nssdb")
    os.makedirs(db)
    r = subprocess.run(["certutil", "-N", "-d", "sql:" + db,
                        "--empty-password"], capture_output=True, text=True)
    lib.check("certutil makes an NSS database", r.returncode == 0, r.stderr)
    r = subprocess.run(["certutil", "-A", "-d", "sql:" + db, "-n",
                        "reportserver-test", "-t", "P,,", "-i", cafile],
                       capture_output=True, text=True)
    # The test certificate is a self-signed leaf: a trusted peer (P).
    lib.check("the test certificate is trusted in it", r.returncode == 0,
              r.stderr)
    return home


def main():
    if shutil.which("chromium") is None:
        skip("chromium is not installed (apt-get install chromium)")
    if not os.path.isdir(os.path.join(NODE_PATH, "playwright-core")):
        skip("playwright-core is not installed in %s" % NODE_PATH)
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    try:
        env.up()
        home = nss_home(env.cafile)
        upload = os.path.join(lib.TMP, "Quarterly Figures.csv")
        with open(upload, "w") as f:
            f.write("quarter,total\nQ1,100\nQ2,120\n")
        build = os.environ.get("RS_TEST_BUILD") or os.path.dirname(lib.BIN)
        art = os.path.join(build, "artifacts")
        os.makedirs(art, exist_ok=True)
        shot = os.path.join(art, "reportserver-portal.png")
        if os.path.exists(shot):
            os.unlink(shot)
        penv = dict(os.environ, HOME=home, NODE_PATH=NODE_PATH)
        p = subprocess.run(
            ["node", os.path.join(os.path.dirname(__file__), "browser.js"),
             "https://localhost:%d/Reports" % env.port, "admin",
             suite.ADMIN_PW, upload, shot], env=penv, capture_output=True,
            text=True, timeout=180)
        try:
            got = json.loads(p.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            got = {"error": p.stdout[-500:] + p.stderr[-1500:]}
        lib.check("Chromium opens the portal over trusted TLS and signs in",
                  got.get("status") == 200 and got.get("h1") == "Home",
                  got)
        lib.check("... after the redirect to /Reports/browse/",
                  got.get("url", "").endswith("/Reports/browse/"), got)
        lib.check("uploading through the form lists the file",
                  "Quarterly Figures.csv" in got.get("rows", []) and
                  got.get("status_text") == "Uploaded.", got)
        lib.check("a screenshot is saved", os.path.exists(shot) and
                  os.path.getsize(shot) > 5000, shot)
        st, j, _ = env.api("GET", "/Resources(Path='/Quarterly%20Figures"
                                  ".csv')")
        lib.check("the upload is in the catalog with its MIME type",
                  st == 200 and j["ContentType"] == "text/csv", st, j)
    finally:
        env.cleanup()
    lib.done_testing()


if __name__ == "__main__":
    main()
