#!/usr/bin/env bash
# scripts/demo.sh: the main job behind `make run`.
#
# Creates (or reuses) the demo state root ./demo with a local CA (in Root)
# and a server certificate it issues for this machine's names, a
# report server database with an administrator, the report server's URLs
# bound over HTTPS on port 8443 (RS_DEMO_PORT) with plain HTTP on 8080
# (RS_DEMO_HTTP_PORT) refusing credentials, and the sample reports; starts
# httpsvc and the report server, prints the URLs and follows their logs in
# the foreground.  Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
export RS_ROOT=${RS_ROOT:-$top/demo}
export PATH="$top/bin:$PATH"
PORT=${RS_DEMO_PORT:-8443}
HTTP_PORT=${RS_DEMO_HTTP_PORT:-8080}

say() { printf '\n==> %s\n' "$*"; }
port_free() {
	python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("::", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}
for p in "$PORT" "$HTTP_PORT"; do
	if ! port_free "$p"; then
		echo "make run: port $p is in use; stop what listens there" \
		    "(ss -ltnp 'sport = :$p') or pick another with" \
		    "RS_DEMO_PORT=N / RS_DEMO_HTTP_PORT=N" >&2
		exit 1
	fi
done
# httpsvc binds its ports as root and then runs as rshttp (what a package's
# install step would create); without that user it would stay root.
if [ "$(id -u)" = 0 ] && ! id rshttp >/dev/null 2>&1; then
	echo "creating the system user rshttp (httpsvc runs as it after binding)"
	useradd --system --no-create-home --shell /usr/sbin/nologin rshttp
fi
# The report server runs as reportserver: rsconfig start makes what it
# needs under the state root its own (or readable for it) and URLs are
# reserved for it below.
if [ "$(id -u)" = 0 ] && ! id reportserver >/dev/null 2>&1; then
	echo "creating the system user reportserver (the report server runs as it)"
	useradd --system --no-create-home --shell /usr/sbin/nologin reportserver
fi
mkdir -p "$RS_ROOT"
chmod 0711 "$RS_ROOT"	# others may pass through, not list
umask 077
echo "demo state root: $RS_ROOT"

# 1. The certificates, the way a small organisation's CA works: a local
# root CA in Root (its key root's alone, in My) and a server certificate it
# issues for localhost and this machine's names, in My (bound below).
# Browsers accept it once the CA is trusted: DEMO_TRUST is that command.
T="" CA=""
if [ -s "$RS_ROOT/demo.thumbprint" ] && [ -s "$RS_ROOT/demo-ca.thumbprint" ]; then
	T=$(cat "$RS_ROOT/demo.thumbprint")
	CA=$(cat "$RS_ROOT/demo-ca.thumbprint")
	certstore show "$T" >/dev/null 2>&1 &&
	    certstore show "$CA" --store Root >/dev/null 2>&1 || T="" CA=""
elif [ -s "$RS_ROOT/demo.thumbprint" ]; then
	T=$(cat "$RS_ROOT/demo.thumbprint")	# a demo made before the CA
fi
if [ -z "$T" ]; then
	say "making the demo CA and its server certificate (certstore new-ca, certstore issue)"
	CA=$(certstore new-ca --name "Report Server demo CA" | tail -n 1)
	names=(--dns localhost --dns "$(hostname)")
	fqdn=$(hostname -f 2>/dev/null || true)
	case "$fqdn" in "$(hostname)" | "" | *[!A-Za-z0-9.-]*) ;;
	*) names+=(--dns "$fqdn") ;; esac
	T=$(certstore issue --ca "$CA" "${names[@]}" --dns 127.0.0.1 --dns ::1 \
	    --friendly-name "Report Server demo" | tail -n 1)
	certstore export "$CA" --store Root --cert "$RS_ROOT/demo-root.crt"
	chmod 0644 "$RS_ROOT/demo-root.crt"
	echo "$CA" >"$RS_ROOT/demo-ca.thumbprint"
	echo "$T" >"$RS_ROOT/demo.thumbprint"
