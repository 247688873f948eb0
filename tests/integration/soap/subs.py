#!/usr/bin/env python3
"""tests/integration/soap/subs.py: subscriptions, schedules and jobs over SOAP.

The report server with its scheduler (the sched tests' SchedEnv: a clock
file, a folder file share delivery may write into, the sample reports),
driven by zeep from the WSDL as rs.exe scripts and ReportingServicesTools
drive it:

  - ListExtensions(Delivery), GetExtensionSettings and
    ValidateExtensionSettings (a folder not in AllowedPaths is the error);
  - shared schedules: CreateSchedule (weekly), ListSchedules,
    GetScheduleProperties, SetScheduleProperties, Pause/ResumeSchedule,
    ListScheduledItems, DeleteSchedule;
  - a file share subscription on the shared schedule and a NULL one with a
    ScheduleDefinition of its own in MatchData: List/Get/Set, FireEvent
    runs it (the file is written, Status says so), FireEvent SharedSchedule
    runs what follows the schedule; the same rows the REST API shows;
  - a data-driven one (DataRetrievalPlan), ListSubscriptionsUsingDataSource;
  - report history, execution and cache options, cache refresh plans,
    over REST's store;
  - ListJobs and CancelJob: an e-mail delivery to a mail server that is
    down waits in the queue for its retry, is listed, and is cancelled;
  - the faults: not found, wrong type, unknown extension, a folder not
    allowed, a schedule that does not exist, MatchData that is not XML, a
    name taken; a Browser may subscribe for himself but neither sees nor
    changes the others' subscriptions, nor manages schedules, nor makes a
    data-driven subscription.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "sched",
                                "helpers"))
import clients as cl  # noqa: E402  (re-executes under /usr/bin/python3)
import envelopes as ev  # noqa: E402
import schedenv as se  # noqa: E402
from schedenv import lib  # noqa: E402

REPORT = "/Samples/ProductList"
NS = "http://schemas.microsoft.com/sqlserver/reporting/2010/03/01/ReportServer"


# RENDER_FORMAT: the original's name, as ReportingServicesTools sends it.
SHARE = [("PATH", None), ("FILENAME", None), ("FILEEXTN", "True"),
         ("RENDER_FORMAT", "CSV"), ("WRITEMODE", "Overwrite")]


def share_pairs(env, name="@ReportName", path=None):
    return [(k, v if v is not None else path or env.share if k == "PATH"
             else name) for k, v in SHARE]


def share_settings(env, name="@ReportName", path=None):
    return {"Extension": "Report Server FileShare", "ParameterValues": {
        "_value_1": [{"ParameterValue": {"Name": k, "Value": v}}
                     for k, v in share_pairs(env, name, path)]}}


NULL_SETTINGS = {"Extension": "NULL", "ParameterValues": None}

WEEKLY = {"StartDateTime": "2026-06-01T09:00:00Z", "WeeklyRecurrence": {
    "WeeksInterval": 1, "DaysOfWeek": {
        "Sunday": False, "Monday": True, "Tuesday": False,
        "Wednesday": True, "Thursday": False, "Friday": False,
        "Saturday": False}}}

OWN = ('<ScheduleDefinition xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
       'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
       '<StartDateTime xmlns="%s">2030-01-01T06:00:00Z</StartDateTime>'
       '<DailyRecurrence xmlns="%s"><DaysInterval>3</DaysInterval>'
       '</DailyRecurrence></ScheduleDefinition>' % (NS, NS))


def values(es):
    """{Name: Value} of an ExtensionSettings (a choice of ParameterValue and
    ParameterFieldReference, zeep's _value_1)."""
    out = {}
    for v in (es.ParameterValues._value_1 or []) if es.ParameterValues \
            else []:
        if "ParameterValue" in v:
            out[v["ParameterValue"].Name] = v["ParameterValue"].Value
    return out


def status_of(rs, sid):
    return rs.service.GetSubscriptionProperties(sid).body.Status


def wait_final(rs, sid, seconds=40):
    last = [None]

    def probe():
        last[0] = status_of(rs, sid)
        return last[0] and not last[0].startswith("Pending") and \
            last[0] != "New Subscription"
    lib.wait_for(probe, seconds)
    return last[0]


def t_extensions(env, rs):
    ext = rs.service.ListExtensions("Delivery").body.Extensions.Extension
    got = sorted((e.ExtensionTypeName, e.Name) for e in ext)
    lib.expect_eq("ListExtensions(Delivery): e-mail, file share, NULL", got,
                  [("Delivery", "NULL"), ("Delivery", "Report Server Email"),
                   ("Delivery", "Report Server FileShare")])
    ps = rs.service.GetExtensionSettings("Report Server FileShare").body
    ps = {p.Name: p for p in ps.ExtensionParameters.ExtensionParameter}
    lib.check("GetExtensionSettings: the file share's settings, PATH and "
              "FILENAME required, WRITEMODE's valid values",
              ps["PATH"].Required and ps["FILENAME"].Required and
              [v.Value for v in ps["WRITEMODE"].ValidValues.Value] ==
              ["None", "AutoIncrement", "Overwrite"], ps)
    cl.expect_fault("GetExtensionSettings of an extension this server lacks",
                    "rsDeliveryExtensionNotFound",
                    rs.service.GetExtensionSettings, "Report Server Fax")
    r = rs.service.ValidateExtensionSettings("Report Server FileShare", None,
                                             None)
    lib.check("ValidateExtensionSettings without settings: PATH and "
              "FILENAME are missing", r.body.ParameterErrors and
              r.body.ParameterErrors.ExtensionParameter[0].Error and
              "PATH" in r.body.ParameterErrors.ExtensionParameter[0].Error,
              r.body)
    vt = rs.get_type("ns0:ParameterValue")
    vals = {"ParameterValueOrFieldReference": [
        vt(Name=k, Value=v) for k, v in share_pairs(env, path="/etc")]}
    r = rs.service.ValidateExtensionSettings("Report Server FileShare", vals,
                                             None).body
    err = r.ParameterErrors.ExtensionParameter if r.ParameterErrors else []
    lib.check("... a folder not in AllowedPaths: the error is on PATH",
              len(err) == 1 and err[0].Name == "PATH" and "AllowedPaths" in
              err[0].Error, r)
    good = {"ParameterValueOrFieldReference": [
        vt(Name=k, Value=v) for k, v in share_pairs(env)]}
    r = rs.service.ValidateExtensionSettings("Report Server FileShare", good,
                                             None).body
    lib.check("... and the allowed folder passes", not r.ParameterErrors, r)


def t_schedules(env, rs):
    sid = rs.service.CreateSchedule("Mon and Wed", WEEKLY, None).body
    sid = sid.ScheduleID
    lib.check("CreateSchedule answers the new schedule's ID",
              sid and len(sid) == 36, sid)
    got = [s for s in rs.service.ListSchedules(None).body.Schedules.Schedule
           if s.ScheduleID == sid]
    s = got[0] if got else None
    lib.check("ListSchedules shows it with its WeeklyRecurrence",
              s is not None and s.Name == "Mon and Wed" and
              s.Definition.WeeklyRecurrence.DaysOfWeek.Monday is True and
              s.Definition.WeeklyRecurrence.DaysOfWeek.Tuesday is False and
              s.ScheduleStateName == "Ready" and s.NextRunTime is not None,
              s)
    cl.expect_fault("CreateSchedule of a name that is taken",
                    "rsScheduleAlreadyExists", rs.service.CreateSchedule,
                    "mon and wed", WEEKLY, None)
    cl.expect_fault("CreateSchedule without a name", "rsMissingParameter",
                    rs.service.CreateSchedule, None, WEEKLY, None)
    cl.expect_fault("CreateSchedule on day 40 of the month",
                    "rsInvalidParameter", rs.service.CreateSchedule, "Bad", {
                        "StartDateTime": "2026-06-01T09:00:00Z",
                        "MonthlyRecurrence": {"Days": "40"}}, None)
    rs.service.SetScheduleProperties("Every other day", sid, {
        "StartDateTime": "2026-06-01T09:00:00Z",
        "DailyRecurrence": {"DaysInterval": 2}})
    s = rs.service.GetScheduleProperties(sid).body.Schedule
    lib.check("SetScheduleProperties: a new name and a DailyRecurrence",
              s.Name == "Every other day" and
              s.Definition.DailyRecurrence.DaysInterval == 2 and
              s.Definition.WeeklyRecurrence is None, s)
    rs.service.PauseSchedule(sid)
    s = rs.service.GetScheduleProperties(sid).body.Schedule
    lib.check("PauseSchedule: Paused, no next run", s.ScheduleStateName ==
              "Paused" and s.NextRunTime is None, s)
    rs.service.ResumeSchedule(sid)
    lib.expect_eq("ResumeSchedule: Ready again",
                  rs.service.GetScheduleProperties(sid).body.Schedule
                  .ScheduleStateName, "Ready")
    cl.expect_fault("GetScheduleProperties of nothing", "rsScheduleNotFound",
                    rs.service.GetScheduleProperties, "0" * 36)
    st, j, _ = env.api("GET", "/Schedules(%s)" % sid)
    lib.check("the REST API sees the same schedule", st == 200 and
              j["Name"] == "Every other day", st, j)
    return sid


def t_subscriptions(env, rs, sched):
    cl.expect_fault("CreateSubscription on nothing", "rsItemNotFound",
                    rs.service.CreateSubscription, "/Samples/Nope",
                    share_settings(env), "x", "TimedSubscription", sched,
                    None)
    cl.expect_fault("CreateSubscription on a data source", "rsWrongItemType",
                    rs.service.CreateSubscription, "/Samples/Sales",
                    share_settings(env), "x", "TimedSubscription", sched,
                    None)
    cl.expect_fault("CreateSubscription to an extension this server lacks",
                    "rsDeliveryExtensionNotFound",
                    rs.service.CreateSubscription, REPORT,
                    {"Extension": "Report Server Fax"}, "x",
                    "TimedSubscription", sched, None)
    msg = cl.expect_fault("CreateSubscription into a folder not allowed",
                          "rsAccessDenied", rs.service.CreateSubscription,
                          REPORT, share_settings(env, path="/etc"), "x",
                          "TimedSubscription", sched, None)
    lib.check("... says where to allow it", "AllowedPaths" in msg, msg)
    creds = share_settings(env)
    creds["ParameterValues"]["_value_1"] += [
        {"ParameterValue": {"Name": "USERNAME", "Value": "DOMAIN\\u"}},
        {"ParameterValue": {"Name": "PASSWORD", "Value": "secret"}},
        {"ParameterValue": {"Name": "DEFAULTCREDENTIALS", "Value": "False"}}]
    msg = cl.expect_fault("CreateSubscription with a file share user and "
                          "password (never stored)", "rsInvalidParameter",
                          rs.service.CreateSubscription, REPORT, creds, "x",
                          "TimedSubscription", sched, None)
    lib.check("... says to mount the share instead", "USERNAME" in msg and
              "mount" in msg, msg)
    cl.expect_fault("CreateSubscription on a schedule that does not exist",
                    "rsInvalidParameter", rs.service.CreateSubscription,
                    REPORT, share_settings(env), "x", "TimedSubscription",
                    "not-a-schedule", None)
    cl.expect_fault("MatchData that is not a ScheduleDefinition",
                    "rsInvalidParameter", rs.service.CreateSubscription,
                    REPORT, share_settings(env), "x", "TimedSubscription",
                    "<ScheduleDefinition><StartDateTime>soon", None)
    st, j, _ = env.api("GET", "/Subscriptions")
    ref = rs.service.GetScheduleProperties(sched).body.Schedule
    lib.check("... and none of them stored anything: the schedule has no "
              "references yet", st == 200 and j == [] and
              ref.ReferencesPresent is False, st, j, ref)

    fs = rs.service.CreateSubscription(REPORT, share_settings(env),
                                       "to the share", "TimedSubscription",
                                       sched, None).body.SubscriptionID
    lib.check("CreateSubscription (file share, shared schedule) answers an "
              "ID", fs and len(fs) == 36, fs)
    own = rs.service.CreateSubscription(
        REPORT, NULL_SETTINGS, "own schedule", "TimedSubscription", OWN,
        {"ParameterValue": []}).body.SubscriptionID
    p = rs.service.GetSubscriptionProperties(fs).body
    pv = values(p.ExtensionSettings)
    lib.check("GetSubscriptionProperties: the settings, the shared "
              "schedule's ID as MatchData, the status",
              p.Owner == "admin" and p.ExtensionSettings.Extension ==
              "Report Server FileShare" and pv.get("PATH") == env.share and
              pv.get("WRITEMODE") == "Overwrite" and p.MatchData == sched and
              p.EventType == "TimedSubscription" and p.Description ==
              "to the share" and p.Status == "New Subscription", p)
    p = rs.service.GetSubscriptionProperties(own).body
    lib.check("... an own schedule comes back as a ScheduleDefinition in "
              "MatchData", p.MatchData and "<DailyRecurrence" in p.MatchData
              and "<DaysInterval>3</DaysInterval>" in p.MatchData and
              "2030-01-01T" in p.MatchData, p.MatchData)
    st, j, _ = env.api("GET", "/Subscriptions(%s)" % own)
    lib.check("the REST API shows the same subscription and schedule",
              st == 200 and j["DeliveryExtension"] == "NULL" and
              j["Schedule"]["Definition"]["Recurrence"] ==
              {"DailyRecurrence": {"DaysInterval": 3}}, st, j)
    items = rs.service.ListSubscriptions(REPORT).body.SubscriptionItems
    got = {s.SubscriptionID: s for s in items.Subscription}
    s = got.get(fs)
    lib.check("ListSubscriptions of the report: both, in the contract's "
              "shape", set(got) == {fs, own} and s.Path == REPORT and
              s.Report == "ProductList" and s.DeliverySettings.Extension ==
              "Report Server FileShare" and s.IsDataDriven is False and
              s.Status == "New Subscription", items)
    lib.expect_eq("ListSubscriptions of the folder and of the root: both",
                  [len(rs.service.ListSubscriptions(p).body.SubscriptionItems
                       .Subscription) for p in ("/Samples", "/")], [2, 2])
    lib.expect_eq("ListMySubscriptions: both are admin's", len(
        rs.service.ListMySubscriptions(None).body.SubscriptionItems
        .Subscription), 2)
    it = rs.service.ListScheduledItems(sched).body.Items
    lib.check("ListScheduledItems: the report on the shared schedule",
              it and [x.Path for x in it.CatalogItem] == [REPORT], it)

    rs.service.SetSubscriptionProperties(fs, share_settings(
        env, name="products"), "to the share, renamed",
                                         "TimedSubscription", sched, None)
    p = rs.service.GetSubscriptionProperties(fs).body
    pv = values(p.ExtensionSettings)
    lib.check("SetSubscriptionProperties: a new FILENAME and description",
              pv.get("FILENAME") == "products" and p.Description ==
              "to the share, renamed", p)
    cl.expect_fault("SetSubscriptionProperties into a folder not allowed",
                    "rsAccessDenied", rs.service.SetSubscriptionProperties,
                    fs, share_settings(env, path="/etc"), "x",
                    "TimedSubscription", sched, None)
    lib.expect_eq("... changes nothing", values(
        rs.service.GetSubscriptionProperties(fs).body.ExtensionSettings)
        .get("PATH"), env.share)

    rs.service.FireEvent("TimedSubscription", fs, None)
    s = wait_final(rs, fs)
    out = os.path.join(env.share, "products.csv")
    lib.check("FireEvent TimedSubscription runs it: products.csv is written "
              "and Status says so", s and "has been written" in s and
              os.path.exists(out) and b"Mountain" in open(out, "rb").read(),
              s, os.listdir(env.share))
    os.unlink(out)
    env.set_clock(se.T0 + 7200)
    rs.service.FireEvent("SharedSchedule", sched, None)
    s = wait_final(rs, fs)
    st, j, _ = env.api("GET", "/Subscriptions(%s)" % fs)
    lib.check("FireEvent SharedSchedule runs what follows the schedule",
              os.path.exists(out) and j["LastRunTime"] ==
              "2026-06-01T10:00:00Z", s, j)
    last = [x for x in rs.service.ListSubscriptions(REPORT).body
            .SubscriptionItems.Subscription if x.SubscriptionID == fs][0]
    lib.check("ListSubscriptions: LastExecuted after the run",
              last.LastExecuted is not None and "written" in last.Status,
              last)
    cl.expect_fault("FireEvent of a subscription that does not exist",
                    "rsSubscriptionNotFound", rs.service.FireEvent,
                    "TimedSubscription", "0" * 36, None)
    cl.expect_fault("FireEvent of an event type it cannot fire",
                    "rsInvalidParameter", rs.service.FireEvent, "Reboot",
                    fs, None)
    cl.expect_fault("GetSubscriptionProperties of nothing",
                    "rsSubscriptionNotFound",
                    rs.service.GetSubscriptionProperties, "0" * 36)
    return fs, own


def t_data_driven(env, rs, fs):
    plan = {"DataSourceReference": {"Reference": "/Samples/Sales"},
            "DataSet": {"Fields": None, "Query": {
                "CommandType": "Text",
                "CommandText": "SELECT 'CSV' AS fmt"}, "Name": "DataSet1"}}
    ft = rs.get_type("ns0:ParameterFieldReference")
    es = {"Extension": "Report Server FileShare", "ParameterValues": {
        "_value_1": [
            {"ParameterValue": {"Name": "PATH", "Value": env.share}},
            {"ParameterValue": {"Name": "FILENAME", "Value": "dd"}},
            {"ParameterFieldReference": ft(ParameterName="RenderFormat",
                                           FieldAlias="fmt")}]}}
    dd = rs.service.CreateDataDrivenSubscription(
        REPORT, es, plan, "data-driven", "TimedSubscription", OWN, {
            "ParameterValueOrFieldReference": [
                ft(ParameterName="Note", FieldAlias="fmt")]}
    ).body.SubscriptionID
    p = rs.service.GetDataDrivenSubscriptionProperties(dd).body
    vals = p.ExtensionSettings.ParameterValues._value_1
    refs = [v["ParameterFieldReference"] for v in vals
            if "ParameterFieldReference" in v]
    pars = p.Parameters.ParameterValueOrFieldReference if p.Parameters \
        else []
    lib.check("CreateDataDrivenSubscription / Get...Properties: the plan "
              "and the field reference", p.DataRetrievalPlan
              .DataSourceReference.Reference == "/Samples/Sales" and
              p.DataRetrievalPlan.DataSet.Query.CommandText ==
              "SELECT 'CSV' AS fmt" and len(refs) == 1 and
              refs[0].ParameterName == "RenderFormat" and
              refs[0].FieldAlias == "fmt" and len(pars) == 1 and
              pars[0].ParameterName == "Note", p)
    u = rs.service.ListSubscriptionsUsingDataSource("/Samples/Sales").body
    lib.check("ListSubscriptionsUsingDataSource: the data-driven one",
              [s.SubscriptionID for s in u.SubscriptionItems.Subscription]
              == [dd] and u.SubscriptionItems.Subscription[0].IsDataDriven,
              u)
    cl.expect_fault("GetDataDrivenSubscriptionProperties of one that is not",
                    "rsInvalidParameter",
                    rs.service.GetDataDrivenSubscriptionProperties, fs)
    cl.expect_fault("CreateDataDrivenSubscription on a folder as its data "
                    "source", "rsInvalidParameter",
                    rs.service.CreateDataDrivenSubscription, REPORT, es,
                    dict(plan, DataSourceReference={"Reference": "/Samples"}),
                    "x", "TimedSubscription", OWN, None)
    return dd


def t_history(env, rs, sched):
    rs.service.SetItemHistoryOptions(
        ItemPath=REPORT, EnableManualSnapshotCreation=True,
        KeepExecutionSnapshots=True, ScheduleReference={"ScheduleID": sched})
    o = rs.service.GetItemHistoryOptions(REPORT).body
    lib.check("SetItemHistoryOptions / Get...: manual creation, a shared "
              "schedule", o.EnableManualSnapshotCreation is True and
              o.KeepExecutionSnapshots is True and o.ScheduleReference and
              o.ScheduleReference.ScheduleID == sched, o)
    rs.service.SetItemHistoryOptions(
        ItemPath=REPORT, EnableManualSnapshotCreation=True,
        KeepExecutionSnapshots=False, ScheduleDefinition={
            "StartDateTime": "2030-01-01T06:00:00Z",
            "DailyRecurrence": {"DaysInterval": 5}})
    o = rs.service.GetItemHistoryOptions(REPORT).body
    lib.check("... a schedule of its own", o.ScheduleDefinition and
              o.ScheduleDefinition.DailyRecurrence.DaysInterval == 5 and
              o.KeepExecutionSnapshots is False, o)
    rs.service.SetItemHistoryOptions(
        ItemPath=REPORT, EnableManualSnapshotCreation=True,
        KeepExecutionSnapshots=False, NoSchedule={})
    o = rs.service.GetItemHistoryOptions(REPORT).body
    lib.check("... and none (NoSchedule)", o.ScheduleDefinition is None and
              o.ScheduleReference is None, o)
    cl.expect_fault("SetItemHistoryOptions on a shared schedule that does "
                    "not exist", "rsScheduleNotFound",
                    rs.service.SetItemHistoryOptions, ItemPath=REPORT,
                    EnableManualSnapshotCreation=True,
                    KeepExecutionSnapshots=False,
                    ScheduleReference={"ScheduleID": "0" * 36})
    hid = rs.service.CreateItemHistorySnapshot(REPORT).body.HistoryID
    h = rs.service.ListItemHistory(REPORT).body.ItemHistory
    snaps = h.ItemHistorySnapshot if h else []
    lib.check("CreateItemHistorySnapshot answers its HistoryID; "
              "ListItemHistory lists it with its size",
              hid and [x.HistoryID for x in snaps] == [hid] and
              snaps[0].Size > 0, hid, h)
    st, j, _ = env.api("GET", "/Reports(Path='%s')/HistorySnapshots" %
                       REPORT)
    lib.check("the REST API sees the same snapshot", st == 200 and
              [x["HistoryId"] for x in (j if isinstance(j, list) else
                                        j.get("value", []))] == [hid], st, j)
    rs.service.DeleteItemHistorySnapshot(REPORT, hid)
    lib.check("DeleteItemHistorySnapshot: the history is empty again",
              not rs.service.ListItemHistory(REPORT).body.ItemHistory)
    cl.expect_fault("DeleteItemHistorySnapshot of one that is gone",
                    "rsReportSnapshotNotFound",
                    rs.service.DeleteItemHistorySnapshot, REPORT, hid)
    cl.expect_fault("ListItemHistory of a data source", "rsWrongItemType",
                    rs.service.ListItemHistory, "/Samples/Sales")
    rs.service.SetItemHistoryLimit(REPORT, False, 5)
    lim = rs.service.GetItemHistoryLimit(REPORT).body
    lib.check("SetItemHistoryLimit / Get...: 5 of its own",
              lim.HistoryLimit == 5 and lim.IsSystem is False, lim)
    rs.service.SetItemHistoryLimit(REPORT, True, 0)
    lib.expect_eq("... and the system's again", rs.service.GetItemHistoryLimit(
        REPORT).body.IsSystem, True)
    cl.expect_fault("a HistoryLimit of 0", "rsInvalidParameter",
                    rs.service.SetItemHistoryLimit, REPORT, False, 0)


def cache_api(env):
    st, j, _ = env.api("GET", "/Reports(Path='%s')/CacheOptions" % REPORT)
    return j if st == 200 else (st, j)


def t_exec_options(env, rs, sched):
    rs.service.SetCacheOptions(ItemPath=REPORT, CacheItem=True,
                               TimeExpiration={"Minutes": 30})
    o = rs.service.GetCacheOptions(REPORT).body
    j = cache_api(env)
    lib.check("SetCacheOptions for 30 minutes: GetCacheOptions and REST's "
              "CacheOptions say so", o.CacheItem is True and
              o.TimeExpiration.Minutes == 30 and
              j.get("ExecutionType") == "Cache" and
              j["Expiration"]["Minutes"] == 30, o, j)
    rs.service.SetCacheOptions(ItemPath=REPORT, CacheItem=True,
                               ScheduleExpiration={"ScheduleReference": {
                                   "ScheduleID": sched}})
    o = rs.service.GetCacheOptions(REPORT).body
    lib.check("... until a shared schedule", o.ScheduleExpiration and
              o.ScheduleExpiration.ScheduleReference.ScheduleID == sched, o)
    cl.expect_fault("SetCacheOptions to cache without an expiration",
                    "rsMissingParameter", rs.service.SetCacheOptions,
                    ItemPath=REPORT, CacheItem=True)
    rs.service.FlushCache(REPORT)
    rs.service.SetCacheOptions(ItemPath=REPORT, CacheItem=False)
    lib.check("SetCacheOptions not cached: Live again",
              rs.service.GetCacheOptions(REPORT).body.CacheItem is False and
              cache_api(env).get("ExecutionType") == "Live")
    rs.service.SetExecutionOptions(ItemPath=REPORT,
                                   ExecutionSetting="Snapshot",
                                   ScheduleReference={"ScheduleID": sched})
    o = rs.service.GetExecutionOptions(REPORT).body
    lib.check("SetExecutionOptions Snapshot on the shared schedule: "
              "GetExecutionOptions and REST say so",
              o.ExecutionSetting == "Snapshot" and o.ScheduleReference and
              o.ScheduleReference.ScheduleID == sched and
              cache_api(env).get("ExecutionType") == "Snapshot", o)
    cl.expect_fault("SetCacheOptions of a report that executes from its "
                    "snapshot", "rsInvalidParameter",
                    rs.service.SetCacheOptions, ItemPath=REPORT,
                    CacheItem=True, TimeExpiration={"Minutes": 5})
    rs.service.UpdateItemExecutionSnapshot(REPORT)
    cl.expect_fault("SetExecutionOptions Snapshot without a schedule",
                    "rsInvalidParameter", rs.service.SetExecutionOptions,
                    ItemPath=REPORT, ExecutionSetting="Snapshot",
                    NoSchedule={})
    cl.expect_fault("SetExecutionOptions Live with a schedule",
                    "rsInvalidParameter", rs.service.SetExecutionOptions,
                    ItemPath=REPORT, ExecutionSetting="Live",
                    ScheduleReference={"ScheduleID": sched})
    rs.service.SetExecutionOptions(ItemPath=REPORT, ExecutionSetting="Live",
                                   NoSchedule={})
    lib.check("SetExecutionOptions Live: Live again",
              rs.service.GetExecutionOptions(REPORT).body.ExecutionSetting ==
              "Live" and cache_api(env).get("ExecutionType") == "Live")


def t_plans(env, rs, sched):
    rs.service.SetCacheOptions(ItemPath=REPORT, CacheItem=True,
                               TimeExpiration={"Minutes": 30})
    pid = rs.service.CreateCacheRefreshPlan(
        REPORT, "nightly", "RefreshCache", sched,
        None).body.CacheRefreshPlanID
    plans = rs.service.ListCacheRefreshPlans(REPORT).body.CacheRefreshPlans
    got = plans.CacheRefreshPlan if plans else []
    lib.check("CreateCacheRefreshPlan / ListCacheRefreshPlans: the plan, "
              "the report cached", [p.CacheRefreshPlanID for p in got] ==
              [pid] and got[0].ItemPath == REPORT and got[0].Description ==
              "nightly" and got[0].State.CachingNotEnabledOnItem is False,
              plans)
    p = rs.service.GetCacheRefreshPlanProperties(pid).body
    lib.check("GetCacheRefreshPlanProperties: RefreshCache on the shared "
              "schedule", p.EventType == "RefreshCache" and p.MatchData ==
              sched and p.Description == "nightly", p)
    rs.service.SetCacheRefreshPlanProperties(pid, "own schedule",
                                             "RefreshCache", OWN, None)
    p = rs.service.GetCacheRefreshPlanProperties(pid).body
    st, j, _ = env.api("GET", "/CacheRefreshPlans(%s)" % pid)
    lib.check("SetCacheRefreshPlanProperties: its own schedule; REST sees "
              "the same plan", "<DailyRecurrence" in (p.MatchData or "") and
              st == 200 and j["Description"] == "own schedule" and
              j["Schedule"]["Definition"]["Recurrence"] ==
              {"DailyRecurrence": {"DaysInterval": 3}}, p, j)
    cl.expect_fault("CreateCacheRefreshPlan of another event type",
                    "rsInvalidParameter", rs.service.CreateCacheRefreshPlan,
                    REPORT, "x", "TimedSubscription", sched, None)
    cl.expect_fault("CreateCacheRefreshPlan on a schedule that does not "
                    "exist", "rsInvalidParameter",
                    rs.service.CreateCacheRefreshPlan, REPORT, "x",
                    "RefreshCache", "0" * 36, None)
    cl.expect_fault("CreateCacheRefreshPlan on a data source",
                    "rsWrongItemType", rs.service.CreateCacheRefreshPlan,
                    "/Samples/Sales", "x", "RefreshCache", sched, None)
    lib.expect_eq("... none of them stored", len(
        rs.service.ListCacheRefreshPlans(REPORT).body.CacheRefreshPlans
        .CacheRefreshPlan), 1)
    shapes(env, [("ListCacheRefreshPlans", "<ItemPath>%s</ItemPath>" %
                  REPORT), ("GetCacheRefreshPlanProperties",
                            "<CacheRefreshPlanID>%s</CacheRefreshPlanID>" %
                            pid)])
    rs.service.DeleteCacheRefreshPlan(pid)
    cl.expect_fault("DeleteCacheRefreshPlan: gone", "rsItemNotFound",
                    rs.service.GetCacheRefreshPlanProperties, pid)
    rs.service.SetCacheOptions(ItemPath=REPORT, CacheItem=False)


def shapes(env, calls):
    """Answers against the contract: every element declared, in order."""
    sch = ev.Schema(env.admin("GET", "/ReportServer/%s?wsdl" % cl.MGMT)[3])
    for op, inner in calls:
        st, ct, data, root = ev.call(env, op, inner)
        body = ev.parts(root)[1]
        got = sch.check_op(body[0]) if len(body) else ["no answer"]
        lib.check("%s: 200, every element declared and in order" % op,
                  st == 200 and got == [] and body[0].tag.endswith(
                      op + "Response") and (len(body[0]) > 0 or op in (
                          "ListJobs", "ListItemHistory")), st, got,
                  data[:600])


def t_shapes(env, sched, fs, dd):
    calls = [
        ("ListSchedules", ""),
        ("GetScheduleProperties", "<ScheduleID>%s</ScheduleID>" % sched),
        ("GetSubscriptionProperties", "<SubscriptionID>%s</SubscriptionID>"
         % fs),
        ("GetDataDrivenSubscriptionProperties", "<DataDrivenSubscriptionID>"
         "%s</DataDrivenSubscriptionID>" % dd),
        ("ListSubscriptions", "<ItemPathOrSiteURL>/</ItemPathOrSiteURL>"),
        ("GetExtensionSettings", "<Extension>Report Server Email"
         "</Extension>"),
        ("ListExtensions", "<ExtensionType>Delivery</ExtensionType>"),
        ("ListScheduledItems", "<ScheduleID>%s</ScheduleID>" % sched),
        ("ListJobs", ""),
        ("GetItemHistoryOptions", "<ItemPath>%s</ItemPath>" % REPORT),
        ("ListItemHistory", "<ItemPath>%s</ItemPath>" % REPORT),
        ("GetCacheOptions", "<ItemPath>%s</ItemPath>" % REPORT),
        ("GetExecutionOptions", "<ItemPath>%s</ItemPath>" % REPORT),
        ("ListEvents", ""), ("ListExtensionTypes", ""),
        ("ListJobActions", ""), ("ListJobStates", ""), ("ListJobTypes", ""),
        ("ListScheduleStates", ""), ("ListExecutionSettings", ""),
    ]
    shapes(env, calls)
    rs = cl.client(env, cl.MGMT)
    ev_types = [e.Type for e in rs.service.ListEvents().body.Events.Event]
    lib.check("ListEvents: what FireEvent and subscriptions take",
              "TimedSubscription" in ev_types and "SharedSchedule" in
              ev_types, ev_types)
    lib.check("ListScheduleStates: what ScheduleStateName says",
              rs.service.ListScheduleStates().body.ListScheduleStatesResult
              .string == ["Ready", "Paused", "Expired"])
    typed = ev.call(env, "GetDataDrivenSubscriptionProperties",
                    "<DataDrivenSubscriptionID>%s</DataDrivenSubscriptionID>"
                    % dd)[2]
    lib.check("a data-driven subscription's field reference: "
              "ParameterFieldReference in ExtensionSettings, xsi:type in "
              "Parameters",
              b"<ParameterFieldReference><ParameterName>RenderFormat"
              b"</ParameterName><FieldAlias>fmt</FieldAlias>" in typed and
              b'<ParameterValueOrFieldReference xsi:type="ParameterField'
              b'Reference"><ParameterName>Note</ParameterName>' in typed,
              typed[:800])


def t_browser(env, rs, fs):
    user, pw = env.add_pam_user("Browser")
    rs.service.SetPolicies("/Samples", {"Policy": [
        {"GroupUserName": "admin", "Roles": {"Role": [
            {"Name": "Content Manager"}]}},
        {"GroupUserName": user, "Roles": {"Role": [{"Name": "Browser"}]}}]})
    br = cl.client(env, cl.MGMT, user, pw)
    mine = br.service.CreateSubscription(
        REPORT, NULL_SETTINGS, "the browser's", "TimedSubscription", OWN,
        None).body.SubscriptionID
    got = [s.SubscriptionID for s in br.service.ListSubscriptions(REPORT)
           .body.SubscriptionItems.Subscription]
    lib.check("a Browser subscribes for himself and lists only his own",
              got == [mine], got)
    cl.expect_fault("... cannot read admin's", "rsSubscriptionNotFound",
                    br.service.GetSubscriptionProperties, fs)
    cl.expect_fault("... nor delete it", "rsSubscriptionNotFound",
                    br.service.DeleteSubscription, fs)
    cl.expect_fault("... nor fire it", "rsSubscriptionNotFound",
                    br.service.FireEvent, "TimedSubscription", fs, None)
    cl.expect_fault("... nor make a data-driven one", "rsAccessDenied",
                    br.service.CreateDataDrivenSubscription, REPORT,
                    NULL_SETTINGS, {
                        "DataSourceReference": {"Reference": "/Samples/Sales"},
                        "DataSet": {"Query": {"CommandText": "SELECT 1"}}},
                    "x", "TimedSubscription", OWN, None)
    cl.expect_fault("... nor create a shared schedule", "rsAccessDenied",
                    br.service.CreateSchedule, "Mine", WEEKLY, None)
    cl.expect_fault("... nor list the jobs", "rsAccessDenied",
                    br.service.ListJobs)
    cl.expect_fault("... nor make a history snapshot", "rsAccessDenied",
                    br.service.CreateItemHistorySnapshot, REPORT)
    cl.expect_fault("... nor a cache refresh plan", "rsAccessDenied",
                    br.service.CreateCacheRefreshPlan, REPORT, "x",
                    "RefreshCache", OWN, None)
    lib.check("admin still sees the Browser's subscription", mine in [
        s.SubscriptionID for s in rs.service.ListSubscriptions(REPORT).body
        .SubscriptionItems.Subscription])
    rs.service.ChangeSubscriptionOwner(fs, user)
    got = [s.SubscriptionID for s in br.service.ListSubscriptions(REPORT)
           .body.SubscriptionItems.Subscription]
    lib.check("ChangeSubscriptionOwner: admin gives his subscription to the "
              "Browser, who now sees and owns it", fs in got and
              br.service.GetSubscriptionProperties(fs).body.Owner == user,
              got)
    cl.expect_fault("... who may not give it back (Manage all "
                    "subscriptions)", "rsAccessDenied",
                    br.service.ChangeSubscriptionOwner, fs, "admin")
    cl.expect_fault("ChangeSubscriptionOwner to nobody", "rsUnknownUserName",
                    rs.service.ChangeSubscriptionOwner, fs, "rsnosuchuser")
    cl.expect_fault("ChangeSubscriptionOwner to a group", "rsInvalidParameter",
                    rs.service.ChangeSubscriptionOwner, fs,
                    "LinuxGroup\\root")
    rs.service.ChangeSubscriptionOwner(fs, "admin")
    lib.expect_eq("... and admin takes it back",
                  rs.service.GetSubscriptionProperties(fs).body.Owner,
                  "admin")
    br.service.DeleteSubscription(mine)


def t_jobs(env, rs):
    """A delivery that fails for now waits in the queue for its retry."""
    port = lib.free_port()          # nothing listens there
    r = env.rsconfig("email", "SMTPServer=127.0.0.1",
                     "SMTPServerPort=%d" % port, "SMTPTLSMode=None",
                     "SMTPAuthenticate=0", "From=reports@example.com",
                     "SMTPConnectionTimeout=2", "AllowedPaths=" + env.share)
    lib.check("rsconfig email: a mail server that is down", r.returncode == 0,
              r.stdout, r.stderr)
    mail = {"Extension": "Report Server Email", "ParameterValues": {
        "_value_1": [{"ParameterValue": {"Name": k, "Value": v}} for k, v in
                     (("TO", "anna@example.com"), ("RenderFormat", "PDF"),
                      ("IncludeReport", "True"))]}}
    sid = rs.service.CreateSubscription(REPORT, mail, "mail",
                                        "TimedSubscription", OWN,
                                        None).body.SubscriptionID
    rs.service.FireEvent("TimedSubscription", sid, None)
    last = [None]

    def waiting():
        last[0] = status_of(rs, sid)
        return last[0] and "try again" in last[0]
    lib.check("the mail server is down: the run waits for its retry",
              lib.wait_for(waiting, 40), last[0])
    jobs = rs.service.ListJobs().body.Jobs
    mine = [j for j in (jobs.Job if jobs else []) if j.Path == REPORT]
    lib.check("ListJobs: the queued job, its report and owner, New",
              len(mine) == 1 and
              mine[0].JobStatusName == "New" and mine[0].JobActionName ==
              "Execute" and mine[0].Name == "mail" and mine[0].User ==
              "admin" and mine[0].JobID, jobs)
    jid = mine[0].JobID if mine else "0"
    lib.expect_eq("CancelJob of the queued job: true",
                  rs.service.CancelJob(jid).body.CancelJobResult, True)
    jobs = rs.service.ListJobs().body.Jobs
    lib.check("... it is no longer listed, and the subscription says so",
              not [j for j in (jobs.Job if jobs else []) if j.JobID == jid]
              and "cancelled" in (status_of(rs, sid) or ""), jobs,
              status_of(rs, sid))
    lib.expect_eq("CancelJob of it again: false",
                  rs.service.CancelJob(jid).body.CancelJobResult, False)
    cl.expect_fault("CancelJob of what is not a job id", "rsJobNotFound",
                    rs.service.CancelJob, "abc")
    rs.service.DeleteSubscription(sid)


def t_delete(env, rs, sched, fs, own):
    rs.service.DeleteSubscription(own)
    rs.service.DeleteSubscription(fs)
    left = rs.service.ListSubscriptions(REPORT).body.SubscriptionItems
    lib.check("DeleteSubscription: gone from the list", not left or
              own not in [s.SubscriptionID for s in left.Subscription], left)
    cl.expect_fault("... and GetSubscriptionProperties says so",
                    "rsSubscriptionNotFound",
                    rs.service.GetSubscriptionProperties, fs)
    rs.service.DeleteSchedule(sched)
    cl.expect_fault("DeleteSchedule: gone", "rsScheduleNotFound",
                    rs.service.GetScheduleProperties, sched)


def main():
    env = se.SchedEnv()
    try:
        env.up()
        env.samples()
        r = env.rsconfig("email", "AllowedPaths=" + env.share)
        lib.check("rsconfig: file share delivery may write into the test "
                  "folder", r.returncode == 0, r.stdout, r.stderr)
        rs = cl.client(env, cl.MGMT)
        t_extensions(env, rs)
        sched = t_schedules(env, rs)
        fs, own = t_subscriptions(env, rs, sched)
        dd = t_data_driven(env, rs, fs)
        t_history(env, rs, sched)
        t_exec_options(env, rs, sched)
        t_plans(env, rs, sched)
        t_shapes(env, sched, fs, dd)
        t_browser(env, rs, fs)
        t_jobs(env, rs)
        t_delete(env, rs, sched, fs, own)
        cl.stopped_clean(env, "after the subscription calls")
    finally:
        env.cleanup()
        if os.environ.get("RS_KEEP_LOG"):
            with open(env.rs_log) as f:
                sys.stderr.write(f.read()[-6000:])
    lib.done_testing()


if __name__ == "__main__":
    main()
