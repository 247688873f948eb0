/*
 * rsconfig: the Report Server Configuration Manager for Linux, a thin
 * front over the management library (rsmgmt).  Each page of the original
 * tool is a subcommand; every command takes --root DIR and --json.  This
 * file parses arguments and prints; everything it changes goes through
 * rsmgmt.
 *
 *   rsconfig database create [--sqlite PATH | --postgres CONNINFO]
 *       --admin-user NAME (--admin-password-file F | --admin-password-stdin)
 *   rsconfig database show
 *   rsconfig database upgrade
 *   rsconfig database backup --to FILE (--password-file F | --password-stdin)
 *   rsconfig database restore --from FILE (--password-file F |
 *       --password-stdin)
 */
#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/root.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "reportserver/passwd.h"
#include "rsmgmt/rsmgmt.h"
#include "rsconfig/cmd.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

struct opts {
	char		 root[RS_PATH_MAX];
	const char	*root_opt;
	bool		 json;
	const char	*sqlite;
	const char	*postgres;
	const char	*admin_user;
	const char	*pw_file;
	bool		 pw_stdin;
	const char	*to, *from;		/* backup, restore */
	const char	*bk_pw_file;
	bool		 bk_pw_stdin;
};

typedef int cmd_fn(struct opts *);

static int	cmd_db_create(struct opts *);
static int	cmd_db_show(struct opts *);
static int	cmd_db_upgrade(struct opts *);
static int	cmd_db_backup(struct opts *);
static int	cmd_db_restore(struct opts *);

static const struct cmd {
	const char	*page;
	const char	*verb;
	cmd_fn		*fn;
	const char	*usage;
} cmds[] = {
	{ "database", "create", cmd_db_create,
	  "[--sqlite PATH | --postgres CONNINFO] --admin-user NAME "
	  "(--admin-password-file F | --admin-password-stdin)" },
	{ "database", "show", cmd_db_show, "" },
	{ "database", "upgrade", cmd_db_upgrade, "" },
	{ "database", "backup", cmd_db_backup, "--to FILE "
	  "(--password-file F | --password-stdin)" },
	{ "database", "restore", cmd_db_restore, "--from FILE "
	  "(--password-file F | --password-stdin)" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: rsconfig [--root DIR] [--json] database VERB "
	    "[options]\n");
	for (size_t i = 0; i < nitems(cmds); i++)
		fprintf(f, "       rsconfig database %s%s%s\n", cmds[i].verb,
		    cmds[i].usage[0] ? " " : "", cmds[i].usage);
}

static void
print_result(const struct opts *o, const struct rsmgmt_result *r)
{
	struct buf	b;

	if (!o->json) {
		if (r->hresult != 0)
			fprintf(stderr, "rsconfig: %s (HRESULT 0x%08X %s)\n",
			    r->message, r->hresult,
			    rsmgmt_hresult_name(r->hresult));
		return;
	}
	if (r->hresult == 0)
		return;
	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, "{\"HRESULT\":%d,\"Error\":\"%s\","
	    "\"Message\":", (int32_t)r->hresult,
	    rsmgmt_hresult_name(r->hresult));
	(void)buf_json_str(&b, r->message, NULL);
	printf("%s}\n", b.data);
	buf_fini(&b);
}

static void
print_info_json(const struct rsmgmt_db_info *i, const struct rsmgmt_result *r,
    const char *extra)
{
	struct buf	b;

	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, "{\"HRESULT\":0,\"Message\":");
	(void)buf_json_str(&b, r->message, NULL);
	(void)buf_printf(&b, NULL, ",\"DatabaseType\":\"%s\",\"Database\":",
	    i->postgres ? "PostgreSQL" : "SQLite");
	(void)buf_json_str(&b, i->dsn, NULL);
	(void)buf_puts(&b, ",\"ConfigurationFile\":", NULL);
	(void)buf_json_str(&b, i->config, NULL);
	(void)buf_printf(&b, NULL, ",\"Exists\":%s,\"SchemaVersion\":%d,"
	    "\"ExpectedSchemaVersion\":%d,\"Items\":%lld,\"Users\":%lld%s}",
	    i->exists ? "true" : "false", i->version, i->expected,
	    (long long)i->items, (long long)i->users, extra);
	printf("%s\n", b.data);
	buf_fini(&b);
}

static void
print_info_text(const struct rsmgmt_db_info *i)
{
	printf("  Database type:        %s\n", i->postgres ? "PostgreSQL" :
	    "SQLite");
	printf("  Database:             %s\n", i->dsn);
	printf("  Schema version:       %d (this server uses %d)\n",
	    i->version, i->expected);
	if (i->exists && i->version == i->expected)
		printf("  Items, users:         %lld, %lld\n",
		    (long long)i->items, (long long)i->users);
	printf("  Configuration file:   %s\n", i->config);
}

