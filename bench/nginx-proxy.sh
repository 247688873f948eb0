#!/usr/bin/env bash
# bench/nginx-proxy.sh: nginx as a TLS proxy in front of an application's
# Unix socket, the same place httpsvc takes, for the benchmark.
#
# It wraps the shared anchor (../shared/bench/nginx-anchor.sh, not modified):
# the anchor starts nginx with its fixed TLS profile (TLS 1.2+1.3, ECDHE+AEAD,
# session cache and tickets, access log off); this script then replaces the
# TLS server's "location / { }" (static files) with a proxy to the socket
# over a keep-alive upstream pool, adds the headers httpsvc adds
# (X-Forwarded-For/-Proto/-Host, X-Url-Reservation), checks the config and
# turns HTTP/2 on (httpsvc offers it too), reloads nginx (HUP), and waits
# until the proxy answers.
#
# usage:
#   nginx-proxy.sh start --port PORT --cert CRT --key KEY --socket SOCK
#                  --probe PATH [--workers N] [--reservation PREFIX]
#       prints NGINX_PID=..., NGINX_DIR=... (eval-able), like the anchor
#   nginx-proxy.sh stop NGINX_DIR
set -euo pipefail
PROG=${0##*/}
ANCHOR=${RS_NGINX_ANCHOR:-/work/shared/bench/nginx-anchor.sh}

die() { echo "$PROG: error: $*" >&2; exit 1; }
[ -x "$ANCHOR" ] || [ -f "$ANCHOR" ] || die "nginx anchor script $ANCHOR not found; set RS_NGINX_ANCHOR"

start() {
	local port="" cert="" key="" sock="" probe="" workers=1 rsv=""
	while [ $# -gt 0 ]; do
		case $1 in
		--port) port=$2; shift 2 ;;
		--cert) cert=$2; shift 2 ;;
		--key) key=$2; shift 2 ;;
		--socket) sock=$2; shift 2 ;;
		--probe) probe=$2; shift 2 ;;
		--workers) workers=$2; shift 2 ;;
		--reservation) rsv=$2; shift 2 ;;
		*) die "unknown option '$1'" ;;
		esac
	done
	[ -n "$port" ] && [ -n "$cert" ] && [ -n "$key" ] && [ -n "$sock" ] &&
	    [ -n "$probe" ] || die "--port, --cert, --key, --socket and --probe are required"
	[ -S "$sock" ] || die "application socket $sock does not exist"

	local docroot out dir pid conf
	docroot=$(mktemp -d "${TMPDIR:-/tmp}/nginx-proxy-empty.XXXXXX")
	out=$(bash "$ANCHOR" start --port "$port" --cert "$cert" --key "$key" \
	    --docroot "$docroot" --workers "$workers")
	eval "$out"
	dir=$NGINX_DIR pid=$NGINX_PID conf=$NGINX_DIR/nginx.conf
	rmdir "$docroot" 2>/dev/null || true

	# upstream pool before the first server block; the TLS server's
	# location becomes the proxy (the anchor writes "location / { }").
	awk -v sock="$sock" -v rsv="$rsv" '
	!up && /^    server \{/ {
		print "    upstream rsapp {"
		print "        server unix:" sock ";"
		print "        keepalive 256;"
		print "    }"
		up = 1
	}
	# HTTP/2 offered, as httpsvc offers it (ALPN h2, then http/1.1)
	/^        listen .* ssl backlog=4096;/ { sub(/ ssl /, " ssl http2 "); h2 = 1 }
	!loc && /^        location \/ \{ \}/ {
		print "        location / {"
		print "            proxy_pass http://rsapp;"
		print "            proxy_http_version 1.1;"
		print "            proxy_set_header Connection \"\";"
		print "            proxy_set_header X-Forwarded-For $remote_addr;"
		print "            proxy_set_header X-Forwarded-Proto https;"
		print "            proxy_set_header X-Forwarded-Host $http_host;"
		if (rsv != "")
			print "            proxy_set_header X-Url-Reservation \"" rsv "\";"
		print "        }"
		loc = 1
		next
	}
	{ print }
	END { if (!up || !loc || !h2) exit 1 }' "$conf" >"$conf.new" ||
	    die "cannot find the server/location blocks in $conf (anchor changed?)"
	mv "$conf.new" "$conf"
	nginx -p "$dir" -e "$dir/error.log" -c "$conf" -t -q >"$dir/proxytest.log" 2>&1 ||
	    { cat "$dir/proxytest.log" >&2; die "proxy config test failed ($conf)"; }
	kill -HUP "$pid"
	for _ in $(seq 1 100); do
		if [ "$(curl -sk -o /dev/null -w '%{http_code}' \
		    "https://127.0.0.1:$port$probe")" = 200 ]; then
			echo "NGINX_PID=$pid"
			echo "NGINX_DIR=$dir"
			echo "$PROG: nginx $pid proxies https://127.0.0.1:$port/ to unix:$sock" >&2
			return 0
		fi
		sleep 0.1
	done
	die "nginx proxy on port $port does not answer 200 for $probe (see $dir/error.log)"
}

case ${1:-} in
start) shift; start "$@" ;;
stop) shift; bash "$ANCHOR" stop --rm "$@" ;;
*) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
