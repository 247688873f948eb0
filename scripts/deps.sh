#!/bin/sh
# scripts/deps.sh [--test | --bench | --fuzz]: installs the Debian packages
# of packages.txt that are not installed yet: always the "-- build"
# section, plus "-- tests" with --test, "-- benchmarks" with --bench,
# "-- fuzzing" with --fuzz.  With --test also the test-only npm packages
# pinned in tests/node/package-lock.json (playwright-core, which drives
# Debian's chromium in the browser tests).  Idempotent: when everything is
# present it only checks and returns.
set -eu
cd "$(dirname "$0")/.."
case "${1:-}" in
"") extra="" ;;
--test) extra=tests ;;
--bench) extra=benchmarks ;;
--fuzz) extra=fuzzing ;;
*) echo "usage: scripts/deps.sh [--test | --bench | --fuzz]" >&2; exit 64 ;;
esac
# The packages of the build section and of the section asked for.
want=$(awk -v extra="$extra" '
	/^# -- / { sec = $3; next }
	{ sub(/#.*/, "") }
	NF && (sec == "build" || (extra != "" && sec == extra)) { print $1 }
' packages.txt)
[ "${1:-}" = --test ] && want="$want nodejs npm"
missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
# npm may come from outside Debian's packages; then it need not be installed.
case "$missing" in *" npm"*)
	command -v npm >/dev/null 2>&1 &&
	    missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//') ;;
esac
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing Debian packages:$missing" >&2
		echo "deps: run as root, or: sudo apt-get install$missing" >&2
		exit 1
	fi
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || apt-get update
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ "${1:-}" = --test ] &&
    [ ! -d tests/node/node_modules/playwright-core ]; then
	echo "deps: installing the test npm packages into tests/node" >&2
	npm ci --prefix tests/node --no-audit --no-fund >/dev/null
fi
