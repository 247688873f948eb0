/*
 * subs_run.c: what the scheduler's jobs do in the report server.  A
 * subscription job renders its report (subs_render.c) and delivers it by
 * its extension: e-mail (the Report Server Email settings of
 * rsreportserver.config, re-read when the file changes, the password
 * decrypted with the installation key), a file into an allowed folder,
 * or nothing (NULL: the render fills the cache).  A data-driven
 * subscription's first job runs its query and queues one job per row,
 * each with its own status; the subscription's LastStatus counts them.
 * Cache refresh plans, execution snapshots and history snapshots render
 * with their data stored.  Every outcome is a status line a person can
 * act on, and a failure stays with its own job.
 */
#include "reportserver/intake.h"
#include "reportserver/render_hook.h"
#include "reportserver/subs.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "data/data.h"
#include "rskey/rskey.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ROWS_STATUS_EVERY	50

struct ctx {
	struct rs_subs		*s;
	struct sched		*sched;
	struct catalog		*cat;
	const struct catalog_job *job;
	struct sched_result	*r;
};

static void
status(struct sched_result *r, enum sched_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
status(struct sched_result *r, enum sched_outcome o, const char *fmt, ...)
{
	va_list	ap;

	r->outcome = o;
	va_start(ap, fmt);
	vsnprintf(r->status, sizeof(r->status), fmt, ap);
	va_end(ap);
}

/*
 * The delivery settings as the file says now (re-read when it changed).
 * Borrowed: an older copy stays valid until rs_subs_stop, so a delivery
 * under way keeps the settings it started with.
 */
static const struct rsconf *
conf_now(struct rs_subs *s, struct rs_err *e)
{
	struct stat		 st;
	struct rsconf		*c;
	const struct rsconf	*out;
	int64_t			 m;

	if (stat(s->conf_path, &st) == -1) {
		rs_err_sys(e, RS_E_CONFIG, "cannot read %s", s->conf_path);
		return NULL;
	}
	m = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	pthread_mutex_lock(&s->mu);
	if (s->conf == NULL || m != s->conf_mtime) {
		c = rsconf_load(s->conf_path, e);
		if (c == NULL) {
			pthread_mutex_unlock(&s->mu);
			return NULL;
		}
		if (s->nold < nitems(s->old))
			s->old[s->nold++] = s->conf;
		else
			rsconf_free(s->conf);	/* 64 changes in one run */
		s->conf = c;
		s->conf_mtime = m;
		log_info("delivery settings read from %s", s->conf_path);
	}
	out = s->conf;
	pthread_mutex_unlock(&s->mu);
	return out;
}

/* ---- e-mail ---- */

static void
mail_identity(const struct rsconf *c, char *host, size_t hostsz)
{
	if (c->email.default_host != NULL)
		str_copy(host, hostsz, c->email.default_host);
	else if (gethostname(host, hostsz) != 0)
		str_copy(host, hostsz, "localhost");
}

static int
smtp_of(struct rs_subs *s, const struct rsconf *c, struct deliver_smtp *m,
    char **user, char **pw, struct rs_err *e)
{
	const struct rsconf_email	*x = &c->email;

	memset(m, 0, sizeof(*m));
	*user = *pw = NULL;
	m->server = x->smtp_server;
	m->port = (uint16_t)x->port;
	m->tls = x->tls == RSCONF_TLS_IMPLICIT ? DELIVER_TLS_IMPLICIT :
	    x->tls == RSCONF_TLS_NONE ? DELIVER_TLS_NONE : DELIVER_TLS_STARTTLS;
	m->ca_file = x->ca_file;
	m->from = x->from;
	m->timeout_s = x->timeout_s;
	if (x->authenticate != 1)
		return 0;
	*user = x->user != NULL ? rskey_decrypt(s->root, x->user, e) : NULL;
	if (*user == NULL) {
		rs_err_prefix(e, "SendUserName");
		return -1;
	}
	*pw = x->password != NULL ? rskey_decrypt(s->root, x->password, e) :
	    xstrdup("");
	if (*pw == NULL) {
		rs_err_prefix(e, "SendPassword");
		return -1;
	}
	m->user = *user;
	m->password = *pw;
	return 0;
}

static void
report_url(const struct ctx *c, const struct rsconf *conf, const char *path,
    char *out, size_t outsz)
{
	struct buf	 b;
	char		 host[256], *s;

	mail_identity(conf, host, sizeof(host));
	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, "https://%s/ReportServer?", host);
	rs_url_encode(&b, path, false);
	s = buf_take(&b, NULL);
	str_copy(out, outsz, s);
	free(s);
	(void)c;
}

