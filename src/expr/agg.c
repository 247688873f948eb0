/*
 * agg.c: running aggregates.  The renderer feeds one value per row of a
 * scope; Sum of integers stays an integer (Double once a value is
 * fractional or the sum overflows), Avg is a Double, Count and
 * CountDistinct skip Nothing, First and Last keep Nothing as they find it.
 * CountDistinct keeps a set of the values' text in an open hash table.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "expr/expr.h"

#define AGG_DISTINCT_MAX	(1u << 24)

void
expr_agg_init(struct expr_agg *a, enum expr_aggfn fn)
{
	memset(a, 0, sizeof(*a));
	a->fn = fn;
	a->best.type = EXPR_T_NULL;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t	 h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int
seen_add(struct expr_agg *a, char *key, struct rs_err *e)
{
	size_t		 i, j, ncap;
	char		**old;

	if (a->nseen * 2 >= a->capseen) {
		if (a->capseen >= AGG_DISTINCT_MAX) {
			free(key);
			return rs_err_set(e, RS_E_LIMIT, "CountDistinct over more "
			    "than %u values", AGG_DISTINCT_MAX / 2);
		}
		ncap = a->capseen ? a->capseen * 2 : 64;
		old = a->seen;
		a->seen = xcalloc(ncap, sizeof(char *));
		for (i = 0; i < a->capseen; i++) {
			if (old[i] == NULL)
				continue;
			for (j = hash_str(old[i]) & (ncap - 1); a->seen[j] != NULL;
			    j = (j + 1) & (ncap - 1))
				;
			a->seen[j] = old[i];
		}
		free(old);
		a->capseen = ncap;
	}
	for (j = hash_str(key) & (a->capseen - 1); a->seen[j] != NULL;
	    j = (j + 1) & (a->capseen - 1)) {
		if (strcmp(a->seen[j], key) == 0) {
			free(key);
			return 0;
		}
	}
	a->seen[j] = key;
	a->nseen++;
	return 0;
}

/*
 * Values with at most six decimal places (money, numeric(38,6)) are also
 * summed exactly in millionths, so a total of decimals has no binary
 * noise, as SQL Server's decimal sum has none.
 */
static void
add_decimal(struct expr_agg *a, double d)
{
	double		 s = d * 1e6, r;

	if (a->dec_lost)
		return;
	r = nearbyint(s);
	if (fabs(r) > 9e15 || fabs(s - r) > 1e-7 * fmax(1, fabs(s)) ||
	    __builtin_add_overflow(a->dsum, (int64_t)r, &a->dsum))
		a->dec_lost = true;
}

static int
add_number(struct expr_agg *a, const struct expr_value *v, struct rs_err *e)
{
	double		 d;
	int64_t		 r;

	if (v->type == EXPR_T_INT && !a->is_float &&
	    !__builtin_add_overflow(a->isum, v->u.i, &r)) {
		a->isum = r;
		return 0;
	}
	if (expr_to_double(v, &d, e) == -1) {
		rs_err_prefix(e, "cannot aggregate");
		return -1;
	}
	if (!a->is_float) {
		a->fsum = (double)a->isum;
		a->is_float = true;
		a->dec_lost = __builtin_mul_overflow(a->isum, 1000000, &a->dsum);
	}
	a->fsum += d;
	add_decimal(a, d);
	return 0;
}

int
expr_agg_add(struct expr_agg *a, const struct expr_value *v,
    struct rs_err *e)
{
	struct buf	 b;

	switch (a->fn) {
	case EXPR_AGG_COUNTROWS:
	case EXPR_AGG_ROWNUMBER:
		a->count++;
		return 0;
	case EXPR_AGG_FIRST:
		if (a->count++ == 0)
			expr_value_copy(&a->best, v);
		return 0;
	case EXPR_AGG_LAST:
		a->count++;
		expr_value_fini(&a->best);
		expr_value_copy(&a->best, v);
		return 0;
	default:
		break;
	}
	if (v->type == EXPR_T_NULL)
		return 0;
	a->count++;
	switch (a->fn) {
	case EXPR_AGG_SUM:
	case EXPR_AGG_AVG:
		return add_number(a, v, e);
	case EXPR_AGG_MIN:
	case EXPR_AGG_MAX:
		if (a->best.type == EXPR_T_NULL ||
		    (expr_value_cmp(v, &a->best) < 0) == (a->fn == EXPR_AGG_MIN)) {
			expr_value_fini(&a->best);
			expr_value_copy(&a->best, v);
		}
		return 0;
	case EXPR_AGG_COUNTDISTINCT:
		buf_init(&b, 0);
		buf_printf(&b, NULL, "%d:", (int)v->type);
		expr_value_text(v, &b, NULL);
		return seen_add(a, buf_take(&b, NULL), e);
	default:
		return 0;
	}
}

int
expr_agg_result(struct expr_agg *a, struct expr_value *out, struct rs_err *e)
{
	(void)e;
	out->type = EXPR_T_NULL;
	out->borrowed = false;
	switch (a->fn) {
	case EXPR_AGG_SUM:
		if (a->count == 0)
			return 0;	/* Sum over no rows is Nothing */
		if (a->is_float) {
			out->type = EXPR_T_FLOAT;
			out->u.f = a->dec_lost ? a->fsum : (double)a->dsum / 1e6;
		} else {
			out->type = EXPR_T_INT;
			out->u.i = a->isum;
		}
		return 0;
	case EXPR_AGG_AVG:
		if (a->count == 0)
			return 0;
		out->type = EXPR_T_FLOAT;
		out->u.f = (a->is_float ? (a->dec_lost ? a->fsum :
		    (double)a->dsum / 1e6) : (double)a->isum) / (double)a->count;
		return 0;
	case EXPR_AGG_COUNT:
	case EXPR_AGG_COUNTROWS:
	case EXPR_AGG_ROWNUMBER:
		out->type = EXPR_T_INT;
		out->u.i = a->count;
		return 0;
	case EXPR_AGG_COUNTDISTINCT:
		out->type = EXPR_T_INT;
		out->u.i = (int64_t)a->nseen;
		return 0;
	default:
		expr_value_copy(out, &a->best);
		return 0;
	}
}

void
expr_agg_fini(struct expr_agg *a)
{
	size_t		 i;

	for (i = 0; i < a->capseen; i++)
		free(a->seen[i]);
	free(a->seen);
	expr_value_fini(&a->best);
	memset(a, 0, sizeof(*a));
}
