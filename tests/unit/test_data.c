/*
 * test_data.c: unit tests of data/'s data source policy: a PostgreSQL
 * conninfo (key=value or URI) reaches only the databases the rules allow,
 * whatever form names the target (host lists, hostaddr, sockets and links
 * to them, defaults), options that read files or change the session are
 * refused, the report server's own database never opens, and what is
 * checked is what libpq gets (the rewritten conninfo).  No server is
 * needed: nothing connects.  And SQLite report queries are read-only by
 * construction: VACUUM INTO, ATTACH, writing pragmas, file functions and
 * trailing statements are refused with a message naming them, and no
 * file is written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/str.h"
#include "data/data.h"

static char	 sock[PATH_MAX], sock_link[PATH_MAX + 8];

static int
setup(void **state)
{
	static char	 top[] = "/tmp/rs-pgpol-XXXXXX";

	(void)state;
	/* Only this test's values: no defaults from the environment. */
	unsetenv("PGHOST");
	unsetenv("PGHOSTADDR");
	unsetenv("PGPORT");
	unsetenv("PGDATABASE");
	unsetenv("PGSERVICE");
	setenv("PGUSER", "reports", 1);
	if (mkdtemp(top) == NULL)
		return -1;
	snprintf(sock, sizeof(sock), "%s/sock", top);
	snprintf(sock_link, sizeof(sock_link), "%s/link", top);
	if (mkdir(sock, 0700) == -1 || symlink(sock, sock_link) == -1)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char		 top[PATH_MAX];

	(void)state;
	unlink(sock_link);
	rmdir(sock);
	str_copy(top, sizeof(top), sock);
	*strrchr(top, '/') = '\0';
	rmdir(top);
	return 0;
}

/* Runs conninfo through the policy: 0 or the error code. */
static int
confine(const struct data_policy *pol, const char *conninfo,
    struct data_source *src, struct rs_err *e)
{
	memset(src, 0, sizeof(*src));
	src->kind = DATA_POSTGRES;
	str_copy(src->conn, sizeof(src->conn), conninfo);
	if (data_source_confine(src, pol, e) == 0)
		return 0;
	return (int)e->code;
}

