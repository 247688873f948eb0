/*
 * common.c: the pieces every handler shares: responses, query strings and
 * URL encoding, error pages in the original's two shapes (the HTML
 * "Reporting Services Error" page and the REST odata error), the request
 * gate, time formats and permission helpers.
 */
#include "reportserver/rs_int.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void
rsresp_init(struct rsresp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	buf_init(&r->body, 0);
}

void
rsresp_fini(struct rsresp *r)
{
	for (size_t i = 0; i < r->nheaders; i++)
		free(r->headers[i].value);
	r->nheaders = 0;
	buf_fini(&r->body);
}

void
rsresp_header(struct rsresp *r, const char *name, const char *value)
{
	size_t	i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			break;
	if (i == RS_RESP_HEADERS_MAX)
		return;	/* our own handlers never add this many */
	if (i == r->nheaders) {
		str_copy(r->headers[i].name, sizeof(r->headers[i].name), name);
		r->nheaders++;
	} else
		free(r->headers[i].value);
	r->headers[i].value = xstrdup(value);
}

static void
header_default(struct rsresp *r, const char *name, const char *value)
{
	if (rsresp_get_header(r, name) == NULL)
		rsresp_header(r, name, value);
}

void
rs_security_headers(struct rsresp *r)
{
	const char	*type = rsresp_get_header(r, "Content-Type");

	header_default(r, "X-Content-Type-Options", "nosniff");
	header_default(r, "Referrer-Policy", "same-origin");
	if (type == NULL || !str_has_iprefix(type, "text/html"))
		return;
	header_default(r, "Content-Security-Policy", RS_CSP_HTML);
	header_default(r, "X-Frame-Options", "DENY");
}

const char *
rsresp_get_header(const struct rsresp *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

int
rs_stream(const struct rsreq *r, struct rsresp *resp, const void *p,
    size_t len, size_t max, struct rs_err *e)
{
	if (r->stream != NULL) {
		int	rc = r->stream(r->sctx, resp, p, len);

		resp->streamed = true;	/* the head went with the first piece */
		if (rc == -1)
			return rs_err_set(e, RS_E_IO, "the client went away");
		return 0;
	}
	if (resp->body.len + len > max)
		return rs_err_set(e, RS_E_LIMIT, "the response is larger than "
		    "%zu bytes", max);
	return buf_append(&resp->body, p, len, e);
}

void
rsuser_fini(struct rsuser *u)
{
	for (size_t i = 0; u->groups[i] != NULL; i++)
		free(u->groups[i]);
	memset(u, 0, sizeof(*u));
}

char *
rs_url_decode(const char *s, size_t n, bool plus)
{
	char	*out = xmalloc(n + 1);

	if (str_url_decode(s, n, plus, out) == -1) {
		free(out);	/* bad escape, or a NUL */
		return NULL;
	}
	return out;
}

void
rs_url_encode(struct buf *b, const char *s, bool path_style)
{
	for (; *s != '\0'; s++) {
		unsigned char	c = (unsigned char)*s;

		if (isalnum(c) || strchr("-_.~", c) != NULL)
			(void)buf_append(b, s, 1, NULL);
		else if (c == ' ' && path_style)
			(void)buf_puts(b, "+", NULL);
		else if (c == '/' && !path_style)
			(void)buf_puts(b, "/", NULL);
		else
			(void)buf_printf(b, NULL, "%%%02x", c);
	}
}

void
rs_query_fini(struct rsquery *q)
{
	free(q->item);
	for (size_t i = 0; i < q->n; i++) {
		free(q->p[i].name);
		free(q->p[i].value);
	}
	memset(q, 0, sizeof(*q));
}

int
rs_query_parse(const char *raw, struct rsquery *q, struct rs_err *e)
{
	const char	*p = raw, *amp, *eq;

	memset(q, 0, sizeof(*q));
	if (strlen(raw) > RS_QUERY_MAX)
		return rs_err_set(e, RS_E_LIMIT, "the query string is longer "
		    "than %d bytes", RS_QUERY_MAX);
	for (; *p != '\0'; p = *amp ? amp + 1 : amp) {
		amp = strchrnul(p, '&');
		if (amp == p)
			continue;
		eq = memchr(p, '=', (size_t)(amp - p));
		/*
		 * The item path comes first: "?/F/R&...", or "?%2FF%2FR=&..."
		 * as an HTML form (the viewer's) submits it.
		 */
		if (q->item == NULL && q->n == 0 && (eq == NULL ||
		    (eq + 1 == amp && (*p == '/' || str_has_iprefix(p,
		    "%2f"))))) {
			q->item = rs_url_decode(p, (size_t)((eq != NULL ? eq :
			    amp) - p), true);
			if (q->item == NULL)
				goto bad;
			continue;
		}
		if (q->n == RS_PARAMS_MAX)
			return rs_err_set(e, RS_E_LIMIT, "more than %d query "
			    "parameters", RS_PARAMS_MAX);
		if (eq == NULL)
			eq = amp;
		q->p[q->n].name = rs_url_decode(p, (size_t)(eq - p), true);
		q->p[q->n].value = eq < amp ? rs_url_decode(eq + 1,
		    (size_t)(amp - eq - 1), true) : xstrdup("");
		q->n++;
		if (q->p[q->n - 1].name == NULL || q->p[q->n - 1].value == NULL)
			goto bad;
	}
	return 0;
bad:
	rs_query_fini(q);
	return rs_err_set(e, RS_E_BADINPUT, "the query string has a bad "
	    "%%-escape");
}

const char *
rs_query_get(const struct rsquery *q, const char *name)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcasecmp(q->p[i].name, name) == 0)
			return q->p[i].value;
	return NULL;
}

