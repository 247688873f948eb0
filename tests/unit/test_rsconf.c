/*
 * test_rsconf.c: unit tests of rsconf/: the default file loads, values are
 * read, every kind of bad file is refused with FILE:LINE:COLUMN (bad
 * PostgreSQLDataSources patterns too), and edits
 * (database, Add keys, URLReservations) survive a save and a reload.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/str.h"
#include "rsconf/rsconf.h"

static struct rsconf *
parse(const char *text, struct rs_err *e)
{
	return rsconf_parse(text, strlen(text), "rs.config", e);
}

static void
test_default(void **state)
{
	struct rsconf	*c;
	struct rs_err	 e;
	char		*t = rsconf_default_text(false, "/r/a&b.db");

	(void)state;
	c = parse(t, &e);
	if (c == NULL)
		fail_msg("%s", e.msg);
	assert_string_equal(c->dsn, "/r/a&b.db");
	assert_false(c->postgres);
	/* Secure by default: credentials never cross plain HTTP. */
	assert_int_equal(c->secure_level, 1);
	assert_true(c->basic);
	assert_true(c->src_builtin && c->src_pam);
	assert_string_equal(c->pam_service, "reportserver");
	assert_false(c->has_urls);
	assert_int_equal(c->max_upload, 64 * 1024 * 1024);
	rsconf_free(c);
	free(t);
}

#define HEAD "<?xml version=\"1.0\"?>\n<Configuration>\n"
#define AUTH "<Authentication><AuthenticationTypes><RSWindowsBasic/>" \
	"</AuthenticationTypes></Authentication>\n"

