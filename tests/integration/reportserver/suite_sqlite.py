#!/usr/bin/env python3
"""tests/integration/reportserver/suite_sqlite.py: the report server end to end.

The real bin/reportserver behind the real bin/httpsvc over TLS (certificate
from `certstore new-self-signed`, binding and URL ACLs from `httpcfg`),
driven with curl and Python's http.client:

  - before the database exists every request gets the 503
    rsReportServerDatabaseUnavailable page naming the command that fixes it;
    `rsconfig database create` fixes it without a restart;
  - plain HTTP is refused with rsSecureConnectionRequired (level 1), pointing
    to the HTTPS URL;
  - sign-in with HTTP Basic: the built-in administrator and a PAM account
    made for the test (useradd + chpasswd, removed at the end);
  - /ReportServer folder listing, GetResourceContents, the Render hook;
  - PostgreSQL data sources go only where PostgreSQLDataSources allows;
  - the HTML viewer's paging (First/Previous/Next/Last, "Page N of M" and
    TotalPages right on every page), followed link by link;
  - REST round trips with OData options; bad input (malformed JSON, path
    traversal, reserved characters, oversized content) changes nothing;
  - roles: a Browser cannot upload; inheritance and breaking it;
  - the portal: pages, CSRF-checked forms, upload through a form;
  - a locked database answers rsServerBusy and loses nothing;
  - repeated sign-in failures are slowed down, then locked out, and logged.

suite_postgres.py runs the same suite against a PostgreSQL server it starts.
"""
import base64
import http.client
import json
import os
import random
import re
import sqlite3
import ssl
import string
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import lib  # noqa: E402

SRC = "127.0.0.77"
APPID = "{7c3a9d52-5b8e-4f0e-9a41-000000000005}"
ADMIN_PW = "Adm1n pass: ünïcode & spaces"
MAX_UPLOAD = 1024 * 1024


def sh(*args, input=None):
    return subprocess.run(args, input=input, capture_output=True, text=True,
                          errors="replace", timeout=60)


class Env:
    """One state root with httpsvc and reportserver running on it."""

    def __init__(self, backend, dsn):
        self.backend = backend      # "SQLite" or "PostgreSQL"
        self.dsn = dsn
        self.root = lib.ROOT
        self.port = lib.free_port()
        self.http_port = lib.free_port()
        self.rs = None
        self.users = []
        self.restart_db = None      # set by suite_postgres
        self.pg = None              # suite_postgres: its server
        self.pg_allow = []          # <PostgreSQLDataSources> patterns
        self.cafile = os.path.join(lib.TMP, "ca.pem")
        self.ctx = ssl.create_default_context(cafile=self.cafile) \
            if os.path.exists(self.cafile) else None

    # ---- set-up -------------------------------------------------------

    def config_text(self):
        res = ""
        for name, vdir in (("ReportServerWebService", "ReportServer"),
                           ("ReportServerWebApp", "Reports")):
            res += ("<Application><Name>%s</Name><VirtualDirectory>%s"
                    "</VirtualDirectory><URLs>"
                    "<URL><UrlString>https://+:%d</UrlString><AccountSid>"
                    "S-1-22-1-0</AccountSid><AccountName>root</AccountName>"
                    "</URL><URL><UrlString>http://+:%d</UrlString>"
                    "<AccountSid>S-1-22-1-0</AccountSid></URL></URLs>"
                    "</Application>" % (name, vdir, self.port,
                                         self.http_port))
        dsn = self.dsn.replace("&", "&amp;")
        allow = "".join("<Allow>%s</Allow>" % a for a in self.pg_allow)
        return """<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <Dsn>%s</Dsn>
  <DatabaseType>%s</DatabaseType>
  <Add Key="SecureConnectionLevel" Value="1"/>
  <Add Key="MaxUploadBytes" Value="%d"/>
  <URLReservations>%s</URLReservations>
  <PostgreSQLDataSources>%s</PostgreSQLDataSources>
  <Authentication>
    <AuthenticationTypes><RSWindowsBasic><LogonMethod>3</LogonMethod>
      <Realm>ReportServer</Realm></RSWindowsBasic></AuthenticationTypes>
    <AccountSources>BuiltIn PAM</AccountSources>
    <SlowdownAfter>3</SlowdownAfter>
    <LockoutThreshold>5</LockoutThreshold>
    <LockoutMinutes>1</LockoutMinutes>
  </Authentication>
</Configuration>
""" % (dsn, self.backend, MAX_UPLOAD, res, allow)

    def setup(self):
        r = lib.run("certstore", "new-self-signed", "--dns", "localhost")
        thumb = r.stdout.strip().splitlines()[-1].split()[-1]
        lib.check("certstore makes a test certificate",
                  re.fullmatch(r"[0-9A-Fa-f]{40}", thumb), r.stdout, r.stderr)
        lib.run("certstore", "export", thumb, "--cert", self.cafile)
        self.ctx = ssl.create_default_context(cafile=self.cafile)
        for ip in ("0.0.0.0", "[::]"):
            r = lib.run("httpcfg", "add", "sslcert",
                        "ipport=%s:%d" % (ip, self.port), "certhash=" + thumb,
                        "appid=" + APPID)
            lib.check("httpcfg binds the certificate to %s" % ip,
                      r.returncode == 0, r.stderr)
        for scheme, port in (("https", self.port), ("http", self.http_port)):
            for vdir in ("ReportServer", "Reports"):
                lib.run("httpcfg", "add", "urlacl",
                        "url=%s://+:%d/%s/" % (scheme, port, vdir),
                        "user=root")
        os.makedirs(os.path.join(self.root, "reportserver"), exist_ok=True)
        with open(self.config_path(), "w") as f:
            f.write(self.config_text())
        self.svc_log = os.path.join(lib.TMP, "httpsvc.log")
        lib.start_bg("httpsvc", log=self.svc_log)
        lib.check("httpsvc starts", lib.wait_for(
            lambda: "ready: listening" in open(self.svc_log).read(), 30))

    def up(self):
        """setup(), the report server, and a database with the admin."""
        self.setup()
        self.start_rs()
        r = lib.run("rsconfig", "database", "create", "--admin-user",
                    "admin", "--admin-password-stdin", input=ADMIN_PW + "\n")
        lib.check("database created", r.returncode == 0, r.stderr)
        lib.wait_for(lambda: self.admin("GET", "/ReportServer/")[0] == 200,
                     10)

    def config_path(self):
        return os.path.join(self.root, "reportserver",
                            "rsreportserver.config")

    def start_rs(self):
        self.rs_log = os.path.join(lib.TMP, "reportserver.log")
        self.rs = lib.start_bg("reportserver", log=self.rs_log)
        ok = lib.wait_for(lambda: self.get("/ReportServer/")[0] != 503 or
                          "rsReportServerDatabaseUnavailable" in
                          self.get("/ReportServer/")[2], 30)
        lib.check("reportserver registers its URLs with httpsvc", ok,
                  open(self.rs_log).read())

    def stop_rs(self):
        self.rs.terminate()
        self.rs.wait(timeout=30)

    def add_pam_user(self, role):
        name = "rs%s%s" % (role[:4], "".join(
            random.choice(string.ascii_lowercase) for _ in range(6)))
        pw = "Pw-" + "".join(random.choice(string.ascii_letters)
                             for _ in range(12))
        r = sh("useradd", "-M", "-s", "/usr/sbin/nologin", name)
        if r.returncode != 0:
            lib.not_ok("useradd " + name, r.stderr)
            return name, pw
        self.users.append(name)
        sh("chpasswd", input="%s:%s\n" % (name, pw))
        return name, pw

    def cleanup(self):
        for u in self.users:
            sh("userdel", "-f", u)

    # ---- requests -----------------------------------------------------

    def request(self, method, path, body=None, user=None, pw=None,
                headers=None, https=True, source=None):
        if https:
            c = http.client.HTTPSConnection(
                "localhost", self.port, context=self.ctx, timeout=60,
                source_address=(source, 0) if source else None)
        else:
            c = http.client.HTTPConnection("127.0.0.1", self.http_port,
                                           timeout=60)
        h = dict(headers or {})
        if user is not None:
            tok = base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()
            h["Authorization"] = "Basic " + tok
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        path = urllib.parse.quote(path, safe="/?&=%$'(),:;+*@!~#")
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), \
            data.decode("utf-8", "replace"), data

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def admin(self, method, path, body=None, **kw):
        return self.request(method, path, body, user="admin", pw=ADMIN_PW,
                            **kw)

    def api(self, method, path, body=None, user="admin", pw=ADMIN_PW, **kw):
        st, h, text, raw = self.request(method, "/Reports/api/v2.0" + path,
                                        body, user=user, pw=pw, **kw)
        try:
            j = json.loads(text) if text else None
        except ValueError:
            j = None
        return st, j, text

    def upload(self, folder, filename, data, user="admin", pw=ADMIN_PW):
        """The portal's upload form, as a browser posts it."""
        st, h, page, _ = self.request("GET", "/Reports/browse" + folder,
                                      user=user, pw=pw)
        tok = csrf_of(page)
        bd = "----rsupload"
        body = b"".join(b"--%s\r\nContent-Disposition: form-data; name="
                        b"\"%s\"\r\n\r\n%s\r\n" % (bd.encode(), k.encode(),
                                                v.encode())
                        for k, v in (("csrf", tok), ("op", "upload"),
                                     ("path", folder), ("type", "auto")))
        body += (b"--%s\r\nContent-Disposition: form-data; name=\"file\"; "
                 b"filename=\"%s\"\r\nContent-Type: application/octet-stream"
                 b"\r\n\r\n%s\r\n--%s--\r\n" % (bd.encode(), filename.encode(),
                                                data, bd.encode()))
        return self.request("POST", "/Reports/action", body=body, user=user,
                            pw=pw, headers={"Content-Type": "multipart/"
                                            "form-data; boundary=" + bd})

    def curl(self, *args):
        return sh("curl", "-s", "--cacert", self.cafile, "--max-time", "30",
                  *args)


