/*
 * rest.c: the REST API v2.0 (see rest.h): routing, reading items and
 * collections with OData options, Content/$value, Me, System and the
 * execution log (ExecutionLogs, System Administrators only).  Writes
 * live in rest_write.c.  Every answer is JSON; errors use the original's
 * {"error":{"code":"rs...","message":...}} shape.
 */
#include "reportserver/rest.h"
#include "reportserver/subs.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char	*set;
	int		 type;
} sets[] = {
	{ "CatalogItems", 0 }, { "Folders", CATALOG_FOLDER },
	{ "Reports", CATALOG_REPORT }, { "DataSources", CATALOG_DATASOURCE },
	{ "Resources", CATALOG_RESOURCE }, { "DataSets", CATALOG_DATASET },
};

static const char *const props[] = {
	"Id", "Name", "Description", "Path", "Type", "Hidden", "Size",
	"ModifiedBy", "ModifiedDate", "CreatedBy", "CreatedDate",
	"ParentFolderId", "ContentType", "Content", "IsFavorite",
	"HasDataSources", "HasSharedDataSets", "HasParameters", "IsEnabled",
	"ConnectionString", "DataSourceType", NULL,
};

/* Reads "Key" of Set(Key): a GUID or Path='...' with '' for a quote. */
static int
parse_key(const char *s, struct rest_route *r, const char **end,
    struct rs_err *e)
{
	size_t	n = 0;

	if (str_has_iprefix(s, "Path='")) {
		r->key_is_path = true;
		for (s += 6;; s++) {
			if (*s == '\0')
				return rs_err_set(e, RS_E_BADINPUT, "unterminated "
				    "Path key");
			if (*s == '\'' && s[1] != '\'')
				break;
			if (*s == '\'')
				s++;
			if (n + 1 >= sizeof(r->key))
				return rs_err_set(e, RS_E_LIMIT, "the path is "
				    "too long");
			r->key[n++] = *s;
		}
		s++;
	} else {
		while (*s != ')' && *s != '\0' && n + 1 < sizeof(r->key))
			r->key[n++] = *s++;
	}
	r->key[n] = '\0';
	if (*s != ')')
		return rs_err_set(e, RS_E_BADINPUT, "bad key: expected ')'");
	*end = s + 1;
	return 0;
}

int
rest_route_parse(const char *path, struct rest_route *r, struct rs_err *e)
{
	const char	*p = path;
	size_t		 n;

	memset(r, 0, sizeof(*r));
	while (*p == '/')
		p++;
	n = strcspn(p, "(/");
	if (n == 0 || n >= sizeof(r->set))
		return rs_err_set(e, RS_E_NOTFOUND, "no resource '%.64s' in "
		    "the REST API", path);
	memcpy(r->set, p, n);
	r->set[n] = '\0';
	p += n;
	if (*p == '(') {
		r->has_key = true;
		if (parse_key(p + 1, r, &p, e) == -1)
			return -1;
	}
	if (*p == '/')
		p++;
	if (str_copy(r->rest, sizeof(r->rest), p) == -1)
		return rs_err_set(e, RS_E_NOTFOUND, "no such resource");
	return 0;
}

void
rest_fail(struct rest_ctx *c, const struct rs_err *e, const char *rscode)
{
	rs_error_json(c->resp, rs_err_status(e), rscode != NULL ? rscode :
	    rs_err_rscode(e), e->msg);
}

void
rest_denied(struct rest_ctx *c)
{
	char	msg[400];

	snprintf(msg, sizeof(msg), "The permissions granted to user '%s' are "
	    "insufficient for performing this operation.", c->user->name);
	rs_error_json(c->resp, 403, "rsAccessDenied", msg);
}

int
rest_find(struct rest_ctx *c, const struct rest_route *r,
    struct catalog_item *it)
{
	struct rs_err	e;
	int		rc;

