/*
 * pgdump.c: backups of a PostgreSQL catalog with PostgreSQL's own tools
 * (rsconfig database backup and restore).  pg_dump writes the custom
 * format; pg_restore --list checks such a file; pg_restore puts it back
 * in one transaction (--single-transaction --exit-on-error: all of it or
 * nothing), dropping the objects it replaces (--clean --if-exists).
 * The connection goes to the tools in the PG* environment variables made
 * from the conninfo (PQconninfoParse gives each keyword's variable), never
 * on their command line, where other users of the machine would see a
 * password; only the database name is an argument, as pg_restore needs.
 */
#include "catalog/catalog.h"
#include "common/str.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ERR_MAX	1024

/* Sets the PG* variables of conninfo (in the child); the database name. */
static int
pg_env(const char *conninfo, char *db, size_t dbsz)
{
	PQconninfoOption	*opts, *o;
	char			*err = NULL;

	db[0] = '\0';
	opts = PQconninfoParse(conninfo, &err);
	if (opts == NULL) {
		PQfreemem(err);
		return -1;
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || o->envvar == NULL)
			continue;
		if (strcmp(o->keyword, "dbname") == 0)
			str_copy(db, dbsz, o->val);
		(void)setenv(o->envvar, o->val, 1);
	}
	if (db[0] == '\0')
		for (o = opts; o->keyword != NULL; o++)
			if (strcmp(o->keyword, "user") == 0 && o->val != NULL)
				str_copy(db, dbsz, o->val);
	PQconninfoFree(opts);
	return 0;
}

/*
 * Runs a PostgreSQL tool with argv (argv[1] may be "-d" then the name of
 * conninfo's database, filled here); its standard error is the message.
 */
static int
run_tool(char **argv, int dbarg, const char *conninfo, const char *what,
    struct rs_err *e)
{
	char	 msg[ERR_MAX] = "", db[256] = "";
	size_t	 len = 0;
	int	 p[2], st;
	pid_t	 pid;
	ssize_t	 n;

	if (conninfo != NULL) {
		PQconninfoOption *o = PQconninfoParse(conninfo, NULL);
		if (o == NULL)
			return rs_err_set(e, RS_E_CONFIG, "the catalog's "
			    "PostgreSQL connection string cannot be parsed");
		PQconninfoFree(o);
	}
	if (pipe2(p, O_CLOEXEC) == -1)
		return rs_err_sys(e, RS_E_IO, "cannot run %s", argv[0]);
	pid = fork();
	if (pid == -1) {
		close(p[0]);
		close(p[1]);
		return rs_err_sys(e, RS_E_IO, "cannot run %s", argv[0]);
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (conninfo != NULL && pg_env(conninfo, db, sizeof(db)) == 0 &&
		    dbarg > 0)
			argv[dbarg] = db;
		if (null != -1) {
			dup2(null, 0);
			dup2(null, 1);
		}
		dup2(p[1], 2);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	while (len < sizeof(msg) - 1 && (n = read(p[0], msg + len,
	    sizeof(msg) - 1 - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	msg[len] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return rs_err_sys(e, RS_E_IO, "cannot wait for %s",
			    argv[0]);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	msg[strcspn(msg, "\n")] = '\0';
	return rs_err_set(e, WIFEXITED(st) && WEXITSTATUS(st) == 127 ?
	    RS_E_NOTFOUND : RS_E_DB, "%s failed: %s", what, msg[0] != '\0' ?
	    msg : "no message");
}

int
catalog_pg_dump(const char *conninfo, const char *out, struct rs_err *e)
{
	char	file[4200];
	char	*argv[] = { "pg_dump", "--format=custom", "--no-owner",
		    "--no-privileges", file, NULL };

	snprintf(file, sizeof(file), "--file=%s", out);
	return run_tool(argv, 0, conninfo, "pg_dump", e);
}

int
catalog_pg_dump_check(const char *path, struct rs_err *e)
{
	char	*argv[] = { "pg_restore", "--list", (char *)path, NULL };

	return run_tool(argv, 0, NULL, "pg_restore --list", e);
}

int
catalog_pg_restore(const char *conninfo, const char *path, struct rs_err *e)
{
	char	*argv[] = { "pg_restore", "-d", "", "--clean", "--if-exists",
		    "--no-owner", "--no-privileges", "--single-transaction",
		    "--exit-on-error", (char *)path, NULL };

	return run_tool(argv, 2, conninfo, "pg_restore", e);
}
