#!/usr/bin/env bash
# bench/run.sh: httpsvc against nginx, side by side in one run (`make bench`).
# A benchmark, not a test: it prints figures, it does not pass or fail.
#
# Both servers get the same ECDSA P-256 certificate (made with
# `certstore new-self-signed`; nginx reads the PEM files the store keeps)
# and the same backend: one bin/staticsite serving a 2 KB file over its Unix
# socket.  httpsvc routes to it by URL reservation; nginx is a TLS proxy to
# the same socket (bench/nginx-proxy.sh over the shared nginx anchor).  The
# shared tls-bench.sh measures, interleaved: keep-alive HTTPS requests/s and
# p50/p99 latency (wrk), full handshakes/s (h2load, one request per new
# connection), resumed handshakes/s (h2load, Connection: close), and server
# CPU per request and per handshake; bench/idle_conns.py measures the
# server's memory per 1,000 idle TLS connections; bench/syscalls.sh counts
# the servers' system calls per keep-alive request (strace).  Every figure
# is printed for both, with the ratio httpsvc/nginx.
#
# usage: bench/run.sh [--quick] [--reps N] [--duration S] [--workers N]
#                     [--idle N] [--keep]
#   --quick      1 repetition, 3 s runs (about 1 minute)
#   --reps N     repetitions per metric, median reported [2]
#   --duration S wrk run length [5]
#   --workers N  nginx worker processes = httpsvc threads [nproc]
#   --idle N     idle connections for the memory figure [1000]
#   --keep       keep the temporary state root and logs
# env: RS_BENCH_BIN (binaries, default ./bin), RS_SHARED_BENCH (folder of
#      tls-bench.sh and nginx-anchor.sh, default /work/shared/bench)
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RS_BENCH_BIN:-$top/bin}
SHARED=${RS_SHARED_BENCH:-/work/shared/bench}
export RS_NGINX_ANCHOR=$SHARED/nginx-anchor.sh

REPS=2 DURATION=5 WORKERS=$(nproc) IDLE=1000 KEEP=0
HS_CONNS=1000 RES_REQS=5000
while [ $# -gt 0 ]; do
	case $1 in
	--quick) REPS=1 DURATION=3; shift ;;
	--reps) REPS=$2; shift 2 ;;
	--duration) DURATION=$2; shift 2 ;;
	--workers) WORKERS=$2; shift 2 ;;
	--idle) IDLE=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) sed -n '2,27p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done

die() { echo "bench: error: $*" >&2; exit 1; }
say() { echo "# $*" >&2; }
for b in certstore httpcfg httpsvc staticsite; do
	[ -x "$BIN/$b" ] || die "$BIN/$b is missing; run 'make' first"
done
for f in tls-bench.sh nginx-anchor.sh; do
	[ -f "$SHARED/$f" ] || die "$SHARED/$f is missing; set RS_SHARED_BENCH"
done
for t in wrk h2load nginx curl python3 openssl; do
	command -v "$t" >/dev/null || die "'$t' is not installed (make deps)"
done

