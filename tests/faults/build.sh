#!/bin/sh
# Builds each fault scenario c-tests/faults/*.c twice: against this library
# (BUILD/faults/NAME) and against Debian's C library (BUILD/faults/NAME.clib).
# usage: build.sh BUILD_DIR
set -eu
build=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$build/faults
mkdir -p "$out"
flags=$(PKG_CONFIG_PATH="$build/pkgconfig" pkg-config --cflags --libs devmapper)
for src in "$top"/c-tests/faults/*.c; do
	name=$(basename "$src" .c)
	${CC:-cc} -std=gnu99 -Wall -Wextra -Werror -o "$out/$name" "$src" $flags
	${CC:-cc} -std=gnu99 -Wall -Wextra -Werror -I/usr/include -o "$out/$name.clib" "$src" /lib/x86_64-linux-gnu/libdevmapper.so.1.02.1
done
# The checker, on the C library whatever the scenario runs on.
${CC:-cc} -std=gnu99 -Wall -Wextra -Werror -I/usr/include -o "$out/faultcheck" "$top/tests/faults/faultcheck.c" /lib/x86_64-linux-gnu/libdevmapper.so.1.02.1
