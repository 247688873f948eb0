/*
 * cmd_main.c: the table of the issue-5 pages of rsconfig, their option
 * parser (one table of options, so the usage text comes from it) and the
 * output every page shares: the Results pane (one line per step, with
 * ok / planned / FAILED / undone) and the HRESULT line, in text or JSON.
 */
#include "rsconfig/cmd.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/root.h"
#include "common/str.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct page {
	const char	*name;
	pcmd_fn		*fn;
	const char	*usage;
} pages[] = {
	{ "status", cmd_status, "" },
	{ "start", cmd_start, "" },
	{ "stop", cmd_stop, "" },
	{ "web-service-url", cmd_web_service_url, "[--vdir NAME] [--ip all|"
	  "ADDRESS] [--port N] [--https-cert THUMBPRINT] [--https-port N] "
	  "[--no-https] [--follow] [--apply | --dry-run]" },
	{ "web-portal-url", cmd_web_portal_url, "[--vdir NAME] [--apply | "
	  "--dry-run] | add-identity|remove-identity (--http | --https "
	  "--cert THUMBPRINT) [--ip all|ADDRESS] --port N [--host NAME | "
	  "--all-names] [--follow] [--dry-run]" },
	{ "certificates", cmd_certificates, "[--all]" },
	{ "urls", cmd_urls, "" },
	{ "bindings", cmd_bindings, "" },
	{ "verify", cmd_verify, "URL [--user NAME (--password-file F | "
	  "--password-stdin)] [--cafile F] [--connect-to ADDRESS]" },
	{ "repair", cmd_repair, "[--all] [--dry-run]" },
	{ "renew", cmd_renew, "[--dry-run]" },
	{ "secure-connection-level", cmd_secure_level, "[0|1|2|3] [--dry-run]" },
	{ "service-account", cmd_service_account, "[USER] [--dry-run]" },
	{ "wmi", cmd_wmi, "METHOD [Name=Value ...]" },
	{ "email", cmd_email, "[Name=Value ...] [--user NAME (--password-file F "
	  "| --password-stdin)] [--dry-run]" },
};

static const struct opt {
	const char	*name;
	size_t		 off;
	bool		 flag;
} opts[] = {
	{ "--root", offsetof(struct popts, root_opt), false },
	{ "--vdir", offsetof(struct popts, vdir), false },
	{ "--ip", offsetof(struct popts, ip), false },
	{ "--port", offsetof(struct popts, port), false },
	{ "--https-cert", offsetof(struct popts, https_cert), false },
	{ "--https-port", offsetof(struct popts, https_port), false },
	{ "--cert", offsetof(struct popts, cert), false },
	{ "--host", offsetof(struct popts, host), false },
	{ "--user", offsetof(struct popts, user), false },
	{ "--password-file", offsetof(struct popts, pw_file), false },
	{ "--cafile", offsetof(struct popts, cafile), false },
	{ "--connect-to", offsetof(struct popts, connect_to), false },
	{ "--client-certificate", offsetof(struct popts, client_cert), false },
	{ "--json", offsetof(struct popts, json), true },
	{ "--dry-run", offsetof(struct popts, dry_run), true },
	{ "--apply", offsetof(struct popts, apply), true },
	{ "--no-https", offsetof(struct popts, no_https), true },
	{ "--follow", offsetof(struct popts, follow), true },
	{ "--all", offsetof(struct popts, all), true },
	{ "--all-names", offsetof(struct popts, all_names), true },
	{ "--http", offsetof(struct popts, http), true },
	{ "--https", offsetof(struct popts, https), true },
	{ "--password-stdin", offsetof(struct popts, pw_stdin), true },
};

static const struct page *
find_page(const char *w)
{
	for (size_t i = 0; w != NULL && i < nitems(pages); i++)
		if (strcmp(pages[i].name, w) == 0)
			return &pages[i];
	return NULL;
}

static const struct opt *
find_opt(const char *a)
{
	for (size_t i = 0; i < nitems(opts); i++)
		if (strcmp(opts[i].name, a) == 0)
			return &opts[i];
	return NULL;
}

