#!/usr/bin/env python3
"""Keep-alive connections to the application (uppool.c).

- Many requests on one client connection use one upstream connection.
- An upstream connection the application closes while it is idle is never
  used again: every next request succeeds, on a new connection.
- Concurrent clients all get answers; an application that goes away and
  comes back is served again (its parked connections were dropped).
- httpsvc exits cleanly (0, no leak reported by ASan) after all that.
"""
import http.client
import os
import signal
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import (ROOT, TMP, check, done_testing, expect_eq, free_port, run,
                 start_bg, wait_for)

APP = os.path.join(os.path.dirname(__file__), "testapp")
APPID = "{6f1d2a3b-0000-4000-8000-00000000a0c1}"


def read(path):
    with open(path) as f:
        return f.read()


def ctx():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


def start_app(port, n):
    log = os.path.join(TMP, "app%d.log" % n)
    p = start_bg("/usr/bin/python3", APP, "--root", ROOT, "--sock",
                 os.path.join(TMP, "app.sock"), "--url",
                 "https://+:%d/app/" % port, log=log)
    wait_for(lambda: "READY" in read(log), 20)
    return p


def get(c, path):
    c.request("GET", path)
    r = c.getresponse()
    return r.status, r.read().decode().strip()


def main():
    port = free_port()
    cert = run("certstore", "new-self-signed", "--dns", "up.test",
               check_rc=0).stdout.strip().splitlines()[-1]
    run("httpcfg", "add", "sslcert", "ipport=0.0.0.0:%d" % port,
        "certhash=" + cert, "appid=" + APPID, check_rc=0)
    run("httpcfg", "add", "urlacl", "url=https://+:%d/app/" % port,
        "user=root", check_rc=0)
    log = os.path.join(TMP, "svc.log")
    svc = start_bg("httpsvc", log=log)
    check("httpsvc is ready",
          wait_for(lambda: "ready: listening" in read(log), 30), read(log))
    app = start_app(port, 1)

    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx(),
                                    timeout=10)
    got = [get(c, "/app/conn") for _ in range(40)]
    check("40 requests on one client connection: all 200",
          all(s == 200 for s, _ in got), got[:3])
    expect_eq("... over one upstream connection", len({b for _, b in got}), 1)

    fails = []
    for i in range(5):
        s1, b1 = get(c, "/app/conn?drop=0.2")
        time.sleep(0.8)     # the application has closed it by now
        s2, b2 = get(c, "/app/conn")
        if s1 != 200 or s2 != 200 or b1 == b2:
            fails.append((s1, b1, s2, b2))
    expect_eq("an upstream connection the application closed while idle is "
              "never used again (5 rounds)", fails, [])
    c.close()

    results = []

    def client():
        k = http.client.HTTPSConnection("127.0.0.1", port, context=ctx(),
                                        timeout=10)
        for _ in range(25):
            try:
                results.append(get(k, "/app/conn")[0])
            except Exception as e:  # a failure is what we count
                results.append(repr(e))
        k.close()
    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expect_eq("8 concurrent keep-alive clients x 25 requests: all 200",
              [r for r in results if r != 200], [])

    app.send_signal(signal.SIGTERM)
    app.wait(timeout=10)
    wait_for(lambda: "ended" in read(log), 10)
    k = http.client.HTTPSConnection("127.0.0.1", port, context=ctx(),
                                    timeout=10)
    expect_eq("the application gone: 503", get(k, "/app/conn")[0], 503)
    start_app(port, 2)
    expect_eq("the application back: served again on a new connection",
              get(k, "/app/conn"), (200, "conn=1"))
    k.close()
    svc.send_signal(signal.SIGTERM)
    rc = svc.wait(timeout=40)
    expect_eq("httpsvc exits 0 (no leak, no error) after SIGTERM", rc, 0)
    check("no upstream errors in the log", "proxy.c" not in read(log),
          [ln for ln in read(log).splitlines() if "proxy.c" in ln][:5])
    done_testing()


main()