def mini_rdl(text):
    """The smallest report this server stores: one textbox saying text."""
    return ('<Report xmlns="http://schemas.microsoft.com/sqlserver/'
            'reporting/2016/01/reportdefinition"><ReportSections>'
            '<ReportSection><Body><ReportItems><Textbox Name="T"><Paragraphs>'
            '<Paragraph><TextRuns><TextRun><Value>%s</Value></TextRun>'
            '</TextRuns></Paragraph></Paragraphs></Textbox></ReportItems>'
            '<Height>1in</Height></Body><Width>6in</Width><Page/>'
            '</ReportSection></ReportSections></Report>' % text).encode()


def b64(data):
    return base64.b64encode(data).decode()


def t_database_missing(env):
    st, h, text, _ = env.get("/ReportServer/")
    lib.expect_eq("no database: 503", st, 503)
    lib.check("503 page names rsReportServerDatabaseUnavailable",
              "rsReportServerDatabaseUnavailable" in text, text)
    lib.check("503 page gives the command that creates the database",
              "rsconfig database create" in text, text)
    st, _, text = env.api("GET", "/CatalogItems")
    lib.check("REST answers the same error as JSON",
              st == 503 and '"code":"rsReportServerDatabaseUnavailable"'
              in text, st, text)
    r = lib.run("rsconfig", "--json", "database", "create", "--admin-user",
                "admin", "--admin-password-stdin", input=ADMIN_PW + "\n")
    lib.check("rsconfig database create succeeds", r.returncode == 0,
              r.stdout, r.stderr)
    info = json.loads(r.stdout or "{}")
    lib.expect_eq("the database is on %s" % env.backend,
                  info.get("DatabaseType"), env.backend)
    lib.check("the PostgreSQL password is not shown",
              "secret" not in r.stdout, r.stdout)
    r = lib.run("rsconfig", "database", "create", "--admin-user", "admin",
                "--admin-password-stdin", input="x\n")
    lib.check("creating it twice is refused and names the reason",
              r.returncode != 0 and "already exists" in r.stderr, r.stderr)
    ok = lib.wait_for(lambda: env.admin("GET", "/ReportServer/")[0] == 200,
                      10)
    lib.check("the running server picks up the new database", ok)


def t_secure(env):
    st, h, text, _ = env.get("/ReportServer/", https=False)
    lib.expect_eq("plain HTTP at SecureConnectionLevel 1: 403", st, 403)
    lib.check("... names rsSecureConnectionRequired",
              "rsSecureConnectionRequired" in text, text)
    lib.check("... points to the HTTPS URL",
              "https://127.0.0.1:%d/ReportServer/" % env.port in text, text)
    st, h, text, _ = env.admin("GET", "/ReportServer/", https=False)
    lib.expect_eq("credentials over plain HTTP are refused too", st, 403)


def t_signin(env):
    st, h, text, _ = env.get("/ReportServer/")
    lib.expect_eq("no credentials: 401", st, 401)
    lib.check("401 carries the Basic challenge a browser shows",
              h.get("www-authenticate", "").startswith(
                  'Basic realm="ReportServer"'), h)
    st, _, _, _ = env.request("GET", "/ReportServer/", user="admin",
                              pw="wrong")
    lib.expect_eq("wrong password: 401", st, 401)
    r = env.curl("-u", "admin:" + ADMIN_PW, "-o", "/dev/null", "-w",
                 "%{http_code}", "https://localhost:%d/ReportServer/"
                 % env.port)
    lib.expect_eq("curl signs in with the built-in administrator", r.stdout,
                  "200")


