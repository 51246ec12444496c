#!/bin/sh
# Differential test of the status parsers: builds status_diff.c twice,
# against Debian's header and C library and against this library's header
# and build, runs both over corpus.txt and compares the outputs. The
# differences intended because we follow libdm 1.02.214 (intended.awk, the
# allow-list) are applied to the C library's output first; the rest must
# be identical.
# usage: run.sh BUILD_DIR   (BUILD_DIR/lib holds `make lib`'s output)
set -eu
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
clib=${DM_C_LIBRARY:-/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1}
src=$here/status_diff.c
out=$build/diff
cc=${CC:-cc}
flags="-std=gnu99 -Wall -Wextra -Werror -O1"

if [ ! -f /usr/include/libdevmapper.h ] || [ ! -f "$clib" ]; then
	echo "status-diff: needs Debian's libdevmapper-dev header and $clib" >&2
	exit 1
fi
mkdir -p "$out"
$cc $flags -o "$out/status-c" "$src" "$clib"
$cc $flags -I"$top/include" -o "$out/status-rust" "$src" -L"$build/lib" -ldevmapper -Wl,-rpath,"$build/lib"

case "$(env -u LD_LIBRARY_PATH ldd "$out/status-rust" | awk '/libdevmapper/ {print $3}')" in
"$build"/lib/*) ;;
*) echo "status-diff: status-rust does not load $build/lib" >&2; exit 1 ;;
esac

env -u LD_LIBRARY_PATH "$out/status-c" "$here/corpus.txt" > "$out/status-c.out" 2>&1
env -u LD_LIBRARY_PATH "$out/status-rust" "$here/corpus.txt" > "$out/status-rust.out" 2>&1

lines=$(wc -l < "$out/status-c.out")
# Two empty outputs are identical and prove nothing.
[ "$lines" -gt 0 ] || { echo "status-diff: the C library's run printed nothing: nothing was compared" >&2; exit 1; }
cases=$(tail -n 1 "$out/status-c.out")
: > "$out/intended.counts"
awk -v counts="$out/intended.counts" -f "$here/intended.awk" "$out/status-c.out" > "$out/status-c-1.02.214.out"
intended=$(awk '{ printf "%s%s %s", sep, $2, $1; sep = ", " }' "$out/intended.counts")
if diff -u "$out/status-c-1.02.214.out" "$out/status-rust.out" > "$out/status.diff"; then
	echo "status-diff: $cases, $lines lines compared, identical to the C library${intended:+ but for the intended 1.02.214 lines ($intended)}"
else
	differing=$(grep -c '^[-+][^-+]' "$out/status.diff" || true)
	head -n 200 "$out/status.diff"
	echo "status-diff: outputs differ from the C library's (with the intended 1.02.214 lines applied) ($differing changed lines of $lines; diff in $out/status.diff)" >&2
	exit 1
fi
