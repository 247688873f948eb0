#!/usr/bin/env bash
# kill -9 of httpcfg at random instants while it writes: the store stays
# readable and consistent (integrity_check, foreign keys, no binding
# without its owner row), holds only whole changes, and the next writer
# is not blocked by a stale lock.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures.bash"

T=$(mkcert crash.test)
check "store created" httpcfg show sslcert
db="$ROOT/http/bindings.db"
sq() { sqlite3 -cmd ".filectrl persist_wal 1" "$db" "$1" | tail -n +2; }

killed=0 finished=0
for i in $(seq 1 40); do
	# Two writers: one is killed at a random instant, one runs on.
	httpcfg add sslcert ipport=127.0.0.1:$((40000 + i)) certhash="$T" \
	    appid="$APP1" >/dev/null 2>&1 &
	victim=$!
	httpcfg add urlacl url=http://+:$((41000 + i))/k$i/ user=root \
	    >/dev/null 2>&1 &
	survivor=$!
	sleep "0.0$((RANDOM % 5))$((RANDOM % 10))"
	if kill -9 "$victim" 2>/dev/null; then killed=$((killed + 1)); fi
	wait "$victim" 2>/dev/null
	wait "$survivor" && finished=$((finished + 1))
	# Every other round, also kill a delete.
	if [ $((i % 2)) -eq 0 ]; then
		httpcfg delete sslcert ipport=127.0.0.1:$((40000 + i - 1)) \
		    >/dev/null 2>&1 &
		victim=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$victim" 2>/dev/null
		wait "$victim" 2>/dev/null
	fi
done
echo "# killed $killed writers; $finished survivors finished"
if [ "$killed" -ge 5 ]; then ok "kill -9 hit running writers ($killed)"; else
	not_ok "kill -9 hit running writers" "only $killed of 40 were still running"; fi
expect_eq "every writer running beside a killed one finished" "$finished" 40
expect_eq "integrity_check after kill -9" "$(sq 'PRAGMA integrity_check')" ok
expect_eq "foreign keys hold" "$(sq 'PRAGMA foreign_key_check')" ""
expect_eq "no binding without its owner (one transaction)" \
    "$(sq 'SELECT count(*) FROM sslcert WHERE endpoint NOT IN (SELECT endpoint FROM sslcert_owner)')" 0
expect_eq "no owner row without its binding" \
    "$(sq 'SELECT count(*) FROM sslcert_owner WHERE endpoint NOT IN (SELECT endpoint FROM sslcert)')" 0
json=$(httpcfg show sslcert --json)
check "show sslcert reads the store" python3 -m json.tool <<<"$json"
check "the next writer is not blocked" timeout 20 \
    httpcfg add sslcert ipport=127.0.0.1:49999 certhash="$T" appid="$APP1"
expect_eq "every reservation of a surviving writer is there" \
    "$(httpcfg show urlacl --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["urlacl"]))')" 40
done_testing
