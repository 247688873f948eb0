#!/usr/bin/env bash
# bench/render.sh: report rendering against its real peer, in one run.
# A benchmark, not a test: it prints figures, it does not pass or fail.
#
#  1. CSV of a 1,000,000-row plain list (tests/integration/render/
#     big-list.rdl) with bin/rsrender, against the sqlite3 shell's -csv
#     output of the same query on the same database: wall time of each
#     (best of N), the ratio, and rsrender's peak RSS.
#  2. HTML5 and PDF of 10,000 rows of the same list: wall time and peak
#     RSS (/usr/bin/time -v).
#
# usage: bench/render.sh [--reps N] [--rows N]
# env: RS_BENCH_BIN (binaries, default ./bin)
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RS_BENCH_BIN:-$top/bin}
reps=3 rows=1000000
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--rows) rows=$2; shift 2 ;;
	*) echo "usage: bench/render.sh [--reps N] [--rows N]" >&2; exit 64 ;;
	esac
done
tmp=$(mktemp -d /tmp/rs-bench-render.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rdl=$top/tests/integration/render/big-list.rdl
query="SELECT ID, Name, Qty, Price FROM Line"

mkdb() {	# FILE ROWS
	sqlite3 "$1" "CREATE TABLE Line(ID INTEGER PRIMARY KEY, Name TEXT,
	    Qty INTEGER, Price REAL); WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL
	    SELECT n + 1 FROM s WHERE n < $2) INSERT INTO Line SELECT n,
	    'item ' || (n % 977), n % 13, (n % 1000) / 8.0 FROM s;"
}

# measure OUTFILE CMD...: prints "seconds peak_kb" of one run.
measure() {
	local out=$1
	shift
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$out"
	cat "$tmp/time"
}

best() {	# REPS OUT CMD...: the fastest of REPS runs, "seconds peak_kb"
	local n=$1 out=$2 line bestline=""
	shift 2
	for ((i = 0; i < n; i++)); do
		line=$(measure "$out" "$@")
		if [ -z "$bestline" ] || awk -v a="${line%% *}" \
		    -v b="${bestline%% *}" 'BEGIN { exit !(a < b) }'; then
			bestline=$line
		fi
	done
	echo "$bestline"
}

mkdb "$tmp/big.db" "$rows"
mkdb "$tmp/10k.db" 10000
r=$(best "$reps" "$tmp/rs.csv" "$BIN/rsrender" "$rdl" --format CSV \
    --out - --datasource "Big=sqlite:$tmp/big.db")
s=$(best "$reps" "$tmp/sq.csv" sqlite3 -csv -header "$tmp/big.db" "$query")
rt=${r%% *} rm=${r##* } st=${s%% *} sm=${s##* }
echo "## CSV, $rows rows (best of $reps)"
printf '%-28s %8s s %10s KB peak RSS %12s bytes\n' "rsrender --format CSV" \
    "$rt" "$rm" "$(stat -c %s "$tmp/rs.csv")"
printf '%-28s %8s s %10s KB peak RSS %12s bytes\n' "sqlite3 -csv" "$st" "$sm" \
    "$(stat -c %s "$tmp/sq.csv")"
awk -v a="$rt" -v b="$st" 'BEGIN { printf "ratio rsrender/sqlite3: %.2f\n",
    (b > 0 ? a / b : 0) }'
echo
echo "## 10,000 rows (best of $reps)"
for f in HTML5 PDF EXCELOPENXML; do
	x=$(best "$reps" "$tmp/out.$f" "$BIN/rsrender" "$rdl" --format "$f" \
	    --out - --datasource "Big=sqlite:$tmp/10k.db" --devinfo Section=0)
	printf '%-28s %8s s %10s KB peak RSS %12s bytes\n' "rsrender --format $f" \
	    "${x%% *}" "${x##* }" "$(stat -c %s "$tmp/out.$f")"
done
