#!/usr/bin/env bash
# scripts/demo.sh: the main job behind `make run`.
#
# Creates (or reuses) a demo state root with a local CA (in Root) and a
# server certificate it issues for this machine's names (in My), a report
# server database with an administrator, the report server's URLs bound over HTTPS on port 8443
# (RS_DEMO_PORT) with plain HTTP on 8080 (RS_DEMO_HTTP_PORT) refusing
# credentials, a redirect of the site root / to the web portal, and the
# sample reports; starts httpsvc, the report server and the redirect, checks
# they answer, and prints the banner last.  Their logs, and the output of
# every set-up command, go to files under ROOT/log that the banner names.
# Ctrl-C stops everything it started and ends with status 0.
#
# The state root is ./demo (RS_DEMO_ROOT; RS_ROOT set for other work is not
# used).  As root it runs the report server as its own account
# (RS_DEMO_ACCOUNT, default reportserver) and httpsvc as rshttp
# (RS_DEMO_HTTP_USER), creating them if missing.  A clone inside a folder
# those accounts cannot enter (root's home is 0700) cannot serve them its
# bin/ nor its ./demo: then the state root defaults to
# /var/lib/reportserver-demo and the binaries run from a copy in its bin/.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
PORT=${RS_DEMO_PORT:-8443}
HTTP_PORT=${RS_DEMO_HTTP_PORT:-8080}
ACCOUNT=${RS_DEMO_ACCOUNT:-reportserver}
HTTP_USER=${RS_DEMO_HTTP_USER:-rshttp}
BIN=$top/bin
svc_pid="" site_pid="" stopping="" started="" closed="" TRUST_HINT=""

exec 3>&1	# the terminal; set-up output goes to the log once it exists
say() { printf '==> %s\n' "$*" >&3; }
die() { printf 'make run: %s\n' "$*" >&3; exit 1; }

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
	port_free "$p" || die "port $p is in use; stop what listens there" \
	    "(ss -ltnp 'sport = :$p') or pick another with RS_DEMO_PORT=N /" \
	    "RS_DEMO_HTTP_PORT=N"
done

# as_account CMD...: runs CMD as the report server's account.
as_account() {
	setpriv --reuid "$ACCOUNT" --regid "$(id -g "$ACCOUNT")" --clear-groups \
	    "$@" 2>/dev/null
}
if [ "$(id -u)" = 0 ]; then
	# What a package's install step would create: httpsvc binds its ports
	# as root and then runs as HTTP_USER; the report server runs as ACCOUNT.
	for u in "$HTTP_USER" "$ACCOUNT"; do
		id "$u" >/dev/null 2>&1 && continue
		say "creating the system user $u"
		useradd --system --no-create-home --shell /usr/sbin/nologin "$u"
	done
	if ! as_account test -x "$top/bin/reportserver"; then
		closed=1
		: "${RS_DEMO_ROOT:=/var/lib/reportserver-demo}"
	fi
