/*
 * subs_render.c: renders a report into memory for a scheduled job, and
 * stores and replays its data.  What is stored for a snapshot, a history
 * snapshot or a cache entry is the data each dataset's query returned
 * (the rows, typed), with the execution time and the parameter values,
 * never a rendered format: rendering a stored snapshot to any format runs
 * the report's processing over the stored rows and queries nothing.
 *
 * The stored form: "RSD1", the execution time (8 bytes), the parameter
 * key (4-byte length, bytes), then records: 'D' dataset (4 bytes) and
 * column count (4), or 'R' and one value per column (a type byte, then 1
 * byte for Boolean, 8 for Integer, Float and DateTime, 4 + n + 1 for a
 * String with its NUL).  Numbers are in the host's order: the data never
 * leaves the installation's catalog.
 */
#include "reportserver/intake.h"
#include "reportserver/render_hook.h"
#include "reportserver/subs.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RSD_MAGIC	"RSD1"
#define RSD_DATASETS_MAX 256

const char *
rs_source_name(enum rs_source s)
{
	static const char *const n[] = { "Live", "Cache", "Snapshot",
	    "History" };

	return (unsigned)s < nitems(n) ? n[s] : "Live";
}

char *
rs_param_key(const struct deliver_kvs *p)
{
	struct buf	b;

	buf_init(&b, 0);
	for (size_t i = 0; p != NULL && i < p->n; i++) {
		if (i > 0)
			(void)buf_puts(&b, "&", NULL);
		rs_url_encode(&b, p->v[i].name, false);
		(void)buf_puts(&b, "=", NULL);
		rs_url_encode(&b, p->v[i].value, false);
	}
	return b.data != NULL ? buf_take(&b, NULL) : xstrdup("");
}

/* ---- recording ---- */

struct rec {
	struct buf	 b;
	bool		 over;
};

static void
put32(struct buf *b, uint32_t v)
{
	(void)buf_append(b, &v, sizeof(v), NULL);
}

static int
rec_row(void *arg, int ds, const struct expr_value *row, size_t n,
    struct rs_err *e)
{
	struct rec	*r = arg;

	if (row == NULL) {
		(void)buf_puts(&r->b, "D", NULL);
		put32(&r->b, (uint32_t)ds);
		put32(&r->b, (uint32_t)n);
		return 0;
	}
	(void)buf_puts(&r->b, "R", NULL);
	for (size_t i = 0; i < n; i++) {
		uint8_t	t = (uint8_t)row[i].type;

		(void)buf_append(&r->b, &t, 1, NULL);
		if (row[i].type == EXPR_T_BOOL) {
			uint8_t	v = row[i].u.b;

			(void)buf_append(&r->b, &v, 1, NULL);
		} else if (row[i].type == EXPR_T_STRING) {
			uint32_t l = (uint32_t)strlen(row[i].u.s);

			put32(&r->b, l);
			(void)buf_append(&r->b, row[i].u.s, l + 1, NULL);
		} else if (row[i].type != EXPR_T_NULL)
			(void)buf_append(&r->b, &row[i].u, 8, NULL);
	}
	if (r->b.len > RS_RENDER_MAX)
		return rs_err_set(e, RS_E_LIMIT, "the report's data is larger "
		    "than %zu MB; it cannot be stored as a snapshot",
		    RS_RENDER_MAX >> 20);
	return 0;
}

/* ---- replaying ---- */

struct play {
	const uint8_t	*p, *end;
	const uint8_t	*ds[RSD_DATASETS_MAX];	/* first record of each */
	uint32_t	 ncols[RSD_DATASETS_MAX];
	int64_t		 exec_time;
	char		*params;
};

static bool
get(const uint8_t **p, const uint8_t *end, void *out, size_t n)
{
	if ((size_t)(end - *p) < n)
		return false;
	memcpy(out, *p, n);
	*p += n;
	return true;
}

