/*
 * parse.c: reading rsreportserver.config.  libxml2 parses (no network, no
 * entity expansion, no DOCTYPE accepted); this file walks the tree, checks
 * every value it knows and fills struct rsconf.  The first problem stops
 * the load with FILE:LINE:COLUMN.  libxml2 gives the line of an element;
 * its column is found by looking for the element's tag on that line.
 */
#include "rsconf/rsconf_int.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UPLOAD_DEFAULT	(64u * 1024 * 1024)
#define EXECLOG_DAYS_DEFAULT	60	/* the original's */

/* Column (1-based) of "<name" on line `line` of the source text. */
static int
column_of(const struct pctx *p, int line, const char *name)
{
	const char	*s = p->text, *end = p->text + p->len, *eol, *hit;
	size_t		 nl = strlen(name);

	if (s == NULL)
		return 1;
	for (int l = 1; l < line && s < end; l++) {
		s = memchr(s, '\n', (size_t)(end - s));
		if (s == NULL)
			return 1;
		s++;
	}
	eol = memchr(s, '\n', (size_t)(end - s));
	if (eol == NULL)
		eol = end;
	for (hit = s; hit + nl < eol; hit++)
		if (hit[0] == '<' && memcmp(hit + 1, name, nl) == 0)
			return (int)(hit - s) + 1;
	return 1;
}

int
rsconf_node_err(const struct pctx *p, const xmlNode *n, const char *fmt, ...)
{
	char	msg[300];
	va_list	ap;
	int	line;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	line = n != NULL ? (int)xmlGetLineNo(n) : 1;
	return rs_err_set(p->e, RS_E_CONFIG, "%s:%d:%d: %s", p->name, line,
	    n != NULL ? column_of(p, line, (const char *)n->name) : 1, msg);
}

bool
rsconf_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

xmlNode *
rsconf_child(xmlNode *parent, const char *name)
{
	for (xmlNode *c = parent->children; c != NULL; c = c->next)
		if (rsconf_is(c, name))
			return c;
	return NULL;
}

/* The trimmed text of an element; the caller frees. */
char *
rsconf_text_of(xmlNode *n)
{
	xmlChar	*t = xmlNodeGetContent(n);
	char	*s, *r;

	s = xstrdup(t != NULL ? (const char *)t : "");
	xmlFree(t);
	r = xstrdup(str_trim(s));
	free(s);
	return r;
}

int
rsconf_parse_bool(const struct pctx *p, xmlNode *n, bool *out)
{
	char	*s = rsconf_text_of(n);
	int	 rc = 0;

	if (str_ieq(s, "true"))
		*out = true;
	else if (str_ieq(s, "false"))
		*out = false;
	else
		rc = rsconf_node_err(p, n, "<%s> must be True or False, not "
		    "'%.40s'", n->name, s);
	free(s);
	return rc;
}

static int
parse_num(const struct pctx *p, xmlNode *n, const char *s, uint64_t min,
    uint64_t max, uint64_t *out)
{
	struct rs_err	 e;
	xmlChar		*key = xmlGetProp(n, BAD_CAST "Key");
	int		 rc;

	rc = str_parse_uint(s, min, max, out, key != NULL ? (const char *)key :
	    (const char *)n->name, &e);
	xmlFree(key);
	if (rc == -1)
		return rsconf_node_err(p, n, "%s", e.msg);
	return 0;
}

int
rsconf_elem_num(const struct pctx *p, xmlNode *n, uint64_t min,
    uint64_t max, unsigned *out)
{
	char		*s = rsconf_text_of(n);
	uint64_t	 v;
	int		 rc;

	rc = parse_num(p, n, s, min, max, &v);
	free(s);
	if (rc == 0)
		*out = (unsigned)v;
	return rc;
}

