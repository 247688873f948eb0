#!/usr/bin/env python3
"""tests/integration/sched/delivery.py: subscriptions delivered for real.

The report server (with its scheduler inside) renders the sample reports
and delivers them: by e-mail to a real SMTP server (aiosmtpd, STARTTLS and
AUTH required, its certificate from a test CA given as SMTPCAFile), where
each message is parsed and its attachment opened (pdfinfo for PDF, the
xlsx unzipped); into a real folder on disk (the three WriteModes); by the
NULL extension; and data-driven, one message per row.  The REST shapes
are the original's.  Then the faults of issue 15, each a clear status: a
mail server that is down, refuses (550), or shows a certificate nobody
trusts; a folder that is not allowed or does not exist; a data-driven
query that fails or returns a bad address; a zone that does not exist.
The e-mail settings are changed with rsconfig while the server runs.
"""
import os
import re
import sqlite3
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "helpers"))
import schedenv as se  # noqa: E402
from schedenv import lib  # noqa: E402

env = se.SchedEnv()
env.up()
db = env.samples()
ca, crt, key, rogue, roguekey = se.make_ca(lib.TMP)
smtp = se.Smtp("main")
lib.check("the SMTP server (aiosmtpd, STARTTLS + AUTH) starts",
          smtp.start(crt, key))
r = env.mail_settings(smtp, ca)
lib.check("rsconfig email saves the settings", r.returncode == 0, r.stdout,
          r.stderr)
conf = open(env.config_path()).read()
lib.check("the SMTP user and password are stored encrypted, not in clear",
          "rsenc:v1:" in conf and se.SMTP_PW not in conf and se.SMTP_USER
          not in conf, conf[-1500:])
r = env.rsconfig("email")
lib.check("rsconfig email shows the settings without the secrets",
          r.returncode == 0 and "SMTPServerPort:       %d" % smtp.port in
          r.stdout and "(set, encrypted)" in r.stdout and se.SMTP_PW not in
          r.stdout, r.stdout, r.stderr)


def run_and_wait(sid, n_before, n=1, seconds=40):
    st, _, t = env.api("POST", "/Subscriptions(%s)/Model.Execute" % sid)
    lib.check("Model.Execute answers 204", st == 204, st, t)
    ok = lib.wait_for(lambda: len(smtp.messages()) >= n_before + n, seconds)
    return ok


# ---- e-mail with a PDF attached ----
body = se.email_sub("/Samples/ProductList", "anna@example.com; "
                    "bob@example.com", "PDF", extra=[("CC",
                                                      "carol@example.com"),
                                                     ("Priority", "HIGH")],
                    schedule={"Definition": {
                        "StartDateTime": "2026-06-01T09:00:00Z",
                        "TimeZone": "Europe/Berlin",
                        "Recurrence": {"DailyRecurrence": {
                            "DaysInterval": 1}}}})
st, j, t = env.subscribe(body)
lib.check("POST /Subscriptions: 201", st == 201, st, t[:400])
sid = (j or {}).get("Id")
lib.check("... with the original's shape", j and j.get("DeliveryExtension")
          == "Report Server Email" and j.get("Report") ==
          "/Samples/ProductList" and {"Name": "TO", "Value":
                                      "anna@example.com; bob@example.com",
                                      "IsValueFieldReference": False} in
          j["ExtensionSettings"]["ParameterValues"] and
          j["Schedule"]["Definition"]["Recurrence"] == {
              "DailyRecurrence": {"DaysInterval": 1}} and
          j["Schedule"]["Definition"]["StartDateTime"] ==
          "2026-06-01T11:00:00+02:00" and j["IsActive"] is True and
          j["LastStatus"] == "New Subscription", j)
