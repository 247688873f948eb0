/*
 * test_urlres.c: unit tests of urlres/: URL prefix parsing and canonical
 * form, the path boundary rule, and HTTP.sys routing precedence (every
 * pair of host categories, longest path within a category, scheme and
 * port exactness), all as tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "common/str.h"
#include "urlres/urlres.h"

static void
test_parse(void **state)
{
	static const struct {
		const char *in, *canon;	/* canon NULL: must fail */
		enum urlres_hostkind kind;
	} cases[] = {
		{ "https://+:8443/ReportServer/", "https://+:8443/ReportServer/", URLRES_STRONG },
		{ "HTTPS://+:8443/ReportServer", "https://+:8443/ReportServer/", URLRES_STRONG },
		{ "http://*:8080/", "http://*:8080/", URLRES_WEAK },
		{ "http://*:8080", "http://*:8080/", URLRES_WEAK },
		{ "https://WWW.Example.COM:443/Reports/", "https://www.example.com:443/Reports/", URLRES_HOST },
		{ "https://www.example.com.:443/", "https://www.example.com:443/", URLRES_HOST },
		{ "http://localhost:80/a/b", "http://localhost:80/a/b/", URLRES_HOST },
		{ "http://my_host-1:80/", "http://my_host-1:80/", URLRES_HOST },
		{ "http://127.0.0.1:8080/x/", "http://127.0.0.1:8080/x/", URLRES_IP },
		{ "http://[::1]:8080/", "http://[::1]:8080/", URLRES_IP },
		{ "http://[0:0:0:0:0:0:0:1]:8080/", "http://[::1]:8080/", URLRES_IP },
		{ "https://[2001:DB8::1]:443/r/", "https://[2001:db8::1]:443/r/", URLRES_IP },
		{ "http://+:65535/", "http://+:65535/", URLRES_STRONG },
		{ "http://+:1/", "http://+:1/", URLRES_STRONG },
		/* failures */
		{ "ftp://+:80/", NULL, 0 },
		{ "https//+:80/", NULL, 0 },
		{ "https://+/ReportServer/", NULL, 0 },		/* no port */
		{ "https://+:/x/", NULL, 0 },
		{ "https://+:0/", NULL, 0 },
		{ "https://+:65536/", NULL, 0 },
		{ "https://+:080/", NULL, 0 },
		{ "https://+:*/", NULL, 0 },
		{ "https://+:8a/", NULL, 0 },
		{ "https://:443/", NULL, 0 },
		{ "https://[::1:443/", NULL, 0 },
		{ "https://[::g]:443/", NULL, 0 },
		{ "https://::1:443/", NULL, 0 },
		{ "https://1.2.3:443/", NULL, 0 },
		{ "https://256.1.1.1:443/", NULL, 0 },
		{ "https://a b:443/", NULL, 0 },
		{ "https://a..b:443/", NULL, 0 },
		{ "https://a..:443/", NULL, 0 },	/* fuzz: "a." was kept */
		{ "https://+:443/a b/", NULL, 0 },
		{ "https://+:443/a%20b/", NULL, 0 },
		{ "https://+:443/a?b", NULL, 0 },
		{ "https://+:443/a#b", NULL, 0 },
		{ "https://+:443/a//b/", NULL, 0 },
		{ "https://+:443/a/../b/", NULL, 0 },
		{ "https://+:443/./", NULL, 0 },
		{ "https://+:443/a\\b/", NULL, 0 },
		{ "", NULL, 0 },
	};
	struct urlres_prefix	p;
	struct rs_err		e;
	char			out[URLRES_TEXT_MAX];
	size_t			i;
	int			rc;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		rs_err_clear(&e);
		rc = urlres_parse(cases[i].in, &p, &e);
		if (cases[i].canon == NULL) {
			if (rc != -1)
				fail_msg("parse %s: accepted", cases[i].in);
			assert_int_equal(e.code, RS_E_USAGE);
			assert_true(e.msg[0] != '\0');
			continue;
		}
		if (rc != 0)
			fail_msg("parse %s: %s", cases[i].in, e.msg);
		assert_true(urlres_format(&p, out, sizeof(out)) > 0);
		assert_string_equal(out, cases[i].canon);
		assert_int_equal(p.kind, cases[i].kind);
	}
}