static int
do_add(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	xmlChar		*k = xmlGetProp(n, BAD_CAST "Key");
	xmlChar		*v = xmlGetProp(n, BAD_CAST "Value");
	uint64_t	 num;
	int		 rc = 0;

	if (k == NULL || v == NULL)
		rc = rsconf_node_err(p, n, "<Add> needs both Key and Value "
		    "attributes");
	else if (strcmp((char *)k, "SecureConnectionLevel") == 0) {
		rc = parse_num(p, n, (char *)v, 0, 3, &num);
		c->secure_level = (int)num;
	} else if (strcmp((char *)k, "MaxUploadBytes") == 0) {
		rc = parse_num(p, n, (char *)v, 1024, 1u << 30, &num);
		c->max_upload = (size_t)num;
	} else if (strcmp((char *)k, "ExecutionLogDaysKept") == 0) {
		rc = parse_num(p, n, (char *)v, 0, INT32_MAX, &num);
		c->execlog_days = (unsigned)num;
	} else if (strcmp((char *)k, "DataSourceRoot") == 0) {
		if (v[0] != '/')
			rc = rsconf_node_err(p, n, "DataSourceRoot: '%s' is not "
			    "an absolute folder path", (char *)v);
		else {
			free(c->data_root);
			c->data_root = xstrdup((char *)v);
		}
	}
	xmlFree(k);
	xmlFree(v);
	return rc;
}

/* "http(s)://host:port" with an optional trailing '/'. */
static bool
url_ok(const char *u)
{
	const char	*h, *colon, *end;
	uint64_t	 port;
	char		 num[8];
	size_t		 n;

	if (str_has_iprefix(u, "https://"))
		h = u + 8;
	else if (str_has_iprefix(u, "http://"))
		h = u + 7;
	else
		return false;
	end = h + strlen(h);
	if (end > h && end[-1] == '/')
		end--;
	if (memchr(h, '/', (size_t)(end - h)) != NULL)
		return false;
	colon = h[0] == '[' ? strstr(h, "]:") : strchr(h, ':');
	if (colon == NULL || colon == h)
		return false;
	colon += h[0] == '[' ? 1 : 0;
	n = (size_t)(end - colon - 1);
	if (n == 0 || n >= sizeof(num))
		return false;
	memcpy(num, colon + 1, n);
	num[n] = '\0';
	return str_parse_uint(num, 1, 65535, &port, "port", NULL) == 0;
}

static bool
vdir_ok(const char *v)
{
	if (*v == '\0' || strlen(v) > 64)
		return false;
	for (; *v != '\0'; v++)
		if (!isalnum((unsigned char)*v) && strchr("_.-", *v) == NULL)
			return false;
	return true;
}

static int
need(const struct pctx *p, xmlNode *parent, const char *name, char **out)
{
	xmlNode	*n = rsconf_child(parent, name);

	if (n == NULL)
		return rsconf_node_err(p, parent, "<%s> has no <%s>",
		    parent->name, name);
	*out = rsconf_text_of(n);
	if ((*out)[0] == '\0')
		return rsconf_node_err(p, n, "<%s> is empty", name);
	return 0;
}

static int
do_url(struct rsconf_app *a, const struct pctx *p, xmlNode *n)
{
	struct rsconf_url	*u;
	xmlNode			*an;

	if (a->nurls == RSCONF_URLS_MAX)
		return rsconf_node_err(p, n, "more than %d URLs",
		    RSCONF_URLS_MAX);
	u = &a->urls[a->nurls++];
	if (need(p, n, "UrlString", &u->url) == -1 ||
	    need(p, n, "AccountSid", &u->account_sid) == -1)
		return -1;
	if (!url_ok(u->url))
		return rsconf_node_err(p, rsconf_child(n, "UrlString"),
		    "'%.80s' is not a URL reservation of the form "
		    "http(s)://host:port (without the virtual directory)",
		    u->url);
	an = rsconf_child(n, "AccountName");
	if (an != NULL)
		u->account_name = rsconf_text_of(an);
	return 0;
}

