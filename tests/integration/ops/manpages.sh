#!/usr/bin/env bash
# The man pages (dist/man, one per program): every program has one, in the
# section its .Dt names; groff (and man -l when installed) render each
# without a warning; every option a page documents is in the program's
# --help, every option --help names is documented, and every command a
# page lists is one --help knows (--help and --version: ops/install.sh).
. "$(dirname "$0")/../lib.sh"
cd "$RS_SRC/dist/man"
opts() { grep -oE -- '(^|[^a-zA-Z0-9])-{1,2}[a-z][a-z0-9-]*' | sed 's/^[^-]*//' | sort -u; }
for bin in "$RS_BIN"/*; do
	prog=${bin##*/}
	page=$(ls "$prog".[18] 2>/dev/null)
	if [ -z "$page" ]; then not_ok "$prog has a man page"; continue; fi
	ok "$prog has a man page ($page)"
	sec=${page##*.}
	expect_eq "$page: .Dt names $prog in section $sec" \
	    "$(sed -n 's/^\.Dt //p' "$page")" "${prog^^} $sec"
	w=$(groff -mdoc -Tutf8 -ww -z "$page" 2>&1)
	expect_eq "$page: groff -mdoc -ww renders it without a warning" "$w" ""
	if command -v man >/dev/null; then
		w=$(man -l --warnings "$page" 2>&1 >/dev/null)
		expect_eq "$page: man -l --warnings is silent" "$w" ""
	fi
	help=$("$bin" --help 2>&1)
	doc=$(grep -oE '(^|[ (])Fl -?[a-z][a-z0-9-]*' "$page" |
	    sed -E 's/^[ (]?Fl /-/' | grep -vxE -- '--help|--version|-h' |
	    sort -u)
	missing=""
	for o in $doc; do
		grep -qE -- "(^|[^a-z0-9-])$o([^a-z0-9-]|$)" <<<"$help" ||
		    missing+=" $o"
	done
	expect_eq "$page: every documented option is in $prog --help" \
	    "$missing" ""
	undoc=""
	for o in $(opts <<<"$help" | grep -vxE -- '--help|--version|-h'); do
		grep -qxF -- "$o" <<<"$doc" || undoc+=" $o"
	done
	expect_eq "$page: every option of $prog --help is documented" "$undoc" ""
	cmds=$(sed -nE 's/^\.It Cm ([a-z][a-z0-9-]*).*/\1/p' "$page" | sort -u)
	missing=""
	for c in $cmds; do
		grep -qE -- "(^|[ |])$c([ |]|$)" <<<"$help" || missing+=" $c"
	done
	expect_eq "$page: every command it lists is in $prog --help" "$missing" ""
done
done_testing