/* Reads one row of n values at *p into row (strings point into the data). */
static bool
read_row(const uint8_t **p, const uint8_t *end, struct expr_value *row,
    uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint8_t		t;
		uint32_t	l;

		memset(&row[i], 0, sizeof(row[i]));
		if (!get(p, end, &t, 1) || t > EXPR_T_DATETIME)
			return false;
		row[i].type = (enum expr_type)t;
		row[i].borrowed = true;
		if (t == EXPR_T_BOOL) {
			uint8_t	v;

			if (!get(p, end, &v, 1))
				return false;
			row[i].u.b = v != 0;
		} else if (t == EXPR_T_STRING) {
			if (!get(p, end, &l, 4) || (size_t)(end - *p) < l + 1 ||
			    (*p)[l] != '\0')
				return false;
			row[i].u.s = (char *)*p;
			*p += l + 1;
		} else if (t != EXPR_T_NULL && !get(p, end, &row[i].u, 8))
			return false;
	}
	return true;
}

/* Indexes the records; false when the data is damaged. */
static bool
play_open(struct play *pl, const void *data, size_t len)
{
	const uint8_t	*p = data, *end = p + len;
	struct expr_value row[DATA_COLUMNS_MAX];
	uint32_t	 cur = UINT32_MAX, l;

	memset(pl, 0, sizeof(*pl));
	if (len < 16 || memcmp(p, RSD_MAGIC, 4) != 0)
		return false;
	p += 4;
	if (!get(&p, end, &pl->exec_time, 8) || !get(&p, end, &l, 4) ||
	    (size_t)(end - p) < l)
		return false;
	pl->params = xmalloc(l + 1);
	memcpy(pl->params, p, l);
	pl->params[l] = '\0';
	p += l;
	while (p < end) {
		uint8_t	tag = *p++;

		if (tag == 'D') {
			if (!get(&p, end, &cur, 4) || cur >= RSD_DATASETS_MAX ||
			    !get(&p, end, &pl->ncols[cur], 4) ||
			    pl->ncols[cur] > DATA_COLUMNS_MAX)
				return false;
			pl->ds[cur] = p;
		} else if (tag != 'R' || cur == UINT32_MAX ||
		    !read_row(&p, end, row, pl->ncols[cur]))
			return false;
	}
	pl->p = data;
	pl->end = end;
	return true;
}

static int
replay(void *arg, int ds, data_row_fn fn, void *fnarg, size_t *rows,
    struct rs_err *e)
{
	struct play	*pl = arg;
	const uint8_t	*p;
	struct expr_value *row;
	int		 rc = 0;

	*rows = 0;
	if (ds < 0 || ds >= RSD_DATASETS_MAX || pl->ds[ds] == NULL)
		return 0;	/* the snapshot never ran it: no rows */
	row = xcalloc(pl->ncols[ds] + 1, sizeof(*row));
	for (p = pl->ds[ds]; p < pl->end && *p == 'R' && rc == 0;) {
		p++;
		if (!read_row(&p, pl->end, row, pl->ncols[ds]))
			break;
		rc = fn(fnarg, row, pl->ncols[ds], e);
		(*rows)++;
	}
	free(row);
	return rc;
}

/* ---- rendering ---- */

struct sinkbuf {
	struct buf	*b;
	bool		 keep;
};

static int
sink(void *arg, const void *p, size_t len, struct rs_err *e)
{
	struct sinkbuf	*s = arg;

	if (!s->keep)
		return 0;
	if (s->b->len + len > RS_RENDER_MAX)
		return rs_err_set(e, RS_E_LIMIT, "the rendered report is larger "
		    "than %zu MB", RS_RENDER_MAX >> 20);
	return buf_append(s->b, p, len, e);
}

struct rjob {
	struct catalog		*cat;
	struct rs_job_render	*j;
};

static int
resolve(void *arg, const struct rdl_datasource *ds, struct data_source *out,
    struct rs_err *e)
{
	struct rjob	*r = arg;

	return rs_resolve_source(r->cat, r->j->it->path, r->j->policy, ds, out,
	    e);
}

static int
resolve_dataset(void *arg, const char *ref, struct rdl_definition *out,
    struct rs_err *e)
{
	struct rjob	*r = arg;

	return rs_resolve_dataset(r->cat, r->j->it->path, ref, out, e);
}