static void
test_parse_messages(void **state)
{
	struct urlres_prefix	p;
	struct rs_err		e;

	(void)state;
	assert_int_equal(urlres_parse("https://+/x/", &p, &e), -1);
	assert_non_null(strstr(e.msg, "port is missing"));
	assert_int_equal(urlres_parse("gopher://+:70/", &p, &e), -1);
	assert_non_null(strstr(e.msg, "http or https"));
	assert_int_equal(urlres_parse("https://+:443/a%41/", &p, &e), -1);
	assert_non_null(strstr(e.msg, "%-encoding"));
}

static void
test_key_same(void **state)
{
	struct urlres_prefix	a, b, c;
	char			ka[URLRES_TEXT_MAX], kb[URLRES_TEXT_MAX];

	(void)state;
	assert_int_equal(urlres_parse("https://+:443/ReportServer/", &a, NULL), 0);
	assert_int_equal(urlres_parse("https://+:443/reportserver", &b, NULL), 0);
	assert_int_equal(urlres_parse("https://*:443/reportserver/", &c, NULL), 0);
	assert_true(urlres_same(&a, &b));
	assert_false(urlres_same(&a, &c));
	urlres_key(&a, ka, sizeof(ka));
	urlres_key(&b, kb, sizeof(kb));
	assert_string_equal(ka, kb);
	assert_string_equal(ka, "https://+:443/reportserver/");
	assert_int_equal(urlres_format(&a, ka, 10), -1);
}

static void
test_path_under(void **state)
{
	static const struct { const char *prefix, *path; bool under; } cases[] = {
		{ "/Reports/", "/Reports/", true },
		{ "/Reports/", "/Reports", true },
		{ "/Reports/", "/reports", true },
		{ "/Reports/", "/REPORTS/browse/x", true },
		{ "/Reports/", "/ReportsX", false },
		{ "/Reports/", "/ReportsX/", false },
		{ "/Reports/", "/Report", false },
		{ "/Reports/", "/Reports?x=1", true },
		{ "/Reports/", "/Reports/?x=1", true },
		{ "/Reports/", "/Rep?orts/", false },
		{ "/ReportServer/", "/ReportServer", true },
		{ "/ReportServer/", "/ReportServer?/Sales&rs:Format=CSV", true },
		{ "/", "/", true },
		{ "/", "/anything", true },
		{ "/", "", true },
		{ "/a/b/", "/a/", false },
		{ "/a/b/", "/a/b", true },
	};

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++)
		if (urlres_path_under(cases[i].prefix, cases[i].path) !=
		    cases[i].under)
			fail_msg("%s under %s: want %d", cases[i].path,
			    cases[i].prefix, cases[i].under);
}

/* The reservations every routing case is matched against. */
static const char *const table[] = {
	"https://+:443/ReportServer/",		/* 0 strong */
	"https://www.example.com:443/",		/* 1 host, root */
	"https://www.example.com:443/Reports/",	/* 2 host, longer */
	"https://127.0.0.1:443/",		/* 3 IP-bound v4 */
	"https://[::1]:443/ip6/",		/* 4 IP-bound v6 */
	"https://*:443/",			/* 5 weak */
	"https://*:443/Reports/Admin/",		/* 6 weak, longest path */
	"http://+:443/plain/",			/* 7 other scheme, same port */
	"https://+:8443/",			/* 8 other port */
	"https://+:443/ReportServer/Sub/",	/* 9 strong, longer */
	"https://192.0.2.7:443/",		/* 10 IP-bound, other address */
};

