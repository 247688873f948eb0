#!/usr/bin/env python3
"""tests/integration/rsconfig/orders.py: the seeds' steps in any order.

Each order is a fresh state root with its own httpsvc and certificate:
the database before or after the URLs, the report server started before
any URL exists, HTTP before HTTPS or HTTPS alone, portal identities added
and removed while it runs, httpsvc restarted in between, the report
server started before httpsvc, a virtual directory moved, and (as root)
the report server running as its service account.  Every change is run
with --dry-run first, whose Results must be the --apply's line for line
("planned" for "ok"); after each --apply every URL the Results say the
report server serves must answer, within 2 s, with the report server's own
page (its sign-in challenge, or its database page before the database
exists), checked with curl against the exported certificate and with
openssl s_client for the certificate served; every URL it no longer serves
must not.  The orders run on SQLite and on a private PostgreSQL server.
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "reportserver"))
import lib  # noqa: E402
import suite_postgres  # noqa: E402

# One order runs the report server as a service account, which must be
# able to run the binaries: the clone may be in a folder it cannot enter.
if os.geteuid() == 0:
    lib.stage_for_others()

ADMIN_PW = "Orders-admin-pw-1"
SERVES = re.compile(r"^  ok +report server \(pid \d+\) serves (\S+)",
                    re.M)
GONE = re.compile(r"^  ok +report server \(pid \d+\) no longer serves (\S+)",
                  re.M)


class Machine:
    """One state root: httpsvc, a certificate, and rsconfig over them."""

    def __init__(self, name, backend, dsn):
        self.name = name
        self.backend = backend
        self.dsn = dsn
        self.root = os.path.join(lib.TMP, name)
        os.makedirs(self.root)
        self.env = dict(os.environ, RS_ROOT=self.root)
        self.svc = None
        self.cert = None
        self.pem = os.path.join(self.root, "cert.pem")
        self.results = []
        self.dry_runs = backend == "sqlite"   # the Results do not depend
        # on the database; comparing once keeps the test short

    def check(self, desc, cond, *detail):
        """Kept until the order ends: orders run side by side."""
        self.results.append((desc, bool(cond), detail))

    def tool(self, *args, input=None):
        return subprocess.run([os.path.join(lib.BIN, args[0]), *args[1:]],
                              input=input, capture_output=True, text=True,
                              env=self.env, timeout=60)

    def httpsvc(self):
        log = open(os.path.join(self.root, "httpsvc.log"), "a")
        self.svc = subprocess.Popen([os.path.join(lib.BIN, "httpsvc")],
                                    stdout=log, stderr=subprocess.STDOUT,
                                    env=self.env)
        lib._procs.append(self.svc)
        sock = os.path.join(self.root, "run", "httpsvc.sock")
        return lib.wait_for(lambda: os.path.exists(sock) and self.tool(
            "httpcfg", "show", "servicestate").returncode == 0, 20)

    def stop_httpsvc(self):
        self.svc.terminate()
        self.svc.wait(timeout=20)

    def make_cert(self):
        r = self.tool("certstore", "new-self-signed", "--dns", "localhost",
                      "--dns", "reports.test")
        self.cert = r.stdout.strip().splitlines()[-1]
        self.tool("certstore", "export", self.cert, "--cert", self.pem)

    def database(self):
        args = ["rsconfig", "database", "create", "--admin-user", "admin",
                "--admin-password-stdin"]
        if self.dsn is not None:
            args[3:3] = ["--postgres", self.dsn]
        return self.tool(*args, input=ADMIN_PW + "\n")

    def cleanup(self):
        self.tool("rsconfig", "stop")
        if self.svc is not None and self.svc.poll() is None:
            self.stop_httpsvc()


def concrete(prefix):
    """https://+:8443/ReportServer/ -> (scheme, host, port, path)."""
    m = re.match(r"(https?)://([^:/]+|\[[^\]]+\]):(\d+)(/.*)$", prefix)
    host = m.group(2)
    if host in ("+", "*"):
        host = "localhost"
    return m.group(1), host, int(m.group(3)), m.group(4)


