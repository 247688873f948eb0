/*
 * fuzz_render.h: what the render-based fuzz targets (fuzz_style.c,
 * fuzz_chart.c) share: a report built from a template whose slots are
 * the lines of the input (XML-escaped, so the input reaches the renderer
 * rather than stopping in the XML parser), parsed with rdl_parse and
 * rendered by render_report into a buffer.  Included by one target each;
 * everything is static.
 */
#ifndef RS_TESTS_FUZZ_RENDER_H
#define RS_TESTS_FUZZ_RENDER_H

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "rdl/rdl.h"
#include "render/render.h"

#define FR_SLOTS_MAX	24
#define FR_OUT_MAX	((size_t)32 << 20)

/* The input's lines (at most FR_SLOTS_MAX; NUL ends a line too). */
struct fr_slots {
	char	*v[FR_SLOTS_MAX];
	size_t	 n;
	char	*text;
};

static void
fr_slots(const uint8_t *data, size_t size, struct fr_slots *s)
{
	char	*p;

	memset(s, 0, sizeof(*s));
	s->text = fuzz_strdup(data, size);
	for (p = s->text; s->n < FR_SLOTS_MAX; ) {
		char	*nl = strchr(p, '\n');

		s->v[s->n++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
}

static void
fr_slots_fini(struct fr_slots *s)
{
	free(s->text);
}

/* s, XML-escaped, into b. */
static void
fr_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':
			(void)buf_puts(b, "&amp;", NULL);
			break;
		case '<':
			(void)buf_puts(b, "&lt;", NULL);
			break;
		case '>':
			(void)buf_puts(b, "&gt;", NULL);
			break;
		default:
			(void)buf_append(b, s, 1, NULL);
		}
}

/* <elem>slot i</elem> when the input has a line i. */
static void
fr_elem(struct buf *b, const struct fr_slots *s, size_t i, const char *elem)
{
	if (i >= s->n)
		return;
	(void)buf_printf(b, NULL, "<%s>", elem);
	fr_escape(b, s->v[i]);
	(void)buf_printf(b, NULL, "</%s>", elem);
}

static int
fr_sink(void *arg, const void *data, size_t len, struct rs_err *e)
{
	struct buf	*out = arg;

	if (out->len + len > FR_OUT_MAX)
		return rs_err_set(e, RS_E_LIMIT, "fuzz: output too large");
	return buf_append(out, data, len, e);
}

/*
 * Parses rdl and renders it as fmt into out.  Returns -1 when the report
 * was refused or its render failed (each with a reason, or fuzz_fail).
 */
static int
fr_render(const struct buf *rdl, const char *fmt, struct buf *out)
{
	struct render_request	 q;
	struct render_log	 lg;
	struct rdl_report	*r;
	struct rs_err		 e;
	int			 rc;

	rs_err_clear(&e);
	r = rdl_parse(rdl->data, rdl->len, "Fuzz", &e);
	if (r == NULL) {
		if (e.msg[0] == '\0')
			fuzz_fail("report refused without a reason", "");
		return -1;
	}
	memset(&q, 0, sizeof(q));
	q.report = r;
	q.format = fmt;
	q.write = fr_sink;
	q.write_arg = out;
	q.user_id = "fuzz";
	q.report_folder = "/";
	q.url_base = "/ReportServer?/Fuzz";
	q.execution_time = 1772352000000;	/* fixed: 2026-03-01 */
	memset(&lg, 0, sizeof(lg));
	rs_err_clear(&e);
	rc = render_report(&q, &lg, &e);
	if (rc == -1 && e.msg[0] == '\0')
		fuzz_fail("render failed without a reason", fmt);
	rdl_free(r);
	return rc;
}

#endif
