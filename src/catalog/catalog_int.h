/*
 * catalog_int.h (internal to catalog/): the handle and helpers shared by
 * the catalog's source files.
 */
#ifndef RS_CATALOG_INT_H
#define RS_CATALOG_INT_H

#include <pthread.h>

#include "catalog/catalog.h"
#include "catalog/db.h"

struct catalog {
	struct db	*db;
	pthread_mutex_t	 mu;	/* one statement sequence at a time */
};

/* ASCII lower-case copy (paths and names are case-insensitive). */
char	*cat_lower(const char *);
int64_t	 cat_now(void);
void	 cat_lock(struct catalog *);
void	 cat_unlock(struct catalog *);
/* Reads an item by id with the lock already held. */
int	 cat_item_by_id(struct catalog *, const char *id,
	    struct catalog_item *, struct rs_err *);

/* Column helpers (schedules.c): an owned copy ("" for NULL), an id. */
char	*cat_col_dup(struct db_stmt *, int);
void	 cat_col_id(struct db_stmt *, int, char out[CATALOG_ID_LEN + 1]);
/* A NULL for an empty id, for nullable references. */
const char *cat_nullid(const char *);

#endif
