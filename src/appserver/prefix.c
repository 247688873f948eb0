/*
 * prefix.c: the appserver's URL prefixes.  Each lives on the heap: the
 * loop thread dispatches a request to one and the job keeps a reference,
 * so a prefix removed while it runs (the application's on_reload took it
 * away) stays valid for the requests already under it and is freed by
 * the last one.  Adding or removing a prefix while the appserver runs
 * registers or unregisters it with httpsvc at once (register.c).  The
 * list changes on the loop thread only, under reg_mu, because
 * appserver_reg_status reads it from any thread.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "appserver/appserver_int.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

/* "scheme://host:port/path/" -> "/path" (no trailing '/'); NULL if bad. */
static char *
prefix_path(const char *url)
{
	const char *p, *s;
	size_t len;

	if (!str_has_iprefix(url, "http://") &&
	    !str_has_iprefix(url, "https://"))
		return NULL;
	for (s = url; *s != '\0'; s++)
		if (*s <= ' ' || *s == 0x7f)
			return NULL;
	p = strstr(url, "://") + 3;
	s = strchr(p, '/');
	if (s == NULL || s == p)
		return NULL;
	len = strlen(s);
	while (len > 0 && s[len - 1] == '/')
		len--;
	return xstrndup(s, len);
}

static void
prefix_free(struct prefix *p)
{
	free(p->url);
	free(p->path);
	free(p);
}

struct prefix *
prefix_find(struct appserver *as, const char *url)
{
	for (size_t i = 0; i < as->nprefixes; i++)
		if (strcasecmp(as->prefixes[i]->url, url) == 0)
			return as->prefixes[i];
	return NULL;
}

int
prefix_add(struct appserver *as, const char *url, appserver_handler_fn *fn,
    void *arg, bool inline_run, struct rs_err *e)
{
	struct prefix *p;
	char *path;

	if (url == NULL || fn == NULL || strlen(url) >= APPSERVER_PREFIX_MAX)
		return rs_err_set(e, RS_E_USAGE, "appserver: a prefix and a "
		    "handler are required (prefix under %d bytes)",
		    APPSERVER_PREFIX_MAX);
	if (as->nprefixes == APPSERVER_PREFIXES_MAX)
		return rs_err_set(e, RS_E_USAGE, "appserver: at most %d "
		    "prefixes", APPSERVER_PREFIXES_MAX);
	if (prefix_find(as, url) != NULL)
		return rs_err_set(e, RS_E_USAGE, "appserver: prefix %s "
		    "added twice", url);
	path = prefix_path(url);
	if (path == NULL)
		return rs_err_set(e, RS_E_USAGE, "invalid URL prefix '%s': "
		    "expected scheme://host:port/path/, e.g. "
		    "https://+:8443/site/", url);
	p = xcalloc(1, sizeof(*p));
	p->url = xstrdup(url);
	p->path = path;
	p->fn = fn;
	p->arg = arg;
	p->inline_run = inline_run;
	p->state = APPSERVER_REG_PENDING;
	pthread_mutex_lock(&as->reg_mu);
	as->prefixes[as->nprefixes++] = p;
	pthread_mutex_unlock(&as->reg_mu);
	if (as->loop != NULL && !as->stopping)
		reg_send(as, p);
	return 0;
}

int
appserver_add(struct appserver *as, const char *url, appserver_handler_fn *fn,
    void *arg, struct rs_err *e)
{
	return prefix_add(as, url, fn, arg, false, e);
}

int
appserver_add_inline(struct appserver *as, const char *url,
    appserver_handler_fn *fn, void *arg, struct rs_err *e)
{
	return prefix_add(as, url, fn, arg, true, e);
}

int
appserver_remove(struct appserver *as, const char *url, struct rs_err *e)
{
	struct prefix *p = NULL;
	size_t i;

	for (i = 0; i < as->nprefixes; i++)
		if (strcasecmp(as->prefixes[i]->url, url) == 0) {
			p = as->prefixes[i];
			break;
		}
	if (p == NULL)
		return rs_err_set(e, RS_E_NOTFOUND, "appserver: %s is not one "
		    "of its prefixes", url);
	pthread_mutex_lock(&as->reg_mu);
	memmove(&as->prefixes[i], &as->prefixes[i + 1],
	    (as->nprefixes - i - 1) * sizeof(as->prefixes[0]));
	as->nprefixes--;
	pthread_mutex_unlock(&as->reg_mu);
	if (as->loop != NULL && !as->stopping)
		reg_unsend(as, p->url);
	log_debug("%s: prefix %s removed (%zu request(s) still under it)",
	    as->sock_path, p->url, p->refs);
	p->removed = true;
	if (p->refs == 0)
		prefix_free(p);
	return 0;
}

size_t
appserver_prefix_count(const struct appserver *as)
{
	return as->nprefixes;
}

const char *
appserver_prefix_url(const struct appserver *as, size_t i)
{
	return i < as->nprefixes ? as->prefixes[i]->url : NULL;
}

void
prefix_ref(struct prefix *p)
{
	p->refs++;
}

void
prefix_unref(struct prefix *p)
{
	if (p == NULL)
		return;
	p->refs--;
	if (p->refs == 0 && p->removed)
		prefix_free(p);
}

void
prefixes_free(struct appserver *as)
{
	for (size_t i = 0; i < as->nprefixes; i++)
		prefix_free(as->prefixes[i]);
	as->nprefixes = 0;
}
