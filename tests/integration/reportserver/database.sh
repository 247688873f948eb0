#!/usr/bin/env bash
# rsconfig database create|show|upgrade and the report server's answers to
# a database that is missing, older than the server, or corrupt.  The
# report server runs with --no-register and is asked over its own Unix
# socket with curl.  Bad input changes nothing; no password is printed.
. "$(dirname "$0")/../lib.sh"

SOCK=$ROOT/run/reportserver/reportserver.sock
ask() {	# ask PATH: body and status of a request as admin, as httpsvc
	# forwards one that came over TLS (credentials over plain HTTP are
	# refused at SecureConnectionLevel 1)
	curl -s --max-time 20 --unix-socket "$SOCK" -u 'admin:pw one' \
	    -H 'X-Forwarded-Proto: https' -w '\n%{http_code}' \
	    "http://localhost$1"
}

out=$(rsconfig database show 2>&1)
rc=$?
expect_eq "show without a config: exit 66" "$rc" 66
expect_match "... and it names the command to run" "$out" \
    "run 'rsconfig database create --admin-user NAME --admin-password-stdin'"

out=$(echo pw | rsconfig database create --admin-password-stdin 2>&1)
expect_eq "create without --admin-user: usage (64)" "$?" 64
out=$(echo pw | rsconfig database create --admin-user a --sqlite x \
    --postgres y --admin-password-stdin 2>&1)
expect_eq "--sqlite and --postgres together: usage (64)" "$?" 64
out=$(rsconfig database create --admin-user a 2>&1)
expect_eq "no password source: usage (64)" "$?" 64
out=$(echo | rsconfig database create --admin-user a \
    --admin-password-stdin 2>&1)
expect_match "an empty password is refused" "$out" "password must be 1 to"
out=$(echo pw | rsconfig database create --admin-user 'a/b' \
    --admin-password-stdin 2>&1)
expect_match "a bad administrator name is refused" "$out" \
    "bad administrator name"
out=$(echo pw | rsconfig database create --admin-user a --postgres \
    'host=127.0.0.1 port=1 password=hunter2 connect_timeout=2' \
    --admin-password-stdin 2>&1)
expect_match "an unreachable PostgreSQL server is named" "$out" \
    "cannot connect to the PostgreSQL server"
expect_no_match "... without its password" "$out" hunter2
check "failed creates left nothing behind" test ! -e "$ROOT/reportserver"

DB=$ROOT/data/catalog.db
mkdir -p "$ROOT/data"	# a --sqlite folder must exist (no folder from a typo)
out=$(printf 'pw one\n' | rsconfig --json database create --admin-user admin \
    --sqlite "$DB" --admin-password-stdin)
expect_match "create --sqlite PATH --json" "$out" \
    '"DatabaseType":"SQLite","Database":"[^"]*/data/catalog.db"'
expect_match "... wrote the configuration" "$out" \
    '"ConfigurationWritten":true'
expect_eq "the database file is 0600" "$(stat -c %a "$DB")" 600
expect_eq "the config file is 0600" \
    "$(stat -c %a "$ROOT/reportserver/rsreportserver.config")" 600
expect_match "the config names the database in <Dsn>" \
    "$(cat "$ROOT/reportserver/rsreportserver.config")" \
    "<Dsn>$DB</Dsn>"
out=$(rsconfig --json database show)
# The schema version this build expects (other checks compare with it).
V=$(printf '%s' "$out" |
    sed -n 's/.*"ExpectedSchemaVersion":\([0-9]*\).*/\1/p')
expect_match "show --json: ready at the current schema version" "$out" \
    "\"Exists\":true,\"SchemaVersion\":$V,\"ExpectedSchemaVersion\":$V"

start_bg "$TMP/rs0.log" reportserver --no-register
wait_for "reportserver with no URL" 20 grep -q "no URLs are reserved" \
    "$TMP/rs0.log"