const char *
rs_req_header(const struct rsreq *r, const char *name)
{
	return r->header != NULL ? r->header(r->hctx, name) : NULL;
}

void
rs_req_prepare(struct rsreq *r)
{
	const char	*v;

	v = rs_req_header(r, "X-Forwarded-Proto");
	r->https = v != NULL && str_ieq(v, "https");
	v = rs_req_header(r, "X-Forwarded-Host");
	if (v == NULL)
		v = rs_req_header(r, "Host");
	str_copy(r->host, sizeof(r->host), v != NULL ? v : "localhost");
	for (char *h = r->host; *h; h++)
		if (!isalnum((unsigned char)*h) && strchr("-.:[]", *h) == NULL)
			*h = '_';	/* only ever shown, never trusted */
	v = rs_req_header(r, "X-Forwarded-For");
	str_copy(r->client, sizeof(r->client), v != NULL ? v : "local");
	r->client[strcspn(r->client, ", ")] = '\0';
}

static const struct {
	enum rs_errcode	 code;
	const char	*rscode;
	int		 status;
} rscodes[] = {
	{ RS_E_NOTFOUND, "rsItemNotFound", 404 },
	{ RS_E_EXISTS, "rsItemAlreadyExists", 409 },
	{ RS_E_PERM, "rsAccessDenied", 403 },
	{ RS_E_BADINPUT, "rsInvalidParameter", 400 },
	{ RS_E_USAGE, "rsInvalidParameter", 400 },
	{ RS_E_LIMIT, "rsInvalidParameter", 413 },
	{ RS_E_DB, "rsReportServerDatabaseUnavailable", 503 },
	{ RS_E_BUSY, "rsServerBusy", 503 },
	{ RS_E_CONFIG, "rsServerConfigurationError", 500 },
};

const char *
rs_err_rscode(const struct rs_err *e)
{
	for (size_t i = 0; i < nitems(rscodes); i++)
		if (rscodes[i].code == e->code)
			return rscodes[i].rscode;
	return "rsInternalError";
}

int
rs_err_status(const struct rs_err *e)
{
	for (size_t i = 0; i < nitems(rscodes); i++)
		if (rscodes[i].code == e->code)
			return rscodes[i].status;
	return 500;
}

