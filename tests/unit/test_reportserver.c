/*
 * test_reportserver.c: unit tests of reportserver/'s pure parts: OData
 * query options, the JSON reader, form bodies, query strings, REST routes,
 * password hashes, and the handlers themselves over a temporary SQLite
 * catalog with no sockets (the 503 page, the Basic challenge, the folder
 * listing, the REST error shape), and the registrations file rsconfig
 * reads (round trip; links, hard links and other files refused).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "common/str.h"
#include "reportserver/form.h"
#include "reportserver/json.h"
#include "reportserver/odata.h"
#include "reportserver/passwd.h"
#include "reportserver/regstate.h"
#include "reportserver/rest.h"
#include "reportserver/rs_int.h"
#include "rsconf/rsconf.h"

struct row {
	const char	*name;
	const char	*type;
	double		 size;
	bool		 hidden;
};

static bool
row_prop(const void *x, const char *name, struct odata_val *v)
{
	const struct row	*r = x;

	if (strcasecmp(name, "Name") == 0) {
		v->t = ODATA_STR;
		v->s = r->name;
	} else if (strcasecmp(name, "Type") == 0) {
		v->t = ODATA_STR;
		v->s = r->type;
	} else if (strcasecmp(name, "Size") == 0) {
		v->t = ODATA_NUM;
		v->n = r->size;
	} else if (strcasecmp(name, "Hidden") == 0) {
		v->t = ODATA_BOOL;
		v->b = r->hidden;
	} else
		return false;
	return true;
}

static const char *const known[] = { "Name", "Type", "Size", "Hidden",
    NULL };

static void
test_odata_filter(void **state)
{
	static const struct row	r = { "Q1 Sales", "Report", 120, false };
	static const struct {
		const char	*f;
		bool		 want;
	} cases[] = {
		{ "Name eq 'Q1 Sales'", true },
		{ "name EQ 'q1 sales'", true },
		{ "Name ne 'Q1 Sales'", false },
		{ "contains(Name,'sale')", true },
		{ "startswith(Name, 'Q1')", true },
		{ "startswith(Name,'Sales')", false },
		{ "endswith(Name,'les')", true },
		{ "Type eq 'Report' and Size gt 100", true },
		{ "Type eq 'Folder' or Size le 120", true },
		{ "Type eq 'Folder' or (Size lt 100 and Hidden eq false)", false },
		{ "not (Hidden eq true)", true },
		{ "Hidden eq false and not contains(Name,'x')", true },
		{ "Name eq 'it''s'", false },
		{ "Size ge 120.0", true },
		{ "Name eq null", false },
	};
	static const char *const bad[] = {
		"", "Name", "Name eq", "Name xx 'a'", "Bogus eq 1",
		"contains(Name 'a')", "(Name eq 'a'", "Name eq 'a' and",
		"Name eq 'open", "Name eq 'a' trailing",
	};
	struct odata_expr	*x;
	struct rs_err		 e;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		if (odata_filter_parse(cases[i].f, known, &x, &e) == -1)
			fail_msg("'%s': %s", cases[i].f, e.msg);
		if (odata_eval(x, row_prop, &r) != cases[i].want)
			fail_msg("'%s' gave %d", cases[i].f, !cases[i].want);
		odata_expr_free(x);
	}
	for (size_t i = 0; i < nitems(bad); i++) {
		if (odata_filter_parse(bad[i], known, &x, &e) == 0)
			fail_msg("'%s' parsed", bad[i]);
		assert_int_equal(e.code, RS_E_BADINPUT);
		assert_non_null(strstr(e.msg, "$filter"));
	}
}

static void
test_odata_options(void **state)
{
	struct row		 rows[] = { { "b", "Report", 3, false },
	    { "a", "Report", 1, false }, { "c", "Folder", 2, false } };
	const void		*v[] = { &rows[0], &rows[1], &rows[2] };
	struct odata_query	 q;
	struct rs_err		 e;

	(void)state;
	assert_int_equal(odata_parse(&q, "2", "1", "true", NULL,
	    "Type desc, Name", "Name,Size", known, &e), 0);
	assert_int_equal(q.top, 2);
	assert_int_equal(q.skip, 1);
	assert_true(q.count);
	odata_sort(&q, row_prop, v, 3);
	assert_string_equal(((const struct row *)v[0])->name, "a");
	assert_string_equal(((const struct row *)v[1])->name, "b");
	assert_string_equal(((const struct row *)v[2])->name, "c");
	assert_true(odata_selected(&q, "size"));
	assert_false(odata_selected(&q, "Type"));
	odata_fini(&q);
	assert_int_equal(odata_parse(&q, "-1", NULL, NULL, NULL, NULL, NULL,
	    known, &e), -1);
	assert_int_equal(odata_parse(&q, NULL, NULL, "maybe", NULL, NULL, NULL,
	    known, &e), -1);
	assert_int_equal(odata_parse(&q, NULL, NULL, NULL, NULL, "Name sideways",
	    NULL, known, &e), -1);
	assert_int_equal(odata_parse(&q, NULL, NULL, NULL, NULL, NULL, "Nope",
	    known, &e), -1);
}

static void
test_json(void **state)
{
	static const char *const bad[] = {
		"", "{", "{\"a\"}", "{\"a\":}", "[1,]", "{\"a\":1,}", "tru",
		"\"\\x\"", "\"\\ud800\"", "\"a\nb\"", "1 2", "[01x]",
		"{\"a\":1}}", "nul",
	};
	struct json		*j;
	struct rs_err		 e;
	char			 deep[200];
	const char		*doc = "{\"Name\":\"Ü\\u00e9\\ud83d\\ude00\","
	    "\"n\":-1.5e2,\"b\":true,\"z\":null,\"a\":[1,\"x\",{}]}";

	(void)state;
	j = json_parse(doc, strlen(doc), &e);
	if (j == NULL)
		fail_msg("%s", e.msg);
	assert_string_equal(json_get_str(j, "name"), "Ü\xc3\xa9\xf0\x9f\x98\x80");
	assert_true(json_get(j, "n")->num == -150.0);
	assert_true(json_get(j, "b")->b);
	assert_int_equal(json_get(j, "z")->type, JSON_NULL);
	assert_int_equal(json_get(j, "a")->n, 3);
	assert_null(json_get(j, "missing"));
	json_free(j);
	for (size_t i = 0; i < nitems(bad); i++) {
		j = json_parse(bad[i], strlen(bad[i]), &e);
		if (j != NULL)
			fail_msg("'%s' parsed", bad[i]);
		assert_int_equal(e.code, RS_E_BADINPUT);
	}
	memset(deep, '[', sizeof(deep));
	assert_null(json_parse(deep, sizeof(deep), &e));
	assert_non_null(strstr(e.msg, "nested too deeply"));
}

static void
test_forms(void **state)
{
	static const char mp[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=\"op\"\r\n\r\nupload\r\n--XyZ\r\nContent-Disposition: "
	    "form-data; name=\"file\"; filename=\"a b.rdl\"\r\nContent-Type: "
	    "text/xml\r\n\r\n<R>\0</R>\r\n--XyZ--\r\n";
	struct form			f;
	const struct form_field		*x;
	struct rs_err			e;
	const char			*ue = "a=1&b=x+y%21&c&a=2";

	(void)state;
	assert_int_equal(form_parse(&f, "multipart/form-data; boundary=XyZ",
	    mp, sizeof(mp) - 1, &e), 0);
	assert_string_equal(form_str(&f, "op"), "upload");
	x = form_get(&f, "file");
	assert_non_null(x);
	assert_string_equal(x->filename, "a b.rdl");
	assert_int_equal(x->len, 8);
	assert_memory_equal(x->value, "<R>\0</R>", 8);
	form_fini(&f);
	assert_int_equal(form_parse(&f, "application/x-www-form-urlencoded",
	    ue, strlen(ue), &e), 0);
	assert_string_equal(form_str(&f, "a"), "1");
	assert_string_equal(form_str(&f, "b"), "x y!");
	assert_string_equal(form_str(&f, "c"), "");
	form_fini(&f);
	assert_int_equal(form_parse(&f, "multipart/form-data; boundary=XyZ",
	    mp, 40, &e), -1);
	assert_int_equal(form_parse(&f, "text/plain", ue, strlen(ue), &e), -1);
	assert_int_equal(form_parse(&f, "application/x-www-form-urlencoded",
	    "a=%zz", 5, &e), -1);
}

static void
test_query_and_routes(void **state)
{
	struct rsquery		q;
	struct rest_route	r;
	struct rs_err		e;

	(void)state;
	assert_int_equal(rs_query_parse("%2fSales%2fQ1+Report&rs:Command="
	    "Render&rs:format=CSV&Param=a%26b", &q, &e), 0);
	assert_string_equal(q.item, "/Sales/Q1 Report");
	assert_string_equal(rs_query_get(&q, "RS:COMMAND"), "Render");
	assert_string_equal(rs_query_get(&q, "rs:Format"), "CSV");
	assert_string_equal(rs_query_get(&q, "Param"), "a&b");
	rs_query_fini(&q);
	assert_int_equal(rs_query_parse("/x&a=%00", &q, &e), -1);
	assert_int_equal(rest_route_parse("/CatalogItems(Path='/a/it''s "
	    "(1)')/Content/$value", &r, &e), 0);
	assert_string_equal(r.set, "CatalogItems");
	assert_true(r.has_key && r.key_is_path);
	assert_string_equal(r.key, "/a/it's (1)");
	assert_string_equal(r.rest, "Content/$value");
	assert_int_equal(rest_route_parse("/Folders(0b1c)", &r, &e), 0);
	assert_string_equal(r.key, "0b1c");
	assert_false(r.key_is_path);
	assert_int_equal(rest_route_parse("/Folders(Path='/x", &r, &e), -1);
	assert_int_equal(rest_route_parse("/", &r, &e), -1);
}

static void
test_passwd(void **state)
{
	char		h[RS_PASSWD_HASH_MAX];
	struct rs_err	e;

	(void)state;
	assert_int_equal(rs_passwd_hash("correct horse", h, sizeof(h), &e), 0);
	assert_true(strncmp(h, "$y$", 3) == 0);
	assert_true(rs_passwd_verify("correct horse", h));
	assert_false(rs_passwd_verify("correct horsE", h));
	assert_false(rs_passwd_verify("x", "not a hash"));
	assert_int_equal(rs_passwd_hash("", h, sizeof(h), &e), -1);
	assert_int_equal(rs_passwd_hash("a\nb", h, sizeof(h), &e), -1);
}

/*
 * Deterministic random inputs over the parsers that read the network:
 * under ASan+UBSan any out-of-bounds read or leak fails the run.
 */
