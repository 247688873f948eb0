#!/usr/bin/env bash
# httpcfg against the real httpsvc: "show servicestate" reports the
# listener and the binding in use; "update sslcert" and "add sslcert" take
# effect on the next handshake without a restart (httpcfg sends RELOAD),
# as openssl s_client sees; "delete sslcert" stops serving that port.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures.bash"

if [ ! -x "$RS_BIN/httpsvc" ]; then
	echo "ok 1 # SKIP bin/httpsvc is not built"
	echo "1..1"
	exit 0
fi
served() {	# PORT [SNI]: thumbprint of the certificate served
	echo | timeout 10 openssl s_client -connect 127.0.0.1:"$1" \
	    ${2:+-servername "$2"} 2>/dev/null |
	    openssl x509 -noout -fingerprint -sha1 2>/dev/null |
	    sed 's/.*=//; s/://g'
}

P1=$(free_port)
P2=$(free_port)
T1=$(mkcert one.test)
T2=$(mkcert two.test)
T3=$(mkcert three.test)
check "bind port 1" \
    httpcfg add sslcert ipport=0.0.0.0:"$P1" certhash="$T1" appid="$APP1"
check "reserve a URL on port 1" \
    httpcfg add urlacl url=https://+:"$P1"/site/ user=root
start_bg "$TMP/httpsvc.log" httpsvc
wait_for "httpsvc control socket" 20 httpcfg show servicestate ||
    not_ok "httpsvc started" "$(tail -n 20 "$TMP/httpsvc.log")"
wait_for "port $P1" 20 test -n "$(served "$P1")"

json=$(httpcfg show servicestate --json)
check "servicestate --json from httpsvc is JSON" python3 -m json.tool <<<"$json"
expect_match "servicestate lists the binding in use" "$json" "0\.0\.0\.0:$P1"
expect_match "servicestate lists the reservation" "$json" "https://\+:$P1/site/"
expect_eq "port 1 serves certificate 1" "$(served "$P1")" "$T1"

check "update sslcert to certificate 2" \
    httpcfg update sslcert ipport=0.0.0.0:"$P1" certhash="$T2" appid="$APP1"
expect_eq "the next handshake gets certificate 2" "$(served "$P1")" "$T2"

check "hostnameport binding on port 1" httpcfg add sslcert \
    hostnameport=three.test:"$P1" certhash="$T3" appid="$APP1"
expect_eq "SNI three.test gets certificate 3" "$(served "$P1" three.test)" "$T3"
expect_eq "another SNI name still gets certificate 2" \
    "$(served "$P1" other.test)" "$T2"

check "bind port 2" \
    httpcfg add sslcert ipport=0.0.0.0:"$P2" certhash="$T1" appid="$APP2"
check "reserve a URL on port 2" \
    httpcfg add urlacl url=https://+:"$P2"/ user=root
wait_for "port $P2" 20 test -n "$(served "$P2")"
expect_eq "a new port serves without a restart" "$(served "$P2")" "$T1"

check "delete sslcert hostnameport" \
    httpcfg delete sslcert hostnameport=three.test:"$P1"
expect_eq "SNI three.test now falls back to the ip:port binding" \
    "$(served "$P1" three.test)" "$T2"
expect_match "httpsvc logged the reloads" "$(cat "$TMP/httpsvc.log")" 'reload'
done_testing
