/*
 * mgmt_int.h: what the files of the URL / TLS / service part of rsmgmt
 * share: the handle, the in-memory model of URLReservations, and the
 * transaction with its undo log (txn.c).  Not a public header.
 */
#ifndef RS_RSMGMT_MGMT_INT_H
#define RS_RSMGMT_MGMT_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <sys/types.h>

#include "binding/binding.h"
#include "certstore/certstore.h"
#include "common/root.h"
#include "rsconf/rsconf.h"
#include "rsmgmt/rsmgmt.h"
#include "urlres/urlres.h"

#define MGMT_URL_MAX	300	/* a UrlString */
#define MGMT_PREFIX_MAX	(MGMT_URL_MAX + RSMGMT_VDIR_MAX + 4)

/* One application of URLReservations, as the transactions edit it. */
struct mapp {
	char	name[32];
	char	vdir[RSMGMT_VDIR_MAX];
	char	urls[RSCONF_URLS_MAX][MGMT_URL_MAX];
	size_t	n;
};

struct mmodel {
	struct mapp	apps[RSCONF_APPS_MAX];
	size_t		napps;
	int		level;		/* SecureConnectionLevel */
};

struct rsmgmt {
	char			 root[RS_PATH_MAX];
	char			 cfg_path[RS_PATH_MAX];
	struct binding_store	*bs;
	struct certstore	*cs;
	struct rsconf		*conf;
	struct mmodel		 model;
	char			 account[BINDING_USER_MAX];
	uid_t			 account_uid;
	int			 lockfd;	/* MGMT_LOCK, held while open */
};

/* One rsconfig at a time changes the stores (held from open to close). */
#define MGMT_LOCK	"run/rsmgmt.lock"
/*
 * Takes the lock that serialises every change rsconfig makes under root
 * (creating ROOT/run if needed); returns the fd for fs_unlock.
 */
int	mgmt_lock(const char *root, struct rs_err *);

/* Undo records (txn.c). */
enum undo_kind {
	UNDO_ACL_ADDED,		/* a: url */
	UNDO_ACL_DELETED,	/* a: url, b: user */
	UNDO_BIND_ADDED,	/* a: endpoint */
	UNDO_OWNER_ADDED,	/* a: endpoint */
	UNDO_BIND_UPDATED,	/* saved: the binding before */
	UNDO_OWNER_DELETED,	/* saved; deleted: the binding went */
	UNDO_FOLLOW_SET,	/* a: endpoint, saved.follow_names: before */
	UNDO_CONFIG,		/* text/len: the file before (NULL: none) */
	UNDO_RESTARTED,		/* the report server was restarted */
	UNDO_RESYNCED,		/* the report server re-registered live */
};

struct undo {
	enum undo_kind		 kind;
	size_t			 step;		/* index in results */
	char			 a[MGMT_PREFIX_MAX];
	char			 b[BINDING_USER_MAX];
	struct binding_ssl	 saved;		/* deep copy when used */
	bool			 deleted;
	char			*text;
	size_t			 len;
};

/*
 * A dry run applies the change to copies of the binding store and of
 * rsreportserver.config in a private temporary folder, so it takes every
 * decision an apply takes and logs the same lines (as "planned"); the
 * real stores are put back in the handle at the end.
 */
struct scratch {
	char			 dir[RS_PATH_MAX];	/* "" when none */
	struct binding_store	*real_bs;
	char			 real_cfg[RS_PATH_MAX];
};

struct txn {
	struct rsmgmt		*m;
	struct rsmgmt_results	*res;
	struct rsmgmt_result	*r;
	bool			 dry;
	bool			 restart;	/* the change needs a restart of a
						 * running report server (its
						 * account, its settings), not a
						 * live re-registration */
	struct scratch		 scratch;
	unsigned		 nstep;		/* steps begun */
	unsigned		 fault;		/* RS_FAULT_STEP, 0: none */
	struct undo		 undo[RSMGMT_STEPS_MAX];
	size_t			 nundo;
	struct mmodel		 before;	/* model at begin */
	bool			 failed;
};

/* txn.c */
void	txn_begin(struct txn *, struct rsmgmt *, struct rsmgmt_results *,
	    struct rsmgmt_result *);