/*
 * --admin-password-stdin at a terminal: one line, not echoed (a pipe is
 * read to its end, as before).
 */
static char *
ask_password(const char *user, size_t *len, struct rs_err *e)
{
	struct termios	old, quiet;
	char		line[RS_PASSWD_MAX + 2], *pw;
	bool		echo_off = tcgetattr(0, &old) == 0, ok;

	fprintf(stderr, "Password for %s: ", user);
	fflush(stderr);
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	ok = fgets(line, sizeof(line), stdin) != NULL;
	if (echo_off)
		tcsetattr(0, TCSANOW, &old);
	fprintf(stderr, "\n");
	if (!ok) {
		rs_err_set(e, RS_E_USAGE, "no password was typed");
		return NULL;
	}
	*len = strlen(line);
	pw = xstrdup(line);
	explicit_bzero(line, sizeof(line));
	return pw;
}

/*
 * Reads a password from file or standard input, dropping one trailing
 * newline; opt names the options ("--admin-password"), who the prompt.
 */
static char *
read_pw(const char *file, bool use_stdin, const char *opt, const char *who,
    size_t *len, struct rs_err *e)
{
	char	*pw;

	if (use_stdin == (file != NULL)) {
		rs_err_set(e, RS_E_USAGE, "give exactly one of %s-file and "
		    "%s-stdin", opt, opt);
		return NULL;
	}
	if (use_stdin && isatty(0))
		pw = ask_password(who, len, e);
	else
		pw = use_stdin ? fs_read_fd(0, RS_PASSWD_MAX + 2, len,
		    "standard input", e) : fs_read_file(file,
		    RS_PASSWD_MAX + 2, len, e);
	if (pw == NULL)
		return NULL;
	if (*len > 0 && pw[*len - 1] == '\n')
		pw[--*len] = '\0';
	if (*len > 0 && pw[*len - 1] == '\r')
		pw[--*len] = '\0';
	return pw;
}

/* A relative --sqlite path, made absolute from here. */
static int
absolute(const char *rel, char *out, size_t sz)
{
	char	cwd[RS_PATH_MAX];

	if (getcwd(cwd, sizeof(cwd)) == NULL ||
	    (size_t)snprintf(out, sz, "%s/%s", cwd, rel) >= sz)
		return -1;
	return 0;
}

static int
cmd_db_create(struct opts *o)
{
	char			 abs_path[RS_PATH_MAX];
	struct rsmgmt_db_create	 a = { 0 };
	struct rsmgmt_db_info	 info;
	struct rsmgmt_result	 r;
	struct rs_err		 e;
	char			*pw;
	size_t			 len = 0;

	if (o->admin_user == NULL || (o->sqlite && o->postgres)) {
		fprintf(stderr, "rsconfig: database create needs --admin-user "
		    "NAME and at most one of --sqlite and --postgres\n");
		usage(stderr);
		return 64;
	}
	{
		char who[300];
		snprintf(who, sizeof(who), "the administrator %s",
		    o->admin_user);
		pw = read_pw(o->pw_file, o->pw_stdin, "--admin-password", who,
		    &len, &e);
	}
	if (pw == NULL) {
		fprintf(stderr, "rsconfig: cannot read the administrator "
		    "password: %s\n", e.msg);
		return rs_err_exit_status(e.code);
	}
	a.postgres = o->postgres != NULL;
	a.dsn = o->postgres != NULL ? o->postgres : o->sqlite;
	if (o->sqlite != NULL && o->sqlite[0] != '/' && absolute(o->sqlite,
	    abs_path, sizeof(abs_path)) == 0)
		a.dsn = abs_path;
	a.admin_user = o->admin_user;
	a.admin_password = pw;
	rsmgmt_database_create(o->root, &a, &info, &r);
	fs_free_secret(pw, len);
	print_result(o, &r);
	if (r.hresult != 0)
		return r.exit_status;
	if (o->json)
	{
		struct buf	x;

		buf_init(&x, 0);
		(void)buf_printf(&x, NULL, ",\"ConfigurationWritten\":%s,"
		    "\"ReportServer\":", info.config_written ? "true" :
		    "false");
		(void)buf_json_str(&x, info.server, NULL);
		print_info_json(&info, &r, x.data);
		buf_fini(&x);
	} else {
		printf("Report server database created.\n");
		print_info_text(&info);
		printf("  Administrator:        %s (System Administrator; "
		    "Content Manager on /)\n", o->admin_user);
		if (info.server[0] != '\0')
			printf("  Report server:        %s\n", info.server);
	}
	return 0;
}

