/*
 * cmd_wmi.c: 'rsconfig wmi METHOD Name=Value ...', the provider's methods
 * called by name with their parameter names, answered in the provider's
 * shape (out parameters as JSON, parallel arrays for the lists, HRESULT
 * as a signed 32-bit number), for scripts written against the original.
 */
#include "rsconfig/cmd.h"
#include "common/buf.h"
#include "common/str.h"
#include "rsconf/rsconf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The value of Name=Value among the words, or NULL. */
static const char *
param(const struct popts *p, const char *name)
{
	size_t	n = strlen(name);

	for (int i = 2; i < p->nwords; i++)
		if (strncasecmp(p->words[i], name, n) == 0 &&
		    p->words[i][n] == '=')
			return p->words[i] + n + 1;
	return NULL;
}

static unsigned
uparam(const struct popts *p, const char *name)
{
	const char	*v = param(p, name);
	uint64_t	 u = 0;

	if (v != NULL)
		(void)str_parse_uint(v, 0, 65535, &u, name, NULL);
	return (unsigned)u;
}

static bool
bparam(const struct popts *p, const char *name)
{
	const char	*v = param(p, name);

	return v != NULL && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static void
arr(struct buf *b, const char *name, size_t n, const void *base, size_t sz,
    size_t off)
{
	(void)buf_printf(b, NULL, "\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		(void)buf_puts(b, i ? "," : "", NULL);
		(void)buf_json_str(b, (const char *)base + i * sz + off, NULL);
	}
	(void)buf_puts(b, "],", NULL);
}

static int
list_urls(struct rsmgmt *m, struct buf *b, struct rsmgmt_result *r)
{
	struct rsmgmt_url	*v = NULL;
	size_t			 n = 0;

	if (rsmgmt_list_reserved_urls(m, &v, &n, r) != 0)
		return -1;
#define F(f) sizeof(*v), offsetof(struct rsmgmt_url, f)
	arr(b, "Application", n, v, F(application));
	arr(b, "UrlString", n, v, F(url_string));
	arr(b, "Account", n, v, F(account));
	arr(b, "AccountSID", n, v, F(account_sid));
#undef F
	(void)buf_printf(b, NULL, "\"Length\":%zu,", n);
	free(v);
	return 0;
}

static int
list_certs(struct rsmgmt *m, struct buf *b, struct rsmgmt_result *r)
{
	struct rsmgmt_cert	*v = NULL;
	size_t			 n = 0;

	if (rsmgmt_list_ssl_certificates(m, true, &v, &n, r) != 0)
		return -1;
	arr(b, "CertificateHash", n, v, sizeof(*v),
	    offsetof(struct rsmgmt_cert, hash));
	arr(b, "CertName", n, v, sizeof(*v), offsetof(struct rsmgmt_cert, name));
	(void)buf_puts(b, "\"HostName\":[", NULL);
	for (size_t i = 0; i < n; i++) {
		(void)buf_puts(b, i ? "," : "", NULL);
		(void)buf_json_str(b, v[i].host_names, NULL);
	}
	(void)buf_printf(b, NULL, "],\"Length\":%zu,", n);
	rsmgmt_certs_free(v, n);
	return 0;
}

static int
list_bindings(struct rsmgmt *m, struct buf *b, struct rsmgmt_result *r)
{
	struct rsmgmt_binding	*v = NULL;
	size_t			 n = 0;

	if (rsmgmt_list_ssl_bindings(m, &v, &n, r) != 0)
		return -1;
#define F(f) sizeof(*v), offsetof(struct rsmgmt_binding, f)
	arr(b, "Application", n, v, F(application));
	arr(b, "CertificateHash", n, v, F(hash));
	arr(b, "IPAddress", n, v, F(ip));
	(void)buf_puts(b, "\"Port\":[", NULL);
	for (size_t i = 0; i < n; i++)
		(void)buf_printf(b, NULL, "%s%u", i ? "," : "", v[i].port);
	(void)buf_puts(b, "],", NULL);
	arr(b, "Errors", n, v, F(error));
#undef F
	(void)buf_printf(b, NULL, "\"Length\":%zu,", n);
	free(v);
	return 0;
}

static int
list_ips(struct buf *b, struct rsmgmt_result *r)
{
	struct rsmgmt_ip	v[RSMGMT_IPS_MAX];
	size_t			n = 0;

	if (rsmgmt_list_ip_addresses(v, RSMGMT_IPS_MAX, &n, r) != 0)
		return -1;
	arr(b, "IPAddress", n, v, sizeof(*v), offsetof(struct rsmgmt_ip,
	    address));
	arr(b, "IPVersion", n, v, sizeof(*v), offsetof(struct rsmgmt_ip,
	    version));
	(void)buf_puts(b, "\"IsDhcpEnabled\":[", NULL);
	for (size_t i = 0; i < n; i++)
		(void)buf_printf(b, NULL, "%sfalse", i ? "," : "");
	(void)buf_printf(b, NULL, "],\"Length\":%zu,", n);
	return 0;
}

/* The changing methods: 1 when name was one of them. */
static int
change(struct popts *p, struct rsmgmt *m, const char *name,
    struct rsmgmt_results *res, struct rsmgmt_result *r)
{
	const char	*app = param(p, "Application");

	if (strcasecmp(name, "ReserveURL") == 0)
		rsmgmt_reserve_url(m, app, param(p, "UrlString"), res, r);
	else if (strcasecmp(name, "RemoveURL") == 0)
		rsmgmt_remove_url(m, app, param(p, "UrlString"), res, r);
	else if (strcasecmp(name, "SetVirtualDirectory") == 0)
		rsmgmt_set_virtual_directory(m, app, param(p,
		    "VirtualDirectory"), res, r);
	else if (strcasecmp(name, "CreateSSLCertificateBinding") == 0)
		rsmgmt_create_ssl_binding(m, app, param(p, "CertificateHash") ?
		    param(p, "CertificateHash") : "", param(p, "IPAddress") ?
		    param(p, "IPAddress") : "0.0.0.0", uparam(p, "Port"), res,
		    r);
	else if (strcasecmp(name, "RemoveSSLCertificateBindings") == 0)
		rsmgmt_remove_ssl_bindings(m, app, param(p, "CertificateHash") ?
		    param(p, "CertificateHash") : "", param(p, "IPAddress") ?
		    param(p, "IPAddress") : "0.0.0.0", uparam(p, "Port"), res,
		    r);
	else if (strcasecmp(name, "SetSecureConnectionLevel") == 0)
		rsmgmt_set_secure_connection_level(m, (int)uparam(p, "Level"),
		    res, r);
	else if (strcasecmp(name, "SetWindowsServiceIdentity") == 0)
		rsmgmt_set_service_identity(m, param(p, "Account") != NULL ?
		    param(p, "Account") : "", res, r);
	else if (strcasecmp(name, "SetServiceState") == 0)
		rsmgmt_set_service_state(m, bparam(p, "EnableWindowsService"),
		    bparam(p, "EnableWebService"), bparam(p,
		    "EnableReportManager"), r);
	else
		return 0;
	return 1;
}

static int
list(struct rsmgmt *m, const char *name, struct buf *b,
    struct rsmgmt_result *r)
{
	int	rc;

	if (strcasecmp(name, "ListReservedUrls") == 0)
		rc = list_urls(m, b, r);
	else if (strcasecmp(name, "ListSSLCertificates") == 0)
		rc = list_certs(m, b, r);
	else if (strcasecmp(name, "ListSSLCertificateBindings") == 0)
		rc = list_bindings(m, b, r);
	else if (strcasecmp(name, "ListIPAddresses") == 0)
		rc = list_ips(b, r);
	else
		return rsmgmt_err(r, RSMGMT_InvalidParameter, "unknown method "
		    "%s", name), -1;
	return rc;
}

int
cmd_wmi(struct popts *p)
{
	struct rsmgmt_results	*res = calloc(1, sizeof(*res));
	struct rsmgmt_result	 r;
	struct rsmgmt		*m;
	struct buf		 b;
	int			 rc = 0;

	if (res == NULL)
		return 71;
	if (p->nwords < 2) {
		fprintf(stderr, "rsconfig: wmi needs a METHOD\n");
		free(res);
		return 64;
	}
	p->json = true;
	if ((m = pages_open(p, &rc)) == NULL) {
		free(res);
		return rc;
	}
	res->dry_run = p->dry_run;
	if (change(p, m, p->words[1], res, &r)) {
		pout_results(p, res, &r);
		rc = r.hresult == 0 ? 0 : 1;
	} else {
		buf_init(&b, 0);
		(void)buf_puts(&b, "{", NULL);
		if (list(m, p->words[1], &b, &r) == -1)
			rc = pout_fail(p, &r);
		else
			printf("%s\"HRESULT\":0}\n", b.data);
		buf_fini(&b);
	}
	rsmgmt_close(m);
	free(res);
	return rc;
}
