#!/usr/bin/env bash
# httpcfg round trips with the real certstore: add, show (text and --json),
# update and delete SSL bindings for IPv4, IPv6 and host names; URL ACLs;
# thumbprints typed in any form; orphan bindings (certificate gone).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures.bash"

T1=$(mkcert a.test)
T2=$(mkcert b.test)
expect_match "certstore made two certificates" "$T1 $T2" \
    '^[0-9A-F]{40} [0-9A-F]{40}$'

out=$(httpcfg add sslcert ipport=0.0.0.0:8443 certhash="$T1" appid="$APP1" 2>&1)
expect_match "add sslcert ipport" "$out" '^SSL Certificate successfully added$'
out=$(httpcfg show sslcert ipport=0.0.0.0:8443)
expect_match "show: IP:port" "$out" '^    IP:port +: 0\.0\.0\.0:8443$'
expect_match "show: hash" "$out" "^    Certificate Hash +: $T1\$"
expect_match "show: appid" "$out" '^    Application ID +: \{4dc3e181-e14b-4a21-b022-59fc669b0914\}$'
expect_match "show: store" "$out" '^    Certificate Store Name +: My$'
expect_match "show: certificate subject" "$out" '^    Certificate +: CN=a\.test, expires'

# A thumbprint pasted from a dialog: lower case, spaces, colons; a prefix.
typed=$(printf '%s' "$T2" | tr 'A-F' 'a-f' | sed 's/\(..\)/\1 /g')
check "add sslcert [::1] with a pasted thumbprint" \
    httpcfg add sslcert 'ipport=[0::1]:8443' certhash="$typed" appid="$APP2"
check "add sslcert with an 8-digit prefix and certstorename=MY" \
    httpcfg add sslcert hostnameport=WWW.Example.com:8443 \
    certhash="${T1:0:8}" appid="$APP1" certstorename=MY
out=$(httpcfg show sslcert)
expect_match "IPv6 endpoint in canonical form" "$out" '^    IP:port +: \[::1\]:8443$'
expect_match "pasted thumbprint stored canonical" "$out" "^    Certificate Hash +: $T2\$"
expect_match "host name lowercased" "$out" '^    Hostname:port +: www\.example\.com:8443$'
expect_eq "three bindings listed" "$(printf '%s\n' "$out" | grep -c 'Certificate Hash')" 3

json=$(httpcfg show sslcert --json)
check "show sslcert --json is JSON" python3 -m json.tool <<<"$json"
got=$(python3 -c '
import json, sys
d = json.load(sys.stdin)["sslcert"]
print(" ".join("%s=%s/%s/%s/%s" % (b["endpoint"], b["certhash"][:6], b["kind"],
    b["orphan"], b["certificate"]["has_key"]) for b in d))' <<<"$json")
expect_eq "--json content" "$got" \
    "0.0.0.0:8443=${T1:0:6}/ipport/False/True [::1]:8443=${T2:0:6}/ipport/False/True www.example.com:8443=${T1:0:6}/hostnameport/False/True"

out=$(httpcfg update sslcert ipport=0.0.0.0:8443 certhash="$T2" appid="$APP1" 2>&1)
expect_match "update sslcert" "$out" 'SSL Certificate successfully updated'
out=$(httpcfg show sslcert ipport=0.0.0.0:8443)
expect_match "update replaced the certificate" "$out" "Certificate Hash +: $T2\$"

out=$(httpcfg delete sslcert 'ipport=[::1]:8443' 2>&1)
expect_match "delete sslcert" "$out" '^SSL Certificate successfully deleted$'
check_fails "deleted binding is gone" httpcfg show sslcert 'ipport=[::1]:8443'
expect_eq "two bindings left" \
    "$(httpcfg show sslcert | grep -c 'Certificate Hash')" 2

# URL ACLs
out=$(httpcfg add urlacl url=https://+:8443/ReportServer user=nobody 2>&1)
expect_match "add urlacl" "$out" '^URL reservation successfully added$'
check "add urlacl weak wildcard" httpcfg add urlacl url=http://*:8080/ user=root
out=$(httpcfg show urlacl)
expect_match "show urlacl: canonical prefix" "$out" \
    '^    Reserved URL +: https://\+:8443/ReportServer/$'
expect_match "show urlacl: user" "$out" '^        User: nobody$'
out=$(httpcfg show urlacl url=HTTPS://+:8443/reportserver)
expect_match "show urlacl url= in another spelling" "$out" 'ReportServer/'
json=$(httpcfg show urlacl --json)
got=$(python3 -c '
import json, sys
print(" ".join("%s:%s:%s" % (a["url"], a["user"], a["uid"])
    for a in json.load(sys.stdin)["urlacl"]))' <<<"$json")
expect_eq "show urlacl --json" "$got" \
    "http://*:8080/:root:0 https://+:8443/ReportServer/:nobody:$(id -u nobody)"
check "delete urlacl in another spelling" \
    httpcfg delete urlacl url=https://+:8443/REPORTSERVER/
expect_eq "one reservation left" "$(httpcfg show urlacl | grep -c 'Reserved URL')" 1

# Orphan: the certificate leaves the store while a binding uses it.
T3=$(mkcert orphan.test)
check "bind the soon-orphaned certificate" \
    httpcfg add sslcert ipport=127.0.0.1:9443 certhash="$T3" appid="$APP1"
check "certstore remove --force a bound certificate" certstore remove --force "$T3"
check_fails "certificate is gone from the store" certstore show "$T3"
out=$(httpcfg show sslcert ipport=127.0.0.1:9443)
expect_match "show marks the orphan" "$out" \
    'Certificate +: MISSING from store My \(orphan binding; remove it with: httpcfg delete sslcert ipport=127\.0\.0\.1:9443\)'
got=$(httpcfg show sslcert --json ipport=127.0.0.1:9443 |
    python3 -c 'import json,sys; b=json.load(sys.stdin)["sslcert"][0]; print(b["orphan"], b["certificate"])')
expect_eq "--json marks the orphan" "$got" "True None"
out=$(httpcfg delete sslcert ipport=127.0.0.1:9443 2>&1)
expect_match "delete sslcert removes the orphan" "$out" 'successfully deleted'

# The state root: --root beats RS_ROOT.
other="$TMP/other"
mkdir -p "$other"
check "--root on an empty root" httpcfg --root "$other" show sslcert
expect_eq "--root sees no bindings" \
    "$(httpcfg --root "$other" show sslcert --json)" '{"sslcert":[]}'
expect_eq "RS_ROOT sees ours" \
    "$(httpcfg show sslcert --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["sslcert"]))')" 2
out=$(httpcfg --help)
expect_match "--help lists the commands" "$out" 'httpcfg add sslcert ipport=IP:PORT'
done_testing