static int
cmd_db_show(struct opts *o)
{
	struct rsmgmt_db_info	info;
	struct rsmgmt_result	r;

	rsmgmt_database_show(o->root, &info, &r);
	print_result(o, &r);
	if (r.hresult != 0)
		return r.exit_status;
	if (o->json)
		print_info_json(&info, &r, "");
	else {
		printf("Report server database: %s\n", info.exists ?
		    (info.version == info.expected ? "ready" :
		    "needs upgrade") : "MISSING");
		print_info_text(&info);
		if (!info.exists || info.version != info.expected)
			printf("  Next step:            %s\n", r.message);
	}
	return 0;
}

static int
cmd_db_upgrade(struct opts *o)
{
	struct rsmgmt_result	r;
	int			from, to;

	rsmgmt_database_upgrade(o->root, &from, &to, &r);
	print_result(o, &r);
	if (r.hresult != 0)
		return r.exit_status;
	if (o->json)
		printf("{\"HRESULT\":0,\"FromVersion\":%d,\"ToVersion\":%d}\n",
		    from, to);
	else
		printf("Results:\n  %s\n", r.message);
	return 0;
}

static void
print_backup(const struct opts *o, const struct rsmgmt_backup_info *i,
    const struct rsmgmt_result *r, bool restored)
{
	struct buf	b;

	if (!o->json) {
		printf("%s\n", r->message);
		return;
	}
	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, "{\"HRESULT\":0,\"Message\":");
	(void)buf_json_str(&b, r->message, NULL);
	(void)buf_puts(&b, ",\"File\":", NULL);
	(void)buf_json_str(&b, i->file, NULL);
	(void)buf_printf(&b, NULL, ",\"Created\":\"%s\",\"SchemaVersion\":%d,"
	    "\"EncryptionKey\":%s", i->created, i->version, i->key ? "true" :
	    "false");
	if (restored) {
		(void)buf_puts(&b, ",\"Database\":", NULL);
		(void)buf_json_str(&b, i->dsn, NULL);
	} else
		(void)buf_printf(&b, NULL, ",\"DatabaseBytes\":%lld",
		    i->db_bytes);
	printf("%s}\n", b.data);
	buf_fini(&b);
}

/* The backup password: at least BACKUP_PW_MIN characters. */
#define BACKUP_PW_MIN	8

static int
backup_restore(struct opts *o, bool restore)
{
	struct rsmgmt_backup_info	*info = xcalloc(1, sizeof(*info));
	struct rsmgmt_result		 r;
	struct rs_err			 e;
	const char			*file = restore ? o->from : o->to;
	char				*pw;
	size_t				 len = 0;
	int				 rc;

	if (file == NULL) {
		fprintf(stderr, "rsconfig: database %s needs %s FILE\n",
		    restore ? "restore" : "backup", restore ? "--from" :
		    "--to");
		usage(stderr);
		free(info);
		return 64;
	}
	pw = read_pw(o->bk_pw_file, o->bk_pw_stdin, "--password",
	    "the backup", &len, &e);
	if (pw == NULL) {
		fprintf(stderr, "rsconfig: cannot read the backup password: "
		    "%s\n", e.msg);
		free(info);
		return rs_err_exit_status(e.code);
	}
	if (!restore && len < BACKUP_PW_MIN) {
		fprintf(stderr, "rsconfig: the backup password has %zu "
		    "characters; give one of at least %d\n", len,
		    BACKUP_PW_MIN);
		fs_free_secret(pw, len);
		free(info);
		return 64;
	}
	if (restore)
		rsmgmt_database_restore(o->root, file, pw, len, info, &r);
	else
		rsmgmt_database_backup(o->root, file, pw, len, info, &r);
	fs_free_secret(pw, len);
	print_result(o, &r);
	rc = r.hresult != 0 ? r.exit_status : 0;
	if (rc == 0)
		print_backup(o, info, &r, restore);
	free(info);
	return rc;
}

static int
cmd_db_backup(struct opts *o)
{
	return backup_restore(o, false);
}

static int
cmd_db_restore(struct opts *o)
{
	return backup_restore(o, true);
}

/* Options with a value; returns how many argv slots were used, or -1. */
/* The options of 'database': the first DB_VALUED take a value. */
#define DB_VALUED	8
static const char *const db_opts[] = { "--root", "--sqlite", "--postgres",
    "--admin-user", "--admin-password-file", "--to", "--from",
    "--password-file", "--json", "--admin-password-stdin",
    "--password-stdin" };

