/*
 * schema.c: the versioned schema of the report server database, one
 * migration per version, each written once with the few words that differ
 * between SQLite and PostgreSQL picked by dialect.  Migration N takes a
 * database from version N-1 to N; catalog.c runs them in one transaction
 * and records the version (PRAGMA user_version on SQLite, the rs_schema
 * table on PostgreSQL).
 *
 * Times are seconds since the epoch (BIGINT), booleans are INTEGER 0/1,
 * and lpath/lname/lprincipal hold the lower-case key, because item paths
 * and user names are case-insensitive in the original.
 *
 * A role assignment's principal has a kind (enum catalog_pkind: 1 a
 * built-in user, 2 a Linux user, 3 a Linux group; numbers are stored and
 * never reused), part of the key, so a group and a user of the same name
 * are two principals.  Version 3 adds the kind to databases made before
 * it: an assignment whose name is a built-in account's is that account's
 * (what catalog_create's first administrator always meant), any other is a
 * Linux user's; catalog.c then makes a Linux group of an assignment whose
 * name is a group on this machine and not a user (the only way the old
 * name-only match could have let anyone in by it).
 */
#include "catalog/schema.h"

#include <stddef.h>

static const char *const v1[] = {
	"CREATE TABLE items ("
	" id TEXT PRIMARY KEY,"
	" parent_id TEXT REFERENCES items(id) ON DELETE CASCADE,"
	" path TEXT NOT NULL,"
	" lpath TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" type INTEGER NOT NULL,"
	" description TEXT NOT NULL DEFAULT '',"
	" hidden INTEGER NOT NULL DEFAULT 0,"
	" inherit INTEGER NOT NULL DEFAULT 1,"
	" content %BLOB%,"
	" content_type TEXT NOT NULL DEFAULT '',"
	" size BIGINT NOT NULL DEFAULT 0,"
	" created_by TEXT NOT NULL,"
	" created BIGINT NOT NULL,"
	" modified_by TEXT NOT NULL,"
	" modified BIGINT NOT NULL)",
	"CREATE INDEX items_parent ON items(parent_id)",
	"CREATE TABLE users ("
	" lname TEXT PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" hash TEXT NOT NULL,"
	" created BIGINT NOT NULL)",
	"CREATE TABLE policies ("
	" item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
	" lprincipal TEXT NOT NULL,"
	" principal TEXT NOT NULL,"
	" roles INTEGER NOT NULL,"
	" PRIMARY KEY (item_id, lprincipal))",
	"CREATE TABLE system_policies ("
	" lprincipal TEXT PRIMARY KEY,"
	" principal TEXT NOT NULL,"
	" roles INTEGER NOT NULL)",
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
	NULL,
};

/* Version 2: the execution log (ExecutionLog3's columns). */
static const char *const v2[] = {
	"CREATE TABLE execution_log ("
	" id %SERIAL% PRIMARY KEY,"
	" instance_name TEXT NOT NULL,"
	" item_path TEXT NOT NULL,"
	" user_name TEXT NOT NULL,"
	" request_type TEXT NOT NULL,"
	" format TEXT NOT NULL DEFAULT '',"
	" parameters TEXT NOT NULL DEFAULT '',"
	" item_action TEXT NOT NULL,"
	" time_start BIGINT NOT NULL,"
	" time_end BIGINT NOT NULL,"
	" time_data_retrieval BIGINT NOT NULL DEFAULT 0,"
	" time_processing BIGINT NOT NULL DEFAULT 0,"
	" time_rendering BIGINT NOT NULL DEFAULT 0,"
	" source TEXT NOT NULL DEFAULT 'Live',"
	" status TEXT NOT NULL,"
	" byte_count BIGINT NOT NULL DEFAULT 0,"
	" row_count BIGINT NOT NULL DEFAULT 0)",
	"CREATE INDEX execution_log_time ON execution_log(time_start)",
	NULL,
};

