"""tests/integration/svclib.py: a real httpsvc and a counting application.

For tests that attack httpsvc (tests/security/) or check what reaches an
application: start() sets up a state root with one plain-HTTP port and one
HTTPS port (a self-signed certificate bound to 0.0.0.0:port), reserves
/app/ on both, starts httpsvc and registers an in-process application that
records every request it receives (method, path, headers, body length)
and answers 200 "ok len=N".  raw() and raw_tls() send bytes and read the
answer until the server closes, so a test sees exactly what went out and
whether the connection ended.
"""
import os
import socket
import ssl
import threading
import time

from lib import ROOT, TMP, check, free_port, run, start_bg, wait_for

APPID = "{6f1d2a3b-0000-4000-8000-0000000053c0}"


class App:
    """A raw HTTP/1.1 application on a Unix socket that counts requests."""

    def __init__(self, path):
        self.path = path
        self.requests = []      # (method, target, {name: value}, body len)
        self.lock = threading.Lock()
        self.answer = None      # fn(method, target, headers) -> bytes|None
        if os.path.exists(path):
            os.unlink(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()

    def count(self):
        with self.lock:
            return len(self.requests)

    def _accept(self):
        while True:
            c, _ = self.sock.accept()
            threading.Thread(target=self._serve, args=(c,),
                             daemon=True).start()

    def _serve(self, c):
        buf = b""
        try:
            while True:
                while b"\r\n\r\n" not in buf:
                    d = c.recv(65536)
                    if not d:
                        return
                    buf += d
                head, buf = buf.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                hdrs = {}
                for ln in lines[1:]:
                    k, _, v = ln.partition(":")
                    hdrs[k.strip().lower()] = v.strip()
                n = int(hdrs.get("content-length", "0"))
                with self.lock:
                    self.requests.append((method, target, hdrs, n))
                custom = self.answer(method, target, hdrs) \
                    if self.answer is not None else None
                if custom is not None:
                    c.sendall(custom)
                    if b"Connection: close" in custom:
                        return
                    continue
                while len(buf) < n:
                    d = c.recv(1 << 20)
                    if not d:
                        return
                    buf += d
                buf = buf[n:]
                body = b"ok len=%d\n" % n
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                          b"Content-Length: %d\r\n\r\n" % len(body) + body)
        except OSError:
            pass
        finally:
            c.close()


class Svc:
    pass


def tls_ctx(alpn=None):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    if alpn:
        c.set_alpn_protocols(alpn)
    return c


def start(conf="", register=True, reg_opts=""):
    """httpsvc with /app/ on a plain and a TLS port; returns a Svc."""
    s = Svc()
    s.http, s.https = free_port(), free_port()
    cert = run("certstore", "new-self-signed", "--dns", "sec.test",
               check_rc=0).stdout.strip().splitlines()[-1]
    run("httpcfg", "add", "sslcert", "ipport=0.0.0.0:%d" % s.https,
        "certhash=" + cert, "appid=" + APPID, check_rc=0)
    s.urls = ["http://+:%d/app/" % s.http, "https://+:%d/app/" % s.https]
    for u in s.urls:
        run("httpcfg", "add", "urlacl", "url=" + u, "user=root", check_rc=0)
    with open(os.path.join(ROOT, "http", "httpsvc.conf"), "w") as f:
        f.write(conf)
    s.app = App(os.path.join(TMP, "app.sock"))
    s.log = os.path.join(TMP, "svc.log")
    s.ctl = None
    s.launch(register, reg_opts)
    return s


def _launch(self, register=True, reg_opts=""):
    """Starts httpsvc (logging to self.log) and registers the app."""
    self.proc = start_bg("httpsvc", log=self.log)
    check("httpsvc is ready", wait_for(
        lambda: "ready: listening" in self.read_log(), 30),
        self.read_log())
    if register:
        self.register(reg_opts)


def _register(self, reg_opts=""):
    """REGISTER both prefixes (with reg_opts after the socket path)."""
    self.ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    self.ctl.connect(os.path.join(ROOT, "run", "httpsvc.sock"))
    f = self.ctl.makefile("rwb", buffering=0)
    answers = []
    for u in self.urls:
        f.write(("REGISTER %s %s%s\n" % (u, self.app.path,
                                         reg_opts)).encode())
        answers.append(f.readline().strip())
    check("the application registered on both ports%s" % (
        " with" + reg_opts if reg_opts else ""),
        answers == [b"OK", b"OK"], answers)
    return answers


def _restart(self, conf, register=True, reg_opts=""):
    """Stops httpsvc, writes a new httpsvc.conf, starts it again."""
    self.proc.terminate()
    self.proc.wait(timeout=30)
    with open(os.path.join(ROOT, "http", "httpsvc.conf"), "w") as f:
        f.write(conf)
    os.rename(self.log, self.log + ".%d" % time.time_ns())
    self.launch(register, reg_opts)


Svc.launch = _launch
Svc.register = _register
Svc.restart = _restart


def _read_log(self):
    with open(self.log) as f:
        return f.read()


Svc.read_log = _read_log


def _exchange(s, data, wait):
    """Sends data; returns (answer bytes, closed by the server?)."""
    out = b""
    closed = False
    s.settimeout(wait)
    try:
        s.sendall(data)
        end = time.time() + wait
        while time.time() < end:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            out += d
    except (socket.timeout, ssl.SSLError):
        pass
    except (ConnectionResetError, BrokenPipeError):
        closed = True
    s.close()
    return out, closed


def raw(port, data, wait=3.0):
    return _exchange(socket.create_connection(("127.0.0.1", port)), data,
                     wait)


def raw_tls(port, data, wait=3.0):
    s = socket.create_connection(("127.0.0.1", port))
    return _exchange(tls_ctx(["http/1.1"]).wrap_socket(s), data, wait)


def status_of(resp):
    try:
        return int(resp.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def header_of(resp, name):
    """The value of a header in a raw HTTP/1.1 answer, or None."""
    head = resp.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    for ln in head.split("\r\n")[1:]:
        k, _, v = ln.partition(":")
        if k.strip().lower() == name.lower():
            return v.strip()
    return None
