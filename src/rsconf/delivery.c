/*
 * delivery.c: the <Extensions><Delivery> section of rsreportserver.config:
 * the Report Server Email extension's RSEmailDPConfiguration (in the
 * original's element names, plus SMTPTLSMode and SMTPCAFile of ours) and
 * the Report Server FileShare extension's FileShareConfiguration with the
 * folders file share subscriptions may write into (AllowedPaths, ours:
 * the original writes wherever its account can).  Secrets (SendUserName,
 * SendPassword) are kept as stored, encrypted; rsconf does not decrypt.
 */
#include "rsconf/rsconf_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const tls_names[] = { "StartTLS", "Implicit", "None" };

const char *
rsconf_tls_name(enum rsconf_tls t)
{
	return (unsigned)t < nitems(tls_names) ? tls_names[t] : "StartTLS";
}

int
rsconf_tls_parse(const char *s)
{
	for (size_t i = 0; i < nitems(tls_names); i++)
		if (str_ieq(s, tls_names[i]))
			return (int)i;
	return -1;
}

void
rsconf_delivery_defaults(struct rsconf *c)
{
	c->email.port = 0;
	c->email.send_using = 2;
	c->email.tls = RSCONF_TLS_STARTTLS;
	c->email.timeout_s = 60;
	c->email.max_retries = 3;
	c->email.retry_s = 900;
	c->share_max_retries = 3;
	c->share_retry_s = 900;
}

void
rsconf_delivery_clear(struct rsconf *c)
{
	struct rsconf_email	*m = &c->email;

	free(m->smtp_server);
	free(m->user);
	free(m->password);
	free(m->from);
	free(m->ca_file);
	free(m->default_host);
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < c->nshare_paths; i++)
		free(c->share_paths[i]);
	c->nshare_paths = 0;
}

static void
text_into(xmlNode *parent, const char *name, char **out)
{
	xmlNode	*n = rsconf_child(parent, name);

	if (n == NULL)
		return;
	free(*out);
	*out = rsconf_text_of(n);
	if ((*out)[0] == '\0') {
		free(*out);
		*out = NULL;
	}
}

static int
num_into(const struct pctx *p, xmlNode *parent, const char *name,
    uint64_t min, uint64_t max, unsigned *out)
{
	xmlNode	*n = rsconf_child(parent, name);
	char	*s;
	bool	 empty;

	if (n == NULL)
		return 0;
	s = rsconf_text_of(n);
	empty = s[0] == '\0';
	free(s);
	return empty ? 0 : rsconf_elem_num(p, n, min, max, out);
}

static int
tls_of(struct rsconf_email *m, const struct pctx *p, xmlNode *cfg)
{
	xmlNode	*n = rsconf_child(cfg, "SMTPUseSSL");
	bool	 ssl = true;
	char	*s;
	int	 t;

	if (n != NULL) {
		s = rsconf_text_of(n);
		if (s[0] != '\0' && rsconf_parse_bool(p, n, &ssl) == -1) {
			free(s);
			return -1;
		}
		free(s);
	}
	m->tls = ssl ? RSCONF_TLS_STARTTLS : RSCONF_TLS_NONE;
	n = rsconf_child(cfg, "SMTPTLSMode");
	if (n == NULL)
		return 0;
	s = rsconf_text_of(n);
	t = rsconf_tls_parse(s);
	free(s);
	if (t < 0)
		return rsconf_node_err(p, n, "<SMTPTLSMode> must be StartTLS, "
		    "Implicit or None");
	m->tls = (enum rsconf_tls)t;
	return 0;
}

