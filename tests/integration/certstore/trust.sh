#!/usr/bin/env bash
# certstore trust (issue 11): Root certificates go where this machine's
# clients look, and --remove takes them out.  The places are pointed into
# this test's folder with --system-dir and --nssdb; real clients judge the
# result: NSS itself (vfychain, the library Chromium uses) and openssl
# against the anchor file.  The default places are checked with --dry-run
# (and the machine's real store is compared before and after); then the
# default command (new-ca's hint, as written) runs for real inside a
# private mount namespace whose
# /usr/local/share/ca-certificates and /etc/ssl/certs are this test's
# copies, so update-ca-certificates runs and Python's default context
# trusts the CA, while the machine's own store is never touched.
. "$(dirname "$0")/../lib.sh"
cd "$TMP"

made=$(certstore new-ca --name "Trust Test CA")
CA=$(printf '%s\n' "$made" | tail -n 1)
# new-ca's hint, run as written (in the namespace below).
HINT=$(printf '%s\n' "$made" | sed -n 's/^  \(certstore trust .*\)$/\1/p')
expect_eq "new-ca prints the command that trusts it" "$HINT" \
    "certstore trust ${CA:0:8}"
L=$(certstore issue --ca "$CA" --dns localhost | tail -n 1)
leaf="$ROOT/certstore/My/$L.crt"
A="$TMP/anchors"
DB="$TMP/home/.pki/nssdb"
sys_before=$(tree_digest /usr/local/share/ca-certificates)
etc_before=$(sha256sum </etc/ssl/certs/ca-certificates.crt)

o=$(certstore trust "${CA:0:8}" --system-dir "$A" --nssdb "$DB" 2>&1)
check "trust succeeds" test $? = 0
f="$A/certstore-$CA.crt"
expect_match "it writes the anchor file" "$o" \
    "system store: wrote $f \\(CN=Trust Test CA\\)"
expect_match "... and says update-ca-certificates is only for Debian's folder" \
    "$o" "$A is not Debian's folder of local anchors \\(/usr/local/share/ca-certificates\\), so update-ca-certificates was not run"
expect_match "it creates the NSS database as Chromium does" "$o" \
    "NSS database $DB: created it \\(empty password"
expect_match "it adds the CA with the flags of a CA for TLS servers" "$o" \
    "NSS database $DB: added \"certstore $CA\" \\(CN=Trust Test CA\\), trusted as a CA for TLS servers \\(C,,\\)"
expect_eq "the anchor file is the Root certificate" \
    "$(openssl x509 -in "$f" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')" "$CA"
expect_eq "the anchor file is 0644" "$(stat -c %a "$f")" 644
check "openssl verifies the leaf against the anchor file" \
    openssl verify -CAfile "$f" -purpose sslserver "$leaf"
expect_match "certutil lists it with C,," \
    "$(certutil -L -d "sql:$DB")" "^certstore $CA +C,, *\$"
o=$(vfychain -d "sql:$DB" -u 1 -a "$leaf" 2>&1)
expect_match "NSS (vfychain, server usage) accepts the leaf the CA issued" \
    "$o" 'Chain is good'

o=$(certstore trust "$CA" --system-dir "$A" --nssdb "$DB" 2>&1)
expect_match "a second trust changes nothing: the file" "$o" \
    "system store: $CA \\(CN=Trust Test CA\\) is already in $f"
expect_match "... and the NSS entry" "$o" "\"certstore $CA\" .* is already trusted \\(C,,\\)"
certutil -M -d "sql:$DB" -n "certstore $CA" -t "P,," >/dev/null
o=$(certstore trust "$CA" --system-dir "$A" --nssdb "$DB" --nss 2>&1)
expect_match "wrong flags on our nickname are set back to C,," \
    "$(certutil -L -d "sql:$DB")" "^certstore $CA +C,, *\$"
expect_no_match "--nss leaves the system store alone" "$o" 'system store'

# A self-signed leaf in Root: trusted as asked, with the warning.
S=$(certstore new-self-signed --dns self.test | tail -n 1)
certstore export "$S" --cert self.pem >/dev/null
certstore import self.pem --store Root >/dev/null
o=$(certstore trust "$S" --system-dir "$A" --nssdb "$DB" 2>&1)
expect_match "a leaf that is not a CA gets a warning" "$o" \
    "certstore: $S \\(CN=self.test\\) is not a CA certificate: Chromium does not accept such a certificate as a trust anchor; make a CA with 'certstore new-ca --name \"Local CA\"'"