	if (r->key_is_path)
		rc = rs_item_get(c->cat, c->user, r->key, it, &e);
	else
		rc = rs_item_get_id(c->cat, c->user, r->key, it, &e);
	if (rc == 0 && c->type != 0 && it->type != c->type) {
		catalog_item_fini(it);
		rc = rs_err_set(&e, RS_E_NOTFOUND, "the item '%s' is not a %s",
		    r->key, catalog_type_name(c->type));
	}
	if (rc == 0 && !rs_can_view(it->type, rs_tasks(c->cat, it->id,
	    c->user))) {
		catalog_item_fini(it);
		rest_denied(c);
		return -1;
	}
	if (rc == -1)
		rest_fail(c, &e, e.code == RS_E_BADINPUT ? "rsInvalidItemPath" :
		    NULL);
	return rc;
}

static char *
xml_text(xmlNode *root, const char *name)
{
	for (xmlNode *n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, name) == 0) {
			xmlChar	*t = xmlNodeGetContent(n);
			char	*s = xstrdup(t != NULL ? (char *)t : "");

			xmlFree(t);
			return s;
		}
		if (strcmp((const char *)n->name, "ConnectionProperties") == 0)
		{
			char	*s = xml_text(n, name);

			if (s != NULL)
				return s;
		}
	}
	return NULL;
}

void
rs_ds_read(struct catalog *cat, const char *id, struct ds_info *d)
{
	struct rs_err	 e;
	void		*data;
	size_t		 len;
	xmlDoc		*doc = NULL;
	char		*en;

	memset(d, 0, sizeof(*d));
	d->enabled = true;
	if (catalog_item_content(cat, id, &data, &len, &e) == -1)
		return;
	if (len > 0 && len < 1024 * 1024)
		doc = xmlReadMemory(data, (int)len, "ds.xml", NULL,
		    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(data);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		xmlFreeDoc(doc);
		return;
	}
	d->ext = xml_text(xmlDocGetRootElement(doc), "Extension");
	d->conn = xml_text(xmlDocGetRootElement(doc), "ConnectString");
	en = xml_text(xmlDocGetRootElement(doc), "Enabled");
	d->enabled = en == NULL || !str_ieq(en, "false");
	free(en);
	xmlFreeDoc(doc);
}

/* The entity the OData functions read. */
struct ent {
	const struct catalog_item	*it;
	char				 mod[32], cre[32];
	struct ds_info			 ds;
};

static bool
ent_prop(const void *x, const char *name, struct odata_val *v)
{
	const struct ent		*en = x;
	const struct catalog_item	*it = en->it;
	static const struct {
		const char	*name;
		size_t		 off;
	} strs[] = {
		{ "Id", offsetof(struct catalog_item, id) },
		{ "ParentFolderId", offsetof(struct catalog_item, parent_id) },
	};

	v->t = ODATA_STR;
	for (size_t i = 0; i < nitems(strs); i++)
		if (str_ieq(name, strs[i].name)) {
			v->s = (const char *)it + strs[i].off;
			return true;
		}
	if (str_ieq(name, "Name"))
		v->s = it->name;
	else if (str_ieq(name, "Path"))
		v->s = it->path;
	else if (str_ieq(name, "Description"))
		v->s = it->description;
	else if (str_ieq(name, "Type"))
		v->s = catalog_type_name(it->type);
	else if (str_ieq(name, "ModifiedBy"))
		v->s = it->modified_by;
	else if (str_ieq(name, "CreatedBy"))
		v->s = it->created_by;
	else if (str_ieq(name, "ContentType"))
		v->s = it->content_type;
	else if (str_ieq(name, "ModifiedDate"))
		v->s = en->mod;
	else if (str_ieq(name, "CreatedDate"))
		v->s = en->cre;
	else if (str_ieq(name, "Size")) {
		v->t = ODATA_NUM;
		v->n = (double)it->size;
	} else if (str_ieq(name, "Hidden") || str_ieq(name, "IsFavorite")) {
		v->t = ODATA_BOOL;
		v->b = str_ieq(name, "Hidden") && it->hidden;
	} else
		return false;
	return true;
}

