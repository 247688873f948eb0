#!/usr/bin/env bash
# PFX files as Windows and attackers make them (issues 11 and 18):
# - a PFX exported with a "null" password (the empty password without the
#   BMPString terminator, as some Windows tools write it) imports with an
#   empty password file, as Windows tries both encodings;
# - a PFX whose key is RSA-1024 imports (the store holds what the machine
#   has), and list, show, httpcfg, rsconfig and httpsvc -t say why it
#   cannot serve TLS;
# - a PFX asking for 100,000,000 key-derivation iterations (in its MAC,
#   its encrypted part or its key) is refused at once, naming the count,
#   and the command the refusal gives (with --max-iterations) works.
. "$(dirname "$0")/../lib.sh"
cd "$TMP" || exit 1
TOOL="$RS_SRC/tests/integration/certstore/pfxtool"
printf 'pw\n' >pw
: >empty

# The "null" password.
openssl req -x509 -newkey rsa:2048 -nodes -keyout azure.key -out azure.crt \
    -subj /CN=azure.test -days 30 -addext subjectAltName=DNS:azure.test \
    2>/dev/null
cat azure.crt azure.key >azure.pem
expect_eq "the test file has the null password (no BMPString terminator)" \
    "$(python3 "$TOOL" null azure.pem null.pfx)" "null-mac=1 empty-mac=0"
