"""Registration of an appserver application (staticsite) on httpsvc's
control socket: started before httpsvc it retries and registers once the
socket appears; after httpsvc restarts it registers again; several prefixes
go as one REGISTER line each; SIGTERM closes the control connection (which
is what frees the prefixes); an "ERR 5" answer makes staticsite exit 77 with
httpsvc's sentence.

The control socket here is a small stand-in that speaks the contract of
docs/DESIGN.md (REGISTER line -> OK / ERR code message), used while
bin/httpsvc is not built; the end-to-end test through the real httpsvc is
tests/integration/appserver/httpsvc.sh.
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import BIN, ROOT, TMP, check, done_testing, expect_eq  # noqa: E402

CTL = os.path.join(ROOT, "run", "httpsvc.sock")
WWW = os.path.join(TMP, "www")
os.makedirs(WWW)
with open(os.path.join(WWW, "index.html"), "w") as f:
    f.write("hi\n")


class FakeHttpsvc:
    """Accepts control connections; answers each REGISTER line."""

    def __init__(self, deny=()):
        os.makedirs(os.path.dirname(CTL), exist_ok=True)
        if os.path.exists(CTL):
            os.unlink(CTL)
        self.srv = socket.socket(socket.AF_UNIX)
        self.srv.bind(CTL)
        self.srv.listen(8)
        self.deny = deny
        self.lines = []
        self.closed = threading.Event()
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self._serve, args=(c,),
                             daemon=True).start()

    def _serve(self, c):
        buf = b""
        while True:
            try:
                d = c.recv(4096)
            except OSError:
                d = b""
            if not d:
                self.closed.set()
                return
            buf += d
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line = line.decode()
                self.lines.append(line)
                prefix = line.split(" ")[1] if " " in line else ""
                if any(x in prefix for x in self.deny):
                    ans = (f"ERR 5 access denied: {prefix} is reserved for "
                           f"user nobody, not root; reserve it with "
                           f"'httpcfg add urlacl'\n")
                else:
                    ans = "OK\n"
                c.sendall(ans.encode())

    def stop(self):
        self.srv.close()
        for c in self.conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()
        os.unlink(CTL)


def wait_until(cond, secs):
    end = time.time() + secs
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


def start_site(*urls, name="site"):
    args = [os.path.join(BIN, "staticsite"), "--dir", WWW, "--name", name]
    for u in urls:
        args += ["--url", u]
    log = open(os.path.join(TMP, f"{name}.log"), "w+")
    p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    return p, log


def text(log):
    log.flush()
    with open(log.name) as f:
        return f.read()


sock_path = os.path.join(ROOT, "run", "apps", "site.sock")
site, log = start_site("https://+:8443/site/", "http://*:8080/site2/")
check("started before httpsvc: says it will retry",
      wait_until(lambda: "will register when httpsvc is up" in text(log), 10),
      text(log))
check("serves its socket meanwhile",
      wait_until(lambda: os.path.exists(sock_path), 5))

fake = FakeHttpsvc()
check("registers once the control socket appears",
      wait_until(lambda: len(fake.lines) >= 2, 10), text(log))
expect_eq("one REGISTER line per prefix, in order", fake.lines[:2], [
    f"REGISTER https://+:8443/site/ {sock_path}",
    f"REGISTER http://*:8080/site2/ {sock_path}"])
check("success is logged",
      wait_until(lambda: "registered https://+:8443/site/" in text(log), 5),
      text(log))

fake.stop()
check("httpsvc gone: the loss is logged",
      wait_until(lambda: "lost" in text(log), 5), text(log))
fake = FakeHttpsvc()
check("httpsvc back: registers again",
      wait_until(lambda: len(fake.lines) >= 2, 10), text(log))

site.send_signal(signal.SIGTERM)
expect_eq("SIGTERM: exit 0", site.wait(timeout=15), 0)
check("SIGTERM closes the control connection (frees the prefixes)",
      fake.closed.wait(5))
check("no sanitizer report",
      "Sanitizer" not in text(log) and "runtime error" not in text(log),
      text(log))
fake.stop()

fake = FakeHttpsvc(deny=("denied",))
site, log = start_site("https://+:8443/denied/", name="denied")
try:
    rc = site.wait(timeout=15)
except subprocess.TimeoutExpired:
    site.kill()
    rc = None
expect_eq("ERR 5: exits 77 (permission denied)", rc, 77)
check("ERR 5: httpsvc's sentence is shown",
      "access denied: https://+:8443/denied/ is reserved for user nobody"
      in text(log), text(log))
check("ERR 5: the Windows code is shown", "(error 5)" in text(log),
      text(log))
fake.stop()
done_testing()
