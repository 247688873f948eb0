/*
 * catalog.h: the report server database.  Folders, reports, shared data
 * sources, data sets and resources (the catalog items), the built-in user
 * accounts, and role assignments (item policies inherited down the folder
 * tree unless an item breaks inheritance, and system policies).
 *
 * Two backends behind one interface: SQLite (one file, WAL, the default)
 * and PostgreSQL (libpq connection string), with the same schema, the same
 * queries and the same behaviour.  The schema is versioned: catalog_create
 * makes the newest, catalog_upgrade brings an older database up in one
 * transaction, and catalog_open refuses a database of another version
 * with a message naming the command that fixes it.
 *
 * This module knows nothing about HTTP, passwords in clear or rendering:
 * password hashes come in already made (see reportserver's auth), and item
 * content is stored as given.
 *
 * A struct catalog is safe to share between threads (one mutex per
 * handle).  Errors: RS_E_NOTFOUND (database not created, item missing),
 * RS_E_EXISTS, RS_E_BADINPUT (bad name or path, bad move), RS_E_DB
 * (database unusable, wrong version), RS_E_BUSY (locked), RS_E_LIMIT.
 */
#ifndef RS_CATALOG_CATALOG_H
#define RS_CATALOG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define CATALOG_SCHEMA_VERSION	5
#define CATALOG_PATH_MAX	260	/* rsItemPathLengthExceeded */
#define CATALOG_NAME_MAX	260
#define CATALOG_ID_LEN		36
/* The command that makes the report server database, for messages. */
#define CATALOG_CREATE_HINT	"rsconfig database create --admin-user NAME " \
				"--admin-password-stdin"

/* Catalog.Type codes of the original's ReportServer database. */
enum catalog_type {
	CATALOG_FOLDER = 1,
	CATALOG_REPORT = 2,
	CATALOG_RESOURCE = 3,
	CATALOG_DATASOURCE = 5,
	CATALOG_DATASET = 8,
};

/* Item roles (bits). */
#define CATALOG_ROLE_BROWSER		0x01u
#define CATALOG_ROLE_CONTENT_MANAGER	0x02u
#define CATALOG_ROLE_PUBLISHER		0x04u
#define CATALOG_ROLE_MY_REPORTS		0x08u
#define CATALOG_ROLE_REPORT_BUILDER	0x10u
/* System roles (bits, a separate space). */
#define CATALOG_ROLE_SYSTEM_ADMIN	0x01u
#define CATALOG_ROLE_SYSTEM_USER	0x02u

/* Item tasks (bits), the union of a user's roles on an item. */
#define CATALOG_T_VIEW_REPORTS		0x0001u
#define CATALOG_T_VIEW_RESOURCES	0x0002u
#define CATALOG_T_VIEW_FOLDERS		0x0004u
#define CATALOG_T_VIEW_DATASOURCES	0x0008u
#define CATALOG_T_VIEW_MODELS		0x0010u
#define CATALOG_T_MANAGE_REPORTS	0x0020u
#define CATALOG_T_MANAGE_RESOURCES	0x0040u
#define CATALOG_T_MANAGE_FOLDERS	0x0080u
#define CATALOG_T_MANAGE_DATASOURCES	0x0100u
#define CATALOG_T_MANAGE_MODELS		0x0200u
#define CATALOG_T_CREATE_LINKED		0x0400u
#define CATALOG_T_SET_SECURITY		0x0800u
#define CATALOG_T_MANAGE_SUBSCRIPTIONS	0x1000u
#define CATALOG_T_MANAGE_ALL_SUBS	0x2000u
#define CATALOG_T_MANAGE_HISTORY	0x4000u
#define CATALOG_T_CONSUME_REPORTS	0x8000u
/* System tasks (bits). */
#define CATALOG_S_EXECUTE_DEFS		0x01u
#define CATALOG_S_MANAGE_JOBS		0x02u
#define CATALOG_S_MANAGE_PROPERTIES	0x04u
#define CATALOG_S_MANAGE_ROLES		0x08u
#define CATALOG_S_MANAGE_SCHEDULES	0x10u
#define CATALOG_S_MANAGE_SECURITY	0x20u
#define CATALOG_S_VIEW_PROPERTIES	0x40u
#define CATALOG_S_VIEW_SCHEDULES	0x80u

