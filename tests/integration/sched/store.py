#!/usr/bin/env python3
"""tests/integration/sched/store.py: execution snapshots, history, cache.

What a snapshot stores is the data the report's queries returned, not a
rendered format: after a snapshot is taken the database is changed under
it, and the report still renders (CSV, PDF, by URL access and by a
subscription) from the snapshot, with no data retrieval, Source Snapshot
in the execution log.  History snapshots are added, listed, rendered by
rs:Snapshot and trimmed to their limit; a SnapshotUpdated subscription
runs when a new snapshot is taken.  Execution caching: a NULL delivery
pre-loads the cache, the next render is served from it (Source Cache),
and after its minutes (on the test clock) the report runs live again; a
cache refresh plan (REST CacheRefreshPlans) runs on its schedule.
"""
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "helpers"))
import schedenv as se  # noqa: E402
from schedenv import lib  # noqa: E402

env = se.SchedEnv()
env.up()
db = env.samples()
ca, crt, key, _, _ = se.make_ca(lib.TMP)
smtp = se.Smtp("main")
smtp.start(crt, key)
env.mail_settings(smtp, ca)
R = "/Reports(Path='/Samples/ProductList')"


def rename(name):
    c = sqlite3.connect(db)
    c.execute("UPDATE Product SET Name = ? WHERE ProductID = 1", (name,))
    c.commit()
    c.close()


def csv():
    st, h, text, _ = env.admin("GET", "/ReportServer?/Samples/ProductList"
                               "&rs:Format=CSV")
    return text if st == 200 else "HTTP %d %s" % (st, text[:200])


def last_log():
    st, j, _ = env.api("GET", "/ExecutionLogs?$top=1")
    return j["value"][0] if st == 200 and j["value"] else {}


def wait_until(fn, seconds=30):
    return lib.wait_for(fn, seconds)


first = csv()
lib.check("the report renders live first", "1,Road Bike," in first,
          first[:200])

# ---- execution snapshot ----
st, _, t = env.api("PUT", R + "/CacheOptions", {
    "ExecutionType": "Snapshot", "Expiration": {"Schedule": {"Definition": {
        "StartDateTime": "2026-06-02T06:00:00Z", "TimeZone": "UTC",
        "Recurrence": {"DailyRecurrence": {"DaysInterval": 1}}}}}})
lib.expect_eq("PUT CacheOptions ExecutionType Snapshot: 204", st, 204)
st, j, _ = env.api("GET", R + "/CacheOptions")
lib.check("GET CacheOptions says so, with its schedule", st == 200 and
          j["ExecutionType"] == "Snapshot" and j["Expiration"]["Schedule"][
              "Definition"]["Recurrence"] == {"DailyRecurrence": {
                  "DaysInterval": 1}}, j)
ev = se.email_sub("/Samples/ProductList", "snap@example.com", "CSV")
ev["EventType"] = "SnapshotUpdated"
del ev["Schedule"]
st, j, t = env.subscribe(ev)
lib.check("a SnapshotUpdated subscription", st == 201, st, t[:300])
st, j, _ = env.api("POST", R + "/Model.UpdateCacheSnapshot")
lib.check("Model.UpdateCacheSnapshot: 200 {value: true}", st == 200 and
          j == {"value": True}, st, j)
ok = wait_until(lambda: len(smtp.messages()) == 1)
lib.check("the new snapshot triggers the SnapshotUpdated subscription", ok,
          len(smtp.messages()))
rename("Changed Bike")
text = csv()
lib.check("the database changed; the report still renders the snapshot's "
          "data", "1,Road Bike," in text and "Changed Bike" not in text,
          text[:200])
x = last_log()
lib.check("... from the snapshot: Source Snapshot, no data retrieval",
          x.get("Source") == "Snapshot" and x.get("TimeDataRetrieval") == 0,
          x)
st, h, _, raw = env.admin("GET", "/ReportServer?/Samples/ProductList"
                          "&rs:Format=PDF")
x = last_log()
lib.check("another format from the same snapshot, still no query",
          st == 200 and raw[:5] == b"%PDF-" and x.get("Source") ==
          "Snapshot" and x.get("Format") == "PDF", st, x)
env.set_clock(1780380000 + 5)		# 2026-06-02T06:00:05Z: refreshed
ok = wait_until(lambda: "Changed Bike" in csv())
lib.check("on its schedule the snapshot is refreshed from the database", ok)
lib.check("... and the subscription ran again", wait_until(
    lambda: len(smtp.messages()) == 2), len(smtp.messages()))

# ---- history ----
st, j, _ = env.api("PUT", R + "/HistorySnapshotOptions", {
    "HistorySnapshotsOptions": {"ManualCreationEnabled": True,
                                "UseDefaultSystemLimit": False,
                                "ScopedLimit": 2}})
