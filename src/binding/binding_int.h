/*
 * binding_int.h: what the files of the binding module share: the store
 * handle and the SQLite helpers (transactions, error mapping).  Not part of
 * the public interface.
 */
#ifndef RS_BINDING_INT_H
#define RS_BINDING_INT_H

#include <sqlite3.h>

#include "binding/binding.h"
#include "common/root.h"

struct binding_store {
	sqlite3	*db;
	char	 path[RS_PATH_MAX];
};

/* Sets *e from the handle's last error: RS_E_PERM, RS_E_BUSY or RS_E_DB. */
int	bs_db_err(struct binding_store *, struct rs_err *, const char *what);
/* Prepares sql; on failure sets *e and returns NULL. */
sqlite3_stmt	*bs_prepare(struct binding_store *, const char *sql,
		    struct rs_err *);
/* BEGIN IMMEDIATE (writers) or BEGIN (a read snapshot). */
int	bs_begin(struct binding_store *, bool write, struct rs_err *);
/* Bumps the generation and commits. */
int	bs_commit_write(struct binding_store *, struct rs_err *);
int	bs_commit(struct binding_store *, struct rs_err *);
void	bs_rollback(struct binding_store *);
/* Runs a statement that returns no rows with up to two text parameters. */
int	bs_exec2(struct binding_store *, const char *sql, const char *a,
	    const char *b, struct rs_err *);

#endif
