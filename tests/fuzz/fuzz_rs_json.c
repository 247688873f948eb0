/*
 * fuzz_rs_json.c: fuzz target of the report server's JSON reader
 * (reportserver/json.c), which parses REST request bodies from the
 * network.  A refused body must say why; an accepted tree is walked,
 * every string must be as long as its recorded length says, and lookups
 * by member name must find a member.
 */
#include "fuzz.h"

#include <string.h>

#include "common/err.h"
#include "reportserver/json.h"

/* Above JSON_DEPTH_MAX: a deeper tree breaks the limit. */
#define WALK_DEPTH_MAX	64

static void
walk(const struct json *j, int depth)
{
	if (depth > WALK_DEPTH_MAX)
		fuzz_fail("tree deeper than JSON_DEPTH_MAX", "");
	if (j->type == JSON_STR && (j->str == NULL || j->str[j->len] != '\0'))
		fuzz_fail("string not NUL-terminated at its length", "");
	for (size_t i = 0; i < j->n; i++) {
		const struct json *k = &j->kids[i];

		if (j->type == JSON_OBJ && (k->key == NULL ||
		    json_get(j, k->key) == NULL))
			fuzz_fail("member not found by its own name", k->key);
		walk(k, depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json	*j;
	struct rs_err	 e;

	rs_err_clear(&e);
	j = json_parse((const char *)data, size, &e);
	if (j == NULL) {
		if (e.msg[0] == '\0')
			fuzz_fail("refused without a reason", "");
		return 0;
	}
	walk(j, 0);
	(void)json_get_str(j, "Name");
	json_free(j);
	return 0;
}
