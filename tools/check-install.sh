#!/bin/sh
# Installs into a scratch DESTDIR and builds and runs a C test against the
# installed header, library and devmapper.pc, as a distribution would.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu > /dev/null
for f in usr/lib/x86_64-linux-gnu/libdevmapper.so.1.02 usr/lib/x86_64-linux-gnu/libdevmapper.so.1.02.1 \
	usr/lib/x86_64-linux-gnu/libdevmapper.so usr/include/libdevmapper.h usr/lib/x86_64-linux-gnu/pkgconfig/devmapper.pc; do
	[ -e "$dest/$f" ] || { echo "install-check: $f missing" >&2; exit 1; }
done
flags=$(PKG_CONFIG_PATH="$dest/usr/lib/x86_64-linux-gnu/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest" pkg-config --cflags --libs devmapper)
${CC:-cc} -std=gnu99 -Wall -Werror -o "$dest/boundary" "$top/c-tests/host/boundary.c" $flags
LD_LIBRARY_PATH="$dest/usr/lib/x86_64-linux-gnu" "$dest/boundary" > "$dest/out"
tail -1 "$dest/out"
echo "install-check: installed files, pkg-config and a C program built against them work"