void
rs_error_html(struct rsresp *r, int status, const char *rscode,
    const char *msg, const char *hint_html)
{
	r->status = status;
	buf_reset(&r->body);
	rsresp_header(r, "Content-Type", "text/html; charset=utf-8");
	(void)buf_puts(&r->body, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>Report Server Error</title>"
	    "<style>body{font-family:system-ui,sans-serif;margin:2em;"
	    "color:#1b1b1b;max-width:50em}h1{font-size:1.4em;color:#a4262c}"
	    "pre{background:#f3f3f3;padding:.6em;overflow:auto}</style>"
	    "</head><body><h1>Reporting Services Error</h1><hr><ul><li>",
	    NULL);
	(void)buf_html(&r->body, msg, NULL);
	(void)buf_printf(&r->body, NULL, " (%s)</li>", rscode);
	if (hint_html != NULL)
		(void)buf_printf(&r->body, NULL, "<ul><li>%s</li></ul>",
		    hint_html);
	(void)buf_printf(&r->body, NULL, "</ul><hr><span>%s %s</span>"
	    "</body></html>\n", RS_PRODUCT, RS_VERSION);
}

void
rs_error_json(struct rsresp *r, int status, const char *rscode,
    const char *msg)
{
	r->status = status;
	buf_reset(&r->body);
	rsresp_header(r, "Content-Type", "application/json; "
	    "odata.metadata=minimal; charset=utf-8");
	(void)buf_printf(&r->body, NULL, "{\"error\":{\"code\":\"%s\","
	    "\"message\":", rscode);
	(void)buf_json_str(&r->body, msg, NULL);
	(void)buf_puts(&r->body, ",\"target\":null,\"details\":[]}}", NULL);
}

void
rs_error(struct rsresp *r, bool json, const struct rs_err *e)
{
	if (json)
		rs_error_json(r, rs_err_status(e), rs_err_rscode(e), e->msg);
	else
		rs_error_html(r, rs_err_status(e), rs_err_rscode(e), e->msg,
		    NULL);
}

void
rs_time_iso(int64_t t, char *out, size_t n)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
rs_time_long(int64_t t, char *out, size_t n)
{
	time_t		tt = (time_t)t;
	struct tm	tm;
	char		a[64];
	int		h;

	localtime_r(&tt, &tm);
	strftime(a, sizeof(a), "%A, %B %e, %Y", &tm);
	h = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
	snprintf(out, n, "%s %d:%02d %s", a, h, tm.tm_min,
	    tm.tm_hour < 12 ? "AM" : "PM");
	/* %e pads single-digit days with a space; the original does not. */
	for (char *p = strstr(out, "  "); p != NULL; p = strstr(p, "  "))
		memmove(p, p + 1, strlen(p));
}

static struct catalog_subject
subject_of(const struct rsuser *u)
{
	struct catalog_subject	s = { u->name, u->builtin ?
	    CATALOG_PK_BUILTIN_USER : CATALOG_PK_LINUX_USER,
	    (const char *const *)u->groups };

	return s;
}

unsigned
rs_tasks(struct catalog *cat, const char *id, const struct rsuser *u)
{
	struct catalog_subject	s = subject_of(u);
	struct rs_err		e;
	unsigned		t = 0;

	if (catalog_item_tasks(cat, id, &s, &t, &e) == -1)
		return 0;
	return t;
}

unsigned
rs_sys_tasks(struct catalog *cat, const struct rsuser *u)
{
	struct catalog_subject	s = subject_of(u);
	struct rs_err		e;
	unsigned		t = 0;

	if (catalog_system_tasks(cat, &s, &t, &e) == -1)
		return 0;
	return t;
}

/*
 * An item is hidden from a user who holds no role on it nor on its parent
 * folder: such a user is told exactly what a missing item would tell
 * (docs/reportserver.md, "Items a user may not see").  The root is never
 * hidden: everyone knows Home exists.
 */
static bool
hidden(struct catalog *cat, const struct catalog_item *it,
    const struct rsuser *u)
{
	if (it->parent_id[0] == '\0' || rs_tasks(cat, it->id, u) != 0)
		return false;
	return rs_tasks(cat, it->parent_id, u) == 0;
}

int
rs_item_get(struct catalog *cat, const struct rsuser *u, const char *path,
    struct catalog_item *it, struct rs_err *e)
{
	char	norm[CATALOG_PATH_MAX + 2];

	if (catalog_item_get(cat, path, it, e) == -1)
		return -1;
	if (!hidden(cat, it, u))
		return 0;
	catalog_item_fini(it);
	/* The very words catalog_item_get says for a missing path. */
	if (catalog_path_norm(path, norm, sizeof(norm), e) == -1)
		return -1;
	return rs_err_set(e, RS_E_NOTFOUND, "the item '%.300s' cannot be "
	    "found", norm);
}

