/*
 * httpcfg.c: the HttpCfg.exe / "netsh http" of this system: add, update,
 * delete and show SSL certificate bindings and URL ACLs in the binding
 * store, and show httpsvc's state.  The grammar is netsh's (verb, object,
 * key=value parameters, keys in any case) because administrators know it;
 * every show also takes --json.  Failures print netsh's shape ("SSL
 * Certificate add failed, Error: 183", the Windows sentence) followed by
 * our own sentence that names the parameter and the reason.  After a
 * successful change httpsvc is asked to reload, when it runs.
 *
 * This file is argument parsing and output only; the work is done by the
 * binding, urlres and certstore modules.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "binding/binding.h"
#include "certstore/certstore.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/root.h"
#include "common/str.h"
#include "urlres/urlres.h"

#define PARAMS_MAX	16
#define LABEL_WIDTH	29	/* netsh aligns "Label   : value" like this */
#define WIN32_LOGON	1312	/* ERROR_NO_SUCH_LOGON_SESSION: unusable cert */

struct param {
	const char	*key;	/* as typed */
	const char	*val;
};

struct ctx;
typedef int cmd_fn(struct ctx *, struct rs_err *);

struct cmd {
	const char	*verb;
	const char	*object;
	const char	*keys;		/* allowed keys, space separated */
	const char	*failed;	/* netsh's failure line */
	cmd_fn		*run;
	const char	*usage;
};

struct ctx {
	char			 root[RS_PATH_MAX];
	bool			 json;
	const struct cmd	*cmd;
	struct param		 params[PARAMS_MAX];
	size_t			 n_params;
	int			 win32;	/* overrides the code of the error */
};

static cmd_fn add_sslcert, update_sslcert, delete_sslcert, show_sslcert;
static cmd_fn add_urlacl, delete_urlacl, show_urlacl, show_servicestate;

static const struct cmd cmds[] = {
	{ "add", "sslcert", "ipport hostnameport ccs scopedccs certhash appid "
	    "certstorename clientcertnegotiation", "SSL Certificate add failed", add_sslcert,
	    "add sslcert ipport=IP:PORT|hostnameport=NAME:PORT "
	    "certhash=THUMBPRINT appid={GUID} [certstorename=My]" },
	{ "update", "sslcert", "ipport hostnameport ccs scopedccs certhash "
	    "appid certstorename clientcertnegotiation", "SSL Certificate update "
	    "failed", update_sslcert,
	    "update sslcert ipport=IP:PORT|hostnameport=NAME:PORT "
	    "certhash=THUMBPRINT appid={GUID} [certstorename=My]" },
	{ "delete", "sslcert", "ipport hostnameport ccs scopedccs", "SSL Certificate delete "
	    "failed", delete_sslcert,
	    "delete sslcert ipport=IP:PORT|hostnameport=NAME:PORT" },
	{ "show", "sslcert", "ipport hostnameport ccs scopedccs", "SSL Certificate show "
	    "failed", show_sslcert,
	    "show sslcert [ipport=IP:PORT|hostnameport=NAME:PORT] [--json]" },
	{ "add", "urlacl", "url user listen delegate sddl", "Url reservation "
	    "add failed", add_urlacl, "add urlacl url=PREFIX user=NAME" },
	{ "delete", "urlacl", "url", "Url reservation delete failed",
	    delete_urlacl, "delete urlacl url=PREFIX" },
	{ "show", "urlacl", "url", "Url reservation show failed", show_urlacl,
	    "show urlacl [url=PREFIX] [--json]" },
	{ "show", "servicestate", "view verbose", "Service state show failed",
	    show_servicestate, "show servicestate [--json]" },
};

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: httpcfg [--root DIR] [--json] COMMAND\n"
	    "commands (netsh http grammar; keys in any case):\n");
	for (i = 0; i < nitems(cmds); i++)
		fprintf(f, "  httpcfg %s\n", cmds[i].usage);
	fprintf(f, "The state root is --root, else $RS_ROOT, else %s.\n"
	    "See docs/httpcfg.md.\n", RS_ROOT_DEFAULT);
}

/* ---- parameters ---- */

