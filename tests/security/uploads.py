#!/usr/bin/env python3
"""Anonymous large uploads against httpsvc (issue 18, item 10).

libh2o 2.2 reads a request body whole before any handler runs, so
httpsvc decides about a body from its head, before the body is read:

- a body over the limit the application declared in REGISTER
  (body_max=N) gets 413 at once and the connection closes, also when the
  client waits for 100 Continue (it never gets one): at once then, and
  once the client has been quiet for 1-2 s otherwise (what it sends
  meanwhile is drained, so the 413 is not lost to a reset);
- a body for a URL nobody reserved gets 404 before it is read;
- past spool_max (all bodies httpsvc holds at once) a new body gets 503
  with Retry-After (the server is busy; the body is not too large), and
  is served again once the others are done; STATE counts it;
- with precheck=N, a body over N bytes announced with
  "Expect: 100-continue" is asked about first: the application sees the
  head only (X-Body-Precheck: <length>, Content-Length: 0), and its 401
  reaches the client before the body, which is never sent (curl uploads
  a few bytes, not 5 MiB); with credentials it answers continue and the
  upload goes through as usual.
Nothing of a refused body reaches the application.
"""
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

try:
    import h2.connection   # noqa: F401
except ImportError:        # Debian's python3-h2 is for /usr/bin/python3
    if sys.executable != "/usr/bin/python3" and \
            os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
from lib import ROOT, check, done_testing, expect_eq, wait_for  # noqa
import svclib  # noqa: E402

CONF = "body_max 10000000\nspool_max 8000000\n"


def post_head(length, path=b"/app/up", extra=b""):
    return (b"POST %s HTTP/1.1\r\nHost: sec.test\r\nContent-Length: %d\r\n"
            b"%s\r\n" % (path, length, extra))


def precheck_app(method, target, hdrs):
    """The application's side: probes answered from the credentials."""
    if "x-body-precheck" not in hdrs:
        return None
    if hdrs.get("authorization") == "Basic dTpw":
        return (b"HTTP/1.1 204 No Content\r\nX-Body-Precheck: continue\r\n"
                b"\r\n")
    body = b"sign in first\n"
    return (b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic "
            b"realm=\"rs\"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)


def curl_upload(port, size, auth=None):
    data = os.path.join(svclib.TMP, "upload.bin")
    with open(data, "wb") as f:
        f.write(b"u" * size)
    cmd = ["curl", "-sk", "--http1.1", "-o", "-", "-w", "\n%{http_code} %{size_upload}",
           "--data-binary", "@" + data, "-H",
           "Content-Type: application/octet-stream",
           "https://127.0.0.1:%d/app/up" % port]
    if auth:
        cmd[1:1] = ["-u", auth]
    r = subprocess.run(cmd, capture_output=True, timeout=60)
    code, sent = r.stdout.rsplit(b"\n", 1)[1].split()
    return int(code), int(float(sent)), r.stdout


def state():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.path.join(ROOT, "run", "httpsvc.sock"))
    s.sendall(b"STATE\n")
    out = b""
    while not out.endswith(b"\n"):
        out += s.recv(65536)
    s.close()
    return out.decode()


def h2_upload(port, path, size, declare=True, wait=4.0, pause_at=None):
    """An HTTP/2 upload: (status, RST_STREAM error code, bytes sent).
    With pause_at, it stops sending there for 0.4 s (httpsvc looks at
    HTTP/2 bodies every 100 ms)."""
    import h2.config
    import h2.connection
    import h2.events
    t = svclib.tls_ctx(["h2"]).wrap_socket(
        socket.create_connection(("127.0.0.1", port)))
    t.settimeout(0.05)
    c = h2.connection.H2Connection(h2.config.H2Configuration(
        client_side=True))
    c.initiate_connection()
    hdrs = [(":method", "POST"), (":scheme", "https"),
            (":authority", "sec.test"), (":path", path)]
    if declare:
        hdrs.append(("content-length", str(size)))
    c.send_headers(1, hdrs)
    t.sendall(c.data_to_send())
    sent, status, code, end = 0, None, None, time.time() + wait
    while time.time() < end and status is None and code is None:
        room = min(c.local_flow_control_window(1), size - sent)
        if pause_at is not None and sent >= pause_at:
            t.sendall(c.data_to_send())
            time.sleep(0.4)
            pause_at = None
        elif pause_at is not None:
            room = min(room, pause_at - sent)
        while room > 0:
            k = min(room, 16384)
            c.send_data(1, b"u" * k, end_stream=sent + k == size)
            sent += k
            room -= k
        try:
            t.sendall(c.data_to_send())
            d = t.recv(65536)
            if not d:
                break
            for ev in c.receive_data(d):
                if isinstance(ev, h2.events.ResponseReceived):
                    status = int(dict(ev.headers)[b":status"])
                elif isinstance(ev, h2.events.StreamReset):
                    code = int(ev.error_code)
            t.sendall(c.data_to_send())
        except (socket.timeout, ssl.SSLWantReadError):
            pass
        except Exception:
            break
    t.close()
    return status, code, sent