static void
ent_init(struct ent *en, struct catalog *cat, const struct catalog_item *it)
{
	memset(en, 0, sizeof(*en));
	en->it = it;
	rs_time_iso(it->modified, en->mod, sizeof(en->mod));
	rs_time_iso(it->created, en->cre, sizeof(en->cre));
	if (it->type == CATALOG_DATASOURCE && cat != NULL)
		rs_ds_read(cat, it->id, &en->ds);
}

static void
ent_fini(struct ent *en)
{
	rs_ds_fini(&en->ds);
}

void
rs_ds_fini(struct ds_info *d)
{
	free(d->ext);
	free(d->conn);
	d->ext = d->conn = NULL;
}

static void
put_str(struct buf *b, const struct odata_query *q, const char *k,
    const char *v, bool *first)
{
	if (q != NULL && !odata_selected(q, k))
		return;
	(void)buf_printf(b, NULL, "%s\"%s\":", *first ? "" : ",", k);
	if (v != NULL)
		(void)buf_json_str(b, v, NULL);
	else
		(void)buf_puts(b, "null", NULL);
	*first = false;
}

static void
put_raw(struct buf *b, const struct odata_query *q, const char *k,
    const char *v, bool *first)
{
	if (q != NULL && !odata_selected(q, k))
		return;
	(void)buf_printf(b, NULL, "%s\"%s\":%s", *first ? "" : ",", k, v);
	*first = false;
}

static void
item_json(struct buf *b, const struct ent *en, const struct odata_query *q)
{
	const struct catalog_item	*it = en->it;
	char				 size[32];
	bool				 first = false;

	(void)buf_printf(b, NULL, "{\"@odata.type\":\"#Model.%s\"",
	    catalog_type_name(it->type));
	put_str(b, q, "Id", it->id, &first);
	put_str(b, q, "Name", it->name, &first);
	put_str(b, q, "Description", it->description, &first);
	put_str(b, q, "Path", it->path, &first);
	put_str(b, q, "Type", catalog_type_name(it->type), &first);
	put_raw(b, q, "Hidden", it->hidden ? "true" : "false", &first);
	snprintf(size, sizeof(size), "%lld", (long long)it->size);
	put_raw(b, q, "Size", size, &first);
	put_str(b, q, "ModifiedBy", it->modified_by, &first);
	put_str(b, q, "ModifiedDate", en->mod, &first);
	put_str(b, q, "CreatedBy", it->created_by, &first);
	put_str(b, q, "CreatedDate", en->cre, &first);
	put_str(b, q, "ParentFolderId", it->parent_id[0] ? it->parent_id :
	    NULL, &first);
	put_str(b, q, "ContentType", it->content_type[0] ? it->content_type :
	    NULL, &first);
	put_raw(b, q, "Content", "null", &first);
	put_raw(b, q, "IsFavorite", "false", &first);
	if (it->type == CATALOG_REPORT || it->type == CATALOG_DATASET) {
		put_raw(b, q, "HasDataSources", "false", &first);
		put_raw(b, q, "HasSharedDataSets", "false", &first);
		put_raw(b, q, "HasParameters", "false", &first);
	}
	if (it->type == CATALOG_DATASOURCE) {
		put_raw(b, q, "IsEnabled", en->ds.enabled ? "true" : "false",
		    &first);
		put_str(b, q, "ConnectionString", en->ds.conn, &first);
		put_str(b, q, "DataSourceType", en->ds.ext, &first);
	}
	(void)buf_puts(b, "}", NULL);
}

static void
json_reply(struct rsresp *resp, int status)
{
	resp->status = status;
	rsresp_header(resp, "Content-Type", "application/json; "
	    "odata.metadata=minimal; odata.streaming=true; charset=utf-8");
	rsresp_header(resp, "OData-Version", "4.0");
}

void
rest_json_reply(struct rsresp *resp, int status)
{
	json_reply(resp, status);
}

