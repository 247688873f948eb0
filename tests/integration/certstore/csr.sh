#!/usr/bin/env bash
# The certificate request round trip with a CA made by openssl: certstore
# request makes a key and a CSR; an openssl root + intermediate CA signs it
# ("openssl x509 -req -CA"); "certstore import answer.cer" finds the
# pending key and completes the certificate into My.  Then the chain:
# incomplete until the intermediate is in CA, untrusted until the root is
# in Root, and a TLS handshake with the completed certificate.
. "$(dirname "$0")/../lib.sh"
cd "$TMP"
fp() { openssl x509 -in "$1" ${2:+-inform "$2"} -noout -fingerprint -sha1 |
    sed 's/.*=//; s/://g'; }

# A two-level CA, by openssl.
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.crt \
    -subj "/CN=Test Root CA" -days 30 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout int.key -out int.csr \
    -subj "/CN=Test Issuing CA" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >ca.ext
openssl x509 -req -in int.csr -CA root.crt -CAkey root.key -CAcreateserial \
    -days 30 -extfile ca.ext -out int.crt 2>/dev/null

o=$(certstore request --dns portal.test --dns reports.portal.test \
    --friendly-name "From the CA" --out portal.csr 2>&1)
check "request succeeds" test $? = 0
expect_match "request says what to do next" "$o" 'certstore import'
expect_eq "one key waits in REQUEST" \
    "$(find "$ROOT/certstore/REQUEST" -name '*.key' | wc -l)" 1
expect_eq "the pending key is 0600" \
    "$(stat -c %a "$ROOT"/certstore/REQUEST/*.key)" 600
expect_eq "My is still empty" \
    "$(certstore list --json | grep -c thumbprint)" 0

openssl x509 -req -in portal.csr -CA int.crt -CAkey int.key \
    -CAcreateserial -days 20 -copy_extensions copy -outform der \
    -out answer.cer 2>/dev/null
check "openssl CA signs our request" test -s answer.cer
T=$(fp answer.cer DER)
o=$(certstore import answer.cer 2>&1)
check "import answer.cer succeeds" test $? = 0
expect_match "import says it completed the request" "$o" \
    'completed the pending request'
expect_eq "import prints the thumbprint last" "$(echo "$o" | tail -n 1)" "$T"
expect_eq "the REQUEST folder is empty again" \
    "$(find "$ROOT/certstore/REQUEST" -type f | wc -l)" 0
o=$(certstore show "$T")
expect_match "the completed certificate has its key" "$o" \
    'private key present'
expect_match "the request's friendly name carries over" "$o" \
    'Friendly name From the CA'
expect_match "the CA kept both names" "$o" \
    'DNS names     portal.test, reports.portal.test'
expect_match "without the intermediate the chain is incomplete" "$o" \
    'Serves TLS    NO: chain incomplete'

d=$(tree_digest "$ROOT")
o=$(certstore import answer.cer 2>&1)
expect_match "importing the answer again is a no-op" "$o" \
    'already in My: nothing changed'
expect_eq "... and changes nothing" "$(tree_digest "$ROOT")" "$d"

check "import the intermediate into CA" certstore import int.crt --store CA
o=$(certstore show "$T")
expect_match "with the intermediate it serves TLS" "$o" 'Serves TLS    yes'
expect_eq "importing into CA completed the chain in My's .crt" \
    "$(grep -c 'BEGIN CERTIFICATE' "$ROOT/certstore/My/$T.crt")" 2
expect_match "but is not trusted yet" "$o" 'not trusted'
o=$(certstore verify "$T" 2>&1)
check_fails "verify fails while the root is not in Root" certstore verify "$T"
expect_match "verify says the root is missing from Root" "$o" \
    'Trust +FAIL: the root CA that issued CN=Test Issuing CA is not in the Root store'
check "import the root into Root" certstore import root.crt --store Root
o=$(certstore verify "$T" 2>&1)
check "verify passes with the whole chain" certstore verify "$T"
expect_match "verify shows the chain" "$o" \
    'CN=portal.test <- CN=Test Issuing CA <- CN=Test Root CA \(in Root\)'

# A second request answered with a PEM bundle (leaf + intermediate),
# installing the chain into the stores.
rm -rf "$ROOT/certstore/CA" "$ROOT/certstore/Root"
certstore list >/dev/null	# recreates the folders
certstore request --dns two.test --out two.csr >/dev/null
openssl x509 -req -in two.csr -CA int.crt -CAkey int.key -CAcreateserial \
    -days 20 -copy_extensions copy -out two.crt 2>/dev/null
cat two.crt int.crt root.crt >answer.pem
o=$(certstore import answer.pem --install-chain 2>&1)
check "import a PEM answer with its chain and --install-chain" test $? = 0
T2=$(echo "$o" | tail -n 1)
expect_eq "the answer's thumbprint" "$T2" "$(fp two.crt)"
expect_eq "--install-chain put the intermediate into CA" \
    "$(certstore list --store CA --json | grep -o '"thumbprint":"[0-9A-F]*"')" \
    "\"thumbprint\":\"$(fp int.crt)\""
expect_eq "--install-chain put the root into Root" \
    "$(certstore list --store Root --json | grep -o '"thumbprint":"[0-9A-F]*"')" \
    "\"thumbprint\":\"$(fp root.crt)\""
check "the second certificate verifies" certstore verify "$T2"

# The completed certificate serves TLS with its chain.
port=$(free_port)
start_bg s_server.log openssl s_server -accept "127.0.0.1:$port" \
    -cert "$ROOT/certstore/My/$T2.crt" -cert_chain "$ROOT/certstore/My/$T2.crt" -key "$ROOT/certstore/My/$T2.key" \
    -www -naccept 2
wait_for "s_server" 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
o=$(echo | timeout 10 openssl s_client -connect "127.0.0.1:$port" \
    -servername two.test -verify_hostname two.test -verify_return_error \
    -CAfile root.crt 2>&1)
check "s_client trusting only the root accepts the chain from the store" \
    test $? = 0
expect_match "the server sent the intermediate" "$o" \
    '[12] s:CN ?= ?Test Issuing CA'
done_testing
