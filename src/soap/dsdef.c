/*
 * dsdef.c: shared data sources as ReportService2010 exchanges them, the
 * DataSourceDefinition structure: CreateDataSource, Get/SetDataSource-
 * Contents, Enable/DisableDataSource and TestConnectForDataSource-
 * Definition.  A definition is stored as the server's own
 * <DataSourceDefinition> XML (written with xmlTextWriter) and passes the
 * same intake check as an uploaded .rds file, so an extension this server
 * cannot connect to, or credentials it would have to store (Store, Prompt:
 * no secret is ever written), are refused the same way everywhere.  A test
 * connection opens the data source under the server's data policy (what
 * reports may reach) and runs a one-row query.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#define DS_NS	"http://schemas.microsoft.com/sqlserver/reporting/2006/03/" \
		"reportdatasource"
#define DS_STORED_MAX	(1024 * 1024)

void
soap_dsdef_fini(struct dsdef *d)
{
	free(d->ext);
	free(d->conn);
	free(d->cred);
	memset(d, 0, sizeof(*d));
}

int
soap_dsdef_read(struct soap_call *c, const xmlNode *n, struct dsdef *d)
{
	char	*user, *pw;

	memset(d, 0, sizeof(*d));
	d->enabled = true;
	if (n == NULL || soap_is_nil(n))
		return soap_fail(c, "rsMissingParameter", 400, "The value for "
		    "parameter 'Definition' is not specified.");
	d->ext = soap_arg(c, n, "Extension");
	d->conn = soap_arg(c, n, "ConnectString");
	d->cred = soap_arg(c, n, "CredentialRetrieval");
	user = soap_arg(c, n, "UserName");
	pw = soap_arg(c, n, "Password");
	d->has_user = (user != NULL && user[0] != '\0') || (pw != NULL &&
	    pw[0] != '\0');
	if (pw != NULL)
		explicit_bzero(pw, strlen(pw));
	free(user);
	free(pw);
	if (d->ext == NULL)
		return soap_fail(c, "rsMissingElement", 400, "A "
		    "DataSourceDefinition needs an Extension (supported: "
		    DATA_EXTENSIONS ").");
	return soap_arg_bool(c, n, "Enabled", &d->enabled);
}

/* The stored form: <DataSourceDefinition> without any secret. */
static char *
dsdef_xml(const struct dsdef *d, size_t *len)
{
	xmlBuffer	*b = xmlBufferCreate();
	xmlTextWriter	*w = xmlNewTextWriterMemory(b, 0);
	char		*out;

	(void)xmlTextWriterStartDocument(w, NULL, "utf-8", NULL);
	(void)xmlTextWriterStartElementNS(w, NULL, BAD_CAST
	    "DataSourceDefinition", BAD_CAST DS_NS);
	(void)xmlTextWriterWriteElement(w, BAD_CAST "Extension", BAD_CAST
	    d->ext);
	(void)xmlTextWriterWriteElement(w, BAD_CAST "ConnectString", BAD_CAST
	    (d->conn != NULL ? d->conn : ""));
	(void)xmlTextWriterWriteElement(w, BAD_CAST "CredentialRetrieval",
	    BAD_CAST (d->cred != NULL && d->cred[0] != '\0' ? d->cred :
	    "None"));
	(void)xmlTextWriterWriteElement(w, BAD_CAST "Enabled", BAD_CAST
	    (d->enabled ? "True" : "False"));
	(void)xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	*len = (size_t)xmlBufferLength(b);
	out = xmalloc(*len + 1);
	memcpy(out, xmlBufferContent(b), *len + 1);
	xmlBufferFree(b);
	return out;
}

char *
soap_dsdef_checked(struct soap_call *c, const struct dsdef *d, const char *path,
    size_t *len)
{
	char	*xml;

	if (d->has_user && (d->cred == NULL || !str_ieq(d->cred, "Store")))
		soap_fail(c, "rsInvalidParameter", 400, "A user name or password "
		    "is given but CredentialRetrieval is not Store.");
	if (d->has_user || (d->cred != NULL && str_ieq(d->cred, "Store")))
		soap_fail(c, "rsOperationNotSupported", 400, "Stored credentials "
		    "(CredentialRetrieval Store) need the encryption key "
		    "management this server does not have yet; put the user "
		    "and password of a PostgreSQL data source in its "
		    "ConnectString instead.");
	if (c->fault.code[0] != '\0')
		return NULL;
	xml = dsdef_xml(d, len);
	if (soap_intake(c, CATALOG_DATASOURCE, path, xml, *len, NULL) == -1) {
		free(xml);
		return NULL;
	}
	return xml;
}

