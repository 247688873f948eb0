#!/usr/bin/env bash
# Shared bindings, the seeds' IIS story, with staticsite as the other web
# application, in both orders.  Removing the report server's HTTPS URL
# never removes the binding another application serves HTTPS with; a
# different certificate on a binding another application owns is refused
# with RsSSLBindingConflict, and nothing changes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
trap 'rs_cleanup; _cleanup' EXIT

OTHER='{7c1a8e2d-5b3f-4c6a-9e0d-1f2a3b4c5d6e}'
mkdir -p "$TMP/site"
echo "hello from the other application" >"$TMP/site/index.html"
make_db
start_httpsvc
T=$(newcert localhost)
T2=$(newcert localhost)
certstore export "$T" --cert "$TMP/t.pem" >/dev/null

site_get() {
	curl -s --max-time 10 --cacert "$TMP/t.pem" --resolve \
	    localhost:$1:127.0.0.1 "https://localhost:$1/site/index.html"
}

# Order 1: the other application binds first (httpcfg, its own appid).
P=$(free_port)
HP=$(free_port)
check "other app: httpcfg add sslcert with its appid" httpcfg add sslcert \
    ipport=0.0.0.0:$P certhash=$T appid=$OTHER
check "other app: its URL reservation" httpcfg add urlacl \
    url=https://+:$P/site/ user="$(id -un)"
start_bg "$TMP/site1.log" staticsite --url "https://+:$P/site/" \
    --dir "$TMP/site" --name site1
SITE1=$BG_PID
wait_for "staticsite registered" 20 grep -q "registered" "$TMP/site1.log"
expect_eq "other app serves HTTPS" "$(site_get $P)" \
    "hello from the other application"
check "report server HTTP URL" rsconfig web-service-url --port "$HP" --apply
check "report server starts" rsconfig start

out=$(rsconfig web-service-url --https-cert "$T2" --https-port "$P" --apply 2>&1)
expect_match "a different certificate: RsSSLBindingConflict" "$out" \
    "RsSSLBindingConflict"
expect_match "naming the other application and its certificate" "$out" \
    "application $OTHER already binds certificate $T"
expect_match "and the earlier steps undone" "$out" "undone +URL https://\+:$P/ReportServer/ reserved"
out=$(httpcfg show sslcert ipport=0.0.0.0:$P --json)
expect_match "the other binding is untouched" "$out" \
    "\"certhash\":\"$T\",\"appid\":\"$OTHER\".*\"owners\":\[\"$OTHER\"\]"

out=$(rsconfig web-service-url --https-cert "$T" --https-port "$P" --apply)
expect_match "same certificate: the binding is reused" "$out" \
    "ok +SSL binding 0\.0\.0\.0:$P reused: .* second owner"
out=$(httpcfg show sslcert ipport=0.0.0.0:$P --json)
expect_match "the binding has two owners" "$out" \
    "\"owners\":\[\"$OTHER\",\"\{1f5b6a52-8f3c-4a0e-9d5b-2c7e0a4d9e31\}\"\]"
out=$(rsconfig bindings)
expect_match "rsconfig bindings shows it shared" "$out" "0\.0\.0\.0:$P .* shared"
out=$(rsconfig verify https://localhost:$P/ReportServer --cafile "$TMP/t.pem" \
    --user admin --password-file "$TMP/pw")
expect_match "the report server serves HTTPS there" "$out" "HTTP status: +200"
expect_eq "and so does the other application" "$(site_get $P)" \
    "hello from the other application"

out=$(rsconfig web-service-url --no-https --apply)
expect_match "removing the report server's HTTPS releases its use" "$out" \
    "ok +SSL binding 0\.0\.0\.0:$P released; it stays for $OTHER"
expect_match "the [::] binding only the report server made goes" "$out" \
    "ok +SSL binding \[::\]:$P removed"
out=$(httpcfg show sslcert ipport=0.0.0.0:$P --json)
expect_match "the other application's binding stays, one owner" "$out" \
    "\"owners\":\[\"$OTHER\"\]"
expect_eq "the other application still serves HTTPS" "$(site_get $P)" \
    "hello from the other application"
out=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' --cacert \
    "$TMP/t.pem" --resolve localhost:$P:127.0.0.1 https://localhost:$P/ReportServer)
expect_eq "the report server's HTTPS URL is gone (404)" "$out" 404
kill "$SITE1"

# Order 2: the report server binds first; the other application serves
# HTTPS over the same port and certificate.
P2=$(free_port)
out=$(rsconfig web-service-url --https-cert "$T" --https-port "$P2" --apply)
expect_match "report server binds first" "$out" \
    "ok +SSL binding 0\.0\.0\.0:$P2 created"
out=$(httpcfg add sslcert ipport=0.0.0.0:$P2 certhash=$T appid=$OTHER 2>&1)
expect_match "the other application's own add meets 183, as on Windows" \
    "$out" "183"
check "other app: its URL reservation" httpcfg add urlacl \
    url=https://+:$P2/site/ user="$(id -un)"
start_bg "$TMP/site2.log" staticsite --url "https://+:$P2/site/" \
    --dir "$TMP/site" --name site2
SITE2=$BG_PID
wait_for "staticsite registered" 20 grep -q "registered" "$TMP/site2.log"
expect_eq "other app serves HTTPS over the report server's binding" \
    "$(site_get $P2)" "hello from the other application"
out=$(rsconfig web-service-url --no-https --apply)
expect_match "removing the report server's HTTPS keeps a binding another URL needs" \
    "$out" "SSL binding 0\.0\.0\.0:$P2 kept: https://\+:$P2/site/"
expect_eq "the other application still serves HTTPS" "$(site_get $P2)" \
    "hello from the other application"
out=$(rsconfig web-service-url --https-cert "$T" --https-port "$P2" --apply)
expect_match "the report server takes HTTPS back on the kept binding" "$out" \
    "SSL binding 0\.0\.0\.0:$P2 already in place"
kill "$SITE2"
wait "$SITE2" 2>/dev/null
check "the other application leaves: its reservation goes" httpcfg delete \
    urlacl url=https://+:$P2/site/
out=$(rsconfig verify https://localhost:$P2/ReportServer --cafile "$TMP/t.pem" \
    --user admin --password-file "$TMP/pw")
expect_match "the report server keeps serving HTTPS" "$out" "Result: OK"
check "stop" rsconfig stop
done_testing
