#!/usr/bin/env bash
# bench/syscalls.sh: system calls per request of a running server, counted
# with strace while wrk sends keep-alive requests.  Exact counts, unlike
# timings, so two servers compare even on a busy machine.
#
# usage: bench/syscalls.sh URL PID [SECONDS]
#   URL  https://127.0.0.1:PORT/PATH    PID  the server (its threads and
#   child processes are traced: nginx's workers, httpsvc's loops)
# prints: "<syscall> <calls per request>" for calls made at least 0.05
# times per request, then "total <calls per request>".
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
url=$1 pid=$2 secs=${3:-3}
command -v strace >/dev/null || { echo "syscalls.sh: strace is not installed" >&2; exit 127; }
pids=("-p" "$pid")
for c in $(pgrep -P "$pid" || true); do pids+=("-p" "$c"); done
out=$(mktemp /tmp/rs-syscalls.XXXXXX)
trap 'rm -f "$out" "$out.wrk"' EXIT
strace -f -c -o "$out" "${pids[@]}" 2>/dev/null &
st=$!
sleep 1
wrk -t2 -c64 -d"${secs}s" --timeout 30s "$url" >"$out.wrk"
sleep 0.5
kill -INT "$st"
wait "$st" 2>/dev/null || true
reqs=$(awk '/requests in/ {print $1}' "$out.wrk")
[ -n "$reqs" ] && [ "$reqs" -gt 0 ] || { echo "syscalls.sh: wrk made no requests" >&2; exit 1; }
awk -v n="$reqs" '
	$1 ~ /^[0-9.]+$/ && NF >= 5 {
		calls = $4; name = $NF
		if (name == "total") next
		if (calls / n >= 0.05) printf "%s %.2f\n", name, calls / n
		t += calls
	}
	END { printf "total %.1f\n", t / n }' "$out" | sort -k2 -nr
