"""tests/integration/demo/makerun.py: `make run` as a user at a terminal.

Runs `make run` on a pseudo-terminal (make is the terminal's foreground
process group, as when typed at a shell) with a fresh demo root
(RS_DEMO_ROOT), free ports, fresh accounts for the report server and
httpsvc, and RS_ROOT=/nonexistent (the demo must not use it).  Checks that
the banner is the last thing printed (no build lines, no access log), that
it names the password file, the trust line and the logs, that / redirects
to the portal and the portal and web service answer over TLS with the
admin's password; then sends Ctrl-C and checks that make ends with status
0, prints no warning, and that nothing it started keeps running.
"""
import os
import pty
import pwd
import re
import select
import shlex
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import lib  # noqa: E402

BANNER_END = "Ctrl-C stops everything."


def read_until(fd, out, pred, seconds):
    end = time.time() + seconds
    while time.time() < end and not pred(out):
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            continue
        try:
            d = os.read(fd, 65536)
        except OSError:
            break
        if not d:
            break
        out += d.decode(errors="replace").replace("\r\n", "\n")
    return out


def curl(*args):
    r = subprocess.run(["curl", "-s", "--max-time", "20", *args],
                       capture_output=True, text=True)
    return r.stdout


def ours(root):
    """Pids of processes on this demo root: --root ROOT or RS_ROOT=ROOT."""
    found = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            cmd = open(f"/proc/{p}/cmdline", "rb").read().split(b"\0")
            env = open(f"/proc/{p}/environ", "rb").read().split(b"\0")
        except OSError:
            continue
        r = root.encode()
        if b"RS_ROOT=" + r in env or any(
                cmd[i] == b"--root" and cmd[i + 1] == r
                for i in range(len(cmd) - 1)):
            found.append((p, b" ".join(cmd).decode(errors="replace")))
    return found


