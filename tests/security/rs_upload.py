#!/usr/bin/env python3
"""Anonymous large uploads to the real report server (issue 18, item 10).

The report server registers its URLs with its MaxUploadBytes-derived body
limit (REGISTER ... body_max=N) and a precheck for bodies over 1 MiB.
Through httpsvc over TLS with curl --http1.1 (which announces big bodies
with Expect: 100-continue):

- an anonymous 1.2 MB upload to the REST API gets the report server's own
  401 (WWW-Authenticate Basic) before the body: curl sends almost none of
  it; the same upload with the administrator's credentials is let through
  and reaches the REST API (its answer is not 401);
- an upload over the declared limit gets 413 from httpsvc before the
  body, signed in or not;
- without Expect (an attacker's raw client) the body is still refused by
  its size before it is read.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration", "reportserver"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402
import svclib  # noqa: E402


def curl_up(env, size, user=None):
    data = os.path.join(lib.TMP, "up.bin")
    with open(data, "wb") as f:
        f.write(b"{" + b" " * (size - 2) + b"}")
    cmd = ["curl", "-s", "--http1.1", "--cacert", env.cafile, "-o", "-",
           "-D", "-", "-w", "\n%{http_code} %{size_upload}",
           "-H", "Content-Type: application/json", "--data-binary",
           "@" + data, "https://localhost:%d/Reports/api/v2.0/"
           "CatalogItems" % env.port]
    if user:
        cmd[1:1] = ["-u", user]
    r = subprocess.run(cmd, capture_output=True, timeout=120)
    code, sent = r.stdout.rsplit(b"\n", 1)[1].split()
    return int(code), int(float(sent)), r.stdout


def main():
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
        size = 1200 * 1000
        code, sent, out = curl_up(env, size)
        lib.check("anonymous 1.2 MB upload: the report server's 401 before "
                  "the body (curl sent %d of %d bytes)" % (sent, size),
                  code == 401 and sent < 65536 and
                  b"www-authenticate: basic" in out.lower(), out[:600])
        code, sent, out = curl_up(env, size, "admin:" + suite.ADMIN_PW)
        lib.check("the same upload signed in: let through, the REST API "
                  "answers it (%d, %d bytes sent)" % (code, sent),
                  code not in (401, 413, 502) and sent == size, out[:600])
        big = 3 * 1000 * 1000
        for user in (None, "admin:" + suite.ADMIN_PW):
            code, sent, out = curl_up(env, big, user)
            lib.check("a 3 MB upload over MaxUploadBytes (%s): 413 from "
                      "httpsvc before the body" % (
                          "signed in" if user else "anonymous"),
                      code == 413 and sent < 65536, out[:600])
        head = (b"POST /Reports/api/v2.0/CatalogItems HTTP/1.1\r\n"
                b"Host: localhost\r\nContent-Length: %d\r\n\r\n" % big)
        out, closed = svclib.raw_tls(env.port, head)
        lib.check("a raw client without Expect: 413 before the body, closed",
                  svclib.status_of(out) == 413 and closed, out[:300])
    finally:
        env.cleanup()
    lib.done_testing()


if __name__ == "__main__":
    main()
