#!/usr/bin/env bash
# httpcfg and httpsvc's control socket (ROOT/run/httpsvc.sock, the
# line protocol of docs/DESIGN.md): "show servicestate" sends STATE and
# shows the answer (text and --json, with warnings for bound certificates
# that expire within 30 days); every successful change sends RELOAD,
# a failed one does not; a refused or missing answer is a warning, not a
# failure of the saved change.  The peer is a small stand-in that speaks
# the protocol and records what it receives (and can refuse or stay
# silent); httpsvc.sh runs httpcfg against the real daemon.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures.bash"

mkdir -p "$ROOT/run"
cat >"$TMP/peer.py" <<'PY'
import json, os, socket, sys
path, log, mode = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX)
s.bind(path + ".new"); os.rename(path + ".new", path); s.listen(16)
state = {"listeners": [{"address": "0.0.0.0:8443", "tls": True}],
         "bindings": ["0.0.0.0:8443"], "connections": 3,
         "registrations": [{"url": "https://+:8443/ReportServer/", "pid": 42}]}
while True:
    c, _ = s.accept()
    line = c.makefile().readline().strip()
    with open(log, "a") as f:
        f.write(line + "\n")
    if mode == "silent":
        continue
    if line == "STATE":
        c.sendall(b"OK " + json.dumps(state).encode() + b"\n")
    elif line == "RELOAD":
        c.sendall(b"ERR 87 bad binding 0.0.0.0:1\n" if mode == "refuse"
                  else b"OK reloaded\n")
    c.close()
PY
sock="$ROOT/run/httpsvc.sock"
start_peer() {	# MODE
	[ -n "${PEER:-}" ] && kill "$PEER" 2>/dev/null && wait "$PEER" 2>/dev/null
	rm -f "$sock"
	start_bg "$TMP/peer.log" python3 "$TMP/peer.py" "$sock" "$TMP/req" "$1"
	PEER=$BG_PID
	wait_for "peer socket" 10 test -S "$sock"
}
reloads() { grep -c '^RELOAD$' "$TMP/req" 2>/dev/null || true; }

T=$(mkcert state.test)
SOON=$(mkcert soon.test --days 10)
out=$(httpcfg add sslcert ipport=0.0.0.0:8443 certhash="$T" appid="$APP1" 2>&1)
expect_eq "no httpsvc: a change prints no warning" "$out" \
    "$(printf '\nSSL Certificate successfully added')"

start_peer ok
check "add sslcert with httpsvc running" \
    httpcfg add sslcert ipport=0.0.0.0:9443 certhash="$SOON" appid="$APP1"
expect_eq "a successful add sends RELOAD" "$(reloads)" 1
check_fails "a failed add" \
    httpcfg add sslcert ipport=0.0.0.0:9443 certhash="$SOON" appid="$APP1"
expect_eq "a failed add sends nothing" "$(reloads)" 1
check "add urlacl" httpcfg add urlacl url=https://+:8443/x/ user=root
check "delete urlacl" httpcfg delete urlacl url=https://+:8443/x/
check "update sslcert" \
    httpcfg update sslcert ipport=0.0.0.0:8443 certhash="$T" appid="$APP2"
check "delete sslcert" httpcfg delete sslcert ipport=0.0.0.0:8443
expect_eq "each change sent one RELOAD" "$(reloads)" 5
check "show sslcert" httpcfg show sslcert
expect_eq "show sends no RELOAD" "$(reloads)" 5

out=$(httpcfg show servicestate 2>&1)
expect_match "servicestate shows the listeners" "$out" '"address": "0\.0\.0\.0:8443"'
expect_match "servicestate shows registrations" "$out" '"url": "https://\+:8443/ReportServer/"'
expect_match "servicestate warns about the expiring certificate" "$out" \
    "^warning: binding 0\.0\.0\.0:9443: certificate $SOON expires in (9|10) days"
expect_no_match "no warning for the valid one" "$out" "certificate $T"
json=$(httpcfg show servicestate --json)
got=$(python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["running"], d["state"]["connections"], len(d["warnings"]),
      "expires in" in d["warnings"][0])' <<<"$json")
expect_eq "servicestate --json" "$got" "True 3 1 True"

start_peer refuse
out=$(httpcfg add urlacl url=https://+:8443/y/ user=root 2>&1)
rc=$?
expect_eq "a refused reload does not fail the saved change" $rc 0
expect_match "it says so" "$out" \
    '^warning: the change is saved, but httpsvc refused to reload: ERR 87 bad binding'
check "the change is saved" httpcfg show urlacl url=https://+:8443/y/

start_peer silent
t0=$SECONDS
out=$(httpcfg delete urlacl url=https://+:8443/y/ 2>&1)
rc=$?
expect_eq "a silent httpsvc does not fail the change" $rc 0
expect_match "it says httpsvc did not answer" "$out" 'did not answer within 5000 ms'
expect_eq "and gives up in about 5 s" $(( SECONDS - t0 <= 7 )) 1
check_fails "servicestate with a silent httpsvc fails" httpcfg show servicestate

kill "$PEER"; wait "$PEER" 2>/dev/null
out=$(httpcfg show servicestate 2>&1)
expect_match "servicestate with a stale socket: not running" "$out" \
    'Error: 2$'
expect_match "servicestate says httpsvc is not running" "$out" 'httpsvc is not running'
done_testing
