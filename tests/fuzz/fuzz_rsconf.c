/*
 * fuzz_rsconf.c: fuzz target of rsconf/, the rsreportserver.config
 * reader: the input is the file's bytes.  A refused file must say why
 * (RS_E_CONFIG and a message); an accepted one must find its own
 * applications by name and take the edits the management library makes
 * (an Add key, the URL reservations, the database) without harm.
 */
#include "fuzz.h"

#include <string.h>

#include "common/err.h"
#include "rsconf/rsconf.h"

static void
edit(struct rsconf *c)
{
	struct rsconf_app	app = { .name = RSCONF_APP_WEBSERVICE,
	    .vdir = "ReportServer", .nurls = 1 };
	struct rs_err		e;

	app.urls[0].url = "https://+:8443";
	app.urls[0].account_sid = "S-1-22-1-0";
	app.urls[0].account_name = "root";
	(void)rsconf_set_add(c, "SecureConnectionLevel", "2", &e);
	(void)rsconf_set_urls(c, &app, 1, &e);
	(void)rsconf_set_urls(c, NULL, 0, &e);
	(void)rsconf_set_database(c, true, "host=/tmp dbname=rs", &e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsconf	*c;
	struct rs_err	 e;

	rs_err_clear(&e);
	c = rsconf_parse((const char *)data, size, "fuzz.config", &e);
	if (c == NULL) {
		if (e.msg[0] == '\0' || e.code != RS_E_CONFIG)
			fuzz_fail("refused without a reason", e.msg);
		return 0;
	}
	for (size_t i = 0; i < c->napps; i++)
		if (rsconf_app_find(c, c->apps[i].name) == NULL)
			fuzz_fail("application not found by its own name",
			    c->apps[i].name);
	edit(c);
	rsconf_free(c);
	return 0;
}
