/*
 * write.c: the default rsreportserver.config, edits of the document
 * (database, Add keys, the URLReservations representation) and saving it
 * atomically.  An edit changes the kept document and then re-reads the
 * struct from it, so the struct never says something the file would not.
 */
#include "rsconf/rsconf_int.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <libxml/xmlsave.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

void
rsconf_clear(struct rsconf *c)
{
	for (size_t i = 0; i < c->napps; i++) {
		struct rsconf_app	*a = &c->apps[i];

		for (size_t j = 0; j < a->nurls; j++) {
			free(a->urls[j].url);
			free(a->urls[j].account_sid);
			free(a->urls[j].account_name);
		}
		free(a->name);
		free(a->vdir);
		memset(a, 0, sizeof(*a));
	}
	c->napps = 0;
	c->has_urls = false;
	free(c->dsn);
	free(c->instance_id);
	free(c->installation_id);
	free(c->realm);
	free(c->pam_service);
	free(c->hostname);
	free(c->url_root);
	free(c->data_root);
	c->dsn = c->instance_id = c->installation_id = c->realm = NULL;
	c->pam_service = c->hostname = c->url_root = c->data_root = NULL;
	rsconf_pg_allow_clear(c);
	rsconf_delivery_clear(c);
	c->postgres = false;
	c->secure_level = 1;
	c->basic = false;
}

void
rsconf_free(struct rsconf *c)
{
	if (c == NULL)
		return;
	rsconf_clear(c);
	xmlFreeDoc(c->doc);
	free(c->file);
	free(c);
}

const struct rsconf_app *
rsconf_app_find(const struct rsconf *c, const char *name)
{
	for (size_t i = 0; i < c->napps; i++)
		if (strcasecmp(c->apps[i].name, name) == 0)
			return &c->apps[i];
	return NULL;
}