static void
test_match(void **state)
{
	static const struct {
		const char *scheme, *host, *ip;
		uint16_t port;
		const char *path;
		int want;
	} cases[] = {
		/* strong beats everything, even a longer weaker path */
		{ "https", "www.example.com", "127.0.0.1", 443, "/ReportServer/x", 0 },
		{ "https", "www.example.com", "127.0.0.1", 443, "/ReportServer", 0 },
		{ "https", "other.test", "127.0.0.1", 443, "/reportserver/", 0 },
		/* longest path within the strong category */
		{ "https", "a.test", "127.0.0.1", 443, "/ReportServer/Sub/q", 9 },
		{ "https", "a.test", "127.0.0.1", 443, "/ReportServer/Subx", 0 },
		/* explicit host beats IP-bound and weak */
		{ "https", "www.example.com", "127.0.0.1", 443, "/", 1 },
		{ "https", "WWW.EXAMPLE.COM.", "127.0.0.1", 443, "/x", 1 },
		{ "https", "www.example.com:443", "127.0.0.1", 443, "/x", 1 },
		{ "https", "www.example.com.:443", "127.0.0.1", 443, "/x", 1 },
		{ "https", "www.example.co", "127.0.0.1", 443, "/x", 3 },
		{ "https", "www.example.comm", "127.0.0.1", 443, "/x", 3 },
		/* longest path within the host category: host's /Reports/ */
		{ "https", "www.example.com", "127.0.0.1", 443, "/Reports/Admin/x", 2 },
		/* the host category wins even though weak has a longer path */
		{ "https", "www.example.com", NULL, 443, "/Reports/Admin/", 2 },
		/* IP-bound beats weak */
		{ "https", "other.test", "127.0.0.1", 443, "/x", 3 },
		{ "https", NULL, "127.0.0.1", 443, "/x", 3 },
		{ "https", "other.test", "::ffff:127.0.0.1", 443, "/x", 3 },
		{ "https", "other.test", "::1", 443, "/ip6/a", 4 },
		{ "https", "other.test", "0:0::1", 443, "/IP6", 4 },
		/* IP-bound category has a match for the address -> stops there */
		{ "https", "other.test", "127.0.0.1", 443, "/Reports/Admin/", 3 },
		/* v6 IP prefix does not match this path: falls to weak */
		{ "https", "other.test", "::1", 443, "/elsewhere", 5 },
		/* weak: the catch-all, longest path */
		{ "https", "other.test", "10.0.0.1", 443, "/x", 5 },
		{ "https", "other.test", "10.0.0.1", 443, "/Reports/Admin/y", 6 },
		{ "https", "other.test", "10.0.0.1", 443, "/Reports/AdminX", 5 },
		/* scheme and port are exact */
		{ "http", "a.test", "10.0.0.1", 443, "/plain/x", 7 },
		{ "http", "a.test", "10.0.0.1", 443, "/ReportServer/", -1 },
		{ "https", "a.test", "10.0.0.1", 8443, "/anything", 8 },
		{ "https", "a.test", "10.0.0.1", 9443, "/", -1 },
		/* another address is not this IP-bound prefix */
		{ "https", "other.test", "192.0.2.7", 443, "/q", 10 },
		{ "https", "other.test", "192.0.2.8", 443, "/q", 5 },
	};
	struct urlres_prefix	p[nitems(table)];
	size_t			i;
	int			got;

	(void)state;
	for (i = 0; i < nitems(table); i++)
		assert_int_equal(urlres_parse(table[i], &p[i], NULL), 0);
	for (i = 0; i < nitems(cases); i++) {
		got = urlres_match(p, nitems(p), cases[i].scheme, cases[i].host,
		    cases[i].ip, cases[i].port, cases[i].path);
		if (got != cases[i].want)
			fail_msg("case %zu %s://%s [%s]:%u%s: got %s, want %s",
			    i, cases[i].scheme, cases[i].host ? cases[i].host :
			    "-", cases[i].ip ? cases[i].ip : "-", cases[i].port,
			    cases[i].path, got >= 0 ? table[got] : "none",
			    cases[i].want >= 0 ? table[cases[i].want] : "none");
	}
}

