/*
 * portal_subs.c: a report's Subscriptions tab in the web portal
 * (/Reports/subscriptions/PATH), server-rendered and without JavaScript
 * like the other pages: the subscriptions the user may manage with their
 * delivery, schedule, last status and last run, buttons to run one now,
 * enable, disable or delete it, and a form for a new e-mail subscription
 * (recipients, subject, format, a daily time in a time zone or a shared
 * schedule).  /Reports/mysubscriptions lists the user's own
 * subscriptions over every report he may still see, with the same
 * buttons; /Reports/schedules (Site settings, Schedules) the shared
 * schedules, their state and runs, with Pause and Resume for those who
 * may manage them.  Every form carries the CSRF token; the checks are the
 * REST API's rules (who may, addresses, formats, zones).
 */
#include "reportserver/form.h"
#include "reportserver/pages.h"
#include "reportserver/rest_subs.h"
#include "reportserver/subs_api.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const formats[] = { "PDF", "EXCELOPENXML", "CSV", "XML",
    "HTML5" };

/* A button posting op for a subscription (or schedule) id; back, when
 * set, names the page the answer returns to ("my", "schedules"). */
static void
button(struct page *p, const char *op, const char *path, const char *sid,
    const char *label, const char *back_to)
{
	struct buf	*b = &p->resp->body;

	(void)buf_printf(b, NULL, "<form class=\"inline\" method=\"post\" "
	    "action=\"%s/action\">", p->req->vdir);
	page_form_head(p, op, path);
	(void)buf_printf(b, NULL, "<input type=\"hidden\" name=\"%s\" "
	    "value=\"", str_has_prefix(op, "sched_") ? "schedule" : "sub");
	(void)buf_html(b, sid, NULL);
	(void)buf_puts(b, "\">", NULL);
	if (back_to != NULL)
		(void)buf_printf(b, NULL, "<input type=\"hidden\" name=\"back\" "
		    "value=\"%s\">", back_to);
	(void)buf_printf(b, NULL, "<button type=\"submit\">%s<span "
	    "class=\"skip\"> ", label);
	(void)buf_html(b, sid, NULL);
	(void)buf_puts(b, "</span></button></form> ", NULL);
}

static void
td(struct buf *b, const char *s)
{
	(void)buf_puts(b, "<td>", NULL);
	(void)buf_html(b, s != NULL ? s : "", NULL);
	(void)buf_puts(b, "</td>", NULL);
}

static void
row(struct page *p, const char *path, const struct catalog_sub *s,
    const char *back_to)
{
	struct buf	*b = &p->resp->body;
	char		 desc[400], t[32];

	rest_sched_describe(p->cat, s->schedule_id, desc, sizeof(desc));
	rs_time_iso(s->last_run, t, sizeof(t));
	(void)buf_puts(b, "<tr>", NULL);
	if (back_to != NULL) {		/* My subscriptions: the report */
		(void)buf_puts(b, "<td><a href=\"", NULL);
		page_url(p, b, "subscriptions", path);
		(void)buf_puts(b, "\">", NULL);
		(void)buf_html(b, path, NULL);
		(void)buf_puts(b, "</a></td>", NULL);
	}
	td(b, s->description[0] ? s->description : "(no description)");
	td(b, s->extension);
	td(b, s->owner);
	td(b, str_ieq(s->event_type, "SnapshotUpdated") ? "When the report "
	    "snapshot is updated" : desc);
	td(b, s->active ? "Enabled" : "Disabled");
	td(b, s->last_status);
	td(b, s->last_run ? t : "Never");
	(void)buf_puts(b, "<td>", NULL);
	button(p, "sub_run", path, s->id, "Run now", back_to);
	button(p, s->active ? "sub_disable" : "sub_enable", path, s->id,
	    s->active ? "Disable" : "Enable", back_to);
	button(p, "sub_delete", path, s->id, "Delete", back_to);
	(void)buf_puts(b, "</td></tr>", NULL);
}

