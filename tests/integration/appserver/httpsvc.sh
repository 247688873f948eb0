#!/usr/bin/env bash
# staticsite behind the real httpsvc, end to end over TLS: curl and Python
# http.client get the files through https://127.0.0.1:PORT/site/ (and a
# second prefix registered by the same process); a URL
# outside the prefix is 404; after staticsite exits the reserved prefix is
# 503 at once; a staticsite started before httpsvc registers when httpsvc
# comes up, and again after httpsvc restarts; a user who does not hold the
# reservation gets httpsvc's "ERR 5" sentence and exit status 77.
. "$(dirname "$0")/../lib.sh"

APPID='{6f1d2a3b-0000-4000-8000-00000000a004}'
port=$(free_port)
www=$TMP/www
mkdir -p "$www/d"
printf 'hello over tls\n' >"$www/index.html"
printf 'inner\n' >"$www/d/f.txt"
head -c 5000000 /dev/urandom >"$www/big.bin"
thumb=$(certstore new-self-signed --dns localhost --key ecdsa-p256 2>/dev/null |
    grep -Eo '^[0-9A-F]{40}$')
check "binding added" httpcfg add sslcert "ipport=0.0.0.0:$port" \
    "certhash=$thumb" "appid=$APPID"
check "reservation added" httpcfg add urlacl "url=https://+:$port/site/" \
    user=root
check "a second prefix for staticsite" httpcfg add urlacl \
    "url=https://+:$port/two/" user=root
check "a reservation for root only" httpcfg add urlacl \
    "url=https://+:$port/rootonly/" user=root

# staticsite first: it must wait for httpsvc
start_bg "$TMP/site.log" staticsite --url "https://+:$port/site/" \
    --url "https://+:$port/two/" --dir "$www" --name site
site_pid=$BG_PID
wait_for "retry line" 10 grep -q "will register when httpsvc is up" \
    "$TMP/site.log"
start_bg "$TMP/svc.log" httpsvc
svc_pid=$BG_PID
wait_for "httpsvc ready" 30 grep -q "ready" "$TMP/svc.log"
check "staticsite registers once httpsvc is up" wait_for "registered" 10 \
    grep -q "registered https://+:$port/site/" "$TMP/site.log"

url=https://127.0.0.1:$port
curl_k() { curl -sk --max-time 10 "$@"; }
expect_eq "curl through httpsvc: index.html" "$(curl_k "$url/site/")" \
    "hello over tls"
expect_eq "curl: a file in a folder" "$(curl_k "$url/site/d/f.txt")" "inner"
expect_eq "a 5 MB file streamed through httpsvc arrives intact" \
    "$(curl_k "$url/site/big.bin" | sha256sum)" "$(sha256sum <"$www/big.bin")"
expect_eq "the second prefix serves the same folder" \
    "$(curl_k "$url/two/d/f.txt")" "inner"
expect_match "httpsvc logs one registration per prefix" \
    "$(grep -c "registered https://+:$port/\(site\|two\)/" "$TMP/svc.log")" "^2$"
expect_eq "404 inside the prefix comes from staticsite" \
    "$(curl_k -o /dev/null -w '%{http_code}' "$url/site/missing")" 404
out=$(curl_k --path-as-is -w ' %{http_code}' "$url/site/%2e%2e/%2e%2e/etc/passwd")
expect_match "traversal refused through httpsvc (400 or 404)" "$out" " (400|404)$"
expect_no_match "no /etc/passwd through httpsvc" "$out" "root:"
expect_eq "unreserved URL: 404" \
    "$(curl_k -o /dev/null -w '%{http_code}' "$url/elsewhere/")" 404
out=$(python3 - "$port" <<'PY'
import http.client, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
c = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]), context=ctx,
                                timeout=10)
for path in ("/site/", "/site/d/f.txt"):
    c.request("GET", path)
    r = c.getresponse()
    print(r.status, r.read().decode().strip())
c.request("GET", "/site/", headers={"If-None-Match": r.getheader("ETag") or "x"})
r = c.getresponse()
r.read()
print(r.status)
PY
)
expect_eq "Python http.client, keep-alive, through httpsvc" "$out" \
    "200 hello over tls
200 inner
200"
etag=$(curl_k -D - -o /dev/null "$url/site/" | tr -d '\r' | sed -n 's/^etag: //Ip')
expect_eq "304 through httpsvc" \
    "$(curl_k -H "If-None-Match: $etag" -o /dev/null -w '%{http_code}' "$url/site/")" 304

# httpsvc restarts: staticsite registers again by itself
kill -TERM "$svc_pid"
wait "$svc_pid" 2>/dev/null
check "staticsite notices httpsvc is gone" wait_for "lost" 10 \
    grep -q "lost" "$TMP/site.log"
start_bg "$TMP/svc2.log" httpsvc
svc_pid=$BG_PID
wait_for "httpsvc ready again" 30 grep -q "ready" "$TMP/svc2.log"
serves() { test "$(curl_k "$url/site/")" = "hello over tls"; }
check "registered again after the restart" wait_for "200 again" 10 serves

# the application exits: its prefix is 503 at once
kill -TERM "$site_pid"
wait "$site_pid"
expect_eq "staticsite exits 0 on SIGTERM" "$?" 0
expect_eq "reserved prefix without its application: 503" \
    "$(curl_k -o /dev/null -w '%{http_code}' "$url/site/")" 503
expect_no_match "no sanitizer report from staticsite" "$(cat "$TMP/site.log")" \
    "Sanitizer|runtime error"

# another user may not take root's reservation: ERR 5, exit 77
chmod o+x "$TMP" "$ROOT" "$ROOT/run"	# nobody reaches the control socket
sockdir=$(mktemp -d /tmp/rs-h4-nobody.XXXXXX)
chown nobody "$sockdir"
out=$(timeout 20 setpriv --reuid nobody --regid nogroup --clear-groups \
    "$RS_BIN/staticsite" --root "$ROOT" --url "https://+:$port/rootonly/" \
    --dir / --socket "$sockdir/s.sock" 2>&1)
rc=$?
rm -rf "$sockdir"
expect_eq "a prefix reserved for root, as nobody: exit 77" "$rc" 77
expect_match "httpsvc's sentence is shown, with its code" "$out" \
    "cannot register https://\+:$port/rootonly/: .*\(error 5\)"
done_testing