# Someone else's anchor is never touched by --remove.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout other.key -out other.pem -subj "/CN=Someone Else CA" -days 5 \
    -addext basicConstraints=critical,CA:TRUE 2>/dev/null
cp other.pem "$A/someone-else.crt"
certutil -A -d "sql:$DB" -n "someone else" -t "C,," -a -i other.pem

o=$(certstore trust --remove "$CA" --system-dir "$A" --nssdb "$DB" 2>&1)
check "trust --remove succeeds" test $? = 0
expect_match "--remove takes the file out" "$o" "system store: removed $f"
expect_match "... and the NSS entry" "$o" "NSS database $DB: deleted \"certstore $CA\""
check "the file is gone" test ! -e "$f"
o=$(vfychain -d "sql:$DB" -u 1 -a "$leaf" 2>&1)
expect_match "NSS no longer accepts the leaf" "$o" 'Chain is bad|issuer is not recognized'
o=$(certstore trust --remove --system-dir "$A" --nssdb "$DB" 2>&1)
expect_match "--remove without a thumbprint takes every certstore anchor" \
    "$o" "removed $A/certstore-$S.crt"
check "... but not someone else's file" test -f "$A/someone-else.crt"
expect_match "... nor someone else's NSS entry" \
    "$(certutil -L -d "sql:$DB")" '^someone else '
expect_no_match "... and no certstore nickname is left" \
    "$(certutil -L -d "sql:$DB")" '^certstore '
o=$(certstore trust --remove "$CA" --system-dir "$A" --nssdb "$TMP/none" 2>&1)
expect_match "removing what is not there is said, not an error" "$o" \
    "no anchor of certstore to remove in $A"

# A user's NSS database stays the user's when root fills it.
chmod 711 "$TMP"
mkdir -p "$TMP/alice" && chown nobody: "$TMP/alice"
o=$(certstore trust "$CA" --nss --nssdb "$TMP/alice/.pki/nssdb" 2>&1)
check "root fills another user's NSS database" test $? = 0
expect_eq "... which stays that user's" \
    "$(stat -c %U "$TMP/alice/.pki/nssdb" "$TMP/alice/.pki/nssdb/cert9.db" | sort -u)" nobody

# The default places, as --dry-run says; nothing is changed.
o=$(HOME=/home/x certstore trust "$CA" --dry-run 2>&1)
expect_match "dry run: the anchor goes to Debian's folder" "$o" \
    "system store: would write /usr/local/share/ca-certificates/certstore-$CA.crt \\(CN=Trust Test CA\\)"
expect_match "dry run: then update-ca-certificates" "$o" \
    'system store: would run .*/update-ca-certificates$'
expect_match "dry run: the NSS database in \$HOME" "$o" \
    "NSS database /home/x/.pki/nssdb: would add \"certstore $CA\" \\(CN=Trust Test CA\\), trusted as a CA for TLS servers \\(C,,\\)"
o=$(certstore trust --remove "$CA" --dry-run --system 2>&1)
expect_match "dry run of --remove: nothing of ours in the real folder" "$o" \
    'no anchor of certstore to remove in /usr/local/share/ca-certificates'
expect_eq "the machine's anchor folder is unchanged" \
    "$(tree_digest /usr/local/share/ca-certificates)" "$sys_before"