static void
log_exec(struct catalog *cat, const struct rs_job_render *j, const char *pk)
{
	struct catalog_exec	x = { 0 };
	struct rs_err		e;

	x.instance = "RS_REPORTSERVER";
	x.item_path = j->it->path;
	x.user = j->user;
	x.request_type = "Subscription";
	x.format = j->lg.format[0] ? j->lg.format : j->format ? j->format : "";
	x.parameters = pk;
	x.time_start = j->lg.time_start;
	x.time_end = j->lg.time_end;
	x.time_data = j->lg.time_data_ms;
	x.time_processing = j->lg.time_processing_ms;
	x.time_rendering = j->lg.time_rendering_ms;
	x.source = rs_source_name(j->source);
	x.status = j->lg.status[0] ? j->lg.status : "rsSuccess";
	x.bytes = (int64_t)j->lg.bytes;
	x.rows = (int64_t)j->lg.rows;
	if (catalog_exec_log_add(cat, &x, &e) == -1)
		log_warn("execution log: %s", e.msg);
}

/* Binds the data sources for the user who last changed the report. */
static int
bindings(struct catalog *cat, const struct rs_job_render *j,
    const struct rdl_report *rep, struct rs_err *e)
{
	struct rsuser		binder;
	struct rs_refusal	ref;
	int			rc;

	rs_user_named(cat, j->it->modified_by, &binder);
	rc = rs_bindings_check(cat, &binder, j->it->path, rep->datasources,
	    rep->ndatasources, true, &ref, e);
	if (rc == 0)
		rc = rs_datasets_check(cat, &binder, j->it->path, rep, true,
		    &ref, e);
	rsuser_fini(&binder);
	return rc;
}

/* Finds stored data for the job: snapshot or cache, by the options. */
static void *
stored(struct catalog *cat, struct rs_job_render *j, const char *pk,
    size_t *len)
{
	struct catalog_exec_opts	o;
	struct catalog_rdata		d;
	struct rs_err			e;
	void				*data = NULL;
	int				 kind;

	if (j->store || catalog_exec_opts_get(cat, j->it->id, &o, &e) == -1)
		return NULL;
	if (o.exec_type == CATALOG_EXEC_SNAPSHOT)
		kind = CATALOG_DATA_SNAPSHOT;
	else if (o.exec_type == CATALOG_EXEC_CACHE)
		kind = CATALOG_DATA_CACHE;
	else
		return NULL;
	if (catalog_rdata_find(cat, j->it->id, kind, pk, 0, j->now, &d, &data,
	    len, &e) == -1)
		return NULL;
	catalog_rdata_fini(&d);
	j->source = kind == CATALOG_DATA_SNAPSHOT ? RS_SRC_SNAPSHOT :
	    RS_SRC_CACHE;
	return data;
}

/* Keeps the recorded data: as asked, or as a cache entry. */
static void
keep(struct catalog *cat, struct rs_job_render *j, struct rec *r,
    const char *pk)
{
	struct catalog_exec_opts	o;
	struct catalog_rdata		d = { 0 };
	struct rs_err			e;
	int				keep_n = -1;

	if (catalog_exec_opts_get(cat, j->it->id, &o, &e) == -1)
		return;
	str_copy(d.item_id, sizeof(d.item_id), j->it->id);
	d.kind = j->store ? j->store_kind : CATALOG_DATA_CACHE;
	d.param_key = (char *)pk;
	d.created = j->now;
	if (d.kind == CATALOG_DATA_CACHE) {
		if (o.exec_type != CATALOG_EXEC_CACHE)
			return;
		d.expires = o.cache_minutes > 0 ? j->now + 60 *
		    (int64_t)o.cache_minutes : 0;
	}
	if (d.kind == CATALOG_DATA_HISTORY)
		keep_n = o.history_limit;
	if (catalog_rdata_put(cat, &d, r->b.data, r->b.len, keep_n, &e) == -1)
		log_warn("%s: cannot store its data: %s", j->it->path, e.msg);
}

static void
header(struct rec *r, int64_t exec_ms, const char *pk)
{
	uint32_t	l = (uint32_t)strlen(pk);

	(void)buf_append(&r->b, RSD_MAGIC, 4, NULL);
	(void)buf_append(&r->b, &exec_ms, 8, NULL);
	put32(&r->b, l);
	(void)buf_append(&r->b, pk, l, NULL);
}

