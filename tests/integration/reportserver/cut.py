#!/usr/bin/env python3
"""tests/integration/reportserver/cut.py: a render that fails late is cut.

A CSV or XML render streams: its status and first rows leave before the
query has finished.  When the query then fails (here SQLite's "integer
overflow" at row 150,000 of 200,000), it is too late for an error page; the
answer must end *cut* so the client cannot take the part it got for the
whole report: over HTTP/1.1 the connection closes without the last chunk
(http.client raises IncompleteRead, curl exits 18 or 56), over HTTP/2 the stream
is reset (curl exits non-zero).  The report server logs why.  A report that
fails before its first byte still gets its error page (500
rsProcessingError), and the same report without the failing row is whole.
The real reportserver behind the real httpsvc over TLS (suite_sqlite's Env).
"""
import http.client
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402

NS = "http://schemas.microsoft.com/sqlserver/reporting/2016/01/" \
     "reportdefinition"
ROWS = 200000


def report(db, bad_row):
    """One column X of 1..ROWS; row bad_row overflows (0: none does)."""
    sql = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
           "WHERE x &lt; %d) SELECT CASE WHEN x = %d THEN "
           "abs(-9223372036854775807 - 1) ELSE x END AS X FROM n"
           % (ROWS, bad_row))
    return ('<?xml version="1.0"?><Report xmlns="%s"><DataSources>'
            '<DataSource Name="D"><ConnectionProperties><DataProvider>SQLITE'
            '</DataProvider><ConnectString>%s</ConnectString>'
            '</ConnectionProperties></DataSource></DataSources><DataSets>'
            '<DataSet Name="S"><Query><DataSourceName>D</DataSourceName>'
            '<CommandText>%s</CommandText></Query><Fields><Field Name="X">'
            '<DataField>X</DataField></Field></Fields></DataSet></DataSets>'
            '<ReportSections><ReportSection><Body><ReportItems>'
            '<Tablix Name="T"><TablixBody><TablixColumns><TablixColumn>'
            '<Width>1in</Width></TablixColumn></TablixColumns><TablixRows>'
            '<TablixRow><Height>0.25in</Height><TablixCells><TablixCell>'
            '<CellContents><Textbox Name="X"><Paragraphs><Paragraph>'
            '<TextRuns><TextRun><Value>=Fields!X.Value</Value></TextRun>'
            '</TextRuns></Paragraph></Paragraphs></Textbox></CellContents>'
            '</TablixCell></TablixCells></TablixRow></TablixRows>'
            '</TablixBody><TablixColumnHierarchy><TablixMembers>'
            '<TablixMember/></TablixMembers></TablixColumnHierarchy>'
            '<TablixRowHierarchy><TablixMembers><TablixMember>'
            '<Group Name="Details"/></TablixMember></TablixMembers>'
            '</TablixRowHierarchy><DataSetName>S</DataSetName></Tablix>'
            '</ReportItems><Height>1in</Height></Body><Width>6in</Width>'
            '<Page/></ReportSection></ReportSections></Report>'
            % (NS, db, sql)).encode()


def raw_get(env, path):
    """GET over HTTP/1.1; (status, bytes read, 'whole' or 'cut')."""
    c = http.client.HTTPSConnection("localhost", env.port, context=env.ctx,
                                    timeout=60)
    tok = suite.base64.b64encode(("admin:" + suite.ADMIN_PW).encode())
    c.request("GET", path, headers={"Authorization": "Basic " +
                                    tok.decode()})
    r = c.getresponse()
    try:
        data = r.read()
        how = "whole"
    except http.client.IncompleteRead as e:
        data, how = e.partial, "cut"
    c.close()
    return r.status, data, how


def main():
    env = suite.Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                           "ReportServer.db"))
    env.up()
    db = os.path.join(lib.ROOT, "data", "cut.db")
    os.makedirs(os.path.dirname(db), exist_ok=True)
    sqlite3.connect(db).execute("CREATE TABLE t(x)").connection.close()
    env.api("POST", "/Folders", {"Path": "/Cut"})
    for name, bad in (("Late", 150000), ("Early", 1), ("Fine", 0)):
        st, _, text = env.api("POST", "/Reports", {
            "Path": "/Cut/" + name, "Content": suite.b64(report(db, bad))})
        lib.expect_eq("report %s published" % name, st, 201)

    for fmt in ("CSV", "XML"):
        path = "/ReportServer?/Cut/Late&rs:Format=" + fmt
        st, data, how = raw_get(env, path)
        lib.check("%s failing at row 150,000: 200 and some rows, then the "
                  "HTTP/1.1 answer is cut (no last chunk)" % fmt,
                  st == 200 and how == "cut" and len(data) > 10000,
                  st, how, len(data))
        r = env.curl("-u", "admin:" + suite.ADMIN_PW, "--http1.1", "-o",
                     "/dev/null", "https://localhost:%d%s" % (env.port, path))
        # 18: closed before the last chunk; 56: the TLS connection ended
        # mid-body.  Both say "incomplete"; 0 would take it as whole.
        lib.check("... curl over HTTP/1.1 reports the transfer as "
                  "incomplete (exit 18 or 56)", r.returncode in (18, 56),
                  r.returncode, r.stderr)
        r = env.curl("-u", "admin:" + suite.ADMIN_PW, "--http2", "-o",
                     "/dev/null", "-w", "%{http_version}",
                     "https://localhost:%d%s" % (env.port, path))
        lib.check("... and over HTTP/2 the stream is reset (curl fails)",
                  r.stdout.strip() == "2" and r.returncode != 0,
                  r.returncode, r.stdout, r.stderr)
    log = open(env.rs_log, errors="replace").read()
    lib.check("the report server logs why the answer was cut",
              "render of /Cut/Late failed after its answer began" in log and
              "integer overflow" in log, log[-800:])

    st, data, how = raw_get(env, "/ReportServer?/Cut/Fine&rs:Format=CSV")
    lines = data.decode().splitlines()
    lib.check("the same report without the failing row is whole: every row "
              "and the last chunk", st == 200 and how == "whole" and
              len(lines) == ROWS + 1 and lines[-1] == "200000",
              st, how, len(lines), lines[-1:])
    st, data, how = raw_get(env, "/ReportServer?/Cut/Early&rs:Format=CSV")
    lib.check("failing at the first row, before any byte: a whole error "
              "page, 500 rsProcessingError",
              st == 500 and how == "whole" and b"rsProcessingError" in data
              and b"integer overflow" in data, st, how, data[:300])
    st, _, _, _ = env.admin("GET", "/ReportServer/")
    lib.expect_eq("the report server still answers", st, 200)
    lib.done_testing()


if __name__ == "__main__":
    main()
