/*
 * fuzz_subs.c: fuzz target of a subscription's settings as stored
 * (deliver/: deliver_kvs_decode, the "name\tvalue\tF|V" lines of
 * ExtensionSettings.ParameterValues and ParameterValues, read back at
 * every run and every REST GET) and of what a run does with them: the
 * address lists (deliver_addr_check), the header check and the subject
 * and file name variables (deliver_expand).  An accepted text must be
 * canonical once encoded (encode, decode, encode gives the same text, the
 * same pairs); a refusal must say why; an accepted address list has no
 * CR or LF; an expanded value ends.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/str.h"
#include "deliver/deliver.h"

static void
same(const struct deliver_kvs *a, const struct deliver_kvs *b)
{
	if (a->n != b->n)
		fuzz_fail("a different number of pairs after a round trip", "");
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, b->v[i].name) != 0 ||
		    strcmp(a->v[i].value, b->v[i].value) != 0 ||
		    a->v[i].field != b->v[i].field)
			fuzz_fail("a pair changed in a round trip",
			    a->v[i].name);
}

static void
use(const struct deliver_kvs *l)
{
	static const char *const addrs[] = { "TO", "CC", "BCC", "ReplyTo" };
	struct rs_err	 e;
	size_t		 n;

	for (size_t i = 0; i < l->n; i++) {
		const struct deliver_kv	*kv = &l->v[i];
		char			*x;

		if (deliver_kvs_get(l, kv->name) == NULL)
			fuzz_fail("name not found by itself", kv->name);
		rs_err_clear(&e);
		if (deliver_header_check(kv->name, kv->value, &e) == -1 &&
		    e.msg[0] == '\0')
			fuzz_fail("header refused without a reason", kv->name);
		for (size_t k = 0; k < sizeof(addrs) / sizeof(addrs[0]); k++) {
			if (!str_ieq(kv->name, addrs[k]))
				continue;
			rs_err_clear(&e);
			if (deliver_addr_check(kv->value, &n, &e) == 0) {
				if (strpbrk(kv->value, "\r\n") != NULL)
					fuzz_fail("address list with CR or LF "
					    "accepted", kv->value);
			} else if (e.msg[0] == '\0')
				fuzz_fail("addresses refused without a reason",
				    kv->value);
		}
		x = deliver_expand(kv->value, "Sales", "2026-03-01 08:00",
		    "20260301080000");
		if (x == NULL)
			fuzz_fail("expand gave nothing", kv->value);
		free(x);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct deliver_kvs	 a = { 0 }, b = { 0 };
	struct rs_err		 e;
	char			*text = fuzz_strdup(data, size), *t1, *t2;

	rs_err_clear(&e);
	if (deliver_kvs_decode(text, &a, &e) == -1) {
		if (e.msg[0] == '\0')
			fuzz_fail("refused without a reason", "");
		deliver_kvs_fini(&a);
		free(text);
		return 0;
	}
	use(&a);
	t1 = deliver_kvs_encode(&a);
	if (deliver_kvs_decode(t1, &b, &e) == -1)
		fuzz_fail("its own encoding refused", e.msg);
	same(&a, &b);
	t2 = deliver_kvs_encode(&b);
	if (strcmp(t1, t2) != 0)
		fuzz_fail("encoding not canonical", t1);
	free(t1);
	free(t2);
	deliver_kvs_fini(&a);
	deliver_kvs_fini(&b);
	free(text);
	return 0;
}
