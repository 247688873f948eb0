/*
 * util.c: the small helpers of fuzz.h, linked into every fuzz target
 * and every replay binary.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

char *
fuzz_strdup(const uint8_t *data, size_t size)
{
	char	*s = xmalloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

char *
fuzz_head(const uint8_t *data, size_t size, const uint8_t **rest,
    size_t *restlen)
{
	const uint8_t	*nl = size > 0 ? memchr(data, '\n', size) : NULL;
	size_t		 n = nl != NULL ? (size_t)(nl - data) : size;

	*rest = nl != NULL ? nl + 1 : data + size;
	*restlen = size - n - (nl != NULL);
	return fuzz_strdup(data, n);
}

void
fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz: invariant broken: %s: %s\n", what,
	    detail != NULL ? detail : "");
	abort();
}