void
rest_item_reply(struct rest_ctx *c, int status, const struct catalog_item *it)
{
	struct ent	en;
	struct buf	*b = &c->resp->body;

	ent_init(&en, c->cat, it);
	buf_reset(b);
	item_json(b, &en, NULL);
	/* Insert the context first, as the original does. */
	{
		struct buf	out;

		buf_init(&out, 0);
		(void)buf_printf(&out, NULL, "{\"@odata.context\":\"%s/api/v2.0"
		    "/$metadata#%s/$entity\",", c->req->vdir, c->set);
		(void)buf_puts(&out, b->data + 1, NULL);
		buf_reset(b);
		(void)buf_append(b, out.data, out.len, NULL);
		buf_fini(&out);
	}
	json_reply(c->resp, status);
	ent_fini(&en);
}

static int
odata_from_query(struct rest_ctx *c, struct odata_query *oq)
{
	struct rsquery	q;
	struct rs_err	e;
	const char	*ob;
	int		rc;

	if (rs_query_parse(c->req->query, &q, &e) == -1) {
		rest_fail(c, &e, "rsInvalidParameter");
		return -1;
	}
	ob = rs_query_get(&q, "$orderby");
	rc = odata_parse(oq, rs_query_get(&q, "$top"), rs_query_get(&q,
	    "$skip"), rs_query_get(&q, "$count"), rs_query_get(&q, "$filter"),
	    ob, rs_query_get(&q, "$select"), props, &e);
	rs_query_fini(&q);
	if (rc == -1)
		rest_fail(c, &e, "rsInvalidParameter");
	return rc;
}

/* Writes a collection of items after filtering, sorting and paging. */
static void
collection(struct rest_ctx *c, struct catalog_item *v, size_t n,
    const char *set)
{
	struct odata_query	 q;
	struct ent		*ents;
	const void		**sel;
	size_t			 ns = 0, out = 0;
	struct buf		*b = &c->resp->body;

	if (odata_from_query(c, &q) == -1)
		return;
	ents = xcalloc(n + 1, sizeof(*ents));
	sel = xcalloc(n + 1, sizeof(*sel));
	for (size_t i = 0; i < n; i++) {
		if ((c->type != 0 && v[i].type != c->type) ||
		    !rs_can_view(v[i].type, rs_tasks(c->cat, v[i].id, c->user)))
			continue;
		ent_init(&ents[i], c->cat, &v[i]);
		if (q.filter == NULL || odata_eval(q.filter, ent_prop,
		    &ents[i]))
			sel[ns++] = &ents[i];
	}
	odata_sort(&q, ent_prop, sel, ns);
	buf_reset(b);
	(void)buf_printf(b, NULL, "{\"@odata.context\":\"%s/api/v2.0/"
	    "$metadata#%s\"", c->req->vdir, set);
	if (q.count)
		(void)buf_printf(b, NULL, ",\"@odata.count\":%zu", ns);
	(void)buf_puts(b, ",\"value\":[", NULL);
	for (size_t i = (size_t)q.skip; i < ns && (q.top < 0 ||
	    out < (size_t)q.top); i++, out++) {
		if (out > 0)
			(void)buf_puts(b, ",", NULL);
		item_json(b, sel[i], &q);
	}
	(void)buf_puts(b, "]}", NULL);
	json_reply(c->resp, 200);
	for (size_t i = 0; i < n; i++)
		ent_fini(&ents[i]);
	free(ents);
	free(sel);
	odata_fini(&q);
}

static void
list_all(struct rest_ctx *c, const char *set)
{
	struct catalog_item	*v;
	struct rs_err		 e;
	size_t			 n;

	if (catalog_item_all(c->cat, &v, &n, &e) == -1) {
		rest_fail(c, &e, NULL);
		return;
	}
	collection(c, v, n, set);
	catalog_items_free(v, n);
}

static void
list_children(struct rest_ctx *c, const struct rest_route *r)
{
	struct catalog_item	 dir, *v;
	struct rs_err		 e;
	size_t			 n;

	c->type = CATALOG_FOLDER;
	if (rest_find(c, r, &dir) == -1)
		return;
	c->type = 0;
	if (catalog_item_children(c->cat, dir.id, &v, &n, &e) == -1)
		rest_fail(c, &e, NULL);
	else {
		collection(c, v, n, "CatalogItems");
		catalog_items_free(v, n);
	}
	catalog_item_fini(&dir);
}