struct catalog;

/* Where the database is: SQLite file path or PostgreSQL conninfo. */
struct catalog_dsn {
	bool		 postgres;
	const char	*dsn;
};

/* One catalog item, without its content.  Strings are owned. */
struct catalog_item {
	char	 id[CATALOG_ID_LEN + 1];
	char	 parent_id[CATALOG_ID_LEN + 1];	/* "" for the root */
	char	*path;
	char	*name;
	char	*description;
	char	*content_type;
	char	*created_by;
	char	*modified_by;
	int	 type;		/* enum catalog_type */
	bool	 hidden;
	bool	 inherit;	/* InheritParentPolicy */
	int64_t	 size;
	int64_t	 created;	/* seconds since the epoch, UTC */
	int64_t	 modified;
};

void	catalog_item_fini(struct catalog_item *);
void	catalog_items_free(struct catalog_item *, size_t n);

/* Facts about an open database (catalog_info). */
struct catalog_info {
	const char	*backend;	/* "SQLite" or "PostgreSQL" */
	int		 version;
	int64_t		 items;
	int64_t		 users;
};

/*
 * Opens an existing database of the current schema version.
 * RS_E_NOTFOUND when it has not been created; RS_E_DB when it cannot be
 * used (corrupt, older or newer schema: the message says what to run).
 */
struct catalog	*catalog_open(const struct catalog_dsn *, struct rs_err *);
void		 catalog_close(struct catalog *);
/*
 * Is the database behind an open handle still the one at its path?  A
 * SQLite file deleted, moved or replaced while open keeps answering from
 * the old file, and what is written to it is lost: 0 while it is there,
 * else -1 with RS_E_NOTFOUND (the message names the file and the command
 * that makes a new one); close the handle then.  One stat(2); always 0
 * for PostgreSQL.
 */
int		 catalog_check(struct catalog *, struct rs_err *);
int		 catalog_info(struct catalog *, struct catalog_info *,
		    struct rs_err *);
/* How long a write waits for another writer's lock (SQLite; 5 s). */
void		 catalog_busy_timeout(struct catalog *, int ms);

/*
 * Creates the database at schema version `version` (0 means the newest;
 * older versions exist so tests can exercise upgrades), with the root
 * folder and the first System Administrator: admin_user with the given
 * crypt(3) hash, assigned System Administrator and, on the root folder,
 * Content Manager.  A SQLite file is created mode 0600.  RS_E_EXISTS when
 * a catalog is already there (nothing is changed).
 */
int	catalog_create(const struct catalog_dsn *, int version,
	    const char *admin_user, const char *admin_hash, struct rs_err *);

/*
 * Upgrades an older database to CATALOG_SCHEMA_VERSION in one
 * transaction.  *from and *to get the versions (equal when nothing was
 * needed).
 */
int	catalog_upgrade(const struct catalog_dsn *, int *from, int *to,
	    struct rs_err *);

/*
 * Backup and restore (backup.c, rsconfig database backup/restore).
 * catalog_sqlite_backup copies the SQLite catalog src into the new file
 * dst with SQLite's online backup API: a consistent copy as of one moment
 * while the report server reads and writes.  catalog_sqlite_verify checks
 * a copy (SQLite's quick_check) and reads its schema version; a file that
 * is not a sound database is RS_E_BADINPUT.
 */
int	catalog_sqlite_backup(const char *src, const char *dst,
	    struct rs_err *);
