#!/usr/bin/env python3
"""httpsvc against malformed, oversized, slow and hostile clients.

Limits come from ROOT/http/httpsvc.conf (small values so the test is
quick).  Each case checks the status a client sees and that a well-behaved
client running at the same time is served normally.
"""
import http.client
import os
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import (ROOT, TMP, check, done_testing, expect_eq, free_port, run,
                 start_bg, wait_for)

APP = os.path.join(os.path.dirname(__file__), "testapp")
CONF = """# limits for the test
request_line_max 2048
header_bytes_max 8192
body_max 100000
header_timeout_ms 1500
idle_timeout_ms 3000
upstream_timeout_ms 1500
max_connections 40
"""


def log():
    with open(os.path.join(TMP, "svc.log")) as f:
        return f.read()


def raw(port, data, wait=5.0):
    """Sends bytes, returns what came back until close or timeout."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    out = b""
    try:
        s.sendall(data)
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
            if b"\r\n\r\n" in out and b"Content-Length: 0" in out:
                break
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        pass                # the server answered and closed early
    s.close()
    return out


def status_of(resp):
    try:
        return int(resp.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return resp[:60]


def get(port, path, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


class GoodClient:
    """Requests in a loop; records the slowest one and any failure."""

    def __init__(self, port):
        self.port, self.stop, self.worst, self.fail, self.n = port, False, 0, [], 0

    def run(self):
        while not self.stop:
            t = time.time()
            try:
                s, _ = get(self.port, "/app/good", timeout=5)
                if s != 200:
                    self.fail.append(s)
            except Exception as e:
                self.fail.append(repr(e))
            self.worst = max(self.worst, time.time() - t)
            self.n += 1
            time.sleep(0.05)


def slowloris(port, n, seconds):
    """n connections sending a header byte every 0.3 s; returns how many
    the server ended (EOF or a 408) within seconds."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=1)
        s.sendall(b"GET /app/x HTTP/1.1\r\nHost: a\r\nX-Slow: ")
        socks.append(s)
    ended = set()
    end = time.time() + seconds
    while time.time() < end and len(ended) < n:
        for i, s in enumerate(socks):
            if i in ended:
                continue
            try:
                s.sendall(b"a")
                s.settimeout(0.01)
                s.recv(4096)        # EOF or a 408: the server ended it
                ended.add(i)
            except (socket.timeout, BlockingIOError):
                pass                # still open
            except OSError:
                ended.add(i)
        time.sleep(0.3)
    for s in socks:
        s.close()
    return len(ended)


def slow_upload(port):
    """A 30 kB POST: 12 kB at once, then 2 kB every 0.3 s (about 2.7 s,
    longer than the header timeout)."""
    body = b"u" * 30000
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"POST /app/up HTTP/1.1\r\nHost: a\r\nContent-Length: %d"
              b"\r\n\r\n" % len(body) + body[:12000])
    off = 12000
    while off < len(body):
        time.sleep(0.3)
        s.sendall(body[off:off + 2000])
        off += 2000
    out = s.recv(4096)
    s.close()
    return status_of(out) == 200 and b"len=30000" in out


