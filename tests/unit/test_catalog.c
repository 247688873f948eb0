/*
 * test_catalog.c: unit tests of catalog/: names and paths, create and
 * upgrade, items (add, list, content, rename, move, delete), role
 * assignments with inheritance and breaking it, built-in users, the
 * executions, data source bindings and properties of the SOAP endpoints,
 * and a corrupt or locked database.  Each catalog test runs on SQLite, and on
 * PostgreSQL too when RS_TEST_PG holds a connection string of a scratch
 * database (its public schema is emptied first).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "common/str.h"

struct fx {
	char			dir[64];
	char			path[128];
	struct catalog_dsn	dsn;
	struct catalog		*c;
};

static const char	*pg_conninfo;

static void
pg_reset(void)
{
	PGconn		*conn = PQconnectdb(pg_conninfo);
	PGresult	*r;

	assert_int_equal(PQstatus(conn), CONNECTION_OK);
	r = PQexec(conn, "SET client_min_messages = warning; "
	    "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(conn);
}

static int
setup_any(void **state, bool pg, int version)
{
	struct fx	*f = calloc(1, sizeof(*f));
	struct rs_err	 e;

	str_copy(f->dir, sizeof(f->dir), "/tmp/rs-cat.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/db/ReportServer.db", f->dir);
	f->dsn.postgres = pg;
	f->dsn.dsn = pg ? pg_conninfo : f->path;
	if (pg)
		pg_reset();
	if (catalog_create(&f->dsn, version, "Admin", "$y$hash", &e) == -1)
		fail_msg("create: %s", e.msg);
	if (version == 0) {
		f->c = catalog_open(&f->dsn, &e);
		if (f->c == NULL)
			fail_msg("open: %s", e.msg);
	}
	*state = f;
	return 0;
}

static int
setup_sqlite(void **state)
{
	return setup_any(state, false, 0);
}

static int
setup_pg(void **state)
{
	return setup_any(state, true, 0);
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 cmd[160];

	catalog_close(f->c);
	snprintf(cmd, sizeof(cmd), "%s/db", f->dir);
	/* The folder holds only the database and its WAL files. */
	for (const char *sfx = ""; sfx != NULL;
	    sfx = *sfx == '\0' ? "-wal" : strcmp(sfx, "-wal") == 0 ? "-shm" :
	    NULL) {
		char	p[200];

		snprintf(p, sizeof(p), "%s%s", f->path, sfx);
		unlink(p);
	}
	rmdir(cmd);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
test_names(void **state)
{
	static const struct {
		const char	*in, *out;
	} ok_paths[] = {
		{ "/", "/" }, { "/a", "/a" }, { "/a/", "/a" },
		{ "/Sales/Q1 Report", "/Sales/Q1 Report" },
	};
	static const char *const bad_paths[] = {
		"", "a", "//", "/a//b", "/../etc", "/a/./b", "/a\\b", "/a?b",
		"/a;b", "/ a", "/a ", "/a\nb", "/a<b>", "/x:y",
	};
	char		out[300], lp[400];
	struct rs_err	e;

	(void)state;
	for (size_t i = 0; i < nitems(ok_paths); i++) {
		assert_int_equal(catalog_path_norm(ok_paths[i].in, out,
		    sizeof(out), &e), 0);
		assert_string_equal(out, ok_paths[i].out);
	}
	for (size_t i = 0; i < nitems(bad_paths); i++) {
		assert_int_equal(catalog_path_norm(bad_paths[i], out,
		    sizeof(out), &e), -1);
		assert_true(e.code == RS_E_BADINPUT);
	}
	memset(lp, 'a', sizeof(lp) - 1);
	lp[0] = '/';
	lp[sizeof(lp) - 1] = '\0';
	assert_int_equal(catalog_path_norm(lp, out, sizeof(out), &e), -1);
	assert_int_equal(e.code, RS_E_LIMIT);
	catalog_path_parent("/a/b", out, sizeof(out));
	assert_string_equal(out, "/a");
	catalog_path_parent("/a", out, sizeof(out));
	assert_string_equal(out, "/");
	assert_int_equal(catalog_type_parse("report"), CATALOG_REPORT);
	assert_string_equal(catalog_type_name(CATALOG_DATASOURCE),
	    "DataSource");
	assert_int_equal(catalog_role_parse("content manager", false),
	    CATALOG_ROLE_CONTENT_MANAGER);
	assert_int_equal(catalog_role_parse("Browser", true), 0);
	assert_true(catalog_role_tasks(CATALOG_ROLE_BROWSER, false) &
	    CATALOG_T_VIEW_FOLDERS);
	assert_false(catalog_role_tasks(CATALOG_ROLE_BROWSER, false) &
	    CATALOG_T_MANAGE_REPORTS);
	assert_false(catalog_role_tasks(CATALOG_ROLE_PUBLISHER, false) &
	    CATALOG_T_VIEW_FOLDERS);
}

