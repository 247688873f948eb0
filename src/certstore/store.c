/*
 * store.c: the files of the certificate store.  Opens ROOT/certstore,
 * names the files of an entry, lists a store folder, reads and writes an
 * entry (leaf + chain PEM, PKCS#8 key 0600, .meta sidecar), takes the
 * writers' lock and bumps the generation counter.  Everything written goes
 * through fs_write_atomic; every change is made under cs_lock(), which
 * first sweeps away what a writer killed half-way left behind.
 */
#include "certstore/certstore_int.h"
#include "common/fsutil.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

const char *const cs_store_names[CS_STORES_N] = {
	CERTSTORE_MY, CERTSTORE_ROOT, CERTSTORE_CA
};

int
cs_err_ssl(struct rs_err *e, enum rs_errcode code, const char *fmt, ...)
{
	char		 msg[sizeof(e->msg)], reason[256] = "";
	unsigned long	 last = 0, err;
	const char	*r;
	va_list		 ap;

	while ((err = ERR_get_error()) != 0)
		last = err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (last != 0) {
		r = ERR_reason_error_string(last);
		snprintf(reason, sizeof(reason), ": %s", r != NULL ? r :
		    "unknown OpenSSL error");
	}
	return rs_err_set(e, code, "%s%s", msg, reason);
}

const char *
certstore_store_name(const char *input, struct rs_err *e)
{
	size_t	i;

	if (input == NULL)
		return CERTSTORE_MY;
	for (i = 0; i < CS_STORES_N; i++)
		if (str_ieq(input, cs_store_names[i]))
			return cs_store_names[i];
	rs_err_set(e, RS_E_USAGE,
	    "unknown store '%s'; the stores are My, Root and CA", input);
	return NULL;
}

struct certstore *
certstore_open(const char *root, struct rs_err *e)
{
	struct certstore	*cs = xcalloc(1, sizeof(*cs));
	char			 sub[RS_PATH_MAX];
	size_t			 i;

	if (fs_mkdir_p(root, 0755, e) == -1 ||
	    rs_root_path(root, "certstore", cs->dir, sizeof(cs->dir), e) == -1)
		goto fail;
	for (i = 0; i <= CS_STORES_N; i++) {
		if (cs_dir(cs, i < CS_STORES_N ? cs_store_names[i] : CS_REQUEST,
		    sub, sizeof(sub), e) == -1 ||
		    fs_mkdir_p(sub, 0700, e) == -1)
			goto fail;
	}
	return cs;
fail:
	rs_err_prefix(e, "cannot open the certificate store");
	free(cs);
	return NULL;
}

void
certstore_close(struct certstore *cs)
{
	free(cs);
}

void
certstore_set_service_user(struct certstore *cs, uid_t uid, gid_t gid)
{
	cs->svc_uid = uid;
	cs->svc_gid = gid;
}

int
cs_dir(const struct certstore *cs, const char *sub, char *out, size_t outsz,
    struct rs_err *e)
{
	int	n = snprintf(out, outsz, "%s/%s", cs->dir, sub);

	if (n < 0 || (size_t)n >= outsz)
		return rs_err_set(e, RS_E_IO, "path too long: %s/%s", cs->dir,
		    sub);
	return 0;
}

int
cs_file(const struct certstore *cs, const char *sub, const char *name,
    const char *ext, char *out, size_t outsz, struct rs_err *e)
{
	int	n = snprintf(out, outsz, "%s/%s/%s%s", cs->dir, sub, name, ext);

	if (n < 0 || (size_t)n >= outsz)
		return rs_err_set(e, RS_E_IO, "path too long: %s/%s/%s%s",
		    cs->dir, sub, name, ext);
	return 0;
}

bool
cs_entry_exists(const struct certstore *cs, const char *store,
    const char *thumb)
{
	char	p[RS_PATH_MAX];

	return cs_file(cs, store, thumb, ".crt", p, sizeof(p), NULL) == 0 &&
	    fs_exists(p);
}

/*
 * Whether name is debris of a writer that died (kill -9, power loss)
 * half-way: a temporary file of fs_write_atomic, or in My/Root/CA a .key
 * or .meta whose .crt never arrived.  Only called under the lock, when no
 * other writer can be half-way.
 */
static bool
is_debris(const char *folder, const char *name, bool entries)
{
	char		 crt[RS_PATH_MAX];
	const char	*dot;
	size_t		 n;

	if (strstr(name, ".tmp.") != NULL)
		return true;
	dot = strrchr(name, '.');
	if (!entries || dot == NULL ||
	    (strcmp(dot, ".key") != 0 && strcmp(dot, ".meta") != 0))
		return false;
	n = (size_t)(dot - name);
	if (snprintf(crt, sizeof(crt), "%s/%.*s.crt", folder, (int)n,
	    name) >= (int)sizeof(crt))
		return false;
	return !fs_exists(crt);
}

