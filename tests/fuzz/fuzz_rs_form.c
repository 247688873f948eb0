/*
 * fuzz_rs_form.c: fuzz target of the report server's HTML form reader
 * (reportserver/form.c): urlencoded and multipart/form-data bodies (file
 * uploads) from the network.  Line 1 is the Content-Type header, the rest
 * the body.  Every field of an accepted form must be found by its name,
 * and each value must be NUL-terminated at its length.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "common/err.h"
#include "reportserver/form.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form	 f;
	struct rs_err	 e;
	const uint8_t	*body;
	size_t		 len;
	char		*ctype = fuzz_head(data, size, &body, &len);

	rs_err_clear(&e);
	if (form_parse(&f, ctype, body, len, &e) == 0) {
		for (size_t i = 0; i < f.n; i++) {
			const struct form_field *x = &f.f[i];

			if (x->name == NULL || form_get(&f, x->name) == NULL)
				fuzz_fail("field not found by its own name",
				    x->name);
			if (x->value == NULL || x->value[x->len] != '\0')
				fuzz_fail("value not NUL-terminated", x->name);
		}
		form_fini(&f);
	} else if (e.msg[0] == '\0')
		fuzz_fail("refused without a reason", ctype);
	free(ctype);
	return 0;
}
