/*
 * job.c: one request's trip from the event loop to a worker thread and
 * back.  The loop copies the request into a job (so a worker never touches
 * h2o's memory), a worker runs the handler, and the response goes back to
 * the loop through the job's h2o_multithread message.  A streamed response
 * is pumped chunk by chunk: the worker appends to job->pending and waits
 * while too much is pending; the loop moves pending bytes to h2o and, when
 * h2o has written them (proceed), takes the next ones.  The job is freed on
 * the loop thread once both the handler has returned and h2o has disposed
 * of the request.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "appserver/appserver_int.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#define ARENA_CHUNK	4096
#define RESP_HEADERS_MAX	100

void *
job_alloc(struct job *job, size_t n)
{
	struct arena_chunk *c = job->arena;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = xmalloc(sizeof(*c) + cap);
		c->cap = cap;
		c->used = 0;
		c->next = job->arena;
		job->arena = c;
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

char *
job_strndup(struct job *job, const char *s, size_t len)
{
	char *p = job_alloc(job, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
job_decode(struct job *job, const char *s, size_t len, bool plus)
{
	char *out = job_alloc(job, len + 1);

	return str_url_decode(s, len, plus, out) == 0 ? out : NULL;
}

static void
job_free(struct job *job)
{
	struct arena_chunk *c, *next;

	job->as->njobs--;
	h2o_linklist_unlink(&job->live);
	prefix_unref(job->pfx);
	for (c = job->arena; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(job->rhdrs);
	buf_fini(&job->pending);
	buf_fini(&job->inflight);
	pthread_cond_destroy(&job->cv);
	pthread_mutex_destroy(&job->mu);
	free(job);
}

/* h2o disposes of the request's pool: the client is done or gone. */
static void
on_req_dispose(void *p)
{
	struct job *job = *(struct job **)p;
	bool free_now;

	pthread_mutex_lock(&job->mu);
	job->req = NULL;
	job->gone = true;
	pthread_cond_broadcast(&job->cv);
	free_now = job->handler_done && !job->queued;
	pthread_mutex_unlock(&job->mu);
	if (free_now)
		job_free(job);
}

static void
copy_headers(struct job *job, h2o_req_t *req)
{
	job->nhdrs = req->headers.size;
	job->hdrs = job_alloc(job, sizeof(*job->hdrs) * (job->nhdrs + 1));
	for (size_t i = 0; i < job->nhdrs; i++) {
		h2o_header_t *h = &req->headers.entries[i];
		char *name = job_strndup(job, h->name->base, h->name->len);

		for (char *s = name; *s != '\0'; s++)
			*s = (char)tolower((unsigned char)*s);
		job->hdrs[i].name = name;
		job->hdrs[i].value = job_strndup(job, h->value.base,
		    h->value.len);
	}
}

static void
set_subpath(struct job *job, const struct prefix *pfx)
{
	size_t plen = strlen(pfx->path);

	job->subpath = job->path;
	if (strncasecmp(job->path, pfx->path, plen) == 0)
		job->subpath = job->path[plen] == '\0' ? "/" :
		    job->path + plen;
}

struct job *
job_new(struct appserver *as, h2o_req_t *req, struct prefix *pfx)
{
	struct job *job = xcalloc(1, sizeof(*job));
	size_t plen = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
	struct job **slot;

	job->as = as;
	job->pfx = pfx;
	prefix_ref(pfx);
	job->status = 200;
	job->declared_len = SIZE_MAX;
	pthread_mutex_init(&job->mu, NULL);
	pthread_cond_init(&job->cv, NULL);
	buf_init(&job->pending, 0);
	buf_init(&job->inflight, 0);
	as->njobs++;
	h2o_linklist_insert(&as->jobs, &job->live);
	job->raw_path = job_strndup(job, req->path.base, plen);
	job->path = job_decode(job, req->path.base, plen, false);
	if (job->path == NULL || job->path[0] != '/') {
		job_free(job);
		return NULL;
	}
	set_subpath(job, pfx);
	job->query = req->query_at == SIZE_MAX ? "" :
	    job_strndup(job, req->path.base + req->query_at + 1,
	    req->path.len - req->query_at - 1);
	job->method = job_strndup(job, req->method.base, req->method.len);
	job->is_head = strcmp(job->method, "HEAD") == 0;
	copy_headers(job, req);
	if (req->entity.base != NULL) {
		job->body = job_strndup(job, req->entity.base, req->entity.len);
		job->body_len = req->entity.len;
	}
	job->req = req;
	slot = h2o_mem_alloc_shared(&req->pool, sizeof(*slot), on_req_dispose);
	*slot = job;
	return job;
}