static const char *
param(const struct ctx *c, const char *key)
{
	for (size_t i = 0; i < c->n_params; i++)
		if (strcasecmp(c->params[i].key, key) == 0)
			return c->params[i].val;
	return NULL;
}

static bool
key_allowed(const char *keys, const char *key)
{
	size_t	klen = strlen(key);

	for (const char *s = keys; *s != '\0';) {
		size_t n = strcspn(s, " ");

		if (n == klen && strncasecmp(s, key, n) == 0)
			return true;
		s += n;
		s += strspn(s, " ");
	}
	return false;
}

static int
parse_params(struct ctx *c, char **argv, int argc, struct rs_err *e)
{
	char	*eq;

	for (int i = 0; i < argc; i++) {
		eq = strchr(argv[i], '=');
		if (eq == NULL || eq == argv[i])
			return rs_err_set(e, RS_E_USAGE, "parameter '%s' is not "
			    "key=value; usage: httpcfg %s", argv[i],
			    c->cmd->usage);
		*eq = '\0';
		if (!key_allowed(c->cmd->keys, argv[i]))
			return rs_err_set(e, RS_E_USAGE, "%s: unknown parameter "
			    "for '%s %s'; usage: httpcfg %s", argv[i],
			    c->cmd->verb, c->cmd->object, c->cmd->usage);
		if (param(c, argv[i]) != NULL)
			return rs_err_set(e, RS_E_USAGE, "%s: given twice",
			    argv[i]);
		if (c->n_params == PARAMS_MAX)
			return rs_err_set(e, RS_E_USAGE, "too many parameters");
		c->params[c->n_params].key = argv[i];
		c->params[c->n_params++].val = eq + 1;
	}
	return 0;
}

static const char *
required(const struct ctx *c, const char *key, struct rs_err *e)
{
	const char	*v = param(c, key);

	if (v == NULL || v[0] == '\0')
		rs_err_set(e, RS_E_USAGE, "%s: required parameter is missing; "
		    "usage: httpcfg %s", key, c->cmd->usage);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/*
 * The endpoint from ipport= or hostnameport=.  With optional, neither is
 * fine (*kind untouched, out empty).
 */
static int
endpoint_param(const struct ctx *c, bool optional, enum binding_kind *kind,
    char out[BINDING_ENDPOINT_MAX], struct rs_err *e)
{
	const char	*ip = param(c, "ipport"), *hn = param(c, "hostnameport");

	out[0] = '\0';
	if (param(c, "ccs") != NULL || param(c, "scopedccs") != NULL)
		return rs_err_set(e, RS_E_USAGE, "%s: the Central Certificate "
		    "Store is not supported here; bind a certificate from the "
		    "store with ipport= or hostnameport=",
		    param(c, "ccs") != NULL ? "ccs" : "scopedccs");
	if (ip != NULL && hn != NULL)
		return rs_err_set(e, RS_E_USAGE, "ipport, hostnameport: give one "
		    "of them, not both");
	if (ip == NULL && hn == NULL) {
		if (optional)
			return 0;
		return rs_err_set(e, RS_E_USAGE, "ipport: required parameter is "
		    "missing (or hostnameport=); usage: httpcfg %s",
		    c->cmd->usage);
	}
	*kind = ip != NULL ? BINDING_IPPORT : BINDING_HOSTNAMEPORT;
	if (binding_endpoint_parse(ip != NULL ? ip : hn, *kind, out, e) == -1) {
		rs_err_prefix(e, "%s", ip != NULL ? "ipport" : "hostnameport");
		return -1;
	}
	return 0;
}

/* ---- output helpers ---- */

static void
field(const char *label, const char *value)
{
	printf("    %-*s: %s\n", LABEL_WIDTH, label, value);
}

static void
iso_time(time_t t, char out[32])
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		str_copy(out, 32, "?");
}

static void
json_kv(struct buf *b, const char *k, const char *v, bool comma)
{
	buf_json_str(b, k, NULL);
	buf_puts(b, ":", NULL);
	if (v != NULL)
		buf_json_str(b, v, NULL);
	else
		buf_puts(b, "null", NULL);
	if (comma)
		buf_puts(b, ",", NULL);
}

