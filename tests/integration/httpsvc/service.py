#!/usr/bin/env python3
"""httpsvc as a Linux service: systemd readiness and reload notifications
(sd_notify over NOTIFY_SOCKET), SIGHUP, socket activation (LISTEN_FDS via
systemd-socket-activate), dropping root to a service user that keeps only
the capabilities a reload needs, warnings for certificates about to
expire, a bad limits file, a second instance, and httpsvc -t on broken
state (orphan binding, world-readable key).
"""
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import (BIN, ROOT, TMP, check, done_testing, expect_eq, free_port,
                 run, start_bg, wait_for)

APPID = "{6f1d2a3b-0000-4000-8000-00000000a003}"


def newcert(name, *extra):
    r = run("certstore", "new-self-signed", "--dns", name, *extra, check_rc=0)
    return r.stdout.strip().splitlines()[-1]


def httpcfg(*args):
    return run("httpcfg", *args, check_rc=0)


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def served_cn(port, sni=None):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        with c.wrap_socket(s, server_hostname=sni) as t:
            der = t.getpeercert(binary_form=True)
    pem = ssl.DER_cert_to_PEM_cert(der)
    r = subprocess.run(["openssl", "x509", "-noout", "-subject"], input=pem,
                       capture_output=True, text=True)
    return r.stdout.strip().split("=")[-1].strip()


def stop(p):
    p.send_signal(signal.SIGTERM)
    return p.wait(timeout=30)


def notify_and_hup(port):
    """sd_notify READY / RELOADING / STOPPING and SIGHUP."""
    path = os.path.join(TMP, "notify.sock")
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ns.bind(path)
    ns.settimeout(20)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    log = os.path.join(TMP, "svc1.log")
    p = subprocess.Popen([os.path.join(BIN, "httpsvc")], env=env,
                         stdout=open(log, "w"), stderr=subprocess.STDOUT)
    msgs = [ns.recv(4096).decode()]
    check("sd_notify READY=1 once listening", "READY=1" in msgs[0], msgs)
    check("stderr says ready before that", "ready: listening" in read(log))
    expect_eq("the certificate is served", served_cn(port), "svc.test")
    p.send_signal(signal.SIGHUP)
    msgs = [ns.recv(4096).decode(), ns.recv(4096).decode()]
    check("SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1",
          "RELOADING=1" in msgs[0] and "MONOTONIC_USEC=" in msgs[0] and
          "READY=1" in msgs[1], msgs)
    check("SIGHUP reload is logged",
          wait_for(lambda: "reload (SIGHUP)" in read(log), 10), read(log))
    second = run("httpsvc")
    check("a second httpsvc on the same root refuses to start",
          second.returncode != 0 and "another httpsvc is running" in
          second.stderr, second.stderr)
    expect_eq("SIGTERM exits 0", stop(p), 0)
    check("STOPPING=1 on SIGTERM", "STOPPING=1" in ns.recv(4096).decode())
    ns.close()


def socket_activation(port):
    log = os.path.join(TMP, "svc2.log")
    # systemd-socket-activate passes no environment unless told (-E), and
    # starts the program on the first connection: the handshake below.
    p = subprocess.Popen(["systemd-socket-activate", "-E", "RS_ROOT",
                          "-E", "ASAN_OPTIONS", "-l", "127.0.0.1:%d" % port,
                          os.path.join(BIN, "httpsvc")],
                         stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "Listening on" in read(log), 10)
        expect_eq("TLS served on the inherited socket", served_cn(port),
                  "svc.test")
        check("socket activation: ready", "ready: listening" in read(log),
              read(log))
        check("the systemd socket is adopted", "adopted systemd socket "
              "127.0.0.1:%d" % port in read(log), read(log))
        check("and the port is not bound again",
              "0.0.0.0:%d" % port not in read(log).split("ready:")[-1],
              read(log))
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)


def drop_privileges(port, port2):
    user = "rsh3s%d" % os.getpid()
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                    "/usr/sbin/nologin", user], check=True)
    p = None
    try:
        log = os.path.join(TMP, "svc3.log")
        os.chmod(TMP, 0o711)    # the service user passes through to ROOT
        p = start_bg("httpsvc", "--user", user, log=log)
        drop_checks(p, log, user, port2)
    finally:
        if p is not None and p.poll() is None:
            p.kill()
            p.wait()
        subprocess.run(["userdel", user])


def drop_checks(p, log, user, port2):
    check("--user: ready", wait_for(lambda: "ready: listening" in
                                    read(log), 30), read(log))
    status = read("/proc/%d/status" % p.pid)
    uid = pwd.getpwnam(user).pw_uid
    check("runs as the service user",
          ("\nUid:\t%d\t%d\t%d" % (uid, uid, uid)) in status, status)
    capeff = [ln for ln in status.splitlines()
              if ln.startswith("CapEff:")]
    expect_eq("keeps only CAP_NET_BIND_SERVICE", capeff,
              ["CapEff:\t0000000000000400"])
    t = newcert("new-port.test")
    httpcfg("add", "sslcert", "ipport=0.0.0.0:%d" % port2,
            "certhash=" + t, "appid=" + APPID)
    httpcfg("add", "urlacl", "url=https://+:%d/" % port2, "user=root")
    check("a reload after dropping root reads the new key (0640, the "
          "service group's)",
          wait_for(lambda: "listeners" in read(log).split(
              "running as user")[-1] and "reload" in read(log), 15),
          read(log))
    expect_eq("and serves the new port", served_cn(port2),
              "new-port.test")
    expect_eq("SIGTERM exits 0", stop(p), 0)


