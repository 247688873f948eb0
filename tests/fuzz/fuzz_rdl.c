/*
 * fuzz_rdl.c: fuzz target of rdl/, the report definition parser: the
 * input is the bytes of an .rdl file.  A refused definition must say why
 * (a non-empty message with code BADINPUT or LIMIT); an accepted one must
 * answer lookups of its own datasets and free cleanly.
 */
#include "fuzz.h"

#include <string.h>

#include "common/err.h"
#include "rdl/rdl.h"

static void
check_report(const struct rdl_report *r)
{
	for (size_t i = 0; i < r->ndatasets; i++) {
		const struct rdl_dataset *ds = &r->datasets[i];

		if (rdl_dataset_find(r, ds->name) < 0)
			fuzz_fail("dataset not found by its own name",
			    ds->name);
		for (size_t j = 0; j < ds->nfields; j++)
			if (rdl_field_find(ds, ds->fields[j].name) < 0)
				fuzz_fail("field not found by its own name",
				    ds->fields[j].name);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdl_report	*r;
	struct rs_err		 e;

	rs_err_clear(&e);
	r = rdl_parse((const char *)data, size, "Fuzz", &e);
	if (r == NULL) {
		if (e.msg[0] == '\0' || (e.code != RS_E_BADINPUT &&
		    e.code != RS_E_LIMIT))
			fuzz_fail("refused without a reason", e.msg);
		return 0;
	}
	check_report(r);
	rdl_free(r);
	return 0;
}
