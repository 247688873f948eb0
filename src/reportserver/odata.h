/*
 * odata.h: the OData v4 query options of the REST API: $top, $skip,
 * $count, $orderby (also spelled $orderBy), $select and $filter with
 * eq, ne, gt, ge, lt, le, contains, startswith, endswith, not, and, or and
 * parentheses.  Pure functions: an entity is anything the caller can read
 * properties of through an odata_prop_fn.  String comparisons ignore case,
 * as the original's catalog (SQL Server's default collation) does.
 */
#ifndef RS_REPORTSERVER_ODATA_H
#define RS_REPORTSERVER_ODATA_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define ODATA_FILTER_MAX	2048
#define ODATA_ORDER_MAX		8
#define ODATA_SELECT_MAX	32
#define ODATA_NAME_MAX		64

enum odata_vtype { ODATA_NULL, ODATA_STR, ODATA_NUM, ODATA_BOOL };

struct odata_val {
	enum odata_vtype	 t;
	const char		*s;
	double			 n;
	bool			 b;
};

/* Reads property name of entity; false when there is no such property. */
typedef bool odata_prop_fn(const void *entity, const char *name,
    struct odata_val *out);

struct odata_expr;

struct odata_query {
	long			 top;	/* -1: all */
	long			 skip;
	bool			 count;
	struct odata_expr	*filter;	/* NULL: everything */
	struct {
		char	name[ODATA_NAME_MAX];
		bool	desc;
	}			 order[ODATA_ORDER_MAX];
	size_t			 norder;
	char			 select[ODATA_SELECT_MAX][ODATA_NAME_MAX];
	size_t			 nselect;	/* 0: all properties */
};

/*
 * Fills q from option values (each may be NULL).  known lists the
 * property names (NULL-terminated); an unknown property is an error.
 * RS_E_BADINPUT with a message that names the option.
 */
int	odata_parse(struct odata_query *q, const char *top, const char *skip,
	    const char *count, const char *filter, const char *orderby,
	    const char *select, const char *const *known, struct rs_err *);
void	odata_fini(struct odata_query *);

int	odata_filter_parse(const char *text, const char *const *known,
	    struct odata_expr **out, struct rs_err *);
void	odata_expr_free(struct odata_expr *);
bool	odata_eval(const struct odata_expr *, odata_prop_fn *,
	    const void *entity);
/* Orders an array of entity pointers by q's $orderby. */
void	odata_sort(const struct odata_query *q, odata_prop_fn *,
	    const void **v, size_t n);
/* Whether $select keeps a property (always true without $select). */
bool	odata_selected(const struct odata_query *, const char *name);

#endif