int	catalog_sqlite_verify(const char *path, int *version, struct rs_err *);
/*
 * A PostgreSQL catalog (pgdump.c): pg_dump into out (custom format); a
 * check that path is such a dump; pg_restore of it into conninfo's
 * database in one transaction.  The connection goes in PG* variables,
 * never on a command line.  RS_E_DB with the tool's first line.
 */
int	catalog_pg_dump(const char *conninfo, const char *out, struct rs_err *);
int	catalog_pg_dump_check(const char *path, struct rs_err *);
int	catalog_pg_restore(const char *conninfo, const char *path,
	    struct rs_err *);

/* Reads the schema version without opening the catalog for use. */
int	catalog_probe(const struct catalog_dsn *, int *version,
	    struct rs_err *);

/*
 * Paths and names.  catalog_path_norm checks and normalises an item path
 * ("/" is the root; a trailing '/' is dropped) into out.  A name may not
 * be empty or longer than CATALOG_NAME_MAX bytes, may not start or end
 * with a space, and may not contain / \ ; ? : @ & = + , $ * < > | " or
 * control characters (the original's rsInvalidItemName rules).
 */
int	catalog_path_norm(const char *in, char *out, size_t outsz,
	    struct rs_err *);
int	catalog_name_check(const char *name, struct rs_err *);
/* Returns the parent path of a normalised path into out ("/" for "/a"). */
void	catalog_path_parent(const char *path, char *out, size_t outsz);

const char	*catalog_type_name(int type);	/* "Folder", "Report", ... */
int		 catalog_type_parse(const char *name);	/* -1 when unknown */

/* Items.  Reads fill *out (the caller calls catalog_item_fini). */
int	catalog_item_get(struct catalog *, const char *path,
	    struct catalog_item *out, struct rs_err *);
int	catalog_item_get_id(struct catalog *, const char *id,
	    struct catalog_item *out, struct rs_err *);
/* Children of a folder, folders first then by name. */
int	catalog_item_children(struct catalog *, const char *folder_id,
	    struct catalog_item **out, size_t *n, struct rs_err *);
/* Every item but the root, by path. */
int	catalog_item_all(struct catalog *, struct catalog_item **out,
	    size_t *n, struct rs_err *);
/* The content of an item; *data is the caller's to free (may be empty). */
int	catalog_item_content(struct catalog *, const char *id, void **data,
	    size_t *len, struct rs_err *);

/* A new item: parent folder path, name, type and content. */
struct catalog_new {
	const char	*parent;	/* folder path */
	const char	*name;
	int		 type;
	const void	*content;
	size_t		 len;
	const char	*content_type;
	const char	*description;
	bool		 hidden;
	bool		 overwrite;	/* replace an item of the same type */
};

int	catalog_item_add(struct catalog *, const struct catalog_new *,
	    const char *user, struct catalog_item *out, struct rs_err *);

/* Changes to an item; NULL fields (and has_* false) stay as they are. */
struct catalog_update {
	const char	*name;		/* rename in place */
	const char	*description;
	const char	*content_type;
	bool		 has_hidden;
	bool		 hidden;
	bool		 has_content;
	const void	*content;
	size_t		 len;
};

int	catalog_item_update(struct catalog *, const char *id,
	    const struct catalog_update *, const char *user, struct rs_err *);
/* Moves an item (and its subtree) into another folder. */
int	catalog_item_move(struct catalog *, const char *id,
	    const char *folder_path, const char *user, struct rs_err *);
/* Deletes an item and its subtree.  The root cannot be deleted. */
int	catalog_item_del(struct catalog *, const char *id, struct rs_err *);

/*
 * The kind of a principal.  A role assignment names a principal of one
 * kind, and only a signed-in user of that kind (or, for a group, a member
 * of it) matches it: a Linux group called "admin" is not the built-in
 * account "admin".  The numbers are stored in the catalog: never renumber
 * them; new kinds (directory groups, Kerberos principals) go at the end.
 */
