/*
 * rest.h (internal to reportserver/): the REST API v2.0 subset at
 * /Reports/api/v2.0: CatalogItems, Folders, Reports, DataSources,
 * Resources, DataSets (GET/POST/PATCH/DELETE, Content as base64 and
 * Content/$value, Policies, Folders(...)/CatalogItems, Model.MoveItems,
 * Model.DeleteItems), Me and System, with OData query options and the
 * original's property names and JSON error shape; plus ExecutionLogs
 * (ExecutionLog3's rows, System Administrators only) and SignInLimits
 * (the sign-in limits and an administrator's unlock), extensions.
 */
#ifndef RS_REPORTSERVER_REST_H
#define RS_REPORTSERVER_REST_H

#include "reportserver/json.h"
#include "reportserver/odata.h"
#include "reportserver/rs_int.h"

/* A parsed REST path: Set(Key)/Rest. */
struct rest_route {
	char	set[32];		/* "CatalogItems" */
	bool	has_key;
	bool	key_is_path;
	char	key[CATALOG_PATH_MAX + 2];	/* GUID or path */
	char	rest[64];		/* "Content/$value", "" */
};

struct rest_ctx {
	struct rs_server	*srv;
	struct catalog		*cat;
	const struct rsuser	*user;
	struct rsreq		*req;
	struct rsresp		*resp;
	int			 type;	/* the set's item type, 0: any */
	const char		*set;	/* "CatalogItems", "Folders", ... */
};

int	rest_route_parse(const char *path, struct rest_route *,
	    struct rs_err *);
void	rs_rest_handle(struct rs_server *, struct catalog *,
	    const struct rsuser *, struct rsreq *, struct rsresp *);

/* rest.c helpers used by rest_write.c. */
int	rest_find(struct rest_ctx *, const struct rest_route *,
	    struct catalog_item *);
void	rest_item_reply(struct rest_ctx *, int status,
	    const struct catalog_item *);
void	rest_fail(struct rest_ctx *, const struct rs_err *, const char *rscode);
/* The status and the JSON/OData headers of an answer whose body is set. */
void	rest_json_reply(struct rsresp *, int status);
void	rest_denied(struct rest_ctx *);

/* rest_write.c */
void	rest_create(struct rest_ctx *, const struct json *);
void	rest_patch(struct rest_ctx *, const struct rest_route *,
	    const struct json *);
void	rest_delete(struct rest_ctx *, const struct rest_route *);
void	rest_move_items(struct rest_ctx *, const struct json *);
void	rest_delete_items(struct rest_ctx *, const struct json *);
void	rest_policies_get(struct rest_ctx *, const struct rest_route *);
void	rest_policies_put(struct rest_ctx *, const struct rest_route *,
	    const struct json *);
/* /System/Policies: the system role assignments (System Administrator). */
void	rest_sys_policies_get(struct rest_ctx *);
void	rest_sys_policies_put(struct rest_ctx *, const struct rest_route *,
	    const struct json *);

/* rest_signin.c: SignInLimits (System Administrators only). */
void	rest_signin_limits(struct rest_ctx *, const struct rest_route *);

#endif
