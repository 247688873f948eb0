#!/usr/bin/env bash
# Registration is authorised by the caller's Unix uid (SO_PEERCRED) against
# the URL ACL's user: a process running as another user cannot register a
# prefix reserved for someone else, nor an unreserved one; it can register
# its own reservation (and a prefix under it); only root (or httpsvc's
# own user) reloads.  httpsvc runs as a service user of its own here, with
# no capability but CAP_NET_BIND_SERVICE: it reaches the application's
# socket as any other user would (a passable folder, a writable socket).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
stage_for_others "$APP" || exit 1	# the other user runs testapp
UAPP=$STAGE/testapp

U=rsh3t$$
SVC=rsh3s$$
useradd --system --no-create-home --shell /usr/sbin/nologin "$U" || exit 1
useradd --system --no-create-home --shell /usr/sbin/nologin "$SVC" || exit 1
trap '_cleanup; userdel "$U" 2>/dev/null; userdel "$SVC" 2>/dev/null' EXIT
chmod 755 "$TMP"
mkdir -m 711 "$TMP/u" && chown "$U:" "$TMP/u"

P=$(free_port)
httpcfg add urlacl url=http://+:$P/rootonly/ user=root >/dev/null
httpcfg add urlacl url=http://+:$P/mine/ user=$U >/dev/null
start_bg "$TMP/svc.log" httpsvc --user "$SVC"
SVC_PID=$BG_PID
wait_for "httpsvc ready" 30 grep -q "ready: listening" "$TMP/svc.log"
expect_match "httpsvc runs as its service user with CAP_NET_BIND_SERVICE only" \
    "$(grep -E '^(Uid|CapEff):' "/proc/$SVC_PID/status" | tr -s '\t\n' '  ')" \
    "^Uid: $(id -u "$SVC") .*CapEff: 0000000000000400 *\$"

# as_user CMD...: runs CMD as $U.
as_user() { setpriv --reuid="$U" --regid="$U" --clear-groups "$@"; }
uctl() {
	as_user /usr/bin/python3 - "$ROOT/run/httpsvc.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
print(s.makefile().readline().strip())
PY
}

out=$(uctl "REGISTER http://+:$P/rootonly/ $TMP/u/x.sock")
expect_match "another user's reservation: ERR 5" "$out" \
    "^ERR 5 access denied: http://\+:$P/rootonly/ is reserved for user root"
out=$(uctl "REGISTER http://+:$P/nobody/ $TMP/u/x.sock")
expect_match "an unreserved prefix: ERR 5 with the fix" "$out" \
    "^ERR 5 access denied: no URL reservation covers .*httpcfg add urlacl"
out=$(uctl "REGISTER http://127.0.0.1:$P/mine/ $TMP/u/x.sock")
expect_match "same path, other host class: not covered" "$out" "^ERR 5 "
out=$(uctl "REGISTER http://+:$P/mine/ $ROOT/run/httpsvc.sock")
expect_match "its own reservation routed to a socket it does not own: ERR 5" \
    "$out" "^ERR 5 access denied: the application socket .* belongs to uid 0"
expect_match "RELOAD as another user: ERR 5" "$(uctl RELOAD)" "^ERR 5 "
expect_eq "PING works for anyone" "$(uctl PING)" OK

# umask 0: a socket others can connect to (httpsvc is another user).
start_bg "$TMP/app-u.log" setpriv --reuid="$U" --regid="$U" --clear-groups \
    sh -c 'umask 0; exec "$@"' sh \
    /usr/bin/python3 "$UAPP" --root "$ROOT" --sock "$TMP/u/app.sock" --name user \
    --url "http://+:$P/mine/" --url "http://+:$P/mine/sub/" \
    --url "http://+:$P/rootonly/"
wait_for "user app" 20 grep -q READY "$TMP/app-u.log"
log=$(cat "$TMP/app-u.log")
expect_match "its own reservation registers" "$log" \
    "REGISTER http://\+:$P/mine/: OK"
expect_match "a prefix under its reservation registers" "$log" \
    "REGISTER http://\+:$P/mine/sub/: OK"
expect_match "the user app is still refused root's prefix" "$log" \
    "REGISTER http://\+:$P/rootonly/: ERR 5 "
out=$(curl -s --max-time 10 http://127.0.0.1:$P/mine/page)
expect_match "requests reach the user's application" "$out" "app=user "
out=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' \
    http://127.0.0.1:$P/rootonly/page)
expect_eq "root's reservation stays unregistered: 503" "$out" 503
uid=$(id -u "$U")
expect_match "STATE shows the registrant's uid" "$(ctl STATE)" \
    "\"url\":\"http://\+:$P/mine/\",\"user\":\"$U\",\"reserved\":true,\"registered\":true,\"pid\":[0-9]+,\"uid\":$uid"

out=$(as_user /usr/bin/python3 - "$ROOT/run/httpsvc.sock" <<'PY'
import socket, sys
socks, refused = [], 0
for i in range(40):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
    try:
        s.sendall(b"PING\n")
    except OSError:
        pass        # refused and closed before the request went out
    if s.makefile().readline().startswith("ERR 1359"):
        refused += 1
    socks.append(s)
print(refused)
PY
)
expect_eq "one user gets at most 32 control connections (its app holds one)" \
    "$out" 9
expect_eq "the control socket still answers root meanwhile" "$(ctl PING)" OK

start_app rootapp "http://+:$P/unreserved/"
expect_match "root may register an unreserved prefix" \
    "$(cat "$TMP/app-rootapp.log")" "REGISTER http://\+:$P/unreserved/: OK"
done_testing
