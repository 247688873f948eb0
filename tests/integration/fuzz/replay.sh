#!/usr/bin/env bash
# The fuzz replay (tests/fuzz/driver.c) fails the run on every kind of
# failure, and names the input: a heap overflow, a broken invariant, a
# leak, a missing or empty corpus.  replay_selftest is a target that fails
# on purpose for given inputs; test_fuzz_urlres is a real one.
. "$(dirname "$0")/../lib.sh"
build=${RS_TEST_BUILD:-$RS_SRC/build/asan}
self=$build/tests/fuzz/replay_selftest
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

mkdir -p "$TMP/in"
printf 'fine' >"$TMP/in/a-fine"
check "a good input replays" "$self" "$TMP/in/a-fine"

for kind in overflow abort leak; do
	printf '%s' "$kind" >"$TMP/in/$kind"
	out=$("$self" "$TMP/in/a-fine" "$TMP/in/$kind" 2>&1)
	rc=$?
	expect_eq "$kind: the replay exits non-zero" "$([ $rc != 0 ] && echo 1)" 1
	case $kind in
	leak) expect_match "$kind: it says a leak at exit" "$out" \
	    "^not ok - sanitizer report at exit.*leak" ;;
	*) expect_match "$kind: it names the input" "$out" \
	    "^not ok - input crashed: $TMP/in/$kind\$" ;;
	esac
done
out=$("$self" "$TMP/in/overflow" 2>&1)
expect_match "the sanitizer's report follows" "$out" "heap-buffer-overflow"

out=$("$self" "$TMP/in/none" 2>&1)
rc=$?
expect_match "a missing input is not ok" "$out" "^not ok 1 - fuzz"
expect_eq "... and fails" "$rc" 1

mkdir -p "$TMP/src"
out=$(RS_SRC=$TMP/src "$build/tests/test_fuzz_urlres" 2>&1)
rc=$?
expect_match "an empty corpus is not ok" "$out" \
    "^not ok 1 - fuzz urlres corpus: 0 inputs"
expect_eq "... and fails" "$rc" 1
out=$("$build/tests/test_fuzz_urlres" 2>&1)
expect_match "the real corpus and the regression inputs replay" "$out" \
    "^ok 2 - fuzz urlres regression inputs: [1-9]"
done_testing