static void
add(struct catalog *c, const char *parent, const char *name, int type,
    const char *content)
{
	struct catalog_new	nw = { .parent = parent, .name = name,
	    .type = type, .content = content,
	    .len = content ? strlen(content) : 0 };
	struct rs_err		e;

	if (catalog_item_add(c, &nw, "admin", NULL, &e) == -1)
		fail_msg("add %s/%s: %s", parent, name, e.msg);
}

static void
test_items(void **state)
{
	struct fx		*f = *state;
	struct catalog_item	 it, root, *v;
	struct catalog_new	 dup = { .parent = "/", .name = "sales",
	    .type = CATALOG_FOLDER };
	struct rs_err		 e;
	void			*data;
	size_t			 n, len;

	add(f->c, "/", "Sales", CATALOG_FOLDER, NULL);
	add(f->c, "/", "b.png", CATALOG_RESOURCE, "PNG\0");
	add(f->c, "/Sales", "Q1", CATALOG_REPORT, "<Report/>");
	add(f->c, "/sales", "Inner", CATALOG_FOLDER, NULL);
	add(f->c, "/Sales/Inner", "deep.txt", CATALOG_RESOURCE, "x");
	assert_int_equal(catalog_item_add(f->c, &dup, "admin", NULL, &e), -1);
	assert_int_equal(e.code, RS_E_EXISTS);
	dup.parent = "/Sales/Q1";
	dup.name = "x";
	assert_int_equal(catalog_item_add(f->c, &dup, "admin", NULL, &e), -1);
	assert_int_equal(e.code, RS_E_BADINPUT);
	dup.parent = "/Nowhere";
	assert_int_equal(catalog_item_add(f->c, &dup, "admin", NULL, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	dup.parent = "/";
	dup.name = "../x";
	assert_int_equal(catalog_item_add(f->c, &dup, "admin", NULL, &e), -1);
	assert_int_equal(e.code, RS_E_BADINPUT);

	assert_int_equal(catalog_item_get(f->c, "/", &root, &e), 0);
	assert_int_equal(catalog_item_children(f->c, root.id, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "Sales");	/* folders first */
	assert_string_equal(v[1].name, "b.png");
	assert_int_equal(v[1].size, 3);
	catalog_items_free(v, n);

	assert_int_equal(catalog_item_get(f->c, "/SALES/q1", &it, &e), 0);
	assert_string_equal(it.path, "/Sales/Q1");
	assert_int_equal(it.type, CATALOG_REPORT);
	assert_string_equal(it.created_by, "admin");
	assert_int_equal(catalog_item_content(f->c, it.id, &data, &len, &e),
	    0);
	assert_int_equal(len, 9);
	assert_memory_equal(data, "<Report/>", 9);
	free(data);
	catalog_item_fini(&it);

	/* Rename a folder: the subtree's paths follow. */
	assert_int_equal(catalog_item_get(f->c, "/Sales", &it, &e), 0);
	assert_int_equal(catalog_item_update(f->c, it.id,
	    &(struct catalog_update){ .name = "Revenue", .description = "d" },
	    "bob", &e), 0);
	catalog_item_fini(&it);
	assert_int_equal(catalog_item_get(f->c, "/Revenue/Inner/deep.txt",
	    &it, &e), 0);
	catalog_item_fini(&it);
	assert_int_equal(catalog_item_get(f->c, "/Sales/Q1", &it, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);

	/* Move a folder into another; not into its own subtree. */
	add(f->c, "/", "Archive", CATALOG_FOLDER, NULL);
	assert_int_equal(catalog_item_get(f->c, "/Revenue/Inner", &it, &e), 0);
	assert_int_equal(catalog_item_move(f->c, it.id, "/Archive", "bob",
	    &e), 0);
	catalog_item_fini(&it);
	assert_int_equal(catalog_item_get(f->c, "/Archive/Inner/deep.txt",
	    &it, &e), 0);
	catalog_item_fini(&it);
	assert_int_equal(catalog_item_get(f->c, "/Archive", &it, &e), 0);
	assert_int_equal(catalog_item_move(f->c, it.id, "/Archive/Inner",
	    "bob", &e), -1);
	assert_int_equal(e.code, RS_E_BADINPUT);

	/* Delete takes the subtree; the root stays. */
	assert_int_equal(catalog_item_del(f->c, it.id, &e), 0);
	catalog_item_fini(&it);
	assert_int_equal(catalog_item_get(f->c, "/Archive/Inner/deep.txt",
	    &it, &e), -1);
	assert_int_equal(catalog_item_del(f->c, root.id, &e), -1);
	assert_int_equal(catalog_item_all(f->c, &v, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].path, "/b.png");
	catalog_items_free(v, n);
	catalog_item_fini(&root);
}

/* A built-in user, a Linux user, and a Linux user in some groups. */
#define BUILTIN(n)	(&(struct catalog_subject){ n, CATALOG_PK_BUILTIN_USER, \
			    NULL })
#define LINUX(n, g)	(&(struct catalog_subject){ n, CATALOG_PK_LINUX_USER, \
			    g })

