#!/usr/bin/env bash
# Crash safety and hostile files.  Writers killed with SIGKILL at random
# instants leave the store readable with every entry whole (the next
# change sweeps their debris away); a few hundred corrupted PFX, DER and
# PEM files are refused cleanly: a known exit status, no sanitizer report,
# the store unchanged.
. "$(dirname "$0")/../lib.sh"
cd "$TMP"
S="$ROOT/certstore"
certstore new-self-signed --dns seed.test >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem \
    -subj /CN=imp.test -days 5 2>/dev/null
cat c.pem k.pem >bundle.pem
printf 'pw\n' >pw

killed=0
for i in $(seq 1 30); do
	if [ $((i % 2)) = 0 ]; then
		certstore new-self-signed --dns "k$i.test" >/dev/null 2>&1 &
	else
		certstore import bundle.pem >/dev/null 2>&1 &
	fi
	p=$!
	sleep "0.0$((RANDOM % 10))"
	kill -9 "$p" 2>/dev/null && killed=$((killed + 1))
	wait "$p" 2>/dev/null
	# Remove the imported one now and then, so imports keep writing.
	[ $((i % 5)) = 0 ] && certstore remove \
	    "$(openssl x509 -in c.pem -noout -fingerprint -sha1 |
	    sed 's/.*=//; s/://g')" >/dev/null 2>&1
done
echo "# $killed of 30 writers were killed mid-way"
o=$(certstore list --json)
check "the store lists after the kills" test $? = 0
expect_eq "no entry is corrupt after the kills" \
    "$(printf '%s' "$o" | grep -c cert_corrupt)" 0
certstore new-self-signed --dns after.test >/dev/null
expect_eq "the next change swept temporary files" \
    "$(find "$S" -name '*.tmp.*' | wc -l)" 0
orphans=0
for k in "$S"/My/*.key "$S"/My/*.meta; do
	[ -e "${k%.*}.crt" ] || orphans=$((orphans + 1))
done
expect_eq "... and half-written entries (key without certificate)" \
    "$orphans" 0
bad=0
for f in "$S"/My/*.crt; do
	t=$(basename "$f" .crt)
	[ "$(openssl pkey -in "$S/My/$t.key" -pubout 2>/dev/null)" = \
	    "$(openssl x509 -in "$f" -noout -pubkey)" ] || bad=$((bad + 1))
done
expect_eq "every surviving certificate has its matching key" "$bad" 0

# Hostile files: every byte position class, truncations, bit flips.
certstore export "$(certstore list --json | grep -o '"thumbprint":"[0-9A-F]*"' |
    head -n 1 | cut -d'"' -f4)" --pfx good.pfx --password-file pw >/dev/null
openssl x509 -in c.pem -outform der -out good.der
python3 - <<'PY'
import random
random.seed(7)
srcs = {"pfx": open("good.pfx", "rb").read(),
        "der": open("good.der", "rb").read(),
        "pem": open("bundle.pem", "rb").read()}
n = 0
for kind, data in srcs.items():
    for i in range(40):
        b = bytearray(data)
        r = i % 4
        if r == 0:
            b = b[:random.randrange(1, len(b))]
        elif r == 1:
            for _ in range(random.randrange(1, 8)):
                b[random.randrange(len(b))] ^= 1 << random.randrange(8)
        elif r == 2:
            p = random.randrange(len(b))
            b[p:p] = bytes(random.randrange(256) for _ in range(50))
        else:
            p = random.randrange(len(b))
            b[p:p + 20] = b"\xff" * 20
        open(f"m{n:03d}.{kind}", "wb").write(bytes(b))
        n += 1
PY
before=$(cd "$S" && ls -l My Root CA REQUEST | sha256sum)
bad=""
for f in m*.*; do
	o=$(certstore import "$f" --store Root --password-file pw 2>&1)
	rc=$?
	case "$rc" in
	0 | 64 | 65 | 77) ;;
	*) bad="$bad $f:$rc" ;;
	esac
	printf '%s' "$o" | grep -Eq 'Sanitizer|runtime error' && bad="$bad $f:asan"
	# A mutation can still be a valid certificate (a flipped bit in a
	# signature): then it was imported; take it out again.
	if [ "$rc" = 0 ]; then
		for t in $(printf '%s\n' "$o" | grep -E '^[0-9A-F]{40}$'); do
			certstore remove "$t" --store Root >/dev/null 2>&1
		done
	fi
done
expect_eq "120 corrupted files: clean refusals, no sanitizer report" "$bad" ""
expect_eq "the stores hold what they held before" \
    "$(cd "$S" && ls -l My Root CA REQUEST | sha256sum)" "$before"
done_testing
