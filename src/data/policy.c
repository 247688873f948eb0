/*
 * policy.c: what a published report's data source may open on a server
 * (data_source_confine in data.h).  A SQLite file must lie under the data
 * source root by its real path.  A PostgreSQL conninfo is parsed as libpq
 * parses it (PQconninfoParse: key=value or a postgresql:// URI), with
 * only ordinary keywords accepted; its targets are worked out as libpq
 * would connect (a host list, hostaddr over host, the defaults of the
 * environment and of libpq), each must match an allow rule, and the
 * conninfo is rewritten with every target spelled out, so that nothing
 * libpq fills in later can lead somewhere else than what was checked.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <libpq-fe.h>

#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "data/data_int.h"

#define PG_TARGETS_MAX	8	/* entries of a host list */

/*
 * The keywords a report's conninfo may use: where and as whom to connect,
 * and how.  Nothing that names a file (service, passfile, SSL keys and
 * certificates), nor session options.
 */
static const char *const pg_keys[] = {
	"host", "hostaddr", "port", "dbname", "user", "password",
	"connect_timeout", "application_name", "client_encoding", "sslmode",
	"channel_binding", "gssencmode", "keepalives", "keepalives_idle",
	"keepalives_interval", "keepalives_count", "tcp_user_timeout",
	"target_session_attrs",
};
enum { K_HOST, K_HOSTADDR, K_PORT, K_DBNAME, K_USER, K_PASSWORD,
    K__N = nitems(pg_keys) };

struct pg_target {
	char	 host[PATH_MAX];	/* name, address or socket real path */
	char	 port[8];
	bool	 from_addr;		/* host came from hostaddr */
};

struct pg_info {
	char		*val[K__N];	/* from the conninfo, NULL: unset */
	struct pg_target t[PG_TARGETS_MAX];
	size_t		 nt;
	char		*dbname, *user;	/* as libpq will use them */
};

static int
sqlite_confine(struct data_source *src, const char *root, struct rs_err *e)
{
	char	real[PATH_MAX], rroot[PATH_MAX];
	size_t	n;

	if (realpath(root, rroot) == NULL)
		return rs_err_sys(e, RS_E_PERM, "reports may read SQLite files "
		    "only under %s, which cannot be resolved", root);
	if (realpath(src->conn, real) == NULL)
		return rs_err_sys(e, errno == ENOENT ? RS_E_NOTFOUND : RS_E_PERM,
		    "SQLite database %s cannot be opened", src->conn);
	n = strlen(rroot);
	if (strncmp(real, rroot, n) != 0 || (real[n] != '/' &&
	    strcmp(rroot, "/") != 0))
		return rs_err_set(e, RS_E_PERM, "SQLite database %s is outside "
		    "%s, the folder reports may read; move it there, or set "
		    "DataSourceRoot in rsreportserver.config", src->conn,
		    rroot);
	if (str_copy(src->conn, sizeof(src->conn), real) == -1)
		return rs_err_set(e, RS_E_PERM, "SQLite path too long: %s",
		    real);
	return 0;
}

static void
pg_info_fini(struct pg_info *pi)
{
	for (size_t k = 0; k < K__N; k++)
		free(pi->val[k]);
	free(pi->dbname);
	free(pi->user);
	memset(pi, 0, sizeof(*pi));
}

static int
key_index(const char *kw)
{
	for (size_t k = 0; k < K__N; k++)
		if (strcmp(pg_keys[k], kw) == 0)
			return (int)k;
	return -1;
}

/* The keywords set in a conninfo; strict: refuse any not in pg_keys. */
static int
pg_read(const char *conn, bool strict, struct pg_info *pi, struct rs_err *e)
{
	PQconninfoOption *o, *opts;
	char		*err = NULL;
	int		 k, rv = 0;

	opts = PQconninfoParse(conn, &err);
	/* libpq's message may quote a piece of the string: a password. */
	PQfreemem(err);
	if (opts == NULL)
		return rs_err_set(e, RS_E_IO, "the PostgreSQL connection string "
		    "cannot be parsed; use key=value pairs (host=... dbname=...)"
		    " or a postgresql:// URI");
	for (o = opts; o->keyword != NULL && rv == 0; o++) {
		if (o->val == NULL)
			continue;
		k = key_index(o->keyword);
		if (k >= 0)
			pi->val[k] = xstrdup(o->val);
		else if (strict)
			rv = rs_err_set(e, RS_E_PERM, "the PostgreSQL connection "
			    "option %s is not allowed in a report's data source; "
			    "use only host, hostaddr, port, dbname, user, password,"
			    " sslmode and connection timeouts", o->keyword);
	}
	PQconninfoFree(opts);
	return rv;
}