static void
content_value(struct rest_ctx *c, const struct rest_route *r)
{
	struct catalog_item	 it;
	struct rs_err		 e;
	void			*data;
	size_t			 len;

	if (rest_find(c, r, &it) == -1)
		return;
	if (!rs_can_read_definition(it.type, rs_tasks(c->cat, it.id,
	    c->user)))
		rest_denied(c);	/* a Browser views, he does not download */
	else if (catalog_item_content(c->cat, it.id, &data, &len, &e) == -1)
		rest_fail(c, &e, NULL);
	else {
		c->resp->status = len == 0 ? 204 : 200;
		rsresp_header(c->resp, "Content-Type", it.content_type[0] ?
		    it.content_type : rs_mime_of(it.name));
		rsresp_header(c->resp, "X-Content-Type-Options", "nosniff");
		rsresp_header(c->resp, "Content-Security-Policy", "sandbox");
		(void)buf_append(&c->resp->body, data, len, NULL);
		free(data);
	}
	catalog_item_fini(&it);
}

static void
me(struct rest_ctx *c)
{
	struct buf	*b = &c->resp->body;

	(void)buf_printf(b, NULL, "{\"@odata.context\":\"%s/api/v2.0/"
	    "$metadata#Model.User\",\"Id\":null,\"Username\":", c->req->vdir);
	(void)buf_json_str(b, c->user->name, NULL);
	(void)buf_puts(b, ",\"DisplayName\":", NULL);
	(void)buf_json_str(b, c->user->name, NULL);
	(void)buf_puts(b, ",\"HasFavoriteItems\":false,\"MyReportsPath\":null}",
	    NULL);
	json_reply(c->resp, 200);
}

static void
sys_info(struct rest_ctx *c)
{
	struct buf	*b = &c->resp->body;
	const char	*ws = rs_server_ws_vdir(c->srv);
	char		 tz[64];
	time_t		 now = time(NULL);
	struct tm	 tm;

	localtime_r(&now, &tm);
	strftime(tz, sizeof(tz), "%Z", &tm);
	(void)buf_printf(b, NULL, "{\"@odata.context\":\"%s/api/v2.0/"
	    "$metadata#Model.SystemInfo\",\"ReportServerAbsoluteUrl\":"
	    "\"%s://%s/%s\",\"ReportServerRelativeUrl\":\"/%s\","
	    "\"WebPortalRelativeUrl\":\"%s\",\"ProductName\":\"%s\","
	    "\"ProductVersion\":\"%s\",\"ProductType\":\"Native\","
	    "\"TimeZone\":\"%s\"}", c->req->vdir, c->req->https ? "https" :
	    "http", c->req->host, ws, ws, c->req->vdir, RS_PRODUCT, RS_VERSION,
	    tz);
	json_reply(c->resp, 200);
}

/*
 * ExecutionLogs: the execution log (ExecutionLog3's columns) for System
 * Administrators.  An extension: the original exposes the log only as a
 * view in its database.  Rows come newest first; $filter and $orderby
 * work on the newest CATALOG_EXEC_LIST_MAX rows, and one answer holds at
 * most EXEC_TOP_MAX of them (EXEC_TOP_DEFAULT without $top).
 */
#define EXEC_TOP_DEFAULT	100
#define EXEC_TOP_MAX		1000

static const char *const exec_props[] = {
	"Id", "InstanceName", "ItemPath", "UserName", "RequestType", "Format",
	"Parameters", "ItemAction", "TimeStart", "TimeEnd",
	"TimeDataRetrieval", "TimeProcessing", "TimeRendering", "Source",
	"Status", "ByteCount", "RowCount", NULL,
};

struct xent {
	const struct catalog_exec_row	*r;
	char				 start[32], end[32];
};

