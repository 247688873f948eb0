/*
 * root.h: the state root.  Every tool and daemon keeps all of its state
 * under one folder, so tests run a whole machine's stores in a temporary
 * folder.  The root comes from --root DIR, else the RS_ROOT environment
 * variable, else RS_ROOT_DEFAULT.
 *
 * Layout under the root (each piece owns its part):
 *   certstore/{My,Root,CA,REQUEST}/   the machine certificate store
 *   http/                             binding store (httpsvc, httpcfg)
 *   run/                              sockets and pid files
 *   run/reportserver/                 the report server's own socket
 *   reportserver/                     rsreportserver.config, database
 *   data/                             SQLite databases reports may read
 *   log/                              log files of background services
 */
#ifndef RS_COMMON_ROOT_H
#define RS_COMMON_ROOT_H

#include <stddef.h>

#include "common/err.h"

#define RS_ROOT_DEFAULT	"/var/lib/reportserver"
#define RS_ROOT_ENV	"RS_ROOT"
#define RS_PATH_MAX	4096
/* Under the root: the default folder SQLite data sources are confined to. */
#define RS_DATA_DIR	"data"
/*
 * Under the root: the report server's socket, in a folder of its own so
 * that it can run as its service account (rsconfig makes the folder the
 * account's) while run/ stays root's.
 */
#define RS_REPORTSERVER_SOCK_DIR	"run/reportserver"
#define RS_REPORTSERVER_SOCK	RS_REPORTSERVER_SOCK_DIR "/reportserver.sock"

/*
 * Resolves the state root: opt (from --root, may be NULL), else $RS_ROOT,
 * else RS_ROOT_DEFAULT.  A relative path is made absolute against the
 * current folder.  The folder need not exist yet.  Writes into out.
 */
int	rs_root_resolve(const char *opt, char *out, size_t outsz,
	    struct rs_err *);

/*
 * Joins root and a relative path ("certstore/My") into out.  Returns 0 or
 * -1 (RS_E_IO) when the result does not fit.
 */
int	rs_root_path(const char *root, const char *rel, char *out,
	    size_t outsz, struct rs_err *);

#endif