static void
emit(struct buf *b)
{
	fwrite(b->data != NULL ? b->data : "", 1, b->len, stdout);
	putchar('\n');
	buf_fini(b);
}

static void
notify(const struct ctx *c)
{
	struct rs_err	e;

	rs_err_clear(&e);
	if (binding_notify_reload(c->root, &e) == -1)
		fprintf(stderr, "warning: the change is saved, but %s\n", e.msg);
}

/* ---- sslcert ---- */

/* Resolves certhash= in store to a thumbprint of a usable certificate. */
static int
check_cert(struct ctx *c, const char *store_in, const char *hash_in,
    char store[BINDING_STORE_NAME_MAX], char thumb[41], struct rs_err *e)
{
	struct certstore	*cs;
	struct certstore_info	 in;
	const char		*name;
	int			 rv = -1;

	name = certstore_store_name(store_in, e);
	if (name == NULL) {
		rs_err_prefix(e, "certstorename");
		return -1;
	}
	str_copy(store, BINDING_STORE_NAME_MAX, name);
	cs = certstore_open(c->root, e);
	if (cs == NULL)
		return -1;
	if (certstore_resolve(cs, name, hash_in, thumb, e) == -1) {
		if (e->code == RS_E_NOTFOUND)
			c->win32 = WIN32_LOGON;
		rs_err_prefix(e, "certhash");
		goto out;
	}
	if (certstore_get(cs, name, thumb, &in, e) == -1)
		goto out;
	if (!in.has_key) {
		c->win32 = WIN32_LOGON;
		rs_err_set(e, RS_E_BADINPUT, "certhash: certificate %s in store "
		    "%s has no private key; import it with its key (a PFX) "
		    "using 'certstore import FILE --password-file F'", thumb,
		    name);
	} else
		rv = 0;
	for (unsigned bit = 1; rv == 0 && bit <= CERTSTORE_P_ALL; bit <<= 1)
		if ((in.problems & bit) != 0)
			fprintf(stderr, "warning: certificate %s: %s\n", thumb,
			    certstore_problem_text(bit));
	certstore_info_fini(&in);
out:
	certstore_close(cs);
	return rv;
}

static int
client_cert_param(const struct ctx *c, struct rs_err *e)
{
	const char	*v = param(c, "clientcertnegotiation");

	if (v == NULL || strcasecmp(v, "disable") == 0)
		return 0;
	return rs_err_set(e, RS_E_USAGE, "clientcertnegotiation: client "
	    "certificates are not supported; httpsvc never requests one "
	    "(use disable, the default)");
}

/* Builds a binding from the parameters of add/update sslcert. */
static int
binding_from_params(struct ctx *c, struct binding_ssl *b, struct rs_err *e)
{
	const char	*hash, *appid;

	memset(b, 0, sizeof(*b));
	if (endpoint_param(c, false, &b->kind, b->endpoint, e) == -1)
		return -1;
	hash = required(c, "certhash", e);
	if (hash == NULL)
		return -1;
	appid = required(c, "appid", e);
	if (appid == NULL)
		return -1;
	if (binding_appid_parse(appid, b->appid, e) == -1) {
		rs_err_prefix(e, "appid");
		return -1;
	}
	if (client_cert_param(c, e) == -1)
		return -1;
	return check_cert(c, param(c, "certstorename"), hash, b->store,
	    b->certhash, e);
}

static int
change_sslcert(struct ctx *c, bool update, struct rs_err *e)
{
	struct binding_store	*bs;
	struct binding_ssl	 b;
	int			 rc;

	if (binding_from_params(c, &b, e) == -1)
		return -1;
	bs = binding_store_open(c->root, e);
	if (bs == NULL)
		return -1;
	rc = update ? binding_ssl_update(bs, &b, e) : binding_ssl_add(bs, &b, e);
	binding_store_close(bs);
	if (rc == -1)
		return -1;
	printf("\nSSL Certificate successfully %s\n\n", update ? "updated" :
	    "added");
	notify(c);
	return 0;
}

static int
add_sslcert(struct ctx *c, struct rs_err *e)
{
	return change_sslcert(c, false, e);
}

