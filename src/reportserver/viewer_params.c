/*
 * viewer_params.c: the viewer's parameter pane (see viewer.h).  Each
 * prompted parameter gets the control of its type: a drop-down for valid
 * values, a list of boxes with "Select all" for a multi-value one, a date
 * input (its value "yyyy-MM-dd", which the control accepts), a number
 * box, True/False radios, a text box (a text area, one value a line, for
 * a multi-value one without valid values), and a NULL box when it is
 * nullable.  What is wrong with a value stands beside the field.  Hidden
 * and internal parameters (no prompt) are not shown; values the URL gave
 * them are kept.  Cascading parameters need no script: valid values are
 * queried from the values submitted, so a changed parent re-queries its
 * children on the next submit (portal.js does it at once).
 */
#include "reportserver/viewer.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void	xsd(const struct expr_value *, struct buf *);
static bool	null_now(const struct render_param_def *);

static void
add(struct viewer *v, const char *name, const char *value)
{
	if (v->nk == v->capk) {
		v->capk = v->capk ? v->capk * 2 : 32;
		v->kn = xreallocarray(v->kn, v->capk, sizeof(*v->kn));
		v->kv = xreallocarray(v->kv, v->capk, sizeof(*v->kv));
	}
	v->kn[v->nk] = xstrdup(name);
	v->kv[v->nk++] = xstrdup(value);
	(void)buf_puts(&v->pq, "&", NULL);
	rs_url_encode(&v->pq, name, true);
	(void)buf_puts(&v->pq, "=", NULL);
	rs_url_encode(&v->pq, value, true);
}

void
viewer_params_fini(struct viewer *v)
{
	for (size_t i = 0; i < v->nk; i++) {
		free(v->kn[i]);
		free(v->kv[i]);
	}
	free(v->kn);
	free(v->kv);
	v->kn = v->kv = NULL;
	v->nk = v->capk = 0;
}

/* Whether the query has field name with value (NULL: any value). */
static bool
query_has(const struct viewer *v, const char *name, const char *value)
{
	for (size_t i = 0; i < v->q.n; i++)
		if (strcmp(v->q.p[i].name, name) == 0 && (value == NULL ||
		    strcmp(v->q.p[i].value, value) == 0))
			return true;
	return false;
}

static bool
is_null(const struct viewer *v, const char *name)
{
	char	n[CATALOG_NAME_MAX + 16];

	snprintf(n, sizeof(n), "%s:isnull", name);
	for (size_t i = 0; i < v->q.n; i++)
		if (strcmp(v->q.p[i].name, n) == 0 &&
		    str_ieq(v->q.p[i].value, "true"))
			return true;
	return false;
}

static const struct render_param_def *
def_named(const struct viewer *v, const char *name)
{
	for (size_t i = 0; v->defs != NULL && i < v->rep->nparams; i++)
		if (strcmp(v->defs[i].def->name, name) == 0)
			return &v->defs[i];
	return NULL;
}

/* The values of one text area, one a line. */
static void
add_lines(struct viewer *v, const char *name, const char *text)
{
	char	*copy = xstrdup(text), *line, *save = NULL;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		size_t	n = strlen(line);

		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n > 0)
			add(v, name, line);
	}
	free(copy);
}

static void
add_all(struct viewer *v, const struct render_param_def *d)
{
	struct buf	t;

	for (size_t j = 0; j < d->valid.nvalues; j++) {
		buf_init(&t, 0);
		expr_value_xsd(&d->valid.values[j], &t, NULL);
		add(v, d->def->name, t.data != NULL ? t.data : "");
		buf_fini(&t);
	}
}

void
viewer_params_query(struct viewer *v)
{
	viewer_params_fini(v);
	buf_reset(&v->pq);
	for (size_t i = 0; i < v->q.n; i++) {
		const char	*n = v->q.p[i].name, *val = v->q.p[i].value;
		const struct render_param_def *d;

		if (str_has_prefix(n, "rv:lines:")) {
			if (!is_null(v, n + 9))
				add_lines(v, n + 9, val);
		} else if (strcmp(n, "rv:all") == 0) {
			if ((d = def_named(v, val)) != NULL && !is_null(v, val))
				add_all(v, d);
		} else if (strchr(n, ':') != NULL) {
			/* NULL boxes (once each); rv:, rs:, rc: are not
			 * report parameters. */
			if (str_has_suffix(n, ":isnull") && str_ieq(val, "true")) {
				bool	dup = false;

				for (size_t k = 0; k < v->nk; k++)
					dup |= strcmp(v->kn[k], n) == 0;
				if (!dup)
					add(v, n, "true");
			}
		} else if (!is_null(v, n) && !(v->defs != NULL &&
		    query_has(v, "rv:all", n)))
			add(v, n, val);
	}
}

