/*
 * cmds.c: the certstore commands that make, import, export and remove
 * certificates.  Passwords come from --password-file or stdin and are
 * wiped after use.  remove refuses a certificate an SSL binding uses
 * (naming the httpcfg commands that delete them), and after a forced
 * removal tells httpsvc, which answers once no binding serves it.
 */
#include "binding/binding.h"
#include "certcmd/certcmd_int.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/root.h"
#include "common/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
strip_newline(char *s, size_t *len)
{
	if (*len > 0 && s[*len - 1] == '\n')
		s[--*len] = '\0';
	if (*len > 0 && s[*len - 1] == '\r')
		s[--*len] = '\0';
}

/* Reads the password from --password-file or stdin; wiped by cc_wipe_pw. */
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

void
cc_wipe_pw(struct opts *o)
{
	if (o->password != NULL)
		fs_free_secret(o->password, o->password_len + 1);
	o->password = NULL;
	o->password_len = 0;
}

int
cc_fill_new(struct opts *o, struct certstore_new *nw, struct rs_err *e)
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

int
cc_new_self_signed(struct certstore *cs, struct opts *o, int argc,
    char **argv, struct rs_err *e)
{
	struct certstore_new	nw;
	struct certstore_info	in;
	char			thumb[CERTSTORE_THUMB_LEN + 1], t[40];

	(void)argc;
	(void)argv;
	if (cc_fill_new(o, &nw, e) == -1 ||
	    certstore_new_self_signed(cs, &nw, thumb, e) == -1)
		return -1;
	if (certstore_get(cs, o->store, thumb, &in, e) == -1)
		return -1;
	cc_fmt_time(in.not_after, t, sizeof(t));
	printf("created %s in %s (%s, valid until %s)\n", in.subject,
	    in.store, in.key_type, t);
	certstore_info_fini(&in);
	printf("%s\n", thumb);
	return 0;
}

int
cc_request(struct certstore *cs, struct opts *o, int argc, char **argv,
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
	if (cc_fill_new(o, &nw, e) == -1 ||
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

/*
 * Says why what was just put into My cannot serve TLS, if it cannot;
 * known problems (already warned about) are left out.
 */
static void
warn_cannot_serve(struct certstore *cs, const char *thumb, const char *name,
    unsigned known)
{
	struct certstore_info	in;
	struct buf		b;
	struct rs_err		e;

	if (certstore_get(cs, CERTSTORE_MY, thumb, &in, &e) == -1)
		return;
	if ((in.problems & ~known) != 0) {
		buf_init(&b, 0);
		cc_bits_text(&b, in.problems & ~known, certstore_problem_text,
		    "; ");
		log_warn("%s: %s is stored, but it cannot serve TLS here (%s): "
		    "%s", name, thumb, in.key_type, b.data);
		buf_fini(&b);
	}
	certstore_info_fini(&in);
}

int
cc_import(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_import_opts	 io;
	struct certstore_import_result	 r;
	char				*data;
	size_t				 len = 0, i;
	uint64_t			 iter = 0;
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
	if (o->max_iter != NULL && str_parse_uint(o->max_iter, 1, UINT32_MAX,
	    &iter, "--max-iterations", e) == -1) {
		cc_wipe_pw(o);
		fs_free_secret(data, len);
		return -1;
	}
	io.max_iterations = (unsigned long)iter;
	rv = certstore_import(cs, data, len, argv[0], &io, &r, e);
	cc_wipe_pw(o);
	fs_free_secret(data, len);
	if (rv == -1)
		return -1;
	print_import_warnings(&r, argv[0]);
	if (strcmp(r.store, CERTSTORE_MY) == 0)
		warn_cannot_serve(cs, r.thumbprint, argv[0],
		    (r.warnings & CERTSTORE_W_EXPIRED) != 0 ?
		    CERTSTORE_P_EXPIRED : 0);
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

int
cc_export(struct certstore *cs, struct opts *o, int argc, char **argv,
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
		cc_wipe_pw(o);
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
bindings_using(struct opts *o, const char *store, const char *thumb,
    struct buf *names, struct buf *cmds, size_t *n, struct rs_err *e)
{
	struct binding_store	*bs;
	struct binding_ssl	*v = NULL;
	char			 db[RS_PATH_MAX];
	size_t			 nv = 0, i;

	*n = 0;
	if (rs_root_path(o->root, "http/bindings.db", db, sizeof(db), e) == -1)
		return -1;
	if (!fs_exists(db))
		return 0;
	if ((bs = binding_store_open(o->root, e)) == NULL)
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
		buf_printf(cmds, NULL, "%s'httpcfg delete sslcert %s=%s'",
		    *n > 0 ? ", " : "", v[i].kind == BINDING_IPPORT ? "ipport" :
		    "hostnameport", v[i].endpoint);
		++*n;
	}
	binding_ssl_list_free(v, nv);
	binding_store_close(bs);
	return 0;
}

/*
 * After a forced removal: httpsvc polls the store every second, so it is
 * told at once (RELOAD) and answers when the bindings no longer serve the
 * certificate; the next handshake after this returns cannot get it.
 */
static void
tell_httpsvc(const char *root)
{
	struct rs_err	e;

	switch (binding_notify_reload(root, &e)) {
	case 1:
		printf("httpsvc reloaded: those bindings no longer serve it\n");
		break;
	case 0:
		break;		/* not running: nothing serves it */
	default:
		log_warn("could not tell httpsvc (%s); it stops serving the "
		    "certificate within a second", e.msg);
	}
}

int
cc_remove(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	char		 thumb[CERTSTORE_THUMB_LEN + 1];
	const char	*store;
	struct buf	 names, cmds;
	size_t		 n = 0;
	int		 rv = -1;

	(void)argc;
	if ((store = certstore_store_name(o->store, e)) == NULL ||
	    certstore_resolve(cs, store, argv[0], thumb, e) == -1)
		return -1;
	buf_init(&names, 0);
	buf_init(&cmds, 0);
	if (bindings_using(o, store, thumb, &names, &cmds, &n, e) == -1)
		goto out;
	if (n > 0 && !o->force) {
		rs_err_set(e, RS_E_BUSY, "cannot remove %s from %s: it is used "
		    "by %zu SSL binding%s (%s); delete %s with %s, or add "
		    "--force", thumb, store, n, n == 1 ? "" : "s", names.data,
		    n == 1 ? "it" : "them", cmds.data);
		goto out;
	}
	if (certstore_remove(cs, store, thumb, e) == -1)
		goto out;
	if (n > 0)
		log_warn("%s was used by %s; those bindings now name a missing "
		    "certificate", thumb, names.data);
	printf("removed %s from %s\n", thumb, store);
	if (n > 0)
		tell_httpsvc(o->root);
	rv = 0;
out:
	buf_fini(&cmds);
	buf_fini(&names);
	return rv;
}
