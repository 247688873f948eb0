#!/usr/bin/env bash
# tests/fuzz/run.sh BUILD [TARGET...]: runs the libFuzzer targets that
# "make fuzz" built into BUILD/fuzz/, each for FUZZ_SECONDS (default 60),
# one after the other, and prints one line per target:
#
#   target        runs   exec/s  cov    ft  corpus  crashes
#
# The corpus each run grows is BUILD/corpus/<target>/ (not in git); it
# starts from tests/fuzz/corpus/<target>/, tests/fuzz/regress/<target>/
# and the generated BUILD/fuzz-seeds/<target>/.  A crash stops that
# target; the input is kept in BUILD/crashes/<target>/ and the log in
# BUILD/logs/<target>.log.  To keep it, copy the input to
# tests/fuzz/regress/<target>/ with the fix (docs/TESTING.md).  Exits 1
# when any target crashed.
set -u
cd "$(dirname "$0")/../.."
build=$1
shift
secs=${FUZZ_SECONDS:-60}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || { echo "usage: run.sh BUILD TARGET..." >&2; exit 64; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The last value of "key: N" on libFuzzer's status lines.
stat_of() {	# $1 key, $2 log
	grep -o "$1: [0-9]*" "$2" | tail -n 1 | sed 's/.*: //'
}

crashed=0
printf '%-16s %10s %8s %6s %6s %7s %s\n' target runs exec/s cov ft corpus \
    crashes
for t in "${targets[@]}"; do
	bin=$build/fuzz/fuzz_$t
	[ -x "$bin" ] || { echo "$t: no fuzzer $bin" >&2; crashed=1; continue; }
	mkdir -p "$build/corpus/$t" "$build/crashes/$t" "$build/logs"
	log=$build/logs/$t.log
	dirs=("$build/corpus/$t" "tests/fuzz/corpus/$t")
	for d in "tests/fuzz/regress/$t" "$build/fuzz-seeds/$t"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	opts=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048
	    -print_final_stats=1 -artifact_prefix="$build/crashes/$t/")
	[ -f "tests/fuzz/$t.dict" ] && opts+=(-dict="tests/fuzz/$t.dict")
	[ -f "tests/fuzz/$t.options" ] && read -ra more <"tests/fuzz/$t.options" &&
	    opts+=("${more[@]}")
	timeout -k 10 $((secs + 120)) "$bin" "${opts[@]}" "${dirs[@]}" \
	    >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: //p' "$log")
	crash=$(grep -c '^artifact_prefix=\|Test unit written to' "$log")
	if [ "$rc" != 0 ] || [ "$crash" != 0 ]; then
		crashed=1
		crash="$crash: $(sed -n 's/.*Test unit written to //p' "$log" |
		    tail -n 1) (see $log)"
	fi
	printf '%-16s %10s %8s %6s %6s %7s %s\n' "$t" "${runs:-?}" \
	    "${eps:-?}" "$(stat_of cov "$log")" "$(stat_of ft "$log")" \
	    "$(stat_of corp "$log")" "${crash:-0}"
done
exit $crashed
