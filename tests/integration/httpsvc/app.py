#!/usr/bin/env python3
"""tests/integration/httpsvc/app.py: a tiny application behind httpsvc.

Serves HTTP/1.1 (keep-alive) on its own Unix socket and registers one or
more URL prefixes over httpsvc's control socket, like an HTTP.sys
application.  The registration lives as long as this process.

    app.py --root ROOT --sock PATH --name NAME --url PREFIX [--url ...]

Prints one line per registration answer ("REGISTER <prefix>: OK" or the
ERR line) and exits 3 if any registration failed (with --exit-on-error).

Responses (text/plain):
    GET  /.../slow?s=N   sleeps N seconds first
    GET  /.../big?n=N    N bytes of 'x', streamed in 64 KiB chunks
    POST anything        "len=<bytes received>"
    else                 "app=NAME path=P xff=.. xfp=.. xfh=.. rsv=.."
"""
import argparse
import http.server
import os
import socket
import socketserver
import sys
import threading
import time
import urllib.parse


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    name = "app"

    def address_string(self):
        return "unix"

    def log_message(self, fmt, *args):
        pass

    def _send(self, body, status=200):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        if u.path.endswith("/slow"):
            time.sleep(float(q.get("s", ["3"])[0]))
        if u.path.endswith("/big"):
            n = int(q.get("n", ["1000000"])[0])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            chunk = b"x" * 65536
            while n > 0:
                self.wfile.write(chunk[:min(n, len(chunk))])
                n -= min(n, len(chunk))
            return
        h = self.headers
        body = ("app=%s path=%s xff=%s xfp=%s xfh=%s rsv=%s host=%s\n" % (
            self.name, u.path, h.get("X-Forwarded-For"),
            h.get("X-Forwarded-Proto"), h.get("X-Forwarded-Host"),
            h.get("X-Url-Reservation"), h.get("Host"))).encode()
        self._send(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        got = 0
        while got < n:
            b = self.rfile.read(min(65536, n - got))
            if not b:
                break
            got += len(b)
        self._send(("len=%d\n" % got).encode())


def register(root, sock_path, urls):
    ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ctl.connect(os.path.join(root, "run", "httpsvc.sock"))
    f = ctl.makefile("rwb", buffering=0)
    ok = True
    for url in urls:
        f.write(("REGISTER %s %s\n" % (url, sock_path)).encode())
        ans = f.readline().decode().strip()
        print("REGISTER %s: %s" % (url, ans), flush=True)
        ok = ok and ans == "OK"
    return ctl, ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--sock", required=True)
    ap.add_argument("--name", default="app")
    ap.add_argument("--url", action="append", required=True)
    ap.add_argument("--exit-on-error", action="store_true")
    a = ap.parse_args()
    Handler.name = a.name
    if os.path.exists(a.sock):
        os.unlink(a.sock)
    srv = Server(a.sock, Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    ctl, ok = register(a.root, a.sock, a.url)
    if not ok and a.exit_on_error:
        sys.exit(3)
    print("READY", flush=True)
    # Live until httpsvc drops us or we are killed.
    while ctl.recv(1024):
        pass


if __name__ == "__main__":
    main()
