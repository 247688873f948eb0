#!/usr/bin/env bash
# staticsite over its own Unix socket (what httpsvc talks to), driven with
# curl --unix-socket: files and content types, index.html, 404 inside the
# prefix, path traversal (.., encoded %2e%2e and %2f, a symlink out of the
# folder), ETag / Last-Modified with 304, HEAD, 405, folder redirect, a large
# file streamed intact, keep-alive, a stale socket file replaced, another
# user refused on the socket, and a clean stop on SIGTERM.  Registration is in register.sh.
. "$(dirname "$0")/../lib.sh"

www=$TMP/www
mkdir -p "$www/sub" "$www/docs" "$TMP/outside"
printf '<h1>home</h1>\n' >"$www/index.html"
printf 'a,b\n1,2\n' >"$www/sub/data.csv"
printf '{"k":1}\n' >"$www/sub/x.json"
printf 'secret\n' >"$TMP/outside/secret.txt"
ln -s "$TMP/outside/secret.txt" "$www/leak.txt"
ln -s "$TMP/outside" "$www/outdir"
ln -s index.html "$www/alias.html"	# a link inside the folder is fine
head -c 3000000 /dev/urandom >"$www/big.bin"
printf 'spaced\n' >"$www/docs/a b.txt"

sock=$ROOT/run/apps/site.sock
mkdir -p "$ROOT/run/apps"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$sock"
start_bg "$TMP/site.log" staticsite --url https://+:8443/site/ --dir "$www" \
    --name site
site_pid=$BG_PID
wait_for "staticsite socket" 10 curl -s --unix-socket "$sock" http://x/site/
expect_match "a stale socket file is replaced" "$(cat "$TMP/site.log")" \
    "listening"

get() { curl -s --unix-socket "$sock" --path-as-is "$@"; }
code() { get -o /dev/null -w '%{http_code}' "$@"; }

expect_eq "index.html for the prefix" "$(get http://x/site/)" "<h1>home</h1>"
expect_match "text/html for .html" \
    "$(get -D - -o /dev/null http://x/site/index.html)" \
    "ontent-type: text/html; charset=utf-8"
expect_match "text/csv for .csv" \
    "$(get -D - -o /dev/null http://x/site/sub/data.csv)" "ontent-type: text/csv"
expect_match "application/json for .json" \
    "$(get -D - -o /dev/null http://x/site/sub/x.json)" \
    "ontent-type: application/json"
expect_eq "a percent-encoded name" "$(get 'http://x/site/docs/a%20b.txt')" \
    "spaced"
expect_eq "a symlink inside the folder is served" \
    "$(get http://x/site/alias.html)" "<h1>home</h1>"
expect_eq "404 for a missing file" "$(code http://x/site/nope.html)" 404
expect_eq "404 for a URL outside the prefix" "$(code http://x/other/)" 404
expect_eq "folder without / redirects" "$(code http://x/site/sub)" 301
expect_match "redirect Location keeps the query" \
    "$(get -D - -o /dev/null 'http://x/site/sub?q=1')" "ocation: /site/sub/\?q=1"
expect_eq "folder without index.html: 404" "$(code http://x/site/sub/)" 404

expect_eq ".. refused" "$(code 'http://x/site/../etc/passwd')" 400
expect_eq "encoded %2e%2e refused" \
    "$(code 'http://x/site/%2e%2e/%2e%2e/etc/passwd')" 400
expect_eq "encoded %2f.. refused" "$(code 'http://x/site/sub%2f..%2f..%2fx')" 400
expect_eq "symlink to a file outside: 404" "$(code http://x/site/leak.txt)" 404
expect_eq "symlink to a folder outside: 404" \
    "$(code http://x/site/outdir/secret.txt)" 404
expect_eq "absolute path smuggled: 404" "$(code 'http://x/site//etc/passwd')" 404
expect_eq "%00 refused" "$(code 'http://x/site/index.html%00.txt')" 400

hdrs=$(get -D - -o /dev/null http://x/site/index.html)
etag=$(printf '%s' "$hdrs" | tr -d '\r' | sed -n 's/^etag: //Ip')
lm=$(printf '%s' "$hdrs" | tr -d '\r' | sed -n 's/^last-modified: //Ip')
expect_match "ETag given" "$etag" '^"[0-9a-f]+-[0-9a-f]+"$'
expect_match "Last-Modified given" "$lm" 'GMT$'
expect_eq "If-None-Match with the ETag: 304" \
    "$(code -H "If-None-Match: $etag" http://x/site/index.html)" 304
expect_eq "If-None-Match with another ETag: 200" \
    "$(code -H 'If-None-Match: "x"' http://x/site/index.html)" 200
expect_eq "If-Modified-Since Last-Modified: 304" \
    "$(code -H "If-Modified-Since: $lm" http://x/site/index.html)" 304
expect_eq "If-Modified-Since long ago: 200" \
    "$(code -H 'If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT' http://x/site/index.html)" 200

head_out=$(get -I http://x/site/big.bin | tr -d '\r')
expect_match "HEAD gives the Content-Length" "$head_out" "[Cc]ontent-[Ll]ength: 3000000"
expect_eq "HEAD has no body" "$(get -X HEAD -m 5 -o - http://x/site/index.html | wc -c)" 0
expect_eq "POST: 405" "$(code -X POST -d x http://x/site/index.html)" 405
expect_match "405 names the allowed methods" \
    "$(get -D - -o /dev/null -X DELETE http://x/site/)" "llow: GET, HEAD"

expect_eq "a 3 MB file arrives intact" \
    "$(get http://x/site/big.bin | sha256sum)" "$(sha256sum <"$www/big.bin")"
expect_eq "two requests share one keep-alive connection" \
    "$(get -w '%{num_connects}\n' -o /dev/null -o /dev/null \
        http://x/site/ http://x/site/sub/data.csv | tr '\n' ' ')" "1 0 "

chmod o+x "$TMP" "$ROOT" "$ROOT/run" "$ROOT/run/apps"
out=$(setpriv --reuid nobody --regid nogroup --clear-groups \
    curl -s --unix-socket "$sock" -o /dev/null -w '%{http_code}' http://x/site/ 2>&1)
expect_eq "another user on the socket directly: refused (only httpsvc)" "$out" 000
expect_match "the refusal is logged" "$(cat "$TMP/site.log")" \
    "connection from uid 65534 .* refused"
expect_eq "root still gets in" "$(code http://x/site/)" 200

kill -TERM "$site_pid"
wait "$site_pid"
expect_eq "SIGTERM: exit 0" "$?" 0
check_fails "socket removed on exit" test -e "$sock"
expect_match "the stop is logged" "$(cat "$TMP/site.log")" "stopped"
expect_no_match "no sanitizer report" "$(cat "$TMP/site.log")" \
    "ERROR: (Address|Leak)Sanitizer|runtime error"

check_fails "missing folder: error" staticsite --url https://+:1/x/ --dir "$TMP/none"
out=$(staticsite --url ftp://x/ --dir "$www" 2>&1)
expect_match "bad prefix: clear error" "$out" "invalid URL prefix 'ftp://x/'"
check_fails "no --url: usage error" staticsite --dir "$www"
done_testing