/* What libpq falls back to: the environment ($PGHOST...), then its own. */
static char *
pg_default(const char *kw)
{
	PQconninfoOption *d = PQconndefaults(), *o;
	char		*v = NULL;

	for (o = d; o != NULL && o->keyword != NULL; o++)
		if (strcmp(o->keyword, kw) == 0 && o->val != NULL &&
		    o->val[0] != '\0')
			v = xstrdup(o->val);
	PQconninfoFree(d);
	return v;
}

/* Entry i of a comma-separated list (""), or -1 past its end. */
static int
list_item(const char *list, size_t i, char *out, size_t outsz)
{
	const char	*p = list != NULL ? list : "", *comma;
	size_t		 n;

	for (; i > 0; i--) {
		p = strchr(p, ',');
		if (p == NULL)
			return -1;
		p++;
	}
	comma = strchr(p, ',');
	n = comma != NULL ? (size_t)(comma - p) : strlen(p);
	if (n >= outsz)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static size_t
list_len(const char *list)
{
	size_t		 n = 1;

	if (list == NULL || list[0] == '\0')
		return 0;
	for (const char *p = list; *p != '\0'; p++)
		n += *p == ',';
	return n;
}

static bool
numeric_addr(const char *a)
{
	unsigned char	 buf[16];

	return inet_pton(AF_INET, a, buf) == 1 ||
	    inet_pton(AF_INET6, a, buf) == 1;
}

/* One target: hostaddr over host over the default; a socket's real path. */
static int
pg_target(struct pg_info *pi, size_t i, const char *dhost, const char *dport,
    struct rs_err *e)
{
	struct pg_target *t = &pi->t[i];
	char		 h[PATH_MAX], a[256];
	uint64_t	 port;

	if (list_item(pi->val[K_HOST], i, h, sizeof(h)) == -1)
		h[0] = '\0';
	if (list_item(pi->val[K_HOSTADDR], i, a, sizeof(a)) == -1)
		a[0] = '\0';
	t->from_addr = a[0] != '\0';
	if (t->from_addr && !numeric_addr(a))
		return rs_err_set(e, RS_E_IO, "the PostgreSQL hostaddr '%.64s' "
		    "is not a numeric IPv4 or IPv6 address", a);
	str_copy(t->host, sizeof(t->host), a[0] ? a : h[0] ? h : dhost);
	if (!t->from_addr && t->host[0] == '/' &&
	    realpath(h[0] ? h : dhost, t->host) == NULL)
		return rs_err_sys(e, RS_E_IO, "the PostgreSQL socket folder "
		    "%.200s cannot be resolved", h[0] ? h : dhost);
	if (list_len(pi->val[K_PORT]) == 1)
		str_copy(t->port, sizeof(t->port), pi->val[K_PORT]);
	else if (list_item(pi->val[K_PORT], i, t->port, sizeof(t->port)) ==
	    -1)
		t->port[0] = '\0';
	if (t->port[0] == '\0')
		str_copy(t->port, sizeof(t->port), dport);
	if (str_parse_uint(t->port, 1, 65535, &port, "port", NULL) == -1)
		return rs_err_set(e, RS_E_IO, "the PostgreSQL port '%.8s' is not "
		    "a port number", t->port);
	return 0;
}

/* Every target of the conninfo, with libpq's defaults filled in. */
static int
pg_targets(struct pg_info *pi, struct rs_err *e)
{
	char		*dhost = pg_default("host"), *dport = pg_default("port");
	size_t		 nh = list_len(pi->val[K_HOST]);
	size_t		 na = list_len(pi->val[K_HOSTADDR]);
	size_t		 np = list_len(pi->val[K_PORT]);
	int		 rv = 0;

	pi->nt = nh > na ? nh : na;
	if (pi->nt == 0)
		pi->nt = 1;
	if (pi->nt > PG_TARGETS_MAX || (nh > 0 && na > 0 && nh != na) ||
	    (np > 1 && np != pi->nt))
		rv = rs_err_set(e, RS_E_IO, "the PostgreSQL host, hostaddr and "
		    "port lists do not match (at most %d hosts, and as many "
		    "ports or one)", PG_TARGETS_MAX);
	for (size_t i = 0; rv == 0 && i < pi->nt; i++)
		rv = pg_target(pi, i, dhost ? dhost : DATA_PG_SOCKET_DIR,
		    dport ? dport : "5432", e);
	free(dhost);
	free(dport);
	if (rv == 0) {
		pi->user = pi->val[K_USER] && pi->val[K_USER][0] ?
		    xstrdup(pi->val[K_USER]) : pg_default("user");
		pi->dbname = pi->val[K_DBNAME] && pi->val[K_DBNAME][0] ?
		    xstrdup(pi->val[K_DBNAME]) : pg_default("dbname");
		if (pi->dbname == NULL && pi->user != NULL)
			pi->dbname = xstrdup(pi->user);
		if (pi->dbname == NULL || pi->user == NULL)
			rv = rs_err_set(e, RS_E_IO, "the PostgreSQL connection "
			    "string names no user or database");
		/* Only PQconnectdbParams expands one, but never pass it on. */
		else if (strchr(pi->dbname, '=') != NULL ||
		    str_has_iprefix(pi->dbname, "postgres://") ||
		    str_has_iprefix(pi->dbname, "postgresql://"))
			rv = rs_err_set(e, RS_E_PERM, "the PostgreSQL database "
			    "name may not be a connection string");
	}
	return rv;
}

static bool
is_socket(const char *h)
{
	return h[0] == '/' || h[0] == '@';
}

static bool
host_match(const char *pat, const char *host)
{
	char		 real[PATH_MAX];

	if (is_socket(pat) != is_socket(host))
		return false;
	if (!is_socket(host))
		return fnmatch(pat, host, FNM_CASEFOLD) == 0;
	if (strpbrk(pat, "*?[") == NULL && pat[0] == '/' &&
	    realpath(pat, real) != NULL)
		return strcmp(real, host) == 0;
	return fnmatch(pat, host, FNM_PATHNAME | FNM_PERIOD) == 0;
}

static bool
rule_match(const struct data_pg_rule *r, const struct pg_target *t,
    const char *dbname)
{
	return host_match(r->host, t->host) &&
	    (r->port == 0 || (unsigned)strtoul(t->port, NULL, 10) == r->port) &&
	    fnmatch(r->dbname, dbname, 0) == 0;
}

/* "host:port/db", an IPv6 address in brackets. */
static void
target_name(const struct pg_target *t, const char *db, char *out, size_t n)
{
	bool		 v6 = !is_socket(t->host) && strchr(t->host, ':');

	snprintf(out, n, "%s%.200s%s:%s/%.64s", v6 ? "[" : "", t->host,
	    v6 ? "]" : "", t->port, db);
}

/* Is target t the report server's own database? */
static bool
is_own(const char *own, const struct pg_target *t, const char *db)
{
	struct pg_info	 o = { 0 };
	struct rs_err	 e;
	bool		 hit = false;

	if (own == NULL || pg_read(own, false, &o, &e) == -1 ||
	    pg_targets(&o, &e) == -1) {
		pg_info_fini(&o);
		return false;
	}
	for (size_t i = 0; i < o.nt && !hit; i++)
		hit = strcasecmp(o.t[i].host, t->host) == 0 &&
		    strcmp(o.t[i].port, t->port) == 0 &&
		    strcmp(o.dbname, db) == 0;
	pg_info_fini(&o);
	return hit;
}

/* Whether a rule marked read_write allows the target. */
static bool
rw_allowed(const struct data_policy *pol, const struct pg_target *t,
    const char *db)
{
	for (size_t r = 0; r < pol->npg_allow; r++)
		if (pol->pg_allow[r].read_write &&
		    rule_match(&pol->pg_allow[r], t, db))
			return true;
	return false;
}

static int
pg_allowed(const struct data_policy *pol, const struct pg_info *pi, bool *rw,
    struct rs_err *e)
{
	char		 name[320];
	size_t		 r;

	*rw = pi->nt > 0;
	for (size_t i = 0; i < pi->nt; i++) {
		target_name(&pi->t[i], pi->dbname, name, sizeof(name));
		if (is_own(pol->pg_own, &pi->t[i], pi->dbname))
			return rs_err_set(e, RS_E_PERM, "PostgreSQL database %s "
			    "is the report server's own database, which reports "
			    "may never open", name);
		for (r = 0; r < pol->npg_allow; r++)
			if (rule_match(&pol->pg_allow[r], &pi->t[i], pi->dbname))
				break;
		*rw = *rw && rw_allowed(pol, &pi->t[i], pi->dbname);
		if (r == pol->npg_allow)
			return rs_err_set(e, RS_E_PERM, "PostgreSQL database %s "
			    "is not one reports may connect to; an administrator "
			    "can allow it with <Allow>%s</Allow> in %s", name,
			    name, pol->setting != NULL ? pol->setting :
			    "the server's data source policy");
	}
	return 0;
}

/* key='value' with ' and \ escaped, as libpq reads it. */
static void
put_kv(struct buf *b, const char *k, const char *v)
{
	buf_printf(b, NULL, "%s%s='", b->len > 0 ? " " : "", k);
	for (; *v != '\0'; v++) {
		if (*v == '\'' || *v == '\\')
			buf_puts(b, "\\", NULL);
		buf_append(b, v, 1, NULL);
	}
	buf_puts(b, "'", NULL);
}

static void
put_list(struct buf *b, const char *k, const struct pg_info *pi, bool addr)
{
	struct buf	 l;

	buf_init(&l, 0);
	for (size_t i = 0; i < pi->nt; i++)
		buf_printf(&l, NULL, "%s%s", i ? "," : "", addr ?
		    pi->t[i].port : pi->t[i].host);
	put_kv(b, k, l.data != NULL ? l.data : "");
	buf_fini(&l);
}

/* The conninfo with every target spelled out: what was checked. */
static int
pg_rewrite(struct data_source *src, const struct pg_info *pi,
    struct rs_err *e)
{
	struct buf	 b;
	int		 rv = 0;

	buf_init(&b, 0);
	for (size_t k = K_PASSWORD; k < K__N; k++)
		if (pi->val[k] != NULL)
			put_kv(&b, pg_keys[k], pi->val[k]);
	if (pi->val[K_HOSTADDR] != NULL && pi->val[K_HOSTADDR][0] != '\0') {
		put_kv(&b, "hostaddr", pi->val[K_HOSTADDR]);
		if (pi->val[K_HOST] != NULL)
			put_kv(&b, "host", pi->val[K_HOST]);
	} else
		put_list(&b, "host", pi, false);
	put_list(&b, "port", pi, true);
	put_kv(&b, "dbname", pi->dbname);
	put_kv(&b, "user", pi->user);
	if (str_copy(src->conn, sizeof(src->conn), b.data) == -1)
		rv = rs_err_set(e, RS_E_IO, "the PostgreSQL connection string "
		    "is longer than %zu bytes", sizeof(src->conn) - 1);
	explicit_bzero(b.data, b.len);
	buf_fini(&b);
	return rv;
}

static int
pg_confine(struct data_source *src, const struct data_policy *pol,
    struct rs_err *e)
{
	struct pg_info	 pi = { 0 };
	bool		 rw = false;
	int		 rv = -1;

	if (pg_read(src->conn, true, &pi, e) == 0 && pg_targets(&pi, e) == 0 &&
	    pg_allowed(pol, &pi, &rw, e) == 0 && pg_rewrite(src, &pi, e) == 0)
		rv = 0;
	src->read_write = rv == 0 && rw;
	if (pi.val[K_PASSWORD] != NULL)
		explicit_bzero(pi.val[K_PASSWORD],
		    strlen(pi.val[K_PASSWORD]));
	pg_info_fini(&pi);
	return rv;
}

int
data_source_confine(struct data_source *src, const struct data_policy *pol,
    struct rs_err *e)
{
	src->read_write = false;
	if (pol == NULL)
		return 0;
	if (src->kind == DATA_SQLITE && pol->sqlite_root != NULL)
		return sqlite_confine(src, pol->sqlite_root, e);
	if (src->kind == DATA_POSTGRES && pol->pg_confined)
		return pg_confine(src, pol, e);
	return 0;
}
