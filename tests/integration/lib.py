"""tests/integration/lib.py: the Python side of lib.sh.

Gives a test a fresh state root, TAP output read by tests/run.sh, the path
of the binaries under test, and helpers to run them and pick free ports.
"""
import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("RS_SRC") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("RS_BIN") or os.path.join(SRC, "build", "asan", "bin")
TMP = tempfile.mkdtemp(prefix="rs-it.")
ROOT = os.path.join(TMP, "root")
os.makedirs(ROOT)
os.environ["RS_ROOT"] = ROOT
_n = 0
_failed = 0
_procs = []


def _cleanup():
    for p in _procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in _procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
    shutil.rmtree(TMP, ignore_errors=True)


atexit.register(_cleanup)


def ok(desc):
    global _n
    _n += 1
    print(f"ok {_n} - {desc}", flush=True)


def not_ok(desc, *detail):
    global _n, _failed
    _n += 1
    _failed = 1
    print(f"not ok {_n} - {desc}", flush=True)
    for d in detail:
        for line in str(d).splitlines()[:20]:
            print(f"#   {line}", flush=True)


def check(desc, cond, *detail):
    if cond:
        ok(desc)
    else:
        not_ok(desc, *detail)


def expect_eq(desc, got, want):
    check(desc, got == want, f"got:  {got!r}", f"want: {want!r}")


def run(*args, input=None, check_rc=None):
    """Runs a project binary (name relative to BIN) and returns the result."""
    cmd = [os.path.join(BIN, args[0]), *args[1:]]
    r = subprocess.run(cmd, input=input, capture_output=True, text=True,
                       timeout=120)
    if check_rc is not None and r.returncode != check_rc:
        not_ok(f"{' '.join(args)} exits {check_rc}", r.stdout, r.stderr)
    return r


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_bg(*args, log=None):
    """Starts a daemon from BIN; it is stopped at exit."""
    cmd = [os.path.join(BIN, args[0]), *args[1:]]
    out = open(log or os.path.join(TMP, args[0] + ".log"), "w")
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    _procs.append(p)
    return p


def wait_for(fn, seconds=10):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if fn():
                return True
        except Exception:
            pass
        time.sleep(0.1)
    return False


def stage_for_others(*files):
    """For a test that runs a program as another account (lib.sh has the
    same): the clone may sit in a folder that account cannot enter, so the
    binaries under test are copied to a 0755 folder under /tmp (random
    name, removed at exit) that becomes BIN and comes first on PATH; each
    file given is copied there too.  Returns the folder."""
    global BIN
    stage = tempfile.mkdtemp(prefix="rs-stage.")
    atexit.register(shutil.rmtree, stage, True)
    shutil.copytree(BIN, os.path.join(stage, "bin"))
    for f in files:
        shutil.copy(f, stage)
    for d, _, names in os.walk(stage):
        os.chmod(d, 0o755)
        for n in names:
            p = os.path.join(d, n)
            os.chmod(p, os.stat(p).st_mode | 0o444)
    BIN = os.path.join(stage, "bin")
    os.environ["RS_BIN"] = BIN
    os.environ["PATH"] = BIN + os.pathsep + os.environ.get("PATH", "")
    return stage


# A private mount namespace in which `certstore trust` changes copies of the
# machine's trust store, never the machine's: /usr/local/share/ca-certificates
# and /etc/ssl/certs are bind-mounted copies, update-ca-certificates' hooks
# an empty folder.  A test gives $HOME a folder of its own for the NSS half.
TRUST_NS = r"""
set -e
t=$1; shift
mkdir -p "$t/local" "$t/etc" "$t/hooks"
cp -a /usr/local/share/ca-certificates/. "$t/local/"
cp -a /etc/ssl/certs/. "$t/etc/"
mount --bind "$t/local" /usr/local/share/ca-certificates
mount --bind "$t/etc" /etc/ssl/certs
if [ -d /etc/ca-certificates/update.d ]; then
    mount --bind "$t/hooks" /etc/ca-certificates/update.d
fi
mountpoint -q /etc/ssl/certs
mountpoint -q /usr/local/share/ca-certificates
exec "$@"
"""


def trust_namespace(folder):
    """The command prefix that runs a command in such a namespace (copies in
    folder), or None when mount namespaces are not available."""
    r = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if r.returncode != 0:
        return None
    return ["unshare", "-m", "--propagation", "private", "sh", "-c",
            TRUST_NS, "sh", folder]


def done_testing():
    print(f"1..{_n}", flush=True)
    sys.exit(_failed)
