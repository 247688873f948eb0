/*
 * rsconf.h: rsreportserver.config, the report server's XML settings, read
 * and written with libxml2 in the original's element names:
 *
 *   <Configuration>
 *     <Dsn>, <DatabaseType> (SQLite | PostgreSQL), <ConnectionType>,
 *     <InstanceId>, <InstallationID>
 *     <Add Key="SecureConnectionLevel" Value="0"/> (and other Add keys)
 *     <URLReservations><Application><Name/><VirtualDirectory/>
 *       <URLs><URL><UrlString/><AccountSid/><AccountName/></URL></URLs>
 *     </Application></URLReservations>
 *     <Authentication><AuthenticationTypes><RSWindowsBasic>
 *       <LogonMethod/><Realm/><DefaultDomain/></RSWindowsBasic>
 *       </AuthenticationTypes> <AccountSources/> <PamService/>
 *       <LockoutThreshold/> <LockoutMinutes/> <SlowdownAfter/>
 *       <EnableAuthPersistence/></Authentication>
 *     <Service><IsWebServiceEnabled/><Hostname/><UrlRoot/>
 *       <MaxQueueThreads/><LogVerbose/></Service>
 *     <PostgreSQLDataSources><Allow>host[:port]/database</Allow>...
 *       </PostgreSQLDataSources>
 *     <Extensions><Delivery>
 *       <Extension Name="Report Server Email"><MaxRetries/>
 *         <SecondsBeforeRetry/><Configuration><RSEmailDPConfiguration>
 *           <SMTPServer/> <SMTPServerPort/> <SendUsing/> <SMTPUseSSL/>
 *           <SMTPTLSMode/> <SMTPAuthenticate/> <SendUserName/>
 *           <SendPassword/> <From/> <SMTPConnectionTimeout/>
 *           <SMTPCAFile/> <DefaultHostName/>
 *         </RSEmailDPConfiguration></Configuration></Extension>
 *       <Extension Name="Report Server FileShare"><MaxRetries/>
 *         <SecondsBeforeRetry/><Configuration><FileShareConfiguration>
 *           <AllowedPaths><Path>/srv/reports</Path>...</AllowedPaths>
 *         </FileShareConfiguration></Configuration></Extension>
 *     </Delivery></Extensions>
 *   </Configuration>
 *
 * A file that cannot be used is refused as a whole with
 * "FILE:LINE:COLUMN: what is wrong" (RS_E_CONFIG); nothing is half
 * applied.  Writing keeps everything it does not change (the document is
 * kept and edited), and goes through fs_write_atomic, mode 0600 (the Dsn
 * may hold a PostgreSQL password).
 *
 * This module does not touch the binding store or httpsvc: the
 * URLReservations section is a representation written by the management
 * library.
 */
#ifndef RS_RSCONF_H
#define RS_RSCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define RSCONF_FILE		"reportserver/rsreportserver.config"
#define RSCONF_DB_FILE		"reportserver/ReportServer.db"
#define RSCONF_MAX_BYTES	(1024 * 1024)
#define RSCONF_APPS_MAX		8
#define RSCONF_URLS_MAX		32

#define RSCONF_PG_ALLOW_MAX	256
#define RSCONF_PG_PORT		5432	/* an <Allow> without a port */

#define RSCONF_APP_WEBSERVICE	"ReportServerWebService"
#define RSCONF_APP_WEBAPP	"ReportServerWebApp"

struct rsconf_url {
	char	*url;		/* UrlString, "https://+:8443" */
	char	*account_sid;	/* AccountSid ("S-1-22-1-<uid>") */
	char	*account_name;	/* AccountName, may be NULL */
};

struct rsconf_app {
	char			*name;	/* ReportServerWebService, ... */
	char			*vdir;	/* ReportServer, Reports */
	struct rsconf_url	 urls[RSCONF_URLS_MAX];
	size_t			 nurls;
};

/*
 * <PostgreSQLDataSources><Allow>host[:port]/database</Allow>...: the
 * PostgreSQL databases reports may connect to.  host is a name or address
 * (IPv6 in brackets) or a socket folder ("/run/postgresql"); '*' and '?'
 * match in host and database; the port is RSCONF_PG_PORT unless given,
 * ":*" for any.  No element, or no <Allow>: no PostgreSQL data source.
 * Queries run in a read-only transaction unless the <Allow> that lets
 * them connect says ReadWrite="true".
 */
struct rsconf_pg_allow {
	char		*host;
	unsigned	 port;		/* 0: any */
	char		*dbname;
	bool		 read_write;	/* <Allow ReadWrite="true">: queries
					 * may write; else read-only */
};

/* SMTPTLSMode (ours; SMTPUseSSL False alone means none). */
enum rsconf_tls {
	RSCONF_TLS_STARTTLS = 0,
	RSCONF_TLS_IMPLICIT = 1,
	RSCONF_TLS_NONE = 2,
};

#define RSCONF_SHARE_PATHS_MAX	64

