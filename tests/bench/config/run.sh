#!/bin/sh
# Benchmark of config parsing and writing: config_bench.c parses and writes
# generated LVM metadata with 1000 LVs N times, under callgrind, linked to
# Debian's C library and to ours. Prints the instruction totals and ours as
# a fraction of the C library's (target: at most 0.8).
# usage: run.sh BUILD_DIR [N]
set -eu
build=$(cd "${1:?usage: run.sh BUILD_DIR [N]}" && pwd)
n=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
clib=${DM_C_LIBRARY:-/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1}
out=$build/bench/config
cc=${CC:-cc}
flags="-std=gnu99 -Wall -Wextra -Werror -O2"
mkdir -p "$out"
"$top/tests/diff/config/gen-lvm-metadata.sh" 1000 > "$out/lvm-1000-lvs.vg"
$cc $flags -o "$out/bench-c" "$here/config_bench.c" "$clib"
$cc $flags -I"$top/include" -o "$out/bench-rust" "$here/config_bench.c" -L"$build/lib" -ldevmapper -Wl,-rpath,"$build/lib"

total() {
	env -u LD_LIBRARY_PATH valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$1" "$out/bench-$1" "$out/lvm-1000-lvs.vg" "$n" > "$out/$1.stdout" 2> "$out/$1.stderr"
	awk '/^summary:/ {print $2}' "$out/callgrind.$1"
}
c=$(total c)
rust=$(total rust)
cmp -s "$out/c.stdout" "$out/rust.stdout" || { echo "bench-config: outputs differ" >&2; exit 1; }
echo "bench-config: $n rounds of parse+write of $(wc -c < "$out/lvm-1000-lvs.vg") bytes ($(cat "$out/c.stdout"))"
echo "bench-config: C library $c instructions, this library $rust instructions"
awk -v c="$c" -v r="$rust" 'BEGIN { printf "bench-config: ratio %.3f (target <= 0.8)\n", r / c }'