/* Version 3: the kind of each principal, part of the key. */
static const char *const v3[] = {
	"CREATE TABLE policies3 ("
	" item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
	" kind INTEGER NOT NULL,"
	" lprincipal TEXT NOT NULL,"
	" principal TEXT NOT NULL,"
	" roles INTEGER NOT NULL,"
	" PRIMARY KEY (item_id, kind, lprincipal))",
	"INSERT INTO policies3 (item_id, kind, lprincipal, principal, roles) "
	"SELECT item_id, CASE WHEN lprincipal IN (SELECT lname FROM users) "
	"THEN 1 ELSE 2 END, lprincipal, principal, roles FROM policies",
	"DROP TABLE policies",
	"ALTER TABLE policies3 RENAME TO policies",
	"CREATE TABLE system_policies3 ("
	" kind INTEGER NOT NULL,"
	" lprincipal TEXT NOT NULL,"
	" principal TEXT NOT NULL,"
	" roles INTEGER NOT NULL,"
	" PRIMARY KEY (kind, lprincipal))",
	"INSERT INTO system_policies3 (kind, lprincipal, principal, roles) "
	"SELECT CASE WHEN lprincipal IN (SELECT lname FROM users) THEN 1 "
	"ELSE 2 END, lprincipal, principal, roles FROM system_policies",
	"DROP TABLE system_policies",
	"ALTER TABLE system_policies3 RENAME TO system_policies",
	NULL,
};

/*
 * Version 4: what the SOAP endpoints keep between calls.  executions are
 * the ReportExecution2005 sessions (ExecutionID, owner, the report or an
 * ad hoc definition, parameter values, page count, expiry), kept here so
 * any node of a scale-out can continue one.  item_datasources are the
 * server-side bindings of a report's or shared dataset's data sources
 * (SetItemDataSources, SetItemReferences): a shared data source by id, and
 * its path when bound, or an embedded definition.  item_properties are
 * user-defined item properties (SetProperties).
 */
static const char *const v4[] = {
	"CREATE TABLE executions ("
	" id TEXT PRIMARY KEY,"
	" user_name TEXT NOT NULL,"
	" item_id TEXT REFERENCES items(id) ON DELETE CASCADE,"
	" item_path TEXT NOT NULL,"
	" definition %BLOB%,"
	" parameters TEXT NOT NULL DEFAULT '',"
	" param_language TEXT NOT NULL DEFAULT '',"
	" num_pages INTEGER NOT NULL DEFAULT 0,"
	" created BIGINT NOT NULL,"
	" expires BIGINT NOT NULL)",
	"CREATE INDEX executions_expires ON executions(expires)",
	"CREATE TABLE item_datasources ("
	" item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
	" lname TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" ref_id TEXT REFERENCES items(id) ON DELETE SET NULL,"
	" ref_path TEXT,"
	" definition %BLOB%,"
	" PRIMARY KEY (item_id, lname))",
	"CREATE TABLE item_properties ("
	" item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
	" lname TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" PRIMARY KEY (item_id, lname))",
	NULL,
};

/*
 * Version 5 (issue 15): schedules, subscriptions, the job queue, report
 * execution options, cache refresh plans and stored report data (execution
 * snapshots, history and cache entries).  A job's event is unique, so an
 * event enqueued twice (two servers, a retried transaction) is one job.
 */