static void
test_policies(void **state)
{
	struct fx		*f = *state;
	struct catalog_item	 a, b;
	struct catalog_policy	*v, one = { "Carol", CATALOG_PK_LINUX_USER,
	    CATALOG_ROLE_BROWSER };
	struct catalog_policy	 pub = { "pubs", CATALOG_PK_LINUX_GROUP,
	    CATALOG_ROLE_PUBLISHER };
	struct rs_err		 e;
	unsigned		 t;
	size_t			 n;
	bool			 inh;
	const char		*groups[] = { "PUBS", NULL };

	add(f->c, "/", "A", CATALOG_FOLDER, NULL);
	add(f->c, "/A", "B", CATALOG_FOLDER, NULL);
	assert_int_equal(catalog_item_get(f->c, "/A", &a, &e), 0);
	assert_int_equal(catalog_item_get(f->c, "/A/B", &b, &e), 0);
	/* Inherited from the root: the built-in admin is Content Manager. */
	assert_int_equal(catalog_policy_get(f->c, b.id, &inh, &v, &n, &e), 0);
	assert_true(inh);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].principal, "Admin");
	assert_int_equal(v[0].kind, CATALOG_PK_BUILTIN_USER);
	catalog_policies_free(v, n);
	assert_int_equal(catalog_item_tasks(f->c, b.id, BUILTIN("ADMIN"), &t,
	    &e), 0);
	assert_true(t & CATALOG_T_SET_SECURITY);
	assert_int_equal(catalog_item_tasks(f->c, b.id, BUILTIN("carol"), &t,
	    &e), 0);
	assert_int_equal(t, 0);

	/* Break inheritance on /A: carol can browse /A and /A/B. */
	assert_int_equal(catalog_policy_set(f->c, a.id, false, &one, 1, &e),
	    0);
	assert_int_equal(catalog_item_tasks(f->c, b.id, LINUX("carol", NULL),
	    &t, &e), 0);
	assert_true(t & CATALOG_T_VIEW_FOLDERS);
	assert_false(t & CATALOG_T_MANAGE_RESOURCES);
	/* ... the Linux user carol, not a built-in account of that name. */
	assert_int_equal(catalog_item_tasks(f->c, b.id, BUILTIN("carol"), &t,
	    &e), 0);
	assert_int_equal(t, 0);
	assert_int_equal(catalog_item_tasks(f->c, b.id, BUILTIN("admin"), &t,
	    &e), 0);
	assert_int_equal(t, 0);
	/* A group principal. */
	assert_int_equal(catalog_policy_set(f->c, b.id, false, &pub, 1, &e),
	    0);
	assert_int_equal(catalog_item_tasks(f->c, b.id, LINUX("dave", groups),
	    &t, &e), 0);
	assert_true(t & CATALOG_T_MANAGE_RESOURCES);
	/* ... which a user named like the group does not hold. */
	assert_int_equal(catalog_item_tasks(f->c, b.id, LINUX("pubs", NULL),
	    &t, &e), 0);
	assert_int_equal(t, 0);
	/* Revert /A to its parent. */
	assert_int_equal(catalog_policy_set(f->c, a.id, true, NULL, 0, &e), 0);
	assert_int_equal(catalog_item_tasks(f->c, a.id, LINUX("carol", NULL),
	    &t, &e), 0);
	assert_int_equal(t, 0);
	assert_int_equal(catalog_policy_get(f->c, a.id, &inh, &v, &n, &e), 0);
	assert_true(inh);
	catalog_policies_free(v, n);
	/* The root cannot inherit; a bad role or kind is refused. */
	assert_int_equal(catalog_policy_set(f->c, a.parent_id, true, NULL, 0,
	    &e), -1);
	one.kind = (enum catalog_pkind)99;
	assert_int_equal(catalog_policy_set(f->c, a.id, false, &one, 1, &e),
	    -1);
	assert_int_equal(e.code, RS_E_BADINPUT);
	one.kind = CATALOG_PK_LINUX_USER;
	one.roles = 0;
	assert_int_equal(catalog_policy_set(f->c, a.id, false, &one, 1, &e),
	    -1);
	assert_int_equal(e.code, RS_E_BADINPUT);
	/* System policy: the built-in admin is System Administrator. */
	assert_int_equal(catalog_system_tasks(f->c, BUILTIN("admin"), &t, &e),
	    0);
	assert_true(t & CATALOG_S_MANAGE_SECURITY);
	assert_int_equal(catalog_system_policy_set(f->c, &pub, 1, &e), -1);
	catalog_item_fini(&a);
	catalog_item_fini(&b);
}

