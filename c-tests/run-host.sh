#!/bin/sh
# Builds each c-tests/host/*.c against this library with pkg-config (the
# uninstalled devmapper.pc in BUILD/pkgconfig) and runs it.
# usage: run-host.sh BUILD_DIR
set -eu
build=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$build/c-tests
mkdir -p "$out"
export PKG_CONFIG_PATH="$build/pkgconfig"
flags=$(pkg-config --cflags --libs devmapper)
status=0
for src in "$here"/host/*.c; do
	bin=$out/$(basename "$src" .c)
	${CC:-cc} -std=gnu99 -Wall -Wextra -Werror -o "$bin" "$src" $flags
	lib=$(ldd "$bin" | awk '/libdevmapper/ {print $3}')
	case "$lib" in
	"$build"/lib/*) ;;
	*) echo "c-tests: $bin resolves libdevmapper to '$lib', not this build" >&2; exit 1 ;;
	esac
	echo "== $(basename "$bin")"
	"$bin" || status=1
done
exit $status