static const char *const v5[] = {
	"CREATE TABLE schedules ("
	" id TEXT PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" lname TEXT NOT NULL,"
	" shared INTEGER NOT NULL,"
	" recurrence TEXT NOT NULL,"
	" paused INTEGER NOT NULL DEFAULT 0,"
	" next_run BIGINT,"
	" last_run BIGINT,"
	" created_by TEXT NOT NULL,"
	" created BIGINT NOT NULL,"
	" modified_by TEXT NOT NULL,"
	" modified BIGINT NOT NULL)",
	"CREATE UNIQUE INDEX schedules_name ON schedules(lname) "
	"WHERE shared = 1",
	"CREATE INDEX schedules_next ON schedules(next_run)",
	"CREATE TABLE subscriptions ("
	" id TEXT PRIMARY KEY,"
	" item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
	" owner TEXT NOT NULL,"
	" owner_kind INTEGER NOT NULL,"
	" description TEXT NOT NULL DEFAULT '',"
	" event_type TEXT NOT NULL,"
	" schedule_id TEXT REFERENCES schedules(id) ON DELETE SET NULL,"
	" extension TEXT NOT NULL,"
	" settings TEXT NOT NULL DEFAULT '',"
	" parameters TEXT NOT NULL DEFAULT '',"
	" data_query TEXT,"
	" data_source TEXT,"
	" active INTEGER NOT NULL DEFAULT 1,"
	" last_status TEXT NOT NULL DEFAULT 'New Subscription',"
	" last_run BIGINT,"
	" created BIGINT NOT NULL,"
	" modified_by TEXT NOT NULL,"
	" modified BIGINT NOT NULL)",
	"CREATE INDEX subscriptions_item ON subscriptions(item_id)",
	"CREATE INDEX subscriptions_schedule ON subscriptions(schedule_id)",
	"CREATE TABLE cache_plans ("
	" id TEXT PRIMARY KEY,"
	" item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
	" owner TEXT NOT NULL,"
	" description TEXT NOT NULL DEFAULT '',"
	" schedule_id TEXT REFERENCES schedules(id) ON DELETE SET NULL,"
	" parameters TEXT NOT NULL DEFAULT '',"
	" last_status TEXT NOT NULL DEFAULT 'New Cache Refresh Plan',"
	" last_run BIGINT,"
	" modified_by TEXT NOT NULL,"
	" modified BIGINT NOT NULL)",
	"CREATE TABLE item_exec ("
	" item_id TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,"
	" exec_type INTEGER NOT NULL DEFAULT 0,"
	" cache_minutes INTEGER NOT NULL DEFAULT 0,"
	" cache_schedule_id TEXT REFERENCES schedules(id) ON DELETE SET NULL,"
	" snapshot_schedule_id TEXT REFERENCES schedules(id) "
	"ON DELETE SET NULL,"
	" history_schedule_id TEXT REFERENCES schedules(id) "
	"ON DELETE SET NULL,"
	" history_manual INTEGER NOT NULL DEFAULT 1,"
	" history_keep_exec INTEGER NOT NULL DEFAULT 0,"
	" history_limit INTEGER NOT NULL DEFAULT -1)",
	"CREATE TABLE jobs ("
	" id %SERIAL% PRIMARY KEY,"
	" event TEXT NOT NULL UNIQUE,"
	" kind INTEGER NOT NULL,"
	" target TEXT NOT NULL,"
	" parent BIGINT,"
	" row_no INTEGER NOT NULL DEFAULT 0,"
	" row_data TEXT NOT NULL DEFAULT '',"
	" fire BIGINT NOT NULL,"
	" due BIGINT NOT NULL,"
	" state INTEGER NOT NULL DEFAULT 0,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" owner TEXT,"
	" lease_until BIGINT NOT NULL DEFAULT 0,"
	" status TEXT NOT NULL DEFAULT '',"
	" created BIGINT NOT NULL,"
	" finished BIGINT)",
	"CREATE INDEX jobs_ready ON jobs(state, due)",
	"CREATE INDEX jobs_target ON jobs(target)",
	"CREATE INDEX jobs_parent ON jobs(parent, state)",
	"CREATE TABLE report_data ("
	" id TEXT PRIMARY KEY,"
	" item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
	" kind INTEGER NOT NULL,"
	" param_key TEXT NOT NULL DEFAULT '',"
	" created BIGINT NOT NULL,"
	" expires BIGINT,"
	" size BIGINT NOT NULL,"
	" data %BLOB% NOT NULL)",
	"CREATE INDEX report_data_item ON report_data(item_id, kind, "
	"param_key)",
	NULL,
};

static const char *const *const migrations[] = { NULL, v1, v2, v3, v4, v5 };

const char *const *
schema_migration(int version)
{
	if (version < 1 || version >= (int)(sizeof(migrations) /
	    sizeof(migrations[0])))
		return NULL;
	return migrations[version];
}

const char *
schema_word(const char *word, bool pg)
{
	if (word[0] == 'B')	/* BLOB */
		return pg ? "BYTEA" : "BLOB";
	return pg ? "BIGSERIAL" : "INTEGER";	/* SERIAL */
}
