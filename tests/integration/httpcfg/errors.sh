#!/usr/bin/env bash
# Every httpcfg error: the Windows code (183, 2, 87, 1312, 5), netsh's
# sentence, our sentence naming the parameter and the reason, a non-zero
# exit, and a binding store left exactly as it was.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures.bash"
stage_for_others || exit 1	# nobody runs httpcfg below

T=$(mkcert err.test)
NOKEY=$(mkcert nokey.test)
rm -f "$ROOT/certstore/My/$NOKEY.key"	# as if only the .cer was installed
check "a binding to collide with" \
    httpcfg add sslcert ipport=0.0.0.0:8443 certhash="$T" appid="$APP1"
check "a reservation to collide with" \
    httpcfg add urlacl url=https://+:8443/ReportServer/ user=nobody

# 183 already exists
expect_fail "183: binding exists" 183 \
    'Cannot create a file when that file already exists\.' \
    httpcfg add sslcert ipport=0.0.0.0:8443 certhash="$T" appid="$APP2"
expect_fail "183: sentence names the endpoint" 183 \
    'already bound to 0\.0\.0\.0:8443' \
    httpcfg add sslcert ipport=0.0.0.0:8443 certhash="$T" appid="$APP2"
expect_fail "183: reservation exists (path case ignored)" 183 \
    'https://\+:8443/ReportServer/ is already reserved for user nobody' \
    httpcfg add urlacl url=HTTPS://+:8443/reportserver user=root
expect_fail "183: http on a port that serves https" 183 \
    'port 8443 already serves https \(https://\+:8443/ReportServer/ is reserved for user nobody\); http and https cannot share a port' \
    httpcfg add urlacl url=http://+:8443/plain/ user=root

# 2 not found
expect_fail "2: delete a binding that is not there" 2 \
    'The system cannot find the file specified\.' \
    httpcfg delete sslcert ipport=0.0.0.0:9999
expect_fail "2: sentence names the endpoint" 2 \
    'no SSL certificate is bound to \[::\]:443' \
    httpcfg delete sslcert 'ipport=[::]:443'
expect_fail "2: update a binding that is not there" 2 'not|no SSL' \
    httpcfg update sslcert ipport=0.0.0.0:9999 certhash="$T" appid="$APP1"
expect_fail "2: show one binding that is not there" 2 'no SSL certificate is bound' \
    httpcfg show sslcert hostnameport=nothere.test:443
expect_fail "2: delete a reservation that is not there" 2 \
    'the URL https://\+:9/x/ is not reserved' \
    httpcfg delete urlacl url=https://+:9/x
expect_fail "2: show a reservation that is not there" 2 'is not reserved' \
    httpcfg show urlacl url=https://+:9/x/
expect_fail "2: servicestate without httpsvc" 2 'httpsvc is not running' \
    httpcfg show servicestate

# 1312 the certificate cannot serve (netsh's code for it)
expect_fail "1312: thumbprint not in the store" 1312 \
    'certhash: .*AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.*My' \
    httpcfg add sslcert ipport=0.0.0.0:1 \
    certhash=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA appid="$APP1"
expect_fail "1312: certificate without private key" 1312 \
    "certhash: certificate $NOKEY in store My has no private key" \
    httpcfg add sslcert ipport=0.0.0.0:1 certhash="$NOKEY" appid="$APP1"

# 87 invalid parameter: which one, and why
p87() {	# DESC REGEX ARGS...
	local d=$1 re=$2
	shift 2
	expect_fail "87: $d" 87 "^The parameter is incorrect\.$" httpcfg "$@"
	expect_fail "87: $d (reason)" 87 "$re" httpcfg "$@"
}
add=(add sslcert)
good=(certhash="$T" appid="$APP1")
p87 "ipport without a port" '^ipport: .*IP:PORT' "${add[@]}" ipport=0.0.0.0 "${good[@]}"
p87 "port 0" '^ipport: the port must be 1\.\.65535' "${add[@]}" ipport=0.0.0.0:0 "${good[@]}"
p87 "port 65536" '^ipport: the port must be 1\.\.65535' "${add[@]}" ipport=0.0.0.0:65536 "${good[@]}"
p87 "leading zero" '^ipport: .*leading zero' "${add[@]}" ipport=0.0.0.0:0443 "${good[@]}"
p87 "IPv6 without brackets" '^ipport: .*brackets' "${add[@]}" ipport=::1:443 "${good[@]}"
p87 "bad IPv4" '^ipport: 1\.2\.3 is not a valid IPv4' "${add[@]}" ipport=1.2.3:443 "${good[@]}"
p87 "hostnameport with an IP" '^hostnameport: .*use ipport=' "${add[@]}" hostnameport=10.0.0.1:443 "${good[@]}"
p87 "hostnameport wildcard" '^hostnameport: .*not allowed' "${add[@]}" 'hostnameport=*.a.test:443' "${good[@]}"
p87 "both keys" '^ipport, hostnameport: give one' "${add[@]}" ipport=0.0.0.0:1 hostnameport=a.test:1 "${good[@]}"
p87 "no endpoint" '^ipport: required parameter is missing' "${add[@]}" "${good[@]}"
p87 "no certhash" '^certhash: required parameter is missing' "${add[@]}" ipport=0.0.0.0:1 appid="$APP1"
p87 "no appid" '^appid: required parameter is missing' "${add[@]}" ipport=0.0.0.0:1 certhash="$T"
p87 "bad appid" '^appid: an application id is a GUID' "${add[@]}" ipport=0.0.0.0:1 certhash="$T" appid=1234
p87 "certhash not hex" '^certhash: ' "${add[@]}" ipport=0.0.0.0:1 certhash=XYZ123456789 appid="$APP1"
p87 "unknown store" '^certstorename: unknown store' "${add[@]}" ipport=0.0.0.0:1 "${good[@]}" certstorename=Bogus
p87 "client certificates" '^clientcertnegotiation: client certificates are not supported' \
    "${add[@]}" ipport=0.0.0.0:1 "${good[@]}" clientcertnegotiation=enable
