/*
 * subs_queue.c: the few scheduler calls the request handlers make (REST
 * Model.Execute, the portal's "run now"): the scheduler's time, a job
 * queued to run now, and a wake-up.  Kept apart from subs_run.c so the
 * handlers and their unit tests do not link the rendering engine.
 */
#include "reportserver/subs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t
rs_subs_now(const struct rs_server *srv)
{
	const char	*clock = getenv("RS_SCHED_CLOCK");

	if (srv->subs != NULL)
		return sched_now(srv->subs->sched);
	return sched_clock_now(clock);
}

int64_t
rs_clock_now(void)
{
	return sched_clock_now(getenv("RS_SCHED_CLOCK"));
}

void
rs_subs_wake(struct rs_server *srv)
{
	if (srv->subs != NULL)
		sched_wake(srv->subs->sched);
}

int
rs_subs_run_now(struct rs_server *srv, struct catalog *cat, int kind,
    const char *target, struct rs_err *e)
{
	static const char	 letters[] = "?SCNHE";
	struct catalog_job_new	 nj = { 0 };
	char			 ev[160], guid[CATALOG_ID_LEN + 1];
	int64_t			 now = rs_subs_now(srv);
	bool			 added;

	catalog_guid(guid);
	snprintf(ev, sizeof(ev), "%c:%s:run:%s", kind > 0 && kind < 6 ?
	    letters[kind] : '?', target, guid);
	nj.event = ev;
	nj.kind = kind;
	nj.target = target;
	nj.fire = now;
	nj.due = now;
	if (catalog_job_add(cat, &nj, now, &added, e) == -1)
		return -1;
	rs_subs_wake(srv);
	return 0;
}

/* Whether path is under one of the folders the settings allow. */
static bool
under(const struct rsconf *conf, const char *path)
{
	for (size_t i = 0; i < conf->nshare_paths; i++) {
		size_t	n = strlen(conf->share_paths[i]);

		if (strncmp(path, conf->share_paths[i], n) == 0 &&
		    (path[n] == '\0' || path[n] == '/' || n == 1))
			return true;
	}
	return false;
}

bool
rs_subs_share_allowed(struct rs_server *srv, const char *path)
{
	struct rsconf	*now;
	struct rs_err	 e;
	bool		 ok;

	if (path[0] != '/' || strstr(path, "/..") != NULL)
		return false;
	if (srv->subs == NULL)
		return under(srv->conf, path);
	/* The file as it is now: rsconfig may have changed it. */
	now = rsconf_load(srv->subs->conf_path, &e);
	ok = under(now != NULL ? now : srv->conf, path);
	rsconf_free(now);
	return ok;
}