fi
export RS_ROOT=${RS_DEMO_ROOT:-$top/demo}
mkdir -p "$RS_ROOT/log"
chmod 0711 "$RS_ROOT"	# others may pass through, not list
if [ -n "$closed" ]; then
	say "$top is closed to the account $ACCOUNT (a folder above it is" \
	    "not open to others): the binaries run from a copy in $RS_ROOT/bin"
	mkdir -p "$RS_ROOT/bin"
	chmod 0755 "$RS_ROOT/bin"
	install -m 0755 "$top"/bin/* "$RS_ROOT/bin/"
	BIN=$RS_ROOT/bin
fi
export PATH="$BIN:$PATH"
LOG=$RS_ROOT/log
SETUP_LOG=$LOG/demo-setup.log
umask 077
: >"$SETUP_LOG"
exec >>"$SETUP_LOG" 2>&1
say "state root $RS_ROOT (set-up log: $SETUP_LOG)"

# stop_all: stops what this script started.  A second Ctrl-C does not cut
# it short (SIG_IGN is inherited by rsconfig stop).
stop_all() {
	[ -z "$stopping" ] || return 0
	stopping=1
	trap '' INT
	echo >&3
	say "stopping the report server, the redirect and httpsvc"
	rsconfig stop || true
	local left=() p
	for p in $site_pid $svc_pid; do	# the applications before httpsvc
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for p in $(pgrep -x reportserver || true); do
		case " $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) " in
		*" --root $RS_ROOT "*) left+=("$p") ;;
		esac
	done
	if [ ${#left[@]} -gt 0 ]; then
		echo "still running after rsconfig stop: ${left[*]}; SIGTERM"
		kill -TERM "${left[@]}" 2>/dev/null || true
	fi
	say "stopped"
}
on_exit() {
	local rc=$?
	trap - EXIT
	if [ "$rc" != 0 ] && [ -z "$stopping" ]; then
		printf 'make run: failed (status %s); the end of %s:\n' "$rc" \
		    "$SETUP_LOG" >&3
		tail -n 15 "$SETUP_LOG" | sed 's/^/  /' >&3
	fi
	[ -z "$started" ] || stop_all
	exit "$rc"
}
trap on_exit EXIT
trap 'stop_all; exit 0' INT TERM

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
	DEMO_TRUST=$(printf '%q ' "$BIN/certstore" --root "$RS_ROOT" trust \
	    "$CA")
	DEMO_TRUST=${DEMO_TRUST% }
else
	DEMO_TRUST="(this demo root predates the demo CA: rm -rf $RS_ROOT for one)"
fi

# How to trust the demo's CA, for the banner.
TRUST_HINT="$DEMO_TRUST (system store and your browsers' NSS database; curl without it: --cacert $RS_ROOT/demo-root.crt)"

# 2. The report server database and its first System Administrator.
if [ ! -s "$RS_ROOT/admin.password" ]; then
	say "creating the report server database (rsconfig database create)"
	head -c 12 /dev/urandom | base64 | tr -d '/+=' >"$RS_ROOT/admin.password"
	rsconfig database create --admin-user admin \
	    --admin-password-file "$RS_ROOT/admin.password"
fi

# 3. The URLs, bound over HTTPS (the seeds' "select the certificate, Apply").
if ! rsconfig urls | grep -q "https://+:$PORT/ReportServer/"; then
	say "binding the web service and portal URLs over HTTPS (rsconfig)"
	rsconfig web-service-url --port "$HTTP_PORT" --https-cert "$T" \
	    --https-port "$PORT" --apply
	rsconfig web-portal-url remove-identity --http --port 80 || true
	rsconfig web-portal-url add-identity --http --port "$HTTP_PORT"
	rsconfig web-portal-url add-identity --https --cert "$T" --port "$PORT"
	rsconfig secure-connection-level 1
fi
# The site root: a weak wildcard (any more specific reservation on the
# port wins), served by staticsite's redirect to the portal.
for u in "https://*:$PORT/" "http://*:$HTTP_PORT/"; do
	httpcfg show urlacl "url=$u" >/dev/null 2>&1 ||
	    httpcfg add urlacl "url=$u" user=root
done

# 3b. The report server's service account (as root).
if [ "$(id -u)" = 0 ]; then
	acct=$ACCOUNT
	if ! as_account test -x "$RS_ROOT" || ! as_account test -x "$BIN/reportserver"
	then
		acct=root
		say "note: the account $ACCOUNT cannot reach $RS_ROOT or run" \
		    "$BIN/reportserver; the report server runs as root (give" \
		    "RS_DEMO_ROOT=/a/folder/others/can/enter)"
	fi
	if ! rsconfig service-account | grep -q "^Service account: $acct "; then
		say "the report server's service account: $acct"
		rsconfig service-account "$acct"
	fi
fi

# 4. The services.  Their logs are files; the terminal stays for the banner.
say "starting httpsvc, the report server and the redirect of /"
svc_args=()
[ "$(id -u)" = 0 ] && svc_args=(--user "$HTTP_USER")
started=1
httpsvc "${svc_args[@]}" >>"$LOG/httpsvc.log" 2>&1 &
svc_pid=$!
for _ in $(seq 100); do
	httpcfg show servicestate >/dev/null 2>&1 && break
	sleep 0.1
done
rsconfig start
staticsite --url "https://*:$PORT/" --url "http://*:$HTTP_PORT/" \
    --redirect /Reports/ --name demo-root >>"$LOG/staticsite.log" 2>&1 &
site_pid=$!

# 5. The sample content (idempotent).
say "publishing the sample reports"
python3 scripts/publish-samples.py --port "$PORT" \
    --cafile "$RS_ROOT/demo-root.crt" --password-file "$RS_ROOT/admin.password"

# 6. Up: every URL of the banner answers before it is printed.
answers() {	# answers URL WANT: the status (and redirect) is WANT
	local got
	got=$(curl -s -o /dev/null --max-time 10 --cacert "$RS_ROOT/demo-root.crt" \
	    -w '%{http_code} %{redirect_url}' "$1")
	[ "${got% }" = "$2" ]
}
ok=""
for _ in $(seq 50); do
	if answers "https://localhost:$PORT/" \
	    "302 https://localhost:$PORT/Reports/" &&
	    answers "https://localhost:$PORT/ReportServer" 401 &&
	    answers "https://localhost:$PORT/Reports/" 401; then
		ok=1
		break
	fi
	sleep 0.2
done
[ -n "$ok" ] || die "the services started but https://localhost:$PORT/ does" \
    "not answer as it should; see $LOG/"

cat >&3 <<EOF

  Report Server is running (state root $RS_ROOT).
    Web portal:       https://localhost:$PORT/Reports   (https://localhost:$PORT/ leads there)
    Web service URL:  https://localhost:$PORT/ReportServer
    Sign in as:       admin, with the password in $RS_ROOT/admin.password
    Certificate:      $T
    Trust it:         $TRUST_HINT
    Plain HTTP:       http://localhost:$HTTP_PORT/Reports (refuses credentials: SecureConnectionLevel 1)
    Configuration:    RS_ROOT=$RS_ROOT $BIN/rsconfig
    Logs:             $LOG/httpsvc.log, reportserver.log, staticsite.log, demo-setup.log
  Ctrl-C stops everything.
EOF

# Wait for Ctrl-C (or SIGTERM), or for httpsvc to end by itself.  At a
# terminal the waiting subshell gets a process group of its own and the
# terminal (set -m), so Ctrl-C reaches it alone: not make, which would
# report "Interrupt" and exit 130, nor the services, which stop in order.
# Bash hands the terminal over only while its stderr is that terminal.
watch() { while kill -0 "$svc_pid" 2>/dev/null; do sleep 1; done; }
if [ -t 0 ] && [ -t 3 ]; then
	exec 2>&3
	set -m
	(watch) || true
	set +m
	exec 2>>"$SETUP_LOG"
else
	(watch) &
	wait $! || true
fi
if ! kill -0 "$svc_pid" 2>/dev/null; then
	svc_pid=""
	die "httpsvc stopped by itself; see $LOG/httpsvc.log"
fi
stop_all
exit 0