static int
do_app(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	struct rsconf_app	*a;
	xmlNode			*urls;

	if (c->napps == RSCONF_APPS_MAX)
		return rsconf_node_err(p, n, "more than %d applications",
		    RSCONF_APPS_MAX);
	a = &c->apps[c->napps++];
	if (need(p, n, "Name", &a->name) == -1 ||
	    need(p, n, "VirtualDirectory", &a->vdir) == -1)
		return -1;
	if (!vdir_ok(a->vdir))
		return rsconf_node_err(p, rsconf_child(n, "VirtualDirectory"),
		    "'%.80s' is not a valid virtual directory (letters, digits, "
		    "'_', '.', '-')", a->vdir);
	urls = rsconf_child(n, "URLs");
	if (urls == NULL)
		return rsconf_node_err(p, n, "<Application> has no <URLs>");
	for (xmlNode *u = urls->children; u != NULL; u = u->next) {
		if (u->type != XML_ELEMENT_NODE)
			continue;
		if (!rsconf_is(u, "URL"))
			return rsconf_node_err(p, u, "unexpected <%s> in "
			    "<URLs>", u->name);
		if (do_url(a, p, u) == -1)
			return -1;
	}
	return 0;
}

static int
do_urls(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	c->has_urls = true;
	for (xmlNode *a = n->children; a != NULL; a = a->next) {
		if (a->type != XML_ELEMENT_NODE)
			continue;
		if (!rsconf_is(a, "Application"))
			return rsconf_node_err(p, a, "unexpected <%s> in "
			    "<URLReservations>", a->name);
		if (do_app(c, p, a) == -1)
			return -1;
	}
	return 0;
}

static int
do_sources(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	char	*s = rsconf_text_of(n), *w, *save = NULL;
	int	 rc = 0;

	c->src_builtin = c->src_pam = false;
	for (w = strtok_r(s, " ,;\t\n", &save); w != NULL && rc == 0;
	    w = strtok_r(NULL, " ,;\t\n", &save)) {
		if (str_ieq(w, "BuiltIn"))
			c->src_builtin = true;
		else if (str_ieq(w, "PAM"))
			c->src_pam = true;
		else
			rc = rsconf_node_err(p, n, "unknown account source "
			    "'%.40s' (use BuiltIn and/or PAM)", w);
	}
	if (rc == 0 && !c->src_builtin && !c->src_pam)
		rc = rsconf_node_err(p, n, "<AccountSources> is empty (use "
		    "BuiltIn and/or PAM)");
	free(s);
	return rc;
}

static int
do_basic(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	xmlNode		*x;
	unsigned	 lm;

	c->basic = true;
	x = rsconf_child(n, "LogonMethod");
	if (x != NULL && rsconf_elem_num(p, x, 2, 3, &lm) == -1)
		return -1;
	x = rsconf_child(n, "Realm");
	if (x != NULL) {
		free(c->realm);
		c->realm = rsconf_text_of(x);
		if (strchr(c->realm, '"') != NULL)
			return rsconf_node_err(p, x, "<Realm> may not contain "
			    "'\"'");
	}
	return 0;
}

static int
do_auth_types(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	for (xmlNode *t = n->children; t != NULL; t = t->next) {
		if (t->type != XML_ELEMENT_NODE)
			continue;
		if (rsconf_is(t, "RSWindowsBasic")) {
			if (do_basic(c, p, t) == -1)
				return -1;
		} else if (rsconf_is(t, "Custom"))
			return rsconf_node_err(p, t, "custom authentication "
			    "is not supported; use <RSWindowsBasic>");
		/* RSWindowsNTLM, Negotiate, Kerberos: nothing to do on
		 * Linux; a file copied from Windows still loads. */
	}
	if (!c->basic)
		return rsconf_node_err(p, n, "<AuthenticationTypes> has no "
		    "<RSWindowsBasic>, the only type this server offers");
	return 0;
}

