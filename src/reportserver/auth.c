/*
 * auth.c: sign-in with HTTP Basic.  Built-in accounts are checked against
 * their yescrypt hash in the catalog; other names go to PAM (service name
 * from the config, "reportserver" by default) when PAM is enabled, as
 * Windows accounts are in the original.  Failures are counted per source
 * address: after SlowdownAfter failures each answer is delayed a little
 * more, after LockoutThreshold the source is locked out for
 * LockoutMinutes.  Every failure and lockout is logged, without the
 * password.
 */
#include "reportserver/rs_int.h"
#include "reportserver/pam_broker.h"
#include "reportserver/passwd.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <crypt.h>
#include <grp.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#define AUTH_HEADER_MAX	4096
#define DELAY_MAX_S	5

struct creds {
	char	user[CATALOG_NAME_MAX + 1];
	char	pass[RS_PASSWD_MAX + 1];
};

/* Splits "Basic base64(user:pass)"; strips a DOMAIN\ prefix. */
static int
parse_basic(const char *h, struct creds *c)
{
	uint8_t	 raw[AUTH_HEADER_MAX];
	long	 n;
	char	*colon, *user;

	if (h == NULL || !str_has_iprefix(h, "Basic ") ||
	    strlen(h) > AUTH_HEADER_MAX)
		return -1;
	n = str_base64_decode(h + 6, strlen(h + 6), raw, sizeof(raw) - 1);
	if (n <= 0)
		return -1;
	raw[n] = '\0';
	if (memchr(raw, '\0', (size_t)n) != NULL)
		return -1;
	colon = strchr((char *)raw, ':');
	if (colon == NULL)
		return -1;
	*colon = '\0';
	user = strrchr((char *)raw, '\\');
	user = user != NULL ? user + 1 : (char *)raw;
	if (str_copy(c->user, sizeof(c->user), user) == -1 ||
	    str_copy(c->pass, sizeof(c->pass), colon + 1) == -1 ||
	    c->user[0] == '\0') {
		explicit_bzero(raw, sizeof(raw));
		return -1;
	}
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

struct pam_pw {
	const char	*pw;
};

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	struct pam_pw		*p = arg;
	struct pam_response	*r;

	if (n <= 0 || n > 32)
		return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(p->pw);
	*resp = r;
	return PAM_SUCCESS;
}

/* Our own slowdown replaces PAM's fixed failure delay. */
static void
no_delay(int status, unsigned delay, void *arg)
{
	(void)status;
	(void)delay;
	(void)arg;
}

