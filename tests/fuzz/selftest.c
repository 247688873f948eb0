/*
 * selftest.c: a target that fails on purpose, linked with driver.c as
 * replay_selftest (not a test_* program and not a libFuzzer target), so
 * tests/integration/fuzz/replay.sh can check that the replay reports each
 * kind of failure: input "overflow" reads past a heap block, "abort"
 * breaks an invariant, "leak" leaks; anything else is fine.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

static char	*leaked;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*copy = fuzz_strdup(data, size);
	volatile char	 c;

	if (strncmp(copy, "overflow", 8) == 0)
		c = copy[size + 8];
	else if (strncmp(copy, "abort", 5) == 0)
		fuzz_fail("selftest", "abort asked for");
	else if (strncmp(copy, "leak", 4) == 0) {
		leaked = xstrdup(copy);
		leaked = NULL;
	}
	(void)c;
	free(copy);
	return 0;
}