static int
update_sslcert(struct ctx *c, struct rs_err *e)
{
	return change_sslcert(c, true, e);
}

static int
delete_sslcert(struct ctx *c, struct rs_err *e)
{
	struct binding_store	*bs;
	enum binding_kind	 kind;
	char			 ep[BINDING_ENDPOINT_MAX];
	int			 rc;

	if (endpoint_param(c, false, &kind, ep, e) == -1)
		return -1;
	bs = binding_store_open(c->root, e);
	if (bs == NULL)
		return -1;
	rc = binding_ssl_del(bs, ep, e);
	binding_store_close(bs);
	if (rc == -1)
		return -1;
	printf("\nSSL Certificate successfully deleted\n\n");
	notify(c);
	return 0;
}

/* What the certificate store says about a bound certificate. */
enum certview_state {
	CV_UNKNOWN,	/* the store could not be read (why says it) */
	CV_PRESENT,	/* info is filled */
	CV_MISSING	/* an orphan binding */
};
struct certview {
	enum certview_state	state;
	struct certstore_info	info;
	char			why[256];
};

static void
look_up_certs(const struct ctx *c, const struct binding_ssl *v, size_t n,
    struct certview *cv)
{
	struct certstore	*cs;
	struct rs_err		 e;

	rs_err_clear(&e);
	cs = certstore_open(c->root, &e);
	for (size_t i = 0; i < n; i++) {
		if (cs != NULL && certstore_get(cs, v[i].store, v[i].certhash,
		    &cv[i].info, &e) == 0)
			cv[i].state = CV_PRESENT;
		else if (cs != NULL && e.code == RS_E_NOTFOUND)
			cv[i].state = CV_MISSING;
		else
			snprintf(cv[i].why, sizeof(cv[i].why), "cannot read the "
			    "certificate store: %.200s", e.msg);
	}
	certstore_close(cs);
}

static void
problems_text(unsigned problems, char *out, size_t outsz)
{
	out[0] = '\0';
	for (unsigned bit = 1; bit <= CERTSTORE_P_ALL; bit <<= 1)
		if ((problems & bit) != 0) {
			if (out[0] != '\0')
				str_append(out, outsz, ", ");
			str_append(out, outsz, certstore_problem_text(bit));
		}
}

static void
problems_json(struct buf *j, unsigned problems)
{
	bool	first = true;

	buf_puts(j, "\"problems\":[", NULL);
	for (unsigned bit = 1; bit <= CERTSTORE_P_ALL; bit <<= 1)
		if ((problems & bit) != 0) {
			buf_puts(j, first ? "" : ",", NULL);
			buf_json_str(j, certstore_problem_text(bit), NULL);
			first = false;
		}
	buf_puts(j, "],", NULL);
}

static void
print_binding(const struct binding_ssl *b, const struct certview *cv)
{
	char	line[1024], t[32];
	size_t	i;

	field(b->kind == BINDING_IPPORT ? "IP:port" : "Hostname:port",
	    b->endpoint);
	field("Certificate Hash", b->certhash);
	field("Application ID", b->appid);
	field("Certificate Store Name", b->store);
	line[0] = '\0';
	for (i = 0; i < b->n_owners; i++) {
		if (i > 0)
			str_append(line, sizeof(line), ", ");
		str_append(line, sizeof(line), b->owners[i]);
	}
	field("Owners", line);
	if (cv->state == CV_MISSING) {
		snprintf(line, sizeof(line), "MISSING from store %s (orphan "
		    "binding; remove it with: httpcfg delete sslcert %s=%s)",
		    b->store, b->kind == BINDING_IPPORT ? "ipport" :
		    "hostnameport", b->endpoint);
	} else if (cv->state == CV_UNKNOWN) {
		snprintf(line, sizeof(line), "unknown (%s)", cv->why);
	} else {
		char p[512];

		iso_time(cv->info.not_after, t);
		problems_text(cv->info.problems, p, sizeof(p));
		snprintf(line, sizeof(line), "%s, expires %s (%ld days)%s%s",
		    cv->info.subject, t, cv->info.days_left,
		    p[0] != '\0' ? "; PROBLEM: " : "", p);
	}
	field("Certificate", line);
	iso_time(b->created, t);
	field("Created", t);
	field("Negotiate Client Certificate", "Disabled");
	putchar('\n');
}

