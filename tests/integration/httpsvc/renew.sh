#!/usr/bin/env bash
# Renewal without rebinding (issue 5): a binding that follows its
# certificate's names (rsconfig ... --follow) moves to a newer valid
# certificate for the same names as soon as certstore adds it; no command
# is run, and openssl s_client sees the new certificate within seconds.
# Certificates for other names, older ones, and bindings that do not
# follow are left alone.  httpsvc runs as a service user of its own, with
# CAP_NET_BIND_SERVICE only (issue 18): it reads the renewed key as a
# member of the store's service group, not through a capability.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"

SVC=rsrn$$
useradd --system --no-create-home --shell /usr/sbin/nologin "$SVC" || exit 1
trap '_cleanup; userdel "$SVC" 2>/dev/null' EXIT
chmod 711 "$TMP"	# the service user passes through to the state root
SP=$(free_port)
FP=$(free_port)
printf 'Adm1n-%s-pass\n' "$RANDOM" >"$TMP/pw"
rsconfig database create --admin-user admin --admin-password-file "$TMP/pw" \
    >/dev/null
start_bg "$TMP/svc.log" httpsvc --user "$SVC"
SVC_PID=$BG_PID
wait_for "httpsvc ready" 30 grep -q "ready: listening" "$TMP/svc.log"
expect_match "httpsvc runs as $SVC with CAP_NET_BIND_SERVICE only" \
    "$(grep -E '^(Uid|CapEff):' "/proc/$SVC_PID/status" | tr -s '\t\n' '  ')" \
    "^Uid: $(id -u "$SVC") .*CapEff: 0000000000000400 *\$"

# thumb PORT SNI: the SHA-1 thumbprint served, or none.
thumb() {
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$1" \
	    -servername "$2" 2>/dev/null | openssl x509 -noout -fingerprint \
	    -sha1 2>/dev/null | sed 's/.*=//; s/://g' | grep . || echo none
}

T=$(newcert renew.test)
out=$(rsconfig web-service-url --https-cert "$T" --https-port "$SP" --follow \
    --apply)
expect_match "rsconfig --follow records the names" "$out" \
    "SSL binding 0\.0\.0\.0:$SP follows the names renew\.test"
wait_for "the binding serves" 10 sh -c "[ \"\$(echo | timeout 10 openssl s_client -connect 127.0.0.1:$SP -servername renew.test 2>/dev/null | openssl x509 -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')\" = $T ]"
expect_eq "the bound certificate is served" "$(thumb "$SP" renew.test)" "$T"
# A binding that does not follow, on the same certificate.
httpcfg add sslcert "ipport=127.0.0.1:$FP" "certhash=$T" "appid=$APPID" \
    >/dev/null
wait_log "reload .*: 3 bindings"

# A newer certificate for the same name enters My; nothing else is run.
T2=$(certstore new-self-signed --dns renew.test --days 800 2>/dev/null |
    tail -n 1)
wait_log "binding 0\.0\.0\.0:$SP renewed by name: $T -> $T2" 10
check "the move is logged" test $? = 0
expect_eq "the renewed key is root's and the service group's (0640)" \
    "$(stat -c '%U:%G %a' "$ROOT/certstore/My/$T2.key")" "root:$(id -gn "$SVC") 640"
wait_for "s_client sees the renewed certificate" 10 sh -c \
    "[ \"\$(echo | timeout 10 openssl s_client -connect 127.0.0.1:$SP -servername renew.test 2>/dev/null | openssl x509 -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')\" = $T2 ]"
check "s_client sees the renewed certificate with no command run" test $? = 0
expect_eq "both wildcard bindings moved in the store" \
    "$(httpcfg show sslcert --json | grep -o "\"certhash\": *\"$T2\"" | wc -l)" 2
expect_eq "the binding that does not follow stays" \
    "$(thumb "$FP" renew.test)" "$T"
check "the old certificate stays in My" certstore show "$T"

# Not taken: other names, or an older certificate for the same name.
n=$(grep -c "renewed by name" "$TMP/svc.log")
T3=$(certstore new-self-signed --dns other.test --days 900 2>/dev/null |
    tail -n 1)
T4=$(certstore new-self-signed --dns renew.test --days 30 2>/dev/null |
    tail -n 1)
wait_log "reload \(store changed\)" 10
sleep 2.5
expect_eq "a certificate for other names or an older one is not taken" \
    "$(grep -c "renewed by name" "$TMP/svc.log")" "$n"
expect_eq "the renewed certificate is still served" \
    "$(thumb "$SP" renew.test)" "$T2"
check "certificates T3 and T4 exist" test -n "$T3" -a -n "$T4"
done_testing
