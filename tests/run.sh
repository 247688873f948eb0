#!/usr/bin/env bash
# tests/run.sh [FILTER]: runs every test program and prints one summary line
# "N passed, N failed" last.
#
# Unit tests are the cmocka programs in $RS_TEST_BUILD/tests (TAP output);
# integration tests are tests/integration/*/*.sh and *.py, each printing TAP
# lines ("ok ..." / "not ok ...") through tests/integration/lib.sh or lib.py.
# They drive the ASan+UBSan binaries in $RS_BIN.  A program that exits
# non-zero without reporting a failure counts as one failure.  FILTER keeps
# only the tests whose path contains it.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
export RS_TEST_BUILD=${RS_TEST_BUILD:-$top/build/asan}
export RS_BIN=${RS_BIN:-$RS_TEST_BUILD/bin}
export RS_SRC=$top
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
filter=${1:-}
jobs=${RS_TEST_JOBS:-$(nproc)}
limit=${RS_TEST_TIMEOUT:-600}

out=$(mktemp -d /tmp/rs-run.XXXXXX)
trap 'rm -rf "$out"' EXIT

progs=()
for f in "$RS_TEST_BUILD"/tests/test_* tests/integration/*/*.sh \
    tests/integration/*/*.py tests/security/*.sh tests/security/*.py; do
	[ -f "$f" ] || continue
	case "$f" in *"$filter"*) ;; *) continue ;; esac
	progs+=("$f")
done

run_one() {	# $1 program, $2 output file
	local t0=$SECONDS rc
	case "$1" in
	*.sh) timeout -k 10 "$limit" bash "$1" >"$2" 2>&1 </dev/null ;;
	*.py) timeout -k 10 "$limit" python3 "$1" >"$2" 2>&1 </dev/null ;;
	*) timeout -k 10 "$limit" "$1" >"$2" 2>&1 </dev/null ;;
	esac
	rc=$?
	echo "# exit $rc after $((SECONDS - t0))s" >>"$2"
}

i=0
for p in "${progs[@]}"; do
	i=$((i + 1))
	run_one "$p" "$out/$i" &
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
done
wait

pass=0 fail=0 i=0
for p in "${progs[@]}"; do
	i=$((i + 1))
	f="$out/$i"
	np=$(grep -c '^ok ' "$f")
	nf=$(grep -c '^not ok ' "$f")
	rc=$(sed -n 's/^# exit \([0-9]*\) .*/\1/p' "$f" | tail -n 1)
	if [ "$rc" != 0 ] && [ "$nf" = 0 ]; then
		nf=1
		echo "not ok - $p exited with status $rc" >>"$f"
	fi
	pass=$((pass + np))
	fail=$((fail + nf))
	if [ "$nf" != 0 ]; then
		echo "=== FAIL $p"
		cat "$f"
	else
		printf '%-60s %3d ok (%s)\n' "$p" "$np" \
		    "$(sed -n 's/^# exit [0-9]* after //p' "$f" | tail -n 1)"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