int
rs_item_get_id(struct catalog *cat, const struct rsuser *u, const char *id,
    struct catalog_item *it, struct rs_err *e)
{
	if (catalog_item_get_id(cat, id, it, e) == -1)
		return -1;
	if (!hidden(cat, it, u))
		return 0;
	catalog_item_fini(it);
	return rs_err_set(e, RS_E_NOTFOUND, "the item '%.300s' cannot be "
	    "found", id);
}

bool
rs_can_view(int type, unsigned t)
{
	switch (type) {
	case CATALOG_FOLDER:
		return (t & CATALOG_T_VIEW_FOLDERS) != 0;
	case CATALOG_REPORT:
	case CATALOG_DATASET:
		return (t & CATALOG_T_VIEW_REPORTS) != 0;
	case CATALOG_DATASOURCE:
		return (t & (CATALOG_T_VIEW_DATASOURCES |
		    CATALOG_T_MANAGE_DATASOURCES)) != 0;
	default:
		return (t & CATALOG_T_VIEW_RESOURCES) != 0;
	}
}

bool
rs_can_read_definition(int type, unsigned t)
{
	if (type == CATALOG_REPORT || type == CATALOG_DATASET)
		return (t & (CATALOG_T_MANAGE_REPORTS |
		    CATALOG_T_CONSUME_REPORTS)) != 0;
	return rs_can_view(type, t) || (t & rs_manage_task(type)) != 0;
}

unsigned
rs_manage_task(int type)
{
	switch (type) {
	case CATALOG_FOLDER:
		return CATALOG_T_MANAGE_FOLDERS;
	case CATALOG_REPORT:
	case CATALOG_DATASET:
		return CATALOG_T_MANAGE_REPORTS;
	case CATALOG_DATASOURCE:
		return CATALOG_T_MANAGE_DATASOURCES;
	default:
		return CATALOG_T_MANAGE_RESOURCES;
	}
}

static const struct {
	const char	*ext;
	const char	*mime;
} mimes[] = {
	{ ".png", "image/png" }, { ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" }, { ".gif", "image/gif" },
	{ ".svg", "image/svg+xml" }, { ".bmp", "image/bmp" },
	{ ".pdf", "application/pdf" }, { ".txt", "text/plain" },
	{ ".csv", "text/csv" }, { ".htm", "text/html" },
	{ ".html", "text/html" }, { ".xml", "text/xml" },
	{ ".rdl", "application/xml" }, { ".rds", "text/xml" },
	{ ".json", "application/json" },
	{ ".xlsx", "application/vnd.openxmlformats-officedocument."
	  "spreadsheetml.sheet" },
	{ ".docx", "application/vnd.openxmlformats-officedocument."
	  "wordprocessingml.document" },
};

const char *
rs_mime_of(const char *name)
{
	const char	*dot = strrchr(name, '.');

	if (dot != NULL)
		for (size_t i = 0; i < nitems(mimes); i++)
			if (strcasecmp(dot, mimes[i].ext) == 0)
				return mimes[i].mime;
	return "application/octet-stream";
}

int
rs_principal_read(const char *text, const char *kind, enum catalog_pkind *k,
    const char **name, struct rs_err *e)
{
	int	want;

	catalog_principal_parse(text, k, name);
	if (kind == NULL || kind[0] == '\0')
		return 0;
	want = catalog_pkind_parse(kind);
	if (want == -1)
		return rs_err_set(e, RS_E_BADINPUT, "unknown principal kind "
		    "'%.40s'; use %s, %s or %s", kind,
		    catalog_pkind_name(CATALOG_PK_BUILTIN_USER),
		    catalog_pkind_name(CATALOG_PK_LINUX_USER),
		    catalog_pkind_name(CATALOG_PK_LINUX_GROUP));
	if (*k != CATALOG_PK_UNSPEC && *k != (enum catalog_pkind)want)
		return rs_err_set(e, RS_E_BADINPUT, "the principal '%.300s' "
		    "names kind %s but PrincipalKind says %s", text,
		    catalog_pkind_name(*k), catalog_pkind_name(want));
	*k = (enum catalog_pkind)want;
	return 0;
}