def port_free(port):
    s = socket.socket(socket.AF_INET6)
    try:
        s.bind(("::", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


# A clone in a folder the accounts cannot enter (root's home is 0700): the
# clone bind-mounted below a 0700 folder, in a private mount namespace.
CLOSED = r"""
set -e
mkdir -m 0700 "$1"
mkdir "$1/src"
mount --bind "$2" "$1/src"
cd "$1/src"
exec make run
"""


def main():
    if os.geteuid() != 0:
        lib.ok("# SKIP make run creates system users (root)")
        lib.done_testing()
    if not os.path.exists(os.path.join(lib.SRC, "bin", "reportserver")):
        lib.ok("# SKIP no release build in bin/ (make test builds it)")
        lib.done_testing()
    os.chmod(lib.TMP, 0o711)
    demo("demo", False)
    if subprocess.run(["unshare", "-m", "true"]).returncode == 0:
        demo("closed", True)
    else:
        lib.ok("# SKIP a closed clone needs a mount namespace (unshare -m)")
    lib.done_testing()


def demo(name, closed):
    """make run with a fresh demo root and accounts; closed: from a clone
    the accounts cannot enter."""
    root = os.path.join(lib.TMP, name)
    tag = os.urandom(3).hex()
    acct, hacct = "rsdm" + tag, "rsdh" + tag
    port, hport = lib.free_port(), lib.free_port()
    while hport == port:
        hport = lib.free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(RS_DEMO_ROOT=root, RS_DEMO_PORT=str(port),
               RS_DEMO_HTTP_PORT=str(hport), RS_DEMO_ACCOUNT=acct,
               RS_DEMO_HTTP_USER=hacct, RS_ROOT="/nonexistent", TERM="dumb")
    pid, fd = pty.fork()
    if pid == 0:
        if closed:
            os.execvpe("unshare", [
                "unshare", "-m", "--propagation", "private", "sh", "-c",
                CLOSED, "sh", os.path.join(lib.TMP, "closed-clone"),
                lib.SRC], env)
        os.chdir(lib.SRC)
        os.execvpe("make", ["make", "run"], env)
    try:
        run(fd, pid, root, port, hport,
            ("closed clone: " if closed else ""), acct if closed else None)
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        for p, _ in ours(root):
            os.kill(int(p), signal.SIGTERM)
        for u in (acct, hacct):
            subprocess.run(["userdel", "-f", u], capture_output=True)
            subprocess.run(["groupdel", u], capture_output=True)


# In a private mount namespace with copies of the trust store (lib.py):
# before, after the banner's trust command, and after its --remove.
TRY = r"""
url=$1; shift
probe() { curl -s -o /dev/null --max-time 20 -w "$1 %{http_code}\n" "$url"; }
probe before
"$@" >"$HOME/trust.out" 2>&1 || echo "trust failed: $?"
probe after
certutil -L -d "sql:$HOME/.pki/nssdb" | grep -c ' C,, *$' | sed 's/^/nss: /'
"$@" --remove >>"$HOME/trust.out" 2>&1 || echo "remove failed: $?"
probe removed
"""


def trust_line(out, root, port, pre):
    """The banner's "Trust it:" is the exact certstore trust command for
    the demo's CA, and it works: curl (no --cacert) trusts the demo after
    it, and a browser's NSS database holds the CA as a CA (C,,)."""
    m = re.search(r"Trust it: +(.*?) \(system store", out)
    ca = open(os.path.join(root, "demo-ca.thumbprint")).read().strip()
    cmd = shlex.split(m.group(1)) if m else []
    lib.check(pre + "the trust line is 'certstore --root ROOT trust CA' "
              "for the "
              "demo's CA", len(cmd) == 5 and cmd[0].endswith("/certstore")
              and os.access(cmd[0], os.X_OK)
              and cmd[1:] == ["--root", root, "trust", ca],
              m.group(0) if m else out[-1500:], f"CA {ca}")
    ns = lib.trust_namespace(os.path.join(root + ".ns"))
    if ns is None or len(cmd) != 5:
        lib.ok(pre + "# SKIP running the trust line needs unshare -m")
        return
    home = root + ".home"
    os.makedirs(home, exist_ok=True)
    r = subprocess.run(ns + ["bash", "-c", TRY, "bash",
                             f"https://localhost:{port}/ReportServer"] + cmd,
                       env=dict(os.environ, HOME=home), capture_output=True,
                       text=True, timeout=180)
    said = open(os.path.join(home, "trust.out")).read() if os.path.exists(
        os.path.join(home, "trust.out")) else ""
    lib.expect_eq(pre + "before it, curl refuses the demo's certificate",
                  re.findall(r"^before \d+$", r.stdout, re.M), ["before 000"])
    lib.expect_eq(pre + "after the banner's trust command, curl with no "
                  "--cacert "
                  "trusts it", re.findall(r"^after \d+$", r.stdout, re.M),
                  ["after 401"])
    lib.expect_eq(pre + "... and the NSS database holds the CA as a CA (C,,)",
                  re.findall(r"^nss: \d+$", r.stdout, re.M), ["nss: 1"])
    lib.expect_eq(pre + "... and its --remove takes it out",
                  re.findall(r"^removed \d+$", r.stdout, re.M),
                  ["removed 000"])
    lib.check(pre + "the trust command and its --remove exit 0",
              "failed:" not in r.stdout and "removed" in r.stdout,
              r.stdout, r.stderr, said)


def run(fd, pid, root, port, hport, pre, closed_acct):
    t0 = time.time()
    out = read_until(fd, "", lambda o: BANNER_END in o, 300)
    up = time.time() - t0
    lib.check(pre + f"the banner comes ({up:.0f} s)", BANNER_END in out,
              out[-3000:])
    if BANNER_END not in out:
        return
    out = read_until(fd, out, lambda o: False, 1.5)    # anything after it?
    lib.check(pre + "the banner is the last thing printed",
              out.rstrip().endswith(BANNER_END), out[-1500:])
    lib.check(pre + "no build lines, no access log, no make chatter",
              not re.search(r"^(cc |gcc |make\[)|access:", out, re.M), out)
    pwfile = os.path.join(root, "admin.password")
    lib.check(pre + "it names the password file",
              f"password in {pwfile}" in out,
              out[-1500:])
    lib.check(pre + "it says how to trust the certificate",
              re.search(r"Trust it: +\S", out), out[-1500:])
    trust_line(out, root, port, pre)
    lib.check(pre + "it names the log files", f"{root}/log/httpsvc.log" in out,
              out[-1500:])
    ca = os.path.join(root, "demo-root.crt")
    pw = open(pwfile).read().strip()
    base = f"https://localhost:{port}"
    got = curl("--cacert", ca, "-o", "/dev/null",
               "-w", "%{http_code} %{redirect_url}", base + "/")
    lib.expect_eq(pre + "/ redirects to the portal", got,
                  f"302 {base}/Reports/")
    host = socket.gethostname()
    got = curl("--cacert", ca, "--resolve", f"{host}:{port}:127.0.0.1",
               "-o", "/dev/null", "-w", "%{http_code}",
               f"https://{host}:{port}/ReportServer")
    lib.expect_eq(pre + f"the certificate the demo CA issued names this "
                  f"machine ({host}) too", got, "401")
    issuer = subprocess.run(
        ["openssl", "x509", "-noout", "-issuer", "-in",
         os.path.join(root, "certstore", "My", open(os.path.join(
             root, "demo.thumbprint")).read().strip() + ".crt")],
        capture_output=True, text=True).stdout.strip()
    lib.expect_eq(pre + "... and is the demo CA's (in My, bound)", issuer,
                  "issuer=CN = Report Server demo CA")
    got = curl("--cacert", ca, "-L", "-u", f"admin:{pw}", "-o", "/dev/null",
               "-w", "%{http_code} %{url_effective}", base + "/")
    got = re.sub(r"//[^/@]*@", "//", got)     # curl shows the user:password
    lib.expect_eq(pre + "... which opens for admin", got,
                  f"200 {base}/Reports/browse/")
    got = curl("--cacert", ca, "-u", f"admin:{pw}", "-o", "/dev/null",
               "-w", "%{http_code}", base + "/ReportServer")
    lib.expect_eq(pre + "the web service answers admin over TLS", got, "200")
    got = curl("-o", "/dev/null", "-w", "%{http_code}",
               f"http://localhost:{hport}/ReportServer")
    lib.expect_eq(pre + "plain HTTP refuses (SecureConnectionLevel 1)", got,
                  "403")
    log = open(os.path.join(root, "log", "httpsvc.log")).read()
    lib.check(pre + "the access log went to its file", "access:" in log)
    lib.check(pre + "the demo's processes run", len(ours(root)) >= 3,
              *[c for _, c in ours(root)])

    if closed_acct:
        lib.check(pre + "make run says the clone is closed and runs a copy",
                  f"the binaries run from a copy in {root}/bin" in out,
                  out[-2500:])
        users = [open(f"/proc/{p}/status").read().split("Uid:")[1].split()[0]
                 for p, c in ours(root) if "--pam-fd" in c]
        lib.expect_eq(pre + "... and the report server runs as its account",
                      users, [str(pwd.getpwnam(closed_acct).pw_uid)])
    mark = len(out)
    os.write(fd, b"\x03")
    out = read_until(fd, out, lambda o: False, 30)     # until make exits
    _, status = os.waitpid(pid, 0)
    tail = out[mark:]
    lib.expect_eq(pre + "Ctrl-C: make ends with status 0",
                  os.waitstatus_to_exitcode(status), 0)
    lib.check(pre + "... without a warning or an Interrupt",
              not re.search(r"(?i)warning|interrupt|error|terminated", tail),
              tail)
    lib.check(pre + "... saying it stopped", "==> stopped" in tail, tail)
    left = ours(root)
    lib.check(pre + "nothing it started keeps running", not left,
              *[f"{p} {c}" for p, c in left])
    lib.check(pre + "its ports are free again", port_free(port) and
              port_free(hport))


if __name__ == "__main__":
    main()
