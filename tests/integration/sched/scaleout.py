#!/usr/bin/env python3
"""tests/integration/sched/scaleout.py: two report servers, one catalog.

A private PostgreSQL server (Debian's, started as in suite_postgres.py)
holds the catalog of two report servers with their own state roots (the
second one without httpsvc: --no-register), both with their schedulers
on, on one test clock.  Six subscriptions on a 15-minute shared schedule,
four runs: the SMTP server gets every event exactly once (24 messages,
24 Message-IDs, 4 per subscription), and both servers did some of the
work.  Then the server holding a delivery is killed with kill -9 in the
middle of its SMTP transaction; once its lease is over the other one
delivers the event, once.  The scheduler's queue unit tests also run on
this PostgreSQL server.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "helpers"))
sys.path.insert(0, os.path.join(HERE, "..", "reportserver"))
import schedenv as se  # noqa: E402
from schedenv import lib  # noqa: E402
import suite_postgres as spg  # noqa: E402


def psql(pg, sql):
    r = spg.as_postgres(os.path.join(pg.bin, "psql"), "-h", pg.dir, "-p",
                        str(pg.port), "-U", "rs", "-d", "reportserver",
                        "-At", "-c", sql)
    return r.stdout.strip()


def unit_on_pg(pg):
    build = os.environ.get("RS_TEST_BUILD") or os.path.dirname(lib.BIN)
    prog = os.path.join(build, "tests", "test_sched")
    env = dict(os.environ, RS_TEST_PG=pg.dsn("unittest"),
               CMOCKA_MESSAGE_OUTPUT="TAP")
    r = subprocess.run([prog], env=env, capture_output=True, text=True,
                       timeout=120)
    out = r.stdout + r.stderr
    lib.check("the scheduler's queue unit tests pass on PostgreSQL",
              r.returncode == 0 and "sched_postgresql" in out, out[-2000:])


def second_server(env, smtp, ca):
    root2 = os.path.join(lib.TMP, "root2")
    os.makedirs(os.path.join(root2, "reportserver"))
    with open(os.path.join(root2, "reportserver", "rsreportserver.config"),
              "w") as f:
        # Reports read the same SQLite files as the first server's.
        f.write(env.config_text().replace(
            "<Add Key=\"SecureConnectionLevel\"", "<Add Key=\"DataSourceRoot"
            "\" Value=\"%s\"/>\n  <Add Key=\"SecureConnectionLevel\"" %
            os.path.join(lib.ROOT, "data"), 1))
    r = lib.run("rsconfig", "--root", root2, "email", "SMTPServer=127.0.0.1",
                "SMTPServerPort=%d" % smtp.port, "SMTPTLSMode=StartTLS",
                "SMTPAuthenticate=1", "From=reports@example.com",
                "SMTPCAFile=" + ca, "--user", se.SMTP_USER,
                "--password-stdin", input=se.SMTP_PW + "\n")
    lib.check("the second server gets its own (encrypted) mail settings",
              r.returncode == 0, r.stderr)
    log = os.path.join(lib.TMP, "reportserver2.log")
    p = lib.start_bg("reportserver", "--root", root2, "--no-register", log=log)
    lib.check("a second report server starts on the same catalog",
              lib.wait_for(lambda: "scheduler started" in open(log).read(),
                           30), open(log).read())
    return p, root2


def main():
    pg = spg.Pg()
    if pg.bin is None:
        lib.not_ok("PostgreSQL server binaries are installed")
        lib.done_testing()
    err = pg.start()
    try:
        lib.check("a private PostgreSQL server starts", err is None, err)
        if err is None:
            unit_on_pg(pg)
            run(pg)
    finally:
        pg.stop()
    lib.done_testing()


def run(pg):
    env = se.SchedEnv("PostgreSQL", pg.dsn("reportserver"))
    env.up()
    env.samples()
    ca, crt, key, _, _ = se.make_ca(lib.TMP)
    smtp = se.Smtp("main")
    smtp.start(crt, key)
    env.mail_settings(smtp, ca)
    b, root2 = second_server(env, smtp, ca)
    st, j, t = env.api("POST", "/Schedules", {
        "Name": "Quarter hour", "Definition": {
            "StartDateTime": "2026-06-01T08:15:00Z", "TimeZone": "UTC",
            "Recurrence": {"MinuteRecurrence": {"MinutesInterval": 15}}}})
    shid = (j or {}).get("Id")
    subs = []
    for i in range(6):
        st, j, t = env.subscribe(se.email_sub(
            "/Samples/ProductList", "u%d@example.com" % i, "CSV",
            schedule={"ScheduleID": shid}))
        subs.append((j or {}).get("Id"))
    lib.check("six subscriptions on one shared schedule", all(subs) and
              st == 201, t[:300])
    for k in range(1, 5):
        env.set_clock(se.T0 + 900 * k)
        lib.wait_for(lambda: len(smtp.messages()) >= 6 * k, 40)
    time.sleep(2)
    msgs = smtp.messages()
    ids = {m["Message-ID"] for m in msgs}
    per = {}
    for m in msgs:
        per[m["To"]] = per.get(m["To"], 0) + 1
    lib.check("each event delivered exactly once: 24 messages, 24 "
              "Message-IDs, 4 per subscription", len(msgs) == 24 and
              len(ids) == 24 and set(per.values()) == {4}, len(msgs),
              len(ids), per)
    owners = psql(pg, "SELECT count(DISTINCT owner) FROM jobs WHERE "
                  "state = 2").strip()
    lib.check("both servers ran some of the jobs", owners == "2", owners)

    # kill -9 whoever holds a delivery; the other finishes it after the
    # lease.
    smtp.clear()
    open(os.path.join(smtp.dir, "stall"), "w").close()
    env.api("POST", "/Subscriptions(%s)/Model.Execute" % subs[0])
    lib.wait_for(lambda: os.path.exists(os.path.join(smtp.dir, "stalled")),
                 30)
    holder = psql(pg, "SELECT owner FROM jobs WHERE state = 1")
    victim = b if holder.endswith(root2) else env.rs
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    os.unlink(os.path.join(smtp.dir, "stall"))
    time.sleep(1)
    lib.expect_eq("the holder was killed mid-transaction: nothing delivered",
                  len(smtp.messages()), 0)
    env.set_clock(env.now + 301)		# the lease (300 s) is over
    ok = lib.wait_for(lambda: len(smtp.messages()) == 1, 40)
    time.sleep(1.5)
    lib.check("the other server delivers the event once after the lease "
              "(holder was %s)" % ("the second" if victim is b else
                                   "the first"), ok and
              len(smtp.messages()) == 1, len(smtp.messages()))
    if victim is env.rs:
        env.start_rs()
    env.cleanup()
    shutil.rmtree(root2, ignore_errors=True)


main()
