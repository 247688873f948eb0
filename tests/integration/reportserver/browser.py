#!/usr/bin/env python3
"""tests/integration/reportserver/browser.py: the web portal in a real browser.

Headless Chromium (Debian's `chromium`, driven by `playwright-core` from npm)
opens https://localhost:PORT/Reports through httpsvc the way a real site is
trusted (issue 11): a local CA made with `certstore new-ca` issues the
server certificate (`certstore issue`, bound in place of the test's), and
the guide's command, `certstore trust CA`, puts the CA into the NSS
database of the browser's $HOME with the flags of a CA (no certificate
error is ignored).  The command runs inside a private mount namespace whose
system trust store is a copy, so the machine's own store is not touched.
Before the trust step Chromium refuses the site (the interstitial's
net::ERR_CERT_AUTHORITY_INVALID); after it, it signs in with HTTP Basic,
uploads a file with the portal's form, finds it listed, and saves a
screenshot (kept in $RS_TEST_BUILD/artifacts/).

playwright-core is looked up in $RS_NODE_PATH, else tests/node/node_modules,
where `make test` installs it (scripts/deps.sh --test).  Without it or
chromium the test says SKIP.
"""
import json
import os
import shutil
import ssl
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


def certstore_out(*args):
    r = lib.run("certstore", *args)
    lib.check("certstore %s" % args[0], r.returncode == 0, r.stdout,
              r.stderr)
    return r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""


def ca_leaf(env):
    """A local CA and the leaf it issues for localhost, bound instead of
    the test's self-signed certificate; env's clients trust the CA."""
    ca = certstore_out("new-ca", "--name", "Report Server test CA")
    leaf = certstore_out("issue", "--ca", ca, "--dns", "localhost")
    for ip in ("0.0.0.0", "[::]"):
        r = lib.run("httpcfg", "update", "sslcert",
                    "ipport=%s:%d" % (ip, env.port), "certhash=" + leaf,
                    "appid=" + suite.APPID)
        lib.check("the CA's leaf is bound to %s" % ip, r.returncode == 0,
                  r.stderr)
    certstore_out("export", ca, "--store", "Root", "--cert", env.cafile)
    env.ctx = ssl.create_default_context(cafile=env.cafile)
    lib.check("httpsvc serves the leaf the CA issued",
              lib.wait_for(lambda: env.get("/ReportServer/")[0] > 0, 15))
    return ca


# The guide's command in a private mount namespace: its system half goes
# to copies of /usr/local/share/ca-certificates and /etc/ssl/certs.
NS = r"""
set -e
t=$1; shift
mkdir -p "$t/local" "$t/etc" "$t/hooks"
grep -v '^#' /etc/ca-certificates.conf | head -n 2 >"$t/conf"
mount --bind "$t/local" /usr/local/share/ca-certificates
mount --bind "$t/etc" /etc/ssl/certs
mount --bind "$t/hooks" /etc/ca-certificates/update.d
mount --bind "$t/conf" /etc/ca-certificates.conf
mountpoint -q /etc/ssl/certs
mountpoint -q /usr/local/share/ca-certificates
exec "$@"
"""


def trust(home, ca):
    """Runs `certstore trust CA` as the guide says, for $HOME=home."""
    cmd = [os.path.join(lib.BIN, "certstore"), "trust", ca]
    penv = dict(os.environ, HOME=home)
    if subprocess.run(["unshare", "-m", "true"]).returncode == 0:
        cmd = ["unshare", "-m", "sh", "-c", NS, "sh",
               os.path.join(lib.TMP, "ns")] + cmd
    else:
        cmd.append("--nss")     # no namespaces: the browser half alone
    r = subprocess.run(cmd, env=penv, capture_output=True, text=True,
                       timeout=120)
    lib.check("the guide's command trusts the CA: certstore trust CA",
              r.returncode == 0 and "trusted as a CA for TLS servers (C,,)"
              in r.stdout, r.stdout, r.stderr)
    return r


def trusted_home(env):
    """A $HOME whose NSS database trusts the CA that issued env's
    certificate (viewer.py): ca_leaf, then the guide's command."""
    ca = ca_leaf(env)
    home = os.path.join(lib.TMP, "home")
    os.makedirs(home, exist_ok=True)
    trust(home, ca)
    return home


def browse(home, *args):
    penv = dict(os.environ, HOME=home, NODE_PATH=NODE_PATH)
    p = subprocess.run(
        ["node", os.path.join(os.path.dirname(__file__), "browser.js")] +
        list(args), env=penv, capture_output=True, text=True, timeout=180)
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": p.stdout[-500:] + p.stderr[-1500:]}


def main():
    if shutil.which("chromium") is None:
        skip("chromium is not installed (apt-get install chromium)")
    if not os.path.isdir(os.path.join(NODE_PATH, "playwright-core")):
        skip("playwright-core is not installed in %s" % NODE_PATH)
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    try:
        env.up()
        ca = ca_leaf(env)
        home = os.path.join(lib.TMP, "home")
        os.makedirs(home)
        url = "https://localhost:%d/Reports" % env.port
        got = browse(home, "probe", url)
        lib.check("before the CA is trusted Chromium refuses the site",
                  "ERR_CERT_AUTHORITY_INVALID" in got.get("error", ""), got)
        trust(home, ca)
        upload = os.path.join(lib.TMP, "Quarterly Figures.csv")
        with open(upload, "w") as f:
            f.write("quarter,total\nQ1,100\nQ2,120\n")
        build = os.environ.get("RS_TEST_BUILD") or os.path.dirname(lib.BIN)
        art = os.path.join(build, "artifacts")
        os.makedirs(art, exist_ok=True)
        shot = os.path.join(art, "reportserver-portal.png")
        if os.path.exists(shot):
            os.unlink(shot)
        got = browse(home, url, "admin", suite.ADMIN_PW, upload, shot)
        lib.check("no interstitial: the leaf the CA issued is trusted",
                  "error" not in got, got)
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
