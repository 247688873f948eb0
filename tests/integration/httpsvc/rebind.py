#!/usr/bin/env python3
"""httpsvc picks up binding changes without a restart.

- Rebinding a port to a new certificate while two client loops run (one
  new TLS connection per request, one keep-alive connection): zero failed
  requests, the new certificate on the next handshake, and the keep-alive
  connection moved to the new certificate (closed after its request).
- Sessions resume (tickets and the session cache, TLS 1.2 and 1.3), but
  an old session never resumes after its binding is removed or replaced
  (openssl s_client -sess_out / -sess_in).
- A reload that cannot work (a binding whose key file is world-readable)
  keeps the old configuration and says why.
"""
import hashlib
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

APP = os.path.join(os.path.dirname(__file__), "testapp")
APPID = "{6f1d2a3b-0000-4000-8000-00000000a002}"


def newcert(name):
    r = run("certstore", "new-self-signed", "--dns", name, check_rc=0)
    return r.stdout.strip().splitlines()[-1]


def httpcfg(*args):
    return run("httpcfg", *args, check_rc=0)


def log():
    with open(os.path.join(TMP, "svc.log")) as f:
        return f.read()


def ctx():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


def thumb(sock):
    return hashlib.sha1(sock.getpeercert(binary_form=True)).hexdigest().upper()


def one_request(port):
    """A new connection (no SNI), one request; returns (status, thumb)."""
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx(),
                                    timeout=10)
    c.connect()
    t = thumb(c.sock)   # before the response: a retired binding's
    c.request("GET", "/app/loop")   # "Connection: close" drops c.sock
    r = c.getresponse()
    r.read()
    c.close()
    return r.status, t


class Loops:
    def __init__(self, port):
        self.port = port
        self.stop = False
        self.fresh = []        # (time, status or exception text, thumb)
        self.kept = []         # (time, status, thumb, connection number)
        self.errors = []

    def fresh_loop(self):
        while not self.stop:
            try:
                s, t = one_request(self.port)
                self.fresh.append((time.time(), s, t))
                if s != 200:
                    self.errors.append("fresh status %d" % s)
            except Exception as e:  # a failed request is what we count
                self.errors.append("fresh: %r" % e)
            time.sleep(0.02)

    def kept_loop(self):
        c = http.client.HTTPSConnection("127.0.0.1", self.port,
                                        context=ctx(), timeout=10)
        nconn, last = 0, None
        while not self.stop:
            try:
                c.request("GET", "/app/kept")
                if c.sock is not last:
                    nconn, last = nconn + 1, c.sock
                t = thumb(c.sock)
                r = c.getresponse()
                r.read()
                self.kept.append((time.time(), r.status, t, nconn))
                if r.status != 200:
                    self.errors.append("kept status %d" % r.status)
            except Exception as e:
                self.errors.append("kept: %r" % e)
                c.close()
            time.sleep(0.02)


def s_client(port, sni, args):
    cmd = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
           "-servername", sni] + args
    # Keep stdin open until a TLS 1.3 ticket sent after the handshake has
    # reached s_client (it writes -sess_out then), or a moment when no
    # session is saved: a fixed pause lost the ticket on a loaded machine.
    out_file = args[args.index("-sess_out") + 1] if "-sess_out" in args \
        else None
    if out_file is not None and os.path.exists(out_file):
        os.unlink(out_file)
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    if out_file is None:
        time.sleep(0.3)
    else:
        wait_for(lambda: os.path.exists(out_file) and
                 os.path.getsize(out_file) > 0, 10)
        time.sleep(0.1)
    out, _ = p.communicate(input="", timeout=20)
    for line in out.splitlines():
        if line.startswith("New,") or line.startswith("Reused,"):
            return line.split(",")[0]
    return "failed"


def wait_reload(n_before):
    return wait_for(lambda: log().count("reload (") > n_before,
                    15)


