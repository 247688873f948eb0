/*
 * rs_int.h (internal to reportserver/): helpers shared by the web service,
 * the portal and the REST API: query strings, URL encoding, error pages
 * in the original's shapes, the request gate (database, secure
 * connection, sign-in) and time formats.
 */
#ifndef RS_REPORTSERVER_INT_H
#define RS_REPORTSERVER_INT_H

#include "reportserver/server.h"

/*
 * Fields of one query string: a multi-value parameter repeats its name
 * once a value, so the viewer's "Select all" of a long list needs many
 * (the query's length stays capped by RS_QUERY_MAX).
 */
#define RS_PARAMS_MAX	1024

/* A parsed query string: the item path (first bare value) and params. */
struct rsquery {
	char	*item;	/* "/Folder/Report" or NULL */
	struct {
		char	*name;
		char	*value;
	}	 p[RS_PARAMS_MAX];
	size_t	 n;
};

int	rs_query_parse(const char *raw, struct rsquery *, struct rs_err *);
void	rs_query_fini(struct rsquery *);
/* Case-insensitive lookup; NULL when absent. */
const char	*rs_query_get(const struct rsquery *, const char *name);

/* %XX decoding ('+' is a space when plus); NULL on bad input. */
char	*rs_url_decode(const char *, size_t, bool plus);
/* Appends a catalog path in the listing's encoding (%2f, '+'). */
void	rs_url_encode(struct buf *, const char *s, bool path_style);

const char	*rs_req_header(const struct rsreq *, const char *name);
/* Fills https, host and client from the forwarded headers. */
void	rs_req_prepare(struct rsreq *);

/* The original's error code and HTTP status for an rs_err. */
const char	*rs_err_rscode(const struct rs_err *);
int		 rs_err_status(const struct rs_err *);

/* "Reporting Services Error" page (HTML). */
void	rs_error_html(struct rsresp *, int status, const char *rscode,
	    const char *msg, const char *hint_html);
/* {"error":{"code":...,"message":...}} (REST). */
void	rs_error_json(struct rsresp *, int status, const char *rscode,
	    const char *msg);
/* Either of the two from an rs_err. */
void	rs_error(struct rsresp *, bool json, const struct rs_err *);

/*
 * The gate every request passes: the database must be there, plain HTTP
 * may not carry credentials when SecureConnectionLevel >= 1, and the user
 * must sign in.  Returns the catalog, or NULL when resp holds the answer.
 */
struct catalog	*rs_gate(struct rs_server *, struct rsreq *, struct rsresp *,
		    bool json, struct rsuser *);

/* Sign-in (auth.c).  Returns 0, or -1 with resp filled (401/403). */
int	rs_auth(struct rs_server *, struct catalog *, struct rsreq *,
	    struct rsresp *, bool json, struct rsuser *);

/* Times: "2026-11-23T14:55:41Z" and "Monday, November 23, 2026 2:55 PM". */
void	rs_time_iso(int64_t, char *out, size_t);
void	rs_time_long(int64_t, char *out, size_t);

/* Item tasks of the user; 0 on error. */
unsigned	rs_tasks(struct catalog *, const char *id,
		    const struct rsuser *);
unsigned	rs_sys_tasks(struct catalog *, const struct rsuser *);
/*
 * catalog_item_get (by path) and catalog_item_get_id for a user: an item
 * the user holds no role on, nor on its parent folder, is RS_E_NOTFOUND
 * with the very message a missing item gets, so its existence is not
 * revealed.  The caller finis *it on success.
 */
int	rs_item_get(struct catalog *, const struct rsuser *, const char *path,
	    struct catalog_item *, struct rs_err *);
int	rs_item_get_id(struct catalog *, const struct rsuser *, const char *id,
	    struct catalog_item *, struct rs_err *);

/*
 * A principal from a form or a REST body: text is "Kind\name" or a bare
 * name; kind (NULL or "" when not given) a kind name.  Fills *k and
 * *name (pointing into text); -1 with a message in e when kind is
 * unknown or disagrees with the text's own.
 */
int	rs_principal_read(const char *text, const char *kind,
	    enum catalog_pkind *k, const char **name, struct rs_err *);

/* Whether the user may see an item of this type with these tasks. */
bool		rs_can_view(int type, unsigned tasks);
/* The task that manages items of a type. */
unsigned	rs_manage_task(int type);
/*
 * Whether the user may read the definition (the content) of an item of
 * this type: for reports and shared datasets the original's Read Report
 * Definition, which Manage reports and Consume reports give and View
 * reports (Browser) does not; for the others what lets him see it or
 * manage it (View or Manage data sources, View or Manage resources).
 */
bool		rs_can_read_definition(int type, unsigned tasks);

/* Adds the Unix groups of a Linux user to u->groups (auth.c). */
void	rs_unix_groups(const char *user, struct rsuser *u);

/* Drops the remembered sign-ins of a user (password changed, removed). */
void	rs_auth_forget(struct rs_server *, const char *user);

/* Form tokens (CSRF): one random token per user. */
void	rs_token_get(struct rs_server *, const char *user, char out[65]);
bool	rs_token_check(struct rs_server *, const char *user,
	    const char *token);

/*
 * A shared data source's definition, read from its stored XML (the
 * DataSourceDefinition of the REST API or an uploaded .rds file).
 * Strings are owned; rs_ds_fini frees them.
 */
struct ds_info {
	char	*ext;		/* Extension: SQLITE, POSTGRESQL, ... */
	char	*conn;		/* ConnectString */
	bool	 enabled;
};

void	rs_ds_read(struct catalog *, const char *id, struct ds_info *);
void	rs_ds_fini(struct ds_info *);

/* MIME type from a file name's extension ("application/octet-stream"). */
const char	*rs_mime_of(const char *name);

#endif
