/*
 * data.h: running a dataset's query and handing its rows, one at a time,
 * to a callback (so a caller can stream a million rows in bounded memory
 * or keep them).  Backends: SQLite, PostgreSQL (libpq) and ENTERDATA (rows
 * embedded in the definition as XML).  Query parameters are always bound,
 * never pasted into SQL: SQL Server style "@Name" placeholders become
 * "?N" (SQLite) or "$N" (PostgreSQL), and a multi-value parameter expands
 * to a list of placeholders.  A light T-SQL layer lets a report written
 * for SQL Server run unchanged: [name] quoting, SELECT TOP n, '+' between
 * strings, YEAR()/MONTH()/DAY()/GETDATE()/ISNULL()/LEN(), and schema
 * names such as Sales.Customer (SQLite: the same file attached under each
 * schema name it needs).
 *
 * Not here: which data source a report means (the caller resolves names
 * and shared references into a struct data_source) or parameter prompts.
 */
#ifndef RS_DATA_DATA_H
#define RS_DATA_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "expr/expr.h"

#define DATA_SQL_MAX		(1u << 20)	/* longest query text */
#define DATA_PARAMS_MAX		1000		/* bound values per query */
#define DATA_COLUMNS_MAX	1000
#define DATA_TIMEOUT_MS		300000		/* DatabaseQueryTimeout */

enum data_kind { DATA_SQLITE, DATA_POSTGRES, DATA_ENTERDATA };

/*
 * The data extensions a definition may name (DataProvider, Extension),
 * case-insensitively; DATA_EXTENSIONS lists them for messages.  Returns
 * 0 with *kind (when kind is not NULL), or -1 for a name not supported.
 */
#define DATA_EXTENSIONS	"SQLITE, POSTGRESQL, ENTERDATA"
int	data_extension_kind(const char *name, enum data_kind *kind);

/* A resolved data source. */
struct data_source {
	enum data_kind	 kind;
	char		 conn[1024];	/* SQLite path or libpq conninfo */
	bool		 read_write;	/* PostgreSQL: not in a read-only
					 * transaction (set by confine) */
};

/*
 * Parses "sqlite:PATH", "postgres:CONNINFO" (also "postgresql:") or
 * "enterdata:".  Returns 0, or -1 with RS_E_USAGE naming the forms.
 */
int	data_source_parse(const char *spec, struct data_source *,
	    struct rs_err *);

/*
 * Where a server lets reports connect.  A PostgreSQL target is a host (a
 * name or address as written, or a socket folder by its real path), a
 * port and a database; a rule allows the targets its patterns match.
 */
struct data_pg_rule {
	const char	*host;		/* fnmatch pattern; "/..." a socket folder */
	unsigned	 port;		/* 0: any */
	const char	*dbname;	/* fnmatch pattern */
	bool		 read_write;	/* queries may write (ReadWrite="true") */
};

struct data_policy {
	const char	*sqlite_root;	/* SQLite files only under it */
	bool		 pg_confined;	/* PostgreSQL only where pg_allow says */
	const struct data_pg_rule *pg_allow;
	size_t		 npg_allow;
	const char	*pg_own;	/* never this conninfo's database (the
					 * report server's own), or NULL */
	const char	*setting;	/* named in hints, e.g. "PostgreSQLData"
					 * "Sources in rsreportserver.config" */
};

#define DATA_PG_SOCKET_DIR	"/var/run/postgresql"	/* libpq's default */

