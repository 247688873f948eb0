#!/usr/bin/env python3
"""Strict-Transport-Security on every HTTPS response (issue 18, item 8).

Over TLS, every answer httpsvc sends carries HSTS with the configured
max-age (default one year, no includeSubDomains): forwarded answers over
HTTP/1.1 and HTTP/2, httpsvc's own 404, 503 and 400, the engine's own
413, and the 408 that httpsvc writes itself.  An application's own header
is passed on as it is, never doubled.  Plain HTTP answers never carry it.
hsts_max_age and hsts_include_subdomains change it; hsts_max_age 0 turns
it off.
"""
import http.client
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
from lib import check, done_testing, expect_eq  # noqa: E402
import svclib  # noqa: E402

YEAR = "max-age=31536000"


def sts_all(resp):
    head = resp.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    return [ln.split(":", 1)[1].strip() for ln in head.split("\r\n")[1:]
            if ln.startswith("strict-transport-security:")]


def req(path, method=b"GET", extra=b"", body=b""):
    return (b"%s %s HTTP/1.1\r\nHost: sec.test\r\n%sContent-Length: %d"
            b"\r\nConnection: close\r\n\r\n" % (method, path, extra,
                                                len(body)) + body)


def curl_h2(port, path):
    r = subprocess.run(["curl", "-sk", "--http2", "-o", "/dev/null", "-D",
                        "-", "https://127.0.0.1:%d%s" % (port, path)],
                       capture_output=True, timeout=30)
    return r.stdout.replace(b"HTTP/2", b"HTTP/2.0")


def main():
    svc = svclib.start("header_timeout_ms 1000\nbody_max 1000\n")
    for name, path in [("a forwarded answer", b"/app/x"),
                       ("httpsvc's 404", b"/nothing")]:
        out, _ = svclib.raw_tls(svc.https, req(path))
        expect_eq("HTTPS %s: one HSTS header, one year" % name,
                  sts_all(out), [YEAR])
        out, _ = svclib.raw(svc.http, req(path))
        expect_eq("plain HTTP %s: no HSTS" % name, sts_all(out), [])
    out = curl_h2(svc.https, "/app/x")
    check("HTTP/2 answer (curl --http2): HSTS one year",
          out.startswith(b"HTTP/2.0 200") and
          b"strict-transport-security: " + YEAR.encode() in out.lower(),
          out)
    out, _ = svclib.raw_tls(svc.https, b"POST /app/x HTTP/1.1\r\nHost: x\r\n"
                            b"Content-Length: 1\r\nContent-Length: 2\r\n\r\nab")
    expect_eq("HTTPS 400 for ambiguous framing: HSTS",
              (svclib.status_of(out), sts_all(out)), (400, [YEAR]))
    out, _ = svclib.raw_tls(svc.https, req(b"/app/x", b"POST",
                                           body=b"z" * 5000))
    expect_eq("HTTPS 413 over body_max: HSTS",
              (svclib.status_of(out), sts_all(out)), (413, [YEAR]))
    out, _ = svclib.raw_tls(svc.https, b"GET /app/x HTTP/1.1\r\nHo",
                            wait=4)
    expect_eq("HTTPS 408 written by httpsvc itself: HSTS",
              (svclib.status_of(out), sts_all(out)), (408, [YEAR]))
    out, _ = svclib.raw(svc.http, b"GET /app/x HTTP/1.1\r\nHo", wait=4)
    expect_eq("plain HTTP 408: no HSTS", (svclib.status_of(out),
                                          sts_all(out)), (408, []))
    svc.app.answer = lambda m, t, h: (
        b"HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=60\r\n"
        b"Content-Length: 2\r\n\r\nok") if t.endswith("/own") else None
    out, _ = svclib.raw_tls(svc.https, req(b"/app/own"))
    expect_eq("an application's own HSTS header is kept, not doubled",
              sts_all(out), ["max-age=60"])
    out, _ = svclib.raw(svc.http, req(b"/app/own"))
    expect_eq("... and passed on as it is over plain HTTP too",
              sts_all(out), ["max-age=60"])
    svc.ctl.close()
    time.sleep(0.3)
    out, _ = svclib.raw_tls(svc.https, req(b"/app/x"))
    expect_eq("HTTPS 503 (application gone): HSTS",
              (svclib.status_of(out), sts_all(out)), (503, [YEAR]))

    svc.restart("hsts_max_age 600\nhsts_include_subdomains 1\n")
    out, _ = svclib.raw_tls(svc.https, req(b"/app/x"))
    expect_eq("hsts_max_age 600, hsts_include_subdomains 1",
              sts_all(out), ["max-age=600; includesubdomains"])
    svc.restart("hsts_max_age 0\n")
    out, _ = svclib.raw_tls(svc.https, req(b"/app/x"))
    expect_eq("hsts_max_age 0: no HSTS", (svclib.status_of(out),
                                         sts_all(out)), (200, []))
    done_testing()


if __name__ == "__main__":
    main()
