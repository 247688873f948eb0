/*
 * show.c: what certstore prints about certificates: list, show and
 * verify, as aligned text for people or one JSON object per certificate
 * for scripts.  Nothing is hidden: every reason a certificate cannot
 * serve TLS is printed.
 */
#include "certcmd/certcmd_int.h"

#include <stdio.h>
#include <string.h>

void
cc_fmt_time(time_t t, char *out, size_t sz)
{
	struct tm	tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(out, sz, "unknown");
	else
		strftime(out, sz, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void
fmt_iso(time_t t, char *out, size_t sz)
{
	struct tm	tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(out, sz, "unknown");
	else
		strftime(out, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
cc_bits_text(struct buf *b, unsigned bits, const char *(*text)(unsigned),
    const char *sep)
{
	unsigned	bit;
	bool		first = true;

	for (bit = 1; bit != 0; bit <<= 1) {
		if ((bits & bit) == 0)
			continue;
		buf_printf(b, NULL, "%s%s", first ? "" : sep, text(bit));
		first = false;
	}
}

static void
json_bits(struct buf *b, const char *key, unsigned bits,
    const char *(*name)(unsigned), const char *(*text)(unsigned))
{
	unsigned	bit;
	bool		first = true;

	buf_printf(b, NULL, ",\"%s\":[", key);
	for (bit = 1; bit != 0; bit <<= 1) {
		if ((bits & bit) == 0)
			continue;
		buf_printf(b, NULL, "%s{\"code\":\"%s\",\"text\":", first ?
		    "" : ",", name(bit));
		buf_json_str(b, text(bit), NULL);
		buf_puts(b, "}", NULL);
		first = false;
	}
	buf_puts(b, "]", NULL);
}

static void
json_info(struct buf *b, const struct certstore_info *in)
{
	char	t1[40], t2[40];
	size_t	i;

	fmt_iso(in->not_before, t1, sizeof(t1));
	fmt_iso(in->not_after, t2, sizeof(t2));
	buf_printf(b, NULL, "{\"thumbprint\":\"%s\",\"sha256\":\"%s\","
	    "\"store\":\"%s\",\"friendly_name\":", in->thumbprint, in->sha256,
	    in->store);
	buf_json_str(b, in->friendly_name, NULL);
	buf_puts(b, ",\"subject\":", NULL);
	buf_json_str(b, in->subject, NULL);
	buf_puts(b, ",\"issuer\":", NULL);
	buf_json_str(b, in->issuer, NULL);
	buf_printf(b, NULL, ",\"serial\":\"%s\",\"dns_names\":[", in->serial);
	for (i = 0; i < in->n_dns; i++) {
		buf_puts(b, i > 0 ? "," : "", NULL);
		buf_json_str(b, in->dns_names[i], NULL);
	}
	buf_printf(b, NULL, "],\"not_before\":\"%s\",\"not_after\":\"%s\","
	    "\"days_left\":%ld,\"key_type\":\"%s\",\"has_private_key\":%s,"
	    "\"self_signed\":%s,\"server_auth\":%s,\"is_ca\":%s,"
	    "\"chain_length\":%zu,\"can_serve_tls\":%s", t1, t2, in->days_left,
	    in->key_type, in->has_key ? "true" : "false",
	    in->self_signed ? "true" : "false",
	    in->server_auth ? "true" : "false", in->is_ca ? "true" : "false",
	    in->chain_len, in->problems == 0 ? "true" : "false");
	json_bits(b, "problems", in->problems, certstore_problem_name,
	    certstore_problem_text);
	json_bits(b, "warnings", in->warnings, certstore_warning_name,
	    certstore_warning_text);
	buf_puts(b, "}", NULL);
}

static void
print_info(const struct certstore_info *in, bool details)
{
	struct buf	b;
	char		t1[40], t2[40];
	size_t		i;

	buf_init(&b, 0);
	cc_fmt_time(in->not_before, t1, sizeof(t1));
	cc_fmt_time(in->not_after, t2, sizeof(t2));
	printf("Thumbprint    %s\n", in->thumbprint);
	if (details)
		printf("SHA-256       %s\n", in->sha256);
	printf("Store         %s\n", in->store);
	printf("Friendly name %s\n", in->friendly_name);
	printf("Subject       %s\n", in->subject);
	for (i = 0; i < in->n_dns; i++)
		buf_printf(&b, NULL, "%s%s", i > 0 ? ", " : "",
		    in->dns_names[i]);
	printf("DNS names     %s\n", b.data != NULL ? b.data : "(none)");
	printf("Issuer        %s%s\n", in->issuer, in->self_signed ?
	    " (self-signed)" : "");
	if (in->is_ca)
		printf("CA            yes: it issues certificates (it does not "
		    "serve TLS itself)\n");
	if (details)
		printf("Serial        %s\n", in->serial);
	printf("Not before    %s\n", t1);
	printf("Not after     %s (%ld days left)\n", t2, in->days_left);
	printf("Key           %s, %s\n", in->key_type, in->has_key ?
	    "private key present" : "no private key");
	if (details)
		printf("Chain         %zu certificate(s) after the leaf\n",
		    in->chain_len);
	buf_reset(&b);
	cc_bits_text(&b, in->problems, certstore_problem_text, "; ");
	if (in->problems == 0)
		printf("Serves TLS    yes\n");
	else
		printf("Serves TLS    NO: %s\n", b.data);
	buf_reset(&b);
	cc_bits_text(&b, in->warnings, certstore_warning_text, "; ");
	if (in->warnings != 0)
		printf("Warnings      %s\n", b.data);
	buf_fini(&b);
}

int
cc_list(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_info	*v;
	struct buf		 b;
	size_t			 n, i;
	const char		*store;

	(void)argc;
	(void)argv;
	if ((store = certstore_store_name(o->store, e)) == NULL ||
	    certstore_list(cs, store, &v, &n, e) == -1)
		return -1;
	if (o->json) {
		buf_init(&b, 0);
		buf_puts(&b, "[", NULL);
		for (i = 0; i < n; i++) {
			buf_puts(&b, i > 0 ? ",\n" : "\n", NULL);
			json_info(&b, &v[i]);
		}
		buf_puts(&b, "\n]\n", NULL);
		fputs(b.data, stdout);
		buf_fini(&b);
	} else {
		printf("%s store: %zu certificate%s\n", store, n, n == 1 ?
		    "" : "s");
		for (i = 0; i < n; i++) {
			printf("\n");
			print_info(&v[i], false);
		}
	}
	certstore_list_free(v, n);
	return 0;
}

int
cc_show(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_info	in;
	char			thumb[CERTSTORE_THUMB_LEN + 1];
	struct buf		b;

	(void)argc;
	if (certstore_resolve(cs, o->store, argv[0], thumb, e) == -1 ||
	    certstore_get(cs, o->store, thumb, &in, e) == -1)
		return -1;
	if (o->json) {
		buf_init(&b, 0);
		json_info(&b, &in);
		printf("%s\n", b.data);
		buf_fini(&b);
	} else
		print_info(&in, true);
	certstore_info_fini(&in);
	return 0;
}

static const char *
verdict(unsigned problems, unsigned mask)
{
	return (problems & mask) != 0 ? "FAIL" : "ok";
}

static void
print_verify(const struct certstore_verify *v)
{
	const struct certstore_info	*in = &v->info;
	char				 t[40];
	unsigned			 keyp = CERTSTORE_P_NO_KEY |
	    CERTSTORE_P_KEY_MISMATCH | CERTSTORE_P_KEY_UNREADABLE |
	    CERTSTORE_P_KEY_INSECURE | CERTSTORE_P_KEY_CORRUPT |
	    CERTSTORE_P_UNSUPPORTED_KEY;
	unsigned			 datep = CERTSTORE_P_EXPIRED |
	    CERTSTORE_P_NOT_YET_VALID;
	struct buf			 b;

	buf_init(&b, 0);
	cc_fmt_time(in->not_after, t, sizeof(t));
	printf("Thumbprint    %s\n", in->thumbprint);
	printf("Subject       %s\n", in->subject);
	printf("Chain         %s\n", v->chain != NULL ? v->chain : "?");
	printf("Dates         %s (not after %s, %ld days left)\n",
	    verdict(in->problems, datep), t, in->days_left);
	printf("Server auth   %s\n", verdict(in->problems,
	    CERTSTORE_P_NOT_SERVER_AUTH));
	cc_bits_text(&b, in->problems & keyp, certstore_problem_text, "; ");
	printf("Private key   %s%s%s\n", verdict(in->problems, keyp),
	    b.len > 0 ? ": " : " (matches the certificate)",
	    b.len > 0 ? b.data : "");
	if (v->trusted)
		printf("Trust         ok (anchored at %s in Root)\n", v->root);
	else
		printf("Trust         FAIL: %s\n", v->reason != NULL ?
		    v->reason : "the chain does not reach the Root store");
	buf_fini(&b);
}

int
cc_verify(struct certstore *cs, struct opts *o, int argc, char **argv,
    struct rs_err *e)
{
	struct certstore_verify	 v;
	char			 thumb[CERTSTORE_THUMB_LEN + 1];
	struct buf		 b;
	int			 rv = 0;

	(void)argc;
	if (certstore_resolve(cs, o->store, argv[0], thumb, e) == -1 ||
	    certstore_verify(cs, o->store, thumb, &v, e) == -1)
		return -1;
	buf_init(&b, 0);
	if (o->json) {
		json_info(&b, &v.info);
		b.len--;	/* reopen the object */
		buf_printf(&b, NULL, ",\"trusted\":%s,\"chain\":",
		    v.trusted ? "true" : "false");
		buf_json_str(&b, v.chain != NULL ? v.chain : "", NULL);
		buf_puts(&b, ",\"reason\":", NULL);
		buf_json_str(&b, v.reason != NULL ? v.reason : "", NULL);
		printf("%s}\n", b.data);
		buf_reset(&b);
	} else
		print_verify(&v);
	if (v.info.problems != 0 || !v.trusted) {
		cc_bits_text(&b, v.info.problems, certstore_problem_text, "; ");
		rv = rs_err_set(e, RS_E_BADINPUT, "certificate %s fails "
		    "verification: %s%s%s", thumb, b.len > 0 ? b.data : "",
		    b.len > 0 && !v.trusted ? "; " : "", v.trusted ? "" :
		    "not trusted by the Root store");
	} else if (!o->json)
		printf("Result        ok: serves TLS, and clients that trust "
		    "Root accept it\n");
	buf_fini(&b);
	certstore_verify_fini(&v);
	return rv;
}
