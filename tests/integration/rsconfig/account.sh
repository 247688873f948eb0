#!/usr/bin/env bash
# The report server runs as its service account: rsconfig (as root) starts
# it as the account its URLs are reserved for, with no capabilities, after
# making what it needs its own or readable for it.  Through httpsvc over
# TLS the portal and the web service answer, a built-in and a PAM account
# sign in, rsconfig stop stops it; the config and the database are not
# readable by others.  A start the account cannot complete (a folder above
# the root it cannot pass, a database it cannot read) fails with a message
# naming the path and the fix, and changes nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"

if [ "$(id -u)" != 0 ]; then
	ok "# SKIP the service account needs root (useradd, setuid)"
	done_testing
fi
stage_for_others || exit 1	# the account runs bin/reportserver
suffix=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
ACCT=rssvc$suffix
PAMU=rspam$suffix
PAMPW="Pw-$suffix-$RANDOM"
users_cleanup() {
	userdel -f "$ACCT" >/dev/null 2>&1 || true
	userdel -f "$PAMU" >/dev/null 2>&1 || true
	getent group "$ACCT" >/dev/null && groupdel "$ACCT" >/dev/null 2>&1
	true
}
trap 'rs_cleanup; users_cleanup; _cleanup' EXIT
check "useradd a service account" useradd --system --no-create-home \
    --shell /usr/sbin/nologin "$ACCT"
check "useradd a PAM account" useradd -M -s /usr/sbin/nologin "$PAMU"
printf '%s:%s\n' "$PAMU" "$PAMPW" | chpasswd
UID_A=$(id -u "$ACCT")
GID_A=$(id -g "$ACCT")

HP=$(free_port)
SP=$(free_port)
make_db
start_httpsvc
T=$(newcert localhost)
certstore export "$T" --cert "$TMP/root.pem" >/dev/null
check "HTTP and HTTPS URLs" rsconfig web-service-url --port "$HP" \
    --https-cert "$T" --https-port "$SP" --apply
check "the portal over HTTPS" rsconfig web-portal-url add-identity --https \
    --cert "$T" --port "$SP"
out=$(rsconfig service-account "$ACCT" 2>&1)
expect_match "service-account re-reserves the URLs for it" "$out" \
    "reserved for $ACCT"

# state_digest: owners, modes and contents under the root (not the log).
state_digest() {
	{
		find "$TMP" -path "$ROOT/log" -prune -o \
		    -printf '%p %u %g %m\n' | sort
		cat "$ROOT/reportserver/rsreportserver.config"
	} | sha256sum
}

# 1. A folder above the root the account cannot pass: refused, no change.
chmod 0700 "$TMP"
before=$(state_digest)
out=$(rsconfig start 2>&1)
rc=$?
expect_eq "a root the account cannot reach: start fails (1)" "$rc" 1
expect_match "... naming the folder and the fix" "$out" \
    "account $ACCT cannot pass through the folder $TMP .*chmod o\+x $TMP"
expect_eq "... and changes nothing" "$(state_digest)" "$before"
check "... no report server runs" test ! -e "$ROOT/run/reportserver.pid"
chmod 0711 "$TMP"

# A report server binary the account cannot run: refused, no change.
mkdir -m 0700 "$TMP/closed"
cp "$(command -v reportserver)" "$TMP/closed/reportserver"
before=$(state_digest)
out=$(RS_REPORTSERVER_BIN=$TMP/closed/reportserver rsconfig start 2>&1)
expect_match "a binary the account cannot run: refused, with the fix" "$out" \
    "cannot run $TMP/closed/reportserver: Permission denied; the account $ACCT must be able to run it"
expect_eq "... and nothing changed" "$(state_digest)" "$before"
rm -rf "$TMP/closed"

# 2. The start: the account, no capabilities.
out=$(rsconfig start 2>&1)
expect_match "rsconfig start runs it as the account" "$out" \
    "report server started \(pid [0-9]+\); 3 URLs registered with httpsvc; running as $ACCT"
pid=$(cat "$ROOT/run/reportserver.pid" 2>/dev/null)
st=$(cat "/proc/$pid/status" 2>/dev/null)
expect_match "/proc/PID/status: Uid is the account's (real, effective, saved, fs)" \
    "$st" "^Uid:"$'\t'"$UID_A"$'\t'"$UID_A"$'\t'"$UID_A"$'\t'"$UID_A\$"
expect_match "... Gid is its group's" "$st" \
    "^Gid:"$'\t'"$GID_A"$'\t'"$GID_A"$'\t'"$GID_A"$'\t'"$GID_A\$"
