/*
 * data_int.h: the backends of data/, called by data_exec() only.
 */
#ifndef RS_DATA_INT_H
#define RS_DATA_INT_H

#include "data/data.h"

int	data_sqlite_exec(const struct data_source *, const struct data_query *,
	    data_row_fn, void *, size_t *, struct rs_err *);
int	data_pg_exec(const struct data_source *, const struct data_query *,
	    data_row_fn, void *, size_t *, struct rs_err *);
/*
 * Maps each field of q (q->columns) to the index of the result column of
 * the same name (case-insensitive; the first such column) among n columns,
 * whose names name(ctx, i) gives.  Returns 0, or -1 (RS_E_BADINPUT naming
 * the field and the columns there are).
 */
int	data_map_columns(const struct data_query *q,
	    const char *(*name)(void *ctx, int i), void *ctx, int n, int *map,
	    struct rs_err *);
/* command.c: SELECT * FROM a TableDirect table; a PostgreSQL call of
 * procedure schema.name with q's parameters by name (new strings). */
char	*data_table_sql(const struct data_query *, struct rs_err *);
char	*data_proc_pg_sql(const struct data_query *, const char *schema,
	    const char *name, bool procedure, struct rs_err *);
/* The parameters of q with each multi-value one joined by ',' into one
 * text (as SQL Server passes them to a procedure); free with the next. */
struct data_param *data_proc_params(const struct data_query *,
	    struct expr_value **store);
void	data_proc_params_free(struct data_param *, struct expr_value *,
	    size_t);
int	data_enterdata_exec(const struct data_query *, data_row_fn, void *,
	    size_t *, struct rs_err *);

#endif
