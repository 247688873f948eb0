/*
 * rsrender.c: renders a report definition offline, or only checks it.
 *
 *   rsrender REPORT.rdl --format CSV|XML|HTML5|PDF|EXCELOPENXML --out FILE
 *       [--param NAME=VALUE ...] [--param NAME:isnull=true]
 *       [--datasource NAME=sqlite:PATH|postgres:CONNINFO|enterdata:]
 *       [--dataset REFERENCE=FILE.rsd]   (a shared dataset a report names)
 *       [--devinfo NAME=VALUE ...] [--user NAME] [--log]
 *       [--url /ReportServer?/Folder/Report]   (HTML5: the viewer's links)
 *       [--language de-DE]   (rs:ParameterLanguage: how dates and numbers in
 *                             --param are read)
 *   rsrender --check FILE.rdl|FILE.rds|FILE.rsd
 *
 * A thin front over rdl_check() and render_report(): argument parsing and
 * output only.  --check runs the check the report server runs on every
 * definition it stores (the kind comes from the file name's extension).  --out - writes to standard output.  --log prints the
 * execution-log record as JSON on standard error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl.h"
#include "render/render.h"

#define ARGS_MAX	1000

struct dsmap {
	char			*name;
	struct data_source	 src;
};

struct dsetmap {
	const char		*ref, *file;
};

struct opts {
	const char		*rdl, *format, *out, *user, *url, *lang;
	struct dsetmap		 dsets[ARGS_MAX];
	size_t			 ndsets;
	bool			 check, log;
	struct render_param_in	 params[ARGS_MAX];
	size_t			 nparams;
	struct render_opt	 devinfo[ARGS_MAX];
	size_t			 ndevinfo;
	struct dsmap		 ds[ARGS_MAX];
	size_t			 nds;
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: rsrender REPORT.rdl --format "
	    "CSV|XML|HTML5|PDF|EXCELOPENXML --out FILE\n"
	    "           [--param NAME=VALUE ...] [--param NAME:isnull=true]\n"
	    "           [--datasource NAME=sqlite:PATH|postgres:CONNINFO|"
	    "enterdata:]\n"
	    "           [--dataset REFERENCE=FILE.rsd]\n"
	    "           [--devinfo NAME=VALUE ...] [--user NAME] [--log]\n"
	    "           [--url /ReportServer?/Folder/Report] [--language de-DE]\n"
	    "       rsrender --check FILE.rdl|FILE.rds|FILE.rsd\n"
	    "       rsrender --help | --version\n");
	exit(status);
}

/* The last part of a catalog path: "/Data/Sales" is "Sales". */
static const char *
leaf(const char *path)
{
	const char	*s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* --datasource NAME: the data source's name, or the reference it makes
 * (a shared dataset's data source is known by its reference). */
static int
resolve(void *arg, const struct rdl_datasource *ds, struct data_source *out,
    struct rs_err *e)
{
	const struct opts *o = arg;

	for (size_t i = 0; i < o->nds; i++)
		if (strcmp(o->ds[i].name, ds->name) == 0 ||
		    (ds->reference != NULL && (strcmp(o->ds[i].name,
		    ds->reference) == 0 || strcmp(o->ds[i].name,
		    leaf(ds->reference)) == 0))) {
			*out = o->ds[i].src;
			return 0;
		}
	return render_resolve_default(NULL, ds, out, e);
}

/* --dataset REFERENCE=FILE.rsd: the reference as written or its leaf. */
static int
resolve_dataset(void *arg, const char *ref, struct rdl_definition *out,
    struct rs_err *e)
{
	const struct opts *o = arg;
	char		*xml;
	size_t		 len;
	int		 rv;

	for (size_t i = 0; i < o->ndsets; i++) {
		if (strcmp(o->dsets[i].ref, ref) != 0 &&
		    strcmp(o->dsets[i].ref, leaf(ref)) != 0)
			continue;
		xml = fs_read_file(o->dsets[i].file, RDL_MAX_BYTES, &len, e);
		if (xml == NULL)
			return -1;
		rv = rdl_check(RDL_DATASET, xml, len, leaf(ref), out, e);
		free(xml);
		if (rv == -1)
			rs_err_prefix(e, "%s", o->dsets[i].file);
		return rv;
	}
	return rs_err_set(e, RS_E_NOTFOUND, "shared dataset \"%s\" is not "
	    "given; offline, give --dataset %s=FILE.rsd", ref, leaf(ref));
}

static int
write_fd(void *arg, const void *p, size_t len, struct rs_err *e)
{
	int		 fd = *(int *)arg;
	const char	*s = p;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rs_err_sys(e, RS_E_IO, "cannot write the output");
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static char *
split_eq(char *arg, const char *what)
{
	char		*eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		fprintf(stderr, "rsrender: %s \"%s\" needs NAME=VALUE\n", what,
		    arg);
		exit(64);
	}
	*eq = '\0';
	return eq + 1;
}

static void
add_param(struct opts *o, char *arg)
{
	char		*v = split_eq(arg, "--param"), *colon;
	struct render_param_in *p = &o->params[o->nparams++];

	p->name = arg;
	p->value = v;
	colon = strstr(arg, ":isnull");
	if (colon != NULL && colon[7] == '\0') {
		*colon = '\0';
		p->isnull = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
		if (!p->isnull)
			o->nparams--;
	}
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "param", required_argument, NULL, 'p' },
		{ "datasource", required_argument, NULL, 'd' },
		{ "dataset", required_argument, NULL, 'D' },
		{ "devinfo", required_argument, NULL, 'i' },
		{ "user", required_argument, NULL, 'u' },
		{ "url", required_argument, NULL, 'U' },
		{ "language", required_argument, NULL, 'L' },
		{ "check", no_argument, NULL, 'c' },
		{ "log", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct rs_err	 e;
	char		*v;
	int		 ch;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if ((ch == 'p' && o->nparams >= ARGS_MAX) ||
		    (ch == 'd' && o->nds >= ARGS_MAX) ||
		    (ch == 'D' && o->ndsets >= ARGS_MAX) ||
		    (ch == 'i' && o->ndevinfo >= ARGS_MAX)) {
			fprintf(stderr, "rsrender: too many options\n");
			exit(64);
		}
		switch (ch) {
		case 'f': o->format = optarg; break;
		case 'o': o->out = optarg; break;
		case 'u': o->user = optarg; break;
		case 'U': o->url = optarg; break;
		case 'L': o->lang = optarg; break;
		case 'c': o->check = true; break;
		case 'l': o->log = true; break;
		case 'p': add_param(o, optarg); break;
		case 'D':
			v = split_eq(optarg, "--dataset");
			o->dsets[o->ndsets].ref = optarg;
			o->dsets[o->ndsets++].file = v;
			break;
		case 'i':
			v = split_eq(optarg, "--devinfo");
			o->devinfo[o->ndevinfo].name = optarg;
			o->devinfo[o->ndevinfo++].value = v;
			break;
		case 'd':
			v = split_eq(optarg, "--datasource");
			if (data_source_parse(v, &o->ds[o->nds].src, &e) == -1) {
				fprintf(stderr, "rsrender: --datasource %s: %s\n",
				    optarg, e.msg);
				exit(64);
			}
			o->ds[o->nds++].name = optarg;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			printf("rsrender %s\n", RS_VERSION);
			exit(0);
		default:
			usage(stderr, 64);
		}
	}
	if (optind != argc - 1)
		usage(stderr, 64);
	o->rdl = argv[optind];
	if (!o->check && (o->format == NULL || o->out == NULL))
		usage(stderr, 64);
}

static char *
report_name(const char *path)
{
	char		*copy = xstrdup(path), *base, *name, *dot;

	base = basename(copy);
	name = xstrdup(base);
	dot = strrchr(name, '.');
	if (dot != NULL && dot != name)
		*dot = '\0';
	free(copy);
	return name;
}

static void
print_log(const struct render_log *l)
{
	fprintf(stderr, "{\"Format\":\"%s\",\"TimeStart\":%lld,\"TimeEnd\":%lld,"
	    "\"TimeDataRetrieval\":%lld,\"TimeProcessing\":%lld,"
	    "\"TimeRendering\":%lld,\"RowCount\":%llu,\"ByteCount\":%llu,"
	    "\"Status\":\"%s\"}\n", l->format, (long long)l->time_start,
	    (long long)l->time_end, (long long)l->time_data_ms,
	    (long long)l->time_processing_ms, (long long)l->time_rendering_ms,
	    (unsigned long long)l->rows, (unsigned long long)l->bytes,
	    l->status);
}

static int
render(struct opts *o, struct rdl_report *r, struct rs_err *e)
{
	struct render_request q = {
		.report = r, .format = o->format, .params = o->params,
		.nparams = o->nparams, .devinfo = o->devinfo,
		.ndevinfo = o->ndevinfo, .resolve = resolve, .resolve_arg = o,
		.resolve_dataset = resolve_dataset, .resolve_dataset_arg = o,
		.write = write_fd, .user_id = o->user, .url_base = o->url,
		.param_language = o->lang,
	};
	struct render_log log;
	int		 fd = 1, rv;
	bool		 tostdout = strcmp(o->out, "-") == 0;

	if (render_format_mime(o->format) == NULL)
		return rs_err_set(e, RS_E_USAGE, "format %s is not supported; "
		    "supported: %s", o->format, RENDER_FORMATS);
	if (!tostdout) {
		fd = open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd == -1)
			return rs_err_sys(e, RS_E_IO, "cannot create %s", o->out);
	}
	q.write_arg = &fd;
	rv = render_report(&q, &log, e);
	if (!tostdout && close(fd) == -1 && rv == 0)
		rv = rs_err_sys(e, RS_E_IO, "cannot write %s", o->out);
	if (rv == -1 && !tostdout)
		unlink(o->out);	/* no half-written file left behind */
	if (o->log)
		print_log(&log);
	return rv;
}