expect_match "... CapEff is 0" "$st" "^CapEff:"$'\t'"0000000000000000\$"
expect_match "... CapPrm is 0" "$st" "^CapPrm:"$'\t'"0000000000000000\$"
expect_no_match "... no supplementary group 0" "$st" "^Groups:.*[[:space:]]0([[:space:]]|\$)"
expect_match "rsconfig status --json: RunsAs the account" \
    "$(rsconfig status --json)" "\"ServiceAccount\":\"$ACCT\",\"RunsAs\":\"$ACCT\""
expect_eq "its socket is its own" \
    "$(stat -c %U "$ROOT/run/reportserver/reportserver.sock")" "$ACCT"

bpid=$(pgrep -f -- "--root $ROOT --pam-broker" | head -n 1)
expect_match "the PAM broker runs as root next to it" \
    "$(cat "/proc/$bpid/status" 2>/dev/null)" "^Uid:"$'\t'"0"$'\t'

# 3. Through httpsvc over TLS.
get() {	# get PATH [USER:PW]: status code over HTTPS
	curl -s --max-time 20 --cacert "$TMP/root.pem" -o "$TMP/body" \
	    -w '%{http_code}' --resolve "localhost:$SP:127.0.0.1" \
	    ${2:+-u "$2"} "https://localhost:$SP$1"
}
expect_eq "the web service: 200 for admin over HTTPS" \
    "$(get /ReportServer/ "admin:$PW")" 200
expect_eq "the portal: 200 for admin over HTTPS" \
    "$(get /Reports/browse/ "admin:$PW")" 200
expect_eq "a wrong password: 401" "$(get /ReportServer/ "admin:wrong")" 401
# Why the broker: as the account, pam_unix's helper checks only its own.
printf '%s\0' "$PAMPW" | setpriv --reuid "$ACCT" --regid "$GID_A" \
    --init-groups /sbin/unix_chkpwd "$PAMU" nullok >/dev/null 2>&1
rc=$?
check "(unix_chkpwd run as the account refuses another user's password)" \
    test "$rc" -ne 0
expect_eq "a PAM account signs in (through the broker)" \
    "$(get /Reports/api/v2.0/Me "$PAMU:$PAMPW")" 200
expect_match "... as itself" "$(cat "$TMP/body")" "\"Username\":\"$PAMU\""
expect_eq "... and not with a wrong password" \
    "$(get /Reports/api/v2.0/Me "$PAMU:nope")" 401

# 4. Secrets: not readable by others, the config not writable by it.
cfg=$ROOT/reportserver/rsreportserver.config
db=$ROOT/reportserver/ReportServer.db
expect_eq "the config: root:$ACCT 0640" "$(stat -c '%U:%G %a' "$cfg")" \
    "root:$ACCT 640"
expect_eq "the database: $ACCT 0600" "$(stat -c '%U %a' "$db")" "$ACCT 600"
expect_eq "their folder: root:$ACCT 1770 (WAL; the config cannot be replaced)" \
    "$(stat -c '%U:%G %a' "$ROOT/reportserver")" "root:$ACCT 1770"
key=$ROOT/reportserver/keys/symmetric.key
expect_eq "the installation key: $ACCT 0600 in root:$ACCT 0750 (the server decrypts stored secrets)" \
    "$(stat -c '%U %a' "$key") $(stat -c '%U:%G %a' "$ROOT/reportserver/keys")" \
    "$ACCT 600 root:$ACCT 750"
if setpriv --reuid "$ACCT" --regid "$GID_A" --init-groups \
    sh -c "cat '$key' >/dev/null" 2>/dev/null; then
	ok "the account reads the key"
else
	not_ok "the account reads the key" "$(ls -l "$key")"
fi
check_fails "nobody else reads the key" setpriv --reuid nobody --regid nogroup \
    --clear-groups sh -c "cat '$key' >/dev/null"
check_fails "the account cannot write the config" \
    setpriv --reuid "$ACCT" --regid "$GID_A" --init-groups \
    sh -c ": >>'$cfg'"
check_fails "... nor replace it" setpriv --reuid "$ACCT" --regid "$GID_A" \
    --init-groups sh -c "echo x >'$cfg.new' && mv -f '$cfg.new' '$cfg'"
rm -f "$cfg.new"
check_fails "nobody reads the config" setpriv --reuid nobody --regid nogroup \
    --clear-groups cat "$cfg"
