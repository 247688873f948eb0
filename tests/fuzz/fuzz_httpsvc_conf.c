/*
 * fuzz_httpsvc_conf.c: fuzz target of httpsvc's limits file parser
 * (ROOT/http/httpsvc.conf, svc_config_load in httpsvc/config.c).  The
 * parser reads a path, so the input goes through a memfd.  A refused file
 * must give RS_E_CONFIG and a message, and leave the limits unchanged
 * (STYLE B8: nothing is applied when anything is wrong).
 */
#include "fuzz.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "common/err.h"
#include "httpsvc/httpsvc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svc_limits	 l, before;
	struct rs_err		 e;
	char			 path[64];
	int			 fd;

	fd = memfd_create("httpsvc.conf", 0);
	if (fd == -1)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	svc_limits_default(&l);
	before = l;
	rs_err_clear(&e);
	if (svc_config_load(path, &l, &e) == -1) {
		if (e.msg[0] == '\0' || (e.code != RS_E_CONFIG &&
		    e.code != RS_E_LIMIT))
			fuzz_fail("refused without a reason", e.msg);
		if (memcmp(&l, &before, sizeof(l)) != 0)
			fuzz_fail("a refused file changed the limits", e.msg);
	}
	close(fd);
	return 0;
}
