#!/usr/bin/env python3
"""Requests sent while httpsvc is still serving the one before (HTTP/1.1).

httpsvc keeps a client socket polled for reading while h2o serves a request
(no epoll_ctl per request; src/httpsvc/gate.c, svc_gate_hold), and skips
its second look at a head the gate has already judged.  What a client
sends meanwhile must wait for h2o and still be checked: over plain HTTP
and TLS, a second request sent while the first (slow) one is served is
answered after it, in order; an ambiguous second head gets 400 and never
reaches the application; a client that half-closes after its request
still gets the whole answer; a hundred keep-alive requests on one TLS
connection all succeed.
"""
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import check, done_testing, expect_eq  # noqa: E402
import svclib  # noqa: E402

SLOW = b"slow answer\n"


def answer(method, target, hdrs):
    if target == "/app/slow":
        time.sleep(1.0)
        return (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" %
                len(SLOW)) + SLOW
    return None


def connect(svc, tls):
    s = socket.create_connection(("127.0.0.1",
                                  svc.https if tls else svc.http))
    if tls:
        s = svclib.tls_ctx(["http/1.1"]).wrap_socket(s)
    s.settimeout(5)
    return s


def read_all(s, wait=4.0):
    """Reads until the server closes or wait seconds pass."""
    out, end = b"", time.time() + wait
    s.settimeout(0.2)
    while time.time() < end:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            break
        if not d:
            return out, True
        out += d
    return out, False


def answers(raw):
    """Status codes of the HTTP/1.1 answers in raw, in order."""
    return [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", raw)]


def targets(svc):
    return [r[1] for r in svc.app.requests]


def main():
    svc = svclib.start()
    svc.app.answer = answer
    for tls in (False, True):
        kind = "TLS" if tls else "plain HTTP"
        s = connect(svc, tls)
        s.sendall(b"GET /app/slow HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
        s.sendall(b"GET /app/second HTTP/1.1\r\nHost: x\r\n\r\n")
        out, _ = read_all(s, 3.0)
        s.close()
        expect_eq("%s: a request sent while the slow one is served is "
                  "answered after it" % kind, answers(out), [200, 200])
        check("%s: the answers come in order" % kind,
              out.find(SLOW) != -1 and out.find(SLOW) < out.find(b"ok len=0"),
              out)
        check("%s: the application saw them in order" % kind,
              targets(svc)[-2:] == ["/app/slow", "/app/second"],
              targets(svc))

        s = connect(svc, tls)
        s.sendall(b"GET /app/slow HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
        s.sendall(b"POST /app/smuggle HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"0\r\n\r\n")
        out, closed = read_all(s, 3.0)
        s.close()
        expect_eq("%s: an ambiguous head sent meanwhile gets 400 after "
                  "the first answer" % kind, answers(out), [200, 400])
        check("%s: ... and the connection closes" % kind, closed)
        check("%s: ... and it never reaches the application" % kind,
              "/app/smuggle" not in targets(svc), targets(svc))

    s = connect(svc, False)
    s.sendall(b"GET /app/slow HTTP/1.1\r\nHost: x\r\n\r\n")
    s.shutdown(socket.SHUT_WR)
    out, closed = read_all(s, 3.0)
    s.close()
    check("a client that half-closes after its request gets the whole "
          "answer", answers(out) == [200] and out.endswith(SLOW), out)
    check("... and then the connection ends", closed)

    s = connect(svc, True)
    statuses = []
    for i in range(100):
        s.sendall(b"GET /app/k%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
        buf = b""
        while b"ok len=0\n" not in buf:
            d = s.recv(65536)
            if not d:
                break
            buf += d
        statuses += answers(buf)
    s.close()
    check("100 keep-alive requests on one TLS connection all get 200",
          statuses == [200] * 100, statuses[-5:])
    done_testing()


main()
