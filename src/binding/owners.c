/*
 * owners.c: shared SSL bindings.  A binding records every application id
 * that uses it; an application letting go removes only its own use, and
 * the binding itself goes when its last owner lets go.  This is the fix
 * for the Windows trap where removing the report server's binding also
 * removed IIS's (one shared registry key, no owners).
 */
#include <string.h>

#include "binding/binding_int.h"

/* Reads an integer from a query with one text parameter. */
static int
count_of(struct binding_store *bs, const char *sql, const char *arg,
    int *out, struct rs_err *e)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = bs_prepare(bs, sql, e);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return bs_db_err(bs, e, "cannot read the store");
	return 0;
}

static int
require_binding(struct binding_store *bs, const char *endpoint, int *owners,
    struct rs_err *e)
{
	int	n;

	if (count_of(bs, "SELECT count(*) FROM sslcert WHERE endpoint = ?",
	    endpoint, &n, e) == -1)
		return -1;
	if (n == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "no SSL certificate is bound "
		    "to %s", endpoint);
	return count_of(bs, "SELECT count(*) FROM sslcert_owner "
	    "WHERE endpoint = ?", endpoint, owners, e);
}

int
binding_ssl_owner_add(struct binding_store *bs, const char *endpoint,
    const char *appid_text, struct rs_err *e)
{
	char	appid[BINDING_APPID_MAX];
	int	owners;

	if (binding_appid_parse(appid_text, appid, e) == -1)
		return -1;
	if (bs_begin(bs, true, e) == -1)
		return -1;
	if (require_binding(bs, endpoint, &owners, e) == -1)
		goto fail;
	if (owners >= BINDING_OWNERS_MAX) {
		rs_err_set(e, RS_E_LIMIT, "binding %s already has %d owners",
		    endpoint, owners);
		goto fail;
	}
	if (bs_exec2(bs, "INSERT OR IGNORE INTO sslcert_owner (endpoint, appid) "
	    "VALUES (?, ?)", endpoint, appid, e) == -1)
		goto fail;
	return bs_commit_write(bs, e);
fail:
	bs_rollback(bs);
	return -1;
}

/* Removes appid's use; the binding's own appid moves to another owner. */
static int
drop_owner(struct binding_store *bs, const char *endpoint, const char *appid,
    bool *deleted, struct rs_err *e)
{
	int	left;

	if (bs_exec2(bs, "DELETE FROM sslcert_owner WHERE endpoint = ? AND "
	    "appid = ?", endpoint, appid, e) == -1)
		return -1;
	if (sqlite3_changes(bs->db) == 0)
		return rs_err_set(e, RS_E_NOTFOUND, "application %s does not use "
		    "the binding of %s", appid, endpoint);
	if (count_of(bs, "SELECT count(*) FROM sslcert_owner "
	    "WHERE endpoint = ?", endpoint, &left, e) == -1)
		return -1;
	if (left == 0) {
		*deleted = true;
		return bs_exec2(bs, "DELETE FROM sslcert WHERE endpoint = ?",
		    endpoint, NULL, e);
	}
	return bs_exec2(bs, "UPDATE sslcert SET appid = (SELECT appid FROM "
	    "sslcert_owner o WHERE o.endpoint = sslcert.endpoint ORDER BY rowid "
	    "LIMIT 1) WHERE endpoint = ?1 AND appid NOT IN (SELECT appid FROM "
	    "sslcert_owner WHERE endpoint = ?1)", endpoint, NULL, e);
}

int
binding_ssl_owner_del(struct binding_store *bs, const char *endpoint,
    const char *appid_text, bool *deleted, struct rs_err *e)
{
	char	appid[BINDING_APPID_MAX];
	int	owners;

	*deleted = false;
	if (binding_appid_parse(appid_text, appid, e) == -1)
		return -1;
	if (bs_begin(bs, true, e) == -1)
		return -1;
	if (require_binding(bs, endpoint, &owners, e) == -1 ||
	    drop_owner(bs, endpoint, appid, deleted, e) == -1) {
		*deleted = false;
		bs_rollback(bs);
		return -1;
	}
	return bs_commit_write(bs, e);
}
