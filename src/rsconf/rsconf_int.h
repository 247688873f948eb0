/*
 * rsconf_int.h (internal to rsconf/): the parse context and the tree
 * helpers shared by parse.c and write.c.
 */
#ifndef RS_RSCONF_INT_H
#define RS_RSCONF_INT_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>

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
/* The <Extensions> section of a new config file. */
#define RSCONF_DELIVERY_DEFAULT						\
	"  <Extensions>\n"						\
	"    <Delivery>\n"						\
	"      <Extension Name=\"Report Server Email\">\n"		\
	"        <MaxRetries>3</MaxRetries>\n"				\
	"        <SecondsBeforeRetry>900</SecondsBeforeRetry>\n"	\
	"        <Configuration>\n"					\
	"          <RSEmailDPConfiguration>\n"				\
	"            <SMTPServer></SMTPServer>\n"			\
	"            <SMTPServerPort>25</SMTPServerPort>\n"		\
	"            <SendUsing>2</SendUsing>\n"			\
	"            <SMTPUseSSL>True</SMTPUseSSL>\n"			\
	"            <SMTPTLSMode>StartTLS</SMTPTLSMode>\n"		\
	"            <SMTPAuthenticate>0</SMTPAuthenticate>\n"		\
	"            <From></From>\n"					\
	"            <SMTPConnectionTimeout>60</SMTPConnectionTimeout>\n" \
	"          </RSEmailDPConfiguration>\n"			\
	"        </Configuration>\n"					\
	"      </Extension>\n"						\
	"      <Extension Name=\"Report Server FileShare\">\n"	\
	"        <MaxRetries>3</MaxRetries>\n"				\
	"        <SecondsBeforeRetry>900</SecondsBeforeRetry>\n"	\
	"        <Configuration>\n"					\
	"          <FileShareConfiguration>\n"				\
	"            <!-- The folders file share subscriptions may write\n" \
	"                 into, each as <Path>/absolute/folder</Path>.\n" \
	"                 Empty: none. -->\n"				\
	"            <AllowedPaths/>\n"				\
	"          </FileShareConfiguration>\n"			\
	"        </Configuration>\n"					\
	"      </Extension>\n"						\
	"      <Extension Name=\"NULL\"/>\n"				\
	"    </Delivery>\n"						\
	"  </Extensions>\n"

/* <Extensions>: the delivery extensions' settings (delivery.c). */
int	rsconf_delivery_parse(struct rsconf *c, const struct pctx *,
	    xmlNode *);
void	rsconf_delivery_clear(struct rsconf *c);
void	rsconf_delivery_defaults(struct rsconf *c);
/* Shared with delivery.c (parse.c). */
char	*rsconf_text_of(xmlNode *);
int	rsconf_elem_num(const struct pctx *, xmlNode *, uint64_t min,
	    uint64_t max, unsigned *out);
int	rsconf_parse_bool(const struct pctx *, xmlNode *, bool *out);
/* Re-reads the struct fields from the (edited) document. */
int	rsconf_fill(struct rsconf *, const struct pctx *);
void	rsconf_clear(struct rsconf *);

#endif