static const char *
xent_str(const struct xent *x, const char *name)
{
	const struct catalog_exec_row	*r = x->r;
	const struct {
		const char	*name;
		const char	*v;
	} strs[] = {
		{ "InstanceName", r->instance }, { "ItemPath", r->item_path },
		{ "UserName", r->user }, { "RequestType", r->request_type },
		{ "Format", r->format }, { "Parameters", r->parameters },
		{ "ItemAction", r->item_action }, { "TimeStart", x->start },
		{ "TimeEnd", x->end }, { "Source", r->source },
		{ "Status", r->status },
	};

	for (size_t i = 0; i < nitems(strs); i++)
		if (str_ieq(name, strs[i].name))
			return strs[i].v;
	return NULL;
}

static bool
xent_num(const struct catalog_exec_row *r, const char *name, int64_t *v)
{
	const struct {
		const char	*name;
		int64_t		 v;
	} nums[] = {
		{ "Id", r->id }, { "TimeDataRetrieval", r->time_data },
		{ "TimeProcessing", r->time_processing },
		{ "TimeRendering", r->time_rendering },
		{ "ByteCount", r->bytes }, { "RowCount", r->rows },
	};

	for (size_t i = 0; i < nitems(nums); i++)
		if (str_ieq(name, nums[i].name)) {
			*v = nums[i].v;
			return true;
		}
	return false;
}

static bool
xent_prop(const void *p, const char *name, struct odata_val *v)
{
	const struct xent	*x = p;
	int64_t			 n;

	v->s = xent_str(x, name);
	v->t = ODATA_STR;
	if (v->s != NULL)
		return true;
	if (!xent_num(x->r, name, &n))
		return false;
	v->t = ODATA_NUM;
	v->n = (double)n;
	return true;
}

static void
exec_json(struct buf *b, const struct xent *x, const struct odata_query *q)
{
	bool	first = true;
	char	num[32];
	int64_t	n;

	(void)buf_puts(b, "{", NULL);
	for (size_t i = 0; exec_props[i] != NULL; i++) {
		const char	*s = xent_str(x, exec_props[i]);

		if (s != NULL)
			put_str(b, q, exec_props[i], s, &first);
		else if (xent_num(x->r, exec_props[i], &n)) {
			snprintf(num, sizeof(num), "%lld", (long long)n);
			put_raw(b, q, exec_props[i], num, &first);
		}
	}
	(void)buf_puts(b, "}", NULL);
}

/* Reads the options; $top defaults to and is capped at the limits. */
static int
exec_query(struct rest_ctx *c, struct odata_query *oq)
{
	struct rsquery	q;
	struct rs_err	e;
	int		rc;

	if (rs_query_parse(c->req->query, &q, &e) == -1) {
		rest_fail(c, &e, "rsInvalidParameter");
		return -1;
	}
	rc = odata_parse(oq, rs_query_get(&q, "$top"), rs_query_get(&q,
	    "$skip"), rs_query_get(&q, "$count"), rs_query_get(&q, "$filter"),
	    rs_query_get(&q, "$orderby"), rs_query_get(&q, "$select"),
	    exec_props, &e);
	rs_query_fini(&q);
	if (rc == 0 && oq->top > EXEC_TOP_MAX) {
		odata_fini(oq);
		rc = rs_err_set(&e, RS_E_BADINPUT, "$top %ld: at most %d rows "
		    "at a time; page with $skip", oq->top, EXEC_TOP_MAX);
	}
	if (rc == -1)
		rest_fail(c, &e, "rsInvalidParameter");
	else if (oq->top < 0)
		oq->top = EXEC_TOP_DEFAULT;
	return rc;
}

/* Reads the rows the query needs: just the page when nothing filters. */
static int
exec_rows(struct rest_ctx *c, const struct odata_query *q,
    struct catalog_exec_row **v, size_t *n, int64_t *total)
{
	struct rs_err	e;
	size_t		want = CATALOG_EXEC_LIST_MAX;
	bool		plain = q->filter == NULL && q->norder == 0;

	if (plain && (size_t)q->skip < CATALOG_EXEC_LIST_MAX)
		want = (size_t)q->skip + (size_t)q->top;
	if (catalog_exec_log_list(c->cat, want, v, n, &e) == -1 ||
	    (plain && q->count && catalog_exec_log_count(c->cat, total, &e) ==
	    -1)) {
		rest_fail(c, &e, NULL);
		return -1;
	}
	return 0;
}

