# bench/lib.sh: what bench/run.sh and bench/instr.sh share (sourced, not
# run): messages, free ports, the certificate, and starting one httpsvc
# build with its staticsite on a state root of its own.  The caller sets
# top, TMP, WORKERS and KEEP, and NGINX_DIR if it starts nginx.
PIDS=""
die() { echo "bench: error: $*" >&2; exit 1; }
say() { echo "# $*" >&2; }
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
answers_200() {	# answers_200 URL: GET URL gives 200
	[ "$(curl -sk -o /dev/null -w '%{http_code}' "$1")" = 200 ]
}
bench_cleanup() {
	[ -z "${NGINX_DIR:-}" ] || bash "$top/bench/nginx-proxy.sh" stop "$NGINX_DIR" 2>/dev/null || true
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	if [ "$KEEP" = 1 ]; then say "kept $TMP"; else rm -rf "$TMP"; fi
}

# make_cert: one ECDSA P-256 certificate for every server (CRT, KEY,
# thumb, CERTROOT) and the 2 KB file they serve ($TMP/www/2k.html).
make_cert() {
	local bin=${BIN:?}
	mkdir -p "$TMP/www"
	head -c 2048 /dev/zero | tr '\0' 'x' >"$TMP/www/2k.html"
	CERTROOT=$TMP/certs
	thumb=$(RS_ROOT=$CERTROOT "$bin/certstore" new-self-signed --dns localhost \
	    --key ecdsa-p256 --friendly-name bench | grep -Eo '^[0-9A-F]{40}$' | head -n 1)
	[ -n "$thumb" ] || die "certstore new-self-signed gave no thumbprint"
	CRT=$CERTROOT/certstore/My/$thumb.crt
	KEY=$CERTROOT/certstore/My/$thumb.key
	[ -f "$CRT" ] && [ -f "$KEY" ] || die "certificate files not at $CRT / $KEY"
}

# start_svc LABEL BIN [WRAPPER ...]: a state root with the certificate, a
# binding, a reservation, httpsvc (run under WRAPPER, e.g. valgrind, when
# given, with $SVC_ARGS) and its staticsite; sets URL_<LABEL>, PID_<LABEL>, SOCK_<LABEL>
# and PREFIX_<LABEL>.
start_svc() {
	local lab=$1 bin=$2 root=$TMP/root-$1 port prefix pid site u
	shift 2
	mkdir -p "$root/http"
	cp -a "$CERTROOT/certstore" "$root/"
	port=$(free_port)
	prefix="https://+:$port/bench/"
	RS_ROOT=$root "$bin/httpcfg" add sslcert "ipport=0.0.0.0:$port" "certhash=$thumb" \
	    "appid={b0b0b0b0-0000-4000-8000-00000000be4c}" >/dev/null
	RS_ROOT=$root "$bin/httpcfg" add urlacl "url=$prefix" "user=$(id -un)" >/dev/null
	printf 'access_log 0\nthreads %s\n' "$WORKERS" >"$root/http/httpsvc.conf"
	RS_ROOT=$root "$@" "$bin/httpsvc" ${SVC_ARGS:-} >"$TMP/$lab.log" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	wait_for 60 grep -q 'ready' "$TMP/$lab.log" ||
	    { cat "$TMP/$lab.log" >&2; die "$lab: httpsvc did not become ready"; }
	RS_ROOT=$root "$bin/staticsite" --url "$prefix" --dir "$TMP/www" --name bench \
	    >"$TMP/$lab-staticsite.log" 2>&1 &
	site=$!
	PIDS="$site $PIDS"
	u="https://127.0.0.1:$port/bench/2k.html"
	printf -v "URL_$lab" '%s' "$u"
	printf -v "PID_$lab" '%s' "$pid"
	printf -v "SOCK_$lab" '%s' "$root/run/apps/bench.sock"
	printf -v "PREFIX_$lab" '%s' "$prefix"
	wait_for 60 answers_200 "$u" ||
	    { tail -n 5 "$TMP/$lab.log" "$TMP/$lab-staticsite.log" >&2; die "$lab -> staticsite does not answer 200"; }
	say "$lab: $bin/httpsvc pid $pid on :$port ($WORKERS threads), staticsite pid $site"
}
