#!/usr/bin/env bash
# CSV, XML and HTML of a plain list stream: rendering 1,000,000 rows takes
# no more memory than rendering 100,000 (peak RSS from /usr/bin/time -v),
# and far less than the data.  ASan's quarantine is capped so freed memory
# is returned as it would be without it.
. "$(dirname "$0")/../lib.sh"
export ASAN_OPTIONS=quarantine_size_mb=8:detect_leaks=0
rdl=$RS_SRC/tests/integration/render/big-list.rdl
mkdb() {	# FILE ROWS
	sqlite3 "$1" "CREATE TABLE Line(ID INTEGER PRIMARY KEY, Name TEXT,
	    Qty INTEGER, Price REAL); WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL
	    SELECT n + 1 FROM s WHERE n < $2) INSERT INTO Line SELECT n,
	    'item ' || (n % 977), n % 13, (n % 1000) / 8.0 FROM s;"
}
peak_kb() {	# OUT FORMAT DB [ARGS]: renders, prints the peak RSS in KB
	/usr/bin/time -v rsrender "$rdl" --format "$2" --out "$1" \
	    --datasource "Big=sqlite:$3" "${@:4}" 2>"$TMP/time.txt" >/dev/null
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time.txt"
}
check "1,000,000-row database" mkdb "$TMP/big.db" 1000000
check "100,000-row database" mkdb "$TMP/small.db" 100000

small=$(peak_kb "$TMP/small.csv" CSV "$TMP/small.db")
big=$(peak_kb "$TMP/big.csv" CSV "$TMP/big.db")
expect_eq "CSV has a header and 1,000,000 records" \
    "$(wc -l <"$TMP/big.csv" | tr -d ' ')" 1000001
expect_eq "the last record is the last row" "$(tail -n 1 "$TMP/big.csv" | tr -d "\r")" \
    "1000000,item 529,1,0"
size=$(($(stat -c %s "$TMP/big.csv") / 1024))
echo "# peak RSS: 100k rows ${small} KB, 1M rows ${big} KB; CSV ${size} KB"
check "1M rows take at most 8 MB more than 100k rows (${small} -> ${big} KB)" \
    test "$big" -le $((small + 8192))
check "peak RSS of 1M rows is under 64 MB (${big} KB, ASan included)" \
    test "$big" -lt 65536

check "300,000-row database" mkdb "$TMP/mid.db" 300000
xsmall=$(peak_kb "$TMP/small.xml" XML "$TMP/small.db")
xbig=$(peak_kb "$TMP/mid.xml" XML "$TMP/mid.db")
expect_eq "XML has 300,000 Details elements" \
    "$(grep -o '<Details ' "$TMP/mid.xml" | wc -l | tr -d ' ')" 300000
check "XML streams: 300k rows take at most 8 MB more than 100k ($xsmall -> $xbig KB)" \
    test "$xbig" -le $((xsmall + 8192))
hsmall=$(peak_kb "$TMP/small.html" HTML5 "$TMP/small.db")
hbig=$(peak_kb "$TMP/mid.html" HTML5 "$TMP/mid.db")
check "HTML streams: 300k rows take at most 8 MB more than 100k ($hsmall -> $hbig KB)" \
    test "$hbig" -le $((hsmall + 8192))
# Every page at once: the HTML is held back for the toolbar's page count,
# in a spool that moves to a temporary file past 1 MB.
hall=$(TMPDIR=$TMP peak_kb "$TMP/mid-all.html" HTML5 "$TMP/mid.db" \
    --devinfo Section=0 --url "/ReportServer?/Big")
expect_match "every page of 300k rows, the toolbar first with the count" \
    "$(head -c 3000 "$TMP/mid-all.html")" 'All [0-9]+ pages'
expect_eq "... and all 300,000 rows" "$(grep -o '<tr ' "$TMP/mid-all.html" |
    wc -l | tr -d ' ')" "$(($(grep -c '<table' "$TMP/mid-all.html") + 300000))"
check "... spooled in bounded memory: at most 8 MB more than one page of 100k ($hsmall -> $hall KB; $(($(stat -c %s "$TMP/mid-all.html") >> 20)) MB of HTML)" \
    test "$hall" -le $((hsmall + 8192))
check "... and no spool file is left behind" \
    test -z "$(find "$TMP" -maxdepth 1 -name 'rsspool.*')"
done_testing
