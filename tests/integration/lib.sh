# tests/integration/lib.sh: sourced by every integration script.
#
# Gives each script a fresh state root ($ROOT, removed on exit together with
# any daemon started through start_bg), TAP output (ok / not ok lines, read
# by tests/run.sh) and small assertions that print what differed.
#   RS_BIN   folder of the binaries under test (set by tests/run.sh)
set -u
: "${RS_BIN:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/asan/bin}"
: "${RS_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export PATH="$RS_BIN:$PATH"
TMP=$(mktemp -d /tmp/rs-it.XXXXXX)
export ROOT="$TMP/root"
export RS_ROOT="$ROOT"
mkdir -p "$ROOT"
_n=0
_failed=0
_bg_pids=()

_stage=""

_cleanup() {
	local p
	for p in "${_bg_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${_bg_pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$TMP"
	[ -z "$_stage" ] || rm -rf "$_stage"
}
trap _cleanup EXIT

ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() {
	_n=$((_n + 1)); _failed=1
	echo "not ok $_n - $1"
	shift
	[ $# -gt 0 ] && printf '#   %s\n' "$@"
	return 0
}

# check DESC CMD...: ok when CMD exits 0; prints its output otherwise.
check() {
	local d=$1 o
	shift
	if o=$("$@" 2>&1); then ok "$d"; else
		not_ok "$d" "command: $*" "$(printf '%s' "$o" | head -n 20)"
	fi
}

# check_fails DESC CMD...: ok when CMD exits non-zero.
check_fails() {
	local d=$1 o
	shift
	if o=$("$@" 2>&1); then
		not_ok "$d" "command unexpectedly succeeded: $*" "$o"
	else ok "$d"; fi
}

# expect_eq DESC GOT WANT
expect_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else
		not_ok "$1" "got:  $2" "want: $3"; fi
}

# expect_match DESC TEXT REGEX (grep -E)
expect_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then ok "$1"; else
		not_ok "$1" "no match for /$3/ in:" "$(printf '%s' "$2" | head -n 20)"
	fi
}

expect_no_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		not_ok "$1" "unexpected match for /$3/ in:" \
		    "$(printf '%s' "$2" | head -n 20)"
	else ok "$1"; fi
}

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_bg LOGFILE CMD...: starts a daemon; it is killed at exit.
start_bg() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 &
	_bg_pids+=($!)
	BG_PID=$!
}

# wait_for DESC SECONDS CMD...: retries CMD every 0.1 s.
wait_for() {
	local d=$1 t=$2 i
	shift 2
	for ((i = 0; i < t * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "# timed out waiting for: $d" >&2
	return 1
}

# tree_digest DIR: a digest of every file's path, mode and content, to show
# a store is unchanged.
tree_digest() {
	(cd "$1" 2>/dev/null && find . -type f -printf '%p %m\n' | sort &&
	    find . -type f -print0 | sort -z | xargs -0r cat) | sha256sum
}

# stage_for_others [FILE...]: for a test that runs a program as another
# account.  The clone may sit in a folder that account cannot enter (root's
# home is 0700, and so is any mktemp -d folder), so the binaries under test
# are copied to a 0755 folder of their own under /tmp (random name, removed
# at exit), which then comes first on PATH and becomes RS_BIN; rsconfig
# finds bin/reportserver next to itself there.  Each FILE (a helper script
# the account runs) is copied into that folder too; STAGE names it.
stage_for_others() {
	local f
	_stage=$(mktemp -d /tmp/rs-stage.XXXXXX) || return 1
	mkdir "$_stage/bin" || return 1
	cp "$RS_BIN"/* "$_stage/bin/" || return 1
	for f in "$@"; do cp "$f" "$_stage/" || return 1; done
	chmod -R a+rX "$_stage" && chmod 0755 "$_stage" || return 1
	STAGE=$_stage
	RS_BIN=$_stage/bin
	export RS_BIN
	export PATH="$RS_BIN:$PATH"
}

done_testing() {
	echo "1..$_n"
	exit $_failed
}