/*
 * Issue 18, item 1: a Unix group named "admin" is not the built-in
 * account "admin", on items or on the system, and a bare name becomes a
 * built-in user only when such an account exists.
 */
static void
test_principal_kinds(void **state)
{
	struct fx		*f = *state;
	struct catalog_item	 root;
	struct catalog_policy	*v;
	struct catalog_policy	 mix[] = {
		{ "admin", CATALOG_PK_BUILTIN_USER, CATALOG_ROLE_CONTENT_MANAGER },
		{ "admin", CATALOG_PK_LINUX_GROUP, CATALOG_ROLE_BROWSER },
		{ "nobody-here", CATALOG_PK_UNSPEC, CATALOG_ROLE_BROWSER },
		{ "ADMIN", CATALOG_PK_UNSPEC, CATALOG_ROLE_PUBLISHER },
	};
	const char		*admin_group[] = { "admin", NULL };
	enum catalog_pkind	 k;
	const char		*name;
	char			 q[64];
	struct rs_err		 e;
	unsigned		 t;
	size_t			 n;
	bool			 inh;

	assert_int_equal(catalog_item_get(f->c, "/", &root, &e), 0);
	/* The attack: a Linux user in group admin holds nothing. */
	assert_int_equal(catalog_item_tasks(f->c, root.id, LINUX("mallory",
	    admin_group), &t, &e), 0);
	assert_int_equal(t, 0);
	assert_int_equal(catalog_system_tasks(f->c, LINUX("mallory",
	    admin_group), &t, &e), 0);
	assert_int_equal(t, 0);
	/* Nor does a Linux user called admin. */
	assert_int_equal(catalog_system_tasks(f->c, LINUX("admin", NULL), &t,
	    &e), 0);
	assert_int_equal(t, 0);
	/* A group and a user of one name are two assignments. */
	assert_int_equal(catalog_policy_set(f->c, root.id, false, mix,
	    nitems(mix), &e), 0);
	assert_int_equal(catalog_policy_get(f->c, root.id, &inh, &v, &n, &e),
	    0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].principal, "admin");
	assert_int_equal(v[0].kind, CATALOG_PK_BUILTIN_USER);
	assert_int_equal(v[0].roles, CATALOG_ROLE_CONTENT_MANAGER |
	    CATALOG_ROLE_PUBLISHER);	/* "ADMIN" resolved to the account */
	assert_int_equal(v[1].kind, CATALOG_PK_LINUX_GROUP);
	assert_int_equal(v[1].roles, CATALOG_ROLE_BROWSER);
	assert_string_equal(v[2].principal, "nobody-here");
	assert_int_equal(v[2].kind, CATALOG_PK_LINUX_USER);
	catalog_principal_format(&v[1], q, sizeof(q));
	assert_string_equal(q, "LinuxGroup\\admin");
	catalog_policies_free(v, n);
	assert_int_equal(catalog_item_tasks(f->c, root.id, LINUX("mallory",
	    admin_group), &t, &e), 0);
	assert_int_equal(t, catalog_role_tasks(CATALOG_ROLE_BROWSER, false));
	/* The qualified form, and a bare one. */
	catalog_principal_parse("linuxgroup\\wheel", &k, &name);
	assert_int_equal(k, CATALOG_PK_LINUX_GROUP);
	assert_string_equal(name, "wheel");
	catalog_principal_parse("DOMAIN\\bob", &k, &name);
	assert_int_equal(k, CATALOG_PK_UNSPEC);
	assert_string_equal(name, "DOMAIN\\bob");
	assert_int_equal(catalog_pkind_parse("BuiltInUser"),
	    CATALOG_PK_BUILTIN_USER);
	assert_int_equal(catalog_pkind_parse("Group"), -1);
	catalog_item_fini(&root);
}

