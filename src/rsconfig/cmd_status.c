/*
 * cmd_status.c: the Report Server Status page (status, start, stop), the
 * overview that 'rsconfig' with no arguments prints (every page at a
 * glance), repair (orphans and drift) and renew (bindings that follow
 * their certificate's names).
 */
#include "rsconfig/cmd.h"
#include "catalog/catalog.h"
#include "common/buf.h"
#include "common/str.h"
#include "rsconf/rsconf.h"

#include <stdlib.h>
#include <string.h>

static int
status_json(const struct rsmgmt_status *st, struct rsmgmt *m)
{
	struct buf	b;

	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, "{\"HRESULT\":0,\"ReportServiceStatus\":"
	    "\"%s\",\"Pid\":%d,\"Systemd\":%s,\"HttpsvcRunning\":%s,"
	    "\"URLsRegistered\":%zu,\"URLsReserved\":%zu,"
	    "\"SecureConnectionLevel\":%d,\"ServiceAccount\":",
	    st->running ? "Started" : "Stopped", st->pid, st->systemd ?
	    "true" : "false", st->httpsvc_running ? "true" : "false",
	    st->registered, st->expected, rsmgmt_secure_connection_level(m));
	(void)buf_json_str(&b, rsmgmt_account(m), NULL);
	(void)buf_puts(&b, ",\"RunsAs\":", NULL);
	(void)buf_json_str(&b, st->runs_as, NULL);
	(void)buf_puts(&b, ",\"Drift\":", NULL);
	(void)buf_json_str(&b, st->drift, NULL);
	(void)buf_puts(&b, ",\"Log\":", NULL);
	(void)buf_json_str(&b, st->log, NULL);
	(void)buf_printf(&b, NULL, ",\"DatabaseState\":\"%s\","
	    "\"DatabaseMessage\":", st->db_state);
	(void)buf_json_str(&b, st->db_message, NULL);
	printf("%s}\n", b.data);
	buf_fini(&b);
	return 0;
}

static void
status_text(const struct rsmgmt_status *st, struct rsmgmt *m)
{
	printf("Report Server Status\n");
	printf("  Report Service Status:  %s", st->running ? "Started" :
	    "Stopped");
	if (st->pid > 0 && st->running)
		printf(" (pid %d)", st->pid);
	printf("%s\n", st->systemd ? " (systemd unit reportserver.service)" :
	    "");
	printf("  Service account:        %s", rsmgmt_account(m));
	if (strcmp(st->runs_as, "root") == 0)
		printf(" (the report server runs as root: give it an account "
		    "of its own: 'useradd --system --no-create-home --shell "
		    "/usr/sbin/nologin reportserver', then 'rsconfig "
		    "service-account reportserver')");
	else if (st->runs_as[0] != '\0' &&
	    strcmp(st->runs_as, rsmgmt_account(m)) != 0)
		printf(" (the report server runs as %s)", st->runs_as);
	printf("\n");
	printf("  httpsvc:                %s\n", st->httpsvc_running ?
	    "running" : "not running (start it: 'httpsvc')");
	if (st->httpsvc_running && st->expected == 0)
		printf("  URLs registered:        0 of 0 (no URL is reserved "
		    "yet: 'rsconfig web-service-url --port 80 --apply')\n");
	else if (st->httpsvc_running)
		printf("  URLs registered:        %zu of %zu\n", st->registered,
		    st->expected);
	if (strcmp(st->db_state, "Ready") == 0)
		printf("  Database:               ready (%s)\n", st->db_message);
	else
		printf("  Database:               %s: %s\n", strcmp(st->db_state,
		    "Missing") == 0 ? "MISSING" : strcmp(st->db_state,
		    "NeedsUpgrade") == 0 ? "NEEDS UPGRADE" : "UNUSABLE",
		    st->db_message);
	printf("  SecureConnectionLevel:  %d\n",
	    rsmgmt_secure_connection_level(m));
	printf("  Instance root:          %s\n", rsmgmt_root(m));
	printf("  Log:                    %s\n", st->log);
	if (st->drift[0] != '\0')
		printf("  Drift and orphans:      %s\n      (see 'rsconfig "
		    "repair --dry-run')\n", st->drift);
	else
		printf("  Drift and orphans:      none (rsreportserver.config "
		    "matches the binding store)\n");
}

/* Bindings that follow names move before anything is shown. */
static void
quiet_renew(struct rsmgmt *m)
{
	struct rsmgmt_results	*res = calloc(1, sizeof(*res));
	struct rsmgmt_result	 r;
	size_t			 moved;

	if (res == NULL)
		return;
	rsmgmt_follow_renewals(m, &moved, res, &r);
	for (size_t i = 0; i < res->n && moved > 0; i++)
		fprintf(stderr, "rsconfig: %s\n", res->steps[i].text);
	free(res);
}

int
cmd_status(struct popts *p)
{
	struct rsmgmt_status	st;
	struct rsmgmt_result	r;
	struct rsmgmt		*m;
	int			rc = 0;

	if ((m = pages_open(p, &rc)) == NULL)
		return rc;
	quiet_renew(m);
	if (rsmgmt_service_status(m, &st, &r) != 0)
		rc = pout_fail(p, &r);
	else if (p->json)
		status_json(&st, m);
	else
		status_text(&st, m);
	rsmgmt_close(m);
	return rc;
}