def post_then_read(port, size):
    """http.client sends the whole body before it reads: the 413 is read
    only if httpsvc drained the body instead of resetting it away."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("POST", "/app/up", body=b"q" * size)
        r = c.getresponse()
        return r.status, r.getheader("Connection")
    except OSError as e:
        return repr(e), None
    finally:
        c.close()


def lingering_close(port):
    for i in range(5):
        expect_eq("a 4 MB body over body_max sent whole before reading: "
                  "the 413 is read, not a reset (%d)" % (i + 1),
                  post_then_read(port, 4 * 1024 * 1024), (413, "close"))
    # A client that stops sending: closed once it has been quiet 1-2 s.
    s = socket.create_connection(("127.0.0.1", port), timeout=8)
    s.sendall(b"POST /app/up HTTP/1.1\r\nHost: a\r\nContent-Length: "
              b"9000000\r\n\r\n" + b"z" * 300000)
    t = time.time()
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except OSError:
        pass
    s.close()
    took = time.time() - t
    check("a client that goes quiet after part of its body: 413, then "
          "closed 1-2 s after its last byte", status_of(out) == 413 and
          0.8 < took < 3.5, (out[:40], took))
    # A client that never stops: cut after at most 64 MiB.
    s = socket.create_connection(("127.0.0.1", port), timeout=8)
    s.sendall(b"POST /app/up HTTP/1.1\r\nHost: a\r\nContent-Length: "
              b"900000000\r\n\r\n")
    sent, chunk, t = 0, b"w" * 65536, time.time()
    try:
        while sent < 200 * 1024 * 1024 and time.time() - t < 20:
            s.send(chunk)
            sent += len(chunk)
    except OSError:
        pass
    s.close()
    check("a client that never stops sending is cut after about 64 MiB "
          "drained", 64 * 1024 * 1024 <= sent < 80 * 1024 * 1024,
          "%d bytes in %.1f s" % (sent, time.time() - t))


def main():
    port = free_port()
    os.makedirs(os.path.join(ROOT, "http"), exist_ok=True)
    with open(os.path.join(ROOT, "http", "httpsvc.conf"), "w") as f:
        f.write(CONF)
    run("httpcfg", "add", "urlacl", "url=http://+:%d/app/" % port,
        "user=root", check_rc=0)
    svc = start_bg("httpsvc", log=os.path.join(TMP, "svc.log"))
    check("httpsvc is ready", wait_for(lambda: "ready: listening" in log(), 30),
          log())
    start_bg("/usr/bin/python3", APP, "--root", ROOT, "--sock",
             os.path.join(TMP, "app.sock"), "--url",
             "http://+:%d/app/" % port, log=os.path.join(TMP, "app.log"))
    wait_for(lambda: "READY" in open(os.path.join(TMP, "app.log")).read(), 20)
    expect_eq("a normal request", get(port, "/app/ok")[0], 200)

    good = GoodClient(port)
    gt = threading.Thread(target=good.run)
    gt.start()

    expect_eq("malformed request line: 400",
              status_of(raw(port, b"GARBAGE\r\n\r\n")), 400)
    expect_eq("request line over request_line_max: 414",
              status_of(raw(port, b"GET /app/" + b"a" * 3000 +
                            b" HTTP/1.1\r\nHost: a\r\n\r\n")), 414)
    expect_eq("headers over header_bytes_max: 431",
              status_of(raw(port, b"GET /app/x HTTP/1.1\r\nHost: a\r\nX-Big: " +
                            b"b" * 10000 + b"\r\n\r\n")), 431)
    r = raw(port, b"GET /app/x HTTP/1.1\r\nHost: a\r\nX-Huge: " +
            b"c" * 600000 + b"\r\n\r\n")
    check("a 600 kB header block is refused with a 4xx",
          isinstance(status_of(r), int) and 400 <= status_of(r) < 500, r[:80])
    body = b"p" * 200000
    r = raw(port, b"POST /app/up HTTP/1.1\r\nHost: a\r\nContent-Length: %d"
            b"\r\n\r\n" % len(body) + body)
    expect_eq("body over body_max: 413", status_of(r), 413)
    lingering_close(port)
    t = time.time()
    s, _ = get(port, "/app/slow?s=4")
    expect_eq("application slower than upstream_timeout_ms: 504", s, 504)
    check("504 arrives near the timeout, not after the app",
          time.time() - t < 3.5, time.time() - t)

    # A registered socket that refuses connections: 502.
    dead = os.path.join(TMP, "dead.sock")
    d = socket.socket(socket.AF_UNIX)
    d.bind(dead)
    d.close()
    ctl = socket.socket(socket.AF_UNIX)
    ctl.connect(os.path.join(ROOT, "run", "httpsvc.sock"))
    ctl.sendall(b"REGISTER http://+:%d/app/dead/ %s\n" % (port, dead.encode()))
    expect_eq("root registers a dead socket", ctl.makefile().readline().strip(),
              "OK")
    expect_eq("application socket refusing: 502", get(port, "/app/dead/x")[0],
              502)
    ctl.close()

    n = slowloris(port, 10, 6)
    expect_eq("slowloris: every slow connection is cut at the header "
              "timeout", n, 10)
    t = time.time()
    r = raw(port, b"GET /app/x HTTP/1.1\r\nHo", wait=6)
    expect_eq("a stalled request header gets 408", status_of(r), 408)
    check("at the header timeout (1.5 s)", 1.0 < time.time() - t < 2.6,
          time.time() - t)
    check("slow upload that keeps moving is not cut", slow_upload(port),
          "see above")
    t = time.time()
    s = socket.create_connection(("127.0.0.1", port), timeout=6)
    s.sendall(b"GET /app/idle HTTP/1.1\r\nHost: a\r\n\r\n")
    first = s.recv(4096)
    rest = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            rest += b
    except socket.timeout:
        pass
    s.close()
    expect_eq("keep-alive connection served", status_of(first), 200)
    check("then closed quietly after the idle timeout (3 s), not the "
          "header timeout", rest == b"" and 2.5 < time.time() - t < 4.5,
          (rest[:60], time.time() - t))

    good.stop = True
    gt.join()
    expect_eq("the well-behaved client never failed", good.fail, [])
    check("and was never slowed beyond a second", good.worst < 1.0, good.worst)
    check("it made many requests meanwhile", good.n > 30, good.n)

    # Connections beyond max_connections get a 503 and are closed at once.
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(45)]
    time.sleep(0.5)
    refused = 0
    for s in idle:
        s.settimeout(0.2)
        try:
            if s.recv(100).startswith(b"HTTP/1.1 503 "):
                refused += 1
        except (socket.timeout, OSError):
            pass
    check("connections over max_connections get 503", refused >= 5, refused)
    for s in idle:
        s.close()
    time.sleep(0.5)
    check("once they are gone, requests are served again",
          get(port, "/app/end")[0] == 200)

    # SIGTERM while a request is in flight: it completes, then exit 0.
    res = []
    t = threading.Thread(target=lambda: res.append(get(port,
                                                       "/app/slow?s=1")))
    t.start()
    time.sleep(0.4)
    svc.send_signal(signal.SIGTERM)
    t.join()
    expect_eq("SIGTERM: the request in flight completes", res[0][0], 200)
    expect_eq("then httpsvc exits 0", svc.wait(timeout=30), 0)
    refused = False
    try:
        get(port, "/app/after", timeout=2)
    except OSError:
        refused = True
    check("and no longer accepts", refused)
    done_testing()


main()
