/*
 * rskey.c: AES-256-GCM with OpenSSL's EVP interface over the key file of
 * rskey.h.  The key file is created with O_EXCL (two writers cannot make
 * two keys), read back and checked to be 0600 and 32 bytes; key bytes are
 * wiped after each use.
 */
#include "rskey/rskey.h"
#include "common/fsutil.h"
#include "common/root.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_LEN		32
#define NONCE_LEN	12
#define TAG_LEN		16

/* Gives the key file the owner of rsreportserver.config. */
static void
own_like_config(const char *root, const char *path, const char *dir)
{
	char		cfg[RS_PATH_MAX];
	struct stat	st;

	if (geteuid() != 0 || rs_root_path(root, "reportserver/"
	    "rsreportserver.config", cfg, sizeof(cfg), NULL) == -1 ||
	    stat(cfg, &st) == -1)
		return;
	/* Best effort: without it only root reads the key. */
	if (chown(dir, st.st_uid, st.st_gid) == -1 ||
	    chown(path, st.st_uid, st.st_gid) == -1)
		return;
}

static int
make_key(const char *root, const char *path, struct rs_err *e)
{
	unsigned char	key[KEY_LEN];
	char		dir[RS_PATH_MAX];
	int		fd;
	ssize_t		n;

	str_copy(dir, sizeof(dir), path);
	if (fs_mkdir_p(dirname(dir), 0700, e) == -1)
		return -1;
	if (RAND_bytes(key, sizeof(key)) != 1)
		return rs_err_set(e, RS_E_INTERNAL, "cannot make a random key");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		OPENSSL_cleanse(key, sizeof(key));
		return errno == EEXIST ? 0 : rs_err_sys(e, RS_E_IO, "cannot "
		    "create the key file %s", path);
	}
	n = write(fd, key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	if (n != (ssize_t)sizeof(key) || fsync(fd) == -1) {
		close(fd);
		unlink(path);
		return rs_err_sys(e, RS_E_IO, "cannot write the key file %s",
		    path);
	}
	close(fd);
	str_copy(dir, sizeof(dir), path);
	own_like_config(root, path, dirname(dir));
	return 0;
}

static int
load_key(const char *root, bool create, unsigned char key[KEY_LEN],
    struct rs_err *e)
{
	char		 path[RS_PATH_MAX];
	struct stat	 st;
	int		 fd;
	ssize_t		 n;

	if (rs_root_path(root, RSKEY_FILE, path, sizeof(path), e) == -1)
		return -1;
	if (create && access(path, F_OK) == -1 && make_key(root, path, e) ==
	    -1)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return rs_err_sys(e, errno == ENOENT ? RS_E_NOTFOUND : RS_E_IO,
		    "cannot read the installation key %s", path);
	if (fstat(fd, &st) == -1 || (st.st_mode & 077) != 0 ||
	    st.st_size != KEY_LEN) {
		close(fd);
		return rs_err_set(e, RS_E_IO, "the installation key %s must be "
		    "a %d-byte file of mode 0600", path, KEY_LEN);
	}
	n = read(fd, key, KEY_LEN);
	close(fd);
	if (n != KEY_LEN)
		return rs_err_set(e, RS_E_IO, "cannot read the installation "
		    "key %s", path);
	return 0;
}

int
rskey_ensure(const char *root, struct rs_err *e)
{
	unsigned char	key[KEY_LEN];
	int		rv = load_key(root, true, key, e);

	OPENSSL_cleanse(key, sizeof(key));
	return rv;
}

bool
rskey_is_encrypted(const char *s)
{
	return s != NULL && strncmp(s, RSKEY_PREFIX, strlen(RSKEY_PREFIX)) == 0;
}

static int
gcm(bool enc, const unsigned char *key, const unsigned char *nonce,
    const unsigned char *in, int inlen, unsigned char *out,
    unsigned char *tag)
{
	EVP_CIPHER_CTX	*x = EVP_CIPHER_CTX_new();
	int		 n = 0, m = 0, ok;

	if (x == NULL)
		return -1;
	ok = EVP_CipherInit_ex(x, EVP_aes_256_gcm(), NULL, key, nonce,
	    enc ? 1 : 0) == 1 && EVP_CipherUpdate(x, out, &n, in, inlen) == 1;
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
		    tag) == 1;
	ok = ok && EVP_CipherFinal_ex(x, out + n, &m) == 1;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
		    tag) == 1;
	EVP_CIPHER_CTX_free(x);
	return ok ? n + m : -1;
}

char *
rskey_encrypt(const char *root, const char *secret, struct rs_err *e)
{
	unsigned char	 key[KEY_LEN], *raw;
	size_t		 len = strlen(secret), rawlen;
	char		*out;

	if (len > RSKEY_SECRET_MAX) {
		rs_err_set(e, RS_E_LIMIT, "the secret is longer than %d bytes",
		    RSKEY_SECRET_MAX);
		return NULL;
	}
	if (load_key(root, true, key, e) == -1)
		return NULL;
	rawlen = NONCE_LEN + len + TAG_LEN;
	raw = xmalloc(rawlen);
	if (RAND_bytes(raw, NONCE_LEN) != 1 || gcm(true, key, raw,
	    (const unsigned char *)secret, (int)len, raw + NONCE_LEN, raw +
	    NONCE_LEN + len) < 0) {
		OPENSSL_cleanse(key, sizeof(key));
		free(raw);
		rs_err_set(e, RS_E_INTERNAL, "cannot encrypt the secret");
		return NULL;
	}
	OPENSSL_cleanse(key, sizeof(key));
	out = xmalloc(strlen(RSKEY_PREFIX) + str_base64_len(rawlen) + 1);
	memcpy(out, RSKEY_PREFIX, strlen(RSKEY_PREFIX));
	str_base64_encode(raw, rawlen, out + strlen(RSKEY_PREFIX));
	free(raw);
	return out;
}

char *
rskey_decrypt(const char *root, const char *stored, struct rs_err *e)
{
	unsigned char	 key[KEY_LEN], *raw;
	const char	*b64;
	char		*out;
	long		 n;
	int		 m;

	if (!rskey_is_encrypted(stored)) {
		rs_err_set(e, RS_E_BADINPUT, "the stored secret is not "
		    "encrypted; set it again with rsconfig");
		return NULL;
	}
	b64 = stored + strlen(RSKEY_PREFIX);
	raw = xmalloc(strlen(b64) / 4 * 3 + 4);
	n = str_base64_decode(b64, strlen(b64), raw, strlen(b64) / 4 * 3 + 4);
	if (n < NONCE_LEN + TAG_LEN || n > RSKEY_SECRET_MAX + 64) {
		free(raw);
		rs_err_set(e, RS_E_BADINPUT, "the stored secret is damaged");
		return NULL;
	}
	if (load_key(root, false, key, e) == -1) {
		free(raw);
		return NULL;
	}
	out = xmalloc((size_t)n + 1);
	m = gcm(false, key, raw, raw + NONCE_LEN, (int)(n - NONCE_LEN -
	    TAG_LEN), (unsigned char *)out, raw + n - TAG_LEN);
	OPENSSL_cleanse(key, sizeof(key));
	free(raw);
	if (m < 0) {
		OPENSSL_cleanse(out, (size_t)n + 1);
		free(out);
		rs_err_set(e, RS_E_BADINPUT, "the stored secret does not match "
		    "this installation's key; set it again with rsconfig");
		return NULL;
	}
	out[m] = '\0';
	return out;
}

void
rskey_free(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}
