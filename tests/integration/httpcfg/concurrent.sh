#!/usr/bin/env bash
# Several httpcfg writers at once on one binding store: each add either
# succeeds or fails cleanly (183 for a taken endpoint; never "locked"),
# nothing is lost, and the store stays consistent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fixtures.bash"

T=$(mkcert conc.test)
check "store created" httpcfg show sslcert
db="$ROOT/http/bindings.db"
sq() { sqlite3 -cmd ".filectrl persist_wal 1" "$db" "$1" | tail -n +2; }
gen0=$(sq "SELECT generation FROM meta")

N=16
pids=() kinds=()
for i in $(seq 1 $N); do
	httpcfg add sslcert ipport=127.0.0.1:$((20000 + i)) certhash="$T" \
	    appid="$APP1" >"$TMP/d$i" 2>&1 &
	pids+=($!) kinds+=(distinct)
	httpcfg add sslcert ipport=0.0.0.0:7000 certhash="$T" appid="$APP2" \
	    >"$TMP/s$i" 2>&1 &
	pids+=($!) kinds+=(same)
	httpcfg add urlacl url=https://+:$((30000 + i))/app$i/ user=root \
	    >"$TMP/u$i" 2>&1 &
	pids+=($!) kinds+=(urlacl)
done
declare -A okc=([distinct]=0 [same]=0 [urlacl]=0)
other=0
for k in "${!pids[@]}"; do
	wait "${pids[$k]}"
	rc=$?
	if [ $rc -eq 0 ]; then okc[${kinds[$k]}]=$((okc[${kinds[$k]}] + 1))
	elif [ "${kinds[$k]}" != same ] || [ $rc -ne 73 ]; then
		other=$((other + 1)); fi
done
expect_eq "every add on a free endpoint succeeded" "${okc[distinct]}" $N
expect_eq "every URL ACL add succeeded" "${okc[urlacl]}" $N
expect_eq "exactly one add won the shared endpoint" "${okc[same]}" 1
expect_eq "no failure other than 183" "$other" 0
losers=$(cat "$TMP"/s* | grep -c 'Error: 183$')
expect_eq "the others got 183" "$losers" $((N - 1))

expect_eq "bindings in the store" \
    "$(httpcfg show sslcert --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["sslcert"]))')" \
    $((N + 1))
expect_eq "URL ACLs in the store" \
    "$(httpcfg show urlacl --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["urlacl"]))')" $N
expect_eq "integrity_check" "$(sq 'PRAGMA integrity_check')" ok
expect_eq "foreign_key_check" "$(sq 'PRAGMA foreign_key_check')" ""
expect_eq "every binding has an owner" \
    "$(sq 'SELECT count(*) FROM sslcert WHERE endpoint NOT IN (SELECT endpoint FROM sslcert_owner)')" 0
expect_eq "the generation counted every committed change" \
    "$(sq 'SELECT generation FROM meta')" $((gen0 + 2 * N + 1))

# Parallel deletes of everything: all succeed, the store ends empty.
pids=()
for i in $(seq 1 $N); do
	httpcfg delete sslcert ipport=127.0.0.1:$((20000 + i)) >/dev/null 2>&1 &
	pids+=($!)
	httpcfg delete urlacl url=https://+:$((30000 + i))/app$i/ >/dev/null 2>&1 &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
expect_eq "parallel deletes all succeeded" $fails 0
expect_eq "one binding left" \
    "$(httpcfg show sslcert --json | python3 -c 'import json,sys; print([b["endpoint"] for b in json.load(sys.stdin)["sslcert"]])')" \
    "['0.0.0.0:7000']"
done_testing
