"""The PostgreSQL data source: the real SSRS definitions, written in T-SQL
for SQL Server, render unchanged against PostgreSQL tables in the schemas
their queries name (Sales, Production, Person): [brackets], TOP n, '+'
between strings and YEAR() are translated, and the report parameter is
bound as $1, never pasted.  The rows must equal the SQLite render's.
Starts its own server (initdb + pg_ctl as the postgres user) in a
temporary folder on a free 127.0.0.1 port.
"""
import glob
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import *  # noqa: E402,F403
import realrdl  # noqa: E402

TABLES = {
    "Production": ["ProductCategory", "ProductSubcategory", "Product",
                   "ProductInventory"],
    "Sales": ["SalesPerson", "SalesOrderHeader", "SalesOrderDetail",
              "Customer"],
    "Person": ["Person"],
}
TYPES = {"OrderDate": "timestamp", "LineTotal": "numeric(38,6)",
         "Name": "text", "SalesOrderNumber": "text", "FirstName": "text",
         "LastName": "text"}


def as_postgres(*args, input=None):
    return subprocess.run(("runuser", "-u", "postgres", "--") + args,
                          input=input, capture_output=True, text=True,
                          timeout=60)


def sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def load_script(sqlite_db):
    con = sqlite3.connect(sqlite_db)
    out = []
    for schema, tables in TABLES.items():
        out.append("CREATE SCHEMA %s;" % schema)
        for t in tables:
            cols = [r[1] for r in con.execute("PRAGMA table_info(%s)" % t)]
            out.append("CREATE TABLE %s.%s (%s);" % (schema, t, ", ".join(
                "%s %s" % (c, TYPES.get(c, "integer")) for c in cols)))
            rows = con.execute("SELECT * FROM %s" % t).fetchall()
            for i in range(0, len(rows), 500):
                out.append("INSERT INTO %s.%s VALUES %s;" % (
                    schema, t, ",".join("(" + ",".join(
                        sql_literal(v) for v in r) + ")"
                        for r in rows[i:i + 500])))
    con.close()
    return "\n".join(out) + "\n"


def main():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    ssrs = os.path.join(realrdl.TESTDATA,
                        "SalesOrderGrouping.ssrs-output.xlsx")
    if not found or not os.path.exists(ssrs):
        ok("skipped: PostgreSQL or the shared test data is not installed")
        done_testing()
    pgbin = os.path.dirname(found[-1])
    d = os.path.join(TMP, "pg")
    os.chmod(TMP, 0o711)	# postgres must reach its folder
    os.makedirs(d)
    shutil.chown(d, "postgres")
    data = os.path.join(d, "data")
    port = free_port()
    r = as_postgres(os.path.join(pgbin, "initdb"), "-D", data, "-U",
                    "postgres", "--auth=trust", "-E", "UTF8")
    check("initdb", r.returncode == 0, r.stderr)
    r = as_postgres(os.path.join(pgbin, "pg_ctl"), "-D", data, "-w", "-l",
                    os.path.join(d, "log"), "-o",
                    "-h 127.0.0.1 -p %d -k %s" % (port, d), "start")
    check("PostgreSQL starts", r.returncode == 0, r.stderr, r.stdout)
    try:
        run_tests(pgbin, d, port)
    finally:
        as_postgres(os.path.join(pgbin, "pg_ctl"), "-D", data, "-m", "fast",
                    "stop")
    done_testing()


def run_tests(pgbin, sockdir, port):
    sqlite_db = os.path.join(TMP, "aw.db")
    realrdl.build_aw(sqlite_db, realrdl.sheet_rows(os.path.join(
        realrdl.TESTDATA, "SalesOrderGrouping.ssrs-output.xlsx")))
    r = as_postgres(os.path.join(pgbin, "psql"), "-h", "127.0.0.1", "-p",
                    str(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1",
                    "-q", "-d", "postgres", input=load_script(sqlite_db))
    check("AdventureWorks-shaped tables load into PostgreSQL schemas",
          r.returncode == 0, r.stderr[:2000])
    pg = "postgres:host=127.0.0.1 port=%d user=postgres dbname=postgres" % port
    for rdl, ds, extra in (
            ("SalesOrderGrouping.rdl", "AdventureWorks", []),
            ("TopCustomersbyYTDSales.rdl", "AdventureWorks",
             ["--param", "Year=2013"]),
            ("ProductsShortage.rdl", "ProductShortage", [])):
        outs = []
        for src in (pg, "sqlite:" + sqlite_db):
            out = os.path.join(TMP, "%s-%s.csv" % (rdl, src[:6]))
            r = realrdl.render(rdl, "CSV", out, "--datasource",
                               "%s=%s" % (ds, src), *extra)
            check("%s renders from %s" % (rdl, src.split(":")[0]),
                  r.returncode == 0, r.stderr)
            outs.append(open(out, encoding="utf-8-sig").read()
                        if r.returncode == 0 else None)
        # Without ORDER BY the engines may return rows in any order
        # (PostgreSQL aggregates by hash): compare the records as sets.
        same = outs[0] is not None and (outs[0] == outs[1] or (
            not extra and rdl.startswith("SalesOrder") and
            sorted(outs[0].splitlines()) == sorted(outs[1].splitlines())))
        check("%s: PostgreSQL and SQLite give the same CSV records" % rdl,
              same, (outs[0] or "")[:300], (outs[1] or "")[:300])
    out = os.path.join(TMP, "inj.csv")
    r = realrdl.render("TopCustomersbyYTDSales.rdl", "CSV", out,
                       "--datasource", "AdventureWorks=" + pg,
                       "--param", "Year=2013'; DROP TABLE Sales.Customer; --")
    check("a hostile parameter value is refused as a value, not run",
          r.returncode != 0 and "not a valid value" in r.stderr, r.stderr)
    r = as_postgres(os.path.join(pgbin, "psql"), "-h", "127.0.0.1", "-p",
                    str(port), "-U", "postgres", "-tAc",
                    "SELECT count(*) FROM Sales.Customer", "-d", "postgres")
    expect_eq("Sales.Customer is still there", r.stdout.strip(), "7")
    r = realrdl.render("TopCustomersbyYTDSales.rdl", "CSV", out,
                       "--datasource", "AdventureWorks=postgres:host="
                       "127.0.0.1 port=1 user=postgres connect_timeout=2",
                       "--param", "Year=2013")
    check("an unreachable server is a clear error",
          r.returncode != 0 and "cannot connect to PostgreSQL" in r.stderr,
          r.stderr)


if __name__ == "__main__":
    main()