static bool
yes(const char *v, bool dflt)
{
	if (v == NULL || v[0] == '\0')
		return dflt;
	return str_ieq(v, "True") || strcmp(v, "1") == 0;
}

/* Subject and the like with the original's variables. */
static char *
expand(const struct deliver_kvs *set, const char *name, const char *dflt,
    const struct catalog_item *it, int64_t now)
{
	const char	*v = deliver_kvs_get(set, name);
	char		 when[64], stamp[32];
	struct tm	 tm;
	time_t		 t = (time_t)now;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%m/%d/%Y %I:%M:%S %p", &tm);
	strftime(stamp, sizeof(stamp), "%Y_%m_%d_%H_%M_%S", &tm);
	return deliver_expand(v != NULL ? v : dflt, it->name, when, stamp);
}

static void
mail_send(struct ctx *c, const struct rsconf *conf,
    const struct catalog_item *it, const struct deliver_kvs *set,
    struct rs_job_render *jr)
{
	struct deliver_smtp	 smtp;
	struct deliver_mail	 m = { 0 };
	struct deliver_result	 res;
	struct rs_err		 e;
	char			 mid[400], host[256], url[2048], name[300];
	char			*user = NULL, *pw = NULL, *subject;
	const char		*fmt = jr->format, *ext;

	if (smtp_of(c->s, conf, &smtp, &user, &pw, &e) == -1) {
		status(c->r, SCHED_FAILED, "Failure sending mail: %s", e.msg);
		return;
	}
	mail_identity(conf, host, sizeof(host));
	deliver_message_id(c->job->event, host, mid, sizeof(mid));
	subject = expand(set, "Subject", "@ReportName was executed at "
	    "@ExecutionTime", it, sched_now(c->sched));
	m.to = deliver_kvs_get(set, "TO");
	m.cc = deliver_kvs_get(set, "CC");
	m.bcc = deliver_kvs_get(set, "BCC");
	m.reply_to = deliver_kvs_get(set, "ReplyTo");
	m.subject = subject;
	m.comment = deliver_kvs_get(set, "Comment");
	m.priority = deliver_kvs_get(set, "Priority");
	m.message_id = mid;
	m.date = sched_now(c->sched);
	if (yes(deliver_kvs_get(set, "IncludeLink"), false)) {
		report_url(c, conf, it->path, url, sizeof(url));
		m.link = url;
	}
	if (fmt != NULL) {
		ext = render_format_extension(fmt);
		snprintf(name, sizeof(name), "%s%s%s", it->name, ext != NULL &&
		    ext[0] != '.' ? "." : "", ext != NULL ? ext : "");
		m.embed = str_has_iprefix(fmt, "HTML") ||
		    str_ieq(fmt, "MHTML");
		m.att_name = name;
		m.att_mime = render_format_mime(fmt);
		m.att_data = jr->out.data != NULL ? jr->out.data : "";
		m.att_len = jr->out.len;
	}
	if (deliver_mail_send(&smtp, &m, &res, &e) == -1)
		status(c->r, SCHED_FAILED, "Failure sending mail: %s", e.msg);
	else
		status(c->r, res.ok ? SCHED_DONE : res.temporary ? SCHED_RETRY :
		    SCHED_FAILED, "%s", res.status);
	c->r->max_tries = (int)conf->email.max_retries + 1;
	c->r->retry_s = (int)conf->email.retry_s;
	free(subject);
	rskey_free(user);
	rskey_free(pw);
}

/* ---- file share ---- */

static void
file_write(struct ctx *c, const struct rsconf *conf,
    const struct catalog_item *it, const struct deliver_kvs *set,
    struct rs_job_render *jr)
{
	struct deliver_file	 f = { 0 };
	struct deliver_result	 res;
	char			 path[4096], *name;
	int			 mode = deliver_overwrite_parse(deliver_kvs_get(
	    set, "WRITEMODE"));
	const char		*ext = render_format_extension(jr->format);
	char			 dotext[32];

