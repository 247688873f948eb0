/*
 * cmd_verify.c: 'rsconfig verify URL', the seed's "select the URL to
 * verify it works": connects as a browser would (trusting the state
 * root's Root store, plus --cafile), shows the certificate served and
 * the verdict on it, the HTTP status, and on 401 asks for credentials
 * when a terminal is there (else says how to give them).  Exits non-zero
 * when anything is wrong, each problem on its own line.
 */
#include "rsconfig/cmd.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/root.h"
#include "common/str.h"
#include "tlsprobe/tlsprobe.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define CRED_MAX	1024

/* Reads one line from the terminal, without echo when secret. */
static int
ask(const char *prompt, bool secret, char *out, size_t sz)
{
	struct termios	old, raw;
	FILE		*tty = fopen("/dev/tty", "r+e");
	bool		 ok;

	if (tty == NULL)
		return -1;
	/*
	 * Echo goes off before the prompt is shown: whatever is typed after
	 * the prompt is neither echoed nor discarded by the mode change.
	 */
	secret = secret && tcgetattr(fileno(tty), &old) == 0;
	if (secret) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &raw);
	}
	fprintf(tty, "%s", prompt);
	fflush(tty);
	ok = fgets(out, (int)sz, tty) != NULL;
	if (secret) {
		tcsetattr(fileno(tty), TCSANOW, &old);
		fprintf(tty, "\n");
	}
	fclose(tty);
	out[strcspn(out, "\r\n")] = '\0';
	return ok ? 0 : -1;
}

static char *
read_pw(const struct popts *p, size_t *len, struct rs_err *e)
{
	char	*pw;

	pw = p->pw_stdin ? fs_read_fd(0, CRED_MAX, len, "standard input", e) :
	    fs_read_file(p->pw_file, CRED_MAX, len, e);
	if (pw == NULL)
		return NULL;
	while (*len > 0 && (pw[*len - 1] == '\n' || pw[*len - 1] == '\r'))
		pw[--*len] = '\0';
	return pw;
}

static void
show_tls(const struct tlsprobe_result *r)
{
	char	when[32];

	printf("  Connected to %s port %u, %s (%s)\n", r->address, r->port,
	    r->tls_version, r->cipher);
	pout_time(r->not_after, when, sizeof(when));
	printf("  Certificate:   %s\n", r->subject);
	printf("    Names:       %s\n", r->names[0] ? r->names : "(none)");
	printf("    Thumbprint:  %s\n", r->thumbprint);
	printf("    Issuer:      %s\n", r->issuer);
	printf("    Expires:     %s (%ld days)\n", when, r->days_left);
	printf("    Trusted:     %s%s\n", r->trusted ? "yes (chains to a "
	    "trusted root: Root or --cafile)" : "NO: ", r->trusted ? "" :
	    r->trust_reason);
	printf("    Host name:   %s %s\n", r->host, r->name_ok ? "is one of "
	    "its names" : "is NOT one of its names");
}

