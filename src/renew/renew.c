/*
 * renew.c: renewal by name (see renew.h): which certificate a following
 * binding should use, and the moves in the binding store.
 */
#include "renew/renew.h"
#include "common/str.h"

#include <string.h>
#include <strings.h>

static bool
has_name(const struct certstore_info *ci, const char *name, size_t len)
{
	for (size_t i = 0; i < ci->n_dns; i++)
		if (strlen(ci->dns_names[i]) == len &&
		    strncasecmp(ci->dns_names[i], name, len) == 0)
			return true;
	return false;
}

/* Does ci serve every name of the space/comma separated list? */
static bool
covers_all(const struct certstore_info *ci, const char *names)
{
	const char	*p = names;
	size_t		 n, seen = 0;

	while (*p != '\0') {
		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if (n == 0)
			break;
		if (!has_name(ci, p, n))
			return false;
		seen++;
		p += n;
	}
	return seen > 0;
}

const struct certstore_info *
renew_pick(const struct binding_ssl *b, const struct certstore_info *certs,
    size_t n)
{
	const struct certstore_info	*cur = NULL, *best = NULL;

	if (b->follow_names == NULL || b->follow_names[0] == '\0')
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(certs[i].thumbprint, b->certhash) == 0)
			cur = &certs[i];
	for (size_t i = 0; i < n; i++) {
		const struct certstore_info *c = &certs[i];
		if (c->problems != 0 || !c->server_auth || c == cur ||
		    !covers_all(c, b->follow_names))
			continue;
		if (cur != NULL && c->not_after <= cur->not_after)
			continue;
		if (best == NULL || c->not_after > best->not_after)
			best = c;
	}
	return best;
}

int
renew_apply(struct binding_store *bs, struct certstore *cs, renew_log_fn *fn,
    void *arg, size_t *moved, struct rs_err *e)
{
	struct binding_ssl	*b = NULL;
	struct certstore_info	*v = NULL;
	size_t			 nb = 0, nv = 0;
	int			 rc = 0;

	*moved = 0;
	if (binding_ssl_list(bs, &b, &nb, e) == -1)
		return -1;
	if (certstore_list(cs, CERTSTORE_MY, &v, &nv, e) == -1) {
		binding_ssl_list_free(b, nb);
		return -1;
	}
	for (size_t i = 0; i < nb && rc == 0; i++) {
		const struct certstore_info *to = renew_pick(&b[i], v, nv);
		struct binding_ssl nb2;
		if (to == NULL)
			continue;
		nb2 = b[i];
		str_copy(nb2.certhash, sizeof(nb2.certhash), to->thumbprint);
		str_copy(nb2.store, sizeof(nb2.store), CERTSTORE_MY);
		rc = binding_ssl_update(bs, &nb2, e);
		if (rc == 0) {
			(*moved)++;
			if (fn != NULL)
				fn(arg, b[i].endpoint, b[i].certhash,
				    to->thumbprint);
		}
	}
	certstore_list_free(v, nv);
	binding_ssl_list_free(b, nb);
	return rc;
}