	c->r->max_tries = (int)conf->share_max_retries + 1;
	c->r->retry_s = (int)conf->share_retry_s;
	if (mode < 0) {
		status(c->r, SCHED_FAILED, "Failure writing file: WRITEMODE "
		    "must be Overwrite, AutoIncrement or None");
		return;
	}
	name = expand(set, "FILENAME", "@ReportName", it, sched_now(c->sched));
	snprintf(dotext, sizeof(dotext), "%s%s", ext != NULL && ext[0] != '.' ?
	    "." : "", ext != NULL ? ext : "");
	f.folder = deliver_kvs_get(set, "PATH");
	f.name = name;
	f.ext = yes(deliver_kvs_get(set, "FILEEXTN"), true) ? dotext : NULL;
	f.mode = (enum deliver_overwrite)mode;
	f.data = jr->out.data != NULL ? jr->out.data : "";
	f.len = jr->out.len;
	(void)deliver_file_write((const char *const *)conf->share_paths,
	    conf->nshare_paths, &f, path, sizeof(path), &res);
	status(c->r, res.ok ? SCHED_DONE : res.temporary ? SCHED_RETRY :
	    SCHED_FAILED, "%s", res.status);
	free(name);
}

/* ---- subscriptions ---- */

/* Replaces field references with the data-driven row's values. */
static int
bind_row(struct deliver_kvs *l, const struct deliver_kvs *row,
    struct rs_err *e)
{
	for (size_t i = 0; i < l->n; i++) {
		const char	*v;

		if (!l->v[i].field)
			continue;
		v = row != NULL ? deliver_kvs_get(row, l->v[i].value) : NULL;
		if (v == NULL)
			return rs_err_set(e, RS_E_BADINPUT, "the query returns no "
			    "field '%s' for setting %s", l->v[i].value,
			    l->v[i].name);
		free(l->v[i].value);
		l->v[i].value = xstrdup(v);
		l->v[i].field = false;
	}
	return 0;
}

static int
load(struct ctx *c, const struct catalog_sub *sub, struct catalog_item *it,
    void **rdl, size_t *len)
{
	struct rs_err	e;

	*rdl = NULL;
	if (catalog_item_get_id(c->cat, sub->item_id, it, &e) == -1) {
		status(c->r, SCHED_DONE, "The report of the subscription no "
		    "longer exists");
		return -1;
	}
	if (catalog_item_content(c->cat, it->id, rdl, len, &e) == -1) {
		catalog_item_fini(it);
		status(c->r, SCHED_RETRY, "Failure reading the report: %s",
		    e.msg);
		return -1;
	}
	return 0;
}

static const char *
format_of(const struct catalog_sub *sub, const struct deliver_kvs *set)
{
	const char	*f = deliver_kvs_get(set, "RenderFormat");

	if (f == NULL)		/* the original's name for a file share */
		f = deliver_kvs_get(set, "RENDER_FORMAT");
	if (str_ieq(sub->extension, RS_EXT_NULL))
		return NULL;
	if (str_ieq(sub->extension, RS_EXT_EMAIL) &&
	    !yes(deliver_kvs_get(set, "IncludeReport"), true))
		return NULL;
	if (f != NULL && str_ieq(f, "MHTML"))
		return "MHTML";		/* embedded: the body, images as parts */
	return f != NULL && f[0] != '\0' ? f : "PDF";
}

static void
deliver_one(struct ctx *c, const struct catalog_sub *sub,
    struct deliver_kvs *set, struct deliver_kvs *params)
{
	struct catalog_item	 it;
	struct rs_job_render	 jr = { 0 };
	const struct rsconf	*conf;
	struct rs_err		 e;
	void			*rdl;
	size_t			 len;