static void
new_form(struct page *p, const struct catalog_item *it)
{
	struct buf		*b = &p->resp->body;
	struct catalog_schedule	*v;
	struct rs_err		 e;
	size_t			 n = 0;
	char			 tz[SCHED_TZ_MAX];

	sched_tz_default(tz);
	(void)buf_printf(b, NULL, "<h2>New e-mail subscription</h2><form "
	    "method=\"post\" action=\"%s/action\">", p->req->vdir);
	page_form_head(p, "sub_create", it->path);
	(void)buf_puts(b, "<p><label>Description <input name=\"description\">"
	    "</label></p><p><label>To <input name=\"to\" required "
	    "placeholder=\"a@example.com; b@example.com\"></label></p>"
	    "<p><label>Subject <input name=\"subject\" value=\"@ReportName was "
	    "executed at @ExecutionTime\"></label></p><p><label>Comment "
	    "<input name=\"comment\"></label></p><p><label>Format <select "
	    "name=\"format\">", NULL);
	for (size_t i = 0; i < nitems(formats); i++)
		(void)buf_printf(b, NULL, "<option>%s</option>", formats[i]);
	(void)buf_puts(b, "</select></label></p><p><label>Shared schedule "
	    "<select name=\"schedule\"><option value=\"\">(its own: daily at "
	    "the time below)</option>", NULL);
	if (catalog_schedule_list(p->cat, &v, &n, &e) == 0) {
		for (size_t i = 0; i < n; i++) {
			(void)buf_puts(b, "<option value=\"", NULL);
			(void)buf_html(b, v[i].id, NULL);
			(void)buf_puts(b, "\">", NULL);
			(void)buf_html(b, v[i].name, NULL);
			(void)buf_puts(b, "</option>", NULL);
		}
		catalog_schedules_free(v, n);
	}
	(void)buf_puts(b, "</select></label></p><p><label>Daily at <input "
	    "name=\"time\" value=\"08:00\" pattern=\"[0-9]{2}:[0-9]{2}\">"
	    "</label> <label>Time zone <input name=\"tz\" value=\"", NULL);
	(void)buf_html(b, tz, NULL);
	(void)buf_puts(b, "\"></label></p><p><button type=\"submit\">Create"
	    "</button></p></form>", NULL);
}

void
rs_portal_subs_page(struct page *p, const char *path)
{
	struct catalog_item	 it;
	struct catalog_sub	*v;
	struct buf		*b = &p->resp->body;
	struct rs_err		 e;
	unsigned		 tasks;
	size_t			 n;

	if (rs_item_get(p->cat, p->user, path, &it, &e) == -1) {
		page_error_e(p, &e, "/");
		return;
	}
	tasks = rs_tasks(p->cat, it.id, p->user);
	if (it.type != CATALOG_REPORT || (tasks &
	    (CATALOG_T_MANAGE_SUBSCRIPTIONS | CATALOG_T_MANAGE_ALL_SUBS)) == 0) {
		page_error(p, it.type != CATALOG_REPORT ? 400 : 403,
		    "rsAccessDenied", "Only a report you may subscribe to has "
		    "subscriptions.", "/");
		catalog_item_fini(&it);
		return;
	}
	page_start(p, "Subscriptions");
	(void)buf_puts(b, "<h1>Subscriptions of ", NULL);
	(void)buf_html(b, it.path, NULL);
	(void)buf_puts(b, "</h1>", NULL);
	page_status(p);
	(void)buf_puts(b, "<table><thead><tr><th>Description</th><th>Delivery"
	    "</th><th>Owner</th><th>Schedule</th><th>State</th><th>Last status"
	    "</th><th>Last run</th><th></th></tr></thead><tbody>", NULL);
	if (catalog_sub_list(p->cat, it.id, NULL, &v, &n, &e) == 0) {
		for (size_t i = 0; i < n; i++)
			if ((tasks & CATALOG_T_MANAGE_ALL_SUBS) ||
			    str_ieq(v[i].owner, p->user->name))
				row(p, it.path, &v[i], NULL);
		catalog_subs_free(v, n);
	}
	(void)buf_puts(b, "</tbody></table>", NULL);
	new_form(p, &it);
	page_end(p);
	catalog_item_fini(&it);
}

static const char SUB_HEAD[] = "<th>Description</th><th>Delivery</th>"
    "<th>Owner</th><th>Schedule</th><th>State</th><th>Last status</th>"
    "<th>Last run</th><th><span class=\"skip\">Actions</span></th>";

