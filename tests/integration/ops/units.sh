#!/usr/bin/env bash
# The systemd units as installed (dist/systemd, docs/operations.md):
# systemd-analyze verify finds nothing; the hardening keys are there; the
# exposure score stays low; and the units' own commands work: httpsvc's
# ExecStartPre and ExecStart (READY=1 to NOTIFY_SOCKET, ExecReload's HUP
# gives RELOADING=1 then READY=1), the reportserver unit's ExecStart
# (rsconfig start with RS_SYSTEMD_UNIT) returns leaving the server running
# under the PIDFile, as Type=forking wants.
. "$(dirname "$0")/../lib.sh"
build=$(dirname "$RS_TEST_BUILD")
mode=$(basename "$RS_TEST_BUILD")
p=$TMP/p
state=$TMP/state
mkdir -p "$state"
check "make install PREFIX=$p STATEDIR=$state" make -s -C "$RS_SRC" -o build \
    MODE="$mode" BUILDDIR="$build" DESTDIR= PREFIX="$p" STATEDIR="$state" install
u=$p/lib/systemd/system
key() {	# key UNIT NAME: the values of NAME=, one a line
	sed -n "s/^$2=//p" "$u/$1"
}
if command -v systemd-analyze >/dev/null; then
	for f in httpsvc.service httpsvc.socket reportserver.service; do
		o=$(systemd-analyze verify --man=no "$u/$f" 2>&1)
		expect_eq "systemd-analyze verify $f" "$o" ""
	done
	for f in httpsvc.service reportserver.service; do
		s=$(systemd-analyze security --offline=true "$u/$f" 2>&1 |
		    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		if [ -n "$s" ] && awk -v s="$s" 'BEGIN { exit !(s <= 4.0) }'
		then ok "$f exposure $s <= 4.0"
		else not_ok "$f exposure '$s' <= 4.0"; fi
	done
else
	ok "# SKIP systemd-analyze is not installed"
fi
for f in httpsvc.service reportserver.service; do
	for kv in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes \
	    Restart=on-failure ReadWritePaths="$state" RestrictSUIDSGID=yes \
	    SystemCallFilter=@system-service ProtectHome=read-only \
	    PrivateDevices=yes; do
		expect_eq "$f: $kv" "$(key $f "${kv%%=*}")" "${kv#*=}"
	done
	caps=$(key $f CapabilityBoundingSet)
	expect_match "$f: a capability bounding set" "$caps" "^CAP_"
	expect_no_match "$f: no CAP_SYS_ADMIN, CAP_SYS_PTRACE or CAP_NET_RAW" \
	    "$caps" "CAP_SYS_ADMIN|CAP_SYS_PTRACE|CAP_NET_RAW"
	expect_match "$f: systemctl reload is SIGHUP" "$(key $f ExecReload)" \
	    'kill -HUP \$MAINPID'
done
expect_eq "httpsvc.service is Type=notify" "$(key httpsvc.service Type)" notify
expect_eq "reportserver.service is Type=forking" \
    "$(key reportserver.service Type)" forking
expect_eq "httpsvc.socket holds 80 and 443" \
    "$(key httpsvc.socket ListenStream | tr '\n' ' ')" "80 443 "
expect_match "sysusers.d makes rshttp and reportserver" \
    "$(cat "$p/lib/sysusers.d/reportserver.conf")" \
    "^u rshttp .*"$'\n'"u reportserver "

# httpsvc's ExecStartPre and ExecStart, run as systemd would run them.
pre=$(key httpsvc.service ExecStartPre)
expect_match "ExecStartPre (httpsvc -t) passes on a fresh state root" \
    "$($pre 2>&1)" "configuration OK"
out=$(python3 - "$(key httpsvc.service ExecStart)" "$TMP/notify" <<'PY'
import os, signal, socket, subprocess, sys
cmd, path = sys.argv[1].split(), sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(20)
env = dict(os.environ, NOTIFY_SOCKET=path)
p = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
def until(word):
    while True:
        m = s.recv(4096).decode()
        if word in m.split("\n"):
            return m
try:
    m = until("READY=1")
    print("ready", "MAINPID=%d" % p.pid in m)
    p.send_signal(signal.SIGHUP)
    until("RELOADING=1")
    until("READY=1")
    print("reloaded")
    p.send_signal(signal.SIGTERM)
    until("STOPPING=1")
    print("stopped", p.wait(20))
except Exception as e:
    print("error", e)
    p.kill()
PY
)
expect_eq "httpsvc's ExecStart: READY=1 with MAINPID, HUP reloads, TERM stops" \
    "$out" $'ready True\nreloaded\nstopped 0'

# The reportserver unit's ExecStart (rsconfig start) on a created catalog.
printf 'Adm1n-pass\n' >"$TMP/pw"
check "database create" rsconfig --root "$state" database create \
    --admin-user admin --admin-password-file "$TMP/pw"
start=$(key reportserver.service ExecStart)
envv=$(key reportserver.service Environment)
# The server keeps the unit's standard error (the journal): not a pipe here.
env "$envv" $start >"$TMP/start.out" 2>"$TMP/journal"
expect_eq "the unit's ExecStart returns once the server runs" "$?" 0
pidf=$(key reportserver.service PIDFile)
pid=$(cat "$pidf" 2>/dev/null)
if [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = reportserver ]
then ok "PIDFile names the running reportserver"
else not_ok "PIDFile names the running reportserver" "pid '$pid'"; fi
[ -n "$pid" ] && kill -HUP "$pid" && sleep 0.5
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then ok "reload (HUP) keeps it running"
else not_ok "reload (HUP) keeps it running"; fi
[ -n "$pid" ] && kill "$pid"
if wait_for "SIGTERM stops it" 20 sh -c "! kill -0 $pid 2>/dev/null"
then ok "SIGTERM stops it"; else not_ok "SIGTERM stops it"; fi
done_testing
