/*
 * cmd_email.c: rsconfig's E-mail Settings page (the original
 * Configuration Manager's, in its element names) and the health of
 * subscriptions.
 *
 *   rsconfig email                         show the settings and health
 *   rsconfig email Name=Value ... [--user NAME (--password-file F |
 *       --password-stdin)] [--dry-run]     change them
 *
 * Names: SMTPServer, SMTPServerPort, SMTPTLSMode (StartTLS, Implicit,
 * None), SMTPAuthenticate (0 none, 1 user and password), SendUserName,
 * From, SMTPConnectionTimeout, SMTPCAFile, DefaultHostName, and the file
 * share delivery's AllowedPaths (folders, comma separated).  The user
 * name and password are stored encrypted with the installation key
 * (rskey) and never printed; a password is read from a file or standard
 * input, never from the command line.  The report server reads the
 * change at its next delivery, without a restart.  Bad input changes
 * nothing.
 */
#include "rsconfig/cmd.h"
#include "catalog/catalog.h"
#include "common/fsutil.h"
#include "common/root.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "deliver/deliver.h"
#include "rskey/rskey.h"
#include "rsconf/rsconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PW_MAX	1024

struct edit {
	struct rsconf_email	 m;
	char			*paths[RSCONF_SHARE_PATHS_MAX];
	size_t			 npaths;
	bool			 paths_set;
};

static int
set_num(const char *v, uint64_t min, uint64_t max, unsigned *out,
    const char *what, struct rs_err *e)
{
	uint64_t	n;

	if (str_parse_uint(v, min, max, &n, what, e) == -1)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v[0] != '\0' ? xstrdup(v) : NULL;
}

static int
set_paths(struct edit *x, const char *v, struct rs_err *e)
{
	char	*copy = xstrdup(v), *p, *save = NULL;
	int	 rc = 0;

	x->paths_set = true;
	for (p = strtok_r(copy, ",", &save); p != NULL && rc == 0;
	    p = strtok_r(NULL, ",", &save)) {
		p = str_trim(p);
		if (p[0] != '/')
			rc = rs_err_set(e, RS_E_USAGE, "AllowedPaths: '%s' is not "
			    "an absolute folder path", p);
		else if (access(p, F_OK) != 0)
			rc = rs_err_set(e, RS_E_USAGE, "AllowedPaths: the folder "
			    "%s does not exist; create it first", p);
		else if (x->npaths == RSCONF_SHARE_PATHS_MAX)
			rc = rs_err_set(e, RS_E_USAGE, "AllowedPaths: more than "
			    "%d folders", RSCONF_SHARE_PATHS_MAX);
		else
			x->paths[x->npaths++] = xstrdup(p);
	}
	free(copy);
	return rc;
}

static int
one(struct edit *x, const char *k, const char *v, struct rs_err *e)
{
	struct rsconf_email	*m = &x->m;
	size_t			 n;
	int			 t;

	if (str_ieq(k, "SMTPServer")) {
		if (strpbrk(v, " /\\@") != NULL)
			return rs_err_set(e, RS_E_USAGE, "SMTPServer: '%.80s' is "
			    "not a host name or address", v);
		set_str(&m->smtp_server, v);
	} else if (str_ieq(k, "SMTPServerPort"))
		return set_num(v, 1, 65535, &m->port, k, e);
	else if (str_ieq(k, "SMTPConnectionTimeout"))
		return set_num(v, 1, 3600, &m->timeout_s, k, e);
	else if (str_ieq(k, "SMTPAuthenticate"))
		return set_num(v, 0, 1, &m->authenticate, k, e);
	else if (str_ieq(k, "SMTPTLSMode")) {
		if ((t = rsconf_tls_parse(v)) < 0)
			return rs_err_set(e, RS_E_USAGE, "SMTPTLSMode must be "
			    "StartTLS, Implicit or None");
		m->tls = (enum rsconf_tls)t;
	} else if (str_ieq(k, "From")) {
		if (deliver_addr_check(v, &n, e) == -1 || n != 1)
			return n != 1 ? rs_err_set(e, RS_E_USAGE, "From must be "
			    "one e-mail address") : -1;
		set_str(&m->from, v);
	} else if (str_ieq(k, "SMTPCAFile")) {
		if (v[0] != '\0' && (v[0] != '/' || access(v, R_OK) != 0))
			return rs_err_set(e, RS_E_USAGE, "SMTPCAFile: %.200s is "
			    "not a readable file (an absolute path)", v);
		set_str(&m->ca_file, v);
	} else if (str_ieq(k, "DefaultHostName"))
		set_str(&m->default_host, v);
	else if (str_ieq(k, "AllowedPaths"))
		return set_paths(x, v, e);
	else
		return rs_err_set(e, RS_E_USAGE, "unknown setting '%.40s'; use "
		    "SMTPServer, SMTPServerPort, SMTPTLSMode, SMTPAuthenticate, "
		    "From, SMTPConnectionTimeout, SMTPCAFile, DefaultHostName or "
		    "AllowedPaths", k);
	return 0;
}

