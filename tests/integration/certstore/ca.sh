#!/usr/bin/env bash
# The local CA, the way a small organisation's CA works (issue 11):
# certstore new-ca makes a root CA (certificate in Root, key in My, root's
# alone) and certstore issue makes TLS server certificates from it.  Real
# peers judge the result: openssl verify with the CA as the only anchor,
# openssl s_server serving the store's own files to s_client
# -verify_return_error, and Python's ssl with the CA as cafile.  The
# commands new-ca prints are run as written.
. "$(dirname "$0")/../lib.sh"
cd "$TMP"

out=$(certstore new-ca --name "Contoso Test CA" 2>&1)
check "new-ca succeeds" test $? = 0
CA=$(printf '%s\n' "$out" | tail -n 1)
expect_match "new-ca prints the thumbprint last" "$CA" '^[0-9A-F]{40}$'
expect_match "new-ca says where certificate and key are" "$out" \
    'created the CA CN=Contoso Test CA \(ecdsa-p256, valid until .*\): its certificate is in Root, its key in My'
check "the CA certificate is in Root" test -f "$ROOT/certstore/Root/$CA.crt"
check "Root holds no key" test ! -e "$ROOT/certstore/Root/$CA.key"
expect_eq "the CA key is root's alone" \
    "$(stat -c '%U:%G %a' "$ROOT/certstore/My/$CA.key")" "root:root 600"
certstore export "$CA" --store Root --cert ca.pem >/dev/null
x=$(openssl x509 -in ca.pem -noout -ext basicConstraints,keyUsage 2>&1 |
    tr -s '\n ' '  ')
expect_match "CA: basicConstraints critical CA:TRUE, pathlen:0" "$x" \
    'Basic Constraints: critical.*CA:TRUE, pathlen:0'
expect_match "CA: keyUsage critical keyCertSign, cRLSign only" "$x" \
    'Key Usage: critical Certificate Sign, CRL Sign *$'
o=$(certstore show "$CA" 2>&1)
expect_match "show says it is a CA" "$o" 'CA +yes: it issues certificates'
expect_match "... that does not serve TLS itself" "$o" \
    'Serves TLS +NO: not valid for server authentication'
expect_no_match "... and no 'no DNS name' warning for a CA" "$o" 'no DNS name'

# Issue a leaf as the CA's hint says, then with IP names too.
hint=$(printf '%s\n' "$out" | grep '^  certstore issue')
o=$(sh -c "$hint" 2>&1)
check "the printed issue command works as written: $hint" test $? = 0
L=$(certstore issue --ca "${CA:0:8}" --dns localhost --dns rs.contoso.test \
    --dns 127.0.0.1 --dns ::1 --friendly-name "Report server" | tail -n 1)
expect_match "issue prints the thumbprint last" "$L" '^[0-9A-F]{40}$'
crt="$ROOT/certstore/My/$L.crt"
key="$ROOT/certstore/My/$L.key"
x=$(openssl x509 -in "$crt" -noout -issuer -ext \
    basicConstraints,extendedKeyUsage,subjectAltName,authorityKeyIdentifier \
    2>&1 | tr -s '\n ' '  ')
expect_match "leaf: issued by the CA" "$x" 'issuer=CN *= *Contoso Test CA'
expect_match "leaf: CA:FALSE" "$x" 'critical.*CA:FALSE'
expect_match "leaf: server auth" "$x" 'TLS Web Server Authentication'
expect_match "leaf: every name in subjectAltName" "$x" \
    'DNS:localhost, DNS:rs.contoso.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1'
ski=$(openssl x509 -in ca.pem -noout -ext subjectKeyIdentifier | tail -n 1 | tr -d ' ')
expect_match "leaf: authorityKeyIdentifier is the CA's key id" \
    "$(printf '%s' "$x" | tr -d ' ')" "$ski"
expect_eq "the leaf key is 0600" "$(stat -c %a "$key")" 600
check "openssl verify -purpose sslserver with the CA as the only anchor" \
    openssl verify -CAfile ca.pem -purpose sslserver "$crt"
