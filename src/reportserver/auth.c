/*
 * auth.c: sign-in with HTTP Basic.  Built-in accounts are checked against
 * their yescrypt hash in the catalog; other names go to PAM (service name
 * from the config, "reportserver" by default) when PAM is enabled, as
 * Windows accounts are in the original.
 *
 * Before a password is looked at, the limits of signin.h say whether it
 * may be checked now; when not, the answer is 429 with Retry-After at
 * once (no sleeping: a worker is never held by a penalty).  A failed check
 * costs the same whatever the name: a built-in account's hash, a Linux
 * account's PAM check and a name that is neither are all brought to the
 * cost of the PAM path with dummy yescrypt checks, so the time of a 401
 * tells nothing about which names exist.  Every failure is logged, without
 * the password.
 */
#include "reportserver/rs_int.h"
#include "reportserver/pam_broker.h"
#include "reportserver/passwd.h"
#include "reportserver/signin.h"
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
#include <time.h>
#include <unistd.h>

#define AUTH_HEADER_MAX	4096

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

static int64_t
now_us(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/*
 * PAM is serialised: not every module is safe to run in parallel.  Run as
 * its service account, the report server asks the broker rsconfig started
 * (pam_broker.h) instead of calling PAM itself.  *us is how long PAM took,
 * not counting the wait for the lock.
 */
static enum rs_pam_answer
pam_check(struct rs_server *s, const char *user, const char *pw,
    unsigned *wait_s, int64_t *us)
{
	enum rs_pam_answer	a;
	int64_t			t0;

	pthread_mutex_lock(&s->pam_mu);
	t0 = now_us();
	if (s->pam_fd >= 0)
		a = rs_pam_ask(s->pam_fd, &s->pam_seq, user, pw, wait_s);
	else
		a = rs_pam_local(s->conf->pam_service, user, pw) ?
		    RS_PAM_YES : RS_PAM_NO;
	*us = now_us() - t0;
	pthread_mutex_unlock(&s->pam_mu);
	return a;
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

/* rs_passwd_verify, timed for the cost model. */
static bool
timed_verify(struct rs_server *s, const char *pw, const char *hash)
{
	int64_t	t0 = now_us();
	bool	ok = rs_passwd_verify(pw, hash);

	rs_signin_note_hash(s->signin, now_us() - t0);
	return ok;
}

/* n dummy checks: what a failure would have cost on the longer path. */
static void
burn(struct rs_server *s, const char *pw, unsigned n)
{
	const char	*dummy = rs_signin_dummy(s->signin);

	for (unsigned i = 0; i < n; i++)
		(void)timed_verify(s, pw, dummy);
}

/* The PAM half of verify(). */
static int
verify_pam(struct rs_server *s, const struct creds *c, struct rsuser *u,
    unsigned *wait_s)
{
	enum rs_pam_answer	a;
	int64_t			us;

	a = pam_check(s, c->user, c->pass, wait_s, &us);
	if (a == RS_PAM_LIMITED)
		return 2;
	if (a == RS_PAM_YES) {
		str_copy(u->name, sizeof(u->name), c->user);
		rs_unix_groups(c->user, u);
		return 1;
	}
	rs_signin_note_pam(s->signin, us);
	burn(s, c->pass, rs_signin_pam_topup(s->signin, us));
	return 0;
}

/*
 * 1: good, 0: bad credentials, 2: the PAM broker refused to check
 * (*wait_s), -1: database error (e).  A failure costs what the PAM path
 * costs when PAM is on (one yescrypt check when it is off), whichever
 * path the name took.
 */
static int
verify(struct rs_server *s, struct catalog *cat, const struct creds *c,
    struct rsuser *u, unsigned *wait_s, struct rs_err *e)
{
	char	hash[RS_PASSWD_HASH_MAX];

	memset(u, 0, sizeof(*u));
	if (s->conf->src_builtin) {
		if (catalog_user_hash(cat, c->user, hash, sizeof(hash), e) ==
		    0) {
			if (!timed_verify(s, c->pass, hash)) {
				if (s->conf->src_pam)
					burn(s, c->pass,
					    rs_signin_pam_hashes(s->signin) - 1);
				return 0;
			}
			str_copy(u->name, sizeof(u->name), c->user);
			u->builtin = true;
			return 1;
		}
		if (e->code != RS_E_NOTFOUND)
			return -1;
	}
	if (!s->conf->src_pam) {
		burn(s, c->pass, 1);
		return 0;
	}
	return verify_pam(s, c, u, wait_s);
}

/* A fresh cached sign-in of this user and password, into u. */
static bool
cached(struct rs_server *s, const struct creds *c, const char *check,
    struct rsuser *u)
{
	bool	builtin = false;

	if (check[0] == '\0' || !cred_lookup(s, c->user, check, &builtin))
		return false;
	memset(u, 0, sizeof(*u));
	str_copy(u->name, sizeof(u->name), c->user);
	u->builtin = builtin;
	if (!builtin)
		rs_unix_groups(c->user, u);
	return true;
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

/* 429 (a wait or a lockout) or 503 (busy), with Retry-After; -1. */
static int
refuse(struct rsresp *resp, bool json, const struct rsreq *r,
    enum rs_signin_verdict v, long wait)
{
	char	msg[256], ra[32];
	long	n = v == RS_SIGNIN_LOCKED ? (wait + 59) / 60 : wait;
	int	status = v == RS_SIGNIN_BUSY ? 503 : 429;

	if (v == RS_SIGNIN_BUSY)
		snprintf(msg, sizeof(msg), "the report server is busy checking "
		    "other sign-ins; try again in a second");
	else
		snprintf(msg, sizeof(msg), "too many failed sign-in attempts "
		    "%s%s; try again in %ld %s%s", v == RS_SIGNIN_ACCOUNT_WAIT ?
		    "for this user name" : "from ", v == RS_SIGNIN_ACCOUNT_WAIT ?
		    "" : r->client, n, v == RS_SIGNIN_LOCKED ? "minute" :
		    "second", n == 1 ? "" : "s");
	if (json)
		rs_error_json(resp, status, status == 503 ? "rsServerBusy" :
		    "rsAccessDenied", msg);
	else
		rs_error_html(resp, status, status == 503 ? "rsServerBusy" :
		    "rsAccessDenied", msg, NULL);
	snprintf(ra, sizeof(ra), "%ld", wait > 0 ? wait : 1);
	rsresp_header(resp, "Retry-After", ra);
	return -1;
}

/*
 * Looks in the sign-in cache, else waits for the limits and a check slot
 * and checks the password.  Returns verify()'s answer (1 also for a
 * sign-in found in the cache), or -2 when resp holds a refusal.
 */
static int
checked(struct rs_server *s, struct catalog *cat, const struct creds *c,
    const char *src, const char *check, const struct rsreq *r,
    struct rsresp *resp, bool json, struct rsuser *u, struct rs_err *e)
{
	enum rs_signin_verdict	v = RS_SIGNIN_GO;
	long			wait;
	unsigned		bwait = 0;
	int			slot, ok;

	for (;;) {
		/* rs_auth checked the address; a shared check took time. */
		if (v == RS_SIGNIN_SHARED)
			v = rs_signin_source_check(s->signin, src, &wait);
		if (v == RS_SIGNIN_GO)
			v = rs_signin_account_check(s->signin, c->user, src,
			    &wait);
		if (v == RS_SIGNIN_GO && cached(s, c, check, u))
			return 1;
		if (v == RS_SIGNIN_GO)
			v = rs_signin_enter(s->signin, c->user, check, &slot);
		if (v == RS_SIGNIN_GO)
			break;
		if (v != RS_SIGNIN_SHARED) {
			refuse(resp, json, r, v, v == RS_SIGNIN_BUSY ? 1 : wait);
			return -2;
		}
	}
	ok = verify(s, cat, c, u, &bwait, e);
	if (ok == 1 && check[0] != '\0')
		cred_store(s, c->user, check, u->builtin);
	rs_signin_leave(s->signin, slot);
	if (ok == 2) {
		refuse(resp, json, r, RS_SIGNIN_ACCOUNT_WAIT, bwait > 0 ?
		    (long)bwait : 1);
		return -2;
	}
	return ok;
}

int
rs_auth(struct rs_server *s, struct catalog *cat, struct rsreq *r,
    struct rsresp *resp, bool json, struct rsuser *u)
{
	char			 src[RS_SIGNIN_SOURCE_KEY], check[128];
	struct creds		*c;
	struct rs_err		 e;
	enum rs_signin_verdict	 v;
	long			 wait;
	int			 ok;

	rs_signin_source_key(r->client, src, sizeof(src));
	v = rs_signin_source_check(s->signin, src, &wait);
	if (v != RS_SIGNIN_GO)
		return refuse(resp, json, r, v, wait);
	c = xcalloc(1, sizeof(*c));
	if (parse_basic(rs_req_header(r, "Authorization"), c) == -1) {
		fs_free_secret(c, sizeof(*c));
		challenge(s, resp, json, "sign-in is required: give a user "
		    "name and password (HTTP Basic)");
		return -1;
	}
	if (!cred_check(s, c->pass, check, sizeof(check)))
		check[0] = '\0';
	ok = checked(s, cat, c, src, check, r, resp, json, u, &e);
	if (ok == 1)
		rs_signin_succeeded(s->signin, c->user, src);
	else if (ok == 0 && rs_signin_failed(s->signin, c->user, src) ==
	    RS_SIGNIN_LOCKED) {
		(void)rs_signin_source_check(s->signin, src, &wait);
		ok = refuse(resp, json, r, RS_SIGNIN_LOCKED, wait);
	} else if (ok == 0)
		challenge(s, resp, json, "the user name or password is not "
		    "correct");
	else if (ok == -1)
		rs_error(resp, json, &e);
	explicit_bzero(check, sizeof(check));
	fs_free_secret(c, sizeof(*c));
	return ok == 1 ? 0 : -1;
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
