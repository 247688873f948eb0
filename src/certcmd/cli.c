/*
 * cli.c: the certstore tool's command table, option parsing, state root
 * and final message.  The table gives the usage text and the "valid
 * commands" hint; the exit status comes from the error table.  Hints in
 * messages that name a certstore or httpcfg command get the --root the
 * command line gave, so they work as written, and a plain user who
 * reaches for the machine store is told it needs root, or how to keep a
 * private store.
 */
#include "certcmd/certcmd_int.h"
#include "common/log.h"
#include "common/root.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- hints: commands that work as written ---- */

/* s as a shell reads it back: bare when safe, else in double quotes. */
static void
shell_arg(struct buf *b, const char *s)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	    "opqrstuvwxyz0123456789_./:=@%+,-";

	if (s[0] != '\0' && strspn(s, safe) == strlen(s)) {
		buf_puts(b, s, NULL);
		return;
	}
	buf_puts(b, "\"", NULL);
	for (; *s != '\0'; s++) {
		if (strchr("\"\\$`", *s) != NULL)
			buf_puts(b, "\\", NULL);
		buf_append(b, s, 1, NULL);
	}
	buf_puts(b, "\"", NULL);
}

/* "--root DIR " when the command line gave one, else "". */
void
cc_root_opt(struct buf *b, const struct opts *o)
{
	buf_puts(b, "", NULL);
	if (o->root_arg == NULL)
		return;
	buf_puts(b, "--root ", NULL);
	shell_arg(b, o->root_arg);
	buf_puts(b, " ", NULL);
}

/* The command as typed after "certstore" (the command and its args). */
static void
command_text(struct buf *b, const struct opts *o)
{
	bool	first = true;

	for (int i = 0; i < o->argc; i++) {
		if (strcmp(o->argv[i], "--max-iterations") == 0) {
			i++;	/* the hint gives its own */
			continue;
		}
		if (str_has_prefix(o->argv[i], "--max-iterations="))
			continue;
		buf_puts(b, first ? "" : " ", NULL);
		shell_arg(b, o->argv[i]);
		first = false;
	}
}

/*
 * "add --max-iterations N" becomes the whole command to run again:
 * "run 'certstore import F ... --max-iterations N'".
 */
static void
iter_hint(const struct opts *o, struct buf *b)
{
	static const char	 add[] = "add --max-iterations ";
	char			*at;
	struct buf		 cmd;
	const char		*n;

	if (b->data == NULL || (at = strstr(b->data, add)) == NULL)
		return;
	n = at + strlen(add);
	buf_init(&cmd, 0);
	buf_puts(&cmd, "run 'certstore ", NULL);
	cc_root_opt(&cmd, o);
	command_text(&cmd, o);
	buf_printf(&cmd, NULL, " --max-iterations %.*s'", (int)strspn(n,
	    "0123456789"), n);
	b->len = (size_t)(at - b->data);
	b->data[b->len] = '\0';
	buf_puts(b, cmd.data, NULL);
	buf_fini(&cmd);
}

/*
 * The final message.  Hints that name a certstore or httpcfg command get
 * the --root the command line gave, so they work as written; a failure
 * to reach the machine store as a plain user says how to get there.
 */
static void
final_message(const struct opts *o, const struct rs_err *e, struct buf *b)
{
	const char	*p = e->msg, *q, *h;
	struct buf	 r, cmd;

	buf_init(&r, 0);
	cc_root_opt(&r, o);
	for (;;) {
		q = strstr(p, "'certstore ");
		h = strstr(p, "'httpcfg ");
		if (q == NULL || (h != NULL && h < q))
			q = h;		/* the first of the two */
		if (q == NULL)
			break;
		q = strchr(q, ' ') + 1;
		buf_append(b, p, (size_t)(q - p), NULL);
		buf_puts(b, r.data, NULL);
		p = q;
	}
	buf_puts(b, p, NULL);
	buf_fini(&r);
	iter_hint(o, b);
	if (o->root_arg != NULL || getenv(RS_ROOT_ENV) != NULL ||
	    geteuid() == 0 || (e->sys_errno != EACCES &&
	    e->sys_errno != EPERM && e->sys_errno != EROFS))
		return;
	buf_init(&cmd, 0);
	command_text(&cmd, o);
	buf_printf(b, NULL, "; the machine store in %s needs root: run "
	    "'certstore %s' as root, or keep a private store of your own "
	    "with --root DIR or RS_ROOT=DIR: 'certstore --root "
	    "\"$HOME/certstore\" %s'", RS_ROOT_DEFAULT, cmd.data, cmd.data);
	buf_fini(&cmd);
}

/* ---- the table, options and main ---- */