static void
copy_email(struct rsconf_email *d, const struct rsconf_email *s)
{
	*d = *s;
	d->smtp_server = s->smtp_server ? xstrdup(s->smtp_server) : NULL;
	d->user = s->user ? xstrdup(s->user) : NULL;
	d->password = s->password ? xstrdup(s->password) : NULL;
	d->from = s->from ? xstrdup(s->from) : NULL;
	d->ca_file = s->ca_file ? xstrdup(s->ca_file) : NULL;
	d->default_host = s->default_host ? xstrdup(s->default_host) : NULL;
}

static void
edit_fini(struct edit *x)
{
	free(x->m.smtp_server);
	free(x->m.user);
	free(x->m.password);
	free(x->m.from);
	free(x->m.ca_file);
	free(x->m.default_host);
	for (size_t i = 0; i < x->npaths; i++)
		free(x->paths[i]);
}

/* The user name and password, encrypted, when given. */
static int
credentials(const struct popts *p, struct edit *x, struct rs_err *e)
{
	char	*pw;
	size_t	 len;

	if (p->pw_stdin && p->pw_file != NULL)
		return rs_err_set(e, RS_E_USAGE, "give --password-file or "
		    "--password-stdin, not both");
	if (p->user != NULL) {
		free(x->m.user);
		x->m.user = rskey_encrypt(p->root, p->user, e);
		if (x->m.user == NULL)
			return -1;
	}
	if (!p->pw_stdin && p->pw_file == NULL)
		return 0;
	pw = p->pw_stdin ? fs_read_fd(0, PW_MAX, &len, "standard input", e) :
	    fs_read_file(p->pw_file, PW_MAX, &len, e);
	if (pw == NULL)
		return -1;
	while (len > 0 && (pw[len - 1] == '\n' || pw[len - 1] == '\r'))
		pw[--len] = '\0';
	free(x->m.password);
	x->m.password = rskey_encrypt(p->root, pw, e);
	fs_free_secret(pw, len);
	return x->m.password == NULL ? -1 : 0;
}

static int
coherent(const struct rsconf_email *m, struct rs_err *e)
{
	if (m->authenticate == 1 && (m->user == NULL || m->password == NULL))
		return rs_err_set(e, RS_E_USAGE, "SMTPAuthenticate=1 needs a user "
		    "name and a password (--user and --password-stdin or "
		    "--password-file)");
	if (m->authenticate == 1 && m->tls == RSCONF_TLS_NONE)
		return rs_err_set(e, RS_E_USAGE, "a password is never sent "
		    "without TLS: use SMTPTLSMode=StartTLS or Implicit");
	return 0;
}

static int
apply_edit(const struct popts *p, struct rsconf *c, const char *path,
    struct rs_err *e)
{
	struct edit	x = { 0 };
	int		rc = 0;

	copy_email(&x.m, &c->email);
	for (int i = 1; i < p->nwords && rc == 0; i++) {
		char	*eq = strchr(p->words[i], '='), k[64];

		if (eq == NULL || (size_t)(eq - p->words[i]) >= sizeof(k)) {
			rc = rs_err_set(e, RS_E_USAGE, "'%.40s' is not Name=Value",
			    p->words[i]);
			break;
		}
		snprintf(k, sizeof(k), "%.*s", (int)(eq - p->words[i]),
		    p->words[i]);
		rc = one(&x, k, eq + 1, e);
	}
	if (rc == 0)
		rc = credentials(p, &x, e);
	if (rc == 0)
		rc = coherent(&x.m, e);
	if (rc == 0)
		rc = rsconf_set_email(c, &x.m, e);
	if (rc == 0 && x.paths_set)
		rc = rsconf_set_share_paths(c, (const char *const *)x.paths,
		    x.npaths, e);
	if (rc == 0 && !p->dry_run)
		rc = rsconf_save(c, path, e);
	edit_fini(&x);
	return rc;
}

