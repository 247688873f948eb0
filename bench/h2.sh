#!/usr/bin/env bash
# bench/h2.sh: HTTP/2 multiplexed requests per second of running servers,
# interleaved (repetition 1: A B ..., repetition 2: A B ...), with the
# server CPU time (utime+stime of the server's process tree) per request.
# h2load over TLS (ALPN h2), 8 connections x 16 concurrent streams, 2
# client threads, a fixed number of requests per run.
#
# usage: bench/h2.sh [--reps N] [--requests N] [--conns C] [--streams M]
#                    LABEL URL PID [LABEL URL PID ...]
# prints, per label (medians over the repetitions):
#   LABEL.h2_rps <req/s> req/s
#   LABEL.h2_server_cpu_us <us> us/req
# and the raw values of each run on stderr.
set -euo pipefail
export LC_ALL=C
REPS=3 REQS=100000 CONNS=8 STREAMS=16
while [ $# -gt 0 ]; do
	case $1 in
	--reps) REPS=$2; shift 2 ;;
	--requests) REQS=$2; shift 2 ;;
	--conns) CONNS=$2; shift 2 ;;
	--streams) STREAMS=$2; shift 2 ;;
	-h | --help) sed -n '2,13p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
[ $# -ge 3 ] && [ $(($# % 3)) -eq 0 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
command -v h2load >/dev/null || { echo "h2.sh: h2load is not installed (nghttp2-client)" >&2; exit 127; }
HZ=$(getconf CLK_TCK)

# CPU ticks of a process and its descendants
tree_ticks() {
	local t=0 p v
	for p in $(ps -e -o pid=,ppid= | awk -v r="$1" '
	    { par[$1] = $2 }
	    END { for (k in par) { x = k; n = 0
	        while (x != "" && x != 0 && n < 64) { if (x == r) { print k; break }
	        x = par[x]; n++ } } }'); do
		v=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
		[ -n "$v" ] && t=$((t + v))
	done
	echo "$t"
}
median() { sort -g | awk '{v[NR] = $1} END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A RPS=() CPU=()
labels=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i += 3)); do labels+=("${args[i]}"); done
for lab in "${labels[@]}"; do RPS[$lab]="" CPU[$lab]=""; done
for rep in $(seq 1 "$REPS"); do
	for ((i = 0; i < ${#args[@]}; i += 3)); do
		lab=${args[i]} url=${args[i + 1]} pid=${args[i + 2]}
		t0=$(tree_ticks "$pid")
		out=$(timeout -k 5 120 h2load -n "$REQS" -c "$CONNS" -m "$STREAMS" -t 2 "$url" 2>&1) || true
		t1=$(tree_ticks "$pid")
		rps=$(awk '/^finished in/ {print $4; exit}' <<<"$out")
		ok=$(awk '/^requests:/ {print $8; exit}' <<<"$out")
		proto=$(awk '/^Application protocol:/ {print $3; exit}' <<<"$out")
		if [ -z "$rps" ] || [ "${ok:-0}" != "$REQS" ] || [ "$proto" != h2 ]; then
			echo "# WARNING: $lab: h2load: ${ok:-0}/$REQS succeeded, protocol '${proto:-?}'; run discarded" >&2
			sleep 1
			continue
		fi
		cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v n="$REQS" 'BEGIN { printf "%.1f", 1e6 * (b - a) / hz / n }')
		RPS[$lab]="${RPS[$lab]} ${rps%.*}"
		CPU[$lab]="${CPU[$lab]} $cpu"
		echo "# $lab h2 rep$rep: ${rps%.*} req/s, $cpu us/req server CPU ($CONNS conns x $STREAMS streams, $REQS requests)" >&2
		sleep 1
	done
done
for lab in "${labels[@]}"; do
	[ -n "${RPS[$lab]}" ] || continue
	echo "# $lab.h2: req/s [${RPS[$lab]# }], us/req [${CPU[$lab]# }]" >&2
	echo "$lab.h2_rps $(tr ' ' '\n' <<<"${RPS[$lab]}" | awk NF | median) req/s"
	echo "$lab.h2_server_cpu_us $(tr ' ' '\n' <<<"${CPU[$lab]}" | awk NF | median) us/req"
done
