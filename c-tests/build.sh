#!/bin/sh
# Builds the c-tests/vm programs against this library (pkg-config) on the
# host; the VM runs them from the shared tree.
# usage: build.sh BUILD_DIR
set -eu
build=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/c-tests"
export PKG_CONFIG_PATH="$build/pkgconfig"
flags=$(pkg-config --cflags --libs devmapper)
for src in "$here"/vm/*.c; do
	${CC:-cc} -std=gnu99 -Wall -Wextra -Werror -pthread -o "$build/c-tests/$(basename "$src" .c)" "$src" $flags
done

# The same programs against Debian's C library, as <name>.clib, where they
# are meant to pass there too.
for src in "$here"/vm/tree_*.c; do
	${CC:-cc} -std=gnu99 -Wall -Wextra -Werror -pthread -I/usr/include -o "$build/c-tests/$(basename "$src" .c).clib" "$src" /lib/x86_64-linux-gnu/libdevmapper.so.1.02.1
done
