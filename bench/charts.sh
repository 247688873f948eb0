#!/usr/bin/env bash
# bench/charts.sh: the cost of charts.  A benchmark, not a test: it prints
# figures, it does not pass or fail.
#
#  1. A chart of 100,000 points (a line chart with a category per row, and
#     a scatter chart of the same rows) rendered to PDF, HTML5 (inline SVG)
#     and IMAGE (PNG): wall time and peak RSS of bin/rsrender, best of N.
#  2. The 10,000-row list of bench/render.sh to PDF, alone and with four
#     charts over the same rows above it (a column chart by quantity, a pie,
#     a line over 100 buckets of rows, a 100% stacked column chart): time,
#     peak RSS and size of both, and the ratio with/without.
#
# usage: bench/charts.sh [--reps N]
# env: RS_BENCH_BIN (binaries, default ./bin)
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${RS_BENCH_BIN:-$top/bin}
reps=3
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	*) echo "usage: bench/charts.sh [--reps N]" >&2; exit 64 ;;
	esac
done
tmp=$(mktemp -d /tmp/rs-bench-charts.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

mkdb() {	# FILE ROWS
	sqlite3 "$1" "CREATE TABLE Line(ID INTEGER PRIMARY KEY, Name TEXT,
	    Qty INTEGER, Price REAL); WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL
	    SELECT n + 1 FROM s WHERE n < $2) INSERT INTO Line SELECT n,
	    'item ' || (n % 977), n % 13, (n % 1000) / 8.0 FROM s;"
}

# chart NAME TYPE SUBTYPE GROUP-EXPR Y [X] [TOP]: one Chart element.
chart() {
	local x=""
	[ -n "${6:-}" ] && x="<X>=Sum(Fields!$6.Value)</X>"
	cat <<XML
<Chart Name="$1"><ChartCategoryHierarchy><ChartMembers><ChartMember>
<Group Name="$1_cat"><GroupExpressions><GroupExpression>$4</GroupExpression>
</GroupExpressions></Group><Label>$4</Label></ChartMember></ChartMembers>
</ChartCategoryHierarchy><ChartSeriesHierarchy><ChartMembers><ChartMember>
<Label>$5</Label></ChartMember></ChartMembers></ChartSeriesHierarchy>
<ChartData><ChartSeriesCollection><ChartSeries Name="S"><ChartDataPoints>
<ChartDataPoint><ChartDataPointValues><Y>=Sum(Fields!$5.Value)</Y>$x
</ChartDataPointValues></ChartDataPoint></ChartDataPoints><Type>$2</Type>
<Subtype>$3</Subtype></ChartSeries></ChartSeriesCollection></ChartData>
<ChartAreas><ChartArea Name="A"/></ChartAreas><ChartLegends><ChartLegend
Name="L"/></ChartLegends><ChartTitles><ChartTitle Name="T"><Caption>$1</Caption>
</ChartTitle></ChartTitles><DataSetName>Lines</DataSetName>
<Top>${7:-0in}</Top><Height>3in</Height><Width>6in</Width></Chart>
XML
}

# report FILE ITEMS...: the big list's data source and dataset around items.
report() {
	local f=$1
	shift
	cat >"$f" <<XML
<?xml version="1.0" encoding="utf-8"?>
<Report xmlns="http://schemas.microsoft.com/sqlserver/reporting/2010/01/reportdefinition">
<DataSources><DataSource Name="Big"><ConnectionProperties>
<DataProvider>SQLITE</DataProvider><ConnectString>big.db</ConnectString>
</ConnectionProperties></DataSource></DataSources>
<DataSets><DataSet Name="Lines"><Query><DataSourceName>Big</DataSourceName>
<CommandText>SELECT ID, Name, Qty, Price FROM Line</CommandText></Query>
<Fields><Field Name="ID"><DataField>ID</DataField></Field>
<Field Name="Name"><DataField>Name</DataField></Field>
<Field Name="Qty"><DataField>Qty</DataField></Field>
<Field Name="Price"><DataField>Price</DataField></Field></Fields>
</DataSet></DataSets>
<ReportSections><ReportSection><Body><ReportItems>$*</ReportItems>
<Height>13in</Height></Body><Width>6.5in</Width><Page/></ReportSection>
</ReportSections></Report>
XML
}

measure() {	# OUTFILE CMD...: "seconds peak_kb" of one run
	local out=$1
	shift
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$out"
	cat "$tmp/time"
}

best() {	# REPS OUT CMD...: the fastest of REPS runs
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

row() {	# LABEL "seconds kb" FILE
	printf '%-34s %8s s %10s KB peak RSS %12s bytes\n' "$1" "${2%% *}" \
	    "${2##* }" "$(stat -c %s "$3")"
}

mkdb "$tmp/100k.db" 100000
mkdb "$tmp/10k.db" 10000
report "$tmp/line.rdl" "$(chart Line Line Plain =Fields!ID.Value Price)"
report "$tmp/scatter.rdl" "$(chart Scatter Scatter Plain =Fields!ID.Value \
    Price ID)"
echo "## One chart of 100,000 points (best of $reps)"
for r in line scatter; do
	for f in PDF HTML5 IMAGE; do
		x=$(best "$reps" "$tmp/$r.$f" "$BIN/rsrender" "$tmp/$r.rdl" \
		    --format "$f" --out - --datasource "Big=sqlite:$tmp/100k.db")
		row "$r chart, $f" "$x" "$tmp/$r.$f"
	done
done

list=$(sed -n '/<Tablix Name/,/<\/Tablix>/p' \
    "$top/tests/integration/render/big-list.rdl")
report "$tmp/plain.rdl" "$list"
charts="$(chart ByQty Column Plain =Fields!Qty.Value Price "" 0in)
$(chart Share Shape Pie =Fields!Qty.Value Qty "" 3.2in)
$(chart Trend Line Plain '=Int(Fields!ID.Value / 100)' Price "" 6.4in)
$(chart Mix Column PercentStacked =Fields!Qty.Value Price "" 9.6in)"
# The list goes below the charts: its Top moves to 12.8in.
report "$tmp/charts.rdl" "$charts $(echo "$list" |
    sed 's|<Tablix Name="Lines">|&<Top>12.8in</Top>|')"
echo
echo "## The 10,000-row list to PDF, without and with four charts (best of $reps)"
a=$(best "$reps" "$tmp/plain.pdf" "$BIN/rsrender" "$tmp/plain.rdl" \
    --format PDF --out - --datasource "Big=sqlite:$tmp/10k.db")
b=$(best "$reps" "$tmp/charts.pdf" "$BIN/rsrender" "$tmp/charts.rdl" \
    --format PDF --out - --datasource "Big=sqlite:$tmp/10k.db")
row "list alone" "$a" "$tmp/plain.pdf"
row "list and 4 charts" "$b" "$tmp/charts.pdf"
awk -v a="${a%% *}" -v b="${b%% *}" -v sa="$(stat -c %s "$tmp/plain.pdf")" \
    -v sb="$(stat -c %s "$tmp/charts.pdf")" 'BEGIN {
	printf "ratio with/without charts: time %.2f, size %.2f\n",
	    (a > 0 ? b / a : 0), sb / sa }'
