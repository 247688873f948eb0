#!/bin/sh
# tests/fuzz/gen-seeds.sh DIR: writes the seed inputs that must not be
# kept in git (they hold private keys; STYLE B10: no key is committed)
# into DIR/<target>/.  Run by make (the $(OUT)/fuzz-seeds/.stamp rule);
# takes about a second.  Every key is a throwaway made here.
#
# certstore seeds start with the password length byte and the password
# (see tests/fuzz/fuzz_certstore.c): \002pw, or \000 for none.
set -eu
mkdir -p "$1/certstore"
out=$(cd "$1/certstore" && pwd)
tmp=$(mktemp -d /tmp/rs-fuzzseeds.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

o() { openssl "$@" 2>/dev/null; }
seed() {	# $1 name, $2 password ("" for none), $3... files to concatenate
	name=$1 pw=$2
	shift 2
	{
		printf "\\$(printf '%03o' ${#pw})"
		printf '%s' "$pw"
		cat "$@"
	} >"$out/$name"
}

o ecparam -name prime256v1 -genkey -noout -out ca.key
o req -x509 -new -key ca.key -subj /CN=Fuzz-Root -days 30 -out ca.crt \
    -addext basicConstraints=critical,CA:TRUE
o ecparam -name prime256v1 -genkey -noout -out ec.key
o req -new -key ec.key -subj /CN=a.test -out ec.csr
printf 'subjectAltName=DNS:a.test,DNS:b.test\nextendedKeyUsage=serverAuth\n' \
    >ext.cnf
o x509 -req -in ec.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
    -extfile ext.cnf -out ec.crt
o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa.key
o req -x509 -new -key rsa.key -subj /CN=rsa.test -days 30 -out rsa.crt
o pkcs8 -topk8 -in ec.key -passout pass:pw -out ec-enc.key
o x509 -in ec.crt -outform DER -out ec.der
o crl2pkcs7 -nocrl -certfile ec.crt -certfile ca.crt -outform DER -out ec.p7b
o crl2pkcs7 -nocrl -certfile ec.crt -out ec-p7.pem
o pkcs12 -export -in ec.crt -inkey ec.key -certfile ca.crt -name fuzz \
    -passout pass:pw -out ec.pfx
o pkcs12 -export -legacy -in rsa.crt -inkey rsa.key -passout pass:pw \
    -out rsa-legacy.pfx || o pkcs12 -export -in rsa.crt -inkey rsa.key \
    -passout pass:pw -out rsa-legacy.pfx
o pkcs12 -export -in ec.crt -inkey ec.key -passout pass: -out nopw.pfx

seed pem-bundle "" ec.crt ec.key ca.crt
seed pem-key-first "" rsa.key rsa.crt
seed pem-encrypted pw ec-enc.key ec.crt
seed der "" ec.der
seed p7b "" ec.p7b
seed p7-pem "" ec-p7.pem
seed pfx pw ec.pfx
seed pfx-legacy pw rsa-legacy.pfx
seed pfx-nopw "" nopw.pfx
seed pfx-wrongpw xy ec.pfx