	conf = conf_now(c->s, &e);
	if (conf == NULL) {
		status(c->r, SCHED_RETRY, "The report server cannot read its "
		    "configuration: %s", e.msg);
		return;
	}
	if (load(c, sub, &it, &rdl, &len) == -1)
		return;
	jr.it = &it;
	jr.rdl = rdl;
	jr.len = len;
	jr.params = params;
	jr.format = format_of(sub, set);
	jr.user = sub->owner;
	jr.policy = c->s->policy;
	jr.url_base = "/ReportServer?";
	jr.now = sched_now(c->sched);
	if (rs_job_render(c->cat, &jr, &e) == -1)
		status(c->r, e.code == RS_E_IO ? SCHED_RETRY : SCHED_FAILED,
		    "Failure rendering the report: %s", e.msg);
	else if (str_ieq(sub->extension, RS_EXT_EMAIL))
		mail_send(c, conf, &it, set, &jr);
	else if (str_ieq(sub->extension, RS_EXT_SHARE))
		file_write(c, conf, &it, set, &jr);
	else
		status(c->r, SCHED_DONE, "Done: the report ran (%s); nothing is "
		    "delivered by the NULL extension", rs_source_name(jr.source));
	rs_job_render_fini(&jr);
	free(rdl);
	catalog_item_fini(&it);
}

/* ---- data-driven subscriptions ---- */

struct ddq {
	struct ctx	*c;
	const char	*const *cols;
	size_t		 ncols;
	int		 row;
	struct rs_err	*e;
};

static int
dd_row(void *arg, const struct expr_value *v, size_t n, struct rs_err *e)
{
	struct ddq		*q = arg;
	struct deliver_kvs	 kv = { 0 };
	struct catalog_job_new	 nj = { 0 };
	struct buf		 ev, t;
	char			*enc;
	bool			 added;
	int			 rc = 0;

	if (++q->row > RS_DD_ROWS_MAX)
		return rs_err_set(e, RS_E_LIMIT, "the query returns more than "
		    "%d rows", RS_DD_ROWS_MAX);
	for (size_t i = 0; i < n && rc == 0; i++) {
		buf_init(&t, 0);
		expr_value_text(&v[i], &t, NULL);
		rc = deliver_kvs_add(&kv, q->cols[i], t.data ? t.data : "",
		    false, e);
		buf_fini(&t);
	}
	enc = deliver_kvs_encode(&kv);
	buf_init(&ev, 0);
	(void)buf_printf(&ev, NULL, "%s#%d", q->c->job->event, q->row);
	nj.event = ev.data;
	nj.kind = CATALOG_JOB_SUB;
	nj.target = q->c->job->target;
	nj.parent = q->c->job->id;
	nj.row_no = q->row;
	nj.row_data = enc;
	nj.fire = q->c->job->fire;
	nj.due = sched_now(q->c->sched);
	if (rc == 0)
		rc = catalog_job_add(q->c->cat, &nj, nj.due, &added, e);
	buf_fini(&ev);
	free(enc);
	deliver_kvs_fini(&kv);
	return rc;
}

/* The columns a data-driven query must return: the fields referenced. */
static size_t
dd_columns(const struct deliver_kvs *a, const struct deliver_kvs *b,
    const char **cols, size_t max)
{
	size_t	n = 0;

	for (int k = 0; k < 2; k++) {
		const struct deliver_kvs	*l = k == 0 ? a : b;

		for (size_t i = 0; i < l->n && n < max; i++) {
			bool	dup = false;

			if (!l->v[i].field)
				continue;
			for (size_t j = 0; j < n; j++)
				dup = dup || str_ieq(cols[j], l->v[i].value);
			if (!dup)
				cols[n++] = l->v[i].value;
		}
	}
	return n;
}

static int
dd_source(struct ctx *c, const struct catalog_sub *sub, struct data_source *ds,
    struct rs_err *e)
{
	struct catalog_item	it;
	struct rdl_datasource	d = { 0 };
	int			rc;

	if (catalog_item_get_id(c->cat, sub->item_id, &it, e) == -1)
		return -1;
	d.name = "DataDrivenSubscription";
	d.reference = sub->data_source;
	rc = rs_resolve_source(c->cat, it.path, c->s->policy, &d, ds, e);
	catalog_item_fini(&it);
	return rc;
}

