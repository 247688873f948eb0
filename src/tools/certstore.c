/*
 * certstore: the command-line front of the machine certificate store
 * (certstore/certstore.h), the Linux counterpart of the Windows
 * certificate cmdlets.  It parses arguments, reads passwords from a file
 * or stdin (never argv), calls the library and prints: aligned text for
 * people, --json for scripts.  Commands come from one table, which also
 * gives the usage text and the "valid commands" hint.  The exit status
 * comes from the error table (rs_err_exit_status).
 */
#include "binding/binding.h"
#include "certstore/certstore.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/root.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DNS_ARGS_MAX	CERTSTORE_DNS_MAX

/* Everything the options of one command can set. */
struct opts {
	const char	*root;
	const char	*store;
	const char	*dns[DNS_ARGS_MAX];
	size_t		 n_dns;
	const char	*friendly;
	const char	*key;
	const char	*days;
	const char	*out;
	const char	*pfx, *cert, *der;
	const char	*password_file;
	bool		 password_stdin;
	bool		 legacy, json, force, install_chain;
	const char	*service_user;
	char		*password;	/* read, wiped after use */
	size_t		 password_len;
};

struct cmd {
	const char	*name;
	int		(*fn)(struct certstore *, struct opts *, int, char **,
			    struct rs_err *);
	const char	*args;		/* usage after the name */
	const char	*optstring;	/* the long options it takes */
	int		 npos;		/* positional arguments */
	const char	*help;
};

static const struct cmd *find_cmd(const char *);

/* ---- output helpers ---- */