expect_match "without URL reservations the server starts and says so" \
    "$(cat "$TMP/rs0.log")" "no URLs are reserved.*rsconfig web-service-url"
kill "$BG_PID"
wait "$BG_PID" 2>/dev/null
# The representation rsconfig writes; the server reads it at start.
sed -i 's|<Authentication>|<URLReservations><Application><Name>ReportServerWebService</Name><VirtualDirectory>ReportServer</VirtualDirectory><URLs><URL><UrlString>http://+:1</UrlString><AccountSid>S-1-22-1-0</AccountSid></URL></URLs></Application><Application><Name>ReportServerWebApp</Name><VirtualDirectory>Reports</VirtualDirectory><URLs><URL><UrlString>http://+:1</UrlString><AccountSid>S-1-22-1-0</AccountSid></URL></URLs></Application></URLReservations><Authentication>|' \
    "$ROOT/reportserver/rsreportserver.config"

# An older database: version 1 had no execution log (version 2), no SOAP
# executions, bindings and properties (version 4), no schedules,
# subscriptions or job queue (version 5).
sqlite3 "$DB" 'DROP TABLE execution_log; DROP TABLE executions;
    DROP TABLE item_datasources; DROP TABLE item_properties;
    DROP TABLE report_data; DROP TABLE jobs; DROP TABLE item_exec;
    DROP TABLE cache_plans; DROP TABLE subscriptions; DROP TABLE schedules;
    PRAGMA user_version = 1;'
out=$(rsconfig database show)
expect_match "show names an older schema" "$out" \
    "needs upgrade"
start_bg "$TMP/rs.log" reportserver --no-register
wait_for "reportserver socket" 20 test -S "$SOCK"
out=$(ask /ReportServer/)
expect_match "an older database: rsReportServerDatabaseUnavailable" \
    "$out" "rsReportServerDatabaseUnavailable"
expect_eq "... with status 503" "${out##*$'\n'}" 503
expect_match "... naming 'rsconfig database upgrade'" "$out" \
    "rsconfig database upgrade"
out=$(rsconfig database upgrade)
expect_match "upgrade reports the versions" "$out" \
    "upgraded from schema version 1 to $V"
check "the execution log table is back" sqlite3 "$DB" \
    'SELECT count(*) FROM execution_log'
sleep 1.1	# the server retries the database at most once a second
out=$(ask /ReportServer/)
expect_eq "after the upgrade the running server answers (200)" \
    "${out##*$'\n'}" 200
out=$(rsconfig database upgrade)
expect_match "a second upgrade has nothing to do" "$out" \
    "already at schema version $V"

# A corrupt database: the server says so; nothing pretends to work.
kill "$BG_PID" 2>/dev/null
wait_for "reportserver stopped" 20 test ! -S "$SOCK"
cp "$DB" "$TMP/good.db"
printf 'this is not a database at all, just junk bytes!!' |
    dd of="$DB" conv=notrunc bs=1 seek=0 2>/dev/null
out=$(rsconfig database show 2>&1)
expect_match "show names a corrupt database" "$out" "not a database"
start_bg "$TMP/rs2.log" reportserver --no-register
wait_for "reportserver socket" 20 test -S "$SOCK"
out=$(ask /Reports/api/v2.0/CatalogItems)
expect_match "a corrupt database: the reason as JSON" "$out" \
    '"code":"rsReportServerDatabaseUnavailable".*not a database'
expect_eq "... with status 503" "${out##*$'\n'}" 503
out=$(printf 'pw\n' | rsconfig database create --admin-user admin \
    --admin-password-stdin 2>&1)
expect_match "create refuses to overwrite an existing file" "$out" \
    "not a database"
expect_eq "... and leaves it as it was" \
    "$(head -c 20 "$DB")" "this is not a databa"
out=$(reportserver -t)
expect_eq "reportserver -t accepts the configuration" "$out" \
    "configuration OK"
done_testing