static void
test_errors(void **state)
{
	static const struct {
		const char	*text, *want;
	} cases[] = {
		{ HEAD "<Dsn>x</Dsn>\n", "rs.config:4:1: Premature end of data" },
		{ HEAD "  <Dsn>x</Dns>\n</Configuration>",
		  "rs.config:3:15: Opening and ending tag mismatch" },
		{ "<Other/>", "rs.config:1:1: the root element must be" },
		{ HEAD "  <Add Key=\"SecureConnectionLevel\" Value=\"7\"/>\n"
		  "</Configuration>", "rs.config:3:3: SecureConnectionLevel" },
		{ HEAD "    <Add Key=\"SecureConnectionLevel\"/>\n"
		  "</Configuration>", "rs.config:3:5: <Add> needs both" },
		{ HEAD "<DatabaseType>Oracle</DatabaseType></Configuration>",
		  "rs.config:3:1: <DatabaseType> must be SQLite" },
		{ HEAD "<URLReservations>\n <Application>\n  <Name>A</Name>\n"
		  "  <VirtualDirectory>R</VirtualDirectory>\n  <URLs>\n"
		  "   <URL><UrlString>https://+:8443/ReportServer</UrlString>"
		  "<AccountSid>S</AccountSid></URL>\n  </URLs>\n </Application>"
		  "\n</URLReservations>\n</Configuration>",
		  "rs.config:8:9: 'https://+:8443/ReportServer' is not" },
		{ HEAD "<URLReservations>\n <Application>\n  <Name>A</Name>\n"
		  "  <URLs/>\n </Application>\n</URLReservations>\n"
		  "</Configuration>",
		  "rs.config:4:2: <Application> has no <VirtualDirectory>" },
		{ HEAD "<URLReservations>\n <Application>\n  <Name>A</Name>\n"
		  "  <VirtualDirectory>../x</VirtualDirectory><URLs/>\n"
		  " </Application>\n</URLReservations>\n</Configuration>",
		  "rs.config:6:3: '../x' is not a valid virtual directory" },
		{ HEAD "<Authentication>\n <AuthenticationTypes>\n"
		  "  <RSWindowsNTLM/>\n </AuthenticationTypes>\n"
		  "</Authentication></Configuration>",
		  "rs.config:4:2: <AuthenticationTypes> has no" },
		{ HEAD "<Authentication><AuthenticationTypes><Custom/>"
		  "</AuthenticationTypes></Authentication></Configuration>",
		  "rs.config:3:38: custom authentication" },
		{ HEAD "<Authentication><AuthenticationTypes><RSWindowsBasic>"
		  "<LogonMethod>1</LogonMethod></RSWindowsBasic>"
		  "</AuthenticationTypes></Authentication></Configuration>",
		  "rs.config:3:54: LogonMethod" },
		{ HEAD AUTH "<Service><IsWebServiceEnabled>yes"
		  "</IsWebServiceEnabled></Service></Configuration>",
		  "rs.config:4:10: <IsWebServiceEnabled> must be True" },
		{ "<!DOCTYPE x [<!ENTITY a \"b\">]><Configuration/>",
		  "rs.config:1:1: a DOCTYPE is not allowed" },
		{ HEAD AUTH "<Authentication><AccountSources>LDAP</AccountSources>"
		  "</Authentication></Configuration>",
		  "rs.config:4:1: <Authentication> has no" },
		{ HEAD "<PostgreSQLDataSources>\n  <Allow>db1/sales</Allow>\n"
		  "  <Allow>db1:99999/sales</Allow>\n</PostgreSQLDataSources>"
		  "</Configuration>", "rs.config:5:3: <Allow>db1:99999/sales"
		  "</Allow> has a port that is not 1 to 65535 or *" },
		{ HEAD "<PostgreSQLDataSources><Allow>db1</Allow>"
		  "</PostgreSQLDataSources></Configuration>",
		  "rs.config:3:24: <Allow>db1</Allow> is not of the form "
		  "host[:port]/database" },
		{ HEAD "<PostgreSQLDataSources><Allow>db1/</Allow>"
		  "</PostgreSQLDataSources></Configuration>",
		  "rs.config:3:24: <Allow>db1/</Allow> is not of the form" },
		{ HEAD "<PostgreSQLDataSources><Allow>::1/x</Allow>"
		  "</PostgreSQLDataSources></Configuration>",
		  "rs.config:3:24: <Allow>::1/x</Allow> has a ':' in its host" },
		{ HEAD "<PostgreSQLDataSources><Allow>[::1/x</Allow>"
		  "</PostgreSQLDataSources></Configuration>",
		  "rs.config:3:24: <Allow>[::1/x</Allow> has an IPv6 address" },
		{ HEAD "<PostgreSQLDataSources><Allow>a,b/x</Allow>"
		  "</PostgreSQLDataSources></Configuration>",
		  "rs.config:3:24: <Allow>a,b/x</Allow> has an empty host or "
		  "one with spaces, commas or quotes" },
		{ HEAD "<PostgreSQLDataSources>\n <Deny>x/y</Deny>"
		  "</PostgreSQLDataSources></Configuration>",
		  "rs.config:4:2: unexpected <Deny> in <PostgreSQLDataSources>" },
		{ HEAD "<PostgreSQLDataSources><Allow ReadWrite=\"yes\">a/x"
		  "</Allow></PostgreSQLDataSources></Configuration>",
		  "rs.config:3:24: <Allow>a/x</Allow> has ReadWrite that is "
		  "neither \"true\" nor \"false\"" },
		{ HEAD "<PostgreSQLDataSources/>\n<PostgreSQLDataSources/>"
		  "</Configuration>",
		  "rs.config:4:1: <PostgreSQLDataSources> appears twice" },
	};
	struct rs_err	e;
	int		bad = 0;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		struct rsconf	*c = parse(cases[i].text, &e);

		if (c != NULL)
			fail_msg("case %zu parsed", i);
		assert_int_equal(e.code, RS_E_CONFIG);
		if (strncmp(e.msg, cases[i].want, strlen(cases[i].want)) != 0) {
			print_error("case %zu: got '%s', want '%s...'\n", i,
			    e.msg, cases[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* <PostgreSQLDataSources>: each <Allow> split into host, port, database. */
static void
test_pg_allow(void **state)
{
	static const struct {
		const char	*pat, *host;
		unsigned	 port;
		const char	*db;
	} cases[] = {
		{ "db1.example.com/sales", "db1.example.com", 5432, "sales" },
		{ " 10.0.0.7:6432/dw_* ", "10.0.0.7", 6432, "dw_*" },
		{ "*.example.com:*/reports", "*.example.com", 0, "reports" },
		{ "[::1]:5433/r", "::1", 5433, "r" },
		{ "[fe80::1]/r", "fe80::1", 5432, "r" },
		{ "/run/postgresql/sales", "/run/postgresql", 5432, "sales" },
		{ "/tmp/pg sock:5499/s", NULL, 0, NULL },	/* a space */
		{ "/tmp/pg:5499/s", "/tmp/pg", 5499, "s" },
	};
	struct rs_err	 e;
	char		 text[512];

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		struct rsconf	*c;

		snprintf(text, sizeof(text), HEAD "<PostgreSQLDataSources>"
		    "<Allow>%s</Allow></PostgreSQLDataSources></Configuration>",
		    cases[i].pat);
		c = parse(text, &e);
		if (cases[i].host == NULL) {
			assert_null(c);
			continue;
		}
		if (c == NULL)
			fail_msg("case %zu: %s", i, e.msg);
		assert_int_equal(c->npg_allow, 1);
		assert_string_equal(c->pg_allow[0].host, cases[i].host);
		assert_int_equal(c->pg_allow[0].port, cases[i].port);
		assert_string_equal(c->pg_allow[0].dbname, cases[i].db);
		rsconf_free(c);
	}
	/* No element: nothing allowed (the default is closed). */
	snprintf(text, sizeof(text), HEAD "</Configuration>");
	struct rsconf *c = parse(text, &e);
	assert_non_null(c);
	assert_int_equal(c->npg_allow, 0);
	rsconf_free(c);
	/* Read-only unless an <Allow> says ReadWrite="true". */
	snprintf(text, sizeof(text), HEAD "<PostgreSQLDataSources><Allow>a/x"
	    "</Allow><Allow ReadWrite=\"TRUE\">b/y</Allow><Allow ReadWrite="
	    "\"false\">c/z</Allow></PostgreSQLDataSources></Configuration>");
	c = parse(text, &e);
	assert_non_null(c);
	assert_int_equal(c->npg_allow, 3);
	assert_false(c->pg_allow[0].read_write);
	assert_true(c->pg_allow[1].read_write);
	assert_false(c->pg_allow[2].read_write);
	rsconf_free(c);
}

static void
test_edit_save(void **state)
{
	char			 dir[] = "/tmp/rs-conf.XXXXXX", path[64];
	char			*t = rsconf_default_text(false, "/x.db");
	struct rsconf		*c, *d;
	struct rs_err		 e;
	struct rsconf_app	 app = { .name = "ReportServerWebService",
	    .vdir = "ReportServer", .nurls = 1 };
	struct stat		 st;

	(void)state;
	app.urls[0].url = "https://+:8443";
	app.urls[0].account_sid = "S-1-22-1-0";
	app.urls[0].account_name = "root";
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rs.config", dir);
	c = parse(t, &e);
	assert_non_null(c);
	assert_int_equal(rsconf_set_database(c, true, "host=h dbname=rs", &e),
	    0);
	assert_int_equal(rsconf_set_add(c, "SecureConnectionLevel", "1", &e),
	    0);
	assert_int_equal(rsconf_set_urls(c, &app, 1, &e), 0);
	assert_int_equal(c->secure_level, 1);
	assert_int_equal(rsconf_save(c, path, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	d = rsconf_load(path, &e);
	if (d == NULL)
		fail_msg("%s", e.msg);
	assert_true(d->postgres);
	assert_string_equal(d->dsn, "host=h dbname=rs");
	assert_int_equal(d->napps, 1);
	assert_string_equal(rsconf_app_find(d, "reportserverwebservice")->
	    urls[0].url, "https://+:8443");
	assert_int_equal(d->secure_level, 1);
	rsconf_free(c);
	rsconf_free(d);
	unlink(path);
	rmdir(dir);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_pg_allow),
		cmocka_unit_test(test_edit_save),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