enum catalog_pkind {
	CATALOG_PK_UNSPEC = 0,		/* input only, see catalog_policy_set */
	CATALOG_PK_BUILTIN_USER = 1,	/* a built-in account */
	CATALOG_PK_LINUX_USER = 2,	/* an account PAM signs in */
	CATALOG_PK_LINUX_GROUP = 3,	/* a Unix group of such an account */
	CATALOG_PK__COUNT
};

/*
 * A kind's name in REST and the qualified form ("BuiltInUser",
 * "LinuxUser", "LinuxGroup"; "" for CATALOG_PK_UNSPEC) and its label in
 * the portal ("Built-in user", "Linux user", "Linux group").
 */
const char	*catalog_pkind_name(enum catalog_pkind);
const char	*catalog_pkind_label(enum catalog_pkind);
/* A kind's name (case-insensitive) to the kind; -1 when unknown. */
int		 catalog_pkind_parse(const char *name);

/*
 * Reads a principal as REST and the portal write it: "Kind\name" (a kind
 * name, a backslash, the name: "LinuxGroup\admin") or a bare name
 * (*kind = CATALOG_PK_UNSPEC).  *name points into text.  A text whose
 * part before the first backslash is not a kind name is a bare name.
 */
void	catalog_principal_parse(const char *text, enum catalog_pkind *kind,
	    const char **name);

/* Role assignments. */
struct catalog_policy {
	char		*principal;	/* the name, without its kind; owned */
	enum catalog_pkind kind;
	unsigned	 roles;		/* CATALOG_ROLE_* bits */
};

/* "LinuxGroup\admin": the qualified form of an assignment's principal. */
void	catalog_principal_format(const struct catalog_policy *, char *out,
	    size_t outsz);
/*
 * Gives a CATALOG_PK_UNSPEC *kind the kind catalog_policy_set would store
 * for name: a built-in user when such an account exists, else a Linux
 * user.  Other kinds stay.  Returns 0 or -1 (RS_E_DB).
 */
int	catalog_principal_resolve(struct catalog *, const char *name,
	    enum catalog_pkind *kind, struct rs_err *);
/* Whether assignment p names the principal (kind, name). */
bool	catalog_principal_same(const struct catalog_policy *,
	    enum catalog_pkind kind, const char *name);

void	catalog_policies_free(struct catalog_policy *, size_t n);
const char	*catalog_role_name(unsigned bit, bool system);
/* Role name to bit (case-insensitive); 0 when unknown. */
unsigned	 catalog_role_parse(const char *name, bool system);
const char	*catalog_role_description(unsigned bit, bool system);
/* The tasks of a set of roles. */
unsigned	 catalog_role_tasks(unsigned roles, bool system);

/*
 * The effective policy of an item: its own when it breaks inheritance,
 * else the nearest ancestor's.  *inherit gets the item's flag.
 */
int	catalog_policy_get(struct catalog *, const char *id, bool *inherit,
	    struct catalog_policy **out, size_t *n, struct rs_err *);
/*
 * Sets an item's policy.  inherit: drop its own assignments and follow
 * the parent (the root cannot).  Otherwise the list replaces them.  A
 * principal of kind CATALOG_PK_UNSPEC is stored as a built-in user when
 * a built-in account of that name exists, else as a Linux user (never
 * as a group: a group is always named as one).
 */
int	catalog_policy_set(struct catalog *, const char *id, bool inherit,
	    const struct catalog_policy *, size_t n, struct rs_err *);
int	catalog_system_policy_get(struct catalog *, struct catalog_policy **,
	    size_t *n, struct rs_err *);
int	catalog_system_policy_set(struct catalog *,
	    const struct catalog_policy *, size_t n, struct rs_err *);

/* A signed-in user, as role assignments see it.  Borrowed. */
struct catalog_subject {
	const char		*name;
	enum catalog_pkind	 kind;	/* BUILTIN_USER or LINUX_USER */
	const char *const	*groups; /* NULL-terminated Unix group names
					  * of a Linux user, or NULL */
};