bool
rsconfig_opt_valued(const char *arg)
{
	const struct opt	*o = find_opt(arg);

	return o != NULL && !o->flag;
}

/* Edit distance with adjacent transpositions (Damerau), small words. */
static size_t
distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), d[48][48];

	if (la >= 47 || lb >= 47)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t c = a[i - 1] == b[j - 1] ? 0 : 1, v;
			v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + c < v)
				v = d[i - 1][j - 1] + c;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

const char *
rsconfig_nearest(const char *word, const char *const *names, size_t n)
{
	const char	*best = NULL;
	size_t		 bd = SIZE_MAX, len = strlen(word);

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, names[i]);
		if (len >= 3 && strncmp(names[i], word, len) == 0)
			d = 1;	/* a beginning of it */
		if (d < bd) {
			bd = d;
			best = names[i];
		}
	}
	return bd <= (len > 9 ? 3 : 2) ? best : NULL;
}

/* Says "did you mean X?" after a sentence, when one is near. */
static void
suggest(FILE *f, const char *word, const char *const *names, size_t n)
{
	const char	*near = rsconfig_nearest(word, names, n);

	if (near != NULL)
		fprintf(f, "; did you mean '%s'?", near);
	fprintf(f, "\n");
}

static void
unknown_page(const char *word)
{
	const char	*names[nitems(pages) + 1];

	for (size_t i = 0; i < nitems(pages); i++)
		names[i] = pages[i].name;
	names[nitems(pages)] = "database";
	fprintf(stderr, "rsconfig: unknown page '%s'", word);
	suggest(stderr, word, names, nitems(names));
}

static void
unknown_opt(const char *arg)
{
	const char	*names[nitems(opts)];

	for (size_t i = 0; i < nitems(opts); i++)
		names[i] = opts[i].name;
	fprintf(stderr, "rsconfig: unknown option %s", arg);
	suggest(stderr, arg, names, nitems(names));
}

void
rsconfig_usage(FILE *f)
{
	fprintf(f, "usage: rsconfig [--root DIR] [--json]   (every page at a "
	    "glance)\n");
	for (size_t i = 0; i < nitems(pages); i++)
		fprintf(f, "       rsconfig %s%s%s\n", pages[i].name,
		    pages[i].usage[0] ? " " : "", pages[i].usage);
	fprintf(f, "       rsconfig database create [--sqlite PATH | --postgres "
	    "CONNINFO] --admin-user NAME\n"
	    "           (--admin-password-file F | --admin-password-stdin)\n"
	    "       rsconfig database show|upgrade\n"
	    "       rsconfig database backup --to FILE (--password-file F | "
	    "--password-stdin)\n"
	    "       rsconfig database restore --from FILE (--password-file F | "
	    "--password-stdin)\n");
}

static int
parse(int argc, char **argv, struct popts *p)
{
	for (int i = 1; i < argc; i++) {
		const struct opt *o = find_opt(argv[i]);
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			rsconfig_usage(stdout);
			return 1;
		}
		if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
			if (p->nwords == (int)nitems(p->words)) {
				fprintf(stderr, "rsconfig: too many words\n");
				return -1;
			}
			p->words[p->nwords++] = argv[i];
		} else if (o == NULL) {
			if (p->bad_opt == NULL)
				unknown_opt(argv[i]);
			p->bad_opt = argv[i];
		} else if (o->flag)
			*(bool *)((char *)p + o->off) = true;
		else if (i + 1 >= argc) {
			fprintf(stderr, "rsconfig: %s needs a value\n",
			    argv[i]);
			return -1;
		} else
			*(const char **)((char *)p + o->off) = argv[++i];
	}
	return 0;
}

