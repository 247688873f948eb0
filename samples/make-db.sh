#!/bin/sh
# samples/make-db.sh OUT.db: builds the sample database (sales by region,
# product and month, 100,000 rows) with the sqlite3 shell.  Deterministic:
# the same file content every time.
set -eu
out=${1:?usage: make-db.sh OUT.db}
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$out" "$out.tmp"
sqlite3 "$out.tmp" <"$here/sales.sql" >/dev/null
mv "$out.tmp" "$out"