def fetch(mc, prefix):
    """Status and body of a GET of the prefix, as a browser would."""
    scheme, host, port, path = concrete(prefix)
    args = ["curl", "-s", "--max-time", "5", "-o", "-", "-w",
            "\n%{http_code}", "--resolve", "%s:%d:127.0.0.1" % (host, port)]
    if scheme == "https":
        args += ["--cacert", mc.pem]
    r = subprocess.run(args + ["%s://%s:%d%s" % (scheme, host, port, path)],
                       capture_output=True, text=True, timeout=20)
    body, _, code = r.stdout.rpartition("\n")
    return int(code or 0), body


def served_cert(host, port):
    r = subprocess.run("echo | openssl s_client -connect 127.0.0.1:%d "
                       "-servername %s 2>/dev/null | openssl x509 -noout "
                       "-fingerprint -sha1" % (port, host), shell=True,
                       capture_output=True, text=True, timeout=20)
    return r.stdout.strip().split("=")[-1].replace(":", "")


def report_servers_page(status, body, have_db):
    """The report server's own answer to a browser that has not signed in:
    its sign-in challenge (over HTTP, at SecureConnectionLevel 1, its
    page asking for HTTPS), or its database page before the database
    exists; never httpsvc's 503 for an application that is not there."""
    if not have_db:
        return status == 503 and "rsReportServerDatabaseUnavailable" in body
    return status == 401 or (status == 403 and
                             "rsSecureConnectionRequired" in body)


def check_urls(mc, label, out, have_db):
    """Every URL served answers with the report server within 2 s."""
    bad = []
    for prefix in SERVES.findall(out):
        def good():
            st, body = fetch(mc, prefix)
            return report_servers_page(st, body, have_db)
        if not lib.wait_for(good, 2):
            bad.append("%s: %r" % (prefix, fetch(mc, prefix)))
            continue
        scheme, host, port, _ = concrete(prefix)
        if scheme == "https" and served_cert(host, port) != mc.cert:
            bad.append("%s: certificate %s served, not %s" % (
                prefix, served_cert(host, port), mc.cert))
    for prefix in GONE.findall(out):
        st, body = fetch(mc, prefix)
        if report_servers_page(st, body, have_db):
            bad.append("%s still answers after its removal" % prefix)
    mc.check("%s: %s: every URL the Results name answers" % (mc.name,
              label), not bad and SERVES.search(out) is not None, out, *bad)


def normalise(text):
    text = text.replace("Results (dry run: nothing was changed):",
                        "Results:").replace("Would succeed: ", "Done: ")
    return re.sub(r"^  planned ", "  ok      ", text, flags=re.M)


def apply(mc, label, *args, have_db=True, urls=True):
    """A change: dry run, then apply, the same lines; then the URLs."""
    dry = None
    if mc.dry_runs:
        dry = mc.tool("rsconfig", *[a for a in args if a != "--apply"],
                      "--dry-run")
    r = mc.tool("rsconfig", *args)
    if dry is not None:
        mc.check("%s: %s: --dry-run prints what --apply does" % (
            mc.name, label), normalise(dry.stdout) == r.stdout and
            r.returncode == 0, dry.stdout, r.stdout, r.stderr)
    else:
        mc.check("%s: %s: applied" % (mc.name, label), r.returncode == 0,
                 r.stdout, r.stderr)
    if urls:
        check_urls(mc, label, r.stdout, have_db)
    return r.stdout


def ws(mc, *extra):
    return ["web-service-url", *extra, "--apply"]


def identity(mc, verb, *extra):
    return ["web-portal-url", verb, *extra]


def start(mc, label):
    r = mc.tool("rsconfig", "start")
    mc.check("%s: %s" % (mc.name, label), r.returncode == 0, r.stdout,
              r.stderr)
    return r.stdout


# ---- the orders --------------------------------------------------------

def o_db_first_https_alone(mc, P):
    mc.database()
    start(mc, "started with the database and no URL")
    apply(mc, "HTTP and HTTPS in one apply", *ws(mc, "--port", P[0],
          "--https-cert", mc.cert, "--https-port", P[1]))
    apply(mc, "the portal over HTTPS only", *identity(
          mc, "add-identity", "--https", "--cert", mc.cert, "--port", P[2]))


