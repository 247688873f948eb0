#!/usr/bin/env python3
"""tests/security/readonly_queries.py: report queries cannot write (issue 18, item 2).

The attack: a Publisher uploads a report whose dataset is
`VACUUM INTO '/tmp/x.db'` (or ATTACH, or a second statement) against a
SQLite data source under DataSourceRoot; rendering it wrote a copy of the
database wherever the service account could write.  Against the real
report server (behind httpsvc, TLS) and a real PostgreSQL server:

  - SQLite: VACUUM INTO, ATTACH, a writing PRAGMA and a trailing DELETE are
    refused with a message naming what was refused; no file appears and
    the table keeps its rows;
  - PostgreSQL: INSERT, CREATE TABLE and a second statement are refused
    (read-only transaction, one statement); the table keeps its rows;
  - a database an administrator marked <Allow ReadWrite="true"> may be
    written (the documented way out), and only that one.
"""
import os
import re
import subprocess
import sys
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "reportserver"))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402
import suite_postgres  # noqa: E402

FIELDS = b"<Fields>"


def report(rdl, sql, conn=None):
    """ProductList with sql as its query, shared or embedded data source."""
    start = rdl.index(b"<CommandText>") + len(b"<CommandText>")
    end = rdl.index(b"</CommandText>")
    out = rdl[:start] + escape(sql).encode() + rdl[end:]
    if conn is not None:
        out = out.replace(
            b"<DataSourceReference>Sales</DataSourceReference>",
            b"<ConnectionProperties><DataProvider>POSTGRESQL</DataProvider>"
            b"<ConnectString>" + escape(conn).encode() + b"</ConnectString>"
            b"</ConnectionProperties>")
    return out


def render(env, path):
    st, _, text, _ = env.admin("GET", "/ReportServer?%s&rs:Format=XML" %
                               path)
    return st, text


def rsrender(body, ds):
    """The same report through rsrender: the refusal's message.

    (The report server streams the head before the query runs, so a query
    error there ends the answer early instead of setting its status.)"""
    rdl = os.path.join(lib.TMP, "attack.rdl")
    with open(rdl, "wb") as f:
        f.write(body)
    r = lib.run("rsrender", rdl, "--format", "XML", "--out",
                os.path.join(lib.TMP, "out.xml"), "--datasource",
                "Sales=" + ds)
    return r.returncode, r.stderr


class Env(suite.Env):
    rw_db = None

    def config_text(self):
        text = super().config_text()
        if self.rw_db:
            text = text.replace("<Allow>%s</Allow>" % self.rw_db,
                                '<Allow ReadWrite="true">%s</Allow>' %
                                self.rw_db)
        return text


def t_sqlite(env, rdl):
    db = os.path.join(lib.ROOT, "data", "sales.db")
    os.makedirs(os.path.dirname(db), exist_ok=True)
    r = subprocess.run([os.path.join(lib.SRC, "samples", "make-db.sh"), db],
                       capture_output=True, text=True)
    lib.check("the sample database is made", r.returncode == 0, r.stderr)
    env.api("POST", "/Folders", {"Path": "/Samples"})
    st, _, _ = env.api("POST", "/DataSources", {
        "Path": "/Samples/Sales", "ConnectionString": db,
        "DataSourceType": "SQLITE"})
    lib.expect_eq("a shared SQLite data source under DataSourceRoot", st, 201)
    copy = os.path.join(lib.TMP, "stolen.db")
    cases = [
        ("VACUUM INTO '%s'" % copy, "VACUUM (a statement that writes)"),
        ("ATTACH DATABASE '%s' AS x" % copy, "ATTACH"),
        ("SELECT ProductID, Name, Category, UnitPrice FROM Product; "
         "DELETE FROM Product", "a second statement"),
        ("PRAGMA journal_mode = DELETE", "PRAGMA journal_mode"),
        ("SELECT load_extension('%s') AS ProductID" % copy,
         "the function load_extension"),
    ]
    for i, (sql, says) in enumerate(cases):
        # A dataset without fields: nothing is mapped, the query runs.
        body = report(rdl, sql)
        body = body[:body.index(FIELDS)] + \
            body[body.index(b"</Fields>") + len(b"</Fields>"):]
        body = re.sub(rb"=Fields!\w+\.Value", b"x", body)
        env.api("POST", "/Reports", {"Path": "/Samples/Attack%d" % i,
                                     "Content": suite.b64(body)})
        st, text = render(env, "/Samples/Attack%d" % i)
        lib.check("SQLite: %s through the report server writes no file "
                  "(%s)" % (sql.split()[0], copy), not os.path.exists(copy),
                  st, text[:300])
        rc, err = rsrender(body, "sqlite:" + db)
        lib.check("... refused, naming %s" % says, rc != 0 and says in err
                  and "read-only" in err and not os.path.exists(copy), err)
    n = subprocess.run(["sqlite3", db, "SELECT count(*) FROM Product"],
                       capture_output=True, text=True).stdout.strip()
    lib.check("the SQLite table keeps its rows", n.isdigit() and int(n) > 0,
              n)
    env.api("POST", "/Reports", {"Path": "/Samples/Plain", "Content":
                                 suite.b64(rdl)})
    st, text = render(env, "/Samples/Plain")
    lib.check("an ordinary report still renders", st == 200 and
              "Mountain Bike" in text, st, text[:300])


