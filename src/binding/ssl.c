/*
 * ssl.c: SSL certificate bindings in the store: add, update, delete, get,
 * list, list by certificate, and the owner list of shared bindings.  Each
 * change is one IMMEDIATE transaction that also bumps the generation, so
 * the daemon sees it and concurrent writers serialise.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "binding/binding_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#define SSL_COLS "endpoint, kind, certhash, store, appid, follow_names, created"

static void	copy_col(char *, size_t, sqlite3_stmt *, int);

static int
check_store_name(const char *s, struct rs_err *e)
{
	size_t	len = strlen(s);

	if (len == 0 || len >= BINDING_STORE_NAME_MAX)
		return rs_err_set(e, RS_E_USAGE, "certstorename must have 1..%d "
		    "characters", BINDING_STORE_NAME_MAX - 1);
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]))
			return rs_err_set(e, RS_E_USAGE, "certstorename must be "
			    "letters and digits, like My");
	return 0;
}

/* Checks a binding given to add/update; writes its canonical fields. */
static int
check_binding(const struct binding_ssl *b, char hash[41], char appid[40],
    const char **store, struct rs_err *e)
{
	char	ep[BINDING_ENDPOINT_MAX];
	uint8_t	raw[20];

	if (binding_endpoint_parse(b->endpoint, b->kind, ep, e) == -1)
		return -1;
	if (strcmp(ep, b->endpoint) != 0)
		return rs_err_set(e, RS_E_USAGE, "endpoint %s is not in canonical "
		    "form (%s)", b->endpoint, ep);
	if (strlen(b->certhash) != 40 ||
	    str_hex_decode(b->certhash, raw, sizeof(raw)) != 20)
		return rs_err_set(e, RS_E_USAGE, "certhash must be 40 hex "
		    "digits (a SHA-1 thumbprint)");
	str_hex_encode(raw, sizeof(raw), hash, true);
	if (binding_appid_parse(b->appid, appid, e) == -1)
		return -1;
	*store = b->store[0] != '\0' ? b->store : "My";
	if (b->follow_names != NULL &&
	    strlen(b->follow_names) > BINDING_FOLLOW_MAX)
		return rs_err_set(e, RS_E_USAGE, "follow names are longer than "
		    "%d bytes", BINDING_FOLLOW_MAX);
	if (b->n_owners > BINDING_OWNERS_MAX)
		return rs_err_set(e, RS_E_LIMIT, "a binding has at most %d "
		    "owners", BINDING_OWNERS_MAX);
	return check_store_name(*store, e);
}

static int
insert_owners(struct binding_store *bs, const struct binding_ssl *b,
    const char *appid, struct rs_err *e)
{
	char	canon[BINDING_APPID_MAX];
	size_t	i;

	if (b->n_owners == 0)
		return bs_exec2(bs, "INSERT INTO sslcert_owner (endpoint, appid) "
		    "VALUES (?, ?)", b->endpoint, appid, e);
	for (i = 0; i < b->n_owners; i++) {
		if (binding_appid_parse(b->owners[i], canon, e) == -1 ||
		    bs_exec2(bs, "INSERT OR IGNORE INTO sslcert_owner "
		    "(endpoint, appid) VALUES (?, ?)", b->endpoint, canon,
		    e) == -1)
			return -1;
	}
	return 0;
}

static int
insert_binding(struct binding_store *bs, const struct binding_ssl *b,
    const char *hash, const char *appid, const char *store, struct rs_err *e)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = bs_prepare(bs, "INSERT INTO sslcert (" SSL_COLS ") "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)", e);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, b->endpoint, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)b->kind);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, store, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, appid, -1, SQLITE_STATIC);
	if (b->follow_names != NULL)
		sqlite3_bind_text(st, 6, b->follow_names, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return rs_err_set(e, RS_E_EXISTS, "an SSL certificate is already "
		    "bound to %s; delete it first, or update it", b->endpoint);
	if (rc != SQLITE_DONE)
		return bs_db_err(bs, e, "cannot add the binding");
	return 0;
}

int
binding_ssl_add(struct binding_store *bs, const struct binding_ssl *b,
    struct rs_err *e)
{
	char		 hash[41], appid[BINDING_APPID_MAX];
	const char	*store;

	if (check_binding(b, hash, appid, &store, e) == -1)
		return -1;
	if (bs_begin(bs, true, e) == -1)
		return -1;
	if (insert_binding(bs, b, hash, appid, store, e) == -1 ||
	    insert_owners(bs, b, appid, e) == -1) {
		bs_rollback(bs);
		return -1;
	}
	return bs_commit_write(bs, e);
}

