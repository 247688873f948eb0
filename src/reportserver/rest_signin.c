/*
 * rest_signin.c: SignInLimits, an extension of the REST API (the original
 * has no such resource): the sign-in limits in force (signin.h) and
 * Model.Clear, an administrator's unlock of an address or an account.
 * System Administrators only (the "manage security" system task).
 *
 *   GET  /api/v2.0/SignInLimits
 *        {"value":[{"Kind":"Source","Name":"192.0.2.7","Failures":0,
 *          "LastFailure":"...Z","WaitSeconds":0,"LockedUntil":"...Z"}]}
 *   POST /api/v2.0/SignInLimits/Model.Clear  {"Kind":"Account","Name":"x"}
 *        204, 404 when it had no limit, 400 for another Kind
 */
#include "reportserver/rest.h"
#include "reportserver/signin.h"
#include "common/str.h"

#include <stdlib.h>

static void
put_time(struct buf *b, const char *name, int64_t t)
{
	char	iso[32];

	(void)buf_printf(b, NULL, ",\"%s\":", name);
	if (t == 0) {
		(void)buf_puts(b, "null", NULL);
		return;
	}
	rs_time_iso(t, iso, sizeof(iso));
	(void)buf_json_str(b, iso, NULL);
}

static void
list(struct rest_ctx *c)
{
	struct buf		*b = &c->resp->body;
	struct rs_signin_row	*v;
	size_t			 n = rs_signin_list(c->srv->signin, &v);

	(void)buf_printf(b, NULL, "{\"@odata.context\":\"%s/api/v2.0/"
	    "$metadata#SignInLimits\",\"value\":[", c->req->vdir);
	for (size_t i = 0; i < n; i++) {
		(void)buf_printf(b, NULL, "%s{\"Kind\":\"%s\",\"Name\":",
		    i > 0 ? "," : "", v[i].kind);
		(void)buf_json_str(b, v[i].name, NULL);
		(void)buf_printf(b, NULL, ",\"Failures\":%u", v[i].failures);
		put_time(b, "LastFailure", v[i].last_failure);
		(void)buf_printf(b, NULL, ",\"WaitSeconds\":%ld", v[i].wait_s);
		put_time(b, "LockedUntil", v[i].locked_until);
		(void)buf_puts(b, "}", NULL);
	}
	(void)buf_puts(b, "]}", NULL);
	free(v);
	rest_json_reply(c->resp, 200);
}

static void
clear(struct rest_ctx *c)
{
	struct json	*j;
	struct rs_err	 e;

	j = json_parse(c->req->body, c->req->body_len, &e);
	if (j == NULL || j->type != JSON_OBJ) {
		rs_error_json(c->resp, 400, "rsInvalidParameter", j == NULL ?
		    e.msg : "the request body must be a JSON object");
		json_free(j);
		return;
	}
	if (rs_signin_clear(c->srv->signin, json_get_str(j, "Kind"),
	    json_get_str(j, "Name"), c->user->name, &e) == -1)
		rest_fail(c, &e, e.code == RS_E_NOTFOUND ? "rsItemNotFound" :
		    "rsInvalidParameter");
	else
		c->resp->status = 204;
	json_free(j);
}

static void
not_allowed(struct rest_ctx *c, const char *allow)
{
	rs_error_json(c->resp, 405, "rsInvalidRequest", "this method is not "
	    "allowed on this resource");
	rsresp_header(c->resp, "Allow", allow);
}

void
rest_signin_limits(struct rest_ctx *c, const struct rest_route *r)
{
	bool	get = str_ieq(c->req->method, "GET");
	bool	post = str_ieq(c->req->method, "POST");

	if ((rs_sys_tasks(c->cat, c->user) & CATALOG_S_MANAGE_SECURITY) == 0)
		rest_denied(c);
	else if (r->rest[0] == '\0' && get)
		list(c);
	else if (r->rest[0] == '\0')
		not_allowed(c, "GET");
	else if (str_ieq(r->rest, "Model.Clear") && post)
		clear(c);
	else if (str_ieq(r->rest, "Model.Clear"))
		not_allowed(c, "POST");
	else
		rs_error_json(c->resp, 404, "rsItemNotFound", "no such "
		    "resource in the REST API");
}