/*
 * The tasks a user holds on an item (CATALOG_T_* bits) or on the system
 * (CATALOG_S_* bits).  An assignment matches when its kind is the user's
 * and its name the user's, or it is a Linux group among a Linux user's
 * groups; names compare case-insensitively.  Returns 0 or -1; *tasks
 * gets the bits.
 */
int	catalog_item_tasks(struct catalog *, const char *id,
	    const struct catalog_subject *, unsigned *tasks, struct rs_err *);
int	catalog_system_tasks(struct catalog *, const struct catalog_subject *,
	    unsigned *tasks, struct rs_err *);

/* Built-in accounts (password hashes from crypt(3)). */
int	catalog_user_add(struct catalog *, const char *name, const char *hash,
	    struct rs_err *);
int	catalog_user_set_hash(struct catalog *, const char *name,
	    const char *hash, struct rs_err *);
/* The names of the built-in accounts, sorted; free with the function. */
int	catalog_user_list(struct catalog *, char ***names, size_t *n,
	    struct rs_err *);
void	catalog_user_list_free(char **, size_t);
/* Removes a built-in account (its role assignments stay). */
int	catalog_user_del(struct catalog *, const char *name, struct rs_err *);
/* Copies the hash of a built-in account; RS_E_NOTFOUND when none. */
int	catalog_user_hash(struct catalog *, const char *name, char *out,
	    size_t outsz, struct rs_err *);

/* One execution log row (ExecutionLog3's columns; times in ms UTC). */
struct catalog_exec {
	const char	*instance;	/* InstanceName */
	const char	*item_path;
	const char	*user;
	const char	*request_type;	/* "Interactive" */
	const char	*format;
	const char	*parameters;	/* "A=1&B=2" */
	const char	*item_action;	/* "Render" */
	int64_t		 time_start;
	int64_t		 time_end;
	int64_t		 time_data;
	int64_t		 time_processing;
	int64_t		 time_rendering;
	const char	*source;	/* "Live" */
	const char	*status;	/* "rsSuccess" or an rs code */
	int64_t		 bytes;
	int64_t		 rows;
};

/* Appends a row to the execution log. */
int	catalog_exec_log_add(struct catalog *, const struct catalog_exec *,
	    struct rs_err *);
/*
 * Deletes the rows that started before before_ms (milliseconds since the
 * epoch, as time_start): the original's ExecutionLogDaysKept.  *n gets how
 * many went.
 */
int	catalog_exec_log_trim(struct catalog *, int64_t before_ms, int64_t *n,
	    struct rs_err *);
/* Rows in the execution log (for tests and status pages). */
int	catalog_exec_log_count(struct catalog *, int64_t *, struct rs_err *);

/* The most rows catalog_exec_log_list reads at once. */
#define CATALOG_EXEC_LIST_MAX	10000

/* One execution log row read back.  Strings are owned (never NULL). */
struct catalog_exec_row {
	int64_t	 id;		/* ascending in insertion order */
	char	*instance;
	char	*item_path;
	char	*user;
	char	*request_type;
	char	*format;
	char	*parameters;
	char	*item_action;
	char	*source;
	char	*status;
	int64_t	 time_start;	/* ms since the epoch, UTC */
	int64_t	 time_end;
	int64_t	 time_data;	/* ms */
	int64_t	 time_processing;
	int64_t	 time_rendering;
	int64_t	 bytes;
	int64_t	 rows;
};

/*
 * The newest rows of the execution log, newest first (by TimeStart, then
 * by id), at most limit of them (0 or more than CATALOG_EXEC_LIST_MAX
 * reads CATALOG_EXEC_LIST_MAX).  Free *out with catalog_exec_rows_free.
 */
int	catalog_exec_log_list(struct catalog *, size_t limit,
	    struct catalog_exec_row **out, size_t *n, struct rs_err *);
void	catalog_exec_rows_free(struct catalog_exec_row *, size_t n);

