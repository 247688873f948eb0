# bash completion for the report server's programs (certstore, httpcfg,
# httpsvc, reportserver, rsconfig, rsrender, staticsite), installed once
# under each program's name.  The words come from the program's own
# --help, so completion follows the program:
#   - a command word: the words that usage lines put at that place after
#     the words already typed ("rsconfig data<TAB>" -> database,
#     "rsconfig database <TAB>" -> create show upgrade backup restore);
#   - a word starting with '-': every option the usage names;
#   - after an option whose usage value is a FILE, PATH, DIR or FOLDER:
#     file names.

# Prints the usage lines of $1 as "word word ..." without the program name.
_rs_usage_lines() {
	local prog=$1 name=${1##*/} incmds=0 line
	"$prog" --help 2>&1 | while IFS= read -r line; do
		case $line in
		commands:*) incmds=1; continue ;;
		esac
		if ((incmds)) && [[ $line =~ ^\ \ [a-z][a-z0-9-]*(\ |$) ]]; then
			printf '%s\n' "${line#  }"
			continue
		fi
		line=${line#usage:}
		line=${line#"${line%%[![:space:]]*}"}
		[[ $line == "$name "* ]] && printf '%s\n' "${line#"$name "}"
	done
}

_rs_complete() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local prog=${COMP_WORDS[0]} help words=() typed=() w i line
	COMPREPLY=()
	help=$("$prog" --help 2>&1) || true
	if [[ $prev == -* ]] && grep -qE -- "$prev[ =](FILE|PATH|DIR|FOLDER|[A-Z.]*FILE)" <<<"$help"; then
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W \
		    "$(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u)" -- "$cur")
		return
	fi
	# The command words typed so far (options and their values left out).
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == -* ]]; then
			grep -qE -- "$w [A-Z]" <<<"$help" && ((i++))
			continue
		fi
		typed+=("$w")
	done
	while IFS= read -r line; do
		read -ra ws <<<"$line"
		# Leading [--option ...] groups are not command words.
		while [[ ${ws[0]:-} == \[* ]]; do
			while [[ ${ws[0]:-} != *\] && ${#ws[@]} -gt 0 ]]; do ws=("${ws[@]:1}"); done
			ws=("${ws[@]:1}")
		done
		# A word may be alternatives: show|upgrade.
		for ((i = 0; i < ${#typed[@]}; i++)); do
			[[ "|${ws[i]:-}|" == *"|${typed[i]}|"* ]] || continue 2
		done
		for w in ${ws[${#typed[@]}]//|/ }; do
			[[ $w =~ ^[a-z][a-z0-9-]*$ ]] && words+=("$w")
		done
	done < <(_rs_usage_lines "$prog")
	mapfile -t COMPREPLY < <(compgen -W "$(printf '%s\n' "${words[@]}" |
	    sort -u)" -- "$cur")
}

complete -o default -F _rs_complete certstore httpcfg httpsvc reportserver \
    rsconfig rsrender staticsite
