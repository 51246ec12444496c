#!/bin/sh
# Benchmark of building a deptree through the C API (tree_build.c: N
# logical-volume nodes over 100 physical-volume nodes, a segment and an
# area each, each name read back; no kernel). Linked to Debian's C library
# and to ours: wall time of the best of three runs, and instruction counts
# under callgrind (repeatable on a busy machine). Both must print the same
# digest.
# usage: run.sh BUILD_DIR [N]
set -eu
build=$(cd "${1:?usage: run.sh BUILD_DIR [N]}" && pwd)
n=${2:-10000}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
clib=${DM_C_LIBRARY:-/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1}
out=$build/bench/tree
cc=${CC:-cc}
flags="-std=gnu99 -Wall -Wextra -Werror -O2"
mkdir -p "$out"
$cc $flags -I/usr/include -o "$out/build-c" "$here/tree_build.c" "$clib"
$cc $flags -I"$top/include" -o "$out/build-rust" "$here/tree_build.c" -L"$build/lib" -ldevmapper -Wl,-rpath,"$build/lib"

# The best wall time of three runs, in seconds.
wall() {
	best=
	for _ in 1 2 3; do
		start=$(date +%s.%N)
		env -u LD_LIBRARY_PATH "$out/build-$1" "$n" > "$out/$1.stdout"
		end=$(date +%s.%N)
		best=$(awk -v s="$start" -v e="$end" -v b="$best" 'BEGIN { t = e - s; if (b == "" || t < b) b = t; printf "%.3f", b }')
	done
	echo "$best"
}
instructions() {
	env -u LD_LIBRARY_PATH valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$1" "$out/build-$1" "$n" > "$out/$1.callgrind.stdout" 2> "$out/$1.stderr"
	awk '/^summary:/ {print $2}' "$out/callgrind.$1"
}
c_wall=$(wall c)
rust_wall=$(wall rust)
cmp -s "$out/c.stdout" "$out/rust.stdout" || { echo "bench-tree-build: outputs differ" >&2; exit 1; }
c_ir=$(instructions c)
rust_ir=$(instructions rust)
echo "bench-tree-build: $(cat "$out/rust.stdout")"
echo "bench-tree-build: C library $c_wall s, $c_ir instructions"
echo "bench-tree-build: this library $rust_wall s, $rust_ir instructions"
awk -v c="$c_ir" -v r="$rust_ir" 'BEGIN { printf "bench-tree-build: instructions, this library / C library: %.3f\n", r / c }'
