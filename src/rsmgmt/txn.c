/*
 * txn.c: the Apply transaction.  Every step of a change (certificate
 * checked, URL reserved, binding created or reused, config written,
 * services told) logs one Results line and, when it changed a store,
 * pushes an undo record.  When a step fails the records are played back
 * in reverse, each undone line is marked, the in-memory model returns to
 * what it was, and the result says which step failed and why.
 *
 * RS_FAULT_STEP=N (test-only) makes the Nth step of a transaction fail
 * before it does anything, so the tests can prove that every step's
 * rollback leaves the stores exactly as they were.
 *
 * A dry run is the same transaction on copies: the binding store is
 * copied entry by entry into a new store in a private temporary folder,
 * with rsreportserver.config beside it, and the handle points at them
 * until the end.  Every step therefore sees what the earlier steps did,
 * as in an apply, and the dry run prints exactly the lines an apply
 * would print; only the services are not told.
 */
#include "rsmgmt/mgmt_int.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "reportserver/regstate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *
rsmgmt_step_state_name(enum rsmgmt_step_state s)
{
	switch (s) {
	case RSMGMT_STEP_OK:		return "ok";
	case RSMGMT_STEP_PLANNED:	return "planned";
	case RSMGMT_STEP_FAILED:	return "FAILED";
	case RSMGMT_STEP_UNDONE:	return "undone";
	case RSMGMT_STEP_UNDO_FAILED:	return "UNDO FAILED";
	}
	return "?";
}

/* Copies every URL ACL and SSL binding of from into to. */
static int
copy_store(struct binding_store *from, struct binding_store *to,
    struct rs_err *e)
{
	struct binding_urlacl	*acl = NULL;
	struct binding_ssl	*b = NULL;
	size_t			 na = 0, nb = 0;
	int			 rc = -1;

	if (binding_urlacl_list(from, &acl, &na, e) == -1 ||
	    binding_ssl_list(from, &b, &nb, e) == -1)
		goto out;
	for (size_t i = 0; i < na; i++)
		if (binding_urlacl_add(to, acl[i].url, acl[i].user, e) == -1)
			goto out;
	for (size_t i = 0; i < nb; i++)
		if (binding_ssl_add(to, &b[i], e) == -1 ||
		    (b[i].follow_names != NULL && binding_ssl_set_follow(to,
		    b[i].endpoint, b[i].follow_names, e) == -1))
			goto out;
	rc = 0;
out:
	free(acl);
	binding_ssl_list_free(b, nb);
	return rc;
}

static void
scratch_rm(const char *dir)
{
	static const char *const files[] = { "http/bindings.db",
	    "http/bindings.db-wal", "http/bindings.db-shm",
	    "http/bindings.db-journal", "rsreportserver.config" };
	char	p[RS_PATH_MAX];

	for (size_t i = 0; i < nitems(files); i++) {
		mgmt_fmt(p, sizeof(p), "%s/%s", dir, files[i]);
		(void)unlink(p);
	}
	mgmt_fmt(p, sizeof(p), "%s/http", dir);
	(void)rmdir(p);
	(void)rmdir(dir);
}

/* Points the handle at copies of the binding store and the config. */
static int
scratch_open(struct txn *t, struct rs_err *e)
{
	struct scratch		*sc = &t->scratch;
	struct rsmgmt		*m = t->m;
	struct binding_store	*bs;
	const char		*tmp = getenv("TMPDIR");
	char			*text, cfg[RS_PATH_MAX];
	size_t			 len;

	mgmt_fmt(sc->dir, sizeof(sc->dir), "%s/rsconfig-dry-run.XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(sc->dir) == NULL) {
		rs_err_sys(e, RS_E_IO, "cannot make %s", sc->dir);
		sc->dir[0] = '\0';
		return -1;
	}
	mgmt_fmt(cfg, sizeof(cfg), "%s/rsreportserver.config", sc->dir);
	text = fs_read_file(m->cfg_path, RSCONF_MAX_BYTES, &len, e);
	if (text == NULL && e->code != RS_E_NOTFOUND)
		return -1;
	if (text != NULL && fs_write_atomic(cfg, text, len, 0600, e) == -1) {
		fs_free_secret(text, len);
		return -1;
	}
	if (text != NULL)
		fs_free_secret(text, len);
	bs = binding_store_open(sc->dir, e);
	if (bs == NULL)
		return -1;
	if (copy_store(m->bs, bs, e) == -1) {
		binding_store_close(bs);
		return -1;
	}
	sc->real_bs = m->bs;
	str_copy(sc->real_cfg, sizeof(sc->real_cfg), m->cfg_path);
	m->bs = bs;
	str_copy(m->cfg_path, sizeof(m->cfg_path), cfg);
	return 0;
}