/* /Reports/mysubscriptions: one's own, over the reports one still sees. */
void
rs_portal_mysubs_page(struct page *p)
{
	struct catalog_sub	*v;
	struct buf		*b = &p->resp->body;
	struct rs_err		 e;
	size_t			 n = 0, shown = 0;

	page_start(p, "My subscriptions");
	(void)buf_puts(b, "<h1>My subscriptions</h1>", NULL);
	page_status(p);
	(void)buf_printf(b, NULL, "<table><thead><tr><th>Report</th>%s</tr>"
	    "</thead><tbody>", SUB_HEAD);
	if (catalog_sub_list(p->cat, NULL, p->user->name, &v, &n, &e) == 0) {
		for (size_t i = 0; i < n; i++) {
			unsigned t = rs_tasks(p->cat, v[i].item_id, p->user);

			if ((t & (CATALOG_T_MANAGE_SUBSCRIPTIONS |
			    CATALOG_T_MANAGE_ALL_SUBS)) == 0)
				continue;
			row(p, v[i].item_path != NULL ? v[i].item_path : "",
			    &v[i], "my");
			shown++;
		}
		catalog_subs_free(v, n);
	}
	(void)buf_puts(b, "</tbody></table>", NULL);
	if (shown == 0)
		(void)buf_puts(b, "<p>You have no subscriptions. A report's "
		    "Subscriptions page makes one.</p>", NULL);
	page_end(p);
}

/* /Reports/schedules: the shared schedules (Site settings, Schedules). */
void
rs_portal_schedules_page(struct page *p)
{
	unsigned		 sys = rs_sys_tasks(p->cat, p->user);
	struct catalog_schedule	*v;
	struct buf		*b = &p->resp->body;
	struct rs_err		 e;
	size_t			 n = 0;
	char			 desc[400], t[32];

	if ((sys & CATALOG_S_VIEW_SCHEDULES) == 0) {
		page_error(p, 403, "rsAccessDenied", "Viewing shared schedules "
		    "needs a system role with View shared schedules (System "
		    "User or System Administrator).", "/");
		return;
	}
	page_start(p, "Schedules");
	(void)buf_puts(b, "<h1>Shared schedules</h1>", NULL);
	page_status(p);
	(void)buf_puts(b, "<table><thead><tr><th>Name</th><th>Schedule</th>"
	    "<th>State</th><th>Next run</th><th>Last run</th><th>Created by"
	    "</th><th><span class=\"skip\">Actions</span></th></tr></thead>"
	    "<tbody>", NULL);
	if (catalog_schedule_list(p->cat, &v, &n, &e) == 0) {
		for (size_t i = 0; i < n; i++) {
			rest_sched_describe(p->cat, v[i].id, desc, sizeof(desc));
			(void)buf_puts(b, "<tr>", NULL);
			td(b, v[i].name);
			td(b, desc);
			td(b, rs_sched_state(&v[i]));
			rs_time_iso(v[i].next_run, t, sizeof(t));
			td(b, v[i].next_run ? t : "None");
			rs_time_iso(v[i].last_run, t, sizeof(t));
			td(b, v[i].last_run ? t : "Never");
			td(b, v[i].created_by);
			(void)buf_puts(b, "<td>", NULL);
			if (sys & CATALOG_S_MANAGE_SCHEDULES)
				button(p, v[i].paused ? "sched_resume" :
				    "sched_pause", "/", v[i].id, v[i].paused ?
				    "Resume" : "Pause", "schedules");
			(void)buf_puts(b, "</td></tr>", NULL);
		}
		catalog_schedules_free(v, n);
	}
	(void)buf_puts(b, "</tbody></table>", NULL);
	if (n == 0)
		(void)buf_puts(b, "<p>There are no shared schedules. "
		    "Administrators make them through the REST API "
		    "(<code>POST /Reports/api/v2.0/Schedules</code>) or SOAP "
		    "(<code>CreateSchedule</code>).</p>", NULL);
	page_end(p);
}

/* The subscription a button names, if the user may manage it. */
static int
own_sub(struct page *p, const struct form *f, struct catalog_sub *s,
    struct rs_err *e)
{
	const char	*id = form_str(f, "sub");
	unsigned	 tasks;

