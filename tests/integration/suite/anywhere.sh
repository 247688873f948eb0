#!/usr/bin/env bash
# A clone anywhere works (issue 11): the tests that run a program as
# another account pass when the clone sits in a folder other users cannot
# enter (root's home is 0700, and so is any mktemp -d folder), and no test
# depends on an RS_ROOT set by the caller.  The binaries under test and
# the tests are copied into a 0700 folder, and each such test runs from
# there with RS_ROOT=/nonexistent.  A control run of each with
# stage_for_others made to copy nothing must fail: it shows the folder
# really is closed to the other account (so this test can fail).
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	ok "# SKIP the tests that run as another account need root"
	done_testing
fi

closed=$TMP/closed
mkdir -m 0700 "$closed" "$closed/src" "$closed/src/tests"
cp -a "$RS_BIN" "$closed/bin"
cp -a "$RS_SRC/tests/integration" "$closed/src/tests/"

# nested TEST [SRC]: runs TEST of the copy (SRC: the copy of the sources)
# from the closed folder; prints "OK NOTOK PLAN" and keeps its output.
nested() {
	local src=${2:-$closed/src} log
	log=$TMP/$(echo "$1" | tr / _).${2:+control.}log
	env RS_BIN="$closed/bin" RS_SRC="$src" RS_ROOT=/nonexistent \
	    PATH="$closed/bin:$PATH" timeout 300 \
	    bash "$src/tests/integration/$1" >"$log" 2>&1 </dev/null
	echo "$(grep -c '^ok ' "$log") $(grep -c '^not ok ' "$log")" \
	    "$(grep -c '^1\.\.[1-9]' "$log")"
}

for t in httpcfg/errors.sh httpsvc/otheruser.sh rsconfig/account.sh; do
	read -r nok nbad plan < <(nested "$t")
	log=$TMP/$(echo "$t" | tr / _).log
	check "$t from a 0700 clone, RS_ROOT=/nonexistent: all pass ($nok ok)" \
	    test "$nbad" = 0 -a "$nok" -gt 10 -a "$plan" = 1
	[ "$nbad" = 0 ] || grep -A4 '^not ok' "$log" | head -n 40 | sed 's/^/# /'
done

# The control: the same clone, nothing staged (the binaries and helper
# files stay in the closed folder): each of those tests must fail.
cp -a "$closed/src" "$closed/nostage"
cat >>"$closed/nostage/tests/integration/lib.sh" <<'EOF'
stage_for_others() {	# the control: nothing is copied out
	STAGE=$(dirname "${1:-$RS_BIN/x}")
}
EOF
for t in httpcfg/errors.sh httpsvc/otheruser.sh rsconfig/account.sh; do
	read -r nok nbad plan < <(nested "$t" "$closed/nostage")
	check "control: without staging, $t fails from the 0700 clone ($nbad not ok)" \
	    test "$nbad" -gt 0
done
done_testing