static void
test_pg_policy(void **state)
{
	struct data_pg_rule rules[] = {
		{ "127.0.0.1", 5432, "sales", false },
		{ "db.example.com", 0, "dw_*", true },
		{ sock, 5432, "sales", false },
		{ "::1", 5433, "r", false },
	};
	struct data_policy pol = { .pg_confined = true, .pg_allow = rules,
	    .npg_allow = nitems(rules), .setting = "PostgreSQLDataSources" };
	char		 c1[PATH_MAX + 64], c2[PATH_MAX + 64],
			 c3[PATH_MAX + 64];
	const struct {
		const char	*conninfo;
		int		 code;
		const char	*want;	/* in the rewritten conninfo or error */
	} cases[] = {
		{ "host=127.0.0.1 dbname=sales user=u", 0,
		  "host='127.0.0.1' port='5432' dbname='sales' user='u'" },
		{ "host=127.0.0.1 dbname=other user=u", RS_E_PERM,
		  "<Allow>127.0.0.1:5432/other</Allow> in PostgreSQLDataSources" },
		{ "host=127.0.0.1 port=5433 dbname=sales", RS_E_PERM,
		  "127.0.0.1:5433/sales is not one" },
		{ "postgresql://u@127.0.0.1/sales", 0, "dbname='sales'" },
		{ "postgresql://u@127.0.0.1:5432/postgres", RS_E_PERM,
		  "127.0.0.1:5432/postgres" },
		{ "postgresql:///sales?host=evil.example.com", RS_E_PERM,
		  "evil.example.com:5432/sales" },
		/* libpq connects to hostaddr; host only names the server. */
		{ "host=evil.example.com hostaddr=127.0.0.1 dbname=sales", 0,
		  "hostaddr='127.0.0.1' host='evil.example.com'" },
		{ "host=127.0.0.1 hostaddr=10.9.9.9 dbname=sales", RS_E_PERM,
		  "10.9.9.9:5432/sales" },
		{ "host=127.0.0.1 hostaddr=/tmp dbname=sales", RS_E_IO,
		  "is not a numeric IPv4 or IPv6 address" },
		{ "host=127.0.0.1,evil.example.com dbname=sales", RS_E_PERM,
		  "evil.example.com:5432/sales" },
		{ "host=127.0.0.1,127.0.0.1 port=5432,5433 dbname=sales",
		  RS_E_PERM, "127.0.0.1:5433/sales" },
		{ "host=127.0.0.1,127.0.0.1 port=1,2,3 dbname=sales", RS_E_IO,
		  "lists do not match" },
		{ "service=reports", RS_E_PERM, "option service is not allowed" },
		{ "host=127.0.0.1 dbname=sales options='-c search_path=x'",
		  RS_E_PERM, "option options is not allowed" },
		{ "host=127.0.0.1 dbname=sales passfile=/etc/shadow", RS_E_PERM,
		  "option passfile" },
		{ "host=127.0.0.1 dbname=sales sslkey=/etc/ssl/private/k.pem",
		  RS_E_PERM, "option sslkey" },
		{ "host=127.0.0.1 dbname='postgresql://127.0.0.1/other'",
		  RS_E_PERM, "may not be a connection string" },
		{ "host=127.0.0.1 dbname='host=10.9.9.9 dbname=x'", RS_E_PERM,
		  "may not be a connection string" },
		{ "host=db.example.com port=6000 dbname=dw_2024", 0,
		  "port='6000' dbname='dw_2024'" },
		{ "host=DB.Example.COM dbname=dw_x", 0, "host='DB.Example.COM'" },
		{ "host=db.example.com.evil.net dbname=dw_x", RS_E_PERM,
		  "db.example.com.evil.net:5432/dw_x" },
		{ "host=::1 port=5433 dbname=r", 0, "host='::1' port='5433'" },
		{ "postgresql://u@[::1]:5433/r", 0, "host='::1'" },
		{ "postgresql://u@[::1]:5432/r", RS_E_PERM, "[::1]:5432/r" },
		{ "host=127.0.0.1 dbname=sales password='p\\'q\\\\'", 0,
		  "password='p\\'q\\\\'" },
		{ "host=127.0.0.1 dbname=sales connect_timeout=5 sslmode=require",
		  0, "connect_timeout='5' sslmode='require'" },
		{ "host=127.0.0.1 dbname=sales", 0, "user='reports'" },
		{ "host=127.0.0.1 user=sales", 0, "dbname='sales'" },
		{ "not a conninfo", RS_E_IO, "cannot be parsed" },
		{ "host=127.0.0.1 dbname=sales foo=bar", RS_E_IO,
		  "cannot be parsed" },
		{ "host=127.0.0.1 port=http dbname=sales", RS_E_IO,
		  "not a port number" },
		{ "host=@abstract dbname=sales", RS_E_PERM, "@abstract:5432" },
		{ c1, 0, NULL },		/* the allowed socket folder */
		{ c2, 0, NULL },		/* a link to it */
		{ c3, RS_E_PERM, NULL },	/* its parent's */
	};
	struct data_source src;
	struct rs_err	 e;
	int		 bad = 0, code;

	(void)state;
	snprintf(c1, sizeof(c1), "host=%s dbname=sales", sock);
	snprintf(c2, sizeof(c2), "host=%s dbname=sales", sock_link);
	snprintf(c3, sizeof(c3), "host=%s/.. dbname=sales", sock);
	for (size_t i = 0; i < nitems(cases); i++) {
		code = confine(&pol, cases[i].conninfo, &src, &e);
		if (code != cases[i].code || (cases[i].want != NULL &&
		    strstr(code == 0 ? src.conn : e.msg, cases[i].want) ==
		    NULL)) {
			print_error("case %zu (%s): got %d '%s', want %d '%s'\n",
			    i, cases[i].conninfo, code, code == 0 ? src.conn :
			    e.msg, cases[i].code, cases[i].want ? cases[i].want :
			    "");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* The socket folder reaches libpq by its real path. */
	assert_int_equal(confine(&pol, c2, &src, &e), 0);
	snprintf(c3, sizeof(c3), "host='%s' port='5432'", sock);
	assert_non_null(strstr(src.conn, c3));
	/* Read-only unless every target matched a ReadWrite rule. */
	assert_false(src.read_write);
	assert_int_equal(confine(&pol, "host=db.example.com dbname=dw_1", &src,
	    &e), 0);
	assert_true(src.read_write);
	assert_int_equal(confine(&pol, "host=db.example.com,127.0.0.1 "
	    "dbname=dw_1", &src, &e), RS_E_PERM);
	assert_false(src.read_write);
}

/* Closed by default; the server's own database even when a rule matches. */
static void
test_pg_closed(void **state)
{
	struct data_pg_rule any = { "127.0.0.1", 0, "*", false };
	struct data_policy pol = { .pg_confined = true };
	struct data_source src;
	struct rs_err	 e;

	(void)state;
	assert_int_equal(confine(&pol, "host=127.0.0.1 dbname=sales", &src,
	    &e), RS_E_PERM);
	assert_non_null(strstr(e.msg, "the server's data source policy"));
	pol.pg_allow = &any;
	pol.npg_allow = 1;
	pol.pg_own = "host=127.0.0.1 port=5432 dbname=reportserver user=rs "
	    "password=secret";
	assert_int_equal(confine(&pol, "host=127.0.0.1 dbname=sales", &src,
	    &e), 0);
	assert_int_equal(confine(&pol, "postgresql://x@127.0.0.1/reportserver",
	    &src, &e), RS_E_PERM);
	assert_non_null(strstr(e.msg, "the report server's own database"));
	assert_null(strstr(e.msg, "secret"));
	assert_int_equal(confine(&pol, "host=127.0.0.1 port=5499 "
	    "dbname=reportserver", &src, &e), 0);
	/* SQLite and ENTERDATA are not PostgreSQL's business. */
	src.kind = DATA_ENTERDATA;
	assert_int_equal(data_source_confine(&src, &pol, &e), 0);
	/* No policy (rsrender): nothing is confined. */
	assert_int_equal(confine(NULL, "service=x", &src, &e), 0);
}

static int
count_row(void *arg, const struct expr_value *row, size_t n, struct rs_err *e)
{
	(void)row;
	(void)n;
	(void)e;
	(*(int *)arg)++;
	return 0;
}

/* Runs sql on the SQLite file db; 0 or the error code. */
static int
sqlite_run(const char *db, const char *sql, int *got, struct rs_err *e)
{
	static const char *const cols[] = { "a" };
	struct data_source	 src = { .kind = DATA_SQLITE };
	struct data_query	 q = { .text = sql, .columns = cols,
	    .ncolumns = 1 };
	size_t			 rows = 0;

	*got = 0;
	str_copy(src.conn, sizeof(src.conn), db);
	if (data_exec(&src, &q, count_row, got, &rows, e) == 0)
		return 0;
	return (int)e->code;
}

static void
test_sqlite_readonly(void **state)
{
	static const struct {
		const char	*sql;
		const char	*says;	/* NULL: the query runs */
	} cases[] = {
		{ "SELECT a FROM t", NULL },
		{ "SELECT a FROM t;  -- the end\n", NULL },
		{ "SELECT a FROM Sales.t", NULL },	/* our own ATTACH */
		{ "WITH RECURSIVE r(a) AS (SELECT 1 UNION ALL SELECT a + 1 "
		  "FROM r WHERE a < 3) SELECT a FROM r", NULL },
		{ "vacuum INTO 'copy.db'", "VACUUM (a statement that writes)" },
		{ "ATTACH 'copy.db' AS x", "ATTACH" },
		{ "SELECT a FROM t; ATTACH 'copy.db' AS x", "a second "
		  "statement" },
		{ "SELECT a FROM t; DELETE FROM t", "a second statement" },
		{ "PRAGMA journal_mode = DELETE", "PRAGMA journal_mode" },
		{ "PRAGMA wal_checkpoint", "PRAGMA wal_checkpoint" },
		{ "SELECT load_extension('/tmp/x') AS a", "the function "
		  "load_extension" },
		{ "DETACH main", "DETACH" },
		{ "BEGIN", "the transaction statement" },
	};
	char		 dir[] = "/tmp/rs-roq-XXXXXX", old[PATH_MAX];
	const char	*db = "t.db", *sql;
	sqlite3		*h = NULL;
	struct rs_err	 e;
	struct stat	 sb;
	int		 got;

	(void)state;
	assert_non_null(getcwd(old, sizeof(old)));
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chdir(dir), 0);	/* VACUUM INTO 'copy.db' lands here */
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE t (a INTEGER); "
	    "INSERT INTO t VALUES (1), (2)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	for (size_t i = 0; i < nitems(cases); i++) {
		sql = cases[i].sql;
		memset(&e, 0, sizeof(e));
		if (cases[i].says == NULL) {
			if (sqlite_run(db, sql, &got, &e) != 0 || got < 1)
				fail_msg("%s: %s", sql, e.msg);
			continue;
		}
		assert_int_equal(sqlite_run(db, sql, &got, &e), RS_E_BADINPUT);
		if (strstr(e.msg, cases[i].says) == NULL ||
		    strstr(e.msg, "read-only") == NULL)
			fail_msg("%s: %s", sql, e.msg);
		assert_int_equal(stat("copy.db", &sb), -1);
	}
	/* The table is still there, both rows. */
	assert_int_equal(sqlite_run(db, "SELECT a FROM t", &got, &e), 0);
	assert_int_equal(got, 2);
	unlink(db);
	assert_int_equal(chdir(old), 0);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pg_policy),
		cmocka_unit_test(test_pg_closed),
		cmocka_unit_test(test_sqlite_readonly),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
