#!/usr/bin/env bash
# The management API through 'rsconfig wmi': the provider's methods with
# their parameter names and HRESULT codes; the representation and drift
# (a hand edit of URLReservations does nothing and is reported); renewal
# by name; client certificates refused; bad input changes nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
trap 'rs_cleanup; _cleanup' EXIT

P=$(free_port)
SP=$(free_port)
make_db
start_httpsvc
T=$(newcert localhost)
WS=Application=ReportServerWebService
hr() { printf '%s' "$1" | sed -n 's/.*"HRESULT":\(-\?[0-9]*\).*/\1/p'; }

out=$(rsconfig wmi SetVirtualDirectory $WS VirtualDirectory=RS1)
expect_eq "SetVirtualDirectory: 0" "$(hr "$out")" 0
out=$(rsconfig wmi SetVirtualDirectory $WS VirtualDirectory='a/b')
expect_eq "SetVirtualDirectory a/b: VirtualDirectoryInvalid" "$(hr "$out")" \
    -2147220979
out=$(rsconfig wmi ReserveURL $WS UrlString=http://+:$P)
expect_eq "ReserveURL: 0" "$(hr "$out")" 0
out=$(rsconfig wmi ReserveURL $WS UrlString=http://+:$P)
expect_eq "ReserveURL again: RsURLAlreadyReserved (-2147220932)" "$(hr "$out")" \
    -2147220932
out=$(rsconfig wmi SetVirtualDirectory $WS VirtualDirectory=RS2)
expect_eq "SetVirtualDirectory with URLs: RsURLMustNotExist (-2147220930)" \
    "$(hr "$out")" -2147220930
out=$(rsconfig wmi ReserveURL Application=ReportServerWebApp UrlString=http://+:$P)
expect_eq "ReserveURL before the vdir: RsMustDefineApplicationFirst" \
    "$(hr "$out")" -2147220938
out=$(rsconfig wmi ReserveURL $WS UrlString=http://+:$P/ReportServer)
expect_eq "ReserveURL with a path: InvalidUrlParameterSet" "$(hr "$out")" \
    -2147220965
out=$(rsconfig wmi ReserveURL Application=Bogus UrlString=http://+:$P)
expect_eq "an unknown application: RsInvalidApplication" "$(hr "$out")" \
    -2147220933
out=$(rsconfig wmi ReserveURL $WS UrlString=https://+:$SP)
expect_eq "ReserveURL https: 0" "$(hr "$out")" 0
out=$(rsconfig wmi CreateSSLCertificateBinding $WS CertificateHash=0123456789abcdef \
    IPAddress=0.0.0.0 Port=$SP)
expect_eq "CreateSSLCertificateBinding, unknown certificate: SslCertificateNotFound" \
    "$(hr "$out")" -2147220968
out=$(rsconfig wmi CreateSSLCertificateBinding $WS CertificateHash=$T \
    IPAddress=192.0.2.55 Port=$SP)
expect_eq "an address not of this machine: RsIpAddressNotFound" "$(hr "$out")" \
    -2147220937
out=$(rsconfig wmi CreateSSLCertificateBinding $WS CertificateHash=$T \
    IPAddress=0.0.0.0 Port=$P)
expect_eq "a port without an https URL: RsSSLCertificateNotRegistered" \
    "$(hr "$out")" -2147220934
out=$(rsconfig wmi CreateSSLCertificateBinding $WS CertificateHash="${T,,}" \
    IPAddress=0.0.0.0 Port=$SP)
expect_eq "CreateSSLCertificateBinding (thumbprint lower-cased): 0" \
    "$(hr "$out")" 0
expect_eq "httpsvc serves it" "$(served $SP localhost)" "$T"
out=$(rsconfig wmi ListSSLCertificateBindings)
expect_match "ListSSLCertificateBindings: parallel arrays" "$out" \
    "\"CertificateHash\":\[\"$T\"\],\"IPAddress\":\[\"0.0.0.0\"\],\"Port\":\[$SP\],\"Errors\":\[\"\"\]"
out=$(rsconfig wmi ListReservedUrls)
expect_match "ListReservedUrls" "$out" \
    "\"UrlString\":\[\"http://\+:$P\",\"https://\+:$SP\"\].*\"Length\":2"
out=$(rsconfig wmi ListSSLCertificates)
expect_match "ListSSLCertificates" "$out" "\"CertificateHash\":\[\"$T\"\]"
out=$(rsconfig wmi ListIPAddresses)
expect_match "ListIPAddresses" "$out" '"IPAddress":\["127.0.0.1".*"IPVersion":\["V4"'
out=$(rsconfig wmi RemoveSSLCertificateBindings $WS CertificateHash=$T \
    IPAddress=0.0.0.0 Port=$SP)
expect_eq "RemoveSSLCertificateBindings: 0" "$(hr "$out")" 0
expect_eq "nothing served any more" "$(served $SP localhost)" none
out=$(rsconfig wmi RemoveURL $WS UrlString=https://+:$SP)
expect_eq "RemoveURL: 0" "$(hr "$out")" 0
out=$(rsconfig wmi RemoveURL $WS UrlString=https://+:$SP)
expect_eq "RemoveURL again: RsURLNotReserved" "$(hr "$out")" -2147220931
out=$(rsconfig wmi SetSecureConnectionLevel Level=1)
expect_eq "SetSecureConnectionLevel 1" "$(hr "$out")" 0
expect_match "written as an Add key" "$(cat "$ROOT/reportserver/rsreportserver.config")" \
    'Key="SecureConnectionLevel" Value="1"'
out=$(rsconfig secure-connection-level 7 2>&1)
expect_match "a level outside 0..3 is refused" "$out" "use 0 to 3"

check "another user's reservation" httpcfg add urlacl url=http://+:$P/RS1x/ \
    user=nobody
out=$(rsconfig wmi SetVirtualDirectory Application=ReportServerWebApp \
    VirtualDirectory=RS1x)
out=$(rsconfig wmi ReserveURL Application=ReportServerWebApp UrlString=http://+:$P)
expect_eq "ReserveURL of a prefix reserved for another user: RsUrlAlreadyReservedDifferentName" \
    "$(hr "$out")" -2147220939
expect_match "naming that user" "$out" "it is reserved for user nobody"
check "the portal's vdir back to Reports" rsconfig wmi SetVirtualDirectory \
    Application=ReportServerWebApp VirtualDirectory=Reports

# The Service Account page: every reservation is made again for it.
out=$(rsconfig service-account nobody)
expect_match "service-account re-reserves each URL for the account" "$out" \
    "ok +URL http://\+:$P/RS1/ reserved for nobody"
expect_match "representation carries it" "$(cat "$ROOT/reportserver/rsreportserver.config")" \
    "<AccountName>nobody</AccountName>"
expect_match "and it is remembered" "$(rsconfig service-account)" \
    "Service account: nobody"
out=$(rsconfig service-account no-such-user-h7 2>&1)
expect_match "an unknown user: InvalidUser" "$out" "InvalidUser"
out=$(RS_FAULT_STEP=3 rsconfig service-account root 2>&1)
expect_match "a failure half way rolls back" "$out" "undone"
expect_match "still nobody after the rollback" "$(httpcfg show urlacl url=http://+:$P/RS1/)" \
    "User: nobody"
check "back to root" rsconfig service-account root
# Bad input changes nothing.
before=$(stores_digest)
check_fails "an unknown certificate" rsconfig web-service-url \
    --https-cert FFFFFFFFFFFF --https-port "$SP" --apply
check_fails "a port out of range" rsconfig web-service-url --port 70000 --apply
check_fails "the same port for http and https" rsconfig web-service-url \
    --https-cert "$T" --https-port "$P" --port "$P" --apply
check_fails "an IP address not of this machine" rsconfig web-service-url \
    --ip 192.0.2.55 --apply
check_fails "a bad virtual directory" rsconfig web-service-url --vdir '../x' --apply
out=$(rsconfig web-service-url --https-cert "$T" --https-port "$SP" \
    --client-certificate require --apply 2>&1)
expect_match "client certificates are refused clearly" "$out" \
    "client certificates are not supported"
out=$(rsconfig web-service-url --https-cert "$T" --https-port "$SP")
expect_match "options without --apply only show the plan" "$out" \
    "Nothing was changed: add --apply"
expect_eq "none of that changed the stores" "$(stores_digest)" "$before"

# A hand edit of URLReservations does nothing and shows as drift.
python3 - "$ROOT/reportserver/rsreportserver.config" <<'PY2'
import sys
p = sys.argv[1]
s = open(p).read().replace("</URLs>", "<URL><UrlString>http://+:1</UrlString>"
    "<AccountSid>S-1-22-1-0</AccountSid></URL></URLs>", 1)
open(p, "w").write(s)
PY2
out=$(rsconfig status)
expect_match "status reports the drift" "$out" \
    "http://\+:1/RS1/ is in rsreportserver.config but not reserved"
expect_eq "the hand edit reserved nothing" \
    "$(httpcfg show urlacl url=http://+:1/RS1/ 2>&1 | grep -c 'Reserved URL')" 0
rsconfig stop >/dev/null 2>&1
rsconfig start >/dev/null 2>&1
st=$(httpcfg show servicestate --json)
expect_match "the restarted report server registers its reserved URL" \
    "$st" "http://\\+:$P/RS1/"
expect_no_match "but not the hand-edited one" "$st" 'http://\+:1/RS1/'
expect_match "and its log says why" "$(cat "$ROOT/log/reportserver.log")" \
    "http://\+:1/RS1/ is in rsreportserver.config but not reserved in the binding store"
out=$(rsconfig repair)
expect_match "repair makes the representation follow the store" "$out" \
    "http://\+:1/RS1/ removed from the representation"
expect_match "no drift after repair" "$(rsconfig status)" "Drift and orphans: +none"

# Renewal by name: the binding follows its certificate's names.
out=$(rsconfig web-service-url --vdir ReportServer --https-cert "$T" \
    --https-port "$SP" --follow --apply)
expect_match "--follow records the names" "$out" \
    "SSL binding 0\.0\.0\.0:$SP follows the names localhost"
# rsconfig's own renewal, for when httpsvc is not running (a running httpsvc
# makes the same move itself within a second: tests/integration/httpsvc).
kill "$SVC_PID"
wait "$SVC_PID" 2>/dev/null
T3=$(certstore new-self-signed --dns localhost --days 800 2>/dev/null | tail -n 1)
out=$(rsconfig renew --dry-run)
expect_match "renew --dry-run shows the move" "$out" \
    "planned +SSL binding 0\.0\.0\.0:$SP renewed by name \(localhost\): certificate $T -> $T3"
expect_match "dry run moved nothing" \
    "$(httpcfg show sslcert ipport=0.0.0.0:$SP)" "Certificate Hash +: $T"
out=$(rsconfig renew)
expect_match "renew moves the binding to the newer certificate" "$out" \
    "ok +SSL binding \[::\]:$SP renewed by name"
start_httpsvc
expect_eq "httpsvc serves the renewed certificate" "$(served $SP localhost)" "$T3"
check "the old certificate stays in My" certstore show "$T"
T4=$(certstore new-self-signed --dns other.test --days 900 2>/dev/null | tail -n 1)
out=$(rsconfig renew)
expect_match "a certificate for other names is not taken" "$out" \
    "Done: 0 bindings renewed"

# An IP-bound URL gets an IP-bound binding; IPv6 in brackets.
IP=$(free_port)
out=$(rsconfig web-portal-url add-identity --https --cert "$T3" --ip 127.0.0.1 \
    --port "$IP")
expect_match "an IP identity reserves the IP-bound URL" "$out" \
    "ok +URL https://127\.0\.0\.1:$IP/Reports/ reserved"
expect_match "and binds that address only" "$out" \
    "ok +SSL binding 127\.0\.0\.1:$IP created"
expect_eq "served on 127.0.0.1" "$(served $IP localhost)" "$T3"
out=$(rsconfig web-portal-url add-identity --http --ip ::1 --port "$(free_port)")
expect_match "an IPv6 identity" "$out" "ok +URL http://\[::1\]:[0-9]+/Reports/ reserved"
rsconfig stop >/dev/null
out=$(rsconfig verify http://127.0.0.1:$P/ReportServer)
expect_match "verify over plain HTTP: 503 while the report server is stopped" \
    "$out" "HTTP status: +503"

out=$(rsconfig --json | python3 -c 'import json, sys; d = json.load(sys.stdin)
print(sorted(d), d["WebServiceURL"]["VirtualDirectory"], d["Database"]["Exists"])')
expect_eq "rsconfig --json: every page in one JSON document" "$out" \
    "['Bindings', 'Certificates', 'Database', 'Status', 'WebPortalURL', 'WebServiceURL'] ReportServer True"

# verify against real peers: a server asking for a client certificate,
# a port that does not speak TLS, a port nobody listens on.
CP=$(free_port)
start_bg "$TMP/s_server.log" openssl s_server -accept "$CP" -www -Verify 1 \
    -cert "$ROOT/certstore/My/$T3.crt" -key "$ROOT/certstore/My/$T3.key"
wait_for "s_server" 10 sh -c "echo | openssl s_client -connect 127.0.0.1:$CP 2>/dev/null | grep -q CONNECTED"
out=$(rsconfig verify https://localhost:$CP/ --cafile "$ROOT/certstore/My/$T3.crt")
expect_match "verify names a server that asks for a client certificate" "$out" \
    "asked for a client certificate; client certificates are not supported"
out=$(rsconfig verify https://localhost:$P/ReportServer)
expect_match "verify of https on a plain HTTP port: the handshake failure" \
    "$out" "problem: TLS handshake with localhost failed"
out=$(rsconfig verify https://localhost:$(free_port)/)
expect_match "verify of a closed port: connection refused" "$out" \
    "cannot connect to localhost port [0-9]+: Connection refused"

# SetServiceState drives the report server.
out=$(rsconfig wmi SetServiceState EnableWindowsService=true EnableWebService=true \
    EnableReportManager=true)
expect_eq "SetServiceState on: 0" "$(hr "$out")" 0
expect_match "and it runs" "$(rsconfig status --json)" '"ReportServiceStatus":"Started"'
out=$(rsconfig wmi SetServiceState EnableWebService=false)
expect_eq "SetServiceState off: 0" "$(hr "$out")" 0
expect_match "and it stops" "$(rsconfig status --json)" '"ReportServiceStatus":"Stopped"'

# Started while httpsvc is down: the URLs register when httpsvc comes.
kill "$SVC_PID"
wait "$SVC_PID" 2>/dev/null
out=$(rsconfig start)
expect_match "start without httpsvc says the URLs will register later" "$out" \
    "httpsvc is not running, so its [0-9]+ URLs register when httpsvc starts"
start_httpsvc
wait_for "the report server registers once httpsvc runs" 20 sh -c \
    'rsconfig status --json | grep -q "\"HttpsvcRunning\":true,\"URLsRegistered\":\([1-9]\)[0-9]*,\"URLsReserved\":\1,"'
check "the report server registers once httpsvc runs" test $? = 0
check "stop" rsconfig stop

# start reports why the report server could not start.
out=$(RS_REPORTSERVER_BIN=/bin/false rsconfig start 2>&1)
expect_match "a report server that exits at start: start says so" "$out" \
    "exited at start.*ServiceDisabled"
done_testing