static void	say(FILE *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* fprintf to f, or nothing when f is NULL. */
static void
say(FILE *f, const char *fmt, ...)
{
	va_list	ap;

	if (f == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

/*
 * How to trust the certificate: a self-signed one of this machine's My
 * store goes into Root itself; else the CA that issued it does.
 */
static void
say_untrusted(FILE *f, const struct popts *p, const struct tlsprobe_result *r)
{
	char	mine[RS_PATH_MAX], rel[80];

	snprintf(rel, sizeof(rel), "certstore/My/%s.crt", r->thumbprint);
	if (strcmp(r->subject, r->issuer) == 0 && rs_root_path(p->root, rel,
	    mine, sizeof(mine), NULL) == 0 && fs_exists(mine))
		say(f, "  problem: the certificate is not trusted (%s); put it "
		    "into Root: 'certstore export %s --cert %s.crt' then "
		    "'certstore import %s.crt --store Root'\n",
		    r->trust_reason, r->thumbprint, r->thumbprint,
		    r->thumbprint);
	else
		say(f, "  problem: the certificate is not trusted (%s); put the "
		    "certificate of the CA that issued it (%s) into Root: "
		    "'certstore import CA.crt --store Root', or give '--cafile "
		    "CA.crt'\n", r->trust_reason, r->issuer);
}

/* Prints each problem to f (may be NULL); returns how many. */
static int
problems(const struct popts *p, const struct tlsprobe_result *r, bool asked,
    FILE *f)
{
	int	n = 0;

	if (r->https && !r->trusted) {
		n++;
		say_untrusted(f, p, r);
	}
	if (r->https && !r->name_ok) {
		n++;
		say(f, "  problem: %s is not a name of the certificate (%s); "
		    "browse to one of its names or bind a certificate issued "
		    "to %s\n", r->host, r->names, r->host);
	}
	if (r->https && r->days_left < 0) {
		n++;
		say(f, "  problem: the certificate has expired\n");
	}
	if (r->client_cert_requested) {
		n++;
		say(f, "  problem: the server asked for a client certificate; "
		    "client certificates are not supported\n");
	}
	if (r->status == 401) {
		n++;
		say(f, "  problem: the server asks for credentials (%s)%s\n",
		    r->www_authenticate, asked ? ": they were refused" :
		    "; give '--user NAME --password-file FILE'");
	} else if (r->status >= 400 || r->status < 100) {
		n++;
		say(f, "  problem: HTTP status %d %s\n", r->status, r->reason);
	}
	return n;
}

static void
verify_json(const struct tlsprobe_result *r, int nproblems, const char *err)
{
	struct buf	b;
	char		when[32];

	pout_time(r->not_after, when, sizeof(when));
	buf_init(&b, 0);
	(void)buf_printf(&b, NULL, "{\"OK\":%s,\"Problems\":%d,\"Error\":",
	    nproblems == 0 && err == NULL ? "true" : "false", nproblems);
	(void)buf_json_str(&b, err != NULL ? err : "", NULL);
	(void)buf_printf(&b, NULL, ",\"HTTPS\":%s,\"Address\":\"%s\","
	    "\"Port\":%u,\"TLSVersion\":\"%s\",\"Subject\":", r->https ?
	    "true" : "false", r->address, r->port, r->tls_version);
	(void)buf_json_str(&b, r->subject, NULL);
	(void)buf_puts(&b, ",\"Issuer\":", NULL);
	(void)buf_json_str(&b, r->issuer, NULL);
	(void)buf_puts(&b, ",\"Names\":", NULL);
	(void)buf_json_str(&b, r->names, NULL);
	(void)buf_printf(&b, NULL, ",\"Thumbprint\":\"%s\",\"NotAfter\":\"%s\","
	    "\"DaysLeft\":%ld,\"Trusted\":%s,\"TrustReason\":", r->thumbprint,
	    when, r->days_left, r->trusted ? "true" : "false");
	(void)buf_json_str(&b, r->trust_reason, NULL);
	(void)buf_printf(&b, NULL, ",\"NameMatches\":%s,"
	    "\"ClientCertificateRequested\":%s,\"Status\":%d,"
	    "\"WWWAuthenticate\":", r->name_ok ? "true" : "false",
	    r->client_cert_requested ? "true" : "false", r->status);
	(void)buf_json_str(&b, r->www_authenticate, NULL);
	printf("%s}\n", b.data);
	buf_fini(&b);
}

/*
 * --cafile must be a readable file with a PEM certificate in it: a file
 * that is not there must not be ignored, or the verdict would be
 * "not trusted" for the wrong reason.
 */
static int
cafile_ok(const char *path, struct rs_err *e)
{
	char	*text;
	size_t	 len = 0;
	bool	 pem;

	text = fs_read_file(path, 16 * 1024 * 1024, &len, e);
	if (text == NULL) {
		rs_err_prefix(e, "cannot use --cafile %s", path);
		return -1;
	}
	pem = strstr(text, "-----BEGIN CERTIFICATE-----") != NULL;
	free(text);
	if (!pem)
		return rs_err_set(e, RS_E_BADINPUT, "cannot use --cafile %s: it "
		    "holds no PEM certificate (-----BEGIN CERTIFICATE-----); "
		    "give the certificate of the CA that issued the server's "
		    "certificate in PEM ('certstore export THUMBPRINT --cert "
		    "FILE' writes one from the store)", path);
	return 0;
}

static int
probe(const struct popts *p, struct tlsprobe_opts *o,
    struct tlsprobe_result *r, struct rs_err *e)
{
	char	rootdir[RS_PATH_MAX];

	if (rs_root_path(p->root, "certstore/Root", rootdir, sizeof(rootdir),
	    e) == -1)
		return -1;
	o->root_dir = rootdir;
	return tlsprobe_run(o, r, e);
}

int
cmd_verify(struct popts *p)
{
	struct tlsprobe_opts	o = { 0 };
	struct tlsprobe_result	r;
	struct rs_err		e;
	char			user[CRED_MAX] = "", *pw = NULL, typed[CRED_MAX];
	size_t			len = 0;
	bool			asked = false;
	int			rc, n;

	if (p->nwords != 2) {
		fprintf(stderr, "rsconfig: verify needs one URL\n");
		return 64;
	}
	if (p->cafile != NULL && cafile_ok(p->cafile, &e) == -1) {
		fprintf(stderr, "rsconfig: %s\n", e.msg);
		return rs_err_exit_status(e.code);
	}
	o.url = p->words[1];
	o.cafile = p->cafile;
	o.connect_to = p->connect_to;
	if (p->user != NULL) {
		if (p->pw_stdin == (p->pw_file != NULL)) {
			fprintf(stderr, "rsconfig: --user needs --password-file "
			    "F or --password-stdin\n");
			return 64;
		}
		if ((pw = read_pw(p, &len, &e)) == NULL) {
			fprintf(stderr, "rsconfig: %s\n", e.msg);
			return rs_err_exit_status(e.code);
		}
		o.user = p->user;
		o.password = pw;
	}
	rc = probe(p, &o, &r, &e);
	if (rc == 0 && r.status == 401 && o.user == NULL && !p->json &&
	    isatty(0) && ask("User name: ", false, user, sizeof(user)) == 0 &&
	    ask("Password: ", true, typed, sizeof(typed)) == 0) {
		o.user = user;
		o.password = typed;
		asked = true;
		rc = probe(p, &o, &r, &e);
		memset(typed, 0, sizeof(typed));
	}
	if (pw != NULL)
		fs_free_secret(pw, len);
	if (p->json) {
		n = rc == 0 ? problems(p, &r, asked, NULL) : 1;
		verify_json(&r, n, rc == 0 ? NULL : e.msg);
		return n == 0 ? 0 : 1;
	}
	printf("Verifying %s\n", o.url);
	if (r.https && r.thumbprint[0] != '\0')
		show_tls(&r);
	if (rc == -1) {
		if (r.client_cert_requested)
			printf("  problem: the server asked for a client "
			    "certificate; client certificates are not "
			    "supported\n");
		printf("  problem: %s\n", e.msg);
		printf("Result: FAILED\n");
		return 1;
	}
	printf("  HTTP status:   %d %s%s%s\n", r.status, r.reason,
	    r.location[0] ? " -> " : "", r.location);
	n = problems(p, &r, asked || p->user != NULL, stdout);
	printf("Result: %s\n", n == 0 ? "OK" : "FAILED");
	return n == 0 ? 0 : 1;
}
