/*
 * test_deliver.c: unit tests of deliver/ and rskey/ that need no server:
 * the settings lists and their stored form, address and header checks
 * (no header injection), the subject and file name variables, the stable
 * Message-ID, file share delivery into a real temporary folder (the three
 * write modes, folders not allowed, symbolic links out of the allowed
 * folder), and the installation key (round trip, a changed value or
 * another key refused, the key file's mode).
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
#include "deliver/deliver.h"
#include "rskey/rskey.h"

static void
test_kvs(void **state)
{
	struct deliver_kvs	l = { 0 }, back = { 0 };
	struct rs_err		e;
	char			*text;

	(void)state;
	assert_int_equal(deliver_kvs_add(&l, "TO", "a@x.com; b@y.com", false,
	    &e), 0);
	assert_int_equal(deliver_kvs_add(&l, "Comment", "line 1\nline\t2 \\",
	    false, &e), 0);
	assert_int_equal(deliver_kvs_add(&l, "RenderFormat", "fmt", true, &e),
	    0);
	text = deliver_kvs_encode(&l);
	assert_int_equal(deliver_kvs_decode(text, &back, &e), 0);
	assert_int_equal(back.n, 3);
	assert_string_equal(deliver_kvs_get(&back, "comment"),
	    "line 1\nline\t2 \\");
	assert_true(back.v[2].field);
	assert_false(back.v[0].field);
	free(text);
	deliver_kvs_fini(&back);
	assert_int_equal(deliver_kvs_decode("no tabs here\n", &back, &e), -1);
	deliver_kvs_fini(&l);
}

static void
test_addr(void **state)
{
	static const struct {
		const char	*list;
		int		 rc;
		size_t		 n;
	} cases[] = {
		{ "a@example.com", 0, 1 },
		{ "a@example.com; b@example.com, c@localhost", 0, 3 },
		{ " ; a@example.com ; ", 0, 1 },
		{ "not an address", -1, 0 },
		{ "a@example.com\r\nBcc: evil@x.com", -1, 0 },
		{ "<a@example.com>", -1, 0 },
		{ "Anna <a@example.com>", -1, 0 },
		{ "a@b@example.com", -1, 0 },
		{ "@example.com", -1, 0 },
		{ "a@nodot", -1, 0 },
		{ "", 0, 0 },
	};
	struct rs_err	e;
	size_t		n;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		assert_int_equal(deliver_addr_check(cases[i].list, &n, &e),
		    cases[i].rc);
		if (cases[i].rc == 0)
			assert_int_equal(n, cases[i].n);
	}
	assert_int_equal(deliver_header_check("s", "a\rb", &e), -1);
	assert_int_equal(deliver_header_check("s", "fine", &e), 0);
}

static void
test_expand(void **state)
{
	char	*s, id[200];

	(void)state;
	s = deliver_expand("@ReportName at @ExecutionTime (@timestamp) "
	    "@reportname@", "Sales", "06/01/2026 08:00:00 AM", "2026_06_01");
	assert_string_equal(s, "Sales at 06/01/2026 08:00:00 AM (2026_06_01) "
	    "Sales@");
	free(s);
	deliver_message_id("S:abc-1:1780300800#3", "rs.example.com", id,
	    sizeof(id));
	assert_string_equal(id, "<rs.S.abc-1.1780300800.3@rs.example.com>");
	assert_int_equal(deliver_overwrite_parse("autoincrement"),
	    DELIVER_AUTOINCREMENT);
	assert_int_equal(deliver_overwrite_parse("Sometimes"), -1);
}

static void
test_fileshare(void **state)
{
	char			 root[64], sub[128], out[512], link[128];
	const char		*allowed[1];
	struct deliver_file	 f = { 0 };
	struct deliver_result	 r;

	(void)state;
	str_copy(root, sizeof(root), "/tmp/rs-share.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(sub, sizeof(sub), "%s/ok", root);
	assert_int_equal(mkdir(sub, 0700), 0);
	allowed[0] = sub;
	f.folder = sub;
	f.name = "Report";
	f.ext = ".csv";
	f.data = "a,b\n";
	f.len = 4;
	f.mode = DELIVER_OVERWRITE;
	deliver_file_write(allowed, 1, &f, out, sizeof(out), &r);
	assert_true(r.ok);
	f.data = "c,d\n";
	deliver_file_write(allowed, 1, &f, out, sizeof(out), &r);
	assert_true(r.ok);
	f.mode = DELIVER_NO_OVERWRITE;
	deliver_file_write(allowed, 1, &f, out, sizeof(out), &r);
	assert_false(r.ok);
	assert_false(r.temporary);
	assert_non_null(strstr(r.status, "already exists"));
	f.mode = DELIVER_AUTOINCREMENT;
	deliver_file_write(allowed, 1, &f, out, sizeof(out), &r);
	assert_true(r.ok);
	assert_non_null(strstr(out, "/Report_1.csv"));
	/* Outside the allowed folder, directly or through a link. */
	f.folder = root;
	deliver_file_write(allowed, 1, &f, out, sizeof(out), &r);
	assert_false(r.ok);
	assert_non_null(strstr(r.status, "AllowedPaths"));
	snprintf(link, sizeof(link), "%s/ok/up", root);
	assert_int_equal(symlink(root, link), 0);
	f.folder = link;
	deliver_file_write(allowed, 1, &f, out, sizeof(out), &r);
	assert_false(r.ok);
	f.folder = sub;
	f.name = "../escape";
	deliver_file_write(allowed, 1, &f, out, sizeof(out), &r);
	assert_false(r.ok);
	unlink(link);
	snprintf(out, sizeof(out), "%s/Report.csv", sub);
	unlink(out);
	snprintf(out, sizeof(out), "%s/Report_1.csv", sub);
	unlink(out);
	rmdir(sub);
	rmdir(root);
}

static void
test_rskey(void **state)
{
	char		 root[64], path[200], *enc, *dec, *enc2;
	struct rs_err	 e;
	struct stat	 st;

	(void)state;
	str_copy(root, sizeof(root), "/tmp/rs-key.XXXXXX");
	assert_non_null(mkdtemp(root));
	enc = rskey_encrypt(root, "s3cret pässword", &e);
	assert_non_null(enc);
	assert_true(rskey_is_encrypted(enc));
	assert_null(strstr(enc, "s3cret"));
	enc2 = rskey_encrypt(root, "s3cret pässword", &e);
	assert_string_not_equal(enc, enc2);	/* a fresh nonce each time */
	dec = rskey_decrypt(root, enc, &e);
	assert_string_equal(dec, "s3cret pässword");
	rskey_free(dec);
	snprintf(path, sizeof(path), "%s/%s", root, RSKEY_FILE);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	enc[strlen(enc) - 3] = enc[strlen(enc) - 3] == 'A' ? 'B' : 'A';
	assert_null(rskey_decrypt(root, enc, &e));
	assert_int_equal(e.code, RS_E_BADINPUT);
	assert_null(rskey_decrypt(root, "plain text", &e));
	/* Another installation's key does not open it. */
	unlink(path);
	assert_null(rskey_decrypt(root, enc2, &e));
	free(rskey_encrypt(root, "x", &e));
	assert_null(rskey_decrypt(root, enc2, &e));
	unlink(path);
	snprintf(path, sizeof(path), "%s/reportserver/keys", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/reportserver", root);
	rmdir(path);
	rmdir(root);
	free(enc);
	free(enc2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kvs),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_fileshare),
		cmocka_unit_test(test_rskey),
	};

	return cmocka_run_group_tests_name("deliver", tests, NULL, NULL);
}
