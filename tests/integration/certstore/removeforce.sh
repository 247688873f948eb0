#!/usr/bin/env bash
# certstore remove --force of a bound certificate (issue 11): httpsvc polls
# the store every second, so certstore tells it (RELOAD on its control
# socket) and returns once httpsvc has answered: the very next handshake,
# right after the command, no longer gets the certificate (checked three
# times, so a lucky poll cannot pass the test).  With httpsvc stopped
# there is nothing to tell and nothing to wait for.
. "$(dirname "$0")/../lib.sh"
. "$RS_SRC/tests/integration/httpsvc/helpers.bash"
cd "$TMP"

# fp PORT NAME: the thumbprint served for NAME, or "refused".
fp() {
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$1" \
	    -servername "$2" 2>/dev/null | openssl x509 -noout -fingerprint \
	    -sha1 2>/dev/null | sed 's/.*=//; s/://g' | grep . || echo refused
}

start_svc
for i in 1 2 3; do
	P=$(free_port)
	T=$(newcert "force$i.test")
	httpcfg add sslcert "ipport=127.0.0.1:$P" "certhash=$T" "appid=$APPID" \
	    >/dev/null
	wait_for "binding $i serves" 15 sh -c "echo | timeout 5 openssl s_client -connect 127.0.0.1:$P 2>/dev/null | grep -q 'BEGIN CERTIFICATE'"
	expect_eq "$i: the bound certificate is served" "$(fp "$P" "force$i.test")" "$T"
	o=$(certstore remove "$T" --force 2>&1)
	got=$(fp "$P" "force$i.test")
	check "$i: remove --force succeeds" test -n "$o"
	expect_match "$i: ... and says httpsvc was told and answered" "$o" \
	    'httpsvc reloaded: those bindings no longer serve it'
	expect_eq "$i: the next handshake, right after, does not get it" \
	    "$got" refused
done
expect_match "httpsvc logged the reloads the command asked for" \
    "$(grep -c 'reload (control socket)' "$TMP/svc.log")" '^[3-9]$'

kill "$SVC_PID"
wait "$SVC_PID" 2>/dev/null
T=$(newcert stopped.test)
httpcfg add sslcert "ipport=127.0.0.1:$(free_port)" "certhash=$T" \
    "appid=$APPID" >/dev/null 2>&1
t0=$(date +%s%N)
o=$(certstore remove "$T" --force 2>&1)
rc=$? ms=$((($(date +%s%N) - t0) / 1000000))
check "with httpsvc stopped remove --force succeeds" test "$rc" = 0
expect_no_match "... says nothing about httpsvc" "$o" 'httpsvc'
check "... and does not wait for it (${ms} ms)" test "$ms" -lt 4000
done_testing
