/*
 * check.c: "httpsvc -t", the configuration test.  It checks the state
 * root the way a start would use it, without listening: the limits file,
 * every binding (certificate in the store, usable for TLS, key file mode
 * and owner, key matches certificate, expiry), and every URL reservation
 * (parses, its user exists).  Problems go to stderr, one line each; the
 * exit status is 0 with "configuration OK", else 78 (EX_CONFIG).
 */
#include "httpsvc/httpsvc.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

static void
check_binding(struct certstore *cs, const struct binding_ssl *b,
    int *problems)
{
	struct certstore_info	ci;
	struct rs_err		e;
	char			crt[RS_PATH_MAX], key[RS_PATH_MAX];
	const char		*store = b->store[0] ? b->store : CERTSTORE_MY;

	if (certstore_get(cs, store, b->certhash, &ci, &e) == -1) {
		log_error("binding %s: %s", b->endpoint, e.msg);
		(*problems)++;
		return;
	}
	for (unsigned bit = 1; bit <= CERTSTORE_P_ALL; bit <<= 1)
		if (ci.problems & bit) {
			log_error("binding %s: certificate %s: %s", b->endpoint,
			    b->certhash, certstore_problem_text(bit));
			(*problems)++;
		}
	if (ci.days_left < HTTPSVC_EXPIRY_WARN_DAYS && ci.days_left >= 0)
		log_warn("binding %s: certificate %s expires in %ld days",
		    b->endpoint, b->certhash, ci.days_left);
	certstore_info_fini(&ci);
	if (certstore_paths(cs, store, b->certhash, crt, sizeof(crt), key,
	    sizeof(key), &e) == -1 || tls_pair_check(crt, key, &e) == -1) {
		log_error("binding %s: %s", b->endpoint, e.msg);
		(*problems)++;
	}
}

static void
check_acls(struct binding_store *bs, int *problems)
{
	struct binding_urlacl	*acl = NULL;
	struct urlres_prefix	 p;
	struct rs_err		 e;
	size_t			 n = 0;

	if (binding_urlacl_list(bs, &acl, &n, &e) == -1) {
		log_error("%s", e.msg);
		(*problems)++;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (urlres_parse(acl[i].url, &p, &e) == -1) {
			log_error("URL reservation %s: %s", acl[i].url, e.msg);
			(*problems)++;
		}
		if (getpwnam(acl[i].user) == NULL)
			log_warn("URL reservation %s: user %s does not exist; "
			    "only root can register it", acl[i].url,
			    acl[i].user);
	}
	free(acl);
}

static void
check_store(const char *root, int *problems)
{
	struct binding_store	*bs;
	struct certstore	*cs;
	struct binding_ssl	*b = NULL;
	struct rs_err		 e;
	size_t			 n = 0;

	bs = binding_store_open(root, &e);
	cs = bs != NULL ? certstore_open(root, &e) : NULL;
	if (cs == NULL) {
		log_error("%s", e.msg);
		(*problems)++;
		binding_store_close(bs);
		return;
	}
	if (binding_ssl_list(bs, &b, &n, &e) == -1) {
		log_error("%s", e.msg);
		(*problems)++;
	}
	for (size_t i = 0; i < n; i++)
		check_binding(cs, &b[i], problems);
	binding_ssl_list_free(b, n);
	check_acls(bs, problems);
	certstore_close(cs);
	binding_store_close(bs);
}

int
svc_check(const char *root, bool verbose)
{
	struct svc_limits	lim;
	struct rs_err		e;
	char			conf[RS_PATH_MAX];
	int			problems = 0;

	(void)verbose;
	svc_limits_default(&lim);
	if (rs_root_path(root, "http/httpsvc.conf", conf, sizeof(conf),
	    &e) == -1 || svc_config_load(conf, &lim, &e) == -1) {
		/* One line per bad directive. */
		for (char *l = e.msg, *nl; l != NULL; l = nl) {
			nl = strchr(l, '\n');
			if (nl != NULL)
				*nl++ = '\0';
			log_error("%s", l);
			problems++;
		}
	}
	check_store(root, &problems);
	if (problems > 0) {
		fprintf(stderr, "httpsvc: configuration has %d problem%s\n",
		    problems, problems == 1 ? "" : "s");
		return rs_err_exit_status(RS_E_CONFIG);
	}
	printf("configuration OK\n");
	return 0;
}
