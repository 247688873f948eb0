# tests/integration/rsconfig/helpers.bash: sourced by the rsconfig tests
# after lib.sh.  Starts httpsvc, makes the report server database, and
# stops whatever rsconfig started when the script ends.

# rs_cleanup: stop a report server that 'rsconfig start' left running.
rs_cleanup() {
	rsconfig stop >/dev/null 2>&1 || true
}

# start_httpsvc: starts httpsvc on $ROOT and waits for its ready line.
start_httpsvc() {
	start_bg "$TMP/httpsvc.log" httpsvc
	SVC_PID=$BG_PID
	wait_for "httpsvc ready" 30 grep -q "ready: listening" "$TMP/httpsvc.log"
}

# make_db: the report server database with admin / $PW.
make_db() {
	PW="Adm1n-$RANDOM-pass"
	printf '%s\n' "$PW" >"$TMP/pw"
	rsconfig database create --admin-user admin \
	    --admin-password-file "$TMP/pw" >/dev/null
}

# newcert NAME...: a self-signed certificate in My; prints the thumbprint.
newcert() {
	local a=() n
	for n in "$@"; do a+=(--dns "$n"); done
	certstore new-self-signed "${a[@]}" 2>/dev/null | tail -n 1
}

# served PORT [SNI]: the SHA-1 thumbprint of the certificate served, or none.
served() {
	local sni=()
	[ -n "${2:-}" ] && sni=(-servername "$2")
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$1" "${sni[@]}" \
	    2>/dev/null | openssl x509 -noout -fingerprint -sha1 2>/dev/null |
	    sed 's/.*=//; s/://g' | grep . || echo none
}

# stores_digest: what rollback must leave unchanged.
stores_digest() {
	{
		tree_digest "$ROOT/certstore"
		httpcfg show sslcert --json
		httpcfg show urlacl --json
		cat "$ROOT/reportserver/rsreportserver.config" 2>/dev/null
	} | sha256sum
}