int
rsconfig_pages_main(int argc, char **argv)
{
	struct popts		*p = calloc(1, sizeof(*p));
	const struct page	*pg;
	struct rs_err		 e;
	int			 rc;

	if (p == NULL)
		return 71;
	rc = parse(argc, argv, p);
	if (rc == 0 && p->bad_opt != NULL) {
		pg = p->nwords > 0 ? find_page(p->words[0]) : NULL;
		if (pg != NULL)
			fprintf(stderr, "usage: rsconfig %s %s\n", pg->name,
			    pg->usage);
		else
			rsconfig_usage(stderr);
		free(p);
		return 64;
	}
	if (rc != 0) {
		if (rc == -1)
			rsconfig_usage(stderr);
		free(p);
		return rc == 1 ? 0 : 64;
	}
	if (rs_root_resolve(p->root_opt, p->root, sizeof(p->root), &e) == -1) {
		fprintf(stderr, "rsconfig: %s\n", e.msg);
		free(p);
		return rs_err_exit_status(e.code);
	}
	if (p->client_cert != NULL) {
		fprintf(stderr, "rsconfig: client certificates are not "
		    "supported: httpsvc never asks a client for a certificate "
		    "(as in the original, which does not support them); "
		    "remove --client-certificate\n");
		free(p);
		return 64;
	}
	pg = p->nwords > 0 ? find_page(p->words[0]) : NULL;
	if (p->nwords > 0 && pg == NULL) {
		unknown_page(p->words[0]);
		rsconfig_usage(stderr);
		free(p);
		return 64;
	}
	rc = pg != NULL ? pg->fn(p) : cmd_overview(p);
	free(p);
	return rc;
}

struct rsmgmt *
pages_open(const struct popts *p, int *status)
{
	struct rsmgmt_result	 r;
	struct rsmgmt		*m;

	m = rsmgmt_open(p->root, &r);
	if (m == NULL)
		*status = pout_fail(p, &r);
	return m;
}

int
pout_fail(const struct popts *p, const struct rsmgmt_result *r)
{
	struct buf	b;

	if (p->json) {
		buf_init(&b, 0);
		(void)buf_printf(&b, NULL, "{\"HRESULT\":%d,\"Error\":\"%s\","
		    "\"Message\":", (int32_t)r->hresult,
		    rsmgmt_hresult_name(r->hresult));
		(void)buf_json_str(&b, r->message, NULL);
		printf("%s}\n", b.data);
		buf_fini(&b);
	} else
		fprintf(stderr, "rsconfig: %s (HRESULT 0x%08X %s)\n",
		    r->message, r->hresult, rsmgmt_hresult_name(r->hresult));
	return r->exit_status != 0 ? r->exit_status : 1;
}

void
pout_time(time_t t, char *out, size_t sz)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
results_json(const struct rsmgmt_results *res, const struct rsmgmt_result *r)
{
	struct buf	b;

	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, "{\"HRESULT\":%d,\"Error\":\"%s\","
	    "\"Message\":", (int32_t)r->hresult, rsmgmt_hresult_name(r->hresult));
	(void)buf_json_str(&b, r->message, NULL);
	(void)buf_printf(&b, NULL, ",\"DryRun\":%s,\"RolledBack\":%s,"
	    "\"Results\":[", res->dry_run ? "true" : "false",
	    res->rolled_back ? "true" : "false");
	for (size_t i = 0; i < res->n; i++) {
		(void)buf_printf(&b, NULL, "%s{\"State\":\"%s\",\"Step\":%zu,"
		    "\"Text\":", i ? "," : "",
		    rsmgmt_step_state_name(res->steps[i].state), i + 1);
		(void)buf_json_str(&b, res->steps[i].text, NULL);
		(void)buf_puts(&b, "}", NULL);
	}
	printf("%s]}\n", b.data);
	buf_fini(&b);
}

void
pout_results(const struct popts *p, const struct rsmgmt_results *res,
    const struct rsmgmt_result *r)
{
	if (p->json) {
		results_json(res, r);
		return;
	}
	printf("Results%s:\n", res->dry_run ? " (dry run: nothing was "
	    "changed)" : "");
	for (size_t i = 0; i < res->n; i++)
		printf("  %-8s %s\n", rsmgmt_step_state_name(
		    res->steps[i].state), res->steps[i].text);
	if (r->hresult == 0)
		printf("%s%s\n", res->dry_run ? "Would succeed: " : "Done: ",
		    r->message);
	else
		fprintf(stderr, "rsconfig: %s (HRESULT 0x%08X %s)\n",
		    r->message, r->hresult, rsmgmt_hresult_name(r->hresult));
}