static const struct cmd cmds[] = {
	{ "new-self-signed", cc_new_self_signed, "--dns NAME [--dns NAME ...] "
	    "[--friendly-name TEXT] [--key ecdsa-p256|rsa-2048|rsa-3072] "
	    "[--days N] [--store S]", "dfkDs", 0,
	    "make a key and a self-signed TLS server certificate" },
	{ "request", cc_request, "--dns NAME [--dns NAME ...] --out FILE.csr "
	    "[--friendly-name TEXT] [--key K]", "dfkO", 0,
	    "make a key and a certificate request (CSR) for a CA" },
	{ "import", cc_import, "FILE [--store My|Root|CA] [--password-file F "
	    "| --password-stdin] [--friendly-name TEXT] [--install-chain] "
	    "[--max-iterations N]", "spPfcI", 1, "import a PFX/P12, PEM bundle, DER .cer or a CA's "
	    "answer" },
	{ "export", cc_export, "THUMBPRINT [--store S] (--pfx FILE "
	    "(--password-file F | --password-stdin) [--legacy] | --cert FILE "
	    "| --der FILE)", "sxCRpPl", 1,
	    "export as PFX (with key and chain), PEM or DER" },
	{ "list", cc_list, "[--store S] [--json] [--service-user USER]",
	    "sju", 0,
	    "list a store, and why each certificate cannot serve TLS" },
	{ "show", cc_show, "THUMBPRINT [--store S] [--json] "
	    "[--service-user USER]", "sju", 1, "show one certificate" },
	{ "verify", cc_verify, "THUMBPRINT [--store S] [--json] "
	    "[--service-user USER]", "sju", 1,
	    "check chain to Root, dates, server EKU and key match" },
	{ "remove", cc_remove, "THUMBPRINT [--store S] [--force]", "sF", 1,
	    "remove a certificate (refused while an SSL binding uses it)" },
	{ "new-ca", cc_new_ca, "--name TEXT [--key ecdsa-p256|rsa-2048|"
	    "rsa-3072] [--days N] [--friendly-name TEXT]", "nkDf", 0,
	    "make a local root CA: certificate in Root, key in My" },
	{ "issue", cc_issue, "--ca THUMBPRINT --dns NAME [--dns NAME ...] "
	    "[--friendly-name TEXT] [--key K] [--days N]", "adfkD", 0,
	    "issue a TLS server certificate from a CA of My" },
	{ "trust", cc_trust, "[THUMBPRINT] [--remove] [--system | --nss] "
	    "[--system-dir DIR] [--nssdb DIR] [--dry-run]", "XYZSNy", -1,
	    "put Root certificates where clients look (system store, NSS "
	    "database of browsers), or take them out" },
};

static const struct option long_opts[] = {
	{ "root", required_argument, NULL, 'r' },
	{ "store", required_argument, NULL, 's' },
	{ "dns", required_argument, NULL, 'd' },
	{ "friendly-name", required_argument, NULL, 'f' },
	{ "key", required_argument, NULL, 'k' },
	{ "days", required_argument, NULL, 'D' },
	{ "out", required_argument, NULL, 'O' },
	{ "pfx", required_argument, NULL, 'x' },
	{ "cert", required_argument, NULL, 'C' },
	{ "der", required_argument, NULL, 'R' },
	{ "password-file", required_argument, NULL, 'p' },
	{ "password-stdin", no_argument, NULL, 'P' },
	{ "legacy", no_argument, NULL, 'l' },
	{ "json", no_argument, NULL, 'j' },
	{ "force", no_argument, NULL, 'F' },
	{ "install-chain", no_argument, NULL, 'c' },
	{ "service-user", required_argument, NULL, 'u' },
	{ "ca", required_argument, NULL, 'a' },
	{ "name", required_argument, NULL, 'n' },
	{ "max-iterations", required_argument, NULL, 'I' },
	{ "remove", no_argument, NULL, 'X' },
	{ "system", no_argument, NULL, 'Y' },
	{ "nss", no_argument, NULL, 'Z' },
	{ "system-dir", required_argument, NULL, 'S' },
	{ "nssdb", required_argument, NULL, 'N' },
	{ "dry-run", no_argument, NULL, 'y' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: certstore [--root DIR] COMMAND [ARGS]\n\n"
	    "The machine certificate store (My, Root, CA) under the state "
	    "root\n(--root DIR, else $RS_ROOT, else %s).\n"
	    "Passwords are read only from --password-file or "
	    "--password-stdin.\n\ncommands:\n", RS_ROOT_DEFAULT);
	for (i = 0; i < nitems(cmds); i++)
		fprintf(f, "  %s %s\n      %s\n", cmds[i].name, cmds[i].args,
		    cmds[i].help);
}

static const struct cmd *
find_cmd(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(cmds); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static int
unknown_cmd(const char *name, struct rs_err *e)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, 0);
	for (i = 0; i < nitems(cmds); i++)
		buf_printf(&b, NULL, "%s%s", i > 0 ? ", " : "", cmds[i].name);
	rs_err_set(e, RS_E_USAGE, "unknown command '%s'; valid commands: %s",
	    name, b.data);
	buf_fini(&b);
	return -1;
}

