/*
 * fuzz_sched.c: fuzz target of schedule recurrences, both ways they come
 * in: an input starting with '{' is a REST ScheduleDefinition (JSON from
 * the network: StartDateTime, EndDate, TimeZone, Recurrence with
 * MinuteRecurrence, DailyRecurrence, WeeklyRecurrence, MonthlyRecurrence,
 * MonthlyDOWRecurrence; reportserver/rest_sched.c), anything else the
 * stored text form (sched/recur_text.c: "kind=weekly;tz=...;start=...").
 * An accepted recurrence must be canonical (format, parse, format gives
 * the same text), must describe itself, and must answer "when next" from
 * a few instants with a time after that instant or none; a refusal must
 * say why.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "reportserver/json.h"
#include "reportserver/rest_subs.h"
#include "sched/sched.h"

static void
check(const struct sched_recur *r)
{
	static const int64_t	 after[] = { 0, 1772352000, 1792000000,
	    4102444800 };
	struct sched_recur	 r2;
	struct rs_err		 e;
	char			 t1[SCHED_TEXT_MAX], t2[SCHED_TEXT_MAX];
	char			 d[512];

	if (sched_recur_format(r, t1, sizeof(t1), &e) == -1)
		fuzz_fail("an accepted recurrence does not format", e.msg);
	if (sched_recur_parse(t1, &r2, &e) == -1)
		fuzz_fail("its own text form refused", t1);
	if (sched_recur_format(&r2, t2, sizeof(t2), &e) == -1 ||
	    strcmp(t1, t2) != 0)
		fuzz_fail("text form not canonical", t1);
	d[0] = '\0';
	sched_recur_describe(r, d, sizeof(d));
	if (d[0] == '\0')
		fuzz_fail("no description", t1);
	for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		int64_t	n;

		rs_err_clear(&e);
		n = sched_recur_next(r, after[i], &e);
		if (n == -1 && e.msg[0] == '\0')
			fuzz_fail("next failed without a reason", t1);
		if (n > 0 && n <= after[i])
			fuzz_fail("next run not after the instant", t1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sched_recur	 r;
	struct rs_err		 e;
	struct json		*j;
	char			*text;
	int			 rc;

	if (size > 8192)
		return 0;
	text = fuzz_strdup(data, size);
	rs_err_clear(&e);
	if (text[0] == '{') {
		if ((j = json_parse(text, strlen(text), &e)) == NULL) {
			free(text);
			return 0;
		}
		rc = rest_sched_definition(j, &r, &e);
		json_free(j);
	} else
		rc = sched_recur_parse(text, &r, &e);
	if (rc == 0)
		check(&r);
	else if (e.msg[0] == '\0')
		fuzz_fail("refused without a reason", text);
	free(text);
	return 0;
}