static int
start_stop(struct popts *p, bool start)
{
	struct rsmgmt_result	r;
	struct rsmgmt		*m;
	int			rc = 0;

	if ((m = pages_open(p, &rc)) == NULL)
		return rc;
	if (start)
		rsmgmt_service_start(m, &r);
	else
		rsmgmt_service_stop(m, &r);
	rsmgmt_close(m);
	if (r.hresult != 0)
		return pout_fail(p, &r);
	if (p->json) {
		struct buf b;
		buf_init(&b, 0);
		(void)buf_puts(&b, "{\"HRESULT\":0,\"Message\":", NULL);
		(void)buf_json_str(&b, r.message, NULL);
		printf("%s}\n", b.data);
		buf_fini(&b);
	} else
		printf("%s\n", r.message);
	return 0;
}

int
cmd_start(struct popts *p)
{
	return start_stop(p, true);
}

int
cmd_stop(struct popts *p)
{
	return start_stop(p, false);
}

int
cmd_repair(struct popts *p)
{
	struct rsmgmt_results	*res = calloc(1, sizeof(*res));
	struct rsmgmt_problem	*v = NULL;
	struct rsmgmt_result	 r;
	struct rsmgmt		*m;
	size_t			 n = 0;
	int			 rc = 0;

	if (res == NULL)
		return 71;
	if ((m = pages_open(p, &rc)) == NULL) {
		free(res);
		return rc;
	}
	rsmgmt_find_problems(m, &v, &n, &r);
	if (!p->json) {
		printf("Problems found: %zu\n", n);
		for (size_t i = 0; i < n; i++)
			printf("  - %s\n    fix: %s\n", v[i].what, v[i].fix);
	}
	free(v);
	res->dry_run = p->dry_run;
	rsmgmt_repair(m, p->all, res, &r);
	pout_results(p, res, &r);
	rsmgmt_close(m);
	free(res);
	return r.hresult == 0 ? 0 : 1;
}

int
cmd_renew(struct popts *p)
{
	struct rsmgmt_results	*res = calloc(1, sizeof(*res));
	struct rsmgmt_result	 r;
	struct rsmgmt		*m;
	size_t			 moved = 0;
	int			 rc = 0;

	if (res == NULL)
		return 71;
	if ((m = pages_open(p, &rc)) == NULL) {
		free(res);
		return rc;
	}
	res->dry_run = p->dry_run;
	rsmgmt_follow_renewals(m, &moved, res, &r);
	pout_results(p, res, &r);
	rsmgmt_close(m);
	free(res);
	return r.hresult == 0 ? 0 : 1;
}

static void
overview_db(struct popts *p)
{
	struct rsmgmt_db_info	info;
	struct rsmgmt_result	r;

	rsmgmt_database_show(p->root, &info, &r);
	printf("\nDatabase\n");
	if (r.hresult != 0) {
		printf("  %s\n", r.message);
		return;
	}
	printf("  Database type:          %s\n", info.postgres ? "PostgreSQL" :
	    "SQLite");
	printf("  Database:               %s\n", info.dsn);
	if (!info.exists)
		printf("  State:                  MISSING: %s\n", r.message);
	else
		printf("  State:                  %s\n", info.version ==
		    info.expected ? "ready" : "needs upgrade ('rsconfig "
		    "database upgrade')");
}

/*
 * --json: one object whose members are the pages' own JSON answers (each
 * a complete object; the newline after each is JSON whitespace).
 */
static int
overview_json(struct popts *p)
{
	struct rsmgmt_db_info	info;
	struct rsmgmt_result	r;
	struct popts		q = *p;
	struct buf		b;

	q.nwords = 0;
	printf("{\"Status\":");
	(void)cmd_status(&q);
	printf(",\"WebServiceURL\":");
	(void)cmd_web_service_url(&q);
	printf(",\"WebPortalURL\":");
	(void)cmd_web_portal_url(&q);
	printf(",\"Certificates\":");
	(void)cmd_certificates(&q);
	printf(",\"Bindings\":");
	(void)cmd_bindings(&q);
	rsmgmt_database_show(p->root, &info, &r);
	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, ",\"Database\":{\"HRESULT\":%d,"
	    "\"DatabaseType\":\"%s\",\"Database\":", (int32_t)r.hresult,
	    info.postgres ? "PostgreSQL" : "SQLite");
	(void)buf_json_str(&b, r.hresult == 0 ? info.dsn : "", NULL);
	(void)buf_printf(&b, NULL, ",\"Exists\":%s,\"SchemaVersion\":%d}}",
	    r.hresult == 0 && info.exists ? "true" : "false",
	    r.hresult == 0 ? info.version : 0);
	printf("%s\n", b.data);
	buf_fini(&b);
	return 0;
}

int
cmd_overview(struct popts *p)
{
	struct popts	q = *p;
	int		rc;

	if (p->json)
		return overview_json(p);
	printf("Report Server Configuration (state root %s)\n\n", p->root);
	rc = cmd_status(&q);
	if (rc != 0)
		return rc;
	printf("\n");
	q.nwords = 0;
	(void)cmd_web_service_url(&q);
	printf("\n");
	(void)cmd_web_portal_url(&q);
	overview_db(p);
	printf("\n");
	(void)cmd_certificates(&q);
	printf("\n");
	(void)cmd_bindings(&q);
	return 0;
}