static void
health(const struct rsconf *c)
{
	struct catalog_dsn	 d = { c->postgres, c->dsn };
	struct catalog		*cat;
	struct catalog_sub	*v;
	struct rs_err		 e;
	int64_t			 n[4];
	size_t			 ns, bad = 0;

	cat = catalog_open(&d, &e);
	if (cat == NULL) {
		printf("Subscriptions:        unknown (%s)\n", e.msg);
		return;
	}
	if (catalog_job_counts(cat, n, &e) == 0)
		printf("Delivery queue:       %lld waiting, %lld running, %lld "
		    "done, %lld failed\n", (long long)n[0], (long long)n[1],
		    (long long)n[2], (long long)n[3]);
	if (catalog_sub_list(cat, NULL, NULL, &v, &ns, &e) == 0) {
		for (size_t i = 0; i < ns; i++)
			if (strncmp(v[i].last_status, "Failure", 7) == 0 ||
			    strstr(v[i].last_status, "try again") != NULL) {
				if (bad++ == 0)
					printf("Failing subscriptions:\n");
				printf("  %s %s: %s\n", v[i].item_path,
				    v[i].description, v[i].last_status);
			}
		printf("Subscriptions:        %zu, %zu failing\n", ns, bad);
		catalog_subs_free(v, ns);
	}
	catalog_close(cat);
}

static void
show(const struct popts *p, const struct rsconf *c)
{
	const struct rsconf_email	*m = &c->email;

	printf("E-mail Settings (Report Server Email)\n");
	printf("  SMTPServer:           %s\n", m->smtp_server ? m->smtp_server :
	    "(not set)");
	printf("  SMTPServerPort:       %u\n", m->port ? m->port :
	    m->tls == RSCONF_TLS_IMPLICIT ? 465 : 25);
	printf("  SMTPTLSMode:          %s%s\n", rsconf_tls_name(m->tls),
	    m->tls == RSCONF_TLS_NONE ? " (mail goes in clear text)" :
	    ", certificate verified");
	printf("  SMTPCAFile:           %s\n", m->ca_file ? m->ca_file :
	    "(the system's trusted roots)");
	printf("  SMTPAuthenticate:     %u (%s)\n", m->authenticate,
	    m->authenticate ? "user name and password" : "none");
	printf("  SendUserName:         %s\n", m->user ? "(set, encrypted)" :
	    "(not set)");
	printf("  SendPassword:         %s\n", m->password ? "(set, encrypted)" :
	    "(not set)");
	printf("  From:                 %s\n", m->from ? m->from : "(not set)");
	printf("  SMTPConnectionTimeout: %u s\n", m->timeout_s);
	printf("File share delivery\n  AllowedPaths:        ");
	for (size_t i = 0; i < c->nshare_paths; i++)
		printf("%s%s", i ? ", " : "", c->share_paths[i]);
	printf("%s\n", c->nshare_paths ? "" : " (none)");
	(void)p;
	health(c);
}

int
cmd_email(struct popts *p)
{
	struct rsconf	*c;
	struct rs_err	 e;
	char		 path[4096];
	int		 rc;

	if (rs_root_path(p->root, RSCONF_FILE, path, sizeof(path), &e) == -1 ||
	    (c = rsconf_load(path, &e)) == NULL) {
		fprintf(stderr, "rsconfig: cannot read the e-mail settings: %s\n",
		    e.msg);
		return rs_err_exit_status(e.code);
	}
	if (p->nwords < 2 && p->user == NULL && !p->pw_stdin &&
	    p->pw_file == NULL) {
		show(p, c);
		rsconf_free(c);
		return 0;
	}
	rc = apply_edit(p, c, path, &e);
	if (rc == -1)
		fprintf(stderr, "rsconfig: cannot change the e-mail settings: "
		    "%s\n", e.msg);
	else
		printf("%s: the e-mail settings are %s; the report server uses "
		    "them from its next delivery\n", path, p->dry_run ? "valid "
		    "(nothing written: --dry-run)" : "saved");
	rsconf_free(c);
	return rc == -1 ? rs_err_exit_status(e.code) : 0;
}