ok = run_and_wait(sid, 0)
lib.check("the message reaches the SMTP server", ok, os.listdir(smtp.dir))
msgs = smtp.messages()
m = msgs[0] if msgs else None
if m is not None:
    lib.check("over TLS, after AUTH", m["X-TLS"] == "True" and
              m["X-Auth"] == "True", m["X-TLS"], m["X-Auth"])
    lib.check("To, Cc and the envelope", m["To"] ==
              "anna@example.com, bob@example.com" and m["Cc"] ==
              "carol@example.com" and m["X-Rcpt"] == "anna@example.com,"
              "bob@example.com,carol@example.com", m["To"], m["X-Rcpt"])
    lib.check("Subject with @ReportName and @ExecutionTime replaced",
              re.fullmatch(r"ProductList was executed at \d\d/\d\d/2026 "
                           r"\d\d:\d\d:\d\d [AP]M", m["Subject"] or ""),
              m["Subject"])
    lib.check("a stable Message-ID, priority High", (m["Message-ID"] or "")
              .startswith("<rs.S.") and m["X-Priority"].startswith("1") and
              m["From"] == "reports@example.com", m["Message-ID"],
              m["X-Priority"])
    atts = [p for p in m.iter_attachments()]
    pdf = os.path.join(lib.TMP, "att.pdf")
    if atts:
        with open(pdf, "wb") as f:
            f.write(atts[0].get_content())
    r = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True)
    lib.check("the attachment ProductList.pdf opens in pdfinfo", atts and
              atts[0].get_filename() == "ProductList.pdf" and
              r.returncode == 0 and "Pages:" in r.stdout, r.stdout, r.stderr)
    lib.check("the comment is the body text", "Here is the report." in
              m.get_body(("plain",)).get_content())
st, j, _ = env.api("GET", "/Subscriptions(%s)" % sid)
lib.check("LastStatus says where the mail went, LastRunTime is the clock",
          j and j["LastStatus"].startswith("Mail sent to anna@example.com")
          and j["LastRunTime"] == "2026-06-01T08:00:00Z", j)
st, j, _ = env.api("GET", "/ExecutionLogs?$filter=RequestType eq "
                   "'Subscription'")
lib.check("the execution log has the render as RequestType Subscription, "
          "Source Live", st == 200 and any(
              x["ItemPath"] == "/Samples/ProductList" and x["Format"] ==
              "PDF" and x["Source"] == "Live" for x in j["value"]), j)

# Its own schedule changed in place (PATCH): once, in 2030, so the clock
# steps below run it only when the test asks.
st, _, t = env.api("PATCH", "/Subscriptions(%s)" % sid, {"Schedule": {
    "Definition": {"StartDateTime": "2030-01-01T00:00:00Z",
                   "TimeZone": "UTC"}}})
j = env.api("GET", "/Subscriptions(%s)" % sid)[1]
lib.check("PATCH of its Schedule: 204, once in 2030 (Recurrence null)",
          st == 204 and j["Schedule"]["Definition"]["Recurrence"] is None and
          j["Schedule"]["Definition"]["StartDateTime"] ==
          "2030-01-01T00:00:00+00:00", st, t, j["Schedule"])

# ---- Excel ----
n0 = len(smtp.messages())
st, j, t = env.subscribe(se.email_sub("/Samples/SalesSummary",
                                      "dora@example.com", "EXCELOPENXML"))
x_id = (j or {}).get("Id")
lib.check("an EXCELOPENXML subscription is made", st == 201, t[:300])
ok = run_and_wait(x_id, n0)
if ok:
    m = smtp.messages()[-1]
    att = next(m.iter_attachments())
    xl = os.path.join(lib.TMP, "att.xlsx")
    with open(xl, "wb") as f:
        f.write(att.get_content())
    z = zipfile.ZipFile(xl)
    lib.check("the xlsx attachment unzips and has a worksheet",
              att.get_filename() == "SalesSummary.xlsx" and z.testzip() is
              None and "xl/worksheets/sheet1.xml" in z.namelist(),
              z.namelist())
else:
    lib.not_ok("the xlsx message arrives")

# ---- MHTML: the report in the body, its images as related parts ----
n0 = len(smtp.messages())
st, j, t = env.subscribe(se.email_sub("/Samples/ProductList",
                                      "emil@example.com", "MHTML"))
