#!/usr/bin/env bash
# HTTP.sys routing precedence end to end: strong wildcard (+) beats an
# explicit host, which beats an IP-bound prefix, which beats the weak
# wildcard (*); the longest path wins within a class; a reserved prefix
# with no live application answers 503 even when a lower class could
# serve the request.  Each case is one curl through httpsvc.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"

P=$(free_port)
for u in "http://+:$P/s/" "http://+:$P/s/deep/" "http://www.x.test:$P/" \
    "http://www.x.test:$P/h/longer/" "http://127.0.0.1:$P/" \
    "http://*:$P/" "http://+:$P/gap/"; do
	httpcfg add urlacl url="$u" user=root >/dev/null
done
start_svc
start_app strong "http://+:$P/s/"
start_app deep "http://+:$P/s/deep/"
start_app host "http://www.x.test:$P/"
start_app hostlong "http://www.x.test:$P/h/longer/"
start_app ip "http://127.0.0.1:$P/"
start_app weak "http://*:$P/"

# route ADDR HOST PATH: the app that answered, or the status.
route() {
	local o h=(-H "Host: $2")
	[ "$2" = - ] && h=(--http1.0 -H "Host:")	# no Host header at all
	o=$(curl -s --max-time 10 "${h[@]}" -w ' %{http_code}' \
	    "http://$1:$P$3")
	case "$o" in
	app=*) printf '%s' "$o" | sed -n 's/^app=\([a-z]*\) .*/\1/p' ;;
	*) printf '%s' "${o##* }" ;;
	esac
}

while read -r addr host path want why; do
	expect_eq "$why: $host $path via $addr" "$(route "$addr" "$host" "$path")" \
	    "$want"
done <<EOF
127.0.0.1 www.x.test /s/page strong strong_wildcard_beats_explicit_host
127.0.0.1 other.test /s/page strong strong_wildcard_for_any_host
127.0.0.1 www.x.test /s/deep/x deep longest_path_within_the_strong_class
127.0.0.1 www.x.test /S/DEEP/x deep path_compared_case-insensitively
127.0.0.1 www.x.test /s/deeper strong /s/deeper_is_not_under_/s/deep/
127.0.0.1 www.x.test /h/page host explicit_host_beats_IP-bound
127.0.0.1 WWW.X.TEST /h/page host host_compared_case-insensitively
127.0.0.1 www.x.test /h/longer/x hostlong longest_path_within_the_host_class
127.0.0.1 other.test /h/page ip IP-bound_beats_weak_wildcard
127.0.0.2 other.test /h/page weak weak_wildcard_takes_the_rest
127.0.0.2 www.x.test /h/page host explicit_host_on_any_address
127.0.0.1 www.x.test /gap/x 503 reserved_but_not_running_stops_the_search
127.0.0.2 other.test /gap 503 prefix_without_its_slash_is_still_under_it
127.0.0.1 - /h/page ip HTTP/1.0_without_Host:_no_host_class
127.0.0.1 - /s/x strong HTTP/1.0_without_Host:_strong_wildcard
EOF
out=$(curl -s --max-time 10 --http1.0 -H "Host:" "http://127.0.0.1:$P/h/x")
expect_match "without Host the application sees the local address" "$out" \
    "xfh=None rsv=http://127.0.0.1:$P/ host=127.0.0.1$"

# Precedence is per class: stop the host app and the host class still
# claims the request (503), it does not fall through to IP-bound.
kill "$APP_PID" 2>/dev/null	# the weak app, started last
wait_log "registration http://\*:$P/ ended"
expect_eq "weak app gone: its requests get 503" \
    "$(route 127.0.0.2 other.test /h/page)" 503
expect_eq "other classes unaffected" "$(route 127.0.0.1 other.test /x)" ip
done_testing