static void
data_driven(struct ctx *c, const struct catalog_sub *sub,
    const struct deliver_kvs *set, const struct deliver_kvs *params)
{
	struct data_source	 ds;
	struct data_query	 q = { 0 };
	const char		*cols[DELIVER_KV_MAX * 2];
	struct ddq		 dq = { c, cols, 0, 0, NULL };
	struct rs_err		 e;
	size_t			 rows = 0;

	memset(&ds, 0, sizeof(ds));
	dq.ncols = dd_columns(set, params, cols, nitems(cols));
	dq.e = &e;
	q.text = sub->data_query;
	q.columns = cols;
	q.ncolumns = dq.ncols;
	if (dd_source(c, sub, &ds, &e) == -1 || data_exec(&ds, &q, dd_row, &dq,
	    &rows, &e) == -1) {
		status(c->r, e.code == RS_E_IO ? SCHED_RETRY : SCHED_FAILED,
		    "Failure running the data-driven query: %s", e.msg);
		return;
	}
	status(c->r, SCHED_DONE, "Done: %d rows queued for delivery", dq.row);
}

static void
run_sub(struct ctx *c)
{
	struct catalog_sub	 sub;
	struct deliver_kvs	 set = { 0 }, params = { 0 }, row = { 0 };
	struct rs_err		 e;

	if (catalog_sub_get(c->cat, c->job->target, &sub, &e) == -1) {
		status(c->r, e.code == RS_E_NOTFOUND ? SCHED_DONE : SCHED_RETRY,
		    "%s", e.code == RS_E_NOTFOUND ? "The subscription was "
		    "deleted" : e.msg);
		return;
	}
	if (!sub.active)
		status(c->r, SCHED_DONE, "The subscription is disabled");
	else if (deliver_kvs_decode(sub.settings, &set, &e) == -1 ||
	    deliver_kvs_decode(sub.parameters, &params, &e) == -1 ||
	    deliver_kvs_decode(c->job->row_data, &row, &e) == -1)
		status(c->r, SCHED_FAILED, "The subscription's settings are "
		    "damaged: %s", e.msg);
	else if (sub.data_query != NULL && c->job->parent == 0)
		data_driven(c, &sub, &set, &params);
	else if (bind_row(&set, c->job->parent ? &row : NULL, &e) == -1 ||
	    bind_row(&params, c->job->parent ? &row : NULL, &e) == -1)
		status(c->r, SCHED_FAILED, "Failure in row %d: %s",
		    c->job->row_no, e.msg);
	else
		deliver_one(c, &sub, &set, &params);
	deliver_kvs_fini(&set);
	deliver_kvs_fini(&params);
	deliver_kvs_fini(&row);
	catalog_sub_fini(&sub);
}

/* ---- cache refresh plans, snapshots, history ---- */

static void
render_stored(struct ctx *c, const char *item_id, const char *params_text,
    int store_kind, bool store, struct deliver_kvs *params)
{
	struct catalog_item	 it;
	struct rs_job_render	 jr = { 0 };
	struct rs_err		 e;
	void			*rdl = NULL;
	size_t			 len;

	if (deliver_kvs_decode(params_text, params, &e) == -1) {
		status(c->r, SCHED_FAILED, "The parameter values are damaged: "
		    "%s", e.msg);
		return;
	}
	if (catalog_item_get_id(c->cat, item_id, &it, &e) == -1) {
		status(c->r, SCHED_DONE, "The report no longer exists");
		return;
	}
	if (catalog_item_content(c->cat, it.id, &rdl, &len, &e) == -1) {
		status(c->r, SCHED_RETRY, "Failure reading the report: %s",
		    e.msg);
		catalog_item_fini(&it);
		return;
	}
	jr.it = &it;
	jr.rdl = rdl;
	jr.len = len;
	jr.params = params;
	jr.user = it.modified_by;
	jr.policy = c->s->policy;
	jr.url_base = "/ReportServer?";
	jr.store = store;
	jr.store_kind = store_kind;
	jr.now = sched_now(c->sched);
	if (rs_job_render(c->cat, &jr, &e) == -1)
		status(c->r, e.code == RS_E_IO ? SCHED_RETRY : SCHED_FAILED,
		    "Failure processing the report: %s", e.msg);
	else
		status(c->r, SCHED_DONE, "Done: %s data stored (%llu rows)",
		    store_kind == CATALOG_DATA_SNAPSHOT ? "snapshot" :
		    store_kind == CATALOG_DATA_HISTORY ? "history snapshot" :
		    "cache", (unsigned long long)jr.lg.rows);
	rs_job_render_fini(&jr);
	free(rdl);
	catalog_item_fini(&it);
}

