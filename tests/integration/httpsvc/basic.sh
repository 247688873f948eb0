#!/usr/bin/env bash
# httpsvc end to end: certificate choice per SNI name, IP and port (openssl
# s_client), requests through httpsvc to an application (curl, HTTP/1.1 and
# HTTP/2), forwarded headers, 503 when the application is gone, 404 when
# nothing is reserved, plain HTTP, the control socket, httpsvc -t, drain.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"

# Three different ports (two free_port calls can give the same one).
P1=$(free_port)
P2=$(free_port)
while [ "$P2" = "$P1" ]; do P2=$(free_port); done
P3=$(free_port)
while [ "$P3" = "$P1" ] || [ "$P3" = "$P2" ]; do P3=$(free_port); done
A=$(newcert a.test)
B=$(newcert b.test)
C=$(newcert ip.test)
D=$(newcert other-port.test)
E=$(newcert v6.test)
httpcfg add sslcert hostnameport=a.test:$P1 certhash=$A appid=$APPID >/dev/null
httpcfg add sslcert hostnameport=b.test:$P1 certhash=$B appid=$APPID >/dev/null
httpcfg add sslcert ipport=127.0.0.1:$P1 certhash=$C appid=$APPID >/dev/null
httpcfg add sslcert ipport=0.0.0.0:$P2 certhash=$D appid=$APPID >/dev/null
httpcfg add sslcert "ipport=[::]:$P2" certhash=$E appid=$APPID >/dev/null
httpcfg add urlacl url=https://+:$P1/site/ user=root >/dev/null
httpcfg add urlacl url=https://+:$P2/ user=root >/dev/null
httpcfg add urlacl url=http://+:$P3/plain/ user=root >/dev/null

out=$(httpsvc -t 2>&1)
expect_match "httpsvc -t accepts a good state root" "$out" "^configuration OK"

start_svc
log=$(cat "$TMP/svc.log")
expect_match "ready line names the HTTPS listener" "$log" \
    "ready: listening on .*0\.0\.0\.0:$P1 \(https\)"
expect_match "ready line names the plain listener" "$log" \
    "0\.0\.0\.0:$P3 \(http\)"

expect_eq "SNI a.test gets a.test's certificate" "$(served_cn $P1 a.test)" a.test
expect_eq "SNI B.TEST (any case) gets b.test's" "$(served_cn $P1 B.TEST)" b.test
expect_eq "unknown SNI falls back to the ip:port binding" \
    "$(served_cn $P1 nobody.test)" ip.test
expect_eq "no SNI gets the ip:port binding" "$(served_cn $P1)" ip.test
expect_eq "another port gets its 0.0.0.0 binding" "$(served_cn $P2 a.test)" \
    other-port.test
out=$(echo | timeout 10 openssl s_client -connect "[::1]:$P2" 2>&1 |
    openssl x509 -noout -subject 2>&1)
expect_match "IPv6 gets the [::]:port binding" "$out" "CN *= *v6.test"
out=$(echo | timeout 10 openssl s_client -connect "[::1]:$P1" -msg 2>&1)
expect_match "no binding for [::1]:P1: unrecognized_name alert" "$out" \
    "Alert.*fatal unrecognized_name"
expect_match "and one log line says why" "$(cat "$TMP/svc.log")" \
    "tls \[::1\]:$P1: no certificate binding .*handshake refused"
out=$(echo | timeout 10 openssl s_client -connect 127.0.0.1:$P1 -tls1_1 2>&1)
expect_match "TLS 1.1 is refused" "$out" "Cipher is \(NONE\)"
out=$(echo | timeout 10 openssl s_client -connect 127.0.0.1:$P1 \
    -servername a.test -alpn h2,http/1.1 2>&1)
expect_match "ALPN picks h2" "$out" "ALPN protocol: h2"
expect_no_match "no client certificate is requested" "$out" \
    "Acceptable client certificate CA names"

