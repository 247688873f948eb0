/*
 * rsmgmt.h: the management library, the Linux counterpart of the WMI
 * provider MSReportServer_ConfigurationSetting.  Every operation returns
 * an HRESULT-style code (0 on success, the provider's 0x8004_02xx codes on
 * failure) and fills a struct rsmgmt_result with the code and one sentence.
 * It works whether the report server is running or not: it edits the
 * stores and the config file through their modules, never by hand.
 *
 * This first part covers the Database page: create, show and upgrade the
 * report server database.  The URL, TLS and service-state operations are
 * added beside these.
 */
#ifndef RS_RSMGMT_H
#define RS_RSMGMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* The provider's ErrorCodes used here (name, value): one table for the
 * database, URL and TLS operations alike. */
#define RSMGMT_HRESULT_TABLE(X)						\
	X(Success,			0x00000000u)			\
	X(CantConnectCatalog,		0x80040201u)			\
	X(UnexpectedDatabaseError,	0x80040204u)			\
	X(UnexpectedDatabaseResult,	0x80040205u)			\
	X(AlreadyActivated,		0x80040206u)			\
	X(NotAdmin,			0x80040208u)			\
	X(ConfigurationFileNotFound,	0x80040219u)			\
	X(BadConfigurationFile,		0x80040226u)			\
	X(InvalidParameter,		0x8004022Cu)			\
	X(RsServerConfigurationError,	0x80040234u)			\
	X(ServiceDisabled,		0x80040203u)			\
	X(VirtualDirectoryAlreadyExists, 0x8004020Cu)			\
	X(VirtualDirectoryInvalid,	0x8004020Du)			\
	X(InvalidUser,			0x80040211u)			\
	X(SslCertificateNotFound,	0x80040218u)			\
	X(InvalidPortNumber,		0x8004021Au)			\
	X(InvalidUrlParameterSet,	0x8004021Bu)			\
	X(InvalidSecureConnectionLevel,	0x8004021Cu)			\
	X(RsUrlAlreadyReservedDifferentName, 0x80040235u)		\
	X(RsMustDefineApplicationFirst,	0x80040236u)			\
	X(RsIpAddressNotFound,		0x80040237u)			\
	X(RsSSLBindingConflict,		0x80040238u)			\
	X(RsSSLCertificateNotRegistered, 0x8004023Au)			\
	X(RsInvalidApplication,		0x8004023Bu)			\
	X(RsURLAlreadyReserved,		0x8004023Cu)			\
	X(RsURLNotReserved,		0x8004023Du)			\
	X(RsURLMustNotExist,		0x8004023Eu)			\
	X(RsInvalidSSLCertificate,	0x80040241u)			\
	X(RPCServerNotListening,	0x800706B3u)			\
	X(UnknownError,			0xFFFFFFFFu)

enum rsmgmt_hresult {
#define X(name, value) RSMGMT_##name = value,
	RSMGMT_HRESULT_TABLE(X)
#undef X
};

struct rsmgmt_result {
	uint32_t	hresult;
	int		exit_status;	/* sysexits status for a CLI */
	char		message[600];
};