lib.check("an MHTML subscription is made", st == 201, t[:300])
if run_and_wait((j or {}).get("Id"), n0):
    m = smtp.messages()[-1]
    rel = [p for p in m.walk() if p.get_content_type() ==
           "multipart/related"]
    parts = list(rel[0].iter_parts()) if rel else []
    html = parts[0].get_content() if parts else ""
    cids = [p["Content-ID"].strip("<>") for p in parts[1:]]
    lib.check("MHTML: the report is the body (multipart/related: its HTML, "
              "then its image named by cid:), no attachment", len(rel) == 1
              and [p.get_content_type() for p in parts] == ["text/html",
                                                            "image/png"]
              and cids and ('src="cid:%s"' % cids[0]) in html and
              "data:" not in html and not list(m.iter_attachments()) and
              "Mountain" in html, [p.get_content_type() for p in m.walk()])
else:
    lib.not_ok("the MHTML message arrives")

# ---- file share ----
def share_sub(mode, fmt="CSV", path=None, name="@ReportName"):
    return {"Report": "/Samples/ProductList", "Description": "file " + mode,
            "DeliveryExtension": "Report Server FileShare",
            "ExtensionSettings": {"Extension": "Report Server FileShare",
                                  "ParameterValues": [
                                      {"Name": "PATH", "Value": path or
                                       env.share},
                                      {"Name": "FILENAME", "Value": name},
                                      {"Name": "FILEEXTN", "Value": "True"},
                                      {"Name": "RenderFormat", "Value": fmt},
                                      {"Name": "WRITEMODE", "Value": mode}]},
            "Schedule": {"Definition": {"StartDateTime":
                                        "2026-06-02T06:00:00Z"}}}


def execute(sid):
    env.api("POST", "/Subscriptions(%s)/Model.Execute" % sid)


def final(sid, seconds=30):
    return env.wait_status(sid, lambda s: not s.startswith("Pending") and
                           s != "New Subscription" and "try again" not in s,
                           seconds)


st, j, _ = env.subscribe(share_sub("Overwrite"))
fs = j["Id"]
execute(fs)
s = final(fs)
out = os.path.join(env.share, "ProductList.csv")
lib.check("file share: ProductList.csv is written into the folder", s and
          "has been written" in s and os.path.exists(out) and
          b"Mountain" in open(out, "rb").read(), s, os.listdir(env.share))
st, j, _ = env.subscribe(share_sub("None"))
execute(j["Id"])
s = final(j["Id"])
lib.check("WriteMode None on an existing file: a clear failure, the file "
          "kept", s and "already exists" in s and os.path.exists(out), s)
st, j, _ = env.subscribe(share_sub("AutoIncrement"))
execute(j["Id"])
s = final(j["Id"])
lib.check("WriteMode AutoIncrement writes ProductList_1.csv", s and
          os.path.exists(os.path.join(env.share, "ProductList_1.csv")), s,
          os.listdir(env.share))
lib.check("no temporary file is left behind", not [
    f for f in os.listdir(env.share) if f.startswith(".rs-")],
    os.listdir(env.share))
st, j, t = env.subscribe(share_sub("Overwrite", path="/etc"))
lib.check("a folder not in AllowedPaths is refused (403), nothing stored",
          st == 403 and "AllowedPaths" in t, st, t)
st, j, _ = env.subscribe(share_sub("Overwrite", path=os.path.join(
    env.share, "missing")))
execute(j["Id"])
s = final(j["Id"])
lib.check("a share folder that does not exist: a clear status", s and
          "cannot be reached" in s, s)

# ---- NULL ----
st, j, _ = env.subscribe({"Report": "/Samples/ProductList",
                          "DeliveryExtension": "NULL",
                          "ExtensionSettings": {"Extension": "NULL",
                                                "ParameterValues": []},
                          "Schedule": {"Definition": {
                              "StartDateTime": "2026-06-02T06:00:00Z"}}})
execute(j["Id"])
s = final(j["Id"])
lib.check("the NULL extension runs the report and delivers nothing",
          s and s.startswith("Done"), s)