def t_rest(env):
    st, j, text = env.api("POST", "/Folders", {"Name": "Sales",
                                                "Path": "/Sales"})
    lib.expect_eq("POST /Folders creates a folder: 201", st, 201)
    lib.expect_eq("... with the original's property names",
                  (j or {}).get("Type"), "Folder")
    folder_id = (j or {}).get("Id", "")
    st, j, text = env.api("POST", "/Folders", {"Name": "Sales",
                                                "Path": "/Sales"})
    lib.check("creating it again: 409 rsItemAlreadyExists",
              st == 409 and j["error"]["code"] == "rsItemAlreadyExists", text)
    blob = bytes(random.getrandbits(8) for _ in range(100000))
    st, j, text = env.api("POST", "/CatalogItems", {
        "@odata.type": "#Model.Resource", "Path": "/Sales/logo.png",
        "Content": b64(blob), "ContentType": ""})
    lib.expect_eq("upload a 100 kB resource as base64: 201", st, 201)
    res_id = (j or {}).get("Id", "")
    lib.expect_eq("its size is right", (j or {}).get("Size"), len(blob))
    for i, name in enumerate(["Q1 Sales", "Q2 Sales", "Annual",
                              "Überblick (alt)"]):
        st, j, _ = env.api("POST", "/Reports", {
            "Name": name, "Path": "/Sales/" + name,
            "Content": b64(mini_rdl("report %d" % i)),
            "Description": "report %d" % i})
        lib.expect_eq("upload report '%s'" % name, st, 201)
    st, j, _ = env.api("POST", "/DataSources", {
        "Name": "Warehouse", "Path": "/Sales/Warehouse",
        "ConnectionString": "host=db dbname=dw", "DataSourceType": "POSTGRESQL",
        "IsEnabled": True})
    lib.check("create a shared data source by its properties",
              st == 201 and j["ConnectionString"] == "host=db dbname=dw",
              st, j)

    st, hdr, _, raw = env.admin(
        "GET", "/Reports/api/v2.0/CatalogItems(%s)/Content/$value" % res_id)
    lib.check("Content/$value returns the exact bytes",
              st == 200 and raw == blob, st, len(raw))
    lib.expect_eq("... with the MIME type of its name",
                  hdr.get("content-type"), "image/png")

    q = "/CatalogItems?" + urllib.parse.urlencode({
        "$filter": "Type eq 'Report' and (contains(Name,'sales') or "
                   "startswith(Name,'Ann'))",
        "$orderby": "Name desc", "$select": "Name,Path", "$count": "true"})
    st, j, text = env.api("GET", q)
    names = [v["Name"] for v in (j or {}).get("value", [])]
    lib.expect_eq("$filter with eq, contains, startswith, and, or; $orderby "
                  "desc", names, ["Q2 Sales", "Q1 Sales", "Annual"])
    lib.expect_eq("@odata.count", (j or {}).get("@odata.count"), 3)
    lib.expect_eq("$select keeps only the named properties",
                  sorted(k for k in (j or {"value": [{}]})["value"][0]
                         if not k.startswith("@")), ["Name", "Path"])
    st, j, _ = env.api("GET", "/Folders(%s)/CatalogItems?%s" % (
        folder_id, urllib.parse.urlencode({"$orderby": "Name",
                                           "$top": "2", "$skip": "1"})))
    lib.expect_eq("Folders(id)/CatalogItems with $top and $skip",
                  [v["Name"] for v in (j or {}).get("value", [])],
                  ["logo.png", "Q1 Sales"])
    st, j, _ = env.api("GET", "/CatalogItems?" + urllib.parse.urlencode(
        {"$filter": "Type ne 'Report' and Size gt 50000"}))
    lib.expect_eq("$filter with ne and a number",
                  [v["Name"] for v in (j or {}).get("value", [])],
                  ["logo.png"])
    st, j, text = env.api("GET", "/CatalogItems?%24filter=Bogus%20eq%201")
    lib.check("an unknown property in $filter: 400 with a clear message",
              st == 400 and "unknown property" in text, text)

    st, j, _ = env.api("PATCH", "/CatalogItems(Path='/Sales/Annual')",
                       {"Name": "Annual 2026", "Description": "renamed"})
    lib.expect_eq("PATCH renames: 204", st, 204)
    st, j, _ = env.api("GET", "/Reports(Path='/Sales/Annual 2026')")
    lib.check("... and the new path answers", st == 200 and
              j["Description"] == "renamed", st, j)
    st, j, text = env.api("POST", "/CatalogItems/Model.MoveItems", {
        "CatalogItemPaths": ["/Sales/Annual 2026"], "TargetPath": "/"})
    lib.check("Model.MoveItems moves an item", st == 200 and
              j["HasErrors"] is False, text)
    st, _, _ = env.api("DELETE", "/CatalogItems(Path='/Annual 2026')")
    lib.expect_eq("DELETE: 200", st, 200)
    st, j, _ = env.api("GET", "/CatalogItems(Path='/Annual 2026')")
    lib.check("... and it is gone: 404 rsItemNotFound",
              st == 404 and j["error"]["code"] == "rsItemNotFound", st, j)
    st, j, _ = env.api("GET", "/Me")
    lib.expect_eq("/Me names the user", (j or {}).get("Username"), "admin")
    st, j, _ = env.api("GET", "/System")
    lib.expect_eq("/System gives the web service URL",
                  (j or {}).get("ReportServerRelativeUrl"), "/ReportServer")


def count_items(env):
    st, j, _ = env.api("GET", "/CatalogItems?$count=true&$top=0")
    return (j or {}).get("@odata.count")


def t_bad_input(env):
    before = count_items(env)
    cases = [
        ("malformed JSON", "POST", "/CatalogItems", '{"Name": "x",',
         400, "rsInvalidParameter"),
        ("a JSON array body", "POST", "/CatalogItems", "[1,2]", 400,
         "rsInvalidParameter"),
        ("path traversal", "POST", "/Folders",
         {"Path": "/Sales/../../etc"}, 400, "rsInvalidItemPath"),
        ("reserved character in a name", "POST", "/Folders",
         {"Name": "a;b"}, 400, "rsInvalidItemName"),
        ("a name with a slash", "PATCH",
         "/CatalogItems(Path='/Sales/logo.png')", {"Name": "x/y"}, 400,
         "rsInvalidItemName"),
        ("bad base64", "POST", "/Resources",
         {"Path": "/Sales/x.bin", "Content": "***"}, 400,
         "rsInvalidParameter"),
        ("content over MaxUploadBytes", "POST", "/Resources",
         {"Path": "/Sales/big.bin", "Content": b64(b"x" * (MAX_UPLOAD + 1))},
         413, "rsInvalidParameter"),
        ("a deep unbalanced JSON", "POST", "/CatalogItems", "[" * 5000,
         400, "rsInvalidParameter"),
        ("an unknown item type", "POST", "/CatalogItems",
         {"@odata.type": "#Model.Kpi", "Path": "/k"}, 400,
         "rsInvalidParameter"),
        ("a missing parent folder", "POST", "/Folders",
         {"Path": "/Nowhere/x"}, 404, "rsItemNotFound"),
    ]
    for desc, m, path, body, want, code in cases:
        if isinstance(body, str):
            st, j, text = env.api(m, path, body,
                                  headers={"Content-Type": "application/json"})
        else:
            st, j, text = env.api(m, path, body)
        lib.check("%s: %d %s" % (desc, want, code), st == want and j and
                  j.get("error", {}).get("code") == code, st, text[:300])
    big = '{"Path":"/Sales/huge.bin","Content":"%s"}' % ("A" * (2 << 20))
    st, j, text = env.api("POST", "/Resources", big,
                          headers={"Content-Type": "application/json"})
    # The report server's app server answers 413 and closes before the body
    # is read whole; httpsvc passes that on as 502 today (its area: noted).
    lib.check("a request body far over the limit is refused",
              st in (413, 502), st, text[:200])
    sock = os.path.join(env.root, "run", "reportserver", "reportserver.sock")
    bigfile = os.path.join(lib.TMP, "big.json")
    with open(bigfile, "w") as f:
        f.write(big)
    r = sh("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
           "--unix-socket", sock, "-u", "admin:" + ADMIN_PW, "-H",
           "Content-Type: application/json", "--data-binary", "@" + bigfile,
           "http://localhost/Reports/api/v2.0/Resources")
    lib.expect_eq("... with 413 from the report server itself", r.stdout,
                  "413")
    st, j, text = env.api("POST", "/Folders", "{}",
                          headers={"Content-Type": "text/plain"})
    lib.expect_eq("a body that is not JSON: 415", st, 415)
    lib.expect_eq("bad requests changed nothing", count_items(env), before)
    st, h, text, _ = env.admin("GET", "/ReportServer/?%2f..%2f..%2fetc"
                               "&rs:Command=ListChildren")
    lib.check("/ReportServer with a traversal path: 400 rsInvalidItemPath",
              st == 400 and "rsInvalidItemPath" in text, st, text[:300])
    odd = "Ωmega & Co. (v2) #1 'quoted' 100%"
    st, j, text = env.api("POST", "/Folders", {"Path": "/" + odd.replace(
        "&", "and")})
    lib.check("odd but valid characters in a name work", st == 201, text)
    st, j, _ = env.api("GET", "/CatalogItems(Path='/%s')" % urllib.parse.quote(
        odd.replace("&", "and").replace("'", "''")))
    lib.expect_eq("... and can be found by path (quote doubled)", st, 200)


