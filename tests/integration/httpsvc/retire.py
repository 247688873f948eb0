#!/usr/bin/env python3
"""Removing a binding closes its open connections after their requests.

Two bindings, 0.0.0.0:P1 (a.test) and 0.0.0.0:P2 (b.test), idle timeout
30 s.  Open on P1: an idle HTTP/1.1 keep-alive connection, an idle HTTP/2
connection, an HTTP/1.1
request in flight (the application takes 3 s), an HTTP/2 connection with
a stream in flight and an upload still arriving, an HTTP/1.1 response
streaming (its headers out); on P2: an idle HTTP/1.1 and an idle HTTP/2
connection.
Then 'httpcfg delete sslcert ipport=0.0.0.0:P1', and:
- the idle HTTP/1.1 connection on P1 is closed within 2 s (not at 30 s),
  the idle HTTP/2 one gets GOAWAY then EOF within 2 s;
- the HTTP/1.1 request in flight completes with 200 and "Connection:
  close", then the connection ends;
- the HTTP/2 connection gets GOAWAY (NO_ERROR, last-stream-id 1) at once
  and RST_STREAM(REFUSED_STREAM) for the upload, then its stream's 200
  and body, then EOF;
- the streaming response ends as it began (keep-alive); a request sent on
  that connection right after it is served with "Connection: close";
- a new handshake on P1 fails; P2's connections are untouched (a next
  request on each is served on the same connection, no GOAWAY).
This drives h2o 2.2's HTTP/2 internals (src/httpsvc/retire.c): it fails
if the engine stops behaving as retire.c expects.  The HTTP/2 client is
Python's h2 (Debian python3-h2) for the request and hyperframe/hpack for
reading every frame as it comes.
"""
import os
import sys

try:
    import h2.connection   # noqa: F401
except ImportError:        # Debian's python3-h2 is for /usr/bin/python3
    if sys.executable != "/usr/bin/python3" and \
            os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

import socket
import ssl
import subprocess
import threading
import time

import h2.config
import h2.connection
import hpack
from hyperframe.frame import (DataFrame, Frame, GoAwayFrame, HeadersFrame,
                              RstStreamFrame, SettingsFrame)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import (ROOT, TMP, check, done_testing, expect_eq, free_port, run,
                 start_bg, wait_for)

APP = os.path.join(os.path.dirname(__file__), "testapp")
APPID = "{6f1d2a3b-0000-4000-8000-00000000a0e1}"
CONF = """idle_timeout_ms 30000
header_timeout_ms 10000
"""


def log():
    with open(os.path.join(TMP, "svc.log")) as f:
        return f.read()


def tls(port, alpn):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    c.set_alpn_protocols([alpn])
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    return c.wrap_socket(s)


