#!/bin/sh
# Differential test of the dm_config_* functions: builds config_diff.c
# against Debian's header and C library and against this library's header
# and build, runs both on every file of corpus/ plus generated LVM
# metadata with 1000 logical volumes, and compares the outputs.
# usage: run.sh BUILD_DIR   (BUILD_DIR/lib holds `make lib`'s output)
set -eu
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
clib=${DM_C_LIBRARY:-/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1}
out=$build/diff/config
cc=${CC:-cc}
flags="-std=gnu99 -Wall -Wextra -Werror -O1"

if [ ! -f /usr/include/libdevmapper.h ] || [ ! -f "$clib" ]; then
	echo "config-diff: needs Debian's libdevmapper-dev header and $clib" >&2
	exit 1
fi
mkdir -p "$out"
"$here/gen-lvm-metadata.sh" 1000 > "$out/lvm-1000-lvs.vg"

$cc $flags -o "$out/config-c" "$here/config_diff.c" "$clib"
$cc $flags -I"$top/include" -o "$out/config-rust" "$here/config_diff.c" -L"$build/lib" -ldevmapper -Wl,-rpath,"$build/lib"

resolved() { env -u LD_LIBRARY_PATH ldd "$1" | awk '/libdevmapper/ {print $3}'; }
case "$(resolved "$out/config-rust")" in
"$build"/lib/*) ;;
*) echo "config-diff: config-rust does not load $build/lib" >&2; exit 1 ;;
esac
case "$(resolved "$out/config-c")" in
"$build"/*) echo "config-diff: config-c loads this build, not the C library" >&2; exit 1 ;;
esac

set -- "$here"/corpus/*.cfg "$out/lvm-1000-lvs.vg"
env -u LD_LIBRARY_PATH "$out/config-c" "$@" > "$out/config-c.out"
env -u LD_LIBRARY_PATH "$out/config-rust" "$@" > "$out/config-rust.out"

lines=$(wc -l < "$out/config-c.out")
# Two empty outputs are identical and prove nothing.
[ "$lines" -gt 0 ] || { echo "config-diff: the C library's run printed nothing: nothing was compared" >&2; exit 1; }
if diff -u "$out/config-c.out" "$out/config-rust.out" > "$out/config.diff"; then
	echo "config-diff: $# inputs, $lines lines compared, identical to the C library"
else
	differing=$(grep -c '^[-+][^-+]' "$out/config.diff" || true)
	head -100 "$out/config.diff"
	echo "config-diff: outputs differ ($differing changed lines of $lines; diff in $out/config.diff)" >&2
	exit 1
fi