void
viewer_params_effective(struct viewer *v)
{
	struct buf	t;

	viewer_params_fini(v);
	buf_reset(&v->pq);
	buf_init(&t, 0);
	for (size_t i = 0; i < v->rep->nparams; i++) {
		const struct render_param_def *d = &v->defs[i];
		char	n[CATALOG_NAME_MAX + 16];

		if (null_now(d)) {
			snprintf(n, sizeof(n), "%s:isnull", d->def->name);
			add(v, n, "true");
			continue;
		}
		for (size_t j = 0; j < d->value.nvalues; j++) {
			xsd(&d->value.values[j], &t);
			add(v, d->def->name, t.data != NULL ? t.data : "");
		}
	}
	buf_fini(&t);
}

/* Whether the values in force are the ones the query gave for name. */
static bool
given(const struct viewer *v, const char *name)
{
	for (size_t k = 0; k < v->nk; k++)
		if (strcmp(v->kn[k], name) == 0 ||
		    (str_has_prefix(v->kn[k], name) &&
		    strcmp(v->kn[k] + strlen(name), ":isnull") == 0))
			return true;
	return false;
}

bool
viewer_params_ready(struct viewer *v)
{
	bool	ready = true;

	free(v->emptied);
	v->emptied = xcalloc(v->rep->nparams + 1, sizeof(*v->emptied));
	for (size_t i = 0; i < v->rep->nparams; i++) {
		struct render_param_def *d = &v->defs[i];

		if (v->submitted && query_has(v, "rv:has", d->def->name) &&
		    !given(v, d->def->name)) {
			v->emptied[i] = true;	/* not the defaults again */
			d->state = "MissingValidValue";
			snprintf(d->error, sizeof(d->error), "%s", d->def->nvalid >
			    0 || d->def->valid_dataset >= 0 ? "Choose at least "
			    "one value." : "Enter at least one value, one a "
			    "line.");
		}
		if (strcmp(d->state, "HasValidValue") != 0)
			ready = false;
	}
	return ready;
}

static bool
shown(const struct rdl_parameter *p)
{
	return !p->hidden && p->prompt != NULL;
}

static bool
has_list(const struct render_param_def *d)
{
	return d->def->nvalid > 0 || d->def->valid_dataset >= 0;
}

static void
xsd(const struct expr_value *x, struct buf *t)
{
	buf_reset(t);
	if (x->type != EXPR_T_NULL)
		expr_value_xsd(x, t, NULL);
}

static bool
is_current(const struct viewer *v, const struct render_param_def *d,
    const char *s)
{
	struct buf	t;
	bool		yes = false;

	if (v->emptied != NULL && v->emptied[d - v->defs])
		return false;
	buf_init(&t, 0);
	for (size_t j = 0; !yes && j < d->value.nvalues; j++) {
		if (d->value.values[j].type == EXPR_T_NULL)
			continue;
		xsd(&d->value.values[j], &t);
		yes = strcmp(t.data != NULL ? t.data : "", s) == 0;
	}
	buf_fini(&t);
	return yes;
}

static bool
null_now(const struct render_param_def *d)
{
	return d->value.nvalues > 0 && d->value.values[0].type == EXPR_T_NULL;
}

/* What is wrong with the value, for people. */
static const char *
message(const struct render_param_def *d)
{
	if (strcmp(d->state, "HasValidValue") == 0)
		return NULL;
	if (strstr(d->error, "rsReportParameterValueNotSet") != NULL)
		return has_list(d) ? "Choose a value." : "Enter a value.";
	if (strcmp(d->state, "DynamicValuesUnavailable") == 0)
		return "The list of values cannot be loaded.";
	if (strstr(d->error, "rsParameterTypeMismatch") != NULL)
		switch (d->def->type) {
		case EXPR_T_INT:
			return "Enter a whole number.";
		case EXPR_T_FLOAT:
			return "Enter a number.";
		case EXPR_T_DATETIME:
			return "Enter a date.";
		case EXPR_T_BOOL:
			return "Choose True or False.";
		default:
			break;
		}
	if (has_list(d) && strstr(d->error, "is not a valid value") != NULL)
		return "Choose one of the values in the list.";
	return d->error;
}