TMP=$(mktemp -d /tmp/rs-bench.XXXXXX)
export RS_ROOT=$TMP/root
SVC_PID="" SITE_PID="" NGINX_DIR=""
cleanup() {
	[ -z "$NGINX_DIR" ] || bash "$top/bench/nginx-proxy.sh" stop "$NGINX_DIR" 2>/dev/null || true
	for p in $SITE_PID $SVC_PID; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $SITE_PID $SVC_PID; do wait "$p" 2>/dev/null || true; done
	if [ "$KEEP" = 1 ]; then say "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_for() {	# wait_for SECONDS CMD...
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		"${@:2}" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# ---- the machine: certificate, binding, reservation, backend
mkdir -p "$TMP/www"
head -c 2048 /dev/zero | tr '\0' 'x' >"$TMP/www/2k.html"
thumb=$("$BIN/certstore" new-self-signed --dns localhost --key ecdsa-p256 \
    --friendly-name bench | grep -Eo '^[0-9A-F]{40}$' | head -n 1)
[ -n "$thumb" ] || die "certstore new-self-signed gave no thumbprint"
CRT=$RS_ROOT/certstore/My/$thumb.crt
KEY=$RS_ROOT/certstore/My/$thumb.key
[ -f "$CRT" ] && [ -f "$KEY" ] || die "certificate files not at $CRT / $KEY"
P_SVC=$(free_port)
P_NGX=$(free_port)
PREFIX="https://+:$P_SVC/bench/"
"$BIN/httpcfg" add sslcert "ipport=0.0.0.0:$P_SVC" "certhash=$thumb" \
    "appid={b0b0b0b0-0000-4000-8000-00000000be4c}" >/dev/null
"$BIN/httpcfg" add urlacl "url=$PREFIX" "user=$(id -un)" >/dev/null
mkdir -p "$RS_ROOT/http"
printf 'access_log 0\nthreads %s\n' "$WORKERS" >"$RS_ROOT/http/httpsvc.conf"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
"$BIN/httpsvc" >"$TMP/httpsvc.log" 2>&1 &
SVC_PID=$!
wait_for 10 grep -q 'ready' "$TMP/httpsvc.log" ||
    { cat "$TMP/httpsvc.log" >&2; die "httpsvc did not become ready"; }
"$BIN/staticsite" --url "$PREFIX" --dir "$TMP/www" --name bench \
    >"$TMP/staticsite.log" 2>&1 &
SITE_PID=$!
SOCK=$RS_ROOT/run/apps/bench.sock
URL_SVC="https://127.0.0.1:$P_SVC/bench/2k.html"
URL_NGX="https://127.0.0.1:$P_NGX/bench/2k.html"
wait_for 10 test "$(curl -sk -o /dev/null -w '%{http_code}' "$URL_SVC")" = 200 ||
    { tail -n 5 "$TMP/httpsvc.log" "$TMP/staticsite.log" >&2; die "httpsvc -> staticsite does not answer 200"; }
eval "$(bash "$top/bench/nginx-proxy.sh" start --port "$P_NGX" --cert "$CRT" \
    --key "$KEY" --socket "$SOCK" --probe /bench/2k.html --workers "$WORKERS" \
    --reservation "$PREFIX")"
[ "$(curl -sk "$URL_NGX" | sha256sum)" = "$(curl -sk "$URL_SVC" | sha256sum)" ] ||
    die "nginx and httpsvc do not serve the same bytes"
for u in "$URL_SVC" "$URL_NGX"; do
	hp=${u#https://}
	openssl s_client -connect "${hp%%/*}" -servername localhost </dev/null 2>/dev/null |
	    openssl x509 -noout -fingerprint -sha1 | tr -d ':' | grep -qi "$thumb" ||
	    die "$u does not serve certificate $thumb"
done
say "certificate $thumb (ECDSA P-256); httpsvc :$P_SVC (pid $SVC_PID, $WORKERS threads); nginx :$P_NGX (pid $NGINX_PID, $WORKERS workers); backend staticsite pid $SITE_PID"
say "$(nproc) CPUs; $(uname -r); $(openssl version); $(nginx -v 2>&1)"
LOAD=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$LOAD" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
	say "WARNING: load average $LOAD on $(nproc) CPUs before the run: other work is running, figures will be noisy"
fi

# ---- the measurements
# Memory first, on fresh servers: after the handshake bursts below, both
# would hand out memory their allocators kept, and the figure would be ~0.
OUT=$TMP/results.txt
: >"$OUT"
for lab in nginx httpsvc; do
	if [ $lab = nginx ]; then port=$P_NGX pid=$NGINX_PID; else port=$P_SVC pid=$SVC_PID; fi
	line=$(python3 "$top/bench/idle_conns.py" 127.0.0.1 "$port" "$IDLE" "$pid")
	say "$lab: $line"
	echo "$lab.idle_mem_kb_per_1000 $(awk '{print $2}' <<<"$line") kB" | tee -a "$OUT"
done
bash "$SHARED/tls-bench.sh" --reps "$REPS" --duration "$DURATION" --warmup 1 \
    --hs-conns "$HS_CONNS" --resume-reqs "$RES_REQS" --big '' \
    --metrics keepalive,full,resumed \
    --server-pid "nginx=$NGINX_PID" --server-pid "httpsvc=$SVC_PID" \
    "$URL_NGX" nginx "$URL_SVC" httpsvc | tee -a "$OUT"

# system calls per keep-alive request: exact counts, steady on a busy machine
if command -v strace >/dev/null; then
	for lab in nginx httpsvc; do
		if [ $lab = nginx ]; then u=$URL_NGX pid=$NGINX_PID; else u=$URL_SVC pid=$SVC_PID; fi
		sc=$(bash "$top/bench/syscalls.sh" "$u" "$pid" 2) || continue
		say "$lab syscalls per request: $(tr '\n' ' ' <<<"$sc")"
		echo "$lab.syscalls_per_req $(awk '$1 == "total" {print $2}' <<<"$sc") calls" | tee -a "$OUT"
	done
else
	say "strace not installed: no system-call counts"
fi

# ---- the summary: each figure for both, and httpsvc/nginx
summary() {
	awk '
	{ v[$1] = $2; u[$1] = $3 }
	END {
		n = split("keepalive_rps keepalive_p99_ms keepalive_server_cpu_us " \
		    "full_hs_per_s full_hs_server_cpu_us resumed_hs_per_s " \
		    "resumed_hs_server_cpu_us idle_mem_kb_per_1000 syscalls_per_req", m, " ")
		split("higher lower lower higher lower higher lower lower lower", better, " ")
		printf "| %-34s | %12s | %12s | %8s | %-7s |\n", "figure", "nginx", "httpsvc", "ratio", "better"
		printf "|%s|%s|%s|%s|%s|\n", "------------------------------------", "--------------", "--------------", "----------", "---------"
		for (i = 1; i <= n; i++) {
			a = v["nginx." m[i]]; b = v["httpsvc." m[i]]
			if (a == "" && b == "") continue
			r = (a + 0 != 0 && b != "") ? sprintf("%.2fx", b / a) : "-"
			printf "| %-34s | %12s | %12s | %8s | %-7s |\n", m[i] " (" u["nginx." m[i]] ")", a, b, r, better[i]
		}
	}' "$OUT"
}
echo
echo "httpsvc vs nginx ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $LOAD before, reps $REPS, ${DURATION}s runs; ratio = httpsvc/nginx)"
summary
