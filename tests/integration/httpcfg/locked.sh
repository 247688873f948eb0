#!/usr/bin/env bash
# A binding store held by another writer: readers are not blocked (WAL),
# a writer waits for the busy timeout (15 s) and then fails cleanly with
# Error: 170 and a sentence, changing nothing; once the lock is gone the
# same command succeeds.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures.bash"

check "a reservation" httpcfg add urlacl url=https://+:8443/a/ user=root
db="$ROOT/http/bindings.db"
cat >"$TMP/hold.py" <<'PY'
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
c.execute("UPDATE meta SET generation = generation")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
c.execute("ROLLBACK")
PY
start_bg "$TMP/hold.log" python3 "$TMP/hold.py" "$db" "$TMP/held" 40
holder=$BG_PID
wait_for "the lock" 10 test -f "$TMP/held"

t0=$SECONDS
out=$(timeout 10 httpcfg show urlacl 2>&1)
expect_match "a reader is not blocked by the writer" "$out" 'https://\+:8443/a/'
expect_eq "and answers at once" $(( SECONDS - t0 < 5 )) 1

t0=$SECONDS
expect_fail "a writer gives up with 170" 170 \
    'The requested resource is in use\.' \
    httpcfg add urlacl url=https://+:8443/b/ user=root
el=$(( SECONDS - t0 ))
expect_eq "after the busy timeout (about 15 s, took $el s)" \
    $(( el >= 13 && el <= 30 )) 1
kill "$holder"
wait "$holder" 2>/dev/null
check "the same add works once the lock is gone" \
    httpcfg add urlacl url=https://+:8443/b/ user=root
done_testing