# ---- data-driven ----
rdb = os.path.join(lib.ROOT, "data", "recipients.db")
c = sqlite3.connect(rdb)
c.execute("CREATE TABLE r (addr TEXT, fmt TEXT, subj TEXT)")
c.executemany("INSERT INTO r VALUES (?, ?, ?)", [
    ("erin@example.com", "PDF", "For Erin"),
    ("frank@example.com", "CSV", "For Frank"),
    ("not an address", "PDF", "Broken")])
c.commit()
c.close()
env.api("POST", "/DataSources", {"Path": "/Samples/Recipients",
                                 "ConnectionString": rdb,
                                 "DataSourceType": "SQLITE"})
dd = se.email_sub("/Samples/ProductList", "addr", "fmt")
dd["ExtensionSettings"]["ParameterValues"] = [
    {"Name": "TO", "Value": "addr", "IsValueFieldReference": True},
    {"Name": "RenderFormat", "Value": "fmt", "IsValueFieldReference": True},
    {"Name": "Subject", "Value": "subj", "IsValueFieldReference": True}]
dd["DataQuery"] = {"CommandText": "SELECT addr, fmt, subj FROM r",
                   "DataSourcePath": "/Samples/Recipients"}
st, j, t = env.subscribe(dd)
lib.check("a data-driven subscription is made (IsDataDriven)", st == 201 and
          j["IsDataDriven"] is True, st, t[:300])
ddid = (j or {}).get("Id")
n0 = len(smtp.messages())
execute(ddid)
s = env.wait_status(ddid, lambda s: s.startswith("Done: 3 processed"), 40)
got = {m["Subject"]: m for m in smtp.messages()[n0:]}
lib.check("one message per row with its own format; the bad row fails "
          "alone", s == "Done: 3 processed of 3 total; 1 errors." and
          set(got) == {"For Erin", "For Frank"} and
          next(got["For Frank"].iter_attachments()).get_filename() ==
          "ProductList.csv", s, list(got))
st, j, t = env.subscribe(dict(dd, DataQuery={
    "CommandText": "SELECT 1", "DataSourcePath": "/Samples/Nowhere"}))
lib.check("a data-driven query on a data source that does not exist: 404",
          st == 404, st, t[:300])
bad = dict(dd, DataQuery={"CommandText": "SELECT nope FROM r",
                          "DataSourcePath": "/Samples/Recipients"})
st, j, _ = env.subscribe(bad)
execute(j["Id"])
s = final(j["Id"])
lib.check("a data-driven query that fails: a clear status", s and
          "Failure running the data-driven query" in s and "nope" in s, s)

# ---- bad input at the door ----
before = len(env.api("GET", "/Subscriptions")[1])
for desc, b, code in (
        ("a bad address", se.email_sub("/Samples/ProductList",
                                       "x@y.com\r\nBcc: evil@z.com"), 400),
        ("a zone that does not exist", se.email_sub(
            "/Samples/ProductList", "a@example.com", schedule={
                "Definition": {"StartDateTime": "2026-06-01T09:00:00",
                               "TimeZone": "Mars/Olympus_Mons"}}), 400),
        ("a format that does not exist", se.email_sub(
            "/Samples/ProductList", "a@example.com", "DOCX9"), 400),
        ("a report that does not exist", se.email_sub(
            "/Samples/Nope", "a@example.com"), 404)):
    st, j, t = env.subscribe(b)
    lib.check("refused: %s (%d)" % (desc, code), st == code and "error" in
              (j or {}), st, t[:300])
lib.expect_eq("... and nothing was stored", len(env.api(
    "GET", "/Subscriptions")[1]), before)

# ---- faults of the mail server ----
def mail_fault(desc, want, setup, undo):
    setup()
    n0 = len(smtp.messages())
    execute(sid)
    s = env.wait_status(sid, lambda s: want in s, 30)
    lib.check(desc, s and want in s, s)
    undo()
    return n0


mail_fault("a mail server that refuses (550): a permanent failure, named",
           "answered 550", lambda: smtp.mode("550"), lambda: smtp.mode("ok"))
mail_fault("a mail server that says try later (451): retried", "try again",
           lambda: smtp.mode("451"), lambda: smtp.mode("ok"))
