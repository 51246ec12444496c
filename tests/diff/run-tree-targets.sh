#!/bin/sh
# Differential test of bad parameters to the deptree target builders: builds
# tests/diff/tree_targets_bad.c twice, against Debian's header and C
# library and against this library's header and build, runs both and
# compares their outputs line by line.
# usage: run-tree-targets.sh BUILD_DIR   (BUILD_DIR/lib holds `make lib`'s output)
set -eu
build=$(cd "${1:?usage: run-tree-targets.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
clib=${DM_C_LIBRARY:-/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1}
src=$here/tree_targets_bad.c
out=$build/diff
cc=${CC:-cc}
flags="-std=gnu99 -Wall -Wextra -Werror -O1"

if [ ! -f /usr/include/libdevmapper.h ] || [ ! -f "$clib" ]; then
	echo "run-tree-targets: needs Debian's libdevmapper-dev header and $clib" >&2
	exit 1
fi
mkdir -p "$out"

# The C library: its header from /usr/include, its shared object by path.
$cc $flags -o "$out/ttb-c" "$src" "$clib"
# This library: the generated header and the build, found through an rpath.
$cc $flags -I"$top/include" -o "$out/ttb-rust" "$src" -L"$build/lib" -ldevmapper -Wl,-rpath,"$build/lib"

resolved() { env -u LD_LIBRARY_PATH ldd "$1" | awk '/libdevmapper/ {print $3}'; }
case "$(resolved "$out/ttb-rust")" in
"$build"/lib/*) ;;
*) echo "run-tree-targets: ttb-rust does not load $build/lib" >&2; exit 1 ;;
esac
case "$(resolved "$out/ttb-c")" in
"$build"/*) echo "run-tree-targets: ttb-c loads this build, not the C library" >&2; exit 1 ;;
esac

env -u LD_LIBRARY_PATH "$out/ttb-c" > "$out/ttb-c.out"
env -u LD_LIBRARY_PATH "$out/ttb-rust" > "$out/ttb-rust.out"

lines=$(wc -l < "$out/ttb-c.out")
# Two empty outputs are identical and prove nothing.
[ "$lines" -gt 0 ] || { echo "run-tree-targets: the C library's run printed nothing: nothing was compared" >&2; exit 1; }
if diff -u "$out/ttb-c.out" "$out/ttb-rust.out" > "$out/ttb.diff"; then
	echo "run-tree-targets: $lines refused or accepted builder calls, results and logged errors identical to the C library"
else
	differing=$(grep -c '^[-+][^-+]' "$out/ttb.diff" || true)
	cat "$out/ttb.diff"
	echo "run-tree-targets: outputs differ ($differing changed lines of $lines; diff in $out/ttb.diff)" >&2
	exit 1
fi