static void
attrs(struct viewer *v, const struct render_param_def *d, const char *id)
{
	struct buf	*b = &v->p->resp->body;

	if (message(d) != NULL)
		(void)buf_printf(b, NULL, " aria-describedby=\"%s-msg\"%s", id,
		    v->submitted ? " aria-invalid=\"true\"" : "");
}

static void
msg(struct viewer *v, const struct render_param_def *d, const char *id)
{
	struct buf	*b = &v->p->resp->body;
	const char	*m = message(d);

	if (m == NULL)
		return;
	(void)buf_printf(b, NULL, "<p class=\"%s\" id=\"%s-msg\"%s>", v->submitted ?
	    "rv-msg" : "rv-hint", id, v->submitted ? " role=\"alert\"" : "");
	(void)buf_html(b, m, NULL);
	if (m != d->error && d->error[0] != '\0') {
		/* The engine's own words (and code) stay, smaller. */
		(void)buf_puts(b, " <span class=\"muted\">(", NULL);
		(void)buf_html(b, d->error, NULL);
		(void)buf_puts(b, ")</span>", NULL);
	}
	(void)buf_puts(b, "</p>", NULL);
}

static void
label_of(struct viewer *v, const struct render_param_def *d)
{
	const struct rdl_parameter *p = d->def;

	(void)buf_html(&v->p->resp->body, p->prompt[0] ? p->prompt : p->name,
	    NULL);
}

/* Valid values: a drop-down, or boxes with "Select all". */
static void
list_control(struct viewer *v, const struct render_param_def *d,
    const char *id)
{
	struct buf	*b = &v->p->resp->body, t;
	const char	*name = d->def->name;
	bool		 all = d->valid.nvalues > 0, any = false;

	buf_init(&t, 0);
	for (size_t j = 0; j < d->valid.nvalues; j++) {
		xsd(&d->valid.values[j], &t);
		if (is_current(v, d, t.data != NULL ? t.data : ""))
			any = true;
		else
			all = false;
	}
	if (d->def->multi) {
		(void)buf_puts(b, "<fieldset class=\"rv-multi\"", NULL);
		attrs(v, d, id);
		(void)buf_puts(b, "><legend>", NULL);
		label_of(v, d);
		(void)buf_printf(b, NULL, "</legend><label><input type=\""
		    "checkbox\" class=\"rv-all\" name=\"rv:all\" value=\"");
		(void)buf_html(b, name, NULL);
		(void)buf_printf(b, NULL, "\"%s> <em>Select all</em></label>"
		    "<div class=\"rv-opts\" id=\"%s\">", all ? " checked" : "",
		    id);
	} else {
		(void)buf_printf(b, NULL, "<label for=\"%s\">", id);
		label_of(v, d);
		(void)buf_printf(b, NULL, "</label><select id=\"%s\" name=\"", id);
		(void)buf_html(b, name, NULL);
		(void)buf_puts(b, "\"", NULL);
		attrs(v, d, id);
		(void)buf_puts(b, ">", NULL);
		if (!any)
			(void)buf_puts(b, "<option value=\"\" selected>&lt;Select "
			    "a value&gt;</option>", NULL);
	}
	for (size_t j = 0; j < d->valid.nvalues; j++) {
		const char	*lab = d->valid.labels != NULL &&
				    d->valid.labels[j] != NULL ?
				    d->valid.labels[j] : NULL;
		bool		 cur;

		xsd(&d->valid.values[j], &t);
		cur = is_current(v, d, t.data != NULL ? t.data : "");
		if (d->def->multi) {
			(void)buf_puts(b, "<label><input type=\"checkbox\" name=\"",
			    NULL);
			(void)buf_html(b, name, NULL);
			(void)buf_puts(b, "\" value=\"", NULL);
		} else
			(void)buf_puts(b, "<option value=\"", NULL);
		(void)buf_html(b, t.data != NULL ? t.data : "", NULL);
		(void)buf_printf(b, NULL, "\"%s> ", cur ? d->def->multi ?
		    " checked" : " selected" : "");
		(void)buf_html(b, lab != NULL ? lab : t.data != NULL ? t.data :
		    "", NULL);
		(void)buf_puts(b, d->def->multi ? "</label>" : "</option>", NULL);
	}
	if (d->def->multi) {
		(void)buf_puts(b, "</div><input type=\"hidden\" name=\"rv:has\" "
		    "value=\"", NULL);
		(void)buf_html(b, name, NULL);
		(void)buf_puts(b, "\"></fieldset>", NULL);
	} else
		(void)buf_puts(b, "</select>", NULL);
	buf_fini(&t);
}