env.set_clock(env.now + 3600 * 6)	# past the backoff
s = env.wait_status(sid, lambda s: s.startswith("Mail sent"), 30)
lib.check("... and delivered on the retry once the server takes it", s and
          s.startswith("Mail sent"), s, env.now, open(env.rs_log).read()[-3000:])
down = lib.free_port()
r = env.rsconfig("email", "SMTPServerPort=%d" % down)
lib.check("rsconfig changes the port while the server runs", r.returncode
          == 0, r.stderr)
mail_fault("a mail server that is down: a temporary failure, retried",
           "cannot reach the mail server", lambda: None, lambda: None)
s = ""
for i in range(2, 6):
    env.set_clock(env.now + 86400)
    s = env.wait_status(sid, lambda s: "gave up" in s or
                        "(try %d)" % (i + 1) in s, 20)
    if "gave up" in (s or ""):
        break
lib.check("... and given up on after MaxRetries, saying so", s and
          "gave up after 4 tries" in s, s)
roguesrv = se.Smtp("rogue")
roguesrv.start(rogue, roguekey)
env.rsconfig("email", "SMTPServerPort=%d" % roguesrv.port)
mail_fault("a mail server with a certificate nobody trusts: refused, no "
           "password sent", "is not trusted", lambda: None, lambda: None)
lib.expect_eq("... and the rogue server got no message",
              len(roguesrv.messages()), 0)
implicit = se.Smtp("implicit", implicit=True)
implicit.start(crt, key)
r = env.rsconfig("email", "SMTPServerPort=%d" % implicit.port,
                 "SMTPTLSMode=Implicit")
execute(sid)
ok = lib.wait_for(lambda: len(implicit.messages()) == 1, 30)
lib.check("implicit TLS (smtps) with AUTH delivers, the setting read "
          "without a restart", ok and implicit.messages()[0]["X-TLS"] ==
          "True", os.listdir(implicit.dir))
r = env.rsconfig("email", "SMTPTLSMode=None")
lib.check("rsconfig refuses to send the password without TLS", r.returncode
          != 0 and "without TLS" in r.stderr, r.stderr)

# ---- the portal's Subscriptions tab ----
env.rsconfig("email", "SMTPServerPort=%d" % smtp.port, "SMTPTLSMode=StartTLS")
st, h, page, _ = env.admin("GET", "/Reports/item/Samples/ProductList")
lib.check("the report's portal page links to its Subscriptions", st == 200
          and "/Reports/subscriptions" in page and ">Subscriptions<" in page,
          st)
st, h, page, _ = env.admin("GET", "/Reports/subscriptions/Samples/"
                           "ProductList")
lib.check("the Subscriptions tab lists the report's subscriptions", st == 200
          and "Run now" in page and "Mail sent to" in page, st, page[:300])
tok = se.suite.csrf_of(page)


def post(fields):
    from urllib.parse import urlencode
    return env.admin("POST", "/Reports/action", body=urlencode(
        dict(fields, csrf=tok)), headers={
            "Content-Type": "application/x-www-form-urlencoded"})


st, h, _, _ = post({"op": "sub_create", "path": "/Samples/ProductList",
                    "description": "from the portal", "to":
                    "portal@example.com", "subject": "Portal @ReportName",
                    "format": "CSV", "schedule": "", "time": "07:30",
                    "tz": "Europe/Berlin"})
lib.check("the portal's form makes an e-mail subscription (303)",
          st == 303, st, h)
subs = [x for x in env.api("GET", "/Reports(Path='/Samples/ProductList')"
                           "/Subscriptions")[1]
        if x["Description"] == "from the portal"]
lib.check("... daily at 07:30 Berlin", len(subs) == 1 and subs[0][
    "Schedule"]["Definition"]["StartDateTime"].startswith("2026-") and
    "T07:30:00+02:00" in subs[0]["Schedule"]["Definition"]["StartDateTime"],
    subs)
