#!/usr/bin/env python3
"""tests/integration/ops/backup.py: rsconfig database backup and restore.

A running report server (httpsvc over TLS, the sample reports, e-mail
settings with an encrypted SMTP password, two subscriptions) is backed up
three times while clients render and write; no request fails and every
backup is sealed (mode 0600, no secret in the clear).  A wrong password, a
flipped byte, a cut file and a file that is no backup are refused with
their reason and change nothing (a fresh root is not even made).  Restore
is refused while the report server runs.  Restored into a fresh root, the
items, subscriptions, config and key are those of the backup; restored in
place over a catalog changed since and a key deleted since, the server
serves the backup's items again and a subscription delivers by SMTP AUTH
(the restored key decrypts the password).  kill -9 at random moments of a
backup leaves the catalog and the previous backup file as they were.
"""
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "sched",
                                "helpers"))
import schedenv as se  # noqa: E402
from schedenv import lib  # noqa: E402

PW = "backup pass phrase"
env = se.SchedEnv()
env.up()
env.samples()
ca, crt, key, _, _ = se.make_ca(lib.TMP)
smtp = se.Smtp("main")
smtp.start(crt, key)
r = env.mail_settings(smtp, ca)
lib.check("e-mail settings with an SMTP password", r.returncode == 0, r.stderr)
sids = []
for to in ("a@example.com", "b@example.com"):
    st, j, t = env.subscribe(se.email_sub("/Samples/ProductList", to, "CSV"))
    lib.check("subscription for %s" % to, st == 201, st, t[:200])
    sids.append((j or {}).get("Id"))
DB = os.path.join(lib.ROOT, "reportserver", "ReportServer.db")
CFG = os.path.join(lib.ROOT, "reportserver", "rsreportserver.config")
KEY = os.path.join(lib.ROOT, "reportserver", "keys", "symmetric.key")
pwfile = os.path.join(lib.TMP, "pw")
with open(pwfile, "w") as f:
    f.write(PW + "\n")


def rsconfig(*args, root=None):
    return lib.run("rsconfig", "--root", root or lib.ROOT, *args)


def catalog(path):
    c = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    items = sorted(r[0] for r in c.execute("SELECT path FROM items"))
    subs = sorted(r[0] for r in c.execute("SELECT id FROM subscriptions"))
    c.close()
    return items, subs


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def state(root):
    """What a restore must not change: every file under reportserver/."""
    out = {}
    top = os.path.join(root, "reportserver")
    for d, _, files in os.walk(top):
        for n in files:
            p = os.path.join(d, n)
            out[os.path.relpath(p, top)] = digest(p)
    return out


# ---- backups while clients render and write ----
stop = threading.Event()
results = {"ok": 0, "bad": []}


def load(n):
    i = 0
    while not stop.is_set():
        i += 1
        if i % 3 == 0:
            st, _, t = env.api("POST", "/Folders",
                               {"Path": "/Load%d-%d" % (n, i)})
            good = st == 201
        else:
            st, _, t, _ = env.admin("GET", "/ReportServer?/Samples/"
                                    "ProductList&rs:Format=CSV")
            good = st == 200
        if good:
            results["ok"] += 1
        else:
            results["bad"].append((st, t[:100]))


threads = [threading.Thread(target=load, args=(n,)) for n in range(3)]
for t in threads:
    t.start()
time.sleep(0.5)
files = []
for n in range(3):
    f = os.path.join(lib.TMP, "b%d.rsbak" % n)
    r = rsconfig("database", "backup", "--to", f, "--password-file", pwfile)
    lib.check("backup %d while requests run" % n, r.returncode == 0 and
              "backed up the catalog" in r.stdout, r.stdout, r.stderr)
    files.append(f)
    time.sleep(0.3)
stop.set()
for t in threads:
    t.join()
lib.check("no request failed during the backups (%d served)" % results["ok"],
          results["ok"] > 10 and not results["bad"], results["bad"][:5])
B = files[-1]
lib.expect_eq("the backup file is mode 0600", oct(os.stat(B).st_mode & 0o777),
              "0o600")
with open(B, "rb") as f:
    raw = f.read()
lib.check("the backup starts with its header", raw.startswith(
    b"RSBACKUP 1\nCreated: ") and b"\nKDF: scrypt N=32768 r=8 p=1\n" in raw,
    raw[:300])
