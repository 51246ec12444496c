#!/bin/sh
# Builds c-tests/concurrency/conc.c against this library (BUILD/c-tests/conc)
# and Debian's C library (BUILD/c-tests/conc.clib).
# usage: build.sh BUILD_DIR
set -eu
build=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$build/c-tests"
flags=$(PKG_CONFIG_PATH="$build/pkgconfig" pkg-config --cflags --libs devmapper)
${CC:-cc} -std=gnu99 -O2 -Wall -Wextra -Werror -pthread -o "$build/c-tests/conc" "$top/c-tests/concurrency/conc.c" $flags
${CC:-cc} -std=gnu99 -O2 -Wall -Wextra -Werror -pthread -I/usr/include -o "$build/c-tests/conc.clib" "$top/c-tests/concurrency/conc.c" /lib/x86_64-linux-gnu/libdevmapper.so.1.02.1