static int
render(struct catalog *cat, struct rs_job_render *j, struct rdl_report *rep,
    const char *pk, struct rs_err *e)
{
	struct render_request	 q = { 0 };
	struct render_param_in	 pin[DELIVER_KV_MAX];
	struct sinkbuf		 sb = { &j->out, j->format != NULL };
	struct rjob		 rj = { cat, j };
	struct play		 pl;
	struct rec		 rc = { { 0 }, false };
	char			 folder[CATALOG_PATH_MAX + 2];
	void			*data;
	size_t			 len = 0;
	int			 r;

	for (size_t i = 0; j->params != NULL && i < j->params->n; i++)
		pin[i] = (struct render_param_in){ j->params->v[i].name,
		    j->params->v[i].value, false };
	catalog_path_parent(j->it->path, folder, sizeof(folder));
	q.report = rep;
	q.format = j->format != NULL ? j->format : "XML";
	q.params = pin;
	q.nparams = j->params != NULL ? j->params->n : 0;
	q.resolve = resolve;
	q.resolve_arg = &rj;
	q.resolve_dataset = resolve_dataset;
	q.resolve_dataset_arg = &rj;
	q.write = sink;
	q.write_arg = &sb;
	q.user_id = j->user;
	q.report_folder = folder;
	q.url_base = j->url_base;
	j->source = RS_SRC_LIVE;
	data = stored(cat, j, pk, &len);
	memset(&pl, 0, sizeof(pl));
	if (data != NULL && play_open(&pl, data, len)) {
		q.replay = replay;
		q.data_arg = &pl;
		q.execution_time = pl.exec_time;
	} else {
		j->source = RS_SRC_LIVE;
		buf_init(&rc.b, 0);
		header(&rc, expr_dt_now(), pk);
		q.record = rec_row;
		q.data_arg = &rc;
	}
	r = render_report(&q, &j->lg, e);
	if (r == 0 && q.record != NULL)
		keep(cat, j, &rc, pk);
	buf_fini(&rc.b);
	free(pl.params);
	free(data);
	return r;
}

int
rs_job_render(struct catalog *cat, struct rs_job_render *j, struct rs_err *e)
{
	struct rdl_report	*rep;
	char			*pk = rs_param_key(j->params);
	int			 rc = -1;

	buf_init(&j->out, RS_RENDER_MAX);
	memset(&j->lg, 0, sizeof(j->lg));
	rs_err_clear(e);
	if (j->format != NULL && render_format_mime(j->format) == NULL) {
		rs_err_set(e, RS_E_USAGE, "the rendering extension '%.32s' is "
		    "not available; use one of " RENDER_FORMATS, j->format);
		free(pk);
		return -1;
	}
	rep = rdl_parse(j->rdl, j->len, j->it->name, e);
	if (rep != NULL && bindings(cat, j, rep, e) == 0)
		rc = render(cat, j, rep, pk, e);
	if (rep != NULL)
		log_exec(cat, j, pk);
	rdl_free(rep);
	free(pk);
	return rc;
}

void
rs_job_render_fini(struct rs_job_render *j)
{
	buf_fini(&j->out);
}

/* ---- interactive renders (URL access) ---- */

struct rs_stored {
	enum rs_source	 source;
	struct play	 pl;
	void		*data;
	struct rec	 rec;		/* a cache miss: recorded, then kept */
	bool		 recording;
	char		 item_id[CATALOG_ID_LEN + 1];
	char		*pk;
	int64_t		 now;
	int		 minutes;
};

char *
rs_param_key_in(const struct render_param_in *p, size_t n)
{
	struct deliver_kvs	l = { 0 };
	struct rs_err		e;
	char			*k;

	for (size_t i = 0; i < n && i < DELIVER_KV_MAX; i++)
		(void)deliver_kvs_add(&l, p[i].name, p[i].isnull ? "" :
		    p[i].value, false, &e);
	k = rs_param_key(&l);
	deliver_kvs_fini(&l);
	return k;
}