static void
test_random_inputs(void **state)
{
	static const char	alpha[] = "{}[]\":,\\u0123abcdefnrtl \t\r\n'()"
	    "=&%+-.eE/$?;*<>xX--bound\x00\xc3\xbf";
	uint32_t		seed = 12345;
	char			buf[300];
	struct rs_err		e;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t			 n;
		struct json		*j;
		struct odata_expr	*x;
		struct form		 f;
		struct rsquery		 q;
		struct rest_route	 r;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % (sizeof(buf) - 1);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		buf[n] = '\0';
		j = json_parse(buf, n, &e);
		json_free(j);
		if (odata_filter_parse(buf, known, &x, &e) == 0)
			odata_expr_free(x);
		if (form_parse(&f, "multipart/form-data; boundary=bound", buf, n,
		    &e) == 0)
			form_fini(&f);
		if (form_parse(&f, "application/x-www-form-urlencoded", buf, n,
		    &e) == 0)
			form_fini(&f);
		if (rs_query_parse(buf, &q, &e) == 0)
			rs_query_fini(&q);
		(void)rest_route_parse(buf, &r, &e);
	}
}

/* ---- handlers over a temporary catalog ---- */

struct fx {
	char			 dir[64];
	char			 db[128];
	struct rsconf		*conf;
	struct rs_server	 srv;
	const char		*auth;
};

