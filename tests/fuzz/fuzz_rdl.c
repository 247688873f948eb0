/*
 * fuzz_rdl.c: fuzz target of rdl/, the report definition parser and
 * rdl_check(): the input is the bytes of an .rdl, .rds or .rsd file, read
 * as each of the three kinds.  A refused definition must say why (a
 * non-empty message with code BADINPUT or LIMIT, and a fault); an
 * accepted one must answer lookups of its own datasets and free cleanly.
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

/* The shared kinds through the check the report server runs. */
static void
check_kinds(const uint8_t *data, size_t size)
{
	static const enum rdl_kind kinds[] = { RDL_REPORT, RDL_DATASOURCE,
	    RDL_DATASET };
	struct rdl_definition	 d;
	struct rs_err		 e;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (rdl_check(kinds[i], (const char *)data, size, "Fuzz", &d,
		    &e) == 0) {
			if (d.fault != RDL_FAULT_NONE)
				fuzz_fail("accepted with a fault", "");
			if (d.report != NULL)
				check_report(d.report);
		} else if (e.msg[0] == '\0' || d.fault == RDL_FAULT_NONE ||
		    (e.code != RS_E_BADINPUT && e.code != RS_E_LIMIT))
			fuzz_fail("check refused without a reason", e.msg);
		rdl_definition_fini(&d);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdl_report	*r;
	struct rs_err		 e;

	check_kinds(data, size);
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
