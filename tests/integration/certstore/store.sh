#!/usr/bin/env bash
# The store on disk: inspectable PEM files, keys 0600, folders 0700, a
# generation counter that moves on every change and only then, safe under
# concurrent writers, and "remove" that refuses a certificate an SSL
# binding uses unless --force, naming the bindings.
. "$(dirname "$0")/../lib.sh"
cd "$TMP"
S="$ROOT/certstore"
T=$(certstore new-self-signed --dns layout.test --friendly-name "Lay out" |
    tail -n 1)
for d in My Root CA REQUEST; do
	expect_eq "folder $d is 0700" "$(stat -c %a "$S/$d")" 700
done
expect_eq "the key is 0600" "$(stat -c %a "$S/My/$T.key")" 600
expect_eq "the certificate is 0644" "$(stat -c %a "$S/My/$T.crt")" 644
check "openssl reads the stored certificate" openssl x509 -in "$S/My/$T.crt" -noout
check "openssl reads the stored key" openssl pkey -in "$S/My/$T.key" -noout
expect_eq "the key matches the certificate" \
    "$(openssl pkey -in "$S/My/$T.key" -pubout)" \
    "$(openssl x509 -in "$S/My/$T.crt" -noout -pubkey)"
expect_eq "the friendly name is in the sidecar" "$(cat "$S/My/$T.meta")" \
    "friendly_name=Lay out"
expect_eq "--root DIR works like RS_ROOT" \
    "$(RS_ROOT=/nonexistent certstore --root "$ROOT" list --json |
      grep -o '"thumbprint":"[0-9A-F]*"')" "\"thumbprint\":\"$T\""

g1=$(cat "$S/generation")
certstore export "$T" --pfx t.pfx --password-stdin <<<"pw" >/dev/null
certstore list >/dev/null
expect_eq "reading and exporting leave the generation alone" \
    "$(cat "$S/generation")" "$g1"
certstore import t.pfx --password-stdin <<<"pw" >/dev/null
expect_eq "a no-op import leaves the generation alone" \
    "$(cat "$S/generation")" "$g1"
certstore import t.pfx --store Root --password-stdin <<<"pw" >/dev/null 2>&1
expect_eq "a change bumps the generation" "$(cat "$S/generation")" \
    "$((g1 + 1))"

# Concurrent writers: 8 new-self-signed and 8 imports at once.
for i in 1 2 3 4 5 6 7 8; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "c$i.key" -out "c$i.crt" -subj "/CN=c$i.test" -days 5 \
	    2>/dev/null
	cat "c$i.crt" "c$i.key" >"c$i.pem"
done
g0=$(cat "$S/generation")
pids=()
for i in 1 2 3 4 5 6 7 8; do
	certstore new-self-signed --dns "n$i.test" >"n$i.out" 2>&1 & pids+=($!)
	certstore import "c$i.pem" >"i$i.out" 2>&1 & pids+=($!)
done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
expect_eq "16 concurrent writers all succeed" "$bad" 0
expect_eq "My holds all 17 certificates" \
    "$(certstore list --json | grep -c '"thumbprint"')" 17
expect_eq "every change counted once in the generation" \
    "$(cat "$S/generation")" "$((g0 + 16))"
expect_eq "no temporary files are left" \
    "$(find "$S" -name '*.tmp.*' | wc -l)" 0
n=0
for f in "$S"/My/*.crt; do
	t=$(basename "$f" .crt)
	[ "$(openssl x509 -in "$f" -noout -fingerprint -sha1 |
	    sed 's/.*=//; s/://g')" = "$t" ] || continue
	[ "$(openssl pkey -in "$S/My/$t.key" -pubout 2>/dev/null)" = \
	    "$(openssl x509 -in "$f" -noout -pubkey)" ] && n=$((n + 1))
done
expect_eq "every stored file is whole and its key matches" "$n" 17
expect_eq "nothing is unusable after the race" \
    "$(certstore list --json | grep -c '"can_serve_tls":false')" 0

# remove, with and without bindings.
B=$(tail -n 1 n1.out)
if command -v httpcfg >/dev/null; then
	check "httpcfg binds the certificate" httpcfg add sslcert \
	    ipport=0.0.0.0:8443 certhash="$B" \
	    appid='{12345678-1234-1234-1234-123456789abc}'
	check "httpcfg binds it by name too" httpcfg add sslcert \
	    hostnameport=www.n1.test:443 certhash="$B" \
	    appid='{12345678-1234-1234-1234-123456789abc}'
	d=$(tree_digest "$S")
	o=$(certstore remove "$B" 2>&1)
	expect_eq "remove of a bound certificate exits 75 (busy)" "$?" 75
	expect_match "... naming the bindings" "$o" \
	    "cannot remove $B from My: it is used by 2 SSL bindings \\((0.0.0.0:8443, www.n1.test:443|www.n1.test:443, 0.0.0.0:8443)\\); delete them with ('httpcfg delete sslcert ipport=0.0.0.0:8443', 'httpcfg delete sslcert hostnameport=www.n1.test:443'|'httpcfg delete sslcert hostnameport=www.n1.test:443', 'httpcfg delete sslcert ipport=0.0.0.0:8443'), or add --force"
	expect_eq "... and the store is unchanged" "$(tree_digest "$S")" "$d"
	n=0
	while read -r h; do
		sh -c "$h" >/dev/null 2>&1 && n=$((n + 1))
	done < <(printf '%s' "$o" | grep -o "'httpcfg [^']*'" | tr -d "'")
	expect_eq "each httpcfg command it names works as written" "$n" 2
	check "... and then remove needs no --force" certstore remove "$B"
	B=$(certstore new-self-signed --dns bound.test | tail -n 1)
	httpcfg add sslcert ipport=0.0.0.0:8443 certhash="$B" \
	    appid='{12345678-1234-1234-1234-123456789abc}' >/dev/null
	o=$(certstore remove "$B" --force 2>&1)
	check "remove --force removes it" test $? = 0
	expect_match "--force warns about the orphaned bindings" "$o" \
	    'those bindings now name a missing certificate'
else
	not_ok "httpcfg is built (needed to test remove with bindings)"
fi
U=$(tail -n 1 n2.out)
o=$(certstore remove "${U:0:10}")
expect_eq "remove by prefix" "$o" "removed $U from My"
expect_eq "its files are gone" "$(ls "$S/My" | grep -c "^$U")" 0
check_fails "removing it again fails" certstore remove "$U"
done_testing