/* Puts the real stores back and the config as it is on disk. */
static void
scratch_close(struct txn *t)
{
	struct scratch	*sc = &t->scratch;
	struct rs_err	 e;

	if (sc->real_bs != NULL) {
		binding_store_close(t->m->bs);
		t->m->bs = sc->real_bs;
		str_copy(t->m->cfg_path, sizeof(t->m->cfg_path), sc->real_cfg);
		sc->real_bs = NULL;
		if (mgmt_reload(t->m, &e) == -1)
			log_warn("after the dry run: %s", e.msg);
	}
	if (sc->dir[0] != '\0')
		scratch_rm(sc->dir);
	sc->dir[0] = '\0';
}

void
txn_begin(struct txn *t, struct rsmgmt *m, struct rsmgmt_results *res,
    struct rsmgmt_result *r)
{
	struct rs_err	 e;
	const char	*f = getenv(RSMGMT_FAULT_ENV);
	uint64_t	 v;
	bool		 dry = res->dry_run;

	memset(t, 0, sizeof(*t));
	memset(res, 0, sizeof(*res));
	res->dry_run = dry;
	t->m = m;
	t->res = res;
	t->r = r;
	t->dry = dry;
	t->before = m->model;
	if (f != NULL && str_parse_uint(f, 1, 1000, &v, RSMGMT_FAULT_ENV,
	    NULL) == 0)
		t->fault = (unsigned)v;
	rsmgmt_ok(r, "nothing to do");
	if (dry && scratch_open(t, &e) == -1) {
		txn_fail(t, RSMGMT_UnknownError, "cannot prepare the dry run: "
		    "%s", e.msg);
		scratch_close(t);
	}
}

static struct rsmgmt_step *
add_line(struct txn *t, enum rsmgmt_step_state st, const char *fmt,
    va_list ap)
{
	struct rsmgmt_step	*s;

	if (t->res->n == RSMGMT_STEPS_MAX)
		s = &t->res->steps[RSMGMT_STEPS_MAX - 1];
	else
		s = &t->res->steps[t->res->n++];
	s->state = st;
	vsnprintf(s->text, sizeof(s->text), fmt, ap);
	return s;
}

int
txn_step(struct txn *t)
{
	if (t->failed)
		return -1;
	t->nstep++;
	if (t->fault != 0 && t->nstep == t->fault)
		return txn_fail(t, RSMGMT_UnknownError, "injected fault at step "
		    "%u (%s, test only)", t->nstep, RSMGMT_FAULT_ENV);
	if (t->res->n >= RSMGMT_STEPS_MAX - 1)
		return txn_fail(t, RSMGMT_UnknownError, "too many steps in one "
		    "change (more than %d)", RSMGMT_STEPS_MAX);
	return 0;
}

void
txn_log(struct txn *t, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	add_line(t, t->dry ? RSMGMT_STEP_PLANNED : RSMGMT_STEP_OK, fmt, ap);
	va_end(ap);
}

int
txn_fail(struct txn *t, uint32_t code, const char *fmt, ...)
{
	struct rsmgmt_step	*s;
	va_list			 ap;

	va_start(ap, fmt);
	s = add_line(t, RSMGMT_STEP_FAILED, fmt, ap);
	va_end(ap);
	if (!t->failed)
		rsmgmt_err(t->r, code, "%s", s->text);
	t->failed = true;
	return -1;
}

int
txn_fail_err(struct txn *t, uint32_t code, const struct rs_err *e)
{
	return txn_fail(t, code, "%s", e->msg);
}

struct undo *
txn_undo_push(struct txn *t, enum undo_kind k)
{
	struct undo	*u;

	if (t->nundo == RSMGMT_STEPS_MAX)
		return NULL;
	u = &t->undo[t->nundo++];
	memset(u, 0, sizeof(*u));
	u->kind = k;
	u->step = t->res->n ? t->res->n - 1 : 0;
	return u;
}

/* Re-adds a binding exactly as saved (owners and follow_names). */
static int
readd_binding(struct binding_store *bs, const struct binding_ssl *b,
    struct rs_err *e)
{
	if (binding_ssl_add(bs, b, e) == -1)
		return -1;
	if (b->follow_names != NULL &&
	    binding_ssl_set_follow(bs, b->endpoint, b->follow_names, e) == -1)
		return -1;
	return 0;
}

static int
undo_config(struct rsmgmt *m, const struct undo *u, struct rs_err *e)
{
	struct stat	st;
	bool		had = lstat(m->cfg_path, &st) == 0;

	if (u->text == NULL) {
		if (fs_unlink_durable(m->cfg_path, e) == -1)
			return -1;
	} else if (fs_write_atomic(m->cfg_path, u->text, u->len, 0600,
	    e) == -1 || (had && mgmt_keep_mode(m->cfg_path, &st, e) == -1))
		return -1;
	return mgmt_reload(m, e);
}

