/*
 * extension.c: the one table of data extensions this build connects to,
 * by the names RDL uses for them (DataProvider in a report, Extension in a
 * shared data source).  The renderer resolves data sources with it and
 * the definition check refuses the names it does not hold, so what the
 * report server stores is what it can render.
 */
#include <stddef.h>

#include "common/str.h"
#include "data/data.h"

static const struct {
	const char	*name;
	enum data_kind	 kind;
} extensions[] = {
	{ "SQLITE", DATA_SQLITE },
	{ "POSTGRESQL", DATA_POSTGRES },
	{ "POSTGRES", DATA_POSTGRES },	/* an alias some tools write */
	{ "ENTERDATA", DATA_ENTERDATA },
};

int
data_extension_kind(const char *name, enum data_kind *kind)
{
	for (size_t i = 0; name != NULL && i < nitems(extensions); i++)
		if (str_ieq(name, extensions[i].name)) {
			if (kind != NULL)
				*kind = extensions[i].kind;
			return 0;
		}
	return -1;
}
