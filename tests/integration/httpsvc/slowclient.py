#!/usr/bin/env python3
"""A client that stops reading never makes httpsvc buffer a whole response
(forward.c).

- With upstream_buffer_max 256 KiB (httpsvc.conf), three clients ask for
  a 128 MB response over TLS and stop reading after the headers: 3 s later
  httpsvc's resident memory (ASan reusing freed blocks at once) grew by
  less than 32 MB (ASan build); without the limit it grows by the whole
  responses (in run/spool's mapped files past buffer_memory_max, which
  count as resident too).
- Meanwhile another client gets a small answer at once.
- Then the three read to the end and get every byte (sha256 equal).
- A large response over HTTP/2 (curl) arrives whole; httpsvc exits
  cleanly (0, no leak reported by ASan).
"""
import hashlib
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import (ROOT, TMP, check, done_testing, expect_eq, free_port, run,
                 start_bg, wait_for)

APP = os.path.join(os.path.dirname(__file__), "testapp")
APPID = "{6f1d2a3b-0000-4000-8000-00000000a0f1}"
N = 128 * 1024 * 1024
SLOW = 3
GROWTH_MAX = 32 * 1024 * 1024
LIMIT = 256 * 1024     # upstream_buffer_max, set in httpsvc.conf


def read(path):
    with open(path) as f:
        return f.read()


def rss(pid):
    for line in read("/proc/%d/status" % pid).splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def expected_sha(n):
    h = hashlib.sha256()
    chunk = b"x" * 65536
    while n > 0:
        h.update(chunk[:min(n, len(chunk))])
        n -= min(n, len(chunk))
    return h.hexdigest()


def ctx():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    c.set_alpn_protocols(["http/1.1"])
    return c


class Slow:
    """A GET that reads the headers, then stops until finish() is called."""

    def __init__(self, port, path):
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.s = ctx().wrap_socket(raw)
        self.s.sendall(("GET %s HTTP/1.1\r\nHost: slow.test\r\n\r\n" %
                        path).encode())
        buf = b""
        while b"\r\n\r\n" not in buf and len(buf) < 65536:
            d = self.s.recv(4096)
            if not d:
                break
            buf += d
        self.head, _, self.rest = buf.partition(b"\r\n\r\n")
        self.sha = None
        self.got = 0

    def finish(self):
        h = hashlib.sha256(self.rest)
        self.got = len(self.rest)
        end = time.time() + 120
        while self.got < N and time.time() < end:
            d = self.s.recv(1 << 20)
            if not d:
                break
            h.update(d)
            self.got += len(d)
        self.sha = h.hexdigest()
        self.s.close()


def quick_get(port):
    s = ctx().wrap_socket(socket.create_connection(("127.0.0.1", port),
                                                   timeout=10))
    t0 = time.time()
    s.sendall(b"GET /app/conn HTTP/1.1\r\nHost: slow.test\r\n"
              b"Connection: close\r\n\r\n")
    buf = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    s.close()
    return buf.split(b"\r\n", 1)[0], time.time() - t0


def main():
    port = free_port()
    cert = run("certstore", "new-self-signed", "--dns", "slow.test",
               check_rc=0).stdout.strip().splitlines()[-1]
    run("httpcfg", "add", "sslcert", "ipport=0.0.0.0:%d" % port,
        "certhash=" + cert, "appid=" + APPID, check_rc=0)
    run("httpcfg", "add", "urlacl", "url=https://+:%d/app/" % port,
        "user=root", check_rc=0)
    # ASan keeps freed blocks in a quarantine (256 MB by default) that
    # would count as growth here; without one it measures what is buffered.
    os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                  ":quarantine_size_mb=0").lstrip(":")
    os.makedirs(os.path.join(ROOT, "http"), exist_ok=True)
    with open(os.path.join(ROOT, "http", "httpsvc.conf"), "w") as f:
        f.write("upstream_buffer_max %d\n" % LIMIT)
    log = os.path.join(TMP, "svc.log")
    svc = start_bg("httpsvc", log=log)
    check("httpsvc is ready",
          wait_for(lambda: "ready: listening" in read(log), 30), read(log))
    alog = os.path.join(TMP, "app.log")
    start_bg("/usr/bin/python3", APP, "--root", ROOT, "--sock",
             os.path.join(TMP, "app.sock"), "--url",
             "https://+:%d/app/" % port, log=alog)
    check("the application registered",
          wait_for(lambda: "READY" in read(alog), 20), read(alog))
    quick_get(port)     # warm up: worker pools, TLS contexts
    before = rss(svc.pid)

    slow = [Slow(port, "/app/big?n=%d" % N) for _ in range(SLOW)]
    check("%d slow clients got their headers (200)" % SLOW,
          all(s.head.startswith(b"HTTP/1.1 200") for s in slow),
          [s.head[:40] for s in slow])
    status, secs = quick_get(port)
    expect_eq("meanwhile a normal request is answered", status,
              b"HTTP/1.1 200 OK")
    check("... at once (%.2f s)" % secs, secs < 2.0, secs)
    time.sleep(3)
    grown = rss(svc.pid) - before
    check("3 s later httpsvc grew by %.1f MB (< %d MB)" %
          (grown / 1048576, GROWTH_MAX // 1048576), grown < GROWTH_MAX,
          grown)

    want = expected_sha(N)
    ts = [threading.Thread(target=s.finish) for s in slow]
    for t in ts:
        t.start()
    for t in ts:
        t.join(150)
    expect_eq("the slow clients then read every byte",
              [s.got for s in slow], [N] * SLOW)
    check("... and the bytes are right (sha256)",
          all(s.sha == want for s in slow), [s.sha for s in slow])

    n2 = 32 * 1024 * 1024
    r = subprocess.run("curl -sk --http2 'https://127.0.0.1:%d/app/big?n=%d'"
                       " | sha256sum" % (port, n2), shell=True,
                       capture_output=True, timeout=60)
    expect_eq("a 32 MB response over HTTP/2 arrives whole",
              r.stdout.split()[0].decode() if r.stdout else "",
              expected_sha(n2))

    svc.send_signal(signal.SIGTERM)
    try:
        rc = svc.wait(40)
    except subprocess.TimeoutExpired:
        rc = None
    expect_eq("httpsvc exits cleanly (0, no leak)", rc, 0)
    done_testing()


main()