check_fails "nobody reads the database" setpriv --reuid nobody \
    --regid nogroup --clear-groups cat "$db"

# 5. Stop; a second start is idempotent.
out=$(rsconfig stop 2>&1)
expect_match "rsconfig stop" "$out" "report server stopped \(pid $pid\)"
gone() {	# gone PID: no such process, or a zombie nobody reaped yet
	! [ -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status"
}
check "... it is gone" gone "$pid"
check "... and so is the PAM broker" gone "$bpid"
expect_match "start again" "$(rsconfig start 2>&1)" "running as $ACCT"
check "stop again" rsconfig stop

# 6. A link the account planted where its files are: never followed.
check "the account can plant a link in its database folder" \
    setpriv --reuid "$ACCT" --regid "$GID_A" --init-groups \
    ln -s /etc/passwd "$ROOT/reportserver/ReportServer.db-journal"
before=$(state_digest)
out=$(rsconfig start 2>&1)
expect_match "start refuses it, naming it" "$out" \
    "cannot prepare $ROOT/reportserver/ReportServer.db-journal .*symbolic links"
expect_eq "... /etc/passwd stays root's" "$(stat -c %U:%a /etc/passwd)" \
    "root:644"
expect_eq "... and nothing changed" "$(state_digest)" "$before"
rm -f "$ROOT/reportserver/ReportServer.db-journal"
check "the account can replace its database with a link" \
    setpriv --reuid "$ACCT" --regid "$GID_A" --init-groups sh -c \
    "mv '$ROOT/reportserver/ReportServer.db' '$ROOT/reportserver/saved.db' &&
    ln -s '$ROOT/http/bindings.db' '$ROOT/reportserver/ReportServer.db'"
before=$(sha256sum <"$ROOT/http/bindings.db")
out=$(rsconfig database upgrade 2>&1)
expect_match "rsconfig (root) refuses a catalog that is a link" "$out" \
    "cannot use the report server database .*: it is a symbolic link"
expect_eq "... and leaves what it points to alone" \
    "$(sha256sum <"$ROOT/http/bindings.db")" "$before"
rm -f "$ROOT/reportserver/ReportServer.db"
mv "$ROOT/reportserver/saved.db" "$ROOT/reportserver/ReportServer.db"

# 7. A database the account cannot read: refused, no change.
mkdir -m 0700 "$TMP/private"
out=$(printf '%s\n' "$PW" | rsconfig database create --admin-user admin \
    --sqlite "$TMP/private/cat.db" --admin-password-stdin 2>&1)
expect_match "a database in a folder of root's" "$out" "created"
before=$(state_digest)
out=$(rsconfig start 2>&1)
rc=$?
expect_eq "a database the account cannot read: start fails (1)" "$rc" 1
expect_match "... naming the database and the fix" "$out" \
    "account $ACCT cannot read and write the report server database $TMP/private/cat.db .*chown $ACCT: $TMP/private"
expect_eq "... and changes nothing" "$(state_digest)" "$before"
check "... no report server runs" test ! -e "$ROOT/run/reportserver.pid"
chown -R "$ACCT:" "$TMP/private"
expect_match "with the fix it starts" "$(rsconfig start 2>&1)" \
    "running as $ACCT"
check "and stops" rsconfig stop

# 8. Root as the account: it starts, with a plain warning; changing the
# account while it runs restarts it as the new one.
check "service-account root" rsconfig service-account root
expect_match "as root: a warning" "$(rsconfig start 2>&1)" \
    "warning: it runs as root; give it an account of its own"
expect_match "... and rsconfig status says so" "$(rsconfig status)" \
    "Service account: +root \(the report server runs as root: give it an account"
out=$(rsconfig service-account "$ACCT" 2>&1)
expect_match "service-account while it runs: restarted as the account" \
    "$out" "report server \(pid [0-9]+\) restarted to take the change: .*running as $ACCT"
pid=$(cat "$ROOT/run/reportserver.pid" 2>/dev/null)
expect_match "... and /proc/PID/status says so" \
    "$(cat "/proc/$pid/status" 2>/dev/null)" "^Uid:"$'\t'"$UID_A"$'\t'
check "stop" rsconfig stop

# 9. A recorded account that no longer exists: refused, never root.
userdel -f "$ACCT"
out=$(rsconfig start 2>&1)
expect_match "an account that is gone: refused" "$out" \
    "cannot start the report server as $ACCT: there is no such Unix user"
check "... no report server runs" test ! -e "$ROOT/run/reportserver.pid"
done_testing