/*
 * Report executions (the ReportExecution2005 sessions of the SOAP
 * endpoint), kept in the catalog so that any node of a scale-out can
 * continue one.  An execution belongs to the user who started it and
 * lives until expires (seconds since the epoch); every use moves expires
 * on.  Strings are owned; catalog_execution_fini frees them.
 */
#define CATALOG_EXEC_ID_LEN	24

struct catalog_execution {
	char	 id[CATALOG_EXEC_ID_LEN + 1];
	char	*user;
	char	 item_id[CATALOG_ID_LEN + 1];	/* "" for an ad hoc definition */
	char	*item_path;
	void	*definition;	/* LoadReportDefinition's, or NULL */
	size_t	 definition_len;
	char	*parameters;	/* "Name=value&..." URL-encoded, or "" */
	char	*param_language;	/* "de-DE", or "" */
	int	 num_pages;	/* 0 until rendered */
	int64_t	 created;
	int64_t	 expires;
};

void	catalog_execution_fini(struct catalog_execution *);
/* Makes a new random id (lower-case letters and digits) into x->id. */
void	catalog_execution_id(struct catalog_execution *x);
/* Stores a new execution (x->id set).  RS_E_EXISTS for a used id. */
int	catalog_execution_add(struct catalog *, const struct catalog_execution *,
	    struct rs_err *);
/*
 * Reads an execution that has not expired at now.  RS_E_NOTFOUND when
 * there is none (never made, expired, or its report deleted).
 */
int	catalog_execution_get(struct catalog *, const char *id, int64_t now,
	    struct catalog_execution *out, struct rs_err *);
/* Writes parameters, param_language, num_pages and expires of x->id. */
int	catalog_execution_update(struct catalog *,
	    const struct catalog_execution *, struct rs_err *);
int	catalog_execution_del(struct catalog *, const char *id,
	    struct rs_err *);
/* Deletes the executions that expired before now; *n gets how many. */
int	catalog_execution_purge(struct catalog *, int64_t now, int64_t *n,
	    struct rs_err *);

/*
 * Server-side bindings of an item's data sources by name (the original's
 * SetItemDataSources and SetItemReferences): either a shared data source
 * (ref_id, and ref_path, its path when it was bound) or an embedded
 * DataSourceDefinition.  A new definition of the item (content replaced)
 * drops them: it brings its own data sources.
 */
struct catalog_ds_binding {
	char	*name;
	char	 ref_id[CATALOG_ID_LEN + 1];	/* "" when none or deleted */
	char	*ref_path;	/* the shared data source's path now (by id),
				   else as bound; NULL for a definition */
	void	*definition;	/* XML, or NULL */
	size_t	 definition_len;
};

void	catalog_ds_bindings_free(struct catalog_ds_binding *, size_t n);
int	catalog_ds_binding_list(struct catalog *, const char *item_id,
	    struct catalog_ds_binding **out, size_t *n, struct rs_err *);
/*
 * Sets n bindings of an item (each replaces the one of its name, case-
 * insensitively) and records user as the item's last modifier, in one
 * transaction.
 */
int	catalog_ds_binding_set(struct catalog *, const char *item_id,
	    const struct catalog_ds_binding *, size_t n, const char *user,
	    struct rs_err *);

/* User-defined item properties (SetProperties), names case-insensitive. */
struct catalog_prop {
	char	*name;
	char	*value;
};

void	catalog_props_free(struct catalog_prop *, size_t n);
int	catalog_prop_list(struct catalog *, const char *item_id,
	    struct catalog_prop **out, size_t *n, struct rs_err *);
/* Sets (or, with a NULL value, removes) n properties in one transaction. */
int	catalog_prop_set(struct catalog *, const char *item_id,
	    const struct catalog_prop *, size_t n, struct rs_err *);

/* Makes a random (version 4) GUID, lower case, 36 characters. */
void	catalog_guid(char out[CATALOG_ID_LEN + 1]);

/* Schedules, subscriptions, the job queue and stored report data. */
#include "catalog/catalog_sched.h"

#endif