def t_listing(env):
    r = env.curl("-u", "admin:" + ADMIN_PW,
                 "https://localhost:%d/ReportServer?%%2fSales&rs:Command="
                 "ListChildren" % env.port)
    page = r.stdout
    lib.check("ListChildren page has the original's title",
              "<title>localhost:%d/ReportServer - /Sales</title>" % env.port
              in page, page[:400])
    lib.check("... a [To Parent Directory] line", "[To Parent Directory]"
              in page, page[:800])
    lib.check("... data sources tagged <ds>", re.search(
        r"&lt;ds&gt; <A HREF=\"\?%2fSales%2fWarehouse&amp;rs:Command="
        r"GetDataSourceContents\">Warehouse</A>", page), page)
    lib.check("... reports link to Render", "?%2fSales%2fQ1+Sales&amp;"
              "rs:Command=Render\">Q1 Sales</A>" in page, page)
    lib.check("... the version footer tools parse", re.search(
        r"Microsoft SQL Server Reporting Services Version (\d+\.\d+)", page),
        page[-300:])
    lines = [ln for ln in page.splitlines() if "<A HREF" in ln]
    lib.check("... modified date in US long format", re.search(
        r"\w+day, \w+ \d{1,2}, \d{4} \d{1,2}:\d\d [AP]M", lines[-1] if lines
        else ""), lines)
    r = env.curl("-u", "admin:" + ADMIN_PW, "-D", "-", "-o", "/dev/null",
                 "https://localhost:%d/ReportServer?/Sales/logo.png&"
                 "rs:Command=GetResourceContents" % env.port)
    lib.check("GetResourceContents serves the resource with its type",
              "content-type: image/png" in r.stdout.lower(), r.stdout[:300])
    lib.check("... sandboxed, so an uploaded page never runs as the server's",
              "content-security-policy: sandbox" in r.stdout.lower(),
              r.stdout[:400])
    st, j, text = env.api("POST", "/Reports", {
        "Path": "/Sales/NotRdl", "Content": b64(b"<Report>0</Report>")})
    lib.check("a report that is not RDL is refused when stored, so nothing "
              "stored fails to render: 400 rsInvalidReportDefinition",
              st == 400 and j["error"]["code"] ==
              "rsInvalidReportDefinition" and "line 1" in text, st, text)
    st, h, text, _ = env.admin("GET", "/ReportServer?/Sales/Warehouse")
    lib.check("a data source's URL gives its DataSourceDefinition",
              st == 200 and "<Extension>POSTGRESQL</Extension><ConnectString>"
              "host=db dbname=dw</ConnectString>" in text and
              "<Enabled>True</Enabled>" in text, st, text)
    rds = (b'<?xml version="1.0" encoding="utf-8"?><RptDataSource Name="Old">'
           b'<ConnectionProperties><Extension>SQLITE</Extension>'
           b'<ConnectString>/x.db</ConnectString></ConnectionProperties>'
           b'<DataSourceID>8d3a</DataSourceID></RptDataSource>')
    env.api("POST", "/CatalogItems", {"@odata.type": "#Model.DataSource",
                                      "Path": "/Sales/Old", "Content": b64(rds)})
    st, h, text, _ = env.admin("GET", "/ReportServer?/Sales/Old&rs:Command="
                               "GetDataSourceContents")
    lib.check("... also for an uploaded .rds file",
              "<Extension>SQLITE</Extension><ConnectString>/x.db"
              "</ConnectString>" in text, st, text)
    st, j, _ = env.api("GET", "/DataSources(Path='/Sales/Old')")
    lib.check("REST reads the .rds file's connection too",
              j and j.get("ConnectionString") == "/x.db" and
              j.get("DataSourceType") == "SQLITE", j)
    st, h, text, _ = env.admin("GET", "/ReportServer?/Sales/logo.png&"
                               "rs:Command=ListChildren")
    lib.check("ListChildren on a resource: rsWrongItemType",
              st == 400 and "rsWrongItemType" in text, st)


def t_roles(env):
    browser, bpw = env.add_pam_user("browser")
    pub, ppw = env.add_pam_user("publisher")
    st, j, _ = env.api("GET", "/Me", user=browser, pw=bpw)
    lib.check("a PAM account made for the test signs in",
              st == 200 and j["Username"] == browser, st, j)
    st, j, _ = env.api("POST", "/Folders", {"Path": "/Team"})
    st, j, _ = env.api("POST", "/Folders", {"Path": "/Team/Sub"})
    st, j, _ = env.api("POST", "/Folders", {"Path": "/Team/Sub/Deep"})
    st, j, text = env.api("PUT", "/CatalogItems(Path='/Team')/Policies", {
        "InheritParentPolicy": False, "Policies": [
            {"GroupUserName": "admin", "Roles": [{"Name": "Content Manager"}]},
            {"GroupUserName": browser, "Roles": [{"Name": "Browser"}]},
            {"GroupUserName": pub, "Roles": [{"Name": "Publisher"},
                                             {"Name": "Browser"}]}]})
    lib.expect_eq("break inheritance on /Team with PUT Policies", st, 200)
    st, j, _ = env.api("GET", "/CatalogItems(Path='/Team/Sub/Deep')/Policies")
    lib.check("/Team/Sub/Deep inherits /Team's assignments, each name "
              "qualified by its kind (a bare name: the built-in account if "
              "there is one, else a Linux user)",
              j and j["InheritParentPolicy"] is True and
              sorted((p["GroupUserName"], p["PrincipalKind"])
                     for p in j["Policies"]) ==
              sorted([("BuiltInUser\\admin", "BuiltInUser"),
                      ("LinuxUser\\" + browser, "LinuxUser"),
                      ("LinuxUser\\" + pub, "LinuxUser")]), j)
    st, j, _ = env.api("GET", "/Folders(Path='/Team/Sub')/CatalogItems",
                       user=browser, pw=bpw)
    lib.expect_eq("a Browser can list an inherited folder", st, 200)
    st, j, _ = env.api("POST", "/Resources", {
        "Path": "/Team/Sub/x.txt", "Content": b64(b"hi")},
        user=browser, pw=bpw)
    lib.check("a Browser cannot upload: 403 rsAccessDenied",
              st == 403 and j["error"]["code"] == "rsAccessDenied", st, j)
    st, j, _ = env.api("POST", "/Resources", {
        "Path": "/Team/Sub/x.txt", "Content": b64(b"hi")}, user=pub, pw=ppw)
    lib.expect_eq("a Publisher can upload", st, 201)
    st, j, _ = env.api("PUT", "/CatalogItems(Path='/Team')/Policies", {
        "InheritParentPolicy": True}, user=browser, pw=bpw)
    lib.expect_eq("a Browser cannot change security", st, 403)
    st, j, _ = env.api("GET", "/CatalogItems", user=browser, pw=bpw)
    paths = sorted(v["Path"] for v in (j or {}).get("value", []))
    lib.check("listings show a Browser only what it may see",
              paths and all(p.startswith("/Team") for p in paths), paths)
    st, h, text, _ = env.request("GET", "/ReportServer/", user=browser,
                                 pw=bpw)
    lib.check("a Browser without a role on Home is denied it",
              st == 403 and "rsAccessDenied" in text, st)
    st, j, _ = env.api("PUT", "/CatalogItems(Path='/Team/Sub')/Policies", {
        "InheritParentPolicy": False, "Policies": [
            {"GroupUserName": "admin",
             "Roles": [{"Name": "Content Manager"}]}]})
    st, j, _ = env.api("GET", "/Folders(Path='/Team/Sub/Deep')/CatalogItems",
                       user=browser, pw=bpw)
    lib.expect_eq("breaking inheritance on /Team/Sub takes the Browser "
                  "off its subtree (404: no role on it or its parent, so "
                  "its existence is not revealed)", st, 404)
    st, j, _ = env.api("PUT", "/CatalogItems(Path='/Team/Sub')/Policies", {
        "InheritParentPolicy": True})
    st, j, _ = env.api("GET", "/Folders(Path='/Team/Sub/Deep')/CatalogItems",
                       user=browser, pw=bpw)
    lib.expect_eq("reverting to the parent gives it back", st, 200)


def csrf_of(page):
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    return m.group(1) if m else ""


