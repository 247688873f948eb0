# tests/integration/httpcfg/fixtures.bash: shared by the httpcfg scripts
# (sourced after lib.sh; not a test itself: run.sh runs only *.sh / *.py).
#
#   mkcert NAME [OPTS] a new self-signed certificate for NAME in My (via the
#                     real certstore tool); prints its thumbprint
#   store_state       the binding store's content (a dump), to compare
#   expect_fail DESC CODE REGEX CMD...
#                     CMD fails with "Error: CODE", its stderr matches REGEX
#                     (grep -E), and the binding store is unchanged
APP1='{4dc3e181-e14b-4a21-b022-59fc669b0914}'
APP2='{11111111-2222-3333-4444-555555555555}'

mkcert() {
	certstore new-self-signed --dns "$@" | tail -n 1
}

# The sqlite3 shell keeps the -wal/-shm files like our code does (without
# them a user who may only read the store cannot open it).
store_state() {
	if [ -f "$ROOT/http/bindings.db" ]; then
		sqlite3 -cmd ".filectrl persist_wal 1" "$ROOT/http/bindings.db" \
		    "SELECT * FROM sslcert ORDER BY endpoint;
		     SELECT * FROM sslcert_owner ORDER BY endpoint, appid;
		     SELECT key, url, user FROM urlacl ORDER BY key;
		     SELECT generation FROM meta;" | sha256sum
	else
		echo none
	fi
}

expect_fail() {
	local d=$1 code=$2 re=$3 before after out rc
	shift 3
	before=$(store_state)
	out=$("$@" 2>&1)
	rc=$?
	after=$(store_state)
	if [ $rc -eq 0 ]; then
		not_ok "$d" "command unexpectedly succeeded: $*" "$out"
	elif ! printf '%s' "$out" | grep -q -- "Error: $code\$"; then
		not_ok "$d" "want Error: $code, got:" "$out"
	elif ! printf '%s' "$out" | grep -Eq -- "$re"; then
		not_ok "$d" "no match for /$re/ in:" "$out"
	elif [ "$before" != "$after" ]; then
		not_ok "$d" "the binding store changed" "$out"
	else
		ok "$d"
	fi
}