/* Starts a step: -1 (the step failed) when the fault hook fires. */
int	txn_step(struct txn *);
/* Logs the step just done (OK, or PLANNED in a dry run). */
void	txn_log(struct txn *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Fails the transaction: a FAILED line and *r; returns -1. */
int	txn_fail(struct txn *, uint32_t code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* The same from an rs_err, with the code given. */
int	txn_fail_err(struct txn *, uint32_t code, const struct rs_err *);
/* Adds an undo record for the step just logged; returns it. */
struct undo *txn_undo_push(struct txn *, enum undo_kind);
/*
 * Ends: on failure undoes every recorded step in reverse (lines marked
 * undone) and restores the model; on success sets *r OK with msg.
 * Returns r->hresult.
 */
uint32_t txn_end(struct txn *, const char *ok_fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Store primitives inside a transaction (ops.c).  Each is one step. */
int	op_acl_add(struct txn *, const char *prefix, const char *user);
int	op_acl_del(struct txn *, const char *prefix);
int	op_bind(struct txn *, const char *endpoint, enum binding_kind,
	    const char *hash, const char *follow);
int	op_unbind(struct txn *, const char *endpoint);
int	op_config_write(struct txn *);
/*
 * Tells httpsvc (op_reload), then a running report server: it registers
 * and unregisters the change live and acknowledges it (one Results line
 * per URL it now serves), or, with t->restart, it is restarted.
 */
int	op_notify(struct txn *);
int	op_reload(struct txn *);
int	op_cert_check(struct txn *, const char *input, char hash[41],
	    struct certstore_info *);

/*
 * ops.c: true when another application's https reservation is served
 * only by binding b (which the report server alone owns); who gets it.
 */
bool	mgmt_needed_by_others(struct rsmgmt *, const struct binding_ssl *b,
	    char *who, size_t whosz);

/* mgmt.c: the model. */
struct mapp	*model_app(struct mmodel *, const char *name, bool create);
const struct mapp *model_app_c(const struct mmodel *, const char *name);
bool	model_has_url(const struct mapp *, const char *url);
void	model_url_add(struct mapp *, const char *url);
void	model_url_del(struct mapp *, const char *url);
/* The URL ACL prefix of a UrlString under vdir into out. */
int	mgmt_prefix(const char *url, const char *vdir, char *out, size_t sz,
	    struct rs_err *);
/* The canonical UrlString ("https://+:8443"); RS_E_USAGE. */
int	mgmt_url_canon(const char *in, char *out, size_t sz,
	    struct urlres_prefix *, struct rs_err *);
/*
 * The binding endpoints an https UrlString is served by: "+"/"*":
 * 0.0.0.0:P and [::]:P; an address: ADDR:P; a host: NAME:P (SNI).
 * Returns how many (0 for http).
 */
size_t	mgmt_url_endpoints(const struct urlres_prefix *,
	    char out[2][BINDING_ENDPOINT_MAX], enum binding_kind kinds[2]);
/* Does any https URL of the model need endpoint? (app: its name, or "") */
bool	model_needs_endpoint(const struct mmodel *, const char *endpoint,
	    char *app, size_t appsz);
/* Is ip an address of this machine (or 0.0.0.0 / ::)? */
bool	mgmt_ip_is_local(const char *ip);
/* Reloads the model from the config file on disk (the default config
 * when there is none). */
int	mgmt_reload(struct rsmgmt *, struct rs_err *);
/*
 * Writes the model into the config document and saves it.  The new file
 * keeps the group and mode of the one it replaces (at most 0640), so a
 * report server running as its account still reads it.
 */
int	mgmt_save(struct rsmgmt *, struct rs_err *);
struct stat;
/* Gives path the group and mode (at most 0640) of old, its predecessor. */
int	mgmt_keep_mode(const char *path, const struct stat *old,
	    struct rs_err *);
bool	mgmt_valid_app(const char *app);
/* snprintf for display text, where truncation is acceptable. */
void	mgmt_fmt(char *out, size_t sz, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* logfile.c: the report server's output (journal or capped file). */
bool	mgmt_log_journal(void);
/* Where to read it, for messages; returns out. */
const char *mgmt_log_where(char *out, size_t sz);
int	mgmt_log_rotate(const char *path, off_t max, int keep,
	    struct rs_err *);

/* service.c */
/* 1 running (pid), 0 not, from the pid file (else the registrations file:
 * a report server systemd started). */
int	mgmt_rs_running(struct rsmgmt *, int *pid);
/* Restarts a running report server (stop, start). */
uint32_t mgmt_rs_restart(struct rsmgmt *, struct rsmgmt_result *);
/* Is httpsvc answering on its control socket? */
bool	mgmt_httpsvc_up(struct rsmgmt *);
/* The URL prefixes of the model (want[n], n at most RSCONF_APPS_MAX *
 * RSCONF_URLS_MAX). */
size_t	model_prefixes(const struct mmodel *, char (*want)[MGMT_PREFIX_MAX],
	    size_t max);
struct rs_regstate;
/*
 * Live re-registration: SIGHUP to the report server pid, then waits until
 * its registrations file acknowledges: a re-read handled after the
 * signal, and an answer from httpsvc for every prefix of want (or httpsvc
 * not running).  Fills *st; 0, or -1 with why (it exited, it could not
 * read the config, no acknowledgement in time).
 */
int	mgmt_rs_resync(struct rsmgmt *, int pid, char (*want)[MGMT_PREFIX_MAX],
	    size_t nwant, struct rs_regstate *st, char *why, size_t whysz);

#endif