/* The first element called name at most depth levels down from n. */
static xmlNode *
find_elem(xmlNode *n, const char *name, int depth)
{
	for (; n != NULL; n = n->next) {
		xmlNode	*k;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, name) == 0)
			return n;
		if (depth > 0 && (k = find_elem(n->children, name, depth - 1)) !=
		    NULL)
			return k;
	}
	return NULL;
}

/* The stored definition of data source item id (.rds or ours). */
static void
dsdef_load(struct soap_call *c, const char *id, struct dsdef *d)
{
	struct ds_info	 info;
	struct rs_err	 e;
	void		*data = NULL;
	size_t		 len = 0;
	xmlDoc		*doc = NULL;
	xmlNode		*n, *root;
	char		*v;

	memset(d, 0, sizeof(*d));
	rs_ds_read(c->cat, id, &info);
	d->ext = xstrdup(info.ext != NULL ? info.ext : "");
	d->conn = xstrdup(info.conn != NULL ? info.conn : "");
	d->enabled = info.enabled;
	rs_ds_fini(&info);
	if (catalog_item_content(c->cat, id, &data, &len, &e) == 0 && len > 0 &&
	    len < DS_STORED_MAX)
		doc = xmlReadMemory(data, (int)len, "ds.xml", NULL,
		    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(data);
	root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	if ((n = find_elem(root, "CredentialRetrieval", 3)) != NULL)
		d->cred = soap_text(n);
	else if ((n = find_elem(root, "IntegratedSecurity", 3)) != NULL) {
		v = soap_text(n);
		if (v != NULL && str_ieq(str_trim(v), "true"))
			d->cred = xstrdup("Integrated");
		free(v);
	}
	xmlFreeDoc(doc);
	if (d->cred == NULL)
		d->cred = xstrdup("None");
}

void
soap_w_dsdef(struct soap_call *c, const char *elem, const char *ext,
    const char *conn, const char *cred, bool enabled)
{
	soap_w_start(c, elem);
	soap_w_str(c, "Extension", ext);
	soap_w_str(c, "ConnectString", conn);
	soap_w_bool(c, "UseOriginalConnectString", false);
	soap_w_bool(c, "OriginalConnectStringExpressionBased", false);
	soap_w_str(c, "CredentialRetrieval", cred != NULL && cred[0] != '\0' ?
	    cred : "None");
	soap_w_bool(c, "WindowsCredentials", false);
	soap_w_bool(c, "ImpersonateUser", false);
	soap_w_bool(c, "Enabled", enabled);
	soap_w_end(c);
}

static int
ds_item(struct soap_call *c, bool managed, struct catalog_item *it)
{
	if (soap_item_arg(c, "DataSource", managed, it) == -1)
		return -1;
	if (it->type == CATALOG_DATASOURCE)
		return 0;
	soap_fail(c, "rsWrongItemType", 400, "The item '%s' is a %s, not a "
	    "data source.", it->path, catalog_type_name(it->type));
	catalog_item_fini(it);
	return -1;
}

void
soap_create_data_source(struct soap_call *c)
{
	struct catalog_new	 nw = { .type = CATALOG_DATASOURCE };
	struct catalog_item	 it;
	struct soap_props	 p;
	struct dsdef		 d;
	struct rs_err		 e;
	char			*name, *parent = NULL, *xml = NULL;
	char			 path[CATALOG_PATH_MAX * 2 + 4];

	memset(&p, 0, sizeof(p));
	memset(&d, 0, sizeof(d));
	name = soap_need(c, c->op, "DataSource");
	if (name == NULL || (parent = soap_need(c, c->op, "Parent")) == NULL ||
	    soap_arg_bool(c, c->op, "Overwrite", &nw.overwrite) == -1 ||
	    soap_props_read(c, soap_child(c, c->op, "Properties"), &p) == -1 ||
	    soap_dsdef_read(c, soap_child(c, c->op, "Definition"), &d) == -1 ||
	    soap_may_add(c, parent, CATALOG_DATASOURCE) == -1)
		goto out;
	rs_path_join(parent, name, path, sizeof(path));
	if (soap_may_replace(c, path, nw.overwrite) == -1 ||
	    (xml = soap_dsdef_checked(c, &d, path, &nw.len)) == NULL)
		goto out;
	nw.parent = parent;
	nw.name = name;
	nw.content = xml;
	nw.description = p.u.description;
	nw.hidden = p.u.has_hidden && p.u.hidden;
	if (catalog_item_add(c->cat, &nw, c->user->name, &it, &e) == -1)
		soap_fail_err(c, &e, e.code == RS_E_BADINPUT ?
		    "rsInvalidItemName" : NULL);
	else {
		if (soap_props_store(c, it.id, &p) == 0)
			soap_w_catalog_item(c, "ItemInfo", &it);
		catalog_item_fini(&it);
	}
out:
	soap_props_fini(&p);
	soap_dsdef_fini(&d);
	free(xml);
	free(name);
	free(parent);
}

void
soap_get_data_source_contents(struct soap_call *c)
{
	struct catalog_item	it;
	struct dsdef		d;

	if (ds_item(c, false, &it) == -1)
		return;
	dsdef_load(c, it.id, &d);
	soap_w_dsdef(c, "Definition", d.ext, d.conn, d.cred, d.enabled);
	soap_dsdef_fini(&d);
	catalog_item_fini(&it);
}

/* Stores d as the definition of it; -1 with a fault. */
static int
ds_store(struct soap_call *c, const struct catalog_item *it,
    const struct dsdef *d)
{
	struct catalog_update	 u = { .has_content = true };
	struct rs_err		 e;
	char			*xml;
	int			 rc = 0;

	xml = soap_dsdef_checked(c, d, it->path, &u.len);
	if (xml == NULL)
		return -1;
	u.content = xml;
	if (catalog_item_update(c->cat, it->id, &u, c->user->name, &e) == -1)
		rc = soap_fail_err(c, &e, NULL);
	free(xml);
	return rc;
}

void
soap_set_data_source_contents(struct soap_call *c)
{
	struct catalog_item	it;
	struct dsdef		d;

	memset(&d, 0, sizeof(d));
	if (ds_item(c, true, &it) == -1)
		return;
	if (soap_dsdef_read(c, soap_child(c, c->op, "Definition"), &d) == 0)
		(void)ds_store(c, &it, &d);
	soap_dsdef_fini(&d);
	catalog_item_fini(&it);
}

static void
enable(struct soap_call *c, bool on)
{
	struct catalog_item	it;
	struct dsdef		d;

	if (ds_item(c, true, &it) == -1)
		return;
	dsdef_load(c, it.id, &d);
	d.enabled = on;
	(void)ds_store(c, &it, &d);
	soap_dsdef_fini(&d);
	catalog_item_fini(&it);
}

void
soap_enable_data_source(struct soap_call *c)
{
	enable(c, true);
}

void
soap_disable_data_source(struct soap_call *c)
{
	enable(c, false);
}

static int
count_row(void *arg, const struct expr_value *row, size_t n,
    struct rs_err *e)
{
	(void)arg;
	(void)row;
	(void)n;
	(void)e;
	return 0;
}

/* Opens the data source as a report would and runs one query. */
static int
test_connect(const struct soap_call *c, const struct dsdef *d,
    struct rs_err *e)
{
	static const char *const	cols[] = { "ok" };
	struct data_source		src = { 0 };
	struct data_query		q = { .text = "SELECT 1 AS ok",
					    .columns = cols, .ncolumns = 1 };
	size_t				rows;

	if (data_extension_kind(d->ext, &src.kind) == -1)
		return rs_err_set(e, RS_E_USAGE, "the data extension '%.40s' is "
		    "not supported; supported: " DATA_EXTENSIONS, d->ext);
	if (src.kind == DATA_ENTERDATA)
		return 0;
	if (str_copy(src.conn, sizeof(src.conn), d->conn != NULL ? d->conn :
	    "") == -1)
		return rs_err_set(e, RS_E_USAGE, "the connection string is too "
		    "long");
	if (data_source_confine(&src, c->policy, e) == -1)
		return -1;
	q.timeout_ms = 15000;
	return data_exec(&src, &q, count_row, NULL, &rows, e);
}

void
soap_test_connect(struct soap_call *c)
{
	struct dsdef	d;
	struct rs_err	e;
	char		*user = soap_arg(c, c->op, "UserName");
	bool		 ok;

	if (soap_dsdef_read(c, soap_child(c, c->op, "DataSourceDefinition"),
	    &d) == -1) {
		free(user);
		soap_dsdef_fini(&d);
		return;
	}
	if (user != NULL && user[0] != '\0')
		ok = rs_err_set(&e, RS_E_USAGE, "a separate user name and "
		    "password are not used; give them in the ConnectString") ==
		    0;
	else
		ok = test_connect(c, &d, &e) == 0;
	soap_w_bool(c, "TestConnectForDataSourceDefinitionResult", ok);
	if (!ok)
		soap_w_str(c, "ConnectError", e.msg);
	free(user);
	soap_dsdef_fini(&d);
}
