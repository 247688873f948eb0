#!/usr/bin/env python3
"""httpsvc's forwarding, against an application that answers raw bytes.

The application below is a plain Unix-socket server that writes exactly
the bytes each case needs (chunked with trailers, 1xx first, close-
delimited, HEAD, 204, cut short, not HTTP, conflicting lengths, a huge
head, hop-by-hop headers), so every framing httpsvc must handle is
exercised the way a real server sends it; clients are Python's
http.client over TLS and curl over HTTP/2.  Also: the hop-by-hop and
forwarded headers a client sends never reach the application, HTTP/2
cookies arrive as one header, a keep-alive connection the application
closed is retried once (GET and POST), and an answer is not truncated by
a client that reads it slowly.
"""
import http.client
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import (ROOT, TMP, check, done_testing, expect_eq, free_port, run,
                 start_bg, wait_for)

APPID = "{6f1d2a3b-0000-4000-8000-00000000f0a1}"
SOCK = os.path.join(TMP, "raw.sock")
STATS = {"conns": 0, "seen": {}}


def answer(path, method, head, body):
    """The raw answer to one request, and whether to close afterwards."""
    if path.endswith("/chunked"):
        return (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Type: text/plain\r\n\r\n"
                b"5\r\nhello\r\n6;ext=1\r\n world\r\n"
                b"0\r\nX-Trailer: t\r\n\r\n"), False
    if path.endswith("/continue"):
        return (b"HTTP/1.1 100 Continue\r\n\r\n"
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), False
    if path.endswith("/close"):
        return b"HTTP/1.1 200 OK\r\n\r\nuntil the end", True
    if path.endswith("/head"):
        return b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", False
    if path.endswith("/nocontent"):
        return b"HTTP/1.1 204 No Content\r\n\r\n", False
    if path.endswith("/cut"):
        return (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
                b"only part of it"), True
    if path.endswith("/garbage"):
        return b"SSH-2.0-OpenSSH_9.2\r\n\r\n", True
    if path.endswith("/status999"):
        return b"HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n", True
    if path.endswith("/twolengths"):
        return (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                b"Content-Length: 3\r\n\r\nabc"), True
    if path.endswith("/hugehead"):
        return (b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70000 +
                b"\r\nContent-Length: 0\r\n\r\n"), True
    if path.endswith("/hopbyhop"):
        return (b"HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\n"
                b"Connection: keep-alive\r\nX-App: yes\r\nServer: rawapp/1\r\n"
                b"Content-Length: 2\r\n\r\nok"), False
    if path.endswith("/big"):
        n = 8 * 1024 * 1024
        return (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % n +
                bytes(range(256)) * (n // 256)), False
    # Echo what arrived: the head as text and the body's length.
    text = head.decode("latin-1") + "\nbody=%d" % len(body)
    return (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(text) +
            text.encode("latin-1")), False


def serve_conn(c):
    with STATS_LOCK:
        STATS["conns"] += 1
    buf = b""
    served = 0
    try:
        while True:
            while b"\r\n\r\n" not in buf:
                d = c.recv(65536)
                if not d:
                    return
                buf += d
            head, buf = buf.split(b"\r\n\r\n", 1)
            lines = head.split(b"\r\n")
            method, path, _ = lines[0].decode().split(" ", 2)
            served += 1
            # "/flaky": a keep-alive connection the application closes
            # just when the next request arrives on it (body unread).
            if path.endswith("/flaky") and served > 1:
                return
            if path.endswith("/slowecho"):
                time.sleep(2)       # httpsvc holds the whole body now
            n = 0
            for l in lines[1:]:
                k, v = l.split(b":", 1)
                if k.strip().lower() == b"content-length":
                    n = int(v)
            parts, have = [buf], len(buf)   # no quadratic += on 24 MiB
            while have < n:
                d = c.recv(1 << 20)
                if not d:
                    return
                parts.append(d)
                have += len(d)
            buf = b"".join(parts)
            body, buf = buf[:n], buf[n:]
            if path.endswith("/stall"):
                # Half an answer, then silence with the connection open.
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
                          b"\r\n0123456789")
                time.sleep(30)
                return
            out, close = answer(path, method, head, body)
            c.sendall(out)
            if close:
                return
    finally:
        c.close()


STATS_LOCK = threading.Lock()


def app_main():
    if os.path.exists(SOCK):
        os.unlink(SOCK)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(SOCK)
    s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve_conn, args=(c,), daemon=True).start()


