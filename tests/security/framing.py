#!/usr/bin/env python3
"""Request smuggling classics against httpsvc (issue 18, item 9).

Each request below frames its body ambiguously: Content-Length with
Transfer-Encoding, two different Content-Lengths, a Transfer-Encoding
other than chunked, an obs-fold continuation line, whitespace before the
colon, a bad Content-Length.  Over plain HTTP and over TLS, httpsvc must
answer 400 and close the connection (RFC 9112 6.1, 6.3, 5.1, 5.2), and
nothing may reach the application (it counts what it receives).  A
second request smuggled behind the first is never answered.  Over
HTTP/2, a content-length that disagrees with the DATA sent, and the
connection-specific Transfer-Encoding, are malformed (RFC 9113 8.1.1,
8.2.2): the stream gets no forwarded request.  Well-formed requests keep
working on the same server.
"""
import os
import re
import socket
import sys
import time

try:
    import h2.connection   # noqa: F401
except ImportError:        # Debian's python3-h2 is for /usr/bin/python3
    if sys.executable != "/usr/bin/python3" and \
            os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
from lib import check, done_testing, expect_eq  # noqa: E402
import svclib  # noqa: E402

SMUGGLED = b"GET /app/smuggled HTTP/1.1\r\nHost: x\r\n\r\n"