fi
if [ -n "$CA" ]; then
	DEMO_TRUST=$(printf '%q ' "$top/bin/certstore" --root "$RS_ROOT" trust \
	    "$CA")
	DEMO_TRUST=${DEMO_TRUST% }
else
	DEMO_TRUST="(this demo root predates the demo CA: rm -rf $RS_ROOT for one)"
fi

# 2. The report server database and its first System Administrator.
if [ ! -s "$RS_ROOT/admin.password" ]; then
	say "creating the report server database (rsconfig database create)"
	head -c 12 /dev/urandom | base64 | tr -d '/+=' >"$RS_ROOT/admin.password"
	rsconfig database create --admin-user admin \
	    --admin-password-file "$RS_ROOT/admin.password"
fi

# 3. The URLs, bound over HTTPS (the seeds' "select the certificate, Apply").
if ! rsconfig urls | grep -q "https://+:$PORT/ReportServer/"; then
	say "binding the web service URL over HTTPS (rsconfig web-service-url)"
	rsconfig web-service-url --port "$HTTP_PORT" --https-cert "$T" \
	    --https-port "$PORT" --apply
	say "the web portal URL (rsconfig web-portal-url)"
	rsconfig web-portal-url remove-identity --http --port 80 \
	    >/dev/null 2>&1 || true
	rsconfig web-portal-url add-identity --http --port "$HTTP_PORT"
	rsconfig web-portal-url add-identity --https --cert "$T" --port "$PORT"
	rsconfig secure-connection-level 1
fi

# 3b. The report server's service account: reportserver, when it can reach
# the state root and run bin/reportserver (a checkout under a private home
# folder is closed to it: then the demo runs it as root, and rsconfig start
# says so).
if [ "$(id -u)" = 0 ] && id reportserver >/dev/null 2>&1; then
	acct=root
	if setpriv --reuid reportserver --regid reportserver --clear-groups \
	    sh -c 'test -x "$1" && test -x "$2"' sh "$RS_ROOT" \
	    "$top/bin/reportserver" 2>/dev/null; then
		acct=reportserver
	else
		echo "note: the account reportserver cannot reach $RS_ROOT or" \
		    "run $top/bin/reportserver (a folder above them is closed" \
		    "to others); the report server runs as root for this demo" >&2
	fi
	if ! rsconfig service-account | grep -q "^Service account: $acct "; then
		say "the report server's service account: $acct (rsconfig service-account)"
		rsconfig service-account "$acct"
	fi
fi

# 4. The services, in the foreground.
pids=()
stop_all() {
	trap - INT TERM EXIT
	echo
	echo "stopping..."
	rsconfig stop >/dev/null 2>&1 || true
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	echo "stopped."
}
trap stop_all INT TERM EXIT
mkdir -p "$RS_ROOT/log"
httpsvc 2>&1 | sed -u 's/^/[httpsvc] /' &
pids+=($!)
for _ in $(seq 100); do
	httpcfg show servicestate >/dev/null 2>&1 && break
	sleep 0.1
done
rsconfig start
: >>"$RS_ROOT/log/reportserver.log"
tail -n 0 -F "$RS_ROOT/log/reportserver.log" 2>/dev/null |
    sed -u 's/^/[reportserver] /' &
pids+=($!)

# 5. The sample content (idempotent).
python3 scripts/publish-samples.py --port "$PORT" \
    --cafile "$RS_ROOT/demo-root.crt" --password-file "$RS_ROOT/admin.password"

cat <<EOF2

  Report Server is running.
    Web portal:        https://localhost:$PORT/Reports
    Web service URL:   https://localhost:$PORT/ReportServer
    Sign in as:        admin / $(cat "$RS_ROOT/admin.password")   (also in $RS_ROOT/admin.password)
    Certificate:       $T (self-signed; trust $RS_ROOT/demo-root.crt
                       in your browser, or: curl --cacert $RS_ROOT/demo-root.crt ...)
    Plain HTTP:        http://localhost:$HTTP_PORT/Reports (refuses credentials: SecureConnectionLevel 1)
    Configuration:     RS_ROOT=$RS_ROOT bin/rsconfig
  Ctrl-C stops everything.

EOF2
wait
