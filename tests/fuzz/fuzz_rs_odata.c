/*
 * fuzz_rs_odata.c: fuzz target of the REST API's OData query options
 * (reportserver/odata.c), which come from the request URL.  Input lines:
 * $top, $skip, $count, $filter, $orderby, $select (a missing line is an
 * absent option).  An accepted query is evaluated over a few catalog-like
 * entities, sorts them and answers $select.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "reportserver/odata.h"

#define OPTS	6

struct item {
	const char	*name, *path, *type;
	double		 size;
	bool		 hidden;
};

static const struct item items[] = {
	{ "Sales", "/Reports/Sales", "Report", 1234, false },
	{ "data", "/Data/data", "DataSource", 0, true },
	{ NULL, "/", "Folder", -1.5, false },
};

static bool
prop(const void *entity, const char *name, struct odata_val *out)
{
	const struct item *it = entity;

	memset(out, 0, sizeof(*out));
	if (strcasecmp(name, "Name") == 0) {
		out->t = it->name != NULL ? ODATA_STR : ODATA_NULL;
		out->s = it->name;
	} else if (strcasecmp(name, "Path") == 0) {
		out->t = ODATA_STR, out->s = it->path;
	} else if (strcasecmp(name, "Type") == 0) {
		out->t = ODATA_STR, out->s = it->type;
	} else if (strcasecmp(name, "Size") == 0) {
		out->t = ODATA_NUM, out->n = it->size;
	} else if (strcasecmp(name, "Hidden") == 0) {
		out->t = ODATA_BOOL, out->b = it->hidden;
	} else
		return false;
	return true;
}

static void
use(struct odata_query *q)
{
	const void	*v[3] = { &items[0], &items[1], &items[2] };

	for (size_t i = 0; i < 3; i++)
		if (q->filter != NULL)
			(void)odata_eval(q->filter, prop, v[i]);
	odata_sort(q, prop, v, 3);
	(void)odata_selected(q, "Name");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const known[] = { "Name", "Path", "Type", "Size",
	    "Hidden", NULL };
	char			*opt[OPTS] = { NULL };
	struct odata_query	 q;
	struct rs_err		 e;

	for (size_t i = 0; i < OPTS && size > 0; i++) {
		opt[i] = fuzz_head(data, size, &data, &size);
		if (strcmp(opt[i], "-") == 0) {
			free(opt[i]);
			opt[i] = NULL;
		}
	}
	memset(&q, 0, sizeof(q));
	rs_err_clear(&e);
	if (odata_parse(&q, opt[0], opt[1], opt[2], opt[3], opt[4], opt[5],
	    known, &e) == 0)
		use(&q);
	else if (e.msg[0] == '\0')
		fuzz_fail("refused without a reason", "");
	odata_fini(&q);
	for (size_t i = 0; i < OPTS; i++)
		free(opt[i]);
	return 0;
}