bool
rs_pam_local(const char *service, const char *user, const char *pw)
{
	struct pam_pw	 p = { pw };
	struct pam_conv	 c = { conv, &p };
	pam_handle_t	*h = NULL;
	int		 rc;

	rc = pam_start(service, user, &c, &h);
	if (rc == PAM_SUCCESS)
		(void)pam_set_item(h, PAM_FAIL_DELAY, (const void *)no_delay);
	if (rc == PAM_SUCCESS)
		rc = pam_authenticate(h, PAM_SILENT |
		    PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(h, PAM_SILENT);
	if (h != NULL)
		pam_end(h, rc);
	return rc == PAM_SUCCESS;
}

/*
 * PAM is serialised: not every module is safe to run in parallel.  Run as
 * its service account, the report server asks the broker rsconfig started
 * (pam_broker.h) instead of calling PAM itself.
 */
static bool
pam_check(struct rs_server *s, const char *user, const char *pw)
{
	bool	ok;

	pthread_mutex_lock(&s->pam_mu);
	if (s->pam_fd >= 0)
		ok = rs_pam_ask(s->pam_fd, &s->pam_seq, user, pw);
	else
		ok = rs_pam_local(s->conf->pam_service, user, pw);
	pthread_mutex_unlock(&s->pam_mu);
	return ok;
}

/* The Unix groups of a PAM user, as extra principals. */
void
rs_unix_groups(const char *user, struct rsuser *u)
{
	struct passwd	 pw, *pp = NULL;
	char		 sbuf[4096];
	gid_t		 gids[RS_GROUPS_MAX];
	int		 n = RS_GROUPS_MAX, k = 0;

	if (getpwnam_r(user, &pw, sbuf, sizeof(sbuf), &pp) != 0 || pp == NULL)
		return;
	if (getgrouplist(user, pw.pw_gid, gids, &n) == -1)
		n = RS_GROUPS_MAX;
	for (int i = 0; i < n && k < RS_GROUPS_MAX; i++) {
		struct group	 g, *gp = NULL;
		char		 gbuf[8192];

		if (getgrgid_r(gids[i], &g, gbuf, sizeof(gbuf), &gp) == 0 &&
		    gp != NULL)
			u->groups[k++] = xstrdup(g.gr_name);
	}
}

static const char salt_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./";

/* The cache's keyed hash of a password into out; false on failure. */
static bool
cred_check(struct rs_server *s, const char *pw, char *out, size_t n)
{
	struct crypt_data	*cd = xcalloc(1, sizeof(*cd));
	const char		*h;
	bool			 ok;

	pthread_mutex_lock(&s->auth_mu);
	if (s->cred_salt[0] == '\0') {
		uint8_t	r[16];
		char	tail[17];

		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			abort();	/* no entropy: nothing safe to do */
		for (int i = 0; i < 16; i++)
			tail[i] = salt_chars[r[i] % 64];
		tail[16] = '\0';
		snprintf(s->cred_salt, sizeof(s->cred_salt),
		    "$5$rounds=1000$%s", tail);
	}
	pthread_mutex_unlock(&s->auth_mu);
	h = crypt_r(pw, s->cred_salt, cd);
	ok = h != NULL && h[0] == '$' && str_copy(out, n, h) == 0;
	fs_free_secret(cd, sizeof(*cd));
	return ok;
}

/* Finds a fresh cached sign-in of user with this password. */
static bool
cred_lookup(struct rs_server *s, const char *user, const char *check,
    bool *builtin)
{
	time_t	now = time(NULL);
	bool	hit = false;

	pthread_mutex_lock(&s->auth_mu);
	for (size_t i = 0; i < RS_CREDS_MAX && !hit; i++) {
		struct rs_cred	*c = &s->creds[i];

		if (c->expires > now && strcmp(c->user, user) == 0 &&
		    strcmp(c->check, check) == 0) {
			hit = true;
			*builtin = c->builtin;
		}
	}
	pthread_mutex_unlock(&s->auth_mu);
	return hit;
}

static void
cred_store(struct rs_server *s, const char *user, const char *check,
    bool builtin)
{
	struct rs_cred	*slot = &s->creds[0];
	time_t		 now = time(NULL);

	pthread_mutex_lock(&s->auth_mu);
	for (size_t i = 0; i < RS_CREDS_MAX; i++) {
		if (strcmp(s->creds[i].user, user) == 0) {
			slot = &s->creds[i];
			break;
		}
		if (s->creds[i].expires < slot->expires)
			slot = &s->creds[i];
	}
	str_copy(slot->user, sizeof(slot->user), user);
	str_copy(slot->check, sizeof(slot->check), check);
	slot->builtin = builtin;
	slot->expires = now + RS_CRED_TTL_S;
	pthread_mutex_unlock(&s->auth_mu);
}

/* 1: good, 0: bad credentials, -1: database error (e). */
static int
verify(struct rs_server *s, struct catalog *cat, const struct creds *c,
    struct rsuser *u, struct rs_err *e)
{
	char	hash[RS_PASSWD_HASH_MAX];

	memset(u, 0, sizeof(*u));
	if (s->conf->src_builtin) {
		if (catalog_user_hash(cat, c->user, hash, sizeof(hash), e) ==
		    0) {
			if (!rs_passwd_verify(c->pass, hash))
				return 0;
			str_copy(u->name, sizeof(u->name), c->user);
			u->builtin = true;
			return 1;
		}
		if (e->code != RS_E_NOTFOUND)
			return -1;
	}
	if (!s->conf->src_pam || !pam_check(s, c->user, c->pass))
		return 0;
	str_copy(u->name, sizeof(u->name), c->user);
	rs_unix_groups(c->user, u);
	return 1;
}

/* verify() behind the cache of recent sign-ins. */
static int
fast_verify(struct rs_server *s, struct catalog *cat, const struct creds *c,
    struct rsuser *u, struct rs_err *e)
{
	char	check[128];
	bool	builtin = false, have;
	int	ok;

	have = cred_check(s, c->pass, check, sizeof(check));
	if (have && cred_lookup(s, c->user, check, &builtin)) {
		memset(u, 0, sizeof(*u));
		str_copy(u->name, sizeof(u->name), c->user);
		u->builtin = builtin;
		if (!builtin)
			rs_unix_groups(c->user, u);
		explicit_bzero(check, sizeof(check));
		return 1;
	}
	ok = verify(s, cat, c, u, e);
	if (ok == 1 && have)
		cred_store(s, c->user, check, u->builtin);
	explicit_bzero(check, sizeof(check));
	return ok;
}

static struct rs_failure *
find_source(struct rs_server *s, const char *src, bool add)
{
	struct rs_failure	*old = &s->failures[0];

	for (size_t i = 0; i < RS_AUTH_SOURCES_MAX; i++) {
		struct rs_failure	*f = &s->failures[i];

		if (strcmp(f->source, src) == 0)
			return f;
		if (f->last < old->last)
			old = f;
	}
	if (!add)
		return NULL;
	memset(old, 0, sizeof(*old));
	str_copy(old->source, sizeof(old->source), src);
	return old;
}

/* Seconds left of a lockout of src, 0 when not locked. */
static long
locked_for(struct rs_server *s, const char *src)
{
	struct rs_failure	*f;
	time_t			 now = time(NULL);
	long			 left = 0;

	pthread_mutex_lock(&s->auth_mu);
	f = find_source(s, src, false);
	if (f != NULL && f->locked_until > now)
		left = (long)(f->locked_until - now);
	pthread_mutex_unlock(&s->auth_mu);
	return left;
}

/* Counts a failure; returns the delay to apply in seconds. */
static unsigned
record_failure(struct rs_server *s, const struct rsreq *r, const char *user)
{
	const struct rsconf	*c = s->conf;
	struct rs_failure	*f;
	time_t			 now = time(NULL);
	unsigned		 n, delay = 0;

	pthread_mutex_lock(&s->auth_mu);
	f = find_source(s, r->client, true);
	if (now - f->last > (time_t)c->lockout_minutes * 60)
		f->count = 0;
	n = ++f->count;
	f->last = now;
	if (n >= c->lockout_threshold) {
		f->locked_until = now + (time_t)c->lockout_minutes * 60;
		f->count = 0;
	}
	pthread_mutex_unlock(&s->auth_mu);
	if (n >= c->lockout_threshold)
		log_warn("sign-in: source %s locked out for %u minutes after "
		    "%u failed attempts (last user '%.64s')", r->client,
		    c->lockout_minutes, n, user);
	else
		log_warn("sign-in: failed for user '%.64s' from %s (%u in a "
		    "row)", user, r->client, n);
	if (n > c->slowdown_after)
		delay = n - c->slowdown_after;
	return delay > DELAY_MAX_S ? DELAY_MAX_S : delay;
}

static void
clear_failures(struct rs_server *s, const char *src)
{
	struct rs_failure	*f;

	pthread_mutex_lock(&s->auth_mu);
	f = find_source(s, src, false);
	if (f != NULL)
		f->count = 0;
	pthread_mutex_unlock(&s->auth_mu);
}

static void
challenge(struct rs_server *s, struct rsresp *resp, bool json,
    const char *msg)
{
	char	h[256];

	snprintf(h, sizeof(h), "Basic realm=\"%s\", charset=\"UTF-8\"",
	    s->conf->realm);
	if (json)
		rs_error_json(resp, 401, "rsAccessDenied", msg);
	else
		rs_error_html(resp, 401, "rsAccessDenied", msg, NULL);
	rsresp_header(resp, "WWW-Authenticate", h);
}

static int
locked_out(struct rsresp *resp, bool json, const struct rsreq *r, long left)
{
	char	msg[256], ra[32];

	snprintf(msg, sizeof(msg), "too many failed sign-in attempts from %s; "
	    "try again in %ld minute%s", r->client, (left + 59) / 60,
	    (left + 59) / 60 == 1 ? "" : "s");
	if (json)
		rs_error_json(resp, 429, "rsAccessDenied", msg);
	else
		rs_error_html(resp, 429, "rsAccessDenied", msg, NULL);
	snprintf(ra, sizeof(ra), "%ld", left);
	rsresp_header(resp, "Retry-After", ra);
	return -1;
}

int
rs_auth(struct rs_server *s, struct catalog *cat, struct rsreq *r,
    struct rsresp *resp, bool json, struct rsuser *u)
{
	struct creds	*c;
	struct rs_err	 e;
	long		 left;
	int		 ok;

	left = locked_for(s, r->client);
	if (left > 0)
		return locked_out(resp, json, r, left);
	c = xcalloc(1, sizeof(*c));
	if (parse_basic(rs_req_header(r, "Authorization"), c) == -1) {
		fs_free_secret(c, sizeof(*c));
		challenge(s, resp, json, "sign-in is required: give a user "
		    "name and password (HTTP Basic)");
		return -1;
	}
	ok = fast_verify(s, cat, c, u, &e);
	if (ok == 1)
		clear_failures(s, r->client);
	else if (ok == 0) {
		unsigned	d = record_failure(s, r, c->user);

		if (d > 0 && !s->no_delay)
			sleep(d);
	}
	fs_free_secret(c, sizeof(*c));
	if (ok == -1) {
		rs_error(resp, json, &e);
		return -1;
	}
	if (ok == 0) {
		left = locked_for(s, r->client);
		if (left > 0)
			return locked_out(resp, json, r, left);
		challenge(s, resp, json, "the user name or password is not "
		    "correct");
		return -1;
	}
	return 0;
}

void
rs_token_get(struct rs_server *s, const char *user, char out[65])
{
	struct rs_token	*t = NULL;
	uint8_t		 rnd[32];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		abort();	/* no entropy: nothing safe to do */
	pthread_mutex_lock(&s->auth_mu);
	for (size_t i = 0; i < s->ntokens; i++)
		if (strcasecmp(s->tokens[i].user, user) == 0)
			t = &s->tokens[i];
	if (t == NULL) {
		/* Full: reuse a slot; that user's open forms expire. */
		t = &s->tokens[s->ntokens < RS_TOKENS_MAX ? s->ntokens++ :
		    (size_t)(rnd[0] % RS_TOKENS_MAX)];
		str_copy(t->user, sizeof(t->user), user);
		str_hex_encode(rnd, sizeof(rnd), t->token, false);
	}
	memcpy(out, t->token, 65);
	pthread_mutex_unlock(&s->auth_mu);
	explicit_bzero(rnd, sizeof(rnd));
}

bool
rs_token_check(struct rs_server *s, const char *user, const char *token)
{
	char		want[65];
	unsigned char	diff = 0;

	if (token == NULL || strlen(token) != 64)
		return false;
	rs_token_get(s, user, want);
	for (size_t i = 0; i < 64; i++)
		diff |= (unsigned char)(want[i] ^ token[i]);
	return diff == 0;
}

void
rs_auth_forget(struct rs_server *s, const char *user)
{
	pthread_mutex_lock(&s->auth_mu);
	for (size_t i = 0; i < RS_CREDS_MAX; i++)
		if (strcasecmp(s->creds[i].user, user) == 0)
			explicit_bzero(&s->creds[i], sizeof(s->creds[i]));
	pthread_mutex_unlock(&s->auth_mu);
}
