#!/bin/bash
# Runs a file of dmsetup command lines twice in this guest, first on the C
# library and then on this one, and compares each command's output and
# exit status. Devices must be gone at the end of the file so both runs
# start from the same kernel state.
#
# Line syntax (each line is evaluated by bash, so quoting, $'..\n..' and
# here-strings work; stdin is /dev/null unless the line redirects it):
#   # ...                comment
#   ARGS                 runs `dmsetup ARGS`; output (stdout and stderr,
#                        merged) and exit status are compared
#   !ARGS                the same, expected to fail
#   timeout SECS ARGS    runs `timeout SECS dmsetup ARGS` (for commands that
#                        may block, e.g. wait); may be prefixed with '!'
#   ARGS |> FILTER       the merged output is piped through the shell command
#                        FILTER before it is compared (explicit exceptions,
#                        e.g. the Library version line); the exit status is
#                        still dmsetup's. FILTER sees $pass: c on the C
#                        library, rs on this one
#   $ SHELL-COMMAND      a shell command (not dmsetup), compared the same way,
#                        e.g. to look at /dev/mapper
#   @ SHELL-COMMAND      a shell command run in both passes and not compared
#                        (setup and cleanup)
#   %strict              from here on, lines without '!' must succeed on the C
#                        library and '!' lines must fail; a line whose C exit
#                        status contradicts its mark is reported as
#                        UNEXPECTED (a mistake in the command file) and fails
#                        the run
# Every process start costs ~0.3 s in the VM, so the script itself runs
# nothing but the commands of the file (and their filters).
# DMSETUP_COMPARE_TIMES=1 prints each command's run time on stderr.
# usage: dmsetup-compare.sh BUILD_DIR COMMANDS_FILE
set -u
build=$1 cmds=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# slurp FILE: the whole file (trailing newlines kept) in $REPLY, no fork
slurp() { REPLY=; IFS= read -r -d '' REPLY < "$1"; }

# the lines of the file that are counted, and their marks
lines=() strict=()
s=0
while IFS= read -r line; do
	case "$line" in
	''|'#'*|'@ '*) ;;
	%strict) s=1 ;;
	*) lines+=("$line"); strict+=("$s") ;;
	esac
done < "$cmds"

run_all() { # $1: pass name (c or rs); the environment decides the library
	local n=0 line cmd filter rc t0 pass=$1
	while IFS= read -r line; do
		case "$line" in
		''|'#'*|%strict) continue ;;
		'@ '*) eval "${line#@ }" </dev/null >/dev/null 2>&1; continue ;;
		esac
		n=$((n + 1))
		line=${line#!}
		filter=
		case "$line" in
		*' |> '*) filter=${line#* |> }; line=${line%% |> *} ;;
		esac
		case "$line" in
		'$ '*) cmd=${line#\$ } ;;
		timeout\ *) cmd=${line#timeout }; cmd="timeout ${cmd%% *} dmsetup ${cmd#* }" ;;
		*) cmd="dmsetup $line" ;;
		esac
		shown[n]="$cmd${filter:+ |> $filter}"
		t0=${EPOCHREALTIME/./}
		if [ -n "$filter" ]; then
			eval "$cmd" < /dev/null > "$tmp/raw" 2>&1
			rc=$?
			eval "$filter" < "$tmp/raw" > "$tmp/out" 2>&1
		else
			eval "$cmd" < /dev/null > "$tmp/out" 2>&1
			rc=$?
		fi
		t0=$(( (${EPOCHREALTIME/./} - t0) / 10000 ))
		[ -n "${DMSETUP_COMPARE_TIMES:-}" ] &&
			printf '%s %d.%02ds %s\n' "$pass" $((t0 / 100)) $((t0 % 100)) "$cmd" >&2
		slurp "$tmp/out"
		if [ "$pass" = c ]; then c_out[n]=$REPLY c_rc[n]=$rc; else rs_out[n]=$REPLY rs_rc[n]=$rc; fi
	done < "$cmds"
}

indent() { # text: each line indented by four spaces
	local l
	[ -n "$1" ] || return 0
	while IFS= read -r l; do echo "    $l"; done <<< "${1%$'\n'}"
}

shown=() c_out=() c_rc=() rs_out=() rs_rc=()
run_all c
LD_LIBRARY_PATH="$build/lib" run_all rs

same=0 differ=0 unexpected=0
for ((i = 0; i < ${#lines[@]}; i++)); do
	n=$((i + 1)) line=${lines[i]}
	if [ "${strict[i]}" = 1 ]; then
		case "$line" in
		'!'*) [ "${c_rc[n]}" -ne 0 ] || { unexpected=$((unexpected + 1)); echo "UNEXPECTED: succeeded on the C library: $line"; } ;;
		*) [ "${c_rc[n]}" -eq 0 ] || { unexpected=$((unexpected + 1)); echo "UNEXPECTED: failed (exit ${c_rc[n]}) on the C library: $line"; } ;;
		esac
	fi
	if [ "${c_out[n]}" == "${rs_out[n]}" ] && [ "${c_rc[n]}" = "${rs_rc[n]}" ]; then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		echo "DIFFERS: ${shown[n]}"
		echo "  C library (exit ${c_rc[n]}):"; indent "${c_out[n]}"
		echo "  devmapper (exit ${rs_rc[n]}):"; indent "${rs_out[n]}"
	fi
done
[ "$unexpected" -eq 0 ] || echo "command file: $unexpected lines did not behave on the C library as marked"
echo "dmsetup commands matching the C library: $same of $((same + differ))"
[ "$differ" -eq 0 ] && [ "$unexpected" -eq 0 ]