def t_portal(env):
    st, h, _, _ = env.admin("GET", "/Reports/")
    lib.check("/Reports redirects to the home folder",
              st == 302 and h.get("location") == "/Reports/browse/", st, h)
    st, h, page, _ = env.admin("GET", "/Reports/browse/Sales")
    lib.expect_eq("the folder page loads", st, 200)
    lib.check("it has breadcrumbs", 'aria-label="Breadcrumb"' in page and
              'aria-current="page"' in page, page[:500])
    lib.check("every form carries a CSRF token",
              page.count("<form") > 0 and
              page.count("<form") == page.count('name="csrf"'), page)
    lib.check("every input has a label", all(
        ('id="%s"' % i) in page for i in re.findall(r'label for="(\w+)"',
                                                     page)), page)
    tok = csrf_of(page)
    budget = mini_rdl("budget")
    boundary = "----rstest%d" % random.randint(0, 1 << 30)
    body = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s"
            "\r\n--%s\r\nContent-Disposition: form-data; name=\"op\"\r\n\r\n"
            "upload\r\n--%s\r\nContent-Disposition: form-data; name=\"path\""
            "\r\n\r\n/Sales\r\n--%s\r\nContent-Disposition: form-data; "
            "name=\"type\"\r\n\r\nauto\r\n--%s\r\nContent-Disposition: "
            "form-data; name=\"file\"; filename=\"Budget.rdl\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n%s"
            "\r\n--%s--\r\n") % ((boundary, tok) + (boundary,) * 4 +
                                  (budget.decode(), boundary))
    st, h, _, _ = env.admin("POST", "/Reports/action", body=body, headers={
        "Content-Type": "multipart/form-data; boundary=" + boundary})
    lib.check("uploading a .rdl through the portal form works (303)",
              st == 303 and "/Reports/browse/Sales" in h.get("location", ""),
              st, h)
    st, j, _ = env.api("GET", "/Reports(Path='/Sales/Budget')")
    lib.check("... and makes a report named without .rdl",
              st == 200 and j["Size"] == len(budget), st)
    form = urllib.parse.urlencode({"csrf": "0" * 64, "op": "newfolder",
                                   "path": "/Sales", "name": "Forged"})
    st, h, text, _ = env.admin("POST", "/Reports/action", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    lib.check("a form without the right CSRF token is refused",
              st == 403 and "expired" in text, st)
    st, _, _ = env.api("GET", "/CatalogItems(Path='/Sales/Forged')")
    lib.expect_eq("... and changed nothing", st, 404)
    form = urllib.parse.urlencode({"csrf": tok, "op": "newfolder",
                                   "path": "/Sales", "name": "Made Here"})
    st, h, _, _ = env.admin("POST", "/Reports/action", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    lib.expect_eq("a new folder through the portal form", st, 303)
    form = urllib.parse.urlencode({"csrf": tok, "op": "props",
                                   "path": "/Sales/Made Here",
                                   "description": "<b>made</b> here",
                                   "hidden": "1"})
    st, h, _, _ = env.admin("POST", "/Reports/action", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    st2, j, _ = env.api("GET", "/Folders(Path='/Sales/Made Here')")
    lib.check("the Properties form sets description and hidden",
              st == 303 and j and j["Hidden"] is True and
              j["Description"] == "<b>made</b> here", st, j)
    st, h, page, _ = env.admin("GET", "/Reports/browse/Sales")
    lib.check("a hidden item is left out of the folder page",
              "Made Here" not in page, st)
    st, h, page, _ = env.admin("GET", "/Reports/item/Sales/Made%20Here")
    lib.check("its page shows the description escaped",
              "&lt;b&gt;made&lt;/b&gt; here" in page and "<b>made" not in page,
              st)
    st, h, page, _ = env.admin("GET", "/Reports/security/Sales")
    lib.check("the security page lists the inherited assignment",
              st == 200 and "Customize security" in page and
              "Content Manager" in page, st)


def t_render(env):
    # SQLite data sources must be under ROOT/data (DataSourceRoot).
    db = os.path.join(lib.ROOT, "data", "sales.db")
    os.makedirs(os.path.dirname(db), exist_ok=True)
    r = sh(os.path.join(lib.SRC, "samples", "make-db.sh"), db)
    lib.check("the sample sales database is made", r.returncode == 0,
              r.stderr)
    env.api("POST", "/Folders", {"Path": "/Samples"})
    st, j, _ = env.api("POST", "/DataSources", {
        "Path": "/Samples/Sales", "ConnectionString": db,
        "DataSourceType": "SQLITE"})
    lib.expect_eq("a shared SQLite data source for the samples", st, 201)
    for name in ("SalesSummary", "ProductList"):
        with open(os.path.join(lib.SRC, "samples", "reports",
                               name + ".rdl"), "rb") as f:
            st, j, _ = env.api("POST", "/Reports", {
                "Path": "/Samples/" + name, "Content": b64(f.read())})
        lib.expect_eq("upload sample report " + name, st, 201)
    st, h, text, raw = env.admin(
        "GET", "/ReportServer?/Samples/SalesSummary&rs:Format=CSV")
    with open(os.path.join(lib.SRC, "tests", "golden", "SalesSummary.csv"),
              "rb") as f:
        golden = f.read()
    lib.check("rs:Format=CSV renders the report through the shared data "
              "source, as the golden file", st == 200 and raw == golden, st,
              text[:300])
    lib.check("... as an attachment named after the report",
              "SalesSummary.csv" in h.get("content-disposition", ""), h)
    st, h, text, _ = env.admin("GET", "/ReportServer?%2FSamples%2FProductList"
                               "=&rs:Command=Render&rs:Format=CSV")
    lib.check("the viewer form's URL (the item path as a first key with "
              "'=') renders too", st == 200 and "Product" in text, st,
              text[:300])
    st, h, text, _ = env.admin("GET", "/ReportServer?/Samples/ProductList")
    lib.check("without rs:Format a report renders as HTML",
              st == 200 and h.get("content-type", "").startswith(
                  "text/html") and "<table" in text, st, text[:300])
    st, h, _, raw = env.admin("GET", "/ReportServer?/Samples/SalesSummary&"
                              "rs:Command=Render&rs:Format=PDF")
    lib.check("rs:Format=PDF gives a PDF", st == 200 and
              raw.startswith(b"%PDF"), st, raw[-300:])
    st, h, text, _ = env.admin("GET", "/ReportServer?/Samples/SalesSummary&"
                               "rs:Format=WORDOPENXML")
    lib.check("an unknown format: 400 naming the formats there are",
              st == 400 and "EXCELOPENXML" in text, st, text[:300])
    with open(os.path.join(lib.SRC, "samples", "reports",
                           "SalesByMonth.rdl"), "rb") as f:
        st, j, _ = env.api("POST", "/Reports", {
            "Path": "/Samples/SalesByMonth", "Content": b64(f.read())})
    lib.expect_eq("upload sample report SalesByMonth", st, 201)
    codes = []
    for i in range(8):	# on every worker thread: a failure, then a render
        codes.append(env.admin("GET", "/ReportServer?/Samples/SalesByMonth&"
                               "Year=abc&rs:Format=CSV")[0])
        codes.append(env.admin("GET", "/ReportServer?/Samples/SalesSummary"
                               "&rs:Format=CSV")[0])
    lib.expect_eq("a failed render leaves nothing behind for the next",
                  codes, [400, 200] * 8)
    env.api("DELETE", "/DataSources(Path='/Samples/Sales')")
    st, h, text, _ = env.admin("GET", "/ReportServer?/Samples/SalesSummary&"
                               "rs:Format=CSV")
    lib.check("a missing shared data source: rsDataSourceNotFound",
              st == 404 and "rsDataSourceNotFound" in text, st, text[:300])
    if env.backend == "SQLite":
        n = sqlite3.connect(env.dsn).execute(
            "SELECT count(*), sum(status = 'rsSuccess') FROM execution_log "
            "WHERE item_path LIKE '/Samples/%'").fetchone()
        lib.check("each render is in the execution log", n[0] >= 4 and
                  n[1] >= 3, n)


def t_exec_log(env):
    """GET /ExecutionLogs: the execution log, for System Administrators."""
    db = os.path.join(lib.ROOT, "data", "sales.db")
    st, j, _ = env.api("POST", "/DataSources", {
        "Path": "/Samples/Sales", "ConnectionString": db,
        "DataSourceType": "SQLITE"})
    lib.expect_eq("the samples' data source again", st, 201)
    for fmt in ("CSV", "PDF"):
        st = env.admin("GET", "/ReportServer?/Samples/ProductList&"
                       "rs:Format=" + fmt)[0]
        lib.expect_eq("render /Samples/ProductList as " + fmt, st, 200)
    st, j, text = env.api("GET", "/ExecutionLogs")
    rows = (j or {}).get("value", [])
    lib.check("GET /ExecutionLogs lists the log as a System Administrator",
              st == 200 and "$metadata#ExecutionLogs" in
              j.get("@odata.context", "") and len(rows) >= 2, st, text[:500])
    top = rows[:2]
    lib.check("... newest first: the two renders, with ExecutionLog3's "
              "columns", [r.get("Format") for r in top] == ["PDF", "CSV"] and
              all(r["ItemPath"] == "/Samples/ProductList" and
                  r["Status"] == "rsSuccess" and r["RowCount"] > 0 and
                  r["ByteCount"] > 0 and r["UserName"] == "admin" and
                  r["RequestType"] == "Interactive" and
                  r["ItemAction"] == "Render" and r["Source"] == "Live" and
                  re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                               r["TimeStart"]) and
                  r["TimeEnd"] >= r["TimeStart"] and
                  isinstance(r["TimeRendering"], int) for r in top) and
              top[0]["Id"] != top[1]["Id"], top)
    st, j, text = env.api("GET", "/ExecutionLogs?$top=1")
    lib.check("$top=1 returns one row, the newest",
              st == 200 and len(j["value"]) == 1 and
              j["value"][0]["Id"] == top[0]["Id"], st, text[:300])
    st, j, text = env.api("GET", "/ExecutionLogs?$filter=Format eq 'CSV' "
                          "and startswith(ItemPath,'/Samples/')&$count=true")
    vals = (j or {}).get("value", [])
    lib.check("$filter=Format eq 'CSV' keeps only CSV renders (with "
              "@odata.count)", st == 200 and vals and
              all(v["Format"] == "CSV" for v in vals) and
              j["@odata.count"] == len(vals) and
              top[1]["Id"] in [v["Id"] for v in vals], st, text[:300])
    st, j, text = env.api("GET", "/ExecutionLogs?$select=ItemPath,Status&"
                          "$orderby=Id asc&$top=2")
    lib.check("$select and $orderby", st == 200 and
              all(sorted(v) == ["ItemPath", "Status"] for v in j["value"])
              and len(j["value"]) == 2, st, text[:300])
    st, j, text = env.api("GET", "/ExecutionLogs?$top=1001")
    lib.check("$top over 1000: 400 rsInvalidParameter",
              st == 400 and j["error"]["code"] == "rsInvalidParameter",
              st, text[:300])
    st, j, _ = env.api("GET", "/ExecutionLogs?$filter=Nope eq 1")
    lib.expect_eq("an unknown property in $filter: 400", st, 400)
    browser, bpw = env.add_pam_user("browser")
    st, j, text = env.api("GET", "/ExecutionLogs", user=browser, pw=bpw)
    lib.check("a Browser may not read the log: 403 rsAccessDenied",
              st == 403 and j["error"]["code"] == "rsAccessDenied" and
              "ItemPath" not in text, st, text[:300])
    st, j, _ = env.api("DELETE", "/ExecutionLogs")
    lib.expect_eq("the log is read-only: DELETE is 405", st, 405)


def toolbar_of(page):
    """("Page N of M", {link class: rc:Section}) of a viewer page."""
    m = re.search(r'<span class="rs-pages">(.*?)</span>\n', page)
    if m is None:
        return None, {}
    links = dict((c, int(n)) for n, c in re.findall(
        r'<a href="[^"]*rc:Section=(\d+)" class="(rs-[a-z]+)">', m.group(1)))
    no = re.search(r'<span class="rs-pageno">([^<]*)</span>', m.group(1))
    return no.group(1) if no else None, links


def t_viewer(env):
    """The HTML viewer's paging, followed link by link as a user would."""
    r = env.curl("-u", "admin:" + ADMIN_PW, "-w", "\n%{http_code}",
                 "https://localhost:%d/ReportServer?/Samples/SalesSummary&"
                 "rs:Command=Render" % env.port)
    page, _, code = r.stdout.rpartition("\n")
    lib.check("curl: the viewer's first page says 'Page 1 of 4', with Next "
              "and Last but no First or Previous", code == "200" and
              toolbar_of(page) == ("Page 1 of 4", {"rs-next": 2,
                                                   "rs-last": 4, "rs-all": 0}),
              code, toolbar_of(page), r.stderr)
    seen, url = [], "/ReportServer?/Samples/SalesSummary&rs:Command=Render"
    for _ in range(6):          # bounded: 4 pages expected
        st, h, page, _ = env.admin("GET", url)
        text, links = toolbar_of(page)
        foot = re.findall(r'<div class="rs-footer">.*?</div></div>', page)
        seen.append((st, text, sorted(links), re.findall(
            r">Page (\d) of (\d)<", "".join(foot))))
        nxt = re.search(r'<a href="([^"]*)" class="rs-next">', page)
        if nxt is None:
            break
        url = nxt.group(1).replace("&amp;", "&")
    expect = [(200, "Page %d of 4" % n,
               sorted((["rs-first", "rs-prev"] if n > 1 else []) +
                      (["rs-next", "rs-last"] if n < 4 else []) + ["rs-all"]),
               [(str(n), "4")]) for n in range(1, 5)]
    lib.expect_eq("following Next: 4 pages, each 'Page N of 4' in the "
                  "toolbar and in the footer (TotalPages), no Next on the "
                  "last", seen, expect)
    st, h, text, _ = env.admin("GET", "/ReportServer?/Samples/SalesSummary&"
                               "rs:Command=Render&rc:Section=5")
    lib.check("rc:Section=5 of 4: 400 rsInvalidParameter saying how many "
              "pages there are", st == 400 and "rsInvalidParameter" in text
              and "has 4 pages" in text, st, text[:400])
    st, h, page, _ = env.admin("GET", "/ReportServer?/Samples/ProductList&"
                               "rs:Command=Render")
    lib.check("a one-page report: 'Page 1 of 1' and no page links at all",
              st == 200 and toolbar_of(page) == ("Page 1 of 1", {}),
              st, toolbar_of(page))


def t_data_confine(env):
    """A published report cannot open the server's own databases."""
    outside = os.path.join(lib.TMP, "outside.db")
    sqlite3.connect(outside).execute("CREATE TABLE t(x)").connection.close()
    link = os.path.join(lib.ROOT, "data", "catalog-link.db")
    # The binding store: a server database on either catalog backend.
    target = os.path.join(lib.ROOT, "http", "bindings.db")
    os.symlink(target, link)
    with open(os.path.join(lib.SRC, "samples", "reports",
                           "ProductList.rdl"), "rb") as f:
        rdl = f.read()
    env.api("POST", "/Folders", {"Path": "/Confine"})
    for name, conn in (("Outside", outside), ("Link", link)):
        env.api("POST", "/DataSources", {
            "Path": "/Confine/Sales", "ConnectionString": conn,
            "DataSourceType": "SQLITE"})
        env.api("POST", "/Reports", {"Path": "/Confine/R" + name,
                                     "Content": b64(rdl)})
        st, h, text, _ = env.admin(
            "GET", "/ReportServer?/Confine/R%s&rs:Format=CSV" % name)
        lib.check("a shared SQLite data source %s the data root is refused"
                  % ("outside" if name == "Outside" else "linked out of"),
                  st == 403 and "outside" in text and "DataSourceRoot" in
                  text, st, text[:400])
        env.api("DELETE", "/DataSources(Path='/Confine/Sales')")
    embedded = rdl.replace(
        b"<DataSourceReference>Sales</DataSourceReference>",
        b"<ConnectionProperties><DataProvider>SQLITE</DataProvider>"
        b"<ConnectString>" + target.encode() + b"</ConnectString>"
        b"</ConnectionProperties>")
    lib.check("(the embedded variant differs)", embedded != rdl)
    env.api("POST", "/Reports", {"Path": "/Confine/Embedded",
                                 "Content": b64(embedded)})
    st, h, text, _ = env.admin(
        "GET", "/ReportServer?/Confine/Embedded&rs:Format=CSV")
    lib.check("an embedded data source naming the binding store is refused",
              st == 403 and "outside" in text, st, text[:400])


def pg_report(rdl, conn):
    """ProductList with an embedded PostgreSQL data source."""
    from xml.sax.saxutils import escape
    return rdl.replace(
        b"<DataSourceReference>Sales</DataSourceReference>",
        b"<ConnectionProperties><DataProvider>POSTGRESQL</DataProvider>"
        b"<ConnectString>" + escape(conn).encode() + b"</ConnectString>"
        b"</ConnectionProperties>")


def t_pg_policy(env):
    """A report's PostgreSQL connection goes only where the config allows.

    Refused before anything connects, so the cases run on both suites; the
    PostgreSQL suite also renders from an allowed database and tries its
    server's local socket (trust authentication) and the report server's
    own database, which a pattern allows."""
    port = env.pg.port if env.pg else 5432
    pw = env.pg.pw if env.pg else "pw"
    with open(os.path.join(lib.SRC, "samples", "reports",
                           "ProductList.rdl"), "rb") as f:
        rdl = f.read()
    refused = [
        ("no host: the default socket, as the server's OS user",
         "dbname=postgres", "PostgreSQLDataSources"),
        ("host= a database not listed",
         "host=127.0.0.1 port=%d dbname=unittest user=rs password=%s" %
         (port, pw), "&lt;Allow&gt;127.0.0.1:%d/unittest&lt;/Allow&gt;" %
         port),
        ("hostaddr= behind an allowed host name", "host=127.0.0.1 "
         "hostaddr=127.0.0.2 port=%d dbname=salesdw user=rs" % port,
         "127.0.0.2:%d/salesdw" % port),
        ("a host list with one host more", "host=127.0.0.1,localhost "
         "port=%d dbname=salesdw user=rs" % port, "%s:%d/salesdw" %
         ("localhost" if env.pg else "127.0.0.1", port)),
        ("service=", "service=reports", "option service is not allowed"),
        ("the URI form", "postgresql://rs:%s@127.0.0.1:%d/unittest" %
         (pw, port), "127.0.0.1:%d/unittest" % port),
        ("options= (session settings)", "host=127.0.0.1 port=%d dbname="
         "salesdw user=rs options='-c statement_timeout=0'" % port,
         "option options is not allowed"),
        ("a database name that is a connection string", "host=127.0.0.1 "
         "port=%d dbname='host=localhost dbname=unittest'" % port,
         "may not be a connection string"),
        ("the report server's own database", "host=127.0.0.1 port=%d "
         "dbname=reportserver user=rs password=%s" % (port, pw),
         "own database" if env.pg else "PostgreSQLDataSources"),
    ]
    if env.pg:
        refused.append(("the local socket (trust authentication)",
                        "host=%s port=%d dbname=salesdw user=postgres" %
                        (env.pg.dir, port), "PostgreSQLDataSources"))
    env.api("POST", "/Folders", {"Path": "/Pg"})
    for i, (what, conn, why) in enumerate(refused):
        env.api("POST", "/Reports", {"Path": "/Pg/R%d" % i,
                                     "Content": b64(pg_report(rdl, conn))})
        st, h, text, _ = env.admin("GET", "/ReportServer?/Pg/R%d&"
                                   "rs:Format=CSV" % i)
        lib.check("PostgreSQL data source refused: %s (403 "
                  "rsErrorOpeningConnection, saying what to change)" % what,
                  st == 403 and "rsErrorOpeningConnection" in text and
                  why in text and pw not in text, st, text[:500])
    env.api("POST", "/DataSources", {
        "Path": "/Pg/Dw", "DataSourceType": "POSTGRESQL",
        "ConnectionString": "postgresql://rs:%s@127.0.0.1:%d/unittest" %
        (pw, port)})
    env.api("POST", "/Reports", {"Path": "/Pg/Shared", "Content": b64(
        rdl.replace(b">Sales</DataSourceReference>",
                    b">Dw</DataSourceReference>"))})
    st, h, text, _ = env.admin("GET", "/ReportServer?/Pg/Shared&"
                               "rs:Format=CSV")
    lib.check("a shared PostgreSQL data source is held to the same policy",
              st == 403 and "&lt;Allow&gt;127.0.0.1:%d/unittest" % port
              in text, st, text[:500])
    if env.pg is None:
        return
    for i, conn in enumerate(("host=127.0.0.1 port=%d dbname=salesdw "
                              "user=rs password=%s" % (port, pw),
                              "postgresql://rs:%s@127.0.0.1:%d/salesdw" %
                              (pw, port))):
        env.api("POST", "/Reports", {"Path": "/Pg/Ok%d" % i,
                                     "Content": b64(pg_report(rdl, conn))})
        st, h, text, _ = env.admin("GET", "/ReportServer?/Pg/Ok%d&"
                                   "rs:Format=CSV" % i)
        lib.check("an allowed PostgreSQL database renders (%s form)" %
                  ("key=value", "URI")[i], st == 200 and
                  "Mountain Bike" in text, st, text[:500])


def t_db_restart(env):
    if env.restart_db is None:
        return
    before = count_items(env)
    env.restart_db()
    ok = lib.wait_for(lambda: count_items(env) == before, 15)
    lib.check("after the database server restarts the report server "
              "reconnects, with nothing lost", ok)


def post_form(env, fields, user="admin", pw=ADMIN_PW):
    return env.request("POST", "/Reports/action", body=urllib.parse.urlencode(
        fields), user=user, pw=pw, headers={
            "Content-Type": "application/x-www-form-urlencoded"})


def t_admin(env):
    st, h, page, _ = env.admin("GET", "/Reports/admin")
    lib.check("Site settings list the system roles and built-in accounts",
              st == 200 and "System Administrator" in page and
              "Built-in accounts" in page, st)
    tok = csrf_of(page)
    st, h, text, _ = post_form(env, {"csrf": tok, "op": "user_set",
                                     "path": "/", "name": "carol",
                                     "password": "a", "password2": "b"})
    lib.check("two different passwords are refused", st == 400, st)
    st, h, text, _ = post_form(env, {"csrf": tok, "op": "user_set",
                                     "path": "/", "name": "carol",
                                     "password": "Carol pw 1",
                                     "password2": "Carol pw 1"})
    lib.expect_eq("a System Administrator adds a built-in account", st, 303)
    st, j, _ = env.api("GET", "/Me", user="carol", pw="Carol pw 1")
    lib.check("the new built-in account signs in",
              st == 200 and j["Username"] == "carol", st, j)
    st, j, _ = env.api("GET", "/System/Policies", user="carol",
                       pw="Carol pw 1")
    lib.expect_eq("a user without system roles cannot read them", st, 403)
    st, h, _, _ = env.request("GET", "/Reports/admin", user="carol",
                              pw="Carol pw 1")
    lib.expect_eq("... nor open Site settings", st, 403)
    st, j, text = env.api("PUT", "/System/Policies", {"Policies": [
        {"GroupUserName": "admin", "Roles": [{"Name": "System "
                                              "Administrator"}]},
        {"GroupUserName": "carol", "Roles": [{"Name": "System User"}]}]})
    lib.expect_eq("PUT /System/Policies", st, 200)
    st, j, _ = env.api("GET", "/System/Policies")
    lib.check("GET /System/Policies shows the change", j and sorted(
        (p["GroupUserName"], p["Roles"][0]["Name"]) for p in j["Policies"])
        == [("BuiltInUser\\admin", "System Administrator"),
            ("BuiltInUser\\carol", "System User")], j)
    st, j, text = env.api("PUT", "/System/Policies", {"Policies": [
        {"GroupUserName": "carol", "Roles": [{"Name": "System User"}]}]})
    lib.check("the last System Administrator cannot be removed",
              st == 400 and "System Administrator" in text, st, text)
    st, h, text, _ = post_form(env, {"csrf": tok, "op": "user_set",
                                     "path": "/", "name": "carol",
                                     "password": "Carol pw 2",
                                     "password2": "Carol pw 2"})
    st, j, _ = env.api("GET", "/Me", user="carol", pw="Carol pw 1")
    lib.expect_eq("after a password change the old one no longer works "
                  "(the sign-in cache forgot it)", st, 401)
    st, h, text, _ = post_form(env, {"csrf": tok, "op": "user_del",
                                     "path": "/", "name": "admin"})
    lib.check("an administrator cannot remove their own account",
              st == 400 and "your own account" in text, st)
    st, h, text, _ = post_form(env, {"csrf": tok, "op": "user_del",
                                     "path": "/", "name": "carol"})
    lib.expect_eq("remove a built-in account", st, 303)
    st, j, _ = env.api("GET", "/Me", user="carol", pw="Carol pw 2")
    lib.expect_eq("... and it can no longer sign in", st, 401)


def t_parallel(env):
    env.api("POST", "/Folders", {"Path": "/Par"})
    codes = []
    lock = threading.Lock()

    def worker(k):
        for i in range(15):
            st, _, _ = env.api("POST", "/Resources", {
                "Path": "/Par/f%d-%d.txt" % (k, i),
                "Content": b64(b"x" * (k * 100 + i))})
            with lock:
                codes.append(st)
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    lib.expect_eq("8 clients uploading at once: every upload 201",
                  sorted(set(codes)), [201])
    st, j, _ = env.api("GET", "/Folders(Path='/Par')/CatalogItems?"
                       "$count=true&$top=0")
    lib.expect_eq("... and all 120 items are there", (j or {}).get(
        "@odata.count"), 120)


def t_locked_db(env):
    if env.backend != "SQLite":
        return
    path = env.dsn
    before = count_items(env)
    holder = sqlite3.connect(path, timeout=1, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    t0 = time.time()
    st, j, text = env.api("POST", "/Folders", {"Path": "/WhileLocked"})
    took = time.time() - t0
    holder.execute("ROLLBACK")
    holder.close()
    lib.check("a write to a locked database: 503 rsServerBusy",
              st == 503 and j and j["error"]["code"] == "rsServerBusy",
              st, text)
    lib.check("... after waiting for the lock (busy timeout)", took >= 4,
              took)
    lib.expect_eq("nothing was lost or half written", count_items(env),
                  before)
    st, j, _ = env.api("POST", "/Folders", {"Path": "/WhileLocked"})
    lib.expect_eq("the same write works once the lock is gone", st, 201)


def t_lockout(env):
    # An address of its own: the suite's earlier failures for other names
    # from 127.0.0.1 still count there (a success forgives only its own).
    victim = "nobody-%d" % random.randint(0, 99999)
    codes = [env.request("GET", "/ReportServer/", user=victim,
                         pw="bad", source=SRC)[0] for _ in range(4)]
    lib.expect_eq("failed sign-ins: 401 four times", codes, [401] * 4)
    t0 = time.time()
    st, h, _, _ = env.request("GET", "/ReportServer/", user=victim, pw="bad",
                              source=SRC)
    lib.check("past SlowdownAfter the next attempt must wait: 429 with "
              "Retry-After 1, at once (nothing sleeps)", st == 429 and
              h.get("retry-after") == "1" and time.time() - t0 < 0.9,
              st, h, time.time() - t0)
    time.sleep(1.1)
    st, h, _, _ = env.request("GET", "/ReportServer/", user=victim, pw="bad",
                              source=SRC)
    lib.check("after the wait the 5th failure locks the address out (429)",
              st == 429 and int(h.get("retry-after", "0")) > 50, st, h)
    st, h, text, _ = env.admin("GET", "/ReportServer/", source=SRC)
    lib.check("while locked out even good credentials get 429 with "
              "Retry-After", st == 429 and "retry-after" in h, st, h)
    log = open(env.rs_log).read()
    lib.check("failures and the lockout are logged without the password",
              "locked out" in log and victim in log and "bad" not in
              log.replace("bad credentials", ""), log[-600:])


def t_config_errors(env):
    bad = os.path.join(lib.TMP, "bad-root")
    os.makedirs(os.path.join(bad, "reportserver"))
    with open(os.path.join(bad, "reportserver", "rsreportserver.config"),
              "w") as f:
        f.write('<Configuration>\n  <Add Key="SecureConnectionLevel" '
                'Value="9"/>\n</Configuration>\n')
    r = lib.run("reportserver", "--root", bad, "-t")
    lib.check("a bad config stops the start with file:line:column",
              r.returncode != 0 and re.search(
                  r"rsreportserver\.config:2:3: SecureConnectionLevel",
                  r.stderr), r.stderr)
    with open(os.path.join(bad, "reportserver", "rsreportserver.config"),
              "w") as f:
        f.write('<Configuration>\n  <PostgreSQLDataSources>\n'
                '    <Allow>db1/sales</Allow>\n    <Allow>db1:5432</Allow>\n'
                '  </PostgreSQLDataSources>\n</Configuration>\n')
    r = lib.run("reportserver", "--root", bad, "-t")
    lib.check("a bad PostgreSQLDataSources pattern: file:line:column and "
              "the form to use", r.returncode == 78 and re.search(
                  r"rsreportserver\.config:4:5: <Allow>db1:5432</Allow> is "
                  r"not of the form host\[:port\]/database", r.stderr),
              r.returncode, r.stderr)


def run_suite(env):
    try:
        env.setup()
        env.start_rs()
        t_database_missing(env)
        t_secure(env)
        t_signin(env)
        t_rest(env)
        t_bad_input(env)
        t_listing(env)
        t_roles(env)
        t_portal(env)
        t_admin(env)
        t_render(env)
        t_exec_log(env)
        t_viewer(env)
        t_data_confine(env)
        t_pg_policy(env)
        t_db_restart(env)
        t_parallel(env)
        t_locked_db(env)
        t_config_errors(env)
        t_lockout(env)
        r = lib.run("rsconfig", "--json", "database", "show")
        info = json.loads(r.stdout or "{}")
        lib.check("rsconfig database show reports a ready database",
                  info.get("Exists") is True and
                  info.get("SchemaVersion") == info.get(
                      "ExpectedSchemaVersion"), r.stdout, r.stderr)
        env.stop_rs()
        log = open(env.rs_log).read()
        lib.check("reportserver stops cleanly (no sanitizer report)",
                  env.rs.returncode == 0 and "ERROR: AddressSanitizer"
                  not in log and "runtime error" not in log,
                  env.rs.returncode, log[-2000:])
    finally:
        env.cleanup()


if __name__ == "__main__":
    db = os.path.join(lib.ROOT, "reportserver", "ReportServer.db")
    run_suite(Env("SQLite", db))
    lib.done_testing()