static const char *
hdr(void *ctx, const char *name)
{
	struct fx	*f = ctx;

	if (strcasecmp(name, "Authorization") == 0)
		return f->auth;
	if (strcasecmp(name, "X-Forwarded-Proto") == 0)
		return "https";
	if (strcasecmp(name, "Host") == 0)
		return "rs.test";
	return NULL;
}

static int
setup(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));
	struct rs_err	 e;
	char		*text;

	str_copy(f->dir, sizeof(f->dir), "/tmp/rs-h.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/rs.db", f->dir);
	text = rsconf_default_text(false, f->db);
	f->conf = rsconf_parse(text, strlen(text), "t.config", &e);
	free(text);
	assert_non_null(f->conf);
	rs_server_init(&f->srv, f->conf);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 p[200];

	rs_server_fini(&f->srv);
	rsconf_free(f->conf);
	for (const char *s = ""; s != NULL; s = *s == '\0' ? "-wal" :
	    strcmp(s, "-wal") == 0 ? "-shm" : NULL) {
		snprintf(p, sizeof(p), "%s%s", f->db, s);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
call(struct fx *f, bool portal, const char *method, const char *path,
    const char *query, struct rsresp *resp)
{
	struct rsreq	r = { 0 };

	r.method = method;
	r.path = path;
	r.query = query;
	r.vdir = portal ? "/Reports" : "/ReportServer";
	r.header = hdr;
	r.hctx = f;
	rsresp_init(resp);
	if (portal)
		rs_portal_handle(&f->srv, &r, resp);
	else
		rs_websvc_handle(&f->srv, &r, resp);
}

static void
test_handlers(void **state)
{
	struct fx		*f = *state;
	struct rsresp		 resp;
	struct rs_err		 e;
	struct catalog_dsn	 d = { false, f->db };
	char			 h[RS_PASSWD_HASH_MAX];
	struct catalog_new	 nw = { .parent = "/", .name = "Sales",
	    .type = CATALOG_FOLDER };
	struct catalog		*cat;

	call(f, false, "GET", "/", "", &resp);
	assert_int_equal(resp.status, 503);
	assert_non_null(strstr(resp.body.data,
	    "rsReportServerDatabaseUnavailable"));
	assert_non_null(strstr(resp.body.data, "rsconfig database create"));
	rsresp_fini(&resp);

	assert_int_equal(rs_passwd_hash("pw", h, sizeof(h), &e), 0);
	assert_int_equal(catalog_create(&d, 0, "admin", h, &e), 0);
	cat = catalog_open(&d, &e);
	assert_non_null(cat);
	assert_int_equal(catalog_item_add(cat, &nw, "admin", NULL, &e), 0);
	catalog_close(cat);
	f->srv.cat_tried = 0;	/* no waiting for the retry second */

	call(f, false, "GET", "/", "", &resp);
	assert_int_equal(resp.status, 401);
	assert_non_null(rsresp_get_header(&resp, "WWW-Authenticate"));
	rsresp_fini(&resp);

	f->auth = "Basic YWRtaW46cHc=";	/* admin:pw */
	call(f, false, "GET", "/", "", &resp);
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body.data,
	    "<title>rs.test/ReportServer - /</title>"));
	assert_non_null(strstr(resp.body.data, "&lt;dir&gt; <A HREF=\"?%2f"
	    "Sales&amp;rs:Command=ListChildren\">Sales</A>"));
	rsresp_fini(&resp);

	call(f, true, "GET", "/api/v2.0/CatalogItems(Path='/Nope')", "",
	    &resp);
	assert_int_equal(resp.status, 404);
	assert_non_null(strstr(resp.body.data,
	    "{\"error\":{\"code\":\"rsItemNotFound\""));
	rsresp_fini(&resp);

	call(f, true, "GET", "/browse/Sales", "msg=%3Cb%3E", &resp);
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body.data, "&lt;b&gt;"));
	assert_null(strstr(resp.body.data, "<b>"));
	rsresp_fini(&resp);

	f->auth = "Basic YWRtaW46d3Jvbmc=";	/* admin:wrong */
	call(f, false, "GET", "/", "", &resp);
	assert_int_equal(resp.status, 401);
	rsresp_fini(&resp);
}