/* Each ordered pair of categories on the same path: the higher one wins. */
static void
test_precedence_pairs(void **state)
{
	static const char *const by_kind[] = {
		"http://+:80/app/", "http://h.test:80/app/",
		"http://10.1.1.1:80/app/", "http://*:80/app/",
	};
	struct urlres_prefix	p[2];
	size_t			a, b;
	int			got;

	(void)state;
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) {
			if (a == b)
				continue;
			urlres_parse(by_kind[a], &p[0], NULL);
			urlres_parse(by_kind[b], &p[1], NULL);
			got = urlres_match(p, 2, "http", "h.test", "10.1.1.1", 80,
			    "/app/x");
			assert_int_equal(got, a < b ? 0 : 1);
			assert_int_equal(urlres_match(p, 2, "http", "h.test",
			    "10.1.1.1", 80, "/appx"), -1);
		}
	assert_string_equal(urlres_kind_name(URLRES_IP), "IP-bound");
	urlres_parse("https://+:80/", &p[0], NULL);
	urlres_parse("http://a.test:80/x/", &p[1], NULL);
	assert_int_equal(urlres_scheme_clash(p, 1, &p[1]), 0);
	urlres_parse("https://a.test:80/x/", &p[1], NULL);
	assert_int_equal(urlres_scheme_clash(p, 1, &p[1]), -1);
	urlres_parse("http://a.test:81/x/", &p[1], NULL);
	assert_int_equal(urlres_scheme_clash(p, 1, &p[1]), -1);
}

/* A tiny deterministic generator (tests must be repeatable). */
static const char *
pick(unsigned *seed, const char *const *v, size_t n)
{
	*seed = *seed * 1103515245u + 12345u;
	return v[(*seed >> 8) % n];
}

/*
 * Random prefixes built from valid and invalid parts: parse never
 * crashes, and the canonical form is a fixed point (parsing it gives
 * itself again, the same reservation).
 */
static void
test_random_roundtrip(void **state)
{
	static const char *const schemes[] = { "http", "HTTPS", "https", "ftp",
	    "", "htt" };
	static const char *const seps[] = { "://", "://", "://", ":/", "//" };
	static const char *const hosts[] = { "+", "*", "a.test", "A.Test.",
	    "[::1]", "[0:0::1]", "127.0.0.1", "1.2.3", "[::1", "", "a..b",
	    "xn--bcher-kva.example", "a_b", "256.0.0.1", "[fe80::1%1]" };
	static const char *const ports[] = { ":80", ":443", ":65535", ":0",
	    ":65536", ":080", "", ":", ":8a", ":*" };
	static const char *const segs[] = { "/", "/ReportServer", "/a/",
	    "/Reports/", "//", "/.", "/..", "/a%20", "/q?x", "/x#y", "/ä",
	    "/a b", "/_x_/", "" };
	struct urlres_prefix	p, q;
	char			in[512], c1[URLRES_TEXT_MAX], c2[URLRES_TEXT_MAX];
	unsigned		seed = 12345, ok_n = 0;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		str_copy(in, sizeof(in), pick(&seed, schemes, nitems(schemes)));
		str_append(in, sizeof(in), pick(&seed, seps, nitems(seps)));
		str_append(in, sizeof(in), pick(&seed, hosts, nitems(hosts)));
		str_append(in, sizeof(in), pick(&seed, ports, nitems(ports)));
		for (int k = (int)(seed % 4); k > 0; k--)
			str_append(in, sizeof(in), pick(&seed, segs,
			    nitems(segs)));
		if (urlres_parse(in, &p, NULL) == -1)
			continue;
		ok_n++;
		assert_true(urlres_format(&p, c1, sizeof(c1)) > 0);
		if (urlres_parse(c1, &q, NULL) != 0)
			fail_msg("canonical %s (of %s) does not parse", c1, in);
		urlres_format(&q, c2, sizeof(c2));
		assert_string_equal(c1, c2);
		assert_true(urlres_same(&p, &q));
		assert_int_equal(c1[strlen(c1) - 1], '/');
	}
	print_message("%u of 100000 random prefixes parsed\n", ok_n);
	assert_true(ok_n > 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_messages),
		cmocka_unit_test(test_key_same),
		cmocka_unit_test(test_path_under),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_precedence_pairs),
		cmocka_unit_test(test_random_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