def main():
    port = free_port()
    old, new, s1, s2 = (newcert("old.test"), newcert("new.test"),
                        newcert("s.test"), newcert("s.test"))
    httpcfg("add", "sslcert", "ipport=127.0.0.1:%d" % port, "certhash=" + old,
            "appid=" + APPID)
    httpcfg("add", "sslcert", "hostnameport=s.test:%d" % port,
            "certhash=" + s1, "appid=" + APPID)
    httpcfg("add", "urlacl", "url=https://+:%d/app/" % port, "user=root")
    start_bg("httpsvc", log=os.path.join(TMP, "svc.log"))
    check("httpsvc is ready", wait_for(lambda: "ready: listening" in log(), 30),
          log())
    start_bg("/usr/bin/python3", APP, "--root", ROOT, "--sock",
             os.path.join(TMP, "app.sock"), "--name", "app", "--url",
             "https://+:%d/app/" % port, log=os.path.join(TMP, "app.log"))
    wait_for(lambda: "READY" in open(os.path.join(TMP, "app.log")).read(), 20)

    # Sessions resume while the binding stands.
    sess = {}
    for v in ("-tls1_2", "-tls1_3"):
        for mode in ("ticket", "cache"):
            f = os.path.join(TMP, "sess%s%s" % (v, mode))
            extra = [v] + (["-no_ticket"] if mode == "cache" else [])
            s_client(port, "s.test", extra + ["-sess_out", f])
            expect_eq("%s %s: a session resumes" % (v, mode),
                      s_client(port, "s.test", extra + ["-sess_in", f]),
                      "Reused")
            sess[(v, mode)] = (f, extra)

    # Rebind the ip:port binding while the loops run.
    loops = Loops(port)
    threads = [threading.Thread(target=loops.fresh_loop),
               threading.Thread(target=loops.kept_loop)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    nrel = log().count("reload (")
    t_change = time.time()
    httpcfg("update", "sslcert", "ipport=127.0.0.1:%d" % port,
            "certhash=" + new, "appid=" + APPID)
    check("the change is picked up without a restart", wait_reload(nrel),
          "\n".join(l for l in log().splitlines() if "access:" not in l))
    t_reload = time.time()
    time.sleep(1.5)
    loops.stop = True
    for t in threads:
        t.join()
    expect_eq("zero failed requests during the rebind", loops.errors, [])
    before = [f for f in loops.fresh if f[0] < t_change]
    after = [f for f in loops.fresh if f[0] > t_reload]
    check("the old certificate was served before",
          before and all(f[2] == old for f in before), before[-3:])
    check("the new certificate is served on the next handshakes",
          after and all(f[2] == new for f in after), after[:3])
    check("the fresh loop made many requests", len(loops.fresh) > 20,
          len(loops.fresh))
    conns = {k[3] for k in loops.kept}
    check("the keep-alive connection was closed after its request and the "
          "client moved on", len(conns) >= 2 and loops.kept[-1][2] == new,
          loops.kept[-3:])

    # Remove the s.test binding: its sessions must not resume, and the
    # handshake falls back to the ip:port binding.
    nrel = log().count("reload (")
    httpcfg("delete", "sslcert", "hostnameport=s.test:%d" % port)
    check("binding removal picked up", wait_reload(nrel))
    for (v, mode), (f, extra) in sess.items():
        expect_eq("%s %s: no resumption after the binding is removed" %
                  (v, mode), s_client(port, "s.test", extra + ["-sess_in", f]),
                  "New")

    # Replace a binding (same name, new certificate): old sessions die too.
    nrel = log().count("reload (")
    httpcfg("add", "sslcert", "hostnameport=s.test:%d" % port,
            "certhash=" + s1, "appid=" + APPID)
    check("binding re-added", wait_reload(nrel))
    f = os.path.join(TMP, "sess-replace")
    s_client(port, "s.test", ["-sess_out", f])
    expect_eq("a session on the re-added binding resumes",
              s_client(port, "s.test", ["-sess_in", f]), "Reused")
    nrel = log().count("reload (")
    httpcfg("update", "sslcert", "hostnameport=s.test:%d" % port,
            "certhash=" + s2, "appid=" + APPID)
    check("binding replaced", wait_reload(nrel))
    expect_eq("no resumption after the binding's certificate is replaced",
              s_client(port, "s.test", ["-sess_in", f]), "New")

    # A bad change is refused and the old configuration keeps serving.
    key = os.path.join(ROOT, "certstore", "My", old + ".key")
    os.chmod(key, 0o644)
    nrel = log().count("reload failed")
    httpcfg("update", "sslcert", "ipport=127.0.0.1:%d" % port,
            "certhash=" + old, "appid=" + APPID)
    check("a reload with a world-readable key fails",
          wait_for(lambda: log().count("reload failed") > nrel, 15))
    check("the failure says which file and the mode expected",
          "has mode 0644; it must be 0600" in log(), log()[-600:])
    s, t = one_request(port)
    expect_eq("the previous configuration keeps serving", (s, t), (200, new))
    r = run("httpsvc", "-t")
    check("httpsvc -t reports the key file mode and fails",
          r.returncode != 0 and "must be 0600" in r.stderr, r.stderr)
    os.chmod(key, 0o600)
    done_testing()


main()
