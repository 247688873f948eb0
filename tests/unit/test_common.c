/*
 * test_common.c: unit tests of common/: errors, strings, hex/base64,
 * buffers, atomic files, state root, log lines.
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

#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/root.h"
#include "common/str.h"

static void
test_err(void **state)
{
	struct rs_err	e;

	(void)state;
	rs_err_clear(&e);
	assert_int_equal(rs_err_set(&e, RS_E_NOTFOUND, "no %s", "thing"), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	assert_string_equal(e.msg, "no thing");
	rs_err_prefix(&e, "cannot remove %d", 7);
	assert_string_equal(e.msg, "cannot remove 7: no thing");
	assert_int_equal(e.code, RS_E_NOTFOUND);
	assert_int_equal(rs_err_exit_status(RS_E_USAGE), 64);
	assert_int_equal(rs_err_http_status(RS_E_NOTFOUND), 404);
	assert_string_equal(rs_err_name(RS_E_TLS), "TLS");
	assert_int_equal(rs_err_set(NULL, RS_E_IO, "x"), -1);
}

static void
test_copy(void **state)
{
	char	b[6];

	(void)state;
	assert_int_equal(str_copy(b, sizeof(b), "hello"), 0);
	assert_string_equal(b, "hello");
	assert_int_equal(str_copy(b, sizeof(b), "hello!"), -1);
	assert_string_equal(b, "hello");
	assert_int_equal(str_copy(b, sizeof(b), "ab"), 0);
	assert_int_equal(str_append(b, sizeof(b), "cd"), 0);
	assert_string_equal(b, "abcd");
	assert_int_equal(str_append(b, sizeof(b), "ef"), -1);
}

static void
test_parse_uint(void **state)
{
	static const struct {
		const char	*in;
		uint64_t	 min, max, want;
		int		 rv;
	} cases[] = {
		{ "0", 0, 10, 0, 0 },
		{ "10", 0, 10, 10, 0 },
		{ "11", 0, 10, 0, -1 },
		{ "", 0, 10, 0, -1 },
		{ "-1", 0, 10, 0, -1 },
		{ "1x", 0, 10, 0, -1 },
		{ " 1", 0, 10, 0, -1 },
		{ "99999999999999999999999", 0, UINT64_MAX, 0, -1 },
		{ "365", 1, 36500, 365, 0 },
	};
	struct rs_err	e;
	uint64_t	v;
	size_t		i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		v = 0;
		assert_int_equal(str_parse_uint(cases[i].in, cases[i].min,
		    cases[i].max, &v, "--days", &e), cases[i].rv);
		if (cases[i].rv == 0)
			assert_int_equal(v, cases[i].want);
		else
			assert_non_null(strstr(e.msg, "--days"));
	}
}

static void
test_hex(void **state)
{
	const uint8_t	in[] = { 0x00, 0xab, 0x7f, 0xff };
	char		out[9];
	uint8_t		back[4];

	(void)state;
	str_hex_encode(in, 4, out, true);
	assert_string_equal(out, "00AB7FFF");
	str_hex_encode(in, 4, out, false);
	assert_string_equal(out, "00ab7fff");
	assert_int_equal(str_hex_decode("00aB7FfF", back, sizeof(back)), 4);
	assert_memory_equal(in, back, 4);
	assert_int_equal(str_hex_decode("0", back, sizeof(back)), -1);
	assert_int_equal(str_hex_decode("zz", back, sizeof(back)), -1);
	assert_int_equal(str_hex_decode("0011223344", back, sizeof(back)), -1);
}

static void
test_base64(void **state)
{
	static const struct { const char *plain, *enc; } cases[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	char	enc[32];
	uint8_t	dec[32];
	long	n;
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		str_base64_encode((const uint8_t *)cases[i].plain,
		    strlen(cases[i].plain), enc);
		assert_string_equal(enc, cases[i].enc);
		n = str_base64_decode(enc, strlen(enc), dec, sizeof(dec));
		assert_int_equal(n, (long)strlen(cases[i].plain));
		assert_memory_equal(dec, cases[i].plain, (size_t)n);
	}
	assert_int_equal(str_base64_decode("Zm9v\nYmFy", 9, dec, 32), 6);
	assert_int_equal(str_base64_decode("Zm9v!", 5, dec, 32), -1);
	assert_int_equal(str_base64_decode("Z", 1, dec, 32), -1);
	assert_int_equal(str_base64_decode("Zm=9", 4, dec, 32), -1);
	assert_int_equal(str_base64_decode("Zm9vYmFy", 8, dec, 5), -1);
}

static void
test_trim_and_match(void **state)
{
	char	s[] = "  \t padded \n";

	(void)state;
	assert_string_equal(str_trim(s), "padded");
	assert_true(str_ieq("ReportServer", "reportserver"));
	assert_true(str_has_prefix("https://+:443/", "https://"));
	assert_false(str_has_prefix("http", "https"));
	assert_true(str_has_suffix("a.pfx", ".pfx"));
	assert_true(str_has_iprefix("HTTPS://x", "https://"));
}

static void
test_url_decode(void **state)
{
	static const struct {
		const char	*in, *want;
		bool		 plus;
	} cases[] = {
		{ "a%20b", "a b", false },
		{ "a+b", "a+b", false },
		{ "a+b", "a b", true },
		{ "%2fSamples%2FSales", "/Samples/Sales", false },
		{ "%e2%82%ac", "\xe2\x82\xac", false },
		{ "%", NULL, false },
		{ "%2", NULL, false },
		{ "%zz", NULL, false },
		{ "a%00b", NULL, false },
	};
	char	out[32];

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		int rv = str_url_decode(cases[i].in, strlen(cases[i].in),
		    cases[i].plus, out);
		if (cases[i].want == NULL)
			assert_int_equal(rv, -1);
		else {
			assert_int_equal(rv, 0);
			assert_string_equal(out, cases[i].want);
		}
	}
	/* A raw NUL inside the length is refused too. */
	assert_int_equal(str_url_decode("a\0b", 3, false, out), -1);
}

