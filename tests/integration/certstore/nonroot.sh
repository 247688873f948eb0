#!/usr/bin/env bash
# A plain user who runs certstore without --root reaches for the machine
# store (/var/lib/reportserver): the message says it needs root, or how to
# keep a private store (issue 11), and both commands it gives work as
# written: the first as root (inside a private mount namespace whose
# /var/lib is empty, so the machine is not touched), the second as the
# user.  A hint naming a certstore or httpcfg command carries the --root
# the command line gave.
. "$(dirname "$0")/../lib.sh"
cd "$TMP"
chmod 711 "$TMP"
mkdir -m 755 bin && cp "$(command -v certstore)" bin/
mkdir -m 700 home && chown nobody: home
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    env -u RS_ROOT HOME="$TMP/home" PATH="$TMP/bin:/usr/bin:/bin" "$@"
}

o=$(as_nobody certstore list 2>&1)
rc=$?
check_fails "a plain user cannot open the machine store" test "$rc" = 0
expect_match "the message says the machine store needs root" "$o" \
    "the machine store in /var/lib/reportserver needs root: run 'certstore list' as root"
expect_match "... or how to keep a private store (--root DIR or RS_ROOT=DIR)" \
    "$o" "or keep a private store of your own with --root DIR or RS_ROOT=DIR: 'certstore --root \"\\\$HOME/certstore\" list'"
mapfile -t hints < <(printf '%s' "$o" | grep -o "'certstore [^']*'" | tr -d "'")
expect_eq "it gives two commands" "${#hints[@]}" 2
o=$(as_nobody sh -c "${hints[1]}" 2>&1)
check "the private-store command works as written for the user: ${hints[1]}" \
    test $? = 0
expect_match "... and opens a store of the user's own" "$o" '^My store: 0 certificates'
check "... in the user's home" test -d "$TMP/home/certstore/certstore/My"
if unshare -m true 2>/dev/null; then
	o=$(unshare -m sh -c 'mount -t tmpfs none /var/lib && env -u RS_ROOT sh -c "$1"' \
	    sh "${hints[0]}" 2>&1)
	check "the first command works as written as root: ${hints[0]}" test $? = 0
	expect_match "... on the machine store" "$o" '^My store: 0 certificates'
	# The machine store exists (made by root): still the same advice.
	o=$(unshare -m sh -c 'mount -t tmpfs -o mode=0755 none /var/lib &&
	    env -u RS_ROOT certstore list >/dev/null &&
	    setpriv --reuid=nobody --regid=nogroup --clear-groups env -u RS_ROOT \
	        HOME="$1/home" "$1/bin/certstore" show 0123456789 --store Root' \
	    sh "$TMP" 2>&1)
	expect_match "an existing machine store: the same advice, with the arguments" \
	    "$o" "run 'certstore show 0123456789 --store Root' as root, or keep a private store .*'certstore --root \"\\\$HOME/certstore\" show 0123456789 --store Root'"
fi
check "the machine's /var/lib/reportserver was not made" \
    test ! -e /var/lib/reportserver

# With --root the hints name the same root.
T=$(certstore --root "$TMP/r 2" new-self-signed --dns x.test | tail -n 1)
o=$(certstore --root "$TMP/r 2" show 01234567 2>&1)
expect_match "a hint carries --root" "$o" \
    "'certstore --root \"$TMP/r 2\" list --store My' shows what is there"
h=$(printf '%s' "$o" | grep -o "'certstore [^']*'" | tr -d "'")
o=$(sh -c "$h" 2>&1)
expect_match "... and works as written: $h" "$o" "^Thumbprint    $T"
done_testing