/* After a new execution snapshot: its SnapshotUpdated subscriptions. */
static void
snapshot_updated(struct ctx *c)
{
	struct catalog_sub	*v;
	struct rs_err		 e;
	size_t			 n;

	if (catalog_sub_list(c->cat, c->job->target, NULL, &v, &n, &e) == -1)
		return;
	for (size_t i = 0; i < n; i++) {
		struct catalog_job_new	 nj = { 0 };
		char			 ev[160];
		bool			 added;

		if (!v[i].active || !str_ieq(v[i].event_type,
		    "SnapshotUpdated"))
			continue;
		snprintf(ev, sizeof(ev), "S:%s:snap:%s", v[i].id,
		    c->job->event);
		nj.event = ev;
		nj.kind = CATALOG_JOB_SUB;
		nj.target = v[i].id;
		nj.fire = c->job->fire;
		nj.due = sched_now(c->sched);
		if (catalog_job_add(c->cat, &nj, nj.due, &added, &e) == -1)
			log_warn("subscription %s: %s", v[i].id, e.msg);
	}
	catalog_subs_free(v, n);
}

static void
run_kind(struct ctx *c)
{
	struct catalog_plan		 p;
	struct catalog_exec_opts	 o;
	struct deliver_kvs		 params = { 0 };
	struct rs_err			 e;

	switch (c->job->kind) {
	case CATALOG_JOB_SUB:
		run_sub(c);
		break;
	case CATALOG_JOB_PLAN:
		if (catalog_plan_get(c->cat, c->job->target, &p, &e) == -1) {
			status(c->r, SCHED_DONE, "The cache refresh plan was "
			    "deleted");
			break;
		}
		/* A refresh: always live, the entry replaced. */
		render_stored(c, p.item_id, p.parameters, CATALOG_DATA_CACHE,
		    true, &params);
		catalog_plan_fini(&p);
		break;
	case CATALOG_JOB_SNAPSHOT:
		render_stored(c, c->job->target, "", CATALOG_DATA_SNAPSHOT,
		    true, &params);
		if (c->r->outcome == SCHED_DONE) {
			snapshot_updated(c);
			if (catalog_exec_opts_get(c->cat, c->job->target, &o,
			    &e) == 0 && o.history_keep_exec) {
				deliver_kvs_fini(&params);
				render_stored(c, c->job->target, "",
				    CATALOG_DATA_HISTORY, true, &params);
			}
		}
		break;
	case CATALOG_JOB_HISTORY:
		render_stored(c, c->job->target, "", CATALOG_DATA_HISTORY, true,
		    &params);
		break;
	case CATALOG_JOB_CACHE_EXPIRE:
		if (catalog_rdata_del(c->cat, c->job->target, CATALOG_DATA_CACHE,
		    NULL, &e) == -1)
			status(c->r, SCHED_RETRY, "%s", e.msg);
		else
			status(c->r, SCHED_DONE, "Done: the cache was emptied");
		break;
	default:
		status(c->r, SCHED_FAILED, "unknown job kind %d", c->job->kind);
	}
	deliver_kvs_fini(&params);
}

/* ---- the scheduler's callbacks ---- */

static struct catalog *
cat_of(void *arg, struct rs_err *e)
{
	struct rs_subs	*s = arg;

	return rs_server_catalog(s->srv, e);
}

static void
run(void *arg, struct sched *sc, const struct catalog_job *j,
    struct sched_result *r)
{
	struct ctx	c = { arg, sc, NULL, j, r };
	struct rs_err	e;

	c.cat = rs_server_catalog(c.s->srv, &e);
	if (c.cat == NULL) {
		status(r, SCHED_RETRY, "The report server database is not "
		    "available: %s", e.msg);
		return;
	}
	run_kind(&c);
}