static void
test_buf(void **state)
{
	struct buf	b;
	struct rs_err	e;
	char		*p;
	size_t		len;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(buf_puts(&b, "0123456789", &e), 0);
	assert_int_equal(buf_printf(&b, &e, "%d", 12345), 0);
	assert_int_equal(buf_puts(&b, "xx", &e), -1);
	assert_int_equal(e.code, RS_E_LIMIT);
	assert_string_equal(b.data, "012345678912345");
	buf_fini(&b);

	buf_init(&b, 0);
	assert_int_equal(buf_json_str(&b, "a\"b\\\n\x01", &e), 0);
	assert_string_equal(b.data, "\"a\\\"b\\\\\\n\\u0001\"");
	buf_reset(&b);
	assert_int_equal(buf_html(&b, "<a href='x'>&\"", &e), 0);
	assert_string_equal(b.data,
	    "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
	p = buf_take(&b, &len);
	assert_int_equal(len, strlen(p));
	free(p);
	assert_null(b.data);
	/* An empty buffer still gives a terminated string. */
	p = buf_take(&b, &len);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
}

static void
test_atomic_file(void **state)
{
	char		 dir[] = "/tmp/rs-test-XXXXXX", path[256], sub[256];
	struct rs_err	 e;
	struct stat	 st;
	size_t		 len;
	char		*p;
	int		 fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a/b/file", dir);
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	assert_int_equal(fs_mkdir_p(sub, 0700, &e), 0);
	assert_int_equal(fs_mkdir_p(sub, 0700, &e), 0);
	assert_int_equal(fs_write_atomic(path, "one", 3, 0600, &e), 0);
	assert_int_equal(fs_write_atomic(path, "second", 6, 0640, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	p = fs_read_file(path, 100, &len, &e);
	assert_non_null(p);
	assert_int_equal(len, 6);
	assert_string_equal(p, "second");
	free(p);
	assert_null(fs_read_file(path, 3, &len, &e));
	assert_int_equal(e.code, RS_E_LIMIT);
	assert_null(fs_read_file("/nonexistent/x", 3, &len, &e));
	assert_int_equal(e.code, RS_E_NOTFOUND);
	fd = fs_lock(path, true, &e);
	assert_true(fd >= 0);
	fs_unlock(fd);
	assert_int_equal(fs_unlink_durable(path, &e), 0);
	assert_int_equal(fs_unlink_durable(path, &e), 0);
	assert_false(fs_exists(path));
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	rmdir(sub);
	rmdir(dir);
}

static void
test_root(void **state)
{
	char		out[RS_PATH_MAX], cwd[RS_PATH_MAX], want[RS_PATH_MAX + 8];
	struct rs_err	e;

	(void)state;
	assert_int_equal(rs_root_resolve("/srv/rs/", out, sizeof(out), &e), 0);
	assert_string_equal(out, "/srv/rs");
	setenv(RS_ROOT_ENV, "/from/env", 1);
	assert_int_equal(rs_root_resolve(NULL, out, sizeof(out), &e), 0);
	assert_string_equal(out, "/from/env");
	unsetenv(RS_ROOT_ENV);
	assert_int_equal(rs_root_resolve(NULL, out, sizeof(out), &e), 0);
	assert_string_equal(out, RS_ROOT_DEFAULT);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "%s/demo", cwd);
	assert_int_equal(rs_root_resolve("demo", out, sizeof(out), &e), 0);
	assert_string_equal(out, want);
	assert_int_equal(rs_root_path("/r", "certstore/My", out, sizeof(out),
	    &e), 0);
	assert_string_equal(out, "/r/certstore/My");
}

/* Each case: the bytes in, and what a log line shows of them. */
static void
test_log_escape(void **state)
{
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "plain text", "plain text" },
		{ "a\nb", "a\\x0ab" },
		{ "x\n<0>forged", "x\\x0a<0>forged" },
		{ "cr\r", "cr\\x0d" },
		{ "\x1b[2J", "\\x1b[2J" },
		{ "del\x7f", "del\\x7f" },
		{ "tab\t", "tab\\x09" },
		{ "back\\x0a", "back\\\\x0a" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "bad\xff", "bad\\xff" },
		{ "lone\x80" "cont", "lone\\x80cont" },
		{ "overlong\xc0\xaf", "overlong\\xc0\\xaf" },
		{ "overlong3\xe0\x80\xaf", "overlong3\\xe0\\x80\\xaf" },
		{ "surrogate\xed\xa0\x80", "surrogate\\xed\\xa0\\x80" },
		{ "big\xf4\x90\x80\x80", "big\\xf4\\x90\\x80\\x80" },
		{ "cut\xe2\x82", "cut\\xe2\\x82" },
		{ "c1\xc2\x9b", "c1\\xc2\\x9b" },
		{ "nbsp\xc2\xa0", "nbsp\xc2\xa0" },
		{ "ls\xe2\x80\xa8", "ls\\xe2\\x80\\xa8" },
		{ "rlo\xe2\x80\xae", "rlo\\xe2\\x80\\xae" },
		{ "fsi\xe2\x81\xa8", "fsi\\xe2\\x81\\xa8" },
	};
	char	out[128], small[8];
	size_t	n;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = log_escape(out, sizeof(out), cases[i].in,
		    strlen(cases[i].in));
		assert_string_equal(out, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
	}
	/* A NUL in the middle is a control character like the others. */
	assert_int_equal(log_escape(out, sizeof(out), "a\0b", 3), 6);
	assert_string_equal(out, "a\\x00b");
	/* Room for "ab" and one escape is not room for two. */
	n = log_escape(small, sizeof(small), "ab\n\n", 4);
	assert_string_equal(small, "ab\\x0a");
	assert_int_equal(n, 6);
	/* Never half a character. */
	n = log_escape(small, 4, "a\xe2\x82\xac", 4);
	assert_string_equal(small, "a");
	assert_int_equal(log_escape(small, 0, "x", 1), 0);
}

/* A forged line never reaches stderr: one call writes one line. */
static void
test_log_line(void **state)
{
	char	buf[512];
	int	p[2], saved;
	ssize_t	n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	saved = dup(STDERR_FILENO);
	assert_true(dup2(p[1], STDERR_FILENO) != -1);
	log_init("t");
	log_warn("sign-in: failed for user '%s'", "evil\n<0>t: forged\r");
	assert_true(dup2(saved, STDERR_FILENO) != -1);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "<4>t: sign-in: failed for user "
	    "'evil\\x0a<0>t: forged\\x0d'\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_trim_and_match),
		cmocka_unit_test(test_url_decode),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_atomic_file),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_log_escape),
		cmocka_unit_test(test_log_line),
	};

	return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