void
job_abandon_all(struct appserver *as)
{
	h2o_linklist_t *l;

	for (l = as->jobs.next; l != &as->jobs; l = l->next) {
		struct job *job = H2O_STRUCT_FROM_MEMBER(struct job, live, l);

		pthread_mutex_lock(&job->mu);
		job->gone = true;
		pthread_cond_broadcast(&job->cv);
		pthread_mutex_unlock(&job->mu);
	}
}

void
job_queue(struct job *job)
{
	struct appserver *as = job->as;

	pthread_mutex_lock(&as->work_mu);
	if (as->work_tail != NULL)
		as->work_tail->next_work = job;
	else
		as->work_head = job;
	as->work_tail = job;
	as->work_len++;
	pthread_cond_signal(&as->work_cv);
	pthread_mutex_unlock(&as->work_mu);
}

/*
 * Called with job->mu held: marks the job's message as queued and tells
 * whether the caller must send it (after unlocking).
 */
static bool
want_notify(struct job *job)
{
	bool send = !job->queued;

	job->queued = true;
	return send;
}

static void
notify(struct job *job)
{
	h2o_multithread_send_message(&job->as->receiver, &job->msg);
}

static void pump(struct job *);

/*
 * The prefix's handler, or for httpsvc's precheck the application's
 * precheck function: if it answers nothing, "204 + X-Body-Precheck:
 * continue" tells httpsvc to let the body come.
 */
static void
call_handler(struct job *job)
{
	struct rs_err	e;

	if (!job->precheck) {
		job->pfx->fn((struct appserver_req *)job, job->pfx->arg);
		return;
	}
	job->status = 0;
	job->as->precheck((struct appserver_req *)job, job->pfx->arg);
	if (job->status == 0) {
		job->status = 204;
		(void)appserver_resp_header((struct appserver_req *)job,
		    "X-Body-Precheck", "continue", &e);
	}
}

void
job_run_inline(struct job *job)
{
	job->on_loop = true;
	call_handler(job);
	job->on_loop = false;
	if (job->deferred) {
		job_queue(job);
		return;
	}
	pthread_mutex_lock(&job->mu);
	job->handler_done = true;
	pthread_mutex_unlock(&job->mu);
	pump(job);	/* may free the job: not touched after this */
}

static void *
worker_main(void *arg)
{
	struct appserver *as = arg;
	struct job *job;
	bool send;

	for (;;) {
		pthread_mutex_lock(&as->work_mu);
		while (as->work_head == NULL && !as->work_quit)
			pthread_cond_wait(&as->work_cv, &as->work_mu);
		job = as->work_head;
		if (job == NULL) {
			pthread_mutex_unlock(&as->work_mu);
			return NULL;
		}
		as->work_head = job->next_work;
		if (as->work_head == NULL)
			as->work_tail = NULL;
		as->work_len--;
		pthread_mutex_unlock(&as->work_mu);

		call_handler(job);

		pthread_mutex_lock(&job->mu);
		job->handler_done = true;
		send = want_notify(job);
		pthread_mutex_unlock(&job->mu);
		if (send)
			notify(job);
	}
}

int
pool_start(struct appserver *as, struct rs_err *e)
{
	unsigned i;
	int rc;

	pthread_mutex_init(&as->work_mu, NULL);
	pthread_cond_init(&as->work_cv, NULL);
	as->threads = xcalloc(as->nworkers, sizeof(*as->threads));
	for (i = 0; i < as->nworkers; i++) {
		rc = pthread_create(&as->threads[i], NULL, worker_main, as);
		if (rc != 0) {
			as->nworkers = i;
			pool_stop(as);
			errno = rc;
			return rs_err_sys(e, RS_E_IO, "appserver: cannot start "
			    "worker thread %u", i + 1);
		}
	}
	return 0;
}

