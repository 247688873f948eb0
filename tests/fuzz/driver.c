/*
 * driver.c: the replay runner that "make test" links with each fuzz
 * target instead of libFuzzer, so the seed corpus and every input that
 * once crashed go through the target on each run, built by gcc with
 * ASan+UBSan, in a few seconds and without clang.
 *
 *   test_fuzz_<name>            replays tests/fuzz/corpus/<name>/ and
 *                               tests/fuzz/regress/<name>/ (under $RS_SRC,
 *                               else the current folder), and
 *                               $RS_TEST_BUILD/fuzz-seeds/<name>/ when the
 *                               build generated seeds there;
 *   test_fuzz_<name> PATH...    replays the given files and folders.
 *
 * It prints TAP, one line per folder ("ok 1 - urlres corpus: 57 inputs").
 * An input that crashes ends the process through the sanitizer; the
 * death callback (and a SIGABRT handler, for abort() and failed
 * invariants) first names the input, so the failure says which file to
 * look at.  The target's name is taken from the program's name.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/fsutil.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

#define REPLAY_FILE_MAX	(4u << 20)	/* larger inputs are refused */
#define REPLAY_DIR_MAX	100000		/* files in one folder */
#define REPLAY_PATH_MAX	4096

/* The input being replayed, for the death callback. */
static char	 current[REPLAY_PATH_MAX];

/* Called by the sanitizer, or on SIGABRT, just before the process dies. */
static void
say_current(void)
{
	static const char	pre[] = "not ok - input crashed: ";
	static const char	at_exit[] = "not ok - sanitizer report at "
	    "exit (a leak: replay the folders' files one by one to find it)\n";
	ssize_t			rv;

	/* Only async-signal-safe calls: this can run in a signal handler. */
	if (current[0] == '\0') {
		rv = write(STDOUT_FILENO, at_exit, sizeof(at_exit) - 1);
		(void)rv;
		return;
	}
	rv = write(STDOUT_FILENO, pre, sizeof(pre) - 1);
	rv = write(STDOUT_FILENO, current, strlen(current));
	rv = write(STDOUT_FILENO, "\n", 1);
	(void)rv;
}

static void
on_abort(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Replays one file.  Returns 0, or -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	struct rs_err	 e;
	size_t		 len;
	char		*data;

	data = fs_read_file(path, REPLAY_FILE_MAX, &len, &e);
	if (data == NULL) {
		printf("# %s\n", e.msg);
		return -1;
	}
	snprintf(current, sizeof(current), "%s", path);
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	current[0] = '\0';
	free(data);
	return 0;
}

static int
visible(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/*
 * Replays every regular file of dir, in name order (so a run is
 * repeatable).  *n gets the count.  Returns 0, 1 when dir does not exist,
 * -1 on an error.
 */
static int
replay_dir(const char *dir, size_t *n)
{
	struct dirent	**names;
	char		  path[REPLAY_PATH_MAX];
	int		  count, rv = 0;

	*n = 0;
	count = scandir(dir, &names, visible, alphasort);
	if (count < 0)
		return errno == ENOENT ? 1 : -1;
	for (int i = 0; i < count; i++) {
		struct stat	st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (i < REPLAY_DIR_MAX && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			if (replay_file(path) == -1)
				rv = -1;
			(*n)++;
		}
		free(names[i]);
	}
	free(names);
	return rv;
}

/* Replays a file or a folder given on the command line. */
static int
replay_arg(const char *path, size_t *n)
{
	struct stat	st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return replay_dir(path, n);
	*n = 1;
	return replay_file(path);
}

/* The default folders of a target.  Returns the number of TAP lines. */
static int
replay_default(const char *name, int *failed)
{
	const char	*src = getenv("RS_SRC");
	const char	*build = getenv("RS_TEST_BUILD");
	char		 dir[REPLAY_PATH_MAX];
	size_t		 n;
	int		 rv, t = 0;

	if (src == NULL)
		src = ".";
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", src, name);
	rv = replay_dir(dir, &n);
	*failed += rv != 0 || n == 0;
	printf("%sok %d - fuzz %s corpus: %zu inputs%s\n",
	    rv != 0 || n == 0 ? "not " : "", ++t, name, n,
	    rv == 1 ? " (no such folder)" : "");
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/regress/%s", src, name);
	rv = replay_dir(dir, &n);
	*failed += rv == -1;
	printf("%sok %d - fuzz %s regression inputs: %zu inputs\n",
	    rv == -1 ? "not " : "", ++t, name, n);
	if (build == NULL)
		return t;
	snprintf(dir, sizeof(dir), "%s/fuzz-seeds/%s", build, name);
	rv = replay_dir(dir, &n);
	if (rv == 1)
		return t;
	*failed += rv == -1 || n == 0;
	printf("%sok %d - fuzz %s generated seeds: %zu inputs\n",
	    rv == -1 || n == 0 ? "not " : "", ++t, name, n);
	return t;
}

int
main(int argc, char **argv)
{
	const char	*base = strrchr(argv[0], '/');
	const char	*name;
	int		 failed = 0, t = 0;
	size_t		 n;

	base = base != NULL ? base + 1 : argv[0];
	name = strncmp(base, "test_fuzz_", 10) == 0 ? base + 10 : base;
	setvbuf(stdout, NULL, _IOLBF, 0);
#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_set_death_callback(say_current);
#endif
	signal(SIGABRT, on_abort);
	if (argc < 2)
		t = replay_default(name, &failed);
	for (int i = 1; i < argc; i++) {
		int rv = replay_arg(argv[i], &n);

		failed += rv != 0;
		printf("%sok %d - fuzz %s %s: %zu inputs\n", rv != 0 ? "not " :
		    "", ++t, name, argv[i], n);
	}
	printf("1..%d\n", t);
	return failed > 0;
}