def rss_anon(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    return 0


def ctx():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


def conn(port):
    return http.client.HTTPSConnection("127.0.0.1", port, context=ctx(),
                                       timeout=20)


def get(h, path, method="GET", body=None, headers=None):
    h.request(method, path, body=body, headers=headers or {})
    r = h.getresponse()
    return r, r.read()


def main():
    port = free_port()
    cert = run("certstore", "new-self-signed", "--dns", "fwd.test",
               check_rc=0).stdout.strip().splitlines()[-1]
    run("httpcfg", "add", "sslcert", "ipport=0.0.0.0:%d" % port,
        "certhash=" + cert, "appid=" + APPID, check_rc=0)
    url = "https://+:%d/raw/" % port
    run("httpcfg", "add", "urlacl", "url=" + url, "user=root", check_rc=0)
    log = os.path.join(TMP, "svc.log")
    with open(os.path.join(ROOT, "http", "httpsvc.conf"), "w") as f:
        f.write("upstream_buffer_max 65536\nbuffer_memory_max 1048576\n"
                "upstream_timeout_ms 4000\n")
    # Memory is measured below: let ASan reuse freed blocks at once.
    os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                  ":quarantine_size_mb=0").lstrip(":")
    svc = start_bg("httpsvc", log=log)
    check("httpsvc is ready", wait_for(
        lambda: "ready: listening" in open(log).read(), 30))
    threading.Thread(target=app_main, daemon=True).start()
    wait_for(lambda: os.path.exists(SOCK), 10)
    ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ctl.connect(os.path.join(ROOT, "run", "httpsvc.sock"))
    ctl.sendall(("REGISTER %s %s\n" % (url, SOCK)).encode())
    expect_eq("the raw application registered", ctl.recv(100), b"OK\n")

    h = conn(port)
    r, b = get(h, "/raw/chunked")
    expect_eq("chunked answer with an extension and trailers: decoded",
              (r.status, b), (200, b"hello world"))
    before = STATS["conns"]
    r, b = get(h, "/raw/chunked")
    expect_eq("... and the upstream connection is kept for the next one",
              (b, STATS["conns"]), (b"hello world", before))
    r, b = get(h, "/raw/continue")
    expect_eq("a 100 Continue before the answer is skipped",
              (r.status, b), (200, b"ok"))
    r, b = get(h, "/raw/head", method="HEAD")
    expect_eq("HEAD: the application's Content-Length, no body",
              (r.status, r.getheader("Content-Length"), b),
              (200, "1234", b""))
    r, b = get(h, "/raw/nocontent")
    expect_eq("204 without a body", (r.status, b), (204, b""))
    r, b = get(h, "/raw/close")
    expect_eq("an answer delimited by the connection's end",
              (r.status, b), (200, b"until the end"))
    r, b = get(h, "/raw/hopbyhop")
    expect_eq("the application's hop-by-hop headers stay behind",
              (r.getheader("Keep-Alive"), r.getheader("X-App"), b),
              (None, "yes", b"ok"))
    expect_eq("the application's Server header is the only one",
              r.msg.get_all("Server"), ["rawapp/1"])
    for path, why in (("garbage", "an answer that is not HTTP"),
                      ("twolengths", "two different Content-Lengths"),
                      ("status999", "a status outside 100-599"),
                      ("hugehead", "an answer head over 64 KiB")):
        r, b = get(h, "/raw/" + path)
        check("%s: 502 with a sentence" % why, r.status == 502 and
              b"did not answer properly" in b, r.status, b)
    r, b = get(h, "/raw/after")
    expect_eq("the client connection still works after the 502s",
              r.status, 200)

    r, b = get(h, "/raw/echo", headers={
        "Keep-Alive": "300", "TE": "trailers", "Upgrade": "h2c",
        "X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.test",
        "X-Url-Reservation": "https://+:1/evil/", "Expect": "100-continue",
        "X-Mine": "kept"})
    seen = b.decode("latin-1").lower()
    check("hop-by-hop request headers are not forwarded",
          "keep-alive:" not in seen and "\nte:" not in seen and
          "upgrade:" not in seen and "expect:" not in seen, seen)
    check("client copies of the forwarded headers are replaced",
          "6.6.6.6" not in seen and "evil" not in seen and
          "x-forwarded-for: 127.0.0.1" in seen and
          ("x-url-reservation: " + url.lower()) in seen, seen)
    check("other headers are forwarded", "x-mine: kept" in seen, seen)
    r, b = get(h, "/raw/echo", method="POST", body=b"z" * 300000)
    check("a 300 kB POST body arrives whole",
          b.endswith(b"body=300000"), b[-40:])

    try:
        get(h, "/raw/cut")
        check("an answer cut short reaches the client as incomplete", False)
    except http.client.IncompleteRead:
        check("an answer cut short reaches the client as incomplete", True)
    h.close()

    # An application that goes silent halfway: cut after
    # upstream_timeout_ms (4 s here), the client sees it incomplete.
    h = conn(port)
    t0 = time.time()
    try:
        get(h, "/raw/stall")
        check("a stalled answer is cut after upstream_timeout_ms", False)
    except http.client.IncompleteRead as e:
        took = time.time() - t0
        check("a stalled answer is cut after upstream_timeout_ms (%.1f s), "
              "the client gets what came" % took,
              3.5 < took < 8 and e.partial == b"0123456789", took, e.partial)
    h.close()

    # A keep-alive connection the application closes as the next request
    # arrives: retried once on a new connection, for GET and POST alike.
    h = conn(port)
    for method, size in (("GET", 0), ("POST", 1000), ("POST", 4 << 20)):
        body = b"p" * size if method == "POST" else None
        r, b = get(h, "/raw/flaky", method=method, body=body)
        r, b = get(h, "/raw/flaky", method=method, body=body)
        check("%s %d bytes on a connection the application just closed: "
              "retried (200, body whole)" % (method, size), r.status == 200
              and b.endswith(b"body=%d" % size), r.status, b[-60:])
    h.close()

    # A chunked upload reaches the application with a Content-Length.
    p = subprocess.run(["curl", "-sk", "--http1.1", "-H",
                        "Transfer-Encoding: chunked", "--data-binary",
                        "@-", "https://127.0.0.1:%d/raw/echo" % port],
                       input=b"c" * 70000, capture_output=True, timeout=20)
    seen = p.stdout.decode("latin-1").lower()
    check("a chunked upload arrives whole, with a Content-Length",
          "content-length: 70000" in seen and "transfer-encoding" not in
          seen and seen.endswith("body=70000"), seen[-300:])

    # HTTP/2: two cookie headers become one for the application.
    p = subprocess.run(["curl", "-sk", "--http2", "-H", "Cookie: a=1",
                        "-H", "Cookie: b=2",
                        "https://127.0.0.1:%d/raw/echo" % port],
                       capture_output=True, timeout=20)
    seen = p.stdout.decode("latin-1").lower()
    check("HTTP/2: cookies arrive as one header", "cookie: a=1; b=2" in seen,
          seen)
    p = subprocess.run(["curl", "-sk", "--http2", "-o", "/dev/null", "-w",
                        "%{http_code} %{size_download}",
                        "https://127.0.0.1:%d/raw/chunked" % port],
                       capture_output=True, timeout=20)
    expect_eq("HTTP/2: chunked answer", p.stdout, b"200 11")

    # A slow reader of an 8 MiB answer (buffer limit 64 KiB) gets it all.
    s = socket.create_connection(("127.0.0.1", port))
    t = ctx().wrap_socket(s)
    t.sendall(b"GET /raw/big HTTP/1.1\r\nHost: x\r\n\r\n")
    got = b""
    time.sleep(1)
    while True:
        d = t.recv(1 << 20)
        if not d:
            break
        got += d
        if b"\r\n\r\n" in got:
            hd, bd = got.split(b"\r\n\r\n", 1)
            if len(bd) >= 8 * 1024 * 1024:
                break
        time.sleep(0.001)
    t.close()
    hd, bd = got.split(b"\r\n\r\n", 1)
    check("a slow reader gets the whole 8 MiB answer, byte for byte",
          bd == bytes(range(256)) * (8 * 1024 * 1024 // 256), len(bd))
    # A 24 MiB upload: received whole by httpsvc (libh2o 2.2 reads bodies
    # before forwarding), but over buffer_memory_max it sits in an
    # unlinked file of run/spool, not in httpsvc's heap.
    spool = os.path.join(ROOT, "run", "spool")
    expect_eq("run/spool is private (0700)",
              oct(os.stat(spool).st_mode & 0o777), "0o700")
    anon0 = rss_anon(svc.pid)
    peak = [anon0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_anon(svc.pid))
            time.sleep(0.05)
    threading.Thread(target=sample, daemon=True).start()
    h = conn(port)
    r, b = get(h, "/raw/slowecho", method="POST", body=b"u" * (24 << 20))
    h.close()
    done.set()
    grown = peak[0] - anon0
    check("a 24 MiB upload arrives whole", b.endswith(b"body=25165824"),
          b[-40:])
    check("... while httpsvc held it, its anonymous memory grew %.1f MB "
          "(< 12 MB)" %
          (grown / 1e6), grown < 12e6, grown)
    expect_eq("... and nothing is left in run/spool", os.listdir(spool), [])
    check("no engine errors in httpsvc's log",
          "assert" not in open(log).read().lower(), open(log).read()[-2000:])
    done_testing()


if __name__ == "__main__":
    main()