static void
test_users(void **state)
{
	struct fx	*f = *state;
	struct rs_err	 e;
	char		 h[128];

	assert_int_equal(catalog_user_hash(f->c, "ADMIN", h, sizeof(h), &e),
	    0);
	assert_string_equal(h, "$y$hash");
	assert_int_equal(catalog_user_add(f->c, "bob", "$y$b", &e), 0);
	assert_int_equal(catalog_user_add(f->c, "Bob", "$y$c", &e), -1);
	assert_int_equal(e.code, RS_E_EXISTS);
	assert_int_equal(catalog_user_set_hash(f->c, "bob", "$y$d", &e), 0);
	assert_int_equal(catalog_user_hash(f->c, "bob", h, sizeof(h), &e), 0);
	assert_string_equal(h, "$y$d");
	assert_int_equal(catalog_user_hash(f->c, "nobody", h, sizeof(h), &e),
	    -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
}

static void
test_exec_log(void **state)
{
	struct fx		*f = *state;
	struct catalog_exec	 x = { .item_path = "/r", .user = "u",
	    .format = "CSV", .status = "rsSuccess", .time_start = 1,
	    .time_end = 2, .bytes = 10, .rows = 3 };
	struct rs_err		 e;
	int64_t			 n;

	assert_int_equal(catalog_exec_log_count(f->c, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(catalog_exec_log_add(f->c, &x, &e), 0);
	assert_int_equal(catalog_exec_log_add(f->c, &x, &e), 0);
	assert_int_equal(catalog_exec_log_count(f->c, &n, &e), 0);
	assert_int_equal(n, 2);
}

static void
test_exec_log_list(void **state)
{
	struct fx		*f = *state;
	struct catalog_exec	 x = { .item_path = "/a", .user = "u",
	    .format = "CSV", .parameters = "P=1&Q=it's", .status = "rsSuccess",
	    .time_start = 5000, .time_end = 5100, .time_data = 7, .bytes = 10,
	    .rows = 3 };
	struct catalog_exec_row	*v;
	struct rs_err		 e;
	size_t			 n;

	assert_int_equal(catalog_exec_log_list(f->c, 10, &v, &n, &e), 0);
	assert_int_equal(n, 0);
	catalog_exec_rows_free(v, n);
	assert_int_equal(catalog_exec_log_add(f->c, &x, &e), 0);
	x.item_path = "/b";
	x.format = "PDF";
	x.time_start = 9000;
	assert_int_equal(catalog_exec_log_add(f->c, &x, &e), 0);
	x.item_path = "/c";
	x.time_start = 1000;
	x.status = "rsProcessingAborted";
	assert_int_equal(catalog_exec_log_add(f->c, &x, &e), 0);
	assert_int_equal(catalog_exec_log_list(f->c, 0, &v, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].item_path, "/b");	/* newest first */
	assert_string_equal(v[1].item_path, "/a");
	assert_string_equal(v[2].item_path, "/c");
	assert_string_equal(v[1].parameters, "P=1&Q=it's");
	assert_string_equal(v[1].request_type, "Interactive");
	assert_string_equal(v[1].item_action, "Render");
	assert_string_equal(v[1].source, "Live");
	assert_string_equal(v[1].instance, "");
	assert_string_equal(v[2].status, "rsProcessingAborted");
	assert_true(v[1].time_start == 5000 && v[1].time_end == 5100 &&
	    v[1].time_data == 7 && v[1].bytes == 10 && v[1].rows == 3);
	assert_true(v[0].id > v[1].id && v[2].id > v[0].id);
	catalog_exec_rows_free(v, n);
	assert_int_equal(catalog_exec_log_list(f->c, 2, &v, &n, &e), 0);
	assert_int_equal(n, 2);	/* the limit holds */
	assert_string_equal(v[1].item_path, "/a");
	catalog_exec_rows_free(v, n);
	catalog_exec_rows_free(NULL, 0);
}

static void
test_create_twice(void **state)
{
	struct fx		*f = *state;
	struct catalog_info	 info;
	struct rs_err		 e;

	assert_int_equal(catalog_create(&f->dsn, 0, "x", "h", &e), -1);
	assert_int_equal(e.code, RS_E_EXISTS);
	assert_int_equal(catalog_info(f->c, &info, &e), 0);
	assert_int_equal(info.version, CATALOG_SCHEMA_VERSION);
	assert_int_equal(info.items, 1);
	assert_int_equal(info.users, 1);
}

/* Runs sql on the fixture's database behind the catalog's back. */
static void
raw_exec(struct fx *f, const char *sql)
{
	if (f->dsn.postgres) {
		PGconn		*conn = PQconnectdb(pg_conninfo);
		PGresult	*res = PQexec(conn, sql);

		assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
		PQclear(res);
		PQfinish(conn);
	} else {
		sqlite3	*db = NULL;

		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(db);
	}
}

/*
 * Version 3 gives old assignments the kind they meant: the built-in
 * account's name a built-in user; a Unix group here that is no user
 * ("adm" on Debian) a group; a name that is both ("bin") or neither a
 * Linux user.
 */
static void
check_v3_kinds(struct fx *f)
{
	static const struct {
		const char		*name;
		enum catalog_pkind	 kind;
	} want[] = {
		{ "adm", CATALOG_PK_LINUX_GROUP },
		{ "Admin", CATALOG_PK_BUILTIN_USER },
		{ "bin", CATALOG_PK_LINUX_USER },
		{ "ghost", CATALOG_PK_LINUX_USER },
	};
	struct catalog_policy	*v;
	struct rs_err		 e;
	size_t			 n;

	assert_int_equal(catalog_system_policy_get(f->c, &v, &n, &e), 0);
	assert_int_equal(n, nitems(want));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i].principal, want[i].name);
		assert_int_equal(v[i].kind, want[i].kind);
	}
	catalog_policies_free(v, n);
}

