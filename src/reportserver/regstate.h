/*
 * regstate.h: what the running report server tells rsconfig about its URL
 * registrations, as a small text file it rewrites whenever one changes
 * (ROOT/run/reportserver/registrations, in the folder its account owns):
 * its pid, how many re-registrations (SIGHUP) it has handled, whether the
 * last one could read rsreportserver.config, and each URL prefix with
 * httpsvc's answer.  rsconfig signals the report server after an Apply
 * and reads this file for the acknowledgement: the handled count moves on
 * and every URL of the new configuration has its answer.
 *
 *   reportserver-registrations 1
 *   pid 4242
 *   seq 3
 *   reload-error <sentence>             (only after a failed re-read)
 *   url OK 0 https://+:8443/ReportServer/ registered
 *   url FAILED 183 https://+:9443/Reports/ <httpsvc's sentence>
 *   url PENDING 0 http://+:8080/ReportServer/ httpsvc not reachable
 *   url SKIPPED 0 http://+:81/Reports/ not reserved in the binding store
 *
 * The file is written by the report server's account and read by root:
 * the reader refuses links and anything but a small regular file, and
 * takes only well-formed lines.
 */
#ifndef RS_REPORTSERVER_REGSTATE_H
#define RS_REPORTSERVER_REGSTATE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "common/root.h"

#define RS_REGSTATE_FILE	RS_REPORTSERVER_SOCK_DIR "/registrations"
#define RS_REGSTATE_URLS_MAX	64
#define RS_REGSTATE_URL_MAX	1024
#define RS_REGSTATE_MSG_MAX	300

enum rs_regstate_kind {
	RS_REG_PENDING,		/* sent, or httpsvc not reachable */
	RS_REG_OK,		/* httpsvc routes it to the report server */
	RS_REG_FAILED,		/* httpsvc refused it (code, message) */
	RS_REG_SKIPPED,		/* in the config, not reserved: not sent */
};

struct rs_regstate_url {
	enum rs_regstate_kind	 state;
	int			 code;	/* httpsvc's Win32 code, or 0 */
	char			 url[RS_REGSTATE_URL_MAX];
	char			 msg[RS_REGSTATE_MSG_MAX];
};

struct rs_regstate {
	int			 pid;
	unsigned		 owner;	/* read: the uid the file belongs to */
	unsigned long		 seq;	/* re-registrations handled */
	char			 reload_error[RS_REGSTATE_MSG_MAX];
	struct rs_regstate_url	 urls[RS_REGSTATE_URLS_MAX];
	size_t			 n;
};

/* "OK", "FAILED", "PENDING", "SKIPPED". */
const char	*rs_regstate_name(enum rs_regstate_kind);
/*
 * Writes the file (a temporary file renamed over it, mode 0644: it holds
 * no secret; not synced, it describes a running process).  RS_E_IO.
 */
int	rs_regstate_write(const char *path, const struct rs_regstate *,
	    struct rs_err *);
/*
 * Reads it into *st (caller's; usually on the heap, it is large), with
 * st->owner the uid of the file (the writer: a pid it names is only
 * believed for a process of that user).
 * RS_E_NOTFOUND when there is none, RS_E_BADINPUT when it is not a
 * regular file or not this format.
 */
int	rs_regstate_read(const char *path, struct rs_regstate *st,
	    struct rs_err *);
/* The URL's entry, or NULL. */
const struct rs_regstate_url *rs_regstate_find(const struct rs_regstate *,
	    const char *url);

#endif
