/*
 * urlacl.c: URL ACLs (namespace reservations) in the store.  A prefix is
 * kept in canonical form (urlres_format) under a key that folds the path's
 * case, because HTTP.sys compares paths case-insensitively: two spellings
 * of one reservation are the same row.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "binding/binding_int.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "urlres/urlres.h"

static int	query_acls(struct binding_store *, const char *,
		    struct binding_urlacl **, size_t *, struct rs_err *);

/* Parses url into its canonical text and key. */
static int
canon(const char *url, char text[URLRES_TEXT_MAX], char key[URLRES_TEXT_MAX],
    struct rs_err *e)
{
	struct urlres_prefix	p;

	if (urlres_parse(url, &p, e) == -1)
		return -1;
	if (urlres_format(&p, text, URLRES_TEXT_MAX) == -1 ||
	    urlres_key(&p, key, URLRES_TEXT_MAX) == -1 ||
	    strlen(text) >= BINDING_URL_MAX)
		return rs_err_set(e, RS_E_USAGE, "the URL prefix is longer than "
		    "%d characters", BINDING_URL_MAX - 1);
	return 0;
}

static int
check_user(const char *user, struct rs_err *e)
{
	size_t	len = user != NULL ? strlen(user) : 0;

	if (len == 0 || len >= BINDING_USER_MAX)
		return rs_err_set(e, RS_E_USAGE, "the user name must have 1..%d "
		    "characters", BINDING_USER_MAX - 1);
	if (user[0] == '-')
		return rs_err_set(e, RS_E_USAGE, "a user name cannot start with "
		    "'-'");
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)user[i]) &&
		    strchr("._-$", user[i]) == NULL)
			return rs_err_set(e, RS_E_USAGE, "the user name %s has a "
			    "character that is not allowed in a Unix user name",
			    user);
	return 0;
}

/* RS_E_EXISTS naming the reservation as stored and its user. */
static void
exists_error(struct binding_store *bs, const char *key, const char *text,
    struct rs_err *e)
{
	struct binding_urlacl	*v;
	size_t			 n;

	if (query_acls(bs, key, &v, &n, NULL) == 0 && n == 1)
		rs_err_set(e, RS_E_EXISTS, "the URL %s is already reserved for "
		    "user %s; delete that reservation first", v[0].url,
		    v[0].user);
	else
		rs_err_set(e, RS_E_EXISTS, "the URL %s is already reserved; "
		    "delete that reservation first", text);
	if (n > 0)
		free(v);
}

/*
 * RS_E_EXISTS when a reservation on the same port has the other scheme:
 * one port is either TLS or plain HTTP.
 */
static int
check_scheme_clash(struct binding_store *bs, const char *url,
    struct rs_err *e)
{
	struct binding_urlacl	*v;
	struct urlres_prefix	 p, q;
	size_t			 n, i;
	int			 rv = 0;

	if (urlres_parse(url, &p, e) == -1 ||
	    query_acls(bs, NULL, &v, &n, e) == -1)
		return -1;
	for (i = 0; i < n && rv == 0; i++) {
		if (urlres_parse(v[i].url, &q, NULL) == 0 &&
		    urlres_scheme_clash(&q, 1, &p) == 0)
			rv = rs_err_set(e, RS_E_EXISTS, "port %u already serves "
			    "%s (%s is reserved for user %s); http and https "
			    "cannot share a port: use another port", p.port,
			    q.scheme, v[i].url, v[i].user);
	}
	free(v);
	return rv;
}

int
binding_urlacl_add(struct binding_store *bs, const char *url,
    const char *user, struct rs_err *e)
{
	char		 text[URLRES_TEXT_MAX], key[URLRES_TEXT_MAX];
	sqlite3_stmt	*st;
	int		 rc;

	if (canon(url, text, key, e) == -1 || check_user(user, e) == -1)
		return -1;
	if (bs_begin(bs, true, e) == -1)
		return -1;
	if (check_scheme_clash(bs, text, e) == -1)
		goto fail;
	st = bs_prepare(bs, "INSERT INTO urlacl (key, url, user, created) "
	    "VALUES (?, ?, ?, ?)", e);
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		exists_error(bs, key, text, e);
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		bs_db_err(bs, e, "cannot add the URL reservation");
		goto fail;
	}
	return bs_commit_write(bs, e);
fail:
	bs_rollback(bs);
	return -1;
}

int
binding_urlacl_del(struct binding_store *bs, const char *url,
    struct rs_err *e)
{
	char	text[URLRES_TEXT_MAX], key[URLRES_TEXT_MAX];

	if (canon(url, text, key, e) == -1)
		return -1;
	if (bs_begin(bs, true, e) == -1)
		return -1;
	if (bs_exec2(bs, "DELETE FROM urlacl WHERE key = ?", key, NULL,
	    e) == -1)
		goto fail;
	if (sqlite3_changes(bs->db) == 0) {
		rs_err_set(e, RS_E_NOTFOUND, "the URL %s is not reserved", text);
		goto fail;
	}
	return bs_commit_write(bs, e);
fail:
	bs_rollback(bs);
	return -1;
}

static void
read_acl(sqlite3_stmt *st, struct binding_urlacl *a)
{
	const unsigned char	*u = sqlite3_column_text(st, 0);
	const unsigned char	*n = sqlite3_column_text(st, 1);

	memset(a, 0, sizeof(*a));
	str_copy(a->url, sizeof(a->url), u != NULL ? (const char *)u : "");
	str_copy(a->user, sizeof(a->user), n != NULL ? (const char *)n : "");
	a->created = (time_t)sqlite3_column_int64(st, 2);
}

static int
query_acls(struct binding_store *bs, const char *key,
    struct binding_urlacl **out, size_t *n, struct rs_err *e)
{
	struct binding_urlacl	*v = NULL;
	sqlite3_stmt		*st;
	size_t			 cnt = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	st = bs_prepare(bs, key != NULL ?
	    "SELECT url, user, created FROM urlacl WHERE key = ?" :
	    "SELECT url, user, created FROM urlacl ORDER BY key", e);
	if (st == NULL)
		return -1;
	if (key != NULL)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, cnt + 1, sizeof(*v));
		read_acl(st, &v[cnt++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return bs_db_err(bs, e, "cannot list the URL reservations");
	}
	*out = v;
	*n = cnt;
	return 0;
}

int
binding_urlacl_get(struct binding_store *bs, const char *url,
    struct binding_urlacl *out, struct rs_err *e)
{
	char			 text[URLRES_TEXT_MAX], key[URLRES_TEXT_MAX];
	struct binding_urlacl	*v;
	size_t			 n;

	memset(out, 0, sizeof(*out));
	if (canon(url, text, key, e) == -1 ||
	    query_acls(bs, key, &v, &n, e) == -1)
		return -1;
	if (n == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "the URL %s is not reserved",
		    text);
	*out = v[0];
	free(v);
	return 0;
}

int
binding_urlacl_list(struct binding_store *bs, struct binding_urlacl **out,
    size_t *n, struct rs_err *e)
{
	return query_acls(bs, NULL, out, n, e);
}