static void
json_binding(struct buf *j, const struct binding_ssl *b,
    const struct certview *cv)
{
	char	t[32];

	buf_puts(j, "{", NULL);
	json_kv(j, "kind", b->kind == BINDING_IPPORT ? "ipport" :
	    "hostnameport", true);
	json_kv(j, "endpoint", b->endpoint, true);
	json_kv(j, "certhash", b->certhash, true);
	json_kv(j, "appid", b->appid, true);
	json_kv(j, "certstorename", b->store, true);
	buf_puts(j, "\"owners\":[", NULL);
	for (size_t i = 0; i < b->n_owners; i++) {
		buf_json_str(j, b->owners[i], NULL);
		buf_puts(j, i + 1 < b->n_owners ? "," : "", NULL);
	}
	buf_puts(j, "],", NULL);
	json_kv(j, "follow_names", b->follow_names, true);
	iso_time(b->created, t);
	json_kv(j, "created", t, true);
	buf_printf(j, NULL, "\"orphan\":%s,", cv->state == CV_PRESENT ?
	    "false" : cv->state == CV_MISSING ? "true" : "null");
	if (cv->state != CV_PRESENT) {
		json_kv(j, "certificate_error", cv->state == CV_MISSING ?
		    "missing from the store" : cv->why, true);
		buf_puts(j, "\"certificate\":null}", NULL);
		return;
	}
	buf_puts(j, "\"certificate\":{", NULL);
	json_kv(j, "subject", cv->info.subject, true);
	iso_time(cv->info.not_after, t);
	json_kv(j, "not_after", t, true);
	problems_json(j, cv->info.problems);
	buf_printf(j, NULL, "\"days_left\":%ld,\"has_key\":%s}}",
	    cv->info.days_left, cv->info.has_key ? "true" : "false");
}