static int
do_auth(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	xmlNode	*x;

	x = rsconf_child(n, "AuthenticationTypes");
	if (x == NULL)
		return rsconf_node_err(p, n, "<Authentication> has no "
		    "<AuthenticationTypes>");
	if (do_auth_types(c, p, x) == -1)
		return -1;
	x = rsconf_child(n, "AccountSources");
	if (x != NULL && do_sources(c, p, x) == -1)
		return -1;
	x = rsconf_child(n, "PamService");
	if (x != NULL) {
		free(c->pam_service);
		c->pam_service = rsconf_text_of(x);
		if (!vdir_ok(c->pam_service))
			return rsconf_node_err(p, x, "bad PAM service name");
	}
	if (((x = rsconf_child(n, "SlowdownAfter")) != NULL &&
	    rsconf_elem_num(p, x, 1, 1000, &c->slowdown_after) == -1) ||
	    ((x = rsconf_child(n, "LockoutThreshold")) != NULL &&
	    rsconf_elem_num(p, x, 1, 10000, &c->lockout_threshold) == -1) ||
	    ((x = rsconf_child(n, "LockoutMinutes")) != NULL &&
	    rsconf_elem_num(p, x, 1, 1440, &c->lockout_minutes) == -1))
		return -1;
	return 0;
}

static int
do_service(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	xmlNode	*x;

	if ((x = rsconf_child(n, "IsWebServiceEnabled")) != NULL &&
	    rsconf_parse_bool(p, x, &c->web_service_enabled) == -1)
		return -1;
	if ((x = rsconf_child(n, "LogVerbose")) != NULL &&
	    rsconf_parse_bool(p, x, &c->verbose) == -1)
		return -1;
	if ((x = rsconf_child(n, "MaxQueueThreads")) != NULL &&
	    rsconf_elem_num(p, x, 0, 64, &c->workers) == -1)
		return -1;
	if (((x = rsconf_child(n, "PollingInterval")) != NULL &&
	    rsconf_elem_num(p, x, 1, 3600, &c->polling_s) == -1) ||
	    ((x = rsconf_child(n, "IsSchedulingService")) != NULL &&
	    rsconf_parse_bool(p, x, &c->scheduling) == -1) ||
	    ((x = rsconf_child(n, "IsNotificationService")) != NULL &&
	    rsconf_parse_bool(p, x, &c->notification) == -1) ||
	    ((x = rsconf_child(n, "SchedulerThreads")) != NULL &&
	    rsconf_elem_num(p, x, 0, 16, &c->sched_threads) == -1))
		return -1;
	/* The free()s: <Service> may come more than once. */
	if ((x = rsconf_child(n, "Hostname")) != NULL) {
		free(c->hostname);
		c->hostname = rsconf_text_of(x);
	}
	if ((x = rsconf_child(n, "UrlRoot")) != NULL) {
		free(c->url_root);
		c->url_root = rsconf_text_of(x);
	}
	return 0;
}

static int
do_dbtype(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	char	*s = rsconf_text_of(n);
	int	 rc = 0;

	if (str_ieq(s, "SQLite"))
		c->postgres = false;
	else if (str_ieq(s, "PostgreSQL"))
		c->postgres = true;
	else
		rc = rsconf_node_err(p, n, "<DatabaseType> must be SQLite or "
		    "PostgreSQL, not '%.40s'", s);
	free(s);
	return rc;
}

static void
defaults(struct rsconf *c)
{
	c->max_upload = UPLOAD_DEFAULT;
	c->execlog_days = EXECLOG_DAYS_DEFAULT;
	c->realm = xstrdup("ReportServer");
	c->src_builtin = c->src_pam = true;
	c->pam_service = xstrdup("reportserver");
	c->slowdown_after = 3;
	c->lockout_threshold = 10;
	c->lockout_minutes = 15;
	c->web_service_enabled = true;
	c->polling_s = 10;
	c->scheduling = c->notification = true;
	rsconf_delivery_defaults(c);
}