/* The history snapshot named by rs:Snapshot ("2026-06-01T08:00:00Z"). */
static void *
history_data(struct catalog *cat, const char *item_id, const char *id,
    size_t *len, struct rs_err *e)
{
	struct catalog_rdata	 d;
	struct tm		 tm;
	const char		*end;
	void			*data = NULL;

	memset(&tm, 0, sizeof(tm));
	end = strptime(id, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL || (*end != '\0' && strcmp(end, "Z") != 0)) {
		rs_err_set(e, RS_E_BADINPUT, "rs:Snapshot '%.40s' is not a "
		    "history snapshot time (2026-06-01T08:00:00Z)", id);
		return NULL;
	}
	if (catalog_rdata_find(cat, item_id, CATALOG_DATA_HISTORY, NULL,
	    (int64_t)timegm(&tm), 0, &d, &data, len, e) == -1) {
		rs_err_set(e, RS_E_NOTFOUND, "the report has no history "
		    "snapshot of %.40s (rsReportSnapshotNotFound)", id);
		return NULL;
	}
	catalog_rdata_fini(&d);
	return data;
}

static void *
exec_data(struct catalog *cat, struct rs_stored *s, size_t *len)
{
	struct catalog_exec_opts	o;
	struct catalog_rdata		d;
	struct rs_err			e;
	void				*data = NULL;

	if (catalog_exec_opts_get(cat, s->item_id, &o, &e) == -1 ||
	    o.exec_type == CATALOG_EXEC_LIVE)
		return NULL;
	s->minutes = o.cache_minutes;
	if (catalog_rdata_find(cat, s->item_id, o.exec_type ==
	    CATALOG_EXEC_SNAPSHOT ? CATALOG_DATA_SNAPSHOT : CATALOG_DATA_CACHE,
	    s->pk, 0, s->now, &d, &data, len, &e) == 0) {
		catalog_rdata_fini(&d);
		s->source = o.exec_type == CATALOG_EXEC_SNAPSHOT ?
		    RS_SRC_SNAPSHOT : RS_SRC_CACHE;
		return data;
	}
	/* A cache miss renders live and keeps the data; a snapshot report
	 * without a snapshot yet renders live (the original makes one). */
	if (o.exec_type == CATALOG_EXEC_CACHE) {
		s->recording = true;
		buf_init(&s->rec.b, 0);
		header(&s->rec, expr_dt_now(), s->pk);
	}
	return NULL;
}

int
rs_stored_begin(struct catalog *cat, const struct catalog_item *it,
    const char *snapshot, int64_t now, struct render_request *q,
    struct rs_stored **out, struct rs_err *e)
{
	struct rs_stored	*s = xcalloc(1, sizeof(*s));
	size_t			 len = 0;

	*out = s;
	str_copy(s->item_id, sizeof(s->item_id), it->id);
	s->pk = rs_param_key_in(q->params, q->nparams);
	s->now = now;
	if (snapshot != NULL && snapshot[0] != '\0') {
		s->data = history_data(cat, it->id, snapshot, &len, e);
		if (s->data == NULL)
			return -1;
		s->source = RS_SRC_HISTORY;
	} else
		s->data = exec_data(cat, s, &len);
	if (s->data != NULL) {
		if (!play_open(&s->pl, s->data, len))
			return rs_err_set(e, RS_E_INTERNAL, "the stored data of "
			    "this report is damaged");
		q->replay = replay;
		q->data_arg = &s->pl;
		q->execution_time = s->pl.exec_time;
	} else if (s->recording) {
		q->record = rec_row;
		q->data_arg = &s->rec;
	}
	return 0;
}

enum rs_source
rs_stored_source(const struct rs_stored *s)
{
	return s != NULL ? s->source : RS_SRC_LIVE;
}

void
rs_stored_end(struct catalog *cat, struct rs_stored *s, int rc)
{
	struct catalog_rdata	d = { 0 };
	struct rs_err		e;

	if (s == NULL)
		return;
	if (s->recording && rc == 0) {
		str_copy(d.item_id, sizeof(d.item_id), s->item_id);
		d.kind = CATALOG_DATA_CACHE;
		d.param_key = s->pk;
		d.created = s->now;
		d.expires = s->minutes > 0 ? s->now + 60 * (int64_t)s->minutes :
		    0;
		if (catalog_rdata_put(cat, &d, s->rec.b.data, s->rec.b.len, -1,
		    &e) == -1)
			log_warn("cache: %s", e.msg);
	}
	buf_fini(&s->rec.b);
	free(s->pl.params);
	free(s->data);
	free(s->pk);
	free(s);
}