static void
sweep_folder(const char *folder, bool entries)
{
	char		 p[RS_PATH_MAX];
	struct dirent	*d;
	DIR		*dir = opendir(folder);

	if (dir == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' || !is_debris(folder, d->d_name,
		    entries))
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", folder, d->d_name) <
		    (int)sizeof(p))
			unlink(p);
	}
	closedir(dir);
}

int
cs_lock(const struct certstore *cs, struct rs_err *e)
{
	char	p[RS_PATH_MAX];
	size_t	i;
	int	fd;

	if (cs_dir(cs, ".lock", p, sizeof(p), e) == -1)
		return -1;
	fd = fs_lock(p, true, e);
	if (fd == -1)
		return -1;
	for (i = 0; i <= CS_STORES_N; i++)
		if (cs_dir(cs, i < CS_STORES_N ? cs_store_names[i] : CS_REQUEST,
		    p, sizeof(p), NULL) == 0)
			sweep_folder(p, i < CS_STORES_N);
	sweep_folder(cs->dir, false);
	return fd;
}

void
cs_unlock(int fd)
{
	if (fd != -1)
		fs_unlock(fd);
}

static uint64_t
read_generation(const struct certstore *cs)
{
	char		 p[RS_PATH_MAX], *s;
	uint64_t	 g = 0;

	if (cs_dir(cs, "generation", p, sizeof(p), NULL) == -1)
		return 0;
	s = fs_read_file(p, 64, NULL, NULL);
	if (s == NULL)
		return 0;
	if (str_parse_uint(str_trim(s), 0, UINT64_MAX - 1, &g, "generation",
	    NULL) == -1)
		g = 0;
	free(s);
	return g;
}

uint64_t
certstore_generation(struct certstore *cs)
{
	return read_generation(cs);
}

int
cs_bump_generation(const struct certstore *cs, struct rs_err *e)
{
	char	p[RS_PATH_MAX], text[32];
	int	n;

	if (cs_dir(cs, "generation", p, sizeof(p), e) == -1)
		return -1;
	n = snprintf(text, sizeof(text), "%" PRIu64 "\n",
	    read_generation(cs) + 1);
	return fs_write_atomic(p, text, (size_t)n, 0644, e);
}

static bool
is_thumb_file(const char *name)
{
	size_t	i;

	if (strlen(name) != CERTSTORE_THUMB_LEN + 4 ||
	    strcmp(name + CERTSTORE_THUMB_LEN, ".crt") != 0)
		return false;
	for (i = 0; i < CERTSTORE_THUMB_LEN; i++)
		if (strchr("0123456789ABCDEF", name[i]) == NULL ||
		    name[i] == '\0')
			return false;
	return true;
}

static int
thumb_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
cs_thumbs(const struct certstore *cs, const char *store,
    char (**out)[CERTSTORE_THUMB_LEN + 1], size_t *n, struct rs_err *e)
{
	char		  p[RS_PATH_MAX];
	char		(*v)[CERTSTORE_THUMB_LEN + 1] = NULL;
	size_t		  len = 0, cap = 0;
	struct dirent	 *d;
	DIR		 *dir;

	if (cs_dir(cs, store, p, sizeof(p), e) == -1)
		return -1;
	dir = opendir(p);
	if (dir == NULL)
		return rs_err_sys(e, errno == EACCES ? RS_E_PERM : RS_E_IO,
		    "cannot read store folder %s", p);
	while ((d = readdir(dir)) != NULL) {
		if (!is_thumb_file(d->d_name))
			continue;
		if (len == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		memcpy(v[len], d->d_name, CERTSTORE_THUMB_LEN);
		v[len++][CERTSTORE_THUMB_LEN] = '\0';
	}
	closedir(dir);
	if (len > 0)
		qsort(v, len, sizeof(*v), thumb_cmp);
	*out = v;
	*n = len;
	return 0;
}

void
cs_thumb_of(X509 *x, char out[CERTSTORE_THUMB_LEN + 1])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	n = 0;

	X509_digest(x, EVP_sha1(), md, &n);
	str_hex_encode(md, n, out, true);
}

void
cs_sha256_of(X509 *x, char out[CERTSTORE_SHA256_LEN + 1])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	n = 0;

	X509_digest(x, EVP_sha256(), md, &n);
	str_hex_encode(md, n, out, true);
}

int
cs_keyid_of(EVP_PKEY *key, char out[CERTSTORE_THUMB_LEN + 1],
    struct rs_err *e)
{
	unsigned char	*der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	int		 n;