o=$(certstore import null.pfx --password-file empty 2>&1)
check "a null-password PFX imports with an empty password file" test $? = 0
fp=$(openssl x509 -in azure.crt -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
expect_eq "... as the right certificate" "$(printf '%s\n' "$o" | tail -n 1)" "$fp"
expect_match "... with the friendly name Windows wrote" \
    "$(certstore show "$fp")" 'Friendly name Windows Azure Tools'
certstore remove "$fp" >/dev/null
check "... and without any password given" certstore import null.pfx
openssl pkcs12 -export -in azure.crt -inkey azure.key -passout pass: \
    -out empty.pfx
certstore remove "$fp" >/dev/null
check "an OpenSSL empty-password PFX (with the terminator) imports too" \
    certstore import empty.pfx --password-file empty
before=$(tree_digest "$ROOT")
o=$(certstore import null.pfx --password-file pw 2>&1)
expect_eq "a wrong password is still refused: exit 77" "$?" 77
expect_match "... as a wrong password" "$o" 'wrong password'
expect_eq "... and changes nothing" "$(tree_digest "$ROOT")" "$before"

# RSA-1024: imported, and everything that would bind it says why not.
openssl req -x509 -newkey rsa:1024 -nodes -keyout old.key -out old.crt \
    -subj /CN=old.test -days 300 -addext subjectAltName=DNS:old.test \
    2>/dev/null
openssl pkcs12 -export -in old.crt -inkey old.key -passout file:pw \
    -out old.pfx
o=$(certstore import old.pfx --password-file pw 2>&1)
check "an RSA-1024 PFX imports" test $? = 0
R=$(printf '%s\n' "$o" | tail -n 1)
why='key type or size not supported for TLS \(use RSA of 2048 bits or more, or ECDSA P-256, P-384 or P-521\)'
expect_match "import says it cannot serve TLS, and why" "$o" \
    "old.pfx: $R is stored, but it cannot serve TLS here \\(rsa-1024\\): $why"
expect_match "list says why" "$(certstore list | grep -A12 "^Thumbprint    $R")" \
    "Serves TLS +NO: $why"
expect_match "show --json names the problem" "$(certstore show "$R" --json)" \
    '"can_serve_tls":false,"problems":\[\{"code":"unsupported_key"'
expect_match "the key is stored" "$(certstore show "$R")" \
    'Key +rsa-1024, private key present'
P=$(free_port)
o=$(httpcfg add sslcert "ipport=0.0.0.0:$P" "certhash=$R" \
    'appid={12345678-1234-1234-1234-123456789abc}' 2>&1)
expect_match "httpcfg (the low-level tool) binds it with the reason" "$o" \
    "warning: certificate $R: $why"
o=$(httpsvc -t 2>&1)
expect_match "httpsvc -t refuses the binding and says why" "$o" \
    "binding 0.0.0.0:$P: certificate $R: $why"
httpcfg delete sslcert "ipport=0.0.0.0:$P" >/dev/null
printf 'Adm1n-%s-pass\n' "$RANDOM" >admin.pw
rsconfig database create --admin-user admin --admin-password-file admin.pw \
    >/dev/null 2>&1
before=$(tree_digest "$ROOT/http")
o=$(rsconfig web-service-url --https-cert "$R" --https-port "$P" --apply 2>&1)
check_fails "rsconfig refuses to bind it" test "$(httpcfg show sslcert | grep -c "$R")" -gt 0
expect_match "... and says why" "$o" 'key type or size not supported'

# Iteration counts, read before any is run.
openssl pkcs12 -export -in azure.crt -inkey azure.key -passout file:pw \
    -iter 54321 -out it.pfx
openssl pkcs12 -export -certpbe NONE -in azure.crt -inkey azure.key \
    -passout file:pw -iter 54321 -out itkey.pfx
python3 "$TOOL" iter it.pfx mac.pfx 54321 100000000 mac
python3 "$TOOL" iter it.pfx part.pfx 54321 100000000 nested
python3 "$TOOL" iter itkey.pfx key.pfx 54321 100000000 nested
# (Read, not run: openssl pkcs12 -info would spend the minute.)
expect_match "the MAC of the test file asks for 100000000 (0x5F5E100)" \
    "$(openssl asn1parse -inform DER -in mac.pfx | tail -n 1)" \
    'INTEGER +:05F5E100$'
for f in mac:'its integrity check \(MAC\)' part:'its encrypted part' \
    key:'its private key'; do
	n=${f%%:*} what=${f#*:}
	before=$(tree_digest "$ROOT")
	t0=$(date +%s%N)
	o=$(certstore import "$n.pfx" --password-file pw 2>&1)
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	expect_eq "$n: 100,000,000 iterations are refused (exit 65)" "$rc" 65
	expect_match "$n: ... naming the count, the limit and why" "$o" \
	    "cannot import $n.pfx: $what asks for 100000000 key-derivation iterations, more than the limit of 2000000 \\(real files use 2048 to about 1000000"
	check "$n: ... at once, not after a minute of CPU (${ms} ms)" \
	    test "$ms" -lt 5000
	expect_eq "$n: ... and the store is unchanged" "$(tree_digest "$ROOT")" "$before"
done
o=$(certstore import it.pfx --password-file pw --max-iterations 50000 2>&1)
expect_eq "a count over --max-iterations is refused" "$?" 65
hint=$(printf '%s' "$o" | grep -o "run 'certstore [^']*'" | sed "s/^run '//; s/'\$//")
expect_match "... and the refusal gives the whole command" "$hint" \
    '^certstore import .*it.pfx.* --max-iterations 54321$'
o=$(sh -c "$hint" 2>&1)
check "... which works as written: $hint" test $? = 0
expect_eq "... and imports the file" "$(printf '%s\n' "$o" | tail -n 1)" "$fp"
openssl pkcs8 -topk8 -in azure.key -v2 aes-256-cbc -iter 54321 \
    -passout file:pw -out enckey.pem
cat azure.crt enckey.pem >enc.pem
o=$(certstore import enc.pem --password-file pw --max-iterations 50000 2>&1)
expect_match "an encrypted PEM key's count is limited too" "$o" \
    'cannot import enc.pem: its encrypted private key asks for 54321 key-derivation iterations, more than the limit of 50000'
check "the default limit takes what real tools write (54321)" \
    certstore import enc.pem --password-file pw
done_testing