void
pool_stop(struct appserver *as)
{
	if (as->threads == NULL)
		return;
	pthread_mutex_lock(&as->work_mu);
	as->work_quit = true;
	pthread_cond_broadcast(&as->work_cv);
	pthread_mutex_unlock(&as->work_mu);
	for (unsigned i = 0; i < as->nworkers; i++)
		pthread_join(as->threads[i], NULL);
	free(as->threads);
	as->threads = NULL;
	pthread_cond_destroy(&as->work_cv);
	pthread_mutex_destroy(&as->work_mu);
}

static const char *
reason_of(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Payload Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	default: return status < 400 ? "OK" : "Error";
	}
}

static void on_proceed(h2o_generator_t *, h2o_req_t *);

static void
on_stop(h2o_generator_t *gen, h2o_req_t *req)
{
	struct job *job = (struct job *)gen;

	(void)req;
	pthread_mutex_lock(&job->mu);
	job->gone = true;
	pthread_cond_broadcast(&job->cv);
	pthread_mutex_unlock(&job->mu);
}

/* Status and headers go out; a whole (final) body gets Content-Length. */
static void
start_response(struct job *job, bool whole)
{
	h2o_req_t *req = job->req;

	req->res.status = job->status;
	req->res.reason = reason_of(job->status);
	for (size_t i = 0; i < job->nrhdrs; i++) {
		const struct hdr *h = &job->rhdrs[i];
		h2o_iovec_t v = h2o_strdup(&req->pool, h->value,
		    strlen(h->value));
		h2o_iovec_t n = h2o_strdup(&req->pool, h->name,
		    strlen(h->name));

		h2o_add_header_by_str(&req->pool, &req->res.headers, n.base,
		    n.len, 1, NULL, v.base, v.len);
	}
	if (job->declared_len != SIZE_MAX)
		req->res.content_length = job->declared_len;
	else if (whole)
		req->res.content_length = job->inflight.len;
	if (job->as->stopping)
		req->http1_is_persistent = 0;
	job->gen.proceed = on_proceed;
	job->gen.stop = on_stop;
	h2o_start_response(req, &job->gen);
	job->started = true;
}

/* Loop thread: hands pending bytes to h2o when it is ready for more. */
static void
pump(struct job *job)
{
	struct buf tmp;
	bool final, aborted;
	h2o_iovec_t v;

	pthread_mutex_lock(&job->mu);
	if (job->req == NULL || job->sending || job->final_sent ||
	    (!job->streaming && !job->handler_done)) {
		pthread_mutex_unlock(&job->mu);
		return;
	}
	tmp = job->inflight;
	job->inflight = job->pending;
	job->pending = tmp;
	buf_reset(&job->pending);
	final = job->handler_done;
	aborted = job->aborted;
	pthread_cond_broadcast(&job->cv);
	pthread_mutex_unlock(&job->mu);

	if (!job->started)
		start_response(job, final);
	if (job->inflight.len == 0 && !final)
		return;
	v = h2o_iovec_init(job->inflight.data, job->inflight.len);
	job->sending = !final;
	job->final_sent = final;
	/*
	 * An aborted answer ends in error: HTTP/1 closes the connection
	 * without the last chunk, HTTP/2 resets the stream, so the client
	 * sees an incomplete answer instead of a short one that looks whole.
	 */
	h2o_send(job->req, &v, v.len != 0 ? 1 : 0, !final ?
	    H2O_SEND_STATE_IN_PROGRESS : aborted ? H2O_SEND_STATE_ERROR :
	    H2O_SEND_STATE_FINAL);
}

static void
on_proceed(h2o_generator_t *gen, h2o_req_t *req)
{
	struct job *job = (struct job *)gen;

	(void)req;
	job->sending = false;
	pump(job);
}

void
job_on_message(h2o_multithread_receiver_t *recv, h2o_linklist_t *messages)
{
	(void)recv;
	while (!h2o_linklist_is_empty(messages)) {
		h2o_multithread_message_t *m = H2O_STRUCT_FROM_MEMBER(
		    h2o_multithread_message_t, link, messages->next);
		struct job *job = H2O_STRUCT_FROM_MEMBER(struct job, msg, m);
		bool free_now;

		h2o_linklist_unlink(&m->link);
		pthread_mutex_lock(&job->mu);
		job->queued = false;
		free_now = job->req == NULL && job->handler_done;
		pthread_mutex_unlock(&job->mu);
		if (free_now)
			job_free(job);
		else
			pump(job);
	}
}

