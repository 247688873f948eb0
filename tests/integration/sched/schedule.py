#!/usr/bin/env python3
"""tests/integration/sched/schedule.py: schedules on a clock the test sets.

No waiting for real time: the report server reads its scheduler's clock
from a file (RS_SCHED_CLOCK) and the test moves it.  A shared schedule
(REST /Schedules, weekly in Europe/Berlin) fires a subscription at its
times and only then, once per time; paused it does not fire; a server
that was down when a run was due delivers that run once when it comes
back (not once per missed time); daylight saving moves neither the
number nor the wall-clock time of a daily run; and a server killed with
kill -9 in the middle of an SMTP transaction delivers that event exactly
once after its restart, with the same Message-ID.
"""
import calendar
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "helpers"))
import schedenv as se  # noqa: E402
from schedenv import lib  # noqa: E402

env = se.SchedEnv()
env.up()
env.samples()
ca, crt, key, _, _ = se.make_ca(lib.TMP)
smtp = se.Smtp("main")
smtp.start(crt, key)
env.mail_settings(smtp, ca)

# A shared schedule: Mondays and Wednesdays at 08:00 in Berlin (06:00Z).
st, j, t = env.api("POST", "/Schedules", {
    "Name": "Mon+Wed 8am", "Definition": {
        "StartDateTime": "2026-06-01T08:00:00", "TimeZone": "Europe/Berlin",
        "Recurrence": {"WeeklyRecurrence": {
            "WeeksInterval": 1, "DaysOfWeek": {"Monday": True,
                                               "Wednesday": True}}}}})
lib.check("POST /Schedules makes a shared schedule (201)", st == 201 and
          j["Definition"]["Recurrence"]["WeeklyRecurrence"]["DaysOfWeek"][
              "Wednesday"] is True and j["State"] == "Ready", st, t[:400])
shid = (j or {}).get("Id")
# The clock is 2026-06-01T08:00Z, past this Monday's 06:00Z.
lib.expect_eq("its next run is Wednesday 08:00 Berlin",
              (j or {}).get("NextRunTime"), "2026-06-03T06:00:00Z")
st, j, t = env.api("POST", "/Schedules", {"Name": "mon+wed 8AM",
                                          "Definition": {
                                              "StartDateTime":
                                              "2026-06-01T08:00:00Z"}})
lib.check("a second shared schedule of the same name: 409", st == 409, st,
          t)
st, j, _ = env.api("GET", "/Schedules")
lib.check("GET /Schedules lists it", st == 200 and [s["Name"] for s in
                                                   j["value"]] ==
          ["Mon+Wed 8am"], j)
st, j, t = env.subscribe(se.email_sub("/Samples/ProductList",
                                      "gina@example.com", "CSV",
                                      schedule={"ScheduleID": shid}))
sid = (j or {}).get("Id")
lib.check("a subscription on the shared schedule", st == 201 and
          j["Schedule"]["ScheduleID"] == shid, st, t[:300])


def settle():
    time.sleep(0.6)	# six polls of the test clock


def count():
    return len(smtp.messages())


env.set_clock(se.T0 + 86400)		# Tuesday
settle()
lib.expect_eq("nothing before its time", count(), 0)
env.set_clock(1780466400)		# Wednesday 06:00:00Z
ok = lib.wait_for(lambda: count() == 1, 20)
lib.check("at its time it runs: one message", ok, count())
env.set_clock(1780466400 + 60)
settle()
lib.expect_eq("once per time, not once per poll", count(), 1)
st, j, _ = env.api("GET", "/Schedules(%s)" % shid)
lib.check("NextRunTime moves to Monday, LastRunTime is Wednesday",
          j["NextRunTime"] == "2026-06-08T06:00:00Z" and j["LastRunTime"] ==
          "2026-06-03T06:00:00Z", j)