o=$(certstore verify "$L" 2>&1)
check "certstore verify accepts it" test $? = 0
expect_match "... anchored at the CA in Root" "$o" "Trust +ok \\(anchored at $CA"
expect_match "list: the leaf serves TLS" \
    "$(certstore list | grep -A10 "^Thumbprint    $L")" 'Serves TLS +yes'

# A real handshake: the store's files as they are, the CA as the anchor.
port=$(free_port)
start_bg s_server.log openssl s_server -accept "127.0.0.1:$port" \
    -cert "$crt" -key "$key" -www -naccept 10
wait_for "s_server" 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" ||
    not_ok "s_server listens" "$(cat s_server.log)"
for name in localhost rs.contoso.test; do
	o=$(echo | timeout 10 openssl s_client -connect "127.0.0.1:$port" \
	    -servername "$name" -verify_hostname "$name" \
	    -verify_return_error -CAfile ca.pem 2>&1)
	check "s_client -verify_return_error accepts it for $name" test $? = 0
done
expect_match "s_client: verify return code 0" "$o" 'Verify return code: 0 \(ok\)'
o=$(echo | timeout 10 openssl s_client -connect "127.0.0.1:$port" \
    -verify_ip 127.0.0.1 -verify_return_error -CAfile ca.pem 2>&1)
check "s_client accepts the IP name 127.0.0.1" test $? = 0
o=$(python3 - "$port" ca.pem <<'PY'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10) as s:
    with ctx.wrap_socket(s, server_hostname="localhost") as t:
        print("ok", t.version(), t.getpeercert()["subject"])
PY
)
expect_match "Python ssl with the CA as cafile verifies the leaf" "$o" \
    "^ok TLSv1\\.[23] .*localhost"
o=$(python3 - "$port" <<'PY' 2>&1
import socket, ssl, sys
ctx = ssl.create_default_context()	# the system store: no such CA
try:
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10) as s:
        ctx.wrap_socket(s, server_hostname="localhost")
    print("accepted")
except ssl.SSLCertVerificationError as e:
    print("refused", e.verify_message)
PY
)
expect_match "without the CA, Python refuses it" "$o" \
    '^refused unable to get local issuer certificate'

# Validity never exceeds the CA's; only a CA with its key issues.
SHORT=$(certstore new-ca --name "Short CA" --days 30 | tail -n 1)
S=$(certstore issue --ca "$SHORT" --dns short.test --days 800 | tail -n 1)
expect_eq "a leaf never outlives its CA" \
    "$(openssl x509 -in "$ROOT/certstore/My/$S.crt" -noout -enddate)" \
    "$(openssl x509 -in "$ROOT/certstore/Root/$SHORT.crt" -noout -enddate)"
SELF=$(certstore new-self-signed --dns self.test | tail -n 1)
before=$(tree_digest "$ROOT")
o=$(certstore issue --ca "$SELF" --dns x.test 2>&1)
expect_eq "issue from a certificate that is not a CA: exit 65" "$?" 65
expect_match "... says so and how to make one" "$o" \
    "cannot issue from $SELF: it is not a CA certificate \\(make one with 'certstore new-ca --name \"Local CA\"'\\)"
h=$(printf '%s' "$o" | grep -o "'certstore new-ca[^']*'" | tr -d "'")
o=$(certstore issue --dns x.test 2>&1)
expect_eq "issue without --ca: exit 64" "$?" 64
expect_match "... names the option and where CAs are listed" "$o" \
    "issue needs --ca THUMBPRINT .*'certstore list --store Root' shows them"
check "... and that list command works as written" certstore list --store Root
o=$(certstore new-ca 2>&1)
expect_match "new-ca without --name says so" "$o" 'a CA needs a name.*--name TEXT'
expect_eq "refused issues change nothing" "$(tree_digest "$ROOT")" "$before"
o=$(sh -c "$h" 2>&1)
check "the command 'not a CA' gives works as written: $h" test $? = 0
NEW=$(printf '%s\n' "$o" | tail -n 1)
check "... and makes a CA that issues" certstore issue --ca "$NEW" --dns y.test
done_testing
