#!/usr/bin/env bash
# Both directions with real peers.  What certstore writes, openssl reads:
# PFX (modern and legacy) with the password, certificates with the names
# and serverAuth, DER, CSRs.  What openssl and Python's cryptography
# write, certstore imports: PFX with AES, RC2 and 3DES, PEM bundles in any
# order with plain or encrypted keys, DER, PKCS#7; the thumbprints equal
# "openssl x509 -fingerprint -sha1".
. "$(dirname "$0")/../lib.sh"
cd "$TMP"
printf 's3cret pass\n' >pw

fp() {	# the SHA-1 fingerprint of a PEM or DER certificate, as a thumbprint
	openssl x509 -in "$1" ${2:+-inform "$2"} -noout -fingerprint -sha1 |
	    sed 's/.*=//; s/://g'
}
last() { "$@" 2>/dev/null | tail -n 1; }

# ---- certstore writes, openssl reads ----
T=$(last certstore new-self-signed --dns web.test --dns api.web.test \
    --friendly-name "Web")
certstore export "$T" --cert web.pem >/dev/null
expect_eq "thumbprint equals openssl's SHA-1 fingerprint" "$(fp web.pem)" "$T"
o=$(openssl x509 -in web.pem -noout -ext subjectAltName,extendedKeyUsage)
expect_match "openssl sees both DNS names" "$o" \
    'DNS:web.test, DNS:api.web.test'
expect_match "openssl sees serverAuth" "$o" 'TLS Web Server Authentication'
o=$(openssl x509 -in web.pem -noout -subject -ext keyUsage -serial)
expect_match "subject CN is the first name" "$o" 'subject=CN = web.test'
expect_match "keyUsage digitalSignature" "$o" 'Digital Signature'
expect_match "random 128-bit serial" "$o" 'serial=[0-9A-F]{32}$'
check "export --der" certstore export "$T" --der web.der
expect_eq "DER export has the same fingerprint" "$(fp web.der DER)" "$T"

check "export --pfx (modern)" certstore export "$T" --pfx web.pfx \
    --password-file pw
o=$(openssl pkcs12 -info -in web.pfx -passin file:pw -noout 2>&1)
check "openssl pkcs12 -info opens our PFX with the password" test $? = 0
expect_match "modern PFX: PBES2 PBKDF2 AES-256-CBC" "$o" \
    'PBES2, PBKDF2, AES-256-CBC'
expect_match "modern PFX: SHA-256 MAC" "$o" 'MAC: sha256'
o=$(openssl pkcs12 -in web.pfx -passin file:pw -nodes 2>&1)
expect_match "the PFX carries the friendly name" "$o" 'friendlyName: Web'
expect_match "the PFX carries the private key" "$o" 'BEGIN PRIVATE KEY'
o=$(openssl pkcs12 -info -in web.pfx -passin pass:wrong -noout 2>&1)
expect_match "openssl rejects a wrong password on our PFX" "$o" \
    'verify error|invalid password|Mac verify error'
check "export --pfx --legacy" certstore export "$T" --pfx legacy.pfx \
    --legacy --password-stdin <pw
o=$(openssl pkcs12 -info -in legacy.pfx -passin file:pw -noout 2>&1)
expect_match "legacy PFX: 3DES" "$o" 'pbeWithSHA1And3-KeyTripleDES-CBC'
expect_match "legacy PFX: SHA-1 MAC" "$o" 'MAC: sha1'

R=$(last certstore new-self-signed --dns rsa.test --key rsa-3072)
certstore export "$R" --cert rsa.pem >/dev/null
expect_match "rsa-3072 key" "$(openssl x509 -in rsa.pem -noout -text)" \
    'Public-Key: \(3072 bit\)'

check "request writes a CSR" certstore request --dns csr.test \
    --dns www.csr.test --out req.csr
o=$(openssl req -in req.csr -verify -noout -text 2>&1)
check "openssl req -verify accepts our CSR" openssl req -in req.csr \
    -verify -noout
expect_match "the CSR asks for both names" "$o" \
    'DNS:csr.test, DNS:www.csr.test'
expect_match "the CSR asks for serverAuth" "$o" 'TLS Web Server Authentication'

# ---- openssl and python write, certstore imports ----
mk() {	# $1 name: key + self-signed cert by openssl
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$1.key" -out "$1.crt" -subj "/CN=$1" -days 30 \
	    -addext "subjectAltName=DNS:$1" -addext extendedKeyUsage=serverAuth \
	    2>/dev/null
}
imp() {	# $1 expected thumbprint, $2 description, rest: import args
	local want=$1 d=$2 got
	shift 2
	got=$(certstore import "$@" 2>&1)
	if [ $? != 0 ]; then not_ok "$d" "$got"; return; fi
	expect_eq "$d" "$(printf '%s\n' "$got" | tail -n 1)" "$want"
}
mk aes.test
openssl pkcs12 -export -in aes.test.crt -inkey aes.test.key -out aes.pfx \
    -passout file:pw -name "AES one"
