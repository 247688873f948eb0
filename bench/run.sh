#!/usr/bin/env bash
# bench/run.sh: httpsvc against nginx, side by side in one run (`make bench`).
# A benchmark, not a test: it prints figures and the ratios against issue
# 17's goals, it does not pass or fail.
#
# Both servers get the same ECDSA P-256 certificate (made with
# `certstore new-self-signed`; nginx reads the PEM files the store keeps)
# and the same kind of backend: a bin/staticsite serving a 2 KB file over
# its Unix socket.  httpsvc routes to it by URL reservation; nginx is a TLS
# proxy to the same socket (bench/nginx-proxy.sh over the shared nginx
# anchor, HTTP/2 on like httpsvc's).  Measured, interleaved between the
# servers (each repetition runs every server once):
#   - memory per 10,000 idle TLS connections (bench/idle_conns.py), first,
#     on fresh servers;
#   - with the shared tls-bench.sh: keep-alive HTTPS requests/s and p99
#     (wrk), full handshakes (h2load, one request per new connection),
#     resumed handshakes (h2load, Connection: close), server CPU for each;
#   - HTTP/2 multiplexed requests/s (h2load, 8 connections x 16 streams)
#     and server CPU per request (bench/h2.sh);
#   - system calls per keep-alive request (bench/syscalls.sh, strace);
#   - OpenSSL's own in-memory handshake cost on this certificate (the
#     shared hsbench.c, compiled here), the floor for the handshake figures.
#
# usage: bench/run.sh [--quick] [--reps N] [--duration S] [--workers N]
#                     [--idle N] [--base BIN] [--only LIST] [--keep]
#   --quick      1 repetition, 3 s runs, 2,000 idle connections
#   --reps N     repetitions per metric, median reported [3]
#   --duration S wrk run length [5]
#   --workers N  nginx worker processes = httpsvc threads [nproc]
#   --idle N     idle connections for the memory figure [10000]
#   --base BIN   also run the httpsvc in BIN (another build's bin/, e.g. of
#                an older commit) as a third server, "base", interleaved
#   --only LIST  a subset of: idle,keepalive,full,resumed,h2,syscalls,hsbench
#   --keep       keep the temporary state roots and logs
# env: RS_BENCH_BIN (binaries, default ./bin), RS_SHARED_BENCH (folder of
#      tls-bench.sh, nginx-anchor.sh and hsbench.c, default /work/shared/bench)
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RS_BENCH_BIN:-$top/bin}
SHARED=${RS_SHARED_BENCH:-/work/shared/bench}
export RS_NGINX_ANCHOR=$SHARED/nginx-anchor.sh

REPS=3 DURATION=5 WORKERS=$(nproc) IDLE=10000 KEEP=0 BASE=""
ONLY=idle,keepalive,full,resumed,h2,syscalls,hsbench
HS_CONNS=1000 RES_REQS=5000
while [ $# -gt 0 ]; do
	case $1 in
	--quick) REPS=1 DURATION=3 IDLE=2000; shift ;;
	--reps) REPS=$2; shift 2 ;;
	--duration) DURATION=$2; shift 2 ;;
	--workers) WORKERS=$2; shift 2 ;;
	--idle) IDLE=$2; shift 2 ;;
	--base) BASE=$(cd "$2" && pwd); shift 2 ;;
	--only) ONLY=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) sed -n '2,37p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done

. "$top/bench/lib.sh"
want() { [[ ,$ONLY, == *,$1,* ]]; }
for d in "$BIN" ${BASE:+"$BASE"}; do
	for b in certstore httpcfg httpsvc staticsite; do
		[ -x "$d/$b" ] || die "$d/$b is missing; run 'make' first"
	done
done
for f in tls-bench.sh nginx-anchor.sh hsbench.c; do
	[ -f "$SHARED/$f" ] || die "$SHARED/$f is missing; set RS_SHARED_BENCH"
done
for t in wrk h2load nginx curl python3 openssl cc; do
	command -v "$t" >/dev/null || die "'$t' is not installed (make deps)"
done

TMP=$(mktemp -d /tmp/rs-bench.XXXXXX)
NGINX_DIR=""
trap 'bench_cleanup' EXIT
# Two descriptors per client connection at most (httpsvc lowers
# max_connections to fit its limit): root may raise the hard limit.
ulimit -Hn 65536 2>/dev/null || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((2 * IDLE + 256)) ]; then
	IDLE=$((($(ulimit -n) - 256) / 2))
	say "WARNING: open file limit $(ulimit -n): idle connections lowered to $IDLE"
fi
make_cert
LABELS="nginx httpsvc"
start_svc httpsvc "$BIN"
if [ -n "$BASE" ]; then
	start_svc base "$BASE"
	LABELS="$LABELS base"
fi
P_NGX=$(free_port)
URL_nginx="https://127.0.0.1:$P_NGX/bench/2k.html"
eval "$(bash "$top/bench/nginx-proxy.sh" start --port "$P_NGX" --cert "$CRT" \
    --key "$KEY" --socket "$SOCK_httpsvc" --probe /bench/2k.html --workers "$WORKERS" \
    --reservation "$PREFIX_httpsvc")"