/* A date, number or text box; a text area for several values. */
static void
box_control(struct viewer *v, const struct render_param_def *d,
    const char *id)
{
	struct buf	*b = &v->p->resp->body, t;
	const struct rdl_parameter *p = d->def;
	const char	*type = "text", *extra = "";

	buf_init(&t, 0);
	(void)buf_printf(b, NULL, "<label for=\"%s\">", id);
	label_of(v, d);
	(void)buf_puts(b, "</label>", NULL);
	if (p->multi) {
		struct buf	one;

		buf_init(&one, 0);
		for (size_t j = 0; j < d->value.nvalues; j++) {
			xsd(&d->value.values[j], &one);
			(void)buf_printf(&t, NULL, "%s%s", j ? "\n" : "",
			    one.data != NULL ? one.data : "");
		}
		buf_fini(&one);
		(void)buf_printf(b, NULL, "<textarea id=\"%s\" rows=\"3\" name=\""
		    "rv:lines:", id);
		(void)buf_html(b, p->name, NULL);
		(void)buf_puts(b, "\"", NULL);
		attrs(v, d, id);
		(void)buf_puts(b, ">", NULL);
		(void)buf_html(b, t.data != NULL ? t.data : "", NULL);
		(void)buf_puts(b, "</textarea><input type=\"hidden\" name=\""
		    "rv:has\" value=\"", NULL);
		(void)buf_html(b, p->name, NULL);
		(void)buf_puts(b, "\"><span class=\"rv-hint\">One value a line"
		    "</span>", NULL);
		buf_fini(&t);
		return;
	}
	if (d->value.nvalues > 0)
		xsd(&d->value.values[0], &t);
	else	/* refused: what was typed stays, to be corrected */
		for (size_t k = 0; k < v->nk; k++)
			if (strcmp(v->kn[k], p->name) == 0) {
				(void)buf_puts(&t, v->kv[k], NULL);
				break;
			}
	if (p->type == EXPR_T_DATETIME) {
		/* The control takes "yyyy-MM-dd" (or with a time of day). */
		if (t.len >= 19 && strcmp(t.data + 10, "T00:00:00") != 0) {
			type = "datetime-local";
			extra = " step=\"1\"";
		} else {
			type = "date";
			if (t.len > 10)
				t.data[10] = '\0';
		}
	} else if (p->type == EXPR_T_INT) {
		type = "number";
		extra = " step=\"1\" inputmode=\"numeric\"";
	} else if (p->type == EXPR_T_FLOAT) {
		type = "number";
		extra = " step=\"any\" inputmode=\"decimal\"";
	}
	(void)buf_printf(b, NULL, "<input type=\"%s\"%s id=\"%s\" name=\"", type,
	    extra, id);
	(void)buf_html(b, p->name, NULL);
	(void)buf_puts(b, "\" value=\"", NULL);
	(void)buf_html(b, t.data != NULL && !null_now(d) ? t.data : "", NULL);
	(void)buf_puts(b, "\"", NULL);
	attrs(v, d, id);
	(void)buf_puts(b, ">", NULL);
	buf_fini(&t);
}

/* True/False radios. */
static void
bool_control(struct viewer *v, const struct render_param_def *d,
    const char *id)
{
	struct buf	*b = &v->p->resp->body;

	(void)buf_printf(b, NULL, "<fieldset id=\"%s\"", id);
	attrs(v, d, id);
	(void)buf_puts(b, "><legend>", NULL);
	label_of(v, d);
	(void)buf_puts(b, "</legend>", NULL);
	for (int k = 0; k < 2; k++) {
		(void)buf_puts(b, "<label><input type=\"radio\" name=\"", NULL);
		(void)buf_html(b, d->def->name, NULL);
		(void)buf_printf(b, NULL, "\" value=\"%s\"%s> %s</label>",
		    k ? "false" : "true", is_current(v, d, k ? "false" : "true") ?
		    " checked" : "", k ? "False" : "True");
	}
	(void)buf_puts(b, "</fieldset>", NULL);
}