static int
email(struct rsconf *c, const struct pctx *p, xmlNode *cfg)
{
	struct rsconf_email	*m = &c->email;
	xmlNode			*n;

	text_into(cfg, "SMTPServer", &m->smtp_server);
	text_into(cfg, "SendUserName", &m->user);
	text_into(cfg, "SendPassword", &m->password);
	text_into(cfg, "From", &m->from);
	text_into(cfg, "SMTPCAFile", &m->ca_file);
	text_into(cfg, "DefaultHostName", &m->default_host);
	if (num_into(p, cfg, "SMTPServerPort", 1, 65535, &m->port) == -1 ||
	    num_into(p, cfg, "SendUsing", 1, 2, &m->send_using) == -1 ||
	    num_into(p, cfg, "SMTPAuthenticate", 0, 2, &m->authenticate) == -1
	    || num_into(p, cfg, "SMTPConnectionTimeout", 1, 3600,
	    &m->timeout_s) == -1 || tls_of(m, p, cfg) == -1)
		return -1;
	if (m->ca_file != NULL && m->ca_file[0] != '/')
		return rsconf_node_err(p, rsconf_child(cfg, "SMTPCAFile"),
		    "<SMTPCAFile> must be an absolute file path");
	if (m->send_using == 1 && (n = rsconf_child(cfg, "SendUsing")))
		return rsconf_node_err(p, n, "<SendUsing>1</SendUsing> (a "
		    "pickup folder) is not supported; use 2 (an SMTP server)");
	if (m->authenticate == 2)
		return rsconf_node_err(p, rsconf_child(cfg, "SMTPAuthenticate"),
		    "NTLM (SMTPAuthenticate 2) is not available here; use 1 "
		    "(a user name and password) or 0");
	return 0;
}

static int
share(struct rsconf *c, const struct pctx *p, xmlNode *cfg)
{
	xmlNode	*paths = rsconf_child(cfg, "AllowedPaths");

	if (paths == NULL)
		return 0;
	for (xmlNode *n = paths->children; n != NULL; n = n->next) {
		char	*s;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!rsconf_is(n, "Path"))
			return rsconf_node_err(p, n, "unexpected <%s> in "
			    "<AllowedPaths>", n->name);
		if (c->nshare_paths == RSCONF_SHARE_PATHS_MAX)
			return rsconf_node_err(p, n, "more than %d allowed "
			    "paths", RSCONF_SHARE_PATHS_MAX);
		s = rsconf_text_of(n);
		if (s[0] != '/') {
			free(s);
			return rsconf_node_err(p, n, "<Path> must be an "
			    "absolute folder path");
		}
		c->share_paths[c->nshare_paths++] = s;
	}
	return 0;
}

static int
extension(struct rsconf *c, const struct pctx *p, xmlNode *x)
{
	xmlChar	*name = xmlGetProp(x, BAD_CAST "Name");
	xmlNode	*cfg = rsconf_child(x, "Configuration");
	int	 rc = 0;
	bool	 is_mail = name != NULL && strcmp((char *)name,
	    "Report Server Email") == 0;
	bool	 is_share = name != NULL && strcmp((char *)name,
	    "Report Server FileShare") == 0;

	xmlFree(name);
	if (is_mail)
		rc = num_into(p, x, "MaxRetries", 0, 100,
		    &c->email.max_retries) == -1 || num_into(p, x,
		    "SecondsBeforeRetry", 1, 86400, &c->email.retry_s) == -1 ||
		    (cfg != NULL && (cfg = rsconf_child(cfg,
		    "RSEmailDPConfiguration")) != NULL && email(c, p, cfg) ==
		    -1) ? -1 : 0;
	else if (is_share)
		rc = num_into(p, x, "MaxRetries", 0, 100,
		    &c->share_max_retries) == -1 || num_into(p, x,
		    "SecondsBeforeRetry", 1, 86400, &c->share_retry_s) == -1 ||
		    (cfg != NULL && (cfg = rsconf_child(cfg,
		    "FileShareConfiguration")) != NULL && share(c, p, cfg) ==
		    -1) ? -1 : 0;
	return rc;
}

int
rsconf_delivery_parse(struct rsconf *c, const struct pctx *p, xmlNode *ext)
{
	xmlNode	*d = rsconf_child(ext, "Delivery");

	if (d == NULL)
		return 0;
	for (xmlNode *x = d->children; x != NULL; x = x->next)
		if (rsconf_is(x, "Extension") && extension(c, p, x) == -1)
			return -1;
	return 0;
}

