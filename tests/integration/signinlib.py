"""tests/integration/signinlib.py: the report server behind httpsvc for the
sign-in tests (tests/security/signin_*.py, log_forging.py).

Env is suite_sqlite's (real httpsvc over TLS, real reportserver, SQLite
catalog) with the <Authentication> limits and account sources a test asks
for.  Requests can come from any 127.x.y.z address: the client socket is
bound to it before connecting, so httpsvc sees, and passes on in
X-Forwarded-For, a different source for each simulated client.
"""
import base64
import http.client
import json
import os
import socket
import statistics
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "reportserver"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402

ADMIN_PW = suite.ADMIN_PW


class Conn(http.client.HTTPSConnection):
    """An HTTPS connection to 127.0.0.1:port from a chosen source address,
    checking the test certificate (made for localhost)."""

    def __init__(self, port, ctx, source="127.0.0.1", timeout=60):
        super().__init__("localhost", port, context=ctx, timeout=timeout)
        self.src = source

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port),
                                        self.timeout, (self.src, 0))
        self.sock = self._context.wrap_socket(sock,
                                              server_hostname="localhost")


def basic(user, pw):
    if isinstance(user, str):
        user = user.encode()
    if isinstance(pw, str):
        pw = pw.encode()
    return "Basic " + base64.b64encode(user + b":" + pw).decode()


class Env(suite.Env):
    def __init__(self, sources="BuiltIn PAM", slowdown=3, lockout=10,
                 minutes=15):
        super().__init__("SQLite", os.path.join(lib.ROOT, "reportserver",
                                                "ReportServer.db"))
        self.limits = (sources, slowdown, lockout, minutes)

    def config_text(self):
        sources, slowdown, lockout, minutes = self.limits
        text = super().config_text()
        for tag, value in (("AccountSources", sources),
                           ("SlowdownAfter", slowdown),
                           ("LockoutThreshold", lockout),
                           ("LockoutMinutes", minutes)):
            head, rest = text.split("<%s>" % tag, 1)
            text = "%s<%s>%s%s" % (head, tag, value,
                                   rest[rest.index("</%s>" % tag):])
        return text

    def start(self):
        """httpsvc, reportserver and a catalog with the admin account."""
        self.setup()
        self.start_rs()
        r = lib.run("rsconfig", "database", "create", "--admin-user",
                    "admin", "--admin-password-stdin", input=ADMIN_PW + "\n")
        lib.check("rsconfig database create", r.returncode == 0, r.stderr)
        lib.check("the admin signs in", lib.wait_for(
            lambda: self.get("/ReportServer/", user="admin",
                             pw=ADMIN_PW)[0] == 200, 15))

    def conn(self, source="127.0.0.1", timeout=60):
        return Conn(self.port, self.ctx, source, timeout)

    def call(self, user, pw, source="127.0.0.1", path="/ReportServer/",
             method="GET", body=None, conn=None, headers=None):
        """One request; returns (status, lower-case headers, text).  With
        conn the connection is kept open (keep-alive) for the next call."""
        c = conn or self.conn(source)
        h = dict(headers or {})
        if user is not None:
            h["Authorization"] = basic(user, pw)
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            h["Content-Type"] = "application/json"
        c.request(method, urllib.parse.quote(path, safe="/?&=%$'(),:;+*@"),
                  body=body, headers=h)
        r = c.getresponse()
        text = r.read().decode("utf-8", "replace")
        hs = dict((k.lower(), v) for k, v in r.getheaders())
        if conn is None:
            c.close()
        return r.status, hs, text

    def add_builtin(self, name, pw):
        """A built-in account, added by the admin in Site settings."""
        st, _, page, _ = self.admin("GET", "/Reports/admin")
        st, _, _, _ = suite.post_form(self, {
            "csrf": suite.csrf_of(page), "op": "user_set", "path": "/",
            "name": name, "password": pw, "password2": pw})
        lib.expect_eq("Site settings add the built-in account %s" % name,
                      st, 303)

    def log(self):
        with open(self.rs_log, "rb") as f:
            return f.read()


def pct(values, p):
    """The p-th percentile (nearest rank) of values."""
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100.0 * len(v))) - 1))]


def median(values):
    return statistics.median(values)