static void
field(struct viewer *v, size_t i)
{
	struct buf	*b = &v->p->resp->body;
	const struct render_param_def *d = &v->defs[i];
	char		 id[32];

	snprintf(id, sizeof(id), "rv-p%zu", i);
	(void)buf_printf(b, NULL, "<div class=\"rv-field\" data-param=\"");
	(void)buf_html(b, d->def->name, NULL);
	(void)buf_puts(b, "\">", NULL);
	if (has_list(d))
		list_control(v, d, id);
	else if (d->def->type == EXPR_T_BOOL)
		bool_control(v, d, id);
	else
		box_control(v, d, id);
	if (d->def->nullable) {
		(void)buf_printf(b, NULL, "<label class=\"rv-null\"><input type=\""
		    "checkbox\" class=\"rv-isnull\" data-for=\"%s\" name=\"", id);
		(void)buf_html(b, d->def->name, NULL);
		(void)buf_printf(b, NULL, ":isnull\" value=\"true\"%s> NULL"
		    "</label>", null_now(d) ? " checked" : "");
	}
	msg(v, d, id);
	(void)buf_puts(b, "</div>", NULL);
}

void
viewer_params_hidden(struct viewer *v)
{
	struct buf	*b = &v->p->resp->body;

	for (size_t k = 0; k < v->nk; k++) {
		(void)buf_puts(b, "<input type=\"hidden\" name=\"", NULL);
		(void)buf_html(b, v->kn[k], NULL);
		(void)buf_puts(b, "\" value=\"", NULL);
		(void)buf_html(b, v->kv[k], NULL);
		(void)buf_puts(b, "\">", NULL);
	}
	if (strcmp(v->zoom, "100") != 0)
		(void)buf_printf(b, NULL, "<input type=\"hidden\" name=\"rv:zoom\" "
		    "value=\"%s\">", v->zoom);
	if (v->pane_closed)
		(void)buf_puts(b, "<input type=\"hidden\" name=\"rv:pane\" value="
		    "\"closed\">", NULL);
}

/* Hidden and internal parameters: what the URL gave them, kept. */
static void
kept(struct viewer *v)
{
	struct buf	*b = &v->p->resp->body;

	for (size_t k = 0; k < v->nk; k++) {
		const struct render_param_def *d = def_named(v, v->kn[k]);
		char	base[CATALOG_NAME_MAX + 1];

		if (d == NULL && str_has_suffix(v->kn[k], ":isnull")) {
			snprintf(base, sizeof(base), "%.*s", (int)(strlen(
			    v->kn[k]) - 7), v->kn[k]);
			d = def_named(v, base);
		}
		if (d == NULL || shown(d->def))
			continue;
		(void)buf_puts(b, "<input type=\"hidden\" name=\"", NULL);
		(void)buf_html(b, v->kn[k], NULL);
		(void)buf_puts(b, "\" value=\"", NULL);
		(void)buf_html(b, v->kv[k], NULL);
		(void)buf_puts(b, "\">", NULL);
	}
}

void
viewer_params_pane(struct viewer *v)
{
	struct buf	*b = &v->p->resp->body;
	size_t		 n = 0;

	for (size_t i = 0; i < v->rep->nparams; i++)
		n += shown(v->defs[i].def);
	if (n == 0 && v->ready)
		return;		/* nothing to ask */
	(void)buf_printf(b, NULL, "<details class=\"rv-pane\" id=\"rv-pane\"%s>"
	    "<summary>Parameters</summary><form class=\"rv-params\" id=\""
	    "rv-params\" method=\"get\" action=\"", v->pane_closed ? "" :
	    " open");
	page_url(v->p, b, "report", v->it.path);
	(void)buf_puts(b, "\"><input type=\"hidden\" name=\"rv:view\" value=\"1"
	    "\"><div class=\"rv-fields\" id=\"rv-fields\">", NULL);
	for (size_t i = 0; i < v->rep->nparams; i++) {
		const struct render_param_def *d = &v->defs[i];

		if (shown(d->def))
			field(v, i);
		else if (message(d) != NULL) {
			/* Nobody can fix it here: say which one. */
			(void)buf_puts(b, "<p class=\"rv-msg\" role=\"alert\">The "
			    "hidden parameter ", NULL);
			(void)buf_html(b, d->def->name, NULL);
			(void)buf_puts(b, " has no valid value: ", NULL);
			(void)buf_html(b, d->error, NULL);
			(void)buf_puts(b, "</p>", NULL);
		}
	}
	kept(v);
	(void)buf_puts(b, "</div>", NULL);
	if (strcmp(v->zoom, "100") != 0)
		(void)buf_printf(b, NULL, "<input type=\"hidden\" name=\"rv:zoom\" "
		    "value=\"%s\">", v->zoom);
	(void)buf_puts(b, "<button type=\"submit\" class=\"rv-apply\">View "
	    "Report</button></form></details>", NULL);
}