p87 "unknown parameter" "^verifyclientcertrevocation: unknown parameter for 'add sslcert'" \
    "${add[@]}" ipport=0.0.0.0:1 "${good[@]}" verifyclientcertrevocation=enable
p87 "central certificate store" '^ccs: the Central Certificate Store is not supported' \
    "${add[@]}" ccs=443 "${good[@]}"
p87 "parameter twice" '^appid: given twice' "${add[@]}" ipport=0.0.0.0:1 "${good[@]}" appid="$APP2"
p87 "not key=value" "^parameter 'ipport' is not key=value" "${add[@]}" ipport "${good[@]}"
p87 "url without port" '^url: the port is missing' add urlacl url=https://+/x/ user=nobody
p87 "url scheme" '^url: the scheme must be http or https' add urlacl url=ftp://+:21/ user=nobody
p87 "url %-encoding" '^url: the path has a character that is not allowed' add urlacl url=https://+:1/a%20b/ user=nobody
p87 "url port wildcard" '^url: the port must be a decimal' add urlacl url='https://+:*/' user=nobody
p87 "no url" '^url: required parameter is missing' add urlacl user=nobody
p87 "no user" '^user: required parameter is missing' add urlacl url=https://+:1/
p87 "unknown user" "^user: there is no Unix user named 'no-such-user-h2'" add urlacl url=https://+:1/ user=no-such-user-h2
p87 "sddl" '^sddl: Windows security descriptors are not used here' add urlacl url=https://+:1/ 'sddl=D:(A;;GX;;;WD)'
p87 "listen=no" '^listen: only listen=yes is supported' add urlacl url=https://+:1/ user=nobody listen=no
p87 "unknown command" "^unknown command 'frobnicate'" frobnicate sslcert
p87 "unknown object" "^'add' 'cache'|^'add cache' is not a command" add cache
p87 "verb alone" '^show: name what to show' show

# 5 access denied: a user who may not write the machine-wide store.
chmod 755 "$TMP" "$ROOT" "$ROOT/http"
chmod 644 "$ROOT/http/bindings.db"
expect_fail "5: nobody cannot delete a binding" 5 'Access is denied\.' \
    runuser -u nobody -- "$(command -v httpcfg)" delete sslcert ipport=0.0.0.0:8443
expect_fail "5: sentence says what and how" 5 'permission denied; run as root' \
    runuser -u nobody -- "$(command -v httpcfg)" add urlacl url=https://+:2/ user=nobody
out=$(runuser -u nobody -- "$(command -v httpcfg)" show urlacl 2>&1)
expect_match "nobody can still read the store" "$out" 'https://\+:8443/ReportServer/'
out=$(runuser -u nobody -- "$(command -v httpcfg)" show sslcert 2>&1)
expect_match "nobody sees the binding" "$out" 'IP:port +: 0\.0\.0\.0:8443'
expect_match "an unreadable certificate store is not called an orphan" "$out" \
    'Certificate +: unknown \(cannot read the certificate store: '
expect_no_match "no false MISSING" "$out" 'MISSING'

# Exit statuses come from the error table (sysexits).
httpcfg delete sslcert ipport=0.0.0.0:9999 >/dev/null 2>&1
expect_eq "exit status of not found" $? 66
httpcfg add sslcert ipport=0.0.0.0:1 appid=1 >/dev/null 2>&1
expect_eq "exit status of a bad parameter" $? 64
httpcfg add sslcert ipport=0.0.0.0:8443 "${good[@]}" >/dev/null 2>&1
expect_eq "exit status of exists" $? 73
out=$(httpcfg show sslcert)
expect_eq "one binding after all that" "$(grep -c 'Certificate Hash' <<<"$out")" 1
done_testing
