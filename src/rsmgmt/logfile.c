/*
 * logfile.c: where the report server's output goes when rsconfig starts
 * it.  Under the reportserver systemd unit (RS_SYSTEMD_UNIT) it is the
 * journal: the report server inherits rsconfig's standard error, which
 * systemd connected to journald.  Elsewhere it is ROOT/log/reportserver.log
 * (RSMGMT_LOGFILE), opened O_APPEND, capped at every start: a log of more
 * than RSMGMT_LOG_MAX bytes becomes reportserver.log.1 (.1 becomes .2, and
 * so on; RSMGMT_LOG_KEEP are kept, the oldest goes).  A server that runs
 * for long is rotated by logrotate (dist/logrotate/reportserver, with
 * copytruncate, which O_APPEND writers allow).
 */
#include "rsmgmt/wmi_int.h"
#include "common/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define UNIT	"reportserver.service"

bool
mgmt_log_journal(void)
{
	const char	*unit = getenv("RS_SYSTEMD_UNIT");

	return unit != NULL && strcmp(unit, UNIT) == 0;
}

const char *
mgmt_log_where(char *out, size_t sz)
{
	if (mgmt_log_journal())
		snprintf(out, sz, "'journalctl -u %s'", UNIT);
	else
		snprintf(out, sz, "%s under the state root", RSMGMT_LOGFILE);
	return out;
}

int
mgmt_log_rotate(const char *path, off_t max, int keep, struct rs_err *e)
{
	char		from[RS_PATH_MAX + 16], to[RS_PATH_MAX + 16];
	struct stat	st;

	if (stat(path, &st) == -1 || st.st_size <= max)
		return 0;
	for (int i = keep; i >= 1; i--) {
		if (i == 1)
			str_copy(from, sizeof(from), path);
		else
			snprintf(from, sizeof(from), "%s.%d", path, i - 1);
		snprintf(to, sizeof(to), "%s.%d", path, i);
		if (rename(from, to) == -1 && errno != ENOENT)
			return rs_err_sys(e, RS_E_IO, "cannot rotate the log %s",
			    from);
	}
	return 0;
}