curl_k() { curl -sk --max-time 10 --resolve a.test:$P1:127.0.0.1 "$@"; }
out=$(curl_k -o /dev/null -w '%{http_code}' https://a.test:$P1/site/x)
expect_eq "reserved but unregistered: 503" "$out" 503
out=$(curl_k https://a.test:$P1/site/x)
expect_match "503 body names the reservation" "$out" \
    "application for https://\+:$P1/site/ is not running"
out=$(curl_k -w ' %{http_code}' https://a.test:$P1/elsewhere | tr '\n' ' ')
expect_match "unreserved: 404 with a clear body" "$out" \
    "no application has reserved this URL.* 404"

start_app site "https://+:$P1/site/"
APP1=$APP_PID
out=$(curl_k -H 'X-Forwarded-For: 6.6.6.6' -H 'X-Url-Reservation: forged' \
    -H 'X-Forwarded-Host: evil' https://a.test:$P1/site/hello)
expect_match "request reaches the application" "$out" "app=site path=/site/hello"
expect_match "X-Forwarded-For is the client, client copy removed" "$out" \
    "xff=127\.0\.0\.1 "
expect_match "X-Forwarded-Proto is https" "$out" "xfp=https "
expect_match "X-Forwarded-Host is the client's Host" "$out" "xfh=a\.test:$P1 "
expect_match "X-Url-Reservation is the matched prefix" "$out" \
    "rsv=https://\+:$P1/site/ "
out=$(curl_k --http2 -w ' %{http_version}' https://a.test:$P1/site/h2 |
    tr '\n' ' ')
expect_match "HTTP/2 through httpsvc" "$out" "app=site path=/site/h2 .* 2$"
out=$(curl_k --http1.1 https://a.test:$P1/site/a https://a.test:$P1/site/b \
    -w '%{num_connects} ' | tr '\n' ' ')
expect_match "keep-alive: two requests, one connection" "$out" \
    "path=/site/a .* 1 .*path=/site/b .* 0 +$"
out=$(head -c 300000 /dev/zero | curl_k --data-binary @- \
    https://a.test:$P1/site/upload)
expect_eq "a 300 kB POST body arrives whole" "$out" "len=300000"
out=$(curl_k https://a.test:$P1/site/big?n=3000000 | wc -c)
expect_eq "a 3 MB response streams back whole" "$out" 3000000
out=$(curl_k -o /dev/null -w '%{http_code}' https://a.test:$P1/sitex)
expect_eq "/sitex is not under /site/: 404" "$out" 404
out=$(curl_k -o /dev/null -w '%{http_code}' https://a.test:$P1/SITE/case)
expect_eq "paths match case-insensitively" "$out" 200

out=$(ctl STATE)
expect_match "STATE lists the registration with its pid" "$out" \
    "\"url\":\"https://\+:$P1/site/\".*\"registered\":true,\"pid\":$APP1"
expect_match "STATE lists listeners" "$out" "\"port\":$P1,\"tls\":true"
expect_eq "PING" "$(ctl PING)" OK
expect_match "an unknown request is refused" "$(ctl HELLO)" "^ERR 87 "
expect_match "REGISTER of a taken prefix: 183" \
    "$(ctl "REGISTER https://+:$P1/site/ $TMP/site.sock")" "^ERR 183 "
expect_match "REGISTER of a malformed prefix: 87" \
    "$(ctl "REGISTER https://+:0/x/ $TMP/site.sock")" "^ERR 87 "

kill "$APP1"
wait "$APP1" 2>/dev/null
wait_log "registration https://\+:$P1/site/ ended"
out=$(curl_k -o /dev/null -w '%{http_code}' https://a.test:$P1/site/x)
expect_eq "503 as soon as the application exits" "$out" 503

start_app plain "http://+:$P3/plain/"
out=$(curl -s --max-time 10 http://127.0.0.1:$P3/plain/p)
expect_match "plain HTTP port routes too" "$out" "app=plain .*xfp=http "
out=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' \
    http://127.0.0.1:$P3/other)
expect_eq "plain HTTP 404" "$out" 404

mkdir -p "$TMP/www"
echo "static hello" >"$TMP/www/index.html"
httpcfg add urlacl url=https://+:$P1/static/ user=root >/dev/null
wait_log "reload \(.*: 5 bindings, 4 URL"
start_bg "$TMP/static.log" staticsite --url "https://+:$P1/static/" \
    --dir "$TMP/www"
wait_for staticsite 20 grep -q "registered https://+:$P1/static/" \
    "$TMP/static.log"
out=$(curl_k https://a.test:$P1/static/index.html)
expect_eq "staticsite serves through httpsvc" "$out" "static hello"
out=$(python3 - "$P1" <<'PY'
import http.client, ssl, sys
c = ssl.create_default_context()
c.check_hostname = False
c.verify_mode = ssl.CERT_NONE
h = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]), context=c)
for i in range(3):
    h.request("GET", "/static/index.html")
    r = h.getresponse()
    print(r.status, r.read().decode().strip(), h.sock.version())
PY
)
expect_eq "Python http.client: three requests on one TLS connection" \
    "$(echo "$out" | sort -u)" "200 static hello TLSv1.3"

grep -q "access: .* GET /site/hello 200 " "$TMP/svc.log"
check "access log line for a forwarded request" test $? = 0

kill -TERM "$SVC_PID"
wait "$SVC_PID"
rc=$?
[ "$rc" = 0 ] || grep -A40 "ERROR: " "$TMP/svc.log" | head -n 45 | sed 's/^/# /'
expect_eq "SIGTERM: clean exit" "$rc" 0
expect_match "SIGTERM drains" "$(cat "$TMP/svc.log")" "stopping: draining"
done_testing