/* What --check says about a definition that passed. */
static void
print_check(const char *path, const struct rdl_definition *d)
{
	const struct rdl_report	*r = d->report;

	if (d->kind == RDL_DATASOURCE) {
		printf("%s: definition OK (shared data source, extension %s%s)"
		    "\n", path, d->source->extension, d->source->enabled ? "" :
		    ", disabled");
		return;
	}
	if (d->kind == RDL_DATASET) {
		printf("%s: definition OK (shared dataset %s, data source "
		    "reference %s, %zu fields)\n", path, d->dataset->dataset.name,
		    d->dataset->source.reference, d->dataset->dataset.nfields);
		return;
	}
	printf("%s: definition OK (RDL %d, %zu datasets, %zu parameters)\n",
	    path, r->version, r->ndatasets, r->nparams);
	for (size_t i = 0; i < r->ndatasets; i++)
		if (r->datasets[i].shared_ref != NULL)
			printf("  note: dataset %s reads the shared dataset %s; "
			    "offline, give --dataset %s=FILE.rsd\n",
			    r->datasets[i].name, r->datasets[i].shared_ref,
			    leaf(r->datasets[i].shared_ref));
	for (size_t i = 0; i < r->ndatasources; i++) {
		const struct rdl_datasource *ds = &r->datasources[i];

		if (ds->reference != NULL)
			printf("  note: data source %s refers to the shared data "
			    "source %s; offline, give --datasource %s=...\n",
			    ds->name, ds->reference, ds->name);
		else if (data_extension_kind(ds->provider, NULL) == -1)
			printf("  note: data source %s uses DataProvider %s, which "
			    "the report server cannot connect to (supported: "
			    DATA_EXTENSIONS "); offline, give --datasource "
			    "%s=...\n", ds->name, ds->provider, ds->name);
	}
}

