#!/usr/bin/env bash
# staticsite --redirect behind the real httpsvc (what `make run` uses for
# the site root): a weak wildcard http://*:PORT/ answers 302 to the URL for
# the root itself and 404 below it, while a more specific reservation on
# the same port (another application's strong http://+:PORT/app/) still
# gets its own requests; HEAD works, POST is 405; a bad --redirect value
# (a space, a CR LF, empty) or --dir with --redirect is refused with the
# reason, before anything registers.
. "$(dirname "$0")/../lib.sh"

port=$(free_port)
mkdir -p "$TMP/www"
printf 'the app\n' >"$TMP/www/index.html"
check "weak root reservation" httpcfg add urlacl "url=http://*:$port/" user=root
check "a strong one under it" httpcfg add urlacl "url=http://+:$port/app/" \
    user=root
start_bg "$TMP/svc.log" httpsvc
wait_for "httpsvc ready" 30 grep -q "ready" "$TMP/svc.log"
start_bg "$TMP/root.log" staticsite --url "http://*:$port/" \
    --redirect /Reports/ --name root
start_bg "$TMP/app.log" staticsite --url "http://+:$port/app/" \
    --dir "$TMP/www" --name app
check "the redirect registers" wait_for "root registered" 10 \
    grep -q "a redirect to /Reports/" "$TMP/root.log"
check "the app registers" wait_for "app registered" 10 \
    grep -q "serving http://+:$port/app/" "$TMP/app.log"

hdr=$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/")
expect_match "/ answers 302" "$hdr" "^HTTP/1.1 302 "
expect_match "... to the URL given" "$hdr" $'ocation: /Reports/\r?$'
expect_eq "... with a short text body" "$(curl -s "http://127.0.0.1:$port/")" \
    "found: see the Location header"
expect_eq "curl -L follows it to /Reports/ (404 here: nobody serves it)" \
    "$(curl -s -L -o /dev/null -w '%{url_effective} %{http_code}' \
    "http://127.0.0.1:$port/")" "http://127.0.0.1:$port/Reports/ 404"
expect_eq "/?x=1 too" "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$port/?x=1")" 302
expect_eq "HEAD /: 302" "$(curl -s -I -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$port/")" 302
expect_eq "below the root: 404" "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$port/favicon.ico")" 404
expect_eq "POST /: 405" "$(curl -s -o /dev/null -w '%{http_code}' -d x \
    "http://127.0.0.1:$port/")" 405
expect_eq "the strong reservation keeps its requests" \
    "$(curl -s "http://127.0.0.1:$port/app/")" "the app"

bad() {	# DESC REGEX ARGS...
	local d=$1 re=$2 out rc
	shift 2
	out=$(staticsite --url "http://*:$port/x/" "$@" 2>&1)
	rc=$?
	expect_eq "$d: exit 64" "$rc" 64
	expect_match "$d: says why" "$out" "$re"
}
bad "a space in the URL" 'printable ASCII only' --redirect '/a b'
bad "CR LF in the URL" 'printable ASCII only' --redirect $'/a\r\nSet-Cookie: x=1'
bad "an empty URL" 'give a URL of 1 to 2048' --redirect ''
bad "--dir and --redirect" 'one of --dir or --redirect' --dir "$TMP/www" \
    --redirect /Reports/
bad "neither" 'one of --dir or --redirect'
done_testing
