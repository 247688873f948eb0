#!/usr/bin/env bash
# The seeds' procedure, step by step, with the real tools: make a test
# certificate, export it to PFX with a password, import it into Root; stop
# and start the report server; bind the web service URL over HTTPS and
# verify it with openssl, curl and rsconfig verify; add an HTTPS identity
# for the web portal and verify it; remove the bindings the right way, then
# the certificate; then the wrong way round and its recovery.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
trap 'rs_cleanup; _cleanup' EXIT

HP=$(free_port)
SP=$(free_port)
make_db
start_httpsvc

# 1. A test certificate, exported to PFX with a password, imported into Root.
T=$(certstore new-self-signed --dns localhost --dns reports.test \
    --friendly-name "Report server test" 2>/dev/null | tail -n 1)
expect_match "a test certificate is made" "$T" '^[0-9A-F]{40}$'
printf 'pfx-Secret-1\n' >"$TMP/pfxpw"
check "it exports to PFX with a password" certstore export "$T" \
    --pfx "$TMP/rs.pfx" --password-file "$TMP/pfxpw"
check "the PFX imports into Root" certstore import "$TMP/rs.pfx" \
    --store Root --password-file "$TMP/pfxpw"
certstore export "$T" --cert "$TMP/root.pem" >/dev/null
out=$(rsconfig certificates)
expect_match "rsconfig certificates lists it, read live" "$out" \
    "$T  Report server test"
expect_match "with its host names and trust" "$out" \
    "names: localhost, reports.test"

# 2. Stop and start the report server (Report Server Status page).
out=$(rsconfig stop)
expect_match "stop when stopped says so" "$out" "not running"
out=$(rsconfig web-service-url --port "$HP" --apply)
expect_match "the HTTP URL is reserved first" "$out" \
    "ok +URL http://\+:$HP/ReportServer/ reserved"
out=$(rsconfig start)
expect_match "start returns once its URLs are registered" "$out" \
    "started \(pid [0-9]+\); 1 URLs registered"
out=$(rsconfig status --json)
expect_match "status: Started" "$out" '"ReportServiceStatus":"Started"'
out=$(curl -s -w '\nstatus %{http_code}' http://127.0.0.1:$HP/ReportServer)
expect_match "the HTTP URL answers 403, before any sign-in" "$out" \
    "^status 403$"
expect_match "and names rsSecureConnectionRequired" "$out" \
    "rsSecureConnectionRequired"
check "stop" rsconfig stop
out=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$HP/ReportServer)
expect_eq "stopped: httpsvc answers 503 for its URL" "$out" 503
out=$(rsconfig status)
expect_match "status: Stopped" "$out" "Report Service Status: +Stopped"
check "start again" rsconfig start

# 3. Bind the web service URL over HTTPS (select the certificate, Apply).
out=$(rsconfig web-service-url --https-cert "${T,,}" --https-port "$SP" \
    --dry-run)
expect_match "dry run lists the steps" "$out" "planned +SSL binding 0\.0\.0\.0:$SP created"
expect_eq "dry run changed nothing" "$(httpcfg show sslcert --json)" \
    '{"sslcert":[]}'
out=$(rsconfig web-service-url --https-cert "${T,,}" --https-port "$SP" --apply)
expect_match "Results: certificate checked" "$out" \
    "ok +certificate $T checked: CN=localhost"
expect_match "Results: URL reserved" "$out" \
    "ok +URL https://\+:$SP/ReportServer/ reserved for $(id -un)"
expect_match "Results: binding created" "$out" \
    "ok +SSL binding 0\.0\.0\.0:$SP created: certificate $T"
expect_match "Results: config written" "$out" \
    "ok +configuration representation written"
expect_match "Results: services told" "$out" "ok +httpsvc reloaded"
expect_match "Results: the running report server serves the new URL" "$out" \
    "ok +report server \(pid [0-9]+\) serves https://\+:$SP/ReportServer/"
