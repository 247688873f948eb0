#!/usr/bin/env bash
# make install / make uninstall into a DESTDIR (docs/operations.md): the
# tree (programs, man pages, units, sysusers.d, tmpfiles.d, completion),
# PREFIX in the units and DESTDIR not, the installed programs run
# (--version, --help), and uninstall takes back exactly what install put.
. "$(dirname "$0")/../lib.sh"
build=$(dirname "$RS_TEST_BUILD")
mode=$(basename "$RS_TEST_BUILD")
dest=$TMP/dest
progs="certstore httpcfg httpsvc reportserver rsconfig rsrender staticsite"
# -o build: install what the test build has, never rebuild here.
inst() {
	make -s -C "$RS_SRC" -o build MODE="$mode" BUILDDIR="$build" \
	    DESTDIR="$dest" "$@"
}
check "make install into a DESTDIR" inst PREFIX=/usr/local install
p=$dest/usr/local
for b in $progs; do
	if [ -x "$p/bin/$b" ] && [ -f "$p/share/bash-completion/completions/$b" ]
	then ok "$b installed with its completion"
	else not_ok "$b installed with its completion" "$(find "$dest" | sort)"; fi
	v=$("$p/bin/$b" --version 2>&1)
	expect_match "installed $b --version" "$v" "^$b [0-9]+\.[0-9]+\.[0-9]+$"
	h=$("$p/bin/$b" --help 2>/dev/null)
	expect_match "installed $b --help prints its usage to stdout" "$h" \
	    "^usage: $b "
done
for f in lib/systemd/system/httpsvc.service lib/systemd/system/httpsvc.socket \
    ../../etc/logrotate.d/reportserver \
    lib/systemd/system/reportserver.service lib/sysusers.d/reportserver.conf \
    lib/tmpfiles.d/reportserver.conf; do
	if [ -f "$p/$f" ]; then ok "$f installed"; else not_ok "$f installed"; fi
done
for m in "$RS_SRC"/dist/man/*.[18]; do
	[ -f "$m" ] || continue
	n=${m##*/}
	if cmp -s "$m" "$p/share/man/man${n##*.}/$n"; then ok "man page $n installed"
	else not_ok "man page $n installed"; fi
done
u=$(cat "$p/lib/systemd/system/httpsvc.service")
expect_match "the unit runs PREFIX/bin/httpsvc" "$u" \
    "^ExecStart=/usr/local/bin/httpsvc --root /var/lib/reportserver$"
expect_no_match "no DESTDIR and no placeholder in the units" \
    "$(cat "$p"/lib/systemd/system/* "$p"/lib/tmpfiles.d/*)" "$dest|@[A-Z]+@"
expect_match "tmpfiles.d makes the state root" \
    "$(cat "$p/lib/tmpfiles.d/reportserver.conf")" \
    "^d /var/lib/reportserver 0755 root root"
# Completion, from the installed program's own --help.
c=$(PATH=$p/bin:$PATH bash -c '. "$1"; COMP_WORDS=(rsconfig database "");
    COMP_CWORD=2; _rs_complete; echo "${COMPREPLY[*]}"' _ \
    "$p/share/bash-completion/completions/rsconfig")
expect_match "completion: rsconfig database <TAB> lists its commands" "$c" \
    "^backup create restore show upgrade$"
c=$(PATH=$p/bin:$PATH bash -c '. "$1"; COMP_WORDS=(httpcfg add "");
    COMP_CWORD=2; _rs_complete; echo "${COMPREPLY[*]}"' _ \
    "$p/share/bash-completion/completions/httpcfg")
expect_eq "completion: httpcfg add <TAB>" "$c" "sslcert urlacl"
# Another PREFIX.
check "make install PREFIX=/usr" inst PREFIX=/usr install
expect_match "PREFIX=/usr: the unit runs /usr/bin/rsconfig" \
    "$(cat "$dest/usr/lib/systemd/system/reportserver.service")" \
    "^ExecStart=/usr/bin/rsconfig --root /var/lib/reportserver start$"
check "make uninstall PREFIX=/usr" inst PREFIX=/usr uninstall
check "make uninstall" inst PREFIX=/usr/local uninstall
left=$(find "$dest" -type f | sort)
expect_eq "uninstall leaves no file behind" "$left" ""
done_testing
