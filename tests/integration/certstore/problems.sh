#!/usr/bin/env bash
# "Why can this certificate not serve TLS?": list, show and verify name
# every reason (Windows silently hides such certificates), and a
# thumbprint works however an admin pasted it.
. "$(dirname "$0")/../lib.sh"
cd "$TMP"
T=$(certstore new-self-signed --dns ok.test | tail -n 1)
reason() {	# $1 thumbprint: the "Serves TLS" line of show
	certstore show "$1" ${2:+--service-user "$2"} | sed -n 's/^Serves TLS *//p'
}
expect_eq "a fresh certificate serves TLS" "$(reason "$T")" "yes"

# Thumbprints as admins paste them.
fp1=$(certstore export "$T" --cert t.pem >/dev/null &&
    openssl x509 -in t.pem -noout -fingerprint -sha1)
fp256=$(openssl x509 -in t.pem -noout -fingerprint -sha256)
lower=$(printf '%s' "$T" | tr A-F a-f)
spaced=$(printf '%s' "$lower" | sed 's/../& /g')
lrm=$(printf '\xe2\x80\x8e')
for form in "$lower" "$spaced" "${fp1#*=}" "$fp1" "$lrm$spaced$lrm" \
    "${T:0:8}" "${fp256#*=}" "$fp256" " ${T:0:12} "; do
	got=$(certstore show "$form" --json 2>&1 | grep -o '"thumbprint":"[0-9A-F]*"')
	expect_eq "thumbprint form '$form' resolves" "$got" "\"thumbprint\":\"$T\""
done

# Each reason, one certificate at a time.
K="$ROOT/certstore/My/$T.key"
chmod 0644 "$K"
expect_eq "a key file readable by others is named" "$(reason "$T")" \
    "NO: private key file is readable by others or by a group other than the store's service group (must be 0600, or 0640 with that group)"
chmod 0600 "$K"
expect_eq "the service user cannot read a root-only key" \
    "$(reason "$T" nobody)" "NO: private key unreadable by the service user"
cp "$K" key.save
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$K"
chmod 0600 "$K"
expect_eq "a key of another certificate is named" "$(reason "$T")" \
    "NO: private key does not match the certificate"
echo garbage >"$K"
expect_eq "a corrupt key file is named" "$(reason "$T")" \
    "NO: private key file is corrupt"
rm "$K"
expect_eq "a missing key is named" "$(reason "$T")" "NO: no private key"
cp key.save "$K"
expect_eq "with its key back it serves TLS again" "$(reason "$T")" "yes"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout c.key -out c.crt -subj /CN=client.test -days 5 \
    -addext extendedKeyUsage=clientAuth 2>/dev/null
cat c.crt c.key >client.pem
C=$(certstore import client.pem | tail -n 1)
expect_eq "a client-only certificate is named" "$(reason "$C")" \
    "NO: not valid for server authentication (extended or basic key usage)"
o=$(certstore list --json)
expect_match "--json gives the problem code" "$o" \
    '"problems":\[\{"code":"not_server_auth","text":"not valid for server'
expect_match "--json says can_serve_tls false" "$o" '"can_serve_tls":false'

python3 - <<'PY'
import datetime
from cryptography import x509
from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
k = ec.generate_private_key(ec.SECP256R1())
n = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "future.test")])
now = datetime.datetime.now(datetime.timezone.utc)
c = (x509.CertificateBuilder().subject_name(n).issuer_name(n)
    .public_key(k.public_key()).serial_number(x509.random_serial_number())
    .not_valid_before(now + datetime.timedelta(days=10))
    .not_valid_after(now + datetime.timedelta(days=20))
    .add_extension(x509.SubjectAlternativeName([x509.DNSName("future.test")]), False)
    .sign(k, hashes.SHA256()))
open("future.pem", "wb").write(c.public_bytes(serialization.Encoding.PEM) +
    k.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
PY
F=$(certstore import future.pem | tail -n 1)
expect_eq "a not-yet-valid certificate is named" "$(reason "$F")" \
    "NO: not yet valid"
o=$(certstore verify "$F" 2>&1)
check_fails "verify fails for it" certstore verify "$F"
expect_match "verify marks the dates" "$o" 'Dates +FAIL'
expect_match "verify's error sums it up" "$o" \
    "certificate $F fails verification: not yet valid; not trusted by the Root store"

# Root certificates have no key: listed with that reason, never hidden.
certstore import t.pem --store Root >/dev/null
o=$(certstore list --store Root)
expect_match "Root lists its certificate" "$o" "Thumbprint    $T"
expect_match "... and says it has no private key" "$o" 'Serves TLS    NO: no private key'
expect_match "list shows days left" "$(certstore list)" '\([0-9]+ days left\)'
done_testing