/* The certhash and store bound to endpoint, or "" when it is free. */
static int
bound_cert(struct binding_store *bs, const char *endpoint, char hash[41],
    char store[BINDING_STORE_NAME_MAX], struct rs_err *e)
{
	sqlite3_stmt	*st;
	int		 rc;

	hash[0] = store[0] = '\0';
	st = bs_prepare(bs, "SELECT certhash, store FROM sslcert "
	    "WHERE endpoint = ?", e);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, endpoint, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		copy_col(hash, 41, st, 0);
		copy_col(store, BINDING_STORE_NAME_MAX, st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bs_db_err(bs, e, "cannot read the binding");
	return 0;
}

int
binding_ssl_acquire(struct binding_store *bs, const struct binding_ssl *b,
    bool *created, struct rs_err *e)
{
	char		 hash[41], appid[BINDING_APPID_MAX], have[41];
	char		 have_store[BINDING_STORE_NAME_MAX];
	const char	*store;

	*created = false;
	if (check_binding(b, hash, appid, &store, e) == -1)
		return -1;
	if (bs_begin(bs, true, e) == -1)
		return -1;
	if (bound_cert(bs, b->endpoint, have, have_store, e) == -1)
		goto fail;
	if (have[0] == '\0') {
		if (insert_binding(bs, b, hash, appid, store, e) == -1 ||
		    bs_exec2(bs, "INSERT INTO sslcert_owner (endpoint, appid) "
		    "VALUES (?, ?)", b->endpoint, appid, e) == -1)
			goto fail;
		*created = true;
	} else if (strcmp(have, hash) != 0 || strcmp(have_store, store) != 0) {
		rs_err_set(e, RS_E_EXISTS, "%s is already bound to certificate "
		    "%s in store %s; another application may use it: choose "
		    "that certificate or another port", b->endpoint, have,
		    have_store);
		goto fail;
	} else if (bs_exec2(bs, "INSERT OR IGNORE INTO sslcert_owner "
	    "(endpoint, appid) VALUES (?, ?)", b->endpoint, appid, e) == -1)
		goto fail;
	return bs_commit_write(bs, e);
fail:
	*created = false;
	bs_rollback(bs);
	return -1;
}

/* Runs a change on one binding; RS_E_NOTFOUND when nothing changed. */
static int
change_one(struct binding_store *bs, sqlite3_stmt *st, const char *endpoint,
    struct rs_err *e)
{
	int	rc;

	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return bs_db_err(bs, e, "cannot change the binding");
	if (sqlite3_changes(bs->db) == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "no SSL certificate is bound "
		    "to %s", endpoint);
	return 0;
}

int
binding_ssl_update(struct binding_store *bs, const struct binding_ssl *b,
    struct rs_err *e)
{
	char		 hash[41], appid[BINDING_APPID_MAX];
	const char	*store;
	sqlite3_stmt	*st;

	if (check_binding(b, hash, appid, &store, e) == -1)
		return -1;
	if (bs_begin(bs, true, e) == -1)
		return -1;
	st = bs_prepare(bs, "UPDATE sslcert SET certhash = ?, store = ?, "
	    "appid = ? WHERE endpoint = ?", e);
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, store, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, appid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, b->endpoint, -1, SQLITE_STATIC);
	if (change_one(bs, st, b->endpoint, e) == -1 ||
	    bs_exec2(bs, "INSERT OR IGNORE INTO sslcert_owner (endpoint, appid) "
	    "VALUES (?, ?)", b->endpoint, appid, e) == -1)
		goto fail;
	return bs_commit_write(bs, e);
fail:
	bs_rollback(bs);
	return -1;
}

int
binding_ssl_del(struct binding_store *bs, const char *endpoint,
    struct rs_err *e)
{
	sqlite3_stmt	*st;

	if (bs_begin(bs, true, e) == -1)
		return -1;
	st = bs_prepare(bs, "DELETE FROM sslcert WHERE endpoint = ?", e);
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, endpoint, -1, SQLITE_STATIC);
	if (change_one(bs, st, endpoint, e) == -1)
		goto fail;
	return bs_commit_write(bs, e);
fail:
	bs_rollback(bs);
	return -1;
}

int
binding_ssl_set_follow(struct binding_store *bs, const char *endpoint,
    const char *follow, struct rs_err *e)
{
	sqlite3_stmt	*st;

	if (follow != NULL && strlen(follow) > BINDING_FOLLOW_MAX)
		return rs_err_set(e, RS_E_USAGE, "follow names are longer than "
		    "%d bytes", BINDING_FOLLOW_MAX);
	if (bs_begin(bs, true, e) == -1)
		return -1;
	st = bs_prepare(bs, "UPDATE sslcert SET follow_names = ? "
	    "WHERE endpoint = ?", e);
	if (st == NULL)
		goto fail;
	if (follow != NULL)
		sqlite3_bind_text(st, 1, follow, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, endpoint, -1, SQLITE_STATIC);
	if (change_one(bs, st, endpoint, e) == -1)
		goto fail;
	return bs_commit_write(bs, e);
fail:
	bs_rollback(bs);
	return -1;
}