/*
 * Applies a server's policy to a data source, so a published report
 * cannot reach the server's own databases or anything its OS user may:
 *
 * - SQLite (when sqlite_root is set): the file must exist and its real
 *   path (symbolic links resolved) lie under sqlite_root's real path;
 * - PostgreSQL (when pg_confined): the conninfo (key=value or URI) is
 *   parsed as libpq parses it; only ordinary keywords are accepted (no
 *   service, passfile, options, SSL key files ...); every target it may
 *   connect to (each of a host list; hostaddr when given, as libpq
 *   connects there; defaults filled in as libpq would: the socket folder
 *   DATA_PG_SOCKET_DIR or $PGHOST, port 5432 or $PGPORT, the user's name
 *   for the database) must match a rule and not be pg_own's database.
 *
 * src->conn is replaced by what was checked (the SQLite real path; the
 * conninfo with host, port, dbname and user spelled out), so the target
 * checked is the target opened.  src->read_write is set only when every
 * PostgreSQL target matched a rule marked read_write; otherwise (and
 * always without a policy) the query runs in a read-only transaction.  ENTERDATA passes.  Returns 0, or -1:
 * RS_E_PERM not allowed (the message names the target and the setting),
 * RS_E_NOTFOUND no such SQLite file, RS_E_IO an unusable conninfo.
 */
int	data_source_confine(struct data_source *src,
	    const struct data_policy *, struct rs_err *);

/* One query parameter: "@Year" and its values (several: multi-value). */
struct data_param {
	const char		*name;
	const struct expr_value	*values;
	size_t			 nvalues;
};

/*
 * CommandType.  A stored procedure: on PostgreSQL the function (SELECT *
 * FROM name(p => $1, ...)) or procedure (CALL name(...)) of that name,
 * the query parameters passed by name without their '@' (a multi-value
 * parameter as one comma-separated text, as SQL Server receives it); on
 * SQLite, which has none, the query an administrator stored under that
 * name in the database's table DATA_PROC_TABLE (name, body), with @Name
 * placeholders like a report query.  TableDirect: SELECT * FROM the
 * table.  Either way the query runs read-only like any other.
 */
enum data_command { DATA_CMD_TEXT, DATA_CMD_PROC, DATA_CMD_TABLE };
#define DATA_PROC_TABLE	"rs_procedures"

struct data_query {
	const char		*text;		/* CommandText */
	enum data_command	 command;
	const struct data_param	*params;
	size_t			 nparams;
	const char *const	*columns;	/* DataField names wanted */
	const enum expr_type	*hints;		/* per column, or NULL type */
	size_t			 ncolumns;
	int			 timeout_ms;	/* 0: DATA_TIMEOUT_MS */
};

/*
 * Called once per row with ncolumns values in the order of q->columns
 * (strings borrowed: valid during the call only).  Returning -1 stops the
 * query; the error it set is passed up.
 */
typedef int (*data_row_fn)(void *arg, const struct expr_value *row,
    size_t ncolumns, struct rs_err *);

/*
 * Runs q against src and calls fn for each row.  *rows gets the number of
 * rows read.  Queries are read-only: SQLite through an authorizer that
 * allows only reading, sqlite3_stmt_readonly() and one statement per
 * query; PostgreSQL through the extended protocol (one statement) in a
 * read-only transaction unless src->read_write.  A refused query is
 * RS_E_BADINPUT with a message naming what was refused.  Returns 0, or -1: RS_E_BADINPUT for a query or column
 * error (the message names the column and lists the query's columns),
 * RS_E_IO when the database cannot be opened or reached, or the callback's
 * error.
 */
int	data_exec(const struct data_source *src, const struct data_query *q,
	    data_row_fn fn, void *arg, size_t *rows, struct rs_err *);

/*
 * The query text rewritten for a backend: placeholders numbered from 1
 * (multi-value parameters expanded) and the T-SQL forms translated.
 * order[i] is the index into q->params (and value) of placeholder i+1.
 * Exposed for tests.  Returns a new string or NULL with RS_E_BADINPUT.
 */
struct data_bind {
	size_t	param;
	size_t	value;
};
char	*data_sql_rewrite(const struct data_query *q, enum data_kind,
	    struct data_bind **order, size_t *norder, struct rs_err *);

/*
 * A procedure or table name as CommandText writes it (name, dbo.name,
 * [dbo].[my name]): its schema (or "") and name, unquoted.  Returns 0, or
 * -1 with RS_E_BADINPUT for anything else (a name is letters, digits, _,
 * $ or # in brackets; at most two parts).  Exposed for rdl/ and tests.
 */
int	data_object_name(const char *text, char *schema, size_t,
	    char *name, size_t, struct rs_err *);

#endif