static int
take_opt(struct opts *o, int argc, char **argv, int i)
{
	const char	*near;
	static const struct {
		const char	*name;
		size_t		 off;
	} valued[] = {
		{ "--root", offsetof(struct opts, root_opt) },
		{ "--sqlite", offsetof(struct opts, sqlite) },
		{ "--postgres", offsetof(struct opts, postgres) },
		{ "--admin-user", offsetof(struct opts, admin_user) },
		{ "--admin-password-file", offsetof(struct opts, pw_file) },
		{ "--to", offsetof(struct opts, to) },
		{ "--from", offsetof(struct opts, from) },
		{ "--password-file", offsetof(struct opts, bk_pw_file) },
	};

	if (strcmp(argv[i], "--json") == 0)
		return o->json = true, 1;
	if (strcmp(argv[i], "--admin-password-stdin") == 0)
		return o->pw_stdin = true, 1;
	if (strcmp(argv[i], "--password-stdin") == 0)
		return o->bk_pw_stdin = true, 1;
	for (size_t k = 0; k < nitems(valued); k++) {
		if (strcmp(argv[i], valued[k].name) != 0)
			continue;
		if (i + 1 >= argc) {
			fprintf(stderr, "rsconfig: %s needs a value\n",
			    argv[i]);
			return -1;
		}
		*(const char **)((char *)o + valued[k].off) = argv[i + 1];
		return 2;
	}
	fprintf(stderr, "rsconfig: unknown option %s for database", argv[i]);
	near = rsconfig_nearest(argv[i], db_opts, nitems(db_opts));
	fprintf(stderr, near != NULL ? "; did you mean '%s'?\n" : "%s\n",
	    near != NULL ? near : "");
	return -1;
}

/* Is the command 'rsconfig database ...' (the other pages: cmd_*.c)? */
static bool
is_database(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		bool	valued = rsconfig_opt_valued(argv[i]);

		if (argv[i][0] != '-')
			return strcmp(argv[i], "database") == 0;
		for (size_t k = 0; k < DB_VALUED; k++)
			valued |= strcmp(argv[i], db_opts[k]) == 0;
		if (valued)
			i++;
	}
	return false;
}

/* An unknown verb: the nearest one and the list. */
static int
unknown_verb(const char *verb)
{
	const char	*names[nitems(cmds)];
	const char	*near;

	for (size_t k = 0; k < nitems(cmds); k++)
		names[k] = cmds[k].verb;
	near = verb != NULL ? rsconfig_nearest(verb, names, nitems(names)) :
	    NULL;
	if (verb == NULL)
		fprintf(stderr, "rsconfig: database needs a command (create, "
		    "show, upgrade, backup, restore)\n");
	else if (near != NULL)
		fprintf(stderr, "rsconfig: unknown database command '%s'; did "
		    "you mean '%s'?\n", verb, near);
	else
		fprintf(stderr, "rsconfig: unknown database command '%s' "
		    "(create, show, upgrade, backup, restore)\n", verb);
	usage(stderr);
	return 64;
}

int
main(int argc, char **argv)
{
	struct opts	 o = { 0 };
	struct rs_err	 e;
	const char	*words[2] = { NULL, NULL };
	int		 nw = 0;

	log_init("rsconfig");
	if (argc == 2 && strcmp(argv[1], "--version") == 0)
		return printf("rsconfig %s\n", RS_VERSION) < 0;
	if (!is_database(argc, argv))	/* the other pages: cmd_*.c */
		return rsconfig_pages_main(argc, argv);
	for (int i = 1; i < argc;) {
		int	n = 1;

		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (argv[i][0] == '-' && (n = take_opt(&o, argc, argv, i)) < 0) {
			usage(stderr);
			return 64;
		}
		if (argv[i][0] != '-') {
			if (nw == 2) {
				fprintf(stderr, "rsconfig: unexpected '%s'\n",
				    argv[i]);
				return 64;
			}
			words[nw++] = argv[i];
		}
		i += n;
	}
	if (rs_root_resolve(o.root_opt, o.root, sizeof(o.root), &e) == -1) {
		fprintf(stderr, "rsconfig: %s\n", e.msg);
		return rs_err_exit_status(e.code);
	}
	for (size_t k = 0; k < nitems(cmds); k++)
		if (nw == 2 && strcmp(words[1], cmds[k].verb) == 0)
			return cmds[k].fn(&o);
	return unknown_verb(nw == 2 ? words[1] : NULL);
}