int
main(int argc, char **argv)
{
	struct opts	*o = xcalloc(1, sizeof(*o));
	struct rdl_definition d = { 0 };
	struct rs_err	 e;
	enum rdl_kind	 kind;
	char		*xml, *name;
	size_t		 len;
	int		 rv = 1;

	log_init("rsrender");
	rs_err_clear(&e);
	parse_args(argc, argv, o);
	kind = rdl_kind_of_name(o->rdl);
	if (!o->check && kind != RDL_REPORT) {
		fprintf(stderr, "rsrender: %s is a %s, not a report; only "
		    "--check reads it\n", o->rdl, rdl_kind_name(kind));
		free(o);
		return 64;
	}
	xml = fs_read_file(o->rdl, RDL_MAX_BYTES, &len, &e);
	if (xml == NULL)
		goto out;
	name = report_name(o->rdl);
	rv = rdl_check(kind, xml, len, name, &d, &e);
	free(name);
	free(xml);
	if (rv == -1) {
		rs_err_prefix(&e, "%s", o->rdl);
		goto out;
	}
	if (o->check) {
		print_check(o->rdl, &d);
		rv = 0;
		goto out;
	}
	rv = render(o, d.report, &e) == 0 ? 0 : 1;
out:
	if (e.code != RS_E_OK) {
		fprintf(stderr, "rsrender: %s\n", e.msg);
		rv = rs_err_exit_status(e.code);
	}
	rdl_definition_fini(&d);
	free(o);
	return rv;
}