def psql(pg, db, sql):
    return suite_postgres.as_postgres(
        os.path.join(pg.bin, "psql"), "-h", pg.dir, "-p", str(pg.port), "-U",
        "postgres", "-d", db, "-tAc", sql).stdout.strip()


def t_postgres(env, pg, rdl):
    cols = "SELECT ProductID, Name, Category, UnitPrice FROM Product"
    cases = [
        ("INSERT INTO Product VALUES (9, 'x', 'y', 1) RETURNING ProductID, "
         "Name, Category, UnitPrice", "a statement that writes"),
        ("CREATE TABLE stolen AS " + cols, "a statement that writes"),
        (cols + "; DELETE FROM Product", "a second statement"),
        ("SELECT set_config('transaction_read_only', 'off', false) AS "
         "ProductID, 1 AS Name, 1 AS Category, 1 AS UnitPrice",
         "read-write mode must be set before any query"),
    ]
    env.api("POST", "/Folders", {"Path": "/Pg"})
    for i, (sql, says) in enumerate(cases):
        body = report(rdl, sql, pg.dsn("salesdw"))
        env.api("POST", "/Reports", {"Path": "/Pg/Attack%d" % i, "Content":
                                     suite.b64(body)})
        render(env, "/Pg/Attack%d" % i)
        rc, err = rsrender(body, "postgres:" + pg.dsn("salesdw"))
        lib.check("PostgreSQL: %s ... is refused, saying %s" % (
            sql[:24], says), rc != 0 and says in err, err)
    lib.expect_eq("the PostgreSQL table keeps its two rows, no new table",
                  (psql(pg, "salesdw", "SELECT count(*) FROM Product"),
                   psql(pg, "salesdw", "SELECT count(*) FROM pg_tables "
                        "WHERE tablename = 'stolen'")), ("2", "0"))
    psql(pg, "unittest", "CREATE TABLE Product (ProductID int, Name text, "
         "Category text, UnitPrice numeric(10,2)); GRANT ALL ON Product TO rs")
    env.api("POST", "/Reports", {"Path": "/Pg/Write", "Content": suite.b64(
        report(rdl, cases[0][0], pg.dsn("unittest")))})
    st, text = render(env, "/Pg/Write")
    lib.check("a database marked ReadWrite=\"true\" may be written",
              st == 200 and psql(pg, "unittest", "SELECT count(*) FROM "
                                 "Product") == "1", st, text[:400])


def main():
    pg = suite_postgres.Pg()
    if pg.bin is None:
        lib.not_ok("PostgreSQL server binaries are installed")
        lib.done_testing()
    err = pg.start()
    env = Env("SQLite", os.path.join(lib.ROOT, "reportserver",
                                     "ReportServer.db"))
    env.pg = pg
    env.pg_allow = ["127.0.0.1:%d/salesdw" % pg.port,
                    "127.0.0.1:%d/unittest" % pg.port]
    env.rw_db = env.pg_allow[1]
    try:
        lib.check("a private PostgreSQL server starts", err is None, err)
        env.setup()
        env.start_rs()
        r = lib.run("rsconfig", "database", "create", "--admin-user",
                    "admin", "--admin-password-stdin",
                    input=suite.ADMIN_PW + "\n")
        lib.check("database created", r.returncode == 0, r.stderr)
        lib.wait_for(lambda: env.admin("GET", "/ReportServer/")[0] == 200,
                     10)
        with open(os.path.join(lib.SRC, "samples", "reports",
                               "ProductList.rdl"), "rb") as f:
            rdl = f.read()
        t_sqlite(env, rdl)
        if err is None:
            t_postgres(env, pg, rdl)
    finally:
        env.cleanup()
        pg.stop()
    lib.done_testing()


if __name__ == "__main__":
    main()
