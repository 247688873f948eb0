#!/usr/bin/env python3
"""tests/integration/rsconfig/hints.py: every hint rsconfig prints works.

A hint is a command in a message, written in single quotes (or in <pre> on
the report server's pages).  This test reads every message of rsconfig,
the management library and what they show of the report server and the
catalog out of the C sources, and fails when a hint is not quoted (so it
cannot be found) or has no entry in HINTS below.  Each entry runs the
hint as written, with the values a reader would put in (a thumbprint for
THUMBPRINT, a file for FILE, the %s filled as the message fills it; 80
and 443 become free ports), in a state root set up for it, and wants exit
status 0.  The hints whose situation is easy to make are also taken from
rsconfig's real output in that situation and then run, and the problem
must be gone afterwards: an untrusted certificate, a deleted database, a
missing folder, drift, a URL reserved for another user, an orphan binding,
an older schema.
"""
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import lib  # noqa: E402

# Hints start the report server as a service account, which must be able
# to run the binaries: the clone may be in a folder it cannot enter.
if os.geteuid() == 0:
    lib.stage_for_others()

SOURCES = ["src/rsmgmt/*.c", "src/rsconfig/*.c", "src/reportserver/main.c",
           "src/reportserver/server.c", "src/catalog/catalog.c",
           "src/catalog/db_sqlite.c"]
# The other tools' messages: their quoted hints are run here too (their
# unquoted commands, such as the indented lines new-ca prints, are run by
# the tools' own tests: certstore/ca.sh, trust.sh, servicegroup.sh).
TOOL_SOURCES = ["src/certstore/*.c", "src/certcmd/*.c", "src/trust/*.c",
                "src/tools/certstore.c", "src/tools/httpcfg.c",
                "src/httpsvc/*.c"]
MACROS = ["src/catalog/catalog.h"]   # where the *_HINT macros are
WORDS = r"(?:rsconfig|certstore|httpcfg|httpsvc|useradd|chown|chgrp|chmod|" \
    r"mkdir|find|journalctl)"
HINT = re.compile(r"'(%s\b[^']*)'|<pre>(%s\b.*?)</pre>" % (WORDS, WORDS))
UNQUOTED = re.compile(r"\b(?:rsconfig|certstore|httpcfg|useradd|chown|"
                      r"chgrp|chmod|mkdir|journalctl) [a-z-][a-z-]+")
PW = "Hints-pw-12345"
WORK = os.path.join(lib.TMP, "work")
ENV = dict(os.environ, RS_ROOT=lib.ROOT,
           PATH=lib.BIN + ":" + os.environ.get("PATH", ""))