static void
exec_page(struct rest_ctx *c, const struct odata_query *q,
    const void **sel, size_t ns, int64_t total)
{
	struct buf	*b = &c->resp->body;
	size_t		 out = 0;

	buf_reset(b);
	(void)buf_printf(b, NULL, "{\"@odata.context\":\"%s/api/v2.0/"
	    "$metadata#ExecutionLogs\"", c->req->vdir);
	if (q->count)
		(void)buf_printf(b, NULL, ",\"@odata.count\":%lld",
		    (long long)(total >= 0 ? total : (int64_t)ns));
	(void)buf_puts(b, ",\"value\":[", NULL);
	for (size_t i = (size_t)q->skip; i < ns && out < (size_t)q->top;
	    i++, out++) {
		if (out > 0)
			(void)buf_puts(b, ",", NULL);
		exec_json(b, sel[i], q);
	}
	(void)buf_puts(b, "]}", NULL);
	json_reply(c->resp, 200);
}

static void
exec_logs(struct rest_ctx *c)
{
	struct odata_query	 q;
	struct catalog_exec_row	*v;
	struct xent		*xs;
	const void		**sel;
	size_t			 n, ns = 0;
	int64_t			 total = -1;

	if ((rs_sys_tasks(c->cat, c->user) & CATALOG_S_MANAGE_SECURITY) == 0) {
		rest_denied(c);
		return;
	}
	if (exec_query(c, &q) == -1)
		return;
	if (exec_rows(c, &q, &v, &n, &total) == -1) {
		odata_fini(&q);
		return;
	}
	xs = xcalloc(n + 1, sizeof(*xs));
	sel = xcalloc(n + 1, sizeof(*sel));
	for (size_t i = 0; i < n; i++) {
		xs[i].r = &v[i];
		rs_time_iso(v[i].time_start / 1000, xs[i].start,
		    sizeof(xs[i].start));
		rs_time_iso(v[i].time_end / 1000, xs[i].end, sizeof(xs[i].end));
		if (q.filter == NULL || odata_eval(q.filter, xent_prop, &xs[i]))
			sel[ns++] = &xs[i];
	}
	odata_sort(&q, xent_prop, sel, ns);
	exec_page(c, &q, sel, ns, total);
	free(sel);
	free(xs);
	catalog_exec_rows_free(v, n);
	odata_fini(&q);
}

static void
get_one(struct rest_ctx *c, const struct rest_route *r)
{
	struct catalog_item	it;

	if (rest_find(c, r, &it) == -1)
		return;
	rest_item_reply(c, 200, &it);
	catalog_item_fini(&it);
}

/* Parses the JSON body of a write; NULL with the answer set. */
static struct json *
body_json(struct rest_ctx *c)
{
	const char	*ct = rs_req_header(c->req, "Content-Type");
	struct rs_err	 e;
	struct json	*j;

	if (ct == NULL || !str_has_iprefix(ct, "application/json")) {
		rs_error_json(c->resp, 415, "rsInvalidParameter", "the request "
		    "body must be JSON (Content-Type: application/json)");
		return NULL;
	}
	j = json_parse(c->req->body, c->req->body_len, &e);
	if (j == NULL)
		rs_error_json(c->resp, 400, "rsInvalidParameter", e.msg);
	else if (j->type != JSON_OBJ) {
		rs_error_json(c->resp, 400, "rsInvalidParameter", "the request "
		    "body must be a JSON object");
		json_free(j);
		j = NULL;
	}
	return j;
}

static bool
is(const struct rsreq *r, const char *m)
{
	return strcmp(r->method, m) == 0;
}

static void
with_body(struct rest_ctx *c, const struct rest_route *r,
    void (*fn)(struct rest_ctx *, const struct rest_route *,
    const struct json *))
{
	struct json	*j = body_json(c);

	if (j != NULL) {
		fn(c, r, j);
		json_free(j);
	}
}

