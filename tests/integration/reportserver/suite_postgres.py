#!/usr/bin/env python3
"""tests/integration/reportserver/suite_postgres.py: the same suite on PostgreSQL.

Starts its own PostgreSQL server from Debian's packages (initdb + pg_ctl
as the `postgres` user, in a temporary folder, on a free 127.0.0.1 port,
password authentication over TCP), creates a role and a database for the
report server and one, salesdw, that reports may read (the only one
PostgreSQLDataSources allows, with a pattern that also matches the report
server's own database, which must stay shut), runs suite_sqlite's whole
suite with the report server database there, runs the catalog unit tests
against it too, and stops the server at the end.
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import lib  # noqa: E402
import suite_sqlite as suite  # noqa: E402

PW = "s3cret-pg-pass"


def pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def as_postgres(*args, input=None):
    return subprocess.run(("runuser", "-u", "postgres", "--") + args,
                          input=input, capture_output=True, text=True,
                          timeout=120)


class Pg:
    def __init__(self):
        self.bin = pg_bin()
        self.dir = tempfile.mkdtemp(prefix="rs-pg.")
        self.port = lib.free_port()
        self.data = os.path.join(self.dir, "data")
        self.pw = PW
        shutil.chown(self.dir, "postgres")
        os.chmod(self.dir, 0o700)

    def start(self):
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as f:
            f.write(PW + "\n")
        shutil.chown(pwfile, "postgres")
        r = as_postgres(os.path.join(self.bin, "initdb"), "-D", self.data,
                        "-U", "postgres", "--auth-local=trust",
                        "--auth-host=scram-sha-256", "--pwfile", pwfile)
        if r.returncode != 0:
            return r.stderr
        r = as_postgres(os.path.join(self.bin, "pg_ctl"), "-D", self.data,
                        "-l", os.path.join(self.dir, "log"), "-w", "-t", "60",
                        "-o", self.opts(), "start")
        if r.returncode != 0:
            return r.stderr + open(os.path.join(self.dir, "log")).read()
        r = as_postgres(os.path.join(self.bin, "psql"), "-h", self.dir,
                        "-p", str(self.port), "-U", "postgres", "-v",
                        "ON_ERROR_STOP=1", "-c",
                        "CREATE ROLE rs LOGIN PASSWORD '%s'" % PW, "-c",
                        "CREATE DATABASE reportserver OWNER rs", "-c",
                        "CREATE DATABASE unittest OWNER rs", "-c",
                        "CREATE DATABASE salesdw OWNER rs")
        if r.returncode != 0:
            return r.stderr
        r = as_postgres(os.path.join(self.bin, "psql"), "-h", self.dir,
                        "-p", str(self.port), "-U", "rs", "-d", "salesdw",
                        "-v", "ON_ERROR_STOP=1", "-c",
                        "CREATE TABLE Product (ProductID int, Name text, "
                        "Category text, UnitPrice numeric(10,2))", "-c",
                        "INSERT INTO Product VALUES (1, 'Mountain Bike', "
                        "'Bikes', 1599.00), (2, 'Helmet', 'Accessories', "
                        "34.99)")
        return None if r.returncode == 0 else r.stderr

    def dsn(self, db):
        return "host=127.0.0.1 port=%d dbname=%s user=rs password=%s " \
            "connect_timeout=10" % (self.port, db, PW)

    def restart(self):
        as_postgres(os.path.join(self.bin, "pg_ctl"), "-D", self.data,
                    "-l", os.path.join(self.dir, "log"), "-m", "fast", "-w",
                    "-t", "60", "-o", self.opts(), "restart")

    def opts(self):
        return "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off" % (
            self.port, self.dir)

    def stop(self):
        as_postgres(os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m",
                    "fast", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def unit_on_pg(pg):
    build = os.environ.get("RS_TEST_BUILD") or os.path.dirname(lib.BIN)
    prog = os.path.join(build, "tests", "test_catalog")
    if not os.path.exists(prog):
        lib.not_ok("test_catalog is built", prog)
        return
    # TAP output names each group, so the PostgreSQL group is seen to run.
    env = dict(os.environ, RS_TEST_PG=pg.dsn("unittest"),
               CMOCKA_MESSAGE_OUTPUT="TAP")
    r = subprocess.run([prog], env=env, capture_output=True, text=True,
                       timeout=300)
    out = r.stdout + r.stderr
    lib.check("the catalog unit tests pass on PostgreSQL",
              r.returncode == 0 and "# ok - catalog_postgresql" in out,
              out[-2500:])


def main():
    pg = Pg()
    if pg.bin is None:
        lib.not_ok("PostgreSQL server binaries are installed "
                   "(apt-get install postgresql)")
        lib.done_testing()
    err = pg.start()
    try:
        lib.check("a private PostgreSQL server starts", err is None, err)
        if err is None:
            unit_on_pg(pg)
            env = suite.Env("PostgreSQL", pg.dsn("reportserver"))
            env.restart_db = pg.restart
            # Reports may read salesdw, and (a pattern an admin might
            # write) report*: the report server's own database stays shut.
            env.pg = pg
            env.pg_allow = ["127.0.0.1:%d/salesdw" % pg.port,
                            "127.0.0.1:%d/report*" % pg.port]
            suite.run_suite(env)
    finally:
        pg.stop()
    lib.done_testing()


if __name__ == "__main__":
    main()