static void
print_bindings(const struct ctx *c, const struct binding_ssl *v, size_t n)
{
	struct certview	*cv = calloc(n + 1, sizeof(*cv));
	struct buf	 j;

	if (cv == NULL)
		abort();
	look_up_certs(c, v, n, cv);
	if (c->json) {
		buf_init(&j, 0);
		buf_puts(&j, "{\"sslcert\":[", NULL);
		for (size_t i = 0; i < n; i++) {
			json_binding(&j, &v[i], &cv[i]);
			buf_puts(&j, i + 1 < n ? "," : "", NULL);
		}
		buf_puts(&j, "]}", NULL);
		emit(&j);
	} else {
		printf("\nSSL Certificate bindings:\n-------------------------\n\n");
		for (size_t i = 0; i < n; i++)
			print_binding(&v[i], &cv[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (cv[i].state == CV_PRESENT)
			certstore_info_fini(&cv[i].info);
	free(cv);
}

static int
show_sslcert(struct ctx *c, struct rs_err *e)
{
	struct binding_store	*bs;
	struct binding_ssl	*v = NULL, one;
	enum binding_kind	 kind;
	char			 ep[BINDING_ENDPOINT_MAX];
	size_t			 n = 0;
	int			 rc;

	if (endpoint_param(c, true, &kind, ep, e) == -1)
		return -1;
	bs = binding_store_open(c->root, e);
	if (bs == NULL)
		return -1;
	if (ep[0] != '\0') {
		rc = binding_ssl_get(bs, ep, &one, e);
		if (rc == 0) {
			v = malloc(sizeof(*v));
			if (v == NULL)
				abort();
			v[0] = one;
			n = 1;
		}
	} else
		rc = binding_ssl_list(bs, &v, &n, e);
	binding_store_close(bs);
	if (rc == -1)
		return -1;
	print_bindings(c, v, n);
	binding_ssl_list_free(v, n);
	return 0;
}

/* ---- urlacl ---- */

static int
yes_no(const struct ctx *c, const char *key, const char *want,
    struct rs_err *e)
{
	const char	*v = param(c, key);

	if (v == NULL || strcasecmp(v, want) == 0)
		return 0;
	return rs_err_set(e, RS_E_USAGE, "%s: only %s=%s is supported (the "
	    "user registers the URL itself)", key, key, want);
}

static int
add_urlacl(struct ctx *c, struct rs_err *e)
{
	struct binding_store	*bs;
	struct urlres_prefix	 p;
	const char		*url, *user;
	char			 canon[URLRES_TEXT_MAX];
	int			 rc;

	if (param(c, "sddl") != NULL)
		return rs_err_set(e, RS_E_USAGE, "sddl: Windows security "
		    "descriptors are not used here; give user=NAME (a Unix user)");
	url = required(c, "url", e);
	if (url == NULL)
		return -1;
	if (urlres_parse(url, &p, e) == -1) {
		rs_err_prefix(e, "url");
		return -1;
	}
	urlres_format(&p, canon, sizeof(canon));
	user = required(c, "user", e);
	if (user == NULL || yes_no(c, "listen", "yes", e) == -1 ||
	    yes_no(c, "delegate", "no", e) == -1)
		return -1;
	if (getpwnam(user) == NULL)
		return rs_err_set(e, RS_E_USAGE, "user: there is no Unix user "
		    "named '%s'; create it (useradd) or name an existing user",
		    user);
	bs = binding_store_open(c->root, e);
	if (bs == NULL)
		return -1;
	rc = binding_urlacl_add(bs, canon, user, e);
	binding_store_close(bs);
	if (rc == -1)
		return -1;
	printf("\nURL reservation successfully added\n\n");
	notify(c);
	return 0;
}

static int
delete_urlacl(struct ctx *c, struct rs_err *e)
{
	struct binding_store	*bs;
	struct urlres_prefix	 p;
	const char		*url;
	int			 rc;

	url = required(c, "url", e);
	if (url == NULL)
		return -1;
	if (urlres_parse(url, &p, e) == -1) {
		rs_err_prefix(e, "url");
		return -1;
	}
	bs = binding_store_open(c->root, e);
	if (bs == NULL)
		return -1;
	rc = binding_urlacl_del(bs, url, e);
	binding_store_close(bs);
	if (rc == -1)
		return -1;
	printf("\nURL reservation successfully deleted\n\n");
	notify(c);
	return 0;
}

static void
print_urlacls(const struct ctx *c, const struct binding_urlacl *v, size_t n)
{
	struct passwd	*pw;
	struct buf	 j;
	char		 t[32];

	if (!c->json)
		printf("\nURL Reservations:\n-----------------\n\n");
	buf_init(&j, 0);
	buf_puts(&j, "{\"urlacl\":[", NULL);
	for (size_t i = 0; i < n; i++) {
		pw = getpwnam(v[i].user);
		iso_time(v[i].created, t);
		if (!c->json) {
			printf("    Reserved URL            : %s\n", v[i].url);
			printf("        User: %s%s\n", v[i].user, pw == NULL ?
			    " (no such Unix user)" : "");
			printf("            Listen: Yes\n            Delegate: "
			    "No\n\n");
			continue;
		}
		buf_puts(&j, "{", NULL);
		json_kv(&j, "url", v[i].url, true);
		json_kv(&j, "user", v[i].user, true);
		if (pw != NULL)
			buf_printf(&j, NULL, "\"uid\":%lu,",
			    (unsigned long)pw->pw_uid);
		else
			buf_puts(&j, "\"uid\":null,", NULL);
		json_kv(&j, "created", t, true);
		buf_puts(&j, "\"listen\":true,\"delegate\":false}", NULL);
		buf_puts(&j, i + 1 < n ? "," : "", NULL);
	}
	buf_puts(&j, "]}", NULL);
	if (c->json)
		emit(&j);
	else
		buf_fini(&j);
}

static int
show_urlacl(struct ctx *c, struct rs_err *e)
{
	struct binding_store	*bs;
	struct binding_urlacl	*v = NULL;
	struct urlres_prefix	 p;
	const char		*url = param(c, "url");
	size_t			 n = 0;
	int			 rc;

	if (url != NULL && urlres_parse(url, &p, e) == -1) {
		rs_err_prefix(e, "url");
		return -1;
	}
	bs = binding_store_open(c->root, e);
	if (bs == NULL)
		return -1;
	if (url != NULL) {
		v = malloc(sizeof(*v));
		if (v == NULL)
			abort();
		rc = binding_urlacl_get(bs, url, v, e);
		n = rc == 0 ? 1 : 0;
	} else
		rc = binding_urlacl_list(bs, &v, &n, e);
	binding_store_close(bs);
	if (rc == 0)
		print_urlacls(c, v, n);
	free(v);
	return rc;
}

/* ---- servicestate ---- */

/* Indents a one-line JSON document for people; strings are kept as is. */
static void
print_json_pretty(const char *s)
{
	int	depth = 0;
	bool	in_str = false;

	for (; *s != '\0'; s++) {
		if (in_str) {
			putchar(*s);
			if (*s == '\\' && s[1] != '\0')
				putchar(*++s);
			else if (*s == '"')
				in_str = false;
			continue;
		}
		switch (*s) {
		case '"':
			in_str = true;
			putchar('"');
			break;
		case '{':
		case '[':
			if (s[1] == (*s == '{' ? '}' : ']')) {
				printf("%c%c", s[0], s[1]);
				s++;
			} else
				printf("%c\n%*s", *s, 2 * ++depth, "");
			break;
		case '}':
		case ']':
			depth = depth > 0 ? depth - 1 : 0;
			printf("\n%*s%c", 2 * depth, "", *s);
			break;
		case ',':
			printf(",\n%*s", 2 * depth, "");
			break;
		case ':':
			printf(": ");
			break;
		default:
			if (*s != ' ')
				putchar(*s);
		}
	}
	putchar('\n');
}

/* Bound certificates that expire within CERTSTORE_SOON_DAYS, as warnings. */
static void
expiry_warnings(const struct ctx *c, struct buf *j)
{
	struct binding_store	*bs;
	struct binding_ssl	*v = NULL;
	struct certview		*cv;
	struct rs_err		 e;
	size_t			 n = 0, k = 0;
	char			 msg[512];

	bs = binding_store_open(c->root, &e);
	if (bs == NULL || binding_ssl_list(bs, &v, &n, &e) == -1)
		n = 0;
	binding_store_close(bs);
	cv = calloc(n + 1, sizeof(*cv));
	if (cv == NULL)
		abort();
	look_up_certs(c, v, n, cv);
	for (size_t i = 0; i < n; i++) {
		if (cv[i].state == CV_UNKNOWN)
			snprintf(msg, sizeof(msg), "binding %s: %s", v[i].endpoint,
			    cv[i].why);
		else if (cv[i].state == CV_MISSING)
			snprintf(msg, sizeof(msg), "binding %s: certificate %s is "
			    "missing from store %s", v[i].endpoint, v[i].certhash,
			    v[i].store);
		else if (cv[i].info.days_left < CERTSTORE_SOON_DAYS)
			snprintf(msg, sizeof(msg), "binding %s: certificate %s %s "
			    "%ld days", v[i].endpoint, v[i].certhash,
			    cv[i].info.days_left < 0 ? "expired" : "expires in",
			    cv[i].info.days_left < 0 ? -cv[i].info.days_left :
			    cv[i].info.days_left);
		else
			continue;
		if (c->json) {
			buf_puts(j, k++ > 0 ? "," : "", NULL);
			buf_json_str(j, msg, NULL);
		} else
			printf("warning: %s\n", msg);
	}
	for (size_t i = 0; i < n; i++)
		if (cv[i].state == CV_PRESENT)
			certstore_info_fini(&cv[i].info);
	free(cv);
	binding_ssl_list_free(v, n);
}

static int
show_servicestate(struct ctx *c, struct rs_err *e)
{
	struct buf	 j;
	char		*ans = NULL;

	if (binding_ctl_call(c->root, "STATE", &ans, e) == -1)
		return -1;
	if (strncmp(ans, "OK ", 3) != 0) {
		rs_err_set(e, RS_E_IO, "httpsvc answered STATE with: %.300s",
		    ans);
		free(ans);
		return -1;
	}
	if (c->json) {
		buf_init(&j, 0);
		buf_printf(&j, NULL, "{\"running\":true,\"state\":%s,"
		    "\"warnings\":[", ans + 3);
		expiry_warnings(c, &j);
		buf_puts(&j, "]}", NULL);
		emit(&j);
	} else {
		printf("\nService state (httpsvc):\n------------------------\n\n");
		print_json_pretty(ans + 3);
		expiry_warnings(c, NULL);
	}
	free(ans);
	return 0;
}

/* ---- main ---- */

static const struct cmd *
find_cmd(const char *verb, const char *object, struct rs_err *e)
{
	bool	verb_ok = false;

	for (size_t i = 0; i < nitems(cmds); i++) {
		if (strcasecmp(cmds[i].verb, verb) != 0)
			continue;
		verb_ok = true;
		if (object != NULL && strcasecmp(cmds[i].object, object) == 0)
			return &cmds[i];
	}
	if (!verb_ok)
		rs_err_set(e, RS_E_USAGE, "unknown command '%s'; the commands "
		    "are add, update, delete and show (httpcfg --help)", verb);
	else if (object == NULL)
		rs_err_set(e, RS_E_USAGE, "%s: name what to %s (sslcert, urlacl"
		    "%s); see httpcfg --help", verb, verb,
		    strcasecmp(verb, "show") == 0 ? " or servicestate" : "");
	else
		rs_err_set(e, RS_E_USAGE, "'%s %s' is not a command; see "
		    "httpcfg --help", verb, object);
	return NULL;
}

static void
print_failure(const struct ctx *c, const struct rs_err *e)
{
	int	code = c->win32 != 0 ? c->win32 : binding_win32_code(e);

	fprintf(stderr, "%s, Error: %d\n%s\n%s\n", c->cmd != NULL ?
	    c->cmd->failed : "httpcfg failed", code, binding_win32_text(code),
	    e->msg);
}

/* Takes --root, --json, --help and --version out of argv. */
static int
take_options(struct ctx *c, int *argcp, char **argv, const char **rootopt,
    struct rs_err *e)
{
	int	i, k = 0;

	for (i = 1; i < *argcp; i++) {
		if (strcmp(argv[i], "--json") == 0)
			c->json = true;
		else if (strcmp(argv[i], "--root") == 0 && i + 1 < *argcp)
			*rootopt = argv[++i];
		else if (strncmp(argv[i], "--root=", 7) == 0)
			*rootopt = argv[i] + 7;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0 ||
		    strcasecmp(argv[i], "help") == 0 || strcmp(argv[i], "?") == 0)
			return 1;
		else if (strcmp(argv[i], "--version") == 0)
			return 2;
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return rs_err_set(e, RS_E_USAGE, "unknown option %s; see "
			    "httpcfg --help", argv[i]);
		else
			argv[k++] = argv[i];
	}
	*argcp = k;
	return 0;
}

int
main(int argc, char **argv)
{
	struct ctx	 c;
	struct rs_err	 e;
	const char	*rootopt = NULL;
	int		 rc;

	memset(&c, 0, sizeof(c));
	rs_err_clear(&e);
	rc = take_options(&c, &argc, argv, &rootopt, &e);
	if (rc == 1 || (rc == 0 && argc == 0)) {
		usage(rc == 1 ? stdout : stderr);
		return rc == 1 ? 0 : rs_err_exit_status(RS_E_USAGE);
	}
	if (rc == 2) {
		printf("httpcfg %s\n", RS_VERSION);
		return 0;
	}
	if (rc == 0)
		c.cmd = find_cmd(argv[0], argc > 1 ? argv[1] : NULL, &e);
	if (c.cmd == NULL ||
	    parse_params(&c, argv + 2, argc - 2, &e) == -1 ||
	    rs_root_resolve(rootopt, c.root, sizeof(c.root), &e) == -1 ||
	    c.cmd->run(&c, &e) == -1) {
		print_failure(&c, &e);
		return rs_err_exit_status(e.code);
	}
	return 0;
}