static void
copy_col(char *dst, size_t dstsz, sqlite3_stmt *st, int col)
{
	const unsigned char	*s = sqlite3_column_text(st, col);

	str_copy(dst, dstsz, s != NULL ? (const char *)s : "");
}

static int
load_owners(struct binding_store *bs, struct binding_ssl *b, struct rs_err *e)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = bs_prepare(bs, "SELECT appid FROM sslcert_owner WHERE endpoint = ? "
	    "ORDER BY rowid", e);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, b->endpoint, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    b->n_owners < BINDING_OWNERS_MAX) {
		b->owners = xreallocarray(b->owners, b->n_owners + 1,
		    sizeof(char *));
		b->owners[b->n_owners++] = xstrdup(
		    (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bs_db_err(bs, e, "cannot read the owners");
	return 0;
}

/* Fills b from a row of SSL_COLS. */
static void
read_row(sqlite3_stmt *st, struct binding_ssl *b)
{
	const unsigned char	*f;

	memset(b, 0, sizeof(*b));
	copy_col(b->endpoint, sizeof(b->endpoint), st, 0);
	b->kind = sqlite3_column_int(st, 1) == 1 ? BINDING_HOSTNAMEPORT :
	    BINDING_IPPORT;
	copy_col(b->certhash, sizeof(b->certhash), st, 2);
	copy_col(b->store, sizeof(b->store), st, 3);
	copy_col(b->appid, sizeof(b->appid), st, 4);
	f = sqlite3_column_text(st, 5);
	b->follow_names = f != NULL ? xstrdup((const char *)f) : NULL;
	b->created = (time_t)sqlite3_column_int64(st, 6);
}

/* Runs a SELECT of SSL_COLS (one optional text parameter) into a list. */
static int
query_list(struct binding_store *bs, const char *sql, const char *arg,
    struct binding_ssl **out, size_t *n, struct rs_err *e)
{
	struct binding_ssl	*v = NULL;
	sqlite3_stmt		*st;
	size_t			 i, cnt = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	if (bs_begin(bs, false, e) == -1)
		return -1;
	st = bs_prepare(bs, sql, e);
	if (st == NULL)
		goto fail;
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, cnt + 1, sizeof(*v));
		read_row(st, &v[cnt++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		bs_db_err(bs, e, "cannot list the bindings");
		goto fail;
	}
	for (i = 0; i < cnt; i++)
		if (load_owners(bs, &v[i], e) == -1)
			goto fail;
	bs_commit(bs, NULL);
	*out = v;
	*n = cnt;
	return 0;
fail:
	bs_rollback(bs);
	binding_ssl_list_free(v, cnt);
	return -1;
}

int
binding_ssl_list(struct binding_store *bs, struct binding_ssl **out,
    size_t *n, struct rs_err *e)
{
	return query_list(bs, "SELECT " SSL_COLS " FROM sslcert "
	    "ORDER BY kind, endpoint", NULL, out, n, e);
}

int
binding_ssl_list_by_cert(struct binding_store *bs, const char *thumbprint,
    struct binding_ssl **out, size_t *n, struct rs_err *e)
{
	char	hash[41];
	uint8_t	raw[20];

	if (thumbprint == NULL || strlen(thumbprint) != 40 ||
	    str_hex_decode(thumbprint, raw, sizeof(raw)) != 20)
		return rs_err_set(e, RS_E_USAGE, "a thumbprint is 40 hex digits");
	str_hex_encode(raw, sizeof(raw), hash, true);
	return query_list(bs, "SELECT " SSL_COLS " FROM sslcert "
	    "WHERE certhash = ? ORDER BY kind, endpoint", hash, out, n, e);
}

int
binding_ssl_get(struct binding_store *bs, const char *endpoint,
    struct binding_ssl *out, struct rs_err *e)
{
	struct binding_ssl	*v;
	size_t			 n;

	memset(out, 0, sizeof(*out));
	if (query_list(bs, "SELECT " SSL_COLS " FROM sslcert "
	    "WHERE endpoint = ?", endpoint, &v, &n, e) == -1)
		return -1;
	if (n == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "no SSL certificate is bound "
		    "to %s", endpoint);
	*out = v[0];
	free(v);
	return 0;
}

void
binding_ssl_fini(struct binding_ssl *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n_owners; i++)
		free(b->owners[i]);
	free(b->owners);
	free(b->follow_names);
	b->owners = NULL;
	b->n_owners = 0;
	b->follow_names = NULL;
}

void
binding_ssl_list_free(struct binding_ssl *v, size_t n)
{
	size_t	i;

	for (i = 0; v != NULL && i < n; i++)
		binding_ssl_fini(&v[i]);
	free(v);
}
