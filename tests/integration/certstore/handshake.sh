#!/usr/bin/env bash
# A real TLS handshake with a certificate from certstore: the seed's recipe
# (new-self-signed, export to PFX with a password, import that PFX into
# Root: three plain commands), then openssl s_server serves the exported
# certificate and openssl s_client -verify_return_error accepts it with the
# certificate exported from Root as its only trust anchor.  The store's own
# PEM files are served directly too (what an admin points nginx at).
. "$(dirname "$0")/../lib.sh"
cd "$TMP"
printf 'correct horse\n' >pw

# The seed recipe: three plain commands.
out=$(certstore new-self-signed --dns rs.test --dns localhost \
    --friendly-name "Report server test" 2>&1)
check "new-self-signed succeeds" test $? = 0
T=$(printf '%s\n' "$out" | tail -n 1)
expect_match "new-self-signed prints the thumbprint last" "$T" '^[0-9A-F]{40}$'
check "export to PFX with a password" \
    certstore export "$T" --pfx rs.pfx --password-file pw
check "import the PFX into Root" \
    certstore import rs.pfx --store Root --password-file pw
expect_eq "Root holds the certificate" \
    "$(certstore list --store Root --json | grep -c "\"$T\"")" 1
check "export the Root certificate" \
    certstore export "$T" --store Root --cert root.pem

# Serve the exported PFX with openssl s_server.
check "openssl converts our PFX for s_server" \
    openssl pkcs12 -in rs.pfx -passin file:pw -nodes -out served.pem
port=$(free_port)
start_bg s_server.log openssl s_server -accept "127.0.0.1:$port" \
    -cert served.pem -key served.pem -www -naccept 10
wait_for "s_server" 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" ||
    not_ok "s_server listens" "$(cat s_server.log)"

client() {	# $1 CA file, $2 SNI name
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$port" \
	    -servername "$2" -verify_hostname "$2" -verify_return_error \
	    -CAfile "$1" 2>&1
}
o=$(client root.pem rs.test)
check "s_client accepts the served certificate" test $? = 0
expect_match "s_client: verify return code 0" "$o" 'Verify return code: 0 \(ok\)'
expect_match "s_client sees the thumbprint's certificate" \
    "$(printf '%s' "$o" | openssl x509 -noout -fingerprint -sha1 | tr -d :)" \
    "=$T\$"
o=$(client root.pem localhost)
check "the second DNS name verifies too" test $? = 0

# A client trusting another root refuses it.
other=$(certstore new-self-signed --dns other.test | tail -n 1)
certstore export "$other" --cert other.pem >/dev/null
o=$(client other.pem rs.test)
expect_no_match "s_client trusting another root refuses" "$o" \
    'Verify return code: 0 \(ok\)'
expect_match "... because the issuer is unknown" "$o" \
    'self[- ]signed certificate|unable to get local issuer'

o=$(client root.pem wrong.test)
expect_match "s_client refuses a name not in the certificate" "$o" \
    'hostname mismatch|Verify return code: 62'

# The store's files, as they are, serve TLS (what nginx would load).
port2=$(free_port)
start_bg s_server2.log openssl s_server -accept "127.0.0.1:$port2" \
    -cert "$ROOT/certstore/My/$T.crt" -key "$ROOT/certstore/My/$T.key" \
    -www -naccept 2
wait_for "s_server 2" 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port2"
o=$(echo | timeout 10 openssl s_client -connect "127.0.0.1:$port2" \
    -servername rs.test -verify_return_error -CAfile root.pem 2>&1)
check "the store's PEM files serve TLS directly" test $? = 0
expect_match "verify return code 0 from the store files" "$o" \
    'Verify return code: 0 \(ok\)'

# verify agrees: trusted now that the certificate is in Root.
o=$(certstore verify "$T" 2>&1)
check "certstore verify accepts it" test $? = 0
expect_match "verify names the Root anchor" "$o" "Trust +ok \\(anchored at $T"
done_testing