/* ---- the request, as a handler sees it ---- */

#define JOB(r)	((struct job *)(r))

const char *
appserver_req_method(const struct appserver_req *r)
{
	return ((const struct job *)r)->method;
}

const char *
appserver_req_path(const struct appserver_req *r)
{
	return ((const struct job *)r)->path;
}

const char *
appserver_req_raw_path(const struct appserver_req *r)
{
	return ((const struct job *)r)->raw_path;
}

const char *
appserver_req_subpath(const struct appserver_req *r)
{
	return ((const struct job *)r)->subpath;
}

const char *
appserver_req_prefix(const struct appserver_req *r)
{
	return ((const struct job *)r)->pfx->url;
}

const char *
appserver_req_query(const struct appserver_req *r)
{
	return ((const struct job *)r)->query;
}

const char *
appserver_req_header(const struct appserver_req *r, const char *name)
{
	const struct job *job = (const struct job *)r;

	for (size_t i = 0; i < job->nhdrs; i++)
		if (strcasecmp(job->hdrs[i].name, name) == 0)
			return job->hdrs[i].value;
	return NULL;
}

const void *
appserver_req_body(const struct appserver_req *r, size_t *len)
{
	const struct job *job = (const struct job *)r;

	*len = job->body_len;
	return job->body != NULL ? job->body : "";
}

static const char *
decode_or_raw(struct job *job, const char *s, size_t len)
{
	const char *d = job_decode(job, s, len, true);

	return d != NULL ? d : job_strndup(job, s, len);
}

static void
parse_params(struct job *job)
{
	const char *q = job->query, *amp, *eq;
	size_t n = 1, len;

	job->params_parsed = true;
	for (const char *s = q; *s != '\0'; s++)
		n += *s == '&';
	job->params = job_alloc(job, n * sizeof(*job->params));
	while (*q != '\0') {
		amp = strchr(q, '&');
		len = amp != NULL ? (size_t)(amp - q) : strlen(q);
		if (len > 0) {
			eq = memchr(q, '=', len);
			struct param *p = &job->params[job->nparams++];
			p->name = decode_or_raw(job, q,
			    eq != NULL ? (size_t)(eq - q) : len);
			p->value = eq != NULL ? decode_or_raw(job, eq + 1,
			    len - (size_t)(eq - q) - 1) : "";
		}
		q += len + (amp != NULL);
	}
}

size_t
appserver_req_param_count(struct appserver_req *r)
{
	if (!JOB(r)->params_parsed)
		parse_params(JOB(r));
	return JOB(r)->nparams;
}

int
appserver_req_param_at(struct appserver_req *r, size_t i, const char **name,
    const char **value)
{
	if (i >= appserver_req_param_count(r))
		return -1;
	*name = JOB(r)->params[i].name;
	*value = JOB(r)->params[i].value;
	return 0;
}

const char *
appserver_req_param(struct appserver_req *r, const char *name)
{
	size_t n = appserver_req_param_count(r);

	for (size_t i = 0; i < n; i++)
		if (strcmp(JOB(r)->params[i].name, name) == 0)
			return JOB(r)->params[i].value;
	return NULL;
}

bool
appserver_req_can_block(const struct appserver_req *r)
{
	return !((const struct job *)r)->on_loop;
}

int
appserver_req_defer(struct appserver_req *r)
{
	struct job *job = JOB(r);

	if (!job->on_loop || job->deferred || job->streaming ||
	    job->pending.len != 0)
		return -1;
	job->deferred = true;
	return 0;
}

/* ---- the response ---- */

void
appserver_resp_status(struct appserver_req *r, int status)
{
	if (!JOB(r)->streaming && status >= 100 && status <= 599)
		JOB(r)->status = status;
}

void
appserver_resp_length(struct appserver_req *r, size_t len)
{
	if (!JOB(r)->streaming)
		JOB(r)->declared_len = len;
}

static bool
valid_token(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("!#$%&'*+-.^_`|~",
		    *s) == NULL)
			return false;
	return true;
}