cfg=$(cat "$ROOT/reportserver/rsreportserver.config")
expect_match "the config carries the representation" "$cfg" \
    "<UrlString>https://\+:$SP</UrlString>"
expect_match "with the account" "$cfg" "<AccountName>$(id -un)</AccountName>"
out=$(httpcfg show sslcert ipport=0.0.0.0:$SP)
expect_match "httpcfg shows the binding" "$out" "Certificate Hash +: $T"
out=$(rsconfig web-service-url)
expect_match "the page shows the certificate" "$out" \
    "HTTPS Certificate: +$T"

# 4. Verify: openssl, curl, rsconfig verify.
out=$(echo | timeout 10 openssl s_client -connect 127.0.0.1:$SP \
    -servername localhost -CAfile "$TMP/root.pem" -verify_hostname localhost 2>&1)
expect_match "openssl: verify OK against the exported root" "$out" \
    "Verify return code: 0 \(ok\)"
expect_eq "openssl: the bound certificate is served" "$(served $SP localhost)" "$T"
out=$(curl -s --cacert "$TMP/root.pem" -u "admin:$PW" -o /dev/null \
    -w '%{http_code}' --resolve localhost:$SP:127.0.0.1 \
    https://localhost:$SP/ReportServer)
expect_eq "curl: 200 over HTTPS with the root trusted" "$out" 200
out=$(curl -s -o /dev/null -w '%{http_code}' --resolve localhost:$SP:127.0.0.1 \
    https://localhost:$SP/ReportServer)
expect_eq "curl without the root: refused (untrusted)" "$out" 000
out=$(rsconfig verify https://localhost:$SP/ReportServer --user admin \
    --password-file "$TMP/pw")
expect_match "rsconfig verify: trusted through Root" "$out" "Trusted: +yes"
expect_match "rsconfig verify: thumbprint" "$out" "Thumbprint: +$T"
expect_match "rsconfig verify: 200" "$out" "HTTP status: +200"
expect_match "rsconfig verify: Result: OK" "$out" "^Result: OK"
out=$(rsconfig verify https://localhost:$SP/ReportServer </dev/null)
rc=$?
expect_match "verify without credentials: 401 named" "$out" \
    "asks for credentials \(Basic"
expect_eq "and exits non-zero" "$rc" 1
out=$(python3 - "$SP" "$PW" <<'PY2'
# A terminal: verify meets 401 and asks for the user name and password.
import os, pty, sys, time
port, pw = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("rsconfig", ["rsconfig", "verify",
        "https://localhost:%s/ReportServer" % port])
out, sent = b"", 0
deadline = time.time() + 60
while time.time() < deadline:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if sent == 0 and b"User name:" in out:
        os.write(fd, b"admin\n"); sent = 1
    if sent == 1 and b"Password:" in out:
        os.write(fd, pw.encode() + b"\n"); sent = 2
if time.time() >= deadline:     # never wait forever on a stuck child
    os.kill(pid, 9)
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
PY2
)
expect_match "in a terminal, 401 asks for the user name" "$out" "User name:"
expect_match "and the password, then verifies" "$out" "HTTP status: +200"
expect_no_match "the password is not echoed" "$out" "$PW"
out=$(rsconfig verify https://127.0.0.1:$SP/ReportServer --user admin \
    --password-file "$TMP/pw")
expect_match "verify by IP: the name mismatch is said" "$out" \
    "127\.0\.0\.1 is not a name of the certificate"

# 5. An HTTPS identity for the web portal (Advanced), verified.
out=$(rsconfig web-portal-url add-identity --https --cert "$T" --port "$SP")
expect_match "portal identity: URL reserved" "$out" \
    "ok +URL https://\+:$SP/Reports/ reserved"
expect_match "portal identity: the binding is shared within the server" \
    "$out" "SSL binding 0\.0\.0\.0:$SP already in place"
out=$(rsconfig verify https://localhost:$SP/Reports/ --user admin \
    --password-file "$TMP/pw")
expect_match "portal verifies" "$out" "Result: OK"
out=$(rsconfig web-portal-url add-identity --https --cert "$T" --port "$SP" \
    --all-names)
expect_match "every DNS name as its own identity: localhost" "$out" \
    "ok +SSL binding localhost:$SP created"
expect_match "every DNS name as its own identity: reports.test" "$out" \
    "ok +SSL binding reports\.test:$SP created"
out=$(rsconfig verify https://reports.test:$SP/Reports/ --connect-to 127.0.0.1 \
    --user admin --password-file "$TMP/pw")
expect_match "the SNI identity verifies" "$out" "Result: OK"
out=$(rsconfig web-portal-url add-identity --https --cert "$T" --port "$SP" \
    --host other.test 2>&1)
expect_match "an identity the certificate does not name is refused" "$out" \
    "not issued to other\.test.*RsInvalidSSLCertificate"
out=$(rsconfig urls --json)
expect_match "urls --json in the WMI shape" "$out" \
    '"Application":"ReportServerWebApp","UrlString":"https://reports.test:'

# 6. Remove the bindings the right way, then the certificate.
out=$(rsconfig web-portal-url remove-identity --https --cert "$T" \
    --port "$SP" --all-names)
expect_match "remove the name identities: SNI bindings go" "$out" \
    "ok +SSL binding reports\.test:$SP removed"
expect_match "remove the name identities: done" "$out" "^Done: 2 identities"
check "remove the portal's HTTPS identity" rsconfig web-portal-url \
    remove-identity --https --port "$SP"
out=$(rsconfig web-service-url --no-https --apply)
expect_match "--no-https removes the URL" "$out" \
    "URL reservation https://\+:$SP/ReportServer/ removed"
expect_match "--no-https removes the binding" "$out" \
    "SSL binding 0\.0\.0\.0:$SP removed"
expect_eq "no binding left" "$(httpcfg show sslcert --json)" '{"sslcert":[]}'
check "then the certificate goes" certstore remove "$T"
expect_eq "HTTPS no longer served" "$(served $SP localhost)" none
out=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$HP/ReportServer)
expect_eq "the HTTP URL still works" "$out" 403

# 7. The wrong way round: the certificate first, and the recovery.
T2=$(newcert localhost)
check "bind a second certificate" rsconfig web-service-url \
    --https-cert "$T2" --https-port "$SP" --apply
out=$(certstore remove "$T2" 2>&1)
expect_match "certstore refuses a bound certificate, naming bindings" \
    "$out" "0\.0\.0\.0:$SP"
check "certstore remove --force removes it anyway" certstore remove "$T2" --force
out=$(rsconfig bindings)
expect_match "bindings: the orphan is named" "$out" \
    "no longer in the store \(orphan binding"
out=$(rsconfig status)
expect_match "status reports it" "$out" "Drift and orphans: .*orphan"
out=$(rsconfig wmi RemoveSSLCertificateBindings Application=ReportServerWebService \
    CertificateHash="$T2" IPAddress=0.0.0.0 Port="$SP")
expect_match "RemoveSSLCertificateBindings: InvalidParameter" "$out" \
    '"HRESULT":-2147220948,"Error":"InvalidParameter"'
expect_match "with the original's words and the way out" "$out" \
    "Invalid parameter: certificate $T2 .*httpcfg delete sslcert ipport=0\.0\.0\.0:$SP"
check "httpcfg delete sslcert removes one orphan" httpcfg delete sslcert \
    ipport=0.0.0.0:$SP
out=$(rsconfig repair)
expect_match "repair finds the other orphan" "$out" \
    "orphan SSL binding \[::\]:$SP deleted"
expect_eq "no binding left after repair" "$(httpcfg show sslcert --json)" \
    '{"sslcert":[]}'
out=$(rsconfig web-service-url --no-https --apply)
expect_match "then --no-https finishes the recovery" "$out" \
    "URL reservation https://\+:$SP/ReportServer/ removed"
out=$(rsconfig status)
expect_match "no drift left" "$out" "Drift and orphans: +none"
check "stop" rsconfig stop
done_testing