	if (id == NULL || catalog_sub_get(p->cat, id, s, e) == -1)
		return rs_err_set(e, RS_E_NOTFOUND, "there is no such "
		    "subscription");
	tasks = rs_tasks(p->cat, s->item_id, p->user);
	if ((tasks & CATALOG_T_MANAGE_ALL_SUBS) == 0 && ((tasks &
	    CATALOG_T_MANAGE_SUBSCRIPTIONS) == 0 || !str_ieq(s->owner,
	    p->user->name))) {
		catalog_sub_fini(s);
		return rs_err_set(e, RS_E_NOTFOUND, "there is no such "
		    "subscription");
	}
	return 0;
}

/* A daily schedule at HH:MM in tz, from today, as the sub's own. */
static int
daily(struct page *p, const char *at, const char *tz, char *out,
    struct rs_err *e)
{
	struct catalog_schedule	s = { 0 };
	struct sched_recur	r = { 0 };
	struct sched_civil	today;
	char			text[SCHED_TEXT_MAX];
	int			h, m, n = 0;

	if (at == NULL || sscanf(at, "%2d:%2d%n", &h, &m, &n) != 2 ||
	    at[n] != '\0' || h > 23 || m > 59 || h < 0 || m < 0)
		return rs_err_set(e, RS_E_BADINPUT, "the time must be HH:MM");
	r.kind = SCHED_DAILY;
	r.interval = 1;
	str_copy(r.tz, sizeof(r.tz), tz != NULL ? tz : "");
	if (sched_utc_to_civil(r.tz, rs_subs_now(p->srv), &today, e) == -1)
		return -1;
	r.start = (struct sched_civil){ today.year, today.month, today.day, h,
	    m, 0 };
	if (sched_recur_format(&r, text, sizeof(text), e) == -1)
		return -1;
	s.name = "";
	s.recurrence = text;
	s.next_run = sched_recur_next(&r, rs_subs_now(p->srv), e);
	if (s.next_run < 0 || catalog_schedule_add(p->cat, &s, p->user->name,
	    e) == -1)
		return -1;
	str_copy(out, CATALOG_ID_LEN + 1, s.id);
	return 0;
}

static int
create(struct page *p, const struct form *f, const char *path,
    struct rs_err *e)
{
	struct catalog_item	 it;
	struct catalog_sub	 s = { 0 };
	struct deliver_kvs	 l = { 0 };
	const char		*fmt = form_str(f, "format");
	const char		*shared = form_str(f, "schedule");
	size_t			 n;
	int			 rc = -1;

	if (rs_item_get(p->cat, p->user, path, &it, e) == -1)
		return -1;
	if ((rs_tasks(p->cat, it.id, p->user) & (CATALOG_T_MANAGE_SUBSCRIPTIONS
	    | CATALOG_T_MANAGE_ALL_SUBS)) == 0) {
		rs_err_set(e, RS_E_PERM, "you may not subscribe to this report");
		goto out;
	}
	if (deliver_addr_check(form_str(f, "to"), &n, e) == -1 ||
	    deliver_header_check("the subject", form_str(f, "subject"), e) ==
	    -1 || deliver_header_check("the comment", form_str(f, "comment"),
	    e) == -1)
		goto out;
	if (n == 0 || fmt == NULL) {
		rs_err_set(e, RS_E_BADINPUT, "give at least one address in To");
		goto out;
	}
	for (n = 0; n < nitems(formats) && !str_ieq(fmt, formats[n]); n++)
		;
	if (n == nitems(formats)) {
		rs_err_set(e, RS_E_BADINPUT, "choose a format from the list");
		goto out;
	}
	(void)deliver_kvs_add(&l, "TO", form_str(f, "to"), false, e);
	(void)deliver_kvs_add(&l, "Subject", form_str(f, "subject"), false, e);
	(void)deliver_kvs_add(&l, "Comment", form_str(f, "comment"), false, e);
	(void)deliver_kvs_add(&l, "IncludeReport", "True", false, e);
	(void)deliver_kvs_add(&l, "RenderFormat", formats[n], false, e);
	if (shared != NULL && shared[0] != '\0') {
		struct catalog_schedule	sc;

		if (catalog_schedule_get(p->cat, shared, &sc, e) == -1)
			goto out;
		str_copy(s.schedule_id, sizeof(s.schedule_id), sc.id);
		catalog_schedule_fini(&sc);
	} else if (daily(p, form_str(f, "time"), form_str(f, "tz"),
	    s.schedule_id, e) == -1)
		goto out;
	str_copy(s.item_id, sizeof(s.item_id), it.id);
	s.owner = (char *)p->user->name;
	s.owner_kind = p->user->builtin ? CATALOG_PK_BUILTIN_USER :
	    CATALOG_PK_LINUX_USER;
	s.description = (char *)(form_str(f, "description") ?
	    form_str(f, "description") : "");
	s.event_type = "TimedSubscription";
	s.extension = RS_EXT_EMAIL;
	s.settings = deliver_kvs_encode(&l);
	s.parameters = "";
	s.active = true;
	rc = catalog_sub_add(p->cat, &s, p->user->name, e);
	free(s.settings);
out:
	deliver_kvs_fini(&l);
	catalog_item_fini(&it);
	return rc;
}

