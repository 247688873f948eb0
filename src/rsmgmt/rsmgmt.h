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

/* The provider's ErrorCodes used here (name, value). */
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
};

/*
 * Creates the report server database and its first System Administrator,
 * writing a default rsreportserver.config when there is none (or pointing
 * the existing one at the new database).  Refuses when a catalog already
 * exists there.
 */
uint32_t	rsmgmt_database_create(const char *root,
		    const struct rsmgmt_db_create *, struct rsmgmt_db_info *,
		    struct rsmgmt_result *);
/* Shows where the database is and its state. */
uint32_t	rsmgmt_database_show(const char *root, struct rsmgmt_db_info *,
		    struct rsmgmt_result *);
/* Upgrades an older schema in one transaction; *from and *to. */
uint32_t	rsmgmt_database_upgrade(const char *root, int *from, int *to,
		    struct rsmgmt_result *);

/* Copies conninfo with any password=... value replaced by "*****". */
void	rsmgmt_mask_dsn(const char *dsn, char *out, size_t outsz);

#endif
