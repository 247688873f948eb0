#!/usr/bin/env bash
# The report server's log when rsconfig starts it (src/rsmgmt/logfile.c):
# a log over 10 MiB is rotated at start (reportserver.log.1 ... .5, the
# oldest dropped), a small one is kept; under the systemd unit
# (RS_SYSTEMD_UNIT) the output goes to rsconfig's standard error, the
# journal, and the file does not grow; the logrotate entry copies and
# truncates.
. "$(dirname "$0")/../lib.sh"
log=$ROOT/log/reportserver.log
printf 'Adm1n-pass\n' >"$TMP/pw"
check "database create" rsconfig database create --admin-user admin \
    --admin-password-file "$TMP/pw"
mkdir -p "$ROOT/log"
head -c $((11 * 1024 * 1024)) /dev/zero | tr '\0' 'x' >"$log"
for i in 1 2 3 4 5; do echo "old $i" >"$log.$i"; done
check "rsconfig start" rsconfig start
expect_eq "the 11 MiB log became reportserver.log.1" \
    "$(stat -c %s "$log.1")" $((11 * 1024 * 1024))
expect_eq "the old .1 is .2 now" "$(cat "$log.2")" "old 1"
expect_eq "the old .4 is .5 now, the old .5 is gone" "$(cat "$log.5")" "old 4"
if [ -e "$log.6" ]; then not_ok "no .6"; else ok "no .6"; fi
expect_match "the new log has this start's lines" "$(cat "$log")" \
    "reportserver"
check "rsconfig stop" rsconfig stop
size=$(stat -c %s "$log")
check "rsconfig start again" rsconfig start
expect_eq "a small log is kept (no rotation)" "$(cat "$log.2")" "old 1"
grown=$(stat -c %s "$log")
if [ "$grown" -gt "$size" ]; then ok "and it grows"; else
	not_ok "and it grows" "$size -> $grown"; fi
check "rsconfig stop" rsconfig stop

size=$(stat -c %s "$log")
RS_SYSTEMD_UNIT=reportserver.service rsconfig start >"$TMP/out" \
    2>"$TMP/journal"
expect_eq "the unit's start command succeeds" "$?" 0
sleep 0.5
expect_match "under the unit the report server logs to the journal" \
    "$(cat "$TMP/journal")" "reportserver"
expect_eq "and not to the file" "$(stat -c %s "$log")" "$size"
check "rsconfig stop" rsconfig stop
lr=$RS_SRC/dist/logrotate/reportserver.in
expect_match "logrotate: copytruncate, capped" "$(cat "$lr")" \
    "copytruncate"
expect_match "logrotate: the state root's logs" "$(cat "$lr")" \
    "^@STATEDIR@/log/\*\.log \{"
done_testing
