/*
 * rsconf_int.h (internal to rsconf/): the parse context and the tree
 * helpers shared by parse.c and write.c.
 */
#ifndef RS_RSCONF_INT_H
#define RS_RSCONF_INT_H

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "rsconf/rsconf.h"

struct pctx {
	const char	*text;	/* the source, for columns */
	size_t		 len;
	const char	*name;	/* file name for messages */
	struct rs_err	*e;
};

/* Sets RS_E_CONFIG "name:line:column: message" for node; returns -1. */
int	rsconf_node_err(const struct pctx *, const xmlNode *, const char *,
	    ...) __attribute__((format(printf, 3, 4)));
bool	rsconf_is(const xmlNode *, const char *name);
xmlNode	*rsconf_child(xmlNode *parent, const char *name);
/* <PostgreSQLDataSources>: fills c->pg_allow (pgallow.c). */
int	rsconf_pg_allow_parse(struct rsconf *c, const struct pctx *,
	    xmlNode *);
void	rsconf_pg_allow_clear(struct rsconf *c);
/* Re-reads the struct fields from the (edited) document. */
int	rsconf_fill(struct rsconf *, const struct pctx *);
void	rsconf_clear(struct rsconf *);

#endif