def expiry_and_check(port):
    soon = newcert("soon.test", "--days", "10")
    httpcfg("add", "sslcert", "hostnameport=soon.test:%d" % port,
            "certhash=" + soon, "appid=" + APPID)
    r = run("httpsvc", "-t")
    check("httpsvc -t warns about a certificate expiring in 10 days",
          r.returncode == 0 and "expires in" in r.stderr, r.stderr)
    log = os.path.join(TMP, "svc4.log")
    p = start_bg("httpsvc", log=log)
    wait_for(lambda: "ready: listening" in read(log), 30)
    check("the log warns about it at start",
          "certificate %s expires in" % soon in read(log), read(log))
    ctl = socket.socket(socket.AF_UNIX)
    ctl.connect(os.path.join(ROOT, "run", "httpsvc.sock"))
    ctl.sendall(b"STATE\n")
    state = ctl.makefile().readline()
    check("STATE carries the warning", "expires in" in state and soon in
          state, state)
    ctl.close()
    stop(p)
    # An orphan binding (its certificate deleted from the store).
    shutil.move(os.path.join(ROOT, "certstore", "My", soon + ".crt"),
                os.path.join(TMP, "moved.crt"))
    r = run("httpsvc", "-t")
    check("httpsvc -t fails on a binding whose certificate is gone",
          r.returncode == 78 and "soon.test:%d" % port in r.stderr, r.stderr)
    log = os.path.join(TMP, "svc5.log")
    p = start_bg("httpsvc", log=log)
    check("but httpsvc starts (the rest serves) and warns about it",
          wait_for(lambda: "ready: listening" in read(log), 30) and
          "binding soon.test:%d: certificate %s is not in the My store"
          % (port, soon) in read(log), read(log))
    stop(p)
    shutil.move(os.path.join(TMP, "moved.crt"),
                os.path.join(ROOT, "certstore", "My", soon + ".crt"))


def non_root():
    """A user's own state root, started without root on a port >= 1024."""
    user = "rsh3n%d" % os.getpid()
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                    "/usr/sbin/nologin", user], check=True)
    os.chmod(TMP, 0o755)
    uroot = os.path.join(TMP, "uroot")
    os.mkdir(uroot)
    shutil.chown(uroot, user, user)
    port = free_port()
    env = dict(os.environ, RS_ROOT=uroot)

    def as_user(*args, **kw):
        return subprocess.Popen(["setpriv", "--reuid=" + user,
                                 "--regid=" + user, "--clear-groups",
                                 os.path.join(BIN, args[0]), *args[1:]],
                                env=env, text=True, **kw)
    p = None
    try:
        c = as_user("certstore", "new-self-signed", "--dns", "nonroot.test",
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        thumb = c.communicate()[0].strip().splitlines()[-1]
        for args in (["add", "sslcert", "ipport=0.0.0.0:%d" % port,
                      "certhash=" + thumb, "appid=" + APPID],
                     ["add", "urlacl", "url=https://+:%d/" % port,
                      "user=" + user]):
            as_user("httpcfg", *args, stdout=subprocess.DEVNULL).wait()
        log = os.path.join(TMP, "svc5.log")
        p = as_user("httpsvc", stdout=open(log, "w"),
                    stderr=subprocess.STDOUT)
        check("a non-root httpsvc starts on its own root",
              wait_for(lambda: "ready: listening" in read(log), 30),
              read(log))
        expect_eq("and serves TLS on port %d" % port, served_cn(port),
                  "nonroot.test")
        p.send_signal(signal.SIGTERM)
        expect_eq("and stops cleanly", p.wait(timeout=30), 0)
    finally:
        if p is not None and p.poll() is None:
            p.kill()
            p.wait()
        subprocess.run(["userdel", user])


def bad_config():
    conf = os.path.join(ROOT, "http", "httpsvc.conf")
    with open(conf, "w") as f:
        f.write("idle_timeout_ms 5\nno_such_thing 1\nthreads 2\n")
    r = run("httpsvc", "-t")
    check("a bad limits file: -t names every bad line",
          r.returncode == 78 and "httpsvc.conf:1:" in r.stderr and
          "httpsvc.conf:2: unknown directive" in r.stderr, r.stderr)
    r = run("httpsvc")
    check("and the daemon will not start on it", r.returncode == 78,
          r.stderr)
    os.unlink(conf)


def main():
    port, port2, port3 = free_port(), free_port(), free_port()
    t = newcert("svc.test")
    httpcfg("add", "sslcert", "ipport=0.0.0.0:%d" % port, "certhash=" + t,
            "appid=" + APPID)
    httpcfg("add", "urlacl", "url=https://+:%d/" % port, "user=root")
    notify_and_hup(port)
    socket_activation(port)
    drop_privileges(port, port3)
    expiry_and_check(port)
    non_root()
    bad_config()
    done_testing()


main()