imp "$(fp aes.test.crt)" "import openssl's AES PFX" aes.pfx --password-file pw
expect_match "its friendly name is kept" \
    "$(certstore show "$(fp aes.test.crt)")" 'Friendly name AES one'
expect_match "it has its private key and serves TLS" \
    "$(certstore show "$(fp aes.test.crt)")" 'Serves TLS    yes'

mk rc2.test
openssl pkcs12 -export -legacy -in rc2.test.crt -inkey rc2.test.key \
    -out rc2.pfx -passout file:pw
expect_match "openssl -legacy PFX uses RC2" \
    "$(openssl pkcs12 -info -legacy -in rc2.pfx -passin file:pw -noout 2>&1)" \
    'pbeWithSHA1And40BitRC2-CBC'
imp "$(fp rc2.test.crt)" "import a legacy RC2-40 PFX" rc2.pfx \
    --password-file pw

mk des.test
openssl pkcs12 -export -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES \
    -macalg sha1 -in des.test.crt -inkey des.test.key -out des.pfx \
    -passout file:pw
imp "$(fp des.test.crt)" "import a legacy 3DES/SHA-1 PFX" des.pfx \
    --password-stdin <pw

mk nopass.test
openssl pkcs12 -export -in nopass.test.crt -inkey nopass.test.key \
    -out nopass.pfx -passout pass:
imp "$(fp nopass.test.crt)" "import a PFX with an empty password" nopass.pfx

python3 - <<'PY'
import datetime
from cryptography import x509
from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

def make(name, key):
    n = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(n).issuer_name(n)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(key, hashes.SHA256()))
    open(name + ".crt", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    return cert

pw = b"s3cret pass"
k = ec.generate_private_key(ec.SECP384R1())
c = make("py-aes.test", k)
open("py-aes.pfx", "wb").write(pkcs12.serialize_key_and_certificates(
    b"Python AES", k, c, None, serialization.BestAvailableEncryption(pw)))
k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
c = make("py-3des.test", k)
enc = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2000)
    .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
    .hmac_hash(hashes.SHA1()).build(pw))
open("py-3des.pfx", "wb").write(pkcs12.serialize_key_and_certificates(
    b"Python 3DES", k, c, None, enc))
PY
imp "$(fp py-aes.test.crt)" "import python-cryptography's AES PFX (P-384)" \
    py-aes.pfx --password-file pw
imp "$(fp py-3des.test.crt)" "import python-cryptography's 3DES PFX (RSA)" \
    py-3des.pfx --password-file pw
expect_match "the P-384 key type is shown" \
    "$(certstore show "$(fp py-aes.test.crt)")" 'ecdsa-p384'

# A CA and a leaf it issued, for bundles in any order.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout ca.key -out ca.crt -subj "/CN=Interop CA" -days 30 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout leaf.key -out leaf.csr -subj "/CN=leaf.test" 2>/dev/null
printf 'subjectAltName=DNS:leaf.test\nextendedKeyUsage=serverAuth\n' >ext
openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
    -days 10 -extfile ext -out leaf.crt 2>/dev/null
cat ca.crt leaf.key leaf.crt >bundle1.pem
imp "$(fp leaf.crt)" "import a PEM bundle: chain, key, leaf" bundle1.pem
o=$(certstore show "$(fp leaf.crt)" --json)
expect_match "the chain is kept after the leaf" "$o" '"chain_length":1'
expect_eq "the stored file is leaf first, then the CA" \
    "$(openssl crl2pkcs7 -nocrl -certfile "$ROOT/certstore/My/$(fp leaf.crt).crt" |
      openssl pkcs7 -print_certs -noout | grep subject= | tr '\n' '|')" \
    "subject=CN = leaf.test|subject=CN = Interop CA|"
certstore remove "$(fp leaf.crt)" >/dev/null
openssl pkcs8 -topk8 -v2 aes256 -in leaf.key -passout file:pw -out leaf.enc
cat leaf.crt ca.crt leaf.enc >bundle2.pem
imp "$(fp leaf.crt)" "import a PEM bundle with an encrypted PKCS#8 key" \
    bundle2.pem --password-file pw
openssl x509 -in ca.crt -outform der -out ca.der
imp "$(fp ca.crt)" "import a DER certificate into Root" ca.der --store Root
expect_match "the leaf now chains to Root" \
    "$(certstore verify "$(fp leaf.crt)" 2>&1)" 'Trust +ok'
openssl crl2pkcs7 -nocrl -certfile ca.crt -certfile leaf.crt -out two.p7b
o=$(certstore import two.p7b --store CA 2>&1)
expect_match "import a PKCS#7 bundle into CA: every certificate" "$o" \
    "$(fp ca.crt)"
expect_eq "CA holds both certificates" \
    "$(certstore list --store CA --json | grep -c '"thumbprint"')" 2
done_testing
