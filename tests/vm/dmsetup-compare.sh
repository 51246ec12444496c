#!/bin/bash
# Runs a file of dmsetup command lines twice in this guest, first on the C
# library and then on this one, and compares each command's output and
# exit status. Lines starting with '#' are comments; a command prefixed
# with '!' is expected to fail (on both). Devices must be gone at the end
# of the file so both runs start from the same kernel state.
# usage: dmsetup-compare.sh BUILD_DIR COMMANDS_FILE
set -u
build=$1 cmds=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_all() { # $1: output dir; environment decides the library
	mkdir -p "$1"
	local n=0 line
	while IFS= read -r line; do
		case "$line" in ''|'#'*) continue ;; esac
		n=$((n + 1))
		line=${line#!}
		eval "dmsetup $line" > "$1/$n.out" 2>&1
		echo $? > "$1/$n.rc"
		echo "$line" > "$1/$n.cmd"
	done < "$cmds"
}

run_all "$tmp/c"
LD_LIBRARY_PATH="$build/lib" run_all "$tmp/rs"

same=0 differ=0
for f in "$tmp"/c/*.cmd; do
	n=$(basename "$f" .cmd)
	if cmp -s "$tmp/c/$n.out" "$tmp/rs/$n.out" && cmp -s "$tmp/c/$n.rc" "$tmp/rs/$n.rc"; then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		echo "DIFFERS: dmsetup $(cat "$f")"
		echo "  C library (exit $(cat "$tmp/c/$n.rc")):"; sed 's/^/    /' "$tmp/c/$n.out"
		echo "  devmapper (exit $(cat "$tmp/rs/$n.rc")):"; sed 's/^/    /' "$tmp/rs/$n.out"
	fi
done
echo "dmsetup commands matching the C library: $same of $((same + differ))"
[ "$differ" -eq 0 ]
