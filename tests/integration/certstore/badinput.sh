#!/usr/bin/env bash
# Every bad input of issue 2, each with its message, its exit status (from
# the error table) and a store left exactly as it was (tree_digest): wrong
# or missing PFX password, corrupt, truncated and empty files, a key that
# does not match its certificate, unknown and ambiguous thumbprints,
# an unreadable public key, a CA answer with no pending request, bad
# arguments.  An expired certificate is imported, with a warning.
. "$(dirname "$0")/../lib.sh"
cd "$TMP"
printf 'right password\n' >pw
printf 'wrong password\n' >badpw

T=$(certstore new-self-signed --dns good.test | tail -n 1)
certstore export "$T" --pfx good.pfx --password-file pw >/dev/null

# fails DESC STATUS REGEX CMD...: CMD exits STATUS, its stderr matches
# REGEX, and the store is unchanged.
fails() {
	local d=$1 st=$2 re=$3 before after o rc
	shift 3
	before=$(tree_digest "$ROOT")
	o=$("$@" 2>&1 >/dev/null)
	rc=$?
	after=$(tree_digest "$ROOT")
	if [ "$rc" != "$st" ]; then
		not_ok "$d: exit status $st" "got $rc: $o"
	else ok "$d: exit status $st"; fi
	expect_match "$d: message" "$o" "$re"
	expect_no_match "$d: no sanitizer report" "$o" 'Sanitizer|runtime error'
	expect_eq "$d: store unchanged" "$after" "$before"
}

# Passwords.
fails "wrong PFX password" 77 \
    'cannot import good.pfx: wrong password \(the file.s integrity check failed\)' \
    certstore import good.pfx --store Root --password-file badpw
fails "PFX without a password" 64 \
    'good.pfx is protected by a password; give it with --password-file FILE or --password-stdin' \
    certstore import good.pfx --store Root
fails "a password on the command line is not an option" 64 \
    "unknown option or missing value: --password=x" \
    certstore import good.pfx --password=x
fails "export to PFX without a password" 64 \
    'a PFX needs a password; give it with --password-file FILE or --password-stdin' \
    certstore export "$T" --pfx out.pfx

# Corrupt, truncated, empty.
head -c 600 good.pfx >trunc.pfx
fails "truncated PFX" 65 \
    'cannot import trunc.pfx: it is not a certificate \(PEM or DER\), a PKCS#7 bundle or a PFX file, or it is corrupt or truncated' \
    certstore import trunc.pfx --password-file pw
head -c 2000 /dev/urandom >noise.bin
fails "random bytes" 65 'noise.bin: it is not a certificate .* corrupt or truncated' \
    certstore import noise.bin
certstore export "$T" --cert good.pem >/dev/null
head -n 5 good.pem >trunc.pem
fails "truncated PEM" 65 \
    "trunc.pem is truncated: the PEM block 'CERTIFICATE' has no END line" \
    certstore import trunc.pem --store Root
sed '3s/[A-Za-z]/#/g' good.pem >corrupt.pem
fails "corrupt PEM" 65 'corrupt.pem holds a corrupt CERTIFICATE block' \
    certstore import corrupt.pem --store Root
certstore export "$T" --der good.der >/dev/null
head -c 200 good.der >trunc.der
fails "truncated DER" 65 'trunc.der: it is not a certificate .* corrupt or truncated' \
    certstore import trunc.der --store Root
: >empty.cer
fails "empty file" 65 'cannot import empty.cer: the file is empty' \
    certstore import empty.cer --store Root
fails "missing file" 66 'cannot import: cannot open nothere.pfx' \
    certstore import nothere.pfx
printf -- '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n' >req.pem
fails "a CSR is not importable" 65 "holds a PEM block 'CERTIFICATE REQUEST' that cannot be imported" \
    certstore import req.pem

# A key that does not match its certificate.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout a.key -out a.crt -subj /CN=a.test -days 5 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out b.key
cat a.crt b.key >mismatch.pem
fails "key does not match its certificate" 65 \
    'the private key in mismatch.pem does not match its certificate$' \
    certstore import mismatch.pem
openssl pkcs8 -topk8 -v2 aes256 -in a.key -passout file:pw -out a.enc
cat a.crt a.enc >enc.pem
fails "encrypted key without a password" 64 \
    'the private key in enc.pem is encrypted; give its password' \
    certstore import enc.pem
fails "encrypted key with a wrong password" 77 \
    'wrong password for the private key in enc.pem' \
    certstore import enc.pem --password-file badpw

# A key TLS cannot use here is stored (the store holds what the machine
# has; keyimport.sh checks that list and the bindings say why); a
# certificate whose key cannot be read at all is refused (below).
fails "unknown key type for new-self-signed" 64 \
    "unknown key type 'dsa-1024'; use ecdsa-p256, rsa-2048 or rsa-3072" \
    certstore new-self-signed --dns x.test --key dsa-1024