lib.expect_eq("PUT HistorySnapshotOptions (limit 2): 200", st, 200)
times = []
for i, name in enumerate(("Bike One", "Bike Two", "Bike Three")):
    rename(name)
    env.set_clock(env.now + 60)
    st, j, _ = env.api("POST", R + "/HistorySnapshots")
    lib.check("POST HistorySnapshots (%s): true" % name, st == 200 and
              j is True, st, j)
    wait_until(lambda: len(env.api("GET", R + "/HistorySnapshots")[1]) >=
               min(i + 1, 2) and any(
                   h["CreationDate"].endswith(time.strftime(
                       "%H:%M:%SZ", time.gmtime(env.now))) for h in
                   env.api("GET", R + "/HistorySnapshots")[1]))
st, hist, _ = env.api("GET", R + "/HistorySnapshots")
lib.check("the history keeps its limit: the newest two", st == 200 and
          len(hist) == 2, hist)
if hist and len(hist) == 2:
    old = hist[1]["HistoryId"]
    st, h, text, _ = env.admin("GET", "/ReportServer?/Samples/ProductList"
                               "&rs:Format=CSV&rs:Snapshot=" + old)
    lib.check("a history snapshot renders by rs:Snapshot, with its data",
              st == 200 and "Bike Two" in text, st, text[:200])
    x = last_log()
    lib.expect_eq("... Source History in the execution log",
                  x.get("Source"), "History")
    st, h, text, _ = env.admin("GET", "/ReportServer?/Samples/ProductList"
                               "&rs:Format=CSV&rs:Snapshot="
                               "2001-01-01T00:00:00Z")
    lib.check("a history snapshot that does not exist: 404", st == 404 and
              "history snapshot" in text, st, text[:300])
    st, j, _ = env.api("DELETE", R + "/HistorySnapshots('%s')" % old)
    lib.check("DELETE one history snapshot", st == 200 and len(env.api(
        "GET", R + "/HistorySnapshots")[1]) == 1, st, j)

# ---- cache ----
st, _, _ = env.api("PUT", R + "/CacheOptions", {
    "ExecutionType": "Cache", "Expiration": {"Minutes": 30}})
lib.expect_eq("PUT CacheOptions Cache, 30 minutes: 204", st, 204)
rename("Cached Bike")
st, j, _ = env.subscribe({"Report": "/Samples/ProductList",
                          "DeliveryExtension": "NULL",
                          "ExtensionSettings": {"Extension": "NULL",
                                                "ParameterValues": []},
                          "Schedule": {"Definition": {
                              "StartDateTime": "2027-01-01T00:00:00Z"}}})
nid = j["Id"]
env.api("POST", "/Subscriptions(%s)/Model.Execute" % nid)
env.wait_status(nid, lambda s: s.startswith("Done"))
rename("Fresh Bike")
text = csv()
x = last_log()
lib.check("the NULL delivery pre-loaded the cache: the render is served "
          "from it", "Cached Bike" in text and x.get("Source") == "Cache",
          text[:200], x)
env.set_clock(env.now + 31 * 60)
text = csv()
lib.check("after 30 minutes the cache has expired: live data again",
          "Fresh Bike" in text and last_log().get("Source") == "Live",
          text[:200], last_log())
lib.check("... and the live render refilled the cache", "Fresh Bike" in
          csv() and last_log().get("Source") == "Cache", last_log())

# ---- cache refresh plan ----
rename("Planned Bike")
st, j, t = env.api("POST", "/CacheRefreshPlans", {
    "CatalogItemPath": "/Samples/ProductList", "Description": "hourly",
    "EventType": "RefreshCache", "Schedule": {"Definition": {
        "StartDateTime": "2027-06-01T00:00:00Z", "TimeZone": "UTC"}},
    "ParameterValues": []})
lib.check("POST /CacheRefreshPlans: 201 with its shape", st == 201 and
          j["CatalogItemPath"] == "/Samples/ProductList" and
          j["EventType"] == "RefreshCache", st, t[:300])
pid = (j or {}).get("Id")
st, j, _ = env.api("GET", R + "/CacheRefreshPlans")
lib.check("the report lists its plan", st == 200 and [p["Id"] for p in
                                                     j["value"]] == [pid], j)
st, _, _ = env.api("POST", "/CacheRefreshPlans(%s)/Model.Execute" % pid)
lib.expect_eq("Model.Execute on the plan: 204", st, 204)
ok = wait_until(lambda: env.api("GET", "/CacheRefreshPlans(%s)" % pid)[1][
    "LastStatus"].startswith("Done"))
text = csv()
lib.check("the plan refreshed the cache with the database's data", ok and
          "Planned Bike" in text and last_log().get("Source") == "Cache",
          text[:200])
env.cleanup()
lib.done_testing()