static void
test_regstate(void **state)
{
	struct rs_regstate	*w = calloc(1, sizeof(*w)), *r = calloc(1,
				    sizeof(*r));
	char			 dir[] = "/tmp/rs-regstate.XXXXXX", p[64], q[64];
	struct rs_err		 e;
	FILE			*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/registrations", dir);
	w->pid = 4242;
	w->seq = 7;
	w->n = 2;
	w->urls[0].state = RS_REG_OK;
	str_copy(w->urls[0].url, sizeof(w->urls[0].url),
	    "https://+:8443/ReportServer/");
	w->urls[1].state = RS_REG_FAILED;
	w->urls[1].code = 183;
	str_copy(w->urls[1].url, sizeof(w->urls[1].url), "http://+:80/Reports/");
	str_copy(w->urls[1].msg, sizeof(w->urls[1].msg), "taken\nurl OK 0 x");
	assert_int_equal(rs_regstate_write(p, w, &e), 0);
	assert_int_equal(rs_regstate_read(p, r, &e), 0);
	assert_int_equal(r->pid, 4242);
	assert_int_equal(r->seq, 7);
	assert_int_equal(r->n, 2);	/* the newline did not make a line */
	assert_int_equal(rs_regstate_find(r, "HTTPS://+:8443/ReportServer/")->
	    state, RS_REG_OK);
	assert_int_equal(r->urls[1].code, 183);
	assert_string_equal(r->urls[1].msg, "taken url OK 0 x");
	snprintf(q, sizeof(q), "%s/link", dir);
	assert_int_equal(symlink(p, q), 0);
	assert_int_equal(rs_regstate_read(q, r, &e), -1);	/* no link */
	unlink(q);
	assert_int_equal(link(p, q), 0);
	assert_int_equal(rs_regstate_read(p, r, &e), -1);	/* 2 links */
	assert_int_equal(e.code, RS_E_BADINPUT);
	unlink(q);
	f = fopen(p, "w");
	fputs("root:x:0:0:root:/root:/bin/bash\nurl OK 0 x y\n", f);
	fclose(f);
	assert_int_equal(rs_regstate_read(p, r, &e), -1);	/* not ours */
	f = fopen(p, "w");
	fputs("reportserver-registrations 1\npid 9\nurl OK 0 a b\nurl OK", f);
	fclose(f);
	assert_int_equal(rs_regstate_read(p, r, &e), 0);
	assert_int_equal(r->n, 1);	/* a line being written is not read */
	unlink(p);
	snprintf(q, sizeof(q), "%s/none", dir);
	assert_int_equal(rs_regstate_read(q, r, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	rmdir(dir);
	free(w);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odata_filter),
		cmocka_unit_test(test_odata_options),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_query_and_routes),
		cmocka_unit_test(test_passwd),
		cmocka_unit_test(test_regstate),
		cmocka_unit_test(test_random_inputs),
		cmocka_unit_test_setup_teardown(test_handlers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