def main():
    svc = svclib.start(CONF, reg_opts=" body_max=100000 precheck=50000")
    # The declared body limit: 413 from the head alone.
    for name, extra in [("", b""), (" with Expect: 100-continue",
                                    b"Expect: 100-continue\r\n")]:
        for proto, send, port in [("HTTP", svclib.raw, svc.http),
                                  ("HTTPS", svclib.raw_tls, svc.https)]:
            # Without Expect the client may be sending its body: httpsvc
            # drains it and closes once the client is quiet (1-2 s).
            t = time.time()
            out, closed = send(port, post_head(200000, extra=extra), wait=5)
            check("declared body_max%s (%s): 413 at once, no 100 Continue, "
                  "closed" % (name, proto), svclib.status_of(out) == 413 and
                  closed and b"100 Continue" not in out and
                  time.time() - t < (1.5 if extra else 3.5), out[:300])
    out, closed = svclib.raw(svc.http, post_head(1000, b"/nothing"))
    check("a body for an unreserved URL: 404 before it is read, closed",
          svclib.status_of(out) == 404 and closed, out[:200])
    for declare in (True, False):
        status, code, sent = h2_upload(svc.https, "/app/up", 2000000,
                                       declare, pause_at=200000)
        check("HTTP/2 upload over the declared body_max (content-length "
              "%s): RST_STREAM ENHANCE_YOUR_CALM while it arrives" % (
                  "sent" if declare else "absent"),
              code == 11 and status is None,
              "status=%s code=%s sent=%d" % (status, code, sent))
    status, code, sent = h2_upload(svc.https, "/app/up", 200000)
    check("HTTP/2 upload over body_max that arrived before the look: 413 "
          "from the request handler, not forwarded",
          status == 413 or code == 11, "status=%s code=%s" % (status, code))
    expect_eq("none of those reached the application", svc.app.count(), 0)
    svc.ctl.close()         # again, without the small body_max
    time.sleep(0.2)
    svc.register(" precheck=50000")

    # spool_max: a held upload leaves no room for a second one.
    held = socket.create_connection(("127.0.0.1", svc.http))
    held.sendall(post_head(7900000, b"/app/held") + b"x" * 1000)
    time.sleep(0.3)
    st = state()
    check("STATE shows the reserved body", '"spool_used":7900000' in st, st)
    t = time.time()
    out, closed = svclib.raw(svc.http, post_head(1000000))
    check("past spool_max: 503 with Retry-After at once, closed",
          svclib.status_of(out) == 503 and closed and
          svclib.header_of(out, "Retry-After") == "5" and
          time.time() - t < 2.5, out[:300])
    status, code, sent = h2_upload(svc.https, "/app/up", 1000000,
                                   pause_at=300000)
    check("... an HTTP/2 upload meanwhile: RST_STREAM REFUSED_STREAM "
          "(may be retried)", code == 7 and status is None,
          "status=%s code=%s sent=%d" % (status, code, sent))
    out, closed = svclib.raw(svc.http, post_head(1000) + b"z" * 1000,
                             wait=1)
    check("... a small body still fits (200)",
          svclib.status_of(out) == 200 and b"ok len=1000" in out, out[:200])
    held.sendall(b"x" * (7900000 - 1000))
    held.settimeout(10)
    check("the held upload completes (200)", b" 200 " in held.recv(4096))
    held.close()
    check("... its reservation is released", wait_for(
        lambda: '"spool_used":0,' in state(), 3), state())
    out, closed = svclib.raw(svc.http, post_head(1000000) + b"y" * 1000000,
                             wait=2)
    out2, closed = svclib.raw(svc.http, post_head(9000000))
    check("a body larger than spool_max itself: 413 (it never fits)",
          svclib.status_of(out2) == 413, out2[:300])
    check("... then the big one is taken again (200)",
          svclib.status_of(out) == 200 and b"ok len=1000000" in out,
          out[:200])
    status, code, sent = h2_upload(svc.https, "/app/up", 1000000)
    check("... and an HTTP/2 upload of 1 MB then arrives whole (200)",
          status == 200 and code is None, "status=%s code=%s" % (status,
                                                                   code))
    time.sleep(0.3)
    st = state()
    check("STATE counts the 503 and the refused stream, nothing stays "
          "reserved", '"spool_refused":2' in st and wait_for(
              lambda: '"spool_used":0,' in state(), 3), st)

    # precheck: the application answers before the body is sent.
    svc.app.answer = precheck_app
    before = svc.app.count()
    code, sent, out = curl_upload(svc.https, 5 << 20)
    check("curl, 5 MiB, no credentials: 401 from the application, and "
          "curl sent %d bytes of the body" % sent,
          code == 401 and sent < 65536 and b"sign in first" in out, out)
    seen = svc.app.requests[before:]
    check("... the application saw the head only (X-Body-Precheck, "
          "Content-Length: 0)", len(seen) == 1 and
          seen[0][2].get("x-body-precheck") == str(5 << 20) and
          seen[0][3] == 0, seen)
    out, closed = svclib.raw_tls(svc.https, post_head(
        5 << 20, extra=b"Expect: 100-continue\r\n"))
    check("raw TLS with Expect: the 401 (with its WWW-Authenticate and "
          "HSTS), no 100 Continue, closed",
          svclib.status_of(out) == 401 and closed and
          b"100 Continue" not in out and
          svclib.header_of(out, "WWW-Authenticate") == 'Basic realm="rs"'
          and svclib.header_of(out, "Strict-Transport-Security") ==
          "max-age=31536000", out[:400])
    before = svc.app.count()
    code, sent, out = curl_upload(svc.https, 5 << 20, auth="u:p")
    seen = svc.app.requests[before:]
    check("curl, 5 MiB, with credentials: the precheck says continue, "
          "the body arrives whole (200)",
          code == 200 and b"ok len=%d" % (5 << 20) in out and
          len(seen) == 2 and seen[1][3] == 5 << 20, out[-200:], seen)
    before = svc.app.count()
    code, sent, out = curl_upload(svc.https, 40000)
    check("a body under precheck=N is not asked about",
          code == 200 and svc.app.count() - before == 1, out[-200:])
    check("httpsvc logged the refusals and the precheck answer",
          "refused before the body" in svc.read_log() and
          "answered 401 before the body" in svc.read_log(),
          svc.read_log()[-2000:])
    done_testing()


if __name__ == "__main__":
    main()
