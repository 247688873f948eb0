#!/usr/bin/env python3
"""A stalled request on a TLS connection gets a 408, encrypted, then EOF.

header_timeout_ms is 1.5 s (ROOT/http/httpsvc.conf).  Over TLS (HTTP/1.1):
- half a request line: "HTTP/1.1 408" arrives at the header timeout, then
  the connection ends with a TLS close_notify (a clean EOF);
- the same on a keep-alive connection whose first request was served;
- ten slowloris connections that keep sending a header byte every 0.3 s
  (bytes arrive while the 408 is being written): each is ended;
- meanwhile a well-behaved TLS client is served without a failure, and
  httpsvc exits cleanly at the end (ASan: no error, no leak).
"""
import os
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import (ROOT, TMP, check, done_testing, expect_eq, free_port, run,
                 start_bg, wait_for)

APP = os.path.join(os.path.dirname(__file__), "testapp")
APPID = "{6f1d2a3b-0000-4000-8000-00000000a408}"
CONF = """header_timeout_ms 1500
idle_timeout_ms 20000
"""


def log():
    with open(os.path.join(TMP, "svc.log")) as f:
        return f.read()


def ctx():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    c.set_alpn_protocols(["http/1.1"])
    return c


def tls(port, timeout=8):
    """A TLS connection on which an EOF without close_notify raises."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return ctx().wrap_socket(s, suppress_ragged_eofs=False)


def read_all(t):
    """Everything until the end; 'eof' is 'close_notify', 'tcp' (no
    close_notify), 'reset' or 'timeout'."""
    out = b""
    try:
        while True:
            b = t.recv(65536)
            if not b:
                return out, "close_notify"
            out += b
    except ssl.SSLEOFError:
        return out, "tcp"
    except (ConnectionResetError, BrokenPipeError):
        return out, "reset"
    except socket.timeout:
        return out, "timeout"


def response(t):
    """One keep-alive response: (status, body)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += t.recv(4096)
    head, body = buf.split(b"\r\n\r\n", 1)
    n = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            n = int(v)
    while len(body) < n:
        body += t.recv(4096)
    return int(head.split(b" ")[1]), body


class GoodClient:
    """TLS requests in a loop (new connection each); records failures."""

    def __init__(self, port):
        self.port, self.stop, self.fail, self.n = port, False, [], 0

    def run(self):
        while not self.stop:
            try:
                with tls(self.port, 5) as t:
                    t.sendall(b"GET /app/good HTTP/1.1\r\nHost: a\r\n\r\n")
                    st, _ = response(t)
                    if st != 200:
                        self.fail.append(st)
            except Exception as e:
                self.fail.append(repr(e))
            self.n += 1
            time.sleep(0.05)


def slowloris(port, n, seconds):
    """n TLS connections sending a header byte every 0.3 s; how many the
    server ended (a 408, EOF or reset) within seconds."""
    socks = []
    for _ in range(n):
        t = tls(port)
        t.sendall(b"GET /app/x HTTP/1.1\r\nHost: a\r\nX-Slow: ")
        socks.append(t)
    ended = set()
    end = time.time() + seconds
    while time.time() < end and len(ended) < n:
        for i, t in enumerate(socks):
            if i in ended:
                continue
            try:
                t.sendall(b"a")
                t.settimeout(0.01)
                t.recv(4096)
                ended.add(i)
            except (socket.timeout, ssl.SSLWantReadError):
                pass
            except (OSError, ssl.SSLError):
                ended.add(i)
        time.sleep(0.3)
    for t in socks:
        t.close()
    return len(ended)


def main():
    port = free_port()
    os.makedirs(os.path.join(ROOT, "http"), exist_ok=True)
    with open(os.path.join(ROOT, "http", "httpsvc.conf"), "w") as f:
        f.write(CONF)
    cert = run("certstore", "new-self-signed", "--dns", "t408.test",
               check_rc=0).stdout.strip().splitlines()[-1]
    run("httpcfg", "add", "sslcert", "ipport=0.0.0.0:%d" % port,
        "certhash=" + cert, "appid=" + APPID, check_rc=0)
    run("httpcfg", "add", "urlacl", "url=https://+:%d/app/" % port,
        "user=root", check_rc=0)
    svc = start_bg("httpsvc", log=os.path.join(TMP, "svc.log"))
    check("httpsvc is ready", wait_for(lambda: "ready: listening" in log(), 30),
          log())
    start_bg("/usr/bin/python3", APP, "--root", ROOT, "--sock",
             os.path.join(TMP, "app.sock"), "--url",
             "https://+:%d/app/" % port, log=os.path.join(TMP, "app.log"))
    wait_for(lambda: "READY" in open(os.path.join(TMP, "app.log")).read(), 20)

    good = GoodClient(port)
    gt = threading.Thread(target=good.run)
    gt.start()

    t = tls(port)
    t0 = time.time()
    t.sendall(b"GET /app/x HTTP/1.1\r\nHo")
    out, eof = read_all(t)
    took = time.time() - t0
    t.close()
    check("TLS, half a request line: the answer is HTTP/1.1 408",
          out.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), out[:80])
    check("with its body", out.endswith(b"did not arrive in time\n"),
          out[-80:])
    check("at the header timeout (1.5 s)", 1.0 < took < 2.6, took)
    expect_eq("then the connection ends with close_notify", eof,
              "close_notify")

    t = tls(port)
    t.sendall(b"GET /app/first HTTP/1.1\r\nHost: a\r\n\r\n")
    expect_eq("a keep-alive TLS connection is served", response(t)[0], 200)
    t0 = time.time()
    t.sendall(b"GET /app/second HTTP/1.1\r\nHost: a\r\nX-A: b")
    out, eof = read_all(t)
    took = time.time() - t0
    t.close()
    check("its stalled second request gets HTTP/1.1 408",
          out.startswith(b"HTTP/1.1 408 "), out[:80])
    check("at the header timeout", 1.0 < took < 2.6, took)
    expect_eq("then close_notify", eof, "close_notify")

    expect_eq("slowloris over TLS: every connection is ended",
              slowloris(port, 10, 6), 10)

    good.stop = True
    gt.join()
    expect_eq("the well-behaved TLS client never failed meanwhile",
              good.fail, [])
    check("and made many requests", good.n > 30, good.n)
    svc.terminate()
    expect_eq("httpsvc exits 0 (no sanitizer error or leak)",
              svc.wait(timeout=30), 0)
    check("no sanitizer report in the log",
          "Sanitizer" not in log() and "runtime error" not in log(),
          log()[-2000:])
    done_testing()


main()