static void
upgrade_from_v1(bool pg)
{
	struct fx	*f;
	struct rs_err	 e;
	int		 from, to;
	void		*st;

	setup_any(&st, pg, 1);
	f = st;
	raw_exec(f, "INSERT INTO system_policies VALUES ('adm', 'adm', 2), "
	    "('bin', 'bin', 2), ('ghost', 'ghost', 2)");
	assert_null(catalog_open(&f->dsn, &e));
	assert_int_equal(e.code, RS_E_DB);
	assert_non_null(strstr(e.msg, "rsconfig database upgrade"));
	assert_int_equal(catalog_upgrade(&f->dsn, &from, &to, &e), 0);
	assert_int_equal(from, 1);
	assert_int_equal(to, CATALOG_SCHEMA_VERSION);
	f->c = catalog_open(&f->dsn, &e);
	assert_non_null(f->c);
	check_v3_kinds(f);
	assert_int_equal(catalog_upgrade(&f->dsn, &from, &to, &e), 0);
	assert_int_equal(from, to);
	teardown(&st);
}

static void
test_upgrade_sqlite(void **state)
{
	(void)state;
	upgrade_from_v1(false);
}

static void
test_upgrade_pg(void **state)
{
	(void)state;
	upgrade_from_v1(true);
}

/* A SQLite file deleted or replaced under an open handle is seen. */
static void
test_check_gone(void **state)
{
	struct fx	*f = *state;
	struct rs_err	 e;
	char		 moved[220];

	assert_int_equal(catalog_check(f->c, &e), 0);
	snprintf(moved, sizeof(moved), "%s.moved", f->path);
	assert_int_equal(rename(f->path, moved), 0);
	assert_int_equal(catalog_check(f->c, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	assert_non_null(strstr(e.msg, f->path));
	assert_non_null(strstr(e.msg, "deleted or moved"));
	assert_non_null(strstr(e.msg, CATALOG_CREATE_HINT));
	assert_int_equal(link(moved, f->path), 0);	/* the same file back */
	assert_int_equal(catalog_check(f->c, &e), 0);
	unlink(f->path);
	assert_int_equal(catalog_create(&f->dsn, 0, "x", "$y$h", &e), 0);
	assert_int_equal(catalog_check(f->c, &e), -1);	/* another file */
	assert_non_null(strstr(e.msg, "replaced"));
	unlink(moved);
}

static void
test_bad_files(void **state)
{
	struct catalog_dsn	 d = { false, "/tmp/rs-cat-missing.db" };
	struct rs_err		 e;
	char			 p[] = "/tmp/rs-cat-bad.XXXXXX";
	int			 fd;

	(void)state;
	assert_null(catalog_open(&d, &e));
	assert_int_equal(e.code, RS_E_NOTFOUND);
	assert_non_null(strstr(e.msg, "rsconfig database create"));
	fd = mkstemp(p);
	assert_true(write(fd, "this is not a database, just text....", 37) ==
	    37);
	close(fd);
	d.dsn = p;
	assert_null(catalog_open(&d, &e));
	assert_int_equal(e.code, RS_E_DB);
	assert_non_null(strstr(e.msg, "not a database"));
	unlink(p);
}

/* A writer holding the lock makes a write fail as busy, not corrupt. */
static void
test_locked(void **state)
{
	struct fx		*f = *state;
	sqlite3			*h;
	struct catalog_new	 nw = { .parent = "/", .name = "L",
	    .type = CATALOG_FOLDER };
	struct rs_err		 e;

	catalog_busy_timeout(f->c, 200);
	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "BEGIN EXCLUSIVE", 0, 0, 0), 0);
	assert_int_equal(catalog_item_add(f->c, &nw, "admin", NULL, &e), -1);
	assert_int_equal(e.code, RS_E_BUSY);
	sqlite3_exec(h, "ROLLBACK", 0, 0, 0);
	sqlite3_close(h);
	assert_int_equal(catalog_item_add(f->c, &nw, "admin", NULL, &e), 0);
}

