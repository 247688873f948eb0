#!/usr/bin/env bash
# bench/instr.sh: instructions httpsvc executes per operation, counted by
# valgrind's callgrind: the same on a busy machine as on an idle one, so
# two builds compare to a fraction of a percent where timings swing by
# 10-40%.  User-space instructions of httpsvc only (OpenSSL, libh2o, libc
# included; the kernel and the backend not): pair it with bench/syscalls.sh.
#
# Each build runs under callgrind on a state root of its own with its own
# staticsite (bench/lib.sh); after a warm-up the counters are zeroed, one
# load runs, the counters are dumped:
#   keepalive  h2load --h1, 4 connections, 10,000 GETs of the 2 KB file
#   full       h2load --h1, 200 clients x 1 request: full handshakes
#   resumed    h2load --h1 Connection: close, 4 clients, 500 requests:
#              4 full handshakes, 496 resumed (TLS 1.3 PSK)
#   h2         h2load, 2 connections x 16 streams, 10,000 GETs
# Per operation, the handshakes of the keep-alive and h2 loads and the 4
# full ones of the resumed load are subtracted (at the full figure).
#
# usage: bench/instr.sh [--workers N] [--keep] [--annotate] LABEL=BIN [LABEL=BIN ...]
#   --annotate  also write callgrind_annotate's top functions per load to
#               stderr
# prints: LABEL.<load>_instr <instructions per request/handshake>
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
WORKERS=2 KEEP=0 ANNOTATE=0
builds=()
while [ $# -gt 0 ]; do
	case $1 in
	--workers) WORKERS=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	--annotate) ANNOTATE=1; shift ;;
	-h | --help) sed -n '2,24p' "$0"; exit 0 ;;
	*=*) builds+=("$1"); shift ;;
	*) echo "instr.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
[ ${#builds[@]} -ge 1 ] || { sed -n '2,24p' "$0" >&2; exit 2; }
for t in valgrind callgrind_control h2load curl python3; do
	command -v "$t" >/dev/null || { echo "instr.sh: '$t' is not installed" >&2; exit 127; }
done
. "$top/bench/lib.sh"
# root stays root: callgrind_control talks to a process of its own user
SVC_ARGS="--user root"
TMP=$(mktemp -d /tmp/rs-instr.XXXXXX)
trap 'bench_cleanup' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
BIN=${builds[0]#*=}
make_cert

# load LABEL NAME H2LOAD-ARGS...: zero, run, dump; prints the Ir counted
load() {
	local lab=$1 name=$2 pid=PID_$1 url=URL_$1 out f ir
	shift 2
	timeout 60 callgrind_control -z "${!pid}" >/dev/null || die "callgrind_control -z failed"
	out=$(h2load "$@" "${!url}" 2>&1) || true
	grep -q '^status codes: [1-9][0-9]* 2xx' <<<"$out" ||
	    { echo "$out" | tail -5 >&2; die "$lab $name: h2load failed"; }
	grep -Eq '^requests: .* 0 failed, 0 errored' <<<"$out" ||
	    say "WARNING: $lab $name: $(grep '^requests:' <<<"$out")"
	timeout 60 callgrind_control -d "$name" "${!pid}" >/dev/null || die "callgrind_control -d failed"
	sleep 0.5
	f=$(ls -t "$TMP/cg-$lab".* | head -n 1)
	ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$f")
	if [ "$ANNOTATE" = 1 ]; then
		say "$lab $name: top functions"
		callgrind_annotate --threshold=100 --inclusive=no "$f" 2>/dev/null | sed -n '/^-\{5,\}/,$p' |
		    grep -v "^-" | grep -v "^ *$" | sed -n "4,30p" >&2
	fi
	echo "$ir"
}

for b in "${builds[@]}"; do
	lab=${b%%=*} bin=${b#*=}
	start_svc "$lab" "$bin" valgrind --tool=callgrind --trace-children=no \
	    "--callgrind-out-file=$TMP/cg-$lab.%p"
	u=URL_$lab
	h2load --h1 -n 200 -c 4 "${!u}" >/dev/null 2>&1	# warm-up
	h2load -n 200 -c 2 -m 16 "${!u}" >/dev/null 2>&1
	full=$(load "$lab" full --h1 -n 200 -c 200)
	full=$((full / 200))
	ka=$(load "$lab" keepalive --h1 -n 10000 -c 4)
	res=$(load "$lab" resumed --h1 -n 500 -c 4 -H 'Connection: close')
	h2=$(load "$lab" h2 -n 10000 -c 2 -m 16)
	echo "$lab.keepalive_instr $(((ka - 4 * full) / 10000))"
	echo "$lab.full_hs_instr $full"
	echo "$lab.resumed_hs_instr $(((res - 4 * full) / 496))"
	echo "$lab.h2_instr $(((h2 - 2 * full) / 10000))"
	p=PID_$lab
	kill -TERM "${!p}"
	wait "${!p}" 2>/dev/null || true
done