/* The Report Server Email delivery extension's settings. */
struct rsconf_email {
	char		*smtp_server;
	unsigned	 port;		/* SMTPServerPort, 0: by TLS mode */
	unsigned	 send_using;	/* 2: network (the only one here) */
	enum rsconf_tls	 tls;
	unsigned	 authenticate;	/* 0 none, 1 basic (PLAIN/LOGIN) */
	char		*user;		/* SendUserName as stored (encrypted) */
	char		*password;	/* SendPassword as stored (encrypted) */
	char		*from;
	char		*ca_file;	/* SMTPCAFile: trusted roots, or NULL */
	char		*default_host;	/* DefaultHostName: links, Message-ID */
	unsigned	 timeout_s;	/* SMTPConnectionTimeout */
	unsigned	 max_retries;	/* MaxRetries */
	unsigned	 retry_s;	/* SecondsBeforeRetry */
};

struct rsconf {
	char		*file;		/* name used in messages */
	void		*doc;		/* the xmlDoc, kept for writing */
	/* Database. */
	bool		 postgres;
	char		*dsn;		/* file path or libpq conninfo */
	char		*instance_id;
	char		*installation_id;
	/* Add keys. */
	int		 secure_level;	/* SecureConnectionLevel 0..3 */
	size_t		 max_upload;	/* MaxUploadBytes */
	unsigned	 execlog_days;	/* ExecutionLogDaysKept, 0: forever */
	char		*data_root;	/* DataSourceRoot: the folder SQLite data
					 * sources must be in; NULL: ROOT/data */
	struct rsconf_pg_allow *pg_allow;	/* PostgreSQLDataSources */
	size_t		 npg_allow;
	bool		 pg_allow_seen;	/* the element is there */
	/* URLReservations. */
	bool		 has_urls;
	struct rsconf_app apps[RSCONF_APPS_MAX];
	size_t		 napps;
	/* Authentication. */
	bool		 basic;		/* RSWindowsBasic present */
	char		*realm;
	bool		 src_builtin;	/* AccountSources has BuiltIn */
	bool		 src_pam;	/* AccountSources has PAM */
	char		*pam_service;
	unsigned	 slowdown_after;	/* failures before delays */
	unsigned	 lockout_threshold;	/* failures before lockout */
	unsigned	 lockout_minutes;
	/* Service. */
	bool		 web_service_enabled;
	char		*hostname;
	char		*url_root;
	unsigned	 workers;	/* MaxQueueThreads, 0: default */
	bool		 verbose;
	/* Scheduling (Service). */
	unsigned	 polling_s;	/* PollingInterval, seconds */
	bool		 scheduling;	/* IsSchedulingService */
	bool		 notification;	/* IsNotificationService */
	unsigned	 sched_threads;	/* SchedulerThreads, 0: default */
	/* Delivery extensions. */
	struct rsconf_email email;
	char		*share_paths[RSCONF_SHARE_PATHS_MAX];
	size_t		 nshare_paths;	/* FileShareConfiguration/AllowedPaths */
	unsigned	 share_max_retries;
	unsigned	 share_retry_s;
};

/*
 * Reads and checks a config file.  RS_E_NOTFOUND when missing,
 * RS_E_CONFIG with file:line:column when unusable.
 */
struct rsconf	*rsconf_load(const char *path, struct rs_err *);
/* The same over memory; name is used in messages. */
struct rsconf	*rsconf_parse(const char *text, size_t len, const char *name,
		    struct rs_err *);
void		 rsconf_free(struct rsconf *);

/*
 * The text of a default config for a database (dsn: SQLite path or
 * conninfo).  Caller frees.  No URLReservations: the server is then
 * "unconfigured" until rsconfig reserves its URLs.
 */
char	*rsconf_default_text(bool postgres, const char *dsn);

/* Changes the database settings in the document and the struct. */
int	rsconf_set_database(struct rsconf *, bool postgres, const char *dsn,
	    struct rs_err *);
/* Sets an <Add Key=... Value=...> entry (created when missing). */
int	rsconf_set_add(struct rsconf *, const char *key, const char *value,
	    struct rs_err *);
/*
 * Replaces the whole URLReservations section with apps (n == 0 removes
 * it).  Strings are copied.
 */
int	rsconf_set_urls(struct rsconf *, const struct rsconf_app *apps,
	    size_t n, struct rs_err *);
/* Writes the document atomically, mode 0600. */
int	rsconf_save(const struct rsconf *, const char *path, struct rs_err *);

/*
 * Replaces the Report Server Email settings (the whole
 * RSEmailDPConfiguration; user and password as they are to be stored,
 * i.e. already encrypted) and re-reads the struct.
 */
int	rsconf_set_email(struct rsconf *, const struct rsconf_email *,
	    struct rs_err *);
/* Replaces FileShareConfiguration/AllowedPaths (absolute folders). */
int	rsconf_set_share_paths(struct rsconf *, const char *const *paths,
	    size_t n, struct rs_err *);
/* The TLS mode's name ("StartTLS", "Implicit", "None") and back (-1). */
const char	*rsconf_tls_name(enum rsconf_tls);
int		 rsconf_tls_parse(const char *);

/* Finds an application by name (case-insensitive), or NULL. */
const struct rsconf_app *rsconf_app_find(const struct rsconf *,
	    const char *name);

#endif