n0 = len(smtp.messages())
if subs:
    st, h, _, _ = post({"op": "sub_run", "path": "/Samples/ProductList",
                        "sub": subs[0]["Id"]})
    ok = lib.wait_for(lambda: any(m["Subject"] == "Portal ProductList" for m
                                  in smtp.messages()[n0:]), 30)
    lib.check("Run now from the portal delivers it", st == 303 and ok, st)
    post({"op": "sub_disable", "path": "/Samples/ProductList",
          "sub": subs[0]["Id"]})
    st, j, _ = env.api("GET", "/Subscriptions(%s)" % subs[0]["Id"])
    lib.check("Disable from the portal", j["IsActive"] is False, j)
# ---- My subscriptions, Site settings > Schedules ----
st, h, page, _ = env.admin("GET", "/Reports/mysubscriptions")
lib.check("My subscriptions lists one's own over every report, linked to "
          "the report's tab", st == 200 and "from the portal" in page and
          "/Reports/subscriptions/Samples/ProductList\"" in page and
          'name="back" value="my"' in page, st,
          page[page.find("<table"):page.find("</table>")][:600])
lib.check("... and every page's header links to it", 'href="/Reports/'
          'mysubscriptions"' in env.admin("GET", "/Reports/browse/")[2])
if subs:
    st, h, _, _ = post({"op": "sub_enable", "path": "/Samples/ProductList",
                        "sub": subs[0]["Id"], "back": "my"})
    lib.check("Enable from My subscriptions comes back to it (303)",
              st == 303 and "/Reports/mysubscriptions?msg=" in
              h.get("location", "") and env.api(
                  "GET", "/Subscriptions(%s)" % subs[0]["Id"])[1][
                      "IsActive"] is True, st, h)
st, j, _ = env.api("POST", "/Schedules", {
    "Name": "Portal nightly", "Definition": {
        "StartDateTime": "2026-06-01T02:00:00", "TimeZone": "UTC",
        "Recurrence": {"DailyRecurrence": {"DaysInterval": 1}}}})
shid = (j or {}).get("Id", "")
st, h, page, _ = env.admin("GET", "/Reports/schedules")
lib.check("Schedules lists the shared schedules with state, next run and "
          "a Pause button", st == 200 and "Portal nightly" in page and
          "Ready" in page and 'value="sched_pause"' in page.replace(
              'name="op" value="sched_pause"', 'value="sched_pause"'),
          st, page[:400])
tok = se.suite.csrf_of(page)
st, h, _, _ = post({"op": "sched_pause", "path": "/", "schedule": shid,
                    "back": "schedules"})
st2, j, _ = env.api("GET", "/Schedules(%s)" % shid)
lib.check("Pause from the portal pauses it (REST says Paused) and comes "
          "back to Schedules", st == 303 and "/Reports/schedules?msg=" in
          h.get("location", "") and (j or {}).get("State") == "Paused",
          st, h, j)
post({"op": "sched_resume", "path": "/", "schedule": shid,
      "back": "schedules"})
lib.expect_eq("Resume from the portal", env.api(
    "GET", "/Schedules(%s)" % shid)[1].get("State"), "Ready")
buser, bpw = env.add_pam_user("browser")
st, _, page, _ = env.request("GET", "/Reports/schedules", user=buser,
                             pw=bpw)
lib.check("a Browser may not see Schedules (403, saying which role)",
          st == 403 and "View shared schedules" in page, st, page[:300])
st, _, page, _ = env.request("GET", "/Reports/mysubscriptions", user=buser,
                             pw=bpw)
lib.check("... and his My subscriptions shows none of the administrator's",
          st == 200 and "from the portal" not in page and
          "You have no subscriptions" in page, st, page[:300])
RS = "/Reports(Path='/Samples/ProductList')/Subscriptions"
before = len(env.api("GET", RS)[1])
st, h, text, _ = post({"op": "sub_create", "path": "/Samples/ProductList",
                       "to": "x@y.com\r\nBcc: a@b.com", "format": "CSV",
                       "time": "07:30", "tz": "Europe/Berlin"})
lib.check("a bad address in the portal's form: 400, nothing made",
          st == 400 and len(env.api("GET", RS)[1]) == before, st,
          text[:300])
env.cleanup()
lib.done_testing()