def o_started_before_urls(mc, P):
    mc.database()
    mc.tool("rsconfig", "stop")
    out = start(mc, "started before any URL exists")
    mc.check("%s: start says no URL is reserved yet" % mc.name,
              "no URLs are reserved yet" in out, out)
    st = mc.tool("rsconfig", "status").stdout
    mc.check("%s: status says it runs with no URL" % mc.name,
              "Started" in st and "URLs registered:        0 of 0" in st, st)
    apply(mc, "HTTPS for the running report server", *ws(
          mc, "--port", P[0], "--https-cert", mc.cert, "--https-port", P[1]))
    apply(mc, "a portal HTTPS identity", *identity(
          mc, "add-identity", "--https", "--cert", mc.cert, "--port", P[2]))


def o_urls_before_db(mc, P):
    apply(mc, "an HTTP URL before the database", *ws(mc, "--port", P[0]),
          urls=False)
    start(mc, "started before the database exists")
    apply(mc, "HTTPS before the database", *ws(
          mc, "--https-cert", mc.cert, "--https-port", P[1]), have_db=False)
    r = mc.database()
    mc.check("%s: the database is created after the URLs" % mc.name,
              r.returncode == 0, r.stdout, r.stderr)
    ok = lib.wait_for(lambda: fetch(mc, "https://+:%s/ReportServer/" %
                                    P[1])[0] == 401, 3)
    mc.check("%s: the running report server uses the new database" %
              mc.name, ok, fetch(mc, "https://+:%s/ReportServer/" % P[1]),
              r.stdout)


def o_http_then_https(mc, P):
    mc.database()
    apply(mc, "HTTP first", *ws(mc, "--port", P[0]), urls=False)
    start(mc, "started with the HTTP URL")
    apply(mc, "then HTTPS while it runs", *ws(
          mc, "--https-cert", mc.cert, "--https-port", P[1]))
    apply(mc, "then HTTPS removed", *ws(mc, "--no-https"))


def o_identities(mc, P):
    mc.database()
    start(mc, "started")
    apply(mc, "an HTTP URL", *ws(mc, "--port", P[0]))
    apply(mc, "an SNI identity for every name", *identity(
          mc, "add-identity", "--https", "--cert", mc.cert, "--port", P[1],
          "--all-names"))
    apply(mc, "an HTTP identity", *identity(
          mc, "add-identity", "--http", "--port", P[2]))
    apply(mc, "the SNI identities removed", *identity(
          mc, "remove-identity", "--https", "--cert", mc.cert, "--port",
          P[1], "--all-names"))
    apply(mc, "the HTTP identity removed", *identity(
          mc, "remove-identity", "--http", "--port", P[2]))


def o_httpsvc_restarted(mc, P):
    mc.database()
    apply(mc, "HTTP", *ws(mc, "--port", P[0]), urls=False)
    start(mc, "started")
    mc.stop_httpsvc()
    mc.httpsvc()
    ok = lib.wait_for(lambda: report_servers_page(*fetch(
        mc, "http://+:%s/ReportServer/" % P[0]), True), 3)
    mc.check("%s: after an httpsvc restart it registers again" % mc.name,
              ok, fetch(mc, "http://+:%s/ReportServer/" % P[0]))
    apply(mc, "HTTPS after the restart", *ws(
          mc, "--https-cert", mc.cert, "--https-port", P[1]))
    mc.stop_httpsvc()
    mc.httpsvc()
    apply(mc, "an identity after a second restart", *identity(
          mc, "add-identity", "--https", "--cert", mc.cert, "--port", P[2]))


def o_before_httpsvc(mc, P):
    mc.database()
    mc.stop_httpsvc()
    start(mc, "started while httpsvc is down")
    out = apply(mc, "HTTPS while httpsvc is down", *ws(
        mc, "--port", P[0], "--https-cert", mc.cert, "--https-port", P[1]),
        urls=False)
    mc.check("%s: Results say the URLs register once httpsvc runs" %
              mc.name, "once httpsvc runs (httpsvc is not running)" in out,
              out)
    mc.httpsvc()
    check_urls(mc, "httpsvc started last",
               out.replace(" once httpsvc runs (httpsvc is not running)",
                           ""), True)