static void
fmt_time(time_t t, char *out, size_t sz)
{
	struct tm	tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(out, sz, "unknown");
	else
		strftime(out, sz, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void
fmt_iso(time_t t, char *out, size_t sz)
{
	struct tm	tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(out, sz, "unknown");
	else
		strftime(out, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
bits_text(struct buf *b, unsigned bits, const char *(*text)(unsigned),
    const char *sep)
{
	unsigned	bit;
	bool		first = true;

	for (bit = 1; bit != 0; bit <<= 1) {
		if ((bits & bit) == 0)
			continue;
		buf_printf(b, NULL, "%s%s", first ? "" : sep, text(bit));
		first = false;
	}
}

static void
json_bits(struct buf *b, const char *key, unsigned bits,
    const char *(*name)(unsigned), const char *(*text)(unsigned))
{
	unsigned	bit;
	bool		first = true;

	buf_printf(b, NULL, ",\"%s\":[", key);
	for (bit = 1; bit != 0; bit <<= 1) {
		if ((bits & bit) == 0)
			continue;
		buf_printf(b, NULL, "%s{\"code\":\"%s\",\"text\":", first ?
		    "" : ",", name(bit));
		buf_json_str(b, text(bit), NULL);
		buf_puts(b, "}", NULL);
		first = false;
	}
	buf_puts(b, "]", NULL);
}

static void
json_info(struct buf *b, const struct certstore_info *in)
{
	char	t1[40], t2[40];
	size_t	i;

	fmt_iso(in->not_before, t1, sizeof(t1));
	fmt_iso(in->not_after, t2, sizeof(t2));
	buf_printf(b, NULL, "{\"thumbprint\":\"%s\",\"sha256\":\"%s\","
	    "\"store\":\"%s\",\"friendly_name\":", in->thumbprint, in->sha256,
	    in->store);
	buf_json_str(b, in->friendly_name, NULL);
	buf_puts(b, ",\"subject\":", NULL);
	buf_json_str(b, in->subject, NULL);
	buf_puts(b, ",\"issuer\":", NULL);
	buf_json_str(b, in->issuer, NULL);
	buf_printf(b, NULL, ",\"serial\":\"%s\",\"dns_names\":[", in->serial);
	for (i = 0; i < in->n_dns; i++) {
		buf_puts(b, i > 0 ? "," : "", NULL);
		buf_json_str(b, in->dns_names[i], NULL);
	}
	buf_printf(b, NULL, "],\"not_before\":\"%s\",\"not_after\":\"%s\","
	    "\"days_left\":%ld,\"key_type\":\"%s\",\"has_private_key\":%s,"
	    "\"self_signed\":%s,\"server_auth\":%s,\"is_ca\":%s,"
	    "\"chain_length\":%zu,\"can_serve_tls\":%s", t1, t2, in->days_left,
	    in->key_type, in->has_key ? "true" : "false",
	    in->self_signed ? "true" : "false",
	    in->server_auth ? "true" : "false", in->is_ca ? "true" : "false",
	    in->chain_len, in->problems == 0 ? "true" : "false");
	json_bits(b, "problems", in->problems, certstore_problem_name,
	    certstore_problem_text);
	json_bits(b, "warnings", in->warnings, certstore_warning_name,
	    certstore_warning_text);
	buf_puts(b, "}", NULL);
}

static void
print_info(const struct certstore_info *in, bool details)
{
	struct buf	b;
	char		t1[40], t2[40];
	size_t		i;

	buf_init(&b, 0);
	fmt_time(in->not_before, t1, sizeof(t1));
	fmt_time(in->not_after, t2, sizeof(t2));
	printf("Thumbprint    %s\n", in->thumbprint);
	if (details)
		printf("SHA-256       %s\n", in->sha256);
	printf("Store         %s\n", in->store);
	printf("Friendly name %s\n", in->friendly_name);
	printf("Subject       %s\n", in->subject);
	for (i = 0; i < in->n_dns; i++)
		buf_printf(&b, NULL, "%s%s", i > 0 ? ", " : "",
		    in->dns_names[i]);
	printf("DNS names     %s\n", b.data != NULL ? b.data : "(none)");
	printf("Issuer        %s%s\n", in->issuer, in->self_signed ?
	    " (self-signed)" : "");
	if (details)
		printf("Serial        %s\n", in->serial);
	printf("Not before    %s\n", t1);
	printf("Not after     %s (%ld days left)\n", t2, in->days_left);
	printf("Key           %s, %s\n", in->key_type, in->has_key ?
	    "private key present" : "no private key");
	if (details)
		printf("Chain         %zu certificate(s) after the leaf\n",
		    in->chain_len);
	buf_reset(&b);
	bits_text(&b, in->problems, certstore_problem_text, "; ");
	if (in->problems == 0)
		printf("Serves TLS    yes\n");
	else
		printf("Serves TLS    NO: %s\n", b.data);
	buf_reset(&b);
	bits_text(&b, in->warnings, certstore_warning_text, "; ");
	if (in->warnings != 0)
		printf("Warnings      %s\n", b.data);
	buf_fini(&b);
}

/* ---- passwords ---- */

static void
strip_newline(char *s, size_t *len)
{
	if (*len > 0 && s[*len - 1] == '\n')
		s[--*len] = '\0';
	if (*len > 0 && s[*len - 1] == '\r')
		s[--*len] = '\0';
}

/* Reads the password from --password-file or stdin; wiped by wipe_pw. */
static int
read_password(struct opts *o, bool required, struct rs_err *e)
{
	if (o->password_file != NULL && o->password_stdin)
		return rs_err_set(e, RS_E_USAGE, "give either --password-file "
		    "or --password-stdin, not both");
	if (o->password_file != NULL)
		o->password = fs_read_file(o->password_file,
		    CERTSTORE_PASSWORD_MAX + 2, &o->password_len, e);
	else if (o->password_stdin)
		o->password = fs_read_fd(0, CERTSTORE_PASSWORD_MAX + 2,
		    &o->password_len, "the password on stdin", e);
	else if (required)
		return rs_err_set(e, RS_E_USAGE, "a PFX needs a password; give "
		    "it with --password-file FILE or --password-stdin (never "
		    "on the command line)");
	else
		return 0;
	if (o->password == NULL)
		return rs_err_prefix(e, "cannot read the password"), -1;
	strip_newline(o->password, &o->password_len);
	return 0;
}

static void
wipe_pw(struct opts *o)
{
	if (o->password != NULL)
		fs_free_secret(o->password, o->password_len + 1);
	o->password = NULL;
	o->password_len = 0;
}

/* ---- commands ---- */

static int
fill_new(struct opts *o, struct certstore_new *nw, struct rs_err *e)
{
	uint64_t	days = 0;

	memset(nw, 0, sizeof(*nw));
	nw->dns = o->dns;
	nw->n_dns = o->n_dns;
	nw->friendly_name = o->friendly;
	nw->store = o->store;
	if (o->key != NULL &&
	    certstore_key_type_parse(o->key, &nw->key_type, e) == -1)
		return -1;
	if (o->days != NULL && str_parse_uint(o->days, 1, CERTSTORE_DAYS_MAX,
	    &days, "--days", e) == -1)
		return -1;
	nw->days = (unsigned)days;
	return 0;
}

static int
cmd_new_self_signed(struct certstore *cs, struct opts *o, int argc,
    char **argv, struct rs_err *e)
{
	struct certstore_new	nw;
	struct certstore_info	in;
	char			thumb[CERTSTORE_THUMB_LEN + 1], t[40];

	(void)argc;
	(void)argv;
	if (fill_new(o, &nw, e) == -1 ||
	    certstore_new_self_signed(cs, &nw, thumb, e) == -1)
		return -1;
	if (certstore_get(cs, o->store, thumb, &in, e) == -1)
		return -1;
	fmt_time(in.not_after, t, sizeof(t));
	printf("created %s in %s (%s, valid until %s)\n", in.subject,
	    in.store, in.key_type, t);
	certstore_info_fini(&in);
	printf("%s\n", thumb);
	return 0;
}

static int
cmd_request(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_new	 nw;
	char			*csr = NULL;
	size_t			 len = 0;
	int			 rv;

	(void)argc;
	(void)argv;
	if (o->out == NULL)
		return rs_err_set(e, RS_E_USAGE,
		    "request needs --out FILE.csr");
	if (fill_new(o, &nw, e) == -1 ||
	    certstore_request(cs, &nw, &csr, &len, e) == -1)
		return -1;
	rv = fs_write_atomic(o->out, csr, len, 0644, e);
	free(csr);
	if (rv == -1)
		return -1;
	printf("wrote certificate request %s; the key waits in the store.\n"
	    "Send the request to your CA, then install its answer with:\n"
	    "  certstore import ANSWER.cer\n", o->out);
	return 0;
}

static void
print_import_warnings(const struct certstore_import_result *r,
    const char *name)
{
	unsigned	bit;

	for (bit = 1; bit != 0; bit <<= 1)
		if (r->warnings & bit)
			log_warn("%s: %s", name, certstore_warning_text(bit));
}

static int
cmd_import(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_import_opts	 io;
	struct certstore_import_result	 r;
	char				*data;
	size_t				 len = 0, i;
	int				 rv;

	(void)argc;
	if (read_password(o, false, e) == -1)
		return -1;
	data = fs_read_file(argv[0], CERTSTORE_FILE_MAX, &len, e);
	if (data == NULL)
		return rs_err_prefix(e, "cannot import"), -1;
	memset(&io, 0, sizeof(io));
	io.store = o->store;
	io.password = o->password;
	io.password_len = o->password_len;
	io.friendly_name = o->friendly;
	io.install_chain = o->install_chain;
	rv = certstore_import(cs, data, len, argv[0], &io, &r, e);
	wipe_pw(o);
	fs_free_secret(data, len);
	if (rv == -1)
		return -1;
	print_import_warnings(&r, argv[0]);
	if (r.completed_request)
		printf("completed the pending request: certificate and key "
		    "are in My\n");
	else if (r.existed)
		printf("already in %s: nothing changed\n", r.store);
	else
		printf("imported into %s (%zu certificate(s) written)\n",
		    r.store, r.n_stored);
	for (i = 0; i < r.n_all; i++)
		if (strcmp(r.all[i], r.thumbprint) != 0)
			printf("%s\n", r.all[i]);
	printf("%s\n", r.thumbprint);
	certstore_import_result_fini(&r);
	return 0;
}

static int
write_out(const char *path, const char *data, size_t len, mode_t mode,
    const char *what, struct rs_err *e)
{
	if (fs_write_atomic(path, data, len, mode, e) == -1)
		return -1;
	printf("exported %s to %s\n", what, path);
	return 0;
}

static int
cmd_export(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_pfx_opts	 po;
	char				 thumb[CERTSTORE_THUMB_LEN + 1];
	char				*data = NULL;
	size_t				 len = 0;
	int				 rv = -1;

	(void)argc;
	if ((o->pfx != NULL) + (o->cert != NULL) + (o->der != NULL) != 1)
		return rs_err_set(e, RS_E_USAGE, "export needs exactly one of "
		    "--pfx FILE, --cert FILE or --der FILE");
	if (certstore_resolve(cs, o->store, argv[0], thumb, e) == -1)
		return -1;
	if (o->pfx != NULL) {
		if (read_password(o, true, e) == -1)
			return -1;
		po.password = o->password;
		po.password_len = o->password_len;
		po.legacy = o->legacy;
		rv = certstore_export_pfx(cs, o->store, thumb, &po, &data, &len,
		    e);
		wipe_pw(o);
		if (rv == 0)
			rv = write_out(o->pfx, data, len, 0600, o->legacy ?
			    "PFX (legacy 3DES/SHA-1)" : "PFX", e);
		fs_free_secret(data, len);
		return rv;
	}
	if (certstore_export_cert(cs, o->store, thumb, o->der != NULL, &data,
	    &len, e) == 0)
		rv = write_out(o->der != NULL ? o->der : o->cert, data, len,
		    0644, o->der != NULL ? "certificate (DER)" :
		    "certificate (PEM)", e);
	free(data);
	return rv;
}

static int
cmd_list(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_info	*v;
	struct buf		 b;
	size_t			 n, i;
	const char		*store;

	(void)argc;
	(void)argv;
	if ((store = certstore_store_name(o->store, e)) == NULL ||
	    certstore_list(cs, store, &v, &n, e) == -1)
		return -1;
	if (o->json) {
		buf_init(&b, 0);
		buf_puts(&b, "[", NULL);
		for (i = 0; i < n; i++) {
			buf_puts(&b, i > 0 ? ",\n" : "\n", NULL);
			json_info(&b, &v[i]);
		}
		buf_puts(&b, "\n]\n", NULL);
		fputs(b.data, stdout);
		buf_fini(&b);
	} else {
		printf("%s store: %zu certificate%s\n", store, n, n == 1 ?
		    "" : "s");
		for (i = 0; i < n; i++) {
			printf("\n");
			print_info(&v[i], false);
		}
	}
	certstore_list_free(v, n);
	return 0;
}

static int
cmd_show(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_info	in;
	char			thumb[CERTSTORE_THUMB_LEN + 1];
	struct buf		b;

	(void)argc;
	if (certstore_resolve(cs, o->store, argv[0], thumb, e) == -1 ||
	    certstore_get(cs, o->store, thumb, &in, e) == -1)
		return -1;
	if (o->json) {
		buf_init(&b, 0);
		json_info(&b, &in);
		printf("%s\n", b.data);
		buf_fini(&b);
	} else
		print_info(&in, true);
	certstore_info_fini(&in);
	return 0;
}

static const char *
verdict(unsigned problems, unsigned mask)
{
	return (problems & mask) != 0 ? "FAIL" : "ok";
}

static void
print_verify(const struct certstore_verify *v)
{
	const struct certstore_info	*in = &v->info;
	char				 t[40];
	unsigned			 keyp = CERTSTORE_P_NO_KEY |
	    CERTSTORE_P_KEY_MISMATCH | CERTSTORE_P_KEY_UNREADABLE |
	    CERTSTORE_P_KEY_INSECURE | CERTSTORE_P_KEY_CORRUPT |
	    CERTSTORE_P_UNSUPPORTED_KEY;
	unsigned			 datep = CERTSTORE_P_EXPIRED |
	    CERTSTORE_P_NOT_YET_VALID;
	struct buf			 b;

	buf_init(&b, 0);
	fmt_time(in->not_after, t, sizeof(t));
	printf("Thumbprint    %s\n", in->thumbprint);
	printf("Subject       %s\n", in->subject);
	printf("Chain         %s\n", v->chain != NULL ? v->chain : "?");
	printf("Dates         %s (not after %s, %ld days left)\n",
	    verdict(in->problems, datep), t, in->days_left);
	printf("Server auth   %s\n", verdict(in->problems,
	    CERTSTORE_P_NOT_SERVER_AUTH));
	bits_text(&b, in->problems & keyp, certstore_problem_text, "; ");
	printf("Private key   %s%s%s\n", verdict(in->problems, keyp),
	    b.len > 0 ? ": " : " (matches the certificate)",
	    b.len > 0 ? b.data : "");
	if (v->trusted)
		printf("Trust         ok (anchored at %s in Root)\n", v->root);
	else
		printf("Trust         FAIL: %s\n", v->reason != NULL ?
		    v->reason : "the chain does not reach the Root store");
	buf_fini(&b);
}

static int
cmd_verify(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_verify	 v;
	char			 thumb[CERTSTORE_THUMB_LEN + 1];
	struct buf		 b;
	int			 rv = 0;

	(void)argc;
	if (certstore_resolve(cs, o->store, argv[0], thumb, e) == -1 ||
	    certstore_verify(cs, o->store, thumb, &v, e) == -1)
		return -1;
	buf_init(&b, 0);
	if (o->json) {
		json_info(&b, &v.info);
		b.len--;	/* reopen the object */
		buf_printf(&b, NULL, ",\"trusted\":%s,\"chain\":",
		    v.trusted ? "true" : "false");
		buf_json_str(&b, v.chain != NULL ? v.chain : "", NULL);
		buf_puts(&b, ",\"reason\":", NULL);
		buf_json_str(&b, v.reason != NULL ? v.reason : "", NULL);
		printf("%s}\n", b.data);
		buf_reset(&b);
	} else
		print_verify(&v);
	if (v.info.problems != 0 || !v.trusted) {
		bits_text(&b, v.info.problems, certstore_problem_text, "; ");
		rv = rs_err_set(e, RS_E_BADINPUT, "certificate %s fails "
		    "verification: %s%s%s", thumb, b.len > 0 ? b.data : "",
		    b.len > 0 && !v.trusted ? "; " : "", v.trusted ? "" :
		    "not trusted by the Root store");
	} else if (!o->json)
		printf("Result        ok: serves TLS, and clients that trust "
		    "Root accept it\n");
	buf_fini(&b);
	certstore_verify_fini(&v);
	return rv;
}

/* The SSL bindings of the binding store that use store/thumb. */
static int
bindings_using(const char *root, const char *store, const char *thumb,
    struct buf *names, size_t *n, struct rs_err *e)
{
	struct binding_store	*bs;
	struct binding_ssl	*v = NULL;
	char			 db[RS_PATH_MAX];
	size_t			 nv = 0, i;

	*n = 0;
	if (rs_root_path(root, "http/bindings.db", db, sizeof(db), e) == -1)
		return -1;
	if (!fs_exists(db))
		return 0;
	if ((bs = binding_store_open(root, e)) == NULL)
		return rs_err_prefix(e, "cannot check SSL bindings"), -1;
	if (binding_ssl_list_by_cert(bs, thumb, &v, &nv, e) == -1) {
		binding_store_close(bs);
		return rs_err_prefix(e, "cannot check SSL bindings"), -1;
	}
	for (i = 0; i < nv; i++) {
		if (!str_ieq(v[i].store[0] != '\0' ? v[i].store : "My", store))
			continue;
		buf_printf(names, NULL, "%s%s", *n > 0 ? ", " : "",
		    v[i].endpoint);
		++*n;
	}
	binding_ssl_list_free(v, nv);
	binding_store_close(bs);
	return 0;
}

static int
cmd_remove(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	char		 thumb[CERTSTORE_THUMB_LEN + 1];
	const char	*store;
	struct buf	 names;
	size_t		 n = 0;
	int		 rv = -1;

	(void)argc;
	if ((store = certstore_store_name(o->store, e)) == NULL ||
	    certstore_resolve(cs, store, argv[0], thumb, e) == -1)
		return -1;
	buf_init(&names, 0);
	if (bindings_using(o->root, store, thumb, &names, &n, e) == -1)
		goto out;
	if (n > 0 && !o->force) {
		rs_err_set(e, RS_E_BUSY, "cannot remove %s from %s: it is used "
		    "by %zu SSL binding%s (%s); delete %s with 'httpcfg delete "
		    "sslcert', or add --force", thumb, store, n, n == 1 ? "" :
		    "s", names.data, n == 1 ? "it" : "them");
		goto out;
	}
	if (certstore_remove(cs, store, thumb, e) == -1)
		goto out;
	if (n > 0)
		log_warn("%s was used by %s; those bindings now name a missing "
		    "certificate", thumb, names.data);
	printf("removed %s from %s\n", thumb, store);
	rv = 0;
out:
	buf_fini(&names);
	return rv;
}

/* ---- the table, options and main ---- */

static const struct cmd cmds[] = {
	{ "new-self-signed", cmd_new_self_signed, "--dns NAME [--dns NAME ...] "
	    "[--friendly-name TEXT] [--key ecdsa-p256|rsa-2048|rsa-3072] "
	    "[--days N] [--store S]", "dfkDs", 0,
	    "make a key and a self-signed TLS server certificate" },
	{ "request", cmd_request, "--dns NAME [--dns NAME ...] --out FILE.csr "
	    "[--friendly-name TEXT] [--key K]", "dfkO", 0,
	    "make a key and a certificate request (CSR) for a CA" },
	{ "import", cmd_import, "FILE [--store My|Root|CA] [--password-file F "
	    "| --password-stdin] [--friendly-name TEXT] [--install-chain]",
	    "spPfc", 1, "import a PFX/P12, PEM bundle, DER .cer or a CA's "
	    "answer" },
	{ "export", cmd_export, "THUMBPRINT [--store S] (--pfx FILE "
	    "(--password-file F | --password-stdin) [--legacy] | --cert FILE "
	    "| --der FILE)", "sxCRpPl", 1,
	    "export as PFX (with key and chain), PEM or DER" },
	{ "list", cmd_list, "[--store S] [--json] [--service-user USER]",
	    "sju", 0,
	    "list a store, and why each certificate cannot serve TLS" },
	{ "show", cmd_show, "THUMBPRINT [--store S] [--json] "
	    "[--service-user USER]", "sju", 1, "show one certificate" },
	{ "verify", cmd_verify, "THUMBPRINT [--store S] [--json] "
	    "[--service-user USER]", "sju", 1,
	    "check chain to Root, dates, server EKU and key match" },
	{ "remove", cmd_remove, "THUMBPRINT [--store S] [--force]", "sF", 1,
	    "remove a certificate (refused while an SSL binding uses it)" },
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
		o->root = optarg;
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
	if (argc - optind != c->npos)
		return rs_err_set(e, RS_E_USAGE,
		    "%s takes %s; usage: certstore %s %s", c->name,
		    c->npos == 0 ? "no arguments" : "one argument", c->name,
		    c->args);
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
main(int argc, char **argv)
{
	struct opts	o;
	struct rs_err	e;
	int		i = 1;

	log_init("certstore");
	memset(&o, 0, sizeof(o));
	rs_err_clear(&e);
	while (i < argc && str_has_prefix(argv[i], "--root")) {
		if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
			o.root = argv[i + 1];
			i += 2;
		} else if (str_has_prefix(argv[i], "--root=")) {
			o.root = argv[i++] + 7;
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
	if (run(argc - i, argv + i, &o, &e) == -1) {
		wipe_pw(&o);
		log_error("%s", e.msg);
		return rs_err_exit_status(e.code);
	}
	return 0;
}
