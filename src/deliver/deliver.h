/*
 * deliver.h: the delivery extensions of subscriptions (issue 15): e-mail
 * over SMTP (libcurl: STARTTLS or implicit TLS with the server's
 * certificate verified, AUTH PLAIN or LOGIN, a stable Message-ID), files
 * written into folders an administrator allowed (atomically, with the
 * original's overwrite options), and the settings lists both read.  The
 * report arrives rendered, as bytes; nothing here renders, queries the
 * catalog or knows HTTP.  Only this module includes libcurl.
 *
 * Every outcome is a deliver_result: ok, or a failure that is temporary
 * (try again: a 4xx reply, a connection that failed, a full disk) or
 * permanent (a 5xx reply, a certificate not trusted, a folder not
 * allowed), with one sentence for the subscription's status.
 */
#ifndef RS_DELIVER_DELIVER_H
#define RS_DELIVER_DELIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define DELIVER_ADDRS_MAX	100	/* recipients of one message */
#define DELIVER_ADDR_MAX	254	/* one address (RFC 5321) */
#define DELIVER_KV_MAX		64	/* settings of one subscription */

struct deliver_result {
	bool	 ok;
	bool	 temporary;	/* a failure worth retrying */
	long	 smtp_code;	/* last SMTP reply, 0 when none */
	char	 status[512];	/* "Mail sent to a@example.com" */
};

/* ---- settings (ExtensionSettings.ParameterValues, ParameterValues) ---- */

struct deliver_kv {
	char	*name;
	char	*value;
	bool	 field;		/* IsValueFieldReference: value names a
				 * column of the data-driven query */
};

struct deliver_kvs {
	struct deliver_kv	 v[DELIVER_KV_MAX];
	size_t			 n;
};

/* Adds (copies) a pair; RS_E_LIMIT past DELIVER_KV_MAX. */
int	deliver_kvs_add(struct deliver_kvs *, const char *name,
	    const char *value, bool field, struct rs_err *);
/* The value of a name (case-insensitive), or NULL. */
const char *deliver_kvs_get(const struct deliver_kvs *, const char *name);
void	deliver_kvs_fini(struct deliver_kvs *);
/* The stored text form: one "name\tvalue\tF|V" line per pair, escaped. */
char	*deliver_kvs_encode(const struct deliver_kvs *);
int	deliver_kvs_decode(const char *text, struct deliver_kvs *,
	    struct rs_err *);

/*
 * Replaces @ReportName, @ExecutionTime and @timestamp in text (the
 * original's subject and file name variables).  Returns a new string.
 */
char	*deliver_expand(const char *text, const char *report_name,
	    const char *execution_time, const char *timestamp);

/* ---- e-mail ---- */

enum deliver_tls {
	DELIVER_TLS_STARTTLS,	/* plain connect, STARTTLS required */
	DELIVER_TLS_IMPLICIT,	/* TLS from the first byte (port 465) */
	DELIVER_TLS_NONE,	/* no TLS (only when an administrator says) */
};

struct deliver_smtp {
	const char	*server;	/* SMTPServer */
	uint16_t	 port;		/* SMTPServerPort, 0: 25 or 465 */
	enum deliver_tls tls;
	const char	*ca_file;	/* trusted roots, NULL: the system's */
	const char	*user;		/* AUTH when not NULL */
	const char	*password;
	const char	*auth_mech;	/* "PLAIN", "LOGIN" or NULL: either */
	const char	*from;		/* From */
	const char	*helo;		/* the name we give, NULL: curl's */
	long		 timeout_s;	/* SMTPConnectionTimeout, 0: 60 */
};

struct deliver_mail {
	const char	*to;		/* "a@x; b@y" (';' or ',') */
	const char	*cc;
	const char	*bcc;
	const char	*reply_to;
	const char	*subject;
	const char	*comment;	/* the body text */
	const char	*priority;	/* NORMAL, HIGH, LOW */
	const char	*message_id;	/* "<id@host>", stable per delivery */
	const char	*link;		/* IncludeLink: the report's URL */
	/* The report: attached (name set) or embedded (embed true). */
	const char	*att_name;	/* "Sales.pdf" */
	const char	*att_mime;
	const void	*att_data;
	size_t		 att_len;
	bool		 embed;		/* the data is HTML for the body */
	int64_t		 date;		/* Date header, seconds UTC */
};

/*
 * Checks an address list: each a plain addr-spec (local@domain, no
 * display names, no CR/LF), at most DELIVER_ADDRS_MAX.  *n gets the
 * count.  RS_E_BADINPUT naming the bad address.
 */
int	deliver_addr_check(const char *list, size_t *n, struct rs_err *);
/* Checks a header value (no CR, LF or NUL; at most 998 bytes). */
int	deliver_header_check(const char *what, const char *v, struct rs_err *);

/*
 * Sends one message.  Returns 0 with r filled in every case (r->ok or
 * why not); -1 only for bad input (addresses, headers), with e.
 */
int	deliver_mail_send(const struct deliver_smtp *, const struct deliver_mail *,
	    struct deliver_result *r, struct rs_err *);
/* The message-id for a delivery: "<hex(sha-like of key)@domain>". */
void	deliver_message_id(const char *key, const char *domain, char *out,
	    size_t outsz);
/* curl_global_init, once, before threads. */
void	deliver_global_init(void);

/* ---- file share ---- */

enum deliver_overwrite {
	DELIVER_OVERWRITE,	/* WriteMode Overwrite */
	DELIVER_AUTOINCREMENT,	/* WriteMode AutoIncrement: name_1.ext ... */
	DELIVER_NO_OVERWRITE,	/* WriteMode None: fail if it exists */
};

struct deliver_file {
	const char	*folder;	/* PATH: an absolute folder */
	const char	*name;		/* FILENAME, variables expanded */
	const char	*ext;		/* ".pdf" when FILEEXTN, else NULL */
	enum deliver_overwrite mode;
	const void	*data;
	size_t		 len;
};

/*
 * Writes a file into a folder under one of the allowed roots (real paths
 * compared, symbolic links resolved): to a temporary file in the same
 * folder, fsync, then rename (overwrite) or link (no overwrite,
 * autoincrement), and the folder synced.  A crash leaves the old file or
 * the new one, never a part.  written gets the path.  Returns 0 with r.
 */
int	deliver_file_write(const char *const *allowed, size_t nallowed,
	    const struct deliver_file *, char *written, size_t writtensz,
	    struct deliver_result *r);
/* Reads a WriteMode value; -1 when unknown. */
int	deliver_overwrite_parse(const char *);

#endif