def o_vdir_moved(mc, P):
    mc.database()
    start(mc, "started")
    apply(mc, "HTTP and HTTPS", *ws(mc, "--port", P[0], "--https-cert",
          mc.cert, "--https-port", P[1]))
    out = apply(mc, "the virtual directory moved", *ws(mc, "--vdir", "RS2"))
    mc.check("%s: the old virtual directory is no longer served" %
              mc.name, "no longer serves https://+:%s/ReportServer/" % P[1]
              in out, out)
    apply(mc, "the portal's virtual directory moved", "web-portal-url",
          "--vdir", "Portal2", "--port", P[2], "--apply")


def o_service_account(mc, P):
    acct = "rsord%d" % os.getpid()
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                    "/usr/sbin/nologin", acct], capture_output=True)
    try:
        os.chmod(lib.TMP, 0o755)
        mc.database()
        apply(mc, "HTTP", *ws(mc, "--port", P[0]), urls=False)
        mc.tool("rsconfig", "service-account", acct)
        out = start(mc, "started as its account")
        mc.check("%s: it runs as %s" % (mc.name, acct),
                  "running as %s" % acct in out, out)
        apply(mc, "HTTPS while it runs as its account", *ws(
              mc, "--https-cert", mc.cert, "--https-port", P[1]))
        apply(mc, "an identity while it runs as its account", *identity(
              mc, "add-identity", "--https", "--cert", mc.cert, "--port",
              P[2]))
    finally:
        mc.cleanup()
        subprocess.run(["userdel", "-f", acct], capture_output=True)


ORDERS = [o_db_first_https_alone, o_started_before_urls, o_urls_before_db,
          o_http_then_https, o_identities, o_httpsvc_restarted,
          o_before_httpsvc, o_vdir_moved]


def run_one(order, name, backend, dsn):
    mc = Machine(name, backend, dsn)
    mc.make_cert()
    if not mc.httpsvc():
        mc.check("%s: httpsvc starts" % name, False)
        return mc
    ports = [str(lib.free_port()) for _ in range(3)]
    try:
        order(mc, ports)
    except Exception as x:  # a broken order is a failure, not a crash
        mc.check("%s: runs to its end" % name, False, repr(x))
    finally:
        mc.cleanup()
    return mc


def run_orders(backend, dsns):
    """The orders side by side (each has its own root, httpsvc and ports);
    their results are printed in order afterwards."""
    orders = list(ORDERS)
    if os.geteuid() == 0:
        orders.append(o_service_account)
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        done = [pool.submit(run_one, order, "%s-%s" % (
            backend, order.__name__[2:]), backend,
            dsns[i] if dsns else None) for i, order in enumerate(orders)]
        for f in done:
            for desc, cond, detail in f.result().results:
                lib.check(desc, cond, *detail)


def pg_databases(pg, n):
    r = suite_postgres.as_postgres(
        os.path.join(pg.bin, "psql"), "-h", pg.dir, "-p", str(pg.port),
        "-U", "postgres", "-v", "ON_ERROR_STOP=1",
        *sum((["-c", "CREATE DATABASE rsorder%d OWNER rs" % i]
              for i in range(n)), []))
    lib.check("PostgreSQL databases for the orders", r.returncode == 0,
              r.stderr)
    return [pg.dsn("rsorder%d" % i) for i in range(n)]


def main():
    t0 = time.time()
    run_orders("sqlite", None)
    pg = suite_postgres.Pg()
    if pg.bin is None:
        lib.not_ok("PostgreSQL server binaries are installed")
        lib.done_testing()
    err = pg.start()
    try:
        lib.check("a private PostgreSQL server starts", err is None, err)
        if err is None:
            run_orders("postgres", pg_databases(pg, len(ORDERS) + 1))
    finally:
        pg.stop()
    print("# %.1f s" % (time.time() - t0))
    lib.done_testing()


if __name__ == "__main__":
    main()