# A certificate whose public key does not decode (a point off the curve):
# it parses, but nothing can use its key.  (Found by mutation testing: it
# used to crash.)
python3 - <<'PY'
import base64, re
pem = open("a.crt").read()
der = bytearray(base64.b64decode("".join(pem.splitlines()[1:-1])))
i = der.find(bytes([0x03, 0x42, 0x00, 0x04]))
der[i + 5] ^= 0xff			# the point's X coordinate
b64 = base64.b64encode(bytes(der)).decode()
open("offcurve.pem", "w").write("-----BEGIN CERTIFICATE-----\n" +
    "\n".join(b64[j:j + 64] for j in range(0, len(b64), 64)) +
    "\n-----END CERTIFICATE-----\n")
PY
fails "a public key that does not decode" 65 \
    "cannot import offcurve.pem: the certificate's public key cannot be read" \
    certstore import offcurve.pem

# A CA answer nobody asked for.
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt \
    -subj "/CN=Answer CA" -days 5 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout other.key -out other.csr -subj /CN=other.test 2>/dev/null
openssl x509 -req -in other.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
    -days 5 -out answer.cer -outform der 2>/dev/null
fails "CA answer with no pending request" 65 \
    'cannot import answer.cer into My: no pending certificate request has its key' \
    certstore import answer.cer

# Thumbprints.
fails "unknown thumbprint" 66 \
    "no certificate 0123456789ABCDEF0123456789ABCDEF01234567 in the My store; 'certstore list --store My' shows what is there" \
    certstore show 0123456789abcdef0123456789abcdef01234567
fails "thumbprint in another store" 66 \
    "no certificate ${T:0:10} in the Root store; it is in the My store \\(use --store My\\)" \
    certstore show "${T:0:10}" --store Root
fails "too short a prefix" 64 "thumbprint '${T:0:6}' is too short: give at least 8 hex digits" \
    certstore show "${T:0:6}"
fails "not hex" 64 "is not a thumbprint: 'z' is not a hex digit" \
    certstore remove "${T:0:10}zz"
# Two entries that share a prefix cannot be made on purpose (SHA-1), so
# this plants a second file name with the same first 8 digits.
cp "$ROOT/certstore/My/$T.crt" "$ROOT/certstore/My/${T:0:8}FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF.crt"
fails "ambiguous prefix" 65 \
    "thumbprint ${T:0:8} is ambiguous: it matches 2 certificates in the My store \\(${T:0:8}.*\\); give more digits" \
    certstore remove "${T:0:8}"
expect_match "the planted file is listed as corrupt, not hidden" \
    "$(certstore list)" 'certificate file is corrupt'
rm "$ROOT/certstore/My/${T:0:8}FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF.crt"

# Arguments.
fails "unknown command" 64 \
    "unknown command 'delete'; valid commands: new-self-signed, request, import, export, list, show, verify, remove" \
    certstore delete "$T"
fails "unknown store" 64 "unknown store 'Personal'; the stores are My, Root and CA" \
    certstore list --store Personal
fails "bad DNS name" 64 "invalid DNS name 'bad_name.test'" \
    certstore new-self-signed --dns bad_name.test
fails "no DNS name" 64 'no name given; add --dns NAME' certstore new-self-signed
fails "--days 0" 64 '--days' certstore new-self-signed --dns x.test --days 0
fails "export with two outputs" 64 'exactly one of --pfx FILE, --cert FILE or --der FILE' \
    certstore export "$T" --cert a --der b

# An expired certificate is imported, with a warning (openssl 3.0 cannot
# back-date, so python-cryptography makes it).
python3 - <<'PY'
import datetime
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
k = ec.generate_private_key(ec.SECP256R1())
n = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "old.test")])
c = (x509.CertificateBuilder().subject_name(n).issuer_name(n)
    .public_key(k.public_key()).serial_number(x509.random_serial_number())
    .not_valid_before(datetime.datetime(2020, 1, 1))
    .not_valid_after(datetime.datetime(2020, 2, 1))
    .add_extension(x509.SubjectAlternativeName([x509.DNSName("old.test")]), False)
    .sign(k, hashes.SHA256()))
open("old.pem", "wb").write(c.public_bytes(serialization.Encoding.PEM) +
    k.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
PY
o=$(certstore import old.pem 2>&1)
check "an expired certificate is imported" test $? = 0
expect_match "... with a warning" "$o" 'old.pem: expired'
expect_match "... and listed as expired" "$(certstore list)" \
    'Serves TLS    NO: expired'
done_testing