/* Executions: stored, read while they live, owned, updated, purged. */
static void
test_executions(void **state)
{
	struct fx			*f = *state;
	struct catalog_execution	 x = { 0 }, y;
	struct catalog_item		 it;
	struct rs_err			 e;
	int64_t				 n;

	add(f->c, "/", "R", CATALOG_REPORT, "<Report/>");
	assert_int_equal(catalog_item_get(f->c, "/R", &it, &e), 0);
	catalog_execution_id(&x);
	assert_int_equal(strlen(x.id), CATALOG_EXEC_ID_LEN);
	assert_int_equal(strspn(x.id, "abcdefghijklmnopqrstuvwxyz012345"),
	    CATALOG_EXEC_ID_LEN);
	x.user = "bob";
	str_copy(x.item_id, sizeof(x.item_id), it.id);
	x.item_path = "/R";
	x.parameters = "A=1";
	x.created = 1000;
	x.expires = 2000;
	assert_int_equal(catalog_execution_add(f->c, &x, &e), 0);
	assert_int_equal(catalog_execution_get(f->c, x.id, 1500, &y, &e), 0);
	assert_string_equal(y.user, "bob");
	assert_string_equal(y.item_id, it.id);
	assert_string_equal(y.parameters, "A=1");
	assert_null(y.definition);
	catalog_execution_fini(&y);
	assert_int_equal(catalog_execution_get(f->c, x.id, 2001, &y, &e), -1);
	assert_int_equal(e.code, RS_E_NOTFOUND);
	x.parameters = "A=2";
	x.num_pages = 4;
	x.expires = 3000;
	assert_int_equal(catalog_execution_update(f->c, &x, &e), 0);
	assert_int_equal(catalog_execution_get(f->c, x.id, 2500, &y, &e), 0);
	assert_int_equal(y.num_pages, 4);
	assert_string_equal(y.parameters, "A=2");
	catalog_execution_fini(&y);
	/* An ad hoc one keeps its definition; purge removes what expired. */
	catalog_execution_id(&x);
	x.item_id[0] = '\0';
	x.definition = "<Report>x</Report>";
	x.definition_len = 18;
	x.expires = 100;
	assert_int_equal(catalog_execution_add(f->c, &x, &e), 0);
	assert_int_equal(catalog_execution_get(f->c, x.id, 50, &y, &e), 0);
	assert_int_equal(y.definition_len, 18);
	assert_memory_equal(y.definition, "<Report>x</Report>", 18);
	catalog_execution_fini(&y);
	assert_int_equal(catalog_execution_purge(f->c, 500, &n, &e), 0);
	assert_int_equal(n, 1);
	/* Deleting the report ends its executions. */
	assert_int_equal(catalog_item_del(f->c, it.id, &e), 0);
	assert_int_equal(catalog_execution_purge(f->c, 0, &n, &e), 0);
	catalog_item_fini(&it);
}