static int
do_top(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	if (rsconf_is(n, "Dsn")) {
		free(c->dsn);
		c->dsn = rsconf_text_of(n);
	} else if (rsconf_is(n, "DatabaseType"))
		return do_dbtype(c, p, n);
	else if (rsconf_is(n, "InstanceId")) {
		free(c->instance_id);
		c->instance_id = rsconf_text_of(n);
	} else if (rsconf_is(n, "InstallationID")) {
		free(c->installation_id);
		c->installation_id = rsconf_text_of(n);
	} else if (rsconf_is(n, "Add"))
		return do_add(c, p, n);
	else if (rsconf_is(n, "URLReservations"))
		return do_urls(c, p, n);
	else if (rsconf_is(n, "Authentication"))
		return do_auth(c, p, n);
	else if (rsconf_is(n, "Service"))
		return do_service(c, p, n);
	else if (rsconf_is(n, "PostgreSQLDataSources"))
		return rsconf_pg_allow_parse(c, p, n);
	else if (rsconf_is(n, "Extensions"))
		return rsconf_delivery_parse(c, p, n);
	return 0;
}

int
rsconf_fill(struct rsconf *c, const struct pctx *p)
{
	xmlNode	*root = xmlDocGetRootElement(c->doc);

	rsconf_clear(c);
	defaults(c);
	if (root == NULL || !rsconf_is(root, "Configuration"))
		return rsconf_node_err(p, root, "the root element must be "
		    "<Configuration>");
	for (xmlNode *n = root->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && do_top(c, p, n) == -1)
			return -1;
	return 0;
}

static int
xml_err(const struct pctx *p, xmlParserCtxt *ctx)
{
	const xmlError	*x = xmlCtxtGetLastError(ctx);
	char		 msg[256];
	size_t		 n;

	if (x == NULL || x->message == NULL)
		return rs_err_set(p->e, RS_E_CONFIG, "%s: not well-formed XML",
		    p->name);
	str_copy(msg, sizeof(msg), x->message);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	return rs_err_set(p->e, RS_E_CONFIG, "%s:%d:%d: %s", p->name, x->line,
	    x->int2 > 0 ? x->int2 : 1, msg);
}

struct rsconf *
rsconf_parse(const char *text, size_t len, const char *name,
    struct rs_err *e)
{
	struct pctx	 p = { text, len, name, e };
	struct rsconf	*c;
	xmlParserCtxt	*ctx;
	xmlDoc		*doc;

	if (len > RSCONF_MAX_BYTES || len > 0x7fffffff) {
		rs_err_set(e, RS_E_CONFIG, "%s: larger than %d bytes", name,
		    RSCONF_MAX_BYTES);
		return NULL;
	}
	ctx = xmlNewParserCtxt();
	if (ctx == NULL) {
		rs_err_set(e, RS_E_INTERNAL, "cannot make an XML parser");
		return NULL;
	}
	doc = xmlCtxtReadMemory(ctx, text, (int)len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		xml_err(&p, ctx);
		xmlFreeParserCtxt(ctx);
		return NULL;
	}
	xmlFreeParserCtxt(ctx);
	c = xcalloc(1, sizeof(*c));
	c->file = xstrdup(name);
	c->doc = doc;
	if (doc->intSubset != NULL) {
		rs_err_set(e, RS_E_CONFIG, "%s:1:1: a DOCTYPE is not allowed",
		    name);
		rsconf_free(c);
		return NULL;
	}
	if (rsconf_fill(c, &p) == -1) {
		rsconf_free(c);
		return NULL;
	}
	return c;
}

struct rsconf *
rsconf_load(const char *path, struct rs_err *e)
{
	struct rsconf	*c;
	char		*text;
	size_t		 len;

	text = fs_read_file(path, RSCONF_MAX_BYTES, &len, e);
	if (text == NULL)
		return NULL;
	c = rsconf_parse(text, len, path, e);
	free(text);
	return c;
}
