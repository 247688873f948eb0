#!/usr/bin/env bash
# rsrender refuses definitions outside the subset and malformed files with
# the file, the line, the element or function and what is supported, exits
# 65 (malformed input), and writes no output file.
. "$(dirname "$0")/../lib.sh"
ns=http://schemas.microsoft.com/sqlserver/reporting/2016/01/reportdefinition
write() {	# FILE BODY-ITEMS [EXTRA]
	cat >"$1" <<XML
<?xml version="1.0"?>
<Report xmlns="$ns">
  <DataSources><DataSource Name="D"><ConnectionProperties>
    <DataProvider>SQLITE</DataProvider><ConnectString>x.db</ConnectString>
  </ConnectionProperties></DataSource></DataSources>
  <DataSets><DataSet Name="S"><Query><DataSourceName>D</DataSourceName>
    <CommandText>SELECT 1 AS a</CommandText></Query>
    <Fields><Field Name="A"><DataField>a</DataField></Field></Fields>
  </DataSet></DataSets>${3:-}
  <ReportSections><ReportSection><Body><ReportItems>
$2
  </ReportItems><Height>1in</Height></Body><Width>1in</Width><Page/>
  </ReportSection></ReportSections>
</Report>
XML
}
refused() {	# DESC FILE REGEX
	local out rc
	out=$(rsrender "$2" --format CSV --out "$TMP/out.csv" 2>&1)
	rc=$?
	if [ "$rc" = 65 ] && printf '%s' "$out" | grep -Eq -- "$3" &&
	    [ ! -e "$TMP/out.csv" ]; then
		ok "$1"
	else
		not_ok "$1" "exit $rc" "$out"
	fi
}
write "$TMP/sub.rdl" '    <Subreport Name="M"/>'
refused "a Subreport is refused with its line and the supported items" \
    "$TMP/sub.rdl" \
    'sub\.rdl: line 11: <Subreport>: report item Subreport is not supported; supported report items: Tablix \(table or list\), Chart, GaugePanel, Map'
write "$TMP/asm.rdl" '' '
  <CodeModules><CodeModule>Contoso.Finance, Version=1.0</CodeModule></CodeModules>'
refused "a custom assembly is refused with its line and why" \
    "$TMP/asm.rdl" \
    'line 1[0-9]: <CodeModules>: custom assemblies \(CodeModules\) are not supported: their code is a .NET assembly'
write "$TMP/code.rdl" '' '
  <Code>Public Function F() As String
    GoTo done
  End Function</Code>'
refused "a Code statement outside the subset is refused with its file line" \
    "$TMP/code.rdl" \
    'line 11: GoTo is not supported; use If, Select Case or a loop \(in <Code>\)'
write "$TMP/loop.rdl" '    <Textbox Name="T"><Paragraphs><Paragraph><TextRuns><TextRun>
      <Value>=Code.Spin(3)</Value></TextRun></TextRuns>
    </Paragraph></Paragraphs></Textbox>' '
  <Code>Public Function Spin(ByVal n As Integer) As Integer
    Do While n > 0
      n = n + 1
    Loop
    Return n
  End Function</Code>'
refused "a Code loop that never ends stops with the function and line" \
    "$TMP/loop.rdl" \
    'Code.Spin line 1[0-9]: the code ran more than 10000000 steps in one call'
write "$TMP/field.rdl" '    <Textbox Name="T"><Paragraphs><Paragraph><TextRuns><TextRun>
      <Value>=First(Fields!Missing.Value, "S")</Value></TextRun></TextRuns>
    </Paragraph></Paragraphs></Textbox>'
refused "a field that is not in the dataset is refused" "$TMP/field.rdl" \
    'line 12: Value: field Missing is not in dataset S'
printf '<Report xmlns="%s"><DataSets>' "$ns" >"$TMP/cut.rdl"
refused "a truncated file is refused as malformed XML" "$TMP/cut.rdl" \
    'line 1, column [0-9]+: the definition is not well-formed XML'
printf '<Report xmlns="http://schemas.microsoft.com/sqlserver/reporting/2005/01/reportdefinition"/>' \
    >"$TMP/old.rdl"
refused "an RDL 2005 definition is refused with the supported versions" \
    "$TMP/old.rdl" 'supported: RDL 2008/01, 2010/01 and 2016/01'
out=$(rsrender "$TMP/nope.rdl" --check 2>&1)
expect_eq "a missing file exits 66" "$?" 66
out=$(rsrender "$RS_SRC/samples/reports/ProductList.rdl" --format DOCX \
    --out "$TMP/x" 2>&1)
rc=$?
expect_match "an unknown format is refused (exit $rc) with the list" "$out" \
    'format DOCX is not supported; supported: HTML5, MHTML, CSV, XML, PDF, IMAGE, EXCELOPENXML'
done_testing