/* Data source bindings: by id (the path follows moves), definitions. */
static void
test_ds_bindings(void **state)
{
	struct fx			*f = *state;
	struct catalog_ds_binding	 b[2], *v;
	struct catalog_item		 r, ds;
	struct catalog_update		 u = { .has_content = true,
					    .content = "<Report/>", .len = 9 };
	struct rs_err			 e;
	size_t				 n;

	add(f->c, "/", "F", CATALOG_FOLDER, NULL);
	add(f->c, "/", "R", CATALOG_REPORT, "<Report/>");
	add(f->c, "/", "DS", CATALOG_DATASOURCE, "<DataSourceDefinition/>");
	assert_int_equal(catalog_item_get(f->c, "/R", &r, &e), 0);
	assert_int_equal(catalog_item_get(f->c, "/DS", &ds, &e), 0);
	memset(b, 0, sizeof(b));
	b[0].name = "Sales";
	str_copy(b[0].ref_id, sizeof(b[0].ref_id), ds.id);
	b[0].ref_path = "/DS";
	b[1].name = "Inline";
	b[1].definition = "<DataSourceDefinition/>";
	b[1].definition_len = 23;
	assert_int_equal(catalog_ds_binding_set(f->c, r.id, b, 2, "carol",
	    &e), 0);
	assert_int_equal(catalog_item_move(f->c, ds.id, "/F", "admin", &e), 0);
	assert_int_equal(catalog_ds_binding_list(f->c, r.id, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "Inline");
	assert_null(v[0].ref_path);
	assert_int_equal(v[0].definition_len, 23);
	assert_string_equal(v[1].ref_path, "/F/DS");
	catalog_ds_bindings_free(v, n);
	catalog_item_fini(&r);
	assert_int_equal(catalog_item_get(f->c, "/R", &r, &e), 0);
	assert_string_equal(r.modified_by, "carol");
	/* A deleted data source leaves the path it had when bound. */
	assert_int_equal(catalog_item_del(f->c, ds.id, &e), 0);
	assert_int_equal(catalog_ds_binding_list(f->c, r.id, &v, &n, &e), 0);
	assert_string_equal(v[1].ref_id, "");
	assert_string_equal(v[1].ref_path, "/DS");
	catalog_ds_bindings_free(v, n);
	/* A new definition brings its own data sources. */
	assert_int_equal(catalog_item_update(f->c, r.id, &u, "admin", &e), 0);
	assert_int_equal(catalog_ds_binding_list(f->c, r.id, &v, &n, &e), 0);
	assert_int_equal(n, 0);
	catalog_ds_bindings_free(v, n);
	catalog_item_fini(&r);
	catalog_item_fini(&ds);
}

static void
test_props(void **state)
{
	struct fx		*f = *state;
	struct catalog_prop	 p[2] = { { "Owner", "Finance" },
				    { "Color", "red" } }, *v;
	struct catalog_item	 r;
	struct rs_err		 e;
	size_t			 n;

	add(f->c, "/", "R", CATALOG_REPORT, "<Report/>");
	assert_int_equal(catalog_item_get(f->c, "/R", &r, &e), 0);
	assert_int_equal(catalog_prop_set(f->c, r.id, p, 2, &e), 0);
	p[0].name = "OWNER";
	p[0].value = "Sales";
	p[1].value = NULL;
	assert_int_equal(catalog_prop_set(f->c, r.id, p, 2, &e), 0);
	assert_int_equal(catalog_prop_list(f->c, r.id, &v, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "OWNER");
	assert_string_equal(v[0].value, "Sales");
	catalog_props_free(v, n);
	catalog_item_fini(&r);
}

int
main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_upgrade_sqlite),
		cmocka_unit_test_setup_teardown(test_create_twice,
		    setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_items, setup_sqlite,
		    teardown),
		cmocka_unit_test_setup_teardown(test_principal_kinds,
		    setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_policies, setup_sqlite,
		    teardown),
		cmocka_unit_test_setup_teardown(test_users, setup_sqlite,
		    teardown),
		cmocka_unit_test_setup_teardown(test_check_gone, setup_sqlite,
		    teardown),
		cmocka_unit_test_setup_teardown(test_locked, setup_sqlite,
		    teardown),
		cmocka_unit_test_setup_teardown(test_exec_log, setup_sqlite,
		    teardown),
		cmocka_unit_test_setup_teardown(test_exec_log_list,
		    setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_executions, setup_sqlite,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ds_bindings,
		    setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_props, setup_sqlite,
		    teardown),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test(test_upgrade_pg),
		cmocka_unit_test_setup_teardown(test_create_twice, setup_pg,
		    teardown),
		cmocka_unit_test_setup_teardown(test_items, setup_pg,
		    teardown),
		cmocka_unit_test_setup_teardown(test_policies, setup_pg,
		    teardown),
		cmocka_unit_test_setup_teardown(test_principal_kinds, setup_pg,
		    teardown),
		cmocka_unit_test_setup_teardown(test_users, setup_pg,
		    teardown),
		cmocka_unit_test_setup_teardown(test_exec_log, setup_pg,
		    teardown),
		cmocka_unit_test_setup_teardown(test_exec_log_list, setup_pg,
		    teardown),
		cmocka_unit_test_setup_teardown(test_executions, setup_pg,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ds_bindings, setup_pg,
		    teardown),
		cmocka_unit_test_setup_teardown(test_props, setup_pg,
		    teardown),
	};
	int	rc;

	rc = cmocka_run_group_tests_name("catalog_sqlite", sqlite_tests, NULL,
	    NULL);
	pg_conninfo = getenv("RS_TEST_PG");
	if (pg_conninfo != NULL && pg_conninfo[0] != '\0')
		rc |= cmocka_run_group_tests_name("catalog_postgresql",
		    pg_tests, NULL, NULL);
	return rc;
}