# Missing tools are named with the package to install (hidden in a
# private mount namespace; the package really holds the tool).
if unshare -m true 2>/dev/null; then
	o=$(unshare -m sh -c 'mount --bind /dev/null "$(command -v certutil)" &&
	    certstore trust "$1" --nss --nssdb "$2"' sh "$CA" "$DB" 2>&1)
	expect_match "certutil missing: the package is named" "$o" \
	    "certutil is not installed; install it with 'apt-get install libnss3-tools'"
fi
expect_eq "... and it is the package that has certutil" \
    "$(dpkg -S "$(command -v certutil)" | cut -d: -f1)" libnss3-tools
expect_eq "update-ca-certificates comes from ca-certificates" \
    "$(dpkg -S /usr/sbin/update-ca-certificates | cut -d: -f1)" ca-certificates

# The default command, for real, in a private mount namespace.
if unshare -m true 2>/dev/null; then
	mkdir -p ns/local ns/etc ns/hooks
	grep -v '^#' /etc/ca-certificates.conf | head -n 2 >ns/conf
	o=$(unshare -m bash -s "$TMP" "$CA" "$L" "$HINT" <<'NS' 2>&1
set -e
T=$1 CA=$2 L=$3 HINT=$4
mount --bind "$T/ns/local" /usr/local/share/ca-certificates
mount --bind "$T/ns/etc" /etc/ssl/certs
mount --bind "$T/ns/hooks" /etc/ca-certificates/update.d
mount --bind "$T/ns/conf" /etc/ca-certificates.conf
mountpoint -q /etc/ssl/certs && mountpoint -q /usr/local/share/ca-certificates
update-ca-certificates --fresh >/dev/null 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
openssl s_server -accept 127.0.0.1:$port -cert "$ROOT/certstore/My/$L.crt" \
    -key "$ROOT/certstore/My/$L.key" -www -naccept 4 >/dev/null 2>&1 &
sleep 1
py() {
	python3 - "$port" <<'PY'
import socket, ssl, sys
ctx = ssl.create_default_context()
try:
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10) as s:
        ctx.wrap_socket(s, server_hostname="localhost")
    print("python: accepted")
except ssl.SSLCertVerificationError as e:
    print("python: refused", e.verify_message)
PY
}
py
HOME="$T/nshome" sh -c "$HINT"
py
grep -c "$(sed -n 2p "$ROOT/certstore/Root/$CA.crt")" /etc/ssl/certs/ca-certificates.crt | sed 's/^/bundle: /'
HOME="$T/nshome" certstore trust --remove "$CA"
py
grep -c "$(sed -n 2p "$ROOT/certstore/Root/$CA.crt")" /etc/ssl/certs/ca-certificates.crt | sed 's/^/bundle: /' || true
ls /etc/ssl/certs | grep -c certstore | sed 's/^/links: /' || true
NS
)
	expect_match "namespace: before, Python's default context refuses the leaf" \
	    "$(printf '%s\n' "$o" | grep python: | sed -n 1p)" 'refused unable to get local issuer'
	expect_match "namespace: new-ca's hint, as written, runs update-ca-certificates" \
	    "$o" 'system store: update-ca-certificates: 1 added, 0 removed; done.'
	expect_match "namespace: ... and fills the NSS database in \$HOME" "$o" \
	    "NSS database $TMP/nshome/.pki/nssdb: added \"certstore $CA\""
	expect_eq "namespace: then Python's default context accepts it" \
	    "$(printf '%s\n' "$o" | grep python: | sed -n 2p)" 'python: accepted'
	expect_eq "namespace: the CA is in /etc/ssl/certs/ca-certificates.crt" \
	    "$(printf '%s\n' "$o" | grep bundle: | sed -n 1p)" 'bundle: 1'
	expect_match "namespace: --remove takes the file out" \
	    "$o" 'system store: removed /usr/local/share/ca-certificates/certstore-'
	expect_match "namespace: ... and runs update-ca-certificates --fresh" \
	    "$o" 'system store: update-ca-certificates --fresh rebuilt /etc/ssl/certs without it: [0-9]+ added, 0 removed; done.'
	# (s_server now also sends the CA it found while it was trusted.)
	expect_match "namespace: after --remove Python refuses it again" \
	    "$(printf '%s\n' "$o" | grep python: | sed -n 3p)" \
	    'refused (unable to get local issuer|self-signed certificate in certificate chain)'
	expect_eq "namespace: ... it left the bundle" \
	    "$(printf '%s\n' "$o" | grep bundle: | sed -n 2p)" 'bundle: 0'
	expect_eq "namespace: ... and no link of it in /etc/ssl/certs" \
	    "$(printf '%s\n' "$o" | grep links: | sed -n 1p)" 'links: 0'
else
	ok "# SKIP mount namespaces are not available here (unshare -m)"
fi
expect_eq "the machine's /etc/ssl/certs bundle is unchanged" \
    "$(sha256sum </etc/ssl/certs/ca-certificates.crt)" "$etc_before"
expect_eq "the machine's anchor folder is still unchanged" \
    "$(tree_digest /usr/local/share/ca-certificates)" "$sys_before"
done_testing
