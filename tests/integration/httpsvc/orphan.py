#!/usr/bin/env python3
"""An orphan binding (its certificate removed with certstore remove --force).

- The reload after the removal succeeds: one warning line in the log (per
  reload) and a warning in STATE name the binding; the other bindings keep
  serving.
- Handshakes for the orphan's endpoint are refused with the no-certificate
  alert (unrecognized_name); the removed certificate is never served again
  (not even from a context kept in memory).
- Later reloads still work (a new binding serves), and a restart with the
  orphan in the store starts and serves the rest.
"""
import hashlib
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import (BIN, ROOT, TMP, check, done_testing, expect_eq, free_port,
                 run, start_bg, wait_for)

APP = os.path.join(os.path.dirname(__file__), "testapp")
APPID = "{6f1d2a3b-0000-4000-8000-00000000a0f1}"
LOG = os.path.join(TMP, "svc.log")


def newcert(name):
    r = run("certstore", "new-self-signed", "--dns", name, check_rc=0)
    return r.stdout.strip().splitlines()[-1]


def log():
    with open(LOG) as f:
        return f.read()


def handshake(port, sni):
    """The thumbprint served for sni, or the text of the TLS error."""
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        try:
            with c.wrap_socket(s, server_hostname=sni) as t:
                der = t.getpeercert(binary_form=True)
                return hashlib.sha1(der).hexdigest().upper()
        except ssl.SSLError as e:
            return "refused: %s" % e.reason


def state():
    """httpsvc's own STATE answer over the control socket."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(10)
        s.connect(os.path.join(ROOT, "run", "httpsvc.sock"))
        f = s.makefile("rwb", buffering=0)
        f.write(b"STATE\n")
        line = f.readline().decode()
    return json.loads(line[3:]) if line.startswith("OK ") else {}


def reloads():
    return log().count("reload (")


def main():
    port = free_port()
    a, b, c = newcert("a.test"), newcert("b.test"), newcert("c.test")
    run("httpcfg", "add", "sslcert", "ipport=0.0.0.0:%d" % port,
        "certhash=" + a, "appid=" + APPID, check_rc=0)
    run("httpcfg", "add", "sslcert", "hostnameport=b.test:%d" % port,
        "certhash=" + b, "appid=" + APPID, check_rc=0)
    svc = start_bg("httpsvc", log=LOG)
    check("httpsvc is ready", wait_for(lambda: "ready: listening" in log(),
                                        30), log())
    expect_eq("b.test is served its certificate", handshake(port, "b.test"),
              b)

    n = reloads()
    r = run("certstore", "remove", b, "--force")
    check("certstore remove --force takes the bound certificate",
          r.returncode == 0, r.stdout, r.stderr)
    check("the removal is picked up by a reload",
          wait_for(lambda: reloads() > n, 15), log()[-800:])
    time.sleep(0.3)
    check("the reload succeeded", "reload failed" not in log(), log()[-800:])
    lines = [ln for ln in log().splitlines()
             if "binding b.test:%d: certificate %s is not in the My store"
             % (port, b) in ln]
    # certstore tells httpsvc (RELOAD) after a forced removal; the store
    # poll may have seen the change a moment before: one line per reload.
    check("one warning line per reload names the orphan binding",
          len(lines) >= 1 and len(lines) == reloads() - n, lines,
          reloads() - n)
    warns = state().get("warnings", [])
    check("STATE warns about the orphan binding",
          any(b in w and "not in the My store" in w for w in warns), warns)
    got = handshake(port, "b.test")
    check("a handshake for the orphan's endpoint gets the no-certificate "
          "alert", "UNRECOGNIZED_NAME" in got.upper(), got)
    check("the removed certificate is not served", got != b, got)
    check("the handshake refusal is logged",
          "%s is not in the store; handshake refused" % b in log(),
          log()[-600:])
    expect_eq("the other binding keeps serving", handshake(port, "x.test"),
              a)

    # Later reloads are not refused because of the orphan.
    n = reloads()
    run("httpcfg", "add", "sslcert", "hostnameport=c.test:%d" % port,
        "certhash=" + c, "appid=" + APPID, check_rc=0)
    check("a later change reloads", wait_for(lambda: reloads() > n, 15),
          log()[-800:])
    expect_eq("the new binding serves", handshake(port, "c.test"), c)
    got = handshake(port, "b.test")
    check("the orphan's endpoint is still refused",
          "UNRECOGNIZED_NAME" in got.upper(), got)

    # A restart with the orphan in the store starts and serves the rest.
    svc.terminate()
    svc.wait(timeout=30)
    start_bg("httpsvc", log=LOG)
    check("httpsvc starts with an orphan binding in the store",
          wait_for(lambda: "ready: listening" in log(), 30), log()[-800:])
    expect_eq("after the restart the others serve",
              (handshake(port, "x.test"), handshake(port, "c.test")), (a, c))
    r = run("httpsvc", "-t")
    check("httpsvc -t still reports the orphan and fails",
          r.returncode != 0 and b in r.stderr + r.stdout, r.stdout, r.stderr)

    # The warning's fix works as written, with a new certificate for it.
    hints = re.findall(r"'(httpcfg update sslcert [^']*)'", log())
    expect_eq("the warning names the whole command that fixes it",
              hints[-1:], ["httpcfg update sslcert hostnameport=b.test:%d "
                           "certhash=THUMBPRINT appid=%s" % (port, APPID)])
    d = newcert("b.test")
    n = reloads()
    r = subprocess.run(["sh", "-c", (hints or ["false"])[-1].replace(
        "THUMBPRINT", d)], capture_output=True, text=True,
        env=dict(os.environ, PATH=BIN + os.pathsep + os.environ["PATH"]))
    check("... and it works as written", r.returncode == 0, r.stdout,
          r.stderr)
    check("... httpsvc reloads", wait_for(lambda: reloads() > n, 15))
    expect_eq("... and b.test is served the new certificate",
              handshake(port, "b.test"), d)
    done_testing()


main()