/* The LastStatus of a data-driven subscription: its rows counted. */
static void
rows_status(struct catalog *cat, const struct catalog_job *j,
    const struct sched_result *r, int64_t now)
{
	int64_t	all, done, failed;
	char	st[512];
	bool	pending;
	struct rs_err e;

	/* Counting every row at every row would be quadratic: the count is
	 * refreshed every ROWS_STATUS_EVERY rows and when the last is done. */
	if (catalog_job_children_pending(cat, j->parent, &pending, &e) == -1 ||
	    (pending && j->row_no % ROWS_STATUS_EVERY != 0))
		return;
	if (catalog_job_children(cat, j->parent, &all, &done, &failed,
	    &e) == -1)
		return;
	if (done + failed < all)
		snprintf(st, sizeof(st), "Processing: %lld processed of %lld "
		    "total; %lld errors. Last: %.300s", (long long)(done + failed),
		    (long long)all, (long long)failed, r->status);
	else
		snprintf(st, sizeof(st), "Done: %lld processed of %lld total; "
		    "%lld errors.", (long long)(done + failed), (long long)all,
		    (long long)failed);
	(void)catalog_sub_set_status(cat, j->target, st, now, &e);
}

static void
on_result(void *arg, struct sched *sc, const struct catalog_job *j,
    const struct sched_result *r, int64_t retry_at)
{
	struct rs_subs	*s = arg;
	struct rs_err	 e;
	struct catalog	*cat = rs_server_catalog(s->srv, &e);
	int64_t		 now = sched_now(sc);
	char		 st[600];

	if (cat == NULL)
		return;
	if (retry_at != 0)
		snprintf(st, sizeof(st), "%.500s; the report server will try again "
		    "(try %d)", r->status, j->attempts + 1);
	else
		str_copy(st, sizeof(st), r->status);
	if (j->kind == CATALOG_JOB_PLAN)
		(void)catalog_plan_set_status(cat, j->target, st, now, &e);
	else if (j->kind != CATALOG_JOB_SUB)
		return;
	else if (j->parent != 0 && retry_at == 0)
		rows_status(cat, j, r, now);
	else if (j->parent == 0)
		(void)catalog_sub_set_status(cat, j->target, st, now, &e);
	if (r->outcome != SCHED_DONE)
		log_warn("job %s: %s", j->event, st);
}

static const struct sched_ops ops = { cat_of, run, on_result };

/* This server's name in the queue: stable across its restarts. */
static void
owner_of(const struct rsconf *conf, const char *root, char *out, size_t outsz)
{
	char	host[256];

	if (gethostname(host, sizeof(host)) != 0)
		str_copy(host, sizeof(host), "localhost");
	snprintf(out, outsz, "%.100s/%.140s", host, conf->installation_id !=
	    NULL ? conf->installation_id : root);
}

int
rs_subs_start(struct rs_subs *s, struct rs_server *srv, const char *root,
    const char *conf_path, const struct data_policy *policy,
    struct rs_err *e)
{
	struct sched_config	 cfg = { 0 };
	const char		*clock = getenv("RS_SCHED_CLOCK");
	char			 owner[300];

	memset(s, 0, sizeof(*s));
	s->srv = srv;
	s->policy = policy;
	str_copy(s->root, sizeof(s->root), root);
	str_copy(s->conf_path, sizeof(s->conf_path), conf_path);
	str_copy(s->clock, sizeof(s->clock), clock != NULL ? clock : "");
	pthread_mutex_init(&s->mu, NULL);
	deliver_global_init();
	owner_of(srv->conf, root, owner, sizeof(owner));
	cfg.owner = owner;
	cfg.clock_file = s->clock;
	cfg.threads = srv->conf->sched_threads;
	/* A test clock moves by steps: look often, so a step is seen. */
	cfg.poll_ms = s->clock[0] != '\0' ? 100 : srv->conf->polling_s * 1000;
	cfg.lease_s = 300;
	cfg.fire = srv->conf->scheduling;
	cfg.run = srv->conf->notification;
	cfg.execlog_days = srv->conf->execlog_days;
	if (s->clock[0] != '\0')
		log_warn("scheduler: the clock is read from %s (RS_SCHED_CLOCK)",
		    s->clock);
	s->sched = sched_start(&cfg, &ops, s, e);
	if (s->sched == NULL)
		return -1;
	srv->subs = s;
	log_info("scheduler started as %s", owner);
	return 0;
}

void
rs_subs_stop(struct rs_subs *s)
{
	if (s == NULL)
		return;
	sched_stop(s->sched);
	if (s->srv != NULL)
		s->srv->subs = NULL;
	rsconf_free(s->conf);
	for (size_t i = 0; i < s->nold; i++)
		rsconf_free(s->old[i]);
	pthread_mutex_destroy(&s->mu);
}