static void
guid(char out[40])
{
	uint8_t	r[16];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		memset(r, 0x5a, sizeof(r));
	r[6] = (uint8_t)((r[6] & 0x0f) | 0x40);
	r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
	snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
	    r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

char *
rsconf_default_text(bool postgres, const char *dsn)
{
	struct buf	b;
	char		id[40];

	guid(id);
	buf_init(&b, 0);
	(void)buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<Configuration>\n  <Dsn>", NULL);
	(void)buf_html(&b, dsn, NULL);
	(void)buf_printf(&b, NULL, "</Dsn>\n"
	    "  <DatabaseType>%s</DatabaseType>\n"
	    "  <ConnectionType>Default</ConnectionType>\n"
	    "  <InstanceId>RS_REPORTSERVER</InstanceId>\n"
	    "  <InstallationID>{%s}</InstallationID>\n"
	    "  <Add Key=\"SecureConnectionLevel\" Value=\"1\"/>\n"
	    "  <Add Key=\"CleanupCycleMinutes\" Value=\"10\"/>\n"
	    "  <Add Key=\"MaxActiveReqForOneUser\" Value=\"20\"/>\n"
	    "  <Add Key=\"DatabaseQueryTimeout\" Value=\"300\"/>\n"
	    "  <Add Key=\"MaxUploadBytes\" Value=\"67108864\"/>\n"
	    "  <!-- The PostgreSQL databases reports may connect to, each as\n"
	    "       <Allow>host[:port]/database</Allow>: port 5432 unless given\n"
	    "       (:* any), * and ? match, a socket folder as the host\n"
	    "       (/run/postgresql/sales).  Empty: none. -->\n"
	    "  <PostgreSQLDataSources/>\n"
	    "  <Authentication>\n"
	    "    <AuthenticationTypes>\n"
	    "      <RSWindowsBasic>\n"
	    "        <LogonMethod>3</LogonMethod>\n"
	    "        <Realm>ReportServer</Realm>\n"
	    "        <DefaultDomain></DefaultDomain>\n"
	    "      </RSWindowsBasic>\n"
	    "    </AuthenticationTypes>\n"
	    "    <AccountSources>BuiltIn PAM</AccountSources>\n"
	    "    <PamService>reportserver</PamService>\n"
	    "    <SlowdownAfter>3</SlowdownAfter>\n"
	    "    <LockoutThreshold>10</LockoutThreshold>\n"
	    "    <LockoutMinutes>15</LockoutMinutes>\n"
	    "    <EnableAuthPersistence>true</EnableAuthPersistence>\n"
	    "  </Authentication>\n"
	    "  <Service>\n"
	    "    <IsWebServiceEnabled>True</IsWebServiceEnabled>\n"
	    "    <Hostname></Hostname>\n"
	    "    <UrlRoot></UrlRoot>\n"
	    "    <MaxQueueThreads>0</MaxQueueThreads>\n"
	    "    <LogVerbose>False</LogVerbose>\n"
	    "    <PollingInterval>10</PollingInterval>\n"
	    "    <IsSchedulingService>True</IsSchedulingService>\n"
	    "    <IsNotificationService>True</IsNotificationService>\n"
	    "  </Service>\n"
	    "%s"
	    "</Configuration>\n", postgres ? "PostgreSQL" : "SQLite", id,
	    RSCONF_DELIVERY_DEFAULT);
	return buf_take(&b, NULL);
}

/* Finds or appends a child element of parent. */
static xmlNode *
ensure(xmlNode *parent, const char *name, xmlNode *before)
{
	xmlNode	*n = rsconf_child(parent, name);

	if (n != NULL)
		return n;
	n = xmlNewNode(NULL, BAD_CAST name);
	if (before != NULL)
		return xmlAddPrevSibling(before, n);
	return xmlAddChild(parent, n);
}

static void
set_text(xmlNode *n, const char *text)
{
	xmlChar	*esc = xmlEncodeSpecialChars(n->doc, BAD_CAST text);

	xmlNodeSetContent(n, esc);
	xmlFree(esc);
}

static int
refill(struct rsconf *c, struct rs_err *e)
{
	struct pctx	p = { NULL, 0, c->file, e };

	return rsconf_fill(c, &p);
}

int
rsconf_set_database(struct rsconf *c, bool postgres, const char *dsn,
    struct rs_err *e)
{
	xmlNode	*root = xmlDocGetRootElement(c->doc);
	xmlNode	*first = root->children;

	set_text(ensure(root, "Dsn", first), dsn);
	set_text(ensure(root, "DatabaseType", rsconf_child(root, "Dsn")->next),
	    postgres ? "PostgreSQL" : "SQLite");
	return refill(c, e);
}

int
rsconf_set_add(struct rsconf *c, const char *key, const char *value,
    struct rs_err *e)
{
	xmlNode	*root = xmlDocGetRootElement(c->doc), *n;

	for (n = root->children; n != NULL; n = n->next) {
		xmlChar	*k;
		bool	 same;

		if (!rsconf_is(n, "Add"))
			continue;
		k = xmlGetProp(n, BAD_CAST "Key");
		same = k != NULL && strcmp((char *)k, key) == 0;
		xmlFree(k);
		if (same)
			break;
	}
	if (n == NULL) {
		n = xmlNewChild(root, NULL, BAD_CAST "Add", NULL);
		xmlSetProp(n, BAD_CAST "Key", BAD_CAST key);
	}
	xmlSetProp(n, BAD_CAST "Value", BAD_CAST value);
	return refill(c, e);
}

static void
add_text(xmlNode *parent, const char *name, const char *text)
{
	xmlNode	*n = xmlNewChild(parent, NULL, BAD_CAST name, NULL);

	set_text(n, text != NULL ? text : "");
}

int
rsconf_set_urls(struct rsconf *c, const struct rsconf_app *apps, size_t n,
    struct rs_err *e)
{
	xmlNode	*root = xmlDocGetRootElement(c->doc), *old, *res, *auth;

	old = rsconf_child(root, "URLReservations");
	if (old != NULL) {
		xmlUnlinkNode(old);
		xmlFreeNode(old);
	}
	if (n == 0)
		return refill(c, e);
	res = xmlNewNode(NULL, BAD_CAST "URLReservations");
	auth = rsconf_child(root, "Authentication");
	if (auth != NULL)
		xmlAddPrevSibling(auth, res);
	else
		xmlAddChild(root, res);
	for (size_t i = 0; i < n; i++) {
		xmlNode	*app = xmlNewChild(res, NULL, BAD_CAST "Application",
		    NULL), *urls;

		add_text(app, "Name", apps[i].name);
		add_text(app, "VirtualDirectory", apps[i].vdir);
		urls = xmlNewChild(app, NULL, BAD_CAST "URLs", NULL);
		for (size_t j = 0; j < apps[i].nurls; j++) {
			const struct rsconf_url	*u = &apps[i].urls[j];
			xmlNode	*un = xmlNewChild(urls, NULL, BAD_CAST "URL",
			    NULL);

			add_text(un, "UrlString", u->url);
			add_text(un, "AccountSid", u->account_sid);
			if (u->account_name != NULL)
				add_text(un, "AccountName", u->account_name);
		}
	}
	return refill(c, e);
}

int
rsconf_save(const struct rsconf *c, const char *path, struct rs_err *e)
{
	xmlChar	*mem = NULL;
	int	 len = 0, rc;

	xmlDocDumpFormatMemoryEnc(c->doc, &mem, &len, "utf-8", 1);
	if (mem == NULL)
		return rs_err_set(e, RS_E_INTERNAL, "cannot serialise %s", path);
	rc = fs_write_atomic(path, mem, (size_t)len, 0600, e);
	xmlFree(mem);
	return rc;
}
