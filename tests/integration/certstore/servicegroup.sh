#!/usr/bin/env bash
# httpsvc's service group (issue 18: no CAP_DAC_OVERRIDE after the drop).
# Started as root with --user SVC, httpsvc grants the stores to SVC's
# group before it drops root, the way SSRS's documentation has Windows
# admins grant the service account read on the private key: the keys of
# My root:SVC 0640 (a CA's key stays root's 0600), the folders 0750 (My
# setgid, so keys written later take the group), the binding store
# group-writable.  certstore and httpsvc -t accept exactly that group mode
# and refuse a world-readable key or another group's, with a command that
# fixes it (run here as written).  When SVC cannot even pass through the
# folders above the state root, httpsvc keeps CAP_DAC_OVERRIDE and says
# which folder to open; after that command it drops it.
. "$(dirname "$0")/../lib.sh"
. "$RS_SRC/tests/integration/httpsvc/helpers.bash"
cd "$TMP"
SVC=rssg$$
useradd --system --no-create-home --shell /usr/sbin/nologin "$SVC" || exit 1
trap '_cleanup; userdel "$SVC" 2>/dev/null' EXIT
G=$(id -gn "$SVC")
caps() {	# PID: "Uid CapEff"
	awk '/^Uid:/ { u = $2 } /^CapEff:/ { c = $2 } END { print u, c }' \
	    "/proc/$1/status"
}
svc_start() {
	: >"$TMP/svc.log"
	start_bg "$TMP/svc.log" httpsvc --user "$SVC"
	SVC_PID=$BG_PID
	wait_for "httpsvc ready" 30 grep -q "ready: listening" "$TMP/svc.log"
}

CA=$(certstore new-ca --name "Group Test CA" | tail -n 1)
T=$(certstore issue --ca "$CA" --dns group.test | tail -n 1)
P=$(free_port)
httpcfg add sslcert "ipport=127.0.0.1:$P" "certhash=$T" "appid=$APPID" \
    >/dev/null
My="$ROOT/certstore/My"

# The state root behind a folder SVC cannot pass: CAP_DAC_OVERRIDE kept.
chmod 700 "$TMP"
svc_start
o=$(cat "$TMP/svc.log")
expect_match "unreachable state root: httpsvc says which folder stops its user" \
    "$o" "user $SVC cannot pass through the folder $TMP to the state root $ROOT; keeping CAP_DAC_OVERRIDE .*'chmod o\\+x $TMP'"
expect_eq "... and keeps CAP_DAC_OVERRIDE (and CAP_NET_BIND_SERVICE)" \
    "$(caps "$SVC_PID")" "$(id -u "$SVC") 0000000000000402"
kill "$SVC_PID"; wait "$SVC_PID" 2>/dev/null
hint=$(printf '%s' "$o" | grep -o "'chmod o+x [^']*'" | tr -d "'")
check "the command it names works as written: $hint" sh -c "$hint"

svc_start
expect_eq "reachable: httpsvc runs as $SVC with CAP_NET_BIND_SERVICE only" \
    "$(caps "$SVC_PID")" "$(id -u "$SVC") 0000000000000400"
expect_match "it says it gave its group access to the stores" \
    "$(cat "$TMP/svc.log")" "gave the group of user $SVC read access to [0-9]+ key files and folders of the certificate store and write access to [0-9]+ files of the binding store"
expect_eq "My is root:$G 2750 (setgid)" "$(stat -c '%U:%G %a' "$My")" "root:$G 2750"
expect_eq "the certstore, Root and CA folders are root:$G 750" \
    "$(stat -c '%U:%G %a' "$ROOT/certstore" "$ROOT/certstore/Root" "$ROOT/certstore/CA" | sort -u)" "root:$G 750"
expect_eq "REQUEST stays root's" "$(stat -c '%U:%G %a' "$ROOT/certstore/REQUEST")" "root:root 700"
expect_eq "the server key is root:$G 0640" "$(stat -c '%U:%G %a' "$My/$T.key")" "root:$G 640"
expect_eq "the CA's key stays 0600" "$(stat -c '%a' "$My/$CA.key")" 600
expect_eq "the binding store folder is group-writable (setgid)" \
    "$(stat -c '%U:%G %a' "$ROOT/http")" "root:$G 2775"
expect_eq "the binding store file is group-writable" \
    "$(stat -c '%U:%G %a' "$ROOT/http/bindings.db")" "root:$G 664"
expect_eq "the bound certificate is served" "$(served_cn "$P")" group.test

# Keys written later take the group; httpsvc reloads them as $SVC.
T2=$(certstore issue --ca "$CA" --dns group2.test | tail -n 1)
expect_eq "a new key is root:$G 0640 at once" "$(stat -c '%U:%G %a' "$My/$T2.key")" "root:$G 640"
httpcfg update sslcert "ipport=127.0.0.1:$P" "certhash=$T2" "appid=$APPID" \
    >/dev/null
wait_for "the new certificate is served" 15 sh -c "[ \"\$(echo | timeout 5 openssl s_client -connect 127.0.0.1:$P 2>/dev/null | openssl x509 -noout -subject 2>/dev/null | sed -n 's/.*CN *= *//p')\" = group2.test ]"
check "httpsvc, as $SVC without capabilities, reloads the new key" test $? = 0
o=$(certstore show "$T2" --service-user "$SVC")
expect_match "certstore: the service user can read it and it serves TLS" "$o" 'Serves TLS +yes'
check "httpsvc -t accepts the group key" httpsvc -t

# What is refused, with the command that fixes it.
fix() {	# DESC MODE GROUP REGEX
	chmod "$2" "$My/$T2.key"; chgrp "$3" "$My/$T2.key"
	local o h
	o=$(httpsvc -t 2>&1)
	expect_match "$1: httpsvc -t refuses it" "$o" "$4"
	expect_match "$1: ... so does certstore" "$(certstore show "$T2")" \
	    'Serves TLS +NO: private key file is readable by others or by a group other than the store.s service group'
	h=$(printf '%s' "$o" | grep -o "run [^;]*\$" | head -n 1 | sed 's/^run //')
	check "$1: the command it gives works as written: $h" sh -c "$h"
	check "$1: ... after which httpsvc -t accepts it" httpsvc -t
}
fix "world-readable" 644 "$G" "key file $My/$T2.key has mode 0644; it must be 0640 \\(read by the store's service group $G\\) or 0600; run chmod 640 $My/$T2.key"
fix "another group" 640 nogroup "key file $My/$T2.key has mode 0640 and group nogroup, which is not the store's service group $G; run chown root:$G $My/$T2.key && chmod 640 $My/$T2.key"
expect_eq "the key is back to root:$G 0640" "$(stat -c '%U:%G %a' "$My/$T2.key")" "root:$G 640"
done_testing