/* The extension element of a name, made with its parents when missing. */
static xmlNode *
ext_node(struct rsconf *c, const char *name, const char *cfgname)
{
	xmlNode	*root = xmlDocGetRootElement(c->doc), *exts, *del, *x, *cfg;

	exts = rsconf_child(root, "Extensions");
	if (exts == NULL)
		exts = xmlNewChild(root, NULL, BAD_CAST "Extensions", NULL);
	del = rsconf_child(exts, "Delivery");
	if (del == NULL)
		del = xmlNewChild(exts, NULL, BAD_CAST "Delivery", NULL);
	for (x = del->children; x != NULL; x = x->next) {
		xmlChar	*n;
		bool	 same;

		if (!rsconf_is(x, "Extension"))
			continue;
		n = xmlGetProp(x, BAD_CAST "Name");
		same = n != NULL && strcmp((char *)n, name) == 0;
		xmlFree(n);
		if (same)
			break;
	}
	if (x == NULL) {
		x = xmlNewChild(del, NULL, BAD_CAST "Extension", NULL);
		xmlSetProp(x, BAD_CAST "Name", BAD_CAST name);
	}
	cfg = rsconf_child(x, "Configuration");
	if (cfg == NULL)
		cfg = xmlNewChild(x, NULL, BAD_CAST "Configuration", NULL);
	x = rsconf_child(cfg, cfgname);
	if (x != NULL) {
		xmlUnlinkNode(x);
		xmlFreeNode(x);
	}
	return xmlNewChild(cfg, NULL, BAD_CAST cfgname, NULL);
}

static void
put(xmlNode *parent, const char *name, const char *text)
{
	xmlNode	*n = xmlNewChild(parent, NULL, BAD_CAST name, NULL);
	xmlChar	*esc = xmlEncodeSpecialChars(n->doc, BAD_CAST (text ? text :
	    ""));

	xmlNodeSetContent(n, esc);
	xmlFree(esc);
}

static void
put_num(xmlNode *parent, const char *name, unsigned v)
{
	char	buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	put(parent, name, buf);
}

static int
refill(struct rsconf *c, struct rs_err *e)
{
	struct pctx	p = { NULL, 0, c->file, e };

	return rsconf_fill(c, &p);
}

int
rsconf_set_email(struct rsconf *c, const struct rsconf_email *m,
    struct rs_err *e)
{
	xmlNode	*cfg = ext_node(c, "Report Server Email",
	    "RSEmailDPConfiguration");

	put(cfg, "SMTPServer", m->smtp_server);
	if (m->port != 0)
		put_num(cfg, "SMTPServerPort", m->port);
	put_num(cfg, "SendUsing", 2);
	put(cfg, "SMTPUseSSL", m->tls == RSCONF_TLS_NONE ? "False" : "True");
	put(cfg, "SMTPTLSMode", rsconf_tls_name(m->tls));
	put_num(cfg, "SMTPAuthenticate", m->authenticate);
	if (m->user != NULL)
		put(cfg, "SendUserName", m->user);
	if (m->password != NULL)
		put(cfg, "SendPassword", m->password);
	put(cfg, "From", m->from);
	put_num(cfg, "SMTPConnectionTimeout", m->timeout_s ? m->timeout_s :
	    60);
	if (m->ca_file != NULL)
		put(cfg, "SMTPCAFile", m->ca_file);
	if (m->default_host != NULL)
		put(cfg, "DefaultHostName", m->default_host);
	return refill(c, e);
}

int
rsconf_set_share_paths(struct rsconf *c, const char *const *paths, size_t n,
    struct rs_err *e)
{
	xmlNode	*cfg = ext_node(c, "Report Server FileShare",
	    "FileShareConfiguration"), *ap;

	ap = xmlNewChild(cfg, NULL, BAD_CAST "AllowedPaths", NULL);
	for (size_t i = 0; i < n; i++)
		put(ap, "Path", paths[i]);
	return refill(c, e);
}
