#!/bin/sh
# Differential test of the pool, hash, list and bitset functions: builds
# tests/diff/pool_hash_list_bitset.c twice, against Debian's header and C
# library and against this library's header and build, runs both and
# compares their outputs line by line.
# usage: run-pool-hash.sh BUILD_DIR   (BUILD_DIR/lib holds `make lib`'s output)
set -eu
build=$(cd "${1:?usage: run-pool-hash.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
clib=${DM_C_LIBRARY:-/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1}
src=$here/pool_hash_list_bitset.c
out=$build/diff
cc=${CC:-cc}
flags="-std=gnu99 -Wall -Wextra -Werror -O1"

if [ ! -f /usr/include/libdevmapper.h ] || [ ! -f "$clib" ]; then
	echo "run-pool-hash: needs Debian's libdevmapper-dev header and $clib" >&2
	exit 1
fi
mkdir -p "$out"

# The C library: its header from /usr/include, its shared object by path.
$cc $flags -o "$out/phlb-c" "$src" "$clib"
# This library: the generated header and the build, found through an rpath.
$cc $flags -I"$top/include" -o "$out/phlb-rust" "$src" -L"$build/lib" -ldevmapper -Wl,-rpath,"$build/lib"

resolved() { env -u LD_LIBRARY_PATH ldd "$1" | awk '/libdevmapper/ {print $3}'; }
case "$(resolved "$out/phlb-rust")" in
"$build"/lib/*) ;;
*) echo "run-pool-hash: phlb-rust does not load $build/lib" >&2; exit 1 ;;
esac
case "$(resolved "$out/phlb-c")" in
"$build"/*) echo "run-pool-hash: phlb-c loads this build, not the C library" >&2; exit 1 ;;
esac

env -u LD_LIBRARY_PATH "$out/phlb-c" > "$out/phlb-c.out"
env -u LD_LIBRARY_PATH "$out/phlb-rust" > "$out/phlb-rust.out"

lines=$(wc -l < "$out/phlb-c.out")
# Two empty outputs are identical and prove nothing.
[ "$lines" -gt 0 ] || { echo "run-pool-hash: the C library's run printed nothing: nothing was compared" >&2; exit 1; }
if diff -u "$out/phlb-c.out" "$out/phlb-rust.out" > "$out/phlb.diff"; then
	echo "run-pool-hash: $lines lines compared, identical to the C library"
else
	differing=$(grep -c '^[-+][^-+]' "$out/phlb.diff" || true)
	cat "$out/phlb.diff"
	echo "run-pool-hash: outputs differ ($differing changed lines of $lines; diff in $out/phlb.diff)" >&2
	exit 1
fi
