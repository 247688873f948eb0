#!/usr/bin/env bash
# Golden CSV and XML of the five sample reports over the sample database,
# compared with tests/golden/ using diff -u.  RS_GOLDEN_UPDATE=1 rewrites
# the golden files instead (review the diff before committing them).
. "$(dirname "$0")/../lib.sh"
golden=$RS_SRC/tests/golden
db=$TMP/sales.db
check "sample database builds" "$RS_SRC/samples/make-db.sh" "$db"
expect_eq "sample database has 100,000 sale lines" \
    "$(sqlite3 "$db" 'SELECT COUNT(*) FROM Sales')" 100000

render() {	# NAME FORMAT OUT [ARGS...]
	local name=$1 fmt=$2 out=$3
	shift 3
	rsrender "$RS_SRC/samples/reports/$name.rdl" --format "$fmt" \
	    --out "$out" --datasource "Sales=sqlite:$db" "$@"
}

compare() {	# GOLDEN-NAME FILE
	if [ "${RS_GOLDEN_UPDATE:-}" = 1 ]; then
		cp "$2" "$golden/$1"
		ok "updated $1"
		return
	fi
	local d
	if d=$(diff -u "$golden/$1" "$2"); then ok "$1 matches the golden file"
	else not_ok "$1 matches the golden file" "$(printf '%s' "$d" | head -n 30)"
	fi
}

for r in ProductList SalesByRegion SalesByMonth SalesSummary SalesWide; do
	for f in CSV XML; do
		ext=$(echo $f | tr A-Z a-z)
		if render "$r" "$f" "$TMP/$r.$ext"; then
			compare "$r.$ext" "$TMP/$r.$ext"
		else
			not_ok "$r renders to $f"
		fi
	done
done
# The parameterised report with values from the URL, and rc: settings.
check "SalesByMonth renders for East 2024" render SalesByMonth CSV \
    "$TMP/m.csv" --param Region=East --param Year=2024
compare SalesByMonth-East-2024.csv "$TMP/m.csv"
check "CSV with rc:FieldDelimiter=tab and rc:NoHeader" render ProductList \
    CSV "$TMP/p.tsv" --devinfo "FieldDelimiter=	" --devinfo NoHeader=true
compare ProductList-tab-noheader.csv "$TMP/p.tsv"
check "CSV in ASCII, unformatted (ExcelMode=false)" render SalesByRegion \
    CSV "$TMP/r.csv" --devinfo Encoding=ASCII --devinfo ExcelMode=false
compare SalesByRegion-ascii-raw.csv "$TMP/r.csv"
done_testing