static void
create_adapter(struct rest_ctx *c, const struct rest_route *r,
    const struct json *j)
{
	(void)r;
	if (str_ieq(r->rest, "Model.MoveItems"))
		rest_move_items(c, j);
	else if (str_ieq(r->rest, "Model.DeleteItems"))
		rest_delete_items(c, j);
	else
		rest_create(c, j);
}

static void
no_method(struct rest_ctx *c, const char *allow)
{
	rs_error_json(c->resp, 405, "rsInvalidRequest", "this method is not "
	    "allowed on this resource");
	rsresp_header(c->resp, "Allow", allow);
}

static void
item_routes(struct rest_ctx *c, const struct rest_route *r)
{
	if (r->rest[0] == '\0') {
		if (is(c->req, "GET"))
			get_one(c, r);
		else if (is(c->req, "PATCH"))
			with_body(c, r, rest_patch);
		else if (is(c->req, "DELETE"))
			rest_delete(c, r);
		else
			no_method(c, "GET, PATCH, DELETE");
	} else if (str_ieq(r->rest, "Content/$value") && is(c->req, "GET"))
		content_value(c, r);
	else if (str_ieq(r->rest, "Policies")) {
		if (is(c->req, "GET"))
			rest_policies_get(c, r);
		else if (is(c->req, "PUT"))
			with_body(c, r, rest_policies_put);
		else
			no_method(c, "GET, PUT");
	} else if (str_ieq(r->rest, "CatalogItems") && is(c->req, "GET") &&
	    (c->type == CATALOG_FOLDER || c->type == 0))
		list_children(c, r);
	else
		rs_error_json(c->resp, 404, "rsItemNotFound", "no such "
		    "resource in the REST API");
}

static void
set_routes(struct rest_ctx *c, const struct rest_route *r, const char *set)
{
	if (r->has_key)
		item_routes(c, r);
	else if (r->rest[0] != '\0' && !is(c->req, "POST"))
		rs_error_json(c->resp, 404, "rsItemNotFound", "no such "
		    "resource in the REST API");
	else if (is(c->req, "GET"))
		list_all(c, set);
	else if (is(c->req, "POST"))
		with_body(c, r, create_adapter);
	else
		no_method(c, "GET, POST");
}

void
rs_rest_handle(struct rs_server *s, struct catalog *cat,
    const struct rsuser *u, struct rsreq *req, struct rsresp *resp)
{
	struct rest_ctx		c = { s, cat, u, req, resp, 0, "CatalogItems" };
	struct rest_route	r;
	struct rs_err		e;

	if (rest_route_parse(req->path + strlen("/api/v2.0"), &r, &e) == -1) {
		rest_fail(&c, &e, NULL);
		return;
	}
	if (str_ieq(r.set, "Me") && !r.has_key && is(req, "GET")) {
		me(&c);
		return;
	}
	if (str_ieq(r.set, "System") && !r.has_key && r.rest[0] == '\0' &&
	    is(req, "GET")) {
		sys_info(&c);
		return;
	}
	if (str_ieq(r.set, "System") && !r.has_key &&
	    str_ieq(r.rest, "Policies")) {
		if (is(req, "GET"))
			rest_sys_policies_get(&c);
		else if (is(req, "PUT"))
			with_body(&c, &r, rest_sys_policies_put);
		else
			no_method(&c, "GET, PUT");
		return;
	}
	if (str_ieq(r.set, "SignInLimits") && !r.has_key) {
		rest_signin_limits(&c, &r);	/* rest_signin.c */
		return;
	}
	if (str_ieq(r.set, "ExecutionLogs") && !r.has_key &&
	    r.rest[0] == '\0') {
		if (is(req, "GET"))
			exec_logs(&c);
		else
			no_method(&c, "GET");
		return;
	}
	if (rest_subs_route(&c, &r))	/* issue 15: rest_subs.c */
		return;
	for (size_t i = 0; i < nitems(sets); i++)
		if (str_ieq(r.set, sets[i].set)) {
			c.type = sets[i].type;
			c.set = sets[i].set;
			set_routes(&c, &r, sets[i].set);
			return;
		}
	rs_error_json(resp, 404, "rsItemNotFound", "no such resource in the "
	    "REST API");
}