def literals(text, macros):
    """The C string literals of a file, adjacent ones joined."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    for name, value in macros.items():
        text = re.sub(r"\b%s\b" % name, value, text)
    out, cur, pos = [], None, 0
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', text):
        if cur is not None and text[pos:m.start()].strip() == "":
            cur += m.group(1)
        else:
            if cur is not None:
                out.append(cur)
            cur = m.group(1)
        pos = m.end()
    if cur is not None:
        out.append(cur)
    return out


def source_hints():
    """{hint: file} of every quoted hint; [(file, text)] unquoted ones
    (of SOURCES)."""
    macros = {}
    files = sorted(f for g in SOURCES for f in glob.glob(
        os.path.join(lib.SRC, g)))
    tools = sorted(f for g in TOOL_SOURCES for f in glob.glob(
        os.path.join(lib.SRC, g)))
    for f in files + [os.path.join(lib.SRC, g) for g in MACROS]:
        for m in re.finditer(r'#define\s+(\w+_HINT)\s+((?:"[^"]*"\s*\\?\s*)+)',
                             open(f).read()):
            macros[m.group(1)] = m.group(2).replace("\\\n", " ")
    hints, unquoted = {}, []
    for f in files + tools:
        for s in literals(open(f).read(), macros):
            for m in HINT.finditer(s):
                hints.setdefault(m.group(1) or m.group(2),
                                 os.path.relpath(f, lib.SRC))
            if f in tools:
                continue
            rest = HINT.sub("''", s)
            if "usage" in rest or re.match(r"\s+rsconfig ", rest):
                continue
            for m in UNQUOTED.finditer(rest):
                unquoted.append((os.path.relpath(f, lib.SRC), rest))
    return hints, unquoted


def sh(cmd, input=None, root=None):
    env = dict(ENV, RS_ROOT=root) if root else ENV
    return subprocess.run(["bash", "-c", cmd], cwd=WORK, input=input,
                          capture_output=True, text=True, env=env,
                          timeout=120)


def hints_in(text):
    return [m.group(1) or m.group(2) for m in HINT.finditer(text)]


class Env:
    """The machine the hints run on: a database, httpsvc, the report
    server with an HTTP and an HTTPS URL, a certificate in My."""

    def setup(self):
        os.makedirs(WORK)
        os.chmod(lib.TMP, 0o755)
        self.hp, self.sp, self.free = (lib.free_port() for _ in range(3))
        sh("printf '%s\\n' > pw" % PW)
        r = sh("rsconfig database create --admin-user admin "
               "--admin-password-file pw")
        lib.check("a database", r.returncode == 0, r.stderr)
        lib.start_bg("httpsvc", log=os.path.join(lib.TMP, "httpsvc.log"))
        lib.wait_for(lambda: sh("httpcfg show servicestate").returncode ==
                     0, 20)
        self.t = sh("certstore new-self-signed --dns localhost").stdout \
            .split()[-1]
        r = sh("rsconfig web-service-url --port %d --https-cert %s "
               "--https-port %d --apply && rsconfig web-portal-url "
               "add-identity --https --cert %s --port %d && rsconfig start" %
               (self.hp, self.t, self.sp, self.t, self.sp))
        lib.check("the report server runs with its URLs", r.returncode == 0,
                  r.stdout, r.stderr)

    def run_hint(self, template, cmd):
        r = sh(cmd)
        lib.check("hint '%s' works as written: %s" % (template, cmd),
                  r.returncode == 0, r.stdout, r.stderr)
        return r


def scenario_untrusted(env):
    out = sh("rsconfig verify https://localhost:%d/ReportServer" %
             env.sp).stdout
    got = [h for h in hints_in(out) if h.startswith("certstore")]
    lib.check("verify of an untrusted certificate names two commands",
              len(got) == 2, out)
    for h in got:
        env.run_hint(h, h)
    out = sh("rsconfig verify https://localhost:%d/ReportServer" %
             env.sp).stdout
    lib.check("after them the certificate is trusted",
              "Trusted:     yes" in out, out)


def scenario_deleted_db(env):
    db = os.path.join(lib.ROOT, "reportserver", "ReportServer.db")
    for f in glob.glob(db + "*"):
        os.unlink(f)
    out = sh("rsconfig status").stdout
    lib.check("status names the deleted database as MISSING",
              "MISSING: the SQLite database %s does not exist" % db in out,
              out)
    fix = ("does not exist (not created yet, or deleted or moved); restore "
           "it from a backup, or make it: 'rsconfig database create "
           "--admin-user NAME --admin-password-stdin'")
    show = sh("rsconfig database show").stdout
    lib.check("so does the Database page (rsconfig database show)",
              show.startswith("Report server database: MISSING") and
              "the SQLite database %s %s" % (db, fix) in show, show)
    every = sh("rsconfig").stdout
    lib.check("... and every page at a glance (rsconfig)", every.count(
        "MISSING: the SQLite database %s %s" % (db, fix)) == 2, every)
    page = sh("curl -sk https://localhost:%d/ReportServer/" % env.sp).stdout
    # The first request finds the file gone under the open handle ("is
    # missing"); later ones find no file to open ("does not exist").
    lib.check("so does the web service's page",
              "deleted or moved" in page, page)
    portal = sh("curl -sk https://localhost:%d/Reports/" % env.sp).stdout
    lib.check("so does the portal's page",
              "deleted or moved" in portal and
              "rsconfig database create --admin-user NAME" in portal,
              portal)
    api = sh("curl -sk https://localhost:%d/Reports/api/v2.0/CatalogItems"
             % env.sp).stdout
    lib.check("and the REST API",
              "rsReportServerDatabaseUnavailable" in api and
              "deleted or moved" in api, api)
    h = [x for x in hints_in(out) if x.startswith("rsconfig database")][0]
    env.run_hint(h, h.replace("NAME", "admin2") + " < pw")
    out = sh("rsconfig status").stdout
    lib.check("after it the database is ready", "Database:               "
              "ready" in out, out)
    ok = lib.wait_for(lambda: sh(
        "curl -sk -o /dev/null -w '%%{http_code}' -u admin2:%s "
        "https://localhost:%d/ReportServer/" % (PW, env.sp)).stdout ==
        "200", 5)
    lib.check("and the running report server uses it", ok)


def scenario_folder(env):
    root = os.path.join(lib.TMP, "root2")
    d = os.path.join(WORK, "new", "db")
    r = sh("rsconfig database create --sqlite %s/x.db --admin-user a "
           "--admin-password-file pw" % d, root=root)
    lib.check("database create refuses a folder that does not exist",
              r.returncode != 0 and not os.path.exists(d) and
              "folder %s does not exist" % d in r.stderr, r.stderr)
    for h in hints_in(r.stderr):
        env.run_hint(h, h)
    r = sh("rsconfig database create --sqlite %s/x.db --admin-user a "
           "--admin-password-file pw" % d, root=root)
    lib.check("after it database create works", r.returncode == 0,
              r.stderr)


def scenario_drift(env):
    cfg = os.path.join(lib.ROOT, "reportserver", "rsreportserver.config")
    text = open(cfg).read()
    url = "http://+:%d" % env.free
    open(cfg, "w").write(text.replace(
        "</URLs>", "<URL><UrlString>%s</UrlString><AccountSid>S-1-22-1-0"
        "</AccountSid></URL></URLs>" % url, 1))
    out = sh("rsconfig status; rsconfig repair --dry-run").stdout
    got = hints_in(out)
    lib.check("drift is shown with its fixes", "rsconfig repair" in got and
              any("ReserveURL" in h for h in got), out)
    for h in ["rsconfig repair"] + [h for h in got if "ReserveURL" in h]:
        env.run_hint(h, h)
    out = sh("rsconfig status").stdout
    lib.check("after them there is no drift and the URL is reserved",
              "Drift and orphans:      none" in out and "%s/ReportServer/" %
              url in sh("rsconfig urls").stdout, out)


def scenario_other_user(env):
    url = "http://+:%d/ReportServer/" % env.free
    sh("httpcfg delete urlacl url=%s" % url)
    sh("rsconfig wmi RemoveURL Application=ReportServerWebService "
       "UrlString=http://+:%d" % env.free)
    sh("httpcfg add urlacl url=%s user=nobody" % url)
    r = sh("rsconfig web-portal-url add-identity --http --port %d && "
           "rsconfig web-service-url --port %d --apply" % (env.free,
                                                            env.free))
    got = [h for h in hints_in(r.stderr + r.stdout) if "urlacl" in h]
    lib.check("a URL reserved for another user names its removal",
              r.returncode != 0 and got, r.stdout, r.stderr)
    for h in got[:1]:
        env.run_hint(h, h)
    r = sh("rsconfig web-service-url --port %d --apply" % env.free)
    lib.check("after it the apply works", r.returncode == 0, r.stdout,
              r.stderr)
    sh("rsconfig web-service-url --port %d --apply" % env.hp)


def scenario_orphan(env):
    t2 = sh("certstore new-self-signed --dns orphan.test").stdout.split()[-1]
    port = lib.free_port()
    sh("httpcfg add sslcert ipport=0.0.0.0:%d certhash=%s appid="
       "{6f1d2a3b-0000-4000-8000-0000000000d0}" % (port, t2))
    sh("certstore remove %s --force" % t2)
    out = sh("rsconfig status").stdout + sh("rsconfig repair --dry-run") \
        .stdout
    got = [h for h in hints_in(out) if "sslcert" in h]
    lib.check("an orphan binding names its removal", got, out)
    for h in got[:1]:
        env.run_hint(h, h)
    lib.check("after it the orphan is gone", "0.0.0.0:%d" % port not in
              sh("httpcfg show sslcert").stdout)


def scenario_old_schema(env):
    db = os.path.join(lib.ROOT, "reportserver", "ReportServer.db")
    # Back to version 1: without the tables versions 2 (execution log),
    # 4 (SOAP) and 5 (schedules and subscriptions) add.
    sh("sqlite3 %s 'DROP TABLE execution_log; DROP TABLE executions; "
       "DROP TABLE item_datasources; DROP TABLE item_properties; "
       "DROP TABLE report_data; DROP TABLE jobs; DROP TABLE item_exec; "
       "DROP TABLE cache_plans; DROP TABLE subscriptions; "
       "DROP TABLE schedules; PRAGMA user_version = 1;'" % db)
    out = sh("rsconfig status").stdout
    got = [h for h in hints_in(out) if "upgrade" in h]
    lib.check("an older schema names the upgrade", got, out)
    for h in got[:1]:
        env.run_hint(h, h)
    lib.check("after it the database is ready", "ready" in sh(
        "rsconfig status").stdout)


# Every hint of the sources, as a reader runs it (see the module comment).
def table(env):
    t, w = env.t, WORK
    acct = "rshint%d" % os.getpid()
    f = os.path.join(w, "f")
    return {
        "certstore export %s --cert %s.crt":
            "certstore export %s --cert %s.crt" % (t, t),
        "certstore import %s.crt --store Root":
            "certstore import %s.crt --store Root" % t,
        "certstore export THUMBPRINT --cert FILE":
            "certstore export %s --cert ca.pem" % t,
        "certstore import CA.crt --store Root":
            "cp ca.pem CA.crt && certstore import CA.crt --store Root",
        "certstore import FILE --password-file F":
            "certstore export %s --pfx x.pfx --password-file pw && "
            "certstore import x.pfx --password-file pw" % t,
        "certstore new-self-signed --dns NAME":
            "certstore new-self-signed --dns hint.test",
        "certstore %s": "certstore list",
        'certstore --root \\"$HOME/certstore\\" %s':
            'HOME=%s certstore --root "$HOME/certstore" list' % w,
        "certstore list --store %s": "certstore list --store My",
        "certstore list --store Root": "certstore list --store Root",
        'certstore new-ca --name \\"Local CA\\"':
            'certstore new-ca --name "Local CA"',
        "httpcfg add urlacl url=%s user=NAME":
            "httpcfg add urlacl url=http://+:%d/hint/ user=root" %
            lib.free_port(),
        # httpsvc/orphan.py runs it as written, from httpsvc's warning.
        "httpcfg update sslcert %s=%s certhash=THUMBPRINT appid=%s": None,
        "chgrp %s %s": "touch %s && chgrp nogroup %s" % (f, f),
        "chmod 0600 %s": "chmod 0600 %s" % f,
        "chmod 0640 %s": "chmod 0640 %s" % f,
        "chmod g+rx %s": "chmod g+rx %s" % w,
        "chmod o+x %s": "chmod o+x %s" % w,
        "chmod o+x FOLDER": "chmod o+x %s" % w,
        "chown %s: %s": "chown nobody: %s" % f,
        "chown %s: %s %s": "chown nobody: %s %s" % (w, f),
        # "/" is the reader's; the test looks in its own folder to be quick.
        "find / -xdev -samefile %s": "find %s -xdev -samefile %s" % (w, f),
        "httpcfg delete sslcert %s=%s": None,    # scenario_orphan
        "httpcfg delete urlacl url=%s": None,    # scenario_other_user
        "httpsvc": "RS_ROOT=%s/svc timeout -s TERM 3 httpsvc; test $? = 124"
            % w,
        "journalctl -u %s":
            "journalctl -u reportserver.service --no-pager -n 1",
        "mkdir -p %s": None,                     # scenario_folder
        "rsconfig certificates": "rsconfig certificates",
        "rsconfig database create --admin-user NAME --admin-password-stdin":
            None,                                # scenario_deleted_db
        "rsconfig database show": "rsconfig database show",
        "rsconfig database upgrade": None,       # scenario_old_schema
        "rsconfig repair": None,                 # scenario_drift
        "rsconfig repair --all": "rsconfig repair --all",
        "rsconfig repair --dry-run": "rsconfig repair --dry-run",
        "rsconfig service-account USER": "rsconfig service-account root",
        "useradd --system --no-create-home --shell /usr/sbin/nologin %s":
            "useradd --system --no-create-home --shell /usr/sbin/nologin "
            "%s" % acct,
        "useradd --system --no-create-home --shell /usr/sbin/nologin "
        "reportserver": "true  # the same command, run above with a test "
            "name",
        "rsconfig service-account reportserver":
            "rsconfig service-account %s && rsconfig service-account "
            "root && userdel %s" % (acct, acct),
        "rsconfig service-account %s": "rsconfig service-account root",
        "rsconfig start": "rsconfig start",
        "rsconfig status": "rsconfig status",
        "rsconfig stop": "rsconfig stop && rsconfig start",
        "rsconfig urls": "rsconfig urls",
        "rsconfig web-portal-url add-identity --https --cert THUMBPRINT "
        "--port N": "rsconfig web-portal-url add-identity --https --cert %s "
            "--port %d" % (t, lib.free_port()),
        "rsconfig web-service-url --https-cert THUMBPRINT --apply":
            "rsconfig web-service-url --https-cert %s --apply" % t,
        "rsconfig web-service-url --https-cert THUMBPRINT --https-port 443 "
        "--apply": "rsconfig web-service-url --https-cert %s --https-port "
            "%d --apply" % (t, env.sp),
        "rsconfig web-service-url --port 80 --apply":
            "rsconfig web-service-url --port %d --apply" % env.hp,
        "rsconfig web-service-url --vdir NAME --apply":
            "rsconfig web-service-url --vdir ReportServer --apply",
        "rsconfig wmi ListIPAddresses": "rsconfig wmi ListIPAddresses",
        "rsconfig wmi ReserveURL Application=%s UrlString=%s": None,
    }


def main():
    hints, unquoted = source_hints()
    lib.check("every command in a message is a quoted hint", not unquoted,
              *["%s: %s" % u for u in unquoted])
    env = Env()
    env.setup()
    tab = table(env)
    missing = sorted(set(hints) - set(tab))
    lib.check("every hint in the sources is tested here (%d hints)" %
              len(hints), not missing, *missing)
    stale = sorted(set(tab) - set(hints))
    lib.check("every hint tested here is still in the sources", not stale,
              *stale)
    for s in (scenario_untrusted, scenario_deleted_db, scenario_folder,
              scenario_drift, scenario_other_user, scenario_orphan,
              scenario_old_schema):
        s(env)
    if os.geteuid() != 0:
        lib.ok("# SKIP the account hints need root")
    for template, cmd in tab.items():
        if cmd is None or template not in hints:
            continue
        if os.geteuid() != 0 and re.match(r"(useradd|chown|chgrp)|.*"
                                          r"service-account", template):
            continue
        env.run_hint(template, cmd)
    sh("rsconfig stop")
    shutil.rmtree(WORK, ignore_errors=True)
    lib.done_testing()


if __name__ == "__main__":
    main()
