/*
 * ca.c: the local CA commands of certstore: new-ca makes a root CA (its
 * certificate in Root, its key in My, root's alone), issue makes a TLS
 * server certificate from it, and trust puts Root certificates where the
 * machine's clients look (trust/trust.h: the system store and an NSS
 * database) or takes them out.
 */
#include "certcmd/certcmd_int.h"
#include "common/log.h"
#include "common/root.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "trust/trust.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
cc_new_ca(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_new	nw;
	struct certstore_info	in;
	struct buf		b;
	char			thumb[CERTSTORE_THUMB_LEN + 1], t[40];

	(void)argc;
	(void)argv;
	if (cc_fill_new(o, &nw, e) == -1)
		return -1;
	nw.ca_name = o->name;
	if (certstore_new_ca(cs, &nw, thumb, e) == -1 ||
	    certstore_get(cs, CERTSTORE_ROOT, thumb, &in, e) == -1)
		return -1;
	cc_fmt_time(in.not_after, t, sizeof(t));
	printf("created the CA %s (%s, valid until %s): its certificate is "
	    "in Root, its key in My (root's alone)\n", in.subject, in.key_type,
	    t);
	certstore_info_fini(&in);
	buf_init(&b, 0);
	cc_root_opt(&b, o);
	printf("Issue a server certificate from it:\n"
	    "  certstore %sissue --ca %.8s --dns localhost --dns \"$(hostname)\"\n"
	    "Trust it on this machine (programs and browsers):\n"
	    "  certstore %strust %.8s\n", b.data, thumb, b.data, thumb);
	buf_fini(&b);
	printf("%s\n", thumb);
	return 0;
}

int
cc_issue(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_new	nw;
	struct certstore_info	in;
	char			ca[CERTSTORE_THUMB_LEN + 1];
	char			thumb[CERTSTORE_THUMB_LEN + 1], t[40];

	(void)argc;
	(void)argv;
	if (o->ca == NULL)
		return rs_err_set(e, RS_E_USAGE, "issue needs --ca THUMBPRINT "
		    "(a CA of My; 'certstore list --store Root' shows them)");
	if (cc_fill_new(o, &nw, e) == -1 ||
	    certstore_resolve(cs, CERTSTORE_MY, o->ca, ca, e) == -1 ||
	    certstore_issue(cs, ca, &nw, thumb, e) == -1 ||
	    certstore_get(cs, CERTSTORE_MY, thumb, &in, e) == -1)
		return -1;
	cc_fmt_time(in.not_after, t, sizeof(t));
	printf("issued %s in My by %s (%s, valid until %s)\n", in.subject,
	    in.issuer, in.key_type, t);
	certstore_info_fini(&in);
	printf("%s\n", thumb);
	return 0;
}

/* A line of certstore trust: warnings to stderr, the rest to stdout. */
static void
say_line(void *arg, const char *line)
{
	(void)arg;
	if (str_has_prefix(line, "warning: "))
		log_warn("%s", line + strlen("warning: "));
	else
		printf("%s\n", line);
}

/* The anchors to trust: thumb, or every certificate of Root. */
static int
load_anchors(struct certstore *cs, const char *thumb,
    struct certstore_info **v, size_t *n, char ***pem,
    struct trust_anchor **a, struct rs_err *e)
{
	size_t	i, len;

	*v = NULL;
	*n = 0;
	if (thumb == NULL) {
		if (certstore_list(cs, CERTSTORE_ROOT, v, n, e) == -1)
			return -1;
		if (*n == 0)
			return rs_err_set(e, RS_E_NOTFOUND, "the Root store is "
			    "empty: nothing to trust; make a CA with "
			    "'certstore new-ca --name \"Local CA\"'");
	} else {
		*v = xcalloc(1, sizeof(**v));
		if (certstore_get(cs, CERTSTORE_ROOT, thumb, *v, e) == -1)
			return free(*v), *v = NULL, -1;
		*n = 1;
	}
	*pem = xcalloc(*n, sizeof(**pem));
	*a = xcalloc(*n, sizeof(**a));
	for (i = 0; i < *n; i++) {
		if (certstore_export_cert(cs, CERTSTORE_ROOT, (*v)[i].thumbprint,
		    false, &(*pem)[i], &len, e) == -1)
			return -1;
		(*a)[i] = (struct trust_anchor){ (*v)[i].thumbprint,
		    (*v)[i].subject, (*pem)[i], len, (*v)[i].is_ca };
	}
	return 0;
}

static int
trust_where(struct opts *o, struct trust_opts *to, char *nss, size_t sz,
    struct rs_err *e)
{
	const char	*home = getenv("HOME");
	struct passwd	*pw;
	bool		 both = !o->system_only && !o->nss_only;

	memset(to, 0, sizeof(*to));
	to->dry_run = o->dry_run;
	if (both || o->system_only)
		to->system_dir = o->system_dir != NULL ? o->system_dir :
		    TRUST_SYSTEM_DIR;
	if (!both && !o->nss_only)
		return 0;
	if (o->nssdb != NULL)
		return str_copy(nss, sz, o->nssdb) == -1 ? rs_err_set(e,
		    RS_E_USAGE, "--nssdb path too long") : (to->nssdb = nss, 0);
	if ((home == NULL || home[0] == '\0') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || snprintf(nss, sz, "%s/%s", home,
	    TRUST_NSSDB_HOME) >= (int)sz)
		return rs_err_set(e, RS_E_USAGE, "no home folder for the NSS "
		    "database; give --nssdb DIR");
	to->nssdb = nss;
	return 0;
}

int
cc_trust(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_info	*v = NULL;
	struct trust_anchor	*a = NULL;
	struct trust_opts	 to;
	char			 thumb[65], nss[RS_PATH_MAX];
	char			**pem = NULL;
	const char		*one[1];
	size_t			 n = 0, i;
	int			 rv = -1;

	if (trust_where(o, &to, nss, sizeof(nss), e) == -1)
		return -1;
	if (argc > 0 && certstore_resolve(cs, CERTSTORE_ROOT, argv[0], thumb,
	    e) == -1) {
		/* What is no longer in Root can still be taken out. */
		if (!o->remove || e->code != RS_E_NOTFOUND ||
		    certstore_thumb_normalize(argv[0], thumb, NULL) !=
		    CERTSTORE_THUMB_LEN)
			return -1;
	}
	one[0] = thumb;
	if (o->remove)
		return trust_remove(&to, one, argc > 0 ? 1 : 0, say_line, NULL,
		    e);
	if (load_anchors(cs, argc > 0 ? thumb : NULL, &v, &n, &pem, &a,
	    e) == 0)
		rv = trust_add(&to, a, n, say_line, NULL, e);
	for (i = 0; pem != NULL && i < n; i++)
		free(pem[i]);
	free(pem);
	free(a);
	certstore_list_free(v, n);
	return rv;
}

/*
 * The SSL bindings of the binding store that use store/thumb: their
 * endpoints into names, and the httpcfg commands that delete them into
 * cmds ("httpcfg delete sslcert ipport=0.0.0.0:8443").
 */