/*
 * pgallow.c: <PostgreSQLDataSources>, the PostgreSQL databases reports may
 * connect to.  Each <Allow> holds one "host[:port]/database" pattern:
 *
 *   <PostgreSQLDataSources>
 *     <Allow>db1.example.com/sales</Allow>        port 5432
 *     <Allow>10.0.0.7:6432/dw_*</Allow>           any database dw_...
 *     <Allow>[::1]:6432/reports</Allow>            IPv6
 *     <Allow>/run/postgresql/reports</Allow>      the local socket
 *     <Allow ReadWrite="true">db1/etl</Allow>      queries may write
 *   </PostgreSQLDataSources>
 *
 * The database is what follows the last '/'; a port is ":N" or ":*" at
 * the end of the host.  Syntax only is checked here; data/ matches.
 */
#include "rsconf/rsconf_int.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PATTERN_MAX	300

void
rsconf_pg_allow_clear(struct rsconf *c)
{
	for (size_t i = 0; i < c->npg_allow; i++) {
		free(c->pg_allow[i].host);
		free(c->pg_allow[i].dbname);
	}
	free(c->pg_allow);
	c->pg_allow = NULL;
	c->npg_allow = 0;
	c->pg_allow_seen = false;
}

static bool
word_ok(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)s[i]) || iscntrl((unsigned char)s[i]) ||
		    s[i] == ',' || s[i] == '\'' || s[i] == '"')
			return false;
	return true;
}

/* ":N" or ":*" ending host[0..*n]; shortens *n.  -1: a bad port. */
static int
split_port(const char *h, size_t *n, unsigned *port)
{
	const char	*colon = NULL;
	char		 num[8];
	uint64_t	 v;

	for (size_t i = *n; i > 0; i--)
		if (h[i - 1] == ':') {
			colon = h + i - 1;
			break;
		}
	*port = RSCONF_PG_PORT;
	if (colon == NULL || (h[0] == '[' && colon < strchr(h, ']')))
		return 0;
	if ((size_t)(h + *n - colon - 1) >= sizeof(num))
		return -1;
	memcpy(num, colon + 1, (size_t)(h + *n - colon - 1));
	num[h + *n - colon - 1] = '\0';
	if (strcmp(num, "*") == 0)
		*port = 0;
	else if (str_parse_uint(num, 1, 65535, &v, "port", NULL) == 0)
		*port = (unsigned)v;
	else
		return -1;
	*n = (size_t)(colon - h);
	return 0;
}

/* One pattern into a rule; a message for the admin when it is not one. */
static const char *
parse_rule(const char *s, struct rsconf_pg_allow *r)
{
	const char	*slash = strrchr(s, '/'), *h = s;
	size_t		 n;

	if (strlen(s) > PATTERN_MAX)
		return "is too long";
	if (slash == NULL || slash == s || !word_ok(slash + 1,
	    strlen(slash + 1)))
		return "is not of the form host[:port]/database";
	n = (size_t)(slash - s);
	if (split_port(s, &n, &r->port) == -1)
		return "has a port that is not 1 to 65535 or *";
	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']')
			return "has an IPv6 address without its closing ']'";
		h++;
		n -= 2;
	} else if (h[0] != '/' && h[0] != '@' && memchr(h, ':', n) != NULL)
		return "has a ':' in its host; write an IPv6 address in "
		    "brackets, [::1]:5432/db";
	if (!word_ok(h, n))
		return "has an empty host or one with spaces, commas or quotes";
	r->host = xstrndup(h, n);
	r->dbname = xstrdup(slash + 1);
	return NULL;
}

/* ReadWrite="true" or "false" (the default); a message when neither. */
static const char *
read_write(xmlNode *n, struct rsconf_pg_allow *r)
{
	xmlChar		*v = xmlGetProp(n, (const xmlChar *)"ReadWrite");
	const char	*why = NULL;

	if (v == NULL)
		return NULL;
	if (strcasecmp((const char *)v, "true") == 0)
		r->read_write = true;
	else if (strcasecmp((const char *)v, "false") != 0)
		why = "has ReadWrite that is neither \"true\" nor \"false\"";
	xmlFree(v);
	return why;
}

static int
do_allow(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	xmlChar		*t = xmlNodeGetContent(n);
	char		*s = xstrdup(t != NULL ? (const char *)t : "");
	struct rsconf_pg_allow *r;
	const char	*why;
	int		 rc = 0;

	xmlFree(t);
	if (c->npg_allow == RSCONF_PG_ALLOW_MAX) {
		free(s);
		return rsconf_node_err(p, n, "more than %d <Allow> entries",
		    RSCONF_PG_ALLOW_MAX);
	}
	c->pg_allow = xreallocarray(c->pg_allow, c->npg_allow + 1,
	    sizeof(*c->pg_allow));
	r = &c->pg_allow[c->npg_allow];
	memset(r, 0, sizeof(*r));
	why = parse_rule(str_trim(s), r);
	if (why == NULL && (why = read_write(n, r)) != NULL) {
		free(r->host);
		free(r->dbname);
	}
	if (why != NULL)
		rc = rsconf_node_err(p, n, "<Allow>%.80s</Allow> %s (e.g. "
		    "db1.example.com:5432/sales or /run/postgresql/sales)",
		    str_trim(s), why);
	else
		c->npg_allow++;
	free(s);
	return rc;
}

int
rsconf_pg_allow_parse(struct rsconf *c, const struct pctx *p, xmlNode *n)
{
	if (c->pg_allow_seen)
		return rsconf_node_err(p, n, "<PostgreSQLDataSources> appears "
		    "twice; list every <Allow> in one");
	c->pg_allow_seen = true;
	for (xmlNode *a = n->children; a != NULL; a = a->next) {
		if (a->type != XML_ELEMENT_NODE)
			continue;
		if (!rsconf_is(a, "Allow"))
			return rsconf_node_err(p, a, "unexpected <%s> in "
			    "<PostgreSQLDataSources>; use <Allow>host[:port]/"
			    "database</Allow>", a->name);
		if (do_allow(c, p, a) == -1)
			return -1;
	}
	return 0;
}
