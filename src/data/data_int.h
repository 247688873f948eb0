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
int	data_enterdata_exec(const struct data_query *, data_row_fn, void *,
	    size_t *, struct rs_err *);

#endif