# Paused, it does not run; resumed, it runs at its next time.
st, _, _ = env.api("POST", "/Schedules(%s)/Model.Pause" % shid)
lib.expect_eq("Model.Pause: 204", st, 204)
env.set_clock(1780898400 + 10)		# Monday 8 June 06:00:10Z
settle()
lib.expect_eq("a paused schedule does not run", count(), 1)
st, _, _ = env.api("POST", "/Schedules(%s)/Model.Resume" % shid)
st, j, _ = env.api("GET", "/Schedules(%s)" % shid)
lib.check("resumed, it runs next on Wednesday (no catching up)",
          j["State"] == "Ready" and j["NextRunTime"] ==
          "2026-06-10T06:00:00Z", j)

# Down while runs were due: one run when it is back.
env.stop_rs()
lib.expect_eq("the report server, scheduler and all, stops cleanly on "
              "SIGTERM", env.rs.returncode, 0)
env.set_clock(1781762400 + 5)		# Thursday 18 June: 3 runs missed
env.start_rs()
ok = lib.wait_for(lambda: count() == 2, 30)
settle()
lib.check("a server that was down delivers the missed run once on return",
          ok and count() == 2, count())
st, j, _ = env.api("GET", "/Schedules(%s)" % shid)
lib.expect_eq("... and the next run is the next time from now",
              j["NextRunTime"], "2026-06-22T06:00:00Z")

# Daylight saving: a daily 02:30 run in Berlin around 29 March 2026.
env.set_clock(1774569600)		# 2026-03-27T00:00Z
st, j, t = env.api("POST", "/Schedules", {
    "Name": "Daily 2:30", "Definition": {
        "StartDateTime": "2026-03-27T02:30:00", "TimeZone": "Europe/Berlin",
        "Recurrence": {"DailyRecurrence": {"DaysInterval": 1}}}})
dst = (j or {}).get("Id")
runs = []
for _ in range(4):
    st, j, _ = env.api("GET", "/Schedules(%s)" % dst)
    runs.append(j["NextRunTime"])
    env.set_clock(calendar.timegm(time.strptime(j["NextRunTime"],
                                                "%Y-%m-%dT%H:%M:%SZ")))
    lib.wait_for(lambda: env.api("GET", "/Schedules(%s)" % dst)[1][
        "NextRunTime"] != runs[-1], 10)
lib.expect_eq("a daily 02:30 run across the spring change: the 29th runs "
              "at 03:00 CEST, none skipped or doubled", runs,
              ["2026-03-27T01:30:00Z", "2026-03-28T01:30:00Z",
               "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"])

# kill -9 in the middle of the SMTP transaction (the shared schedule
# paused first, so only the run asked for delivers).
env.api("POST", "/Schedules(%s)/Model.Pause" % shid)
env.set_clock(se.T0 + 30 * 86400)
settle()
smtp.clear()
open(os.path.join(smtp.dir, "stall"), "w").close()
env.api("POST", "/Subscriptions(%s)/Model.Execute" % sid)
ok = lib.wait_for(lambda: os.path.exists(os.path.join(smtp.dir,
                                                      "stalled")), 30)
lib.check("the delivery is in the middle of its SMTP transaction", ok)
env.rs.send_signal(signal.SIGKILL)
env.rs.wait(timeout=10)
os.unlink(os.path.join(smtp.dir, "stall"))
settle()
lib.expect_eq("killed with -9: nothing was delivered", count(), 0)
env.start_rs()
ok = lib.wait_for(lambda: count() == 1, 30)
time.sleep(1.5)
lib.check("after the restart the event is delivered exactly once", ok and
          count() == 1, count())
st, j, _ = env.api("GET", "/Subscriptions(%s)" % sid)
lib.check("... and its status says so", j["LastStatus"].startswith(
    "Mail sent to gina@example.com"), j["LastStatus"])
lib.check("the restart log says the interrupted job runs again",
          "interrupted by a restart run again" in open(env.rs_log).read())
env.cleanup()
lib.done_testing()
