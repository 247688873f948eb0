#!/usr/bin/env bash
# Errors that say what is wrong: a mistyped page, command or option names
# the nearest one (and the pages); verify --cafile with a file that is not
# there or holds no certificate fails naming it; database create refuses a
# --sqlite path in a folder that does not exist and makes no folder; the
# HTTPS certificate list and the status page work before the database or
# rsreportserver.config exist.  (tests/integration/rsconfig/hints.py runs
# every hint these messages give.)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
trap 'rs_cleanup; _cleanup' EXIT

# Before anything exists: the certificate list and the status page.
out=$(rsconfig certificates 2>&1)
expect_eq "certificates before any config: exit 0" "$?" 0
expect_match "... says there are none and how to make one" "$out" \
    "none: make one with 'certstore new-self-signed --dns NAME'"
T=$(newcert localhost)
out=$(rsconfig certificates 2>&1)
expect_match "... and lists a new one, read live" "$out" "$T"
expect_eq "the list made no config" \
    "$(test -e "$ROOT/reportserver/rsreportserver.config" && echo yes)" ""
out=$(rsconfig status 2>&1)
expect_match "status before any config shows the database as missing" \
    "$out" "Database: +MISSING: .*'rsconfig database create --admin-user NAME"
out=$(rsconfig start 2>&1)
expect_match "start before any config says what to do" "$out" \
    "does not exist yet; create the database"

# Mistyped pages, commands and options.
out=$(rsconfig web-servce-url --apply 2>&1)
expect_eq "a mistyped page: exit 64" "$?" 64
expect_match "... names the nearest page" "$out" \
    "unknown page 'web-servce-url'; did you mean 'web-service-url'\?"
expect_match "... and lists the pages" "$out" "rsconfig certificates"
expect_match "... all of them" "$out" "rsconfig database show"
out=$(rsconfig datbase show 2>&1)
expect_match "'database' is a page too" "$out" "did you mean 'database'\?"
out=$(rsconfig database craete --admin-user a 2>&1)
expect_match "a mistyped database command" "$out" \
    "unknown database command 'craete'; did you mean 'create'\?"
out=$(rsconfig web-service-url --https-crt "$T" 2>&1)
expect_eq "a mistyped option: exit 64" "$?" 64
expect_match "... names the nearest option" "$out" \
    "unknown option --https-crt; did you mean '--https-cert'\?"
expect_match "... and the page's usage" "$out" \
    "usage: rsconfig web-service-url \[--vdir NAME\]"
out=$(rsconfig web-portal-url add-identiy --http --port 1 2>&1)
expect_match "a mistyped identity command" "$out" \
    "did you mean 'add-identity'\?"
out=$(rsconfig database create --admin-usr a 2>&1)
expect_match "a mistyped database option" "$out" \
    "unknown option --admin-usr for database; did you mean '--admin-user'\?"
out=$(rsconfig zzzz 2>&1)
expect_no_match "no suggestion when nothing is near" "$out" "did you mean"

# database create: a folder that does not exist is not made.
printf 'pw-errors-1\n' >"$TMP/pw"
out=$(rsconfig database create --sqlite "$TMP/no/such/x.db" \
    --admin-user admin --admin-password-file "$TMP/pw" 2>&1)
rc=$?
expect_eq "database create in a missing folder: refused (66)" "$rc" 66
expect_match "... naming the folder and the fix" "$out" \
    "the folder $TMP/no/such does not exist; create it first \('mkdir -p $TMP/no/such'\)"
expect_eq "... and no folder was made" "$(test -e "$TMP/no" && echo made)" ""
expect_eq "... nor a config" \
    "$(test -e "$ROOT/reportserver/rsreportserver.config" && echo yes)" ""
make_db
check "the default place works" test -f "$ROOT/reportserver/ReportServer.db"

# verify --cafile.
start_httpsvc
SP=$(free_port)
check "an HTTPS URL" rsconfig web-service-url --port "$(free_port)" \
    --https-cert "$T" --https-port "$SP" --apply
out=$(rsconfig verify "https://localhost:$SP/ReportServer" \
    --cafile "$TMP/missing.pem" 2>&1)
rc=$?
expect_eq "verify --cafile MISSING fails (66)" "$rc" 66
expect_match "... naming the file" "$out" \
    "cannot use --cafile $TMP/missing.pem: .*No such file or directory"
printf 'not a certificate\n' >"$TMP/junk.pem"
out=$(rsconfig verify "https://localhost:$SP/ReportServer" \
    --cafile "$TMP/junk.pem" 2>&1)
expect_eq "verify --cafile with no certificate in it fails (65)" "$?" 65
expect_match "... saying so" "$out" "holds no PEM certificate"
certstore export "$T" --cert "$TMP/ca.pem" >/dev/null
out=$(rsconfig verify "https://localhost:$SP/ReportServer" \
    --cafile "$TMP/ca.pem" 2>&1)
expect_match "a good --cafile is used" "$out" "Trusted: +yes"
done_testing
