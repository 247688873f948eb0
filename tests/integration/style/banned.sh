#!/usr/bin/env bash
# The functions STYLE.md B12 bans never appear in src/ (a call, not a word in
# a comment): strcpy, strcat, sprintf, vsprintf, gets, atoi, atol, strtok,
# system, popen, and the non-_r time functions.
. "$(dirname "$0")/../lib.sh"
cd "$RS_SRC"
for fn in strcpy strcat sprintf vsprintf gets atoi atol strtok system popen \
    localtime gmtime ctime asctime; do
	hits=$(grep -rnE "(^|[^_a-zA-Z0-9.>])$fn[[:space:]]*\(" src \
	    --include='*.c' --include='*.h' |
	    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)' || true)
	if [ -z "$hits" ]; then ok "no $fn() in src/"; else
		not_ok "no $fn() in src/" "$hits"; fi
done
# Library boundaries (docs/DESIGN.md): only these modules include OpenSSL,
# SQLite or libpq headers.
inc_dirs() {
	grep -rlE "#include <($1)" src --include='*.c' --include='*.h' |
	    sed 's|^src/||; s|/.*||' | sort -u | tr '\n' ' '
}
expect_eq "only certstore, rskey, tls and tlsprobe include OpenSSL" \
    "$(inc_dirs 'openssl/')" "certstore rskey tls tlsprobe "
expect_eq "only binding, catalog and data include SQLite or libpq" \
    "$(inc_dirs 'sqlite3\.h|libpq-fe\.h')" "binding catalog data "
expect_eq "only expr (cultures) and sched (time zones) include ICU" \
    "$(inc_dirs 'unicode/')" "expr sched "
expect_eq "only deliver includes libcurl" "$(inc_dirs 'curl/')" "deliver "
# Source files end with a newline and have no trailing whitespace.
bad=$(grep -rlnE '[[:space:]]+$' src --include='*.c' --include='*.h' || true)
expect_eq "no trailing whitespace in src/" "$bad" ""
done_testing
