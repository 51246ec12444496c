#!/bin/sh
# Compares the dynamic symbols of the built library with the reference
# lists: every listed symbol at exactly its version ('@@' default, '@'
# older), and nothing else.
# usage: check-abi.sh LIBRARY ABI_DIR
set -eu
lib=$1 dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Expected: the 1.02.185 list, then the newer list; a newer '@@' default
# demotes the older default of the same name to a plain '@' version. The
# version nodes added after 1.02.185 also get their own node symbol, as
# every node does (ld defines one per node).
awk -F'@' '
	FNR == 1 { file++ }
	{
		line = $0; name = $1; node = $NF; def = (index(line, "@@") > 0)
		if (def && file == 2 && (name in defnode) && defnode[name] != node) {
			old[name "@" defnode[name]] = 1
			delete keep[name "@@" defnode[name]]
		}
		if (def) { defnode[name] = node; keep[name "@@" node] = 1 }
		else old[line] = 1
		if (file == 2 && def && name != node && !(node in nodes)) newnode[node] = 1
		nodes[node] = 1
	}
	END {
		for (k in keep) print k
		for (k in old) print k
		for (n in newnode) print n "@@" n
	}' "$dir/libdevmapper-1.02.185.symbols" "$dir/libdevmapper-1.02.214-newer.symbols" > "$tmp/upstream"
# This project's extensions (devmapper-*.symbols): their own nodes, each
# with its node symbol.
for ext in "$dir"/devmapper-*.symbols; do
	[ -e "$ext" ] || continue
	cat "$ext"
	awk -F'@@' '{ print $2 "@@" $2 }' "$ext"
done > "$tmp/extensions"
sort -u "$tmp/upstream" "$tmp/extensions" > "$tmp/expected"

# Actual: objdump -T shows the version column; "(VER)" marks a hidden
# (older, non-default) version.
objdump -T "$lib" | awk '
	$0 ~ /\*UND\*/ { next }
	NF >= 7 && ($2 == "g" || $2 == "w") {
		ver = $(NF-1); name = $NF
		if (ver ~ /^\(.*\)$/) { gsub(/[()]/, "", ver); print name "@" ver }
		else print name "@@" ver
	}' | sort -u > "$tmp/actual"

if ! diff "$tmp/expected" "$tmp/actual" > "$tmp/diff"; then
	echo "abi-check: FAIL: exported symbols differ from abi/*.symbols (< missing, > unexpected):"
	grep '^[<>]' "$tmp/diff"
	exit 1
fi
echo "abi-check: $(wc -l < "$tmp/actual") exported symbols match abi/*.symbols exactly"
