# tests/integration/httpsvc/helpers.bash: sourced by the httpsvc tests
# after lib.sh.  Starts httpsvc and the test application, makes
# certificates and asks TLS questions with openssl s_client.
APP="$RS_SRC/tests/integration/httpsvc/testapp"
APPID='{6f1d2a3b-0000-4000-8000-00000000a001}'

# start_svc: starts httpsvc on $ROOT and waits for its ready line.
start_svc() {
	start_bg "$TMP/svc.log" httpsvc
	SVC_PID=$BG_PID
	wait_for "httpsvc ready" 30 grep -q "ready: listening" "$TMP/svc.log"
}

# start_app NAME URL...: starts testapp registering each URL; waits.
start_app() {
	local name=$1 args=() u
	shift
	for u in "$@"; do args+=(--url "$u"); done
	start_bg "$TMP/app-$name.log" python3 "$APP" --root "$ROOT" \
	    --sock "$TMP/$name.sock" --name "$name" "${args[@]}"
	APP_PID=$BG_PID
	wait_for "app $name" 20 grep -q READY "$TMP/app-$name.log"
}

# newcert NAME...: a self-signed certificate for the names; prints its thumbprint.
newcert() {
	local a=() n
	for n in "$@"; do a+=(--dns "$n"); done
	certstore new-self-signed "${a[@]}" 2>/dev/null | tail -n 1
}

# served_cn PORT [SNI]: the CN of the certificate served (or "none").
served_cn() {
	local sni=()
	[ -n "${2:-}" ] && sni=(-servername "$2")
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$1" "${sni[@]}" \
	    2>/dev/null | openssl x509 -noout -subject 2>/dev/null |
	    sed -n 's/.*CN *= *//p' | grep . || echo none
}

# wait_log REGEX [SECONDS]: waits for a line in the httpsvc log.
wait_log() {
	wait_for "log /$1/" "${2:-10}" grep -Eq -- "$1" "$TMP/svc.log"
}

# ctl LINE: one request on the control socket; prints the answer.
ctl() {
	python3 - "$ROOT/run/httpsvc.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
print(s.makefile().readline().strip())
PY
}
