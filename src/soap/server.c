/*
 * server.c: what the server is and has, as both endpoints report it:
 * ListExtensions (ReportService2010) and ListRenderingExtensions
 * (ReportExecution2005) from the renderer's own format table and the data
 * module's extension list, so a format the renderer gains appears here by
 * itself; IsSSLRequired and ListSecureMethods from SecureConnectionLevel
 * (at level 1 or more this server refuses every plain-HTTP call, so every
 * method needs TLS); GetReportServerConfigInfo; ListItemTypes.
 */
#include "soap/soap_int.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "render/render.h"
#include "reportserver/subs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The original's rendering extensions; those the renderer has are listed. */
static const struct {
	const char	*name;
	const char	*label;
	bool		 visible;
} renders[] = {
	{ "XML", "XML file with report data", true },
	{ "NULL", "Null Renderer", false },
	{ "CSV", "CSV (comma delimited)", true },
	{ "ATOM", "Data Feed", true },
	{ "PDF", "PDF", true },
	{ "RGDI", "Remote GDI+ file", false },
	{ "HTML4.0", "HTML 4.0", false },
	{ "HTML5", "HTML 5", false },
	{ "MHTML", "MHTML (web archive)", true },
	{ "EXCEL", "Excel 2003", false },
	{ "EXCELOPENXML", "Excel", true },
	{ "RPL", "RPL Renderer", false },
	{ "IMAGE", "TIFF file", true },
	{ "WORD", "Word 2003", false },
	{ "WORDOPENXML", "Word", true },
	{ "PPTX", "PowerPoint", true },
};

static void
w_extension(struct soap_call *c, const char *type, const char *name,
    const char *label, bool visible)
{
	soap_w_start(c, "Extension");
	if (c->ep == SOAP_EP_MGMT)
		soap_w_str(c, "ExtensionTypeName", type);
	else
		soap_w_str(c, "ExtensionType", type);
	soap_w_str(c, "Name", name);
	soap_w_str(c, "LocalizedName", label);
	soap_w_bool(c, "Visible", visible);
	soap_w_bool(c, "IsModelGenerationSupported", false);
	soap_w_end(c);
}

static void
w_renders(struct soap_call *c)
{
	for (size_t i = 0; i < nitems(renders); i++)
		if (render_format_mime(renders[i].name) != NULL)
			w_extension(c, "Render", renders[i].name,
			    renders[i].label, renders[i].visible);
}

/* The data extensions, from DATA_EXTENSIONS ("SQLITE, POSTGRESQL, ..."). */
static void
w_datas(struct soap_call *c)
{
	char	list[] = DATA_EXTENSIONS, *p = list, *next;

	for (; p != NULL && *p != '\0'; p = next) {
		next = strchr(p, ',');
		if (next != NULL)
			*next++ = '\0';
		str_trim(p);
		if (*p != '\0' && data_extension_kind(p, NULL) == 0)
			w_extension(c, "Data", p, p, true);
	}
}

void
soap_list_extensions(struct soap_call *c)
{
	char	*type = soap_need(c, c->op, "ExtensionType");

	if (type == NULL)
		return;
	if (!str_ieq(type, "All") && !str_ieq(type, "Render") &&
	    !str_ieq(type, "Data") && !str_ieq(type, "Delivery")) {
		soap_fail(c, "rsInvalidParameter", 400, "ExtensionType must be "
		    "Delivery, Render, Data or All.");
		free(type);
		return;
	}
	soap_w_start(c, "Extensions");
	if (str_ieq(type, "All") || str_ieq(type, "Render"))
		w_renders(c);
	if (str_ieq(type, "All") || str_ieq(type, "Data"))
		w_datas(c);
	if (str_ieq(type, "All") || str_ieq(type, "Delivery")) {
		w_extension(c, "Delivery", RS_EXT_EMAIL, "E-Mail", true);
		w_extension(c, "Delivery", RS_EXT_SHARE, "Windows File Share",
		    true);
		w_extension(c, "Delivery", RS_EXT_NULL,
		    "Null Delivery Provider", false);
	}
	soap_w_end(c);
	free(type);
}

void
soap_list_rendering_extensions(struct soap_call *c)
{
	soap_w_start(c, "Extensions");
	w_renders(c);
	soap_w_end(c);
}

void
soap_is_ssl_required(struct soap_call *c)
{
	soap_w_bool(c, "IsSSLRequiredResult", c->srv->conf->secure_level >= 1);
}

void
soap_list_secure_methods(struct soap_call *c)
{
	soap_w_start(c, "ListSecureMethodsResult");
	for (size_t i = 0; c->srv->conf->secure_level >= 1 &&
	    i < soap_op_count(c->ep); i++)
		soap_w_str(c, "string", soap_op_name(c->ep, i));
	soap_w_end(c);
}

void
soap_server_config_info(struct soap_call *c)
{
	char		 host[256];
	xmlBuffer	*b = xmlBufferCreate();
	xmlTextWriter	*w = xmlNewTextWriterMemory(b, 0);

	if (gethostname(host, sizeof(host)) == -1)
		str_copy(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	(void)xmlTextWriterStartElement(w, BAD_CAST "ServerConfigInfo");
	(void)xmlTextWriterStartElement(w, BAD_CAST "Server");
	(void)xmlTextWriterWriteElement(w, BAD_CAST "MachineName",
	    BAD_CAST host);
	(void)xmlTextWriterWriteElement(w, BAD_CAST "InstanceName",
	    BAD_CAST "RS_REPORTSERVER");
	(void)xmlTextWriterWriteElement(w, BAD_CAST "ProductVersion",
	    BAD_CAST RS_SSRS_VERSION);
	(void)xmlTextWriterWriteElement(w, BAD_CAST "Database",
	    BAD_CAST (c->srv->conf->postgres ? "PostgreSQL" : "SQLite"));
	(void)xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	soap_w_str(c, "ServerConfigInfo", (const char *)xmlBufferContent(b));
	xmlBufferFree(b);
}

void
soap_list_item_types(struct soap_call *c)
{
	static const char *const types[] = {
		"Folder", "Report", "Resource", "DataSource", "DataSet",
		"Unknown",
	};

	soap_w_start(c, "ListItemTypesResult");
	for (size_t i = 0; i < nitems(types); i++)
		soap_w_str(c, "string", types[i]);
	soap_w_end(c);
}
