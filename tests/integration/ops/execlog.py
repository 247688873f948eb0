#!/usr/bin/env python3
"""tests/integration/ops/execlog.py: ExecutionLogDaysKept.

The scheduler trims the execution log hourly (and at start) to the days
ExecutionLogDaysKept keeps, 60 by default as in the original, 0 keeping
everything; the server's clock is the test clock (RS_SCHED_CLOCK at
2026-06-01).  Rows 61 days old go and 59 days old stay; with 10 the 59
days old row goes too, with 0 nothing goes; a value that is not a number
stops 'reportserver -t' with the line that is wrong.  SOAP's
GetSystemProperties answers the value in force.
"""
import os
import re
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "sched",
                                "helpers"))
import schedenv as se  # noqa: E402
from schedenv import lib  # noqa: E402

DAY_MS = 86400 * 1000
env = se.SchedEnv()
env.up()
DB = os.path.join(lib.ROOT, "reportserver", "ReportServer.db")


def add_rows(*days_old):
    c = sqlite3.connect(DB)
    for d in days_old:
        t = se.T0 * 1000 - d * DAY_MS
        c.execute("INSERT INTO execution_log (instance_name, item_path, "
                  "user_name, request_type, item_action, time_start, "
                  "time_end, status) VALUES ('test', '/Old/%d', 'admin', "
                  "'Interactive', 'Render', ?, ?, 'rsSuccess')" % d, (t, t))
    c.commit()
    c.close()


def paths():
    c = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    p = sorted(r[0] for r in c.execute(
        "SELECT item_path FROM execution_log WHERE item_path LIKE '/Old/%'"))
    c.close()
    return p


def days_kept(value):
    path = env.config_path()
    text = open(path).read()
    text = re.sub(r'\s*<Add Key="ExecutionLogDaysKept"[^>]*/>', "", text)
    if value is not None:
        text = text.replace("<URLReservations>", '<Add Key="ExecutionLog'
                            'DaysKept" Value="%s"/>\n  <URLReservations>' %
                            value, 1)
    with open(path, "w") as f:
        f.write(text)


NS = "http://schemas.microsoft.com/sqlserver/reporting/2010/03/01/" \
    "ReportServer"


def soap_days():
    body = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">'
            '<s:Body><GetSystemProperties xmlns="%s"><Properties><Property>'
            '<Name>ExecutionLogDaysKept</Name></Property></Properties>'
            '</GetSystemProperties></s:Body></s:Envelope>' % NS)
    st, _, text, _ = env.admin(
        "POST", "/ReportServer/ReportService2010.asmx", body,
        headers={"Content-Type": "text/xml; charset=utf-8",
                 "SOAPAction": '"%s/GetSystemProperties"' % NS})
    m = re.search(r"<Name>ExecutionLogDaysKept</Name>\s*<Value>([^<]*)"
                  r"</Value>", text)
    return m.group(1) if st == 200 and m else "HTTP %d %s" % (st, text[:300])


env.stop_rs()
add_rows(61, 59)
env.start_rs()
ok = lib.wait_for(lambda: paths() == ["/Old/59"], 20)
lib.check("by default (60 days) the 61 days old row goes, 59 stays", ok,
          paths())
lib.check("the report server says so in its log", "execution log row(s) "
          "older than 60 days removed" in open(env.rs_log).read())
lib.expect_eq("GetSystemProperties: ExecutionLogDaysKept 60", soap_days(),
              "60")

env.stop_rs()
days_kept(0)
add_rows(61)
env.start_rs()
time.sleep(2)
lib.expect_eq("ExecutionLogDaysKept 0 keeps every row", paths(),
              ["/Old/59", "/Old/61"])

env.stop_rs()
days_kept(10)
env.start_rs()
ok = lib.wait_for(lambda: paths() == [], 20)
lib.check("ExecutionLogDaysKept 10: the 59 and 61 days old rows go", ok,
          paths())
lib.expect_eq("GetSystemProperties: ExecutionLogDaysKept 10", soap_days(),
              "10")

days_kept("sixty")
r = lib.run("reportserver", "-t")
lib.check("a value that is not a number stops reportserver -t, naming it",
          r.returncode != 0 and "sixty" in r.stdout + r.stderr,
          r.stdout, r.stderr)
days_kept(None)
env.cleanup()
lib.done_testing()