def h1_response(t):
    """One HTTP/1.1 response: (status, headers lowercased, body)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        b = t.recv(4096)
        if not b:
            raise EOFError("closed before a response")
        buf += b
    head, body = buf.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    hdrs = {k.strip().lower(): v.strip() for k, _, v in
            (ln.partition(":") for ln in lines[1:])}
    n = int(hdrs.get("content-length", "0"))
    while len(body) < n:
        body += t.recv(4096)
    return int(lines[0].split()[1]), hdrs, body


def eof_within(t, seconds):
    """Seconds until the server ended t (EOF), or None."""
    t0 = time.time()
    t.settimeout(seconds)
    try:
        while t.recv(4096):
            pass
        return time.time() - t0
    except socket.timeout:
        return None
    except OSError:
        return time.time() - t0


class H2:
    """An HTTP/2 client connection; every frame received is kept with
    the time it came, and the end of the connection as ("EOF", time)."""

    def __init__(self, port):
        self.port = port
        self.t = tls(port, "h2")
        self.alpn = self.t.selected_alpn_protocol()
        self.c = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True))
        self.c.initiate_connection()
        self.t.sendall(self.c.data_to_send())
        self.dec = hpack.Decoder()
        self.events = []
        self.buf = b""

    def get(self, sid, path):
        self.c.send_headers(sid, [(":method", "GET"), (":scheme", "https"),
                                  (":authority", "a:%d" % self.port),
                                  (":path", path)], end_stream=True)
        self.t.sendall(self.c.data_to_send())

    def post_part(self, sid, path):
        """A POST whose body has only begun to arrive."""
        self.c.send_headers(sid, [(":method", "POST"), (":scheme", "https"),
                                  (":authority", "a:%d" % self.port),
                                  (":path", path),
                                  ("content-length", "100000")])
        self.c.send_data(sid, b"u" * 1000)
        self.t.sendall(self.c.data_to_send())

    def _frame(self, f):
        if isinstance(f, HeadersFrame):
            h = dict(self.dec.decode(f.data))
            self.events.append(("HEADERS", time.time(), f.stream_id,
                                h.get(":status")))
        elif isinstance(f, DataFrame):
            self.events.append(("DATA", time.time(), f.stream_id, f.data,
                                "END_STREAM" in f.flags))
        elif isinstance(f, RstStreamFrame):
            self.events.append(("RST_STREAM", time.time(), f.stream_id,
                                f.error_code))
        elif isinstance(f, GoAwayFrame):
            self.events.append(("GOAWAY", time.time(), f.last_stream_id,
                                f.error_code))
        elif isinstance(f, SettingsFrame) and "ACK" not in f.flags:
            self.t.sendall(SettingsFrame(0, flags=["ACK"]).serialize())

    def read(self, seconds, until=None):
        """Reads frames for up to seconds, or until until(events)."""
        end = time.time() + seconds
        while time.time() < end and not (until and until(self.events)):
            self.t.settimeout(max(0.05, end - time.time()))
            try:
                b = self.t.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                b = b""
            if not b:
                self.events.append(("EOF", time.time()))
                return
            self.buf += b
            while len(self.buf) >= 9:
                f, n = Frame.parse_frame_header(memoryview(self.buf[:9]))
                if len(self.buf) < 9 + n:
                    break
                f.parse_body(memoryview(self.buf[9:9 + n]))
                self.buf = self.buf[9 + n:]
                self._frame(f)

    def kinds(self):
        return [e[0] for e in self.events]


def handshake_ok(port):
    try:
        with tls(port, "http/1.1"):
            return True
    except (ssl.SSLError, OSError):
        return False


def setup():
    p1, p2 = free_port(), free_port()
    os.makedirs(os.path.join(ROOT, "http"), exist_ok=True)
    with open(os.path.join(ROOT, "http", "httpsvc.conf"), "w") as f:
        f.write(CONF)
    for name, port in (("a.test", p1), ("b.test", p2)):
        cert = run("certstore", "new-self-signed", "--dns", name,
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
             "https://+:%d/app/" % p1, "--url", "https://+:%d/app/" % p2,
             log=os.path.join(TMP, "app.log"))
    wait_for(lambda: log().count("registered https://") == 2, 20)
    return svc, p1, p2


def main():
    svc, p1, p2 = setup()

    k1 = tls(p1, "http/1.1")            # idle keep-alive on the removed one
    k1.sendall(b"GET /app/k1 HTTP/1.1\r\nHost: a\r\n\r\n")
    st, hd, _ = h1_response(k1)
    check("P1: a keep-alive HTTP/1.1 request is served",
          st == 200 and hd.get("connection") == "keep-alive", (st, hd))
    k2 = tls(p2, "http/1.1")            # idle keep-alive on the other one
    k2.sendall(b"GET /app/k2 HTTP/1.1\r\nHost: b\r\n\r\n")
    expect_eq("P2: a keep-alive HTTP/1.1 request is served",
              h1_response(k2)[0], 200)
    hb = H2(p2)                         # idle HTTP/2 on the other one
    hb.get(1, "/app/hb")
    hb.read(10, lambda ev: any(e[0] == "DATA" and e[4] for e in ev))
    check("P2: an HTTP/2 request is served",
          ("HEADERS", 1, "200") in [(e[0], e[2], e[3]) for e in hb.events
                                    if e[0] == "HEADERS"], hb.events)

    hi = H2(p1)                         # idle HTTP/2 on P1
    hi.get(1, "/app/hi")
    hi.read(10, lambda ev: any(e[0] == "DATA" and e[4] for e in ev))
    n_hi = len(hi.events)
    s1 = tls(p1, "http/1.1")            # HTTP/1.1 in flight on P1
    s1.sendall(b"GET /app/slow?s=3 HTTP/1.1\r\nHost: a\r\n\r\n")
    ha = H2(p1)                         # HTTP/2 in flight on P1
    expect_eq("P1: ALPN h2", ha.alpn, "h2")
    ha.get(1, "/app/slow?s=3")
    ha.post_part(3, "/app/upload")      # and an upload still arriving
    big = tls(p1, "http/1.1")           # a response streaming, headers out
    big.sendall(b"GET /app/big?n=20000000 HTTP/1.1\r\nHost: a\r\n\r\n")
    head = big.recv(4096)
    curl = subprocess.Popen(["curl", "--http2", "-sk", "--max-time", "20",
                             "-w", "\n%{http_code} %{http_version}",
                             "https://127.0.0.1:%d/app/slow?s=2.5" % p1],
                            stdout=subprocess.PIPE, text=True)
    time.sleep(1.3)                     # all in flight; k1 idle > 1 s

    s1_out = {}

    def s1_reader():
        try:
            s1_out["resp"] = h1_response(s1)
            s1_out["done"] = time.time()
            s1_out["eof"] = eof_within(s1, 5)
        except Exception as e:
            s1_out["error"] = repr(e)

    rt = threading.Thread(target=s1_reader)
    rt.start()
    t0 = time.time()
    r = run("httpcfg", "delete", "sslcert", "ipport=0.0.0.0:%d" % p1)
    expect_eq("httpcfg delete sslcert P1", r.returncode, 0)
    closed = eof_within(k1, 6)
    print("# idle HTTP/1.1 closed %.2f s after the delete began" %
          (time.time() - t0), flush=True)
    check("the idle HTTP/1.1 connection on P1 is closed within 2 s "
          "(idle timeout 30 s)", closed is not None and time.time() - t0 < 2,
          (closed, time.time() - t0))

    hi.read(5, lambda ev: "EOF" in [e[0] for e in ev])
    after = hi.events[n_hi:]
    expect_eq("the idle HTTP/2 connection on P1 gets GOAWAY (NO_ERROR, "
              "last-stream-id 1), then EOF",
              [(e[0],) + tuple(e[2:]) for e in after],
              [("GOAWAY", 1, 0), ("EOF",)])
    check("  within 2 s", after and after[-1][1] - t0 < 2,
          after and after[-1][1] - t0)
    ha.read(8, lambda ev: "EOF" in [e[0] for e in ev])
    kinds = ha.kinds()
    goaway = [e for e in ha.events if e[0] == "GOAWAY"]
    data = [e for e in ha.events if e[0] == "DATA" and e[2] == 1]
    check("HTTP/2 on P1: GOAWAY arrives", len(goaway) == 1, ha.events)
    expect_eq("  the upload still arriving is refused (REFUSED_STREAM)",
              [(e[2], e[3]) for e in ha.events if e[0] == "RST_STREAM"],
              [(3, 7)])
    if goaway:
        print("# GOAWAY %.2f s after the delete began" % (goaway[0][1] - t0),
              flush=True)
        expect_eq("  with NO_ERROR and last-stream-id 1",
                  (goaway[0][3], goaway[0][2]), (0, 1))
        check("  while its stream is still in flight",
              kinds.index("GOAWAY") < kinds.index("HEADERS")
              if "HEADERS" in kinds else False, kinds)
        check("  soon after the removal (< 2 s)", goaway[0][1] - t0 < 2,
              goaway[0][1] - t0)
    check("  the stream in flight gets its 200",
          ("HEADERS", 1, "200") in [(e[0], e[2], e[3]) for e in ha.events
                                    if e[0] == "HEADERS"], ha.events)
    check("  and its whole body", data and data[-1][4] and
          b"app=" in b"".join(d[3] for d in data), data)
    check("  then the server ends the connection",
          kinds and kinds[-1] == "EOF", kinds)

    rt.join()
    st, hd, body = s1_out.get("resp", (None, {}, b""))
    check("HTTP/1.1 in flight on P1 completes with 200",
          st == 200 and b"app=" in body, s1_out)
    expect_eq("  with Connection: close", hd.get("connection"), "close")
    check("  after the removal",
          s1_out.get("done", 0) > t0, s1_out.get("done", 0) - t0)
    check("  then the connection ends", s1_out.get("eof") is not None,
          s1_out)

    check("a response streaming at the removal said keep-alive",
          b"Connection: keep-alive" in head, head[:200])
    got = len(head.split(b"\r\n\r\n", 1)[1])
    while got < 20000000:
        b = big.recv(1 << 20)
        if not b:
            break
        got += len(b)
    expect_eq("  all of it arrives", got, 20000000)
    try:
        big.sendall(b"GET /app/next HTTP/1.1\r\nHost: a\r\n\r\n")
        st, hd, _ = h1_response(big)
    except (OSError, EOFError) as e:
        st, hd = repr(e), {}
    check("  a request sent right after it on that connection is served "
          "with Connection: close", st == 200 and
          hd.get("connection") == "close", (st, hd))
    check("  then the connection ends", eof_within(big, 5) is not None)
    big.close()

    out, _ = curl.communicate(timeout=30)
    check("curl --http2 with a request in flight gets its 200 over HTTP/2",
          curl.returncode == 0 and out.endswith("\n200 2") and "app=" in out,
          (curl.returncode, out))

    check("a new handshake on P1 fails", not handshake_ok(p1))
    check("a new handshake on P2 works", handshake_ok(p2))
    k2.sendall(b"GET /app/k2again HTTP/1.1\r\nHost: b\r\n\r\n")
    st, hd, _ = h1_response(k2)
    check("P2's idle HTTP/1.1 connection still serves, kept alive",
          st == 200 and hd.get("connection") == "keep-alive", (st, hd))
    n = len(hb.events)
    hb.get(3, "/app/hb3")
    hb.read(10, lambda ev: any(e[0] == "DATA" and e[2] == 3 and e[4]
                               for e in ev))
    later = hb.events[n:]
    check("P2's HTTP/2 connection serves a new stream",
          ("HEADERS", 3, "200") in [(e[0], e[2], e[3]) for e in later],
          later)
    check("  and never got GOAWAY", "GOAWAY" not in hb.kinds(), hb.kinds())
    sums = [0, 0, 0]
    for ln in log().splitlines():
        if "removed binding: closing" in ln:
            w = ln.split("closing ", 1)[1].split()
            for i, k in enumerate((0, 3, 7)):
                sums[i] += int(w[k])
    expect_eq("the log counts 1 idle HTTP/1.1 closed, 1 after its request, "
              "3 HTTP/2 sent GOAWAY", sums, [1, 1, 3])

    for s in (k1, k2, s1, ha.t, hb.t, hi.t):
        s.close()
    svc.terminate()
    expect_eq("httpsvc exits 0 (no sanitizer error or leak)",
              svc.wait(timeout=30), 0)
    check("no sanitizer report in the log",
          "Sanitizer" not in log() and "runtime error" not in log(),
          log()[-2000:])
    done_testing()


main()