static void
del_header(struct job *job, const char *name)
{
	size_t i = 0;

	while (i < job->nrhdrs) {
		if (strcasecmp(job->rhdrs[i].name, name) == 0) {
			memmove(&job->rhdrs[i], &job->rhdrs[i + 1],
			    (job->nrhdrs - i - 1) * sizeof(*job->rhdrs));
			job->nrhdrs--;
		} else {
			i++;
		}
	}
}

int
appserver_resp_header(struct appserver_req *r, const char *name,
    const char *value, struct rs_err *e)
{
	struct job *job = JOB(r);
	char *n;

	if (job->streaming)
		return rs_err_set(e, RS_E_USAGE, "cannot add header %s: the "
		    "response has started", name);
	if (!valid_token(name) || strpbrk(value, "\r\n") != NULL)
		return rs_err_set(e, RS_E_USAGE, "cannot add header '%s': "
		    "invalid name or value", name);
	if (str_ieq(name, "content-length") ||
	    str_ieq(name, "transfer-encoding") || str_ieq(name, "connection"))
		return rs_err_set(e, RS_E_USAGE, "cannot add header %s: the "
		    "appserver sets it", name);
	if (job->nrhdrs == RESP_HEADERS_MAX)
		return rs_err_set(e, RS_E_LIMIT, "cannot add header %s: more "
		    "than %d headers", name, RESP_HEADERS_MAX);
	if (job->nrhdrs == job->rhdrs_cap) {
		job->rhdrs_cap = job->rhdrs_cap ? job->rhdrs_cap * 2 : 8;
		job->rhdrs = xreallocarray(job->rhdrs, job->rhdrs_cap,
		    sizeof(*job->rhdrs));
	}
	n = job_strndup(job, name, strlen(name));
	for (char *s = n; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
	job->rhdrs[job->nrhdrs].name = n;
	job->rhdrs[job->nrhdrs].value = job_strndup(job, value,
	    strlen(value));
	job->nrhdrs++;
	return 0;
}

void
appserver_resp_body(struct appserver_req *r, const void *data, size_t len)
{
	struct job *job = JOB(r);

	if (job->streaming) {
		appserver_resp_write(r, data, len);
		return;
	}
	pthread_mutex_lock(&job->mu);
	buf_append(&job->pending, data, len, NULL);
	pthread_mutex_unlock(&job->mu);
}

void
appserver_resp_printf(struct appserver_req *r, const char *fmt, ...)
{
	va_list ap;
	char small[512], *p = small;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		p = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	appserver_resp_body(r, p, (size_t)n);
	if (p != small)
		free(p);
}

void
appserver_resp_text(struct appserver_req *r, int status, const char *text)
{
	struct job *job = JOB(r);

	if (job->streaming)
		return;
	appserver_resp_status(r, status);
	del_header(job, "content-type");
	appserver_resp_header(r, "Content-Type", "text/plain; charset=utf-8",
	    NULL);
	pthread_mutex_lock(&job->mu);
	buf_reset(&job->pending);
	pthread_mutex_unlock(&job->mu);
	appserver_resp_body(r, text, strlen(text));
	appserver_resp_body(r, "\n", 1);
}

int
appserver_resp_write(struct appserver_req *r, const void *data, size_t len)
{
	struct job *job = JOB(r);
	bool send;
	int rv;

	pthread_mutex_lock(&job->mu);
	if (job->gone) {
		pthread_mutex_unlock(&job->mu);
		return -1;
	}
	buf_append(&job->pending, data, len, NULL);
	job->streaming = true;
	send = want_notify(job);
	pthread_mutex_unlock(&job->mu);
	if (send)
		notify(job);
	pthread_mutex_lock(&job->mu);
	while (!job->on_loop && job->pending.len >= APPSERVER_STREAM_BUF &&
	    !job->gone)
		pthread_cond_wait(&job->cv, &job->mu);
	rv = job->gone ? -1 : 0;
	pthread_mutex_unlock(&job->mu);
	return rv;
}

void
appserver_resp_abort(struct appserver_req *r)
{
	struct job *job = JOB(r);

	pthread_mutex_lock(&job->mu);
	job->aborted = true;
	pthread_mutex_unlock(&job->mu);
}
