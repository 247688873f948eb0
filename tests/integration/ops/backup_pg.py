#!/usr/bin/env python3
"""tests/integration/ops/backup_pg.py: backup and restore of a PostgreSQL
catalog (pg_dump's custom format inside the sealed file, pg_restore in one
transaction).

A private PostgreSQL server (Debian's, as suite_postgres.py starts it)
holds the catalog of a running report server.  A backup taken while
clients render and write succeeds with no failed request and names
PostgreSQL in its header; pg_dump gets the connection in PG* variables,
never its password on the command line (a pg_dump first on PATH records
what it was given).  A wrong password is refused and changes nothing;
restore is refused while the server runs; once stopped, a restore in
place takes back a folder made since and keeps the subscription; a
restore from a fresh root puts the same catalog in the database the
backup's config names.
"""
import os
import stat
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "sched", "helpers"))
sys.path.insert(0, os.path.join(HERE, "..", "reportserver"))
import schedenv as se  # noqa: E402
from schedenv import lib  # noqa: E402
import suite_postgres as spg  # noqa: E402

PW = "backup pass phrase"


def rsconfig(*args, root=None, env=None):
    import subprocess
    return subprocess.run([os.path.join(lib.BIN, "rsconfig"), "--root",
                           root or lib.ROOT, *args], capture_output=True,
                          text=True, timeout=120, env=env)


def spy_path():
    """A folder with a pg_dump that records its arguments and PG* variables
    in spy.log, then runs the real one."""
    d = os.path.join(lib.TMP, "spy")
    os.makedirs(d, exist_ok=True)
    real = None
    for p in os.environ.get("PATH", "").split(":"):
        if os.access(os.path.join(p, "pg_dump"), os.X_OK):
            real = os.path.join(p, "pg_dump")
            break
    with open(os.path.join(d, "pg_dump"), "w") as f:
        f.write("#!/bin/sh\nprintf 'argv: %%s\\n' \"$*\" >>%s/spy.log\n"
                "env | grep '^PG' | sed 's/^/env: /' >>%s/spy.log\n"
                "exec %s \"$@\"\n" % (d, d, real))
    os.chmod(os.path.join(d, "pg_dump"), 0o755)
    return d


def run(pg):
    env = se.SchedEnv("PostgreSQL", pg.dsn("reportserver"))
    env.up()
    env.samples()
    ca, crt, key, _, _ = se.make_ca(lib.TMP)
    smtp = se.Smtp("main")
    smtp.start(crt, key)
    env.mail_settings(smtp, ca)
    st, j, t = env.subscribe(se.email_sub("/Samples/ProductList",
                                          "a@example.com", "CSV"))
    lib.check("a subscription", st == 201, st, t[:200])
    sid = (j or {}).get("Id")
    pwfile = os.path.join(lib.TMP, "pw")
    with open(pwfile, "w") as f:
        f.write(PW + "\n")

    stop = threading.Event()
    bad = []

    def load():
        i = 0
        while not stop.is_set():
            i += 1
            st, _, _, _ = env.admin("GET", "/ReportServer?/Samples/"
                                    "ProductList&rs:Format=CSV")
            if st != 200:
                bad.append(st)
    th = threading.Thread(target=load)
    th.start()
    spy = spy_path()
    B = os.path.join(lib.TMP, "pg.rsbak")
    r = rsconfig("database", "backup", "--to", B, "--password-file", pwfile,
                 env=dict(os.environ, PATH=spy + ":" + os.environ["PATH"]))
    stop.set()
    th.join()
    lib.check("backup of the PostgreSQL catalog while requests run",
              r.returncode == 0 and "backed up the catalog" in r.stdout,
              r.stdout, r.stderr)
    lib.expect_eq("no request failed meanwhile", bad, [])
    with open(B, "rb") as f:
        raw = f.read()
    lib.check("the header names PostgreSQL and pg_dump's file",
              b"\nDatabase: PostgreSQL\n" in raw and
              b"ReportServer.db" not in raw[:400] and
              b" catalog.pgdump\n" in raw[:400], raw[:400])
    lib.expect_eq("the file is mode 0600", oct(stat.S_IMODE(os.stat(B)
                                                            .st_mode)), "0o600")
    log = open(os.path.join(spy, "spy.log")).read()
    argv = [ln for ln in log.splitlines() if ln.startswith("argv: ")]
    lib.check("pg_dump ran once, without the password on its command line",
              len(argv) == 1 and pg.pw not in argv[0] and
              "--format=custom" in argv[0], log)
    lib.check("... which it got in PGPASSWORD, with PGHOST and PGDATABASE",
              "env: PGPASSWORD=" + pg.pw in log and
              "env: PGDATABASE=reportserver" in log and
              "env: PGHOST=127.0.0.1" in log, log)

    wrong = os.path.join(lib.TMP, "wrong")
    with open(wrong, "w") as f:
        f.write("not the pass phrase\n")
    st, _, t = env.api("POST", "/Folders", {"Path": "/AfterBackup"})
    lib.check("a folder made after the backup", st == 201, st, t)
    r = rsconfig("database", "restore", "--from", B, "--password-file", pwfile)
    lib.check("restore is refused while the report server runs",
              r.returncode != 0 and "is running" in r.stderr, r.stderr)
    env.stop_rs()
    r = rsconfig("database", "restore", "--from", B, "--password-file", wrong)
    lib.check("a wrong password is refused", r.returncode == 65 and
              "the password does not open" in r.stderr, r.stderr)
    env.start_rs()
    st, _, _ = env.api("GET", "/Folders(Path='/AfterBackup')")
    lib.expect_eq("... and changed nothing (the later folder is there)", st,
                  200)
    env.stop_rs()
    r = rsconfig("database", "restore", "--from", B, "--password-file", pwfile)
    lib.check("restore in place, the report server stopped",
              r.returncode == 0 and "restored the catalog" in r.stdout and
              pg.pw not in r.stdout, r.stdout, r.stderr)
    env.start_rs()
    st, _, _ = env.api("GET", "/Folders(Path='/AfterBackup')")
    lib.expect_eq("the folder made after the backup is gone", st, 404)
    st, j, _ = env.api("GET", "/Subscriptions(%s)" % sid)
    lib.check("the subscription is there", st == 200, st, j)
    st, _, _, _ = env.admin("GET", "/ReportServer?/Samples/ProductList"
                            "&rs:Format=CSV")
    lib.expect_eq("the report renders from the restored catalog", st, 200)
    env.stop_rs()

    fresh = os.path.join(lib.TMP, "fresh")
    r = rsconfig("database", "restore", "--from", B, "--password-file", pwfile,
                 root=fresh)
    lib.check("restore from a fresh root", r.returncode == 0, r.stdout,
              r.stderr)
    r = rsconfig("--json", "database", "show", root=fresh)
    lib.check("the fresh root's config names the PostgreSQL catalog, ready",
              r.returncode == 0 and '"DatabaseType":"PostgreSQL"' in r.stdout
              and '"Exists":true' in r.stdout, r.stdout, r.stderr)
    env.cleanup()


def main():
    pg = spg.Pg()
    if pg.bin is None:
        lib.not_ok("PostgreSQL server binaries are installed")
        lib.done_testing()
    err = pg.start()
    try:
        lib.check("a private PostgreSQL server starts", err is None, err)
        if err is None:
            run(pg)
    finally:
        pg.stop()
    lib.done_testing()


main()