static int
undo_one(struct txn *t, struct undo *u, struct rs_err *e)
{
	struct binding_store	*bs = t->m->bs;
	bool			 gone;

	switch (u->kind) {
	case UNDO_ACL_ADDED:
		return binding_urlacl_del(bs, u->a, e);
	case UNDO_ACL_DELETED:
		return binding_urlacl_add(bs, u->a, u->b, e);
	case UNDO_BIND_ADDED:
		return binding_ssl_del(bs, u->a, e);
	case UNDO_OWNER_ADDED:
		return binding_ssl_owner_del(bs, u->a, RSMGMT_APPID, &gone, e);
	case UNDO_BIND_UPDATED:
		return binding_ssl_update(bs, &u->saved, e);
	case UNDO_OWNER_DELETED:
		if (u->deleted)
			return readd_binding(bs, &u->saved, e);
		return binding_ssl_owner_add(bs, u->saved.endpoint,
		    RSMGMT_APPID, e);
	case UNDO_FOLLOW_SET:
		return binding_ssl_set_follow(bs, u->a, u->saved.follow_names,
		    e);
	case UNDO_CONFIG:
		return undo_config(t->m, u, e);
	case UNDO_RESTARTED:
	case UNDO_RESYNCED:
		return 0;	/* told again below, with the old config */
	}
	return 0;
}

static void
undo_free(struct undo *u)
{
	binding_ssl_fini(&u->saved);
	if (u->text != NULL)
		fs_free_secret(u->text, u->len);
	u->text = NULL;
}

/*
 * Plays the undo log back; *restart and *resync say what the report
 * server is owed.
 */
static void
rollback(struct txn *t, bool *restart, bool *resync)
{
	struct rs_err	e;

	*restart = *resync = false;
	for (size_t i = t->nundo; i-- > 0;) {
		struct undo *u = &t->undo[i];
		struct rsmgmt_step *s = &t->res->steps[u->step];

		*restart |= u->kind == UNDO_RESTARTED;
		*resync |= u->kind == UNDO_RESYNCED;
		if (undo_one(t, u, &e) == -1) {
			s->state = RSMGMT_STEP_UNDO_FAILED;
			snprintf(s->text + strlen(s->text), sizeof(s->text) -
			    strlen(s->text), " (undo failed: %s)", e.msg);
		} else if (s->state != RSMGMT_STEP_FAILED)	/* a half-done
							 * step keeps why */
			s->state = RSMGMT_STEP_UNDONE;
	}
	t->m->model = t->before;
	t->res->rolled_back = t->nundo > 0;
}

/* After a rollback: the report server goes back to the old URLs. */
static void
resync_back(struct txn *t)
{
	char			 want[RSCONF_APPS_MAX * RSCONF_URLS_MAX][
				    MGMT_PREFIX_MAX];
	struct rs_regstate	*st = xcalloc(1, sizeof(*st));
	char			 why[400];
	size_t			 n = model_prefixes(&t->m->model, want,
				    nitems(want));
	int			 pid;

	if (mgmt_rs_running(t->m, &pid) == 1 && mgmt_rs_resync(t->m, pid, want,
	    n, st, why, sizeof(why)) == -1)
		log_warn("after the rollback, the report server: %s", why);
	free(st);
}

uint32_t
txn_end(struct txn *t, const char *ok_fmt, ...)
{
	struct rsmgmt_result	rr;
	struct rs_err		e;
	va_list			ap;

	if (t->failed) {
		bool restart, resync;
		rollback(t, &restart, &resync);
		if (t->res->rolled_back && !t->dry &&
		    binding_notify_reload(t->m->root, &e) == -1)
			log_warn("after the rollback: %s", e.msg);
		if (restart && !t->dry)
			(void)mgmt_rs_restart(t->m, &rr);
		else if (resync && !t->dry)
			resync_back(t);
		scratch_close(t);
		for (size_t i = 0; i < t->nundo; i++)
			undo_free(&t->undo[i]);
		if (t->res->rolled_back) {
			size_t n = strlen(t->r->message);
			snprintf(t->r->message + n, sizeof(t->r->message) - n,
			    "; the earlier steps were undone");
		}
		return t->r->hresult;
	}
	for (size_t i = 0; i < t->nundo; i++)
		undo_free(&t->undo[i]);
	if (t->dry)
		t->m->model = t->before;
	scratch_close(t);
	va_start(ap, ok_fmt);
	t->r->hresult = 0;
	t->r->exit_status = 0;
	vsnprintf(t->r->message, sizeof(t->r->message), ok_fmt, ap);
	va_end(ap);
	return 0;
}
