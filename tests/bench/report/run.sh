#!/bin/sh
# Benchmark (not a test): the report of 100 000 rows (two sort keys, a
# selection with a regex) in tests/bench/report/bench.c, linked to Debian's
# C library and to this one, each run under callgrind; prints both
# instruction totals and their ratio (target: at most 0.8).
# usage: tests/bench/report/run.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
clib=${DM_REFERENCE_LIB:-/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1}
out=$build/bench/report
mkdir -p "$out"
command -v valgrind >/dev/null || { echo "bench-report: valgrind missing (apt-get install valgrind)" >&2; exit 1; }
${CC:-cc} -O2 -Wall -o "$out/bench-c" "$here/bench.c" "$clib"
${CC:-cc} -O2 -Wall -I"$top/include" -o "$out/bench-rust" "$here/bench.c" -L"$build/lib" -Wl,-rpath,"$build/lib" -ldevmapper
total() { # callgrind output file -> total instructions
	awk '/^totals:/ {print $2}' "$1"
}
for lib in c rust; do
	env -u LD_LIBRARY_PATH valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$lib" "$out/bench-$lib" > "$out/$lib.out" 2> "$out/$lib.err"
done
c=$(total "$out/callgrind.c") r=$(total "$out/callgrind.rust")
echo "bench-report: C library $c instructions, this library $r ($(cat "$out/rust.out"); C: $(cat "$out/c.out"))"
awk -v c="$c" -v r="$r" 'BEGIN { printf "bench-report: ratio %.3f (target <= 0.8)\n", r / c }'