CASES = [
    ("Content-Length with Transfer-Encoding: chunked",
     b"POST /app/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
    ("Transfer-Encoding: chunked then Content-Length",
     b"POST /app/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
     b"Content-Length: 40\r\n\r\n0\r\n\r\n" + SMUGGLED),
    ("two different Content-Lengths",
     b"POST /app/a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
     b"Content-Length: 40\r\n\r\n" + SMUGGLED),
    ("two equal Content-Lengths",
     b"POST /app/a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
     b"Content-Length: 3\r\n\r\nabc"),
    ("Content-Length list \"3, 3\"",
     b"POST /app/a HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc"),
    ("Content-Length: +3",
     b"POST /app/a HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc"),
    ("Transfer-Encoding: gzip, chunked",
     b"POST /app/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked"
     b"\r\n\r\n0\r\n\r\n"),
    ("Transfer-Encoding: identity with Content-Length",
     b"POST /app/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n"
     b"Content-Length: 3\r\n\r\nabc"),
    ("two Transfer-Encoding: chunked lines",
     b"POST /app/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ("Transfer-Encoding on HTTP/1.0",
     b"POST /app/a HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
     b"\r\n0\r\n\r\n"),
    ("obs-fold continuation line",
     b"GET /app/a HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n"),
    ("obs-fold hiding Transfer-Encoding",
     b"POST /app/a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nX-A: y\r\n"
     b" Transfer-Encoding: chunked\r\n\r\nabc"),
    ("whitespace before the colon",
     b"POST /app/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n"
     b"Content-Length: 3\r\n\r\nabc"),
    ("a header line without a colon",
     b"GET /app/a HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"),
]


def one(name, send, port, data, svc):
    before = svc.app.count()
    out, closed = send(port, data)
    time.sleep(0.1)
    got = svc.app.count() - before
    check("%s: 400 and the connection closed" % name,
          svclib.status_of(out) == 400 and closed and
          len(re.findall(rb"HTTP/1\.\d \d{3} ", out)) == 1, out[:300], "closed=%s" % closed)
    expect_eq("%s: nothing reached the application" % name, got, 0)


def h2_cases(svc):
    try:
        import h2.config
        import h2.connection
        import h2.events
    except ImportError:
        check("python3-h2 is installed (Debian python3-h2)", False)
        return

    def stream(headers, data):
        s = socket.create_connection(("127.0.0.1", svc.https))
        t = svclib.tls_ctx(["h2"]).wrap_socket(s)
        t.settimeout(3)
        cfg = h2.config.H2Configuration(client_side=True,
                                        validate_outbound_headers=False,
                                        normalize_outbound_headers=False)
        c = h2.connection.H2Connection(cfg)
        c.initiate_connection()
        c.send_headers(1, headers, end_stream=data is None)
        if data is not None:
            c.send_data(1, data, end_stream=True)
        t.sendall(c.data_to_send())
        status, reset = None, False
        end = time.time() + 3
        try:
            while time.time() < end and status is None and not reset:
                d = t.recv(65536)
                if not d:
                    break
                for ev in c.receive_data(d):
                    if isinstance(ev, h2.events.ResponseReceived):
                        status = int(dict(ev.headers)[b":status"])
                    elif isinstance(ev, (h2.events.StreamReset,
                                         h2.events.ConnectionTerminated)):
                        reset = True
                t.sendall(c.data_to_send())
        except (socket.timeout, OSError):
            pass
        t.close()
        return status, reset

    base = [(":method", "POST"), (":scheme", "https"),
            (":authority", "sec.test"), (":path", "/app/h2")]
    for name, hdrs, data in [
            ("content-length 10 with 4 bytes of DATA",
             base + [("content-length", "10")], b"abcd"),
            ("content-length 2 with 4 bytes of DATA",
             base + [("content-length", "2")], b"abcd"),
            ("content-length 4 with no DATA",
             base + [("content-length", "4")], None),
            ("transfer-encoding: chunked",
             base + [("transfer-encoding", "chunked")], b"0\r\n\r\n"),
            ("two different content-lengths",
             base + [("content-length", "4"), ("content-length", "5")],
             b"abcd")]:
        before = svc.app.count()
        status, reset = stream(hdrs, data)
        time.sleep(0.1)
        check("HTTP/2 %s: refused (400, RST_STREAM or GOAWAY)" % name,
              status == 400 or reset, "status=%s reset=%s" % (status, reset))
        expect_eq("HTTP/2 %s: nothing reached the application" % name,
                  svc.app.count() - before, 0)
    before = svc.app.count()
    status, reset = stream(base + [("content-length", "4")], b"abcd")
    time.sleep(0.1)
    check("HTTP/2 a matching content-length is forwarded",
          status == 200 and svc.app.count() - before == 1,
          "status=%s" % status)


def main():
    svc = svclib.start()
    for name, data in CASES:
        one(name + " (HTTP)", svclib.raw, svc.http, data, svc)
        one(name + " (HTTPS)", svclib.raw_tls, svc.https, data, svc)
    # Judged from the head alone: no body is waited for.
    for proto, send, port in [("HTTP", svclib.raw, svc.http),
                              ("HTTPS", svclib.raw_tls, svc.https)]:
        t = time.time()
        out, closed = send(port, b"POST /app/a HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Length: 10\r\nContent-Length: 20\r\n"
                           b"\r\n")
        check("two Content-Lengths and no body yet (%s): 400 at once" %
              proto, svclib.status_of(out) == 400 and closed and
              time.time() - t < 2.5, out[:200])
    check("the smuggled request never reached the application",
          all(r[1] != "/app/smuggled" for r in svc.app.requests),
          svc.app.requests)
    # Well-formed framings still work, and keep the connection open.
    for name, data in [
            ("Content-Length", b"POST /app/ok HTTP/1.1\r\nHost: x\r\n"
             b"Content-Length: 3\r\n\r\nabc"),
            ("chunked", b"POST /app/ok HTTP/1.1\r\nHost: x\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
            ("CHUNKED in capitals", b"POST /app/ok HTTP/1.1\r\nHost: x\r\n"
             b"Transfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n")]:
        for proto, send, port in [("HTTP", svclib.raw, svc.http),
                                  ("HTTPS", svclib.raw_tls, svc.https)]:
            out, closed = send(port, data, wait=1.0)
            check("%s body (%s): 200, len=3, kept open" % (name, proto),
                  svclib.status_of(out) == 200 and b"ok len=3" in out and
                  not closed, out[:300], "closed=%s" % closed)
    h2_cases(svc)
    check("httpsvc logged each refusal",
          "framing" in svc.read_log(), svc.read_log()[-1500:])
    done_testing()


if __name__ == "__main__":
    main()
