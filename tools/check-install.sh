#!/bin/sh
# Installs into a scratch DESTDIR and checks it as a distribution would: the
# library stripped (no .symtab, no .debug_* section) with its debug info in
# .debug/ (a .gnu_debuglink to it, and gdb finding its source lines), every
# exported symbol still there at its version (check-abi.sh), and a C test
# built and run against the installed header, library and devmapper.pc.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu > /dev/null
for f in usr/lib/x86_64-linux-gnu/libdevmapper.so.1.02 usr/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1 \
	usr/lib/x86_64-linux-gnu/libdevmapper.so usr/include/libdevmapper.h usr/lib/x86_64-linux-gnu/pkgconfig/devmapper.pc; do
	[ -e "$dest/$f" ] || { echo "install-check: $f missing" >&2; exit 1; }
done
libdir=$dest/usr/lib/x86_64-linux-gnu
lib=$libdir/libdevmapper.so.1.02
if readelf -S -W "$lib" | grep -E ' \.(symtab|debug_[a-z]+) ' >&2; then
	echo "install-check: the installed library is not stripped (sections above)" >&2; exit 1
fi
readelf -S -W "$lib" | grep -q ' \.gnu_debuglink ' || { echo "install-check: no .gnu_debuglink in the installed library" >&2; exit 1; }
[ -s "$libdir/.debug/libdevmapper.so.1.02.debug" ] || { echo "install-check: no separate debug info installed" >&2; exit 1; }
if command -v gdb >/dev/null; then
	gdb -nx -batch -ex 'info line dm_task_create' "$lib" 2>&1 | grep -q 'src/capi/' ||
		{ echo "install-check: gdb finds no source line for dm_task_create through the debug link" >&2; exit 1; }
fi
"$top/tools/check-abi.sh" "$lib" "$top/abi" > /dev/null ||
	{ echo "install-check: the installed (stripped) library fails the ABI check" >&2; exit 1; }
echo "install-check: library $(stat -c %s "$lib") bytes stripped, debug info $(stat -c %s "$libdir/.debug/libdevmapper.so.1.02.debug") bytes apart"
flags=$(PKG_CONFIG_PATH="$dest/usr/lib/x86_64-linux-gnu/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest" pkg-config --cflags --libs devmapper)
${CC:-cc} -std=gnu99 -Wall -Werror -o "$dest/boundary" "$top/c-tests/host/boundary.c" $flags
LD_LIBRARY_PATH="$dest/usr/lib/x86_64-linux-gnu" "$dest/boundary" > "$dest/out"
tail -1 "$dest/out"
echo "install-check: installed files, pkg-config and a C program built against them work"