static int
set_opt(struct opts *o, const struct cmd *c, int ch, const char *arg,
    struct rs_err *e)
{
	if (ch == 'r') {
		o->root = o->root_arg = optarg;
		return 0;
	}
	if (ch == '?' || ch == ':' || strchr(c->optstring, ch) == NULL)
		return rs_err_set(e, RS_E_USAGE,
		    "%s: unknown option or missing value: %s; usage: "
		    "certstore %s %s", c->name, arg, c->name, c->args);
	switch (ch) {
	case 's': o->store = optarg; break;
	case 'd':
		if (o->n_dns == DNS_ARGS_MAX)
			return rs_err_set(e, RS_E_USAGE, "more than %d --dns "
			    "names", DNS_ARGS_MAX);
		o->dns[o->n_dns++] = optarg;
		break;
	case 'f': o->friendly = optarg; break;
	case 'k': o->key = optarg; break;
	case 'D': o->days = optarg; break;
	case 'O': o->out = optarg; break;
	case 'x': o->pfx = optarg; break;
	case 'C': o->cert = optarg; break;
	case 'R': o->der = optarg; break;
	case 'p': o->password_file = optarg; break;
	case 'P': o->password_stdin = true; break;
	case 'l': o->legacy = true; break;
	case 'j': o->json = true; break;
	case 'F': o->force = true; break;
	case 'c': o->install_chain = true; break;
	case 'u': o->service_user = optarg; break;
	case 'a': o->ca = optarg; break;
	case 'n': o->name = optarg; break;
	case 'I': o->max_iter = optarg; break;
	case 'X': o->remove = true; break;
	case 'Y': o->system_only = true; break;
	case 'Z': o->nss_only = true; break;
	case 'S': o->system_dir = optarg; break;
	case 'N': o->nssdb = optarg; break;
	case 'y': o->dry_run = true; break;
	}
	return 0;
}

static int
parse_args(const struct cmd *c, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	int	ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (ch == 'h') {
			printf("usage: certstore %s %s\n  %s\n", c->name,
			    c->args, c->help);
			exit(0);
		}
		if (set_opt(o, c, ch, argv[optind - 1], e) == -1)
			return -1;
	}
	if (c->npos >= 0 ? argc - optind != c->npos : argc - optind > 1)
		return rs_err_set(e, RS_E_USAGE,
		    "%s takes %s; usage: certstore %s %s", c->name,
		    c->npos == 0 ? "no arguments" : c->npos < 0 ?
		    "at most one argument" : "one argument", c->name, c->args);
	return 0;
}

static int
apply_service_user(struct certstore *cs, const char *name, struct rs_err *e)
{
	struct passwd	pw, *res = NULL;
	char		buf[4096];

	if (name == NULL)
		return 0;
	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return rs_err_set(e, RS_E_USAGE, "unknown service user '%s'",
		    name);
	certstore_set_service_user(cs, pw.pw_uid, pw.pw_gid);
	return 0;
}

static int
run(int argc, char **argv, struct opts *o, struct rs_err *e)
{
	const struct cmd	*c;
	struct certstore	*cs;
	char			 root[RS_PATH_MAX];
	int			 rv;

	c = find_cmd(argv[0]);
	if (c == NULL)
		return unknown_cmd(argv[0], e);
	if (parse_args(c, o, argc, argv, e) == -1)
		return -1;
	if (rs_root_resolve(o->root, root, sizeof(root), e) == -1)
		return -1;
	o->root = root;
	if ((cs = certstore_open(root, e)) == NULL)
		return -1;
	rv = apply_service_user(cs, o->service_user, e);
	if (rv == 0)
		rv = c->fn(cs, o, argc - optind, argv + optind, e);
	certstore_close(cs);
	return rv;
}

int
certcmd_main(int argc, char **argv)
{
	struct opts	o;
	struct rs_err	e;
	struct buf	msg;
	int		i = 1;

	log_init("certstore");
	memset(&o, 0, sizeof(o));
	rs_err_clear(&e);
	while (i < argc && str_has_prefix(argv[i], "--root")) {
		if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
			o.root = o.root_arg = argv[i + 1];
			i += 2;
		} else if (str_has_prefix(argv[i], "--root=")) {
			o.root = o.root_arg = argv[i++] + 7;
		} else
			break;
	}
	if (i >= argc || strcmp(argv[i], "--help") == 0 ||
	    strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "help") == 0) {
		usage(i >= argc ? stderr : stdout);
		return i >= argc ? rs_err_exit_status(RS_E_USAGE) : 0;
	}
	if (strcmp(argv[i], "--version") == 0) {
		printf("certstore %s\n", RS_VERSION);
		return 0;
	}
	/* As typed: getopt reorders argv. */
	o.argc = argc - i;
	o.argv = xcalloc((size_t)o.argc + 1, sizeof(*o.argv));
	memcpy(o.argv, argv + i, (size_t)o.argc * sizeof(*o.argv));
	if (run(argc - i, argv + i, &o, &e) == -1) {
		cc_wipe_pw(&o);
		buf_init(&msg, 0);
		final_message(&o, &e, &msg);
		log_error("%s", msg.data);
		buf_fini(&msg);
		free(o.argv);
		return rs_err_exit_status(e.code);
	}
	free(o.argv);
	return 0;
}