PID_nginx=$NGINX_PID
ref=$(curl -sk "$URL_nginx" | sha256sum)
for lab in $LABELS; do
	u=URL_$lab
	[ "$(curl -sk "${!u}" | sha256sum)" = "$ref" ] ||
	    die "$lab does not serve the same bytes as nginx"
	[ "$(curl -sk --http2 -o /dev/null -w '%{http_version}' "${!u}")" = 2 ] ||
	    die "$lab does not speak HTTP/2"
	hp=${!u#https://}
	openssl s_client -connect "${hp%%/*}" -servername localhost </dev/null 2>/dev/null |
	    openssl x509 -noout -fingerprint -sha1 | tr -d ':' | grep -qi "$thumb" ||
	    die "${!u} does not serve certificate $thumb"
done
say "certificate $thumb (ECDSA P-256); nginx :$P_NGX (pid $NGINX_PID, $WORKERS workers)"
say "$(nproc) CPUs; $(uname -r); $(openssl version); $(nginx -v 2>&1)"
LOAD=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$LOAD" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
	say "WARNING: load average $LOAD on $(nproc) CPUs before the run: other work is running, figures will be noisy"
fi

# ---- the measurements
OUT=$TMP/results.txt
: >"$OUT"
# Memory first, on fresh servers: after the handshake bursts below, both
# would hand out memory their allocators kept, and the figure would be ~0.
if want idle; then
	for lab in $LABELS; do
		u=URL_$lab p=PID_$lab
		port=${!u#https://127.0.0.1:}
		line=$(python3 "$top/bench/idle_conns.py" 127.0.0.1 "${port%%/*}" "$IDLE" "${!p}") ||
		    { say "WARNING: $lab: idle connections failed"; continue; }
		say "$lab: $line"
		# kB per 1,000 -> MB per 10,000
		echo "$lab.idle_mb_per_10000 $(awk '{printf "%.1f", $2 / 100}' <<<"$line") MB" | tee -a "$OUT"
	done
fi
targets=() spids=() tls_metrics=""
for lab in $LABELS; do
	u=URL_$lab p=PID_$lab
	targets+=("${!u}" "$lab")
	spids+=(--server-pid "$lab=${!p}")
done
for m in keepalive full resumed; do want $m && tls_metrics=$tls_metrics,$m; done
if [ -n "$tls_metrics" ]; then
	bash "$SHARED/tls-bench.sh" --reps "$REPS" --duration "$DURATION" --warmup 1 \
	    --hs-conns "$HS_CONNS" --resume-reqs "$RES_REQS" --big '' \
	    --metrics "${tls_metrics#,}" "${spids[@]}" "${targets[@]}" |
	    grep -v '^ratio\.' | tee -a "$OUT"
fi
if want h2; then
	h2args=()
	for lab in $LABELS; do
		u=URL_$lab p=PID_$lab
		h2args+=("$lab" "${!u}" "${!p}")
	done
	bash "$top/bench/h2.sh" --reps "$REPS" "${h2args[@]}" | tee -a "$OUT"
fi

# system calls per keep-alive request: exact counts, steady on a busy machine
if want syscalls && command -v strace >/dev/null; then
	for lab in $LABELS; do
		u=URL_$lab p=PID_$lab
		sc=$(bash "$top/bench/syscalls.sh" "${!u}" "${!p}" 2) || continue
		say "$lab syscalls per request: $(tr '\n' ' ' <<<"$sc")"
		echo "$lab.syscalls_per_req $(awk '$1 == "total" {print $2}' <<<"$sc") calls" | tee -a "$OUT"
	done
elif want syscalls; then
	say "strace not installed: no system-call counts"
fi

# OpenSSL's own cost of a handshake on this certificate: client and server
# in one thread over a memory BIO pair, no kernel, no HTTP (median of 3).
if want hsbench; then
	cc -O2 -o "$TMP/hsbench" "$SHARED/hsbench.c" -lssl -lcrypto ||
	    die "cannot compile $SHARED/hsbench.c (libssl-dev)"
	for mode in full resume; do
		v=$(for _ in 1 2 3; do "$TMP/hsbench" "$CRT" "$KEY" 1000 "$mode"; done |
		    tee -a "$TMP/hsbench.log" | sed -n 's/.*server_us=\([0-9.]*\).*/\1/p' |
		    sort -g | sed -n 2p)
		[ "$mode" = full ] && k=full_hs_server_cpu_us || k=resumed_hs_server_cpu_us
		echo "openssl.$k $v us/hs" | tee -a "$OUT"
	done
	say "hsbench: $(tr '\n' ';' <"$TMP/hsbench.log")"
fi

# ---- the summary: each figure for every server, httpsvc/nginx, the goal
echo
echo "httpsvc vs nginx ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $LOAD before, reps $REPS, ${DURATION}s runs; ratio = httpsvc/nginx)"
awk -v labels="$LABELS" -f "$top/bench/summary.awk" "$OUT"
