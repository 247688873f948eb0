#!/usr/bin/env python3
"""bench/subs_mail.py: e-mail deliveries per second (a benchmark, not a test).

A data-driven subscription whose query returns N recipients (10,000 by
default) delivers a small report (one text box, PDF, about 1 KB) to each:
N renders and N SMTP transactions (STARTTLS, AUTH PLAIN, one connection per
message as the original makes) to a local aiosmtpd server that writes every
message to disk.  Prints deliveries per second from Model.Execute to the
last message on disk, the report server's peak memory (VmHWM) and the CPU
it and the SMTP server used.  Runs the release binaries (./bin, make build)
on a temporary root.

usage: bench/subs_mail.py [--count N] [--threads N]
"""
import argparse
import os
import sqlite3
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--count", type=int, default=10000)
ap.add_argument("--threads", type=int, default=2)
args = ap.parse_args()
top = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("RS_BIN", os.path.join(top, "bin"))
os.environ["RS_SRC"] = top
sys.path.insert(0, os.path.join(top, "tests", "integration", "sched",
                                "helpers"))
import schedenv as se  # noqa: E402
from schedenv import lib  # noqa: E402


class BenchEnv(se.SchedEnv):
    def config_text(self):
        return super().config_text().replace(
            "</Configuration>", "<Service><SchedulerThreads>%d"
            "</SchedulerThreads></Service>\n</Configuration>" % args.threads)


def cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")


def hwm(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) // 1024
    return 0


env = BenchEnv()
env.up()
ca, crt, key, _, _ = se.make_ca(lib.TMP)
smtp = se.Smtp("bench")
smtp.start(crt, key)
env.mail_settings(smtp, ca)
env.api("POST", "/Folders", {"Path": "/Bench"})
env.api("POST", "/Reports", {"Path": "/Bench/Small", "Content": se.suite.b64(
    se.suite.mini_rdl("Hello from the report server"))})
rdb = os.path.join(lib.ROOT, "data", "bench.db")
os.makedirs(os.path.dirname(rdb), exist_ok=True)
c = sqlite3.connect(rdb)
c.execute("CREATE TABLE r (addr TEXT)")
c.executemany("INSERT INTO r VALUES (?)", [("u%d@example.com" % i,)
                                          for i in range(args.count)])
c.commit()
c.close()
env.api("POST", "/DataSources", {"Path": "/Bench/Recipients",
                                 "ConnectionString": rdb,
                                 "DataSourceType": "SQLITE"})
body = se.email_sub("/Bench/Small", "addr", "PDF")
body["ExtensionSettings"]["ParameterValues"][0]["IsValueFieldReference"] = \
    True
body["DataQuery"] = {"CommandText": "SELECT addr FROM r",
                     "DataSourcePath": "/Bench/Recipients"}
st, j, t = env.subscribe(body)
if st != 201:
    sys.exit("cannot make the subscription: %s" % t)
cpu0, scpu0 = cpu(env.rs.pid), cpu(smtp.proc.pid)
t0 = time.time()
env.api("POST", "/Subscriptions(%s)/Model.Execute" % j["Id"])
n = 0
while time.time() - t0 < 3600:
    n = len([f for f in os.listdir(smtp.dir) if f.endswith(".eml")])
    if n >= args.count:
        break
    time.sleep(0.5)
dt = time.time() - t0
status = env.api("GET", "/Subscriptions(%s)" % j["Id"])[1]["LastStatus"]
print("deliveries: %d of %d in %.1f s: %.0f deliveries/s" % (
    n, args.count, dt, n / dt))
print("scheduler threads: %d" % args.threads)
print("report server: peak memory (VmHWM) %d MB, CPU %.1f s (%.2f ms per "
      "delivery)" % (hwm(env.rs.pid), cpu(env.rs.pid) - cpu0,
                     1000 * (cpu(env.rs.pid) - cpu0) / max(n, 1)))
print("SMTP server (aiosmtpd): CPU %.1f s" % (cpu(smtp.proc.pid) - scpu0))
print("status: %s" % status)
env.cleanup()