	n = key != NULL ? i2d_PUBKEY(key, &der) : 0;
	if (n <= 0)
		return cs_err_ssl(e, RS_E_BADINPUT, "cannot encode public key");
	EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha1(), NULL);
	OPENSSL_free(der);
	str_hex_encode(md, mdlen, out, true);
	return 0;
}

STACK_OF(X509) *
cs_pem_certs_parse(const char *pem, size_t len, const char *what,
    struct rs_err *e)
{
	STACK_OF(X509)	*sk = sk_X509_new_null();
	BIO		*bio = BIO_new_mem_buf(pem, (int)len);
	X509		*x;

	if (sk == NULL || bio == NULL) {
		cs_err_ssl(e, RS_E_INTERNAL, "out of memory");
		goto fail;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		sk_X509_push(sk, x);
	ERR_clear_error();	/* the end of the data */
	if (sk_X509_num(sk) == 0) {
		rs_err_set(e, RS_E_BADINPUT, "%s holds no certificate", what);
		goto fail;
	}
	BIO_free(bio);
	return sk;
fail:
	BIO_free(bio);
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}

static char *
bio_take(BIO *bio, size_t *len)
{
	char	*data;
	long	 n = BIO_get_mem_data(bio, &data);
	char	*out = xmalloc((size_t)n + 1);

	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	return out;
}

char *
cs_pem_of_certs(X509 *leaf, STACK_OF(X509) *chain, size_t *len,
    struct rs_err *e)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*out = NULL;
	int	 i, ok;

	if (bio == NULL)
		return cs_err_ssl(e, RS_E_INTERNAL, "out of memory"), NULL;
	ok = PEM_write_bio_X509(bio, leaf);
	for (i = 0; ok && chain != NULL && i < sk_X509_num(chain); i++)
		ok = PEM_write_bio_X509(bio, sk_X509_value(chain, i));
	if (ok)
		out = bio_take(bio, len);
	else
		cs_err_ssl(e, RS_E_INTERNAL, "cannot encode certificate");
	BIO_free(bio);
	return out;
}

char *
cs_pem_of_key(EVP_PKEY *key, size_t *len, struct rs_err *e)
{
	BIO	*bio = BIO_new(BIO_s_secmem());
	char	*out = NULL, *data;
	long	 n;

	if (bio == NULL)
		bio = BIO_new(BIO_s_mem());
	if (bio == NULL)
		return cs_err_ssl(e, RS_E_INTERNAL, "out of memory"), NULL;
	if (PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)) {
		n = BIO_get_mem_data(bio, &data);
		out = xmalloc((size_t)n + 1);
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
		*len = (size_t)n;
	} else
		cs_err_ssl(e, RS_E_INTERNAL, "cannot encode private key");
	BIO_free(bio);	/* BUF_MEM_free wipes the BIO's buffer */
	return out;
}

/* A password callback that refuses: a stored key is never encrypted, and
 * OpenSSL must never prompt on a terminal. */
static int
no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

EVP_PKEY *
cs_key_read(const char *path, struct rs_err *e)
{
	EVP_PKEY	*key;
	BIO		*bio;
	char		*pem;
	size_t		 len = 0;

	pem = fs_read_file(path, CERTSTORE_FILE_MAX, &len, e);
	if (pem == NULL)
		return NULL;
	bio = BIO_new_mem_buf(pem, (int)len);
	key = bio == NULL ? NULL :
	    PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
	BIO_free(bio);
	fs_free_secret(pem, len);
	if (key == NULL)
		cs_err_ssl(e, RS_E_BADINPUT, "cannot read private key %s",
		    path);
	return key;
}

char *
cs_meta_text(const char *friendly)
{
	return xasprintf("friendly_name=%s\n", friendly != NULL ? friendly :
	    "");
}

char *
cs_meta_friendly(const char *path)
{
	char	*text, *line, *end, *out = NULL;

	text = fs_read_file(path, 64 * 1024, NULL, NULL);
	if (text == NULL)
		return xstrdup("");
	for (line = text; line != NULL && *line != '\0'; line = end) {
		end = strchr(line, '\n');
		if (end != NULL)
			*end++ = '\0';
		if (str_has_prefix(line, "friendly_name=") && out == NULL)
			out = xstrdup(line + strlen("friendly_name="));
	}
	free(text);
	return out != NULL ? out : xstrdup("");
}

int
cs_friendly_check(const char *s, struct rs_err *e)
{
	const unsigned char	*p;

	if (s == NULL)
		return 0;
	if (strlen(s) > CERTSTORE_FRIENDLY_MAX)
		return rs_err_set(e, RS_E_USAGE, "friendly name is longer than "
		    "%d bytes", CERTSTORE_FRIENDLY_MAX);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return rs_err_set(e, RS_E_USAGE, "friendly name "
			    "contains a control character");
	return 0;
}
