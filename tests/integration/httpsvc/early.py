#!/usr/bin/env python3
"""An application's early answer reaches the client.

An application that answers a large upload before reading it (413 here)
and closes its socket: the client gets the application's status and body,
over HTTP/1.1 and HTTP/2, not 502.  An application that closes without any
answer still gives 502, and the next requests are served normally.
"""
import http.client
import os
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import (ROOT, TMP, check, done_testing, expect_eq, free_port, run,
                 start_bg, wait_for)

APP = os.path.join(os.path.dirname(__file__), "testapp")
APPID = "{6f1d2a3b-0000-4000-8000-00000000a0e1}"
BIG = b"x" * (5 * 1024 * 1024)      # far beyond a socket buffer
APP_BODY = b"413 from the application: too large for me\n"


def read(path):
    with open(path) as f:
        return f.read()


def post(port, path, body):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    h = http.client.HTTPSConnection("127.0.0.1", port, context=c, timeout=20)
    try:
        h.request("POST", path, body=body,
                  headers={"Content-Type": "application/octet-stream"})
        r = h.getresponse()
        return r.status, r.read()
    finally:
        h.close()


def main():
    port = free_port()
    cert = run("certstore", "new-self-signed", "--dns", "early.test",
               check_rc=0).stdout.strip().splitlines()[-1]
    run("httpcfg", "add", "sslcert", "ipport=0.0.0.0:%d" % port,
        "certhash=" + cert, "appid=" + APPID, check_rc=0)
    run("httpcfg", "add", "urlacl", "url=https://+:%d/app/" % port,
        "user=root", check_rc=0)
    log = os.path.join(TMP, "svc.log")
    start_bg("httpsvc", log=log)
    check("httpsvc is ready",
          wait_for(lambda: "ready: listening" in read(log), 30), read(log))
    alog = os.path.join(TMP, "app.log")
    start_bg("/usr/bin/python3", APP, "--root", ROOT, "--sock",
             os.path.join(TMP, "app.sock"), "--url",
             "https://+:%d/app/" % port, log=alog)
    check("the application registered",
          wait_for(lambda: "READY" in read(alog), 20), read(alog))

    for i in range(3):
        expect_eq("5 MB upload the application refuses early (%d): its 413 "
                  "and body" % (i + 1), post(port, "/app/refuse", BIG),
                  (413, APP_BODY))
    expect_eq("a small body refused: 413 and body",
              post(port, "/app/refuse", b"abc"), (413, APP_BODY))
    big = os.path.join(TMP, "big")
    with open(big, "wb") as f:
        f.write(BIG)
    r = subprocess.run(["curl", "-sk", "--http2", "-w", "\n%{http_version} "
                        "%{http_code}", "--data-binary", "@" + big,
                        "https://127.0.0.1:%d/app/refuse" % port],
                       capture_output=True, timeout=30)
    expect_eq("over HTTP/2: the application's 413 and body", r.stdout,
              APP_BODY + b"\n2 413")
    expect_eq("an application that closes without an answer: 502",
              post(port, "/app/drop", BIG)[0], 502)
    expect_eq("the next upload is served", post(port, "/app/up", BIG),
              (200, b"len=%d\n" % len(BIG)))
    check("no 'I/O error (send request)' for the early answers",
          read(log).count("I/O error (send request)") == 0,
          [ln for ln in read(log).splitlines() if "error" in ln][:5])
    done_testing()


main()
