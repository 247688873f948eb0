/*
 * thumb.c: from what an administrator typed or pasted to the thumbprint
 * of a stored certificate.  Dialogs and web pages hand out thumbprints
 * with spaces, colons, lower case and invisible Unicode marks (the
 * left-to-right mark U+200E that the Windows certificate dialog adds is
 * the classic); all of that is dropped.  A unique prefix of at least
 * CERTSTORE_PREFIX_MIN digits or a SHA-256 fingerprint works too.
 */
#include "certstore/certstore_int.h"
#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the invisible UTF-8 sequence at s, or 0. */
static size_t
invisible_len(const unsigned char *s)
{
	unsigned int	cp;

	if (s[0] == 0xc2 && s[1] == 0xa0)		/* U+00A0 nbsp */
		return 2;
	if (s[0] != 0xe2 && s[0] != 0xef)
		return 0;
	if (s[1] == '\0' || s[2] == '\0')
		return 0;
	cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
	if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff)
		return 3;
	return 0;
}

static const char *
skip_label(const char *s)
{
	static const char *const labels[] = {
		"sha1 fingerprint=", "sha256 fingerprint=", "sha1:", "sha256:",
	};
	size_t	i;

	while (*s == ' ' || *s == '\t')
		s++;
	for (i = 0; i < nitems(labels); i++)
		if (str_has_iprefix(s, labels[i]))
			return s + strlen(labels[i]);
	return s;
}

static int
bad_char(const char *input, unsigned char c, struct rs_err *e)
{
	char	what[16];

	if (c >= 0x20 && c < 0x7f)
		snprintf(what, sizeof(what), "'%c'", c);
	else
		snprintf(what, sizeof(what), "byte 0x%02x", c);
	return rs_err_set(e, RS_E_USAGE, "'%s' is not a thumbprint: %s is "
	    "not a hex digit", input, what);
}

int
certstore_thumb_normalize(const char *input, char out[65], struct rs_err *e)
{
	const unsigned char	*s = (const unsigned char *)skip_label(input);
	size_t			 n = 0, skip;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == ':' || *s == '\t' || *s == '\r' ||
		    *s == '\n' || *s == '-')
			continue;
		if ((skip = invisible_len(s)) > 0) {
			s += skip - 1;
			continue;
		}
		if (strchr("0123456789abcdefABCDEF", *s) == NULL)
			return bad_char(input, *s, e);
		if (n == CERTSTORE_SHA256_LEN)
			return rs_err_set(e, RS_E_USAGE, "'%s' is not a "
			    "thumbprint: more than %d hex digits", input,
			    CERTSTORE_SHA256_LEN);
		out[n++] = (char)(*s >= 'a' ? *s - 'a' + 'A' : *s);
	}
	out[n] = '\0';
	if (n == 0)
		return rs_err_set(e, RS_E_USAGE, "no thumbprint given");
	if (n < CERTSTORE_PREFIX_MIN)
		return rs_err_set(e, RS_E_USAGE,
		    "thumbprint '%s' is too short: give at least %d hex digits",
		    out, CERTSTORE_PREFIX_MIN);
	return (int)n;
}

/* The SHA-256 of a stored certificate, or "" when it does not load. */
static void
sha256_of_entry(struct certstore *cs, const char *store, const char *thumb,
    char out[CERTSTORE_SHA256_LEN + 1])
{
	struct cs_entry	en;

	out[0] = '\0';
	if (cs_entry_load(cs, store, thumb, false, &en, NULL) == 0) {
		cs_sha256_of(en.leaf, out);
		cs_entry_fini(&en);
	}
}

/* Where else the thumbprint lives, as a hint for a NOTFOUND message. */
static const char *
other_store(struct certstore *cs, const char *store, const char *want)
{
	char	 (*v)[CERTSTORE_THUMB_LEN + 1];
	size_t	   i, j, n;
	bool	   hit;

	for (i = 0; i < CS_STORES_N; i++) {
		if (strcmp(cs_store_names[i], store) == 0 ||
		    cs_thumbs(cs, cs_store_names[i], &v, &n, NULL) == -1)
			continue;
		hit = false;
		for (j = 0; j < n && !hit; j++)
			hit = str_has_prefix(v[j], want);
		free(v);
		if (hit)
			return cs_store_names[i];
	}
	return NULL;
}

static int
not_found(struct certstore *cs, const char *store, const char *digits,
    size_t n, struct rs_err *e)
{
	const char	*other = n <= CERTSTORE_THUMB_LEN ?
			    other_store(cs, store, digits) : NULL;

	if (other != NULL)
		return rs_err_set(e, RS_E_NOTFOUND, "no certificate %s in the "
		    "%s store; it is in the %s store (use --store %s)", digits,
		    store, other, other);
	return rs_err_set(e, RS_E_NOTFOUND, "no certificate %s in the %s "
	    "store; 'certstore list --store %s' shows what is there", digits,
	    store, store);
}

static int
ambiguous(const char *store, const char *digits,
    char (*v)[CERTSTORE_THUMB_LEN + 1], size_t *hits, size_t nhits,
    struct rs_err *e)
{
	struct buf	b;
	size_t		i;
	int		rv;

	buf_init(&b, 0);
	for (i = 0; i < nhits && i < 4; i++)
		buf_printf(&b, NULL, "%s%s", i > 0 ? ", " : "", v[hits[i]]);
	if (nhits > 4)
		buf_puts(&b, ", ...", NULL);
	rv = rs_err_set(e, RS_E_AMBIGUOUS, "thumbprint %s is ambiguous: it "
	    "matches %zu certificates in the %s store (%s); give more digits",
	    digits, nhits, store, b.data != NULL ? b.data : "");
	buf_fini(&b);
	return rv;
}

int
certstore_resolve(struct certstore *cs, const char *store, const char *input,
    char out[CERTSTORE_THUMB_LEN + 1], struct rs_err *e)
{
	char	 digits[65], sha[CERTSTORE_SHA256_LEN + 1];
	char	(*v)[CERTSTORE_THUMB_LEN + 1] = NULL;
	size_t	*hits, nhits = 0, n = 0, i;
	int	 len;

	if ((store = certstore_store_name(store, e)) == NULL)
		return -1;
	if ((len = certstore_thumb_normalize(input, digits, e)) == -1)
		return -1;
	if (cs_thumbs(cs, store, &v, &n, e) == -1)
		return -1;
	hits = xcalloc(n + 1, sizeof(*hits));
	for (i = 0; i < n; i++) {
		if (len <= CERTSTORE_THUMB_LEN) {
			if (str_has_prefix(v[i], digits))
				hits[nhits++] = i;
			continue;
		}
		sha256_of_entry(cs, store, v[i], sha);
		if (str_has_prefix(sha, digits))
			hits[nhits++] = i;
	}
	if (nhits == 1)
		memcpy(out, v[hits[0]], CERTSTORE_THUMB_LEN + 1);
	else if (nhits == 0)
		not_found(cs, store, digits, (size_t)len, e);
	else
		ambiguous(store, digits, v, hits, nhits, e);
	free(hits);
	free(v);
	return nhits == 1 ? 0 : -1;
}