/* The provider's name of an HRESULT ("InvalidParameter"). */
const char	*rsmgmt_hresult_name(uint32_t);
/* Fills r from an rs_err (code mapped to an HRESULT); returns hresult. */
uint32_t	 rsmgmt_fail(struct rsmgmt_result *r, const struct rs_err *e);
void		 rsmgmt_ok(struct rsmgmt_result *r, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* Paths under the state root. */
int	rsmgmt_config_path(const char *root, char *out, size_t outsz,
	    struct rs_err *);

struct rsmgmt_db_create {
	bool		 postgres;
	const char	*dsn;		/* NULL: the config's, else the default
					 * ROOT/reportserver/ReportServer.db */
	const char	*admin_user;
	const char	*admin_password;	/* wiped by the caller */
};

/* What `database create` did, for the caller's report. */
struct rsmgmt_db_info {
	bool	 config_written;	/* a config was created or changed */
	bool	 exists;		/* a catalog is there */
	bool	 postgres;
	char	 dsn[1024];		/* password masked for PostgreSQL */
	char	 config[4096];
	int	 version;		/* 0 when not created */
	int	 expected;		/* CATALOG_SCHEMA_VERSION */
	int64_t	 items;
	int64_t	 users;
	char	 server[700];		/* create: what a running report
					 * server did about it, "" if none */
};

/*
 * Creates the report server database and its first System Administrator,
 * writing a default rsreportserver.config when there is none (or pointing
 * the existing one at the new database).  Refuses when a catalog already
 * exists there, and a --sqlite path in a folder that does not exist.  A
 * running report server is restarted when the config now names another
 * database, else it opens the new one by itself (info->server says).
 */
uint32_t	rsmgmt_database_create(const char *root,
		    const struct rsmgmt_db_create *, struct rsmgmt_db_info *,
		    struct rsmgmt_result *);
/* Shows where the database is and its state. */
uint32_t	rsmgmt_database_show(const char *root, struct rsmgmt_db_info *,
		    struct rsmgmt_result *);
/*
 * The database's state for the status page: state is "Ready", "Missing"
 * (the file or schema is not there: not created, or deleted), "NeedsUpgrade"
 * or "Unusable"; message says where it is, or what is wrong and the
 * command that fixes it.
 */
void		rsmgmt_database_state(const char *root, char *state,
		    size_t statesz, char *message, size_t msgsz);
/* Upgrades an older schema in one transaction; *from and *to. */
uint32_t	rsmgmt_database_upgrade(const char *root, int *from, int *to,
		    struct rsmgmt_result *);

/*
 * Backup and restore (backup.c; the file format is in docs/operations.md).
 * Backup writes one file with a consistent online copy of the SQLite
 * catalog, rsreportserver.config and the encryption key, sealed with the
 * password; it replaces FILE only when complete.  Restore checks the file
 * (checksum: damaged; tag: wrong password) and every piece before it puts
 * them under root (the catalog at ROOT/reportserver/ReportServer.db, the
 * config made to name it); refused while the report server runs.  On any
 * failure nothing is changed.
 */
struct rsmgmt_backup_info {
	char		file[4096];
	char		created[40];	/* UTC, ISO 8601 */
	char		dsn[4096];	/* restore: where the catalog went */
	int		version;	/* schema version */
	long long	db_bytes;	/* backup: size of the catalog copy */
	bool		key;		/* the encryption key is in it */
};
uint32_t	rsmgmt_database_backup(const char *root, const char *to,
		    const char *password, size_t pwlen,
		    struct rsmgmt_backup_info *, struct rsmgmt_result *);
uint32_t	rsmgmt_database_restore(const char *root, const char *from,
		    const char *password, size_t pwlen,
		    struct rsmgmt_backup_info *, struct rsmgmt_result *);

/* Copies conninfo with any password=... value replaced by "*****". */
void	rsmgmt_mask_dsn(const char *dsn, char *out, size_t outsz);

/* ==== URLs, TLS bindings and service state (issue 5, helper H7) ====
 *
 * The WMI provider's URL / TLS / service operations.  Each takes a handle
 * from rsmgmt_open() and returns an HRESULT (0 or one of the codes below,
 * whose names rsmgmt_hresult_name() gives), filling *r with the code and one
 * sentence.  Every changing operation is one transaction (struct
 * rsmgmt_txn): each step is logged as a Results line, and when a step
 * fails the earlier ones are undone in reverse order.  A dry run logs the
 * same lines and changes nothing.
 *
 * Stores: URL ACLs and SSL bindings live in the binding store (the
 * truth); the URLReservations section of rsreportserver.config is the
 * representation, rewritten from the handle's working copy by each
 * transaction.  The report server owns its bindings under RSMGMT_APPID;
 * a binding another application made is reused (a second owner) when the
 * certificate is the same, refused (RsSSLBindingConflict) otherwise, and
 * only ever released, never deleted, while another owner remains.
 *
 * Test-only hook: the environment variable RS_FAULT_STEP=N makes step N
 * of the next transaction fail ("injected fault"), to prove rollback.
 */
#include <time.h>

/* The report server's application id in the binding store. */
#define RSMGMT_APPID	"{1f5b6a52-8f3c-4a0e-9d5b-2c7e0a4d9e31}"
#define RSMGMT_FAULT_ENV	"RS_FAULT_STEP"
#define RSMGMT_STEPS_MAX	64
#define RSMGMT_LINE_MAX		400
#define RSMGMT_VDIR_MAX		64
#define RSMGMT_IPS_MAX		64
#define RSMGMT_PIDFILE		"run/reportserver.pid"
#define RSMGMT_LOGFILE		"log/reportserver.log"
#define RSMGMT_LOG_MAX		(10 * 1024 * 1024)	/* rotated at start */
#define RSMGMT_LOG_KEEP		5
#define RSMGMT_START_TIMEOUT_MS	15000
#define RSMGMT_STOP_TIMEOUT_MS	15000

/* Sets r to code with a printf message; returns code. */
uint32_t	 rsmgmt_err(struct rsmgmt_result *r, uint32_t code,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

struct rsmgmt;		/* opaque: root, stores, working config copy */

/*
 * Opens the stores under root and loads rsreportserver.config; when there
 * is none yet, the default one (the default SQLite database, no URLs),
 * written by the first change, so URLs can be set before the database
 * exists.  NULL with *r filled on failure.  Close with rsmgmt_close.
 */
struct rsmgmt	*rsmgmt_open(const char *root, struct rsmgmt_result *r);
void		 rsmgmt_close(struct rsmgmt *);
/* Does rsreportserver.config exist (else the handle holds the default)? */
bool		 rsmgmt_configured(const struct rsmgmt *);
const char	*rsmgmt_root(const struct rsmgmt *);

/*
 * The user the report server runs as and its URL ACLs are granted to:
 * the AccountName already recorded in URLReservations, else the invoking
 * user.  rsmgmt_set_account changes it for the next reservations
 * (InvalidUser when no such Unix user).
 */
const char	*rsmgmt_account(const struct rsmgmt *);
uint32_t	 rsmgmt_set_account(struct rsmgmt *, const char *user,
		    struct rsmgmt_result *);

/* --- Transactions ---------------------------------------------------- */

enum rsmgmt_step_state {
	RSMGMT_STEP_OK,		/* done (or checked) */
	RSMGMT_STEP_PLANNED,	/* dry run: would be done */
	RSMGMT_STEP_FAILED,
	RSMGMT_STEP_UNDONE,	/* done, then rolled back */
	RSMGMT_STEP_UNDO_FAILED,
};

struct rsmgmt_step {
	enum rsmgmt_step_state	 state;
	char			 text[RSMGMT_LINE_MAX];
};

/* A transaction's Results log.  Owned by the caller (usually stack). */
struct rsmgmt_results {
	struct rsmgmt_step	 steps[RSMGMT_STEPS_MAX];
	size_t			 n;
	bool			 dry_run;
	bool			 rolled_back;
};

/* "ok", "planned", "FAILED", "undone", "UNDO FAILED". */
const char	*rsmgmt_step_state_name(enum rsmgmt_step_state);

/* --- The WMI methods ------------------------------------------------- */

/* One reserved URL (ListReservedUrls). */
struct rsmgmt_url {
	char	application[32];
	char	url_string[300];	/* "https://+:8443", no vdir */
	char	vdir[RSMGMT_VDIR_MAX];
	char	prefix[600];		/* "https://+:8443/ReportServer/" */
	char	account[64];
	char	account_sid[40];
	bool	in_store;		/* the URL ACL exists */
	char	store_user[64];		/* its user, when in_store */
};

/*
 * ListReservedUrls: every URL of every application in URLReservations,
 * with whether the binding store agrees (drift shows as in_store false
 * or a different store_user).  *out (free()) and *n.
 */
uint32_t	rsmgmt_list_reserved_urls(struct rsmgmt *, struct rsmgmt_url **out,
		    size_t *n, struct rsmgmt_result *);

/*
 * SetVirtualDirectory: the one virtual directory of an application
 * (ReportServerWebService or ReportServerWebApp).  VirtualDirectoryInvalid
 * for an empty or illegal name; RsURLMustNotExist when the application
 * still has URLs under another virtual directory; RsInvalidApplication.
 */
uint32_t	rsmgmt_set_virtual_directory(struct rsmgmt *, const char *app,
		    const char *vdir, struct rsmgmt_results *,
		    struct rsmgmt_result *);
/*
 * ReserveURL: reserves url_string ("http://+:80", no vdir) under the
 * application's virtual directory for the report server's account.
 * RsMustDefineApplicationFirst (no virtual directory yet),
 * RsURLAlreadyReserved, RsUrlAlreadyReservedDifferentName (another user
 * holds the prefix), InvalidUrlParameterSet, InvalidPortNumber.
 */
uint32_t	rsmgmt_reserve_url(struct rsmgmt *, const char *app,
		    const char *url_string, struct rsmgmt_results *,
		    struct rsmgmt_result *);
/*
 * RemoveURL: removes one reservation; an SSL binding the report server
 * made that no remaining URL needs is released too.  RsURLNotReserved.
 */
uint32_t	rsmgmt_remove_url(struct rsmgmt *, const char *app,
		    const char *url_string, struct rsmgmt_results *,
		    struct rsmgmt_result *);

/* One certificate fit for the HTTPS Certificate list (ListSSLCertificates). */
struct rsmgmt_cert {
	char	 hash[41];		/* CertificateHash */
	char	 name[256];		/* CertName: friendly name or CN */
	char	 subject[256];
	char	*host_names;		/* HostName: DNS names, ", " joined */
	time_t	 not_after;
	long	 days_left;
	bool	 trusted;		/* chains to Root */
	bool	 usable;		/* no problems */
	char	 problems[200];		/* why not usable, "" when usable */
};
/*
 * ListSSLCertificates: certificates in My, read live.  usable_only keeps
 * those with a private key, valid for server authentication and in date.
 * *out (rsmgmt_certs_free) and *n.
 */
uint32_t	rsmgmt_list_ssl_certificates(struct rsmgmt *, bool usable_only,
		    struct rsmgmt_cert **out, size_t *n,
		    struct rsmgmt_result *);
void		rsmgmt_certs_free(struct rsmgmt_cert *, size_t n);

/* One binding (ListSSLCertificateBindings). */
struct rsmgmt_binding {
	char	application[32];	/* the app whose URL needs it, or "" */
	char	hash[41];		/* CertificateHash */
	char	ip[256];		/* IPAddress ("0.0.0.0", "::", a name) */
	unsigned port;
	char	endpoint[300];		/* "0.0.0.0:8443" */
	char	owners[300];		/* appids, ", " joined */
	bool	shared;			/* another application owns it too */
	bool	in_store;		/* present in the binding store */
	bool	cert_missing;		/* orphan: its certificate is gone */
	char	error[200];		/* Errors[]: what is wrong, or "" */
};
/*
 * ListSSLCertificateBindings: the union of the bindings the report
 * server owns in the store and those its https URLs need.  *out (free())
 * and *n.
 */
uint32_t	rsmgmt_list_ssl_bindings(struct rsmgmt *,
		    struct rsmgmt_binding **out, size_t *n,
		    struct rsmgmt_result *);
/*
 * CreateSSLCertificateBinding: binds hash to ip:port for the application
 * (ip "0.0.0.0", "::", an address of this machine, or a host name for an
 * SNI binding).  The application must have an https URL that the
 * endpoint serves (RsSSLCertificateNotRegistered).  SslCertificateNotFound,
 * RsInvalidSSLCertificate (no key, expired, not for server auth),
 * RsIpAddressNotFound, RsSSLBindingConflict (another certificate is bound
 * there by another application).  An existing binding with the same
 * certificate is reused.
 */
uint32_t	rsmgmt_create_ssl_binding(struct rsmgmt *, const char *app,
		    const char *hash, const char *ip, unsigned port,
		    struct rsmgmt_results *, struct rsmgmt_result *);
/*
 * RemoveSSLCertificateBindings: releases the report server's use of the
 * binding (deleted when no other owner remains).  InvalidParameter when
 * the certificate is no longer in the store (the original's "Invalid
 * parameter"; the message says how to clear the orphan).
 */
uint32_t	rsmgmt_remove_ssl_bindings(struct rsmgmt *, const char *app,
		    const char *hash, const char *ip, unsigned port,
		    struct rsmgmt_results *, struct rsmgmt_result *);

/* One address of this machine (ListIPAddresses). */
struct rsmgmt_ip {
	char	address[64];
	char	version[3];		/* "V4" or "V6" */
	bool	dhcp;			/* IsDhcpEnabled (not known: false) */
};
uint32_t	rsmgmt_list_ip_addresses(struct rsmgmt_ip *out, size_t max,
		    size_t *n, struct rsmgmt_result *);

/*
 * SetWindowsServiceIdentity: the account the report server's URLs are
 * reserved for.  Every reservation is made again for the new account (as
 * the original's Service Account page does), then the representation is
 * written.  InvalidUser when there is no such Unix user.
 */
uint32_t	rsmgmt_set_service_identity(struct rsmgmt *, const char *user,
		    struct rsmgmt_results *, struct rsmgmt_result *);

/* SecureConnectionLevel (0..3) read and SetSecureConnectionLevel. */
int		rsmgmt_secure_connection_level(const struct rsmgmt *);
uint32_t	rsmgmt_set_secure_connection_level(struct rsmgmt *, int level,
		    struct rsmgmt_results *, struct rsmgmt_result *);

/* VirtualDirectoryReportServer / VirtualDirectoryReportManager: the
 * application's vdir, or its default when not set. */
const char	*rsmgmt_vdir(const struct rsmgmt *, const char *app);

/* --- Pages: several methods as one transaction ----------------------- */

/* The Web Service URL page (or the Web Portal URL page's vdir). */
struct rsmgmt_url_page {
	const char	*app;		/* RSCONF_APP_WEBSERVICE / _WEBAPP */
	const char	*vdir;		/* NULL: unchanged */
	const char	*ip;		/* NULL: unchanged; "all" or an address */
	unsigned	 port;		/* 0: unchanged */
	const char	*https_cert;	/* NULL: unchanged */
	unsigned	 https_port;	/* 0: unchanged (443 with a new cert) */
	bool		 no_https;	/* remove the HTTPS URL and binding */
	bool		 follow;	/* binding follows the names (renewal) */
};

/* What the page shows now (no change). */
struct rsmgmt_page_view {
	char	vdir[RSMGMT_VDIR_MAX];
	char	ip[64];			/* "All Assigned" shown as "all" */
	unsigned port;			/* 0: no HTTP URL */
	char	https_cert[41];		/* "" when none */
	unsigned https_port;
	struct rsmgmt_url *urls;	/* the app's URLs (free()) */
	size_t	n_urls;
};
uint32_t	rsmgmt_page_view(struct rsmgmt *, const char *app,
		    struct rsmgmt_page_view *, struct rsmgmt_result *);
void		rsmgmt_page_view_fini(struct rsmgmt_page_view *);

/*
 * Apply of the Web Service URL / Web Portal URL page: the certificate is
 * checked, URLs reserved and removed, the SSL binding created, reused or
 * released, the config representation written, httpsvc told (and the
 * report server restarted when running), as one transaction.
 */
uint32_t	rsmgmt_url_page_apply(struct rsmgmt *,
		    const struct rsmgmt_url_page *, struct rsmgmt_results *,
		    struct rsmgmt_result *);

/* An identity of the Advanced dialog. */
struct rsmgmt_identity {
	const char	*app;
	bool		 https;
	const char	*cert;		/* https: thumbprint */
	const char	*ip;		/* "all" or an address */
	const char	*host;		/* NULL, a host name, or "*" meaning
					 * every DNS name of the certificate */
	unsigned	 port;
	bool		 follow;	/* binding follows the names */
};
uint32_t	rsmgmt_identity_add(struct rsmgmt *,
		    const struct rsmgmt_identity *, struct rsmgmt_results *,
		    struct rsmgmt_result *);
uint32_t	rsmgmt_identity_remove(struct rsmgmt *,
		    const struct rsmgmt_identity *, struct rsmgmt_results *,
		    struct rsmgmt_result *);

/* --- Report Server Status: SetServiceState, start, stop -------------- */

struct rsmgmt_status {
	bool	 running;		/* the report server process is alive */
	int	 pid;
	bool	 systemd;		/* driven through systemctl */
	bool	 httpsvc_running;
	size_t	 registered;		/* its URLs registered with httpsvc */
	size_t	 expected;		/* URLs in URLReservations */
	char	 drift[1024];		/* config vs store differences, "" */
	char	 log[4096];		/* the log file */
	char	 runs_as[64];		/* the process's user, "" unknown */
	char	 db_state[16];		/* Ready, Missing, NeedsUpgrade,
					 * Unusable */
	char	 db_message[800];	/* what is wrong and the fix, or where
					 * it is when Ready */
};
uint32_t	rsmgmt_service_status(struct rsmgmt *, struct rsmgmt_status *,
		    struct rsmgmt_result *);
/*
 * Starts the report server (systemctl when its unit is installed and the
 * root is the default, else bin/reportserver in the background with a
 * pid file) and returns once its URLs are registered with httpsvc, or
 * with the reason they are not.
 */
uint32_t	rsmgmt_service_start(struct rsmgmt *, struct rsmgmt_result *);
/* Stops it gracefully (SIGTERM, then waits). */
uint32_t	rsmgmt_service_stop(struct rsmgmt *, struct rsmgmt_result *);
/*
 * SetServiceState: web_service true starts the report server (and its
 * URLs), false stops it; the other two flags are accepted and, as since
 * SQL Server 2016, have no separate effect.
 */
uint32_t	rsmgmt_set_service_state(struct rsmgmt *, bool windows_service,
		    bool web_service, bool report_manager,
		    struct rsmgmt_result *);

/* --- Repair and renewal ---------------------------------------------- */

/* A binding whose certificate is gone, or a drift between the stores. */
struct rsmgmt_problem {
	char	what[300];		/* the sentence */
	char	fix[300];		/* what repair does / the command */
	char	endpoint[300];		/* orphan binding, or "" */
	bool	report_server;		/* one of the report server's */
};
/* Finds orphans and drift.  *out (free()) and *n. */
uint32_t	rsmgmt_find_problems(struct rsmgmt *, struct rsmgmt_problem **out,
		    size_t *n, struct rsmgmt_result *);
/*
 * Clears orphan bindings (all of them, or only the report server's when
 * all is false) and rewrites the representation from the store, as one
 * transaction.
 */
uint32_t	rsmgmt_repair(struct rsmgmt *, bool all, struct rsmgmt_results *,
		    struct rsmgmt_result *);
/*
 * Renewal by name: every binding with follow_names moves to the newest
 * valid certificate in My that covers all of those names, when there is
 * one newer than its own.  The old certificate stays in the store.
 * *moved gets how many moved; each move is a Results line.
 */
uint32_t	rsmgmt_follow_renewals(struct rsmgmt *, size_t *moved,
		    struct rsmgmt_results *, struct rsmgmt_result *);

/* ==== end of issue 5 (H7) ==== */

#endif
