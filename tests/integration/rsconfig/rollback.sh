#!/usr/bin/env bash
# Rollback: a failure injected at each step of an --apply (RS_FAULT_STEP=N,
# test only) leaves the stores exactly as before: the certificate store's
# files, 'httpcfg show sslcert/urlacl --json' and rsreportserver.config;
# httpsvc keeps serving the old binding and the report server its URLs.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
trap 'rs_cleanup; _cleanup' EXIT

HP=$(free_port)
SP=$(free_port)
SP2=$(free_port)
make_db
start_httpsvc
T=$(newcert localhost)
T2=$(newcert localhost reports.test)
check "HTTP URL" rsconfig web-service-url --port "$HP" --apply
check "report server started" rsconfig start

# inject LABEL EXPECT_STEPS DIGEST_FILTER CMD...: runs CMD with a fault at
# step 1, 2, ... until it succeeds; each failure must leave the digest as
# it was and the report server registered.
inject() {
	local label=$1 want=$2 filter=$3 n before after out rc
	shift 3
	before=$(stores_digest_f "$filter")
	for ((n = 1; n <= 40; n++)); do
		out=$(RS_FAULT_STEP=$n "$@" 2>&1)
		rc=$?
		[ $rc -eq 0 ] && break
		after=$(stores_digest_f "$filter")
		if [ "$after" != "$before" ] ||
		    ! printf '%s' "$out" | grep -q "injected fault at step $n"; then
			not_ok "$label: fault at step $n leaves the stores as they were" \
			    "$out"
			return
		fi
		if ! rsconfig status --json | grep -q '"ReportServiceStatus":"Started"'; then
			not_ok "$label: fault at step $n: report server still running"
			return
		fi
	done
	expect_eq "$label: every one of the $want steps rolled back exactly" \
	    "$((n - 1))" "$want"
	LAST_OUT=$out
}

# The binding store stamps a re-added row with the time of the undo; a
# rollback that re-creates something it had deleted may land on the next
# second, so the removal scenario compares without those stamps.
stores_digest_f() {
	if [ "$1" = exact ]; then stores_digest; return; fi
	{
		tree_digest "$ROOT/certstore"
		httpcfg show sslcert --json | sed 's/"created":"[^"]*"//g'
		httpcfg show urlacl --json | sed 's/"created":"[^"]*"//g'
		cat "$ROOT/reportserver/rsreportserver.config"
	} | sha256sum
}

# 1. First HTTPS binding: check, reserve, bind x2, write, tell, restart.
inject "bind HTTPS" 7 exact rsconfig web-service-url --https-cert "$T" \
    --https-port "$SP" --apply
expect_match "then it applies" "$LAST_OUT" "Done: ReportServerWebService"
expect_eq "and serves the certificate" "$(served $SP localhost)" "$T"

# 2. A failure shows which step failed and the undone lines.
out=$(RS_FAULT_STEP=4 rsconfig web-service-url --https-cert "$T2" \
    --https-port "$SP2" --vdir RS2 --apply 2>&1)
expect_match "the failed step is named" "$out" \
    "FAILED +injected fault at step 4"
expect_match "earlier steps are marked undone" "$out" \
    "undone +URL https://\+:$SP2/RS2/ reserved"
expect_match "the message says so" "$out" "the earlier steps were undone"
out=$(rsconfig web-service-url --https-cert "$T2" --https-port "$SP2" \
    --vdir RS2 --apply --json 2>&1)
expect_match "--json Results" "$(RS_FAULT_STEP=2 rsconfig web-service-url \
    --port "$HP" --vdir RS3 --apply --json 2>&1)" \
    '"HRESULT":-1,.*"RolledBack":true,"Results":\[\{"State":"undone"'

# 3. A change that also removes: new vdir, certificate and port at once.
inject "move vdir, certificate and port" 12 loose rsconfig web-service-url \
    --vdir ReportServer --https-cert "$T" --https-port "$SP" --apply
expect_eq "the moved binding serves" "$(served $SP localhost)" "$T"
expect_eq "the old port no longer does" "$(served $SP2 localhost)" none

# 4. The portal identities and --no-https roll back too.
inject "portal identities for every name" 8 exact rsconfig web-portal-url \
    add-identity --https --cert "$T2" --port "$SP2" --all-names
inject "remove the HTTPS URL" 6 loose rsconfig web-service-url --no-https --apply
# A real refusal: another process holds the HTTPS port, httpsvc cannot
# listen and refuses the reload; every step is undone.
BUSY=$(free_port)
start_bg "$TMP/busy.log" python3 -c "import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', $BUSY)); s.listen(1); print('ready', flush=True); time.sleep(600)"
BUSY_PID=$BG_PID
wait_for "port holder" 10 grep -q ready "$TMP/busy.log"
before=$(stores_digest)
out=$(rsconfig web-service-url --https-cert "$T" --https-port "$BUSY" --apply 2>&1)
expect_match "httpsvc refuses a port it cannot listen on" "$out" \
    "FAILED +httpsvc refused the change: .*$BUSY"
expect_match "the earlier steps are undone" "$out" \
    "undone +SSL binding 0\.0\.0\.0:$BUSY created"
expect_eq "and the stores are as they were" "$(stores_digest)" "$before"
kill "$BUSY_PID"

# Two applies at once: one waits for the other; neither change is lost.
A=$(free_port)
B=$(free_port)
rsconfig web-portal-url add-identity --http --port "$A" >"$TMP/c1" 2>&1 &
c1=$!
rsconfig web-service-url --https-cert "$T" --https-port "$B" --apply \
    >"$TMP/c2" 2>&1 &
c2=$!
wait $c1; r1=$?
wait $c2; r2=$?
expect_eq "two concurrent applies both succeed" "$r1 $r2" "0 0"
out=$(rsconfig urls)
expect_match "the first one's URL is there" "$out" "http://\+:$A/Reports/"
expect_match "and the second one's" "$out" "https://\+:$B/ReportServer/"
expect_match "no drift" "$(rsconfig status)" "Drift and orphans: +none"
check "stop" rsconfig stop
done_testing