lib.check("no secret and no catalog text in the clear",
          se.SMTP_PW.encode() not in raw and b"ProductList" not in raw and
          b"<Configuration>" not in raw)
r = rsconfig("--json", "database", "backup", "--to", B + ".json",
             "--password-file", pwfile)
lib.check("backup --json", r.returncode == 0 and '"HRESULT":0' in r.stdout
          and '"EncryptionKey":true' in r.stdout, r.stdout, r.stderr)

# ---- bad files and bad passwords change nothing ----
fresh = os.path.join(lib.TMP, "fresh")
wrong = os.path.join(lib.TMP, "wrong")
with open(wrong, "w") as f:
    f.write("not the pass phrase\n")
flipped = os.path.join(lib.TMP, "flipped.rsbak")
with open(flipped, "wb") as f:
    f.write(raw[:len(raw) // 2] + bytes([raw[len(raw) // 2] ^ 1]) +
            raw[len(raw) // 2 + 1:])
cut = os.path.join(lib.TMP, "cut.rsbak")
with open(cut, "wb") as f:
    f.write(raw[:len(raw) - 1000])
other = os.path.join(lib.TMP, "other.rsbak")
with open(other, "wb") as f:
    f.write(b"SQLite format 3\0" + os.urandom(4000))
for desc, f, pw, want in (
        ("a wrong password", B, wrong, "the password does not open"),
        ("a flipped byte", flipped, pwfile, "its checksum does not match"),
        ("a cut file", cut, pwfile, "is cut short"),
        ("a file that is no backup", other, pwfile,
         "does not start with 'RSBACKUP 1'"),
        ("a missing file", B + ".nope", pwfile, "cannot read the backup")):
    r = rsconfig("database", "restore", "--from", f, "--password-file", pw,
                 root=fresh)
    said = want in r.stderr and ("nothing was changed" in r.stderr or
                                 desc == "a missing file")
    lib.check("restore refuses %s: exit %d, '%s'" % (desc, r.returncode, want),
              r.returncode not in (0, 1) and said, r.stderr)
    lib.check("... and makes nothing (no fresh root)", not os.path.exists(
        fresh))
short = os.path.join(lib.TMP, "short")
with open(short, "w") as f:
    f.write("short\n")
r = rsconfig("database", "backup", "--to", B + ".x", "--password-file", short)
lib.check("a backup password under 8 characters is refused", r.returncode ==
          64 and "at least 8" in r.stderr and not os.path.exists(B + ".x"),
          r.stderr)
r = rsconfig("database", "backup", "--to", os.path.join(lib.TMP, "no", "f"),
             "--password-file", pwfile)
lib.check("a backup into a missing folder says so", r.returncode != 0 and
          "does it exist" in r.stderr, r.stderr)
before = state(lib.ROOT)
r = rsconfig("database", "restore", "--from", B, "--password-file", pwfile)
lib.check("restore is refused while the report server runs",
          r.returncode != 0 and "is running" in r.stderr and
          "rsconfig stop" in r.stderr, r.stderr)
lib.expect_eq("... and changes nothing", state(lib.ROOT) == before, True)

# ---- restore into a fresh root ----
r = rsconfig("database", "restore", "--from", B, "--password-file", pwfile,
             root=fresh)
lib.check("restore into a fresh root", r.returncode == 0 and
          "restored the catalog" in r.stdout, r.stdout, r.stderr)
fdb = os.path.join(fresh, "reportserver", "ReportServer.db")
items_f, subs_f = catalog(fdb)
lib.check("the fresh root has the items (the samples, the load's folders)",
          "/Samples/ProductList" in items_f and "/Samples/Sales" in items_f
          and any(p.startswith("/Load") for p in items_f), items_f[:10])
lib.expect_eq("the fresh root has both subscriptions", subs_f,
              sorted(s for s in sids if s))
with open(KEY, "rb") as a, open(os.path.join(
        fresh, "reportserver", "keys", "symmetric.key"), "rb") as b:
    lib.check("the encryption key is restored (same bytes, 0600)",
              a.read() == b.read() and os.stat(b.name).st_mode & 0o777 ==
              0o600)
fcfg = open(os.path.join(fresh, "reportserver", "rsreportserver.config")
            ).read()
lib.check("the restored config names the fresh root's catalog",
          "<Dsn>%s</Dsn>" % fdb in fcfg and "rsenc:v1:" in fcfg, fcfg[:400])
r = rsconfig("--json", "database", "show", root=fresh)
lib.check("database show on the fresh root: ready, same item count",
          r.returncode == 0 and '"SchemaVersion":' in r.stdout and
          '"Items":%d' % len(items_f) in r.stdout, r.stdout, r.stderr)
r = lib.run("reportserver", "--root", fresh, "-t")
lib.check("reportserver -t accepts the restored root", r.returncode == 0,
          r.stdout, r.stderr)
lib.check("no staging folder is left", not [n for n in os.listdir(
    os.path.join(fresh, "reportserver")) if n.startswith(".restore")])

# ---- restore in place over later changes and a lost key ----
st, _, t = env.api("POST", "/Folders", {"Path": "/AfterBackup"})
lib.check("a folder made after the backup", st == 201, st, t)
env.stop_rs()
os.unlink(KEY)
r = rsconfig("database", "restore", "--from", B, "--password-file", pwfile)
lib.check("restore in place once the report server stopped",
          r.returncode == 0, r.stdout, r.stderr)
env.start_rs()
st, j, _ = env.api("GET", "/Folders(Path='/AfterBackup')")
lib.expect_eq("the folder made after the backup is gone", st, 404)
st, j, _ = env.api("GET", "/Subscriptions")
subs = j.get("value", []) if isinstance(j, dict) else (j or [])
got = sorted(s["Id"] for s in subs)
lib.expect_eq("the subscriptions are served again", got,
              sorted(s for s in sids if s))
n0 = len(smtp.messages())
st, _, t = env.api("POST", "/Subscriptions(%s)/Model.Execute" % sids[0])
ok = lib.wait_for(lambda: len(smtp.messages()) > n0, 40)
lib.check("a subscription delivers with the restored key (SMTP AUTH)", ok,
          st, t, open(env.rs_log).read()[-1500:])

# ---- kill -9 during a backup ----
c = sqlite3.connect(DB)
c.execute("CREATE TABLE IF NOT EXISTS ballast (b BLOB)")
for _ in range(6):
    c.execute("INSERT INTO ballast VALUES (randomblob(4000000))")
c.commit()
c.close()
good = os.path.join(lib.TMP, "good.rsbak")
r = rsconfig("database", "backup", "--to", good, "--password-file", pwfile)
lib.check("a backup of a 24 MB catalog", r.returncode == 0, r.stderr)
t0 = time.time()
r = rsconfig("database", "backup", "--to", good + ".t", "--password-file",
             pwfile)
took = time.time() - t0


def complete(path):
    """A whole backup: its header, and its last line the checksum of the
    rest (what restore checks first)."""
    with open(path, "rb") as f:
        data = f.read()
    return data.startswith(b"RSBACKUP 1\n") and \
        data[-72:-65] == b"SHA256 " and \
        data[-65:-1].decode("ascii", "replace") == \
        hashlib.sha256(data[:-72]).hexdigest()


before_good = digest(good)
killed = 0
torn = []
for n in range(8):
    p = subprocess.Popen([os.path.join(lib.BIN, "rsconfig"), "--root",
                          lib.ROOT, "database",
                          "backup", "--to", good, "--password-file", pwfile],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(0.05, max(0.1, took * 0.9)))
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
        killed += 1
    p.wait()
    now = digest(good)
    # Killed before its rename: the old file; after it: a whole new one.
    if now != before_good and not complete(good):
        torn.append(n)
    before_good = now
lib.check("backups were killed mid-way (%d of 8, a backup takes %.2f s)" %
          (killed, took), killed > 0)
lib.expect_eq("the backup file was always the last complete one", torn, [])
st, _, t, _ = env.admin("GET", "/ReportServer?/Samples/ProductList"
                        "&rs:Format=CSV")
lib.expect_eq("the catalog still serves", st, 200)
c = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
lib.expect_eq("the catalog passes SQLite's integrity check",
              c.execute("PRAGMA integrity_check").fetchone()[0], "ok")
c.close()
again = os.path.join(lib.TMP, "again")
r = rsconfig("database", "restore", "--from", good, "--password-file", pwfile,
             root=again)
lib.check("the backup file left by the kills restores", r.returncode == 0,
          r.stderr)
env.cleanup()
lib.done_testing()