static void
back(struct page *p, const struct form *f, const char *path, const char *msg)
{
	const char	*to = form_str(f, "back");
	struct buf	loc;

	buf_init(&loc, 0);
	if (to != NULL && strcmp(to, "my") == 0)
		(void)buf_printf(&loc, NULL, "%s/mysubscriptions", p->req->vdir);
	else if (to != NULL && strcmp(to, "schedules") == 0)
		(void)buf_printf(&loc, NULL, "%s/schedules", p->req->vdir);
	else {
		(void)buf_printf(&loc, NULL, "%s/subscriptions", p->req->vdir);
		rs_url_encode(&loc, path, true);
	}
	(void)buf_puts(&loc, "?msg=", NULL);
	rs_url_encode(&loc, msg, false);
	p->resp->status = 303;
	rsresp_header(p->resp, "Location", loc.data);
	buf_fini(&loc);
}

bool
rs_portal_subs_action(struct page *p, const struct form *f, const char *op)
{
	const char		*path = form_str(f, "path");
	struct catalog_sub	 s;
	struct rs_err		 e;
	int			 rc;

	if (str_has_prefix(op, "sched_")) {
		const char *id = form_str(f, "schedule");

		if (id == NULL || (strcmp(op, "sched_pause") != 0 &&
		    strcmp(op, "sched_resume") != 0))
			rc = rs_err_set(&e, RS_E_BADINPUT, "unknown action");
		else if ((rs_sys_tasks(p->cat, p->user) &
		    CATALOG_S_MANAGE_SCHEDULES) == 0)
			rc = rs_err_set(&e, RS_E_PERM, "managing shared "
			    "schedules needs the System Administrator role");
		else
			rc = rs_sched_pause(p->srv, p->cat, p->user->name, id,
			    strcmp(op, "sched_pause") == 0, &e);
		if (rc == -1)
			page_error_e(p, &e, "/");
		else
			back(p, f, "/", strcmp(op, "sched_pause") == 0 ? "The "
			    "schedule is paused." : "The schedule is resumed.");
		return true;
	}
	if (!str_has_prefix(op, "sub_"))
		return false;
	if (path == NULL) {
		page_error(p, 400, "rsMissingElement", "The form is incomplete.",
		    "/");
		return true;
	}
	if (strcmp(op, "sub_create") == 0)
		rc = create(p, f, path, &e);
	else if ((rc = own_sub(p, f, &s, &e)) == 0) {
		if (strcmp(op, "sub_run") == 0)
			rc = rs_sub_run(p->srv, p->cat, &s, &e);
		else if (strcmp(op, "sub_enable") == 0 || strcmp(op,
		    "sub_disable") == 0)
			rc = catalog_sub_set_active(p->cat, s.id, strcmp(op,
			    "sub_enable") == 0, &e);
		else if (strcmp(op, "sub_delete") == 0)
			rc = rs_sub_delete(p->cat, &s, &e);
		else
			rc = rs_err_set(&e, RS_E_BADINPUT, "unknown action");
		catalog_sub_fini(&s);
	}
	if (rc == -1)
		page_error_e(p, &e, "/");
	else
		back(p, f, path, strcmp(op, "sub_create") == 0 ? "The subscription "
		    "was created." : strcmp(op, "sub_run") == 0 ? "The "
		    "subscription will run now." : "Done.");
	return true;
}
