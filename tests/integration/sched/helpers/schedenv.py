"""tests/integration/sched/helpers/schedenv.py: what the scheduling tests share.

SchedEnv is the report server suite's Env (httpsvc and the report server
over TLS on a temporary root) with what subscriptions need: a clock file
the tests set (RS_SCHED_CLOCK), a real SMTP server (helpers/smtpd.py:
Debian's aiosmtpd with STARTTLS and AUTH, its certificate from a test CA
the report server is told to trust), a folder file share delivery may
write into, and the sample Sales database and reports.
"""
import email
import email.policy
import glob
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "..", "reportserver"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402

SMTP_USER = "rsmailer"
SMTP_PW = "Sm7p pass: ünï"
T0 = 1780300800		# 2026-06-01T08:00:00Z, a Monday


def sh(*args, input=None):
    return subprocess.run(args, input=input, capture_output=True, text=True,
                          timeout=60)


class Smtp:
    """One aiosmtpd server; messages land in self.dir."""

    def __init__(self, name, implicit=False, cert=None):
        self.dir = os.path.join(lib.TMP, "mail-" + name)
        os.makedirs(self.dir, exist_ok=True)
        self.port = lib.free_port()
        self.implicit = implicit
        self.cert = cert
        self.proc = None

    def start(self, cert, key):
        args = ["/usr/bin/python3", os.path.join(HERE, "smtpd.py"), "--port",
                str(self.port), "--cert", cert, "--key", key, "--dir",
                self.dir, "--user", SMTP_USER, "--password", SMTP_PW]
        if self.implicit:
            args.append("--implicit")
        log = open(os.path.join(lib.TMP, "smtpd-%d.log" % self.port), "w")
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        lib._procs.append(self.proc)
        return lib.wait_for(lambda: "ready" in open(log.name).read(), 20)

    def mode(self, m):
        with open(os.path.join(self.dir, "mode"), "w") as f:
            f.write(m)

    def messages(self):
        out = []
        for p in sorted(glob.glob(os.path.join(self.dir, "msg-*.eml"))):
            with open(p, "rb") as f:
                out.append(email.message_from_binary_file(
                    f, policy=email.policy.default))
        return out

    def clear(self):
        for p in glob.glob(os.path.join(self.dir, "msg-*.eml")):
            os.unlink(p)


def make_ca(tmp):
    """A test CA and a localhost/127.0.0.1 certificate it signed."""
    ca, cakey = os.path.join(tmp, "mailca.pem"), os.path.join(tmp, "mailca.key")
    crt, key = os.path.join(tmp, "mail.pem"), os.path.join(tmp, "mail.key")
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
       cakey, "-out", ca, "-days", "2", "-subj", "/CN=Test Mail CA")
    sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
       "-out", crt + ".csr", "-subj", "/CN=localhost")
    ext = os.path.join(tmp, "mail.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    sh("openssl", "x509", "-req", "-in", crt + ".csr", "-CA", ca, "-CAkey",
       cakey, "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext)
    # A second certificate nobody trusts: a server with a wrong one.
    bad, badkey = os.path.join(tmp, "rogue.pem"), os.path.join(tmp,
                                                               "rogue.key")
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
       badkey, "-out", bad, "-days", "2", "-subj", "/CN=localhost",
       "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
    return ca, crt, key, bad, badkey


class SchedEnv(suite.Env):
    def __init__(self, backend="SQLite", dsn=None, root=None):
        super().__init__(backend, dsn or os.path.join(
            lib.ROOT, "reportserver", "ReportServer.db"))
        self.clock = os.path.join(lib.TMP, "clock")
        self.share = os.path.join(lib.TMP, "share")
        os.makedirs(self.share, exist_ok=True)
        self.set_clock(T0)
        os.environ["RS_SCHED_CLOCK"] = self.clock

    def set_clock(self, t):
        with open(self.clock + ".tmp", "w") as f:
            f.write("%d\n" % t)
        os.rename(self.clock + ".tmp", self.clock)
        self.now = t

    def rsconfig(self, *args, input=None):
        return lib.run("rsconfig", *args, input=input)

    def mail_settings(self, smtp, ca, tls="StartTLS", extra=()):
        r = self.rsconfig("email", "SMTPServer=127.0.0.1",
                          "SMTPServerPort=%d" % smtp.port,
                          "SMTPTLSMode=" + tls, "SMTPAuthenticate=1",
                          "From=reports@example.com", "SMTPCAFile=" + ca,
                          "SMTPConnectionTimeout=5",
                          "AllowedPaths=" + self.share, *extra,
                          "--user", SMTP_USER, "--password-stdin",
                          input=SMTP_PW + "\n")
        return r

    def samples(self):
        db = os.path.join(lib.ROOT, "data", "sales.db")
        os.makedirs(os.path.dirname(db), exist_ok=True)
        sh(os.path.join(lib.SRC, "samples", "make-db.sh"), db)
        self.api("POST", "/Folders", {"Path": "/Samples"})
        self.api("POST", "/DataSources", {
            "Path": "/Samples/Sales", "ConnectionString": db,
            "DataSourceType": "SQLITE"})
        for name in ("ProductList", "SalesSummary"):
            with open(os.path.join(lib.SRC, "samples", "reports",
                                   name + ".rdl"), "rb") as f:
                st, _, t = self.api("POST", "/Reports", {
                    "Path": "/Samples/" + name,
                    "Content": suite.b64(f.read())})
                lib.check("sample report %s uploaded" % name, st == 201,
                          st, t[:200])
        return db

    def subscribe(self, body, **kw):
        return self.api("POST", "/Subscriptions", body, **kw)

    def wait_status(self, sid, pred, seconds=30):
        """Waits until the subscription's LastStatus satisfies pred."""
        last = [None]

        def probe():
            st, j, _ = self.api("GET", "/Subscriptions(%s)" % sid)
            last[0] = (j or {}).get("LastStatus")
            return st == 200 and last[0] is not None and pred(last[0])
        lib.wait_for(probe, seconds)
        return last[0]


def email_sub(report, to, fmt="PDF", extra=(), schedule=None):
    pv = [{"Name": "TO", "Value": to},
          {"Name": "IncludeReport", "Value": "True"},
          {"Name": "RenderFormat", "Value": fmt},
          {"Name": "Subject", "Value": "@ReportName was executed at "
           "@ExecutionTime"},
          {"Name": "Comment", "Value": "Here is the report."}]
    pv += [{"Name": k, "Value": v} for k, v in extra]
    return {"Report": report, "Description": "mail " + fmt,
            "DeliveryExtension": "Report Server Email",
            "EventType": "TimedSubscription",
            "ExtensionSettings": {"Extension": "DeliveryExtension",
                                  "ParameterValues": pv},
            # Once, long after the tests' times: runs only when asked.
            "Schedule": schedule or {"Definition": {
                "StartDateTime": "2030-01-01T00:00:00Z",
                "TimeZone": "UTC"}}}
